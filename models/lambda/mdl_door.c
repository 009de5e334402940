/* mdl_door.c - Lambda's front doors (see mdl_door.h). */
#include "models/lambda/mdl_door.h"
#include "models/lambda/mdl_lambda.h"
#include "sim/sim_rng.h"

#include <math.h>
#include <stdlib.h>

enum { EV_CACHE_HIT };

struct mdl_door {
    mdl_core *core;
    mdl_lambda *lambda;
    const mdl_entry_cfg *cfg;
    uint32_t comp;                      /* cache hits answer through it */
    gsl_rng *r_overhead, *r_cache;
    double tokens, t_tokens;            /* API Gateway's throttle bucket */
    int meter_cache;                    /* REST cache registration, -1: none */
    uint64_t cache_hits;
};

bool mdl_door_type(mdl_entry_type t)
{
    return t == MDL_ENTRY_DIRECT || t == MDL_ENTRY_FUNCTION_URL || t == MDL_ENTRY_APIGW_HTTP ||
           t == MDL_ENTRY_APIGW_REST;
}

/* The door's own payload limit, then Lambda's: 6 MB sync, 1 MB async. */
static bool payload_ok(const mdl_entry_cfg *en, const mdl_req *r)
{
    double payload = r->bytes > r->resp_bytes ? r->bytes : r->resp_bytes;
    return !(payload > en->max_payload_bytes ||
             (!en->async && payload > 6.0 * 1024 * 1024) ||
             (en->async && r->bytes > 1.0 * 1024 * 1024));
}

/* API Gateway: the account throttle (token bucket of rate rps and depth
 * burst), then the request on the meter.  False: throttled. */
static bool apigw_admit(mdl_door *d, const mdl_req *r, double now)
{
    const mdl_entry_cfg *en = d->cfg;
    d->tokens = fmin(en->throttle_burst, d->tokens + (now - d->t_tokens) * en->throttle_rps);
    d->t_tokens = now;
    if (d->tokens < 1.0) return false;
    d->tokens -= 1.0;
    if (en->type == MDL_ENTRY_APIGW_HTTP)
        mdl_meter_apigw_http(d->core->meter, r->bytes / 1024.0);
    else
        mdl_meter_apigw_rest(d->core->meter);
    return true;
}

void mdl_door_receive(mdl_door *d, int32_t ri, int fn)
{
    const mdl_entry_cfg *en = d->cfg;
    mdl_core *core = d->core;
    mdl_req *r = mdl_req_at(core, ri);
    double now = r->t_arrival;   /* the door sees the request as it arrives */
    r->t_first = now;
    r->async = en->async;
    if (!en->async) r->timeout_s = en->timeout_s;   /* the client waits at the door */
    if (!payload_ok(en, r)) {
        mdl_req_finish(core, ri, MDL_OUT_PAYLOAD_TOO_LARGE);
        return;
    }
    if ((en->type == MDL_ENTRY_APIGW_HTTP || en->type == MDL_ENTRY_APIGW_REST) &&
        !apigw_admit(d, r, now)) {
        mdl_req_finish(core, ri, MDL_OUT_ENTRY_THROTTLED);
        return;
    }
    if (en->type == MDL_ENTRY_FUNCTION_URL)
        mdl_meter_function_url_request(core->meter);   /* free, but on the bill */
    double ov = sim_dist_sample(&en->overhead, d->r_overhead) / 1e3;
    if (en->type == MDL_ENTRY_APIGW_REST && en->cache_hit_ratio > 0 &&
        sim_rng_uniform(d->r_cache) < en->cache_hit_ratio) {
        /* Answered from the stage cache: Lambda is never invoked. */
        if (r->counted) d->cache_hits++;
        sim_engine_after(core->e, ov, EV_CACHE_HIT, d->comp, (uint64_t)ri);
        return;
    }
    if (ov > 0)
        mdl_lambda_invoke_after(d->lambda, fn, ri, ov);
    else
        mdl_lambda_invoke(d->lambda, fn, ri);
}

static void door_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    mdl_door *d = self;
    SIM_ENGINE_ASSERT(e, ev->type == EV_CACHE_HIT);
    mdl_req_finish(d->core, (int32_t)ev->arg, MDL_OUT_OK);
}

static const sim_component_ops k_door_ops = { "door", door_on_event, NULL };

sim_status mdl_door_create(mdl_core *core, const mdl_entry_cfg *en, const char *path,
                           mdl_door **out, sim_error *err)
{
    SIM_ASSERT(mdl_door_type(en->type));
    mdl_door *d = sim_xcalloc(1, sizeof *d);
    *out = d;
    d->core = core;
    d->cfg = en;
    d->lambda = mdl_core_service(core, MDL_SID_LAMBDA);
    SIM_ASSERT(d->lambda);   /* built before the entries */
    d->comp = sim_engine_add_component(core->e, &k_door_ops, d);
    char name[MDL_NAME_MAX + 32];
    snprintf(name, sizeof name, "%s/overhead", path);
    d->r_overhead = sim_engine_rng(core->e, name);
    snprintf(name, sizeof name, "%s/cache", path);
    d->r_cache = sim_engine_rng(core->e, name);
    d->tokens = en->throttle_burst;
    d->meter_cache = -1;
    if (en->type == MDL_ENTRY_APIGW_REST && en->cache_hit_ratio > 0) {
        snprintf(name, sizeof name, "%s.cache.size_gb", path);
        return mdl_meter_add_rest_cache(core->meter, en->cache_gb, "", 0, name, &d->meter_cache,
                                        err);
    }
    return SIM_OK;
}

uint64_t mdl_door_cache_hits(const mdl_door *d) { return d->cache_hits; }

void mdl_door_meter_end(mdl_door *d, double span_s)
{
    if (d->meter_cache >= 0)
        mdl_meter_rest_cache_hours(d->core->meter, d->meter_cache, span_s / 3600.0);
}

void mdl_door_destroy(mdl_door *d) { free(d); }
