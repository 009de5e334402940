/* mdl_size.h - Lambda memory sizing: Power Tuning's strategies, exhaustive
 * search, a Parrotfish-style parametric fit and COSE-style Bayesian
 * optimisation over a discrete memory grid.
 *
 * Design.  A sizing run only ever learns durations through a sampler
 * callback (one call per batch: the durations of one Power Tuning run at a
 * memory size, or none for an out-of-memory failure), so a method can look
 * only at the sizes it chooses to sample; the caller counts them.  A size
 * may be sampled again (a repeat, a fresh batch): measurements are noisy,
 * and a batch's mean wanders by several percent from size to size beyond
 * its own spread, so the adaptive methods model that noise and repeat where
 * it pays (mdl_size_bo.c).  Prices are
 * computed by a cost model (mdl_size_cost_fn) mapping (memory, duration) to
 * the USD price of one invocation.  The model every caller uses is
 * mdl_size_price with rates read from the price catalogue
 * (mdl_size_pricer_init: the catalogue is the one source of Lambda rates).
 *
 * Summaries follow Power Tuning exactly: the duration of a size is the mean
 * after discarding floor(0.2 n) values at each end, and its price is the same
 * trimmed mean of per-invocation prices (equivalent to Power Tuning's price
 * of the trimmed mean billed duration, because price is monotone and linear
 * in billed time).  The optimum is chosen by Power Tuning's sort for the
 * strategy, including its tie-breaking (mdl_size_pick).
 *
 * Every method fills one mdl_size_result: a point per grid size (measured or
 * predicted, with a 95% band), the batches sampled in order, the pick and
 * the interval of sizes within 1% of it, and why sampling stopped.
 *
 * Cost: exhaustive is one pass; bo refits a GP per batch over a small
 * hyperparameter grid (O(batches^3) per candidate, batches <= budget) and
 * forms an n_grid x n_grid posterior covariance (n_grid^2 doubles; 159
 * sizes: 200 KB), and a second GP for the recommendation (mdl_size_bo.c);
 * the whole noisy suite (~3,500 runs) takes ~15 s of CPU.
 */
#ifndef MDL_SIZE_H
#define MDL_SIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "models/pricing/mdl_pricing.h"
#include "sim/sim_status.h"

/* Lambda's memory range (configuration-memory doc; README "Reference facts", Lambda:
 * limits). */
#define MDL_SIZE_MIN_MB 128
#define MDL_SIZE_MAX_MB 10240

/* The USD price of one invocation of `memory_mb` lasting `duration_ms`
 * (billing granularity, request fee and architecture are the model's). */
typedef double (*mdl_size_cost_fn)(void *ctx, int memory_mb, double duration_ms);

/* The catalogue pricer's context: the rates of one architecture, read once
 * from the price catalogue (models/pricing/mdl_pricing.h). */
typedef struct mdl_size_pricer {
    mdl_arch arch;
    int granularity_ms;  /* 1 (since 2020-12-01) or 100 (legacy) */
    double request_usd;  /* rates.lambda.requests */
    double usd_per_gb_s; /* first tier of rates.lambda.duration_<arch> */
} mdl_size_pricer;

/* Read the request fee and the first-tier GB-s rate of `arch` from cat.
 * EMISSING (naming the rate and the catalogue) when cat lacks either. */
sim_status mdl_size_pricer_init(mdl_size_pricer *p, const mdl_catalog *cat, mdl_arch arch,
                                int granularity_ms, sim_error *err);

/* mdl_size_price - the on-demand price of one invocation (a
 * mdl_size_cost_fn; ctx is a mdl_size_pricer): the request fee plus the
 * duration rounded up to the granularity at the first-tier GB-s rate, the
 * same as mdl_price_lambda_invocation (no free tier: a marginal invocation
 * of a busy function pays full price).  MB x billed ms is formed first, an
 * exact integer, so equal GB-s give bit-equal prices and Power Tuning's tie
 * rules see the tie (1024 MB x 3900 ms = 1536 MB x 2600 ms). */
double mdl_size_price(void *ctx, int memory_mb, double duration_ms);

/* Sampler: the durations (ms) of one batch of invocations at one memory
 * size (a Power Tuning run at that size).  `batch` is 0 the first time a
 * size is asked for and counts up on repeats.  At batch 0, *n == 0 means
 * the size cannot run (out of memory); at a repeat it means the source has
 * no more invocations there (the size is then exhausted, not failed).
 * *durations stays owned by the sampler and valid until its next call. */
typedef sim_status (*mdl_size_sample_fn)(void *ctx, int memory_mb, int batch,
                                         const double **durations, size_t *n,
                                         sim_error *err);

typedef enum { MDL_SIZE_COST, MDL_SIZE_SPEED, MDL_SIZE_BALANCED } mdl_size_strategy;
typedef enum { MDL_SIZE_EXHAUSTIVE, MDL_SIZE_BO, MDL_SIZE_PARAMETRIC } mdl_size_method;

/* Parse "cost"/"speed"/"balanced", "exhaustive"/"bo"/"parametric";
 * false when unknown.  The names are also returned by the *_name functions. */
bool mdl_size_strategy_parse(const char *s, mdl_size_strategy *out);
bool mdl_size_method_parse(const char *s, mdl_size_method *out);
const char *mdl_size_strategy_name(mdl_size_strategy s);
const char *mdl_size_method_name(mdl_size_method m);

/* One grid size, measured or predicted.  Bands are 95% (measured sizes:
 * the trimmed mean's t-interval; predicted: the model's band).  A size
 * sampled in several batches is summarised over all its invocations. */
typedef struct mdl_size_point {
    int memory_mb;
    bool measured;      /* sampled (else predicted) */
    bool failed;        /* out of memory: measured, or below a measured failure */
    int invocations;    /* rows read at this size (0 if predicted) */
    int batches;        /* sampler calls at this size (0 if predicted) */
    double duration_ms, duration_lo, duration_hi;
    double price_usd, price_lo, price_hi;
    double total_usd;   /* sum of every invocation's price (Power Tuning totalCost) */
} mdl_size_point;

/* mdl_size_pick - Power Tuning's optimum over pts (failed points and points
 * with zero duration are skipped, like analyzer.js extractStatistics):
 *  cost:     lowest price; equal price -> shorter duration;
 *  speed:    shortest duration; equal duration -> lower price;
 *  balanced: lowest w*price/maxPrice + (1-w)*duration/maxDuration, w clamped
 *            to [0,1], maxima over the candidates.
 * Remaining ties keep input order (Node's sort is stable).  Returns the
 * index, or -1 when no point qualifies. */
int mdl_size_pick(const mdl_size_point *pts, size_t n, mdl_size_strategy s,
                  double balanced_weight);

/* Power Tuning's trimmed mean (discardTopBottom 0.2); x is sorted in place.
 * Returns 0 for n == 0. */
double mdl_size_trimmed_mean(double *x, size_t n);

typedef struct mdl_size_opts {
    mdl_size_method method;
    mdl_size_strategy strategy;
    double balanced_weight;      /* balanced only; default 0.5 */
    const int *grid;             /* increasing memory sizes, MB */
    size_t n_grid;               /* >= 2 */
    mdl_size_cost_fn cost_fn;
    void *cost_ctx;
    int budget;                  /* most batches bo/parametric may sample; 0: 18.
                                  * New sizes only within the first two thirds;
                                  * the last third repeats measured sizes */
    int n_init;                  /* initial spread-out sizes; 0: method default */
    int max_batches;             /* most batches at one size (repeats); 0: 3 */
    bool noise_free;             /* the source is a model: the same size always
                                  * gives the same durations (no repeats, no
                                  * noise assumed beyond what the data show) */
    double stop_saving;          /* bo/parametric stop once no size is expected
                                  * to save this fraction (and no measured
                                  * size may beat the pick by `within` with
                                  * probability 5%); 0: 0.005 */
    double within;               /* the recommendation's interval: sizes whose
                                  * objective is within this fraction; 0: 0.01 */
    bool bo_constant_mean;       /* bo: constant GP prior mean (COSE) instead of
                                  * the parametric fit */
    const double *prior_ms;      /* bo: prior mean duration per grid size (the
                                  * performance model), NULL: see above */
} mdl_size_opts;

/* Defaults: cost strategy, weight 0.5, bo, default budget/thresholds. */
void mdl_size_opts_init(mdl_size_opts *o);

typedef struct mdl_size_result {
    mdl_size_method method;
    mdl_size_strategy strategy;
    double balanced_weight;
    size_t n;                    /* grid sizes */
    mdl_size_point *points;      /* n, by increasing memory */
    int *sampled;                /* memory size of each batch, in sampling order */
    size_t n_batches;            /* length of sampled */
    size_t n_sampled;            /* distinct sizes sampled */
    int best;                    /* index into points, -1 if every size failed */
    /* The interval: the contiguous sizes around best whose objective (the
     * model's estimate, or the measurement for exhaustive) is within
     * `within` of best's; valid when best >= 0. */
    int within_lo_mb, within_hi_mb;
    double within;
    double noise_sd;             /* a batch mean's learned relative noise (bo), else NAN */
    char model[64];              /* the fitted model: "gp-matern52", "exp", ... */
    char stop[96];               /* why sampling stopped */
} mdl_size_result;

/* mdl_size_run - run one sizing method.  The sampler is called at most
 * max_batches times per memory size (exhaustive: once), and bo/parametric
 * make at most `budget` calls in all.  Errors: a sampler error is returned as is; a grid that
 * is not increasing inside 128..10240 is EUSAGE; every sampled size failing
 * is not an error (best = -1).  *out is the caller's (mdl_size_result_destroy). */
sim_status mdl_size_run(const mdl_size_opts *o, mdl_size_sample_fn sample,
                        void *sample_ctx, mdl_size_result **out, sim_error *err);
void mdl_size_result_destroy(mdl_size_result *r);

/* Power Tuning's total price of the sampled invocations (lambdaCost). */
double mdl_size_result_lambda_cost(const mdl_size_result *r);

/* mdl_size_visualization_url - "https://lambda-power-tuning.show/#" plus
 * base64(Int16 LE powers);base64(Float32 LE durations);base64(Float32 LE
 * costs) of the measured, non-failed points (utils.buildVisualizationURL:
 * Power Tuning encodes what it ran; predictions go in our own fields).
 * Returns a malloc'd string. */
char *mdl_size_visualization_url(const mdl_size_point *pts, size_t n);

/* Standard base64 with padding; malloc'd, NUL-terminated. */
char *mdl_size_base64_encode(const unsigned char *data, size_t n);
/* Decode standard base64; returns malloc'd bytes (length in *n) or NULL when
 * the text is not valid base64. */
unsigned char *mdl_size_base64_decode(const char *text, size_t len, size_t *n);

#endif /* MDL_SIZE_H */
