/* sim_dist_json.c - distributions as JSON: {"dist": NAME, parameters...}.
 *
 * One table says, per distribution, which parameters it takes, which sets
 * of them are enough (its "forms"), how the README states that, and how to
 * build it.  The parser, the JSON Schema of {"dist": ...} and the README's
 * Distributions table all come from it, so a parameter a distribution does
 * not use is an error, not silently ignored.
 */
#include "sim/sim_json.h"
#include "sim/sim_rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every parameter a distribution may take; ms keys are in milliseconds. */
typedef enum { P_VALUE, P_MEAN, P_CV, P_MIN, P_MAX, P_SD, P_MU, P_SIGMA, P_SHAPE, P_SCALE,
               P_ALPHA, P_XM, P_PROBS, P_MEANS, P_SAMPLES, P_PCT, P_COUNT } dparam;

#define BIT(p) (1u << (p))
/* Largest accepted time: 1e15 ms is 31,700 years, far past any run. */
#define BIG 1e15

static const struct { const char *key; double min, max; bool array; } k_params[P_COUNT] = {
    [P_VALUE] = { "value_ms", 0, BIG, false },  [P_MEAN] = { "mean_ms", 0, BIG, false },
    [P_CV] = { "cv", 0, 1e6, false },           [P_MIN] = { "min_ms", 0, BIG, false },
    [P_MAX] = { "max_ms", 0, BIG, false },      [P_SD] = { "sd_ms", 0, BIG, false },
    /* mu of ln(ms): exp(700) is near the double limit. */
    [P_MU] = { "mu", -700, 700, false },        [P_SIGMA] = { "sigma", 0, 100, false },
    [P_SHAPE] = { "shape", 0, 1e9, false },     [P_SCALE] = { "scale_ms", 0, BIG, false },
    [P_ALPHA] = { "alpha", 0, 1e9, false },     [P_XM] = { "xm_ms", 0, BIG, false },
    [P_PROBS] = { "probs", 0, 1, true },        [P_MEANS] = { "means_ms", 0, BIG, true },
    [P_SAMPLES] = { "samples_ms", 0, BIG, true }, [P_PCT] = { "percentiles", 0, 100, true },
};

/* The parameters of one {"dist": ...} object as read. */
typedef struct dargs {
    double v[P_COUNT];
    bool has[P_COUNT];
    json_object *arr[P_COUNT];
    const sim_json_doc *doc;
    const char *path, *name;
    sim_error *err;
} dargs;

typedef sim_status (*dist_build_fn)(sim_dist *d, const dargs *a);

typedef struct dist_kind {
    unsigned params;          /* BIT()s of the keys it takes */
    unsigned forms[2];        /* sets of keys that are enough (0: unused) */
    const char *keys_doc;     /* the forms as the README and the errors say them */
    const char *doc;
    dist_build_fn build;
} dist_kind;

static sim_status needs(const dargs *a);

static sim_status build_det(sim_dist *d, const dargs *a)
{
    return sim_dist_deterministic(d, a->has[P_VALUE] ? a->v[P_VALUE] : a->v[P_MEAN]);
}

static sim_status build_exp(sim_dist *d, const dargs *a)
{
    return sim_dist_exponential(d, a->v[P_MEAN]);
}

static sim_status build_uniform(sim_dist *d, const dargs *a)
{
    if (a->v[P_MAX] < a->v[P_MIN]) {
        char p[512];
        SIM_JSON_FAIL(a->err, SIM_ERANGE, a->doc, sim_json_path(p, sizeof p, a->path, "max_ms"),
                      "max_ms (%g) is below min_ms (%g)", a->v[P_MAX], a->v[P_MIN]);
    }
    return sim_dist_uniform(d, a->v[P_MIN], a->v[P_MAX]);
}

static sim_status build_normal(sim_dist *d, const dargs *a)
{
    double mean = a->v[P_MEAN];
    return sim_dist_normal(d, mean, a->has[P_SD] ? a->v[P_SD] : a->v[P_CV] * mean);
}

/* Native (a, b) parameters, or the mean/cv constructor. */
static sim_status native_or_mean(sim_dist *d, const dargs *a, sim_dist_type t, dparam pa,
                                 dparam pb, sim_status (*ctor)(sim_dist *, double, double))
{
    if (!(a->has[pa] && a->has[pb])) return ctor(d, a->v[P_MEAN], a->v[P_CV]);
    memset(d, 0, sizeof *d);
    d->type = t;
    d->a = a->v[pa];
    d->b = a->v[pb];
    /* Lognormal's mu may be any real; its sigma and gamma's shape, scale must be > 0. */
    return (t == SIM_DIST_LOGNORMAL || d->a > 0) && d->b > 0 ? SIM_OK : SIM_ERANGE;
}

static sim_status build_lognormal(sim_dist *d, const dargs *a)
{
    return native_or_mean(d, a, SIM_DIST_LOGNORMAL, P_MU, P_SIGMA, sim_dist_lognormal_mean_cv);
}

static sim_status build_gamma(sim_dist *d, const dargs *a)
{
    return native_or_mean(d, a, SIM_DIST_GAMMA, P_SHAPE, P_SCALE, sim_dist_gamma_mean_cv);
}

static sim_status build_weibull(sim_dist *d, const dargs *a)
{
    double k = a->v[P_SHAPE], scale = a->v[P_SCALE];
    if (!a->has[P_SCALE]) {
        if (!(k > 0)) return needs(a);
        scale = a->v[P_MEAN] / tgamma(1.0 + 1.0 / k);   /* mean = scale * Gamma(1 + 1/k) */
    }
    return sim_dist_weibull(d, k, scale);
}

static sim_status build_pareto(sim_dist *d, const dargs *a)
{
    double alpha = a->v[P_ALPHA], xm = a->v[P_XM];
    if (!a->has[P_XM]) {
        if (!(alpha > 1))
            SIM_JSON_FAIL(a->err, SIM_ERANGE, a->doc, a->path,
                          "pareto with mean_ms needs alpha > 1 (the mean is infinite otherwise)");
        xm = a->v[P_MEAN] * (alpha - 1) / alpha;   /* mean = alpha xm / (alpha - 1) */
    }
    return sim_dist_pareto(d, alpha, xm);
}

/* An array of numbers (malloc'd; caller frees). */
static sim_status num_array(const dargs *a, dparam p, double **out, size_t *n)
{
    char path[512];
    json_object *arr = a->arr[p];
    sim_json_path(path, sizeof path, a->path, k_params[p].key);
    size_t len = json_object_array_length(arr);
    if (len == 0)
        SIM_JSON_FAIL(a->err, SIM_EMISSING, a->doc, path, "array must not be empty");
    double *v = sim_xmalloc(len * sizeof(double));
    for (size_t i = 0; i < len; i++) {
        char pi[600];
        sim_json_path_index(pi, sizeof pi, path, i);
        sim_status s = sim_json_as_number(a->doc, json_object_array_get_idx(arr, i), pi, &v[i],
                                          a->err);
        if (s != SIM_OK) {
            free(v);
            return s;
        }
    }
    *out = v;
    *n = len;
    return SIM_OK;
}

static sim_status build_hyperexp(sim_dist *d, const dargs *a)
{
    if (!(a->arr[P_PROBS] && a->arr[P_MEANS])) {
        if (a->v[P_CV] < 1)
            SIM_JSON_FAIL(a->err, SIM_ERANGE, a->doc, a->path,
                          "hyperexponential needs cv >= 1 (got %g)", a->v[P_CV]);
        return sim_dist_hyperexp_mean_cv(d, a->v[P_MEAN], a->v[P_CV]);
    }
    double *pv = NULL, *mv = NULL;
    size_t np = 0, nm = 0;
    SIM_TRY(num_array(a, P_PROBS, &pv, &np));
    sim_status s = num_array(a, P_MEANS, &mv, &nm);
    if (s != SIM_OK) { free(pv); return s; }
    double sum = 0;
    bool ok = np == nm;
    for (size_t i = 0; i < np && ok; i++) {
        sum += pv[i];
        ok = pv[i] >= 0 && mv[i] > 0;
    }
    if (!ok || fabs(sum - 1.0) > 1e-9) {
        free(pv);
        free(mv);
        SIM_JSON_FAIL(a->err, SIM_ERANGE, a->doc, a->path,
                      "hyperexponential probs must be >= 0 and sum to 1, means_ms > 0, same lengths");
    }
    memset(d, 0, sizeof *d);
    d->type = SIM_DIST_HYPEREXP;
    d->n = np;
    d->probs = pv;
    d->vals = mv;
    return SIM_OK;
}

static sim_status build_empirical(sim_dist *d, const dargs *a)
{
    double *v = NULL;
    size_t n = 0;
    SIM_TRY(num_array(a, P_SAMPLES, &v, &n));
    sim_status s = sim_dist_empirical(d, v, n);
    free(v);
    return s;
}

/* [[p, value_ms], ...] with p in percent. */
static sim_status build_percentiles(sim_dist *d, const dargs *a)
{
    char p[512];
    sim_json_path(p, sizeof p, a->path, "percentiles");
    size_t n = json_object_array_length(a->arr[P_PCT]);
    if (n == 0)
        SIM_JSON_FAIL(a->err, SIM_EMISSING, a->doc, p, "needs at least one [percentile, value_ms] pair");
    double *pv = sim_xmalloc(n * sizeof(double)), *vv = sim_xmalloc(n * sizeof(double));
    sim_status s = SIM_OK;
    for (size_t i = 0; i < n && s == SIM_OK; i++) {
        json_object *pair = json_object_array_get_idx(a->arr[P_PCT], i);
        char pi[600];
        sim_json_path_index(pi, sizeof pi, p, i);
        if (!json_object_is_type(pair, json_type_array) || json_object_array_length(pair) != 2) {
            s = SIM_ERR(a->err, SIM_ETYPE, a->doc ? a->doc->input : "", sim_json_line(a->doc, pi), pi,
                        "expected a [percentile, value_ms] pair");
            break;
        }
        s = sim_json_as_number(a->doc, json_object_array_get_idx(pair, 0), pi, &pv[i], a->err);
        if (s == SIM_OK)
            s = sim_json_as_number(a->doc, json_object_array_get_idx(pair, 1), pi, &vv[i], a->err);
        pv[i] /= 100.0;
    }
    if (s == SIM_OK && sim_dist_percentiles(d, pv, vv, n) != SIM_OK)
        s = SIM_ERR(a->err, SIM_ERANGE, a->doc ? a->doc->input : "", sim_json_line(a->doc, p), p,
                    "percentiles must increase within [0, 100] with non-decreasing values >= 0");
    free(pv);
    free(vv);
    return s;
}

#define B2(a, b) (BIT(a) | BIT(b))
static const dist_kind k_kinds[SIM_DIST_COUNT] = {
    [SIM_DIST_DETERMINISTIC] = { B2(P_VALUE, P_MEAN), { BIT(P_VALUE), BIT(P_MEAN) },
        "`value_ms` (or `mean_ms`)", "always that value", build_det },
    [SIM_DIST_EXPONENTIAL] = { BIT(P_MEAN), { BIT(P_MEAN), 0 }, "`mean_ms`", "", build_exp },
    [SIM_DIST_UNIFORM] = { B2(P_MIN, P_MAX), { B2(P_MIN, P_MAX), 0 }, "`min_ms` and `max_ms`", "",
        build_uniform },
    [SIM_DIST_NORMAL] = { BIT(P_MEAN) | B2(P_SD, P_CV),
        { B2(P_MEAN, P_SD), B2(P_MEAN, P_CV) }, "`mean_ms` and `sd_ms` (or `cv`)",
        "truncated at 0 (negative draws are redrawn)", build_normal },
    [SIM_DIST_LOGNORMAL] = { B2(P_MEAN, P_CV) | B2(P_MU, P_SIGMA),
        { B2(P_MEAN, P_CV), B2(P_MU, P_SIGMA) }, "`mean_ms` and `cv`, or `mu` and `sigma`",
        "`mu` and `sigma` are the native parameters (of ln ms)", build_lognormal },
    [SIM_DIST_GAMMA] = { B2(P_MEAN, P_CV) | B2(P_SHAPE, P_SCALE),
        { B2(P_MEAN, P_CV), B2(P_SHAPE, P_SCALE) }, "`mean_ms` and `cv`, or `shape` and `scale_ms`",
        "`shape` and `scale_ms` are the native parameters", build_gamma },
    [SIM_DIST_WEIBULL] = { BIT(P_SHAPE) | B2(P_SCALE, P_MEAN),
        { B2(P_SHAPE, P_SCALE), B2(P_SHAPE, P_MEAN) }, "`shape` and `scale_ms` (or `mean_ms`)", "",
        build_weibull },
    [SIM_DIST_PARETO] = { BIT(P_ALPHA) | B2(P_XM, P_MEAN),
        { B2(P_ALPHA, P_XM), B2(P_ALPHA, P_MEAN) }, "`alpha` and `xm_ms` (or `mean_ms`)",
        "`xm_ms` is the minimum; with `mean_ms`, `alpha` must be > 1", build_pareto },
    [SIM_DIST_HYPEREXP] = { B2(P_MEAN, P_CV) | B2(P_PROBS, P_MEANS),
        { B2(P_MEAN, P_CV), B2(P_PROBS, P_MEANS) }, "`mean_ms` and `cv`, or `probs` and `means_ms`",
        "`mean_ms` and `cv` ≥ 1: two balanced-means phases; or the phases' probabilities and "
        "means (arrays)", build_hyperexp },
    [SIM_DIST_EMPIRICAL] = { BIT(P_SAMPLES), { BIT(P_SAMPLES), 0 }, "`samples_ms`",
        "an array; draws one of the samples uniformly", build_empirical },
    [SIM_DIST_PERCENTILES] = { BIT(P_PCT), { BIT(P_PCT), 0 }, "`percentiles`",
        "an array of `[p, value_ms]` with p in 0..100 increasing: a piecewise-linear inverse CDF "
        "(held flat beyond the first/last point)", build_percentiles },
};
#undef B2

static const char *const k_names[] = {
#define SIM__DIST_NAME2(name, str) str,
    SIM_DIST_LIST(SIM__DIST_NAME2)
#undef SIM__DIST_NAME2
    NULL };

/* "<name> needs <forms>", the forms without their backticks. */
static sim_status needs(const dargs *a)
{
    char what[256];
    size_t n = 0;
    int t = 0;
    while (strcmp(k_names[t], a->name) != 0) t++;
    for (const char *s = k_kinds[t].keys_doc; *s && n + 1 < sizeof what; s++)
        if (*s != '`') what[n++] = *s;
    what[n] = '\0';
    SIM_JSON_FAIL(a->err, SIM_EMISSING, a->doc, a->path, "%s needs %s", a->name, what);
}

static sim_status read_params(const dist_kind *k, json_object *obj, dargs *a)
{
    for (int p = 0; p < P_COUNT; p++) {
        if (!(k->params & BIT(p))) continue;
        if (k_params[p].array)
            SIM_TRY(sim_json_get_child(a->doc, obj, a->path, k_params[p].key, false,
                                       json_type_array, &a->arr[p], a->err));
        else
            SIM_TRY(sim_json_get_number(a->doc, obj, a->path, k_params[p].key, false,
                                        k_params[p].min, k_params[p].max, &a->v[p], &a->has[p],
                                        a->err));
        if (a->arr[p]) a->has[p] = true;
    }
    for (int f = 0; f < 2; f++) {
        unsigned form = k->forms[f], got = 0;
        for (int p = 0; p < P_COUNT; p++) got |= a->has[p] ? BIT(p) : 0;
        if (form && (got & form) == form) return SIM_OK;
    }
    return needs(a);
}

sim_status sim_dist_from_json(sim_dist *d, const sim_json_doc *doc, json_object *obj,
                              const char *path, sim_error *err)
{
    if (!json_object_is_type(obj, json_type_object))
        SIM_JSON_FAIL(err, SIM_ETYPE, doc, path, "expected a JSON object");
    int t = 0;
    SIM_TRY(sim_json_get_enum(doc, obj, path, "dist", true, k_names, &t, NULL, err));
    const dist_kind *k = &k_kinds[t];
    const char *keys[P_COUNT + 2];
    int nk = 0;
    keys[nk++] = "dist";
    for (int p = 0; p < P_COUNT; p++)
        if (k->params & BIT(p)) keys[nk++] = k_params[p].key;
    keys[nk] = NULL;
    SIM_TRY(sim_json_check_keys(doc, obj, path, keys, err));
    dargs a;
    memset(&a, 0, sizeof a);
    a.doc = doc;
    a.path = path;
    a.name = k_names[t];
    a.err = err;
    SIM_TRY(read_params(k, obj, &a));
    memset(d, 0, sizeof *d);
    if (err) sim_error_clear(err);
    sim_status s = k->build(d, &a);
    /* Built, or already explained; else a constructor refused the values. */
    if (s == SIM_OK || (err && err->code != SIM_OK)) return s;
    SIM_JSON_FAIL(err, s, doc, path, "invalid parameters for %s distribution", a.name);
}

/* ---- schema and docs -------------------------------------------------------- */

static json_object *param_schema(dparam p)
{
    json_object *o = json_object_new_object();
    if (!k_params[p].array) {
        sim_json_add_string(o, "type", "number");
        sim_json_add_double(o, "minimum", k_params[p].min);
        sim_json_add_double(o, "maximum", k_params[p].max);
        return o;
    }
    json_object *it = json_object_new_object();
    sim_json_add_string(it, "type", p == P_PCT ? "array" : "number");
    if (p == P_PCT) {   /* [percentile, value_ms] */
        json_object *num = json_object_new_object();
        sim_json_add_string(num, "type", "number");
        json_object_object_add(it, "items", num);
        sim_json_add_int(it, "minItems", 2);
        sim_json_add_int(it, "maxItems", 2);
    }
    sim_json_add_string(o, "type", "array");
    json_object_object_add(o, "items", it);
    sim_json_add_int(o, "minItems", 1);
    return o;
}

static json_object *required_of(unsigned bits, bool with_dist)
{
    json_object *a = json_object_new_array();
    if (with_dist) json_object_array_add(a, json_object_new_string("dist"));
    for (int p = 0; p < P_COUNT; p++)
        if (bits & BIT(p)) json_object_array_add(a, json_object_new_string(k_params[p].key));
    return a;
}

static json_object *kind_schema(int t)
{
    const dist_kind *k = &k_kinds[t];
    json_object *o = json_object_new_object(), *props = json_object_new_object();
    json_object *dn = json_object_new_object(), *e = json_object_new_array();
    json_object_array_add(e, json_object_new_string(k_names[t]));
    json_object_object_add(dn, "enum", e);
    json_object_object_add(props, "dist", dn);
    for (int p = 0; p < P_COUNT; p++)
        if (k->params & BIT(p)) json_object_object_add(props, k_params[p].key, param_schema(p));
    sim_json_add_string(o, "type", "object");
    json_object_object_add(o, "properties", props);
    unsigned always = k->forms[1] ? k->forms[0] & k->forms[1] : k->forms[0];
    json_object_object_add(o, "required", required_of(always, true));
    json_object_object_add(o, "additionalProperties", json_object_new_boolean(0));
    if (k->forms[1]) {   /* enough keys: one of the two forms */
        json_object *any = json_object_new_array();
        for (int f = 0; f < 2; f++) {
            json_object *r = json_object_new_object();
            json_object_object_add(r, "required", required_of(k->forms[f], false));
            json_object_array_add(any, r);
        }
        json_object_object_add(o, "anyOf", any);
    }
    return o;
}

json_object *sim_dist_schema(void)
{
    json_object *o = json_object_new_object(), *one = json_object_new_array();
    sim_json_add_string(o, "description",
                        "a random quantity in milliseconds: {\"dist\": NAME, parameters...}");
    for (int t = 0; t < SIM_DIST_COUNT; t++) json_object_array_add(one, kind_schema(t));
    json_object_object_add(o, "oneOf", one);
    return o;
}

void sim_dist_markdown(FILE *fp)
{
    fputs("| `dist` | keys | meaning |\n|---|---|---|\n", fp);
    for (int t = 0; t < SIM_DIST_COUNT; t++)
        fprintf(fp, "| `%s` | %s | %s |\n", k_names[t], k_kinds[t].keys_doc, k_kinds[t].doc);
}

/* ---- writing -------------------------------------------------------------------- */

json_object *sim_dist_to_json(const sim_dist *d)
{
    json_object *o = json_object_new_object();
    sim_json_add_string(o, "dist", sim_dist_name(d->type));
    switch (d->type) {
    case SIM_DIST_DETERMINISTIC: sim_json_add_double(o, "value_ms", d->a); break;
    case SIM_DIST_EXPONENTIAL: sim_json_add_double(o, "mean_ms", d->a); break;
    case SIM_DIST_UNIFORM:
        sim_json_add_double(o, "min_ms", d->a);
        sim_json_add_double(o, "max_ms", d->b);
        break;
    case SIM_DIST_NORMAL:
        sim_json_add_double(o, "mean_ms", d->a);
        sim_json_add_double(o, "sd_ms", d->b);
        break;
    case SIM_DIST_LOGNORMAL:
        sim_json_add_double(o, "mu", d->a);
        sim_json_add_double(o, "sigma", d->b);
        break;
    case SIM_DIST_GAMMA:
    case SIM_DIST_WEIBULL:
        sim_json_add_double(o, "shape", d->a);
        sim_json_add_double(o, "scale_ms", d->b);
        break;
    case SIM_DIST_PARETO:
        sim_json_add_double(o, "alpha", d->a);
        sim_json_add_double(o, "xm_ms", d->b);
        break;
    case SIM_DIST_HYPEREXP: {
        json_object *p = json_object_new_array(), *m = json_object_new_array();
        for (size_t i = 0; i < d->n; i++) {
            json_object_array_add(p, sim_json_double(d->probs[i]));
            json_object_array_add(m, sim_json_double(d->vals[i]));
        }
        json_object_object_add(o, "probs", p);
        json_object_object_add(o, "means_ms", m);
        break;
    }
    case SIM_DIST_EMPIRICAL: {
        json_object *v = json_object_new_array();
        for (size_t i = 0; i < d->n; i++) json_object_array_add(v, sim_json_double(d->vals[i]));
        json_object_object_add(o, "samples_ms", v);
        break;
    }
    case SIM_DIST_PERCENTILES: {
        json_object *v = json_object_new_array();
        for (size_t i = 0; i < d->n; i++) {
            json_object *pair = json_object_new_array();
            json_object_array_add(pair, sim_json_double(d->probs[i] * 100.0));
            json_object_array_add(pair, sim_json_double(d->vals[i]));
            json_object_array_add(v, pair);
        }
        json_object_object_add(o, "percentiles", v);
        break;
    }
    case SIM_DIST_COUNT: break;
    }
    sim_json_add_double(o, "mean", sim_dist_mean(d));
    return o;
}
