/* fuzz_csv.c - lambdasim's CSV trace (trace stats FILE, run --trace):
 * stream every row through the source and the trace statistics. */
#include "tests/fuzz/fuzz_trace.h"

#include "workloads/trace/wl_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_trace_stats(wl_csv_source_open, data, size);
}
