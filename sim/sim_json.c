/* sim_json.c - json-c loading with file/line/path errors, typed getters. */
#include "sim/sim_json.h"
#include "sim/sim_io.h"
#include "sim/sim_num.h"

#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void sim_json_doc_fini(sim_json_doc *doc)
{
    if (!doc)
        return;
    if (doc->root)
        json_object_put(doc->root);
    free(doc->text);
    doc->root = NULL;
    doc->text = NULL;
}

#define SIM_JSON_STR_(x) #x
#define SIM_JSON_STR(x) SIM_JSON_STR_(x)

static long line_of_offset(const char *text, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off && text[i]; i++)
        if (text[i] == '\n')
            line++;
    return line;
}

/* What a json-c tokener error means to a user. */
static const char *tokener_message(enum json_tokener_error e)
{
    switch (e) {
    case json_tokener_error_depth:
        return "nesting too deep (more than " SIM_JSON_STR(SIM_JSON_MAX_DEPTH) " levels)";
    case json_tokener_error_parse_comment:
        return "comments are not JSON";
    case json_tokener_error_parse_utf8_string:
        return "invalid UTF-8";
    default:
        return json_tokener_error_desc(e);
    }
}

static const char *type_article(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double:
    case json_type_int: return "a number";
    case json_type_array: return "an array";
    case json_type_string: return "a string";
    default: return "an object";
    }
}

/* json-c (strict, UTF-8 checked, depth-limited), then our strict pass. */
static sim_status parse_text(sim_json_doc *doc, const char *text, const char *label,
                             bool want_object, sim_error *err)
{
    memset(doc, 0, sizeof *doc);
    snprintf(doc->input, sizeof doc->input, "%s", label);
    size_t len = strlen(text);
    if (len > (size_t)INT32_MAX - 1)
        SIM_FAIL(err, SIM_EPARSE, label, 0, NULL, "JSON document larger than 2 GB");
    doc->text = sim_xstrdup(text);
    json_tokener *tok = json_tokener_new_ex(SIM_JSON_MAX_DEPTH);
    /* Trailing text is ours to report (below), with a clearer message. */
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8 |
                                    JSON_TOKENER_ALLOW_TRAILING_CHARS);
    /* Passing the terminating NUL too ends a top-level number ("42"), which
     * would otherwise wait for more digits. */
    json_object *root = json_tokener_parse_ex(tok, doc->text, (int)len + 1);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t off = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    sim_status st = SIM_OK;
    if (jerr == json_tokener_continue)
        st = SIM_ERR(err, SIM_EPARSE, label, line_of_offset(text, len), NULL,
                     "malformed JSON: unexpected end of input");
    else if (jerr != json_tokener_success)
        st = SIM_ERR(err, SIM_EPARSE, label, line_of_offset(text, off), NULL,
                     "malformed JSON: %s", off < len && text[off] == '/'
                                               ? "comments are not JSON"
                                               : tokener_message(jerr));
    for (size_t i = off; st == SIM_OK && i < len; i++)
        if (!isspace((unsigned char)text[i]))
            st = SIM_ERR(err, SIM_EPARSE, label, line_of_offset(text, i), NULL,
                         "malformed JSON: %s", text[i] == '/' ? "comments are not JSON"
                                                : "trailing characters after the document");
    if (st == SIM_OK)
        st = sim_json_strict_check(text, len, label, err);
    if (st == SIM_OK && want_object && !json_object_is_type(root, json_type_object))
        st = SIM_ERR(err, SIM_ETYPE, label, 1, NULL,
                     "expected a JSON object at the top level, got %s", type_article(root));
    if (st != SIM_OK) {
        json_object_put(root);
        sim_json_doc_fini(doc);
        return st;
    }
    doc->root = root;
    return SIM_OK;
}

sim_status sim_json_doc_parse(sim_json_doc *doc, const char *text, const char *label,
                              sim_error *err)
{
    return parse_text(doc, text, label, true, err);
}

sim_status sim_json_doc_parse_any(sim_json_doc *doc, const char *text, const char *label,
                                  sim_error *err)
{
    return parse_text(doc, text, label, false, err);
}

static sim_status load_file(sim_json_doc *doc, const char *path, bool want_object,
                            sim_error *err)
{
    char *text = NULL;
    size_t len = 0;
    memset(doc, 0, sizeof *doc);
    SIM_TRY(sim_read_file(path, &text, &len, err));
    if (memchr(text, '\0', len)) {
        long line = line_of_offset(text, (size_t)((char *)memchr(text, '\0', len) - text));
        free(text);
        SIM_FAIL(err, SIM_EPARSE, path, line, NULL, "malformed JSON: NUL byte in file");
    }
    sim_status s = parse_text(doc, text, path, want_object, err);
    free(text);
    return s;
}

sim_status sim_json_doc_load(sim_json_doc *doc, const char *path, sim_error *err)
{
    return load_file(doc, path, true, err);
}

sim_status sim_json_doc_load_any(sim_json_doc *doc, const char *path, sim_error *err)
{
    return load_file(doc, path, false, err);
}

/* Walk the path's keys through the text in order; each key is searched
 * for as "key" followed by optional space and ':' after the previous hit. */
long sim_json_line(const sim_json_doc *doc, const char *path)
{
    if (!doc || !doc->text || !path || !path[0])
        return 0;
    const char *pos = doc->text;
    const char *p = path;
    char key[256];
    while (*p) {
        size_t k = 0;
        while (*p && *p != '.' && *p != '[' && k + 1 < sizeof key)
            key[k++] = *p++;
        key[k] = '\0';
        while (*p == '[') {            /* skip array indices */
            while (*p && *p != ']')
                p++;
            if (*p == ']')
                p++;
        }
        if (*p == '.')
            p++;
        if (!k)
            continue;
        const char *hit = NULL;
        for (const char *s = pos; (s = strchr(s, '"')) != NULL; s++) {
            if (strncmp(s + 1, key, k) == 0 && s[k + 1] == '"') {
                const char *c = s + k + 2;
                while (isspace((unsigned char)*c))
                    c++;
                if (*c == ':') {
                    hit = s;
                    break;
                }
            }
        }
        if (!hit)
            break;
        pos = hit + 1;
    }
    if (pos == doc->text)
        return 0;
    return line_of_offset(doc->text, (size_t)(pos - doc->text));
}

const char *sim_json_path(char *buf, size_t n, const char *base, const char *key)
{
    if (base && base[0])
        snprintf(buf, n, "%s.%s", base, key);
    else
        snprintf(buf, n, "%s", key);
    return buf;
}

const char *sim_json_path_index(char *buf, size_t n, const char *base, size_t i)
{
    snprintf(buf, n, "%s[%zu]", base ? base : "", i);
    return buf;
}

sim_status sim_json_check_keys(const sim_json_doc *doc, json_object *obj,
                               const char *path, const char *const *allowed,
                               sim_error *err)
{
    if (!json_object_is_type(obj, json_type_object))
        SIM_JSON_FAIL(err, SIM_ETYPE, doc, path, "expected a JSON object");
    json_object_object_foreach(obj, key, val) {
        (void)val;
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok) {
            char p[512];
            sim_json_path(p, sizeof p, path, key);
            char list[512] = "";
            size_t used = 0;
            for (const char *const *a = allowed; *a && used < sizeof list; a++) {
                int w = snprintf(list + used, sizeof list - used, "%s%s",
                                 used ? ", " : "", *a);
                if (w > 0)
                    used += (size_t)w;
            }
            SIM_JSON_FAIL(err, SIM_EUNKNOWN, doc, p, "unknown key '%s' (expected one of: %s)",
                          key, list);
        }
    }
    return SIM_OK;
}

static sim_status lookup(const sim_json_doc *doc, json_object *obj, const char *path,
                         const char *key, bool required, json_object **v,
                         bool *present, char *p, size_t pn, sim_error *err)
{
    sim_json_path(p, pn, path, key);
    *v = NULL;
    if (present)
        *present = false;
    if (!obj || !json_object_object_get_ex(obj, key, v) || !*v) {
        *v = NULL;
        if (required)
            SIM_JSON_FAIL(err, SIM_EMISSING, doc, p, "required key '%s' is missing", key);
        return SIM_OK;
    }
    if (present)
        *present = true;
    return SIM_OK;
}

sim_status sim_json_as_number(const sim_json_doc *doc, json_object *v,
                              const char *path, double *out, sim_error *err)
{
    if (!v || !(json_object_is_type(v, json_type_double) ||
                json_object_is_type(v, json_type_int)))
        SIM_JSON_FAIL(err, SIM_ETYPE, doc, path, "expected a number, got %s",
                      v ? json_type_to_name(json_object_get_type(v)) : "null");
    double d = json_object_get_double(v);
    if (!isfinite(d))
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, path, "number is not finite");
    *out = d;
    return SIM_OK;
}

sim_status sim_json_get_number(const sim_json_doc *doc, json_object *obj,
                               const char *path, const char *key, bool required,
                               double min, double max, double *out, bool *present,
                               sim_error *err)
{
    char p[512];
    json_object *v;
    SIM_TRY(lookup(doc, obj, path, key, required, &v, present, p, sizeof p, err));
    if (!v)
        return SIM_OK;
    double d;
    SIM_TRY(sim_json_as_number(doc, v, p, &d, err));
    if (d < min || d > max) {
        if (d < 0 && min >= 0)
            SIM_JSON_FAIL(err, SIM_ERANGE, doc, p, "must not be negative (got %g)", d);
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, p, "%g is out of range [%g, %g]", d, min, max);
    }
    *out = d;
    return SIM_OK;
}

sim_status sim_json_get_int(const sim_json_doc *doc, json_object *obj,
                            const char *path, const char *key, bool required,
                            int64_t min, int64_t max, int64_t *out, bool *present,
                            sim_error *err)
{
    char p[512];
    json_object *v;
    SIM_TRY(lookup(doc, obj, path, key, required, &v, present, p, sizeof p, err));
    if (!v)
        return SIM_OK;
    double d;
    SIM_TRY(sim_json_as_number(doc, v, p, &d, err));
    if (d != floor(d))
        SIM_JSON_FAIL(err, SIM_ETYPE, doc, p, "expected an integer, got %g", d);
    /* Exact 64-bit checks: json-c keeps 2^63..2^64-1 as uint64 and
     * json_object_get_int64 would clamp them to 2^63 - 1 without a word,
     * and (double)INT64_MAX rounds up to 2^63, so doubles are compared
     * against 2^63 itself before any cast. */
    int64_t i;
    bool fits;
    if (json_object_is_type(v, json_type_int)) {
        i = json_object_get_int64(v);
        fits = i != INT64_MAX || json_object_get_uint64(v) == (uint64_t)INT64_MAX;
    } else {
        fits = d >= -0x1p63 && d < 0x1p63;
        i = fits ? (int64_t)d : 0;
    }
    if (!fits || i < min || i > max) {
        if (d < 0 && min >= 0)
            SIM_JSON_FAIL(err, SIM_ERANGE, doc, p, "must not be negative (got %g)", d);
        if (json_object_is_type(v, json_type_int) && fits)
            SIM_JSON_FAIL(err, SIM_ERANGE, doc, p, "%lld is out of range [%lld, %lld]",
                          (long long)i, (long long)min, (long long)max);
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, p, "%s is out of range [%lld, %lld]",
                      json_object_get_string(v), (long long)min, (long long)max);
    }
    *out = i;
    return SIM_OK;
}

sim_status sim_json_get_bool(const sim_json_doc *doc, json_object *obj,
                             const char *path, const char *key, bool required,
                             bool *out, bool *present, sim_error *err)
{
    char p[512];
    json_object *v;
    SIM_TRY(lookup(doc, obj, path, key, required, &v, present, p, sizeof p, err));
    if (!v)
        return SIM_OK;
    if (!json_object_is_type(v, json_type_boolean))
        SIM_JSON_FAIL(err, SIM_ETYPE, doc, p, "expected true or false");
    *out = json_object_get_boolean(v) != 0;
    return SIM_OK;
}

sim_status sim_json_get_string(const sim_json_doc *doc, json_object *obj,
                               const char *path, const char *key, bool required,
                               const char **out, bool *present, sim_error *err)
{
    char p[512];
    json_object *v;
    SIM_TRY(lookup(doc, obj, path, key, required, &v, present, p, sizeof p, err));
    if (!v)
        return SIM_OK;
    if (!json_object_is_type(v, json_type_string))
        SIM_JSON_FAIL(err, SIM_ETYPE, doc, p, "expected a string");
    *out = json_object_get_string(v);
    return SIM_OK;
}

sim_status sim_json_get_enum(const sim_json_doc *doc, json_object *obj,
                             const char *path, const char *key, bool required,
                             const char *const *choices, int *index, bool *present,
                             sim_error *err)
{
    const char *s = NULL;
    bool here = false;
    SIM_TRY(sim_json_get_string(doc, obj, path, key, required, &s, &here, err));
    if (present)
        *present = here;
    if (!here)
        return SIM_OK;
    for (int i = 0; choices[i]; i++) {
        if (strcmp(choices[i], s) == 0) {
            *index = i;
            return SIM_OK;
        }
    }
    char p[512], list[512] = "";
    size_t used = 0;
    for (int i = 0; choices[i] && used < sizeof list; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", choices[i]);
        if (w > 0)
            used += (size_t)w;
    }
    sim_json_path(p, sizeof p, path, key);
    SIM_JSON_FAIL(err, SIM_EUNKNOWN, doc, p, "unknown value '%s' (expected one of: %s)",
                  s, list);
}

sim_status sim_json_get_child(const sim_json_doc *doc, json_object *obj,
                              const char *path, const char *key, bool required,
                              json_type type, json_object **out, sim_error *err)
{
    char p[512];
    json_object *v;
    *out = NULL;
    SIM_TRY(lookup(doc, obj, path, key, required, &v, NULL, p, sizeof p, err));
    if (!v)
        return SIM_OK;
    if (!json_object_is_type(v, type))
        SIM_JSON_FAIL(err, SIM_ETYPE, doc, p, "expected a JSON %s", json_type_to_name(type));
    *out = v;
    return SIM_OK;
}

json_object *sim_json_at(json_object *o, const char *path)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    json_object *cur = o;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
        if (!json_object_is_type(cur, json_type_object) ||
            !json_object_object_get_ex(cur, tok, &cur))
            return NULL;
    }
    return cur;
}

double sim_json_number_at(json_object *o, const char *path)
{
    json_object *v = sim_json_at(o, path);
    if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
        return json_object_get_double(v);
    return NAN;
}

sim_status sim_json_set_path(json_object *root, const char *path, const char *value,
                             sim_error *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_object *cur = root;
    char *save = NULL, *tok = strtok_r(buf, ".", &save);
    while (tok) {
        char *next = strtok_r(NULL, ".", &save);
        if (!json_object_is_type(cur, json_type_object))
            SIM_FAIL(err, SIM_EUSAGE, NULL, 0, path, "'%s' is not inside a JSON object", tok);
        if (!next) {
            /* A number only in the strict decimal form (sim_num): "0x10",
             * " 5" or "inf" stay strings, which the config then refuses. */
            double d = 0;
            json_object *nv;
            if (sim_num_double(value, strlen(value), &d) == SIM_NUM_OK)
                nv = (d == floor(d) && !strpbrk(value, ".eE") && fabs(d) < 9e15)
                         ? json_object_new_int64((int64_t)d) : json_object_new_double(d);
            else if (strcmp(value, "true") == 0) nv = json_object_new_boolean(1);
            else if (strcmp(value, "false") == 0) nv = json_object_new_boolean(0);
            else nv = json_object_new_string(value);
            json_object_object_add(cur, tok, nv);
            return SIM_OK;
        }
        json_object *child;
        if (!json_object_object_get_ex(cur, tok, &child)) {
            child = json_object_new_object();
            json_object_object_add(cur, tok, child);
        }
        cur = child;
        tok = next;
    }
    SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "empty key path");
}

sim_status sim_json_parse_cli_value(const char *text, const char *label, json_object **out,
                                    sim_error *err)
{
    /* The strict reader's rules (no comments, no duplicate keys, RFC 8259
     * numbers only). */
    sim_json_doc doc;
    sim_error perr;
    sim_error_clear(&perr);
    *out = NULL;
    if (*text && parse_text(&doc, text, label, false, &perr) == SIM_OK) {
        *out = doc.root;
        doc.root = NULL;
        sim_json_doc_fini(&doc);
        return SIM_OK;
    }
    /* Text that opens an object or an array means JSON: its fault is
     * reported, not turned into a string. */
    if (*text == '{' || *text == '[') {
        if (err) *err = perr;
        return perr.code ? perr.code : SIM_EPARSE;
    }
    *out = json_object_new_string(text);
    return SIM_OK;
}

json_object *sim_json_parse_value(const char *text)
{
    json_object *v = NULL;
    if (sim_json_parse_cli_value(text, "value", &v, NULL) != SIM_OK)
        v = json_object_new_string(text);
    return v;
}

/* One step of a path: a key, then any number of [N]. */
static sim_status set_step(json_object **cur, char *seg, bool last, json_object *value,
                           const char *label, const char *path, sim_error *err)
{
    char *br = strchr(seg, '[');
    if (br) *br = '\0';
    if (!seg[0] || !json_object_is_type(*cur, json_type_object))
        SIM_FAIL(err, SIM_EUSAGE, label, 0, path, "'%s' is not inside a JSON object",
                 seg[0] ? seg : "(empty key)");
    json_object *next = NULL;
    if (last && !br) {
        json_object_object_add(*cur, seg, value);
        return SIM_OK;
    }
    if (!json_object_object_get_ex(*cur, seg, &next) || !next) {
        if (br) SIM_FAIL(err, SIM_EUSAGE, label, 0, path, "there is no array '%s'", seg);
        next = json_object_new_object();
        json_object_object_add(*cur, seg, next);
    }
    while (br) {
        char *end = NULL;
        long i = strtol(br + 1, &end, 10);
        if (!end || *end != ']' || i < 0)
            SIM_FAIL(err, SIM_EUSAGE, label, 0, path, "bad index in '%s'", path);
        if (!json_object_is_type(next, json_type_array) ||
            (size_t)i >= json_object_array_length(next))
            SIM_FAIL(err, SIM_EUSAGE, label, 0, path, "no item [%ld] there", i);
        br = end[1] == '[' ? end + 1 : NULL;
        if (end[1] && end[1] != '[')
            SIM_FAIL(err, SIM_EUSAGE, label, 0, path, "bad index in '%s'", path);
        if (last && !br) {
            json_object_array_put_idx(next, (size_t)i, value);
            return SIM_OK;
        }
        next = json_object_array_get_idx(next, (size_t)i);
    }
    *cur = next;
    return SIM_OK;
}

sim_status sim_json_set_at(json_object *root, const char *path, json_object *value,
                           const char *label, sim_error *err)
{
    char buf[512];
    if (!path[0] || strlen(path) >= sizeof buf) {
        json_object_put(value);
        SIM_FAIL(err, SIM_EUSAGE, label, 0, path, "bad key path");
    }
    snprintf(buf, sizeof buf, "%s", path);
    json_object *cur = root;
    char *save = NULL, *seg = strtok_r(buf, ".", &save);
    while (seg) {
        char *next = strtok_r(NULL, ".", &save);
        sim_status s = set_step(&cur, seg, next == NULL, value, label, path, err);
        if (s != SIM_OK) {
            json_object_put(value);
            return s;
        }
        seg = next;
    }
    return SIM_OK;
}

char *sim_json_to_string(json_object *obj)
{
    const char *s = json_object_to_json_string_ext(obj, SIM_JSON_TEXT_FLAGS);
    size_t n = strlen(s);
    char *out = sim_xmalloc(n + 2);
    memcpy(out, s, n);
    out[n] = '\n';
    out[n + 1] = '\0';
    return out;
}

/* json-c's default double format may drop digits; print with the shortest
 * %.<p>g that reads back as v, so JSON numbers are never rounded.
 * "Reads back" is monotone in p (the nearest (p+1)-digit decimal is no
 * farther from v than the nearest p-digit one, which is also a (p+1)-digit
 * decimal), so the shortest p can be searched for.  Most simulated figures
 * need 16 or 17 digits: 15 is tried first, then 16 (17 always reads back);
 * a shorter form is bisected below 15.
 *
 * The %.<p>g forms are built here rather than by snprintf: v is converted
 * once to 17 significant digits ("%.16e"), and each p-digit form is that
 * string rounded to p digits and laid out by %g's rules (C11 7.21.6.1:
 * style e when the exponent X < -4 or X >= p; trailing zeros and a bare
 * point dropped).  Rounding the 17-digit string gives the digits of
 * rounding v itself unless its dropped digits read exactly "500...0"
 * (v lies within half a unit of the 17th digit from the halfway point);
 * then, rarely, snprintf decides.  Each probe costs a strtod instead of a
 * snprintf and a strtod: a results document of 10,000 functions prints
 * 250,000 doubles (its writing was 9 % of bench_manyfn's CPU).
 * tests/test_jw.c compares the output with snprintf's on 1.6 million
 * values, ties and boundaries included. */
typedef struct dec17 {
    bool neg;
    char d[17];     /* significant digits, d[0] != '0' unless v == 0 */
    int x;          /* decimal exponent of d[0] */
} dec17;

static void dec17_of(double v, dec17 *o)
{
    char t[40];
    snprintf(t, sizeof t, "%.16e", v);   /* [-]d.dddddddddddddddde[+-]XX[X] */
    const char *s = t;
    o->neg = *s == '-';
    if (o->neg) s++;
    o->d[0] = s[0];
    memcpy(o->d + 1, s + 2, 16);
    o->x = atoi(s + 19);
}

/* a rounded to p digits (half up, exact below a tie): false when the
 * dropped digits are exactly "50...0" (a possible tie of v's own). */
static bool dec17_round(const dec17 *a, int p, char *dig, int *x)
{
    memcpy(dig, a->d, (size_t)p);
    *x = a->x;
    if (p == 17 || a->d[p] < '5') return true;
    if (a->d[p] == '5') {
        int k = p + 1;
        while (k < 17 && a->d[k] == '0') k++;
        if (k == 17) return false;
    }
    int i = p - 1;
    while (i >= 0 && dig[i] == '9') dig[i--] = '0';
    if (i >= 0) {
        dig[i]++;
    } else {
        dig[0] = '1';                    /* 99..9 -> 100..0: one more decade */
        (*x)++;
    }
    return true;
}

/* %.<p>g of the p digits dig (exponent x) with sign neg, into buf. */
static size_t g_layout(bool neg, const char *dig, int p, int x, char *buf)
{
    int q = p;
    while (q > 1 && dig[q - 1] == '0') q--;
    char *o = buf;
    if (neg) *o++ = '-';
    if (x < -4 || x >= p) {
        *o++ = dig[0];
        if (q > 1) {
            *o++ = '.';
            memcpy(o, dig + 1, (size_t)(q - 1));
            o += q - 1;
        }
        int e = x < 0 ? -x : x;          /* at least two digits, as %e: e+05, e-324 */
        *o++ = 'e';
        *o++ = x < 0 ? '-' : '+';
        if (e >= 100) *o++ = (char)('0' + e / 100);
        *o++ = (char)('0' + e / 10 % 10);
        *o++ = (char)('0' + e % 10);
        *o = '\0';
        return (size_t)(o - buf);
    }
    if (x >= 0) {
        for (int i = 0; i <= x; i++) *o++ = dig[i];   /* x < p: within dig */
        if (q > x + 1) {
            *o++ = '.';
            memcpy(o, dig + x + 1, (size_t)(q - x - 1));
            o += q - x - 1;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -x - 1; i++) *o++ = '0';
        memcpy(o, dig, (size_t)q);
        o += q;
    }
    *o = '\0';
    return (size_t)(o - buf);
}

/* buf = %.<p>g of v (a of it); true when it reads back as v. */
static bool reads_back(double v, const dec17 *a, int p, char *buf, size_t n)
{
    char dig[17];
    int x;
    if (dec17_round(a, p, dig, &x))
        g_layout(a->neg, dig, p, x, buf);
    else
        snprintf(buf, n, "%.*g", p, v);
    return strtod(buf, NULL) == v;
}

size_t sim_json_format_double(double v, char *buf, size_t n)
{
    assert(buf && n >= SIM_JSON_DOUBLE_MAX);
    if (!isfinite(v)) return (size_t)snprintf(buf, n, "null");
    if (v == 0) return (size_t)snprintf(buf, n, signbit(v) ? "-0" : "0");
    dec17 a;
    dec17_of(v, &a);
    if (!reads_back(v, &a, 15, buf, n)) {
        if (!reads_back(v, &a, 16, buf, n)) reads_back(v, &a, 17, buf, n);
        return strlen(buf);
    }
    /* buf holds the 15-digit form; look for a shorter one in 1..14. */
    char tmp[SIM_JSON_DOUBLE_MAX];
    int lo = 1, hi = 15;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (reads_back(v, &a, mid, tmp, sizeof tmp)) {
            hi = mid;
            memcpy(buf, tmp, sizeof tmp);
        } else {
            lo = mid + 1;
        }
    }
    /* Integers that are doubles print as "3", not "3.0": valid JSON, and
     * they round-trip. */
    return strlen(buf);
}

static int double_to_json(json_object *jso, struct printbuf *pb, int level, int flags)
{
    (void)level;
    (void)flags;
    char buf[SIM_JSON_DOUBLE_MAX];
    size_t len = sim_json_format_double(json_object_get_double(jso), buf, sizeof buf);
    printbuf_memappend(pb, buf, (int)len);
    return 0;
}

json_object *sim_json_double(double v)
{
    json_object *d = json_object_new_double(v);
    json_object_set_serializer(d, double_to_json, NULL, NULL);
    return d;
}

void sim_json_add_double(json_object *obj, const char *key, double v)
{
    json_object_object_add(obj, key, sim_json_double(v));
}

void sim_json_add_int(json_object *obj, const char *key, int64_t v)
{
    json_object_object_add(obj, key, json_object_new_int64(v));
}

void sim_json_add_string(json_object *obj, const char *key, const char *s)
{
    json_object_object_add(obj, key, json_object_new_string(s));
}

void sim_json_add_bool(json_object *obj, const char *key, bool v)
{
    json_object_object_add(obj, key, json_object_new_boolean(v));
}
