/* wl_trace.c - trace statistics (what `lambdasim trace stats` prints).
 *
 * Statistics keep one counter per minute of trace (a month is 43,200
 * counters), so describing a trace costs memory in its time span, never in
 * its number of arrivals.
 */
#include "workloads/trace/wl_trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Linear interpolation between order statistics (Hyndman & Fan type 7). */
static double quantile_sorted(const uint64_t *v, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    if (lo + 1 >= n) return (double)v[n - 1];
    double f = pos - (double)lo;
    return (double)v[lo] + f * ((double)v[lo + 1] - (double)v[lo]);
}

/* Fill the rate fields from per-minute counts (sorted in place). */
static void rates_from_minutes(wl_trace_stats *st, uint64_t *counts, size_t n)
{
    st->minutes = n;
    if (n == 0) return;
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) sum += counts[i];
    qsort(counts, n, sizeof *counts, cmp_u64);
    st->rate_mean = (double)sum / (double)n / 60.0;
    st->rate_p50 = quantile_sorted(counts, n, 0.50) / 60.0;
    st->rate_p99 = quantile_sorted(counts, n, 0.99) / 60.0;
    st->rate_max = (double)counts[n - 1] / 60.0;
}

sim_status wl_trace_stats_source(wl_source *src, wl_trace_stats *st, sim_error *err)
{
    memset(st, 0, sizeof *st);
    uint64_t *counts = NULL;
    size_t cap = 0, n = 0, m0 = 0;
    wl_arrival a;
    while (wl_source_next(src, &a)) {
        size_t m = (size_t)floor(a.t_s / 60.0);
        if (st->invocations == 0) {
            st->first_s = a.t_s;
            m0 = m;
        }
        st->last_s = a.t_s;
        st->invocations++;
        if ((unsigned)a.op < WL_OP_COUNT) st->ops[a.op]++;
        st->bytes += a.bytes;
        size_t i = m - m0;
        if (i >= cap) {
            size_t nc = cap ? 2 * cap : 1024;
            while (nc <= i) nc *= 2;
            counts = sim_xrealloc(counts, nc * sizeof *counts);
            memset(counts + cap, 0, (nc - cap) * sizeof *counts);
            cap = nc;
        }
        counts[i]++;
        if (i + 1 > n) n = i + 1;
    }
    sim_status s = wl_source_status(src, err);
    st->functions = wl_source_function_count(src);
    st->duration_s = st->last_s - st->first_s;
    rates_from_minutes(st, counts, n);
    free(counts);
    return s;
}

void wl_trace_stats_az19(const wl_az19 *az, wl_trace_stats *st)
{
    memset(st, 0, sizeof *st);
    uint32_t nm = wl_az19_minute_count(az);
    uint64_t *counts = sim_xmalloc((nm ? nm : 1) * sizeof *counts);
    for (uint32_t m = 0; m < nm; m++) counts[m] = wl_az19_minute_total(az, m);
    st->invocations = wl_az19_total(az);
    st->ops[WL_OP_INVOKE] = st->invocations;
    st->functions = wl_az19_function_count(az);
    st->first_s = 0;
    st->last_s = 60.0 * nm;
    st->duration_s = 60.0 * nm;
    rates_from_minutes(st, counts, nm);
    free(counts);
}

