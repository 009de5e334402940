/* bench_eventq.c - the hold model on the future event list.
 *
 * Classic hold benchmark (Jones 1986): fill the queue with n events, then
 * repeatedly pop the minimum and push it back at now + Exp(1).  One log()
 * per operation is included, as a real model draws its delays.  Prints
 * "BENCH eventq_hold_<n> <events/s> events/s".  The best of 3 runs is
 * reported because the machine is shared.
 */
#include "sim/sim_eventq.h"
#include "sim/sim_io.h"
#include "sim/sim_rng.h"

#include <math.h>
#include <stdio.h>

static double hold(size_t n, long ops)
{
    gsl_rng *r = sim_rng_create(1, 0, "bench-hold");
    sim_eventq *q = sim_eventq_create(n + 16);
    for (size_t i = 0; i < n; i++)
        sim_eventq_push(q, -log(gsl_rng_uniform_pos(r)), 0, 0, i);
    sim_event ev;
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = sim_wall_seconds();
        for (long k = 0; k < ops; k++) {
            sim_eventq_pop(q, &ev);
            sim_eventq_push(q, ev.t - log(gsl_rng_uniform_pos(r)), 0, 0, ev.arg);
        }
        double rate = (double)ops / (sim_wall_seconds() - t0);
        if (rate > best) best = rate;
    }
    sim_eventq_destroy(q);
    gsl_rng_free(r);
    return best;
}

int main(void)
{
    printf("BENCH eventq_hold_1k %.3g events/s\n", hold(1000, 5000000));
    printf("BENCH eventq_hold_100k %.3g events/s\n", hold(100000, 3000000));
    printf("BENCH eventq_hold_1m %.3g events/s\n", hold(1000000, 3000000));
    return 0;
}
