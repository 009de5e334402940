/* sim_rng.c - stream seeding and distribution sampling. */
#include "sim/sim_rng.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

uint64_t sim_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t sim_stream_id(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h;
}

unsigned long sim_stream_seed(uint64_t seed, uint64_t replication, uint64_t stream_id)
{
    uint64_t x = sim_mix64(seed);
    x = sim_mix64(x ^ replication);
    x = sim_mix64(x ^ stream_id);
    uint32_t s = (uint32_t)(x ^ (x >> 32));
    return s ? s : 0x6a09e667u; /* taus2 treats 0 as "default seed" */
}

gsl_rng *sim_rng_create_id(uint64_t seed, uint64_t replication, uint64_t stream_id)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!r) {
        fprintf(stderr, "lambdasim: out of memory allocating an RNG\n");
        abort();
    }
    gsl_rng_set(r, sim_stream_seed(seed, replication, stream_id));
    return r;
}

gsl_rng *sim_rng_create(uint64_t seed, uint64_t replication, const char *name)
{
    return sim_rng_create_id(seed, replication, sim_stream_id(name));
}

/* ---- distributions ------------------------------------------------------ */

static const char *const k_dist_names[SIM_DIST_COUNT] = {
#define SIM__DIST_NAME(name, str) str,
    SIM_DIST_LIST(SIM__DIST_NAME)
#undef SIM__DIST_NAME
};

const char *sim_dist_name(sim_dist_type t)
{
    return (t < SIM_DIST_COUNT) ? k_dist_names[t] : "?";
}

static void dist_reset(sim_dist *d, sim_dist_type t)
{
    memset(d, 0, sizeof *d);
    d->type = t;
}

sim_status sim_dist_deterministic(sim_dist *d, double value)
{
    if (!(value >= 0) || !isfinite(value)) return SIM_ERANGE;
    dist_reset(d, SIM_DIST_DETERMINISTIC);
    d->a = value;
    return SIM_OK;
}

sim_status sim_dist_exponential(sim_dist *d, double mean)
{
    if (!(mean > 0) || !isfinite(mean)) return SIM_ERANGE;
    dist_reset(d, SIM_DIST_EXPONENTIAL);
    d->a = mean;
    return SIM_OK;
}

sim_status sim_dist_uniform(sim_dist *d, double lo, double hi)
{
    if (!(lo >= 0) || !(hi >= lo) || !isfinite(hi)) return SIM_ERANGE;
    dist_reset(d, SIM_DIST_UNIFORM);
    d->a = lo;
    d->b = hi;
    return SIM_OK;
}

sim_status sim_dist_normal(sim_dist *d, double mean, double sd)
{
    if (!(mean > 0) || !(sd >= 0) || !isfinite(mean) || !isfinite(sd)) return SIM_ERANGE;
    dist_reset(d, SIM_DIST_NORMAL);
    d->a = mean;
    d->b = sd;
    return SIM_OK;
}

sim_status sim_dist_lognormal_mean_cv(sim_dist *d, double mean, double cv)
{
    if (!(mean > 0) || !(cv > 0) || !isfinite(mean) || !isfinite(cv)) return SIM_ERANGE;
    dist_reset(d, SIM_DIST_LOGNORMAL);
    double s2 = log1p(cv * cv);
    d->b = sqrt(s2);
    d->a = log(mean) - 0.5 * s2;
    return SIM_OK;
}

sim_status sim_dist_gamma_mean_cv(sim_dist *d, double mean, double cv)
{
    if (!(mean > 0) || !(cv > 0) || !isfinite(mean) || !isfinite(cv)) return SIM_ERANGE;
    dist_reset(d, SIM_DIST_GAMMA);
    d->a = 1.0 / (cv * cv);   /* shape */
    d->b = mean / d->a;       /* scale */
    return SIM_OK;
}

sim_status sim_dist_weibull(sim_dist *d, double shape, double scale)
{
    if (!(shape > 0) || !(scale > 0) || !isfinite(shape) || !isfinite(scale)) return SIM_ERANGE;
    dist_reset(d, SIM_DIST_WEIBULL);
    d->a = shape;
    d->b = scale;
    return SIM_OK;
}

sim_status sim_dist_pareto(sim_dist *d, double alpha, double xm)
{
    if (!(alpha > 0) || !(xm > 0) || !isfinite(alpha) || !isfinite(xm)) return SIM_ERANGE;
    dist_reset(d, SIM_DIST_PARETO);
    d->a = alpha;
    d->b = xm;
    return SIM_OK;
}

/* Balanced means (Whitt 1982): p1*m1 = p2*m2, matching mean and cv. */
sim_status sim_dist_hyperexp_mean_cv(sim_dist *d, double mean, double cv)
{
    if (!(mean > 0) || !(cv >= 1) || !isfinite(mean) || !isfinite(cv)) return SIM_ERANGE;
    dist_reset(d, SIM_DIST_HYPEREXP);
    double c2 = cv * cv;
    double p1 = 0.5 * (1.0 + sqrt((c2 - 1.0) / (c2 + 1.0)));
    d->n = 2;
    d->probs = malloc(2 * sizeof(double));
    d->vals = malloc(2 * sizeof(double));
    if (!d->probs || !d->vals) abort();
    d->probs[0] = p1;
    d->probs[1] = 1.0 - p1;
    d->vals[0] = mean / (2.0 * p1);
    d->vals[1] = mean / (2.0 * (1.0 - p1));
    return SIM_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

sim_status sim_dist_empirical(sim_dist *d, const double *samples, size_t n)
{
    if (n == 0) return SIM_EMISSING;
    for (size_t i = 0; i < n; i++)
        if (!(samples[i] >= 0) || !isfinite(samples[i])) return SIM_ERANGE;
    dist_reset(d, SIM_DIST_EMPIRICAL);
    d->n = n;
    d->vals = sim_xmalloc(n * sizeof(double));
    memcpy(d->vals, samples, n * sizeof(double));
    qsort(d->vals, n, sizeof(double), cmp_double);
    return SIM_OK;
}

sim_status sim_dist_percentiles(sim_dist *d, const double *probs,
                                const double *vals, size_t n)
{
    if (n == 0) return SIM_EMISSING;
    for (size_t i = 0; i < n; i++) {
        if (!(probs[i] >= 0 && probs[i] <= 1) || !(vals[i] >= 0) || !isfinite(vals[i]))
            return SIM_ERANGE;
        if (i && (!(probs[i] > probs[i - 1]) || vals[i] < vals[i - 1]))
            return SIM_ERANGE;
    }
    dist_reset(d, SIM_DIST_PERCENTILES);
    d->n = n;
    d->probs = sim_xmalloc(n * sizeof(double));
    d->vals = sim_xmalloc(n * sizeof(double));
    memcpy(d->probs, probs, n * sizeof(double));
    memcpy(d->vals, vals, n * sizeof(double));
    return SIM_OK;
}

void sim_dist_copy(sim_dist *dst, const sim_dist *src)
{
    *dst = *src;
    if (src->probs) {
        dst->probs = sim_xmalloc(src->n * sizeof(double));
        memcpy(dst->probs, src->probs, src->n * sizeof(double));
    }
    if (src->vals) {
        dst->vals = sim_xmalloc(src->n * sizeof(double));
        memcpy(dst->vals, src->vals, src->n * sizeof(double));
    }
}

void sim_dist_fini(sim_dist *d)
{
    if (!d) return;
    free(d->probs);
    free(d->vals);
    d->probs = d->vals = NULL;
    d->n = 0;
}

double sim_rng_lognormal(const gsl_rng *r, double zeta, double sigma)
{
    /* GSL's randist/lognormal.c, line for line, so the numbers are its:
     * a point (u, v) uniform in the unit disc by rejection (Marsaglia's
     * polar method), u * sqrt(-2 ln r2 / r2) standard normal. */
    double u, v, r2;
    do {
        u = -1 + 2 * sim_rng_uniform(r);
        v = -1 + 2 * sim_rng_uniform(r);
        r2 = u * u + v * v;
    } while (r2 > 1.0 || r2 == 0);
    double normal = u * sqrt(-2.0 * log(r2) / r2);
    return exp(sigma * normal + zeta);
}

/* Piecewise-linear inverse CDF through (probs[i], vals[i]).  Up to this
 * many points a scan of them all is cheaper than a bisection. */
#define PERCENTILE_SCAN_MAX 16
static double percentile_inv(const sim_dist *d, double u)
{
    const double *p = d->probs, *v = d->vals;
    size_t n = d->n;
    if (u <= p[0]) return v[0];
    if (u >= p[n - 1]) return v[n - 1];
    size_t lo = 0, hi = n - 1;       /* p[lo] < u <= p[hi] */
    if (n <= PERCENTILE_SCAN_MAX) {
        /* lo = the last p[k] < u: counted without branches (p is sorted),
         * where a bisection's branches mispredict at random u (an Azure
         * trace's 7 percentiles per draw: 15 % of a day's run, perf). */
        size_t below = 0;
        for (size_t k = 0; k < n; k++) below += p[k] < u;
        lo = below - 1;
        hi = below;
    } else {
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (p[mid] < u) lo = mid; else hi = mid;
        }
    }
    double f = (u - p[lo]) / (p[hi] - p[lo]);
    return v[lo] + f * (v[hi] - v[lo]);
}

double sim_dist_sample(const sim_dist *d, gsl_rng *r)
{
    switch (d->type) {
    case SIM_DIST_DETERMINISTIC: return d->a;
    case SIM_DIST_EXPONENTIAL:
        /* -mean*log(u) with u in (0,1]: gsl_rng_uniform_pos excludes 0. */
        return -d->a * log(sim_rng_uniform_pos(r));
    case SIM_DIST_UNIFORM: return d->a + (d->b - d->a) * sim_rng_uniform(r);
    case SIM_DIST_NORMAL: {
        /* Durations cannot be negative: redraw (a truncated normal). */
        for (int i = 0; i < 1000; i++) {
            double x = d->a + gsl_ran_gaussian_ziggurat(r, d->b);
            if (x >= 0) return x;
        }
        return 0.0;
    }
    case SIM_DIST_LOGNORMAL: return sim_rng_lognormal(r, d->a, d->b);
    case SIM_DIST_GAMMA: return gsl_ran_gamma(r, d->a, d->b);
    case SIM_DIST_WEIBULL: return gsl_ran_weibull(r, d->b, d->a);
    case SIM_DIST_PARETO: return gsl_ran_pareto(r, d->a, d->b);
    case SIM_DIST_HYPEREXP: {
        double u = sim_rng_uniform(r), acc = 0;
        size_t i = 0;
        for (; i + 1 < d->n; i++) {
            acc += d->probs[i];
            if (u < acc) break;
        }
        return -d->vals[i] * log(sim_rng_uniform_pos(r));
    }
    case SIM_DIST_EMPIRICAL:
        return d->vals[gsl_rng_uniform_int(r, d->n)];
    case SIM_DIST_PERCENTILES:
        return percentile_inv(d, sim_rng_uniform(r));
    case SIM_DIST_COUNT: break;
    }
    SIM_ASSERT(!"unknown distribution");
    return 0;
}

double sim_dist_mean(const sim_dist *d)
{
    switch (d->type) {
    case SIM_DIST_DETERMINISTIC: return d->a;
    case SIM_DIST_EXPONENTIAL: return d->a;
    case SIM_DIST_UNIFORM: return 0.5 * (d->a + d->b);
    case SIM_DIST_NORMAL: {
        /* Mean of the normal truncated at 0. */
        if (d->b == 0) return d->a;
        double al = -d->a / d->b;
        double phi = exp(-0.5 * al * al) / 2.5066282746310002;
        double Z = 0.5 * erfc(al / sqrt(2.0));
        return d->a + d->b * phi / Z;
    }
    case SIM_DIST_LOGNORMAL: return exp(d->a + 0.5 * d->b * d->b);
    case SIM_DIST_GAMMA: return d->a * d->b;
    case SIM_DIST_WEIBULL: return d->b * tgamma(1.0 + 1.0 / d->a);
    case SIM_DIST_PARETO: return d->a > 1 ? d->a * d->b / (d->a - 1) : INFINITY;
    case SIM_DIST_HYPEREXP: {
        double m = 0;
        for (size_t i = 0; i < d->n; i++) m += d->probs[i] * d->vals[i];
        return m;
    }
    case SIM_DIST_EMPIRICAL: {
        double m = 0;
        for (size_t i = 0; i < d->n; i++) m += d->vals[i];
        return m / (double)d->n;
    }
    case SIM_DIST_PERCENTILES: {
        /* Integral of the piecewise-linear inverse CDF over u in [0,1]. */
        double m = d->vals[0] * d->probs[0];
        for (size_t i = 1; i < d->n; i++)
            m += 0.5 * (d->vals[i] + d->vals[i - 1]) * (d->probs[i] - d->probs[i - 1]);
        m += d->vals[d->n - 1] * (1.0 - d->probs[d->n - 1]);
        return m;
    }
    case SIM_DIST_COUNT: break;
    }
    return NAN;
}

double sim_dist_variance(const sim_dist *d)
{
    switch (d->type) {
    case SIM_DIST_DETERMINISTIC: return 0;
    case SIM_DIST_EXPONENTIAL: return d->a * d->a;
    case SIM_DIST_UNIFORM: return (d->b - d->a) * (d->b - d->a) / 12.0;
    case SIM_DIST_NORMAL: {
        if (d->b == 0) return 0;
        double al = -d->a / d->b;
        double phi = exp(-0.5 * al * al) / 2.5066282746310002;
        double Z = 0.5 * erfc(al / sqrt(2.0));
        double lam = phi / Z;
        return d->b * d->b * (1 + al * lam - lam * lam);
    }
    case SIM_DIST_LOGNORMAL: {
        double s2 = d->b * d->b;
        return expm1(s2) * exp(2 * d->a + s2);
    }
    case SIM_DIST_GAMMA: return d->a * d->b * d->b;
    case SIM_DIST_WEIBULL: {
        double g1 = tgamma(1 + 1 / d->a), g2 = tgamma(1 + 2 / d->a);
        return d->b * d->b * (g2 - g1 * g1);
    }
    case SIM_DIST_PARETO:
        return d->a > 2 ? d->b * d->b * d->a / ((d->a - 1) * (d->a - 1) * (d->a - 2))
                        : INFINITY;
    case SIM_DIST_HYPEREXP: {
        double m = sim_dist_mean(d), m2 = 0;
        for (size_t i = 0; i < d->n; i++) m2 += 2 * d->probs[i] * d->vals[i] * d->vals[i];
        return m2 - m * m;
    }
    case SIM_DIST_EMPIRICAL: {
        double m = sim_dist_mean(d), v = 0;
        for (size_t i = 0; i < d->n; i++) v += (d->vals[i] - m) * (d->vals[i] - m);
        return v / (double)d->n;
    }
    case SIM_DIST_PERCENTILES: {
        /* E[X^2] of a linear segment x(u) = v0 + (v1-v0) t over du. */
        double m = sim_dist_mean(d);
        double e2 = d->vals[0] * d->vals[0] * d->probs[0];
        for (size_t i = 1; i < d->n; i++) {
            double a = d->vals[i - 1], b = d->vals[i];
            e2 += (a * a + a * b + b * b) / 3.0 * (d->probs[i] - d->probs[i - 1]);
        }
        double last = d->vals[d->n - 1];
        e2 += last * last * (1.0 - d->probs[d->n - 1]);
        return e2 - m * m;
    }
    case SIM_DIST_COUNT: break;
    }
    return NAN;
}
