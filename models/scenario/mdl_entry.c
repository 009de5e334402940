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
#include <string.h>

/* What one side counts (all requests; an entry's requests of one op),
 * after the warm-up: the entry's responses and the flows.  Requests are
 * counted per (entry, op) pair and in all; an entry's and an op's figures
 * are the sums of their pairs, made when the results are written (so a
 * response costs one bucket search for two histograms, a flow one). */
typedef struct tally {
    uint64_t arrivals, completed, live;
    uint64_t failures[MDL_OUT_COUNT];
    sim_hist *lat_ms;                   /* response latency, ok requests */
    uint64_t flows_completed, flows_live;
    uint64_t flow_failures[MDL_OUT_COUNT];
    sim_hist *flow_ms;                  /* arrival to the flow's last finish, ok flows
                                         * (all: merged from the pairs) */
} tally;

#define MAX_PAIRS 256                   /* (entry, op) pairs that occur */

typedef struct entry_rt {
    const mdl_entry_cfg *cfg;
    mdl_source *src;
    mdl_door *door;                     /* the door types; NULL otherwise */
    int queue;                          /* queue entry: the queue */
} entry_rt;

struct mdl_entry {
    mdl_core *core;
    entry_rt e[MDL_MAX_ENTRIES];
    int n;
    mdl_sqs *sqs;                       /* peers, at start */
    mdl_sfn_sim *sfn;
    mdl_s3 *s3;
    tally all;                          /* every entry: "requests" */
    tally pair[MAX_PAIRS];              /* by (entry, op), in order of first arrival */
    uint8_t pair_entry[MAX_PAIRS], pair_op[MAX_PAIRS];
    int npair;
    int16_t pair_of[MDL_MAX_ENTRIES][MDL_MAX_OPS];   /* -1: none yet */
    /* While one pair has arrived, its response latencies are all's (not
     * added twice); the second pair splits them (pair_lat). */
    bool split;
};

/* The response-latency histogram of pair k. */
static sim_hist *pair_lat(const mdl_entry *en, int k)
{
    return en->split ? en->pair[k].lat_ms : en->all.lat_ms;
}

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

/* dst += src (dst's histograms exist). */
static void tally_add(tally *dst, const tally *src)
{
    dst->arrivals += src->arrivals;
    dst->completed += src->completed;
    dst->live += src->live;
    dst->flows_completed += src->flows_completed;
    dst->flows_live += src->flows_live;
    for (int o = 0; o < MDL_OUT_COUNT; o++) {
        dst->failures[o] += src->failures[o];
        dst->flow_failures[o] += src->flow_failures[o];
    }
    sim_hist_merge(dst->lat_ms, src->lat_ms);
    sim_hist_merge(dst->flow_ms, src->flow_ms);
}

/* The tally of (entry, op), made at its first arrival (the one allocation:
 * a handful per run). */
static tally *pair_tally(mdl_entry *en, int entry, int op)
{
    int16_t k = en->pair_of[entry][op];
    if (k >= 0) return &en->pair[k];
    SIM_ASSERT(en->npair < MAX_PAIRS);   /* 16 entries x 16 ops at most */
    k = (int16_t)en->npair++;
    en->pair_of[entry][op] = k;
    en->pair_entry[k] = (uint8_t)entry;
    en->pair_op[k] = (uint8_t)op;
    tally_init(&en->pair[k]);
    if (k == 1) {   /* the first pair's latencies so far are all's */
        sim_hist_merge(en->pair[0].lat_ms, en->all.lat_ms);
        en->split = true;
    }
    return &en->pair[k];
}

/* ---- arrivals ------------------------------------------------------------------ */

void mdl_entry_receive(mdl_entry *en, int entry, int32_t ri, int fn, int op)
{
    mdl_core *core = en->core;
    entry_rt *e = &en->e[entry];
    mdl_req *r = mdl_req_at(core, ri);
    r->counted = r->t_arrival >= core->t_measure;   /* arrived after the warm-up */
    if (r->counted) {
        tally *p = pair_tally(en, entry, op);
        en->all.arrivals++;
        en->all.live++;
        en->all.flows_live++;
        p->arrivals++;
        p->live++;
        p->flows_live++;
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
    mdl_meter_response(core, ri, o, en->e[r->entry].cfg->type);
    if (r->counted) {
        int k = en->pair_of[r->entry][r->op];
        tally *p = &en->pair[k];
        en->all.live--;
        p->live--;
        if (o == MDL_OUT_OK) {
            en->all.completed++;
            p->completed++;
            /* One bucket search for every histogram the sample goes to: all,
             * the pair (once split), and the flow's when the flow ends with
             * this response (its only request, nothing failed). */
            double ms = (sim_engine_now(core->e) - r->t_arrival) * 1e3;
            sim_hist *hs[3];
            int n = 0;
            hs[n++] = en->all.lat_ms;
            if (en->split) hs[n++] = p->lat_ms;
            mdl_flow *f = &core->fl[r->flow];
            if (f->pending == 1 && f->outcome == MDL_OUT_OK) {
                hs[n++] = p->flow_ms;
                f->recorded = 1;
            }
            sim_hist_add_many(hs, n, ms);
        } else {
            en->all.failures[o]++;
            p->failures[o]++;
        }
    }
    mdl_flow_fail(core, r->flow, o);
    mdl_req_free(core, ri);
}

/* The core's flow-done hook: the last request of a flow is gone. */
static void flow_done(void *ctx, const mdl_flow *f, double now)
{
    mdl_entry *en = ctx;
    if (!f->counted) return;
    tally *p = &en->pair[en->pair_of[f->entry][f->op]];
    en->all.flows_live--;
    p->flows_live--;
    if (f->outcome == MDL_OUT_OK) {
        en->all.flows_completed++;
        p->flows_completed++;
        if (!f->recorded) sim_hist_add(p->flow_ms, (now - f->t_start) * 1e3);
    } else {
        en->all.flow_failures[f->outcome]++;
        p->flow_failures[f->outcome]++;
    }
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
    memset(en->pair_of, 0xff, sizeof en->pair_of);   /* -1 */
    mdl_core_set_client(core, client_done, en);
    mdl_core_set_flow_done(core, flow_done, en);
    for (int i = 0; i < core->cfg->nentry; i++) {
        en->n = i + 1;
        SIM_TRY(entry_build_one(en, i, err));
    }
    return SIM_OK;
}

uint32_t mdl_entry_trace_clones(const mdl_entry *en)
{
    uint32_t n = 0;
    for (int i = 0; i < en->n; i++)
        if (en->e[i].src) n += mdl_source_trace_clones(en->e[i].src);
    return n;
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
    for (int k = 0; k < en->npair; k++) {
        const tally *t = &en->pair[k];
        mdl_entry_levels *l = &acc->entry[en->pair_entry[k]];
        l->arrivals += t->arrivals;
        l->completed += t->completed;
        l->failed += failed_of(t->failures);
        l->flows_completed += t->flows_completed;
        l->flows_failed += failed_of(t->flow_failures);
        l->in_flight += (double)t->live;
        l->flows_in_flight += (double)t->flows_live;
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

static json_object *tally_json(const tally *t)
{
    json_object *o = json_object_new_object();
    sim_json_add_int(o, "arrivals", (int64_t)t->arrivals);
    sim_json_add_int(o, "completed", (int64_t)t->completed);
    sim_json_add_int(o, "failed", (int64_t)failed_of(t->failures));
    sim_json_add_int(o, "in_flight", (int64_t)t->live);
    json_object_object_add(o, "failures", failures_json(t->failures));
    json_object_object_add(o, "latency_ms", mdl_latency_json(t->lat_ms));
    flows_json(o, t);
    return o;
}

/* The sum of the pairs of entry `entry` (or, entry < 0, of op `op`). */
static void pairs_sum(const mdl_entry *en, int entry, int op, tally *sum)
{
    memset(sum, 0, sizeof *sum);
    tally_init(sum);
    for (int k = 0; k < en->npair; k++)
        if (entry >= 0 ? en->pair_entry[k] == entry : en->pair_op[k] == op) {
            tally_add(sum, &en->pair[k]);
            if (!en->split) sim_hist_merge(sum->lat_ms, pair_lat(en, k));
        }
}

/* requests.ops.<op>: the ops that arrived, in the order of the core's ids. */
static json_object *ops_json(const mdl_entry *en)
{
    json_object *ops = json_object_new_object();
    for (int op = 0; op < en->core->nop; op++) {
        tally t;
        pairs_sum(en, -1, op, &t);
        if (t.arrivals) {
            json_object *o = json_object_new_object();
            sim_json_add_int(o, "count", (int64_t)t.arrivals);
            sim_json_add_int(o, "completed", (int64_t)t.completed);
            sim_json_add_int(o, "failed", (int64_t)failed_of(t.failures));
            json_object_object_add(o, "latency_ms", mdl_latency_json(t.lat_ms));
            json_object_object_add(o, "flow_ms", mdl_latency_json(t.flow_ms));
            json_object_object_add(ops, mdl_core_op_name(en->core, op), o);
        }
        tally_fini(&t);
    }
    return ops;
}

static void entry_results(const void *self, sim_jw *w, double t_end)
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
    /* The flows' latency of all: the pairs' merged. */
    tally flows;
    memset(&flows, 0, sizeof flows);
    tally_init(&flows);
    for (int k = 0; k < en->npair; k++) sim_hist_merge(flows.flow_ms, en->pair[k].flow_ms);
    flows.flows_completed = t->flows_completed;
    flows.flows_live = t->flows_live;
    memcpy(flows.flow_failures, t->flow_failures, sizeof flows.flow_failures);
    flows_json(rq, &flows);
    tally_fini(&flows);
    json_object_object_add(rq, "ops", ops_json(en));
    sim_jw_tree_member(w, "requests", rq);
    json_object *es = json_object_new_object();
    for (int i = 0; i < en->n; i++) {
        tally sum;
        pairs_sum(en, i, -1, &sum);
        json_object_object_add(es, en->e[i].cfg->name, tally_json(&sum));
        tally_fini(&sum);
    }
    sim_jw_tree_member(w, "entries", es);
}

static void entry_destroy(void *self)
{
    mdl_entry *en = self;
    for (int i = 0; i < en->n; i++) {
        mdl_source_destroy(en->e[i].src);
        if (en->e[i].door) mdl_door_destroy(en->e[i].door);
    }
    tally_fini(&en->all);
    for (int k = 0; k < en->npair; k++) tally_fini(&en->pair[k]);
    free(en);
}

const mdl_service_ops mdl_entry_service = {
    "entry", entry_build, entry_start, NULL, entry_levels, entry_meter_end, entry_results,
    entry_destroy,
};
