/* rpt_cmd_trace.c - `lambdasim trace stats|convert|generate`. */
#include "reports/cli/rpt_cmd.h"
#include "reports/cli/rpt_cli_run.h"
#include "workloads/trace/wl_trace.h"
#include "workloads/trace/wl_csv.h"
#include "workloads/trace/wl_gen.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char k_usage[] =
    "usage: lambdasim trace stats FILE [--from csv|azure2019|azure2021]\n"
    "                             [--durations FILE] [--memory FILE] [--format text|json]\n"
    "       lambdasim trace convert FILE --from azure2019|azure2021|csv [--to csv]\n"
    "                             [--durations FILE] [--memory FILE]\n"
    "                             [--spread poisson|uniform] [--seed N] [--out FILE] [--yes]\n"
    "       lambdasim trace generate --spec SPEC.json [--seed N] [--out FILE] [--yes]\n"
    "\n"
    "stats     describe a trace: exact invocations, functions, duration and the\n"
    "          per-minute request rate (mean, p50, p99, max).  For azure2019, FILE\n"
    "          is the invocations-per-minute file (original or sampled schema).\n"
    "convert   expand an Azure trace into lambdasim's CSV (timestamp_s,op,key,bytes,\n"
    "          function,duration_ms,memory_mb); each minute's exact count is spread\n"
    "          poisson (default: sorted uniform times) or uniform (evenly spaced).\n"
    "          Over 10 GB expected (Azure 2019 counts), the estimate is printed\n"
    "          and, on a terminal, asked about (--yes: don't ask).\n"
    "generate  write a synthetic trace from a generator spec (README: 'Workloads\n"
    "          and traces').  --seed overrides the spec's seed (default 1).  Over\n"
    "          10 GB expected, the estimate is printed and, on a terminal, asked\n"
    "          about (--yes: don't ask).\n"
    "Output goes to stdout unless --out names a file (written atomically).\n";

typedef enum { FROM_CSV, FROM_AZ19, FROM_AZ21 } trace_from;

typedef struct trace_opts {
    const char *file, *from_s, *durations, *memory, *format, *spread_s, *seed_s,
               *out, *to, *spec;
    trace_from from;
    wl_spread spread;
    uint64_t seed;
    bool json, yes;
} trace_opts;

static int parse_opts(const char *cmd, int argc, char **argv, trace_opts *o, sim_error *err)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--yes") == 0) o->yes = true;
        else if (sim_cli_opt(argc, argv, &i, "--from", &v, err)) o->from_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--durations", &v, err)) o->durations = v;
        else if (sim_cli_opt(argc, argv, &i, "--memory", &v, err)) o->memory = v;
        else if (sim_cli_opt(argc, argv, &i, "--format", &v, err)) o->format = v;
        else if (sim_cli_opt(argc, argv, &i, "--spread", &v, err)) o->spread_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--seed", &v, err)) o->seed_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--out", &v, err)) o->out = v;
        else if (sim_cli_opt(argc, argv, &i, "--to", &v, err)) o->to = v;
        else if (sim_cli_opt(argc, argv, &i, "--spec", &v, err)) o->spec = v;
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return sim_cli_usage_error(cmd, "unknown option '%s'", argv[i]);
        else if (!o->file) o->file = argv[i];
        else
            return sim_cli_usage_error(cmd, "unexpected argument '%s'", argv[i]);
        if (err->code != SIM_OK) return sim_cli_fail(err);
    }
    o->from = FROM_CSV;
    if (o->from_s) {
        if (strcmp(o->from_s, "csv") == 0) o->from = FROM_CSV;
        else if (strcmp(o->from_s, "azure2019") == 0) o->from = FROM_AZ19;
        else if (strcmp(o->from_s, "azure2021") == 0) o->from = FROM_AZ21;
        else return sim_cli_usage_error(cmd, "--from must be csv, azure2019 or azure2021, not '%s'",
                                        o->from_s);
    }
    if ((o->durations || o->memory) && o->from != FROM_AZ19)
        return sim_cli_usage_error(cmd, "--durations and --memory go with --from azure2019");
    o->spread = WL_SPREAD_POISSON;
    if (o->spread_s && !wl_spread_parse(o->spread_s, &o->spread))
        return sim_cli_usage_error(cmd, "--spread must be poisson or uniform, not '%s'", o->spread_s);
    o->seed = 1;
    if (o->seed_s) {
        int64_t sd;
        if (sim_cli_parse_int("--seed", o->seed_s, 0, INT64_MAX, &sd, err) != SIM_OK)
            return sim_cli_fail(err);
        o->seed = (uint64_t)sd;
    }
    if (o->format) {
        if (strcmp(o->format, "json") == 0) o->json = true;
        else if (strcmp(o->format, "text") != 0)
            return sim_cli_usage_error(cmd, "--format must be text or json, not '%s'", o->format);
    }
    return 0;
}

/* Open the source FILE names (Azure 2019 tables are loaded into *az). */
static sim_status open_source(const trace_opts *o, wl_az19 **az, wl_source **src, sim_error *err)
{
    *az = NULL;
    *src = NULL;
    switch (o->from) {
    case FROM_CSV: return wl_csv_source_open(src, o->file, err);
    case FROM_AZ21: return wl_az21_source_open(src, o->file, err);
    case FROM_AZ19:
        SIM_TRY(wl_az19_load(az, o->file, o->durations, o->memory, err));
        return wl_az19_source_create(src, *az, o->spread, o->seed, err);
    }
    return SIM_EUSAGE;
}

static const char *from_name(trace_from f)
{
    return f == FROM_AZ19 ? "azure2019" : f == FROM_AZ21 ? "azure2021" : "csv";
}

static int cmd_stats(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    trace_opts o;
    int rc = parse_opts("trace stats", argc, argv, &o, &err);
    if (rc) return rc;
    if (!o.file) return sim_cli_usage_error("trace stats", "missing the trace FILE");
    if (o.to || o.out || o.spec || o.spread_s || o.seed_s)
        return sim_cli_usage_error("trace stats", "--to/--out/--spec/--spread/--seed belong to convert and generate");
    wl_trace_stats st;
    wl_az19 *az = NULL;
    sim_status s;
    if (o.from == FROM_AZ19) {
        s = wl_az19_load(&az, o.file, o.durations, o.memory, &err);
        if (s == SIM_OK) wl_trace_stats_az19(az, &st);
    } else {
        wl_source *src = NULL;
        s = open_source(&o, &az, &src, &err);
        if (s == SIM_OK) s = wl_trace_stats_source(src, &st, &err);
        wl_source_destroy(src);
    }
    if (s != SIM_OK) {
        wl_az19_destroy(az);
        return sim_cli_fail(&err);
    }
    if (o.json) {
        json_object *j = json_object_new_object();
        sim_json_add_string(j, "file", o.file);
        sim_json_add_string(j, "from", from_name(o.from));
        sim_json_add_int(j, "invocations", (int64_t)st.invocations);
        sim_json_add_int(j, "functions", st.functions);
        sim_json_add_double(j, "duration_s", st.duration_s);
        sim_json_add_double(j, "first_s", st.first_s);
        sim_json_add_double(j, "last_s", st.last_s);
        sim_json_add_int(j, "minutes", (int64_t)st.minutes);
        json_object *r = json_object_new_object();
        sim_json_add_double(r, "mean", st.rate_mean);
        sim_json_add_double(r, "p50", st.rate_p50);
        sim_json_add_double(r, "p99", st.rate_p99);
        sim_json_add_double(r, "max", st.rate_max);
        json_object_object_add(j, "rate_per_s", r);
        json_object *ops = json_object_new_object();
        for (int k = 0; k < WL_OP_COUNT; k++)
            sim_json_add_int(ops, wl_op_name((wl_op)k), (int64_t)st.ops[k]);
        json_object_object_add(j, "ops", ops);
        sim_json_add_int(j, "bytes", (int64_t)st.bytes);
        if (az) {
            sim_json_add_int(j, "active_functions", wl_az19_active_functions(az));
            sim_json_add_int(j, "functions_with_durations", wl_az19_functions_with_durations(az));
            sim_json_add_int(j, "functions_with_memory", wl_az19_functions_with_memory(az));
        }
        char *txt = sim_json_to_string(j);
        fputs(txt, stdout);
        free(txt);
        json_object_put(j);
    } else {
        printf("trace         %s (%s)\n", o.file, from_name(o.from));
        printf("invocations   %llu\n", (unsigned long long)st.invocations);
        printf("functions     %u\n", st.functions);
        if (az)
            printf("  active %u, with durations %u, with memory %u\n",
                   wl_az19_active_functions(az), wl_az19_functions_with_durations(az),
                   wl_az19_functions_with_memory(az));
        printf("duration_s    %.6g (first %.6g, last %.6g)\n", st.duration_s, st.first_s, st.last_s);
        printf("rate_per_s    mean %.6g  p50 %.6g  p99 %.6g  max %.6g  (over %llu minutes)\n",
               st.rate_mean, st.rate_p50, st.rate_p99, st.rate_max, (unsigned long long)st.minutes);
        printf("ops          ");
        for (int k = 0; k < WL_OP_COUNT; k++)
            printf(" %s %llu", wl_op_name((wl_op)k), (unsigned long long)st.ops[k]);
        printf("\nbytes         %llu\n", (unsigned long long)st.bytes);
    }
    wl_az19_destroy(az);
    return 0;
}

/* Drain src to --out (atomically) or stdout. */
static int write_csv(const trace_opts *o, wl_source *src, sim_error *err)
{
    sim_atomic at;
    FILE *fp = stdout;
    if (o->out) {
        if (sim_atomic_open(&at, o->out, err) != SIM_OK) return sim_cli_fail(err);
        fp = at.fp;
    } else {
        setvbuf(stdout, NULL, _IOFBF, (size_t)1 << 16);   /* stdio owns the buffer */
    }
    sim_status s = wl_csv_write_source(fp, src, NULL, err);
    /* A failed write names the file it failed on. */
    if (s != SIM_OK && !err->input[0])
        snprintf(err->input, sizeof err->input, "%s", o->out ? o->out : "stdout");
    if (o->out) {
        if (s == SIM_OK) s = sim_atomic_commit(&at, err);
        else sim_atomic_abort(&at);
    } else if (fflush(stdout) != 0 || ferror(stdout)) {
        /* A lost stdout is a failed run (exit 1), whatever the drain said. */
        char why[128];
        s = SIM_ERR(err, SIM_ERUN, "stdout", 0, NULL, "write failed: %s",
                    sim_errno_text(errno, why, sizeof why));
    }
    return s == SIM_OK ? 0 : sim_cli_fail(err);
}

static int cmd_convert(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    trace_opts o;
    int rc = parse_opts("trace convert", argc, argv, &o, &err);
    if (rc) return rc;
    if (!o.file) return sim_cli_usage_error("trace convert", "missing the trace FILE");
    if (!o.from_s) return sim_cli_usage_error("trace convert", "--from is required");
    if (o.to && strcmp(o.to, "csv") != 0)
        return sim_cli_usage_error("trace convert", "--to must be csv, not '%s'", o.to);
    if (o.spec || o.format) return sim_cli_usage_error("trace convert", "--spec/--format are not convert options");
    wl_az19 *az = NULL;
    wl_source *src = NULL;
    if (open_source(&o, &az, &src, &err) != SIM_OK) {
        wl_az19_destroy(az);
        return sim_cli_fail(&err);
    }
    /* Azure 2019 counts expand into rows: 99 bytes each on average for the
     * Azure format fixtures (64-hex-digit function names).  Our CSV and
     * Azure 2021 hold their rows already: their output is about their size. */
    rpt_estimate est = { 0 };
    if (az) {
        est.requests = (double)wl_az19_total(az);
        est.bytes = est.requests * 100.0;
        est.seconds = est.bytes / RPT_WRITE_BYTES_PER_S;
    }
    if (!rpt_cli_confirm("trace convert", &est, o.yes)) rc = 1;
    else rc = write_csv(&o, src, &err);
    wl_source_destroy(src);
    wl_az19_destroy(az);
    return rc;
}

static int cmd_generate(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    trace_opts o;
    int rc = parse_opts("trace generate", argc, argv, &o, &err);
    if (rc) return rc;
    if (!o.spec) return sim_cli_usage_error("trace generate", "--spec is required");
    if (o.file || o.from_s || o.format || o.to)
        return sim_cli_usage_error("trace generate", "takes only --spec, --seed and --out");
    wl_gen_spec spec;
    if (wl_gen_spec_load(&spec, o.spec, &err) != SIM_OK) return sim_cli_fail(&err);
    uint64_t seed = o.seed_s ? o.seed : (spec.has_seed ? spec.seed : 1);
    /* The CSV rows of data/traces/gallery_day.csv average 49 bytes; thinning
     * draws 1.3e7 candidates a second (a fuzzed diurnal spec: 21.8 M draws
     * in 1.7 s), and a spec whose bound is far above its mean (a flash
     * crowd) spends its time there. */
    rpt_estimate est = { 0 };
    est.requests = wl_gen_expected_arrivals(&spec, spec.duration_s);
    est.events = wl_gen_rate_bound(&spec) * spec.duration_s;
    est.events_name = "generator draws";
    est.bytes = est.requests * 50.0;
    est.seconds = est.bytes / RPT_WRITE_BYTES_PER_S + est.events / 1.3e7;
    if (!rpt_cli_confirm("trace generate", &est, o.yes)) return 1;
    wl_source *src = NULL;
    if (wl_gen_source_create(&src, &spec, seed, &err) != SIM_OK) return sim_cli_fail(&err);
    rc = write_csv(&o, src, &err);
    wl_source_destroy(src);
    return rc;
}

int rpt_cmd_trace(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(k_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        return 0;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "stats") == 0) return cmd_stats(argc - 1, argv + 1);
    if (strcmp(sub, "convert") == 0) return cmd_convert(argc - 1, argv + 1);
    if (strcmp(sub, "generate") == 0) return cmd_generate(argc - 1, argv + 1);
    return sim_cli_usage_error("trace", "unknown subcommand '%s' (stats, convert, generate)", sub);
}
