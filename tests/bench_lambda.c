/* bench_lambda.c - the Lambda platform model: events/s and whole scenarios.
 *
 * simfaas_set_a_s: SimFaaS set A (0.9 req/s for 10^6 s, ~1.8 M events)
 * with SimFaaS's semantics (the `simfaas` lifecycle preset); SimFaaS itself
 * takes about 17 s for it on a machine of this kind.
 * lambda_1000rps_hour_s: one hour at 1,000 req/s (3.6 M requests) behind
 * a Function URL, 200 ms lognormal handler, the default lifecycle (aws-now).  lambda_events_per_s is the
 * engine rate over that hour.  Best of 3 runs (the machine is shared).
 */
#include "models/scenario/mdl_scenario.h"
#include "sim/sim_io.h"

#include <stdio.h>

static const char k_set_a[] =
    "{ \"duration_s\": 1000000, \"workload\": {\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 0.9}},"
    "  \"entry\": {\"type\": \"direct\"}, \"platform\": {\"preset\": \"simfaas\"},"
    "  \"functions\": {\"f\": {\"keep_alive_s\": 600, \"service_time\": {"
    "    \"warm\": {\"dist\": \"exponential\", \"mean_ms\": 1991},"
    "    \"cold\": {\"dist\": \"exponential\", \"mean_ms\": 2244}}}}}";

static const char k_hour[] =
    "{ \"duration_s\": 3600, \"workload\": {\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1000}},"
    "  \"entry\": {\"type\": \"function_url\"},"
    "  \"functions\": {\"f\": {\"memory_mb\": 512, \"service_time\": {"
    "    \"warm\": {\"dist\": \"lognormal\", \"mean_ms\": 200, \"cv\": 0.6}},"
    "    \"init\": {\"dist\": \"lognormal\", \"mean_ms\": 250, \"cv\": 0.3}}}}";

static double run(const char *text, uint64_t *events)
{
    sim_json_doc doc;
    sim_error err;
    mdl_config cfg;
    if (sim_json_doc_parse(&doc, text, "bench", &err) != SIM_OK ||
        mdl_config_from_doc(&cfg, &doc, NULL, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return -1;
    }
    sim_json_doc_fini(&doc);
    double best = 1e300;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = sim_wall_seconds();
        mdl_scenario *s;
        mdl_scenario_create(&cfg, 1, 0, &s, &err);
        mdl_scenario_run(s, &err);
        double dt = sim_wall_seconds() - t0;
        *events = mdl_scenario_events(s);
        mdl_scenario_destroy(s);
        if (dt < best) best = dt;
    }
    mdl_config_fini(&cfg);
    return best;
}

int main(void)
{
    uint64_t ev_a = 0, ev_h = 0;
    double a = run(k_set_a, &ev_a);
    double h = run(k_hour, &ev_h);
    printf("BENCH lambda_events_per_s %.3g events/s\n", (double)ev_h / h);
    printf("BENCH simfaas_set_a_s %.3f s\n", a);
    printf("BENCH lambda_1000rps_hour_s %.3f s\n", h);
    return 0;
}
