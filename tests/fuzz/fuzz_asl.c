/* fuzz_asl.c - Amazon States Language through the stepfn loader: the input
 * is DEFINITION \0 INPUT \0 MOCKS (the last two optional), as
 * `lambdasim stepfn run --definition D --input @I --mocks M` reads them; a
 * definition that loads is executed on the mocks. */
#include "tests/fuzz/fuzz.h"

#include "models/stepfn/mdl_sfn.h"
#include "sim/sim_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *part[3];
    size_t len[3];
    int n = fuzz_split(data, size, part, len, 3);
    char *def = fuzz_text(part[0], len[0]);
    char *in = n > 1 ? fuzz_text(part[1], len[1]) : NULL;
    char *mk = n > 2 ? fuzz_text(part[2], len[2]) : NULL;
    sim_error err;
    sim_error_clear(&err);
    mdl_sfn_machine *m = NULL;
    sim_json_doc input = { 0 }, mocks = { 0 };
    bool ok = def && mdl_sfn_machine_parse(def, "definition", &m, &err) == SIM_OK;
    if (ok) ok = sim_json_doc_parse_any(&input, in ? in : "{}", "input", &err) == SIM_OK;
    if (ok && mk) ok = sim_json_doc_parse(&mocks, mk, "mocks", &err) == SIM_OK &&
                       mdl_sfn_mocks_check(&mocks, &err) == SIM_OK;
    if (ok) {
        mdl_sfn_exec *e = NULL;
        if (mdl_sfn_run_mocked(m, input.root, mk ? mocks.root : NULL, NULL, &e, &err) == SIM_OK)
            mdl_sfn_exec_destroy(e);
    }
    sim_json_doc_fini(&mocks);
    sim_json_doc_fini(&input);
    mdl_sfn_machine_destroy(m);
    free(def);
    free(in);
    free(mk);
    return 0;
}
