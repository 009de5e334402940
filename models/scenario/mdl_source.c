/* mdl_source.c - an entry's arrival source (see mdl_source.h). */
#include "models/scenario/mdl_source.h"
#include "models/lambda/mdl_lambda.h"
#include "workloads/trace/wl_azure.h"
#include "workloads/trace/wl_csv.h"
#include "workloads/trace/wl_gen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { EV_ARRIVAL };

#define FN_UNMAPPED (-2)   /* fn_map: a trace function not seen yet */

/* The op of plain arrivals (no mix, no trace). */
#define PLAIN_OP "request"

struct mdl_source {
    mdl_core *core;
    mdl_entry *entry;
    int index;                          /* the entry's */
    const mdl_entry_cfg *en;
    const mdl_workload_cfg *w;
    uint32_t comp;
    gsl_rng *r_arrival, *r_mix;
    /* routes, resolved at build */
    int default_fn;                     /* the entry's target */
    int template_fn;                    /* config function cloned per trace function, -1 */
    int mix_fn[MDL_MAX_ROUTES];         /* built-in mix: op -> function */
    bool mix_view[MDL_MAX_ROUTES];      /* the op is a view: its payload is the response */
    int mix_op[MDL_MAX_ROUTES];         /* built-in mix: op -> the core's op id */
    int plain_op;                       /* no mix: the core's op id of PLAIN_OP */
    int op_route[WL_OP_COUNT];          /* trace op -> function via entry.routes (-1: default) */
    int wl_op_id[WL_OP_COUNT];          /* trace op -> the core's op id */
    /* a trace or generator, and its pending arrival */
    wl_source *src;
    wl_az19 *az;
    wl_arrival pending;
    int32_t *fn_map;                    /* trace function id -> function (-1: none) */
    uint32_t nfn_map;
};

/* ---- routes ------------------------------------------------------------------ */

static void resolve_routes(mdl_source *s, const mdl_entry_cfg *en)
{
    const mdl_config *cfg = s->core->cfg;
    const mdl_workload_cfg *w = s->w;
    s->template_fn = w->function_template[0] ? mdl_config_find_function(cfg, w->function_template) : -1;
    s->default_fn = en->target[0] ? mdl_config_find_function(cfg, en->target) : 0;
    for (int i = 0; i < w->nmix; i++) {
        s->mix_fn[i] = s->default_fn;
        s->mix_view[i] = strcmp(w->mix_op[i], wl_op_name(WL_OP_VIEW)) == 0;
        for (int r = 0; r < en->nroutes; r++)
            if (strcmp(en->route_op[r], w->mix_op[i]) == 0)
                s->mix_fn[i] = mdl_config_find_function(cfg, en->route_fn[r]);
    }
    for (int i = 0; i < w->nmix; i++) s->mix_op[i] = mdl_core_op_id(s->core, w->mix_op[i]);
    if (w->kind == MDL_WL_ARRIVALS && !w->nmix) s->plain_op = mdl_core_op_id(s->core, PLAIN_OP);
    for (int k = 0; k < WL_OP_COUNT; k++) {
        if (w->kind != MDL_WL_ARRIVALS) s->wl_op_id[k] = mdl_core_op_id(s->core, wl_op_name((wl_op)k));
        s->op_route[k] = -1;
        for (int r = 0; r < en->nroutes; r++)
            if (strcmp(en->route_op[r], wl_op_name((wl_op)k)) == 0)
                s->op_route[k] = mdl_config_find_function(cfg, en->route_fn[r]);
    }
    if (s->default_fn < 0) s->default_fn = 0;
}

/* The function of trace function id `id` (first sight: by name). */
static int32_t map_function(mdl_source *s, const wl_arrival *a)
{
    uint32_t id = a->function;
    if (id >= s->nfn_map) {
        uint32_t n = s->nfn_map ? s->nfn_map : 64;
        while (n <= id) n *= 2;
        s->fn_map = sim_xrealloc(s->fn_map, n * sizeof *s->fn_map);
        for (uint32_t k = s->nfn_map; k < n; k++) s->fn_map[k] = FN_UNMAPPED;
        s->nfn_map = n;
    }
    if (s->fn_map[id] == FN_UNMAPPED) {
        const char *name = wl_source_function_name(s->src, id);
        int fi = name ? mdl_config_find_function(s->core->cfg, name) : -1;
        if (fi < 0 && name && s->template_fn >= 0)
            /* A function of its own per trace function, like the template
             * but with the trace's memory when it gives one. */
            fi = mdl_lambda_clone(mdl_core_service(s->core, MDL_SID_LAMBDA), s->template_fn,
                                  name, a->memory_mb);
        s->fn_map[id] = fi;
    }
    return s->fn_map[id];
}

/* Which function serves a trace arrival (see mdl_source.h). */
static int trace_function(mdl_source *s, const wl_arrival *a)
{
    if (a->function != WL_NO_FUNCTION) {
        int32_t fi = map_function(s, a);
        if (fi >= 0) return fi;
    }
    return s->op_route[a->op] >= 0 ? s->op_route[a->op] : s->default_fn;
}

/* ---- arrivals ------------------------------------------------------------------ */

static double next_gap(mdl_source *s)
{
    if (s->w->process == MDL_ARRIVALS_DETERMINISTIC) return 1.0 / s->w->rate_per_s;
    return -log(sim_rng_uniform_pos(s->r_arrival)) / s->w->rate_per_s;
}

/* Pull the next arrival from the stream and schedule it, or stop. */
static void schedule_next(mdl_source *s)
{
    sim_engine *e = s->core->e;
    if (!wl_source_next(s->src, &s->pending)) {
        sim_error err;
        if (wl_source_status(s->src, &err) != SIM_OK)
            mdl_core_fail(s->core, &err);   /* bad input mid-stream: stop, report */
        return;
    }
    double now = sim_engine_now(e);
    if (s->pending.t_s > s->core->cfg->duration_s) return;
    sim_engine_at(e, s->pending.t_s < now ? now : s->pending.t_s, EV_ARRIVAL, s->comp, 0);
}

/* A stream arrival: a view returns the object (response); other ops send it. */
static void stream_arrival(mdl_source *s, int32_t ri)
{
    const wl_arrival *a = &s->pending;
    mdl_req *r = mdl_req_at(s->core, ri);
    if (a->op == WL_OP_VIEW) {
        r->resp_bytes = (double)a->bytes;
        r->bytes = 1024;
    } else {
        r->bytes = (double)a->bytes;
    }
    r->obj_bytes = (double)a->bytes;   /* the photo viewed or uploaded */
    r->trace_ms = a->duration_ms;
    int fi = trace_function(s, a);
    mdl_entry_receive(s->entry, s->index, ri, fi, s->wl_op_id[a->op]);
    schedule_next(s);
}

/* A built-in arrival: its op from the mix, the next one scheduled. */
static void builtin_arrival(mdl_source *s, int32_t ri)
{
    const mdl_workload_cfg *w = s->w;
    mdl_req *r = mdl_req_at(s->core, ri);
    int fi = s->default_fn, op_id = s->plain_op;
    r->bytes = w->bytes.a;
    if (w->nmix) {
        double u = sim_rng_uniform(s->r_mix), acc = 0;
        int op = w->nmix - 1;
        for (int i = 0; i < w->nmix; i++) {
            acc += w->mix_w[i];
            if (u < acc) { op = i; break; }
        }
        /* As a trace's: a view returns the object, other ops send it. */
        if (s->mix_view[op]) r->resp_bytes = w->mix_bytes[op];
        else r->bytes = w->mix_bytes[op];
        fi = s->mix_fn[op];
        op_id = s->mix_op[op];
    }
    r->obj_bytes = r->bytes;
    double t = sim_engine_now(s->core->e) + next_gap(s);
    if (t <= s->core->cfg->duration_s)
        sim_engine_at(s->core->e, t, EV_ARRIVAL, s->comp, 0);
    mdl_entry_receive(s->entry, s->index, ri, fi, op_id);
}

static void source_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    mdl_source *s = self;
    SIM_ENGINE_ASSERT(e, ev->type == EV_ARRIVAL);
    int32_t ri = mdl_req_alloc(s->core);
    mdl_req_at(s->core, ri)->t_arrival = sim_engine_now(e);
    if (s->src)
        stream_arrival(s, ri);
    else
        builtin_arrival(s, ri);
}

void mdl_source_start(mdl_source *s)
{
    if (s->src) {
        schedule_next(s);
        return;
    }
    double first = next_gap(s);
    if (s->w->process == MDL_ARRIVALS_DETERMINISTIC) first = 0;
    if (first <= s->core->cfg->duration_s)
        sim_engine_at(s->core->e, first, EV_ARRIVAL, s->comp, 0);
}

/* ---- lifecycle ------------------------------------------------------------------ */

/* Open the workload's trace or generator for this replication. */
static sim_status stream_open(mdl_source *s, sim_error *err)
{
    const mdl_workload_cfg *w = s->w;
    uint64_t seed = sim_engine_seed(s->core->e), replication = sim_engine_replication(s->core->e);
    /* Replication r > 0 of a generator or an Azure spread draws anew; so
     * does each entry ("main", the shorthand's, draws what it always did). */
    uint64_t sd = replication ? sim_mix64(seed ^ sim_mix64(replication)) : seed;
    if (!mdl_entry_is_main(s->en)) sd = sim_mix64(sd ^ sim_stream_id(s->en->name));
    if (w->kind == MDL_WL_GENERATOR) {
        wl_gen_spec spec = w->gen;
        spec.duration_s = s->core->cfg->duration_s;
        return wl_gen_source_create(&s->src, &spec, sd, err);
    }
    if (w->kind != MDL_WL_TRACE) return SIM_OK;
    switch (w->trace_format) {
    case MDL_TRACE_CSV: return wl_csv_source_open(&s->src, w->trace_file, err);
    case MDL_TRACE_AZURE2021: return wl_az21_source_open(&s->src, w->trace_file, err);
    case MDL_TRACE_AZURE2019:
        SIM_TRY(wl_az19_load(&s->az, w->trace_file, w->durations_file[0] ? w->durations_file : NULL,
                             w->memory_file[0] ? w->memory_file : NULL, err));
        return wl_az19_source_create(&s->src, s->az, w->spread, sd, err);
    }
    return SIM_OK;
}

static const sim_component_ops k_source_ops = { "source", source_on_event, NULL };

sim_status mdl_source_create(mdl_core *core, mdl_entry *entry, int index, const char *path,
                             mdl_source **out, sim_error *err)
{
    mdl_source *s = sim_xcalloc(1, sizeof *s);
    *out = s;
    const mdl_entry_cfg *en = &core->cfg->entry[index];
    char name[MDL_NAME_MAX + 64];
    s->core = core;
    s->entry = entry;
    s->index = index;
    s->en = en;
    s->w = &en->workload;
    s->comp = sim_engine_add_component(core->e, &k_source_ops, s);
    snprintf(name, sizeof name, "%s/arrivals", path);
    s->r_arrival = sim_engine_rng(core->e, name);
    snprintf(name, sizeof name, "%s/mix", path);
    s->r_mix = sim_engine_rng(core->e, name);
    resolve_routes(s, en);
    return stream_open(s, err);
}

uint32_t mdl_source_trace_clones(const mdl_source *s)
{
    return s->src && s->template_fn >= 0 ? wl_source_function_count(s->src) : 0;
}

void mdl_source_destroy(mdl_source *s)
{
    if (!s) return;
    wl_source_destroy(s->src);
    wl_az19_destroy(s->az);
    free(s->fn_map);
    free(s);
}
