/* mdl_sqs.c - SQS queues, worker pools and the Lambda event-source mapping.
 *
 * A queue holds messages in a pool with a free list.  Standard queues keep
 * visible messages on one FIFO list (best-effort order); FIFO queues keep a
 * list per message group and a ring of groups that may deliver (non-empty and
 * with nothing in flight), so order within a group holds and one batch per
 * group is in flight at a time.
 *
 * Receipt handles are generation counters: a receive bumps the message's
 * generation and arms its visibility timeout with it; a delete or a timeout
 * carrying an older generation is stale and ignored, exactly like a delete
 * with an outdated receipt handle.
 *
 * Consumers (EC2 workers or ESM poller slots) poll in one of three ways:
 *  - long: ReceiveMessage waits up to WaitTimeSeconds; an empty wait is a
 *    billed empty receive, then the consumer polls again;
 *  - short: returns at once; an empty receive is billed and the consumer
 *    sleeps poll_interval_s;
 *  - instant: an idealised consumer that is handed a message the moment it
 *    is visible, with no API calls (M/M/c validation).
 * Waiting consumers sit in a FIFO ring; entries carry the consumer's
 * generation so a consumer that stopped waiting leaves a stale entry behind.
 *
 * Requests: a message carries the request that produced it; the request
 * completes when its message is first deleted, and fails when the message is
 * dead-lettered or expires.  Duplicate copies carry no request.
 */
#include "models/sqs/mdl_sqs.h"
#include "models/lambda/mdl_lambda.h"
#include "sim/sim_rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Events of a queue's component. */
enum { EV_Q_VISIBLE, EV_Q_VIS_TIMEOUT, EV_Q_POLL_TIMEOUT, EV_Q_RETENTION, EV_Q_RESEND,
       EV_W_DONE, EV_W_POLL, EV_W_BOOTED, EV_W_AUTOSCALE, EV_ESM_SCALE, EV_ESM_WINDOW };
enum { MSG_FREE, MSG_DELAYED, MSG_VISIBLE, MSG_INFLIGHT };
enum { C_OFF, C_BOOTING, C_WAITING, C_SLEEPING, C_BUSY, C_GATHER };
enum { K_WORKER, K_ESM };

#define FIFO_MAX_INFLIGHT 20000
#define STD_MAX_INFLIGHT 120000
#define CHUNK_BYTES 65536.0

typedef struct sqs_msg {
    double t_sent, t_visible;
    double bytes;
    double obj_bytes;      /* the object the message is about (an S3 event's photo) */
    int32_t req;           /* -1: a duplicate copy */
    int32_t next, prev;
    uint32_t gen;
    uint32_t receive_count;
    uint32_t seq;          /* FIFO: order within the group */
    int32_t group;
    uint8_t state;
    uint8_t received;      /* delivered at least once (or a copy) */
} sqs_msg;

typedef struct sqs_group {
    int32_t head, tail;
    int inflight;
    uint32_t next_seq;
    int64_t last_seq;      /* last deleted seq, for the order check */
    bool in_ring;
} sqs_group;

typedef struct consumer {
    uint8_t kind, state;
    bool stop_after;
    uint32_t gen;
    uint64_t *batch;       /* (msg << 32) | gen */
    int nbatch;
    uint16_t calls_mask;   /* a worker's calls that happen for this batch */
    double started;
} consumer;

typedef struct sqs_queue {
    mdl_core *core;
    mdl_sqs *sqs;
    const mdl_queue_cfg *cfg;
    int index;
    uint32_t comp;
    sqs_msg *m;
    int32_t nm, capm, free_head;
    int32_t vis_head, vis_tail;
    sqs_group *g;
    int ng;
    int32_t *ring;          /* FIFO groups ready to deliver */
    int ring_head, ring_n, ring_cap;
    uint64_t *waiters;      /* (consumer << 32) | gen */
    int *gather;            /* ESM slots filling a batch within its window */
    int gather_n, gather_cap;
    int w_head, w_n, w_cap;
    int64_t nvisible, ninflight, ndelayed;
    consumer *c;
    int nc;
    int live;               /* workers running or booting; ESM slots active */
    int busy;
    double last_scale;
    int esm_limit, esm_cap;
    uint64_t recv_window;   /* messages received since the last ESM scaling tick */
    int busy_peak;          /* most busy consumers since that tick */
    double send_tokens, t_send;
    gsl_rng *r_dup, *r_svc, *r_group, *r_fail;
    struct sqs_queue *dlq;
    /* statistics after the warm-up */
    uint64_t sent, received, deleted, duplicates, to_dlq, expired, empty_receives;
    uint64_t deduplicated, send_throttled, order_violations, over_limit, first_receives;
    uint64_t loops_stopped;  /* messages of batches stopped as recursive loops */
    uint64_t waited;
    sim_hist *wait_ms;
    sim_twavg depth, tw_live, tw_busy;
    double api_requests;
    int send_batch_n;        /* messages in the producer's open batch */
    double send_batch_bytes;
    int ec2_type;            /* meter registration of the workers' type */
} sqs_queue;

struct mdl_sqs {
    mdl_core *core;
    mdl_lambda *lambda;         /* the event-source mappings invoke it */
    uint8_t esm_origin;         /* of the mappings' invocations */
    sqs_queue *q[MDL_MAX_QUEUES];
    int nq;
};

static double now_of(const sqs_queue *q) { return sim_engine_now(q->core->e); }
static bool measuring(const sqs_queue *q) { return now_of(q) >= q->core->t_measure; }

static void api_call(sqs_queue *q, double bytes)
{
    /* Every API action is billed per 64 KB chunk of payload, at least 1
     * (the meter applies the rule; api_requests counts for the report). */
    double chunks = bytes > CHUNK_BYTES ? ceil(bytes / CHUNK_BYTES) : 1.0;
    if (measuring(q)) {
        q->api_requests += chunks;
        mdl_meter_sqs_call(q->core->meter, q->cfg->type == MDL_Q_FIFO, bytes / 1024.0);
    }
}

static void depth_changed(sqs_queue *q)
{
    sim_twavg_set(&q->depth, now_of(q), (double)q->nvisible);
}

static void levels_changed(sqs_queue *q)
{
    double t = now_of(q);
    if (q->busy > q->busy_peak) q->busy_peak = q->busy;
    sim_twavg_set(&q->tw_live, t, q->live);
    sim_twavg_set(&q->tw_busy, t, q->busy);
}

/* ---- messages ------------------------------------------------------------- */

static int32_t msg_alloc(sqs_queue *q)
{
    if (q->free_head < 0) {
        if (q->nm == q->capm) {
            q->capm = q->capm ? 2 * q->capm : 1024;
            q->m = sim_xrealloc(q->m, (size_t)q->capm * sizeof *q->m);
        }
        q->m[q->nm].gen = 0;
        q->m[q->nm].next = -1;
        q->free_head = q->nm++;
    }
    int32_t i = q->free_head;
    sqs_msg *x = &q->m[i];
    q->free_head = x->next;
    uint32_t gen = x->gen + 1;
    memset(x, 0, sizeof *x);
    x->gen = gen;
    x->next = x->prev = -1;
    x->req = -1;
    return i;
}

static void msg_free(sqs_queue *q, int32_t i)
{
    sqs_msg *x = &q->m[i];
    x->state = MSG_FREE;
    x->gen++;
    x->next = q->free_head;
    q->free_head = i;
}

static void ring_push(sqs_queue *q, int32_t g)
{
    if (q->g[g].in_ring) return;
    if (q->ring_n == q->ring_cap) {
        int ncap = q->ring_cap ? 2 * q->ring_cap : 64;
        int32_t *nr = sim_xmalloc((size_t)ncap * sizeof *nr);
        for (int k = 0; k < q->ring_n; k++) nr[k] = q->ring[(q->ring_head + k) % q->ring_cap];
        free(q->ring);
        q->ring = nr;
        q->ring_head = 0;
        q->ring_cap = ncap;
    }
    q->ring[(q->ring_head + q->ring_n++) % q->ring_cap] = g;
    q->g[g].in_ring = true;
}

/* Make a message visible: standard at the tail; FIFO in its group, at the
 * head when it comes back (order), at the tail when new. */
static void make_visible(sqs_queue *q, int32_t i, bool returning)
{
    sqs_msg *x = &q->m[i];
    x->state = MSG_VISIBLE;
    q->nvisible++;
    if (q->cfg->type == MDL_Q_STANDARD) {
        x->prev = q->vis_tail;
        x->next = -1;
        if (q->vis_tail >= 0) q->m[q->vis_tail].next = i; else q->vis_head = i;
        q->vis_tail = i;
    } else {
        sqs_group *g = &q->g[x->group];
        if (returning) {
            /* Back into its place by sequence number, so a batch that timed
             * out returns in order whatever order its timeouts fire in. */
            int32_t after = -1, cur = g->head;
            while (cur >= 0 && q->m[cur].seq < x->seq) {
                after = cur;
                cur = q->m[cur].next;
            }
            x->prev = after;
            x->next = cur;
            if (after >= 0) q->m[after].next = i; else g->head = i;
            if (cur >= 0) q->m[cur].prev = i; else g->tail = i;
        } else {
            x->next = -1;
            x->prev = g->tail;
            if (g->tail >= 0) q->m[g->tail].next = i; else g->head = i;
            g->tail = i;
        }
        if (g->inflight == 0) ring_push(q, x->group);
    }
    depth_changed(q);
}

static void unlink_visible(sqs_queue *q, int32_t i)
{
    sqs_msg *x = &q->m[i];
    int32_t *head, *tail;
    if (q->cfg->type == MDL_Q_STANDARD) {
        head = &q->vis_head;
        tail = &q->vis_tail;
    } else {
        head = &q->g[x->group].head;
        tail = &q->g[x->group].tail;
    }
    if (x->prev >= 0) q->m[x->prev].next = x->next; else *head = x->next;
    if (x->next >= 0) q->m[x->next].prev = x->prev; else *tail = x->prev;
    x->prev = x->next = -1;
    q->nvisible--;
    depth_changed(q);
}

static void wake(sqs_queue *q);

/* Put a message into q (send, DLQ redrive, duplicate copy). */
static void enqueue(sqs_queue *q, double bytes, double obj_bytes, int32_t rqi, bool copy,
                    int32_t group)
{
    int32_t i = msg_alloc(q);
    sqs_msg *x = &q->m[i];
    double now = now_of(q);
    x->t_sent = now;
    x->bytes = bytes;
    x->obj_bytes = obj_bytes;
    x->req = rqi;
    x->received = copy;
    x->group = group;
    if (q->cfg->type == MDL_Q_FIFO) x->seq = q->g[group].next_seq++;
    if (measuring(q)) q->sent++;
    if (q->cfg->delay_s > 0) {
        x->state = MSG_DELAYED;
        q->ndelayed++;
        sim_engine_after(q->core->e, q->cfg->delay_s, EV_Q_VISIBLE, q->comp,
                         ((uint64_t)(uint32_t)i << 32) | x->gen);
        return;
    }
    x->t_visible = now;
    make_visible(q, i, false);
    wake(q);
}

/* The message's request (if any) is done.  The message lets go of it first:
 * the origin told may send more work (the message pool may move). */
static void request_done(sqs_queue *q, sqs_msg *x, mdl_outcome o)
{
    int32_t ri = x->req;
    x->req = -1;
    if (ri >= 0) mdl_req_finish(q->core, ri, o);
}

/* Take the next deliverable message (retention checked), or -1. */
static int32_t next_deliverable(sqs_queue *q, int32_t *group_out)
{
    double now = now_of(q);
    for (;;) {
        int32_t i = -1;
        if (q->cfg->type == MDL_Q_STANDARD) {
            i = q->vis_head;
        } else if (*group_out >= 0) {
            i = q->g[*group_out].head;     /* more from the same group */
        } else {
            while (q->ring_n) {
                int32_t g = q->ring[q->ring_head];
                q->ring_head = (q->ring_head + 1) % q->ring_cap;
                q->ring_n--;
                q->g[g].in_ring = false;
                if (q->g[g].head >= 0 && q->g[g].inflight == 0) {
                    *group_out = g;
                    i = q->g[g].head;
                    break;
                }
            }
        }
        if (i < 0) return -1;
        sqs_msg *x = &q->m[i];
        unlink_visible(q, i);
        if (now - x->t_sent > q->cfg->retention_s) {
            /* Past the retention period: SQS deletes it, lost. */
            if (measuring(q)) q->expired++;
            request_done(q, x, MDL_OUT_EXPIRED);
            msg_free(q, i);
            continue;
        }
        return i;
    }
}

/* ReceiveMessage for consumer ci: up to max messages.  Returns the count;
 * *bytes_out is the payload it returns (billed per 64 KB chunk, like a send). */
static int receive(sqs_queue *q, int ci, int max, double *bytes_out)
{
    consumer *c = &q->c[ci];
    double now = now_of(q);
    int64_t limit = q->cfg->type == MDL_Q_FIFO ? FIFO_MAX_INFLIGHT : STD_MAX_INFLIGHT;
    if (q->ninflight >= limit) {
        if (measuring(q)) q->over_limit++;
        return 0;
    }
    int32_t group = -1;
    int got = 0;
    double bytes = 0;
    while (got < max && q->ninflight < limit) {
        int32_t i = next_deliverable(q, &group);
        if (i < 0) break;
        sqs_msg *x = &q->m[i];
        x->state = MSG_INFLIGHT;
        x->receive_count++;
        x->gen++;
        q->ninflight++;
        if (q->cfg->type == MDL_Q_FIFO) {
            sqs_group *g = &q->g[x->group];
            g->inflight++;
        }
        if (measuring(q)) {
            q->received++;
            if (x->received) {
                q->duplicates++;
            } else {
                double w = (now - x->t_visible) * 1e3;
                q->first_receives++;
                sim_hist_add(q->wait_ms, w);
                if (w > 0) q->waited++;
            }
        }
        x->received = 1;
        q->recv_window++;
        bytes += x->bytes;
        sim_engine_after(q->core->e, q->cfg->visibility_timeout_s, EV_Q_VIS_TIMEOUT, q->comp,
                         ((uint64_t)(uint32_t)i << 32) | x->gen);
        /* At-least-once: now and then SQS delivers a message twice. */
        if (q->cfg->duplicate_probability > 0 &&
            sim_rng_uniform(q->r_dup) < q->cfg->duplicate_probability)
            enqueue(q, x->bytes, x->obj_bytes, -1, true, x->group);
        c->batch[c->nbatch++] = ((uint64_t)(uint32_t)i << 32) | x->gen;
        got++;
    }
    *bytes_out = bytes;
    return got;
}

/* DeleteMessage with a receipt handle (msg, gen). */
static void delete_msg(sqs_queue *q, uint64_t handle)
{
    int32_t i = (int32_t)(handle >> 32);
    uint32_t gen = (uint32_t)handle;
    sqs_msg *x = &q->m[i];
    if (x->state != MSG_INFLIGHT || x->gen != gen) return;   /* stale receipt */
    q->ninflight--;
    if (measuring(q)) q->deleted++;
    if (q->cfg->type == MDL_Q_FIFO) {
        /* Processing order: within a group, completions must follow the
         * send order. */
        sqs_group *g = &q->g[x->group];
        if ((int64_t)x->seq < g->last_seq && measuring(q)) q->order_violations++;
        g->last_seq = x->seq;
    }
    request_done(q, x, MDL_OUT_OK);
    int32_t g = q->m[i].group;
    msg_free(q, i);
    if (q->cfg->type == MDL_Q_FIFO && --q->g[g].inflight == 0 && q->g[g].head >= 0) {
        ring_push(q, g);
        wake(q);
    }
}

static void on_vis_timeout(sqs_queue *q, int32_t i, uint32_t gen)
{
    sqs_msg *x = &q->m[i];
    if (x->state != MSG_INFLIGHT || x->gen != gen) return;
    q->ninflight--;
    x->gen++;
    if (q->cfg->type == MDL_Q_FIFO) q->g[x->group].inflight--;
    if (q->cfg->max_receive_count > 0 && q->dlq &&
        x->receive_count >= (uint32_t)q->cfg->max_receive_count) {
        /* Redrive: the message moves to the dead-letter queue. */
        if (measuring(q)) q->to_dlq++;
        request_done(q, x, MDL_OUT_DEAD_LETTERED);
        x = &q->m[i];
        enqueue(q->dlq, x->bytes, x->obj_bytes, -1, false, x->group < q->dlq->ng ? x->group : 0);
        int32_t g = q->m[i].group;
        msg_free(q, i);
        if (q->cfg->type == MDL_Q_FIFO && q->g[g].inflight == 0 && q->g[g].head >= 0)
            ring_push(q, g);
    } else {
        make_visible(q, i, true);
    }
    wake(q);
}

/* ---- consumers ------------------------------------------------------------ */

static void poll(sqs_queue *q, int ci);

static void waiter_push(sqs_queue *q, int ci)
{
    if (q->w_n == q->w_cap) {
        int ncap = q->w_cap ? 2 * q->w_cap : 64;
        uint64_t *nw = sim_xmalloc((size_t)ncap * sizeof *nw);
        for (int k = 0; k < q->w_n; k++) nw[k] = q->waiters[(q->w_head + k) % q->w_cap];
        free(q->waiters);
        q->waiters = nw;
        q->w_head = 0;
        q->w_cap = ncap;
    }
    q->waiters[(q->w_head + q->w_n++) % q->w_cap] = ((uint64_t)(uint32_t)ci << 32) | q->c[ci].gen;
}

static uint64_t consumer_arg(const sqs_queue *q, int ci)
{
    return ((uint64_t)(uint32_t)ci << 32) | q->c[ci].gen;
}

static void set_busy(sqs_queue *q, consumer *c, bool busy)
{
    bool was = c->state == C_BUSY || c->state == C_GATHER;
    if (busy && !was) q->busy++;
    if (!busy && was) q->busy--;
}

static void esm_invoke(sqs_queue *q, int ci);

/* Start work on a received batch. */
static void start_batch(sqs_queue *q, int ci)
{
    consumer *c = &q->c[ci];
    c->gen++;                          /* stale any poll timeout */
    if (c->kind == K_WORKER) {
        set_busy(q, c, true);
        c->state = C_BUSY;
        double ms = 0;
        c->calls_mask = q->cfg->random_calls
                      ? mdl_calls_decide(q->cfg->calls, q->cfg->ncalls, q->r_svc) : MDL_CALLS_ALL;
        for (int k = 0; k < c->nbatch; k++) {
            const sqs_msg *x = &q->m[(int32_t)(c->batch[k] >> 32)];
            double bytes = x->bytes, obj = x->obj_bytes;
            ms += sim_dist_sample(&q->cfg->service_time, q->r_svc) +
                  mdl_calls_ms(q->core, q->cfg->calls, q->cfg->ncalls, q->r_svc, bytes, obj,
                               c->calls_mask);
            if (q->cfg->has_kernel) {
                /* The kernel model at the worker's vCPUs (memory of the same
                 * CPU share; an EC2 worker's RAM never binds here), for the
                 * object the message is about. */
                double mp = q->cfg->kernel_mp > 0 ? q->cfg->kernel_mp : obj / q->cfg->kernel_bytes_per_mp;
                mdl_perf_kernel kern = q->cfg->kernel;
                kern.working_set_mb = 0;
                kern.working_set_mb_per_mp = 0;
                double kms = 0;
                mdl_perf_duration(&kern, mp, (int)(q->cfg->vcpus * MDL_PERF_MB_PER_VCPU), &kms);
                ms += kms;
            }
            if (measuring(q))
                mdl_calls_meter(q->core, q->cfg->calls, q->cfg->ncalls, bytes, obj, c->calls_mask);
        }
        sim_engine_after(q->core->e, ms / 1e3, EV_W_DONE, q->comp, consumer_arg(q, ci));
        levels_changed(q);
        return;
    }
    /* ESM: fill the batch within the batching window, else invoke now. */
    if (c->nbatch < q->cfg->batch_size && q->cfg->batching_window_s > 0 && c->state != C_GATHER) {
        set_busy(q, c, true);
        c->state = C_GATHER;
        sim_engine_after(q->core->e, q->cfg->batching_window_s, EV_ESM_WINDOW, q->comp,
                         consumer_arg(q, ci));
        if (q->gather_n == q->gather_cap) {
            q->gather_cap = q->gather_cap ? 2 * q->gather_cap : 16;
            q->gather = sim_xrealloc(q->gather, (size_t)q->gather_cap * sizeof *q->gather);
        }
        q->gather[q->gather_n++] = ci;
        levels_changed(q);
        return;
    }
    esm_invoke(q, ci);
}

static void gather_remove(sqs_queue *q, int ci)
{
    for (int k = 0; k < q->gather_n; k++)
        if (q->gather[k] == ci) {
            q->gather[k] = q->gather[--q->gather_n];
            return;
        }
}

/* Hand visible messages first to ESM batches being gathered (so batches
 * fill up within their window), then to waiting consumers, oldest first. */
static void wake(sqs_queue *q)
{
    while (q->gather_n && q->nvisible > 0) {
        int ci = q->gather[0];
        consumer *c = &q->c[ci];
        double bytes;
        int got = receive(q, ci, q->cfg->batch_size - c->nbatch, &bytes);
        if (got == 0) break;
        api_call(q, bytes);
        if (c->nbatch >= q->cfg->batch_size) esm_invoke(q, ci);
    }
    while (q->w_n && q->nvisible > 0) {
        uint64_t w = q->waiters[q->w_head];
        q->w_head = (q->w_head + 1) % q->w_cap;
        q->w_n--;
        int ci = (int)(w >> 32);
        consumer *c = &q->c[ci];
        if (c->gen != (uint32_t)w || c->state != C_WAITING) continue;
        int room = q->cfg->batch_size - c->nbatch;
        double bytes;
        int got = receive(q, ci, room, &bytes);
        if (got == 0) {
            waiter_push(q, ci);       /* nothing deliverable after all (FIFO locks) */
            break;
        }
        if (q->cfg->poll != MDL_POLL_INSTANT) api_call(q, bytes);
        start_batch(q, ci);
    }
}

static void consumer_stop(sqs_queue *q, int ci)
{
    consumer *c = &q->c[ci];
    set_busy(q, c, false);
    c->state = C_OFF;
    c->gen++;
    c->stop_after = false;
    q->live--;
    levels_changed(q);
}

/* A consumer looks for work. */
static void poll(sqs_queue *q, int ci)
{
    consumer *c = &q->c[ci];
    set_busy(q, c, false);
    c->state = C_SLEEPING;   /* not busy until a batch starts */
    c->nbatch = 0;
    c->gen++;
    if (c->stop_after || (c->kind == K_ESM && q->live > q->esm_limit)) {
        consumer_stop(q, ci);
        return;
    }
    double bytes;
    int got = receive(q, ci, q->cfg->batch_size, &bytes);
    if (got > 0) {
        if (q->cfg->poll != MDL_POLL_INSTANT) api_call(q, bytes);
        start_batch(q, ci);
        return;
    }
    switch (q->cfg->poll) {
    case MDL_POLL_INSTANT:
        c->state = C_WAITING;
        waiter_push(q, ci);
        break;
    case MDL_POLL_LONG:
        c->state = C_WAITING;
        waiter_push(q, ci);
        sim_engine_after(q->core->e, q->cfg->wait_time_s, EV_Q_POLL_TIMEOUT, q->comp, consumer_arg(q, ci));
        break;
    case MDL_POLL_SHORT:
        api_call(q, 0);
        if (measuring(q)) q->empty_receives++;
        c->state = C_SLEEPING;
        sim_engine_after(q->core->e, q->cfg->poll_interval_s, EV_W_POLL, q->comp, consumer_arg(q, ci));
        break;
    }
    levels_changed(q);
}

static int consumer_add(sqs_queue *q, int kind, double boot_s)
{
    int ci = -1;
    for (int k = 0; k < q->nc; k++)
        if (q->c[k].state == C_OFF) { ci = k; break; }
    if (ci < 0) {
        q->c = sim_xrealloc(q->c, (size_t)(q->nc + 1) * sizeof *q->c);
        ci = q->nc++;
        memset(&q->c[ci], 0, sizeof q->c[ci]);
        q->c[ci].batch = sim_xmalloc((size_t)q->cfg->batch_size * sizeof(uint64_t));
    }
    consumer *c = &q->c[ci];
    c->kind = (uint8_t)kind;
    c->stop_after = false;
    c->gen++;
    c->started = now_of(q);
    q->live++;
    if (boot_s > 0) {
        c->state = C_BOOTING;
        sim_engine_after(q->core->e, boot_s, EV_W_BOOTED, q->comp, consumer_arg(q, ci));
        levels_changed(q);
    } else {
        poll(q, ci);
    }
    return ci;
}

/* ---- the Lambda event-source mapping -------------------------------------- */

static void esm_invoke(sqs_queue *q, int ci)
{
    consumer *c = &q->c[ci];
    mdl_core *core = q->core;
    if (c->state == C_GATHER) gather_remove(q, ci);
    set_busy(q, c, true);
    c->state = C_BUSY;
    c->gen++;
    int32_t ri = mdl_req_alloc(core);
    mdl_req *r = mdl_req_at(core, ri);
    r->t_arrival = r->t_first = now_of(q);
    r->origin = q->sqs->esm_origin;
    r->origin_arg = ((uint64_t)(uint32_t)q->index << 32) | (uint32_t)ci;
    r->batch_n = (uint16_t)(c->nbatch > 65535 ? 65535 : c->nbatch);
    double bytes = 0, obj = 0;
    for (int k = 0; k < c->nbatch; k++) {
        const sqs_msg *x = &q->m[(int32_t)(c->batch[k] >> 32)];
        bytes += x->bytes;
        obj += x->obj_bytes;
        /* The batch carries the longest chain of its messages (the
         * recursion guard counts per chain). */
        if (x->req >= 0) {
            const mdl_req *p = mdl_req_at(core, x->req);
            for (int s = 0; s < MDL_MAX_LOOP_FNS; s++)
                if (p->loop[s] > r->loop[s]) r->loop[s] = p->loop[s];
        }
    }
    r->bytes = bytes;
    r->obj_bytes = obj;
    levels_changed(q);
    mdl_lambda_invoke(q->sqs->lambda, q->cfg->fn_index, ri);
}

/* The function finished (or was throttled on) an ESM batch: the done hook
 * of the mappings' origin. */
/* The request of message handle h while the handle is current (the
 * message in flight under this receipt), else -1. */
static int32_t handle_req(const sqs_queue *q, uint64_t h)
{
    const sqs_msg *x = &q->m[(int32_t)(h >> 32)];
    return x->state == MSG_INFLIGHT && x->gen == (uint32_t)h ? x->req : -1;
}

/* Lambda stopped a batch as a recursive loop: AWS drops its messages to
 * the queue's dead-letter queue, if any (README "Guards"); their requests
 * fail as recursive_loop. */
static void stop_batch(sqs_queue *q, consumer *c)
{
    for (int k = 0; k < c->nbatch; k++) {
        int32_t i = (int32_t)(c->batch[k] >> 32);
        sqs_msg *x = &q->m[i];
        if (x->state != MSG_INFLIGHT || x->gen != (uint32_t)c->batch[k]) continue;
        q->ninflight--;
        if (q->cfg->type == MDL_Q_FIFO) q->g[x->group].inflight--;
        if (measuring(q)) q->loops_stopped++;
        request_done(q, x, MDL_OUT_RECURSIVE_LOOP);
        x = &q->m[i];
        if (q->dlq) enqueue(q->dlq, x->bytes, x->obj_bytes, -1, false,
                            x->group < q->dlq->ng ? x->group : 0);
        int32_t g = x->group;
        msg_free(q, i);
        if (q->cfg->type == MDL_Q_FIFO && q->g[g].inflight == 0 && q->g[g].head >= 0) ring_push(q, g);
    }
    api_call(q, 0);
}

/* The ESM's batch origin: piece k is the k-th message's request. */
static int32_t esm_member(void *ctx, int32_t ri, int k)
{
    mdl_sqs *sqs = ctx;
    const mdl_req *r = mdl_req_at(sqs->core, ri);
    const sqs_queue *q = sqs->q[r->origin_arg >> 32];
    const consumer *c = &q->c[(int)(uint32_t)r->origin_arg];
    return k < c->nbatch ? handle_req(q, c->batch[k]) : -1;
}

static void esm_complete(void *ctx, int32_t ri, mdl_outcome o)
{
    mdl_sqs *sqs = ctx;
    const mdl_req *r = mdl_req_at(sqs->core, ri);
    sqs_queue *q = sqs->q[r->origin_arg >> 32];
    int ci = (int)(uint32_t)r->origin_arg;
    consumer *c = &q->c[ci];
    if (o == MDL_OUT_RECURSIVE_LOOP) {
        stop_batch(q, c);
        o = MDL_OUT_OK;   /* the slot polls on at once */
    } else if (o == MDL_OUT_OK) {
        /* ReportBatchItemFailures: failed items stay and come back after
         * the visibility timeout; the rest are deleted in one batch call. */
        for (int k = 0; k < c->nbatch; k++)
            if (!(q->cfg->failure_probability > 0 &&
                  sim_rng_uniform(q->r_fail) < q->cfg->failure_probability))
                delete_msg(q, c->batch[k]);
        api_call(q, 0);
    }
    /* Throttled or failed: the whole batch returns after its visibility
     * timeout; the slot backs off for a second before polling again. */
    mdl_req_free(sqs->core, ri);
    c->nbatch = 0;
    if (o == MDL_OUT_OK) {
        poll(q, ci);
    } else {
        set_busy(q, c, false);
        c->state = C_SLEEPING;
        c->gen++;
        sim_engine_after(q->core->e, 1.0, EV_W_POLL, q->comp, consumer_arg(q, ci));
        levels_changed(q);
    }
}

/* Every minute: scale up by 300 concurrent batches while there is a
 * backlog (up to 1,250 or MaximumConcurrency), as AWS documents; back to 5
 * after a minute without messages.  In between AWS only says it scales
 * down as pollers go idle; we assume it settles at the minute's peak of
 * busy batches plus 5 (our assumption, stated in the README). */
static void esm_scale(sqs_queue *q)
{
    int floor5 = q->esm_cap < 5 ? q->esm_cap : 5;
    if (q->nvisible > 0) {
        q->esm_limit += 300;
        if (q->esm_limit > q->esm_cap) q->esm_limit = q->esm_cap;
    } else if (q->recv_window == 0) {
        q->esm_limit = floor5;
    } else {
        int target = q->busy_peak + 5;
        if (target < floor5) target = floor5;
        if (target > q->esm_cap) target = q->esm_cap;
        if (target < q->esm_limit) q->esm_limit = target;
    }
    q->recv_window = 0;
    q->busy_peak = q->busy;
    while (q->live < q->esm_limit) consumer_add(q, K_ESM, 0);
    sim_engine_after(q->core->e, 60.0, EV_ESM_SCALE, q->comp, 0);
}

/* ---- worker autoscaling ---------------------------------------------------- */

static void autoscale(sqs_queue *q)
{
    const mdl_queue_cfg *cfg = q->cfg;
    double now = now_of(q);
    int desired = (int)ceil((double)q->nvisible / cfg->as_target_depth);
    if (desired < cfg->as_min) desired = cfg->as_min;
    if (desired > cfg->as_max) desired = cfg->as_max;
    int current = 0;
    for (int k = 0; k < q->nc; k++)
        if (q->c[k].state != C_OFF && !q->c[k].stop_after) current++;
    if (desired != current && now - q->last_scale >= cfg->as_cooldown_s) {
        q->last_scale = now;
        for (int k = current; k < desired; k++) consumer_add(q, K_WORKER, cfg->as_boot_s);
        for (int k = desired; k < current; k++) {
            /* Stop an idle worker now, else a busy one after its batch. */
            int pick = -1;
            for (int j = 0; j < q->nc && pick < 0; j++)
                if ((q->c[j].state == C_WAITING || q->c[j].state == C_SLEEPING ||
                     q->c[j].state == C_BOOTING) && !q->c[j].stop_after) pick = j;
            for (int j = 0; j < q->nc && pick < 0; j++)
                if (q->c[j].state == C_BUSY && !q->c[j].stop_after) pick = j;
            if (pick < 0) break;
            if (q->c[pick].state == C_BUSY) q->c[pick].stop_after = true;
            else consumer_stop(q, pick);
        }
    }
    sim_engine_after(q->core->e, cfg->as_interval_s, EV_W_AUTOSCALE, q->comp, 0);
}

/* ---- the queue component --------------------------------------------------- */

/* A delayed message becomes visible. */
static void on_delay_over(sqs_queue *q, int32_t i, uint32_t gen)
{
    sqs_msg *x = &q->m[i];
    if (x->state != MSG_DELAYED || x->gen != gen) return;
    q->ndelayed--;
    x->t_visible = now_of(q);
    make_visible(q, i, false);
    wake(q);
}

/* A worker finished its batch: delete it (one DeleteMessage(Batch) call). */
/* The worker's batch is processed: delete it (one DeleteMessage(Batch)
 * call) and poll again. */
static void worker_delete(sqs_queue *q, int ci)
{
    consumer *c = &q->c[ci];
    for (int k = 0; k < c->nbatch; k++) delete_msg(q, c->batch[k]);
    api_call(q, 0);
    poll(q, ci);
}

/* Piece k of worker `arg`'s batch: its k-th message's request. */
static int32_t worker_piece(void *ctx, uint64_t arg, int k)
{
    const sqs_queue *q = ctx;
    return handle_req(q, q->c[(int)(arg >> 32)].batch[k]);
}

/* The worker's synchronous calls came back (it was busy meanwhile). */
static void worker_resume(void *ctx, uint64_t arg, double waited_s)
{
    (void)waited_s;
    sqs_queue *q = ctx;
    int ci = (int)(arg >> 32);
    SIM_ASSERT(q->c[ci].gen == (uint32_t)arg && q->c[ci].state == C_BUSY);
    worker_delete(q, ci);
}

/* A worker finished its batch: the work its calls emit, per message, then
 * the delete. */
static void on_worker_done(sqs_queue *q, int ci, uint32_t gen)
{
    consumer *c = &q->c[ci];
    if (c->gen != gen) return;
    if (q->cfg->emits) {
        mdl_emit_src src = { .calls = q->cfg->calls, .ncalls = q->cfg->ncalls,
                             .mask = c->calls_mask, .npieces = c->nbatch, .lineage = -1,
                             .piece = worker_piece, .resume = worker_resume, .ctx = q,
                             .arg = consumer_arg(q, ci) };
        if (!mdl_emit(q->core, &src)) return;   /* worker_resume deletes */
    }
    worker_delete(q, ci);
}

/* Expire the visible messages at the head of list `head` that are past
 * the retention period. */
static void expire_head(sqs_queue *q, int32_t *head, double now)
{
    while (*head >= 0 && now - q->m[*head].t_sent > q->cfg->retention_s) {
        int32_t i = *head;
        unlink_visible(q, i);
        if (measuring(q)) q->expired++;
        request_done(q, &q->m[i], MDL_OUT_EXPIRED);
        msg_free(q, i);
    }
}

/* Sweep expired messages off the head of the visible list(s); again later. */
static void retention_sweep(sqs_queue *q)
{
    double now = now_of(q);
    if (q->cfg->type == MDL_Q_STANDARD) {
        expire_head(q, &q->vis_head, now);
    } else {
        for (int g = 0; g < q->ng; g++) expire_head(q, &q->g[g].head, now);
    }
    double step = fmin(3600.0, fmax(1.0, q->cfg->retention_s / 10));
    sim_engine_after(q->core->e, step, EV_Q_RETENTION, q->comp, 0);
}

static void q_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    sqs_queue *q = self;
    int ci = (int)(ev->arg >> 32);      /* a consumer, or a message */
    uint32_t gen = (uint32_t)ev->arg;
    switch (ev->type) {
    case EV_Q_VISIBLE: on_delay_over(q, ci, gen); break;
    case EV_Q_VIS_TIMEOUT: on_vis_timeout(q, ci, gen); break;
    case EV_Q_POLL_TIMEOUT:
        if (q->c[ci].gen != gen || q->c[ci].state != C_WAITING) break;
        api_call(q, 0);
        if (measuring(q)) q->empty_receives++;
        poll(q, ci);
        break;
    case EV_W_POLL:
    case EV_W_BOOTED:
        if (q->c[ci].gen == gen) poll(q, ci);
        break;
    case EV_W_DONE: on_worker_done(q, ci, gen); break;
    case EV_ESM_WINDOW:
        if (q->c[ci].gen == gen && q->c[ci].state == C_GATHER) esm_invoke(q, ci);
        break;
    case EV_ESM_SCALE: esm_scale(q); break;
    case EV_W_AUTOSCALE: autoscale(q); break;
    case EV_Q_RESEND:
        /* The producer's retry of a send that had in fact succeeded. */
        api_call(q, (double)ev->arg);
        enqueue(q, (double)ev->arg, (double)ev->arg, -1, true, 0);
        break;
    case EV_Q_RETENTION: retention_sweep(q); break;
    default: SIM_ENGINE_ASSERT(e, !"unknown queue event");
    }
}

/* ---- producers ------------------------------------------------------------- */

/* FIFO: 300 calls/s per action, x10 messages with batching; far more in
 * high-throughput mode (README "Reference facts", SQS; 70,000 is [L]).  False:
 * throttled. */
static bool fifo_send_token(sqs_queue *q, double now)
{
    double rate = (q->cfg->high_throughput ? 70000.0 : 300.0) * q->cfg->send_batch_size;
    q->send_tokens = fmin(rate, q->send_tokens + (now - q->t_send) * rate);
    q->t_send = now;
    if (q->send_tokens < 1.0) return false;
    q->send_tokens -= 1.0;
    return true;
}

void mdl_sqs_send(mdl_sqs *sqs, int qi, int32_t ri)
{
    SIM_ASSERT(qi >= 0 && qi < sqs->nq);
    sqs_queue *q = sqs->q[qi];
    double bytes = mdl_req_at(sqs->core, ri)->bytes;
    if (bytes > 1024.0 * 1024.0) {     /* 1 MiB maximum message */
        mdl_req_finish(sqs->core, ri, MDL_OUT_PAYLOAD_TOO_LARGE);
        return;
    }
    int32_t group = 0;
    if (q->cfg->type == MDL_Q_FIFO) {
        if (!fifo_send_token(q, now_of(q))) {
            if (measuring(q)) q->send_throttled++;
            mdl_req_finish(sqs->core, ri, MDL_OUT_SEND_THROTTLED);
            return;
        }
        group = (int32_t)gsl_rng_uniform_int(q->r_group, (unsigned long)q->ng);
    }
    /* Batched sends share one call among send_batch_size messages (bytes
     * add up within the call): one billed call per full batch. */
    if (measuring(q)) {
        q->send_batch_bytes += bytes;
        if (++q->send_batch_n >= q->cfg->send_batch_size) {
            api_call(q, q->send_batch_bytes);
            q->send_batch_n = 0;
            q->send_batch_bytes = 0;
        }
    }
    enqueue(q, bytes, mdl_req_at(sqs->core, ri)->obj_bytes, ri, false, group);
    if (q->cfg->duplicate_send_probability > 0 &&
        sim_rng_uniform(q->r_dup) < q->cfg->duplicate_send_probability) {
        if (q->cfg->type == MDL_Q_FIFO) {
            /* Same deduplication id within 5 minutes: accepted, dropped. */
            api_call(q, bytes);
            if (measuring(q)) q->deduplicated++;
        } else {
            sim_engine_after(q->core->e, 1.0, EV_Q_RESEND, q->comp, (uint64_t)bytes);
        }
    }
}

/* ---- lifecycle --------------------------------------------------------------- */

static const sim_component_ops k_q_ops = { "sqs", q_on_event, NULL };

static sim_status queue_build(mdl_sqs *sqs, int i, sim_error *err)
{
    mdl_core *core = sqs->core;
    sqs_queue *q = sim_xcalloc(1, sizeof *q);
    sqs->q[i] = q;
    char name[MDL_NAME_MAX + 40];
    q->core = core;
    q->sqs = sqs;
    q->cfg = &core->cfg->q[i];
    q->index = i;
    q->free_head = q->vis_head = q->vis_tail = -1;
    q->comp = sim_engine_add_component(core->e, &k_q_ops, q);
    q->ng = q->cfg->type == MDL_Q_FIFO ? q->cfg->message_groups : 1;
    q->g = sim_xcalloc((size_t)q->ng, sizeof *q->g);
    for (int g = 0; g < q->ng; g++) {
        q->g[g].head = q->g[g].tail = -1;
        q->g[g].last_seq = -1;
    }
#define STREAM(field, suffix) \
    (snprintf(name, sizeof name, "queues.%s/%s", q->cfg->name, suffix), \
     q->field = sim_engine_rng(core->e, name))
    STREAM(r_dup, "duplicates");
    STREAM(r_svc, "service");
    STREAM(r_group, "groups");
    STREAM(r_fail, "failures");
#undef STREAM
    q->wait_ms = sim_hist_create(1e-3);
    sim_twavg_init(&q->depth, 0, 0);
    sim_twavg_init(&q->tw_live, 0, 0);
    sim_twavg_init(&q->tw_busy, 0, 0);
    q->send_tokens = 300.0 * q->cfg->send_batch_size;
    q->esm_cap = q->cfg->maximum_concurrency ? q->cfg->maximum_concurrency : 1250;
    q->ec2_type = -1;
    if (q->cfg->consumer != MDL_CONSUMER_WORKERS) return SIM_OK;
    snprintf(name, sizeof name, "queues.%s.consumer.instance_type", q->cfg->name);
    return mdl_meter_add_instance_type(core->meter, q->cfg->instance_type, "", 0, name,
                                       &q->ec2_type, err);
}

static sim_status sqs_build(mdl_core *core, void **self, sim_error *err)
{
    const mdl_config *cfg = core->cfg;
    mdl_sqs *sqs = sim_xcalloc(1, sizeof *sqs);
    *self = sqs;
    sqs->core = core;
    sqs->lambda = mdl_core_service(core, MDL_SID_LAMBDA);
    SIM_ASSERT(sqs->lambda);   /* built before SQS */
    sqs->esm_origin = mdl_core_add_batch_origin(core, esm_complete, esm_member, sqs);
    for (int i = 0; i < cfg->nq; i++) {
        sqs->nq = i + 1;
        SIM_TRY(queue_build(sqs, i, err));
    }
    for (int i = 0; i < cfg->nq; i++)
        if (cfg->q[i].dlq_index >= 0) sqs->q[i]->dlq = sqs->q[cfg->q[i].dlq_index];
    return SIM_OK;
}

static void sqs_start(void *self)
{
    mdl_sqs *sqs = self;
    sim_engine *e = sqs->core->e;
    for (int i = 0; i < sqs->nq; i++) {
        sqs_queue *q = sqs->q[i];
        const mdl_queue_cfg *c = q->cfg;
        if (c->consumer == MDL_CONSUMER_WORKERS) {
            for (int k = 0; k < c->workers; k++) consumer_add(q, K_WORKER, 0);
            if (c->autoscale)
                sim_engine_after(e, c->as_interval_s, EV_W_AUTOSCALE, q->comp, 0);
        } else if (c->consumer == MDL_CONSUMER_LAMBDA) {
            q->esm_limit = q->esm_cap < 5 ? q->esm_cap : 5;
            for (int k = 0; k < q->esm_limit; k++) consumer_add(q, K_ESM, 0);
            sim_engine_after(e, 60.0, EV_ESM_SCALE, q->comp, 0);
        }
        if (c->retention_s < sqs->core->cfg->duration_s)
            sim_engine_after(e, fmin(3600.0, fmax(1.0, c->retention_s / 10)), EV_Q_RETENTION,
                             q->comp, 0);
    }
}

static void sqs_reset_stats(void *self, double now)
{
    mdl_sqs *sqs = self;
    for (int i = 0; i < sqs->nq; i++) {
        sqs_queue *q = sqs->q[i];
        q->sent = q->received = q->deleted = q->duplicates = q->to_dlq = q->expired = 0;
        q->empty_receives = q->deduplicated = q->send_throttled = q->order_violations = 0;
        q->over_limit = q->first_receives = q->waited = q->loops_stopped = 0;
        q->api_requests = 0;
        q->send_batch_n = 0;
        q->send_batch_bytes = 0;
        sim_hist_clear(q->wait_ms);
        sim_twavg_reset(&q->depth, now);
        sim_twavg_reset(&q->tw_live, now);
        sim_twavg_reset(&q->tw_busy, now);
    }
}

static sim_status sqs_meter_end(void *self, double span_s, sim_error *err)
{
    (void)span_s;
    (void)err;
    mdl_sqs *sqs = self;
    double t_end = sim_engine_now(sqs->core->e);
    for (int i = 0; i < sqs->nq; i++) {
        sqs_queue *q = sqs->q[i];
        if (q->send_batch_n > 0)      /* the producer's last, partial batch */
            api_call(q, q->send_batch_bytes);
        if (q->cfg->consumer == MDL_CONSUMER_WORKERS)
            /* Worker hours (booting included): the integral of live workers. */
            mdl_meter_ec2_hours(sqs->core->meter, q->ec2_type,
                                sim_twavg_area(&q->tw_live, t_end) / 3600.0);
    }
    return SIM_OK;
}

static json_object *wait_json(const sim_hist *h)
{
    json_object *w = json_object_new_object();
    bool any = sim_hist_count(h) > 0;
    sim_json_add_double(w, "mean", any ? sim_hist_mean(h) : 0);
    sim_json_add_double(w, "p50", any ? sim_hist_quantile(h, 0.5) : 0);
    sim_json_add_double(w, "p95", any ? sim_hist_quantile(h, 0.95) : 0);
    sim_json_add_double(w, "p99", any ? sim_hist_quantile(h, 0.99) : 0);
    return w;
}

static json_object *consumer_json(const sqs_queue *q, double t_end)
{
    json_object *c = json_object_new_object();
    sim_json_add_string(c, "type", q->cfg->consumer == MDL_CONSUMER_WORKERS ? "workers" : "lambda");
    sim_json_add_double(c, "avg_consumers", sim_twavg_mean(&q->tw_live, t_end));
    sim_json_add_double(c, "avg_busy", sim_twavg_mean(&q->tw_busy, t_end));
    sim_json_add_double(c, "max_consumers", q->tw_live.max);
    return c;
}

static json_object *queue_json(const sqs_queue *q, double t_end)
{
    json_object *o = json_object_new_object();
    sim_json_add_string(o, "type", q->cfg->type == MDL_Q_FIFO ? "fifo" : "standard");
    sim_json_add_int(o, "sent", (int64_t)q->sent);
    sim_json_add_int(o, "received", (int64_t)q->received);
    sim_json_add_int(o, "deleted", (int64_t)q->deleted);
    sim_json_add_int(o, "duplicates", (int64_t)q->duplicates);
    sim_json_add_int(o, "to_dlq", (int64_t)q->to_dlq);
    sim_json_add_int(o, "expired", (int64_t)q->expired);
    sim_json_add_int(o, "empty_receives", (int64_t)q->empty_receives);
    sim_json_add_int(o, "deduplicated", (int64_t)q->deduplicated);
    sim_json_add_int(o, "send_throttled", (int64_t)q->send_throttled);
    sim_json_add_int(o, "order_violations", (int64_t)q->order_violations);
    sim_json_add_int(o, "over_limit_receives", (int64_t)q->over_limit);
    if (q->loops_stopped) sim_json_add_int(o, "recursive_loops_stopped", (int64_t)q->loops_stopped);
    json_object_object_add(o, "wait_ms", wait_json(q->wait_ms));
    sim_json_add_double(o, "prob_wait", q->first_receives ? (double)q->waited / (double)q->first_receives : 0);
    sim_json_add_double(o, "avg_depth", sim_twavg_mean(&q->depth, t_end));
    sim_json_add_double(o, "max_depth", q->depth.max);
    sim_json_add_int(o, "visible_at_end", q->nvisible);
    sim_json_add_int(o, "in_flight_at_end", q->ninflight);
    sim_json_add_int(o, "delayed_at_end", q->ndelayed);
    sim_json_add_double(o, "api_requests", q->api_requests);
    if (q->cfg->consumer != MDL_CONSUMER_NONE)
        json_object_object_add(o, "consumer", consumer_json(q, t_end));
    return o;
}

static void sqs_results(const void *self, sim_jw *w, double t_end)
{
    const mdl_sqs *sqs = self;
    if (!sqs->nq) return;
    json_object *qs = json_object_new_object();
    for (int i = 0; i < sqs->nq; i++)
        json_object_object_add(qs, sqs->q[i]->cfg->name, queue_json(sqs->q[i], t_end));
    sim_jw_tree_member(w, "queues", qs);
}

static void sqs_levels(const void *self, mdl_levels *acc)
{
    const mdl_sqs *sqs = self;
    for (int i = 0; i < sqs->nq; i++) {
        acc->queue_depth += (double)sqs->q[i]->nvisible;
        acc->consumers += sqs->q[i]->live;
    }
}

static void sqs_destroy(void *self)
{
    mdl_sqs *sqs = self;
    for (int i = 0; i < sqs->nq; i++) {
        sqs_queue *q = sqs->q[i];
        if (!q) continue;
        for (int k = 0; k < q->nc; k++) free(q->c[k].batch);
        free(q->c);
        free(q->m);
        free(q->g);
        free(q->ring);
        free(q->waiters);
        free(q->gather);
        sim_hist_destroy(q->wait_ms);
        free(q);
    }
    free(sqs);
}

const mdl_service_ops mdl_sqs_service = {
    "sqs", sqs_build, sqs_start, sqs_reset_stats, sqs_levels, sqs_meter_end, sqs_results,
    sqs_destroy,
};
