/* mdl_meter.c - per-event usage accumulation for the monthly bill.
 *
 * Each per-event call rounds one event to its billing unit (billed ms,
 * 512 KB requests, 64 KB chunks, Express units) and adds it to mdl_usage.
 * Rounding happens per event because that is how AWS meters (a 513 KB
 * request is 2 requests, not 1.002); tiers and free allowances are applied
 * once per month by mdl_bill, never here.  The metering units come from the
 * catalogue's rules and are cached in the meter at creation, so a per-event
 * call touches only the meter.
 */
#include "models/pricing/mdl_meter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct mdl_meter {
    const mdl_catalog *cat;
    mdl_usage u;
    /* metering units, from the catalogue's rules */
    double http_kb, sqs_kb, sfn_ms, sfn_mb, pc_round_s;
};

static const char *const k_service_names[MDL_SVC_COUNT] = {
#define MDL__SVC_NAME(id, name) name,
    MDL_SERVICE_LIST(MDL__SVC_NAME)
#undef MDL__SVC_NAME
};

const char *mdl_service_name(mdl_service s)
{
    SIM_ASSERT(s >= 0 && s < MDL_SVC_COUNT);
    return k_service_names[s];
}

static bool valid_month(const char *s)
{
    if (strlen(s) != 7 || s[4] != '-')
        return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return false;
    int mo = (s[5] - '0') * 10 + (s[6] - '0');
    return mo >= 1 && mo <= 12;
}

/* "YYYY-MM" on or after the month of date "YYYY-MM-DD".  Rules take effect
 * on the 1st (2025-08-01, 2024-11-01), so month granularity is exact. */
static bool month_on_or_after(const char *month, const char *date)
{
    return strncmp(month, date, 7) >= 0;
}

sim_status mdl_meter_create(const mdl_catalog *cat, const mdl_meter_opts *opts,
                            mdl_meter **out, sim_error *err)
{
    static const mdl_entry_id rules[] = {
        MDL_RULE_LAMBDA_INIT_FROM, MDL_RULE_LAMBDA_PC_ROUND_S, MDL_RULE_APIGW_HTTP_KB,
        MDL_RULE_SQS_CHUNK_KB, MDL_RULE_SFN_EXPRESS_MS, MDL_RULE_SFN_EXPRESS_MB,
        MDL_RULE_DDB_CUT_FROM,
    };
    *out = NULL;
    SIM_ASSERT(cat && opts);
    if (opts->granularity_ms != 1 && opts->granularity_ms != 100)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "billing_granularity_ms",
                 "must be 1 (since 2020-12) or 100 (legacy), got %d", opts->granularity_ms);
    if (opts->month && !valid_month(opts->month))
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "month", "expected YYYY-MM, got '%s'", opts->month);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        SIM_TRY(mdl_catalog_need(cat, rules[i], "metering", err));
    mdl_meter *m = sim_xcalloc(1, sizeof *m);
    m->cat = cat;
    m->u.free_tier = opts->free_tier;
    m->u.granularity_ms = opts->granularity_ms;
    snprintf(m->u.month, sizeof m->u.month, "%.7s",
             opts->month ? opts->month : mdl_catalog_effective_date(cat));
    m->u.init_billed_zip =
        month_on_or_after(m->u.month, mdl_catalog_date(cat, MDL_RULE_LAMBDA_INIT_FROM));
    m->u.ddb_new_prices =
        month_on_or_after(m->u.month, mdl_catalog_date(cat, MDL_RULE_DDB_CUT_FROM));
    m->http_kb = mdl_catalog_number(cat, MDL_RULE_APIGW_HTTP_KB);
    m->sqs_kb = mdl_catalog_number(cat, MDL_RULE_SQS_CHUNK_KB);
    m->sfn_ms = mdl_catalog_number(cat, MDL_RULE_SFN_EXPRESS_MS);
    m->sfn_mb = mdl_catalog_number(cat, MDL_RULE_SFN_EXPRESS_MB);
    m->pc_round_s = mdl_catalog_number(cat, MDL_RULE_LAMBDA_PC_ROUND_S);
    *out = m;
    return SIM_OK;
}

void mdl_meter_destroy(mdl_meter *m)
{
    if (!m)
        return;
    free(m->u.fn);
    free(m->u.cache);
    free(m->u.ec2);
    free(m);
}

void mdl_meter_reset(mdl_meter *m)
{
    mdl_usage *u = &m->u;
#define ZERO(fld, unit) r->fld = 0;
    for (size_t i = 0; i < u->n_fn; i++) {
        mdl_usage_fn *r = &u->fn[i];
        MDL_USAGE_FN_FIELDS(ZERO)
    }
    for (size_t i = 0; i < u->n_cache; i++) {
        mdl_usage_cache *r = &u->cache[i];
        MDL_USAGE_CACHE_FIELDS(ZERO)
    }
    for (size_t i = 0; i < u->n_ec2; i++) {
        mdl_usage_ec2 *r = &u->ec2[i];
        MDL_USAGE_EC2_FIELDS(ZERO)
    }
    mdl_usage *r = u;
    MDL_USAGE_FIELDS(ZERO)
#undef ZERO
}

/* Copies of a registry with its accumulated fields times k. */
#define SCALED_COPY(T, n, src, LIST)                                   \
    do {                                                               \
        T *dst = sim_xmalloc(((n) ? (n) : 1) * sizeof *dst);           \
        for (size_t i = 0; i < (n); i++) {                             \
            T *r = &dst[i];                                            \
            *r = (src)[i];                                             \
            LIST(SCALE)                                                \
        }                                                              \
        (src) = dst;                                                   \
    } while (0)

void mdl_usage_scale(const mdl_usage *u, double k, mdl_usage *out)
{
    *out = *u;
#define SCALE(fld, unit) r->fld *= k;
    SCALED_COPY(mdl_usage_fn, u->n_fn, out->fn, MDL_USAGE_FN_FIELDS);
    SCALED_COPY(mdl_usage_cache, u->n_cache, out->cache, MDL_USAGE_CACHE_FIELDS);
    SCALED_COPY(mdl_usage_ec2, u->n_ec2, out->ec2, MDL_USAGE_EC2_FIELDS);
#undef SCALE
    out->cap_fn = u->n_fn;
    out->cap_cache = u->n_cache;
    out->cap_ec2 = u->n_ec2;
#define SCALE_U(fld, unit) out->fld *= k;
    MDL_USAGE_FIELDS(SCALE_U)
#undef SCALE_U
}

void mdl_usage_scale_free(mdl_usage *u)
{
    free(u->fn);
    free(u->cache);
    free(u->ec2);
}

const mdl_usage *mdl_meter_usage(const mdl_meter *m) { return &m->u; }
const mdl_catalog *mdl_meter_catalog(const mdl_meter *m) { return m->cat; }

void mdl_meter_touch(mdl_meter *m, mdl_service s)
{
    SIM_ASSERT(s >= 0 && s < MDL_SVC_COUNT);
    m->u.present[s] = true;
}

/* ---- registration ------------------------------------------------------ */

int mdl_meter_add_function(mdl_meter *m, const mdl_lambda_spec *spec)
{
    SIM_ASSERT(spec && spec->memory_mb > 0 && spec->provisioned >= 0);
    SIM_ASSERT(spec->ephemeral_mb >= 0);
    mdl_usage *u = &m->u;
    if (u->n_fn == u->cap_fn) {
        u->cap_fn = u->cap_fn ? 2 * u->cap_fn : 8;
        u->fn = sim_xrealloc(u->fn, u->cap_fn * sizeof *u->fn);
    }
    mdl_usage_fn *f = &u->fn[u->n_fn];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", spec->name ? spec->name : "");
    f->arch = spec->arch;
    f->memory_mb = spec->memory_mb;
    f->ephemeral_mb = spec->ephemeral_mb > 0 ? spec->ephemeral_mb : 512;
    f->package = spec->package;
    f->provisioned = spec->provisioned;
    u->present[MDL_SVC_LAMBDA] = true;
    return (int)u->n_fn++;
}

sim_status mdl_meter_add_rest_cache(mdl_meter *m, double gb, const char *input, long line,
                                    const char *field, int *index, sim_error *err)
{
    double usd = 0;
    SIM_TRY(mdl_catalog_size_usd(m->cat, MDL_APIGW_REST_CACHE, gb, input, line, field, &usd,
                                 err));
    mdl_usage *u = &m->u;
    if (u->n_cache == u->cap_cache) {
        u->cap_cache = u->cap_cache ? 2 * u->cap_cache : 4;
        u->cache = sim_xrealloc(u->cache, u->cap_cache * sizeof *u->cache);
    }
    u->cache[u->n_cache] = (mdl_usage_cache){ .gb = gb, .usd_per_hour = usd };
    u->present[MDL_SVC_APIGW] = true;
    *index = (int)u->n_cache++;
    return SIM_OK;
}

sim_status mdl_meter_add_instance_type(mdl_meter *m, const char *type, const char *input,
                                       long line, const char *field, int *index,
                                       sim_error *err)
{
    double usd = 0;
    SIM_TRY(mdl_catalog_type_usd(m->cat, MDL_EC2_ON_DEMAND, type, input, line, field, &usd,
                                 err));
    mdl_usage *u = &m->u;
    u->present[MDL_SVC_EC2] = true;
    for (size_t i = 0; i < u->n_ec2; i++) {
        if (strcmp(u->ec2[i].type, type) == 0) {
            *index = (int)i;
            return SIM_OK;
        }
    }
    if (u->n_ec2 == u->cap_ec2) {
        u->cap_ec2 = u->cap_ec2 ? 2 * u->cap_ec2 : 4;
        u->ec2 = sim_xrealloc(u->ec2, u->cap_ec2 * sizeof *u->ec2);
    }
    mdl_usage_ec2 *e = &u->ec2[u->n_ec2];
    memset(e, 0, sizeof *e);
    snprintf(e->type, sizeof e->type, "%s", type);
    e->usd_per_hour = usd;
    *index = (int)u->n_ec2++;
    return SIM_OK;
}

/* ---- per-event calls ----------------------------------------------------- */

static mdl_usage_fn *fn_at(mdl_meter *m, int fn)
{
    SIM_ASSERT(fn >= 0 && (size_t)fn < m->u.n_fn);
    return &m->u.fn[fn];
}

/* ceil(x / unit), at least 1: one request/chunk is billed even for an empty
 * payload.  The epsilon absorbs float noise such as 1024.0000000001 KB. */
static double units_of(double x, double unit)
{
    double n = ceil(x / unit - 1e-9);
    return n < 1 ? 1 : n;
}

static bool init_billed(const mdl_meter *m, const mdl_usage_fn *f)
{
    return f->package == MDL_PACKAGE_IMAGE || m->u.init_billed_zip;
}

void mdl_meter_lambda_invocation(mdl_meter *m, int fn, double duration_ms, double init_ms,
                                 bool on_pc)
{
    mdl_usage_fn *f = fn_at(m, fn);
    SIM_ASSERT(duration_ms >= 0 && init_ms >= 0);
    double ms = duration_ms + (init_ms > 0 && init_billed(m, f) ? init_ms : 0);
    double billed = mdl_billed_ms(ms, m->u.granularity_ms);
    f->requests += 1;
    f->invocations += 1;
    f->cold_starts += init_ms > 0;
    if (on_pc)
        f->pc_billed_ms += billed;
    else
        f->billed_ms += billed;
}

void mdl_meter_lambda_async_payload(mdl_meter *m, int fn, double payload_kb)
{
    mdl_usage_fn *f = fn_at(m, fn);
    SIM_ASSERT(payload_kb >= 0);
    /* 1 request for the first 256 KB, then 1 more per 64 KB chunk up to the
     * 1 MB async limit (README "Reference facts", Lambda: prices). */
    if (payload_kb > 256) {
        double kb = payload_kb < 1024 ? payload_kb : 1024;
        f->requests += ceil((kb - 256) / 64 - 1e-9);
    }
}

void mdl_meter_lambda_provisioned(mdl_meter *m, int fn, double seconds)
{
    mdl_usage_fn *f = fn_at(m, fn);
    SIM_ASSERT(seconds >= 0);
    if (seconds > 0)
        f->pc_configured_s += ceil(seconds / m->pc_round_s - 1e-9) * m->pc_round_s;
}

void mdl_meter_function_url_request(mdl_meter *m)
{
    m->u.function_url_requests += 1;
    m->u.present[MDL_SVC_FUNCTION_URL] = true;
}

void mdl_meter_apigw_http(mdl_meter *m, double request_kb)
{
    SIM_ASSERT(request_kb >= 0);
    m->u.apigw_http_requests += units_of(request_kb, m->http_kb);
    m->u.present[MDL_SVC_APIGW] = true;
}

void mdl_meter_apigw_rest(mdl_meter *m)
{
    m->u.apigw_rest_requests += 1;
    m->u.present[MDL_SVC_APIGW] = true;
}

void mdl_meter_rest_cache_hours(mdl_meter *m, int cache, double hours)
{
    SIM_ASSERT(cache >= 0 && (size_t)cache < m->u.n_cache && hours >= 0);
    m->u.cache[cache].hours += hours;
}

void mdl_meter_sqs_call(mdl_meter *m, bool fifo, double payload_kb)
{
    SIM_ASSERT(payload_kb >= 0);
    double n = units_of(payload_kb, m->sqs_kb);
    if (fifo)
        m->u.sqs_fifo_requests += n;
    else
        m->u.sqs_standard_requests += n;
    m->u.present[MDL_SVC_SQS] = true;
}

void mdl_meter_sfn_transitions(mdl_meter *m, double n)
{
    SIM_ASSERT(n >= 0);
    m->u.sfn_transitions += n;
    m->u.present[MDL_SVC_STEPFUNCTIONS] = true;
}

double mdl_meter_sfn_express_units(const mdl_meter *m, double duration_ms, double memory_mb)
{
    SIM_ASSERT(duration_ms >= 0 && memory_mb >= 0);
    return units_of(duration_ms, m->sfn_ms) * units_of(memory_mb, m->sfn_mb);
}

double mdl_meter_sfn_express_billed_ms(const mdl_meter *m, double duration_ms)
{
    SIM_ASSERT(duration_ms >= 0);
    return units_of(duration_ms, m->sfn_ms) * m->sfn_ms;
}

double mdl_meter_sfn_express_gb_s(const mdl_meter *m, double duration_ms, double memory_mb)
{
    SIM_ASSERT(memory_mb >= 0);
    return mdl_meter_sfn_express_billed_ms(m, duration_ms) / 1e3 *
           units_of(memory_mb, m->sfn_mb) * m->sfn_mb / 1024.0;
}

void mdl_meter_sfn_express(mdl_meter *m, double duration_ms, double memory_mb)
{
    m->u.sfn_express_requests += 1;
    m->u.sfn_express_units += mdl_meter_sfn_express_units(m, duration_ms, memory_mb);
    m->u.present[MDL_SVC_STEPFUNCTIONS] = true;
}

void mdl_meter_s3_put(mdl_meter *m, double n)
{
    SIM_ASSERT(n >= 0);
    m->u.s3_put += n;
    m->u.present[MDL_SVC_S3] = true;
}

void mdl_meter_s3_get(mdl_meter *m, double n)
{
    SIM_ASSERT(n >= 0);
    m->u.s3_get += n;
    m->u.present[MDL_SVC_S3] = true;
}

void mdl_meter_s3_storage(mdl_meter *m, double gb_month)
{
    SIM_ASSERT(gb_month >= 0);
    m->u.s3_storage_gb_month += gb_month;
    m->u.present[MDL_SVC_S3] = true;
}

void mdl_meter_ddb_write(mdl_meter *m, double item_kb, bool transactional)
{
    SIM_ASSERT(item_kb >= 0);
    m->u.ddb_wru += units_of(item_kb, 1.0) * (transactional ? 2 : 1);
    m->u.present[MDL_SVC_DYNAMODB] = true;
}

void mdl_meter_ddb_read(mdl_meter *m, double item_kb, bool strong, bool transactional)
{
    SIM_ASSERT(item_kb >= 0);
    double f = transactional ? 2.0 : strong ? 1.0 : 0.5;
    m->u.ddb_rru += units_of(item_kb, 4.0) * f;
    m->u.present[MDL_SVC_DYNAMODB] = true;
}

void mdl_meter_ddb_units(mdl_meter *m, double wru, double rru)
{
    SIM_ASSERT(wru >= 0 && rru >= 0);
    m->u.ddb_wru += wru;
    m->u.ddb_rru += rru;
    m->u.present[MDL_SVC_DYNAMODB] = true;
}

void mdl_meter_ddb_provisioned(mdl_meter *m, double wcu, double rcu, double hours)
{
    SIM_ASSERT(wcu >= 0 && rcu >= 0 && hours >= 0);
    m->u.ddb_wcu_hours += wcu * hours;
    m->u.ddb_rcu_hours += rcu * hours;
    m->u.present[MDL_SVC_DYNAMODB] = true;
}

void mdl_meter_ddb_storage(mdl_meter *m, double gb_month)
{
    SIM_ASSERT(gb_month >= 0);
    m->u.ddb_storage_gb_month += gb_month;
    m->u.present[MDL_SVC_DYNAMODB] = true;
}

void mdl_meter_rekognition(mdl_meter *m, int group, double images)
{
    SIM_ASSERT((group == 1 || group == 2) && images >= 0);
    if (group == 1)
        m->u.rek_group1 += images;
    else
        m->u.rek_group2 += images;
    m->u.present[MDL_SVC_REKOGNITION] = true;
}

void mdl_meter_efs_storage(mdl_meter *m, double standard_gb_month, double ia_gb_month,
                           double archive_gb_month)
{
    SIM_ASSERT(standard_gb_month >= 0 && ia_gb_month >= 0 && archive_gb_month >= 0);
    m->u.efs_standard_gb_month += standard_gb_month;
    m->u.efs_ia_gb_month += ia_gb_month;
    m->u.efs_archive_gb_month += archive_gb_month;
    m->u.present[MDL_SVC_EFS] = true;
}

void mdl_meter_efs_io(mdl_meter *m, double read_gb, double write_gb)
{
    SIM_ASSERT(read_gb >= 0 && write_gb >= 0);
    m->u.efs_read_gb += read_gb;
    m->u.efs_write_gb += write_gb;
    m->u.present[MDL_SVC_EFS] = true;
}

void mdl_meter_ec2_hours(mdl_meter *m, int type, double instance_hours)
{
    SIM_ASSERT(type >= 0 && (size_t)type < m->u.n_ec2 && instance_hours >= 0);
    m->u.ec2[type].hours += instance_hours;
}

void mdl_meter_dto(mdl_meter *m, double gb)
{
    SIM_ASSERT(gb >= 0);
    m->u.dto_gb += gb;
    m->u.present[MDL_SVC_DATA_TRANSFER] = true;
}

/* ---- bulk calls ------------------------------------------------------------ */

void mdl_meter_lambda_bulk(mdl_meter *m, int fn, double requests, double avg_duration_ms,
                           double cold_starts, double avg_init_ms, double pc_seconds)
{
    mdl_usage_fn *f = fn_at(m, fn);
    SIM_ASSERT(requests >= 0 && avg_duration_ms >= 0 && avg_init_ms >= 0 && pc_seconds >= 0);
    SIM_ASSERT(cold_starts >= 0 && cold_starts <= requests);
    int g = m->u.granularity_ms;
    double warm_ms = requests > 0 ? mdl_billed_ms(avg_duration_ms, g) : 0;
    double cold_ms = init_billed(m, f) ? mdl_billed_ms(avg_duration_ms + avg_init_ms, g)
                                       : warm_ms;
    double total_ms = (requests - cold_starts) * warm_ms + cold_starts * cold_ms;
    f->requests += requests;
    f->invocations += requests;
    f->cold_starts += cold_starts;
    if (f->provisioned > 0 && pc_seconds > 0) {
        /* PC serves first, up to its capacity of provisioned x seconds of
         * execution (the Calculator's "all within PC" assumption); overflow
         * runs on demand. */
        double cap_ms = f->provisioned * pc_seconds * 1000.0;
        double served = total_ms < cap_ms ? total_ms : cap_ms;
        f->pc_billed_ms += served;
        f->billed_ms += total_ms - served;
        mdl_meter_lambda_provisioned(m, fn, pc_seconds);
    } else {
        f->billed_ms += total_ms;
    }
}

void mdl_meter_apigw_http_bulk(mdl_meter *m, double requests, double avg_request_kb)
{
    SIM_ASSERT(requests >= 0 && avg_request_kb >= 0);
    m->u.apigw_http_requests += requests * units_of(avg_request_kb, m->http_kb);
    m->u.present[MDL_SVC_APIGW] = true;
}

void mdl_meter_apigw_rest_bulk(mdl_meter *m, double requests)
{
    SIM_ASSERT(requests >= 0);
    m->u.apigw_rest_requests += requests;
    m->u.present[MDL_SVC_APIGW] = true;
}

void mdl_meter_function_url_bulk(mdl_meter *m, double requests)
{
    SIM_ASSERT(requests >= 0);
    m->u.function_url_requests += requests;
    m->u.present[MDL_SVC_FUNCTION_URL] = true;
}

void mdl_meter_sqs_bulk(mdl_meter *m, bool fifo, double requests, double avg_payload_kb)
{
    SIM_ASSERT(requests >= 0 && avg_payload_kb >= 0);
    double n = requests * units_of(avg_payload_kb, m->sqs_kb);
    if (fifo)
        m->u.sqs_fifo_requests += n;
    else
        m->u.sqs_standard_requests += n;
    m->u.present[MDL_SVC_SQS] = true;
}

void mdl_meter_sfn_express_bulk(mdl_meter *m, double requests, double avg_duration_ms,
                                double memory_mb)
{
    SIM_ASSERT(requests >= 0);
    m->u.sfn_express_requests += requests;
    m->u.sfn_express_units += requests * mdl_meter_sfn_express_units(m, avg_duration_ms,
                                                                     memory_mb);
    m->u.present[MDL_SVC_STEPFUNCTIONS] = true;
}
