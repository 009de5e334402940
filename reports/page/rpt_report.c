/* rpt_report.c - summary.json, timeseries.csv, charts, report.html, report.md.
 *
 * The tables are built as rows of numbers (one column per design) and the
 * page (rpt_page) prints them as HTML and as Markdown, so the two never
 * disagree.  The charts are written to DIR/charts/ first; the page inlines
 * them into report.html, so it has no external asset and the SVG files stay
 * usable on their own.
 *
 * Nothing is estimated silently: the latency CDF is drawn from the
 * quantiles the results carry (p50, p95, p99, max) unless they carry a
 * full "cdf"; cost charts and rows appear only when the results carry the
 * priced "cost" section; without it the time series' cost column says in
 * its name that it is a Lambda-only list-price estimate.
 */
#include "reports/page/rpt_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/chart/rpt_chart.h"
#include "reports/page/rpt_page.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#define MAX_CHARTS 16
#define MAX_ROWS 128
#define MAX_SVC 32

/* us-east-1 x86 list prices (../shared/reference/aws_price_catalog.csv,
 * tier 1), used only for the labelled estimate when results are unpriced. */
static const double k_list_usd_per_gb_s = 0.0000166667;
static const double k_list_usd_per_request = 0.0000002;

typedef struct chart_ref {
    char name[48];      /* file stem, also the figure id */
    char title[128];
    char caption[400];
} chart_ref;

typedef struct row {
    char label[96];
    double v[64];
    int dec;
} row;

typedef struct table {
    row *rows;
    int n;
} table;

static bool has_cost(const rpt_design *d)
{
    return json_object_is_type(sim_json_at(d->results, "cost.services"), json_type_object);
}

/* ---- time series ------------------------------------------------------- */

/* Lambda rates from the priced line items (USD per GB-s, per request);
 * false when the lines do not say. */
static bool lambda_rates(json_object *results, double *per_gb_s, double *per_req)
{
    json_object *lines = sim_json_at(results, "cost.services.lambda.lines");
    double gq = 0, gu = 0, rq = 0, ru = 0;
    if (json_object_is_type(lines, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(lines); i++) {
            json_object *l = json_object_array_get_idx(lines, i), *u = NULL;
            if (!json_object_object_get_ex(l, "unit", &u)) continue;
            const char *unit = json_object_get_string(u);
            double q = sim_json_number_at(l, "quantity"), usd = sim_json_number_at(l, "usd");
            if (!isfinite(q) || !isfinite(usd)) continue;
            /* Provisioned concurrency is billed whether used or not: not a
             * per-use rate, so only on-demand GB-s lines count. */
            const char *item = "";
            json_object *it;
            if (json_object_object_get_ex(l, "item", &it)) item = json_object_get_string(it);
            if (strstr(item, "provisioned") || strstr(item, "ephemeral")) continue;
            if (strstr(unit, "GB-s")) { gq += q; gu += usd; }
            else if (strstr(unit, "request")) { rq += q; ru += usd; }
        }
    }
    *per_gb_s = gq > 0 ? gu / gq : 0;
    *per_req = rq > 0 ? ru / rq : 0;
    return gq > 0 || rq > 0;
}

void rpt_timeseries_write_csv(FILE *fp, const rpt_design *d, int n)
{
    bool priced = n > 0;
    for (int i = 0; i < n; i++) priced = priced && has_cost(&d[i]);
    fprintf(fp, "design,t_s,arrivals,completed,failed,throttles,instances,running,queue_depth,"
                "consumers,lambda_gb_s_billed,lambda_requests_billed,%s\n",
            priced ? "cost_accrued_usd" : "lambda_cost_list_price_usd");
    for (int i = 0; i < n; i++) {
        double per_gb_s = k_list_usd_per_gb_s, per_req = k_list_usd_per_request, rest = 0;
        double total_arrivals = 0, total_gb_s = 0, lambda_usd = 0;
        bool lines = false;
        if (priced) {
            lines = lambda_rates(d[i].results, &per_gb_s, &per_req);
            double total = sim_json_number_at(d[i].results, "cost.total_usd");
            lambda_usd = sim_json_number_at(d[i].results, "cost.services.lambda.total_usd");
            if (!isfinite(lambda_usd)) lambda_usd = 0;
            /* Fixed charges and the other services accrue with the requests. */
            rest = isfinite(total) ? total - lambda_usd : 0;
            for (size_t k = 0; k < d[i].nts; k++) total_arrivals += d[i].ts[k].arrivals;
            if (d[i].nts) total_gb_s = d[i].ts[d[i].nts - 1].gb_s;
        }
        double cum_arrivals = 0;
        for (size_t k = 0; k < d[i].nts; k++) {
            const mdl_ts_row *r = &d[i].ts[k];
            cum_arrivals += r->arrivals;
            double usd;
            if (!priced) usd = r->gb_s * per_gb_s + r->requests_billed * per_req;
            else {
                double lam = lines ? r->gb_s * per_gb_s + r->requests_billed * per_req
                                   : (total_gb_s > 0 ? lambda_usd * r->gb_s / total_gb_s : 0);
                usd = lam + (total_arrivals > 0 ? rest * cum_arrivals / total_arrivals : 0);
            }
            fprintf(fp, "%s,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                    d[i].name, r->t_s, r->arrivals, r->completed, r->failed, r->throttles,
                    r->instances, r->running, r->queue_depth, r->consumers, r->gb_s,
                    r->requests_billed, usd);
        }
    }
}

/* ---- tables ------------------------------------------------------------ */

static row *table_add(table *t, const char *label, int dec)
{
    SIM_ASSERT(t->n < MAX_ROWS);
    row *r = &t->rows[t->n++];
    snprintf(r->label, sizeof r->label, "%s", label);
    r->dec = dec;
    for (size_t i = 0; i < sizeof r->v / sizeof r->v[0]; i++) r->v[i] = NAN;
    return r;
}

static void table_path(table *t, const rpt_design *d, int n, const char *label,
                       const char *path, int dec)
{
    row *r = table_add(t, label, dec);
    for (int i = 0; i < n; i++) r->v[i] = sim_json_number_at(d[i].results, path);
}

static double sum_functions(json_object *results, const char *key)
{
    json_object *fns = sim_json_at(results, "functions");
    if (!json_object_is_type(fns, json_type_object)) return NAN;
    double s = 0;
    json_object_object_foreach(fns, name, f) {
        (void)name;
        double v = sim_json_number_at(f, key);
        if (isfinite(v)) s += v;
    }
    return s;
}

/* Names of the keys of `path` objects across designs, first-seen order. */
static int union_keys(const rpt_design *d, int n, const char *path, const char **out, int max)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        json_object *o = sim_json_at(d[i].results, path);
        if (!json_object_is_type(o, json_type_object)) continue;
        json_object_object_foreach(o, key, v) {
            (void)v;
            bool seen = false;
            for (int j = 0; j < k; j++) seen = seen || strcmp(out[j], key) == 0;
            if (!seen && k < max) out[k++] = key;
        }
    }
    return k;
}

static void build_summary(table *t, const rpt_design *d, int n)
{
    table_path(t, d, n, "requests", "requests.arrivals", 0);
    table_path(t, d, n, "completed", "requests.completed", 0);
    table_path(t, d, n, "failed", "requests.failed", 0);
    const char *keys[32];
    int nk = union_keys(d, n, "requests.failures", keys, 32);
    for (int k = 0; k < nk; k++) {
        char p[160], label[96];
        snprintf(p, sizeof p, "requests.failures.%s", keys[k]);
        double any = 0;
        for (int i = 0; i < n; i++) {
            double v = sim_json_number_at(d[i].results, p);
            if (isfinite(v)) any += v;
        }
        if (any <= 0) continue;
        snprintf(label, sizeof label, "  failed: %s", keys[k]);
        table_path(t, d, n, label, p, 0);
    }
    table_path(t, d, n, "latency p50 (ms)", "requests.latency_ms.p50", 1);
    table_path(t, d, n, "latency p95 (ms)", "requests.latency_ms.p95", 1);
    table_path(t, d, n, "latency p99 (ms)", "requests.latency_ms.p99", 1);
    table_path(t, d, n, "latency mean (ms)", "requests.latency_ms.mean", 1);
    table_path(t, d, n, "latency max (ms)", "requests.latency_ms.max", 1);
    row *r = table_add(t, "cold starts", 0);
    for (int i = 0; i < n; i++) r->v[i] = sum_functions(d[i].results, "cold_starts");
    r = table_add(t, "throttles", 0);
    for (int i = 0; i < n; i++) r->v[i] = sum_functions(d[i].results, "throttles");
    r = table_add(t, "Lambda billed GB-s", 2);
    for (int i = 0; i < n; i++) r->v[i] = sum_functions(d[i].results, "billed_gb_s");
    bool any_cost = false;
    for (int i = 0; i < n; i++) any_cost = any_cost || has_cost(&d[i]);
    if (any_cost) {
        table_path(t, d, n, "cost total (USD)", "cost.total_usd", 4);
        const char *svc[MAX_SVC];
        int ns = union_keys(d, n, "cost.services", svc, MAX_SVC);
        for (int k = 0; k < ns; k++) {
            char p[160], label[96];
            snprintf(p, sizeof p, "cost.services.%s.total_usd", svc[k]);
            snprintf(label, sizeof label, "  %s (USD)", svc[k]);
            table_path(t, d, n, label, p, 4);
        }
    }
    table_path(t, d, n, "simulated (s)", "config.duration_s", 0);
    table_path(t, d, n, "events", "events", 0);
    table_path(t, d, n, "seed", "seed", 0);
}

typedef struct row_spec {
    const char *label, *key;
    int dec;
} row_spec;

/* A table of one results section (e.g. "functions"): its members as
 * columns, the given figures as rows. */
static int build_section(table *t, const rpt_design *d, const char *section,
                         const row_spec *rows, size_t nrows, const char **names, int max)
{
    json_object *sec = sim_json_at(d->results, section);
    if (!json_object_is_type(sec, json_type_object)) return 0;
    int nf = 0;
    json_object_object_foreach(sec, name, f) {
        (void)f;
        if (nf < max && nf < 64) names[nf++] = name;
    }
    for (size_t k = 0; k < nrows; k++) {
        row *r = table_add(t, rows[k].label, rows[k].dec);
        for (int i = 0; i < nf; i++)
            r->v[i] = sim_json_number_at(json_object_object_get(sec, names[i]), rows[k].key);
    }
    return nf;
}

static const row_spec k_function_rows[] = {
        { "invocations", "invocations", 0 },
        { "cold starts", "cold_starts", 0 },
        { "P(cold start)", "cold_start_probability", 5 },
        { "throttles", "throttles", 0 },
        { "timeouts", "timeouts", 0 },
        { "avg instances", "avg_instances", 3 },
        { "avg running", "avg_running", 3 },
        { "max instances", "max_instances", 0 },
        { "duration p50 (ms)", "duration_ms.p50", 1 },
        { "duration p99 (ms)", "duration_ms.p99", 1 },
        { "billed GB-s", "billed_gb_s", 2 },
};

static const row_spec k_queue_rows[] = {
    { "sent", "sent", 0 },
    { "received", "received", 0 },
    { "deleted", "deleted", 0 },
    { "to DLQ", "to_dlq", 0 },
    { "expired", "expired", 0 },
    { "wait p50 (ms)", "wait_ms.p50", 1 },
    { "wait p95 (ms)", "wait_ms.p95", 1 },
    { "wait p99 (ms)", "wait_ms.p99", 1 },
    { "avg depth", "avg_depth", 2 },
    { "max depth", "max_depth", 0 },
    { "avg consumers", "consumer.avg_consumers", 2 },
    { "max consumers", "consumer.max_consumers", 0 },
};

#define NROWS(a) (sizeof (a) / sizeof (a)[0])

/* A table of rows (one value per column) onto the page. */
static void page_table(rpt_page *pg, const char *id, const char *corner, const char *const *cols,
                       int ncol, const table *t)
{
    const char **labels = sim_xcalloc((size_t)t->n + 1, sizeof *labels);
    double *v = sim_xcalloc((size_t)t->n * (size_t)ncol + 1, sizeof *v);
    int *dec = sim_xcalloc((size_t)t->n + 1, sizeof *dec);
    for (int r = 0; r < t->n; r++) {
        labels[r] = t->rows[r].label;
        dec[r] = t->rows[r].dec;
        for (int c = 0; c < ncol; c++) v[(size_t)r * (size_t)ncol + (size_t)c] = t->rows[r].v[c];
    }
    rpt_page_add_table(pg, id, corner, cols, ncol, labels, v, dec, t->n);
    free(labels);
    free(v);
    free(dec);
}

/* Per-design tables of a section. */
static void section_tables(rpt_page *pg, const char *section, const char *id_prefix,
                           const row_spec *rows, size_t nrows, const rpt_design *d, int n)
{
    for (int i = 0; i < n; i++) {
        table t = { sim_xcalloc(MAX_ROWS, sizeof(row)), 0 };
        const char *names[64];
        int nf = build_section(&t, &d[i], section, rows, nrows, names, 64);
        if (nf > 0) {
            char id[96];
            snprintf(id, sizeof id, "%s-%d", id_prefix, i);
            page_table(pg, id, d[i].name, names, nf, &t);
        }
        free(t.rows);
    }
}

static bool any_section(const rpt_design *d, int n, const char *section)
{
    for (int i = 0; i < n; i++) {
        json_object *o = sim_json_at(d[i].results, section);
        if (json_object_is_type(o, json_type_object) && json_object_object_length(o) > 0) return true;
    }
    return false;
}

/* ---- charts ------------------------------------------------------------ */

typedef struct chart_ctx {
    const char *dir;
    bool png;
    chart_ref refs[MAX_CHARTS];
    int n;
} chart_ctx;

static chart_ref *chart_new(chart_ctx *c, const char *name, const char *title,
                            const char *caption, char *svg_path, size_t np)
{
    SIM_ASSERT(c->n < MAX_CHARTS);
    chart_ref *r = &c->refs[c->n++];
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->title, sizeof r->title, "%s", title);
    snprintf(r->caption, sizeof r->caption, "%s", caption);
    snprintf(svg_path, np, "%s/charts/%s.svg", c->dir, name);
    return r;
}

/* Draw a line chart as SVG (and PNG when asked). */
static sim_status chart_lines(chart_ctx *c, const char *name, const char *caption,
                              rpt_chart_spec spec, const rpt_series *s, int ns, sim_error *err)
{
    char path[1200];
    chart_new(c, name, spec.title, caption, path, sizeof path);
    spec.format = RPT_CHART_SVG;
    SIM_TRY(rpt_chart_draw_lines(path, &spec, s, ns, err));
    if (c->png) {
        snprintf(path, sizeof path, "%s/charts/%s.png", c->dir, name);
        spec.format = RPT_CHART_PNG;
        SIM_TRY(rpt_chart_draw_lines(path, &spec, s, ns, err));
    }
    return SIM_OK;
}

static sim_status chart_bars(chart_ctx *c, const char *name, const char *caption,
                             rpt_chart_spec spec, const char *const *cats, int ncat,
                             const rpt_bar_set *sets, int nsets, bool stacked, sim_error *err)
{
    char path[1200];
    chart_new(c, name, spec.title, caption, path, sizeof path);
    spec.format = RPT_CHART_SVG;
    SIM_TRY(rpt_chart_draw_bars(path, &spec, cats, ncat, sets, nsets, stacked, err));
    if (c->png) {
        snprintf(path, sizeof path, "%s/charts/%s.png", c->dir, name);
        spec.format = RPT_CHART_PNG;
        SIM_TRY(rpt_chart_draw_bars(path, &spec, cats, ncat, sets, nsets, stacked, err));
    }
    return SIM_OK;
}

static sim_status latency_charts(chart_ctx *c, const rpt_design *d, int n, sim_error *err)
{
    /* CDF: a full "cdf" ([[ms, p], ...]) when the results carry one, else
     * the quantile points they do carry. */
    enum { MAXP = 512 };
    double *xs = sim_xcalloc((size_t)n * MAXP, sizeof *xs);
    double *ps = sim_xcalloc((size_t)n * MAXP, sizeof *ps);
    rpt_series *s = sim_xcalloc((size_t)n, sizeof *s);
    bool all_full = true;
    for (int i = 0; i < n; i++) {
        double *x = xs + (size_t)i * MAXP, *p = ps + (size_t)i * MAXP;
        size_t k = 0;
        json_object *cdf = sim_json_at(d[i].results, "requests.latency_ms.cdf");
        if (json_object_is_type(cdf, json_type_array)) {
            for (size_t j = 0; j < json_object_array_length(cdf) && k < MAXP; j++) {
                json_object *pt = json_object_array_get_idx(cdf, j);
                if (json_object_array_length(pt) != 2) continue;
                x[k] = json_object_get_double(json_object_array_get_idx(pt, 0));
                p[k++] = json_object_get_double(json_object_array_get_idx(pt, 1));
            }
        } else {
            all_full = false;
            static const struct { const char *key; double p; } q[] = {
                { "p50", 0.50 }, { "p95", 0.95 }, { "p99", 0.99 }, { "max", 1.0 } };
            for (size_t j = 0; j < 4; j++) {
                char path[64];
                snprintf(path, sizeof path, "requests.latency_ms.%s", q[j].key);
                x[k] = sim_json_number_at(d[i].results, path);
                p[k++] = q[j].p;
            }
        }
        s[i] = (rpt_series){ .name = d[i].name, .x = x, .y = p, .n = k, .markers = !all_full };
    }
    rpt_chart_spec spec = { .title = "Client latency CDF per design",
                            .xlabel = "latency (ms, log scale)",
                            .ylabel = "fraction of requests <= latency",
                            .xlog = true, .ymin = all_full ? 0 : 0.5, .ymax = 1 };
    sim_status st = chart_lines(c, "latency_cdf",
                                all_full ? "Empirical CDF of the client latency of successful requests."
                                         : "Client latency of successful requests: the quantiles the "
                                           "simulation reports (p50, p95, p99 and the maximum), joined "
                                           "by straight lines; the curve below p50 is not recorded.",
                                spec, s, n, err);
    free(xs);
    free(ps);
    free(s);
    SIM_TRY(st);

    static const char *const qn[] = { "p50", "p95", "p99", "mean" };
    double *v = sim_xcalloc((size_t)n * 4, sizeof *v);
    rpt_bar_set *sets = sim_xcalloc((size_t)n, sizeof *sets);
    for (int i = 0; i < n; i++) {
        for (int q = 0; q < 4; q++) {
            char path[64];
            snprintf(path, sizeof path, "requests.latency_ms.%s", qn[q]);
            v[i * 4 + q] = sim_json_number_at(d[i].results, path);
        }
        sets[i] = (rpt_bar_set){ d[i].name, v + i * 4 };
    }
    rpt_chart_spec sb = { .title = "Client latency by design", .ylabel = "latency (ms)" };
    st = chart_bars(c, "latency_bars", "Latency percentiles of successful requests, designs side by side.",
                    sb, qn, 4, sets, n, false, err);
    free(v);
    free(sets);
    return st;
}

static sim_status cost_chart(chart_ctx *c, const rpt_design *d, int n, sim_error *err)
{
    bool any = false;
    for (int i = 0; i < n; i++) any = any || has_cost(&d[i]);
    if (!any) return SIM_OK;
    const char *svc[MAX_SVC];
    int ns = union_keys(d, n, "cost.services", svc, MAX_SVC);
    double *v = sim_xcalloc((size_t)ns * (size_t)n + 1, sizeof *v);
    rpt_bar_set *sets = sim_xcalloc((size_t)ns + 1, sizeof *sets);
    const char **cats = sim_xcalloc((size_t)n, sizeof *cats);
    for (int i = 0; i < n; i++) cats[i] = d[i].name;
    for (int k = 0; k < ns; k++) {
        char path[160];
        snprintf(path, sizeof path, "cost.services.%s.total_usd", svc[k]);
        for (int i = 0; i < n; i++) {
            double x = sim_json_number_at(d[i].results, path);
            v[k * n + i] = isfinite(x) ? x : 0;
        }
        sets[k] = (rpt_bar_set){ svc[k], v + k * n };
    }
    rpt_chart_spec spec = { .title = "Cost by service", .ylabel = "cost over the simulated span (USD)" };
    sim_status st = chart_bars(c, "cost_by_service",
                               "Priced cost of the simulated span by AWS service, one bar per "
                               "design; the total is printed on top.",
                               spec, cats, n, sets, ns, true, err);
    free(v);
    free(sets);
    free(cats);
    return st;
}

static sim_status timeseries_charts(chart_ctx *c, const rpt_design *d, int n, sim_error *err)
{
    size_t total = 0;
    bool queues = false, throttles = false, same_arrivals = true;
    for (int i = 0; i < n; i++) {
        total += d[i].nts;
        for (size_t k = 0; k < d[i].nts; k++) {
            queues = queues || d[i].ts[k].queue_depth > 0 || d[i].ts[k].consumers > 0;
            throttles = throttles || d[i].ts[k].throttles > 0;
            if (i > 0 && (d[i].nts != d[0].nts || d[i].ts[k].arrivals != d[0].ts[k].arrivals))
                same_arrivals = false;
        }
        if (i > 0 && d[i].nts != d[0].nts) same_arrivals = false;
        queues = queues || sim_json_at(d[i].results, "config.queues") != NULL;
    }
    if (total == 0) return SIM_OK;
    /* Columns per design: hours, arrivals/min, instances, running, queue, consumers, throttles. */
    enum { NC = 7 };
    double *buf = sim_xcalloc(total * NC, sizeof *buf);
    double **col = sim_xcalloc((size_t)n * NC, sizeof *col);
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < NC; j++) col[i * NC + j] = buf + (off * NC) + (size_t)j * d[i].nts;
        double prev = 0;
        for (size_t k = 0; k < d[i].nts; k++) {
            const mdl_ts_row *r = &d[i].ts[k];
            double dt = r->t_s - prev;
            prev = r->t_s;
            col[i * NC + 0][k] = r->t_s / 3600;
            col[i * NC + 1][k] = dt > 0 ? r->arrivals * 60 / dt : 0;
            col[i * NC + 2][k] = r->instances;
            col[i * NC + 3][k] = r->running;
            col[i * NC + 4][k] = r->queue_depth;
            col[i * NC + 5][k] = r->consumers;
            col[i * NC + 6][k] = dt > 0 ? r->throttles * 60 / dt : 0;
        }
        off += d[i].nts;
    }
    rpt_series *s = sim_xcalloc((size_t)n * 2 + 1, sizeof *s);
    char (*names)[160] = sim_xcalloc((size_t)n * 2 + 1, sizeof *names);
    sim_status st = SIM_OK;
    int ns = 0;
    for (int i = 0; i < (same_arrivals ? 1 : n); i++) {
        snprintf(names[ns], sizeof names[ns], "%s", same_arrivals && n > 1 ? "every design (same trace)" : d[i].name);
        /* ns is read and incremented in separate statements: in one, the
         * order is unsequenced (undefined behaviour; clang -Wunsequenced). */
        s[ns] = (rpt_series){ .name = names[ns], .x = col[i * NC], .y = col[i * NC + 1], .n = d[i].nts };
        ns++;
    }
    rpt_chart_spec spec = { .title = "Load: arrivals per minute", .xlabel = "time (h)",
                            .ylabel = "arrivals (requests/min)", .y_zero = true };
    st = chart_lines(c, "arrivals", "Requests arriving at the front door, per minute.", spec, s, ns, err);
    if (st == SIM_OK) {
        ns = 0;
        for (int i = 0; i < n; i++) {
            /* One colour per design: instances solid, running dashed. */
            snprintf(names[ns], sizeof names[ns], "%s: instances", d[i].name);
            s[ns] = (rpt_series){ .name = names[ns], .x = col[i * NC], .y = col[i * NC + 2],
                                  .n = d[i].nts, .step = true, .colour = n > 1 ? i + 1 : 0 };
            ns++;
            snprintf(names[ns], sizeof names[ns], "%s: running", d[i].name);
            s[ns] = (rpt_series){ .name = names[ns], .x = col[i * NC], .y = col[i * NC + 3],
                                  .n = d[i].nts, .step = true, .dashed = true, .colour = n > 1 ? i + 1 : 0 };
            ns++;
        }
        rpt_chart_spec si = { .title = "Execution environments and concurrency over time",
                              .xlabel = "time (h)", .ylabel = "environments (count)", .y_zero = true };
        st = chart_lines(c, "instances",
                         "Execution environments alive (instances) and busy (running, i.e. "
                         "concurrency) at the end of each minute, all functions together.",
                         si, s, ns, err);
    }
    if (st == SIM_OK && queues) {
        ns = 0;
        for (int i = 0; i < n; i++) {
            snprintf(names[ns], sizeof names[ns], "%s: visible messages", d[i].name);
            s[ns] = (rpt_series){ .name = names[ns], .x = col[i * NC], .y = col[i * NC + 4],
                                  .n = d[i].nts, .step = true, .colour = n > 1 ? i + 1 : 0 };
            ns++;
            snprintf(names[ns], sizeof names[ns], "%s: consumers", d[i].name);
            s[ns] = (rpt_series){ .name = names[ns], .x = col[i * NC], .y = col[i * NC + 5],
                                  .n = d[i].nts, .step = true, .dashed = true, .colour = n > 1 ? i + 1 : 0 };
            ns++;
        }
        rpt_chart_spec sq = { .title = "Queue depth and consumers over time", .xlabel = "time (h)",
                              .ylabel = "messages, consumers (count)", .y_zero = true };
        st = chart_lines(c, "queue_depth",
                         "Visible messages in all queues (solid) and consumers alive (dashed: "
                         "workers or event-source-mapping pollers) at the end of each minute.",
                         sq, s, ns, err);
    }
    if (st == SIM_OK && throttles) {
        ns = 0;
        for (int i = 0; i < n; i++) {
            snprintf(names[ns], sizeof names[ns], "%s", d[i].name);
            s[ns] = (rpt_series){ .name = names[ns], .x = col[i * NC], .y = col[i * NC + 6],
                                  .n = d[i].nts };
            ns++;
        }
        rpt_chart_spec st2 = { .title = "Throttles per minute", .xlabel = "time (h)",
                               .ylabel = "throttles (per min)", .y_zero = true };
        st = chart_lines(c, "throttles", "Invocations throttled by the concurrency limits, per minute.",
                         st2, s, ns, err);
    }
    free(names);
    free(s);
    free(col);
    free(buf);
    return st;
}

/* report.html and report.md: summary, charts, per-function and per-queue
 * tables, the effective configs. */
static sim_status write_page(const char *dir, const rpt_report_opts *o, const rpt_design *d,
                             int n, const chart_ctx *charts, const char *ts_col, sim_error *err)
{
    rpt_page *pg = rpt_page_create(o->title);
    if (o->subtitle) rpt_page_add_text(pg, o->subtitle, true);
    rpt_page_add_heading(pg, "Summary");
    table sum = { sim_xcalloc(MAX_ROWS, sizeof(row)), 0 };
    build_summary(&sum, d, n);
    const char **cols = sim_xcalloc((size_t)n, sizeof *cols);
    for (int i = 0; i < n; i++) cols[i] = d[i].name;
    page_table(pg, "summary", "", cols, n, &sum);
    free(cols);
    free(sum.rows);
    bool priced = true;
    for (int i = 0; i < n; i++) priced = priced && has_cost(&d[i]);
    if (!priced)
        rpt_page_add_text(pg, "Cost: these results carry no priced cost section, so no cost is "
                              "shown; the time series gives a Lambda-only estimate at us-east-1 "
                              "x86 list prices (column lambda_cost_list_price_usd).", true);
    rpt_page_add_heading(pg, "Charts");
    for (int c = 0; c < charts->n; c++)
        rpt_page_add_chart(pg, charts->refs[c].name, charts->refs[c].title, charts->refs[c].caption);
    rpt_page_add_heading(pg, "Functions");
    section_tables(pg, "functions", "functions", k_function_rows, NROWS(k_function_rows), d, n);
    if (any_section(d, n, "queues")) {
        rpt_page_add_heading(pg, "Queues");
        section_tables(pg, "queues", "queues", k_queue_rows, NROWS(k_queue_rows), d, n);
    }
    rpt_page_add_heading(pg, "Effective configuration");
    for (int i = 0; i < n; i++) {
        json_object *cfg = sim_json_at(d[i].results, "config");
        rpt_page_add_code(pg, d[i].name,
                          cfg ? json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PRETTY |
                                                                        JSON_C_TO_STRING_NOSLASHESCAPE)
                              : "(not recorded)");
    }
    char foot[512];
    snprintf(foot, sizeof foot, "Written by lambdasim. Files beside this page: summary.json (every "
             "figure, the effective config and the seed), timeseries.csv (per minute; cost column "
             "%s), report.md and charts/.", ts_col);
    rpt_page_add_text(pg, foot, true);
    sim_status st = rpt_page_write(pg, dir, err);
    rpt_page_destroy(pg);
    return st;
}

sim_status rpt_report_write(const char *dir, const rpt_report_opts *opts, const rpt_design *d,
                            int n, sim_error *err)
{
    SIM_ASSERT(dir && opts && d && n > 0 && n <= 64);
    char path[1200];
    snprintf(path, sizeof path, "%s/charts", dir);
    SIM_TRY(sim_mkdir_p(path, err));

    /* summary.json */
    json_object *own = NULL, *summary = opts->summary;
    if (!summary) {
        own = summary = json_object_new_object();
        sim_json_add_string(own, "title", opts->title);
        double seed = sim_json_number_at(d[0].results, "seed");
        sim_json_add_int(own, "seed", isfinite(seed) ? (int64_t)seed : 1);
        json_object *arr = json_object_new_array();
        for (int i = 0; i < n; i++) {
            json_object *o = json_object_new_object();
            sim_json_add_string(o, "name", d[i].name);
            json_object_object_add(o, "results", json_object_get(d[i].results));
            json_object_array_add(arr, o);
        }
        json_object_object_add(own, "designs", arr);
    }
    char *text = sim_json_to_string(summary);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    sim_status st = sim_write_file_atomic(path, text, strlen(text), err);
    free(text);
    json_object_put(own);
    SIM_TRY(st);

    /* timeseries.csv */
    bool priced = true;
    for (int i = 0; i < n; i++) priced = priced && has_cost(&d[i]);
    const char *ts_col = priced ? "cost_accrued_usd" : "lambda_cost_list_price_usd";
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    sim_atomic a;
    SIM_TRY(sim_atomic_open(&a, path, err));
    rpt_timeseries_write_csv(a.fp, d, n);
    SIM_TRY(sim_atomic_commit(&a, err));

    /* charts */
    chart_ctx *charts = sim_xcalloc(1, sizeof *charts);
    charts->dir = dir;
    charts->png = opts->png;
    st = latency_charts(charts, d, n, err);
    if (st == SIM_OK) st = cost_chart(charts, d, n, err);
    if (st == SIM_OK) st = timeseries_charts(charts, d, n, err);

    if (st == SIM_OK) st = write_page(dir, opts, d, n, charts, ts_col, err);
    free(charts);
    return st;
}

/* ---- progress bar ------------------------------------------------------ */

struct rpt_progress {
    char what[64];
    long total, done;
    double t0, last;
    bool tty;
};

static void progress_draw(rpt_progress *p)
{
    double el = sim_wall_seconds() - p->t0;
    double eta = p->done > 0 ? el * (double)(p->total - p->done) / (double)p->done : 0;
    int w = 30, filled = p->total > 0 ? (int)(w * p->done / p->total) : w;
    fprintf(stderr, "\r%s [", p->what);
    for (int i = 0; i < w; i++) fputc(i < filled ? '#' : '.', stderr);
    fprintf(stderr, "] %ld/%ld  %.1fs elapsed  ETA %.1fs ", p->done, p->total, el, eta);
    fflush(stderr);
}

rpt_progress *rpt_progress_create(const char *what, long total)
{
    rpt_progress *p = sim_xcalloc(1, sizeof *p);
    snprintf(p->what, sizeof p->what, "%s", what);
    p->total = total;
    p->t0 = p->last = sim_wall_seconds();
    p->tty = sim_isatty_stderr();
    return p;
}

void rpt_progress_update(rpt_progress *p, long done)
{
    if (!p) return;
    p->done = done;
    double now = sim_wall_seconds();
    if (p->tty && (now - p->last >= 0.1 || done >= p->total)) {
        p->last = now;
        progress_draw(p);
    }
}

void rpt_progress_destroy(rpt_progress *p)
{
    if (!p) return;
    if (p->tty) {
        progress_draw(p);
        fputc('\n', stderr);
    }
    free(p);
}
