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
#include "reports/page/rpt_verdict.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#define MAX_CHARTS 16
#define MAX_ROWS 128
#define MAX_SVC 32

/* The region whose list prices the labelled estimate of unpriced results
 * uses (Lambda only, x86_64, first tier; read from its price catalogue). */
#define LIST_PRICE_REGION "us-east-1"

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

void rpt_timeseries_write_csv(FILE *fp, const rpt_design *d, int n, const mdl_catalog *list)
{
    bool priced = n > 0;
    for (int i = 0; i < n; i++) priced = priced && has_cost(&d[i]);
    fprintf(fp, "design,t_s,arrivals,completed,failed,throttles,instances,running,queue_depth,"
                "consumers,lambda_gb_s_billed,lambda_requests_billed,%s\n",
            priced ? "cost_accrued_usd" : "lambda_cost_list_price_usd");
    for (int i = 0; i < n; i++) {
        double per_gb_s = 0, per_req = 0, rest = 0;
        if (!priced) {
            /* A contract: rpt_report_write checked both rates. */
            SIM_ASSERT(list && mdl_catalog_has(list, MDL_LAMBDA_DURATION_X86) &&
                       mdl_catalog_has(list, MDL_LAMBDA_REQUESTS));
            per_gb_s = mdl_catalog_tier_usd(list, MDL_LAMBDA_DURATION_X86, 0);
            per_req = mdl_catalog_usd(list, MDL_LAMBDA_REQUESTS);
        }
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

void rpt_timeseries_entries_write_csv(FILE *fp, const rpt_design *d, int n)
{
    fputs("design,entry,t_s,arrivals,completed,failed,in_flight,flows_completed,flows_failed,"
          "flows_in_flight\n", fp);
    for (int i = 0; i < n; i++) {
        /* The entries' names, in the order of the rows' entries. */
        const char *names[MDL_MAX_ENTRIES];
        int nn = 0;
        json_object *es = sim_json_at(d[i].results, "entries");
        if (es && json_object_is_type(es, json_type_object)) {
            json_object_object_foreach(es, name, v) {
                (void)v;
                if (nn < MDL_MAX_ENTRIES) names[nn++] = name;
            }
        }
        for (int e = 0; e < nn; e++)
            for (size_t k = 0; k < d[i].nts; k++) {
                const mdl_ts_row *r = &d[i].ts[k];
                if (e >= r->nentry) continue;
                const mdl_ts_entry *te = &r->entry[e];
                fprintf(fp, "%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", d[i].name,
                        names[e], r->t_s, te->arrivals, te->completed, te->failed, te->in_flight,
                        te->flows_completed, te->flows_failed, te->flows_in_flight);
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
        table_path(t, d, n, "cost per month (USD)", "cost.monthly.total_usd", 2);
        table_path(t, d, n, "cost of the simulated span (USD)", "cost.total_usd", 4);
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

/* Each entry's responses and its flows (README "Entries and flows"). */
static const row_spec k_entry_rows[] = {
    { "arrivals", "arrivals", 0 },
    { "completed", "completed", 0 },
    { "failed", "failed", 0 },
    { "in flight", "in_flight", 0 },
    { "latency p50 (ms)", "latency_ms.p50", 1 },
    { "latency p95 (ms)", "latency_ms.p95", 1 },
    { "latency p99 (ms)", "latency_ms.p99", 1 },
    { "flows completed", "flows.completed", 0 },
    { "flows failed", "flows.failed", 0 },
    { "flows in flight", "flows.in_flight", 0 },
    { "flow p50 (ms)", "flow_ms.p50", 1 },
    { "flow p95 (ms)", "flow_ms.p95", 1 },
    { "flow p99 (ms)", "flow_ms.p99", 1 },
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

static bool has_month(const rpt_design *d)
{
    return isfinite(sim_json_number_at(d->results, "cost.monthly.total_usd"));
}

/* v[k * n + i]: the month's USD of service svc[k] in design i (0 when it
 * has none). */
static void month_by_service(const rpt_design *d, int n, const char **svc, int ns, double *v)
{
    for (int k = 0; k < ns; k++) {
        char path[160];
        snprintf(path, sizeof path, "cost.monthly.services.%s.total_usd", svc[k]);
        for (int i = 0; i < n; i++) {
            double x = sim_json_number_at(d[i].results, path);
            v[k * n + i] = isfinite(x) ? x : 0;
        }
    }
}

/* The month by service, stacked, and (two designs or more) what each
 * design costs more than the cheapest, service by service: a small
 * front-door difference reads there, not as a sliver on a big bar. */
static sim_status cost_charts(chart_ctx *c, const rpt_design *d, int n, sim_error *err)
{
    int priced = 0, cheapest = -1;
    for (int i = 0; i < n; i++) {
        if (!has_month(&d[i])) continue;
        priced++;
        double m = sim_json_number_at(d[i].results, "cost.monthly.total_usd");
        if (cheapest < 0 || m < sim_json_number_at(d[cheapest].results, "cost.monthly.total_usd"))
            cheapest = i;
    }
    if (priced == 0) return SIM_OK;
    const char *svc[MAX_SVC];
    int ns = union_keys(d, n, "cost.monthly.services", svc, MAX_SVC);
    double *v = sim_xcalloc((size_t)(ns + 1) * (size_t)n + 1, sizeof *v);
    double *dv = sim_xcalloc((size_t)(ns + 1) * (size_t)n + 1, sizeof *dv);
    rpt_bar_set *sets = sim_xcalloc((size_t)ns + 2, sizeof *sets);
    const char **cats = sim_xcalloc((size_t)n, sizeof *cats);
    for (int i = 0; i < n; i++) cats[i] = d[i].name;
    month_by_service(d, n, svc, ns, v);
    for (int k = 0; k < ns; k++) sets[k] = (rpt_bar_set){ svc[k], v + k * n };
    rpt_chart_spec spec = { .title = "Monthly cost by service", .ylabel = "USD per month" };
    sim_status st = chart_bars(c, "cost_by_service",
                               "The month's bill (cost.monthly: the lines of lambdasim cost) by "
                               "AWS service, one bar per design; the total is printed on top.",
                               spec, cats, n, sets, ns, true, err);
    if (st == SIM_OK && priced >= 2) {
        /* Difference to the cheapest: per service, and in all. */
        int nd = 0;
        const char **dc = sim_xcalloc((size_t)n, sizeof *dc);
        for (int i = 0; i < n; i++) {
            if (i == cheapest || !has_month(&d[i])) continue;
            for (int k = 0; k <= ns; k++) {
                double a = k < ns ? v[k * n + i] : sim_json_number_at(d[i].results, "cost.monthly.total_usd");
                double b = k < ns ? v[k * n + cheapest] : sim_json_number_at(d[cheapest].results, "cost.monthly.total_usd");
                dv[k * n + nd] = a - b;
            }
            dc[nd++] = d[i].name;
        }
        int nsd = 0;
        for (int k = 0; k <= ns; k++) {
            bool any = false;
            for (int i = 0; i < nd; i++) any = any || fabs(dv[k * n + i]) >= 0.005;
            if (any || k == ns) sets[nsd++] = (rpt_bar_set){ k < ns ? svc[k] : "total", dv + k * n };
        }
        char title[300];
        snprintf(title, sizeof title, "Monthly cost: difference to the cheapest (%s)", d[cheapest].name);
        rpt_chart_spec sd = { .title = title, .ylabel = "USD per month more than the cheapest" };
        st = chart_bars(c, "cost_difference",
                        "What each design costs per month more (or less, below 0) than the cheapest, "
                        "service by service and in total; services that differ by less than half a "
                        "cent are left out.",
                        sd, dc, nd, sets, nsd, false, err);
        free(dc);
    }
    free(v);
    free(dv);
    free(sets);
    free(cats);
    return st;
}

/* Monthly cost against client p95, one point per design, the best balance
 * ringed (rpt_tradeoff_best). */
static sim_status tradeoff_chart(chart_ctx *c, const rpt_design *d, int n, sim_error *err)
{
    double *cost = sim_xcalloc((size_t)n, sizeof *cost), *p95 = sim_xcalloc((size_t)n, sizeof *p95);
    rpt_series *s = sim_xcalloc((size_t)n, sizeof *s);
    int ok = 0;
    for (int i = 0; i < n; i++) {
        cost[i] = sim_json_number_at(d[i].results, "cost.monthly.total_usd");
        p95[i] = sim_json_number_at(d[i].results, "requests.latency_ms.p95");
        ok += isfinite(cost[i]) && isfinite(p95[i]);
    }
    sim_status st = SIM_OK;
    if (ok >= 2) {
        int best = rpt_tradeoff_best(cost, p95, n);
        for (int i = 0; i < n; i++)
            s[i] = (rpt_series){ .name = d[i].name, .x = p95 + i, .y = cost + i, .n = 1,
                                 .no_line = true, .highlight = i == best };
        rpt_chart_spec spec = { .title = "Trade-off: monthly cost against client p95",
                                .xlabel = "client latency p95 (ms)", .ylabel = "USD per month",
                                .y_zero = true };
        char caption[400];
        snprintf(caption, sizeof caption, "One point per design; lower and further left is "
                 "better. Ringed: the best balance, %s (cost and p95 each divided by their "
                 "largest value, weighted equally, as Power Tuning's balanced strategy).",
                 d[best].name);
        st = chart_lines(c, "tradeoff", caption, spec, s, n, err);
    }
    free(s);
    free(cost);
    free(p95);
    return st;
}

/* Environments over time: one small panel per design, all on the same
 * axes, instances solid and running (concurrency) dashed, whole-number ticks.
 * col[i * 7 + j]: design i's columns (hours, arrivals, instances, running, ...). */
static sim_status instances_panels(chart_ctx *c, const rpt_design *d, int n, double **col,
                                   sim_error *err)
{
    rpt_series *s = sim_xcalloc((size_t)n * 2 + 1, sizeof *s);
    rpt_panel *p = sim_xcalloc((size_t)n + 1, sizeof *p);
    for (int i = 0; i < n; i++) {
        s[2 * i] = (rpt_series){ .name = "instances", .x = col[i * 7], .y = col[i * 7 + 2],
                                 .n = d[i].nts, .step = true, .colour = 1 };
        s[2 * i + 1] = (rpt_series){ .name = "running (concurrency)", .x = col[i * 7],
                                     .y = col[i * 7 + 3], .n = d[i].nts, .step = true,
                                     .dashed = true, .colour = 2 };
        p[i] = (rpt_panel){ d[i].name, s + 2 * i, 2 };
    }
    rpt_chart_spec spec = { .title = "Execution environments over time, one panel per design",
                            .xlabel = "time (h)", .ylabel = "environments (count)", .y_zero = true,
                            .y_integer = true, .height_px = n > 1 ? 220 : 300 };
    char path[1200];
    chart_new(c, "instances", spec.title,
              "Execution environments alive (instances) and busy (running, i.e. concurrency) at "
              "the end of each minute, all functions together; every panel has the same axes.",
              path, sizeof path);
    sim_status st = rpt_chart_draw_panels(path, &spec, p, n, err);
    if (st == SIM_OK && c->png) {
        snprintf(path, sizeof path, "%s/charts/instances.png", c->dir);
        spec.format = RPT_CHART_PNG;
        st = rpt_chart_draw_panels(path, &spec, p, n, err);
    }
    free(p);
    free(s);
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
                            .ylabel = "arrivals (requests/min)", .y_zero = true, .y_integer = true };
    st = chart_lines(c, "arrivals", "Requests arriving at the front door, per minute.", spec, s, ns, err);
    if (st == SIM_OK) st = instances_panels(c, d, n, col, err);
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
                              .ylabel = "messages, consumers (count)", .y_zero = true,
                              .y_integer = true };
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
                               .ylabel = "throttles (per min)", .y_zero = true, .y_integer = true };
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
    /* The answer first: the verdict, then the month's bill. */
    rpt_verdict v;
    rpt_verdict_build(d, n, &v);
    rpt_verdict_page(&v, pg);
    rpt_month_page(pg, d, n);
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
    if (any_section(d, n, "entries")) {
        rpt_page_add_heading(pg, "Entries and flows");
        section_tables(pg, "entries", "entries", k_entry_rows, NROWS(k_entry_rows), d, n);
    }
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

void rpt_report_add_designs(json_object *doc, const rpt_design *d, int n,
                            const char *const *configs)
{
    SIM_ASSERT(doc && d && n >= 0);
    json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        json_object *o = json_object_new_object();
        sim_json_add_string(o, "name", d[i].name);
        if (configs) sim_json_add_string(o, "config", configs[i]);
        json_object_object_add(o, "results", json_object_get(d[i].results));
        json_object_array_add(arr, o);
    }
    json_object_object_add(doc, "designs", arr);
}

/* timeseries.csv; unpriced results get a Lambda-only estimate at the list
 * prices of LIST_PRICE_REGION's catalogue. */
static sim_status write_timeseries(const char *dir, const char *data_dir, const rpt_design *d,
                                   int n, bool priced,
                                   sim_error *err)
{
    mdl_catalog *list = NULL;
    sim_status st = SIM_OK;
    if (!priced) {
        SIM_TRY(mdl_catalog_load_region(data_dir ? data_dir : "data", LIST_PRICE_REGION, NULL, 0,
                                        NULL, &list, err));
        st = mdl_catalog_need(list, MDL_LAMBDA_DURATION_X86, "the list-price time series", err);
        if (st == SIM_OK)
            st = mdl_catalog_need(list, MDL_LAMBDA_REQUESTS, "the list-price time series", err);
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    sim_atomic a;
    if (st == SIM_OK) st = sim_atomic_open(&a, path, err);
    if (st == SIM_OK) {
        rpt_timeseries_write_csv(a.fp, d, n, list);
        st = sim_atomic_commit(&a, err);
    }
    snprintf(path, sizeof path, "%s/timeseries_entries.csv", dir);
    if (st == SIM_OK) st = sim_atomic_open(&a, path, err);
    if (st == SIM_OK) {
        rpt_timeseries_entries_write_csv(a.fp, d, n);
        st = sim_atomic_commit(&a, err);
    }
    mdl_catalog_destroy(list);
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
        rpt_report_add_designs(own, d, n, NULL);
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
    SIM_TRY(write_timeseries(dir, opts->data_dir, d, n, priced, err));

    /* charts */
    chart_ctx *charts = sim_xcalloc(1, sizeof *charts);
    charts->dir = dir;
    charts->png = opts->png;
    st = latency_charts(charts, d, n, err);
    if (st == SIM_OK) st = cost_charts(charts, d, n, err);
    if (st == SIM_OK && n > 1) st = tradeoff_chart(charts, d, n, err);
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
