/* fuzz_trace.h - the harness body shared by the streamed trace formats
 * (our CSV, Azure 2021): open the file as a source and stream every row
 * through the trace statistics, as `lambdasim trace stats` does. */
#ifndef FUZZ_TRACE_H
#define FUZZ_TRACE_H

#include "tests/fuzz/fuzz.h"

#include "workloads/trace/wl_trace.h"

typedef sim_status (*fuzz_trace_open)(wl_source **out, const char *path, sim_error *err);

static inline int fuzz_trace_stats(fuzz_trace_open open_fn, const uint8_t *data, size_t size)
{
    fuzz_file f;
    fuzz_file_open(&f, data, size);
    sim_error err;
    sim_error_clear(&err);
    wl_source *src = NULL;
    if (open_fn(&src, f.path, &err) == SIM_OK) {
        wl_trace_stats st;
        wl_trace_stats_source(src, &st, &err);
    }
    wl_source_destroy(src);
    fuzz_file_close(&f);
    return 0;
}

#endif /* FUZZ_TRACE_H */
