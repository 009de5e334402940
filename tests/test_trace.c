/* test_trace.c - trace readers and generators (issue 4).
 *
 * Azure 2019 expansion must keep every function's count in every minute
 * exactly (checked against an independent parse of the file), the
 * percentile sampler must reproduce its percentiles, and the generators
 * must follow their rate functions and be deterministic by seed.
 */
#include "tests/check.h"
#include "sim/sim_rng.h"
#include "workloads/trace/wl_azure.h"
#include "workloads/trace/wl_csv.h"
#include "workloads/trace/wl_gen.h"
#include "workloads/trace/wl_trace.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Real Azure 2019 subsets (data/traces/azure2019/README.md) and the
 * synthetic format fixtures (tests/fixtures/azure/README.md). */
#define AZ "data/traces/azure2019/"
#define FX "tests/fixtures/azure/"
#define SF AZ "single_function_d01/"

/* Sum of the minute columns of each row, read with plain stdio (not our
 * parser): the ground truth the expansion must match. */
static size_t independent_row_totals(const char *path, int skip_cols, unsigned long long *tot,
                                     size_t max_rows)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return 0;
    size_t cap = 1 << 20, rows = 0;
    char *line = malloc(cap);
    if (!fgets(line, (int)cap, fp)) { fclose(fp); free(line); return 0; }
    while (rows < max_rows && fgets(line, (int)cap, fp)) {
        unsigned long long s = 0;
        int col = 0;
        for (char *p = strtok(line, ",\n"); p; p = strtok(NULL, ",\n"), col++)
            if (col >= skip_cols) s += strtoull(p, NULL, 10);
        tot[rows++] = s;
    }
    fclose(fp);
    free(line);
    return rows;
}

/* Expand az and compare per-function per-minute counts with the table. */
static void check_exact_counts(const wl_az19 *az, wl_spread spread, const char *what)
{
    uint32_t nf = wl_az19_function_count(az), nm = wl_az19_minute_count(az);
    uint64_t *got = calloc((size_t)nf * nm, sizeof *got);
    wl_source *src = NULL;
    sim_error err;
    sim_error_clear(&err);
    CHECK(wl_az19_source_create(&src, az, spread, 7, &err) == SIM_OK, "%s: create", what);
    wl_arrival a;
    double last = -1;
    bool sorted = true, in_range = true;
    uint64_t n = 0;
    while (wl_source_next(src, &a)) {
        if (a.t_s < last) sorted = false;
        last = a.t_s;
        long m = (long)floor(a.t_s / 60.0);
        if (m < 0 || m >= (long)nm || a.function >= nf) { in_range = false; continue; }
        got[(size_t)a.function * nm + (size_t)m]++;
        n++;
    }
    CHECK(wl_source_status(src, &err) == SIM_OK, "%s: status", what);
    CHECK(sorted, "%s: arrivals out of order", what);
    CHECK(in_range, "%s: arrival outside the day or function table", what);
    size_t bad = 0;
    for (uint32_t f = 0; f < nf; f++)
        for (uint32_t m = 0; m < nm; m++)
            if (got[(size_t)f * nm + m] != wl_az19_count(az, f, m)) bad++;
    CHECK(bad == 0, "%s: %zu (function, minute) cells differ from the file", what, bad);
    CHECK(n == wl_az19_total(az), "%s: %llu arrivals, want %llu", what,
          (unsigned long long)n, (unsigned long long)wl_az19_total(az));
    wl_source_destroy(src);
    free(got);
}

static void test_azure2019_fixture(void)
{
    sim_error err;
    sim_error_clear(&err);
    wl_az19 *az = NULL;
    CHECK(wl_az19_load(&az, FX "azure2019_invocations.csv", FX "azure2019_durations.csv",
                       FX "azure2019_memory.csv", &err) == SIM_OK, "load fixture: %s", err.msg);
    if (!az) return;
    unsigned long long tot[16];
    size_t rows = independent_row_totals(FX "azure2019_invocations.csv", 4, tot, 16);
    CHECK(rows == 4 && wl_az19_function_count(az) == 4, "4 functions, got %zu / %u", rows,
          wl_az19_function_count(az));
    unsigned long long all = 0;
    for (size_t f = 0; f < rows && f < wl_az19_function_count(az); f++) {
        uint64_t s = 0;
        for (uint32_t m = 0; m < wl_az19_minute_count(az); m++) s += wl_az19_count(az, (uint32_t)f, m);
        CHECK(s == tot[f], "function %zu: %llu, independent parse %llu", f,
              (unsigned long long)s, tot[f]);
        all += tot[f];
    }
    CHECK(wl_az19_total(az) == all, "fixture total %llu", (unsigned long long)wl_az19_total(az));
    CHECK(wl_az19_minute_count(az) == 1440, "1440 minutes, got %u", wl_az19_minute_count(az));
    CHECK(wl_az19_functions_with_durations(az) == 4 && wl_az19_functions_with_memory(az) == 4,
          "joins: %u durations, %u memory", wl_az19_functions_with_durations(az),
          wl_az19_functions_with_memory(az));
    check_exact_counts(az, WL_SPREAD_POISSON, "fixture/poisson");
    check_exact_counts(az, WL_SPREAD_UNIFORM, "fixture/uniform");

    /* Memory is the app's AverageAllocatedMb; durations lie in [min, max]. */
    wl_source *src = NULL;
    wl_az19_source_create(&src, az, WL_SPREAD_POISSON, 1, &err);
    wl_arrival a;
    bool mem_ok = true, dur_ok = true;
    while (wl_source_next(src, &a)) {
        const char *fn = wl_source_function_name(src, a.function);
        if (strncmp(fn, "c13acdc7", 8) == 0) {
            if (a.memory_mb != 120.0) mem_ok = false;
            if (!(a.duration_ms >= 99.0 && a.duration_ms <= 101.0)) dur_ok = false;
        }
    }
    CHECK(mem_ok, "memory_mb of app 68baea05 is 120");
    CHECK(dur_ok, "durations of c13acdc7 within [99, 101] ms");
    wl_source_destroy(src);
    wl_az19_destroy(az);
}

static void test_single_function_d01(void)
{
    sim_error err;
    sim_error_clear(&err);
    wl_az19 *az = NULL;
    CHECK(wl_az19_load(&az, SF "invocations.csv", SF "durations.csv", SF "memory.csv", &err) == SIM_OK,
          "load single_function_d01: %s", err.msg);
    if (!az) return;
    CHECK(wl_az19_total(az) == 20820188ULL, "total %llu", (unsigned long long)wl_az19_total(az));
    check_exact_counts(az, WL_SPREAD_POISSON, "single_function_d01");
    wl_trace_stats st;
    wl_trace_stats_az19(az, &st);
    CHECK(st.invocations == 20820188ULL && st.functions == 1 && st.minutes == 1440,
          "stats: %llu invocations, %u functions", (unsigned long long)st.invocations, st.functions);
    CHECK_REL(st.rate_mean, 20820188.0 / 86400.0, 1e-12, "mean rate");
    CHECK_ABS(st.rate_max, 15001.0 / 60.0, 1e-9, "max rate (peak 15,001/min)");

    /* The percentile sampler: 10^6 drawn durations reproduce the file's
     * percentiles 0,1,25,50,75,99,100 = 2,2,3,4,5,11,453 ms: the fraction
     * of draws at or below each value is its p (within 5 sigma). */
    wl_source *src = NULL;
    wl_az19_source_create(&src, az, WL_SPREAD_POISSON, 3, &err);
    static const double p[] = { 0.01, 0.25, 0.50, 0.75, 0.99 };
    static const double v[] = { 2, 3, 4, 5, 11 };
    const size_t N = 1000000;
    size_t below[5] = { 0 }, n = 0;
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    wl_arrival a;
    while (n < N && wl_source_next(src, &a)) {
        for (int k = 0; k < 5; k++) if (a.duration_ms <= v[k]) below[k]++;
        if (a.duration_ms < lo) lo = a.duration_ms;
        if (a.duration_ms > hi) hi = a.duration_ms;
        sum += a.duration_ms;
        n++;
    }
    CHECK(n == N, "drew %zu", n);
    for (int k = 0; k < 5; k++) {
        double sig = sqrt(p[k] * (1 - p[k]) / (double)N);
        CHECK_ABS((double)below[k] / (double)N, p[k], 5 * sig, "fraction of durations <= p-value");
    }
    CHECK(lo >= 2.0 && hi <= 453.0, "draws within [2, 453]: %g..%g", lo, hi);
    sim_dist d;
    double pp[] = { 0, .01, .25, .5, .75, .99, 1 }, vv[] = { 2, 2, 3, 4, 5, 11, 453 };
    sim_dist_percentiles(&d, pp, vv, 7);
    CHECK_REL(sum / (double)N, sim_dist_mean(&d), 0.01, "mean duration vs the inverse CDF's mean");
    sim_dist_fini(&d);
    wl_source_destroy(src);
    wl_az19_destroy(az);
}

static void test_sampled_schema(void)
{
    sim_error err;
    sim_error_clear(&err);
    wl_az19 *az = NULL;
    const char *S = AZ "sampled/";
    char inv[256], run[256], mem[256];
    snprintf(inv, sizeof inv, "%s100_inv.csv", S);
    snprintf(run, sizeof run, "%s100_run.csv", S);
    snprintf(mem, sizeof mem, "%s100_mem.csv", S);
    CHECK(wl_az19_load(&az, inv, run, mem, &err) == SIM_OK, "load sampled/100: %s", err.msg);
    if (!az) return;
    CHECK(wl_az19_function_count(az) == 100, "100 functions, got %u", wl_az19_function_count(az));
    CHECK(wl_az19_functions_with_durations(az) == 100, "durations joined: %u",
          wl_az19_functions_with_durations(az));
    CHECK(wl_az19_functions_with_memory(az) == 100, "memory joined: %u",
          wl_az19_functions_with_memory(az));
    unsigned long long *tot = calloc(200, sizeof *tot);
    size_t rows = independent_row_totals(inv, 3, tot, 200);
    unsigned long long all = 0;
    for (size_t i = 0; i < rows; i++) all += tot[i];
    CHECK(rows == 100 && all == wl_az19_total(az), "sampled total %llu vs %llu", all,
          (unsigned long long)wl_az19_total(az));
    free(tot);
    check_exact_counts(az, WL_SPREAD_POISSON, "sampled/100");
    wl_az19_destroy(az);
}

static void test_azure2021(void)
{
    sim_error err;
    sim_error_clear(&err);
    wl_source *src = NULL;
    CHECK(wl_az21_source_open(&src, FX "azure2021_30.csv", &err) == SIM_OK, "open 2021: %s", err.msg);
    if (!src) return;
    wl_arrival a;
    size_t n = 0;
    double last = -1;
    bool sorted = true, first_ok = false;
    while (wl_source_next(src, &a)) {
        if (a.t_s < last) sorted = false;
        if (n == 0) first_ok = a.t_s == 1.0 && a.duration_ms == 9000.0;  /* end 10 - 9 s */
        last = a.t_s;
        n++;
    }
    CHECK(n == 29, "29 invocations, got %zu", n);
    CHECK(sorted, "starts sorted");
    CHECK(first_ok, "first start = end - duration = 1 s, duration 9000 ms");
    /* func 11111... exists under two apps: two names. */
    CHECK(wl_source_function_count(src) == 14, "14 app/function pairs, got %u",
          wl_source_function_count(src));
    wl_source_destroy(src);
}

/* Per-hour counts of the NHPP against the integral of its rate function. */
static void check_hourly(const wl_gen_spec *sp, uint64_t seed, const char *what)
{
    sim_error err;
    sim_error_clear(&err);
    wl_source *src = NULL;
    CHECK(wl_gen_source_create(&src, sp, seed, &err) == SIM_OK, "%s: create", what);
    int hours = (int)(sp->duration_s / 3600);
    uint64_t cnt[48] = { 0 };
    wl_arrival a;
    while (wl_source_next(src, &a)) {
        int h = (int)(a.t_s / 3600);
        if (h >= 0 && h < hours && h < 48) cnt[h]++;
    }
    wl_source_destroy(src);
    double chi2 = 0;
    int outside = 0;
    for (int h = 0; h < hours && h < 48; h++) {
        /* Simpson's rule over the hour, 1 s steps. */
        double lam = 0;
        for (int i = 0; i <= 3600; i++) {
            double w = (i == 0 || i == 3600) ? 1 : (i % 2 ? 4 : 2);
            lam += w * wl_gen_rate(sp, h * 3600.0 + i);
        }
        lam /= 3.0;
        double d = (double)cnt[h] - lam;
        chi2 += d * d / lam;
        if (fabs(d) > 5 * sqrt(lam)) {
            outside++;
            printf("  %s hour %d: %llu arrivals, rate integral %.1f\n", what, h,
                   (unsigned long long)cnt[h], lam);
        }
    }
    CHECK(outside == 0, "%s: %d hours beyond 5 sigma", what, outside);
    /* chi-square with 24 degrees of freedom: P(> 51.18) = 0.001. */
    CHECK(chi2 < 51.18, "%s: chi2 %.2f over 24 hours", what, chi2);
}

static void test_generators(void)
{
    wl_gen_spec sp;
    wl_gen_spec_defaults(&sp);
    sp.process = WL_PROC_DIURNAL;
    sp.mean_rate_per_s = 5.0;
    sp.peak_to_trough = 4.0;
    sp.peak_hour = 20.0;
    check_hourly(&sp, 11, "diurnal sinusoid");
    /* The rate function really is diurnal: peak at 20:00, 4x the trough. */
    CHECK_REL(wl_gen_rate(&sp, 20 * 3600.0) / wl_gen_rate(&sp, 8 * 3600.0), 4.0, 1e-9,
              "peak to trough");

    wl_gen_spec_defaults(&sp);
    sp.process = WL_PROC_DIURNAL;
    sp.mean_rate_per_s = 2.0;
    sp.has_hourly = true;
    for (int h = 0; h < 24; h++) sp.hourly[h] = (h >= 7 && h <= 22) ? 1.0 + (h % 5) : 0.2;
    check_hourly(&sp, 12, "diurnal hourly");

    wl_gen_spec_defaults(&sp);
    sp.process = WL_PROC_FLASH;
    sp.base_rate_per_s = 1.0;
    sp.peak_rate_per_s = 30.0;
    sp.start_s = 5 * 3600.0 + 600;
    sp.ramp_s = 900;
    sp.hold_s = 1800;
    sp.decay_s = 3600;
    check_hourly(&sp, 13, "flash crowd");

    /* MMPP: the long-run mean rate, and burstiness (index of dispersion of
     * per-minute counts well above Poisson's 1). */
    wl_gen_spec_defaults(&sp);
    sp.process = WL_PROC_MMPP;
    sp.rate_on_per_s = 20;
    sp.rate_off_per_s = 0.5;
    sp.mean_on_s = 60;
    sp.mean_off_s = 540;
    sp.duration_s = 10 * 86400.0;
    sim_error err;
    sim_error_clear(&err);
    wl_source *src = NULL;
    wl_gen_source_create(&src, &sp, 5, &err);
    wl_trace_stats st;
    CHECK(wl_trace_stats_source(src, &st, &err) == SIM_OK, "mmpp stats");
    wl_source_destroy(src);
    CHECK_REL((double)st.invocations / sp.duration_s, wl_gen_rate(&sp, 0), 0.05, "mmpp mean rate");
    CHECK(st.rate_p99 > 3 * st.rate_mean, "mmpp bursts: p99 %.2f vs mean %.2f", st.rate_p99,
          st.rate_mean);

    /* Poisson: count within 5 sigma. */
    wl_gen_spec_defaults(&sp);
    sp.rate_per_s = 3.0;
    wl_gen_source_create(&src, &sp, 9, &err);
    wl_trace_stats_source(src, &st, &err);
    wl_source_destroy(src);
    double lam = 3.0 * 86400;
    CHECK_ABS((double)st.invocations, lam, 5 * sqrt(lam), "poisson count");
    /* Default mix: 10% uploads, 88% views, 2% deletes. */
    CHECK_ABS((double)st.ops[WL_OP_UPLOAD] / (double)st.invocations, 0.10, 0.005, "upload share");
    CHECK_ABS((double)st.ops[WL_OP_VIEW] / (double)st.invocations, 0.88, 0.005, "view share");
}

static void test_photo_sizes(void)
{
    wl_gen_spec sp;
    wl_gen_spec_defaults(&sp);
    const int N = 200001;
    double *mp = malloc(N * sizeof *mp);
    for (int i = 0; i < N; i++) mp[i] = wl_gen_photo_megapixels(&sp, 1, (uint64_t)i);
    /* median of lognormal(median 12 MP) */
    size_t below = 0;
    for (int i = 0; i < N; i++) below += mp[i] <= 12.0;
    CHECK_ABS((double)below / N, 0.5, 0.005, "lognormal median 12 MP");
    sp.size_dist = WL_SIZE_PARETO;
    sp.alpha = 2.0;
    sp.min_mp = 3.0;
    sp.max_mp = 1e4;
    size_t over = 0;
    bool min_ok = true;
    for (int i = 0; i < N; i++) {
        double x = wl_gen_photo_megapixels(&sp, 1, (uint64_t)i);
        if (x < 3.0) min_ok = false;
        over += x > 6.0;                     /* P(X > 2 xm) = 2^-alpha = 0.25 */
    }
    CHECK(min_ok, "pareto >= min");
    CHECK_ABS((double)over / N, 0.25, 0.005, "pareto tail");
    CHECK(wl_gen_photo_bytes(&sp, 4, 77) == wl_gen_photo_bytes(&sp, 4, 77), "pure");
    free(mp);

    /* A view of a photo reports the bytes its upload had. */
    wl_gen_spec_defaults(&sp);
    sp.initial_photos = 0;
    sp.rate_per_s = 1.0;
    sp.duration_s = 20000;
    sim_error err;
    sim_error_clear(&err);
    wl_source *src = NULL;
    wl_gen_source_create(&src, &sp, 2, &err);
    wl_arrival a;
    bool ok = true;
    unsigned long long views = 0;
    while (wl_source_next(src, &a)) {
        if (a.op != WL_OP_VIEW) continue;
        unsigned long long id = strtoull(a.key + strlen(sp.prefix), NULL, 10);
        if (a.bytes != wl_gen_photo_bytes(&sp, 2, id)) ok = false;
        views++;
    }
    CHECK(ok && views > 1000, "views carry their photo's bytes (%llu views)", views);
    wl_source_destroy(src);
}

static bool same_arrival(const wl_arrival *x, const wl_arrival *y)
{
    return x->t_s == y->t_s && x->op == y->op && x->bytes == y->bytes &&
           x->function == y->function && x->key_len == y->key_len &&
           memcmp(x->key, y->key, x->key_len) == 0;
}

static void test_determinism_and_roundtrip(void)
{
    wl_gen_spec sp;
    wl_gen_spec_defaults(&sp);
    sp.process = WL_PROC_MMPP;
    sp.rate_on_per_s = 5; sp.rate_off_per_s = 0.2; sp.mean_on_s = 30; sp.mean_off_s = 300;
    sp.duration_s = 20000;
    sp.mix[WL_OP_INVOKE] = 0.1;
    sim_error err;
    sim_error_clear(&err);
    wl_source *a = NULL, *b = NULL, *c = NULL;
    wl_gen_source_create(&a, &sp, 42, &err);
    wl_gen_source_create(&b, &sp, 42, &err);
    wl_gen_source_create(&c, &sp, 43, &err);
    wl_arrival x, y, z;
    bool same = true, differs = false;
    size_t n = 0;
    for (;;) {
        bool gx = wl_source_next(a, &x), gy = wl_source_next(b, &y), gz = wl_source_next(c, &z);
        if (gx != gy) { same = false; break; }
        if (!gx) break;
        if (!same_arrival(&x, &y)) same = false;
        if (!gz || x.t_s != z.t_s) differs = true;
        n++;
    }
    CHECK(same && n > 1000, "same seed, same arrivals (%zu)", n);
    CHECK(differs, "another seed, other arrivals");
    wl_source_destroy(a);
    wl_source_destroy(b);
    wl_source_destroy(c);

    /* CSV round trip: write, read back, compare. */
    char path[128];
    snprintf(path, sizeof path, "/tmp/lambdasim-test-trace-%ld.csv", (long)getpid());
    FILE *fp = fopen(path, "w");
    wl_gen_source_create(&a, &sp, 42, &err);
    unsigned long long rows = 0;
    CHECK(wl_csv_write_source(fp, a, &rows, &err) == SIM_OK, "write");
    fclose(fp);
    wl_source_destroy(a);
    wl_gen_source_create(&a, &sp, 42, &err);
    CHECK(wl_csv_source_open(&b, path, &err) == SIM_OK, "reopen: %s", err.msg);
    size_t mism = 0, m = 0;
    while (b && wl_source_next(a, &x)) {
        if (!wl_source_next(b, &y)) { mism++; break; }
        bool eq = fabs(x.t_s - y.t_s) <= 5e-7 && x.op == y.op && x.bytes == y.bytes &&
                  x.key_len == y.key_len && memcmp(x.key, y.key, x.key_len) == 0 &&
                  (x.function == WL_NO_FUNCTION) == (y.function == WL_NO_FUNCTION);
        if (!eq) mism++;
        m++;
    }
    CHECK(b && !wl_source_next(b, &y) && wl_source_status(b, &err) == SIM_OK, "clean end");
    CHECK(mism == 0 && m == rows, "round trip: %zu of %zu rows differ", mism, m);
    if (b) CHECK(wl_source_function_count(b) == 1 &&
                 strcmp(wl_source_function_name(b, 0), "f") == 0, "function name kept");
    wl_source_destroy(a);
    wl_source_destroy(b);
    remove(path);
}

int main(void)
{
    test_azure2019_fixture();
    test_single_function_d01();
    test_sampled_schema();
    test_azure2021();
    test_generators();
    test_photo_sizes();
    test_determinism_and_roundtrip();
    return check_report("trace");
}
