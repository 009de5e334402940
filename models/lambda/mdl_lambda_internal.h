/* mdl_lambda_internal.h - the insides of the Lambda service (models/lambda/ only).
 *
 * mdl_lambda.c (invocations, concurrency, the service hooks) and
 * mdl_lambda_env.c (execution environments: pool, idle lists, reuse,
 * keep-alive expiry) share these structs.  Other services see mdl_lambda.h.
 */
#ifndef MDL_LAMBDA_INTERNAL_H
#define MDL_LAMBDA_INTERNAL_H

#include "models/lambda/mdl_lambda.h"

/* Events of a function's component.  EV_PLACE: a request that found no
 * idle environment has waited its placement (mdl_lambda.c).  The
 * lifecycle's (mdl_lambda_env.c): EV_LIFECYCLE the function's one lifecycle
 * timer (environments reaching their maximum lifetime or their
 * replacement's INIT start), EV_READY a replacement's INIT ends. */
enum { EV_INVOKE, EV_DONE, EV_EXPIRE_SWEEP, EV_EXPIRE_ONE, EV_LIFECYCLE, EV_READY, EV_PLACE };

/* INIT: a pre-warmed replacement initialising (no request waits on it). */
enum { INST_FREE, INST_BUSY, INST_IDLE, INST_INIT };

typedef struct inst {       /* an execution environment */
    int32_t prev, next;     /* idle list links; next = free-list link when FREE */
    uint32_t gen;           /* tags its one pending expiry timer (stale when it differs) */
    uint32_t life;          /* changes at creation: stale lifecycle events */
    uint32_t id;            /* the function's environments in creation order (--log) */
    int32_t npos;           /* its place in the newest-first heap while idle (reuse newest) */
    uint8_t state;
    uint8_t provisioned;
    uint8_t retiring;       /* past its maximum lifetime: destroyed when its request ends */
    uint8_t replace;        /* a replacement is due when it retires (not started yet) */
    uint8_t spare;          /* pre-warmed and not used yet */
    uint8_t timer;          /* an expiry timer is pending (per-environment expiry) */
    double created, idle_since;
    uint64_t idle_seq;      /* order of going idle: the idle list's order (reuse newest) */
    double expire_at;       /* end of this idle period's keep-alive (per-environment expiry) */
    double timer_at;        /* when the pending timer fires */
    int32_t pending_ri;     /* the request waiting on its INIT (takes_pending), or -1 */
    double init_end;        /* when that INIT ends */
    sim_handle done_h;      /* that request's EV_DONE */
    double retire_at;       /* its maximum lifetime ends (INFINITY: never, or retiring) */
    double prewarm_at;      /* its replacement's INIT starts (INFINITY: none pending) */
} inst;

/* A function's lifecycle state (mdl_lambda_env.c; mdl_lifecycle.h). */
typedef struct fn_life {
    const mdl_lifecycle *lc;            /* the function config's */
    bool sweep;                         /* fixed keep-alive, no pre-warming: one expiry
                                         * timer for the idle list, in idle order */
    double keep_s;                      /* that fixed keep-alive (s) */
    double keep_min_s;                  /* no keep-alive is shorter (s; 0: unknown) */
    bool places;                        /* requests finding no idle one wait (placement) */
    gsl_rng *r_life, *r_prewarm;        /* NULL unless the lifecycle draws from them */
    int32_t sp_head, sp_tail;           /* pre-warmed spares, last choice (prewarm_spare) */
    int pending;                        /* requests waiting on an INIT (takes_pending) */
    uint32_t created;                   /* environments so far: the next id */
    /* The lifecycle timer: one pending EV_LIFECYCLE at the earliest
     * retire_at/prewarm_at of the live environments (tagged by lc_gen; an
     * older one is stale).  One per function rather than one per
     * environment: an environment that expires before its maximum lifetime
     * would otherwise leave its retirement in the event heap for hours. */
    bool lc_armed;
    uint32_t lc_gen;
    double lc_at;
    /* statistics (after warm-up) */
    uint64_t recycled, prewarmed, prewarmed_first_uses, cold_to_prewarmed;
    uint64_t placed_warm;               /* requests that waited and then found one idle */
} fn_life;

/* A function's RNG streams: stream "functions.<name>/<suffix>" of the
 * engine, created on the function's first draw from it (a trace function
 * whose durations come from the trace draws from none). */
#define MDL_FN_RNG_LIST(X)       \
    X(WARM,  "warm")             \
    X(COLD,  "cold")             \
    X(INIT,  "init")             \
    X(REUSE, "reuse")            \
    X(KEEP,  "keep_alive")       \
    X(CALLS, "calls")            \
    X(PLACE, "placement")

typedef enum {
#define MDL__FN_RNG_ENUM(id, suffix) FN_RNG_##id,
    MDL_FN_RNG_LIST(MDL__FN_RNG_ENUM)
#undef MDL__FN_RNG_ENUM
    FN_RNG_COUNT
} fn_rng_id;

/* A function at run time.  The fields every invocation touches come first,
 * together (about 4.5 cache lines): with thousands of functions, each
 * event of one of them finds its state cold, and every line counts. */
typedef struct fn_rt {
    /* hot: invocations, completions, environments */
    mdl_core *core;                     /* l->core and its engine, kept at hand: */
    sim_engine *e;                      /* every event of the function reads them */
    const mdl_function_cfg *cfg;
    mdl_lambda *l;
    inst *in;
    int32_t nin, capin, free_head;
    int32_t idle_head, idle_tail;       /* on-demand idle list */
    int32_t pc_head, pc_tail;           /* provisioned idle list */
    int busy, live, idle, max_live;
    uint32_t comp;
    uint32_t sweep_gen;
    int meter_fn;                       /* the meter's registration */
    bool sweep_armed;
    bool init_billed;                   /* INIT billed this month */
    /* statistics (after warm-up) */
    uint64_t invocations, cold_starts, throttles, timeouts, completed;
    uint64_t loops_stopped;             /* recursion guard: 17th entries of a chain */
    sim_hist *lat_ms;                   /* function response time, ok requests */
    sim_hist *dur_ms;                   /* handler duration; both NULL until a sample */
    sim_twavg tw_live, tw_busy, tw_idle;
    /* less often: new environments, expiries, first draws, results */
    double tokens, t_tokens;            /* scaling-rate bucket (2023 rule) */
    sim_welford lifespan;
    gsl_rng *rng[FN_RNG_COUNT];         /* NULL until first drawn from (mdl__fn_rng) */
    fn_life life;                       /* maximum lifetime, keep-alive draws, pre-warming */
    /* Reuse `newest` only: the idle on-demand environments in a binary heap,
     * newest first (mdl_lambda_env.c), instead of a scan of the idle list. */
    int32_t *newest;
    int32_t nnewest, capnewest;
    uint64_t idle_seq;                  /* idle-list appends so far (reuse newest) */
    int index;
    char name[MDL_NAME_MAX];
} fn_rt;

/* A clone's config: the template's with the clone's memory, no reserved
 * or provisioned concurrency; shared by the clones of one (template, size). */
typedef struct mdl_clone_cfg {
    uint32_t key;                       /* template << 14 | memory_mb */
    mdl_function_cfg cfg;
} mdl_clone_cfg;

struct mdl_lambda {
    mdl_core *core;
    fn_rt **fn;                         /* config functions, then trace functions */
    int nfn, capfn;
    /* the account */
    int unreserved_cap, unreserved_busy;
    double burst_tokens, t_burst;       /* pre-2023 scaling rule */
    uint64_t next_req_id;               /* --log request ids */
    sim_hist *no_samples;               /* empty: the results of a function without samples */
    mdl_clone_cfg **clone;              /* clone configs, owned */
    int nclone, capclone;
    uint32_t *clone_slot;               /* hash of clone keys: index + 1, 0 = empty */
    uint32_t nclone_slots;              /* a power of two, at least twice nclone */
};

/* ---- a function's streams (mdl_lambda.c) --------------------------------------- */

/* Create stream k of f (engine look-up by name, once per stream). */
gsl_rng *mdl__fn_rng_open(fn_rt *f, fn_rng_id k);

/* Stream k of f, created on first use: the draws are those of a stream
 * created at build (each stream is seeded from its name alone). */
static inline gsl_rng *mdl__fn_rng(fn_rt *f, fn_rng_id k)
{
    return f->rng[k] ? f->rng[k] : mdl__fn_rng_open(f, k);
}

/* ---- execution environments (mdl_lambda_env.c) ---------------------------------- */

/* Set up f->life from f->cfg->lc (its RNG streams when it draws). */
void mdl__env_life_init(fn_rt *f);
/* A new environment, busy (or about to go idle when provisioned).  An
 * on-demand one draws its maximum lifetime and whether a replacement is
 * pre-warmed (the caller counts it in f->live). */
int32_t mdl__env_alloc(fn_rt *f, double now, bool provisioned);
/* Record the function's levels (live, busy, idle) now. */
void mdl__env_levels(fn_rt *f);
/* The environment's handler returned: it goes idle (and may expire), or is
 * destroyed if it retired meanwhile. */
void mdl__env_release(fn_rt *f, int32_t i);
/* The environment goes idle (provisioned ones after a kill, too). */
void mdl__env_go_idle(fn_rt *f, int32_t i);
/* The environment is gone (killed, reset, expired). */
void mdl__env_destroy(fn_rt *f, int32_t i);
/* Take an idle environment (provisioned first, then by the reuse policy,
 * then pre-warmed spares), marked busy, or -1. */
int32_t mdl__env_take_idle(fn_rt *f);
/* A cold start on environment i for request ri, whose EV_DONE is h: a
 * pre-initialised environment may take it over (prewarm_takes_pending). */
void mdl__env_cold_started(fn_rt *f, int32_t i, int32_t ri, sim_handle h);
/* Expiry events: the fixed keep-alive sweep, one environment's own timer. */
void mdl__env_expire_sweep(fn_rt *f, uint32_t gen);
void mdl__env_expire_one(fn_rt *f, int32_t i, uint32_t gen);
/* Lifecycle events (EV_LIFECYCLE, EV_READY); arg as scheduled. */
void mdl__env_lifecycle_event(fn_rt *f, uint32_t type, uint64_t arg);
/* The lifecycle's results of a function (recycled, pre-warmed, ...). */
void mdl__env_results(const fn_rt *f, sim_jw *w);

#endif /* MDL_LAMBDA_INTERNAL_H */
