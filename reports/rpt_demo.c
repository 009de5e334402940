/* rpt_demo.c - `lambdasim demo`: the photo-gallery scenario, end to end.
 *
 * For now the demo compares the synchronous photo-gallery path behind the
 * three front doors (Function URL, HTTP API, REST API) on a simulated day,
 * writes compare.json into reports/out/demo/ (or --out) and prints the
 * side-by-side table.  The HTML report, the trace-driven day and Solution 1
 * vs Solution 2 join it with the reports issue (10).
 */
#include "sim/sim_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char k_usage[] =
    "usage: lambdasim demo [--out DIR] [--data DIR]\n"
    "\n"
    "Runs the photo-gallery demo: the synchronous gallery path (view and upload\n"
    "through the API, with S3 and DynamoDB) on the bundled day trace\n"
    "(data/traces/gallery_day.csv) behind a Function URL, an HTTP API and a\n"
    "REST API, side by side.  Writes\n"
    "DIR/compare.json (default reports/out/demo).  --data names the data folder\n"
    "(default: $LAMBDASIM_DATA, else ./data).\n";

int rpt_cmd_demo(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        return 0;
    }
    sim_error err;
    sim_error_clear(&err);
    const char *out = "reports/out/demo", *data = getenv("LAMBDASIM_DATA"), *v;
    if (!data || !data[0]) data = "data";
    for (int i = 1; i < argc; i++) {
        if (sim_cli_opt(argc, argv, &i, "--out", &v, &err)) out = v;
        else if (sim_cli_opt(argc, argv, &i, "--data", &v, &err)) data = v;
        else return sim_cli_usage_error("demo", "unknown option '%s'", argv[i]);
        if (err.code) return sim_cli_usage_error("demo", "%s", err.msg);
    }
    char config[1024];
    snprintf(config, sizeof config, "%s/architectures/gallery_sync.json", data);
    char trace[1024];
    snprintf(trace, sizeof trace, "%s/traces/gallery_day.csv", data);
    printf("lambdasim demo: photo gallery, the bundled day trace (%s)\n", trace);
    /* argv strings must be writable char *: copy them into local buffers. */
    char a0[] = "compare", a1[] = "--config", a3[] = "--vary",
         a4[] = "entry.type=function_url,apigw_http,apigw_rest", a5[] = "--out", a6[1024],
         a7[] = "--trace";
    snprintf(a6, sizeof a6, "%s", out);
    char *args[] = { a0, a1, config, a3, a4, a5, a6, a7, trace, NULL };
    int rc = mdl_cmd_compare(9, args);
    if (rc == 0)
        printf("wrote %s/compare.json\n", out);
    return rc;
}
