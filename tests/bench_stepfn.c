/* bench_stepfn.c - how fast the ASL interpreter runs executions.
 *
 * An embedding simulation runs one execution per simulated image, so the
 * interpreter's cost per execution bounds how many images a run can push.
 * Figures: the bundled pipeline (9 states, a Parallel, a retry) end to end
 * with mocks, and a 20,000-item Map with a Task per item (checks that the
 * per-request bookkeeping stays linear).  Best of 3.
 */
#include "models/stepfn/mdl_sfn.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char k_mocks[] =
    "{\"arn:aws:lambda:us-east-1:123456789012:function:CheckImage\": {\"result\": {\"valid\": true, "
    "\"format\": \"jpeg\", \"width\": 1024, \"height\": 768}},"
    " \"arn:aws:lambda:us-east-1:123456789012:function:Resize\": {\"result\": {\"key\": \"t.jpg\"}},"
    " \"arn:aws:lambda:us-east-1:123456789012:function:Grayscale\": {\"result\": {\"key\": \"g.jpg\"}},"
    " \"arn:aws:states:::dynamodb:putItem\": {\"result\": {}}}";

static const char k_map[] =
    "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"MaxConcurrency\": 40, "
    "\"ItemProcessor\": {\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", "
    "\"Resource\": \"f\", \"End\": true}}}, \"End\": true}}}";

int main(void)
{
    sim_error err;
    mdl_sfn_machine *m = NULL;
    if (mdl_sfn_machine_load("data/statemachines/image_pipeline.asl.json", &m, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    json_object *mocks = json_tokener_parse(k_mocks);
    json_object *in = json_tokener_parse("{\"bucket\": \"b\", \"key\": \"k.jpg\"}");
    const int n = 20000;
    double best = 1e30;
    uint64_t trans = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = sim_wall_seconds();
        trans = 0;
        for (int i = 0; i < n; i++) {
            mdl_sfn_exec *e = NULL;
            mdl_sfn_run_mocked(m, in, mocks, NULL, &e, &err);
            if (mdl_sfn_exec_status(e) != MDL_SFN_SUCCEEDED) {
                fprintf(stderr, "bench_stepfn: pipeline failed: %s\n", mdl_sfn_exec_error(e));
                return 1;
            }
            trans += mdl_sfn_exec_transitions(e);
            mdl_sfn_exec_destroy(e);
        }
        double dt = sim_wall_seconds() - t0;
        if (dt < best) best = dt;
    }
    printf("BENCH stepfn_pipeline_exec_per_s %.4g executions/s\n", n / best);
    printf("BENCH stepfn_transitions_per_s %.4g transitions/s\n", (double)trans / best);
    json_object_put(mocks);
    json_object_put(in);
    mdl_sfn_machine_destroy(m);

    mdl_sfn_machine_parse(k_map, "map", &m, &err);
    json_object *items = json_object_new_array();
    for (int i = 0; i < 20000; i++) json_object_array_add(items, json_object_new_int(i));
    best = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = sim_wall_seconds();
        mdl_sfn_exec *e = NULL;
        mdl_sfn_run_mocked(m, items, NULL, NULL, &e, &err);
        if (mdl_sfn_exec_status(e) != MDL_SFN_SUCCEEDED ||
            mdl_sfn_exec_transitions(e) != 20001) {
            fprintf(stderr, "bench_stepfn: map failed\n");
            return 1;
        }
        mdl_sfn_exec_destroy(e);
        double dt = sim_wall_seconds() - t0;
        if (dt < best) best = dt;
    }
    printf("BENCH stepfn_map_20k_items_s %.4g s\n", best);
    json_object_put(items);
    mdl_sfn_machine_destroy(m);
    return 0;
}
