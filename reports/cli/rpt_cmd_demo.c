/* rpt_cmd_demo.c - `lambdasim demo`: the whole photo gallery, end to end.
 *
 * The demo is the one command a newcomer runs: the photo gallery of
 * data/architectures/gallery_full.json (views through a Function URL;
 * uploads to S3 pending/ -> SQS -> Lambda -> Step Functions -> thumbs/ and
 * DynamoDB) and four variants, each changing one tier: the front door (HTTP
 * API, REST API), the processing tier (an EC2 worker pool) or the
 * orchestration (one Lambda instead of Step Functions), side by side with
 * the same seed.  It writes the full report (report.html with inline charts,
 * summary.json, timeseries*.csv, report.md, charts/) into ./lambdasim-demo/
 * (or --out; the folder is written whole, sim_atomic_dir) and prints a
 * summary of about ten lines.  The configs come from
 * the data folder (rpt_cli_data.h), so an installed lambdasim runs the demo
 * from any folder.  The designs run on all cores (each on its own engine:
 * the results do not depend on the thread count).
 */
#include "reports/cli/rpt_cmd.h"
#include "reports/cli/rpt_cli_data.h"
#include "reports/cli/rpt_cli_run.h"
#include "models/scenario/mdl_scenario.h"
#include "reports/page/rpt_report.h"
#include "reports/page/rpt_verdict.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char k_usage[] =
    "usage: lambdasim demo [--out DIR] [--data DIR] [--seed N] [--hours H] [--png]\n"
    "\n"
    "Runs the photo-gallery demo: the whole gallery of architectures/gallery_full.json\n"
    "(views through a Function URL; uploads to S3 -> SQS -> Lambda -> Step Functions\n"
    "-> thumbnails and DynamoDB) and four variants side by side (views through an\n"
    "HTTP API or a REST API; uploads processed by EC2 workers; one Lambda instead\n"
    "of Step Functions), and writes the report into DIR (default ./lambdasim-demo):\n"
    "report.html, summary.json, timeseries.csv, timeseries_entries.csv, report.md,\n"
    "charts/*.svg (--png adds PNG charts).\n"
    "  --out DIR    where the report goes (default ./lambdasim-demo)\n"
    "  --data DIR   the data folder (default: $LAMBDASIM_DATA, else the\n"
    "               installed share/lambdasim, else ./data)\n"
    "  --seed N     the master seed (default 1)\n"
    "  --hours H    simulate H hours (default: the configs' day, 24)\n"
    "  --png        also charts/*.png\n";

/* The designs: the gallery, and one tier changed in each variant (a
 * config of its own, or the gallery with one key set). */
static const struct {
    const char *name, *file, *set, *what;
} k_designs[] = {
    { "url+lambda+sfn", "gallery_full.json", NULL,
      "gallery: URL, Lambda, Step Functions" },
    { "http+lambda+sfn", "gallery_full.json", "entries.views.type=apigw_http",
      "views through an HTTP API" },
    { "rest+lambda+sfn", "gallery_full.json", "entries.views.type=apigw_rest",
      "views through a REST API" },
    { "url+ec2", "gallery_full_workers.json", NULL, "uploads processed by EC2 workers" },
    { "url+one_lambda", "gallery_full_one_lambda.json", NULL,
      "one Lambda instead of Step Functions" },
};
#define NDESIGNS ((int)(sizeof k_designs / sizeof k_designs[0]))

typedef struct demo_design {
    char config[1024];
    mdl_config cfg;
    bool loaded;
    json_object *results;
    mdl_ts_row *ts;
    size_t nts;
    sim_status st;
    sim_error err;
} demo_design;

/* Load design i's config (its set, and the demo's span, applied). */
static sim_status demo_load(demo_design *dd, int i, const char *data, double hours,
                            sim_error *err)
{
    char span[64];
    const char *sets[2];
    size_t nset = 0;
    if (k_designs[i].set) sets[nset++] = k_designs[i].set;
    if (hours > 0) {
        snprintf(span, sizeof span, "duration_s=%.17g", hours * 3600);
        sets[nset++] = span;
    }
    snprintf(dd->config, sizeof dd->config, "%s/architectures/%s", data, k_designs[i].file);
    mdl_config_opts opts = { .data_dir = data, .set = sets, .nset = nset };
    SIM_TRY(mdl_config_load(&dd->cfg, dd->config, &opts, err));
    dd->loaded = true;
    return SIM_OK;
}

static void demo_free(demo_design *d, int n)
{
    for (int i = 0; i < n; i++) {
        json_object_put(d[i].results);
        free(d[i].ts);
        if (d[i].loaded) mdl_config_fini(&d[i].cfg);
    }
    free(d);
}

/* Load every design, then run them on all cores.  Returns the exit code. */
static int demo_run_all(demo_design *d, const char *data, double hours, uint64_t seed)
{
    for (int i = 0; i < NDESIGNS; i++)
        if (demo_load(&d[i], i, data, hours, &d[i].err) != SIM_OK) return sim_cli_fail(&d[i].err);
#pragma omp parallel for schedule(dynamic)
    for (int i = 0; i < NDESIGNS; i++)
        d[i].st = rpt_cli_run_config(&d[i].cfg, seed, NULL, false, &d[i].results, NULL, &d[i].ts,
                                     &d[i].nts, &d[i].err);
    for (int i = 0; i < NDESIGNS; i++)
        if (d[i].st != SIM_OK) return sim_cli_fail(&d[i].err);
    return 0;
}

/* The summary: the verdict first (reports/page/rpt_verdict.h), then one
 * row per design with what it changes, the views' and the thumbnails' p95
 * and the monthly bill. */
static void demo_print(const demo_design *d, const char *out, double hours, double wall)
{
    json_object *r0 = d[0].results;
    printf("lambdasim demo: the photo gallery for %.4g h (%s), seed %.0f: %.0f views, %.0f uploads\n",
           hours, d[0].config, rpt_cli_jget(r0, "seed"), rpt_cli_jget(r0, "entries.views.arrivals"),
           rpt_cli_jget(r0, "entries.uploads.arrivals"));
    rpt_design rd[NDESIGNS];
    for (int i = 0; i < NDESIGNS; i++)
        rd[i] = (rpt_design){ k_designs[i].name, d[i].results, d[i].ts, d[i].nts };
    rpt_verdict v;
    rpt_verdict_build(rd, NDESIGNS, &v);
    rpt_verdict_print(&v, stdout);
    printf("%-16s %-38s %10s %12s %7s %11s\n", "design", "change", "view p95", "thumbs p95",
           "failed", "USD/month");
    int best_view = 0, best_flow = 0;
    for (int i = 0; i < NDESIGNS; i++) {
        json_object *r = d[i].results;
        double view = rpt_cli_jget(r, "requests.ops.view.latency_ms.p95");
        double flow = rpt_cli_jget(r, "entries.uploads.flow_ms.p95");
        printf("%-16s %-38s %7.1f ms %9.1f ms %7.0f %11.2f\n", k_designs[i].name, k_designs[i].what,
               view, flow, rpt_cli_jget(r, "requests.flows.failed"),
               rpt_cli_jget(r, "cost.monthly.total_usd"));
        if (view < rpt_cli_jget(d[best_view].results, "requests.ops.view.latency_ms.p95")) best_view = i;
        if (flow < rpt_cli_jget(d[best_flow].results, "entries.uploads.flow_ms.p95")) best_flow = i;
    }
    printf("fastest views: %s; thumbnails soonest: %s\n", k_designs[best_view].name,
           k_designs[best_flow].name);
    printf("%d designs simulated and reported in %.2f s\n", NDESIGNS, wall);
    printf("report: %s/report.html\n", out);
}

static int demo_report(const demo_design *d, const char *out, const char *data, uint64_t seed,
                       double hours, bool png, sim_error *err)
{
    json_object *doc = json_object_new_object();
    const char *title = "lambdasim demo: the photo gallery, five designs";
    sim_json_add_string(doc, "title", title);
    sim_json_add_int(doc, "seed", (int64_t)seed);
    rpt_design rd[NDESIGNS];
    const char *cfgs[NDESIGNS];
    for (int i = 0; i < NDESIGNS; i++) {
        rd[i] = (rpt_design){ k_designs[i].name, d[i].results, d[i].ts, d[i].nts };
        cfgs[i] = d[i].config;
    }
    rpt_report_add_designs(doc, rd, NDESIGNS, cfgs);
    char sub[2048];
    snprintf(sub, sizeof sub, "The photo gallery (%s) for %.4g h, seed %llu: views through a "
             "Function URL; uploads to S3 pending/, notified to SQS, processed by a Lambda that "
             "starts the Step Functions image pipeline, which writes thumbs/ and DynamoDB.  Each "
             "variant changes one tier: http/rest (front door), ec2 (processing tier), "
             "one_lambda (orchestration).", d[0].config, hours, (unsigned long long)seed);
    rpt_report_opts ro = { .title = title, .subtitle = sub, .summary = doc, .png = png,
                           .data_dir = data };
    int rc = rpt_report_write(out, &ro, rd, NDESIGNS, err) == SIM_OK ? 0 : sim_cli_fail(err);
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
    const char *out = "lambdasim-demo", *data = NULL, *v, *seed_s = NULL, *hours_s = NULL;
    bool png = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--png") == 0) png = true;
        else if (sim_cli_opt(argc, argv, &i, "--out", &v, &err)) out = v;
        else if (sim_cli_opt(argc, argv, &i, "--data", &v, &err)) data = v;
        else if (sim_cli_opt(argc, argv, &i, "--seed", &v, &err)) seed_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--hours", &v, &err)) hours_s = v;
        else return sim_cli_usage_error("demo", "unknown option '%s'", argv[i]);
        if (err.code) return sim_cli_usage_error("demo", "%s", err.msg);
    }
    int64_t seed = 1;
    double hours = 24;
    if ((seed_s && sim_cli_parse_int("--seed", seed_s, 0, INT64_MAX, &seed, &err) != SIM_OK) ||
        (hours_s && sim_cli_parse_double("--hours", hours_s, 0.01, 8760, &hours, &err) != SIM_OK) ||
        rpt_cli_data_dir(data, &data, &err) != SIM_OK)
        return sim_cli_fail(&err);
    /* The report goes into a folder written whole (sim_atomic_dir), opened
     * before the runs so an unwritable place fails at once; the summary is
     * printed once it is in place. */
    sim_atomic_dir od;
    if (sim_atomic_dir_open(&od, out, &err) != SIM_OK) return sim_cli_fail(&err);
    double t0 = sim_wall_seconds();
    demo_design *d = sim_xcalloc(NDESIGNS, sizeof *d);
    int rc = demo_run_all(d, data, hours, (uint64_t)seed);
    if (rc == 0) rc = demo_report(d, sim_atomic_dir_path(&od), data, (uint64_t)seed, hours, png, &err);
    if (rc == 0 && sim_atomic_dir_commit(&od, &err) != SIM_OK) rc = sim_cli_fail(&err);
    sim_atomic_dir_abort(&od);
    if (rc == 0) demo_print(d, out, hours, sim_wall_seconds() - t0);
    demo_free(d, NDESIGNS);
    return rc;
}
