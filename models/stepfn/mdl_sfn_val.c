/* mdl_sfn_val.c - the interpreter's JSON values, their heap and arenas.
 *
 * A value is immutable once sealed, so it may be shared by any number of
 * payloads; a reference count says when it can go.  Mortal values come
 * from the execution's heap: eight size classes (32 B to 4 KiB) with free
 * lists, carved from 64 KiB chunks that stay with the heap until it is
 * finalised, so an execution that is recycled (mdl_sfn_pool) allocates
 * nothing once warm.  Larger nodes (a long string or array) are malloc'd
 * singly.  Immortal values (definition constants, mock results, the three
 * literals) live in an arena or in static storage and are never counted.
 *
 * Strings and doubles converted from json-c keep a reference to their
 * json-c original instead of copying: a string's bytes stay valid as long
 * as the value lives, a double prints with the digits it was written with
 * (json-c keeps them), and an untouched container converts back to json-c
 * by reference.  Object keys from json-c hold their parent object for the
 * same reason.
 *
 * The compact writer reproduces json-c's JSON_C_TO_STRING_PLAIN |
 * NOSLASHESCAPE output byte for byte (tests/test_stepfn.c checks it against
 * json-c): it serves States.Format, States.JsonToString, error causes and
 * the exact payload size, without building json-c objects.
 */
#include "models/stepfn/mdl_sfn_internal.h"

#include "sim/sim_status.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool mdl_sfn__fault_set(mdl_sfn__fault *f, const char *error, const char *fmt, ...)
{
    snprintf(f->error, sizeof f->error, "%s", error);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->cause, sizeof f->cause, fmt, ap);
    va_end(ap);
    return false;
}

/* ---- arenas and chunks -------------------------------------------------- */

struct sfn_chunk {
    sfn_chunk *next;
    size_t size;
    _Alignas(16) char data[];
};

#define CHUNK_BYTES 65536

static sfn_chunk *chunk_new(sfn_chunk **list, size_t n)
{
    size_t size = n > CHUNK_BYTES ? n : CHUNK_BYTES;
    sfn_chunk *c = sim_xmalloc(sizeof *c + size);
    c->next = *list;
    c->size = size;
    *list = c;
    return c;
}

void *mdl_sfn__arena_alloc(sfn_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n > a->left) {
        sfn_chunk *c = chunk_new(&a->head, n);
        a->cur = c->data;
        a->left = c->size;
    }
    void *p = a->cur;
    a->cur += n;
    a->left -= n;
    memset(p, 0, n);
    return p;
}

char *mdl_sfn__arena_strndup(sfn_arena *a, const char *s, size_t n)
{
    char *d = mdl_sfn__arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static void chunks_free(sfn_chunk *c)
{
    while (c) {
        sfn_chunk *next = c->next;
        free(c);
        c = next;
    }
}

void mdl_sfn__arena_fini(sfn_arena *a)
{
    chunks_free(a->head);
    memset(a, 0, sizeof *a);
}

/* ---- the heap ---------------------------------------------------------------- */

#define CLS_MIN 32

static void *heap_alloc(sfn_heap *h, size_t n, uint8_t *cls)
{
    uint8_t c = 0;
    while (c < SFN_CLS_COUNT && ((size_t)CLS_MIN << c) < n) c++;
    if (c == SFN_CLS_COUNT) {
        *cls = SFN_CLS_BIG;
        h->live++;
        return sim_xmalloc(n);
    }
    *cls = c;
    h->live++;
    sfn_val *p = h->free[c];
    if (p) {
        SIM_ASSERT(p->kind == SV_FREED);
        h->free[c] = p->j.next;
        return p;
    }
    size_t sz = (size_t)CLS_MIN << c;
    if (sz > h->left) {
        /* The tail of the old chunk is left unused: under 4 KiB in 64. */
        sfn_chunk *ch = chunk_new(&h->chunks, CHUNK_BYTES);
        h->cur = ch->data;
        h->left = ch->size;
    }
    p = (sfn_val *)h->cur;
    h->cur += sz;
    h->left -= sz;
    return p;
}

static void heap_free(sfn_heap *h, sfn_val *v)
{
    SIM_ASSERT(h->live > 0);
    h->live--;
    if (v->cls == SFN_CLS_BIG) {
        free(v);
        return;
    }
    SIM_ASSERT(v->cls < SFN_CLS_COUNT);
    v->kind = SV_FREED; /* a second free, or a use after it, trips an assert */
    v->j.next = h->free[v->cls];
    h->free[v->cls] = v;
}

void mdl_sfn__heap_fini(sfn_heap *h)
{
    chunks_free(h->chunks);
    memset(h, 0, sizeof *h);
}

/* A value node with `extra` payload bytes after the header. */
static sfn_val *node_new(sfn_alloc a, uint8_t kind, size_t extra)
{
    sfn_val *v;
    if (a.heap) {
        uint8_t cls;
        v = heap_alloc(a.heap, sizeof *v + extra, &cls);
        memset(v, 0, sizeof *v);
        v->cls = cls;
        v->refs = 1;
    } else {
        v = mdl_sfn__arena_alloc(a.arena, sizeof *v + extra);
        v->cls = SFN_CLS_STATIC;
        v->refs = SFN_IMMORTAL;
    }
    v->kind = kind;
    v->depth = 1;
    v->bound = 24;
    return v;
}

/* Drop one count of a child; push it when it reaches zero. */
static void dec_push(sfn_val *c, sfn_val **stack)
{
    SIM_ASSERT(c->kind != SV_FREED && c->refs > 0);
    if (c->refs == SFN_IMMORTAL || --c->refs) return;
    json_object_put(c->j.src);
    c->j.next = *stack;
    *stack = c;
}

void mdl_sfn__unref_last(sfn_heap *h, sfn_val *v)
{
    SIM_ASSERT(v->kind != SV_FREED && v->refs == 1);
    sfn_val *stack = NULL;
    dec_push(v, &stack);
    /* Iterative: a value nested a thousand deep frees in constant stack. */
    while (stack) {
        sfn_val *x = stack;
        stack = x->j.next;
        if (x->kind == SV_ARR) {
            for (uint32_t i = 0; i < x->n; i++) dec_push(x->u.items[i], &stack);
        } else if (x->kind == SV_OBJ) {
            for (uint32_t i = 0; i < x->n; i++) {
                dec_push(x->u.mem[i].key, &stack);
                dec_push(x->u.mem[i].val, &stack);
            }
        }
        heap_free(h, x);
    }
}

/* ---- constructors ---------------------------------------------------------- */

/* The three literals: immortal, in read-only storage (never written, as
 * their count is never touched). */
static const sfn_val k_null = { SV_NULL, SFN_CLS_STATIC, 1, SFN_IMMORTAL, 0, 24, { NULL }, { 0 } };
static const sfn_val k_true = { SV_BOOL, SFN_CLS_STATIC, 1, SFN_IMMORTAL, 0, 24, { NULL }, { .b = true } };
static const sfn_val k_false = { SV_BOOL, SFN_CLS_STATIC, 1, SFN_IMMORTAL, 0, 24, { NULL }, { .b = false } };
static const sfn_val k_empty = { SV_OBJ, SFN_CLS_STATIC, 1, SFN_IMMORTAL, 0, 2, { NULL }, { NULL } };

sfn_val *mdl_sfn__v_null(void) { return (sfn_val *)&k_null; }
sfn_val *mdl_sfn__v_bool(bool b) { return (sfn_val *)(b ? &k_true : &k_false); }
sfn_val *mdl_sfn__v_empty_object(void) { return (sfn_val *)&k_empty; }

sfn_val *mdl_sfn__v_int(sfn_alloc a, int64_t i)
{
    sfn_val *v = node_new(a, SV_INT, 0);
    v->u.i = i;
    return v;
}

sfn_val *mdl_sfn__v_double(sfn_alloc a, double d)
{
    sfn_val *v = node_new(a, SV_DBL, 0);
    v->u.d = d;
    return v;
}

static uint32_t str_bound(size_t n)
{
    /* A character takes at most 6 bytes escaped ("\u00xx"). */
    uint64_t b = 6 * (uint64_t)n + 2;
    return b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
}

sfn_val *mdl_sfn__v_str_buf(sfn_alloc a, size_t len, char **buf)
{
    SIM_ASSERT(len < UINT32_MAX);
    sfn_val *v = node_new(a, SV_STR, len + 1);
    char *s = (char *)(v + 1);
    s[len] = '\0';
    v->u.s = s;
    v->n = (uint32_t)len;
    v->bound = str_bound(len);
    *buf = s;
    return v;
}

sfn_val *mdl_sfn__v_str(sfn_alloc a, const char *s, size_t len)
{
    char *d;
    sfn_val *v = mdl_sfn__v_str_buf(a, len, &d);
    memcpy(d, s, len);
    return v;
}

/* A string whose bytes live in json-c object `owner`. */
static sfn_val *str_of_json(sfn_alloc a, const char *s, size_t len, json_object *owner)
{
    sfn_val *v = node_new(a, SV_STR, 0);
    v->u.s = s;
    v->n = (uint32_t)len;
    v->bound = str_bound(len);
    v->j.src = a.heap ? json_object_get(owner) : owner;
    return v;
}

static size_t index_cap(uint32_t n)
{
    size_t cap = 32;
    while (cap < 2 * (size_t)n) cap *= 2;
    return cap;
}

sfn_val *mdl_sfn__v_array(sfn_alloc a, uint32_t n)
{
    sfn_val *v = node_new(a, SV_ARR, (size_t)n * sizeof(sfn_val *));
    v->u.items = (sfn_val **)(v + 1);
    v->n = n;
    return v;
}

sfn_val *mdl_sfn__v_object(sfn_alloc a, uint32_t n)
{
    size_t extra = (size_t)n * sizeof(sfn_mem);
    if (n >= SFN_OBJ_INDEX_MIN) extra += index_cap(n) * sizeof(uint32_t);
    sfn_val *v = node_new(a, SV_OBJ, extra);
    v->u.mem = (sfn_mem *)(v + 1);
    v->n = n;
    return v;
}

uint32_t mdl_sfn__hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static uint32_t *obj_index(const sfn_val *o)
{
    return (uint32_t *)(o->u.mem + o->n);
}

void mdl_sfn__v_seal(sfn_val *v)
{
    uint64_t b = 2;
    uint32_t d = 0;
    if (v->kind == SV_ARR) {
        for (uint32_t i = 0; i < v->n; i++) {
            SIM_ASSERT(v->u.items[i]);
            b += 1 + (uint64_t)v->u.items[i]->bound;
            if (v->u.items[i]->depth > d) d = v->u.items[i]->depth;
        }
    } else {
        SIM_ASSERT(v->kind == SV_OBJ);
        for (uint32_t i = 0; i < v->n; i++) {
            const sfn_mem *m = &v->u.mem[i];
            b += 6 * (uint64_t)m->key->n + 4 + m->val->bound;
            if (m->val->depth > d) d = m->val->depth;
        }
        if (v->n >= SFN_OBJ_INDEX_MIN) {
            size_t cap = index_cap(v->n);
            uint32_t *ix = obj_index(v);
            memset(ix, 0, cap * sizeof *ix);
            for (uint32_t i = 0; i < v->n; i++) {
                const sfn_val *k = v->u.mem[i].key;
                size_t h = mdl_sfn__hash(k->u.s, k->n) & (cap - 1);
                while (ix[h]) h = (h + 1) & (cap - 1);
                ix[h] = i + 1;
            }
        }
    }
    v->bound = b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
    v->depth = d + 1 > UINT16_MAX ? UINT16_MAX : (uint16_t)(d + 1);
}

/* Key equality; the first byte decides most misses without a call. */
static inline bool key_is(const sfn_val *k, const char *key, uint32_t klen)
{
    return k->n == klen && (klen == 0 || (k->u.s[0] == key[0] && memcmp(k->u.s, key, klen) == 0));
}

sfn_val *mdl_sfn__v_get(const sfn_val *o, const char *key, uint32_t klen, uint32_t hash)
{
    if (o->kind != SV_OBJ) return NULL;
    if (o->n < SFN_OBJ_INDEX_MIN) {
        for (uint32_t i = 0; i < o->n; i++)
            if (key_is(o->u.mem[i].key, key, klen)) return o->u.mem[i].val;
        return NULL;
    }
    size_t cap = index_cap(o->n);
    const uint32_t *ix = obj_index(o);
    for (size_t h = hash & (cap - 1); ix[h]; h = (h + 1) & (cap - 1)) {
        const sfn_mem *m = &o->u.mem[ix[h] - 1];
        if (key_is(m->key, key, klen)) return m->val;
    }
    return NULL;
}

/* ---- json-c <-> values ---------------------------------------------------- */

static sfn_val *from_json(sfn_alloc a, json_object *j, int depth);

static sfn_val *from_json_array(sfn_alloc a, json_object *j, int depth)
{
    size_t n = json_object_array_length(j);
    sfn_val *v = mdl_sfn__v_array(a, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        sfn_val *c = from_json(a, json_object_array_get_idx(j, i), depth + 1);
        if (!c) {
            v->n = (uint32_t)i; /* free what was converted */
            if (a.heap) mdl_sfn__unref(a.heap, v);
            return NULL;
        }
        v->u.items[i] = c;
    }
    return v;
}

static sfn_val *from_json_object(sfn_alloc a, json_object *j, int depth)
{
    sfn_val *v = mdl_sfn__v_object(a, (uint32_t)json_object_object_length(j));
    uint32_t i = 0;
    json_object_object_foreach(j, k, c) {
        sfn_val *cv = from_json(a, c, depth + 1);
        if (!cv) {
            v->n = i;
            if (a.heap) mdl_sfn__unref(a.heap, v);
            return NULL;
        }
        v->u.mem[i].key = str_of_json(a, k, strlen(k), j);
        v->u.mem[i].val = cv;
        i++;
    }
    v->n = i;
    return v;
}

static sfn_val *from_json(sfn_alloc a, json_object *j, int depth)
{
    if (depth > SFN_MAX_DEPTH) return NULL;
    sfn_val *v;
    switch (json_object_get_type(j)) {
    case json_type_null: return mdl_sfn__v_null();
    case json_type_boolean: return mdl_sfn__v_bool(json_object_get_boolean(j));
    case json_type_int:
        v = mdl_sfn__v_int(a, json_object_get_int64(j));
        /* An unsigned above INT64_MAX reads as INT64_MAX (as json-c's
         * getter does) but keeps its original to print. */
        if (v->u.i == INT64_MAX && json_object_get_uint64(j) > (uint64_t)INT64_MAX)
            v->j.src = a.heap ? json_object_get(j) : j;
        return v;
    case json_type_double:
        if (a.heap) {
            v = node_new(a, SV_DBL, 0);
            v->j.src = json_object_get(j);
        } else {
            /* An immortal double keeps its printed digits beside it, so a
             * shared machine never asks json-c to print (json-c caches
             * the text inside the object). */
            size_t len = 0;
            const char *t = json_object_to_json_string_length(
                j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
            v = node_new(a, SV_DBL, len + 1);
            memcpy(v + 1, t, len);
            v->n = (uint32_t)len;
            v->j.src = j;
        }
        v->u.d = json_object_get_double(j);
        return v;
    case json_type_string:
        return str_of_json(a, json_object_get_string(j), (size_t)json_object_get_string_len(j), j);
    case json_type_array: v = from_json_array(a, j, depth); break;
    case json_type_object: v = from_json_object(a, j, depth); break;
    default: SIM_ASSERT(!"unknown json-c type"); return NULL;
    }
    if (!v) return NULL;
    mdl_sfn__v_seal(v);
    v->j.src = a.heap ? json_object_get(j) : j;
    return v;
}

sfn_val *mdl_sfn__v_from_json(sfn_alloc a, json_object *j)
{
    return from_json(a, j, 1);
}

json_object *mdl_sfn__v_to_json(const sfn_val *v)
{
    json_object *src = v->j.src;
    switch (v->kind) {
    case SV_NULL: return NULL;
    case SV_BOOL: return json_object_new_boolean(v->u.b);
    case SV_INT: return src ? json_object_get(src) : json_object_new_int64(v->u.i);
    case SV_DBL: return src ? json_object_get(src) : sim_json_double(v->u.d);
    case SV_STR:
        if (src && json_object_is_type(src, json_type_string)) return json_object_get(src);
        return json_object_new_string_len(v->u.s, (int)v->n);
    case SV_ARR: {
        if (src) return json_object_get(src);
        json_object *a = json_object_new_array_ext((int)v->n);
        for (uint32_t i = 0; i < v->n; i++) json_object_array_add(a, mdl_sfn__v_to_json(v->u.items[i]));
        return a;
    }
    case SV_OBJ: {
        if (src) return json_object_get(src);
        json_object *o = json_object_new_object();
        for (uint32_t i = 0; i < v->n; i++)
            json_object_object_add(o, v->u.mem[i].key->u.s, mdl_sfn__v_to_json(v->u.mem[i].val));
        return o;
    }
    default: SIM_ASSERT(!"unknown value kind"); return NULL;
    }
}

bool mdl_sfn__v_equal(const sfn_val *a, const sfn_val *b)
{
    if (sfn_is_num(a) && sfn_is_num(b)) return sfn_num(a) == sfn_num(b);
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case SV_BOOL: return a->u.b == b->u.b;
    case SV_STR: return strcmp(a->u.s, b->u.s) == 0;
    case SV_ARR:
        if (a->n != b->n) return false;
        for (uint32_t i = 0; i < a->n; i++)
            if (!mdl_sfn__v_equal(a->u.items[i], b->u.items[i])) return false;
        return true;
    case SV_OBJ:
        if (a->n != b->n) return false;
        for (uint32_t i = 0; i < a->n; i++) {
            const sfn_val *k = a->u.mem[i].key;
            const sfn_val *vb = mdl_sfn__v_get(b, k->u.s, k->n, mdl_sfn__hash(k->u.s, k->n));
            if (!vb || !mdl_sfn__v_equal(a->u.mem[i].val, vb)) return false;
        }
        return true;
    default: return true;
    }
}

/* ---- the compact writer ------------------------------------------------------ */

typedef struct wbuf {
    char *buf;
    size_t cap, len;
} wbuf;

static void put(wbuf *w, const char *s, size_t n)
{
    if (w->len < w->cap) {
        size_t room = w->cap - w->len;
        memcpy(w->buf + w->len, s, n < room ? n : room);
    }
    w->len += n;
}

/* json-c's json_escape_str with NOSLASHESCAPE: the five short escapes,
 * other control characters as \u00xx (lower-case hex), everything else raw. */
static void put_escaped(wbuf *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        switch (c) {
        case '\b': esc = "\\b"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\f': esc = "\\f"; break;
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        default:
            if (c < ' ') {
                memcpy(u, "\\u00", 4);
                u[4] = hex[c >> 4];
                u[5] = hex[c & 0xf];
                u[6] = '\0';
                esc = u;
            }
        }
        if (!esc) continue;
        put(w, s + start, i - start);
        put(w, esc, strlen(esc));
        start = i + 1;
    }
    put(w, s + start, n - start);
}

static void put_double(wbuf *w, const sfn_val *v)
{
    if (v->n) {
        put(w, (const char *)(v + 1), v->n);
        return;
    }
    if (v->j.src) {
        /* json-c prints the digits the number was parsed from. */
        size_t n = 0;
        const char *s = json_object_to_json_string_length(
            v->j.src, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
        put(w, s, n);
        return;
    }
    /* sim_json_double's rule: the shortest %g that round-trips. */
    char buf[64];
    if (!isfinite(v->u.d)) {
        put(w, "null", 4);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v->u.d);
        if (strtod(buf, NULL) == v->u.d) break;
    }
    put(w, buf, strlen(buf));
}

/* Decimal digits of u, as "%" PRIu64 writes them (snprintf is a third of
 * a States.Format otherwise). */
static void put_uint(wbuf *w, uint64_t u, bool neg)
{
    char num[24];
    size_t k = sizeof num;
    do {
        num[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg) num[--k] = '-';
    put(w, num + k, sizeof num - k);
}

static void write_val(wbuf *w, const sfn_val *v)
{
    switch (v->kind) {
    case SV_NULL: put(w, "null", 4); break;
    case SV_BOOL: v->u.b ? put(w, "true", 4) : put(w, "false", 5); break;
    case SV_INT:
        if (v->j.src) put_uint(w, json_object_get_uint64(v->j.src), false); /* above INT64_MAX */
        else if (v->u.i < 0) put_uint(w, 0 - (uint64_t)v->u.i, true);
        else put_uint(w, (uint64_t)v->u.i, false);
        break;
    case SV_DBL: put_double(w, v); break;
    case SV_STR:
        put(w, "\"", 1);
        put_escaped(w, v->u.s, v->n);
        put(w, "\"", 1);
        break;
    case SV_ARR:
        put(w, "[", 1);
        for (uint32_t i = 0; i < v->n; i++) {
            if (i) put(w, ",", 1);
            write_val(w, v->u.items[i]);
        }
        put(w, "]", 1);
        break;
    case SV_OBJ:
        put(w, "{", 1);
        for (uint32_t i = 0; i < v->n; i++) {
            if (i) put(w, ",", 1);
            put(w, "\"", 1);
            put_escaped(w, v->u.mem[i].key->u.s, v->u.mem[i].key->n);
            put(w, "\":", 2);
            write_val(w, v->u.mem[i].val);
        }
        put(w, "}", 1);
        break;
    default: SIM_ASSERT(!"unknown value kind");
    }
}

size_t mdl_sfn__v_write(const sfn_val *v, char *buf, size_t cap)
{
    wbuf w = { buf, buf ? cap : 0, 0 };
    write_val(&w, v);
    if (w.cap > 0) w.buf[w.len < w.cap ? w.len : w.cap - 1] = '\0';
    return w.len;
}

bool mdl_sfn__v_too_big(const sfn_val *v)
{
    if (v->bound <= SFN_PAYLOAD_MAX) return false;
    return mdl_sfn__v_write(v, NULL, 0) > SFN_PAYLOAD_MAX;
}
