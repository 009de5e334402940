/* mdl_lambda_internal.h - the insides of the Lambda service (models/lambda/ only).
 *
 * mdl_lambda.c (invocations, concurrency, the service hooks) and
 * mdl_lambda_env.c (execution environments: pool, idle lists, reuse,
 * keep-alive expiry) share these structs.  Other services see mdl_lambda.h.
 */
#ifndef MDL_LAMBDA_INTERNAL_H
#define MDL_LAMBDA_INTERNAL_H

#include "models/lambda/mdl_lambda.h"

/* Events of a function's component. */
enum { EV_INVOKE, EV_DONE, EV_EXPIRE_SWEEP, EV_EXPIRE_ONE };

enum { INST_FREE, INST_BUSY, INST_IDLE };

typedef struct inst {       /* an execution environment */
    int32_t prev, next;     /* idle list links; next = free-list link when FREE */
    uint32_t gen;
    uint8_t state;
    uint8_t provisioned;
    double created, idle_since;
} inst;

/* A function's RNG streams: stream "functions.<name>/<suffix>" of the
 * engine, created on the function's first draw from it (a trace function
 * whose durations come from the trace draws from none). */
#define MDL_FN_RNG_LIST(X)       \
    X(WARM,  "warm")             \
    X(COLD,  "cold")             \
    X(INIT,  "init")             \
    X(REUSE, "reuse")            \
    X(KEEP,  "keep_alive")       \
    X(CALLS, "calls")

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
    sim_hist *lat_ms;                   /* function response time, ok requests */
    sim_hist *dur_ms;                   /* handler duration; both NULL until a sample */
    sim_twavg tw_live, tw_busy, tw_idle;
    /* less often: new environments, expiries, first draws, results */
    double tokens, t_tokens;            /* scaling-rate bucket (2023 rule) */
    sim_welford lifespan;
    gsl_rng *rng[FN_RNG_COUNT];         /* NULL until first drawn from (mdl__fn_rng) */
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

/* A new environment, busy (or about to go idle when provisioned). */
int32_t mdl__env_alloc(fn_rt *f, double now, bool provisioned);
/* Record the function's levels (live, busy, idle) now. */
void mdl__env_levels(fn_rt *f);
/* The environment's handler returned: it goes idle (and may expire). */
void mdl__env_go_idle(fn_rt *f, int32_t i);
/* The environment is gone (killed, reset, expired). */
void mdl__env_destroy(fn_rt *f, int32_t i);
/* Take an idle environment (provisioned first, then by the reuse policy),
 * marked busy, or -1. */
int32_t mdl__env_take_idle(fn_rt *f);
/* Expiry events: the fixed keep-alive sweep, one jittered environment. */
void mdl__env_expire_sweep(fn_rt *f, uint32_t gen);
void mdl__env_expire_one(fn_rt *f, int32_t i, uint32_t gen);

#endif /* MDL_LAMBDA_INTERNAL_H */
