/* test_eventq.c - the future event list against a sorted reference.
 *
 * A property test: random sequences of push, pop and cancel, with many
 * equal times (ties) and cancellations, checked step by step against a
 * brute-force reference that keeps all pending events in an array and pops
 * the (time, seq) minimum.  Times reach past the queue's far-heap
 * threshold (sim_eventq.c), so both heaps and their ties are exercised.
 */
#include "sim/sim_engine.h"
#include "sim/sim_eventq.h"
#include "sim/sim_rng.h"
#include "tests/check.h"

#include <stdlib.h>
#include <string.h>

typedef struct ref_ev {
    double t;
    uint64_t seq;
    uint64_t arg;
    int live;
} ref_ev;

static int ref_min(const ref_ev *r, size_t n)
{
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!r[i].live) continue;
        if (best < 0 || r[i].t < r[best].t ||
            (r[i].t == r[best].t && r[i].seq < r[best].seq))
            best = (int)i;
    }
    return best;
}

static void property_test(uint64_t seed, int steps, int tie_levels, double step)
{
    gsl_rng *r = sim_rng_create(seed, 0, "eventq-test");
    sim_eventq *q = sim_eventq_create(4);
    sim_eventq_set_paranoid(q, true);
    ref_ev *ref = calloc((size_t)steps + 1, sizeof *ref);
    size_t nref = 0, live = 0;
    double now = 0;
    int mismatches = 0, size_bad = 0;
    for (int s = 0; s < steps; s++) {
        double u = gsl_rng_uniform(r);
        if (u < 0.5 || live == 0) {
            /* Times drawn from a few levels ahead of now create many ties. */
            double t = now + step * (double)gsl_rng_uniform_int(r, (unsigned long)tie_levels);
            uint64_t arg = gsl_rng_get(r);
            sim_handle h = sim_eventq_push(q, t, 1, 0, arg);
            ref[nref] = (ref_ev){ t, h, arg, 1 };
            nref++;
            live++;
        } else if (u < 0.65) {
            /* Cancel a random live event. */
            size_t k = gsl_rng_uniform_int(r, nref);
            for (size_t j = 0; j < nref; j++) {
                size_t i = (k + j) % nref;
                if (ref[i].live) {
                    sim_eventq_cancel(q, ref[i].seq);
                    ref[i].live = 0;
                    live--;
                    break;
                }
            }
        } else if (u < 0.72) {
            /* Peek: the minimum, left in place (also right after a pop,
             * whose root the queue removes lazily). */
            sim_event ev;
            int m = ref_min(ref, nref);
            bool got = sim_eventq_peek(q, &ev);
            if (!got || m < 0 || ev.seq != ref[m].seq || ev.t != ref[m].t)
                mismatches++;
        } else if (u < 0.80) {
            /* Pop only if due by a horizon: the minimum if it is, else nothing. */
            sim_event ev;
            int m = ref_min(ref, nref);
            double horizon = now + step * (double)gsl_rng_uniform_int(r, (unsigned long)tie_levels);
            bool due = m >= 0 && ref[m].t <= horizon;
            bool got = sim_eventq_pop_until(q, horizon, &ev);
            if (got != due || (got && (ev.seq != ref[m].seq || ev.t != ref[m].t)))
                mismatches++;
            if (got) {
                now = ref[m].t;
                ref[m].live = 0;
                live--;
            }
        } else {
            sim_event ev;
            int m = ref_min(ref, nref);
            bool got = sim_eventq_pop(q, &ev);
            if (!got || m < 0 || ev.seq != ref[m].seq || ev.t != ref[m].t ||
                ev.arg != ref[m].arg)
                mismatches++;
            if (m >= 0) {
                now = ref[m].t;
                ref[m].live = 0;
                live--;
            }
        }
        if (sim_eventq_size(q) != live)
            size_bad++;
    }
    /* Drain: the rest must come out in reference order too. */
    sim_event ev;
    while (live) {
        int m = ref_min(ref, nref);
        if (!sim_eventq_pop(q, &ev) || ev.seq != ref[m].seq)
            mismatches++;
        ref[m].live = 0;
        live--;
    }
    CHECK(!sim_eventq_pop(q, &ev), "queue empty after drain (seed %llu)",
          (unsigned long long)seed);
    CHECK(mismatches == 0, "seed %llu: %d pops differ from the reference",
          (unsigned long long)seed, mismatches);
    CHECK(size_bad == 0, "seed %llu: size wrong %d times", (unsigned long long)seed, size_bad);
    free(ref);
    sim_eventq_destroy(q);
    gsl_rng_free(r);
}

static void fifo_ties(void)
{
    sim_eventq *q = sim_eventq_create(0);
    for (int i = 0; i < 1000; i++)
        sim_eventq_push(q, 5.0, 0, 0, (uint64_t)i);
    sim_event ev;
    int order_ok = 1;
    for (int i = 0; i < 1000; i++)
        order_ok &= sim_eventq_pop(q, &ev) && ev.arg == (uint64_t)i;
    CHECK(order_ok, "1000 events at the same time pop in FIFO order");
    sim_eventq_destroy(q);
}

static void cancel_all_then_peek(void)
{
    sim_eventq *q = sim_eventq_create(0);
    sim_handle h[100];
    for (int i = 0; i < 100; i++)
        h[i] = sim_eventq_push(q, (double)(i % 7), 0, 0, 0);
    for (int i = 0; i < 100; i++)
        sim_eventq_cancel(q, h[i]);
    sim_event ev;
    CHECK(sim_eventq_size(q) == 0, "size 0 after cancelling all, got %zu", sim_eventq_size(q));
    CHECK(!sim_eventq_peek(q, &ev), "peek on an all-cancelled queue finds nothing");
    CHECK(!sim_eventq_pop(q, &ev), "pop on an all-cancelled queue finds nothing");
    sim_eventq_push(q, 1.0, 0, 0, 42);
    CHECK(sim_eventq_pop(q, &ev) && ev.arg == 42, "queue usable after mass cancel");
    sim_eventq_destroy(q);
}

/* Engine dispatch: events reach their component in time order and the
 * clock follows them; run stops at t_end and sets the clock there. */
typedef struct recorder {
    double times[16];
    int n;
} recorder;

static void rec_on_event(sim_engine *e, void *self, const sim_event *ev)
{
    recorder *r = self;
    r->times[r->n++] = sim_engine_now(e);
    if (ev->type == 1 && r->n < 4)
        sim_engine_after(e, 0.5, 1, ev->target, 0);
}

static void engine_dispatch(void)
{
    static const sim_component_ops ops = { "recorder", rec_on_event, NULL };
    sim_engine *e = sim_engine_create(1, 0);
    recorder r = { {0}, 0 };
    uint32_t id = sim_engine_add_component(e, &ops, &r);
    sim_engine_at(e, 2.0, 0, id, 0);
    sim_engine_at(e, 1.0, 1, id, 0);
    sim_engine_at(e, 10.0, 0, id, 0);
    uint64_t n = sim_engine_run(e, 5.0);
    /* 1.0 re-arms 1.5, which re-arms 2.0 (after the original 2.0: FIFO),
     * which stops re-arming at the fourth event. */
    CHECK(n == 4, "4 events before t=5, got %llu", (unsigned long long)n);
    CHECK(r.n == 4 && r.times[0] == 1.0 && r.times[1] == 1.5 && r.times[2] == 2.0 &&
          r.times[3] == 2.0, "dispatch order 1,1.5,2,2 (got n=%d)", r.n);
    CHECK(sim_engine_now(e) == 5.0, "clock at t_end, got %g", sim_engine_now(e));
    CHECK(sim_engine_pending(e) == 1, "the t=10 event is still pending");
    sim_engine_destroy(e);
}

/* Named streams: a name always gives the same stream, whatever was made
 * in between, and each draws exactly as sim_rng_create's stream of that
 * name (the seeding rule: seed, replication, hash of the name). */
static void engine_streams(void)
{
    enum { N = 30000 };
    sim_engine *e = sim_engine_create(7, 3);
    gsl_rng **r = malloc(N * sizeof *r);
    char name[64];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "functions.f%d/warm", i);
        r[i] = sim_engine_rng(e, name);
    }
    int same = 0, draws = 0, distinct = 0;
    for (int i = 0; i < N; i += 7) {
        snprintf(name, sizeof name, "functions.f%d/warm", i);
        same += sim_engine_rng(e, name) == r[i];
        gsl_rng *ref = sim_rng_create(7, 3, name);
        int eq = 1;
        for (int k = 0; k < 4; k++) eq &= gsl_rng_get(r[i]) == gsl_rng_get(ref);
        draws += eq;
        distinct += i == 0 || r[i] != r[i - 7];
        gsl_rng_free(ref);
    }
    int checked = (N + 6) / 7;
    CHECK(same == checked, "a name finds its stream again (%d of %d)", same, checked);
    CHECK(draws == checked, "streams draw as sim_rng_create's (%d of %d)", draws, checked);
    CHECK(distinct == checked, "distinct names, distinct streams (%d of %d)", distinct, checked);
    /* A name that differs only in its last character is another stream. */
    CHECK(sim_engine_rng(e, "a/b1") != sim_engine_rng(e, "a/b2"), "a/b1 and a/b2 differ");
    CHECK(sim_engine_rng(e, "a/b1") == sim_engine_rng(e, "a/b1"), "a/b1 is found again");
    free(r);
    sim_engine_destroy(e);
}

int main(void)
{
    for (uint64_t seed = 1; seed <= 20; seed++)
        property_test(seed, 4000, seed % 2 ? 3 : 1000, 1.0);
    property_test(99, 200000, 50, 1.0);
    /* Times 0, 15, 30, ... 600 s ahead: events on both sides of the far
     * heap's threshold (60 s after the last pop), and equal times in both
     * heaps (pushed near and far at different moments), tied by seq. */
    for (uint64_t seed = 21; seed <= 30; seed++)
        property_test(seed, 20000, 41, 15.0);
    fifo_ties();
    cancel_all_then_peek();
    engine_dispatch();
    engine_streams();
    return check_report("eventq");
}
