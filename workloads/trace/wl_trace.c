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

/* The per-minute counts of a trace, sorted, as `zeros` empty minutes
 * followed by the non-empty ones: element k of that multiset. */
static double count_at(const uint64_t *nonzero, uint64_t zeros, size_t k)
{
    return k < zeros ? 0.0 : (double)nonzero[k - zeros];
}

/* Linear interpolation between order statistics (Hyndman & Fan type 7). */
static double quantile_sorted(const uint64_t *nonzero, uint64_t zeros, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    if (lo + 1 >= n) return count_at(nonzero, zeros, n - 1);
    double f = pos - (double)lo;
    double a = count_at(nonzero, zeros, lo), b = count_at(nonzero, zeros, lo + 1);
    return a + f * (b - a);
}

/* Fill the rate fields from the counts of the nn non-empty minutes out of
 * n (sorted in place). */
static void rates_from_minutes(wl_trace_stats *st, uint64_t *nonzero, size_t nn, uint64_t n)
{
    st->minutes = n;
    if (n == 0) return;
    uint64_t sum = 0;
    for (size_t i = 0; i < nn; i++) sum += nonzero[i];
    qsort(nonzero, nn, sizeof *nonzero, cmp_u64);
    uint64_t zeros = n - nn;
    st->rate_mean = (double)sum / (double)n / 60.0;
    st->rate_p50 = quantile_sorted(nonzero, zeros, (size_t)n, 0.50) / 60.0;
    st->rate_p99 = quantile_sorted(nonzero, zeros, (size_t)n, 0.99) / 60.0;
    st->rate_max = (double)(nn ? nonzero[nn - 1] : 0) / 60.0;
}

/* Sources deliver arrivals in time order, so the minutes come in order too:
 * only the non-empty minutes are kept, and the empty ones are counted.  Memory
 * is bounded by the arrivals, whatever the time span (a single timestamp of
 * 1e15 s once asked for 1.6e13 counters and aborted). */
sim_status wl_trace_stats_source(wl_source *src, wl_trace_stats *st, sim_error *err)
{
    memset(st, 0, sizeof *st);
    uint64_t *counts = NULL;
    size_t cap = 0, nn = 0;
    double m0 = 0, mlast = 0;
    wl_arrival a;
    while (wl_source_next(src, &a)) {
        double m = floor(a.t_s / 60.0);
        if (st->invocations == 0) {
            st->first_s = a.t_s;
            m0 = mlast = m;
        }
        SIM_ASSERT(m >= mlast);   /* sources are sorted by time (wl_source.h) */
        st->last_s = a.t_s;
        st->invocations++;
        if ((unsigned)a.op < WL_OP_COUNT) st->ops[a.op]++;
        st->bytes += a.bytes;
        if (nn == 0 || m > mlast) {
            if (nn == cap) {
                cap = cap ? 2 * cap : 1024;
                counts = sim_xrealloc(counts, cap * sizeof *counts);
            }
            counts[nn++] = 0;
            mlast = m;
        }
        counts[nn - 1]++;
    }
    sim_status s = wl_source_status(src, err);
    st->functions = wl_source_function_count(src);
    st->duration_s = st->last_s - st->first_s;
    /* Minutes spanned; beyond 2^53 a double no longer counts them exactly,
     * and a trace that long is refused by the number of its empty minutes. */
    double span = nn ? mlast - m0 + 1 : 0;
    if (span > 0x1p53 && s == SIM_OK)
        s = SIM_ERR(err, SIM_ERANGE, wl_source_label(src), 0, "timestamp_s",
                    "the trace spans %.3g minutes: too long to describe", span);
    if (s == SIM_OK) rates_from_minutes(st, counts, nn, (uint64_t)span);
    free(counts);
    return s;
}

void wl_trace_stats_az19(const wl_az19 *az, wl_trace_stats *st)
{
    memset(st, 0, sizeof *st);
    uint32_t nm = wl_az19_minute_count(az);
    uint64_t *counts = sim_xmalloc((nm ? nm : 1) * sizeof *counts);
    size_t nn = 0;
    for (uint32_t m = 0; m < nm; m++) {
        uint64_t c = wl_az19_minute_total(az, m);
        if (c) counts[nn++] = c;
    }
    st->invocations = wl_az19_total(az);
    st->ops[WL_OP_INVOKE] = st->invocations;
    st->functions = wl_az19_function_count(az);
    st->first_s = 0;
    st->last_s = 60.0 * nm;
    st->duration_s = 60.0 * nm;
    rates_from_minutes(st, counts, nn, nm);
    free(counts);
}

