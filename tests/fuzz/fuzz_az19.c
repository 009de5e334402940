/* fuzz_az19.c - the Azure Functions 2019 trace: INVOCATIONS \0 DURATIONS \0
 * MEMORY (the last two optional), as trace stats/convert --from azure2019
 * --durations D --memory M read them.  The counts are expanded into at most
 * 20,000 arrivals (a file may claim 4e9 per minute; expanding all of them is
 * the command's job, not a parser's). */
#include "tests/fuzz/fuzz.h"

#include "workloads/trace/wl_azure.h"
#include "workloads/trace/wl_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *part[3];
    size_t len[3];
    int n = fuzz_split(data, size, part, len, 3);
    fuzz_file f[3];
    for (int i = 0; i < n; i++) fuzz_file_open(&f[i], part[i], len[i]);
    sim_error err;
    sim_error_clear(&err);
    wl_az19 *az = NULL;
    if (wl_az19_load(&az, f[0].path, n > 1 ? f[1].path : NULL, n > 2 ? f[2].path : NULL,
                     &err) == SIM_OK) {
        wl_trace_stats st;
        wl_trace_stats_az19(az, &st);
        wl_source *src = NULL;
        if (wl_az19_source_create(&src, az, WL_SPREAD_POISSON, 1, &err) == SIM_OK) {
            wl_arrival a;
            for (int k = 0; k < 20000 && wl_source_next(src, &a); k++) {}
            wl_source_status(src, &err);
        }
        wl_source_destroy(src);
    }
    wl_az19_destroy(az);
    for (int i = 0; i < n; i++) fuzz_file_close(&f[i]);
    return 0;
}
