/* sim_json_strict.c - what json-c lets through that strict JSON does not.
 *
 * json-c's JSON_TOKENER_STRICT refuses comments, trailing commas and
 * leading zeros, but (0.16, Debian 12) still takes single-quoted strings,
 * NaN and Infinity, "1.", raw control characters in strings, integers
 * beyond 64 bits (clamped without a word), and it keeps the last of two
 * duplicate keys.  This pass runs over text json-c has already accepted, so
 * the structure is known to be sound; it walks it once, iteratively (an
 * explicit stack bounded by SIM_JSON_MAX_DEPTH, never recursion), keeps the
 * path for messages, and finds duplicate keys with one hash table of
 * (object number, key) for the whole document: O(text) time, O(keys) memory.
 */
#include "sim/sim_json.h"

#include <stdlib.h>
#include <string.h>

typedef struct frame {
    bool array;
    uint64_t id;               /* object number (keys are per object) */
    size_t index;              /* array: index of the current element */
    size_t key_off, key_len;   /* object: the current key, raw, in the text */
} frame;

typedef struct key_slot {
    uint64_t id;               /* 0: empty */
    uint64_t hash;
    size_t off, len;           /* the key's raw text (between the quotes) */
    long line;
} key_slot;

typedef struct scan {
    const char *t;
    size_t n, i;
    long line;
    const char *label;
    frame *st;
    int depth;
    uint64_t next_id;
    key_slot *keys;
    size_t kcap, kcount;
    sim_error *err;
} scan;

/* The dotted path of the current position, for the error's field. */
static void cur_path(const scan *s, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int d = 0; d < s->depth && used + 1 < n; d++) {
        const frame *f = &s->st[d];
        int w;
        if (f->array)
            w = snprintf(buf + used, n - used, "[%zu]", f->index);
        else if (f->key_len)
            w = snprintf(buf + used, n - used, "%s%.*s", used ? "." : "", (int)f->key_len,
                         s->t + f->key_off);
        else
            w = 0;
        if (w > 0) used += (size_t)w;
    }
}

static sim_status fail_here(scan *s, const char *what)
{
    char path[256];
    cur_path(s, path, sizeof path);
    return sim_error_set(s->err, SIM_EPARSE, __FILE__, __LINE__, s->label, s->line,
                         path[0] ? path : NULL, "malformed JSON: %s", what);
}

/* FNV-1a of the key as written; keys with escapes are compared decoded
 * (below), so "a" and "\u0061" are one key, as json-c sees them. */
static uint64_t key_hash(const char *k, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)k[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* A key's decoded text: the raw text when it has no escape, else json-c's
 * decoding of the quoted string (owned by *hold, put by the caller). */
static const char *key_text(const scan *s, size_t off, size_t len, size_t *out_len,
                            json_object **hold)
{
    *hold = NULL;
    if (!memchr(s->t + off, '\\', len)) {
        *out_len = len;
        return s->t + off;
    }
    char *q = sim_xmalloc(len + 3);
    q[0] = '"';
    memcpy(q + 1, s->t + off, len);
    q[len + 1] = '"';
    q[len + 2] = '\0';
    *hold = json_tokener_parse(q);
    free(q);
    if (!json_object_is_type(*hold, json_type_string)) {
        *out_len = len;
        return s->t + off;
    }
    *out_len = (size_t)json_object_get_string_len(*hold);
    return json_object_get_string(*hold);
}

static void keys_grow(scan *s)
{
    size_t cap = s->kcap ? 2 * s->kcap : 256;
    key_slot *k = sim_xcalloc(cap, sizeof *k);
    for (size_t i = 0; i < s->kcap; i++) {
        if (!s->keys[i].id) continue;
        size_t j = (size_t)(s->keys[i].hash ^ s->keys[i].id * 0x9E3779B97F4A7C15ULL) & (cap - 1);
        while (k[j].id) j = (j + 1) & (cap - 1);
        k[j] = s->keys[i];
    }
    free(s->keys);
    s->keys = k;
    s->kcap = cap;
}

/* Record the key at off/len of the innermost object; a second one is an
 * error naming both lines. */
static sim_status add_key(scan *s, size_t off, size_t len)
{
    if (2 * (s->kcount + 1) > s->kcap) keys_grow(s);
    uint64_t id = s->st[s->depth - 1].id;
    json_object *hold, *hold2;
    size_t kn, kn2;
    const char *k = key_text(s, off, len, &kn, &hold);
    uint64_t h = key_hash(k, kn);
    size_t j = (size_t)(h ^ id * 0x9E3779B97F4A7C15ULL) & (s->kcap - 1);
    for (; s->keys[j].id; j = (j + 1) & (s->kcap - 1)) {
        const key_slot *e = &s->keys[j];
        if (e->id != id || e->hash != h) continue;
        const char *k2 = key_text(s, e->off, e->len, &kn2, &hold2);
        bool same = kn2 == kn && memcmp(k, k2, kn) == 0;
        json_object_put(hold2);
        if (!same) continue;
        char what[400];
        snprintf(what, sizeof what, "duplicate key '%.*s' (first on line %ld, again on line %ld)",
                 (int)(kn > 200 ? 200 : kn), k, e->line, s->line);
        json_object_put(hold);
        return fail_here(s, what);
    }
    json_object_put(hold);
    s->keys[j] = (key_slot){ id, h, off, len, s->line };
    s->kcount++;
    return SIM_OK;
}

/* A string from its opening quote; a key when a ':' follows. */
static sim_status scan_string(scan *s)
{
    size_t start = ++s->i;
    while (s->i < s->n && s->t[s->i] != '"') {
        unsigned char c = (unsigned char)s->t[s->i];
        if (c < 0x20)
            return fail_here(s, c == '\n' ? "a string runs past the end of its line"
                                          : "control character in a string (escape it)");
        s->i += c == '\\' ? 2 : 1;
    }
    if (s->i >= s->n) return fail_here(s, "unterminated string");
    size_t len = s->i - start;
    s->i++;
    size_t j = s->i;
    while (j < s->n && (s->t[j] == ' ' || s->t[j] == '\t' || s->t[j] == '\r' || s->t[j] == '\n'))
        j++;
    if (j < s->n && s->t[j] == ':' && s->depth > 0 && !s->st[s->depth - 1].array) {
        frame *f = &s->st[s->depth - 1];
        f->key_off = start;
        f->key_len = len;
        return add_key(s, start, len);
    }
    return SIM_OK;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* A number in RFC 8259's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 * An integer (no fraction, no exponent) must fit json-c's 64 bits:
 * [-2^63, 2^64-1]; beyond, json-c would clamp it without a word. */
static sim_status scan_number(scan *s)
{
    const char *t = s->t;
    size_t i = s->i, n = s->n;
    bool neg = t[i] == '-';
    if (neg) i++;
    if (i >= n || !is_digit(t[i]))
        return fail_here(s, "not a JSON number (NaN and Infinity are not JSON)");
    size_t int_start = i;
    while (i < n && is_digit(t[i])) i++;
    size_t int_len = i - int_start;
    bool integer = true;
    if (i < n && t[i] == '.') {
        integer = false;
        if (++i >= n || !is_digit(t[i])) return fail_here(s, "a number needs digits after '.'");
        while (i < n && is_digit(t[i])) i++;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        integer = false;
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-')) i++;
        if (i >= n || !is_digit(t[i])) return fail_here(s, "a number needs digits in its exponent");
        while (i < n && is_digit(t[i])) i++;
    }
    if (integer) {
        /* Compare digit strings with the limits: 2^63 = 9223372036854775808,
         * 2^64 - 1 = 18446744073709551615. */
        const char *lim = neg ? "9223372036854775808" : "18446744073709551615";
        size_t ll = strlen(lim);
        if (int_len > ll || (int_len == ll && memcmp(t + int_start, lim, ll) > 0))
            return fail_here(s, "integer beyond 64 bits (write it with an exponent if a real "
                                "number is meant)");
    }
    s->i = i;
    return SIM_OK;
}

static sim_status scan_word(scan *s)
{
    static const char *const k_words[] = { "true", "false", "null" };
    for (size_t w = 0; w < 3; w++) {
        size_t l = strlen(k_words[w]);
        if (s->n - s->i >= l && memcmp(s->t + s->i, k_words[w], l) == 0) {
            s->i += l;
            return SIM_OK;
        }
    }
    return fail_here(s, "not a JSON value (NaN and Infinity are not JSON)");
}

static sim_status scan_open(scan *s, bool array)
{
    if (s->depth >= SIM_JSON_MAX_DEPTH) return fail_here(s, "nesting too deep");
    s->st[s->depth++] = (frame){ .array = array, .id = array ? 0 : ++s->next_id };
    s->i++;
    return SIM_OK;
}

static sim_status scan_one(scan *s)
{
    char c = s->t[s->i];
    switch (c) {
    case '\n': s->line++; s->i++; return SIM_OK;
    case ' ': case '\t': case '\r': case ':': s->i++; return SIM_OK;
    case ',':
        if (s->depth > 0 && s->st[s->depth - 1].array) s->st[s->depth - 1].index++;
        s->i++;
        return SIM_OK;
    case '{': return scan_open(s, false);
    case '[': return scan_open(s, true);
    case '}': case ']':
        if (s->depth > 0) s->depth--;
        s->i++;
        return SIM_OK;
    case '"': return scan_string(s);
    case '\'': return fail_here(s, "single-quoted strings are not JSON (use \")");
    default:
        if (c == '-' || is_digit(c)) return scan_number(s);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return scan_word(s);
        return fail_here(s, "unexpected character");
    }
}

sim_status sim_json_strict_check(const char *text, size_t len, const char *label,
                                 sim_error *err)
{
    scan s = { .t = text, .n = len, .line = 1, .label = label, .err = err };
    s.st = sim_xmalloc((SIM_JSON_MAX_DEPTH + 1) * sizeof *s.st);
    sim_status st = SIM_OK;
    while (st == SIM_OK && s.i < s.n) st = scan_one(&s);
    free(s.st);
    free(s.keys);
    return st;
}
