/* mdl_lifecycle.c - presets, overrides and the draws of mdl_lifecycle.h.
 *
 * The aws-2020 numbers below are printed by
 *   make build/tests/aws2020_analyze && build/tests/aws2020_analyze data/aws_lambda_2020/run-*.csv
 * and tests/test_lifecycle.c checks that they still equal what that
 * analysis finds in data/, so the preset cannot drift from its source.
 */
#include "models/lambda/mdl_lifecycle.h"
#include "sim/sim_rng.h"

#include <math.h>
#include <string.h>

const char *const mdl_lc_preset_names[MDL_LC_PRESET_COUNT + 1] = {
#define MDL__LC_NAME(id, name, what) name,
    MDL_LC_PRESET_LIST(MDL__LC_NAME)
#undef MDL__LC_NAME
    NULL
};

/* SimFaaS: ServerlessSimulator's expiration_threshold default (s). */
#define SIMFAAS_KEEP_ALIVE_S 600.0

/* aws-2020, data/aws_lambda_2020 through tests/aws2020_analyze:
 * a lone idle environment survived gaps up to 653.9 s and was gone after
 * 626.3 s at the earliest (225 such deaths): uniform over that band. */
#define AWS2020_LONE_MIN_S 626.3
#define AWS2020_LONE_MAX_S 653.9

/* A measured distribution: the CDF (percent) at values, piecewise linear
 * in between: the estimate as tests/aws2020_analyze prints it ("as a
 * distribution"), whose mass is uniform within its 20 s / 1 min bins.  A
 * 0.01-point step stands for a jump over values that hold no mass. */
typedef struct lc_pt {
    double pct, v;
} lc_pt;

/* Keep-alive of an environment that goes idle while others live (s):
 * Turnbull's NPMLE over 227 censored idle periods, support from 600 s (an
 * earlier death is a recycle, not an expiry). */
static const lc_pt k_pool_keep_alive_2020_s[] = {
    { 0.00, 620 }, { 7.69, 640 }, { 7.70, 680 }, { 16.67, 700 }, { 16.68, 780 },
    { 37.80, 800 }, { 37.81, 1360 }, { 50.00, 1380 }, { 50.01, 1440 }, { 60.00, 1460 },
    { 60.01, 1520 }, { 100.00, 1540 }
};

/* Maximum lifetime from creation (minutes): NPMLE over the 351 environments
 * born in a slow cold start (61 recycles seen, the rest censored by idle
 * expiry or the run's end; age from the first use, which is the creation
 * for a slow cold start). */
static const lc_pt k_max_lifetime_2020_min[] = {
    { 0.00, 7 }, { 1.64, 8 }, { 1.65, 11 }, { 3.00, 12 }, { 3.01, 14 }, { 4.15, 15 },
    { 4.16, 26 }, { 4.80, 27 }, { 4.81, 33 }, { 5.75, 34 }, { 5.76, 41 }, { 7.81, 42 },
    { 7.82, 46 }, { 8.66, 47 }, { 8.67, 60 }, { 10.74, 61 }, { 10.75, 73 }, { 11.91, 74 },
    { 11.92, 86 }, { 13.58, 87 }, { 13.59, 92 }, { 17.35, 93 }, { 17.36, 98 }, { 23.05, 99 },
    { 23.06, 103 }, { 26.19, 104 }, { 26.20, 114 }, { 30.64, 115 }, { 30.65, 117 },
    { 43.62, 118 }, { 46.95, 119 }, { 61.07, 120 }, { 61.08, 121 }, { 72.84, 122 },
    { 91.79, 123 }, { 100.00, 124 }
};

/* Placement delay (ms): how long a request that found no idle environment
 * waited before the environment that freed meanwhile served it, over the 34
 * such waits that ended more than 50 ms after the environment freed (46
 * waits in all; start delay minus the warm median). */
static const lc_pt k_placement_2020_ms[] = {
    { 0, 225.4 }, { 1, 229.9 }, { 5, 239.7 }, { 10, 245.0 }, { 25, 258.7 }, { 50, 278.2 },
    { 75, 312.9 }, { 90, 386.3 }, { 95, 430.5 }, { 99, 593.7 }, { 99.9, 663.8 }, { 100, 671.6 }
};

#define NPTS(t) (sizeof (t) / sizeof (t)[0])

/* The shape of each preset; the numbers are above. */
typedef struct preset_def {
    mdl_reuse reuse;
    bool measured;              /* keep-alives and lifetime from aws-2020 */
    double prewarm_probability;
    bool takes_pending;
    bool placement_wait;        /* the measured placement wait (else 0) */
} preset_def;

static const preset_def k_presets[MDL_LC_PRESET_COUNT] = {
    [MDL_LC_SIMFAAS] = { MDL_REUSE_NEWEST, false, 0.0, false, false },
    /* 107 first uses without INIT for 109 recycles seen: every recycle. */
    [MDL_LC_AWS_2020] = { MDL_REUSE_MRU, true, 1.0, false, true },
    /* No placement wait: AWS documents that a request arriving while every
     * environment is busy gets a new one (k_notes_now), and the 2020 wait
     * was seen in pools of at most four environments only. */
    [MDL_LC_AWS_NOW] = { MDL_REUSE_MRU, true, 1.0, true, false },
};

const char *mdl_lc_preset_name(mdl_lc_preset p)
{
    SIM_ASSERT((int)p >= 0 && p < MDL_LC_PRESET_COUNT);
    return mdl_lc_preset_names[p];
}

bool mdl_lc_preset_from_name(const char *name, mdl_lc_preset *out)
{
    SIM_ASSERT(name && out);
    for (int i = 0; i < MDL_LC_PRESET_COUNT; i++)
        if (strcmp(name, mdl_lc_preset_names[i]) == 0) {
            *out = (mdl_lc_preset)i;
            return true;
        }
    return false;
}

#define TABLE_MAX 64

static void table_dist(sim_dist *d, const lc_pt *t, size_t n, double to_ms)
{
    SIM_ASSERT(n <= TABLE_MAX);
    double p[TABLE_MAX], v[TABLE_MAX];
    for (size_t k = 0; k < n; k++) {
        p[k] = t[k].pct / 100;
        v[k] = t[k].v * to_ms;
    }
    sim_status st = sim_dist_percentiles(d, p, v, n);
    SIM_ASSERT(st == SIM_OK);    /* our own table: a failure is a bug */
}

void mdl_lifecycle_init(mdl_lifecycle *lc, mdl_lc_preset p)
{
    SIM_ASSERT(lc && (int)p >= 0 && p < MDL_LC_PRESET_COUNT);
    const preset_def *d = &k_presets[p];
    memset(lc, 0, sizeof *lc);
    lc->preset = p;
    lc->reuse = d->reuse;
    if (d->measured) {
        sim_status st = sim_dist_uniform(&lc->keep_alive_lone, AWS2020_LONE_MIN_S * 1e3,
                                         AWS2020_LONE_MAX_S * 1e3);
        SIM_ASSERT(st == SIM_OK);
        table_dist(&lc->keep_alive_pool, k_pool_keep_alive_2020_s, NPTS(k_pool_keep_alive_2020_s),
                   1e3);
        table_dist(&lc->max_lifetime, k_max_lifetime_2020_min, NPTS(k_max_lifetime_2020_min),
                   60e3);
        lc->has_max_lifetime = true;
    } else {
        mdl_lifecycle_set_keep_alive(lc, SIMFAAS_KEEP_ALIVE_S, 0);
        sim_dist_deterministic(&lc->max_lifetime, 0);
        lc->has_max_lifetime = false;
    }
    if (d->placement_wait)
        table_dist(&lc->placement, k_placement_2020_ms, NPTS(k_placement_2020_ms), 1);
    else
        sim_dist_deterministic(&lc->placement, 0);     /* a new environment at once */
    lc->prewarm_probability = d->prewarm_probability;
    /* The lead cannot be seen in the data (the replacement's first use comes
     * after the old environment's last one); 0: ready when it retires. */
    sim_dist_deterministic(&lc->prewarm_lead, 0);
    lc->prewarm_spare = d->prewarm_probability > 0;
    lc->prewarm_takes_pending = d->takes_pending;
}

void mdl_lifecycle_fini(mdl_lifecycle *lc)
{
    if (!lc) return;
    sim_dist_fini(&lc->keep_alive_lone);
    sim_dist_fini(&lc->keep_alive_pool);
    sim_dist_fini(&lc->max_lifetime);
    sim_dist_fini(&lc->prewarm_lead);
    sim_dist_fini(&lc->placement);
}

void mdl_lifecycle_copy(mdl_lifecycle *dst, const mdl_lifecycle *src)
{
    SIM_ASSERT(dst && src && dst != src);
    *dst = *src;
    sim_dist_copy(&dst->keep_alive_lone, &src->keep_alive_lone);
    sim_dist_copy(&dst->keep_alive_pool, &src->keep_alive_pool);
    sim_dist_copy(&dst->max_lifetime, &src->max_lifetime);
    sim_dist_copy(&dst->prewarm_lead, &src->prewarm_lead);
    sim_dist_copy(&dst->placement, &src->placement);
}

void mdl_lifecycle_set_keep_alive(mdl_lifecycle *lc, double keep_alive_s, double jitter_s)
{
    SIM_ASSERT(lc && keep_alive_s >= 0 && jitter_s >= 0 && jitter_s <= keep_alive_s);
    sim_dist_fini(&lc->keep_alive_lone);
    sim_dist_fini(&lc->keep_alive_pool);
    sim_status st = jitter_s > 0
        ? sim_dist_uniform(&lc->keep_alive_lone, (keep_alive_s - jitter_s) * 1e3,
                           (keep_alive_s + jitter_s) * 1e3)
        : sim_dist_deterministic(&lc->keep_alive_lone, keep_alive_s * 1e3);
    SIM_ASSERT(st == SIM_OK);
    sim_dist_copy(&lc->keep_alive_pool, &lc->keep_alive_lone);
}

/* ---- the draws ---------------------------------------------------------------- */

double mdl_lifecycle_max_lifetime_s(const mdl_lifecycle *lc, gsl_rng *r)
{
    SIM_ASSERT(lc && r);
    if (!lc->has_max_lifetime) return INFINITY;
    return fmax(0, sim_dist_sample(&lc->max_lifetime, r)) / 1e3;
}

double mdl_lifecycle_keep_alive_s(const mdl_lifecycle *lc, int live, gsl_rng *r)
{
    SIM_ASSERT(lc && r && live >= 1);
    const sim_dist *d = live == 1 ? &lc->keep_alive_lone : &lc->keep_alive_pool;
    return fmax(0, sim_dist_sample(d, r)) / 1e3;
}

/* The smallest value d can draw (ms), 0 when unbounded below 0 or unknown. */
static double dist_min_ms(const sim_dist *d)
{
    double m = 0;
    switch (d->type) {
    case SIM_DIST_DETERMINISTIC:
    case SIM_DIST_UNIFORM: m = d->a; break;
    case SIM_DIST_PARETO: m = d->b; break;
    case SIM_DIST_PERCENTILES: m = d->vals[0]; break;   /* held flat before the first */
    case SIM_DIST_EMPIRICAL:
        m = d->vals[0];
        for (size_t i = 1; i < d->n; i++) m = fmin(m, d->vals[i]);
        break;
    default: m = 0; break;
    }
    return fmax(0, m);
}

double mdl_lifecycle_keep_alive_min_s(const mdl_lifecycle *lc)
{
    SIM_ASSERT(lc);
    return fmin(dist_min_ms(&lc->keep_alive_lone), dist_min_ms(&lc->keep_alive_pool)) / 1e3;
}

bool mdl_lifecycle_keep_alive_fixed(const mdl_lifecycle *lc, double *keep_alive_s)
{
    SIM_ASSERT(lc && keep_alive_s);
    const sim_dist *a = &lc->keep_alive_lone, *b = &lc->keep_alive_pool;
    if (a->type != SIM_DIST_DETERMINISTIC || b->type != SIM_DIST_DETERMINISTIC || a->a != b->a)
        return false;
    *keep_alive_s = fmax(0, a->a) / 1e3;
    return true;
}

bool mdl_lifecycle_prewarm(const mdl_lifecycle *lc, gsl_rng *r, double now_s,
                           double retire_at_s, double *init_at_s)
{
    SIM_ASSERT(lc && r && init_at_s && retire_at_s >= now_s);
    double p = lc->prewarm_probability;
    if (!isfinite(retire_at_s) || p <= 0) return false;
    if (p < 1 && sim_rng_uniform(r) >= p) return false;
    double lead = fmax(0, sim_dist_sample(&lc->prewarm_lead, r)) / 1e3;
    *init_at_s = fmax(now_s, retire_at_s - lead);
    return true;
}

bool mdl_lifecycle_places(const mdl_lifecycle *lc)
{
    SIM_ASSERT(lc);
    const sim_dist *d = &lc->placement;
    return !(d->type == SIM_DIST_DETERMINISTIC && d->a <= 0);
}

double mdl_lifecycle_placement_s(const mdl_lifecycle *lc, gsl_rng *r)
{
    SIM_ASSERT(lc && r);
    return fmax(0, sim_dist_sample(&lc->placement, r)) / 1e3;
}

/* ---- documentation ------------------------------------------------------------ */

#define DATA_2020 "data/aws_lambda_2020 via tests/aws2020_analyze"
#define DATED_2020 "measured 2020-04-24 to 2020-06-19"
#define AWS_DG "AWS Lambda Developer Guide, \"Understanding the Lambda execution environment lifecycle\""

static const mdl_lc_note k_notes_simfaas[] = {
    { "reuse", "newest idle environment (latest created)",
      "SimFaaS ServerlessSimulator.schedule_warm_instance (pacslab/simfaas v0.2.2)", "2021" },
    { "keep_alive_lone, keep_alive_pool", "600 s after the last use, alone or in a pool",
      "SimFaaS expiration_threshold default; AWS's ~10 min since July 2019 (mikhail.io)", "2021" },
    { "max_lifetime", "none", "SimFaaS has none", "2021" },
    { "prewarm", "none", "SimFaaS has none", "2021" },
    { "placement", "0: a request finding no idle environment starts a new one at once",
      "SimFaaS ServerlessSimulator (pacslab/simfaas v0.2.2)", "2021" },
};

static const mdl_lc_note k_notes_2020[] = {
    { "reuse", "most recently freed idle environment (mru)",
      "22,457 of 22,462 warm requests that had a choice (99.98 %), " DATA_2020, DATED_2020 },
    { "keep_alive_lone", "uniform 626.3-653.9 s",
      "lone idle gaps survived up to 653.9 s; 225 lone environments gone, after 626.3 s at the "
      "earliest, " DATA_2020, DATED_2020 },
    { "keep_alive_pool", "percentiles 620-1540 s, half of it above 1380 s (table above)",
      "Turnbull NPMLE over 227 censored idle periods with other environments alive, support "
      "from 600 s, " DATA_2020, DATED_2020 },
    { "max_lifetime", "percentiles 7-124 min from creation, median 119.2 min (table above); "
      "a busy environment finishes its request first",
      "Turnbull NPMLE over 351 environments born in a slow cold start, 61 recycles seen; no "
      "environment used beyond 123.1 min, " DATA_2020, DATED_2020 },
    { "prewarm", "probability 1, lead 0 s, last choice until first use",
      "107 first uses without INIT for 109 recycles; none while another environment was idle, "
      DATA_2020, DATED_2020 },
    { "placement", "percentiles 225-672 ms, median 278 ms (table above)",
      "46 warm requests waited for their busy environment rather than start one; the 34 waits "
      "that ended well after it freed, " DATA_2020, DATED_2020 },
};

static const mdl_lc_note k_notes_now[] = {
    { "reuse", "mru, as aws-2020", "AWS documents no routing rule", "" },
    { "keep_alive_lone, keep_alive_pool", "as aws-2020",
      AWS_DG ": environments are kept \"for some time\" after an invocation; AWS does not publish "
      "the figure (AWS re:Post answer)", "guide as of 2025" },
    { "max_lifetime", "as aws-2020 (about 2 h)",
      AWS_DG ": environments are terminated every few hours for runtime updates and maintenance, "
      "even when invoked continuously", "guide as of 2025" },
    { "prewarm", "as aws-2020, and a pre-initialised environment may take a request that waits "
      "on another's INIT",
      AWS_DG ", Init phase: on-demand functions may get environments pre-initialised, e.g. to "
      "replace one about to be shut down, and a request can use one that becomes ready first",
      "guide since 2023-07" },
    { "placement", "0: a request finding every environment busy starts a new one at once",
      "AWS Lambda Developer Guide, \"Understanding Lambda function scaling\": for each "
      "concurrent request Lambda provisions a separate environment; a request that arrives "
      "while the others are busy gets a new one.  aws-2020's wait (46 of 29,746 requests, pools "
      "of at most four) is not carried over", "guide as of 2025" },
};

const mdl_lc_note *mdl_lifecycle_notes(mdl_lc_preset p, size_t *n)
{
    SIM_ASSERT(n && (int)p >= 0 && p < MDL_LC_PRESET_COUNT);
    switch (p) {
    case MDL_LC_SIMFAAS: *n = sizeof k_notes_simfaas / sizeof k_notes_simfaas[0]; return k_notes_simfaas;
    case MDL_LC_AWS_2020: *n = sizeof k_notes_2020 / sizeof k_notes_2020[0]; return k_notes_2020;
    case MDL_LC_AWS_NOW: *n = sizeof k_notes_now / sizeof k_notes_now[0]; return k_notes_now;
    case MDL_LC_PRESET_COUNT: break;
    }
    SIM_ASSERT(!"unknown preset");
    return NULL;
}
