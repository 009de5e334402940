/* fuzz_az21.c - the Azure Functions 2021 trace (trace stats/convert --from
 * azure2021): load, sort and stream every invocation into the statistics. */
#include "tests/fuzz/fuzz.h"

#include "workloads/trace/wl_azure.h"
#include "workloads/trace/wl_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file f;
    fuzz_file_open(&f, data, size);
    sim_error err;
    sim_error_clear(&err);
    wl_source *src = NULL;
    if (wl_az21_source_open(&src, f.path, &err) == SIM_OK) {
        wl_trace_stats st;
        wl_trace_stats_source(src, &st, &err);
    }
    wl_source_destroy(src);
    fuzz_file_close(&f);
    return 0;
}
