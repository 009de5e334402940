/* bench_sqs.c - simulated SQS messages per wall-clock second.
 *
 * The case: a day at 1,000 msg/s into a standard queue, 50 long-
 * polling workers, exponential 40 ms service (utilisation 0.8): 86.4 M
 * messages, each sent, received and deleted.  One run (it is long).
 */
#include "models/scenario/mdl_scenario.h"
#include "sim/sim_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char k_day[] =
    "{ \"duration_s\": 86400,"
    "  \"workload\": { \"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": 1000 } },"
    "  \"entry\": { \"type\": \"queue\", \"target\": \"q\" },"
    "  \"queues\": { \"q\": { \"consumer\": { \"type\": \"workers\", \"count\": 50, \"poll\": \"long\","
    "     \"service_time\": { \"dist\": \"exponential\", \"mean_ms\": 40 } } } } }";

int main(void)
{
    sim_json_doc doc;
    sim_error err;
    mdl_config cfg;
    if (sim_json_doc_parse(&doc, k_day, "bench", &err) != SIM_OK ||
        mdl_config_from_doc(&cfg, &doc, NULL, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    sim_json_doc_fini(&doc);
    double t0 = sim_wall_seconds();
    mdl_scenario *s;
    mdl_scenario_create(&cfg, 1, 0, &s, &err);
    mdl_scenario_run(s, &err);
    double dt = sim_wall_seconds() - t0;
    json_object *r = mdl_scenario_results(s);
    json_object *q, *qq, *sent;
    json_object_object_get_ex(r, "queues", &q);
    json_object_object_get_ex(q, "q", &qq);
    json_object_object_get_ex(qq, "sent", &sent);
    double n = json_object_get_double(sent);
    printf("BENCH sqs_msgs_per_s %.3g msgs/s\n", n / dt);
    printf("BENCH sqs_day_1000mps_s %.2f s\n", dt);
    json_object_put(r);
    mdl_scenario_destroy(s);
    mdl_config_fini(&cfg);
    return 0;
}
