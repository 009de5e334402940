/* rpt_sweep_out.c - a sweep's outputs from its task results: aggregation
 * (mean and Student-t 95% CI across replications) and the files.
 *
 *   sweep.csv      one row per scenario and figure
 *   sweep.json     the same, with the config, seed and grid
 *   charts/NAME.svg the headline figures against the first grid key, CI as
 *                  a band, one line per combination of the other keys (bars
 *                  when the first key's values are not numbers)
 *   report.html/md the headline figures per scenario, then the charts
 *   run_info.json  how the work was spread (ranks, threads, tasks)
 * Everything is computed from the result slots in task order, so the files
 * are byte-identical however the tasks were run.
 */
#include "reports/cli/rpt_sweep.h"
#include "reports/chart/rpt_chart.h"
#include "reports/page/rpt_page.h"
#include "reports/page/rpt_verdict.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"
#include "sim/sim_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The figures charted, by dotted path; "*" matches one function name. */
static const struct { const char *pattern, *label; } k_chart_metrics[] = {
    { "requests.latency_ms.p95", "client latency p95 (ms)" },
    { "requests.latency_ms.mean", "client latency mean (ms)" },
    { "cost.monthly.total_usd", "monthly cost (USD)" },
    { "cost.total_usd", "cost over the simulated span (USD)" },
    { "entries.*.latency_ms.p95", "entry response p95 (ms)" },
    { "entries.*.flow_ms.p95", "flow p95, arrival to the last work done (ms)" },
    { "functions.*.duration_ms.mean", "mean duration (ms)" },
    { "functions.*.cold_start_probability", "P(cold start)" },
    { "functions.*.avg_instances", "average instances (count)" },
};
#define NCHART_METRICS (sizeof k_chart_metrics / sizeof k_chart_metrics[0])

/* How a chart names a --grid key ("*" matches one function or queue name);
 * a key not listed is shown as it is. */
static const struct { const char *pattern, *label; } k_axis_labels[] = {
    { "functions.*.memory_mb", "memory (MB)" },
    { "functions.*.timeout_s", "function timeout (s)" },
    { "functions.*.keep_alive_s", "keep-alive (s)" },
    { "functions.*.keep_alive_jitter_s", "keep-alive jitter (s)" },
    { "functions.*.provisioned_concurrency", "provisioned concurrency (environments)" },
    { "functions.*.reserved_concurrency", "reserved concurrency (environments)" },
    { "functions.*.ephemeral_storage_mb", "ephemeral storage (MB)" },
    { "functions.*.arch", "architecture" },
    { "functions.*.reuse", "environment reuse" },
    { "functions.*.response_bytes", "response (bytes)" },
    { "entry.type", "front door" },
    { "entry.timeout_s", "front-door timeout (s)" },
    { "entry.invocation", "invocation" },
    { "entry.cache.hit_ratio", "cache hit ratio" },
    { "entry.task_latency_ms", "Step Functions task overhead (ms)" },
    { "workload.arrivals.rate_per_s", "arrival rate (requests/s)" },
    { "workload.payload_bytes", "payload (bytes)" },
    { "account.concurrency_limit", "account concurrency limit" },
    { "account.scaling", "scaling rule" },
    { "queues.*.consumer.count", "workers" },
    { "queues.*.consumer.batch_size", "batch size (messages)" },
    { "queues.*.consumer.instance_type", "EC2 instance type" },
    { "queues.*.consumer.autoscale.min", "fewest workers" },
    { "queues.*.consumer.autoscale.max", "most workers" },
    { "queues.*.visibility_timeout_s", "visibility timeout (s)" },
    { "billing.month_index", "month of growth" },
    { "billing.free_tier", "free tier" },
    { "services.s3.initial_gb", "S3 stored at the start (GB)" },
    { "duration_s", "simulated time (s)" },
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

static const char *axis_label(const char *key)
{
    for (size_t i = 0; i < sizeof k_axis_labels / sizeof k_axis_labels[0]; i++)
        if (metric_match(k_axis_labels[i].pattern, key)) return k_axis_labels[i].label;
    return key;
}

/* The CI of figure `name` across scenario sc's replications (x: scratch of
 * reps); false when no replication has it. */
static bool ci_of(const rpt_sweep_result *res, int sc, int reps, const char *name, double *x,
                  sim_ci *ci)
{
    int nx = 0;
    for (int r = 0; r < reps; r++) {
        const rpt_sweep_result *f = &res[sc * reps + r];
        for (int m = 0; m < f->n; m++)
            if (strcmp(f->names[m], name) == 0) { x[nx++] = f->vals[m]; break; }
    }
    if (nx == 0) return false;
    *ci = sim_ci_from_samples(x, (size_t)nx, 0.95);
    if (nx < 2) ci->lo = ci->hi = ci->mean;
    return true;
}

/* "v1, v2, ..." (the grid values of sc), or "base" without a grid. */
static void scenario_label(char *buf, size_t n, const rpt_sweep_def *d, int sc)
{
    const char *pv[RPT_SWEEP_MAX_GRID];
    rpt_sweep_scenario_values(d, sc, pv);
    size_t k = 0;
    buf[0] = '\0';
    for (int a = 0; a < d->nax && k < n; a++)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", a ? ", " : "", pv[a]);
    if (d->nax == 0) snprintf(buf, n, "base");
}

/* ---- sweep.csv and sweep.json ------------------------------------------------ */

/* Scenario sc: its CSV rows and its sweep.json entry. */
static json_object *scenario_stats(FILE *csv, const rpt_sweep_def *d, const rpt_sweep_result *res,
                                   int sc, double *x)
{
    const char *pv[RPT_SWEEP_MAX_GRID];
    rpt_sweep_scenario_values(d, sc, pv);
    json_object *so = json_object_new_object(), *params = json_object_new_object();
    sim_json_add_int(so, "scenario", sc);
    for (int a = 0; a < d->nax; a++) sim_json_add_string(params, d->ax[a].key, pv[a]);
    json_object_object_add(so, "params", params);
    json_object *metrics = json_object_new_object();
    const rpt_sweep_result *f0 = &res[sc * d->reps];
    for (int m = 0; m < f0->n; m++) {
        int nx = 0;
        for (int r = 0; r < d->reps; r++) {
            const rpt_sweep_result *fr = &res[sc * d->reps + r];
            /* Same config, same figures in the same order. */
            if (m < fr->n && strcmp(fr->names[m], f0->names[m]) == 0) x[nx++] = fr->vals[m];
        }
        sim_ci ci = sim_ci_from_samples(x, (size_t)nx, 0.95);
        double lo = nx > 1 ? ci.lo : ci.mean, hi = nx > 1 ? ci.hi : ci.mean;
        fprintf(csv, "%d", sc);
        for (int a = 0; a < d->nax; a++) fprintf(csv, ",%s", pv[a]);
        fprintf(csv, ",%s,%.17g,%.17g,%.17g,%d\n", f0->names[m], ci.mean, lo, hi, nx);
        json_object *mo = json_object_new_object();
        sim_json_add_double(mo, "mean", ci.mean);
        sim_json_add_double(mo, "ci95_low", lo);
        sim_json_add_double(mo, "ci95_high", hi);
        json_object_object_add(metrics, f0->names[m], mo);
    }
    json_object_object_add(so, "metrics", metrics);
    return so;
}

static sim_status write_tables(const char *dir, const rpt_sweep_def *d,
                               const rpt_sweep_result *res, sim_error *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    sim_atomic csv;
    SIM_TRY(sim_atomic_open(&csv, path, err));
    fprintf(csv.fp, "scenario");
    for (int a = 0; a < d->nax; a++) fprintf(csv.fp, ",%s", d->ax[a].key);
    fprintf(csv.fp, ",metric,mean,ci95_low,ci95_high,n\n");
    json_object *doc = json_object_new_object(), *scs = json_object_new_array();
    rpt_sweep_def_to_json(d, doc);
    double *x = sim_xcalloc((size_t)d->reps, sizeof *x);
    for (int sc = 0; sc < d->nsc; sc++) json_object_array_add(scs, scenario_stats(csv.fp, d, res, sc, x));
    free(x);
    json_object_object_add(doc, "scenarios", scs);
    sim_status st = sim_atomic_commit(&csv, err);
    if (st == SIM_OK) {
        char *text = sim_json_to_string(doc);
        snprintf(path, sizeof path, "%s/sweep.json", dir);
        st = sim_write_file_atomic(path, text, strlen(text), err);
        free(text);
    }
    json_object_put(doc);
    return st;
}

/* ---- the report's headline table --------------------------------------------- */

enum { MAX_ROWS = 64 };

typedef struct table_rows {
    char lab[MAX_ROWS][300];
    int dec[MAX_ROWS], n;
    double *v;             /* MAX_ROWS x nsc */
} table_rows;

/* Two rows for figure `name`: the means and the CI half-widths. */
static void table_metric(table_rows *t, const rpt_sweep_def *d, const rpt_sweep_result *res,
                         const char *name, double *x)
{
    int nr = t->n, nsc = d->nsc;
    snprintf(t->lab[nr], sizeof t->lab[nr], "%s", name);
    snprintf(t->lab[nr + 1], sizeof t->lab[nr + 1], "  +/- 95%% CI");
    double mag = 0;
    for (int sc = 0; sc < nsc; sc++) {
        sim_ci ci;
        bool ok = ci_of(res, sc, d->reps, name, x, &ci);
        t->v[(size_t)nr * nsc + sc] = ok ? ci.mean : NAN;
        t->v[(size_t)(nr + 1) * nsc + sc] = ok ? (ci.hi - ci.lo) / 2 : NAN;
        if (ok) mag = fmax(mag, fabs(ci.mean));
    }
    /* Enough decimals for small figures (probabilities, dollars). */
    t->dec[nr] = t->dec[nr + 1] = mag >= 100 ? 1 : mag >= 1 ? 3 : 5;
    t->n += 2;
}

/* The headline figures of every scenario: mean and CI half-width rows,
 * scenarios as columns. */
static void sweep_table(rpt_page *pg, const rpt_sweep_def *d, const rpt_sweep_result *res)
{
    int nsc = d->nsc;
    table_rows *t = sim_xcalloc(1, sizeof *t);
    t->v = sim_xcalloc((size_t)MAX_ROWS * (size_t)nsc, sizeof *t->v);
    double *x = sim_xcalloc((size_t)d->reps, sizeof *x);
    const rpt_sweep_result *f0 = &res[0];
    for (size_t c = 0; c < NCHART_METRICS; c++)
        for (int m = 0; m < f0->n && t->n + 2 <= MAX_ROWS; m++)
            if (metric_match(k_chart_metrics[c].pattern, f0->names[m]))
                table_metric(t, d, res, f0->names[m], x);
    const char *labels[MAX_ROWS];
    for (int r = 0; r < t->n; r++) labels[r] = t->lab[r];
    char (*cl)[200] = sim_xcalloc((size_t)nsc, sizeof *cl);
    const char **cols = sim_xcalloc((size_t)nsc, sizeof *cols);
    for (int sc = 0; sc < nsc; sc++) {
        scenario_label(cl[sc], sizeof cl[sc], d, sc);
        cols[sc] = cl[sc];
    }
    char corner[600];
    size_t k = 0;
    corner[0] = '\0';
    for (int a = 0; a < d->nax && k < sizeof corner; a++)
        k += (size_t)snprintf(corner + k, sizeof corner - k, "%s%s", a ? ", " : "", d->ax[a].key);
    rpt_page_add_table(pg, "sweep", corner, cols, nsc, labels, t->v, t->dec, t->n);
    free(cols);
    free(cl);
    free(x);
    free(t->v);
    free(t);
}

/* ---- charts -------------------------------------------------------------------- */

/* Charts of the headline figures against the first grid key.  Scenario
 * sc = i * nser + r: i walks the first key, r the other keys (series). */
typedef struct chart_ctx {
    const rpt_sweep_def *d;
    const rpt_sweep_result *res;
    char dir[1100];
    bool png, numeric, xlog;
    int n0, nser;
    double *xv, *y, *lo, *hi, *x;   /* x: scratch of reps */
    rpt_series *s;
    rpt_bar_set *bars;
    char (*names)[256];
    rpt_page *pg;
    int ncharts;
} chart_ctx;

/* The x values (numeric when every value of the first key is a number) and
 * the series names (the other keys' values). */
static void chart_axes(chart_ctx *c)
{
    const rpt_sweep_def *d = c->d;
    c->numeric = true;
    double xmin = INFINITY, xmax = -INFINITY;
    for (int i = 0; i < c->n0; i++) {
        char *end;
        c->xv[i] = strtod(d->ax[0].vals[i], &end);
        c->numeric = c->numeric && *end == '\0' && end != d->ax[0].vals[i] && isfinite(c->xv[i]);
        xmin = fmin(xmin, c->xv[i]);
        xmax = fmax(xmax, c->xv[i]);
    }
    c->xlog = c->numeric && xmin > 0 && xmax / xmin >= 8;
    for (int r = 0; r < c->nser; r++) {
        const char *pv[RPT_SWEEP_MAX_GRID];
        rpt_sweep_scenario_values(d, r, pv);   /* series r = scenario r's other keys */
        int k = 0;
        c->names[r][0] = '\0';
        for (int a = 1; a < d->nax; a++)
            k += snprintf(c->names[r] + k, sizeof c->names[r] - (size_t)k, "%s%s: %s",
                          a > 1 ? ", " : "", axis_label(d->ax[a].key), pv[a]);
        if (d->nax == 1) snprintf(c->names[r], sizeof c->names[r], "mean, 95%% CI band");
    }
}

/* Fill every series with figure `name`; false when no scenario has it. */
static bool chart_fill(chart_ctx *c, const char *name)
{
    bool any = false;
    size_t n0 = (size_t)c->n0;
    for (int r = 0; r < c->nser; r++) {
        for (int i = 0; i < c->n0; i++) {
            sim_ci ci;
            size_t j = (size_t)r * n0 + (size_t)i;
            if (ci_of(c->res, i * c->nser + r, c->d->reps, name, c->x, &ci)) {
                c->y[j] = ci.mean; c->lo[j] = ci.lo; c->hi[j] = ci.hi;
                any = true;
            } else {
                c->y[j] = c->lo[j] = c->hi[j] = NAN;
            }
        }
        c->s[r] = (rpt_series){ .name = c->names[r], .x = c->xv, .y = c->y + r * n0,
                                .lo = c->lo + r * n0, .hi = c->hi + r * n0, .n = n0,
                                .markers = true };
        c->bars[r] = (rpt_bar_set){ c->names[r], c->y + r * n0 };
    }
    return any;
}

static sim_status chart_metric(chart_ctx *c, const char *name, const char *ylabel, sim_error *err)
{
    if (!chart_fill(c, name)) return SIM_OK;
    const rpt_sweep_def *d = c->d;
    char path[1500], title[600], stem[300];
    snprintf(stem, sizeof stem, "%s", name);
    for (char *q = stem; *q; q++)
        if (*q == '.' || *q == '/') *q = '_';
    const char *xl = axis_label(d->ax[0].key);
    char xlabel[300];
    snprintf(xlabel, sizeof xlabel, "%s%s", xl, c->xlog ? ", log scale" : "");
    /* "mean duration (ms) of f against memory (MB)": the function, when the
     * figure is one function's, from its dotted name. */
    char what[300];
    if (strncmp(name, "functions.", 10) == 0) {
        const char *fn = name + 10, *dot = strchr(fn, '.');
        snprintf(what, sizeof what, "%s of %.*s", ylabel, dot ? (int)(dot - fn) : (int)strlen(fn), fn);
    } else {
        snprintf(what, sizeof what, "%s", ylabel);
    }
    snprintf(title, sizeof title, "%s against %s", what, xl);
    rpt_chart_spec spec = { .title = title, .xlabel = xlabel, .ylabel = ylabel,
                            .xlog = c->xlog, .y_zero = true };
    for (int f = 0; f < (c->png ? 2 : 1); f++) {
        spec.format = f ? RPT_CHART_PNG : RPT_CHART_SVG;
        snprintf(path, sizeof path, "%s/%s.%s", c->dir, stem, f ? "png" : "svg");
        if (c->numeric) SIM_TRY(rpt_chart_draw_lines(path, &spec, c->s, c->nser, err));
        else SIM_TRY(rpt_chart_draw_bars(path, &spec, (const char *const *)d->ax[0].vals, c->n0,
                                         c->bars, c->nser, false, err));
    }
    c->ncharts++;
    char caption[700];
    snprintf(caption, sizeof caption, "Mean of %s over %d replications against %s; the "
             "shaded band is the 95%% confidence interval (Student t).%s", name, d->reps,
             d->ax[0].key, c->numeric ? "" : " Bars show the means; the intervals are in sweep.csv.");
    rpt_page_add_chart(c->pg, stem, title, caption);
    return SIM_OK;
}

static sim_status sweep_charts(const char *out, const rpt_sweep_def *d,
                               const rpt_sweep_result *res, bool png, rpt_page *pg,
                               int *ncharts, sim_error *err)
{
    *ncharts = 0;
    if (d->nax == 0 || d->ax[0].n < 2) return SIM_OK;
    chart_ctx c = { .d = d, .res = res, .png = png, .pg = pg, .n0 = d->ax[0].n };
    c.nser = d->nsc / c.n0;
    snprintf(c.dir, sizeof c.dir, "%s/charts", out);
    SIM_TRY(sim_mkdir_p(c.dir, err));
    size_t np = (size_t)c.n0 * (size_t)c.nser;
    c.xv = sim_xcalloc((size_t)c.n0, sizeof *c.xv);
    c.y = sim_xcalloc(np, sizeof *c.y);
    c.lo = sim_xcalloc(np, sizeof *c.lo);
    c.hi = sim_xcalloc(np, sizeof *c.hi);
    c.x = sim_xcalloc((size_t)d->reps, sizeof *c.x);
    c.s = sim_xcalloc((size_t)c.nser, sizeof *c.s);
    c.bars = sim_xcalloc((size_t)c.nser, sizeof *c.bars);
    c.names = sim_xcalloc((size_t)c.nser, sizeof *c.names);
    chart_axes(&c);
    /* Candidate figures from the first scenario's first replication. */
    const rpt_sweep_result *f0 = &res[0];
    sim_status st = SIM_OK;
    for (size_t k = 0; k < NCHART_METRICS && st == SIM_OK; k++)
        for (int m = 0; m < f0->n && st == SIM_OK; m++)
            if (metric_match(k_chart_metrics[k].pattern, f0->names[m]))
                st = chart_metric(&c, f0->names[m], k_chart_metrics[k].label, err);
    *ncharts = c.ncharts;
    free(c.names);
    free(c.bars);
    free(c.s);
    free(c.x);
    free(c.hi);
    free(c.lo);
    free(c.y);
    free(c.xv);
    return st;
}

/* ---- the verdict and the trade-off ------------------------------------------------ */

/* Scenario sc's figures, each its mean over the replications, as a results
 * document (what the verdict reads). */
static json_object *scenario_means(const rpt_sweep_def *d, const rpt_sweep_result *res, int sc)
{
    json_object *o = json_object_new_object();
    const rpt_sweep_result *f0 = &res[sc * d->reps];
    for (int m = 0; m < f0->n; m++) {
        double sum = 0;
        int nx = 0;
        for (int r = 0; r < d->reps; r++) {
            const rpt_sweep_result *fr = &res[sc * d->reps + r];
            /* Same config, same figures in the same order. */
            if (m < fr->n && strcmp(fr->names[m], f0->names[m]) == 0) {
                sum += fr->vals[m];
                nx++;
            }
        }
        sim_error ignored;   /* a dotted name of an object's leaf always fits */
        if (nx) (void)sim_json_set_at(o, f0->names[m], sim_json_double(sum / nx), "sweep", &ignored);
    }
    return o;
}

/* Every scenario as a design named by its grid values. */
typedef struct sweep_designs {
    rpt_design *d;
    char (*names)[200];
    int n;
} sweep_designs;

static void sweep_designs_build(sweep_designs *sd, const rpt_sweep_def *d, const rpt_sweep_result *res)
{
    sd->n = d->nsc;
    sd->d = sim_xcalloc((size_t)d->nsc, sizeof *sd->d);
    sd->names = sim_xcalloc((size_t)d->nsc, sizeof *sd->names);
    for (int sc = 0; sc < d->nsc; sc++) {
        scenario_label(sd->names[sc], sizeof sd->names[sc], d, sc);
        sd->d[sc] = (rpt_design){ sd->names[sc], scenario_means(d, res, sc), NULL, 0 };
    }
}

static void sweep_designs_free(sweep_designs *sd)
{
    for (int i = 0; i < sd->n; i++) json_object_put(sd->d[i].results);
    free(sd->d);
    free(sd->names);
}

/* Monthly cost against p95, one point per scenario (their means), the best
 * balance ringed (rpt_tradeoff_best). */
static sim_status sweep_tradeoff(const char *out, const sweep_designs *sd, bool png, rpt_page *pg,
                                 int *ncharts, sim_error *err)
{
    int n = sd->n, ok = 0;
    double *cost = sim_xcalloc((size_t)n, sizeof *cost), *p95 = sim_xcalloc((size_t)n, sizeof *p95);
    for (int i = 0; i < n; i++) {
        cost[i] = sim_json_number_at(sd->d[i].results, "cost.monthly.total_usd");
        p95[i] = sim_json_number_at(sd->d[i].results, "requests.latency_ms.p95");
        ok += isfinite(cost[i]) && isfinite(p95[i]);
    }
    int best = rpt_tradeoff_best(cost, p95, n);
    sim_status st = SIM_OK;
    if (ok >= 2 && best >= 0) {
        /* One legend entry per scenario while they fit; else one for all. */
        bool each = n <= 12;
        rpt_series s[14];
        int ns = 0;
        char bname[260];
        snprintf(bname, sizeof bname, "best: %s", sd->d[best].name);
        if (each)
            for (int i = 0; i < n; i++)
                s[ns++] = (rpt_series){ .name = sd->d[i].name, .x = p95 + i, .y = cost + i, .n = 1,
                                        .no_line = true, .highlight = i == best };
        else {
            s[ns++] = (rpt_series){ .name = "scenarios", .x = p95, .y = cost, .n = (size_t)n, .no_line = true };
            s[ns++] = (rpt_series){ .name = bname, .x = p95 + best, .y = cost + best, .n = 1,
                                    .no_line = true, .highlight = true, .colour = 2 };
        }
        rpt_chart_spec spec = { .title = "Trade-off: monthly cost against client p95",
                                .xlabel = "client latency p95 (ms)", .ylabel = "USD per month",
                                .y_zero = true };
        char path[1500];
        for (int f = 0; f < (png ? 2 : 1) && st == SIM_OK; f++) {
            spec.format = f ? RPT_CHART_PNG : RPT_CHART_SVG;
            snprintf(path, sizeof path, "%s/charts/tradeoff.%s", out, f ? "png" : "svg");
            st = rpt_chart_draw_lines(path, &spec, s, ns, err);
        }
        char caption[600];
        snprintf(caption, sizeof caption, "One point per scenario (means over the replications); "
                 "lower and further left is better. Ringed: the best balance, %s (cost and p95 "
                 "each divided by their largest value, weighted equally).", sd->d[best].name);
        if (st == SIM_OK) {
            rpt_page_add_chart(pg, "tradeoff", spec.title, caption);
            (*ncharts)++;
        }
    }
    free(cost);
    free(p95);
    return st;
}

/* ---- the report page and the whole set --------------------------------------- */

static rpt_page *page_create(const rpt_sweep_def *d)
{
    char title[1200], sub[2048];
    snprintf(title, sizeof title, "lambdasim sweep: %s", d->config);
    size_t k = (size_t)snprintf(sub, sizeof sub, "%d scenarios x %d replications, seed %lld; grid:",
                                d->nsc, d->reps, (long long)d->seed);
    for (int a = 0; a < d->nax && k < sizeof sub; a++) {
        k += (size_t)snprintf(sub + k, sizeof sub - k, " %s=", d->ax[a].key);
        for (int b = 0; b < d->ax[a].n && k < sizeof sub; b++)
            k += (size_t)snprintf(sub + k, sizeof sub - k, "%s%s", b ? "," : "", d->ax[a].vals[b]);
    }
    if (k < sizeof sub)
        snprintf(sub + k, sizeof sub - k, ". Every figure of every scenario is in sweep.csv and sweep.json.");
    rpt_page *pg = rpt_page_create(title);
    rpt_page_add_text(pg, sub, true);
    return pg;
}

sim_status rpt_sweep_write_outputs(const char *dir, const rpt_sweep_def *d,
                                   const rpt_sweep_result *res, bool png, int *ncharts,
                                   rpt_verdict *verdict, sim_error *err)
{
    for (int t = 0; t < rpt_sweep_ntasks(d); t++) SIM_ASSERT(res[t].done);
    SIM_TRY(write_tables(dir, d, res, err));
    rpt_page *pg = page_create(d);
    /* The answer first: the verdict over the scenarios' means. */
    sweep_designs sd;
    sweep_designs_build(&sd, d, res);
    rpt_verdict v;
    rpt_verdict_build(sd.d, sd.n, &v);
    rpt_verdict_page(&v, pg);
    if (verdict) *verdict = v;
    rpt_page_add_heading(pg, "Headline figures (mean and 95% CI half-width)");
    sweep_table(pg, d, res);
    rpt_page_add_heading(pg, "Charts");
    sim_status st = sweep_charts(dir, d, res, png, pg, ncharts, err);
    if (st == SIM_OK && d->nsc > 1) {
        char cd[1200];
        snprintf(cd, sizeof cd, "%s/charts", dir);
        st = sim_mkdir_p(cd, err);
        if (st == SIM_OK) st = sweep_tradeoff(dir, &sd, png, pg, ncharts, err);
    }
    sweep_designs_free(&sd);
    if (st == SIM_OK && *ncharts == 0)
        rpt_page_add_text(pg, "No charts: they need a first --grid key with two or more values.", true);
    if (st == SIM_OK) st = rpt_page_write(pg, dir, err);
    rpt_page_destroy(pg);
    return st;
}

static json_object *int_array(const int *v, int n)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < n; i++) json_object_array_add(a, json_object_new_int(v[i]));
    return a;
}

sim_status rpt_sweep_write_run_info(const char *dir, const rpt_sweep_info *in, sim_error *err)
{
    char hex[17], path[1200];
    json_object *o = json_object_new_object();
    sim_json_add_string(o, "sweep_id", rpt_sweep_id_hex(in->id, hex));
    if (in->tasks_by_shard) {
        sim_json_add_int(o, "shards", in->nshards);
    } else {
        sim_json_add_int(o, "ranks", in->ranks);
        sim_json_add_int(o, "threads", in->threads);
    }
    if (in->shard) {
        json_object *so = json_object_new_object();
        sim_json_add_int(so, "index", in->shard->index);
        sim_json_add_int(so, "count", in->shard->count);
        json_object_object_add(o, "shard", so);
    }
    sim_json_add_int(o, "tasks", in->tasks);
    if (in->tasks_by_shard) {
        json_object_object_add(o, "tasks_by_shard", int_array(in->tasks_by_shard, in->nshards));
    } else {
        sim_json_add_int(o, "tasks_run", in->tasks_run);
        sim_json_add_int(o, "tasks_resumed", in->tasks_resumed);
        json_object_object_add(o, "tasks_by_rank", int_array(in->tasks_by_rank, in->ranks));
    }
    sim_json_add_double(o, "wall_s", in->wall_s);
    char *text = sim_json_to_string(o);
    json_object_put(o);
    snprintf(path, sizeof path, "%s/run_info.json", dir);
    sim_status st = sim_write_file_atomic(path, text, strlen(text), err);
    free(text);
    return st;
}
