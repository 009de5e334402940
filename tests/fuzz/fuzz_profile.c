/* fuzz_profile.c - a kernel profile (size --kernel NAME --profile F): load
 * each of the three kernels, as sizing and run do. */
#include "tests/fuzz/fuzz.h"

#include "models/sizing/mdl_perf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const k_names[] = { "resize", "grayscale", "detect" };
    fuzz_file f;
    fuzz_file_open(&f, data, size);
    for (size_t i = 0; i < sizeof k_names / sizeof k_names[0]; i++) {
        sim_error err;
        sim_error_clear(&err);
        mdl_perf_kernel k;
        mdl_perf_profile_load(f.path, k_names[i], &k, &err);
    }
    fuzz_file_close(&f);
    return 0;
}
