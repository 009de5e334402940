/* mdl_sfn_tmpl.c - payload templates and intrinsic functions, compiled once.
 *
 * A payload template (Parameters, ResultSelector, ItemSelector) compiles to
 * a tree whose leaves are constants (any subtree without a "x.$" key is one
 * immortal value, shared by every evaluation), compiled paths and intrinsic
 * calls.  Output keys are resolved at load too: "x.$" becomes "x", and a
 * key written twice keeps its first position with the last value, as
 * json-c's object_add does.
 *
 * Intrinsic calls are parsed by one recursive-descent parser (also the
 * validator: a call that does not parse is a definition error naming the
 * field) into an expression tree of literals, paths and calls; at most
 * SFN_INTR_MAX_NEST calls nest in one field, as in AWS.  Integer literals
 * are parsed as 64-bit integers (a literal outside that range is a
 * definition error) and arithmetic is checked: States.MathAdd that
 * overflows is a States.Runtime error, not a wrapped number.
 */
#include "models/stepfn/mdl_sfn_internal.h"

#include "sim/sim_status.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INTR_MAX_ARGS 32

/* ---- the expression tree ------------------------------------------------------ */

typedef enum { IE_LIT, IE_PATH, IE_CALL } ie_kind;
typedef struct intr_def intr_def;
typedef struct sfn_expr sfn_expr;

struct sfn_expr {
    uint8_t kind;
    sfn_val *lit;         /* IE_LIT (immortal) */
    const char *fmt;      /* IE_LIT string: unescaped with "{}" as '\1' (States.Format) */
    sfn_path path;        /* IE_PATH */
    const intr_def *fn;   /* IE_CALL */
    int n;
    sfn_expr *args;
    const char *text;     /* the whole field, for messages */
};

typedef sfn_val *(*intr_fn)(sfn_val **a, const sfn_expr *call, sfn_env *env,
                            mdl_sfn__fault *f);

struct intr_def {
    const char *name;
    int min_args, max_args; /* max -1: any */
    intr_fn fn;
};

static sfn_alloc heap_of(sfn_env *env)
{
    return (sfn_alloc){ env->heap, NULL };
}

static bool need(sfn_val **a, int i, sv_kind k, const char *fn, mdl_sfn__fault *f)
{
    if (a[i]->kind == k) return true;
    return mdl_sfn__fault_set(f, "States.IntrinsicFailure", "%s: argument %d has the wrong type",
                              fn, i + 1);
}

/* ---- the functions ------------------------------------------------------------------ */

/* Unescape a literal: "\x" -> "x"; with `format`, "{}" becomes '\1'.
 * Writes at most strlen(raw) bytes plus a NUL. */
static size_t unescape(const char *raw, size_t n, bool format, char *o)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (raw[i] == '\\' && i + 1 < n) o[k++] = raw[++i];
        else if (format && raw[i] == '{' && i + 1 < n && raw[i + 1] == '}') { o[k++] = '\1'; i++; }
        else o[k++] = raw[i];
    }
    o[k] = '\0';
    return k;
}

/* One pass of States.Format: measure (out NULL) or write.  Returns the
 * length, or -1 when there are more {} than arguments; *used counts them. */
static long format_pass(const char *fmt, sfn_val **a, int n, char *out, int *used)
{
    size_t len = 0;
    *used = 1;
    for (const char *c = fmt; *c; c++) {
        if (*c != '\1') {
            if (out) out[len] = *c;
            len++;
            continue;
        }
        if (*used >= n) return -1;
        const sfn_val *v = a[(*used)++];
        if (v->kind == SV_STR) {
            size_t pl = strlen(v->u.s);
            if (out) memcpy(out + len, v->u.s, pl);
            len += pl;
        } else {
            /* Measure, then write with room for the writer's NUL. */
            size_t pl = mdl_sfn__v_write(v, NULL, 0);
            if (out) mdl_sfn__v_write(v, out + len, pl + 1);
            len += pl;
        }
    }
    return (long)len;
}

static sfn_val *fn_format(sfn_val **a, const sfn_expr *call, sfn_env *env, mdl_sfn__fault *f)
{
    int n = call->n, used;
    if (!need(a, 0, SV_STR, "States.Format", f)) return NULL;
    const char *fmt = call->args[0].fmt; /* a string literal's, else NULL */
    sfn_val *tmp = NULL;
    if (!fmt) {
        /* A template read from the input is unescaped at run time. */
        char *buf;
        tmp = mdl_sfn__v_str_buf(heap_of(env), a[0]->n, &buf);
        unescape(a[0]->u.s, strlen(a[0]->u.s), true, buf);
        fmt = buf;
    }
    long len = format_pass(fmt, a, n, NULL, &used);
    sfn_val *r = NULL;
    if (len < 0) {
        mdl_sfn__fault_set(f, "States.IntrinsicFailure", "States.Format: more {} than arguments");
    } else if (used != n) {
        mdl_sfn__fault_set(f, "States.IntrinsicFailure", "States.Format: %d arguments for %d {}",
                           n - 1, used - 1);
    } else {
        char *out;
        r = mdl_sfn__v_str_buf(heap_of(env), (size_t)len, &out);
        format_pass(fmt, a, n, out, &used);
        out[len] = '\0';
    }
    mdl_sfn__unref(env->heap, tmp);
    return r;
}

static sfn_val *fn_string_to_json(sfn_val **a, const sfn_expr *call, sfn_env *env,
                                  mdl_sfn__fault *f)
{
    (void)call;
    if (!need(a, 0, SV_STR, "States.StringToJson", f)) return NULL;
    enum json_tokener_error je;
    json_object *j = json_tokener_parse_verbose(a[0]->u.s, &je);
    if (je != json_tokener_success) {
        mdl_sfn__fault_set(f, "States.IntrinsicFailure", "States.StringToJson: not JSON: %s",
                           a[0]->u.s);
        return NULL;
    }
    sfn_val *v = mdl_sfn__v_from_json(heap_of(env), j);
    json_object_put(j);
    SIM_ASSERT(v); /* json-c's tokener nests at most 32 deep */
    return v;
}

static sfn_val *fn_json_to_string(sfn_val **a, const sfn_expr *call, sfn_env *env,
                                  mdl_sfn__fault *f)
{
    (void)call;
    (void)f;
    size_t len = mdl_sfn__v_write(a[0], NULL, 0);
    char *out;
    sfn_val *r = mdl_sfn__v_str_buf(heap_of(env), len, &out);
    mdl_sfn__v_write(a[0], out, len + 1);
    return r;
}

static sfn_val *fn_array(sfn_val **a, const sfn_expr *call, sfn_env *env, mdl_sfn__fault *f)
{
    (void)f;
    sfn_val *arr = mdl_sfn__v_array(heap_of(env), (uint32_t)call->n);
    for (int i = 0; i < call->n; i++) arr->u.items[i] = sfn_ref(a[i]);
    mdl_sfn__v_seal(arr);
    return arr;
}

static sfn_val *fn_array_length(sfn_val **a, const sfn_expr *call, sfn_env *env,
                                mdl_sfn__fault *f)
{
    (void)call;
    if (!need(a, 0, SV_ARR, "States.ArrayLength", f)) return NULL;
    return mdl_sfn__v_int(heap_of(env), (int64_t)a[0]->n);
}

static sfn_val *fn_array_get_item(sfn_val **a, const sfn_expr *call, sfn_env *env,
                                  mdl_sfn__fault *f)
{
    (void)call;
    (void)env;
    if (!need(a, 0, SV_ARR, "States.ArrayGetItem", f) ||
        !need(a, 1, SV_INT, "States.ArrayGetItem", f))
        return NULL;
    int64_t i = a[1]->u.i;
    if (i < 0 || (uint64_t)i >= a[0]->n) {
        mdl_sfn__fault_set(f, "States.IntrinsicFailure",
                           "States.ArrayGetItem: index %" PRId64 " out of range", i);
        return NULL;
    }
    return sfn_ref(a[0]->u.items[i]);
}

static sfn_val *fn_array_contains(sfn_val **a, const sfn_expr *call, sfn_env *env,
                                  mdl_sfn__fault *f)
{
    (void)call;
    (void)env;
    if (!need(a, 0, SV_ARR, "States.ArrayContains", f)) return NULL;
    bool found = false;
    for (uint32_t i = 0; i < a[0]->n && !found; i++) found = mdl_sfn__v_equal(a[0]->u.items[i], a[1]);
    return mdl_sfn__v_bool(found);
}

static sfn_val *fn_math_add(sfn_val **a, const sfn_expr *call, sfn_env *env, mdl_sfn__fault *f)
{
    (void)call;
    if (!need(a, 0, SV_INT, "States.MathAdd", f) || !need(a, 1, SV_INT, "States.MathAdd", f))
        return NULL;
    int64_t sum;
    /* AWS documents no range; a sum outside 64 bits is a runtime error,
     * never a wrapped number (issue 15). */
    if (__builtin_add_overflow(a[0]->u.i, a[1]->u.i, &sum)) {
        mdl_sfn__fault_set(f, "States.Runtime",
                           "States.MathAdd: %" PRId64 " + %" PRId64 " overflows a 64-bit integer",
                           a[0]->u.i, a[1]->u.i);
        return NULL;
    }
    return mdl_sfn__v_int(heap_of(env), sum);
}

/* One pass of States.StringSplit: count (out NULL) or fill. */
static uint32_t split_pass(const char *s, const char *d, sfn_alloc al, sfn_val **out)
{
    size_t i = 0, len = strlen(s);
    uint32_t k = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && !strchr(d, s[j])) j++;
        if (j > i) {
            if (out) out[k] = mdl_sfn__v_str(al, s + i, j - i);
            k++;
        }
        i = j + 1;
    }
    return k;
}

static sfn_val *fn_string_split(sfn_val **a, const sfn_expr *call, sfn_env *env,
                                mdl_sfn__fault *f)
{
    (void)call;
    if (!need(a, 0, SV_STR, "States.StringSplit", f) || !need(a, 1, SV_STR, "States.StringSplit", f))
        return NULL;
    uint32_t n = split_pass(a[0]->u.s, a[1]->u.s, heap_of(env), NULL);
    sfn_val *arr = mdl_sfn__v_array(heap_of(env), n);
    split_pass(a[0]->u.s, a[1]->u.s, heap_of(env), arr->u.items);
    mdl_sfn__v_seal(arr);
    return arr;
}

static const intr_def k_intrinsics[] = {
    { "States.Format", 1, -1, fn_format },
    { "States.StringToJson", 1, 1, fn_string_to_json },
    { "States.JsonToString", 1, 1, fn_json_to_string },
    { "States.Array", 0, -1, fn_array },
    { "States.ArrayLength", 1, 1, fn_array_length },
    { "States.ArrayGetItem", 2, 2, fn_array_get_item },
    { "States.ArrayContains", 2, 2, fn_array_contains },
    { "States.MathAdd", 2, 2, fn_math_add },
    { "States.StringSplit", 2, 2, fn_string_split },
};

/* ---- the parser ----------------------------------------------------------------- */

typedef struct ipar {
    const char *s;
    size_t i;
    int calls; /* intrinsic calls in this field so far */
    sfn_arena *a;
    char *why;
    size_t wn;
} ipar;

static bool ipar_fail(ipar *p, const char *what, const char *detail)
{
    snprintf(p->why, p->wn, "%s%s%s (offset %zu)", what, detail[0] ? ": " : "", detail, p->i);
    return false;
}

static void skip_ws(ipar *p)
{
    while (p->s[p->i] == ' ' || p->s[p->i] == '\t') p->i++;
}

static bool parse_call(ipar *p, sfn_expr *out);

static bool parse_string(ipar *p, sfn_expr *x)
{
    const char *s = p->s;
    size_t i = p->i, j = i + 1;
    while (s[j] && s[j] != '\'') j += (s[j] == '\\' && s[j + 1]) ? 2 : 1;
    if (s[j] != '\'') return ipar_fail(p, "unterminated string literal", "");
    const char *raw = s + i + 1;
    size_t n = j - i - 1;
    char *plain = mdl_sfn__arena_alloc(p->a, n + 1), *fmt = mdl_sfn__arena_alloc(p->a, n + 1);
    size_t pl = unescape(raw, n, false, plain);
    unescape(raw, n, true, fmt);
    x->kind = IE_LIT;
    x->lit = mdl_sfn__v_str((sfn_alloc){ NULL, p->a }, plain, pl);
    x->fmt = fmt;
    p->i = j + 1;
    return true;
}

static bool parse_path(ipar *p, sfn_expr *x)
{
    /* A path runs to the next ',' or ')' outside brackets and quotes. */
    const char *s = p->s;
    size_t i = p->i, j = i;
    int depth = 0;
    char q = 0;
    while (s[j]) {
        if (q) { if (s[j] == q) q = 0; }
        else if (s[j] == '\'' || s[j] == '"') q = s[j];
        else if (s[j] == '[') depth++;
        else if (s[j] == ']') depth--;
        else if (depth == 0 && (s[j] == ',' || s[j] == ')')) break;
        j++;
    }
    size_t e = j;
    while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
    const char *text = mdl_sfn__arena_strndup(p->a, s + i, e - i);
    char why[200];
    if (!mdl_sfn__path_compile(text, false, p->a, &x->path, why, sizeof why))
        return ipar_fail(p, "bad path argument", why);
    x->kind = IE_PATH;
    p->i = j;
    return true;
}

/* A JSON-style number: integers as 64-bit integers, the rest as doubles. */
static bool parse_number(ipar *p, sfn_expr *x)
{
    const char *s = p->s + p->i;
    size_t k = s[0] == '-';
    size_t d0 = k;
    while (isdigit((unsigned char)s[k])) k++;
    if (k == d0) return ipar_fail(p, "bad number", "");
    bool is_int = true;
    if (s[k] == '.' && isdigit((unsigned char)s[k + 1])) {
        is_int = false;
        for (k++; isdigit((unsigned char)s[k]); k++) {}
    }
    if (s[k] == 'e' || s[k] == 'E') {
        size_t e = k + 1 + (s[k + 1] == '+' || s[k + 1] == '-');
        if (isdigit((unsigned char)s[e])) {
            is_int = false;
            for (k = e; isdigit((unsigned char)s[k]); k++) {}
        }
    }
    char *text = mdl_sfn__arena_strndup(p->a, s, k);
    sfn_alloc al = { NULL, p->a };
    x->kind = IE_LIT;
    if (is_int) {
        errno = 0;
        long long v = strtoll(text, NULL, 10);
        if (errno == ERANGE) return ipar_fail(p, "integer literal out of the 64-bit range", text);
        x->lit = mdl_sfn__v_int(al, v);
    } else {
        x->lit = mdl_sfn__v_double(al, strtod(text, NULL));
    }
    p->i += k;
    return true;
}

static bool parse_arg(ipar *p, sfn_expr *x)
{
    skip_ws(p);
    const char *s = p->s + p->i;
    memset(x, 0, sizeof *x);
    x->text = p->s;
    if (s[0] == '\'') return parse_string(p, x);
    if (s[0] == '$') return parse_path(p, x);
    if (strncmp(s, "States.", 7) == 0) return parse_call(p, x);
    x->kind = IE_LIT;
    if (strncmp(s, "true", 4) == 0 || strncmp(s, "false", 5) == 0) {
        x->lit = mdl_sfn__v_bool(s[0] == 't');
        p->i += s[0] == 't' ? 4 : 5;
        return true;
    }
    if (strncmp(s, "null", 4) == 0) {
        x->lit = mdl_sfn__v_null();
        p->i += 4;
        return true;
    }
    if (s[0] == '-' || isdigit((unsigned char)s[0])) return parse_number(p, x);
    return ipar_fail(p, "unexpected argument", "");
}

static const intr_def *find_fn(const char *s, size_t n)
{
    for (size_t k = 0; k < sizeof k_intrinsics / sizeof k_intrinsics[0]; k++)
        if (strlen(k_intrinsics[k].name) == n && strncmp(k_intrinsics[k].name, s, n) == 0)
            return &k_intrinsics[k];
    return NULL;
}

static bool parse_args(ipar *p, sfn_expr *args, int *n)
{
    *n = 0;
    skip_ws(p);
    if (p->s[p->i] == ')') {
        p->i++;
        return true;
    }
    for (;;) {
        if (*n == INTR_MAX_ARGS) return ipar_fail(p, "too many arguments", "");
        if (!parse_arg(p, &args[*n])) return false;
        (*n)++;
        skip_ws(p);
        if (p->s[p->i] == ',') { p->i++; continue; }
        if (p->s[p->i] == ')') { p->i++; return true; }
        return ipar_fail(p, "expected ',' or ')'", "");
    }
}

static bool parse_call(ipar *p, sfn_expr *out)
{
    skip_ws(p);
    const char *s = p->s;
    size_t i = p->i, j = i;
    while (isalnum((unsigned char)s[j]) || s[j] == '.') j++;
    const intr_def *def = find_fn(s + i, j - i);
    if (!def) {
        char name[96];
        snprintf(name, sizeof name, "%.*s", (int)(j - i), s + i);
        return ipar_fail(p, "unknown intrinsic function", name);
    }
    /* AWS: "up to 10 intrinsic functions within a field", counting every
     * call (its example of nine nests them five deep). */
    if (++p->calls > SFN_INTR_MAX_NEST)
        return ipar_fail(p, "more than 10 intrinsic functions in one field", "");
    p->i = j;
    skip_ws(p);
    if (s[p->i] != '(') return ipar_fail(p, "expected '('", "");
    p->i++;
    sfn_expr args[INTR_MAX_ARGS];
    int n;
    if (!parse_args(p, args, &n)) return false;
    if (n < def->min_args || (def->max_args >= 0 && n > def->max_args))
        return ipar_fail(p, "wrong number of arguments to", def->name);
    memset(out, 0, sizeof *out);
    out->kind = IE_CALL;
    out->fn = def;
    out->n = n;
    out->text = p->s;
    out->args = mdl_sfn__arena_alloc(p->a, (size_t)(n ? n : 1) * sizeof *out->args);
    memcpy(out->args, args, (size_t)n * sizeof *args);
    return true;
}

/* Parse a whole call into the arena. */
static const sfn_expr *intr_compile(const char *s, sfn_arena *a, char *why, size_t wn)
{
    ipar p = { s, 0, 0, a, why, wn };
    sfn_expr *x = mdl_sfn__arena_alloc(a, sizeof *x);
    if (!parse_call(&p, x)) return NULL;
    skip_ws(&p);
    if (s[p.i]) {
        ipar_fail(&p, "trailing text after the call", "");
        return NULL;
    }
    return x;
}

/* ---- evaluation ------------------------------------------------------------------- */

static sfn_val *intr_eval(const sfn_expr *x, sfn_val *input, sfn_env *env, mdl_sfn__fault *f)
{
    switch (x->kind) {
    case IE_LIT: return sfn_ref(x->lit);
    case IE_PATH: return mdl_sfn__path_get(&x->path, input, env, f);
    default: break;
    }
    sfn_val *a[INTR_MAX_ARGS];
    int n = 0;
    sfn_val *r = NULL;
    for (; n < x->n; n++)
        if (!(a[n] = intr_eval(&x->args[n], input, env, f))) goto out;
    if (x->fn == &k_intrinsics[0] && n > 0 && !x->args[0].fmt && a[0]->kind != SV_STR) {
        /* The parser's own rule, checked once the first argument is known. */
        mdl_sfn__fault_set(f, "States.IntrinsicFailure", "bad intrinsic call '%s'", x->text);
        goto out;
    }
    r = x->fn->fn(a, x, env, f);
out:
    for (int k = 0; k < n; k++) mdl_sfn__unref(env->heap, a[k]);
    return r;
}

/* ---- templates ---------------------------------------------------------------------- */

typedef enum { TN_CONST, TN_PATH, TN_INTR, TN_OBJ, TN_ARR } tn_kind;

typedef struct tmem {
    sfn_val *key;  /* output key (immortal) */
    uint32_t slot; /* its position in the output */
    const sfn_tmpl *val;
} tmem;

struct sfn_tmpl {
    uint8_t kind;
    sfn_val *c;            /* TN_CONST */
    sfn_path path;         /* TN_PATH */
    const sfn_expr *intr;  /* TN_INTR */
    uint32_t n, nslots;
    tmem *mem;             /* TN_OBJ */
    const sfn_tmpl **items; /* TN_ARR */
};

typedef struct tctx {
    sfn_arena *a;
    char *where;
    size_t wn;
    char *why;
    size_t n;
} tctx;

static const sfn_tmpl *tmpl_node(tctx *c, json_object *t, size_t wlen, int depth);

/* Append ".key" or "[i]" to the where-path; the new length (clamped). */
static size_t where_add(tctx *c, size_t wlen, const char *key, size_t idx)
{
    int k = key ? snprintf(c->where + wlen, c->wn - wlen, ".%s", key)
                : snprintf(c->where + wlen, c->wn - wlen, "[%zu]", idx);
    return wlen + (size_t)k < c->wn ? wlen + (size_t)k : c->wn - 1;
}

static const sfn_tmpl *tmpl_const(tctx *c, json_object *t)
{
    sfn_tmpl *x = mdl_sfn__arena_alloc(c->a, sizeof *x);
    x->kind = TN_CONST;
    x->c = mdl_sfn__v_from_json((sfn_alloc){ NULL, c->a }, t);
    return x->c ? x : NULL;
}

static const sfn_tmpl *tmpl_array(tctx *c, json_object *t, size_t wlen, int depth)
{
    size_t n = json_object_array_length(t);
    sfn_tmpl *x = mdl_sfn__arena_alloc(c->a, sizeof *x);
    x->kind = TN_ARR;
    x->n = (uint32_t)n;
    x->items = mdl_sfn__arena_alloc(c->a, (n ? n : 1) * sizeof *x->items);
    bool all_const = true;
    for (size_t i = 0; i < n; i++) {
        size_t nl = where_add(c, wlen, NULL, i);
        if (!(x->items[i] = tmpl_node(c, json_object_array_get_idx(t, i), nl, depth + 1)))
            return NULL;
        all_const &= x->items[i]->kind == TN_CONST;
    }
    c->where[wlen] = '\0';
    return all_const ? tmpl_const(c, t) : x;
}

/* A "x.$" member: a path or an intrinsic call. */
static const sfn_tmpl *tmpl_dynamic(tctx *c, json_object *v)
{
    if (!json_object_is_type(v, json_type_string)) {
        snprintf(c->why, c->n, "a \".$\" key needs a path or intrinsic string");
        return NULL;
    }
    const char *s = json_object_get_string(v);
    sfn_tmpl *x = mdl_sfn__arena_alloc(c->a, sizeof *x);
    if (strncmp(s, "States.", 7) == 0) {
        x->kind = TN_INTR;
        x->intr = intr_compile(s, c->a, c->why, c->n);
        return x->intr ? x : NULL;
    }
    x->kind = TN_PATH;
    return mdl_sfn__path_compile(s, false, c->a, &x->path, c->why, c->n) ? x : NULL;
}

static const sfn_tmpl *tmpl_object(tctx *c, json_object *t, size_t wlen, int depth)
{
    sfn_tmpl *x = mdl_sfn__arena_alloc(c->a, sizeof *x);
    x->kind = TN_OBJ;
    x->mem = mdl_sfn__arena_alloc(c->a, (json_object_object_length(t) + 1) * sizeof *x->mem);
    bool all_const = true;
    json_object_object_foreach(t, key, v) {
        size_t nl = where_add(c, wlen, key, 0), kl = strlen(key);
        bool dyn = kl > 2 && strcmp(key + kl - 2, ".$") == 0;
        tmem *m = &x->mem[x->n];
        m->val = dyn ? tmpl_dynamic(c, v) : tmpl_node(c, v, nl, depth + 1);
        if (!m->val) return NULL;
        all_const &= m->val->kind == TN_CONST;
        size_t ol = dyn ? kl - 2 : kl;
        m->slot = x->nslots;
        for (uint32_t i = 0; i < x->n; i++)
            if (x->mem[i].key->n == ol && memcmp(x->mem[i].key->u.s, key, ol) == 0)
                m->slot = x->mem[i].slot; /* written twice: first place, last value */
        m->key = mdl_sfn__v_str((sfn_alloc){ NULL, c->a }, key, ol);
        if (m->slot == x->nslots) x->nslots++;
        x->n++;
        c->where[wlen] = '\0';
    }
    return all_const ? tmpl_const(c, t) : x;
}

static const sfn_tmpl *tmpl_node(tctx *c, json_object *t, size_t wlen, int depth)
{
    if (depth > SFN_MAX_DEPTH) {
        snprintf(c->why, c->n, "nested deeper than %d levels", SFN_MAX_DEPTH);
        return NULL;
    }
    if (json_object_is_type(t, json_type_array)) return tmpl_array(c, t, wlen, depth);
    if (json_object_is_type(t, json_type_object)) return tmpl_object(c, t, wlen, depth);
    return tmpl_const(c, t);
}

const sfn_tmpl *mdl_sfn__tmpl_compile(json_object *tmpl, sfn_arena *a, char *where, size_t wn,
                                      char *why, size_t n)
{
    tctx c = { a, where, wn, why, n };
    where[0] = '\0';
    return tmpl_node(&c, tmpl, 0, 1);
}

bool mdl_sfn__tmpl_check(json_object *tmpl, char *where, size_t wn, char *why, size_t n)
{
    sfn_arena scratch = { 0 };
    bool ok = mdl_sfn__tmpl_compile(tmpl, &scratch, where, wn, why, n) != NULL;
    mdl_sfn__arena_fini(&scratch);
    return ok;
}

static sfn_val *tmpl_eval_object(const sfn_tmpl *t, sfn_val *input, sfn_env *env,
                                 mdl_sfn__fault *f)
{
    sfn_val *o = mdl_sfn__v_object(heap_of(env), t->nslots);
    for (uint32_t i = 0; i < t->nslots; i++) o->u.mem[i].key = o->u.mem[i].val = NULL;
    for (uint32_t i = 0; i < t->n; i++) {
        const tmem *m = &t->mem[i];
        sfn_val *v = mdl_sfn__tmpl_eval(m->val, input, env, f);
        if (!v) {
            for (uint32_t k = 0; k < t->nslots; k++) mdl_sfn__unref(env->heap, o->u.mem[k].val);
            o->n = 0;
            mdl_sfn__unref(env->heap, o);
            return NULL;
        }
        sfn_mem *slot = &o->u.mem[m->slot];
        mdl_sfn__unref(env->heap, slot->val);
        if (!slot->key) slot->key = m->key;
        slot->val = v;
    }
    mdl_sfn__v_seal(o);
    return o;
}

sfn_val *mdl_sfn__tmpl_eval(const sfn_tmpl *t, sfn_val *input, sfn_env *env, mdl_sfn__fault *f)
{
    switch (t->kind) {
    case TN_CONST: return sfn_ref(t->c);
    case TN_PATH: return mdl_sfn__path_get(&t->path, input, env, f);
    case TN_INTR: return intr_eval(t->intr, input, env, f);
    case TN_OBJ: return tmpl_eval_object(t, input, env, f);
    default: break;
    }
    sfn_val *a = mdl_sfn__v_array(heap_of(env), t->n);
    for (uint32_t i = 0; i < t->n; i++) {
        if (!(a->u.items[i] = mdl_sfn__tmpl_eval(t->items[i], input, env, f))) {
            a->n = i;
            mdl_sfn__unref(env->heap, a);
            return NULL;
        }
    }
    mdl_sfn__v_seal(a);
    return a;
}
