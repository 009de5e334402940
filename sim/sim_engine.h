/* sim_engine.h - one simulation replication: clock, events, RNG, stats.
 *
 * The engine knows nothing about AWS.  It orders events and hands each one
 * to the component it targets (a function, a queue, a front door...), in
 * the spirit of ROSS's tw_lptype.  Everything a replication mutates lives
 * here, so one engine per replication makes OpenMP sweeps safe by
 * construction: there are no mutable globals anywhere in lambdasim.
 *
 * Time is a double in seconds.  Scheduling into the past is a bug and is
 * caught by an assertion that prints the simulated time.
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/sim_eventq.h"
#include "sim/sim_stats.h"
#include "sim/sim_status.h"

typedef struct sim_engine sim_engine;

/* A component's event handler.  `self` is what was registered. */
typedef void (*sim_handler_fn)(sim_engine *e, void *self, const sim_event *ev);

/* A hint that event ev of component self may come next: start loading
 * what its handler will read (__builtin_prefetch; never a result). */
typedef void (*sim_prefetch_fn)(const void *self, const sim_event *ev);

typedef struct sim_component_ops {
    const char *kind;           /* "lambda", "sqs", ... (for diagnostics) */
    sim_handler_fn on_event;
    sim_prefetch_fn prefetch;   /* optional (NULL: the first lines of self) */
} sim_component_ops;

/* Create an engine for (seed, replication). */
sim_engine *sim_engine_create(uint64_t seed, uint64_t replication);
void sim_engine_destroy(sim_engine *e);

/* Register a component; returns its index, the `target` of its events.  The
 * engine does not own `self`. */
uint32_t sim_engine_add_component(sim_engine *e, const sim_component_ops *ops, void *self);

/* The clock, read inline (handlers ask for it several times per event):
 * the engine's first member (sim_engine.c asserts it), otherwise opaque. */
typedef struct sim_engine_clock {
    double now;
} sim_engine_clock;

static inline double sim_engine_now(const sim_engine *e)
{
    return ((const sim_engine_clock *)(const void *)e)->now;
}
uint64_t sim_engine_seed(const sim_engine *e);
uint64_t sim_engine_replication(const sim_engine *e);

/* Schedule at absolute time t >= now, or after a delay >= 0. */
sim_handle sim_engine_at(sim_engine *e, double t, uint32_t type, uint32_t target,
                         uint64_t arg);
sim_handle sim_engine_after(sim_engine *e, double delay, uint32_t type,
                            uint32_t target, uint64_t arg);
void sim_engine_cancel(sim_engine *e, sim_handle h);

/* Run events with time <= t_end (in time order), then set the clock to
 * t_end.  Returns the number of events dispatched.  Stops early if a handler
 * calls sim_engine_stop. */
uint64_t sim_engine_run(sim_engine *e, double t_end);
void sim_engine_stop(sim_engine *e);

/* Events dispatched so far, and events pending. */
uint64_t sim_engine_events(const sim_engine *e);
size_t sim_engine_pending(const sim_engine *e);

/* The named RNG stream, created on first use from (seed, replication,
 * name).  Owned by the engine.  Cost: one hash of the name and an O(1)
 * table probe (creation allocates the stream); meant for build time and
 * for a component's first use of a stream, not for every event. */
gsl_rng *sim_engine_rng(sim_engine *e, const char *name);

/* The statistics registry, owned by the engine. */
sim_stats *sim_engine_stats(sim_engine *e);

/* Assert with the engine's clock in the message. */
#define SIM_ENGINE_ASSERT(e, cond) SIM_ASSERT_AT(sim_engine_now(e), cond)

#endif /* SIM_ENGINE_H */
