/* rpt_cmd_demo.c - `lambdasim demo`: the photo-gallery scenario, end to end.
 *
 * The demo is the one command a newcomer runs: the synchronous gallery
 * path (view and upload through the API, with S3 and DynamoDB) on the
 * bundled day trace, behind a Function URL, an HTTP API and a REST API,
 * same seed, side by side.  It writes the full report (report.html with
 * inline charts, summary.json, timeseries.csv, report.md, charts/) into
 * reports/out/demo/ (or --out) and prints a summary of about ten lines.
 * The designs run one after the other: each is a few milliseconds of
 * simulation, so threads would only add noise.  A second comparison puts the
 * seed's Solution 1 (one Lambda doing CheckImage, Resize and Grayscale)
 * against Solution 2 (Step Functions orchestrating three Lambdas, the bundled
 * ASL definition) for a simulated day; its report goes to DIR/pipeline/.
 */
#include "reports/cli/rpt_cmd.h"
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
    "(data/traces/gallery_day.csv) behind a Function URL, an HTTP API and a\n"
    "REST API, side by side, and writes the report into DIR (default\n"
    "reports/out/demo): report.html, summary.json, timeseries.csv, report.md,\n"
    "charts/*.svg (--png adds PNG charts).  Then Solution 1 (one Lambda) against\n"
    "Solution 2 (Step Functions) for the image pipeline, into DIR/pipeline/.\n"
    "--data names the data folder (default: $LAMBDASIM_DATA, else ./data);\n"
    "--seed the master seed (default 1).\n";

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

static sim_status demo_run_one(demo_design *dd, const char *config, const char *entry,
                               const char *trace, uint64_t seed, sim_error *err)
{
    sim_json_doc doc;
    SIM_TRY(sim_json_doc_load(&doc, config, err));
    json_object *e = NULL;
    if (!json_object_object_get_ex(doc.root, "entry", &e) || !json_object_is_type(e, json_type_object)) {
        sim_json_doc_fini(&doc);
        SIM_FAIL(err, SIM_EMISSING, config, 0, "entry", "the demo config needs an entry object");
    }
    if (entry) json_object_object_add(e, "type", json_object_new_string(entry));
    sim_status st = mdl_config_from_doc(&dd->cfg, &doc, err);
    sim_json_doc_fini(&doc);
    SIM_TRY(st);
    dd->loaded = true;
    if (trace) mdl_config_use_trace(&dd->cfg, trace);
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

static const struct { const char *name, *file; } k_sol[] = {
    { "solution1_one_lambda", "pipeline_solution1_one_lambda.json" },
    { "solution2_stepfunctions", "pipeline_solution2_stepfunctions.json" },
};

/* Solution 1 vs Solution 2: its own report in dir/pipeline (d: 2 designs,
 * zeroed by the caller, freed by the caller). */
static int demo_pipeline(const char *data, const char *dir, uint64_t seed, bool png,
                         demo_design *d, sim_error *err)
{
    char cfg[2][1024], sub[1100];
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        snprintf(cfg[i], sizeof cfg[i], "%s/architectures/%s", data, k_sol[i].file);
        if (demo_run_one(&d[i], cfg[i], NULL, NULL, seed, err) != SIM_OK) rc = sim_cli_fail(err);
    }
    if (rc == 0) {
        json_object *doc = json_object_new_object();
        sim_json_add_string(doc, "title", "lambdasim demo: Solution 1 (one Lambda) vs Solution 2 (Step Functions)");
        sim_json_add_int(doc, "seed", (int64_t)seed);
        json_object *arr = json_object_new_array();
        rpt_design rd[2];
        for (int i = 0; i < 2; i++) {
            json_object *o = json_object_new_object();
            sim_json_add_string(o, "name", k_sol[i].name);
            sim_json_add_string(o, "config", cfg[i]);
            json_object_object_add(o, "results", json_object_get(d[i].results));
            json_object_array_add(arr, o);
            rd[i] = (rpt_design){ k_sol[i].name, d[i].results, d[i].ts, d[i].nts };
        }
        json_object_object_add(doc, "designs", arr);
        snprintf(sub, sizeof sub, "%s/pipeline", dir);
        rpt_report_opts ro = { .title = "Image pipeline: Solution 1 (one Lambda) vs Solution 2 (Step Functions)",
                               .subtitle = "CheckImage, Resize and Grayscale for every upload over a simulated day; "
                                           "Solution 2 runs Resize and Grayscale in parallel and pays per state transition.",
                               .summary = doc, .png = png };
        if (rpt_report_write(sub, &ro, rd, 2, err) != SIM_OK) rc = sim_cli_fail(err);
        json_object_put(doc);
    }
    return rc;
}

/* The pipeline's 3 lines. */
static void pipeline_print(const demo_design *d, const char *out)
{
    for (int i = 0; i < 2; i++)
        printf("%-24s p50 %7.1f ms  p99 %7.1f ms  %.0f transitions  %8.2f USD/month\n", k_sol[i].name,
               sim_json_number_at(d[i].results, "requests.latency_ms.p50"),
               sim_json_number_at(d[i].results, "requests.latency_ms.p99"),
               i ? sim_json_number_at(d[i].results, "stepfunctions.transitions") : 0.0,
               sim_json_number_at(d[i].results, "cost.monthly_projection.total_usd"));
    printf("pipeline report: %s/pipeline/report.html\n", out);
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

/* The front-door report into dir. */
static int demo_report(const demo_design *d, const char *config, const char *trace, int64_t seed,
                       bool png, const char *dir, sim_error *err)
{
    json_object *doc = json_object_new_object();
    sim_json_add_string(doc, "title", "lambdasim demo: photo gallery, three front doors");
    sim_json_add_string(doc, "config", config);
    sim_json_add_string(doc, "trace", trace);
    sim_json_add_int(doc, "seed", seed);
    json_object *arr = json_object_new_array();
    rpt_design rd[NDESIGNS];
    for (int i = 0; i < NDESIGNS; i++) {
        json_object *o = json_object_new_object();
        sim_json_add_string(o, "name", k_designs[i].name);
        json_object_object_add(o, "results", json_object_get(d[i].results));
        json_object_array_add(arr, o);
        rd[i] = (rpt_design){ k_designs[i].name, d[i].results, d[i].ts, d[i].nts };
    }
    json_object_object_add(doc, "designs", arr);
    char sub[2300];
    snprintf(sub, sizeof sub, "The synchronous gallery path (%s) on the day trace %s, seed %lld: "
             "Function URL vs HTTP API vs REST API.", config, trace, (long long)seed);
    rpt_report_opts ro = { .title = "lambdasim demo: photo gallery, three front doors",
                           .subtitle = sub, .summary = doc, .png = png };
    int rc = rpt_report_write(dir, &ro, rd, NDESIGNS, err) != SIM_OK ? sim_cli_fail(err) : 0;
    json_object_put(doc);
    return rc;
}

int rpt_cmd_demo(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        return 0;
    }
    sim_error err;
    sim_error_clear(&err);
    const char *out = "reports/out/demo", *data = getenv("LAMBDASIM_DATA"), *v, *seed_s = NULL;
    bool png = false;
    if (!data || !data[0]) data = "data";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--png") == 0) png = true;
        else if (sim_cli_opt(argc, argv, &i, "--out", &v, &err)) out = v;
        else if (sim_cli_opt(argc, argv, &i, "--data", &v, &err)) data = v;
        else if (sim_cli_opt(argc, argv, &i, "--seed", &v, &err)) seed_s = v;
        else return sim_cli_usage_error("demo", "unknown option '%s'", argv[i]);
        if (err.code) return sim_cli_usage_error("demo", "%s", err.msg);
    }
    int64_t seed = 1;
    if (seed_s && sim_cli_parse_int("--seed", seed_s, 0, INT64_MAX, &seed, &err) != SIM_OK)
        return sim_cli_fail(&err);
    char config[1024], trace[1024];
    snprintf(config, sizeof config, "%s/architectures/gallery_sync.json", data);
    snprintf(trace, sizeof trace, "%s/traces/gallery_day.csv", data);
    /* Both reports go into one folder written whole (sim_atomic_dir); the
     * summaries are printed once it is in place. */
    sim_atomic_dir od;
    if (sim_atomic_dir_open(&od, out, &err) != SIM_OK) return sim_cli_fail(&err);
    const char *dir = sim_atomic_dir_path(&od);
    double t0 = sim_wall_seconds(), wall = 0;
    demo_design d[NDESIGNS], pd[2];
    memset(d, 0, sizeof d);
    memset(pd, 0, sizeof pd);
    int rc = 0;
    for (int i = 0; i < NDESIGNS && rc == 0; i++)
        if (demo_run_one(&d[i], config, k_designs[i].entry, trace, (uint64_t)seed, &err) != SIM_OK)
            rc = sim_cli_fail(&err);
    if (rc == 0) {
        rc = demo_report(d, config, trace, seed, png, dir, &err);
        wall = sim_wall_seconds() - t0;
    }
    if (rc == 0) rc = demo_pipeline(data, dir, (uint64_t)seed, png, pd, &err);
    if (rc == 0 && sim_atomic_dir_commit(&od, &err) != SIM_OK) rc = sim_cli_fail(&err);
    sim_atomic_dir_abort(&od);
    if (rc == 0) {
        demo_print(d, trace, out, wall);
        pipeline_print(pd, out);
    }
    demo_free(d, NDESIGNS);
    demo_free(pd, 2);
    return rc;
}
