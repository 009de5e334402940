/* sim_opt_doc.c - what an option table says about itself: a JSON Schema
 * (draft 2020-12) and the Markdown key table of the README. */
#include "sim/sim_opt.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* ---- schema -------------------------------------------------------------- */

static json_object *typed(const char *type, bool nullable)
{
    json_object *o = json_object_new_object();
    if (nullable) {
        json_object *a = json_object_new_array();
        json_object_array_add(a, json_object_new_string(type));
        json_object_array_add(a, json_object_new_string("null"));
        json_object_object_add(o, "type", a);
    } else {
        sim_json_add_string(o, "type", type);
    }
    return o;
}

static void add_bound(json_object *o, const char *key, double v, bool integer)
{
    if (!isfinite(v)) return;   /* no bound */
    if (integer) sim_json_add_int(o, key, v >= 9.2e18 ? INT64_MAX : (int64_t)v);
    else sim_json_add_double(o, key, v);
}

static json_object *string_list(const char *const *s)
{
    json_object *a = json_object_new_array();
    for (int i = 0; s[i]; i++) json_object_array_add(a, json_object_new_string(s[i]));
    return a;
}

static json_object *dist_default_json(const sim_opt_dist_def *d)
{
    json_object *o = json_object_new_object();
    sim_json_add_string(o, "dist", sim_dist_name(d->type));
    if (d->type == SIM_DIST_LOGNORMAL) {
        sim_json_add_double(o, "mean_ms", d->a);
        sim_json_add_double(o, "cv", d->b);
    } else {
        sim_json_add_double(o, "value_ms", d->a);
    }
    return o;
}

/* A MAP value or ARRAY item. */
static json_object *entry_schema(const sim_opt *r)
{
    if (r->variant) return sim_opt_schema_variant(r->variant);
    if (r->sub) return sim_opt_schema(r->sub);
    if (r->item == SIM_OPT_STRING) return typed("string", false);
    if (r->item == SIM_OPT_ANY) return json_object_new_object();
    json_object *o = typed(r->item == SIM_OPT_INT ? "integer" : "number", false);
    add_bound(o, "minimum", r->min, r->item == SIM_OPT_INT);
    add_bound(o, "maximum", r->max, r->item == SIM_OPT_INT);
    return o;
}

static json_object *base_schema(const sim_opt *r)
{
    bool nul = (r->flags & SIM_OPT_NULLABLE) != 0;
    json_object *o;
    switch (r->type) {
    case SIM_OPT_NUMBER:
    case SIM_OPT_INT:
        o = typed(r->type == SIM_OPT_INT ? "integer" : "number", nul);
        add_bound(o, "minimum", r->min, r->type == SIM_OPT_INT);
        add_bound(o, "maximum", r->max, r->type == SIM_OPT_INT);
        return o;
    case SIM_OPT_BOOL: return typed("boolean", nul);
    case SIM_OPT_STRING:
    case SIM_OPT_PATH:
        o = typed("string", nul);
        if (r->store == SIM_OPT_ST_CHARS) sim_json_add_int(o, "maxLength", (int64_t)r->size - 1);
        if (r->pattern) sim_json_add_string(o, "pattern", r->pattern);
        return o;
    case SIM_OPT_ENUM:
        o = typed("string", nul);
        json_object_object_add(o, "enum", string_list(r->choices));
        return o;
    case SIM_OPT_DIST:
        o = json_object_new_object();
        sim_json_add_string(o, "$ref", "#/$defs/dist");
        return o;
    case SIM_OPT_OBJECT:
        if (r->variant) return sim_opt_schema_variant(r->variant);
        return r->sub ? sim_opt_schema(r->sub) : typed("object", nul);
    case SIM_OPT_MAP:
        o = typed("object", nul);
        json_object_object_add(o, "additionalProperties", entry_schema(r));
        if (r->max_n > 0) sim_json_add_int(o, "maxProperties", (int64_t)r->max_n);
        return o;
    case SIM_OPT_ARRAY:
        o = typed("array", nul);
        json_object_object_add(o, "items", entry_schema(r));
        if (r->max_n > 0) sim_json_add_int(o, "maxItems", (int64_t)r->max_n);
        return o;
    case SIM_OPT_ANY: break;
    }
    return json_object_new_object();
}

static void add_default(json_object *o, const sim_opt *r)
{
    if ((r->flags & SIM_OPT_REQUIRED) || r->def_doc || r->def_fn) return;
    switch (r->type) {
    case SIM_OPT_NUMBER: sim_json_add_double(o, "default", r->def); break;
    case SIM_OPT_INT: sim_json_add_int(o, "default", (int64_t)r->def); break;
    case SIM_OPT_BOOL: sim_json_add_bool(o, "default", r->def != 0); break;
    case SIM_OPT_STRING:
        if (r->def_str && r->def_str[0]) sim_json_add_string(o, "default", r->def_str);
        break;
    case SIM_OPT_ENUM: sim_json_add_string(o, "default", r->choices[(int)r->def]); break;
    case SIM_OPT_DIST:
        if (r->dist_def) json_object_object_add(o, "default", dist_default_json(r->dist_def));
        break;
    default: break;
    }
}

json_object *sim_opt_schema_value(const sim_opt *r)
{
    json_object *o = r->schema ? r->schema(r) : base_schema(r);
    if (r->doc && !json_object_object_get_ex(o, "description", NULL)) {
        char d[2048];
        snprintf(d, sizeof d, "%s%s%s%s", r->doc, r->unit ? " (" : "", r->unit ? r->unit : "",
                 r->unit ? ")" : "");
        sim_json_add_string(o, "description", d);
    }
    add_default(o, r);
    return o;
}

json_object *sim_opt_schema(const sim_opt_table *t)
{
    json_object *o = json_object_new_object(), *props = json_object_new_object();
    json_object *req = json_object_new_array();
    sim_json_add_string(o, "type", "object");
    for (size_t i = 0; i < t->n; i++) {
        const sim_opt *r = &t->rows[i];
        json_object_object_add(props, r->key, sim_opt_schema_value(r));
        if (r->flags & SIM_OPT_REQUIRED) json_object_array_add(req, json_object_new_string(r->key));
    }
    json_object_object_add(o, "properties", props);
    if (json_object_array_length(req)) json_object_object_add(o, "required", req);
    else json_object_put(req);
    json_object_object_add(o, "additionalProperties", json_object_new_boolean(0));
    return o;
}

json_object *sim_opt_schema_variant(const sim_opt_variant *v)
{
    json_object *one = json_object_new_array();
    for (int k = 0; v->choices[k]; k++) {
        json_object *s = sim_opt_schema(v->tables[k]), *props, *d, *req;
        json_object_object_get_ex(s, "properties", &props);
        d = json_object_new_object();
        json_object *e = json_object_new_array();
        json_object_array_add(e, json_object_new_string(v->choices[k]));
        json_object_object_add(d, "enum", e);
        json_object_object_add(props, v->key, d);
        if (v->def != k) {   /* the default variant may leave its key out */
            if (!json_object_object_get_ex(s, "required", &req)) {
                req = json_object_new_array();
                json_object_object_add(s, "required", req);
            }
            json_object_array_add(req, json_object_new_string(v->key));
        }
        json_object_array_add(one, s);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "oneOf", one);
    return o;
}

json_object *sim_opt_schema_document(const sim_opt_table *t, const char *id, const char *title,
                                     const char *description, bool with_dist)
{
    json_object *o = json_object_new_object();
    sim_json_add_string(o, "$schema", "https://json-schema.org/draft/2020-12/schema");
    sim_json_add_string(o, "$id", id);
    sim_json_add_string(o, "title", title);
    sim_json_add_string(o, "description", description);
    json_object *s = sim_opt_schema(t);
    json_object_object_foreach(s, k, v) json_object_object_add(o, k, json_object_get(v));
    json_object_put(s);
    if (with_dist) {
        json_object *defs = json_object_new_object();
        json_object_object_add(defs, "dist", sim_dist_schema());
        json_object_object_add(o, "$defs", defs);
    }
    return o;
}

/* ---- Markdown ------------------------------------------------------------ */

void sim_opt_markdown_header(FILE *fp)
{
    fputs("| key | type | default | values | meaning |\n|---|---|---|---|---|\n", fp);
}

/* Table cells: a '|' would end the cell. */
static void md_text(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|') fputs("\\|", fp);
        else if (*s == '\n') fputc(' ', fp);
        else fputc(*s, fp);
    }
}

static void md_num(char *buf, size_t n, double v)
{
    if (v == floor(v) && fabs(v) < 1e15) snprintf(buf, n, "%.0f", v);
    else snprintf(buf, n, "%g", v);
}

static const char *type_name(const sim_opt *r)
{
    static const char *const names[] = {
        [SIM_OPT_NUMBER] = "number", [SIM_OPT_INT] = "integer", [SIM_OPT_BOOL] = "boolean",
        [SIM_OPT_STRING] = "string", [SIM_OPT_PATH] = "file", [SIM_OPT_ENUM] = "enum",
        [SIM_OPT_DIST] = "distribution", [SIM_OPT_OBJECT] = "object", [SIM_OPT_MAP] = "map",
        [SIM_OPT_ARRAY] = "array", [SIM_OPT_ANY] = "any JSON" };
    return names[r->type];
}

static void md_default(FILE *fp, const sim_opt *r)
{
    char b[64];
    if (r->flags & SIM_OPT_REQUIRED) { fputs("required", fp); return; }
    if (r->def_doc) { md_text(fp, r->def_doc); return; }
    switch (r->type) {
    case SIM_OPT_NUMBER:
    case SIM_OPT_INT: md_num(b, sizeof b, r->def); fputs(b, fp); return;
    case SIM_OPT_BOOL: fputs(r->def != 0 ? "true" : "false", fp); return;
    case SIM_OPT_STRING:
        if (r->def_str && r->def_str[0]) fprintf(fp, "`%s`", r->def_str);
        else fputs("none", fp);
        return;
    case SIM_OPT_ENUM: fprintf(fp, "`%s`", r->choices[(int)r->def]); return;
    case SIM_OPT_DIST:
        if (!r->dist_def) { fputs("none", fp); return; }
        md_num(b, sizeof b, r->dist_def->a);
        if (r->dist_def->type == SIM_DIST_LOGNORMAL)
            fprintf(fp, "lognormal, mean %s ms, cv %g", b, r->dist_def->b);
        else
            fprintf(fp, "%s ms", b);
        return;
    case SIM_OPT_OBJECT: return;
    default: fputs("none", fp); return;
    }
}

static void md_values(FILE *fp, const sim_opt *r)
{
    char lo[64], hi[64];
    switch (r->type) {
    case SIM_OPT_NUMBER:
    case SIM_OPT_INT:
        md_num(lo, sizeof lo, r->min);
        md_num(hi, sizeof hi, r->max);
        if (r->max >= 1e9) fprintf(fp, "≥ %s", lo);
        else fprintf(fp, "%s to %s", lo, hi);
        if (r->unit) fprintf(fp, " %s", r->unit);
        return;
    case SIM_OPT_ENUM:
        for (int i = 0; r->choices[i]; i++) fprintf(fp, "%s`%s`", i ? ", " : "", r->choices[i]);
        return;
    case SIM_OPT_MAP:
    case SIM_OPT_ARRAY:
        if (r->max_n > 0) fprintf(fp, "up to %zu", r->max_n);
        if (!r->sub && !r->variant && r->item == SIM_OPT_NUMBER)
            fprintf(fp, "%snumbers ≥ %g%s%s", r->max_n ? "; " : "", r->min, r->unit ? " " : "",
                    r->unit ? r->unit : "");
        return;
    default:
        if (r->unit) fputs(r->unit, fp);
        return;
    }
}

static void md_row(FILE *fp, const sim_opt *r, const char *key, const char *only)
{
    fprintf(fp, "| `%s` | %s | ", key, r->type_doc ? r->type_doc : type_name(r));
    md_default(fp, r);
    fputs(" | ", fp);
    md_values(fp, r);
    fputs(" | ", fp);
    if (only) fprintf(fp, "(%s) ", only);
    md_text(fp, r->doc);
    fputs(" |\n", fp);
}

static void md_recurse(FILE *fp, const sim_opt *r, const char *key);

/* A variant: the discriminator once, then each key once, tagged with the
 * choices that have it when not all do. */
static void md_variant(FILE *fp, const sim_opt_variant *v, const char *prefix)
{
    char key[512], only[256];
    int nk = 0;
    while (v->choices[nk]) nk++;
    const sim_opt *d = sim_opt_find(v->tables[0], v->key);
    sim_opt dr = *d;
    dr.choices = v->choices;
    dr.def = v->def < 0 ? 0 : v->def;
    dr.flags = v->def < 0 ? SIM_OPT_REQUIRED : 0;
    snprintf(key, sizeof key, "%s.%s", prefix, v->key);
    md_row(fp, &dr, key, NULL);
    for (int k = 0; k < nk; k++) {
        const sim_opt_table *t = v->tables[k];
        for (size_t i = 0; i < t->n; i++) {
            const sim_opt *r = &t->rows[i];
            bool seen = strcmp(r->key, v->key) == 0;
            for (int j = 0; j < k && !seen; j++) seen = sim_opt_find(v->tables[j], r->key) != NULL;
            if (seen) continue;
            size_t used = 0;
            int have = 0;
            only[0] = '\0';
            for (int j = k; j < nk; j++) {
                if (!sim_opt_find(v->tables[j], r->key)) continue;
                int w = snprintf(only + used, sizeof only - used, "%s`%s`", have ? ", " : "",
                                 v->choices[j]);
                if (w > 0 && (size_t)w < sizeof only - used) used += (size_t)w;
                have++;
            }
            snprintf(key, sizeof key, "%s.%s", prefix, r->key);
            md_row(fp, r, key, have == nk ? NULL : only);
            md_recurse(fp, r, key);
        }
    }
}

static void md_recurse(FILE *fp, const sim_opt *r, const char *key)
{
    char sub[512];
    if (r->type == SIM_OPT_OBJECT) {
        if (r->variant) md_variant(fp, r->variant, key);
        else if (r->sub) sim_opt_markdown(r->sub, key, fp);
    } else if (r->type == SIM_OPT_MAP || r->type == SIM_OPT_ARRAY) {
        if (r->type == SIM_OPT_MAP)
            snprintf(sub, sizeof sub, "%s.<%s>", key, r->item_name ? r->item_name : "name");
        else
            snprintf(sub, sizeof sub, "%s[]", key);
        if (r->variant) md_variant(fp, r->variant, sub);
        else if (r->sub) sim_opt_markdown(r->sub, sub, fp);
    }
}

void sim_opt_markdown(const sim_opt_table *t, const char *prefix, FILE *fp)
{
    char key[512];
    for (size_t i = 0; i < t->n; i++) {
        const sim_opt *r = &t->rows[i];
        if (prefix && prefix[0]) snprintf(key, sizeof key, "%s.%s", prefix, r->key);
        else snprintf(key, sizeof key, "%s", r->key);
        md_row(fp, r, key, NULL);
        md_recurse(fp, r, key);
    }
}
