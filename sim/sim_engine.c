/* sim_engine.c - the replication object and its dispatch loop. */
#include "sim/sim_engine.h"
#include "sim/sim_rng.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct component {
    const sim_component_ops *ops;
    void *self;
} component;

typedef struct stream {
    uint64_t id;                /* sim_stream_id(name): the seed's input and the hash */
    char *name;
    gsl_rng *r;
} stream;

struct sim_engine {
    sim_engine_clock clock;     /* first: sim_engine_now reads it inline */
    uint64_t seed, replication;
    sim_eventq *q;
    uint64_t events;
    bool stop;
    component *comp;
    uint32_t ncomp, capcomp;
    stream *streams;
    size_t nstreams, capstreams;
    uint32_t *slots;            /* open addressing on the stream id: index+1, 0 = empty */
    size_t nslots;              /* a power of two, at least twice nstreams */
    sim_stats *stats;
};

_Static_assert(offsetof(struct sim_engine, clock) == 0, "sim_engine_now reads the first member");

sim_engine *sim_engine_create(uint64_t seed, uint64_t replication)
{
    sim_engine *e = sim_xcalloc(1, sizeof *e);
    e->seed = seed;
    e->replication = replication;
    e->q = sim_eventq_create(1024);
    e->stats = sim_stats_create();
    return e;
}

void sim_engine_destroy(sim_engine *e)
{
    if (!e) return;
    sim_eventq_destroy(e->q);
    for (size_t i = 0; i < e->nstreams; i++) {
        gsl_rng_free(e->streams[i].r);
        free(e->streams[i].name);
    }
    free(e->streams);
    free(e->slots);
    free(e->comp);
    sim_stats_destroy(e->stats);
    free(e);
}

uint32_t sim_engine_add_component(sim_engine *e, const sim_component_ops *ops, void *self)
{
    SIM_ASSERT(ops && ops->on_event);
    if (e->ncomp == e->capcomp) {
        e->capcomp = e->capcomp ? 2 * e->capcomp : 8;
        e->comp = sim_xrealloc(e->comp, e->capcomp * sizeof *e->comp);
    }
    e->comp[e->ncomp] = (component){ ops, self };
    return e->ncomp++;
}

uint64_t sim_engine_seed(const sim_engine *e) { return e->seed; }
uint64_t sim_engine_replication(const sim_engine *e) { return e->replication; }
uint64_t sim_engine_events(const sim_engine *e) { return e->events; }
size_t sim_engine_pending(const sim_engine *e) { return sim_eventq_size(e->q); }
sim_stats *sim_engine_stats(sim_engine *e) { return e->stats; }

sim_handle sim_engine_at(sim_engine *e, double t, uint32_t type, uint32_t target,
                         uint64_t arg)
{
    SIM_ASSERT_AT(e->clock.now, t >= e->clock.now);
    SIM_ASSERT_AT(e->clock.now, target < e->ncomp);
    return sim_eventq_push(e->q, t, type, target, arg);
}

sim_handle sim_engine_after(sim_engine *e, double delay, uint32_t type,
                            uint32_t target, uint64_t arg)
{
    SIM_ASSERT_AT(e->clock.now, delay >= 0);
    return sim_engine_at(e, e->clock.now + delay, type, target, arg);
}

void sim_engine_cancel(sim_engine *e, sim_handle h) { sim_eventq_cancel(e->q, h); }

void sim_engine_stop(sim_engine *e) { e->stop = true; }

/* While this event runs, start loading the state of the events that may
 * come next (the heap's candidates): with thousands of functions each
 * event finds its function's state out of cache, and its handler would
 * wait for it (README "Many functions").  Order and results are untouched.
 * With few components their state stays cached and the hints only cost
 * (bench_lambda, one function: 2-4 % slower with them), hence a floor:
 * 256 functions hold about 1.2 MB (4.5 KB each: bench_manyfn's 45 MB for
 * 10,000), most of the development machine's 2 MB L2 per core. */
#define SIM_ENGINE_PREFETCH_MIN_COMPONENTS 256
static inline void prefetch_next(const sim_engine *e)
{
    const sim_event *nx[2];
    int k = sim_eventq_next_candidates(e->q, nx);
    for (int j = 0; j < k; j++) {
        const component *c = &e->comp[nx[j]->target];
        if (c->ops->prefetch) {
            c->ops->prefetch(c->self, nx[j]);
        } else {
            __builtin_prefetch(c->self);
            __builtin_prefetch((const char *)c->self + 64);
        }
    }
}

uint64_t sim_engine_run(sim_engine *e, double t_end)
{
    uint64_t n0 = e->events;
    sim_event ev;
    e->stop = false;
    /* Decided once per run: components added later (a trace's clones) are
     * counted at the next call (a run is cut into chunks). */
    bool prefetch = e->ncomp >= SIM_ENGINE_PREFETCH_MIN_COMPONENTS;
    while (!e->stop && sim_eventq_pop_until(e->q, t_end, &ev)) {
        e->clock.now = ev.t;
        e->events++;
        if (prefetch) prefetch_next(e);
        const component *c = &e->comp[ev.target];
        c->ops->on_event(e, c->self, &ev);
    }
    if (!e->stop && t_end > e->clock.now)
        e->clock.now = t_end;
    return e->events - n0;
}

/* The slot of stream id `id` named `name`: its own, or the empty slot where
 * it goes.  Linear probing from the id's low bits (FNV-1a then mixed, so
 * names differing only at the end still spread). */
static size_t stream_slot(const sim_engine *e, uint64_t id, const char *name)
{
    size_t mask = e->nslots - 1;
    for (size_t k = (size_t)sim_mix64(id) & mask;; k = (k + 1) & mask) {
        uint32_t v = e->slots[k];
        if (!v) return k;
        const stream *s = &e->streams[v - 1];
        if (s->id == id && strcmp(s->name, name) == 0) return k;
    }
}

static void streams_rehash(sim_engine *e)
{
    e->nslots = e->nslots ? 2 * e->nslots : 16;
    free(e->slots);
    e->slots = sim_xcalloc(e->nslots, sizeof *e->slots);
    for (size_t i = 0; i < e->nstreams; i++) {
        size_t mask = e->nslots - 1, k = (size_t)sim_mix64(e->streams[i].id) & mask;
        while (e->slots[k]) k = (k + 1) & mask;
        e->slots[k] = (uint32_t)i + 1;
    }
}

gsl_rng *sim_engine_rng(sim_engine *e, const char *name)
{
    /* The name is hashed once: its FNV-1a id both seeds the stream
     * (sim_rng.h's rule) and finds it in the table, so a look-up or a new
     * stream is O(1) however many streams exist (one per trace function). */
    uint64_t id = sim_stream_id(name);
    if (2 * (e->nstreams + 1) > e->nslots) streams_rehash(e);
    size_t k = stream_slot(e, id, name);
    if (e->slots[k]) return e->streams[e->slots[k] - 1].r;
    if (e->nstreams == e->capstreams) {
        e->capstreams = e->capstreams ? 2 * e->capstreams : 8;
        e->streams = sim_xrealloc(e->streams, e->capstreams * sizeof *e->streams);
    }
    SIM_ASSERT(e->nstreams < UINT32_MAX);
    stream *s = &e->streams[e->nstreams++];
    s->id = id;
    s->name = sim_xstrdup(name);
    s->r = sim_rng_create_id(e->seed, e->replication, id);
    e->slots[k] = (uint32_t)e->nstreams;
    return s->r;
}
