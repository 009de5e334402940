/* rpt_cmd_demo.c - `lambdasim demo`: the photo-gallery scenario, end to end.
 *
 * The demo is the one command a newcomer runs: the synchronous gallery
 * path (view and upload through the API, with S3 and DynamoDB) on the
 * bundled day trace, behind a Function URL, an HTTP API and a REST API,
 * same seed, side by side.  It writes the full report (report.html with
 * inline charts, summary.json, timeseries.csv, report.md, charts/) into
 * ./lambdasim-demo/ (or --out) and prints a summary of about ten lines.  The
 * configs and the trace come from the data folder (rpt_cli_data.h), so
 * an installed lambdasim runs the demo from any folder.
 * The designs run one after the other: each is a few milliseconds of
 * simulation, so threads would only add noise.  A second comparison puts the
 * seed's Solution 1 (one Lambda doing CheckImage, Resize and Grayscale)
 * against Solution 2 (Step Functions orchestrating three Lambdas, the bundled
 * ASL definition) for a simulated day; its report goes to DIR/pipeline/.
 */
#include "reports/cli/rpt_cmd.h"
#include "reports/cli/rpt_cli_data.h"
#include "models/scenario/mdl_scenario.h"
#include "reports/page/rpt_report.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char k_usage[] =
    "usage: lambdasim demo [--out DIR] [--data DIR] [--seed N] [--png]\n"
    "\n"
    "Runs the photo-gallery demo: the synchronous gallery path (view and upload\n"
    "through the API, with S3 and DynamoDB) on the bundled day trace\n"
    "(traces/gallery_day.csv of the data folder) behind a Function URL, an\n"
    "HTTP API and a REST API, side by side, and writes the report into DIR\n"
    "(default ./lambdasim-demo): report.html, summary.json, timeseries.csv,\n"
    "report.md, charts/*.svg (--png adds PNG charts).  Then Solution 1 (one\n"
    "Lambda) against Solution 2 (Step Functions) for the image pipeline, into\n"
    "DIR/pipeline/.\n"
    "  --out DIR    where the report goes (default ./lambdasim-demo)\n"
    "  --data DIR   the data folder (default: $LAMBDASIM_DATA, else the\n"
    "               installed share/lambdasim, else ./data)\n"
    "  --seed N     the master seed (default 1)\n"
    "  --png        also charts/*.png\n";

/* The designs: one front door each. */
static const struct { const char *name, *entry; } k_designs[] = {
    { "function_url", "function_url" },
    { "apigw_http", "apigw_http" },
    { "apigw_rest", "apigw_rest" },
};
#define NDESIGNS ((int)(sizeof k_designs / sizeof k_designs[0]))

typedef struct demo_design {
    mdl_config cfg;
    bool loaded;
    json_object *results;
    mdl_ts_row *ts;
    size_t nts;
} demo_design;

static sim_status demo_run_one(demo_design *dd, const char *data, const char *config,
                               const char *entry, const char *trace, uint64_t seed,
                               sim_error *err)
{
    sim_json_doc doc;
    SIM_TRY(sim_json_doc_load(&doc, config, err));
    json_object *e = NULL;
    if (!json_object_object_get_ex(doc.root, "entry", &e) || !json_object_is_type(e, json_type_object)) {
        sim_json_doc_fini(&doc);
        SIM_FAIL(err, SIM_EMISSING, config, 0, "entry", "the demo config needs an entry object");
    }
    if (entry) json_object_object_add(e, "type", json_object_new_string(entry));
    mdl_config_opts opts = { .data_dir = data };
    sim_status st = mdl_config_from_doc(&dd->cfg, &doc, &opts, err);
    sim_json_doc_fini(&doc);
    SIM_TRY(st);
    dd->loaded = true;
    if (trace) SIM_TRY(mdl_config_use_trace(&dd->cfg, trace, err));
    mdl_scenario *sc = NULL;
    SIM_TRY(mdl_scenario_create(&dd->cfg, seed, 0, &sc, err));
    mdl_scenario_enable_timeseries(sc, RPT_TS_INTERVAL_S);
    st = mdl_scenario_run(sc, err);
    if (st == SIM_OK) {
        dd->results = mdl_scenario_results(sc);
        json_object_object_add(dd->results, "config", json_object_get(dd->cfg.effective));
        const mdl_ts_row *rows = mdl_scenario_timeseries(sc, &dd->nts);
        dd->ts = sim_xmalloc((dd->nts ? dd->nts : 1) * sizeof *dd->ts);
        if (dd->nts) memcpy(dd->ts, rows, dd->nts * sizeof *dd->ts);
    }
    mdl_scenario_destroy(sc);
    return st;
}

static void demo_free(demo_design *d, int n)
{
    for (int i = 0; i < n; i++) {
        json_object_put(d[i].results);
        free(d[i].ts);
        if (d[i].loaded) mdl_config_fini(&d[i].cfg);
    }
}

/* Solution 1 vs Solution 2: its own report in out/pipeline, 3 lines. */
static int demo_pipeline(const char *data, const char *out, uint64_t seed, bool png, sim_error *err)
{
    static const struct { const char *name, *file; } k_sol[] = {
        { "solution1_one_lambda", "pipeline_solution1_one_lambda.json" },
        { "solution2_stepfunctions", "pipeline_solution2_stepfunctions.json" },
    };
    demo_design d[2];
    memset(d, 0, sizeof d);
    char cfg[2][1024], dir[1100];
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        snprintf(cfg[i], sizeof cfg[i], "%s/architectures/%s", data, k_sol[i].file);
        if (demo_run_one(&d[i], data, cfg[i], NULL, NULL, seed, err) != SIM_OK) rc = sim_cli_fail(err);
    }
    if (rc == 0) {
        json_object *doc = json_object_new_object();
        sim_json_add_string(doc, "title", "lambdasim demo: Solution 1 (one Lambda) vs Solution 2 (Step Functions)");
        sim_json_add_int(doc, "seed", (int64_t)seed);
        rpt_design rd[2];
        const char *cfgs[2];
        for (int i = 0; i < 2; i++) {
            rd[i] = (rpt_design){ k_sol[i].name, d[i].results, d[i].ts, d[i].nts };
            cfgs[i] = cfg[i];
        }
        rpt_report_add_designs(doc, rd, 2, cfgs);
        snprintf(dir, sizeof dir, "%s/pipeline", out);
        rpt_report_opts ro = { .title = "Image pipeline: Solution 1 (one Lambda) vs Solution 2 (Step Functions)",
                               .subtitle = "CheckImage, Resize and Grayscale for every upload over a simulated day; "
                                           "Solution 2 runs Resize and Grayscale in parallel and pays per state transition.",
                               .summary = doc, .png = png, .data_dir = data };
        if (rpt_report_write(dir, &ro, rd, 2, err) != SIM_OK) rc = sim_cli_fail(err);
        json_object_put(doc);
    }
    if (rc == 0) {
        for (int i = 0; i < 2; i++)
            printf("%-24s p50 %7.1f ms  p99 %7.1f ms  %.0f transitions  %8.2f USD/month\n", k_sol[i].name,
                   sim_json_number_at(d[i].results, "requests.latency_ms.p50"),
                   sim_json_number_at(d[i].results, "requests.latency_ms.p99"),
                   i ? sim_json_number_at(d[i].results, "stepfunctions.transitions") : 0.0,
                   sim_json_number_at(d[i].results, "cost.monthly_projection.total_usd"));
        printf("pipeline report: %s/report.html\n", dir);
    }
    demo_free(d, 2);
    return rc;
}

static double cold_starts(json_object *r)
{
    json_object *fns;
    double n = 0;
    if (json_object_object_get_ex(r, "functions", &fns)) {
        json_object_object_foreach(fns, k, f) {
            (void)k;
            n += sim_json_number_at(f, "cold_starts");
        }
    }
    return n;
}

/* The ~10-line summary. */
static void demo_print(const demo_design *d, const char *trace, const char *out, double wall)
{
    printf("lambdasim demo: photo gallery, %s (%.0f requests over %.0f h), seed %.0f\n", trace,
           sim_json_number_at(d[0].results, "requests.arrivals"),
           sim_json_number_at(d[0].results, "config.duration_s") / 3600,
           sim_json_number_at(d[0].results, "seed"));
    printf("%-14s %9s %9s %9s %8s %6s %12s\n", "front door", "p50 ms", "p95 ms", "p99 ms",
           "failed", "cold", "cost USD");
    int best_lat = 0, best_cost = -1;
    for (int i = 0; i < NDESIGNS; i++) {
        json_object *r = d[i].results;
        double cost = sim_json_number_at(r, "cost.total_usd");
        char cbuf[32];
        if (isfinite(cost)) snprintf(cbuf, sizeof cbuf, "%.4f", cost);
        else snprintf(cbuf, sizeof cbuf, "-");
        printf("%-14s %9.1f %9.1f %9.1f %8.0f %6.0f %12s\n", k_designs[i].name,
               sim_json_number_at(r, "requests.latency_ms.p50"), sim_json_number_at(r, "requests.latency_ms.p95"),
               sim_json_number_at(r, "requests.latency_ms.p99"), sim_json_number_at(r, "requests.failed"),
               cold_starts(r), cbuf);
        if (sim_json_number_at(r, "requests.latency_ms.p95") <
            sim_json_number_at(d[best_lat].results, "requests.latency_ms.p95"))
            best_lat = i;
        if (isfinite(cost) && (best_cost < 0 || cost < sim_json_number_at(d[best_cost].results, "cost.total_usd")))
            best_cost = i;
    }
    /* The main failure cause, if any: the reader should know why. */
    char why[160] = "";
    json_object *fail;
    if (json_object_object_get_ex(json_object_object_get(d[0].results, "requests"), "failures", &fail)) {
        const char *top = NULL;
        double nt = 0;
        json_object_object_foreach(fail, k, v) {
            if (json_object_get_double(v) > nt) { nt = json_object_get_double(v); top = k; }
        }
        if (top) snprintf(why, sizeof why, "; failures mostly %s (%.0f)", top, nt);
    }
    if (best_cost >= 0)
        printf("lowest p95: %s; lowest cost: %s%s\n", k_designs[best_lat].name,
               k_designs[best_cost].name, why);
    else
        printf("lowest p95: %s; cost not priced%s\n", k_designs[best_lat].name, why);
    printf("%d front doors simulated and reported in %.2f s\n", NDESIGNS, wall);
    printf("report: %s/report.html\n", out);
}

int rpt_cmd_demo(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        return 0;
    }
    sim_error err;
    sim_error_clear(&err);
    const char *out = "lambdasim-demo", *data = NULL, *v, *seed_s = NULL;
    bool png = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--png") == 0) png = true;
        else if (sim_cli_opt(argc, argv, &i, "--out", &v, &err)) out = v;
        else if (sim_cli_opt(argc, argv, &i, "--data", &v, &err)) data = v;
        else if (sim_cli_opt(argc, argv, &i, "--seed", &v, &err)) seed_s = v;
        else return sim_cli_usage_error("demo", "unknown option '%s'", argv[i]);
        if (err.code) return sim_cli_usage_error("demo", "%s", err.msg);
    }
    int64_t seed = 1;
    if ((seed_s && sim_cli_parse_int("--seed", seed_s, 0, INT64_MAX, &seed, &err) != SIM_OK) ||
        rpt_cli_data_dir(data, &data, &err) != SIM_OK)
        return sim_cli_fail(&err);
    char config[1024], trace[1024];
    snprintf(config, sizeof config, "%s/architectures/gallery_sync.json", data);
    snprintf(trace, sizeof trace, "%s/traces/gallery_day.csv", data);
    double t0 = sim_wall_seconds();
    demo_design d[NDESIGNS];
    memset(d, 0, sizeof d);
    int rc = 0;
    for (int i = 0; i < NDESIGNS && rc == 0; i++)
        if (demo_run_one(&d[i], data, config, k_designs[i].entry, trace, (uint64_t)seed, &err) != SIM_OK)
            rc = sim_cli_fail(&err);
    if (rc == 0) {
        json_object *doc = json_object_new_object();
        sim_json_add_string(doc, "title", "lambdasim demo: photo gallery, three front doors");
        sim_json_add_string(doc, "config", config);
        sim_json_add_string(doc, "trace", trace);
        sim_json_add_int(doc, "seed", seed);
        rpt_design rd[NDESIGNS];
        for (int i = 0; i < NDESIGNS; i++)
            rd[i] = (rpt_design){ k_designs[i].name, d[i].results, d[i].ts, d[i].nts };
        rpt_report_add_designs(doc, rd, NDESIGNS, NULL);
        char sub[2300];
        snprintf(sub, sizeof sub, "The synchronous gallery path (%s) on the day trace %s, seed %lld: "
                 "Function URL vs HTTP API vs REST API.", config, trace, (long long)seed);
        rpt_report_opts ro = { .title = "lambdasim demo: photo gallery, three front doors",
                               .subtitle = sub, .summary = doc, .png = png, .data_dir = data };
        if (rpt_report_write(out, &ro, rd, NDESIGNS, &err) != SIM_OK) rc = sim_cli_fail(&err);
        json_object_put(doc);
        if (rc == 0) demo_print(d, trace, out, sim_wall_seconds() - t0);
    }
    demo_free(d, NDESIGNS);
    if (rc == 0) rc = demo_pipeline(data, out, (uint64_t)seed, png, &err);
    return rc;
}
