/* mdl_sfn_def.c - loading and validating Amazon States Language definitions.
 *
 * The validator rejects what the ASL specification rejects, before anything
 * runs: a missing StartAt, unknown state types and fields, a Next that names
 * no state, unreachable states, broken terminal rules (exactly one of Next
 * and End; Choice, Succeed and Fail have neither), malformed paths, Choice
 * rules and Retry/Catch blocks, intrinsic calls that do not parse, and
 * values outside AWS's limits (retrier fields, nesting).  Every error names
 * the state and the field, with the JSON path
 * ("States.P.Branches[0].States.X.Next") so sim_json finds the line.
 *
 * A validated definition is compiled once (mdl_sfn_compile.c); the
 * executor never reads its JSON.  Walks over the state graph are iterative
 * (a chain of 100,000 states needs no deeper stack than one state);
 * recursion follows only the nesting of Parallel/Map scopes and Choice
 * rules, bounded by SFN_MAX_NESTING.
 */
#include "models/stepfn/mdl_sfn.h"
#include "models/stepfn/mdl_sfn_internal.h"

#include "sim/sim_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P_MAX 1024

typedef struct vctx {
    const sim_json_doc *doc;
    sim_error *err;
} vctx;

#define VFAIL(v, code, path, ...) SIM_JSON_FAIL((v)->err, code, (v)->doc, path, __VA_ARGS__)

const char *const mdl_sfn__type_names[SFN_T_COUNT] = {
#define SFN__T_NAME(id, name) name,
    SFN_STATE_TYPES(SFN__T_NAME)
#undef SFN__T_NAME
};

/* Fields each state type allows, besides Type and Comment. */
static const char *const k_fields_task[] = {
    "Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath",
    "Retry", "Catch", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
    "HeartbeatSecondsPath", NULL };
static const char *const k_fields_pass[] = { "Next", "End", "InputPath", "OutputPath",
                                             "Parameters", "Result", "ResultPath", NULL };
static const char *const k_fields_wait[] = { "Next", "End", "InputPath", "OutputPath",
                                             "Seconds", "Timestamp", "SecondsPath",
                                             "TimestampPath", NULL };
static const char *const k_fields_choice[] = { "InputPath", "OutputPath", "Choices",
                                               "Default", NULL };
static const char *const k_fields_succeed[] = { "InputPath", "OutputPath", NULL };
static const char *const k_fields_fail[] = { "Error", "Cause", "ErrorPath", "CausePath", NULL };
static const char *const k_fields_parallel[] = {
    "Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath",
    "Retry", "Catch", "Branches", NULL };
static const char *const k_fields_map[] = {
    "Next", "End", "InputPath", "OutputPath", "Parameters", "ItemSelector", "ResultSelector",
    "ResultPath", "Retry", "Catch", "Iterator", "ItemProcessor", "ItemsPath",
    "MaxConcurrency", NULL };

static const sfn_op_def k_ops[] = {
#define SFN__OP_ROW(id, name, opnd, fam, cmp) { name, opnd, fam, cmp },
    SFN_CHOICE_OPS(SFN__OP_ROW)
#undef SFN__OP_ROW
};

const sfn_op_def *mdl_sfn__op_find(const char *name)
{
    for (size_t i = 0; i < sizeof k_ops / sizeof k_ops[0]; i++)
        if (strcmp(k_ops[i].name, name) == 0) return &k_ops[i];
    return NULL;
}

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0) return true;
    return false;
}

static void join(char *out, size_t n, const char *base, const char *key)
{
    /* A path longer than the buffer is cut: it only names a field in a message. */
    if (snprintf(out, n, "%s%s%s", base, base[0] ? "." : "", key) >= (int)n) out[n - 1] = '\0';
}

/* ---- fields ---------------------------------------------------------------------- */

static sim_status check_path_field(vctx *v, json_object *st, const char *sname,
                                   const char *spath, const char *field, bool reference,
                                   bool nullable)
{
    json_object *x;
    if (!json_object_object_get_ex(st, field, &x)) return SIM_OK;
    char p[P_MAX], why[256];
    join(p, sizeof p, spath, field);
    if (!x) {
        if (nullable) return SIM_OK;
        VFAIL(v, SIM_ETYPE, p, "state \"%s\": %s cannot be null", sname, field);
    }
    if (!json_object_is_type(x, json_type_string))
        VFAIL(v, SIM_ETYPE, p, "state \"%s\": %s must be a path string", sname, field);
    if (!mdl_sfn__path_check(json_object_get_string(x), reference, why, sizeof why))
        VFAIL(v, SIM_EFORMAT, p, "state \"%s\": bad path %s \"%s\": %s", sname, field,
              json_object_get_string(x), why);
    return SIM_OK;
}

static sim_status check_template_field(vctx *v, json_object *st, const char *sname,
                                       const char *spath, const char *field)
{
    json_object *x;
    if (!json_object_object_get_ex(st, field, &x)) return SIM_OK;
    char p[P_MAX], where[512], why[256];
    join(p, sizeof p, spath, field);
    if (!mdl_sfn__tmpl_check(x, where, sizeof where, why, sizeof why)) {
        char full[P_MAX + 512];
        snprintf(full, sizeof full, "%s%s", p, where);
        VFAIL(v, SIM_EFORMAT, full, "state \"%s\": %s%s: %s", sname, field, where, why);
    }
    return SIM_OK;
}

/* An integer field in [min, max]. */
static sim_status check_int_field(vctx *v, json_object *obj, const char *sname,
                                  const char *path, const char *field, int64_t min,
                                  int64_t max, bool *present)
{
    json_object *x;
    if (present) *present = false;
    if (!json_object_object_get_ex(obj, field, &x)) return SIM_OK;
    char p[P_MAX];
    join(p, sizeof p, path, field);
    if (!json_object_is_type(x, json_type_int) || json_object_get_int64(x) < min)
        VFAIL(v, SIM_ERANGE, p, "state \"%s\": %s must be an integer >= %lld", sname, field,
              (long long)min);
    if (json_object_get_int64(x) > max)
        VFAIL(v, SIM_ERANGE, p, "state \"%s\": %s must be at most %lld (AWS's limit)", sname,
              field, (long long)max);
    if (present) *present = true;
    return SIM_OK;
}

static sim_status check_next(vctx *v, json_object *states, json_object *x, const char *sname,
                             const char *p)
{
    if (!json_object_is_type(x, json_type_string))
        VFAIL(v, SIM_ETYPE, p, "state \"%s\": a state name (string) is needed", sname);
    if (!json_object_object_get_ex(states, json_object_get_string(x), NULL))
        VFAIL(v, SIM_EUNKNOWN, p, "state \"%s\": unknown state \"%s\"", sname,
              json_object_get_string(x));
    return SIM_OK;
}

/* ---- Retry and Catch --------------------------------------------------------------- */

static sim_status check_error_equals(vctx *v, json_object *r, const char *sname,
                                     const char *rpath, bool last)
{
    json_object *ee;
    char p[P_MAX];
    join(p, sizeof p, rpath, "ErrorEquals");
    if (!json_object_object_get_ex(r, "ErrorEquals", &ee) ||
        !json_object_is_type(ee, json_type_array) || json_object_array_length(ee) == 0)
        VFAIL(v, SIM_EMISSING, p, "state \"%s\": ErrorEquals must be a non-empty array",
              sname);
    size_t n = json_object_array_length(ee);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(ee, i);
        if (!json_object_is_type(e, json_type_string))
            VFAIL(v, SIM_ETYPE, p, "state \"%s\": ErrorEquals holds error names (strings)",
                  sname);
        if (strcmp(json_object_get_string(e), "States.ALL") == 0 && (n != 1 || !last))
            VFAIL(v, SIM_EFORMAT, p,
                  "state \"%s\": States.ALL must appear alone, in the last retrier or catcher",
                  sname);
    }
    return SIM_OK;
}

/* The keys of a retrier or catcher object `r` at rp, against `allowed`. */
static sim_status check_handler_keys(vctx *v, json_object *r, const char *sname,
                                     const char *rp, const char *what,
                                     const char *const *allowed)
{
    if (!json_object_is_type(r, json_type_object))
        VFAIL(v, SIM_ETYPE, rp, "state \"%s\": a %s must be an object", sname, what);
    json_object_object_foreach(r, k, kv) {
        (void)kv;
        char kp[P_MAX];
        join(kp, sizeof kp, rp, k);
        if (!in_list(allowed, k))
            VFAIL(v, SIM_EUNKNOWN, kp, "state \"%s\": unknown %s field \"%s\"", sname, what, k);
    }
    return SIM_OK;
}

/* One retrier's fields, within AWS's limits (docs, concepts-error-handling). */
static sim_status check_retrier(vctx *v, json_object *r, const char *sname, const char *rp,
                                bool last)
{
    static const char *const allowed[] = { "ErrorEquals", "IntervalSeconds", "MaxAttempts",
                                           "BackoffRate", "MaxDelaySeconds", "JitterStrategy",
                                           "Comment", NULL };
    SIM_TRY(check_handler_keys(v, r, sname, rp, "retrier", allowed));
    SIM_TRY(check_error_equals(v, r, sname, rp, last));
    SIM_TRY(check_int_field(v, r, sname, rp, "IntervalSeconds", 1, SFN_INTERVAL_MAX, NULL));
    SIM_TRY(check_int_field(v, r, sname, rp, "MaxAttempts", 0, SFN_ATTEMPTS_MAX, NULL));
    SIM_TRY(check_int_field(v, r, sname, rp, "MaxDelaySeconds", 1, SFN_MAX_DELAY_MAX, NULL));
    json_object *x;
    char kp[P_MAX];
    if (json_object_object_get_ex(r, "BackoffRate", &x)) {
        join(kp, sizeof kp, rp, "BackoffRate");
        /* json-c reads "Infinity" and "NaN": neither is a rate. */
        if (!(json_object_is_type(x, json_type_int) || json_object_is_type(x, json_type_double)) ||
            !isfinite(json_object_get_double(x)) || !(json_object_get_double(x) >= 1.0))
            VFAIL(v, SIM_ERANGE, kp, "state \"%s\": BackoffRate must be a finite number >= 1.0",
                  sname);
    }
    if (json_object_object_get_ex(r, "JitterStrategy", &x)) {
        join(kp, sizeof kp, rp, "JitterStrategy");
        const char *s = json_object_is_type(x, json_type_string) ? json_object_get_string(x) : "";
        if (strcmp(s, "FULL") && strcmp(s, "NONE"))
            VFAIL(v, SIM_EFORMAT, kp, "state \"%s\": JitterStrategy must be FULL or NONE", sname);
    }
    return SIM_OK;
}

static sim_status check_retry(vctx *v, json_object *st, const char *sname, const char *spath)
{
    json_object *arr;
    if (!json_object_object_get_ex(st, "Retry", &arr)) return SIM_OK;
    char p[P_MAX];
    join(p, sizeof p, spath, "Retry");
    if (!json_object_is_type(arr, json_type_array))
        VFAIL(v, SIM_ETYPE, p, "state \"%s\": Retry must be an array", sname);
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        char rp[P_MAX];
        sim_json_path_index(rp, sizeof rp, p, i);
        SIM_TRY(check_retrier(v, json_object_array_get_idx(arr, i), sname, rp, i == n - 1));
    }
    return SIM_OK;
}

static sim_status check_catch(vctx *v, json_object *states, json_object *st, const char *sname,
                              const char *spath)
{
    json_object *arr;
    if (!json_object_object_get_ex(st, "Catch", &arr)) return SIM_OK;
    char p[P_MAX];
    join(p, sizeof p, spath, "Catch");
    if (!json_object_is_type(arr, json_type_array))
        VFAIL(v, SIM_ETYPE, p, "state \"%s\": Catch must be an array", sname);
    static const char *const allowed[] = { "ErrorEquals", "Next", "ResultPath", "Comment", NULL };
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx(arr, i), *x;
        char rp[P_MAX], kp[P_MAX];
        sim_json_path_index(rp, sizeof rp, p, i);
        SIM_TRY(check_handler_keys(v, r, sname, rp, "catcher", allowed));
        SIM_TRY(check_error_equals(v, r, sname, rp, i == n - 1));
        join(kp, sizeof kp, rp, "Next");
        if (!json_object_object_get_ex(r, "Next", &x))
            VFAIL(v, SIM_EMISSING, kp, "state \"%s\": a catcher needs Next", sname);
        SIM_TRY(check_next(v, states, x, sname, kp));
        SIM_TRY(check_path_field(v, r, sname, rp, "ResultPath", true, true));
    }
    return SIM_OK;
}

/* ---- Choice rules --------------------------------------------------------------------- */

static sim_status check_rule(vctx *v, json_object *states, json_object *r, const char *sname,
                             const char *rp, int depth);

/* An operator's operand against its kind. */
static bool operand_ok(const sfn_op_def *op, json_object *val)
{
    double ts;
    char why[256];
    switch (op->opnd) {
    case OPND_STRING: return json_object_is_type(val, json_type_string);
    case OPND_NUMBER:
        return json_object_is_type(val, json_type_int) || json_object_is_type(val, json_type_double);
    case OPND_BOOL:
    case OPND_TEST: return json_object_is_type(val, json_type_boolean);
    case OPND_TIMESTAMP:
        return json_object_is_type(val, json_type_string) &&
               mdl_sfn__timestamp_parse(json_object_get_string(val), &ts);
    case OPND_PATH:
        return json_object_is_type(val, json_type_string) &&
               mdl_sfn__path_check(json_object_get_string(val), false, why, sizeof why);
    }
    return false;
}

/* One key of a rule: Variable, And/Or/Not, or an operator.  *nops and
 * *has_var count what the rule holds. */
static sim_status check_rule_key(vctx *v, json_object *states, const char *sname,
                                 const char *kp, const char *k, json_object *val, int depth,
                                 int *nops, bool *has_var)
{
    if (!strcmp(k, "Variable")) {
        *has_var = true;
        char why[256];
        if (!json_object_is_type(val, json_type_string) ||
            !mdl_sfn__path_check(json_object_get_string(val), false, why, sizeof why))
            VFAIL(v, SIM_EFORMAT, kp, "state \"%s\": bad Variable path", sname);
        return SIM_OK;
    }
    (*nops)++;
    if (!strcmp(k, "And") || !strcmp(k, "Or")) {
        if (!json_object_is_type(val, json_type_array) || json_object_array_length(val) == 0)
            VFAIL(v, SIM_ETYPE, kp, "state \"%s\": %s needs a non-empty array of rules", sname, k);
        for (size_t i = 0; i < json_object_array_length(val); i++) {
            char ip[P_MAX];
            sim_json_path_index(ip, sizeof ip, kp, i);
            SIM_TRY(check_rule(v, states, json_object_array_get_idx(val, i), sname, ip, depth + 1));
        }
        return SIM_OK;
    }
    if (!strcmp(k, "Not")) return check_rule(v, states, val, sname, kp, depth + 1);
    const sfn_op_def *op = mdl_sfn__op_find(k);
    if (!op) VFAIL(v, SIM_EUNKNOWN, kp, "state \"%s\": unknown choice operator \"%s\"", sname, k);
    if (!operand_ok(op, val)) VFAIL(v, SIM_ETYPE, kp, "state \"%s\": bad operand for %s", sname, k);
    return SIM_OK;
}

/* A rule at rp; depth 0 is a top-level rule of Choices (which has Next). */
static sim_status check_rule(vctx *v, json_object *states, json_object *r, const char *sname,
                             const char *rp, int depth)
{
    char kp[P_MAX];
    if (!json_object_is_type(r, json_type_object))
        VFAIL(v, SIM_ETYPE, rp, "state \"%s\": a choice rule must be an object", sname);
    if (depth > SFN_MAX_NESTING)
        VFAIL(v, SIM_ERANGE, rp, "state \"%s\": choice rules nested deeper than %d", sname,
              SFN_MAX_NESTING);
    json_object *x;
    if (depth == 0) {
        join(kp, sizeof kp, rp, "Next");
        if (!json_object_object_get_ex(r, "Next", &x))
            VFAIL(v, SIM_EMISSING, kp, "state \"%s\": a choice rule needs Next", sname);
        SIM_TRY(check_next(v, states, x, sname, kp));
    } else if (json_object_object_get_ex(r, "Next", NULL)) {
        join(kp, sizeof kp, rp, "Next");
        VFAIL(v, SIM_EFORMAT, kp, "state \"%s\": nested choice rules cannot have Next", sname);
    }
    int nops = 0;
    bool has_var = false;
    json_object_object_foreach(r, k, val) {
        if (!strcmp(k, "Next") || !strcmp(k, "Comment")) continue;
        join(kp, sizeof kp, rp, k);
        SIM_TRY(check_rule_key(v, states, sname, kp, k, val, depth, &nops, &has_var));
    }
    if (nops != 1)
        VFAIL(v, SIM_EFORMAT, rp, "state \"%s\": a choice rule needs exactly one operator (found %d)",
              sname, nops);
    bool boolean = json_object_object_get_ex(r, "And", NULL) ||
                   json_object_object_get_ex(r, "Or", NULL) ||
                   json_object_object_get_ex(r, "Not", NULL);
    join(kp, sizeof kp, rp, "Variable");
    if (!boolean && !has_var)
        VFAIL(v, SIM_EMISSING, kp, "state \"%s\": a comparison needs Variable", sname);
    if (boolean && has_var)
        VFAIL(v, SIM_EFORMAT, kp, "state \"%s\": And/Or/Not take no Variable", sname);
    return SIM_OK;
}

/* ---- states -------------------------------------------------------------------------- */

/* What a per-type check needs. */
typedef struct scheck {
    vctx *v;
    json_object *states, *st;
    const char *sname, *spath;
    int depth; /* Parallel/Map nesting of this state's scope */
} scheck;

static sim_status check_scope(vctx *v, json_object *scope, const char *path, bool top, int depth);

static sim_status check_task(const scheck *c)
{
    vctx *v = c->v;
    json_object *x;
    char p[P_MAX];
    join(p, sizeof p, c->spath, "Resource");
    if (!json_object_object_get_ex(c->st, "Resource", &x))
        VFAIL(v, SIM_EMISSING, p, "state \"%s\": a Task needs Resource", c->sname);
    if (!json_object_is_type(x, json_type_string) || !json_object_get_string_len(x))
        VFAIL(v, SIM_ETYPE, p, "state \"%s\": Resource must be a non-empty string", c->sname);
    SIM_TRY(check_int_field(v, c->st, c->sname, c->spath, "TimeoutSeconds", 1, INT64_MAX, NULL));
    SIM_TRY(check_int_field(v, c->st, c->sname, c->spath, "HeartbeatSeconds", 1, INT64_MAX, NULL));
    SIM_TRY(check_path_field(v, c->st, c->sname, c->spath, "TimeoutSecondsPath", true, false));
    SIM_TRY(check_path_field(v, c->st, c->sname, c->spath, "HeartbeatSecondsPath", true, false));
    return SIM_OK;
}

static sim_status check_wait(const scheck *c)
{
    vctx *v = c->v;
    static const char *const w[] = { "Seconds", "Timestamp", "SecondsPath", "TimestampPath" };
    int n = 0;
    for (int i = 0; i < 4; i++) n += json_object_object_get_ex(c->st, w[i], NULL);
    if (n != 1)
        VFAIL(v, SIM_EFORMAT, c->spath,
              "state \"%s\": a Wait needs exactly one of Seconds, Timestamp, SecondsPath, "
              "TimestampPath", c->sname);
    SIM_TRY(check_int_field(v, c->st, c->sname, c->spath, "Seconds", 0, INT64_MAX, NULL));
    json_object *x;
    if (json_object_object_get_ex(c->st, "Timestamp", &x)) {
        double t;
        char p[P_MAX];
        join(p, sizeof p, c->spath, "Timestamp");
        if (!json_object_is_type(x, json_type_string) ||
            !mdl_sfn__timestamp_parse(json_object_get_string(x), &t))
            VFAIL(v, SIM_EFORMAT, p, "state \"%s\": Timestamp must be RFC 3339", c->sname);
    }
    SIM_TRY(check_path_field(v, c->st, c->sname, c->spath, "SecondsPath", true, false));
    SIM_TRY(check_path_field(v, c->st, c->sname, c->spath, "TimestampPath", true, false));
    return SIM_OK;
}

static sim_status check_choice(const scheck *c)
{
    vctx *v = c->v;
    json_object *x;
    char p[P_MAX];
    join(p, sizeof p, c->spath, "Choices");
    if (!json_object_object_get_ex(c->st, "Choices", &x) ||
        !json_object_is_type(x, json_type_array) || json_object_array_length(x) == 0)
        VFAIL(v, SIM_EMISSING, p, "state \"%s\": Choices must be a non-empty array", c->sname);
    for (size_t i = 0; i < json_object_array_length(x); i++) {
        char rp[P_MAX];
        sim_json_path_index(rp, sizeof rp, p, i);
        SIM_TRY(check_rule(v, c->states, json_object_array_get_idx(x, i), c->sname, rp, 0));
    }
    if (json_object_object_get_ex(c->st, "Default", &x)) {
        join(p, sizeof p, c->spath, "Default");
        SIM_TRY(check_next(v, c->states, x, c->sname, p));
    }
    return SIM_OK;
}

static sim_status check_fail(const scheck *c)
{
    vctx *v = c->v;
    static const char *const s[] = { "Error", "Cause" };
    json_object *x;
    for (int i = 0; i < 2; i++)
        if (json_object_object_get_ex(c->st, s[i], &x) && !json_object_is_type(x, json_type_string)) {
            char p[P_MAX];
            join(p, sizeof p, c->spath, s[i]);
            VFAIL(v, SIM_ETYPE, p, "state \"%s\": %s must be a string", c->sname, s[i]);
        }
    SIM_TRY(check_path_field(v, c->st, c->sname, c->spath, "ErrorPath", false, false));
    SIM_TRY(check_path_field(v, c->st, c->sname, c->spath, "CausePath", false, false));
    return SIM_OK;
}

static sim_status check_parallel(const scheck *c)
{
    vctx *v = c->v;
    json_object *x;
    char p[P_MAX];
    join(p, sizeof p, c->spath, "Branches");
    if (!json_object_object_get_ex(c->st, "Branches", &x) ||
        !json_object_is_type(x, json_type_array) || json_object_array_length(x) == 0)
        VFAIL(v, SIM_EMISSING, p, "state \"%s\": Branches must be a non-empty array", c->sname);
    for (size_t i = 0; i < json_object_array_length(x); i++) {
        char bp[P_MAX];
        sim_json_path_index(bp, sizeof bp, p, i);
        SIM_TRY(check_scope(v, json_object_array_get_idx(x, i), bp, false, c->depth + 1));
    }
    return SIM_OK;
}

static sim_status check_map(const scheck *c)
{
    vctx *v = c->v;
    json_object *it, *ip;
    bool has_it = json_object_object_get_ex(c->st, "Iterator", &it);
    bool has_ip = json_object_object_get_ex(c->st, "ItemProcessor", &ip);
    if (has_it == has_ip)
        VFAIL(v, SIM_EFORMAT, c->spath,
              "state \"%s\": a Map needs exactly one of ItemProcessor and Iterator", c->sname);
    char p[P_MAX];
    join(p, sizeof p, c->spath, has_it ? "Iterator" : "ItemProcessor");
    SIM_TRY(check_scope(v, has_it ? it : ip, p, false, c->depth + 1));
    if (json_object_object_get_ex(c->st, "ItemSelector", NULL) &&
        json_object_object_get_ex(c->st, "Parameters", NULL))
        VFAIL(v, SIM_EFORMAT, c->spath,
              "state \"%s\": ItemSelector and Parameters cannot both be given", c->sname);
    SIM_TRY(check_path_field(v, c->st, c->sname, c->spath, "ItemsPath", true, false));
    SIM_TRY(check_int_field(v, c->st, c->sname, c->spath, "MaxConcurrency", 0, INT64_MAX, NULL));
    return SIM_OK;
}

static sim_status check_nothing(const scheck *c)
{
    (void)c;
    return SIM_OK;
}

/* Per type: allowed fields and the type's own checks (one row per type,
 * in SFN_STATE_TYPES order). */
static const struct {
    const char *const *fields;
    sim_status (*check)(const scheck *c);
} k_types[SFN_T_COUNT] = {
    { k_fields_task, check_task },         { k_fields_pass, check_nothing },
    { k_fields_wait, check_wait },         { k_fields_choice, check_choice },
    { k_fields_succeed, check_nothing },   { k_fields_fail, check_fail },
    { k_fields_parallel, check_parallel }, { k_fields_map, check_map },
};

/* Type and fields; *type is the state's type. */
static sim_status check_type_and_fields(vctx *v, json_object *st, const char *sname,
                                        const char *spath, sfn_type *type)
{
    char p[P_MAX];
    if (!json_object_is_type(st, json_type_object))
        VFAIL(v, SIM_ETYPE, spath, "state \"%s\" must be an object", sname);
    json_object *tx;
    join(p, sizeof p, spath, "Type");
    if (!json_object_object_get_ex(st, "Type", &tx))
        VFAIL(v, SIM_EMISSING, p, "state \"%s\": missing Type", sname);
    const char *ts = json_object_is_type(tx, json_type_string) ? json_object_get_string(tx) : "";
    int t = -1;
    for (int i = 0; i < SFN_T_COUNT; i++)
        if (!strcmp(mdl_sfn__type_names[i], ts)) t = i;
    if (t < 0) VFAIL(v, SIM_EUNKNOWN, p, "state \"%s\": unknown state type \"%s\"", sname, ts);
    json_object_object_foreach(st, k, xx) {
        (void)xx;
        if (!strcmp(k, "Type") || !strcmp(k, "Comment")) continue;
        if (!in_list(k_types[t].fields, k)) {
            join(p, sizeof p, spath, k);
            VFAIL(v, SIM_EUNKNOWN, p, "state \"%s\": field \"%s\" is not allowed in a %s state",
                  sname, k, ts);
        }
    }
    *type = (sfn_type)t;
    return SIM_OK;
}

/* Terminal rules: Task/Pass/Wait/Parallel/Map have exactly one of Next and
 * End; Choice, Succeed and Fail have neither (the field check). */
static sim_status check_terminal(vctx *v, json_object *states, json_object *st,
                                 const char *sname, const char *spath, sfn_type type)
{
    if (type == SFN_T_CHOICE || type == SFN_T_SUCCEED || type == SFN_T_FAIL) return SIM_OK;
    char p[P_MAX];
    json_object *x, *end;
    bool has_next = json_object_object_get_ex(st, "Next", &x);
    if (has_next) {
        join(p, sizeof p, spath, "Next");
        SIM_TRY(check_next(v, states, x, sname, p));
    }
    bool has_end = json_object_object_get_ex(st, "End", &end);
    join(p, sizeof p, spath, "End");
    if (has_end && !(json_object_is_type(end, json_type_boolean) && json_object_get_boolean(end)))
        VFAIL(v, SIM_EFORMAT, p, "state \"%s\": End must be true when present", sname);
    if (has_next == has_end)
        VFAIL(v, SIM_EFORMAT, has_next ? p : spath,
              "state \"%s\": a %s state needs exactly one of Next and End", sname,
              mdl_sfn__type_names[type]);
    return SIM_OK;
}

static sim_status check_state(vctx *v, json_object *states, const char *sname, json_object *st,
                              const char *spath, int depth)
{
    sfn_type type = SFN_T_PASS;
    SIM_TRY(check_type_and_fields(v, st, sname, spath, &type));
    SIM_TRY(check_terminal(v, states, st, sname, spath, type));
    SIM_TRY(check_path_field(v, st, sname, spath, "InputPath", false, true));
    SIM_TRY(check_path_field(v, st, sname, spath, "OutputPath", false, true));
    SIM_TRY(check_path_field(v, st, sname, spath, "ResultPath", true, true));
    SIM_TRY(check_template_field(v, st, sname, spath, "Parameters"));
    SIM_TRY(check_template_field(v, st, sname, spath, "ResultSelector"));
    SIM_TRY(check_template_field(v, st, sname, spath, "ItemSelector"));
    SIM_TRY(check_retry(v, st, sname, spath));
    SIM_TRY(check_catch(v, states, st, sname, spath));
    scheck c = { v, states, st, sname, spath, depth };
    return k_types[type].check(&c);
}

/* ---- scopes -------------------------------------------------------------------------- */

/* Push state `name` unless seen (the set is a json-c object of names). */
static void reach_push(json_object *seen, const char **stack, size_t *n, const char *name)
{
    if (json_object_object_get_ex(seen, name, NULL)) return;
    json_object_object_add(seen, name, NULL);
    stack[(*n)++] = name;
}

/* Every state reachable from `start` over Next, Default, Choices[].Next and
 * Catch[].Next, marked in `seen`.  Iterative: each state is pushed once, so
 * the stack holds at most as many names as there are states. */
static void mark_reachable(json_object *states, const char *start, json_object *seen)
{
    const char **stack = sim_xmalloc((json_object_object_length(states) + 1) * sizeof *stack);
    size_t n = 0;
    reach_push(seen, stack, &n, start);
    while (n > 0) {
        json_object *st, *x;
        if (!json_object_object_get_ex(states, stack[--n], &st)) continue;
        if (json_object_object_get_ex(st, "Next", &x))
            reach_push(seen, stack, &n, json_object_get_string(x));
        if (json_object_object_get_ex(st, "Default", &x))
            reach_push(seen, stack, &n, json_object_get_string(x));
        static const char *const lists[] = { "Choices", "Catch" };
        for (int l = 0; l < 2; l++) {
            if (!json_object_object_get_ex(st, lists[l], &x)) continue;
            for (size_t i = 0; i < json_object_array_length(x); i++) {
                json_object *nx;
                if (json_object_object_get_ex(json_object_array_get_idx(x, i), "Next", &nx))
                    reach_push(seen, stack, &n, json_object_get_string(nx));
            }
        }
    }
    free(stack);
}

static sim_status check_reachable(vctx *v, json_object *states, const char *start,
                                  const char *sp)
{
    json_object *seen = json_object_new_object();
    mark_reachable(states, start, seen);
    json_object_object_foreach(states, name, st) {
        (void)st;
        if (!json_object_object_get_ex(seen, name, NULL)) {
            json_object_put(seen);
            char spath[P_MAX];
            join(spath, sizeof spath, sp, name);
            VFAIL(v, SIM_EFORMAT, spath, "state \"%s\" is unreachable from StartAt", name);
        }
    }
    json_object_put(seen);
    return SIM_OK;
}

/* StartAt and States of a scope; *states and *start on success. */
static sim_status check_scope_head(vctx *v, json_object *scope, const char *path, bool top,
                                   json_object **states, const char **start)
{
    char p[P_MAX];
    const char *what = top ? "the state machine" : "a branch";
    if (!json_object_is_type(scope, json_type_object))
        VFAIL(v, SIM_ETYPE, path, "%s must be a JSON object", what);
    static const char *const top_keys[] = { "StartAt", "States", "Comment", "Version",
                                            "TimeoutSeconds", NULL };
    static const char *const sub_keys[] = { "StartAt", "States", "Comment", "ProcessorConfig",
                                            NULL };
    json_object_object_foreach(scope, k, xx) {
        (void)xx;
        if (!in_list(top ? top_keys : sub_keys, k)) {
            join(p, sizeof p, path, k);
            VFAIL(v, SIM_EUNKNOWN, p, "unknown field \"%s\" in %s", k, what);
        }
    }
    json_object *sa;
    join(p, sizeof p, path, "StartAt");
    if (!json_object_object_get_ex(scope, "StartAt", &sa))
        VFAIL(v, SIM_EMISSING, p, "%s has no StartAt", what);
    if (!json_object_is_type(sa, json_type_string))
        VFAIL(v, SIM_ETYPE, p, "StartAt must be a state name");
    join(p, sizeof p, path, "States");
    if (!json_object_object_get_ex(scope, "States", states) ||
        !json_object_is_type(*states, json_type_object) || json_object_object_length(*states) == 0)
        VFAIL(v, SIM_EMISSING, p, "%s needs a non-empty States object", what);
    *start = json_object_get_string(sa);
    if (!json_object_object_get_ex(*states, *start, NULL)) {
        join(p, sizeof p, path, "StartAt");
        VFAIL(v, SIM_EUNKNOWN, p, "StartAt names unknown state \"%s\"", *start);
    }
    return SIM_OK;
}

static sim_status check_scope(vctx *v, json_object *scope, const char *path, bool top, int depth)
{
    if (depth > SFN_MAX_NESTING)
        VFAIL(v, SIM_ERANGE, path, "Parallel/Map states nested deeper than %d", SFN_MAX_NESTING);
    json_object *states;
    const char *start = NULL;
    SIM_TRY(check_scope_head(v, scope, path, top, &states, &start));
    char sp[P_MAX];
    join(sp, sizeof sp, path, "States");
    json_object_object_foreach(states, name, st) {
        char spath[P_MAX];
        join(spath, sizeof spath, sp, name);
        if (strlen(name) > 80)
            VFAIL(v, SIM_ERANGE, spath, "state name \"%.40s...\" is longer than 80 characters",
                  name);
        SIM_TRY(check_state(v, states, name, st, spath, depth));
    }
    return check_reachable(v, states, start, sp);
}

sim_status mdl_sfn__validate(mdl_sfn_machine *m, sim_error *err)
{
    vctx v = { &m->doc, err };
    SIM_TRY(check_scope(&v, m->doc.root, "", true, 0));
    bool present;
    SIM_TRY(check_int_field(&v, m->doc.root, "(machine)", "", "TimeoutSeconds", 1, INT64_MAX,
                            &present));
    if (present) {
        json_object *x;
        json_object_object_get_ex(m->doc.root, "TimeoutSeconds", &x);
        m->timeout_s = (double)json_object_get_int64(x);
    }
    return SIM_OK;
}

/* ---- loading ------------------------------------------------------------------------------ */

sim_status mdl_sfn_machine_from_doc(sim_json_doc *doc, mdl_sfn_machine **out, sim_error *err)
{
    *out = NULL;
    mdl_sfn_machine *m = sim_xcalloc(1, sizeof *m);
    m->doc = *doc;
    memset(doc, 0, sizeof *doc);
    sim_status st = mdl_sfn__validate(m, err);
    if (st != SIM_OK) {
        mdl_sfn_machine_destroy(m);
        return st;
    }
    mdl_sfn__compile(m);
    *out = m;
    return SIM_OK;
}

sim_status mdl_sfn_machine_load(const char *path, mdl_sfn_machine **out, sim_error *err)
{
    sim_json_doc doc = { 0 };
    *out = NULL;
    SIM_TRY(sim_json_doc_load(&doc, path, err));
    return mdl_sfn_machine_from_doc(&doc, out, err);
}

sim_status mdl_sfn_machine_parse(const char *text, const char *label, mdl_sfn_machine **out,
                                 sim_error *err)
{
    sim_json_doc doc = { 0 };
    *out = NULL;
    SIM_TRY(sim_json_doc_parse(&doc, text, label, err));
    return mdl_sfn_machine_from_doc(&doc, out, err);
}

void mdl_sfn_machine_destroy(mdl_sfn_machine *m)
{
    if (!m) return;
    mdl_sfn__arena_fini(&m->arena);
    free(m->resources);
    sim_json_doc_fini(&m->doc);
    free(m);
}

/* Tasks of scope si in definition order, nested scopes where they appear. */
static void each_task(const mdl_sfn_machine *m, int si,
                      void (*fn)(void *, const char *, const char *), void *ctx)
{
    const sfn_scope *sc = &m->scopes[si];
    for (int i = sc->first; i < sc->first + sc->count; i++) {
        const sfn_state *st = &m->states[i];
        if (st->type == SFN_T_TASK) fn(ctx, st->name, st->resource);
        for (int b = 0; b < st->nbranches; b++) each_task(m, st->branches[b], fn, ctx);
    }
}

void mdl_sfn_machine_each_task(const mdl_sfn_machine *m,
                               void (*fn)(void *ctx, const char *state, const char *resource),
                               void *ctx)
{
    each_task(m, 0, fn, ctx);
}

int mdl_sfn_machine_resource_count(const mdl_sfn_machine *m)
{
    return m->nresources;
}

const char *mdl_sfn_machine_resource(const mdl_sfn_machine *m, int i)
{
    SIM_ASSERT(i >= 0 && i < m->nresources);
    return m->resources[i];
}
