/* mdl_internal.h - shared insides of the platform model (models/ only).
 *
 * mdl_scenario.c (source, front doors, Lambda) and mdl_sqs.c (queues,
 * worker pools, the Lambda event-source mapping) share the scenario and its
 * request pool; this header is their contract.  Nothing outside models/
 * includes it: the public face is mdl_scenario.h.
 */
#ifndef MDL_INTERNAL_H
#define MDL_INTERNAL_H

#include <gsl/gsl_rng.h>

#include "models/scenario/mdl_scenario.h"
#include "sim/sim_engine.h"
#include "workloads/trace/wl_source.h"

/* Event types.  Each component interprets its own; the numbers only need
 * to be distinct within a component. */
enum { EV_ARRIVAL, EV_INVOKE, EV_DONE, EV_EXPIRE_SWEEP, EV_EXPIRE_ONE, EV_WARMUP,
       EV_Q_VISIBLE, EV_Q_VIS_TIMEOUT, EV_Q_POLL_TIMEOUT, EV_Q_RETENTION, EV_Q_RESEND,
       EV_W_DONE, EV_W_POLL, EV_W_BOOTED, EV_W_AUTOSCALE, EV_ESM_SCALE, EV_ESM_WINDOW,
       EV_S3_NOTIFY, EV_SAMPLE, EV_SFN_WAKE, EV_SFN_SERVICE, EV_SFN_DEADLINE };
enum { ORIGIN_ENTRY, ORIGIN_ESM, ORIGIN_SFN };
enum { INST_FREE, INST_BUSY, INST_IDLE };
#define MDL_NO_FN UINT16_MAX   /* req.fn of a request no function serves */

typedef struct req {
    double t_arrival;     /* when the client sent it */
    double t_first;       /* first invocation attempt (async event age) */
    double bytes;         /* request payload */
    double resp_bytes;    /* response payload (a viewed photo) */
    double response_ms;   /* function response time (for the done event) */
    double duration_ms;   /* handler Duration (REPORT) */
    double init_ms;
    double trace_ms;      /* handler duration from the trace (NaN: draw it) */
    int32_t next_free;
    int32_t inst;
    uint16_t fn;
    uint8_t attempts;     /* async: error retries used */
    uint8_t throttle_tries;
    uint8_t cold;
    uint8_t timed_out;
    uint8_t oom;          /* the kernel's working set exceeds memory */
    uint8_t counted;      /* arrived after the warm-up */
    uint8_t origin;       /* ORIGIN_ENTRY or ORIGIN_ESM (a batch from a queue) */
    uint16_t batch_n;     /* messages in an ESM batch (durations add up) */
    uint16_t queue;       /* ESM: the queue */
    int32_t slot;         /* ESM: the poller slot holding the batch */
    /* Step Functions: an execution (entry request) or a Task's invocation */
    void *sfn;            /* mdl_sfn_exec of an execution request */
    uint8_t sfn_gen;      /* bumps per execution, to spot stale events */
    int32_t parent;       /* SFN task: the execution's request */
    uint64_t sfn_id;      /* SFN task, wait or service call: the interpreter's request id */
    json_object *sfn_input; /* SFN task: its input (a reference) */
} req;

typedef struct inst {
    int32_t prev, next;   /* idle list links; next = free-list link when FREE */
    uint32_t gen;
    uint8_t state;
    uint8_t provisioned;
    double created, idle_since;
} inst;

typedef struct fn_rt {
    struct mdl_scenario *s;
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
    uint64_t out[MDL_OUT_COUNT];
    sim_twavg tw_live, tw_busy, tw_idle;
    sim_hist *lat_ms;                   /* function response time, ok requests */
    sim_hist *dur_ms;                   /* handler duration */
    sim_welford lifespan;
    int max_live;
} fn_rt;

struct sqs_queue;

struct mdl_scenario {
    const mdl_config *cfg;
    sim_engine *e;
    uint32_t comp_source, comp_entry, comp_ctl;
    fn_rt **fn;                         /* config functions, then trace functions */
    int nfn, capfn;
    int template_fn;                    /* config function cloned per trace function, -1 */
    int default_fn;
    int mix_fn[MDL_MAX_ROUTES];
    /* account */
    int unreserved_cap, unreserved_busy;
    double burst_tokens, t_burst;
    /* entry */
    double door_tokens, t_door;
    gsl_rng *r_arrival, *r_mix, *r_overhead, *r_cache;
    /* requests */
    req *rq;
    int32_t nrq, caprq, rq_free;
    /* totals after warm-up */
    uint64_t arrivals, completed, live_counted;
    uint64_t failures[MDL_OUT_COUNT];
    uint64_t cache_hits;
    sim_hist *lat_ms;                   /* client latency, ok requests */
    double t_measure;                   /* start of measurement */
    mdl_meter *meter;                   /* the bill's usage, metered per event */
    int meter_cache;                    /* REST cache registration, -1: none */
    double s3_gb_month;                 /* storage of objects PUT during the run */
    mdl_bill *bill;                     /* the simulated period */
    mdl_bill *bill_month;               /* usage scaled to a 730-hour month */
    FILE *log;
    uint64_t next_req_id;
    struct sqs_queue *q[MDL_MAX_QUEUES];
    int nq;
    gsl_rng *r_notify;
    /* a trace or generator source, and its pending arrival */
    wl_source *src;
    wl_az19 *az;
    wl_arrival pending;
    int32_t *fn_map;            /* trace function index -> config function (-2 unknown) */
    uint32_t nfn_map;
    int op_route[WL_OP_COUNT];  /* op -> function via entry.routes (-1: default) */
    sim_error src_err;
    bool src_failed;
    /* Step Functions */
    uint32_t comp_sfn;
    gsl_rng *r_sfn;                     /* service-integration latencies */
    uint64_t sfn_started, sfn_succeeded, sfn_failed, sfn_transitions, sfn_task_invocations;
    sim_hist *sfn_ms;
    /* progress callback */
    void (*progress)(void *ctx, double t, double end);
    void *progress_ctx;
    /* time series */
    double ts_interval;
    mdl_ts_row *ts;
    size_t nts, capts;
    uint64_t ts_arrivals, ts_completed, ts_failed, ts_throttles;   /* at the last sample */
};


/* Shared helpers (mdl_scenario.c). */
int32_t mdl__req_alloc(mdl_scenario *s);
void mdl__finish(mdl_scenario *s, int32_t ri, mdl_outcome o);
void mdl__fn_invoke(mdl_scenario *s, fn_rt *f, int32_t ri);
/* Latency (ms) of a list of service calls, and their metering (S3 storage,
 * DynamoDB units, ...); `req_bytes` stands for "bytes": "request". */
double mdl__calls_ms(mdl_scenario *s, const mdl_call *calls, int n, gsl_rng *rng,
                     double req_bytes);
void mdl__meter_calls(mdl_scenario *s, const mdl_call *calls, int n, double req_bytes);

void mdl__req_free(mdl_scenario *s, int32_t ri);

/* Step Functions executions (mdl_sfn_sim.c). */
void mdl__sfn_build(mdl_scenario *s);
void mdl__sfn_start(mdl_scenario *s, int32_t ri);
void mdl__sfn_task_done(mdl_scenario *s, int32_t child, mdl_outcome o);
json_object *mdl__sfn_results(const mdl_scenario *s);
void mdl__sfn_reset_stats(mdl_scenario *s);
void mdl__sfn_destroy(mdl_scenario *s);

/* Queues (mdl_sqs.c). */
sim_status mdl__sqs_build(mdl_scenario *s, sim_error *err);
void mdl__sqs_destroy(mdl_scenario *s);
void mdl__sqs_start(mdl_scenario *s);
/* A producer sends request ri (its bytes) to queue qi. */
void mdl__sqs_send(mdl_scenario *s, int qi, int32_t ri);
/* The function finished (or was throttled on) an ESM batch. */
void mdl__esm_complete(mdl_scenario *s, int32_t ri, mdl_outcome o);
/* End of run: usage and results. */
void mdl__sqs_reset_stats(mdl_scenario *s, double now);
json_object *mdl__sqs_results(const mdl_scenario *s, double t_end);
/* End of run: worker hours to the meter (EC2 types registered at build). */
sim_status mdl__sqs_meter_end(mdl_scenario *s, sim_error *err);
/* Visible messages and live consumers over all queues, now. */
void mdl__sqs_levels(const mdl_scenario *s, double *depth, double *consumers);

#endif /* MDL_INTERNAL_H */
