/* rpt_cmd_compare.c - `lambdasim compare`: several designs side by side,
 * either several --config files or one config with --vary key=v1,v2,...
 * which rewrites one JSON path per design (e.g. entry.type). */
#include "reports/cli/rpt_cmd.h"
#include "reports/cli/rpt_cli_run.h"
#include "reports/page/rpt_report.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DESIGNS 16

static const char k_compare_usage[] =
    "usage: lambdasim compare --config A.json --config B.json [...]\n"
    "       lambdasim compare --config A.json --vary KEY=V1,V2[,...]\n"
    "                         [--trace FILE.csv] [--seed N] [--format text|json]\n"
    "                         [--out DIR [--png]] [--yes]\n"
    "\n"
    "Simulates designs side by side with the same seed: latency p50/p95/p99,\n"
    "failures by cause, cold starts, cost by service.  KEY is a dotted JSON\n"
    "path, e.g. entry.type=function_url,apigw_http,apigw_rest.  --out DIR writes\n"
    "compare.json and the report (summary.json, timeseries.csv, report.html,\n"
    "report.md, charts/*.svg; --png adds PNG charts).  --yes starts a very large\n"
    "comparison (over 1e9 events or 10 GB of output) without asking.\n";


typedef struct design {
    char name[600];
    mdl_config cfg;
    json_object *results;
    mdl_ts_row *ts;       /* per-minute time series, when a report is written */
    size_t nts;
} design;

static void compare_text(FILE *fp, design *d, int n)
{
    fprintf(fp, "%-28s", "");
    for (int i = 0; i < n; i++) fprintf(fp, " %22.22s", d[i].name);  /* long names are cut to the column */
    fprintf(fp, "\n");
    static const struct { const char *label, *path; int decimals; } rows[] = {
        { "latency p50 (ms)", "requests.latency_ms.p50", 1 },
        { "latency p95 (ms)", "requests.latency_ms.p95", 1 },
        { "latency p99 (ms)", "requests.latency_ms.p99", 1 },
        { "requests", "requests.arrivals", 0 },
        { "completed", "requests.completed", 0 },
        { "failed", "requests.failed", 0 },
    };
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        fprintf(fp, "%-28s", rows[k].label);
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
        fprintf(fp, "%-28s", label);
        for (int i = 0; i < n; i++) fprintf(fp, " %22.0f", rpt_cli_jget(d[i].results, p));
        fprintf(fp, "\n");
    }
    /* Cold starts summed over functions. */
    fprintf(fp, "%-28s", "cold starts");
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
        fprintf(fp, "%-28s", "cost total (USD)");
        for (int i = 0; i < n; i++) fprintf(fp, " %22.4f", rpt_cli_jget(d[i].results, "cost.total_usd"));
        fprintf(fp, "\n");
        fprintf(fp, "%-28s", "cost per month (USD)");
        for (int i = 0; i < n; i++)
            fprintf(fp, " %22.2f", rpt_cli_jget(d[i].results, "cost.monthly_projection.total_usd"));
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
            snprintf(label, sizeof label, "  %s (USD)", name);
            fprintf(fp, "%-28s", label);
            for (int i = 0; i < n; i++) fprintf(fp, " %22.4f", rpt_cli_jget(d[i].results, p));
            fprintf(fp, "\n");
        }
        json_object_put(all);
    }
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
        if (rpt_cli_run_config(&d[i].cfg, sd, NULL, &d[i].results, NULL, ts ? &d[i].ts : NULL,
                               &d[i].nts, err) != SIM_OK)
            rc = sim_cli_fail(err);
        rpt_progress_update(bar, i + 1);
    }
    rpt_progress_destroy(bar);
    return rc;
}

/* The report and compare.json into the folder od, then renamed into place. */
static int write_report(sim_atomic_dir *od, json_object *doc, const design *d, int n,
                        const char *vary, bool png, sim_error *err)
{
    rpt_design *rd = sim_xcalloc((size_t)n, sizeof *rd);
    for (int i = 0; i < n; i++) rd[i] = (rpt_design){ d[i].name, d[i].results, d[i].ts, d[i].nts };
    char title[1200];
    if (vary) snprintf(title, sizeof title, "lambdasim compare: %s", vary);
    else snprintf(title, sizeof title, "lambdasim compare: %d designs", n);
    rpt_report_opts ro = { .title = title, .summary = doc, .png = png };
    const char *dir = sim_atomic_dir_path(od);
    int rc = 0;
    if (rpt_report_write(dir, &ro, rd, n, err) != SIM_OK) rc = sim_cli_fail(err);
    if (rc == 0) rc = rpt_cli_emit_json(doc, dir, "compare.json", false, err);
    if (rc == 0 && sim_atomic_dir_commit(od, err) != SIM_OK) rc = sim_cli_fail(err);
    free(rd);
    return rc;
}

int rpt_cmd_compare(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_compare_usage, stdout);
        return 0;
    }
    sim_error err;
    sim_error_clear(&err);
    const char *configs[MAX_DESIGNS];
    int nconf = 0;
    const char *vary = NULL, *format = "text", *out = NULL, *seed_s = NULL, *trace = NULL, *v;
    bool png = false, yes = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--png") == 0) png = true;
        else if (strcmp(argv[i], "--yes") == 0) yes = true;
        else if (sim_cli_opt(argc, argv, &i, "--config", &v, &err)) {
            if (v && nconf == MAX_DESIGNS)
                return sim_cli_usage_error("compare", "at most %d configs", MAX_DESIGNS);
            if (v) configs[nconf++] = v;
        } else if (sim_cli_opt(argc, argv, &i, "--vary", &v, &err)) vary = v;
        else if (sim_cli_opt(argc, argv, &i, "--format", &v, &err)) format = v;
        else if (sim_cli_opt(argc, argv, &i, "--out", &v, &err)) out = v;
        else if (sim_cli_opt(argc, argv, &i, "--seed", &v, &err)) seed_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--trace", &v, &err)) trace = v;
        else return sim_cli_usage_error("compare", "unknown option '%s'", argv[i]);
        if (err.code) return sim_cli_usage_error("compare", "%s", err.msg);
    }
    if (strcmp(format, "text") && strcmp(format, "json"))
        return sim_cli_usage_error("compare", "--format must be text or json");
    if (nconf == 0) return sim_cli_usage_error("compare", "--config is required");
    if (vary && nconf != 1)
        return sim_cli_usage_error("compare", "--vary takes exactly one --config");
    if (!vary && nconf < 2)
        return sim_cli_usage_error("compare", "give two or more --config, or --vary");
    int64_t seed = 1;
    bool has_seed = false;
    if (seed_s) {
        if (sim_cli_parse_int("--seed", seed_s, 0, INT64_MAX, &seed, &err) != SIM_OK)
            return sim_cli_fail(&err);
        has_seed = true;
    }
    design *d = sim_xcalloc(MAX_DESIGNS, sizeof *d);
    int n = 0, rc = 0;
    if (vary) {
        const char *eq = strchr(vary, '=');
        if (!eq || eq == vary || !eq[1]) {
            free(d);
            return sim_cli_usage_error("compare", "--vary wants KEY=V1,V2,...");
        }
        char key[256], vals[1024];
        snprintf(key, sizeof key, "%.*s", (int)(eq - vary), vary);
        snprintf(vals, sizeof vals, "%s", eq + 1);
        char *save = NULL;
        for (char *tok = strtok_r(vals, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
            if (n == MAX_DESIGNS) { rc = sim_cli_usage_error("compare", "at most %d values", MAX_DESIGNS); break; }
            sim_json_doc doc;
            if (sim_json_doc_load(&doc, configs[0], &err) != SIM_OK) { rc = sim_cli_fail(&err); break; }
            if (sim_json_set_path(doc.root, key, tok, &err) != SIM_OK) {
                sim_json_doc_fini(&doc);
                rc = sim_cli_fail(&err);
                break;
            }
            snprintf(d[n].name, sizeof d[n].name, "%s", tok);
            if (mdl_config_from_doc(&d[n].cfg, &doc, &err) != SIM_OK) {
                sim_json_doc_fini(&doc);
                rc = sim_cli_fail(&err);
                break;
            }
            sim_json_doc_fini(&doc);
            n++;
        }
    } else {
        for (int i = 0; i < nconf && rc == 0; i++) {
            if (mdl_config_load(&d[n].cfg, configs[i], &err) != SIM_OK) { rc = sim_cli_fail(&err); break; }
            const char *base = strrchr(configs[i], '/');
            snprintf(d[n].name, sizeof d[n].name, "%s", base ? base + 1 : configs[i]);
            char *dot = strrchr(d[n].name, '.');
            if (dot && strcmp(dot, ".json") == 0) *dot = '\0';
            n++;
        }
    }
    for (int i = 0; i < n && rc == 0 && trace; i++)
        mdl_config_use_trace(&d[i].cfg, trace);
    /* The report folder is written whole (sim_atomic_dir), opened before the
     * runs so an unwritable place fails at once. */
    sim_atomic_dir od;
    memset(&od, 0, sizeof od);
    if (rc == 0 && !confirm_large(d, n, out != NULL, yes)) rc = 1;
    if (rc == 0 && out && sim_atomic_dir_open(&od, out, &err) != SIM_OK) rc = sim_cli_fail(&err);
    if (rc == 0) rc = run_designs(d, n, has_seed, seed, out != NULL, &err);
    if (rc == 0) {
        json_object *doc = json_object_new_object();
        json_object *arr = json_object_new_array();
        for (int i = 0; i < n; i++) {
            json_object *o = json_object_new_object();
            sim_json_add_string(o, "name", d[i].name);
            json_object_object_add(o, "results", json_object_get(d[i].results));
            json_object_array_add(arr, o);
        }
        json_object_object_add(doc, "designs", arr);
        if (vary) sim_json_add_string(doc, "vary", vary);
        if (out) rc = write_report(&od, doc, d, n, vary, png, &err);
        if (rc == 0) rc = rpt_cli_emit_json(doc, NULL, "compare.json", strcmp(format, "json") == 0, &err);
        if (rc == 0 && strcmp(format, "text") == 0) {
            if (vary) printf("varying %s\n", vary);
            compare_text(stdout, d, n);
            if (out) printf("report: %s/report.html\n", out);
        }
        json_object_put(doc);
    }
    sim_atomic_dir_abort(&od);
    for (int i = 0; i < n; i++) {
        json_object_put(d[i].results);
        free(d[i].ts);
        mdl_config_fini(&d[i].cfg);
    }
    free(d);
    return rc;
}
