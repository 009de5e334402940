/* mdl_sfn_state.c - what each state type does, on the compiled machine.
 *
 * run_branch dispatches on the state's enum type through a table, once per
 * state entered; nothing here compares strings or reads the definition's
 * JSON.  Semantics follow the ASL specification: the data-flow order
 * InputPath -> Parameters -> (work) -> ResultSelector -> ResultPath ->
 * OutputPath; a Catch applies its ResultPath to the raw state input and
 * skips OutputPath; each retrier counts its own attempts and the first
 * retrier whose ErrorEquals matches decides; States.ALL and
 * States.TaskFailed match every error but States.Runtime and
 * States.DataLimitExceeded (and TaskFailed not States.Timeout); a failing
 * Parallel/Map branch cancels its siblings (their late results are
 * dropped).  Payloads over 256 KiB (a state's input after Parameters, its
 * output, a Map iteration's input) fail with States.DataLimitExceeded.
 */
#include "models/stepfn/mdl_sfn.h"
#include "models/stepfn/mdl_sfn_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* As in mdl_sfn_exec.c: the simulated clock's epoch (2026-01-01T00:00:00Z). */
#define SFN_EPOCH 1767225600.0

static const sfn_state *state_of(const mdl_sfn_exec *e, int bi)
{
    return &e->m->states[e->b[bi].state];
}

static void set_val(mdl_sfn_exec *e, sfn_val **slot, sfn_val *v)
{
    mdl_sfn__unref(&e->heap, *slot);
    *slot = v;
}

static void state_fault(mdl_sfn_exec *e, int bi, const mdl_sfn__fault *f)
{
    mdl_sfn__state_error(e, bi, f->error, f->cause);
}

/* A payload over the limit: fail the state (the value is dropped). */
static bool over_limit(mdl_sfn_exec *e, int bi, sfn_val *v, const char *what)
{
    if (!mdl_sfn__v_too_big(v)) return false;
    char cause[96];
    snprintf(cause, sizeof cause, "The %s exceeds the 262144-byte payload limit", what);
    mdl_sfn__unref(&e->heap, v);
    mdl_sfn__state_error(e, bi, "States.DataLimitExceeded", cause);
    return true;
}

/* ---- data flow ------------------------------------------------------------------------ */

/* InputPath, then (optionally) Parameters; a new reference or NULL. */
static sfn_val *effective_input(mdl_sfn_exec *e, int bi, bool params, mdl_sfn__fault *f)
{
    const sfn_state *st = state_of(e, bi);
    sfn_branch *b = &e->b[bi];
    sfn_env env;
    mdl_sfn__env_init(e, bi, &env);
    sfn_val *v;
    switch (st->input_path.mode) {
    case OP_ABSENT: v = sfn_ref(b->input); break;
    case OP_NULL: v = mdl_sfn__v_empty_object(); break;
    default: v = mdl_sfn__path_get(&st->input_path.p, b->input, &env, f); break;
    }
    if (v && params && st->parameters) {
        sfn_val *r = mdl_sfn__tmpl_eval(st->parameters, v, &env, f);
        mdl_sfn__unref(&e->heap, v);
        v = r;
    }
    mdl_sfn__env_done(&env);
    return v;
}

sfn_val *mdl_sfn__output_path(mdl_sfn_exec *e, int bi, sfn_val *v, mdl_sfn__fault *f)
{
    const sfn_state *st = state_of(e, bi);
    if (st->output_path.mode == OP_ABSENT) return sfn_ref(v);
    if (st->output_path.mode == OP_NULL) return mdl_sfn__v_empty_object();
    sfn_env env;
    mdl_sfn__env_init(e, bi, &env);
    sfn_val *out = mdl_sfn__path_get(&st->output_path.p, v, &env, f);
    mdl_sfn__env_done(&env);
    return out;
}

void mdl_sfn__state_advance(mdl_sfn_exec *e, int bi, sfn_val *output)
{
    if (over_limit(e, bi, output, "state output")) return;
    if (output->depth > SFN_MAX_DEPTH) {
        mdl_sfn__unref(&e->heap, output);
        mdl_sfn__state_error(e, bi, "States.Runtime",
                             "The state output is nested deeper than 1000 levels");
        return;
    }
    if (!mdl_sfn__history(e, bi, 1)) { /* <Type>StateExited */
        mdl_sfn__unref(&e->heap, output);
        return;
    }
    sfn_branch *b = &e->b[bi];
    int next = state_of(e, bi)->next;
    set_val(e, &b->eff, NULL);
    if (next >= 0) {
        b->state = next;
        set_val(e, &b->input, output);
        b->entered = false;
        mdl_sfn__mark_ready(e, bi);
    } else {
        set_val(e, &b->output, output);
        mdl_sfn__branch_done(e, bi, NULL, NULL);
    }
}

void mdl_sfn__state_result(mdl_sfn_exec *e, int bi, sfn_val *result)
{
    const sfn_state *st = state_of(e, bi);
    sfn_branch *b = &e->b[bi];
    mdl_sfn__fault f;
    if (st->result_selector) {
        sfn_env env;
        mdl_sfn__env_init(e, bi, &env);
        sfn_val *r = mdl_sfn__tmpl_eval(st->result_selector, result, &env, &f);
        mdl_sfn__env_done(&env);
        mdl_sfn__unref(&e->heap, result);
        if (!r) { state_fault(e, bi, &f); return; }
        result = r;
    }
    sfn_val *merged;
    if (st->result_path.mode == OP_ABSENT) {
        merged = result;
    } else if (st->result_path.mode == OP_NULL) {
        mdl_sfn__unref(&e->heap, result);
        merged = sfn_ref(b->input);
    } else {
        merged = mdl_sfn__path_put(&st->result_path.p, b->input, result, &e->heap, &f);
        mdl_sfn__unref(&e->heap, result);
        if (!merged) { state_fault(e, bi, &f); return; }
    }
    sfn_val *out = mdl_sfn__output_path(e, bi, merged, &f);
    mdl_sfn__unref(&e->heap, merged);
    if (!out) { state_fault(e, bi, &f); return; }
    mdl_sfn__state_advance(e, bi, out);
}

/* ---- errors ---------------------------------------------------------------------------- */

static bool error_matches(const sfn_errname *p, const char *error, bool is_task)
{
    if (!strcmp(p->name, error)) return true;
    if (!strcmp(error, "States.Runtime") || !strcmp(error, "States.DataLimitExceeded"))
        return false;
    if (p->kind == ERR_ALL) return true;
    if (p->kind == ERR_TASK_FAILED) return is_task && strcmp(error, "States.Timeout") != 0;
    return false;
}

static bool any_matches(const sfn_errname *err, int nerr, const char *error, bool is_task)
{
    for (int k = 0; k < nerr; k++)
        if (error_matches(&err[k], error, is_task)) return true;
    return false;
}

/* The first retrier (catcher) whose ErrorEquals matches, or -1. */
static int match_retrier(const sfn_retrier *r, int n, const char *error, bool is_task)
{
    for (int i = 0; i < n; i++)
        if (any_matches(r[i].err, r[i].nerr, error, is_task)) return i;
    return -1;
}

static int match_catcher(const sfn_catcher *c, int n, const char *error, bool is_task)
{
    for (int i = 0; i < n; i++)
        if (any_matches(c[i].err, c[i].nerr, error, is_task)) return i;
    return -1;
}

/* Retry: true when a back-off was queued. */
static bool try_retry(mdl_sfn_exec *e, int bi, const sfn_state *st, const char *error)
{
    int r = match_retrier(st->retry, st->nretry, error, st->type == SFN_T_TASK);
    if (r < 0 || r >= SFN_RETRIERS_MAX) return false;
    sfn_branch *b = &e->b[bi];
    const sfn_retrier *q = &st->retry[r];
    if (b->retry_count[r] >= q->max_attempts) return false;
    double delay = q->interval * pow(q->rate, b->retry_count[r]);
    if (q->max_delay > 0 && delay > q->max_delay) delay = q->max_delay;
    /* Longer than the longest MaxDelaySeconds AWS accepts, a back-off
     * outlives every execution limit anyway: keep the clock finite. */
    if (!(delay <= SFN_MAX_DELAY_MAX)) delay = SFN_MAX_DELAY_MAX;
    if (q->jitter_full) delay *= mdl_sfn__jitter(e);
    b->retry_count[r]++;
    e->transitions++; /* a retry is billed like a state entered */
    b->ph = PH_TIMER;
    b->retry_timer = true;
    b->req = mdl_sfn__request(e, bi, MDL_SFN_REQ_WAIT, b->t + delay, 0);
    return true;
}

/* Catch: true when a catcher took the error (or failed the branch). */
static bool try_catch(mdl_sfn_exec *e, int bi, const sfn_state *st, const char *error,
                      const char *cause)
{
    int c = match_catcher(st->catcher, st->ncatch, error, st->type == SFN_T_TASK);
    if (c < 0) return false;
    const sfn_catcher *k = &st->catcher[c];
    sfn_branch *b = &e->b[bi];
    sfn_alloc a = { &e->heap, NULL };
    static const sfn_val k_error = { SV_STR, SFN_CLS_STATIC, 1, SFN_IMMORTAL, 5, 32, { NULL }, { .s = "Error" } };
    static const sfn_val k_cause = { SV_STR, SFN_CLS_STATIC, 1, SFN_IMMORTAL, 5, 32, { NULL }, { .s = "Cause" } };
    sfn_val *eo = mdl_sfn__v_object(a, 2);
    eo->u.mem[0] = (sfn_mem){ (sfn_val *)&k_error, mdl_sfn__v_str(a, error, strlen(error)) };
    eo->u.mem[1] = (sfn_mem){ (sfn_val *)&k_cause, mdl_sfn__v_str(a, cause, strlen(cause)) };
    mdl_sfn__v_seal(eo);
    sfn_val *out;
    mdl_sfn__fault f;
    if (k->result_path.mode == OP_ABSENT) {
        out = eo;
    } else {
        out = k->result_path.mode == OP_NULL
                  ? sfn_ref(b->input)
                  : mdl_sfn__path_put(&k->result_path.p, b->input, eo, &e->heap, &f);
        mdl_sfn__unref(&e->heap, eo);
    }
    if (!out) {
        /* Catching failed itself: the branch fails with that error. */
        mdl_sfn__branch_done(e, bi, f.error, f.cause);
        return true;
    }
    b->state = k->next;
    set_val(e, &b->input, out);
    b->entered = false;
    mdl_sfn__mark_ready(e, bi);
    return true;
}

void mdl_sfn__state_error(mdl_sfn_exec *e, int bi, const char *error, const char *cause)
{
    const sfn_state *st = state_of(e, bi);
    /* Only a Parallel or Map has children to cancel (a scan of all branches). */
    if (st->type == SFN_T_PARALLEL || st->type == SFN_T_MAP) mdl_sfn__kill_children(e, bi);
    if (try_retry(e, bi, st, error)) return;
    if (try_catch(e, bi, st, error, cause)) return;
    mdl_sfn__branch_done(e, bi, error, cause);
}

/* ---- Choice ------------------------------------------------------------------------------ */

static bool glob_match(const char *pat, const char *s)
{
    while (*pat) {
        if (*pat == '*') {
            pat++;
            for (const char *t = s;; t++) {
                if (glob_match(pat, t)) return true;
                if (!*t) return false;
            }
        }
        char c = *pat;
        if (c == '\\' && pat[1]) c = *++pat;
        if (*s != c) return false;
        pat++;
        s++;
    }
    return *s == '\0';
}

static int cmp_result(int c, sfn_cmp cmp)
{
    switch (cmp) {
    case CMP_LT: return c < 0;
    case CMP_GT: return c > 0;
    case CMP_LE: return c <= 0;
    case CMP_GE: return c >= 0;
    default: return c == 0;
    }
}

static int sign(double a, double b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

/* A comparison of v (the Variable) with arg (literal or from a path). */
static int compare(const sfn_rule *r, const sfn_val *v, const sfn_val *arg)
{
    bool want = arg->kind == SV_BOOL && arg->u.b;
    double t1, t2;
    switch (r->op->family) {
    case FAM_IS_NULL: return (v->kind == SV_NULL) == want;
    case FAM_IS_NUMERIC: return sfn_is_num(v) == want;
    case FAM_IS_STRING: return (v->kind == SV_STR) == want;
    case FAM_IS_BOOLEAN: return (v->kind == SV_BOOL) == want;
    case FAM_IS_TIMESTAMP:
        return (v->kind == SV_STR && mdl_sfn__timestamp_parse(v->u.s, &t1)) == want;
    case FAM_MATCH:
        return v->kind == SV_STR && arg->kind == SV_STR && glob_match(arg->u.s, v->u.s);
    case FAM_STRING:
        return v->kind == SV_STR && arg->kind == SV_STR &&
               cmp_result(strcmp(v->u.s, arg->u.s), r->op->cmp);
    case FAM_NUMERIC:
        return sfn_is_num(v) && sfn_is_num(arg) &&
               cmp_result(sign(sfn_num(v), sfn_num(arg)), r->op->cmp);
    case FAM_BOOLEAN:
        return v->kind == SV_BOOL && arg->kind == SV_BOOL && v->u.b == arg->u.b;
    case FAM_TIMESTAMP:
        if (v->kind != SV_STR || arg->kind != SV_STR || !mdl_sfn__timestamp_parse(v->u.s, &t1))
            return 0;
        /* A literal was parsed at load. */
        if (r->arg) t2 = r->ts;
        else if (!mdl_sfn__timestamp_parse(arg->u.s, &t2)) return 0;
        return cmp_result(sign(t1, t2), r->op->cmp);
    case FAM_IS_PRESENT: break;
    }
    return 0;
}

/* 1 true, 0 false, -1 runtime error (in f). */
static int eval_rule(const sfn_rule *r, sfn_val *in, sfn_env *env, mdl_sfn__fault *f)
{
    if (r->kind == RULE_AND || r->kind == RULE_OR) {
        bool is_and = r->kind == RULE_AND;
        for (int i = 0; i < r->n; i++) {
            int v = eval_rule(&r->sub[i], in, env, f); /* as deep as rules nest */
            if (v < 0) return -1;
            if (is_and && !v) return 0;
            if (!is_and && v) return 1;
        }
        return is_and;
    }
    if (r->kind == RULE_NOT) {
        int v = eval_rule(r->sub, in, env, f);
        return v < 0 ? -1 : !v;
    }
    if (r->op->family == FAM_IS_PRESENT)
        return mdl_sfn__path_exists(&r->var, in, env) == r->arg->u.b;
    sfn_val *v = mdl_sfn__path_get(&r->var, in, env, f), *other = NULL;
    if (!v) return -1;
    if (r->op->opnd == OPND_PATH && !(other = mdl_sfn__path_get(&r->other, in, env, f))) {
        mdl_sfn__unref(env->heap, v);
        return -1;
    }
    int res = compare(r, v, other ? other : r->arg);
    mdl_sfn__unref(env->heap, v);
    mdl_sfn__unref(env->heap, other);
    return res;
}

/* ---- the state types -------------------------------------------------------------------- */

static void run_task(mdl_sfn_exec *e, int bi, const sfn_state *st)
{
    mdl_sfn__fault f;
    sfn_val *v = effective_input(e, bi, true, &f);
    if (!v) { state_fault(e, bi, &f); return; }
    sfn_branch *b = &e->b[bi];
    set_val(e, &b->eff, v);
    double timeout = st->timeout_s;
    if (st->has_timeout_path) {
        sfn_env env;
        mdl_sfn__env_init(e, bi, &env);
        sfn_val *tv = mdl_sfn__path_get(&st->timeout_path, b->input, &env, &f);
        mdl_sfn__env_done(&env);
        if (!tv) { state_fault(e, bi, &f); return; }
        bool ok = tv->kind == SV_INT && tv->u.i >= 1;
        timeout = ok ? (double)tv->u.i : 0;
        mdl_sfn__unref(&e->heap, tv);
        if (!ok) {
            mdl_sfn__state_error(e, bi, "States.Runtime", "TimeoutSecondsPath is not a positive integer");
            return;
        }
    }
    if (mdl_sfn__v_too_big(b->eff)) {
        mdl_sfn__state_error(e, bi, "States.DataLimitExceeded",
                             "The task input exceeds the 262144-byte payload limit");
        return;
    }
    if (!mdl_sfn__history(e, bi, 2)) return; /* TaskScheduled, TaskStarted */
    b->t += e->task_lat;
    b->ph = PH_INVOKE;
    b->issued_at = b->t;
    b->task_timeout = timeout;
    e->invocations++;
    b->req = mdl_sfn__request(e, bi, MDL_SFN_REQ_INVOKE, b->t, timeout);
}

static void run_pass(mdl_sfn_exec *e, int bi, const sfn_state *st)
{
    mdl_sfn__fault f;
    sfn_val *v = effective_input(e, bi, true, &f);
    if (!v) { state_fault(e, bi, &f); return; }
    if (st->result) {
        mdl_sfn__unref(&e->heap, v);
        v = sfn_ref(st->result);
    }
    /* Pass has no ResultSelector: state_result skips what is absent. */
    mdl_sfn__state_result(e, bi, v);
}

/* The seconds a Wait lasts, or false with the branch failed. */
static bool wait_seconds(mdl_sfn_exec *e, int bi, const sfn_state *st, sfn_val *v, double *secs)
{
    double now = SFN_EPOCH + e->b[bi].t, ts;
    if (st->wait == WAIT_SECONDS) {
        *secs = st->wait_value;
        return true;
    }
    if (st->wait == WAIT_TIMESTAMP) {
        *secs = st->wait_value - now;
        return true;
    }
    mdl_sfn__fault f;
    sfn_env env;
    mdl_sfn__env_init(e, bi, &env);
    sfn_val *wv = mdl_sfn__path_get(&st->wait_path, v, &env, &f);
    mdl_sfn__env_done(&env);
    if (!wv) {
        state_fault(e, bi, &f);
        return false;
    }
    bool is_secs = st->wait == WAIT_SECONDS_PATH, ok;
    if (is_secs) {
        ok = wv->kind == SV_INT && wv->u.i >= 0;
        *secs = ok ? (double)wv->u.i : 0;
    } else {
        ok = wv->kind == SV_STR && mdl_sfn__timestamp_parse(wv->u.s, &ts);
        *secs = ok ? ts - now : 0;
    }
    mdl_sfn__unref(&e->heap, wv);
    if (!ok)
        mdl_sfn__state_error(e, bi, "States.Runtime",
                             is_secs ? "SecondsPath is not a non-negative integer"
                                     : "TimestampPath is not an RFC 3339 timestamp");
    return ok;
}

static void run_wait(mdl_sfn_exec *e, int bi, const sfn_state *st)
{
    mdl_sfn__fault f;
    sfn_val *v = effective_input(e, bi, false, &f);
    if (!v) { state_fault(e, bi, &f); return; }
    set_val(e, &e->b[bi].eff, v);
    double secs;
    if (!wait_seconds(e, bi, st, v, &secs)) return;
    if (secs < 0) secs = 0;
    sfn_branch *b = &e->b[bi];
    b->ph = PH_TIMER;
    b->retry_timer = false;
    b->req = mdl_sfn__request(e, bi, MDL_SFN_REQ_WAIT, b->t + secs, 0);
}

static void run_choice(mdl_sfn_exec *e, int bi, const sfn_state *st)
{
    mdl_sfn__fault f;
    sfn_val *v = effective_input(e, bi, false, &f);
    if (!v) { state_fault(e, bi, &f); return; }
    sfn_env env;
    mdl_sfn__env_init(e, bi, &env);
    int next = -1, res = 0;
    for (int i = 0; i < st->nrules && next < 0; i++) {
        res = eval_rule(&st->rules[i], v, &env, &f);
        if (res < 0) break;
        if (res) next = st->rules[i].next;
    }
    mdl_sfn__env_done(&env);
    if (res < 0) {
        mdl_sfn__unref(&e->heap, v);
        state_fault(e, bi, &f);
        return;
    }
    if (next < 0) next = st->default_next;
    if (next < 0) {
        mdl_sfn__unref(&e->heap, v);
        mdl_sfn__state_error(e, bi, "States.NoChoiceMatched",
                             "No Choice Rule matched and no Default was given");
        return;
    }
    sfn_val *out = mdl_sfn__output_path(e, bi, v, &f);
    mdl_sfn__unref(&e->heap, v);
    if (!out) { state_fault(e, bi, &f); return; }
    if (!mdl_sfn__history(e, bi, 1)) { /* ChoiceStateExited */
        mdl_sfn__unref(&e->heap, out);
        return;
    }
    sfn_branch *b = &e->b[bi];
    b->state = next;
    set_val(e, &b->input, out);
    b->entered = false;
}

static void run_succeed(mdl_sfn_exec *e, int bi, const sfn_state *st)
{
    (void)st;
    mdl_sfn__fault f;
    sfn_val *v = effective_input(e, bi, false, &f);
    if (!v) { state_fault(e, bi, &f); return; }
    sfn_val *out = mdl_sfn__output_path(e, bi, v, &f);
    mdl_sfn__unref(&e->heap, v);
    if (!out) { state_fault(e, bi, &f); return; }
    if (!mdl_sfn__history(e, bi, 1)) { /* SucceedStateExited */
        mdl_sfn__unref(&e->heap, out);
        return;
    }
    set_val(e, &e->b[bi].output, out);
    mdl_sfn__branch_done(e, bi, NULL, NULL);
}

/* ErrorPath or CausePath into buf; false with a fault. */
static bool fail_field(mdl_sfn_exec *e, int bi, const sfn_path *p, const char *field, char *buf,
                       size_t n, mdl_sfn__fault *f)
{
    sfn_env env;
    mdl_sfn__env_init(e, bi, &env);
    sfn_val *pv = mdl_sfn__path_get(p, e->b[bi].input, &env, f);
    mdl_sfn__env_done(&env);
    if (!pv) return false;
    bool ok = pv->kind == SV_STR;
    if (ok) snprintf(buf, n, "%s", pv->u.s);
    else mdl_sfn__fault_set(f, "States.Runtime", "%s is not a string", field);
    mdl_sfn__unref(&e->heap, pv);
    return ok;
}

static void run_fail(mdl_sfn_exec *e, int bi, const sfn_state *st)
{
    char err_s[128], cause_s[512];
    snprintf(err_s, sizeof err_s, "%s", st->error ? st->error : "");
    snprintf(cause_s, sizeof cause_s, "%s", st->cause ? st->cause : "");
    mdl_sfn__fault f;
    bool ok = (!st->has_error_path ||
               fail_field(e, bi, &st->error_path, "ErrorPath", err_s, sizeof err_s, &f)) &&
              (!st->has_cause_path ||
               fail_field(e, bi, &st->cause_path, "CausePath", cause_s, sizeof cause_s, &f));
    mdl_sfn__branch_done(e, bi, ok ? err_s : f.error, ok ? cause_s : f.cause);
}

/* Results array of n nulls, to be filled by the children. */
static sfn_val *results_of(mdl_sfn_exec *e, size_t n)
{
    sfn_val *r = mdl_sfn__v_array((sfn_alloc){ &e->heap, NULL }, (uint32_t)n);
    for (size_t i = 0; i < n; i++) r->u.items[i] = mdl_sfn__v_null();
    return r;
}

static void run_parallel(mdl_sfn_exec *e, int bi, const sfn_state *st)
{
    mdl_sfn__fault f;
    sfn_val *v = effective_input(e, bi, true, &f);
    if (!v) { state_fault(e, bi, &f); return; }
    if (over_limit(e, bi, v, "state input")) return;
    sfn_branch *b = &e->b[bi];
    set_val(e, &b->eff, v);
    int n = st->nbranches;
    b->gen++;
    set_val(e, &b->items, NULL); /* no items marks a Parallel's children */
    set_val(e, &b->results, results_of(e, (size_t)n));
    b->left = b->running = (size_t)n;
    b->ph = PH_CHILDREN;
    if (!mdl_sfn__history(e, bi, 1)) return; /* ParallelStateStarted */
    double t0 = b->t;
    for (int i = 0; i < n; i++)
        mdl_sfn__branch_new(e, st->branches[i], sfn_ref(v), bi, i, t0);
}

void mdl_sfn__spawn_items(mdl_sfn_exec *e, int bi)
{
    const sfn_state *st = state_of(e, bi);
    for (;;) {
        sfn_branch *b = &e->b[bi]; /* branch_new may move the records */
        if (b->next_item >= b->items->n) return;
        if (b->max_conc && b->running >= b->max_conc) return;
        size_t i = b->next_item++;
        sfn_val *item = b->items->u.items[i], *in;
        if (st->item_selector) {
            mdl_sfn__fault f;
            sfn_env env;
            mdl_sfn__env_init(e, bi, &env);
            env.map_index = (int64_t)i;
            env.map_value = item;
            in = mdl_sfn__tmpl_eval(st->item_selector, b->eff, &env, &f);
            mdl_sfn__env_done(&env);
            if (!in) { state_fault(e, bi, &f); return; }
            if (over_limit(e, bi, in, "iteration input")) return;
        } else {
            in = sfn_ref(item);
        }
        if (!mdl_sfn__history(e, bi, 1)) { /* MapIterationStarted */
            mdl_sfn__unref(&e->heap, in);
            return;
        }
        b->running++;
        mdl_sfn__branch_new(e, st->branches[0], in, bi, (int)i, b->t);
    }
}

static void run_map(mdl_sfn_exec *e, int bi, const sfn_state *st)
{
    mdl_sfn__fault f;
    sfn_val *v = effective_input(e, bi, false, &f);
    if (!v) { state_fault(e, bi, &f); return; }
    if (over_limit(e, bi, v, "state input")) return;
    sfn_branch *b = &e->b[bi];
    set_val(e, &b->eff, v);
    sfn_val *items;
    if (st->has_items_path) {
        sfn_env env;
        mdl_sfn__env_init(e, bi, &env);
        items = mdl_sfn__path_get(&st->items_path, v, &env, &f);
        mdl_sfn__env_done(&env);
        if (!items) { state_fault(e, bi, &f); return; }
    } else {
        items = sfn_ref(v);
    }
    if (items->kind != SV_ARR) {
        mdl_sfn__unref(&e->heap, items);
        mdl_sfn__state_error(e, bi, "States.Runtime", "ItemsPath does not select an array");
        return;
    }
    size_t n = items->n;
    b->gen++;
    set_val(e, &b->items, items);
    set_val(e, &b->results, results_of(e, n));
    b->next_item = 0;
    b->left = n;
    b->running = 0;
    /* An inline Map runs at most 40 iterations at once, whatever
     * MaxConcurrency says (0 = "as many as possible"; §2.5). */
    b->max_conc = (size_t)st->max_concurrency;
    if (b->max_conc == 0 || b->max_conc > SFN_INLINE_MAP_MAX) b->max_conc = SFN_INLINE_MAP_MAX;
    if (!mdl_sfn__history(e, bi, 1)) return; /* MapStateStarted */
    if (n == 0) {
        sfn_val *r = b->results;
        b->results = NULL;
        mdl_sfn__v_seal(r);
        mdl_sfn__state_result(e, bi, r);
        return;
    }
    b->ph = PH_CHILDREN;
    mdl_sfn__spawn_items(e, bi);
}

typedef void (*state_fn)(mdl_sfn_exec *e, int bi, const sfn_state *st);

static const state_fn k_run[SFN_T_COUNT] = {
    [SFN_T_TASK] = run_task,         [SFN_T_PASS] = run_pass,
    [SFN_T_WAIT] = run_wait,         [SFN_T_CHOICE] = run_choice,
    [SFN_T_SUCCEED] = run_succeed,   [SFN_T_FAIL] = run_fail,
    [SFN_T_PARALLEL] = run_parallel, [SFN_T_MAP] = run_map,
};

void mdl_sfn__run_branch(mdl_sfn_exec *e, int bi)
{
    while (e->b[bi].ph == PH_READY && e->status == MDL_SFN_RUNNING) {
        sfn_branch *b = &e->b[bi];
        const sfn_state *st = state_of(e, bi);
        if (!b->entered) {
            if (!mdl_sfn__history(e, bi, 1)) return; /* <Type>StateEntered */
            b->entered = true;
            e->transitions++;
            memset(b->retry_count, 0, sizeof b->retry_count);
            if (st->type != SFN_T_TASK) b->t += e->state_lat;
        }
        /* States that never wait (a Pass loop) run here without returning
         * to the driver: the execution's time limit is checked here too. */
        if (b->t > e->deadline) {
            mdl_sfn_exec_time_out(e, e->deadline);
            return;
        }
        k_run[st->type](e, bi, st);
    }
}
