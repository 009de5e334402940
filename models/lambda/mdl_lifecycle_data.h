/* mdl_lifecycle_data.h - what per-invocation measurements say about the
 * life of Lambda execution environments (issue 22).
 *
 * Input: the compact per-invocation form of data/aws_lambda_2020/ (README
 * there): one CSV per run, a header `arrival_s,env,cold,start_ms,
 * handler_ms,client_ms,aws_ms,uptime_s`, rows sorted by arrival_s.  Any
 * measurement of that shape works (a run of your own, a fixture).
 *
 * Output: per run, the figures a lifecycle model must reproduce (requests,
 * cold starts, P(cold), mean instances, environment lifetimes, idle gaps,
 * which idle environment served, the cold penalty), and, pooled over runs,
 * the estimates the `aws-2020` preset of mdl_lifecycle.h is made of (the
 * keep-alive of a lone environment, the keep-alive in a pool, the maximum
 * lifetime, how often a recycled environment is replaced ahead of time).
 *
 * Definitions (the README section "How close to AWS" states them too):
 *  - times: arrival_s is the client's send time; an invocation occupies its
 *    environment from its in-handler start to its in-handler end (the
 *    server's clock); idle gaps are measured on that clock.
 *  - cold: the data's is_cold, the first invocation of an environment.  A
 *    cold invocation whose client time exceeds Lambda's Duration by less
 *    than `prewarm_overhead_ms` saw no INIT: its environment had been
 *    initialised ahead (pre-warmed); the others are "slow" colds.
 *  - death bound: an environment is surely gone at the first cold start
 *    after its last use (Lambda never starts one while an environment is
 *    idle: checked, 0 of 458).  A bound below `planned_gap_s` cannot be idle
 *    expiry (no lone environment ever expired that early), so that death
 *    was planned: a recycled environment.
 *  - life (for mean instances): from its first arrival to the earliest of
 *    last use + `keep_alive_s`, the death bound and the run's end; the upper
 *    variant replaces keep_alive_s by `max_idle_s`.
 *  - lone / pool: an idle period is lone when no other environment's life
 *    covers its start.
 *  - waited: a warm invocation whose environment was still busy with its
 *    previous invocation (server clock) when the request was sent: Lambda
 *    found no idle environment, and instead of starting one the request
 *    waited for this one to free.  Its placement delay is its start delay
 *    (handler start minus send) minus the median start delay of the warm
 *    invocations that did not wait; only waits that ended at least
 *    `placed_margin_s` after the environment freed estimate it (the others
 *    were set by the environment).
 *
 * Cost: reading is linear; the per-run analysis is O(n log n + n * envs);
 * the pooled estimates run an EM (Turnbull's NPMLE) over a few hundred
 * intervals.  Everything is allocated by the caller's calls and freed by
 * the matching free; nothing is global.
 */
#ifndef MDL_LIFECYCLE_DATA_H
#define MDL_LIFECYCLE_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/sim_status.h"

/* One invocation, on the run's clock (seconds from its first arrival). */
typedef struct mdl_lcd_inv {
    double t;             /* client send time */
    double start, end;    /* in-handler start and end */
    double client_end;    /* t + client time */
    double client_ms, aws_ms, uptime_s;
    int env;
    bool cold;
} mdl_lcd_inv;

typedef struct mdl_lcd_run {
    char name[256];       /* the file's base name without .csv */
    mdl_lcd_inv *inv;     /* owned */
    size_t n;
    int nenv;
} mdl_lcd_run;

/* Read one run.  Errors name the file, line and column: a missing column,
 * a non-number, arrivals out of order, env ids that skip (they must be
 * 0, 1, ... in order of first use), cold not 0/1, an empty file. */
sim_status mdl_lcd_read(mdl_lcd_run *run, const char *path, sim_error *err);
void mdl_lcd_free(mdl_lcd_run *run);

/* Analysis thresholds; mdl_lcd_opts_default gives the values used for
 * data/aws_lambda_2020 (their reasons are in the .c). */
typedef struct mdl_lcd_opts {
    double keep_alive_s;        /* assumed final idle time of a life (640) */
    double max_idle_s;          /* the upper variant's (1560) */
    double route_margin_s;      /* an environment counts as idle this long before (0.2) */
    double prewarm_overhead_ms; /* client minus Duration below this: no INIT seen (250) */
    double planned_gap_s;       /* a death bound below this is a recycle (600) */
    double placed_margin_s;     /* a wait ending this long after its environment freed was
                                 * the placement's (0.05) */
} mdl_lcd_opts;

mdl_lcd_opts mdl_lcd_opts_default(void);

/* Quantiles p0, p10, p50, p90, p100 (linear between order statistics), and
 * the finer set of the pooled client times (for a percentiles config). */
#define MDL_LCD_NQ 5
extern const double mdl_lcd_qprobs[MDL_LCD_NQ];
#define MDL_LCD_NSQ 12
extern const double mdl_lcd_sprobs[MDL_LCD_NSQ];

typedef struct mdl_lcd_stats {
    size_t requests, cold, cold_prewarmed;
    int envs;
    double span_s;              /* first arrival to last client end */
    double rate_per_s;          /* requests / (last arrival - first arrival) */
    double p_cold;
    double mean_inst, mean_inst_hi, mean_busy;
    double life_min_q[MDL_LCD_NQ];  /* first arrival -> last client end, minutes */
    int lives_over_2h;
    double gap_s_q[MDL_LCD_NQ];     /* idle gaps between uses, server clock */
    size_t ngaps;
    size_t route_choices, route_mru, route_lru, route_newest, route_other;
    size_t cold_while_idle;     /* cold starts while another environment was idle */
    double warm_client_ms, cold_client_ms, slow_cold_client_ms;   /* means */
    int deaths_planned, deaths_idle, deaths_open;   /* open: no cold start after */
    size_t waited;              /* warm invocations that waited for their busy environment */
    double warm_delay_ms;       /* median start delay of the warm ones that did not */
} mdl_lcd_stats;

/* Analyse one run. */
void mdl_lcd_analyze(const mdl_lcd_run *run, const mdl_lcd_opts *o, mdl_lcd_stats *st);

/* A distribution estimated on bins (edge[j-1], edge[j]], j = 1..nbins, the
 * last edge may be INFINITY: mass[j-1] is the probability of bin j. */
typedef struct mdl_lcd_npmle {
    double *edge;               /* nbins + 1, owned */
    double *mass;               /* nbins, owned */
    size_t nbins, nobs;
    int iterations;
} mdl_lcd_npmle;

/* Turnbull's nonparametric MLE from interval-censored observations: each
 * value lies in (lo[i], hi[i]] (hi = INFINITY: right-censored).  Observations
 * overlapping no bin are ignored.  EM until no mass moves by more than tol,
 * at most max_iter rounds.  `est` is initialised here (free with
 * mdl_lcd_npmle_free).  Cost O(iterations * n * bins). */
void mdl_lcd_npmle_fit(mdl_lcd_npmle *est, const double *edge, size_t nbins, const double *lo,
                       const double *hi, size_t n, int max_iter, double tol);
void mdl_lcd_npmle_free(mdl_lcd_npmle *est);
/* P(X > x) from the estimate (mass spread uniformly within a bin). */
double mdl_lcd_npmle_survival(const mdl_lcd_npmle *est, double x);
/* The p-quantile (linear within a bin; INFINITY if in an open bin); p = 0
 * and p = 1 give the ends of the support (bins holding more than 1e-6). */
double mdl_lcd_npmle_quantile(const mdl_lcd_npmle *est, double p);

/* Pooled over runs: what the aws-2020 preset is made of. */
typedef struct mdl_lcd_pooled {
    /* idle periods of a lone environment */
    size_t lone_gaps, lone_gaps_over_600;
    double lone_survived_max_s;     /* longest idle gap a lone environment survived */
    size_t lone_deaths;             /* lone deaths with a bound >= planned_gap_s */
    double lone_died_min_s;         /* shortest such bound */
    double pool_survived_max_s;     /* longest idle gap survived in a pool */
    mdl_lcd_npmle pool_keep_alive;  /* seconds, support >= planned_gap_s */
    mdl_lcd_npmle max_lifetime;     /* minutes since the first use, slow colds only */
    size_t planned_deaths, prewarmed_colds, colds, slow_colds;
    size_t route_choices, route_mru;
    double warm_client_ms, slow_cold_client_ms, cold_client_ms, prewarmed_client_ms;
    double warm_client_q[MDL_LCD_NSQ], cold_client_q[MDL_LCD_NSQ], slow_cold_client_q[MDL_LCD_NSQ];
    /* client time minus Duration (ms), warm and cold: where the 250 ms comes from */
    double warm_overhead_q[MDL_LCD_NSQ], cold_overhead_q[MDL_LCD_NSQ];
    /* the microVM's uptime at a cold start (s), slow and pre-warmed */
    double slow_uptime_q[MDL_LCD_NQ], prewarmed_uptime_q[MDL_LCD_NQ];
    /* requests that waited for a busy environment rather than start one */
    size_t waited, placed;          /* all, and those whose wait was the placement's */
    double placement_q[MDL_LCD_NSQ];    /* the placement delay (ms) of the latter */
} mdl_lcd_pooled;

void mdl_lcd_pool(const mdl_lcd_run *runs, size_t nruns, const mdl_lcd_opts *o,
                  mdl_lcd_pooled *out);
void mdl_lcd_pooled_free(mdl_lcd_pooled *p);

#endif /* MDL_LIFECYCLE_DATA_H */
