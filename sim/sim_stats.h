/* sim_stats.h - the statistics a simulation collects.
 *
 *  - sim_welford: running mean and variance (Welford 1962), mergeable
 *    (Chan et al.) so replications combine exactly.
 *  - sim_twavg: time-weighted average of a piecewise-constant level such as
 *    instance count or queue depth: the integral of the level over time,
 *    divided by the elapsed time.
 *  - sim_hist: streaming quantiles with bounded relative error, as in
 *    DDSketch (Masson et al., VLDB 2019).  Bucket i holds values in
 *    (g^(i-1), g^i] with g = (1+a)/(1-a); reporting 2 g^i/(g+1) is within a
 *    relative a of every value in the bucket.  a = 0.5% here, inside the 1%
 *    goal.  No samples are stored and two histograms merge by adding
 *    counts, so replications and threads combine exactly.  Cost: bucketing
 *    takes no log() (exponent bits, a 128-row table and a quadratic, with the
 *    exact ceil(log(x)/ln g) for the ~7e-5 of samples within the estimate's
 *    proven error of a bucket boundary, so the buckets are exactly those of
 *    that expression).  Memory: a histogram is 224 bytes while its samples
 *    fall in at most 16 distinct buckets (kept as sorted (bucket, count)
 *    pairs in the struct: the many histograms of rarely used functions stay
 *    that small); past that, buckets come in pages of 64 (512 bytes),
 *    allocated the first time a sample lands in one, under a directory of
 *    8 bytes per page between the lowest and highest touched (a latency
 *    spread over a factor 100 is ~8 pages, ~4 KB), never more than 40 KB.
 *    So sim_hist_add allocates exactly when a sample opens a new page (or
 *    leaves the small form), and never again after clear.  Both forms give
 *    the same answers: they count the same buckets.
 *  - sim_ci: Student-t confidence interval across replications (GSL).
 *  - sim_stats: a registry of named statistics, serialised to JSON.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim_status.h"

struct json_object;

/* ---- Welford ------------------------------------------------------------ */
typedef struct sim_welford {
    uint64_t n;
    double mean, m2, min, max;
} sim_welford;

void sim_welford_init(sim_welford *w);
void sim_welford_add(sim_welford *w, double x);
void sim_welford_merge(sim_welford *dst, const sim_welford *src);
double sim_welford_variance(const sim_welford *w);   /* sample variance, n-1 */
double sim_welford_stddev(const sim_welford *w);

/* ---- time-weighted average ---------------------------------------------- */
typedef struct sim_twavg {
    double t0;      /* start of observation */
    double t_last;  /* time of the last change */
    double level;   /* current level */
    double area;    /* integral of level from t0 to t_last */
    double max;
} sim_twavg;

void sim_twavg_init(sim_twavg *a, double t0, double level);
/* The level becomes `level` at time t (t >= last change).  Inline: models
 * call it on every change of a level. */
static inline void sim_twavg_set(sim_twavg *a, double t, double level)
{
    SIM_ASSERT_AT(t, t >= a->t_last);
    a->area += a->level * (t - a->t_last);
    a->t_last = t;
    a->level = level;
    if (level > a->max) a->max = level;
}
/* Add delta to the level at time t. */
void sim_twavg_add(sim_twavg *a, double t, double delta);
/* Average over [t0, t_end]; t_end >= last change.  0 for an empty span. */
double sim_twavg_mean(const sim_twavg *a, double t_end);
/* Integral over [t0, t_end]. */
double sim_twavg_area(const sim_twavg *a, double t_end);
/* Restart observation at t (after a warm-up), keeping the current level. */
void sim_twavg_reset(sim_twavg *a, double t);

/* ---- log-bucketed histogram --------------------------------------------- */
#define SIM_HIST_REL_ERR 0.005
typedef struct sim_hist sim_hist;

/* Values below `min_positive` count as that value; 0 and negatives go to a
 * zero bucket (reported as 0).  A histogram covers [min_positive, 1e18]:
 * larger values (and +inf) count in its top bucket, NaN in its lowest. */
sim_hist *sim_hist_create(double min_positive);
void sim_hist_destroy(sim_hist *h);
void sim_hist_clear(sim_hist *h);
void sim_hist_add(sim_hist *h, double x);
void sim_hist_add_n(sim_hist *h, double x, uint64_t n);
/* The same sample into n histograms of the same min_positive (the bucket
 * found once): as sim_hist_add(h[k], x) for each k. */
void sim_hist_add_many(sim_hist *const *h, int n, double x);
/* dst += src; both must share min_positive. */
void sim_hist_merge(sim_hist *dst, const sim_hist *src);
uint64_t sim_hist_count(const sim_hist *h);
double sim_hist_mean(const sim_hist *h);      /* exact (kept on the side) */
double sim_hist_min(const sim_hist *h);
double sim_hist_max(const sim_hist *h);
/* Quantile q in [0,1]: the estimate of the sample of rank floor(q*(n-1)) in
 * sorted order, within SIM_HIST_REL_ERR relative error.  NaN when empty. */
double sim_hist_quantile(const sim_hist *h, double q);
/* Fraction of samples <= x (within the bucket resolution). */
double sim_hist_cdf(const sim_hist *h, double x);
/* Bytes held (struct, page directory and touched pages). */
size_t sim_hist_memory(const sim_hist *h);
/* The bucket index (0 .. all buckets - 1) a sample x > 0 lands in, and the
 * same by the defining expression ceil(log(x) / ln g) with its clamps; the
 * two agree for every double (test_stats checks millions).  For tests. */
int sim_hist_bucket(const sim_hist *h, double x);
int sim_hist_bucket_exact(const sim_hist *h, double x);
/* Internals for tests: the estimate of log(x) / ln g that decides a bucket
 * (x a positive normal double below 1e18) and its proven error bound
 * (sim_stats.c derives it; an estimate closer than 16x the bound to an
 * integer is settled by the exact expression); row j (0..127) of the
 * table behind it: { ln(c) K, K / c, -K / (2 c^2) }, c = 1 + (j + 0.5)/128,
 * K = 1 / ln g. */
/* In units of 1e-7, so _Static_assert can compare it (C11 takes integer
 * constant expressions only; clang refuses floating ones).  21 / 1e7 is
 * correctly rounded: the same double as the literal 2.1e-6. */
#define SIM_HIST__EST_BOUND_E7 21
#define SIM_HIST__EST_BOUND (SIM_HIST__EST_BOUND_E7 / 1e7)
double sim_hist__estimate(const sim_hist *h, double x);
void sim_hist__table_row(int j, double row[3]);
/* For tests: move the buckets to pages now (as the 17th distinct bucket would). */
void sim_hist__force_paged(sim_hist *h);

/* ---- confidence intervals across replications --------------------------- */
typedef struct sim_ci {
    double mean, half_width, lo, hi, stddev;
    uint64_t n;
} sim_ci;

/* Two-sided Student-t interval at `level` (e.g. 0.95).  For n < 2 the
 * half-width is NaN (one replication tells nothing about spread). */
sim_ci sim_ci_from_samples(const double *x, size_t n, double level);
sim_ci sim_ci_from_welford(const sim_welford *w, double level);

/* ---- the registry ------------------------------------------------------- */
typedef enum {
    SIM_STAT_COUNTER,
    SIM_STAT_TWAVG,
    SIM_STAT_WELFORD,
    SIM_STAT_HIST
} sim_stat_kind;

typedef struct sim_stats sim_stats;

sim_stats *sim_stats_create(void);
void sim_stats_destroy(sim_stats *s);

/* Register statistics under dotted names ("functions.f.cold_starts").  The
 * registry owns them; returned pointers stay valid until destroy. */
uint64_t *sim_stats_counter(sim_stats *s, const char *name);
sim_twavg *sim_stats_twavg(sim_stats *s, const char *name, double t0, double level);
sim_welford *sim_stats_welford(sim_stats *s, const char *name);
sim_hist *sim_stats_hist(sim_stats *s, const char *name, double min_positive);

/* Look up by name (NULL when absent or of another kind). */
void *sim_stats_find(const sim_stats *s, const char *name, sim_stat_kind kind);

/* Serialise to a nested JSON object: dotted names become nested keys.
 * Time averages are taken at t_end. */
struct json_object *sim_stats_to_json(const sim_stats *s, double t_end);

#endif /* SIM_STATS_H */
