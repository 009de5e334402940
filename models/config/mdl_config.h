/* mdl_config.h - the run config: the simulated AWS platform as plain data.
 *
 * A scenario is built from a run config (mdl_config_load) into one engine
 * per replication (mdl_scenario_create).  Components:
 *   source    pulls arrivals (Poisson or a trace) and hands each request to
 *   entry     the front door (direct | function_url | apigw_http | apigw_rest),
 *             which adds its overhead, enforces payload, throttle and timeout
 *             rules, then invokes
 *   function  a Lambda function: execution environments (initializing, busy,
 *             idle) with the lifecycle of `platform` (models/lambda/
 *             mdl_lifecycle.h): warm reuse, keep-alive expiry, maximum
 *             lifetime, pre-warmed replacements; the account and reserved
 *             concurrency limits, provisioned concurrency, the scaling rate,
 *             function timeouts, async retries.
 * Service calls a function makes (S3, DynamoDB, Rekognition, EFS) add
 * latency to its duration and usage to the bill; emitting calls (SQS send,
 * Lambda invoke, Step Functions start, S3 put to a bucket) also start work
 * downstream.  A config may have several entries (`entries`), buckets with
 * notifications and named state machines: one graph, one run.
 *
 * Names (targets, queues, buckets, state machines, Task resources) are
 * resolved to indices when the config loads, and a call cycle that every
 * request would follow is an error then (mdl_config_check.c).
 *
 * The config structs are plain data, filled and validated once by
 * mdl_config_load; the simulation never sees json-c.  Every key is a row
 * of an option table (models/config/mdl_config_*.c, sim/sim_opt.h): the
 * same rows drive the parser, the effective config written into reports,
 * the JSON Schema (`lambdasim schema config`) and the README's key table.
 *
 * Files named in a config (a trace, a state machine definition, a kernel
 * profile, a price catalogue) are relative to the config file's folder;
 * bundled data (prices/<region>.json, profiles/default.json) comes from the
 * data directory the caller passes in mdl_config_opts.
 */
#ifndef MDL_PLATFORM_H
#define MDL_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim/sim_json.h"
#include "sim/sim_rng.h"
#include "models/lambda/mdl_lifecycle.h"
#include "models/sizing/mdl_perf.h"
#include "models/pricing/mdl_pricing.h"
#include "models/stepfn/mdl_sfn.h"
#include "sim/sim_status.h"
#include "workloads/trace/wl_azure.h"
#include "workloads/trace/wl_gen.h"

#define MDL_NAME_MAX 64
#define MDL_MAX_FUNCTIONS 64
#define MDL_MAX_CALLS 16
#define MDL_MAX_ROUTES 16
#define MDL_MAX_QUEUES 16
#define MDL_MAX_ENTRIES 16
#define MDL_MAX_BUCKETS 16
#define MDL_MAX_NOTIFY 16        /* notifications of one bucket */
#define MDL_MAX_MACHINES 16
#define MDL_MAX_LOOP_FNS 16      /* functions on call cycles (recursion guard slots) */
#define MDL_KEY_MAX 128          /* an S3 key or key prefix */
/* AWS's recursive loop detection: a chain of requests may enter the same
 * function 16 times; the 17th invocation is stopped (README "Reference
 * facts", Lambda: limits). */
#define MDL_RECURSION_LIMIT 16
/* The name of the shorthand's entry (`entry` + `workload`). */
#define MDL_SHORTHAND_ENTRY "main"

/* A function's timeout when the config gives none: AWS's default
 * (Lambda Developer Guide, "Configure Lambda function timeout": 3 s). */
#define MDL_DEFAULT_TIMEOUT_S 3

typedef enum { MDL_ENTRY_DIRECT, MDL_ENTRY_FUNCTION_URL, MDL_ENTRY_APIGW_HTTP,
               MDL_ENTRY_APIGW_REST, MDL_ENTRY_QUEUE, MDL_ENTRY_S3,
               MDL_ENTRY_STEPFUNCTIONS, MDL_ENTRY_TYPE_COUNT } mdl_entry_type;
typedef enum { MDL_Q_STANDARD, MDL_Q_FIFO } mdl_queue_type;
typedef enum { MDL_POLL_LONG, MDL_POLL_SHORT, MDL_POLL_INSTANT } mdl_poll;
typedef enum { MDL_CONSUMER_NONE, MDL_CONSUMER_WORKERS, MDL_CONSUMER_LAMBDA } mdl_consumer_type;
typedef enum { MDL_SCALING_2023, MDL_SCALING_BURST } mdl_scaling;
/* Service calls.  The last three emit work downstream (README "Flows"); an
 * S3 put to a named bucket does too (its notifications). */
typedef enum { MDL_CALL_S3_GET, MDL_CALL_S3_PUT, MDL_CALL_DDB_READ, MDL_CALL_DDB_WRITE,
               MDL_CALL_REKOGNITION, MDL_CALL_EFS_READ, MDL_CALL_EFS_WRITE,
               MDL_CALL_S3_DELETE, MDL_CALL_SQS_SEND, MDL_CALL_LAMBDA_INVOKE, MDL_CALL_SFN_START,
               MDL_CALL_COUNT } mdl_call_op;
/* Storage that accumulates over a run (README "The month"): a stock that
 * starts at services.<svc>.initial_gb and grows with what is written. */
typedef enum { MDL_STOCK_S3, MDL_STOCK_EFS, MDL_STOCK_DDB, MDL_STOCK_COUNT } mdl_stock_id;
typedef enum { MDL_ARRIVALS_POISSON, MDL_ARRIVALS_DETERMINISTIC } mdl_arrival_process;
typedef enum { MDL_WL_ARRIVALS, MDL_WL_TRACE, MDL_WL_GENERATOR } mdl_workload_kind;
typedef enum { MDL_TRACE_CSV, MDL_TRACE_AZURE2019, MDL_TRACE_AZURE2021 } mdl_trace_format;

/* Outcomes of a request, as the client sees them.  X-macro: the names are
 * the JSON keys of failures.<cause>. */
#define MDL_OUTCOME_LIST(X)                                         \
    X(OK,               "ok")                                       \
    X(THROTTLED,        "throttled")          /* 429 from Lambda */ \
    X(ENTRY_THROTTLED,  "entry_throttled")    /* API GW 429 */      \
    X(FUNCTION_TIMEOUT, "function_timeout")                         \
    X(ENTRY_TIMEOUT,    "entry_timeout")      /* 504 at the door */ \
    X(PAYLOAD_TOO_LARGE,"payload_too_large")                        \
    X(ASYNC_DROPPED,    "async_dropped")      /* retries/age out */ \
    X(DEAD_LETTERED,    "dead_lettered")      /* SQS redrive */     \
    X(EXPIRED,          "expired")            /* SQS retention */   \
    X(SEND_THROTTLED,   "send_throttled")     /* FIFO send cap */   \
    X(SFN_FAILED,       "execution_failed")   /* Step Functions */ \
    X(OUT_OF_MEMORY,    "out_of_memory")      /* kernel working set */ \
    X(RECURSIVE_LOOP,   "recursive_loop")     /* 17th entry of a chain */

typedef enum {
#define MDL__OUT_ENUM(n, s) MDL_OUT_##n,
    MDL_OUTCOME_LIST(MDL__OUT_ENUM)
#undef MDL__OUT_ENUM
    MDL_OUT_COUNT
} mdl_outcome;

const char *mdl_outcome_name(mdl_outcome o);

/* mdl_call.bytes: the request's own payload, or the object it is about. */
#define MDL_BYTES_REQUEST (-1.0)
#define MDL_BYTES_OBJECT (-2.0)

/* One call a function (or a worker) makes per invocation (per message).
 * Emitting calls (mdl_call_emits) start work downstream: their target is
 * resolved to an index when the config loads. */
typedef struct mdl_call {
    mdl_call_op op;
    double bytes;          /* payload moved (an S3 put: the object); MDL_BYTES_* */
    double item_kb;        /* DynamoDB item size */
    int target;            /* queue, function, state machine or bucket (s3 put); -1 */
    uint32_t notify_mask;  /* s3 put to a bucket: its notifications matching `key` */
    bool sync;             /* lambda invoke / stepfunctions start: the caller waits */
    double probability;    /* the call happens with this probability (1: always) */
    char target_name[MDL_NAME_MAX];   /* as written (errors, effective config) */
    char key[MDL_KEY_MAX];            /* s3 put to a bucket: the object's key */
} mdl_call;

/* A mask of calls (bit k: call k) with every call. */
#define MDL_CALLS_ALL ((uint16_t)0xffff)

/* Does the call start work downstream (and need mdl_emit)? */
static inline bool mdl_call_emits(const mdl_call *c)
{
    return c->op == MDL_CALL_SQS_SEND || c->op == MDL_CALL_LAMBDA_INVOKE ||
           c->op == MDL_CALL_SFN_START || (c->op == MDL_CALL_S3_PUT && c->target >= 0);
}

typedef struct mdl_function_cfg {
    char name[MDL_NAME_MAX];
    int memory_mb;
    mdl_arch arch;
    bool image_package;           /* container image: INIT billing rule differs */
    int ephemeral_storage_mb;
    double timeout_s;             /* default MDL_DEFAULT_TIMEOUT_S */
    double response_bytes;        /* what the handler returns (0: nothing sized) */
    bool has_keep_alive;          /* keep_alive_s given: */
    double keep_alive_s;          /* it sets both keep-alives of lc */
    double keep_alive_jitter_s;   /* expiry uniform in [T - j, T + j] */
    mdl_lifecycle lc;             /* its environments' lifecycle: the platform's,
                                   * then its own keys (owned; shared by template
                                   * clones, which never free it) */
    int reserved_concurrency;     /* -1: none */
    int provisioned_concurrency;
    sim_dist warm;                /* handler duration, ms */
    sim_dist warm_more[4];        /* further steps of the handler, summed */
    int nwarm_more;
    json_object *result;          /* what a Step Functions Task gets back (owned; NULL: its input) */
    /* kernel: the handler's time from the Lambda performance model */
    bool has_kernel;
    mdl_perf_kernel kernel;
    double kernel_mp;             /* megapixels per invocation (0: from the request) */
    double kernel_bytes_per_mp;   /* request bytes -> megapixels */
    sim_dist cold;                /* whole first response, ms (has_cold) */
    sim_dist init;                /* Init Duration, ms (has_init) */
    bool has_cold, has_init;
    mdl_call calls[MDL_MAX_CALLS];
    int ncalls;
    bool emits;                   /* some call emits work (mdl_call_emits) */
    bool random_calls;            /* some call has a probability below 1 */
    int loop_slot;                /* on a call cycle: its recursion-guard slot; -1 */
} mdl_function_cfg;

typedef struct mdl_workload_cfg {
    mdl_workload_kind kind;
    /* trace: a file read as a stream (README "Workloads and traces") */
    char trace_file[512];
    mdl_trace_format trace_format;
    char durations_file[512];
    char memory_file[512];
    wl_spread spread;
    char function_template[MDL_NAME_MAX];  /* clone per trace function ("" = none) */
    /* generator: a trace generator spec, run inline */
    wl_gen_spec gen;
    /* arrivals: the built-in Poisson / deterministic source */
    mdl_arrival_process process;
    double rate_per_s;
    /* op mix for the built-in generator: names and weights */
    char mix_op[MDL_MAX_ROUTES][16];
    double mix_w[MDL_MAX_ROUTES];
    double mix_bytes[MDL_MAX_ROUTES];   /* payload per op (default payload_bytes) */
    int nmix;
    sim_dist bytes;               /* request payload bytes (has_bytes) */
    bool has_bytes;
} mdl_workload_cfg;

/* An entry: where client requests come in, with its own workload. */
typedef struct mdl_entry_cfg {
    char name[MDL_NAME_MAX];      /* `entries.<name>`; the shorthand's is "main" */
    bool shorthand;               /* written as `entry` + `workload` (error paths) */
    mdl_workload_cfg workload;
    mdl_entry_type type;
    bool async;                   /* direct only: event (async) invocation */
    char target[MDL_NAME_MAX];    /* default function */
    sim_dist overhead;            /* ms added per request */
    double timeout_s;             /* client gives up (door) */
    double max_payload_bytes;
    /* apigw_rest */
    double cache_hit_ratio;       /* 0 = no cache */
    double cache_gb;
    double throttle_rps, throttle_burst;
    /* s3 entry: the bucket (named, or the one `notify` describes) and key */
    char bucket[MDL_NAME_MAX];
    char key[MDL_KEY_MAX];
    int bucket_index;             /* resolved at load */
    uint32_t notify_mask;         /* the bucket's notifications matching `key` */
    char notify_queue[MDL_NAME_MAX];
    char notify_function[MDL_NAME_MAX];
    sim_dist notify_delay;        /* ms */
    /* stepfunctions entry: a named state machine, or one defined inline */
    char state_machine[MDL_NAME_MAX];
    int machine_index;            /* resolved at load */
    char definition[512];
    mdl_sfn_machine *machine;     /* inline: owned until the load moves it to machines */
    mdl_sfn_type workflow;
    double task_latency_s;
    double express_memory_mb;
    /* routes: op name -> function (from trace ops or the mix) */
    char route_op[MDL_MAX_ROUTES][16];
    char route_fn[MDL_MAX_ROUTES][MDL_NAME_MAX];
    int nroutes;
} mdl_entry_cfg;

/* A queue and its consumer (README "Queues and workers"). */
typedef struct mdl_queue_cfg {
    char name[MDL_NAME_MAX];
    mdl_queue_type type;
    double visibility_timeout_s;
    int max_receive_count;        /* 0: no redrive */
    char dlq[MDL_NAME_MAX];
    int dlq_index;                /* -1: none */
    double duplicate_probability; /* standard: a delivery is duplicated */
    double duplicate_send_probability; /* the producer resends after 1 s */
    double retention_s;
    double delay_s;
    bool high_throughput;         /* FIFO */
    int send_batch_size;          /* producer batching: FIFO cap x this */
    int message_groups;           /* FIFO: groups drawn uniformly */
    mdl_consumer_type consumer;
    /* workers */
    int workers;
    mdl_poll poll;
    double wait_time_s;
    double poll_interval_s;
    int batch_size;
    sim_dist service_time;        /* per message, ms */
    char instance_type[32];
    bool autoscale;
    mdl_call calls[MDL_MAX_CALLS];  /* service calls per message */
    int ncalls;
    bool emits;                   /* some call emits work (mdl_call_emits) */
    bool random_calls;            /* some call has a probability below 1 */
    bool has_kernel;              /* per-message time from the performance model */
    mdl_perf_kernel kernel;
    double kernel_mp, kernel_bytes_per_mp;
    int vcpus;                    /* the worker's vCPUs (the model's CPU share) */
    int as_min, as_max;
    double as_target_depth, as_interval_s, as_cooldown_s, as_boot_s;
    /* lambda event-source mapping */
    char function[MDL_NAME_MAX];
    int fn_index;
    double batching_window_s;
    int maximum_concurrency;      /* 0: not set (up to 1,250) */
    double failure_probability;   /* per message (ReportBatchItemFailures) */
} mdl_queue_cfg;


/* An S3 event notification of a bucket (README "Buckets"). */
typedef struct mdl_notify_cfg {
    char prefix[MDL_KEY_MAX], suffix[MDL_KEY_MAX];   /* key filters ("" matches all) */
    char queue[MDL_NAME_MAX], function[MDL_NAME_MAX];   /* exactly one */
    int queue_index, fn_index;    /* resolved at load; -1 */
    sim_dist delay;               /* ms from the PUT to the notification */
} mdl_notify_cfg;

typedef struct mdl_bucket_cfg {
    char name[MDL_NAME_MAX];
    bool implicit;                /* made for an s3 entry's `notify` (not written back) */
    mdl_notify_cfg notify[MDL_MAX_NOTIFY];
    int nnotify;
} mdl_bucket_cfg;

/* A Step Functions state machine (README "State machines"). */
typedef struct mdl_machine_cfg {
    char name[MDL_NAME_MAX];
    bool implicit;                /* a stepfunctions entry's inline definition */
    char definition[512];         /* the ASL file ("" when inline) */
    json_object *inline_def;      /* the ASL given inline, or NULL (owned) */
    mdl_sfn_machine *machine;     /* owned */
    mdl_sfn_type workflow;
    double task_latency_s;
    double express_memory_mb;
} mdl_machine_cfg;

typedef struct mdl_config {
    double duration_s;
    double warmup_s;
    uint64_t seed;
    mdl_entry_cfg entry[MDL_MAX_ENTRIES];   /* `entries`, or the shorthand's one */
    int nentry;
    int account_concurrency;
    mdl_scaling scaling;
    double burst_limit;           /* pre-2023 model: initial burst */
    /* billing: the meter's options and the catalogue of the region */
    mdl_free_tier free_tier;
    int granularity_ms;           /* 1 (since 2020-12) or 100 (legacy) */
    char month[8];                /* "YYYY-MM" billed (dated rules), "" = catalogue's */
    char catalog_file[512];       /* billing.catalog, resolved ("" = the region's) */
    int month_index;              /* billing.month_index: the month projected (1 = the first) */
    mdl_catalog *catalog;         /* owned; loaded for `region` (or billing.catalog) */
    char region[32];
    double async_max_event_age_s;
    int async_max_retries;
    sim_dist svc_latency[MDL_CALL_COUNT];   /* per service call, ms */
    double svc_mbps[MDL_CALL_COUNT];        /* transfer rate for payload bytes */
    double stock_initial_gb[MDL_STOCK_COUNT]; /* storage at the start (services.<svc>.initial_gb) */
    mdl_lifecycle platform;       /* `platform`: the preset and its overrides,
                                   * what every function starts from (owned) */
    mdl_function_cfg fn[MDL_MAX_FUNCTIONS];
    int nfn;
    mdl_queue_cfg q[MDL_MAX_QUEUES];
    int nq;
    mdl_bucket_cfg bucket[MDL_MAX_BUCKETS];   /* named, then implicit */
    int nbucket;
    mdl_machine_cfg machine[MDL_MAX_MACHINES]; /* named, then implicit */
    int nmachine;
    int nloop_fn;                 /* functions on call cycles (their loop_slot) */
    json_object *effective;       /* the effective config, for reports (owned) */
} mdl_config;

/* Replace the workload with our CSV trace FILE (the run --trace option).
 * Errors: a config with several entries (which one would it feed?). */
sim_status mdl_config_use_trace(mdl_config *cfg, const char *path, sim_error *err);

/* How a config is read.  All fields may be NULL/0 (a NULL opts too). */
typedef struct mdl_config_opts {
    const char *data_dir;      /* bundled data: prices/<region>.json and
                                * profiles/default.json; NULL: "data" */
    const char *base_dir;      /* what relative paths in the config are
                                * relative to; NULL: the config file's folder
                                * (the folder of doc->input) */
    const char *const *set;    /* overrides "KEY=VALUE" (--set), applied to the
                                * document before validation, in order */
    size_t nset;
} mdl_config_opts;

/* Load and validate a run config.  Errors name file, line and JSON path;
 * an error in a key an override set names "--set" instead of the file. */
sim_status mdl_config_load(mdl_config *cfg, const char *path, const mdl_config_opts *opts,
                           sim_error *err);
/* Same from an already-parsed document (whose tree the overrides modify). */
sim_status mdl_config_from_doc(mdl_config *cfg, sim_json_doc *doc, const mdl_config_opts *opts,
                               sim_error *err);
void mdl_config_fini(mdl_config *cfg);

/* Apply overrides "KEY=VALUE" (a dotted path, "a.b[2].c"; the value is
 * JSON when it parses as JSON, else a string) to a document.  Errors name
 * the override. */
sim_status mdl_config_apply_sets(sim_json_doc *doc, const char *const *set, size_t nset,
                                 sim_error *err);

/* Check one scalar value against the option-table row its dotted config
 * path names ("functions.f.memory_mb", "queues.q.consumer.batch_size"):
 * type, range and choices, as the loader would.  A non-numeric value
 * whose row has a hook or nested keys, or a path that names no row,
 * passes (the loader checks it).  For writers of configs (import terraform) that cannot load
 * the whole document yet.  Errors name `label` and the path. */
sim_status mdl_config_check_value(const char *path, json_object *v, const char *label,
                                  sim_error *err);

/* JSON Schema (draft 2020-12) of a run config, from the parser's tables
 * (caller owns). */
json_object *mdl_config_schema(void);
/* The README's key tables (every key, then the front-door defaults). */
void mdl_config_markdown(FILE *fp);

/* Index of a function / queue / bucket / state machine / entry by name, or -1. */
int mdl_config_find_function(const mdl_config *cfg, const char *name);
int mdl_config_find_queue(const mdl_config *cfg, const char *name);
int mdl_config_find_bucket(const mdl_config *cfg, const char *name);
int mdl_config_find_machine(const mdl_config *cfg, const char *name);
int mdl_config_find_entry(const mdl_config *cfg, const char *name);
/* Is this the entry named "main" (the shorthand's name)?  It draws from
 * the random streams one-entry configs always used, so a config gives the
 * same results written either way. */
static inline bool mdl_entry_is_main(const mdl_entry_cfg *e)
{
    return strcmp(e->name, MDL_SHORTHAND_ENTRY) == 0;
}
/* The JSON path of entry i ("entry" for the shorthand, "entries.<name>")
 * and of its workload ("workload", "entries.<name>.workload"), into buf. */
const char *mdl_config_entry_path(const mdl_config *cfg, int i, char *buf, size_t n);
const char *mdl_config_workload_path(const mdl_config *cfg, int i, char *buf, size_t n);
/* The function a Step Functions Task Resource names (Lambda ARN or bare
 * name), or -1. */
int mdl_config_resource_function(const mdl_config *cfg, const char *resource);

#endif /* MDL_PLATFORM_H */
