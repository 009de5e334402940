/* test_import.c - lambdasim import terraform, the library (models/terraform).
 *
 * The reader on small inline documents (known / unknown / absent values,
 * nested blocks, ARNs, URLs and names, references through modules); then
 * every row of the mapping table (MDL_TF_MAP_LIST) on the plans and states
 * of tests/terraform/<case>/ (real `terraform show -json` output of the
 * .tf beside them): each attribute must land at the config key the row
 * names, with AWS's default when absent, and every row must be checked
 * here (a new row without a check fails); then the photo gallery
 * (data/terraform/gallery): plan and state give the same config, the
 * references resolve to the right names, the not-simulated list, the
 * placeholders, and the workload file's overlay.
 */
#include "check.h"

#include "models/terraform/mdl_tf.h"
#include "models/terraform/mdl_tf_map.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static bool covered[MDL_TF_ROW_COUNT];

/* ---- helpers ------------------------------------------------------------------ */

static mdl_tf_plan *load(const char *path)
{
    mdl_tf_plan *p = NULL;
    sim_error err;
    sim_error_clear(&err);
    if (mdl_tf_load(path, &p, &err) != SIM_OK) {
        CHECK(0, "load %s: %s", path, err.msg);
        return NULL;
    }
    return p;
}

static mdl_tf_plan *parse(const char *text)
{
    mdl_tf_plan *p = NULL;
    sim_error err;
    sim_error_clear(&err);
    if (mdl_tf_parse(text, "inline", &p, &err) != SIM_OK) {
        CHECK(0, "parse: %s: %s", err.field, err.msg);
        return NULL;
    }
    return p;
}

/* Import a file (with an inline workload text, or NULL); NULL config on
 * failure (checked). */
static bool import_file(const char *path, const char *workload, mdl_tf_import *im)
{
    memset(im, 0, sizeof *im);
    mdl_tf_plan *p = load(path);
    if (!p)
        return false;
    sim_json_doc w;
    memset(&w, 0, sizeof w);
    sim_error err;
    sim_error_clear(&err);
    sim_status s = workload ? sim_json_doc_parse(&w, workload, "data/terraform/gallery/w.json", &err)
                            : SIM_OK;
    if (s == SIM_OK)
        s = mdl_tf_import_build(p, workload ? &w : NULL, im, &err);
    CHECK(s == SIM_OK, "import %s: %s: %s", path, err.field, err.msg);
    sim_json_doc_fini(&w);
    mdl_tf_destroy(p);
    return s == SIM_OK;
}

/* The object at path segments (names may contain dots: "orders.fifo"). */
static json_object *at(json_object *o, ...)
{
    va_list ap;
    va_start(ap, o);
    for (const char *k = va_arg(ap, const char *); k && o; k = va_arg(ap, const char *)) {
        json_object *v = NULL;
        if (json_object_is_type(o, json_type_array))
            v = json_object_array_get_idx(o, (size_t)atoi(k));
        else if (!json_object_object_get_ex(o, k, &v))
            v = NULL;
        o = v;
    }
    va_end(ap);
    return o;
}

/* The row's key under obj (sim_json_at reads dotted keys such as
 * "autoscale.min"), as JSON text, or "(none)". */
static const char *row_value(json_object *obj, mdl_tf_row_id id)
{
    const mdl_tf_row *row = mdl_tf_row_get(id);
    json_object *v = row->key[0] ? sim_json_at(obj, row->key) : obj;
    return v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
             : "(none)";
}

/* Row `id` of the table, on `obj` (the owner object), gives `want` (JSON
 * text; "(none)" for no key). */
#define CHECK_ROW(obj, id, want)                                                          \
    do {                                                                                  \
        covered[MDL_TF_ROW_##id] = true;                                                  \
        const char *got__ = row_value((obj), MDL_TF_ROW_##id);                            \
        CHECK(strcmp(got__, (want)) == 0, "row %s (%s.%s -> %s): got %s, want %s", #id,   \
              mdl_tf_row_get(MDL_TF_ROW_##id)->type, mdl_tf_row_get(MDL_TF_ROW_##id)->attr, \
              mdl_tf_row_get(MDL_TF_ROW_##id)->key, got__, (want));                      \
    } while (0)

static bool has_string(json_object *arr, const char *needle)
{
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++)
        if (strstr(json_object_get_string(json_object_array_get_idx(arr, i)), needle))
            return true;
    return false;
}

static const char *str(json_object *v) { return v ? json_object_get_string(v) : "(none)"; }

/* ---- the reader ------------------------------------------------------------------ */

static const char k_small_plan[] =
    "{\"format_version\": \"1.2\", \"terraform_version\": \"1.11.4\",\n"
    " \"variables\": {\"region\": {\"value\": \"ap-southeast-2\"}},\n"
    " \"planned_values\": {\"root_module\": {\"resources\": [\n"
    "  {\"address\": \"aws_lambda_function.f\", \"mode\": \"managed\", \"type\": \"aws_lambda_function\",\n"
    "   \"name\": \"f\", \"values\": {\"memory_size\": 256, \"timeout\": null,\n"
    "   \"ephemeral_storage\": [{\"size\": 1024}]}},\n"
    "  {\"address\": \"data.aws_iam_policy_document.p\", \"mode\": \"data\", \"type\": \"aws_iam_policy_document\",\n"
    "   \"name\": \"p\", \"values\": {}},\n"
    "  {\"address\": \"random_id.x\", \"mode\": \"managed\", \"type\": \"random_id\", \"name\": \"x\",\n"
    "   \"values\": {\"byte_length\": 4}},\n"
    "  {\"address\": \"aws_apigatewayv2_deployment.d\", \"mode\": \"managed\",\n"
    "   \"type\": \"aws_apigatewayv2_deployment\", \"name\": \"d\", \"values\": {}},\n"
    /* Nothing set: every attribute takes AWS's default. */
    "  {\"address\": \"aws_lambda_function.g\", \"mode\": \"managed\", \"type\": \"aws_lambda_function\",\n"
    "   \"name\": \"g\", \"values\": {\"function_name\": \"g\"}},\n"
    "  {\"address\": \"aws_sqs_queue.q\", \"mode\": \"managed\", \"type\": \"aws_sqs_queue\", \"name\": \"q\",\n"
    "   \"values\": {\"name\": \"q\"}},\n"
    "  {\"address\": \"aws_lambda_event_source_mapping.m\", \"mode\": \"managed\",\n"
    "   \"type\": \"aws_lambda_event_source_mapping\", \"name\": \"m\", \"values\": {\"function_name\": \"g\",\n"
    "   \"event_source_arn\": \"arn:aws:sqs:ap-southeast-2:123456789012:q\"}},\n"
    "  {\"address\": \"aws_dynamodb_table.t\", \"mode\": \"managed\", \"type\": \"aws_dynamodb_table\",\n"
    "   \"name\": \"t\", \"values\": {\"name\": \"t\"}},\n"
    "  {\"address\": \"aws_sfn_state_machine.s\", \"mode\": \"managed\", \"type\": \"aws_sfn_state_machine\",\n"
    "   \"name\": \"s\", \"values\": {\"name\": \"s\", \"definition\":\n"
    "   \"{\\\"StartAt\\\": \\\"A\\\", \\\"States\\\": {\\\"A\\\": {\\\"Type\\\": \\\"Task\\\", \\\"Resource\\\": \\\"g\\\", \\\"End\\\": true}}}\"}}]}},\n"
    " \"resource_changes\": [{\"address\": \"aws_lambda_function.f\", \"change\": {\"after_unknown\":\n"
    "   {\"function_name\": true, \"architectures\": true, \"arn\": true}}}],\n"
    " \"configuration\": {\"provider_config\": {\"aws\": {\"name\": \"aws\", \"expressions\":\n"
    "   {\"region\": {\"references\": [\"var.region\"]}}}},\n"
    "  \"root_module\": {\"resources\": [\n"
    "  {\"address\": \"aws_lambda_function.f\", \"mode\": \"managed\", \"type\": \"aws_lambda_function\",\n"
    "   \"name\": \"f\", \"expressions\": {\"memory_size\": {\"constant_value\": 256},\n"
    "   \"function_name\": {\"references\": [\"random_id.x.hex\", \"random_id.x\"]}}}]}}}\n";

static void test_reader(void)
{
    mdl_tf_plan *p = parse(k_small_plan);
    if (!p)
        return;
    CHECK(mdl_tf_kind_of(p) == MDL_TF_PLAN, "a plan");
    CHECK(mdl_tf_count(p) == 8, "data sources are skipped: %zu resources", mdl_tf_count(p));
    CHECK(strcmp(mdl_tf_region(p), "ap-southeast-2") == 0, "region from var.region: %s",
          mdl_tf_region(p));
    int fi = mdl_tf_find(p, "aws_lambda_function.f");
    CHECK(fi >= 0 && mdl_tf_find(p, "data.aws_iam_policy_document.p") < 0, "find by address");
    const mdl_tf_resource *f = mdl_tf_at(p, (size_t)fi);
    json_object *v = NULL;
    CHECK(mdl_tf_attr(f, "memory_size", &v) == MDL_TF_KNOWN && json_object_get_int(v) == 256, "known");
    CHECK(mdl_tf_attr(f, "ephemeral_storage.size", &v) == MDL_TF_KNOWN && json_object_get_int(v) == 1024,
          "a nested block's attribute");
    CHECK(mdl_tf_attr(f, "timeout", NULL) == MDL_TF_ABSENT, "null is absent");
    CHECK(mdl_tf_attr(f, "function_name", NULL) == MDL_TF_UNKNOWN, "configured from an unknown value");
    CHECK(mdl_tf_attr(f, "architectures", NULL) == MDL_TF_ABSENT,
          "unknown but not configured: computed, AWS's default applies");
    int found[4], n = 0;
    sim_error err;
    sim_error_clear(&err);
    CHECK(mdl_tf_refs(p, (size_t)fi, "function_name", NULL, found, 4, &n, &err) == SIM_OK && n == 1 &&
          strcmp(mdl_tf_at(p, (size_t)found[0])->address, "random_id.x") == 0, "references");
    /* An unknown function name falls back to the Terraform name (row FN_NAME). */
    mdl_tf_import im;
    CHECK(mdl_tf_import_build(p, NULL, &im, &err) == SIM_OK, "import: %s", err.msg);
    covered[MDL_TF_ROW_FN_NAME] = at(im.config, "functions", "f", NULL) != NULL;
    CHECK(covered[MDL_TF_ROW_FN_NAME], "the Terraform name when function_name is unknown");
    CHECK(!has_string(im.not_simulated, "aws_apigatewayv2_deployment.d"), "deployments are ignored");
    CHECK(has_string(im.not_simulated, "random_id.x"), "other types are not simulated");
    covered[MDL_TF_ROW_HTTP_DEPLOYMENT] = true;
    /* AWS's defaults, where the provider would not even write them. */
    json_object *g = at(im.config, "functions", "g", NULL), *q = at(im.config, "queues", "q", NULL);
    json_object *c = at(q, "consumer", NULL);
    CHECK_ROW(g, FN_MEMORY, "128");
    CHECK_ROW(g, FN_TIMEOUT, "3");
    CHECK_ROW(g, FN_ARCH, "\"x86_64\"");
    CHECK_ROW(g, FN_PACKAGE, "\"zip\"");
    CHECK_ROW(g, FN_RESERVED, "(none)");
    CHECK_ROW(g, FN_EPHEMERAL, "512");
    CHECK_ROW(q, Q_FIFO, "\"standard\"");
    CHECK_ROW(q, Q_VISIBILITY, "30");
    CHECK_ROW(q, Q_RETENTION, "345600");
    CHECK_ROW(q, Q_DELAY, "0");
    CHECK_ROW(q, Q_DLQ, "(none)");
    CHECK_ROW(c, ESM_BATCH, "10");
    CHECK_ROW(c, ESM_WINDOW, "0");
    CHECK_ROW(c, ESM_MAXCONC, "(none)");
    CHECK_ROW(at(im.config, "tables", "t", NULL), T_MODE, "\"provisioned\"");
    CHECK_ROW(at(im.config, "state_machines", "s", NULL), SM_TYPE, "\"standard\"");
    mdl_tf_import_fini(&im);
    mdl_tf_destroy(p);
}

static void test_match(void)
{
    mdl_tf_plan *p = load("data/terraform/gallery/state_function_url.json");
    if (!p)
        return;
    static const char *const fn[] = { "aws_lambda_function", NULL };
    static const char *const q[] = { "aws_sqs_queue", NULL };
    static const char *const b[] = { "aws_s3_bucket", NULL };
    static const struct { const char *value; const char *const *types; const char *want; } cases[] = {
        { "arn:aws:lambda:us-east-1:123456789012:function:CheckImage", fn, "aws_lambda_function.check_image" },
        { "arn:aws:lambda:us-east-1:123456789012:function:Resize:live", fn, "aws_lambda_function.resize" },
        { "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:"
          "123456789012:function:gallery-view/invocations", fn, "aws_lambda_function.view" },
        { "gallery-process", fn, "aws_lambda_function.process" },
        { "https://sqs.us-east-1.amazonaws.com/123456789012/gallery-uploads", q, "aws_sqs_queue.uploads" },
        { "arn:aws:sqs:us-east-1:123456789012:gallery-uploads-dlq", q, "aws_sqs_queue.uploads_dlq" },
        { "arn:aws:sqs:us-east-1:123456789012:CheckImage", fn, NULL },   /* a queue ARN names no function */
        { "arn:aws:lambda:us-east-1:123456789012:layer:Resize", fn, NULL },
        { "gallery-photos", b, "aws_s3_bucket.photos" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int found[4], n = 0;
        mdl_tf_match(p, cases[i].value, cases[i].types, found, 4, &n);
        bool ok = cases[i].want ? n == 1 && strcmp(mdl_tf_at(p, (size_t)found[0])->address, cases[i].want) == 0
                                : n == 0;
        CHECK(ok, "match %s: %d found%s%s", cases[i].value, n, n ? ", first " : "",
              n ? mdl_tf_at(p, (size_t)found[0])->address : "");
    }
    mdl_tf_destroy(p);
}

/* Module outputs, variables and count, in a real plan. */
static void test_modules(void)
{
    mdl_tf_plan *p = load("tests/terraform/modules/plan.json");
    if (!p)
        return;
    static const char *const fn[] = { "aws_lambda_function", NULL };
    static const char *const q[] = { "aws_sqs_queue", NULL };
    int e = mdl_tf_find(p, "module.worker[1].aws_lambda_event_source_mapping.this");
    int root = mdl_tf_find(p, "aws_lambda_event_source_mapping.tasks");
    CHECK(e >= 0 && root >= 0, "module instances are read");
    int t = -1;
    sim_error err;
    sim_error_clear(&err);
    if (e >= 0) {
        CHECK(mdl_tf_link(p, (size_t)e, "function_name", fn, true, &t, &err) == SIM_OK && t >= 0 &&
              strcmp(mdl_tf_at(p, (size_t)t)->address, "aws_lambda_function.handler") == 0,
              "var.function_arn of module.worker[1] -> the root's function");
        CHECK(mdl_tf_link(p, (size_t)e, "event_source_arn", q, true, &t, &err) == SIM_OK && t >= 0 &&
              strcmp(mdl_tf_at(p, (size_t)t)->address, "module.worker[1].aws_sqs_queue.own") == 0,
              "a reference inside a module instance stays in that instance");
    }
    if (root >= 0)
        CHECK(mdl_tf_link(p, (size_t)root, "event_source_arn", q, true, &t, &err) == SIM_OK && t >= 0 &&
              strcmp(mdl_tf_at(p, (size_t)t)->address, "module.queue.aws_sqs_queue.this") == 0,
              "module.queue.arn -> the output's resource");
    mdl_tf_destroy(p);
    mdl_tf_import im;
    if (!import_file("tests/terraform/modules/plan.json", NULL, &im))
        return;
    CHECK(strcmp(str(at(im.config, "queues", "tasks", "consumer", "function", NULL)), "handler") == 0 &&
          strcmp(str(at(im.config, "queues", "own-1", "consumer", "function", NULL)), "handler") == 0,
          "the consumers of module-made queues");
    CHECK_ROW(at(im.config, "queues", "tasks", "consumer", NULL), ESM_BATCH, "10");
    mdl_tf_import_fini(&im);
}

/* ---- the table, row by row ---------------------------------------------------------- */

static void test_lambda(void)
{
    mdl_tf_import im;
    if (!import_file("tests/terraform/lambda/plan.json", NULL, &im))
        return;
    json_object *big = at(im.config, "functions", "big", NULL), *small = at(im.config, "functions", "small", NULL);
    CHECK(big && small, "functions by function_name");
    CHECK_ROW(big, FN_MEMORY, "2048");
    CHECK_ROW(small, FN_MEMORY, "128");
    CHECK_ROW(big, FN_TIMEOUT, "120");
    CHECK_ROW(small, FN_TIMEOUT, "3");
    CHECK_ROW(big, FN_ARCH, "\"arm64\"");
    CHECK_ROW(small, FN_ARCH, "\"x86_64\"");
    CHECK_ROW(big, FN_PACKAGE, "\"image\"");
    CHECK_ROW(small, FN_PACKAGE, "\"zip\"");
    CHECK_ROW(big, FN_RESERVED, "50");
    CHECK_ROW(small, FN_RESERVED, "(none)");
    CHECK_ROW(big, FN_EPHEMERAL, "4096");
    CHECK_ROW(small, FN_EPHEMERAL, "512");
    CHECK_ROW(big, PC_COUNT, "7");
    covered[MDL_TF_ROW_PC_FUNCTION] = true;   /* through an alias's function_name */
    json_object *url = at(im.config, "entries", "stream", NULL);
    CHECK(strcmp(str(at(url, "type", NULL)), "function_url") == 0, "a Function URL entry");
    CHECK_ROW(url, URL_FUNCTION, "\"small\"");
    covered[MDL_TF_ROW_URL_MODE] = has_string(im.warnings, "response streaming");
    CHECK(covered[MDL_TF_ROW_URL_MODE], "RESPONSE_STREAM is warned about");
    covered[MDL_TF_ROW_PERMISSION] = !has_string(im.not_simulated, "aws_lambda_permission");
    CHECK(covered[MDL_TF_ROW_PERMISSION], "permissions are ignored, not listed");
    CHECK(has_string(im.not_simulated, "aws_lambda_alias.live"), "aliases are not simulated");
    mdl_tf_import_fini(&im);
}

static void check_sqs(const mdl_tf_import *im, bool state)
{
    json_object *o = at(im->config, "queues", "orders.fifo", NULL), *jobs = at(im->config, "queues", "jobs", NULL);
    json_object *c = at(o, "consumer", NULL), *w = at(jobs, "consumer", NULL);
    json_object *batch = at(im->config, "queues", "batch", "consumer", NULL);
    CHECK_ROW(o, Q_NAME, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    CHECK_ROW(o, Q_FIFO, "\"fifo\"");
    CHECK_ROW(jobs, Q_FIFO, "\"standard\"");
    CHECK_ROW(o, Q_VISIBILITY, "120");
    CHECK_ROW(jobs, Q_VISIBILITY, "30");
    CHECK_ROW(o, Q_RETENTION, "86400");
    CHECK_ROW(jobs, Q_RETENTION, "345600");
    CHECK_ROW(o, Q_DELAY, "5");
    CHECK_ROW(jobs, Q_DELAY, "0");
    CHECK_ROW(o, Q_HIGH_THROUGHPUT, "true");
    CHECK_ROW(jobs, Q_HIGH_THROUGHPUT, "(none)");
    CHECK_ROW(o, Q_DLQ, "\"orders-dlq.fifo\"");
    covered[MDL_TF_ROW_RP_QUEUE] = true;
    if (state)
        CHECK_ROW(o, Q_MAX_RECEIVE, "3");
    else
        CHECK(mdl_tf_is_placeholder(at(o, "max_receive_count", NULL)), "unknown maxReceiveCount");
    CHECK(strcmp(str(at(c, "type", NULL)), "lambda") == 0, "the mapping's consumer");
    CHECK_ROW(o, ESM_SOURCE, json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    CHECK_ROW(c, ESM_FUNCTION, "\"order-worker\"");
    CHECK_ROW(c, ESM_BATCH, "5");
    CHECK_ROW(c, ESM_WINDOW, "0");
    CHECK_ROW(c, ESM_MAXCONC, "20");
    CHECK_ROW(w, Q_WAIT, "10");
    CHECK(strcmp(str(at(w, "poll", NULL)), "long") == 0 && strcmp(str(at(batch, "poll", NULL)), "short") == 0,
          "receive_wait_time_seconds 0 -> short polling");
    CHECK_ROW(w, ASG_MIN, "2");
    CHECK_ROW(w, ASG_MAX, "12");
    CHECK_ROW(w, ASG_DESIRED, "4");
    CHECK_ROW(w, ASG_TEMPLATE, "\"c5.large\"");
    CHECK_ROW(w, LT_TYPE, "\"c5.large\"");
    CHECK_ROW(batch, EC2_TYPE, "\"m7g.large\"");
    CHECK_ROW(batch, EC2_COUNT, "3");
    covered[MDL_TF_ROW_ESM_ENABLED] = has_string(im->warnings, "aws_lambda_event_source_mapping.off is disabled");
    CHECK(covered[MDL_TF_ROW_ESM_ENABLED], "a disabled mapping is warned about");
    CHECK(has_string(im->warnings, "aws_instance.bastion polls no queue"), "an instance without a queue");
}

static void test_sqs(void)
{
    mdl_tf_import im;
    if (import_file("tests/terraform/sqs/plan.json", NULL, &im))
        check_sqs(&im, false);
    mdl_tf_import_fini(&im);
    if (import_file("tests/terraform/sqs/state.json", NULL, &im))
        check_sqs(&im, true);
    mdl_tf_import_fini(&im);
    /* failure_probability: warned about without ReportBatchItemFailures
     * (the gallery's mapping), not with it (orders). */
    const char *w = "{\"queues\": {\"orders.fifo\": {\"consumer\": {\"failure_probability\": 0.01}}}}";
    if (import_file("tests/terraform/sqs/plan.json", w, &im))
        CHECK(!has_string(im.warnings, "ReportBatchItemFailures"), "orders reports item failures");
    mdl_tf_import_fini(&im);
    w = "{\"queues\": {\"gallery-uploads\": {\"consumer\": {\"failure_probability\": 0.01}}}}";
    if (import_file("data/terraform/gallery/plan_function_url.json", w, &im))
        covered[MDL_TF_ROW_ESM_RESPONSE] = has_string(im.warnings, "ReportBatchItemFailures");
    CHECK(covered[MDL_TF_ROW_ESM_RESPONSE], "the gallery's mapping does not: warned");
    mdl_tf_import_fini(&im);
}

static void test_s3(void)
{
    mdl_tf_import im;
    if (!import_file("tests/terraform/s3/plan.json", NULL, &im))
        return;
    json_object *b = at(im.config, "buckets", "media-uploads", NULL), *e = at(im.config, "entries", "media", NULL);
    json_object *n0 = at(b, "notifications", "0", NULL), *n1 = at(b, "notifications", "1", NULL);
    CHECK_ROW(b, B_NAME, json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    CHECK(strcmp(str(at(e, "type", NULL)), "s3") == 0, "an s3 entry");
    CHECK_ROW(e, N_BUCKET, "\"media-uploads\"");
    CHECK_ROW(e, N_KEY, "\"in/\"");
    CHECK_ROW(n0, N_QUEUE, "\"images\"");
    CHECK_ROW(n0, N_PREFIX, "\"in/\"");
    CHECK_ROW(n0, N_SUFFIX, "\".jpg\"");
    CHECK_ROW(n1, N_FUNCTION, "\"video\"");
    CHECK_ROW(n1, N_SUFFIX, "\".mp4\"");
    CHECK(json_object_array_length(at(b, "notifications", NULL)) == 2, "the delete-only block is left out");
    covered[MDL_TF_ROW_N_EVENTS] = has_string(im.warnings, "lambda_function[1] reacts to no object-created");
    covered[MDL_TF_ROW_N_TOPIC] = has_string(im.warnings, "SNS topic");
    CHECK(covered[MDL_TF_ROW_N_EVENTS] && covered[MDL_TF_ROW_N_TOPIC], "events and topics warned about");
    mdl_tf_import_fini(&im);
}

static void test_sfn(void)
{
    mdl_tf_import im;
    if (!import_file("tests/terraform/sfn/state.json", NULL, &im))
        return;
    json_object *fast = at(im.config, "state_machines", "fast", NULL), *slow = at(im.config, "state_machines", "slow", NULL);
    CHECK_ROW(fast, SM_NAME, json_object_to_json_string_ext(fast, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    CHECK_ROW(fast, SM_TYPE, "\"express\"");
    CHECK_ROW(slow, SM_TYPE, "\"standard\"");
    covered[MDL_TF_ROW_SM_DEFINITION] = true;
    CHECK(strcmp(str(at(fast, "definition", "States", "Each", "ItemProcessor", "States", "Notify", "Resource",
                        NULL)), "notify") == 0, "the definition inline, a Map's Task included");
    CHECK(strcmp(str(at(slow, "definition", "StartAt", NULL)), "Notify") == 0, "jsonencode's definition");
    mdl_tf_import_fini(&im);
    if (import_file("tests/terraform/sfn/plan.json", NULL, &im)) {
        json_object *d = at(im.config, "state_machines", "slow", "definition", NULL);
        CHECK(mdl_tf_is_placeholder(d) && strstr(json_object_get_string(d), "functions notify"),
              "unknown at plan time: a placeholder naming the functions it refers to");
    }
    mdl_tf_import_fini(&im);
}

static void test_storage(void)
{
    mdl_tf_import im;
    if (!import_file("tests/terraform/storage/plan.json", NULL, &im))
        return;
    json_object *o = at(im.config, "tables", "orders", NULL), *e = at(im.config, "tables", "events", NULL);
    CHECK_ROW(o, T_NAME, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    CHECK_ROW(o, T_MODE, "\"provisioned\"");
    CHECK_ROW(e, T_MODE, "\"on_demand\"");
    CHECK_ROW(o, T_READ, "20");
    CHECK_ROW(o, T_WRITE, "5");
    CHECK_ROW(e, T_READ, "(none)");
    json_object *sv = at(im.config, "services", NULL);
    CHECK_ROW(sv, EFS_PROVISIONED, "67.108864");
    covered[MDL_TF_ROW_EFS_MODE] = json_object_object_length(at(sv, "efs", NULL)) == 1;
    CHECK(covered[MDL_TF_ROW_EFS_MODE], "the bursting file system sets nothing");
    mdl_tf_import_fini(&im);
}

static void check_rest(const mdl_tf_import *im)
{
    json_object *e = at(im->config, "entries", "gallery", NULL);
    CHECK_ROW(e, REST_API, "\"apigw_rest\"");
    CHECK_ROW(e, REST_PATH, "{\"GET /photos\":\"list\",\"GET /photos/{id}\":\"get\"}");
    covered[MDL_TF_ROW_REST_METHOD] = covered[MDL_TF_ROW_REST_INTEGRATION] = true;
    CHECK_ROW(e, REST_TIMEOUT, "29");
    CHECK(mdl_tf_is_placeholder(at(e, "cache", "hit_ratio", NULL)), "the cache's hit ratio is asked for");
    covered[MDL_TF_ROW_REST_CACHE] = true;
    CHECK_ROW(e, REST_CACHE_SIZE, "1.6");
    CHECK_ROW(e, REST_RATE, "100");
    CHECK_ROW(e, REST_BURST, "200");
    CHECK(has_string(im->warnings, "POST /photos goes to a HTTP_PROXY"), "an HTTP proxy is warned about");
    covered[MDL_TF_ROW_REST_DEPLOYMENT] = !has_string(im->not_simulated, "aws_api_gateway_deployment");
    CHECK(covered[MDL_TF_ROW_REST_DEPLOYMENT] && json_object_array_length(im->not_simulated) == 0,
          "everything is read");
}

static void check_http(const mdl_tf_import *im)
{
    json_object *e = at(im->config, "entries", "api", NULL);
    CHECK_ROW(e, HTTP_API, "\"apigw_http\"");
    CHECK_ROW(e, HTTP_ROUTE, "{\"$default\":\"fallback\",\"GET /users/{id}\":\"users\"}");
    covered[MDL_TF_ROW_HTTP_INTEGRATION] = covered[MDL_TF_ROW_HTTP_TARGET] = true;
    CHECK_ROW(e, HTTP_TIMEOUT, "30");
    CHECK(strcmp(str(at(e, "target", NULL)), "fallback") == 0, "$default is the target");
    CHECK_ROW(e, HTTP_RATE, "(none)");
    CHECK(has_string(im->warnings, "a WEBSOCKET API is not simulated"), "WebSocket APIs are warned about");
}

static void test_apis(void)
{
    static const char *const files[] = { "tests/terraform/rest/plan.json", "tests/terraform/rest/state.json",
                                         "tests/terraform/http/plan.json", "tests/terraform/http/state.json" };
    for (int i = 0; i < 4; i++) {
        mdl_tf_import im;
        if (import_file(files[i], NULL, &im))
            (i < 2 ? check_rest : check_http)(&im);
        mdl_tf_import_fini(&im);
    }
    mdl_tf_import im;
    if (import_file("data/terraform/gallery/plan_http_api.json", NULL, &im)) {
        json_object *e = at(im.config, "entries", "views", NULL);
        CHECK_ROW(e, HTTP_RATE, "1000");
        CHECK_ROW(e, HTTP_BURST, "500");
        CHECK(strcmp(str(at(e, "target", NULL)), "gallery-view") == 0, "one function: the target");
    }
    mdl_tf_import_fini(&im);
}

/* ---- the gallery ------------------------------------------------------------------- */

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = calloc(1, (size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, fp) != (size_t)n) {
        free(s);
        s = NULL;
    }
    fclose(fp);
    return s;
}

static void test_gallery(void)
{
    char *w = slurp("data/terraform/gallery/traffic.json");
    CHECK(w != NULL, "the gallery's traffic file");
    if (!w)
        return;
    mdl_tf_import plan, state, bare;
    bool ok = import_file("data/terraform/gallery/plan_function_url.json", w, &plan);
    ok = import_file("data/terraform/gallery/state_function_url.json", w, &state) && ok;
    ok = import_file("data/terraform/gallery/plan_function_url.json", NULL, &bare) && ok;
    free(w);
    if (ok) {
        CHECK(json_object_equal(plan.config, state.config), "plan and state import to the same config");
        json_object *c = plan.config;
        CHECK(strcmp(str(at(c, "queues", "gallery-uploads", "consumer", "function", NULL)), "gallery-process") == 0,
              "the queue triggers the process function (references)");
        CHECK(strcmp(str(at(c, "buckets", "gallery-photos", "notifications", "0", "queue", NULL)), "gallery-uploads") == 0 &&
              strcmp(str(at(c, "buckets", "gallery-photos", "notifications", "0", "prefix", NULL)), "pending/") == 0,
              "the bucket notifies the queue for pending/");
        CHECK(strcmp(str(at(c, "entries", "uploads", "bucket", NULL)), "gallery-photos") == 0 &&
              strcmp(str(at(c, "entries", "uploads", "key", NULL)), "pending/") == 0, "uploads enter at pending/");
        CHECK(strcmp(str(at(c, "entries", "views", "target", NULL)), "gallery-view") == 0, "the URL's function");
        CHECK(strcmp(str(at(c, "queues", "gallery-uploads", "dlq", NULL)), "gallery-uploads-dlq") == 0 &&
              json_object_get_int(at(c, "queues", "gallery-uploads", "max_receive_count", NULL)) == 5,
              "the dead-letter queue, and W.json's maxReceiveCount");
        const char *tasks[][2] = { { "CheckImage", "CheckImage" }, { "Resize", "Resize" }, { "Grayscale", "Grayscale" } };
        json_object *def = at(c, "state_machines", "gallery-image-pipeline", "definition", NULL);
        CHECK(strcmp(str(at(def, "States", tasks[0][0], "Resource", NULL)),
                     "arn:aws:lambda:us-east-1:123456789012:function:CheckImage") == 0,
              "the template's ${check_image_arn} rendered from the plan");
        json_object *br = at(def, "States", "ProcessImage", "Branches", NULL);
        CHECK(strstr(str(at(br, "0", "States", tasks[1][0], "Resource", NULL)), ":function:Resize") &&
              strstr(str(at(br, "1", "States", tasks[2][0], "Resource", NULL)), ":function:Grayscale"),
              "the parallel branches' functions");
        CHECK(strcmp(str(at(def, "States", "StoreMetadata", "Parameters", "TableName", NULL)), "gallery-images") == 0,
              "the table's name");
        CHECK(json_object_array_length(plan.placeholders) == 0, "no placeholder with the traffic file");
        static const char *const not_sim[] = { "aws_cloudwatch_log_group.view", "aws_iam_role.lambda",
            "aws_iam_role.pipeline", "aws_iam_role_policy.lambda", "aws_iam_role_policy.pipeline",
            "aws_s3_bucket_public_access_block.photos", "aws_sqs_queue_policy.uploads" };
        CHECK(json_object_array_length(plan.not_simulated) == 7, "7 resources not simulated");
        for (size_t i = 0; i < 7; i++)
            CHECK(has_string(plan.not_simulated, not_sim[i]), "%s is not simulated", not_sim[i]);
        /* Without W.json: what is asked for, and the hints. */
        CHECK(json_object_array_length(bare.placeholders) == 10, "10 placeholders, got %zu",
              json_object_array_length(bare.placeholders));
        covered[MDL_TF_ROW_FN_ENV] = has_string(bare.hints, "gallery-process refers to "
                                                "aws_sfn_state_machine.image_pipeline");
        CHECK(covered[MDL_TF_ROW_FN_ENV], "the hint about the process function's call");
        CHECK(!has_string(plan.hints, "gallery-process"), "no hint once W.json gives the calls");
    }
    mdl_tf_import_fini(&plan);
    mdl_tf_import_fini(&state);
    mdl_tf_import_fini(&bare);
}

int main(void)
{
    test_reader();
    test_match();
    test_modules();
    test_lambda();
    test_sqs();
    test_s3();
    test_sfn();
    test_storage();
    test_apis();
    test_gallery();
    for (int i = 0; i < MDL_TF_ROW_COUNT; i++)
        CHECK(covered[i], "row %d (%s.%s) is checked by no test", i, mdl_tf_row_get((mdl_tf_row_id)i)->type,
              mdl_tf_row_get((mdl_tf_row_id)i)->attr);
    return check_report("import");
}
