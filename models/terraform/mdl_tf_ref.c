/* mdl_tf_ref.c - which resource a value or a reference names: references
 * through module outputs and variables, ARNs, URLs, names and ids
 * (mdl_tf.h: mdl_tf_refs, mdl_tf_resolve, mdl_tf_match, mdl_tf_link). */
#include "models/terraform/mdl_tf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Output -> variable -> output chains longer than this are taken for a
 * cycle even when no step repeats (none of Terraform's own limits; real
 * configurations pass a value through a few module levels). */
#define TF_REF_DEPTH 64


static bool type_in(const char *type, const char *const *types)
{
    if (!types)
        return true;
    for (; *types; types++)
        if (strcmp(type, *types) == 0)
            return true;
    return false;
}

/* ---- references ----------------------------------------------------------- */

typedef struct tf_refs {
    const mdl_tf_plan *p;
    const char *const *types;
    int *found;
    size_t n, cap;
    int step_mod[TF_REF_DEPTH];          /* the chain being followed (cycles) */
    char step_ref[TF_REF_DEPTH][160];
    int depth;
    size_t origin;
    sim_error *err;
} tf_refs;

static void found_add(tf_refs *c, int ri)
{
    if (!type_in(c->p->res[ri].type, c->types))
        return;
    for (size_t i = 0; i < c->n; i++)
        if (c->found[i] == ri)
            return;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 8;
        c->found = sim_xrealloc(c->found, c->cap * sizeof *c->found);
    }
    c->found[c->n++] = ri;
}

/* A reference's parts: head.name[key].rest */
typedef struct tf_ref_parts {
    char head[64], name[128], key[128], rest[128];
    bool has_key;
} tf_ref_parts;

static const char *ident(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    while (*s && *s != '.' && *s != '[' && k + 1 < n)
        buf[k++] = *s++;
    buf[k] = '\0';
    return s;
}

static void split_ref(const char *ref, tf_ref_parts *r)
{
    memset(r, 0, sizeof *r);
    const char *s = ident(ref, r->head, sizeof r->head);
    if (*s == '.')
        s = ident(s + 1, r->name, sizeof r->name);
    if (*s == '[') {
        const char *b = ++s;
        bool q = false;
        for (; *s && (q || *s != ']'); s++)
            if (*s == '"' && s[-1] != '\\')
                q = !q;
        size_t k = (size_t)(s - b) < sizeof r->key ? (size_t)(s - b) : sizeof r->key - 1;
        memcpy(r->key, b, k);
        r->key[k] = '\0';
        r->has_key = true;
        if (*s == ']')
            s++;
    }
    if (*s == '.')
        snprintf(r->rest, sizeof r->rest, "%s", s + 1);
}

static sim_status resolve_in(tf_refs *c, int mod, const char *ref);

static sim_status resolve_expr(tf_refs *c, int mod, json_object *e)
{
    json_object *refs = tf_key(e, "references");
    size_t n = refs && json_object_is_type(refs, json_type_array) ? json_object_array_length(refs) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *r = tf_str(json_object_array_get_idx(refs, i));
        if (r)
            SIM_TRY(resolve_in(c, mod, r));
    }
    return SIM_OK;
}

/* Follow one step through a variable or an output, refusing cycles. */
static sim_status follow(tf_refs *c, int from_mod, const char *ref, int to_mod, json_object *e)
{
    for (int i = 0; i < c->depth; i++)
        if (c->step_mod[i] == from_mod && strcmp(c->step_ref[i], ref) == 0) {
            char chain[900] = "";
            for (int j = i; j < c->depth; j++) {
                size_t l = strlen(chain);
                snprintf(chain + l, sizeof chain - l, "%s%s%s", c->p->mods[c->step_mod[j]].prefix,
                         c->step_ref[j], " -> ");
            }
            size_t l = strlen(chain);
            snprintf(chain + l, sizeof chain - l, "%s%s", c->p->mods[from_mod].prefix, ref);
            return mdl_tf_fail(c->p, &c->p->res[c->origin], NULL, c->err, SIM_EFORMAT,
                               "reference cycle: %s", chain);
        }
    if (c->depth == TF_REF_DEPTH)
        return mdl_tf_fail(c->p, &c->p->res[c->origin], NULL, c->err, SIM_EFORMAT,
                           "references pass through more than %d module outputs and variables "
                           "(a cycle?) at %s%s", TF_REF_DEPTH, c->p->mods[from_mod].prefix, ref);
    c->step_mod[c->depth] = from_mod;
    snprintf(c->step_ref[c->depth], sizeof c->step_ref[0], "%s", ref);
    c->depth++;
    sim_status s = resolve_expr(c, to_mod, e);
    c->depth--;
    return s;
}

/* module.<name>[key].<output>: the output's expression, in each matching
 * instance of the called module. */
static sim_status resolve_module(tf_refs *c, int mod, const tf_ref_parts *r, const char *ref)
{
    char out[128];
    ident(r->rest, out, sizeof out);
    if (!out[0])
        return SIM_OK;                  /* "module.m" alone: implied by module.m.out */
    char want[700];
    snprintf(want, sizeof want, "%smodule.%s", c->p->mods[mod].prefix, r->name);
    size_t wl = strlen(want);
    for (size_t k = 0; k < c->p->nmods; k++) {
        const tf_module *m = &c->p->mods[k];
        if (m->parent != mod || strncmp(m->prefix, want, wl) != 0)
            continue;
        const char *tail = m->prefix + wl;
        bool match = r->has_key ? (tail[0] == '[' && strncmp(tail + 1, r->key, strlen(r->key)) == 0 &&
                                   tail[1 + strlen(r->key)] == ']')
                                : (tail[0] == '.' || tail[0] == '[');
        if (!match)
            continue;
        json_object *e = tf_key(tf_key(tf_key(m->config, "outputs"), out), "expression");
        if (e)
            SIM_TRY(follow(c, mod, ref, (int)k, e));
    }
    return SIM_OK;
}

static sim_status resolve_in(tf_refs *c, int mod, const char *ref)
{
    static const char *const k_no_resource[] = { "data", "local", "path", "each", "count",
                                                 "self", "terraform", NULL };
    tf_ref_parts r;
    split_ref(ref, &r);
    if (!r.name[0])
        return SIM_OK;
    if (strcmp(r.head, "var") == 0) {
        const tf_module *m = &c->p->mods[mod];
        json_object *e = tf_key(tf_key(m->call, "expressions"), r.name);
        /* Root variables hold values, not resources. */
        return m->parent >= 0 && e ? follow(c, mod, ref, m->parent, e) : SIM_OK;
    }
    if (strcmp(r.head, "module") == 0)
        return resolve_module(c, mod, &r, ref);
    for (const char *const *h = k_no_resource; *h; h++)
        if (strcmp(r.head, *h) == 0)
            return SIM_OK;
    char addr[900];
    int n = snprintf(addr, sizeof addr, "%s%s.%s", c->p->mods[mod].prefix, r.head, r.name);
    if (r.has_key) {
        snprintf(addr + n, sizeof addr - (size_t)n, "[%s]", r.key);
        int ri = mdl_tf_find(c->p, addr);
        if (ri >= 0)
            found_add(c, ri);
        return SIM_OK;
    }
    int ri = mdl_tf_find(c->p, addr);
    if (ri >= 0) {
        found_add(c, ri);
        return SIM_OK;
    }
    for (size_t i = 0; i < c->p->n; i++) {      /* every instance of a count/for_each */
        const mdl_tf_resource *x = &c->p->res[i];
        if (x->module == mod && strcmp(x->type, r.head) == 0 && strcmp(x->name, r.name) == 0)
            found_add(c, (int)i);
    }
    return SIM_OK;
}

/* Every expression of a block, nested blocks included. */
static sim_status resolve_all(tf_refs *c, int mod, json_object *o)
{
    if (!o)
        return SIM_OK;
    if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            SIM_TRY(resolve_all(c, mod, json_object_array_get_idx(o, i)));
        return SIM_OK;
    }
    if (!json_object_is_type(o, json_type_object))
        return SIM_OK;
    if (tf_key(o, "references"))
        return resolve_expr(c, mod, o);
    if (tf_key(o, "constant_value"))
        return SIM_OK;
    json_object_object_foreach(o, k, v) {
        (void)k;
        SIM_TRY(resolve_all(c, mod, v));
    }
    return SIM_OK;
}

static sim_status refs_done(tf_refs *c, sim_status s, int *out, int max, int *n)
{
    if (s == SIM_OK) {
        for (size_t i = 0; i < c->n && (int)i < max; i++)
            out[i] = c->found[i];
        *n = (int)c->n;
    }
    free(c->found);
    return s;
}

sim_status mdl_tf_refs(const mdl_tf_plan *p, size_t ri, const char *path,
                       const char *const *types, int *out, int max, int *n, sim_error *err)
{
    SIM_ASSERT(p && ri < p->n && n);
    tf_refs c = { .p = p, .types = types, .origin = ri, .err = err };
    const mdl_tf_resource *r = &p->res[ri];
    sim_status s;
    if (path) {
        json_object *e = mdl_tf_expr(r, path);
        s = e ? resolve_expr(&c, r->module, e) : SIM_OK;
    } else {
        s = resolve_all(&c, r->module, r->expr);
    }
    return refs_done(&c, s, out, max, n);
}

sim_status mdl_tf_resolve(const mdl_tf_plan *p, size_t ri, const char *ref,
                          const char *const *types, int *out, int max, int *n, sim_error *err)
{
    SIM_ASSERT(p && ri < p->n && ref && n);
    tf_refs c = { .p = p, .types = types, .origin = ri, .err = err };
    sim_status s = resolve_in(&c, p->res[ri].module, ref);
    return refs_done(&c, s, out, max, n);
}

/* ---- values: ARNs, URLs, names, ids --------------------------------------- */

/* Per type: the ARN service, the attribute holding its name, the
 * attributes a value may equal.  Other types are matched by id and arn. */
static const struct tf_ident {
    const char *type, *service, *name_attr;
    const char *ids[6];
} k_ident[] = {
    { "aws_lambda_function", "lambda", "function_name",
      { "arn", "function_name", "invoke_arn", "qualified_arn", "id", NULL } },
    { "aws_sqs_queue", "sqs", "name", { "arn", "url", "id", "name", NULL } },
    { "aws_s3_bucket", "s3", "bucket", { "bucket", "id", "arn", NULL } },
    { "aws_sfn_state_machine", "states", "name", { "arn", "id", "name", NULL } },
    { "aws_dynamodb_table", "dynamodb", "name", { "name", "arn", "id", NULL } },
    { "aws_launch_template", "ec2", "name", { "id", "name", "arn", NULL } },
    { "aws_api_gateway_rest_api", NULL, NULL, { "id", "root_resource_id", "arn", NULL } },
};
static const struct tf_ident k_ident_other = { NULL, NULL, NULL, { "id", "arn", NULL } };

static const struct tf_ident *ident_of(const char *type)
{
    for (size_t i = 0; i < sizeof k_ident / sizeof k_ident[0]; i++)
        if (strcmp(k_ident[i].type, type) == 0)
            return &k_ident[i];
    return &k_ident_other;
}

/* The n-th ':'-separated field of s into buf ("" when missing). */
static void field(const char *s, int n, char *buf, size_t len)
{
    for (int i = 0; i < n && s; i++) {
        s = strchr(s, ':');
        if (s)
            s++;
    }
    size_t k = s ? strcspn(s, ":") : 0;
    if (k >= len)
        k = len - 1;
    if (s)
        memcpy(buf, s, k);
    buf[k] = '\0';
}

/* The name an ARN or a URL carries for this service, or "" (a plain name
 * or id: compared as it is).  API Gateway invoke ARNs wrap a function ARN. */
static void name_in(const struct tf_ident *id, const char *v, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!id->service)
        return;
    const char *inner = strstr(v, "/functions/arn:");
    char tmp[512];
    if (strncmp(v, "arn:aws:apigateway:", 19) == 0 && inner) {
        snprintf(tmp, sizeof tmp, "%s", inner + strlen("/functions/"));
        tmp[strcspn(tmp, "/")] = '\0';
        v = tmp;
    }
    if (strncmp(v, "https://", 8) == 0) {
        if (strcmp(id->service, "sqs") == 0) {
            const char *s = strrchr(v, '/');
            snprintf(buf, len, "%s", s ? s + 1 : "");
        }
        return;
    }
    char svc[32], res[256];
    if (strncmp(v, "arn:", 4) != 0)
        return;
    field(v, 2, svc, sizeof svc);
    if (strcmp(svc, id->service) != 0)
        return;
    field(v, 5, res, sizeof res);
    if ((strcmp(svc, "lambda") == 0 && strcmp(res, "function") == 0) ||
        (strcmp(svc, "states") == 0 && strcmp(res, "stateMachine") == 0))
        field(v, 6, buf, len);             /* function:NAME[:qualifier], stateMachine:NAME */
    else if (strcmp(svc, "lambda") == 0 || strcmp(svc, "states") == 0)
        return;                            /* a layer, an activity, an execution */
    else if (strcmp(svc, "dynamodb") == 0 || strcmp(svc, "ec2") == 0)
        snprintf(buf, len, "%s", strchr(res, '/') ? strchr(res, '/') + 1 : "");
    else
        snprintf(buf, len, "%s", res);     /* sqs: NAME; s3: NAME[/key] */
    if (strcmp(svc, "s3") == 0 || strcmp(svc, "dynamodb") == 0)
        buf[strcspn(buf, "/")] = '\0';
}

static int cmp_ident(const void *a, const void *b)
{
    const tf_ident_entry *x = a, *y = b;
    int c = strcmp(x->s, y->s);
    return c ? c : (x->ri > y->ri) - (x->ri < y->ri);
}

void tf_index_build(mdl_tf_plan *p)
{
    size_t cap = 0;
    for (size_t i = 0; i < p->n; i++) {
        const struct tf_ident *id = ident_of(p->res[i].type);
        for (const char *const *a = id->ids; *a; a++) {
            const char *x = tf_str(tf_key(p->res[i].values, *a));
            if (!x)
                continue;
            if (p->nidents == cap) {
                cap = cap ? 2 * cap : 64;
                p->idents = sim_xrealloc(p->idents, cap * sizeof *p->idents);
            }
            p->idents[p->nidents++] = (tf_ident_entry){ x, (int)i,
                id->name_attr && strcmp(*a, id->name_attr) == 0 };
        }
    }
    if (p->nidents)
        qsort(p->idents, p->nidents, sizeof *p->idents, cmp_ident);
}

/* The first index entry whose string is s (p->nidents when none). */
static size_t ident_lower(const mdl_tf_plan *p, const char *s)
{
    size_t lo = 0, hi = p->nidents;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(p->idents[mid].s, s) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Add the resources of `types` the index holds under s (only name
 * attributes of `id`'s type when id is given) to found[0..*n), once each. */
static void index_hits(const mdl_tf_plan *p, const char *s, const char *const *types,
                       const struct tf_ident *id, int *found, int *n, int max)
{
    for (size_t k = ident_lower(p, s); k < p->nidents && strcmp(p->idents[k].s, s) == 0; k++) {
        const tf_ident_entry *e = &p->idents[k];
        const char *type = p->res[e->ri].type;
        if (!type_in(type, types) || (id && (!e->is_name || strcmp(type, id->type) != 0)))
            continue;
        bool seen = false;
        for (int j = 0; j < *n && !seen; j++)
            seen = found[j] == e->ri;
        if (!seen && *n < max)
            found[(*n)++] = e->ri;
    }
}

void mdl_tf_match(const mdl_tf_plan *p, const char *value, const char *const *types,
                  int *out, int max, int *n)
{
    SIM_ASSERT(p && value && n);
    int found[64], nf = 0;
    index_hits(p, value, types, NULL, found, &nf, 64);
    /* An ARN or a URL: the name it carries, against each type's name. */
    for (size_t t = 0; t < sizeof k_ident / sizeof k_ident[0]; t++) {
        char nm[256];
        if (!k_ident[t].name_attr || !type_in(k_ident[t].type, types))
            continue;
        name_in(&k_ident[t], value, nm, sizeof nm);
        if (nm[0])
            index_hits(p, nm, types, &k_ident[t], found, &nf, 64);
    }
    qsort(found, (size_t)nf, sizeof found[0], cmp_int);
    for (int i = 0; i < nf && i < max; i++)
        out[i] = found[i];
    *n = nf;
}

/* "a or b" */
static const char *type_list(const char *const *types, char *buf, size_t n)
{
    buf[0] = '\0';
    for (const char *const *t = types; t && *t; t++) {
        size_t l = strlen(buf);
        snprintf(buf + l, n - l, "%s%s", t == types ? "" : " or ", *t);
    }
    return buf[0] ? buf : "resource";
}

/* "ref1, ref2" of an expression (for messages). */
static const char *ref_list(json_object *e, char *buf, size_t n)
{
    buf[0] = '\0';
    json_object *refs = tf_key(e, "references");
    for (size_t i = 0; refs && i < json_object_array_length(refs); i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, n - l, "%s%s", i ? ", " : "",
                 tf_str(json_object_array_get_idx(refs, i)) ? tf_str(json_object_array_get_idx(refs, i)) : "?");
    }
    return buf[0] ? buf : "none";
}

static sim_status link_many(const mdl_tf_plan *p, const mdl_tf_resource *r, const char *path,
                            const int *found, int n, sim_error *err)
{
    char list[600] = "";
    for (int i = 0; i < n && i < 4; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", p->res[found[i]].address);
    }
    return mdl_tf_fail(p, r, path, err, SIM_EFORMAT, "names %d resources (%s%s); the simulator "
                       "needs exactly one", n, list, n > 4 ? ", ..." : "");
}

sim_status mdl_tf_link(const mdl_tf_plan *p, size_t ri, const char *path,
                       const char *const *types, bool required, int *out, sim_error *err)
{
    SIM_ASSERT(p && ri < p->n && path && out);
    const mdl_tf_resource *r = &p->res[ri];
    json_object *v = NULL;
    int found[8] = { -1 }, n = 0;
    char tl[200], rl[600];
    *out = -1;
    switch (mdl_tf_attr(r, path, &v)) {
    case MDL_TF_KNOWN: {
        const char *s = tf_str(v);
        if (!s)
            return mdl_tf_fail(p, r, path, err, SIM_ETYPE, "expected a name, ARN or id, got %s",
                               json_object_to_json_string(v));
        mdl_tf_match(p, s, types, found, 8, &n);
        if (n == 0)
            return mdl_tf_fail(p, r, path, err, SIM_EUNKNOWN, "'%s' names no %s of this "
                               "configuration (the simulator needs it: declare it here)", s,
                               type_list(types, tl, sizeof tl));
        break;
    }
    case MDL_TF_UNKNOWN:
        SIM_TRY(mdl_tf_refs(p, ri, path, types, found, 8, &n, err));
        if (n == 0)
            return mdl_tf_fail(p, r, path, err, SIM_EUNKNOWN, "unknown until apply, and its "
                               "references (%s) name no %s: an unknown reference",
                               ref_list(mdl_tf_expr(r, path), rl, sizeof rl),
                               type_list(types, tl, sizeof tl));
        break;
    case MDL_TF_ABSENT:
        if (required)
            return mdl_tf_fail(p, r, path, err, SIM_EMISSING, "missing: the simulator needs the "
                               "%s it names", type_list(types, tl, sizeof tl));
        return SIM_OK;
    }
    if (n > 1)
        return link_many(p, r, path, found, n, err);
    *out = found[0];
    return SIM_OK;
}
