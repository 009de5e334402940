/* mdl_sfn_exec.c - one Step Functions execution as a resumable state object.
 *
 * An execution is a tree of branches: the root, one per Parallel branch and
 * one per Map iteration.  Each branch is a small state machine of its own
 * (READY -> waiting for an invoke, a timer or its children -> READY ... ->
 * DONE), kept in one growable array and referred to by index, so spawning
 * children never invalidates anything.  Nothing blocks: a branch that needs
 * the outside world queues a request and stops; mdl_sfn_exec_resume_*
 * feeds the answer back and pumps every READY branch again.  This file is
 * the bookkeeping (branches, queues, history, the context object, the
 * public API); what each state type does is in mdl_sfn_state.c.
 *
 * Memory: a branch record is freed at the next safe point (between two
 * branch runs, when no state handler is on the stack) once its branch has
 * ended and handed its output to its parent, and the ready FIFO carries a
 * record's epoch so a stale entry never runs the record's next tenant.  An
 * execution from a pool keeps its heap, records and queues when destroyed,
 * so the next one reuses them.
 *
 * History (Standard): events are counted as AWS writes them, by our model
 * of the documented event types: ExecutionStarted; per state entered
 * <Type>StateEntered, and <Type>StateExited when it completes (not for
 * Fail); per Task attempt Scheduled + Started + Succeeded/Failed/TimedOut;
 * per Parallel/Map Started + Succeeded/Failed; per Map iteration Started +
 * Succeeded/Failed.  Event 25,000 may only be ExecutionSucceeded: any
 * other ends the execution with States.Runtime (AWS docs, bp-history-limit;
 * the error and cause are those AWS reports).
 */
#include "models/stepfn/mdl_sfn.h"
#include "models/stepfn/mdl_sfn_internal.h"

#include "sim/sim_json.h"
#include "sim/sim_rng.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The simulated wall clock starts at 2026-01-01T00:00:00Z + start_time_s:
 * a fixed epoch keeps $$.Execution.StartTime and Wait Timestamps
 * reproducible (mdl_sfn_state.c uses the same epoch). */
#define SFN_EPOCH 1767225600.0

struct mdl_sfn_pool {
    mdl_sfn_exec *free;
};

void mdl_sfn_options_default(mdl_sfn_options *o)
{
    memset(o, 0, sizeof *o);
    o->type = MDL_SFN_STANDARD;
    o->task_latency_s = 0.0188;
    o->state_latency_s = MDL_SFN_MIN_STATE_LATENCY_S;
    o->seed = 1;
    o->name = "lambdasim";
    o->express_memory_mb = 64;
}

/* ---- branches, queues ----------------------------------------------------------- */

void mdl_sfn__mark_ready(mdl_sfn_exec *e, int bi)
{
    e->b[bi].ph = PH_READY;
    if (e->rhead == e->rn) e->rhead = e->rn = 0;
    if (e->rn == e->rcap) {
        e->rcap = e->rcap ? e->rcap * 2 : 16;
        e->ready = sim_xrealloc(e->ready, e->rcap * sizeof *e->ready);
    }
    e->ready[e->rn++] = (sfn_ready){ bi, e->b[bi].epoch };
}

int mdl_sfn__branch_new(mdl_sfn_exec *e, int scope, sfn_val *input, int parent, int slot,
                        double t)
{
    int bi;
    if (e->free_head >= 0) {
        bi = e->free_head;
        e->free_head = e->b[bi].slot;
    } else {
        if (e->nb == e->cap) {
            e->cap = e->cap ? e->cap * 2 : 8;
            e->b = sim_xrealloc(e->b, (size_t)e->cap * sizeof *e->b);
            for (int i = e->nb; i < e->cap; i++) e->b[i].epoch = 0;
        }
        bi = e->nb++;
    }
    sfn_branch *b = &e->b[bi];
    uint32_t epoch = b->epoch;
    memset(b, 0, sizeof *b);
    b->epoch = epoch;
    b->state = e->m->scopes[scope].start;
    b->input = input;
    b->t = t;
    b->parent = parent;
    b->slot = slot;
    b->parent_gen = parent >= 0 ? e->b[parent].gen : 0;
    mdl_sfn__mark_ready(e, bi);
    return bi;
}

/* Free branch bi at the next safe point. */
static void doom(mdl_sfn_exec *e, int bi)
{
    if (e->b[bi].doomed || bi == 0) return; /* the root lives as long as the execution */
    e->b[bi].doomed = true;
    if (e->ndoomed == e->capdoomed) {
        e->capdoomed = e->capdoomed ? 2 * e->capdoomed : 16;
        e->doomed = sim_xrealloc(e->doomed, (size_t)e->capdoomed * sizeof *e->doomed);
    }
    e->doomed[e->ndoomed++] = bi;
}

static void branch_release(mdl_sfn_exec *e, sfn_branch *b)
{
    mdl_sfn__unref(&e->heap, b->input);
    mdl_sfn__unref(&e->heap, b->eff);
    mdl_sfn__unref(&e->heap, b->output);
    mdl_sfn__unref(&e->heap, b->results);
    mdl_sfn__unref(&e->heap, b->items);
    b->input = b->eff = b->output = b->results = b->items = NULL;
}

/* The safe point: free the doomed records (no handler is running). */
static void free_doomed(mdl_sfn_exec *e)
{
    for (int k = 0; k < e->ndoomed; k++) {
        int bi = e->doomed[k];
        sfn_branch *b = &e->b[bi];
        branch_release(e, b);
        if (b->t > e->t_freed) e->t_freed = b->t;
        b->ph = PH_FREE;
        b->doomed = false;
        b->epoch++;
        b->slot = e->free_head;
        e->free_head = bi;
    }
    e->ndoomed = 0;
}

/* A request id carries its branch's index in the high 32 bits, so a resume
 * finds its branch in O(1) even in a Map over thousands of items. */
uint64_t mdl_sfn__request(mdl_sfn_exec *e, int bi, mdl_sfn_req_kind kind, double at,
                          double timeout_s)
{
    e->next_id++;
    uint64_t id = ((uint64_t)(uint32_t)bi << 32) | (e->next_id & 0xffffffffu);
    if (e->qhead == e->qn) e->qhead = e->qn = 0;
    if (e->qn == e->qcap) {
        e->qcap = e->qcap ? e->qcap * 2 : 8;
        e->q = sim_xrealloc(e->q, e->qcap * sizeof *e->q);
    }
    const sfn_state *st = &e->m->states[e->b[bi].state];
    mdl_sfn_request *r = &e->q[e->qn++];
    r->kind = kind;
    r->id = id;
    r->at = at;
    r->state = st->name;
    r->resource = kind == MDL_SFN_REQ_INVOKE ? st->resource : NULL;
    r->resource_index = kind == MDL_SFN_REQ_INVOKE ? st->resource_index : -1;
    r->timeout_s = timeout_s;
    return id;
}

void mdl_sfn__kill_children(mdl_sfn_exec *e, int bi)
{
    for (int i = 0; i < e->nb; i++) {
        sfn_branch *c = &e->b[i];
        if (c->ph != PH_FREE && c->parent == bi && c->parent_gen == e->b[bi].gen &&
            c->ph != PH_DEAD) {
            c->ph = PH_DEAD;
            mdl_sfn__kill_children(e, i); /* as deep as Parallel/Map nest */
            doom(e, i);
        }
    }
}

/* ---- ending ---------------------------------------------------------------------------- */

static void finish(mdl_sfn_exec *e, double t, const char *error, const char *cause)
{
    e->end = t;
    e->status = MDL_SFN_FAILED;
    snprintf(e->error, sizeof e->error, "%s", error);
    snprintf(e->cause, sizeof e->cause, "%s", cause);
    for (int i = 0; i < e->nb; i++)
        if (e->b[i].ph != PH_FREE) e->b[i].ph = PH_DEAD;
}

bool mdl_sfn__history(mdl_sfn_exec *e, int bi, unsigned n)
{
    if (e->opt.type != MDL_SFN_STANDARD) return true;
    e->events += n;
    if (e->events < SFN_HISTORY_MAX) return true;
    /* Event 25,000 is ExecutionFailed. */
    e->events = SFN_HISTORY_MAX;
    finish(e, e->b[bi].t, "States.Runtime",
           "The execution reached the maximum number of history events (25000).");
    return false;
}

/* The parent of a finished child takes its output or its failure. */
static void child_done(mdl_sfn_exec *e, int bi, const char *error, const char *cause)
{
    sfn_branch *b = &e->b[bi];
    int pi = b->parent;
    sfn_branch *p = &e->b[pi];
    doom(e, bi);
    if (p->ph != PH_CHILDREN || b->parent_gen != p->gen) return;
    if (p->t < b->t) p->t = b->t;
    bool is_map = p->items != NULL;
    if (error) {
        char err_s[128], cause_s[512];
        snprintf(err_s, sizeof err_s, "%s", error);
        snprintf(cause_s, sizeof cause_s, "%s", cause);
        /* MapIterationFailed, then the Map's or Parallel's own Failed. */
        if (!mdl_sfn__history(e, pi, is_map ? 2 : 1)) return;
        mdl_sfn__mark_ready(e, pi); /* leaves PH_CHILDREN before state_error re-enters */
        mdl_sfn__state_error(e, pi, err_s, cause_s);
        return;
    }
    p->results->u.items[b->slot] = b->output;
    b->output = NULL;
    p->left--;
    p->running--;
    if (is_map && !mdl_sfn__history(e, pi, 1)) return; /* MapIterationSucceeded */
    if (p->left == 0) {
        if (!mdl_sfn__history(e, pi, 1)) return; /* Map/ParallelStateSucceeded */
        mdl_sfn__mark_ready(e, pi);
        p->gen++; /* the finished children are no longer this state's */
        mdl_sfn__unref(&e->heap, p->items);
        p->items = NULL;
        sfn_val *r = p->results;
        p->results = NULL;
        mdl_sfn__v_seal(r);
        mdl_sfn__state_result(e, pi, r); /* the parent goes on (or ends) in the pump */
    } else if (p->items) {
        mdl_sfn__spawn_items(e, pi);
    }
}

void mdl_sfn__branch_done(mdl_sfn_exec *e, int bi, const char *error, const char *cause)
{
    sfn_branch *b = &e->b[bi];
    b->ph = PH_DONE;
    if (b->parent >= 0) {
        child_done(e, bi, error, cause);
        return;
    }
    if (error) {
        finish(e, b->t, error, cause);
        return;
    }
    e->end = b->t;
    e->status = MDL_SFN_SUCCEEDED;
    e->output = sfn_ref(b->output);
}

static void pump(mdl_sfn_exec *e)
{
    while (e->rhead < e->rn && e->status == MDL_SFN_RUNNING) {
        free_doomed(e);
        sfn_ready r = e->ready[e->rhead++];
        /* A branch may be queued twice or cancelled (or its record reused)
         * since: run only the same record, READY. */
        if (e->b[r.bi].epoch == r.epoch && e->b[r.bi].ph == PH_READY) mdl_sfn__run_branch(e, r.bi);
    }
    free_doomed(e);
}

/* ---- the context object ($$) ---------------------------------------------------------- */

static void iso_time(double t, char *buf, size_t n)
{
    double s = SFN_EPOCH + t;
    long days = (long)floor(s / 86400.0);
    double rem = s - (double)days * 86400.0;
    /* civil_from_days (Howard Hinnant). */
    long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    long mo = mp + (mp < 10 ? 3 : -9);
    y += mo <= 2;
    int h = (int)(rem / 3600), mi = (int)((rem - h * 3600) / 60);
    double sec = rem - h * 3600 - mi * 60;
    if (snprintf(buf, n, "%04ld-%02ld-%02ldT%02d:%02d:%06.3fZ", y, mo, d, h, mi, sec) >= (int)n)
        buf[n - 1] = '\0';
}

/* Immortal key and constant strings of the context object. */
#define K_STR(name, text) \
    static const sfn_val name = { SV_STR, SFN_CLS_STATIC, 1, SFN_IMMORTAL, sizeof text - 1, \
                                  6 * (sizeof text - 1) + 2, { NULL }, { .s = text } }
K_STR(k_execution, "Execution");
K_STR(k_state, "State");
K_STR(k_statemachine, "StateMachine");
K_STR(k_map, "Map");
K_STR(k_item, "Item");
K_STR(k_id, "Id");
K_STR(k_input, "Input");
K_STR(k_name, "Name");
K_STR(k_start, "StartTime");
K_STR(k_entered, "EnteredTime");
K_STR(k_retry, "RetryCount");
K_STR(k_index, "Index");
K_STR(k_value, "Value");
K_STR(k_sm_id, "arn:aws:states:us-east-1:123456789012:stateMachine:lambdasim");
K_STR(k_sm_name, "lambdasim");

static void member(sfn_val *o, uint32_t i, const sfn_val *k, sfn_val *v)
{
    o->u.mem[i].key = (sfn_val *)k;
    o->u.mem[i].val = v;
}

static sfn_val *str_val(mdl_sfn_exec *e, const char *s)
{
    return mdl_sfn__v_str((sfn_alloc){ &e->heap, NULL }, s, strlen(s));
}

/* $$.Execution, the same for the whole execution. */
static sfn_val *ctx_execution(mdl_sfn_exec *e)
{
    if (e->ctx_execution) return e->ctx_execution;
    char ts[64], id[256];
    sfn_val *x = mdl_sfn__v_object((sfn_alloc){ &e->heap, NULL }, 4);
    snprintf(id, sizeof id, "arn:aws:states:us-east-1:123456789012:execution:lambdasim:%s",
             e->opt.name);
    iso_time(e->opt.start_time_s, ts, sizeof ts);
    member(x, 0, &k_id, str_val(e, id));
    member(x, 1, &k_input, sfn_ref(e->input));
    member(x, 2, &k_name, str_val(e, e->opt.name));
    member(x, 3, &k_start, str_val(e, ts));
    mdl_sfn__v_seal(x);
    return e->ctx_execution = x;
}

static sfn_val *make_ctx(sfn_env *env)
{
    mdl_sfn_exec *e = env->owner;
    const sfn_branch *b = &e->b[env->branch];
    sfn_alloc a = { &e->heap, NULL };
    char ts[64];
    sfn_val *ctx = mdl_sfn__v_object(a, env->map_value ? 4 : 3);
    member(ctx, 0, &k_execution, sfn_ref(ctx_execution(e)));
    sfn_val *st = mdl_sfn__v_object(a, 3);
    iso_time(b->t, ts, sizeof ts);
    int rc = 0;
    for (int i = 0; i < SFN_RETRIERS_MAX; i++) rc += b->retry_count[i];
    member(st, 0, &k_entered, str_val(e, ts));
    member(st, 1, &k_name, str_val(e, e->m->states[b->state].name));
    member(st, 2, &k_retry, mdl_sfn__v_int(a, rc));
    mdl_sfn__v_seal(st);
    member(ctx, 1, &k_state, st);
    sfn_val *sm = mdl_sfn__v_object(a, 2);
    member(sm, 0, &k_id, (sfn_val *)&k_sm_id);
    member(sm, 1, &k_name, (sfn_val *)&k_sm_name);
    mdl_sfn__v_seal(sm);
    member(ctx, 2, &k_statemachine, sm);
    if (env->map_value) {
        sfn_val *map = mdl_sfn__v_object(a, 1), *item = mdl_sfn__v_object(a, 2);
        member(item, 0, &k_index, mdl_sfn__v_int(a, env->map_index));
        member(item, 1, &k_value, sfn_ref(env->map_value));
        mdl_sfn__v_seal(item);
        member(map, 0, &k_item, item);
        mdl_sfn__v_seal(map);
        member(ctx, 3, &k_map, map);
    }
    mdl_sfn__v_seal(ctx);
    return ctx;
}

void mdl_sfn__env_init(mdl_sfn_exec *e, int bi, sfn_env *env)
{
    memset(env, 0, sizeof *env);
    env->heap = &e->heap;
    env->make_ctx = make_ctx;
    env->owner = e;
    env->branch = bi;
}

double mdl_sfn__jitter(mdl_sfn_exec *e)
{
    /* Created and seeded on first use: an execution without FULL jitter
     * never pays for it; the draws are those of sim_rng_create's stream. */
    unsigned long seed = sim_stream_seed(e->opt.seed, e->opt.replication,
                                         sim_stream_id("sfn/jitter"));
    if (!e->rng) e->rng = sim_rng_create(e->opt.seed, e->opt.replication, "sfn/jitter");
    else if (!e->rng_seeded) gsl_rng_set(e->rng, seed);
    e->rng_seeded = true;
    return sim_rng_uniform(e->rng);
}

/* ---- create, destroy, pools ------------------------------------------------------------- */

mdl_sfn_pool *mdl_sfn_pool_create(void)
{
    return sim_xcalloc(1, sizeof(mdl_sfn_pool));
}

static void exec_free(mdl_sfn_exec *e)
{
    mdl_sfn__heap_fini(&e->heap);
    free(e->b);
    free(e->doomed);
    free(e->q);
    free(e->ready);
    if (e->rng) gsl_rng_free(e->rng);
    free(e);
}

void mdl_sfn_pool_destroy(mdl_sfn_pool *p)
{
    if (!p) return;
    while (p->free) {
        mdl_sfn_exec *e = p->free;
        p->free = e->next_free;
        exec_free(e);
    }
    free(p);
}

/* An upper bound of j's compact size (the value rule of mdl_sfn__v_seal),
 * given up once past `limit`: a huge input costs a partial walk, not a
 * conversion.  Recursion as deep as the JSON reader nests. */
static size_t json_bound(json_object *j, size_t limit)
{
    size_t n = 2;
    switch (json_object_get_type(j)) {
    case json_type_string: return 6 * (size_t)json_object_get_string_len(j) + 2;
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(j) && n <= limit; i++)
            n += 1 + json_bound(json_object_array_get_idx(j, i), limit);
        return n;
    case json_type_object: {
        json_object_object_foreach(j, k, c) {
            n += 6 * strlen(k) + 4 + json_bound(c, limit);
            if (n > limit) return n;
        }
        return n;
    }
    default: return 24;
    }
}

/* The input checked and converted; false (execution FAILED) when it is
 * over AWS's payload limit (StartExecution would refuse it). */
static bool take_input(mdl_sfn_exec *e, json_object *input)
{
    e->input_json = json_object_get(input);
    size_t len = 0;
    if (json_bound(input, SFN_PAYLOAD_MAX) > SFN_PAYLOAD_MAX)
        json_object_to_json_string_length(
            input, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    if (len > SFN_PAYLOAD_MAX) {
        char cause[160];
        snprintf(cause, sizeof cause,
                 "The execution input of %zu bytes exceeds the 262144-byte payload limit", len);
        finish(e, e->opt.start_time_s, "States.DataLimitExceeded", cause);
        return false;
    }
    e->input = mdl_sfn__v_from_json((sfn_alloc){ &e->heap, NULL }, input);
    if (!e->input) {
        finish(e, e->opt.start_time_s, "States.Runtime",
               "The execution input is nested deeper than 1000 levels");
        return false;
    }
    return true;
}

sim_status mdl_sfn_exec_create(const mdl_sfn_machine *m, json_object *input,
                               const mdl_sfn_options *opt, mdl_sfn_exec **out, sim_error *err)
{
    (void)err;
    mdl_sfn_options o;
    if (opt) o = *opt;
    else mdl_sfn_options_default(&o);
    if (!o.name) o.name = "lambdasim";
    mdl_sfn_exec *e = o.pool ? o.pool->free : NULL;
    if (e) o.pool->free = e->next_free;
    else e = sim_xcalloc(1, sizeof *e);
    e->m = m;
    e->opt = o;
    e->status = MDL_SFN_RUNNING;
    e->free_head = -1;
    e->error[0] = e->cause[0] = '\0';
    e->state_lat = fmax(o.state_latency_s, MDL_SFN_MIN_STATE_LATENCY_S);
    e->task_lat = fmax(o.task_latency_s, MDL_SFN_MIN_STATE_LATENCY_S);
    /* Standard runs up to a year, Express up to 5 minutes (README "Reference
     * facts", Step Functions); the definition's TimeoutSeconds can only shorten that. */
    double limit = o.type == MDL_SFN_EXPRESS ? SFN_EXPRESS_MAX_S : SFN_STANDARD_MAX_S;
    if (m->timeout_s > 0 && m->timeout_s < limit) limit = m->timeout_s;
    e->timeout_s = limit;
    e->deadline = o.start_time_s + limit;
    e->t_freed = o.start_time_s;
    e->events = o.type == MDL_SFN_STANDARD; /* ExecutionStarted */
    if (take_input(e, input))
        mdl_sfn__branch_new(e, 0, sfn_ref(e->input), -1, 0, o.start_time_s);
    *out = e;
    return SIM_OK;
}

void mdl_sfn_exec_destroy(mdl_sfn_exec *e)
{
    if (!e) return;
    for (int i = 0; i < e->nb; i++) branch_release(e, &e->b[i]);
    mdl_sfn__unref(&e->heap, e->input);
    mdl_sfn__unref(&e->heap, e->output);
    mdl_sfn__unref(&e->heap, e->ctx_execution);
    SIM_ASSERT(e->heap.live == 0); /* every value of the execution was freed */
    json_object_put(e->input_json);
    json_object_put(e->output_json);
    mdl_sfn_pool *pool = e->opt.pool;
    if (!pool) {
        exec_free(e);
        return;
    }
    /* Keep the heap, records, queues and rng; forget the rest. */
    e->input = e->output = e->ctx_execution = NULL;
    e->input_json = e->output_json = NULL;
    e->nb = 0;
    e->ndoomed = 0;
    e->qhead = e->qn = e->rhead = e->rn = 0;
    e->next_id = e->transitions = e->invocations = e->events = 0;
    e->rng_seeded = false;
    e->next_free = pool->free;
    pool->free = e;
}

/* ---- driving ------------------------------------------------------------------------------ */

void mdl_sfn_exec_advance(mdl_sfn_exec *e, double now)
{
    if (e->status == MDL_SFN_RUNNING && now > e->deadline) {
        mdl_sfn_exec_time_out(e, e->deadline);
        return;
    }
    pump(e);
}

static int find_waiting(const mdl_sfn_exec *e, uint64_t id, sfn_phase ph)
{
    if (e->status != MDL_SFN_RUNNING) return -1;
    uint64_t bi = id >> 32;
    if (bi >= (uint64_t)e->nb) return -1;
    const sfn_branch *b = &e->b[bi];
    return b->req == id && b->ph == ph ? (int)bi : -1;
}

bool mdl_sfn_exec_next_request(mdl_sfn_exec *e, mdl_sfn_request *out)
{
    while (e->qhead < e->qn) {
        mdl_sfn_request *r = &e->q[e->qhead++];
        /* Skip requests whose branch was cancelled before they were taken. */
        sfn_phase ph = r->kind == MDL_SFN_REQ_INVOKE ? PH_INVOKE : PH_TIMER;
        if (find_waiting(e, r->id, ph) >= 0) {
            *out = *r;
            return true;
        }
    }
    return false;
}

json_object *mdl_sfn_exec_request_input(const mdl_sfn_exec *e, uint64_t id)
{
    int bi = find_waiting(e, id, PH_INVOKE);
    return bi < 0 ? NULL : mdl_sfn__v_to_json(e->b[bi].eff);
}

static bool check_deadline(mdl_sfn_exec *e, double now)
{
    if (now > e->deadline) {
        mdl_sfn_exec_time_out(e, e->deadline);
        return false;
    }
    return true;
}

/* What an invoke came back with: json (converted here), the Task's own
 * input (echo), or an error. */
typedef struct answer {
    json_object *json;
    sfn_val *val;       /* a value that outlives the execution (a runner's mock) */
    bool echo;
    const char *error, *cause;
} answer;

static void resume_invoke(mdl_sfn_exec *e, uint64_t id, double now, const answer *a)
{
    int bi = find_waiting(e, id, PH_INVOKE);
    if (bi < 0) return;
    sfn_branch *b = &e->b[bi];
    double timeout = b->task_timeout;
    bool late = timeout > 0 && now - b->issued_at > timeout;
    double at = late ? b->issued_at + timeout : now;
    if (!check_deadline(e, at)) return;
    if (late) b->t = at;
    else if (b->t < now) b->t = now;
    mdl_sfn__mark_ready(e, bi);
    if (!mdl_sfn__history(e, bi, 1)) return; /* TaskSucceeded / Failed / TimedOut */
    if (late) {
        mdl_sfn__state_error(e, bi, "States.Timeout", "Task timed out");
    } else if (a->error) {
        mdl_sfn__state_error(e, bi, a->error, a->cause ? a->cause : "");
    } else {
        sfn_val *r = a->echo ? sfn_ref(b->eff)
                     : a->val ? sfn_ref(a->val)
                              : mdl_sfn__v_from_json((sfn_alloc){ &e->heap, NULL }, a->json);
        if (!r) {
            mdl_sfn__state_error(e, bi, "States.Runtime",
                                 "The task result is nested deeper than 1000 levels");
        } else if (mdl_sfn__v_too_big(r)) {
            mdl_sfn__unref(&e->heap, r);
            mdl_sfn__state_error(e, bi, "States.DataLimitExceeded",
                                 "The task result exceeds the 262144-byte payload limit");
        } else {
            mdl_sfn__state_result(e, bi, r);
        }
    }
    pump(e);
}

void mdl_sfn_exec_resume_result(mdl_sfn_exec *e, uint64_t id, double now, json_object *result)
{
    answer a = { result, NULL, false, NULL, NULL };
    resume_invoke(e, id, now, &a);
}

void mdl_sfn_exec_resume_echo(mdl_sfn_exec *e, uint64_t id, double now)
{
    answer a = { NULL, NULL, true, NULL, NULL };
    resume_invoke(e, id, now, &a);
}

void mdl_sfn_exec_resume_error(mdl_sfn_exec *e, uint64_t id, double now, const char *error,
                               const char *cause)
{
    answer a = { NULL, NULL, false, error, cause };
    resume_invoke(e, id, now, &a);
}

void mdl_sfn__resume_value(mdl_sfn_exec *e, uint64_t id, double now, sfn_val *v)
{
    answer a = { NULL, v, false, NULL, NULL };
    resume_invoke(e, id, now, &a);
}

void mdl_sfn_exec_resume_wait(mdl_sfn_exec *e, uint64_t id, double now)
{
    int bi = find_waiting(e, id, PH_TIMER);
    if (bi < 0) return;
    if (!check_deadline(e, now)) return;
    sfn_branch *b = &e->b[bi];
    if (b->t < now) b->t = now;
    mdl_sfn__mark_ready(e, bi);
    if (!b->retry_timer) {
        /* A Wait state: its output is its (InputPath-filtered) input. */
        mdl_sfn__fault f;
        sfn_val *out = mdl_sfn__output_path(e, bi, b->eff, &f);
        if (out) mdl_sfn__state_advance(e, bi, out);
        else mdl_sfn__state_error(e, bi, f.error, f.cause);
    }
    /* A retry back-off ends with the state READY again, still entered. */
    pump(e);
}

double mdl_sfn_exec_deadline(const mdl_sfn_exec *e)
{
    return e->deadline;
}

void mdl_sfn_exec_time_out(mdl_sfn_exec *e, double now)
{
    if (e->status != MDL_SFN_RUNNING) return;
    char cause[96];
    snprintf(cause, sizeof cause, "Execution timed out after %g s", e->timeout_s);
    finish(e, now, "States.Timeout", cause);
}

mdl_sfn_status mdl_sfn_exec_status(const mdl_sfn_exec *e) { return e->status; }
const char *mdl_sfn_exec_error(const mdl_sfn_exec *e) { return e->error; }
const char *mdl_sfn_exec_cause(const mdl_sfn_exec *e) { return e->cause; }
uint64_t mdl_sfn_exec_transitions(const mdl_sfn_exec *e) { return e->transitions; }
uint64_t mdl_sfn_exec_invocations(const mdl_sfn_exec *e) { return e->invocations; }
uint64_t mdl_sfn_exec_history_events(const mdl_sfn_exec *e) { return e->events; }

json_object *mdl_sfn_exec_output(mdl_sfn_exec *e)
{
    if (e->status != MDL_SFN_SUCCEEDED) return NULL;
    if (!e->output_json) e->output_json = mdl_sfn__v_to_json(e->output);
    return e->output_json;
}

double mdl_sfn_exec_duration(const mdl_sfn_exec *e)
{
    if (e->status != MDL_SFN_RUNNING) return e->end - e->opt.start_time_s;
    double t = e->t_freed;
    for (int i = 0; i < e->nb; i++)
        if (e->b[i].ph != PH_FREE && e->b[i].t > t) t = e->b[i].t;
    return t - e->opt.start_time_s;
}
