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

/* splitmix64 (Steele et al. 2014): a fast, seeded source of bit patterns. */
static uint64_t mix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double from_bits(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* Bucketing without log() must give the bucket of the defining expression
 * ceil(log(x) / ln g) for every double.  Checked on (a) 16 M doubles with
 * random exponents from 2^-1022 to 2^61 and random mantissas, (b) every
 * positive exponent with all-zero and all-one mantissas, (c) 129
 * consecutive doubles around each of the ~4,800 bucket boundaries (the
 * boundary itself found by bisection on the exact rule), (d) 200 random
 * doubles within 3e-9 relative of each boundary, where the estimate is too
 * close to call and the exact rule must take over; and the estimate's real
 * error stays under the bound its derivation proves. */
static int bucket_mismatch(const sim_hist *h, double x, int *reported)
{
    int a = sim_hist_bucket(h, x), b = sim_hist_bucket_exact(h, x);
    if (a != b && (*reported)++ < 5)
        printf("  bucket of %a: %d, exact rule %d\n", x, a, b);
    return a != b;
}

/* The smallest double whose exact bucket is >= k (lo below it, hi at it). */
static double boundary_of(const sim_hist *h, int k, double lo, double hi)
{
    uint64_t a, b;
    memcpy(&a, &lo, sizeof a);
    memcpy(&b, &hi, sizeof b);
    while (b - a > 1) {   /* positive doubles order like their bits */
        uint64_t m = a + (b - a) / 2;
        if (sim_hist_bucket_exact(h, from_bits(m)) >= k) b = m;
        else a = m;
    }
    return from_bits(b);
}

static void bucket_exactness(double min_positive, long nrand)
{
    sim_hist *h = sim_hist_create(min_positive);
    uint64_t seed = 0x1234abcdull ^ (uint64_t)(min_positive * 1e9);
    long bad = 0;
    int reported = 0;
    double worst_err = 0;
    const double inv_log_g = 1.0 / log((1.0 + SIM_HIST_REL_ERR) / (1.0 - SIM_HIST_REL_ERR));
    for (long i = 0; i < nrand; i++) {
        uint64_t u = mix64(&seed);
        uint64_t e = 1 + (u >> 52) % (1023 + 61);          /* 2^-1022 .. 2^61 */
        double x = from_bits(e << 52 | (u & 0x000fffffffffffffull));
        bad += bucket_mismatch(h, x, &reported);
        if (x < 1e18) {
            double err = fabs(sim_hist__estimate(h, x) - log(x) * inv_log_g);
            if (err > worst_err) worst_err = err;
        }
    }
    for (uint64_t e = 1; e < 2047; e++) {
        bad += bucket_mismatch(h, from_bits(e << 52), &reported);
        bad += bucket_mismatch(h, from_bits(e << 52 | 0x000fffffffffffffull), &reported);
    }
    bad += bucket_mismatch(h, INFINITY, &reported) + bucket_mismatch(h, NAN, &reported);
    /* Every boundary inside the range, from bucket 1 to the top one. */
    int nb = sim_hist_bucket_exact(h, 1e18) + 1, found = 0;
    double g = (1.0 + SIM_HIST_REL_ERR) / (1.0 - SIM_HIST_REL_ERR);
    double lo = min_positive;
    for (int k = 1; k < nb; k++) {
        double hi = lo * g * g;
        if (sim_hist_bucket_exact(h, lo) >= k || sim_hist_bucket_exact(h, hi) < k) continue;
        double b = boundary_of(h, k, lo, hi);
        found++;
        double x = b;
        for (int s = 0; s < 64; s++) x = nextafter(x, 0);
        for (int s = 0; s < 129; s++, x = nextafter(x, INFINITY))
            bad += bucket_mismatch(h, x, &reported);
        for (int s = 0; s < 200; s++) {
            double d = ((double)(mix64(&seed) >> 11) * 0x1p-53 - 0.5) * 6e-9;
            bad += bucket_mismatch(h, b * (1.0 + d), &reported);
        }
        lo = b;
        double est = sim_hist__estimate(h, b);
        double err = fabs(est - log(b) * inv_log_g);
        if (err > worst_err) worst_err = err;
    }
    CHECK(found == nb - 1, "min_positive %g: found %d of %d bucket boundaries", min_positive,
          found, nb - 1);
    CHECK(bad == 0, "min_positive %g: %ld doubles bucketed unlike ceil(log(x)/ln g)", min_positive,
          bad);
    CHECK(worst_err <= SIM_HIST__EST_BOUND, "estimate error %.3g above the proven bound %.3g",
          worst_err, SIM_HIST__EST_BOUND);
    printf("  min_positive %g: %d boundaries, estimate error up to %.3g (bound %.3g)\n",
           min_positive, found, worst_err, SIM_HIST__EST_BOUND);
    sim_hist_destroy(h);
}

/* Every row of the bucketing table against its formula, recomputed with
 * this libm: a stale row, or a SIM_HIST_REL_ERR the table was not printed
 * for, fails here. */
static void bucket_table(void)
{
    const double k = 1.0 / log((1.0 + SIM_HIST_REL_ERR) / (1.0 - SIM_HIST_REL_ERR));
    int bad = 0;
    for (int j = 0; j < 128; j++) {
        double c = 1.0 + (j + 0.5) / 128.0, row[3];
        sim_hist__table_row(j, row);
        double want[3] = { log(c) * k, k / c, -k / (2.0 * c * c) };
        for (int i = 0; i < 3; i++)
            if (fabs(row[i] - want[i]) > 4 * (nextafter(fabs(want[i]), INFINITY) - fabs(want[i]))) {
                if (bad++ < 3) printf("  row %d entry %d: %a, want %a\n", j, i, row[i], want[i]);
            }
    }
    CHECK(bad == 0, "%d bucketing table entries more than 4 ulp from their formula", bad);
}

/* Pages are allocated where samples land, kept across clear, created in
 * the destination of a merge; quantiles don't depend on the paging. */
static void paged_memory(void)
{
    sim_hist *h = sim_hist_create(1e-3), *full = sim_hist_create(1e-3);
    size_t empty = sim_hist_memory(h);
    CHECK(empty < 1024, "an empty histogram holds %zu bytes", empty);
    for (int i = 0; i < 10000; i++) sim_hist_add(h, 100.0 + i * 0.01);   /* 100 .. 200 */
    size_t narrow = sim_hist_memory(h);
    /* A factor 2 is 70 buckets: 2 or 3 pages of 64. */
    CHECK(narrow >= empty + 2 * 64 * 8 && narrow <= empty + 3 * 64 * 8,
          "samples within a factor 2 touch 2 or 3 pages: %zu bytes", narrow);
    for (double x = 1e-3; x < 1e18; x *= 1.001) sim_hist_add(full, x);
    size_t all = sim_hist_memory(full);
    CHECK(all > 38000 && all < 42000, "every bucket touched: %zu bytes", all);
    sim_hist_clear(h);
    CHECK(sim_hist_memory(h) == narrow, "clear keeps the pages");
    for (int i = 0; i < 10000; i++) sim_hist_add(h, 100.0 + i * 0.01);
    CHECK(sim_hist_memory(h) == narrow, "refilling the same range allocates nothing");
    double p50 = sim_hist_quantile(h, 0.5);
    CHECK_REL(p50, 150.0, 0.006, "p50 of 100..200");
    sim_hist *m = sim_hist_create(1e-3);
    sim_hist_add(m, 1e-3);
    sim_hist_merge(m, h);
    CHECK(sim_hist_memory(m) == narrow + 64 * 8, "merge opens the source's pages");
    CHECK(sim_hist_count(m) == 10001 && sim_hist_quantile(m, 0.5) == p50,
          "merged quantile");
    CHECK_ABS(sim_hist_cdf(m, 1e-3), 1.0 / 10001, 1e-15, "cdf at the low page");
    sim_hist_destroy(h);
    sim_hist_destroy(full);
    sim_hist_destroy(m);
}

int main(void)
{
    quantiles();
    twavg();
    welford_and_ci();
    registry();
    paged_memory();
    bucket_table();
    /* 16 M random doubles for the histograms every model uses, a million
     * more at two other offsets (boundaries are global: same rule). */
    bucket_exactness(1e-3, 16000000);
    bucket_exactness(3.7e-9, 1000000);
    bucket_exactness(2.5, 1000000);
    return check_report("stats");
}
