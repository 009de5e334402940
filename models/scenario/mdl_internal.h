/* mdl_internal.h - the scenario core's private insides (models/scenario/ core only).
 *
 * mdl_scenario.c owns struct mdl_scenario: the services' shared state
 * (mdl_core, the part services see through mdl_service.h) and what only the
 * core touches: the services' table, the run's control component, the
 * failure of a run, the bills, the progress callback and the time series.
 * No service folder includes this header (scripts/check-layers.sh).
 */
#ifndef MDL_INTERNAL_H
#define MDL_INTERNAL_H

#include "models/scenario/mdl_scenario.h"
#include "models/scenario/mdl_service.h"

struct mdl_scenario {
    mdl_core core;                      /* first: a service's mdl_core * is the scenario */
    uint32_t comp_ctl;                  /* warm-up and time-series events */
    bool failed;                        /* a service stopped the run (mdl_core_fail) */
    sim_error fail_err;
    mdl_bill *bill;                     /* the simulated period */
    mdl_bill *bill_month;               /* month N: flows scaled, stocks averaged */
    struct {                            /* the month's stocks (README "The month") */
        double initial_gb, growth_gb, avg_gb;
    } month_stock[MDL_STOCK_COUNT];
    double month_scale;                 /* 730 h over the measured span */
    /* progress callback */
    void (*progress)(void *ctx, double t, double end);
    void *progress_ctx;
    /* time series */
    double ts_interval;
    mdl_ts_row *ts;
    size_t nts, capts;
    mdl_levels ts_last;                 /* the counts at the last sample */
};

/* The emitter (mdl_emit.c): created before the services (its origin is
 * MDL_ORIGIN_EMIT), destroyed after them. */
void mdl__emit_create(mdl_core *c);
void mdl__emit_destroy(mdl_core *c);

#endif /* MDL_INTERNAL_H */
