/* bench_gallery.c - the whole photo gallery for a simulated day.
 *
 * data/architectures/gallery_full.json as bundled: views 20/s through a
 * Function URL, uploads 2/s to S3 -> SQS -> Lambda -> the Step Functions
 * image pipeline -> thumbs/ and DynamoDB, for 86,400 s (1.9 M arrivals,
 * about 7.4 M events).  The figure is process CPU time (the machine is
 * shared: wall time wanders), the best of three runs, from building the
 * scenario to its results document; the config load is not counted.
 * Goal (issue 16): under 2 s.
 */
#include "models/scenario/mdl_scenario.h"
#include "sim/sim_io.h"

#include <stdio.h>
#include <stdlib.h>

#define RUNS 3

int main(void)
{
    sim_error err;
    mdl_config cfg;
    mdl_config_opts o = { .data_dir = "data" };
    if (mdl_config_load(&cfg, "data/architectures/gallery_full.json", &o, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    double best = 1e30, best_wall = 1e30;
    uint64_t events = 0;
    for (int k = 0; k < RUNS; k++) {
        double c0 = sim_cpu_seconds(), w0 = sim_wall_seconds();
        mdl_scenario *s = NULL;
        if (mdl_scenario_create(&cfg, 1, 0, &s, &err) != SIM_OK || mdl_scenario_run(s, &err) != SIM_OK) {
            sim_error_print(&err, stderr);
            mdl_scenario_destroy(s);
            mdl_config_fini(&cfg);
            return 1;
        }
        json_object *r = mdl_scenario_results(s);
        events = mdl_scenario_events(s);
        json_object_put(r);
        mdl_scenario_destroy(s);
        double c = sim_cpu_seconds() - c0, w = sim_wall_seconds() - w0;
        if (c < best) best = c;
        if (w < best_wall) best_wall = w;
    }
    printf("BENCH gallery_full_day_s %.3f s\n", best);
    printf("BENCH gallery_full_day_wall_s %.3f s\n", best_wall);
    printf("BENCH gallery_full_events_per_cpu_s %.3g events/s\n", (double)events / best);
    mdl_config_fini(&cfg);
    return 0;
}
