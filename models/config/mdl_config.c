/* mdl_config.c - the run config: JSON -> validated plain structs.
 *
 * Every key is checked against an allow-list (unknown keys are errors, with
 * their JSON path and line), every number against its range, and defaults
 * are filled here, once, so the simulator reads only mdl_config.  The
 * effective config (defaults included) is rebuilt as JSON for reports.
 *
 * Defaults and where they come from (README "Reference facts", Lambda: limits):
 *  - account concurrency 1000, scaling 1000 new environments / 10 s / function
 *    (Nov 2023 rule); the pre-2023 burst model is `"scaling": "burst"`.
 *  - function timeout 900 s when not given (the maximum: a simulator should
 *    not silently kill a user's long requests with the console's 3 s default).
 *  - keep-alive 600 s (SimFaaS and the measured ~10 min of AWS, same section).
 *  - async: 2 retries, 6 h maximum event age.
 *  - billing: no free tier, 1 ms granularity, the catalogue's month (which
 *    decides dated rules such as INIT billing for ZIP functions since
 *    2025-08-01); the catalogue is data/prices/<region>.json.
 *  - front-door overheads and service latencies: see k_door_defaults and
 *    k_svc_defaults below; the only published figures are anecdotal (5-20 ms
 *    for API Gateway), so they are documented assumptions, meant to be
 *    overridden.
 */
#include "models/config/mdl_config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const k_outcomes[MDL_OUT_COUNT] = {
#define MDL__OUT_NAME(n, s) s,
    MDL_OUTCOME_LIST(MDL__OUT_NAME)
#undef MDL__OUT_NAME
};

const char *mdl_outcome_name(mdl_outcome o) { return o < MDL_OUT_COUNT ? k_outcomes[o] : "?"; }

static const char *const k_entry_types[] = { "direct", "function_url", "apigw_http",
                                             "apigw_rest", "queue", "s3", "stepfunctions", NULL };
static const char *const k_queue_types[] = { "standard", "fifo", NULL };
static const char *const k_poll[] = { "long", "short", "instant", NULL };
static const char *const k_reuse[] = { "mru", "lru", "newest", "random", NULL };
static const char *const k_arch[] = { "x86_64", "arm64", NULL };
static const char *const k_scaling[] = { "2023", "burst", NULL };
static const char *const k_process[] = { "poisson", "deterministic", NULL };

/* Per front door: mean overhead ms (lognormal, cv 0.5), timeout s, payload MB.
 * Timeouts and payloads (README "Reference facts", API Gateway): Function
 * URL: the function's own timeout up to 15 min, 6 MB buffered; HTTP API 30 s
 * hard, 10 MB; REST 29 s default, 10 MB.  Overheads: assumption inside the
 * reported 5-20 ms API Gateway range; a Function URL has no gateway hop. */
static const struct { double mean_ms, timeout_s, payload_mb; } k_door_defaults[] = {
    [MDL_ENTRY_DIRECT] = { 0.0, 900.0, 6.0 },
    [MDL_ENTRY_FUNCTION_URL] = { 4.0, 900.0, 6.0 },
    [MDL_ENTRY_APIGW_HTTP] = { 10.0, 30.0, 10.0 },
    [MDL_ENTRY_APIGW_REST] = { 15.0, 29.0, 10.0 },
    /* A producer's SendMessage: 1 MiB maximum message (since Aug 2025). */
    [MDL_ENTRY_QUEUE] = { 0.0, 900.0, 1.0 },
    /* An S3 PUT of the photo: 5 GB single-PUT limit. */
    [MDL_ENTRY_S3] = { 0.0, 900.0, 5120.0 },
    /* StartExecution: the 256 KiB state payload limit (README "Reference facts", Step
     * Functions). */
    [MDL_ENTRY_STEPFUNCTIONS] = { 0.0, 900.0, 5120.0 },
};

/* Service latency assumptions (lognormal mean ms, cv) and transfer MB/s. */
static const struct { const char *svc, *key; double mean_ms, cv, mbps; } k_svc_defaults[] = {
    [MDL_CALL_S3_GET] = { "s3", "get_latency", 20.0, 0.5, 90.0 },
    [MDL_CALL_S3_PUT] = { "s3", "put_latency", 30.0, 0.5, 90.0 },
    [MDL_CALL_DDB_READ] = { "dynamodb", "read_latency", 5.0, 0.4, 0 },
    [MDL_CALL_DDB_WRITE] = { "dynamodb", "write_latency", 8.0, 0.4, 0 },
    [MDL_CALL_REKOGNITION] = { "rekognition", "latency", 400.0, 0.3, 0 },
    [MDL_CALL_EFS_READ] = { "efs", "read_latency", 3.0, 0.5, 100.0 },
    [MDL_CALL_EFS_WRITE] = { "efs", "write_latency", 6.0, 0.5, 100.0 },
};

int mdl_config_find_queue(const mdl_config *cfg, const char *name)
{
    for (int i = 0; i < cfg->nq; i++)
        if (strcmp(cfg->q[i].name, name) == 0)
            return i;
    return -1;
}

int mdl_config_find_function(const mdl_config *cfg, const char *name)
{
    for (int i = 0; i < cfg->nfn; i++)
        if (strcmp(cfg->fn[i].name, name) == 0)
            return i;
    return -1;
}

void mdl_config_fini(mdl_config *cfg)
{
    if (!cfg) return;
    for (int i = 0; i < cfg->nfn; i++) {
        for (int k = 0; k < cfg->fn[i].nwarm_more; k++)
            sim_dist_fini(&cfg->fn[i].warm_more[k]);
        if (cfg->fn[i].result) json_object_put(cfg->fn[i].result);
        sim_dist_fini(&cfg->fn[i].warm);
        sim_dist_fini(&cfg->fn[i].cold);
        sim_dist_fini(&cfg->fn[i].init);
    }
    for (int i = 0; i < MDL_CALL_COUNT; i++)
        sim_dist_fini(&cfg->svc_latency[i]);
    for (int i = 0; i < cfg->nq; i++)
        sim_dist_fini(&cfg->q[i].service_time);
    sim_dist_fini(&cfg->entry.overhead);
    sim_dist_fini(&cfg->entry.notify_delay);
    sim_dist_fini(&cfg->workload.bytes);
    if (cfg->effective)
        json_object_put(cfg->effective);
    mdl_catalog_destroy(cfg->catalog);
    mdl_sfn_machine_destroy(cfg->entry.machine);
    memset(cfg, 0, sizeof *cfg);
}

static sim_status dist_child(const sim_json_doc *doc, json_object *obj, const char *path,
                             const char *key, sim_dist *d, bool *present, sim_error *err)
{
    json_object *c = NULL;
    char p[512];
    SIM_TRY(sim_json_get_child(doc, obj, path, key, false, json_type_object, &c, err));
    if (present) *present = c != NULL;
    if (!c) return SIM_OK;
    return sim_dist_from_json(d, doc, c, sim_json_path(p, sizeof p, path, key), err);
}

static sim_status name_ok(const sim_json_doc *doc, const char *path, const char *name,
                          sim_error *err)
{
    size_t n = strlen(name);
    if (n == 0 || n >= MDL_NAME_MAX)
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, path, "name must have 1 to %d characters",
                      MDL_NAME_MAX - 1);
    return SIM_OK;
}

static sim_status parse_calls(const sim_json_doc *doc, json_object *arr, const char *path,
                              mdl_call *calls, int *ncalls, sim_error *err)
{
    static const char *const keys[] = { "service", "op", "bytes", "item_kb", NULL };
    static const char *const services[] = { "s3", "dynamodb", "rekognition", "efs", NULL };
    size_t n = json_object_array_length(arr);
    if (n > MDL_MAX_CALLS)
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, path, "at most %d calls per function", MDL_MAX_CALLS);
    for (size_t i = 0; i < n; i++) {
        char p[512], pk[512];
        sim_json_path_index(p, sizeof p, path, i);
        json_object *c = json_object_array_get_idx(arr, i);
        SIM_TRY(sim_json_check_keys(doc, c, p, keys, err));
        int svc = 0;
        SIM_TRY(sim_json_get_enum(doc, c, p, "service", true, services, &svc, NULL, err));
        const char *op = "";
        SIM_TRY(sim_json_get_string(doc, c, p, "op", svc != 2, &op, NULL, err));
        mdl_call *call = &calls[(*ncalls)++];
        memset(call, 0, sizeof *call);
        sim_json_path(pk, sizeof pk, p, "op");
        bool is_read = strcmp(op, "get") == 0 || strcmp(op, "read") == 0;
        bool is_write = strcmp(op, "put") == 0 || strcmp(op, "write") == 0;
        switch (svc) {
        case 0:
            if (!is_read && !is_write)
                SIM_JSON_FAIL(err, SIM_EUNKNOWN, doc, pk, "s3 op must be get or put, got '%s'", op);
            call->op = is_read ? MDL_CALL_S3_GET : MDL_CALL_S3_PUT;
            break;
        case 1:
            if (!is_read && !is_write)
                SIM_JSON_FAIL(err, SIM_EUNKNOWN, doc, pk, "dynamodb op must be read or write, got '%s'", op);
            call->op = is_read ? MDL_CALL_DDB_READ : MDL_CALL_DDB_WRITE;
            break;
        case 2:
            call->op = MDL_CALL_REKOGNITION;
            break;
        default:
            if (!is_read && !is_write)
                SIM_JSON_FAIL(err, SIM_EUNKNOWN, doc, pk, "efs op must be read or write, got '%s'", op);
            call->op = is_read ? MDL_CALL_EFS_READ : MDL_CALL_EFS_WRITE;
            break;
        }
        /* bytes: a number, or "request" for the request's own payload. */
        json_object *b = NULL;
        call->bytes = 0;
        if (json_object_object_get_ex(c, "bytes", &b)) {
            sim_json_path(pk, sizeof pk, p, "bytes");
            if (json_object_is_type(b, json_type_string)) {
                if (strcmp(json_object_get_string(b), "request") != 0)
                    SIM_JSON_FAIL(err, SIM_EUNKNOWN, doc, pk, "bytes must be a number or \"request\"");
                call->bytes = -1;
            } else {
                SIM_TRY(sim_json_get_number(doc, c, p, "bytes", true, 0, 5e12, &call->bytes, NULL, err));
            }
        }
        call->item_kb = 1;
        SIM_TRY(sim_json_get_number(doc, c, p, "item_kb", false, 0, 400, &call->item_kb, NULL, err));
    }
    return SIM_OK;
}

/* A kernel reference: {"name": "resize", "profile": F, "megapixels": N |
 * "bytes_per_megapixel": B}; *mp is 0 when megapixels come from the bytes. */
static sim_status parse_kernel(const sim_json_doc *doc, json_object *ko, const char *kp,
                               mdl_perf_kernel *k, double *mp, double *bytes_per_mp,
                               sim_error *err)
{
    static const char *const kk[] = { "name", "profile", "megapixels", "bytes_per_megapixel", NULL };
    SIM_TRY(sim_json_check_keys(doc, ko, kp, kk, err));
    const char *kn = "", *prof = "data/profiles/default.json";
    SIM_TRY(sim_json_get_string(doc, ko, kp, "name", true, &kn, NULL, err));
    SIM_TRY(sim_json_get_string(doc, ko, kp, "profile", false, &prof, NULL, err));
    SIM_TRY(mdl_perf_profile_load(prof, kn, k, err));
    *mp = k->megapixels;
    bool hm = false, hb = false;
    SIM_TRY(sim_json_get_number(doc, ko, kp, "megapixels", false, 1e-6, 1e4, mp, &hm, err));
    SIM_TRY(sim_json_get_number(doc, ko, kp, "bytes_per_megapixel", false, 1, 1e9, bytes_per_mp, &hb, err));
    if (hm && hb)
        SIM_JSON_FAIL(err, SIM_EUSAGE, doc, kp, "give megapixels or bytes_per_megapixel, not both");
    if (hb) *mp = 0;
    return SIM_OK;
}

static sim_status parse_function(const sim_json_doc *doc, json_object *o, const char *path,
                                 const char *name, mdl_function_cfg *f, sim_error *err)
{
    static const char *const keys[] = {
        "memory_mb", "arch", "ephemeral_storage_mb", "timeout_s", "keep_alive_s",
        "keep_alive_jitter_s", "reuse", "reserved_concurrency", "provisioned_concurrency",
        "service_time", "init", "calls", "kernel", "package", "result", NULL };
    static const char *const st_keys[] = { "warm", "cold", NULL };
    static const char *const pkg[] = { "zip", "image", NULL };
    memset(f, 0, sizeof *f);
    SIM_TRY(name_ok(doc, path, name, err));
    snprintf(f->name, sizeof f->name, "%s", name);
    SIM_TRY(sim_json_check_keys(doc, o, path, keys, err));
    int64_t v = 128;
    SIM_TRY(sim_json_get_int(doc, o, path, "memory_mb", false, 128, 10240, &v, NULL, err));
    f->memory_mb = (int)v;
    int a = 0;
    SIM_TRY(sim_json_get_enum(doc, o, path, "arch", false, k_arch, &a, NULL, err));
    f->arch = (mdl_arch)a;
    int pk = 0;
    SIM_TRY(sim_json_get_enum(doc, o, path, "package", false, pkg, &pk, NULL, err));
    f->image_package = pk == 1;
    v = 512;
    SIM_TRY(sim_json_get_int(doc, o, path, "ephemeral_storage_mb", false, 512, 10240, &v, NULL, err));
    f->ephemeral_storage_mb = (int)v;
    f->timeout_s = 900;
    SIM_TRY(sim_json_get_number(doc, o, path, "timeout_s", false, 1, 900, &f->timeout_s, NULL, err));
    f->keep_alive_s = 600;
    SIM_TRY(sim_json_get_number(doc, o, path, "keep_alive_s", false, 0, 1e9, &f->keep_alive_s, NULL, err));
    SIM_TRY(sim_json_get_number(doc, o, path, "keep_alive_jitter_s", false, 0, 1e9,
                                &f->keep_alive_jitter_s, NULL, err));
    if (f->keep_alive_jitter_s > f->keep_alive_s) {
        char p[512];
        sim_json_path(p, sizeof p, path, "keep_alive_jitter_s");
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, p, "jitter (%g s) exceeds keep_alive_s (%g s)",
                      f->keep_alive_jitter_s, f->keep_alive_s);
    }
    int r = 0;
    SIM_TRY(sim_json_get_enum(doc, o, path, "reuse", false, k_reuse, &r, NULL, err));
    f->reuse = (mdl_reuse)r;
    v = -1;
    SIM_TRY(sim_json_get_int(doc, o, path, "reserved_concurrency", false, 0, 1000000, &v, NULL, err));
    f->reserved_concurrency = (int)v;
    v = 0;
    SIM_TRY(sim_json_get_int(doc, o, path, "provisioned_concurrency", false, 0, 1000000, &v, NULL, err));
    f->provisioned_concurrency = (int)v;
    char p[512];
    json_object *ko = NULL;
    SIM_TRY(sim_json_get_child(doc, o, path, "kernel", false, json_type_object, &ko, err));
    if (ko) {
        char kp[512];
        SIM_TRY(parse_kernel(doc, ko, sim_json_path(kp, sizeof kp, path, "kernel"), &f->kernel,
                             &f->kernel_mp, &f->kernel_bytes_per_mp, err));
        f->has_kernel = true;
    }
    json_object *st = NULL;
    SIM_TRY(sim_json_get_child(doc, o, path, "service_time", !ko, json_type_object, &st, err));
    bool has_warm = false;
    if (!st) {
        /* The kernel gives the handler's time; a zero warm draw keeps the
         * rest of the code uniform. */
        sim_dist_deterministic(&f->warm, 0);
        has_warm = true;
    } else {
        sim_json_path(p, sizeof p, path, "service_time");
        SIM_TRY(sim_json_check_keys(doc, st, p, st_keys, err));
        json_object *wa = NULL;
        if (json_object_object_get_ex(st, "warm", &wa) && json_object_is_type(wa, json_type_array)) {
            /* Several steps run one after the other (Solution 1: one Lambda doing
             * CheckImage, Resize and Grayscale): the handler is their sum. */
            char pw[512];
            sim_json_path(pw, sizeof pw, p, "warm");
            size_t n = json_object_array_length(wa);
            if (n < 1 || n > 5)
                SIM_JSON_FAIL(err, SIM_ERANGE, doc, pw, "give 1 to 5 step distributions");
            for (size_t j = 0; j < n; j++) {
                char pj[512];
                sim_json_path_index(pj, sizeof pj, pw, j);
                sim_dist *d = j == 0 ? &f->warm : &f->warm_more[f->nwarm_more++];
                SIM_TRY(sim_dist_from_json(d, doc, json_object_array_get_idx(wa, j), pj, err));
            }
            has_warm = true;
        } else {
            SIM_TRY(dist_child(doc, st, p, "warm", &f->warm, &has_warm, err));
        }
        if (!has_warm)
            SIM_JSON_FAIL(err, SIM_EMISSING, doc, p, "required key 'warm' is missing");
        SIM_TRY(dist_child(doc, st, p, "cold", &f->cold, &f->has_cold, err));
    }
    json_object *res = NULL;
    if (json_object_object_get_ex(o, "result", &res) && res)
        f->result = json_object_get(res);
    SIM_TRY(dist_child(doc, o, path, "init", &f->init, &f->has_init, err));
    json_object *calls = NULL;
    SIM_TRY(sim_json_get_child(doc, o, path, "calls", false, json_type_array, &calls, err));
    if (calls)
        SIM_TRY(parse_calls(doc, calls, sim_json_path(p, sizeof p, path, "calls"), f->calls,
                            &f->ncalls, err));
    return SIM_OK;
}

static sim_status parse_entry(const sim_json_doc *doc, json_object *o, mdl_config *cfg,
                              sim_error *err)
{
    static const char *const keys[] = { "type", "target", "invocation", "overhead",
                                        "timeout_s", "max_payload_mb", "routes", "cache",
                                        "throttle", "notify", "definition", "workflow",
                                        "task_latency_ms", "express_memory_mb", NULL };
    static const char *const inv[] = { "sync", "async", NULL };
    mdl_entry_cfg *e = &cfg->entry;
    const char *path = "entry";
    SIM_TRY(sim_json_check_keys(doc, o, path, keys, err));
    int t = 0;
    SIM_TRY(sim_json_get_enum(doc, o, path, "type", true, k_entry_types, &t, NULL, err));
    e->type = (mdl_entry_type)t;
    const char *target = "";
    SIM_TRY(sim_json_get_string(doc, o, path, "target", false, &target, NULL, err));
    snprintf(e->target, sizeof e->target, "%s", target);
    int iv = 0;
    SIM_TRY(sim_json_get_enum(doc, o, path, "invocation", false, inv, &iv, NULL, err));
    e->async = iv == 1;
    if (e->async && e->type != MDL_ENTRY_DIRECT)
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, "entry.invocation",
                      "async invocation is only for a direct entry (front doors are synchronous)");
    bool has_ov = false;
    SIM_TRY(dist_child(doc, o, path, "overhead", &e->overhead, &has_ov, err));
    if (!has_ov) {
        double m = k_door_defaults[t].mean_ms;
        if (m > 0)
            sim_dist_lognormal_mean_cv(&e->overhead, m, 0.5);
        else
            sim_dist_deterministic(&e->overhead, 0);
    }
    e->timeout_s = k_door_defaults[t].timeout_s;
    SIM_TRY(sim_json_get_number(doc, o, path, "timeout_s", false, 0.05, 900, &e->timeout_s, NULL, err));
    double mb = k_door_defaults[t].payload_mb;
    SIM_TRY(sim_json_get_number(doc, o, path, "max_payload_mb", false, 0, 1e6, &mb, NULL, err));
    e->max_payload_bytes = mb * 1024 * 1024;
    if (e->type == MDL_ENTRY_STEPFUNCTIONS) {
        static const char *const wf[] = { "standard", "express", NULL };
        const char *def = "";
        SIM_TRY(sim_json_get_string(doc, o, path, "definition", true, &def, NULL, err));
        snprintf(e->definition, sizeof e->definition, "%s", def);
        int w = 0;
        SIM_TRY(sim_json_get_enum(doc, o, path, "workflow", false, wf, &w, NULL, err));
        e->workflow = (mdl_sfn_type)w;
        double tl = 18.8;
        SIM_TRY(sim_json_get_number(doc, o, path, "task_latency_ms", false, 0, 1e6, &tl, NULL, err));
        e->task_latency_s = tl / 1e3;
        e->express_memory_mb = 64;
        SIM_TRY(sim_json_get_number(doc, o, path, "express_memory_mb", false, 1, 1e6,
                                    &e->express_memory_mb, NULL, err));
        SIM_TRY(mdl_sfn_machine_load(e->definition, &e->machine, err));
    } else if (json_object_object_get_ex(o, "definition", NULL)) {
        SIM_JSON_FAIL(err, SIM_EUNSUPPORTED, doc, "entry.definition", "only a stepfunctions entry has a definition");
    }
    json_object *notify = NULL;
    SIM_TRY(sim_json_get_child(doc, o, path, "notify", false, json_type_object, &notify, err));
    if (notify && e->type != MDL_ENTRY_S3)
        SIM_JSON_FAIL(err, SIM_EUNSUPPORTED, doc, "entry.notify", "only an s3 entry has notifications");
    if (e->type == MDL_ENTRY_S3) {
        static const char *const nk[] = { "queue", "function", "delay", NULL };
        if (!notify)
            SIM_JSON_FAIL(err, SIM_EMISSING, doc, "entry", "an s3 entry needs notify: {\"queue\": ...} or {\"function\": ...}");
        SIM_TRY(sim_json_check_keys(doc, notify, "entry.notify", nk, err));
        const char *nq = "", *nf = "";
        bool hq = false, hf = false, hd = false;
        SIM_TRY(sim_json_get_string(doc, notify, "entry.notify", "queue", false, &nq, &hq, err));
        SIM_TRY(sim_json_get_string(doc, notify, "entry.notify", "function", false, &nf, &hf, err));
        if (hq == hf)
            SIM_JSON_FAIL(err, SIM_EUSAGE, doc, "entry.notify", "give exactly one of queue or function");
        snprintf(e->notify_queue, sizeof e->notify_queue, "%s", nq);
        snprintf(e->notify_function, sizeof e->notify_function, "%s", nf);
        SIM_TRY(dist_child(doc, notify, "entry.notify", "delay", &e->notify_delay, &hd, err));
        /* "Typically ... in seconds but can sometimes take a minute or longer"
         * (README "Reference facts", S3): an assumed lognormal, mean 1 s, cv 1. */
        if (!hd) sim_dist_lognormal_mean_cv(&e->notify_delay, 1000, 1.0);
    }
    json_object *routes = NULL;
    SIM_TRY(sim_json_get_child(doc, o, path, "routes", false, json_type_object, &routes, err));
    if (routes) {
        json_object_object_foreach(routes, op, fnv) {
            char p[512];
            snprintf(p, sizeof p, "entry.routes.%s", op);
            if (e->nroutes == MDL_MAX_ROUTES)
                SIM_JSON_FAIL(err, SIM_ERANGE, doc, p, "at most %d routes", MDL_MAX_ROUTES);
            if (!json_object_is_type(fnv, json_type_string))
                SIM_JSON_FAIL(err, SIM_ETYPE, doc, p, "expected a function name");
            if (strlen(op) >= sizeof e->route_op[0])
                SIM_JSON_FAIL(err, SIM_ERANGE, doc, p, "op name too long");
            snprintf(e->route_op[e->nroutes], sizeof e->route_op[0], "%s", op);
            snprintf(e->route_fn[e->nroutes], sizeof e->route_fn[0], "%s",
                     json_object_get_string(fnv));
            e->nroutes++;
        }
    }
    json_object *cache = NULL;
    SIM_TRY(sim_json_get_child(doc, o, path, "cache", false, json_type_object, &cache, err));
    if (cache) {
        static const char *const ck[] = { "hit_ratio", "size_gb", NULL };
        if (e->type != MDL_ENTRY_APIGW_REST)
            SIM_JSON_FAIL(err, SIM_EUNSUPPORTED, doc, "entry.cache",
                          "only apigw_rest has a cache");
        SIM_TRY(sim_json_check_keys(doc, cache, "entry.cache", ck, err));
        SIM_TRY(sim_json_get_number(doc, cache, "entry.cache", "hit_ratio", true, 0, 1,
                                    &e->cache_hit_ratio, NULL, err));
        e->cache_gb = 0.5;
        SIM_TRY(sim_json_get_number(doc, cache, "entry.cache", "size_gb", false, 0.5, 237,
                                    &e->cache_gb, NULL, err));
    }
    /* Token bucket of the API Gateway account throttle (README "Reference facts", API
     * Gateway). */
    e->throttle_rps = 10000;
    e->throttle_burst = 5000;
    json_object *thr = NULL;
    SIM_TRY(sim_json_get_child(doc, o, path, "throttle", false, json_type_object, &thr, err));
    if (thr) {
        static const char *const tk[] = { "rps", "burst", NULL };
        SIM_TRY(sim_json_check_keys(doc, thr, "entry.throttle", tk, err));
        SIM_TRY(sim_json_get_number(doc, thr, "entry.throttle", "rps", false, 0.001, 1e9,
                                    &e->throttle_rps, NULL, err));
        SIM_TRY(sim_json_get_number(doc, thr, "entry.throttle", "burst", false, 1, 1e9,
                                    &e->throttle_burst, NULL, err));
    }
    return SIM_OK;
}

static sim_status parse_queue(const sim_json_doc *doc, json_object *o, const char *path,
                              const char *name, mdl_queue_cfg *q, sim_error *err)
{
    static const char *const keys[] = {
        "type", "visibility_timeout_s", "max_receive_count", "dlq", "duplicate_probability",
        "duplicate_send_probability", "retention_s", "delay_s", "high_throughput",
        "send_batch_size", "message_groups", "consumer", NULL };
    static const char *const ckeys[] = {
        "type", "count", "poll", "wait_time_s", "poll_interval_s", "batch_size", "service_time",
        "instance_type", "autoscale", "function", "batching_window_s", "maximum_concurrency",
        "failure_probability", "calls", "kernel", "vcpus", NULL };
    static const char *const ctypes[] = { "none", "workers", "lambda", NULL };
    memset(q, 0, sizeof *q);
    SIM_TRY(name_ok(doc, path, name, err));
    snprintf(q->name, sizeof q->name, "%s", name);
    SIM_TRY(sim_json_check_keys(doc, o, path, keys, err));
    int t = 0;
    SIM_TRY(sim_json_get_enum(doc, o, path, "type", false, k_queue_types, &t, NULL, err));
    q->type = (mdl_queue_type)t;
    q->visibility_timeout_s = 30;
    SIM_TRY(sim_json_get_number(doc, o, path, "visibility_timeout_s", false, 0, 43200,
                                &q->visibility_timeout_s, NULL, err));
    int64_t v = 0;
    SIM_TRY(sim_json_get_int(doc, o, path, "max_receive_count", false, 1, 1000, &v, NULL, err));
    q->max_receive_count = (int)v;
    const char *dlq = "";
    SIM_TRY(sim_json_get_string(doc, o, path, "dlq", false, &dlq, NULL, err));
    snprintf(q->dlq, sizeof q->dlq, "%s", dlq);
    q->dlq_index = -1;
    SIM_TRY(sim_json_get_number(doc, o, path, "duplicate_probability", false, 0, 1,
                                &q->duplicate_probability, NULL, err));
    SIM_TRY(sim_json_get_number(doc, o, path, "duplicate_send_probability", false, 0, 1,
                                &q->duplicate_send_probability, NULL, err));
    q->retention_s = 345600;
    SIM_TRY(sim_json_get_number(doc, o, path, "retention_s", false, 60, 1209600, &q->retention_s, NULL, err));
    SIM_TRY(sim_json_get_number(doc, o, path, "delay_s", false, 0, 900, &q->delay_s, NULL, err));
    SIM_TRY(sim_json_get_bool(doc, o, path, "high_throughput", false, &q->high_throughput, NULL, err));
    v = 1;
    SIM_TRY(sim_json_get_int(doc, o, path, "send_batch_size", false, 1, 10, &v, NULL, err));
    q->send_batch_size = (int)v;
    v = 1;
    SIM_TRY(sim_json_get_int(doc, o, path, "message_groups", false, 1, 1000000, &v, NULL, err));
    q->message_groups = (int)v;
    char p[512];
    if (q->type == MDL_Q_STANDARD && q->message_groups > 1)
        SIM_JSON_FAIL(err, SIM_EUNSUPPORTED, doc, sim_json_path(p, sizeof p, path, "message_groups"),
                      "message groups are for FIFO queues");
    if (q->type == MDL_Q_FIFO && q->duplicate_probability > 0)
        SIM_JSON_FAIL(err, SIM_EUNSUPPORTED, doc, sim_json_path(p, sizeof p, path, "duplicate_probability"),
                      "FIFO queues deliver exactly once within the deduplication window");
    json_object *c = NULL;
    SIM_TRY(sim_json_get_child(doc, o, path, "consumer", false, json_type_object, &c, err));
    q->consumer = MDL_CONSUMER_NONE;
    if (!c) return SIM_OK;
    char cp[512];
    sim_json_path(cp, sizeof cp, path, "consumer");
    SIM_TRY(sim_json_check_keys(doc, c, cp, ckeys, err));
    int ct = 0;
    SIM_TRY(sim_json_get_enum(doc, c, cp, "type", true, ctypes, &ct, NULL, err));
    q->consumer = (mdl_consumer_type)ct;
    int pl = 0;
    SIM_TRY(sim_json_get_enum(doc, c, cp, "poll", false, k_poll, &pl, NULL, err));
    q->poll = (mdl_poll)pl;
    q->wait_time_s = 20;
    SIM_TRY(sim_json_get_number(doc, c, cp, "wait_time_s", false, 0, 20, &q->wait_time_s, NULL, err));
    if (q->poll == MDL_POLL_LONG && q->wait_time_s <= 0)
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, sim_json_path(p, sizeof p, cp, "wait_time_s"),
                      "long polling needs wait_time_s > 0 (use \"poll\": \"short\")");
    q->poll_interval_s = 1;
    SIM_TRY(sim_json_get_number(doc, c, cp, "poll_interval_s", false, 0.001, 3600, &q->poll_interval_s, NULL, err));
    v = q->consumer == MDL_CONSUMER_LAMBDA ? 10 : 1;
    int64_t bmax = q->consumer == MDL_CONSUMER_LAMBDA && q->type == MDL_Q_STANDARD ? 10000 : 10;
    SIM_TRY(sim_json_get_int(doc, c, cp, "batch_size", false, 1, bmax, &v, NULL, err));
    q->batch_size = (int)v;
    if (q->consumer == MDL_CONSUMER_WORKERS) {
        v = 1;
        SIM_TRY(sim_json_get_int(doc, c, cp, "count", false, 0, 100000, &v, NULL, err));
        q->workers = (int)v;
        json_object *ko = NULL, *st = NULL;
        SIM_TRY(sim_json_get_child(doc, c, cp, "kernel", false, json_type_object, &ko, err));
        if (ko) {
            SIM_TRY(parse_kernel(doc, ko, sim_json_path(p, sizeof p, cp, "kernel"), &q->kernel,
                                 &q->kernel_mp, &q->kernel_bytes_per_mp, err));
            q->has_kernel = true;
        }
        int64_t vc = 2;
        SIM_TRY(sim_json_get_int(doc, c, cp, "vcpus", false, 1, 192, &vc, NULL, err));
        q->vcpus = (int)vc;
        SIM_TRY(sim_json_get_child(doc, c, cp, "service_time", !ko, json_type_object, &st, err));
        if (st)
            SIM_TRY(sim_dist_from_json(&q->service_time, doc, st, sim_json_path(p, sizeof p, cp, "service_time"), err));
        else
            sim_dist_deterministic(&q->service_time, 0);
        json_object *wc = NULL;
        SIM_TRY(sim_json_get_child(doc, c, cp, "calls", false, json_type_array, &wc, err));
        if (wc)
            SIM_TRY(parse_calls(doc, wc, sim_json_path(p, sizeof p, cp, "calls"), q->calls,
                                &q->ncalls, err));
        const char *it = "t3.large";
        SIM_TRY(sim_json_get_string(doc, c, cp, "instance_type", false, &it, NULL, err));
        snprintf(q->instance_type, sizeof q->instance_type, "%s", it);
        json_object *as = NULL;
        SIM_TRY(sim_json_get_child(doc, c, cp, "autoscale", false, json_type_object, &as, err));
        if (as) {
            static const char *const ak[] = { "min", "max", "target_depth_per_worker", "interval_s",
                                              "cooldown_s", "boot_s", NULL };
            char ap[512];
            sim_json_path(ap, sizeof ap, cp, "autoscale");
            SIM_TRY(sim_json_check_keys(doc, as, ap, ak, err));
            q->autoscale = true;
            int64_t mn = 1, mx = 10;
            SIM_TRY(sim_json_get_int(doc, as, ap, "min", false, 0, 100000, &mn, NULL, err));
            SIM_TRY(sim_json_get_int(doc, as, ap, "max", false, 1, 100000, &mx, NULL, err));
            if (mx < mn)
                SIM_JSON_FAIL(err, SIM_ERANGE, doc, ap, "max (%lld) is below min (%lld)", (long long)mx, (long long)mn);
            q->as_min = (int)mn;
            q->as_max = (int)mx;
            q->as_target_depth = 10;
            q->as_interval_s = 60;
            q->as_cooldown_s = 300;
            q->as_boot_s = 90;
            SIM_TRY(sim_json_get_number(doc, as, ap, "target_depth_per_worker", false, 0.001, 1e9, &q->as_target_depth, NULL, err));
            SIM_TRY(sim_json_get_number(doc, as, ap, "interval_s", false, 1, 86400, &q->as_interval_s, NULL, err));
            SIM_TRY(sim_json_get_number(doc, as, ap, "cooldown_s", false, 0, 86400, &q->as_cooldown_s, NULL, err));
            SIM_TRY(sim_json_get_number(doc, as, ap, "boot_s", false, 0, 86400, &q->as_boot_s, NULL, err));
            if (q->workers < q->as_min) q->workers = q->as_min;
            if (q->workers > q->as_max) q->workers = q->as_max;
        }
    } else if (q->consumer == MDL_CONSUMER_LAMBDA) {
        const char *fn = "";
        SIM_TRY(sim_json_get_string(doc, c, cp, "function", true, &fn, NULL, err));
        snprintf(q->function, sizeof q->function, "%s", fn);
        SIM_TRY(sim_json_get_number(doc, c, cp, "batching_window_s", false, 0, 300, &q->batching_window_s, NULL, err));
        if (q->type == MDL_Q_FIFO && q->batching_window_s > 0)
            SIM_JSON_FAIL(err, SIM_EUNSUPPORTED, doc, sim_json_path(p, sizeof p, cp, "batching_window_s"),
                          "FIFO event-source mappings have no batching window");
        if (q->batch_size > 10 && q->batching_window_s < 1)
            SIM_JSON_FAIL(err, SIM_ERANGE, doc, sim_json_path(p, sizeof p, cp, "batch_size"),
                          "a batch larger than 10 needs batching_window_s >= 1");
        v = 0;
        SIM_TRY(sim_json_get_int(doc, c, cp, "maximum_concurrency", false, 2, 1000, &v, NULL, err));
        q->maximum_concurrency = (int)v;
        SIM_TRY(sim_json_get_number(doc, c, cp, "failure_probability", false, 0, 1, &q->failure_probability, NULL, err));
        q->poll = MDL_POLL_LONG;   /* ESM pollers long-poll */
        q->wait_time_s = 20;
    }
    return SIM_OK;
}

/* Which simulated function a Task Resource names: a Lambda ARN
 * ("arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]") or a bare
 * name; -1 when none.  Service integrations are told apart by the caller. */
int mdl_config_resource_function(const mdl_config *cfg, const char *resource)
{
    const char *p = strstr(resource, ":function:");
    char name[MDL_NAME_MAX];
    if (p) {
        p += strlen(":function:");
        size_t n = strcspn(p, ":");
        if (n >= sizeof name) return -1;
        memcpy(name, p, n);
        name[n] = '\0';
    } else {
        snprintf(name, sizeof name, "%s", resource);
    }
    return mdl_config_find_function(cfg, name);
}

typedef struct sfn_check {
    const mdl_config *cfg;
    const sim_json_doc *doc;
    sim_error *err;
    sim_status st;
} sfn_check;

static void sfn_check_task(void *ctx, const char *state, const char *resource)
{
    sfn_check *c = ctx;
    if (c->st != SIM_OK) return;
    if (strncmp(resource, "arn:aws:states:::dynamodb:", 26) == 0) return;
    if (mdl_config_resource_function(c->cfg, resource) >= 0) return;
    c->st = SIM_ERR(c->err, SIM_EUNKNOWN, c->doc->input, sim_json_line(c->doc, "entry.definition"),
                    "entry.definition", "state \"%s\": resource '%s' is neither a function of this "
                    "config nor a supported integration (arn:aws:states:::dynamodb:*)", state, resource);
}

static sim_status parse_workload(const sim_json_doc *doc, json_object *o, mdl_config *cfg,
                                 sim_error *err)
{
    static const char *const keys[] = { "arrivals", "mix", "payload_bytes", "payload_bytes_by_op",
                                        "trace", "generator", NULL };
    static const char *const akeys[] = { "process", "rate_per_s", NULL };
    static const char *const tkeys[] = { "file", "format", "durations", "memory", "spread",
                                         "function_template", NULL };
    static const char *const tformats[] = { "csv", "azure2019", "azure2021", NULL };
    mdl_workload_cfg *w = &cfg->workload;
    SIM_TRY(sim_json_check_keys(doc, o, "workload", keys, err));
    json_object *arr = NULL, *tr = NULL, *gen = NULL;
    SIM_TRY(sim_json_get_child(doc, o, "workload", "trace", false, json_type_object, &tr, err));
    SIM_TRY(sim_json_get_child(doc, o, "workload", "generator", false, json_type_object, &gen, err));
    SIM_TRY(sim_json_get_child(doc, o, "workload", "arrivals", false, json_type_object, &arr, err));
    if ((tr != NULL) + (gen != NULL) + (arr != NULL) != 1)
        SIM_JSON_FAIL(err, SIM_EUSAGE, doc, "workload", "give exactly one of arrivals, trace or generator");
    if (!arr && (json_object_object_get_ex(o, "mix", NULL) ||
                 json_object_object_get_ex(o, "payload_bytes_by_op", NULL)))
        SIM_JSON_FAIL(err, SIM_EUSAGE, doc, "workload.mix",
                      "mix and payload_bytes_by_op go with arrivals; a trace or generator has its own ops and sizes");
    sim_dist_deterministic(&w->bytes, 1024);
    w->has_bytes = true;
    if (tr) {
        w->kind = MDL_WL_TRACE;
        SIM_TRY(sim_json_check_keys(doc, tr, "workload.trace", tkeys, err));
        const char *f = "", *d = "", *m = "", *sp = "poisson";
        SIM_TRY(sim_json_get_string(doc, tr, "workload.trace", "file", true, &f, NULL, err));
        int fmt = 0;
        SIM_TRY(sim_json_get_enum(doc, tr, "workload.trace", "format", false, tformats, &fmt, NULL, err));
        SIM_TRY(sim_json_get_string(doc, tr, "workload.trace", "durations", false, &d, NULL, err));
        SIM_TRY(sim_json_get_string(doc, tr, "workload.trace", "memory", false, &m, NULL, err));
        SIM_TRY(sim_json_get_string(doc, tr, "workload.trace", "spread", false, &sp, NULL, err));
        const char *tpl = "";
        SIM_TRY(sim_json_get_string(doc, tr, "workload.trace", "function_template", false, &tpl, NULL, err));
        snprintf(w->function_template, sizeof w->function_template, "%s", tpl);
        if (!wl_spread_parse(sp, &w->spread))
            SIM_JSON_FAIL(err, SIM_EUNKNOWN, doc, "workload.trace.spread", "expected poisson or uniform, got '%s'", sp);
        snprintf(w->trace_file, sizeof w->trace_file, "%s", f);
        snprintf(w->durations_file, sizeof w->durations_file, "%s", d);
        snprintf(w->memory_file, sizeof w->memory_file, "%s", m);
        w->trace_format = (mdl_trace_format)fmt;
        return SIM_OK;
    }
    if (gen) {
        w->kind = MDL_WL_GENERATOR;
        wl_gen_spec_defaults(&w->gen);
        SIM_TRY(wl_gen_spec_from_json(&w->gen, doc, gen, "workload.generator", err));
        return SIM_OK;
    }
    w->kind = MDL_WL_ARRIVALS;
    SIM_TRY(sim_json_check_keys(doc, arr, "workload.arrivals", akeys, err));
    int p = 0;
    SIM_TRY(sim_json_get_enum(doc, arr, "workload.arrivals", "process", true, k_process, &p, NULL, err));
    w->process = (mdl_arrival_process)p;
    SIM_TRY(sim_json_get_number(doc, arr, "workload.arrivals", "rate_per_s", true, 1e-9, 1e7,
                                &w->rate_per_s, NULL, err));
    json_object *mix = NULL;
    SIM_TRY(sim_json_get_child(doc, o, "workload", "mix", false, json_type_object, &mix, err));
    if (mix) {
        double sum = 0;
        json_object_object_foreach(mix, op, wv) {
            char pp[512];
            snprintf(pp, sizeof pp, "workload.mix.%s", op);
            if (w->nmix == MDL_MAX_ROUTES)
                SIM_JSON_FAIL(err, SIM_ERANGE, doc, pp, "at most %d ops in the mix", MDL_MAX_ROUTES);
            if (strlen(op) >= sizeof w->mix_op[0])
                SIM_JSON_FAIL(err, SIM_ERANGE, doc, pp, "op name too long");
            double x;
            SIM_TRY(sim_json_as_number(doc, wv, pp, &x, err));
            if (x < 0)
                SIM_JSON_FAIL(err, SIM_ERANGE, doc, pp, "must not be negative (got %g)", x);
            snprintf(w->mix_op[w->nmix], sizeof w->mix_op[0], "%s", op);
            w->mix_w[w->nmix++] = x;
            sum += x;
        }
        if (!(sum > 0))
            SIM_JSON_FAIL(err, SIM_ERANGE, doc, "workload.mix", "weights must add up to more than 0");
        for (int i = 0; i < w->nmix; i++)
            w->mix_w[i] /= sum;
    }
    double pb = 1024;
    SIM_TRY(sim_json_get_number(doc, o, "workload", "payload_bytes", false, 0, 1e12, &pb, NULL, err));
    sim_dist_deterministic(&w->bytes, pb);
    w->has_bytes = true;
    for (int i = 0; i < w->nmix; i++)
        w->mix_bytes[i] = pb;
    json_object *by = NULL;
    SIM_TRY(sim_json_get_child(doc, o, "workload", "payload_bytes_by_op", false, json_type_object, &by, err));
    if (by) {
        json_object_object_foreach(by, op, bv) {
            char pp[512];
            snprintf(pp, sizeof pp, "workload.payload_bytes_by_op.%s", op);
            int k = -1;
            for (int i = 0; i < w->nmix; i++)
                if (strcmp(w->mix_op[i], op) == 0) k = i;
            if (k < 0)
                SIM_JSON_FAIL(err, SIM_EUNKNOWN, doc, pp, "op '%s' is not in workload.mix", op);
            double x;
            SIM_TRY(sim_json_as_number(doc, bv, pp, &x, err));
            if (x < 0)
                SIM_JSON_FAIL(err, SIM_ERANGE, doc, pp, "must not be negative (got %g)", x);
            w->mix_bytes[k] = x;
        }
    }
    return SIM_OK;
}

static sim_status parse_services(const sim_json_doc *doc, json_object *o, mdl_config *cfg,
                                 sim_error *err)
{
    static const char *const top[] = { "s3", "dynamodb", "rekognition", "efs", NULL };
    SIM_TRY(sim_json_check_keys(doc, o, "services", top, err));
    for (int s = 0; top[s]; s++) {
        json_object *so = NULL;
        char p[512];
        snprintf(p, sizeof p, "services.%s", top[s]);
        SIM_TRY(sim_json_get_child(doc, o, "services", top[s], false, json_type_object, &so, err));
        if (!so) continue;
        const char *allowed[8];
        int na = 0;
        bool has_mbps = false;
        for (int i = 0; i < MDL_CALL_COUNT; i++) {
            if (strcmp(k_svc_defaults[i].svc, top[s]) == 0) {
                allowed[na++] = k_svc_defaults[i].key;
                has_mbps |= k_svc_defaults[i].mbps > 0;
            }
        }
        if (has_mbps) allowed[na++] = "mbps";
        allowed[na] = NULL;
        SIM_TRY(sim_json_check_keys(doc, so, p, allowed, err));
        for (int i = 0; i < MDL_CALL_COUNT; i++) {
            if (strcmp(k_svc_defaults[i].svc, top[s]) != 0) continue;
            bool here = false;
            sim_dist d;
            SIM_TRY(dist_child(doc, so, p, k_svc_defaults[i].key, &d, &here, err));
            if (here) {
                sim_dist_fini(&cfg->svc_latency[i]);
                cfg->svc_latency[i] = d;
            }
            if (k_svc_defaults[i].mbps > 0)
                SIM_TRY(sim_json_get_number(doc, so, p, "mbps", false, 0.001, 1e6,
                                            &cfg->svc_mbps[i], NULL, err));
        }
    }
    return SIM_OK;
}

static json_object *effective_json(const mdl_config *cfg);

sim_status mdl_config_from_doc(mdl_config *cfg, const sim_json_doc *doc, sim_error *err)
{
    static const char *const keys[] = { "duration_s", "warmup_s", "seed", "region", "workload",
                                        "entry", "account", "functions", "services", "async",
                                        "billing", "queues", NULL };
    memset(cfg, 0, sizeof *cfg);
    json_object *root = doc->root;
    sim_status s = SIM_OK;
#define TRY(expr) do { if ((s = (expr)) != SIM_OK) goto fail; } while (0)
    for (int i = 0; i < MDL_CALL_COUNT; i++) {
        sim_dist_lognormal_mean_cv(&cfg->svc_latency[i], k_svc_defaults[i].mean_ms,
                                   k_svc_defaults[i].cv);
        cfg->svc_mbps[i] = k_svc_defaults[i].mbps;
    }
    TRY(sim_json_check_keys(doc, root, "", keys, err));
    TRY(sim_json_get_number(doc, root, "", "duration_s", true, 1e-6, 1e10, &cfg->duration_s, NULL, err));
    TRY(sim_json_get_number(doc, root, "", "warmup_s", false, 0, 1e10, &cfg->warmup_s, NULL, err));
    if (cfg->warmup_s >= cfg->duration_s) {
        s = SIM_ERR(err, SIM_ERANGE, doc->input, sim_json_line(doc, "warmup_s"), "warmup_s",
                    "warmup_s (%g) must be shorter than duration_s (%g)", cfg->warmup_s,
                    cfg->duration_s);
        goto fail;
    }
    int64_t seed = 1;
    TRY(sim_json_get_int(doc, root, "", "seed", false, 0, INT64_MAX, &seed, NULL, err));
    cfg->seed = (uint64_t)seed;
    const char *region = "us-east-1";
    TRY(sim_json_get_string(doc, root, "", "region", false, &region, NULL, err));
    snprintf(cfg->region, sizeof cfg->region, "%s", region);

    json_object *o = NULL;
    TRY(sim_json_get_child(doc, root, "", "workload", true, json_type_object, &o, err));
    TRY(parse_workload(doc, o, cfg, err));
    TRY(sim_json_get_child(doc, root, "", "entry", true, json_type_object, &o, err));
    TRY(parse_entry(doc, o, cfg, err));

    cfg->account_concurrency = 1000;
    cfg->scaling = MDL_SCALING_2023;
    cfg->burst_limit = 3000;
    TRY(sim_json_get_child(doc, root, "", "account", false, json_type_object, &o, err));
    if (o) {
        static const char *const ak[] = { "concurrency_limit", "scaling", "burst_limit", NULL };
        TRY(sim_json_check_keys(doc, o, "account", ak, err));
        int64_t lim = 1000;
        TRY(sim_json_get_int(doc, o, "account", "concurrency_limit", false, 1, 10000000, &lim, NULL, err));
        cfg->account_concurrency = (int)lim;
        int sc = 0;
        TRY(sim_json_get_enum(doc, o, "account", "scaling", false, k_scaling, &sc, NULL, err));
        cfg->scaling = (mdl_scaling)sc;
        TRY(sim_json_get_number(doc, o, "account", "burst_limit", false, 1, 1e7, &cfg->burst_limit, NULL, err));
    }
    cfg->async_max_event_age_s = 21600;
    cfg->async_max_retries = 2;
    TRY(sim_json_get_child(doc, root, "", "async", false, json_type_object, &o, err));
    if (o) {
        static const char *const ak[] = { "max_event_age_s", "max_retries", NULL };
        TRY(sim_json_check_keys(doc, o, "async", ak, err));
        TRY(sim_json_get_number(doc, o, "async", "max_event_age_s", false, 60, 21600,
                                &cfg->async_max_event_age_s, NULL, err));
        int64_t mr = 2;
        TRY(sim_json_get_int(doc, o, "async", "max_retries", false, 0, 2, &mr, NULL, err));
        cfg->async_max_retries = (int)mr;
    }
    cfg->granularity_ms = 1;
    cfg->free_tier = MDL_FREE_NONE;
    const char *catalog_path = NULL;
    TRY(sim_json_get_child(doc, root, "", "billing", false, json_type_object, &o, err));
    if (o) {
        static const char *const bk[] = { "free_tier", "granularity_ms", "month", "date",
                                          "catalog", NULL };
        static const char *const ft[] = { "none", "always_free", "legacy_12mo", NULL };
        TRY(sim_json_check_keys(doc, o, "billing", bk, err));
        int f = 0;
        TRY(sim_json_get_enum(doc, o, "billing", "free_tier", false, ft, &f, NULL, err));
        cfg->free_tier = (mdl_free_tier)f;
        int64_t g = 1;
        TRY(sim_json_get_int(doc, o, "billing", "granularity_ms", false, 1, 100, &g, NULL, err));
        if (g != 1 && g != 100) {
            s = SIM_ERR(err, SIM_ERANGE, doc->input, sim_json_line(doc, "billing.granularity_ms"),
                        "billing.granularity_ms", "must be 1 (since 2020-12) or 100 (legacy), got %lld",
                        (long long)g);
            goto fail;
        }
        cfg->granularity_ms = (int)g;
        const char *month = NULL, *date = NULL;
        bool hm = false, hd = false;
        TRY(sim_json_get_string(doc, o, "billing", "month", false, &month, &hm, err));
        TRY(sim_json_get_string(doc, o, "billing", "date", false, &date, &hd, err));
        const char *when = hm ? month : date;
        const char *key = hm ? "billing.month" : "billing.date";
        if (hm || hd) {
            int y, m, d = 1;
            int n = sscanf(when, "%4d-%2d-%2d", &y, &m, &d);
            if (n < 2 || (hd && !hm && n != 3) || m < 1 || m > 12 || d < 1 || d > 31 || y < 2014 || y > 9999) {
                s = SIM_ERR(err, SIM_EFORMAT, doc->input, sim_json_line(doc, key), key,
                            "expected %s, got '%s'", hm ? "YYYY-MM" : "YYYY-MM-DD", when);
                goto fail;
            }
            snprintf(cfg->month, sizeof cfg->month, "%04d-%02d", y, m);
        }
        TRY(sim_json_get_string(doc, o, "billing", "catalog", false, &catalog_path, NULL, err));
    }
    if (catalog_path)
        TRY(mdl_catalog_load(catalog_path, &cfg->catalog, err));
    else
        TRY(mdl_catalog_load_region(cfg->region, doc->input, sim_json_line(doc, "region"), "region",
                                    &cfg->catalog, err));
    TRY(sim_json_get_child(doc, root, "", "services", false, json_type_object, &o, err));
    if (o) TRY(parse_services(doc, o, cfg, err));

    TRY(sim_json_get_child(doc, root, "", "functions", false, json_type_object, &o, err));
    if (o) {
        json_object_object_foreach(o, name, fo) {
            char p[512];
            snprintf(p, sizeof p, "functions.%s", name);
            if (cfg->nfn == MDL_MAX_FUNCTIONS) {
                s = SIM_ERR(err, SIM_ERANGE, doc->input, sim_json_line(doc, p), p,
                            "at most %d functions", MDL_MAX_FUNCTIONS);
                goto fail;
            }
            if (!json_object_is_type(fo, json_type_object)) {
                s = SIM_ERR(err, SIM_ETYPE, doc->input, sim_json_line(doc, p), p, "expected a JSON object");
                goto fail;
            }
            cfg->nfn++;
            TRY(parse_function(doc, fo, p, name, &cfg->fn[cfg->nfn - 1], err));
        }
    }
    TRY(sim_json_get_child(doc, root, "", "queues", false, json_type_object, &o, err));
    if (o) {
        json_object_object_foreach(o, name, qo) {
            char p[512];
            snprintf(p, sizeof p, "queues.%s", name);
            if (cfg->nq == MDL_MAX_QUEUES) {
                s = SIM_ERR(err, SIM_ERANGE, doc->input, sim_json_line(doc, p), p, "at most %d queues", MDL_MAX_QUEUES);
                goto fail;
            }
            if (!json_object_is_type(qo, json_type_object)) {
                s = SIM_ERR(err, SIM_ETYPE, doc->input, sim_json_line(doc, p), p, "expected a JSON object");
                goto fail;
            }
            cfg->nq++;
            TRY(parse_queue(doc, qo, p, name, &cfg->q[cfg->nq - 1], err));
        }
    }
    for (int i = 0; i < cfg->nq; i++) {
        mdl_queue_cfg *q = &cfg->q[i];
        char p[512];
        if (q->dlq[0]) {
            snprintf(p, sizeof p, "queues.%s.dlq", q->name);
            q->dlq_index = mdl_config_find_queue(cfg, q->dlq);
            if (q->dlq_index < 0 || q->dlq_index == i) {
                s = SIM_ERR(err, SIM_EUNKNOWN, doc->input, sim_json_line(doc, p), p,
                            "no other queue named '%s'", q->dlq);
                goto fail;
            }
            if (cfg->q[q->dlq_index].type != q->type) {
                s = SIM_ERR(err, SIM_ERANGE, doc->input, sim_json_line(doc, p), p,
                            "a dead-letter queue must be of the same type (standard/fifo)");
                goto fail;
            }
            if (q->max_receive_count == 0) q->max_receive_count = 10;
        }
        if (q->consumer == MDL_CONSUMER_LAMBDA) {
            snprintf(p, sizeof p, "queues.%s.consumer.function", q->name);
            q->fn_index = mdl_config_find_function(cfg, q->function);
            if (q->fn_index < 0) {
                s = SIM_ERR(err, SIM_EUNKNOWN, doc->input, sim_json_line(doc, p), p,
                            "no function named '%s'", q->function);
                goto fail;
            }
        }
    }
    if (cfg->entry.type == MDL_ENTRY_STEPFUNCTIONS) {
        sfn_check check = { cfg, doc, err, SIM_OK };
        mdl_sfn_machine_each_task(cfg->entry.machine, sfn_check_task, &check);
        if (check.st != SIM_OK) {
            s = check.st;
            goto fail;
        }
    }
    if (cfg->entry.type == MDL_ENTRY_QUEUE) {
        if (mdl_config_find_queue(cfg, cfg->entry.target) < 0) {
            s = SIM_ERR(err, SIM_EUNKNOWN, doc->input, sim_json_line(doc, "entry.target"), "entry.target",
                        "no queue named '%s'", cfg->entry.target);
            goto fail;
        }
    }
    if (cfg->entry.type == MDL_ENTRY_S3 && cfg->entry.notify_queue[0]) {
        int qi = mdl_config_find_queue(cfg, cfg->entry.notify_queue);
        if (qi < 0) {
            s = SIM_ERR(err, SIM_EUNKNOWN, doc->input, sim_json_line(doc, "entry.notify.queue"), "entry.notify.queue",
                        "no queue named '%s'", cfg->entry.notify_queue);
            goto fail;
        }
        if (cfg->q[qi].type == MDL_Q_FIFO) {
            /* S3 cannot notify a FIFO queue (README "Reference facts", SQS). */
            s = SIM_ERR(err, SIM_EUNSUPPORTED, doc->input, sim_json_line(doc, "entry.notify.queue"), "entry.notify.queue",
                        "S3 event notifications cannot target a FIFO queue ('%s'); use a standard queue "
                        "(or EventBridge)", cfg->entry.notify_queue);
            goto fail;
        }
    }
    if (cfg->entry.type == MDL_ENTRY_S3 && cfg->entry.notify_function[0] &&
        mdl_config_find_function(cfg, cfg->entry.notify_function) < 0) {
        s = SIM_ERR(err, SIM_EUNKNOWN, doc->input, sim_json_line(doc, "entry.notify.function"), "entry.notify.function",
                    "no function named '%s'", cfg->entry.notify_function);
        goto fail;
    }
    if (cfg->nfn == 0 && cfg->nq == 0) {
        s = SIM_ERR(err, SIM_EMISSING, doc->input, sim_json_line(doc, "functions"), "functions",
                    "at least one function or queue is needed");
        goto fail;
    }
    if (cfg->workload.function_template[0] &&
        mdl_config_find_function(cfg, cfg->workload.function_template) < 0) {
        s = SIM_ERR(err, SIM_EUNKNOWN, doc->input, sim_json_line(doc, "workload.trace.function_template"),
                    "workload.trace.function_template", "no function named '%s'",
                    cfg->workload.function_template);
        goto fail;
    }
    /* Cross-references: targets and routes must name functions. */
    bool fn_entry = cfg->entry.type <= MDL_ENTRY_APIGW_REST;
    if (fn_entry && cfg->nfn == 0) {
        s = SIM_ERR(err, SIM_EMISSING, doc->input, sim_json_line(doc, "functions"), "functions",
                    "a %s entry needs at least one function", k_entry_types[cfg->entry.type]);
        goto fail;
    }
    if (!fn_entry && cfg->entry.nroutes) {
        s = SIM_ERR(err, SIM_EUNSUPPORTED, doc->input, sim_json_line(doc, "entry.routes"), "entry.routes",
                    "routes are for function entries");
        goto fail;
    }
    if (cfg->entry.type == MDL_ENTRY_QUEUE && !cfg->entry.target[0]) {
        s = SIM_ERR(err, SIM_EMISSING, doc->input, sim_json_line(doc, "entry"), "entry.target",
                    "a queue entry needs a target queue");
        goto fail;
    }
    if (fn_entry && !cfg->entry.target[0] && cfg->entry.nroutes == 0) {
        if (cfg->nfn == 1)
            snprintf(cfg->entry.target, sizeof cfg->entry.target, "%s", cfg->fn[0].name);
        else {
            s = SIM_ERR(err, SIM_EMISSING, doc->input, sim_json_line(doc, "entry"), "entry.target",
                        "entry needs a target (or routes) when there are several functions");
            goto fail;
        }
    }
    if (fn_entry && cfg->entry.target[0] && mdl_config_find_function(cfg, cfg->entry.target) < 0) {
        s = SIM_ERR(err, SIM_EUNKNOWN, doc->input, sim_json_line(doc, "entry.target"), "entry.target",
                    "no function named '%s'", cfg->entry.target);
        goto fail;
    }
    for (int i = 0; i < cfg->entry.nroutes; i++) {
        char p[512];
        snprintf(p, sizeof p, "entry.routes.%s", cfg->entry.route_op[i]);
        if (mdl_config_find_function(cfg, cfg->entry.route_fn[i]) < 0) {
            s = SIM_ERR(err, SIM_EUNKNOWN, doc->input, sim_json_line(doc, p), p,
                        "no function named '%s'", cfg->entry.route_fn[i]);
            goto fail;
        }
    }
    for (int i = 0; i < cfg->workload.nmix && fn_entry; i++) {
        bool routed = cfg->entry.target[0] != '\0';
        for (int r = 0; r < cfg->entry.nroutes && !routed; r++)
            routed = strcmp(cfg->entry.route_op[r], cfg->workload.mix_op[i]) == 0;
        if (!routed) {
            char p[512];
            snprintf(p, sizeof p, "workload.mix.%s", cfg->workload.mix_op[i]);
            s = SIM_ERR(err, SIM_EUNKNOWN, doc->input, sim_json_line(doc, p), p,
                        "op '%s' has no route and the entry has no default target",
                        cfg->workload.mix_op[i]);
            goto fail;
        }
    }
    {
        long reserved = 0;
        for (int i = 0; i < cfg->nfn; i++)
            if (cfg->fn[i].reserved_concurrency > 0)
                reserved += cfg->fn[i].reserved_concurrency;
        if (reserved > cfg->account_concurrency) {
            s = SIM_ERR(err, SIM_ERANGE, doc->input, sim_json_line(doc, "functions"), "functions",
                        "reserved concurrency (%ld) exceeds the account limit (%d)", reserved,
                        cfg->account_concurrency);
            goto fail;
        }
        for (int i = 0; i < cfg->nfn; i++) {
            const mdl_function_cfg *f = &cfg->fn[i];
            int cap = f->reserved_concurrency >= 0 ? f->reserved_concurrency : cfg->account_concurrency;
            if (f->provisioned_concurrency > cap) {
                char p[512];
                snprintf(p, sizeof p, "functions.%s.provisioned_concurrency", f->name);
                s = SIM_ERR(err, SIM_ERANGE, doc->input, sim_json_line(doc, p), p,
                            "provisioned concurrency (%d) exceeds the function's concurrency (%d)",
                            f->provisioned_concurrency, cap);
                goto fail;
            }
        }
    }
    cfg->effective = effective_json(cfg);
    return SIM_OK;
fail:
#undef TRY
    mdl_config_fini(cfg);
    return s;
}

void mdl_config_use_trace(mdl_config *cfg, const char *path)
{
    mdl_workload_cfg *w = &cfg->workload;
    w->kind = MDL_WL_TRACE;
    w->trace_format = MDL_TRACE_CSV;
    snprintf(w->trace_file, sizeof w->trace_file, "%s", path);
    w->durations_file[0] = w->memory_file[0] = '\0';
    json_object *wo;
    if (cfg->effective && json_object_object_get_ex(cfg->effective, "workload", &wo)) {
        json_object *t = json_object_new_object();
        sim_json_add_string(t, "file", path);
        sim_json_add_string(t, "format", "csv");
        json_object_object_del(wo, "arrivals");
        json_object_object_add(wo, "trace", t);
    }
}

sim_status mdl_config_load(mdl_config *cfg, const char *path, sim_error *err)
{
    sim_json_doc doc;
    memset(cfg, 0, sizeof *cfg);
    SIM_TRY(sim_json_doc_load(&doc, path, err));
    sim_status s = mdl_config_from_doc(cfg, &doc, err);
    sim_json_doc_fini(&doc);
    return s;
}

/* ---- the effective config ---------------------------------------------- */

static json_object *effective_json(const mdl_config *cfg)
{
    json_object *r = json_object_new_object();
    sim_json_add_double(r, "duration_s", cfg->duration_s);
    sim_json_add_double(r, "warmup_s", cfg->warmup_s);
    sim_json_add_int(r, "seed", (int64_t)cfg->seed);
    sim_json_add_string(r, "region", cfg->region);
    json_object *w = json_object_new_object();
    if (cfg->workload.kind == MDL_WL_TRACE) {
        static const char *const tf[] = { "csv", "azure2019", "azure2021" };
        json_object *t = json_object_new_object();
        sim_json_add_string(t, "file", cfg->workload.trace_file);
        sim_json_add_string(t, "format", tf[cfg->workload.trace_format]);
        if (cfg->workload.durations_file[0]) sim_json_add_string(t, "durations", cfg->workload.durations_file);
        if (cfg->workload.memory_file[0]) sim_json_add_string(t, "memory", cfg->workload.memory_file);
        sim_json_add_string(t, "spread", cfg->workload.spread == WL_SPREAD_POISSON ? "poisson" : "uniform");
        if (cfg->workload.function_template[0])
            sim_json_add_string(t, "function_template", cfg->workload.function_template);
        json_object_object_add(w, "trace", t);
    } else if (cfg->workload.kind == MDL_WL_GENERATOR) {
        json_object *g = json_object_new_object();
        sim_json_add_string(g, "process", cfg->workload.gen.process == WL_PROC_POISSON ? "poisson"
                            : cfg->workload.gen.process == WL_PROC_DIURNAL ? "diurnal"
                            : cfg->workload.gen.process == WL_PROC_MMPP ? "mmpp" : "flash_crowd");
        json_object_object_add(w, "generator", g);
    }
    json_object *a = json_object_new_object();
    sim_json_add_string(a, "process", k_process[cfg->workload.process]);
    sim_json_add_double(a, "rate_per_s", cfg->workload.rate_per_s);
    if (cfg->workload.kind == MDL_WL_ARRIVALS)
        json_object_object_add(w, "arrivals", a);
    else
        json_object_put(a);
    if (cfg->workload.nmix) {
        json_object *m = json_object_new_object();
        json_object *pbo = json_object_new_object();
        for (int i = 0; i < cfg->workload.nmix; i++) {
            sim_json_add_double(m, cfg->workload.mix_op[i], cfg->workload.mix_w[i]);
            sim_json_add_double(pbo, cfg->workload.mix_op[i], cfg->workload.mix_bytes[i]);
        }
        json_object_object_add(w, "mix", m);
        json_object_object_add(w, "payload_bytes_by_op", pbo);
    }
    sim_json_add_double(w, "payload_bytes", cfg->workload.bytes.a);
    json_object_object_add(r, "workload", w);
    const mdl_entry_cfg *en = &cfg->entry;
    json_object *e = json_object_new_object();
    sim_json_add_string(e, "type", k_entry_types[en->type]);
    if (en->target[0]) sim_json_add_string(e, "target", en->target);
    if (en->type == MDL_ENTRY_STEPFUNCTIONS) {
        sim_json_add_string(e, "definition", en->definition);
        sim_json_add_string(e, "workflow", en->workflow == MDL_SFN_EXPRESS ? "express" : "standard");
        sim_json_add_double(e, "task_latency_ms", en->task_latency_s * 1e3);
        if (en->workflow == MDL_SFN_EXPRESS) sim_json_add_double(e, "express_memory_mb", en->express_memory_mb);
    }
    if (en->type == MDL_ENTRY_S3) {
        json_object *n = json_object_new_object();
        if (en->notify_queue[0]) sim_json_add_string(n, "queue", en->notify_queue);
        else sim_json_add_string(n, "function", en->notify_function);
        json_object_object_add(n, "delay", sim_dist_to_json(&en->notify_delay));
        json_object_object_add(e, "notify", n);
    }
    sim_json_add_string(e, "invocation", en->async ? "async" : "sync");
    json_object_object_add(e, "overhead", sim_dist_to_json(&en->overhead));
    sim_json_add_double(e, "timeout_s", en->timeout_s);
    sim_json_add_double(e, "max_payload_mb", en->max_payload_bytes / (1024.0 * 1024.0));
    if (en->nroutes) {
        json_object *ro = json_object_new_object();
        for (int i = 0; i < en->nroutes; i++)
            sim_json_add_string(ro, en->route_op[i], en->route_fn[i]);
        json_object_object_add(e, "routes", ro);
    }
    if (en->type == MDL_ENTRY_APIGW_REST) {
        json_object *c = json_object_new_object();
        sim_json_add_double(c, "hit_ratio", en->cache_hit_ratio);
        sim_json_add_double(c, "size_gb", en->cache_gb);
        json_object_object_add(e, "cache", c);
    }
    if (en->type == MDL_ENTRY_APIGW_REST || en->type == MDL_ENTRY_APIGW_HTTP) {
        json_object *t = json_object_new_object();
        sim_json_add_double(t, "rps", en->throttle_rps);
        sim_json_add_double(t, "burst", en->throttle_burst);
        json_object_object_add(e, "throttle", t);
    }
    json_object_object_add(r, "entry", e);
    json_object *acc = json_object_new_object();
    sim_json_add_int(acc, "concurrency_limit", cfg->account_concurrency);
    sim_json_add_string(acc, "scaling", k_scaling[cfg->scaling]);
    if (cfg->scaling == MDL_SCALING_BURST)
        sim_json_add_double(acc, "burst_limit", cfg->burst_limit);
    json_object_object_add(r, "account", acc);
    json_object *as = json_object_new_object();
    sim_json_add_double(as, "max_event_age_s", cfg->async_max_event_age_s);
    sim_json_add_int(as, "max_retries", cfg->async_max_retries);
    json_object_object_add(r, "async", as);
    json_object *b = json_object_new_object();
    static const char *const ftn[] = { "none", "always_free", "legacy_12mo" };
    sim_json_add_string(b, "free_tier", ftn[cfg->free_tier]);
    sim_json_add_int(b, "granularity_ms", cfg->granularity_ms);
    sim_json_add_string(b, "month", cfg->month[0] ? cfg->month : mdl_catalog_effective_date(cfg->catalog));
    sim_json_add_string(b, "catalog", mdl_catalog_path(cfg->catalog));
    json_object_object_add(r, "billing", b);
    json_object *sv = json_object_new_object();
    for (int i = 0; i < MDL_CALL_COUNT; i++) {
        json_object *so;
        if (!json_object_object_get_ex(sv, k_svc_defaults[i].svc, &so)) {
            so = json_object_new_object();
            json_object_object_add(sv, k_svc_defaults[i].svc, so);
        }
        json_object_object_add(so, k_svc_defaults[i].key, sim_dist_to_json(&cfg->svc_latency[i]));
        if (cfg->svc_mbps[i] > 0)
            sim_json_add_double(so, "mbps", cfg->svc_mbps[i]);
    }
    json_object_object_add(r, "services", sv);
    json_object *fs = json_object_new_object();
    static const char *const svc_names[MDL_CALL_COUNT] = {
        "s3.get", "s3.put", "dynamodb.read", "dynamodb.write", "rekognition", "efs.read", "efs.write" };
    for (int i = 0; i < cfg->nfn; i++) {
        const mdl_function_cfg *f = &cfg->fn[i];
        json_object *fo = json_object_new_object();
        sim_json_add_int(fo, "memory_mb", f->memory_mb);
        sim_json_add_string(fo, "arch", k_arch[f->arch]);
        sim_json_add_string(fo, "package", f->image_package ? "image" : "zip");
        sim_json_add_int(fo, "ephemeral_storage_mb", f->ephemeral_storage_mb);
        sim_json_add_double(fo, "timeout_s", f->timeout_s);
        sim_json_add_double(fo, "keep_alive_s", f->keep_alive_s);
        sim_json_add_double(fo, "keep_alive_jitter_s", f->keep_alive_jitter_s);
        sim_json_add_string(fo, "reuse", k_reuse[f->reuse]);
        sim_json_add_int(fo, "reserved_concurrency", f->reserved_concurrency);
        sim_json_add_int(fo, "provisioned_concurrency", f->provisioned_concurrency);
        json_object *st = json_object_new_object();
        if (f->nwarm_more) {
            json_object *wa = json_object_new_array();
            json_object_array_add(wa, sim_dist_to_json(&f->warm));
            for (int k = 0; k < f->nwarm_more; k++)
                json_object_array_add(wa, sim_dist_to_json(&f->warm_more[k]));
            json_object_object_add(st, "warm", wa);
        } else {
            json_object_object_add(st, "warm", sim_dist_to_json(&f->warm));
        }
        if (f->result) json_object_object_add(fo, "result", json_object_get(f->result));
        if (f->has_kernel) {
            json_object *kj = json_object_new_object();
            sim_json_add_string(kj, "name", f->kernel.name);
            if (f->kernel_mp > 0) sim_json_add_double(kj, "megapixels", f->kernel_mp);
            else sim_json_add_double(kj, "bytes_per_megapixel", f->kernel_bytes_per_mp);
            sim_json_add_double(kj, "cpu_ms_a", f->kernel.cpu_ms_a);
            sim_json_add_double(kj, "cpu_ms_per_megapixel", f->kernel.cpu_ms_per_mp);
            sim_json_add_double(kj, "parallel_fraction", f->kernel.parallel_fraction);
            sim_json_add_int(kj, "threads", f->kernel.threads);
            sim_json_add_double(kj, "io_ms", f->kernel.io_ms);
            sim_json_add_double(kj, "working_set_mb", f->kernel.working_set_mb);
            sim_json_add_double(kj, "working_set_mb_per_megapixel", f->kernel.working_set_mb_per_mp);
            json_object_object_add(fo, "kernel", kj);
        }
        if (f->has_cold) json_object_object_add(st, "cold", sim_dist_to_json(&f->cold));
        json_object_object_add(fo, "service_time", st);
        if (f->has_init) json_object_object_add(fo, "init", sim_dist_to_json(&f->init));
        if (f->ncalls) {
            json_object *ca = json_object_new_array();
            for (int c = 0; c < f->ncalls; c++) {
                json_object *co = json_object_new_object();
                sim_json_add_string(co, "call", svc_names[f->calls[c].op]);
                if (f->calls[c].bytes < 0) sim_json_add_string(co, "bytes", "request");
                else sim_json_add_double(co, "bytes", f->calls[c].bytes);
                if (f->calls[c].op == MDL_CALL_DDB_READ || f->calls[c].op == MDL_CALL_DDB_WRITE)
                    sim_json_add_double(co, "item_kb", f->calls[c].item_kb);
                json_object_array_add(ca, co);
            }
            json_object_object_add(fo, "calls", ca);
        }
        json_object_object_add(fs, f->name, fo);
    }
    json_object_object_add(r, "functions", fs);
    if (cfg->nq) {
        static const char *const ctn[] = { "none", "workers", "lambda" };
        json_object *qs = json_object_new_object();
        for (int i = 0; i < cfg->nq; i++) {
            const mdl_queue_cfg *q = &cfg->q[i];
            json_object *qo = json_object_new_object();
            sim_json_add_string(qo, "type", k_queue_types[q->type]);
            sim_json_add_double(qo, "visibility_timeout_s", q->visibility_timeout_s);
            sim_json_add_int(qo, "max_receive_count", q->max_receive_count);
            if (q->dlq[0]) sim_json_add_string(qo, "dlq", q->dlq);
            sim_json_add_double(qo, "duplicate_probability", q->duplicate_probability);
            sim_json_add_double(qo, "duplicate_send_probability", q->duplicate_send_probability);
            sim_json_add_double(qo, "retention_s", q->retention_s);
            sim_json_add_double(qo, "delay_s", q->delay_s);
            if (q->type == MDL_Q_FIFO) {
                sim_json_add_bool(qo, "high_throughput", q->high_throughput);
                sim_json_add_int(qo, "message_groups", q->message_groups);
            }
            sim_json_add_int(qo, "send_batch_size", q->send_batch_size);
            json_object *c = json_object_new_object();
            sim_json_add_string(c, "type", ctn[q->consumer]);
            if (q->consumer == MDL_CONSUMER_WORKERS) {
                sim_json_add_int(c, "count", q->workers);
                sim_json_add_string(c, "poll", k_poll[q->poll]);
                sim_json_add_double(c, "wait_time_s", q->wait_time_s);
                sim_json_add_double(c, "poll_interval_s", q->poll_interval_s);
                sim_json_add_int(c, "batch_size", q->batch_size);
                json_object_object_add(c, "service_time", sim_dist_to_json(&q->service_time));
                sim_json_add_string(c, "instance_type", q->instance_type);
                sim_json_add_int(c, "vcpus", q->vcpus);
                if (q->has_kernel) {
                    json_object *kj = json_object_new_object();
                    sim_json_add_string(kj, "name", q->kernel.name);
                    if (q->kernel_mp > 0) sim_json_add_double(kj, "megapixels", q->kernel_mp);
                    else sim_json_add_double(kj, "bytes_per_megapixel", q->kernel_bytes_per_mp);
                    json_object_object_add(c, "kernel", kj);
                }
                if (q->autoscale) {
                    json_object *asj = json_object_new_object();
                    sim_json_add_int(asj, "min", q->as_min);
                    sim_json_add_int(asj, "max", q->as_max);
                    sim_json_add_double(asj, "target_depth_per_worker", q->as_target_depth);
                    sim_json_add_double(asj, "interval_s", q->as_interval_s);
                    sim_json_add_double(asj, "cooldown_s", q->as_cooldown_s);
                    sim_json_add_double(asj, "boot_s", q->as_boot_s);
                    json_object_object_add(c, "autoscale", asj);
                }
            } else if (q->consumer == MDL_CONSUMER_LAMBDA) {
                sim_json_add_string(c, "function", q->function);
                sim_json_add_int(c, "batch_size", q->batch_size);
                sim_json_add_double(c, "batching_window_s", q->batching_window_s);
                sim_json_add_int(c, "maximum_concurrency", q->maximum_concurrency);
                sim_json_add_double(c, "failure_probability", q->failure_probability);
            }
            json_object_object_add(qo, "consumer", c);
            json_object_object_add(qs, q->name, qo);
        }
        json_object_object_add(r, "queues", qs);
    }
    return r;
}
