/* mdl_sfn_exec.c - one Step Functions execution as a resumable state object.
 *
 * An execution is a tree of branches: the root, one per Parallel branch and
 * one per Map iteration.  Each branch is a small state machine of its own
 * (READY -> waiting for an invoke, a timer or its children -> READY ... ->
 * DONE), kept in one growable array and referred to by index, so spawning
 * children never invalidates anything.  Nothing blocks: a branch that needs
 * the outside world queues a request and stops; mdl_sfn_exec_resume_*
 * feeds the answer back and pumps every READY branch again.
 *
 * Semantics follow the ASL specification: the data-flow order InputPath ->
 * Parameters -> (work) -> ResultSelector -> ResultPath -> OutputPath; a
 * Catch applies its ResultPath to the raw state input and skips OutputPath;
 * each retrier counts its own attempts and the first retrier whose
 * ErrorEquals matches decides; States.ALL and States.TaskFailed match every
 * error but States.Runtime (and TaskFailed not States.Timeout); a failing
 * Parallel/Map branch cancels its siblings (their late results are dropped).
 *
 * Cost: branches are never freed before the execution is, so a Map over n
 * items holds n small records; payloads are json-c trees shared by
 * reference and copied only where ResultPath writes.
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
 * reproducible. */
#define SFN_EPOCH 1767225600.0

/* Inline Map concurrency ceiling (docs state-map-inline; README "Reference facts", Step
 * Functions). */
#define SFN_INLINE_MAP_MAX 40

typedef enum { PH_READY, PH_INVOKE, PH_TIMER, PH_CHILDREN, PH_DONE, PH_DEAD } phase;

typedef struct branch {
    json_object *states;  /* the States object this branch runs in (borrowed) */
    const char *name;     /* current state (borrowed from the definition) */
    json_object *st;      /* current state object (borrowed) */
    json_object *input;   /* raw input of the current state (owned) */
    json_object *eff;     /* effective input of a Task/Parallel/Map (owned) */
    phase ph;
    bool entered;         /* the current state was counted as entered */
    bool retry_timer;     /* PH_TIMER is a retry back-off, not a Wait state */
    double t;             /* this branch's clock */
    double issued_at, task_timeout;
    uint64_t req;
    int retry_count[16];  /* per retrier of the current state */
    int parent, slot;     /* parent branch (-1 = root) and our result index */
    /* Parallel/Map bookkeeping while PH_CHILDREN. */
    json_object *results; /* owned array */
    json_object *items;   /* Map: owned array of items */
    size_t next_item, left, running, max_conc;
    int gen;              /* bumped on retry: children of old attempts are stale */
    int parent_gen;
    /* Outcome when DONE. */
    json_object *output;
    bool failed;
    char error[128], cause[512];
} branch;

struct mdl_sfn_exec {
    const mdl_sfn_machine *m;
    mdl_sfn_options opt;
    gsl_rng *rng;
    json_object *exec_input;
    branch *b;
    int nb, cap;
    mdl_sfn_request *q;
    size_t qhead, qn, qcap;
    int *ready;           /* FIFO of branches made READY, so pumping costs */
    size_t rhead, rn, rcap; /* O(work), not O(branches), per resume */
    uint64_t next_id, transitions, invocations;
    mdl_sfn_status status;
    json_object *output;
    char error[128], cause[512];
    double end, deadline, timeout_s;
};

void mdl_sfn_options_default(mdl_sfn_options *o)
{
    memset(o, 0, sizeof *o);
    o->type = MDL_SFN_STANDARD;
    o->task_latency_s = 0.0188;
    o->state_latency_s = 0.0;
    o->seed = 1;
    o->name = "lambdasim";
    o->express_memory_mb = 64;
}

uint64_t mdl_sfn_express_units(double duration_s)
{
    /* Rounded up to the next 100 ms; the tolerance keeps 0.3 s (a binary
     * fraction a hair above 0.3) at 3 units. */
    double u = ceil(duration_s * 10.0 - 1e-9);
    return u < 1 ? 1 : (uint64_t)u;
}

double mdl_sfn_express_gb_s(double duration_s, double memory_mb)
{
    double chunks = ceil(memory_mb / 64.0 - 1e-9);
    if (chunks < 1) chunks = 1;
    return (double)mdl_sfn_express_units(duration_s) * 0.1 * chunks * 64.0 / 1024.0;
}

/* ---- small helpers -------------------------------------------------------- */

static json_object *field(json_object *st, const char *k)
{
    json_object *x = NULL;
    json_object_object_get_ex(st, k, &x);
    return x;
}

static bool has(json_object *st, const char *k)
{
    return json_object_object_get_ex(st, k, NULL);
}

static const char *str_field(json_object *st, const char *k)
{
    json_object *x = field(st, k);
    return x ? json_object_get_string(x) : NULL;
}

static void set_ref(json_object **slot, json_object *v)
{
    json_object_put(*slot);
    *slot = v;
}

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

/* Whether a payload template reads the context object ("$$" in a path or
 * an intrinsic's arguments): building $$ costs more than most states. */
static bool uses_ctx(json_object *t)
{
    if (json_object_is_type(t, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(t); i++)
            if (uses_ctx(json_object_array_get_idx(t, i))) return true;
        return false;
    }
    if (!json_object_is_type(t, json_type_object)) return false;
    json_object_object_foreach(t, k, v) {
        size_t kl = strlen(k);
        if (kl > 2 && !strcmp(k + kl - 2, ".$")) {
            if (json_object_is_type(v, json_type_string) && strstr(json_object_get_string(v), "$$"))
                return true;
        } else if (uses_ctx(v)) {
            return true;
        }
    }
    return false;
}

/* Any string in v mentions "$$" (Choice rules: Variable and ...Path). */
static bool any_ctx_string(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_string: return strstr(json_object_get_string(v), "$$") != NULL;
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (any_ctx_string(json_object_array_get_idx(v, i))) return true;
        return false;
    case json_type_object: {
        json_object_object_foreach(v, k, c) {
            (void)k;
            if (any_ctx_string(c)) return true;
        }
        return false;
    }
    default: return false;
    }
}

/* The context object ($$) for an evaluation in branch bi. */
static json_object *make_ctx(mdl_sfn_exec *e, int bi, long map_index, json_object *map_value)
{
    branch *b = &e->b[bi];
    char ts[64], id[256];
    json_object *ctx = json_object_new_object();
    json_object *ex = json_object_new_object();
    snprintf(id, sizeof id, "arn:aws:states:us-east-1:123456789012:execution:lambdasim:%s",
             e->opt.name);
    sim_json_add_string(ex, "Id", id);
    json_object_object_add(ex, "Input", json_object_get(e->exec_input));
    sim_json_add_string(ex, "Name", e->opt.name);
    iso_time(e->opt.start_time_s, ts, sizeof ts);
    sim_json_add_string(ex, "StartTime", ts);
    json_object_object_add(ctx, "Execution", ex);
    json_object *st = json_object_new_object();
    iso_time(b->t, ts, sizeof ts);
    sim_json_add_string(st, "EnteredTime", ts);
    sim_json_add_string(st, "Name", b->name);
    int rc = 0;
    for (int i = 0; i < 16; i++) rc += b->retry_count[i];
    sim_json_add_int(st, "RetryCount", rc);
    json_object_object_add(ctx, "State", st);
    json_object *sm = json_object_new_object();
    sim_json_add_string(sm, "Id", "arn:aws:states:us-east-1:123456789012:stateMachine:lambdasim");
    sim_json_add_string(sm, "Name", "lambdasim");
    json_object_object_add(ctx, "StateMachine", sm);
    if (map_value) {
        json_object *map = json_object_new_object(), *item = json_object_new_object();
        sim_json_add_int(item, "Index", map_index);
        json_object_object_add(item, "Value", json_object_get(map_value));
        json_object_object_add(map, "Item", item);
        json_object_object_add(ctx, "Map", map);
    }
    return ctx;
}

/* Evaluate a path of branch bi's current state, building the context
 * object only when the path reads it ("$$..."). */
static bool exec_path_get(mdl_sfn_exec *e, int bi, const char *path, json_object *in,
                          json_object **out, mdl_sfn__fault *f)
{
    json_object *ctx = strncmp(path, "$$", 2) == 0 ? make_ctx(e, bi, 0, NULL) : NULL;
    bool ok = mdl_sfn__path_get(path, in, ctx, out, f);
    json_object_put(ctx);
    return ok;
}

/* A request id carries its branch's index in the high 32 bits, so a resume
 * finds its branch in O(1) even in a Map over thousands of items. */
static uint64_t new_req_id(mdl_sfn_exec *e, int bi)
{
    e->next_id++;
    return ((uint64_t)(uint32_t)bi << 32) | (e->next_id & 0xffffffffu);
}

static void queue_push(mdl_sfn_exec *e, const mdl_sfn_request *r)
{
    if (e->qhead == e->qn) e->qhead = e->qn = 0;
    if (e->qn == e->qcap) {
        e->qcap = e->qcap ? e->qcap * 2 : 8;
        e->q = sim_xrealloc(e->q, e->qcap * sizeof *e->q);
    }
    e->q[e->qn++] = *r;
}

static void mark_ready(mdl_sfn_exec *e, int bi)
{
    e->b[bi].ph = PH_READY;
    if (e->rhead == e->rn) e->rhead = e->rn = 0;
    if (e->rn == e->rcap) {
        e->rcap = e->rcap ? e->rcap * 2 : 16;
        e->ready = sim_xrealloc(e->ready, e->rcap * sizeof *e->ready);
    }
    e->ready[e->rn++] = bi;
}

static int branch_new(mdl_sfn_exec *e, json_object *scope, json_object *input, int parent,
                      int slot, double t)
{
    if (e->nb == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 8;
        e->b = sim_xrealloc(e->b, (size_t)e->cap * sizeof *e->b);
    }
    int bi = e->nb++;
    branch *b = &e->b[bi];
    memset(b, 0, sizeof *b);
    b->states = field(scope, "States");
    b->name = str_field(scope, "StartAt");
    b->st = field(b->states, b->name);
    b->input = input;
    mark_ready(e, bi);
    b->t = t;
    b->parent = parent;
    b->slot = slot;
    b->parent_gen = parent >= 0 ? e->b[parent].gen : 0;
    mark_ready(e, bi);
    return bi;
}

/* ---- errors ----------------------------------------------------------------- */

static bool error_matches(const char *pattern, const char *error, bool is_task)
{
    if (!strcmp(pattern, error)) return true;
    if (!strcmp(error, "States.Runtime") || !strcmp(error, "States.DataLimitExceeded"))
        return false;
    if (!strcmp(pattern, "States.ALL")) return true;
    if (!strcmp(pattern, "States.TaskFailed"))
        return is_task && strcmp(error, "States.Timeout") != 0;
    return false;
}

static int match_list(json_object *list, const char *error, bool is_task)
{
    size_t n = list ? json_object_array_length(list) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *ee = field(json_object_array_get_idx(list, i), "ErrorEquals");
        for (size_t k = 0; k < json_object_array_length(ee); k++)
            if (error_matches(json_object_get_string(json_object_array_get_idx(ee, k)), error,
                              is_task))
                return (int)i;
    }
    return -1;
}

static void branch_done(mdl_sfn_exec *e, int bi);
static void kill_children(mdl_sfn_exec *e, int bi);

/* The state of branch bi failed with (error, cause): retry, catch, or fail
 * the branch. */
static void state_error(mdl_sfn_exec *e, int bi, const char *error, const char *cause)
{
    branch *b = &e->b[bi];
    const char *type = str_field(b->st, "Type");
    bool is_task = !strcmp(type, "Task");
    /* Only a Parallel or Map has children to cancel (a scan of all branches). */
    if (!strcmp(type, "Parallel") || !strcmp(type, "Map")) kill_children(e, bi);
    json_object *retry = field(b->st, "Retry");
    int r = match_list(retry, error, is_task);
    if (r >= 0 && r < 16) {
        json_object *ro = json_object_array_get_idx(retry, (size_t)r), *x;
        int64_t max_attempts = (x = field(ro, "MaxAttempts")) ? json_object_get_int64(x) : 3;
        if (b->retry_count[r] < max_attempts) {
            double interval = (x = field(ro, "IntervalSeconds")) ? json_object_get_double(x) : 1;
            double rate = (x = field(ro, "BackoffRate")) ? json_object_get_double(x) : 2.0;
            double delay = interval * pow(rate, b->retry_count[r]);
            if ((x = field(ro, "MaxDelaySeconds")) && delay > json_object_get_double(x))
                delay = json_object_get_double(x);
            const char *jit = str_field(ro, "JitterStrategy");
            if (jit && !strcmp(jit, "FULL")) delay *= gsl_rng_uniform(e->rng);
            b->retry_count[r]++;
            e->transitions++; /* a retry is billed like a state entered */
            b->ph = PH_TIMER;
            b->retry_timer = true;
            b->req = new_req_id(e, bi);
            mdl_sfn_request rq = { MDL_SFN_REQ_WAIT, b->req, b->t + delay, b->name, NULL, NULL, 0 };
            queue_push(e, &rq);
            return;
        }
    }
    json_object *cat = field(b->st, "Catch");
    int c = match_list(cat, error, is_task);
    if (c >= 0) {
        json_object *co = json_object_array_get_idx(cat, (size_t)c);
        json_object *eo = json_object_new_object();
        sim_json_add_string(eo, "Error", error);
        sim_json_add_string(eo, "Cause", cause);
        json_object *out = NULL;
        mdl_sfn__fault f;
        bool ok = true;
        if (!has(co, "ResultPath")) {
            out = json_object_get(eo);
        } else if (!field(co, "ResultPath")) {
            out = json_object_get(b->input);
        } else {
            ok = mdl_sfn__path_put(str_field(co, "ResultPath"), b->input, eo, &out, &f);
        }
        json_object_put(eo);
        if (!ok) {
            /* Catching failed itself: the branch fails with that error. */
            b->failed = true;
            snprintf(b->error, sizeof b->error, "%s", f.error);
            snprintf(b->cause, sizeof b->cause, "%s", f.cause);
            branch_done(e, bi);
            return;
        }
        const char *next = str_field(co, "Next");
        b->name = next;
        b->st = field(b->states, next);
        set_ref(&b->input, out);
        b->entered = false;
        mark_ready(e, bi);
        return;
    }
    b->failed = true;
    snprintf(b->error, sizeof b->error, "%s", error);
    snprintf(b->cause, sizeof b->cause, "%s", cause);
    branch_done(e, bi);
}

static void state_fault(mdl_sfn_exec *e, int bi, const mdl_sfn__fault *f)
{
    state_error(e, bi, f->error, f->cause);
}

/* ---- data flow ---------------------------------------------------------------- */

/* InputPath then (optionally) Parameters; *out is a new reference. */
static bool effective_input(mdl_sfn_exec *e, int bi, bool params, json_object **out,
                            mdl_sfn__fault *f)
{
    branch *b = &e->b[bi];
    json_object *v;
    if (!has(b->st, "InputPath")) {
        v = json_object_get(b->input);
    } else if (!field(b->st, "InputPath")) {
        v = json_object_new_object();
    } else if (!exec_path_get(e, bi, str_field(b->st, "InputPath"), b->input, &v, f)) {
        return false;
    }
    json_object *p = params ? field(b->st, "Parameters") : NULL;
    if (p) {
        json_object *ctx = uses_ctx(p) ? make_ctx(e, bi, 0, NULL) : NULL, *r;
        bool ok = mdl_sfn__template_eval(p, v, ctx, &r, f);
        json_object_put(ctx);
        json_object_put(v);
        if (!ok) return false;
        v = r;
    }
    *out = v;
    return true;
}

static bool apply_output_path(mdl_sfn_exec *e, int bi, json_object *st, json_object *v, json_object **out,
                              mdl_sfn__fault *f)
{
    if (!has(st, "OutputPath")) {
        *out = json_object_get(v);
        return true;
    }
    if (!field(st, "OutputPath")) {
        *out = json_object_new_object();
        return true;
    }
    return exec_path_get(e, bi, str_field(st, "OutputPath"), v, out, f);
}

/* Step Functions' payload limit: 256 KiB of UTF-8 JSON per state input and
 * output (README "Reference facts", Step Functions). */
#define SFN_PAYLOAD_MAX 262144

/* An upper bound of v's serialised size (a string char takes at most 6
 * bytes escaped, a number at most 24), stopping once past `limit`: the
 * exact size is only computed for payloads near the limit. */
static size_t size_bound(json_object *v, size_t limit)
{
    switch (json_object_get_type(v)) {
    case json_type_string: return 6 * (size_t)json_object_get_string_len(v) + 2;
    case json_type_object: {
        size_t n = 2;
        json_object_object_foreach(v, k, c) {
            n += 6 * strlen(k) + 4 + size_bound(c, limit);
            if (n > limit) return n;
        }
        return n;
    }
    case json_type_array: {
        size_t n = 2, len = json_object_array_length(v);
        for (size_t i = 0; i < len && n <= limit; i++)
            n += 1 + size_bound(json_object_array_get_idx(v, i), limit);
        return n;
    }
    default: return 24;
    }
}

static bool too_big(json_object *v)
{
    if (size_bound(v, SFN_PAYLOAD_MAX) <= SFN_PAYLOAD_MAX) return false;
    size_t n = 0;
    json_object_to_json_string_length(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
    return n > SFN_PAYLOAD_MAX;
}

/* Go to Next, or end the branch with `output` (a reference is taken). */
static void state_advance(mdl_sfn_exec *e, int bi, json_object *output)
{
    branch *b = &e->b[bi];
    if (too_big(output)) {
        json_object_put(output);
        state_error(e, bi, "States.DataLimitExceeded",
                    "The state output exceeds the 262144-byte payload limit");
        return;
    }
    const char *next = str_field(b->st, "Next");
    set_ref(&b->eff, NULL);
    if (next) {
        b->name = next;
        b->st = field(b->states, next);
        set_ref(&b->input, output);
        b->entered = false;
        mark_ready(e, bi);
    } else {
        set_ref(&b->output, output);
        branch_done(e, bi);
    }
}

/* The work of a Task/Parallel/Map/Pass produced `result` (a reference is
 * taken): ResultSelector, ResultPath, OutputPath, then move on. */
static void state_result(mdl_sfn_exec *e, int bi, json_object *result)
{
    branch *b = &e->b[bi];
    mdl_sfn__fault f;
    json_object *sel = field(b->st, "ResultSelector");
    if (sel) {
        json_object *ctx = uses_ctx(sel) ? make_ctx(e, bi, 0, NULL) : NULL, *r;
        bool ok = mdl_sfn__template_eval(sel, result, ctx, &r, &f);
        json_object_put(ctx);
        json_object_put(result);
        if (!ok) { state_fault(e, bi, &f); return; }
        result = r;
    }
    json_object *merged;
    if (!has(b->st, "ResultPath")) {
        merged = result;
    } else if (!field(b->st, "ResultPath")) {
        json_object_put(result);
        merged = json_object_get(b->input);
    } else {
        bool ok = mdl_sfn__path_put(str_field(b->st, "ResultPath"), b->input, result, &merged, &f);
        json_object_put(result);
        if (!ok) { state_fault(e, bi, &f); return; }
    }
    json_object *out;
    bool ok = apply_output_path(e, bi, b->st, merged, &out, &f);
    json_object_put(merged);
    if (!ok) { state_fault(e, bi, &f); return; }
    state_advance(e, bi, out);
}

/* ---- Choice ---------------------------------------------------------------- */

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

static int cmp_result(int c, const char *op)
{
    /* The operator's suffix after its type prefix decides. */
    if (strstr(op, "LessThanEquals")) return c <= 0;
    if (strstr(op, "GreaterThanEquals")) return c >= 0;
    if (strstr(op, "LessThan")) return c < 0;
    if (strstr(op, "GreaterThan")) return c > 0;
    return c == 0;
}

/* 1 true, 0 false, -1 runtime error (in f). */
static int eval_rule(json_object *r, json_object *in, json_object *ctx, mdl_sfn__fault *f)
{
    json_object *x;
    if ((x = field(r, "And")) || (x = field(r, "Or"))) {
        bool is_and = has(r, "And");
        for (size_t i = 0; i < json_object_array_length(x); i++) {
            int v = eval_rule(json_object_array_get_idx(x, i), in, ctx, f);
            if (v < 0) return -1;
            if (is_and && !v) return 0;
            if (!is_and && v) return 1;
        }
        return is_and;
    }
    if ((x = field(r, "Not"))) {
        int v = eval_rule(x, in, ctx, f);
        return v < 0 ? -1 : !v;
    }
    const char *var = str_field(r, "Variable");
    const char *op = NULL;
    json_object *arg = NULL;
    json_object_object_foreach(r, k, val) {
        if (strcmp(k, "Variable") && strcmp(k, "Next") && strcmp(k, "Comment")) {
            op = k;
            arg = val;
        }
    }
    if (!strcmp(op, "IsPresent"))
        return mdl_sfn__path_exists(var, in, ctx) == json_object_get_boolean(arg);
    json_object *v;
    if (!mdl_sfn__path_get(var, in, ctx, &v, f)) return -1;
    int res = 0;
    bool want = json_object_get_boolean(arg);
    json_type vt = json_object_get_type(v);
    bool v_num = vt == json_type_int || vt == json_type_double;
    double ts1, ts2;
    json_object *other = NULL;
    size_t ol = strlen(op);
    if (ol > 4 && !strcmp(op + ol - 4, "Path")) {
        if (!mdl_sfn__path_get(json_object_get_string(arg), in, ctx, &other, f)) {
            json_object_put(v);
            return -1;
        }
        arg = other;
    }
    json_type at = json_object_get_type(arg);
    if (!strcmp(op, "IsNull")) res = (vt == json_type_null) == want;
    else if (!strcmp(op, "IsNumeric")) res = v_num == want;
    else if (!strcmp(op, "IsString")) res = (vt == json_type_string) == want;
    else if (!strcmp(op, "IsBoolean")) res = (vt == json_type_boolean) == want;
    else if (!strcmp(op, "IsTimestamp"))
        res = (vt == json_type_string && mdl_sfn__timestamp_parse(json_object_get_string(v), &ts1)) == want;
    else if (!strncmp(op, "StringMatches", 13))
        res = vt == json_type_string && at == json_type_string &&
              glob_match(json_object_get_string(arg), json_object_get_string(v));
    else if (!strncmp(op, "String", 6))
        res = vt == json_type_string && at == json_type_string &&
              cmp_result(strcmp(json_object_get_string(v), json_object_get_string(arg)), op);
    else if (!strncmp(op, "Numeric", 7)) {
        if (v_num && (at == json_type_int || at == json_type_double)) {
            double a = json_object_get_double(v), b = json_object_get_double(arg);
            res = cmp_result(a < b ? -1 : a > b ? 1 : 0, op);
        }
    } else if (!strncmp(op, "Boolean", 7))
        res = vt == json_type_boolean && at == json_type_boolean &&
              json_object_get_boolean(v) == json_object_get_boolean(arg);
    else if (!strncmp(op, "Timestamp", 9)) {
        if (vt == json_type_string && at == json_type_string &&
            mdl_sfn__timestamp_parse(json_object_get_string(v), &ts1) &&
            mdl_sfn__timestamp_parse(json_object_get_string(arg), &ts2))
            res = cmp_result(ts1 < ts2 ? -1 : ts1 > ts2 ? 1 : 0, op);
    }
    json_object_put(v);
    json_object_put(other);
    return res;
}

/* ---- running states ------------------------------------------------------------ */

static void spawn_map_items(mdl_sfn_exec *e, int bi)
{
    for (;;) {
        branch *b = &e->b[bi];
        if (b->next_item >= json_object_array_length(b->items)) return;
        if (b->max_conc && b->running >= b->max_conc) return;
        size_t i = b->next_item++;
        json_object *item = json_object_array_get_idx(b->items, i);
        json_object *sel = field(b->st, "ItemSelector");
        if (!sel) sel = field(b->st, "Parameters");
        json_object *in;
        if (sel) {
            json_object *ctx = make_ctx(e, bi, (long)i, item);
            mdl_sfn__fault f;
            bool ok = mdl_sfn__template_eval(sel, b->eff, ctx, &in, &f);
            json_object_put(ctx);
            if (!ok) { state_fault(e, bi, &f); return; }
        } else {
            in = json_object_get(item);
        }
        json_object *scope = field(b->st, "ItemProcessor");
        if (!scope) scope = field(b->st, "Iterator");
        b->running++;
        branch_new(e, scope, in, bi, (int)i, b->t);
    }
}

/* Run branch bi until it waits or ends. */
static void run_branch(mdl_sfn_exec *e, int bi)
{
    while (e->b[bi].ph == PH_READY && e->status == MDL_SFN_RUNNING) {
        branch *b = &e->b[bi];
        const char *type = str_field(b->st, "Type");
        bool task = !strcmp(type, "Task");
        if (!b->entered) {
            b->entered = true;
            e->transitions++;
            memset(b->retry_count, 0, sizeof b->retry_count);
            if (!task) b->t += e->opt.state_latency_s;
        }
        mdl_sfn__fault f;
        json_object *v = NULL, *out = NULL;
        if (task || !strcmp(type, "Parallel") || !strcmp(type, "Map")) {
            if (!effective_input(e, bi, strcmp(type, "Map") != 0, &v, &f)) {
                state_fault(e, bi, &f);
                continue;
            }
            set_ref(&b->eff, v);
        }
        if (task) {
            double timeout = 0;
            json_object *x;
            if ((x = field(b->st, "TimeoutSeconds"))) {
                timeout = json_object_get_double(x);
            } else if ((x = field(b->st, "TimeoutSecondsPath"))) {
                json_object *tv;
                if (!exec_path_get(e, bi, json_object_get_string(x), b->input, &tv, &f)) {
                    state_fault(e, bi, &f);
                    continue;
                }
                bool ok = json_object_is_type(tv, json_type_int) && json_object_get_int64(tv) >= 1;
                timeout = json_object_get_double(tv);
                json_object_put(tv);
                if (!ok) {
                    state_error(e, bi, "States.Runtime", "TimeoutSecondsPath is not a positive integer");
                    continue;
                }
            }
            if (too_big(b->eff)) {
                state_error(e, bi, "States.DataLimitExceeded",
                            "The task input exceeds the 262144-byte payload limit");
                continue;
            }
            b->t += e->opt.task_latency_s;
            b->ph = PH_INVOKE;
            b->req = new_req_id(e, bi);
            b->issued_at = b->t;
            b->task_timeout = timeout;
            e->invocations++;
            mdl_sfn_request rq = { MDL_SFN_REQ_INVOKE, b->req, b->t, b->name,
                                   str_field(b->st, "Resource"), b->eff, timeout };
            queue_push(e, &rq);
        } else if (!strcmp(type, "Pass")) {
            if (!effective_input(e, bi, true, &v, &f)) { state_fault(e, bi, &f); continue; }
            json_object *res = field(b->st, "Result");
            if (has(b->st, "Result")) {
                json_object_put(v);
                v = json_object_get(res);
            }
            /* Pass has no ResultSelector: state_result skips what is absent. */
            state_result(e, bi, v);
        } else if (!strcmp(type, "Wait")) {
            if (!effective_input(e, bi, false, &v, &f)) { state_fault(e, bi, &f); continue; }
            set_ref(&b->eff, v);
            double secs = 0, ts;
            json_object *x;
            if ((x = field(b->st, "Seconds"))) {
                secs = json_object_get_double(x);
            } else if ((x = field(b->st, "Timestamp"))) {
                mdl_sfn__timestamp_parse(json_object_get_string(x), &ts);
                secs = ts - (SFN_EPOCH + b->t);
            } else {
                bool is_secs = has(b->st, "SecondsPath");
                const char *p = str_field(b->st, is_secs ? "SecondsPath" : "TimestampPath");
                json_object *wv;
                if (!exec_path_get(e, bi, p, v, &wv, &f)) { state_fault(e, bi, &f); continue; }
                bool ok;
                if (is_secs) {
                    ok = json_object_is_type(wv, json_type_int) && json_object_get_int64(wv) >= 0;
                    secs = json_object_get_double(wv);
                } else {
                    ok = json_object_is_type(wv, json_type_string) &&
                         mdl_sfn__timestamp_parse(json_object_get_string(wv), &ts);
                    secs = ts - (SFN_EPOCH + b->t);
                }
                json_object_put(wv);
                if (!ok) {
                    state_error(e, bi, "States.Runtime",
                                is_secs ? "SecondsPath is not a non-negative integer"
                                        : "TimestampPath is not an RFC 3339 timestamp");
                    continue;
                }
            }
            if (secs < 0) secs = 0;
            b->ph = PH_TIMER;
            b->retry_timer = false;
            b->req = new_req_id(e, bi);
            mdl_sfn_request rq = { MDL_SFN_REQ_WAIT, b->req, b->t + secs, b->name, NULL, NULL, 0 };
            queue_push(e, &rq);
        } else if (!strcmp(type, "Choice")) {
            if (!effective_input(e, bi, false, &v, &f)) { state_fault(e, bi, &f); continue; }
            json_object *choices = field(b->st, "Choices");
            json_object *ctx = any_ctx_string(choices) ? make_ctx(e, bi, 0, NULL) : NULL;
            const char *next = NULL;
            int res = 0;
            for (size_t i = 0; i < json_object_array_length(choices) && !next; i++) {
                json_object *rule = json_object_array_get_idx(choices, i);
                res = eval_rule(rule, v, ctx, &f);
                if (res < 0) break;
                if (res) next = str_field(rule, "Next");
            }
            json_object_put(ctx);
            if (res < 0) { json_object_put(v); state_fault(e, bi, &f); continue; }
            if (!next) next = str_field(b->st, "Default");
            if (!next) {
                json_object_put(v);
                state_error(e, bi, "States.NoChoiceMatched",
                            "No Choice Rule matched and no Default was given");
                continue;
            }
            bool ok = apply_output_path(e, bi, b->st, v, &out, &f);
            json_object_put(v);
            if (!ok) { state_fault(e, bi, &f); continue; }
            b->name = next;
            b->st = field(b->states, next);
            set_ref(&b->input, out);
            b->entered = false;
        } else if (!strcmp(type, "Succeed")) {
            if (!effective_input(e, bi, false, &v, &f)) { state_fault(e, bi, &f); continue; }
            bool ok = apply_output_path(e, bi, b->st, v, &out, &f);
            json_object_put(v);
            if (!ok) { state_fault(e, bi, &f); continue; }
            set_ref(&b->output, out);
            branch_done(e, bi);
        } else if (!strcmp(type, "Fail")) {
            char err_s[128], cause_s[512];
            const char *es = str_field(b->st, "Error"), *cs = str_field(b->st, "Cause");
            snprintf(err_s, sizeof err_s, "%s", es ? es : "");
            snprintf(cause_s, sizeof cause_s, "%s", cs ? cs : "");
            static const char *const pf[] = { "ErrorPath", "CausePath" };
            bool ok = true;
            for (int k = 0; k < 2 && ok; k++) {
                const char *p = str_field(b->st, pf[k]);
                if (!p) continue;
                json_object *pv;
                if (!(ok = exec_path_get(e, bi, p, b->input, &pv, &f))) break;
                if (!json_object_is_type(pv, json_type_string)) {
                    mdl_sfn__fault_set(&f, "States.Runtime", "%s is not a string", pf[k]);
                    ok = false;
                } else {
                    snprintf(k ? cause_s : err_s, k ? sizeof cause_s : sizeof err_s, "%s",
                             json_object_get_string(pv));
                }
                json_object_put(pv);
            }
            b->failed = true;
            snprintf(b->error, sizeof b->error, "%s", ok ? err_s : f.error);
            snprintf(b->cause, sizeof b->cause, "%s", ok ? cause_s : f.cause);
            branch_done(e, bi);
        } else if (!strcmp(type, "Parallel")) {
            json_object *br = field(b->st, "Branches");
            size_t n = json_object_array_length(br);
            b->gen++;
            set_ref(&b->items, NULL); /* NULL items marks a Parallel's children */
            set_ref(&b->results, json_object_new_array_ext((int)n));
            for (size_t i = 0; i < n; i++) json_object_array_add(b->results, NULL);
            b->left = n;
            b->running = n;
            b->ph = PH_CHILDREN;
            double t0 = b->t;
            json_object *eff = b->eff;
            for (size_t i = 0; i < n; i++)
                branch_new(e, json_object_array_get_idx(br, i), json_object_get(eff), bi, (int)i, t0);
        } else { /* Map */
            json_object *items;
            const char *ip = str_field(b->st, "ItemsPath");
            if (!exec_path_get(e, bi, ip ? ip : "$", b->eff, &items, &f)) {
                state_fault(e, bi, &f);
                continue;
            }
            if (!json_object_is_type(items, json_type_array)) {
                json_object_put(items);
                state_error(e, bi, "States.Runtime", "ItemsPath does not select an array");
                continue;
            }
            size_t n = json_object_array_length(items);
            json_object *x = field(b->st, "MaxConcurrency");
            b->gen++;
            set_ref(&b->items, items);
            set_ref(&b->results, json_object_new_array_ext((int)n));
            for (size_t i = 0; i < n; i++) json_object_array_add(b->results, NULL);
            b->next_item = 0;
            b->left = n;
            b->running = 0;
            /* An inline Map runs at most 40 iterations at once, whatever
             * MaxConcurrency says (0 = "as many as possible"; README
             * "Reference facts", Step Functions). */
            b->max_conc = x ? (size_t)json_object_get_int64(x) : 0;
            if (b->max_conc == 0 || b->max_conc > SFN_INLINE_MAP_MAX) b->max_conc = SFN_INLINE_MAP_MAX;
            if (n == 0) {
                json_object *r = json_object_get(b->results);
                state_result(e, bi, r);
                continue;
            }
            b->ph = PH_CHILDREN;
            spawn_map_items(e, bi);
        }
    }
}

static void kill_children(mdl_sfn_exec *e, int bi)
{
    for (int i = 0; i < e->nb; i++) {
        branch *c = &e->b[i];
        if (c->parent == bi && c->parent_gen == e->b[bi].gen && c->ph != PH_DEAD) {
            c->ph = PH_DEAD;
            kill_children(e, i);
        }
    }
}

/* Branch bi ended (DONE with output, or failed): tell its parent. */
static void branch_done(mdl_sfn_exec *e, int bi)
{
    branch *b = &e->b[bi];
    b->ph = PH_DONE;
    if (b->parent < 0) {
        e->end = b->t;
        if (b->failed) {
            e->status = MDL_SFN_FAILED;
            snprintf(e->error, sizeof e->error, "%s", b->error);
            snprintf(e->cause, sizeof e->cause, "%s", b->cause);
        } else {
            e->status = MDL_SFN_SUCCEEDED;
            e->output = json_object_get(b->output);
        }
        return;
    }
    int pi = b->parent;
    branch *p = &e->b[pi];
    if (p->ph != PH_CHILDREN || b->parent_gen != p->gen) return;
    if (p->t < b->t) p->t = b->t;
    if (b->failed) {
        char err_s[128], cause_s[512];
        snprintf(err_s, sizeof err_s, "%s", b->error);
        snprintf(cause_s, sizeof cause_s, "%s", b->cause);
        mark_ready(e, pi); /* leaves PH_CHILDREN before state_error re-enters */
        state_error(e, pi, err_s, cause_s);
        return;
    }
    json_object_array_put_idx(p->results, (size_t)b->slot, json_object_get(b->output));
    p->left--;
    p->running--;
    if (p->left == 0) {
        mark_ready(e, pi);
        p->gen++; /* the finished children are no longer this state's */
        set_ref(&p->items, NULL);
        json_object *r = json_object_get(p->results);
        state_result(e, pi, r);
        /* The parent goes on (or ends) in the pump. */
    } else if (p->items) {
        spawn_map_items(e, pi);
    }
}

static void pump(mdl_sfn_exec *e)
{
    while (e->rhead < e->rn && e->status == MDL_SFN_RUNNING) {
        int bi = e->ready[e->rhead++];
        /* A branch may be queued twice or cancelled since: run only READY. */
        if (e->b[bi].ph == PH_READY) run_branch(e, bi);
    }
}

/* ---- public API ----------------------------------------------------------- */

sim_status mdl_sfn_exec_create(const mdl_sfn_machine *m, json_object *input,
                               const mdl_sfn_options *opt, mdl_sfn_exec **out, sim_error *err)
{
    (void)err;
    mdl_sfn_exec *e = sim_xcalloc(1, sizeof *e);
    e->m = m;
    if (opt) e->opt = *opt;
    else mdl_sfn_options_default(&e->opt);
    if (!e->opt.name) e->opt.name = "lambdasim";
    e->rng = sim_rng_create(e->opt.seed, e->opt.replication, "sfn/jitter");
    e->exec_input = json_object_get(input);
    e->status = MDL_SFN_RUNNING;
    /* Standard runs up to a year, Express up to 5 minutes (README "Reference
     * facts", Step Functions); the definition's TimeoutSeconds can only
     * shorten that. */
    double limit = e->opt.type == MDL_SFN_EXPRESS ? 300.0 : 365.0 * 86400.0;
    if (m->timeout_s > 0 && m->timeout_s < limit) limit = m->timeout_s;
    e->timeout_s = limit;
    e->deadline = e->opt.start_time_s + limit;
    branch_new(e, m->doc.root, json_object_get(input), -1, 0, e->opt.start_time_s);
    *out = e;
    return SIM_OK;
}

void mdl_sfn_exec_destroy(mdl_sfn_exec *e)
{
    if (!e) return;
    for (int i = 0; i < e->nb; i++) {
        branch *b = &e->b[i];
        json_object_put(b->input);
        json_object_put(b->eff);
        json_object_put(b->results);
        json_object_put(b->items);
        json_object_put(b->output);
    }
    free(e->b);
    free(e->q);
    free(e->ready);
    json_object_put(e->exec_input);
    json_object_put(e->output);
    gsl_rng_free(e->rng);
    free(e);
}

void mdl_sfn_exec_advance(mdl_sfn_exec *e, double now)
{
    if (e->status == MDL_SFN_RUNNING && now > e->deadline) {
        mdl_sfn_exec_time_out(e, e->deadline);
        return;
    }
    pump(e);
}

static int find_waiting(const mdl_sfn_exec *e, uint64_t id, phase ph)
{
    if (e->status != MDL_SFN_RUNNING) return -1;
    uint64_t bi = id >> 32;
    if (bi >= (uint64_t)e->nb) return -1;
    const branch *b = &e->b[bi];
    return b->req == id && b->ph == ph ? (int)bi : -1;
}

bool mdl_sfn_exec_next_request(mdl_sfn_exec *e, mdl_sfn_request *out)
{
    while (e->qhead < e->qn) {
        mdl_sfn_request *r = &e->q[e->qhead++];
        /* Skip requests whose branch was cancelled before they were taken. */
        phase ph = r->kind == MDL_SFN_REQ_INVOKE ? PH_INVOKE : PH_TIMER;
        if (find_waiting(e, r->id, ph) >= 0) {
            *out = *r;
            return true;
        }
    }
    return false;
}

static bool check_deadline(mdl_sfn_exec *e, double now)
{
    if (now > e->deadline) {
        mdl_sfn_exec_time_out(e, e->deadline);
        return false;
    }
    return true;
}

static void resume_invoke(mdl_sfn_exec *e, uint64_t id, double now, json_object *result,
                          const char *error, const char *cause)
{
    int bi = find_waiting(e, id, PH_INVOKE);
    if (bi < 0) return;
    branch *b = &e->b[bi];
    double timeout = b->task_timeout;
    if (timeout > 0 && now - b->issued_at > timeout) {
        double at = b->issued_at + timeout;
        if (!check_deadline(e, at)) return;
        b->t = at;
        mark_ready(e, bi);
        state_error(e, bi, "States.Timeout", "Task timed out");
    } else {
        if (!check_deadline(e, now)) return;
        if (b->t < now) b->t = now;
        mark_ready(e, bi);
        if (error) state_error(e, bi, error, cause ? cause : "");
        else state_result(e, bi, json_object_get(result));
    }
    pump(e);
}

void mdl_sfn_exec_resume_result(mdl_sfn_exec *e, uint64_t id, double now, json_object *result)
{
    resume_invoke(e, id, now, result, NULL, NULL);
}

void mdl_sfn_exec_resume_error(mdl_sfn_exec *e, uint64_t id, double now, const char *error,
                               const char *cause)
{
    resume_invoke(e, id, now, NULL, error, cause);
}

void mdl_sfn_exec_resume_wait(mdl_sfn_exec *e, uint64_t id, double now)
{
    int bi = find_waiting(e, id, PH_TIMER);
    if (bi < 0) return;
    if (!check_deadline(e, now)) return;
    branch *b = &e->b[bi];
    if (b->t < now) b->t = now;
    mark_ready(e, bi);
    if (!b->retry_timer) {
        /* A Wait state: its output is its (InputPath-filtered) input. */
        mdl_sfn__fault f;
        json_object *out;
        json_object *v = json_object_get(b->eff);
        bool ok = apply_output_path(e, bi, b->st, v, &out, &f);
        json_object_put(v);
        if (ok) state_advance(e, bi, out);
        else state_fault(e, bi, &f);
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
    for (int i = 0; i < e->nb; i++) e->b[i].ph = PH_DEAD;
    e->status = MDL_SFN_FAILED;
    snprintf(e->error, sizeof e->error, "States.Timeout");
    snprintf(e->cause, sizeof e->cause, "Execution timed out after %g s", e->timeout_s);
    e->end = now;
}

mdl_sfn_status mdl_sfn_exec_status(const mdl_sfn_exec *e) { return e->status; }
json_object *mdl_sfn_exec_output(const mdl_sfn_exec *e) { return e->output; }
const char *mdl_sfn_exec_error(const mdl_sfn_exec *e) { return e->error; }
const char *mdl_sfn_exec_cause(const mdl_sfn_exec *e) { return e->cause; }
uint64_t mdl_sfn_exec_transitions(const mdl_sfn_exec *e) { return e->transitions; }
uint64_t mdl_sfn_exec_invocations(const mdl_sfn_exec *e) { return e->invocations; }

double mdl_sfn_exec_duration(const mdl_sfn_exec *e)
{
    if (e->status != MDL_SFN_RUNNING) return e->end - e->opt.start_time_s;
    double t = e->opt.start_time_s;
    for (int i = 0; i < e->nb; i++)
        if (e->b[i].t > t) t = e->b[i].t;
    return t - e->opt.start_time_s;
}
