/* rpt_cmd_run.c - `lambdasim run`: one config, one replication, JSON or a
 * text summary (+ the report in --out, + an invocation log). */
#include "reports/cli/rpt_cmd.h"
#include "reports/cli/rpt_cli_run.h"
#include "reports/page/rpt_report.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char k_run_usage[] =
    "usage: lambdasim run --config FILE.json [--trace FILE.csv] [--seed N]\n"
    "                     [--format text|json] [--out DIR [--png]] [--log FILE.csv] [--yes]\n"
    "\n"
    "Simulates an architecture (README \"Running a simulation\").\n"
    "  --config F   the run config (JSON)\n"
    "  --trace F    drive the run with our CSV trace F (replaces the workload)\n"
    "  --seed N     master seed (default: the config's seed, else 1)\n"
    "  --format     text (default) or json (one JSON document on stdout)\n"
    "  --out DIR    also write the report into DIR: summary.json, timeseries.csv\n"
    "               (per minute), report.html, report.md, charts/*.svg\n"
    "  --png        with --out, also charts/*.png\n"
    "  --log F      one CSV row per invocation (Lambda REPORT fields)\n"
    "  --yes        start a very large run (over 1e9 events or 10 GB of output)\n"
    "               without asking; the estimate is printed on stderr either way\n";


static void print_run_text(FILE *fp, const char *label, json_object *r, double wall_s)
{
    fprintf(fp, "lambdasim run: %s (seed %lld, %.6g s simulated, %lld events in %.3f s)\n",
            label, (long long)rpt_cli_jget(r, "seed"), rpt_cli_jget(r, "config.duration_s"),
            (long long)rpt_cli_jget(r, "events"), wall_s);
    fprintf(fp, "requests: %lld arrivals, %lld completed, %lld failed, %lld in flight\n",
            (long long)rpt_cli_jget(r, "requests.arrivals"), (long long)rpt_cli_jget(r, "requests.completed"),
            (long long)rpt_cli_jget(r, "requests.failed"), (long long)rpt_cli_jget(r, "requests.in_flight"));
    json_object *fail;
    if (json_object_object_get_ex(json_object_object_get(r, "requests"), "failures", &fail)) {
        json_object_object_foreach(fail, k, v) {
            if (json_object_get_int64(v))
                fprintf(fp, "  failed, %s: %lld\n", k, (long long)json_object_get_int64(v));
        }
    }
    fprintf(fp, "latency (client, ms): p50 %.1f  p95 %.1f  p99 %.1f  mean %.1f\n",
            rpt_cli_jget(r, "requests.latency_ms.p50"), rpt_cli_jget(r, "requests.latency_ms.p95"),
            rpt_cli_jget(r, "requests.latency_ms.p99"), rpt_cli_jget(r, "requests.latency_ms.mean"));
    json_object *cost = json_object_object_get(r, "cost");
    if (cost) {
        fprintf(fp, "cost (USD): %.4f for the simulated %.6g s; %.2f projected to a 730-hour month\n",
                rpt_cli_jget(r, "cost.total_usd"), rpt_cli_jget(r, "cost.period_s"),
                rpt_cli_jget(r, "cost.monthly_projection.total_usd"));
        json_object *svc = json_object_object_get(cost, "services");
        json_object_object_foreach(svc, name, so) {
            (void)so;
            char p1[128], p2[128];
            snprintf(p1, sizeof p1, "cost.services.%s.total_usd", name);
            snprintf(p2, sizeof p2, "cost.monthly_projection.services.%s", name);
            fprintf(fp, "  %-14s %12.4f   month %12.2f\n", name, rpt_cli_jget(r, p1), rpt_cli_jget(r, p2));
        }
    }
    fprintf(fp, "%-16s %12s %10s %8s %9s %9s %8s %8s\n", "function", "invocations", "cold",
            "cold%", "throttle%", "avg inst", "running", "idle");
    json_object *fns = json_object_object_get(r, "functions");
    json_object_object_foreach(fns, name, f) {
        (void)f;
        char p[160];
#define FG(key) (snprintf(p, sizeof p, "functions.%s.%s", name, key), rpt_cli_jget(r, p))
        fprintf(fp, "%-16s %12lld %10lld %7.4f%% %8.4f%% %9.3f %8.3f %8.3f\n", name,
                (long long)FG("invocations"), (long long)FG("cold_starts"),
                100 * FG("cold_start_probability"), 100 * FG("throttle_probability"),
                FG("avg_instances"), FG("avg_running"), FG("avg_idle"));
#undef FG
    }
}

int rpt_cmd_run(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_run_usage, stdout);
        return 0;
    }
    sim_error err;
    sim_error_clear(&err);
    const char *config = NULL, *format = "text", *out = NULL, *log_path = NULL, *seed_s = NULL;
    const char *trace = NULL;
    const char *v;
    bool png = false, yes = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--png") == 0) png = true;
        else if (strcmp(argv[i], "--yes") == 0) yes = true;
        else if (sim_cli_opt(argc, argv, &i, "--config", &v, &err)) config = v;
        else if (sim_cli_opt(argc, argv, &i, "--format", &v, &err)) format = v;
        else if (sim_cli_opt(argc, argv, &i, "--out", &v, &err)) out = v;
        else if (sim_cli_opt(argc, argv, &i, "--log", &v, &err)) log_path = v;
        else if (sim_cli_opt(argc, argv, &i, "--seed", &v, &err)) seed_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--trace", &v, &err)) trace = v;
        else return sim_cli_usage_error("run", "unknown option '%s'", argv[i]);
        if (err.code) return sim_cli_usage_error("run", "%s", err.msg);
    }
    if (!config) return sim_cli_usage_error("run", "--config is required");
    if (strcmp(format, "text") && strcmp(format, "json"))
        return sim_cli_usage_error("run", "--format must be text or json");
    mdl_config cfg;
    if (mdl_config_load(&cfg, config, &err) != SIM_OK) return sim_cli_fail(&err);
    if (trace) mdl_config_use_trace(&cfg, trace);
    uint64_t seed = cfg.seed ? cfg.seed : 1;
    if (seed_s) {
        int64_t x;
        if (sim_cli_parse_int("--seed", seed_s, 0, INT64_MAX, &x, &err) != SIM_OK) {
            mdl_config_fini(&cfg);
            return sim_cli_fail(&err);
        }
        seed = (uint64_t)x;
    }
    rpt_estimate est = { 0 };
    rpt_cli_estimate_run(&cfg, log_path != NULL, out != NULL, &est);
    if (!rpt_cli_confirm("run", &est, yes)) {
        mdl_config_fini(&cfg);
        return 1;
    }
    /* Outputs are opened before the run, so an unwritable place fails in a
     * second rather than after the simulation; the report folder is written
     * whole (sim_atomic_dir) and the log renamed only when all went well. */
    sim_atomic log;
    sim_atomic_dir od;
    memset(&log, 0, sizeof log);
    memset(&od, 0, sizeof od);
    if ((log_path && sim_atomic_open(&log, log_path, &err) != SIM_OK) ||
        (out && sim_atomic_dir_open(&od, out, &err) != SIM_OK)) {
        sim_atomic_abort(&log);
        mdl_config_fini(&cfg);
        return sim_cli_fail(&err);
    }
    json_object *r = NULL;
    double wall = 0;
    mdl_ts_row *ts = NULL;
    size_t nts = 0;
    sim_status st = rpt_cli_run_config(&cfg, seed, log.fp, &r, &wall, out ? &ts : NULL, &nts, &err);
    if (st == SIM_OK && out) {
        /* The report's summary.json is the results document itself. */
        const char *base = strrchr(config, '/');
        char title[700], name[600];
        snprintf(title, sizeof title, "lambdasim run: %s", base ? base + 1 : config);
        snprintf(name, sizeof name, "%s", base ? base + 1 : config);
        char *dot = strrchr(name, '.');
        if (dot && strcmp(dot, ".json") == 0) *dot = '\0';
        rpt_design dd = { name, r, ts, nts };
        rpt_report_opts ro = { .title = title, .summary = r, .png = png };
        st = rpt_report_write(sim_atomic_dir_path(&od), &ro, &dd, 1, &err);
        if (st == SIM_OK) st = sim_atomic_dir_commit(&od, &err);
    }
    if (st == SIM_OK && log_path) st = sim_atomic_commit(&log, &err);
    sim_atomic_dir_abort(&od);
    sim_atomic_abort(&log);
    int rc = st == SIM_OK ? 0 : sim_cli_fail(&err);
    if (rc == 0) rc = rpt_cli_emit_json(r, NULL, "summary.json", strcmp(format, "json") == 0, &err);
    if (rc == 0 && strcmp(format, "text") == 0) {
        print_run_text(stdout, config, r, wall);
        if (out) printf("report: %s/report.html\n", out);
    }
    free(ts);
    json_object_put(r);
    mdl_config_fini(&cfg);
    return rc;
}
