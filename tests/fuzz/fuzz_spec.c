/* fuzz_spec.c - the trace generator spec (trace generate --spec): load, then
 * generate at most 20,000 arrivals over at most the time in which the
 * generator draws 1e6 candidates (bound x duration; a spec may ask for 1e10 s
 * at any rate, or a bound far above its mean: that cost is the large-run
 * guard's business, which counts draws; the parsing and generating are
 * ours). */
#include "tests/fuzz/fuzz.h"

#include "workloads/trace/wl_gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file f;
    fuzz_file_open(&f, data, size);
    sim_error err;
    sim_error_clear(&err);
    wl_gen_spec spec;
    if (wl_gen_spec_load(&spec, f.path, &err) == SIM_OK) {
        (void)wl_gen_expected_arrivals(&spec, spec.duration_s);
        double bound = wl_gen_rate_bound(&spec);
        if (bound > 0 && spec.duration_s > 1e6 / bound) spec.duration_s = 1e6 / bound;
        wl_source *src = NULL;
        if (wl_gen_source_create(&src, &spec, spec.has_seed ? spec.seed : 1, &err) == SIM_OK) {
            wl_arrival a;
            for (int k = 0; k < 20000 && wl_source_next(src, &a); k++) {}
            wl_source_status(src, &err);
        }
        wl_source_destroy(src);
    }
    fuzz_file_close(&f);
    return 0;
}
