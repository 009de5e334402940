/* mdl_tf.c - read `terraform show -json` output: modules, resources,
 * attribute values, unknowns and configuration expressions (mdl_tf.h). */
#include "models/terraform/mdl_tf_internal.h"
#include "sim/sim_num.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Major versions of the JSON output format this reader understands: 0.x
 * (Terraform 0.12-0.15) and 1.x (1.0 on), whose minor versions only add
 * properties (HashiCorp, "JSON Output Format": reject an unsupported major). */
#define TF_MAJOR_MAX 1

/* Module nesting deeper than this is refused (Terraform has no limit; a
 * real configuration stays far below). */
#define TF_MAX_DEPTH 32

const char *tf_str(json_object *v)
{
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

json_object *tf_key(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (o && json_object_is_type(o, json_type_object))
        json_object_object_get_ex(o, key, &v);
    return v;
}

/* ---- attribute paths ------------------------------------------------------ */

json_object *tf_walk(json_object *o, const char *path, bool stop_true)
{
    const char *p = path;
    while (o && *p) {
        if (stop_true && json_object_is_type(o, json_type_boolean) && json_object_get_boolean(o))
            return o;
        char key[128];
        size_t k = 0;
        while (*p && *p != '.' && *p != '[' && k + 1 < sizeof key)
            key[k++] = *p++;
        key[k] = '\0';
        if (k) {
            /* A key step into a nested block (an array) takes its first element. */
            if (json_object_is_type(o, json_type_array))
                o = json_object_array_length(o) ? json_object_array_get_idx(o, 0) : NULL;
            if (stop_true && o && json_object_is_type(o, json_type_boolean) &&
                json_object_get_boolean(o))
                return o;
            o = tf_key(o, key);
        }
        while (o && *p == '[') {
            size_t i = strtoul(p + 1, NULL, 10);
            while (*p && *p != ']')
                p++;
            if (*p == ']')
                p++;
            if (stop_true && json_object_is_type(o, json_type_boolean) && json_object_get_boolean(o))
                return o;
            o = json_object_is_type(o, json_type_array) && i < json_object_array_length(o)
                    ? json_object_array_get_idx(o, i) : NULL;
        }
        if (*p == '.')
            p++;
    }
    return o;
}

json_object *mdl_tf_expr(const mdl_tf_resource *r, const char *path)
{
    json_object *e = r->expr ? tf_walk(r->expr, path, false) : NULL;
    if (e && (tf_key(e, "constant_value") || tf_key(e, "references")))
        return e;
    return NULL;
}

mdl_tf_value_state mdl_tf_attr(const mdl_tf_resource *r, const char *path, json_object **value)
{
    SIM_ASSERT(r && path);
    json_object *v = tf_walk(r->values, path, false);
    if (v && !json_object_is_type(v, json_type_null)) {
        if (value)
            *value = v;
        return MDL_TF_KNOWN;
    }
    if (value)
        *value = NULL;
    json_object *u = r->unknown ? tf_walk(r->unknown, path, true) : NULL;
    if (u && json_object_is_type(u, json_type_boolean) && json_object_get_boolean(u)) {
        /* Unknown: either configured from a value known only after apply, or
         * a computed attribute nobody set (the provider fills AWS's default). */
        if (!r->expr || mdl_tf_expr(r, path))
            return MDL_TF_UNKNOWN;
    }
    return MDL_TF_ABSENT;
}

/* ---- the plan object ------------------------------------------------------ */

mdl_tf_kind mdl_tf_kind_of(const mdl_tf_plan *p) { return p->kind; }
const char *mdl_tf_input(const mdl_tf_plan *p) { return p->doc.input; }
const char *mdl_tf_format_version(const mdl_tf_plan *p) { return p->format_version; }
const char *mdl_tf_terraform_version(const mdl_tf_plan *p) { return p->terraform_version; }
const char *mdl_tf_region(const mdl_tf_plan *p) { return p->region; }
size_t mdl_tf_count(const mdl_tf_plan *p) { return p->n; }

const mdl_tf_resource *mdl_tf_at(const mdl_tf_plan *p, size_t i)
{
    SIM_ASSERT(i < p->n);
    return &p->res[i];
}

const char *mdl_tf_module_of(const mdl_tf_plan *p, const mdl_tf_resource *r)
{
    return p->mods[r->module].prefix;
}

int tf_module_find(const mdl_tf_plan *p, const char *prefix)
{
    for (size_t i = 0; i < p->nmods; i++)
        if (strcmp(p->mods[i].prefix, prefix) == 0)
            return (int)i;
    return -1;
}

static int cmp_addr_r(const void *a, const void *b, const mdl_tf_plan *p)
{
    return strcmp(p->res[*(const int *)a].address, p->res[*(const int *)b].address);
}

/* Insertion sort by address: qsort has no context argument in C11, and
 * plans hold hundreds of resources, so O(n^2) moves are cheap enough; the
 * comparisons are what matter and binary insertion keeps them O(n log n). */
static void sort_by_address(mdl_tf_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        int x = (int)i;
        size_t lo = 0, hi = i;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cmp_addr_r(&p->by_addr[mid], &x, p) <= 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        memmove(&p->by_addr[lo + 1], &p->by_addr[lo], (i - lo) * sizeof p->by_addr[0]);
        p->by_addr[lo] = x;
    }
}

int mdl_tf_find(const mdl_tf_plan *p, const char *address)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(p->res[p->by_addr[mid]].address, address);
        if (c == 0)
            return p->by_addr[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int mdl_tf_instances(const mdl_tf_plan *p, const mdl_tf_resource *r)
{
    int n = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->res[i].module == r->module && strcmp(p->res[i].type, r->type) == 0 &&
            strcmp(p->res[i].name, r->name) == 0)
            n++;
    return n;
}

sim_status mdl_tf_fail(const mdl_tf_plan *p, const mdl_tf_resource *r, const char *attr,
                       sim_error *err, sim_status code, const char *fmt, ...)
{
    char field[256], msg[900];
    snprintf(field, sizeof field, "%s%s%s", r->address, attr && attr[0] ? "." : "",
             attr ? attr : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_error_set(err, code, __FILE__, __LINE__, p->doc.input, r->line, field, "%s", msg);
}

/* ---- loading -------------------------------------------------------------- */

static char *own(mdl_tf_plan *p, const char *s)
{
    if (p->nstrs == p->capstrs) {
        p->capstrs = p->capstrs ? 2 * p->capstrs : 32;
        p->strs = sim_xrealloc(p->strs, p->capstrs * sizeof *p->strs);
    }
    return p->strs[p->nstrs++] = sim_xstrdup(s);
}

static sim_status check_version(mdl_tf_plan *p, sim_error *err)
{
    const sim_json_doc *doc = &p->doc;
    if (!json_object_is_type(doc->root, json_type_object))
        SIM_JSON_FAIL(err, SIM_EFORMAT, doc, "", "not terraform show -json output: the top level "
                      "is not an object");
    const char *fv = NULL;
    SIM_TRY(sim_json_get_string(doc, doc->root, "", "format_version", true, &fv, NULL, err));
    /* "M.m" (or "M"): digits only, each part a strict integer (sim_num). */
    const char *dot = strchr(fv, '.');
    size_t mlen = dot ? (size_t)(dot - fv) : strlen(fv);
    int64_t major = -1, minor = 0;
    if (!isdigit((unsigned char)fv[0]) || sim_num_i64(fv, mlen, &major) != SIM_NUM_OK ||
        (dot && (!isdigit((unsigned char)dot[1]) ||
                 sim_num_i64(dot + 1, strlen(dot + 1), &minor) != SIM_NUM_OK)))
        SIM_JSON_FAIL(err, SIM_EFORMAT, doc, "format_version", "'%s' is not a version (M.m)", fv);
    if (major > TF_MAJOR_MAX)
        SIM_JSON_FAIL(err, SIM_EUNSUPPORTED, doc, "format_version",
                      "major version %lld of Terraform's JSON output format is not supported "
                      "(lambdasim reads 0.x and 1.x)", (long long)major);
    snprintf(p->format_version, sizeof p->format_version, "%s", fv);
    const char *tv = tf_str(tf_key(doc->root, "terraform_version"));
    snprintf(p->terraform_version, sizeof p->terraform_version, "%s", tv ? tv : "");
    return SIM_OK;
}

/* The configuration module of a module instance prefix, walking
 * module_calls from the root ("module.a[0].module.b." -> a, then b). */
static void config_of(json_object *root_cfg, const char *prefix, json_object **cfg,
                      json_object **call)
{
    json_object *m = root_cfg, *c = NULL;
    const char *s = prefix;
    while (m && strncmp(s, "module.", 7) == 0) {
        s += 7;
        char name[256];
        size_t k = 0;
        while (*s && *s != '.' && *s != '[' && k + 1 < sizeof name)
            name[k++] = *s++;
        name[k] = '\0';
        if (*s == '[') {               /* an instance key: skip, quotes included */
            bool q = false;
            for (s++; *s && (q || *s != ']'); s++)
                if (*s == '"' && s[-1] != '\\')
                    q = !q;
            if (*s == ']')
                s++;
        }
        if (*s == '.')
            s++;
        c = tf_key(tf_key(m, "module_calls"), name);
        m = tf_key(c, "module");
    }
    *cfg = m;
    *call = c;
}

static int add_module(mdl_tf_plan *p, const char *prefix, int parent, json_object *root_cfg)
{
    if (p->nmods == p->capmods) {
        p->capmods = p->capmods ? 2 * p->capmods : 8;
        p->mods = sim_xrealloc(p->mods, p->capmods * sizeof *p->mods);
    }
    tf_module *m = &p->mods[p->nmods];
    memset(m, 0, sizeof *m);
    snprintf(m->prefix, sizeof m->prefix, "%s", prefix);
    m->parent = parent;
    if (root_cfg)
        config_of(root_cfg, prefix, &m->config, &m->call);
    return (int)p->nmods++;
}

/* The configuration block of a resource: its module's resources[] entry
 * with the module-relative address "type.name" (managed mode). */
static json_object *config_resource(json_object *mcfg, const char *type, const char *name)
{
    json_object *arr = tf_key(mcfg, "resources");
    size_t n = arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(arr, i);
        const char *t = tf_str(tf_key(c, "type")), *nm = tf_str(tf_key(c, "name"));
        const char *mode = tf_str(tf_key(c, "mode"));
        if (t && nm && strcmp(t, type) == 0 && strcmp(nm, name) == 0 &&
            (!mode || strcmp(mode, "managed") == 0))
            return c;
    }
    return NULL;
}

static sim_status add_resource(mdl_tf_plan *p, json_object *o, const char *path, int mod,
                               sim_error *err)
{
    const sim_json_doc *doc = &p->doc;
    const char *mode = NULL;
    SIM_TRY(sim_json_get_string(doc, o, path, "mode", false, &mode, NULL, err));
    if (mode && strcmp(mode, "managed") != 0)
        return SIM_OK;                    /* data sources are read, not deployed */
    const char *addr = NULL, *type = NULL, *name = NULL;
    SIM_TRY(sim_json_get_string(doc, o, path, "address", true, &addr, NULL, err));
    SIM_TRY(sim_json_get_string(doc, o, path, "type", true, &type, NULL, err));
    SIM_TRY(sim_json_get_string(doc, o, path, "name", true, &name, NULL, err));
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        p->res = sim_xrealloc(p->res, p->cap * sizeof *p->res);
    }
    mdl_tf_resource *r = &p->res[p->n];
    memset(r, 0, sizeof *r);
    r->address = addr;
    r->type = type;
    r->name = name;
    r->module = mod;
    /* The instance key as the address writes it: after "<prefix>type.name". */
    size_t head = strlen(p->mods[mod].prefix) + strlen(type) + 1 + strlen(name);
    const char *key = strlen(addr) > head + 1 && addr[head] == '[' ? addr + head + 1 : "";
    r->index = "";
    if (key[0]) {
        char *k = own(p, key);
        size_t kl = strlen(k);
        if (kl && k[kl - 1] == ']')
            k[kl - 1] = '\0';
        r->index = k;
    }
    json_object *v = tf_key(o, "values");
    if (v && !json_object_is_type(v, json_type_object)) {
        char vp[600];
        SIM_JSON_FAIL(err, SIM_ETYPE, doc, sim_json_path(vp, sizeof vp, path, "values"),
                      "expected an object of attribute values");
    }
    r->values = v ? v : p->empty;
    if (p->mods[mod].config) {
        json_object *c = config_resource(p->mods[mod].config, type, name);
        r->expr = tf_key(c, "expressions");
    }
    p->n++;
    return SIM_OK;
}

static sim_status walk_module(mdl_tf_plan *p, json_object *m, const char *path, int parent,
                              json_object *root_cfg, int depth, sim_error *err)
{
    const sim_json_doc *doc = &p->doc;
    if (depth > TF_MAX_DEPTH)
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, path, "modules nested deeper than %d", TF_MAX_DEPTH);
    char prefix[512] = "";
    if (parent >= 0) {
        const char *a = NULL;
        SIM_TRY(sim_json_get_string(doc, m, path, "address", true, &a, NULL, err));
        snprintf(prefix, sizeof prefix, "%s.", a);
    }
    int mod = add_module(p, prefix, parent, root_cfg);
    json_object *rs = NULL, *cm = NULL;
    SIM_TRY(sim_json_get_child(doc, m, path, "resources", false, json_type_array, &rs, err));
    SIM_TRY(sim_json_get_child(doc, m, path, "child_modules", false, json_type_array, &cm, err));
    char q[512], pp[512];
    for (size_t i = 0; rs && i < json_object_array_length(rs); i++) {
        sim_json_path_index(pp, sizeof pp, sim_json_path(q, sizeof q, path, "resources"), i);
        SIM_TRY(add_resource(p, json_object_array_get_idx(rs, i), pp, mod, err));
    }
    for (size_t i = 0; cm && i < json_object_array_length(cm); i++) {
        sim_json_path_index(pp, sizeof pp, sim_json_path(q, sizeof q, path, "child_modules"), i);
        SIM_TRY(walk_module(p, json_object_array_get_idx(cm, i), pp, mod, root_cfg, depth + 1, err));
    }
    return SIM_OK;
}

/* Attach each resource's after_unknown from resource_changes (plan).  The
 * format's shapes are checked: an array of changes, each change an object,
 * after_unknown an object. */
static sim_status attach_unknowns(mdl_tf_plan *p, sim_error *err)
{
    const sim_json_doc *doc = &p->doc;
    json_object *rc = NULL;
    SIM_TRY(sim_json_get_child(doc, doc->root, "", "resource_changes", false, json_type_array, &rc,
                               err));
    size_t n = rc ? json_object_array_length(rc) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(rc, i), *ch = NULL, *u = NULL;
        char cp[64];
        sim_json_path_index(cp, sizeof cp, "resource_changes", i);
        if (!json_object_is_type(c, json_type_object))
            SIM_JSON_FAIL(err, SIM_ETYPE, doc, cp, "expected an object (a resource change)");
        const char *a = tf_str(tf_key(c, "address"));
        if (!a || tf_key(c, "deposed"))
            continue;                     /* a deposed object is on its way out */
        SIM_TRY(sim_json_get_child(doc, c, cp, "change", false, json_type_object, &ch, err));
        char chp[80];
        if (ch)
            SIM_TRY(sim_json_get_child(doc, ch, sim_json_path(chp, sizeof chp, cp, "change"),
                                       "after_unknown", false, json_type_object, &u, err));
        int ri = mdl_tf_find(p, a);
        if (ri >= 0 && u)
            p->res[ri].unknown = u;
    }
    return SIM_OK;
}

/* The line of each resource's address: resources come in file order, so
 * each search starts where the previous one ended (linear in the file). */
static void find_lines(mdl_tf_plan *p)
{
    const char *text = p->doc.text, *pos = text;
    long line = 1;
    for (size_t i = 0; i < p->n; i++) {
        json_object *s = json_object_new_string(p->res[i].address);
        const char *q = json_object_to_json_string_ext(s, JSON_C_TO_STRING_NOSLASHESCAPE);
        const char *hit = strstr(pos, q);
        if (!hit) {                       /* out of order: from the top */
            pos = text;
            line = 1;
            hit = strstr(pos, q);
        }
        if (hit) {
            for (; pos < hit; pos++)
                line += *pos == '\n';
            p->res[i].line = line;
        }
        json_object_put(s);
    }
}

/* region: the root aws provider's, a root variable's value, or an ARN's. */
static void find_region(mdl_tf_plan *p)
{
    json_object *reg = tf_key(tf_key(tf_key(tf_key(tf_key(p->doc.root, "configuration"), "provider_config"), "aws"),
                               "expressions"), "region");
    const char *r = tf_str(tf_key(reg, "constant_value"));
    json_object *refs = tf_key(reg, "references");
    if (!r && refs && json_object_is_type(refs, json_type_array) && json_object_array_length(refs)) {
        const char *ref = tf_str(json_object_array_get_idx(refs, 0));
        if (ref && strncmp(ref, "var.", 4) == 0)
            r = tf_str(tf_key(tf_key(p->variables, ref + 4), "value"));
    }
    for (size_t i = 0; !r && i < p->n; i++) {
        const char *arn = tf_str(tf_key(p->res[i].values, "arn"));
        if (arn && strncmp(arn, "arn:aws:", 8) == 0) {
            const char *s = strchr(arn + 8, ':');
            const char *e = s ? strchr(s + 1, ':') : NULL;
            if (s && e && e > s + 1 && (size_t)(e - s - 1) < sizeof p->region) {
                memcpy(p->region, s + 1, (size_t)(e - s - 1));
                p->region[e - s - 1] = '\0';
                return;
            }
        }
    }
    snprintf(p->region, sizeof p->region, "%s", r ? r : "us-east-1");
}

static sim_status build(mdl_tf_plan *p, sim_error *err)
{
    const sim_json_doc *doc = &p->doc;
    SIM_TRY(check_version(p, err));
    json_object *pv = tf_key(doc->root, "planned_values"), *sv = tf_key(doc->root, "values");
    json_object *values = pv ? pv : sv;
    const char *vkey = pv ? "planned_values" : "values";
    if (!values)
        SIM_JSON_FAIL(err, SIM_EFORMAT, doc, "format_version", "neither planned_values (a saved "
                      "plan) nor values (a state): an empty state, or not terraform show -json "
                      "output");
    p->kind = pv ? MDL_TF_PLAN : MDL_TF_STATE;
    json_object *cfg = p->kind == MDL_TF_PLAN ? tf_key(tf_key(doc->root, "configuration"), "root_module")
                                              : NULL;
    SIM_TRY(sim_json_get_child(doc, doc->root, "", "variables", false, json_type_object,
                               &p->variables, err));
    json_object *rm = NULL;
    SIM_TRY(sim_json_get_child(doc, values, vkey, "root_module", true, json_type_object, &rm, err));
    char path[64];
    SIM_TRY(walk_module(p, rm, sim_json_path(path, sizeof path, vkey, "root_module"), -1, cfg, 0, err));
    p->by_addr = sim_xcalloc(p->n ? p->n : 1, sizeof *p->by_addr);
    sort_by_address(p);
    for (size_t i = 1; i < p->n; i++) {
        const mdl_tf_resource *a = &p->res[p->by_addr[i - 1]], *b = &p->res[p->by_addr[i]];
        if (strcmp(a->address, b->address) == 0)
            return mdl_tf_fail(p, b, NULL, err, SIM_EFORMAT, "this address appears twice");
    }
    if (p->kind == MDL_TF_PLAN)
        SIM_TRY(attach_unknowns(p, err));
    find_lines(p);
    find_region(p);
    tf_index_build(p);
    return SIM_OK;
}

static sim_status finish(sim_status s, mdl_tf_plan *p, mdl_tf_plan **out)
{
    if (s != SIM_OK) {
        mdl_tf_destroy(p);
        return s;
    }
    *out = p;
    return SIM_OK;
}

sim_status mdl_tf_load(const char *path, mdl_tf_plan **out, sim_error *err)
{
    SIM_ASSERT(path && out);
    *out = NULL;
    mdl_tf_plan *p = sim_xcalloc(1, sizeof *p);
    p->empty = json_object_new_object();
    sim_status s = sim_json_doc_load(&p->doc, path, err);
    return finish(s == SIM_OK ? build(p, err) : s, p, out);
}

sim_status mdl_tf_parse(const char *text, const char *label, mdl_tf_plan **out, sim_error *err)
{
    SIM_ASSERT(text && out);
    *out = NULL;
    mdl_tf_plan *p = sim_xcalloc(1, sizeof *p);
    p->empty = json_object_new_object();
    sim_status s = sim_json_doc_parse(&p->doc, text, label ? label : "-", err);
    return finish(s == SIM_OK ? build(p, err) : s, p, out);
}

void mdl_tf_destroy(mdl_tf_plan *p)
{
    if (!p)
        return;
    sim_json_doc_fini(&p->doc);
    json_object_put(p->empty);
    for (size_t i = 0; i < p->nstrs; i++)
        free(p->strs[i]);
    free(p->strs);
    free(p->res);
    free(p->by_addr);
    free(p->idents);
    free(p->mods);
    free(p);
}
