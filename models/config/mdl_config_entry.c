/* mdl_config_entry.c - the entry section: the front door requests come
 * through (direct, Function URL, API Gateway HTTP or REST, an SQS queue,
 * an S3 bucket's notifications, a Step Functions state machine). */
#include "models/config/mdl_config_internal.h"

#include <stddef.h>
#include <string.h>

const char *const mdl__entry_types[] = { "direct", "function_url", "apigw_http", "apigw_rest",
                                         "queue", "s3", "stepfunctions", NULL };
static const char *const k_invocation[] = { "sync", "async", NULL };
static const char *const k_workflows[] = { "standard", "express", NULL };
MDL__ENUM_OK(mdl_entry_type);
MDL__ENUM_OK(mdl_sfn_type);

/* Per front door: mean overhead ms (lognormal, cv 0.5), timeout s, payload MB.
 * Timeouts and payloads (README "Reference facts", API Gateway): Function
 * URL: the function's own timeout up to 15 min, 6 MB buffered; HTTP API
 * 30 s, a hard limit (HTTP_API_MAX_TIMEOUT_S), 10 MB; REST 29 s by
 * default, which Regional and private REST APIs may raise since 2024-06,
 * 10 MB.  Overheads: assumptions inside the reported 5-20 ms API Gateway
 * range; a Function URL has no gateway hop. */
static const mdl__door k_doors[MDL_ENTRY_TYPE_COUNT] = {
    [MDL_ENTRY_DIRECT] = { 0.0, 900.0, 6.0 },
    [MDL_ENTRY_FUNCTION_URL] = { 4.0, 900.0, 6.0 },
    [MDL_ENTRY_APIGW_HTTP] = { 10.0, 30.0, 10.0 },
    [MDL_ENTRY_APIGW_REST] = { 15.0, 29.0, 10.0 },
    /* A producer's SendMessage: 1 MiB maximum message (since Aug 2025). */
    [MDL_ENTRY_QUEUE] = { 0.0, 900.0, 1.0 },
    /* An S3 PUT of the photo: 5 GB single-PUT limit. */
    [MDL_ENTRY_S3] = { 0.0, 900.0, 5120.0 },
    /* StartExecution: the 256 KiB state payload limit is not enforced at the
     * door; requests are bounded as S3 PUTs are. */
    [MDL_ENTRY_STEPFUNCTIONS] = { 0.0, 900.0, 5120.0 },
};
/* The overhead's cv (an assumption). */
#define DOOR_CV 0.5
/* An HTTP API's integration timeout cannot exceed 30 s (API Gateway quotas). */
#define HTTP_API_MAX_TIMEOUT_S 30.0

static mdl_entry_type type_of(const void *base) { return ((const mdl_entry_cfg *)base)->type; }
static bool is_sfn_any(const void *b) { return type_of(b) == MDL_ENTRY_STEPFUNCTIONS; }
static bool has_machine(const void *b) { return ((const mdl_entry_cfg *)b)->state_machine[0]; }
/* An inline state machine (`definition`, `workflow`, ...), not a named one. */
static bool is_sfn(const void *b) { return is_sfn_any(b) && !has_machine(b); }
static bool is_express(const void *b)
{
    return is_sfn(b) && ((const mdl_entry_cfg *)b)->workflow == MDL_SFN_EXPRESS;
}
static bool is_s3(const void *b) { return type_of(b) == MDL_ENTRY_S3; }
static bool has_bucket(const void *b) { return is_s3(b) && ((const mdl_entry_cfg *)b)->bucket[0]; }
static bool has_notify(const void *b) { return is_s3(b) && !has_bucket(b); }
static bool is_rest(const void *b) { return type_of(b) == MDL_ENTRY_APIGW_REST; }
static bool is_apigw(const void *b) { return is_rest(b) || type_of(b) == MDL_ENTRY_APIGW_HTTP; }
static bool has_routes(const void *b) { return ((const mdl_entry_cfg *)b)->nroutes > 0; }
static double door_timeout(const void *b) { return k_doors[type_of(b)].timeout_s; }
static double door_payload(const void *b) { return k_doors[type_of(b)].payload_mb; }

/* ---- hooks --------------------------------------------------------------- */

/* Required for (and only for) a stepfunctions entry; loads the machine. */
static sim_status parse_definition(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                   const char *path, void *base)
{
    mdl_entry_cfg *e = base;
    char p[512];
    sim_opt_path(p, sizeof p, path, r);
    if (!is_sfn_any(e)) {
        if (sim_opt_value(r, obj))
            SIM_JSON_FAIL(c->err, SIM_EUNSUPPORTED, c->doc, p,
                          "only a stepfunctions entry has a definition");
        return SIM_OK;
    }
    if (has_machine(e)) {
        if (sim_opt_value(r, obj))
            SIM_JSON_FAIL(c->err, SIM_EUSAGE, c->doc, p,
                          "give a definition or a state_machine, not both");
        return SIM_OK;
    }
    if (!sim_opt_value(r, obj))
        SIM_JSON_FAIL(c->err, SIM_EMISSING, c->doc, p,
                      "required key 'definition' is missing (or name a state_machine)");
    SIM_TRY(sim_opt_read(c, r, obj, path, base));
    return mdl_sfn_machine_load(e->definition, &e->machine, c->err);
}

static sim_status parse_invocation(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                   const char *path, void *base)
{
    mdl_entry_cfg *e = base;
    SIM_TRY(sim_opt_read(c, r, obj, path, base));
    char p[512];
    if (e->async && e->type != MDL_ENTRY_DIRECT)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, sim_opt_path(p, sizeof p, path, r),
                      "async invocation is only for a direct entry (front doors are synchronous)");
    return SIM_OK;
}

/* Absent: the door's own overhead (k_doors). */
static sim_status parse_overhead(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                 const char *path, void *base)
{
    mdl_entry_cfg *e = base;
    SIM_TRY(sim_opt_read(c, r, obj, path, base));
    if (sim_opt_value(r, obj)) return SIM_OK;
    double m = k_doors[e->type].mean_ms;
    if (m > 0) sim_dist_lognormal_mean_cv(&e->overhead, m, DOOR_CV);
    else sim_dist_deterministic(&e->overhead, 0);
    return SIM_OK;
}

/* Absent: the door's own (k_doors).  An HTTP API cannot wait longer than
 * 30 s; a REST API can, since the 2024 quota increase. */
static sim_status parse_timeout(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                const char *path, void *base)
{
    mdl_entry_cfg *e = base;
    SIM_TRY(sim_opt_read(c, r, obj, path, base));
    char p[512];
    if (e->type == MDL_ENTRY_APIGW_HTTP && e->timeout_s > HTTP_API_MAX_TIMEOUT_S)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, sim_opt_path(p, sizeof p, path, r),
                      "an HTTP API waits at most %g s (a hard quota), got %g; a REST API "
                      "(apigw_rest) can wait longer", HTTP_API_MAX_TIMEOUT_S, e->timeout_s);
    return SIM_OK;
}

/* An object only one entry type has: notify (s3, unless it names a
 * bucket) or cache (apigw_rest). */
static sim_status parse_only_for(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                 const char *path, void *base)
{
    bool notify = strcmp(r->key, "notify") == 0;
    bool mine = notify ? is_s3(base) : is_rest(base);
    char p[512];
    sim_opt_path(p, sizeof p, path, r);
    json_object *v = sim_opt_value(r, obj);
    if (v && !mine)
        SIM_JSON_FAIL(c->err, SIM_EUNSUPPORTED, c->doc, p, notify
                      ? "only an s3 entry has notifications" : "only apigw_rest has a cache");
    if (notify && mine && !v == !has_bucket(base))
        SIM_JSON_FAIL(c->err, v ? SIM_EUSAGE : SIM_EMISSING, c->doc, v ? p : path,
                      "an s3 entry needs a bucket (of `buckets`) or notify: {\"queue\": ...} or "
                      "{\"function\": ...}, not both");
    return mine && v ? sim_opt_read(c, r, obj, path, base) : SIM_OK;
}

/* A key only one entry type has (bucket and key: s3; state_machine:
 * stepfunctions). */
static sim_status parse_typed_name(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                   const char *path, void *base)
{
    bool s3 = strcmp(r->key, "state_machine") != 0;
    char p[512];
    if (sim_opt_value(r, obj) && (s3 ? !is_s3(base) : !is_sfn_any(base)))
        SIM_JSON_FAIL(c->err, SIM_EUNSUPPORTED, c->doc, sim_opt_path(p, sizeof p, path, r),
                      "only a%s entry has a %s", s3 ? "n s3" : " stepfunctions", r->key);
    return sim_opt_read(c, r, obj, path, base);
}

sim_status mdl__check_notify(const sim_opt_ctx *c, json_object *obj, const char *path,
                             void *base)
{
    (void)base;
    if (json_object_object_get_ex(obj, "queue", NULL) ==
        json_object_object_get_ex(obj, "function", NULL))
        SIM_JSON_FAIL(c->err, SIM_EUSAGE, c->doc, path, "give exactly one of queue or function");
    return SIM_OK;
}

/* routes: {op: function}. */
static sim_status parse_routes(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                               const char *path, void *base)
{
    mdl_entry_cfg *e = base;
    json_object *routes = NULL;
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, false, json_type_object, &routes, c->err));
    if (!routes) return SIM_OK;
    json_object_object_foreach(routes, op, fnv) {
        char p[512];
        snprintf(p, sizeof p, "%s.routes.%s", path, op);
        if (e->nroutes == MDL_MAX_ROUTES)
            SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, p, "at most %d routes", MDL_MAX_ROUTES);
        if (!json_object_is_type(fnv, json_type_string))
            SIM_JSON_FAIL(c->err, SIM_ETYPE, c->doc, p, "expected a function name");
        if (strlen(op) >= sizeof e->route_op[0])
            SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, p, "op name too long");
        snprintf(e->route_op[e->nroutes], sizeof e->route_op[0], "%s", op);
        snprintf(e->route_fn[e->nroutes], sizeof e->route_fn[0], "%s", json_object_get_string(fnv));
        e->nroutes++;
    }
    return SIM_OK;
}

static json_object *write_routes(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    (void)user;
    const mdl_entry_cfg *e = base;
    json_object *ro = json_object_new_object();
    for (int i = 0; i < e->nroutes; i++)
        sim_json_add_string(ro, e->route_op[i], e->route_fn[i]);
    return ro;
}

/* ---- tables ---------------------------------------------------------------- */

/* "Typically ... in seconds but can sometimes take a minute or longer" (S3
 * event notifications): an assumed lognormal, mean 1 s, cv 1. */
static const sim_opt_dist_def k_notify_delay = { SIM_DIST_LOGNORMAL, 1000.0, 1.0 };

static const sim_opt k_notify_rows[] = {
    { "queue", MDL__STR(mdl_entry_cfg, notify_queue), .def_doc = "one of the two",
      .doc = "the queue the bucket notifies (a standard queue: S3 cannot notify a FIFO queue)" },
    { "function", MDL__STR(mdl_entry_cfg, notify_function), .def_doc = "one of the two",
      .doc = "the function the bucket invokes asynchronously" },
    { "delay", MDL__DIST(mdl_entry_cfg, notify_delay), .dist_def = &k_notify_delay,
      .unit = "ms", .doc = "from the PUT to the notification (\"typically seconds\")" },
};
static const sim_opt_table k_notify = SIM_OPT_TABLE("entry.notify", k_notify_rows, mdl__check_notify);

static const sim_opt k_cache_rows[] = {
    { "hit_ratio", MDL__NUM(mdl_entry_cfg, cache_hit_ratio), .flags = SIM_OPT_REQUIRED,
      .min = 0, .max = 1, .doc = "share of requests the cache answers (they never reach Lambda)" },
    { "size_gb", MDL__NUM(mdl_entry_cfg, cache_gb), .def = 0.5, .min = 0.5, .max = 237,
      .unit = "GB", .doc = "cache size, one the catalogue prices (0.5, 1.6, 6.1, 13.5, 28.4, "
                           "58.2, 118, 237)" },
};
static const sim_opt_table k_cache = SIM_OPT_TABLE("entry.cache", k_cache_rows, NULL);

/* The API Gateway account throttle's token bucket: 10,000 rps, burst 5,000. */
static const sim_opt k_throttle_rows[] = {
    { "rps", MDL__NUM(mdl_entry_cfg, throttle_rps), .def = 10000, .min = 0.001, .max = 1e9,
      .unit = "/s", .doc = "steady rate" },
    { "burst", MDL__NUM(mdl_entry_cfg, throttle_burst), .def = 5000, .min = 1, .max = 1e9,
      .doc = "bucket size" },
};
static const sim_opt_table k_throttle = SIM_OPT_TABLE("entry.throttle", k_throttle_rows, NULL);

/* The keys of an entry: `entry` (the shorthand) and each of `entries`
 * (which adds `workload`).  One list, two tables. */
#define MDL__ENTRY_ROWS                                                                          \
    { "type", MDL__ENUM(mdl_entry_cfg, type, mdl__entry_types), .flags = SIM_OPT_REQUIRED,     \
      .doc = "the front door (README \"Queues and workers\" for `queue` and `s3`, \"Step "        \
             "Functions\" for `stepfunctions`)" },                                               \
    { "target", MDL__STR(mdl_entry_cfg, target), .def_doc = "the only function",               \
      .doc = "the function requests go to (a `queue` entry: the queue)" },                      \
    { "state_machine", MDL__STR(mdl_entry_cfg, state_machine), .def_doc = "none",              \
      .parse = parse_typed_name, .when = has_machine,                                           \
      .doc = "`stepfunctions`: a state machine of `state_machines` (instead of `definition`)" },\
    { "definition", MDL__PATH(mdl_entry_cfg, definition),                                      \
      .def_doc = "required (stepfunctions, unless `state_machine`)",                            \
      .parse = parse_definition, .when = is_sfn,                                                \
      .doc = "`stepfunctions`: the state machine (ASL JSON); each request starts an execution" },\
    { "workflow", MDL__ENUM(mdl_entry_cfg, workflow, k_workflows), .when = is_sfn,             \
      .doc = "`stepfunctions`: Standard (billed per transition) or Express (per request and "   \
             "GB-s)" },                                                                         \
    { "task_latency_ms", MDL__NUM(mdl_entry_cfg, task_latency_s), .per = 1e3, .def = 18.8,     \
      .min = 0, .max = 1e6, .unit = "ms", .when = is_sfn,                                       \
      .doc = "`stepfunctions`: the service's overhead per Task attempt" },                      \
    { "express_memory_mb", MDL__NUM(mdl_entry_cfg, express_memory_mb), .def = 64, .min = 1,    \
      .max = 1e6, .unit = "MB", .when = is_express,                                             \
      .doc = "`stepfunctions` Express: billed memory (rounded up to 64 MB)" },                  \
    { "bucket", MDL__STR(mdl_entry_cfg, bucket), .def_doc = "none", .parse = parse_typed_name, \
      .when = has_bucket,                                                                       \
      .doc = "`s3`: each request is a PUT into this bucket of `buckets`, which fires the "       \
             "bucket's notifications whose prefix and suffix match `key`" },                    \
    { "key", MDL__STR(mdl_entry_cfg, key), .def_str = "pending/photo.jpg",                     \
      .parse = parse_typed_name, .when = has_bucket,                                            \
      .doc = "`s3` with `bucket`: the uploads' object key (matched against the notifications' " \
             "filters)" },                                                                      \
    { "notify", .type = SIM_OPT_OBJECT, .flags = SIM_OPT_KEEP, .sub = &k_notify,               \
      .def_doc = "required (s3, unless `bucket`)", .parse = parse_only_for, .when = has_notify,\
      .doc = "`s3`: each request is an S3 PUT; the bucket notifies `{\"queue\": Q}` or "        \
             "`{\"function\": F}` after `delay` (a bucket of its own with one notification)" }, \
    { "invocation", MDL__FLAG(mdl_entry_cfg, async, k_invocation), .parse = parse_invocation,  \
      .doc = "`async`: event invocation (a `direct` entry only)" },                             \
    { "overhead", MDL__DIST(mdl_entry_cfg, overhead), .def_doc = "by `type` (below)",          \
      .unit = "ms", .parse = parse_overhead, .doc = "latency the front door adds per request" },\
    { "timeout_s", MDL__NUM(mdl_entry_cfg, timeout_s), .def_fn = door_timeout,                 \
      .def_doc = "by `type` (below)", .min = 0.05, .max = 900, .unit = "s",                     \
      .parse = parse_timeout,                                                                   \
      .doc = "the door's timeout: the client fails, Lambda runs on and bills.  `apigw_http`: at "\
             "most 30 s; `apigw_rest`: 29 s by default, more allowed (Regional and private REST "\
             "APIs since 2024-06, at a lower account throttle)" },                              \
    { "max_payload_mb", MDL__NUM(mdl_entry_cfg, max_payload_bytes), .per = 1.0 / 1048576,      \
      .def_fn = door_payload, .def_doc = "by `type` (below)", .min = 0, .max = 1e6, .unit = "MB",\
      .doc = "the door's payload limit (Lambda's 6 MB sync / 1 MB async limits apply too)" },   \
    { "routes", .type = SIM_OPT_MAP, .item = SIM_OPT_STRING, .item_name = "op",                \
      .max_n = MDL_MAX_ROUTES, .parse = parse_routes, .write = write_routes, .when = has_routes,\
      .doc = "`{\"op\": \"function\"}`: the function of each op (trace ops or `workload.mix`)" },\
    { "cache", .type = SIM_OPT_OBJECT, .flags = SIM_OPT_KEEP, .sub = &k_cache,                 \
      .def_doc = "none", .parse = parse_only_for, .when = is_rest,                              \
      .doc = "`apigw_rest`: the stage cache" },                                                 \
    { "throttle", .type = SIM_OPT_OBJECT, .sub = &k_throttle, .when = is_apigw,                \
      .doc = "API Gateway's account throttle (a token bucket)" }

static const sim_opt k_entry_rows[] = { MDL__ENTRY_ROWS };
const sim_opt_table mdl__entry_table = SIM_OPT_TABLE("entry", k_entry_rows, NULL);

/* An entry of `entries`: the same keys and its own workload. */
static const sim_opt k_entry_item_rows[] = {
    MDL__ENTRY_ROWS,
    { "workload", .type = SIM_OPT_OBJECT, .flags = SIM_OPT_REQUIRED, .sub = &mdl__workload_table,
      .off = offsetof(mdl_entry_cfg, workload), .parse = mdl__parse_workload,
      .schema = mdl__schema_workload,
      .doc = "where this entry's requests come from (the keys of `workload`)" },
};
static const sim_opt_table k_entry_item = SIM_OPT_TABLE("entries.<name>", k_entry_item_rows, NULL);

/* ---- entry and entries --------------------------------------------------------- */

bool mdl__is_shorthand(const void *base)
{
    const mdl_config *cfg = base;
    return cfg->nentry == 1 && strcmp(cfg->entry[0].name, MDL_SHORTHAND_ENTRY) == 0;
}

bool mdl__has_entries(const void *base) { return !mdl__is_shorthand(base); }

/* The shorthand: `entry` (with the root's `workload`) is entry 0, "main". */
sim_status mdl__parse_entry(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                            const char *path, void *base)
{
    mdl_config *cfg = base;
    if (!sim_opt_value(r, obj)) return SIM_OK;
    mdl_entry_cfg *e = &cfg->entry[0];
    snprintf(e->name, sizeof e->name, "%s", MDL_SHORTHAND_ENTRY);
    e->shorthand = true;
    cfg->nentry = 1;
    return sim_opt_read(c, r, obj, path, base);
}

static sim_status parse_entry_item(const sim_opt_ctx *c, json_object *eo, const char *path,
                                   const char *name, void *base)
{
    mdl_config *cfg = base;
    mdl_entry_cfg *e = &cfg->entry[cfg->nentry++];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    return sim_opt_parse(c, &k_entry_item, eo, path, e);
}

sim_status mdl__parse_entries(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, void *base)
{
    json_object *o = NULL;
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, false, json_type_object, &o, c->err));
    if (o && json_object_object_length(o) == 0)
        SIM_JSON_FAIL(c->err, SIM_EMISSING, c->doc, "entries", "give at least one entry");
    return mdl__parse_named(c, r, obj, path, ((mdl_config *)base)->nentry, parse_entry_item, base);
}

json_object *mdl__write_entries(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    const mdl_config *cfg = base;
    json_object *es = json_object_new_object();
    for (int i = 0; i < cfg->nentry; i++) {
        json_object *eo = json_object_new_object();
        sim_opt_write(&k_entry_item, &cfg->entry[i], user, eo);
        json_object_object_add(es, cfg->entry[i].name, eo);
    }
    return es;
}

/* {name: {the keys of entry, workload}} */
json_object *mdl__schema_entries(const sim_opt *r)
{
    json_object *o = json_object_new_object();
    sim_json_add_string(o, "type", "object");
    sim_json_add_string(o, "description", r->doc);
    sim_json_add_int(o, "maxProperties", MDL_MAX_ENTRIES);
    json_object_object_add(o, "additionalProperties", sim_opt_schema(&k_entry_item));
    return o;
}

void mdl__doors_markdown(FILE *fp)
{
    fputs("| `entry.type` | overhead (lognormal, cv 0.5) | `timeout_s` | `max_payload_mb` |\n"
          "|---|---|---|---|\n", fp);
    for (int t = 0; t < MDL_ENTRY_TYPE_COUNT; t++) {
        const mdl__door *d = &k_doors[t];
        char ov[32];
        if (d->mean_ms > 0) snprintf(ov, sizeof ov, "mean %g ms", d->mean_ms);
        else snprintf(ov, sizeof ov, "none (0 ms)");
        fprintf(fp, "| `%s` | %s | %g | %g |\n", mdl__entry_types[t], ov, d->timeout_s,
                d->payload_mb);
    }
}
