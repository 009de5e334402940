/* mdl_meter.h - accumulate one month's billable usage, event by event.
 *
 * The simulator calls the meter once per billable event (an invocation, an
 * API request, a queue call, a state transition), so every per-event call is
 * a few additions into a caller-visible mdl_usage: no allocation, no look-up
 * by name, no catalogue access.  Metering units (512 KB API requests, 64 KB
 * SQS chunks, 100 ms x 64 MB Express units, the Lambda billing granularity)
 * are read from the catalogue's "rules" once, at mdl_meter_create.
 *
 * Things with identity (Lambda functions, REST API caches, EC2 instance
 * types) are registered before the run and then addressed by index; only
 * registration allocates.  The `lambdasim cost` command fills the same usage
 * through the bulk calls (mdl_meter_lambda_bulk etc.), so a usage file and a
 * simulated month are billed by the same code (mdl_bill.h).
 *
 * Quantities are stored as sums of already-rounded units (billed ms, chunks,
 * Express units), so they are exact integers in a double up to 2^53.
 */
#ifndef MDL_METER_H
#define MDL_METER_H

#include <stdbool.h>
#include <stddef.h>

#include "models/pricing/mdl_pricing.h"
#include "sim/sim_status.h"

/* Services, in bill order.  Names are the JSON keys of the bill. */
#define MDL_SERVICE_LIST(X)                  \
    X(LAMBDA, "lambda")                      \
    X(FUNCTION_URL, "function_url")          \
    X(APIGW, "apigw")                        \
    X(SQS, "sqs")                            \
    X(STEPFUNCTIONS, "stepfunctions")        \
    X(S3, "s3")                              \
    X(DYNAMODB, "dynamodb")                  \
    X(REKOGNITION, "rekognition")            \
    X(EFS, "efs")                            \
    X(EC2, "ec2")                            \
    X(DATA_TRANSFER, "data_transfer")

typedef enum {
#define MDL__SVC_ENUM(id, name) MDL_SVC_##id,
    MDL_SERVICE_LIST(MDL__SVC_ENUM)
#undef MDL__SVC_ENUM
    MDL_SVC_COUNT
} mdl_service;

const char *mdl_service_name(mdl_service s);

/* How a Lambda function is packaged: decides whether INIT is billed
 * (ZIP on managed runtimes from 2025-08-01; container images and custom
 * runtimes always: README "Reference facts", Lambda: prices). */
typedef enum { MDL_PACKAGE_ZIP, MDL_PACKAGE_IMAGE } mdl_package;

/* What a month accumulates, one X-macro per record: X(field, unit).  Each
 * list is the one source for the fields themselves, mdl_meter_reset (which
 * zeroes them) and mdl_usage_scale (which scales them, e.g. to a 730-hour
 * month); everything else in a record is identity or configuration. */
#define MDL_USAGE_FN_FIELDS(X)                                                      \
    X(requests, "requests")          /* billed (async events > 256 KB count extra) */ \
    X(invocations, "invocations")    /* informative */                                \
    X(cold_starts, "cold starts")    /* informative */                                \
    X(billed_ms, "ms")               /* on-demand billed duration, INIT when billed */\
    X(pc_billed_ms, "ms")            /* billed duration of invocations served by PC */\
    X(pc_configured_s, "s")          /* PC configured (rounded up to 5 min per call) */
#define MDL_USAGE_CACHE_FIELDS(X) X(hours, "hours")
#define MDL_USAGE_EC2_FIELDS(X) X(hours, "instance-hours")
#define MDL_USAGE_FIELDS(X)                                                         \
    X(function_url_requests, "requests")                                            \
    X(apigw_http_requests, "512 KB requests")                                       \
    X(apigw_rest_requests, "requests")                                              \
    X(sqs_standard_requests, "64 KB requests")                                      \
    X(sqs_fifo_requests, "64 KB requests")                                          \
    X(sfn_transitions, "transitions")                                               \
    X(sfn_express_requests, "requests")                                             \
    X(sfn_express_units, "100 ms x 64 MB units")                                    \
    X(s3_storage_gb_month, "GB-month")                                              \
    X(s3_put, "requests")                                                           \
    X(s3_get, "requests")                                                           \
    X(ddb_wru, "write request units")                                               \
    X(ddb_rru, "read request units")                                                \
    X(ddb_wcu_hours, "WCU-hours")     /* provisioned capacity */                    \
    X(ddb_rcu_hours, "RCU-hours")                                                   \
    X(ddb_storage_gb_month, "GB-month")                                             \
    X(rek_group1, "images")                                                         \
    X(rek_group2, "images")           /* DetectLabels */                            \
    X(efs_standard_gb_month, "GB-month")                                            \
    X(efs_ia_gb_month, "GB-month")                                                  \
    X(efs_archive_gb_month, "GB-month")                                             \
    X(efs_read_gb, "GB")                                                            \
    X(efs_write_gb, "GB")                                                           \
    X(dto_gb, "GB")                   /* data transfer out to the internet */

#define MDL__USAGE_FIELD(f, unit) double f;

/* One registered Lambda function and what it used. */
typedef struct mdl_usage_fn {
    char name[64];
    mdl_arch arch;
    double memory_mb;
    double ephemeral_mb;      /* 512..10240 */
    mdl_package package;
    double provisioned;       /* configured provisioned concurrency (0 = none) */
    MDL_USAGE_FN_FIELDS(MDL__USAGE_FIELD)
} mdl_usage_fn;

typedef struct mdl_usage_cache {
    double gb;                /* cache size, one of the catalogue's sizes */
    double usd_per_hour;      /* resolved at registration */
    MDL_USAGE_CACHE_FIELDS(MDL__USAGE_FIELD)
} mdl_usage_cache;

typedef struct mdl_usage_ec2 {
    char type[32];
    double usd_per_hour;      /* resolved at registration */
    MDL_USAGE_EC2_FIELDS(MDL__USAGE_FIELD)
} mdl_usage_ec2;

/* A month of usage.  Plain data: the meter writes it, mdl_bill reads it. */
typedef struct mdl_usage {
    mdl_free_tier free_tier;
    int granularity_ms;       /* Lambda billing granularity: 1 or 100 */
    char month[8];            /* "YYYY-MM" being billed (dated rules) */
    bool init_billed_zip;     /* INIT billed for ZIP functions this month */
    bool ddb_new_prices;      /* DynamoDB on-demand at the 2024-11 prices */
    bool present[MDL_SVC_COUNT]; /* services that appear on the bill */

    size_t n_fn, cap_fn;
    mdl_usage_fn *fn;
    size_t n_cache, cap_cache;
    mdl_usage_cache *cache;   /* REST API caches */
    size_t n_ec2, cap_ec2;
    mdl_usage_ec2 *ec2;

    MDL_USAGE_FIELDS(MDL__USAGE_FIELD)
} mdl_usage;

typedef struct mdl_meter_opts {
    mdl_free_tier free_tier;
    int granularity_ms;       /* 1 or 100 */
    const char *month;        /* "YYYY-MM"; NULL = the catalogue's effective month */
} mdl_meter_opts;

typedef struct mdl_meter mdl_meter;

/* Create a meter for one month under a catalogue (which must outlive it).
 * Errors: a bad option or a catalogue lacking a metering rule. */
sim_status mdl_meter_create(const mdl_catalog *cat, const mdl_meter_opts *opts,
                            mdl_meter **out, sim_error *err);
void mdl_meter_destroy(mdl_meter *m);

/* Zero every counter, keeping registrations (a new replication or month). */
void mdl_meter_reset(mdl_meter *m);

const mdl_usage *mdl_meter_usage(const mdl_meter *m);

/* A copy of u with every accumulated quantity (the MDL_USAGE_*_FIELDS)
 * times k, registrations and modes kept: the monthly projection of a
 * simulated span.  Allocates the copies of the registries; free them with
 * mdl_usage_scale_free. */
void mdl_usage_scale(const mdl_usage *u, double k, mdl_usage *out);
void mdl_usage_scale_free(mdl_usage *u);
const mdl_catalog *mdl_meter_catalog(const mdl_meter *m);

/* Mark a service as present on the bill even with zero usage. */
void mdl_meter_touch(mdl_meter *m, mdl_service s);

/* ---- registration (may allocate) --------------------------------------- */

typedef struct mdl_lambda_spec {
    const char *name;
    mdl_arch arch;
    double memory_mb;         /* 128..10240 */
    double ephemeral_mb;      /* 0 = 512 (the default) */
    mdl_package package;
    double provisioned;       /* PC units configured (0 = none) */
} mdl_lambda_spec;

/* Returns the function's index for the per-event calls. */
int mdl_meter_add_function(mdl_meter *m, const mdl_lambda_spec *spec);

/* A REST API cache of `gb` (must be a catalogue size).  Returns its index. */
sim_status mdl_meter_add_rest_cache(mdl_meter *m, double gb, const char *input, long line,
                                    const char *field, int *index, sim_error *err);

/* An EC2 instance type (must be in the catalogue).  Returns its index. */
sim_status mdl_meter_add_instance_type(mdl_meter *m, const char *type, const char *input,
                                       long line, const char *field, int *index,
                                       sim_error *err);

/* ---- per-event calls (no allocation) ------------------------------------ */

/* One Lambda invocation: `duration_ms` of handler time, plus `init_ms` when
 * this invocation started a new execution environment (0 when warm).  INIT
 * is billed by the dated rule; on_pc = served by provisioned concurrency. */
void mdl_meter_lambda_invocation(mdl_meter *m, int fn, double duration_ms, double init_ms,
                                 bool on_pc);
/* Extra requests of an async event above 256 KB (1 per further 64 KB). */
void mdl_meter_lambda_async_payload(mdl_meter *m, int fn, double payload_kb);
/* Provisioned concurrency configured for `seconds` (rounded up to 5 min). */
void mdl_meter_lambda_provisioned(mdl_meter *m, int fn, double seconds);

void mdl_meter_function_url_request(mdl_meter *m);
/* One HTTP API request of `request_kb` (metered in 512 KB units, minimum 1). */
void mdl_meter_apigw_http(mdl_meter *m, double request_kb);
void mdl_meter_apigw_rest(mdl_meter *m);
void mdl_meter_rest_cache_hours(mdl_meter *m, int cache, double hours);

/* One SQS API call carrying `payload_kb` (64 KB chunks, minimum 1). */
void mdl_meter_sqs_call(mdl_meter *m, bool fifo, double payload_kb);

void mdl_meter_sfn_transitions(mdl_meter *m, double n);
/* One Express execution (100 ms rounding, 64 MB chunks, 64 MB minimum). */
void mdl_meter_sfn_express(mdl_meter *m, double duration_ms, double memory_mb);
/* Billing units of one Express execution: (100 ms units) x (64 MB chunks). */
double mdl_meter_sfn_express_units(const mdl_meter *m, double duration_ms, double memory_mb);
/* The same rule, spelled out: billed duration (rounded up to the unit,
 * one unit at least) and GB-s at the memory rounded up to its chunks. */
double mdl_meter_sfn_express_billed_ms(const mdl_meter *m, double duration_ms);
double mdl_meter_sfn_express_gb_s(const mdl_meter *m, double duration_ms, double memory_mb);

void mdl_meter_s3_put(mdl_meter *m, double n);
void mdl_meter_s3_get(mdl_meter *m, double n);
void mdl_meter_s3_storage(mdl_meter *m, double gb_month);

/* DynamoDB on-demand: one write of item_kb (1 KB units, x2 transactional);
 * one read of item_kb (4 KB units; x0.5 eventually consistent, x2
 * transactional). */
void mdl_meter_ddb_write(mdl_meter *m, double item_kb, bool transactional);
void mdl_meter_ddb_read(mdl_meter *m, double item_kb, bool strong, bool transactional);
void mdl_meter_ddb_units(mdl_meter *m, double wru, double rru);
void mdl_meter_ddb_provisioned(mdl_meter *m, double wcu, double rcu, double hours);
void mdl_meter_ddb_storage(mdl_meter *m, double gb_month);

/* Rekognition image API calls (group 2 = DetectLabels). */
void mdl_meter_rekognition(mdl_meter *m, int group, double images);

void mdl_meter_efs_storage(mdl_meter *m, double standard_gb_month, double ia_gb_month,
                           double archive_gb_month);
void mdl_meter_efs_io(mdl_meter *m, double read_gb, double write_gb);

void mdl_meter_ec2_hours(mdl_meter *m, int type, double instance_hours);

void mdl_meter_dto(mdl_meter *m, double gb);

/* ---- bulk calls for usage files (averages, as the AWS calculator) ------ */

/* `requests` invocations of `avg_duration_ms` each (rounded to the billing
 * granularity as one invocation would be), of which `cold_starts` also paid
 * `avg_init_ms` of INIT when billed.  PC, if configured for `pc_seconds`,
 * serves duration first up to its capacity; the rest is on-demand. */
void mdl_meter_lambda_bulk(mdl_meter *m, int fn, double requests, double avg_duration_ms,
                           double cold_starts, double avg_init_ms, double pc_seconds);
void mdl_meter_apigw_http_bulk(mdl_meter *m, double requests, double avg_request_kb);
void mdl_meter_apigw_rest_bulk(mdl_meter *m, double requests);
void mdl_meter_function_url_bulk(mdl_meter *m, double requests);
void mdl_meter_sqs_bulk(mdl_meter *m, bool fifo, double requests, double avg_payload_kb);
void mdl_meter_sfn_express_bulk(mdl_meter *m, double requests, double avg_duration_ms,
                                double memory_mb);

#endif /* MDL_METER_H */
