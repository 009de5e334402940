/* mdl_emit.c - emitting calls: work a handler or a worker starts downstream.
 *
 * A function's or a worker's `calls` may send an SQS message, invoke a
 * function (sync or async), start a Step Functions execution (async, or
 * waiting as the `.sync` integration) or put an object into a bucket whose
 * notifications fire.  The caller hands its calls here when its handler
 * has run (mdl_emit, mdl_service.h); each emitted request is a child of the
 * piece of work that caused it (its flow, entry, op, object size) with the
 * caller's chain counts, and its origin is MDL_ORIGIN_EMIT: when it
 * finishes, a failure is recorded in its flow and, when the caller waits
 * for it, the walk through the calls goes on.
 *
 * A walk lives in a slot of a pool (a free list, generations against stale
 * answers), so emitting allocates nothing once the pool is warm.
 */
#include "models/scenario/mdl_internal.h"
#include "models/lambda/mdl_lambda.h"
#include "models/s3/mdl_s3.h"
#include "models/sqs/mdl_sqs.h"
#include "models/stepfn/mdl_sfn_sim.h"

#include <stdlib.h>
#include <string.h>

#define NO_WAIT UINT64_MAX
/* Step Functions refuses an execution input over 256 KiB ("Reference facts",
 * Step Functions). */
#define SFN_MAX_INPUT_BYTES 262144.0
/* Lambda's payload limits: 6 MB synchronous, 1 MB asynchronous (as the doors). */
#define LAMBDA_SYNC_MAX_BYTES (6.0 * 1024 * 1024)
#define LAMBDA_ASYNC_MAX_BYTES (1.0 * 1024 * 1024)

typedef struct walk {
    mdl_emit_src src;
    int piece, call;        /* the next call to make */
    double t_start;
    uint32_t gen;
    bool dispatching;       /* inside the dispatch of a synchronous call */
    bool answered;          /* that call finished during its dispatch */
    int32_t next_free;
} walk;

typedef struct emitter {
    mdl_core *core;
    walk *w;
    int32_t nw, capw, w_free;
} emitter;

static int32_t walk_alloc(emitter *em)
{
    if (em->w_free < 0) {
        if (em->nw == em->capw) {
            em->capw = em->capw ? 2 * em->capw : 64;
            em->w = sim_xrealloc(em->w, (size_t)em->capw * sizeof *em->w);
        }
        em->w[em->nw].gen = 0;
        em->w[em->nw].next_free = -1;
        em->w_free = em->nw++;
    }
    int32_t wi = em->w_free;
    em->w_free = em->w[wi].next_free;
    return wi;
}

static void walk_free(emitter *em, int32_t wi)
{
    em->w[wi].gen++;
    em->w[wi].next_free = em->w_free;
    em->w_free = wi;
}

/* ---- one call --------------------------------------------------------------------- */

/* The request of emitted work: a child of the piece (or of the lineage's
 * request when the piece has none), with the lineage's chain counts. */
static int32_t make_child(emitter *em, const walk *w, int32_t piece, const mdl_call *call,
                          uint64_t wait_arg)
{
    mdl_core *c = em->core;
    int32_t from = piece >= 0 ? piece : w->src.lineage;
    int32_t ci = mdl_req_child(c, from);
    mdl_req *r = mdl_req_at(c, ci);
    if (w->src.lineage >= 0 && w->src.lineage != from)
        memcpy(r->loop, mdl_req_at(c, w->src.lineage)->loop, sizeof r->loop);
    double req_bytes = from >= 0 ? mdl_req_at(c, from)->bytes : 0;
    r->bytes = mdl_call_bytes(call, req_bytes, r->obj_bytes);
    if (call->op == MDL_CALL_S3_PUT) r->obj_bytes = r->bytes;   /* the object written */
    r->origin = MDL_ORIGIN_EMIT;
    r->origin_arg = wait_arg;
    r->t_arrival = r->t_first = sim_engine_now(c->e);
    return ci;
}

/* Start the work of call `call` with request ci. */
static void dispatch(emitter *em, const mdl_call *call, int32_t ci)
{
    mdl_core *c = em->core;
    mdl_req *r = mdl_req_at(c, ci);
    switch (call->op) {
    case MDL_CALL_SQS_SEND:
        mdl_sqs_send(mdl_core_service(c, MDL_SID_SQS), call->target, ci);
        return;
    case MDL_CALL_LAMBDA_INVOKE:
        r->async = !call->sync;
        if (r->bytes > (call->sync ? LAMBDA_SYNC_MAX_BYTES : LAMBDA_ASYNC_MAX_BYTES)) {
            mdl_req_finish(c, ci, MDL_OUT_PAYLOAD_TOO_LARGE);
            return;
        }
        mdl_lambda_invoke(mdl_core_service(c, MDL_SID_LAMBDA), call->target, ci);
        return;
    case MDL_CALL_SFN_START:
        if (r->bytes > SFN_MAX_INPUT_BYTES) {
            mdl_req_finish(c, ci, MDL_OUT_PAYLOAD_TOO_LARGE);
            return;
        }
        mdl_sfn_sim_start(mdl_core_service(c, MDL_SID_SFN), call->target, ci);
        return;
    case MDL_CALL_S3_PUT:
        mdl_s3_put(mdl_core_service(c, MDL_SID_S3), call->target, call->notify_mask, ci);
        return;
    default: SIM_ASSERT(!"dispatch of a call that emits nothing");
    }
}

/* ---- walks ------------------------------------------------------------------------- */

/* Make calls from the walk's cursor on.  True: every call is made; false:
 * a synchronous call is waited for (emit_done goes on). */
static bool walk_on(emitter *em, int32_t wi)
{
    for (;;) {
        walk *w = &em->w[wi];
        if (w->call >= w->src.ncalls) {
            w->call = 0;
            w->piece++;
        }
        if (w->piece >= w->src.npieces) return true;
        const mdl_call *call = &w->src.calls[w->call++];
        if (!mdl_call_emits(call) || !(w->src.mask & (1u << (w->call - 1)))) continue;
        int32_t piece = w->src.piece(w->src.ctx, w->src.arg, w->piece);
        bool sync = call->sync && (call->op == MDL_CALL_LAMBDA_INVOKE || call->op == MDL_CALL_SFN_START);
        uint64_t arg = sync ? ((uint64_t)w->gen << 32) | (uint32_t)wi : NO_WAIT;
        int32_t ci = make_child(em, w, piece, call, arg);
        w->dispatching = sync;
        w->answered = false;
        dispatch(em, call, ci);
        w = &em->w[wi];   /* the pool may have grown meanwhile */
        w->dispatching = false;
        if (sync && !w->answered) return false;
    }
}

bool mdl_emit(mdl_core *c, const mdl_emit_src *src)
{
    emitter *em = c->emit;
    SIM_ASSERT(src->npieces >= 1 && src->piece);
    int32_t wi = walk_alloc(em);
    walk *w = &em->w[wi];
    w->src = *src;
    w->piece = w->call = 0;
    w->t_start = sim_engine_now(c->e);
    w->dispatching = w->answered = false;
    if (walk_on(em, wi)) {
        walk_free(em, wi);
        return true;
    }
    SIM_ASSERT(src->resume);   /* a synchronous call needs someone to resume */
    return false;
}

/* MDL_ORIGIN_EMIT's done hook: emitted work finished. */
static void emit_done(void *ctx, int32_t ri, mdl_outcome o)
{
    emitter *em = ctx;
    mdl_core *c = em->core;
    mdl_req *r = mdl_req_at(c, ri);
    uint64_t arg = r->origin_arg;
    mdl_flow_fail(c, r->flow, o);
    mdl_req_free(c, ri);
    if (arg == NO_WAIT) return;
    int32_t wi = (int32_t)(uint32_t)arg;
    walk *w = &em->w[wi];
    if (w->gen != (uint32_t)(arg >> 32)) return;   /* the caller has gone */
    if (w->dispatching) {
        w->answered = true;   /* finished at once: walk_on goes on by itself */
        return;
    }
    if (!walk_on(em, wi)) return;
    w = &em->w[wi];
    mdl_emit_src src = w->src;
    double waited = sim_engine_now(c->e) - w->t_start;
    walk_free(em, wi);
    src.resume(src.ctx, src.arg, waited);
}

void mdl__emit_create(mdl_core *c)
{
    emitter *em = sim_xcalloc(1, sizeof *em);
    em->core = c;
    em->w_free = -1;
    c->emit = em;
    uint8_t o = mdl_core_add_origin(c, emit_done, em);
    SIM_ASSERT(o == MDL_ORIGIN_EMIT);
}

void mdl__emit_destroy(mdl_core *c)
{
    emitter *em = c->emit;
    if (!em) return;
    free(em->w);
    free(em);
    c->emit = NULL;
}
