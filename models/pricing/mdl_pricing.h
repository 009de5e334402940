/* mdl_pricing.h - the AWS price catalogue: load, validate, look up rates.
 *
 * A catalogue is one JSON file per region (data/prices/<region>.json) with
 * three sections: "rates" (prices), "free_tier" (allowances and the regime
 * that grants them) and "rules" (metering units and dated billing rules).
 * Every entry names its source.  The set of entries lambdasim understands is
 * the static table MDL_ENTRY_LIST below (one row per entry: id, section,
 * service, key, kind, unit), so the loader, the error messages and the bill
 * cannot disagree about names or units.  Unknown keys, negative numbers,
 * wrong units and unordered tiers are load errors naming file and field.
 *
 * A region may lack entries: its sources simply have no figure for it.  An
 * absent entry is never read as zero: asking for it (mdl_catalog_need) is an
 * error that names the rate, the file and what needed it.  us-east-1 is
 * complete (mdl_catalog_missing_count() == 0, checked by the tests).
 *
 * The catalogue is immutable after loading, so one instance may be shared by
 * any number of meters, bills and threads.
 */
#ifndef MDL_PRICING_H
#define MDL_PRICING_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/sim_status.h"

/* Entry kinds: how the JSON object of an entry looks. */
typedef enum {
    MDL_KIND_FLAT,     /* {"usd": x}                              one price per unit  */
    MDL_KIND_TIERED,   /* {"tiers": [{"upto": q, "usd": x}, ...]} graduated monthly   */
    MDL_KIND_SIZES,    /* {"sizes": [{"gb": g, "usd": x}, ...]}   price per size      */
    MDL_KIND_TYPES,    /* {"types": [{"type": t, "usd": x, "source": s}, ...]}        */
    MDL_KIND_QUANTITY, /* {"quantity": q, "regime": r}            free allowance      */
    MDL_KIND_NUMBER,   /* {"value": n}                            metering rule       */
    MDL_KIND_DATE      /* {"value": "YYYY-MM-DD"}                 dated billing rule  */
} mdl_kind;

/* X(ID, section, service, key, kind, unit) */
#define MDL_ENTRY_LIST(X)                                                               \
    X(LAMBDA_REQUESTS,        "rates", "lambda", "requests", FLAT, "request")            \
    X(LAMBDA_DURATION_X86,    "rates", "lambda", "duration_x86_64", TIERED, "GB-s")      \
    X(LAMBDA_DURATION_ARM,    "rates", "lambda", "duration_arm64", TIERED, "GB-s")       \
    X(LAMBDA_PC_X86,          "rates", "lambda", "provisioned_x86_64", FLAT, "GB-s")     \
    X(LAMBDA_PC_ARM,          "rates", "lambda", "provisioned_arm64", FLAT, "GB-s")      \
    X(LAMBDA_PC_DURATION_X86, "rates", "lambda", "provisioned_duration_x86_64", FLAT, "GB-s") \
    X(LAMBDA_PC_DURATION_ARM, "rates", "lambda", "provisioned_duration_arm64", FLAT, "GB-s") \
    X(LAMBDA_EPHEMERAL,       "rates", "lambda", "ephemeral_storage", FLAT, "GB-s")      \
    X(FURL_REQUESTS,          "rates", "function_url", "requests", FLAT, "request")      \
    X(APIGW_HTTP,             "rates", "apigw", "http_requests", TIERED, "request")      \
    X(APIGW_REST,             "rates", "apigw", "rest_requests", TIERED, "request")      \
    X(APIGW_REST_CACHE,       "rates", "apigw", "rest_cache", SIZES, "hour")             \
    X(SQS_STANDARD,           "rates", "sqs", "standard_requests", TIERED, "request")    \
    X(SQS_FIFO,               "rates", "sqs", "fifo_requests", TIERED, "request")        \
    X(SFN_TRANSITIONS,        "rates", "stepfunctions", "standard_transitions", FLAT, "transition") \
    X(SFN_EXPRESS_REQUESTS,   "rates", "stepfunctions", "express_requests", FLAT, "request") \
    X(SFN_EXPRESS_DURATION,   "rates", "stepfunctions", "express_duration", TIERED, "GB-s") \
    X(S3_STORAGE,             "rates", "s3", "storage_standard", TIERED, "GB-month")     \
    X(S3_PUT,                 "rates", "s3", "put_requests", FLAT, "request")            \
    X(S3_GET,                 "rates", "s3", "get_requests", FLAT, "request")            \
    X(DDB_WRU,                "rates", "dynamodb", "write_request_units", FLAT, "WRU")   \
    X(DDB_RRU,                "rates", "dynamodb", "read_request_units", FLAT, "RRU")    \
    X(DDB_WRU_OLD,            "rates", "dynamodb", "write_request_units_before_2024_11", FLAT, "WRU") \
    X(DDB_RRU_OLD,            "rates", "dynamodb", "read_request_units_before_2024_11", FLAT, "RRU") \
    X(DDB_WCU_HOURS,          "rates", "dynamodb", "wcu_hours", FLAT, "WCU-hour")        \
    X(DDB_RCU_HOURS,          "rates", "dynamodb", "rcu_hours", FLAT, "RCU-hour")        \
    X(DDB_STORAGE,            "rates", "dynamodb", "storage", FLAT, "GB-month")          \
    X(REK_GROUP1,             "rates", "rekognition", "images_group1", TIERED, "image")  \
    X(REK_GROUP2,             "rates", "rekognition", "images_group2", TIERED, "image")  \
    X(EFS_STANDARD,           "rates", "efs", "storage_standard", FLAT, "GB-month")      \
    X(EFS_IA,                 "rates", "efs", "storage_ia", FLAT, "GB-month")            \
    X(EFS_ARCHIVE,            "rates", "efs", "storage_archive", FLAT, "GB-month")       \
    X(EFS_READ,               "rates", "efs", "elastic_read", FLAT, "GB")                \
    X(EFS_WRITE,              "rates", "efs", "elastic_write", FLAT, "GB")               \
    X(EC2_ON_DEMAND,          "rates", "ec2", "on_demand", TYPES, "instance-hour")       \
    X(DTO_INTERNET,           "rates", "data_transfer", "internet_out", TIERED, "GB")    \
    X(FREE_LAMBDA_REQUESTS,   "free_tier", "lambda", "requests", QUANTITY, "request")    \
    X(FREE_LAMBDA_GBS,        "free_tier", "lambda", "gb_seconds", QUANTITY, "GB-s")     \
    X(FREE_APIGW_HTTP,        "free_tier", "apigw", "http_requests", QUANTITY, "request") \
    X(FREE_APIGW_REST,        "free_tier", "apigw", "rest_requests", QUANTITY, "request") \
    X(FREE_SQS,               "free_tier", "sqs", "requests", QUANTITY, "request")       \
    X(FREE_SFN_TRANSITIONS,   "free_tier", "stepfunctions", "standard_transitions", QUANTITY, "transition") \
    X(FREE_S3_STORAGE,        "free_tier", "s3", "storage_gb_month", QUANTITY, "GB-month") \
    X(FREE_S3_GET,            "free_tier", "s3", "get_requests", QUANTITY, "request")    \
    X(FREE_S3_PUT,            "free_tier", "s3", "put_requests", QUANTITY, "request")    \
    X(FREE_DDB_STORAGE,       "free_tier", "dynamodb", "storage_gb_month", QUANTITY, "GB-month") \
    X(FREE_DDB_WCU,           "free_tier", "dynamodb", "wcu", QUANTITY, "WCU")           \
    X(FREE_DDB_RCU,           "free_tier", "dynamodb", "rcu", QUANTITY, "RCU")           \
    X(FREE_REKOGNITION,       "free_tier", "rekognition", "images", QUANTITY, "image")   \
    X(FREE_DTO,               "free_tier", "data_transfer", "internet_out_gb", QUANTITY, "GB") \
    X(RULE_LAMBDA_GRANULARITY,"rules", "lambda", "billing_granularity_ms", NUMBER, "ms")  \
    X(RULE_LAMBDA_INIT_FROM,  "rules", "lambda", "init_billed_from", DATE, "")           \
    X(RULE_LAMBDA_EPH_FREE_MB,"rules", "lambda", "ephemeral_free_mb", NUMBER, "MB")      \
    X(RULE_LAMBDA_PC_ROUND_S, "rules", "lambda", "provisioned_rounding_s", NUMBER, "s")  \
    X(RULE_APIGW_HTTP_KB,     "rules", "apigw", "http_metering_kb", NUMBER, "KB")        \
    X(RULE_SQS_CHUNK_KB,      "rules", "sqs", "chunk_kb", NUMBER, "KB")                  \
    X(RULE_SFN_EXPRESS_MS,    "rules", "stepfunctions", "express_duration_unit_ms", NUMBER, "ms") \
    X(RULE_SFN_EXPRESS_MB,    "rules", "stepfunctions", "express_memory_unit_mb", NUMBER, "MB") \
    X(RULE_DDB_CUT_FROM,      "rules", "dynamodb", "on_demand_price_cut_from", DATE, "") \
    X(RULE_MONTH_HOURS,       "rules", "month", "hours", NUMBER, "h")

typedef enum {
#define MDL__ENTRY_ENUM(id, sec, svc, key, kind, unit) MDL_##id,
    MDL_ENTRY_LIST(MDL__ENTRY_ENUM)
#undef MDL__ENTRY_ENUM
    MDL_ENTRY_COUNT
} mdl_entry_id;

typedef enum { MDL_ARCH_X86_64, MDL_ARCH_ARM64, MDL_ARCH_COUNT } mdl_arch;

/* Which free allowances apply (README "Reference facts", Free tiers). */
typedef enum {
    MDL_FREE_NONE,        /* no allowance at all                               */
    MDL_FREE_ALWAYS,      /* the allowances that never expire                  */
    MDL_FREE_LEGACY_12MO, /* always-free + the 12-month offers (old accounts)  */
    MDL_FREE_COUNT
} mdl_free_tier;

/* "x86_64"/"arm64"; "none"/"always_free"/"legacy_12mo". */
const char *mdl_arch_name(mdl_arch a);
const char *mdl_free_tier_name(mdl_free_tier f);

/* Most tiers, sizes or instance types one entry may list. */
#define MDL_MAX_TIERS 8
#define MDL_MAX_CHOICES 16

typedef struct mdl_catalog mdl_catalog;

/* Load and validate one catalogue file.  On failure *out is NULL and err
 * names the file, line and field. */
sim_status mdl_catalog_load(const char *path, mdl_catalog **out, sim_error *err);

/* Load DATA_DIR/prices/<region>.json (data_dir NULL: "data"; the command
 * layer resolves the data directory, rpt_cli_data.h).  An unknown region is
 * EUNKNOWN, reported against `input`/`field` (the file and key that named
 * the region), listing the regions available. */
sim_status mdl_catalog_load_region(const char *data_dir, const char *region, const char *input,
                                   long line, const char *field, mdl_catalog **out,
                                   sim_error *err);

void mdl_catalog_destroy(mdl_catalog *cat);

const char *mdl_catalog_region(const mdl_catalog *cat);
const char *mdl_catalog_effective_date(const mdl_catalog *cat);
const char *mdl_catalog_path(const mdl_catalog *cat);

/* Table metadata of an entry. */
const char *mdl_entry_name(mdl_entry_id id);     /* "rates.lambda.requests" */
const char *mdl_entry_unit(mdl_entry_id id);
mdl_kind mdl_entry_kind(mdl_entry_id id);

/* True if the catalogue has the entry. */
bool mdl_catalog_has(const mdl_catalog *cat, mdl_entry_id id);
/* Number of table entries the catalogue lacks (0 for a complete region). */
int mdl_catalog_missing_count(const mdl_catalog *cat);

/* Succeed if the entry is present; otherwise EMISSING naming the rate, the
 * region, the catalogue file and `why` (what needed it). */
sim_status mdl_catalog_need(const mdl_catalog *cat, mdl_entry_id id, const char *why,
                            sim_error *err);

/* The entry's source text (never NULL; "" when absent). */
const char *mdl_catalog_source(const mdl_catalog *cat, mdl_entry_id id);

/* Flat price, allowance quantity or rule number.  The entry must be present
 * (a contract: call mdl_catalog_need first). */
double mdl_catalog_usd(const mdl_catalog *cat, mdl_entry_id id);
double mdl_catalog_quantity(const mdl_catalog *cat, mdl_entry_id id);
mdl_free_tier mdl_catalog_regime(const mdl_catalog *cat, mdl_entry_id id);
double mdl_catalog_number(const mdl_catalog *cat, mdl_entry_id id);
const char *mdl_catalog_date(const mdl_catalog *cat, mdl_entry_id id);

/* Tiers of a tiered entry: count, upper bound (INFINITY for the open last
 * tier) and price of tier i. */
int mdl_catalog_tier_count(const mdl_catalog *cat, mdl_entry_id id);
double mdl_catalog_tier_upto(const mdl_catalog *cat, mdl_entry_id id, int i);
double mdl_catalog_tier_usd(const mdl_catalog *cat, mdl_entry_id id, int i);

/* One slice of a quantity priced in one tier. */
typedef struct mdl_tier_part {
    int tier;          /* 0-based */
    double from, to;   /* the slice of the monthly quantity */
    double usd_per_unit;
} mdl_tier_part;

/* Split a monthly quantity (counted from 0) over the tiers of `id`.  A zero
 * quantity gives one empty part in tier 0.  A quantity beyond the last tier
 * the region lists is EMISSING naming the rate and the bound. */
sim_status mdl_catalog_tier_split(const mdl_catalog *cat, mdl_entry_id id, double quantity,
                                  mdl_tier_part parts[MDL_MAX_TIERS], int *n_parts,
                                  const char *why, sim_error *err);

/* Price of one choice of a SIZES entry (key = size in GB, exact match) or a
 * TYPES entry (name = instance type).  Unknown choices are EUNKNOWN listing
 * the choices, reported against input/line/field. */
sim_status mdl_catalog_size_usd(const mdl_catalog *cat, mdl_entry_id id, double gb,
                                const char *input, long line, const char *field,
                                double *usd, sim_error *err);
sim_status mdl_catalog_type_usd(const mdl_catalog *cat, mdl_entry_id id, const char *type,
                                const char *input, long line, const char *field,
                                double *usd, sim_error *err);

/* The exact cost of ONE Lambda invocation, for sizing: the request fee plus
 * the billed duration (rounded up to granularity_ms, 1 or 100) at the
 * first-tier GB-s rate of the architecture.  No free tier (a marginal
 * invocation of a busy function pays full price). */
sim_status mdl_price_lambda_invocation(const mdl_catalog *cat, mdl_arch arch,
                                       double memory_mb, double duration_ms,
                                       int granularity_ms, double *usd, sim_error *err);

/* Billed milliseconds of one duration: ceil to the granularity (1 or 100). */
double mdl_billed_ms(double duration_ms, int granularity_ms);

#endif /* MDL_PRICING_H */
