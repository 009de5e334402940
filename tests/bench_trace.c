/* bench_trace.c - trace throughput and memory (issue 4 goals).
 *
 *  trace_azure_arrivals_per_s: expanding Azure 2019 single_function_d01
 *      (20,820,188 invocations; poisson spread, durations and memory drawn)
 *      through wl_source_next.  Goal >= 5 M arrivals/s.
 *  trace_csv_rows_per_s: reading our CSV (2 M generated gallery rows).
 *  trace_peak_rss_mb: the process's peak resident set after all of the
 *      above.  Goal < 50 MB and flat in trace length: the RSS is also
 *      sampled after the first day and reported as trace_rss_growth_mb
 *      after expanding the day three more times and reading the CSV.
 * Run from the repository root (the trace is data/traces/azure2019/).
 */
#include "sim/sim_io.h"
#include "workloads/trace/wl_azure.h"
#include "workloads/trace/wl_csv.h"
#include "workloads/trace/wl_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#define AZ "data/traces/azure2019/single_function_d01/"

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;   /* ru_maxrss is in KiB on Linux */
}

static unsigned long long drain(wl_source *src)
{
    unsigned long long n = 0;
    wl_arrival a;
    double sink = 0;
    while (wl_source_next(src, &a)) {
        n++;
        sink += a.duration_ms;
    }
    if (sink < 0) puts("impossible");
    return n;
}

int main(void)
{
    sim_error err;
    sim_error_clear(&err);
    wl_az19 *az = NULL;
    if (wl_az19_load(&az, AZ "invocations.csv", AZ "durations.csv", AZ "memory.csv", &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    wl_source *src = NULL;
    wl_az19_source_create(&src, az, WL_SPREAD_POISSON, 1, &err);
    double t0 = sim_wall_seconds();
    unsigned long long n = drain(src);
    double dt = sim_wall_seconds() - t0;
    wl_source_destroy(src);
    if (n != wl_az19_total(az)) {
        fprintf(stderr, "bench_trace: expanded %llu arrivals, want %llu\n", n,
                (unsigned long long)wl_az19_total(az));
        return 1;
    }
    printf("BENCH trace_azure_arrivals_per_s %.4g arrivals/s\n", (double)n / dt);
    fflush(stdout);
    double rss_one_day = peak_rss_mb();

    /* Three more days' worth of expansion: memory must not move. */
    for (int rep = 0; rep < 3; rep++) {
        wl_az19_source_create(&src, az, WL_SPREAD_UNIFORM, (uint64_t)rep + 2, &err);
        drain(src);
        wl_source_destroy(src);
    }
    wl_az19_destroy(az);

    /* A 2 M-row gallery CSV, written then read back. */
    char path[256];
    snprintf(path, sizeof path, "/tmp/lambdasim-bench-trace-%ld.csv", (long)getpid());
    wl_gen_spec spec;
    wl_gen_spec_defaults(&spec);
    spec.rate_per_s = 2e6 / spec.duration_s;
    FILE *fp = fopen(path, "w");
    if (!fp) { perror(path); return 1; }
    wl_gen_source_create(&src, &spec, 1, &err);
    unsigned long long rows = 0;
    wl_csv_write_source(fp, src, &rows, &err);
    wl_source_destroy(src);
    fclose(fp);
    if (wl_csv_source_open(&src, path, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        remove(path);
        return 1;
    }
    t0 = sim_wall_seconds();
    n = drain(src);
    dt = sim_wall_seconds() - t0;
    sim_status st = wl_source_status(src, &err);
    wl_source_destroy(src);
    remove(path);
    if (st != SIM_OK || n != rows) {
        sim_error_print(&err, stderr);
        return 1;
    }
    printf("BENCH trace_csv_rows_per_s %.4g rows/s\n", (double)n / dt);
    double rss = peak_rss_mb();
    printf("BENCH trace_peak_rss_mb %.1f MB\n", rss);
    printf("BENCH trace_rss_growth_mb %.1f MB\n", rss - rss_one_day);
    return 0;
}
