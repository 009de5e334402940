/* fuzz_config.c - the run config (lambdasim run --config): load and
 * validate, as mdl_config_load does for the command line. */
#include "tests/fuzz/fuzz.h"

#include "models/config/mdl_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file f;
    fuzz_file_open(&f, data, size);
    mdl_config cfg;
    sim_error err;
    sim_error_clear(&err);
    /* Bundled data from ./data (the harness runs from the checkout). */
    mdl_config_opts opts = { .data_dir = "data" };
    if (mdl_config_load(&cfg, f.path, &opts, &err) == SIM_OK) mdl_config_fini(&cfg);
    fuzz_file_close(&f);
    return 0;
}
