/* fuzz_az21.c - the Azure Functions 2021 trace (trace stats/convert --from
 * azure2021): load, sort and stream every invocation into the statistics. */
#include "tests/fuzz/fuzz_trace.h"

#include "workloads/trace/wl_azure.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_trace_stats(wl_az21_source_open, data, size);
}
