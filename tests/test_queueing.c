/* test_queueing.c - M/M/1 and M/M/c built on the engine vs Erlang C.
 *
 * A whole little model (Poisson source, c servers, FIFO queue) runs on
 * sim_engine with its own RNG streams.  The simulated mean wait Wq and
 * P(wait) must be within 2% of the closed forms (README "Reference facts",
 * Queueing).  Batch means give the standard
 * error; the test also asserts that 2% is at least 3 standard errors, so
 * a pass is statistically meaningful and not luck of a short run.
 */
#include "sim/sim_engine.h"
#include "sim/sim_rng.h"
#include "tests/check.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>

enum { EV_ARRIVAL, EV_DEPARTURE };

#define BATCHES 40

typedef struct mmc {
    double lambda, mu;
    int c, busy;
    gsl_rng *arr, *svc;
    uint32_t id;
    /* FIFO of waiting customers' arrival times (ring buffer). */
    double *q;
    size_t qcap, qhead, qlen;
    /* Statistics after warm-up. */
    long warm, seen, served, waited;
    long total;
    double sum_wq;
    double batch_sum[BATCHES];
    long batch_n[BATCHES];
} mmc;

static void record(mmc *m, double wq)
{
    m->seen++;
    if (m->seen <= m->warm) return;
    long k = m->seen - m->warm - 1;
    long per = (m->total - m->warm) / BATCHES;
    long b = k / per;
    if (b >= BATCHES) return;
    m->served++;
    m->sum_wq += wq;
    m->waited += wq > 0;
    m->batch_sum[b] += wq;
    m->batch_n[b]++;
}

static void start_service(sim_engine *e, mmc *m)
{
    m->busy++;
    sim_engine_after(e, gsl_ran_exponential(m->svc, 1.0 / m->mu), EV_DEPARTURE, m->id, 0);
}

static void on_event(sim_engine *e, void *self, const sim_event *ev)
{
    mmc *m = self;
    double now = sim_engine_now(e);
    if (ev->type == EV_ARRIVAL) {
        if (m->busy < m->c) {
            record(m, 0.0);
            start_service(e, m);
        } else {
            if (m->qlen == m->qcap) {
                double *nq = malloc(2 * m->qcap * sizeof *nq);
                for (size_t i = 0; i < m->qlen; i++)
                    nq[i] = m->q[(m->qhead + i) % m->qcap];
                free(m->q);
                m->q = nq;
                m->qhead = 0;
                m->qcap *= 2;
            }
            m->q[(m->qhead + m->qlen++) % m->qcap] = now;
        }
        if (m->seen + (long)m->qlen < m->total)
            sim_engine_after(e, gsl_ran_exponential(m->arr, 1.0 / m->lambda), EV_ARRIVAL,
                             m->id, 0);
    } else {
        m->busy--;
        if (m->qlen) {
            double t0 = m->q[m->qhead];
            m->qhead = (m->qhead + 1) % m->qcap;
            m->qlen--;
            record(m, now - t0);
            start_service(e, m);
        }
    }
}

static double erlang_b(double a, int c)
{
    double b = 1.0;
    for (int k = 1; k <= c; k++) b = a * b / (k + a * b);
    return b;
}

static void run_case(double lambda, double mu, int c, double want_pw, double want_wq,
                     long customers)
{
    static const sim_component_ops ops = { "mmc", on_event, NULL };
    char name[64];
    snprintf(name, sizeof name, "M/M/%d rho=%.2f", c, lambda / (c * mu));
    /* The table's values must agree with our own Erlang C (a typo guard). */
    double a = lambda / mu, rho = a / c, B = erlang_b(a, c);
    double C = B / (1 - rho + rho * B);
    CHECK_REL(C, want_pw, 1e-5, "Erlang C P(wait) vs reference table");
    CHECK_REL(C / (c * mu - lambda), want_wq, 1e-5, "Erlang C Wq vs reference table");

    sim_engine *e = sim_engine_create(20261123, 0);
    mmc m;
    memset(&m, 0, sizeof m);
    m.lambda = lambda;
    m.mu = mu;
    m.c = c;
    m.arr = sim_engine_rng(e, "mmc/arrivals");
    m.svc = sim_engine_rng(e, "mmc/service");
    m.qcap = 1024;
    m.q = malloc(m.qcap * sizeof *m.q);
    m.total = customers;
    m.warm = customers / 100;
    m.id = sim_engine_add_component(e, &ops, &m);
    sim_engine_at(e, 0.0, EV_ARRIVAL, m.id, 0);
    sim_engine_run(e, INFINITY);

    double wq = m.sum_wq / m.served, pw = (double)m.waited / m.served;
    double bm = 0, bv = 0;
    for (int b = 0; b < BATCHES; b++) bm += m.batch_sum[b] / m.batch_n[b];
    bm /= BATCHES;
    for (int b = 0; b < BATCHES; b++) {
        double d = m.batch_sum[b] / m.batch_n[b] - bm;
        bv += d * d;
    }
    double se = sqrt(bv / (BATCHES - 1) / BATCHES);
    CHECK(0.02 * want_wq >= 3 * se, "%s: run too short: 2%% of Wq (%.4g) < 3 s.e. (%.4g)",
          name, 0.02 * want_wq, 3 * se);
    CHECK_REL(wq, want_wq, 0.02, name);
    CHECK_REL(pw, want_pw, 0.02, name);
    printf("%s: Wq %.5f (want %.5f, s.e. %.5f), P(wait) %.5f (want %.5f)\n", name, wq,
           want_wq, se, pw, want_pw);
    free(m.q);
    sim_engine_destroy(e);
}

int main(void)
{
    /* lambda, mu, c, P(wait), Wq (README "Reference facts", Queueing). */
    run_case(0.5, 1, 1, 0.5, 1.0, 2000000);
    run_case(2, 1, 3, 0.444444, 0.444444, 3000000);
    run_case(8, 1, 10, 0.409180, 0.204590, 10000000);
    run_case(9, 1, 10, 0.668732, 0.668732, 20000000);
    return check_report("queueing");
}
