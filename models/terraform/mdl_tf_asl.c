/* mdl_tf_asl.c - state machine definitions: the plan's (a known ASL
 * string), or a template file from W.json whose ${...} are rendered from
 * the plan; every Lambda Task must name a function of the plan, and the
 * whole must be valid ASL (models/stepfn) (mdl_tf_build.h). */
#include "models/stepfn/mdl_sfn.h"
#include "models/terraform/mdl_tf_build.h"
#include "sim/sim_io.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parallel/Map nesting deeper than this is refused here too (the ASL
 * interpreter's own limit is 100 levels: README "Step Functions", Limits). */
#define TF_ASL_DEPTH 100

static const char *const k_functions[] = { "aws_lambda_function", NULL };



typedef struct tf_asl {
    tf_build *b;
    size_t ri;                 /* the state machine */
    const char *label;         /* where the definition came from (errors) */
    int invoked[64];           /* functions its Tasks invoke */
    int ninvoked;
} tf_asl;

static sim_status asl_fail(tf_asl *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static sim_status asl_fail(tf_asl *a, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mdl_tf_fail(a->b->p, tf_res(a->b, a->ri), "definition", a->b->err, SIM_EUNSUPPORTED, "%s",
                       msg);
}

static sim_status task(tf_asl *a, const char *state, json_object *st)
{
    const char *res = tf_str(tf_key(st, "Resource"));
    if (!res)
        return SIM_OK;                 /* the interpreter reports it */
    if (strncmp(res, "arn:aws:states:::dynamodb:", 26) == 0)
        return SIM_OK;
    if (strncmp(res, "arn:aws:states:::lambda:invoke", 30) == 0)
        return asl_fail(a, "%s: state \"%s\": %s is not simulated yet: name the function's ARN as "
                        "the Task's Resource", a->label, state, res);
    if (strncmp(res, "arn:aws:states:", 15) == 0)
        return asl_fail(a, "%s: state \"%s\": the integration %s is not simulated (Lambda functions "
                        "and DynamoDB are)", a->label, state, res);
    int f[2], n = 0;
    mdl_tf_match(a->b->p, res, k_functions, f, 2, &n);
    if (n != 1)
        return mdl_tf_fail(a->b->p, tf_res(a->b, a->ri), "definition", a->b->err, SIM_EUNKNOWN,
                           "%s: state \"%s\": Resource '%s' names %s function of this "
                           "configuration", a->label, state, res, n ? "more than one" : "no");
    bool seen = false;
    for (int i = 0; i < a->ninvoked; i++)
        seen = seen || a->invoked[i] == f[0];
    if (!seen && a->ninvoked < 64)
        a->invoked[a->ninvoked++] = f[0];
    return SIM_OK;
}

static sim_status walk(tf_asl *a, json_object *states, int depth)
{
    if (!states || !json_object_is_type(states, json_type_object) || depth > TF_ASL_DEPTH)
        return SIM_OK;                 /* the interpreter reports a malformed machine */
    json_object_object_foreach(states, name, st) {
        const char *type = tf_str(tf_key(st, "Type"));
        if (!type)
            continue;
        if (strcmp(type, "Task") == 0)
            SIM_TRY(task(a, name, st));
        json_object *br = tf_key(st, "Branches");
        for (size_t i = 0; br && json_object_is_type(br, json_type_array) &&
                           i < json_object_array_length(br); i++)
            SIM_TRY(walk(a, tf_key(json_object_array_get_idx(br, i), "States"), depth + 1));
        json_object *it = tf_key(st, "ItemProcessor") ? tf_key(st, "ItemProcessor") : tf_key(st, "Iterator");
        SIM_TRY(walk(a, tf_key(it, "States"), depth + 1));
    }
    return SIM_OK;
}

/* Check a definition: its Tasks, then the interpreter's own validation. */
static sim_status check(tf_asl *a, json_object *def)
{
    SIM_TRY(walk(a, tf_key(def, "States"), 0));
    mdl_sfn_machine *m = NULL;
    sim_error e;
    sim_error_clear(&e);
    const char *text = json_object_to_json_string_ext(def, JSON_C_TO_STRING_PLAIN);
    if (mdl_sfn_machine_parse(text, a->label, &m, &e) != SIM_OK)
        return mdl_tf_fail(a->b->p, tf_res(a->b, a->ri), "definition", a->b->err, SIM_EFORMAT,
                           "%s: not a valid state machine: %s%s%s", a->label, e.field,
                           e.field[0] ? ": " : "", e.msg);
    mdl_sfn_machine_destroy(m);
    return SIM_OK;
}

/* "functions A, B" that the plan's references name, for messages. */
static void ref_functions(tf_build *b, size_t ri, int *found, int *n, char *buf, size_t len)
{
    sim_error e;
    sim_error_clear(&e);
    *n = 0;
    if (mdl_tf_refs(b->p, ri, "definition", k_functions, found, 64, n, &e) != SIM_OK)
        *n = 0;
    if (*n > 64)
        *n = 64;
    buf[0] = '\0';
    for (int i = 0; i < *n; i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, len - l, "%s%s", i ? ", " : "", b->cname[found[i]]);
    }
}

sim_status tf_machines(tf_build *b)
{
    const char *t = "aws_sfn_state_machine";
    for (int i = tf_next(b->p, t, 0); i >= 0; i = tf_next(b->p, t, i + 1)) {
        json_object *mo = tf_obj(b, TF_SEC_MACHINES, b->cname[i]), *v = NULL;
        SIM_TRY(tf_apply_rows(b, (size_t)i, MDL_TF_OWNER_STATE_MACHINE, mo));
        mdl_tf_value_state st = mdl_tf_attr(tf_res(b, i), "definition", &v);
        if (st == MDL_TF_ABSENT)
            return mdl_tf_fail(b->p, tf_res(b, i), "definition", b->err, SIM_EMISSING, "a state machine "
                               "needs its definition");
        if (st == MDL_TF_UNKNOWN) {
            int found[64], n = 0;
            char list[1200];
            ref_functions(b, (size_t)i, found, &n, list, sizeof list);
            json_object_object_add(mo, "definition", tf_placeholder("the ASL definition of state "
                "machine %s is unknown until apply (it refers to %s%s): a template file",
                b->cname[i], n ? "functions " : "no function", list));
            continue;
        }
        json_object *def = NULL;
        if (tf_str(v)) SIM_TRY(tf_json_attr(b, tf_res(b, i), "definition", tf_str(v), &def));
        if (!def || !json_object_is_type(def, json_type_object)) {
            json_object_put(def);
            return mdl_tf_fail(b->p, tf_res(b, i), "definition", b->err, SIM_EFORMAT, "not a JSON "
                               "object (an Amazon States Language definition)");
        }
        tf_asl a = { .b = b, .ri = (size_t)i,
                     .label = mdl_tf_kind_of(b->p) == MDL_TF_PLAN ? "the plan's definition"
                                                                  : "the state's definition" };
        sim_status s = check(&a, def);
        if (s != SIM_OK) {
            json_object_put(def);
            return s;
        }
        json_object_object_add(mo, "definition", def);
    }
    return SIM_OK;
}

/* ---- templates (W.json) --------------------------------------------------------- */

/* A reference's value when Terraform does not know it yet: the ARN (or
 * URL, name) AWS will give the resource, from its config name, the region
 * and the account (mdl_tf_build.h). */
static bool planned_value(tf_build *b, int ri, const char *attr, char *buf, size_t n)
{
    const char *type = tf_res(b, (size_t)ri)->type, *nm = b->cname[ri], *rg = mdl_tf_region(b->p);
    const char *ac = b->account;
    if (strcmp(type, "aws_lambda_function") == 0 && strcmp(attr, "arn") == 0)
        snprintf(buf, n, "arn:aws:lambda:%s:%s:function:%s", rg, ac, nm);
    else if (strcmp(type, "aws_lambda_function") == 0 && strcmp(attr, "qualified_arn") == 0)
        snprintf(buf, n, "arn:aws:lambda:%s:%s:function:%s:$LATEST", rg, ac, nm);
    else if (strcmp(type, "aws_lambda_function") == 0 && strcmp(attr, "function_name") == 0)
        snprintf(buf, n, "%s", nm);
    else if (strcmp(type, "aws_dynamodb_table") == 0 && strcmp(attr, "arn") == 0)
        snprintf(buf, n, "arn:aws:dynamodb:%s:%s:table/%s", rg, ac, nm);
    else if (strcmp(type, "aws_sqs_queue") == 0 && strcmp(attr, "arn") == 0)
        snprintf(buf, n, "arn:aws:sqs:%s:%s:%s", rg, ac, nm);
    else if (strcmp(type, "aws_sqs_queue") == 0 && (strcmp(attr, "url") == 0 || strcmp(attr, "id") == 0))
        snprintf(buf, n, "https://sqs.%s.amazonaws.com/%s/%s", rg, ac, nm);
    else if (strcmp(type, "aws_sfn_state_machine") == 0 && strcmp(attr, "arn") == 0)
        snprintf(buf, n, "arn:aws:states:%s:%s:stateMachine:%s", rg, ac, nm);
    else if (strcmp(type, "aws_s3_bucket") == 0 && strcmp(attr, "arn") == 0)
        snprintf(buf, n, "arn:aws:s3:::%s", nm);
    else
        return false;
    return true;
}

typedef struct tf_tmpl {
    tf_build *b;
    size_t ri;
    json_object *vars;
    const char *wpath, *file;
} tf_tmpl;

static sim_status tmpl_fail(tf_tmpl *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An error about the template, at W.json's state_machines.<m>.definition. */
static sim_status tmpl_fail(tf_tmpl *t, const char *fmt, ...)
{
    const sim_json_doc *w = t->b->wdoc;
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_error_set(t->b->err, SIM_EFORMAT, __FILE__, __LINE__, w->input,
                         sim_json_line(w, t->wpath), t->wpath, "%s: %s", t->file, msg);
}

/* The text of ${expr}: a W.json variable, else a Terraform reference
 * ("aws_lambda_function.f.arn") to a resource of the plan. */
static sim_status interpolate(tf_tmpl *t, const char *expr, char *out, size_t n)
{
    const char *v = tf_str(tf_key(t->vars, expr));
    const char *ref = v ? v : expr;
    if (v && strncmp(v, "aws_", 4) != 0) {
        snprintf(out, n, "%s", v);     /* a literal value */
        return SIM_OK;
    }
    const char *dot = strrchr(ref, '.');
    char res[400];
    int found[2], nf = 0;
    if (!dot || strncmp(ref, "aws_", 4) != 0 || (size_t)(dot - ref) >= sizeof res)
        return tmpl_fail(t, "${%s} is neither a variable of W.json's vars nor a reference to a "
                         "resource attribute (aws_<type>.<name>.<attribute>)", expr);
    memcpy(res, ref, (size_t)(dot - ref));
    res[dot - ref] = '\0';
    SIM_TRY(mdl_tf_resolve(t->b->p, t->ri, res, NULL, found, 2, &nf, t->b->err));
    if (nf != 1)
        return tmpl_fail(t, "${%s} names no single resource of the plan", expr);
    json_object *val = NULL;
    if (mdl_tf_attr(tf_res(t->b, (size_t)found[0]), dot + 1, &val) == MDL_TF_KNOWN && tf_str(val))
        snprintf(out, n, "%s", tf_str(val));
    else if (!planned_value(t->b, found[0], dot + 1, out, n))
        return tmpl_fail(t, "${%s} is unknown until apply, and lambdasim cannot tell what "
                         "AWS will make it", expr);
    return SIM_OK;
}

/* Render a Terraform template: ${...} interpolations, $${ escapes; %{...}
 * directives are refused.  Returns a malloc'd text. */
static sim_status render(tf_tmpl *t, const char *text, char **out)
{
    size_t cap = strlen(text) + 1024, len = 0;
    char *s = sim_xmalloc(cap);
    sim_status st = SIM_OK;
    for (const char *p = text; *p && st == SIM_OK;) {
        char piece[1024] = "";
        size_t adv = 1;
        if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
            snprintf(piece, sizeof piece, "${");
            adv = 3;
        } else if (p[0] == '%' && p[1] == '{') {
            st = tmpl_fail(t, "template directives (%%{...}) are not supported");
        } else if (p[0] == '$' && p[1] == '{') {
            const char *e = strchr(p, '}');
            char expr[400];
            size_t k = e ? (size_t)(e - p - 2) : 0;
            if (!e || k >= sizeof expr)
                st = tmpl_fail(t, "an unterminated or too long ${...}");
            else {
                memcpy(expr, p + 2, k);
                expr[k] = '\0';
                st = interpolate(t, expr, piece, sizeof piece);
                adv = k + 3;
            }
        } else {
            piece[0] = *p;
            piece[1] = '\0';
        }
        size_t pl = strlen(piece);
        if (len + pl + 1 > cap)
            s = sim_xrealloc(s, cap = 2 * (len + pl + 1));
        memcpy(s + len, piece, pl);
        len += pl;
        p += adv;
    }
    s[len] = '\0';
    if (st != SIM_OK)
        free(s);
    else
        *out = s;
    return st;
}

/* The template's path: relative to W.json's folder. */
static void template_path(const char *wfile, const char *file, char *buf, size_t n)
{
    const char *slash = strrchr(wfile, '/');
    if (file[0] == '/' || !slash)
        snprintf(buf, n, "%s", file);
    else
        snprintf(buf, n, "%.*s/%s", (int)(slash - wfile), wfile, file);
}

/* Warn when the plan's references and the template disagree on which
 * functions the machine invokes. */
static void compare_functions(tf_build *b, size_t ri, const tf_asl *a)
{
    int found[64], n = 0;
    char list[1200];
    ref_functions(b, ri, found, &n, list, sizeof list);
    for (int i = 0; i < n; i++) {
        bool in = false;
        for (int j = 0; j < a->ninvoked; j++)
            in = in || a->invoked[j] == found[i];
        if (!in)
            tf_warn(b, "%s: its definition refers to function %s, which no Task of %s invokes",
                    tf_res(b, ri)->address, b->cname[found[i]], a->label);
    }
}

sim_status tf_machine_from_file(tf_build *b, size_t ri, const char *file, json_object *vars,
                                const char *wpath, json_object **def, bool *plain)
{
    char path[1024], *text = NULL, *rendered = NULL;
    template_path(b->wdoc->input, file, path, sizeof path);
    sim_error e;
    sim_error_clear(&e);
    *def = NULL;
    if (sim_read_file(path, &text, NULL, &e) != SIM_OK)
        return sim_error_set(b->err, e.code, __FILE__, __LINE__, b->wdoc->input,
                             sim_json_line(b->wdoc, wpath), wpath, "%s: %s", path, e.msg);
    *plain = !strstr(text, "${") && !strstr(text, "%{");
    tf_tmpl t = { .b = b, .ri = ri, .vars = vars, .wpath = wpath, .file = path };
    sim_status s = render(&t, text, &rendered);
    free(text);
    if (s != SIM_OK)
        return s;
    sim_json_doc d;
    s = sim_json_doc_parse(&d, rendered, path, b->err);
    free(rendered);
    if (s != SIM_OK)
        return s;
    tf_asl a = { .b = b, .ri = ri, .label = path };
    s = check(&a, d.root);
    if (s == SIM_OK) {
        *def = json_object_get(d.root);
        if (mdl_tf_attr(tf_res(b, ri), "definition", NULL) == MDL_TF_UNKNOWN)
            compare_functions(b, ri, &a);
    }
    sim_json_doc_fini(&d);
    return s;
}
