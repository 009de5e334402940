/* mdl_scenario.c - Lambda, its front doors and a workload on one engine.
 *
 * Request life: the source draws an arrival and hands it to the entry; the
 * entry checks payload and throttle limits, may answer from its cache, and
 * after its overhead invokes the function; the function finds an idle
 * execution environment (warm) or creates one (cold, subject to the
 * concurrency limits and the scaling rate), runs the handler, and on
 * completion the environment goes idle until reused or expired.
 *
 * Execution environments live in a per-function array with a free list; idle
 * ones sit on an intrusive doubly-linked list ordered by the time they went
 * idle, so MRU reuse takes the tail, LRU the head, and expiry (with a fixed
 * keep-alive) always hits the head: one timer per function suffices, and a
 * warm reuse costs no event at all.  With keep-alive jitter expiry order no
 * longer follows the list, so each idle period gets its own timer, made stale
 * by a generation counter when the environment is reused.
 *
 * Requests live in a pool owned by the scenario; events carry only the pool
 * index, so nothing allocates per request once the pool is warm.
 */
#include "models/scenario/mdl_internal.h"
#include "workloads/trace/wl_azure.h"
#include "workloads/trace/wl_csv.h"
#include "workloads/trace/wl_gen.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- request pool --------------------------------------------------------- */

int32_t mdl__req_alloc(mdl_scenario *s)
{
    if (s->rq_free < 0) {
        if (s->nrq == s->caprq) {
            s->caprq = s->caprq ? 2 * s->caprq : 1024;
            s->rq = sim_xrealloc(s->rq, (size_t)s->caprq * sizeof *s->rq);
        }
        s->rq[s->nrq].next_free = -1;
        s->rq[s->nrq].sfn_gen = 0;
        s->rq_free = s->nrq++;
    }
    int32_t i = s->rq_free;
    s->rq_free = s->rq[i].next_free;
    uint8_t gen = s->rq[i].sfn_gen;   /* survives reuse: stale events spot it */
    memset(&s->rq[i], 0, sizeof s->rq[i]);
    s->rq[i].sfn_gen = gen;
    s->rq[i].inst = -1;
    s->rq[i].fn = MDL_NO_FN;   /* set when a function serves the request */
    s->rq[i].trace_ms = NAN;
    return i;
}

void mdl__req_free(mdl_scenario *s, int32_t i)
{
    s->rq[i].next_free = s->rq_free;
    s->rq_free = i;
}

/* ---- instances ------------------------------------------------------------ */

static int32_t inst_alloc(fn_rt *f, double now, bool provisioned)
{
    if (f->free_head < 0) {
        if (f->nin == f->capin) {
            f->capin = f->capin ? 2 * f->capin : 64;
            f->in = sim_xrealloc(f->in, (size_t)f->capin * sizeof *f->in);
        }
        f->in[f->nin].next = -1;
        f->in[f->nin].gen = 0;
        f->free_head = f->nin++;
    }
    int32_t i = f->free_head;
    inst *x = &f->in[i];
    f->free_head = x->next;
    x->prev = x->next = -1;
    x->gen++;
    x->state = INST_BUSY;
    x->provisioned = provisioned;
    x->created = now;
    x->idle_since = now;
    return i;
}

static void list_append(fn_rt *f, int32_t *head, int32_t *tail, int32_t i)
{
    inst *x = &f->in[i];
    x->next = -1;
    x->prev = *tail;
    if (*tail >= 0) f->in[*tail].next = i; else *head = i;
    *tail = i;
}

static void list_unlink(fn_rt *f, int32_t *head, int32_t *tail, int32_t i)
{
    inst *x = &f->in[i];
    if (x->prev >= 0) f->in[x->prev].next = x->next; else *head = x->next;
    if (x->next >= 0) f->in[x->next].prev = x->prev; else *tail = x->prev;
    x->prev = x->next = -1;
}

static void update_levels(mdl_scenario *s, fn_rt *f)
{
    double now = sim_engine_now(s->e);
    sim_twavg_set(&f->tw_live, now, f->live);
    sim_twavg_set(&f->tw_busy, now, f->busy);
    sim_twavg_set(&f->tw_idle, now, f->live - f->busy);
    if (f->live > f->max_live) f->max_live = f->live;
}

static void inst_destroy(mdl_scenario *s, fn_rt *f, int32_t i)
{
    inst *x = &f->in[i];
    double now = sim_engine_now(s->e);
    if (now >= s->t_measure)
        sim_welford_add(&f->lifespan, now - x->created);
    x->state = INST_FREE;
    x->gen++;
    x->next = f->free_head;
    f->free_head = i;
    f->live--;
}

/* Arm the single expiry timer at the head of the idle list (fixed keep-alive). */
static void sweep_arm(mdl_scenario *s, fn_rt *f)
{
    if (f->sweep_armed || f->idle_head < 0) return;
    double t = f->in[f->idle_head].idle_since + f->cfg->keep_alive_s;
    double now = sim_engine_now(s->e);
    f->sweep_armed = true;
    sim_engine_at(s->e, t < now ? now : t, EV_EXPIRE_SWEEP, f->comp, f->sweep_gen);
}

static void inst_go_idle(mdl_scenario *s, fn_rt *f, int32_t i)
{
    inst *x = &f->in[i];
    double now = sim_engine_now(s->e);
    x->state = INST_IDLE;
    x->idle_since = now;
    x->gen++;
    if (x->provisioned) {
        list_append(f, &f->pc_head, &f->pc_tail, i);
        return;
    }
    list_append(f, &f->idle_head, &f->idle_tail, i);
    if (f->cfg->keep_alive_jitter_s > 0) {
        double j = f->cfg->keep_alive_jitter_s;
        double ka = f->cfg->keep_alive_s + (2 * gsl_rng_uniform(f->r_keep) - 1) * j;
        sim_engine_after(s->e, ka, EV_EXPIRE_ONE, f->comp,
                         ((uint64_t)(uint32_t)i << 32) | x->gen);
    } else {
        sweep_arm(s, f);
    }
}

/* Take an idle on-demand environment by the reuse policy, or -1. */
static int32_t take_idle(fn_rt *f)
{
    if (f->pc_head >= 0) {         /* provisioned environments serve first */
        int32_t i = f->pc_tail;
        list_unlink(f, &f->pc_head, &f->pc_tail, i);
        return i;
    }
    if (f->idle_head < 0) return -1;
    int32_t i = -1;
    switch (f->cfg->reuse) {
    case MDL_REUSE_MRU: i = f->idle_tail; break;
    case MDL_REUSE_LRU: i = f->idle_head; break;
    case MDL_REUSE_NEWEST: {
        /* SimFaaS's rule: the newest environment by creation time.  O(idle). */
        i = f->idle_head;
        for (int32_t k = f->in[i].next; k >= 0; k = f->in[k].next)
            if (f->in[k].created > f->in[i].created) i = k;
        break;
    }
    case MDL_REUSE_RANDOM: {
        int32_t n = 0;
        for (int32_t k = f->idle_head; k >= 0; k = f->in[k].next) n++;
        unsigned long pick = gsl_rng_uniform_int(f->r_reuse, (unsigned long)n);
        i = f->idle_head;
        while (pick--) i = f->in[i].next;
        break;
    }
    }
    if (i == f->idle_head && f->sweep_armed) {
        /* The head is leaving: its timer is stale; re-arm for the new head. */
        f->sweep_gen++;
        f->sweep_armed = false;
    }
    list_unlink(f, &f->idle_head, &f->idle_tail, i);
    return i;
}

/* ---- concurrency and scaling ------------------------------------------------ */

static bool concurrency_free(const mdl_scenario *s, const fn_rt *f)
{
    if (f->cfg->reserved_concurrency >= 0)
        return f->busy < f->cfg->reserved_concurrency;
    return s->unreserved_busy < s->unreserved_cap;
}

static void concurrency_take(mdl_scenario *s, fn_rt *f, int delta)
{
    f->busy += delta;
    if (f->cfg->reserved_concurrency < 0)
        s->unreserved_busy += delta;
}

/* May a new execution environment start now?  2023 rule: 1,000 per 10 s per
 * function, refilled continuously, no carry-over beyond 1,000.  Pre-2023:
 * an account burst, then +500 per minute. */
static bool scaling_token(mdl_scenario *s, fn_rt *f)
{
    double now = sim_engine_now(s->e);
    if (s->cfg->scaling == MDL_SCALING_2023) {
        f->tokens = fmin(1000.0, f->tokens + (now - f->t_tokens) * 100.0);
        f->t_tokens = now;
        if (f->tokens < 1.0) return false;
        f->tokens -= 1.0;
        return true;
    }
    s->burst_tokens = fmin(s->cfg->burst_limit, s->burst_tokens + (now - s->t_burst) * 500.0 / 60.0);
    s->t_burst = now;
    if (s->burst_tokens < 1.0) return false;
    s->burst_tokens -= 1.0;
    return true;
}

/* ---- durations and metering --------------------------------------------------- */

double mdl__calls_ms(mdl_scenario *s, const mdl_call *calls, int n, gsl_rng *rng,
                     double req_bytes)
{
    double ms = 0;
    const mdl_config *c = s->cfg;
    for (int k = 0; k < n; k++) {
        const mdl_call *call = &calls[k];
        double bytes = call->bytes < 0 ? req_bytes : call->bytes;
        ms += sim_dist_sample(&c->svc_latency[call->op], rng);
        if (c->svc_mbps[call->op] > 0)
            ms += bytes / (c->svc_mbps[call->op] * 1e6) * 1e3;
    }
    return ms;
}

static double calls_ms(mdl_scenario *s, fn_rt *f, const req *r)
{
    return mdl__calls_ms(s, f->cfg->calls, f->cfg->ncalls, f->r_calls, r->bytes);
}

/* An object PUT now is stored until the end of the run: GB-month is
 * bytes x remaining time over a 730-hour month (S3 meters byte-hours). */
static void s3_store(mdl_scenario *s, double bytes)
{
    double remaining = s->cfg->duration_s - sim_engine_now(s->e);
    if (remaining > 0 && sim_engine_now(s->e) >= s->t_measure)
        s->s3_gb_month += bytes / 1e9 * remaining / (730.0 * 3600.0);
}

void mdl__meter_calls(mdl_scenario *s, const mdl_call *calls, int n, double req_bytes)
{
    mdl_meter *m = s->meter;
    for (int k = 0; k < n; k++) {
        const mdl_call *call = &calls[k];
        double bytes = call->bytes < 0 ? req_bytes : call->bytes;
        switch (call->op) {
        case MDL_CALL_S3_GET: mdl_meter_s3_get(m, 1); break;
        case MDL_CALL_S3_PUT:
            mdl_meter_s3_put(m, 1);
            s3_store(s, bytes);
            break;
        /* Strongly consistent reads (4 KB units); standard writes (1 KB). */
        case MDL_CALL_DDB_READ: mdl_meter_ddb_read(m, call->item_kb, true, false); break;
        case MDL_CALL_DDB_WRITE: mdl_meter_ddb_write(m, call->item_kb, false); break;
        case MDL_CALL_REKOGNITION: mdl_meter_rekognition(m, 2, 1); break;   /* DetectLabels */
        case MDL_CALL_EFS_READ: mdl_meter_efs_io(m, bytes / 1e9, 0); break;
        case MDL_CALL_EFS_WRITE: mdl_meter_efs_io(m, 0, bytes / 1e9); break;
        case MDL_CALL_COUNT: break;
        }
    }
}

static void meter_calls(mdl_scenario *s, fn_rt *f, const req *r)
{
    mdl__meter_calls(s, f->cfg->calls, f->cfg->ncalls, r->bytes);
}

/* Billed duration of one invocation, as its REPORT line says: the handler
 * plus INIT when billed, rounded up to the granularity (1 or 100 ms). */
static double billed_ms_of(const mdl_scenario *s, const fn_rt *f, const req *r)
{
    double ms = r->duration_ms + (r->cold && f->init_billed ? r->init_ms : 0.0);
    double g = s->cfg->granularity_ms;
    double b = ceil(ms / g - 1e-9) * g;
    return b < g ? g : b;
}

/* ---- outcomes ----------------------------------------------------------------- */

void mdl__finish(mdl_scenario *s, int32_t ri, mdl_outcome o)
{
    req *r = &s->rq[ri];
    double now = sim_engine_now(s->e);
    mdl_entry_type et = s->cfg->entry.type;
    if (o == MDL_OUT_OK && r->resp_bytes > 0 && now >= s->t_measure &&
        (et == MDL_ENTRY_FUNCTION_URL || et == MDL_ENTRY_APIGW_HTTP || et == MDL_ENTRY_APIGW_REST))
        mdl_meter_dto(s->meter, r->resp_bytes / 1e9);   /* the response leaves AWS */
    if (r->counted) {
        s->live_counted--;
        if (o == MDL_OUT_OK) {
            s->completed++;
            sim_hist_add(s->lat_ms, (now - r->t_arrival) * 1e3);
        } else {
            s->failures[o]++;
        }
        if (r->fn != MDL_NO_FN) s->fn[r->fn]->out[o]++;
    }
    mdl__req_free(s, ri);
}

static void log_row(mdl_scenario *s, fn_rt *f, const req *r, double billed_ms,
                    const char *outcome)
{
    if (!s->log) return;
    fprintf(s->log, "%llu,%s,%.6f,%.3f,%.0f,%.3f,%d,%s,%s\n",
            (unsigned long long)s->next_req_id++, f->cfg->name,
            sim_engine_now(s->e) - r->response_ms / 1e3, r->duration_ms, billed_ms,
            r->init_ms, f->cfg->memory_mb, r->cold ? "cold" : "warm", outcome);
}

/* ---- the function component -------------------------------------------------- */

/* Event (async) invocations: a direct async entry, or S3 notifying a function. */
static bool is_async(const mdl_scenario *s)
{
    return s->cfg->entry.async || s->cfg->entry.type == MDL_ENTRY_S3;
}

/* Throttle or failure: ESM batches go back to their queue's poller. */
static void fail_invocation(mdl_scenario *s, fn_rt *f, int32_t ri, bool throttled,
                            mdl_outcome o);

/* The handler's time for one invocation: one warm draw per message of an
 * ESM batch (processed one after the other), plus the service calls. */
/* The kernel's time for this request by the performance model (CPU work
 * scaled by the memory's vCPU share, Amdahl for threads); OOM below the
 * working set. */
static double kernel_ms(const fn_rt *f, req *r)
{
    const mdl_function_cfg *c = f->cfg;
    double mp = c->kernel_mp > 0 ? c->kernel_mp : r->bytes / c->kernel_bytes_per_mp;
    double ms = 0;
    if (mdl_perf_duration(&c->kernel, mp, c->memory_mb, &ms) == MDL_PERF_OOM) {
        r->oom = 1;
        return 0;
    }
    return ms;
}

/* One draw of the handler: the warm distribution plus any further steps. */
static double warm_draw(fn_rt *f)
{
    double ms = sim_dist_sample(&f->cfg->warm, f->r_warm);
    for (int k = 0; k < f->cfg->nwarm_more; k++)
        ms += sim_dist_sample(&f->cfg->warm_more[k], f->r_warm);
    return ms;
}

static double handler_ms(mdl_scenario *s, fn_rt *f, req *r)
{
    if (f->cfg->has_kernel)
        return kernel_ms(f, r) + warm_draw(f) + calls_ms(s, f, r);
    if (!isnan(r->trace_ms))   /* the trace recorded (or drew) this invocation's time */
        return r->trace_ms + calls_ms(s, f, r);
    int n = r->batch_n ? r->batch_n : 1;
    double ms = 0;
    for (int k = 0; k < n; k++)
        ms += warm_draw(f) + calls_ms(s, f, r);
    return ms;
}

static void async_retry_or_drop(mdl_scenario *s, fn_rt *f, int32_t ri, bool throttled,
                                mdl_outcome final)
{
    req *r = &s->rq[ri];
    double now = sim_engine_now(s->e);
    double delay;
    if (throttled) {
        /* Throttles go back to the internal queue: backoff from 1 s doubling to
         * 5 min, for as long as the event is younger than the maximum age. */
        delay = fmin(300.0, ldexp(1.0, r->throttle_tries < 20 ? r->throttle_tries : 20));
        r->throttle_tries++;
    } else {
        /* Function errors: MaximumRetryAttempts, about 1 then 2 minutes. */
        if (r->attempts >= s->cfg->async_max_retries) {
            mdl__finish(s, ri, final);
            return;
        }
        delay = 60.0 * (r->attempts + 1);
        r->attempts++;
    }
    if (now + delay - r->t_first > s->cfg->async_max_event_age_s) {
        mdl__finish(s, ri, MDL_OUT_ASYNC_DROPPED);
        return;
    }
    (void)f;
    sim_engine_after(s->e, delay, EV_INVOKE, s->fn[r->fn]->comp, (uint64_t)ri);
}

void mdl__fn_invoke(mdl_scenario *s, fn_rt *f, int32_t ri)
{
    req *r = &s->rq[ri];
    double now = sim_engine_now(s->e);
    bool measured = now >= s->t_measure;
    if (measured) f->invocations++;
    if (!concurrency_free(s, f)) {
        if (measured) f->throttles++;
        fail_invocation(s, f, ri, true, MDL_OUT_THROTTLED);
        return;
    }
    int32_t ii = take_idle(f);
    if (ii >= 0) {
        f->in[ii].state = INST_BUSY;
        f->in[ii].gen++;
        sweep_arm(s, f);
        r->cold = 0;
        r->init_ms = 0;
        r->duration_ms = handler_ms(s, f, r);
        r->response_ms = r->duration_ms;
    } else {
        if (!scaling_token(s, f)) {
            if (measured) f->throttles++;
            fail_invocation(s, f, ri, true, MDL_OUT_THROTTLED);
            return;
        }
        ii = inst_alloc(f, now, false);
        f->live++;
        r->cold = 1;
        if (measured) f->cold_starts++;
        double extra = calls_ms(s, f, r);
        for (int k = 1; k < r->batch_n; k++)   /* the rest of an ESM batch runs warm */
            extra += warm_draw(f) + calls_ms(s, f, r);
        if (f->cfg->has_cold) {
            /* SimFaaS semantics: the cold draw is the whole first response. */
            r->response_ms = sim_dist_sample(&f->cfg->cold, f->r_cold) + extra;
            r->init_ms = f->cfg->has_init
                ? fmin(sim_dist_sample(&f->cfg->init, f->r_init), r->response_ms) : 0.0;
        } else {
            r->init_ms = f->cfg->has_init ? sim_dist_sample(&f->cfg->init, f->r_init) : 0.0;
            double handler = f->cfg->has_kernel ? kernel_ms(f, r) + warm_draw(f)
                           : isnan(r->trace_ms) ? warm_draw(f) : r->trace_ms;
            r->response_ms = r->init_ms + handler + extra;
        }
        r->duration_ms = r->response_ms - r->init_ms;
    }
    r->inst = ii;
    concurrency_take(s, f, 1);
    update_levels(s, f);
    /* The function timeout kills the handler (INIT has its own limit). */
    double limit_ms = f->cfg->timeout_s * 1e3;
    r->timed_out = r->duration_ms > limit_ms;
    if (r->timed_out) {
        r->duration_ms = limit_ms;
        r->response_ms = r->init_ms + limit_ms;
    }
    sim_engine_after(s->e, r->response_ms / 1e3, EV_DONE, f->comp, (uint64_t)ri);
}

static void fn_done(mdl_scenario *s, fn_rt *f, int32_t ri)
{
    req *r = &s->rq[ri];
    double now = sim_engine_now(s->e);
    int32_t ii = r->inst;
    bool provisioned = f->in[ii].provisioned;
    double billed = billed_ms_of(s, f, r);
    mdl_meter_lambda_invocation(s->meter, f->meter_fn, r->duration_ms,
                                r->cold ? r->init_ms : 0.0, provisioned);
    if (is_async(s) && r->bytes > 256 * 1024.0)
        mdl_meter_lambda_async_payload(s->meter, f->meter_fn, r->bytes / 1024.0);
    meter_calls(s, f, r);
    concurrency_take(s, f, -1);
    if (now >= s->t_measure) {
        sim_hist_add(f->dur_ms, r->duration_ms);
        f->completed++;
    }
    if (r->oom) {
        /* Out of memory: Lambda kills the runtime, the environment is gone. */
        if (provisioned) inst_go_idle(s, f, ii); else inst_destroy(s, f, ii);
        update_levels(s, f);
        log_row(s, f, r, billed, "out_of_memory");
        fail_invocation(s, f, ri, false, MDL_OUT_OUT_OF_MEMORY);
        return;
    }
    if (r->timed_out) {
        /* After a timeout Lambda resets the environment: the next request
         * on it would start cold, so it is destroyed here. */
        if (now >= s->t_measure) f->timeouts++;
        if (provisioned) inst_go_idle(s, f, ii); else inst_destroy(s, f, ii);
        update_levels(s, f);
        log_row(s, f, r, billed, "function_timeout");
        fail_invocation(s, f, ri, false, MDL_OUT_FUNCTION_TIMEOUT);
        return;
    }
    inst_go_idle(s, f, ii);
    update_levels(s, f);
    if ((r->counted || r->origin != ORIGIN_ENTRY) && now >= s->t_measure)
        sim_hist_add(f->lat_ms, r->response_ms);
    if (r->origin == ORIGIN_ESM) {
        log_row(s, f, r, billed, "ok");
        mdl__esm_complete(s, ri, MDL_OUT_OK);
        return;
    }
    if (r->origin == ORIGIN_SFN) {
        log_row(s, f, r, billed, "ok");
        mdl__sfn_task_done(s, ri, MDL_OUT_OK);
        return;
    }
    /* The front door gave up at its timeout; Lambda ran on and billed. */
    bool door_timeout = !is_async(s) &&
                        now - r->t_arrival > s->cfg->entry.timeout_s + 1e-12;
    log_row(s, f, r, billed, door_timeout ? "entry_timeout" : "ok");
    mdl__finish(s, ri, door_timeout ? MDL_OUT_ENTRY_TIMEOUT : MDL_OUT_OK);
}

static void fail_invocation(mdl_scenario *s, fn_rt *f, int32_t ri, bool throttled,
                            mdl_outcome o)
{
    if (s->rq[ri].origin == ORIGIN_ESM)
        mdl__esm_complete(s, ri, o);
    else if (s->rq[ri].origin == ORIGIN_SFN)
        mdl__sfn_task_done(s, ri, o);
    else if (is_async(s))
        async_retry_or_drop(s, f, ri, throttled, o);
    else
        mdl__finish(s, ri, o);
}

static void fn_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    fn_rt *f = self;
    mdl_scenario *s = f->s;
    switch (ev->type) {
    case EV_INVOKE: mdl__fn_invoke(s, f, (int32_t)ev->arg); break;
    case EV_DONE: fn_done(s, f, (int32_t)ev->arg); break;
    case EV_EXPIRE_SWEEP: {
        if ((uint32_t)ev->arg != f->sweep_gen) break;    /* stale timer */
        f->sweep_armed = false;
        double now = sim_engine_now(e);
        /* Expire every head whose keep-alive has run out (ties included). */
        while (f->idle_head >= 0 &&
               f->in[f->idle_head].idle_since + f->cfg->keep_alive_s <= now + 1e-9) {
            int32_t i = f->idle_head;
            list_unlink(f, &f->idle_head, &f->idle_tail, i);
            inst_destroy(s, f, i);
        }
        f->sweep_gen++;
        update_levels(s, f);
        sweep_arm(s, f);
        break;
    }
    case EV_EXPIRE_ONE: {
        int32_t i = (int32_t)(ev->arg >> 32);
        uint32_t gen = (uint32_t)ev->arg;
        if (i >= f->nin || f->in[i].gen != gen || f->in[i].state != INST_IDLE) break;
        list_unlink(f, &f->idle_head, &f->idle_tail, i);
        inst_destroy(s, f, i);
        update_levels(s, f);
        break;
    }
    default:
        SIM_ENGINE_ASSERT(e, !"unknown function event");
    }
}

/* ---- the entry (front door) ------------------------------------------------ */

static void entry_receive(mdl_scenario *s, int32_t ri, int fi)
{
    const mdl_entry_cfg *en = &s->cfg->entry;
    req *r = &s->rq[ri];
    double now = sim_engine_now(s->e);
    if (en->type == MDL_ENTRY_STEPFUNCTIONS) {
        mdl__sfn_start(s, ri);
        return;
    }
    if (en->type == MDL_ENTRY_QUEUE || en->type == MDL_ENTRY_S3) {
        if (r->bytes > en->max_payload_bytes) {
            mdl__finish(s, ri, MDL_OUT_PAYLOAD_TOO_LARGE);
            return;
        }
        if (en->type == MDL_ENTRY_QUEUE) {
            mdl__sqs_send(s, mdl_config_find_queue(s->cfg, en->target), ri);
        } else {
            /* The upload lands in S3 pending/; the bucket notifies later. */
            mdl_meter_s3_put(s->meter, 1);
            s3_store(s, r->bytes);
            double d = sim_dist_sample(&en->notify_delay, s->r_notify) / 1e3;
            sim_engine_after(s->e, d, EV_S3_NOTIFY, s->comp_entry, (uint64_t)ri);
        }
        return;
    }
    r->fn = (uint16_t)fi;
    r->t_first = now;
    double payload = r->bytes > r->resp_bytes ? r->bytes : r->resp_bytes;
    if (payload > en->max_payload_bytes ||
        (!en->async && payload > 6.0 * 1024 * 1024) ||
        (en->async && r->bytes > 1.0 * 1024 * 1024)) {
        /* The door's own limit, then Lambda's: 6 MB sync, 1 MB async. */
        mdl__finish(s, ri, MDL_OUT_PAYLOAD_TOO_LARGE);
        return;
    }
    if (en->type == MDL_ENTRY_APIGW_HTTP || en->type == MDL_ENTRY_APIGW_REST) {
        /* Account throttle: token bucket of rate rps and depth burst. */
        s->door_tokens = fmin(en->throttle_burst, s->door_tokens + (now - s->t_door) * en->throttle_rps);
        s->t_door = now;
        if (s->door_tokens < 1.0) {
            mdl__finish(s, ri, MDL_OUT_ENTRY_THROTTLED);
            return;
        }
        s->door_tokens -= 1.0;
        if (en->type == MDL_ENTRY_APIGW_HTTP)
            mdl_meter_apigw_http(s->meter, r->bytes / 1024.0);
        else
            mdl_meter_apigw_rest(s->meter);
    }
    if (en->type == MDL_ENTRY_FUNCTION_URL)
        mdl_meter_function_url_request(s->meter);   /* free, but on the bill */
    double ov = sim_dist_sample(&en->overhead, s->r_overhead) / 1e3;
    if (en->type == MDL_ENTRY_APIGW_REST && en->cache_hit_ratio > 0 &&
        gsl_rng_uniform(s->r_cache) < en->cache_hit_ratio) {
        /* Answered from the stage cache: Lambda is never invoked. */
        if (r->counted) s->cache_hits++;
        sim_engine_after(s->e, ov, EV_DONE, s->comp_entry, (uint64_t)ri);
        return;
    }
    if (ov > 0)
        sim_engine_after(s->e, ov, EV_INVOKE, s->fn[fi]->comp, (uint64_t)ri);
    else
        mdl__fn_invoke(s, s->fn[fi], ri);
}

static void entry_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    mdl_scenario *s = self;
    int32_t ri = (int32_t)ev->arg;
    if (ev->type == EV_S3_NOTIFY) {
        const mdl_entry_cfg *en = &s->cfg->entry;
        if (en->notify_queue[0]) {
            /* The notification message is a small JSON record, not the photo. */
            s->rq[ri].bytes = 1500;
            mdl__sqs_send(s, mdl_config_find_queue(s->cfg, en->notify_queue), ri);
        } else {
            int fi = mdl_config_find_function(s->cfg, en->notify_function);
            s->rq[ri].fn = (uint16_t)fi;
            s->rq[ri].t_first = sim_engine_now(e);
            mdl__fn_invoke(s, s->fn[fi], ri);
        }
        return;
    }
    SIM_ENGINE_ASSERT(e, ev->type == EV_DONE);
    mdl__finish(s, ri, MDL_OUT_OK);   /* a cache hit */
}

/* ---- the source --------------------------------------------------------------- */

static double next_gap(mdl_scenario *s)
{
    const mdl_workload_cfg *w = &s->cfg->workload;
    if (w->process == MDL_ARRIVALS_DETERMINISTIC) return 1.0 / w->rate_per_s;
    return -log(gsl_rng_uniform_pos(s->r_arrival)) / w->rate_per_s;
}

static int fn_add(mdl_scenario *s, const mdl_function_cfg *cfg, mdl_function_cfg *own);

/* Which function serves a trace arrival: a config function of the trace's
 * function name, else (with workload.trace.function_template) a function of
 * its own cloned from the template, else the route of its op, else the
 * entry's target. */
static int trace_function(mdl_scenario *s, const wl_arrival *a)
{
    if (a->function != WL_NO_FUNCTION) {
        if (a->function >= s->nfn_map) {
            uint32_t n = s->nfn_map ? s->nfn_map : 64;
            while (n <= a->function) n *= 2;
            s->fn_map = sim_xrealloc(s->fn_map, n * sizeof *s->fn_map);
            for (uint32_t k = s->nfn_map; k < n; k++) s->fn_map[k] = -2;
            s->nfn_map = n;
        }
        if (s->fn_map[a->function] == -2) {
            const char *name = wl_source_function_name(s->src, a->function);
            int fi = name ? mdl_config_find_function(s->cfg, name) : -1;
            if (fi < 0 && name && s->template_fn >= 0) {
                /* A function of its own per trace function, like the
                 * template but with the trace's memory when it gives one. */
                mdl_function_cfg *c = sim_xmalloc(sizeof *c);
                *c = s->cfg->fn[s->template_fn];   /* shares the template's dists */
                snprintf(c->name, sizeof c->name, "%s", name);
                c->reserved_concurrency = -1;
                c->provisioned_concurrency = 0;
                if (!isnan(a->memory_mb)) {
                    double m = ceil(a->memory_mb);
                    c->memory_mb = (int)(m < 128 ? 128 : m > 10240 ? 10240 : m);
                }
                fi = fn_add(s, c, c);
            }
            s->fn_map[a->function] = fi;
        }
        if (s->fn_map[a->function] >= 0) return s->fn_map[a->function];
    }
    return s->op_route[a->op] >= 0 ? s->op_route[a->op] : s->default_fn;
}

/* Pull the next arrival from the source and schedule it, or stop. */
static void source_schedule_next(mdl_scenario *s)
{
    if (!wl_source_next(s->src, &s->pending)) {
        if (wl_source_status(s->src, &s->src_err) != SIM_OK) {
            /* Bad input mid-stream: stop the run and report it. */
            s->src_failed = true;
            sim_engine_stop(s->e);
        }
        return;
    }
    double now = sim_engine_now(s->e);
    if (s->pending.t_s > s->cfg->duration_s) return;
    sim_engine_at(s->e, s->pending.t_s < now ? now : s->pending.t_s, EV_ARRIVAL, s->comp_source, 0);
}

static void source_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    mdl_scenario *s = self;
    (void)ev;
    double now = sim_engine_now(e);
    int32_t ri = mdl__req_alloc(s);
    req *r = &s->rq[ri];
    r->t_arrival = now;
    r->counted = now >= s->t_measure;
    if (r->counted) {
        s->arrivals++;
        s->live_counted++;
    }
    int fi = s->default_fn;
    if (s->src) {
        const wl_arrival *a = &s->pending;
        /* A view returns the object (response); other ops send it. */
        if (a->op == WL_OP_VIEW) {
            r->resp_bytes = (double)a->bytes;
            r->bytes = 1024;
        } else {
            r->bytes = (double)a->bytes;
        }
        r->trace_ms = a->duration_ms;
        fi = trace_function(s, a);
        entry_receive(s, ri, fi);
        source_schedule_next(s);
        return;
    }
    r->bytes = s->cfg->workload.bytes.a;
    if (s->cfg->workload.nmix) {
        double u = gsl_rng_uniform(s->r_mix), acc = 0;
        int op = s->cfg->workload.nmix - 1;
        for (int i = 0; i < s->cfg->workload.nmix; i++) {
            acc += s->cfg->workload.mix_w[i];
            if (u < acc) { op = i; break; }
        }
        r->bytes = s->cfg->workload.mix_bytes[op];
        fi = s->mix_fn[op];
    }
    double t = now + next_gap(s);
    if (t <= s->cfg->duration_s)
        sim_engine_at(e, t, EV_ARRIVAL, s->comp_source, 0);
    entry_receive(s, ri, fi);
}

/* Open the config's trace or generator for this replication. */
static sim_status source_open(mdl_scenario *s, uint64_t seed, uint64_t replication,
                              sim_error *err)
{
    const mdl_workload_cfg *w = &s->cfg->workload;
    /* Replication r > 0 of a generator or an Azure spread draws anew. */
    uint64_t sd = replication ? sim_mix64(seed ^ sim_mix64(replication)) : seed;
    if (w->kind == MDL_WL_GENERATOR) {
        wl_gen_spec spec = w->gen;
        spec.duration_s = s->cfg->duration_s;
        return wl_gen_source_create(&s->src, &spec, sd, err);
    }
    if (w->kind != MDL_WL_TRACE) return SIM_OK;
    switch (w->trace_format) {
    case MDL_TRACE_CSV: return wl_csv_source_open(&s->src, w->trace_file, err);
    case MDL_TRACE_AZURE2021: return wl_az21_source_open(&s->src, w->trace_file, err);
    case MDL_TRACE_AZURE2019:
        SIM_TRY(wl_az19_load(&s->az, w->trace_file, w->durations_file[0] ? w->durations_file : NULL,
                             w->memory_file[0] ? w->memory_file : NULL, err));
        return wl_az19_source_create(&s->src, s->az, w->spread, sd, err);
    }
    return SIM_OK;
}

/* ---- control: the end of the warm-up ----------------------------------------- */

static uint64_t total_failures(const mdl_scenario *s)
{
    uint64_t f = 0;
    for (int o = 1; o < MDL_OUT_COUNT; o++) f += s->failures[o];
    return f;
}

static void sample(mdl_scenario *s, double now)
{
    if (s->nts == s->capts) {
        s->capts = s->capts ? 2 * s->capts : 256;
        s->ts = sim_xrealloc(s->ts, s->capts * sizeof *s->ts);
    }
    mdl_ts_row *row = &s->ts[s->nts++];
    memset(row, 0, sizeof *row);
    row->t_s = now;
    uint64_t thr = 0;
    for (int i = 0; i < s->nfn; i++) {
        row->instances += s->fn[i]->live;
        row->running += s->fn[i]->busy;
        thr += s->fn[i]->throttles;
        const mdl_usage_fn *u = &mdl_meter_usage(s->meter)->fn[s->fn[i]->meter_fn];
        row->gb_s += (u->billed_ms + u->pc_billed_ms) / 1000.0 * u->memory_mb / 1024.0;
        row->requests_billed += u->requests;
    }
    mdl__sqs_levels(s, &row->queue_depth, &row->consumers);
    uint64_t fl = total_failures(s);
    row->arrivals = (double)(s->arrivals - s->ts_arrivals);
    row->completed = (double)(s->completed - s->ts_completed);
    row->failed = (double)(fl - s->ts_failed);
    row->throttles = (double)(thr - s->ts_throttles);
    s->ts_arrivals = s->arrivals;
    s->ts_completed = s->completed;
    s->ts_failed = fl;
    s->ts_throttles = thr;
}

static void ctl_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    mdl_scenario *s = self;
    double now = sim_engine_now(e);
    if (ev->type == EV_SAMPLE) {
        sample(s, now);
        if (now + s->ts_interval <= s->cfg->duration_s + 1e-9)
            sim_engine_after(e, s->ts_interval, EV_SAMPLE, s->comp_ctl, 0);
        return;
    }
    SIM_ENGINE_ASSERT(e, ev->type == EV_WARMUP);
    s->t_measure = now;
    for (int i = 0; i < s->nfn; i++) {
        fn_rt *f = s->fn[i];
        sim_twavg_reset(&f->tw_live, now);
        sim_twavg_reset(&f->tw_busy, now);
        sim_twavg_reset(&f->tw_idle, now);
        f->max_live = f->live;
    }
    mdl_meter_reset(s->meter);
    s->s3_gb_month = 0;
    mdl__sqs_reset_stats(s, now);
    mdl__sfn_reset_stats(s);
    s->ts_throttles = 0;
    s->ts_arrivals = s->ts_completed = s->ts_failed = 0;
}

/* ---- lifecycle ---------------------------------------------------------------- */

static const sim_component_ops k_fn_ops = { "lambda", fn_on_event };
static const sim_component_ops k_entry_ops = { "entry", entry_on_event };
static const sim_component_ops k_source_ops = { "source", source_on_event };
static const sim_component_ops k_ctl_ops = { "control", ctl_on_event };

/* Build a function's runtime state: engine component, RNG streams (named
 * after the function, so adding one never shifts another's draws), stats,
 * provisioned environments, its meter registration.  `own` (may be NULL) is
 * a config copy the function owns (a trace function cloned from the
 * template).  Returns the index. */
static int fn_add(mdl_scenario *s, const mdl_function_cfg *cfg, mdl_function_cfg *own)
{
    if (s->nfn == s->capfn) {
        s->capfn = s->capfn ? 2 * s->capfn : 16;
        s->fn = sim_xrealloc(s->fn, (size_t)s->capfn * sizeof *s->fn);
    }
    fn_rt *f = sim_xcalloc(1, sizeof *f);
    s->fn[s->nfn] = f;
    char name[MDL_NAME_MAX + 32];
    f->s = s;
    f->cfg = cfg;
    f->own_cfg = own;
    snprintf(f->name, sizeof f->name, "%s", cfg->name);
    f->index = s->nfn++;
    f->free_head = f->idle_head = f->idle_tail = f->pc_head = f->pc_tail = -1;
    f->tokens = 1000;
    f->comp = sim_engine_add_component(s->e, &k_fn_ops, f);
#define STREAM(field, suffix) \
    (snprintf(name, sizeof name, "functions.%s/%s", f->name, suffix), \
     f->field = sim_engine_rng(s->e, name))
    STREAM(r_warm, "warm");
    STREAM(r_cold, "cold");
    STREAM(r_init, "init");
    STREAM(r_reuse, "reuse");
    STREAM(r_keep, "keep_alive");
    STREAM(r_calls, "calls");
#undef STREAM
    double now = sim_engine_now(s->e);
    sim_twavg_init(&f->tw_live, now, 0);
    sim_twavg_init(&f->tw_busy, now, 0);
    sim_twavg_init(&f->tw_idle, now, 0);
    f->lat_ms = sim_hist_create(1e-3);
    f->dur_ms = sim_hist_create(1e-3);
    sim_welford_init(&f->lifespan);
    mdl_lambda_spec spec = { cfg->name, cfg->arch, cfg->memory_mb, cfg->ephemeral_storage_mb,
                             cfg->image_package ? MDL_PACKAGE_IMAGE : MDL_PACKAGE_ZIP,
                             cfg->provisioned_concurrency };
    f->meter_fn = mdl_meter_add_function(s->meter, &spec);
    /* Container images always paid INIT; ZIP functions since 2025-08. */
    f->init_billed = cfg->image_package || mdl_meter_usage(s->meter)->init_billed_zip;
    /* Provisioned environments exist, initialised, from the start. */
    for (int k = 0; k < cfg->provisioned_concurrency; k++) {
        int32_t ii = inst_alloc(f, now, true);
        f->live++;
        inst_go_idle(s, f, ii);
    }
    update_levels(s, f);
    return f->index;
}

sim_status mdl_scenario_create(const mdl_config *cfg, uint64_t seed, uint64_t replication,
                               mdl_scenario **out, sim_error *err)
{
    mdl_scenario *s = sim_xcalloc(1, sizeof *s);
    s->cfg = cfg;
    s->e = sim_engine_create(seed, replication);
    s->rq_free = -1;
    s->lat_ms = sim_hist_create(1e-3);
    s->t_measure = cfg->warmup_s;
    s->comp_source = sim_engine_add_component(s->e, &k_source_ops, s);
    s->comp_entry = sim_engine_add_component(s->e, &k_entry_ops, s);
    s->comp_ctl = sim_engine_add_component(s->e, &k_ctl_ops, s);
    s->r_arrival = sim_engine_rng(s->e, "workload/arrivals");
    s->r_mix = sim_engine_rng(s->e, "workload/mix");
    s->r_overhead = sim_engine_rng(s->e, "entry/overhead");
    s->r_cache = sim_engine_rng(s->e, "entry/cache");
    s->r_notify = sim_engine_rng(s->e, "s3/notify");
    /* The meter first: each function registers with it as it is built. */
    mdl_meter_opts mo = { cfg->free_tier, cfg->granularity_ms, cfg->month[0] ? cfg->month : NULL };
    sim_status mst = mdl_meter_create(cfg->catalog, &mo, &s->meter, err);
    if (mst != SIM_OK) {
        mdl_scenario_destroy(s);
        return mst;
    }
    int reserved = 0;
    for (int i = 0; i < cfg->nfn; i++) {
        fn_add(s, &cfg->fn[i], NULL);
        if (cfg->fn[i].reserved_concurrency > 0) reserved += cfg->fn[i].reserved_concurrency;
    }
    s->template_fn = cfg->workload.function_template[0]
                         ? mdl_config_find_function(cfg, cfg->workload.function_template) : -1;
    s->unreserved_cap = cfg->account_concurrency - reserved;
    s->burst_tokens = cfg->burst_limit;
    s->door_tokens = cfg->entry.throttle_burst;
    s->default_fn = cfg->entry.target[0] ? mdl_config_find_function(cfg, cfg->entry.target) : 0;
    for (int i = 0; i < cfg->workload.nmix; i++) {
        s->mix_fn[i] = s->default_fn;
        for (int r = 0; r < cfg->entry.nroutes; r++)
            if (strcmp(cfg->entry.route_op[r], cfg->workload.mix_op[i]) == 0)
                s->mix_fn[i] = mdl_config_find_function(cfg, cfg->entry.route_fn[r]);
    }
    s->meter_cache = -1;
    if (cfg->entry.type == MDL_ENTRY_APIGW_REST && cfg->entry.cache_hit_ratio > 0) {
        mst = mdl_meter_add_rest_cache(s->meter, cfg->entry.cache_gb, "", 0, "entry.cache.size_gb",
                                       &s->meter_cache, err);
        if (mst != SIM_OK) {
            mdl_scenario_destroy(s);
            return mst;
        }
    }
    for (int k = 0; k < WL_OP_COUNT; k++) {
        s->op_route[k] = -1;
        for (int r = 0; r < cfg->entry.nroutes; r++)
            if (strcmp(cfg->entry.route_op[r], wl_op_name((wl_op)k)) == 0)
                s->op_route[k] = mdl_config_find_function(cfg, cfg->entry.route_fn[r]);
    }
    if (s->default_fn < 0) s->default_fn = 0;
    mdl__sfn_build(s);
    sim_status st = source_open(s, seed, replication, err);
    if (st == SIM_OK) st = mdl__sqs_build(s, err);
    if (st != SIM_OK) {
        mdl_scenario_destroy(s);
        return st;
    }
    *out = s;
    return SIM_OK;
}

void mdl_scenario_destroy(mdl_scenario *s)
{
    if (!s) return;
    for (int i = 0; i < s->nfn; i++) {
        free(s->fn[i]->in);
        sim_hist_destroy(s->fn[i]->lat_ms);
        sim_hist_destroy(s->fn[i]->dur_ms);
        free(s->fn[i]->own_cfg);
        free(s->fn[i]);
    }
    free(s->fn);
    mdl__sqs_destroy(s);
    mdl__sfn_destroy(s);
    wl_source_destroy(s->src);
    wl_az19_destroy(s->az);
    free(s->fn_map);
    free(s->ts);
    mdl_bill_destroy(s->bill);
    mdl_bill_destroy(s->bill_month);
    mdl_meter_destroy(s->meter);
    sim_hist_destroy(s->lat_ms);
    free(s->rq);
    sim_engine_destroy(s->e);
    free(s);
}

void mdl_scenario_set_progress(mdl_scenario *s, void (*cb)(void *ctx, double t, double end),
                               void *ctx)
{
    s->progress = cb;
    s->progress_ctx = ctx;
}

void mdl_scenario_enable_timeseries(mdl_scenario *s, double interval_s)
{
    SIM_ASSERT(interval_s > 0);
    s->ts_interval = interval_s;
}

const mdl_ts_row *mdl_scenario_timeseries(const mdl_scenario *s, size_t *n)
{
    *n = s->nts;
    return s->ts;
}

void mdl_scenario_set_log(mdl_scenario *s, FILE *fp)
{
    s->log = fp;
    if (fp)
        fprintf(fp, "request_id,function,start_s,duration_ms,billed_duration_ms,"
                    "init_duration_ms,memory_size_mb,start,outcome\n");
}

sim_status mdl_scenario_run(mdl_scenario *s, sim_error *err)
{
    const mdl_config *c = s->cfg;
    if (c->warmup_s > 0)
        sim_engine_at(s->e, c->warmup_s, EV_WARMUP, s->comp_ctl, 0);
    if (s->src) {
        source_schedule_next(s);
    } else {
        double first = next_gap(s);
        if (c->workload.process == MDL_ARRIVALS_DETERMINISTIC) first = 0;
        if (first <= c->duration_s)
            sim_engine_at(s->e, first, EV_ARRIVAL, s->comp_source, 0);
    }
    mdl__sqs_start(s);
    if (s->ts_interval > 0 && s->ts_interval <= c->duration_s)
        sim_engine_at(s->e, s->ts_interval, EV_SAMPLE, s->comp_ctl, 0);
    if (s->progress) {
        for (int k = 1; k <= 100 && !s->src_failed; k++) {
            double t = k == 100 ? c->duration_s : c->duration_s * k / 100.0;
            sim_engine_run(s->e, t);
            s->progress(s->progress_ctx, t, c->duration_s);
        }
    } else {
        sim_engine_run(s->e, c->duration_s);
    }
    if (s->src_failed) {
        if (err) *err = s->src_err;
        return s->src_err.code ? s->src_err.code : SIM_EFORMAT;
    }
    double span = c->duration_s - s->t_measure;
    if (s->meter_cache >= 0)
        mdl_meter_rest_cache_hours(s->meter, s->meter_cache, span / 3600.0);
    for (int i = 0; i < s->nfn; i++)
        if (s->fn[i]->cfg->provisioned_concurrency > 0)
            mdl_meter_lambda_provisioned(s->meter, s->fn[i]->meter_fn, span);
    if (s->s3_gb_month > 0)
        mdl_meter_s3_storage(s->meter, s->s3_gb_month);
    SIM_TRY(mdl__sqs_meter_end(s, err));
    /* The bill of the simulated period, and of the same usage scaled to a
     * 730-hour month: tiers and free allowances apply to monthly totals, so
     * a day's bill times 30 would be wrong. */
    SIM_TRY(mdl_bill_compute(c->catalog, mdl_meter_usage(s->meter), &s->bill, err));
    if (span > 0) {
        mdl_usage scaled;
        mdl_usage_scale(mdl_meter_usage(s->meter), 730.0 * 3600.0 / span, &scaled);
        sim_status bs = mdl_bill_compute(c->catalog, &scaled, &s->bill_month, err);
        mdl_usage_scale_free(&scaled);
        SIM_TRY(bs);
    }
    return SIM_OK;
}

const mdl_usage *mdl_scenario_usage(const mdl_scenario *s) { return mdl_meter_usage(s->meter); }
const mdl_bill *mdl_scenario_bill(const mdl_scenario *s) { return s->bill; }

uint64_t mdl_scenario_events(const mdl_scenario *s) { return sim_engine_events(s->e); }

static json_object *latency_json(const sim_hist *h)
{
    json_object *o = json_object_new_object();
    bool any = sim_hist_count(h) > 0;
    sim_json_add_double(o, "p50", any ? sim_hist_quantile(h, 0.50) : 0);
    sim_json_add_double(o, "p95", any ? sim_hist_quantile(h, 0.95) : 0);
    sim_json_add_double(o, "p99", any ? sim_hist_quantile(h, 0.99) : 0);
    sim_json_add_double(o, "mean", any ? sim_hist_mean(h) : 0);
    sim_json_add_double(o, "max", any ? sim_hist_max(h) : 0);
    return o;
}

json_object *mdl_scenario_results(const mdl_scenario *s)
{
    const mdl_config *c = s->cfg;
    double t_end = c->duration_s;
    json_object *root = json_object_new_object();
    json_object *fns = json_object_new_object();
    for (int i = 0; i < s->nfn; i++) {
        const fn_rt *f = s->fn[i];
        json_object *o = json_object_new_object();
        double inv = (double)f->invocations;
        sim_json_add_int(o, "invocations", (int64_t)f->invocations);
        sim_json_add_int(o, "cold_starts", (int64_t)f->cold_starts);
        sim_json_add_double(o, "cold_start_probability", inv > 0 ? f->cold_starts / inv : 0);
        sim_json_add_int(o, "throttles", (int64_t)f->throttles);
        sim_json_add_double(o, "throttle_probability", inv > 0 ? f->throttles / inv : 0);
        sim_json_add_int(o, "timeouts", (int64_t)f->timeouts);
        sim_json_add_double(o, "avg_instances", sim_twavg_mean(&f->tw_live, t_end));
        sim_json_add_double(o, "avg_running", sim_twavg_mean(&f->tw_busy, t_end));
        sim_json_add_double(o, "avg_idle", sim_twavg_mean(&f->tw_idle, t_end));
        sim_json_add_int(o, "max_instances", f->max_live);
        sim_json_add_double(o, "avg_lifespan_s", f->lifespan.n ? f->lifespan.mean : 0);
        json_object_object_add(o, "latency_ms", latency_json(f->lat_ms));
        json_object_object_add(o, "duration_ms", latency_json(f->dur_ms));
        const mdl_usage_fn *u = &mdl_meter_usage(s->meter)->fn[s->fn[i]->meter_fn];
        sim_json_add_double(o, "billed_requests", u->requests);
        sim_json_add_double(o, "billed_gb_s", (u->billed_ms + u->pc_billed_ms) / 1000.0 * u->memory_mb / 1024.0);
        json_object_object_add(fns, f->name, o);
    }
    json_object_object_add(root, "functions", fns);
    json_object *rq = json_object_new_object();
    uint64_t failed = 0;
    json_object *fail = json_object_new_object();
    for (int o = 1; o < MDL_OUT_COUNT; o++) {
        failed += s->failures[o];
        sim_json_add_int(fail, mdl_outcome_name((mdl_outcome)o), (int64_t)s->failures[o]);
    }
    /* Counted independently of the other two (requests still in the pool),
     * so arrivals = completed + failed + in_flight is a real check. */
    uint64_t in_flight = s->live_counted;
    sim_json_add_int(rq, "arrivals", (int64_t)s->arrivals);
    sim_json_add_int(rq, "completed", (int64_t)s->completed);
    sim_json_add_int(rq, "failed", (int64_t)failed);
    sim_json_add_int(rq, "in_flight", (int64_t)in_flight);
    sim_json_add_int(rq, "cache_hits", (int64_t)s->cache_hits);
    json_object_object_add(rq, "failures", fail);
    json_object *lat = latency_json(s->lat_ms);
    if (sim_hist_count(s->lat_ms) > 0) {
        /* The client-latency CDF at every percentile (and 99.9): charts draw
         * the whole curve from it. */
        json_object *cdf = json_object_new_array();
        for (int q = 1; q <= 100; q++) {
            double p = q == 100 ? 0.999 : q / 100.0;
            json_object *pt = json_object_new_array();
            json_object_array_add(pt, sim_json_double(sim_hist_quantile(s->lat_ms, p)));
            json_object_array_add(pt, sim_json_double(p));
            json_object_array_add(cdf, pt);
        }
        json_object_object_add(lat, "cdf", cdf);
    }
    json_object_object_add(rq, "latency_ms", lat);
    json_object_object_add(root, "requests", rq);
    if (s->nq)
        json_object_object_add(root, "queues", mdl__sqs_results(s, t_end));
    if (c->entry.type == MDL_ENTRY_STEPFUNCTIONS)
        json_object_object_add(root, "stepfunctions", mdl__sfn_results(s));
    if (s->bill) {
        json_object *cost = mdl_bill_to_json(s->bill);
        sim_json_add_double(cost, "period_s", c->duration_s - s->t_measure);
        if (s->bill_month) {
            /* The simulated usage scaled to a 730-hour month, then billed. */
            json_object *mo = json_object_new_object();
            sim_json_add_double(mo, "total_usd", mdl_bill_total_usd(s->bill_month));
            json_object *sv = json_object_new_object();
            for (int k = 0; k < MDL_SVC_COUNT; k++)
                if (mdl_bill_has_service(s->bill_month, (mdl_service)k))
                    sim_json_add_double(sv, mdl_service_name((mdl_service)k),
                                        mdl_bill_service_usd(s->bill_month, (mdl_service)k));
            json_object_object_add(mo, "services", sv);
            json_object_object_add(cost, "monthly_projection", mo);
        }
        json_object_object_add(root, "cost", cost);
    }
    sim_json_add_int(root, "events", (int64_t)sim_engine_events(s->e));
    sim_json_add_int(root, "seed", (int64_t)sim_engine_seed(s->e));
    return root;
}
