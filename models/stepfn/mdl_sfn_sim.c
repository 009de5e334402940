/* mdl_sfn_sim.c - Step Functions executions inside a simulated run.
 *
 * The ASL interpreter (mdl_sfn.h) never blocks and owns no clock; this file
 * is its driver on the engine.  Each request at a stepfunctions entry
 * starts an execution.  Driving it means: advance, then turn every queued
 * request into simulation: a Lambda Task becomes an invocation of the
 * simulated function (with its cold starts, concurrency, throttles and
 * cost), a DynamoDB integration a timed call metered as a write or read, a
 * Wait or retry back-off a timer event.  Results go back with resume_*, and
 * when the execution ends its request finishes and the workflow is metered
 * (Standard: transitions; Express: requests and GB-s).
 *
 * Every interpreter request (Lambda task, service call, wait) gets a child
 * request slot holding its id and the execution's 8-bit generation; events
 * carry the child's index.  A child whose execution has ended (or whose slot
 * was reused by a later execution) is recognised by the generation and
 * dropped.
 */
#include "models/scenario/mdl_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A child slot for interpreter request `id` of execution ri. */
static int32_t child_new(mdl_scenario *s, int32_t ri, uint64_t id)
{
    int32_t ci = mdl__req_alloc(s);
    req *c = &s->rq[ci];
    c->origin = ORIGIN_SFN;
    c->parent = ri;
    c->sfn_id = id;
    c->sfn_gen = s->rq[ri].sfn_gen;
    return ci;
}

/* The execution's request if the child still belongs to a live one. */
static bool child_live(const mdl_scenario *s, int32_t ci)
{
    const req *c = &s->rq[ci];
    const req *p = &s->rq[c->parent];
    return p->sfn != NULL && p->sfn_gen == c->sfn_gen;
}

static void finish_execution(mdl_scenario *s, int32_t ri)
{
    req *r = &s->rq[ri];
    mdl_sfn_exec *e = r->sfn;
    const mdl_entry_cfg *en = &s->cfg->entry;
    double now = sim_engine_now(s->e);
    bool ok = mdl_sfn_exec_status(e) == MDL_SFN_SUCCEEDED;
    if (now >= s->t_measure) {
        uint64_t tr = mdl_sfn_exec_transitions(e);
        if (en->workflow == MDL_SFN_STANDARD)
            mdl_meter_sfn_transitions(s->meter, (double)tr);
        else
            mdl_meter_sfn_express(s->meter, mdl_sfn_exec_duration(e) * 1e3, en->express_memory_mb);
        s->sfn_transitions += tr;
        s->sfn_task_invocations += mdl_sfn_exec_invocations(e);
        if (ok) s->sfn_succeeded++; else s->sfn_failed++;
        sim_hist_add(s->sfn_ms, mdl_sfn_exec_duration(e) * 1e3);
    }
    mdl_sfn_exec_destroy(e);
    r->sfn = NULL;
    r->sfn_gen++;
    mdl__finish(s, ri, ok ? MDL_OUT_OK : MDL_OUT_SFN_FAILED);
}

/* Advance the execution and simulate what it asks for. */
static void drive(mdl_scenario *s, int32_t ri)
{
    req *r = &s->rq[ri];
    mdl_sfn_exec *e = r->sfn;
    double now = sim_engine_now(s->e);
    mdl_sfn_exec_advance(e, now);
    mdl_sfn_request q;
    while (mdl_sfn_exec_next_request(e, &q)) {
        double at = q.at < now ? now : q.at;
        if (q.kind == MDL_SFN_REQ_WAIT) {
            int32_t ci = child_new(s, ri, q.id);
            sim_engine_at(s->e, at, EV_SFN_WAKE, s->comp_sfn, (uint64_t)ci);
            continue;
        }
        if (strncmp(q.resource, "arn:aws:states:::dynamodb:", 26) == 0) {
            /* A direct service integration: one DynamoDB call, no Lambda. */
            bool read = strstr(q.resource, ":getItem") != NULL;
            mdl_call_op op = read ? MDL_CALL_DDB_READ : MDL_CALL_DDB_WRITE;
            double ms = sim_dist_sample(&s->cfg->svc_latency[op], s->r_sfn);
            mdl_call call = { op, 0, 1 };
            if (at >= s->t_measure) mdl__meter_calls(s, &call, 1, 0);
            int32_t ci = child_new(s, ri, q.id);
            sim_engine_at(s->e, at + ms / 1e3, EV_SFN_SERVICE, s->comp_sfn, (uint64_t)ci);
            continue;
        }
        int fi = mdl_config_resource_function(s->cfg, q.resource);
        SIM_ENGINE_ASSERT(s->e, fi >= 0);   /* checked when the config loaded */
        int32_t ci = child_new(s, ri, q.id);
        r = &s->rq[ri];                      /* the pool may have moved */
        req *c = &s->rq[ci];
        c->fn = (uint16_t)fi;
        c->bytes = r->bytes;
        c->t_arrival = c->t_first = at;
        sim_engine_at(s->e, at, EV_INVOKE, s->fn[fi]->comp, (uint64_t)ci);
    }
    if (mdl_sfn_exec_status(e) != MDL_SFN_RUNNING)
        finish_execution(s, ri);
}

void mdl__sfn_start(mdl_scenario *s, int32_t ri)
{
    const mdl_entry_cfg *en = &s->cfg->entry;
    req *r = &s->rq[ri];
    double now = sim_engine_now(s->e);
    mdl_sfn_options opt;
    mdl_sfn_options_default(&opt);
    opt.type = en->workflow;
    opt.task_latency_s = en->task_latency_s;
    opt.start_time_s = now;
    opt.seed = sim_engine_seed(s->e);
    opt.replication = sim_engine_replication(s->e);
    opt.express_memory_mb = en->express_memory_mb;
    /* The execution input: where the uploaded photo is, as an S3 event
     * handler would pass it. */
    json_object *in = json_object_new_object();
    char key[64];
    snprintf(key, sizeof key, "photos/%08llu.jpg", (unsigned long long)(s->sfn_started + 1));
    sim_json_add_string(in, "bucket", "gallery");
    sim_json_add_string(in, "key", key);
    sim_json_add_double(in, "bytes", r->bytes);
    mdl_sfn_exec *e = NULL;
    sim_error err;
    sim_status st = mdl_sfn_exec_create(en->machine, in, &opt, &e, &err);
    json_object_put(in);
    s->sfn_started++;
    if (st != SIM_OK) {
        mdl__finish(s, ri, MDL_OUT_SFN_FAILED);
        return;
    }
    r->sfn = e;
    double deadline = mdl_sfn_exec_deadline(e);
    if (deadline <= s->cfg->duration_s)
        sim_engine_at(s->e, deadline, EV_SFN_DEADLINE, s->comp_sfn, (uint64_t)child_new(s, ri, 0));
    drive(s, ri);
}

void mdl__sfn_task_done(mdl_scenario *s, int32_t ci, mdl_outcome o)
{
    req *c = &s->rq[ci];
    int32_t pi = c->parent;
    req *p = &s->rq[pi];
    double now = sim_engine_now(s->e);
    if (p->sfn && p->sfn_gen == c->sfn_gen) {
        mdl_sfn_exec *e = p->sfn;
        if (o == MDL_OUT_OK) {
            json_object *res = s->fn[c->fn]->cfg->result;
            if (res) mdl_sfn_exec_resume_result(e, c->sfn_id, now, res);
            else mdl_sfn_exec_resume_echo(e, c->sfn_id, now); /* returns its input */
        } else if (o == MDL_OUT_THROTTLED) {
            mdl_sfn_exec_resume_error(e, c->sfn_id, now, "Lambda.TooManyRequestsException",
                                      "Rate Exceeded.");
        } else {
            mdl_sfn_exec_resume_error(e, c->sfn_id, now, "States.TaskFailed", "Task timed out");
        }
    }
    json_object_put(c->sfn_input);
    c->sfn_input = NULL;
    bool alive = p->sfn && p->sfn_gen == c->sfn_gen;
    mdl__req_free(s, ci);
    if (alive) drive(s, pi);
}

static void sfn_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    mdl_scenario *s = self;
    int32_t ci = (int32_t)ev->arg;
    int32_t ri = s->rq[ci].parent;
    uint64_t id = s->rq[ci].sfn_id;
    bool live = child_live(s, ci);
    mdl__req_free(s, ci);
    if (!live) return;                      /* the execution has ended */
    mdl_sfn_exec *x = s->rq[ri].sfn;
    double now = sim_engine_now(e);
    switch (ev->type) {
    case EV_SFN_WAKE: mdl_sfn_exec_resume_wait(x, id, now); break;
    case EV_SFN_SERVICE: {
        json_object *empty = json_object_new_object();
        mdl_sfn_exec_resume_result(x, id, now, empty);
        json_object_put(empty);
        break;
    }
    case EV_SFN_DEADLINE: mdl_sfn_exec_time_out(x, now); break;
    default: SIM_ENGINE_ASSERT(e, !"unknown Step Functions event");
    }
    drive(s, ri);
}

static const sim_component_ops k_sfn_ops = { "stepfunctions", sfn_on_event };

void mdl__sfn_build(mdl_scenario *s)
{
    s->comp_sfn = sim_engine_add_component(s->e, &k_sfn_ops, s);
    s->r_sfn = sim_engine_rng(s->e, "stepfunctions/service");
    s->sfn_ms = sim_hist_create(1e-3);
}

void mdl__sfn_reset_stats(mdl_scenario *s)
{
    s->sfn_succeeded = s->sfn_failed = s->sfn_transitions = s->sfn_task_invocations = 0;
    sim_hist_clear(s->sfn_ms);
}

json_object *mdl__sfn_results(const mdl_scenario *s)
{
    json_object *o = json_object_new_object();
    const mdl_entry_cfg *en = &s->cfg->entry;
    uint64_t done = s->sfn_succeeded + s->sfn_failed;
    sim_json_add_string(o, "workflow", en->workflow == MDL_SFN_EXPRESS ? "express" : "standard");
    sim_json_add_int(o, "executions", (int64_t)done);
    sim_json_add_int(o, "succeeded", (int64_t)s->sfn_succeeded);
    sim_json_add_int(o, "failed", (int64_t)s->sfn_failed);
    sim_json_add_int(o, "transitions", (int64_t)s->sfn_transitions);
    sim_json_add_double(o, "transitions_per_execution", done ? (double)s->sfn_transitions / (double)done : 0);
    sim_json_add_int(o, "task_invocations", (int64_t)s->sfn_task_invocations);
    json_object *d = json_object_new_object();
    bool any = sim_hist_count(s->sfn_ms) > 0;
    sim_json_add_double(d, "p50", any ? sim_hist_quantile(s->sfn_ms, 0.5) : 0);
    sim_json_add_double(d, "p99", any ? sim_hist_quantile(s->sfn_ms, 0.99) : 0);
    sim_json_add_double(d, "mean", any ? sim_hist_mean(s->sfn_ms) : 0);
    json_object_object_add(o, "duration_ms", d);
    return o;
}

void mdl__sfn_destroy(mdl_scenario *s)
{
    /* Executions still running at the end, and their tasks' inputs. */
    for (int32_t i = 0; i < s->nrq; i++) {
        if (s->rq[i].sfn) mdl_sfn_exec_destroy(s->rq[i].sfn);
        if (s->rq[i].sfn_input) json_object_put(s->rq[i].sfn_input);
        s->rq[i].sfn = NULL;
        s->rq[i].sfn_input = NULL;
    }
    sim_hist_destroy(s->sfn_ms);
}
