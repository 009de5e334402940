/* rpt_cmd_sweep.c - `lambdasim sweep`: scenarios x replications in parallel.
 *
 * The grid (--grid key=v1,v2 ..., a cartesian product) is expanded and
 * every scenario's config validated up front, serially, so bad input fails
 * before any work.  Jobs (scenario, replication) then run under OpenMP with a
 * dynamic schedule, one engine per job; each job's figures land in its own
 * slot, and the aggregation walks the slots in a fixed order, so the output
 * is byte-identical whatever the thread count.
 *
 * Every numeric figure of a run's results (requests, functions, queues,
 * cost) is aggregated: mean and a Student-t 95% confidence interval across
 * replications.  Outputs: DIR/sweep.csv (one row per scenario and figure)
 * and DIR/sweep.json, and DIR/charts/: the headline figures (latency,
 * cost, cold starts, instances, duration) against the first grid key, with
 * the 95% CI as a band, one line per combination of the other keys (bars
 * when the first key's values are not numbers), and DIR/report.html and
 * report.md: the headline figures per scenario and the charts.
 */
#include "reports/cli/rpt_cmd.h"
#include "reports/cli/rpt_cli_data.h"
#include "models/scenario/mdl_scenario.h"
#include "reports/chart/rpt_chart.h"
#include "reports/page/rpt_page.h"
#include "reports/page/rpt_report.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"
#include "sim/sim_stats.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GRID 8
#define MAX_VALUES 64

static const char k_usage[] =
    "usage: lambdasim sweep --config FILE.json --grid KEY=V1,V2,... [--grid ...]\n"
    "                       [--replications N] [--threads N] [--seed N] --out DIR [--png]\n"
    "                       [--set KEY=VALUE ...] [--data DIR]\n"
    "\n"
    "--set overrides a key of every scenario (after the grid's; V is JSON if it\n"
    "parses, else a string; repeatable); --data DIR is the data directory\n"
    "(default $LAMBDASIM_DATA, else the installed share/lambdasim, else ./data).\n"
    "\n"
    "Runs every combination of the grid values (KEY is a dotted JSON path of the\n"
    "config, e.g. functions.f.memory_mb=512,1024) for N replications each, in\n"
    "parallel (OpenMP, dynamic schedule, one engine per replication).  Writes\n"
    "DIR/sweep.csv and DIR/sweep.json: for every scenario and every figure of\n"
    "the run results, the mean and the 95% confidence interval across\n"
    "replications, and DIR/charts/*.svg: headline figures against the first grid\n"
    "key with their 95% CI bands (--png adds PNG copies).  Output is identical\n"
    "whatever the thread count.  A progress bar with an ETA shows on a terminal.\n";

typedef struct grid_axis {
    char key[256];
    char *vals[MAX_VALUES];
    int n;
} grid_axis;

typedef struct flat {
    char **names;
    double *vals;
    int n, cap;
} flat;

static void flat_add(flat *f, const char *name, double v)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 64;
        f->names = sim_xrealloc(f->names, (size_t)f->cap * sizeof *f->names);
        f->vals = sim_xrealloc(f->vals, (size_t)f->cap * sizeof *f->vals);
    }
    f->names[f->n] = sim_xstrdup(name);
    f->vals[f->n++] = v;
}

static void flat_free(flat *f)
{
    for (int i = 0; i < f->n; i++) free(f->names[i]);
    free(f->names);
    free(f->vals);
    memset(f, 0, sizeof *f);
}

/* Every numeric leaf, by dotted path, in the document's order. */
static void flatten(flat *f, json_object *o, const char *prefix)
{
    json_object_object_foreach(o, k, v) {
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", k);
        if (json_object_is_type(v, json_type_object))
            flatten(f, v, path);
        else if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
            flat_add(f, path, json_object_get_double(v));
    }
}


/* The figures charted, by dotted path; "*" matches one function name. */
static const struct { const char *pattern, *label; } k_chart_metrics[] = {
    { "requests.latency_ms.p95", "client latency p95 (ms)" },
    { "requests.latency_ms.mean", "client latency mean (ms)" },
    { "cost.total_usd", "cost over the simulated span (USD)" },
    { "functions.*.duration_ms.mean", "mean duration (ms)" },
    { "functions.*.cold_start_probability", "P(cold start)" },
    { "functions.*.avg_instances", "average instances (count)" },
};

static bool metric_match(const char *pattern, const char *name)
{
    const char *star = strchr(pattern, '*');
    if (!star) return strcmp(pattern, name) == 0;
    size_t pre = (size_t)(star - pattern), suf = strlen(star + 1);
    size_t n = strlen(name);
    return n > pre + suf && strncmp(name, pattern, pre) == 0 &&
           strcmp(name + n - suf, star + 1) == 0 && !memchr(name + pre, '.', n - pre - suf);
}

static bool ci_of(const flat *res, int sc, int reps, const char *name, double *x, sim_ci *ci)
{
    int nx = 0;
    for (int r = 0; r < reps; r++) {
        const flat *f = &res[sc * reps + r];
        for (int m = 0; m < f->n; m++)
            if (strcmp(f->names[m], name) == 0) { x[nx++] = f->vals[m]; break; }
    }
    if (nx == 0) return false;
    *ci = sim_ci_from_samples(x, (size_t)nx, 0.95);
    if (nx < 2) ci->lo = ci->hi = ci->mean;
    return true;
}

/* Short scenario labels: the grid values, comma-separated. */
static void scenario_label(char *buf, size_t n, const grid_axis *ax, int nax, int sc)
{
    const char *pv[MAX_GRID];
    int idx = sc;
    for (int a = nax - 1; a >= 0; a--) {
        pv[a] = ax[a].vals[idx % ax[a].n];
        idx /= ax[a].n;
    }
    size_t k = 0;
    buf[0] = '\0';
    for (int a = 0; a < nax && k < n; a++)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", a ? ", " : "", pv[a]);
    if (nax == 0) snprintf(buf, n, "base");
}

/* The headline figures of every scenario: mean and CI half-width rows,
 * scenarios as columns. */
static void sweep_table(rpt_page *pg, const grid_axis *ax, int nax, int nsc, const flat *res,
                        int reps)
{
    enum { MAXR = 64 };
    const char *labels[MAXR];
    char lab[MAXR][300];
    int dec[MAXR], nr = 0;
    double *v = sim_xcalloc((size_t)MAXR * (size_t)nsc, sizeof *v);
    double *x = sim_xcalloc((size_t)reps, sizeof *x);
    const flat *f0 = &res[0];
    for (size_t c = 0; c < sizeof k_chart_metrics / sizeof k_chart_metrics[0]; c++) {
        for (int m = 0; m < f0->n && nr + 2 <= MAXR; m++) {
            if (!metric_match(k_chart_metrics[c].pattern, f0->names[m])) continue;
            snprintf(lab[nr], sizeof lab[nr], "%s", f0->names[m]);
            snprintf(lab[nr + 1], sizeof lab[nr + 1], "  +/- 95%% CI");
            /* Enough decimals for small figures (probabilities, dollars). */
            double mag = 0;
            for (int sc = 0; sc < nsc; sc++) {
                sim_ci ci;
                bool ok = ci_of(res, sc, reps, f0->names[m], x, &ci);
                v[(size_t)nr * nsc + sc] = ok ? ci.mean : NAN;
                v[(size_t)(nr + 1) * nsc + sc] = ok ? (ci.hi - ci.lo) / 2 : NAN;
                if (ok) mag = fmax(mag, fabs(ci.mean));
            }
            dec[nr] = dec[nr + 1] = mag >= 100 ? 1 : mag >= 1 ? 3 : 5;
            nr += 2;
        }
    }
    for (int r = 0; r < nr; r++) labels[r] = lab[r];
    char (*cl)[200] = sim_xcalloc((size_t)nsc, sizeof *cl);
    const char **cols = sim_xcalloc((size_t)nsc, sizeof *cols);
    for (int sc = 0; sc < nsc; sc++) {
        scenario_label(cl[sc], sizeof cl[sc], ax, nax, sc);
        cols[sc] = cl[sc];
    }
    char corner[600];
    size_t k = 0;
    corner[0] = '\0';
    for (int a = 0; a < nax && k < sizeof corner; a++)
        k += (size_t)snprintf(corner + k, sizeof corner - k, "%s%s", a ? ", " : "", ax[a].key);
    rpt_page_add_table(pg, "sweep", corner, cols, nsc, labels, v, dec, nr);
    free(cols);
    free(cl);
    free(x);
    free(v);
}

/* Charts of the headline figures against the first grid key.  Scenario
 * sc = i * (nsc / n0) + r: i walks the first key, r the other keys. */
static sim_status sweep_charts(const char *out, const grid_axis *ax, int nax, int nsc,
                               const flat *res, int reps, bool png, rpt_page *pg, int *ncharts,
                               sim_error *err)
{
    *ncharts = 0;
    if (nax == 0 || ax[0].n < 2) return SIM_OK;
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/charts", out);
    SIM_TRY(sim_mkdir_p(dir, err));
    int n0 = ax[0].n, nser = nsc / n0;
    bool numeric = true;
    double *xv = sim_xcalloc((size_t)n0, sizeof *xv);
    for (int i = 0; i < n0; i++) {
        char *end;
        xv[i] = strtod(ax[0].vals[i], &end);
        numeric = numeric && *end == '\0' && end != ax[0].vals[i] && isfinite(xv[i]);
    }
    double xmin = INFINITY, xmax = -INFINITY;
    for (int i = 0; i < n0 && numeric; i++) { xmin = fmin(xmin, xv[i]); xmax = fmax(xmax, xv[i]); }
    bool xlog = numeric && xmin > 0 && xmax / xmin >= 8;
    size_t np = (size_t)n0 * (size_t)nser;
    double *y = sim_xcalloc(np, sizeof *y), *lo = sim_xcalloc(np, sizeof *lo),
           *hi = sim_xcalloc(np, sizeof *hi), *x = sim_xcalloc((size_t)reps, sizeof *x);
    rpt_series *s = sim_xcalloc((size_t)nser, sizeof *s);
    rpt_bar_set *bars = sim_xcalloc((size_t)nser, sizeof *bars);
    char (*names)[256] = sim_xcalloc((size_t)nser, sizeof *names);
    for (int r = 0; r < nser; r++) {
        /* The other keys' values of series r. */
        int idx = r, k = 0;
        const char *pv[MAX_GRID];
        for (int a = nax - 1; a >= 1; a--) {
            pv[a] = ax[a].vals[idx % ax[a].n];
            idx /= ax[a].n;
        }
        names[r][0] = '\0';
        for (int a = 1; a < nax; a++)
            k += snprintf(names[r] + k, sizeof names[r] - (size_t)k, "%s%s=%s", a > 1 ? ", " : "",
                          ax[a].key, pv[a]);
        if (nax == 1) snprintf(names[r], sizeof names[r], "mean, 95%% CI band");
    }
    /* Candidate metric names from the first scenario's first replication. */
    const flat *f0 = &res[0];
    sim_status st = SIM_OK;
    for (size_t c = 0; c < sizeof k_chart_metrics / sizeof k_chart_metrics[0] && st == SIM_OK; c++) {
        for (int m = 0; m < f0->n && st == SIM_OK; m++) {
            const char *name = f0->names[m];
            if (!metric_match(k_chart_metrics[c].pattern, name)) continue;
            bool any = false;
            for (int r = 0; r < nser; r++) {
                for (int i = 0; i < n0; i++) {
                    sim_ci ci;
                    size_t j = (size_t)r * (size_t)n0 + (size_t)i;
                    if (ci_of(res, i * nser + r, reps, name, x, &ci)) {
                        y[j] = ci.mean; lo[j] = ci.lo; hi[j] = ci.hi;
                        any = true;
                    } else {
                        y[j] = lo[j] = hi[j] = NAN;
                    }
                }
                s[r] = (rpt_series){ .name = names[r], .x = xv, .y = y + (size_t)r * n0,
                                     .lo = lo + (size_t)r * n0, .hi = hi + (size_t)r * n0,
                                     .n = (size_t)n0, .markers = true };
                bars[r] = (rpt_bar_set){ names[r], y + (size_t)r * n0 };
            }
            if (!any) continue;
            char path[1500], title[600], stem[300];
            snprintf(stem, sizeof stem, "%s", name);
            for (char *q = stem; *q; q++)
                if (*q == '.' || *q == '/') *q = '_';
            snprintf(title, sizeof title, "%s vs %s (%d replications)", name, ax[0].key, reps);
            rpt_chart_spec spec = { .title = title, .xlabel = ax[0].key,
                                    .ylabel = k_chart_metrics[c].label, .xlog = xlog, .y_zero = true };
            for (int f = 0; f < (png ? 2 : 1) && st == SIM_OK; f++) {
                spec.format = f ? RPT_CHART_PNG : RPT_CHART_SVG;
                snprintf(path, sizeof path, "%s/%s.%s", dir, stem, f ? "png" : "svg");
                if (numeric) st = rpt_chart_draw_lines(path, &spec, s, nser, err);
                else st = rpt_chart_draw_bars(path, &spec, (const char *const *)ax[0].vals, n0, bars,
                                         nser, false, err);
            }
            if (st == SIM_OK) {
                (*ncharts)++;
                char caption[700];
                snprintf(caption, sizeof caption, "Mean of %s over %d replications against %s; the "
                         "shaded band is the 95%% confidence interval (Student t).%s", name, reps,
                         ax[0].key, numeric ? "" : " Bars show the means; the intervals are in sweep.csv.");
                rpt_page_add_chart(pg, stem, title, caption);
            }
        }
    }
    free(names);
    free(bars);
    free(s);
    free(x);
    free(hi);
    free(lo);
    free(y);
    free(xv);
    return st;
}

int rpt_cmd_sweep(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        return 0;
    }
    sim_error err;
    sim_error_clear(&err);
    const char *config = NULL, *out = NULL, *v, *data = NULL;
    const char **sets = sim_xcalloc((size_t)argc, sizeof *sets);
    size_t nset = 0;
    int64_t reps = 5, threads = 0, seed = -1;
    grid_axis *ax = sim_xcalloc(MAX_GRID, sizeof *ax);
    int nax = 0, rc = 0;
    bool png = false;
    for (int i = 1; i < argc && rc == 0; i++) {
        if (sim_cli_opt(argc, argv, &i, "--config", &v, &err)) config = v;
        else if (sim_cli_opt(argc, argv, &i, "--set", &v, &err)) { if (v) sets[nset++] = v; }
        else if (sim_cli_opt(argc, argv, &i, "--data", &v, &err)) data = v;
        else if (sim_cli_opt(argc, argv, &i, "--out", &v, &err)) out = v;
        else if (strcmp(argv[i], "--png") == 0) png = true;
        else if (sim_cli_opt(argc, argv, &i, "--replications", &v, &err)) {
            if (v && sim_cli_parse_int("--replications", v, 1, 100000, &reps, &err) != SIM_OK) rc = sim_cli_fail(&err);
        } else if (sim_cli_opt(argc, argv, &i, "--threads", &v, &err)) {
            if (v && sim_cli_parse_int("--threads", v, 1, 1024, &threads, &err) != SIM_OK) rc = sim_cli_fail(&err);
        } else if (sim_cli_opt(argc, argv, &i, "--seed", &v, &err)) {
            if (v && sim_cli_parse_int("--seed", v, 0, INT64_MAX, &seed, &err) != SIM_OK) rc = sim_cli_fail(&err);
        } else if (sim_cli_opt(argc, argv, &i, "--grid", &v, &err)) {
            if (!v) continue;
            const char *eq = strchr(v, '=');
            if (!eq || eq == v || !eq[1]) { rc = sim_cli_usage_error("sweep", "--grid wants KEY=V1,V2,..."); break; }
            if (nax == MAX_GRID) { rc = sim_cli_usage_error("sweep", "at most %d --grid", MAX_GRID); break; }
            grid_axis *a = &ax[nax++];
            snprintf(a->key, sizeof a->key, "%.*s", (int)(eq - v), v);
            char *vals = sim_xstrdup(eq + 1), *save = NULL;
            for (char *t = strtok_r(vals, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (a->n == MAX_VALUES) { rc = sim_cli_usage_error("sweep", "at most %d values per --grid", MAX_VALUES); break; }
                a->vals[a->n++] = sim_xstrdup(t);
            }
            free(vals);
        } else {
            rc = sim_cli_usage_error("sweep", "unknown option '%s'", argv[i]);
        }
        if (rc == 0 && err.code) rc = sim_cli_usage_error("sweep", "%s", err.msg);
    }
    if (rc == 0 && !config) rc = sim_cli_usage_error("sweep", "--config is required");
    if (rc == 0 && !out) rc = sim_cli_usage_error("sweep", "--out is required");
    if (rc == 0 && rpt_cli_data_dir(data, &data, &err) != SIM_OK) rc = sim_cli_fail(&err);
    mdl_config_opts opts = { .data_dir = data, .set = sets, .nset = nset };
    int nsc = 1;
    for (int a = 0; a < nax; a++) nsc *= ax[a].n;
    mdl_config *cfgs = NULL;
    int built = 0;
    if (rc == 0) {
        /* Expand and validate every scenario before running anything. */
        cfgs = sim_xcalloc((size_t)nsc, sizeof *cfgs);
        for (int sc = 0; sc < nsc && rc == 0; sc++) {
            sim_json_doc doc;
            if (sim_json_doc_load(&doc, config, &err) != SIM_OK) { rc = sim_cli_fail(&err); break; }
            int idx = sc;
            for (int a = nax - 1; a >= 0 && rc == 0; a--) {
                if (sim_json_set_path(doc.root, ax[a].key, ax[a].vals[idx % ax[a].n], &err) != SIM_OK)
                    rc = sim_cli_fail(&err);
                idx /= ax[a].n;
            }
            if (rc == 0 && mdl_config_from_doc(&cfgs[sc], &doc, &opts, &err) != SIM_OK) {
                char buf[2048];
                sim_error_format(&err, buf, sizeof buf);
                rc = sim_cli_fail(&err);
            }
            if (rc == 0) built++;
            sim_json_doc_fini(&doc);
        }
    }
    if (rc == 0 && sim_mkdir_p(out, &err) != SIM_OK) rc = sim_cli_fail(&err);
    if (rc != 0) goto done;
    {
        int njobs = nsc * (int)reps;
        flat *res = sim_xcalloc((size_t)njobs, sizeof *res);
        sim_status *st = sim_xcalloc((size_t)njobs, sizeof *st);
        sim_error *errs = sim_xcalloc((size_t)njobs, sizeof *errs);
        int nthreads = threads ? (int)threads : omp_get_max_threads();
        rpt_progress *bar = rpt_progress_create("sweep", njobs);
        int done_jobs = 0;
        double t0 = sim_wall_seconds();
#pragma omp parallel for schedule(dynamic) num_threads(nthreads)
        for (int j = 0; j < njobs; j++) {
            int sc = j / (int)reps, r = j % (int)reps;
            const mdl_config *c = &cfgs[sc];
            uint64_t sd = seed >= 0 ? (uint64_t)seed : (c->seed ? c->seed : 1);
            mdl_scenario *s = NULL;
            st[j] = mdl_scenario_create(c, sd, (uint64_t)r, &s, &errs[j]);
            if (st[j] == SIM_OK) st[j] = mdl_scenario_run(s, &errs[j]);
            if (st[j] == SIM_OK) {
                json_object *jr = mdl_scenario_results(s);
                flatten(&res[j], jr, "");
                json_object_put(jr);
            }
            mdl_scenario_destroy(s);
#pragma omp critical(sweep_progress)
            rpt_progress_update(bar, ++done_jobs);
        }
        rpt_progress_destroy(bar);
        for (int j = 0; j < njobs && rc == 0; j++)
            if (st[j] != SIM_OK) rc = sim_cli_fail(&errs[j]);
        if (rc == 0) {
            /* Aggregate in job order: independent of the thread count. */
            sim_atomic csv;
            char path[1024];
            snprintf(path, sizeof path, "%s/sweep.csv", out);
            json_object *doc = json_object_new_object();
            sim_json_add_string(doc, "config", config);
            sim_json_add_int(doc, "replications", reps);
            sim_json_add_int(doc, "seed", seed >= 0 ? seed : (int64_t)(cfgs[0].seed ? cfgs[0].seed : 1));
            json_object *grid = json_object_new_object();
            for (int a = 0; a < nax; a++) {
                json_object *vals = json_object_new_array();
                for (int k = 0; k < ax[a].n; k++) json_object_array_add(vals, json_object_new_string(ax[a].vals[k]));
                json_object_object_add(grid, ax[a].key, vals);
            }
            json_object_object_add(doc, "grid", grid);
            json_object *scs = json_object_new_array();
            if (sim_atomic_open(&csv, path, &err) != SIM_OK) {
                rc = sim_cli_fail(&err);
            } else {
                fprintf(csv.fp, "scenario");
                for (int a = 0; a < nax; a++) fprintf(csv.fp, ",%s", ax[a].key);
                fprintf(csv.fp, ",metric,mean,ci95_low,ci95_high,n\n");
                for (int sc = 0; sc < nsc; sc++) {
                    json_object *so = json_object_new_object();
                    sim_json_add_int(so, "scenario", sc);
                    json_object *params = json_object_new_object();
                    int idx = sc;
                    const char *pv[MAX_GRID];
                    for (int a = nax - 1; a >= 0; a--) {
                        pv[a] = ax[a].vals[idx % ax[a].n];
                        idx /= ax[a].n;
                    }
                    for (int a = 0; a < nax; a++) sim_json_add_string(params, ax[a].key, pv[a]);
                    json_object_object_add(so, "params", params);
                    json_object *metrics = json_object_new_object();
                    const flat *f0 = &res[sc * reps];
                    double *x = sim_xmalloc((size_t)reps * sizeof *x);
                    for (int m = 0; m < f0->n; m++) {
                        int nx = 0;
                        for (int r = 0; r < reps; r++) {
                            const flat *fr = &res[sc * reps + r];
                            /* Same config, same figures in the same order. */
                            if (m < fr->n && strcmp(fr->names[m], f0->names[m]) == 0)
                                x[nx++] = fr->vals[m];
                        }
                        sim_ci ci = sim_ci_from_samples(x, (size_t)nx, 0.95);
                        fprintf(csv.fp, "%d", sc);
                        for (int a = 0; a < nax; a++) fprintf(csv.fp, ",%s", pv[a]);
                        fprintf(csv.fp, ",%s,%.17g,%.17g,%.17g,%d\n", f0->names[m], ci.mean,
                                nx > 1 ? ci.lo : ci.mean, nx > 1 ? ci.hi : ci.mean, nx);
                        json_object *mo = json_object_new_object();
                        sim_json_add_double(mo, "mean", ci.mean);
                        sim_json_add_double(mo, "ci95_low", nx > 1 ? ci.lo : ci.mean);
                        sim_json_add_double(mo, "ci95_high", nx > 1 ? ci.hi : ci.mean);
                        json_object_object_add(metrics, f0->names[m], mo);
                    }
                    free(x);
                    json_object_object_add(so, "metrics", metrics);
                    json_object_array_add(scs, so);
                }
                if (sim_atomic_commit(&csv, &err) != SIM_OK) rc = sim_cli_fail(&err);
            }
            json_object_object_add(doc, "scenarios", scs);
            if (rc == 0) {
                char *text = sim_json_to_string(doc);
                snprintf(path, sizeof path, "%s/sweep.json", out);
                if (sim_write_file_atomic(path, text, strlen(text), &err) != SIM_OK) rc = sim_cli_fail(&err);
                free(text);
            }
            json_object_put(doc);
            /* report.html / report.md: the headline table, then the charts. */
            int ncharts = 0;
            char title[1200], sub[2048];
            snprintf(title, sizeof title, "lambdasim sweep: %s", config);
            size_t k = (size_t)snprintf(sub, sizeof sub, "%d scenarios x %d replications, seed %lld; grid:",
                                        nsc, (int)reps, (long long)(seed >= 0 ? seed : (int64_t)(cfgs[0].seed ? cfgs[0].seed : 1)));
            for (int a = 0; a < nax && k < sizeof sub; a++) {
                k += (size_t)snprintf(sub + k, sizeof sub - k, " %s=", ax[a].key);
                for (int b = 0; b < ax[a].n && k < sizeof sub; b++)
                    k += (size_t)snprintf(sub + k, sizeof sub - k, "%s%s", b ? "," : "", ax[a].vals[b]);
            }
            if (k < sizeof sub)
                snprintf(sub + k, sizeof sub - k, ". Every figure of every scenario is in sweep.csv and sweep.json.");
            rpt_page *pg = rpt_page_create(title);
            rpt_page_add_text(pg, sub, true);
            rpt_page_add_heading(pg, "Headline figures (mean and 95% CI half-width)");
            if (rc == 0) sweep_table(pg, ax, nax, nsc, res, (int)reps);
            rpt_page_add_heading(pg, "Charts");
            if (rc == 0 && sweep_charts(out, ax, nax, nsc, res, (int)reps, png, pg, &ncharts, &err) != SIM_OK)
                rc = sim_cli_fail(&err);
            if (rc == 0 && ncharts == 0)
                rpt_page_add_text(pg, "No charts: they need a first --grid key with two or more values.", true);
            if (rc == 0 && rpt_page_write(pg, out, &err) != SIM_OK) rc = sim_cli_fail(&err);
            rpt_page_destroy(pg);
            if (rc == 0)
                printf("lambdasim sweep: %d scenarios x %d replications on %d threads in %.2f s; wrote %s/sweep.csv, %s/sweep.json, %s/report.html and %d charts in %s/charts\n",
                       nsc, (int)reps, nthreads, sim_wall_seconds() - t0, out, out, out, ncharts, out);
        }
        for (int j = 0; j < njobs; j++) flat_free(&res[j]);
        free(res);
        free(st);
        free(errs);
    }
done:
    for (int i = 0; i < built; i++) mdl_config_fini(&cfgs[i]);
    free(cfgs);
    for (int a = 0; a < nax; a++)
        for (int k = 0; k < ax[a].n; k++) free(ax[a].vals[k]);
    free(ax);
    free(sets);
    return rc;
}
