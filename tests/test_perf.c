/* test_perf.c - the Lambda performance model: CPU share, visible cores,
 * Amdahl, the OOM floor, INIT look-ups and the billing date rule, and the
 * calibration of the model's shape against real SeBS runs (printed as
 * "# calib" lines; README "Sizing" quotes them).
 */
#include <stdlib.h>
#include <string.h>

#include "models/sizing/mdl_perf.h"
#include "sim/sim_io.h"
#include "tests/check.h"

/* Warm medians of one SeBS benchmark column (data/sizing/sebs_summary_by_memory.csv). */
static size_t sebs_column(const char *bench, int col, int *mem, double *val)
{
    char *text = NULL;
    size_t len = 0, n = 0;
    sim_error err;
    if (sim_read_file("data/sizing/sebs_summary_by_memory.csv", &text, &len, &err) != SIM_OK)
        return 0;
    char *save = NULL;
    for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        char *f[12] = {0};
        char *p = ln;
        for (int i = 0; i < 12 && p; i++) {
            f[i] = p;
            p = strchr(p, ',');
            if (p) *p++ = '\0';
        }
        if (!f[col] || strcmp(f[0], bench) != 0 || strcmp(f[1], "warm") != 0) continue;
        mem[n] = atoi(f[2]);
        val[n] = atof(f[col]);
        n++;
    }
    free(text);
    return n;
}

static void calibrate(const char *bench, int col, const char *what, int threads, bool io,
                      double tol)
{
    int mem[16];
    double t[16], e[16];
    size_t n = sebs_column(bench, col, mem, t);
    CHECK(n >= 5, "%s: %zu sizes read", bench, n);
    if (n < 5) return;
    mdl_perf_fit f;
    mdl_perf_fit_shape(mem, t, n, threads, io, &f, e);
    printf("# calib %s %s threads=%d: io %.1f ms, W %.1f ms at 1 vCPU, p %.2f, rms %.1f%% |",
           bench, what, threads, f.io_ms, f.work_ms, f.parallel_fraction, 100 * f.rms_rel_err);
    for (size_t i = 0; i < n; i++) {
        printf(" %d:%+.1f%%", mem[i], 100 * e[i]);
        CHECK(fabs(e[i]) <= tol, "%s %s at %d MB: model error %.1f%%", bench, what, mem[i],
              100 * e[i]);
    }
    printf("\n");
}

/* Profile quality: the placeholder and poor fits are named, each with the
 * command that fixes it; a measured profile carries its R^2 and speed-up. */
static void profile_quality(void)
{
    char w[2048];
    CHECK(mdl_perf_quality_warnings("k", "p.json", false, 0.95, 1.6, w, sizeof w) == 0 && !w[0],
          "a good fit: no warning (%s)", w);
    CHECK(mdl_perf_quality_warnings("k", "p.json", false, NAN, NAN, w, sizeof w) == 0, "unknown: none");
    CHECK(mdl_perf_quality_warnings("k", "p.json", false, 0.79, 1.0, w, sizeof w) == 1 &&
              strstr(w, "R^2 0.79") && strstr(w, "lambdasim profile"), "R^2 < 0.8 flagged: %s", w);
    CHECK(mdl_perf_quality_warnings("k", "p.json", false, 0.8, 0.97, w, sizeof w) == 1 &&
              strstr(w, "speed-up 0.97"), "speed-up < 1 flagged: %s", w);
    CHECK(mdl_perf_quality_warnings("k", "p.json", true, 0.5, 0.5, w, sizeof w) == 3 &&
              strstr(w, "placeholder") && strstr(w, "p.json"), "all three: %s", w);
    mdl_perf_kernel k;
    sim_error err;
    CHECK(mdl_perf_profile_load("data/profiles/default.json", "resize", &k, &err) == SIM_OK,
          "default profile: %s", err.msg);
    CHECK(k.placeholder && strcmp(k.profile, "data/profiles/default.json") == 0 && isnan(k.fit_r2),
          "the bundled default is the placeholder");
    CHECK(mdl_perf_kernel_warnings(&k, w, sizeof w) == 1, "placeholder warns: %s", w);
    CHECK(mdl_perf_profile_load("data/profiles/measured_2026-11-23.json", "resize", &k, &err) == SIM_OK,
          "measured profile: %s", err.msg);
    CHECK(!k.placeholder && fabs(k.fit_r2 - 0.7349) < 1e-3 && k.speedup_2_threads > 1,
          "measured resize: R^2 %g, speed-up %g", k.fit_r2, k.speedup_2_threads);
    CHECK(mdl_perf_kernel_warnings(&k, w, sizeof w) == 1 && strstr(w, "R^2 0.73"), "resize flagged: %s", w);
    CHECK(mdl_perf_profile_load("data/profiles/measured_2026-11-23.json", "detect", &k, &err) == SIM_OK &&
              mdl_perf_kernel_warnings(&k, w, sizeof w) == 0, "measured detect is fine: %s", w);
}

int main(void)
{
    profile_quality();
    /* CPU share and cores (README "Reference facts", Lambda: limits). */
    CHECK_ABS(mdl_perf_vcpu_share(1769), 1.0, 1e-12, "1 vCPU at 1769 MB");
    CHECK_ABS(mdl_perf_vcpu_share(10240), 10240 / 1769.0, 1e-12, "share at 10240");
    CHECK(mdl_perf_visible_cores(128) == 2 && mdl_perf_visible_cores(3008) == 2, "2 cores to 3008");
    CHECK(mdl_perf_visible_cores(3009) == 3 && mdl_perf_visible_cores(5307) == 3, "3 cores");
    CHECK(mdl_perf_visible_cores(5308) == 4 && mdl_perf_visible_cores(7077) == 5, "4/5 cores");
    CHECK(mdl_perf_visible_cores(8846) == 6 && mdl_perf_visible_cores(10240) == 6, "6 cores");

    /* Single-threaded: 1/m up to 1769 MB, then flat. */
    mdl_perf_kernel k = {.cpu_ms_a = 10, .cpu_ms_per_mp = 30, .threads = 1, .io_ms = 50,
                         .working_set_mb = 80, .working_set_mb_per_mp = 20};
    double d;
    CHECK(mdl_perf_duration(&k, 2.0, 1769, &d) == MDL_PERF_OK, "runs at 1769");
    CHECK_REL(d, 50 + 70, 1e-12, "1 vCPU: io + W");
    CHECK(mdl_perf_duration(&k, 2.0, 256, &d) == MDL_PERF_OK, "runs at 256");
    CHECK_REL(d, 50 + 70 * 1769 / 256.0, 1e-12, "256 MB: W scaled by the share");
    CHECK(mdl_perf_duration(&k, 2.0, 4096, &d) == MDL_PERF_OK, "runs at 4096");
    CHECK_REL(d, 120, 1e-12, "single thread is flat above 1769");
    /* The OOM floor: 80 + 20*2 = 120 MB needed. */
    CHECK(mdl_perf_duration(&k, 2.0, 119, &d) == MDL_PERF_OOM && d == 0, "OOM below the working set");
    CHECK(mdl_perf_duration(&k, 2.0, 120, &d) == MDL_PERF_OK, "fits at the working set");
    CHECK(mdl_perf_duration(&k, 10.0, 256, &d) == MDL_PERF_OOM, "a bigger image needs more memory");

    /* Amdahl: 4 threads, p = 0.8, W = 1000 at 7076 MB (s = 4, 4 cores). */
    double t4 = mdl_perf_shape(0, 1000, 0.8, 4, 7076);
    CHECK_REL(t4, 200 + 800 / 4.0, 1e-3, "Amdahl with 4 cores at 4 vCPU");
    /* At 3008 MB only 2 cores are visible: the parallel part runs at min(s=1.7, 2). */
    CHECK_REL(mdl_perf_shape(0, 1000, 0.8, 4, 3008), 200 + 800 / (3008 / 1769.0), 1e-12,
              "share-bound at 3008");
    /* 2 threads at 8845 MB: thread-bound. */
    CHECK_REL(mdl_perf_shape(0, 1000, 0.8, 2, 8845), 200 + 400, 1e-12, "thread-bound");
    /* More memory never slows a kernel down. */
    bool mono = true;
    for (int m = 128; m < 10240; m += 64)
        mono &= mdl_perf_shape(5, 100, 0.9, 6, m + 64) <= mdl_perf_shape(5, 100, 0.9, 6, m) + 1e-12;
    CHECK(mono, "duration is non-increasing in memory");

    /* INIT table (maxday/lambda-perf 2026-08-22). */
    mdl_perf_init_table *it = NULL;
    sim_error err;
    CHECK(mdl_perf_init_table_load("data/sizing/lambda_cold_start_maxday_2026-08-22.csv", &it,
                                   &err) == SIM_OK, "INIT table loads");
    if (it) {
        double ms;
        CHECK(mdl_perf_init_ms(it, "python3.13", "x86_64", 128, &ms, &err) == SIM_OK, "python3.13");
        CHECK_ABS(ms, 86.3, 1e-9, "python3.13 x86_64 128 MB median");
        CHECK(mdl_perf_init_ms(it, "nodejs22.x", "arm64", 3008, &ms, &err) == SIM_OK, "node arm");
        CHECK_ABS(ms, 131.8, 1e-9, "above 1024 MB: the largest measured size");
        CHECK(mdl_perf_init_ms(it, "cobol", "x86_64", 128, &ms, &err) == SIM_EUNKNOWN &&
                  strstr(err.msg, "cobol") != NULL,
              "unknown runtime is named: %s", err.msg);
        mdl_perf_init_table_destroy(it);
    }
    CHECK(mdl_perf_init_table_load("tests/fixtures/no-such.csv", &it, &err) != SIM_OK &&
              strstr(err.input, "no-such.csv") != NULL, "missing file named");
    mdl_perf_init_table_destroy(NULL);

    /* INIT billing date rule (README "Reference facts", Lambda: prices). */
    CHECK(!mdl_perf_init_billed("2025-07-31", false), "ZIP INIT free before 2025-08-01");
    CHECK(mdl_perf_init_billed("2025-08-01", false), "billed from 2025-08-01");
    CHECK(mdl_perf_init_billed("2024-01-01", true), "images/custom runtimes always billed");
    CHECK(mdl_perf_init_billed(NULL, false), "today: billed");

    /* Calibration against SeBS (real AWS, 2020).  Column 8 = median compute
     * timer, 4 = median provider (Lambda-reported) duration. */
    calibrate("210_python", 8, "compute", 1, false, 0.06);
    calibrate("210_python", 4, "provider", 1, true, 0.30);
    calibrate("411", 8, "compute", 2, false, 0.10);
    calibrate("411", 4, "provider", 2, true, 0.10);
    return check_report("perf");
}
