/* sim_rng.h - named random streams and the distributions models draw from.
 *
 * Every random process owns its own gsl_rng stream, seeded from
 * (master seed, replication, stream id) through a 64-bit mixer (splitmix64).
 * The stream id is a hash of the stream's name ("f.resize/service"), so adding
 * a stream never shifts the draws of any other (ROSS: one stream per LP).
 * The generator is gsl_rng_taus2: 24 bytes of state, fast, and good enough
 * for simulation (L'Ecuyer 1999), where thousands of streams may exist.
 *
 * Distributions are plain POD descriptions (sim_dist), parsed from JSON with
 * sim_dist_from_json and sampled with sim_dist_sample.  All config
 * distributions describe a quantity in milliseconds, so keys end in "_ms".
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/sim_status.h"

struct json_object;
struct sim_json_doc;

/* splitmix64 finaliser: a bijective 64-bit mixer. */
uint64_t sim_mix64(uint64_t x);

/* FNV-1a 64-bit hash of a stream name: its stable stream id. */
uint64_t sim_stream_id(const char *name);

/* The 32-bit non-zero seed for (seed, replication, stream id).  GSL reduces
 * seeds modulo 2^32, so the 64-bit mix is folded to 32 bits here. */
unsigned long sim_stream_seed(uint64_t seed, uint64_t replication,
                              uint64_t stream_id);

/* A new gsl_rng (taus2) for the stream; free with gsl_rng_free.  The _id
 * form takes the name's sim_stream_id, already computed (same stream). */
gsl_rng *sim_rng_create(uint64_t seed, uint64_t replication, const char *name);
gsl_rng *sim_rng_create_id(uint64_t seed, uint64_t replication, uint64_t stream_id);

/* ---- inline draws --------------------------------------------------------
 * sim_rng_uniform and sim_rng_uniform_pos return exactly gsl_rng_uniform's
 * and gsl_rng_uniform_pos's numbers, and advance the stream alike.  For a
 * taus2 stream (every stream sim_rng_create makes) they step the generator
 * in line: GSL reaches it through two pointers and an indirect call per
 * number, 7 % of a one-function run's CPU (perf, bench_lambda's hour).
 * The step is GSL's (rng/taus.c, L'Ecuyer's maximally equidistributed
 * combined Tausworthe generator, 1996) on GSL's own state record, three
 * unsigned longs; any other generator goes through GSL.  tests/test_rng.c
 * checks every draw against GSL's, bit for bit, so a GSL whose state record
 * differed would fail the suite, not change results silently. */
typedef struct sim__taus_state { unsigned long s1, s2, s3; } sim__taus_state;

#define SIM__TAUS_MASK 0xffffffffUL
#define SIM__TAUSWORTHE(s, a, b, c, d) \
    ((((s) & (c)) << (d)) & SIM__TAUS_MASK) ^ (((((s) << (a)) & SIM__TAUS_MASK) ^ (s)) >> (b))

static inline double sim_rng_uniform(const gsl_rng *r)
{
    if (__builtin_expect(r->type != gsl_rng_taus2, 0)) return gsl_rng_uniform(r);
    sim__taus_state *st = (sim__taus_state *)r->state;
    st->s1 = SIM__TAUSWORTHE(st->s1, 13, 19, 4294967294UL, 12);
    st->s2 = SIM__TAUSWORTHE(st->s2, 2, 25, 4294967288UL, 4);
    st->s3 = SIM__TAUSWORTHE(st->s3, 3, 11, 4294967280UL, 17);
    return (double)(st->s1 ^ st->s2 ^ st->s3) / 4294967296.0;   /* 2^32: [0, 1) */
}

/* (0, 1): as gsl_rng_uniform_pos, redraws a 0. */
static inline double sim_rng_uniform_pos(const gsl_rng *r)
{
    double x;
    do x = sim_rng_uniform(r); while (x == 0);
    return x;
}

/* gsl_ran_lognormal(r, zeta, sigma), the same numbers (its polar method). */
double sim_rng_lognormal(const gsl_rng *r, double zeta, double sigma);

/* ---- distributions ------------------------------------------------------ */

#define SIM_DIST_LIST(X)            \
    X(DETERMINISTIC, "deterministic") \
    X(EXPONENTIAL,   "exponential") \
    X(UNIFORM,       "uniform")     \
    X(NORMAL,        "normal")      \
    X(LOGNORMAL,     "lognormal")   \
    X(GAMMA,         "gamma")       \
    X(WEIBULL,       "weibull")     \
    X(PARETO,        "pareto")      \
    X(HYPEREXP,      "hyperexponential") \
    X(EMPIRICAL,     "empirical")   \
    X(PERCENTILES,   "percentiles")

typedef enum {
#define SIM__DIST_ENUM(name, str) SIM_DIST_##name,
    SIM_DIST_LIST(SIM__DIST_ENUM)
#undef SIM__DIST_ENUM
    SIM_DIST_COUNT
} sim_dist_type;

/* A distribution.  Native parameters (after any mean/cv conversion):
 *  deterministic: a = value
 *  exponential:   a = mean
 *  uniform:       a = min, b = max
 *  normal:        a = mean, b = sd            (negative draws are redrawn)
 *  lognormal:     a = mu, b = sigma           (of log value)
 *  gamma:         a = shape k, b = scale theta
 *  weibull:       a = shape k, b = scale lambda
 *  pareto:        a = alpha (shape), b = xm (scale, minimum)
 *  hyperexp:      n phases, probs[i] = p_i, vals[i] = mean_i
 *  empirical:     n sorted samples in vals[] (draw one uniformly)
 *  percentiles:   n points (probs[i] in [0,1] increasing, vals[i]):
 *                 piecewise-linear inverse CDF between the points.
 * Arrays are owned by the dist (sim_dist_fini frees them). */
typedef struct sim_dist {
    sim_dist_type type;
    double a, b;
    size_t n;
    double *probs;
    double *vals;
} sim_dist;

const char *sim_dist_name(sim_dist_type t);

/* Constructors for code (no JSON).  They validate and return a status. */
sim_status sim_dist_deterministic(sim_dist *d, double value);
sim_status sim_dist_exponential(sim_dist *d, double mean);
sim_status sim_dist_uniform(sim_dist *d, double lo, double hi);
sim_status sim_dist_normal(sim_dist *d, double mean, double sd);
sim_status sim_dist_lognormal_mean_cv(sim_dist *d, double mean, double cv);
sim_status sim_dist_gamma_mean_cv(sim_dist *d, double mean, double cv);
sim_status sim_dist_weibull(sim_dist *d, double shape, double scale);
sim_status sim_dist_pareto(sim_dist *d, double alpha, double xm);
/* Two-phase balanced-means hyperexponential with the given mean and cv >= 1. */
sim_status sim_dist_hyperexp_mean_cv(sim_dist *d, double mean, double cv);
/* Copies the samples. */
sim_status sim_dist_empirical(sim_dist *d, const double *samples, size_t n);
/* Copies the points; probs in [0,1], strictly increasing, values
 * non-decreasing.  If probs[0] > 0 or probs[n-1] < 1 the ends are held flat. */
sim_status sim_dist_percentiles(sim_dist *d, const double *probs,
                                const double *vals, size_t n);

/* Deep copy (dst is overwritten; free with sim_dist_fini). */
void sim_dist_copy(sim_dist *dst, const sim_dist *src);

void sim_dist_fini(sim_dist *d);

/* One draw. */
double sim_dist_sample(const sim_dist *d, gsl_rng *r);

/* Theoretical mean and variance (NaN/inf where undefined). */
double sim_dist_mean(const sim_dist *d);
double sim_dist_variance(const sim_dist *d);

/* Parse {"dist": "...", ...} (keys documented in README "Distributions").
 * `doc` (may be NULL) and `path` name the file, line and field in errors
 * (e.g. "functions.f.service_time.warm").  Unknown keys, and parameters the
 * named distribution does not take, are rejected (sim_dist_json.c's table
 * says which each takes). */
sim_status sim_dist_from_json(sim_dist *d, const struct sim_json_doc *doc,
                              struct json_object *obj, const char *path,
                              sim_error *err);

/* Write the dist as JSON (native parameters plus mean). */
struct json_object *sim_dist_to_json(const sim_dist *d);

/* JSON Schema (draft 2020-12) of {"dist": ...}: oneOf the distributions,
 * from the same table as the parser (caller owns). */
struct json_object *sim_dist_schema(void);
/* The README's table of distributions and their keys. */
void sim_dist_markdown(FILE *fp);

#endif /* SIM_RNG_H */
