/* bench_meter.c - cost of the per-event meter calls and of one monthly bill.
 *
 * The simulator meters every event, so the meter must add little to an
 * event's cost (the engine goal is >= 1 M events/s per core for the full
 * model, README "Benchmarks").  Measures a mix of Lambda
 * invocations (cold and warm), API Gateway requests and SQS calls over
 * 8 functions, then the bill of the month.  Prints BENCH lines.
 */
#include "models/pricing/mdl_bill.h"
#include "models/pricing/mdl_meter.h"
#include "models/pricing/mdl_pricing.h"
#include "sim/sim_io.h"

#include <stdio.h>

int main(void)
{
    sim_error err;
    mdl_catalog *cat = NULL;
    if (mdl_catalog_load("data/prices/us-east-1.json", &cat, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    mdl_meter *m = NULL;
    mdl_meter_opts o = { MDL_FREE_ALWAYS, 1, NULL };
    if (mdl_meter_create(cat, &o, &m, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        mdl_catalog_destroy(cat);
        return 1;
    }
    int fn[8];
    for (int i = 0; i < 8; i++) {
        mdl_lambda_spec s = { "f", i & 1 ? MDL_ARCH_ARM64 : MDL_ARCH_X86_64, 128.0 * (i + 1),
                              0, MDL_PACKAGE_ZIP, 0 };
        fn[i] = mdl_meter_add_function(m, &s);
    }
    const long n = 20000000;
    double t0 = sim_cpu_seconds();
    for (long i = 0; i < n; i++) {
        /* Durations vary so the rounding is real work, not a constant. */
        double d = 37.25 + (double)(i % 977) * 1.37;
        switch (i & 3) {
        case 0: mdl_meter_lambda_invocation(m, fn[i & 7], d, (i & 255) == 0 ? 180.5 : 0, false);
            break;
        case 1: mdl_meter_apigw_http(m, (double)(i % 900)); break;
        case 2: mdl_meter_sqs_call(m, false, (double)(i % 300)); break;
        default: mdl_meter_lambda_invocation(m, fn[(i >> 3) & 7], d, 0, false); break;
        }
    }
    double t1 = sim_cpu_seconds();
    mdl_bill *b = NULL;
    const int bills = 2000;
    double t2 = sim_cpu_seconds();
    for (int i = 0; i < bills; i++) {
        mdl_bill_destroy(b);
        b = NULL;
        if (mdl_bill_compute(cat, mdl_meter_usage(m), &b, &err) != SIM_OK) {
            sim_error_print(&err, stderr);
            break;
        }
    }
    double t3 = sim_cpu_seconds();
    printf("BENCH meter_events_per_s %.3g events/s\n", (double)n / (t1 - t0));
    printf("BENCH meter_ns_per_event %.2f ns\n", (t1 - t0) / (double)n * 1e9);
    printf("BENCH bill_compute_us %.2f us\n", (t3 - t2) / bills * 1e6);
    printf("(month total %.2f USD, %zu lines)\n", b ? mdl_bill_total_usd(b) : -1.0,
           b ? mdl_bill_line_count(b) : 0);
    mdl_bill_destroy(b);
    mdl_meter_destroy(m);
    mdl_catalog_destroy(cat);
    return 0;
}
