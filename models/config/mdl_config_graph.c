/* mdl_config_graph.c - the named resources that connect services: S3
 * buckets with their event notifications, Step Functions state machines,
 * and the targets of emitting calls.  Everything is resolved to indices
 * here, once, so a run never compares a name (README "Buckets and state
 * machines").
 *
 * An s3 entry's `notify` and a stepfunctions entry's inline `definition`
 * (the forms of one-entry configs) become an implicit bucket or state
 * machine of their own, named after the entry and never written back, so
 * the simulation sees one kind of each.
 */
#include "models/config/mdl_config_internal.h"

#include <string.h>

static const char *const k_workflows[] = { "standard", "express", NULL };

#define FAIL_AT(code, path, ...) \
    return sim_error_set(err, (code), __FILE__, __LINE__, doc->input, sim_json_line(doc, (path)), \
                         (path), __VA_ARGS__)

/* ---- buckets ----------------------------------------------------------------- */

/* "Typically ... in seconds but can sometimes take a minute or longer" (S3
 * event notifications): an assumed lognormal, mean 1 s, cv 1 (as `notify`). */
static const sim_opt_dist_def k_delay = { SIM_DIST_LOGNORMAL, 1000.0, 1.0 };

static const sim_opt k_notification_rows[] = {
    { "prefix", MDL__STR(mdl_notify_cfg, prefix), .def_doc = "none (every key)",
      .doc = "only keys that start with this (`pending/`)" },
    { "suffix", MDL__STR(mdl_notify_cfg, suffix), .def_doc = "none (every key)",
      .doc = "only keys that end with this (`.jpg`)" },
    { "queue", MDL__STR(mdl_notify_cfg, queue), .def_doc = "one of the two",
      .doc = "the queue notified (a standard queue: S3 cannot notify a FIFO queue); the "
             "message is the event (1,500 B), not the object" },
    { "function", MDL__STR(mdl_notify_cfg, function), .def_doc = "one of the two",
      .doc = "the function invoked asynchronously with the event (1,500 B)" },
    { "delay", MDL__DIST(mdl_notify_cfg, delay), .dist_def = &k_delay, .unit = "ms",
      .doc = "from the PUT to the notification (\"typically seconds\")" },
};
static const sim_opt_table k_notification =
    SIM_OPT_TABLE("notification", k_notification_rows, mdl__check_notify);

static sim_status parse_notifications(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                      const char *path, void *base)
{
    mdl_bucket_cfg *b = base;
    json_object *arr = NULL;
    char pa[512];
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, false, json_type_array, &arr, c->err));
    if (!arr) return SIM_OK;
    sim_opt_path(pa, sizeof pa, path, r);
    size_t n = json_object_array_length(arr);
    if (n > MDL_MAX_NOTIFY)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, pa, "at most %d notifications per bucket",
                      MDL_MAX_NOTIFY);
    for (size_t i = 0; i < n; i++) {
        char p[600];
        json_object *no = json_object_array_get_idx(arr, i);
        sim_json_path_index(p, sizeof p, pa, i);
        if (!json_object_is_type(no, json_type_object))
            SIM_JSON_FAIL(c->err, SIM_ETYPE, c->doc, p, "expected a JSON object");
        mdl_notify_cfg *nc = &b->notify[b->nnotify++];
        memset(nc, 0, sizeof *nc);
        nc->queue_index = nc->fn_index = -1;
        SIM_TRY(sim_opt_parse(c, &k_notification, no, p, nc));
    }
    return SIM_OK;
}

static json_object *write_notifications(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    const mdl_bucket_cfg *b = base;
    json_object *a = json_object_new_array();
    for (int i = 0; i < b->nnotify; i++) {
        json_object *no = json_object_new_object();
        sim_opt_write(&k_notification, &b->notify[i], user, no);
        json_object_array_add(a, no);
    }
    return a;
}

static const sim_opt k_bucket_rows[] = {
    { "notifications", .type = SIM_OPT_ARRAY, .sub = &k_notification, .max_n = MDL_MAX_NOTIFY,
      .def_doc = "none", .parse = parse_notifications, .write = write_notifications,
      .doc = "event notifications: a PUT whose key passes a notification's prefix and suffix "
             "fires it; two notifications' filters may not overlap (S3 refuses that: fan out "
             "with a function's calls)" },
};
const sim_opt_table mdl__bucket_table = SIM_OPT_TABLE("bucket", k_bucket_rows, NULL);

bool mdl__has_buckets(const void *base)
{
    const mdl_config *cfg = base;
    for (int i = 0; i < cfg->nbucket; i++)
        if (!cfg->bucket[i].implicit) return true;
    return false;
}

static sim_status parse_bucket_item(const sim_opt_ctx *c, json_object *bo, const char *path,
                                    const char *name, void *base)
{
    mdl_config *cfg = base;
    mdl_bucket_cfg *b = &cfg->bucket[cfg->nbucket++];
    memset(b, 0, sizeof *b);
    snprintf(b->name, sizeof b->name, "%s", name);
    return sim_opt_parse(c, &mdl__bucket_table, bo, path, b);
}

sim_status mdl__parse_buckets(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, void *base)
{
    return mdl__parse_named(c, r, obj, path, ((mdl_config *)base)->nbucket, parse_bucket_item, base);
}

json_object *mdl__write_buckets(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    const mdl_config *cfg = base;
    json_object *bs = json_object_new_object();
    for (int i = 0; i < cfg->nbucket; i++) {
        if (cfg->bucket[i].implicit) continue;
        json_object *bo = json_object_new_object();
        sim_opt_write(&mdl__bucket_table, &cfg->bucket[i], user, bo);
        json_object_object_add(bs, cfg->bucket[i].name, bo);
    }
    return bs;
}

bool mdl__key_matches(const mdl_notify_cfg *n, const char *key)
{
    size_t lk = strlen(key), lp = strlen(n->prefix), ls = strlen(n->suffix);
    return lk >= lp && lk >= ls && strncmp(key, n->prefix, lp) == 0 &&
           strcmp(key + lk - ls, n->suffix) == 0;
}

/* Is a a prefix (suffix: at_end) of b, or b of a? */
static bool nested(const char *a, const char *b, bool at_end)
{
    size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
    const char *x = la < lb ? a : b, *y = la < lb ? b : a;
    return strncmp(x, at_end ? y + (la < lb ? lb : la) - n : y, n) == 0;
}

/* Could one key pass both notifications' filters?  S3 refuses such a
 * configuration for one event type ("Reference facts", S3). */
static bool overlap(const mdl_notify_cfg *a, const mdl_notify_cfg *b)
{
    return nested(a->prefix, b->prefix, false) && nested(a->suffix, b->suffix, true);
}

/* The notifications of bucket b that a PUT of `key` fires (one at most:
 * their filters never overlap). */
static uint32_t notify_mask(const mdl_bucket_cfg *b, const char *key)
{
    uint32_t m = 0;
    for (int i = 0; i < b->nnotify; i++)
        if (mdl__key_matches(&b->notify[i], key)) m |= 1u << i;
    return m;
}

/* ---- state machines ---------------------------------------------------------- */

static sim_status parse_machine_definition(const sim_opt_ctx *c, const sim_opt *r,
                                           json_object *obj, const char *path, void *base)
{
    mdl_machine_cfg *m = base;
    SIM_TRY(sim_opt_read(c, r, obj, path, base));
    return mdl_sfn_machine_load(m->definition, &m->machine, c->err);
}

static bool machine_express(const void *b)
{
    return ((const mdl_machine_cfg *)b)->workflow == MDL_SFN_EXPRESS;
}

static const sim_opt k_machine_rows[] = {
    { "definition", MDL__PATH(mdl_machine_cfg, definition), .flags = SIM_OPT_REQUIRED,
      .parse = parse_machine_definition,
      .doc = "the state machine (ASL JSON); its Lambda Tasks invoke functions of `functions`" },
    { "workflow", MDL__ENUM(mdl_machine_cfg, workflow, k_workflows),
      .doc = "Standard (billed per transition) or Express (per request and GB-s)" },
    { "task_latency_ms", MDL__NUM(mdl_machine_cfg, task_latency_s), .per = 1e3, .def = 18.8,
      .min = 0, .max = 1e6, .unit = "ms", .doc = "the service's overhead per Task attempt" },
    { "express_memory_mb", MDL__NUM(mdl_machine_cfg, express_memory_mb), .def = 64, .min = 1,
      .max = 1e6, .unit = "MB", .when = machine_express,
      .doc = "Express: billed memory (rounded up to 64 MB)" },
};
const sim_opt_table mdl__machine_table = SIM_OPT_TABLE("state_machine", k_machine_rows, NULL);

bool mdl__has_machines(const void *base)
{
    const mdl_config *cfg = base;
    for (int i = 0; i < cfg->nmachine; i++)
        if (!cfg->machine[i].implicit) return true;
    return false;
}

static sim_status parse_machine_item(const sim_opt_ctx *c, json_object *mo, const char *path,
                                     const char *name, void *base)
{
    mdl_config *cfg = base;
    mdl_machine_cfg *m = &cfg->machine[cfg->nmachine++];
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", name);
    return sim_opt_parse(c, &mdl__machine_table, mo, path, m);
}

sim_status mdl__parse_machines(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                               const char *path, void *base)
{
    return mdl__parse_named(c, r, obj, path, ((mdl_config *)base)->nmachine, parse_machine_item,
                            base);
}

json_object *mdl__write_machines(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    const mdl_config *cfg = base;
    json_object *ms = json_object_new_object();
    for (int i = 0; i < cfg->nmachine; i++) {
        if (cfg->machine[i].implicit) continue;
        json_object *mo = json_object_new_object();
        sim_opt_write(&mdl__machine_table, &cfg->machine[i], user, mo);
        json_object_object_add(ms, cfg->machine[i].name, mo);
    }
    return ms;
}

/* ---- resolution ----------------------------------------------------------------- */

/* Copy a string between two fields of the config (snprintf would be told
 * they may overlap; they never do).  n is the destination's size. */
static void copy_field(char *dst, const char *src, size_t n)
{
    size_t len = strlen(src);
    SIM_ASSERT(len < n);   /* the source field is no larger */
    memmove(dst, src, len + 1);
}

typedef struct sfn_check {
    const mdl_config *cfg;
    const sim_json_doc *doc;
    const char *path;
    sim_error *err;
    sim_status st;
} sfn_check;

static void sfn_check_task(void *ctx, const char *state, const char *resource)
{
    sfn_check *c = ctx;
    if (c->st != SIM_OK) return;
    if (strncmp(resource, "arn:aws:states:::dynamodb:", 26) == 0) return;
    if (mdl_config_resource_function(c->cfg, resource) >= 0) return;
    c->st = SIM_ERR(c->err, SIM_EUNKNOWN, c->doc->input, sim_json_line(c->doc, c->path), c->path,
                    "state \"%s\": resource '%s' is neither a function of this config nor a "
                    "supported integration (arn:aws:states:::dynamodb:*)", state, resource);
}

/* Every Task resource of machine i names a function or an integration. */
static sim_status check_machine(const mdl_config *cfg, int i, const char *path,
                                const sim_json_doc *doc, sim_error *err)
{
    sfn_check check = { cfg, doc, path, err, SIM_OK };
    mdl_sfn_machine_each_task(cfg->machine[i].machine, sfn_check_task, &check);
    return check.st;
}

/* A notification's target: a standard queue or a function. */
static sim_status check_notify_target(mdl_config *cfg, mdl_notify_cfg *n, const char *path,
                                      const sim_json_doc *doc, sim_error *err)
{
    char p[600];
    if (n->queue[0]) {
        snprintf(p, sizeof p, "%s.queue", path);
        n->queue_index = mdl_config_find_queue(cfg, n->queue);
        if (n->queue_index < 0) FAIL_AT(SIM_EUNKNOWN, p, "no queue named '%s'", n->queue);
        /* S3 cannot notify a FIFO queue (README "Queues and workers"). */
        if (cfg->q[n->queue_index].type == MDL_Q_FIFO)
            FAIL_AT(SIM_EUNSUPPORTED, p, "S3 event notifications cannot target a FIFO queue "
                    "('%s'); use a standard queue (or EventBridge)", n->queue);
        return SIM_OK;
    }
    snprintf(p, sizeof p, "%s.function", path);
    n->fn_index = mdl_config_find_function(cfg, n->function);
    if (n->fn_index < 0) FAIL_AT(SIM_EUNKNOWN, p, "no function named '%s'", n->function);
    return SIM_OK;
}

/* An s3 entry: its named bucket, or an implicit one from `notify`. */
static sim_status entry_bucket(mdl_config *cfg, int ei, const sim_json_doc *doc, sim_error *err)
{
    mdl_entry_cfg *e = &cfg->entry[ei];
    char ep[512], p[600];
    mdl_config_entry_path(cfg, ei, ep, sizeof ep);
    if (e->bucket[0]) {
        snprintf(p, sizeof p, "%s.bucket", ep);
        e->bucket_index = mdl_config_find_bucket(cfg, e->bucket);
        if (e->bucket_index < 0) FAIL_AT(SIM_EUNKNOWN, p, "no bucket named '%s'", e->bucket);
        e->notify_mask = notify_mask(&cfg->bucket[e->bucket_index], e->key);
        return SIM_OK;
    }
    if (cfg->nbucket == MDL_MAX_BUCKETS)
        FAIL_AT(SIM_ERANGE, ep, "at most %d buckets (counting entries' notify)", MDL_MAX_BUCKETS);
    mdl_bucket_cfg *b = &cfg->bucket[cfg->nbucket];
    memset(b, 0, sizeof *b);
    copy_field(b->name, e->name, sizeof b->name);
    b->implicit = true;
    b->nnotify = 1;
    mdl_notify_cfg *n = &b->notify[0];
    copy_field(n->queue, e->notify_queue, sizeof n->queue);
    copy_field(n->function, e->notify_function, sizeof n->function);
    n->queue_index = n->fn_index = -1;
    sim_dist_copy(&n->delay, &e->notify_delay);
    e->bucket_index = cfg->nbucket++;
    e->notify_mask = 1;
    snprintf(p, sizeof p, "%s.notify", ep);
    return check_notify_target(cfg, n, p, doc, err);
}

/* A stepfunctions entry: its named machine, or an implicit one from its
 * inline definition (which moves there). */
static sim_status entry_machine(mdl_config *cfg, int ei, const sim_json_doc *doc, sim_error *err)
{
    mdl_entry_cfg *e = &cfg->entry[ei];
    char ep[512], p[600];
    mdl_config_entry_path(cfg, ei, ep, sizeof ep);
    if (e->state_machine[0]) {
        snprintf(p, sizeof p, "%s.state_machine", ep);
        e->machine_index = mdl_config_find_machine(cfg, e->state_machine);
        if (e->machine_index < 0)
            FAIL_AT(SIM_EUNKNOWN, p, "no state machine named '%s'", e->state_machine);
        return SIM_OK;
    }
    if (cfg->nmachine == MDL_MAX_MACHINES)
        FAIL_AT(SIM_ERANGE, ep, "at most %d state machines (counting inline definitions)",
                MDL_MAX_MACHINES);
    mdl_machine_cfg *m = &cfg->machine[cfg->nmachine];
    memset(m, 0, sizeof *m);
    copy_field(m->name, e->name, sizeof m->name);
    copy_field(m->definition, e->definition, sizeof m->definition);
    m->implicit = true;
    m->machine = e->machine;
    e->machine = NULL;
    m->workflow = e->workflow;
    m->task_latency_s = e->task_latency_s;
    m->express_memory_mb = e->express_memory_mb;
    e->machine_index = cfg->nmachine++;
    snprintf(p, sizeof p, "%s.definition", ep);
    return check_machine(cfg, e->machine_index, p, doc, err);
}

sim_status mdl__check_graph(mdl_config *cfg, const sim_json_doc *doc, sim_error *err)
{
    int named_machines = cfg->nmachine, named_buckets = cfg->nbucket;
    for (int i = 0; i < named_machines; i++) {
        char p[600];
        snprintf(p, sizeof p, "state_machines.%s.definition", cfg->machine[i].name);
        SIM_TRY(check_machine(cfg, i, p, doc, err));
    }
    for (int i = 0; i < named_buckets; i++)
        for (int k = 0; k < cfg->bucket[i].nnotify; k++) {
            const mdl_bucket_cfg *b = &cfg->bucket[i];
            char p[600];
            snprintf(p, sizeof p, "buckets.%s.notifications[%d]", b->name, k);
            SIM_TRY(check_notify_target(cfg, &cfg->bucket[i].notify[k], p, doc, err));
            for (int j = 0; j < k; j++)
                if (overlap(&b->notify[j], &b->notify[k]))
                    FAIL_AT(SIM_EUNSUPPORTED, p, "its prefix and suffix overlap those of "
                            "notifications[%d]: S3 refuses overlapping filters for one event type "
                            "(fan out with a function's calls)", j);
        }
    for (int i = 0; i < cfg->nentry; i++) {
        cfg->entry[i].bucket_index = cfg->entry[i].machine_index = -1;
        if (cfg->entry[i].type == MDL_ENTRY_S3) SIM_TRY(entry_bucket(cfg, i, doc, err));
        if (cfg->entry[i].type == MDL_ENTRY_STEPFUNCTIONS) SIM_TRY(entry_machine(cfg, i, doc, err));
    }
    return SIM_OK;
}

/* ---- emitting calls ------------------------------------------------------------- */

/* Call k of a list at `path` ("functions.f.calls"): its target resolved. */
static sim_status resolve_call(mdl_config *cfg, mdl_call *call, const char *path, int k,
                               const sim_json_doc *doc, sim_error *err)
{
    static const char *const k_key[MDL_CALL_COUNT] = {
        [MDL_CALL_S3_PUT] = "bucket", [MDL_CALL_SQS_SEND] = "queue",
        [MDL_CALL_LAMBDA_INVOKE] = "function", [MDL_CALL_SFN_START] = "state_machine" };
    if (!call->target_name[0]) return SIM_OK;
    char p[600];
    snprintf(p, sizeof p, "%s[%d].%s", path, k, k_key[call->op]);
    const char *what = k_key[call->op];
    switch (call->op) {
    case MDL_CALL_SQS_SEND: call->target = mdl_config_find_queue(cfg, call->target_name); break;
    case MDL_CALL_LAMBDA_INVOKE:
        call->target = mdl_config_find_function(cfg, call->target_name);
        what = "function";
        break;
    case MDL_CALL_SFN_START:
        call->target = mdl_config_find_machine(cfg, call->target_name);
        what = "state machine";
        break;
    case MDL_CALL_S3_PUT:
        call->target = mdl_config_find_bucket(cfg, call->target_name);
        if (call->target >= 0) call->notify_mask = notify_mask(&cfg->bucket[call->target], call->key);
        break;
    default: SIM_ASSERT(!"a target on a call that takes none");
    }
    if (call->target < 0) FAIL_AT(SIM_EUNKNOWN, p, "no %s named '%s'", what, call->target_name);
    return SIM_OK;
}

static sim_status resolve_calls(mdl_config *cfg, mdl_call *calls, int n, const char *path,
                                bool *emits, bool *random, const sim_json_doc *doc,
                                sim_error *err)
{
    *emits = *random = false;
    for (int k = 0; k < n; k++) {
        SIM_TRY(resolve_call(cfg, &calls[k], path, k, doc, err));
        *emits |= mdl_call_emits(&calls[k]);
        *random |= calls[k].probability < 1;
    }
    return SIM_OK;
}

sim_status mdl__check_calls(mdl_config *cfg, const sim_json_doc *doc, sim_error *err)
{
    char p[512];
    for (int i = 0; i < cfg->nfn; i++) {
        mdl_function_cfg *f = &cfg->fn[i];
        snprintf(p, sizeof p, "functions.%s.calls", f->name);
        SIM_TRY(resolve_calls(cfg, f->calls, f->ncalls, p, &f->emits, &f->random_calls, doc, err));
    }
    for (int i = 0; i < cfg->nq; i++) {
        mdl_queue_cfg *q = &cfg->q[i];
        snprintf(p, sizeof p, "queues.%s.consumer.calls", q->name);
        SIM_TRY(resolve_calls(cfg, q->calls, q->ncalls, p, &q->emits, &q->random_calls, doc, err));
    }
    return SIM_OK;
}
