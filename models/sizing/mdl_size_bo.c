/* mdl_size_bo.c - noise-aware Bayesian optimisation of the memory size
 * (COSE's GP + EI, made to hold on real, noisy measurements).
 *
 * Surrogate.  A Gaussian process on x = log2(memory), y = log(batch mean
 * duration): the CPU-share law makes duration a power law of memory (slope
 * -1 up to a knee, then flat), smooth in those coordinates, and log-normal
 * durations keep every prediction positive.  The GP models the residual
 * from a prior mean: the parametric fit of mdl_size_fit.c (monotone-ish:
 * I/O + serial + parallel work, or an exponential decay), the caller's
 * performance model (opts.prior_ms), or a constant (COSE,
 * opts.bo_constant_mean).  The price is never learned: the cost model turns
 * a duration into a price exactly.
 *
 * Noise.  Measured durations wander from size to size by +-5-10% with no
 * trend, more than one batch's own spread shows (issue 18).  Each batch is
 * one observation with noise variance nugget + its own within-batch
 * variance; the nugget (a batch's extra noise), the signal variance and the
 * length scale of the Matern 5/2 kernel maximise the log marginal likelihood
 * plus a weak log-normal prior on the nugget (median NUGGET_PRIOR_SD: with 4
 * to 10 points the likelihood alone cannot tell noise from signal), over a
 * log-spaced grid (deterministic; each candidate one GSL Cholesky).
 *
 * Acquisition.  Augmented Expected Improvement (Huang et al. 2006, the
 * standard for noisy BO): EI of the strategy's objective under the latent
 * posterior, in closed form (the objective is affine in a log-normal
 * duration), times 1 - sqrt(nugget / (s^2 + nugget)), which discounts sizes
 * whose estimate is already as sharp as one more batch could make it.  A
 * sampled size is a candidate again (a repeat, up to opts.max_batches):
 * repeats happen where the noise estimate says they pay.
 *
 * Stopping.  Not at a fixed count, nor when EI is small relative to the
 * best value measured (noise keeps that high): sampling stops when no size's
 * expected saving relative to the recommendation's objective,
 * E[max(0, 1 - g_j / g_rec)] under the joint posterior, reaches
 * opts.stop_saving (0.5%) (mdl_size__expected_saving), the
 * recommendation has been measured, no measured rival may still beat it
 * by more than 1% with probability MDL_SIZE__RIVAL_P (else the less certain
 * of the two is measured again), and the pick and its closest rival have two
 * batches each; or at the budget, whose last third only repeats sizes.  Once
 * the rule has been met no new size is added but the pick (mdl_size.c,
 * adaptive_next).
 *
 * Recommendation.  The last posterior of the fit-mean GP is averaged with a
 * constant-mean GP's (bo_final, weight BO_CONST_WEIGHT): the parametric
 * family extrapolates a knee or a memory floor with more confidence than it
 * deserves, and where the two models disagree the mixture hedges between
 * them.  Sizes whose record is complete keep their measurement
 * (mdl_size.c, pin_complete).
 *
 * Initial design: 5 sizes evenly spread in log(memory) (COSE used 4; a
 * fifth resolves knees at 512-2048 MB on Power Tuning's 46-size grid).
 *
 * Out-of-memory sizes: a failure says every smaller size fails too (a memory
 * floor); sizes at or below it are never candidates, and a candidate in the
 * unknown gap above it is replaced by the gap's log-midpoint (bisection).
 */
#include "models/sizing/mdl_size_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#define BO_DEFAULT_INIT 5
#define NUGGET_PRIOR_SD MDL_SIZE__NOISE_PRIOR_SD /* median of the nugget prior */
#define NUGGET_PRIOR_LOGSD 2.0                   /* its spread, log units (tuning set) */
/* The constant-mean model's weight in the recommendation (bo_final): chosen
 * on the noisy suite's tuning set (0, 0.25, 0.5 tried). */
#define BO_CONST_WEIGHT 0.25

/* Hyperparameter grid: length scale (log2 MB), signal sd and nugget sd (log
 * duration units). */
static const double k_len[] = {0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.5};
static const double k_sf[] = {0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28};
static const double k_sn[] = {0.001, 0.005, 0.01, 0.02, 0.03, 0.045, 0.065, 0.09, 0.13};

typedef struct gp {
    size_t cap, n;
    double *x, *y, *v;   /* inputs, residuals from the prior mean, within-batch variance */
    double ybar;         /* constant mean of the residuals */
    double len, sf2, sn2;
    gsl_matrix *L;       /* cap x cap: Cholesky factor after gp_fit */
    gsl_vector *alpha;
} gp;

static void gp_init(gp *g, size_t cap)
{
    memset(g, 0, sizeof *g);
    g->cap = cap;
    g->x = sim_xcalloc(3 * cap, sizeof *g->x);
    g->y = g->x + cap;
    g->v = g->y + cap;
    g->L = gsl_matrix_alloc(cap, cap);
    g->alpha = gsl_vector_alloc(cap);
}

static void gp_fini(gp *g)
{
    free(g->x);
    gsl_matrix_free(g->L);
    gsl_vector_free(g->alpha);
}

static double matern52(double r, double len, double sf2)
{
    double s = sqrt(5.0) * fabs(r) / len;
    return sf2 * (1 + s + s * s / 3) * exp(-s);
}

/* Factor K into g->L and solve alpha; the log marginal likelihood, or -inf
 * when K is not positive definite. */
static double gp_factor(gp *g, double len, double sf2, double sn2)
{
    size_t n = g->n;
    gsl_matrix_view K = gsl_matrix_submatrix(g->L, 0, 0, n, n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++) {
            double k = matern52(g->x[i] - g->x[j], len, sf2);
            if (i == j) k += sn2 + g->v[i];
            gsl_matrix_set(&K.matrix, i, j, k);
            gsl_matrix_set(&K.matrix, j, i, k);
        }
    if (gsl_linalg_cholesky_decomp1(&K.matrix) != 0) return -INFINITY;
    gsl_vector_view a = gsl_vector_subvector(g->alpha, 0, n);
    double *yc = sim_xmalloc(n * sizeof *yc);
    for (size_t i = 0; i < n; i++) yc[i] = g->y[i] - g->ybar;
    gsl_vector_view y = gsl_vector_view_array(yc, n);
    int rc = gsl_linalg_cholesky_solve(&K.matrix, &y.vector, &a.vector);
    double fit = 0, logdet = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        fit += yc[i] * gsl_vector_get(&a.vector, i);
        logdet += log(gsl_matrix_get(&K.matrix, i, i));
    }
    free(yc);
    if (rc != 0) return -INFINITY;
    return -0.5 * fit - logdet - 0.5 * (double)n * log(2 * M_PI);
}

/* The successful batches as residuals from the prior mean (NULL: none). */
static void gp_data(gp *g, const mdl_size__run *run, const double *prior)
{
    g->n = 0;
    double s = 0;
    for (size_t i = 0; i < mdl_size__n_obs(run); i++) {
        const mdl_size__obs *ob = mdl_size__obs_at(run, i);
        if (ob->failed) continue;
        SIM_ASSERT(g->n < g->cap);
        g->x[g->n] = log2(ob->memory_mb);
        g->y[g->n] = log(ob->duration_ms) - (prior ? prior[ob->gi] : 0);
        g->v[g->n] = ob->var_log;
        s += g->y[g->n];
        g->n++;
    }
    g->ybar = g->n ? s / (double)g->n : 0;
}

/* Maximum a posteriori hyperparameters over the grid (maximum likelihood
 * for a noise-free source); leaves the winner factored.  Returns false when
 * no candidate factors (n == 0). */
static bool gp_fit(gp *g, bool noise_free)
{
    if (g->n == 0) return false;
    double best = -INFINITY;
    for (size_t a = 0; a < sizeof k_len / sizeof *k_len; a++)
        for (size_t b = 0; b < sizeof k_sf / sizeof *k_sf; b++)
            for (size_t c = 0; c < sizeof k_sn / sizeof *k_sn; c++) {
                double sf2 = k_sf[b] * k_sf[b], sn2 = k_sn[c] * k_sn[c];
                double z = log(k_sn[c] / NUGGET_PRIOR_SD) / NUGGET_PRIOR_LOGSD;
                double lp = gp_factor(g, k_len[a], sf2, sn2) - (noise_free ? 0 : 0.5 * z * z);
                if (lp > best) {
                    best = lp;
                    g->len = k_len[a];
                    g->sf2 = sf2;
                    g->sn2 = sn2;
                }
            }
    if (!isfinite(best)) return false;
    return isfinite(gp_factor(g, g->len, g->sf2, g->sn2));
}

/* Latent posterior on the grid: mean mu (log duration, prior added back)
 * and covariance S (ng x ng, row-major).  V is n x ng scratch. */
static void gp_posterior(const gp *g, const int *grid, size_t ng, const double *prior,
                         double *mu, double *S, double *V)
{
    size_t n = g->n;
    gsl_matrix_const_view L = gsl_matrix_const_submatrix(g->L, 0, 0, n, n);
    gsl_vector_const_view a = gsl_vector_const_subvector(g->alpha, 0, n);
    for (size_t j = 0; j < ng; j++) {
        double xj = log2(grid[j]), f = 0;
        for (size_t i = 0; i < n; i++) {
            double k = matern52(xj - g->x[i], g->len, g->sf2);
            V[i * ng + j] = k;
            f += k * gsl_vector_get(&a.vector, i);
        }
        mu[j] = (prior ? prior[j] : 0) + g->ybar + f;
    }
    /* V <- L^-1 K(x, grid); S = K(grid, grid) - V^T V. */
    gsl_matrix_view Vm = gsl_matrix_view_array(V, n, ng);
    gsl_blas_dtrsm(CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, 1.0, &L.matrix, &Vm.matrix);
    for (size_t j = 0; j < ng; j++)
        for (size_t k = 0; k <= j; k++) {
            double s = matern52(log2(grid[j]) - log2(grid[k]), g->len, g->sf2);
            for (size_t i = 0; i < n; i++) s -= V[i * ng + j] * V[i * ng + k];
            if (j == k) s = fmax(s, 1e-12);
            S[j * ng + k] = S[k * ng + j] = s;
        }
}

typedef struct bo_ws {
    gp g;
    double *prior, *Sfit, *V;
    double *mk, *Sk;     /* bo_final's second model: mean and covariance */
} bo_ws;

/* The prior mean of log(duration) on the grid for this iteration, and its
 * own uncertainty in w->Sfit (0 for a given or constant mean: a common
 * offset is the GP's mean, and the stopping rule compares sizes, in which
 * a common offset cancels).  NULL for a constant mean. */
static const double *prior_mean(const mdl_size__run *run, bo_ws *w)
{
    const mdl_size_opts *o = mdl_size__opts(run);
    size_t ng = o->n_grid;
    memset(w->Sfit, 0, ng * ng * sizeof *w->Sfit);
    if (o->prior_ms) {
        for (size_t i = 0; i < ng; i++) w->prior[i] = log(fmax(o->prior_ms[i], 1e-9));
        return w->prior;
    }
    if (o->bo_constant_mean) return NULL;
    double nug = w->g.sn2 > 0 ? w->g.sn2 : o->noise_free ? 0 : NUGGET_PRIOR_SD * NUGGET_PRIOR_SD;
    (void)mdl_size__fit_predict(run, nug, w->prior, w->Sfit);
    return w->prior;
}

/* The surrogate's update: refit and predict.  The covariance adds the prior
 * mean's own (a parametric fit through a few noisy points is not certain)
 * to the GP's. */
static bool bo_update(void *ctx, const mdl_size__run *run, double *mu, double *S, double *sn2)
{
    bo_ws *w = ctx;
    const mdl_size_opts *o = mdl_size__opts(run);
    size_t ng = o->n_grid;
    const double *prior = prior_mean(run, w);
    gp_data(&w->g, run, prior);
    if (!gp_fit(&w->g, o->noise_free)) return false;
    gp_posterior(&w->g, o->grid, ng, prior, mu, S, w->V);
    for (size_t i = 0; i < ng * ng; i++) S[i] += w->Sfit[i];
    *sn2 = w->g.sn2;
    if (!o->noise_free) mdl_size__set_noise((mdl_size__run *)run, sqrt(w->g.sn2));
    return true;
}

/* The surrogate's final revision: the recommendation averages two models
 * of the curve, the GP around the parametric fit (the update's) and the GP
 * around a constant (COSE's), with weight BO_CONST_WEIGHT on the latter.
 * The fit extrapolates a knee or a memory floor from a few batches with
 * more confidence than its family deserves; where the two disagree the
 * mixture's mean moves between them and its covariance widens by their
 * spread (moments of the mixture).  Sampling is left to the fit's GP. */
static void bo_final(void *ctx, const mdl_size__run *run, double *mu, double *S)
{
    bo_ws *w = ctx;
    const mdl_size_opts *o = mdl_size__opts(run);
    size_t ng = o->n_grid;
    if (o->prior_ms || o->bo_constant_mean) return;
    gp_data(&w->g, run, NULL);
    if (!gp_fit(&w->g, o->noise_free)) return;
    gp_posterior(&w->g, o->grid, ng, NULL, w->mk, w->Sk, w->V);
    const double a = BO_CONST_WEIGHT, b = 1 - a;
    for (size_t i = 0; i < ng; i++)
        for (size_t j = 0; j < ng; j++) {
            double m1i = mu[i], m1j = mu[j], m0i = w->mk[i], m0j = w->mk[j];
            double mi = b * m1i + a * m0i, mj = b * m1j + a * m0j;
            S[i * ng + j] = b * (S[i * ng + j] + m1i * m1j) + a * (w->Sk[i * ng + j] + m0i * m0j) -
                            mi * mj;
        }
    for (size_t i = 0; i < ng; i++) mu[i] = b * mu[i] + a * w->mk[i];
}

sim_status mdl_size__bo(mdl_size__run *run, sim_error *err)
{
    const mdl_size_opts *o = mdl_size__opts(run);
    size_t ng = o->n_grid, cap = (size_t)mdl_size__budget_left(run);
    bo_ws w;
    gp_init(&w.g, cap);
    w.prior = sim_xcalloc(ng + ng * ng, sizeof *w.prior);
    w.Sfit = w.prior + ng;
    w.V = sim_xcalloc(cap * ng, sizeof *w.V);
    w.mk = sim_xcalloc(ng + ng * ng, sizeof *w.mk);
    w.Sk = w.mk + ng;
    mdl_size__surrogate sur = {.model = "gp-matern52", .n_init = BO_DEFAULT_INIT,
                               .optimum_first = false, .update = bo_update, .ctx = &w};
    sur.final = bo_final;
    sim_status st = mdl_size__adaptive(run, &sur, err);
    gp_fini(&w.g);
    free(w.prior);
    free(w.V);
    free(w.mk);
    return st;
}
