/* rpt_cmd_stepfn.c - `lambdasim stepfn run`: one state machine on its own.
 *
 * The command is the simplest driver of the resumable interpreter
 * (mdl_sfn.h): Task results come from a mocks file, and a virtual clock
 * orders completions, Wait states and retry back-offs, so the run reports
 * the execution's simulated duration (Step Functions' per-task overhead
 * included) besides its output and billable transitions.
 *
 * Mocks (../shared/reference/cli.md): {"<resource>": {"result": <json>}},
 * {"<resource>": {"error": "Name", "cause": "..."}}, or a list of those
 * consumed one per call; the last entry of a list repeats once the list is
 * used up.  One extension: "duration_s" (default 0), how long the call
 * takes in simulated time, so TimeoutSeconds can be exercised.  Without
 * --mocks every Task returns its input.
 */
#include "reports/cli/rpt_cmd.h"
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
    "\n"
    "Validates and executes one Amazon States Language state machine.\n"
    "  --definition F  the state machine (ASL JSON)\n"
    "  --input X       the execution input: JSON text, or @FILE (default {})\n"
    "  --mocks F       what each Task Resource returns (see README \"Step Functions\");\n"
    "                  without it a Task returns its input\n"
    "  --format        text (default) or json: {\"status\", \"output\", \"error\",\n"
    "                  \"cause\", \"transitions\", \"duration_s\", ...}\n"
    "  --type          standard (default; runs up to a year) or express (up to 5 min)\n"
    "  --task-latency-ms X  Step Functions overhead per Task attempt (default 18.8)\n"
    "  --seed N        seed of the retry jitter stream (default 1)\n"
    "Exit 0 when the execution ran (SUCCEEDED or FAILED), 2 for a bad definition,\n"
    "input or mocks.\n";

typedef struct mock_ctx {
    const sim_json_doc *doc;
    json_object *mocks;
    sim_error *err;
    sim_status st;
} mock_ctx;

static const char *const k_mock_keys[] = { "result", "error", "cause", "duration_s", NULL };

static sim_status check_mock_entry(const sim_json_doc *doc, json_object *m, const char *path,
                                   sim_error *err)
{
    SIM_TRY(sim_json_check_keys(doc, m, path, k_mock_keys, err));
    bool has_r = json_object_object_get_ex(m, "result", NULL);
    bool has_e = json_object_object_get_ex(m, "error", NULL);
    if (has_r == has_e)
        SIM_JSON_FAIL(err, SIM_EFORMAT, doc, path, "a mock needs exactly one of result and error");
    const char *s;
    if (has_e) SIM_TRY(sim_json_get_string(doc, m, path, "error", true, &s, NULL, err));
    if (json_object_object_get_ex(m, "cause", NULL)) {
        if (!has_e) {
            char p[600];
            SIM_JSON_FAIL(err, SIM_EFORMAT, doc, sim_json_path(p, sizeof p, path, "cause"),
                          "cause goes with error");
        }
        SIM_TRY(sim_json_get_string(doc, m, path, "cause", true, &s, NULL, err));
    }
    double d;
    SIM_TRY(sim_json_get_number(doc, m, path, "duration_s", false, 0, 1e9, &d, NULL, err));
    return SIM_OK;
}

sim_status mdl_sfn_mocks_check(const sim_json_doc *doc, sim_error *err)
{
    if (!json_object_is_type(doc->root, json_type_object))
        SIM_JSON_FAIL(err, SIM_ETYPE, doc, "", "mocks must be a JSON object keyed by Resource");
    json_object_object_foreach(doc->root, res, v) {
        if (json_object_is_type(v, json_type_array)) {
            size_t n = json_object_array_length(v);
            if (n == 0) SIM_JSON_FAIL(err, SIM_EFORMAT, doc, res, "an empty list of mocks");
            for (size_t i = 0; i < n; i++) {
                char p[600];
                sim_json_path_index(p, sizeof p, res, i);
                SIM_TRY(check_mock_entry(doc, json_object_array_get_idx(v, i), p, err));
            }
        } else {
            SIM_TRY(check_mock_entry(doc, v, res, err));
        }
    }
    return SIM_OK;
}

static void mock_missing(void *vctx, const char *state, const char *resource)
{
    mock_ctx *c = vctx;
    if (c->st != SIM_OK || json_object_object_get_ex(c->mocks, resource, NULL)) return;
    c->st = SIM_ERR(c->err, SIM_EMISSING, c->doc->input, 0, resource,
                    "no mock for Resource \"%s\" (Task state \"%s\")", resource, state);
}

/* A pending completion on the virtual clock. */
typedef struct pend {
    double t;
    uint64_t seq, id;
    mdl_sfn_req_kind kind;
    json_object *mock;  /* borrowed; NULL: echo `input` */
    json_object *input; /* owned, for echo */
    bool timed_out;
} pend;

sim_status mdl_sfn_run_mocked(const mdl_sfn_machine *m, json_object *input,
                              json_object *mocks, const mdl_sfn_options *o,
                              mdl_sfn_exec **out, sim_error *err)
{
    mdl_sfn_options opt;
    if (o) opt = *o;
    else mdl_sfn_options_default(&opt);
    mdl_sfn_exec *e;
    SIM_TRY(mdl_sfn_exec_create(m, input, &opt, &e, err));
    json_object *calls = json_object_new_object(); /* resource -> calls so far */
    pend *p = NULL;
    size_t np = 0, cap = 0;
    uint64_t seq = 0;
    double now = opt.start_time_s;
    for (;;) {
        mdl_sfn_exec_advance(e, now);
        mdl_sfn_request r;
        while (mdl_sfn_exec_next_request(e, &r)) {
            if (np == cap) {
                cap = cap ? cap * 2 : 16;
                p = sim_xrealloc(p, cap * sizeof *p);
            }
            pend *q = &p[np++];
            memset(q, 0, sizeof *q);
            q->seq = seq++;
            q->id = r.id;
            q->kind = r.kind;
            q->t = r.at;
            if (r.kind == MDL_SFN_REQ_INVOKE) {
                json_object *mk = NULL;
                if (mocks && json_object_object_get_ex(mocks, r.resource, &mk) &&
                    json_object_is_type(mk, json_type_array)) {
                    json_object *cnt;
                    int64_t k = json_object_object_get_ex(calls, r.resource, &cnt)
                                    ? json_object_get_int64(cnt) : 0;
                    json_object_object_add(calls, r.resource, json_object_new_int64(k + 1));
                    size_t n = json_object_array_length(mk);
                    mk = json_object_array_get_idx(mk, (size_t)k < n ? (size_t)k : n - 1);
                }
                q->mock = mk;
                if (!mk) q->input = json_object_get(r.input);
                json_object *d;
                double dur = mk && json_object_object_get_ex(mk, "duration_s", &d)
                                 ? json_object_get_double(d) : 0;
                if (r.timeout_s > 0 && dur > r.timeout_s) {
                    dur = r.timeout_s;
                    q->timed_out = true;
                }
                q->t = r.at + dur;
            }
        }
        if (mdl_sfn_exec_status(e) != MDL_SFN_RUNNING || np == 0) break;
        size_t best = 0;
        for (size_t i = 1; i < np; i++)
            if (p[i].t < p[best].t || (p[i].t == p[best].t && p[i].seq < p[best].seq)) best = i;
        pend q = p[best];
        p[best] = p[--np];
        if (q.t > now) now = q.t;
        if (now > mdl_sfn_exec_deadline(e)) {
            mdl_sfn_exec_time_out(e, mdl_sfn_exec_deadline(e));
            json_object_put(q.input);
            break;
        }
        if (q.kind == MDL_SFN_REQ_WAIT) {
            mdl_sfn_exec_resume_wait(e, q.id, now);
        } else if (q.timed_out) {
            mdl_sfn_exec_resume_error(e, q.id, now, "States.Timeout", "Task timed out");
        } else if (!q.mock) {
            mdl_sfn_exec_resume_result(e, q.id, now, q.input);
        } else {
            json_object *res, *er, *ca;
            if (json_object_object_get_ex(q.mock, "result", &res)) {
                mdl_sfn_exec_resume_result(e, q.id, now, res);
            } else {
                json_object_object_get_ex(q.mock, "error", &er);
                bool hc = json_object_object_get_ex(q.mock, "cause", &ca);
                mdl_sfn_exec_resume_error(e, q.id, now, json_object_get_string(er),
                                          hc ? json_object_get_string(ca) : "");
            }
        }
        json_object_put(q.input);
    }
    for (size_t i = 0; i < np; i++) json_object_put(p[i].input);
    free(p);
    json_object_put(calls);
    SIM_ASSERT(mdl_sfn_exec_status(e) != MDL_SFN_RUNNING);
    *out = e;
    return SIM_OK;
}

static json_object *result_json(const mdl_sfn_exec *e, const mdl_sfn_options *opt)
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
    sim_json_add_int(o, "express_billed_duration_ms", (int64_t)mdl_sfn_express_units(d) * 100);
    sim_json_add_double(o, "express_billed_gb_s", mdl_sfn_express_gb_s(d, opt->express_memory_mb));
    sim_json_add_string(o, "type", opt->type == MDL_SFN_EXPRESS ? "express" : "standard");
    sim_json_add_double(o, "task_latency_s", opt->task_latency_s);
    sim_json_add_int(o, "seed", (int64_t)opt->seed);
    return o;
}

static int cmd_run(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    const char *def = NULL, *input_s = "{}", *mocks_path = NULL, *format = "text", *v;
    const char *type = "standard", *lat_s = NULL, *seed_s = NULL;
    for (int i = 2; i < argc; i++) {
        if (sim_cli_opt(argc, argv, &i, "--definition", &v, &err)) def = v;
        else if (sim_cli_opt(argc, argv, &i, "--input", &v, &err)) input_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--mocks", &v, &err)) mocks_path = v;
        else if (sim_cli_opt(argc, argv, &i, "--format", &v, &err)) format = v;
        else if (sim_cli_opt(argc, argv, &i, "--type", &v, &err)) type = v;
        else if (sim_cli_opt(argc, argv, &i, "--task-latency-ms", &v, &err)) lat_s = v;
        else if (sim_cli_opt(argc, argv, &i, "--seed", &v, &err)) seed_s = v;
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
    opt.task_latency_s = lat_ms / 1000.0;
    opt.seed = (uint64_t)seed;

    mdl_sfn_machine *m = NULL;
    sim_json_doc in = { 0 }, mocks = { 0 };
    mdl_sfn_exec *e = NULL;
    int rc = 0;
    sim_status st = mdl_sfn_machine_load(def, &m, &err);
    if (st == SIM_OK) {
        if (input_s[0] == '@') st = sim_json_doc_load_any(&in, input_s + 1, &err);
        else st = sim_json_doc_parse_any(&in, input_s, "--input", &err);
    }
    if (st == SIM_OK && mocks_path) {
        st = sim_json_doc_load(&mocks, mocks_path, &err);
        if (st == SIM_OK) st = mdl_sfn_mocks_check(&mocks, &err);
        if (st == SIM_OK) {
            mock_ctx c = { &mocks, mocks.root, &err, SIM_OK };
            mdl_sfn_machine_each_task(m, mock_missing, &c);
            st = c.st;
        }
    }
    if (st == SIM_OK) st = mdl_sfn_run_mocked(m, in.root, mocks_path ? mocks.root : NULL, &opt, &e, &err);
    if (st != SIM_OK) {
        rc = sim_cli_fail(&err);
    } else {
        json_object *o = result_json(e, &opt);
        if (!strcmp(format, "json")) {
            char *s = sim_json_to_string(o);
            fputs(s, stdout);
            free(s);
        } else {
            json_object *x;
            printf("status: %s\n", json_object_get_string(json_object_object_get(o, "status")));
            if (json_object_object_get_ex(o, "output", &x) && x)
                printf("output: %s\n", json_object_to_json_string_ext(
                                            x, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
            if (mdl_sfn_exec_status(e) == MDL_SFN_FAILED)
                printf("error: %s\ncause: %s\n", mdl_sfn_exec_error(e), mdl_sfn_exec_cause(e));
            double d = mdl_sfn_exec_duration(e);
            printf("transitions: %llu (Standard: $%.6f at $0.025 per 1,000)\n",
                   (unsigned long long)mdl_sfn_exec_transitions(e),
                   (double)mdl_sfn_exec_transitions(e) * 0.000025);
            printf("invocations: %llu\n", (unsigned long long)mdl_sfn_exec_invocations(e));
            printf("duration: %.4f s simulated (Express: %llu ms billed, %g GB-s at 64 MB)\n", d,
                   (unsigned long long)mdl_sfn_express_units(d) * 100, mdl_sfn_express_gb_s(d, 64));
        }
        json_object_put(o);
    }
    mdl_sfn_exec_destroy(e);
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
