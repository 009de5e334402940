/* mdl_entry.c - the entries: client requests in, client and flow
 * accounting (see mdl_entry.h). */
#include "models/scenario/mdl_entry.h"
#include "models/lambda/mdl_door.h"
#include "models/lambda/mdl_lambda.h"
#include "models/s3/mdl_s3.h"
#include "models/scenario/mdl_source.h"
#include "models/sqs/mdl_sqs.h"
#include "models/stepfn/mdl_sfn_sim.h"

#include <stdlib.h>

/* What one side counts (all requests, an entry, an op), after the warm-up:
 * the entry's responses and the flows. */
typedef struct tally {
    uint64_t arrivals, completed, live;
    uint64_t failures[MDL_OUT_COUNT];
    sim_hist *lat_ms;                   /* response latency, ok requests */
    uint64_t flows_completed, flows_live;
    uint64_t flow_failures[MDL_OUT_COUNT];
    sim_hist *flow_ms;                  /* arrival to the flow's last finish, ok flows */
} tally;

typedef struct entry_rt {
    const mdl_entry_cfg *cfg;
    mdl_source *src;
    mdl_door *door;                     /* the door types; NULL otherwise */
    int queue;                          /* queue entry: the queue */
    tally t;
} entry_rt;

struct mdl_entry {
    mdl_core *core;
    entry_rt e[MDL_MAX_ENTRIES];
    int n;
    mdl_sqs *sqs;                       /* peers, at start */
    mdl_sfn_sim *sfn;
    mdl_s3 *s3;
    tally all;                          /* every entry: "requests" */
    tally op[MDL_MAX_OPS];              /* by op: "requests.ops" */
    int nop;                            /* ops registered (all by the sources, at build) */
};

static void tally_init(tally *t)
{
    t->lat_ms = sim_hist_create(1e-3);
    t->flow_ms = sim_hist_create(1e-3);
}

static void tally_fini(tally *t)
{
    sim_hist_destroy(t->lat_ms);
    sim_hist_destroy(t->flow_ms);
}

static void tally_respond(tally *t, mdl_outcome o, double ms)
{
    t->live--;
    if (o == MDL_OUT_OK) {
        t->completed++;
        sim_hist_add(t->lat_ms, ms);
    } else {
        t->failures[o]++;
    }
}

static void tally_flow_done(tally *t, mdl_outcome o, double ms)
{
    t->flows_live--;
    if (o == MDL_OUT_OK) {
        t->flows_completed++;
        sim_hist_add(t->flow_ms, ms);
    } else {
        t->flow_failures[o]++;
    }
}

/* ---- arrivals ------------------------------------------------------------------ */

void mdl_entry_receive(mdl_entry *en, int entry, int32_t ri, int fn, int op)
{
    mdl_core *core = en->core;
    entry_rt *e = &en->e[entry];
    mdl_req *r = mdl_req_at(core, ri);
    r->counted = r->t_arrival >= core->t_measure;   /* arrived after the warm-up */
    if (r->counted) {
        tally *ts[3] = { &en->all, &e->t, &en->op[op] };
        for (int k = 0; k < 3; k++) {
            ts[k]->arrivals++;
            ts[k]->live++;
            ts[k]->flows_live++;
        }
    }
    mdl_flow_root(core, ri, entry, op);
    switch (e->cfg->type) {
    case MDL_ENTRY_STEPFUNCTIONS:
        mdl_sfn_sim_start(en->sfn, e->cfg->machine_index, ri);
        return;
    case MDL_ENTRY_QUEUE:
    case MDL_ENTRY_S3:
        if (r->bytes > e->cfg->max_payload_bytes)
            mdl_req_finish(core, ri, MDL_OUT_PAYLOAD_TOO_LARGE);
        else if (e->cfg->type == MDL_ENTRY_QUEUE)
            mdl_sqs_send(en->sqs, e->queue, ri);
        else
            mdl_s3_upload(en->s3, e->cfg->bucket_index, e->cfg->notify_mask, ri);
        return;
    default:
        mdl_door_receive(e->door, ri, fn);
    }
}

/* MDL_ORIGIN_CLIENT's done hook: the client has its answer.  The one place
 * an entry's response is finished. */
static void client_done(void *ctx, int32_t ri, mdl_outcome o)
{
    mdl_entry *en = ctx;
    mdl_core *core = en->core;
    const mdl_req *r = mdl_req_at(core, ri);
    entry_rt *e = &en->e[r->entry];
    if (e->door && r->resp_bytes > 0) mdl_door_respond(e->door, ri, o);
    if (r->counted) {
        double ms = (sim_engine_now(core->e) - r->t_arrival) * 1e3;
        tally_respond(&en->all, o, ms);
        tally_respond(&e->t, o, ms);
        tally_respond(&en->op[r->op], o, ms);
    }
    mdl_flow_fail(core, r->flow, o);
    mdl_req_free(core, ri);
}

/* The core's flow-done hook: the last request of a flow is gone. */
static void flow_done(void *ctx, const mdl_flow *f, double now)
{
    mdl_entry *en = ctx;
    if (!f->counted) return;
    mdl_outcome o = (mdl_outcome)f->outcome;
    double ms = (now - f->t_start) * 1e3;
    tally_flow_done(&en->all, o, ms);
    tally_flow_done(&en->e[f->entry].t, o, ms);
    tally_flow_done(&en->op[f->op], o, ms);
}

/* ---- the service hooks ----------------------------------------------------------- */

/* Entry i: its target resolved (the config checked the names), its door
 * and its source.  The entry named "main" (the shorthand's) names its
 * streams as one-entry configs always did. */
static sim_status entry_build_one(mdl_entry *en, int i, sim_error *err)
{
    mdl_core *core = en->core;
    entry_rt *e = &en->e[i];
    e->cfg = &core->cfg->entry[i];
    e->queue = -1;
    tally_init(&e->t);
    if (e->cfg->type == MDL_ENTRY_QUEUE)
        e->queue = mdl_config_find_queue(core->cfg, e->cfg->target);
    char path[MDL_NAME_MAX + 32], wpath[MDL_NAME_MAX + 48];
    if (mdl_entry_is_main(e->cfg)) {
        snprintf(path, sizeof path, "entry");
        snprintf(wpath, sizeof wpath, "workload");
    } else {
        snprintf(path, sizeof path, "entries.%s", e->cfg->name);
        snprintf(wpath, sizeof wpath, "entries.%s.workload", e->cfg->name);
    }
    if (mdl_door_type(e->cfg->type))
        SIM_TRY(mdl_door_create(core, e->cfg, path, &e->door, err));
    return mdl_source_create(core, en, i, wpath, &e->src, err);
}

static sim_status entry_build(mdl_core *core, void **self, sim_error *err)
{
    mdl_entry *en = sim_xcalloc(1, sizeof *en);
    *self = en;
    en->core = core;
    tally_init(&en->all);
    mdl_core_set_client(core, client_done, en);
    mdl_core_set_flow_done(core, flow_done, en);
    sim_status st = SIM_OK;
    for (int i = 0; i < core->cfg->nentry && st == SIM_OK; i++) {
        en->n = i + 1;
        st = entry_build_one(en, i, err);
    }
    for (en->nop = 0; en->nop < core->nop; en->nop++) tally_init(&en->op[en->nop]);
    return st;
}

static void entry_start(void *self)
{
    mdl_entry *en = self;
    en->sqs = mdl_core_service(en->core, MDL_SID_SQS);
    en->sfn = mdl_core_service(en->core, MDL_SID_SFN);
    en->s3 = mdl_core_service(en->core, MDL_SID_S3);
    for (int i = 0; i < en->n; i++) mdl_source_start(en->e[i].src);
}

static uint64_t failed_of(const uint64_t *failures)
{
    uint64_t n = 0;
    for (int o = 1; o < MDL_OUT_COUNT; o++) n += failures[o];
    return n;
}

static void entry_levels(const void *self, mdl_levels *acc)
{
    const mdl_entry *en = self;
    acc->arrivals += en->all.arrivals;
    acc->completed += en->all.completed;
    acc->failed += failed_of(en->all.failures);
    acc->flows_completed += en->all.flows_completed;
    acc->flows_failed += failed_of(en->all.flow_failures);
    acc->flows_in_flight += (double)en->all.flows_live;
    for (int i = 0; i < en->n; i++) {
        const tally *t = &en->e[i].t;
        mdl_entry_levels *l = &acc->entry[i];
        l->arrivals = t->arrivals;
        l->completed = t->completed;
        l->failed = failed_of(t->failures);
        l->flows_completed = t->flows_completed;
        l->flows_failed = failed_of(t->flow_failures);
        l->in_flight = (double)t->live;
        l->flows_in_flight = (double)t->flows_live;
    }
}

static sim_status entry_meter_end(void *self, double span_s, sim_error *err)
{
    (void)err;
    mdl_entry *en = self;
    for (int i = 0; i < en->n; i++)
        if (en->e[i].door) mdl_door_meter_end(en->e[i].door, span_s);
    return SIM_OK;
}

/* ---- results ---------------------------------------------------------------------- */

/* The client-latency CDF at every percentile (and 99.9): charts draw the
 * whole curve from it. */
static json_object *latency_cdf(const sim_hist *h)
{
    json_object *cdf = json_object_new_array();
    for (int q = 1; q <= 100; q++) {
        double p = q == 100 ? 0.999 : q / 100.0;
        json_object *pt = json_object_new_array();
        json_object_array_add(pt, sim_json_double(sim_hist_quantile(h, p)));
        json_object_array_add(pt, sim_json_double(p));
        json_object_array_add(cdf, pt);
    }
    return cdf;
}

static json_object *failures_json(const uint64_t *failures)
{
    json_object *fail = json_object_new_object();
    for (int o = 1; o < MDL_OUT_COUNT; o++)
        sim_json_add_int(fail, mdl_outcome_name((mdl_outcome)o), (int64_t)failures[o]);
    return fail;
}

/* {completed, failed, in_flight, failures} of a tally's flows, and their
 * latency as `flow_ms` of `o`.  Counted independently (flows still alive),
 * so arrivals = completed + failed + in_flight is a real check. */
static void flows_json(json_object *o, const tally *t)
{
    json_object *fl = json_object_new_object();
    sim_json_add_int(fl, "completed", (int64_t)t->flows_completed);
    sim_json_add_int(fl, "failed", (int64_t)failed_of(t->flow_failures));
    sim_json_add_int(fl, "in_flight", (int64_t)t->flows_live);
    json_object_object_add(fl, "failures", failures_json(t->flow_failures));
    json_object_object_add(o, "flows", fl);
    json_object_object_add(o, "flow_ms", mdl_latency_json(t->flow_ms));
}

static json_object *entry_json(const entry_rt *e)
{
    json_object *o = json_object_new_object();
    const tally *t = &e->t;
    sim_json_add_int(o, "arrivals", (int64_t)t->arrivals);
    sim_json_add_int(o, "completed", (int64_t)t->completed);
    sim_json_add_int(o, "failed", (int64_t)failed_of(t->failures));
    sim_json_add_int(o, "in_flight", (int64_t)t->live);
    json_object_object_add(o, "failures", failures_json(t->failures));
    json_object_object_add(o, "latency_ms", mdl_latency_json(t->lat_ms));
    flows_json(o, t);
    return o;
}

/* requests.ops.<op>: the ops that arrived. */
static json_object *ops_json(const mdl_entry *en)
{
    json_object *ops = json_object_new_object();
    for (int k = 0; k < en->nop; k++) {
        const tally *t = &en->op[k];
        if (!t->arrivals) continue;
        json_object *o = json_object_new_object();
        sim_json_add_int(o, "count", (int64_t)t->arrivals);
        sim_json_add_int(o, "completed", (int64_t)t->completed);
        sim_json_add_int(o, "failed", (int64_t)failed_of(t->failures));
        json_object_object_add(o, "latency_ms", mdl_latency_json(t->lat_ms));
        json_object_object_add(o, "flow_ms", mdl_latency_json(t->flow_ms));
        json_object_object_add(ops, mdl_core_op_name(en->core, k), o);
    }
    return ops;
}

static void entry_results(const void *self, json_object *root, double t_end)
{
    (void)t_end;
    const mdl_entry *en = self;
    const tally *t = &en->all;
    json_object *rq = json_object_new_object();
    uint64_t cache_hits = 0;
    for (int i = 0; i < en->n; i++)
        if (en->e[i].door) cache_hits += mdl_door_cache_hits(en->e[i].door);
    sim_json_add_int(rq, "arrivals", (int64_t)t->arrivals);
    sim_json_add_int(rq, "completed", (int64_t)t->completed);
    sim_json_add_int(rq, "failed", (int64_t)failed_of(t->failures));
    sim_json_add_int(rq, "in_flight", (int64_t)t->live);
    sim_json_add_int(rq, "cache_hits", (int64_t)cache_hits);
    json_object_object_add(rq, "failures", failures_json(t->failures));
    json_object *lat = mdl_latency_json(t->lat_ms);
    if (sim_hist_count(t->lat_ms) > 0)
        json_object_object_add(lat, "cdf", latency_cdf(t->lat_ms));
    json_object_object_add(rq, "latency_ms", lat);
    flows_json(rq, t);
    json_object_object_add(rq, "ops", ops_json(en));
    json_object_object_add(root, "requests", rq);
    json_object *es = json_object_new_object();
    for (int i = 0; i < en->n; i++)
        json_object_object_add(es, en->e[i].cfg->name, entry_json(&en->e[i]));
    json_object_object_add(root, "entries", es);
}

static void entry_destroy(void *self)
{
    mdl_entry *en = self;
    for (int i = 0; i < en->n; i++) {
        mdl_source_destroy(en->e[i].src);
        if (en->e[i].door) mdl_door_destroy(en->e[i].door);
        tally_fini(&en->e[i].t);
    }
    tally_fini(&en->all);
    for (int k = 0; k < en->nop; k++) tally_fini(&en->op[k]);
    free(en);
}

const mdl_service_ops mdl_entry_service = {
    "entry", entry_build, entry_start, NULL, entry_levels, entry_meter_end, entry_results,
    entry_destroy,
};
