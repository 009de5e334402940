/* sim_eventq.h - the future event list: an array binary heap of small PODs.
 *
 * Why a plain binary heap: for the pending-set sizes lambdasim sees (10^2 to
 * 10^6) an array heap of 32-byte entries beats trees and calendar queues on a
 * modern CPU (~12 M ops/s at 1 K pending, ~2.5 M at 1 M on the development VM;
 * README "Benchmarks", Engine).
 *
 * Order: (time, seq).  `seq` is a per-queue counter given at push, so events
 * at equal times pop in FIFO order and runs are deterministic.
 *
 * Costs: push O(log n), pop O(log n), both allocation-free once the array has
 * grown to the high-water mark (capacity doubles, never shrinks).  A push
 * right after a pop (the usual: a handler schedules its next event) fills
 * the popped root and costs one sift-down for the two (sim_eventq.c).
 *
 * Cancellation is lazy, by handle: sim_eventq_cancel(q, h) records h in a
 * small open-addressing hash set, O(1) expected.  The cancelled entry stays in
 * the heap until it reaches the top, where pop discards it (and removes it from
 * the set).  While no cancellation is pending, pop pays one branch.  A handle
 * must name an event that is still pending: cancelling a delivered event is a
 * caller bug (caught by sim_eventq_cancel's debug check in test builds).  Models
 * that cancel very often (timers re-armed on every request) should prefer a
 * generation counter in `arg`, checked by the handler: that costs nothing here.
 */
#ifndef SIM_EVENTQ_H
#define SIM_EVENTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One scheduled event.  Exposed because the engine and handlers read it;
 * payloads live elsewhere (e.g. a request pool) and are named by `arg`. */
typedef struct sim_event {
    double   t;      /* simulated time, seconds */
    uint64_t seq;    /* FIFO tie-break; also the cancellation handle */
    uint32_t type;   /* handler-defined event type */
    uint32_t target; /* component index in the engine */
    uint64_t arg;    /* handler-defined: request index, generation, ... */
} sim_event;

typedef uint64_t sim_handle;

typedef struct sim_eventq sim_eventq;

/* Create with room for `initial_capacity` pending events (0 = small default). */
sim_eventq *sim_eventq_create(size_t initial_capacity);
void sim_eventq_destroy(sim_eventq *q);

/* Remove every event; keeps the capacity; the seq counter keeps counting. */
void sim_eventq_clear(sim_eventq *q);

/* Schedule an event; returns its handle (its seq). */
sim_handle sim_eventq_push(sim_eventq *q, double t, uint32_t type,
                           uint32_t target, uint64_t arg);

/* Pop the earliest live event into *out.  Returns false when empty. */
bool sim_eventq_pop(sim_eventq *q, sim_event *out);

/* Pop the earliest live event into *out if its time is <= t_end; false
 * (nothing popped) when empty or when the earliest is later. */
bool sim_eventq_pop_until(sim_eventq *q, double t_end, sim_event *out);

/* Peek at the earliest live event without removing it (discards cancelled
 * entries on the way).  Returns false when empty. */
bool sim_eventq_peek(sim_eventq *q, sim_event *out);

/* Cancel a pending event by handle (lazy; see the file comment). */
void sim_eventq_cancel(sim_eventq *q, sim_handle h);

/* Live (not cancelled) pending events. */
size_t sim_eventq_size(const sim_eventq *q);

/* After a pop: the events that may come next if nothing earlier is pushed
 * (the vacant root's children), for prefetching their targets' state;
 * returns how many (0-2) were put in out.  Reads only. */
int sim_eventq_next_candidates(const sim_eventq *q, const sim_event *out[2]);

/* Turn on an O(n) check that cancelled handles are really pending (tests). */
void sim_eventq_set_paranoid(sim_eventq *q, bool on);

#endif /* SIM_EVENTQ_H */
