/* bench_manyfn.c - many functions: an Azure 2019 trace of N functions (issue 19).
 *
 * Generates an N-function, M-minute Azure 2019 trace with
 * tests/gen_azure_many.sh (clones of the bundled 100-function sample; how
 * they are made is in that script) into $BUILD/bench-manyfn-N-M/, and runs it
 * as `lambdasim run` would: every trace function gets its own function,
 * cloned from a template (workload.trace.function_template), with the
 * trace's durations and memory; the account limit is raised to 10^7 so every
 * invocation is served (the default 1,000 throttles most of them and so
 * measures the throttle path).  Phases, by this process's CPU time:
 *   build    the config, the trace files (CSV parsing), the scenario,
 *   run      the engine: every arrival and invocation,
 *   results  the results document streamed to a file, as `run --format
 *            json` writes it (sim_jw: no tree; README "Many functions").
 * Prints, with PREFIX azure_10k for the default (10,000 functions, 60
 * minutes), azure_<N/1000>k_<M>min otherwise (azure_50k_day for 1,440):
 *   BENCH PREFIX_us_per_arrival      CPU of all three phases per arrival
 *                                    (goal <= 1 us for azure_10k)
 *   BENCH PREFIX_sim_us_per_arrival  CPU of build and run per arrival
 *   BENCH PREFIX_rss_mb              peak RSS of the whole run (goal <= 60 MB
 *                                    for azure_10k, <= 1 GB for azure_50k_day)
 *   BENCH PREFIX_sim_rss_mb          peak RSS before the results document
 * (the document is read back afterwards, outside the figures, to count).
 * and, on stderr, the counts (functions, arrivals, events) and each phase.
 * Usage: build/tests/bench_manyfn [N MINUTES [sim]], from the repository
 * root; `sim` stops after the run (no results document: for profiling the
 * simulation's memory with valgrind's massif).
 * The 50,000-function day (310 M arrivals) takes minutes: it is not part of
 * `make bench`; README "Benchmarks" gives its figures and command.
 */
#include "models/scenario/mdl_scenario.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"
#include "sim/sim_jw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Peak resident set so far (VmHWM), MB; -1 when /proc is not there. */
static double peak_rss_mb(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    if (!fp) return -1;
    char line[256];
    double kb = -1;
    while (fgets(line, sizeof line, fp))
        if (strncmp(line, "VmHWM:", 6) == 0) kb = atof(line + 6);
    fclose(fp);
    return kb < 0 ? -1 : kb / 1024.0;
}

static int write_config(const char *dir, int minutes)
{
    char path[600];
    snprintf(path, sizeof path, "%s/config.json", dir);
    FILE *fp = fopen(path, "w");
    if (!fp) {
        perror(path);
        return -1;
    }
    fprintf(fp,
            "{ \"duration_s\": %d,\n"
            "  \"account\": { \"concurrency_limit\": 10000000 },\n"
            "  \"workload\": { \"trace\": { \"format\": \"azure2019\", \"function_template\": \"tpl\",\n"
            "     \"file\": \"inv.csv\", \"durations\": \"run.csv\", \"memory\": \"mem.csv\" } },\n"
            "  \"entry\": { \"type\": \"direct\", \"target\": \"tpl\" },\n"
            "  \"functions\": { \"tpl\": { \"service_time\": {\n"
            "     \"warm\": { \"dist\": \"exponential\", \"mean_ms\": 100 } } } } }\n",
            60 * minutes);
    return fclose(fp) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 10000;
    unsigned minutes = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 60;
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    if (n < 1 || minutes < 1 || minutes > 1440) {
        fprintf(stderr, "usage: bench_manyfn [N MINUTES(1..1440)]\n");
        return 2;
    }
    char dir[512], cmd[1200], prefix[64];
    snprintf(dir, sizeof dir, "%s/bench-manyfn-%u-%u", build, n, minutes);
    snprintf(cmd, sizeof cmd, "sh tests/gen_azure_many.sh %u %u '%s'", n, minutes, dir);
    if (system(cmd) != 0 || write_config(dir, (int)minutes) != 0) {
        fprintf(stderr, "bench_manyfn: could not generate the trace in %s\n", dir);
        return 1;
    }
    if (n == 10000 && minutes == 60)
        snprintf(prefix, sizeof prefix, "azure_10k");
    else if (minutes == 1440)
        snprintf(prefix, sizeof prefix, "azure_%gk_day", n / 1000.0);
    else
        snprintf(prefix, sizeof prefix, "azure_%gk_%umin", n / 1000.0, minutes);

    sim_error err;
    sim_error_clear(&err);
    char path[600];
    snprintf(path, sizeof path, "%s/config.json", dir);
    double c0 = sim_cpu_seconds();
    mdl_config cfg;
    mdl_config_opts opts = { .data_dir = "data" };
    mdl_scenario *s = NULL;
    if (mdl_config_load(&cfg, path, &opts, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    if (mdl_scenario_create(&cfg, 1, 0, &s, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    double c1 = sim_cpu_seconds();
    if (mdl_scenario_run(s, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    double c2 = sim_cpu_seconds();
    double rss_sim = peak_rss_mb();
    if (argc > 3 && strcmp(argv[3], "sim") == 0) {
        fprintf(stderr, "bench_manyfn: %llu events; CPU build %.2f s, run %.2f s; peak RSS %.1f MB\n",
                (unsigned long long)mdl_scenario_events(s), c1 - c0, c2 - c1, rss_sim);
        mdl_scenario_destroy(s);
        mdl_config_fini(&cfg);
        return 0;
    }
    /* As `lambdasim run --format json` does (rpt_cli_run_stream): the
     * results streamed as they are written (sim_jw), then the scenario
     * freed.  Into a file of the bench's folder, to count its bytes. */
    unsigned long long events = (unsigned long long)mdl_scenario_events(s);
    snprintf(path, sizeof path, "%s/results.json", dir);
    FILE *out = fopen(path, "w");
    if (!out) {
        perror(path);
        return 1;
    }
    sim_jw w;
    sim_jw_init_text(&w, out);
    mdl_scenario_results_write(s, &w);
    sim_jw_tree_member(&w, "config", json_object_get(cfg.effective));
    bool written = sim_jw_finish_text(&w);
    long bytes = ftell(out);
    written = fclose(out) == 0 && written;
    mdl_scenario_destroy(s);
    double c3 = sim_cpu_seconds();
    double rss = peak_rss_mb();
    if (!written) {
        fprintf(stderr, "bench_manyfn: could not write %s\n", path);
        return 1;
    }
    /* The figures, read back from the document (outside the timing). */
    sim_json_doc doc;
    if (sim_json_doc_load(&doc, path, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    double arrivals = sim_json_number_at(doc.root, "requests.arrivals");
    json_object *fns = json_object_object_get(doc.root, "functions");
    int nfn = fns ? json_object_object_length(fns) : 0;
    fprintf(stderr, "bench_manyfn: %u trace functions, %d functions (with the template), "
                    "%.0f arrivals, %llu events, %ld bytes of JSON; CPU build %.2f s, run %.2f s, "
                    "results %.2f s\n",
            n, nfn, arrivals, events, bytes, c1 - c0, c2 - c1, c3 - c2);
    sim_json_doc_fini(&doc);
    mdl_config_fini(&cfg);
    if (!(arrivals > 0)) {
        fprintf(stderr, "bench_manyfn: no arrivals\n");
        return 1;
    }
    printf("BENCH %s_us_per_arrival %.3f us\n", prefix, 1e6 * (c3 - c0) / arrivals);
    printf("BENCH %s_sim_us_per_arrival %.3f us\n", prefix, 1e6 * (c2 - c0) / arrivals);
    printf("BENCH %s_rss_mb %.1f MB\n", prefix, rss);
    printf("BENCH %s_sim_rss_mb %.1f MB\n", prefix, rss_sim);
    return 0;
}
