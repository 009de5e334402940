/* test_platform.c - the Lambda platform against known answers.
 *
 * README "Reference facts", Queueing: SimFaaS sets A and B, Little's law,
 * the low-load limit exp(-lambda T), Erlang B insensitivity; plus front-door
 * timeouts, function timeouts, conservation, determinism, provisioned and
 * reserved concurrency, the scaling rate and async retries.
 */
#include "models/scenario/mdl_scenario.h"
#include "tests/check.h"
#include "tests/platform_util.h"

#include <stdlib.h>
#include <string.h>


/* A one-function config with the given pieces spliced in. */
static char *cfg_text(const char *top, const char *entry, const char *fn)
{
    char *buf = malloc(8192);
    snprintf(buf, 8192,
             "{ %s \"entry\": { %s }, \"functions\": { \"f\": { %s } } }", top, entry, fn);
    return buf;
}

static void conservation(json_object *r, const char *what)
{
    double a = J(r, "requests.arrivals"), c = J(r, "requests.completed"),
           f = J(r, "requests.failed"), fl = J(r, "requests.in_flight");
    CHECK(a == c + f + fl, "%s: arrivals %.0f != completed %.0f + failed %.0f + in flight %.0f",
          what, a, c, f, fl);
    double sum = 0;
    json_object *fail = json_object_object_get(json_object_object_get(r, "requests"), "failures");
    CHECK(fail != NULL, "%s: results list failures by cause", what);
    if (!fail) return;
    json_object_object_foreach(fail, k, v) { (void)k; sum += json_object_get_double(v); }
    CHECK(sum == f, "%s: failures by cause add up (%.0f vs %.0f)", what, sum, f);
}

static void simfaas_a(void)
{
    char *t = cfg_text(
        "\"duration_s\": 1000000, \"workload\": {\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 0.9}},"
        "\"platform\": {\"preset\": \"simfaas\"},",
        "\"type\": \"direct\", \"target\": \"f\"",
        "\"memory_mb\": 128, \"keep_alive_s\": 600, \"timeout_s\": 900, \"service_time\": {"
        "\"warm\": {\"dist\": \"exponential\", \"mean_ms\": 1991},"
        "\"cold\": {\"dist\": \"exponential\", \"mean_ms\": 2244}}");
    json_object *r = run_text(t, 1);
    CHECK_RANGE(J(r, "functions.f.cold_start_probability"), 0.0012, 0.0015, "set A P(cold)");
    CHECK_RANGE(J(r, "functions.f.avg_instances"), 7.55, 7.85, "set A avg instances");
    CHECK_REL(J(r, "functions.f.avg_running"), 1.79, 0.02, "set A avg running");
    CHECK_RANGE(J(r, "functions.f.avg_idle"), 5.8, 6.0, "set A avg idle");
    CHECK(J(r, "functions.f.throttles") == 0, "set A has no throttles");
    /* Little's law: E[running] = accepted rate x mean response time. */
    double lam = J(r, "functions.f.invocations") / 1e6;
    double es = J(r, "functions.f.latency_ms.mean") / 1e3;
    CHECK_REL(J(r, "functions.f.avg_running"), lam * es, 0.01, "Little's law on running instances");
    conservation(r, "set A");
    /* Determinism: the same seed gives the same JSON, byte for byte. */
    json_object *r2 = run_text(t, 1);
    CHECK(strcmp(json_object_to_json_string(r), json_object_to_json_string(r2)) == 0,
          "same seed, identical JSON");
    json_object *r3 = run_text(t, 2);
    CHECK(strcmp(json_object_to_json_string(r), json_object_to_json_string(r3)) != 0,
          "another seed, different JSON");
    json_object_put(r);
    json_object_put(r2);
    json_object_put(r3);
    free(t);
}

static void simfaas_b(void)
{
    char *t = cfg_text(
        "\"duration_s\": 1000, \"workload\": {\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1000}},"
        "\"account\": {\"concurrency_limit\": 1000}, \"platform\": {\"preset\": \"simfaas\"},",
        "\"type\": \"direct\"",
        "\"keep_alive_s\": 600, \"timeout_s\": 900, \"service_time\": {"
        "\"warm\": {\"dist\": \"exponential\", \"mean_ms\": 2016},"
        "\"cold\": {\"dist\": \"exponential\", \"mean_ms\": 2163}}");
    json_object *r = run_text(t, 1);
    CHECK_ABS(J(r, "functions.f.throttle_probability"), 0.504, 0.005, "set B P(throttle) (Erlang B)");
    CHECK(J(r, "functions.f.max_instances") <= 1000, "never more than 1000 environments");
    conservation(r, "set B");
    json_object_put(r);
    free(t);
}

static void low_load(void)
{
    /* Deterministic 100 ms service: an arrival is cold when the gap since
     * the last departure exceeds T, or (rarely) when the one environment is
     * still busy: p = exp(-lambda (T + S)) + 1 - exp(-lambda S). */
    static const double rates[] = { 1.0 / 1800, 1.0 / 600, 1.0 / 300 };
    for (int i = 0; i < 3; i++) {
        char top[256];
        snprintf(top, sizeof top,
                 "\"duration_s\": 3e7, \"workload\": {\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": %.17g}},",
                 rates[i]);
        char *t = cfg_text(top, "\"type\": \"direct\"",
                           "\"keep_alive_s\": 600, \"timeout_s\": 900, \"service_time\": {"
                           "\"warm\": {\"dist\": \"deterministic\", \"value_ms\": 100}}");
        json_object *r = run_text(t, 7);
        double lam = rates[i], S = 0.1, T = 600;
        double want = exp(-lam * (T + S)) + 1 - exp(-lam * S);
        double n = J(r, "functions.f.invocations");
        double se = sqrt(want * (1 - want) / n);
        double got = J(r, "functions.f.cold_start_probability");
        CHECK(fabs(got - want) <= 4 * se, "low load lambda=1/%.0f: P(cold) %.5f vs %.5f (4 s.e. %.5f)",
              1 / lam, got, want, 4 * se);
        CHECK(n > 10000, "low load: enough requests (%.0f)", n);
        json_object_put(r);
        free(t);
    }
}

static void erlang_b(void)
{
    /* c = 10 environments, a = 8 Erlangs: B(8, 10) = 0.121661 for any
     * service distribution with mean 1 s (insensitivity). */
    static const char *const svc[] = {
        "{\"dist\": \"deterministic\", \"value_ms\": 1000}",
        "{\"dist\": \"lognormal\", \"mean_ms\": 1000, \"cv\": 1.5}",
        "{\"dist\": \"exponential\", \"mean_ms\": 1000}" };
    for (int i = 0; i < 3; i++) {
        char fn[512];
        snprintf(fn, sizeof fn, "\"keep_alive_s\": 600, \"timeout_s\": 900, \"service_time\": {\"warm\": %s}", svc[i]);
        char *t = cfg_text(
            "\"duration_s\": 200000, \"workload\": {\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 8}},"
            "\"account\": {\"concurrency_limit\": 10},",
            "\"type\": \"direct\"", fn);
        json_object *r = run_text(t, 3);
        double got = J(r, "functions.f.throttle_probability");
        CHECK_REL(got, 0.121661, 0.03, svc[i]);
        json_object_put(r);
        free(t);
    }
}

/* AWS's defaults: a function without timeout_s stops at 3 s; an HTTP API
 * cannot wait more than 30 s; a REST API waits 29 s unless told more. */
static void aws_timeout_defaults(const char *top)
{
    char *t = cfg_text(top, "\"type\": \"direct\"",
                       "\"memory_mb\": 1024, \"service_time\": {\"warm\": {\"dist\": "
                       "\"deterministic\", \"value_ms\": 5000}}");
    json_object *r = run_text(t, 1);
    CHECK(J(r, "requests.failures.function_timeout") == 1, "no timeout_s: AWS's 3 s default kills a 5 s handler");
    CHECK_ABS(J(r, "functions.f.billed_gb_s"), 3.0, 1e-9, "billed the 3 s default");
    json_object_put(r);
    free(t);
    static const char *fn40 = "\"memory_mb\": 1024, \"timeout_s\": 900, \"service_time\": "
                              "{\"warm\": {\"dist\": \"deterministic\", \"value_ms\": 40000}}";
    t = cfg_text(top, "\"type\": \"apigw_http\", \"timeout_s\": 31", fn40);
    sim_json_doc doc;
    sim_error err;
    mdl_config cfg;
    CHECK(sim_json_doc_parse(&doc, t, "t.json", &err) == SIM_OK, "parses");
    CHECK(mdl_config_from_doc(&cfg, &doc, NULL, &err) == SIM_ERANGE &&
              strcmp(err.field, "entry.timeout_s") == 0 && strstr(err.msg, "at most 30 s"),
          "apigw_http rejects timeout_s 31: %s (%s)", err.msg, err.field);
    sim_json_doc_fini(&doc);
    free(t);
    t = cfg_text(top, "\"type\": \"apigw_rest\", \"overhead\": {\"dist\": \"deterministic\", \"value_ms\": 0}", fn40);
    r = run_text(t, 1);
    CHECK(J(r, "requests.failures.entry_timeout") == 1, "apigw_rest: 29 s by default");
    json_object_put(r);
    free(t);
    t = cfg_text(top, "\"type\": \"apigw_rest\", \"timeout_s\": 60, \"overhead\": {\"dist\": \"deterministic\", \"value_ms\": 0}", fn40);
    r = run_text(t, 1);
    CHECK(J(r, "requests.completed") == 1, "apigw_rest accepts 60 s (the 2024 quota increase)");
    json_object_put(r);
    free(t);
}

/* A function's response_bytes leave AWS through a Function URL (data
 * transfer out), not through a direct entry (a caller inside AWS). */
static void response_bytes(void)
{
    static const char *top =
        "\"duration_s\": 1000, \"workload\": {\"arrivals\": {\"process\": \"deterministic\", \"rate_per_s\": 1}},";
    static const char *fn = "\"response_bytes\": 1000000, \"service_time\": {\"warm\": {\"dist\": "
                            "\"deterministic\", \"value_ms\": 10}}";
    char *t = cfg_text(top, "\"type\": \"function_url\"", fn);
    json_object *r = run_text(t, 1);
    double ok = J(r, "requests.completed");
    CHECK(ok > 990, "the requests complete (%g)", ok);
    json_object *lines = NULL;
    json_object *dt = sim_json_at(r, "cost.services.data_transfer.lines");
    if (json_object_is_type(dt, json_type_array)) lines = json_object_array_get_idx(dt, 0);
    CHECK(lines && fabs(sim_json_number_at(lines, "quantity") - ok * 1e6 / 1e9) < 1e-9,
          "1 MB out per completed request: %g GB", lines ? sim_json_number_at(lines, "quantity") : -1);
    json_object_put(r);
    free(t);
    t = cfg_text(top, "\"type\": \"direct\"", fn);
    r = run_text(t, 1);
    CHECK(sim_json_at(r, "cost.services.data_transfer") == NULL, "no transfer out behind a direct entry");
    json_object_put(r);
    free(t);
}

static void timeouts(void)
{
    static const char *top =
        "\"duration_s\": 99, \"workload\": {\"arrivals\": {\"process\": \"deterministic\", \"rate_per_s\": 0.01}},";
    static const char *fn40 = "\"memory_mb\": 1024, \"timeout_s\": 900, \"service_time\": {\"warm\": {\"dist\": \"deterministic\", \"value_ms\": 40000}}";
    char *t = cfg_text(top, "\"type\": \"apigw_http\", \"overhead\": {\"dist\": \"deterministic\", \"value_ms\": 0}", fn40);
    json_object *r = run_text(t, 1);
    CHECK(J(r, "requests.arrivals") == 1, "one request");
    CHECK(J(r, "requests.failures.entry_timeout") == 1, "40 s behind apigw_http fails at the door");
    CHECK(J(r, "functions.f.timeouts") == 0, "the function itself did not time out");
    CHECK_ABS(J(r, "functions.f.billed_gb_s"), 40.0, 1e-9, "billed for the full 40 s at 1 GB");
    json_object_put(r);
    free(t);
    t = cfg_text(top, "\"type\": \"function_url\"", fn40);
    r = run_text(t, 1);
    CHECK(J(r, "requests.completed") == 1, "the same request succeeds behind a Function URL");
    CHECK_RANGE(J(r, "requests.latency_ms.p50"), 40000, 40400, "client latency ~40 s plus overhead");
    json_object_put(r);
    free(t);
    t = cfg_text(top, "\"type\": \"direct\"",
                 "\"memory_mb\": 1024, \"timeout_s\": 10, \"service_time\": {\"warm\": {\"dist\": \"deterministic\", \"value_ms\": 40000}}");
    r = run_text(t, 1);
    CHECK(J(r, "requests.failures.function_timeout") == 1, "function timeout kills at 10 s");
    CHECK_ABS(J(r, "functions.f.billed_gb_s"), 10.0, 1e-9, "billed up to the timeout");
    json_object_put(r);
    free(t);
    aws_timeout_defaults(top);
}

static void concurrency_features(void)
{
    /* Provisioned: 5 warm environments cover a load that never needs more. */
    char *t = cfg_text(
        "\"duration_s\": 10000, \"workload\": {\"arrivals\": {\"process\": \"deterministic\", \"rate_per_s\": 1}},",
        "\"type\": \"direct\"",
        "\"provisioned_concurrency\": 5, \"keep_alive_s\": 60, \"timeout_s\": 900, \"service_time\": {"
        "\"warm\": {\"dist\": \"deterministic\", \"value_ms\": 500}}");
    json_object *r = run_text(t, 1);
    CHECK(J(r, "functions.f.cold_starts") == 0, "provisioned concurrency: no cold starts (got %g)",
          J(r, "functions.f.cold_starts"));
    CHECK_ABS(J(r, "functions.f.avg_instances"), 5.0, 1e-9, "5 provisioned environments alive");
    json_object_put(r);
    free(t);

    /* Reserved concurrency 2 at 4 Erlangs: throttles as Erlang B(4, 2) = 0.6154. */
    t = cfg_text(
        "\"duration_s\": 100000, \"workload\": {\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 4}},",
        "\"type\": \"direct\"",
        "\"reserved_concurrency\": 2, \"timeout_s\": 900, \"service_time\": {\"warm\": {\"dist\": \"exponential\", \"mean_ms\": 1000}}");
    r = run_text(t, 5);
    CHECK_REL(J(r, "functions.f.throttle_probability"), 8.0 / 13.0, 0.02, "reserved 2: Erlang B(4,2)");
    conservation(r, "reserved");
    json_object_put(r);
    free(t);

    /* Scaling rate: 3000 simultaneous 100 s requests want 3000 environments;
     * only 1000 may start at once, then 100/s: with arrivals over 1 s, about
     * 1000 + 100 succeed and the rest are throttled (no placement wait: each
     * starts, or is throttled, on arrival). */
    t = cfg_text(
        "\"duration_s\": 1, \"workload\": {\"arrivals\": {\"process\": \"deterministic\", \"rate_per_s\": 3000}},"
        "\"platform\": {\"placement\": {\"dist\": \"deterministic\", \"value_ms\": 0}},"
        "\"account\": {\"concurrency_limit\": 10000},",
        "\"type\": \"direct\"",
        "\"timeout_s\": 900, \"service_time\": {\"warm\": {\"dist\": \"deterministic\", \"value_ms\": 100000}}");
    r = run_text(t, 1);
    CHECK_RANGE(J(r, "functions.f.cold_starts"), 1095, 1105, "scaling: 1000 + 100/s environments");
    CHECK_RANGE(J(r, "functions.f.throttles"), 1895, 1906, "scaling: the rest throttled");
    json_object_put(r);
    free(t);

    /* Async: throttled events are retried and eventually served. */
    t = cfg_text(
        "\"duration_s\": 100000, \"workload\": {\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}},",
        "\"type\": \"direct\", \"invocation\": \"async\"",
        "\"reserved_concurrency\": 1, \"timeout_s\": 900, \"service_time\": {\"warm\": {\"dist\": \"exponential\", \"mean_ms\": 500}}");
    r = run_text(t, 9);
    CHECK(J(r, "functions.f.throttles") > 1000, "async: throttles happened (%g)", J(r, "functions.f.throttles"));
    CHECK(J(r, "requests.failed") == 0, "async: every throttled event was retried to success");
    conservation(r, "async");
    json_object_put(r);
    free(t);
}

static void timeseries(void)
{
    char *t = cfg_text(
        "\"duration_s\": 3600, \"workload\": {\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 50}},",
        "\"type\": \"direct\"",
        "\"timeout_s\": 900, \"service_time\": {\"warm\": {\"dist\": \"exponential\", \"mean_ms\": 200}}");
    sim_error err;
    mdl_config cfg;
    mdl_scenario *s = build_text(t, 1, &cfg);
    CHECK(s != NULL, "the time-series scenario builds");
    if (!s) {
        free(t);
        return;
    }
    mdl_scenario_enable_timeseries(s, 60);
    mdl_scenario_run(s, &err);
    size_t n;
    const mdl_ts_row *ts = mdl_scenario_timeseries(s, &n);
    json_object *r = mdl_scenario_results(s);
    double sum = 0, run_area = 0;
    for (size_t i = 0; i < n; i++) {
        sum += ts[i].arrivals;
        run_area += ts[i].running;
    }
    CHECK(n == 60, "60 one-minute rows in an hour (got %zu)", n);
    CHECK(n > 0 && ts[n - 1].t_s == 3600, "last row at the end");
    CHECK(sum == J(r, "requests.arrivals"), "per-minute arrivals add up (%g vs %g)", sum,
          J(r, "requests.arrivals"));
    CHECK_REL(run_area / (double)n, 10.0, 0.1, "sampled running ~ lambda x S = 10");
    CHECK(n > 0 && ts[n - 1].requests_billed == J(r, "functions.f.billed_requests"),
          "cumulative billed requests end at the total");
    json_object_put(r);
    mdl_scenario_destroy(s);
    mdl_config_fini(&cfg);
    free(t);
}

/* The simulated period is billed with the catalogue: hand-worked amounts. */
static void billing(void)
{
    /* 1000 requests (deterministic 1/s over 999 s, the first at t=0) of
     * exactly 100 ms at 1024 MB behind an HTTP API, no INIT. */
    char *t = cfg_text(
        "\"duration_s\": 999.5, \"workload\": {\"arrivals\": {\"process\": \"deterministic\", \"rate_per_s\": 1}},",
        "\"type\": \"apigw_http\"",
        "\"memory_mb\": 1024, \"timeout_s\": 900, \"service_time\": {\"warm\": {\"dist\": \"deterministic\", \"value_ms\": 100}}");
    json_object *r = run_text(t, 1);
    CHECK(J(r, "requests.completed") == 1000, "1000 requests completed");
    /* $0.20 per 1M requests + 100 GB-s x $0.0000166667 (README "Reference
     * facts", Lambda: prices). */
    CHECK_ABS(J(r, "cost.services.lambda.total_usd"), 1000 * 0.2e-6 + 100 * 0.0000166667, 1e-9,
              "Lambda: requests + GB-s at the exact rate");
    CHECK_ABS(J(r, "cost.services.apigw.total_usd"), 1000 * 1.0e-6, 1e-12, "HTTP API: $1 per million");
    CHECK_ABS(J(r, "cost.total_usd"), 1000 * 0.2e-6 + 100 * 0.0000166667 + 1e-3, 1e-9, "total");
    /* Scaled to a 730-hour month (2,628,000 s): 2.63 M requests, 262,963 GB-s. */
    double k = 2628000.0 / 999.5;
    CHECK_REL(J(r, "cost.monthly.services.lambda.total_usd"),
              k * (1000 * 0.2e-6 + 100 * 0.0000166667), 1e-9, "monthly projection scales usage");
    json_object_put(r);
    free(t);
    /* 40 s behind an HTTP API: the client fails at 30 s, Lambda bills 40 s. */
    t = cfg_text(
        "\"duration_s\": 99, \"workload\": {\"arrivals\": {\"process\": \"deterministic\", \"rate_per_s\": 0.01}},",
        "\"type\": \"apigw_http\", \"overhead\": {\"dist\": \"deterministic\", \"value_ms\": 0}",
        "\"memory_mb\": 2048, \"timeout_s\": 900, \"service_time\": {\"warm\": {\"dist\": \"deterministic\", \"value_ms\": 40000}}");
    r = run_text(t, 1);
    CHECK_ABS(J(r, "cost.services.lambda.total_usd"), 0.2e-6 + 80 * 0.0000166667, 1e-12,
              "the timed-out request is billed for 40 s at 2 GB");
    json_object_put(r);
    free(t);
}

/* A function that names a kernel: the handler time comes from the Lambda
 * performance model (data/profiles/default.json's resize: io 92.8 ms,
 * 45.8 ms of CPU per megapixel at 1 vCPU, single-threaded, working set
 * 90 MB + 6 MB per megapixel). */
static void kernel_functions(void)
{
    static const struct { int mem; double mp, want_ms; } k_cases[] = {
        { 1769, 2.0, 92.8 + 2 * 45.8 },                   /* one vCPU */
        { 3538, 2.0, 92.8 + 2 * 45.8 },                   /* one thread cannot use two */
        { 885, 2.0, 92.8 + 2 * 45.8 * 1769.0 / 885.0 },   /* half a vCPU: twice the CPU time */
    };
    for (size_t i = 0; i < sizeof k_cases / sizeof k_cases[0]; i++) {
        char fn[512];
        snprintf(fn, sizeof fn, "\"memory_mb\": %d, \"kernel\": {\"name\": \"resize\", \"megapixels\": %g}",
                 k_cases[i].mem, k_cases[i].mp);
        char *t = cfg_text("\"duration_s\": 100, \"workload\": {\"arrivals\": {\"process\": \"deterministic\", \"rate_per_s\": 1}},",
                           "\"type\": \"direct\"", fn);
        json_object *r = run_text(t, 1);
        char what[64];
        snprintf(what, sizeof what, "kernel duration at %d MB", k_cases[i].mem);
        CHECK_REL(J(r, "functions.f.duration_ms.p50"), k_cases[i].want_ms, 0.006, what);
        json_object_put(r);
        free(t);
    }
    /* 10 MP needs 150 MB: at 128 MB every invocation fails out of memory
     * (no placement wait, so the last one does too before the end). */
    char *t = cfg_text("\"duration_s\": 100, \"workload\": {\"arrivals\": {\"process\": \"deterministic\", \"rate_per_s\": 1}},"
                       "\"platform\": {\"placement\": {\"dist\": \"deterministic\", \"value_ms\": 0}},",
                       "\"type\": \"direct\"",
                       "\"memory_mb\": 128, \"kernel\": {\"name\": \"resize\", \"megapixels\": 10}");
    json_object *r = run_text(t, 1);
    CHECK(J(r, "requests.failures.out_of_memory") == J(r, "requests.arrivals") &&
          J(r, "requests.arrivals") > 0, "OOM below the working set");
    json_object_put(r);
    free(t);
}

static void count_calls(void *ctx, double t, double end)
{
    (void)t;
    (void)end;
    (*(int *)ctx)++;
}

/* A progress callback cuts the run into chunks and changes no result. */
static void progress_is_invisible(void)
{
    char *t = cfg_text(
        "\"duration_s\": 50000, \"workload\": {\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 0.9}},",
        "\"type\": \"direct\"",
        "\"timeout_s\": 900, \"service_time\": {\"warm\": {\"dist\": \"exponential\", \"mean_ms\": 1991}}");
    json_object *plain = run_text(t, 4);
    sim_error err;
    mdl_config cfg;
    mdl_scenario *s = build_text(t, 4, &cfg);
    CHECK(s != NULL, "the progress scenario builds");
    if (!s) {
        json_object_put(plain);
        free(t);
        return;
    }
    int calls = 0;
    mdl_scenario_set_progress(s, count_calls, &calls);
    mdl_scenario_run(s, &err);
    json_object *chunked = mdl_scenario_results(s);
    CHECK(calls == 100, "100 progress calls (got %d)", calls);
    CHECK(strcmp(json_object_to_json_string(plain), json_object_to_json_string(chunked)) == 0,
          "identical results with and without progress");
    json_object_put(plain);
    json_object_put(chunked);
    mdl_scenario_destroy(s);
    mdl_config_fini(&cfg);
    free(t);
}

/* An Azure 2019 trace with a function template: every trace function gets
 * environments of its own, and every invocation is served. */
static void azure_template(void)
{
    const char *t =
        "{ \"duration_s\": 86400,"
        "  \"workload\": { \"trace\": { \"format\": \"azure2019\", \"function_template\": \"tpl\","
        "     \"file\": \"tests/fixtures/azure/azure2019_invocations.csv\","
        "     \"durations\": \"tests/fixtures/azure/azure2019_durations.csv\" } },"
        "  \"entry\": { \"type\": \"direct\", \"target\": \"tpl\" },"
        "  \"functions\": { \"tpl\": { \"timeout_s\": 900, \"service_time\": { \"warm\": { \"dist\": \"exponential\", \"mean_ms\": 100 } } } } }";
    json_object *r = run_text(t, 1);
    json_object *fns = json_object_object_get(r, "functions");
    CHECK(fns != NULL, "the Azure template run has results (is tests/fixtures/azure/ there?)");
    if (!fns) {
        json_object_put(r);
        return;
    }
    int n = 0;
    double inv = 0;
    json_object_object_foreach(fns, name, f) {
        (void)name;
        n++;
        inv += json_object_get_double(json_object_object_get(f, "invocations"));
    }
    CHECK(n == 5, "the template plus the trace's 4 functions (got %d)", n);
    CHECK(J(r, "functions.tpl.invocations") == 0, "the template itself serves nothing");
    CHECK(J(r, "requests.arrivals") == 4525 && inv == 4525,
          "all 4525 trace invocations served by their own functions (%g)", inv);
    json_object_put(r);
}

int main(void)
{
    azure_template();
    progress_is_invisible();
    kernel_functions();
    billing();
    timeseries();
    simfaas_a();
    simfaas_b();
    low_load();
    erlang_b();
    timeouts();
    response_bytes();
    concurrency_features();
    return check_report("platform");
}
