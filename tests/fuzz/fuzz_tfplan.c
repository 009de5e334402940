/* fuzz_tfplan.c - `lambdasim import terraform PLAN [--workload W]`: the
 * input is PLAN \0 W.json (the second optional), read as terraform show
 * -json output (a plan or a state) and mapped to a config, which is then
 * written as text, as the command does. */
#include "tests/fuzz/fuzz.h"

#include "models/terraform/mdl_tf.h"
#include "models/terraform/mdl_tf_map.h"
#include "sim/sim_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *part[2];
    size_t len[2];
    int n = fuzz_split(data, size, part, len, 2);
    fuzz_file plan;
    fuzz_file_open(&plan, part[0], len[0]);
    char *wtext = n > 1 ? fuzz_text(part[1], len[1]) : NULL;
    sim_error err;
    sim_error_clear(&err);
    mdl_tf_plan *p = NULL;
    sim_json_doc w = { 0 };
    bool ok = mdl_tf_load(plan.path, &p, &err) == SIM_OK;
    if (ok && wtext) ok = sim_json_doc_parse(&w, wtext, "workload", &err) == SIM_OK;
    mdl_tf_import im;
    if (ok && mdl_tf_import_build(p, wtext ? &w : NULL, ".", &im, &err) == SIM_OK) {
        free(sim_json_to_string(im.config));
        mdl_tf_import_fini(&im);
    }
    sim_json_doc_fini(&w);
    mdl_tf_destroy(p);
    free(wtext);
    fuzz_file_close(&plan);
    return 0;
}
