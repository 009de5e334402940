/* mdl_service.h - how a simulated service plugs into the scenario core.
 *
 * The core (models/scenario/) owns one replication's engine, the meter, the
 * request pool and the run's timeline: warm-up, time series, the end of the
 * run and the results document.  Each service owns its state and its engine
 * components, in its own folder: Lambda (models/lambda/: functions,
 * execution environments, front doors), the entries (models/scenario/
 * mdl_entry.c: arrivals, client accounting), SQS (models/sqs/), Step
 * Functions (models/stepfn/mdl_sfn_sim.c).
 *
 * A service is a table of hooks (mdl_service_ops) and one line in
 * MDL_SCENARIO_SERVICES; the core calls the hooks of every service in that order
 * (build, start, warm-up, time-series levels, meter, results) and destroys
 * them in reverse.  Adding a service touches its folder and that line.
 *
 * Services talk to each other only through narrow functions declared in the
 * callee's header (mdl_lambda_invoke, mdl_sqs_send, mdl_sfn_sim_start), never
 * through each other's structs, and through the core:
 *  - requests: any service may take a request from the pool (mdl_req_alloc)
 *    and hand it to another service; the pool index is the handle.  The
 *    request's `origin` says whom mdl_req_finish tells when the work is done:
 *    MDL_ORIGIN_CLIENT (an entry's arrival) or an origin a service
 *    registered (an SQS batch, a Step Functions Task), with `origin_arg` the
 *    origin's own data.  Work that services send each other (a function's
 *    calls, a flow's root) adds origins, not new wiring.
 *  - the core's state (mdl_core): the engine, the config, the meter, the
 *    start of measurement.  Services read it; they change it only through
 *    the functions below.
 *
 * This is the only header of models/scenario/ that a service folder may
 * include (scripts/check-layers.sh enforces it).
 *
 * Flows: an entry's arrival roots a flow; every request caused by it (a
 * message sent, an event, an execution, a Task) is a child holding a
 * reference (mdl_req_child), so the flow completes when its last request is
 * freed.  Emitting calls (mdl_emit) make the children.
 *
 * Cost: every helper here is O(1) and allocation-free except mdl_req_alloc
 * and mdl_flow_root when their pools grow (capacity doubles, never shrinks).
 */
#ifndef MDL_SERVICE_H
#define MDL_SERVICE_H

#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "models/config/mdl_config.h"
#include "models/pricing/mdl_meter.h"
#include "sim/sim_engine.h"
#include "sim/sim_jw.h"

/* The services, in the order the core calls them.  Order matters where a
 * service uses another while it builds (Lambda first: the others invoke its
 * functions) and for the results document (its sections in this order). */
#define MDL_SCENARIO_SERVICES(X)                                                             \
    X(LAMBDA, mdl_lambda_service)    /* models/lambda: functions, environments, doors */ \
    X(ENTRY,  mdl_entry_service)     /* models/scenario/mdl_entry.c: arrivals, clients */ \
    X(SQS,    mdl_sqs_service)       /* models/sqs: queues, workers, event-source maps */ \
    X(SFN,    mdl_sfn_sim_service)   /* models/stepfn/mdl_sfn_sim.c: executions */      \
    X(S3,     mdl_s3_service)        /* models/s3: buckets, event notifications */

typedef enum {
#define MDL__SID_ENUM(id, ops) MDL_SID_##id,
    MDL_SCENARIO_SERVICES(MDL__SID_ENUM)
#undef MDL__SID_ENUM
    MDL_SID_COUNT
} mdl_service_id;

/* ---- requests -------------------------------------------------------------- */

#define MDL_NO_FN UINT16_MAX   /* mdl_req.fn of a request no function serves */
#define MDL_NO_FLOW (-1)       /* mdl_req.flow of work that belongs to no flow */

/* One unit of work in flight: a client's request, an SQS batch handed to a
 * function, a Step Functions Task's invocation.  Plain data in the core's
 * pool; events carry its index. */
typedef struct mdl_req {
    /* the work, as its sender made it */
    double t_arrival;     /* when it was sent */
    double t_first;       /* first invocation attempt (async event age) */
    double bytes;         /* request payload: the message, event or body on the wire */
    double obj_bytes;     /* the object the work is about (an uploaded photo) */
    double resp_bytes;    /* response payload (a viewed photo) */
    double trace_ms;      /* handler duration from the trace (NaN: draw it) */
    double timeout_s;     /* the caller gives up after this (INFINITY: nobody waits) */
    /* while a function serves it (models/lambda) */
    double response_ms;   /* function response time (for the done event) */
    double duration_ms;   /* handler Duration (REPORT) */
    double init_ms;
    int32_t inst;         /* its execution environment */
    uint16_t fn;          /* the function serving it (MDL_NO_FN: none yet) */
    uint16_t batch_n;     /* messages in an ESM batch (durations add up) */
    uint8_t attempts;     /* async: error retries used */
    uint8_t throttle_tries;
    uint8_t cold;
    uint8_t timed_out;
    uint8_t oom;          /* the kernel's working set exceeds memory */
    uint8_t async;        /* an event invocation: Lambda retries it, nobody waits */
    uint8_t emitted;      /* its emitting calls have been made (models/lambda) */
    uint16_t calls_mask;  /* which of the handler's calls happen (probability) */
    /* bookkeeping */
    uint8_t counted;      /* a client's request that arrived after the warm-up */
    uint8_t origin;       /* whom mdl_req_finish tells */
    uint8_t entry;        /* the entry its flow came in through */
    uint8_t op;           /* the op of its flow's root (mdl_core_op_name) */
    int32_t flow;         /* the flow it belongs to (holds a reference), MDL_NO_FLOW */
    uint64_t origin_arg;  /* the origin's own: an ESM batch's (queue, slot), a Task */
    int32_t next_free;    /* the pool's free list */
    /* Its chain's entries into each function on a call cycle, by the
     * function's loop_slot (README "Guards"). */
    uint8_t loop[MDL_MAX_LOOP_FNS];
} mdl_req;

/* Told when a request of its origin finishes with outcome o.  It owns the
 * request from then on (frees it, or hands it on). */
typedef void (*mdl_done_fn)(void *ctx, int32_t ri, mdl_outcome o);
/* The k-th piece of work request ri carries (an ESM batch's k-th message:
 * the request that sent it), or -1.  NULL: the request is its only piece. */
typedef int32_t (*mdl_member_fn)(void *ctx, int32_t ri, int k);

typedef struct mdl_origin {
    mdl_done_fn done;
    void *ctx;
    mdl_member_fn member;
} mdl_origin;

#define MDL_ORIGIN_CLIENT 0   /* a client's request: the entries' accounting */
#define MDL_ORIGIN_EMIT 1     /* work a call emitted (mdl_emit.c) */
#define MDL_MAX_ORIGINS 16

/* ---- flows ------------------------------------------------------------------- */

/* A flow: an entry's arrival (its root) and all the work it caused.  Every
 * request of the flow holds a reference; when the last is freed the flow is
 * complete, its latency the time from the arrival to then (README "Entries
 * and flows"). */
typedef struct mdl_flow {
    double t_start;       /* the root's arrival */
    uint64_t id;          /* serial number of the root (the --log column) */
    int32_t pending;      /* requests of the flow still alive */
    int32_t next_free;
    uint8_t entry, op;
    uint8_t counted;      /* the root arrived after the warm-up */
    uint8_t outcome;      /* the first failure among its work (MDL_OUT_OK: none) */
    uint8_t recorded;     /* its latency is already recorded (it ended with its root's
                           * response: the entries record both at once) */
} mdl_flow;

/* Told when a flow completes (the entries' accounting). */
typedef void (*mdl_flow_done_fn)(void *ctx, const mdl_flow *f, double now);

#define MDL_MAX_OPS 64       /* distinct ops over all entries */
#define MDL_OP_NAME_MAX 16

/* ---- the core's state, as services see it ------------------------------------ */

/* Storage that accumulates (S3 objects, EFS files, DynamoDB items): its
 * level, and its time integral over the measured span (README "The
 * month").  GB are 1e9 bytes; a GB-month is 730 hours of a GB. */
typedef struct mdl_stock {
    double level_gb;      /* stored now (never below 0) */
    double start_gb;      /* at the start of measurement */
    double added_gb;      /* net change since the start of measurement */
    double gb_month;      /* integral of the level since then, to t_last */
    double t_last;        /* when the integral was last brought up to date */
} mdl_stock;

typedef struct mdl_core {
    sim_engine *e;
    const mdl_config *cfg;
    mdl_meter *meter;            /* the bill's usage, metered per event */
    FILE *log;                   /* one CSV row per finished invocation (NULL: none) */
    double t_measure;            /* start of measurement: the end of the warm-up */
    mdl_stock stock[MDL_STOCK_COUNT];  /* storage written during the run (mdl_stock_add) */
    mdl_req *rq;                 /* the request pool; moves when it grows */
    int32_t nrq, caprq, rq_free;
    mdl_origin origin[MDL_MAX_ORIGINS];
    int norigin;
    mdl_flow *fl;                /* the flow pool; moves when it grows */
    int32_t nfl, capfl, fl_free;
    uint64_t flows_started;
    mdl_flow_done_fn flow_done;
    void *flow_done_ctx;
    void *emit;                  /* the emitter's state (mdl_emit.c) */
    /* ops of the entries' workloads, by id (mdl_req.op) */
    char op_name[MDL_MAX_OPS][MDL_OP_NAME_MAX];
    int nop;
    void *svc[MDL_SID_COUNT];    /* each service's state, once built */
} mdl_core;

/* A request by index.  The pointer is valid until the next mdl_req_alloc. */
static inline mdl_req *mdl_req_at(const mdl_core *c, int32_t ri) { return &c->rq[ri]; }

/* A fresh request: zeroed, no function, no environment, no trace duration,
 * nobody waiting, origin MDL_ORIGIN_CLIENT, no flow. */
int32_t mdl_req_alloc(mdl_core *c);

/* A fresh request for work that `from` causes (a message its handler
 * sends, a Task of its execution): it joins from's flow (a reference) and
 * copies its entry, op, object size and chain counts.  from -1: as
 * mdl_req_alloc. */
int32_t mdl_req_child(mdl_core *c, int32_t from);

/* The flow reference of request ri goes (its flow may complete). */
void mdl_flow_release(mdl_core *c, int32_t flow);

static inline void mdl_req_free(mdl_core *c, int32_t ri)
{
    int32_t flow = c->rq[ri].flow;
    c->rq[ri].flow = MDL_NO_FLOW;
    c->rq[ri].next_free = c->rq_free;
    c->rq_free = ri;
    if (flow != MDL_NO_FLOW) mdl_flow_release(c, flow);
}

/* Request ri finished: tell its origin (which then owns it). */
static inline void mdl_req_finish(mdl_core *c, int32_t ri, mdl_outcome o)
{
    const mdl_origin *og = &c->origin[c->rq[ri].origin];
    og->done(og->ctx, ri, o);
}

/* The k-th piece of work of request ri (0 <= k < max(batch_n, 1)): for a
 * batch, its origin's answer; else ri itself. */
static inline int32_t mdl_req_member(const mdl_core *c, int32_t ri, int k)
{
    const mdl_origin *og = &c->origin[c->rq[ri].origin];
    return og->member ? og->member(og->ctx, ri, k) : ri;
}

/* Start a flow rooted at request ri (an arrival of entry `entry` with op
 * `op`, counted when after the warm-up): ri holds its first reference. */
void mdl_flow_root(mdl_core *c, int32_t ri, int entry, int op);

/* Work of flow `flow` failed: the flow records its first cause. */
static inline void mdl_flow_fail(mdl_core *c, int32_t flow, mdl_outcome o)
{
    if (flow != MDL_NO_FLOW && o != MDL_OUT_OK && c->fl[flow].outcome == MDL_OUT_OK)
        c->fl[flow].outcome = (uint8_t)o;
}

/* Who is told when a flow completes (at build; the entries). */
void mdl_core_set_flow_done(mdl_core *c, mdl_flow_done_fn done, void *ctx);

/* The id of op `name` (registered at build; string compares there only). */
int mdl_core_op_id(mdl_core *c, const char *name);
static inline const char *mdl_core_op_name(const mdl_core *c, int op) { return c->op_name[op]; }

/* Register an origin (at build); returns the value for mdl_req.origin.
 * The client's origin is set by the entries (mdl_core_set_client). */
uint8_t mdl_core_add_origin(mdl_core *c, mdl_done_fn done, void *ctx);
/* An origin whose requests carry several pieces of work (ESM batches). */
uint8_t mdl_core_add_batch_origin(mdl_core *c, mdl_done_fn done, mdl_member_fn member,
                                  void *ctx);
void mdl_core_set_client(mdl_core *c, mdl_done_fn done, void *ctx);

/* Is the run past its warm-up (statistics and usage count)? */
static inline bool mdl_core_measuring(const mdl_core *c)
{
    return sim_engine_now(c->e) >= c->t_measure;
}

/* Another service's state (NULL before it is built: a service may use the
 * services listed before it from its build hook, any service from start). */
static inline void *mdl_core_service(const mdl_core *c, mdl_service_id id) { return c->svc[id]; }

/* Bad input found mid-run (a trace line): stop the engine; mdl_scenario_run
 * returns this error.  The first failure wins. */
void mdl_core_fail(mdl_core *c, const sim_error *err);

/* ---- service calls (S3, DynamoDB, Rekognition, EFS, ...), mdl_calls.c ----------- */

/* Which calls of a list happen this time (bit k: call k), drawn from rng
 * only for calls of probability below 1 (no draw otherwise). */
uint16_t mdl_calls_decide(const mdl_call *calls, int n, gsl_rng *rng);
/* Latency (ms) of the calls of a list that `mask` keeps, drawn from rng;
 * `req_bytes` and `obj_bytes` stand for "bytes": "request" / "object". */
double mdl_calls_ms(const mdl_core *c, const mdl_call *calls, int n, gsl_rng *rng,
                    double req_bytes, double obj_bytes, uint16_t mask);
/* Their usage on the meter (S3 requests, DynamoDB units, ...) and their
 * writes and deletes on the stocks (what emitting calls start is metered by
 * the services that run it). */
void mdl_calls_meter(mdl_core *c, const mdl_call *calls, int n, double req_bytes,
                     double obj_bytes, uint16_t mask);
/* The bytes a call moves for a request of these sizes. */
static inline double mdl_call_bytes(const mdl_call *call, double req_bytes, double obj_bytes)
{
    return call->bytes == MDL_BYTES_REQUEST ? req_bytes
         : call->bytes == MDL_BYTES_OBJECT ? obj_bytes : call->bytes;
}
/* `bytes` written to (deleted from, when negative) a stock now. */
void mdl_stock_add(mdl_core *c, mdl_stock_id s, double bytes);
/* Bring a stock's integral up to `now` (the end of the run, the warm-up). */
void mdl_stock_settle(mdl_stock *st, double now);

/* A client's request ri, which entered through a door of type `door`,
 * finished with outcome o: the one place where a response that leaves AWS
 * is metered as data transfer out (Function URLs and API Gateway; a direct
 * entry's caller is inside AWS).  Its size: the workload's (a viewed
 * object), else the serving function's response_bytes. */
void mdl_meter_response(mdl_core *c, int32_t ri, mdl_outcome o, mdl_entry_type door);

/* ---- emitting calls, mdl_emit.c ------------------------------------------------- */

/* Who made the calls, and how to go on when they are made.  The emitter
 * walks the emitting calls in order, for each piece of work (an ESM batch
 * of n messages emits n times, each in its message's flow): an asynchronous
 * call starts its work and goes on; a synchronous one (lambda invoke sync,
 * stepfunctions start sync) waits for it.  Work emitted is a child of the
 * piece (mdl_req_child) with the chain counts of `lineage`. */
typedef struct mdl_emit_src {
    const mdl_call *calls;
    int ncalls;
    uint16_t mask;              /* mdl_calls_decide's */
    int npieces;                /* pieces of work (>= 1) */
    int32_t lineage;            /* whose chain counts children take (-1: the piece's) */
    /* piece k: a request (-1: none, e.g. a duplicate message: no flow) */
    int32_t (*piece)(void *ctx, uint64_t arg, int k);
    /* after a synchronous wait, when every call is made (NULL when nothing
     * can wait), with the time waited */
    void (*resume)(void *ctx, uint64_t arg, double waited_s);
    void *ctx;
    uint64_t arg;
} mdl_emit_src;

/* Make the calls.  True: all made now (resume is not called); false: a
 * synchronous call is waited for and resume will be called. */
bool mdl_emit(mdl_core *c, const mdl_emit_src *src);

/* ---- the hooks ------------------------------------------------------------------ */

/* A time-series sample: every service adds its levels (cumulative counts
 * since the warm-up, and current levels). */
typedef struct mdl_entry_levels {
    uint64_t arrivals, completed, failed;   /* client requests (cumulative) */
    uint64_t flows_completed, flows_failed; /* flows (cumulative) */
    double in_flight, flows_in_flight;      /* now */
} mdl_entry_levels;

typedef struct mdl_levels {
    uint64_t arrivals, completed, failed;   /* client requests */
    uint64_t flows_completed, flows_failed; /* flows of every entry */
    double flows_in_flight;
    mdl_entry_levels entry[MDL_MAX_ENTRIES];
    uint64_t throttles;                     /* Lambda throttles */
    double instances, running;              /* execution environments alive, busy */
    double queue_depth, consumers;          /* visible messages; workers and pollers */
    double gb_s, requests_billed;           /* Lambda usage so far */
} mdl_levels;

/* The latency object of the results ({p50, p95, p99, mean, max}, ms): as
 * a tree, or as a member named key of a writer's open object (one source). */
json_object *mdl_latency_json(const sim_hist *h);
void mdl_latency_jw(sim_jw *w, const char *key, const sim_hist *h);

/* Any hook may be NULL. */
typedef struct mdl_service_ops {
    const char *name;
    /* Build from core->cfg: state, engine components, RNG streams (named,
     * so no service shifts another's draws), meter registrations, origins.
     * Schedules nothing.  On error *self may be set: the core destroys it. */
    sim_status (*build)(mdl_core *core, void **self, sim_error *err);
    /* The run starts: schedule the first events. */
    void (*start)(void *self);
    /* The warm-up ended at `now`: forget what was counted so far (the meter
     * is reset by the core). */
    void (*reset_stats)(void *self, double now);
    void (*levels)(const void *self, mdl_levels *acc);
    /* The run ended after `span_s` measured seconds: meter what accrues over
     * time (provisioned concurrency, cache and worker hours). */
    sim_status (*meter_end)(void *self, double span_s, sim_error *err);
    /* Add the service's sections to the results document, whose root
     * object is open in w (a tree or streamed text: sim_jw.h). */
    void (*results)(const void *self, sim_jw *w, double t_end);
    void (*destroy)(void *self);
} mdl_service_ops;

#endif /* MDL_SERVICE_H */
