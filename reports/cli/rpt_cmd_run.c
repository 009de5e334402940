/* rpt_cmd_run.c - `lambdasim run`: one config, one replication, JSON or a
 * text summary (+ the report in --out, + an invocation log). */
#include "reports/cli/rpt_cmd.h"
#include "reports/cli/rpt_cli_data.h"
#include "reports/cli/rpt_cli_run.h"
#include "reports/cli/rpt_cli_tf.h"
#include "models/pricing/mdl_bill.h"
#include "reports/page/rpt_report.h"
#include "reports/page/rpt_verdict.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char k_run_usage[] =
    "usage: lambdasim run --config FILE.json [--set KEY=VALUE ...] [--trace FILE.csv]\n"
    "                     [--seed N] [--format text|json] [--out DIR [--png]]\n"
    "                     [--log FILE.csv] [--data DIR] [--yes]\n"
    "       lambdasim run --terraform PLAN.json --workload FILE.json [options as above]\n"
    "\n"
    "Simulates an architecture (README \"Running a simulation\").\n"
    "  --config F   the run config (JSON; keys: README \"Config keys\", `lambdasim schema config`);\n"
    "               files it names are relative to its folder\n"
    "  --terraform PLAN.json  instead of --config: import the architecture from what\n"
    "               `terraform show -json` prints (a plan or a state) and run it\n"
    "               (README \"From Terraform\"); a placeholder left is an error\n"
    "  --workload FILE.json   with --terraform: what Terraform cannot say (traffic,\n"
    "               handler durations, calls), relative to its folder\n"
    "  --set K=V    override the config's key K (a dotted path, e.g.\n"
    "               functions.f.memory_mb=1024); V is JSON if it parses, else a\n"
    "               string; repeatable\n"
    "  --trace F    drive the run with our CSV trace F (replaces the workload)\n"
    "  --seed N     master seed (default: the config's seed, else 1)\n"
    "  --format     text (default) or json (one JSON document on stdout)\n"
    "  --out DIR    also write the report into DIR: summary.json, timeseries.csv\n"
    "               (per minute), report.html, report.md, charts/*.svg\n"
    "  --png        with --out, also charts/*.png\n"
    "  --log F      one CSV row per invocation (Lambda REPORT fields)\n"
    "  --data DIR   bundled data: price catalogues, the default kernel profile\n"
    "               (default $LAMBDASIM_DATA, else the installed share/lambdasim,\n"
    "               else ./data)\n"
    "  --yes        start a very large run (over 1e9 events or 10 GB of output)\n"
    "               without asking; the estimate is printed on stderr either way\n";


/* With several entries, a line each: responses and flows. */
static void print_entries(FILE *fp, json_object *r)
{
    json_object *es = json_object_object_get(r, "entries");
    if (!es || json_object_object_length(es) < 2) return;
    json_object_object_foreach(es, name, e) {
        fprintf(fp, "  entry %-12s %9.0f arrivals %8.0f failed  p95 %9.1f ms  flows: %8.0f failed, "
                    "p95 %9.1f ms\n", name, rpt_cli_jget(e, "arrivals"), rpt_cli_jget(e, "failed"),
                rpt_cli_jget(e, "latency_ms.p95"), rpt_cli_jget(e, "flows.failed"),
                rpt_cli_jget(e, "flow_ms.p95"));
    }
}

/* The month first (its bill as `lambdasim cost` prints it), then the
 * simulated span, the requests and the functions. */
static void print_run_text(FILE *fp, const char *label, json_object *r, const mdl_ts_row *ts,
                           size_t nts, double wall_s)
{
    fprintf(fp, "lambdasim run: %s (seed %lld, %.6g s simulated, %lld events in %.3f s)\n",
            label, (long long)rpt_cli_jget(r, "seed"), rpt_cli_jget(r, "config.duration_s"),
            (long long)rpt_cli_jget(r, "events"), wall_s);
    rpt_design dd = { label, r, ts, nts };
    rpt_verdict v;
    rpt_verdict_build(&dd, 1, &v);
    rpt_verdict_print(&v, fp);
    json_object *month = sim_json_at(r, "cost.monthly");
    if (month) {
        fprintf(fp, "\nmonthly bill: %s, %.2f USD\n", json_object_get_string(sim_json_at(month, "label")),
                rpt_cli_jget(r, "cost.monthly.total_usd"));
        mdl_bill_print_json(month, fp);
        fprintf(fp, "\nthe simulated span (%.6g s): %.4f USD;", rpt_cli_jget(r, "cost.period_s"),
                rpt_cli_jget(r, "cost.total_usd"));
        json_object *svc = sim_json_at(r, "cost.services");
        json_object_object_foreach(svc, name, so)
            fprintf(fp, " %s %.4f", name, sim_json_number_at(so, "total_usd"));
        fprintf(fp, "\n");
    }
    fprintf(fp, "requests: %lld arrivals, %lld completed, %lld failed, %lld in flight\n",
            (long long)rpt_cli_jget(r, "requests.arrivals"), (long long)rpt_cli_jget(r, "requests.completed"),
            (long long)rpt_cli_jget(r, "requests.failed"), (long long)rpt_cli_jget(r, "requests.in_flight"));
    json_object *fail;
    if (json_object_object_get_ex(json_object_object_get(r, "requests"), "failures", &fail)) {
        json_object_object_foreach(fail, k, val) {
            if (json_object_get_int64(val))
                fprintf(fp, "  failed, %s: %lld\n", k, (long long)json_object_get_int64(val));
        }
    }
    fprintf(fp, "latency (client, ms): p50 %.1f  p95 %.1f  p99 %.1f  mean %.1f\n",
            rpt_cli_jget(r, "requests.latency_ms.p50"), rpt_cli_jget(r, "requests.latency_ms.p95"),
            rpt_cli_jget(r, "requests.latency_ms.p99"), rpt_cli_jget(r, "requests.latency_ms.mean"));
    print_entries(fp, r);
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

/* Say which kernel profiles the run uses (one line each on stderr, so the
 * JSON on stdout stays clean), and warn about placeholder or poorly fitted
 * ones (mdl_perf_kernel_warnings), once per profile and kernel. */
static void print_profiles(const mdl_config *cfg)
{
    const mdl_perf_kernel *ks[MDL_MAX_FUNCTIONS + MDL_MAX_QUEUES];
    int n = 0;
    for (int i = 0; i < cfg->nfn; i++)
        if (cfg->fn[i].has_kernel) ks[n++] = &cfg->fn[i].kernel;
    for (int i = 0; i < cfg->nq; i++)
        if (cfg->q[i].has_kernel) ks[n++] = &cfg->q[i].kernel;
    for (int i = 0; i < n; i++) {
        bool seen = false, kseen = false;
        for (int j = 0; j < i; j++) {
            seen |= strcmp(ks[j]->profile, ks[i]->profile) == 0;
            kseen |= strcmp(ks[j]->profile, ks[i]->profile) == 0 && strcmp(ks[j]->name, ks[i]->name) == 0;
        }
        if (!seen) {
            fprintf(stderr, "lambdasim run: kernel profile %s (kernels:", ks[i]->profile);
            for (int j = i; j < n; j++) {
                bool dup = false;
                for (int q = i; q < j; q++) dup |= strcmp(ks[q]->name, ks[j]->name) == 0;
                if (!dup && strcmp(ks[j]->profile, ks[i]->profile) == 0) fprintf(stderr, " %s", ks[j]->name);
            }
            fprintf(stderr, ")%s\n", ks[i]->placeholder ? ", placeholder parameters" : "");
        }
        char w[1024];
        if (kseen || mdl_perf_kernel_warnings(ks[i], w, sizeof w) == 0) continue;
        char *save = NULL;
        for (char *t = strtok_r(w, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
            fprintf(stderr, "lambdasim run: warning: %s\n", t);
    }
}

/* The command line of `run`. */
typedef struct run_args {
    const char *config, *format, *out, *log_path, *seed_s, *trace, *data;
    const char *terraform, *workload;   /* --terraform PLAN --workload W instead of --config */
    const char **sets;    /* --set KEY=VALUE, in order */
    size_t nset;
    bool png, yes;
} run_args;

static int parse_run_args(int argc, char **argv, run_args *a)
{
    sim_error err;
    sim_error_clear(&err);
    const char *v;
    a->format = "text";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--png") == 0) a->png = true;
        else if (strcmp(argv[i], "--yes") == 0) a->yes = true;
        else if (sim_cli_opt(argc, argv, &i, "--config", &v, &err)) a->config = v;
        else if (sim_cli_opt(argc, argv, &i, "--set", &v, &err)) { if (v) a->sets[a->nset++] = v; }
        else if (sim_cli_opt(argc, argv, &i, "--format", &v, &err)) a->format = v;
        else if (sim_cli_opt(argc, argv, &i, "--out", &v, &err)) a->out = v;
        else if (sim_cli_opt(argc, argv, &i, "--log", &v, &err)) a->log_path = v;
        else if (sim_cli_opt(argc, argv, &i, "--seed", &v, &err)) a->seed_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--trace", &v, &err)) a->trace = v;
        else if (sim_cli_opt(argc, argv, &i, "--data", &v, &err)) a->data = v;
        else if (sim_cli_opt(argc, argv, &i, "--terraform", &v, &err)) a->terraform = v;
        else if (sim_cli_opt(argc, argv, &i, "--workload", &v, &err)) a->workload = v;
        else return sim_cli_usage_error("run", "unknown option '%s'", argv[i]);
        if (err.code) return sim_cli_usage_error("run", "%s", err.msg);
    }
    if (a->config && a->terraform)
        return sim_cli_usage_error("run", "give --config or --terraform, not both");
    if (a->workload && !a->terraform)
        return sim_cli_usage_error("run", "--workload goes with --terraform (a config holds its workload)");
    if (!a->config && !a->terraform) return sim_cli_usage_error("run", "--config is required");
    if (strcmp(a->format, "text") && strcmp(a->format, "json"))
        return sim_cli_usage_error("run", "--format must be text or json");
    if (rpt_cli_data_dir(a->data, &a->data, &err) != SIM_OK) return sim_cli_fail(&err);
    return 0;
}

/* The report of --out into the folder od (opened before the run), renamed
 * into place as a whole.  The report's summary.json is the results
 * document itself. */
static sim_status run_report(const run_args *a, sim_atomic_dir *od, json_object *r, mdl_ts_row *ts,
                             size_t nts, sim_error *err)
{
    const char *base = strrchr(a->config, '/');
    char title[700], name[600];
    snprintf(title, sizeof title, "lambdasim run: %s", base ? base + 1 : a->config);
    snprintf(name, sizeof name, "%s", base ? base + 1 : a->config);
    char *dot = strrchr(name, '.');
    if (dot && strcmp(dot, ".json") == 0) *dot = '\0';
    rpt_design dd = { name, r, ts, nts };
    rpt_report_opts ro = { .title = title, .summary = r, .png = a->png, .data_dir = a->data };
    SIM_TRY(rpt_report_write(sim_atomic_dir_path(od), &ro, &dd, 1, err));
    return sim_atomic_dir_commit(od, err);
}

/* The JSON on stdout, or the text summary (the report is in place). */
static int run_outputs(const run_args *a, json_object *r, const mdl_ts_row *ts, size_t nts,
                       double wall, sim_error *err)
{
    int rc = rpt_cli_emit_json(r, NULL, "summary.json", strcmp(a->format, "json") == 0, err);
    if (rc == 0 && strcmp(a->format, "text") == 0) {
        print_run_text(stdout, a->config, r, ts, nts, wall);
        if (a->out) printf("report: %s/report.html\n", a->out);
    }
    return rc;
}

/* The config: a file, or a plan imported with its workload file (whose
 * paths the import wrote relative to the working directory). */
static sim_status load_config(const run_args *a, mdl_config *cfg, sim_error *err)
{
    mdl_config_opts opts = { .data_dir = a->data, .set = a->sets, .nset = a->nset };
    if (!a->terraform) return mdl_config_load(cfg, a->config, &opts, err);
    sim_json_doc doc;
    memset(cfg, 0, sizeof *cfg);
    SIM_TRY(rpt_cli_tf_doc(a->terraform, a->workload, &doc, err));
    opts.base_dir = ".";
    sim_status s = mdl_config_from_doc(cfg, &doc, &opts, err);
    sim_json_doc_fini(&doc);
    return s;
}

static int run_main(const run_args *a)
{
    sim_error err;
    sim_error_clear(&err);
    mdl_config cfg;
    if (load_config(a, &cfg, &err) != SIM_OK) {
        mdl_config_fini(&cfg);
        return sim_cli_fail(&err);
    }
    print_profiles(&cfg);
    if (a->trace && mdl_config_use_trace(&cfg, a->trace, &err) != SIM_OK) {
        mdl_config_fini(&cfg);
        return sim_cli_fail(&err);
    }
    uint64_t seed = cfg.seed ? cfg.seed : 1;
    int64_t x = 0;
    if (a->seed_s && sim_cli_parse_int("--seed", a->seed_s, 0, INT64_MAX, &x, &err) != SIM_OK) {
        mdl_config_fini(&cfg);
        return sim_cli_fail(&err);
    }
    rpt_estimate est = { 0 };
    rpt_cli_estimate_run(&cfg, a->log_path != NULL, a->out != NULL, &est);
    if (!rpt_cli_confirm("run", &est, a->yes)) {
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
    if ((a->log_path && sim_atomic_open(&log, a->log_path, &err) != SIM_OK) ||
        (a->out && sim_atomic_dir_open(&od, a->out, &err) != SIM_OK)) {
        sim_atomic_abort(&log);
        mdl_config_fini(&cfg);
        return sim_cli_fail(&err);
    }
    if (a->seed_s) seed = (uint64_t)x;
    json_object *r = NULL;
    double wall = 0;
    mdl_ts_row *ts = NULL;
    size_t nts = 0;
    /* JSON alone is streamed as it is written, no tree (sim_jw.h); the
     * report and the text summary read the tree. */
    bool stream = !a->out && strcmp(a->format, "json") == 0;
    sim_status st = stream
        ? rpt_cli_run_stream(&cfg, seed, log.fp, true, stdout, "stdout", &wall, &err)
        : rpt_cli_run_config(&cfg, seed, log.fp, true, &r, &wall, a->out ? &ts : NULL, &nts, &err);
    if (st == SIM_OK && a->out) st = run_report(a, &od, r, ts, nts, &err);
    if (st == SIM_OK && a->log_path) st = sim_atomic_commit(&log, &err);
    sim_atomic_dir_abort(&od);
    sim_atomic_abort(&log);
    int rc = st != SIM_OK ? sim_cli_fail(&err) : stream ? 0 : run_outputs(a, r, ts, nts, wall, &err);
    free(ts);
    json_object_put(r);
    mdl_config_fini(&cfg);
    return rc;
}

int rpt_cmd_run(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_run_usage, stdout);
        return 0;
    }
    run_args a;
    memset(&a, 0, sizeof a);
    a.sets = sim_xcalloc((size_t)argc, sizeof *a.sets);
    int rc = parse_run_args(argc, argv, &a);
    if (rc == 0 && a.terraform) a.config = a.terraform;   /* the run's name in reports */
    if (rc == 0) rc = run_main(&a);
    free(a.sets);
    return rc;
}
