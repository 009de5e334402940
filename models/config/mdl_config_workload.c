/* mdl_config_workload.c - the workload section: the built-in arrival
 * process (with an op mix and payload sizes), a trace file streamed as
 * arrivals, or a trace generator run inline.  Exactly one of the three. */
#include "models/config/mdl_config_internal.h"

#include <math.h>
#include <string.h>

static const char *const k_process[] = { "poisson", "deterministic", NULL };
static const char *const k_trace_formats[] = { "csv", "azure2019", "azure2021", NULL };
static const char *const k_spreads[] = { "poisson", "uniform", NULL };
MDL__ENUM_OK(mdl_arrival_process);
MDL__ENUM_OK(mdl_trace_format);
MDL__ENUM_OK(wl_spread);

static const sim_opt k_arrivals_rows[] = {
    { "process", MDL__ENUM(mdl_workload_cfg, process, k_process), .flags = SIM_OPT_REQUIRED,
      .doc = "the built-in arrival process" },
    { "rate_per_s", MDL__NUM(mdl_workload_cfg, rate_per_s), .flags = SIM_OPT_REQUIRED,
      .min = 1e-9, .max = 1e7, .unit = "/s", .doc = "arrival rate" },
};
static const sim_opt_table k_arrivals = SIM_OPT_TABLE("workload.arrivals", k_arrivals_rows, NULL);

static const sim_opt k_trace_rows[] = {
    { "file", MDL__PATH(mdl_workload_cfg, trace_file), .flags = SIM_OPT_REQUIRED,
      .doc = "the trace, streamed (README \"Workloads and traces\"); `run --trace F.csv` does "
             "the same for our CSV.  An arrival goes to the config function named like its "
             "trace function, else by its op through `entry.routes`, else to `entry.target`; a "
             "trace duration (Azure) replaces the `warm` draw" },
    { "format", MDL__ENUM(mdl_workload_cfg, trace_format, k_trace_formats),
      .doc = "the file's format" },
    { "durations", MDL__PATH(mdl_workload_cfg, durations_file), .def_doc = "none",
      .doc = "Azure: the function durations file" },
    { "memory", MDL__PATH(mdl_workload_cfg, memory_file), .def_doc = "none",
      .doc = "Azure: the app memory file" },
    { "spread", MDL__ENUM(mdl_workload_cfg, spread, k_spreads),
      .doc = "Azure 2019: how a minute's count spreads over the minute" },
    { "function_template", MDL__STR(mdl_workload_cfg, function_template),
      .doc = "a config function cloned for every trace function no config function is named "
             "after: each gets its own environments, stats and bill line (memory from the "
             "trace's app memory when given; no reserved or provisioned concurrency)" },
};
static const sim_opt_table k_trace = SIM_OPT_TABLE("workload.trace", k_trace_rows, NULL);

static bool is_trace(const void *b) { return ((const mdl_workload_cfg *)b)->kind == MDL_WL_TRACE; }
static bool is_gen(const void *b) { return ((const mdl_workload_cfg *)b)->kind == MDL_WL_GENERATOR; }
static bool is_arr(const void *b) { return ((const mdl_workload_cfg *)b)->kind == MDL_WL_ARRIVALS; }
static bool has_mix(const void *b) { return ((const mdl_workload_cfg *)b)->nmix > 0; }

static json_object *write_generator(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    (void)user;
    static const char *const names[] = {
        [WL_PROC_POISSON] = "poisson", [WL_PROC_DIURNAL] = "diurnal", [WL_PROC_MMPP] = "mmpp",
        [WL_PROC_FLASH] = "flash_crowd" };
    json_object *g = json_object_new_object();
    sim_json_add_string(g, "process", names[((const mdl_workload_cfg *)base)->gen.process]);
    return g;
}

static json_object *schema_generator(const sim_opt *r)
{
    (void)r;
    json_object *o = json_object_new_object();
    sim_json_add_string(o, "type", "object");
    return o;
}

/* mix (normalised weights) or payload_bytes_by_op, by op. */
static json_object *write_by_op(const sim_opt *r, const void *base, const void *user)
{
    (void)user;
    const mdl_workload_cfg *w = base;
    bool weights = strcmp(r->key, "mix") == 0;
    json_object *m = json_object_new_object();
    for (int i = 0; i < w->nmix; i++)
        sim_json_add_double(m, w->mix_op[i], weights ? w->mix_w[i] : w->mix_bytes[i]);
    return m;
}

static json_object *write_bytes(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    (void)user;
    return sim_json_double(((const mdl_workload_cfg *)base)->bytes.a);
}

static const sim_opt k_workload_rows[] = {
    { "trace", .type = SIM_OPT_OBJECT, .sub = &k_trace, .when = is_trace,
      .doc = "stream a trace file" },
    { "generator", .type = SIM_OPT_OBJECT, .when = is_gen, .write = write_generator,
      .schema = schema_generator,
      .doc = "a generator spec (the `trace generate --spec` format, README \"Generator specs\") "
             "run inline; its duration is the run's" },
    { "arrivals", .type = SIM_OPT_OBJECT, .sub = &k_arrivals, .when = is_arr,
      .doc = "the built-in arrival process" },
    { "mix", .type = SIM_OPT_MAP, .item = SIM_OPT_NUMBER, .min = 0, .max = INFINITY,
      .item_name = "op", .max_n = MDL_MAX_ROUTES, .when = has_mix, .write = write_by_op,
      .doc = "with `arrivals`: op weights (`{\"view\": 0.9, \"upload\": 0.1}`), normalised; "
             "ops are routed by `entry.routes`" },
    { "payload_bytes_by_op", .type = SIM_OPT_MAP, .item = SIM_OPT_NUMBER, .min = 0,
      .max = INFINITY, .item_name = "op", .when = has_mix, .write = write_by_op, .unit = "B",
      .doc = "with `mix`: the request payload of each op (default `payload_bytes`)" },
    { "payload_bytes", .type = SIM_OPT_NUMBER, .def = 1024, .min = 0, .max = 1e12, .unit = "B",
      .write = write_bytes, .doc = "with `arrivals`: the request payload" },
};
const sim_opt_table mdl__workload_table = SIM_OPT_TABLE("workload", k_workload_rows, NULL);

/* {op: weight}: at most MDL_MAX_ROUTES ops, weights >= 0 summing above 0.
 * wp is the workload's path. */
static sim_status parse_mix(const sim_opt_ctx *c, json_object *mix, const char *wp,
                            mdl_workload_cfg *w)
{
    double sum = 0;
    char mp[600];
    snprintf(mp, sizeof mp, "%s.mix", wp);
    json_object_object_foreach(mix, op, wv) {
        char pp[640];
        snprintf(pp, sizeof pp, "%s.%s", mp, op);
        if (w->nmix == MDL_MAX_ROUTES)
            SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, pp, "at most %d ops in the mix", MDL_MAX_ROUTES);
        if (strlen(op) >= sizeof w->mix_op[0])
            SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, pp, "op name too long");
        double x;
        SIM_TRY(sim_json_as_number(c->doc, wv, pp, &x, c->err));
        if (x < 0)
            SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, pp, "must not be negative (got %g)", x);
        snprintf(w->mix_op[w->nmix], sizeof w->mix_op[0], "%s", op);
        w->mix_w[w->nmix++] = x;
        sum += x;
    }
    if (!(sum > 0))
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, mp, "weights must add up to more than 0");
    for (int i = 0; i < w->nmix; i++)
        w->mix_w[i] /= sum;
    return SIM_OK;
}

/* {op: bytes} for ops of the mix. */
static sim_status parse_bytes_by_op(const sim_opt_ctx *c, json_object *by, const char *wp,
                                    mdl_workload_cfg *w)
{
    json_object_object_foreach(by, op, bv) {
        char pp[640];
        snprintf(pp, sizeof pp, "%s.payload_bytes_by_op.%s", wp, op);
        int k = -1;
        for (int i = 0; i < w->nmix; i++)
            if (strcmp(w->mix_op[i], op) == 0) k = i;
        if (k < 0)
            SIM_JSON_FAIL(c->err, SIM_EUNKNOWN, c->doc, pp, "op '%s' is not in %s.mix", op, wp);
        double x;
        SIM_TRY(sim_json_as_number(c->doc, bv, pp, &x, c->err));
        if (x < 0)
            SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, pp, "must not be negative (got %g)", x);
        w->mix_bytes[k] = x;
    }
    return SIM_OK;
}

/* The built-in process: arrivals, mix, payload sizes. */
static sim_status parse_arrivals(const sim_opt_ctx *c, json_object *o, json_object *arr,
                                 const char *wp, mdl_workload_cfg *w)
{
    char ap[600];
    w->kind = MDL_WL_ARRIVALS;
    snprintf(ap, sizeof ap, "%s.arrivals", wp);
    SIM_TRY(sim_opt_parse(c, &k_arrivals, arr, ap, w));
    json_object *mix = NULL, *by = NULL;
    SIM_TRY(sim_json_get_child(c->doc, o, wp, "mix", false, json_type_object, &mix, c->err));
    if (mix) SIM_TRY(parse_mix(c, mix, wp, w));
    double pb = 1024;
    SIM_TRY(sim_opt_get_number(c, sim_opt_find(&mdl__workload_table, "payload_bytes"), o,
                               wp, &pb, NULL));
    sim_dist_deterministic(&w->bytes, pb);
    for (int i = 0; i < w->nmix; i++)
        w->mix_bytes[i] = pb;
    SIM_TRY(sim_json_get_child(c->doc, o, wp, "payload_bytes_by_op", false,
                               json_type_object, &by, c->err));
    return by ? parse_bytes_by_op(c, by, wp, w) : SIM_OK;
}

/* The keys, and exactly one of the three sources. */
json_object *mdl__schema_workload(const sim_opt *r)
{
    static const char *const sources[] = { "trace", "generator", "arrivals" };
    json_object *o = sim_opt_schema(r->sub), *one = json_object_new_array();
    for (int i = 0; i < 3; i++) {
        json_object *req = json_object_new_object(), *a = json_object_new_array();
        json_object_array_add(a, json_object_new_string(sources[i]));
        json_object_object_add(req, "required", a);
        json_object_array_add(one, req);
    }
    json_object_object_add(o, "oneOf", one);
    return o;
}

/* Row r of obj (the root, for the shorthand, or an entry of `entries`):
 * the workload struct sits at base + r->off.  Required in an entry of
 * `entries`; at the root the table's check says what is missing. */
sim_status mdl__parse_workload(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                               const char *path, void *base)
{
    mdl_workload_cfg *w = (mdl_workload_cfg *)((char *)base + r->off);
    json_object *o = NULL, *arr = NULL, *tr = NULL, *gen = NULL;
    char wp[512], sp[600];
    sim_opt_path(wp, sizeof wp, path, r);
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, obj && (r->flags & SIM_OPT_REQUIRED),
                               json_type_object, &o, c->err));
    if (!o) return SIM_OK;
    SIM_TRY(sim_opt_check_keys(c, &mdl__workload_table, o, wp));
    SIM_TRY(sim_json_get_child(c->doc, o, wp, "trace", false, json_type_object, &tr, c->err));
    SIM_TRY(sim_json_get_child(c->doc, o, wp, "generator", false, json_type_object, &gen,
                               c->err));
    SIM_TRY(sim_json_get_child(c->doc, o, wp, "arrivals", false, json_type_object, &arr,
                               c->err));
    if ((tr != NULL) + (gen != NULL) + (arr != NULL) != 1)
        SIM_JSON_FAIL(c->err, SIM_EUSAGE, c->doc, wp,
                      "give exactly one of arrivals, trace or generator");
    if (!arr && (json_object_object_get_ex(o, "mix", NULL) ||
                 json_object_object_get_ex(o, "payload_bytes_by_op", NULL))) {
        snprintf(sp, sizeof sp, "%s.mix", wp);
        SIM_JSON_FAIL(c->err, SIM_EUSAGE, c->doc, sp,
                      "mix and payload_bytes_by_op go with arrivals; a trace or generator has "
                      "its own ops and sizes");
    }
    sim_dist_deterministic(&w->bytes, 1024);
    w->has_bytes = true;
    if (tr) {
        w->kind = MDL_WL_TRACE;
        snprintf(sp, sizeof sp, "%s.trace", wp);
        return sim_opt_parse(c, &k_trace, tr, sp, w);
    }
    if (gen) {
        w->kind = MDL_WL_GENERATOR;
        wl_gen_spec_defaults(&w->gen);
        snprintf(sp, sizeof sp, "%s.generator", wp);
        return wl_gen_spec_from_json(&w->gen, c->doc, gen, sp, c->err);
    }
    return parse_arrivals(c, o, arr, wp, w);
}
