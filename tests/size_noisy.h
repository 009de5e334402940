/* size_noisy.h - the noisy sizing suite (issue 18) shared by test_size.c and
 * bench_size.c: synthetic curves with realistic noise, and the real SeBS
 * measurements.
 *
 * Synthetic curves.  Curve k of a set is drawn from the set's seed, so the
 * tuning set (NOISY_TUNE_SEED) and the held-out set (NOISY_HOLDOUT_SEED) are
 * different curves from the same family.  A curve is
 *     t(m) = io + W g(m) (1 + (gc/m)^2),
 *     g(m) = ((knee/m)^(alpha s) + (knee/m)^(tau s))^(1/s),
 * a soft knee (sharpness s) between a CPU-bound slope alpha below the knee
 * and a tail slope tau above it (0: flat; > 0: a multi-threaded function
 * that keeps gaining), with I/O time io, an optional memory-pressure term
 * (GC, paging; gc MB) and an optional out-of-memory floor.  Ranges, per
 * issue 18: knees at 512-2048 MB, flat tails, OOM floors at 192-1024 MB.
 *
 * Noise.  Measured durations flatten past the knee and then wander by
 * +-5-10% from size to size with no trend: every batch (one Power Tuning
 * run of NOISY_ROWS invocations at one size) has its own multiplicative
 * offset exp(b), b ~ N(0, batch_sd^2) with batch_sd in 2.5-5%, on top of
 * per-invocation log-normal noise (cv 3-12%) and 2% outliers 1.5-3x slower
 * (cold-ish, noisy neighbours).  A repeat at the same size draws a new
 * batch, so only averaging, never one batch's own spread, reveals the
 * wander.  Regret is measured on the noise-free curve.
 *
 * COSE's curves.  The fitted duration curves of seven real functions
 * (Akhtar et al., INFOCOM 2020: an image-processing and a PPE-detection
 * chain) with the same noise: real shapes whose truth is known.
 *
 * Real tables.  The SeBS AWS Lambda runs (data/sizing/, README there):
 * 210 thumbnailer and 411 ResNet-50, warm and cold, every invocation; each
 * run shuffles a size's rows with its seed and serves them NOISY_ROWS at a
 * time; regret is against the whole table (trimmed mean price of all rows
 * at each size, 1-ms billing).  And the per-size medians of all six SeBS
 * benchmarks, warm and cold (one row a size, no noise to shuffle).
 */
#ifndef SIZE_NOISY_H
#define SIZE_NOISY_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "models/sizing/mdl_size.h"
#include "models/sizing/mdl_size_oracle.h"
#include "sim/sim_rng.h"

#define NOISY_ROWS 10          /* invocations per batch (Power Tuning: num >= 5, 10 advised) */
#define NOISY_CURVES 40        /* curves per set */
#define NOISY_TUNE_SEED 1      /* the set the methods were tuned on */
#define NOISY_HOLDOUT_SEED 2   /* generated from another seed, never tuned on */
#define NOISY_COSE_SEED 3      /* the noise of COSE's curves (never tuned on either) */
#define NOISY_COSE_N 7

typedef struct noisy_curve {
    double io_ms, work_ms;     /* t = io + W g(m) ... */
    double knee_mb, alpha, tau, sharp;
    double gc_mb;              /* memory-pressure scale, 0: none */
    double floor_mb;           /* out of memory below, 0: none */
    double batch_sd;           /* sd of a batch's log offset */
    double inv_cv;             /* per-invocation cv */
    const double *table;       /* a measured curve on noisy_grid (ms), or NULL */
} noisy_curve;

/* The grid of the measurements: 128-3008 MB in 64 MB steps (46
 * sizes, Power Tuning's "ALL"). */
static inline size_t noisy_grid(int *g)
{
    size_t n = 0;
    for (int m = 128; m <= 3008; m += 64) g[n++] = m;
    return n;
}

static inline double noisy_logu(gsl_rng *r, double lo, double hi)
{
    return exp(log(lo) + gsl_rng_uniform(r) * (log(hi) - log(lo)));
}

/* Curve k of the set drawn from set_seed. */
static inline void noisy_curve_draw(uint64_t set_seed, int k, noisy_curve *c)
{
    gsl_rng *r = sim_rng_create(set_seed, (uint64_t)k, "noisy-curve");
    double flat = noisy_logu(r, 50, 5000);            /* duration far past the knee, ms */
    double io_frac = 0.6 * gsl_rng_uniform(r);
    c->io_ms = io_frac * flat;
    c->work_ms = (1 - io_frac) * flat;
    c->knee_mb = noisy_logu(r, 512, 2048);
    c->alpha = 0.7 + 0.3 * gsl_rng_uniform(r);
    c->tau = gsl_rng_uniform(r) < 0.6 ? 0 : 0.1 + 0.4 * gsl_rng_uniform(r);
    c->sharp = 2 + 6 * gsl_rng_uniform(r);
    c->gc_mb = gsl_rng_uniform(r) < 0.3 ? 128 + 172 * gsl_rng_uniform(r) : 0;
    c->floor_mb = gsl_rng_uniform(r) < 0.3 ? noisy_logu(r, 192, 1024) : 0;
    c->batch_sd = 0.025 + 0.025 * gsl_rng_uniform(r);
    c->inv_cv = 0.03 + 0.09 * gsl_rng_uniform(r);
    c->table = NULL;
    gsl_rng_free(r);
}

/* Noise-free duration (ms); 0 means out of memory. */
static inline double noisy_truth(const noisy_curve *c, double m)
{
    if (c->table) return c->table[((int)m - 128) / 64];
    if (m < c->floor_mb) return 0;
    double q = c->knee_mb / m, s = c->sharp;
    double g = pow(pow(q, c->alpha * s) + pow(q, c->tau * s), 1 / s);
    double gc = c->gc_mb > 0 ? 1 + pow(c->gc_mb / m, 2) : 1;
    return c->io_ms + c->work_ms * g * gc;
}

typedef struct noisy_ctx {
    const noisy_curve *c;
    uint64_t seed;
    double rows[NOISY_ROWS];
    int calls;
} noisy_ctx;

/* A batch: its own offset, then NOISY_ROWS invocations; the stream is
 * (seed, memory, batch), so every method sees the same batches. */
static inline sim_status noisy_sample(void *ctx, int memory_mb, int batch, const double **d,
                                      size_t *n, sim_error *err)
{
    (void)err;
    noisy_ctx *s = ctx;
    s->calls++;
    *d = s->rows;
    *n = 0;
    double t = noisy_truth(s->c, memory_mb);
    if (t <= 0) return SIM_OK;
    gsl_rng *r = sim_rng_create(s->seed, (uint64_t)memory_mb * 64 + (uint64_t)batch, "noisy-batch");
    double off = gsl_ran_gaussian(r, s->c->batch_sd);
    double sig = sqrt(log(1 + s->c->inv_cv * s->c->inv_cv));
    for (int i = 0; i < NOISY_ROWS; i++) {
        double x = t * exp(off) * gsl_ran_lognormal(r, -0.5 * sig * sig, sig);
        if (gsl_rng_uniform(r) < 0.02) x *= 1.5 + 1.5 * gsl_rng_uniform(r);
        s->rows[i] = x;
    }
    gsl_rng_free(r);
    *n = NOISY_ROWS;
    return SIM_OK;
}

/* Regret (fraction) of point bi among pts (the truth, or the whole table):
 * its objective over the best's, balanced maxima over the sizes that run. */
static inline double noisy_pts_regret(const mdl_size_point *pts, size_t n, mdl_size_strategy st,
                                      double w, int bi)
{
    int best = mdl_size_pick(pts, n, st, w);
    if (bi < 0 || best < 0 || pts[bi].failed) return INFINITY;
    double maxp = 0, maxd = 0;
    for (size_t i = 0; i < n; i++)
        if (!pts[i].failed) {
            maxp = fmax(maxp, pts[i].price_usd);
            maxd = fmax(maxd, pts[i].duration_ms);
        }
    double ww = fmin(fmax(w, 0), 1);
#define NOISY_OBJ(p) (st == MDL_SIZE_COST ? (p).price_usd : st == MDL_SIZE_SPEED ? (p).duration_ms \
                      : ww * (p).price_usd / maxp + (1 - ww) * (p).duration_ms / maxd)
    double reg = NOISY_OBJ(pts[bi]) / NOISY_OBJ(pts[best]) - 1;
#undef NOISY_OBJ
    return reg;
}

/* Regret (fraction) of a pick on the noise-free curve.  Objective: the
 * strategy's, with balanced maxima over the sizes that run. */
static inline double noisy_regret(const noisy_curve *c, mdl_size_pricer *pc, const int *g, size_t n,
                                  mdl_size_strategy st, double w, int rec)
{
    mdl_size_point pts[256];
    int bi = -1;
    for (size_t i = 0; i < n; i++) {
        double t = noisy_truth(c, g[i]);
        memset(&pts[i], 0, sizeof pts[i]);
        pts[i].memory_mb = g[i];
        pts[i].failed = t <= 0;
        pts[i].duration_ms = t;
        pts[i].price_usd = t > 0 ? mdl_size_price(pc, g[i], t) : 0;
        if (g[i] == rec) bi = (int)i;
    }
    return noisy_pts_regret(pts, n, st, w, bi);
}

/* ---- COSE's curves ------------------------------------------------------ */

/* COSE's fitted curves of real functions (data/sizing/cose_curves_grid64.csv:
 * the image-processing chain f1-f4 and the PPE-detection chain f1-f3 on the
 * core cloud), on noisy_grid; each gets the noise of curve k of
 * NOISY_COSE_SEED.  tab holds NOISY_COSE_N x 46 values; false when absent. */
static inline bool noisy_cose_load(double tab[NOISY_COSE_N][46], noisy_curve c[NOISY_COSE_N])
{
    FILE *fp = fopen("data/sizing/cose_curves_grid64.csv", "r");
    if (!fp) return false;
    char line[512];
    int row = 0;
    bool ok = fgets(line, sizeof line, fp) != NULL;
    while (ok && row < 46 && fgets(line, sizeof line, fp)) {
        char *p = strchr(line, ',');
        for (int k = 0; k < NOISY_COSE_N && p; k++) {
            tab[k][row] = strtod(p + 1, &p);
            ok &= tab[k][row] > 0;
        }
        row++;
    }
    fclose(fp);
    for (int k = 0; k < NOISY_COSE_N; k++) {
        noisy_curve_draw(NOISY_COSE_SEED, k, &c[k]);
        c[k].table = tab[k];
    }
    return ok && row == 46;
}

/* ---- real tables --------------------------------------------------------- */

/* The SeBS per-invocation tables, and the six benchmarks' medians. */
#define NOISY_REAL_FILES(X)                                        \
    X("sebs-210-warm", "data/sizing/sebs_210_python_warm_oracle.csv") \
    X("sebs-210-cold", "data/sizing/sebs_210_python_cold_oracle.csv") \
    X("sebs-411-warm", "data/sizing/sebs_411_warm_oracle.csv")        \
    X("sebs-411-cold", "data/sizing/sebs_411_cold_oracle.csv")
#define NOISY_REAL_N 4

typedef struct noisy_table {
    char name[48];
    mdl_size_oracle o;      /* rows as loaded (file order) */
    double *shuffled;       /* the rows a run sees, shuffled per size by its seed */
    int grid[16];
    size_t n_grid;
} noisy_table;

/* Load table i of NOISY_REAL_FILES; false (with a message) when absent. */
static inline bool noisy_table_load(int i, noisy_table *t)
{
#define NOISY__NAME(n, f) n,
#define NOISY__FILE(n, f) f,
    static const char *const names[] = {NOISY_REAL_FILES(NOISY__NAME)};
    static const char *const files[] = {NOISY_REAL_FILES(NOISY__FILE)};
#undef NOISY__NAME
#undef NOISY__FILE
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", names[i]);
    sim_error err;
    if (mdl_size_oracle_load(files[i], &t->o, &err) != SIM_OK) {
        fprintf(stderr, "size_noisy: %s\n", err.msg);
        return false;
    }
    size_t total = 0;
    for (size_t k = 0; k < t->o.n_sizes && k < 16; k++) {
        t->grid[t->n_grid++] = t->o.sizes[k].memory_mb;
        total += t->o.sizes[k].n;
    }
    t->shuffled = malloc(total * sizeof *t->shuffled);
    return t->shuffled != NULL;
}

/* The six SeBS benchmarks' medians (sebs_summary_by_memory.csv), warm and
 * cold, one row a size: loaded as oracles built in memory. */
static inline size_t noisy_summary_load(noisy_table *out, size_t cap)
{
    FILE *fp = fopen("data/sizing/sebs_summary_by_memory.csv", "r");
    if (!fp) return 0;
    char line[512];
    size_t n = 0;
    if (!fgets(line, sizeof line, fp)) line[0] = '\0';
    while (fgets(line, sizeof line, fp)) {
        char bench[16], phase[8];
        int mem, cnt;
        double med;
        if (sscanf(line, "%15[^,],%7[^,],%d,%d,%lf", bench, phase, &mem, &cnt, &med) != 5) continue;
        char name[48];
        snprintf(name, sizeof name, "sebs-%s-%s-median", bench, phase);
        noisy_table *t = NULL;
        for (size_t k = 0; k < n; k++)
            if (strcmp(out[k].name, name) == 0) t = &out[k];
        if (!t) {
            if (n == cap) break;
            t = &out[n++];
            memset(t, 0, sizeof *t);
            snprintf(t->name, sizeof t->name, "%s", name);
            t->o.dur = malloc(16 * sizeof *t->o.dur);
            t->o.sizes = calloc(16, sizeof *t->o.sizes);
            t->shuffled = malloc(16 * sizeof *t->shuffled);
        }
        if (t->o.n_sizes == 16) continue;
        size_t k = t->o.n_sizes++;
        t->o.dur[k] = med;
        t->o.sizes[k] = (mdl_size_oracle_size){mem, k, 1};
        t->grid[t->n_grid++] = mem;
    }
    fclose(fp);
    return n;
}

static inline void noisy_table_fini(noisy_table *t)
{
    mdl_size_oracle_fini(&t->o);
    free(t->shuffled);
}

/* The oracle a run with this seed sees: each size's rows shuffled
 * (Fisher-Yates from the seed), NOISY_ROWS per batch.  The returned oracle
 * borrows t's arrays. */
static inline mdl_size_oracle noisy_table_view(noisy_table *t, uint64_t seed)
{
    gsl_rng *r = sim_rng_create(seed, 0, t->name);
    for (size_t k = 0; k < t->o.n_sizes; k++) {
        const mdl_size_oracle_size *z = &t->o.sizes[k];
        double *a = t->shuffled + z->first;
        memcpy(a, t->o.dur + z->first, z->n * sizeof *a);
        for (size_t i = z->n; i > 1; i--) {
            size_t j = gsl_rng_uniform_int(r, i);
            double x = a[i - 1];
            a[i - 1] = a[j];
            a[j] = x;
        }
    }
    gsl_rng_free(r);
    mdl_size_oracle v = t->o;
    v.dur = t->shuffled;
    v.batch_rows = NOISY_ROWS;
    return v;
}

/* Regret of a pick against the whole table (every row, Power Tuning's
 * summary, 1-ms billing as the pricer says). */
static inline double noisy_table_regret(const noisy_table *t, mdl_size_pricer *pc,
                                        mdl_size_strategy st, double w, int rec)
{
    mdl_size_point pts[16];
    int bi = -1;
    for (size_t k = 0; k < t->o.n_sizes; k++) {
        const mdl_size_oracle_size *z = &t->o.sizes[k];
        double *d = malloc(z->n * sizeof *d), *p = malloc(z->n * sizeof *p);
        for (size_t i = 0; i < z->n; i++) {
            d[i] = t->o.dur[z->first + i];
            p[i] = mdl_size_price(pc, z->memory_mb, d[i]);
        }
        memset(&pts[k], 0, sizeof pts[k]);
        pts[k].memory_mb = z->memory_mb;
        pts[k].duration_ms = mdl_size_trimmed_mean(d, z->n);
        pts[k].price_usd = mdl_size_trimmed_mean(p, z->n);
        free(d);
        free(p);
        if (z->memory_mb == rec) bi = (int)k;
    }
    return noisy_pts_regret(pts, t->o.n_sizes, st, w, bi);
}

/* ---- evaluation ------------------------------------------------------------ */

/* What one method scored on one part of the suite. */
typedef struct noisy_stats {
    int runs;
    double regret_sum, regret_max;   /* fractions */
    double sizes_sum, batches_sum;
    int failures;                    /* runs that errored or recommended nothing */
} noisy_stats;

static inline void noisy_stats_add(noisy_stats *s, const mdl_size_result *r, double regret)
{
    s->runs++;
    s->regret_sum += regret;
    s->regret_max = fmax(s->regret_max, regret);
    s->sizes_sum += (double)r->n_sampled;
    s->batches_sum += (double)r->n_batches;
}

static inline void noisy_stats_merge(noisy_stats *a, const noisy_stats *b)
{
    a->runs += b->runs;
    a->regret_sum += b->regret_sum;
    a->regret_max = fmax(a->regret_max, b->regret_max);
    a->sizes_sum += b->sizes_sum;
    a->batches_sum += b->batches_sum;
    a->failures += b->failures;
}

#define NOISY_SEEDS 5

static inline void noisy_print_sampled(const mdl_size_result *r)
{
    printf("#   sampled");
    for (size_t q = 0; q < r->n_batches; q++) printf(" %d", r->sampled[q]);
    printf("\n");
}   /* noise seeds per synthetic curve and per real table */

/* Run `o` (its grid, cost model and sampler filled here) over curves
 * (noise seeds 1000 * set + 1 ..); verbose prints one line per run. */
static inline noisy_stats noisy_eval_curves(mdl_size_opts o, mdl_size_pricer *pc, const noisy_curve *cs,
                                            int n, uint64_t set_seed, int verbose)
{
    noisy_stats st = {0};
    int grid[64];
    o.grid = grid;
    o.n_grid = noisy_grid(grid);
    o.cost_fn = mdl_size_price;
    o.cost_ctx = pc;
    for (int k = 0; k < n; k++) {
        const noisy_curve *c = &cs[k];
        for (int s = 1; s <= NOISY_SEEDS; s++) {
            noisy_ctx ctx = {.c = c, .seed = (uint64_t)(1000 * set_seed + s)};
            mdl_size_result *r = NULL;
            sim_error err;
            if (mdl_size_run(&o, noisy_sample, &ctx, &r, &err) != SIM_OK || r->best < 0) {
                st.failures++;
                mdl_size_result_destroy(r);
                continue;
            }
            int rec = r->points[r->best].memory_mb;
            double g = noisy_regret(c, pc, grid, o.n_grid, o.strategy, o.balanced_weight, rec);
            if (verbose)
                printf("# set %llu curve %2d seed %d: %s pick %4d regret %6.3f%% sizes %zu batches %zu"
                       " (knee %.0f io %.0f W %.0f floor %.0f tau %.2f sd %.3f) %s\n",
                       (unsigned long long)set_seed, k, s, mdl_size_method_name(o.method), rec,
                       100 * g, r->n_sampled, r->n_batches, c->knee_mb, c->io_ms, c->work_ms,
                       c->floor_mb, c->tau, c->batch_sd, r->stop);
            if (verbose > 1) noisy_print_sampled(r);
            noisy_stats_add(&st, r, g);
            mdl_size_result_destroy(r);
        }
    }
    return st;
}

/* A synthetic set: NOISY_CURVES curves drawn from set_seed. */
static inline noisy_stats noisy_eval_set(mdl_size_opts o, mdl_size_pricer *pc, uint64_t set_seed,
                                         int verbose)
{
    noisy_curve cs[NOISY_CURVES];
    for (int k = 0; k < NOISY_CURVES; k++) noisy_curve_draw(set_seed, k, &cs[k]);
    return noisy_eval_curves(o, pc, cs, NOISY_CURVES, set_seed, verbose);
}

/* COSE's curves with noise (a run fails when the data file is absent). */
static inline noisy_stats noisy_eval_cose(mdl_size_opts o, mdl_size_pricer *pc, int verbose)
{
    static double tab[NOISY_COSE_N][46];
    noisy_curve cs[NOISY_COSE_N];
    if (!noisy_cose_load(tab, cs)) {
        noisy_stats st = {.failures = 1};
        return st;
    }
    return noisy_eval_curves(o, pc, cs, NOISY_COSE_N, NOISY_COSE_SEED, verbose);
}

/* The same over the real tables (per-invocation ones with NOISY_SEEDS
 * shuffles, the medians once). */
static inline noisy_stats noisy_eval_real(mdl_size_opts o, mdl_size_pricer *pc, int verbose)
{
    noisy_stats st = {0};
    noisy_table t[32];
    size_t nt = 0;
    for (int i = 0; i < NOISY_REAL_N; i++)
        if (noisy_table_load(i, &t[nt])) nt++;
    size_t n_inv = nt;
    nt += noisy_summary_load(t + nt, 32 - nt);
    o.cost_fn = mdl_size_price;
    o.cost_ctx = pc;
    for (size_t k = 0; k < nt; k++) {
        int seeds = k < n_inv ? NOISY_SEEDS : 1;
        for (int s = 1; s <= seeds; s++) {
            mdl_size_oracle v = noisy_table_view(&t[k], (uint64_t)s);
            o.grid = t[k].grid;
            o.n_grid = t[k].n_grid;
            mdl_size_result *r = NULL;
            sim_error err;
            if (mdl_size_run(&o, mdl_size_oracle_sample, &v, &r, &err) != SIM_OK || r->best < 0) {
                st.failures++;
                mdl_size_result_destroy(r);
                continue;
            }
            int rec = r->points[r->best].memory_mb;
            double g = noisy_table_regret(&t[k], pc, o.strategy, o.balanced_weight, rec);
            if (verbose)
                printf("# %-22s seed %d: %s pick %4d regret %6.3f%% sizes %zu of %zu, batches %zu %s\n",
                       t[k].name, s, mdl_size_method_name(o.method), rec, 100 * g, r->n_sampled,
                       t[k].n_grid, r->n_batches, r->stop);
            if (verbose > 1) noisy_print_sampled(r);
            noisy_stats_add(&st, r, g);
            mdl_size_result_destroy(r);
        }
    }
    for (size_t k = 0; k < nt; k++) noisy_table_fini(&t[k]);
    return st;
}

#endif /* SIZE_NOISY_H */
