/* mdl_config_platform.c - the `platform` section and the lifecycle keys of
 * every function (issue 22; models/lambda/mdl_lifecycle.h, README "How
 * close to AWS").
 *
 * A function's lifecycle is built in three layers: the preset named by
 * `platform.preset`, then the lifecycle keys of `platform`, then the
 * function's own (mdl__parse_functions copies the platform's lifecycle into
 * each function before reading its keys).  The same rows (MDL__LC_ROWS)
 * serve `platform` and the functions, so the parser, the effective config,
 * the schema and the README say the same thing at both levels.
 */
#include "models/config/mdl_config_internal.h"

#include <string.h>

MDL__ENUM_OK(mdl_lc_preset);

/* The lifecycle a lifecycle row's hook works on (NULL: validating only). */
static mdl_lifecycle *lc_of(const sim_opt *r, void *base)
{
    return base ? (mdl_lifecycle *)((char *)base + r->off) : NULL;
}

/* ---- max_lifetime: a distribution or "none" ---------------------------------- */

sim_status mdl__parse_max_lifetime(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                   const char *path, void *base)
{
    json_object *v = sim_opt_value(r, obj);
    if (!v) return SIM_OK;     /* the layer below's */
    char p[512];
    sim_opt_path(p, sizeof p, path, r);
    mdl_lifecycle *lc = lc_of(r, base);
    if (json_object_is_type(v, json_type_string)) {
        if (strcmp(json_object_get_string(v), "none") != 0)
            SIM_JSON_FAIL(c->err, SIM_EFORMAT, c->doc, p,
                          "expected a distribution or \"none\", got '%s'",
                          json_object_get_string(v));
        if (lc) lc->has_max_lifetime = false;
        return SIM_OK;
    }
    sim_dist d;
    SIM_TRY(sim_dist_from_json(&d, c->doc, v, p, c->err));
    if (!lc) {
        sim_dist_fini(&d);
        return SIM_OK;
    }
    sim_dist_fini(&lc->max_lifetime);
    lc->max_lifetime = d;
    lc->has_max_lifetime = true;
    return SIM_OK;
}

json_object *mdl__write_max_lifetime(const sim_opt *r, const void *base, const void *user)
{
    (void)user;
    const mdl_lifecycle *lc = (const mdl_lifecycle *)((const char *)base + r->off);
    return lc->has_max_lifetime ? sim_dist_to_json(&lc->max_lifetime)
                                : json_object_new_string("none");
}

json_object *mdl__schema_dist_or(json_object *other)
{
    json_object *o = json_object_new_object(), *one = json_object_new_array();
    json_object *d = json_object_new_object();
    sim_json_add_string(d, "$ref", "#/$defs/dist");
    json_object_array_add(one, d);
    json_object_array_add(one, other);
    json_object_object_add(o, "oneOf", one);
    return o;
}

json_object *mdl__schema_max_lifetime(const sim_opt *r)
{
    (void)r;
    json_object *none = json_object_new_object(), *e = json_object_new_array();
    sim_json_add_string(none, "type", "string");
    json_object_array_add(e, json_object_new_string("none"));
    json_object_object_add(none, "enum", e);
    return mdl__schema_dist_or(none);
}

/* ---- prewarm ---------------------------------------------------------------------- */

/* The keys of `prewarm`; DEF: where an absent one comes from (docs). */
#define PREWARM_ROWS(DEF)                                                                 \
    { "probability", MDL__NUM(mdl_lifecycle, prewarm_probability), .flags = SIM_OPT_KEEP,  \
      .min = 0, .max = 1, .def_doc = DEF,                                                 \
      .doc = "a recycled environment gets a replacement initialised ahead (0: never)" },  \
    { "lead", MDL__DIST(mdl_lifecycle, prewarm_lead), .flags = SIM_OPT_KEEP,               \
      .def_doc = DEF, .unit = "ms",                                                       \
      .doc = "how long before the retirement the replacement's INIT starts (0: at it); "  \
             "the INIT lasts a draw of the function's `init` (none: 0)" },                \
    { "spare", MDL__BOOL(mdl_lifecycle, prewarm_spare), .flags = SIM_OPT_KEEP,             \
      .def_doc = DEF,                                                                     \
      .doc = "a replacement is the last choice among idle environments until its first "  \
             "use" },                                                                     \
    { "takes_pending", MDL__BOOL(mdl_lifecycle, prewarm_takes_pending),                    \
      .flags = SIM_OPT_KEEP, .def_doc = DEF,                                              \
      .doc = "a replacement that becomes ready serves a request still waiting on another " \
             "environment's INIT (AWS documents it since 2023-07)" }

static const sim_opt k_prewarm_rows[] = { PREWARM_ROWS("the preset's") };
static const sim_opt k_fn_prewarm_rows[] = { PREWARM_ROWS("`platform`'s") };
const sim_opt_table mdl__prewarm_table = SIM_OPT_TABLE("prewarm", k_prewarm_rows, NULL);
const sim_opt_table mdl__fn_prewarm_table = SIM_OPT_TABLE("prewarm", k_fn_prewarm_rows, NULL);

/* ---- platform ------------------------------------------------------------------------ */

/* The preset builds the lifecycle; the rows after it override it. */
static sim_status parse_preset(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                               const char *path, void *base)
{
    int k = (int)r->def;
    SIM_TRY(sim_json_get_enum(c->doc, obj, path, r->key, false, r->choices, &k, NULL, c->err));
    if (!base) return SIM_OK;
    mdl_lifecycle *lc = base;
    mdl_lifecycle_fini(lc);
    mdl_lifecycle_init(lc, (mdl_lc_preset)k);
    return SIM_OK;
}

static const sim_opt k_platform_rows[] = {
    { "preset", MDL__ENUM(mdl_lifecycle, preset, mdl_lc_preset_names),
      .def = MDL__PLATFORM_PRESET, .parse = parse_preset,
      .doc = "the execution-environment lifecycle: `simfaas` (SimFaaS's semantics, for "
             "comparisons), `aws-2020` (measured on AWS in 2020), `aws-now` (`aws-2020` with "
             "what AWS documents today); README \"How close to AWS\"" },
    { "reuse", MDL__ENUM(mdl_lifecycle, reuse, mdl__reuse_names), .flags = SIM_OPT_KEEP,
      .def_doc = "the preset's",
      .doc = "which idle environment serves: most or least recently used, the `newest` "
             "(SimFaaS), or at `random`" },
    MDL__LC_ROWS(0, "the preset's")
};
const sim_opt_table mdl__platform_table = SIM_OPT_TABLE("platform", k_platform_rows, NULL);
