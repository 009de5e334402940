/* wl_trace.h - describing a trace: the figures `lambdasim trace stats` prints.
 *
 * Rates are computed per minute (README "Workloads and traces"): the count
 * of arrivals in each whole minute from the first arrival's minute to the
 * last one's, divided by 60.  p50/p99 interpolate linearly between order
 * statistics of those minutes.  For Azure 2019 the minute counts come straight from the
 * file (no expansion), so the figures are exact and instant.
 */
#ifndef WL_TRACE_H
#define WL_TRACE_H

#include <stdint.h>

#include "workloads/trace/wl_azure.h"
#include "workloads/trace/wl_source.h"

typedef struct wl_trace_stats {
    uint64_t invocations;      /* arrivals (all ops) */
    uint32_t functions;        /* distinct functions named */
    double first_s, last_s;    /* first and last arrival (0 when empty) */
    double duration_s;         /* last - first; minutes * 60 for Azure 2019 */
    uint64_t minutes;          /* minutes the rates are taken over */
    double rate_mean, rate_p50, rate_p99, rate_max;   /* per second */
    uint64_t ops[WL_OP_COUNT];
    uint64_t bytes;            /* sum of bytes */
} wl_trace_stats;

/* Drain src and describe it; returns the source's status. */
sim_status wl_trace_stats_source(wl_source *src, wl_trace_stats *st, sim_error *err);

/* Describe an Azure 2019 table from its minute counts. */
void wl_trace_stats_az19(const wl_az19 *az, wl_trace_stats *st);

#endif /* WL_TRACE_H */
