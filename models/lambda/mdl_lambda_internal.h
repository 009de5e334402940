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

typedef struct fn_rt {
    mdl_lambda *l;
    mdl_core *core;                     /* l->core and its engine, kept at hand: */
    sim_engine *e;                      /* every event of the function reads them */
    const mdl_function_cfg *cfg;
    mdl_function_cfg *own_cfg;          /* a template's copy (trace functions), owned */
    char name[MDL_NAME_MAX];
    int index;
    int meter_fn;                       /* the meter's registration */
    bool init_billed;                   /* INIT billed this month */
    uint32_t comp;
    inst *in;
    int32_t nin, capin, free_head;
    int32_t idle_head, idle_tail;       /* on-demand idle list */
    int32_t pc_head, pc_tail;           /* provisioned idle list */
    int busy, live, idle;
    uint32_t sweep_gen;
    bool sweep_armed;
    double tokens, t_tokens;            /* scaling-rate bucket (2023 rule) */
    gsl_rng *r_warm, *r_cold, *r_init, *r_reuse, *r_keep, *r_calls;
    /* statistics (after warm-up) */
    uint64_t invocations, cold_starts, throttles, timeouts, completed;
    uint64_t loops_stopped;             /* recursion guard: 17th entries of a chain */
    sim_twavg tw_live, tw_busy, tw_idle;
    sim_hist *lat_ms;                   /* function response time, ok requests */
    sim_hist *dur_ms;                   /* handler duration */
    sim_welford lifespan;
    int max_live;
} fn_rt;

struct mdl_lambda {
    mdl_core *core;
    fn_rt **fn;                         /* config functions, then trace functions */
    int nfn, capfn;
    /* the account */
    int unreserved_cap, unreserved_busy;
    double burst_tokens, t_burst;       /* pre-2023 scaling rule */
    uint64_t next_req_id;               /* --log request ids */
};

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
