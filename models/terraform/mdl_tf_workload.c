/* mdl_tf_workload.c - the workload file (W.json): what Terraform cannot
 * say, laid over the imported config at the same paths (README "From
 * Terraform").  It may fill a placeholder or a key the plan leaves out; a
 * key the plan sets must agree with it.  Names must be the plan's; errors
 * name W.json's file, line and path (mdl_tf_build.h). */
#include "models/terraform/mdl_tf_build.h"
#include "sim/sim_rng.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct tf_over {
    tf_build *b;
    const sim_json_doc *doc;
    sim_error *err;
} tf_over;

static sim_status wfail(tf_over *o, sim_status code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static sim_status wfail(tf_over *o, sim_status code, const char *path, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    SIM_JSON_FAIL(o->err, code, o->doc, path, "%s", msg);
}

static sim_status named(tf_over *o, tf_section s, const char *name, const char *path,
                        json_object **out)
{
    *out = tf_key(o->b->sec[s], name);
    char list[900];
    if (!*out)
        return wfail(o, SIM_EUNKNOWN, path, "the plan has no %s '%s' (it has: %s)",
                     tf_section_key(s), name, tf_key_list(o->b->sec[s], list, sizeof list));
    return SIM_OK;
}

/* The section object a W.json key names, its value checked (an object of
 * `allowed` keys); cp gets its config path. */
static sim_status open_named(tf_over *o, tf_section s, const char *name, json_object *w,
                             const char *path, const char *const *allowed, json_object **obj,
                             char *cp, size_t n)
{
    SIM_TRY(named(o, s, name, path, obj));
    if (!json_object_is_type(w, json_type_object))
        return wfail(o, SIM_ETYPE, path, "expected an object");
    SIM_TRY(sim_json_check_keys(o->doc, w, path, allowed, o->err));
    snprintf(cp, n, "%s.%s", tf_section_key(s), name);
    return SIM_OK;
}

/* dest.key = w: fills a placeholder or an absent key; an equal value is
 * fine; a different one is the plan's word against W.json's. */
static sim_status put(tf_over *o, json_object *dest, const char *key, json_object *w,
                      const char *wpath, const char *cpath)
{
    json_object *cur = tf_key(dest, key);
    if (!cur || mdl_tf_is_placeholder(cur)) {
        json_object_object_add(dest, key, json_object_get(w));
        return SIM_OK;
    }
    if (json_object_equal(cur, w))
        return SIM_OK;
    const char *from = json_object_get_string(tf_key(o->b->out->resources, cpath));
    const char *text = json_object_to_json_string_ext(cur, JSON_C_TO_STRING_PLAIN |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE);
    return wfail(o, SIM_EUSAGE, wpath, "the plan says %s (%s%s), W.json otherwise: change the "
                 "Terraform, or drop this key", strlen(text) <= 80 ? text : "something else",
                 from ? "from " : "", from ? from : "the import");
}

/* Check obj's keys against `allowed` (NULL-terminated). */
static sim_status keys(tf_over *o, json_object *obj, const char *path, const char *const *allowed)
{
    return sim_json_check_keys(o->doc, obj, path, allowed, o->err);
}

static sim_status dist(tf_over *o, json_object *d, const char *path)
{
    sim_dist x;
    memset(&x, 0, sizeof x);
    sim_status s = sim_dist_from_json(&x, o->doc, d, path, o->err);
    sim_dist_fini(&x);
    return s;
}

static sim_status service_time(tf_over *o, json_object *st, const char *path)
{
    static const char *const k[] = { "warm", "cold", NULL };
    char p[512];
    if (!json_object_is_type(st, json_type_object))
        return wfail(o, SIM_ETYPE, path, "expected {\"warm\": <distribution>[, \"cold\": ...]}");
    SIM_TRY(keys(o, st, path, k));
    json_object *w = tf_key(st, "warm"), *c = tf_key(st, "cold");
    if (!w)
        return wfail(o, SIM_EMISSING, path, "required key 'warm' is missing");
    sim_json_path(p, sizeof p, path, "warm");
    if (json_object_is_type(w, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(w); i++) {
            char pi[512];
            SIM_TRY(dist(o, json_object_array_get_idx(w, i), sim_json_path_index(pi, sizeof pi, p, i)));
        }
    } else {
        SIM_TRY(dist(o, w, p));
    }
    return c ? dist(o, c, sim_json_path(p, sizeof p, path, "cold")) : SIM_OK;
}

/* Calls (issue 16's): the names they use must be the plan's. */
static sim_status calls(tf_over *o, json_object *arr, const char *path)
{
    static const char *const services[] = { "s3", "dynamodb", "rekognition", "efs", "sqs",
                                            "lambda", "stepfunctions", NULL };
    static const struct { const char *service, *key; tf_section sec; } refs[] = {
        { "sqs", "queue", TF_SEC_QUEUES }, { "lambda", "function", TF_SEC_FUNCTIONS },
        { "stepfunctions", "state_machine", TF_SEC_MACHINES }, { "s3", "bucket", TF_SEC_BUCKETS },
    };
    if (!json_object_is_type(arr, json_type_array))
        return wfail(o, SIM_ETYPE, path, "expected an array of calls");
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        char p[512], pk[512];
        sim_json_path_index(p, sizeof p, path, i);
        json_object *c = json_object_array_get_idx(arr, i), *x = NULL;
        int svc = 0;
        if (!json_object_is_type(c, json_type_object))
            return wfail(o, SIM_ETYPE, p, "expected a call object");
        SIM_TRY(sim_json_get_enum(o->doc, c, p, "service", true, services, &svc, NULL, o->err));
        for (size_t k = 0; k < sizeof refs / sizeof refs[0]; k++) {
            const char *name = NULL;
            if (strcmp(services[svc], refs[k].service) != 0 ||
                !(name = json_object_get_string(tf_key(c, refs[k].key))))
                continue;
            SIM_TRY(named(o, refs[k].sec, name, sim_json_path(pk, sizeof pk, p, refs[k].key), &x));
        }
    }
    return SIM_OK;
}

/* ---- top level ---------------------------------------------------------------- */

static sim_status top(tf_over *o, json_object *root)
{
    static const char *const passthrough[] = { "account", "billing", "async", NULL };
    json_object *v = NULL;
    double d = 0;
    bool has = false;
    SIM_TRY(sim_json_get_number(o->doc, root, "", "duration_s", false, 1e-9, 1e9, &d, &has, o->err));
    if (has)
        json_object_object_add(o->b->top, "duration_s", json_object_get(tf_key(root, "duration_s")));
    SIM_TRY(sim_json_get_number(o->doc, root, "", "warmup_s", false, 0, 1e9, &d, &has, o->err));
    if (has)
        json_object_object_add(o->b->top, "warmup_s", json_object_get(tf_key(root, "warmup_s")));
    int64_t seed = 0;
    SIM_TRY(sim_json_get_int(o->doc, root, "", "seed", false, 0, INT64_MAX, &seed, &has, o->err));
    if (has)
        json_object_object_add(o->b->top, "seed", json_object_get(tf_key(root, "seed")));
    for (const char *const *k = passthrough; *k; k++) {
        SIM_TRY(sim_json_get_child(o->doc, root, "", *k, false, json_type_object, &v, o->err));
        if (v)
            json_object_object_add(o->b->top, *k, json_object_get(v));
    }
    SIM_TRY(sim_json_get_child(o->doc, root, "", "services", false, json_type_object, &v, o->err));
    json_object *sv = tf_key(o->b->top, "services");
    if (v && !sv) {
        json_object_object_add(o->b->top, "services", json_object_get(v));
    } else if (v) {
        json_object_object_foreach(v, svc, so) {
            char p[256];
            snprintf(p, sizeof p, "services.%s", svc);
            json_object *cur = tf_key(sv, svc);
            if (!cur || !json_object_is_type(so, json_type_object)) {
                SIM_TRY(put(o, sv, svc, so, p, p));
                continue;
            }
            json_object_object_foreach(so, k, x) {
                char pk[300];
                snprintf(pk, sizeof pk, "%s.%s", p, k);
                SIM_TRY(put(o, cur, k, x, pk, p));
            }
        }
    }
    return SIM_OK;
}

/* ---- entries ------------------------------------------------------------------ */

static sim_status workload(tf_over *o, json_object *e, json_object *w, const char *path,
                           const char *cpath)
{
    static const char *const k[] = { "arrivals", "mix", "payload_bytes", "payload_bytes_by_op",
                                      "trace", "generator", NULL };
    if (!json_object_is_type(w, json_type_object))
        return wfail(o, SIM_ETYPE, path, "expected a workload object (README \"Config keys\")");
    SIM_TRY(keys(o, w, path, k));
    return put(o, e, "workload", w, path, cpath);
}

/* routes: {op: route key} -> the entry's {op: function}; unnamed routes
 * keep their route key as op. */
static sim_status routes(tf_over *o, json_object *e, json_object *w, const char *path)
{
    json_object *cur = tf_key(e, "routes");
    char list[900];
    if (!cur)
        return wfail(o, SIM_EUNSUPPORTED, path, "this entry has no routes (only API entries do)");
    if (!json_object_is_type(w, json_type_object))
        return wfail(o, SIM_ETYPE, path, "expected {\"op\": \"route key\"}");
    json_object *nr = json_object_new_object(), *used = json_object_new_object();
    json_object_object_foreach(w, op, rk) {
        char p[512];
        sim_json_path(p, sizeof p, path, op);
        const char *key = json_object_get_string(rk);
        json_object *fn = json_object_is_type(rk, json_type_string) ? tf_key(cur, key) : NULL;
        if (!fn) {
            json_object_put(nr);
            json_object_put(used);
            return wfail(o, SIM_EUNKNOWN, p, "'%s' is not a route of this entry (routes: %s)",
                         key ? key : "?", tf_key_list(cur, list, sizeof list));
        }
        json_object_object_add(nr, op, json_object_get(fn));
        json_object_object_add(used, key, NULL);
    }
    json_object_object_foreach(cur, rk2, fn2)
        if (!json_object_object_get_ex(used, rk2, NULL) && !tf_key(nr, rk2))
            json_object_object_add(nr, rk2, json_object_get(fn2));
    json_object_put(used);
    json_object_object_add(e, "routes", nr);
    return SIM_OK;
}

/* An entry the plan does not have: direct, queue or stepfunctions. */
static sim_status new_entry(tf_over *o, const char *name, json_object *w, const char *path)
{
    static const char *const k[] = { "type", "target", "state_machine", "invocation", "workload",
                                     "overhead", NULL };
    static const char *const types[] = { "direct", "queue", "stepfunctions", NULL };
    char p[512], list[900];
    if (!json_object_is_type(w, json_type_object))
        return wfail(o, SIM_ETYPE, path, "expected an entry object");
    if (!tf_key(w, "type"))
        return wfail(o, SIM_EUNKNOWN, path, "the plan has no entry '%s' (it has: %s); a new one "
                     "needs a type (direct, queue or stepfunctions)", name,
                     tf_key_list(o->b->sec[TF_SEC_ENTRIES], list, sizeof list));
    SIM_TRY(keys(o, w, path, k));
    int t = 0;
    json_object *x = NULL;
    SIM_TRY(sim_json_get_enum(o->doc, w, path, "type", true, types, &t, NULL, o->err));
    const char *tk = t == 2 ? "state_machine" : "target";
    const char *target = json_object_get_string(tf_key(w, tk));
    if (!target)
        return wfail(o, SIM_EMISSING, path, "a %s entry needs '%s'", types[t], tk);
    SIM_TRY(named(o, t == 0 ? TF_SEC_FUNCTIONS : t == 1 ? TF_SEC_QUEUES : TF_SEC_MACHINES, target,
                  sim_json_path(p, sizeof p, path, tk), &x));
    if (tf_key(w, "overhead"))
        SIM_TRY(dist(o, tf_key(w, "overhead"), sim_json_path(p, sizeof p, path, "overhead")));
    json_object *e = json_object_new_object();
    json_object_object_foreach(w, key, v)
        if (strcmp(key, "workload") != 0)
            json_object_object_add(e, key, json_object_get(v));
    json_object_object_add(o->b->sec[TF_SEC_ENTRIES], name, e);
    if (tf_key(w, "workload"))
        return workload(o, e, tf_key(w, "workload"), sim_json_path(p, sizeof p, path, "workload"), path);
    json_object_object_add(e, "workload", tf_placeholder("the traffic of entry %s, e.g. "
                           "{\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 20}}", name));
    return SIM_OK;
}

static sim_status entry(tf_over *o, const char *name, json_object *w, const char *path)
{
    static const char *const k[] = { "workload", "routes", "key", "overhead", "cache", NULL };
    json_object *e = tf_key(o->b->sec[TF_SEC_ENTRIES], name);
    if (!e)
        return new_entry(o, name, w, path);
    if (!json_object_is_type(w, json_type_object))
        return wfail(o, SIM_ETYPE, path, "expected an entry object");
    SIM_TRY(keys(o, w, path, k));
    char p[512];
    json_object_object_foreach(w, key, v) {
        sim_json_path(p, sizeof p, path, key);
        const char *type = json_object_get_string(tf_key(e, "type"));
        if (strcmp(key, "workload") == 0)
            SIM_TRY(workload(o, e, v, p, path));
        else if (strcmp(key, "routes") == 0)
            SIM_TRY(routes(o, e, v, p));
        else if (strcmp(key, "key") == 0 && strcmp(type, "s3") != 0)
            return wfail(o, SIM_EUNSUPPORTED, p, "only s3 entries have a key");
        else if (strcmp(key, "key") == 0 && !json_object_is_type(v, json_type_string))
            return wfail(o, SIM_ETYPE, p, "expected the uploads' key prefix, a string");
        else if (strcmp(key, "key") == 0)
            SIM_TRY(put(o, e, "key", v, p, path));
        else if (strcmp(key, "overhead") == 0) {
            SIM_TRY(dist(o, v, p));
            json_object_object_add(e, "overhead", json_object_get(v));
        } else if (!tf_key(e, "cache"))
            return wfail(o, SIM_EUNSUPPORTED, p, "this entry has no cache (a REST API stage with "
                         "cache_cluster_enabled has)");
        else {
            static const char *const ck[] = { "hit_ratio", NULL };
            double h = 0;
            SIM_TRY(keys(o, v, p, ck));
            SIM_TRY(sim_json_get_number(o->doc, v, p, "hit_ratio", true, 0, 1, &h, NULL, o->err));
            SIM_TRY(put(o, tf_key(e, "cache"), "hit_ratio", tf_key(v, "hit_ratio"), p, path));
        }
    }
    return SIM_OK;
}

/* ---- functions, queues, state machines ----------------------------------------- */

static sim_status function(tf_over *o, const char *name, json_object *w, const char *path)
{
    static const char *const k[] = { "service_time", "kernel", "init", "calls", "result",
        "keep_alive_s", "keep_alive_jitter_s", "reuse", "memory_mb", "timeout_s", "arch",
        "package", "reserved_concurrency", "ephemeral_storage_mb", "provisioned_concurrency", NULL };
    static const char *const kk[] = { "name", "profile", "megapixels", "bytes_per_megapixel", NULL };
    json_object *f = NULL;
    char p[512], cp[512];
    SIM_TRY(open_named(o, TF_SEC_FUNCTIONS, name, w, path, k, &f, cp, sizeof cp));
    json_object_object_foreach(w, key, v) {
        sim_json_path(p, sizeof p, path, key);
        if (strcmp(key, "service_time") == 0)
            SIM_TRY(service_time(o, v, p));
        else if (strcmp(key, "init") == 0)
            SIM_TRY(dist(o, v, p));
        else if (strcmp(key, "calls") == 0)
            SIM_TRY(calls(o, v, p));
        else if (strcmp(key, "kernel") == 0 && !json_object_is_type(v, json_type_object))
            return wfail(o, SIM_ETYPE, p, "expected {\"name\": ...}");
        else if (strcmp(key, "kernel") == 0)
            SIM_TRY(keys(o, v, p, kk));
        SIM_TRY(put(o, f, key, v, p, cp));
    }
    /* A kernel gives the handler's time: no duration left to ask for. */
    if (tf_key(w, "kernel") && mdl_tf_is_placeholder(tf_key(f, "service_time")))
        json_object_object_del(f, "service_time");
    return SIM_OK;
}

/* failure_probability with a mapping that does not report item failures:
 * the simulator returns failed items alone, AWS the whole batch. */
static void check_item_failures(tf_over *o, const char *queue, json_object *c)
{
    char cp[512];
    snprintf(cp, sizeof cp, "queues.%s.consumer", queue);
    const char *addr = json_object_get_string(tf_key(o->b->out->resources, cp));
    int ri = addr ? mdl_tf_find(o->b->p, addr) : -1;
    if (ri < 0 || !tf_key(c, "failure_probability"))
        return;
    json_object *t = NULL;
    mdl_tf_attr(mdl_tf_at(o->b->p, (size_t)ri), "function_response_types", &t);
    bool reports = false;
    for (size_t i = 0; t && json_object_is_type(t, json_type_array) && i < json_object_array_length(t); i++)
        reports = reports || strcmp(json_object_get_string(json_object_array_get_idx(t, i)),
                                    "ReportBatchItemFailures") == 0;
    if (!reports)
        tf_warn(o->b, "%s: without function_response_types = [\"ReportBatchItemFailures\"] AWS "
                "returns a failed message's whole batch; the simulator returns the failed items alone",
                addr);
}

static sim_status consumer(tf_over *o, const char *queue, json_object *q, json_object *w,
                           const char *path)
{
    static const char *const k[] = { "service_time", "kernel", "calls", "vcpus", "poll",
        "wait_time_s", "poll_interval_s", "failure_probability", "autoscale", "count",
        "instance_type", "batch_size", "batching_window_s", "maximum_concurrency", "function",
        "type", NULL };
    json_object *c = tf_key(q, "consumer");
    char p[512], cp[512];
    if (!c)
        return wfail(o, SIM_EUNSUPPORTED, path, "queue %s has no consumer in the plan (an event "
                     "source mapping or an EC2 worker pool)", queue);
    if (!json_object_is_type(w, json_type_object))
        return wfail(o, SIM_ETYPE, path, "expected a consumer object");
    SIM_TRY(keys(o, w, path, k));
    snprintf(cp, sizeof cp, "queues.%s.consumer", queue);
    json_object_object_foreach(w, key, v) {
        sim_json_path(p, sizeof p, path, key);
        if (strcmp(key, "service_time") == 0)
            SIM_TRY(dist(o, v, p));
        else if (strcmp(key, "calls") == 0)
            SIM_TRY(calls(o, v, p));
        if (strcmp(key, "autoscale") == 0 && json_object_is_type(v, json_type_object) && tf_key(c, key)) {
            json_object_object_foreach(v, ak, av) {
                char pa[600];
                SIM_TRY(put(o, tf_key(c, key), ak, av, sim_json_path(pa, sizeof pa, p, ak), cp));
            }
            continue;
        }
        SIM_TRY(put(o, c, key, v, p, cp));
    }
    if (tf_key(w, "kernel") && mdl_tf_is_placeholder(tf_key(c, "service_time")))
        json_object_object_del(c, "service_time");
    check_item_failures(o, queue, c);
    return SIM_OK;
}

static sim_status queue(tf_over *o, const char *name, json_object *w, const char *path)
{
    static const char *const k[] = { "max_receive_count", "duplicate_probability",
        "duplicate_send_probability", "message_groups", "send_batch_size", "high_throughput",
        "consumer", "type", "visibility_timeout_s", "retention_s", "delay_s", "dlq", NULL };
    json_object *q = NULL;
    char p[512], cp[512];
    SIM_TRY(open_named(o, TF_SEC_QUEUES, name, w, path, k, &q, cp, sizeof cp));
    json_object_object_foreach(w, key, v) {
        sim_json_path(p, sizeof p, path, key);
        if (strcmp(key, "consumer") == 0)
            SIM_TRY(consumer(o, name, q, v, p));
        else
            SIM_TRY(put(o, q, key, v, p, cp));
    }
    return SIM_OK;
}

static sim_status machine(tf_over *o, const char *name, json_object *w, const char *path)
{
    static const char *const k[] = { "definition", "vars", "task_latency_ms", "express_memory_mb",
                                     "workflow", NULL };
    json_object *m = NULL, *def = NULL, *vars = NULL;
    char p[512], cp[512];
    SIM_TRY(open_named(o, TF_SEC_MACHINES, name, w, path, k, &m, cp, sizeof cp));
    SIM_TRY(sim_json_get_child(o->doc, w, path, "vars", false, json_type_object, &vars, o->err));
    const char *file = NULL;
    SIM_TRY(sim_json_get_string(o->doc, w, path, "definition", false, &file, NULL, o->err));
    if (vars && !file)
        return wfail(o, SIM_EUSAGE, path, "vars go with a definition (a template file)");
    json_object_object_foreach(w, key, v) {
        sim_json_path(p, sizeof p, path, key);
        if (strcmp(key, "vars") == 0)
            continue;
        if (strcmp(key, "definition") != 0) {
            SIM_TRY(put(o, m, key, v, p, cp));
            continue;
        }
        const char *addr = json_object_get_string(tf_key(o->b->out->resources, cp));
        int ri = mdl_tf_find(o->b->p, addr);
        SIM_ASSERT(ri >= 0);
        SIM_TRY(tf_machine_from_file(o->b, (size_t)ri, file, vars, p, &def));
        sim_status s = put(o, m, "definition", def, p, cp);
        json_object_put(def);
        SIM_TRY(s);
    }
    return SIM_OK;
}

typedef sim_status (*tf_named_fn)(tf_over *, const char *, json_object *, const char *);

sim_status tf_workload_apply(tf_build *b)
{
    static const char *const k[] = { "duration_s", "warmup_s", "seed", "account", "billing",
        "async", "services", "entries", "functions", "queues", "state_machines", NULL };
    static const struct { const char *key; tf_named_fn fn; } sections[] = {
        { "functions", function }, { "queues", queue }, { "state_machines", machine },
        { "entries", entry },
    };
    tf_over o = { .b = b, .doc = b->wdoc, .err = b->err };
    json_object *root = b->wdoc->root;
    if (!json_object_is_type(root, json_type_object))
        return wfail(&o, SIM_ETYPE, "", "a workload file is a JSON object");
    SIM_TRY(keys(&o, root, "", k));
    SIM_TRY(top(&o, root));
    for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++) {
        json_object *sec = NULL;
        SIM_TRY(sim_json_get_child(o.doc, root, "", sections[s].key, false, json_type_object, &sec,
                                   o.err));
        if (!sec)
            continue;
        json_object_object_foreach(sec, name, w) {
            char p[512];
            snprintf(p, sizeof p, "%s.%s", sections[s].key, name);
            SIM_TRY(sections[s].fn(&o, name, w, p));
        }
    }
    return SIM_OK;
}
