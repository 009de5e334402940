/* rpt_cmd_compare.c - `lambdasim compare`: several designs side by side:
 * several --config files, or each config with each value of --vary
 * key=v1,v2,... (which rewrites one JSON path per design, e.g. entry.type);
 * --set overrides apply to every design. */
#include "reports/cli/rpt_cmd.h"
#include "reports/cli/rpt_cli_data.h"
#include "reports/cli/rpt_cli_run.h"
#include "reports/cli/rpt_cli_tf.h"
#include "reports/page/rpt_report.h"
#include "reports/page/rpt_verdict.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DESIGNS 16

static const char k_compare_usage[] =
    "usage: lambdasim compare --config A.json --config B.json [...]\n"
    "       lambdasim compare --config A.json [--config B.json ...] --vary KEY=V1,V2[,...]\n"
    "                         [--set KEY=VALUE ...] [--trace FILE.csv] [--seed N]\n"
    "                         [--format text|json] [--out DIR [--png]] [--data DIR]\n"
    "                         [--yes]\n"
    "       lambdasim compare --terraform A.json --terraform B.json --workload FILE.json [...]\n"
    "\n"
    "Simulates designs side by side with the same seed: latency p50/p95/p99,\n"
    "failures by cause, cold starts, cost by service.  KEY is a dotted JSON\n"
    "path, e.g. entry.type=function_url,apigw_http,apigw_rest.  With several\n"
    "--config and --vary, every config runs with every value (designs named\n"
    "CONFIG/VALUE).  --set overrides a key of every design (after --vary; V is\n"
    "JSON if it parses, else a string; repeatable).  --out DIR writes\n"
    "compare.json and the report (summary.json, timeseries.csv, report.html,\n"
    "report.md, charts/*.svg; --png adds PNG charts).  --data DIR: the data\n"
    "directory (default $LAMBDASIM_DATA, else the installed share/lambdasim,\n"
    "else ./data).  --terraform PLAN.json is a design imported from what\n"
    "`terraform show -json` prints (named after the file), with the traffic of\n"
    "--workload FILE.json (README \"From Terraform\"); it mixes with --config.\n"
    "--yes starts a very large comparison (over 1e9 events or 10 GB of output)\n"
    "without asking.\n";


typedef struct design {
    char name[600];
    mdl_config cfg;
    json_object *results;
    mdl_ts_row *ts;       /* per-minute time series, when a report is written */
    size_t nts;
} design;

static void compare_text(FILE *fp, design *d, const rpt_design *rd, int n)
{
    /* The answer first: the verdict, then the month line by line. */
    rpt_verdict verdict;
    rpt_verdict_build(rd, n, &verdict);
    rpt_verdict_print(&verdict, fp);
    fprintf(fp, "%-40s", "");
    for (int i = 0; i < n; i++) fprintf(fp, " %22.22s", d[i].name);  /* long names are cut to the column */
    fprintf(fp, "\n");
    static const struct { const char *label, *path; int decimals; } rows[] = {
        { NULL, NULL, 0 },   /* the monthly bill goes here */
        { "latency p50 (ms)", "requests.latency_ms.p50", 1 },
        { "latency p95 (ms)", "requests.latency_ms.p95", 1 },
        { "latency p99 (ms)", "requests.latency_ms.p99", 1 },
        { "flow p95 (ms)", "requests.flow_ms.p95", 1 },
        { "requests", "requests.arrivals", 0 },
        { "completed", "requests.completed", 0 },
        { "failed", "requests.failed", 0 },
    };
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        if (!rows[k].label) {
            rpt_month_print_columns(fp, rd, n, 40, 22);
            continue;
        }
        fprintf(fp, "%-40s", rows[k].label);
        for (int i = 0; i < n; i++) {
            fprintf(fp, " %22.*f", rows[k].decimals, rpt_cli_jget(d[i].results, rows[k].path));
        }
        fprintf(fp, "\n");
    }
    for (int o = 1; o < MDL_OUT_COUNT; o++) {
        char p[128], label[64];
        snprintf(p, sizeof p, "requests.failures.%s", mdl_outcome_name((mdl_outcome)o));
        double any = 0;
        for (int i = 0; i < n; i++) any += rpt_cli_jget(d[i].results, p);
        if (!any) continue;
        snprintf(label, sizeof label, "  %s", mdl_outcome_name((mdl_outcome)o));
        fprintf(fp, "%-40s", label);
        for (int i = 0; i < n; i++) fprintf(fp, " %22.0f", rpt_cli_jget(d[i].results, p));
        fprintf(fp, "\n");
    }
    /* Cold starts summed over functions. */
    fprintf(fp, "%-40s", "cold starts");
    for (int i = 0; i < n; i++) {
        double cs = 0;
        json_object *fns = json_object_object_get(d[i].results, "functions");
        json_object_object_foreach(fns, k, f) {
            (void)k;
            cs += json_object_get_double(json_object_object_get(f, "cold_starts"));
        }
        fprintf(fp, " %22.0f", cs);
    }
    fprintf(fp, "\n");
    json_object *cost0 = json_object_object_get(d[0].results, "cost");
    if (cost0) {
        fprintf(fp, "%-40s", "simulated span (USD)");
        for (int i = 0; i < n; i++) fprintf(fp, " %22.4f", rpt_cli_jget(d[i].results, "cost.total_usd"));
        fprintf(fp, "\n");
        /* Services of the first design, then any the others add. */
        json_object *all = json_object_new_object();
        for (int i = 0; i < n; i++) {
            json_object *ci = json_object_object_get(json_object_object_get(d[i].results, "cost"), "services");
            json_object_object_foreach(ci, nm, v) {
                (void)v;
                if (!json_object_object_get_ex(all, nm, NULL))
                    json_object_object_add(all, nm, json_object_new_boolean(1));
            }
        }
        json_object *svc = all;
        json_object_object_foreach(svc, name, so) {
            (void)so;
            char p[128], label[64];
            snprintf(p, sizeof p, "cost.services.%s.total_usd", name);
            snprintf(label, sizeof label, "  span: %s (USD)", name);
            fprintf(fp, "%-40s", label);
            for (int i = 0; i < n; i++) fprintf(fp, " %22.4f", rpt_cli_jget(d[i].results, p));
            fprintf(fp, "\n");
        }
        json_object_put(all);
    }
}

/* The command line of `compare`. */
typedef struct compare_args {
    const char *configs[MAX_DESIGNS];
    bool is_plan[MAX_DESIGNS];   /* configs[i] is a --terraform plan */
    int nconf;
    const char *workload;        /* --workload: the plans' W.json */
    const char *vary, *format, *out, *seed_s, *trace, *data;
    const char **sets;
    size_t nset;
    bool png, yes;
} compare_args;

static int parse_compare_args(int argc, char **argv, compare_args *a)
{
    sim_error err;
    sim_error_clear(&err);
    const char *v;
    a->format = "text";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--png") == 0) a->png = true;
        else if (strcmp(argv[i], "--yes") == 0) a->yes = true;
        else if (sim_cli_opt(argc, argv, &i, "--config", &v, &err)) {
            if (v && a->nconf == MAX_DESIGNS)
                return sim_cli_usage_error("compare", "at most %d configs", MAX_DESIGNS);
            if (v) a->configs[a->nconf++] = v;
        } else if (sim_cli_opt(argc, argv, &i, "--terraform", &v, &err)) {
            if (v && a->nconf == MAX_DESIGNS)
                return sim_cli_usage_error("compare", "at most %d designs", MAX_DESIGNS);
            if (v) a->is_plan[a->nconf] = true;
            if (v) a->configs[a->nconf++] = v;
        } else if (sim_cli_opt(argc, argv, &i, "--workload", &v, &err)) {
            a->workload = v;
        } else if (sim_cli_opt(argc, argv, &i, "--set", &v, &err)) { if (v) a->sets[a->nset++] = v; }
        else if (sim_cli_opt(argc, argv, &i, "--vary", &v, &err)) a->vary = v;
        else if (sim_cli_opt(argc, argv, &i, "--format", &v, &err)) a->format = v;
        else if (sim_cli_opt(argc, argv, &i, "--out", &v, &err)) a->out = v;
        else if (sim_cli_opt(argc, argv, &i, "--seed", &v, &err)) a->seed_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--trace", &v, &err)) a->trace = v;
        else if (sim_cli_opt(argc, argv, &i, "--data", &v, &err)) a->data = v;
        else return sim_cli_usage_error("compare", "unknown option '%s'", argv[i]);
        if (err.code) return sim_cli_usage_error("compare", "%s", err.msg);
    }
    if (strcmp(a->format, "text") && strcmp(a->format, "json"))
        return sim_cli_usage_error("compare", "--format must be text or json");
    if (a->nconf == 0) return sim_cli_usage_error("compare", "--config (or --terraform) is required");
    if (!a->vary && a->nconf < 2)
        return sim_cli_usage_error("compare", "give two or more --config or --terraform, or --vary");
    bool plans = false;
    for (int i = 0; i < a->nconf; i++) plans = plans || a->is_plan[i];
    if (a->workload && !plans)
        return sim_cli_usage_error("compare", "--workload goes with --terraform");
    if (a->vary) {
        const char *eq = strchr(a->vary, '=');
        if (!eq || eq == a->vary || !eq[1])
            return sim_cli_usage_error("compare", "--vary wants KEY=V1,V2,...");
    }
    if (rpt_cli_data_dir(a->data, &a->data, &err) != SIM_OK) return sim_cli_fail(&err);
    return 0;
}

/* A config's name: its file name without ".json". */
static void config_name(char *buf, size_t n, const char *path)
{
    const char *base = strrchr(path, '/');
    snprintf(buf, n, "%s", base ? base + 1 : path);
    char *dot = strrchr(buf, '.');
    if (dot && strcmp(dot, ".json") == 0) *dot = '\0';
}

/* One design: config c, with KEY set to VAL when key is not NULL (then
 * --set).  A plan is imported with --workload; its paths are relative to
 * the working directory. */
static sim_status load_design(design *d, const compare_args *a, int c, const char *key,
                              const char *val, const mdl_config_opts *opts, sim_error *err)
{
    if (!key && !a->is_plan[c]) return mdl_config_load(&d->cfg, a->configs[c], opts, err);
    sim_json_doc doc;
    mdl_config_opts o = *opts;
    if (a->is_plan[c]) {
        SIM_TRY(rpt_cli_tf_doc(a->configs[c], a->workload, &doc, err));
        o.base_dir = ".";
    } else {
        SIM_TRY(sim_json_doc_load(&doc, a->configs[c], err));
    }
    sim_status s = key ? sim_json_set_path(doc.root, key, val, err) : SIM_OK;
    if (s == SIM_OK) s = mdl_config_from_doc(&d->cfg, &doc, &o, err);
    sim_json_doc_fini(&doc);
    return s;
}

/* Every config, or every config x every value of --vary (named
 * "config/value" when there are several configs). */
static int build_designs(const compare_args *a, design *d, int *n, sim_error *err)
{
    mdl_config_opts opts = { .data_dir = a->data, .set = a->sets, .nset = a->nset };
    char key[256], vals[1024], name[600];
    if (a->vary) {
        const char *eq = strchr(a->vary, '=');
        snprintf(key, sizeof key, "%.*s", (int)(eq - a->vary), a->vary);
    }
    for (int c = 0; c < a->nconf; c++) {
        config_name(name, sizeof name, a->configs[c]);
        if (!a->vary) {
            if (load_design(&d[*n], a, c, NULL, NULL, &opts, err) != SIM_OK) return sim_cli_fail(err);
            snprintf(d[(*n)++].name, sizeof d->name, "%s", name);
            continue;
        }
        snprintf(vals, sizeof vals, "%s", strchr(a->vary, '=') + 1);
        char *save = NULL;
        for (char *tok = strtok_r(vals, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (*n == MAX_DESIGNS) return sim_cli_usage_error("compare", "at most %d designs", MAX_DESIGNS);
            if (load_design(&d[*n], a, c, key, tok, &opts, err) != SIM_OK) return sim_cli_fail(err);
            /* Long names are cut: the text table shows 22 characters anyway. */
            char *dn = d[(*n)++].name;
            size_t k = 0;
            if (a->nconf > 1) k = (size_t)snprintf(dn, sizeof d->name, "%.200s/", name);
            snprintf(dn + k, sizeof d->name - k, "%.300s", tok);
        }
    }
    return 0;
}

/* The report and compare.json into the folder od (opened before the runs),
 * then renamed into place as a whole (sim_atomic_dir). */
static int write_report(sim_atomic_dir *od, const compare_args *a, json_object *doc,
                        const rpt_design *rd, int n, sim_error *err)
{
    char title[1200];
    if (a->vary) snprintf(title, sizeof title, "lambdasim compare: %s", a->vary);
    else snprintf(title, sizeof title, "lambdasim compare: %d designs", n);
    rpt_report_opts ro = { .title = title, .summary = doc, .png = a->png, .data_dir = a->data };
    const char *dir = sim_atomic_dir_path(od);
    if (rpt_report_write(dir, &ro, rd, n, err) != SIM_OK) return sim_cli_fail(err);
    int rc = rpt_cli_emit_json(doc, dir, "compare.json", false, err);
    if (rc == 0 && sim_atomic_dir_commit(od, err) != SIM_OK) rc = sim_cli_fail(err);
    return rc;
}

/* compare.json, the report in --out, the text table. */
static int compare_outputs(const compare_args *a, sim_atomic_dir *od, design *d, int n,
                           sim_error *err)
{
    int rc = 0;
    rpt_design *rd = sim_xcalloc((size_t)n, sizeof *rd);
    for (int i = 0; i < n; i++) rd[i] = (rpt_design){ d[i].name, d[i].results, d[i].ts, d[i].nts };
    /* Printed below, kept until then. */
    json_object *doc = json_object_new_object();
    rpt_report_add_designs(doc, rd, n, NULL);
    if (a->vary) sim_json_add_string(doc, "vary", a->vary);
    if (a->out) rc = write_report(od, a, doc, rd, n, err);
    if (rc == 0) rc = rpt_cli_emit_json(doc, NULL, "compare.json", strcmp(a->format, "json") == 0, err);
    if (rc == 0 && strcmp(a->format, "text") == 0) {
        if (a->vary) printf("varying %s\n", a->vary);
        compare_text(stdout, d, rd, n);
        if (a->out) printf("report: %s/report.html\n", a->out);
    }
    free(rd);
    json_object_put(doc);
    return rc;
}

/* The large-run guard over all the designs. */
static bool confirm_large(const design *d, int n, bool report, bool yes)
{
    rpt_estimate est = { 0 };
    for (int i = 0; i < n; i++) rpt_cli_estimate_run(&d[i].cfg, false, report, &est);
    return rpt_cli_confirm("compare", &est, yes);
}

/* Run the designs one after the other, with a progress bar on a terminal. */
static int run_designs(design *d, int n, bool has_seed, int64_t seed, bool ts, sim_error *err)
{
    int rc = 0;
    rpt_progress *bar = rpt_progress_create("compare", n);
    for (int i = 0; i < n && rc == 0; i++) {
        uint64_t sd = has_seed ? (uint64_t)seed : (d[i].cfg.seed ? d[i].cfg.seed : 1);
        if (rpt_cli_run_config(&d[i].cfg, sd, NULL, false, &d[i].results, NULL, ts ? &d[i].ts : NULL,
                               &d[i].nts, err) != SIM_OK)
            rc = sim_cli_fail(err);
        rpt_progress_update(bar, i + 1);
    }
    rpt_progress_destroy(bar);
    return rc;
}

static int compare_main(const compare_args *a, design *d, int *n)
{
    sim_error err;
    sim_error_clear(&err);
    int64_t seed = 1;
    bool has_seed = a->seed_s != NULL;
    if (has_seed && sim_cli_parse_int("--seed", a->seed_s, 0, INT64_MAX, &seed, &err) != SIM_OK)
        return sim_cli_fail(&err);
    int rc = build_designs(a, d, n, &err);
    for (int i = 0; i < *n && rc == 0 && a->trace; i++)
        if (mdl_config_use_trace(&d[i].cfg, a->trace, &err) != SIM_OK) rc = sim_cli_fail(&err);
    /* The report folder is written whole (sim_atomic_dir), opened before the
     * runs so an unwritable place fails at once. */
    sim_atomic_dir od;
    memset(&od, 0, sizeof od);
    if (rc == 0 && !confirm_large(d, *n, a->out != NULL, a->yes)) rc = 1;
    if (rc == 0 && a->out && sim_atomic_dir_open(&od, a->out, &err) != SIM_OK) rc = sim_cli_fail(&err);
    if (rc == 0) rc = run_designs(d, *n, has_seed, seed, a->out != NULL, &err);
    if (rc == 0) rc = compare_outputs(a, &od, d, *n, &err);
    sim_atomic_dir_abort(&od);
    return rc;
}

int rpt_cmd_compare(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_compare_usage, stdout);
        return 0;
    }
    compare_args a;
    memset(&a, 0, sizeof a);
    a.sets = sim_xcalloc((size_t)argc, sizeof *a.sets);
    design *d = sim_xcalloc(MAX_DESIGNS, sizeof *d);
    int n = 0, rc = parse_compare_args(argc, argv, &a);
    if (rc == 0) rc = compare_main(&a, d, &n);
    /* A design whose config failed to load holds nothing to free. */
    for (int i = 0; i < MAX_DESIGNS; i++) {
        json_object_put(d[i].results);
        free(d[i].ts);
        mdl_config_fini(&d[i].cfg);
    }
    free(d);
    free(a.sets);
    return rc;
}
