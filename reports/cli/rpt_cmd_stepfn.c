/* rpt_cmd_stepfn.c - `lambdasim stepfn run`: one state machine on its own.
 *
 * The command is the simplest driver of the resumable interpreter
 * (mdl_sfn.h): Task results come from a mocks file, and a virtual clock
 * orders completions, Wait states and retry back-offs, so the run reports
 * the execution's simulated duration (Step Functions' per-task overhead
 * included) besides its output and billable transitions.
 *
 * The mocked driver itself is mdl_sfn_run_mocked (models/stepfn/mdl_sfn_mock.c);
 * this file reads the options, checks that every Task has a mock, and
 * prints the run, its Express bill by the price catalogue's rule.
 */
#include "reports/cli/rpt_cmd.h"
#include "reports/cli/rpt_cli_data.h"
#include "models/pricing/mdl_meter.h"
#include "models/pricing/mdl_pricing.h"
#include "models/stepfn/mdl_sfn.h"

#include "sim/sim_cli.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char k_usage[] =
    "usage: lambdasim stepfn run --definition FILE.asl.json --input JSON|@FILE\n"
    "                            [--mocks FILE.json] [--format text|json]\n"
    "                            [--type standard|express] [--task-latency-ms X] [--seed N]\n"
    "                            [--data DIR]\n"
    "\n"
    "Validates and executes one Amazon States Language state machine.\n"
    "  --definition F  the state machine (ASL JSON)\n"
    "  --input X       the execution input: JSON text, or @FILE (default {})\n"
    "  --mocks F       what each Task Resource returns (see README \"Step Functions\");\n"
    "                  without it a Task returns its input\n"
    "  --format        text (default) or json: {\"status\", \"output\", \"error\",\n"
    "                  \"cause\", \"transitions\", \"duration_s\", ...}\n"
    "  --type          standard (default; runs up to a year) or express (up to 5 min)\n"
    "  --task-latency-ms X  Step Functions overhead per Task attempt (default 18.8;\n"
    "                  every state takes at least 1 ms)\n"
    "  --seed N        seed of the retry jitter stream (default 1)\n"
    "  --data DIR      the data directory, for the Express billing rule of the\n"
    "                  us-east-1 price catalogue (default $LAMBDASIM_DATA, else the\n"
    "                  installed share/lambdasim, else ./data)\n"
    "Exit 0 when the execution ran (SUCCEEDED or FAILED), 2 for a bad definition,\n"
    "input or mocks.\n";

typedef struct mock_ctx {
    const sim_json_doc *doc;
    json_object *mocks;
    sim_error *err;
    sim_status st;
} mock_ctx;

static void mock_missing(void *vctx, const char *state, const char *resource)
{
    mock_ctx *c = vctx;
    if (c->st != SIM_OK || json_object_object_get_ex(c->mocks, resource, NULL)) return;
    c->st = SIM_ERR(c->err, SIM_EMISSING, c->doc->input, 0, resource,
                    "no mock for Resource \"%s\" (Task state \"%s\")", resource, state);
}

/* The Express bill of a duration, by the meter's rule (the catalogue's). */
typedef struct express_bill {
    double billed_ms, gb_s;
} express_bill;

static json_object *result_json(mdl_sfn_exec *e, const mdl_sfn_options *opt,
                                const express_bill *x)
{
    json_object *o = json_object_new_object();
    bool ok = mdl_sfn_exec_status(e) == MDL_SFN_SUCCEEDED;
    sim_json_add_string(o, "status", ok ? "SUCCEEDED" : "FAILED");
    json_object_object_add(o, "output", ok ? json_object_get(mdl_sfn_exec_output(e)) : NULL);
    json_object_object_add(o, "error", ok ? NULL : json_object_new_string(mdl_sfn_exec_error(e)));
    json_object_object_add(o, "cause", ok ? NULL : json_object_new_string(mdl_sfn_exec_cause(e)));
    sim_json_add_int(o, "transitions", (int64_t)mdl_sfn_exec_transitions(e));
    sim_json_add_int(o, "invocations", (int64_t)mdl_sfn_exec_invocations(e));
    double d = mdl_sfn_exec_duration(e);
    sim_json_add_double(o, "duration_s", d);
    sim_json_add_int(o, "express_billed_duration_ms", (int64_t)x->billed_ms);
    sim_json_add_double(o, "express_billed_gb_s", x->gb_s);
    sim_json_add_string(o, "type", opt->type == MDL_SFN_EXPRESS ? "express" : "standard");
    sim_json_add_double(o, "task_latency_s", opt->task_latency_s);
    sim_json_add_int(o, "seed", (int64_t)opt->seed);
    return o;
}

/* --input (text or @FILE) and --mocks (checked; every Task must have one). */
static sim_status load_inputs(const mdl_sfn_machine *m, const char *input_s,
                              const char *mocks_path, sim_json_doc *in, sim_json_doc *mocks,
                              sim_error *err)
{
    if (input_s[0] == '@') SIM_TRY(sim_json_doc_load_any(in, input_s + 1, err));
    else SIM_TRY(sim_json_doc_parse_any(in, input_s, "--input", err));
    if (!mocks_path) return SIM_OK;
    SIM_TRY(sim_json_doc_load(mocks, mocks_path, err));
    SIM_TRY(mdl_sfn_mocks_check(mocks, err));
    mock_ctx c = { mocks, mocks->root, err, SIM_OK };
    mdl_sfn_machine_each_task(m, mock_missing, &c);
    return c.st;
}

static int print_run(mdl_sfn_exec *e, const mdl_sfn_options *opt, const mdl_meter *meter,
                     bool json)
{
    double d = mdl_sfn_exec_duration(e);
    express_bill x = { mdl_meter_sfn_express_billed_ms(meter, d * 1e3),
                       mdl_meter_sfn_express_gb_s(meter, d * 1e3, opt->express_memory_mb) };
    json_object *o = result_json(e, opt, &x);
    if (json) {
        char *s = sim_json_to_string(o);
        fputs(s, stdout);
        free(s);
    } else {
        json_object *out;
        printf("status: %s\n", json_object_get_string(json_object_object_get(o, "status")));
        if (json_object_object_get_ex(o, "output", &out) && out)
            printf("output: %s\n", json_object_to_json_string_ext(
                                       out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        if (mdl_sfn_exec_status(e) == MDL_SFN_FAILED)
            printf("error: %s\ncause: %s\n", mdl_sfn_exec_error(e), mdl_sfn_exec_cause(e));
        double usd = mdl_catalog_usd(mdl_meter_catalog(meter), MDL_SFN_TRANSITIONS);
        printf("transitions: %llu (Standard: $%.6f at $%.3f per 1,000)\n",
               (unsigned long long)mdl_sfn_exec_transitions(e),
               (double)mdl_sfn_exec_transitions(e) * usd, usd * 1000);
        printf("invocations: %llu\n", (unsigned long long)mdl_sfn_exec_invocations(e));
        printf("duration: %.4f s simulated (Express: %.0f ms billed, %g GB-s at %g MB)\n", d,
               x.billed_ms, x.gb_s, opt->express_memory_mb);
    }
    json_object_put(o);
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    const char *def = NULL, *input_s = "{}", *mocks_path = NULL, *format = "text", *v;
    const char *type = "standard", *lat_s = NULL, *seed_s = NULL, *data = NULL;
    for (int i = 2; i < argc; i++) {
        if (sim_cli_opt(argc, argv, &i, "--definition", &v, &err)) def = v;
        else if (sim_cli_opt(argc, argv, &i, "--input", &v, &err)) input_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--mocks", &v, &err)) mocks_path = v;
        else if (sim_cli_opt(argc, argv, &i, "--format", &v, &err)) format = v;
        else if (sim_cli_opt(argc, argv, &i, "--type", &v, &err)) type = v;
        else if (sim_cli_opt(argc, argv, &i, "--task-latency-ms", &v, &err)) lat_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--seed", &v, &err)) seed_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--data", &v, &err)) data = v;
        else return sim_cli_usage_error("stepfn run", "unknown option '%s'", argv[i]);
        if (err.code != SIM_OK) return sim_cli_usage_error("stepfn run", "%s", err.msg);
    }
    if (!def) return sim_cli_usage_error("stepfn run", "--definition is required");
    if (strcmp(format, "text") && strcmp(format, "json"))
        return sim_cli_usage_error("stepfn run", "--format must be text or json");
    if (strcmp(type, "standard") && strcmp(type, "express"))
        return sim_cli_usage_error("stepfn run", "--type must be standard or express");
    mdl_sfn_options opt;
    mdl_sfn_options_default(&opt);
    opt.type = strcmp(type, "express") ? MDL_SFN_STANDARD : MDL_SFN_EXPRESS;
    double lat_ms = opt.task_latency_s * 1000.0;
    int64_t seed = 1;
    if (lat_s && sim_cli_parse_double("--task-latency-ms", lat_s, 0, 1e7, &lat_ms, &err) != SIM_OK)
        return sim_cli_fail(&err);
    if (seed_s && sim_cli_parse_int("--seed", seed_s, 0, INT64_MAX, &seed, &err) != SIM_OK)
        return sim_cli_fail(&err);
    if (rpt_cli_data_dir(data, &data, &err) != SIM_OK) return sim_cli_fail(&err);
    /* The interpreter's floor applies to the Task overhead too; print what ran. */
    opt.task_latency_s = fmax(lat_ms / 1000.0, MDL_SFN_MIN_STATE_LATENCY_S);
    opt.seed = (uint64_t)seed;

    mdl_sfn_machine *m = NULL;
    sim_json_doc in = { 0 }, mocks = { 0 };
    mdl_sfn_exec *e = NULL;
    mdl_catalog *cat = NULL;
    mdl_meter *meter = NULL;
    sim_status st = mdl_sfn_machine_load(def, &m, &err);
    if (st == SIM_OK) st = load_inputs(m, input_s, mocks_path, &in, &mocks, &err);
    /* The Express rule (100 ms, 64 MB units) is the catalogue's, through
     * the meter, as in `run` and `cost`. */
    if (st == SIM_OK) st = mdl_catalog_load_region(data, "us-east-1", NULL, 0, NULL, &cat, &err);
    if (st == SIM_OK) {
        mdl_meter_opts mo = { MDL_FREE_NONE, 1, NULL };
        st = mdl_meter_create(cat, &mo, &meter, &err);
    }
    if (st == SIM_OK) st = mdl_sfn_run_mocked(m, in.root, mocks_path ? mocks.root : NULL, &opt, &e, &err);
    int rc = st != SIM_OK ? sim_cli_fail(&err) : print_run(e, &opt, meter, !strcmp(format, "json"));
    mdl_sfn_exec_destroy(e);
    mdl_meter_destroy(meter);
    mdl_catalog_destroy(cat);
    sim_json_doc_fini(&mocks);
    sim_json_doc_fini(&in);
    mdl_sfn_machine_destroy(m);
    return rc;
}

int rpt_cmd_stepfn(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        return 0;
    }
    if (argc < 2) return sim_cli_usage_error("stepfn", "missing subcommand (run)");
    if (!strcmp(argv[1], "run")) return cmd_run(argc, argv);
    return sim_cli_usage_error("stepfn", "unknown subcommand '%s' (expected run)", argv[1]);
}
