/* test_month.c - the month a run projects matches `lambdasim cost` (issue 17).
 *
 * The gallery of the issue: 2 M uploads of 3.4 MB and 20 M views of 30 KB a
 * month behind an HTTP API, run for a day with a generated mix.  The test
 * takes the usage the run metered, checks it against what the workload must
 * have caused (one S3 PUT per upload, one 30 KB response out per view, 7
 * HTTP API units per 3.4 MB upload), scales it to the month by hand (flows
 * times 730 h / 24 h; S3 and DynamoDB storage as the average of a stock
 * growing from 0: half the month's additions), writes it as a usage file,
 * prices that through the path of `lambdasim cost` (mdl_usage_from_json,
 * mdl_bill_compute) and asks every service of the run's monthly bill to
 * agree within 1%.  Lambda's duration is given as two usage lines (floor
 * and floor + 1 ms) so that "billed as one invocation would be" reproduces
 * the metered billed milliseconds exactly.
 *
 * Then month_index 3 bills the S3 stock of the third month (2.5 months of
 * growth on average), and initial_gb adds to it.
 */
#include "tests/check.h"
#include "tests/platform_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/pricing/mdl_bill.h"
#include "models/pricing/mdl_usage.h"
#include "models/scenario/mdl_scenario.h"

#define HOURS 730.0
#define UPLOAD_B 3400000.0   /* 3.4 MB */
#define VIEW_B 30000.0       /* 30 KB */

/* 22 M requests a month, 2 M of them uploads. */
static char *gallery(const char *extra)
{
    char *t = malloc(4096);
    snprintf(t, 4096,
        "{ \"duration_s\": 86400, \"seed\": 3, %s"
        "  \"workload\": { \"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": %.10g },"
        "    \"mix\": { \"view\": 20, \"upload\": 2 },"
        "    \"payload_bytes\": 1024, \"payload_bytes_by_op\": { \"view\": %.0f, \"upload\": %.0f } },"
        "  \"entry\": { \"type\": \"apigw_http\", \"routes\": { \"view\": \"view\", \"upload\": \"upload\" } },"
        "  \"functions\": {"
        "    \"view\": { \"memory_mb\": 512, \"timeout_s\": 10,"
        "      \"service_time\": { \"warm\": { \"dist\": \"lognormal\", \"mean_ms\": 40, \"cv\": 0.5 } },"
        "      \"init\": { \"dist\": \"lognormal\", \"mean_ms\": 250, \"cv\": 0.3 },"
        "      \"calls\": [ { \"service\": \"dynamodb\", \"op\": \"read\", \"item_kb\": 2 },"
        "                 { \"service\": \"s3\", \"op\": \"get\", \"bytes\": %.0f } ] },"
        "    \"upload\": { \"memory_mb\": 1024, \"timeout_s\": 30,"
        "      \"service_time\": { \"warm\": { \"dist\": \"lognormal\", \"mean_ms\": 60, \"cv\": 0.5 } },"
        "      \"init\": { \"dist\": \"lognormal\", \"mean_ms\": 400, \"cv\": 0.3 },"
        "      \"calls\": [ { \"service\": \"s3\", \"op\": \"put\", \"bytes\": \"request\" },"
        "                 { \"service\": \"dynamodb\", \"op\": \"write\", \"item_kb\": 1 } ] } } }",
        extra, 22e6 / (HOURS * 3600), VIEW_B, UPLOAD_B, VIEW_B);
    return t;
}

static const mdl_usage_fn *fn_named(const mdl_usage *u, const char *name)
{
    for (size_t i = 0; i < u->n_fn; i++)
        if (strcmp(u->fn[i].name, name) == 0) return &u->fn[i];
    return NULL;
}

/* Two usage lines for one function: R requests billed B ms in all, as
 * R1 x floor(B/R) ms + R2 x (floor + 1) ms (exact at 1 ms granularity). */
static int lambda_lines(char *buf, size_t n, const mdl_usage_fn *f, double k)
{
    double r = f->requests * k, b = f->billed_ms * k, fl = floor(b / r);
    double r2 = b - r * fl, r1 = r - r2;
    return snprintf(buf, n,
                    "{\"name\": \"%s-a\", \"memory_mb\": %g, \"requests\": %.17g, \"avg_duration_ms\": %.17g},"
                    "{\"name\": \"%s-b\", \"memory_mb\": %g, \"requests\": %.17g, \"avg_duration_ms\": %.17g}",
                    f->name, f->memory_mb, r1, fl, f->name, f->memory_mb, r2, fl + 1);
}

/* The month of the run's usage, scaled by hand, as a usage file. */
static char *usage_by_hand(const mdl_usage *u, double k, double s3_gb_month, double ddb_gb_month)
{
    const mdl_usage_fn *view = fn_named(u, "view"), *upload = fn_named(u, "upload");
    char lv[1024], lu[1024];
    lambda_lines(lv, sizeof lv, view, k);
    lambda_lines(lu, sizeof lu, upload, k);
    char *t = malloc(8192);
    snprintf(t, 8192,
             "{ \"free_tier\": \"none\", \"month\": \"%s\", \"lambda\": [ %s, %s ],"
             "  \"apigw\": [ { \"type\": \"http\", \"requests\": %.17g, \"avg_request_kb\": 1 } ],"
             "  \"s3\": { \"storage_gb_month\": %.17g, \"put_requests\": %.17g, \"get_requests\": %.17g },"
             "  \"dynamodb\": { \"write_request_units\": %.17g, \"read_request_units\": %.17g,"
             "                \"storage_gb_month\": %.17g },"
             "  \"data_transfer_out_gb\": %.17g }",
             u->month, lv, lu, u->apigw_http_requests * k, s3_gb_month, u->s3_put * k,
             u->s3_get * k, u->ddb_wru * k, u->ddb_rru * k, ddb_gb_month, u->dto_gb * k);
    return t;
}

static mdl_bill *price_usage(const char *text, mdl_catalog **cat, mdl_meter **m)
{
    sim_json_doc doc;
    sim_error err;
    mdl_bill *bill = NULL;
    if (sim_json_doc_parse(&doc, text, "by-hand.json", &err) != SIM_OK ||
        mdl_usage_from_json(&doc, "data", NULL, cat, m, &err) != SIM_OK ||
        mdl_bill_compute(*cat, mdl_meter_usage(*m), &bill, &err) != SIM_OK) {
        printf("usage by hand: %s\n%s\n", err.msg, text);
        bill = NULL;
    }
    sim_json_doc_fini(&doc);
    return bill;
}

/* What the workload must have caused, counted independently. */
static void check_metered(const mdl_usage *u, json_object *r)
{
    const mdl_usage_fn *view = fn_named(u, "view"), *upload = fn_named(u, "upload");
    CHECK(view && upload, "both functions metered");
    if (!view || !upload) return;
    double views = J(r, "functions.view.invocations"), uploads = J(r, "functions.upload.invocations");
    CHECK(J(r, "requests.failed") == 0, "no request failed (%g)", J(r, "requests.failed"));
    CHECK_REL(views / (views + uploads), 20.0 / 22, 0.01, "the mix: 20 views in 22");
    CHECK_ABS(u->s3_put, uploads, 0.5, "one S3 PUT per upload");
    /* Invocations count as they start: a view may still be running at the end. */
    CHECK_ABS(u->s3_get, views, 2, "one S3 GET per view");
    /* A 3.4 MB upload is 7 HTTP API units of 512 KB; a view's request 1. */
    CHECK_ABS(u->apigw_http_requests, views + 7 * uploads, 0.5, "HTTP API units");
    CHECK_ABS(u->dto_gb, views * VIEW_B / 1e9, 2 * VIEW_B / 1e9, "every view's 30 KB response left AWS");
}

static void the_month(void)
{
    char *t = gallery("");
    mdl_config cfg;
    mdl_scenario *s = build_text(t, 3, &cfg);
    free(t);
    CHECK(s != NULL, "the gallery builds");
    if (!s) return;
    sim_error err;
    CHECK(mdl_scenario_run(s, &err) == SIM_OK, "the gallery runs: %s", err.msg);
    json_object *r = mdl_scenario_results(s);
    const mdl_usage *u = mdl_scenario_usage(s);
    check_metered(u, r);
    double k = HOURS * 3600 / 86400;
    /* Stocks from 0, month 1: the average is half of what the month adds. */
    double s3_gb = u->s3_put * UPLOAD_B / 1e9 * k / 2;
    double ddb_gb = u->ddb_wru * 1024 / 1e9 * k / 2;
    char *text = usage_by_hand(u, k, s3_gb, ddb_gb);
    mdl_catalog *cat = NULL;
    mdl_meter *m = NULL;
    mdl_bill *hand = price_usage(text, &cat, &m);
    const mdl_bill *month = mdl_scenario_bill_month(s);
    CHECK(hand && month, "both bills computed");
    static const mdl_service svcs[] = { MDL_SVC_LAMBDA, MDL_SVC_APIGW, MDL_SVC_S3,
                                        MDL_SVC_DYNAMODB, MDL_SVC_DATA_TRANSFER };
    printf("the month of the gallery (a day, generated mix), USD:\n");
    printf("  %-14s %12s %12s\n", "service", "run", "cost by hand");
    for (size_t i = 0; hand && month && i < sizeof svcs / sizeof svcs[0]; i++) {
        double a = mdl_bill_service_usd(month, svcs[i]), b = mdl_bill_service_usd(hand, svcs[i]);
        printf("  %-14s %12.2f %12.2f\n", mdl_service_name(svcs[i]), a, b);
        CHECK(b > 0, "%s billed", mdl_service_name(svcs[i]));
        CHECK_REL(a, b, 0.01, mdl_service_name(svcs[i]));
    }
    if (hand && month) {
        printf("  %-14s %12.2f %12.2f\n", "total", mdl_bill_total_usd(month), mdl_bill_total_usd(hand));
        CHECK_REL(mdl_bill_total_usd(month), mdl_bill_total_usd(hand), 0.01, "the month's total");
        CHECK_REL(J(r, "cost.monthly.total_usd"), mdl_bill_total_usd(month), 1e-12, "cost.monthly in the results");
        CHECK_REL(J(r, "cost.monthly.stocks.s3.average_gb"), s3_gb, 1e-9, "S3's average stock");
        CHECK(J(r, "cost.monthly.services.s3.total_usd") > 20 * J(r, "cost.services.s3.total_usd"),
              "the month's S3 is not a day's storage times 30");
    }
    free(text);
    mdl_bill_destroy(hand);
    mdl_meter_destroy(m);
    mdl_catalog_destroy(cat);
    json_object_put(r);
    mdl_scenario_destroy(s);
    mdl_config_fini(&cfg);
}

/* Month 3 of the same growth, and a stock that starts at 1000 GB. */
static void later_months(void)
{
    char *t1 = gallery(""), *t3 = gallery("\"billing\": { \"month_index\": 3 },"),
         *ti = gallery("\"services\": { \"s3\": { \"initial_gb\": 1000 } },");
    json_object *r1 = run_text(t1, 3), *r3 = run_text(t3, 3), *ri = run_text(ti, 3);
    double g = J(r1, "cost.monthly.stocks.s3.growth_gb_per_month");
    CHECK(g > 6000 && g < 7600, "about 6.8 TB added a month (%g GB)", g);
    CHECK_REL(J(r3, "cost.monthly.stocks.s3.average_gb"), 2.5 * g, 1e-9, "month 3: 2.5 months of growth");
    CHECK_REL(J(ri, "cost.monthly.stocks.s3.average_gb"), 1000 + 0.5 * g, 1e-9, "initial_gb adds");
    CHECK_REL(J(r3, "cost.monthly.services.lambda.total_usd"),
              J(r1, "cost.monthly.services.lambda.total_usd"), 1e-12, "flows do not depend on the month");
    /* The span's storage: the stock's integral over the day, initial included. */
    CHECK_REL(J(ri, "cost.services.s3.total_usd") - J(r1, "cost.services.s3.total_usd"),
              1000 * 86400 / (HOURS * 3600) * 0.023, 1e-6, "a day of 1000 GB in the span's bill");
    json_object_put(r1);
    json_object_put(r3);
    json_object_put(ri);
    free(t1);
    free(t3);
    free(ti);
}

int main(void)
{
    the_month();
    later_months();
    return check_report("month");
}
