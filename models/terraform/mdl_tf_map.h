/* mdl_tf_map.h - a Terraform plan or state -> a lambdasim config.
 *
 * MDL_TF_MAP_LIST is the one list of what the import reads: one row per
 * (resource type, attribute) with the config key it fills, AWS's default
 * when the attribute is absent, and a note.  It drives the import (types
 * it knows, attribute names, defaults and the plain conversions), the
 * not-simulated warning (any other type), and `lambdasim import terraform
 * --mapping`, which prints it as the README's table (tests/test_import.sh
 * checks the README against it).
 *
 * The config written follows issue 16's format (README "From Terraform"):
 * top-level `entries` (one per front door: Function URL, HTTP API, REST
 * API, notified bucket), `functions`, `queues` with their consumers,
 * `buckets.<b>.notifications`, `state_machines.<m>` (the ASL inline) and
 * `tables.<t>`.  What Terraform cannot say (traffic, handler durations,
 * calls) comes from a workload file (W.json, mdl_tf_import's `workload`),
 * an overlay of the same paths; without it the config carries placeholders,
 * strings "<placeholder: ...>", each listed with a hint.
 *
 * Errors (exit 2) name the file, line and resource address: a format the
 * reader refuses, a reference cycle, a reference or a name that resolves to
 * nothing (a resource the simulator needs that is not in the plan), two
 * resources claiming one config name, and W.json's mistakes (file, line,
 * path).  Anything the simulator does not model is a warning, never an
 * error.
 */
#ifndef MDL_TF_MAP_H
#define MDL_TF_MAP_H

#include <stdio.h>

#include "models/terraform/mdl_tf.h"
#include "sim/sim_json.h"
#include "sim/sim_status.h"

/* Where a row's config key lives. */
#define MDL_TF_OWNER_LIST(X)                              \
    X(NONE,          "")                                  \
    X(FUNCTION,      "functions.<f>")                     \
    X(QUEUE,         "queues.<q>")                        \
    X(CONSUMER,      "queues.<q>.consumer")               \
    X(BUCKET,        "buckets.<b>")                       \
    X(NOTIFICATION,  "buckets.<b>.notifications[]")       \
    X(ENTRY,         "entries.<e>")                       \
    X(STATE_MACHINE, "state_machines.<m>")                \
    X(TABLE,         "tables.<t>")                        \
    X(SERVICES,      "services")

typedef enum {
#define MDL__TF_OWNER_ENUM(id, prefix) MDL_TF_OWNER_##id,
    MDL_TF_OWNER_LIST(MDL__TF_OWNER_ENUM)
#undef MDL__TF_OWNER_ENUM
    MDL_TF_OWNER_COUNT
} mdl_tf_owner;

/* How a Terraform value becomes the config's:
 *   COPY      as it is               ARCH      ["arm64"] -> "arm64"
 *   LOWER     "Zip" -> "zip"         FIFO      true -> "fifo", false -> "standard"
 *   NONE_NEG  -1 -> no key           MODE      PAY_PER_REQUEST -> on_demand
 *   HT        perMessageGroupId -> true, else false
 *   MIBPS     MiB/s -> MB/s (x 1.048576)
 *   CODE      the importer's own code (references, entries, definitions) */
typedef enum { MDL_TF_CONV_COPY, MDL_TF_CONV_ARCH, MDL_TF_CONV_LOWER, MDL_TF_CONV_FIFO,
               MDL_TF_CONV_NONE_NEG, MDL_TF_CONV_MODE, MDL_TF_CONV_HT, MDL_TF_CONV_MIBPS,
               MDL_TF_CONV_CODE } mdl_tf_conv;

/* X(id, resource type, attribute, owner, config key, AWS default as JSON
 *   (NULL: none, or required), conversion, note).  An empty key is the
 *   owner object itself; "(any)" stands for the whole resource. */
#define MDL_TF_MAP_LIST(X)                                                                      \
    X(FN_NAME, "aws_lambda_function", "function_name", FUNCTION, "", NULL, CODE,                \
      "the function's config name (unknown until apply: the Terraform name)")                   \
    X(FN_MEMORY, "aws_lambda_function", "memory_size", FUNCTION, "memory_mb", "128", COPY, "")   \
    X(FN_TIMEOUT, "aws_lambda_function", "timeout", FUNCTION, "timeout_s", "3", COPY,           \
      "AWS's 3 s (a config without the key would get 900)")                                   \
    X(FN_ARCH, "aws_lambda_function", "architectures", FUNCTION, "arch", "[\"x86_64\"]", ARCH,  \
      "")                                                                                       \
    X(FN_PACKAGE, "aws_lambda_function", "package_type", FUNCTION, "package", "\"Zip\"", LOWER, \
      "Zip -> zip, Image -> image (the INIT billing rule)")                                    \
    X(FN_RESERVED, "aws_lambda_function", "reserved_concurrent_executions", FUNCTION,           \
      "reserved_concurrency", "-1", NONE_NEG, "-1 (unreserved) writes no key")                 \
    X(FN_EPHEMERAL, "aws_lambda_function", "ephemeral_storage.size", FUNCTION,                  \
      "ephemeral_storage_mb", "512", COPY, "")                                                 \
    X(FN_ENV, "aws_lambda_function", "environment.variables", NONE, "", NULL, CODE,             \
      "naming a queue, bucket, table or state machine: a hint to give the function's calls in " \
      "W.json")                                                                                 \
    X(PC_FUNCTION, "aws_lambda_provisioned_concurrency_config", "function_name", FUNCTION, "",  \
      NULL, CODE, "the function it configures (name, ARN or reference)")                      \
    X(PC_COUNT, "aws_lambda_provisioned_concurrency_config",                                    \
      "provisioned_concurrent_executions", FUNCTION, "provisioned_concurrency", NULL, COPY, "") \
    X(URL_FUNCTION, "aws_lambda_function_url", "function_name", ENTRY, "target", NULL, CODE,    \
      "an entry of type function_url, named after the resource")                               \
    X(URL_MODE, "aws_lambda_function_url", "invoke_mode", NONE, "", "\"BUFFERED\"", CODE,       \
      "RESPONSE_STREAM is simulated as BUFFERED (a warning)")                                  \
    X(PERMISSION, "aws_lambda_permission", "(any)", NONE, "", NULL, CODE,                       \
      "ignored: a permission changes neither timing nor cost")                                 \
    X(ESM_SOURCE, "aws_lambda_event_source_mapping", "event_source_arn", QUEUE, "consumer",     \
      NULL, CODE, "{\"type\": \"lambda\"} on that SQS queue; other sources are not simulated (a " \
      "warning)")                                                                               \
    X(ESM_FUNCTION, "aws_lambda_event_source_mapping", "function_name", CONSUMER, "function",   \
      NULL, CODE, "the function (name, ARN or reference)")                                     \
    X(ESM_BATCH, "aws_lambda_event_source_mapping", "batch_size", CONSUMER, "batch_size", "10",  \
      COPY, "SQS's default")                                                                   \
    X(ESM_WINDOW, "aws_lambda_event_source_mapping", "maximum_batching_window_in_seconds",      \
      CONSUMER, "batching_window_s", "0", COPY, "")                                            \
    X(ESM_MAXCONC, "aws_lambda_event_source_mapping", "scaling_config.maximum_concurrency",     \
      CONSUMER, "maximum_concurrency", NULL, COPY, "none: up to 1,250 concurrent batches")     \
    X(ESM_RESPONSE, "aws_lambda_event_source_mapping", "function_response_types", NONE, "",     \
      "[]", CODE, "the simulator returns failed items alone (ReportBatchItemFailures); without " \
      "it, a W.json failure_probability gets a warning")                                       \
    X(ESM_ENABLED, "aws_lambda_event_source_mapping", "enabled", NONE, "", "true", CODE,        \
      "a disabled mapping is not simulated (a warning)")                                       \
    X(Q_NAME, "aws_sqs_queue", "name", QUEUE, "", NULL, CODE,                                   \
      "the queue's config name (unknown or unset: the Terraform name)")                        \
    X(Q_FIFO, "aws_sqs_queue", "fifo_queue", QUEUE, "type", "false", FIFO,                      \
      "false -> standard, true -> fifo")                                                       \
    X(Q_VISIBILITY, "aws_sqs_queue", "visibility_timeout_seconds", QUEUE,                       \
      "visibility_timeout_s", "30", COPY, "")                                                  \
    X(Q_RETENTION, "aws_sqs_queue", "message_retention_seconds", QUEUE, "retention_s",          \
      "345600", COPY, "")                                                                      \
    X(Q_DELAY, "aws_sqs_queue", "delay_seconds", QUEUE, "delay_s", "0", COPY, "")               \
    X(Q_HIGH_THROUGHPUT, "aws_sqs_queue", "fifo_throughput_limit", QUEUE, "high_throughput",    \
      "\"perQueue\"", HT, "FIFO only: perMessageGroupId -> true")                              \
    X(Q_WAIT, "aws_sqs_queue", "receive_wait_time_seconds", CONSUMER, "wait_time_s", "0", CODE, \
      "worker pools: 0 -> \"poll\": \"short\"; Lambda's mapping long-polls whatever it says")  \
    X(Q_DLQ, "aws_sqs_queue", "redrive_policy.deadLetterTargetArn", QUEUE, "dlq", NULL, CODE,   \
      "the dead-letter queue (ARN or reference)")                                              \
    X(Q_MAX_RECEIVE, "aws_sqs_queue", "redrive_policy.maxReceiveCount", QUEUE,                  \
      "max_receive_count", NULL, CODE, "unknown until apply when the policy names a new queue: " \
      "W.json queues.<q>.max_receive_count, else a placeholder")                               \
    X(RP_QUEUE, "aws_sqs_queue_redrive_policy", "queue_url", QUEUE, "", NULL, CODE,             \
      "the queue whose redrive_policy it sets (read as aws_sqs_queue's)")                      \
    X(B_NAME, "aws_s3_bucket", "bucket", BUCKET, "", NULL, CODE,                                \
      "the bucket's config name (unknown or unset: the Terraform name)")                       \
    X(N_BUCKET, "aws_s3_bucket_notification", "bucket", ENTRY, "bucket", NULL, CODE,            \
      "an entry of type s3, named after the resource (uploads arrive there)")                  \
    X(N_QUEUE, "aws_s3_bucket_notification", "queue.queue_arn", NOTIFICATION, "queue", NULL,    \
      CODE, "one notification per block")                                                      \
    X(N_FUNCTION, "aws_s3_bucket_notification", "lambda_function.lambda_function_arn",          \
      NOTIFICATION, "function", NULL, CODE, "one notification per block")                      \
    X(N_PREFIX, "aws_s3_bucket_notification", "*.filter_prefix", NOTIFICATION, "prefix", "\"\"", \
      CODE, "")                                                                                 \
    X(N_SUFFIX, "aws_s3_bucket_notification", "*.filter_suffix", NOTIFICATION, "suffix", "\"\"", \
      CODE, "")                                                                                 \
    X(N_KEY, "aws_s3_bucket_notification", "*.filter_prefix", ENTRY, "key", "\"\"", CODE,       \
      "the uploads' key: the bucket's only prefix, else W.json entries.<e>.key or a placeholder") \
    X(N_EVENTS, "aws_s3_bucket_notification", "*.events", NONE, "", NULL, CODE,                 \
      "uploads are object-created events; a block without one is not simulated (a warning)")   \
    X(N_TOPIC, "aws_s3_bucket_notification", "topic", NONE, "", NULL, CODE,                     \
      "SNS targets are not simulated (a warning)")                                             \
    X(SM_NAME, "aws_sfn_state_machine", "name", STATE_MACHINE, "", NULL, CODE,                  \
      "the state machine's config name (unknown or unset: the Terraform name)")                \
    X(SM_DEFINITION, "aws_sfn_state_machine", "definition", STATE_MACHINE, "definition", NULL,  \
      CODE, "the ASL, inline; every Lambda Task must name a function of the plan; unknown "     \
      "until apply: W.json state_machines.<m>.definition (a template file), else a placeholder") \
    X(SM_TYPE, "aws_sfn_state_machine", "type", STATE_MACHINE, "workflow", "\"STANDARD\"",      \
      LOWER, "STANDARD -> standard, EXPRESS -> express")                                      \
    X(T_NAME, "aws_dynamodb_table", "name", TABLE, "", NULL, CODE, "the table's config name")   \
    X(T_MODE, "aws_dynamodb_table", "billing_mode", TABLE, "mode", "\"PROVISIONED\"", MODE,     \
      "PAY_PER_REQUEST -> on_demand, PROVISIONED -> provisioned (the usage file's words)")     \
    X(T_READ, "aws_dynamodb_table", "read_capacity", TABLE, "read_capacity_units", NULL, COPY,  \
      "provisioned tables only")                                                               \
    X(T_WRITE, "aws_dynamodb_table", "write_capacity", TABLE, "write_capacity_units", NULL,     \
      COPY, "provisioned tables only")                                                         \
    X(EFS_MODE, "aws_efs_file_system", "throughput_mode", NONE, "", "\"bursting\"", CODE,       \
      "bursting and elastic keep services.efs.mbps's default")                                 \
    X(EFS_PROVISIONED, "aws_efs_file_system", "provisioned_throughput_in_mibps", SERVICES,      \
      "efs.mbps", NULL, MIBPS, "provisioned mode: MiB/s x 1.048576; one rate for every file "   \
      "system")                                                                                 \
    X(HTTP_API, "aws_apigatewayv2_api", "protocol_type", ENTRY, "type", NULL, CODE,             \
      "HTTP: an entry of type apigw_http named after the resource; WEBSOCKET is not simulated") \
    X(HTTP_INTEGRATION, "aws_apigatewayv2_integration", "integration_uri", ENTRY, "routes",     \
      NULL, CODE, "AWS_PROXY to a Lambda function (name, ARN, invoke ARN or reference); other " \
      "integrations are not simulated (a warning)")                                            \
    X(HTTP_TIMEOUT, "aws_apigatewayv2_integration", "timeout_milliseconds", ENTRY, "timeout_s", \
      "30000", CODE, "ms -> s, the largest of the API's integrations")                         \
    X(HTTP_ROUTE, "aws_apigatewayv2_route", "route_key", ENTRY, "routes", NULL, CODE,           \
      "the op is the route key (\"GET /photos/{id}\") unless W.json names ops; one function for " \
      "every route: target")                                                                   \
    X(HTTP_TARGET, "aws_apigatewayv2_route", "target", NONE, "", NULL, CODE,                    \
      "integrations/<id>: the route's integration")                                            \
    X(HTTP_RATE, "aws_apigatewayv2_stage", "default_route_settings.throttling_rate_limit",      \
      ENTRY, "throttle.rps", NULL, COPY, "none: the account's 10,000 requests/s")              \
    X(HTTP_BURST, "aws_apigatewayv2_stage", "default_route_settings.throttling_burst_limit",    \
      ENTRY, "throttle.burst", NULL, COPY, "none: the account's 5,000")                        \
    X(REST_API, "aws_api_gateway_rest_api", "(any)", ENTRY, "type", NULL, CODE,                 \
      "an entry of type apigw_rest named after the resource")                                  \
    X(REST_PATH, "aws_api_gateway_resource", "path_part", ENTRY, "routes", NULL, CODE,          \
      "with its parents (parent_id): the route's path")                                        \
    X(REST_METHOD, "aws_api_gateway_method", "http_method", ENTRY, "routes", NULL, CODE,        \
      "the op is \"METHOD /path\" unless W.json names ops")                                    \
    X(REST_INTEGRATION, "aws_api_gateway_integration", "uri", ENTRY, "routes", NULL, CODE,      \
      "AWS_PROXY or AWS to a Lambda function; other types are not simulated (a warning)")      \
    X(REST_TIMEOUT, "aws_api_gateway_integration", "timeout_milliseconds", ENTRY, "timeout_s",  \
      "29000", CODE, "ms -> s, the largest of the API's integrations")                         \
    X(REST_CACHE, "aws_api_gateway_stage", "cache_cluster_enabled", ENTRY, "cache", "false",    \
      CODE, "true: cache.hit_ratio from W.json, else a placeholder")                           \
    X(REST_CACHE_SIZE, "aws_api_gateway_stage", "cache_cluster_size", ENTRY, "cache.size_gb",   \
      "\"0.5\"", CODE, "GB")                                                                   \
    X(REST_RATE, "aws_api_gateway_method_settings", "settings.throttling_rate_limit", ENTRY,    \
      "throttle.rps", "-1", NONE_NEG, "-1: the account's 10,000 requests/s")                   \
    X(REST_BURST, "aws_api_gateway_method_settings", "settings.throttling_burst_limit", ENTRY,  \
      "throttle.burst", "-1", NONE_NEG, "-1: the account's 5,000")                             \
    X(REST_DEPLOYMENT, "aws_api_gateway_deployment", "(any)", NONE, "", NULL, CODE,             \
      "ignored: a deployment changes neither timing nor cost")                                 \
    X(HTTP_DEPLOYMENT, "aws_apigatewayv2_deployment", "(any)", NONE, "", NULL, CODE,            \
      "ignored: a deployment changes neither timing nor cost")                                 \
    X(EC2_TYPE, "aws_instance", "instance_type", CONSUMER, "instance_type", NULL, CODE,         \
      "a worker pool on the queue it refers to (a reference, or the tag lambdasim:queue); "     \
      "without one it is not simulated (a warning)")                                           \
    X(EC2_COUNT, "aws_instance", "(instances)", CONSUMER, "count", NULL, CODE,                  \
      "one worker per instance (count, for_each)")                                             \
    X(ASG_MIN, "aws_autoscaling_group", "min_size", CONSUMER, "autoscale.min", NULL, COPY,      \
      "a worker pool, found as for aws_instance")                                              \
    X(ASG_MAX, "aws_autoscaling_group", "max_size", CONSUMER, "autoscale.max", NULL, COPY, "")  \
    X(ASG_DESIRED, "aws_autoscaling_group", "desired_capacity", CONSUMER, "count", NULL, CODE,  \
      "none: min_size")                                                                        \
    X(ASG_TEMPLATE, "aws_autoscaling_group", "launch_template.id", CONSUMER, "instance_type",   \
      NULL, CODE, "the launch template's instance_type (id, name or reference)")              \
    X(LT_TYPE, "aws_launch_template", "instance_type", CONSUMER, "instance_type", NULL, CODE,   \
      "read through the group that launches it")

typedef enum {
#define MDL__TF_ROW_ENUM(id, ty, at, ow, key, def, conv, note) MDL_TF_ROW_##id,
    MDL_TF_MAP_LIST(MDL__TF_ROW_ENUM)
#undef MDL__TF_ROW_ENUM
    MDL_TF_ROW_COUNT
} mdl_tf_row_id;

typedef struct mdl_tf_row {
    const char *type, *attr;
    mdl_tf_owner owner;
    const char *key;
    const char *aws_default;  /* JSON text, or NULL */
    mdl_tf_conv conv;
    const char *note;
} mdl_tf_row;

/* The row of an id (static storage). */
const mdl_tf_row *mdl_tf_row_get(mdl_tf_row_id id);
/* The config key of a row as the README shows it ("functions.<f>.memory_mb"). */
const char *mdl_tf_row_key(const mdl_tf_row *row, char *buf, size_t n);
/* True when the import knows the type (mapped, read through another
 * resource, or ignored on purpose). */
bool mdl_tf_type_known(const char *type);

/* Print the mapping table as Markdown (the README's "From Terraform"). */
void mdl_tf_mapping_markdown(FILE *fp);

/* The outcome of an import.  Every json_object is owned. */
typedef struct mdl_tf_import {
    json_object *config;        /* the lambdasim config */
    json_object *resources;     /* config path -> resource address */
    json_object *not_simulated; /* addresses the simulator ignores (a warning) */
    json_object *warnings;      /* other warnings: strings */
    json_object *placeholders;  /* [{"path", "hint"}] still in the config */
    json_object *hints;         /* strings: what W.json could add */
} mdl_tf_import;

/* Map plan p (with the workload overlay `workload`, NULL when none; paths
 * in it are relative to its own folder) into out.  On failure out is left
 * empty (safe to fini). */
sim_status mdl_tf_import_build(const mdl_tf_plan *p, const sim_json_doc *workload,
                               mdl_tf_import *out, sim_error *err);
void mdl_tf_import_fini(mdl_tf_import *im);

/* True for a placeholder string ("<placeholder: ...>"). */
bool mdl_tf_is_placeholder(json_object *v);

#endif /* MDL_TF_MAP_H */
