/* mdl_usage.c - usage files: a month described by averages, into a meter.
 *
 * Every key of a usage file is a row of an option table (sim/sim_opt.h):
 * the rows drive the reader (allow-lists per type for the "apigw",
 * "stepfunctions" and "dynamodb" variants, so a REST-only key on an HTTP
 * API is an error, not silently ignored; ranges; defaults), the JSON
 * Schema (`lambdasim schema usage`) and the README's Costing table.  Each
 * entry is read into a small struct, then replayed into a meter with the
 * bulk calls.  The same meter and mdl_bill price a simulated month, so
 * there is one pricing path.
 */
#include "models/pricing/mdl_usage.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_opt.h"

/* Large enough for any monthly count, small enough to stay exact in a double
 * after multiplying by a unit count. */
#define MAX_COUNT 1e15
/* Hours in the longest month. */
#define MAX_HOURS 744

static const char *const k_free_tiers[] = { "none", "always_free", "legacy_12mo", NULL };
static const char *const k_archs[] = { "x86_64", "arm64", NULL };
static const char *const k_packages[] = { "zip", "image", NULL };
static const char *const k_apigw_types[] = { "http", "rest", NULL };
static const char *const k_sqs_types[] = { "standard", "fifo", NULL };
static const char *const k_sfn_types[] = { "standard", "express", NULL };
static const char *const k_ddb_modes[] = { "on_demand", "provisioned", NULL };

/* Row shorthands: a count or amount landing in a double field of T. */
#define AT(T, f) .store = SIM_OPT_ST_DOUBLE, .off = offsetof(T, f)
#define COUNT(key, T, f, doc_) \
    { key, .type = SIM_OPT_NUMBER, AT(T, f), .min = 0, .max = MAX_COUNT, .doc = doc_ }
#define NAME_ROW { "name", .type = SIM_OPT_STRING, .def_doc = "none", .doc = "a label" }

typedef struct reader {
    mdl_meter *m;
    size_t index;     /* of the array entry being read */
} reader;

#define METER(c) (((reader *)(c)->user)->m)

/* An array section: each entry through `one`. */
static sim_status each_entry(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                             sim_status (*one)(const sim_opt_ctx *, json_object *, const char *),
                             mdl_service touch)
{
    json_object *arr = NULL;
    SIM_TRY(sim_json_get_child(c->doc, obj, "", r->key, false, json_type_array, &arr, c->err));
    if (!arr) return SIM_OK;
    mdl_meter_touch(METER(c), touch);
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        char p[64];
        ((reader *)c->user)->index = i;
        SIM_TRY(one(c, json_object_array_get_idx(arr, i), sim_json_path_index(p, sizeof p, r->key, i)));
    }
    return SIM_OK;
}

/* An object section: read into a struct by its table, then `meter`. */
static sim_status section(const sim_opt_ctx *c, const sim_opt *r, json_object *obj, void *base,
                          void (*meter)(mdl_meter *, const void *))
{
    json_object *o = NULL;
    SIM_TRY(sim_json_get_child(c->doc, obj, "", r->key, false, json_type_object, &o, c->err));
    if (!o) return SIM_OK;
    SIM_TRY(sim_opt_parse(c, r->sub, o, r->key, base));
    meter(METER(c), base);
    return SIM_OK;
}

/* ---- lambda --------------------------------------------------------------- */

typedef struct u_lambda {
    char name[64];
    int arch, package;
    double mem, req, dur, eph, pc, pch, cold, init;
} u_lambda;

static sim_status check_lambda(const sim_opt_ctx *c, json_object *obj, const char *path,
                               void *base)
{
    (void)obj;
    const u_lambda *l = base;
    char fp[96];
    if (l->cold > l->req)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, sim_json_path(fp, sizeof fp, path, "cold_starts"),
                      "cold_starts (%g) exceeds requests (%g)", l->cold, l->req);
    if ((l->pc > 0) != (l->pch > 0))
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc,
                      sim_json_path(fp, sizeof fp, path, l->pc > 0 ? "provisioned_hours"
                                                                   : "provisioned_concurrency"),
                      "provisioned_concurrency and provisioned_hours go together");
    return SIM_OK;
}

static const sim_opt k_lambda_rows[] = {
    { "name", .type = SIM_OPT_STRING, .flags = SIM_OPT_KEEP, .store = SIM_OPT_ST_CHARS,
      .off = offsetof(u_lambda, name), .size = 64, .def_doc = "`function<N>`",
      .doc = "the bill line's name" },
    { "arch", .type = SIM_OPT_ENUM, .choices = k_archs, .store = SIM_OPT_ST_INT,
      .off = offsetof(u_lambda, arch), .doc = "architecture" },
    { "memory_mb", .type = SIM_OPT_NUMBER, AT(u_lambda, mem), .flags = SIM_OPT_REQUIRED,
      .min = 128, .max = 10240, .unit = "MB", .doc = "memory size" },
    COUNT("requests", u_lambda, req, "invocations in the month"),
    { "avg_duration_ms", .type = SIM_OPT_NUMBER, AT(u_lambda, dur), .min = 0, .max = 900000,
      .unit = "ms", .doc = "average duration, billed as one invocation would be (rounded up to "
                           "the granularity)" },
    { "ephemeral_storage_mb", .type = SIM_OPT_NUMBER, AT(u_lambda, eph), .def = 512, .min = 512,
      .max = 10240, .unit = "MB", .doc = "/tmp size (billed above 512 MB)" },
    { "provisioned_concurrency", .type = SIM_OPT_NUMBER, AT(u_lambda, pc), .min = 0, .max = 1e6,
      .doc = "provisioned environments (with `provisioned_hours`): PC serves duration first, up "
             "to its capacity; such functions get no free tier" },
    { "provisioned_hours", .type = SIM_OPT_NUMBER, AT(u_lambda, pch), .min = 0, .max = MAX_HOURS,
      .unit = "h", .doc = "hours PC is configured" },
    COUNT("cold_starts", u_lambda, cold, "invocations that paid INIT (at most `requests`)"),
    { "avg_init_ms", .type = SIM_OPT_NUMBER, AT(u_lambda, init), .min = 0, .max = 10000,
      .unit = "ms", .doc = "average INIT of a cold start, billed by the dated rule" },
    { "package", .type = SIM_OPT_ENUM, .choices = k_packages, .store = SIM_OPT_ST_INT,
      .off = offsetof(u_lambda, package), .doc = "`image` always bills INIT" },
};
static const sim_opt_table k_lambda = SIM_OPT_TABLE("lambda[]", k_lambda_rows, check_lambda);

static sim_status one_lambda(const sim_opt_ctx *c, json_object *o, const char *p)
{
    u_lambda l = { .eph = 512 };
    snprintf(l.name, sizeof l.name, "function%zu", ((reader *)c->user)->index + 1);
    SIM_TRY(sim_opt_parse(c, &k_lambda, o, p, &l));
    mdl_lambda_spec spec = { l.name, (mdl_arch)l.arch, l.mem, l.eph,
                             l.package ? MDL_PACKAGE_IMAGE : MDL_PACKAGE_ZIP, l.pc };
    int fn = mdl_meter_add_function(METER(c), &spec);
    mdl_meter_lambda_bulk(METER(c), fn, l.req, l.dur, l.cold, l.init, l.pch * 3600.0);
    return SIM_OK;
}

static sim_status read_lambda(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, void *base)
{
    (void)path;
    (void)base;
    return each_entry(c, r, obj, one_lambda, MDL_SVC_LAMBDA);
}

/* ---- API Gateway, SQS, Step Functions ------------------------------------------ */

typedef struct u_api { double req, kb, cache, hours; } u_api;

static const sim_opt k_http_rows[] = {
    { "type", .type = SIM_OPT_ENUM, .choices = k_apigw_types, .doc = "the API's type" },
    NAME_ROW,
    COUNT("requests", u_api, req, "requests in the month"),
    { "avg_request_kb", .type = SIM_OPT_NUMBER, AT(u_api, kb), .def = 1, .min = 0, .max = 10240,
      .unit = "KB", .doc = "average request size: metered in 512 KB units" },
};
static const sim_opt k_rest_rows[] = {
    { "type", .type = SIM_OPT_ENUM, .choices = k_apigw_types, .doc = "the API's type" },
    NAME_ROW,
    COUNT("requests", u_api, req, "requests in the month"),
    { "cache_gb", .type = SIM_OPT_NUMBER, AT(u_api, cache), .min = 0, .max = 1e6, .unit = "GB",
      .def_doc = "none", .doc = "a stage cache: one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237" },
    { "cache_hours", .type = SIM_OPT_NUMBER, AT(u_api, hours), .min = 0, .max = MAX_HOURS,
      .unit = "h", .doc = "hours the cache runs" },
};
static const sim_opt_table k_http = SIM_OPT_TABLE("apigw[] http", k_http_rows, NULL);
static const sim_opt_table k_rest = SIM_OPT_TABLE("apigw[] rest", k_rest_rows, NULL);
static const sim_opt_table *const k_apigw_tables[] = { &k_http, &k_rest };
static const sim_opt_variant k_apigw = { "type", k_apigw_types, -1, k_apigw_tables };

static sim_status one_apigw(const sim_opt_ctx *c, json_object *o, const char *p)
{
    u_api a = { .kb = 1 };
    int t = 0;
    SIM_TRY(sim_opt_parse_variant(c, &k_apigw, o, p, &a, &t));
    if (t == 0) {
        mdl_meter_apigw_http_bulk(METER(c), a.req, a.kb);
        return SIM_OK;
    }
    mdl_meter_apigw_rest_bulk(METER(c), a.req);
    if (a.cache > 0) {
        int idx = 0;
        char fp[96];
        sim_json_path(fp, sizeof fp, p, "cache_gb");
        SIM_TRY(mdl_meter_add_rest_cache(METER(c), a.cache, c->doc->input,
                                         sim_json_line(c->doc, fp), fp, &idx, c->err));
        mdl_meter_rest_cache_hours(METER(c), idx, a.hours);
    }
    return SIM_OK;
}

static sim_status read_apigw(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                             const char *path, void *base)
{
    (void)path;
    (void)base;
    return each_entry(c, r, obj, one_apigw, MDL_SVC_APIGW);
}

typedef struct u_sqs { int type; double req, kb; } u_sqs;

static const sim_opt k_sqs_rows[] = {
    { "type", .type = SIM_OPT_ENUM, .choices = k_sqs_types, .store = SIM_OPT_ST_INT,
      .off = offsetof(u_sqs, type), .doc = "queue type" },
    NAME_ROW,
    COUNT("requests", u_sqs, req, "API requests in the month"),
    /* 1 MiB: the SQS message limit since 2025-08. */
    { "avg_payload_kb", .type = SIM_OPT_NUMBER, AT(u_sqs, kb), .def = 1, .min = 0, .max = 1024,
      .unit = "KB", .doc = "average payload: metered in 64 KB chunks" },
};
static const sim_opt_table k_sqs = SIM_OPT_TABLE("sqs[]", k_sqs_rows, NULL);

static sim_status one_sqs(const sim_opt_ctx *c, json_object *o, const char *p)
{
    u_sqs q = { .kb = 1 };
    SIM_TRY(sim_opt_parse(c, &k_sqs, o, p, &q));
    mdl_meter_sqs_bulk(METER(c), q.type == 1, q.req, q.kb);
    return SIM_OK;
}

static sim_status read_sqs(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                           const char *path, void *base)
{
    (void)path;
    (void)base;
    return each_entry(c, r, obj, one_sqs, MDL_SVC_SQS);
}

typedef struct u_sfn { double ex, per, tr, req, dur, mem; } u_sfn;

static const sim_opt k_sfn_std_rows[] = {
    { "type", .type = SIM_OPT_ENUM, .choices = k_sfn_types, .doc = "workflow type" },
    NAME_ROW,
    COUNT("executions", u_sfn, ex, "executions in the month"),
    { "transitions_per_execution", .type = SIM_OPT_NUMBER, AT(u_sfn, per), .min = 0,
      .max = 25000, .doc = "state transitions of each" },
    COUNT("transitions", u_sfn, tr, "further transitions"),
};
static const sim_opt k_sfn_exp_rows[] = {
    { "type", .type = SIM_OPT_ENUM, .choices = k_sfn_types, .doc = "workflow type" },
    NAME_ROW,
    COUNT("requests", u_sfn, req, "executions in the month"),
    /* An Express execution runs at most 5 minutes, but the limit accepted
     * is one hour: the infracost tier vectors are reproduced with 17.1 s x
     * 64 MB averages and other published totals may need longer equivalents. */
    { "avg_duration_ms", .type = SIM_OPT_NUMBER, AT(u_sfn, dur), .min = 0, .max = 3600000,
      .unit = "ms", .doc = "average duration: 100 ms units" },
    { "memory_mb", .type = SIM_OPT_NUMBER, AT(u_sfn, mem), .def = 64, .min = 0, .max = 10240,
      .unit = "MB", .doc = "billed memory: 64 MB units" },
};
static const sim_opt_table k_sfn_std = SIM_OPT_TABLE("stepfunctions[] standard", k_sfn_std_rows, NULL);
static const sim_opt_table k_sfn_exp = SIM_OPT_TABLE("stepfunctions[] express", k_sfn_exp_rows, NULL);
static const sim_opt_table *const k_sfn_tables[] = { &k_sfn_std, &k_sfn_exp };
static const sim_opt_variant k_sfn = { "type", k_sfn_types, -1, k_sfn_tables };

static sim_status one_sfn(const sim_opt_ctx *c, json_object *o, const char *p)
{
    u_sfn s = { .mem = 64 };
    int t = 0;
    SIM_TRY(sim_opt_parse_variant(c, &k_sfn, o, p, &s, &t));
    if (t == 0) mdl_meter_sfn_transitions(METER(c), s.ex * s.per + s.tr);
    else mdl_meter_sfn_express_bulk(METER(c), s.req, s.dur, s.mem);
    return SIM_OK;
}

static sim_status read_sfn(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                           const char *path, void *base)
{
    (void)path;
    (void)base;
    return each_entry(c, r, obj, one_sfn, MDL_SVC_STEPFUNCTIONS);
}

/* ---- S3, DynamoDB, Rekognition, EFS, EC2, Function URLs ------------------------ */

typedef struct u_s3 { double st, put, get; } u_s3;

static const sim_opt k_s3_rows[] = {
    COUNT("storage_gb_month", u_s3, st, "average storage (GB-month)"),
    COUNT("put_requests", u_s3, put, "PUT, COPY, POST, LIST requests"),
    COUNT("get_requests", u_s3, get, "GET and other requests"),
};
static const sim_opt_table k_s3 = SIM_OPT_TABLE("s3", k_s3_rows, NULL);

static void meter_s3(mdl_meter *m, const void *base)
{
    const u_s3 *s = base;
    mdl_meter_s3_storage(m, s->st);
    mdl_meter_s3_put(m, s->put);
    mdl_meter_s3_get(m, s->get);
}

typedef struct u_ddb { int mode; double w, rd, wcu, rcu, h, st; } u_ddb;

static const sim_opt k_ddb_od_rows[] = {
    { "mode", .type = SIM_OPT_ENUM, .choices = k_ddb_modes, .doc = "capacity mode" },
    COUNT("write_request_units", u_ddb, w, "write request units"),
    COUNT("read_request_units", u_ddb, rd, "read request units"),
    COUNT("storage_gb_month", u_ddb, st, "table storage (GB-month)"),
};
static const sim_opt k_ddb_pr_rows[] = {
    { "mode", .type = SIM_OPT_ENUM, .choices = k_ddb_modes, .doc = "capacity mode" },
    { "write_capacity_units", .type = SIM_OPT_NUMBER, AT(u_ddb, wcu), .min = 0, .max = 1e9,
      .doc = "provisioned WCU" },
    { "read_capacity_units", .type = SIM_OPT_NUMBER, AT(u_ddb, rcu), .min = 0, .max = 1e9,
      .doc = "provisioned RCU" },
    { "hours", .type = SIM_OPT_NUMBER, AT(u_ddb, h), .def = 730, .min = 0, .max = MAX_HOURS,
      .unit = "h", .doc = "hours provisioned" },
    COUNT("storage_gb_month", u_ddb, st, "table storage (GB-month)"),
};
static const sim_opt_table k_ddb_od = SIM_OPT_TABLE("dynamodb on_demand", k_ddb_od_rows, NULL);
static const sim_opt_table k_ddb_pr = SIM_OPT_TABLE("dynamodb provisioned", k_ddb_pr_rows, NULL);
static const sim_opt_table *const k_ddb_tables[] = { &k_ddb_od, &k_ddb_pr };
static const sim_opt_variant k_ddb = { "mode", k_ddb_modes, 0, k_ddb_tables };

static sim_status read_ddb(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                           const char *path, void *base)
{
    (void)path;
    (void)base;
    json_object *o = NULL;
    SIM_TRY(sim_json_get_child(c->doc, obj, "", r->key, false, json_type_object, &o, c->err));
    if (!o) return SIM_OK;
    u_ddb d = { .h = 730 };
    SIM_TRY(sim_opt_parse_variant(c, &k_ddb, o, r->key, &d, &d.mode));
    if (d.mode == 0) mdl_meter_ddb_units(METER(c), d.w, d.rd);
    else mdl_meter_ddb_provisioned(METER(c), d.wcu, d.rcu, d.h);
    mdl_meter_ddb_storage(METER(c), d.st);
    return SIM_OK;
}

typedef struct u_rek { double g2, g1; } u_rek;

static const sim_opt k_rek_rows[] = {
    COUNT("images", u_rek, g2, "images analysed by DetectLabels (group 2)"),
    COUNT("group1_images", u_rek, g1, "images of group 1 APIs"),
};
static const sim_opt_table k_rek = SIM_OPT_TABLE("rekognition", k_rek_rows, NULL);

static void meter_rek(mdl_meter *m, const void *base)
{
    const u_rek *k = base;
    mdl_meter_rekognition(m, 2, k->g2);
    mdl_meter_rekognition(m, 1, k->g1);
}

typedef struct u_efs { double st, gbh, hm, ia, ar, rd, wr; } u_efs;

static const sim_opt k_efs_rows[] = {
    COUNT("storage_gb_month", u_efs, st, "Standard storage (GB-month)"),
    COUNT("storage_gb_hours", u_efs, gbh, "or Standard storage in GB-hours"),
    /* EFS turns GB-hours into GB-months with the calendar month's hours
     * (744 for March in the AWS example), not the Calculator's 730. */
    { "hours_in_month", .type = SIM_OPT_NUMBER, AT(u_efs, hm), .def = 730, .min = 672,
      .max = MAX_HOURS, .unit = "h", .doc = "turns `storage_gb_hours` into GB-months" },
    COUNT("ia_storage_gb_month", u_efs, ia, "Infrequent Access storage (GB-month)"),
    COUNT("archive_storage_gb_month", u_efs, ar, "Archive storage (GB-month)"),
    COUNT("read_gb", u_efs, rd, "data read (GB)"),
    COUNT("write_gb", u_efs, wr, "data written (GB)"),
};
static const sim_opt_table k_efs = SIM_OPT_TABLE("efs", k_efs_rows, NULL);

static void meter_efs(mdl_meter *m, const void *base)
{
    const u_efs *e = base;
    mdl_meter_efs_storage(m, e->st + e->gbh / e->hm, e->ia, e->ar);
    mdl_meter_efs_io(m, e->rd, e->wr);
}

typedef struct u_ec2 { char type[32]; double count, hours; } u_ec2;

static const sim_opt k_ec2_rows[] = {
    { "instance_type", .type = SIM_OPT_STRING, .flags = SIM_OPT_REQUIRED,
      .store = SIM_OPT_ST_CHARS, .off = offsetof(u_ec2, type), .size = 32,
      .doc = "a type of the catalogue" },
    { "count", .type = SIM_OPT_NUMBER, AT(u_ec2, count), .def = 1, .min = 0, .max = 1e6,
      .doc = "instances" },
    { "hours", .type = SIM_OPT_NUMBER, AT(u_ec2, hours), .def = 730, .min = 0, .max = MAX_HOURS,
      .unit = "h", .doc = "hours each runs" },
};
static const sim_opt_table k_ec2 = SIM_OPT_TABLE("ec2[]", k_ec2_rows, NULL);

static sim_status one_ec2(const sim_opt_ctx *c, json_object *o, const char *p)
{
    u_ec2 e = { .count = 1, .hours = 730 };
    int idx = 0;
    char fp[96];
    SIM_TRY(sim_opt_parse(c, &k_ec2, o, p, &e));
    sim_json_path(fp, sizeof fp, p, "instance_type");
    SIM_TRY(mdl_meter_add_instance_type(METER(c), e.type, c->doc->input,
                                        sim_json_line(c->doc, fp), fp, &idx, c->err));
    mdl_meter_ec2_hours(METER(c), idx, e.count * e.hours);
    return SIM_OK;
}

static sim_status read_ec2(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                           const char *path, void *base)
{
    (void)path;
    (void)base;
    return each_entry(c, r, obj, one_ec2, MDL_SVC_EC2);
}

typedef struct u_furl { double req; } u_furl;

static const sim_opt k_furl_rows[] = {
    COUNT("requests", u_furl, req, "requests (listed at $0: Lambda bills the invocations)"),
};
static const sim_opt_table k_furl = SIM_OPT_TABLE("function_url", k_furl_rows, NULL);

static void meter_furl(mdl_meter *m, const void *base)
{
    mdl_meter_function_url_bulk(m, ((const u_furl *)base)->req);
}

/* Object sections: a struct by the table, then its meter calls. */
#define OBJECT_READER(fn, T, meter, ...)                                              \
    static sim_status fn(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,    \
                         const char *path, void *base)                                \
    {                                                                                 \
        (void)path;                                                                   \
        (void)base;                                                                   \
        T u = { __VA_ARGS__ };                                                        \
        return section(c, r, obj, &u, meter);                                         \
    }
OBJECT_READER(read_s3, u_s3, meter_s3, 0)
OBJECT_READER(read_rek, u_rek, meter_rek, 0)
OBJECT_READER(read_furl, u_furl, meter_furl, 0)
OBJECT_READER(read_efs, u_efs, meter_efs, .hm = 730)

static sim_status read_dto(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                           const char *path, void *base)
{
    (void)base;
    double dto = 0;
    bool here = false;
    SIM_TRY(sim_opt_get_number(c, r, obj, path, &dto, &here));
    if (here) mdl_meter_dto(METER(c), dto);
    return SIM_OK;
}

/* ---- the file ----------------------------------------------------------------- */

typedef struct u_top {
    char region[64];
    bool has_region;
    int free_tier, gran;
    char month[32];
    bool has_month;
} u_top;

static sim_status check_granularity(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                    const char *path, void *base)
{
    SIM_TRY(sim_opt_read(c, r, obj, path, base));
    int g = ((u_top *)base)->gran;
    if (g != 1 && g != 100)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, "billing_granularity_ms",
                      "must be 1 (since 2020-12) or 100 (legacy), got %d", g);
    return SIM_OK;
}

static sim_status check_month(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, void *base)
{
    SIM_TRY(sim_opt_read(c, r, obj, path, base));
    const char *m = ((u_top *)base)->month;
    if (((u_top *)base)->has_month &&
        !(strlen(m) == 7 && m[4] == '-' && strspn(m, "0123456789-") == 7 &&
          strcmp(m + 5, "01") >= 0 && strcmp(m + 5, "12") <= 0))
        SIM_JSON_FAIL(c->err, SIM_EFORMAT, c->doc, "month", "expected YYYY-MM, got '%s'", m);
    return SIM_OK;
}

/* The first rows say how to bill; the rest are metered in order. */
#define N_BILLING_ROWS 4
static const sim_opt k_top_rows[] = {
    { "region", .type = SIM_OPT_STRING, .def_str = "us-east-1", .store = SIM_OPT_ST_CHARS,
      .off = offsetof(u_top, region), .size = 64, .flags = SIM_OPT_PRESENT,
      .has_off = offsetof(u_top, has_region), .doc = "the price catalogue's region" },
    { "free_tier", .type = SIM_OPT_ENUM, .choices = k_free_tiers, .store = SIM_OPT_ST_INT,
      .off = offsetof(u_top, free_tier),
      .doc = "`always_free`: Lambda 1M requests + 400,000 GB-s, SQS 1M, Step Functions 4,000 "
             "transitions, DynamoDB 25 GB + 25 WCU/RCU, 100 GB DTO; `legacy_12mo`: also API "
             "Gateway 1M+1M, S3 5 GB/20k GET/2k PUT, Rekognition 5,000 images per group" },
    { "billing_granularity_ms", .type = SIM_OPT_INT, .store = SIM_OPT_ST_INT,
      .off = offsetof(u_top, gran), .def = 1, .min = 1, .max = 100, .unit = "ms",
      .parse = check_granularity,
      .doc = "1 (since 2020-12) or 100 (legacy, behind the \"price per 100 ms\" figures)" },
    { "month", .type = SIM_OPT_STRING, .store = SIM_OPT_ST_CHARS, .off = offsetof(u_top, month),
      .size = 32, .flags = SIM_OPT_PRESENT, .has_off = offsetof(u_top, has_month),
      .pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$",
      .def_doc = "the catalogue's", .parse = check_month,
      .doc = "`YYYY-MM` billed: drives the dated rules" },
    { "lambda", .type = SIM_OPT_ARRAY, .sub = &k_lambda, .parse = read_lambda,
      .doc = "Lambda functions" },
    { "function_url", .type = SIM_OPT_OBJECT, .sub = &k_furl, .parse = read_furl,
      .doc = "Function URLs" },
    { "apigw", .type = SIM_OPT_ARRAY, .variant = &k_apigw, .parse = read_apigw,
      .doc = "API Gateway APIs: `http` or `rest`" },
    { "sqs", .type = SIM_OPT_ARRAY, .sub = &k_sqs, .parse = read_sqs, .doc = "SQS queues" },
    { "stepfunctions", .type = SIM_OPT_ARRAY, .variant = &k_sfn, .parse = read_sfn,
      .doc = "state machines: `standard` or `express`" },
    { "s3", .type = SIM_OPT_OBJECT, .sub = &k_s3, .parse = read_s3, .doc = "S3" },
    { "dynamodb", .type = SIM_OPT_OBJECT, .variant = &k_ddb, .parse = read_ddb,
      .doc = "DynamoDB: `on_demand` or `provisioned`" },
    { "rekognition", .type = SIM_OPT_OBJECT, .sub = &k_rek, .parse = read_rek,
      .doc = "Rekognition" },
    { "efs", .type = SIM_OPT_OBJECT, .sub = &k_efs, .parse = read_efs, .doc = "EFS" },
    { "ec2", .type = SIM_OPT_ARRAY, .sub = &k_ec2, .parse = read_ec2,
      .doc = "EC2 instances (on demand)" },
    { "data_transfer_out_gb", .type = SIM_OPT_NUMBER, .min = 0, .max = MAX_COUNT, .unit = "GB",
      .def_doc = "none", .parse = read_dto, .doc = "internet egress" },
};
static const sim_opt_table k_top = SIM_OPT_TABLE("usage", k_top_rows, NULL);

/* The catalogue: catalog_path (whose region must agree with the file's, if
 * it names one), else the file's region's. */
static sim_status load_catalog(const sim_json_doc *doc, const u_top *t, const char *data_dir,
                               const char *catalog_path, mdl_catalog **cat, sim_error *err)
{
    if (!catalog_path)
        return mdl_catalog_load_region(data_dir, t->region, doc->input,
                                       t->has_region ? sim_json_line(doc, "region") : 0,
                                       t->has_region ? "region" : NULL, cat, err);
    SIM_TRY(mdl_catalog_load(catalog_path, cat, err));
    if (!t->has_region || strcmp(t->region, mdl_catalog_region(*cat)) == 0) return SIM_OK;
    sim_status s = sim_error_set(err, SIM_EUNKNOWN, __FILE__, __LINE__, doc->input,
                                 sim_json_line(doc, "region"), "region",
                                 "region '%s' does not match the catalogue %s (region '%s')",
                                 t->region, catalog_path, mdl_catalog_region(*cat));
    mdl_catalog_destroy(*cat);
    *cat = NULL;
    return s;
}

sim_status mdl_usage_from_json(const sim_json_doc *doc, const char *data_dir,
                               const char *catalog_path, mdl_catalog **cat_out,
                               mdl_meter **meter_out, sim_error *err)
{
    *cat_out = NULL;
    *meter_out = NULL;
    u_top t;
    memset(&t, 0, sizeof t);
    reader rd = { NULL, 0 };
    sim_opt_ctx c = { doc, NULL, &rd, err };
    SIM_TRY(sim_opt_check_keys(&c, &k_top, doc->root, ""));
    for (size_t i = 0; i < N_BILLING_ROWS; i++)
        SIM_TRY(sim_opt_parse_row(&c, &k_top_rows[i], doc->root, "", &t));
    mdl_catalog *cat = NULL;
    SIM_TRY(load_catalog(doc, &t, data_dir, catalog_path, &cat, err));
    mdl_meter_opts opts = { (mdl_free_tier)t.free_tier, t.gran, t.has_month ? t.month : NULL };
    sim_status s = mdl_meter_create(cat, &opts, &rd.m, err);
    for (size_t i = N_BILLING_ROWS; i < k_top.n && s == SIM_OK; i++)
        s = sim_opt_parse_row(&c, &k_top_rows[i], doc->root, "", &t);
    if (s != SIM_OK) {
        mdl_meter_destroy(rd.m);
        mdl_catalog_destroy(cat);
        return s;
    }
    *cat_out = cat;
    *meter_out = rd.m;
    return SIM_OK;
}

json_object *mdl_usage_schema(void)
{
    return sim_opt_schema_document(&k_top, "urn:lambdasim:schema:usage", "lambdasim usage file",
                                   "One month's usage, by averages, as `lambdasim cost` reads it "
                                   "(README \"Costing\").  Generated from the reader's tables.",
                                   false);
}

void mdl_usage_markdown(FILE *fp)
{
    sim_opt_markdown_header(fp);
    sim_opt_markdown(&k_top, "", fp);
}
