/* mdl_s3.c - S3 buckets and their event notifications (see mdl_s3.h). */
#include "models/s3/mdl_s3.h"
#include "models/lambda/mdl_lambda.h"
#include "models/sqs/mdl_sqs.h"

#include <stdlib.h>

enum { EV_NOTIFY };

typedef struct s3_bucket {
    const mdl_bucket_cfg *cfg;
    gsl_rng *r_delay;             /* the notifications' delays */
    uint64_t puts, events;        /* after the warm-up */
} s3_bucket;

struct mdl_s3 {
    mdl_core *core;
    uint32_t comp;
    s3_bucket b[MDL_MAX_BUCKETS];
    int nb;
};

/* An event's argument: the request, the bucket and the notification. */
static uint64_t pack(int32_t ri, int bucket, int k)
{
    return ((uint64_t)(uint32_t)ri << 16) | ((uint64_t)bucket << 8) | (uint64_t)k;
}

void mdl_s3_put(mdl_s3 *s3, int bucket, uint32_t mask, int32_t ri)
{
    SIM_ASSERT(bucket >= 0 && bucket < s3->nb);
    mdl_core *core = s3->core;
    s3_bucket *b = &s3->b[bucket];
    bool measured = mdl_core_measuring(core);
    if (measured) b->puts++;
    int32_t carrier = ri;   /* the first notification takes ri itself */
    for (int k = 0; k < b->cfg->nnotify; k++) {
        if (!(mask & (1u << k))) continue;
        int32_t ei = carrier >= 0 ? carrier : mdl_req_child(core, ri);
        if (ei != ri) {
            mdl_req_at(core, ei)->origin = MDL_ORIGIN_EMIT;
            mdl_req_at(core, ei)->origin_arg = UINT64_MAX;   /* nobody waits */
        }
        carrier = -1;
        if (measured) b->events++;
        double d = sim_dist_sample(&b->cfg->notify[k].delay, b->r_delay) / 1e3;
        sim_engine_after(core->e, d, EV_NOTIFY, s3->comp, pack(ei, bucket, k));
    }
    if (carrier >= 0) mdl_req_finish(core, ri, MDL_OUT_OK);   /* nothing to notify */
}

void mdl_s3_upload(mdl_s3 *s3, int bucket, uint32_t mask, int32_t ri)
{
    mdl_core *core = s3->core;
    mdl_meter_s3_put(core->meter, 1);
    mdl_stock_add(core, MDL_STOCK_S3, mdl_req_at(core, ri)->obj_bytes);
    mdl_s3_put(s3, bucket, mask, ri);
}

/* The notification fires: its event goes to the queue, or invokes the
 * function asynchronously.  The event is small: S3_EVENT_BYTES on the
 * wire, whatever the object's size (which the request keeps as obj_bytes). */
static void notify(mdl_s3 *s3, int32_t ri, int bucket, int k)
{
    mdl_core *core = s3->core;
    const mdl_notify_cfg *n = &s3->b[bucket].cfg->notify[k];
    mdl_req *r = mdl_req_at(core, ri);
    r->bytes = S3_EVENT_BYTES;
    if (n->queue_index >= 0) {
        mdl_sqs_send(mdl_core_service(core, MDL_SID_SQS), n->queue_index, ri);
        return;
    }
    r->t_first = sim_engine_now(core->e);
    r->async = 1;
    mdl_lambda_invoke(mdl_core_service(core, MDL_SID_LAMBDA), n->fn_index, ri);
}

static void s3_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    SIM_ENGINE_ASSERT(e, ev->type == EV_NOTIFY);
    notify(self, (int32_t)(ev->arg >> 16), (int)((ev->arg >> 8) & 0xff), (int)(ev->arg & 0xff));
}

static const sim_component_ops k_s3_ops = { "s3", s3_on_event, NULL };

/* The delays' stream: the bucket of the entry named "main" (the
 * shorthand's) keeps the name it always had ("s3/notify"), so one-entry
 * configs draw what they drew before. */
static void stream_name(const mdl_config *cfg, const mdl_bucket_cfg *b, char *buf, size_t n)
{
    int ei = b->implicit ? mdl_config_find_entry(cfg, b->name) : -1;
    if (ei >= 0 && mdl_entry_is_main(&cfg->entry[ei])) snprintf(buf, n, "s3/notify");
    else if (ei >= 0) snprintf(buf, n, "entries.%s/notify", b->name);
    else snprintf(buf, n, "buckets.%s/notify", b->name);
}

static sim_status s3_build(mdl_core *core, void **self, sim_error *err)
{
    (void)err;
    const mdl_config *cfg = core->cfg;
    mdl_s3 *s3 = sim_xcalloc(1, sizeof *s3);
    *self = s3;
    s3->core = core;
    s3->comp = sim_engine_add_component(core->e, &k_s3_ops, s3);
    s3->nb = cfg->nbucket;
    for (int i = 0; i < cfg->nbucket; i++) {
        char name[MDL_NAME_MAX + 32];
        s3->b[i].cfg = &cfg->bucket[i];
        stream_name(cfg, &cfg->bucket[i], name, sizeof name);
        s3->b[i].r_delay = sim_engine_rng(core->e, name);
    }
    return SIM_OK;
}

static void s3_reset_stats(void *self, double now)
{
    (void)now;
    mdl_s3 *s3 = self;
    for (int i = 0; i < s3->nb; i++) s3->b[i].puts = s3->b[i].events = 0;
}

/* `buckets.<name>.{puts, events}` for the named buckets (an entry's
 * implicit bucket is the entry's business). */
static void s3_results(const void *self, sim_jw *w, double t_end)
{
    (void)t_end;
    const mdl_s3 *s3 = self;
    json_object *bs = NULL;
    for (int i = 0; i < s3->nb; i++) {
        if (s3->b[i].cfg->implicit) continue;
        if (!bs) bs = json_object_new_object();
        json_object *o = json_object_new_object();
        sim_json_add_int(o, "puts", (int64_t)s3->b[i].puts);
        sim_json_add_int(o, "events", (int64_t)s3->b[i].events);
        json_object_object_add(bs, s3->b[i].cfg->name, o);
    }
    if (bs) sim_jw_tree_member(w, "buckets", bs);
}

static void s3_destroy(void *self) { free(self); }

const mdl_service_ops mdl_s3_service = {
    "s3", s3_build, NULL, s3_reset_stats, NULL, NULL, s3_results, s3_destroy,
};
