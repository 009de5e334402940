/* size_synth.h - the synthetic sizing suite shared by test_size.c and
 * bench_size.c: noisy duration curves with a known truth.
 *
 * Each curve is a noise-free duration t(m) (ms) and an optional memory floor
 * (out of memory below it).  Sampling a size draws SYNTH_ROWS invocations with
 * multiplicative log-normal noise (cv SYNTH_CV) from a stream seeded by
 * (seed, memory, batch), so every method sees the same rows for the same
 * size whatever order it samples in.  Regret is measured on the noise-free price:
 * price(recommended) / min over the grid of price - 1.
 */
#ifndef SIZE_SYNTH_H
#define SIZE_SYNTH_H

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "models/sizing/mdl_size.h"
#include "sim/sim_rng.h"

#define SYNTH_ROWS 5
#define SYNTH_CV 0.05

typedef enum {
    SYNTH_CPU1, SYNTH_AMDAHL2, SYNTH_AMDAHL6, SYNTH_EXP, SYNTH_USHAPE, SYNTH_OOM,
    SYNTH_COUNT
} synth_curve;

static const char *const synth_names[SYNTH_COUNT] = {
    "cpu-1769", "amdahl-2", "amdahl-6", "exp-decay", "u-io", "oom-floor"};

/* Visible cores (README "Reference facts", Lambda: limits). */
static inline double synth_cores(double m)
{
    return m <= 3008 ? 2 : m <= 5307 ? 3 : m <= 7076 ? 4 : m <= 8845 ? 5 : 6;
}

/* Amdahl under the CPU share: serial part at min(1, s) vCPU, parallel part
 * at min(s, threads, cores) vCPU. */
static inline double synth_amdahl(double w, double p, double k, double m)
{
    double s = m / 1769.0;
    return w * (1 - p) / fmin(1, s) + w * p / fmin(s, fmin(k, synth_cores(m)));
}

/* Noise-free duration (ms); 0 means out of memory. */
static inline double synth_truth(synth_curve c, double m)
{
    switch (c) {
    case SYNTH_CPU1: return 3000 * 1769 / fmin(m, 1769);
    case SYNTH_AMDAHL2: return synth_amdahl(3000, 0.9, 2, m);
    case SYNTH_AMDAHL6: return synth_amdahl(3000, 0.95, 6, m);
    /* COSE's demo ground truth (README "Reference facts", Sizing), s -> ms. */
    case SYNTH_EXP: return 1000 * (2.673 + 21.889 * pow(1 - 0.005494, m - 128));
    /* Fixed 200 ms of I/O plus CPU work that also pays a memory-pressure
     * penalty (GC, paging) at small sizes: cost falls, then rises. */
    case SYNTH_USHAPE: return 200 + 1000 * 1769 / fmin(m, 1769) * (1 + pow(256 / m, 2));
    case SYNTH_OOM: return m < 700 ? 0 : 50 + 1500 * 1769 / fmin(m, 1769);
    default: return 0;
    }
}

typedef struct synth_ctx {
    synth_curve curve;
    uint64_t seed;
    double rows[SYNTH_ROWS];
    int calls;
} synth_ctx;

static inline sim_status synth_sample(void *ctx, int memory_mb, int batch, const double **d,
                                      size_t *n, sim_error *err)
{
    (void)err;
    synth_ctx *s = ctx;
    s->calls++;
    double t = synth_truth(s->curve, memory_mb);
    if (t <= 0) {
        *n = 0;
        *d = s->rows;
        return SIM_OK;
    }
    /* A repeat draws new rows; the first batch keeps the suite's streams. */
    gsl_rng *r = sim_rng_create(s->seed, (uint64_t)memory_mb + 100000 * (uint64_t)batch,
                                synth_names[s->curve]);
    double sig = sqrt(log(1 + SYNTH_CV * SYNTH_CV));
    for (int i = 0; i < SYNTH_ROWS; i++)
        s->rows[i] = t * gsl_ran_lognormal(r, -0.5 * sig * sig, sig);
    gsl_rng_free(r);
    *d = s->rows;
    *n = SYNTH_ROWS;
    return SIM_OK;
}

/* The sizing rates of the bundled us-east-1 catalogue (tests run from the
 * repository root); false when it cannot be read. */
static inline bool synth_pricer(mdl_size_pricer *p, mdl_arch arch, int granularity_ms)
{
    mdl_catalog *cat = NULL;
    sim_error err;
    bool ok = mdl_catalog_load("data/prices/us-east-1.json", &cat, &err) == SIM_OK &&
              mdl_size_pricer_init(p, cat, arch, granularity_ms, &err) == SIM_OK;
    mdl_catalog_destroy(cat);
    return ok;
}

/* The default grid 128:10240:64. */
static inline size_t synth_grid(int *g)
{
    size_t n = 0;
    for (int m = 128; m <= 10240; m += 64) g[n++] = m;
    return n;
}

/* Noise-free price of a size, for regret. */
static inline double synth_true_price(synth_curve c, mdl_size_pricer *pc, int m)
{
    double t = synth_truth(c, m);
    return t > 0 ? mdl_size_price(pc, m, t) : INFINITY;
}

/* Regret (fraction) of a recommended size against the grid's true optimum. */
static inline double synth_regret(synth_curve c, mdl_size_pricer *pc, const int *g, size_t n,
                                  int rec)
{
    double best = INFINITY;
    for (size_t i = 0; i < n; i++) best = fmin(best, synth_true_price(c, pc, g[i]));
    return synth_true_price(c, pc, rec) / best - 1;
}

#endif /* SIZE_SYNTH_H */
