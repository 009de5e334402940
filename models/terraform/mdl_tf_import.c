/* mdl_tf_import.c - build the config from a plan: names, functions,
 * queues and their consumers, buckets and their notifications, tables,
 * file systems, then the overlay, the placeholders and the assembly
 * (mdl_tf_map.h: mdl_tf_import_build). */
#include "models/terraform/mdl_tf_build.h"
#include "sim/sim_num.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const k_functions[] = { "aws_lambda_function", NULL };
static const char *const k_queues[] = { "aws_sqs_queue", NULL };
static const char *const k_buckets[] = { "aws_s3_bucket", NULL };
static const char *const k_templates[] = { "aws_launch_template", NULL };



static const char *path2(char *buf, size_t n, tf_section s, const char *name, const char *key)
{
    snprintf(buf, n, "%s.%s%s%s", tf_section_key(s), name, key ? "." : "", key ? key : "");
    return buf;
}

/* ---- names ------------------------------------------------------------------ */

static const struct tf_named {
    const char *type;
    tf_section sec;
    mdl_tf_row_id name_row;
} k_named[] = {
    { "aws_lambda_function", TF_SEC_FUNCTIONS, MDL_TF_ROW_FN_NAME },
    { "aws_sqs_queue", TF_SEC_QUEUES, MDL_TF_ROW_Q_NAME },
    { "aws_s3_bucket", TF_SEC_BUCKETS, MDL_TF_ROW_B_NAME },
    { "aws_sfn_state_machine", TF_SEC_MACHINES, MDL_TF_ROW_SM_NAME },
    { "aws_dynamodb_table", TF_SEC_COUNT, MDL_TF_ROW_T_NAME },   /* a name for hints only */
};

/* Every named resource's config name: its AWS name when known, else its
 * Terraform name; two resources may not claim one name.  Tables have no
 * section (the simulator bills DynamoDB calls on demand): a name only. */
static sim_status tf_names(tf_build *b)
{
    for (size_t k = 0; k < sizeof k_named / sizeof k_named[0]; k++) {
        for (int i = tf_next(b->p, k_named[k].type, 0); i >= 0; i = tf_next(b->p, k_named[k].type, i + 1)) {
            char name[TF_NAME_MAX], path[TF_NAME_MAX + 64];
            if (!tf_get_str(tf_res(b, i), k_named[k].name_row, NULL, name, sizeof name) || !name[0])
                tf_local_name(b->p, tf_res(b, i), name, sizeof name);
            snprintf(b->cname[i], TF_NAME_MAX, "%s", name);
            b->used[i] = true;
            if (k_named[k].sec == TF_SEC_COUNT)
                continue;
            path2(path, sizeof path, k_named[k].sec, name, NULL);
            if (tf_key(b->sec[k_named[k].sec], name))
                return mdl_tf_fail(b->p, tf_res(b, i), NULL, b->err, SIM_EFORMAT, "its config name "
                                   "'%s' is %s's too: names must be unique", name,
                                   json_object_get_string(tf_key(b->out->resources, path)));
            tf_obj(b, k_named[k].sec, name);
            tf_provenance(b, path, tf_res(b, i));
        }
    }
    return SIM_OK;
}

/* ---- functions -------------------------------------------------------------- */

static sim_status tf_functions(tf_build *b)
{
    for (int i = tf_next(b->p, "aws_lambda_function", 0); i >= 0;
         i = tf_next(b->p, "aws_lambda_function", i + 1))
        SIM_TRY(tf_apply_rows(b, (size_t)i, MDL_TF_OWNER_FUNCTION,
                              tf_obj(b, TF_SEC_FUNCTIONS, b->cname[i])));
    const char *t = "aws_lambda_provisioned_concurrency_config";
    for (int i = tf_next(b->p, t, 0); i >= 0; i = tf_next(b->p, t, i + 1)) {
        int f = -1;
        SIM_TRY(mdl_tf_link(b->p, (size_t)i, "function_name", k_functions, true, &f, b->err));
        json_object *fo = tf_obj(b, TF_SEC_FUNCTIONS, b->cname[f]), *old = tf_key(fo, "provisioned_concurrency");
        bool unknown = false;
        json_object *v = tf_get(tf_res(b, i), MDL_TF_ROW_PC_COUNT, &unknown);
        if (!v)
            v = tf_placeholder("provisioned_concurrent_executions of %s is unknown until apply",
                               tf_res(b, i)->address);
        if (old && !mdl_tf_is_placeholder(old) && !mdl_tf_is_placeholder(v)) {
            tf_warn(b, "%s: function %s has several provisioned concurrency configs (aliases or "
                    "versions): the simulator has one version, so they are added up",
                    tf_res(b, i)->address, b->cname[f]);
            json_object *sum = json_object_new_int64(json_object_get_int64(old) + json_object_get_int64(v));
            json_object_put(v);
            v = sum;
        }
        json_object_object_add(fo, "provisioned_concurrency", v);
        char path[TF_NAME_MAX + 64];
        tf_provenance(b, path2(path, sizeof path, TF_SEC_FUNCTIONS, b->cname[f],
                               "provisioned_concurrency"), tf_res(b, i));
        b->used[i] = true;
    }
    return SIM_OK;
}

/* ---- queues ----------------------------------------------------------------- */

/* SQS accepts a redrive maxReceiveCount of 1 to 1000 (the range of the
 * config's queues.<q>.max_receive_count, README "Config keys"). */
#define SQS_MAX_RECEIVE_COUNT 1000

/* dlq and max_receive_count from a redrive_policy (a JSON string). */
static sim_status redrive(tf_build *b, size_t ri, const char *queue)
{
    const mdl_tf_resource *r = tf_res(b, ri);
    json_object *qo = tf_obj(b, TF_SEC_QUEUES, queue), *v = NULL;
    int dlq = -1, n = 0;
    mdl_tf_value_state st = mdl_tf_attr(r, "redrive_policy", &v);
    if (st == MDL_TF_ABSENT || (st == MDL_TF_KNOWN && !json_object_get_string_len(v)))
        return SIM_OK;
    if (st == MDL_TF_KNOWN) {
        json_object *pol = NULL;
        SIM_TRY(tf_json_attr(b, r, "redrive_policy", json_object_get_string(v), &pol));
        const char *arn = tf_str(tf_key(pol, "deadLetterTargetArn"));
        json_object *mrc = tf_key(pol, "maxReceiveCount");
        if (!arn || !mrc) {
            json_object_put(pol);
            return mdl_tf_fail(b->p, r, "redrive_policy", b->err, SIM_EFORMAT, "expected JSON with "
                               "deadLetterTargetArn and maxReceiveCount");
        }
        /* A number, or a numeric string (jsonencode of a variable). */
        int64_t m = 0;
        bool ok = json_object_is_type(mrc, json_type_int);
        if (ok) m = json_object_get_int64(mrc);
        else if (json_object_is_type(mrc, json_type_string))
            ok = sim_num_i64(json_object_get_string(mrc), (size_t)json_object_get_string_len(mrc),
                             &m) == SIM_NUM_OK;
        if (!ok || m < 1 || m > SQS_MAX_RECEIVE_COUNT) {
            json_object_put(pol);
            return mdl_tf_fail(b->p, r, "redrive_policy", b->err, SIM_ERANGE, "maxReceiveCount must "
                               "be an integer from 1 to %d", SQS_MAX_RECEIVE_COUNT);
        }
        mdl_tf_match(b->p, arn, k_queues, &dlq, 1, &n);
        json_object_object_add(qo, "max_receive_count", json_object_new_int64(m));
        json_object_put(pol);
        if (n != 1)
            return mdl_tf_fail(b->p, r, "redrive_policy", b->err, SIM_EUNKNOWN, "deadLetterTargetArn "
                               "names %s queue of this configuration", n ? "more than one" : "no");
    } else {
        SIM_TRY(mdl_tf_refs(b->p, ri, "redrive_policy", k_queues, &dlq, 1, &n, b->err));
        if (n != 1)
            return mdl_tf_fail(b->p, r, "redrive_policy", b->err, SIM_EUNKNOWN, "unknown until "
                               "apply, and its references name %s queue: an unknown reference",
                               n ? "more than one" : "no");
        json_object_object_add(qo, "max_receive_count",
                               tf_placeholder("maxReceiveCount of %s's redrive_policy is unknown "
                                              "until apply", r->address));
    }
    json_object_object_add(qo, "dlq", json_object_new_string(b->cname[dlq]));
    return SIM_OK;
}

/* A dead-letter chain that comes back to a queue would pass messages round
 * for ever: refused, naming the queues. */
static sim_status dlq_cycles(tf_build *b)
{
    for (int i = tf_next(b->p, "aws_sqs_queue", 0); i >= 0; i = tf_next(b->p, "aws_sqs_queue", i + 1)) {
        const char *q = b->cname[i];
        char chain[800];
        snprintf(chain, sizeof chain, "%s", q);
        for (int steps = 0; steps <= (int)mdl_tf_count(b->p); steps++) {
            const char *next = json_object_get_string(tf_key(tf_obj(b, TF_SEC_QUEUES, q), "dlq"));
            if (!next || !next[0])
                break;
            size_t l = strlen(chain);
            snprintf(chain + l, sizeof chain - l, " -> %s", next);
            if (strcmp(next, b->cname[i]) == 0)
                return mdl_tf_fail(b->p, tf_res(b, i), "redrive_policy", b->err, SIM_EFORMAT,
                                   "dead-letter cycle: %s", chain);
            q = next;
        }
    }
    return SIM_OK;
}

static sim_status tf_queues(tf_build *b)
{
    for (int i = tf_next(b->p, "aws_sqs_queue", 0); i >= 0; i = tf_next(b->p, "aws_sqs_queue", i + 1)) {
        json_object *qo = tf_obj(b, TF_SEC_QUEUES, b->cname[i]);
        SIM_TRY(tf_apply_rows(b, (size_t)i, MDL_TF_OWNER_QUEUE, qo));
        if (strcmp(json_object_get_string(tf_key(qo, "type")), "fifo") != 0)
            json_object_object_del(qo, "high_throughput");
        SIM_TRY(redrive(b, (size_t)i, b->cname[i]));
    }
    const char *t = "aws_sqs_queue_redrive_policy";
    for (int i = tf_next(b->p, t, 0); i >= 0; i = tf_next(b->p, t, i + 1)) {
        int q = -1;
        SIM_TRY(mdl_tf_link(b->p, (size_t)i, "queue_url", k_queues, true, &q, b->err));
        if (tf_key(tf_obj(b, TF_SEC_QUEUES, b->cname[q]), "dlq"))
            tf_warn(b, "%s: queue %s has a redrive_policy of its own too; this one wins",
                    tf_res(b, i)->address, b->cname[q]);
        SIM_TRY(redrive(b, (size_t)i, b->cname[q]));
        b->used[i] = true;
    }
    return dlq_cycles(b);
}

/* ---- consumers: event-source mappings and worker pools ---------------------- */

static sim_status set_consumer(tf_build *b, size_t ri, int q, json_object *c)
{
    json_object *qo = tf_obj(b, TF_SEC_QUEUES, b->cname[q]);
    char path[TF_NAME_MAX + 64];
    path2(path, sizeof path, TF_SEC_QUEUES, b->cname[q], "consumer");
    json_object *was = tf_key(b->out->resources, path);
    if (was) {
        json_object_put(c);
        return mdl_tf_fail(b->p, tf_res(b, ri), NULL, b->err, SIM_EUNSUPPORTED, "queue %s is consumed "
                           "by %s already: the simulator runs one consumer per queue",
                           b->cname[q], json_object_get_string(was));
    }
    json_object_object_add(qo, "consumer", c);
    tf_provenance(b, path, tf_res(b, ri));
    b->used[ri] = true;
    return SIM_OK;
}

/* The queue an event-source mapping polls, or -1 (with a warning) when its
 * source is not an SQS queue. */
static sim_status esm_queue(tf_build *b, size_t ri, int *q)
{
    const mdl_tf_resource *r = tf_res(b, ri);
    json_object *v = NULL;
    *q = -1;
    mdl_tf_value_state st = mdl_tf_attr(r, "event_source_arn", &v);
    if (st == MDL_TF_KNOWN && tf_str(v) && strncmp(tf_str(v), "arn:aws:sqs:", 12) != 0) {
        tf_warn(b, "%s: its source %s is not an SQS queue: not simulated", r->address, tf_str(v));
        return SIM_OK;
    }
    if (st == MDL_TF_UNKNOWN) {
        int any[4], n = 0, nq = 0;
        SIM_TRY(mdl_tf_refs(b->p, ri, "event_source_arn", NULL, any, 4, &n, b->err));
        for (int k = 0; k < n && k < 4; k++)
            nq += strcmp(tf_res(b, any[k])->type, "aws_sqs_queue") == 0;
        if (n > 0 && nq == 0) {
            tf_warn(b, "%s: its source %s is not an SQS queue: not simulated", r->address,
                    tf_res(b, any[0])->address);
            return SIM_OK;
        }
    }
    return mdl_tf_link(b->p, ri, "event_source_arn", k_queues, true, q, b->err);
}

static sim_status tf_mappings(tf_build *b)
{
    const char *t = "aws_lambda_event_source_mapping";
    for (int i = tf_next(b->p, t, 0); i >= 0; i = tf_next(b->p, t, i + 1)) {
        const mdl_tf_resource *r = tf_res(b, i);
        json_object *en = tf_get(r, MDL_TF_ROW_ESM_ENABLED, NULL);
        bool enabled = !en || json_object_get_boolean(en);
        json_object_put(en);
        if (!enabled) {
            tf_warn(b, "%s is disabled: not simulated", r->address);
            b->used[i] = true;
            continue;
        }
        int q = -1, f = -1;
        SIM_TRY(esm_queue(b, (size_t)i, &q));
        if (q < 0) {
            b->used[i] = true;
            continue;
        }
        SIM_TRY(mdl_tf_link(b->p, (size_t)i, "function_name", k_functions, true, &f, b->err));
        json_object *c = json_object_new_object();
        json_object_object_add(c, "type", json_object_new_string("lambda"));
        json_object_object_add(c, "function", json_object_new_string(b->cname[f]));
        if (tf_apply_rows(b, (size_t)i, MDL_TF_OWNER_CONSUMER, c) != SIM_OK) {
            json_object_put(c);
            return b->err->code;
        }
        SIM_TRY(set_consumer(b, (size_t)i, q, c));
    }
    return SIM_OK;
}

/* The tag lambdasim:queue of an instance ("tags" map) or a group ("tag"
 * blocks), or NULL. */
static const char *queue_tag(const mdl_tf_resource *r)
{
    const char *s = tf_str(tf_key(tf_key(r->values, "tags"), "lambdasim:queue"));
    json_object *tags = tf_key(r->values, "tag");
    for (size_t i = 0; !s && tags && json_object_is_type(tags, json_type_array) &&
                       i < json_object_array_length(tags); i++) {
        json_object *t = json_object_array_get_idx(tags, i);
        const char *k = tf_str(tf_key(t, "key"));
        if (k && strcmp(k, "lambdasim:queue") == 0)
            s = tf_str(tf_key(t, "value"));
    }
    return s;
}

/* Decode base64 text (RFC 4648; other characters are skipped) into a
 * malloc'd NUL-terminated buffer. */
static char *base64_decode(const char *s)
{
    size_t n = strlen(s), k = 0;
    char *out = sim_xmalloc(n / 4 * 3 + 4);
    unsigned acc = 0;
    int bits = 0;
    for (; *s; s++) {
        const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const char *c = strchr(alphabet, *s);
        if (!c)
            continue;
        acc = (acc << 6) | (unsigned)(c - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[k++] = (char)((acc >> bits) & 0xff);
        }
    }
    out[k] = '\0';
    return out;
}

/* The one queue whose URL or ARN a launch template's known user_data
 * (base64) names, or -1: how a state, which keeps no references, says which
 * queue the workers poll. */
static int user_data_queue(tf_build *b, int lt)
{
    json_object *ud = NULL;
    if (lt < 0 || mdl_tf_attr(tf_res(b, (size_t)lt), "user_data", &ud) != MDL_TF_KNOWN || !tf_str(ud))
        return -1;
    char *text = base64_decode(tf_str(ud));
    int found = -1, n = 0;
    for (int q = tf_next(b->p, "aws_sqs_queue", 0); q >= 0; q = tf_next(b->p, "aws_sqs_queue", q + 1)) {
        const char *url = tf_str(tf_key(tf_res(b, q)->values, "url"));
        const char *arn = tf_str(tf_key(tf_res(b, q)->values, "arn"));
        if ((url && strstr(text, url)) || (arn && strstr(text, arn))) {
            found = q;
            n++;
        }
    }
    free(text);
    return n == 1 ? found : -1;
}

/* The queue a worker pool polls: its tag, else the one queue its (or its
 * launch template's) expressions refer to, else the one queue its launch
 * template's user_data names; -1 when none says. */
static sim_status pool_queue(tf_build *b, size_t ri, int lt, int *q)
{
    const char *tag = queue_tag(tf_res(b, ri));
    int found[4], n = 0;
    *q = -1;
    if (tag) {
        mdl_tf_match(b->p, tag, k_queues, found, 4, &n);
        if (n != 1)
            return mdl_tf_fail(b->p, tf_res(b, ri), "tags", b->err, SIM_EUNKNOWN, "lambdasim:queue = "
                               "'%s' names %s queue of this configuration", tag, n ? "more than one" : "no");
        *q = found[0];
        return SIM_OK;
    }
    SIM_TRY(mdl_tf_refs(b->p, ri, NULL, k_queues, found, 4, &n, b->err));
    if (n == 0 && lt >= 0)
        SIM_TRY(mdl_tf_refs(b->p, (size_t)lt, NULL, k_queues, found, 4, &n, b->err));
    if (n > 1)
        return mdl_tf_fail(b->p, tf_res(b, ri), NULL, b->err, SIM_EFORMAT, "refers to %d queues (%s, "
                           "%s%s): tag it lambdasim:queue = <the queue it polls>", n,
                           tf_res(b, found[0])->address, tf_res(b, found[1])->address, n > 2 ? ", ..." : "");
    *q = n ? found[0] : user_data_queue(b, lt);
    return SIM_OK;
}

static json_object *workers(tf_build *b, int q, json_object *type, int count)
{
    json_object *c = json_object_new_object();
    json_object_object_add(c, "type", json_object_new_string("workers"));
    json_object_object_add(c, "instance_type", type);
    json_object_object_add(c, "count", json_object_new_int(count));
    long long wait = tf_get_int(tf_res(b, (size_t)q), MDL_TF_ROW_Q_WAIT, 0);
    if (wait > 0) {
        json_object_object_add(c, "poll", json_object_new_string("long"));
        json_object_object_add(c, "wait_time_s", json_object_new_int64(wait));
    } else {
        json_object_object_add(c, "poll", json_object_new_string("short"));
    }
    json_object_object_add(c, "service_time", tf_placeholder("per-message time of the workers of "
        "queue %s, e.g. {\"dist\": \"lognormal\", \"mean_ms\": 450, \"cv\": 0.4}, or a kernel",
        b->cname[q]));
    return c;
}

static sim_status tf_instances(tf_build *b)
{
    for (int i = tf_next(b->p, "aws_instance", 0); i >= 0; i = tf_next(b->p, "aws_instance", i + 1)) {
        const mdl_tf_resource *r = tf_res(b, i);
        bool first = true;            /* one pool per resource block: its first instance */
        for (int j = tf_next(b->p, "aws_instance", 0); j >= 0 && j < i; j = tf_next(b->p, "aws_instance", j + 1))
            first = first && !(tf_res(b, j)->module == r->module && strcmp(tf_res(b, j)->name, r->name) == 0);
        b->used[i] = true;
        if (!first)
            continue;
        int q = -1;
        SIM_TRY(pool_queue(b, (size_t)i, -1, &q));
        if (q < 0) {
            tf_warn(b, "%s polls no queue the plan names (refer to one, or tag it lambdasim:queue): "
                    "not simulated", r->address);
            continue;
        }
        bool unknown = false;
        json_object *it = tf_get(r, MDL_TF_ROW_EC2_TYPE, &unknown);
        if (!it)
            it = tf_placeholder("instance_type of %s is unknown until apply", r->address);
        SIM_TRY(set_consumer(b, (size_t)i, q, workers(b, q, it, mdl_tf_instances(b->p, r))));
    }
    return SIM_OK;
}

static sim_status tf_groups(tf_build *b)
{
    const char *t = "aws_autoscaling_group";
    for (int i = tf_next(b->p, t, 0); i >= 0; i = tf_next(b->p, t, i + 1)) {
        const mdl_tf_resource *r = tf_res(b, i);
        int lt = -1, q = -1;
        if (mdl_tf_attr(r, "launch_template.id", NULL) != MDL_TF_ABSENT)
            SIM_TRY(mdl_tf_link(b->p, (size_t)i, "launch_template.id", k_templates, true, &lt, b->err));
        else if (mdl_tf_attr(r, "launch_template.name", NULL) != MDL_TF_ABSENT)
            SIM_TRY(mdl_tf_link(b->p, (size_t)i, "launch_template.name", k_templates, true, &lt, b->err));
        SIM_TRY(pool_queue(b, (size_t)i, lt, &q));
        b->used[i] = true;
        if (lt >= 0)
            b->used[lt] = true;
        if (q < 0) {
            tf_warn(b, "%s polls no queue the plan names (refer to one, or tag it lambdasim:queue): "
                    "not simulated", r->address);
            continue;
        }
        json_object *it = lt >= 0 ? tf_get(tf_res(b, lt), MDL_TF_ROW_LT_TYPE, NULL) : NULL;
        if (!it)
            it = tf_placeholder("the instance type of %s (no launch template with one)", r->address);
        long long mn = tf_get_int(r, MDL_TF_ROW_ASG_MIN, 0);
        json_object *c = workers(b, q, it, (int)tf_get_int(r, MDL_TF_ROW_ASG_DESIRED, mn));
        if (tf_apply_rows(b, (size_t)i, MDL_TF_OWNER_CONSUMER, c) != SIM_OK) {
            json_object_put(c);
            return b->err->code;
        }
        SIM_TRY(set_consumer(b, (size_t)i, q, c));
    }
    return SIM_OK;
}

/* ---- buckets and their notifications ---------------------------------------- */

static bool object_created(json_object *events)
{
    for (size_t i = 0; events && json_object_is_type(events, json_type_array) &&
                       i < json_object_array_length(events); i++) {
        const char *e = tf_str(json_object_array_get_idx(events, i));
        if (e && strncmp(e, "s3:ObjectCreated:", 17) == 0)
            return true;
    }
    return false;
}

static size_t block_count(const mdl_tf_resource *r, const char *block)
{
    json_object *v = tf_key(r->values, block), *e = r->expr ? tf_key(r->expr, block) : NULL;
    size_t n = v && json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
    size_t m = e && json_object_is_type(e, json_type_array) ? json_object_array_length(e) : 0;
    return n > m ? n : m;
}

/* One notification block: {"prefix", "suffix", "queue" | "function"}. */
static sim_status notification(tf_build *b, size_t ri, const char *block, size_t k,
                               json_object *list, json_object *filters)
{
    const mdl_tf_resource *r = tf_res(b, ri);
    bool queue = strcmp(block, "queue") == 0;
    char p[96], pe[96];
    snprintf(p, sizeof p, "%s[%zu].%s", block, k, queue ? "queue_arn" : "lambda_function_arn");
    snprintf(pe, sizeof pe, "%s[%zu].events", block, k);
    json_object *ev = NULL;
    if (mdl_tf_attr(r, pe, &ev) == MDL_TF_KNOWN && !object_created(ev)) {
        tf_warn(b, "%s: %s[%zu] reacts to no object-created event: not simulated", r->address, block, k);
        return SIM_OK;
    }
    int t = -1;
    SIM_TRY(mdl_tf_link(b->p, ri, p, queue ? k_queues : k_functions, true, &t, b->err));
    if (queue && strcmp(json_object_get_string(tf_key(tf_obj(b, TF_SEC_QUEUES, b->cname[t]), "type")), "fifo") == 0)
        return mdl_tf_fail(b->p, r, p, b->err, SIM_EUNSUPPORTED, "S3 cannot notify a FIFO queue (%s)",
                           b->cname[t]);
    json_object *n = json_object_new_object();
    static const char *const keys[] = { "filter_prefix", "filter_suffix" };
    static const char *const out[] = { "prefix", "suffix" };
    for (int j = 0; j < 2; j++) {
        char pk[96];
        snprintf(pk, sizeof pk, "%s[%zu].%s", block, k, keys[j]);
        json_object *v = NULL;
        mdl_tf_value_state st = mdl_tf_attr(r, pk, &v);
        json_object *x = st == MDL_TF_KNOWN ? json_object_get(v)
                         : st == MDL_TF_UNKNOWN ? tf_placeholder("%s of %s is unknown until apply", pk, r->address)
                         : json_object_new_string("");
        json_object_array_add(filters, json_object_get(x));
        json_object_object_add(n, out[j], x);
    }
    json_object_object_add(n, queue ? "queue" : "function", json_object_new_string(b->cname[t]));
    json_object_array_add(list, n);
    return SIM_OK;
}

/* The uploads' key: the one filter every notification shares, its prefix
 * and suffix joined ("pending/" and ".jpg": "pending/.jpg", a key both
 * match), else a placeholder.  filters: prefix, suffix, prefix, ... */
static json_object *upload_key(json_object *filters, const char *entry)
{
    size_t n = json_object_array_length(filters);
    for (size_t i = 2; i < n; i++)
        if (!json_object_equal(json_object_array_get_idx(filters, i % 2), json_object_array_get_idx(filters, i)))
            return tf_placeholder("the key uploads of entry %s go to: the bucket's "
                                  "notifications filter several", entry);
    if (n < 2)
        return json_object_new_string("");
    json_object *pre = json_object_array_get_idx(filters, 0), *suf = json_object_array_get_idx(filters, 1);
    if (mdl_tf_is_placeholder(pre) || mdl_tf_is_placeholder(suf))
        return tf_placeholder("the key uploads of entry %s go to: its notification's filter is "
                              "unknown until apply", entry);
    char key[2 * TF_NAME_MAX];
    snprintf(key, sizeof key, "%s%s", json_object_get_string(pre), json_object_get_string(suf));
    return json_object_new_string(key);
}

static sim_status bucket_notification(tf_build *b, size_t ri)
{
    const mdl_tf_resource *r = tf_res(b, ri);
    int bk = -1;
    SIM_TRY(mdl_tf_link(b->p, ri, "bucket", k_buckets, true, &bk, b->err));
    json_object *bo = tf_obj(b, TF_SEC_BUCKETS, b->cname[bk]), *list = tf_key(bo, "notifications");
    if (list)
        tf_warn(b, "%s: bucket %s has another notification resource; S3 keeps one configuration "
                "per bucket (the last applied wins): both are simulated", r->address, b->cname[bk]);
    else
        json_object_object_add(bo, "notifications", list = json_object_new_array());
    json_object *filters = json_object_new_array();
    sim_status s = SIM_OK;
    static const char *const blocks[] = { "queue", "lambda_function" };
    for (int k = 0; k < 2 && s == SIM_OK; k++)
        for (size_t j = 0; j < block_count(r, blocks[k]) && s == SIM_OK; j++)
            s = notification(b, ri, blocks[k], j, list, filters);
    if (s == SIM_OK && block_count(r, "topic"))
        tf_warn(b, "%s: SNS topic notifications are not simulated", r->address);
    if (s == SIM_OK && json_object_array_length(filters)) {
        char name[TF_NAME_MAX];
        json_object *e = tf_entry(b, r, "s3", "s3", name, sizeof name);
        json_object_object_add(e, "bucket", json_object_new_string(b->cname[bk]));
        json_object_object_add(e, "key", upload_key(filters, name));
    }
    json_object_put(filters);
    b->used[ri] = true;
    return s;
}

static sim_status tf_buckets(tf_build *b)
{
    const char *t = "aws_s3_bucket_notification";
    for (int i = tf_next(b->p, t, 0); i >= 0; i = tf_next(b->p, t, i + 1))
        SIM_TRY(bucket_notification(b, (size_t)i));
    return SIM_OK;
}

/* ---- tables and file systems -------------------------------------------------- */

/* A table writes no key: the simulator bills DynamoDB calls per request
 * (on demand), so a provisioned table's capacity is a warning. */
static sim_status tf_tables(tf_build *b)
{
    for (int i = tf_next(b->p, "aws_dynamodb_table", 0); i >= 0;
         i = tf_next(b->p, "aws_dynamodb_table", i + 1)) {
        const mdl_tf_resource *r = tf_res(b, i);
        char mode[32];
        tf_get_str(r, MDL_TF_ROW_T_MODE, "PROVISIONED", mode, sizeof mode);
        if (strcmp(mode, "PAY_PER_REQUEST") != 0)
            tf_warn(b, "%s: billing_mode %s (read_capacity %lld, write_capacity %lld) is not "
                    "simulated: its calls are billed on demand", r->address, mode,
                    tf_get_int(r, MDL_TF_ROW_T_READ, 0), tf_get_int(r, MDL_TF_ROW_T_WRITE, 0));
    }
    int nprov = 0;
    for (int i = tf_next(b->p, "aws_efs_file_system", 0); i >= 0;
         i = tf_next(b->p, "aws_efs_file_system", i + 1)) {
        char mode[32];
        tf_get_str(tf_res(b, i), MDL_TF_ROW_EFS_MODE, "bursting", mode, sizeof mode);
        if (strcmp(mode, "provisioned") == 0 && nprov++ == 0) {
            json_object *sv = tf_key(b->top, "services");
            if (!sv)
                json_object_object_add(b->top, "services", sv = json_object_new_object());
            SIM_TRY(tf_apply_rows(b, (size_t)i, MDL_TF_OWNER_SERVICES, sv));
        }
        else if (strcmp(mode, "provisioned") == 0)
            tf_warn(b, "%s: services.efs.mbps is one rate for every file system; the first "
                    "provisioned one sets it", tf_res(b, i)->address);
        b->used[i] = true;
    }
    return SIM_OK;
}

/* ---- what Terraform cannot say -------------------------------------------------- */

static void placeholders(tf_build *b)
{
    json_object_object_foreach(b->sec[TF_SEC_FUNCTIONS], name, fo) {
        json_object_object_add(fo, "service_time", tf_placeholder("handler duration of function %s, "
            "e.g. {\"warm\": {\"dist\": \"lognormal\", \"mean_ms\": 800, \"cv\": 0.3}}, or a kernel", name));
    }
    json_object_object_foreach(b->sec[TF_SEC_ENTRIES], en, eo) {
        json_object_object_add(eo, "workload", tf_placeholder("the traffic of entry %s, e.g. "
            "{\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 20}}", en));
    }
    if (!tf_key(b->top, "duration_s"))
        json_object_object_add(b->top, "duration_s", tf_placeholder("the simulated time in "
            "seconds, e.g. 86400"));
}

/* Add the resources the known environment values name (a state has no
 * references) to found[0..*n). */
static void known_env_targets(tf_build *b, size_t ri, const char *const *types, int *found,
                              int max, int *n)
{
    json_object *vars = NULL;
    if (mdl_tf_attr(tf_res(b, ri), "environment.variables", &vars) != MDL_TF_KNOWN ||
        !json_object_is_type(vars, json_type_object))
        return;
    json_object_object_foreach(vars, k, v) {
        (void)k;
        int m[4], nm = 0;
        if (!tf_str(v))
            continue;
        mdl_tf_match(b->p, tf_str(v), types, m, 4, &nm);
        bool seen = nm != 1;
        for (int j = 0; j < *n && !seen; j++)
            seen = found[j] == m[0];
        if (!seen && *n < max)
            found[(*n)++] = m[0];
    }
}

/* Hints: functions whose environment names a queue, bucket, table or state
 * machine, and which W.json gives no calls. */
static sim_status env_hints(tf_build *b)
{
    static const char *const types[] = { "aws_sqs_queue", "aws_s3_bucket", "aws_dynamodb_table",
                                         "aws_sfn_state_machine", NULL };
    /* The call for each type: text before and after the resource's name. */
    static const char *const calls[][2] = {
        { "{\"service\": \"sqs\", \"op\": \"send\", \"queue\": \"", "\"}" },
        { "{\"service\": \"s3\", \"op\": \"get\" | \"put\", \"bucket\": \"", "\"}" },
        { "{\"service\": \"dynamodb\", \"op\": \"read\" | \"write\"} (table ", ")" },
        { "{\"service\": \"stepfunctions\", \"op\": \"start\", \"state_machine\": \"", "\"}" } };
    for (int i = tf_next(b->p, "aws_lambda_function", 0); i >= 0; i = tf_next(b->p, "aws_lambda_function", i + 1)) {
        if (tf_key(tf_obj(b, TF_SEC_FUNCTIONS, b->cname[i]), "calls"))
            continue;
        int found[16], n = 0;
        SIM_TRY(mdl_tf_refs(b->p, (size_t)i, "environment.variables", types, found, 16, &n, b->err));
        n = n < 16 ? n : 16;
        known_env_targets(b, (size_t)i, types, found, 16, &n);
        for (int k = 0; k < n; k++) {
            int t = 0;
            while (strcmp(types[t], tf_res(b, found[k])->type) != 0)
                t++;
            char call[400], hint[900];
            snprintf(call, sizeof call, "%s%s%s", calls[t][0], b->cname[found[k]], calls[t][1]);
            snprintf(hint, sizeof hint, "function %s refers to %s (environment): if it calls it, "
                     "add %s to W.json functions.%s.calls", b->cname[i], tf_res(b, found[k])->address,
                     call, b->cname[i]);
            json_object_array_add(b->out->hints, json_object_new_string(hint));
        }
    }
    return SIM_OK;
}

/* ---- assembly ----------------------------------------------------------------- */

static void scan_placeholders(json_object *o, const char *path, json_object *list)
{
    char p[1024];
    if (mdl_tf_is_placeholder(o)) {
        json_object *e = json_object_new_object();
        const char *s = json_object_get_string(o);
        char hint[1000];
        snprintf(hint, sizeof hint, "%s", s + strlen("<placeholder: "));
        hint[strlen(hint) ? strlen(hint) - 1 : 0] = '\0';
        json_object_object_add(e, "path", json_object_new_string(path));
        json_object_object_add(e, "hint", json_object_new_string(hint));
        json_object_array_add(list, e);
    } else if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, k, v)
            scan_placeholders(v, sim_json_path(p, sizeof p, path, k), list);
    } else if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            scan_placeholders(json_object_array_get_idx(o, i), sim_json_path_index(p, sizeof p, path, i), list);
    }
}

/* A section's names in the order W.json first gives them (the order of
 * the reports and of the simulator's random streams: so a config written
 * by hand can be matched), then the others in byte order. */
static json_object *ordered(tf_build *b, tf_section s)
{
    json_object *w = b->wdoc ? tf_key(b->wdoc->root, tf_section_key(s)) : NULL;
    json_object *o = json_object_new_object(), *rest = json_object_new_object();
    if (w && json_object_is_type(w, json_type_object)) {
        json_object_object_foreach(w, name, x) {
            (void)x;
            json_object *v = tf_key(b->sec[s], name);
            if (v)
                json_object_object_add(o, name, json_object_get(v));
        }
    }
    json_object_object_foreach(b->sec[s], name, v)
        if (!tf_key(o, name))
            json_object_object_add(rest, name, json_object_get(v));
    json_object *sorted = tf_sorted(rest);
    json_object_object_foreach(sorted, name2, v2)
        json_object_object_add(o, name2, json_object_get(v2));
    json_object_put(sorted);
    json_object_put(rest);
    return o;
}

/* Did W.json name the ops of entry en's routes? */
static bool named_ops(const tf_build *b, const char *en)
{
    json_object *we = b->wdoc ? tf_key(tf_key(b->wdoc->root, "entries"), en) : NULL;
    return tf_key(we, "routes") != NULL;
}

/* Do all routes go to the entry's target?  Then routes say nothing the
 * target does not, and the workload's ops (a mix of "view") need no route. */
static bool one_function(json_object *routes, json_object *target)
{
    if (!target || mdl_tf_is_placeholder(target))
        return false;
    json_object_object_foreach(routes, k, fn) {
        (void)k;
        if (!json_object_equal(fn, target))
            return false;
    }
    return true;
}

static void assemble(tf_build *b)
{
    static const char *const first[] = { "duration_s", "warmup_s", "seed", NULL };
    json_object *c = json_object_new_object();
    for (const char *const *k = first; *k; k++)
        if (tf_key(b->top, *k))
            json_object_object_add(c, *k, json_object_get(tf_key(b->top, *k)));
    json_object_object_add(c, "region", json_object_new_string(mdl_tf_region(b->p)));
    json_object_object_foreach(b->top, key, v) {
        bool done = false;
        for (const char *const *k = first; *k; k++)
            done = done || strcmp(*k, key) == 0;
        if (!done)
            json_object_object_add(c, key, json_object_get(v));
    }
    json_object_object_foreach(b->sec[TF_SEC_ENTRIES], en, eo) {
        json_object *r = tf_key(eo, "routes");
        if (r && !named_ops(b, en) && one_function(r, tf_key(eo, "target")))
            json_object_object_del(eo, "routes");   /* the target serves every op */
        else if (r)                           /* plan and state list routes alike */
            json_object_object_add(eo, "routes", tf_sorted(r));
    }
    for (int s = 0; s < TF_SEC_COUNT; s++) {
        json_object *o = ordered(b, (tf_section)s);
        if (s == TF_SEC_ENTRIES || json_object_object_length(o))
            json_object_object_add(c, tf_section_key((tf_section)s), o);
        else
            json_object_put(o);
    }
    b->out->config = c;
    scan_placeholders(c, "", b->out->placeholders);
    for (size_t i = 0; i < mdl_tf_count(b->p); i++)
        if (!b->used[i])
            json_object_array_add(b->out->not_simulated, json_object_new_string(tf_res(b, i)->address));
    if (!json_object_object_length(b->sec[TF_SEC_ENTRIES]))
        tf_warn(b, "no front door (Function URL, API, notified bucket): the config has no entry; "
                "add one in W.json entries");
}

/* Types read on purpose and ignored (mdl_tf_map.h's "ignored" rows). */
static void ignored(tf_build *b)
{
    static const char *const types[] = { "aws_lambda_permission", "aws_api_gateway_deployment",
                                         "aws_apigatewayv2_deployment", NULL };
    for (const char *const *t = types; *t; t++)
        for (int i = tf_next(b->p, *t, 0); i >= 0; i = tf_next(b->p, *t, i + 1))
            b->used[i] = true;
}

/* The account of the first known ARN (a state's), for the ARNs the import
 * writes; AWS's documentation example account when no ARN is known yet. */
static void find_account(tf_build *b)
{
    snprintf(b->account, sizeof b->account, "%s", "123456789012");
    for (size_t i = 0; i < mdl_tf_count(b->p); i++) {
        const char *arn = tf_str(tf_key(tf_res(b, i)->values, "arn"));
        const char *s = arn && strncmp(arn, "arn:aws:", 8) == 0 ? arn : NULL;
        for (int k = 0; s && k < 4; k++)
            s = strchr(s, ':') ? strchr(s, ':') + 1 : NULL;
        size_t len = s ? strcspn(s, ":") : 0;
        if (len && len < sizeof b->account) {
            memcpy(b->account, s, len);
            b->account[len] = '\0';
            return;
        }
    }
}

static sim_status run_steps(tf_build *b)
{
    SIM_TRY(tf_names(b));
    SIM_TRY(tf_functions(b));
    SIM_TRY(tf_queues(b));
    SIM_TRY(tf_mappings(b));
    SIM_TRY(tf_instances(b));
    SIM_TRY(tf_groups(b));
    SIM_TRY(tf_buckets(b));
    SIM_TRY(tf_machines(b));
    SIM_TRY(tf_tables(b));
    SIM_TRY(tf_front_doors(b));
    ignored(b);
    placeholders(b);
    if (b->wdoc)
        SIM_TRY(tf_workload_apply(b));
    SIM_TRY(env_hints(b));
    assemble(b);
    return SIM_OK;
}

sim_status mdl_tf_import_build(const mdl_tf_plan *p, const sim_json_doc *workload,
                               const char *config_dir, mdl_tf_import *out, sim_error *err)
{
    SIM_ASSERT(p && out);
    memset(out, 0, sizeof *out);
    out->resources = json_object_new_object();
    out->not_simulated = json_object_new_array();
    out->warnings = json_object_new_array();
    out->placeholders = json_object_new_array();
    out->hints = json_object_new_array();
    tf_build b = { .p = p, .wdoc = workload, .err = err, .out = out, .config_dir = config_dir };
    size_t n = mdl_tf_count(p);
    b.cname = sim_xcalloc(n ? n : 1, sizeof *b.cname);
    b.used = sim_xcalloc(n ? n : 1, sizeof *b.used);
    for (int s = 0; s < TF_SEC_COUNT; s++)
        b.sec[s] = json_object_new_object();
    b.top = json_object_new_object();
    find_account(&b);
    sim_status s = run_steps(&b);
    for (int k = 0; k < TF_SEC_COUNT; k++)
        json_object_put(b.sec[k]);
    json_object_put(b.top);
    free(b.cname);
    free(b.used);
    if (s != SIM_OK)
        mdl_tf_import_fini(out);
    return s;
}

void mdl_tf_import_fini(mdl_tf_import *im)
{
    if (!im)
        return;
    json_object_put(im->config);
    json_object_put(im->resources);
    json_object_put(im->not_simulated);
    json_object_put(im->warnings);
    json_object_put(im->placeholders);
    json_object_put(im->hints);
    memset(im, 0, sizeof *im);
}
