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
 * Executions and the interpreter requests in flight (Lambda tasks, service
 * calls, waits, the deadline) live in two pools of this service with free
 * lists, so nothing allocates per execution here once the pools are warm.
 * An execution slot carries a generation that bumps when the execution
 * ends; a task records it, so a task whose execution has ended (or whose
 * slot was reused by a later execution) is recognised and dropped.
 *
 * Task resources are resolved once, when the service is built: each Task's
 * Resource string becomes an action (invoke function i, a DynamoDB read or
 * write), indexed by the interpreter's resource_index, so a request's
 * action is one array access.  Executions come from the interpreter's pool
 * (mdl_sfn_options.pool): a warm execution allocates nothing.
 */
#include "models/stepfn/mdl_sfn_sim.h"
#include "models/lambda/mdl_lambda.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { EV_SFN_WAKE, EV_SFN_SERVICE, EV_SFN_DEADLINE };

/* What a Task's Resource does in the simulation. */
typedef enum { ACT_FUNCTION, ACT_DDB_READ, ACT_DDB_WRITE } act_kind;

typedef struct sfn_action {
    act_kind kind;
    int fn;                 /* ACT_FUNCTION: the config function */
} sfn_action;

/* A state machine of the config, how its executions are billed, and
 * their statistics. */
typedef struct sfn_machine {
    const mdl_machine_cfg *cfg;
    const mdl_sfn_machine *m;
    mdl_sfn_type workflow;
    double task_latency_s;
    double express_memory_mb;
    sfn_action *act;        /* per Task resource, by the interpreter's resource_index */
    int nact;
    uint64_t succeeded, failed, transitions, task_invocations;
    sim_hist *ms;
} sfn_machine;

typedef struct sfn_run {    /* an execution */
    mdl_sfn_exec *x;        /* NULL: the slot is free */
    int machine;
    int32_t req;            /* the request that started it */
    uint32_t gen;           /* bumps when it ends: its tasks go stale */
    int32_t next_free;
} sfn_run;

typedef struct sfn_task {   /* an interpreter request in flight */
    int32_t run;
    uint32_t gen;           /* the execution's generation when asked */
    uint64_t id;            /* the interpreter's request id (0: the deadline) */
    json_object *result;    /* Lambda task: the function's configured result (borrowed;
                             * NULL: the Task returns its input) */
    int32_t next_free;
} sfn_task;

struct mdl_sfn_sim {
    mdl_core *core;
    mdl_lambda *lambda;     /* Tasks invoke its functions */
    sfn_machine machine[MDL_MAX_MACHINES];   /* the config's, named and implicit */
    int nmachine;
    uint32_t comp;
    uint8_t origin;         /* of the Tasks' Lambda invocations */
    gsl_rng *r_svc;         /* service-integration latencies */
    mdl_sfn_pool *pool;     /* executions recycled: none allocates in steady state */
    sfn_run *run;
    int32_t nrun, caprun, run_free;
    sfn_task *task;
    int32_t ntask, captask, task_free;
    uint64_t started, succeeded, failed, transitions, task_invocations;
    sim_hist *ms;
    /* made once: the execution input (updated per execution) and the
     * empty result of a DynamoDB integration */
    json_object *input, *in_key, *in_bytes, *empty;
};

/* ---- pools -------------------------------------------------------------------- */

static int32_t run_alloc(mdl_sfn_sim *f)
{
    if (f->run_free < 0) {
        if (f->nrun == f->caprun) {
            f->caprun = f->caprun ? 2 * f->caprun : 64;
            f->run = sim_xrealloc(f->run, (size_t)f->caprun * sizeof *f->run);
        }
        f->run[f->nrun] = (sfn_run){ NULL, 0, -1, 0, -1 };
        f->run_free = f->nrun++;
    }
    int32_t i = f->run_free;
    f->run_free = f->run[i].next_free;
    return i;
}

static void run_free(mdl_sfn_sim *f, int32_t i)
{
    f->run[i].x = NULL;
    f->run[i].gen++;
    f->run[i].next_free = f->run_free;
    f->run_free = i;
}

/* A task slot for interpreter request `id` of execution `run`. */
static int32_t task_new(mdl_sfn_sim *f, int32_t run, uint64_t id)
{
    if (f->task_free < 0) {
        if (f->ntask == f->captask) {
            f->captask = f->captask ? 2 * f->captask : 64;
            f->task = sim_xrealloc(f->task, (size_t)f->captask * sizeof *f->task);
        }
        f->task[f->ntask].next_free = -1;
        f->task_free = f->ntask++;
    }
    int32_t i = f->task_free;
    f->task_free = f->task[i].next_free;
    f->task[i] = (sfn_task){ run, f->run[run].gen, id, NULL, -1 };
    return i;
}

static void task_free(mdl_sfn_sim *f, int32_t i)
{
    f->task[i].next_free = f->task_free;
    f->task_free = i;
}

/* Does the task still belong to a live execution? */
static bool task_live(const mdl_sfn_sim *f, int32_t ti)
{
    const sfn_run *r = &f->run[f->task[ti].run];
    return r->x != NULL && r->gen == f->task[ti].gen;
}

/* ---- resources -------------------------------------------------------------- */

/* Resolve every Task resource of machine mc once: a DynamoDB integration
 * or a config function (checked when the config loaded). */
static void resolve_actions(const mdl_config *cfg, sfn_machine *mc)
{
    mc->nact = mdl_sfn_machine_resource_count(mc->m);
    mc->act = sim_xcalloc((size_t)(mc->nact ? mc->nact : 1), sizeof *mc->act);
    for (int k = 0; k < mc->nact; k++) {
        const char *resource = mdl_sfn_machine_resource(mc->m, k);
        sfn_action *a = &mc->act[k];
        a->fn = -1;
        if (strncmp(resource, "arn:aws:states:::dynamodb:", 26) == 0) {
            /* A direct service integration: one DynamoDB call, no Lambda. */
            a->kind = strstr(resource, ":getItem") ? ACT_DDB_READ : ACT_DDB_WRITE;
        } else {
            a->kind = ACT_FUNCTION;
            a->fn = mdl_config_resource_function(cfg, resource);
            SIM_ASSERT(a->fn >= 0);   /* checked when the config loaded */
        }
    }
}

/* ---- executions ------------------------------------------------------------- */

static void finish_execution(mdl_sfn_sim *f, int32_t run)
{
    mdl_core *core = f->core;
    mdl_sfn_exec *e = f->run[run].x;
    int32_t ri = f->run[run].req;
    sfn_machine *mc = &f->machine[f->run[run].machine];
    bool ok = mdl_sfn_exec_status(e) == MDL_SFN_SUCCEEDED;
    if (mdl_core_measuring(core)) {
        uint64_t tr = mdl_sfn_exec_transitions(e), inv = mdl_sfn_exec_invocations(e);
        double ms = mdl_sfn_exec_duration(e) * 1e3;
        if (mc->workflow == MDL_SFN_STANDARD)
            mdl_meter_sfn_transitions(core->meter, (double)tr);
        else
            mdl_meter_sfn_express(core->meter, ms, mc->express_memory_mb);
        f->transitions += tr;
        f->task_invocations += inv;
        if (ok) f->succeeded++; else f->failed++;
        sim_hist_add(f->ms, ms);
        mc->transitions += tr;
        mc->task_invocations += inv;
        if (ok) mc->succeeded++; else mc->failed++;
        sim_hist_add(mc->ms, ms);
    }
    mdl_sfn_exec_destroy(e);
    run_free(f, run);
    mdl_req_finish(core, ri, ok ? MDL_OUT_OK : MDL_OUT_SFN_FAILED);
}

/* A Lambda Task: invoke the simulated function at `at`. */
static void invoke_task(mdl_sfn_sim *f, int32_t run, const mdl_sfn_request *q,
                        const sfn_action *a, double at)
{
    mdl_core *core = f->core;
    int32_t ti = task_new(f, run, q->id);
    f->task[ti].result = core->cfg->fn[a->fn].result;
    /* A child of the execution's request: its flow, object and chain. */
    int32_t ri = mdl_req_child(core, f->run[run].req);
    mdl_req *c = mdl_req_at(core, ri);
    c->origin = f->origin;
    c->origin_arg = (uint64_t)ti;
    c->bytes = mdl_req_at(core, f->run[run].req)->bytes;
    c->t_arrival = c->t_first = at;
    mdl_lambda_invoke_at(f->lambda, a->fn, ri, at);
}

/* Advance the execution and simulate what it asks for. */
static void drive(mdl_sfn_sim *f, int32_t run)
{
    mdl_core *core = f->core;
    mdl_sfn_exec *e = f->run[run].x;
    double now = sim_engine_now(core->e);
    mdl_sfn_exec_advance(e, now);
    mdl_sfn_request q;
    while (mdl_sfn_exec_next_request(e, &q)) {
        double at = q.at < now ? now : q.at;
        if (q.kind == MDL_SFN_REQ_WAIT) {
            int32_t ti = task_new(f, run, q.id);
            sim_engine_at(core->e, at, EV_SFN_WAKE, f->comp, (uint64_t)ti);
            continue;
        }
        const sfn_machine *mc = &f->machine[f->run[run].machine];
        SIM_ASSERT(q.resource_index >= 0 && q.resource_index < mc->nact);
        const sfn_action *a = &mc->act[q.resource_index];
        if (a->kind == ACT_FUNCTION) {
            invoke_task(f, run, &q, a, at);
            continue;
        }
        mdl_call_op op = a->kind == ACT_DDB_READ ? MDL_CALL_DDB_READ : MDL_CALL_DDB_WRITE;
        double ms = sim_dist_sample(&core->cfg->svc_latency[op], f->r_svc);
        mdl_call call = { .op = op, .item_kb = 1, .target = -1, .probability = 1 };
        if (at >= core->t_measure) mdl_calls_meter(core, &call, 1, 0, 0, 1);
        int32_t ti = task_new(f, run, q.id);
        sim_engine_at(core->e, at + ms / 1e3, EV_SFN_SERVICE, f->comp, (uint64_t)ti);
    }
    if (mdl_sfn_exec_status(e) != MDL_SFN_RUNNING)
        finish_execution(f, run);
}

/* The execution input: where the uploaded photo is and its size, as an S3
 * event handler would pass it: {"bucket": "gallery", "key":
 * "photos/NNNNNNNN.jpg", "bytes": B}.  One document, updated in place for
 * each execution (the interpreter copies its input). */
static json_object *execution_input(mdl_sfn_sim *f, double bytes)
{
    char key[40] = "photos/";
    uint64_t n = f->started + 1;
    char digits[24];
    int nd = 0;
    do {
        digits[nd++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    int len = 7;
    for (int k = nd; k < 8; k++) key[len++] = '0';    /* at least 8 digits, as %08llu */
    while (nd) key[len++] = digits[--nd];
    memcpy(key + len, ".jpg", 5);
    json_object_set_string(f->in_key, key);
    json_object_set_double(f->in_bytes, bytes);
    return f->input;
}

void mdl_sfn_sim_start(mdl_sfn_sim *f, int machine, int32_t ri)
{
    SIM_ASSERT(machine >= 0 && machine < f->nmachine);
    mdl_core *core = f->core;
    const sfn_machine *mc = &f->machine[machine];
    mdl_sfn_options opt;
    mdl_sfn_options_default(&opt);
    opt.type = mc->workflow;
    opt.task_latency_s = mc->task_latency_s;
    opt.start_time_s = sim_engine_now(core->e);
    opt.seed = sim_engine_seed(core->e);
    opt.replication = sim_engine_replication(core->e);
    opt.express_memory_mb = mc->express_memory_mb;
    opt.pool = f->pool;
    json_object *in = execution_input(f, mdl_req_at(core, ri)->obj_bytes);
    mdl_sfn_exec *e = NULL;
    sim_error err;
    sim_status st = mdl_sfn_exec_create(mc->m, in, &opt, &e, &err);
    f->started++;
    if (st != SIM_OK) {
        mdl_req_finish(core, ri, MDL_OUT_SFN_FAILED);
        return;
    }
    int32_t run = run_alloc(f);
    f->run[run].x = e;
    f->run[run].machine = machine;
    f->run[run].req = ri;
    double deadline = mdl_sfn_exec_deadline(e);
    if (deadline <= core->cfg->duration_s)
        sim_engine_at(core->e, deadline, EV_SFN_DEADLINE, f->comp, (uint64_t)task_new(f, run, 0));
    drive(f, run);
}

/* A Task's function finished: the origin's done hook of its invocation. */
static void task_done(void *ctx, int32_t ri, mdl_outcome o)
{
    mdl_sfn_sim *f = ctx;
    int32_t ti = (int32_t)mdl_req_at(f->core, ri)->origin_arg;
    sfn_task *t = &f->task[ti];
    int32_t run = t->run;
    bool live = task_live(f, ti);
    if (live) {
        mdl_sfn_exec *e = f->run[run].x;
        double now = sim_engine_now(f->core->e);
        if (o == MDL_OUT_OK) {
            if (t->result) mdl_sfn_exec_resume_result(e, t->id, now, t->result);
            else mdl_sfn_exec_resume_echo(e, t->id, now);   /* returns its input */
        } else if (o == MDL_OUT_THROTTLED) {
            mdl_sfn_exec_resume_error(e, t->id, now, "Lambda.TooManyRequestsException",
                                      "Rate Exceeded.");
        } else {
            mdl_sfn_exec_resume_error(e, t->id, now, "States.TaskFailed", "Task timed out");
        }
    }
    task_free(f, ti);
    mdl_req_free(f->core, ri);
    if (live) drive(f, run);
}

static void sfn_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    mdl_sfn_sim *f = self;
    int32_t ti = (int32_t)ev->arg;
    int32_t run = f->task[ti].run;
    uint64_t id = f->task[ti].id;
    bool live = task_live(f, ti);
    task_free(f, ti);
    if (!live) return;                      /* the execution has ended */
    mdl_sfn_exec *x = f->run[run].x;
    double now = sim_engine_now(e);
    switch (ev->type) {
    case EV_SFN_WAKE: mdl_sfn_exec_resume_wait(x, id, now); break;
    case EV_SFN_SERVICE: mdl_sfn_exec_resume_result(x, id, now, f->empty); break;
    case EV_SFN_DEADLINE: mdl_sfn_exec_time_out(x, now); break;
    default: SIM_ENGINE_ASSERT(e, !"unknown Step Functions event");
    }
    drive(f, run);
}

static const sim_component_ops k_sfn_ops = { "stepfunctions", sfn_on_event, NULL };

static sim_status sfn_build(mdl_core *core, void **self, sim_error *err)
{
    (void)err;
    const mdl_config *cfg = core->cfg;
    mdl_sfn_sim *f = sim_xcalloc(1, sizeof *f);
    *self = f;
    f->core = core;
    f->lambda = mdl_core_service(core, MDL_SID_LAMBDA);
    SIM_ASSERT(f->lambda);   /* built before Step Functions */
    f->run_free = f->task_free = -1;
    f->comp = sim_engine_add_component(core->e, &k_sfn_ops, f);
    f->origin = mdl_core_add_origin(core, task_done, f);
    f->r_svc = sim_engine_rng(core->e, "stepfunctions/service");
    f->ms = sim_hist_create(1e-3);
    f->pool = mdl_sfn_pool_create();
    f->input = json_object_new_object();
    f->in_key = json_object_new_string("");
    f->in_bytes = sim_json_double(0);
    sim_json_add_string(f->input, "bucket", "gallery");
    json_object_object_add(f->input, "key", f->in_key);
    json_object_object_add(f->input, "bytes", f->in_bytes);
    f->empty = json_object_new_object();
    for (int i = 0; i < cfg->nmachine; i++) {
        const mdl_machine_cfg *m = &cfg->machine[i];
        f->machine[i] = (sfn_machine){ .cfg = m, .m = m->machine, .workflow = m->workflow,
                                       .task_latency_s = m->task_latency_s,
                                       .express_memory_mb = m->express_memory_mb,
                                       .ms = sim_hist_create(1e-3) };
        f->nmachine = i + 1;
        resolve_actions(cfg, &f->machine[i]);
    }
    return SIM_OK;
}

static void sfn_reset_stats(void *self, double now)
{
    (void)now;
    mdl_sfn_sim *f = self;
    f->succeeded = f->failed = f->transitions = f->task_invocations = 0;
    sim_hist_clear(f->ms);
    for (int i = 0; i < f->nmachine; i++) {
        sfn_machine *mc = &f->machine[i];
        mc->succeeded = mc->failed = mc->transitions = mc->task_invocations = 0;
        sim_hist_clear(mc->ms);
    }
}

/* The figures of executions (all machines, or one). */
static void exec_json(json_object *o, uint64_t succeeded, uint64_t failed, uint64_t transitions,
                      uint64_t task_invocations, const sim_hist *ms)
{
    uint64_t done = succeeded + failed;
    sim_json_add_int(o, "executions", (int64_t)done);
    sim_json_add_int(o, "succeeded", (int64_t)succeeded);
    sim_json_add_int(o, "failed", (int64_t)failed);
    sim_json_add_int(o, "transitions", (int64_t)transitions);
    sim_json_add_double(o, "transitions_per_execution", done ? (double)transitions / (double)done : 0);
    sim_json_add_int(o, "task_invocations", (int64_t)task_invocations);
    json_object *d = json_object_new_object();
    bool any = sim_hist_count(ms) > 0;
    sim_json_add_double(d, "p50", any ? sim_hist_quantile(ms, 0.5) : 0);
    sim_json_add_double(d, "p99", any ? sim_hist_quantile(ms, 0.99) : 0);
    sim_json_add_double(d, "mean", any ? sim_hist_mean(ms) : 0);
    json_object_object_add(o, "duration_ms", d);
}

static const char *workflow_name(mdl_sfn_type t)
{
    return t == MDL_SFN_EXPRESS ? "express" : "standard";
}

/* `stepfunctions`: every execution; with named machines (or several), also
 * `machines.<name>` each. */
static void sfn_results(const void *self, sim_jw *w, double t_end)
{
    (void)t_end;
    const mdl_sfn_sim *f = self;
    if (!f->nmachine) return;
    json_object *o = json_object_new_object();
    sim_json_add_string(o, "workflow", workflow_name(f->machine[0].workflow));
    exec_json(o, f->succeeded, f->failed, f->transitions, f->task_invocations, f->ms);
    if (f->nmachine > 1 || !f->machine[0].cfg->implicit) {
        json_object *ms = json_object_new_object();
        for (int i = 0; i < f->nmachine; i++) {
            const sfn_machine *mc = &f->machine[i];
            json_object *mo = json_object_new_object();
            sim_json_add_string(mo, "workflow", workflow_name(mc->workflow));
            exec_json(mo, mc->succeeded, mc->failed, mc->transitions, mc->task_invocations, mc->ms);
            json_object_object_add(ms, mc->cfg->name, mo);
        }
        json_object_object_add(o, "machines", ms);
    }
    sim_jw_tree_member(w, "stepfunctions", o);
}

static void sfn_destroy(void *self)
{
    mdl_sfn_sim *f = self;
    /* Executions still running at the end go back to the pool first. */
    for (int32_t i = 0; i < f->nrun; i++)
        if (f->run[i].x) mdl_sfn_exec_destroy(f->run[i].x);
    mdl_sfn_pool_destroy(f->pool);
    for (int k = 0; k < f->nmachine; k++) {
        free(f->machine[k].act);
        sim_hist_destroy(f->machine[k].ms);
    }
    free(f->run);
    free(f->task);
    sim_hist_destroy(f->ms);
    json_object_put(f->input);
    json_object_put(f->empty);
    free(f);
}

const mdl_service_ops mdl_sfn_sim_service = {
    "stepfunctions", sfn_build, NULL, sfn_reset_stats, NULL, NULL, sfn_results, sfn_destroy,
};
