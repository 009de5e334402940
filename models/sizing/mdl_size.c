/* mdl_size.c - the sizing driver: sampling, Power Tuning's summaries and
 * strategies, exhaustive search, results and the visualization URL.
 *
 * The driver owns everything a method must not cheat on: it calls the
 * sampler (once per size, counting), summarises the rows exactly as Power
 * Tuning does, marks out-of-memory sizes, and applies the strategy.  The
 * adaptive methods (mdl_size_bo.c, mdl_size_fit.c) only decide which size to
 * sample next and predict log(duration) on the grid; the driver turns the
 * prediction into durations, prices and bands through the caller's cost
 * model, so the same price is used for every method.
 */
#include "models/sizing/mdl_size_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

struct mdl_size__run {
    const mdl_size_opts *o;
    mdl_size_sample_fn sample;
    void *sample_ctx;
    mdl_size_result *r;
    mdl_size__obs *obs;    /* one per batch; cap_obs capacity */
    size_t n_obs, cap_obs;
    double **rows;         /* per grid size: every invocation read there */
    size_t *n_rows;
    bool *exhausted;       /* per grid size: the source has no more rows */
    bool confirming;       /* the stopping rule has been met: no new size but the pick */
};

/* ---- pricing --------------------------------------------------------- */

sim_status mdl_size_pricer_init(mdl_size_pricer *p, const mdl_catalog *cat, mdl_arch arch,
                                int granularity_ms, sim_error *err)
{
    SIM_ASSERT(granularity_ms == 1 || granularity_ms == 100);
    mdl_entry_id dur = arch == MDL_ARCH_ARM64 ? MDL_LAMBDA_DURATION_ARM : MDL_LAMBDA_DURATION_X86;
    SIM_TRY(mdl_catalog_need(cat, MDL_LAMBDA_REQUESTS, "sizing a Lambda function", err));
    SIM_TRY(mdl_catalog_need(cat, dur, "sizing a Lambda function", err));
    p->arch = arch;
    p->granularity_ms = granularity_ms;
    p->request_usd = mdl_catalog_usd(cat, MDL_LAMBDA_REQUESTS);
    p->usd_per_gb_s = mdl_catalog_tier_usd(cat, dur, 0);
    return SIM_OK;
}

double mdl_size_price(void *ctx, int memory_mb, double duration_ms)
{
    const mdl_size_pricer *p = ctx;
    double billed = duration_ms > 0 ? mdl_billed_ms(duration_ms, p->granularity_ms) : 0;
    return p->request_usd + p->usd_per_gb_s * ((double)memory_mb * billed) / (1024.0 * 1000.0);
}

/* ---- names ----------------------------------------------------------- */

static const char *const k_strategy_names[] = {"cost", "speed", "balanced"};
static const char *const k_method_names[] = {"exhaustive", "bo", "parametric"};

bool mdl_size_strategy_parse(const char *s, mdl_size_strategy *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, k_strategy_names[i]) == 0) {
            *out = (mdl_size_strategy)i;
            return true;
        }
    return false;
}

bool mdl_size_method_parse(const char *s, mdl_size_method *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, k_method_names[i]) == 0) {
            *out = (mdl_size_method)i;
            return true;
        }
    return false;
}

const char *mdl_size_strategy_name(mdl_size_strategy s) { return k_strategy_names[s]; }
const char *mdl_size_method_name(mdl_size_method m) { return k_method_names[m]; }

/* ---- Power Tuning's summaries and strategies --------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double mdl_size_trimmed_mean(double *x, size_t n)
{
    if (n == 0) return 0;
    qsort(x, n, sizeof *x, cmp_double);
    /* executor.js: parseInt(size * discardTopBottom) from each end. */
    size_t drop = (size_t)floor((double)n * 0.2);
    double s = 0;
    for (size_t i = drop; i < n - drop; i++) s += x[i];
    return s / (double)(n - 2 * drop);
}

static bool pick_candidate(const mdl_size_point *p)
{
    /* analyzer.js keeps stats with a truthy averageDuration. */
    return !p->failed && p->duration_ms > 0 && isfinite(p->duration_ms);
}

/* analyzer.js comparators; a < b means a sorts first.  A stable sort's
 * first element is the first minimum in input order, so a linear scan that
 * replaces only on strictly-better reproduces it. */
static bool better(const mdl_size_point *a, const mdl_size_point *b,
                   mdl_size_strategy s, double w, double max_p, double max_d)
{
    switch (s) {
    case MDL_SIZE_COST:
        if (a->price_usd == b->price_usd) return a->duration_ms < b->duration_ms;
        return a->price_usd < b->price_usd;
    case MDL_SIZE_SPEED:
        if (a->duration_ms == b->duration_ms) return a->price_usd < b->price_usd;
        return a->duration_ms < b->duration_ms;
    case MDL_SIZE_BALANCED: {
        double va = w * a->price_usd / max_p + (1 - w) * a->duration_ms / max_d;
        double vb = w * b->price_usd / max_p + (1 - w) * b->duration_ms / max_d;
        return va < vb;
    }
    }
    return false;
}

int mdl_size_pick(const mdl_size_point *pts, size_t n, mdl_size_strategy s,
                  double balanced_weight)
{
    double w = fmin(fmax(balanced_weight, 0.0), 1.0);
    if (isnan(balanced_weight)) w = 0.5;
    double max_p = -INFINITY, max_d = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!pick_candidate(&pts[i])) continue;
        max_p = fmax(max_p, pts[i].price_usd);
        max_d = fmax(max_d, pts[i].duration_ms);
    }
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!pick_candidate(&pts[i])) continue;
        if (best < 0 || better(&pts[i], &pts[best], s, w, max_p, max_d)) best = (int)i;
    }
    return best;
}

/* ---- options, results ---------------------------------------------------- */

void mdl_size_opts_init(mdl_size_opts *o)
{
    memset(o, 0, sizeof *o);
    o->method = MDL_SIZE_BO;
    o->strategy = MDL_SIZE_COST;
    o->balanced_weight = 0.5;
}

void mdl_size_result_destroy(mdl_size_result *r)
{
    if (!r) return;
    free(r->points);
    free(r->sampled);
    free(r);
}

double mdl_size_result_lambda_cost(const mdl_size_result *r)
{
    double s = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->points[i].measured) s += r->points[i].total_usd;
    return s;
}

/* ---- the run's helpers for methods -------------------------------------- */

/* 18 batches: 12 that may add sizes, then 6 (CONFIRM_RESERVE) kept for
 * repeats; see adaptive_next. */
#define DEFAULT_BUDGET 18
#define DEFAULT_MAX_BATCHES 3
#define DEFAULT_WITHIN 0.01

const mdl_size_opts *mdl_size__opts(const mdl_size__run *run) { return run->o; }
size_t mdl_size__n_obs(const mdl_size__run *run) { return run->n_obs; }
const mdl_size__obs *mdl_size__obs_at(const mdl_size__run *run, size_t i) { return &run->obs[i]; }
bool mdl_size__is_sampled(const mdl_size__run *run, size_t gi) { return run->r->points[gi].measured; }

void mdl_size__set_noise(mdl_size__run *run, double sd) { run->r->noise_sd = sd; }

void mdl_size__stopped(mdl_size__run *run, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->r->stop, sizeof run->r->stop, fmt, ap);
    va_end(ap);
}

static int max_batches(const mdl_size_opts *o)
{
    if (o->noise_free) return 1;
    return o->max_batches > 0 ? o->max_batches : DEFAULT_MAX_BATCHES;
}

int mdl_size__budget_left(const mdl_size__run *run)
{
    int b = run->o->budget > 0 ? run->o->budget : DEFAULT_BUDGET;
    return b - (int)run->n_obs;
}

bool mdl_size__can_repeat(const mdl_size__run *run, size_t gi)
{
    const mdl_size_point *p = &run->r->points[gi];
    return p->measured && !p->failed && !run->exhausted[gi] && p->batches < max_batches(run->o);
}

long mdl_size__floor_index(const mdl_size__run *run)
{
    long f = -1;
    for (size_t i = 0; i < run->n_obs; i++)
        if (run->obs[i].failed && (long)run->obs[i].gi > f) f = (long)run->obs[i].gi;
    return f;
}

long mdl_size__min_ok_index(const mdl_size__run *run)
{
    for (size_t i = 0; i < run->r->n; i++)
        if (run->r->points[i].measured && !run->r->points[i].failed) return (long)i;
    return -1;
}

size_t mdl_size__floor_probe(const mdl_size__run *run, size_t cand)
{
    const mdl_size_opts *o = run->o;
    long fl = mdl_size__floor_index(run), ok = mdl_size__min_ok_index(run);
    if (fl < 0 || ok < 0 || (long)cand >= ok || (long)cand <= fl) return cand;
    double mid = 0.5 * (log(o->grid[fl]) + log(o->grid[ok]));
    size_t bi = cand;
    double bd = INFINITY;
    for (long i = fl + 1; i < ok; i++) {
        double d = fabs(log(o->grid[i]) - mid);
        if (d < bd) { bd = d; bi = (size_t)i; }
    }
    return bi;
}

/* Summarise every row read at a size, as Power Tuning does: trimmed means
 * of durations and prices, the total price, a 95% t-interval of the mean. */
static void summarise_point(const mdl_size_opts *o, mdl_size_point *p, const double *rows,
                            size_t n)
{
    double *d = sim_xmalloc(2 * n * sizeof *d);
    double *price = d + n;
    double total = 0, sum = 0, sum2 = 0;
    for (size_t i = 0; i < n; i++) {
        d[i] = rows[i];
        price[i] = o->cost_fn(o->cost_ctx, p->memory_mb, rows[i]);
        total += price[i];
        sum += rows[i];
        sum2 += rows[i] * rows[i];
    }
    p->invocations = (int)n;
    p->duration_ms = mdl_size_trimmed_mean(d, n);
    p->price_usd = mdl_size_trimmed_mean(price, n);
    p->total_usd = total;
    /* Band: a t-interval of the mean.  One row (a model) has no spread. */
    double half = 0;
    if (n > 1) {
        double mean = sum / (double)n;
        double var = fmax(0, (sum2 - (double)n * mean * mean) / (double)(n - 1));
        half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sqrt(var / (double)n);
    }
    p->duration_lo = fmax(0, p->duration_ms - half);
    p->duration_hi = p->duration_ms + half;
    p->price_lo = o->cost_fn(o->cost_ctx, p->memory_mb, p->duration_lo);
    p->price_hi = o->cost_fn(o->cost_ctx, p->memory_mb, p->duration_hi);
    free(d);
}

/* One batch's observation: its trimmed mean and the relative variance of
 * that mean from the batch's own spread (delta method). */
static void observe_batch(mdl_size__obs *ob, const double *rows, size_t n)
{
    double *d = sim_xmalloc(n * sizeof *d);
    double sum = 0, sum2 = 0;
    for (size_t i = 0; i < n; i++) {
        d[i] = rows[i];
        sum += rows[i];
        sum2 += rows[i] * rows[i];
    }
    ob->duration_ms = mdl_size_trimmed_mean(d, n);
    ob->var_log = 0;
    if (n > 1) {
        double mean = sum / (double)n;
        double var = fmax(0, (sum2 - (double)n * mean * mean) / (double)(n - 1));
        ob->var_log = var / (double)n / (ob->duration_ms * ob->duration_ms);
    }
    free(d);
}

sim_status mdl_size__sample(mdl_size__run *run, size_t gi, sim_error *err)
{
    mdl_size_result *r = run->r;
    SIM_ASSERT(gi < r->n && (!r->points[gi].measured || mdl_size__can_repeat(run, gi)));
    mdl_size_point *p = &r->points[gi];
    const double *rows = NULL;
    size_t n = 0;
    SIM_TRY(run->sample(run->sample_ctx, p->memory_mb, p->batches, &rows, &n, err));
    if (p->measured && n == 0) {
        run->exhausted[gi] = true;   /* a repeat found nothing more */
        return SIM_OK;
    }
    if (!p->measured) r->n_sampled++;
    p->measured = true;
    p->batches++;
    r->sampled[r->n_batches++] = p->memory_mb;
    if (run->n_obs == run->cap_obs) {
        run->cap_obs = run->cap_obs ? 2 * run->cap_obs : 16;
        run->obs = sim_xrealloc(run->obs, run->cap_obs * sizeof *run->obs);
    }
    mdl_size__obs *ob = &run->obs[run->n_obs++];
    *ob = (mdl_size__obs){.memory_mb = p->memory_mb, .gi = gi, .failed = n == 0};
    if (n == 0) {
        p->failed = true;
        return SIM_OK;
    }
    observe_batch(ob, rows, n);
    run->rows[gi] = sim_xrealloc(run->rows[gi], (run->n_rows[gi] + n) * sizeof **run->rows);
    memcpy(run->rows[gi] + run->n_rows[gi], rows, n * sizeof *rows);
    run->n_rows[gi] += n;
    summarise_point(run->o, p, run->rows[gi], run->n_rows[gi]);
    return SIM_OK;
}

void mdl_size__objective_affine(const mdl_size__run *run, size_t gi,
                                const double *ref_dur, double *a, double *b)
{
    const mdl_size_opts *o = run->o;
    int m = o->grid[gi];
    /* Price is affine in duration apart from the billing round-up:
     * A = the request fee, B = the price of one more ms. */
    double pa = o->cost_fn(o->cost_ctx, m, 0);
    double pb = (o->cost_fn(o->cost_ctx, m, 1e6) - pa) / 1e6;
    switch (o->strategy) {
    case MDL_SIZE_COST:
        *a = pa;
        *b = pb;
        return;
    case MDL_SIZE_SPEED:
        *a = 0;
        *b = 1;
        return;
    case MDL_SIZE_BALANCED: {
        double w = fmin(fmax(o->balanced_weight, 0.0), 1.0);
        double max_p = 0, max_d = 0;
        for (size_t i = 0; i < o->n_grid; i++) {
            if (!(ref_dur[i] > 0) || !isfinite(ref_dur[i])) continue;
            max_p = fmax(max_p, o->cost_fn(o->cost_ctx, o->grid[i], ref_dur[i]));
            max_d = fmax(max_d, ref_dur[i]);
        }
        if (max_p <= 0) max_p = 1;
        if (max_d <= 0) max_d = 1;
        *a = w * pa / max_p;
        *b = w * pb / max_p + (1 - w) / max_d;
        return;
    }
    }
}

static void objective_values(const mdl_size_point *pts, size_t n, size_t norm_from,
                             mdl_size_strategy s, double balanced_weight, double *g);

/* Probabilists' Gauss-Hermite rule, 5 nodes: E[f(Z)] for Z ~ N(0, 1). */
static const double k_gh_x[5] = {-2.856970013872806, -1.355626179974266, 0,
                                 1.355626179974266, 2.856970013872806};
static const double k_gh_w[5] = {0.011257411327721, 0.222075922005613, 0.533333333333333,
                                 0.222075922005613, 0.011257411327721};

/* The model's estimate of every size: the median duration exp(mu) and the
 * expected price over the duration's uncertainty (which also averages the
 * billing round-up, so a 1-ms step does not decide between two sizes).
 * Sizes at or below the largest failure, and failed ones, are marked
 * failed. */
static void estimate_points(const mdl_size__run *run, const double *mu, const double *sd,
                            mdl_size_point *est)
{
    const mdl_size_opts *o = run->o;
    long fl = mdl_size__floor_index(run);
    for (size_t i = 0; i < o->n_grid; i++) {
        mdl_size_point *e = &est[i];
        memset(e, 0, sizeof *e);
        e->memory_mb = o->grid[i];
        e->measured = run->r->points[i].measured;
        e->failed = (long)i <= fl || run->r->points[i].failed;
        if (e->failed) continue;
        e->duration_ms = exp(mu[i]);
        for (int k = 0; k < 5; k++)
            e->price_usd += k_gh_w[k] * o->cost_fn(o->cost_ctx, e->memory_mb, exp(mu[i] + sd[i] * k_gh_x[k]));
    }
}

double mdl_size__expected_saving(const mdl_size__run *run, const double *mu, const double *S,
                                 size_t *inc, long *arg, mdl_size__rival *rv)
{
    const mdl_size_opts *o = run->o;
    size_t ng = o->n_grid;
    long ok = mdl_size__min_ok_index(run);
    SIM_ASSERT(ok >= 0);
    double *ref = sim_xmalloc(4 * ng * sizeof *ref), *sd = ref + ng, *g = sd + ng, *kap = g + ng;
    mdl_size_point *est = sim_xmalloc(ng * sizeof *est);
    for (size_t i = 0; i < ng; i++) {
        ref[i] = exp(mu[i]);
        sd[i] = sqrt(S[i * ng + i]);
    }
    estimate_points(run, mu, sd, est);
    /* Balanced's maxima over the sizes known to run, as Power Tuning's
     * over the sizes it ran; a size in the floor gap is still compared. */
    objective_values(est, ng, (size_t)ok, o->strategy, o->balanced_weight, g);
    *inc = (size_t)ok;
    for (size_t i = 0; i < ng; i++) {
        double A, B;
        mdl_size__objective_affine(run, i, ref, &A, &B);
        kap[i] = B * ref[i] / (A + B * ref[i]);   /* d log g / d log duration */
        if ((long)i >= ok && g[i] < g[*inc]) *inc = i;
    }
    double emax = 0;
    size_t c = *inc;
    *arg = -1;
    /* A rival (a measured size: confirming repeats, it adds no size) beats
     * the incumbent by more than the interval's margin when
     * D < log(1 - within). */
    double margin = log(1 - run->r->within);
    rv->p = 0;
    rv->arg = -1;
    for (size_t j = 0; j < ng; j++) {
        if (j == c || !isfinite(g[j])) continue;
        double d = log(g[j] / g[c]);
        double var = kap[j] * kap[j] * S[j * ng + j] + kap[c] * kap[c] * S[c * ng + c] -
                     2 * kap[j] * kap[c] * S[j * ng + c];
        /* E[max(0, 1 - e^D)] for D ~ N(d, var), the log ratio of j's
         * objective to the incumbent's: the expected relative saving. */
        double sdv = sqrt(fmax(var, 1e-14));
        double e = gsl_cdf_ugaussian_P(-d / sdv) - exp(d + 0.5 * var) * gsl_cdf_ugaussian_P(-d / sdv - sdv);
        if (e > emax) {
            emax = e;
            *arg = (long)j;
        }
        double pj = mdl_size__is_sampled(run, j) ? gsl_cdf_ugaussian_P((margin - d) / sdv) : 0;
        if (pj > rv->p) {
            rv->p = pj;
            rv->arg = (long)j;
        }
    }
    free(ref);
    free(est);
    return emax;
}

/* E[max(best - (A + B e^Z), 0)], Z ~ N(mu, sd^2): improvement happens for
 * Z < z* = log((best - A)/B); the log-normal partial expectation gives
 * (best - A) Phi(u) - B e^(mu + sd^2/2) Phi(u - sd), u = (z* - mu)/sd. */
static double expected_improvement(double best, double A, double B, double mu, double sd)
{
    if (best <= A || B <= 0) return 0;
    if (sd < 1e-9) return fmax(best - (A + B * exp(mu)), 0);
    double u = (log((best - A) / B) - mu) / sd;
    double ei = (best - A) * gsl_cdf_ugaussian_P(u) - B * exp(mu + 0.5 * sd * sd) * gsl_cdf_ugaussian_P(u - sd);
    return fmax(ei, 0);
}

long mdl_size__next_aei(const mdl_size__run *run, const double *mu, const double *S, double sn2,
                        bool repeats_only)
{
    const mdl_size_opts *o = mdl_size__opts(run);
    size_t ng = o->n_grid;
    double *ref = sim_xmalloc(ng * sizeof *ref);
    for (size_t i = 0; i < ng; i++) ref[i] = exp(mu[i]);
    long fl = mdl_size__floor_index(run);
    /* Best: the posterior mean objective over the sizes that ran. */
    double best = INFINITY;
    for (size_t i = 0; i < ng; i++) {
        if (!mdl_size__is_sampled(run, i) || (long)i <= fl) continue;
        double A, B;
        mdl_size__objective_affine(run, i, ref, &A, &B);
        best = fmin(best, A + B * exp(mu[i]));
    }
    long arg = -1;
    double max_aei = 0;
    for (size_t i = (size_t)(fl + 1); i < ng; i++) {
        if (mdl_size__is_sampled(run, i) ? !mdl_size__can_repeat(run, i) : repeats_only) continue;
        double A, B, s2 = S[i * ng + i];
        mdl_size__objective_affine(run, i, ref, &A, &B);
        double aei = expected_improvement(best, A, B, mu[i], sqrt(s2)) *
                     (1 - sqrt(sn2 / (s2 + sn2)));
        if (aei > max_aei) {
            max_aei = aei;
            arg = (long)i;
        }
    }
    free(ref);
    return arg < 0 ? -1 : (long)mdl_size__floor_probe(run, (size_t)arg);
}

size_t mdl_size__spread(const mdl_size__run *run, size_t k, size_t *idx)
{
    const mdl_size_opts *o = run->o;
    double l0 = log(o->grid[0]), l1 = log(o->grid[o->n_grid - 1]);
    size_t n = 0;
    for (size_t j = 0; j < k; j++) {
        double target = k > 1 ? l0 + (l1 - l0) * (double)j / (double)(k - 1) : l0;
        size_t bi = 0;
        double bd = INFINITY;
        for (size_t i = 0; i < o->n_grid; i++) {
            double d = fabs(log(o->grid[i]) - target);
            if (d < bd) { bd = d; bi = i; }
        }
        bool dup = false;
        for (size_t q = 0; q < n; q++) dup |= idx[q] == bi;
        if (!dup) idx[n++] = bi;
    }
    return n;
}

/* The strategy's objective at every point (INFINITY where pick skips it),
 * the quantity mdl_size_pick minimises (before its tie rules); balanced's
 * maxima are taken over the points from norm_from on. */
static void objective_values(const mdl_size_point *pts, size_t n, size_t norm_from,
                             mdl_size_strategy s, double balanced_weight, double *g)
{
    double w = fmin(fmax(balanced_weight, 0.0), 1.0);
    if (isnan(balanced_weight)) w = 0.5;
    double max_p = -INFINITY, max_d = -INFINITY;
    for (size_t i = norm_from; i < n; i++) {
        if (!pick_candidate(&pts[i])) continue;
        max_p = fmax(max_p, pts[i].price_usd);
        max_d = fmax(max_d, pts[i].duration_ms);
    }
    for (size_t i = 0; i < n; i++) {
        const mdl_size_point *p = &pts[i];
        if (!pick_candidate(p)) g[i] = INFINITY;
        else if (s == MDL_SIZE_COST) g[i] = p->price_usd;
        else if (s == MDL_SIZE_SPEED) g[i] = p->duration_ms;
        else g[i] = w * p->price_usd / max_p + (1 - w) * p->duration_ms / max_d;
    }
}

/* Pick on pts and set the interval: the contiguous run of sizes around the
 * pick whose objective is within r->within of the pick's. */
static void pick_with_interval(mdl_size_result *r, const mdl_size_point *pts)
{
    r->best = mdl_size_pick(pts, r->n, r->strategy, r->balanced_weight);
    if (r->best < 0) return;
    double *g = sim_xmalloc(r->n * sizeof *g);
    objective_values(pts, r->n, 0, r->strategy, r->balanced_weight, g);
    double lim = g[r->best] * (1 + r->within);
    long lo = r->best, hi = r->best;
    while (lo > 0 && g[lo - 1] <= lim) lo--;
    while (hi + 1 < (long)r->n && g[hi + 1] <= lim) hi++;
    r->within_lo_mb = r->points[lo].memory_mb;
    r->within_hi_mb = r->points[hi].memory_mb;
    free(g);
}

void mdl_size__finish(mdl_size__run *run, const mdl_size__pred *p, const char *model)
{
    mdl_size_result *r = run->r;
    const mdl_size_opts *o = run->o;
    snprintf(r->model, sizeof r->model, "%s", model);
    long fl = mdl_size__floor_index(run);
    for (size_t i = 0; i < r->n; i++) {
        mdl_size_point *pt = &r->points[i];
        if (pt->measured) continue;
        /* A size below a measured out-of-memory failure fails too. */
        if ((long)i < fl) {
            pt->failed = true;
            continue;
        }
        if (!p) continue;
        pt->duration_ms = exp(p->mu[i]);
        pt->duration_lo = exp(p->mu[i] - 1.96 * p->sd[i]);
        pt->duration_hi = exp(p->mu[i] + 1.96 * p->sd[i]);
        pt->price_usd = o->cost_fn(o->cost_ctx, pt->memory_mb, pt->duration_ms);
        pt->price_lo = o->cost_fn(o->cost_ctx, pt->memory_mb, pt->duration_lo);
        pt->price_hi = o->cost_fn(o->cost_ctx, pt->memory_mb, pt->duration_hi);
    }
    /* Recommend only sizes known to run: nothing below the smallest size
     * that was measured to succeed (between it and a failure lies the
     * unknown memory floor). */
    long min_ok = mdl_size__min_ok_index(run);
    if (min_ok < 0) {
        r->best = -1;
        return;
    }
    mdl_size_point *tmp = sim_xmalloc(r->n * sizeof *tmp);
    if (p) {
        /* A model's estimate at a sampled size pools its neighbours and is
         * steadier than that size's own noisy summary, so the pick uses
         * the model everywhere (expected prices, see estimate_points). */
        estimate_points(run, p->mu, p->sd, tmp);
    } else {
        memcpy(tmp, r->points, r->n * sizeof *tmp);
    }
    for (long i = 0; i < min_ok; i++) tmp[i].failed = true;
    pick_with_interval(r, tmp);
    free(tmp);
}

/* Confirming the pick: while a measured rival may still beat the
 * incumbent by more than the interval's margin, the less certain of the two
 * (posterior variance) is measured again, so that one lucky batch does not
 * decide; repeats add no size.  -1 when neither can be repeated. */
static long confirm_next(const mdl_size__run *run, const double *S, size_t inc, long rival)
{
    size_t ng = run->o->n_grid, r = (size_t)rival;
    bool ci = mdl_size__can_repeat(run, inc), cr = mdl_size__can_repeat(run, r);
    if (ci && cr) return S[inc * ng + inc] >= S[r * ng + r] ? (long)inc : (long)r;
    return ci ? (long)inc : cr ? (long)r : -1;
}

/* The last third of the budget (CONFIRM_RESERVE_DIV) only repeats sizes
 * already measured: a wrong pick on noisy data is mostly a size whose one
 * or two batches came in several percent off, and repeats there add no size
 * (a noise-free source has nothing to repeat: it stops at the first two
 * thirds). */
#define CONFIRM_RESERVE_DIV 3
static int confirm_reserve(const mdl_size__run *run)
{
    int b = run->o->budget > 0 ? run->o->budget : DEFAULT_BUDGET;
    return b / CONFIRM_RESERVE_DIV;
}

/* A batch of the pick or of its closest measured rival (the measured size
 * most likely to beat it) is not taken at its word: before stopping, each
 * has MDL_SIZE__CONFIRM_BATCHES batches (if the source has them), so that
 * one batch several percent off cannot decide alone. */
static long confirm_batches(const mdl_size__run *run, size_t inc, long rival)
{
    const mdl_size_point *p = run->r->points;
    if (p[inc].batches < MDL_SIZE__CONFIRM_BATCHES && mdl_size__can_repeat(run, inc))
        return (long)inc;
    if (rival >= 0 && p[rival].batches < MDL_SIZE__CONFIRM_BATCHES &&
        mdl_size__can_repeat(run, (size_t)rival))
        return rival;
    return -1;
}

/* One step of the shared loop: the next grid index, or -1 to stop (the
 * reason recorded).  Until the stopping rule is first met and while the
 * budget has more than its reserve left, the augmented-EI choice may be a
 * new size; after that only repeats (and the unsampled pick itself, while
 * a new size is allowed). */
static long adaptive_next(mdl_size__run *run, const mdl_size__surrogate *sur, const double *mu,
                          const double *S, double sn2, int budget)
{
    const mdl_size_opts *o = run->o;
    double saving = o->stop_saving > 0 ? o->stop_saving : MDL_SIZE__STOP_SAVING;
    size_t inc;
    long arg, next;
    mdl_size__rival rv;
    double e = mdl_size__expected_saving(run, mu, S, &inc, &arg, &rv);
    int explore = mdl_size__budget_left(run) - confirm_reserve(run);
    if (e < saving) run->confirming = true;
    /* Measure the recommendation before recommending it: at once, once the
     * rule is met, or with the last batch that may add a size. */
    if (!mdl_size__is_sampled(run, inc) && explore > 0 &&
        (sur->optimum_first || e < saving || explore == 1))
        next = (long)inc;
    else if (e >= saving)
        next = mdl_size__next_aei(run, mu, S, sn2, explore <= 0 || run->confirming);
    else if (rv.p >= MDL_SIZE__RIVAL_P && (next = confirm_next(run, S, inc, rv.arg)) >= 0)
        ;
    else if ((next = confirm_batches(run, inc, rv.arg)) >= 0)
        ;
    else {
        if (rv.p >= MDL_SIZE__RIVAL_P)
            mdl_size__stopped(run, "no size is expected to save %.2f%%; %d MB may beat the pick "
                              "by %.0f%% (p %.2f), no batch left there", 100 * saving,
                              o->grid[rv.arg], 100 * run->r->within, rv.p);
        else
            mdl_size__stopped(run, "no size is expected to save %.2f%% or more", 100 * saving);
        return -1;
    }
    if (mdl_size__budget_left(run) <= 0) {
        mdl_size__stopped(run, "budget of %d batches spent", budget);
        return -1;
    }
    if (next < 0 && explore <= 0)
        mdl_size__stopped(run, "no size may be added after %d batches, none is left to repeat",
                          budget - confirm_reserve(run));
    else if (next < 0 && run->confirming)
        mdl_size__stopped(run, "no size left to repeat once the stopping rule was met");
    else if (next < 0)
        mdl_size__stopped(run, "no size left to sample");
    return next;
}

/* A size whose whole record has been read (the source has no more rows
 * there, or the source is a noise-free model) is known as well as it will
 * ever be: its estimate is its measurement, with no uncertainty left
 * (the row and column of S are zeroed, which keeps S positive
 * semi-definite).  Smoothing can only move such a size away from its
 * record, e.g. a table of exact per-size medians. */
static void pin_complete(const mdl_size__run *run, double *mu, double *S)
{
    size_t ng = run->o->n_grid;
    for (size_t i = 0; i < ng; i++) {
        const mdl_size_point *p = &run->r->points[i];
        if (!p->measured || p->failed || !(run->exhausted[i] || run->o->noise_free)) continue;
        mu[i] = log(p->duration_ms);
        for (size_t j = 0; j < ng; j++) S[i * ng + j] = S[j * ng + i] = 0;
        S[i * ng + i] = 1e-12;
    }
}

sim_status mdl_size__adaptive(mdl_size__run *run, mdl_size__surrogate *sur, sim_error *err)
{
    const mdl_size_opts *o = run->o;
    size_t ng = o->n_grid;
    int budget = mdl_size__budget_left(run);
    size_t *idx = sim_xcalloc(ng, sizeof *idx);
    double *mu = sim_xcalloc(2 * ng, sizeof *mu), *sd = mu + ng;
    double *S = sim_xcalloc(ng * ng, sizeof *S);
    double sn2 = 0;
    sim_status st = SIM_OK;
    size_t k = o->n_init > 0 ? (size_t)o->n_init : (size_t)sur->n_init;
    size_t ni = mdl_size__spread(run, k < (size_t)budget ? k : (size_t)budget, idx);
    for (size_t i = 0; i < ni && st == SIM_OK; i++) st = mdl_size__sample(run, idx[i], err);
    bool have = false, refit = true;
    while (st == SIM_OK) {
        /* The spread includes the largest size: if nothing ran, none does.
         * A repeat that found no more rows added no data: the fit stands
         * (only that size is now pinned), where a refit would cost a GP fit
         * each (an oracle read whole: 5 refits, 3x the CPU of `size`). */
        if (refit)
            have = mdl_size__min_ok_index(run) >= 0 && sur->update(sur->ctx, run, mu, S, &sn2);
        if (!have) {
            mdl_size__stopped(run, "every size sampled failed");
            break;
        }
        pin_complete(run, mu, S);
        long next = adaptive_next(run, sur, mu, S, sn2, budget);
        if (next < 0) break;
        size_t batches = run->r->n_batches;
        st = mdl_size__sample(run, (size_t)next, err);
        refit = run->r->n_batches != batches;
    }
    if (st == SIM_OK && have && sur->final) {
        sur->final(sur->ctx, run, mu, S);
        pin_complete(run, mu, S);
    }
    if (st == SIM_OK) {
        for (size_t i = 0; i < ng; i++) sd[i] = sqrt(S[i * ng + i]);
        mdl_size__pred p = {mu, sd};
        mdl_size__finish(run, have ? &p : NULL, sur->model);
    }
    free(idx);
    free(mu);
    free(S);
    return st;
}

/* ---- the run ------------------------------------------------------------ */

static sim_status exhaustive(mdl_size__run *run, sim_error *err)
{
    for (size_t i = 0; i < run->o->n_grid; i++) SIM_TRY(mdl_size__sample(run, i, err));
    mdl_size__stopped(run, "every size sampled");
    mdl_size__finish(run, NULL, "measured");
    return SIM_OK;
}

static sim_status check_grid(const mdl_size_opts *o, sim_error *err)
{
    if (o->n_grid < 2)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "grid",
                 "the memory grid needs at least 2 sizes (got %zu)", o->n_grid);
    for (size_t i = 0; i < o->n_grid; i++) {
        if (o->grid[i] < MDL_SIZE_MIN_MB || o->grid[i] > MDL_SIZE_MAX_MB)
            SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "grid",
                     "memory size %d MB is outside Lambda's %d-%d MB", o->grid[i],
                     MDL_SIZE_MIN_MB, MDL_SIZE_MAX_MB);
        if (i > 0 && o->grid[i] <= o->grid[i - 1])
            SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "grid", "memory sizes must increase");
    }
    return SIM_OK;
}

static mdl_size_result *result_new(const mdl_size_opts *o)
{
    mdl_size_result *r = sim_xcalloc(1, sizeof *r);
    r->method = o->method;
    r->strategy = o->strategy;
    r->balanced_weight = o->balanced_weight;
    r->n = o->n_grid;
    r->points = sim_xcalloc(o->n_grid, sizeof *r->points);
    /* Exhaustive samples each size once; the others stop at the budget. */
    size_t cap = o->method == MDL_SIZE_EXHAUSTIVE ? o->n_grid
               : (size_t)(o->budget > 0 ? o->budget : DEFAULT_BUDGET);
    r->sampled = sim_xcalloc(cap, sizeof *r->sampled);
    r->best = -1;
    r->within = o->within > 0 ? o->within : DEFAULT_WITHIN;
    r->noise_sd = NAN;
    for (size_t i = 0; i < o->n_grid; i++) r->points[i].memory_mb = o->grid[i];
    return r;
}

sim_status mdl_size_run(const mdl_size_opts *o, mdl_size_sample_fn sample,
                        void *sample_ctx, mdl_size_result **out, sim_error *err)
{
    *out = NULL;
    SIM_TRY(check_grid(o, err));
    SIM_ASSERT(o->cost_fn != NULL);
    mdl_size_result *r = result_new(o);
    mdl_size__run run = {.o = o, .sample = sample, .sample_ctx = sample_ctx, .r = r};
    run.rows = sim_xcalloc(o->n_grid, sizeof *run.rows);
    run.n_rows = sim_xcalloc(o->n_grid, sizeof *run.n_rows);
    run.exhausted = sim_xcalloc(o->n_grid, sizeof *run.exhausted);
    sim_status st = SIM_OK;
    switch (o->method) {
    case MDL_SIZE_EXHAUSTIVE: st = exhaustive(&run, err); break;
    case MDL_SIZE_BO: st = mdl_size__bo(&run, err); break;
    case MDL_SIZE_PARAMETRIC: st = mdl_size__parametric(&run, err); break;
    }
    for (size_t i = 0; i < o->n_grid; i++) free(run.rows[i]);
    free(run.rows);
    free(run.n_rows);
    free(run.exhausted);
    free(run.obs);
    if (st != SIM_OK) {
        mdl_size_result_destroy(r);
        return st;
    }
    *out = r;
    return SIM_OK;
}

/* ---- visualization URL ------------------------------------------------- */

static const char k_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *mdl_size_base64_encode(const unsigned char *data, size_t n)
{
    char *s = sim_xmalloc(4 * ((n + 2) / 3) + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < n) v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < n) v |= data[i + 2];
        s[j++] = k_b64[(v >> 18) & 63];
        s[j++] = k_b64[(v >> 12) & 63];
        s[j++] = i + 1 < n ? k_b64[(v >> 6) & 63] : '=';
        s[j++] = i + 2 < n ? k_b64[v & 63] : '=';
    }
    s[j] = '\0';
    return s;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(k_b64, c) : NULL;
    return p ? (int)(p - k_b64) : -1;
}

unsigned char *mdl_size_base64_decode(const char *text, size_t len, size_t *n)
{
    if (len % 4 != 0) return NULL;
    unsigned char *out = sim_xmalloc(len / 4 * 3 + 1);
    size_t j = 0;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            char c = text[i + k];
            if (c == '=' && i + 4 == len && k >= 2) {
                v[k] = 0;
                pad++;
            } else if (pad || (v[k] = b64_value(c)) < 0) {
                free(out);
                return NULL;
            }
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        out[j++] = (unsigned char)(w >> 16);
        if (pad < 2) out[j++] = (unsigned char)(w >> 8);
        if (pad < 1) out[j++] = (unsigned char)w;
    }
    *n = j;
    return out;
}

static void put_le16(unsigned char *p, int16_t v)
{
    uint16_t u = (uint16_t)v;
    p[0] = (unsigned char)(u & 0xff);
    p[1] = (unsigned char)(u >> 8);
}

static void put_le_f32(unsigned char *p, double v)
{
    float f = (float)v;
    uint32_t u;
    memcpy(&u, &f, 4);
    for (int k = 0; k < 4; k++) p[k] = (unsigned char)(u >> (8 * k));
}

char *mdl_size_visualization_url(const mdl_size_point *pts, size_t n)
{
    unsigned char *pw = sim_xmalloc(2 * n + 1), *du = sim_xmalloc(4 * n + 1),
                  *co = sim_xmalloc(4 * n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!pts[i].measured || !pick_candidate(&pts[i])) continue;
        put_le16(pw + 2 * k, (int16_t)pts[i].memory_mb);
        put_le_f32(du + 4 * k, pts[i].duration_ms);
        put_le_f32(co + 4 * k, pts[i].price_usd);
        k++;
    }
    char *a = mdl_size_base64_encode(pw, 2 * k);
    char *b = mdl_size_base64_encode(du, 4 * k);
    char *c = mdl_size_base64_encode(co, 4 * k);
    static const char base[] = "https://lambda-power-tuning.show/#";
    size_t len = strlen(base) + strlen(a) + strlen(b) + strlen(c) + 3;
    char *url = sim_xmalloc(len);
    snprintf(url, len, "%s%s;%s;%s", base, a, b, c);
    free(pw);
    free(du);
    free(co);
    free(a);
    free(b);
    free(c);
    return url;
}
