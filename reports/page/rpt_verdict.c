/* rpt_verdict.c - the verdict on top of compare, sweep and demo (see
 * rpt_verdict.h): cheapest per month, lowest p95, what fails and why,
 * queues that oscillate or grow. */
#include "reports/page/rpt_verdict.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "models/config/mdl_config.h"
#include "sim/sim_json.h"

#define MAX_DESIGNS 256

static void add(rpt_verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(rpt_verdict *v, const char *fmt, ...)
{
    if (v->n == RPT_VERDICT_MAX) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->line[v->n++], sizeof v->line[0], fmt, ap);
    va_end(ap);
}

static double num(json_object *r, const char *path) { return sim_json_number_at(r, path); }

static const char *str(json_object *r, const char *path)
{
    json_object *o = sim_json_at(r, path);
    return o && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : "";
}

/* Indices of the designs with a finite figure at `path`, by that figure. */
static int ranked(const rpt_design *d, int n, const char *path, int *order)
{
    int m = 0;
    for (int i = 0; i < n && m < MAX_DESIGNS; i++)
        if (isfinite(num(d[i].results, path))) order[m++] = i;
    for (int a = 1; a < m; a++)   /* insertion sort: stable, so ties keep the given order */
        for (int b = a; b > 0 && num(d[order[b]].results, path) < num(d[order[b - 1]].results, path); b--) {
            int t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    return m;
}

/* "cheapest per month: A at $X, $D (P%) less than B ($Y); the dearest, Z, $E more". */
static void cheapest(const rpt_design *d, int n, rpt_verdict *v)
{
    int o[MAX_DESIGNS], m = ranked(d, n, "cost.monthly.total_usd", o);
    if (m < 2) return;
    const char *p = "cost.monthly.total_usd";
    double a = num(d[o[0]].results, p), b = num(d[o[1]].results, p), z = num(d[o[m - 1]].results, p);
    char tail[256] = "";
    if (m > 2)
        snprintf(tail, sizeof tail, "; the dearest, %s, costs $%.2f more ($%.2f)", d[o[m - 1]].name,
                 z - a, z);
    if (b - a < 0.005)
        add(v, "Cheapest per month: %s and %s, both $%.2f%s.", d[o[0]].name, d[o[1]].name, a, tail);
    else
        add(v, "Cheapest per month: %s at $%.2f, $%.2f (%.1f%%) less than %s ($%.2f)%s.",
            d[o[0]].name, a, b - a, 100 * (b - a) / b, d[o[1]].name, b, tail);
}

/* "Lowest <what>: A at X ms, D ms (P%) faster than B (Y ms)" for the figure at path. */
static void fastest_at(const rpt_design *d, int n, const char *path, const char *what,
                       rpt_verdict *v)
{
    int o[MAX_DESIGNS], m = ranked(d, n, path, o);
    if (m < 2) return;
    double a = num(d[o[0]].results, path), b = num(d[o[1]].results, path);
    if (b - a < 0.05) {
        /* Every design tied with the first, named: "A, B and C, all X ms". */
        int t = 1;
        while (t < m && num(d[o[t]].results, path) - a < 0.05) t++;
        char names[512] = "";
        size_t k = 0;
        for (int i = 0; i < t && k < sizeof names; i++)
            k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", i == 0 ? "" : i == t - 1 ? " and " : ", ",
                                  d[o[i]].name);
        add(v, "%s: %s, %s %.1f ms.", what, names, t == 2 ? "both" : "all", a);
    } else
        add(v, "%s: %s at %.1f ms, %.1f ms (%.0f%%) faster than %s (%.1f ms).", what,
            d[o[0]].name, a, b - a, 100 * (b - a) / b, d[o[1]].name, b);
}

/* One p95 for a single kind of request; per op when the workload mixes
 * several (a view's p95 and an upload's are different questions), and the
 * op's flow (until the last work it caused) when it causes more work than
 * its response. */
static void fastest(const rpt_design *d, int n, rpt_verdict *v)
{
    json_object *ops = sim_json_at(d[0].results, "requests.ops");
    if (!ops || !json_object_is_type(ops, json_type_object) || json_object_object_length(ops) < 2) {
        fastest_at(d, n, "requests.latency_ms.p95", "Lowest p95", v);
        return;
    }
    json_object_object_foreach(ops, op, o) {
        char path[160], what[160];
        snprintf(path, sizeof path, "requests.ops.%s.latency_ms.p95", op);
        snprintf(what, sizeof what, "Lowest %s p95", op);
        fastest_at(d, n, path, what, v);
        double resp = sim_json_number_at(o, "latency_ms.p95"), flow = sim_json_number_at(o, "flow_ms.p95");
        if (isfinite(flow) && isfinite(resp) && flow > resp + 0.05) {
            snprintf(path, sizeof path, "requests.ops.%s.flow_ms.p95", op);
            snprintf(what, sizeof what, "Soonest %s flow p95 (to the last work it causes)", op);
            fastest_at(d, n, path, what, v);
        }
    }
}

int rpt_tradeoff_best(const double *cost, const double *p95, int n)
{
    double cmax = 0, pmax = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(cost[i]) && isfinite(p95[i])) {
            cmax = fmax(cmax, cost[i]);
            pmax = fmax(pmax, p95[i]);
        }
    int best = -1;
    double bs = INFINITY;
    for (int i = 0; i < n; i++) {
        if (!isfinite(cost[i]) || !isfinite(p95[i])) continue;
        double sc = 0.5 * (cmax > 0 ? cost[i] / cmax : 0) + 0.5 * (pmax > 0 ? p95[i] / pmax : 0);
        if (sc < bs) { bs = sc; best = i; }
    }
    return best;
}

/* "Best balance ...": only when it is neither the cheapest nor the fastest
 * alone would say it (three designs or more). */
static void balance(const rpt_design *d, int n, rpt_verdict *v)
{
    if (n < 3) return;
    double *c = sim_xcalloc((size_t)n, sizeof *c), *p = sim_xcalloc((size_t)n, sizeof *p);
    for (int i = 0; i < n; i++) {
        c[i] = num(d[i].results, "cost.monthly.total_usd");
        p[i] = num(d[i].results, "requests.latency_ms.p95");
    }
    int b = rpt_tradeoff_best(c, p, n), oc[MAX_DESIGNS], op[MAX_DESIGNS];
    int mc = ranked(d, n, "cost.monthly.total_usd", oc), mp = ranked(d, n, "requests.latency_ms.p95", op);
    bool both = mc > 0 && mp > 0 && oc[0] == b && op[0] == b;   /* cheapest and fastest: said */
    if (b >= 0 && !both)
        add(v, "Best balance of monthly cost and p95 (weighted equally): %s, $%.2f a month at "
               "%.1f ms.", d[b].name, c[b], p[b]);
    free(c);
    free(p);
}

/* ---- what fails and why ------------------------------------------------------ */

/* Why requests failed payload_too_large: the limit that binds. */
static void payload_why(json_object *r, char *buf, size_t n)
{
    const char *type = str(r, "config.entry.type");
    double door = num(r, "config.entry.max_payload_mb");
    if (!type[0] || !isfinite(door)) {   /* results without their config (a sweep's) */
        snprintf(buf, n, "over a payload limit");
        return;
    }
    bool async = strcmp(str(r, "config.entry.invocation"), "async") == 0;
    bool lambda_door = strcmp(type, "direct") == 0 || strcmp(type, "function_url") == 0 ||
                       strncmp(type, "apigw", 5) == 0;
    /* Lambda's own limits: 6 MB synchronous, 1 MB asynchronous (README
     * "Reference facts", Lambda: limits). */
    double lam = async ? 1 : 6;
    if (lambda_door && !(door < lam))
        snprintf(buf, n, "over Lambda's %g MB %s payload limit", lam,
                 async ? "asynchronous" : "synchronous");
    else if (strcmp(type, "queue") == 0)
        snprintf(buf, n, "over SQS's %g MB message limit", door);
    else
        snprintf(buf, n, "over the %g MB payload limit of the %s entry", door, type);
}

/* Which functions timed out, and at what timeout (AWS's 3 s default named). */
static void timeout_why(json_object *r, char *buf, size_t n)
{
    size_t k = (size_t)snprintf(buf, n, "hit their function's timeout");
    json_object *fns = sim_json_at(r, "functions");
    const char *sep = ": ";
    if (!json_object_is_type(fns, json_type_object)) return;
    json_object_object_foreach(fns, name, f) {
        if (!(sim_json_number_at(f, "timeouts") > 0) || k >= n) continue;
        char p[160];
        snprintf(p, sizeof p, "config.functions.%s.timeout_s", name);
        double t = num(r, p);
        if (isfinite(t))
            k += (size_t)snprintf(buf + k, n - k, "%s%s after %g s%s", sep, name, t,
                                  t == 3 ? " (AWS's default: set its timeout_s)" : "");
        else
            k += (size_t)snprintf(buf + k, n - k, "%s%s", sep, name);
        sep = ", ";
    }
}

static void cause_why(json_object *r, mdl_outcome o, char *buf, size_t n)
{
    switch (o) {
    case MDL_OUT_PAYLOAD_TOO_LARGE: payload_why(r, buf, n); return;
    case MDL_OUT_FUNCTION_TIMEOUT: timeout_why(r, buf, n); return;
    case MDL_OUT_ENTRY_TIMEOUT:
        if (isfinite(num(r, "config.entry.timeout_s")))
            snprintf(buf, n, "waited past the %s entry's %g s timeout", str(r, "config.entry.type"),
                     num(r, "config.entry.timeout_s"));
        else
            snprintf(buf, n, "waited past the entry's timeout");
        return;
    case MDL_OUT_THROTTLED:
        snprintf(buf, n, "throttled by Lambda's concurrency limits");
        return;
    case MDL_OUT_ENTRY_THROTTLED:
        snprintf(buf, n, "throttled by API Gateway's account throttle");
        return;
    case MDL_OUT_ASYNC_DROPPED: snprintf(buf, n, "dropped as async events (retries or age spent)"); return;
    case MDL_OUT_DEAD_LETTERED: snprintf(buf, n, "dead-lettered after their receives"); return;
    case MDL_OUT_EXPIRED: snprintf(buf, n, "expired in the queue (retention)"); return;
    case MDL_OUT_SEND_THROTTLED: snprintf(buf, n, "over the FIFO send quota"); return;
    case MDL_OUT_SFN_FAILED: snprintf(buf, n, "in failed Step Functions executions"); return;
    case MDL_OUT_OUT_OF_MEMORY:
        snprintf(buf, n, "out of memory (a kernel's working set above the function's memory)");
        return;
    case MDL_OUT_RECURSIVE_LOOP:
        snprintf(buf, n, "stopped as a recursive loop (a flow re-entered a function more than 16 times)");
        return;
    case MDL_OUT_OK:
    case MDL_OUT_COUNT: break;
    }
    buf[0] = '\0';
}

/* "144 requests (2.8%) over ...; 3 requests (0.1%) ..." by count; false
 * when nothing failed. */
static bool failures_text(json_object *r, char *buf, size_t n)
{
    double arrivals = num(r, "requests.arrivals");
    bool done[MDL_OUT_COUNT] = { false };
    size_t k = 0;
    buf[0] = '\0';
    for (;;) {
        int best = -1;
        double bn = 0;
        for (int o = 1; o < MDL_OUT_COUNT; o++) {
            char p[128];
            snprintf(p, sizeof p, "requests.failures.%s", mdl_outcome_name((mdl_outcome)o));
            double c = num(r, p);
            if (!done[o] && c > bn) { bn = c; best = o; }
        }
        if (best < 0 || k >= n) break;
        done[best] = true;
        char why[400];
        cause_why(r, (mdl_outcome)best, why, sizeof why);
        k += (size_t)snprintf(buf + k, n - k, "%s%.0f request%s (%.2g%%) %s", k ? "; " : "", bn,
                              bn == 1 ? "" : "s", arrivals > 0 ? 100 * bn / arrivals : 0.0, why);
    }
    return k > 0;
}

static void what_fails(const rpt_design *d, int n, rpt_verdict *v)
{
    char (*txt)[560] = sim_xcalloc(MAX_DESIGNS, sizeof *txt);
    bool any = false, same = true;
    for (int i = 0; i < n && i < MAX_DESIGNS; i++) {
        bool f = failures_text(d[i].results, txt[i], sizeof txt[i]);
        any = any || f;
        same = same && strcmp(txt[i], txt[0]) == 0;
    }
    if (!any)
        add(v, "No request fails%s.", n > 1 ? " in any design" : "");
    else if (n == 1)
        add(v, "What fails: %s.", txt[0]);
    else if (same)
        add(v, "What fails, in every design: %s.", txt[0]);
    else
        for (int i = 0; i < n && i < MAX_DESIGNS; i++)
            add(v, "What fails in %s: %s.", d[i].name, txt[i][0] ? txt[i] : "nothing");
    free(txt);
}

/* ---- queues -------------------------------------------------------------------- */

rpt_queue_trend rpt_queue_check_depth(const double *depth, size_t n, rpt_queue_check *out)
{
    rpt_queue_check c = { RPT_QUEUE_STEADY, 0, 0, 0, 0 };
    for (size_t k = 0; k < n; k++) c.peak = fmax(c.peak, depth[k]);
    if (n >= 8 && c.peak >= RPT_QUEUE_MIN_PEAK) {
        size_t q = n / 4;
        for (size_t k = q; k < 2 * q; k++) c.q2_mean += depth[k] / (double)q;
        for (size_t k = n - q; k < n; k++) c.q4_mean += depth[k] / (double)q;
        bool low = false;
        for (size_t k = 0; k < n; k++) {
            if (depth[k] <= c.peak / 10) low = true;
            else if (low && depth[k] >= c.peak / 2) {
                c.rises++;
                low = false;
            }
        }
        if (c.q4_mean >= RPT_QUEUE_MIN_PEAK && c.q4_mean >= 2 * c.q2_mean) c.trend = RPT_QUEUE_GROWS;
        else if (c.rises >= 3) c.trend = RPT_QUEUE_OSCILLATES;
    }
    if (out) *out = c;
    return c.trend;
}

static void queues(const rpt_design *d, int n, rpt_verdict *v)
{
    for (int i = 0; i < n; i++) {
        if (!d[i].ts || d[i].nts == 0) continue;
        double *depth = sim_xcalloc(d[i].nts, sizeof *depth);
        double cmin = INFINITY, cmax = 0;
        for (size_t k = 0; k < d[i].nts; k++) {
            depth[k] = d[i].ts[k].queue_depth;
            cmin = fmin(cmin, d[i].ts[k].consumers);
            cmax = fmax(cmax, d[i].ts[k].consumers);
        }
        rpt_queue_check c;
        rpt_queue_check_depth(depth, d[i].nts, &c);
        free(depth);
        const char *who = n > 1 ? d[i].name : "this design";
        if (c.trend == RPT_QUEUE_GROWS)
            add(v, "Queue depth grows in %s: %.0f messages on average in the last quarter of the "
                   "run against %.0f in the second; the consumers do not keep up.",
                who, c.q4_mean, c.q2_mean);
        else if (c.trend == RPT_QUEUE_OSCILLATES)
            add(v, "Queue depth oscillates in %s: it rose from at most %.0f to at least %.0f "
                   "messages %d times (peak %.0f) while the consumers ranged from %.0f to %.0f; "
                   "a pool whose minimum sits below the load cycles like this.",
                who, c.peak / 10, c.peak / 2, c.rises, c.peak, cmin, cmax);
    }
}

/* ---- the verdict ------------------------------------------------------------------ */

void rpt_verdict_build(const rpt_design *d, int n, rpt_verdict *v)
{
    SIM_ASSERT(d && v && n >= 0);
    v->n = 0;
    if (n > 1) {
        cheapest(d, n, v);
        fastest(d, n, v);
        balance(d, n, v);
    }
    if (n > 0) what_fails(d, n, v);
    queues(d, n, v);
}

static double cold_starts(json_object *r)
{
    json_object *fns = sim_json_at(r, "functions");
    double c = 0;
    if (!json_object_is_type(fns, json_type_object)) return 0;
    json_object_object_foreach(fns, name, f) {
        (void)name;
        double x = sim_json_number_at(f, "cold_starts");
        if (isfinite(x)) c += x;
    }
    return c;
}

void rpt_headline_print(FILE *fp, const char *first, const rpt_design *d, int n)
{
    int w = (int)strlen(first);
    for (int i = 0; i < n; i++) w = (int)fmax(w, (double)strlen(d[i].name));
    fprintf(fp, "%-*s %9s %9s %9s %8s %6s %11s\n", w, first, "p50 ms", "p95 ms", "p99 ms",
            "failed", "cold", "USD/month");
    for (int i = 0; i < n; i++) {
        json_object *r = d[i].results;
        char month[32];
        double m = num(r, "cost.monthly.total_usd");
        if (isfinite(m)) snprintf(month, sizeof month, "%.2f", m);
        else snprintf(month, sizeof month, "-");
        fprintf(fp, "%-*s %9.1f %9.1f %9.1f %8.0f %6.0f %11s\n", w, d[i].name,
                num(r, "requests.latency_ms.p50"), num(r, "requests.latency_ms.p95"),
                num(r, "requests.latency_ms.p99"), num(r, "requests.failed"), cold_starts(r), month);
    }
}

void rpt_verdict_print(const rpt_verdict *v, FILE *fp)
{
    for (int i = 0; i < v->n; i++) fprintf(fp, "verdict: %s\n", v->line[i]);
}

void rpt_verdict_page(const rpt_verdict *v, rpt_page *pg)
{
    if (v->n == 0) return;
    rpt_page_add_heading(pg, "Verdict");
    for (int i = 0; i < v->n; i++) rpt_page_add_strong(pg, v->line[i]);
}
