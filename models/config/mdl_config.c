/* mdl_config.c - the run config: JSON -> validated plain structs.
 *
 * Every key is a row of an option table (sim/sim_opt.h): unknown keys are
 * errors, with their JSON path and line, every number is checked against
 * its range, and defaults are filled here, once, so the simulator reads
 * only mdl_config.  The same rows write the effective config (defaults
 * included) for reports, the JSON Schema and the README's key table.  This
 * file holds the root table and the small sections (account, async,
 * billing, services); the others have a file each (mdl_config_internal.h).
 *
 * Defaults and where they come from (README "Config keys"):
 *  - account concurrency 1000, scaling 1000 new environments / 10 s / function
 *    (Nov 2023 rule); the pre-2023 burst model is `"scaling": "burst"`.
 *  - async: 2 retries, 6 h maximum event age (AWS Lambda's maxima).
 *  - billing: no free tier, 1 ms granularity, the catalogue's month (which
 *    decides dated rules such as INIT billing for ZIP functions since
 *    2025-08-01); the catalogue is DATA/prices/<region>.json.
 *  - service latencies: the reference has only anecdotal figures, so the
 *    lognormal defaults below are documented assumptions, meant to be
 *    overridden with measurements.
 */
#include "models/config/mdl_config_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const k_outcomes[MDL_OUT_COUNT] = {
#define MDL__OUT_NAME(n, s) s,
    MDL_OUTCOME_LIST(MDL__OUT_NAME)
#undef MDL__OUT_NAME
};

const char *mdl_outcome_name(mdl_outcome o) { return o < MDL_OUT_COUNT ? k_outcomes[o] : "?"; }

static const char *const k_scaling[] = { "2023", "burst", NULL };
static const char *const k_free_tiers[] = { "none", "always_free", "legacy_12mo", NULL };
MDL__ENUM_OK(mdl_scaling);
MDL__ENUM_OK(mdl_free_tier);

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

int mdl_config_find_bucket(const mdl_config *cfg, const char *name)
{
    for (int i = 0; i < cfg->nbucket; i++)
        if (!cfg->bucket[i].implicit && strcmp(cfg->bucket[i].name, name) == 0)
            return i;
    return -1;
}

int mdl_config_find_machine(const mdl_config *cfg, const char *name)
{
    for (int i = 0; i < cfg->nmachine; i++)
        if (!cfg->machine[i].implicit && strcmp(cfg->machine[i].name, name) == 0)
            return i;
    return -1;
}

int mdl_config_find_entry(const mdl_config *cfg, const char *name)
{
    for (int i = 0; i < cfg->nentry; i++)
        if (strcmp(cfg->entry[i].name, name) == 0)
            return i;
    return -1;
}

const char *mdl_config_entry_path(const mdl_config *cfg, int i, char *buf, size_t n)
{
    SIM_ASSERT(i >= 0 && i < cfg->nentry);
    if (cfg->entry[i].shorthand) snprintf(buf, n, "entry");
    else snprintf(buf, n, "entries.%s", cfg->entry[i].name);
    return buf;
}

const char *mdl_config_workload_path(const mdl_config *cfg, int i, char *buf, size_t n)
{
    SIM_ASSERT(i >= 0 && i < cfg->nentry);
    if (cfg->entry[i].shorthand) snprintf(buf, n, "workload");
    else snprintf(buf, n, "entries.%s.workload", cfg->entry[i].name);
    return buf;
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
        mdl_lifecycle_fini(&cfg->fn[i].lc);
    }
    for (int i = 0; i < MDL_CALL_COUNT; i++)
        sim_dist_fini(&cfg->svc_latency[i]);
    for (int i = 0; i < cfg->nq; i++)
        sim_dist_fini(&cfg->q[i].service_time);
    /* The shorthand's entry is filled even when the load failed before
     * nentry was set. */
    for (int i = 0; i < (cfg->nentry ? cfg->nentry : 1); i++) {
        mdl_entry_cfg *e = &cfg->entry[i];
        sim_dist_fini(&e->overhead);
        sim_dist_fini(&e->notify_delay);
        sim_dist_fini(&e->workload.bytes);
        mdl_sfn_machine_destroy(e->machine);
    }
    for (int i = 0; i < cfg->nbucket; i++)
        for (int k = 0; k < cfg->bucket[i].nnotify; k++)
            sim_dist_fini(&cfg->bucket[i].notify[k].delay);
    for (int i = 0; i < cfg->nmachine; i++) {
        mdl_sfn_machine_destroy(cfg->machine[i].machine);
        if (cfg->machine[i].inline_def) json_object_put(cfg->machine[i].inline_def);
    }
    mdl_lifecycle_fini(&cfg->platform);
    if (cfg->effective)
        json_object_put(cfg->effective);
    mdl_catalog_destroy(cfg->catalog);
    memset(cfg, 0, sizeof *cfg);
}

/* ---- account, async ------------------------------------------------------ */

static bool is_burst(const void *base) { return ((const mdl_config *)base)->scaling == MDL_SCALING_BURST; }

static const sim_opt k_account_rows[] = {
    { "concurrency_limit", MDL__INT(mdl_config, account_concurrency), .def = 1000, .min = 1,
      .max = 10000000, .doc = "regional concurrency: environments of all functions at once" },
    { "scaling", MDL__ENUM(mdl_config, scaling, k_scaling),
      .doc = "`2023`: 1,000 new environments per 10 s per function; `burst`: the pre-2023 "
             "account burst (`burst_limit`) then +500 per minute" },
    { "burst_limit", MDL__NUM(mdl_config, burst_limit), .def = 3000, .min = 1, .max = 1e7,
      .when = is_burst, .doc = "`burst` scaling: environments at once before +500 per minute" },
};
static const sim_opt_table k_account = SIM_OPT_TABLE("account", k_account_rows, NULL);

static const sim_opt k_async_rows[] = {
    { "max_event_age_s", MDL__NUM(mdl_config, async_max_event_age_s), .def = 21600, .min = 60,
      .max = 21600, .unit = "s", .doc = "an async event older than this is dropped" },
    { "max_retries", MDL__INT(mdl_config, async_max_retries), .def = 2, .min = 0, .max = 2,
      .doc = "async error retries (after about 1 and 2 minutes); throttled events back off "
             "1 s doubling to 5 min" },
};
static const sim_opt_table k_async = SIM_OPT_TABLE("async", k_async_rows, NULL);

/* ---- billing ---------------------------------------------------------------- */

static sim_status parse_granularity(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                    const char *path, void *base)
{
    SIM_TRY(sim_opt_read(c, r, obj, path, base));
    int g = ((mdl_config *)base)->granularity_ms;
    char p[512];
    if (g != 1 && g != 100)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, sim_opt_path(p, sizeof p, path, r),
                      "must be 1 (since 2020-12) or 100 (legacy), got %d", g);
    return SIM_OK;
}

/* billing.month "YYYY-MM", or billing.date "YYYY-MM-DD" (its month). */
static sim_status check_billing(const sim_opt_ctx *c, json_object *obj, const char *path,
                                void *base)
{
    mdl_config *cfg = base;
    const char *month = NULL, *date = NULL;
    bool hm = false, hd = false;
    SIM_TRY(sim_json_get_string(c->doc, obj, path, "month", false, &month, &hm, c->err));
    SIM_TRY(sim_json_get_string(c->doc, obj, path, "date", false, &date, &hd, c->err));
    if (!hm && !hd) return SIM_OK;
    const char *when = hm ? month : date;
    char key[512];
    sim_json_path(key, sizeof key, path, hm ? "month" : "date");
    int y, m, d = 1;
    int n = sscanf(when, "%4d-%2d-%2d", &y, &m, &d);
    if (n < 2 || (hd && !hm && n != 3) || m < 1 || m > 12 || d < 1 || d > 31 || y < 2014 ||
        y > 9999)
        SIM_JSON_FAIL(c->err, SIM_EFORMAT, c->doc, key, "expected %s, got '%s'",
                      hm ? "YYYY-MM" : "YYYY-MM-DD", when);
    snprintf(cfg->month, sizeof cfg->month, "%04d-%02d", y, m);
    return SIM_OK;
}

static json_object *write_month(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    (void)user;
    const mdl_config *cfg = base;
    return json_object_new_string(cfg->month[0] ? cfg->month
                                                : mdl_catalog_effective_date(cfg->catalog));
}

static json_object *write_catalog(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    (void)user;
    return json_object_new_string(mdl_catalog_path(((const mdl_config *)base)->catalog));
}

static const sim_opt k_billing_rows[] = {
    { "free_tier", MDL__ENUM(mdl_config, free_tier, k_free_tiers),
      .doc = "free allowances, as `lambdasim cost`: `always_free` or `legacy_12mo` (README "
             "\"Costing\")" },
    { "granularity_ms", MDL__INT(mdl_config, granularity_ms), .def = 1, .min = 1, .max = 100,
      .unit = "ms", .parse = parse_granularity,
      .doc = "Lambda's billing granularity: 1 (since 2020-12) or 100 (legacy)" },
    { "month", .type = SIM_OPT_STRING, .def_doc = "the catalogue's", .write = write_month,
      .pattern = "^[0-9]{4}-[0-9]{1,2}",
      .doc = "`YYYY-MM` billed: dated rules follow it (INIT billed for ZIP functions from "
             "2025-08; container images always)" },
    { "date", .type = SIM_OPT_STRING, .flags = SIM_OPT_INPUT_ONLY, .def_doc = "none",
      .pattern = "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
      .doc = "`YYYY-MM-DD`: bill the month of that date (`month` wins when both are given)" },
    { "catalog", MDL__PATH(mdl_config, catalog_file), .def_doc = "`DATA/prices/<region>.json`",
      .write = write_catalog, .doc = "another price catalogue file" },
    { "month_index", MDL__INT(mdl_config, month_index), .def = 1, .min = 1, .max = 1200,
      .doc = "the month `cost.monthly` projects: month N of steady growth, whose storage is the "
             "average stock of that month (README \"The month\")" },
};
static const sim_opt_table k_billing = SIM_OPT_TABLE("billing", k_billing_rows, check_billing);

/* The billing keys, then the catalogue they name (or the region's). */
static sim_status parse_billing(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                const char *path, void *base)
{
    mdl_config *cfg = base;
    SIM_TRY(sim_opt_read(c, r, obj, path, base));
    if (cfg->catalog_file[0]) return mdl_catalog_load(cfg->catalog_file, &cfg->catalog, c->err);
    const mdl__cfg_ctx *uc = c->user;
    return mdl_catalog_load_region(uc->data_dir, cfg->region, c->doc->input,
                                   sim_json_line(c->doc, "region"), "region", &cfg->catalog,
                                   c->err);
}

/* ---- services ---------------------------------------------------------------- */

/* One mbps per service: it applies to both its calls (get and put, read and
 * write), which sit next to each other in mdl_call_op. */
static sim_status parse_mbps(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                             const char *path, void *base)
{
    SIM_TRY(sim_opt_read(c, r, obj, path, base));
    mdl_config *cfg = base;
    size_t i = (r->off - offsetof(mdl_config, svc_mbps)) / sizeof(double);
    SIM_ASSERT(i == MDL_CALL_S3_GET || i == MDL_CALL_EFS_READ);
    cfg->svc_mbps[i + 1] = cfg->svc_mbps[i];
    return SIM_OK;
}

/* Latency assumptions (lognormal mean ms, cv) and transfer rates. */
static const sim_opt_dist_def k_s3_get = { SIM_DIST_LOGNORMAL, 20.0, 0.5 };
static const sim_opt_dist_def k_s3_put = { SIM_DIST_LOGNORMAL, 30.0, 0.5 };
static const sim_opt_dist_def k_ddb_read = { SIM_DIST_LOGNORMAL, 5.0, 0.4 };
static const sim_opt_dist_def k_ddb_write = { SIM_DIST_LOGNORMAL, 8.0, 0.4 };
static const sim_opt_dist_def k_rek = { SIM_DIST_LOGNORMAL, 400.0, 0.3 };
static const sim_opt_dist_def k_efs_read = { SIM_DIST_LOGNORMAL, 3.0, 0.5 };
static const sim_opt_dist_def k_efs_write = { SIM_DIST_LOGNORMAL, 6.0, 0.5 };
static const sim_opt_dist_def k_s3_delete = { SIM_DIST_LOGNORMAL, 20.0, 0.5 };

#define SVC_LATENCY(key, op, def, what) \
    { key, MDL__DIST(mdl_config, svc_latency[op]), .dist_def = &(def), .unit = "ms", \
      .doc = "latency of " what }
#define SVC_MBPS(op, rate) \
    { "mbps", MDL__NUM(mdl_config, svc_mbps[op]), .def = (rate), .min = 0.001, .max = 1e6, \
      .unit = "MB/s", .parse = parse_mbps, .doc = "transfer rate of the calls' payload bytes" }

/* The stock a service's storage starts from (README "The month"). */
#define SVC_INITIAL(stock, what) \
    { "initial_gb", MDL__NUM(mdl_config, stock_initial_gb[stock]), .def = 0, .min = 0, \
      .max = 1e9, .unit = "GB", .doc = what " stored when the run starts; writes add to it " \
      "(and deletes take away), and the month bills the average of this stock" }

/* Rows in the order the effective config has always listed them, new ones last. */
static const sim_opt k_s3_rows[] = {
    SVC_LATENCY("get_latency", MDL_CALL_S3_GET, k_s3_get, "an S3 GET"),
    SVC_MBPS(MDL_CALL_S3_GET, 90.0),
    SVC_LATENCY("put_latency", MDL_CALL_S3_PUT, k_s3_put, "an S3 PUT"),
    SVC_LATENCY("delete_latency", MDL_CALL_S3_DELETE, k_s3_delete, "an S3 DELETE (assumed as a GET)"),
    SVC_INITIAL(MDL_STOCK_S3, "S3 Standard GB"),
};
static const sim_opt k_ddb_rows[] = {
    SVC_LATENCY("read_latency", MDL_CALL_DDB_READ, k_ddb_read, "a DynamoDB read"),
    SVC_LATENCY("write_latency", MDL_CALL_DDB_WRITE, k_ddb_write, "a DynamoDB write"),
    SVC_INITIAL(MDL_STOCK_DDB, "table GB"),
};
static const sim_opt k_rek_rows[] = {
    SVC_LATENCY("latency", MDL_CALL_REKOGNITION, k_rek, "a Rekognition DetectLabels call"),
};
static const sim_opt k_efs_rows[] = {
    SVC_LATENCY("read_latency", MDL_CALL_EFS_READ, k_efs_read, "an EFS read"),
    SVC_MBPS(MDL_CALL_EFS_READ, 100.0),
    SVC_LATENCY("write_latency", MDL_CALL_EFS_WRITE, k_efs_write, "an EFS write"),
    SVC_INITIAL(MDL_STOCK_EFS, "EFS Standard GB"),
};
static const sim_opt_table k_s3 = SIM_OPT_TABLE("services.s3", k_s3_rows, NULL);
static const sim_opt_table k_ddb = SIM_OPT_TABLE("services.dynamodb", k_ddb_rows, NULL);
static const sim_opt_table k_rek_t = SIM_OPT_TABLE("services.rekognition", k_rek_rows, NULL);
static const sim_opt_table k_efs = SIM_OPT_TABLE("services.efs", k_efs_rows, NULL);

/* The API calls that start work downstream: assumptions of the same kind
 * (lognormal, cv 0.5), within the single-digit to tens of milliseconds the
 * services' own latencies are reported at; override with measurements. */
static const sim_opt_dist_def k_sqs_send = { SIM_DIST_LOGNORMAL, 10.0, 0.5 };
static const sim_opt_dist_def k_lambda_invoke = { SIM_DIST_LOGNORMAL, 15.0, 0.5 };
static const sim_opt_dist_def k_sfn_start = { SIM_DIST_LOGNORMAL, 25.0, 0.5 };
static const sim_opt k_sqs_rows[] = {
    SVC_LATENCY("send_latency", MDL_CALL_SQS_SEND, k_sqs_send, "an SQS SendMessage call"),
};
static const sim_opt k_lambda_rows[] = {
    SVC_LATENCY("invoke_latency", MDL_CALL_LAMBDA_INVOKE, k_lambda_invoke,
                "a Lambda Invoke API call (a synchronous call then waits for the function)"),
};
static const sim_opt k_sfn_rows[] = {
    SVC_LATENCY("start_latency", MDL_CALL_SFN_START, k_sfn_start,
                "a StartExecution call (`sync`: then waits for the execution)"),
};
static const sim_opt_table k_sqs_t = SIM_OPT_TABLE("services.sqs", k_sqs_rows, NULL);
static const sim_opt_table k_lambda_t = SIM_OPT_TABLE("services.lambda", k_lambda_rows, NULL);
static const sim_opt_table k_sfn_t = SIM_OPT_TABLE("services.stepfunctions", k_sfn_rows, NULL);

/* Written back only when a call uses them (configs without emitting calls
 * keep their effective config). */
static bool uses_op(const mdl_config *cfg, mdl_call_op op)
{
    for (int i = 0; i < cfg->nfn; i++)
        for (int k = 0; k < cfg->fn[i].ncalls; k++)
            if (cfg->fn[i].calls[k].op == op) return true;
    for (int i = 0; i < cfg->nq; i++)
        for (int k = 0; k < cfg->q[i].ncalls; k++)
            if (cfg->q[i].calls[k].op == op) return true;
    return false;
}
static bool uses_sqs(const void *b) { return uses_op(b, MDL_CALL_SQS_SEND); }
static bool uses_lambda(const void *b) { return uses_op(b, MDL_CALL_LAMBDA_INVOKE); }
static bool uses_sfn(const void *b) { return uses_op(b, MDL_CALL_SFN_START); }

static const sim_opt k_services_rows[] = {
    { "s3", .type = SIM_OPT_OBJECT, .sub = &k_s3, .doc = "S3 calls (functions' `calls`)" },
    { "dynamodb", .type = SIM_OPT_OBJECT, .sub = &k_ddb, .doc = "DynamoDB calls" },
    { "rekognition", .type = SIM_OPT_OBJECT, .sub = &k_rek_t, .doc = "Rekognition calls" },
    { "efs", .type = SIM_OPT_OBJECT, .sub = &k_efs, .doc = "EFS calls" },
    { "sqs", .type = SIM_OPT_OBJECT, .sub = &k_sqs_t, .when = uses_sqs,
      .doc = "SQS sends (calls `{\"service\": \"sqs\", \"op\": \"send\"}`)" },
    { "lambda", .type = SIM_OPT_OBJECT, .sub = &k_lambda_t, .when = uses_lambda,
      .doc = "Lambda invocations from calls" },
    { "stepfunctions", .type = SIM_OPT_OBJECT, .sub = &k_sfn_t, .when = uses_sfn,
      .doc = "executions started by calls" },
};
static const sim_opt_table k_services = SIM_OPT_TABLE("services", k_services_rows, NULL);

/* ---- the root ------------------------------------------------------------------ */

static sim_status parse_warmup(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                               const char *path, void *base)
{
    mdl_config *cfg = base;
    SIM_TRY(sim_opt_read(c, r, obj, path, base));
    if (cfg->warmup_s >= cfg->duration_s)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, "warmup_s",
                      "warmup_s (%g) must be shorter than duration_s (%g)", cfg->warmup_s,
                      cfg->duration_s);
    return SIM_OK;
}

static bool has_queues(const void *base) { return ((const mdl_config *)base)->nq > 0; }

/* Either `entries`, or the shorthand `entry` + `workload`. */
static sim_status check_root(const sim_opt_ctx *c, json_object *obj, const char *path,
                             void *base)
{
    (void)path;
    (void)base;
    bool many = json_object_object_get_ex(obj, "entries", NULL);
    bool one = json_object_object_get_ex(obj, "entry", NULL);
    bool wl = json_object_object_get_ex(obj, "workload", NULL);
    if (many && (one || wl))
        SIM_JSON_FAIL(c->err, SIM_EUSAGE, c->doc, "entries",
                      "give either entries or the one-entry shorthand entry + workload, not both");
    if (!many && !wl)
        SIM_JSON_FAIL(c->err, SIM_EMISSING, c->doc, "", "required key 'workload' is missing "
                      "(or give entries)");
    if (!many && !one)
        SIM_JSON_FAIL(c->err, SIM_EMISSING, c->doc, "", "required key 'entry' is missing "
                      "(or give entries)");
    return SIM_OK;
}

static const sim_opt k_root_rows[] = {
    { "duration_s", MDL__NUM(mdl_config, duration_s), .flags = SIM_OPT_REQUIRED, .min = 1e-6,
      .max = 1e10, .unit = "s", .doc = "simulated time" },
    { "warmup_s", MDL__NUM(mdl_config, warmup_s), .min = 0, .max = 1e10, .unit = "s",
      .parse = parse_warmup, .doc = "statistics start after this time (less than `duration_s`)" },
    { "seed", .type = SIM_OPT_INT, .store = SIM_OPT_ST_U64, .off = offsetof(mdl_config, seed),
      .def = 1, .min = 0, .max = (double)INT64_MAX, .doc = "master seed (`--seed` overrides)" },
    { "region", MDL__STR(mdl_config, region), .def_str = "us-east-1",
      .doc = "price catalogue region (`DATA/prices/<region>.json`)" },
    { "workload", .type = SIM_OPT_OBJECT, .sub = &mdl__workload_table,
      .off = offsetof(mdl_config, entry) + offsetof(mdl_entry_cfg, workload),
      .def_doc = "required (or `entries`)", .parse = mdl__parse_workload,
      .schema = mdl__schema_workload, .when = mdl__is_shorthand,
      .doc = "where requests come from: exactly one of `arrivals`, `trace` or `generator`" },
    { "entry", .type = SIM_OPT_OBJECT, .flags = SIM_OPT_KEEP, .sub = &mdl__entry_table,
      .off = offsetof(mdl_config, entry), .def_doc = "required (or `entries`)",
      .parse = mdl__parse_entry, .when = mdl__is_shorthand,
      .doc = "the front door every request enters through: with `workload`, the one-entry "
             "shorthand of `entries` (an entry named `main`, results identical)" },
    { "entries", .type = SIM_OPT_MAP, .item = SIM_OPT_ANY, .max_n = MDL_MAX_ENTRIES, .item_name = "name",
      .type_doc = "map of entries", .def_doc = "none", .parse = mdl__parse_entries,
      .write = mdl__write_entries, .schema = mdl__schema_entries, .when = mdl__has_entries,
      .doc = "entries by name (README \"Entries and flows\"): each has the keys of `entry` and "
             "its own `workload` (the keys of `workload`); requests of every entry run in one "
             "graph, one engine" },
    { "account", .type = SIM_OPT_OBJECT, .sub = &k_account, .doc = "the account's Lambda limits" },
    { "async", .type = SIM_OPT_OBJECT, .sub = &k_async, .doc = "asynchronous invocations" },
    { "billing", .type = SIM_OPT_OBJECT, .sub = &k_billing, .parse = parse_billing,
      .doc = "how the simulated usage is billed" },
    { "services", .type = SIM_OPT_OBJECT, .sub = &k_services,
      .doc = "AWS services the functions call: latency distributions and transfer rates" },
    { "platform", .type = SIM_OPT_OBJECT, .sub = &mdl__platform_table,
      .off = offsetof(mdl_config, platform),
      .doc = "the Lambda platform's execution-environment lifecycle, which every function "
             "starts from (README \"How close to AWS\")" },
    { "functions", .type = SIM_OPT_MAP, .sub = &mdl__function_table, .max_n = MDL_MAX_FUNCTIONS,
      .item_name = "name", .parse = mdl__parse_functions, .write = mdl__write_functions,
      .doc = "Lambda functions by name (1 to 63 characters)" },
    { "queues", .type = SIM_OPT_MAP, .sub = &mdl__queue_table, .max_n = MDL_MAX_QUEUES,
      .item_name = "name", .parse = mdl__parse_queues, .write = mdl__write_queues,
      .when = has_queues, .doc = "SQS queues by name and what consumes them (README \"Queues "
                                 "and workers\")" },
    { "buckets", .type = SIM_OPT_MAP, .sub = &mdl__bucket_table, .max_n = MDL_MAX_BUCKETS,
      .item_name = "name", .parse = mdl__parse_buckets, .write = mdl__write_buckets,
      .when = mdl__has_buckets, .doc = "S3 buckets by name and their event notifications "
                                       "(README \"Buckets and state machines\")" },
    { "state_machines", .type = SIM_OPT_MAP, .sub = &mdl__machine_table,
      .max_n = MDL_MAX_MACHINES, .item_name = "name", .parse = mdl__parse_machines,
      .write = mdl__write_machines, .when = mdl__has_machines,
      .doc = "Step Functions state machines by name, started by entries or calls (README "
             "\"Buckets and state machines\")" },
};
static const sim_opt_table k_root = SIM_OPT_TABLE("config", k_root_rows, check_root);

/* ---- overrides -------------------------------------------------------------------- */

/* The row a dotted path names ("functions.f.calls[0].op"), or NULL. */
static const sim_opt *row_at(const char *key)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", key);
    const sim_opt_table *t = &k_root;
    const sim_opt *r = NULL;
    bool name_next = false;
    char *save = NULL;
    for (char *seg = strtok_r(buf, ".", &save); seg; seg = strtok_r(NULL, ".", &save)) {
        seg[strcspn(seg, "[")] = '\0';
        if (name_next) {   /* a function or queue name */
            name_next = false;
            r = NULL;
            continue;
        }
        if (!t || !(r = sim_opt_find(t, seg))) return NULL;
        name_next = r->type == SIM_OPT_MAP;
        t = r->sub;
    }
    return name_next ? NULL : r;
}

sim_status mdl_config_apply_sets(sim_json_doc *doc, const char *const *set, size_t nset,
                                 sim_error *err)
{
    for (size_t i = 0; i < nset; i++) {
        const char *eq = strchr(set[i], '=');
        if (!eq || eq == set[i])
            SIM_FAIL(err, SIM_EUSAGE, "--set", 0, NULL, "expected KEY=VALUE, got '%s'", set[i]);
        char key[512];
        snprintf(key, sizeof key, "%.*s", (int)(eq - set[i]), set[i]);
        json_object *v = NULL;
        SIM_TRY(sim_json_parse_cli_value(eq + 1, "--set", &v, err));
        /* A string key gets the text, even when it reads as JSON (scaling=2023). */
        const sim_opt *r = row_at(key);
        if (r && v && !json_object_is_type(v, json_type_string) &&
            (r->type == SIM_OPT_STRING || r->type == SIM_OPT_PATH || r->type == SIM_OPT_ENUM)) {
            json_object_put(v);
            v = json_object_new_string(eq + 1);
        }
        SIM_TRY(sim_json_set_at(doc->root, key, v, "--set", err));
    }
    return SIM_OK;
}

sim_status mdl_config_check_value(const char *path, json_object *v, const char *label,
                                  sim_error *err)
{
    const sim_opt *r = row_at(path);
    if (!r || !v) return SIM_OK;
    /* A number's type and range hold whatever its hook adds (cross-key
     * rules); other rows with hooks may read forms of their own. */
    bool number = r->type == SIM_OPT_NUMBER || r->type == SIM_OPT_INT;
    if (!number && (r->parse || (r->type != SIM_OPT_ENUM && r->type != SIM_OPT_BOOL &&
                                 r->type != SIM_OPT_STRING)))
        return SIM_OK;
    /* The row reads its key from an object at the parent path. */
    char parent[512];
    const char *dot = strrchr(path, '.');
    snprintf(parent, sizeof parent, "%.*s", dot ? (int)(dot - path) : 0, path);
    json_object *o = json_object_new_object();
    json_object_object_add(o, r->key, json_object_get(v));
    sim_json_doc doc;
    memset(&doc, 0, sizeof doc);
    snprintf(doc.input, sizeof doc.input, "%s", label);
    sim_opt_ctx c = { &doc, NULL, NULL, err };
    sim_status s = sim_opt_read(&c, r, o, parent, NULL);
    json_object_put(o);
    return s;
}

/* An error in a key an override set belongs to the override, not the file. */
static void blame_sets(sim_error *err, const mdl_config_opts *o)
{
    for (size_t i = 0; err && i < o->nset; i++) {
        size_t k = strcspn(o->set[i], "=");
        char next = err->field[k];
        if (k && strncmp(err->field, o->set[i], k) == 0 &&
            (next == '\0' || next == '.' || next == '[')) {
            snprintf(err->input, sizeof err->input, "--set");
            err->line = 0;
            return;
        }
    }
}

/* ---- loading ---------------------------------------------------------------------- */

static json_object *effective_json(const mdl_config *cfg)
{
    json_object *r = json_object_new_object();
    sim_opt_write(&k_root, cfg, cfg, r);
    return r;
}

sim_status mdl_config_from_doc(mdl_config *cfg, sim_json_doc *doc, const mdl_config_opts *opts,
                               sim_error *err)
{
    mdl_config_opts o = opts ? *opts : (mdl_config_opts){ 0 };
    char dir[512];
    memset(cfg, 0, sizeof *cfg);
    SIM_TRY(mdl_config_apply_sets(doc, o.set, o.nset, err));
    if (!o.base_dir) {
        sim_path_dir(doc->input, dir, sizeof dir);
        o.base_dir = dir;
    }
    mdl__cfg_ctx uc = { cfg, o.data_dir ? o.data_dir : "data" };
    sim_opt_ctx c = { doc, o.base_dir, &uc, err };
    sim_status s = sim_opt_parse(&c, &k_root, doc->root, "", cfg);
    if (s == SIM_OK) s = mdl__config_check(cfg, doc, err);
    if (s != SIM_OK) {
        blame_sets(err, &o);
        mdl_config_fini(cfg);
        return s;
    }
    cfg->effective = effective_json(cfg);
    return SIM_OK;
}

sim_status mdl_config_load(mdl_config *cfg, const char *path, const mdl_config_opts *opts,
                           sim_error *err)
{
    sim_json_doc doc;
    memset(cfg, 0, sizeof *cfg);
    SIM_TRY(sim_json_doc_load(&doc, path, err));
    sim_status s = mdl_config_from_doc(cfg, &doc, opts, err);
    sim_json_doc_fini(&doc);
    return s;
}

sim_status mdl_config_use_trace(mdl_config *cfg, const char *path, sim_error *err)
{
    if (cfg->nentry != 1)
        SIM_FAIL(err, SIM_EUSAGE, "--trace", 0, NULL,
                 "--trace replaces the workload of a one-entry config; this one has %d entries "
                 "(give each its own workload.trace)", cfg->nentry);
    mdl_workload_cfg *w = &cfg->entry[0].workload;
    w->kind = MDL_WL_TRACE;
    w->trace_format = MDL_TRACE_CSV;
    snprintf(w->trace_file, sizeof w->trace_file, "%s", path);
    w->durations_file[0] = w->memory_file[0] = '\0';
    json_object *wo = NULL;
    if (cfg->effective) {
        if (!json_object_object_get_ex(cfg->effective, "workload", &wo))
            wo = sim_json_at(cfg->effective, "entries");
        if (wo && !json_object_object_get_ex(wo, "arrivals", NULL) &&
            !json_object_object_get_ex(wo, "trace", NULL) &&
            !json_object_object_get_ex(wo, "generator", NULL)) {
            /* entries: the only entry's workload */
            json_object *only = NULL;
            json_object_object_foreach(wo, k, v) { (void)k; only = v; }
            wo = only ? json_object_object_get(only, "workload") : NULL;
        }
    }
    if (wo) {
        json_object *t = json_object_new_object();
        sim_json_add_string(t, "file", path);
        sim_json_add_string(t, "format", "csv");
        json_object_object_del(wo, "arrivals");
        json_object_object_del(wo, "generator");
        json_object_object_add(wo, "trace", t);
    }
    return SIM_OK;
}

/* ---- schema and docs ---------------------------------------------------------------- */

/* {"required": [k1, k2...]} */
static json_object *required_of(const char *const *keys)
{
    json_object *o = json_object_new_object(), *a = json_object_new_array();
    for (; *keys; keys++) json_object_array_add(a, json_object_new_string(*keys));
    json_object_object_add(o, "required", a);
    return o;
}

json_object *mdl_config_schema(void)
{
    json_object *doc = sim_opt_schema_document(
        &k_root, "urn:lambdasim:schema:config", "lambdasim run config",
        "The architecture and workload `lambdasim run` simulates (README \"Config keys\").  "
        "Generated from the parser's tables; the parser also checks cross-key rules this "
        "schema cannot say (targets name functions, a dlq names a queue, ...).", true);
    /* The one-entry shorthand or entries, never both (check_root). */
    static const char *const shorthand[] = { "entry", "workload", NULL };
    static const char *const many[] = { "entries", NULL };
    json_object *one = json_object_new_array();
    json_object_array_add(one, required_of(shorthand));
    json_object_array_add(one, required_of(many));
    json_object_object_add(doc, "oneOf", one);
    return doc;
}

void mdl_config_markdown(FILE *fp)
{
    sim_opt_markdown_header(fp);
    sim_opt_markdown(&k_root, "", fp);
    fputc('\n', fp);
    mdl__doors_markdown(fp);
}
