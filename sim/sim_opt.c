/* sim_opt.c - option tables: parse, write, schema and docs from one table.
 *
 * Reading goes through the sim_json getters, so a table-driven key fails
 * with exactly the messages (and lines) a hand-written reader gave.
 */
#include "sim/sim_opt.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIELD(base, off, T) ((T *)((char *)(base) + (off)))
#define CFIELD(base, off, T) ((const T *)((const char *)(base) + (off)))
#define MAX_ROWS 64

static double per_of(const sim_opt *r) { return r->per != 0 ? r->per : 1.0; }

static double row_def(const sim_opt *r, const void *base)
{
    return r->def_fn && base ? r->def_fn(base) : r->def;
}

/* int64 bounds from the table's doubles (INT64_MAX is not a double). */
static int64_t to_i64(double d)
{
    if (d >= 9.2e18) return INT64_MAX;
    if (d <= -9.2e18) return INT64_MIN;
    return (int64_t)d;
}

json_object *sim_opt_value(const sim_opt *r, json_object *obj)
{
    json_object *v = NULL;
    if (!obj || !json_object_object_get_ex(obj, r->key, &v)) return NULL;
    return v;
}

const char *sim_opt_path(char *buf, size_t n, const char *path, const sim_opt *r)
{
    return sim_json_path(buf, n, path, r->key);
}

const sim_opt *sim_opt_find(const sim_opt_table *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].key, key) == 0) return &t->rows[i];
    return NULL;
}

sim_status sim_opt_check_keys(const sim_opt_ctx *c, const sim_opt_table *t, json_object *obj,
                              const char *path)
{
    const char *keys[MAX_ROWS + 1];
    SIM_ASSERT(t->n <= MAX_ROWS);
    for (size_t i = 0; i < t->n; i++) keys[i] = t->rows[i].key;
    keys[t->n] = NULL;
    return sim_json_check_keys(c->doc, obj, path, keys, c->err);
}

sim_status sim_opt_get_number(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, double *out, bool *present)
{
    return sim_json_get_number(c->doc, obj, path, r->key, obj && (r->flags & SIM_OPT_REQUIRED),
                               r->min, r->max, out, present, c->err);
}

sim_status sim_opt_get_string(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, const char **out, bool *present)
{
    return sim_json_get_string(c->doc, obj, path, r->key, obj && (r->flags & SIM_OPT_REQUIRED),
                               out, present, c->err);
}

/* ---- the generic reader -------------------------------------------------- */

static sim_status store_chars(const sim_opt_ctx *c, const sim_opt *r, const char *path,
                              const char *s, void *base)
{
    if (!base) return SIM_OK;
    SIM_ASSERT(r->store == SIM_OPT_ST_CHARS && r->size > 0);
    char *dst = FIELD(base, r->off, char);
    if (r->type == SIM_OPT_PATH && s[0]) {
        if (!sim_path_resolve(c->base_dir, s, dst, r->size)) {
            char p[512];
            SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, sim_opt_path(p, sizeof p, path, r),
                          "path too long (at most %zu characters)", r->size - 1);
        }
        return SIM_OK;
    }
    if (strlen(s) >= r->size) {
        char p[512];
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, sim_opt_path(p, sizeof p, path, r),
                      "'%s' is too long (at most %zu characters)", s, r->size - 1);
    }
    memcpy(dst, s, strlen(s) + 1);
    return SIM_OK;
}

static sim_status read_number(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, void *base)
{
    double x = row_def(r, base);
    bool here = false;
    SIM_TRY(sim_opt_get_number(c, r, obj, path, &x, &here));
    if ((here || !(r->flags & SIM_OPT_KEEP)) && base && r->store == SIM_OPT_ST_DOUBLE)
        *FIELD(base, r->off, double) = x / per_of(r);
    return SIM_OK;
}

static sim_status read_int(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                           const char *path, void *base)
{
    int64_t x = (int64_t)row_def(r, base);
    bool here = false;
    SIM_TRY(sim_json_get_int(c->doc, obj, path, r->key, obj && (r->flags & SIM_OPT_REQUIRED),
                             to_i64(r->min), to_i64(r->max), &x, &here, c->err));
    if (!base || (!here && (r->flags & SIM_OPT_KEEP))) return SIM_OK;
    if (r->store == SIM_OPT_ST_INT) *FIELD(base, r->off, int) = (int)x;
    else if (r->store == SIM_OPT_ST_U64) *FIELD(base, r->off, uint64_t) = (uint64_t)x;
    return SIM_OK;
}

static sim_status read_enum(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                            const char *path, void *base)
{
    int k = (int)r->def;
    bool here = false;
    SIM_TRY(sim_json_get_enum(c->doc, obj, path, r->key, obj && (r->flags & SIM_OPT_REQUIRED),
                              r->choices, &k, &here, c->err));
    if (!base || (!here && (r->flags & SIM_OPT_KEEP))) return SIM_OK;
    if (r->store == SIM_OPT_ST_INT) *FIELD(base, r->off, int) = k;
    else if (r->store == SIM_OPT_ST_BOOL) *FIELD(base, r->off, bool) = k != 0;
    return SIM_OK;
}

static sim_status read_scalar(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, void *base)
{
    bool here = false;
    if (r->type == SIM_OPT_BOOL) {
        bool b = r->def != 0;
        SIM_TRY(sim_json_get_bool(c->doc, obj, path, r->key, obj && (r->flags & SIM_OPT_REQUIRED),
                                  &b, &here, c->err));
        if (base && r->store == SIM_OPT_ST_BOOL && (here || !(r->flags & SIM_OPT_KEEP)))
            *FIELD(base, r->off, bool) = b;
        return SIM_OK;
    }
    const char *s = r->def_str ? r->def_str : "";
    SIM_TRY(sim_opt_get_string(c, r, obj, path, &s, &here));
    if (r->store != SIM_OPT_ST_CHARS || (!here && (r->flags & SIM_OPT_KEEP))) return SIM_OK;
    return store_chars(c, r, path, s, base);
}

static void dist_default(const sim_opt *r, sim_dist *d)
{
    const sim_opt_dist_def *dd = r->dist_def;
    sim_dist_fini(d);
    if (dd->type == SIM_DIST_LOGNORMAL) sim_dist_lognormal_mean_cv(d, dd->a, dd->b);
    else sim_dist_deterministic(d, dd->a);
}

static sim_status read_dist(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                            const char *path, void *base)
{
    json_object *v = NULL;
    char p[512];
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, obj && (r->flags & SIM_OPT_REQUIRED),
                               json_type_object, &v, c->err));
    bool store = base && r->store == SIM_OPT_ST_DIST;
    if (!v) {
        if (store && r->dist_def && !(r->flags & SIM_OPT_KEEP))
            dist_default(r, FIELD(base, r->off, sim_dist));
        return SIM_OK;
    }
    sim_dist d;
    SIM_TRY(sim_dist_from_json(&d, c->doc, v, sim_opt_path(p, sizeof p, path, r), c->err));
    if (store) {
        sim_dist_fini(FIELD(base, r->off, sim_dist));
        *FIELD(base, r->off, sim_dist) = d;
    } else {
        sim_dist_fini(&d);
    }
    return SIM_OK;
}

/* A scalar value of a MAP or ARRAY of scalars. */
static sim_status check_item(const sim_opt_ctx *c, const sim_opt *r, json_object *v,
                             const char *p)
{
    if (r->item == SIM_OPT_STRING) {
        if (!json_object_is_type(v, json_type_string))
            SIM_JSON_FAIL(c->err, SIM_ETYPE, c->doc, p, "expected a string");
        return SIM_OK;
    }
    if (r->item == SIM_OPT_ANY) return SIM_OK;
    double x;
    SIM_TRY(sim_json_as_number(c->doc, v, p, &x, c->err));
    if (x < r->min || x > r->max) {
        if (x < 0 && r->min >= 0)
            SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, p, "must not be negative (got %g)", x);
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, p, "%g is out of range [%g, %g]", x, r->min,
                      r->max);
    }
    return SIM_OK;
}

/* An entry of a MAP or ARRAY: an object of `sub`/`variant`, or a scalar.
 * Entries are validated only: where they land is a hook's business. */
static sim_status check_entry(const sim_opt_ctx *c, const sim_opt *r, json_object *v,
                              const char *p)
{
    if (r->variant) {
        int k;
        return sim_opt_parse_variant(c, r->variant, v, p, NULL, &k);
    }
    if (!r->sub) return check_item(c, r, v, p);
    if (!json_object_is_type(v, json_type_object))
        SIM_JSON_FAIL(c->err, SIM_ETYPE, c->doc, p, "expected a JSON object");
    return sim_opt_parse(c, r->sub, v, p, NULL);
}

static sim_status read_container(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                 const char *path)
{
    json_object *v = NULL;
    char p[512], pe[768];
    bool is_map = r->type == SIM_OPT_MAP;
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, obj && (r->flags & SIM_OPT_REQUIRED),
                               is_map ? json_type_object : json_type_array, &v, c->err));
    if (!v) return SIM_OK;
    sim_opt_path(p, sizeof p, path, r);
    size_t n = is_map ? (size_t)json_object_object_length(v) : json_object_array_length(v);
    if (r->max_n > 0 && n > r->max_n)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, p, "at most %zu entries", r->max_n);
    if (is_map) {
        json_object_object_foreach(v, name, e) {
            snprintf(pe, sizeof pe, "%s.%s", p, name);
            SIM_TRY(check_entry(c, r, e, pe));
        }
        return SIM_OK;
    }
    for (size_t i = 0; i < n; i++)
        SIM_TRY(check_entry(c, r, json_object_array_get_idx(v, i),
                            sim_json_path_index(pe, sizeof pe, p, i)));
    return SIM_OK;
}

static sim_status read_object(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, void *base)
{
    json_object *v = NULL;
    char p[512];
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, obj && (r->flags & SIM_OPT_REQUIRED),
                               json_type_object, &v, c->err));
    sim_opt_path(p, sizeof p, path, r);
    void *sub = base ? (char *)base + r->off : NULL;   /* the nested struct */
    if (r->variant) {
        int k;
        return v ? sim_opt_parse_variant(c, r->variant, v, p, sub, &k) : SIM_OK;
    }
    if (!r->sub || (!v && (r->flags & SIM_OPT_KEEP))) return SIM_OK;
    return sim_opt_parse(c, r->sub, v, p, sub);
}

sim_status sim_opt_read(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                        const char *path, void *base)
{
    switch (r->type) {
    case SIM_OPT_NUMBER: return read_number(c, r, obj, path, base);
    case SIM_OPT_INT: return read_int(c, r, obj, path, base);
    case SIM_OPT_ENUM: return read_enum(c, r, obj, path, base);
    case SIM_OPT_BOOL:
    case SIM_OPT_STRING:
    case SIM_OPT_PATH: return read_scalar(c, r, obj, path, base);
    case SIM_OPT_DIST: return read_dist(c, r, obj, path, base);
    case SIM_OPT_OBJECT: return read_object(c, r, obj, path, base);
    case SIM_OPT_MAP:
    case SIM_OPT_ARRAY: return read_container(c, r, obj, path);
    case SIM_OPT_ANY: break;
    }
    if ((r->flags & SIM_OPT_REQUIRED) && obj && !sim_opt_value(r, obj)) {
        char p[512];
        SIM_JSON_FAIL(c->err, SIM_EMISSING, c->doc, sim_opt_path(p, sizeof p, path, r),
                      "required key '%s' is missing", r->key);
    }
    return SIM_OK;
}

sim_status sim_opt_parse_row(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                             const char *path, void *base)
{
    if ((r->flags & SIM_OPT_PRESENT) && base) {
        json_object *v = sim_opt_value(r, obj);
        *FIELD(base, r->has_off, bool) = v && !json_object_is_type(v, json_type_null);
    }
    if (r->parse) return r->parse(c, r, obj, path, base);
    return sim_opt_read(c, r, obj, path, base);
}

sim_status sim_opt_parse(const sim_opt_ctx *c, const sim_opt_table *t, json_object *obj,
                         const char *path, void *base)
{
    if (obj) SIM_TRY(sim_opt_check_keys(c, t, obj, path));
    for (size_t i = 0; i < t->n; i++)
        SIM_TRY(sim_opt_parse_row(c, &t->rows[i], obj, path, base));
    if (obj && t->check) SIM_TRY(t->check(c, obj, path, base));
    return SIM_OK;
}

sim_status sim_opt_parse_variant(const sim_opt_ctx *c, const sim_opt_variant *v,
                                 json_object *obj, const char *path, void *base, int *index)
{
    int k = v->def < 0 ? 0 : v->def;
    if (!json_object_is_type(obj, json_type_object))
        SIM_JSON_FAIL(c->err, SIM_ETYPE, c->doc, path, "expected a JSON object");
    SIM_TRY(sim_json_get_enum(c->doc, obj, path, v->key, v->def < 0, v->choices, &k, NULL,
                              c->err));
    *index = k;
    return sim_opt_parse(c, v->tables[k], obj, path, base);
}

/* ---- writing --------------------------------------------------------------- */

json_object *sim_opt_write_value(const sim_opt *r, const void *base, const void *user)
{
    switch (r->type) {
    case SIM_OPT_NUMBER: {
        double x = *CFIELD(base, r->off, double);
        return sim_json_double(r->per != 0 ? x * r->per : x);
    }
    case SIM_OPT_INT:
        if (r->store == SIM_OPT_ST_U64)
            return json_object_new_int64((int64_t)*CFIELD(base, r->off, uint64_t));
        return json_object_new_int64(*CFIELD(base, r->off, int));
    case SIM_OPT_BOOL: return json_object_new_boolean(*CFIELD(base, r->off, bool));
    case SIM_OPT_STRING:
    case SIM_OPT_PATH: {
        const char *s = CFIELD(base, r->off, char);
        return s[0] ? json_object_new_string(s) : NULL;
    }
    case SIM_OPT_ENUM: {
        int k = r->store == SIM_OPT_ST_BOOL ? *CFIELD(base, r->off, bool)
                                            : *CFIELD(base, r->off, int);
        return json_object_new_string(r->choices[k]);
    }
    case SIM_OPT_DIST:
        if ((r->flags & SIM_OPT_PRESENT) && !*CFIELD(base, r->has_off, bool)) return NULL;
        return sim_dist_to_json(CFIELD(base, r->off, sim_dist));
    case SIM_OPT_OBJECT: {
        if (!r->sub) return NULL;
        json_object *o = json_object_new_object();
        sim_opt_write(r->sub, (const char *)base + r->off, user, o);
        return o;
    }
    case SIM_OPT_MAP:
    case SIM_OPT_ARRAY:
    case SIM_OPT_ANY: break;
    }
    return NULL;
}

void sim_opt_write(const sim_opt_table *t, const void *base, const void *user, json_object *out)
{
    for (size_t i = 0; i < t->n; i++) {
        const sim_opt *r = &t->rows[i];
        if ((r->flags & SIM_OPT_INPUT_ONLY) || (r->when && !r->when(base))) continue;
        json_object *v = r->write ? r->write(r, base, user) : sim_opt_write_value(r, base, user);
        if (v) json_object_object_add(out, r->key, v);
    }
}

/* ---- paths ------------------------------------------------------------------- */

bool sim_path_resolve(const char *base, const char *rel, char *buf, size_t n)
{
    char tmp[4096];
    bool abs = rel[0] == '/' || !base || !base[0];
    int w = abs ? snprintf(tmp, sizeof tmp, "%s", rel) : snprintf(tmp, sizeof tmp, "%s/%s", base, rel);
    if (w < 0 || (size_t)w >= sizeof tmp) return false;
    const char *seg[512];
    size_t ns = 0;
    bool root = tmp[0] == '/';
    char *save = NULL;
    for (char *s = strtok_r(tmp, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
        if (strcmp(s, ".") == 0) continue;
        if (strcmp(s, "..") == 0 && ns > 0 && strcmp(seg[ns - 1], "..") != 0) {
            ns--;   /* "dir/.." cancels (lexically: the folder as the user named it) */
            continue;
        }
        if (strcmp(s, "..") == 0 && root) continue;   /* "/.." is "/" */
        if (ns == sizeof seg / sizeof seg[0]) return false;
        seg[ns++] = s;
    }
    size_t used = 0;
    if (n == 0) return false;
    buf[0] = '\0';
    if (root) {
        if (n < 2) return false;
        buf[used++] = '/';
        buf[used] = '\0';
    }
    for (size_t i = 0; i < ns; i++) {
        int k = snprintf(buf + used, n - used, "%s%s", i ? "/" : "", seg[i]);
        if (k < 0 || (size_t)k >= n - used) return false;
        used += (size_t)k;
    }
    if (used == 0) {
        if (n < 2) return false;
        snprintf(buf, n, ".");
    }
    return true;
}

void sim_path_dir(const char *file, char *buf, size_t n)
{
    const char *slash = strrchr(file, '/');
    if (!slash) {
        snprintf(buf, n, "%s", "");
        return;
    }
    if (slash == file) {
        snprintf(buf, n, "/");
        return;
    }
    snprintf(buf, n, "%.*s", (int)(slash - file), file);
}
