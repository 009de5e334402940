/* mdl_lambda.c - Lambda functions: invocations, concurrency, the service hooks.
 *
 * An invocation finds an idle execution environment (warm) or creates one
 * (cold, subject to the concurrency limits and the scaling rate) - after
 * waiting for its placement when the lifecycle has one, and then only if
 * no environment freed meanwhile (EV_PLACE; mdl_lifecycle.h) -, runs the
 * handler, and on completion the environment goes idle until reused or
 * expired (mdl_lambda_env.c).  A throttle or a failure goes back to the
 * request's origin, or, for an event (async) invocation, into Lambda's own
 * retry queue.  Every invocation is metered as its REPORT line bills it.
 */
#include "models/lambda/mdl_lambda_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static sim_engine *engine_of(const mdl_lambda *l) { return l->core->e; }

/* ---- concurrency and scaling ------------------------------------------------ */

static bool concurrency_free(const mdl_lambda *l, const fn_rt *f)
{
    if (f->cfg->reserved_concurrency >= 0)
        return f->busy < f->cfg->reserved_concurrency;
    return l->unreserved_busy < l->unreserved_cap;
}

static void concurrency_take(mdl_lambda *l, fn_rt *f, int delta)
{
    f->busy += delta;
    if (f->cfg->reserved_concurrency < 0)
        l->unreserved_busy += delta;
}

/* May a new execution environment start now?  2023 rule: 1,000 per 10 s per
 * function, refilled continuously, no carry-over beyond 1,000.  Pre-2023:
 * an account burst, then +500 per minute. */
static bool scaling_token(mdl_lambda *l, fn_rt *f, double now)
{
    const mdl_config *c = l->core->cfg;
    if (c->scaling == MDL_SCALING_2023) {
        f->tokens = fmin(1000.0, f->tokens + (now - f->t_tokens) * 100.0);
        f->t_tokens = now;
        if (f->tokens < 1.0) return false;
        f->tokens -= 1.0;
        return true;
    }
    l->burst_tokens = fmin(c->burst_limit, l->burst_tokens + (now - l->t_burst) * 500.0 / 60.0);
    l->t_burst = now;
    if (l->burst_tokens < 1.0) return false;
    l->burst_tokens -= 1.0;
    return true;
}

/* ---- durations ------------------------------------------------------------------ */

/* The handler's service calls (none: no call, 0 ms, no draw); those that
 * happen this time (r->calls_mask). */
static inline double calls_ms(fn_rt *f, const mdl_req *r)
{
    if (!f->cfg->ncalls) return 0.0;
    return mdl_calls_ms(f->core, f->cfg->calls, f->cfg->ncalls, mdl__fn_rng(f, FN_RNG_CALLS), r->bytes,
                        r->obj_bytes, r->calls_mask);
}

/* Billed duration of one invocation, as its REPORT line says: the handler
 * plus INIT when billed, rounded up to the granularity (1 or 100 ms). */
static double billed_ms_of(const fn_rt *f, const mdl_req *r)
{
    double ms = r->duration_ms + (r->cold && f->init_billed ? r->init_ms : 0.0);
    double g = f->core->cfg->granularity_ms;
    double b = ceil(ms / g - 1e-9) * g;
    return b < g ? g : b;
}

/* The kernel's time for this request by the performance model (CPU work
 * scaled by the memory's vCPU share, Amdahl for threads); OOM below the
 * working set. */
static double kernel_ms(const fn_rt *f, mdl_req *r)
{
    const mdl_function_cfg *c = f->cfg;
    /* The object's size (the photo), not the event that names it. */
    double mp = c->kernel_mp > 0 ? c->kernel_mp : r->obj_bytes / c->kernel_bytes_per_mp;
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
    gsl_rng *r = mdl__fn_rng(f, FN_RNG_WARM);
    double ms = sim_dist_sample(&f->cfg->warm, r);
    for (int k = 0; k < f->cfg->nwarm_more; k++)
        ms += sim_dist_sample(&f->cfg->warm_more[k], r);
    return ms;
}

/* The handler's time for a warm invocation: one warm draw per message of an
 * ESM batch (processed one after the other), plus the service calls. */
static double handler_ms(fn_rt *f, mdl_req *r)
{
    if (f->cfg->has_kernel)
        return kernel_ms(f, r) + warm_draw(f) + calls_ms(f, r);
    if (!isnan(r->trace_ms))   /* the trace recorded (or drew) this invocation's time */
        return r->trace_ms + calls_ms(f, r);
    int n = r->batch_n ? r->batch_n : 1;
    double ms = 0;
    for (int k = 0; k < n; k++)
        ms += warm_draw(f) + calls_ms(f, r);
    return ms;
}

/* INIT and the first response of a cold invocation. */
static void cold_times(fn_rt *f, mdl_req *r)
{
    const mdl_function_cfg *c = f->cfg;
    double extra = calls_ms(f, r);
    for (int k = 1; k < r->batch_n; k++)   /* the rest of an ESM batch runs warm */
        extra += warm_draw(f) + calls_ms(f, r);
    if (c->has_cold) {
        /* SimFaaS semantics: the cold draw is the whole first response. */
        r->response_ms = sim_dist_sample(&c->cold, mdl__fn_rng(f, FN_RNG_COLD)) + extra;
        r->init_ms = c->has_init ? fmin(sim_dist_sample(&c->init, mdl__fn_rng(f, FN_RNG_INIT)), r->response_ms) : 0.0;
    } else {
        r->init_ms = c->has_init ? sim_dist_sample(&c->init, mdl__fn_rng(f, FN_RNG_INIT)) : 0.0;
        double handler = c->has_kernel ? kernel_ms(f, r) + warm_draw(f)
                       : isnan(r->trace_ms) ? warm_draw(f) : r->trace_ms;
        r->response_ms = r->init_ms + handler + extra;
    }
    r->duration_ms = r->response_ms - r->init_ms;
}

/* ---- outcomes ------------------------------------------------------------------ */

/* The invocation's REPORT row (call only with a log), with the entry and
 * the flow it worked for (a batch: its first message's; none: empty). */
static void log_row(fn_rt *f, int32_t ri, double billed_ms, const char *outcome)
{
    mdl_core *core = f->core;
    const mdl_req *r = mdl_req_at(core, ri);
    int32_t m = mdl_req_member(core, ri, 0);
    const mdl_req *p = m >= 0 ? mdl_req_at(core, m) : r;
    fprintf(core->log, "%llu,%s,%.6f,%.3f,%.0f,%.3f,%d,%s,%s,%u,", (unsigned long long)f->l->next_req_id++,
            f->name, sim_engine_now(f->e) - r->response_ms / 1e3, r->duration_ms, billed_ms,
            r->init_ms, f->cfg->memory_mb, r->cold ? "cold" : "warm", outcome,
            (unsigned)f->in[r->inst].id);
    if (p->flow != MDL_NO_FLOW)
        fprintf(core->log, "%s,%llu\n", core->cfg->entry[p->entry].name,
                (unsigned long long)core->fl[p->flow].id);
    else
        fputs(",\n", core->log);
}

/* An event invocation that failed: Lambda's own retry queue. */
static void async_retry_or_drop(fn_rt *f, int32_t ri, bool throttled, mdl_outcome final)
{
    mdl_core *core = f->core;
    mdl_req *r = mdl_req_at(core, ri);
    double now = sim_engine_now(f->e);
    double delay;
    if (throttled) {
        /* Throttles go back to the internal queue: backoff from 1 s doubling to
         * 5 min, for as long as the event is younger than the maximum age. */
        delay = fmin(300.0, ldexp(1.0, r->throttle_tries < 20 ? r->throttle_tries : 20));
        r->throttle_tries++;
    } else {
        /* Function errors: MaximumRetryAttempts, about 1 then 2 minutes. */
        if (r->attempts >= core->cfg->async_max_retries) {
            mdl_req_finish(core, ri, final);
            return;
        }
        delay = 60.0 * (r->attempts + 1);
        r->attempts++;
    }
    if (now + delay - r->t_first > core->cfg->async_max_event_age_s) {
        mdl_req_finish(core, ri, MDL_OUT_ASYNC_DROPPED);
        return;
    }
    r->emitted = 0;   /* the retry runs the handler, and its calls, again */
    sim_engine_after(f->e, delay, EV_INVOKE, f->comp, (uint64_t)ri);
}

/* Throttle or failure: an event invocation is retried, other requests go
 * back to their origin (the client, an ESM batch's poller, a Task). */
static void fail_invocation(fn_rt *f, int32_t ri, bool throttled, mdl_outcome o)
{
    if (mdl_req_at(f->core, ri)->async)
        async_retry_or_drop(f, ri, throttled, o);
    else
        mdl_req_finish(f->core, ri, o);
}

/* Request ri starts on environment ii (warm), or on a new one (ii < 0: cold,
 * when the scaling rate allows) after waiting `waited_ms` for its placement
 * (mdl_lifecycle.h).  The wait is part of its response; a `cold` draw (the
 * whole first response) already includes it. */
static void start(fn_rt *f, int32_t ri, int32_t ii, double waited_ms)
{
    mdl_lambda *l = f->l;
    mdl_req *r = mdl_req_at(f->core, ri);
    double now = sim_engine_now(f->e);
    bool measured = now >= f->core->t_measure;
    if (ii >= 0) {
        r->cold = 0;
        r->init_ms = 0;
        r->duration_ms = handler_ms(f, r);
        r->response_ms = r->duration_ms;
    } else {
        if (!scaling_token(l, f, now)) {
            if (measured) f->throttles++;
            fail_invocation(f, ri, true, MDL_OUT_THROTTLED);
            return;
        }
        ii = mdl__env_alloc(f, now, false);
        f->live++;
        r->cold = 1;
        if (measured) f->cold_starts++;
        cold_times(f, r);
        if (f->cfg->has_cold && waited_ms > 0) {
            /* The environment's part is what is left of the first response
             * after the wait: the INIT shrinks first, then the handler. */
            r->response_ms = fmax(r->response_ms - waited_ms, 0);
            r->init_ms = fmin(r->init_ms, r->response_ms);
            r->duration_ms = r->response_ms - r->init_ms;
        }
    }
    r->inst = ii;
    concurrency_take(l, f, 1);
    mdl__env_levels(f);
    /* The function timeout kills the handler (INIT has its own limit). */
    double limit_ms = f->cfg->timeout_s * 1e3;
    r->timed_out = r->duration_ms > limit_ms;
    if (r->timed_out) {
        r->duration_ms = limit_ms;
        r->response_ms = r->init_ms + limit_ms;
    }
    sim_handle h = sim_engine_after(f->e, r->response_ms / 1e3, EV_DONE, f->comp, (uint64_t)ri);
    if (r->cold) mdl__env_cold_started(f, ii, ri, h);
    r->response_ms += waited_ms;
}

/* No concurrency left (the account's or the function's): the invocation
 * fails as throttled.  Checked at the invocation and again after a
 * placement wait (waiting requests hold no concurrency). */
static bool throttled(fn_rt *f, int32_t ri, bool measured)
{
    if (concurrency_free(f->l, f)) return false;
    if (measured) f->throttles++;
    fail_invocation(f, ri, true, MDL_OUT_THROTTLED);
    return true;
}

static void invoke(fn_rt *f, int32_t ri)
{
    mdl_req *r = mdl_req_at(f->core, ri);
    double now = sim_engine_now(f->e);
    bool measured = now >= f->core->t_measure;
    if (measured) f->invocations++;
    if (throttled(f, ri, measured)) return;
    int32_t ii = mdl__env_take_idle(f);
    if (ii < 0 && f->life.places) {
        /* No idle environment: the request waits for its placement
         * (response_ms holds the wait until it starts). */
        double wait_s = mdl_lifecycle_placement_s(f->life.lc, mdl__fn_rng(f, FN_RNG_PLACE));
        r->response_ms = wait_s * 1e3;
        sim_engine_after(f->e, wait_s, EV_PLACE, f->comp, (uint64_t)ri);
        return;
    }
    start(f, ri, ii, 0);
}

/* Request ri has waited for its placement: an environment idle by now
 * serves it warm, else a new one starts.  Concurrency is checked again (the
 * waiting requests do not hold it). */
static void place(fn_rt *f, int32_t ri)
{
    mdl_req *r = mdl_req_at(f->core, ri);
    bool measured = mdl_core_measuring(f->core);
    if (throttled(f, ri, measured)) return;
    int32_t ii = mdl__env_take_idle(f);
    if (ii >= 0 && measured) f->life.placed_warm++;
    start(f, ri, ii, r->response_ms);
}

/* The handler was killed (out of memory, timeout): the environment goes
 * (provisioned ones are replaced at once), the request fails. */
static void killed(fn_rt *f, int32_t ri, int32_t ii, double billed, mdl_outcome o)
{
    if (f->in[ii].provisioned) mdl__env_go_idle(f, ii); else mdl__env_destroy(f, ii);
    mdl__env_levels(f);
    if (f->core->log) log_row(f, ri, billed, mdl_outcome_name(o));
    fail_invocation(f, ri, false, o);
}

/* A function's histogram, created at its first sample: most of a trace's
 * thousands of functions see few invocations, many none after warm-up. */
static inline sim_hist *fn_hist(sim_hist **h)
{
    if (!*h) *h = sim_hist_create(1e-3);
    return *h;
}

/* The invocation ends: metered, its environment freed, its request
 * finished (after its emitting calls, mdl_emit). */
static void finish(fn_rt *f, int32_t ri)
{
    mdl_core *core = f->core;
    mdl_req *r = mdl_req_at(core, ri);
    double now = sim_engine_now(f->e);
    int32_t ii = r->inst;
    double billed = core->log ? billed_ms_of(f, r) : 0.0;   /* only the log shows it */
    mdl_meter_lambda_invocation(core->meter, f->meter_fn, r->duration_ms,
                                r->cold ? r->init_ms : 0.0, f->in[ii].provisioned);
    if (r->async && r->bytes > 256 * 1024.0)
        mdl_meter_lambda_async_payload(core->meter, f->meter_fn, r->bytes / 1024.0);
    if (f->cfg->ncalls)
        mdl_calls_meter(core, f->cfg->calls, f->cfg->ncalls, r->bytes, r->obj_bytes, r->calls_mask);
    concurrency_take(f->l, f, -1);
    if (now >= core->t_measure) {
        sim_hist_add(fn_hist(&f->dur_ms), r->duration_ms);
        f->completed++;
    }
    if (r->oom) {
        /* Out of memory: Lambda kills the runtime, the environment is gone. */
        killed(f, ri, ii, billed, MDL_OUT_OUT_OF_MEMORY);
        return;
    }
    if (r->timed_out) {
        /* After a timeout Lambda resets the environment: the next request
         * on it would start cold, so it is destroyed here. */
        if (now >= core->t_measure) f->timeouts++;
        killed(f, ri, ii, billed, MDL_OUT_FUNCTION_TIMEOUT);
        return;
    }
    mdl__env_release(f, ii);
    mdl__env_levels(f);
    if ((r->counted || r->origin != MDL_ORIGIN_CLIENT) && now >= core->t_measure)
        sim_hist_add(fn_hist(&f->lat_ms), r->response_ms);
    /* The caller (a front door) gave up at its timeout; Lambda ran on and
     * billed. */
    bool door_timeout = now - r->t_arrival > r->timeout_s + 1e-12;
    if (core->log) log_row(f, ri, billed, door_timeout ? "entry_timeout" : "ok");
    mdl_req_finish(core, ri, door_timeout ? MDL_OUT_ENTRY_TIMEOUT : MDL_OUT_OK);
}

/* Piece k of invocation ri: its batch's k-th message's request, or ri. */
static int32_t emit_piece(void *ctx, uint64_t arg, int k)
{
    const fn_rt *f = ctx;
    return mdl_req_member(f->core, (int32_t)arg, k);
}

/* The synchronous calls came back: the handler was busy (and billed) while
 * it waited; the function timeout counts the wait too. */
static void emit_resume(void *ctx, uint64_t arg, double waited_s)
{
    fn_rt *f = ctx;
    int32_t ri = (int32_t)arg;
    mdl_req *r = mdl_req_at(f->core, ri);
    double limit_ms = f->cfg->timeout_s * 1e3;
    r->duration_ms += waited_s * 1e3;
    r->response_ms += waited_s * 1e3;
    if (r->duration_ms > limit_ms) {
        /* Killed at the timeout (the environment, though, was held until now:
         * a simplification, README "Entries and flows"). */
        r->timed_out = 1;
        r->duration_ms = limit_ms;
        r->response_ms = r->init_ms + limit_ms;
    }
    finish(f, ri);
}

/* The handler returned: first the work its calls emit (a handler that
 * crashed emits nothing), then the end of the invocation. */
static void done(fn_rt *f, int32_t ri)
{
    mdl_req *r = mdl_req_at(f->core, ri);
    if (f->cfg->emits && !r->emitted && !r->oom && !r->timed_out) {
        r->emitted = 1;
        mdl_emit_src src = { .calls = f->cfg->calls, .ncalls = f->cfg->ncalls,
                             .mask = r->calls_mask, .npieces = r->batch_n ? r->batch_n : 1,
                             .lineage = ri, .piece = emit_piece, .resume = emit_resume,
                             .ctx = f, .arg = (uint64_t)ri };
        if (!mdl_emit(f->core, &src)) return;   /* emit_resume finishes it */
    }
    finish(f, ri);
}

static void fn_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    fn_rt *f = self;
    switch (ev->type) {
    case EV_INVOKE: invoke(f, (int32_t)ev->arg); break;
    case EV_DONE: done(f, (int32_t)ev->arg); break;
    case EV_PLACE: place(f, (int32_t)ev->arg); break;
    case EV_EXPIRE_SWEEP: mdl__env_expire_sweep(f, (uint32_t)ev->arg); break;
    case EV_EXPIRE_ONE: mdl__env_expire_one(f, (int32_t)(ev->arg >> 32), (uint32_t)ev->arg); break;
    case EV_LIFECYCLE:
    case EV_READY: mdl__env_lifecycle_event(f, ev->type, ev->arg); break;
    default: SIM_ENGINE_ASSERT(e, !"unknown function event");
    }
}

/* ---- what other services call ------------------------------------------------------ */

/* A request enters function fn: once per request (an async retry is the
 * same request), its chain's count for fn goes up, and the 17th entry of a
 * chain is stopped, as AWS's recursive loop detection does; the calls that
 * happen this time are drawn.  False: stopped (the request has finished). */
static bool admit(mdl_lambda *l, int fn, int32_t ri)
{
    SIM_ASSERT(fn >= 0 && fn < l->nfn);
    fn_rt *f = l->fn[fn];
    mdl_req *r = mdl_req_at(l->core, ri);
    r->fn = (uint16_t)fn;
    int slot = f->cfg->loop_slot;
    if (slot >= 0 && ++r->loop[slot] > MDL_RECURSION_LIMIT) {
        if (mdl_core_measuring(l->core)) f->loops_stopped++;
        mdl_req_finish(l->core, ri, MDL_OUT_RECURSIVE_LOOP);
        return false;
    }
    r->calls_mask = f->cfg->random_calls
                  ? mdl_calls_decide(f->cfg->calls, f->cfg->ncalls, mdl__fn_rng(f, FN_RNG_CALLS)) : MDL_CALLS_ALL;
    return true;
}

void mdl_lambda_invoke(mdl_lambda *l, int fn, int32_t ri)
{
    if (admit(l, fn, ri)) invoke(l->fn[fn], ri);
}

void mdl_lambda_invoke_after(mdl_lambda *l, int fn, int32_t ri, double delay_s)
{
    if (admit(l, fn, ri))
        sim_engine_after(engine_of(l), delay_s, EV_INVOKE, l->fn[fn]->comp, (uint64_t)ri);
}

void mdl_lambda_invoke_at(mdl_lambda *l, int fn, int32_t ri, double t)
{
    if (admit(l, fn, ri)) sim_engine_at(engine_of(l), t, EV_INVOKE, l->fn[fn]->comp, (uint64_t)ri);
}

/* ---- functions ------------------------------------------------------------------ */

/* What the function's next event will read: its hot lines, and for an
 * invocation ending its request and its statistics' headers. */
static void fn_prefetch(const void *self, const sim_event *ev)
{
    const fn_rt *f = self;
    __builtin_prefetch(f);
    __builtin_prefetch((const char *)f + 64);
    __builtin_prefetch((const char *)f + 128);
    if (ev->type == EV_DONE || ev->type == EV_INVOKE) {
        __builtin_prefetch(mdl_req_at(f->core, (int32_t)ev->arg));
        __builtin_prefetch(f->lat_ms);
        __builtin_prefetch(f->dur_ms);
    }
}

static const sim_component_ops k_fn_ops = { "lambda", fn_on_event, fn_prefetch };

static inline uint32_t clone_hash(uint32_t key, uint32_t nslots)
{
    return (uint32_t)sim_mix64(key) & (nslots - 1);
}

static const char *const k_fn_rng_suffix[FN_RNG_COUNT] = {
#define MDL__FN_RNG_SUFFIX(id, suffix) suffix,
    MDL_FN_RNG_LIST(MDL__FN_RNG_SUFFIX)
#undef MDL__FN_RNG_SUFFIX
};

/* A function's RNG streams are named after it, so adding one never shifts
 * another's draws; each is made on its first draw (mdl__fn_rng). */
gsl_rng *mdl__fn_rng_open(fn_rt *f, fn_rng_id k)
{
    SIM_ASSERT(k < FN_RNG_COUNT && !f->rng[k]);
    char name[MDL_NAME_MAX + 32];
    snprintf(name, sizeof name, "functions.%s/%s", f->name, k_fn_rng_suffix[k]);
    return f->rng[k] = sim_engine_rng(f->e, name);
}

/* Build a function's runtime state: engine component, stats, provisioned
 * environments, its meter registration (RNG streams and histograms come on
 * first use).  `cfg` outlives the run (the config's, or a shared clone
 * config).  Returns the index. */
static int fn_add(mdl_lambda *l, const mdl_function_cfg *cfg, const char *name)
{
    mdl_core *core = l->core;
    if (l->nfn == l->capfn) {
        l->capfn = l->capfn ? 2 * l->capfn : 16;
        l->fn = sim_xrealloc(l->fn, (size_t)l->capfn * sizeof *l->fn);
    }
    fn_rt *f = sim_xcalloc(1, sizeof *f);
    l->fn[l->nfn] = f;
    f->l = l;
    f->core = core;
    f->e = core->e;
    f->cfg = cfg;
    snprintf(f->name, sizeof f->name, "%s", name);
    f->index = l->nfn++;
    f->free_head = f->idle_head = f->idle_tail = f->pc_head = f->pc_tail = -1;
    f->tokens = 1000;
    f->comp = sim_engine_add_component(core->e, &k_fn_ops, f);
    mdl__env_life_init(f);
    double now = sim_engine_now(core->e);
    sim_twavg_init(&f->tw_live, now, 0);
    sim_twavg_init(&f->tw_busy, now, 0);
    sim_twavg_init(&f->tw_idle, now, 0);
    sim_welford_init(&f->lifespan);
    mdl_lambda_spec spec = { f->name, cfg->arch, cfg->memory_mb, cfg->ephemeral_storage_mb,
                             cfg->image_package ? MDL_PACKAGE_IMAGE : MDL_PACKAGE_ZIP,
                             cfg->provisioned_concurrency };
    f->meter_fn = mdl_meter_add_function(core->meter, &spec);
    /* Container images always paid INIT; ZIP functions since 2025-08. */
    f->init_billed = cfg->image_package || mdl_meter_usage(core->meter)->init_billed_zip;
    /* Provisioned environments exist, initialised, from the start. */
    for (int k = 0; k < cfg->provisioned_concurrency; k++) {
        int32_t ii = mdl__env_alloc(f, now, true);
        f->live++;
        mdl__env_go_idle(f, ii);
    }
    mdl__env_levels(f);
    return f->index;
}

/* The config of a clone of `template_fn` with `memory_mb`, shared by every
 * clone of that template and size (a trace's functions differ only in
 * name and memory, so 10,000 clones need a few configs, not 10,000 copies
 * of 1.6 KB).  O(1): open addressing on (template, memory). */
static const mdl_function_cfg *clone_cfg(mdl_lambda *l, int template_fn, int memory_mb)
{
    uint32_t key = (uint32_t)template_fn << 14 | (uint32_t)memory_mb;   /* memory < 2^14 */
    if (2 * ((uint32_t)l->nclone + 1) > l->nclone_slots) {
        l->nclone_slots = l->nclone_slots ? 2 * l->nclone_slots : 64;
        free(l->clone_slot);
        l->clone_slot = sim_xcalloc(l->nclone_slots, sizeof *l->clone_slot);
        for (int i = 0; i < l->nclone; i++) {
            uint32_t k = clone_hash(l->clone[i]->key, l->nclone_slots);
            while (l->clone_slot[k]) k = (k + 1) & (l->nclone_slots - 1);
            l->clone_slot[k] = (uint32_t)i + 1;
        }
    }
    uint32_t k = clone_hash(key, l->nclone_slots);
    for (; l->clone_slot[k]; k = (k + 1) & (l->nclone_slots - 1))
        if (l->clone[l->clone_slot[k] - 1]->key == key) return &l->clone[l->clone_slot[k] - 1]->cfg;
    if (l->nclone == l->capclone) {
        l->capclone = l->capclone ? 2 * l->capclone : 16;
        l->clone = sim_xrealloc(l->clone, (size_t)l->capclone * sizeof *l->clone);
    }
    mdl_clone_cfg *c = sim_xmalloc(sizeof *c);
    c->key = key;
    c->cfg = l->core->cfg->fn[template_fn];   /* shares the template's dists */
    c->cfg.reserved_concurrency = -1;
    c->cfg.provisioned_concurrency = 0;
    c->cfg.memory_mb = memory_mb;
    c->cfg.loop_slot = -1;   /* only the trace invokes a clone: never on a cycle */
    l->clone[l->nclone++] = c;
    l->clone_slot[k] = (uint32_t)l->nclone;
    return &c->cfg;
}

int mdl_lambda_clone(mdl_lambda *l, int template_fn, const char *name, double memory_mb)
{
    SIM_ASSERT(template_fn >= 0 && template_fn < l->core->cfg->nfn);
    int mb = l->core->cfg->fn[template_fn].memory_mb;
    if (!isnan(memory_mb)) {
        double m = ceil(memory_mb);
        mb = (int)(m < 128 ? 128 : m > 10240 ? 10240 : m);
    }
    return fn_add(l, clone_cfg(l, template_fn, mb), name);
}

/* ---- the service hooks -------------------------------------------------------------- */

static sim_status lambda_build(mdl_core *core, void **self, sim_error *err)
{
    (void)err;
    const mdl_config *cfg = core->cfg;
    mdl_lambda *l = sim_xcalloc(1, sizeof *l);
    *self = l;
    l->core = core;
    l->no_samples = sim_hist_create(1e-3);
    int reserved = 0;
    for (int i = 0; i < cfg->nfn; i++) {
        fn_add(l, &cfg->fn[i], cfg->fn[i].name);
        if (cfg->fn[i].reserved_concurrency > 0) reserved += cfg->fn[i].reserved_concurrency;
    }
    l->unreserved_cap = cfg->account_concurrency - reserved;
    l->burst_tokens = cfg->burst_limit;
    return SIM_OK;
}

static void lambda_start(void *self)
{
    mdl_lambda *l = self;
    if (l->core->log)
        fprintf(l->core->log, "request_id,function,start_s,duration_ms,billed_duration_ms,"
                              "init_duration_ms,memory_size_mb,start,outcome,environment,entry,flow\n");
}

static void lambda_reset_stats(void *self, double now)
{
    mdl_lambda *l = self;
    for (int i = 0; i < l->nfn; i++) {
        fn_rt *f = l->fn[i];
        sim_twavg_reset(&f->tw_live, now);
        sim_twavg_reset(&f->tw_busy, now);
        sim_twavg_reset(&f->tw_idle, now);
        f->max_live = f->live;
    }
}

static double gb_s_of(const mdl_usage_fn *u)
{
    return (u->billed_ms + u->pc_billed_ms) / 1000.0 * u->memory_mb / 1024.0;
}

static void lambda_levels(const void *self, mdl_levels *acc)
{
    const mdl_lambda *l = self;
    const mdl_usage *usage = mdl_meter_usage(l->core->meter);
    for (int i = 0; i < l->nfn; i++) {
        const fn_rt *f = l->fn[i];
        acc->instances += f->live;
        acc->running += f->busy;
        acc->throttles += f->throttles;
        const mdl_usage_fn *u = &usage->fn[f->meter_fn];
        acc->gb_s += gb_s_of(u);
        acc->requests_billed += u->requests;
    }
}

static sim_status lambda_meter_end(void *self, double span_s, sim_error *err)
{
    (void)err;
    mdl_lambda *l = self;
    for (int i = 0; i < l->nfn; i++)
        if (l->fn[i]->cfg->provisioned_concurrency > 0)
            mdl_meter_lambda_provisioned(l->core->meter, l->fn[i]->meter_fn, span_s);
    return SIM_OK;
}

static void fn_results(sim_jw *w, const mdl_lambda *l, const fn_rt *f, double t_end)
{
    double inv = (double)f->invocations;
    sim_jw_open(w, f->name);
    sim_jw_int(w, "invocations", (int64_t)f->invocations);
    sim_jw_int(w, "cold_starts", (int64_t)f->cold_starts);
    sim_jw_double(w, "cold_start_probability", inv > 0 ? f->cold_starts / inv : 0);
    sim_jw_int(w, "throttles", (int64_t)f->throttles);
    sim_jw_double(w, "throttle_probability", inv > 0 ? f->throttles / inv : 0);
    sim_jw_int(w, "timeouts", (int64_t)f->timeouts);
    if (f->cfg->loop_slot >= 0) sim_jw_int(w, "recursive_loops_stopped", (int64_t)f->loops_stopped);
    sim_jw_double(w, "avg_instances", sim_twavg_mean(&f->tw_live, t_end));
    sim_jw_double(w, "avg_running", sim_twavg_mean(&f->tw_busy, t_end));
    sim_jw_double(w, "avg_idle", sim_twavg_mean(&f->tw_idle, t_end));
    sim_jw_int(w, "max_instances", f->max_live);
    sim_jw_double(w, "avg_lifespan_s", f->lifespan.n ? f->lifespan.mean : 0);
    mdl__env_results(f, w);
    mdl_latency_jw(w, "latency_ms", f->lat_ms ? f->lat_ms : l->no_samples);
    mdl_latency_jw(w, "duration_ms", f->dur_ms ? f->dur_ms : l->no_samples);
    const mdl_usage_fn *u = &mdl_meter_usage(l->core->meter)->fn[f->meter_fn];
    sim_jw_double(w, "billed_requests", u->requests);
    sim_jw_double(w, "billed_gb_s", gb_s_of(u));
    sim_jw_close(w);
}

static void lambda_results(const void *self, sim_jw *w, double t_end)
{
    const mdl_lambda *l = self;
    sim_jw_open(w, "functions");
    for (int i = 0; i < l->nfn; i++) fn_results(w, l, l->fn[i], t_end);
    sim_jw_close(w);
}

void mdl_lambda_default_timeouts(const mdl_lambda *l,
                                 void (*cb)(void *ctx, const char *name, uint64_t timeouts),
                                 void *ctx)
{
    SIM_ASSERT(l && cb);
    /* The config's functions come first (lambda_build), clones after. */
    for (int i = 0; i < l->core->cfg->nfn; i++) {
        const fn_rt *f = l->fn[i];
        if (f->timeouts > 0 && f->cfg->timeout_s == MDL_DEFAULT_TIMEOUT_S)
            cb(ctx, f->name, f->timeouts);
    }
}

double mdl_lambda_response_bytes(const mdl_lambda *l, int fn)
{
    SIM_ASSERT(fn >= 0 && fn < l->nfn);
    return l->fn[fn]->cfg->response_bytes;
}

static void lambda_destroy(void *self)
{
    mdl_lambda *l = self;
    for (int i = 0; i < l->nfn; i++) {
        free(l->fn[i]->in);
        free(l->fn[i]->newest);
        sim_hist_destroy(l->fn[i]->lat_ms);
        sim_hist_destroy(l->fn[i]->dur_ms);
        free(l->fn[i]);
    }
    free(l->fn);
    for (int i = 0; i < l->nclone; i++) free(l->clone[i]);
    free(l->clone);
    free(l->clone_slot);
    sim_hist_destroy(l->no_samples);
    free(l);
}

const mdl_service_ops mdl_lambda_service = {
    "lambda", lambda_build, lambda_start, lambda_reset_stats, lambda_levels,
    lambda_meter_end, lambda_results, lambda_destroy,
};
