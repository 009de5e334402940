/* mdl_lambda_env.c - a function's execution environments.
 *
 * Execution environments live in a per-function array with a free list; idle
 * ones sit on an intrusive doubly-linked list ordered by the time they went
 * idle, so MRU reuse takes the tail, LRU the head, and expiry (with a fixed
 * keep-alive) always hits the head: one timer per function suffices, and a
 * warm reuse costs no event at all.  With keep-alive jitter expiry order no
 * longer follows the list, so each idle period gets its own timer, made stale
 * by a generation counter when the environment is reused.  Provisioned
 * environments have an idle list of their own and never expire.
 */
#include "models/lambda/mdl_lambda_internal.h"

#include <math.h>

int32_t mdl__env_alloc(fn_rt *f, double now, bool provisioned)
{
    if (f->free_head < 0) {
        if (f->nin == f->capin) {
            f->capin = f->capin ? 2 * f->capin : 4;
            f->in = sim_xrealloc(f->in, (size_t)f->capin * sizeof *f->in);
        }
        f->in[f->nin].next = -1;
        f->in[f->nin].gen = 0;
        f->free_head = f->nin++;
    }
    int32_t i = f->free_head;
    inst *x = &f->in[i];
    f->free_head = x->next;
    x->prev = x->next = -1;
    x->gen++;
    x->state = INST_BUSY;
    x->provisioned = provisioned;
    x->created = now;
    x->idle_since = now;
    return i;
}

static void list_append(fn_rt *f, int32_t *head, int32_t *tail, int32_t i)
{
    inst *x = &f->in[i];
    x->next = -1;
    x->prev = *tail;
    if (*tail >= 0) f->in[*tail].next = i; else *head = i;
    *tail = i;
}

static void list_unlink(fn_rt *f, int32_t *head, int32_t *tail, int32_t i)
{
    inst *x = &f->in[i];
    if (x->prev >= 0) f->in[x->prev].next = x->next; else *head = x->next;
    if (x->next >= 0) f->in[x->next].prev = x->prev; else *tail = x->prev;
    x->prev = x->next = -1;
}

void mdl__env_levels(fn_rt *f)
{
    double now = sim_engine_now(f->e);
    sim_twavg_set(&f->tw_live, now, f->live);
    sim_twavg_set(&f->tw_busy, now, f->busy);
    sim_twavg_set(&f->tw_idle, now, f->live - f->busy);
    if (f->live > f->max_live) f->max_live = f->live;
}

void mdl__env_destroy(fn_rt *f, int32_t i)
{
    inst *x = &f->in[i];
    double now = sim_engine_now(f->e);
    if (now >= f->core->t_measure)
        sim_welford_add(&f->lifespan, now - x->created);
    x->state = INST_FREE;
    x->gen++;
    x->next = f->free_head;
    f->free_head = i;
    f->live--;
}

/* Arm the single expiry timer at the head of the idle list (fixed keep-alive). */
static void sweep_arm(fn_rt *f)
{
    if (f->sweep_armed || f->idle_head < 0) return;
    sim_engine *e = f->e;
    double t = f->in[f->idle_head].idle_since + f->cfg->keep_alive_s;
    double now = sim_engine_now(e);
    f->sweep_armed = true;
    sim_engine_at(e, t < now ? now : t, EV_EXPIRE_SWEEP, f->comp, f->sweep_gen);
}

void mdl__env_go_idle(fn_rt *f, int32_t i)
{
    inst *x = &f->in[i];
    sim_engine *e = f->e;
    x->state = INST_IDLE;
    x->idle_since = sim_engine_now(e);
    x->gen++;
    if (x->provisioned) {
        list_append(f, &f->pc_head, &f->pc_tail, i);
        return;
    }
    list_append(f, &f->idle_head, &f->idle_tail, i);
    if (f->cfg->keep_alive_jitter_s > 0) {
        double j = f->cfg->keep_alive_jitter_s;
        double ka = f->cfg->keep_alive_s + (2 * gsl_rng_uniform(mdl__fn_rng(f, FN_RNG_KEEP)) - 1) * j;
        sim_engine_after(e, ka, EV_EXPIRE_ONE, f->comp, ((uint64_t)(uint32_t)i << 32) | x->gen);
    } else {
        sweep_arm(f);
    }
}

/* An idle on-demand environment by the reuse policy (the list is not empty). */
static int32_t pick_idle(fn_rt *f)
{
    switch (f->cfg->reuse) {
    case MDL_REUSE_MRU: return f->idle_tail;
    case MDL_REUSE_LRU: return f->idle_head;
    case MDL_REUSE_NEWEST: {
        /* SimFaaS's rule: the newest environment by creation time.  O(idle). */
        int32_t i = f->idle_head;
        for (int32_t k = f->in[i].next; k >= 0; k = f->in[k].next)
            if (f->in[k].created > f->in[i].created) i = k;
        return i;
    }
    case MDL_REUSE_RANDOM: {
        int32_t n = 0;
        for (int32_t k = f->idle_head; k >= 0; k = f->in[k].next) n++;
        unsigned long pick = gsl_rng_uniform_int(mdl__fn_rng(f, FN_RNG_REUSE), (unsigned long)n);
        int32_t i = f->idle_head;
        while (pick--) i = f->in[i].next;
        return i;
    }
    }
    SIM_ASSERT(!"unknown reuse policy");
    return -1;
}

int32_t mdl__env_take_idle(fn_rt *f)
{
    int32_t i;
    if (f->pc_head >= 0) {         /* provisioned environments serve first */
        i = f->pc_tail;
        list_unlink(f, &f->pc_head, &f->pc_tail, i);
    } else {
        if (f->idle_head < 0) return -1;
        i = pick_idle(f);
        if (i == f->idle_head && f->sweep_armed) {
            /* The head is leaving: its timer is stale; re-arm for the new head. */
            f->sweep_gen++;
            f->sweep_armed = false;
        }
        list_unlink(f, &f->idle_head, &f->idle_tail, i);
    }
    f->in[i].state = INST_BUSY;
    f->in[i].gen++;
    sweep_arm(f);
    return i;
}

void mdl__env_expire_sweep(fn_rt *f, uint32_t gen)
{
    if (gen != f->sweep_gen) return;    /* stale timer */
    f->sweep_armed = false;
    double now = sim_engine_now(f->e);
    /* Expire every head whose keep-alive has run out (ties included). */
    while (f->idle_head >= 0 &&
           f->in[f->idle_head].idle_since + f->cfg->keep_alive_s <= now + 1e-9) {
        int32_t i = f->idle_head;
        list_unlink(f, &f->idle_head, &f->idle_tail, i);
        mdl__env_destroy(f, i);
    }
    f->sweep_gen++;
    mdl__env_levels(f);
    sweep_arm(f);
}

void mdl__env_expire_one(fn_rt *f, int32_t i, uint32_t gen)
{
    if (i >= f->nin || f->in[i].gen != gen || f->in[i].state != INST_IDLE) return;
    list_unlink(f, &f->idle_head, &f->idle_tail, i);
    mdl__env_destroy(f, i);
    mdl__env_levels(f);
}
