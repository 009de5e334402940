/* test_lifecycle_sim.c - the execution-environment lifecycle inside the
 * simulator (issue 22; models/lambda/mdl_lambda_env.c), on tiny configs
 * worked by hand: a lone environment retired at its maximum lifetime while
 * idle and while busy, keep-alives drawn alone and in a pool, MRU routing
 * against SimFaaS's newest, a pre-warmed replacement and its place among
 * idle environments, a replacement taking over a cold start, a request
 * waiting for its placement, and the low-load limit with a keep-alive
 * distribution.
 *
 * Arrivals are deterministic (every 30 s from 0) or a trace written here,
 * whose duration_ms column sets each handler's time.
 */
#include "models/scenario/mdl_scenario.h"
#include "tests/check.h"
#include "tests/platform_util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DET(ms) "{\"dist\": \"deterministic\", \"value_ms\": " #ms "}"

/* Run one function f behind a direct entry: `workload` and `platform` are
 * JSON values, `fn` f's keys (its warm time is 1 s unless fn gives its own
 * service_time or a trace says: a key appears once, as the strict reader
 * requires). */
static json_object *run_fn(double duration_s, const char *workload, const char *platform,
                           const char *fn)
{
    char text[8192];
    const char *warm = strstr(fn, "\"service_time\"") ? ""
                       : "\"service_time\": {\"warm\": " DET(1000) "}";
    snprintf(text, sizeof text,
             "{\"duration_s\": %.17g, \"workload\": %s, \"entry\": {\"type\": \"direct\", "
             "\"target\": \"f\"}, \"platform\": %s, \"functions\": {\"f\": {\"timeout_s\": 900%s%s%s%s}}}",
             duration_s, workload, platform, warm[0] ? ", " : "", warm, fn[0] ? ", " : "", fn);
    return run_text(text, 1);
}

#define EVERY_30S "{\"arrivals\": {\"process\": \"deterministic\", \"rate_per_s\": 0.0333333333333333333}}"

/* A trace of (time s, handler ms) pairs into a temp file; its workload JSON
 * into wl.  Returns the file name to remove (static storage per call site). */
static void trace_of(char *path, size_t n, char *wl, size_t nwl, const double *rows, int nrows)
{
    snprintf(path, n, "/tmp/lambdasim-lcsim-XXXXXX");
    int fd = mkstemp(path);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        CHECK(0, "temp trace");
        snprintf(wl, nwl, "{}");
        return;
    }
    fputs("timestamp_s,op,key,bytes,function,duration_ms\n", fp);
    for (int i = 0; i < nrows; i++) fprintf(fp, "%.3f,invoke,,0,f,%.3f\n", rows[2 * i], rows[2 * i + 1]);
    fclose(fp);
    snprintf(wl, nwl, "{\"trace\": {\"file\": \"%s\", \"format\": \"csv\"}}", path);
}

/* SimFaaS semantics plus a fixed 100 s maximum lifetime, no pre-warming. */
#define LIFE_100 "{\"preset\": \"simfaas\", \"reuse\": \"mru\", \"max_lifetime\": " DET(100000) "}"

/* Arrivals 0, 30, ..., 180 s (duration 200 s), handler 1 s, keep-alive
 * 600 s.  env0 serves 0, 30, 60, 90, is idle from 91 and retires at 100:
 * gone.  120 starts env1 cold (its own retirement at 220 is after the end);
 * 150 and 180 reuse it.  Cold 2 of 7, one recycle; instances: env0 0..100,
 * env1 120..200: 180 s over 200.  Destroyed: env0 at age 100. */
static void retired_idle(void)
{
    json_object *r = run_fn(200, EVERY_30S, LIFE_100, "\"keep_alive_s\": 600");
    CHECK(J(r, "functions.f.invocations") == 7, "7 arrivals");
    CHECK(J(r, "functions.f.cold_starts") == 2, "idle retire: cold %g", J(r, "functions.f.cold_starts"));
    CHECK(J(r, "functions.f.recycled") == 1, "recycled %g", J(r, "functions.f.recycled"));
    CHECK_ABS(J(r, "functions.f.avg_instances"), 180.0 / 200, 1e-9, "idle retire: instances");
    CHECK_ABS(J(r, "functions.f.avg_lifespan_s"), 100, 1e-9, "lifespan: the maximum");
    CHECK(J(r, "functions.f.max_instances") == 1, "never two");
    json_object_put(r);
    /* Without the maximum lifetime one environment serves all 7. */
    r = run_fn(200, EVERY_30S, "{\"preset\": \"simfaas\"}", "\"keep_alive_s\": 600");
    CHECK(J(r, "functions.f.cold_starts") == 1 && J(r, "functions.f.recycled") == 0,
          "no lifetime: one cold start");
    json_object_put(r);
}

/* Handler 25 s: env0 serves 90..115 and retires at 100 while busy: it
 * finishes, takes nothing more and is gone at 115; 120 starts env1 cold.
 * Instances: 0..115 and 120..200: 195 s over 200. */
static void retired_busy(void)
{
    json_object *r = run_fn(200, EVERY_30S, LIFE_100,
                            "\"keep_alive_s\": 600, \"service_time\": {\"warm\": " DET(25000) "}");
    CHECK(J(r, "functions.f.cold_starts") == 2, "busy retire: cold %g", J(r, "functions.f.cold_starts"));
    CHECK(J(r, "functions.f.recycled") == 1, "busy retire: recycled");
    /* The request of 90 completed (the one of 180 ends at 205, after the end). */
    CHECK(J(r, "requests.completed") == 6 && J(r, "requests.in_flight") == 1,
          "the busy one finished its request");
    CHECK_ABS(J(r, "functions.f.avg_instances"), 195.0 / 200, 1e-9, "busy retire: instances");
    CHECK_ABS(J(r, "functions.f.avg_lifespan_s"), 115, 1e-9, "lifespan: to the end of its request");
    json_object_put(r);
}

/* Keep-alive 50 s alone, 200 s in a pool; handlers 10 s.  0: env0 cold,
 * 1: env1 cold; at 10 and 11 they go idle with two live: 200 s (until 210
 * and 211).  150: MRU takes env1 (idle since 11), idle at 160, env0 still
 * live: 200 s, until 360.  env0 expires at 210.  300: env1, warm; idle at
 * 310 alone: 50 s.  355: env1 again; idle at 365 alone: until 415.  420:
 * env2 cold, idle at 430 alone: until 480.  Cold 3 of 6; instances env0
 * 0..210, env1 1..415, env2 420..480 = 684 s over 500. */
static void keep_alive_drawn(void)
{
    static const double rows[] = { 0, 10000, 1, 10000, 150, 10000, 300, 10000, 355, 10000,
                                   420, 10000 };
    char path[64], wl[256];
    trace_of(path, sizeof path, wl, sizeof wl, rows, 6);
    json_object *r = run_fn(500, wl, "{\"preset\": \"simfaas\"}",
                            "\"reuse\": \"mru\", \"keep_alive_lone\": " DET(50000)
                            ", \"keep_alive_pool\": " DET(200000));
    CHECK(J(r, "functions.f.cold_starts") == 3, "lone/pool: cold %g", J(r, "functions.f.cold_starts"));
    CHECK_ABS(J(r, "functions.f.avg_instances"), 684.0 / 500, 1e-9, "lone/pool: instances");
    CHECK(J(r, "functions.f.max_instances") == 2, "two at most");
    json_object_put(r);
    /* The same with 200 s either way: 420 finds env1 (idle since 365). */
    r = run_fn(500, wl, "{\"preset\": \"simfaas\"}",
               "\"reuse\": \"mru\", \"keep_alive_lone\": " DET(200000) ", \"keep_alive_pool\": "
               DET(200000));
    CHECK(J(r, "functions.f.cold_starts") == 2, "200 s alone too: cold %g",
          J(r, "functions.f.cold_starts"));
    json_object_put(r);
    remove(path);
}

/* Fixed keep-alive 100 s.  0: env0 cold, handler 20 s (idle at 20); 1:
 * env1 cold, 5 s (idle at 6).  50: MRU takes env0 (freed last), SimFaaS's
 * newest and LRU take env1; 1 s.  The other expires 100 s after it went
 * idle; 130 reuses the survivor, whose keep-alive ends at 231.
 *   mru:    env1 dies at 106; env0 lives 0..231: 105 + 231 = 336 s
 *   newest: env0 dies at 120; env1 lives 1..231: 120 + 230 = 350 s   */
static void mru_routing(void)
{
    static const double rows[] = { 0, 20000, 1, 5000, 50, 1000, 130, 1000 };
    char path[64], wl[256];
    trace_of(path, sizeof path, wl, sizeof wl, rows, 4);
    static const struct { const char *reuse; double inst; } k[] = {
        { "mru", 336.0 / 300 }, { "newest", 350.0 / 300 }, { "lru", 350.0 / 300 } };
    for (int i = 0; i < 3; i++) {
        char fn[256];
        snprintf(fn, sizeof fn, "\"reuse\": \"%s\", \"keep_alive_s\": 100", k[i].reuse);
        json_object *r = run_fn(300, wl, "{\"preset\": \"simfaas\"}", fn);
        CHECK(J(r, "functions.f.cold_starts") == 2, "%s: cold", k[i].reuse);
        CHECK_ABS(J(r, "functions.f.avg_instances"), k[i].inst, 1e-9, k[i].reuse);
        json_object_put(r);
    }
    remove(path);
}

/* Pre-warming: lifetime 100 s, INIT 2 s (so the first response is 3 s),
 * handler 1 s, keep-alive 600 s, arrivals every 30 s to 180 (duration 190).
 * env0 retires idle at 100; its replacement env1 initialises 100..102 and
 * serves 120 (a pre-warmed first use: warm, 1 s), 150 and 180.  One cold
 * start, one recycle, one replacement: first uses 2 of 7.  Instances: env0
 * 0..100, env1 100..190 = 1.  Latency: one 3 s, six 1 s. */
static void prewarm_replaces(void)
{
    json_object *r = run_fn(190, EVERY_30S,
                            "{\"preset\": \"aws-2020\", \"max_lifetime\": " DET(100000)
                            ", \"placement\": " DET(0) "}",
                            "\"keep_alive_s\": 600, \"init\": " DET(2000));
    CHECK(J(r, "functions.f.cold_starts") == 1, "prewarm: cold %g", J(r, "functions.f.cold_starts"));
    CHECK(J(r, "functions.f.recycled") == 1 && J(r, "functions.f.prewarmed") == 1,
          "one recycle, one replacement");
    CHECK(J(r, "functions.f.prewarmed_first_uses") == 1, "its first use");
    CHECK_ABS(J(r, "functions.f.first_use_probability"), 2.0 / 7, 1e-12, "first uses");
    CHECK_ABS(J(r, "functions.f.avg_instances"), 1.0, 1e-9, "prewarm: instances");
    CHECK_ABS(J(r, "functions.f.latency_ms.mean"), (3000 + 6 * 1000) / 7.0, 1e-6, "latency");
    json_object_put(r);
}

/* A spare is the last choice.  Lifetime 100 s, keep-alive 600 s, replacements
 * ready at once (no INIT).  0: env0 cold (50 s); 10: env1 cold (1 s, idle
 * at 11).  100: env0 retires idle, spare env2.  105: env1 serves (the
 * spare waits) and is idle again at 106; 110: env1 retires, spare env3.
 * 150: the most recently initialised spare, env3: one pre-warmed first use.
 * Without `spare` env2 sits on the idle list (idle since 100) and MRU gives
 * it the request at 105; 150 then takes env3 (idle since 110): two. */
static void prewarm_spare_last(void)
{
    static const double rows[] = { 0, 50000, 10, 1000, 105, 1000, 150, 1000 };
    char path[64], wl[256];
    trace_of(path, sizeof path, wl, sizeof wl, rows, 4);
    static const struct { const char *spare; double first; } k[] = { { "true", 1 }, { "false", 2 } };
    for (int i = 0; i < 2; i++) {
        char pf[256];
        snprintf(pf, sizeof pf, "{\"preset\": \"aws-2020\", \"max_lifetime\": " DET(100000)
                                ", \"prewarm\": {\"spare\": %s}}", k[i].spare);
        json_object *r = run_fn(180, wl, pf, "\"keep_alive_s\": 600");
        CHECK(J(r, "functions.f.cold_starts") == 2 && J(r, "functions.f.recycled") == 2 &&
              J(r, "functions.f.prewarmed") == 2, "spare %s: counts", k[i].spare);
        CHECK(J(r, "functions.f.prewarmed_first_uses") == k[i].first, "spare %s: %g first uses",
              k[i].spare, J(r, "functions.f.prewarmed_first_uses"));
        json_object_put(r);
    }
    remove(path);
}

/* takes_pending: INIT 10 s, lifetime 100 s.  0: env0 cold (10 + 1 s);
 * 95: env0 serves 20 s and retires at 100 while busy: its replacement env1
 * initialises 100..110.  105: nothing idle, env2 starts cold (INIT until
 * 115).  At 110 env1 is ready: with takes_pending it serves the request
 * waiting since 105, done at 111 (latency 6 s, not 11 s); env2 finishes
 * its INIT as a spare.  Latency mean (11 + 20 + 6) / 3 s, else (11 + 20 +
 * 11) / 3 s. */
static void prewarm_takes_pending(void)
{
    static const double rows[] = { 0, 1000, 95, 20000, 105, 1000 };
    char path[64], wl[256];
    trace_of(path, sizeof path, wl, sizeof wl, rows, 3);
    static const struct { const char *on; double moved, mean_s; } k[] = {
        { "true", 1, 37.0 / 3 }, { "false", 0, 42.0 / 3 } };
    for (int i = 0; i < 2; i++) {
        char pf[256];
        snprintf(pf, sizeof pf, "{\"preset\": \"aws-now\", \"max_lifetime\": " DET(100000)
                                ", \"placement\": " DET(0) ", \"prewarm\": {\"takes_pending\": %s}}",
                 k[i].on);
        json_object *r = run_fn(130, wl, pf, "\"keep_alive_s\": 600, \"init\": " DET(10000));
        CHECK(J(r, "functions.f.cold_starts") == 2, "pending %s: cold", k[i].on);
        CHECK(J(r, "functions.f.cold_to_prewarmed") == k[i].moved, "pending %s: moved %g", k[i].on,
              J(r, "functions.f.cold_to_prewarmed"));
        CHECK_ABS(J(r, "functions.f.latency_ms.mean"), k[i].mean_s * 1000, 1e-6, k[i].on);
        CHECK(J(r, "requests.completed") == 3, "pending %s: all done", k[i].on);
        /* env0 0..115, env1 100..130, env2 105..130. */
        CHECK_ABS(J(r, "functions.f.avg_instances"), 170.0 / 130, 1e-9, k[i].on);
        json_object_put(r);
    }
    remove(path);
}

/* Placement 500 ms (SimFaaS otherwise, MRU, keep-alive 600 s), no INIT.
 * 0: nothing idle, the request waits until 0.5 and starts env0 cold (9 s,
 * to 9.5).  9.3: waits until 9.8; env0, freed at 9.5, serves it warm (1 s;
 * response 1.5 s).  30: env0, 10 s.  31: waits until 31.5, env0 still
 * busy: env1 starts cold there (1 s; response 1.5 s).  Cold 2 of 4, one
 * placed warm; latency (9.5 + 1.5 + 10 + 1.5) / 4 s; instances env0
 * 0.5..50, env1 31.5..50: 68 s over 50.  With no placement 9.3 finds env0
 * idle and 31 starts env1 cold: latency (9 + 1 + 10 + 1) / 4 s, instances
 * env0 0..50, env1 31..50. */
static void placement_wait(void)
{
    static const double rows[] = { 0, 9000, 9.3, 1000, 30, 10000, 31, 1000 };
    char path[64], wl[256];
    trace_of(path, sizeof path, wl, sizeof wl, rows, 4);
    static const struct { int ms; double placed, lat_ms, inst; } k[] = {
        { 500, 1, 5625, 68.0 / 50 }, { 0, 0, 5250, 69.0 / 50 } };
    for (int i = 0; i < 2; i++) {
        char pf[256];
        snprintf(pf, sizeof pf, "{\"preset\": \"simfaas\", \"reuse\": \"mru\", \"placement\": "
                                "{\"dist\": \"deterministic\", \"value_ms\": %d}}", k[i].ms);
        json_object *r = run_fn(50, wl, pf, "\"keep_alive_s\": 600");
        CHECK(J(r, "functions.f.cold_starts") == 2, "placement %d: cold %g", k[i].ms,
              J(r, "functions.f.cold_starts"));
        CHECK(J(r, "functions.f.placed_warm") == k[i].placed, "placement %d: placed warm %g",
              k[i].ms, J(r, "functions.f.placed_warm"));
        CHECK_ABS(J(r, "functions.f.latency_ms.mean"), k[i].lat_ms, 1e-6, "placement: latency");
        CHECK_ABS(J(r, "functions.f.avg_instances"), k[i].inst, 1e-9, "placement: instances");
        json_object_put(r);
    }
    remove(path);
}

/* A `cold` draw is the whole first response, the placement included.
 * Placement 500 ms, cold 3 s.  0: waits until 0.5, env0 starts cold, busy
 * for what is left of its 3 s, to 3.  1: waits until 1.5, env0 busy: env1,
 * busy 1.5..4.  At 4.2 both requests are done, both responses 3 s (not
 * 3.5); instances 3.7 + 2.7 s over 4.2. */
static void placement_in_cold(void)
{
    static const double rows[] = { 0, 1000, 1, 1000 };
    char path[64], wl[256];
    trace_of(path, sizeof path, wl, sizeof wl, rows, 2);
    json_object *r = run_fn(4.2, wl, "{\"preset\": \"simfaas\", \"placement\": " DET(500) "}",
                            "\"keep_alive_s\": 600, \"service_time\": {\"warm\": " DET(1000)
                            ", \"cold\": " DET(3000) "}");
    CHECK(J(r, "functions.f.cold_starts") == 2, "cold draw: two cold starts");
    CHECK(J(r, "requests.completed") == 2, "cold draw: both done by 4.2 s");
    CHECK_ABS(J(r, "functions.f.latency_ms.mean"), 3000, 1e-6, "cold draw: the wait is inside");
    CHECK_ABS(J(r, "functions.f.avg_instances"), (3.7 + 2.7) / 4.2, 1e-9, "cold draw: instances");
    json_object_put(r);
    remove(path);
}

/* Low load with a keep-alive drawn uniform on [300, 900] s, Poisson at
 * 1/600 s, 0.1 s handler: a request is cold when the gap since the last
 * departure exceeds that idle period's draw, or the environment is busy:
 * P = E[exp(-lambda (K + S))] + 1 - exp(-lambda S), E over K ~ U(a, b):
 * (exp(-lambda a) - exp(-lambda b)) / (lambda (b - a)) exp(-lambda S). */
static void keep_alive_distribution(void)
{
    const double lam = 1.0 / 600, S = 0.1, a = 300, b = 900;
    json_object *r = run_text(
        "{\"duration_s\": 3e7, \"workload\": {\"arrivals\": {\"process\": \"poisson\", "
        "\"rate_per_s\": 0.0016666666666666667}}, \"entry\": {\"type\": \"direct\"}, "
        "\"platform\": {\"preset\": \"simfaas\"}, \"functions\": {\"f\": {\"keep_alive_lone\": "
        "{\"dist\": \"uniform\", \"min_ms\": 300000, \"max_ms\": 900000}, \"keep_alive_pool\": "
        "{\"dist\": \"uniform\", \"min_ms\": 300000, \"max_ms\": 900000}, \"service_time\": "
        "{\"warm\": " DET(100) "}}}}", 11);
    double want = (exp(-lam * a) - exp(-lam * b)) / (lam * (b - a)) * exp(-lam * S) + 1 -
                  exp(-lam * S);
    double n = J(r, "functions.f.invocations");
    double se = sqrt(want * (1 - want) / n);
    double got = J(r, "functions.f.cold_start_probability");
    CHECK(fabs(got - want) <= 4 * se, "U(300, 900) s keep-alive: P(cold) %.5f vs %.5f (4 s.e. %.5f)",
          got, want, 4 * se);
    json_object_put(r);
    /* An exponential keep-alive (mean m = 600 s, no positive minimum: every
     * earlier deadline gets its own timer): E[exp(-lambda K)] = 1 / (1 +
     * lambda m). */
    r = run_text(
        "{\"duration_s\": 3e7, \"workload\": {\"arrivals\": {\"process\": \"poisson\", "
        "\"rate_per_s\": 0.0016666666666666667}}, \"entry\": {\"type\": \"direct\"}, "
        "\"platform\": {\"preset\": \"simfaas\", \"keep_alive_lone\": {\"dist\": \"exponential\", "
        "\"mean_ms\": 600000}, \"keep_alive_pool\": {\"dist\": \"exponential\", \"mean_ms\": "
        "600000}}, \"functions\": {\"f\": {\"service_time\": {\"warm\": " DET(100) "}}}}", 12);
    want = exp(-lam * S) / (1 + lam * 600) + 1 - exp(-lam * S);
    n = J(r, "functions.f.invocations");
    se = sqrt(want * (1 - want) / n);
    got = J(r, "functions.f.cold_start_probability");
    CHECK(fabs(got - want) <= 4 * se, "Exp(600 s) keep-alive: P(cold) %.5f vs %.5f (4 s.e. %.5f)",
          got, want, 4 * se);
    json_object_put(r);
}

int main(void)
{
    retired_idle();
    retired_busy();
    keep_alive_drawn();
    mru_routing();
    prewarm_replaces();
    prewarm_spare_last();
    prewarm_takes_pending();
    placement_wait();
    placement_in_cold();
    keep_alive_distribution();
    return check_report("lifecycle_sim");
}
