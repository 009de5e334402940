/* mdl_size_fit.c - Parrotfish-style parametric sizing.
 *
 * Design.  Three three-parameter duration families are fitted to the
 * sampled batches with GSL's gsl_multifit_nlinear (trust region,
 * Levenberg-Marquardt), on log(duration) so that every batch weighs by its
 * relative error:
 *  - "exp":       t(m) = a0 + a1 exp(-m / a2)   (Parrotfish, SoCC'23)
 *  - "cpu-share": t(m) = a0 + a1 * 1769 / min(m, 1769) + a2 * 1769 / m
 *    (README "Reference facts", Lambda: limits: I/O time a0, single-threaded CPU work a1 that stops
 *    speeding up at one vCPU, and parallel work a2 that keeps scaling with
 *    the share: Amdahl's law under the CPU-share law);
 *  - "power":     t(m) = a0 + a1 (m / 1024)^-a2  (a free slope: steeper than
 *    1/m where memory pressure (GC, paging) slows small sizes, flatter where
 *    I/O overlaps the work).
 * Parameters are fitted as logarithms so they stay positive.  Each family
 * is fitted from several starts; the family with the smallest residual wins
 * (cpu-share, the physical law, unless another is 0.1% better).  The
 * prediction's covariance on the grid comes from the fit's covariance
 * (gsl_multifit_nlinear_covar) by the delta method, scaled by the residual
 * variance, floored by what a batch's noise is known to be (an exact fit
 * through three noisy points is not a certain one).
 *
 * Sampling: 5 sizes spread in log(memory); then the predicted optimum while
 * it is unsampled (measure where the model says the answer is, as
 * Parrotfish measures its pick), else augmented EI under the fit's
 * posterior (mdl_size__next_aei, repeats included).  The stopping rule is
 * bo's (mdl_size__expected_saving): the fit is this method's surrogate.
 * Out-of-memory gaps are bisected as in mdl_size_bo.c.
 */
#include "models/sizing/mdl_size_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>

#define FIT_DEFAULT_INIT 5
/* Most variance of a fitted log duration: sd 0.5, a factor 1.65 either way. */
#define FIT_MAX_VAR 0.25

typedef enum { FAM_EXP, FAM_CPU, FAM_POW, FAM_COUNT } fit_family;

static const char *const k_family_names[FAM_COUNT] = {"exp", "cpu-share", "power"};

typedef struct fit_data {
    fit_family fam;
    size_t n;
    const double *m, *logt;
} fit_data;

static double model_eval(fit_family fam, const double *p, double m)
{
    double a0 = exp(p[0]), a1 = exp(p[1]), a2 = exp(p[2]);
    if (fam == FAM_EXP) return a0 + a1 * exp(-m / a2);
    if (fam == FAM_POW) return a0 + a1 * pow(m / 1024.0, -a2);
    return a0 + a1 * 1769.0 / fmin(m, 1769.0) + a2 * 1769.0 / m;
}

static int fit_f(const gsl_vector *x, void *params, gsl_vector *f)
{
    const fit_data *d = params;
    double p[3] = {gsl_vector_get(x, 0), gsl_vector_get(x, 1), gsl_vector_get(x, 2)};
    for (size_t i = 0; i < d->n; i++) {
        double v = model_eval(d->fam, p, d->m[i]);
        gsl_vector_set(f, i, (v > 0 && isfinite(v) ? log(v) : 1e3) - d->logt[i]);
    }
    return GSL_SUCCESS;
}

typedef struct fit_result {
    fit_family fam;
    double p[3];
    double ssr;
    double cov[9];
    bool ok;
} fit_result;

/* One fit from one start in a caller-owned workspace (allocated once per
 * family, reused by every start); returns false when GSL fails. */
static bool fit_once(fit_data *d, gsl_multifit_nlinear_workspace *w, gsl_matrix *cov,
                     const double *p0, fit_result *out)
{
    const size_t np = 3;
    gsl_multifit_nlinear_fdf fdf = {.f = fit_f, .df = NULL, .fvv = NULL,
                                    .n = d->n, .p = np, .params = d};
    gsl_vector_const_view x0 = gsl_vector_const_view_array(p0, np);
    if (gsl_multifit_nlinear_init(&x0.vector, &fdf, w) != GSL_SUCCESS) return false;
    int info;
    /* GSL_EMAXITER still leaves the best point so far, so the status is
     * not a failure here; the residual decides. */
    (void)gsl_multifit_nlinear_driver(200, 1e-8, 1e-8, 1e-8, NULL, NULL, &info, w);
    gsl_vector *f = gsl_multifit_nlinear_residual(w);
    gsl_vector *x = gsl_multifit_nlinear_position(w);
    double ssr;
    gsl_blas_ddot(f, f, &ssr);
    if (!isfinite(ssr)) return false;
    out->ok = true;
    out->fam = d->fam;
    out->ssr = ssr;
    for (size_t i = 0; i < np; i++) out->p[i] = gsl_vector_get(x, i);
    if (gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 1e-10, cov) != GSL_SUCCESS)
        gsl_matrix_set_zero(cov);
    for (size_t i = 0; i < np; i++)
        for (size_t j = 0; j < np; j++) out->cov[i * np + j] = gsl_matrix_get(cov, i, j);
    return true;
}

/* Best of several starts for a family. */
static fit_result fit_family_best(fit_family fam, size_t n, const double *m, const double *logt)
{
    fit_data d = {fam, n, m, logt};
    double tmin = INFINITY, tmax = 0, mmin = INFINITY;
    for (size_t i = 0; i < n; i++) {
        tmin = fmin(tmin, exp(logt[i]));
        tmax = fmax(tmax, exp(logt[i]));
        mmin = fmin(mmin, m[i]);
    }
    fit_result best = {.ok = false, .ssr = INFINITY};
    gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, n, 3);
    gsl_matrix *cov = gsl_matrix_alloc(3, 3);
    static const double scales[] = {150, 400, 1000, 3000};
    static const double par[] = {0.02, 0.3, 0.7, 0.98};
    static const double io_frac[] = {0.02, 0.3, 0.8};
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 3; b++) {
            double p0[3];
            double a0 = fmax(tmin * io_frac[b], 1e-3);
            if (fam == FAM_EXP) {
                double a1 = fmax(tmax - a0, 1e-3) * exp(mmin / scales[a]);
                p0[0] = log(a0);
                p0[1] = log(a1);
                p0[2] = log(scales[a]);
            } else if (fam == FAM_POW) {
                double slope = 0.5 * (double)(a + 1);   /* 0.5 .. 2 */
                p0[0] = log(a0);
                p0[1] = log(fmax(tmax - a0, 1e-3) * pow(mmin / 1024.0, slope));
                p0[2] = log(slope);
            } else {
                double work = fmax(tmax - a0, 1e-3) * mmin / 1769.0;
                p0[0] = log(a0);
                p0[1] = log(work * (1 - par[a]));
                p0[2] = log(work * par[a]);
            }
            fit_result r = {.ok = false};
            if (fit_once(&d, w, cov, p0, &r) && r.ssr < best.ssr) best = r;
        }
    gsl_multifit_nlinear_free(w);
    gsl_matrix_free(cov);
    return best;
}

/* Fallback predictions when fewer than 3 sizes ran.  With none, nothing
 * is known; with 1 or 2, the CPU-share law through the sampled sizes' mean
 * work: log t = w - beta log(min(m, 1769)/1769), beta = 1, with the level w
 * and the slope beta both uncertain by 0.5 (so sizes differ uncertainly). */
static const char *fit_fallback(const mdl_size_opts *o, size_t n, const double *m,
                                const double *lt, double *mu, double *S)
{
    size_t ng = o->n_grid;
    double w = 0;
    for (size_t i = 0; i < n; i++) w += lt[i] + log(fmin(m[i], 1769) / 1769);
    w /= (double)(n ? n : 1);
    for (size_t i = 0; i < ng; i++) mu[i] = n ? w - log(fmin(o->grid[i], 1769) / 1769.0) : 0;
    for (size_t i = 0; S && i < ng; i++)
        for (size_t j = 0; j < ng; j++) {
            double ui = log(fmin(o->grid[i], 1769) / 1769.0), uj = log(fmin(o->grid[j], 1769) / 1769.0);
            S[i * ng + j] = n ? 0.25 + 0.25 * ui * uj + (i == j ? 1e-6 : 0) : (i == j ? 100 : 0);
        }
    return n ? "cpu-share-prior" : "none";
}

/* Mean and delta-method covariance of a fit on the grid: S = s2 J C J^T,
 * J the gradient of log t in the (log) parameters, C = (J^T J)^-1. */
static void fit_grid(const mdl_size_opts *o, const fit_result *f, double s2, double *mu,
                     double *S)
{
    size_t ng = o->n_grid;
    double *J = sim_xmalloc(3 * ng * sizeof *J);
    for (size_t i = 0; i < ng; i++) {
        double mm = o->grid[i];
        mu[i] = log(fmax(model_eval(f->fam, f->p, mm), 1e-9));
        for (int k = 0; k < 3; k++) {
            double q[3] = {f->p[0], f->p[1], f->p[2]};
            q[k] += 1e-5;
            J[3 * i + k] = (log(fmax(model_eval(f->fam, q, mm), 1e-9)) - mu[i]) / 1e-5;
        }
    }
    for (size_t i = 0; S && i < ng; i++)
        for (size_t j = 0; j <= i; j++) {
            double v = 0;
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) v += J[3 * i + a] * f->cov[a * 3 + b] * J[3 * j + b];
            S[i * ng + j] = S[j * ng + i] = isfinite(v) ? v * s2 : (i == j ? FIT_MAX_VAR : 0);
        }
    /* The delta method is a linearisation: where it claims more than
     * FIT_MAX_VAR the fit is simply unidentified, so scale those rows and
     * columns down to it (D S D keeps S positive semi-definite). */
    for (size_t i = 0; S && i < ng; i++) J[i] = fmin(1, sqrt(FIT_MAX_VAR / fmax(S[i * ng + i], 1e-300)));
    for (size_t i = 0; S && i < ng; i++)
        for (size_t j = 0; j < ng; j++) S[i * ng + j] *= J[i] * J[j];
    for (size_t i = 0; S && i < ng; i++) S[i * ng + i] += 1e-8;
    free(J);
}

/* Fit both families on the successful batches and predict the grid (also
 * the GP's prior mean in mdl_size_bo.c). */
const char *mdl_size__fit_predict(const mdl_size__run *run, double nugget2, double *mu, double *S)
{
    const mdl_size_opts *o = mdl_size__opts(run);
    size_t nobs = mdl_size__n_obs(run), n = 0;
    double *m = sim_xcalloc(2 * nobs + 2, sizeof *m), *lt = m + nobs + 1;
    double noise = 0;
    for (size_t i = 0; i < nobs; i++) {
        const mdl_size__obs *ob = mdl_size__obs_at(run, i);
        if (ob->failed) continue;
        m[n] = ob->memory_mb;
        lt[n] = log(ob->duration_ms);
        noise += ob->var_log;
        n++;
    }
    const char *name;
    if (n < 3) {
        name = fit_fallback(o, n, m, lt, mu, S);
    } else {
        /* The smallest residual wins; cpu-share, the physical law, unless
         * another family is clearly (0.1%) better. */
        fit_result f = fit_family_best(FAM_CPU, n, m, lt);
        for (int fam = 0; fam < FAM_COUNT; fam++) {
            if (fam == FAM_CPU) continue;
            fit_result c = fit_family_best((fit_family)fam, n, m, lt);
            if (c.ok && (!f.ok || c.ssr < f.ssr * 0.999)) f = c;
        }
        name = k_family_names[f.fam];
        /* Residual variance, floored by what one batch's noise is known to
         * be: an exact fit through 3 points is not a certain one. */
        double s2 = n > 3 ? f.ssr / (double)(n - 3) : 0;
        s2 = fmax(s2, fmax(noise / (double)n + nugget2, 1e-4));
        fit_grid(o, &f, s2, mu, S);
    }
    free(m);
    return name;
}

/* The surrogate's update: the fit, its noise floor one batch's prior
 * noise (none for a noise-free source). */
static bool fit_update(void *ctx, const mdl_size__run *run, double *mu, double *S, double *sn2)
{
    mdl_size__surrogate *sur = ctx;
    *sn2 = mdl_size__opts(run)->noise_free ? 0 : MDL_SIZE__NOISE_PRIOR_SD * MDL_SIZE__NOISE_PRIOR_SD;
    sur->model = mdl_size__fit_predict(run, *sn2, mu, S);
    return true;
}

sim_status mdl_size__parametric(mdl_size__run *run, sim_error *err)
{
    mdl_size__surrogate sur = {.model = "none", .n_init = FIT_DEFAULT_INIT, .optimum_first = true,
                               .update = fit_update};
    sur.ctx = &sur;
    return mdl_size__adaptive(run, &sur, err);
}
