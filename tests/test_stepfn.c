/* test_stepfn.c - the Step Functions interpreter against hand-worked cases.
 *
 * Runs every case folder under tests/stepfn/ (definition, input, mocks,
 * expected: status, output, error, cause, transitions, invocations and the
 * simulated duration, each checked exactly when given; then again twice
 * through a runner, which must agree), then unit checks the parts a folder
 * cannot show: validation messages, jitter determinism, Express metering
 * (the meter's rule), the embedding API with requests answered out of
 * order, and AWS's limits on generated inputs (issue 15: a 100,000-state
 * chain on a 1 MB stack, deep nesting, history and duration limits,
 * retrier ranges, payloads, a million-item input, the JSON writer).
 */
#include "check.h"

#include "models/pricing/mdl_meter.h"
#include "models/pricing/mdl_pricing.h"
#include "models/stepfn/mdl_sfn.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool json_eq(json_object *a, json_object *b)
{
    if (!a || !b) return a == b;
    json_type ta = json_object_get_type(a), tb = json_object_get_type(b);
    bool na = ta == json_type_int || ta == json_type_double;
    bool nb = tb == json_type_int || tb == json_type_double;
    if (na && nb) return json_object_get_double(a) == json_object_get_double(b);
    if (ta != tb) return false;
    switch (ta) {
    case json_type_boolean: return json_object_get_boolean(a) == json_object_get_boolean(b);
    case json_type_string: return !strcmp(json_object_get_string(a), json_object_get_string(b));
    case json_type_array:
        if (json_object_array_length(a) != json_object_array_length(b)) return false;
        for (size_t i = 0; i < json_object_array_length(a); i++)
            if (!json_eq(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i))) return false;
        return true;
    case json_type_object: {
        if (json_object_object_length(a) != json_object_object_length(b)) return false;
        json_object_object_foreach(a, k, va) {
            json_object *vb;
            if (!json_object_object_get_ex(b, k, &vb) || !json_eq(va, vb)) return false;
        }
        return true;
    }
    default: return true;
    }
}

/* A runner (shared mock values, recycled executions) gives exactly what a
 * one-shot run gave, on its first execution and on a recycled one. */
static void same_through_runner(const mdl_sfn_machine *m, json_object *in, json_object *mocks,
                                mdl_sfn_exec *want, const char *dir)
{
    mdl_sfn_runner *r = mdl_sfn_runner_create(m, mocks);
    sim_error err;
    for (int k = 0; k < 2; k++) {
        mdl_sfn_exec *e = NULL;
        CHECK(mdl_sfn_runner_run(r, in, NULL, &e, &err) == SIM_OK, "%s: runner: %s", dir, err.msg);
        if (!e) break;
        CHECK(mdl_sfn_exec_status(e) == mdl_sfn_exec_status(want) &&
              !strcmp(mdl_sfn_exec_error(e), mdl_sfn_exec_error(want)) &&
              !strcmp(mdl_sfn_exec_cause(e), mdl_sfn_exec_cause(want)) &&
              mdl_sfn_exec_transitions(e) == mdl_sfn_exec_transitions(want) &&
              mdl_sfn_exec_duration(e) == mdl_sfn_exec_duration(want) &&
              json_eq(mdl_sfn_exec_output(e), mdl_sfn_exec_output(want)),
              "%s: run %d through a runner differs", dir, k);
    }
    mdl_sfn_runner_destroy(r);
}

static int run_case(const char *dir)
{
    char def[1024], path[1024];
    snprintf(path, sizeof path, "%s/definition.ref", dir);
    char *ref = NULL;
    size_t len;
    sim_error err;
    sim_error_clear(&err);
    if (sim_read_file(path, &ref, &len, NULL) == SIM_OK) {
        ref[strcspn(ref, "\n")] = '\0';
        snprintf(def, sizeof def, "%s", ref);
        free(ref);
    } else {
        snprintf(def, sizeof def, "%s/definition.asl.json", dir);
    }
    mdl_sfn_machine *m = NULL;
    sim_json_doc in = { 0 }, mocks = { 0 }, want = { 0 };
    bool have_mocks;
    CHECK(mdl_sfn_machine_load(def, &m, &err) == SIM_OK, "%s: load: %s", dir, err.msg);
    snprintf(path, sizeof path, "%s/input.json", dir);
    CHECK(sim_json_doc_load_any(&in, path, &err) == SIM_OK, "%s: %s", dir, err.msg);
    snprintf(path, sizeof path, "%s/mocks.json", dir);
    have_mocks = sim_json_doc_load(&mocks, path, NULL) == SIM_OK;
    if (have_mocks) CHECK(mdl_sfn_mocks_check(&mocks, &err) == SIM_OK, "%s: mocks: %s", dir, err.msg);
    snprintf(path, sizeof path, "%s/expected.json", dir);
    CHECK(sim_json_doc_load(&want, path, &err) == SIM_OK, "%s: %s", dir, err.msg);
    if (m && want.root) {
        mdl_sfn_exec *e = NULL;
        CHECK(mdl_sfn_run_mocked(m, in.root, have_mocks ? mocks.root : NULL, NULL, &e, &err) == SIM_OK,
              "%s: run: %s", dir, err.msg);
        json_object *x;
        const char *st = mdl_sfn_exec_status(e) == MDL_SFN_SUCCEEDED ? "SUCCEEDED" : "FAILED";
        json_object_object_get_ex(want.root, "status", &x);
        CHECK(!strcmp(st, json_object_get_string(x)), "%s: status %s, want %s (error %s: %s)", dir,
              st, json_object_get_string(x), mdl_sfn_exec_error(e), mdl_sfn_exec_cause(e));
        if (json_object_object_get_ex(want.root, "output", &x))
            CHECK(json_eq(mdl_sfn_exec_output(e), x), "%s: output %s, want %s", dir,
                  json_object_to_json_string(mdl_sfn_exec_output(e)), json_object_to_json_string(x));
        if (json_object_object_get_ex(want.root, "error", &x))
            CHECK(!strcmp(mdl_sfn_exec_error(e), json_object_get_string(x)), "%s: error %s, want %s",
                  dir, mdl_sfn_exec_error(e), json_object_get_string(x));
        if (json_object_object_get_ex(want.root, "cause", &x))
            CHECK(!strcmp(mdl_sfn_exec_cause(e), json_object_get_string(x)), "%s: cause %s, want %s",
                  dir, mdl_sfn_exec_cause(e), json_object_get_string(x));
        if (json_object_object_get_ex(want.root, "transitions", &x))
            CHECK(mdl_sfn_exec_transitions(e) == (uint64_t)json_object_get_int64(x),
                  "%s: transitions %llu, want %lld", dir,
                  (unsigned long long)mdl_sfn_exec_transitions(e), (long long)json_object_get_int64(x));
        if (json_object_object_get_ex(want.root, "invocations", &x))
            CHECK(mdl_sfn_exec_invocations(e) == (uint64_t)json_object_get_int64(x),
                  "%s: invocations %llu, want %lld", dir,
                  (unsigned long long)mdl_sfn_exec_invocations(e), (long long)json_object_get_int64(x));
        if (json_object_object_get_ex(want.root, "duration_s", &x))
            CHECK_ABS(mdl_sfn_exec_duration(e), json_object_get_double(x), 1e-9, dir);
        same_through_runner(m, in.root, have_mocks ? mocks.root : NULL, e, dir);
        mdl_sfn_exec_destroy(e);
    }
    sim_json_doc_fini(&want);
    sim_json_doc_fini(&mocks);
    sim_json_doc_fini(&in);
    mdl_sfn_machine_destroy(m);
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_cases(void)
{
    DIR *d = opendir("tests/stepfn");
    CHECK(d != NULL, "tests/stepfn missing (run from the repo root)");
    if (!d) return;
    char *names[256];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 256) {
        char p[600];
        struct stat sb;
        snprintf(p, sizeof p, "tests/stepfn/%s", de->d_name);
        if (de->d_name[0] != '.' && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            names[n++] = sim_xstrdup(de->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    int ran = 0;
    for (int i = 0; i < n; i++) {
        char dir[600];
        snprintf(dir, sizeof dir, "tests/stepfn/%s", names[i]);
        ran += run_case(dir);
        free(names[i]);
    }
    CHECK(ran >= 20, "only %d cases", ran);
}

/* A definition that must be rejected, with `field` in the error path and
 * `msg` in the message. */
static void reject(const char *text, const char *field, const char *msg)
{
    mdl_sfn_machine *m = NULL;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = mdl_sfn_machine_parse(text, "def.json", &m, &err);
    CHECK(st != SIM_OK, "accepted: %s", text);
    CHECK(strstr(err.field, field) != NULL, "field '%s', want '%s' (msg %s)", err.field, field, err.msg);
    CHECK(strstr(err.msg, msg) != NULL, "message '%s', want '%s'", err.msg, msg);
    CHECK(sim_status_exit_code(st) == 2, "exit code %d", sim_status_exit_code(st));
    mdl_sfn_machine_destroy(m);
}

static void test_validation(void)
{
    reject("{\"States\": {\"A\": {\"Type\": \"Succeed\"}}}", "StartAt", "no StartAt");
    reject("{\"StartAt\": \"B\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}", "StartAt",
           "unknown state \"B\"");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Nope\"}}}",
           "States.A.Next", "unknown state \"Nope\"");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}, \"B\": {\"Type\": "
           "\"Succeed\"}}}", "States.B", "\"B\" is unreachable");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\"}}}", "States.A",
           "exactly one of Next and End");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true, \"Next\": "
           "\"A\"}}}", "States.A", "exactly one of Next and End");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\", \"End\": true}}}",
           "States.A.End", "not allowed in a Succeed");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Lambda\"}}}", "States.A.Type",
           "unknown state type \"Lambda\"");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"InputPath\": \"a.b\", "
           "\"End\": true}}}", "States.A.InputPath", "start with '$'");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"ResultPath\": "
           "\"$.a[*]\", \"End\": true}}}", "States.A.ResultPath", "wildcards");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": "
           "{\"x.$\": \"States.Format('{}'\"}, \"End\": true}}}", "States.A.Parameters.x.$",
           "expected ',' or ')'");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": "
           "{\"x.$\": \"States.Nope(1)\"}, \"End\": true}}}", "States.A.Parameters.x.$",
           "unknown intrinsic function");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": "
           "{\"x.$\": \"States.StringToJson('a', 'b')\"}, \"End\": true}}}",
           "States.A.Parameters.x.$", "wrong number of arguments");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"End\": true}}}",
           "States.A.Resource", "needs Resource");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"r\", "
           "\"Retry\": [{\"ErrorEquals\": [\"States.ALL\"]}, {\"ErrorEquals\": [\"X\"]}], \"End\": "
           "true}}}", "States.A.Retry[0].ErrorEquals", "States.ALL must appear alone");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"r\", "
           "\"Retry\": [{\"ErrorEquals\": [\"X\"], \"BackoffRate\": 0.5}], \"End\": true}}}",
           "States.A.Retry[0].BackoffRate", ">= 1.0");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Choice\", \"Choices\": "
           "[{\"Variable\": \"$.x\", \"StringEquals\": 3, \"Next\": \"A\"}]}}}",
           "States.A.Choices[0].StringEquals", "bad operand");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Choice\", \"Choices\": "
           "[{\"Variable\": \"$.x\", \"Next\": \"A\"}]}}}", "States.A.Choices[0]",
           "exactly one operator");
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Wait\", \"Seconds\": 1, "
           "\"SecondsPath\": \"$.s\", \"End\": true}}}", "States.A", "exactly one of Seconds");
    reject("{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Parallel\", \"End\": true, "
           "\"Branches\": [{\"StartAt\": \"X\", \"States\": {\"X\": {\"Type\": \"Pass\", \"Next\": "
           "\"P\"}}}]}}}", "States.P.Branches[0].States.X.Next", "unknown state \"P\"");
    /* The line of the offending field is found in the text. */
    mdl_sfn_machine *m = NULL;
    sim_error err;
    sim_error_clear(&err);
    mdl_sfn_machine_parse("{\n\"StartAt\": \"A\",\n\"States\": {\n\"A\": {\"Type\": \"Pass\",\n"
                          "\"Next\": \"Zz\"}}}", "def.json", &m, &err);
    CHECK(err.line == 5, "line %ld, want 5", err.line);
    CHECK(!strcmp(err.input, "def.json"), "input %s", err.input);
    /* The bundled definition is valid. */
    CHECK(mdl_sfn_machine_load("data/statemachines/image_pipeline.asl.json", &m, &err) == SIM_OK,
          "%s", err.msg);
    mdl_sfn_machine_destroy(m);
}

static const char k_jitter[] =
    "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": \"r\", "
    "\"Retry\": [{\"ErrorEquals\": [\"E\"], \"IntervalSeconds\": 10, \"MaxAttempts\": 3, "
    "\"BackoffRate\": 2, \"JitterStrategy\": \"FULL\"}], \"End\": true}}}";

static double jitter_run(uint64_t seed)
{
    mdl_sfn_machine *m = NULL;
    sim_error err;
    mdl_sfn_machine_parse(k_jitter, "jitter", &m, &err);
    json_object *mocks = json_tokener_parse("{\"r\": {\"error\": \"E\"}}");
    json_object *in = json_object_new_object();
    mdl_sfn_options o;
    mdl_sfn_options_default(&o);
    o.seed = seed;
    o.task_latency_s = 0;
    mdl_sfn_exec *e = NULL;
    mdl_sfn_run_mocked(m, in, mocks, &o, &e, &err);
    double d = mdl_sfn_exec_duration(e);
    CHECK(mdl_sfn_exec_status(e) == MDL_SFN_FAILED, "jitter run should fail");
    CHECK(mdl_sfn_exec_transitions(e) == 4, "1 entered + 3 retries, got %llu",
          (unsigned long long)mdl_sfn_exec_transitions(e));
    mdl_sfn_exec_destroy(e);
    json_object_put(mocks);
    json_object_put(in);
    mdl_sfn_machine_destroy(m);
    return d;
}

static void test_jitter(void)
{
    double a = jitter_run(1), b = jitter_run(1), c = jitter_run(2);
    CHECK(a == b, "same seed, different delays: %g %g", a, b);
    CHECK(a != c, "seeds 1 and 2 gave the same delays %g", a);
    /* FULL jitter draws each delay in [0, 10 * 2^n): the total is below 70 s. */
    CHECK_RANGE(a, 0.0, 70.0, "jittered total");
    CHECK(a < 69.999, "jitter had no effect (%g)", a);
}

/* The Express rule is the catalogue's, through the meter (one source). */
static void test_express(void)
{
    mdl_catalog *cat = NULL;
    mdl_meter *mt = NULL;
    sim_error err;
    CHECK(mdl_catalog_load_region("data", "us-east-1", NULL, 0, NULL, &cat, &err) == SIM_OK, "%s", err.msg);
    mdl_meter_opts mo = { MDL_FREE_NONE, 1, NULL };
    CHECK(mdl_meter_create(cat, &mo, &mt, &err) == SIM_OK, "%s", err.msg);
    if (!mt) return;
    CHECK(mdl_meter_sfn_express_billed_ms(mt, 300) == 300, "0.3 s -> %g", mdl_meter_sfn_express_billed_ms(mt, 300));
    CHECK(mdl_meter_sfn_express_billed_ms(mt, 300.01) == 400, "0.30001 s");
    CHECK(mdl_meter_sfn_express_billed_ms(mt, 0) == 100, "minimum one unit");
    /* Workshop module 13: 11.3 s -> 113 units; 64 MB: 113 * 0.1 * 0.0625 GB-s. */
    CHECK(mdl_meter_sfn_express_billed_ms(mt, 11300) == 11300, "11.3 s");
    CHECK_REL(mdl_meter_sfn_express_gb_s(mt, 11300, 64), 0.70625, 1e-12, "11.3 s at 64 MB");
    CHECK_REL(mdl_meter_sfn_express_gb_s(mt, 1200, 65), 1.2 * 0.125, 1e-12, "65 MB bills 128 MB");
    CHECK_REL(mdl_meter_sfn_express_units(mt, 11300, 65), 226, 1e-12, "units: 113 x 2 chunks");
    mdl_meter_destroy(mt);
    mdl_catalog_destroy(cat);
}

/* The embedding API: a Parallel with two Tasks whose results come back in
 * the opposite order, at times the driver chooses. */
static void test_embedding(void)
{
    static const char def[] =
        "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Parallel\", \"End\": true, "
        "\"Branches\": [{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": "
        "\"fa\", \"End\": true}}}, {\"StartAt\": \"B\", \"States\": {\"B\": {\"Type\": \"Task\", "
        "\"Resource\": \"fb\", \"TimeoutSeconds\": 5, \"End\": true}}}]}}}";
    mdl_sfn_machine *m = NULL;
    sim_error err;
    CHECK(mdl_sfn_machine_parse(def, "emb", &m, &err) == SIM_OK, "%s", err.msg);
    mdl_sfn_options o;
    mdl_sfn_options_default(&o);
    o.start_time_s = 100;
    json_object *in = json_tokener_parse("{\"k\": 1}");
    mdl_sfn_exec *e = NULL;
    mdl_sfn_exec_create(m, in, &o, &e, &err);
    mdl_sfn_exec_advance(e, 100);
    mdl_sfn_request r1, r2, r3;
    CHECK(mdl_sfn_exec_next_request(e, &r1) && r1.kind == MDL_SFN_REQ_INVOKE, "first request");
    CHECK(mdl_sfn_exec_next_request(e, &r2) && r2.kind == MDL_SFN_REQ_INVOKE, "second request");
    CHECK(!mdl_sfn_exec_next_request(e, &r3), "only two requests");
    CHECK(!strcmp(r1.resource, "fa") && !strcmp(r2.resource, "fb"), "resources %s %s", r1.resource, r2.resource);
    CHECK_ABS(r1.at, 100.0198, 1e-12, "invoke start: the Parallel's 1 ms, then the task overhead");
    CHECK_ABS(r2.timeout_s, 5, 0, "TimeoutSeconds reported");
    json_object *x, *in1 = mdl_sfn_exec_request_input(e, r1.id);
    CHECK(json_object_object_get_ex(in1, "k", &x) && json_object_get_int(x) == 1, "input");
    json_object_put(in1);
    json_object *rb = json_object_new_string("b"), *ra = json_object_new_string("a");
    mdl_sfn_exec_resume_result(e, r2.id, 101, rb);
    CHECK(mdl_sfn_exec_status(e) == MDL_SFN_RUNNING, "still waiting for A");
    mdl_sfn_exec_resume_result(e, r1.id, 103, ra);
    CHECK(mdl_sfn_exec_status(e) == MDL_SFN_SUCCEEDED, "done");
    json_object *want = json_tokener_parse("[\"a\", \"b\"]");
    CHECK(json_eq(mdl_sfn_exec_output(e), want), "output in branch order: %s",
          json_object_to_json_string(mdl_sfn_exec_output(e)));
    CHECK_ABS(mdl_sfn_exec_duration(e), 3, 1e-12, "duration = last result - start");
    CHECK(mdl_sfn_exec_transitions(e) == 3, "P + A + B");
    /* A late result for a finished execution is ignored. */
    mdl_sfn_exec_resume_result(e, r1.id, 104, ra);
    CHECK(mdl_sfn_exec_status(e) == MDL_SFN_SUCCEEDED, "late result ignored");
    mdl_sfn_exec_destroy(e);

    /* B answers after its TimeoutSeconds: States.Timeout fails the Parallel
     * at 100.0198 + 5 and A's later result is dropped. */
    mdl_sfn_exec_create(m, in, &o, &e, &err);
    mdl_sfn_exec_advance(e, 100);
    mdl_sfn_exec_next_request(e, &r1);
    mdl_sfn_exec_next_request(e, &r2);
    mdl_sfn_exec_resume_result(e, r2.id, 200, rb);
    CHECK(mdl_sfn_exec_status(e) == MDL_SFN_FAILED, "timed out");
    CHECK(!strcmp(mdl_sfn_exec_error(e), "States.Timeout"), "error %s", mdl_sfn_exec_error(e));
    CHECK_ABS(mdl_sfn_exec_duration(e), 5.0198, 1e-9, "fails at the timeout, not at the late answer");
    mdl_sfn_exec_resume_result(e, r1.id, 201, ra);
    mdl_sfn_exec_destroy(e);
    mdl_sfn_exec_destroy(NULL);
    mdl_sfn_machine_destroy(NULL);

    json_object_put(want);
    json_object_put(ra);
    json_object_put(rb);
    json_object_put(in);
    mdl_sfn_machine_destroy(m);
}

/* 256 KiB payload limit: States.DataLimitExceeded, which States.ALL does
 * not catch. */
static void test_payload_limit(void)
{
    static const char def[] =
        "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": \"r\", "
        "\"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"C\"}], \"End\": true}, "
        "\"C\": {\"Type\": \"Succeed\"}}}";
    mdl_sfn_machine *m = NULL;
    sim_error err;
    CHECK(mdl_sfn_machine_parse(def, "limit", &m, &err) == SIM_OK, "%s", err.msg);
    char *big = sim_xmalloc(300001);
    memset(big, 'a', 300000);
    big[300000] = '\0';
    json_object *in = json_object_new_object();
    json_object_object_add(in, "blob", json_object_new_string(big));
    mdl_sfn_exec *e = NULL;
    mdl_sfn_run_mocked(m, in, NULL, NULL, &e, &err);
    CHECK(mdl_sfn_exec_status(e) == MDL_SFN_FAILED, "a 300 KB task input must fail");
    CHECK(!strcmp(mdl_sfn_exec_error(e), "States.DataLimitExceeded"), "error %s", mdl_sfn_exec_error(e));
    CHECK(mdl_sfn_exec_invocations(e) == 0, "not invoked");
    mdl_sfn_exec_destroy(e);
    /* Just under the limit passes. */
    big[262144 - 20] = '\0';
    json_object_object_add(in, "blob", json_object_new_string(big));
    mdl_sfn_run_mocked(m, in, NULL, NULL, &e, &err);
    CHECK(mdl_sfn_exec_status(e) == MDL_SFN_SUCCEEDED, "a payload under 256 KiB passes: %s",
          mdl_sfn_exec_error(e));
    mdl_sfn_exec_destroy(e);
    json_object_put(in);
    free(big);
    mdl_sfn_machine_destroy(m);
}

/* An inline Map runs at most 40 iterations at once: 100 items of one
 * 18.8 ms task each take three rounds (after the Map's own 1 ms), with or
 * without MaxConcurrency 0. */
static void test_map_ceiling(void)
{
    static const char *const defs[] = {
        "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true, "
        "\"ItemProcessor\": {\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", "
        "\"Resource\": \"f\", \"End\": true}}}}}}",
        "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true, "
        "\"MaxConcurrency\": 1000, \"ItemProcessor\": {\"StartAt\": \"T\", \"States\": {\"T\": "
        "{\"Type\": \"Task\", \"Resource\": \"f\", \"End\": true}}}}}}",
        "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true, "
        "\"MaxConcurrency\": 10, \"ItemProcessor\": {\"StartAt\": \"T\", \"States\": {\"T\": "
        "{\"Type\": \"Task\", \"Resource\": \"f\", \"End\": true}}}}}}",
    };
    static const double want[] = { 0.001 + 3 * 0.0188, 0.001 + 3 * 0.0188, 0.001 + 10 * 0.0188 };
    json_object *items = json_object_new_array();
    for (int i = 0; i < 100; i++) json_object_array_add(items, json_object_new_int(i));
    for (int k = 0; k < 3; k++) {
        mdl_sfn_machine *m = NULL;
        sim_error err;
        CHECK(mdl_sfn_machine_parse(defs[k], "map", &m, &err) == SIM_OK, "%s", err.msg);
        mdl_sfn_exec *e = NULL;
        mdl_sfn_run_mocked(m, items, NULL, NULL, &e, &err);
        CHECK(mdl_sfn_exec_status(e) == MDL_SFN_SUCCEEDED, "map %d", k);
        CHECK(mdl_sfn_exec_transitions(e) == 101, "1 + 100 iterations x 1 state");
        CHECK_ABS(mdl_sfn_exec_duration(e), want[k], 1e-9, "map rounds");
        CHECK(json_object_array_length(mdl_sfn_exec_output(e)) == 100, "100 results");
        mdl_sfn_exec_destroy(e);
        mdl_sfn_machine_destroy(m);
    }
    json_object_put(items);
}


/* ---- limits (issue 15) ----------------------------------------------------------------- */

/* "A0" -> "A1" -> ... -> "A<n-1>" (End), as text. */
static char *chain_text(int n)
{
    size_t cap = (size_t)n * 64 + 64, len = 0;
    char *t = sim_xmalloc(cap);
    len += (size_t)snprintf(t + len, cap - len, "{\"StartAt\": \"A0\", \"States\": {");
    for (int i = 0; i < n; i++) {
        if (i + 1 < n)
            len += (size_t)snprintf(t + len, cap - len, "%s\"A%d\": {\"Type\": \"Pass\", \"Next\": \"A%d\"}",
                                    i ? ", " : "", i, i + 1);
        else
            len += (size_t)snprintf(t + len, cap - len, "%s\"A%d\": {\"Type\": \"Pass\", \"End\": true}",
                                    i ? ", " : "", i);
    }
    snprintf(t + len, cap - len, "}}");
    return t;
}

typedef struct load_job {
    char *text;
    mdl_sfn_machine *m;
    sim_status st;
} load_job;

static void *load_thread(void *arg)
{
    load_job *j = arg;
    sim_error err;
    j->st = mdl_sfn_machine_parse(j->text, "chain", &j->m, &err);
    return NULL;
}

/* 100,000 chained states load (validated and compiled) on a 1 MB stack:
 * no walk over states recurses (it crashed at 12,000 states on such a
 * stack).  Express runs them all; Standard stops at its history limit. */
static void test_long_chain(void)
{
    const int n = 100000;
    load_job j = { chain_text(n), NULL, SIM_ERUN };
    pthread_attr_t attr;
    pthread_t th;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1 << 20);
    CHECK(pthread_create(&th, &attr, load_thread, &j) == 0, "thread");
    pthread_join(th, NULL);
    pthread_attr_destroy(&attr);
    CHECK(j.st == SIM_OK && j.m, "a 100,000-state chain loads on a 1 MB stack");
    if (j.m) {
        json_object *in = json_object_new_object();
        mdl_sfn_options o;
        mdl_sfn_options_default(&o);
        o.type = MDL_SFN_EXPRESS;
        mdl_sfn_exec *e = NULL;
        sim_error err;
        mdl_sfn_run_mocked(j.m, in, NULL, &o, &e, &err);
        CHECK(mdl_sfn_exec_status(e) == MDL_SFN_SUCCEEDED, "express chain: %s", mdl_sfn_exec_error(e));
        CHECK(mdl_sfn_exec_transitions(e) == (uint64_t)n, "every state entered");
        CHECK_ABS(mdl_sfn_exec_duration(e), n * 0.001, 1e-6, "1 ms per state");
        mdl_sfn_exec_destroy(e);
        mdl_sfn_run_mocked(j.m, in, NULL, NULL, &e, &err);
        CHECK(!strcmp(mdl_sfn_exec_error(e), "States.Runtime"), "standard chain: %s", mdl_sfn_exec_error(e));
        /* ExecutionStarted + 2 events per state: 12,499 states fit in 24,999 events. */
        CHECK(mdl_sfn_exec_transitions(e) == 12499, "transitions %llu",
              (unsigned long long)mdl_sfn_exec_transitions(e));
        CHECK(mdl_sfn_exec_history_events(e) == 25000, "event 25,000 is the failure");
        mdl_sfn_exec_destroy(e);
        json_object_put(in);
    }
    mdl_sfn_machine_destroy(j.m);
    free(j.text);
}

/* `depth` Parallel states nested, the innermost branch a Pass. */
static char *nested_parallel(int depth)
{
    size_t cap = (size_t)depth * 160 + 128, len = 0;
    char *t = sim_xmalloc(cap);
    for (int i = 0; i < depth; i++)
        len += (size_t)snprintf(t + len, cap - len,
                                "{\"StartAt\": \"P%d\", \"States\": {\"P%d\": {\"Type\": \"Parallel\", "
                                "\"End\": true, \"Branches\": [", i, i);
    len += (size_t)snprintf(t + len, cap - len,
                            "{\"StartAt\": \"L\", \"States\": {\"L\": {\"Type\": \"Pass\", \"End\": true}}}");
    for (int i = 0; i < depth; i++) len += (size_t)snprintf(t + len, cap - len, "]}}}");
    return t;
}

/* A machine from text parsed with a JSON depth limit of 4,000, through
 * mdl_sfn_machine_from_doc: deep definitions need the reader's limit
 * raised (sim/sim_json.c, issue 15), which this test does not rely on. */
static sim_status load_deep(const char *text, mdl_sfn_machine **m, sim_error *err)
{
    json_tokener *tok = json_tokener_new_ex(4000);
    sim_json_doc doc = { { 0 }, NULL, json_tokener_parse_ex(tok, text, (int)strlen(text)) };
    CHECK(json_tokener_get_error(tok) == json_tokener_success, "deep JSON parses");
    json_tokener_free(tok);
    snprintf(doc.input, sizeof doc.input, "deep.json");
    doc.text = sim_xstrdup(text);
    return mdl_sfn_machine_from_doc(&doc, m, err);
}

static void test_deep_nesting(void)
{
    mdl_sfn_machine *m = NULL;
    sim_error err;
    char *t = nested_parallel(8);
    CHECK(load_deep(t, &m, &err) == SIM_OK, "8 nested Parallel states: %s", err.msg);
    if (m) {
        json_object *in = json_tokener_parse("{\"k\": 1}");
        mdl_sfn_exec *e = NULL;
        mdl_sfn_run_mocked(m, in, NULL, NULL, &e, &err);
        CHECK(mdl_sfn_exec_status(e) == MDL_SFN_SUCCEEDED, "runs");
        CHECK(mdl_sfn_exec_transitions(e) == 9, "8 Parallel + 1 Pass");
        json_object *o = mdl_sfn_exec_output(e);
        int depth = 0;
        while (json_object_is_type(o, json_type_array)) {
            o = json_object_array_get_idx(o, 0);
            depth++;
        }
        CHECK(depth == 8 && json_object_is_type(o, json_type_object), "8 nested result arrays (%d)", depth);
        mdl_sfn_exec_destroy(e);
        json_object_put(in);
    }
    mdl_sfn_machine_destroy(m);
    free(t);
    /* Past SFN_MAX_NESTING (100): a definition error, not a deep recursion. */
    t = nested_parallel(101);
    m = NULL;
    sim_error_clear(&err);
    CHECK(load_deep(t, &m, &err) == SIM_ERANGE, "101 nested Parallel states are refused");
    CHECK(strstr(err.msg, "nested deeper than 100") != NULL, "message: %s", err.msg);
    mdl_sfn_machine_destroy(m);
    free(t);
}

/* A loop of non-Task states in Express: 1 ms per state, so it meets the
 * 5-minute limit (300,000 states; the last one entered passes 300 s, one
 * state either way as the 1 ms steps add up in floating point). */
static void test_express_loop(void)
{
    mdl_sfn_machine *m = NULL;
    sim_error err;
    CHECK(mdl_sfn_machine_load("tests/stepfn/history_limit_pass_loop/definition.asl.json", &m, &err) == SIM_OK,
          "%s", err.msg);
    if (!m) return;
    json_object *in = json_tokener_parse("{\"stop\": false}");
    mdl_sfn_options o;
    mdl_sfn_options_default(&o);
    o.type = MDL_SFN_EXPRESS;
    mdl_sfn_exec *e = NULL;
    mdl_sfn_run_mocked(m, in, NULL, &o, &e, &err);
    CHECK(!strcmp(mdl_sfn_exec_error(e), "States.Timeout"), "error %s", mdl_sfn_exec_error(e));
    CHECK_ABS(mdl_sfn_exec_duration(e), 300, 0, "ends at the 5-minute limit");
    CHECK_RANGE((double)mdl_sfn_exec_transitions(e), 300000, 300001, "states entered in 300 s");
    CHECK(mdl_sfn_exec_history_events(e) == 0, "Express keeps no history");
    mdl_sfn_exec_destroy(e);
    json_object_put(in);
    mdl_sfn_machine_destroy(m);
}

/* A Task with one retrier `retrier` (JSON members), for validation tests. */
static void retrier_case(const char *retrier, bool ok, const char *field, const char *msg)
{
    char def[512];
    snprintf(def, sizeof def,
             "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": \"r\", "
             "\"Retry\": [{\"ErrorEquals\": [\"E\"], %s}], \"End\": true}}}", retrier);
    if (!ok) {
        reject(def, field, msg);
        return;
    }
    mdl_sfn_machine *m = NULL;
    sim_error err;
    CHECK(mdl_sfn_machine_parse(def, "retrier", &m, &err) == SIM_OK, "%s refused: %s", retrier, err.msg);
    mdl_sfn_machine_destroy(m);
}

/* AWS's retrier limits (docs, concepts-error-handling). */
static void test_retrier_limits(void)
{
    retrier_case("\"BackoffRate\": 1e400", false, "Retry[0].BackoffRate", "finite number >= 1.0");
    retrier_case("\"IntervalSeconds\": 100000000", false, "Retry[0].IntervalSeconds", "at most 99999999");
    retrier_case("\"MaxAttempts\": 100000000", false, "Retry[0].MaxAttempts", "at most 99999999");
    retrier_case("\"MaxDelaySeconds\": 31622401", false, "Retry[0].MaxDelaySeconds", "at most 31622400");
    retrier_case("\"MaxDelaySeconds\": 0", false, "Retry[0].MaxDelaySeconds", ">= 1");
    retrier_case("\"IntervalSeconds\": 99999999, \"MaxAttempts\": 99999999, \"BackoffRate\": 1e300, "
                 "\"MaxDelaySeconds\": 31622400", true, NULL, NULL);
    /* The largest back-off AWS allows runs into the execution's own limit. */
    mdl_sfn_machine *m = NULL;
    sim_error err;
    mdl_sfn_machine_parse("{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": "
                          "\"r\", \"Retry\": [{\"ErrorEquals\": [\"E\"], \"IntervalSeconds\": 99999999, "
                          "\"BackoffRate\": 1e300}], \"End\": true}}}", "big", &m, &err);
    json_object *mocks = json_tokener_parse("{\"r\": {\"error\": \"E\"}}"), *in = json_object_new_object();
    mdl_sfn_exec *e = NULL;
    mdl_sfn_run_mocked(m, in, mocks, NULL, &e, &err);
    CHECK(!strcmp(mdl_sfn_exec_error(e), "States.Timeout"), "error %s", mdl_sfn_exec_error(e));
    CHECK_ABS(mdl_sfn_exec_duration(e), 365 * 86400.0, 0, "a Standard execution's year");
    mdl_sfn_exec_destroy(e);
    json_object_put(mocks);
    json_object_put(in);
    mdl_sfn_machine_destroy(m);
}

static void test_intrinsic_limits(void)
{
    reject("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": "
           "{\"x.$\": \"States.MathAdd(9223372036854775808, 1)\"}, \"End\": true}}}",
           "States.A.Parameters.x.$", "integer literal out of the 64-bit range");
    /* States.Array(States.Array(... $.a ...)): 11 calls in one field. */
    char def[2048], call[600] = "";
    for (int i = 0; i < 11; i++) strcat(call, "States.Array(");
    strcat(call, "$.a");
    for (int i = 0; i < 11; i++) strcat(call, ")");
    snprintf(def, sizeof def, "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", "
             "\"Parameters\": {\"x.$\": \"%s\"}, \"End\": true}}}", call);
    reject(def, "States.A.Parameters.x.$", "more than 10 intrinsic functions");
}

/* The 256 KiB payload limit on what earlier escaped it: the execution input
 * (a Map over a million items is refused, not run in a gigabyte) and a
 * Task's result even when ResultPath drops it. */
static void test_payload_inputs(void)
{
    mdl_sfn_machine *m = NULL;
    sim_error err;
    mdl_sfn_machine_parse("{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true, "
                          "\"ItemProcessor\": {\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": "
                          "\"Pass\", \"End\": true}}}}}}", "map", &m, &err);
    json_object *items = json_object_new_array_ext(1000000);
    for (int i = 0; i < 1000000; i++) json_object_array_add(items, json_object_new_int(i % 10));
    mdl_sfn_exec *e = NULL;
    mdl_sfn_run_mocked(m, items, NULL, NULL, &e, &err);
    CHECK(!strcmp(mdl_sfn_exec_error(e), "States.DataLimitExceeded"), "error %s", mdl_sfn_exec_error(e));
    CHECK(strstr(mdl_sfn_exec_cause(e), "execution input of 2000001 bytes") != NULL, "cause %s",
          mdl_sfn_exec_cause(e));
    CHECK(mdl_sfn_exec_transitions(e) == 0, "nothing ran");
    mdl_sfn_exec_destroy(e);
    json_object_put(items);
    mdl_sfn_machine_destroy(m);

    mdl_sfn_machine_parse("{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": "
                          "\"r\", \"ResultPath\": null, \"End\": true}}}", "task", &m, &err);
    json_object *in = json_object_new_object();
    mdl_sfn_exec_create(m, in, NULL, &e, &err);
    mdl_sfn_exec_advance(e, 0);
    mdl_sfn_request r;
    CHECK(mdl_sfn_exec_next_request(e, &r), "invoke");
    char *big = sim_xmalloc(300001);
    memset(big, 'x', 300000);
    big[300000] = '\0';
    json_object *res = json_object_new_string(big);
    mdl_sfn_exec_resume_result(e, r.id, 1, res);
    CHECK(!strcmp(mdl_sfn_exec_error(e), "States.DataLimitExceeded"), "a 300 KB result: %s",
          mdl_sfn_exec_error(e));
    mdl_sfn_exec_destroy(e);
    json_object_put(res);
    free(big);
    json_object_put(in);
    mdl_sfn_machine_destroy(m);
}

/* Three nested Maps of 60 items in Express (no history limit): 216,000
 * iterations run in bounded memory (records are recycled, payloads
 * shared) and the outer Map's output, over 256 KiB, fails the state. */
static void test_nested_map_express(void)
{
    mdl_sfn_machine *m = NULL;
    sim_error err;
    sim_json_doc in = { 0 };
    CHECK(mdl_sfn_machine_load("tests/stepfn/map_nested_history_limit/definition.asl.json", &m, &err) == SIM_OK &&
          sim_json_doc_load(&in, "tests/stepfn/map_nested_history_limit/input.json", &err) == SIM_OK,
          "%s", err.msg);
    mdl_sfn_options o;
    mdl_sfn_options_default(&o);
    o.type = MDL_SFN_EXPRESS;
    mdl_sfn_exec *e = NULL;
    mdl_sfn_run_mocked(m, in.root, NULL, &o, &e, &err);
    CHECK(!strcmp(mdl_sfn_exec_error(e), "States.DataLimitExceeded"), "error %s", mdl_sfn_exec_error(e));
    CHECK(strstr(mdl_sfn_exec_cause(e), "state output") != NULL, "cause %s", mdl_sfn_exec_cause(e));
    /* 1 Outer + 60 x (1 Middle + 60 x (1 Inner + 60 Leaf)) states entered. */
    CHECK(mdl_sfn_exec_transitions(e) == 1 + 60 * (1 + 60 * (1 + 60)), "transitions %llu",
          (unsigned long long)mdl_sfn_exec_transitions(e));
    mdl_sfn_exec_destroy(e);
    sim_json_doc_fini(&in);
    mdl_sfn_machine_destroy(m);
}

/* A Standard Map of 5,000 Task iterations writes 7 events each: the
 * execution ends at event 25,000 with the error AWS reports. */
static void test_map_history(void)
{
    mdl_sfn_machine *m = NULL;
    sim_error err;
    mdl_sfn_machine_parse("{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true, "
                          "\"ItemProcessor\": {\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": "
                          "\"Task\", \"Resource\": \"f\", \"End\": true}}}}}}", "map", &m, &err);
    json_object *items = json_object_new_array();
    for (int i = 0; i < 5000; i++) json_object_array_add(items, json_object_new_int(i));
    mdl_sfn_exec *e = NULL;
    mdl_sfn_run_mocked(m, items, NULL, NULL, &e, &err);
    CHECK(!strcmp(mdl_sfn_exec_error(e), "States.Runtime"), "error %s", mdl_sfn_exec_error(e));
    CHECK(!strcmp(mdl_sfn_exec_cause(e), "The execution reached the maximum number of history events (25000)."),
          "cause %s", mdl_sfn_exec_cause(e));
    CHECK(mdl_sfn_exec_history_events(e) == 25000, "events %llu",
          (unsigned long long)mdl_sfn_exec_history_events(e));
    mdl_sfn_exec_destroy(e);
    mdl_sfn_options o;
    mdl_sfn_options_default(&o);
    o.type = MDL_SFN_EXPRESS;
    mdl_sfn_run_mocked(m, items, NULL, &o, &e, &err);
    CHECK(mdl_sfn_exec_status(e) == MDL_SFN_SUCCEEDED, "Express has no history limit");
    mdl_sfn_exec_destroy(e);
    json_object_put(items);
    mdl_sfn_machine_destroy(m);
}

/* States.JsonToString writes JSON as json-c does (the interpreter has its
 * own writer): escapes, nesting, numbers as written. */
static void test_json_writer(void)
{
    static const char *const docs[] = {
        "{\"a\": [1, -2, 3.50, 1e3, 0.1, -0.0, 18446744073709551615, -9223372036854775808], "
        "\"s\": \"q\\\"b\\\\s/t\\tn\\nr\\rf\\fb\\bu\\u0001\\u001f\\u007f\\u00e9\", \"n\": null, "
        "\"t\": true, \"f\": false, \"e\": {}, \"z\": []}",
        "[[[]], {\"k\": {\"k\": [{}]}}, \"\", 0]",
        "\"just a string\"",
        "12345678901234567890",
    };
    mdl_sfn_machine *m = NULL;
    sim_error err;
    mdl_sfn_machine_parse("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": "
                          "{\"s.$\": \"States.JsonToString($)\"}, \"End\": true}}}", "w", &m, &err);
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        json_object *in = json_tokener_parse(docs[i]), *x;
        mdl_sfn_exec *e = NULL;
        mdl_sfn_run_mocked(m, in, NULL, NULL, &e, &err);
        const char *want = json_object_to_json_string_ext(
            in, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        CHECK(json_object_object_get_ex(mdl_sfn_exec_output(e), "s", &x) &&
              !strcmp(json_object_get_string(x), want),
              "doc %zu: %s, want %s", i, json_object_get_string(x), want);
        mdl_sfn_exec_destroy(e);
        json_object_put(in);
    }
    mdl_sfn_machine_destroy(m);
}

int main(void)
{
    test_cases();
    test_validation();
    test_jitter();
    test_express();
    test_embedding();
    test_payload_limit();
    test_map_ceiling();
    test_long_chain();
    test_deep_nesting();
    test_express_loop();
    test_retrier_limits();
    test_intrinsic_limits();
    test_payload_inputs();
    test_nested_map_express();
    test_map_history();
    test_json_writer();
    return check_report("stepfn");
}
