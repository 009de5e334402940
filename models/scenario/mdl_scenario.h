/* mdl_scenario.h - one replication of a run config on its own engine.
 *
 * mdl_scenario_create builds the services (Lambda, the entry and its
 * source, SQS, Step Functions: mdl_service.h) on a fresh sim_engine seeded
 * from (seed, replication); mdl_scenario_run runs to duration_s;
 * mdl_scenario_results serialises every figure (README "What it reports").  Nothing is shared between scenarios, so sweeps may run many at
 * once on different threads.
 */
#ifndef MDL_SCENARIO_H
#define MDL_SCENARIO_H

#include <stdint.h>
#include <stdio.h>

#include "models/pricing/mdl_bill.h"
#include "models/pricing/mdl_meter.h"
#include "models/config/mdl_config.h"
#include "sim/sim_jw.h"

typedef struct mdl_scenario mdl_scenario;


sim_status mdl_scenario_create(const mdl_config *cfg, uint64_t seed, uint64_t replication,
                               mdl_scenario **out, sim_error *err);
void mdl_scenario_destroy(mdl_scenario *s);

/* Write one CSV row per finished invocation (Lambda REPORT fields) to fp,
 * which the caller owns, after a header row written when the run starts.
 * Call before run. */
void mdl_scenario_set_log(mdl_scenario *s, FILE *fp);

/* One entry's part of a time-series row. */
typedef struct mdl_ts_entry {
    double arrivals;          /* arrivals in the interval */
    double completed, failed; /* responses in the interval */
    double in_flight;         /* requests awaiting their response, at the end */
    double flows_completed, flows_failed;   /* flows finished in the interval */
    double flows_in_flight;   /* flows still running, at the end */
} mdl_ts_entry;

/* One row of the time series: the state at the end of each interval. */
typedef struct mdl_ts_row {
    double t_s;               /* end of the interval */
    double arrivals;          /* arrivals in the interval */
    double completed, failed; /* finished in the interval */
    double throttles;         /* throttles in the interval (all functions) */
    double instances;         /* execution environments alive (all functions) */
    double running;           /* busy environments */
    double queue_depth;       /* visible messages (all queues) */
    double consumers;         /* workers / ESM pollers alive */
    double gb_s;              /* Lambda GB-s billed so far (cumulative) */
    double requests_billed;   /* Lambda requests billed so far (cumulative) */
    double flows_completed, flows_failed;   /* flows finished in the interval (all entries) */
    double flows_in_flight;   /* flows still running */
    int nentry;               /* the config's entries, in order */
    mdl_ts_entry entry[MDL_MAX_ENTRIES];
} mdl_ts_row;

/* Sample the time series every interval_s seconds (call before run). */
void mdl_scenario_enable_timeseries(mdl_scenario *s, double interval_s);
/* The rows recorded (owned by the scenario). */
const mdl_ts_row *mdl_scenario_timeseries(const mdl_scenario *s, size_t *n);

/* Call cb(ctx, simulated time, end time) about 100 times during the run
 * (for a progress bar).  The run is cut into chunks at those times, which
 * changes no result: no event is added. */
void mdl_scenario_set_progress(mdl_scenario *s, void (*cb)(void *ctx, double t, double end),
                               void *ctx);

/* Run to the config's duration, then bill it.  Errors: a trace that turns
 * out bad mid-run, a rate the region's catalogue lacks (named). */
sim_status mdl_scenario_run(mdl_scenario *s, sim_error *err);

/* Every figure of `run --format json` (README "What it reports"; caller owns). */
json_object *mdl_scenario_results(const mdl_scenario *s);
/* The same figures as members of w's open root object, in the same order:
 * streamed with a text writer, the results of many functions need no tree
 * (sim_jw.h).  The caller may add members before and after, and finishes w. */
void mdl_scenario_results_write(const mdl_scenario *s, sim_jw *w);

/* What the run metered (the meter's usage, reset at the end of the warm-up)
 * and its bill, computed at the end of the run (NULL before). */
const mdl_usage *mdl_scenario_usage(const mdl_scenario *s);
const mdl_bill *mdl_scenario_bill(const mdl_scenario *s);
/* The month's bill (README "The month"): the span's flows scaled to 730
 * hours, every stock at its average over month billing.month_index. */
const mdl_bill *mdl_scenario_bill_month(const mdl_scenario *s);
uint64_t mdl_scenario_events(const mdl_scenario *s);

/* Trace functions that will get a function of their own
 * (workload.trace.function_template; mdl_source_trace_clones), known once
 * the scenario is built, so that a caller can warn before a run whose
 * memory grows with them: about MDL_TRACE_FUNCTION_BYTES each, the
 * function's state and statistics plus its part of the results document
 * and of its JSON text (measured: README "Benchmarks", Many functions). */
#define MDL_TRACE_FUNCTION_BYTES (12 * 1024)
uint32_t mdl_scenario_trace_clones(const mdl_scenario *s);

/* After the run: cb(ctx, name, timeouts) for each config function whose
 * invocations hit a timeout left at AWS's default of 3 s (so a caller can
 * warn that the handler may need longer).  Trace clones are not named. */
void mdl_scenario_default_timeouts(const mdl_scenario *s,
                                   void (*cb)(void *ctx, const char *name, uint64_t timeouts),
                                   void *ctx);

#endif /* MDL_SCENARIO_H */
