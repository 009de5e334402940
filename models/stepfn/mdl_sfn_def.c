/* mdl_sfn_def.c - loading and validating Amazon States Language definitions.
 *
 * The validator rejects what the ASL specification rejects, before anything
 * runs: a missing StartAt, unknown state types and fields, a Next that names
 * no state, unreachable states, broken terminal rules (exactly one of Next
 * and End; Choice, Succeed and Fail have neither), malformed paths, Choice
 * rules and Retry/Catch blocks, and intrinsic calls that do not parse.
 * Every error names the state and the field, with the JSON path
 * ("States.P.Branches[0].States.X.Next") so sim_json finds the line.
 *
 * Once validated, the definition is interpreted in place by mdl_sfn_exec.c;
 * nothing is copied into parallel structs, so the two cannot drift apart.
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

static const char *const k_types[] = { "Task", "Pass", "Wait", "Choice", "Succeed",
                                       "Fail", "Parallel", "Map", NULL };

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
static const char *const *const k_fields[] = { k_fields_task, k_fields_pass, k_fields_wait,
                                               k_fields_choice, k_fields_succeed, k_fields_fail,
                                               k_fields_parallel, k_fields_map };

enum { T_TASK, T_PASS, T_WAIT, T_CHOICE, T_SUCCEED, T_FAIL, T_PARALLEL, T_MAP };

/* Choice comparison operators and the type of their operand. */
typedef enum { OP_STRING, OP_NUMBER, OP_BOOL, OP_TIMESTAMP, OP_PATH, OP_TEST } op_arg;
typedef struct op_def {
    const char *name;
    op_arg arg;
} op_def;

static const op_def k_ops[] = {
    { "StringEquals", OP_STRING }, { "StringLessThan", OP_STRING },
    { "StringGreaterThan", OP_STRING }, { "StringLessThanEquals", OP_STRING },
    { "StringGreaterThanEquals", OP_STRING }, { "StringMatches", OP_STRING },
    { "StringEqualsPath", OP_PATH }, { "StringLessThanPath", OP_PATH },
    { "StringGreaterThanPath", OP_PATH }, { "StringLessThanEqualsPath", OP_PATH },
    { "StringGreaterThanEqualsPath", OP_PATH },
    { "NumericEquals", OP_NUMBER }, { "NumericLessThan", OP_NUMBER },
    { "NumericGreaterThan", OP_NUMBER }, { "NumericLessThanEquals", OP_NUMBER },
    { "NumericGreaterThanEquals", OP_NUMBER },
    { "NumericEqualsPath", OP_PATH }, { "NumericLessThanPath", OP_PATH },
    { "NumericGreaterThanPath", OP_PATH }, { "NumericLessThanEqualsPath", OP_PATH },
    { "NumericGreaterThanEqualsPath", OP_PATH },
    { "BooleanEquals", OP_BOOL }, { "BooleanEqualsPath", OP_PATH },
    { "TimestampEquals", OP_TIMESTAMP }, { "TimestampLessThan", OP_TIMESTAMP },
    { "TimestampGreaterThan", OP_TIMESTAMP }, { "TimestampLessThanEquals", OP_TIMESTAMP },
    { "TimestampGreaterThanEquals", OP_TIMESTAMP },
    { "TimestampEqualsPath", OP_PATH }, { "TimestampLessThanPath", OP_PATH },
    { "TimestampGreaterThanPath", OP_PATH }, { "TimestampLessThanEqualsPath", OP_PATH },
    { "TimestampGreaterThanEqualsPath", OP_PATH },
    { "IsNull", OP_TEST }, { "IsPresent", OP_TEST }, { "IsNumeric", OP_TEST },
    { "IsString", OP_TEST }, { "IsBoolean", OP_TEST }, { "IsTimestamp", OP_TEST },
};

static const op_def *op_find(const char *name)
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
    if (!mdl_sfn__template_check(x, where, sizeof where, why, sizeof why)) {
        char full[P_MAX + 512];
        snprintf(full, sizeof full, "%s%s", p, where);
        VFAIL(v, SIM_EFORMAT, full, "state \"%s\": %s%s: %s", sname, field, where, why);
    }
    return SIM_OK;
}

/* A non-negative integer field; `min` is the smallest allowed value. */
static sim_status check_int_field(vctx *v, json_object *obj, const char *sname,
                                  const char *path, const char *field, int64_t min,
                                  bool *present)
{
    json_object *x;
    if (present) *present = false;
    if (!json_object_object_get_ex(obj, field, &x)) return SIM_OK;
    char p[P_MAX];
    join(p, sizeof p, path, field);
    if (!json_object_is_type(x, json_type_int) || json_object_get_int64(x) < min)
        VFAIL(v, SIM_ERANGE, p, "state \"%s\": %s must be an integer >= %lld", sname, field,
              (long long)min);
    if (present) *present = true;
    return SIM_OK;
}

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

static sim_status check_retry(vctx *v, json_object *st, const char *sname, const char *spath)
{
    json_object *arr;
    if (!json_object_object_get_ex(st, "Retry", &arr)) return SIM_OK;
    char p[P_MAX];
    join(p, sizeof p, spath, "Retry");
    if (!json_object_is_type(arr, json_type_array))
        VFAIL(v, SIM_ETYPE, p, "state \"%s\": Retry must be an array", sname);
    static const char *const allowed[] = { "ErrorEquals", "IntervalSeconds", "MaxAttempts",
                                           "BackoffRate", "MaxDelaySeconds", "JitterStrategy",
                                           "Comment", NULL };
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx(arr, i);
        char rp[P_MAX];
        sim_json_path_index(rp, sizeof rp, p, i);
        if (!json_object_is_type(r, json_type_object))
            VFAIL(v, SIM_ETYPE, rp, "state \"%s\": a retrier must be an object", sname);
        json_object_object_foreach(r, k, kv) {
            (void)kv;
            char kp[P_MAX];
            join(kp, sizeof kp, rp, k);
            if (!in_list(allowed, k))
                VFAIL(v, SIM_EUNKNOWN, kp, "state \"%s\": unknown retrier field \"%s\"", sname,
                      k);
        }
        SIM_TRY(check_error_equals(v, r, sname, rp, i == n - 1));
        SIM_TRY(check_int_field(v, r, sname, rp, "IntervalSeconds", 1, NULL));
        SIM_TRY(check_int_field(v, r, sname, rp, "MaxAttempts", 0, NULL));
        SIM_TRY(check_int_field(v, r, sname, rp, "MaxDelaySeconds", 1, NULL));
        json_object *x;
        if (json_object_object_get_ex(r, "BackoffRate", &x)) {
            char kp[P_MAX];
            join(kp, sizeof kp, rp, "BackoffRate");
            if (!(json_object_is_type(x, json_type_int) || json_object_is_type(x, json_type_double)) ||
                !(json_object_get_double(x) >= 1.0))
                VFAIL(v, SIM_ERANGE, kp, "state \"%s\": BackoffRate must be a number >= 1.0",
                      sname);
        }
        if (json_object_object_get_ex(r, "JitterStrategy", &x)) {
            char kp[P_MAX];
            join(kp, sizeof kp, rp, "JitterStrategy");
            const char *s = json_object_is_type(x, json_type_string) ? json_object_get_string(x) : "";
            if (strcmp(s, "FULL") && strcmp(s, "NONE"))
                VFAIL(v, SIM_EFORMAT, kp, "state \"%s\": JitterStrategy must be FULL or NONE",
                      sname);
        }
    }
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
        if (!json_object_is_type(r, json_type_object))
            VFAIL(v, SIM_ETYPE, rp, "state \"%s\": a catcher must be an object", sname);
        json_object_object_foreach(r, k, xx) {
            (void)xx;
            join(kp, sizeof kp, rp, k);
            if (!in_list(allowed, k))
                VFAIL(v, SIM_EUNKNOWN, kp, "state \"%s\": unknown catcher field \"%s\"", sname,
                      k);
        }
        SIM_TRY(check_error_equals(v, r, sname, rp, i == n - 1));
        join(kp, sizeof kp, rp, "Next");
        if (!json_object_object_get_ex(r, "Next", &x))
            VFAIL(v, SIM_EMISSING, kp, "state \"%s\": a catcher needs Next", sname);
        SIM_TRY(check_next(v, states, x, sname, kp));
        SIM_TRY(check_path_field(v, r, sname, rp, "ResultPath", true, true));
    }
    return SIM_OK;
}

static sim_status check_rule(vctx *v, json_object *states, json_object *r, const char *sname,
                             const char *rp, bool top)
{
    char kp[P_MAX];
    if (!json_object_is_type(r, json_type_object))
        VFAIL(v, SIM_ETYPE, rp, "state \"%s\": a choice rule must be an object", sname);
    json_object *x;
    if (top) {
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
        join(kp, sizeof kp, rp, k);
        if (!strcmp(k, "Next") || !strcmp(k, "Comment")) continue;
        if (!strcmp(k, "Variable")) {
            has_var = true;
            char why[256];
            if (!json_object_is_type(val, json_type_string) ||
                !mdl_sfn__path_check(json_object_get_string(val), false, why, sizeof why))
                VFAIL(v, SIM_EFORMAT, kp, "state \"%s\": bad Variable path", sname);
            continue;
        }
        nops++;
        if (!strcmp(k, "And") || !strcmp(k, "Or")) {
            if (!json_object_is_type(val, json_type_array) || json_object_array_length(val) == 0)
                VFAIL(v, SIM_ETYPE, kp, "state \"%s\": %s needs a non-empty array of rules",
                      sname, k);
            for (size_t i = 0; i < json_object_array_length(val); i++) {
                char ip[P_MAX];
                sim_json_path_index(ip, sizeof ip, kp, i);
                SIM_TRY(check_rule(v, states, json_object_array_get_idx(val, i), sname, ip,
                                   false));
            }
            continue;
        }
        if (!strcmp(k, "Not")) {
            SIM_TRY(check_rule(v, states, val, sname, kp, false));
            continue;
        }
        const op_def *op = op_find(k);
        if (!op) VFAIL(v, SIM_EUNKNOWN, kp, "state \"%s\": unknown choice operator \"%s\"", sname, k);
        bool ok = false;
        double ts;
        char why[256];
        switch (op->arg) {
        case OP_STRING: ok = json_object_is_type(val, json_type_string); break;
        case OP_NUMBER:
            ok = json_object_is_type(val, json_type_int) || json_object_is_type(val, json_type_double);
            break;
        case OP_BOOL:
        case OP_TEST: ok = json_object_is_type(val, json_type_boolean); break;
        case OP_TIMESTAMP:
            ok = json_object_is_type(val, json_type_string) &&
                 mdl_sfn__timestamp_parse(json_object_get_string(val), &ts);
            break;
        case OP_PATH:
            ok = json_object_is_type(val, json_type_string) &&
                 mdl_sfn__path_check(json_object_get_string(val), false, why, sizeof why);
            break;
        }
        if (!ok)
            VFAIL(v, SIM_ETYPE, kp, "state \"%s\": bad operand for %s", sname, k);
    }
    if (nops != 1)
        VFAIL(v, SIM_EFORMAT, rp, "state \"%s\": a choice rule needs exactly one operator (found %d)",
              sname, nops);
    bool boolean = json_object_object_get_ex(r, "And", NULL) ||
                   json_object_object_get_ex(r, "Or", NULL) ||
                   json_object_object_get_ex(r, "Not", NULL);
    if (!boolean && !has_var) {
        join(kp, sizeof kp, rp, "Variable");
        VFAIL(v, SIM_EMISSING, kp, "state \"%s\": a comparison needs Variable", sname);
    }
    if (boolean && has_var) {
        join(kp, sizeof kp, rp, "Variable");
        VFAIL(v, SIM_EFORMAT, kp, "state \"%s\": And/Or/Not take no Variable", sname);
    }
    return SIM_OK;
}

static sim_status check_scope(vctx *v, json_object *scope, const char *path, bool top);

static sim_status check_state(vctx *v, json_object *states, const char *sname,
                              json_object *st, const char *spath)
{
    char p[P_MAX];
    if (!json_object_is_type(st, json_type_object))
        VFAIL(v, SIM_ETYPE, spath, "state \"%s\" must be an object", sname);
    json_object *tx;
    join(p, sizeof p, spath, "Type");
    if (!json_object_object_get_ex(st, "Type", &tx))
        VFAIL(v, SIM_EMISSING, p, "state \"%s\": missing Type", sname);
    const char *ts = json_object_is_type(tx, json_type_string) ? json_object_get_string(tx) : "";
    int type = -1;
    for (int i = 0; k_types[i]; i++)
        if (!strcmp(k_types[i], ts)) type = i;
    if (type < 0)
        VFAIL(v, SIM_EUNKNOWN, p, "state \"%s\": unknown state type \"%s\"", sname, ts);
    json_object_object_foreach(st, k, xx) {
        (void)xx;
        if (!strcmp(k, "Type") || !strcmp(k, "Comment")) continue;
        if (!in_list(k_fields[type], k)) {
            join(p, sizeof p, spath, k);
            VFAIL(v, SIM_EUNKNOWN, p, "state \"%s\": field \"%s\" is not allowed in a %s state",
                  sname, k, ts);
        }
    }
    /* Terminal rules: Task/Pass/Wait/Parallel/Map have exactly one of Next
     * and End; Choice, Succeed and Fail have neither (the field check). */
    json_object *x;
    if (type != T_CHOICE && type != T_SUCCEED && type != T_FAIL) {
        bool has_next = json_object_object_get_ex(st, "Next", &x);
        if (has_next) {
            join(p, sizeof p, spath, "Next");
            SIM_TRY(check_next(v, states, x, sname, p));
        }
        json_object *end;
        bool has_end = json_object_object_get_ex(st, "End", &end);
        join(p, sizeof p, spath, "End");
        if (has_end && !(json_object_is_type(end, json_type_boolean) && json_object_get_boolean(end)))
            VFAIL(v, SIM_EFORMAT, p, "state \"%s\": End must be true when present", sname);
        if (has_next == has_end)
            VFAIL(v, SIM_EFORMAT, has_next ? p : spath,
                  "state \"%s\": a %s state needs exactly one of Next and End", sname, ts);
    }
    SIM_TRY(check_path_field(v, st, sname, spath, "InputPath", false, true));
    SIM_TRY(check_path_field(v, st, sname, spath, "OutputPath", false, true));
    SIM_TRY(check_path_field(v, st, sname, spath, "ResultPath", true, true));
    SIM_TRY(check_template_field(v, st, sname, spath, "Parameters"));
    SIM_TRY(check_template_field(v, st, sname, spath, "ResultSelector"));
    SIM_TRY(check_template_field(v, st, sname, spath, "ItemSelector"));
    SIM_TRY(check_retry(v, st, sname, spath));
    SIM_TRY(check_catch(v, states, st, sname, spath));

    switch (type) {
    case T_TASK: {
        join(p, sizeof p, spath, "Resource");
        if (!json_object_object_get_ex(st, "Resource", &x))
            VFAIL(v, SIM_EMISSING, p, "state \"%s\": a Task needs Resource", sname);
        if (!json_object_is_type(x, json_type_string) || !json_object_get_string_len(x))
            VFAIL(v, SIM_ETYPE, p, "state \"%s\": Resource must be a non-empty string", sname);
        SIM_TRY(check_int_field(v, st, sname, spath, "TimeoutSeconds", 1, NULL));
        SIM_TRY(check_int_field(v, st, sname, spath, "HeartbeatSeconds", 1, NULL));
        SIM_TRY(check_path_field(v, st, sname, spath, "TimeoutSecondsPath", true, false));
        SIM_TRY(check_path_field(v, st, sname, spath, "HeartbeatSecondsPath", true, false));
        break;
    }
    case T_WAIT: {
        static const char *const w[] = { "Seconds", "Timestamp", "SecondsPath", "TimestampPath" };
        int n = 0;
        for (int i = 0; i < 4; i++) n += json_object_object_get_ex(st, w[i], NULL);
        if (n != 1)
            VFAIL(v, SIM_EFORMAT, spath,
                  "state \"%s\": a Wait needs exactly one of Seconds, Timestamp, SecondsPath, "
                  "TimestampPath", sname);
        SIM_TRY(check_int_field(v, st, sname, spath, "Seconds", 0, NULL));
        if (json_object_object_get_ex(st, "Timestamp", &x)) {
            double t;
            join(p, sizeof p, spath, "Timestamp");
            if (!json_object_is_type(x, json_type_string) ||
                !mdl_sfn__timestamp_parse(json_object_get_string(x), &t))
                VFAIL(v, SIM_EFORMAT, p, "state \"%s\": Timestamp must be RFC 3339", sname);
        }
        SIM_TRY(check_path_field(v, st, sname, spath, "SecondsPath", true, false));
        SIM_TRY(check_path_field(v, st, sname, spath, "TimestampPath", true, false));
        break;
    }
    case T_CHOICE: {
        join(p, sizeof p, spath, "Choices");
        if (!json_object_object_get_ex(st, "Choices", &x) ||
            !json_object_is_type(x, json_type_array) || json_object_array_length(x) == 0)
            VFAIL(v, SIM_EMISSING, p, "state \"%s\": Choices must be a non-empty array", sname);
        for (size_t i = 0; i < json_object_array_length(x); i++) {
            char rp[P_MAX];
            sim_json_path_index(rp, sizeof rp, p, i);
            SIM_TRY(check_rule(v, states, json_object_array_get_idx(x, i), sname, rp, true));
        }
        if (json_object_object_get_ex(st, "Default", &x)) {
            join(p, sizeof p, spath, "Default");
            SIM_TRY(check_next(v, states, x, sname, p));
        }
        break;
    }
    case T_FAIL: {
        static const char *const s[] = { "Error", "Cause" };
        for (int i = 0; i < 2; i++)
            if (json_object_object_get_ex(st, s[i], &x) && !json_object_is_type(x, json_type_string)) {
                join(p, sizeof p, spath, s[i]);
                VFAIL(v, SIM_ETYPE, p, "state \"%s\": %s must be a string", sname, s[i]);
            }
        SIM_TRY(check_path_field(v, st, sname, spath, "ErrorPath", false, false));
        SIM_TRY(check_path_field(v, st, sname, spath, "CausePath", false, false));
        break;
    }
    case T_PARALLEL: {
        join(p, sizeof p, spath, "Branches");
        if (!json_object_object_get_ex(st, "Branches", &x) ||
            !json_object_is_type(x, json_type_array) || json_object_array_length(x) == 0)
            VFAIL(v, SIM_EMISSING, p, "state \"%s\": Branches must be a non-empty array", sname);
        for (size_t i = 0; i < json_object_array_length(x); i++) {
            char bp[P_MAX];
            sim_json_path_index(bp, sizeof bp, p, i);
            SIM_TRY(check_scope(v, json_object_array_get_idx(x, i), bp, false));
        }
        break;
    }
    case T_MAP: {
        bool has_it = json_object_object_get_ex(st, "Iterator", &x);
        json_object *ip;
        bool has_ip = json_object_object_get_ex(st, "ItemProcessor", &ip);
        if (has_it == has_ip)
            VFAIL(v, SIM_EFORMAT, spath,
                  "state \"%s\": a Map needs exactly one of ItemProcessor and Iterator", sname);
        join(p, sizeof p, spath, has_it ? "Iterator" : "ItemProcessor");
        SIM_TRY(check_scope(v, has_it ? x : ip, p, false));
        if (json_object_object_get_ex(st, "ItemSelector", NULL) &&
            json_object_object_get_ex(st, "Parameters", NULL))
            VFAIL(v, SIM_EFORMAT, spath,
                  "state \"%s\": ItemSelector and Parameters cannot both be given", sname);
        SIM_TRY(check_path_field(v, st, sname, spath, "ItemsPath", true, false));
        SIM_TRY(check_int_field(v, st, sname, spath, "MaxConcurrency", 0, NULL));
        break;
    }
    case T_PASS: case T_SUCCEED: break;
    }
    return SIM_OK;
}

/* Mark every state reachable from `name` (depth-first over Next, Default,
 * Choices[].Next and Catch[].Next). */
static void mark_reachable(json_object *states, const char *name, json_object *seen)
{
    if (json_object_object_get_ex(seen, name, NULL)) return;
    json_object *st;
    if (!json_object_object_get_ex(states, name, &st)) return;
    json_object_object_add(seen, name, json_object_new_boolean(1));
    json_object *x;
    if (json_object_object_get_ex(st, "Next", &x))
        mark_reachable(states, json_object_get_string(x), seen);
    if (json_object_object_get_ex(st, "Default", &x))
        mark_reachable(states, json_object_get_string(x), seen);
    static const char *const lists[] = { "Choices", "Catch" };
    for (int l = 0; l < 2; l++) {
        if (!json_object_object_get_ex(st, lists[l], &x)) continue;
        for (size_t i = 0; i < json_object_array_length(x); i++) {
            json_object *n;
            if (json_object_object_get_ex(json_object_array_get_idx(x, i), "Next", &n))
                mark_reachable(states, json_object_get_string(n), seen);
        }
    }
}

static sim_status check_scope(vctx *v, json_object *scope, const char *path, bool top)
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
    json_object *start, *states;
    join(p, sizeof p, path, "StartAt");
    if (!json_object_object_get_ex(scope, "StartAt", &start))
        VFAIL(v, SIM_EMISSING, p, "%s has no StartAt", what);
    if (!json_object_is_type(start, json_type_string))
        VFAIL(v, SIM_ETYPE, p, "StartAt must be a state name");
    join(p, sizeof p, path, "States");
    if (!json_object_object_get_ex(scope, "States", &states) ||
        !json_object_is_type(states, json_type_object) || json_object_object_length(states) == 0)
        VFAIL(v, SIM_EMISSING, p, "%s needs a non-empty States object", what);
    if (!json_object_object_get_ex(states, json_object_get_string(start), NULL)) {
        join(p, sizeof p, path, "StartAt");
        VFAIL(v, SIM_EUNKNOWN, p, "StartAt names unknown state \"%s\"",
              json_object_get_string(start));
    }
    char sp[P_MAX];
    join(sp, sizeof sp, path, "States");
    json_object_object_foreach(states, name, st) {
        char spath[P_MAX];
        join(spath, sizeof spath, sp, name);
        if (strlen(name) > 80)
            VFAIL(v, SIM_ERANGE, spath, "state name \"%.40s...\" is longer than 80 characters",
                  name);
        SIM_TRY(check_state(v, states, name, st, spath));
    }
    json_object *seen = json_object_new_object();
    mark_reachable(states, json_object_get_string(start), seen);
    json_object_object_foreach(states, name2, st2) {
        (void)st2;
        if (!json_object_object_get_ex(seen, name2, NULL)) {
            json_object_put(seen);
            char spath[P_MAX];
            join(spath, sizeof spath, sp, name2);
            VFAIL(v, SIM_EFORMAT, spath, "state \"%s\" is unreachable from StartAt", name2);
        }
    }
    json_object_put(seen);
    return SIM_OK;
}

static sim_status machine_finish(mdl_sfn_machine *m, sim_error *err)
{
    vctx v = { &m->doc, err };
    SIM_TRY(check_scope(&v, m->doc.root, "", true));
    bool present;
    SIM_TRY(check_int_field(&v, m->doc.root, "(machine)", "", "TimeoutSeconds", 1, &present));
    if (present) {
        json_object *x;
        json_object_object_get_ex(m->doc.root, "TimeoutSeconds", &x);
        m->timeout_s = (double)json_object_get_int64(x);
    }
    return SIM_OK;
}

sim_status mdl_sfn_machine_load(const char *path, mdl_sfn_machine **out, sim_error *err)
{
    *out = NULL;
    mdl_sfn_machine *m = sim_xcalloc(1, sizeof *m);
    sim_status st = sim_json_doc_load(&m->doc, path, err);
    if (st == SIM_OK) st = machine_finish(m, err);
    if (st != SIM_OK) {
        mdl_sfn_machine_destroy(m);
        return st;
    }
    *out = m;
    return SIM_OK;
}

sim_status mdl_sfn_machine_parse(const char *text, const char *label, mdl_sfn_machine **out,
                                 sim_error *err)
{
    *out = NULL;
    mdl_sfn_machine *m = sim_xcalloc(1, sizeof *m);
    sim_status st = sim_json_doc_parse(&m->doc, text, label, err);
    if (st == SIM_OK) st = machine_finish(m, err);
    if (st != SIM_OK) {
        mdl_sfn_machine_destroy(m);
        return st;
    }
    *out = m;
    return SIM_OK;
}

void mdl_sfn_machine_destroy(mdl_sfn_machine *m)
{
    if (!m) return;
    sim_json_doc_fini(&m->doc);
    free(m);
}

static void each_task(json_object *scope,
                      void (*fn)(void *, const char *, const char *), void *ctx)
{
    json_object *states, *x;
    if (!json_object_object_get_ex(scope, "States", &states)) return;
    json_object_object_foreach(states, name, st) {
        json_object *t;
        json_object_object_get_ex(st, "Type", &t);
        const char *ty = json_object_get_string(t);
        if (!strcmp(ty, "Task") && json_object_object_get_ex(st, "Resource", &x))
            fn(ctx, name, json_object_get_string(x));
        if (!strcmp(ty, "Parallel") && json_object_object_get_ex(st, "Branches", &x))
            for (size_t i = 0; i < json_object_array_length(x); i++)
                each_task(json_object_array_get_idx(x, i), fn, ctx);
        if (!strcmp(ty, "Map")) {
            if (json_object_object_get_ex(st, "ItemProcessor", &x) ||
                json_object_object_get_ex(st, "Iterator", &x))
                each_task(x, fn, ctx);
        }
    }
}

void mdl_sfn_machine_each_task(const mdl_sfn_machine *m,
                               void (*fn)(void *ctx, const char *state, const char *resource),
                               void *ctx)
{
    each_task(m->doc.root, fn, ctx);
}
