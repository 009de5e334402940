/* fuzz_csv.c - lambdasim's CSV trace (trace stats FILE, run --trace):
 * stream every row through the source and the trace statistics. */
#include "tests/fuzz/fuzz.h"

#include "workloads/trace/wl_csv.h"
#include "workloads/trace/wl_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file f;
    fuzz_file_open(&f, data, size);
    sim_error err;
    sim_error_clear(&err);
    wl_source *src = NULL;
    if (wl_csv_source_open(&src, f.path, &err) == SIM_OK) {
        wl_trace_stats st;
        wl_trace_stats_source(src, &st, &err);
    }
    wl_source_destroy(src);
    fuzz_file_close(&f);
    return 0;
}
