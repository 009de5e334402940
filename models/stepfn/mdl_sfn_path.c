/* mdl_sfn_path.c - ASL's JSONPath subset, compiled once, and timestamps.
 *
 * A path is parsed when the definition loads into tokens (a key with its
 * length and hash, an index, or a wildcard), so evaluating it is a walk
 * with no parsing and no allocation (a wildcard's result array aside).
 * Supported: "$", "$$" (the context object), ".name", "['name']", "[n]" and
 * the wildcards ".*"/"[*]" (which make the result an array of the matches,
 * as JSONPath does).  Filters and recursive descent are rejected at
 * validation with a message, not silently misread.
 *
 * ResultPath writes by copying only the spine from the root to the changed
 * member; every other subtree is shared with the input (values are
 * immutable), so a state's cost does not grow with its payload's size.
 */
#include "models/stepfn/mdl_sfn_internal.h"

#include "sim/sim_status.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_TOKS 32
#define PATH_KEYS 1024 /* key bytes of one path, NULs counted (as before) */
#define KEY_MAX 256

/* ---- parsing ------------------------------------------------------------------ */

typedef struct pstate {
    const char *s;
    size_t i;
    sfn_tok t[PATH_MAX_TOKS];
    int n;
    bool wild;
    size_t kused;
    char *why;
    size_t wn;
} pstate;

static bool pfail(pstate *p, const char *msg)
{
    snprintf(p->why, p->wn, "%s", msg);
    return false;
}

static bool key_token(pstate *p, sfn_tok *t, size_t from, size_t to)
{
    if (to - from >= KEY_MAX) return pfail(p, "name too long");
    if (p->kused + (to - from) + 1 > PATH_KEYS) return pfail(p, "path too long");
    p->kused += to - from + 1;
    t->kind = TK_KEY;
    t->key = p->s + from;
    t->klen = (uint32_t)(to - from);
    t->hash = mdl_sfn__hash(t->key, t->klen);
    return true;
}

/* ".name" or ".*" at p->i (the '.'). */
static bool parse_dot(pstate *p, sfn_tok *t)
{
    const char *s = p->s;
    size_t i = ++p->i;
    if (s[i] == '.') return pfail(p, "recursive descent '..' is not supported");
    size_t j = i;
    while (s[j] && s[j] != '.' && s[j] != '[') j++;
    if (j == i) return pfail(p, "empty name after '.'");
    if (j - i >= KEY_MAX) return pfail(p, "name too long");
    if (j - i == 1 && s[i] == '*') {
        t->kind = TK_WILD;
        p->wild = true;
    } else {
        for (size_t k = i; k < j; k++)
            if (s[k] == ' ' || s[k] == ']' || s[k] == '\'' || s[k] == '"') {
                snprintf(p->why, p->wn, "unexpected '%c' in a name", s[k]);
                return false;
            }
        if (!key_token(p, t, i, j)) return false;
    }
    p->i = j;
    return true;
}

/* "[*]", "[n]" or "['name']" at p->i (the '['). */
static bool parse_bracket(pstate *p, sfn_tok *t)
{
    const char *s = p->s;
    size_t i = ++p->i;
    if (s[i] == '*' && s[i + 1] == ']') {
        t->kind = TK_WILD;
        p->wild = true;
        p->i = i + 2;
        return true;
    }
    if (isdigit((unsigned char)s[i])) {
        char *end;
        long long v = strtoll(s + i, &end, 10); /* saturates: never found */
        if (*end != ']') return pfail(p, "slices and expressions in [] are not supported");
        t->kind = TK_INDEX;
        t->index = v;
        p->i = (size_t)(end - s) + 1;
        return true;
    }
    if (s[i] == '\'' || s[i] == '"') {
        char q = s[i++];
        size_t j = i;
        while (s[j] && s[j] != q) j++;
        if (s[j] != q || s[j + 1] != ']') return pfail(p, "unterminated ['name']");
        if (!key_token(p, t, i, j)) return false;
        p->i = j + 2;
        return true;
    }
    return pfail(p, "filters, negative indexes and slices are not supported");
}

bool mdl_sfn__path_compile(const char *s, bool reference, sfn_arena *a, sfn_path *out,
                           char *why, size_t wn)
{
    pstate p = { .s = s, .why = why, .wn = wn };
    if (!s || s[0] != '$') return pfail(&p, "a path must start with '$'");
    bool ctx = s[1] == '$';
    p.i = ctx ? 2 : 1;
    while (s[p.i]) {
        if (p.n >= PATH_MAX_TOKS) return pfail(&p, "path too deep");
        sfn_tok *t = &p.t[p.n];
        memset(t, 0, sizeof *t);
        bool ok;
        if (s[p.i] == '.') {
            ok = parse_dot(&p, t);
        } else if (s[p.i] == '[') {
            ok = parse_bracket(&p, t);
        } else {
            snprintf(why, wn, "unexpected '%c' at offset %zu", s[p.i], p.i);
            return false;
        }
        if (!ok) return false;
        p.n++;
    }
    if (reference && p.wild) return pfail(&p, "a reference path cannot contain wildcards");
    if (out) {
        out->text = s;
        out->ctx = ctx;
        out->wild = p.wild;
        out->n = p.n;
        out->t = NULL;
        if (a && p.n) {
            out->t = mdl_sfn__arena_alloc(a, (size_t)p.n * sizeof *out->t);
            memcpy(out->t, p.t, (size_t)p.n * sizeof *out->t);
            for (int i = 0; i < p.n; i++)
                if (out->t[i].kind == TK_KEY)
                    out->t[i].kv = mdl_sfn__v_str((sfn_alloc){ NULL, a }, out->t[i].key,
                                                  out->t[i].klen);
        }
    }
    return true;
}

bool mdl_sfn__path_check(const char *path, bool reference, char *why, size_t n)
{
    return mdl_sfn__path_compile(path, reference, NULL, NULL, why, n);
}

/* ---- evaluation ---------------------------------------------------------------- */

sfn_val *mdl_sfn__env_ctx(sfn_env *env)
{
    if (!env) return NULL;
    if (!env->ctx) env->ctx = env->make_ctx(env);
    return env->ctx;
}

void mdl_sfn__env_done(sfn_env *env)
{
    mdl_sfn__unref(env->heap, env->ctx);
    env->ctx = NULL;
}

/* One step of a walk: the child of cur for token t, or NULL. */
static sfn_val *step(const sfn_val *cur, const sfn_tok *t)
{
    if (t->kind == TK_KEY) return mdl_sfn__v_get(cur, t->key, t->klen, t->hash);
    if (cur->kind != SV_ARR || t->index < 0 || (uint64_t)t->index >= cur->n) return NULL;
    return cur->u.items[t->index];
}

/* Every match of tokens [i, n) under cur: counted (out NULL) or stored. */
static void collect(sfn_val *cur, const sfn_path *p, int i, sfn_val **out, uint32_t *k)
{
    if (i == p->n) {
        if (out) out[*k] = sfn_ref(cur);
        (*k)++;
        return;
    }
    const sfn_tok *t = &p->t[i];
    if (t->kind != TK_WILD) {
        sfn_val *c = step(cur, t);
        if (c) collect(c, p, i + 1, out, k);
    } else if (cur->kind == SV_OBJ) {
        for (uint32_t m = 0; m < cur->n; m++) collect(cur->u.mem[m].val, p, i + 1, out, k);
    } else if (cur->kind == SV_ARR) {
        for (uint32_t m = 0; m < cur->n; m++) collect(cur->u.items[m], p, i + 1, out, k);
    }
}

static sfn_val *root_of(const sfn_path *p, sfn_val *input, sfn_env *env)
{
    return p->ctx ? mdl_sfn__env_ctx(env) : input;
}

/* The single node a wildcard-free path selects under cur, or NULL. */
static sfn_val *walk(sfn_val *cur, const sfn_path *p)
{
    for (int i = 0; i < p->n && cur; i++) cur = step(cur, &p->t[i]);
    return cur;
}

sfn_val *mdl_sfn__path_get(const sfn_path *p, sfn_val *input, sfn_env *env, mdl_sfn__fault *f)
{
    sfn_val *cur = root_of(p, input, env);
    if (!cur) {
        mdl_sfn__fault_set(f, "States.Runtime", "'%s': no context object here", p->text);
        return NULL;
    }
    if (p->wild) {
        uint32_t n = 0;
        collect(cur, p, 0, NULL, &n);
        sfn_val *acc = mdl_sfn__v_array((sfn_alloc){ env->heap, NULL }, n);
        n = 0;
        collect(cur, p, 0, acc->u.items, &n);
        mdl_sfn__v_seal(acc);
        return acc;
    }
    sfn_val *root = cur;
    if (!(cur = walk(cur, p))) {
        char json[sizeof f->cause];
        mdl_sfn__v_write(root, json, sizeof json);
        mdl_sfn__fault_set(f, "States.Runtime",
                           "The JSONPath '%s' could not be found in the input '%s'", p->text, json);
        return NULL;
    }
    return sfn_ref(cur);
}

bool mdl_sfn__path_exists(const sfn_path *p, sfn_val *input, sfn_env *env)
{
    sfn_val *cur = root_of(p, input, env);
    if (!cur) return false;
    if (p->wild) {
        uint32_t n = 0;
        collect(cur, p, 0, NULL, &n);
        return n > 0;
    }
    return walk(cur, p) != NULL;
}

/* ---- ResultPath ------------------------------------------------------------------ */

/* cur with member `key` set to `value` (taken over): replaced in place, or
 * appended. */
static sfn_val *obj_with(sfn_heap *h, const sfn_val *cur, const sfn_tok *t, sfn_val *value)
{
    int at = -1;
    for (uint32_t i = 0; i < cur->n && at < 0; i++) {
        const sfn_val *k = cur->u.mem[i].key;
        if (k->n == t->klen && memcmp(k->u.s, t->key, t->klen) == 0) at = (int)i;
    }
    sfn_alloc a = { h, NULL };
    sfn_val *o = mdl_sfn__v_object(a, cur->n + (at < 0));
    for (uint32_t i = 0; i < cur->n; i++) {
        o->u.mem[i].key = sfn_ref(cur->u.mem[i].key);
        o->u.mem[i].val = (int)i == at ? value : sfn_ref(cur->u.mem[i].val);
    }
    if (at < 0) {
        o->u.mem[cur->n].key = t->kv ? t->kv : mdl_sfn__v_str(a, t->key, t->klen);
        o->u.mem[cur->n].val = value;
    }
    mdl_sfn__v_seal(o);
    return o;
}

static sfn_val *arr_with(sfn_heap *h, const sfn_val *cur, int64_t at, sfn_val *value)
{
    sfn_val *o = mdl_sfn__v_array((sfn_alloc){ h, NULL }, cur->n);
    for (uint32_t i = 0; i < cur->n; i++)
        o->u.items[i] = (int64_t)i == at ? value : sfn_ref(cur->u.items[i]);
    mdl_sfn__v_seal(o);
    return o;
}

/* cur with `value` put at tokens [i, n); NULL when a step does not fit. */
static sfn_val *put_at(sfn_heap *h, const sfn_path *p, int i, sfn_val *cur, sfn_val *value)
{
    const sfn_tok *t = &p->t[i];
    bool last = i == p->n - 1;
    sfn_val *child;
    if (t->kind == TK_KEY) {
        if (cur->kind != SV_OBJ) return NULL;
        if (last) return obj_with(h, cur, t, sfn_ref(value));
        sfn_val *c = mdl_sfn__v_get(cur, t->key, t->klen, t->hash);
        /* Missing or scalar: ASL creates (or replaces it by) an object. */
        if (!c || (c->kind != SV_OBJ && c->kind != SV_ARR)) c = mdl_sfn__v_empty_object();
        child = put_at(h, p, i + 1, c, value);
        return child ? obj_with(h, cur, t, child) : NULL;
    }
    SIM_ASSERT(t->kind == TK_INDEX);
    if (cur->kind != SV_ARR || t->index < 0 || (uint64_t)t->index >= cur->n) return NULL;
    if (last) return arr_with(h, cur, t->index, sfn_ref(value));
    child = put_at(h, p, i + 1, cur->u.items[t->index], value);
    return child ? arr_with(h, cur, t->index, child) : NULL;
}

sfn_val *mdl_sfn__path_put(const sfn_path *p, sfn_val *input, sfn_val *value, sfn_heap *h,
                           mdl_sfn__fault *f)
{
    if (p->wild || p->ctx) {
        mdl_sfn__fault_set(f, "States.ResultPathMatchFailure", "invalid ResultPath '%s'", p->text);
        return NULL;
    }
    if (p->n == 0) return sfn_ref(value);
    sfn_val *out = put_at(h, p, 0, input, value);
    if (!out) {
        char json[sizeof f->cause];
        mdl_sfn__v_write(input, json, sizeof json);
        mdl_sfn__fault_set(f, "States.ResultPathMatchFailure",
                           "Unable to apply ResultPath '%s' to input '%s'", p->text, json);
    }
    return out;
}

/* ---- timestamps ----------------------------------------------------------------- */

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

/* "Z", "z" or "+hh:mm"/"-hh:mm" at c: the offset in seconds; *end after it. */
static bool tz_offset(const char *c, long *off, const char **end)
{
    *off = 0;
    if (*c == 'Z' || *c == 'z') {
        *end = c + 1;
        return true;
    }
    if (*c != '+' && *c != '-') return false;
    long oh, om;
    if (!digits(c + 1, 2, &oh) || c[3] != ':' || !digits(c + 4, 2, &om)) return false;
    *off = (oh * 60 + om) * 60 * (*c == '-' ? -1 : 1);
    *end = c + 6;
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
    long off;
    if (!tz_offset(c, &off, &c) || *c) return false;
    *out = (double)days_from_civil(Y, M, D) * 86400.0 + (double)(h * 3600 + mi * 60 + se) -
           (double)off + frac;
    return true;
}
