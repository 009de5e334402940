/* mdl_lambda_env.c - a function's execution environments and their lifecycle.
 *
 * Execution environments live in a per-function array with a free list; idle
 * ones sit on an intrusive doubly-linked list ordered by the time they went
 * idle, so MRU reuse takes the tail, LRU the head.  Provisioned environments
 * have an idle list of their own and never expire nor retire.
 *
 * Expiry.  With a fixed keep-alive and no pre-warming (the `simfaas`
 * preset, or any function whose keep-alive is one constant) expiry always
 * hits the head of the idle list: one timer per function suffices and a warm
 * reuse costs no event at all (the sweep).  Otherwise each idle period draws
 * its keep-alive from the lifecycle (keep_alive_lone when the environment is
 * the function's only live one, keep_alive_pool else: mdl_lifecycle.h) and
 * the environment expires at the end of it.  Each environment has at most
 * one pending timer, never later than its deadline (expire_at) nor than
 * `keep_min_s` (no keep-alive is shorter) after it was armed: then no later
 * idle period can end before it, so going idle only moves the deadline; a
 * timer that finds the environment idle before its deadline re-arms itself.
 * A busy function schedules about one event per environment and minimum
 * keep-alive, not one per invocation (which would fill the event heap with
 * stale timers).  With no positive minimum every earlier deadline gets a
 * timer of its own.
 *
 * Lifecycle (issue 22; README "How close to AWS").  An on-demand
 * environment draws a maximum lifetime when it is created (RNG stream
 * `functions.<f>/lifetime`); at that age it retires: destroyed at once when
 * idle, else it takes no new request and is destroyed when its request ends.
 * When the lifecycle pre-warms (stream `functions.<f>/prewarm`), a
 * replacement's INIT starts `lead` before the retirement (or at it): the
 * replacement is an environment in INIT that no request waits for, then an
 * idle "spare", the last choice of the reuse policy until its first use
 * (prewarm_spare).  Its INIT lasts a draw of the function's `init` (0
 * without one); it counts as a live environment but not against
 * concurrency (no request is in flight on it) nor the scaling rate, and its
 * INIT is not billed (no invocation carries it).  With prewarm_takes_pending
 * a spare that becomes ready while a cold start still waits on its own INIT
 * serves that request at once; the other environment finishes its INIT and
 * becomes a spare itself.  The deadlines (retire_at, prewarm_at) share one
 * timer per function, at the earliest of them (fn_life.lc_*): an
 * environment that expires long before its maximum lifetime, as most do
 * under a sparse trace, leaves nothing in the event heap.  EV_READY carries
 * the environment's `life` (set at creation), so one outliving its
 * environment is ignored.
 */
#include "models/lambda/mdl_lambda_internal.h"

#include <math.h>
#include <stdio.h>

/* An event argument: environment index and a timer or life tag. */
static uint64_t pack(int32_t i, uint32_t tag) { return ((uint64_t)(uint32_t)i << 32) | tag; }

void mdl__env_life_init(fn_rt *f)
{
    fn_life *lf = &f->life;
    const mdl_lifecycle *lc = &f->cfg->lc;
    lf->lc = lc;
    lf->sp_head = lf->sp_tail = -1;
    bool prewarms = lc->has_max_lifetime && lc->prewarm_probability > 0;
    lf->sweep = mdl_lifecycle_keep_alive_fixed(lc, &lf->keep_s) && !prewarms;
    lf->keep_min_s = mdl_lifecycle_keep_alive_min_s(lc);
    lf->places = mdl_lifecycle_places(lc);
    /* Streams only when the lifecycle draws: other functions' streams and
     * the stream table itself stay as they were. */
    char name[MDL_NAME_MAX + 32];
    if (lc->has_max_lifetime) {
        snprintf(name, sizeof name, "functions.%s/lifetime", f->name);
        lf->r_life = sim_engine_rng(f->e, name);
    }
    if (prewarms) {
        snprintf(name, sizeof name, "functions.%s/prewarm", f->name);
        lf->r_prewarm = sim_engine_rng(f->e, name);
    }
}

/* Environment x's next lifecycle deadline (INFINITY: none). */
static inline double lc_deadline(const inst *x)
{
    return x->prewarm_at < x->retire_at ? x->prewarm_at : x->retire_at;
}

/* The lifecycle timer fires at t or earlier. */
static void lc_arm(fn_rt *f, double t)
{
    fn_life *lf = &f->life;
    if (!isfinite(t) || (lf->lc_armed && lf->lc_at <= t)) return;
    lf->lc_gen++;       /* a later pending timer goes stale */
    lf->lc_armed = true;
    lf->lc_at = t;
    sim_engine_at(f->e, t, EV_LIFECYCLE, f->comp, lf->lc_gen);
}

/* Draw an on-demand environment's maximum lifetime and whether (and when) a
 * replacement is pre-warmed; the lifecycle timer covers both deadlines. */
static void plan_life(fn_rt *f, int32_t i, double now)
{
    fn_life *lf = &f->life;
    if (!lf->r_life) return;
    inst *x = &f->in[i];
    x->retire_at = now + mdl_lifecycle_max_lifetime_s(lf->lc, lf->r_life);
    double init_at;
    if (lf->r_prewarm && mdl_lifecycle_prewarm(lf->lc, lf->r_prewarm, now, x->retire_at, &init_at)) {
        x->replace = 1;
        /* With no lead the retirement itself starts the replacement. */
        if (init_at < x->retire_at) x->prewarm_at = init_at;
    }
    lc_arm(f, lc_deadline(x));
}

int32_t mdl__env_alloc(fn_rt *f, double now, bool provisioned)
{
    if (f->free_head < 0) {
        if (f->nin == f->capin) {
            f->capin = f->capin ? 2 * f->capin : 4;
            f->in = sim_xrealloc(f->in, (size_t)f->capin * sizeof *f->in);
        }
        f->in[f->nin].next = -1;
        f->in[f->nin].gen = 0;
        f->in[f->nin].life = 0;
        f->free_head = f->nin++;
    }
    int32_t i = f->free_head;
    inst *x = &f->in[i];
    f->free_head = x->next;
    x->prev = x->next = -1;
    x->gen++;
    x->life++;
    x->id = f->life.created++;
    x->state = INST_BUSY;
    x->provisioned = provisioned;
    x->retiring = x->replace = x->spare = x->timer = 0;
    x->created = now;
    x->idle_since = now;
    x->pending_ri = -1;
    x->npos = -1;
    x->retire_at = x->prewarm_at = INFINITY;
    if (!provisioned) plan_life(f, i, now);
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

/* ---- the newest-first heap (reuse `newest`) -------------------------------------
 * SimFaaS's rule serves the idle environment created last; among equal
 * creation times, the one that went idle first (the first of them on the
 * idle list, as a scan of the list finds it).  A scan costs O(idle) per
 * invocation: at 1,000 req/s, ~90 idle environments, it was half of the
 * `simfaas` preset's CPU (perf).  The heap holds every idle on-demand
 * environment in that order; each keeps its position (npos) so that any
 * of them can leave it, O(log idle). */

static inline bool newer(const inst *a, const inst *b)
{
    return a->created > b->created || (a->created == b->created && a->idle_seq < b->idle_seq);
}

static inline void newest_put(fn_rt *f, int32_t k, int32_t i)
{
    f->newest[k] = i;
    f->in[i].npos = k;
}

static void newest_up(fn_rt *f, int32_t k, int32_t i)
{
    while (k > 0) {
        int32_t p = (k - 1) / 2;
        if (!newer(&f->in[i], &f->in[f->newest[p]])) break;
        newest_put(f, k, f->newest[p]);
        k = p;
    }
    newest_put(f, k, i);
}

static void newest_down(fn_rt *f, int32_t k, int32_t i)
{
    int32_t n = f->nnewest;
    for (;;) {
        int32_t c = 2 * k + 1;
        if (c >= n) break;
        if (c + 1 < n && newer(&f->in[f->newest[c + 1]], &f->in[f->newest[c]])) c++;
        if (!newer(&f->in[f->newest[c]], &f->in[i])) break;
        newest_put(f, k, f->newest[c]);
        k = c;
    }
    newest_put(f, k, i);
}

static void newest_push(fn_rt *f, int32_t i)
{
    if (f->nnewest == f->capnewest) {
        f->capnewest = f->capnewest ? 2 * f->capnewest : 8;
        f->newest = sim_xrealloc(f->newest, (size_t)f->capnewest * sizeof *f->newest);
    }
    newest_up(f, f->nnewest++, i);
}

static void newest_remove(fn_rt *f, int32_t i)
{
    int32_t k = f->in[i].npos;
    SIM_ASSERT(k >= 0 && k < f->nnewest && f->newest[k] == i);
    f->in[i].npos = -1;
    int32_t last = f->newest[--f->nnewest];
    if (last == i) return;
    /* The last leaf fills the hole: up if it is newer than the parent, else down. */
    if (k > 0 && newer(&f->in[last], &f->in[f->newest[(k - 1) / 2]]))
        newest_up(f, k, last);
    else
        newest_down(f, k, last);
}

static inline bool by_newest(const fn_rt *f)
{
    return f->life.lc->reuse == MDL_REUSE_NEWEST;
}

/* The on-demand idle list, and the heap with it under reuse `newest`. */
static void idle_list_append(fn_rt *f, int32_t i)
{
    list_append(f, &f->idle_head, &f->idle_tail, i);
    if (by_newest(f)) {
        f->in[i].idle_seq = f->idle_seq++;   /* the list's order, for the heap's ties */
        newest_push(f, i);
    }
}

static void idle_list_unlink(fn_rt *f, int32_t i)
{
    list_unlink(f, &f->idle_head, &f->idle_tail, i);
    if (by_newest(f)) newest_remove(f, i);
}

/* A spare waits on the spare list (last choice), else on the idle list. */
static bool on_spare_list(const fn_rt *f, const inst *x)
{
    return x->spare && f->life.lc->prewarm_spare;
}

/* Take idle environment i off its list; the sweep's timer goes stale when
 * the head leaves (the caller re-arms it). */
static void idle_unlink(fn_rt *f, int32_t i)
{
    inst *x = &f->in[i];
    if (x->provisioned) {
        list_unlink(f, &f->pc_head, &f->pc_tail, i);
    } else if (on_spare_list(f, x)) {
        list_unlink(f, &f->life.sp_head, &f->life.sp_tail, i);
    } else {
        if (i == f->idle_head && f->sweep_armed) {
            f->sweep_gen++;
            f->sweep_armed = false;
        }
        idle_list_unlink(f, i);
    }
}

void mdl__env_levels(fn_rt *f)
{
    double now = sim_engine_now(f->e);
    sim_twavg_set(&f->tw_live, now, f->live);
    sim_twavg_set(&f->tw_busy, now, f->busy);
    sim_twavg_set(&f->tw_idle, now, f->live - f->busy);
    if (f->live > f->max_live) f->max_live = f->live;
}

/* The request waiting on i's INIT no longer does (it ended, or moved). */
static void pending_clear(fn_rt *f, inst *x)
{
    if (x->pending_ri < 0) return;
    x->pending_ri = -1;
    f->life.pending--;
}

void mdl__env_destroy(fn_rt *f, int32_t i)
{
    inst *x = &f->in[i];
    double now = sim_engine_now(f->e);
    if (now >= f->core->t_measure)
        sim_welford_add(&f->lifespan, now - x->created);
    pending_clear(f, x);
    x->state = INST_FREE;
    x->retire_at = x->prewarm_at = INFINITY;   /* the lifecycle timer skips it */
    x->gen++;       /* its timer, if any, is stale */
    x->timer = 0;
    x->next = f->free_head;
    f->free_head = i;
    f->live--;
}

/* Arm the single expiry timer at the head of the idle list (sweep mode). */
static void sweep_arm(fn_rt *f)
{
    if (!f->life.sweep || f->sweep_armed || f->idle_head < 0) return;
    sim_engine *e = f->e;
    double t = f->in[f->idle_head].idle_since + f->life.keep_s;
    double now = sim_engine_now(e);
    f->sweep_armed = true;
    sim_engine_at(e, t < now ? now : t, EV_EXPIRE_SWEEP, f->comp, f->sweep_gen);
}

/* Environment i's one expiry timer (any other is stale): at its deadline,
 * or earlier, when a later idle period could end sooner. */
static void expiry_arm(fn_rt *f, int32_t i)
{
    inst *x = &f->in[i];
    double now = sim_engine_now(f->e), min_s = f->life.keep_min_s;
    x->gen++;
    x->timer = 1;
    x->timer_at = min_s > 0 ? fmin(x->expire_at, now + min_s) : x->expire_at;
    sim_engine_at(f->e, x->timer_at, EV_EXPIRE_ONE, f->comp, pack(i, x->gen));
}

void mdl__env_go_idle(fn_rt *f, int32_t i)
{
    inst *x = &f->in[i];
    sim_engine *e = f->e;
    pending_clear(f, x);
    x->state = INST_IDLE;
    x->idle_since = sim_engine_now(e);
    if (x->provisioned) {
        list_append(f, &f->pc_head, &f->pc_tail, i);
        return;
    }
    if (on_spare_list(f, x))
        list_append(f, &f->life.sp_head, &f->life.sp_tail, i);
    else
        idle_list_append(f, i);
    if (f->life.sweep) {
        sweep_arm(f);
        return;
    }
    /* This idle period's own keep-alive, drawn given the pool (f->live
     * counts this environment). */
    x->expire_at = x->idle_since + mdl_lifecycle_keep_alive_s(f->life.lc, f->live, mdl__fn_rng(f, FN_RNG_KEEP));
    if (!x->timer || x->expire_at < x->timer_at) expiry_arm(f, i);
}

void mdl__env_release(fn_rt *f, int32_t i)
{
    if (f->in[i].retiring) mdl__env_destroy(f, i);
    else mdl__env_go_idle(f, i);
}

/* An idle on-demand environment by the reuse policy (the list is not empty). */
static int32_t pick_idle(fn_rt *f)
{
    switch (f->life.lc->reuse) {
    case MDL_REUSE_MRU: return f->idle_tail;
    case MDL_REUSE_LRU: return f->idle_head;
    case MDL_REUSE_NEWEST:
        /* SimFaaS's rule: the newest environment by creation time (the heap's top). */
        SIM_ASSERT(f->nnewest > 0);
        return f->newest[0];
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

/* Idle environment i starts serving. */
static void take(fn_rt *f, int32_t i)
{
    inst *x = &f->in[i];
    idle_unlink(f, i);
    x->state = INST_BUSY;
    sweep_arm(f);
}

int32_t mdl__env_take_idle(fn_rt *f)
{
    /* Provisioned environments serve first, spares last (the most recently
     * initialised). */
    int32_t i = f->pc_head >= 0 ? f->pc_tail
              : f->idle_head >= 0 ? pick_idle(f)
              : f->life.sp_tail;
    if (i < 0) return -1;
    take(f, i);
    inst *x = &f->in[i];
    if (x->spare) {
        x->spare = 0;
        if (mdl_core_measuring(f->core)) f->life.prewarmed_first_uses++;
    }
    return i;
}

void mdl__env_expire_sweep(fn_rt *f, uint32_t gen)
{
    if (gen != f->sweep_gen) return;    /* stale timer */
    f->sweep_armed = false;
    double now = sim_engine_now(f->e);
    /* Expire every head whose keep-alive has run out (ties included). */
    while (f->idle_head >= 0 &&
           f->in[f->idle_head].idle_since + f->life.keep_s <= now + 1e-9) {
        int32_t i = f->idle_head;
        idle_list_unlink(f, i);
        mdl__env_destroy(f, i);
    }
    f->sweep_gen++;
    mdl__env_levels(f);
    sweep_arm(f);
}

void mdl__env_expire_one(fn_rt *f, int32_t i, uint32_t gen)
{
    SIM_ASSERT(i >= 0 && i < f->nin);
    inst *x = &f->in[i];
    if (x->gen != gen) return;          /* stale: superseded, or the environment is gone */
    x->timer = 0;
    if (x->state != INST_IDLE) return;  /* busy: going idle arms a new one */
    if (sim_engine_now(f->e) < x->expire_at) {
        expiry_arm(f, i);               /* reused since: its deadline moved */
        return;
    }
    idle_unlink(f, i);
    mdl__env_destroy(f, i);
    mdl__env_levels(f);
}

/* ---- pre-warming -------------------------------------------------------------- */

void mdl__env_cold_started(fn_rt *f, int32_t i, int32_t ri, sim_handle h)
{
    const mdl_req *r = mdl_req_at(f->core, ri);
    if (!f->life.lc->prewarm_takes_pending || !(r->init_ms > 0)) return;
    inst *x = &f->in[i];
    x->pending_ri = ri;
    x->init_end = sim_engine_now(f->e) + r->init_ms / 1e3;
    x->done_h = h;
    f->life.pending++;
}

/* The cold start that has waited longest on an INIT still running, or -1.
 * O(environments), but only when a spare becomes ready while some wait. */
static int32_t longest_pending(fn_rt *f, double now)
{
    int32_t best = -1;
    for (int32_t k = 0; k < f->nin; k++) {
        inst *x = &f->in[k];
        if (x->state != INST_BUSY || x->pending_ri < 0) continue;
        if (x->init_end <= now) {
            pending_clear(f, x);    /* its INIT is over: it runs its handler */
            continue;
        }
        if (best < 0 || x->created < f->in[best].created) best = k;
    }
    return best;
}

/* Spare j, just ready, serves the request waiting longest on another
 * environment's INIT; that environment finishes its INIT as a spare. */
static void take_pending(fn_rt *f, int32_t j)
{
    double now = sim_engine_now(f->e);
    int32_t i = longest_pending(f, now);
    if (i < 0) return;
    inst *old = &f->in[i];
    int32_t ri = old->pending_ri;
    mdl_req *r = mdl_req_at(f->core, ri);
    sim_engine_cancel(f->e, old->done_h);
    pending_clear(f, old);
    old->state = INST_INIT;
    sim_engine_at(f->e, old->init_end, EV_READY, f->comp, pack(i, old->life));
    take(f, j);
    f->in[j].spare = 0;
    /* It waited from its arrival until now, then runs its handler: no INIT
     * on the environment that serves it, none billed. */
    r->response_ms = (now - old->created) * 1e3 + r->duration_ms;
    r->init_ms = 0;
    r->inst = j;
    sim_engine_after(f->e, r->duration_ms / 1e3, EV_DONE, f->comp, (uint64_t)ri);
    if (mdl_core_measuring(f->core)) f->life.cold_to_prewarmed++;
}

/* Replacement j's INIT is over: a spare, idle (or gone if it retired
 * meanwhile). */
static void ready(fn_rt *f, int32_t j)
{
    inst *x = &f->in[j];
    SIM_ASSERT(x->state == INST_INIT);
    if (x->retiring) {
        mdl__env_destroy(f, j);
        return;
    }
    x->spare = 1;
    mdl__env_go_idle(f, j);
    if (f->life.pending > 0) take_pending(f, j);
}

/* A replacement starts its INIT now. */
static void prewarm_start(fn_rt *f)
{
    double now = sim_engine_now(f->e);
    int32_t j = mdl__env_alloc(f, now, false);
    inst *x = &f->in[j];
    x->state = INST_INIT;
    f->live++;
    if (mdl_core_measuring(f->core)) f->life.prewarmed++;
    const mdl_function_cfg *c = f->cfg;
    double init_s = c->has_init ? fmax(0, sim_dist_sample(&c->init, f->life.r_prewarm)) / 1e3 : 0;
    if (init_s > 0)
        sim_engine_after(f->e, init_s, EV_READY, f->comp, pack(j, x->life));
    else
        ready(f, j);
}

/* Environment i reaches its maximum lifetime.  The old one goes first, so a
 * lone environment's replacement is alone when it draws its keep-alive. */
static void retire(fn_rt *f, int32_t i)
{
    inst *x = &f->in[i];
    bool replace = x->replace;
    x->replace = 0;
    x->retire_at = x->prewarm_at = INFINITY;
    if (mdl_core_measuring(f->core)) f->life.recycled++;
    if (x->state == INST_IDLE) {
        idle_unlink(f, i);
        mdl__env_destroy(f, i);
        sweep_arm(f);
    } else {
        x->retiring = 1;    /* busy or in INIT: gone when that ends */
    }
    if (replace) prewarm_start(f);
}

/* Environment i's due deadlines at `now`: its replacement's INIT start,
 * then its retirement. */
static void lc_due(fn_rt *f, int32_t i, double now)
{
    inst *x = &f->in[i];
    if (x->prewarm_at <= now) {
        x->prewarm_at = INFINITY;
        if (x->replace) {
            x->replace = 0;
            prewarm_start(f);       /* may grow f->in: x is not used after */
        }
    }
    if (f->in[i].retire_at <= now) retire(f, i);
}

/* The lifecycle timer: every live environment whose deadline has come, in
 * index order (deadlines are continuous draws: ties do not happen in
 * practice), then the timer re-armed at the earliest deadline left.
 * O(environments of the function) per firing: a function sees about one
 * firing per environment and maximum lifetime. */
static void lc_fire(fn_rt *f, uint32_t gen)
{
    fn_life *lf = &f->life;
    if (gen != lf->lc_gen) return;      /* stale: re-armed earlier since */
    lf->lc_armed = false;
    double now = sim_engine_now(f->e);
    for (int32_t i = 0; i < f->nin; i++) {  /* f->nin may grow (replacements) */
        if (f->in[i].state != INST_FREE && lc_deadline(&f->in[i]) <= now) {
            lc_due(f, i, now);
            mdl__env_levels(f);
        }
    }
    double next = INFINITY;
    for (int32_t i = 0; i < f->nin; i++)
        if (f->in[i].state != INST_FREE) next = fmin(next, lc_deadline(&f->in[i]));
    lc_arm(f, next);
}

void mdl__env_lifecycle_event(fn_rt *f, uint32_t type, uint64_t arg)
{
    if (type == EV_LIFECYCLE) {
        lc_fire(f, (uint32_t)arg);
    } else {
        SIM_ASSERT(type == EV_READY);
        int32_t i = (int32_t)(arg >> 32);
        uint32_t life = (uint32_t)arg;
        SIM_ASSERT(i >= 0 && i < f->nin);
        if (f->in[i].life != life || f->in[i].state == INST_FREE) return;   /* stale */
        ready(f, i);
        mdl__env_levels(f);
    }
}

void mdl__env_results(const fn_rt *f, sim_jw *w)
{
    const fn_life *lf = &f->life;
    double inv = (double)f->invocations;
    sim_jw_int(w, "recycled", (int64_t)lf->recycled);
    sim_jw_int(w, "prewarmed", (int64_t)lf->prewarmed);
    sim_jw_int(w, "prewarmed_first_uses", (int64_t)lf->prewarmed_first_uses);
    sim_jw_int(w, "cold_to_prewarmed", (int64_t)lf->cold_to_prewarmed);
    sim_jw_int(w, "placed_warm", (int64_t)lf->placed_warm);
    /* The data's "cold": the first use of an environment, pre-warmed or not. */
    sim_jw_double(w, "first_use_probability",
                        inv > 0 ? (double)(f->cold_starts + lf->prewarmed_first_uses) / inv : 0);
}
