/* mdl_size_bo.c - COSE-style Bayesian optimisation of the memory size.
 *
 * Design.  The surrogate is a Gaussian process on x = log2(memory) and
 * y = log(duration): the CPU-share law makes duration a power law of memory
 * (slope -1 up to a knee, then flat), which is smooth in those coordinates,
 * and a log-normal duration keeps every prediction and band positive.  The
 * price is never learned: the caller's cost model turns a duration into a
 * price exactly, so the GP only has to learn what is unknown.
 *
 * The prior mean is a constant (COSE), or optionally the parametric fit of
 * mdl_size_fit.c (bo_parametric_mean).
 *
 * Kernel: Matérn 5/2 plus white noise (COSE's bayes_opt surrogate), with each
 * sampled size's own measured noise (variance of its mean) added on the
 * diagonal.  Hyperparameters (signal variance, length scale, noise) maximise
 * the log marginal likelihood over a log-spaced grid, each candidate scored
 * through a GSL Cholesky factorisation; a grid rather than gradient ascent
 * because with 3-10 points the likelihood is flat and multi-modal, and a grid
 * is deterministic.  Targets are standardised (normalize_y in COSE).
 *
 * Acquisition: Expected Improvement of the strategy's objective over the
 * discrete grid.  Every strategy's objective is affine in duration at a given
 * size (g = A + B d), and d = exp(Z) with Z ~ N(mu, sd^2), so EI has the
 * closed form of a log-normal partial expectation (below).  Initial sizes are
 * spread evenly in log(memory).  Stop when the largest EI falls below a
 * relative threshold of the best objective, or at the budget.
 *
 * Out-of-memory sizes: a failure says every smaller size fails too (a memory
 * floor).  Sizes at or below a failure are never candidates; when EI points
 * into the unknown gap between the largest failure and the smallest success,
 * the gap's log-midpoint is sampled instead (bisection), so a floor costs
 * O(log gap) samples rather than one per grid step.
 */
#include "models/sizing/mdl_size_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>

#define BO_DEFAULT_INIT 4
/* COSE: "EI threshold 0.05" (README "Reference facts", Sizing). */
#define BO_DEFAULT_EI 0.05

/* Hyperparameter grid (standardised targets, x in log2 MB). */
static const double k_len[] = {0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 2.8, 4.0, 5.6, 8.0};
static const double k_sf2[] = {0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4};
static const double k_sn2[] = {1e-4, 1e-3, 1e-2, 3e-2, 1e-1};

typedef struct gp_ws {
    size_t cap;          /* max points */
    double *x, *y, *v;   /* inputs, standardised targets, measured noise */
    size_t n;
    const double *prior; /* prior mean of log(duration) per grid size, or NULL */
    double ymean, ysd;
    double len, sf2, sn2;
    gsl_matrix *K;       /* cap x cap, Cholesky factor after fit */
    gsl_vector *alpha, *kv, *tmp;
} gp_ws;

static void gp_ws_init(gp_ws *g, size_t cap)
{
    memset(g, 0, sizeof *g);
    g->cap = cap;
    g->x = sim_xcalloc(3 * cap, sizeof *g->x);
    g->y = g->x + cap;
    g->v = g->y + cap;
    g->K = gsl_matrix_alloc(cap, cap);
    g->alpha = gsl_vector_alloc(cap);
    g->kv = gsl_vector_alloc(cap);
    g->tmp = gsl_vector_alloc(cap);
}

static void gp_ws_fini(gp_ws *g)
{
    free(g->x);
    gsl_matrix_free(g->K);
    gsl_vector_free(g->alpha);
    gsl_vector_free(g->kv);
    gsl_vector_free(g->tmp);
}

static double matern52(double r, double len, double sf2)
{
    double s = sqrt(5.0) * fabs(r) / len;
    return sf2 * (1 + s + s * s / 3) * exp(-s);
}

/* Factor K(len, sf2, sn2) into g->K (lower) and solve alpha; returns the
 * log marginal likelihood, or -inf when K is not positive definite. */
static double gp_factor(gp_ws *g, double len, double sf2, double sn2)
{
    size_t n = g->n;
    gsl_matrix_view K = gsl_matrix_submatrix(g->K, 0, 0, n, n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++) {
            double k = matern52(g->x[i] - g->x[j], len, sf2);
            if (i == j) k += sn2 + g->v[i];
            gsl_matrix_set(&K.matrix, i, j, k);
            gsl_matrix_set(&K.matrix, j, i, k);
        }
    if (gsl_linalg_cholesky_decomp1(&K.matrix) != 0) return -INFINITY;
    gsl_vector_view a = gsl_vector_subvector(g->alpha, 0, n);
    gsl_vector_const_view y = gsl_vector_const_view_array(g->y, n);
    if (gsl_linalg_cholesky_solve(&K.matrix, &y.vector, &a.vector) != 0) return -INFINITY;
    double fit = 0, logdet = 0;
    for (size_t i = 0; i < n; i++) {
        fit += g->y[i] * gsl_vector_get(&a.vector, i);
        logdet += log(gsl_matrix_get(&K.matrix, i, i));
    }
    return -0.5 * fit - logdet - 0.5 * (double)n * log(2 * M_PI);
}

/* Fit on the successful observations: standardise, pick hyperparameters by
 * maximum marginal likelihood, leave the winner factored. */
static void gp_fit(gp_ws *g, const mdl_size__run *run)
{
    g->n = 0;
    for (size_t i = 0; i < mdl_size__n_obs(run); i++) {
        const mdl_size__obs *ob = mdl_size__obs_at(run, i);
        if (ob->failed) continue;
        g->x[g->n] = log2(ob->memory_mb);
        g->y[g->n] = log(ob->duration_ms);
        if (g->prior) g->y[g->n] -= g->prior[mdl_size__obs_grid_index(run, i)];
        g->v[g->n] = ob->var_log;
        g->n++;
    }
    size_t n = g->n;
    double m = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) m += g->y[i];
    m /= (double)(n ? n : 1);
    for (size_t i = 0; i < n; i++) s2 += (g->y[i] - m) * (g->y[i] - m);
    double sd = n > 1 ? sqrt(s2 / (double)(n - 1)) : 0;
    /* A floor on the scale keeps a flat curve from inflating its noise. */
    g->ymean = m;
    g->ysd = fmax(sd, 0.05);
    for (size_t i = 0; i < n; i++) {
        g->y[i] = (g->y[i] - m) / g->ysd;
        g->v[i] /= g->ysd * g->ysd;
    }
    double best = -INFINITY;
    for (size_t a = 0; a < sizeof k_len / sizeof *k_len; a++)
        for (size_t b = 0; b < sizeof k_sf2 / sizeof *k_sf2; b++)
            for (size_t c = 0; c < sizeof k_sn2 / sizeof *k_sn2; c++) {
                double ll = gp_factor(g, k_len[a], k_sf2[b], k_sn2[c]);
                if (ll > best) {
                    best = ll;
                    g->len = k_len[a];
                    g->sf2 = k_sf2[b];
                    g->sn2 = k_sn2[c];
                }
            }
    double ll = gp_factor(g, g->len, g->sf2, g->sn2);
    SIM_ASSERT(isfinite(ll) || n == 0);
}

/* Latent (noise-free) posterior of log(duration) at memory m. */
static void gp_predict(gp_ws *g, size_t gi, double memory_mb, double *mu, double *sd)
{
    size_t n = g->n;
    double base = g->prior ? g->prior[gi] : 0;
    if (n == 0) {
        *mu = 0;
        *sd = 10;
        return;
    }
    double x = log2(memory_mb);
    gsl_vector_view kv = gsl_vector_subvector(g->kv, 0, n);
    for (size_t i = 0; i < n; i++) gsl_vector_set(&kv.vector, i, matern52(x - g->x[i], g->len, g->sf2));
    gsl_vector_view a = gsl_vector_subvector(g->alpha, 0, n);
    double f;
    gsl_blas_ddot(&kv.vector, &a.vector, &f);
    gsl_matrix_view L = gsl_matrix_submatrix(g->K, 0, 0, n, n);
    gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, &L.matrix, &kv.vector);
    double vv;
    gsl_blas_ddot(&kv.vector, &kv.vector, &vv);
    double var = fmax(g->sf2 - vv, 1e-12);
    *mu = base + g->ymean + g->ysd * f;
    *sd = g->ysd * sqrt(var);
}

/* E[max(best - (A + B e^Z), 0)], Z ~ N(mu, sd^2): improvement happens for
 * Z < z* = log((best - A)/B); integrating the log-normal partial expectation
 * gives (best - A) Phi(u) - B e^(mu + sd^2/2) Phi(u - sd), u = (z* - mu)/sd. */
static double expected_improvement(double best, double A, double B, double mu, double sd)
{
    if (best <= A || B <= 0) return 0;
    if (sd < 1e-9) return fmax(best - (A + B * exp(mu)), 0);
    double u = (log((best - A) / B) - mu) / sd;
    double ei = (best - A) * gsl_cdf_ugaussian_P(u) - B * exp(mu + 0.5 * sd * sd) * gsl_cdf_ugaussian_P(u - sd);
    return fmax(ei, 0);
}

sim_status mdl_size__bo(mdl_size__run *run, sim_error *err)
{
    const mdl_size_opts *o = mdl_size__opts(run);
    size_t ng = o->n_grid;
    int budget = mdl_size__budget(run);
    size_t k = o->n_init > 0 ? (size_t)o->n_init : BO_DEFAULT_INIT;
    if (k > (size_t)budget) k = (size_t)budget;
    double thr = o->ei_threshold > 0 ? o->ei_threshold : BO_DEFAULT_EI;

    size_t *idx = sim_xcalloc(ng, sizeof *idx);
    double *mu = sim_xcalloc(4 * ng, sizeof *mu);
    double *sd = mu + ng, *ref = sd + ng, *prior = ref + ng;
    gp_ws g;
    gp_ws_init(&g, (size_t)budget);
    sim_status st = SIM_OK;

    size_t ni = mdl_size__spread(run, k, idx);
    for (size_t i = 0; i < ni && st == SIM_OK; i++) st = mdl_size__sample(run, idx[i], err);

    while (st == SIM_OK) {
        /* Optional prior mean: the parametric fit once three sizes ran, so
         * the GP only learns what the CPU-share law and Parrotfish's curve
         * miss.  It sharpens the knee at 1769 MB, which a stationary kernel
         * rounds off (balanced strategy), at a small cost in cost-strategy
         * regret on the synthetic suite, so it is off by default. */
        size_t n_ok = 0;
        for (size_t j = 0; j < mdl_size__n_obs(run); j++) n_ok += !mdl_size__obs_at(run, j)->failed;
        g.prior = NULL;
        if (o->bo_parametric_mean && n_ok >= 3) {
            (void)mdl_size__fit_predict(run, prior, sd);
            g.prior = prior;
        }
        gp_fit(&g, run);
        for (size_t i = 0; i < ng; i++) {
            gp_predict(&g, i, o->grid[i], &mu[i], &sd[i]);
            ref[i] = exp(mu[i]);
        }
        if (mdl_size__n_obs(run) >= (size_t)budget || g.n == 0) break;
        long fl = mdl_size__floor_index(run);
        long min_ok = -1;
        for (size_t i = 0; i < ng && min_ok < 0; i++)
            if (mdl_size__is_sampled(run, i) && (long)i > fl) min_ok = (long)i;
        /* Best objective so far: the posterior mean at sampled sizes, which
         * is steadier than any single noisy summary. */
        double best = INFINITY;
        for (size_t j = 0; j < mdl_size__n_obs(run); j++) {
            const mdl_size__obs *ob = mdl_size__obs_at(run, j);
            if (ob->failed) continue;
            size_t gi = mdl_size__obs_grid_index(run, j);
            double A, B;
            mdl_size__objective_affine(run, gi, ref, &A, &B);
            best = fmin(best, A + B * ref[gi]);
        }
        double max_ei = 0;
        long arg = -1;
        for (size_t i = (size_t)(fl + 1); i < ng; i++) {
            if (mdl_size__is_sampled(run, i)) continue;
            double A, B;
            mdl_size__objective_affine(run, i, ref, &A, &B);
            double ei = expected_improvement(best, A, B, mu[i], sd[i]);
            if (ei > max_ei) {
                max_ei = ei;
                arg = (long)i;
            }
        }
        if (arg < 0 || max_ei < thr * fabs(best)) break;
        if (min_ok >= 0 && arg < min_ok && fl >= 0) {
            /* Inside the unknown floor gap: bisect it in log(memory). */
            double mid = 0.5 * (log(o->grid[fl]) + log(o->grid[min_ok]));
            long bi = -1;
            double bd = INFINITY;
            for (long i = fl + 1; i < min_ok; i++) {
                double d = fabs(log(o->grid[i]) - mid);
                if (d < bd) { bd = d; bi = i; }
            }
            if (bi >= 0) arg = bi;
        }
        st = mdl_size__sample(run, (size_t)arg, err);
    }
    if (st == SIM_OK) {
        mdl_size__pred p = {mu, sd};
        mdl_size__finish(run, &p, "gp-matern52");
    }
    gp_ws_fini(&g);
    free(idx);
    free(mu);
    return st;
}
