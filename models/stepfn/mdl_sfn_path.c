/* mdl_sfn_path.c - ASL's JSONPath subset, payload templates, intrinsics.
 *
 * Paths are parsed on every use from the definition's strings: they are
 * short and a state machine evaluates a handful per state, so a compiled
 * form would cost more code than time.  Supported: "$", "$$" (the context
 * object), ".name", "['name']", "[n]" and the wildcards ".*"/"[*]" (which
 * make the result an array of the matches, as JSONPath does).  Filters and
 * recursive descent are rejected at validation with a message, not
 * silently misread.
 *
 * Intrinsic functions are parsed by one recursive-descent parser used in
 * two modes: check (at load, no data) and evaluate (at run time).
 */
#include "models/stepfn/mdl_sfn_internal.h"

#include "sim/sim_json.h"
#include "sim/sim_status.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_TOKS 32
#define PATH_KEYS 1024
#define KEY_MAX 256
#define INTR_MAX_ARGS 32

bool mdl_sfn__fault_set(mdl_sfn__fault *f, const char *error, const char *fmt, ...)
{
    snprintf(f->error, sizeof f->error, "%s", error);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->cause, sizeof f->cause, fmt, ap);
    va_end(ap);
    return false;
}

/* ---- JSON helpers ------------------------------------------------------- */

json_object *mdl_sfn__copy(json_object *v)
{
    if (!v) return NULL;
    switch (json_object_get_type(v)) {
    case json_type_object: {
        json_object *o = json_object_new_object();
        json_object_object_foreach(v, k, c) json_object_object_add(o, k, mdl_sfn__copy(c));
        return o;
    }
    case json_type_array: {
        size_t n = json_object_array_length(v);
        json_object *a = json_object_new_array_ext((int)n);
        for (size_t i = 0; i < n; i++)
            json_object_array_add(a, mdl_sfn__copy(json_object_array_get_idx(v, i)));
        return a;
    }
    default:
        /* Scalars are never mutated in place: sharing them is a copy. */
        return json_object_get(v);
    }
}

static bool is_number(json_object *v)
{
    json_type t = json_object_get_type(v);
    return v && (t == json_type_int || t == json_type_double);
}

bool mdl_sfn__equal(json_object *a, json_object *b)
{
    if (!a || !b) return a == b;
    if (is_number(a) && is_number(b))
        return json_object_get_double(a) == json_object_get_double(b);
    json_type t = json_object_get_type(a);
    if (t != json_object_get_type(b)) return false;
    switch (t) {
    case json_type_boolean: return json_object_get_boolean(a) == json_object_get_boolean(b);
    case json_type_string: return strcmp(json_object_get_string(a), json_object_get_string(b)) == 0;
    case json_type_array: {
        size_t n = json_object_array_length(a);
        if (n != json_object_array_length(b)) return false;
        for (size_t i = 0; i < n; i++)
            if (!mdl_sfn__equal(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i)))
                return false;
        return true;
    }
    case json_type_object: {
        if (json_object_object_length(a) != json_object_object_length(b)) return false;
        json_object_object_foreach(a, k, va) {
            json_object *vb;
            if (!json_object_object_get_ex(b, k, &vb) || !mdl_sfn__equal(va, vb)) return false;
        }
        return true;
    }
    default: return true;
    }
}

/* Compact JSON text as JSON.stringify writes it (no spaces, no "\/"). */
static const char *compact(json_object *v)
{
    return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
                                                 JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* ---- paths --------------------------------------------------------------- */

typedef enum { TK_KEY, TK_INDEX, TK_WILD } tok_kind;

typedef struct ptok {
    tok_kind kind;
    const char *key; /* NUL-terminated, inside the owning ppath's keys[] */
    long index;
} ptok;

/* A parsed path lives on the caller's stack (about 2 KB): evaluating a
 * path allocates nothing. */
typedef struct ppath {
    bool ctx;       /* "$$": the context object */
    bool wild;      /* has a wildcard: the result is an array */
    int n;
    ptok t[PATH_MAX_TOKS];
    char keys[PATH_KEYS];
    size_t kused;
} ppath;

/* Copy a key into p->keys; false when the path is too long. */
static bool key_store(ppath *p, ptok *t, const char *s, size_t len)
{
    if (p->kused + len + 1 > sizeof p->keys) return false;
    memcpy(p->keys + p->kused, s, len);
    p->keys[p->kused + len] = '\0';
    t->key = p->keys + p->kused;
    p->kused += len + 1;
    return true;
}

static bool path_parse(const char *s, ppath *p, char *why, size_t wn)
{
    p->n = 0;
    p->wild = false;
    p->ctx = false;
    p->kused = 0;
    if (!s || s[0] != '$') {
        snprintf(why, wn, "a path must start with '$'");
        return false;
    }
    size_t i = 1;
    if (s[1] == '$') { p->ctx = true; i = 2; }
    while (s[i]) {
        if (p->n >= PATH_MAX_TOKS) {
            snprintf(why, wn, "path too deep");
            return false;
        }
        ptok *t = &p->t[p->n];
        if (s[i] == '.') {
            i++;
            if (s[i] == '.') {
                snprintf(why, wn, "recursive descent '..' is not supported");
                return false;
            }
            size_t j = i;
            while (s[j] && s[j] != '.' && s[j] != '[') j++;
            if (j == i) {
                snprintf(why, wn, "empty name after '.'");
                return false;
            }
            if (j - i >= KEY_MAX) {
                snprintf(why, wn, "name too long");
                return false;
            }
            if (j - i == 1 && s[i] == '*') {
                t->kind = TK_WILD;
                p->wild = true;
            } else {
                for (size_t k = i; k < j; k++)
                    if (s[k] == ' ' || s[k] == ']' || s[k] == '\'' || s[k] == '"') {
                        snprintf(why, wn, "unexpected '%c' in a name", s[k]);
                        return false;
                    }
                t->kind = TK_KEY;
                if (!key_store(p, t, s + i, j - i)) {
                    snprintf(why, wn, "path too long");
                    return false;
                }
            }
            i = j;
        } else if (s[i] == '[') {
            i++;
            if (s[i] == '*' && s[i + 1] == ']') {
                t->kind = TK_WILD;
                p->wild = true;
                i += 2;
            } else if (isdigit((unsigned char)s[i])) {
                char *end;
                long v = strtol(s + i, &end, 10);
                if (*end != ']') {
                    snprintf(why, wn, "slices and expressions in [] are not supported");
                    return false;
                }
                t->kind = TK_INDEX;
                t->index = v;
                i = (size_t)(end - s) + 1;
            } else if (s[i] == '\'' || s[i] == '"') {
                char q = s[i++];
                size_t j = i;
                while (s[j] && s[j] != q) j++;
                if (s[j] != q || s[j + 1] != ']') {
                    snprintf(why, wn, "unterminated ['name']");
                    return false;
                }
                if (j - i >= KEY_MAX) {
                    snprintf(why, wn, "name too long");
                    return false;
                }
                t->kind = TK_KEY;
                if (!key_store(p, t, s + i, j - i)) {
                    snprintf(why, wn, "path too long");
                    return false;
                }
                i = j + 2;
            } else {
                snprintf(why, wn, "filters, negative indexes and slices are not supported");
                return false;
            }
        } else {
            snprintf(why, wn, "unexpected '%c' at offset %zu", s[i], i);
            return false;
        }
        p->n++;
    }
    return true;
}

bool mdl_sfn__path_check(const char *path, bool reference, char *why, size_t n)
{
    ppath pp, *p = &pp;
    bool ok = path_parse(path, p, why, n);
    if (ok && reference && p->wild) {
        snprintf(why, n, "a reference path cannot contain wildcards");
        ok = false;
    }
    return ok;
}

/* Collect every match of tokens [i, n) under cur into acc (wildcard mode). */
static void path_collect(json_object *cur, const ppath *p, int i, json_object *acc)
{
    if (i == p->n) {
        json_object_array_add(acc, json_object_get(cur));
        return;
    }
    const ptok *t = &p->t[i];
    json_type ty = json_object_get_type(cur);
    if (t->kind == TK_KEY) {
        json_object *c;
        if (ty == json_type_object && json_object_object_get_ex(cur, t->key, &c))
            path_collect(c, p, i + 1, acc);
    } else if (t->kind == TK_INDEX) {
        if (ty == json_type_array && (size_t)t->index < json_object_array_length(cur))
            path_collect(json_object_array_get_idx(cur, (size_t)t->index), p, i + 1, acc);
    } else if (ty == json_type_object) {
        json_object_object_foreach(cur, k, c) {
            (void)k;
            path_collect(c, p, i + 1, acc);
        }
    } else if (ty == json_type_array) {
        size_t n = json_object_array_length(cur);
        for (size_t k = 0; k < n; k++)
            path_collect(json_object_array_get_idx(cur, k), p, i + 1, acc);
    }
}

/* Single-node walk; *found false when a step is missing. */
static json_object *path_walk(json_object *cur, const ppath *p, bool *found)
{
    *found = true;
    for (int i = 0; i < p->n; i++) {
        const ptok *t = &p->t[i];
        json_object *c = NULL;
        if (t->kind == TK_KEY) {
            if (!json_object_is_type(cur, json_type_object) ||
                !json_object_object_get_ex(cur, t->key, &c)) {
                *found = false;
                return NULL;
            }
        } else {
            if (!json_object_is_type(cur, json_type_array) ||
                (size_t)t->index >= json_object_array_length(cur)) {
                *found = false;
                return NULL;
            }
            c = json_object_array_get_idx(cur, (size_t)t->index);
        }
        cur = c;
    }
    return cur;
}

bool mdl_sfn__path_get(const char *path, json_object *input, json_object *ctx,
                       json_object **out, mdl_sfn__fault *f)
{
    ppath pp, *p = &pp;
    char why[256];
    bool ok = path_parse(path, p, why, sizeof why);
    if (!ok) {
        return mdl_sfn__fault_set(f, "States.Runtime", "invalid path '%s': %s", path, why);
    }
    json_object *root = p->ctx ? ctx : input;
    if (p->ctx && !ctx)
        return mdl_sfn__fault_set(f, "States.Runtime", "'%s': no context object here", path);
    if (p->wild) {
        json_object *acc = json_object_new_array();
        path_collect(root, p, 0, acc);
        *out = acc;
    } else {
        bool found;
        json_object *v = path_walk(root, p, &found);
        if (!found) {
            return mdl_sfn__fault_set(f, "States.Runtime",
                                      "The JSONPath '%s' could not be found in the input '%s'",
                                      path, compact(root));
        }
        *out = json_object_get(v);
    }
    return true;
}

bool mdl_sfn__path_exists(const char *path, json_object *input, json_object *ctx)
{
    ppath pp, *p = &pp;
    char why[256];
    bool found = false;
    if (path_parse(path, p, why, sizeof why)) {
        json_object *root = p->ctx ? ctx : input;
        if (p->wild) {
            json_object *acc = json_object_new_array();
            path_collect(root, p, 0, acc);
            found = json_object_array_length(acc) > 0;
            json_object_put(acc);
        } else {
            path_walk(root, p, &found);
        }
    }
    return found;
}

bool mdl_sfn__path_put(const char *path, json_object *input, json_object *value,
                       json_object **out, mdl_sfn__fault *f)
{
    ppath pp, *p = &pp;
    char why[256];
    if (!path_parse(path, p, why, sizeof why) || p->wild || p->ctx) {
        return mdl_sfn__fault_set(f, "States.ResultPathMatchFailure",
                                  "invalid ResultPath '%s'", path);
    }
    if (p->n == 0) {
        *out = json_object_get(value);
        return true;
    }
    json_object *root = mdl_sfn__copy(input);
    json_object *cur = root;
    for (int i = 0; i < p->n; i++) {
        const ptok *t = &p->t[i];
        bool last = i == p->n - 1;
        if (t->kind == TK_KEY) {
            if (!json_object_is_type(cur, json_type_object)) goto mismatch;
            if (last) {
                json_object_object_add(cur, t->key, json_object_get(value));
            } else {
                json_object *c;
                if (!json_object_object_get_ex(cur, t->key, &c) ||
                    !(json_object_is_type(c, json_type_object) ||
                      json_object_is_type(c, json_type_array))) {
                    /* Missing or scalar: ASL creates (or replaces by) an object. */
                    c = json_object_new_object();
                    json_object_object_add(cur, t->key, c);
                }
                cur = c;
            }
        } else {
            if (!json_object_is_type(cur, json_type_array) ||
                (size_t)t->index >= json_object_array_length(cur))
                goto mismatch;
            if (last) {
                json_object_array_put_idx(cur, (size_t)t->index, json_object_get(value));
            } else {
                cur = json_object_array_get_idx(cur, (size_t)t->index);
            }
        }
    }
    *out = root;
    return true;
mismatch:
    json_object_put(root);
    return mdl_sfn__fault_set(f, "States.ResultPathMatchFailure",
                              "Unable to apply ResultPath '%s' to input '%s'", path,
                              compact(input));
}

/* ---- intrinsic functions ------------------------------------------------- */

typedef struct iarg {
    json_object *v;  /* evaluated value (NULL in check mode) */
    char *raw;       /* a string literal's raw text (escapes kept), else NULL */
} iarg;

typedef bool (*intr_fn)(iarg *a, int n, json_object **out, mdl_sfn__fault *f);

typedef struct intr_def {
    const char *name;
    int min_args, max_args; /* max -1: any */
    intr_fn fn;
} intr_def;

/* Unescape a literal: "\x" -> "x".  In format mode "{}" marks (char)1. */
static char *unescape(const char *raw, bool format)
{
    size_t n = strlen(raw);
    char *o = sim_xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (raw[i] == '\\' && i + 1 < n) o[k++] = raw[++i];
        else if (format && raw[i] == '{' && raw[i + 1] == '}') { o[k++] = '\1'; i++; }
        else o[k++] = raw[i];
    }
    o[k] = '\0';
    return o;
}

static bool need_type(iarg *a, int i, json_type t, const char *fn, mdl_sfn__fault *f)
{
    bool ok = json_object_is_type(a[i].v, t) ||
              (t == json_type_double && json_object_is_type(a[i].v, json_type_int));
    if (!ok)
        return mdl_sfn__fault_set(f, "States.IntrinsicFailure",
                                  "%s: argument %d has the wrong type", fn, i + 1);
    return true;
}

static bool fn_format(iarg *a, int n, json_object **out, mdl_sfn__fault *f)
{
    if (!need_type(a, 0, json_type_string, "States.Format", f)) return false;
    char *fmt = a[0].raw ? unescape(a[0].raw, true) : NULL;
    if (!fmt) {
        const char *s = json_object_get_string(a[0].v);
        fmt = unescape(s, true);
    }
    size_t cap = strlen(fmt) + 64, len = 0;
    char *buf = sim_xmalloc(cap);
    int used = 1;
    for (const char *c = fmt; *c; c++) {
        const char *piece;
        char one[2] = { *c, 0 };
        if (*c == '\1') {
            if (used >= n) {
                free(fmt);
                free(buf);
                return mdl_sfn__fault_set(f, "States.IntrinsicFailure",
                                          "States.Format: more {} than arguments");
            }
            json_object *v = a[used++].v;
            piece = json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                             : compact(v);
        } else {
            piece = one;
        }
        size_t pl = strlen(piece);
        if (len + pl + 1 > cap) {
            cap = (len + pl + 1) * 2;
            buf = sim_xrealloc(buf, cap);
        }
        memcpy(buf + len, piece, pl);
        len += pl;
    }
    buf[len] = '\0';
    free(fmt);
    if (used != n) {
        free(buf);
        return mdl_sfn__fault_set(f, "States.IntrinsicFailure",
                                  "States.Format: %d arguments for %d {}", n - 1, used - 1);
    }
    *out = json_object_new_string(buf);
    free(buf);
    return true;
}

static bool fn_string_to_json(iarg *a, int n, json_object **out, mdl_sfn__fault *f)
{
    (void)n;
    if (!need_type(a, 0, json_type_string, "States.StringToJson", f)) return false;
    enum json_tokener_error je;
    const char *s = json_object_get_string(a[0].v);
    json_object *v = json_tokener_parse_verbose(s, &je);
    if (je != json_tokener_success)
        return mdl_sfn__fault_set(f, "States.IntrinsicFailure",
                                  "States.StringToJson: not JSON: %s", s);
    *out = v;
    return true;
}

static bool fn_json_to_string(iarg *a, int n, json_object **out, mdl_sfn__fault *f)
{
    (void)n;
    (void)f;
    *out = json_object_new_string(compact(a[0].v));
    return true;
}

static bool fn_array(iarg *a, int n, json_object **out, mdl_sfn__fault *f)
{
    (void)f;
    json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) json_object_array_add(arr, json_object_get(a[i].v));
    *out = arr;
    return true;
}

static bool fn_array_length(iarg *a, int n, json_object **out, mdl_sfn__fault *f)
{
    (void)n;
    if (!need_type(a, 0, json_type_array, "States.ArrayLength", f)) return false;
    *out = json_object_new_int64((int64_t)json_object_array_length(a[0].v));
    return true;
}

static bool fn_array_get_item(iarg *a, int n, json_object **out, mdl_sfn__fault *f)
{
    (void)n;
    if (!need_type(a, 0, json_type_array, "States.ArrayGetItem", f) ||
        !need_type(a, 1, json_type_int, "States.ArrayGetItem", f))
        return false;
    int64_t i = json_object_get_int64(a[1].v);
    if (i < 0 || (size_t)i >= json_object_array_length(a[0].v))
        return mdl_sfn__fault_set(f, "States.IntrinsicFailure",
                                  "States.ArrayGetItem: index %lld out of range", (long long)i);
    *out = json_object_get(json_object_array_get_idx(a[0].v, (size_t)i));
    return true;
}

static bool fn_array_contains(iarg *a, int n, json_object **out, mdl_sfn__fault *f)
{
    (void)n;
    if (!need_type(a, 0, json_type_array, "States.ArrayContains", f)) return false;
    bool found = false;
    size_t len = json_object_array_length(a[0].v);
    for (size_t i = 0; i < len && !found; i++)
        found = mdl_sfn__equal(json_object_array_get_idx(a[0].v, i), a[1].v);
    *out = json_object_new_boolean(found);
    return true;
}

static bool fn_math_add(iarg *a, int n, json_object **out, mdl_sfn__fault *f)
{
    (void)n;
    if (!need_type(a, 0, json_type_int, "States.MathAdd", f) ||
        !need_type(a, 1, json_type_int, "States.MathAdd", f))
        return false;
    *out = json_object_new_int64(json_object_get_int64(a[0].v) + json_object_get_int64(a[1].v));
    return true;
}

static bool fn_string_split(iarg *a, int n, json_object **out, mdl_sfn__fault *f)
{
    (void)n;
    if (!need_type(a, 0, json_type_string, "States.StringSplit", f) ||
        !need_type(a, 1, json_type_string, "States.StringSplit", f))
        return false;
    const char *s = json_object_get_string(a[0].v);
    const char *d = json_object_get_string(a[1].v);
    json_object *arr = json_object_new_array();
    size_t i = 0, len = strlen(s);
    while (i <= len) {
        size_t j = i;
        while (j < len && !strchr(d, s[j])) j++;
        if (j > i) json_object_array_add(arr, json_object_new_string_len(s + i, (int)(j - i)));
        i = j + 1;
    }
    *out = arr;
    return true;
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

typedef struct ipar {
    const char *s;
    size_t i;
    bool eval;
    json_object *input, *ctx;
    mdl_sfn__fault *f;
    char *why;
    size_t wn;
} ipar;

static bool ipar_fail(ipar *p, const char *what, const char *detail)
{
    if (p->why)
        snprintf(p->why, p->wn, "%s%s%s (offset %zu)", what, detail[0] ? ": " : "", detail, p->i);
    if (p->f)
        mdl_sfn__fault_set(p->f, "States.IntrinsicFailure", "bad intrinsic call '%s'", p->s);
    return false;
}

static void skip_ws(ipar *p)
{
    while (p->s[p->i] == ' ' || p->s[p->i] == '\t') p->i++;
}

static bool intr_call(ipar *p, json_object **out);

static bool intr_arg(ipar *p, iarg *a)
{
    skip_ws(p);
    const char *s = p->s;
    size_t i = p->i;
    a->v = NULL;
    a->raw = NULL;
    if (s[i] == '\'') {
        size_t j = i + 1;
        while (s[j] && s[j] != '\'') j += (s[j] == '\\' && s[j + 1]) ? 2 : 1;
        if (s[j] != '\'') return ipar_fail(p, "unterminated string literal", "");
        a->raw = sim_xmalloc(j - i);
        memcpy(a->raw, s + i + 1, j - i - 1);
        a->raw[j - i - 1] = '\0';
        if (p->eval) {
            char *u = unescape(a->raw, false);
            a->v = json_object_new_string(u);
            free(u);
        }
        p->i = j + 1;
        return true;
    }
    if (s[i] == '$') {
        /* A path runs to the next ',' or ')' outside brackets and quotes. */
        size_t j = i;
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
        char *path = sim_xmalloc(e - i + 1);
        memcpy(path, s + i, e - i);
        path[e - i] = '\0';
        char why[200];
        bool ok = mdl_sfn__path_check(path, false, why, sizeof why);
        if (!ok) {
            free(path);
            return ipar_fail(p, "bad path argument", why);
        }
        if (p->eval) ok = mdl_sfn__path_get(path, p->input, p->ctx, &a->v, p->f);
        free(path);
        p->i = j;
        return ok;
    }
    if (strncmp(s + i, "States.", 7) == 0) return intr_call(p, &a->v);
    if (strncmp(s + i, "true", 4) == 0 || strncmp(s + i, "false", 5) == 0) {
        bool t = s[i] == 't';
        if (p->eval) a->v = json_object_new_boolean(t);
        p->i += t ? 4 : 5;
        return true;
    }
    if (strncmp(s + i, "null", 4) == 0) {
        p->i += 4;
        return true;
    }
    if (s[i] == '-' || isdigit((unsigned char)s[i])) {
        char *end;
        double d = strtod(s + i, &end);
        bool is_int = true;
        for (const char *c = s + i; c < end; c++)
            if (*c == '.' || *c == 'e' || *c == 'E') is_int = false;
        if (end == s + i) return ipar_fail(p, "bad number", "");
        if (p->eval) a->v = is_int ? json_object_new_int64((int64_t)d) : sim_json_double(d);
        p->i = (size_t)(end - s);
        return true;
    }
    return ipar_fail(p, "unexpected argument", "");
}

static bool intr_call(ipar *p, json_object **out)
{
    skip_ws(p);
    const char *s = p->s;
    size_t i = p->i, j = i;
    while (isalnum((unsigned char)s[j]) || s[j] == '.') j++;
    const intr_def *def = NULL;
    for (size_t k = 0; k < sizeof k_intrinsics / sizeof k_intrinsics[0]; k++)
        if (strlen(k_intrinsics[k].name) == j - i &&
            strncmp(k_intrinsics[k].name, s + i, j - i) == 0)
            def = &k_intrinsics[k];
    if (!def) {
        char name[96];
        snprintf(name, sizeof name, "%.*s", (int)(j - i), s + i);
        return ipar_fail(p, "unknown intrinsic function", name);
    }
    p->i = j;
    skip_ws(p);
    if (s[p->i] != '(') return ipar_fail(p, "expected '('", "");
    p->i++;
    iarg args[INTR_MAX_ARGS];
    int n = 0;
    bool ok = true;
    skip_ws(p);
    if (s[p->i] == ')') {
        p->i++;
    } else {
        for (;;) {
            if (n == INTR_MAX_ARGS) { ok = ipar_fail(p, "too many arguments", ""); break; }
            if (!intr_arg(p, &args[n])) { ok = false; break; }
            n++;
            skip_ws(p);
            if (s[p->i] == ',') { p->i++; continue; }
            if (s[p->i] == ')') { p->i++; break; }
            ok = ipar_fail(p, "expected ',' or ')'", "");
            break;
        }
    }
    if (ok && (n < def->min_args || (def->max_args >= 0 && n > def->max_args))) {
        ok = ipar_fail(p, "wrong number of arguments to", def->name);
    }
    if (ok && def == &k_intrinsics[0] && n > 0 && !args[0].raw && p->eval &&
        !json_object_is_type(args[0].v, json_type_string))
        ok = ipar_fail(p, "States.Format needs a string first", "");
    if (ok && p->eval) ok = def->fn(args, n, out, p->f);
    else if (out) *out = NULL;
    for (int k = 0; k < n; k++) {
        json_object_put(args[k].v);
        free(args[k].raw);
    }
    return ok;
}

/* Parse (and maybe evaluate) a whole intrinsic expression. */
static bool intr_run(const char *s, bool eval, json_object *input, json_object *ctx,
                     json_object **out, mdl_sfn__fault *f, char *why, size_t wn)
{
    ipar p = { s, 0, eval, input, ctx, f, why, wn };
    json_object *v = NULL;
    if (!intr_call(&p, &v)) return false;
    skip_ws(&p);
    if (s[p.i]) {
        json_object_put(v);
        return ipar_fail(&p, "trailing text after the call", "");
    }
    if (out) *out = v;
    else json_object_put(v);
    return true;
}

/* ---- payload templates ---------------------------------------------------- */

static bool tmpl_check(json_object *t, char *where, size_t wn, size_t wlen, char *why,
                       size_t n)
{
    if (json_object_is_type(t, json_type_array)) {
        size_t len = json_object_array_length(t);
        for (size_t i = 0; i < len; i++) {
            int k = snprintf(where + wlen, wn - wlen, "[%zu]", i);
            if (!tmpl_check(json_object_array_get_idx(t, i), where, wn,
                            wlen + (size_t)k < wn ? wlen + (size_t)k : wn - 1, why, n))
                return false;
        }
        where[wlen] = '\0';
        return true;
    }
    if (!json_object_is_type(t, json_type_object)) return true;
    json_object_object_foreach(t, key, v) {
        int k = snprintf(where + wlen, wn - wlen, ".%s", key);
        size_t nl = wlen + (size_t)k < wn ? wlen + (size_t)k : wn - 1;
        size_t kl = strlen(key);
        if (kl > 2 && strcmp(key + kl - 2, ".$") == 0) {
            if (!json_object_is_type(v, json_type_string)) {
                snprintf(why, n, "a \".$\" key needs a path or intrinsic string");
                return false;
            }
            const char *s = json_object_get_string(v);
            if (strncmp(s, "States.", 7) == 0) {
                if (!intr_run(s, false, NULL, NULL, NULL, NULL, why, n)) return false;
            } else if (!mdl_sfn__path_check(s, false, why, n)) {
                return false;
            }
        } else if (!tmpl_check(v, where, wn, nl, why, n)) {
            return false;
        }
        where[wlen] = '\0';
    }
    return true;
}

bool mdl_sfn__template_check(json_object *tmpl, char *where, size_t wn, char *why, size_t n)
{
    where[0] = '\0';
    return tmpl_check(tmpl, where, wn, 0, why, n);
}

bool mdl_sfn__template_eval(json_object *tmpl, json_object *input, json_object *ctx,
                            json_object **out, mdl_sfn__fault *f)
{
    if (json_object_is_type(tmpl, json_type_array)) {
        size_t len = json_object_array_length(tmpl);
        json_object *a = json_object_new_array_ext((int)len);
        for (size_t i = 0; i < len; i++) {
            json_object *v;
            if (!mdl_sfn__template_eval(json_object_array_get_idx(tmpl, i), input, ctx, &v, f)) {
                json_object_put(a);
                return false;
            }
            json_object_array_add(a, v);
        }
        *out = a;
        return true;
    }
    if (!json_object_is_type(tmpl, json_type_object)) {
        *out = json_object_get(tmpl);
        return true;
    }
    json_object *o = json_object_new_object();
    json_object_object_foreach(tmpl, key, v) {
        size_t kl = strlen(key);
        json_object *r = NULL;
        bool ok;
        if (kl > 2 && strcmp(key + kl - 2, ".$") == 0 && json_object_is_type(v, json_type_string)) {
            const char *s = json_object_get_string(v);
            if (strncmp(s, "States.", 7) == 0)
                ok = intr_run(s, true, input, ctx, &r, f, NULL, 0);
            else
                ok = mdl_sfn__path_get(s, input, ctx, &r, f);
            if (ok) {
                char *k2 = sim_xstrdup(key);
                k2[kl - 2] = '\0';
                json_object_object_add(o, k2, r);
                free(k2);
            }
        } else {
            ok = mdl_sfn__template_eval(v, input, ctx, &r, f);
            if (ok) json_object_object_add(o, key, r);
        }
        if (!ok) {
            json_object_put(o);
            return false;
        }
    }
    *out = o;
    return true;
}

/* ---- timestamps ----------------------------------------------------------- */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool digits(const char *s, int n, long *out)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool mdl_sfn__timestamp_parse(const char *s, double *out)
{
    long Y, M, D, h, mi, se;
    if (strlen(s) < 20) return false;
    if (!digits(s, 4, &Y) || s[4] != '-' || !digits(s + 5, 2, &M) || s[7] != '-' ||
        !digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
        return false;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || mi > 59 || se > 60) return false;
    const char *c = s + 19;
    double frac = 0;
    if (*c == '.') {
        c++;
        double scale = 0.1;
        if (!isdigit((unsigned char)*c)) return false;
        while (isdigit((unsigned char)*c)) {
            frac += (*c - '0') * scale;
            scale /= 10;
            c++;
        }
    }
    long off = 0;
    if (*c == 'Z' || *c == 'z') {
        c++;
    } else if (*c == '+' || *c == '-') {
        long oh, om;
        if (!digits(c + 1, 2, &oh) || c[3] != ':' || !digits(c + 4, 2, &om)) return false;
        off = (oh * 60 + om) * 60 * (*c == '-' ? -1 : 1);
        c += 6;
    } else {
        return false;
    }
    if (*c) return false;
    *out = (double)days_from_civil(Y, M, D) * 86400.0 + (double)(h * 3600 + mi * 60 + se) -
           (double)off + frac;
    return true;
}
