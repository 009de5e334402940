/* mdl_config_queue.c - the queues section: SQS queues (standard or FIFO,
 * redrive, retention, delay) and what consumes them: a pool of workers
 * (fixed or autoscaled) or a Lambda event-source mapping. */
#include "models/config/mdl_config_internal.h"

#include <string.h>

static const char *const k_queue_types[] = { "standard", "fifo", NULL };
static const char *const k_consumers[] = { "none", "workers", "lambda", NULL };
static const char *const k_poll[] = { "long", "short", "instant", NULL };
MDL__ENUM_OK(mdl_queue_type);
MDL__ENUM_OK(mdl_consumer_type);
MDL__ENUM_OK(mdl_poll);

static mdl_consumer_type consumer_of(const void *b) { return ((const mdl_queue_cfg *)b)->consumer; }
static bool is_workers(const void *b) { return consumer_of(b) == MDL_CONSUMER_WORKERS; }
static bool is_lambda(const void *b) { return consumer_of(b) == MDL_CONSUMER_LAMBDA; }
static bool has_consumer(const void *b) { return consumer_of(b) != MDL_CONSUMER_NONE; }
static bool is_fifo(const void *b) { return ((const mdl_queue_cfg *)b)->type == MDL_Q_FIFO; }
static bool has_autoscale(const void *b)
{
    return is_workers(b) && ((const mdl_queue_cfg *)b)->autoscale;
}
static bool has_kernel(const void *b)
{
    return is_workers(b) && ((const mdl_queue_cfg *)b)->has_kernel;
}

/* ---- autoscaling ------------------------------------------------------------ */

static sim_status check_autoscale(const sim_opt_ctx *c, json_object *obj, const char *path,
                                  void *base)
{
    (void)obj;
    mdl_queue_cfg *q = base;
    if (q->as_max < q->as_min)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, path, "max (%d) is below min (%d)", q->as_max,
                      q->as_min);
    if (q->workers < q->as_min) q->workers = q->as_min;
    if (q->workers > q->as_max) q->workers = q->as_max;
    return SIM_OK;
}

static const sim_opt k_autoscale_rows[] = {
    { "min", MDL__INT(mdl_queue_cfg, as_min), .def = 1, .min = 0, .max = 100000,
      .doc = "fewest workers" },
    { "max", MDL__INT(mdl_queue_cfg, as_max), .def = 10, .min = 1, .max = 100000,
      .doc = "most workers" },
    { "target_depth_per_worker", MDL__NUM(mdl_queue_cfg, as_target_depth), .def = 10,
      .min = 0.001, .max = 1e9, .doc = "visible messages per worker the scaler aims at" },
    { "interval_s", MDL__NUM(mdl_queue_cfg, as_interval_s), .def = 60, .min = 1, .max = 86400,
      .unit = "s", .doc = "how often the scaler looks" },
    { "cooldown_s", MDL__NUM(mdl_queue_cfg, as_cooldown_s), .def = 300, .min = 0, .max = 86400,
      .unit = "s", .doc = "quiet time after a change" },
    { "boot_s", MDL__NUM(mdl_queue_cfg, as_boot_s), .def = 90, .min = 0, .max = 86400,
      .unit = "s", .doc = "a new worker's boot time (billed)" },
};
static const sim_opt_table k_autoscale =
    SIM_OPT_TABLE("autoscale", k_autoscale_rows, check_autoscale);

static sim_status parse_autoscale(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                  const char *path, void *base)
{
    ((mdl_queue_cfg *)base)->autoscale = sim_opt_value(r, obj) != NULL;
    return sim_opt_read(c, r, obj, path, base);
}

/* ---- the consumer --------------------------------------------------------------- */

static sim_status parse_function(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                 const char *path, void *base)
{
    const char *fn = "";
    SIM_TRY(sim_json_get_string(c->doc, obj, path, r->key, is_lambda(base), &fn, NULL, c->err));
    return sim_opt_read(c, r, obj, path, base);
}

/* Default 1 (workers) or 10 (lambda); at most 10, or 10,000 for a Lambda
 * mapping on a standard queue. */
static sim_status parse_batch(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, void *base)
{
    mdl_queue_cfg *q = base;
    bool esm = q->consumer == MDL_CONSUMER_LAMBDA;
    int64_t v = esm ? 10 : 1, max = esm && q->type == MDL_Q_STANDARD ? 10000 : 10;
    SIM_TRY(sim_json_get_int(c->doc, obj, path, r->key, false, (int64_t)r->min, max, &v, NULL,
                             c->err));
    q->batch_size = (int)v;
    return SIM_OK;
}

/* Workers: required unless a kernel gives the time (then 0 ms). */
static sim_status parse_worker_time(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                    const char *path, void *base)
{
    mdl_queue_cfg *q = base;
    bool need = is_workers(q) && !json_object_object_get_ex(obj, "kernel", NULL);
    json_object *st = NULL;
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, need, json_type_object, &st, c->err));
    if (st) return sim_opt_read(c, r, obj, path, base);
    sim_dist_deterministic(&q->service_time, 0);
    return SIM_OK;
}

static sim_status parse_worker_kernel(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                      const char *path, void *base)
{
    mdl_queue_cfg *q = base;
    return mdl__parse_kernel(c, r, obj, path, &q->kernel, &q->kernel_mp, &q->kernel_bytes_per_mp,
                             &q->has_kernel);
}

static json_object *write_worker_kernel(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    (void)user;
    const mdl_queue_cfg *q = base;
    json_object *kj = json_object_new_object();
    sim_json_add_string(kj, "name", q->kernel.name);
    if (q->kernel_mp > 0) sim_json_add_double(kj, "megapixels", q->kernel_mp);
    else sim_json_add_double(kj, "bytes_per_megapixel", q->kernel_bytes_per_mp);
    return kj;
}

static sim_status parse_worker_calls(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                     const char *path, void *base)
{
    mdl_queue_cfg *q = base;
    return mdl__parse_calls(c, r, obj, path, q->calls, &q->ncalls);
}

/* Long polling needs a wait; a Lambda mapping's rules; its pollers
 * long-poll whatever was given. */
static sim_status check_consumer(const sim_opt_ctx *c, json_object *obj, const char *path,
                                 void *base)
{
    (void)obj;
    mdl_queue_cfg *q = base;
    char p[512];
    if (q->poll == MDL_POLL_LONG && q->wait_time_s <= 0)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, sim_json_path(p, sizeof p, path, "wait_time_s"),
                      "long polling needs wait_time_s > 0 (use \"poll\": \"short\")");
    if (q->consumer != MDL_CONSUMER_LAMBDA) return SIM_OK;
    if (q->type == MDL_Q_FIFO && q->batching_window_s > 0)
        SIM_JSON_FAIL(c->err, SIM_EUNSUPPORTED, c->doc,
                      sim_json_path(p, sizeof p, path, "batching_window_s"),
                      "FIFO event-source mappings have no batching window");
    if (q->batch_size > 10 && q->batching_window_s < 1)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, sim_json_path(p, sizeof p, path, "batch_size"),
                      "a batch larger than 10 needs batching_window_s >= 1");
    q->poll = MDL_POLL_LONG;
    q->wait_time_s = 20;
    return SIM_OK;
}

static const sim_opt k_consumer_rows[] = {
    { "type", MDL__ENUM(mdl_queue_cfg, consumer, k_consumers), .flags = SIM_OPT_REQUIRED,
      .doc = "`workers` (a pool polling the queue) or `lambda` (an event-source mapping)" },
    { "function", MDL__STR(mdl_queue_cfg, function), .def_doc = "required (lambda)",
      .parse = parse_function, .when = is_lambda, .doc = "`lambda`: the function invoked" },
    { "count", MDL__INT(mdl_queue_cfg, workers), .def = 1, .min = 0, .max = 100000,
      .when = is_workers, .doc = "`workers`: the pool's size (the start, when autoscaled)" },
    { "poll", MDL__ENUM(mdl_queue_cfg, poll, k_poll), .when = is_workers,
      .doc = "long polling bills one receive per wait; short polling bills every poll; "
             "`instant` is an idealised, unbilled hand-off (for M/M/c checks)" },
    { "wait_time_s", MDL__NUM(mdl_queue_cfg, wait_time_s), .def = 20, .min = 0, .max = 20,
      .unit = "s", .when = is_workers, .doc = "long polling: the receive's wait" },
    { "poll_interval_s", MDL__NUM(mdl_queue_cfg, poll_interval_s), .def = 1, .min = 0.001,
      .max = 3600, .unit = "s", .when = is_workers, .doc = "short polling: time between polls" },
    { "batch_size", MDL__INT(mdl_queue_cfg, batch_size), .def_doc = "1 (workers), 10 (lambda)",
      .min = 1, .max = 10000, .parse = parse_batch, .when = has_consumer,
      .doc = "messages per receive / per invocation (more than 10: lambda on a standard queue, "
             "with a batching window)" },
    { "service_time", MDL__DIST(mdl_queue_cfg, service_time), .def_doc = "required (workers, "
      "unless `kernel`)", .unit = "ms", .parse = parse_worker_time, .when = is_workers,
      .doc = "`workers`: the time per message" },
    { "instance_type", MDL__STR(mdl_queue_cfg, instance_type), .def_str = "t3.large",
      .when = is_workers, .doc = "`workers`: EC2 type, priced hourly from the catalogue (a "
                                 "type it lacks is an error)" },
    { "vcpus", MDL__INT(mdl_queue_cfg, vcpus), .def = 2, .min = 1, .max = 192,
      .when = is_workers, .doc = "`workers`: vCPUs of a worker (the kernel model's CPU share "
                                 "of vcpus x 1769 MB)" },
    { "kernel", .type = SIM_OPT_OBJECT, .flags = SIM_OPT_KEEP, .sub = &mdl__kernel_table,
      .def_doc = "none", .parse = parse_worker_kernel, .write = write_worker_kernel,
      .when = has_kernel, .doc = "`workers`: time per message from the performance model (as "
                                 "a function's `kernel`)" },
    { "autoscale", .type = SIM_OPT_OBJECT, .flags = SIM_OPT_KEEP, .sub = &k_autoscale,
      .def_doc = "none", .parse = parse_autoscale, .when = has_autoscale,
      .doc = "`workers`: scale the pool on the queue's depth" },
    { "batching_window_s", MDL__NUM(mdl_queue_cfg, batching_window_s), .def = 0, .min = 0,
      .max = 300, .unit = "s", .when = is_lambda,
      .doc = "`lambda`: how long the mapping gathers a batch (not for FIFO)" },
    { "maximum_concurrency", MDL__INT(mdl_queue_cfg, maximum_concurrency), .def = 0,
      .def_doc = "none (up to 1,250)", .min = 2, .max = 1000, .when = is_lambda,
      .doc = "`lambda`: the mapping's cap on concurrent batches.  The mapping starts with 5 "
             "batches, adds 300 per minute while a backlog remains, drops back to 5 after an "
             "idle minute, and otherwise settles at the minute's peak of busy batches + 5 (our "
             "assumption: AWS does not document it)" },
    { "failure_probability", MDL__NUM(mdl_queue_cfg, failure_probability), .def = 0, .min = 0,
      .max = 1, .when = is_lambda,
      .doc = "`lambda`: a message fails (ReportBatchItemFailures: it alone returns after the "
             "visibility timeout)" },
    { "calls", .type = SIM_OPT_ARRAY, .flags = SIM_OPT_INPUT_ONLY, .sub = &mdl__call_table,
      .max_n = MDL_MAX_CALLS, .parse = parse_worker_calls,
      .doc = "`workers`: service calls per message (as functions' `calls`)" },
};
static const sim_opt_table k_consumer = SIM_OPT_TABLE("consumer", k_consumer_rows, check_consumer);

/* ---- the queue ------------------------------------------------------------------- */

static sim_status check_queue(const sim_opt_ctx *c, json_object *obj, const char *path,
                              void *base)
{
    (void)obj;
    mdl_queue_cfg *q = base;
    char p[512];
    if (q->type == MDL_Q_STANDARD && q->message_groups > 1)
        SIM_JSON_FAIL(c->err, SIM_EUNSUPPORTED, c->doc,
                      sim_json_path(p, sizeof p, path, "message_groups"),
                      "message groups are for FIFO queues");
    if (q->type == MDL_Q_FIFO && q->duplicate_probability > 0)
        SIM_JSON_FAIL(c->err, SIM_EUNSUPPORTED, c->doc,
                      sim_json_path(p, sizeof p, path, "duplicate_probability"),
                      "FIFO queues deliver exactly once within the deduplication window");
    return SIM_OK;
}

static const sim_opt k_queue_rows[] = {
    { "type", MDL__ENUM(mdl_queue_cfg, type, k_queue_types),
      .doc = "`standard` (at-least-once, best-effort order) or `fifo`" },
    { "visibility_timeout_s", MDL__NUM(mdl_queue_cfg, visibility_timeout_s), .def = 30, .min = 0,
      .max = 43200, .unit = "s", .doc = "an unfinished message reappears after this; a delete "
                                        "with a stale receipt is ignored" },
    { "max_receive_count", MDL__INT(mdl_queue_cfg, max_receive_count), .def = 0,
      .def_doc = "none (10 with a `dlq`)", .min = 1, .max = 1000,
      .doc = "redrive to `dlq` after that many receives" },
    { "dlq", MDL__STR(mdl_queue_cfg, dlq), .doc = "the dead-letter queue (of the same type)" },
    { "duplicate_probability", MDL__NUM(mdl_queue_cfg, duplicate_probability), .def = 0,
      .min = 0, .max = 1, .doc = "standard: a delivery is duplicated with this probability" },
    { "duplicate_send_probability", MDL__NUM(mdl_queue_cfg, duplicate_send_probability),
      .def = 0, .min = 0, .max = 1, .doc = "the producer resends after 1 s; FIFO drops it "
                                          "(5-minute deduplication window)" },
    { "retention_s", MDL__NUM(mdl_queue_cfg, retention_s), .def = 345600, .min = 60,
      .max = 1209600, .unit = "s", .doc = "older messages expire (counted; the request fails)" },
    { "delay_s", MDL__NUM(mdl_queue_cfg, delay_s), .def = 0, .min = 0, .max = 900, .unit = "s",
      .doc = "delay queue" },
    { "high_throughput", MDL__BOOL(mdl_queue_cfg, high_throughput), .def = 0, .when = is_fifo,
      .doc = "FIFO: the send cap is 70,000 calls/s instead of 300 (a [L] figure)" },
    { "message_groups", MDL__INT(mdl_queue_cfg, message_groups), .def = 1, .min = 1,
      .max = 1000000, .when = is_fifo, .doc = "FIFO: message groups, drawn uniformly" },
    { "send_batch_size", MDL__INT(mdl_queue_cfg, send_batch_size), .def = 1, .min = 1, .max = 10,
      .doc = "messages per batched send call (FIFO: the send cap counts calls)" },
    { "consumer", .type = SIM_OPT_OBJECT, .flags = SIM_OPT_KEEP, .sub = &k_consumer,
      .def_doc = "none", .doc = "what processes the messages" },
};
const sim_opt_table mdl__queue_table = SIM_OPT_TABLE("queue", k_queue_rows, check_queue);

sim_status mdl__parse_queues(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                             const char *path, void *base)
{
    mdl_config *cfg = base;
    json_object *o = NULL;
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, false, json_type_object, &o, c->err));
    if (!o) return SIM_OK;
    json_object_object_foreach(o, name, qo) {
        char p[512];
        snprintf(p, sizeof p, "queues.%s", name);
        if (cfg->nq == MDL_MAX_QUEUES)
            SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, p, "at most %d queues", MDL_MAX_QUEUES);
        if (!json_object_is_type(qo, json_type_object))
            SIM_JSON_FAIL(c->err, SIM_ETYPE, c->doc, p, "expected a JSON object");
        mdl_queue_cfg *q = &cfg->q[cfg->nq++];
        memset(q, 0, sizeof *q);
        SIM_TRY(mdl__name_ok(c, p, name));
        snprintf(q->name, sizeof q->name, "%s", name);
        q->dlq_index = -1;
        SIM_TRY(sim_opt_parse(c, &mdl__queue_table, qo, p, q));
    }
    return SIM_OK;
}

json_object *mdl__write_queues(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    const mdl_config *cfg = base;
    json_object *qs = json_object_new_object();
    for (int i = 0; i < cfg->nq; i++) {
        json_object *qo = json_object_new_object();
        sim_opt_write(&mdl__queue_table, &cfg->q[i], user, qo);
        json_object_object_add(qs, cfg->q[i].name, qo);
    }
    return qs;
}
