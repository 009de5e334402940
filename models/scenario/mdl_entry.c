/* mdl_entry.c - the entries: client requests in, client accounting (see mdl_entry.h). */
#include "models/scenario/mdl_entry.h"
#include "models/lambda/mdl_door.h"
#include "models/lambda/mdl_lambda.h"
#include "models/scenario/mdl_source.h"
#include "models/sqs/mdl_sqs.h"
#include "models/stepfn/mdl_sfn_sim.h"

#include <stdlib.h>

enum { EV_S3_NOTIFY };

/* The S3 notification message is a small JSON record, not the photo. */
#define S3_NOTIFICATION_BYTES 1500

struct mdl_entry {
    mdl_core *core;
    const mdl_entry_cfg *cfg;
    mdl_source *src;
    mdl_door *door;                     /* the door types; NULL otherwise */
    /* the target, resolved at build (peers at start) */
    int queue;                          /* queue entry: the queue */
    int notify_queue, notify_fn;        /* s3 entry: where the bucket notifies (-1: not there) */
    mdl_lambda *lambda;
    mdl_sqs *sqs;
    mdl_sfn_sim *sfn;
    uint32_t comp;                      /* S3 notifications */
    gsl_rng *r_notify;
    /* the client's side, after the warm-up */
    uint64_t arrivals, completed, live_counted;
    uint64_t failures[MDL_OUT_COUNT];
    sim_hist *lat_ms;                   /* client latency, ok requests */
};

/* ---- arrivals ------------------------------------------------------------------ */

/* The upload lands in the bucket (pending/); the bucket notifies later. */
static void s3_upload(mdl_entry *en, int32_t ri)
{
    mdl_core *core = en->core;
    mdl_meter_s3_put(core->meter, 1);
    mdl_s3_store(core, mdl_req_at(core, ri)->bytes);
    double d = sim_dist_sample(&en->cfg->notify_delay, en->r_notify) / 1e3;
    sim_engine_after(core->e, d, EV_S3_NOTIFY, en->comp, (uint64_t)ri);
}

static void s3_notify(mdl_entry *en, int32_t ri)
{
    mdl_req *r = mdl_req_at(en->core, ri);
    if (en->notify_queue >= 0) {
        r->bytes = S3_NOTIFICATION_BYTES;
        mdl_sqs_send(en->sqs, en->notify_queue, ri);
        return;
    }
    /* S3 invokes the function asynchronously (an event). */
    r->t_first = sim_engine_now(en->core->e);
    r->async = 1;
    mdl_lambda_invoke(en->lambda, en->notify_fn, ri);
}

void mdl_entry_receive(mdl_entry *en, int32_t ri, int fn)
{
    mdl_core *core = en->core;
    mdl_req *r = mdl_req_at(core, ri);
    r->counted = r->t_arrival >= core->t_measure;   /* arrived after the warm-up */
    if (r->counted) {
        en->arrivals++;
        en->live_counted++;
    }
    switch (en->cfg->type) {
    case MDL_ENTRY_STEPFUNCTIONS:
        mdl_sfn_sim_start(en->sfn, 0, ri);
        return;
    case MDL_ENTRY_QUEUE:
    case MDL_ENTRY_S3:
        if (r->bytes > en->cfg->max_payload_bytes)
            mdl_req_finish(core, ri, MDL_OUT_PAYLOAD_TOO_LARGE);
        else if (en->cfg->type == MDL_ENTRY_QUEUE)
            mdl_sqs_send(en->sqs, en->queue, ri);
        else
            s3_upload(en, ri);
        return;
    default:
        mdl_door_receive(en->door, ri, fn);
    }
}

/* MDL_ORIGIN_CLIENT's done hook: the client has its answer. */
static void client_done(void *ctx, int32_t ri, mdl_outcome o)
{
    mdl_entry *en = ctx;
    mdl_core *core = en->core;
    const mdl_req *r = mdl_req_at(core, ri);
    if (en->door && r->resp_bytes > 0) mdl_door_respond(en->door, ri, o);
    if (r->counted) {
        en->live_counted--;
        if (o == MDL_OUT_OK) {
            en->completed++;
            sim_hist_add(en->lat_ms, (sim_engine_now(core->e) - r->t_arrival) * 1e3);
        } else {
            en->failures[o]++;
        }
    }
    mdl_req_free(core, ri);
}

static void entry_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    SIM_ENGINE_ASSERT(e, ev->type == EV_S3_NOTIFY);
    s3_notify(self, (int32_t)ev->arg);
}

/* ---- the service hooks ----------------------------------------------------------- */

static const sim_component_ops k_entry_ops = { "entry", entry_on_event };

/* The entry's target, resolved once (the config checked the names). */
static void resolve_target(mdl_entry *en)
{
    const mdl_config *cfg = en->core->cfg;
    const mdl_entry_cfg *e = en->cfg;
    en->queue = en->notify_queue = en->notify_fn = -1;
    if (e->type == MDL_ENTRY_QUEUE)
        en->queue = mdl_config_find_queue(cfg, e->target);
    if (e->type == MDL_ENTRY_S3) {
        if (e->notify_queue[0])
            en->notify_queue = mdl_config_find_queue(cfg, e->notify_queue);
        else
            en->notify_fn = mdl_config_find_function(cfg, e->notify_function);
        SIM_ASSERT(en->notify_queue >= 0 || en->notify_fn >= 0);
        en->r_notify = sim_engine_rng(en->core->e, "s3/notify");
    }
}

static sim_status entry_build(mdl_core *core, void **self, sim_error *err)
{
    mdl_entry *en = sim_xcalloc(1, sizeof *en);
    *self = en;
    en->core = core;
    en->cfg = &core->cfg->entry;
    en->lat_ms = sim_hist_create(1e-3);
    en->comp = sim_engine_add_component(core->e, &k_entry_ops, en);
    mdl_core_set_client(core, client_done, en);
    resolve_target(en);
    if (mdl_door_type(en->cfg->type))
        SIM_TRY(mdl_door_create(core, en->cfg, "entry", &en->door, err));
    return mdl_source_create(core, en, en->cfg, &core->cfg->workload, &en->src, err);
}

uint32_t mdl_entry_trace_clones(const mdl_entry *en)
{
    return en->src ? mdl_source_trace_clones(en->src) : 0;
}

static void entry_start(void *self)
{
    mdl_entry *en = self;
    en->lambda = mdl_core_service(en->core, MDL_SID_LAMBDA);
    en->sqs = mdl_core_service(en->core, MDL_SID_SQS);
    en->sfn = mdl_core_service(en->core, MDL_SID_SFN);
    mdl_source_start(en->src);
}

static void entry_levels(const void *self, mdl_levels *acc)
{
    const mdl_entry *en = self;
    acc->arrivals += en->arrivals;
    acc->completed += en->completed;
    for (int o = 1; o < MDL_OUT_COUNT; o++) acc->failed += en->failures[o];
}

static sim_status entry_meter_end(void *self, double span_s, sim_error *err)
{
    (void)err;
    mdl_entry *en = self;
    if (en->door) mdl_door_meter_end(en->door, span_s);
    return SIM_OK;
}

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

static void entry_results(const void *self, json_object *root, double t_end)
{
    (void)t_end;
    const mdl_entry *en = self;
    json_object *rq = json_object_new_object();
    uint64_t failed = 0;
    json_object *fail = json_object_new_object();
    for (int o = 1; o < MDL_OUT_COUNT; o++) {
        failed += en->failures[o];
        sim_json_add_int(fail, mdl_outcome_name((mdl_outcome)o), (int64_t)en->failures[o]);
    }
    /* Counted independently of the other two (requests still in the pool),
     * so arrivals = completed + failed + in_flight is a real check. */
    sim_json_add_int(rq, "arrivals", (int64_t)en->arrivals);
    sim_json_add_int(rq, "completed", (int64_t)en->completed);
    sim_json_add_int(rq, "failed", (int64_t)failed);
    sim_json_add_int(rq, "in_flight", (int64_t)en->live_counted);
    sim_json_add_int(rq, "cache_hits", (int64_t)(en->door ? mdl_door_cache_hits(en->door) : 0));
    json_object_object_add(rq, "failures", fail);
    json_object *lat = mdl_latency_json(en->lat_ms);
    if (sim_hist_count(en->lat_ms) > 0)
        json_object_object_add(lat, "cdf", latency_cdf(en->lat_ms));
    json_object_object_add(rq, "latency_ms", lat);
    json_object_object_add(root, "requests", rq);
}

static void entry_destroy(void *self)
{
    mdl_entry *en = self;
    mdl_source_destroy(en->src);
    if (en->door) mdl_door_destroy(en->door);
    sim_hist_destroy(en->lat_ms);
    free(en);
}

const mdl_service_ops mdl_entry_service = {
    "entry", entry_build, entry_start, NULL, entry_levels, entry_meter_end, entry_results,
    entry_destroy,
};
