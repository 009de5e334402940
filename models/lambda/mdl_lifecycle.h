/* mdl_lifecycle.h - the life of a Lambda execution environment (issue 22):
 * how long an idle one is kept, how old one may grow, which idle one serves,
 * and whether a recycled one is replaced ahead of time.
 *
 * A lifecycle is a plain set of parameters built from a preset and then
 * overridden key by key (a function's own keys win):
 *
 *   simfaas   SimFaaS's semantics (pacslab/simfaas v0.2.2): a fixed 600 s
 *             keep-alive after the last use, the newest idle environment
 *             serves, no maximum lifetime, no pre-warming.  For comparisons.
 *   aws-2020  what AWS Lambda did in the eleven runs of data/aws_lambda_2020
 *             (2020-04/06, us-east-1), as measured by tests/aws2020_analyze:
 *             keep-alive ~10.5 min when the environment is alone and longer
 *             in a pool, a maximum lifetime of about 2 h, the most recently
 *             freed environment serves, and a recycled environment gets a
 *             replacement initialised ahead.
 *   aws-now   the default: aws-2020 updated with what AWS documents today
 *             (the replacement of an environment about to be shut down, and
 *             a pre-initialised one taking a request that waits on an INIT).
 *
 * Every parameter, its value per preset, its source and date are in one
 * table (mdl_lifecycle_notes); README "How close to AWS" prints it.
 *
 * The simulator keeps per-environment state and events; this module only
 * answers questions, by pure functions: draw a new environment's maximum
 * lifetime, draw the keep-alive of an environment going idle given how many
 * the function has, decide whether and when to pre-warm a replacement.
 * They take the caller's gsl_rng, allocate nothing and compare no strings,
 * so they may run once per invocation.  Building (init, copy, the config's
 * overrides) allocates the distributions' tables; fini frees them.
 *
 * Semantics the simulator follows (models/lambda/mdl_lambda_env.c, README
 * "How close to AWS"):
 *  - the keep-alive counts from the moment an environment goes idle; `live`
 *    is the function's live environments at that moment, itself included:
 *    live == 1 draws keep_alive_lone, live >= 2 keep_alive_pool;
 *  - an environment reaching its maximum lifetime while idle is removed;
 *    while busy it takes no new request and is removed when the request
 *    ends (AWS: "stops routing new requests ... lets in-flight requests
 *    finish");
 *  - a request that finds no idle environment waits `placement` (the time
 *    Lambda takes to place it on a new one); an environment of the function
 *    that is idle by then serves it warm, else a new one starts (cold).  A
 *    `cold` draw (the whole first response) includes that wait; an `init`
 *    (the INIT phase alone) does not;
 *  - a pre-warmed replacement is idle from the end of its INIT, which no
 *    user waits for; until its first use it is the last choice among idle
 *    environments (`prewarm_spare`); its first invocation counts as a cold
 *    start in the data's sense (first use of an environment) but carries no
 *    INIT latency; it counts against neither concurrency nor the scaling
 *    rate, and its INIT is not billed.
 */
#ifndef MDL_LIFECYCLE_H
#define MDL_LIFECYCLE_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/sim_rng.h"

/* Which idle environment serves a request: the most or least recently
 * freed, the newest by creation (SimFaaS), or one at random.  (Here, not in
 * models/config, so that the config can hold a lifecycle without a cycle.) */
typedef enum { MDL_REUSE_MRU, MDL_REUSE_LRU, MDL_REUSE_NEWEST, MDL_REUSE_RANDOM } mdl_reuse;

#define MDL_LC_PRESET_LIST(X)                                               \
    X(SIMFAAS, "simfaas", "SimFaaS semantics (for comparisons)")            \
    X(AWS_2020, "aws-2020", "measured in data/aws_lambda_2020 (2020)")      \
    X(AWS_NOW, "aws-now", "aws-2020 updated with AWS documentation (default)")

typedef enum {
#define MDL__LC_ENUM(id, name, what) MDL_LC_##id,
    MDL_LC_PRESET_LIST(MDL__LC_ENUM)
#undef MDL__LC_ENUM
    MDL_LC_PRESET_COUNT
} mdl_lc_preset;

#define MDL_LC_PRESET_DEFAULT MDL_LC_AWS_NOW

/* Preset names, NULL-terminated (for sim_json_get_enum). */
extern const char *const mdl_lc_preset_names[MDL_LC_PRESET_COUNT + 1];
const char *mdl_lc_preset_name(mdl_lc_preset p);
/* false when `name` is no preset. */
bool mdl_lc_preset_from_name(const char *name, mdl_lc_preset *out);

/* The parameters.  Distributions are in milliseconds, as every config
 * distribution (README "Distributions"). */
typedef struct mdl_lifecycle {
    mdl_lc_preset preset;           /* the base it was built from */
    mdl_reuse reuse;                /* which idle environment serves */
    sim_dist keep_alive_lone;       /* idle time to expiry, alone (ms) */
    sim_dist keep_alive_pool;       /* idle time to expiry, with others (ms) */
    bool has_max_lifetime;
    sim_dist max_lifetime;          /* age at recycling, from creation (ms) */
    double prewarm_probability;     /* a recycle gets a replacement ahead */
    sim_dist prewarm_lead;          /* its INIT starts this long before (ms) */
    bool prewarm_spare;             /* last choice until its first use */
    bool prewarm_takes_pending;     /* may serve a request waiting on an INIT */
    sim_dist placement;             /* a request finding no idle environment waits (ms) */
} mdl_lifecycle;

/* Build from a preset (allocates the tables); free with mdl_lifecycle_fini. */
void mdl_lifecycle_init(mdl_lifecycle *lc, mdl_lc_preset p);
void mdl_lifecycle_fini(mdl_lifecycle *lc);
/* Deep copy; dst must not hold tables (fini it first). */
void mdl_lifecycle_copy(mdl_lifecycle *dst, const mdl_lifecycle *src);

/* The function keys `keep_alive_s` and `keep_alive_jitter_s` (models/config)
 * override both keep-alives: deterministic, or uniform in [T - j, T + j]. */
void mdl_lifecycle_set_keep_alive(mdl_lifecycle *lc, double keep_alive_s, double jitter_s);

/* The config keys that set these parameters (`platform` and each
 * function's) are rows of models/config's option tables
 * (mdl_config_platform.c): the parser, the effective config, the schema and
 * the README come from them. */

/* ---- the questions the simulator asks (pure, no allocation) ---------------- */

/* A new environment's maximum lifetime in seconds, INFINITY when there is
 * none.  One draw from r when there is. */
double mdl_lifecycle_max_lifetime_s(const mdl_lifecycle *lc, gsl_rng *r);

/* The keep-alive (s) of an environment going idle when the function has
 * `live` >= 1 live environments, itself included.  One draw from r. */
double mdl_lifecycle_keep_alive_s(const mdl_lifecycle *lc, int live, gsl_rng *r);

/* A lower bound (s, >= 0) of every keep-alive the lifecycle can draw: 0 when
 * the distributions have no positive minimum.  (The simulator's expiry
 * timers use it to stay lazy: mdl_lambda_env.c.) */
double mdl_lifecycle_keep_alive_min_s(const mdl_lifecycle *lc);

/* True when every keep-alive is the same constant (*keep_alive_s gets it):
 * the simulator can then expire idle environments with one timer per
 * function, in the order they went idle. */
bool mdl_lifecycle_keep_alive_fixed(const mdl_lifecycle *lc, double *keep_alive_s);

/* Whether an environment that will be recycled at `retire_at_s` gets a
 * replacement initialised ahead; if so *init_at_s is when its INIT starts
 * (retire_at_s - lead, not before now_s).  Draws from r only what it needs:
 * a uniform when 0 < probability < 1, then the lead when yes. */
bool mdl_lifecycle_prewarm(const mdl_lifecycle *lc, gsl_rng *r, double now_s,
                           double retire_at_s, double *init_at_s);

/* Whether a request that finds no idle environment waits for its
 * placement (a placement that can draw more than 0). */
bool mdl_lifecycle_places(const mdl_lifecycle *lc);

/* That wait (s, >= 0).  One draw from r. */
double mdl_lifecycle_placement_s(const mdl_lifecycle *lc, gsl_rng *r);

/* ---- documentation --------------------------------------------------------- */

/* One parameter of one preset: its value in words, where it comes from, and
 * when that source is dated. */
typedef struct mdl_lc_note {
    const char *param;
    const char *value;
    const char *source;
    const char *dated;
} mdl_lc_note;

/* The notes of a preset (static storage). */
const mdl_lc_note *mdl_lifecycle_notes(mdl_lc_preset p, size_t *n);

#endif /* MDL_LIFECYCLE_H */
