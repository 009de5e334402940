/* mdl_lifecycle_data.c - per-invocation measurements -> lifecycle figures.
 *
 * The thresholds of mdl_lcd_opts_default, and why (all from the eleven runs
 * of data/aws_lambda_2020, printed by build/tests/aws2020_analyze):
 *  - keep_alive_s 640: a lone idle environment survived gaps up to 654 s and
 *    was gone after gaps from 626 s: 640 is the middle of that band.
 *  - max_idle_s 1560: the longest gap an idle environment survived in a pool
 *    was 1523 s; the upper variant of a life rounds it up.
 *  - route_margin_s 0.2: the client-to-handler delay is 50-100 ms; an
 *    environment freed less than 0.2 s before a request starts is not
 *    counted as a choice Lambda had (MRU share: 99.90 % with no margin,
 *    99.98 % for margins from 0.05 s to 2 s: aws2020_analyze --margin).
 *  - prewarm_overhead_ms 250: client time minus Duration is 81-200 ms for
 *    warm requests (p99 < 200 ms) and either 90-200 ms or 290-1550 ms for
 *    cold ones: the gap between the modes.
 *  - planned_gap_s 600: no lone environment expired idle before 626 s, and
 *    AWS's keep-alive has been about 10 minutes since July 2019 (README).
 *  - placed_margin_s 0.05: a waited request's handler starts 237-338 ms after
 *    it was sent (p10-p90) when its environment had freed long before, and
 *    soon after the environment freed otherwise; 50 ms is the spread of the
 *    warm start delay (p10-p90: 49-67 ms).
 */
#include "models/lambda/mdl_lifecycle_data.h"
#include "workloads/trace/wl_rows.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const double mdl_lcd_qprobs[MDL_LCD_NQ] = { 0.0, 0.10, 0.50, 0.90, 1.0 };
const double mdl_lcd_sprobs[MDL_LCD_NSQ] = { 0.0, 0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90,
                                             0.95, 0.99, 0.999, 1.0 };

mdl_lcd_opts mdl_lcd_opts_default(void)
{
    mdl_lcd_opts o = { 640.0, 1560.0, 0.2, 250.0, 600.0, 0.05 };
    return o;
}

/* ---- reading ------------------------------------------------------------ */

enum { COL_T, COL_ENV, COL_COLD, COL_START, COL_HANDLER, COL_CLIENT, COL_AWS, COL_UPTIME, COL_N };
static const char *const k_cols[COL_N] = {
    "arrival_s", "env", "cold", "start_ms", "handler_ms", "client_ms", "aws_ms", "uptime_s"
};

static sim_status read_row(wl_rows *r, const long col[COL_N], const mdl_lcd_run *run,
                           mdl_lcd_inv *x, sim_error *err)
{
    double v[COL_N];
    for (int k = 0; k < COL_N; k++) {
        const char *s = wl_rows_field(r, (size_t)col[k]);
        if ((size_t)col[k] >= r->nfields ||
            !wl_parse_double(s, wl_rows_field_len(r, (size_t)col[k]), &v[k]))
            SIM_FAIL(err, SIM_EFORMAT, r->path, r->row_line, k_cols[k], "'%.40s' is not a number",
                     (size_t)col[k] < r->nfields ? s : "");
    }
    if (v[COL_T] < 0 || (run->n > 0 && v[COL_T] < run->inv[run->n - 1].t))
        SIM_FAIL(err, SIM_EFORMAT, r->path, r->row_line, "arrival_s",
                 "arrival %.3f is negative or before the previous row's", v[COL_T]);
    if (v[COL_ENV] != floor(v[COL_ENV]) || v[COL_ENV] < 0 || v[COL_ENV] > run->nenv)
        SIM_FAIL(err, SIM_EFORMAT, r->path, r->row_line, "env",
                 "environment %g: ids must be 0, 1, ... in order of first use", v[COL_ENV]);
    if (v[COL_COLD] != 0 && v[COL_COLD] != 1)
        SIM_FAIL(err, SIM_EFORMAT, r->path, r->row_line, "cold", "cold must be 0 or 1");
    if (v[COL_HANDLER] < 0 || v[COL_CLIENT] < 0)
        SIM_FAIL(err, SIM_ERANGE, r->path, r->row_line, "handler_ms", "negative duration");
    x->t = v[COL_T];
    x->env = (int)v[COL_ENV];
    x->cold = v[COL_COLD] == 1;
    x->start = x->t + v[COL_START] / 1e3;
    x->end = x->start + v[COL_HANDLER] / 1e3;
    x->client_ms = v[COL_CLIENT];
    x->client_end = x->t + v[COL_CLIENT] / 1e3;
    x->aws_ms = v[COL_AWS];
    x->uptime_s = v[COL_UPTIME];
    return SIM_OK;
}

static void run_name(mdl_lcd_run *run, const char *path)
{
    const char *b = strrchr(path, '/');
    snprintf(run->name, sizeof run->name, "%s", b ? b + 1 : path);
    char *dot = strrchr(run->name, '.');
    if (dot && strcmp(dot, ".csv") == 0) *dot = '\0';
}

sim_status mdl_lcd_read(mdl_lcd_run *run, const char *path, sim_error *err)
{
    SIM_ASSERT(run && path);
    memset(run, 0, sizeof *run);
    run_name(run, path);
    wl_rows r;
    SIM_TRY(wl_rows_open(&r, path, err));
    long col[COL_N];
    bool got;
    size_t cap = 0;
    sim_status st = wl_rows_next(&r, &got, err);
    if (st == SIM_OK && !got) st = SIM_ERR(err, SIM_EFORMAT, path, 1, NULL, "empty file");
    if (st == SIM_OK) st = wl_rows_find_columns(&r, k_cols, COL_N, col, err);
    while (st == SIM_OK && (st = wl_rows_next(&r, &got, err)) == SIM_OK && got) {
        if (run->n == cap) {
            cap = cap ? 2 * cap : 256;
            run->inv = sim_xrealloc(run->inv, cap * sizeof *run->inv);
        }
        st = read_row(&r, col, run, &run->inv[run->n], err);
        if (st == SIM_OK && run->inv[run->n].env == run->nenv) run->nenv++;
        run->n++;
    }
    if (st == SIM_OK && run->n == 0) st = SIM_ERR(err, SIM_EFORMAT, path, 2, NULL, "no invocations");
    wl_rows_close(&r);
    if (st != SIM_OK) mdl_lcd_free(run);
    return st;
}

void mdl_lcd_free(mdl_lcd_run *run)
{
    if (!run) return;
    free(run->inv);
    run->inv = NULL;
    run->n = 0;
    run->nenv = 0;
}

/* ---- per-environment facts ----------------------------------------------- */

#define NONE SIZE_MAX

typedef struct env_info {
    size_t first, last;         /* invocation indices */
    double born, last_end;
    double bound;               /* first cold arrival after last_end (INFINITY: none) */
    double life_end, life_end_hi;
    bool slow_born, prewarmed;  /* first use: a cold with / without INIT seen */
} env_info;

typedef struct run_index {
    env_info *env;
    size_t *next;               /* next invocation on the same environment */
    size_t *by_start;           /* invocations in order of in-handler start */
    double span;                /* last client end */
} run_index;

static bool is_prewarmed(const mdl_lcd_inv *x, const mdl_lcd_opts *o)
{
    return x->cold && x->client_ms - x->aws_ms < o->prewarm_overhead_ms;
}

static void index_envs(const mdl_lcd_run *run, const mdl_lcd_opts *o, run_index *ix)
{
    ix->env = sim_xcalloc((size_t)run->nenv, sizeof *ix->env);
    ix->next = sim_xmalloc(run->n * sizeof *ix->next);
    ix->span = 0;
    for (int e = 0; e < run->nenv; e++) ix->env[e].first = ix->env[e].last = NONE;
    for (size_t i = 0; i < run->n; i++) {
        const mdl_lcd_inv *x = &run->inv[i];
        env_info *e = &ix->env[x->env];
        ix->next[i] = NONE;
        if (e->first == NONE) {
            e->first = i;
            e->born = x->t;
            e->slow_born = x->cold && !is_prewarmed(x, o);
            e->prewarmed = is_prewarmed(x, o);
        } else {
            ix->next[e->last] = i;
        }
        e->last = i;
        if (x->client_end > ix->span) ix->span = x->client_end;
    }
    /* Death bounds: the first cold arrival after each environment's last end. */
    for (int k = 0; k < run->nenv; k++) {
        env_info *e = &ix->env[k];
        e->last_end = run->inv[e->last].end;
        e->bound = INFINITY;
        for (size_t i = e->last + 1; i < run->n; i++)
            if (run->inv[i].cold && run->inv[i].t > e->last_end) {
                e->bound = run->inv[i].t;
                break;
            }
        double cap = fmin(e->bound, ix->span);
        e->life_end = fmin(e->last_end + o->keep_alive_s, cap);
        e->life_end_hi = fmin(e->last_end + o->max_idle_s, cap);
    }
}

/* Invocation indices sorted by in-handler start (insertion sort on an
 * almost sorted array: arrivals are sorted and starts follow within 1 s). */
static void sort_by_start(const mdl_lcd_run *run, run_index *ix)
{
    ix->by_start = sim_xmalloc(run->n * sizeof *ix->by_start);
    for (size_t i = 0; i < run->n; i++) {
        size_t k = i;
        while (k > 0 && run->inv[ix->by_start[k - 1]].start > run->inv[i].start) {
            ix->by_start[k] = ix->by_start[k - 1];
            k--;
        }
        ix->by_start[k] = i;
    }
}

static void index_free(run_index *ix)
{
    free(ix->env);
    free(ix->next);
    free(ix->by_start);
}

/* Environments other than `self` whose life covers t. */
static int others_alive(const run_index *ix, int nenv, int self, double t)
{
    int n = 0;
    for (int k = 0; k < nenv; k++)
        if (k != self && ix->env[k].born <= t && t < ix->env[k].life_end) n++;
    return n;
}

/* ---- one run ------------------------------------------------------------ */

static void quantiles_at(double *v, size_t n, const double *probs, int np, double *q)
{
    if (n) gsl_sort(v, 1, n);
    for (int k = 0; k < np; k++)
        q[k] = n ? gsl_stats_quantile_from_sorted_data(v, 1, n, probs[k]) : NAN;
}

static void quantiles(double *v, size_t n, double q[MDL_LCD_NQ])
{
    quantiles_at(v, n, mdl_lcd_qprobs, MDL_LCD_NQ, q);
}

static void count_requests(const mdl_lcd_run *run, const mdl_lcd_opts *o, const run_index *ix,
                           mdl_lcd_stats *st)
{
    double warm = 0, cold = 0, slow = 0, busy = 0;
    size_t nslow = 0;
    st->requests = run->n;
    st->envs = run->nenv;
    for (size_t i = 0; i < run->n; i++) {
        const mdl_lcd_inv *x = &run->inv[i];
        busy += x->client_ms / 1e3;
        if (!x->cold) {
            warm += x->client_ms;
            continue;
        }
        st->cold++;
        cold += x->client_ms;
        if (is_prewarmed(x, o)) {
            st->cold_prewarmed++;
        } else {
            slow += x->client_ms;
            nslow++;
        }
    }
    double first = run->inv[0].t, last = run->inv[run->n - 1].t;
    st->span_s = ix->span;
    st->rate_per_s = last > first ? (double)run->n / (last - first) : NAN;
    st->p_cold = (double)st->cold / (double)run->n;
    st->mean_busy = ix->span > 0 ? busy / ix->span : NAN;
    st->warm_client_ms = run->n > st->cold ? warm / (double)(run->n - st->cold) : NAN;
    st->cold_client_ms = st->cold ? cold / (double)st->cold : NAN;
    st->slow_cold_client_ms = nslow ? slow / (double)nslow : NAN;
}

static void lives_and_gaps(const mdl_lcd_run *run, const run_index *ix, mdl_lcd_stats *st)
{
    double area = 0, area_hi = 0;
    double *life = sim_xmalloc((size_t)run->nenv * sizeof *life);
    double *gap = sim_xmalloc(run->n * sizeof *gap);
    for (int k = 0; k < run->nenv; k++) {
        const env_info *e = &ix->env[k];
        area += fmax(0, e->life_end - e->born);
        area_hi += fmax(0, e->life_end_hi - e->born);
        life[k] = (run->inv[e->last].client_end - e->born) / 60;
        if (life[k] > 120) st->lives_over_2h++;
    }
    st->mean_inst = ix->span > 0 ? area / ix->span : NAN;
    st->mean_inst_hi = ix->span > 0 ? area_hi / ix->span : NAN;
    quantiles(life, (size_t)run->nenv, st->life_min_q);
    st->ngaps = 0;
    for (size_t i = 0; i < run->n; i++)
        if (ix->next[i] != NONE) gap[st->ngaps++] = run->inv[ix->next[i]].start - run->inv[i].end;
    quantiles(gap, st->ngaps, st->gap_s_q);
    free(life);
    free(gap);
}

/* Which idle environment served each warm request.  An environment is idle
 * at a request when its latest invocation started before the request's own
 * start, ended at least route_margin_s before it, and it serves again later
 * (so it was alive).  Also counts cold starts that happened while one was
 * idle (the death bound assumes none). */
static void routing(const mdl_lcd_run *run, const mdl_lcd_opts *o, const run_index *ix,
                    mdl_lcd_stats *st)
{
    size_t *last = sim_xmalloc((size_t)run->nenv * sizeof *last);
    for (int k = 0; k < run->nenv; k++) last[k] = NONE;
    for (size_t s = 0; s < run->n; s++) {
        size_t i = ix->by_start[s];
        const mdl_lcd_inv *x = &run->inv[i];
        double t = x->start - o->route_margin_s, cand_max = -INFINITY, cand_min = INFINITY;
        double born_max = -INFINITY;
        int ncand = 0;
        for (int k = 0; k < run->nenv; k++) {
            size_t a = last[k];
            if (k == x->env || a == NONE || ix->next[a] == NONE || run->inv[a].end >= t) continue;
            ncand++;
            cand_max = fmax(cand_max, run->inv[a].end);
            cand_min = fmin(cand_min, run->inv[a].end);
            born_max = fmax(born_max, ix->env[k].born);
        }
        if (x->cold && ncand) st->cold_while_idle++;
        if (!x->cold && last[x->env] != NONE && ncand) {
            double mine = run->inv[last[x->env]].end;
            bool mru = mine >= cand_max, lru = mine <= cand_min;
            bool newest = ix->env[x->env].born >= born_max;
            st->route_choices++;
            st->route_mru += mru;
            st->route_lru += lru;
            st->route_newest += newest;
            st->route_other += !mru && !lru && !newest;
        }
        last[x->env] = i;
    }
    free(last);
}

typedef struct dvec {
    double *v;
    size_t n, cap;
} dvec;

static void push(dvec *d, double x)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 64;
        d->v = sim_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n++] = x;
}

/* The previous invocation on each invocation's environment (NONE: first). */
static size_t *previous_uses(const mdl_lcd_run *run)
{
    size_t *last = sim_xmalloc((size_t)run->nenv * sizeof *last);
    size_t *prev = sim_xmalloc(run->n * sizeof *prev);
    for (int k = 0; k < run->nenv; k++) last[k] = NONE;
    for (size_t i = 0; i < run->n; i++) {
        prev[i] = last[run->inv[i].env];
        last[run->inv[i].env] = i;
    }
    free(last);
    return prev;
}

/* Warm invocations that waited for their environment, still busy when the
 * request reached Lambda (its send plus the median start delay of the warm
 * invocations whose environment was free at their send); and, into
 * `placed` when given, the placement delays (ms) of the waits that ended
 * well after the environment freed. */
static void waits(const mdl_lcd_run *run, const mdl_lcd_opts *o, mdl_lcd_stats *st, dvec *placed)
{
    size_t *prev = previous_uses(run);
    dvec delay = { 0 };
    for (size_t i = 0; i < run->n; i++) {
        const mdl_lcd_inv *x = &run->inv[i];
        if (!x->cold && prev[i] != NONE && run->inv[prev[i]].end <= x->t)
            push(&delay, (x->start - x->t) * 1e3);
    }
    double q[MDL_LCD_NQ];
    quantiles(delay.v, delay.n, q);
    st->warm_delay_ms = q[2];
    for (size_t i = 0; i < run->n; i++) {
        const mdl_lcd_inv *x = &run->inv[i];
        if (x->cold || prev[i] == NONE) continue;
        double freed = run->inv[prev[i]].end;
        if (freed <= x->t + st->warm_delay_ms / 1e3) continue;
        st->waited++;
        if (placed && freed < x->start - o->placed_margin_s)
            push(placed, (x->start - x->t) * 1e3 - st->warm_delay_ms);
    }
    free(delay.v);
    free(prev);
}

static void deaths(const mdl_lcd_run *run, const mdl_lcd_opts *o, const run_index *ix,
                   mdl_lcd_stats *st)
{
    for (int k = 0; k < run->nenv; k++) {
        const env_info *e = &ix->env[k];
        if (isinf(e->bound)) st->deaths_open++;
        else if (e->bound - e->last_end < o->planned_gap_s) st->deaths_planned++;
        else st->deaths_idle++;
    }
}

static void build_index(const mdl_lcd_run *run, const mdl_lcd_opts *o, run_index *ix)
{
    SIM_ASSERT(run && run->n > 0 && run->nenv > 0 && o);
    index_envs(run, o, ix);
    sort_by_start(run, ix);
}

void mdl_lcd_analyze(const mdl_lcd_run *run, const mdl_lcd_opts *o, mdl_lcd_stats *st)
{
    SIM_ASSERT(st);
    memset(st, 0, sizeof *st);
    run_index ix;
    build_index(run, o, &ix);
    count_requests(run, o, &ix, st);
    lives_and_gaps(run, &ix, st);
    routing(run, o, &ix, st);
    deaths(run, o, &ix, st);
    waits(run, o, st, NULL);
    index_free(&ix);
}

/* ---- Turnbull's NPMLE ------------------------------------------------------ */

void mdl_lcd_npmle_fit(mdl_lcd_npmle *est, const double *edge, size_t nbins, const double *lo,
                       const double *hi, size_t n, int max_iter, double tol)
{
    SIM_ASSERT(est && edge && nbins > 0 && (n == 0 || (lo && hi)) && max_iter > 0);
    memset(est, 0, sizeof *est);
    est->nbins = nbins;
    est->edge = sim_xmalloc((nbins + 1) * sizeof *est->edge);
    memcpy(est->edge, edge, (nbins + 1) * sizeof *edge);
    est->mass = sim_xcalloc(nbins, sizeof *est->mass);
    /* Each observation as the range of bins it overlaps: [b0[i], b1[i]). */
    size_t *b0 = sim_xmalloc((n + 1) * sizeof *b0), *b1 = sim_xmalloc((n + 1) * sizeof *b1);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        SIM_ASSERT(hi[i] > lo[i]);
        size_t j = 0;
        while (j < nbins && edge[j + 1] <= lo[i]) j++;
        size_t k = j;
        while (k < nbins && edge[k] < hi[i]) k++;
        if (k > j) {
            b0[m] = j;
            b1[m++] = k;
        }
    }
    est->nobs = m;
    double *next = sim_xcalloc(nbins, sizeof *next);
    for (size_t i = 0; i < m; i++)
        for (size_t j = b0[i]; j < b1[i]; j++) est->mass[j] = 1.0;
    double tot = 0;
    for (size_t j = 0; j < nbins; j++) tot += est->mass[j];
    for (size_t j = 0; j < nbins && tot > 0; j++) est->mass[j] /= tot;
    for (est->iterations = 0; m > 0 && est->iterations < max_iter; est->iterations++) {
        memset(next, 0, nbins * sizeof *next);
        for (size_t i = 0; i < m; i++) {
            double s = 0;
            for (size_t j = b0[i]; j < b1[i]; j++) s += est->mass[j];
            if (s <= 0) continue;
            for (size_t j = b0[i]; j < b1[i]; j++) next[j] += est->mass[j] / s;
        }
        double moved = 0;
        for (size_t j = 0; j < nbins; j++) {
            next[j] /= (double)m;
            moved = fmax(moved, fabs(next[j] - est->mass[j]));
            est->mass[j] = next[j];
        }
        if (moved <= tol) break;
    }
    free(next);
    free(b0);
    free(b1);
}

void mdl_lcd_npmle_free(mdl_lcd_npmle *est)
{
    if (!est) return;
    free(est->edge);
    free(est->mass);
    memset(est, 0, sizeof *est);
}

double mdl_lcd_npmle_survival(const mdl_lcd_npmle *est, double x)
{
    double s = 0;
    for (size_t j = 0; j < est->nbins; j++) {
        double a = est->edge[j], b = est->edge[j + 1];
        if (x <= a) s += est->mass[j];
        else if (x < b && isfinite(b)) s += est->mass[j] * (b - x) / (b - a);
        else if (x < b) s += est->mass[j];
    }
    return s;
}

double mdl_lcd_npmle_quantile(const mdl_lcd_npmle *est, double p)
{
    SIM_ASSERT(est && p >= 0 && p <= 1);
    const double eps = 1e-6;    /* what the EM leaves in bins it is emptying */
    if (p == 0 || p == 1) {
        double v = NAN;
        for (size_t j = 0; j < est->nbins; j++)
            if (est->mass[j] > eps) {
                if (p == 0) return est->edge[j];
                v = est->edge[j + 1];
            }
        return v;
    }
    double c = 0;
    for (size_t j = 0; j < est->nbins; j++) {
        double w = est->mass[j];
        if (w > 0 && c + w >= p) {
            double a = est->edge[j], b = est->edge[j + 1];
            return isfinite(b) ? a + (b - a) * (p - c) / w : INFINITY;
        }
        c += w;
    }
    return NAN;
}

/* ---- pooled over runs ------------------------------------------------------ */

/* Bins of the two NPMLEs.  Keep-alive in a pool: 20 s from planned_gap_s to
 * 2000 s (the longest survival seen is 1523 s), then an open bin.  Maximum
 * lifetime: 1 minute up to 130 minutes (the longest life seen is 123.1),
 * then an open bin. */
#define KA_STEP_S 20.0
#define KA_TOP_S 2000.0
#define LT_STEP_MIN 1.0
#define LT_TOP_MIN 130.0
#define NPMLE_ITER 20000
#define NPMLE_TOL 1e-9

typedef struct pool_acc {
    dvec ka_lo, ka_hi, lt_lo, lt_hi, warm, cold, slow, ov_warm, ov_cold, up_slow, up_pre, placed;
    double warm_sum, cold_sum, slow_sum;
} pool_acc;

/* Idle periods: lone ones bound the lone keep-alive; pool ones feed the
 * pool keep-alive NPMLE (only what is informative above planned_gap_s). */
static void idle_periods(const mdl_lcd_run *run, const mdl_lcd_opts *o, const run_index *ix,
                         mdl_lcd_pooled *p, pool_acc *acc)
{
    for (size_t i = 0; i < run->n; i++) {
        size_t j = ix->next[i];
        if (j == NONE) continue;
        const mdl_lcd_inv *x = &run->inv[i];
        double g = run->inv[j].start - x->end;
        if (others_alive(ix, run->nenv, x->env, x->end) == 0) {
            p->lone_gaps++;
            p->lone_gaps_over_600 += g > 600;
            p->lone_survived_max_s = fmax(p->lone_survived_max_s, g);
        } else {
            p->pool_survived_max_s = fmax(p->pool_survived_max_s, g);
            if (g > o->planned_gap_s) {
                push(&acc->ka_lo, g);
                push(&acc->ka_hi, INFINITY);
            }
        }
    }
}

/* Ends of life: lone deaths bound the lone keep-alive from above, pool
 * deaths feed its NPMLE, planned ones are counted, and every environment
 * born in a slow cold start gives an interval for its maximum lifetime. */
static void ends_of_life(const mdl_lcd_run *run, const mdl_lcd_opts *o, const run_index *ix,
                         mdl_lcd_pooled *p, pool_acc *acc)
{
    for (int k = 0; k < run->nenv; k++) {
        const env_info *e = &ix->env[k];
        double u = e->bound - e->last_end;      /* INFINITY when no cold start follows */
        bool planned = u < o->planned_gap_s;
        if (planned) {
            p->planned_deaths++;
        } else if (isfinite(u)) {
            if (others_alive(ix, run->nenv, k, e->last_end) == 0) {
                p->lone_deaths++;
                p->lone_died_min_s = fmin(p->lone_died_min_s, u);
            } else {
                push(&acc->ka_lo, o->planned_gap_s);
                push(&acc->ka_hi, u);
            }
        }
        if (e->slow_born) {
            double age = (e->last_end - e->born) / 60;
            push(&acc->lt_lo, age);
            push(&acc->lt_hi, planned ? age + u / 60 : INFINITY);
        }
    }
}

static void client_times(const mdl_lcd_run *run, const mdl_lcd_opts *o, mdl_lcd_pooled *p,
                         pool_acc *acc)
{
    for (size_t i = 0; i < run->n; i++) {
        const mdl_lcd_inv *x = &run->inv[i];
        if (!x->cold) {
            push(&acc->warm, x->client_ms);
            push(&acc->ov_warm, x->client_ms - x->aws_ms);
            acc->warm_sum += x->client_ms;
            continue;
        }
        p->colds++;
        push(&acc->cold, x->client_ms);
        push(&acc->ov_cold, x->client_ms - x->aws_ms);
        acc->cold_sum += x->client_ms;
        if (is_prewarmed(x, o)) {
            p->prewarmed_colds++;
            push(&acc->up_pre, x->uptime_s);
        } else {
            p->slow_colds++;
            push(&acc->slow, x->client_ms);
            push(&acc->up_slow, x->uptime_s);
            acc->slow_sum += x->client_ms;
        }
    }
}

static void fit_npmle(mdl_lcd_npmle *est, double from, double step, double top, const dvec *lo,
                      const dvec *hi)
{
    size_t nb = (size_t)lround((top - from) / step) + 1;
    double *edge = sim_xmalloc((nb + 1) * sizeof *edge);
    for (size_t j = 0; j < nb; j++) edge[j] = from + step * (double)j;
    edge[nb] = INFINITY;
    mdl_lcd_npmle_fit(est, edge, nb, lo->v, hi->v, lo->n, NPMLE_ITER, NPMLE_TOL);
    free(edge);
}

void mdl_lcd_pool(const mdl_lcd_run *runs, size_t nruns, const mdl_lcd_opts *o,
                  mdl_lcd_pooled *p)
{
    SIM_ASSERT(runs && nruns > 0 && o && p);
    memset(p, 0, sizeof *p);
    p->lone_died_min_s = INFINITY;
    pool_acc acc;
    memset(&acc, 0, sizeof acc);
    for (size_t r = 0; r < nruns; r++) {
        run_index ix;
        build_index(&runs[r], o, &ix);
        idle_periods(&runs[r], o, &ix, p, &acc);
        ends_of_life(&runs[r], o, &ix, p, &acc);
        client_times(&runs[r], o, p, &acc);
        mdl_lcd_stats st;
        mdl_lcd_analyze(&runs[r], o, &st);
        p->route_choices += st.route_choices;
        p->route_mru += st.route_mru;
        p->waited += st.waited;
        mdl_lcd_stats w;
        memset(&w, 0, sizeof w);
        waits(&runs[r], o, &w, &acc.placed);
        index_free(&ix);
    }
    fit_npmle(&p->pool_keep_alive, o->planned_gap_s, KA_STEP_S, KA_TOP_S, &acc.ka_lo, &acc.ka_hi);
    fit_npmle(&p->max_lifetime, 0, LT_STEP_MIN, LT_TOP_MIN, &acc.lt_lo, &acc.lt_hi);
    p->warm_client_ms = acc.warm.n ? acc.warm_sum / (double)acc.warm.n : NAN;
    p->cold_client_ms = acc.cold.n ? acc.cold_sum / (double)acc.cold.n : NAN;
    p->slow_cold_client_ms = p->slow_colds ? acc.slow_sum / (double)p->slow_colds : NAN;
    p->prewarmed_client_ms = p->prewarmed_colds
        ? (acc.cold_sum - acc.slow_sum) / (double)p->prewarmed_colds : NAN;
    quantiles_at(acc.ov_warm.v, acc.ov_warm.n, mdl_lcd_sprobs, MDL_LCD_NSQ, p->warm_overhead_q);
    quantiles_at(acc.ov_cold.v, acc.ov_cold.n, mdl_lcd_sprobs, MDL_LCD_NSQ, p->cold_overhead_q);
    quantiles(acc.up_slow.v, acc.up_slow.n, p->slow_uptime_q);
    quantiles(acc.up_pre.v, acc.up_pre.n, p->prewarmed_uptime_q);
    quantiles_at(acc.warm.v, acc.warm.n, mdl_lcd_sprobs, MDL_LCD_NSQ, p->warm_client_q);
    quantiles_at(acc.cold.v, acc.cold.n, mdl_lcd_sprobs, MDL_LCD_NSQ, p->cold_client_q);
    quantiles_at(acc.slow.v, acc.slow.n, mdl_lcd_sprobs, MDL_LCD_NSQ, p->slow_cold_client_q);
    p->placed = acc.placed.n;
    quantiles_at(acc.placed.v, acc.placed.n, mdl_lcd_sprobs, MDL_LCD_NSQ, p->placement_q);
    dvec *all[] = { &acc.ka_lo, &acc.ka_hi, &acc.lt_lo, &acc.lt_hi, &acc.warm, &acc.cold,
                    &acc.slow, &acc.ov_warm, &acc.ov_cold, &acc.up_slow, &acc.up_pre,
                    &acc.placed };
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) free(all[k]->v);
}

void mdl_lcd_pooled_free(mdl_lcd_pooled *p)
{
    if (!p) return;
    mdl_lcd_npmle_free(&p->pool_keep_alive);
    mdl_lcd_npmle_free(&p->max_lifetime);
}
