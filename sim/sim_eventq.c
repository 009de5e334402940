/* sim_eventq.c - binary-heap future event list with lazy cancellation.
 *
 * Sifting moves a "hole" instead of swapping (cimba), so each level costs one
 * 32-byte copy, and the comparison is inlined rather than called through a
 * pointer.  See sim_eventq.h for the cost model.
 *
 * A pop leaves the root vacant (`root_taken`) instead of removing it at
 * once: a simulation's handler usually schedules an event right after the
 * pop, and that push then drops into the root and sifts down once, where
 * removing the root first (moving the last leaf up and sifting it down the
 * whole height) and then pushing (a sift-up, all the way for a near-term
 * event) would cost two passes.  Whatever needs the top without a push
 * (peek, the next pop) removes the vacant root first.  The order of events
 * is the heap's, exactly: only the work changes.
 *
 * Events due more than SIM_EVENTQ_FAR_S after the last pop go to a second
 * heap, `far`.  A simulation's pending events are mostly far timers (one
 * keep-alive or lifetime timer per function, minutes to hours ahead) and a
 * few near ones (arrivals, invocations ending); in one heap the timers
 * made it tens of thousands deep and every pop sifted through them (the
 * hottest function with 10,000 functions: 12 %).  Apart, the near heap
 * stays small and cache-resident, a far push sifts up from a leaf (a
 * timer is usually later than its parent), and a far pop happens once per
 * timer.  A pop takes the earlier of the two tops, so the order is still
 * (t, seq), whatever went where.
 */
#include "sim/sim_eventq.h"
#include "sim/sim_status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* "Far" for the split above: beyond any invocation of the bundled
 * configs but their 900 s timeouts, below the 600 s keep-alive timers. */
#define SIM_EVENTQ_FAR_S 60.0

struct sim_eventq {
    sim_event *heap;
    size_t n, cap;              /* entries, including a vacant root */
    bool root_taken;            /* heap[0] was popped: vacant, not yet removed */
    sim_event *far;             /* events due after last_t + SIM_EVENTQ_FAR_S when pushed */
    size_t nfar, capfar;
    double last_t;              /* the time of the last pop */
    uint64_t next_seq;
    /* Lazy-cancel set: linear probing over handles + 1 (0 = empty slot). */
    uint64_t *cset;
    size_t cset_n, cset_cap;
    bool paranoid;
};

static inline bool ev_before(const sim_event *a, const sim_event *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

sim_eventq *sim_eventq_create(size_t initial_capacity)
{
    sim_eventq *q = sim_xcalloc(1, sizeof *q);
    q->cap = initial_capacity ? initial_capacity : 64;
    q->heap = sim_xmalloc(q->cap * sizeof *q->heap);
    q->capfar = 64;
    q->far = sim_xmalloc(q->capfar * sizeof *q->far);
    q->last_t = -INFINITY;
    return q;
}

void sim_eventq_destroy(sim_eventq *q)
{
    if (!q)
        return;
    free(q->heap);
    free(q->far);
    free(q->cset);
    free(q);
}

void sim_eventq_clear(sim_eventq *q)
{
    q->n = 0;
    q->nfar = 0;
    q->last_t = -INFINITY;
    q->root_taken = false;
    if (q->cset)
        memset(q->cset, 0, q->cset_cap * sizeof *q->cset);
    q->cset_n = 0;
}

/* Inlined into each caller: with two heaps, sift_up has two call sites and
 * GCC would otherwise call it, which cost the push path ~4 % of a
 * single-function run (perf, bench_lambda's Azure day). */
#define SIM_EVENTQ_INLINE static inline __attribute__((always_inline))

SIM_EVENTQ_INLINE void sift_up(sim_event *h, size_t i, sim_event ev)
{
    while (i > 0) {
        size_t p = (i - 1) >> 1;
        if (!ev_before(&ev, &h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = ev;
}

SIM_EVENTQ_INLINE void sift_down(sim_event *h, size_t n, size_t i, sim_event ev)
{
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        size_t c = l;
        if (l + 1 < n && ev_before(&h[l + 1], &h[l]))
            c = l + 1;
        if (!ev_before(&h[c], &ev))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = ev;
}

sim_handle sim_eventq_push(sim_eventq *q, double t, uint32_t type,
                           uint32_t target, uint64_t arg)
{
    sim_event ev = { t, q->next_seq++, type, target, arg };
    if (t > q->last_t + SIM_EVENTQ_FAR_S) {
        if (q->nfar == q->capfar) {
            q->capfar *= 2;
            q->far = sim_xrealloc(q->far, q->capfar * sizeof *q->far);
        }
        sift_up(q->far, q->nfar++, ev);
        return ev.seq;
    }
    if (q->n == q->cap) {
        q->cap *= 2;
        q->heap = sim_xrealloc(q->heap, q->cap * sizeof *q->heap);
    }
    if (q->root_taken) {
        q->root_taken = false;        /* into the vacant root */
        sift_down(q->heap, q->n, 0, ev);
    } else {
        sift_up(q->heap, q->n++, ev);
    }
    return ev.seq;
}

/* ---- the cancel set ----------------------------------------------------- */

static inline size_t cset_hash(uint64_t key, size_t mask)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (size_t)key & mask;
}

static void cset_insert(sim_eventq *q, uint64_t key);

static void cset_grow(sim_eventq *q)
{
    size_t old_cap = q->cset_cap;
    uint64_t *old = q->cset;
    q->cset_cap = old_cap ? old_cap * 2 : 64;
    q->cset = sim_xcalloc(q->cset_cap, sizeof *q->cset);
    q->cset_n = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            cset_insert(q, old[i]);
    free(old);
}

static void cset_insert(sim_eventq *q, uint64_t key)
{
    if ((q->cset_n + 1) * 2 > q->cset_cap)
        cset_grow(q);
    size_t mask = q->cset_cap - 1;
    size_t i = cset_hash(key, mask);
    while (q->cset[i]) {
        if (q->cset[i] == key)
            return;
        i = (i + 1) & mask;
    }
    q->cset[i] = key;
    q->cset_n++;
}

/* Remove key if present (backward-shift deletion keeps probing exact).
 * Returns true when it was present. */
static bool cset_take(sim_eventq *q, uint64_t key)
{
    size_t mask = q->cset_cap - 1;
    size_t i = cset_hash(key, mask);
    while (q->cset[i] != key) {
        if (!q->cset[i])
            return false;
        i = (i + 1) & mask;
    }
    size_t j = i;
    for (;;) {
        q->cset[i] = 0;
        for (;;) {
            j = (j + 1) & mask;
            if (!q->cset[j]) {
                q->cset_n--;
                return true;
            }
            size_t home = cset_hash(q->cset[j], mask);
            /* Move j back to i unless its home lies cyclically in (i, j]. */
            if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
                break;
        }
        q->cset[i] = q->cset[j];
        i = j;
    }
}

void sim_eventq_cancel(sim_eventq *q, sim_handle h)
{
    SIM_ASSERT(h < q->next_seq);
    if (q->paranoid) {
        bool found = false;
        for (size_t i = q->root_taken; i < q->n && !found; i++)
            found = q->heap[i].seq == h;
        for (size_t i = 0; i < q->nfar && !found; i++)
            found = q->far[i].seq == h;
        SIM_ASSERT(found);
    }
    cset_insert(q, h + 1);
}

size_t sim_eventq_size(const sim_eventq *q)
{
    return q->n + q->nfar - q->root_taken - q->cset_n;
}

int sim_eventq_next_candidates(const sim_eventq *q, const sim_event *out[2])
{
    int k = 0;
    size_t first = q->root_taken ? 1 : 0, last = q->root_taken ? 2 : 0;
    for (size_t i = first; i <= last && i < q->n; i++) out[k++] = &q->heap[i];
    return k;
}

void sim_eventq_set_paranoid(sim_eventq *q, bool on) { q->paranoid = on; }

/* ---- pop ---------------------------------------------------------------- */

static inline void remove_top(sim_eventq *q)
{
    sim_event last = q->heap[--q->n];
    if (q->n)
        sift_down(q->heap, q->n, 0, last);
}

/* Remove a vacant root left by the last pop. */
static inline void settle(sim_eventq *q)
{
    if (q->root_taken) {
        q->root_taken = false;
        remove_top(q);
    }
}

static void far_remove_top(sim_eventq *q)
{
    sim_event last = q->far[--q->nfar];
    if (q->nfar)
        sift_down(q->far, q->nfar, 0, last);
}

/* The heap whose top is the earliest pending entry (cancelled or not):
 * true for far.  The near heap's vacant root is settled first. */
static inline bool far_first(sim_eventq *q)
{
    settle(q);
    return q->nfar && (q->n == 0 || ev_before(&q->far[0], &q->heap[0]));
}

bool sim_eventq_pop_until(sim_eventq *q, double t_end, sim_event *out)
{
    for (;;) {
        if (far_first(q)) {
            if (q->cset_n && cset_take(q, q->far[0].seq + 1)) {
                far_remove_top(q);      /* a cancelled event: discard it */
                continue;
            }
            if (!(q->far[0].t <= t_end))
                return false;
            *out = q->far[0];
            far_remove_top(q);
        } else {
            if (!q->n)
                return false;
            if (q->cset_n && cset_take(q, q->heap[0].seq + 1)) {
                q->root_taken = true;   /* a cancelled event: discard it */
                continue;
            }
            if (!(q->heap[0].t <= t_end))
                return false;
            *out = q->heap[0];
            q->root_taken = true;
        }
        q->last_t = out->t;
        return true;
    }
}

bool sim_eventq_pop(sim_eventq *q, sim_event *out)
{
    return sim_eventq_pop_until(q, INFINITY, out);
}

bool sim_eventq_peek(sim_eventq *q, sim_event *out)
{
    for (;;) {
        bool far = far_first(q);
        sim_event *top = far ? &q->far[0] : &q->heap[0];
        if (!far && !q->n)
            return false;
        if (q->cset_n && cset_take(q, top->seq + 1)) {
            if (far) far_remove_top(q);
            else remove_top(q);
            continue;
        }
        *out = *top;
        return true;
    }
}
