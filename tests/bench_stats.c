/* bench_stats.c - cost of one histogram sample, side by side with log().
 *
 * Every Lambda invocation adds three samples to latency histograms, so
 * sim_hist_add is on the simulator's hot path.  Times sim_hist_add over
 * 64 passes of 65,536 lognormal latencies (median 200 ms, the shape of real handler
 * durations) and, in the same run, the defining expression
 * ceil(log(x) / ln g) on the same samples (sim_hist_bucket_exact: what
 * every sample cost before bucketing moved to the exponent bits), by CPU
 * time, best of 5 alternating rounds.  Prints
 *   BENCH hist_add_ns        ns per sim_hist_add
 *   BENCH hist_bucket_vs_log bucketing / exact expression (lower is better)
 *   BENCH hist_bytes         bytes held by that histogram (paged buckets)
 */
#include "sim/sim_io.h"
#include "sim/sim_rng.h"
#include "sim/sim_stats.h"

#include <gsl/gsl_randist.h>
#include <stdio.h>
#include <stdlib.h>

#define NS 65536     /* samples, 512 KB: cache-resident, so bucketing is timed */
#define PASSES 64
#define ROUNDS 5

int main(void)
{
    gsl_rng *r = sim_rng_create(7, 0, "bench_stats");
    double *x = sim_xmalloc(NS * sizeof *x);
    for (int i = 0; i < NS; i++) x[i] = gsl_ran_lognormal(r, 5.3, 0.6);
    gsl_rng_free(r);
    sim_hist *h = sim_hist_create(1e-3);
    double best_add = 1e300, best_bucket = 1e300, best_exact = 1e300;
    long sink = 0;
    for (int round = 0; round < ROUNDS; round++) {
        sim_hist_clear(h);
        double t0 = sim_cpu_seconds();
        for (int p = 0; p < PASSES; p++)
            for (int i = 0; i < NS; i++) sim_hist_add(h, x[i]);
        double t1 = sim_cpu_seconds();
        for (int p = 0; p < PASSES; p++)
            for (int i = 0; i < NS; i++) sink += sim_hist_bucket(h, x[i]);
        double t2 = sim_cpu_seconds();
        for (int p = 0; p < PASSES; p++)
            for (int i = 0; i < NS; i++) sink -= sim_hist_bucket_exact(h, x[i]);
        double t3 = sim_cpu_seconds();
        if (t1 - t0 < best_add) best_add = t1 - t0;
        if (t2 - t1 < best_bucket) best_bucket = t2 - t1;
        if (t3 - t2 < best_exact) best_exact = t3 - t2;
    }
    /* The two bucket loops summed the same indices with opposite signs. */
    if (sink != 0) {
        fprintf(stderr, "bench_stats: bucketing differs from the exact rule\n");
        return 1;
    }
    printf("BENCH hist_add_ns %.2f ns\n", 1e9 * best_add / NS / PASSES);
    printf("BENCH hist_bucket_vs_log %.3f x\n", best_bucket / best_exact);
    printf("BENCH hist_bytes %zu bytes\n", sim_hist_memory(h));
    fprintf(stderr, "bench_stats: bucket %.2f ns, exact expression %.2f ns, p50 %.1f ms\n",
            1e9 * best_bucket / NS / PASSES,
            1e9 * best_exact / NS / PASSES, sim_hist_quantile(h, 0.5));
    sim_hist_destroy(h);
    free(x);
    return 0;
}
