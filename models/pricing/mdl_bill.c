/* mdl_bill.c - free tiers, tiers and line items for one month.
 *
 * Each service is priced by one function reading mdl_usage.  Two helpers do
 * all the arithmetic: add_flat (one price per unit) and add_tiered (split the
 * billable quantity over the graduated tiers, counted from zero after the
 * free allowance, as the AWS Calculator does: "Tiered price for: B GB-s").
 * A rate the region lacks is only an error when something must be charged
 * at it; a line whose billable quantity is zero needs no price.
 */
#include "models/pricing/mdl_bill.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_json.h"

struct mdl_bill {
    const mdl_catalog *cat;
    mdl_free_tier free_tier;
    int granularity_ms;
    char month[8];
    bool present[MDL_SVC_COUNT];
    double svc_usd[MDL_SVC_COUNT];
    double total;
    size_t n, cap;
    mdl_bill_line *lines;
};

static mdl_bill_line *add_line(mdl_bill *b, mdl_service svc, const char *item,
                               const char *detail, double qty, double free_qty,
                               const char *unit, double rate, const char *source)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 32;
        b->lines = sim_xrealloc(b->lines, b->cap * sizeof *b->lines);
    }
    mdl_bill_line *l = &b->lines[b->n++];
    memset(l, 0, sizeof *l);
    l->service = svc;
    snprintf(l->item, sizeof l->item, "%s", item);
    snprintf(l->detail, sizeof l->detail, "%s", detail ? detail : "");
    l->quantity = qty;
    l->free_quantity = free_qty;
    snprintf(l->unit, sizeof l->unit, "%s", unit);
    l->rate_usd = rate;
    l->usd = qty * rate;
    l->source = source;
    b->svc_usd[svc] += l->usd;
    b->total += l->usd;
    return l;
}

/* A number for people: integers plainly, others in fixed notation with
 * trailing zeros dropped (0.0000166667, not 1.66667e-05). */
const char *mdl_bill_fmt_num(double v, char *buf, size_t n)
{
    if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, n, "%.0f", v);
    else {
        snprintf(buf, n, "%.12f", v);
        char *e = buf + strlen(buf) - 1;
        while (e > buf && *e == '0')
            *e-- = '\0';
        if (*e == '.')
            *e = '\0';
    }
    return buf;
}

#define fmt_num mdl_bill_fmt_num

static void calc_append(mdl_bill_line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void calc_append(mdl_bill_line *l, const char *fmt, ...)
{
    size_t u = strlen(l->calc);
    if (u >= sizeof l->calc - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->calc + u, sizeof l->calc - u, fmt, ap);
    va_end(ap);
}

/* The allowance the free-tier mode grants for `id` (0 with mode none). */
static sim_status allowance(const mdl_bill *b, mdl_entry_id id, double *q, sim_error *err)
{
    *q = 0;
    if (b->free_tier == MDL_FREE_NONE)
        return SIM_OK;
    SIM_TRY(mdl_catalog_need(b->cat, id, "the free tier", err));
    mdl_free_tier r = mdl_catalog_regime(b->cat, id);
    if (r == MDL_FREE_ALWAYS || b->free_tier == MDL_FREE_LEGACY_12MO)
        *q = mdl_catalog_quantity(b->cat, id);
    return SIM_OK;
}

static void free_calc(mdl_bill_line *l, double raw, double free_used, const char *unit)
{
    char a[48], b2[48], c[48];
    if (free_used > 0)
        calc_append(l, "%s %s - %s free tier %s = %s %s; ", fmt_num(raw, a, sizeof a), unit,
                    fmt_num(free_used, b2, sizeof b2), unit,
                    fmt_num(raw - free_used, c, sizeof c), unit);
}

/* Price `raw` units at a flat rate after up to `free_avail` free units.
 * *free_used (may be NULL) receives the allowance consumed. */
static sim_status add_flat(mdl_bill *b, mdl_service svc, const char *item, const char *detail,
                           mdl_entry_id id, double raw, double free_avail, double *free_used,
                           sim_error *err)
{
    double fu = raw < free_avail ? raw : free_avail;
    double billable = raw - fu;
    if (free_used)
        *free_used = fu;
    if (billable <= 0 && !mdl_catalog_has(b->cat, id))
        return SIM_OK;
    char why[128];
    snprintf(why, sizeof why, "%s %s", mdl_service_name(svc), item);
    SIM_TRY(mdl_catalog_need(b->cat, id, why, err));
    const char *unit = mdl_entry_unit(id);
    double rate = mdl_catalog_usd(b->cat, id);
    mdl_bill_line *l = add_line(b, svc, item, detail, billable, fu, unit, rate,
                                mdl_catalog_source(b->cat, id));
    free_calc(l, raw, fu, unit);
    char a[48], r[48], c[48];
    calc_append(l, "%s %s x %s USD = %s USD", fmt_num(billable, a, sizeof a), unit,
                fmt_num(rate, r, sizeof r), fmt_num(l->usd, c, sizeof c));
    return SIM_OK;
}

/* Price `raw` units over the tiers of `id` after up to `free_avail` free
 * units.  `what` prefixes the detail ("x86_64"). */
static sim_status add_tiered(mdl_bill *b, mdl_service svc, const char *item, const char *what,
                             mdl_entry_id id, double raw, double free_avail, double *free_used,
                             sim_error *err)
{
    double fu = raw < free_avail ? raw : free_avail;
    double billable = raw - fu;
    if (free_used)
        *free_used = fu;
    if (billable <= 0 && !mdl_catalog_has(b->cat, id))
        return SIM_OK;
    char why[128];
    snprintf(why, sizeof why, "%s %s%s%s", mdl_service_name(svc), item, what ? " " : "",
             what ? what : "");
    mdl_tier_part parts[MDL_MAX_TIERS];
    int np = 0;
    SIM_TRY(mdl_catalog_tier_split(b->cat, id, billable, parts, &np, why, err));
    const char *unit = mdl_entry_unit(id);
    int ntiers = mdl_catalog_tier_count(b->cat, id);
    for (int i = 0; i < np; i++) {
        char detail[256];
        double upto = mdl_catalog_tier_upto(b->cat, id, parts[i].tier);
        char range[112], lo[48], hi[48];
        fmt_num(parts[i].tier ? mdl_catalog_tier_upto(b->cat, id, parts[i].tier - 1) : 0.0, lo,
                sizeof lo);
        if (isinf(upto))
            snprintf(range, sizeof range, "over %s %s", lo, unit);
        else
            snprintf(range, sizeof range, "%s to %s %s", lo, fmt_num(upto, hi, sizeof hi), unit);
        if (ntiers > 1)
            snprintf(detail, sizeof detail, "%s%stier %d (%s)", what ? what : "",
                     what ? ", " : "", parts[i].tier + 1, range);
        else
            snprintf(detail, sizeof detail, "%s", what ? what : "");
        double q = parts[i].to - parts[i].from;
        mdl_bill_line *l = add_line(b, svc, item, detail, q, i == 0 ? fu : 0, unit,
                                    parts[i].usd_per_unit, mdl_catalog_source(b->cat, id));
        if (i == 0)
            free_calc(l, raw, fu, unit);
        if (ntiers > 1)
            calc_append(l, "tier %d: ", parts[i].tier + 1);
        char a[48], r[48], c[48];
        calc_append(l, "%s %s x %s USD = %s USD", fmt_num(q, a, sizeof a), unit,
                    fmt_num(parts[i].usd_per_unit, r, sizeof r), fmt_num(l->usd, c, sizeof c));
    }
    return SIM_OK;
}

/* ---- services -------------------------------------------------------------- */

static sim_status bill_lambda(mdl_bill *b, const mdl_usage *u, sim_error *err)
{
    const mdl_catalog *cat = b->cat;
    double gbs_free_ok[MDL_ARCH_COUNT] = { 0 }, gbs_no_free[MDL_ARCH_COUNT] = { 0 };
    double pc_gbs[MDL_ARCH_COUNT] = { 0 }, pc_dur_gbs[MDL_ARCH_COUNT] = { 0 };
    bool used[MDL_ARCH_COUNT] = { false };
    double req_free_ok = 0, req_no_free = 0, eph_gbs = 0;
    double eph_free_mb = 512;
    if (u->n_fn) {
        SIM_TRY(mdl_catalog_need(cat, MDL_RULE_LAMBDA_EPH_FREE_MB, "Lambda ephemeral storage",
                                 err));
        eph_free_mb = mdl_catalog_number(cat, MDL_RULE_LAMBDA_EPH_FREE_MB);
    }
    for (size_t i = 0; i < u->n_fn; i++) {
        const mdl_usage_fn *f = &u->fn[i];
        double gb = f->memory_mb / 1024.0;
        double gbs = f->billed_ms / 1000.0 * gb;
        used[f->arch] = true;
        /* The free tier does not apply to functions with provisioned
         * concurrency (README "Reference facts", Lambda: prices). */
        if (f->provisioned > 0) {
            gbs_no_free[f->arch] += gbs;
            req_no_free += f->requests;
        } else {
            gbs_free_ok[f->arch] += gbs;
            req_free_ok += f->requests;
        }
        pc_gbs[f->arch] += f->provisioned * gb * f->pc_configured_s;
        pc_dur_gbs[f->arch] += f->pc_billed_ms / 1000.0 * gb;
        if (f->ephemeral_mb > eph_free_mb)
            eph_gbs += (f->billed_ms + f->pc_billed_ms) / 1000.0 *
                       ((f->ephemeral_mb - eph_free_mb) / 1024.0);
    }
    double free_gbs = 0, free_req = 0;
    SIM_TRY(allowance(b, MDL_FREE_LAMBDA_GBS, &free_gbs, err));
    SIM_TRY(allowance(b, MDL_FREE_LAMBDA_REQUESTS, &free_req, err));
    static const mdl_entry_id dur[MDL_ARCH_COUNT] = { MDL_LAMBDA_DURATION_X86,
                                                      MDL_LAMBDA_DURATION_ARM };
    static const mdl_entry_id pc[MDL_ARCH_COUNT] = { MDL_LAMBDA_PC_X86, MDL_LAMBDA_PC_ARM };
    static const mdl_entry_id pcd[MDL_ARCH_COUNT] = { MDL_LAMBDA_PC_DURATION_X86,
                                                      MDL_LAMBDA_PC_DURATION_ARM };
    /* The 400,000 GB-s are shared by both architectures; x86_64 first. */
    for (int a = 0; a < MDL_ARCH_COUNT; a++) {
        if (!used[a])
            continue;
        double fa = free_gbs < gbs_free_ok[a] ? free_gbs : gbs_free_ok[a];
        double fu = 0;
        SIM_TRY(add_tiered(b, MDL_SVC_LAMBDA, "compute", mdl_arch_name((mdl_arch)a), dur[a],
                           gbs_free_ok[a] + gbs_no_free[a], fa, &fu, err));
        free_gbs -= fu;
    }
    if (u->n_fn) {
        double fr = free_req < req_free_ok ? free_req : req_free_ok;
        SIM_TRY(add_flat(b, MDL_SVC_LAMBDA, "requests", NULL, MDL_LAMBDA_REQUESTS,
                         req_free_ok + req_no_free, fr, NULL, err));
    }
    if (eph_gbs > 0)
        SIM_TRY(add_flat(b, MDL_SVC_LAMBDA, "ephemeral storage", "above the free 512 MB",
                         MDL_LAMBDA_EPHEMERAL, eph_gbs, 0, NULL, err));
    for (int a = 0; a < MDL_ARCH_COUNT; a++) {
        if (pc_gbs[a] > 0)
            SIM_TRY(add_flat(b, MDL_SVC_LAMBDA, "provisioned concurrency",
                             mdl_arch_name((mdl_arch)a), pc[a], pc_gbs[a], 0, NULL, err));
        if (pc_dur_gbs[a] > 0)
            SIM_TRY(add_flat(b, MDL_SVC_LAMBDA, "provisioned duration",
                             mdl_arch_name((mdl_arch)a), pcd[a], pc_dur_gbs[a], 0, NULL, err));
    }
    return SIM_OK;
}

static sim_status bill_apigw(mdl_bill *b, const mdl_usage *u, sim_error *err)
{
    double fh = 0, fr = 0;
    SIM_TRY(allowance(b, MDL_FREE_APIGW_HTTP, &fh, err));
    SIM_TRY(allowance(b, MDL_FREE_APIGW_REST, &fr, err));
    if (u->apigw_http_requests > 0)
        SIM_TRY(add_tiered(b, MDL_SVC_APIGW, "http requests", "512 KB units", MDL_APIGW_HTTP,
                           u->apigw_http_requests, fh, NULL, err));
    if (u->apigw_rest_requests > 0)
        SIM_TRY(add_tiered(b, MDL_SVC_APIGW, "rest requests", NULL, MDL_APIGW_REST,
                           u->apigw_rest_requests, fr, NULL, err));
    for (size_t i = 0; i < u->n_cache; i++) {
        const mdl_usage_cache *c = &u->cache[i];
        char d[64];
        snprintf(d, sizeof d, "%g GB", c->gb);
        mdl_bill_line *l = add_line(b, MDL_SVC_APIGW, "rest cache", d, c->hours, 0, "hour",
                                    c->usd_per_hour,
                                    mdl_catalog_source(b->cat, MDL_APIGW_REST_CACHE));
        char a[48], r[48], t[48];
        calc_append(l, "%s hours x %s USD = %s USD", fmt_num(c->hours, a, sizeof a),
                    fmt_num(c->usd_per_hour, r, sizeof r), fmt_num(l->usd, t, sizeof t));
    }
    return SIM_OK;
}

static sim_status bill_sqs(mdl_bill *b, const mdl_usage *u, sim_error *err)
{
    double f = 0, used = 0;
    SIM_TRY(allowance(b, MDL_FREE_SQS, &f, err));
    /* The 1M free requests are shared; standard first. */
    if (u->sqs_standard_requests > 0)
        SIM_TRY(add_tiered(b, MDL_SVC_SQS, "standard requests", "64 KB chunks",
                           MDL_SQS_STANDARD, u->sqs_standard_requests, f, &used, err));
    if (u->sqs_fifo_requests > 0)
        SIM_TRY(add_tiered(b, MDL_SVC_SQS, "fifo requests", "64 KB chunks", MDL_SQS_FIFO,
                           u->sqs_fifo_requests, f - used, NULL, err));
    return SIM_OK;
}

static sim_status bill_sfn(mdl_bill *b, const mdl_usage *u, sim_error *err)
{
    double f = 0;
    SIM_TRY(allowance(b, MDL_FREE_SFN_TRANSITIONS, &f, err));
    if (u->sfn_transitions > 0)
        SIM_TRY(add_flat(b, MDL_SVC_STEPFUNCTIONS, "standard transitions", NULL,
                         MDL_SFN_TRANSITIONS, u->sfn_transitions, f, NULL, err));
    if (u->sfn_express_requests > 0) {
        SIM_TRY(add_flat(b, MDL_SVC_STEPFUNCTIONS, "express requests", NULL,
                         MDL_SFN_EXPRESS_REQUESTS, u->sfn_express_requests, 0, NULL, err));
        /* Express has no free tier (README "Reference facts", Step Functions). */
        double gbs = u->sfn_express_units *
                     (mdl_catalog_number(b->cat, MDL_RULE_SFN_EXPRESS_MS) / 1000.0) *
                     (mdl_catalog_number(b->cat, MDL_RULE_SFN_EXPRESS_MB) / 1024.0);
        SIM_TRY(add_tiered(b, MDL_SVC_STEPFUNCTIONS, "express duration", NULL,
                           MDL_SFN_EXPRESS_DURATION, gbs, 0, NULL, err));
    }
    return SIM_OK;
}

static sim_status bill_s3(mdl_bill *b, const mdl_usage *u, sim_error *err)
{
    double fs = 0, fp = 0, fg = 0;
    SIM_TRY(allowance(b, MDL_FREE_S3_STORAGE, &fs, err));
    SIM_TRY(allowance(b, MDL_FREE_S3_PUT, &fp, err));
    SIM_TRY(allowance(b, MDL_FREE_S3_GET, &fg, err));
    if (u->s3_storage_gb_month > 0)
        SIM_TRY(add_tiered(b, MDL_SVC_S3, "storage", "Standard", MDL_S3_STORAGE,
                           u->s3_storage_gb_month, fs, NULL, err));
    if (u->s3_put > 0)
        SIM_TRY(add_flat(b, MDL_SVC_S3, "put requests", "PUT, COPY, POST, LIST", MDL_S3_PUT,
                         u->s3_put, fp, NULL, err));
    if (u->s3_get > 0)
        SIM_TRY(add_flat(b, MDL_SVC_S3, "get requests", "GET and other", MDL_S3_GET, u->s3_get,
                         fg, NULL, err));
    return SIM_OK;
}

static sim_status bill_ddb(mdl_bill *b, const mdl_usage *u, sim_error *err)
{
    double fs = 0, fw = 0, fr = 0;
    SIM_TRY(allowance(b, MDL_FREE_DDB_STORAGE, &fs, err));
    SIM_TRY(allowance(b, MDL_FREE_DDB_WCU, &fw, err));
    SIM_TRY(allowance(b, MDL_FREE_DDB_RCU, &fr, err));
    const char *when = u->ddb_new_prices ? "on-demand, since 2024-11-01"
                                         : "on-demand, before 2024-11-01";
    if (u->ddb_wru > 0)
        SIM_TRY(add_flat(b, MDL_SVC_DYNAMODB, "write request units", when,
                         u->ddb_new_prices ? MDL_DDB_WRU : MDL_DDB_WRU_OLD, u->ddb_wru, 0, NULL,
                         err));
    if (u->ddb_rru > 0)
        SIM_TRY(add_flat(b, MDL_SVC_DYNAMODB, "read request units", when,
                         u->ddb_new_prices ? MDL_DDB_RRU : MDL_DDB_RRU_OLD, u->ddb_rru, 0, NULL,
                         err));
    if (u->ddb_wcu_hours > 0 || u->ddb_rcu_hours > 0) {
        /* 25 free units provisioned all month = 25 x hours-per-month. */
        SIM_TRY(mdl_catalog_need(b->cat, MDL_RULE_MONTH_HOURS, "provisioned capacity", err));
        double h = mdl_catalog_number(b->cat, MDL_RULE_MONTH_HOURS);
        if (u->ddb_wcu_hours > 0)
            SIM_TRY(add_flat(b, MDL_SVC_DYNAMODB, "provisioned write capacity", NULL,
                             MDL_DDB_WCU_HOURS, u->ddb_wcu_hours, fw * h, NULL, err));
        if (u->ddb_rcu_hours > 0)
            SIM_TRY(add_flat(b, MDL_SVC_DYNAMODB, "provisioned read capacity", NULL,
                             MDL_DDB_RCU_HOURS, u->ddb_rcu_hours, fr * h, NULL, err));
    }
    if (u->ddb_storage_gb_month > 0)
        SIM_TRY(add_flat(b, MDL_SVC_DYNAMODB, "storage", "Standard table class", MDL_DDB_STORAGE,
                         u->ddb_storage_gb_month, fs, NULL, err));
    return SIM_OK;
}

static sim_status bill_rekognition(mdl_bill *b, const mdl_usage *u, sim_error *err)
{
    double f = 0;
    SIM_TRY(allowance(b, MDL_FREE_REKOGNITION, &f, err));
    /* The 12-month allowance is 5,000 images per group. */
    if (u->rek_group1 > 0)
        SIM_TRY(add_tiered(b, MDL_SVC_REKOGNITION, "images", "group 1", MDL_REK_GROUP1,
                           u->rek_group1, f, NULL, err));
    if (u->rek_group2 > 0)
        SIM_TRY(add_tiered(b, MDL_SVC_REKOGNITION, "images", "group 2 (DetectLabels)",
                           MDL_REK_GROUP2, u->rek_group2, f, NULL, err));
    return SIM_OK;
}

static sim_status bill_efs(mdl_bill *b, const mdl_usage *u, sim_error *err)
{
    if (u->efs_standard_gb_month > 0)
        SIM_TRY(add_flat(b, MDL_SVC_EFS, "storage", "Standard", MDL_EFS_STANDARD,
                         u->efs_standard_gb_month, 0, NULL, err));
    if (u->efs_ia_gb_month > 0)
        SIM_TRY(add_flat(b, MDL_SVC_EFS, "storage", "Infrequent Access", MDL_EFS_IA,
                         u->efs_ia_gb_month, 0, NULL, err));
    if (u->efs_archive_gb_month > 0)
        SIM_TRY(add_flat(b, MDL_SVC_EFS, "storage", "Archive", MDL_EFS_ARCHIVE,
                         u->efs_archive_gb_month, 0, NULL, err));
    if (u->efs_read_gb > 0)
        SIM_TRY(add_flat(b, MDL_SVC_EFS, "elastic throughput", "reads", MDL_EFS_READ,
                         u->efs_read_gb, 0, NULL, err));
    if (u->efs_write_gb > 0)
        SIM_TRY(add_flat(b, MDL_SVC_EFS, "elastic throughput", "writes", MDL_EFS_WRITE,
                         u->efs_write_gb, 0, NULL, err));
    return SIM_OK;
}

static sim_status bill_ec2(mdl_bill *b, const mdl_usage *u, sim_error *err)
{
    (void)err;
    for (size_t i = 0; i < u->n_ec2; i++) {
        const mdl_usage_ec2 *e = &u->ec2[i];
        mdl_bill_line *l = add_line(b, MDL_SVC_EC2, "instance hours", e->type, e->hours, 0,
                                    "instance-hour", e->usd_per_hour,
                                    mdl_catalog_source(b->cat, MDL_EC2_ON_DEMAND));
        char a[48], r[48], t[48];
        calc_append(l, "%s instance-hours x %s USD = %s USD", fmt_num(e->hours, a, sizeof a),
                    fmt_num(e->usd_per_hour, r, sizeof r), fmt_num(l->usd, t, sizeof t));
    }
    return SIM_OK;
}

static sim_status bill_dto(mdl_bill *b, const mdl_usage *u, sim_error *err)
{
    double f = 0;
    SIM_TRY(allowance(b, MDL_FREE_DTO, &f, err));
    if (u->dto_gb > 0)
        SIM_TRY(add_tiered(b, MDL_SVC_DATA_TRANSFER, "internet out", NULL, MDL_DTO_INTERNET,
                           u->dto_gb, f, NULL, err));
    return SIM_OK;
}

static sim_status bill_function_url(mdl_bill *b, const mdl_usage *u, sim_error *err)
{
    /* Listed so the bill shows the front door is free; Lambda bills the
     * invocations (README "Reference facts", API Gateway). */
    return add_flat(b, MDL_SVC_FUNCTION_URL, "requests", "no charge; Lambda bills the invocation",
                    MDL_FURL_REQUESTS, u->function_url_requests, 0, NULL, err);
}

sim_status mdl_bill_compute(const mdl_catalog *cat, const mdl_usage *u, mdl_bill **out,
                            sim_error *err)
{
    typedef sim_status (*bill_fn)(mdl_bill *, const mdl_usage *, sim_error *);
    static const bill_fn fns[MDL_SVC_COUNT] = {
        [MDL_SVC_LAMBDA] = bill_lambda,
        [MDL_SVC_FUNCTION_URL] = bill_function_url,
        [MDL_SVC_APIGW] = bill_apigw,
        [MDL_SVC_SQS] = bill_sqs,
        [MDL_SVC_STEPFUNCTIONS] = bill_sfn,
        [MDL_SVC_S3] = bill_s3,
        [MDL_SVC_DYNAMODB] = bill_ddb,
        [MDL_SVC_REKOGNITION] = bill_rekognition,
        [MDL_SVC_EFS] = bill_efs,
        [MDL_SVC_EC2] = bill_ec2,
        [MDL_SVC_DATA_TRANSFER] = bill_dto,
    };
    *out = NULL;
    SIM_ASSERT(cat && u);
    mdl_bill *b = sim_xcalloc(1, sizeof *b);
    b->cat = cat;
    b->free_tier = u->free_tier;
    b->granularity_ms = u->granularity_ms;
    snprintf(b->month, sizeof b->month, "%s", u->month);
    for (int s = 0; s < MDL_SVC_COUNT; s++) {
        if (!u->present[s])
            continue;
        b->present[s] = true;
        sim_status st = fns[s](b, u, err);
        if (st != SIM_OK) {
            mdl_bill_destroy(b);
            return st;
        }
    }
    *out = b;
    return SIM_OK;
}

void mdl_bill_destroy(mdl_bill *b)
{
    if (!b)
        return;
    free(b->lines);
    free(b);
}

double mdl_bill_total_usd(const mdl_bill *b) { return b->total; }

double mdl_bill_service_usd(const mdl_bill *b, mdl_service s)
{
    SIM_ASSERT(s >= 0 && s < MDL_SVC_COUNT);
    return b->svc_usd[s];
}

bool mdl_bill_has_service(const mdl_bill *b, mdl_service s)
{
    SIM_ASSERT(s >= 0 && s < MDL_SVC_COUNT);
    return b->present[s];
}

size_t mdl_bill_line_count(const mdl_bill *b) { return b->n; }

const mdl_bill_line *mdl_bill_line_at(const mdl_bill *b, size_t i)
{
    SIM_ASSERT(i < b->n);
    return &b->lines[i];
}

static bool line_matches(const mdl_bill_line *l, mdl_service s, const char *item,
                         const char *prefix)
{
    return l->service == s && strcmp(l->item, item) == 0 &&
           (!prefix || strncmp(l->detail, prefix, strlen(prefix)) == 0);
}

double mdl_bill_item_usd(const mdl_bill *b, mdl_service s, const char *item,
                         const char *detail_prefix)
{
    double sum = 0;
    for (size_t i = 0; i < b->n; i++)
        if (line_matches(&b->lines[i], s, item, detail_prefix))
            sum += b->lines[i].usd;
    return sum;
}

double mdl_bill_item_quantity(const mdl_bill *b, mdl_service s, const char *item,
                              const char *detail_prefix)
{
    double sum = 0;
    for (size_t i = 0; i < b->n; i++)
        if (line_matches(&b->lines[i], s, item, detail_prefix))
            sum += b->lines[i].quantity;
    return sum;
}

/* ---- output ------------------------------------------------------------------ */

json_object *mdl_bill_to_json(const mdl_bill *b)
{
    json_object *root = json_object_new_object();
    sim_json_add_string(root, "region", mdl_catalog_region(b->cat));
    sim_json_add_double(root, "total_usd", b->total);
    sim_json_add_string(root, "catalog", mdl_catalog_path(b->cat));
    sim_json_add_string(root, "effective_date", mdl_catalog_effective_date(b->cat));
    sim_json_add_string(root, "free_tier", mdl_free_tier_name(b->free_tier));
    sim_json_add_int(root, "billing_granularity_ms", b->granularity_ms);
    sim_json_add_string(root, "month", b->month);
    json_object *svcs = json_object_new_object();
    for (int s = 0; s < MDL_SVC_COUNT; s++) {
        if (!b->present[s])
            continue;
        json_object *so = json_object_new_object();
        json_object *lines = json_object_new_array();
        sim_json_add_double(so, "total_usd", b->svc_usd[s]);
        for (size_t i = 0; i < b->n; i++) {
            const mdl_bill_line *l = &b->lines[i];
            if (l->service != (mdl_service)s)
                continue;
            json_object *lo = json_object_new_object();
            sim_json_add_string(lo, "item", l->item);
            sim_json_add_string(lo, "detail", l->detail);
            sim_json_add_double(lo, "quantity", l->quantity);
            sim_json_add_string(lo, "unit", l->unit);
            sim_json_add_double(lo, "rate_usd", l->rate_usd);
            sim_json_add_double(lo, "usd", l->usd);
            sim_json_add_double(lo, "free_quantity", l->free_quantity);
            sim_json_add_string(lo, "calculation", l->calc);
            sim_json_add_string(lo, "source", l->source ? l->source : "");
            json_object_array_add(lines, lo);
        }
        json_object_object_add(so, "lines", lines);
        json_object_object_add(svcs, mdl_service_name((mdl_service)s), so);
    }
    json_object_object_add(root, "services", svcs);
    return root;
}

/* A string member of a bill line ("" when absent). */
static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

static double jnum(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : 0;
}

void mdl_bill_print_json(json_object *bill, FILE *fp)
{
    fprintf(fp, "Monthly AWS estimate: %s, catalogue %s (effective %s)\n", jstr(bill, "region"),
            jstr(bill, "catalog"), jstr(bill, "effective_date"));
    fprintf(fp, "month %s, free tier %s, Lambda billing granularity %d ms\n\n", jstr(bill, "month"),
            jstr(bill, "free_tier"), (int)jnum(bill, "billing_granularity_ms"));
    fprintf(fp, "%-60s %18s %-13s %14s %14s\n", "service / item", "quantity", "unit",
            "rate (USD)", "USD");
    json_object *svcs;
    if (json_object_object_get_ex(bill, "services", &svcs)) {
        json_object_object_foreach(svcs, name, so) {
            fprintf(fp, "%-60s %18s %-13s %14s %14.4f\n", name, "", "", "", jnum(so, "total_usd"));
            json_object *lines;
            if (!json_object_object_get_ex(so, "lines", &lines)) continue;
            for (size_t i = 0; i < json_object_array_length(lines); i++) {
                json_object *l = json_object_array_get_idx(lines, i);
                const char *detail = jstr(l, "detail");
                char label[256], q[48], r[48];
                snprintf(label, sizeof label, "  %s%s%s", jstr(l, "item"), detail[0] ? ": " : "",
                         detail);
                fprintf(fp, "%-60s %18s %-13s %14s %14.4f\n", label,
                        fmt_num(jnum(l, "quantity"), q, sizeof q), jstr(l, "unit"),
                        fmt_num(jnum(l, "rate_usd"), r, sizeof r), jnum(l, "usd"));
                fprintf(fp, "      = %s\n", jstr(l, "calculation"));
            }
        }
    }
    fprintf(fp, "%-60s %18s %-13s %14s %14.2f\n", "TOTAL (USD)", "", "", "", jnum(bill, "total_usd"));
}

void mdl_bill_print_text(const mdl_bill *b, FILE *fp)
{
    json_object *j = mdl_bill_to_json(b);
    mdl_bill_print_json(j, fp);
    json_object_put(j);
}
