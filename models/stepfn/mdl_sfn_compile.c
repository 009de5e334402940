/* mdl_sfn_compile.c - a validated definition into the executor's structs.
 *
 * Runs once per state machine, after mdl_sfn_def.c accepted it, so every
 * field read here is known to be well-formed (asserts guard our own bugs).
 * States of one States object get consecutive indices; Next, Default and
 * catcher names become indices (through a hash of the scope's names, so a
 * chain of 100,000 states compiles in linear time); types become enums;
 * paths, templates, Choice rules and Pass results become compiled forms or
 * immortal values in the machine's arena.  The JSON document stays with the
 * machine: compiled strings (state names, resources, error names) point
 * into it.
 */
#include "models/stepfn/mdl_sfn_internal.h"

#include "sim/sim_status.h"

#include <stdlib.h>
#include <string.h>

typedef struct cctx {
    mdl_sfn_machine *m;
    int next_state, next_scope;
} cctx;

/* Names of one scope -> state index, by open addressing. */
typedef struct names {
    const char **name;
    int *index;
    size_t cap;
} names;

static void names_init(names *t, json_object *states, int first)
{
    size_t n = json_object_object_length(states);
    t->cap = 16;
    while (t->cap < 2 * n) t->cap *= 2;
    t->name = sim_xcalloc(t->cap, sizeof *t->name);
    t->index = sim_xcalloc(t->cap, sizeof *t->index);
    int i = first;
    json_object_object_foreach(states, k, v) {
        (void)v;
        size_t h = mdl_sfn__hash(k, strlen(k)) & (t->cap - 1);
        while (t->name[h]) h = (h + 1) & (t->cap - 1);
        t->name[h] = k;
        t->index[h] = i++;
    }
}

static int names_find(const names *t, const char *k)
{
    for (size_t h = mdl_sfn__hash(k, strlen(k)) & (t->cap - 1); t->name[h]; h = (h + 1) & (t->cap - 1))
        if (strcmp(t->name[h], k) == 0) return t->index[h];
    SIM_ASSERT(!"a validated Next names a state of its scope");
    return -1;
}

static void names_fini(names *t)
{
    free(t->name);
    free(t->index);
}

static json_object *get(json_object *o, const char *k)
{
    json_object *x = NULL;
    json_object_object_get_ex(o, k, &x);
    return x;
}

static bool has(json_object *o, const char *k)
{
    return json_object_object_get_ex(o, k, NULL);
}

static int next_of(const names *t, json_object *o, const char *k)
{
    json_object *x = get(o, k);
    return x ? names_find(t, json_object_get_string(x)) : -1;
}

static void path_of(cctx *c, const char *s, bool reference, sfn_path *out)
{
    char why[256];
    bool ok = mdl_sfn__path_compile(s, reference, &c->m->arena, out, why, sizeof why);
    SIM_ASSERT(ok);
}

static void opath_of(cctx *c, json_object *o, const char *k, bool reference, sfn_opath *out)
{
    json_object *x;
    out->mode = OP_ABSENT;
    if (!json_object_object_get_ex(o, k, &x)) return;
    out->mode = x ? OP_PATH : OP_NULL;
    if (x) path_of(c, json_object_get_string(x), reference, &out->p);
}

static const sfn_tmpl *tmpl_of(cctx *c, json_object *o, const char *k)
{
    json_object *x;
    if (!json_object_object_get_ex(o, k, &x)) return NULL;
    char where[512], why[256];
    const sfn_tmpl *t = mdl_sfn__tmpl_compile(x, &c->m->arena, where, sizeof where, why, sizeof why);
    SIM_ASSERT(t);
    return t;
}

static sfn_val *const_of(cctx *c, json_object *j)
{
    sfn_val *v = mdl_sfn__v_from_json((sfn_alloc){ NULL, &c->m->arena }, j);
    SIM_ASSERT(v); /* the JSON reader nests less than SFN_MAX_DEPTH */
    return v;
}

static int compile_scope(cctx *c, json_object *scope);

/* ---- Retry and Catch ----------------------------------------------------------------- */

static void errors_of(cctx *c, json_object *h, int *n, sfn_errname **out)
{
    json_object *ee = get(h, "ErrorEquals");
    *n = (int)json_object_array_length(ee);
    *out = mdl_sfn__arena_alloc(&c->m->arena, (size_t)*n * sizeof **out);
    for (int i = 0; i < *n; i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(ee, (size_t)i));
        (*out)[i].name = s;
        (*out)[i].kind = !strcmp(s, "States.ALL")          ? ERR_ALL
                         : !strcmp(s, "States.TaskFailed") ? ERR_TASK_FAILED
                                                           : ERR_NAME;
    }
}

static double num_or(json_object *o, const char *k, double dflt)
{
    json_object *x = get(o, k);
    return x ? json_object_get_double(x) : dflt;
}

static void handlers_of(cctx *c, const names *t, json_object *js, sfn_state *st)
{
    json_object *r = get(js, "Retry"), *k = get(js, "Catch");
    st->nretry = r ? (int)json_object_array_length(r) : 0;
    st->retry = mdl_sfn__arena_alloc(&c->m->arena, (size_t)st->nretry * sizeof *st->retry);
    for (int i = 0; i < st->nretry; i++) {
        json_object *ro = json_object_array_get_idx(r, (size_t)i), *x;
        sfn_retrier *q = &st->retry[i];
        errors_of(c, ro, &q->nerr, &q->err);
        q->interval = num_or(ro, "IntervalSeconds", 1);
        q->rate = num_or(ro, "BackoffRate", 2.0);
        q->max_delay = num_or(ro, "MaxDelaySeconds", 0);
        q->max_attempts = (x = get(ro, "MaxAttempts")) ? json_object_get_int64(x) : 3;
        q->jitter_full = (x = get(ro, "JitterStrategy")) && !strcmp(json_object_get_string(x), "FULL");
    }
    st->ncatch = k ? (int)json_object_array_length(k) : 0;
    st->catcher = mdl_sfn__arena_alloc(&c->m->arena, (size_t)st->ncatch * sizeof *st->catcher);
    for (int i = 0; i < st->ncatch; i++) {
        json_object *co = json_object_array_get_idx(k, (size_t)i);
        sfn_catcher *q = &st->catcher[i];
        errors_of(c, co, &q->nerr, &q->err);
        q->next = next_of(t, co, "Next");
        opath_of(c, co, "ResultPath", true, &q->result_path);
    }
}

/* ---- Choice rules ------------------------------------------------------------------------ */

static void rule_of(cctx *c, const names *t, json_object *r, sfn_rule *out, bool top);

static void rule_list(cctx *c, const names *t, json_object *arr, sfn_rule *out)
{
    out->n = (int)json_object_array_length(arr);
    out->sub = mdl_sfn__arena_alloc(&c->m->arena, (size_t)out->n * sizeof *out->sub);
    for (int i = 0; i < out->n; i++)
        rule_of(c, t, json_object_array_get_idx(arr, (size_t)i), &out->sub[i], false);
}

static void rule_of(cctx *c, const names *t, json_object *r, sfn_rule *out, bool top)
{
    json_object *x;
    out->next = top ? next_of(t, r, "Next") : -1;
    if ((x = get(r, "And")) || (x = get(r, "Or"))) {
        out->kind = has(r, "And") ? RULE_AND : RULE_OR;
        rule_list(c, t, x, out);
        return;
    }
    if ((x = get(r, "Not"))) {
        out->kind = RULE_NOT;
        out->n = 1;
        out->sub = mdl_sfn__arena_alloc(&c->m->arena, sizeof *out->sub);
        rule_of(c, t, x, out->sub, false);
        return;
    }
    out->kind = RULE_CMP;
    path_of(c, json_object_get_string(get(r, "Variable")), false, &out->var);
    json_object_object_foreach(r, k, val) {
        if (!strcmp(k, "Variable") || !strcmp(k, "Next") || !strcmp(k, "Comment")) continue;
        out->op = mdl_sfn__op_find(k);
        SIM_ASSERT(out->op);
        if (out->op->opnd == OPND_PATH) {
            path_of(c, json_object_get_string(val), false, &out->other);
        } else {
            out->arg = const_of(c, val);
            if (out->op->opnd == OPND_TIMESTAMP)
                mdl_sfn__timestamp_parse(json_object_get_string(val), &out->ts);
        }
    }
}

/* ---- states ----------------------------------------------------------------------------------- */

static int resource_index(cctx *c, const char *r)
{
    mdl_sfn_machine *m = c->m;
    for (int i = 0; i < m->nresources; i++)
        if (!strcmp(m->resources[i], r)) return i;
    m->resources = sim_xrealloc(m->resources, (size_t)(m->nresources + 1) * sizeof *m->resources);
    m->resources[m->nresources] = r;
    return m->nresources++;
}

static void task_of(cctx *c, json_object *js, sfn_state *st)
{
    json_object *x;
    st->resource = json_object_get_string(get(js, "Resource"));
    st->resource_index = resource_index(c, st->resource);
    if ((x = get(js, "TimeoutSeconds"))) {
        st->timeout_s = json_object_get_double(x);
    } else if ((x = get(js, "TimeoutSecondsPath"))) {
        st->has_timeout_path = true;
        path_of(c, json_object_get_string(x), true, &st->timeout_path);
    }
}

static void wait_of(cctx *c, json_object *js, sfn_state *st)
{
    json_object *x;
    if ((x = get(js, "Seconds"))) {
        st->wait = WAIT_SECONDS;
        st->wait_value = json_object_get_double(x);
    } else if ((x = get(js, "Timestamp"))) {
        st->wait = WAIT_TIMESTAMP;
        mdl_sfn__timestamp_parse(json_object_get_string(x), &st->wait_value);
    } else {
        bool secs = has(js, "SecondsPath");
        st->wait = secs ? WAIT_SECONDS_PATH : WAIT_TIMESTAMP_PATH;
        path_of(c, json_object_get_string(get(js, secs ? "SecondsPath" : "TimestampPath")), true,
                &st->wait_path);
    }
}

static void fail_of(cctx *c, json_object *js, sfn_state *st)
{
    json_object *x;
    st->error = (x = get(js, "Error")) ? json_object_get_string(x) : NULL;
    st->cause = (x = get(js, "Cause")) ? json_object_get_string(x) : NULL;
    if ((x = get(js, "ErrorPath"))) {
        st->has_error_path = true;
        path_of(c, json_object_get_string(x), false, &st->error_path);
    }
    if ((x = get(js, "CausePath"))) {
        st->has_cause_path = true;
        path_of(c, json_object_get_string(x), false, &st->cause_path);
    }
}

static void branches_of(cctx *c, json_object *js, sfn_state *st)
{
    json_object *x = get(js, "Branches");
    st->nbranches = (int)json_object_array_length(x);
    st->branches = mdl_sfn__arena_alloc(&c->m->arena, (size_t)st->nbranches * sizeof *st->branches);
    for (int i = 0; i < st->nbranches; i++)
        st->branches[i] = compile_scope(c, json_object_array_get_idx(x, (size_t)i));
}

static void map_of(cctx *c, json_object *js, sfn_state *st)
{
    json_object *x = get(js, "ItemProcessor");
    if (!x) x = get(js, "Iterator");
    st->nbranches = 1;
    st->branches = mdl_sfn__arena_alloc(&c->m->arena, sizeof *st->branches);
    st->branches[0] = compile_scope(c, x);
    /* A Map's Parameters is the legacy name of ItemSelector. */
    st->item_selector = has(js, "ItemSelector") ? tmpl_of(c, js, "ItemSelector")
                                                : tmpl_of(c, js, "Parameters");
    if ((x = get(js, "ItemsPath"))) {
        st->has_items_path = true;
        path_of(c, json_object_get_string(x), true, &st->items_path);
    }
    st->max_concurrency = (x = get(js, "MaxConcurrency")) ? json_object_get_int64(x) : 0;
}

static sfn_type type_of(json_object *js)
{
    const char *ts = json_object_get_string(get(js, "Type"));
    for (int i = 0; i < SFN_T_COUNT; i++)
        if (!strcmp(mdl_sfn__type_names[i], ts)) return (sfn_type)i;
    SIM_ASSERT(!"a validated state has a known type");
    return SFN_T_PASS;
}

static void compile_state(cctx *c, const names *t, int si, int index, const char *name,
                          json_object *js)
{
    sfn_state *st = &c->m->states[index];
    st->type = type_of(js);
    st->name = name;
    st->scope = si;
    st->next = next_of(t, js, "Next");
    st->default_next = next_of(t, js, "Default");
    opath_of(c, js, "InputPath", false, &st->input_path);
    opath_of(c, js, "OutputPath", false, &st->output_path);
    opath_of(c, js, "ResultPath", true, &st->result_path);
    if (st->type != SFN_T_MAP) st->parameters = tmpl_of(c, js, "Parameters");
    st->result_selector = tmpl_of(c, js, "ResultSelector");
    json_object *x;
    if (json_object_object_get_ex(js, "Result", &x)) st->result = const_of(c, x);
    handlers_of(c, t, js, st);
    switch (st->type) {
    case SFN_T_TASK: task_of(c, js, st); break;
    case SFN_T_WAIT: wait_of(c, js, st); break;
    case SFN_T_FAIL: fail_of(c, js, st); break;
    case SFN_T_PARALLEL: branches_of(c, js, st); break;
    case SFN_T_MAP: map_of(c, js, st); break;
    case SFN_T_CHOICE: {
        x = get(js, "Choices");
        st->nrules = (int)json_object_array_length(x);
        st->rules = mdl_sfn__arena_alloc(&c->m->arena, (size_t)st->nrules * sizeof *st->rules);
        for (int i = 0; i < st->nrules; i++)
            rule_of(c, t, json_object_array_get_idx(x, (size_t)i), &st->rules[i], true);
        break;
    }
    case SFN_T_PASS: case SFN_T_SUCCEED: case SFN_T_COUNT: break;
    }
}

/* Compile a scope (and the scopes nested in it); returns its index. */
static int compile_scope(cctx *c, json_object *scope)
{
    json_object *states = get(scope, "States");
    int si = c->next_scope++;
    int n = json_object_object_length(states);
    sfn_scope *sc = &c->m->scopes[si];
    sc->first = c->next_state;
    sc->count = n;
    c->next_state += n;
    names t;
    names_init(&t, states, sc->first);
    sc->start = names_find(&t, json_object_get_string(get(scope, "StartAt")));
    int i = sc->first;
    json_object_object_foreach(states, name, js) compile_state(c, &t, si, i++, name, js);
    names_fini(&t);
    return si;
}

/* How many scopes and states; an explicit stack of scopes, so a long chain
 * and deep nesting need no recursion here. */
static void count(json_object *root, int *nscopes, int *nstates)
{
    size_t cap = 16, n = 0;
    json_object **stack = sim_xmalloc(cap * sizeof *stack);
    stack[n++] = root;
    *nscopes = *nstates = 0;
    while (n > 0) {
        json_object *states = get(stack[--n], "States");
        (*nscopes)++;
        *nstates += json_object_object_length(states);
        json_object_object_foreach(states, k, js) {
            (void)k;
            json_object *x = get(js, "Branches"), *p;
            size_t nb = x ? json_object_array_length(x) : 0;
            p = get(js, "ItemProcessor") ? get(js, "ItemProcessor") : get(js, "Iterator");
            if (n + nb + 1 > cap) {
                cap = 2 * (n + nb + 1);
                stack = sim_xrealloc(stack, cap * sizeof *stack);
            }
            for (size_t b = 0; b < nb; b++) stack[n++] = json_object_array_get_idx(x, b);
            if (p) stack[n++] = p;
        }
    }
    free(stack);
}

void mdl_sfn__compile(mdl_sfn_machine *m)
{
    int nscopes, nstates;
    count(m->doc.root, &nscopes, &nstates);
    m->scopes = mdl_sfn__arena_alloc(&m->arena, (size_t)nscopes * sizeof *m->scopes);
    m->states = mdl_sfn__arena_alloc(&m->arena, (size_t)nstates * sizeof *m->states);
    m->nscopes = nscopes;
    m->nstates = nstates;
    cctx c = { m, 0, 0 };
    int top = compile_scope(&c, m->doc.root);
    SIM_ASSERT(top == 0 && c.next_scope == nscopes && c.next_state == nstates);
}
