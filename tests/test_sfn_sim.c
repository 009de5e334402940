/* test_sfn_sim.c - Step Functions executions inside a simulated run.
 *
 * The bundled image pipeline driven by simulated Lambdas: every execution
 * takes the happy path's 7 billable transitions (CheckImage, IsImageValid,
 * ProcessImage, Resize, Grayscale, StoreMetadata, Done), each function runs
 * once per execution, and Standard workflows are billed per transition at
 * $0.000025.  A CheckImage that rejects the photo ends in the Fail state
 * after 3 transitions and counts as a failed execution.  Parallel branches
 * overlap: an execution is shorter than the sum of its tasks.
 */
#include "models/scenario/mdl_scenario.h"
#include "tests/check.h"
#include "tests/platform_util.h"

#include <stdio.h>
#include <stdlib.h>

static char *pipeline(const char *check_result, const char *workflow)
{
    char *buf = malloc(4096);
    snprintf(buf, 4096,
        "{ \"duration_s\": 2000, \"workload\": {\"arrivals\": {\"process\": \"deterministic\", \"rate_per_s\": 0.1}},"
        "  \"entry\": {\"type\": \"stepfunctions\", \"workflow\": \"%s\","
        "             \"definition\": \"data/statemachines/image_pipeline.asl.json\"},"
        "  \"functions\": {"
        "    \"CheckImage\": {\"memory_mb\": 1024, \"result\": %s,"
        "        \"service_time\": {\"warm\": {\"dist\": \"deterministic\", \"value_ms\": 100}}},"
        "    \"Resize\": {\"memory_mb\": 1024,"
        "        \"service_time\": {\"warm\": {\"dist\": \"deterministic\", \"value_ms\": 300}}},"
        "    \"Grayscale\": {\"memory_mb\": 1024,"
        "        \"service_time\": {\"warm\": {\"dist\": \"deterministic\", \"value_ms\": 200}}} } }",
        workflow, check_result);
    return buf;
}

int main(void)
{
    char *t = pipeline("{\"valid\": true, \"format\": \"jpeg\", \"width\": 4000, \"height\": 3000}",
                       "standard");
    json_object *r = run_text(t, 1);
    double n = J(r, "stepfunctions.executions");
    CHECK(n == 200, "200 executions finished (got %g)", n);
    CHECK(J(r, "stepfunctions.succeeded") == n, "all succeeded");
    CHECK(J(r, "stepfunctions.transitions") == 7 * n, "7 transitions each (got %g)",
          J(r, "stepfunctions.transitions"));
    CHECK(J(r, "functions.CheckImage.invocations") == n && J(r, "functions.Resize.invocations") == n &&
          J(r, "functions.Grayscale.invocations") == n, "each task ran once per execution");
    CHECK_ABS(J(r, "cost.services.stepfunctions.total_usd"), 7 * n * 0.000025, 1e-12,
              "Standard: $0.025 per 1,000 transitions");
    /* Warm path: 18.8 ms before CheckImage (100 ms), then the branches in
     * parallel (max(300, 200) ms after their own 18.8 ms), then DynamoDB. */
    double p50 = J(r, "stepfunctions.duration_ms.p50");
    CHECK(p50 > 100 + 300 + 2 * 18.8 && p50 < 100 + 300 + 200, "parallel branches overlap: p50 %.1f ms", p50);
    CHECK(J(r, "requests.completed") == n &&
          J(r, "requests.arrivals") == n + J(r, "requests.in_flight"),
          "a request per execution; the last one (t = 2000 s) still in flight");
    json_object_put(r);
    free(t);

    t = pipeline("{\"valid\": false, \"format\": \"gif\", \"width\": 10, \"height\": 10}", "standard");
    r = run_text(t, 1);
    n = J(r, "stepfunctions.executions");
    CHECK(J(r, "stepfunctions.failed") == n && n == 200, "rejected images fail the execution");
    CHECK(J(r, "stepfunctions.transitions") == 3 * n, "CheckImage, IsImageValid, Rejected: 3 each (got %g)",
          J(r, "stepfunctions.transitions"));
    CHECK(J(r, "functions.Resize.invocations") == 0, "no resize for a rejected image");
    CHECK(J(r, "requests.failures.execution_failed") == n, "failures by cause");
    json_object_put(r);
    free(t);

    t = pipeline("{\"valid\": true, \"format\": \"png\", \"width\": 100, \"height\": 100}", "express");
    r = run_text(t, 1);
    n = J(r, "stepfunctions.executions");
    CHECK(J(r, "cost.services.stepfunctions.total_usd") > 0, "express executions are billed");
    CHECK(J(r, "stepfunctions.succeeded") == n && n == 200, "express: all succeeded");
    json_object_put(r);
    free(t);
    return check_report("sfn_sim");
}
