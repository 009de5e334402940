/* test_stats.c - quantile error bound, time-weighted averages, Welford, CIs. */
#include "sim/sim_json.h"
#include "sim/sim_rng.h"
#include "sim/sim_stats.h"
#include "tests/check.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>

#define N 1000000

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The histogram's quantile must be within 1% of the exact sample quantile
 * of the same rank, at every tested q, for three shapes of tail. */
static void quantile_bound(const char *what, const sim_dist *d)
{
    gsl_rng *r = sim_rng_create(31, 0, what);
    double *x = malloc(N * sizeof *x);
    sim_hist *h = sim_hist_create(1e-6);
    for (int i = 0; i < N; i++) {
        x[i] = sim_dist_sample(d, r);
        sim_hist_add(h, x[i]);
    }
    qsort(x, N, sizeof *x, cmp_double);
    static const double qs[] = { 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99,
                                 0.999, 0.9999 };
    double worst = 0;
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        double exact = x[(size_t)floor(qs[k] * (N - 1))];
        double est = sim_hist_quantile(h, qs[k]);
        double rel = fabs(est - exact) / exact;
        if (rel > worst) worst = rel;
    }
    CHECK(worst <= 0.01, "%s: worst relative quantile error %.4f%% > 1%%", what, 100 * worst);
    CHECK(sim_hist_count(h) == N, "%s: count", what);
    CHECK(sim_hist_quantile(h, 0) == x[0] && sim_hist_quantile(h, 1) == x[N - 1],
          "%s: min and max are exact", what);
    free(x);
    sim_hist_destroy(h);
    gsl_rng_free(r);
}

static void quantiles(void)
{
    sim_dist d;
    sim_dist_exponential(&d, 1991);
    quantile_bound("exponential", &d);
    sim_dist_lognormal_mean_cv(&d, 120, 2.0);
    quantile_bound("lognormal", &d);
    sim_dist_pareto(&d, 1.2, 10);
    quantile_bound("pareto", &d);

    /* Merging two halves equals adding everything to one histogram. */
    gsl_rng *r = sim_rng_create(3, 0, "merge");
    sim_hist *a = sim_hist_create(1e-3), *b = sim_hist_create(1e-3), *all = sim_hist_create(1e-3);
    for (int i = 0; i < 100000; i++) {
        double v = gsl_ran_exponential(r, 50);
        sim_hist_add(i % 2 ? a : b, v);
        sim_hist_add(all, v);
    }
    sim_hist_merge(a, b);
    int same = sim_hist_count(a) == sim_hist_count(all);
    for (double q = 0.01; q < 1; q += 0.01)
        same &= sim_hist_quantile(a, q) == sim_hist_quantile(all, q);
    CHECK(same, "merged histogram gives the same quantiles");
    CHECK_REL(sim_hist_mean(a), sim_hist_mean(all), 1e-12, "merged mean");
    /* Zeros and negatives land in the zero bucket. */
    sim_hist *z = sim_hist_create(1e-3);
    for (int i = 0; i < 10; i++) sim_hist_add(z, 0.0);
    for (int i = 0; i < 10; i++) sim_hist_add(z, 100.0);
    CHECK(sim_hist_quantile(z, 0.25) == 0.0, "zeros are reported as 0");
    CHECK_REL(sim_hist_quantile(z, 0.75), 100.0, 0.01, "value bucket after zeros");
    CHECK_ABS(sim_hist_cdf(z, 50), 0.5, 1e-12, "cdf between zeros and 100");
    CHECK(isnan(sim_hist_quantile(all, 0.5)) == 0, "non-empty quantile is a number");
    sim_hist_clear(all);
    CHECK(isnan(sim_hist_quantile(all, 0.5)), "empty histogram quantile is NaN");
    sim_hist_destroy(a);
    sim_hist_destroy(b);
    sim_hist_destroy(all);
    sim_hist_destroy(z);
    gsl_rng_free(r);
}

/* Hand-worked: level 0 on [0,2), 3 on [2,5), 1 on [5,10) -> area 9+5 = 14,
 * mean over [0,10] = 1.4; over [0,12] (level 1 continues) = 16/12. */
static void twavg(void)
{
    sim_twavg a;
    sim_twavg_init(&a, 0, 0);
    sim_twavg_set(&a, 2, 3);
    sim_twavg_add(&a, 5, -2);
    CHECK_ABS(sim_twavg_area(&a, 10), 14.0, 1e-12, "area to t=10");
    CHECK_ABS(sim_twavg_mean(&a, 10), 1.4, 1e-12, "mean to t=10");
    CHECK_ABS(sim_twavg_mean(&a, 12), 16.0 / 12.0, 1e-12, "mean to t=12");
    CHECK(a.max == 3, "max level 3");
    /* Several changes at the same instant count for zero time. */
    sim_twavg_set(&a, 12, 100);
    sim_twavg_set(&a, 12, 1);
    CHECK_ABS(sim_twavg_mean(&a, 14), 18.0 / 14.0, 1e-12, "instantaneous spike has no weight");
    /* Reset after a warm-up discards the past. */
    sim_twavg_reset(&a, 14);
    sim_twavg_set(&a, 16, 5);
    CHECK_ABS(sim_twavg_mean(&a, 18), (2 * 1 + 2 * 5) / 4.0, 1e-12, "mean after reset");
    sim_twavg b;
    sim_twavg_init(&b, 7, 4);
    CHECK(sim_twavg_mean(&b, 7) == 0.0, "empty span averages to 0");
}

static void welford_and_ci(void)
{
    double x[] = { 1, 2, 3, 4, 5 };
    sim_ci ci = sim_ci_from_samples(x, 5, 0.95);
    /* t(0.975, 4) = 2.7764451; s = sqrt(2.5). */
    CHECK_ABS(ci.mean, 3.0, 1e-12, "CI mean");
    CHECK_ABS(ci.half_width, 2.7764451 * sqrt(2.5) / sqrt(5.0), 1e-6, "CI half-width");
    sim_ci one = sim_ci_from_samples(x, 1, 0.95);
    CHECK(isnan(one.half_width), "one replication has no CI");

    gsl_rng *r = sim_rng_create(9, 0, "welford");
    sim_welford all, p1, p2;
    sim_welford_init(&all);
    sim_welford_init(&p1);
    sim_welford_init(&p2);
    for (int i = 0; i < 10000; i++) {
        double v = 1e6 + gsl_ran_gaussian(r, 3.0);   /* large offset: stability */
        sim_welford_add(&all, v);
        sim_welford_add(i < 3000 ? &p1 : &p2, v);
    }
    sim_welford_merge(&p1, &p2);
    CHECK(p1.n == all.n, "merged count");
    CHECK_REL(p1.mean, all.mean, 1e-14, "merged mean");
    CHECK_REL(sim_welford_variance(&p1), sim_welford_variance(&all), 1e-9, "merged variance");
    CHECK_REL(sim_welford_stddev(&all), 3.0, 0.03, "stddev near 3 despite the 1e6 offset");
    gsl_rng_free(r);
}

static void registry(void)
{
    sim_stats *s = sim_stats_create();
    uint64_t *c = sim_stats_counter(s, "functions.f.cold_starts");
    sim_twavg *inst = sim_stats_twavg(s, "functions.f.instances", 0, 0);
    *c += 3;
    sim_twavg_set(inst, 5, 2);
    CHECK(sim_stats_find(s, "functions.f.cold_starts", SIM_STAT_COUNTER) == c, "find counter");
    CHECK(sim_stats_find(s, "functions.f.cold_starts", SIM_STAT_HIST) == NULL, "kind must match");
    json_object *j = sim_stats_to_json(s, 10);
    json_object *f, *fn, *cs, *ins, *mean;
    int ok = json_object_object_get_ex(j, "functions", &f) &&
             json_object_object_get_ex(f, "f", &fn) &&
             json_object_object_get_ex(fn, "cold_starts", &cs) &&
             json_object_get_int64(cs) == 3 &&
             json_object_object_get_ex(fn, "instances", &ins) &&
             json_object_object_get_ex(ins, "mean", &mean) &&
             fabs(json_object_get_double(mean) - 1.0) < 1e-12;
    CHECK(ok, "registry serialises to nested JSON: %s", json_object_to_json_string(j));
    json_object_put(j);
    sim_stats_destroy(s);
}

int main(void)
{
    quantiles();
    twavg();
    welford_and_ci();
    registry();
    return check_report("stats");
}
