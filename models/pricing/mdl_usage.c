/* mdl_usage.c - usage files: a month described by averages, into a meter.
 *
 * The usage reader checks every object against an allow-list (per type for
 * the "apigw", "sqs" and "stepfunctions" arrays, so a REST-only key on an
 * HTTP API is an error, not silently ignored), every number against its
 * range, and then replays the month into a meter with the bulk calls.  The
 * same meter and mdl_bill price a simulated month, so there is one pricing
 * path.
 */
#include "models/pricing/mdl_usage.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_io.h"

/* Large enough for any monthly count, small enough to stay exact in a double
 * after multiplying by a unit count. */
#define MAX_COUNT 1e15

static const char *const k_free_tiers[] = { "none", "always_free", "legacy_12mo", NULL };
static const char *const k_archs[] = { "x86_64", "arm64", NULL };

typedef struct reader {
    const sim_json_doc *doc;
    mdl_meter *m;
    sim_error *err;
} reader;

static sim_status num(reader *r, json_object *o, const char *path, const char *key, double min,
                      double max, double *out)
{
    return sim_json_get_number(r->doc, o, path, key, false, min, max, out, NULL, r->err);
}

static sim_status read_lambda(reader *r, json_object *arr)
{
    static const char *const keys[] = {
        "name", "arch", "memory_mb", "requests", "avg_duration_ms", "ephemeral_storage_mb",
        "provisioned_concurrency", "provisioned_hours", "cold_starts", "avg_init_ms",
        "package", NULL
    };
    static const char *const packages[] = { "zip", "image", NULL };
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        char p[64];
        sim_json_path_index(p, sizeof p, "lambda", i);
        SIM_TRY(sim_json_check_keys(r->doc, o, p, keys, r->err));
        char defname[32];
        snprintf(defname, sizeof defname, "function%zu", i + 1);
        const char *name = defname;
        int arch = 0, pkg = 0;
        double mem = 0, req = 0, dur = 0, eph = 512, pc = 0, pch = 0, cold = 0, init = 0;
        SIM_TRY(sim_json_get_string(r->doc, o, p, "name", false, &name, NULL, r->err));
        SIM_TRY(sim_json_get_enum(r->doc, o, p, "arch", false, k_archs, &arch, NULL, r->err));
        SIM_TRY(sim_json_get_number(r->doc, o, p, "memory_mb", true, 128, 10240, &mem, NULL,
                                    r->err));
        SIM_TRY(num(r, o, p, "requests", 0, MAX_COUNT, &req));
        SIM_TRY(num(r, o, p, "avg_duration_ms", 0, 900000, &dur));
        SIM_TRY(num(r, o, p, "ephemeral_storage_mb", 512, 10240, &eph));
        SIM_TRY(num(r, o, p, "provisioned_concurrency", 0, 1e6, &pc));
        SIM_TRY(num(r, o, p, "provisioned_hours", 0, 744, &pch));
        SIM_TRY(num(r, o, p, "cold_starts", 0, MAX_COUNT, &cold));
        SIM_TRY(num(r, o, p, "avg_init_ms", 0, 10000, &init));
        SIM_TRY(sim_json_get_enum(r->doc, o, p, "package", false, packages, &pkg, NULL, r->err));
        if (cold > req) {
            char fp[96];
            SIM_JSON_FAIL(r->err, SIM_ERANGE, r->doc, sim_json_path(fp, sizeof fp, p,
                          "cold_starts"), "cold_starts (%g) exceeds requests (%g)", cold, req);
        }
        if ((pc > 0) != (pch > 0)) {
            char fp[96];
            SIM_JSON_FAIL(r->err, SIM_ERANGE, r->doc,
                          sim_json_path(fp, sizeof fp, p, pc > 0 ? "provisioned_hours"
                                                                 : "provisioned_concurrency"),
                          "provisioned_concurrency and provisioned_hours go together");
        }
        mdl_lambda_spec spec = { name, (mdl_arch)arch, mem, eph,
                                 pkg ? MDL_PACKAGE_IMAGE : MDL_PACKAGE_ZIP, pc };
        int fn = mdl_meter_add_function(r->m, &spec);
        mdl_meter_lambda_bulk(r->m, fn, req, dur, cold, init, pch * 3600.0);
    }
    return SIM_OK;
}

static sim_status read_apigw(reader *r, json_object *arr)
{
    static const char *const types[] = { "http", "rest", NULL };
    static const char *const k_http[] = { "type", "name", "requests", "avg_request_kb", NULL };
    static const char *const k_rest[] = { "type", "name", "requests", "cache_gb", "cache_hours",
                                          NULL };
    size_t n = json_object_array_length(arr);
    mdl_meter_touch(r->m, MDL_SVC_APIGW);
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        char p[64], fp[96];
        int t = 0;
        double req = 0, kb = 1, cache = 0, hours = 0;
        sim_json_path_index(p, sizeof p, "apigw", i);
        if (!json_object_is_type(o, json_type_object))
            SIM_JSON_FAIL(r->err, SIM_ETYPE, r->doc, p, "expected a JSON object");
        SIM_TRY(sim_json_get_enum(r->doc, o, p, "type", true, types, &t, NULL, r->err));
        SIM_TRY(sim_json_check_keys(r->doc, o, p, t ? k_rest : k_http, r->err));
        SIM_TRY(num(r, o, p, "requests", 0, MAX_COUNT, &req));
        if (t == 0) {
            SIM_TRY(num(r, o, p, "avg_request_kb", 0, 10240, &kb));
            mdl_meter_apigw_http_bulk(r->m, req, kb);
            continue;
        }
        SIM_TRY(num(r, o, p, "cache_gb", 0, 1e6, &cache));
        SIM_TRY(num(r, o, p, "cache_hours", 0, 744, &hours));
        mdl_meter_apigw_rest_bulk(r->m, req);
        if (cache > 0) {
            int idx = 0;
            sim_json_path(fp, sizeof fp, p, "cache_gb");
            SIM_TRY(mdl_meter_add_rest_cache(r->m, cache, r->doc->input,
                                             sim_json_line(r->doc, fp), fp, &idx, r->err));
            mdl_meter_rest_cache_hours(r->m, idx, hours);
        }
    }
    return SIM_OK;
}

static sim_status read_sqs(reader *r, json_object *arr)
{
    static const char *const types[] = { "standard", "fifo", NULL };
    static const char *const keys[] = { "type", "name", "requests", "avg_payload_kb", NULL };
    size_t n = json_object_array_length(arr);
    mdl_meter_touch(r->m, MDL_SVC_SQS);
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        char p[64];
        int t = 0;
        double req = 0, kb = 1;
        sim_json_path_index(p, sizeof p, "sqs", i);
        SIM_TRY(sim_json_check_keys(r->doc, o, p, keys, r->err));
        SIM_TRY(sim_json_get_enum(r->doc, o, p, "type", false, types, &t, NULL, r->err));
        SIM_TRY(num(r, o, p, "requests", 0, MAX_COUNT, &req));
        /* 1 MiB: the SQS message limit since 2025-08 (aws-pricing.md §2.4). */
        SIM_TRY(num(r, o, p, "avg_payload_kb", 0, 1024, &kb));
        mdl_meter_sqs_bulk(r->m, t == 1, req, kb);
    }
    return SIM_OK;
}

static sim_status read_sfn(reader *r, json_object *arr)
{
    static const char *const types[] = { "standard", "express", NULL };
    static const char *const k_std[] = { "type", "name", "executions",
                                         "transitions_per_execution", "transitions", NULL };
    static const char *const k_exp[] = { "type", "name", "requests", "avg_duration_ms",
                                         "memory_mb", NULL };
    size_t n = json_object_array_length(arr);
    mdl_meter_touch(r->m, MDL_SVC_STEPFUNCTIONS);
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        char p[64];
        int t = 0;
        sim_json_path_index(p, sizeof p, "stepfunctions", i);
        if (!json_object_is_type(o, json_type_object))
            SIM_JSON_FAIL(r->err, SIM_ETYPE, r->doc, p, "expected a JSON object");
        SIM_TRY(sim_json_get_enum(r->doc, o, p, "type", true, types, &t, NULL, r->err));
        SIM_TRY(sim_json_check_keys(r->doc, o, p, t ? k_exp : k_std, r->err));
        if (t == 0) {
            double ex = 0, per = 0, tr = 0;
            SIM_TRY(num(r, o, p, "executions", 0, MAX_COUNT, &ex));
            SIM_TRY(num(r, o, p, "transitions_per_execution", 0, 25000, &per));
            SIM_TRY(num(r, o, p, "transitions", 0, MAX_COUNT, &tr));
            mdl_meter_sfn_transitions(r->m, ex * per + tr);
        } else {
            double req = 0, dur = 0, mem = 64;
            SIM_TRY(num(r, o, p, "requests", 0, MAX_COUNT, &req));
            /* An Express execution runs at most 5 minutes (aws-pricing.md
             * §2.5), but the limit accepted is one hour: the infracost
             * tier vectors are reproduced with 17.1 s x 64 MB averages and
             * other published totals may need longer equivalents. */
            SIM_TRY(num(r, o, p, "avg_duration_ms", 0, 3600000, &dur));
            SIM_TRY(num(r, o, p, "memory_mb", 0, 10240, &mem));
            mdl_meter_sfn_express_bulk(r->m, req, dur, mem);
        }
    }
    return SIM_OK;
}

static sim_status read_s3(reader *r, json_object *o)
{
    static const char *const keys[] = { "storage_gb_month", "put_requests", "get_requests",
                                        NULL };
    double st = 0, put = 0, get = 0;
    SIM_TRY(sim_json_check_keys(r->doc, o, "s3", keys, r->err));
    SIM_TRY(num(r, o, "s3", "storage_gb_month", 0, MAX_COUNT, &st));
    SIM_TRY(num(r, o, "s3", "put_requests", 0, MAX_COUNT, &put));
    SIM_TRY(num(r, o, "s3", "get_requests", 0, MAX_COUNT, &get));
    mdl_meter_s3_storage(r->m, st);
    mdl_meter_s3_put(r->m, put);
    mdl_meter_s3_get(r->m, get);
    return SIM_OK;
}

static sim_status read_ddb(reader *r, json_object *o)
{
    static const char *const modes[] = { "on_demand", "provisioned", NULL };
    static const char *const k_od[] = { "mode", "write_request_units", "read_request_units",
                                        "storage_gb_month", NULL };
    static const char *const k_pr[] = { "mode", "write_capacity_units", "read_capacity_units",
                                        "hours", "storage_gb_month", NULL };
    int mode = 0;
    double st = 0;
    SIM_TRY(sim_json_get_enum(r->doc, o, "dynamodb", "mode", false, modes, &mode, NULL, r->err));
    SIM_TRY(sim_json_check_keys(r->doc, o, "dynamodb", mode ? k_pr : k_od, r->err));
    SIM_TRY(num(r, o, "dynamodb", "storage_gb_month", 0, MAX_COUNT, &st));
    if (mode == 0) {
        double w = 0, rd = 0;
        SIM_TRY(num(r, o, "dynamodb", "write_request_units", 0, MAX_COUNT, &w));
        SIM_TRY(num(r, o, "dynamodb", "read_request_units", 0, MAX_COUNT, &rd));
        mdl_meter_ddb_units(r->m, w, rd);
    } else {
        double w = 0, rd = 0, h = 730;
        SIM_TRY(num(r, o, "dynamodb", "write_capacity_units", 0, 1e9, &w));
        SIM_TRY(num(r, o, "dynamodb", "read_capacity_units", 0, 1e9, &rd));
        SIM_TRY(num(r, o, "dynamodb", "hours", 0, 744, &h));
        mdl_meter_ddb_provisioned(r->m, w, rd, h);
    }
    mdl_meter_ddb_storage(r->m, st);
    return SIM_OK;
}

static sim_status read_rekognition(reader *r, json_object *o)
{
    static const char *const keys[] = { "images", "group1_images", NULL };
    double g2 = 0, g1 = 0;
    SIM_TRY(sim_json_check_keys(r->doc, o, "rekognition", keys, r->err));
    SIM_TRY(num(r, o, "rekognition", "images", 0, MAX_COUNT, &g2));
    SIM_TRY(num(r, o, "rekognition", "group1_images", 0, MAX_COUNT, &g1));
    mdl_meter_rekognition(r->m, 2, g2);
    mdl_meter_rekognition(r->m, 1, g1);
    return SIM_OK;
}

static sim_status read_efs(reader *r, json_object *o)
{
    static const char *const keys[] = { "storage_gb_month", "storage_gb_hours",
                                        "hours_in_month", "ia_storage_gb_month",
                                        "archive_storage_gb_month", "read_gb", "write_gb",
                                        NULL };
    double st = 0, gbh = 0, hm = 730, ia = 0, ar = 0, rd = 0, wr = 0;
    SIM_TRY(sim_json_check_keys(r->doc, o, "efs", keys, r->err));
    SIM_TRY(num(r, o, "efs", "storage_gb_month", 0, MAX_COUNT, &st));
    SIM_TRY(num(r, o, "efs", "storage_gb_hours", 0, MAX_COUNT, &gbh));
    /* EFS turns GB-hours into GB-months with the calendar month's hours
     * (744 for March in the AWS example), not the Calculator's 730. */
    SIM_TRY(num(r, o, "efs", "hours_in_month", 672, 744, &hm));
    SIM_TRY(num(r, o, "efs", "ia_storage_gb_month", 0, MAX_COUNT, &ia));
    SIM_TRY(num(r, o, "efs", "archive_storage_gb_month", 0, MAX_COUNT, &ar));
    SIM_TRY(num(r, o, "efs", "read_gb", 0, MAX_COUNT, &rd));
    SIM_TRY(num(r, o, "efs", "write_gb", 0, MAX_COUNT, &wr));
    mdl_meter_efs_storage(r->m, st + gbh / hm, ia, ar);
    mdl_meter_efs_io(r->m, rd, wr);
    return SIM_OK;
}

static sim_status read_ec2(reader *r, json_object *arr)
{
    static const char *const keys[] = { "instance_type", "count", "hours", NULL };
    size_t n = json_object_array_length(arr);
    mdl_meter_touch(r->m, MDL_SVC_EC2);
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        char p[64], fp[96];
        const char *type = NULL;
        double count = 1, hours = 730;
        int idx = 0;
        sim_json_path_index(p, sizeof p, "ec2", i);
        SIM_TRY(sim_json_check_keys(r->doc, o, p, keys, r->err));
        SIM_TRY(sim_json_get_string(r->doc, o, p, "instance_type", true, &type, NULL, r->err));
        SIM_TRY(num(r, o, p, "count", 0, 1e6, &count));
        SIM_TRY(num(r, o, p, "hours", 0, 744, &hours));
        sim_json_path(fp, sizeof fp, p, "instance_type");
        SIM_TRY(mdl_meter_add_instance_type(r->m, type, r->doc->input,
                                            sim_json_line(r->doc, fp), fp, &idx, r->err));
        mdl_meter_ec2_hours(r->m, idx, count * hours);
    }
    return SIM_OK;
}

static sim_status read_function_url(reader *r, json_object *o)
{
    static const char *const keys[] = { "requests", NULL };
    double req = 0;
    SIM_TRY(sim_json_check_keys(r->doc, o, "function_url", keys, r->err));
    SIM_TRY(num(r, o, "function_url", "requests", 0, MAX_COUNT, &req));
    mdl_meter_function_url_bulk(r->m, req);
    return SIM_OK;
}

static sim_status read_services(reader *r, json_object *root)
{
    json_object *c = NULL;
    SIM_TRY(sim_json_get_child(r->doc, root, "", "lambda", false, json_type_array, &c, r->err));
    if (c) {
        mdl_meter_touch(r->m, MDL_SVC_LAMBDA);
        SIM_TRY(read_lambda(r, c));
    }
    SIM_TRY(sim_json_get_child(r->doc, root, "", "function_url", false, json_type_object, &c,
                               r->err));
    if (c)
        SIM_TRY(read_function_url(r, c));
    SIM_TRY(sim_json_get_child(r->doc, root, "", "apigw", false, json_type_array, &c, r->err));
    if (c)
        SIM_TRY(read_apigw(r, c));
    SIM_TRY(sim_json_get_child(r->doc, root, "", "sqs", false, json_type_array, &c, r->err));
    if (c)
        SIM_TRY(read_sqs(r, c));
    SIM_TRY(sim_json_get_child(r->doc, root, "", "stepfunctions", false, json_type_array, &c,
                               r->err));
    if (c)
        SIM_TRY(read_sfn(r, c));
    SIM_TRY(sim_json_get_child(r->doc, root, "", "s3", false, json_type_object, &c, r->err));
    if (c)
        SIM_TRY(read_s3(r, c));
    SIM_TRY(sim_json_get_child(r->doc, root, "", "dynamodb", false, json_type_object, &c,
                               r->err));
    if (c)
        SIM_TRY(read_ddb(r, c));
    SIM_TRY(sim_json_get_child(r->doc, root, "", "rekognition", false, json_type_object, &c,
                               r->err));
    if (c)
        SIM_TRY(read_rekognition(r, c));
    SIM_TRY(sim_json_get_child(r->doc, root, "", "efs", false, json_type_object, &c, r->err));
    if (c)
        SIM_TRY(read_efs(r, c));
    SIM_TRY(sim_json_get_child(r->doc, root, "", "ec2", false, json_type_array, &c, r->err));
    if (c)
        SIM_TRY(read_ec2(r, c));
    bool has_dto = false;
    double dto = 0;
    SIM_TRY(sim_json_get_number(r->doc, root, "", "data_transfer_out_gb", false, 0, MAX_COUNT,
                                &dto, &has_dto, r->err));
    if (has_dto)
        mdl_meter_dto(r->m, dto);
    return SIM_OK;
}

sim_status mdl_usage_from_json(const sim_json_doc *doc, const char *data_dir,
                               const char *catalog_path, mdl_catalog **cat_out,
                               mdl_meter **meter_out, sim_error *err)
{
    static const char *const top[] = {
        "region", "free_tier", "billing_granularity_ms", "month", "lambda", "function_url",
        "apigw", "sqs", "stepfunctions", "s3", "dynamodb", "rekognition", "efs", "ec2",
        "data_transfer_out_gb", NULL
    };
    *cat_out = NULL;
    *meter_out = NULL;
    json_object *root = doc->root;
    const char *region = NULL, *month = NULL;
    int free_tier = 0;
    int64_t gran = 1;
    bool has_region = false;
    SIM_TRY(sim_json_check_keys(doc, root, "", top, err));
    SIM_TRY(sim_json_get_string(doc, root, "", "region", false, &region, &has_region, err));
    SIM_TRY(sim_json_get_enum(doc, root, "", "free_tier", false, k_free_tiers, &free_tier, NULL,
                              err));
    SIM_TRY(sim_json_get_int(doc, root, "", "billing_granularity_ms", false, 1, 100, &gran,
                             NULL, err));
    if (gran != 1 && gran != 100)
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, "billing_granularity_ms",
                      "must be 1 (since 2020-12) or 100 (legacy), got %lld", (long long)gran);
    SIM_TRY(sim_json_get_string(doc, root, "", "month", false, &month, NULL, err));
    if (month && !(strlen(month) == 7 && month[4] == '-' &&
                   strspn(month, "0123456789-") == 7 && strcmp(month + 5, "01") >= 0 &&
                   strcmp(month + 5, "12") <= 0))
        SIM_JSON_FAIL(err, SIM_EFORMAT, doc, "month", "expected YYYY-MM, got '%s'", month);

    mdl_catalog *cat = NULL;
    if (catalog_path) {
        SIM_TRY(mdl_catalog_load(catalog_path, &cat, err));
        if (has_region && strcmp(region, mdl_catalog_region(cat)) != 0) {
            sim_status s = sim_error_set(err, SIM_EUNKNOWN, __FILE__, __LINE__, doc->input,
                                         sim_json_line(doc, "region"), "region",
                                         "region '%s' does not match the catalogue %s "
                                         "(region '%s')", region, catalog_path,
                                         mdl_catalog_region(cat));
            mdl_catalog_destroy(cat);
            return s;
        }
    } else {
        SIM_TRY(mdl_catalog_load_region(data_dir, has_region ? region : "us-east-1", doc->input,
                                        has_region ? sim_json_line(doc, "region") : 0,
                                        has_region ? "region" : NULL, &cat, err));
    }
    mdl_meter_opts opts = { (mdl_free_tier)free_tier, (int)gran, month };
    mdl_meter *m = NULL;
    sim_status s = mdl_meter_create(cat, &opts, &m, err);
    if (s == SIM_OK) {
        reader r = { doc, m, err };
        s = read_services(&r, root);
    }
    if (s != SIM_OK) {
        mdl_meter_destroy(m);
        mdl_catalog_destroy(cat);
        return s;
    }
    *cat_out = cat;
    *meter_out = m;
    return SIM_OK;
}

