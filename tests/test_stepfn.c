/* test_stepfn.c - the Step Functions interpreter against hand-worked cases.
 *
 * Runs every case folder under tests/stepfn/ (definition, input, mocks,
 * expected: status, output, error, cause, transitions, invocations and the
 * simulated duration, each checked exactly when given), then unit checks
 * the parts a folder cannot show: validation messages, jitter determinism,
 * Express metering, and the embedding API with requests answered out of
 * order.
 */
#include "check.h"

#include "models/stepfn/mdl_sfn.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#include <dirent.h>
#include <math.h>
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

static void test_express(void)
{
    CHECK(mdl_sfn_express_units(0.3) == 3, "0.3 s -> %llu", (unsigned long long)mdl_sfn_express_units(0.3));
    CHECK(mdl_sfn_express_units(0.30001) == 4, "0.30001 s");
    CHECK(mdl_sfn_express_units(0) == 1, "minimum one unit");
    /* Workshop module 13: 11.3 s -> 113 units; 64 MB: 113 * 0.1 * 0.0625 GB-s. */
    CHECK(mdl_sfn_express_units(11.3) == 113, "11.3 s");
    CHECK_REL(mdl_sfn_express_gb_s(11.3, 64), 0.70625, 1e-12, "11.3 s at 64 MB");
    CHECK_REL(mdl_sfn_express_gb_s(1.2, 65), 1.2 * 0.125, 1e-12, "65 MB bills 128 MB");
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
    CHECK_ABS(r1.at, 100.0188, 1e-12, "invoke start includes the task overhead");
    CHECK_ABS(r2.timeout_s, 5, 0, "TimeoutSeconds reported");
    json_object *x;
    CHECK(json_object_object_get_ex(r1.input, "k", &x) && json_object_get_int(x) == 1, "input");
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
     * at 100.0188 + 5 and A's later result is dropped. */
    mdl_sfn_exec_create(m, in, &o, &e, &err);
    mdl_sfn_exec_advance(e, 100);
    mdl_sfn_exec_next_request(e, &r1);
    mdl_sfn_exec_next_request(e, &r2);
    mdl_sfn_exec_resume_result(e, r2.id, 200, rb);
    CHECK(mdl_sfn_exec_status(e) == MDL_SFN_FAILED, "timed out");
    CHECK(!strcmp(mdl_sfn_exec_error(e), "States.Timeout"), "error %s", mdl_sfn_exec_error(e));
    CHECK_ABS(mdl_sfn_exec_duration(e), 5.0188, 1e-9, "fails at the timeout, not at the late answer");
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
 * 18.8 ms task each take three rounds, with or without MaxConcurrency 0. */
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
    static const double want[] = { 3 * 0.0188, 3 * 0.0188, 10 * 0.0188 };
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

int main(void)
{
    test_cases();
    test_validation();
    test_jitter();
    test_express();
    test_embedding();
    test_payload_limit();
    test_map_ceiling();
    return check_report("stepfn");
}
