/* mdl_scenario.c - the scenario core: one replication of a run config.
 *
 * The core owns the engine, the meter, the request pool, the origins table
 * and the run's timeline; the services (MDL_SCENARIO_SERVICES in mdl_service.h)
 * own everything else.  A run: build every service in the table's order,
 * start them, run the engine (the warm-up event resets every service's
 * statistics and the meter; the sample event records a time-series row from
 * every service's levels), then meter the end of the run and bill it.  The
 * results document is the services' sections in table order, then the cost.
 *
 * Requests live in a pool owned by the core; events carry only the pool
 * index, so nothing allocates per request once the pool is warm.
 */
#include "models/lambda/mdl_lambda.h"
#include "models/scenario/mdl_entry.h"
#include "models/scenario/mdl_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Events of the control component. */
enum { EV_WARMUP, EV_SAMPLE };

/* The services, in the order of MDL_SCENARIO_SERVICES (their ops are defined in
 * their own folders). */
#define MDL__SVC_DECL(id, ops) extern const mdl_service_ops ops;
MDL_SCENARIO_SERVICES(MDL__SVC_DECL)
#undef MDL__SVC_DECL

static const mdl_service_ops *const k_services[MDL_SID_COUNT] = {
#define MDL__SVC_PTR(id, ops) &ops,
    MDL_SCENARIO_SERVICES(MDL__SVC_PTR)
#undef MDL__SVC_PTR
};

/* ---- request pool and origins ------------------------------------------------- */

int32_t mdl_req_alloc(mdl_core *c)
{
    if (c->rq_free < 0) {
        if (c->nrq == c->caprq) {
            c->caprq = c->caprq ? 2 * c->caprq : 1024;
            c->rq = sim_xrealloc(c->rq, (size_t)c->caprq * sizeof *c->rq);
        }
        c->rq[c->nrq].next_free = -1;
        c->rq_free = c->nrq++;
    }
    int32_t i = c->rq_free;
    mdl_req *r = &c->rq[i];
    c->rq_free = r->next_free;
    /* Zeroed in two halves on purpose: GCC -O2 (generic tuning) turns one
     * memset of the whole request (104 bytes) into `rep stos`, which costs
     * ~30 cycles to start on every arrival; the halves become plain 16-byte
     * stores.  Same bytes either way. */
    memset(r, 0, sizeof *r / 2);
    memset((char *)r + sizeof *r / 2, 0, sizeof *r - sizeof *r / 2);
    r->inst = -1;
    r->fn = MDL_NO_FN;   /* set when a function serves the request */
    r->trace_ms = NAN;
    r->timeout_s = INFINITY;
    r->flow = MDL_NO_FLOW;
    return i;
}

int32_t mdl_req_child(mdl_core *c, int32_t from)
{
    int32_t ri = mdl_req_alloc(c);
    if (from < 0) return ri;
    mdl_req *r = &c->rq[ri];
    const mdl_req *p = &c->rq[from];   /* after the alloc: the pool may have moved */
    r->flow = p->flow;
    if (r->flow != MDL_NO_FLOW) c->fl[r->flow].pending++;
    r->entry = p->entry;
    r->op = p->op;
    r->counted = p->counted;
    r->obj_bytes = p->obj_bytes;
    memcpy(r->loop, p->loop, sizeof r->loop);
    return ri;
}

/* ---- flows ---------------------------------------------------------------------- */

void mdl_flow_root(mdl_core *c, int32_t ri, int entry, int op)
{
    SIM_ASSERT(c->rq[ri].flow == MDL_NO_FLOW);
    if (c->fl_free < 0) {
        if (c->nfl == c->capfl) {
            c->capfl = c->capfl ? 2 * c->capfl : 1024;
            c->fl = sim_xrealloc(c->fl, (size_t)c->capfl * sizeof *c->fl);
        }
        c->fl[c->nfl].next_free = -1;
        c->fl_free = c->nfl++;
    }
    int32_t fi = c->fl_free;
    mdl_flow *f = &c->fl[fi];
    c->fl_free = f->next_free;
    mdl_req *r = &c->rq[ri];
    *f = (mdl_flow){ .t_start = r->t_arrival, .id = ++c->flows_started, .pending = 1,
                     .next_free = -1, .entry = (uint8_t)entry, .op = (uint8_t)op,
                     .counted = r->counted, .outcome = MDL_OUT_OK };
    r->flow = fi;
    r->entry = (uint8_t)entry;
    r->op = (uint8_t)op;
}

void mdl_flow_release(mdl_core *c, int32_t flow)
{
    mdl_flow *f = &c->fl[flow];
    SIM_ASSERT(f->pending > 0);
    if (--f->pending > 0) return;
    if (c->flow_done) c->flow_done(c->flow_done_ctx, f, sim_engine_now(c->e));
    f->next_free = c->fl_free;
    c->fl_free = flow;
}

void mdl_core_set_flow_done(mdl_core *c, mdl_flow_done_fn done, void *ctx)
{
    SIM_ASSERT(done && !c->flow_done);
    c->flow_done = done;
    c->flow_done_ctx = ctx;
}

int mdl_core_op_id(mdl_core *c, const char *name)
{
    for (int i = 0; i < c->nop; i++)
        if (strcmp(c->op_name[i], name) == 0) return i;
    SIM_ASSERT(c->nop < MDL_MAX_OPS);   /* 16 ops x 16 entries at most, and the trace's 5 */
    snprintf(c->op_name[c->nop], sizeof c->op_name[0], "%s", name);
    return c->nop++;
}

/* ---- origins -------------------------------------------------------------------- */

uint8_t mdl_core_add_origin(mdl_core *c, mdl_done_fn done, void *ctx)
{
    return mdl_core_add_batch_origin(c, done, NULL, ctx);
}

uint8_t mdl_core_add_batch_origin(mdl_core *c, mdl_done_fn done, mdl_member_fn member,
                                  void *ctx)
{
    SIM_ASSERT(done && c->norigin < MDL_MAX_ORIGINS);
    c->origin[c->norigin] = (mdl_origin){ done, ctx, member };
    return (uint8_t)c->norigin++;
}

void mdl_core_set_client(mdl_core *c, mdl_done_fn done, void *ctx)
{
    SIM_ASSERT(done && c->origin[MDL_ORIGIN_CLIENT].done == NULL);
    c->origin[MDL_ORIGIN_CLIENT] = (mdl_origin){ done, ctx, NULL };
}

/* Nobody registered the client's origin (no entries): a bug. */
static void no_client(void *ctx, int32_t ri, mdl_outcome o)
{
    (void)ctx;
    (void)ri;
    (void)o;
    SIM_ASSERT(!"a client's request finished, but no service took the client's origin");
}

void mdl_core_fail(mdl_core *c, const sim_error *err)
{
    mdl_scenario *s = (mdl_scenario *)c;   /* the core is the scenario's first member */
    if (s->failed) return;
    s->failed = true;
    s->fail_err = *err;
    sim_engine_stop(c->e);
}

static void latency_members(sim_jw *w, const sim_hist *h)
{
    bool any = sim_hist_count(h) > 0;
    sim_jw_double(w, "p50", any ? sim_hist_quantile(h, 0.50) : 0);
    sim_jw_double(w, "p95", any ? sim_hist_quantile(h, 0.95) : 0);
    sim_jw_double(w, "p99", any ? sim_hist_quantile(h, 0.99) : 0);
    sim_jw_double(w, "mean", any ? sim_hist_mean(h) : 0);
    sim_jw_double(w, "max", any ? sim_hist_max(h) : 0);
}

json_object *mdl_latency_json(const sim_hist *h)
{
    sim_jw w;
    sim_jw_init_tree(&w);
    latency_members(&w, h);
    return sim_jw_finish_tree(&w);
}

void mdl_latency_jw(sim_jw *w, const char *key, const sim_hist *h)
{
    sim_jw_open(w, key);
    latency_members(w, h);
    sim_jw_close(w);
}

/* ---- control: the end of the warm-up, the time series ----------------------------- */

static void sample(mdl_scenario *s, double now)
{
    mdl_levels lv;
    memset(&lv, 0, sizeof lv);
    for (int k = 0; k < MDL_SID_COUNT; k++)
        if (k_services[k]->levels) k_services[k]->levels(s->core.svc[k], &lv);
    if (s->nts == s->capts) {
        s->capts = s->capts ? 2 * s->capts : 256;
        s->ts = sim_xrealloc(s->ts, s->capts * sizeof *s->ts);
    }
    mdl_ts_row *row = &s->ts[s->nts++];
    memset(row, 0, sizeof *row);
    row->t_s = now;
    row->arrivals = (double)(lv.arrivals - s->ts_last.arrivals);
    row->completed = (double)(lv.completed - s->ts_last.completed);
    row->failed = (double)(lv.failed - s->ts_last.failed);
    row->throttles = (double)(lv.throttles - s->ts_last.throttles);
    row->instances = lv.instances;
    row->running = lv.running;
    row->queue_depth = lv.queue_depth;
    row->consumers = lv.consumers;
    row->gb_s = lv.gb_s;
    row->requests_billed = lv.requests_billed;
    row->flows_completed = (double)(lv.flows_completed - s->ts_last.flows_completed);
    row->flows_failed = (double)(lv.flows_failed - s->ts_last.flows_failed);
    row->flows_in_flight = lv.flows_in_flight;
    row->nentry = s->core.cfg->nentry;
    for (int i = 0; i < row->nentry; i++) {
        const mdl_entry_levels *l = &lv.entry[i], *p = &s->ts_last.entry[i];
        mdl_ts_entry *te = &row->entry[i];
        te->arrivals = (double)(l->arrivals - p->arrivals);
        te->completed = (double)(l->completed - p->completed);
        te->failed = (double)(l->failed - p->failed);
        te->in_flight = l->in_flight;
        te->flows_completed = (double)(l->flows_completed - p->flows_completed);
        te->flows_failed = (double)(l->flows_failed - p->flows_failed);
        te->flows_in_flight = l->flows_in_flight;
    }
    s->ts_last = lv;
}

static void warmup_end(mdl_scenario *s, double now)
{
    s->core.t_measure = now;
    for (int k = 0; k < MDL_SID_COUNT; k++)
        if (k_services[k]->reset_stats) k_services[k]->reset_stats(s->core.svc[k], now);
    mdl_meter_reset(s->core.meter);
    for (int k = 0; k < MDL_STOCK_COUNT; k++) {
        mdl_stock *st = &s->core.stock[k];
        mdl_stock_settle(st, now);
        st->start_gb = st->level_gb;
        st->added_gb = st->gb_month = 0;
    }
    memset(&s->ts_last, 0, sizeof s->ts_last);
}

static void ctl_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    mdl_scenario *s = self;
    double now = sim_engine_now(e);
    if (ev->type == EV_SAMPLE) {
        sample(s, now);
        if (now + s->ts_interval <= s->core.cfg->duration_s + 1e-9)
            sim_engine_after(e, s->ts_interval, EV_SAMPLE, s->comp_ctl, 0);
        return;
    }
    SIM_ENGINE_ASSERT(e, ev->type == EV_WARMUP);
    warmup_end(s, now);
}

/* ---- lifecycle ---------------------------------------------------------------- */

static const sim_component_ops k_ctl_ops = { "control", ctl_on_event, NULL };

sim_status mdl_scenario_create(const mdl_config *cfg, uint64_t seed, uint64_t replication,
                               mdl_scenario **out, sim_error *err)
{
    mdl_scenario *s = sim_xcalloc(1, sizeof *s);
    mdl_core *c = &s->core;
    c->cfg = cfg;
    c->e = sim_engine_create(seed, replication);
    c->rq_free = c->fl_free = -1;
    c->t_measure = cfg->warmup_s;
    c->origin[MDL_ORIGIN_CLIENT] = (mdl_origin){ NULL, NULL, NULL };
    c->norigin = 1;
    for (int k = 0; k < MDL_STOCK_COUNT; k++)
        c->stock[k].level_gb = c->stock[k].start_gb = cfg->stock_initial_gb[k];
    mdl__emit_create(c);   /* takes MDL_ORIGIN_EMIT */
    s->comp_ctl = sim_engine_add_component(c->e, &k_ctl_ops, s);
    /* The meter first: each service registers with it as it is built. */
    mdl_meter_opts mo = { cfg->free_tier, cfg->granularity_ms, cfg->month[0] ? cfg->month : NULL };
    sim_status st = mdl_meter_create(cfg->catalog, &mo, &c->meter, err);
    for (int k = 0; k < MDL_SID_COUNT && st == SIM_OK; k++)
        if (k_services[k]->build) st = k_services[k]->build(c, &c->svc[k], err);
    if (st != SIM_OK) {
        mdl_scenario_destroy(s);
        return st;
    }
    if (!c->origin[MDL_ORIGIN_CLIENT].done) c->origin[MDL_ORIGIN_CLIENT].done = no_client;
    *out = s;
    return SIM_OK;
}

void mdl_scenario_destroy(mdl_scenario *s)
{
    if (!s) return;
    for (int k = MDL_SID_COUNT - 1; k >= 0; k--)
        if (s->core.svc[k] && k_services[k]->destroy) k_services[k]->destroy(s->core.svc[k]);
    free(s->ts);
    mdl_bill_destroy(s->bill);
    mdl_bill_destroy(s->bill_month);
    mdl_meter_destroy(s->core.meter);
    mdl__emit_destroy(&s->core);
    free(s->core.rq);
    free(s->core.fl);
    sim_engine_destroy(s->core.e);
    free(s);
}

void mdl_scenario_set_progress(mdl_scenario *s, void (*cb)(void *ctx, double t, double end),
                               void *ctx)
{
    s->progress = cb;
    s->progress_ctx = ctx;
}

void mdl_scenario_enable_timeseries(mdl_scenario *s, double interval_s)
{
    SIM_ASSERT(interval_s > 0);
    s->ts_interval = interval_s;
}

const mdl_ts_row *mdl_scenario_timeseries(const mdl_scenario *s, size_t *n)
{
    *n = s->nts;
    return s->ts;
}

void mdl_scenario_set_log(mdl_scenario *s, FILE *fp) { s->core.log = fp; }

/* Run the engine to the end, in 100 chunks when someone watches progress. */
static void run_engine(mdl_scenario *s)
{
    double end = s->core.cfg->duration_s;
    if (!s->progress) {
        sim_engine_run(s->core.e, end);
        return;
    }
    for (int k = 1; k <= 100 && !s->failed; k++) {
        double t = k == 100 ? end : end * k / 100.0;
        sim_engine_run(s->core.e, t);
        s->progress(s->progress_ctx, t, end);
    }
}

/* Month n of steady growth of a stock that starts at `initial` and grows
 * by `per_month` (GB): its average level, never below 0 (a shrinking stock
 * empties, then stays empty). */
static double month_stock_gb(double initial, double per_month, int n)
{
    double a = initial + per_month * (n - 1), b = initial + per_month * n;
    if (a >= 0 && b >= 0) return (a + b) / 2;
    if (a <= 0 && b <= 0) return 0;
    double hi = a > b ? a : b;   /* the positive triangle, over the whole month */
    return hi * hi / (2 * fabs(b - a));
}

/* Each stock's storage on the meter: GB-months of the span (the integral
 * of its level), or of month N (its average); nothing for a stock that
 * was never written and starts empty. */
static void meter_stocks(mdl_meter *m, mdl_usage *u, const double gb_month[MDL_STOCK_COUNT])
{
    if (m) {
        if (gb_month[MDL_STOCK_S3] > 0) mdl_meter_s3_storage(m, gb_month[MDL_STOCK_S3]);
        if (gb_month[MDL_STOCK_EFS] > 0) mdl_meter_efs_storage(m, gb_month[MDL_STOCK_EFS], 0, 0);
        if (gb_month[MDL_STOCK_DDB] > 0) mdl_meter_ddb_storage(m, gb_month[MDL_STOCK_DDB]);
        return;
    }
    static const mdl_service svc[MDL_STOCK_COUNT] = { MDL_SVC_S3, MDL_SVC_EFS, MDL_SVC_DYNAMODB };
    u->s3_storage_gb_month = gb_month[MDL_STOCK_S3];
    u->efs_standard_gb_month = gb_month[MDL_STOCK_EFS];
    u->ddb_storage_gb_month = gb_month[MDL_STOCK_DDB];
    for (int k = 0; k < MDL_STOCK_COUNT; k++)
        if (gb_month[k] > 0) u->present[svc[k]] = true;
}

/* The month: every flow (requests, GB-s, hours, bytes out) of the measured
 * span scaled to 730 hours, so tiers and free allowances apply to monthly
 * totals (a day's bill times 30 would be wrong), and every stock at its
 * average over month N of steady growth (a stock is not a flow: a day's
 * storage times 30 would be wrong too). */
static sim_status bill_month(mdl_scenario *s, double span, sim_error *err)
{
    mdl_core *c = &s->core;
    s->month_scale = 730.0 * 3600.0 / span;
    double gbm[MDL_STOCK_COUNT];
    for (int k = 0; k < MDL_STOCK_COUNT; k++) {
        double init = c->cfg->stock_initial_gb[k], grow = c->stock[k].added_gb * s->month_scale;
        gbm[k] = month_stock_gb(init, grow, c->cfg->month_index);
        s->month_stock[k].initial_gb = init;
        s->month_stock[k].growth_gb = grow;
        s->month_stock[k].avg_gb = gbm[k];
    }
    mdl_usage month;
    mdl_usage_scale(mdl_meter_usage(c->meter), s->month_scale, &month);
    meter_stocks(NULL, &month, gbm);
    sim_status st = mdl_bill_compute(c->cfg->catalog, &month, &s->bill_month, err);
    mdl_usage_scale_free(&month);
    return st;
}

/* The end of the run: what accrues over time, then the bills. */
static sim_status bill_run(mdl_scenario *s, sim_error *err)
{
    mdl_core *c = &s->core;
    double span = c->cfg->duration_s - c->t_measure;
    for (int k = 0; k < MDL_SID_COUNT; k++)
        if (k_services[k]->meter_end) SIM_TRY(k_services[k]->meter_end(c->svc[k], span, err));
    double gbm[MDL_STOCK_COUNT];
    for (int k = 0; k < MDL_STOCK_COUNT; k++) {
        mdl_stock_settle(&c->stock[k], c->cfg->duration_s);
        gbm[k] = c->stock[k].gb_month;
    }
    meter_stocks(c->meter, NULL, gbm);
    SIM_TRY(mdl_bill_compute(c->cfg->catalog, mdl_meter_usage(c->meter), &s->bill, err));
    return span > 0 ? bill_month(s, span, err) : SIM_OK;
}

sim_status mdl_scenario_run(mdl_scenario *s, sim_error *err)
{
    mdl_core *c = &s->core;
    const mdl_config *cfg = c->cfg;
    if (cfg->warmup_s > 0)
        sim_engine_at(c->e, cfg->warmup_s, EV_WARMUP, s->comp_ctl, 0);
    for (int k = 0; k < MDL_SID_COUNT; k++)
        if (k_services[k]->start) k_services[k]->start(c->svc[k]);
    if (s->ts_interval > 0 && s->ts_interval <= cfg->duration_s)
        sim_engine_at(c->e, s->ts_interval, EV_SAMPLE, s->comp_ctl, 0);
    run_engine(s);
    if (s->failed) {
        if (err) *err = s->fail_err;
        return s->fail_err.code ? s->fail_err.code : SIM_EFORMAT;
    }
    return bill_run(s, err);
}

const mdl_usage *mdl_scenario_usage(const mdl_scenario *s) { return mdl_meter_usage(s->core.meter); }
const mdl_bill *mdl_scenario_bill(const mdl_scenario *s) { return s->bill; }
const mdl_bill *mdl_scenario_bill_month(const mdl_scenario *s) { return s->bill_month; }

uint64_t mdl_scenario_events(const mdl_scenario *s) { return sim_engine_events(s->core.e); }

void mdl_scenario_default_timeouts(const mdl_scenario *s,
                                   void (*cb)(void *ctx, const char *name, uint64_t timeouts),
                                   void *ctx)
{
    SIM_ASSERT(s && cb);
    const mdl_lambda *l = s->core.svc[MDL_SID_LAMBDA];
    if (l) mdl_lambda_default_timeouts(l, cb, ctx);
}

uint32_t mdl_scenario_trace_clones(const mdl_scenario *s)
{
    const mdl_entry *en = s->core.svc[MDL_SID_ENTRY];
    return en ? mdl_entry_trace_clones(en) : 0;
}

static const char *const k_stock_names[MDL_STOCK_COUNT] = { "s3", "efs", "dynamodb" };

/* cost.monthly: the month's bill (the same lines as `lambdasim cost`), how
 * it was projected, and the stocks it bills. */
static json_object *monthly_json(const mdl_scenario *s)
{
    json_object *mo = mdl_bill_to_json(s->bill_month);
    char label[96];
    snprintf(label, sizeof label, "month %d of steady growth (730 h)", s->core.cfg->month_index);
    sim_json_add_string(mo, "label", label);
    sim_json_add_int(mo, "month_index", s->core.cfg->month_index);
    sim_json_add_double(mo, "hours", 730.0);
    sim_json_add_double(mo, "scale", s->month_scale);
    json_object *stocks = json_object_new_object();
    for (int k = 0; k < MDL_STOCK_COUNT; k++) {
        if (s->month_stock[k].avg_gb <= 0 && s->month_stock[k].growth_gb == 0) continue;
        json_object *so = json_object_new_object();
        sim_json_add_double(so, "initial_gb", s->month_stock[k].initial_gb);
        sim_json_add_double(so, "growth_gb_per_month", s->month_stock[k].growth_gb);
        sim_json_add_double(so, "average_gb", s->month_stock[k].avg_gb);
        json_object_object_add(stocks, k_stock_names[k], so);
    }
    json_object_object_add(mo, "stocks", stocks);
    return mo;
}

/* The cost section: the month first, then the bill of the simulated span
 * (labelled so), and monthly_projection, the month's totals under their
 * old name (deprecated: kept for one release, README "What it reports"). */
static json_object *cost_json(const mdl_scenario *s)
{
    json_object *cost = json_object_new_object();
    if (s->bill_month) json_object_object_add(cost, "monthly", monthly_json(s));
    json_object *span = mdl_bill_to_json(s->bill);
    json_object_object_foreach(span, key, val)
        json_object_object_add(cost, key, json_object_get(val));
    json_object_put(span);
    sim_json_add_string(cost, "label", "the simulated span");
    sim_json_add_double(cost, "period_s", s->core.cfg->duration_s - s->core.t_measure);
    if (s->bill_month) {
        json_object *mo = json_object_new_object();
        sim_json_add_double(mo, "total_usd", mdl_bill_total_usd(s->bill_month));
        json_object *sv = json_object_new_object();
        for (int k = 0; k < MDL_SVC_COUNT; k++)
            if (mdl_bill_has_service(s->bill_month, (mdl_service)k))
                sim_json_add_double(sv, mdl_service_name((mdl_service)k),
                                    mdl_bill_service_usd(s->bill_month, (mdl_service)k));
        json_object_object_add(mo, "services", sv);
        json_object_object_add(cost, "monthly_projection", mo);
    }
    return cost;
}

void mdl_scenario_results_write(const mdl_scenario *s, sim_jw *w)
{
    SIM_ASSERT(s && w);
    double t_end = s->core.cfg->duration_s;
    /* The month is the headline: the cost section comes first. */
    if (s->bill)
        sim_jw_tree_member(w, "cost", cost_json(s));
    for (int k = 0; k < MDL_SID_COUNT; k++)
        if (k_services[k]->results) k_services[k]->results(s->core.svc[k], w, t_end);
    sim_jw_int(w, "events", (int64_t)sim_engine_events(s->core.e));
    sim_jw_int(w, "seed", (int64_t)sim_engine_seed(s->core.e));
}

json_object *mdl_scenario_results(const mdl_scenario *s)
{
    sim_jw w;
    sim_jw_init_tree(&w);
    mdl_scenario_results_write(s, &w);
    return sim_jw_finish_tree(&w);
}
