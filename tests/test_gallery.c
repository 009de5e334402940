/* test_gallery.c - the whole gallery in one run: entries, emitted work, flows.
 *
 *  1. A Jackson tandem: queue A's workers send every message on to queue B;
 *     with Poisson arrivals and exponential service the end-to-end mean
 *     sojourn is W(A) + W(B), each the M/M/c sojourn from Erlang C (Burke:
 *     A's departures are Poisson), within 3%.
 *  2. Fan-out: an upload's event invokes a function that invokes three
 *     more: k = 4 request fees are billed per upload (the 1,500 B event, not
 *     the 2.5 MB photo: one request each), and every flow waits for all k.
 *  3. A recursion (a function that writes to the bucket that triggers it) is
 *     an error when static, and stopped at the 17th entry of a chain when
 *     conditional: no flow runs the function more than 16 times, and the
 *     stops match the geometric law.
 *  4. Synchronous calls: a function waiting for another (lambda invoke sync)
 *     or for an execution (stepfunctions start sync) is busy and billed for
 *     the wait; an asynchronous call costs only its API latency.
 *  5. The one-entry shorthand and the same config written with `entries`
 *     give byte-identical results (the bundled configs of each entry type).
 *  6. The gallery's bill (every variant) equals the bill `lambdasim cost`
 *     computes from a usage file of what the run metered.
 *  7. Conservation across the graph, on the gallery: every entry, its
 *     flows, its ops, every queue.
 */
#include "models/pricing/mdl_bill.h"
#include "models/pricing/mdl_usage.h"
#include "models/scenario/mdl_scenario.h"
#include "tests/check.h"
#include "tests/platform_util.h"

#include <stdlib.h>
#include <string.h>

#define DATA "data"

/* ---- helpers ---------------------------------------------------------------------- */

/* Run a config file with overrides; results with "config" attached, as
 * `run --format json` writes them (NULL and a message on an error). */
static json_object *run_file(const char *path, const char *const *set, size_t nset,
                             mdl_scenario **keep, mdl_config *cfg)
{
    sim_error err;
    mdl_config_opts o = { .data_dir = DATA, .set = set, .nset = nset };
    if (mdl_config_load(cfg, path, &o, &err) != SIM_OK) {
        printf("config error: %s: %s\n", path, err.msg);
        return NULL;
    }
    mdl_scenario *s = NULL;
    if (mdl_scenario_create(cfg, 1, 0, &s, &err) != SIM_OK || mdl_scenario_run(s, &err) != SIM_OK) {
        printf("run error: %s: %s\n", path, err.msg);
        mdl_scenario_destroy(s);
        mdl_config_fini(cfg);
        return NULL;
    }
    json_object *r = mdl_scenario_results(s);
    json_object_object_add(r, "config", json_object_get(cfg->effective));
    if (keep) *keep = s;
    else mdl_scenario_destroy(s);
    return r;
}

/* A config given as text, with a data folder (run_text in platform_util.h
 * has none: these configs are priced). */
static json_object *run_cfg(const char *text, uint64_t seed, FILE *log)
{
    sim_json_doc doc;
    sim_error err;
    mdl_config cfg;
    mdl_config_opts o = { .data_dir = DATA };
    if (sim_json_doc_parse(&doc, text, "test.json", &err) != SIM_OK ||
        mdl_config_from_doc(&cfg, &doc, &o, &err) != SIM_OK) {
        printf("config error: %s (field %s, line %ld)\n", err.msg, err.field, err.line);
        sim_json_doc_fini(&doc);
        return json_object_new_object();
    }
    sim_json_doc_fini(&doc);
    mdl_scenario *s = NULL;
    json_object *r;
    if (mdl_scenario_create(&cfg, seed, 0, &s, &err) != SIM_OK) {
        printf("scenario error: %s\n", err.msg);
        r = json_object_new_object();
    } else {
        if (log) mdl_scenario_set_log(s, log);
        if (mdl_scenario_run(s, &err) != SIM_OK) printf("run error: %s\n", err.msg);
        r = mdl_scenario_results(s);
    }
    mdl_scenario_destroy(s);
    mdl_config_fini(&cfg);
    return r;
}

/* The config error of a text ("" when it loads). */
static void load_error(const char *text, char *msg, size_t n)
{
    sim_json_doc doc;
    sim_error err;
    mdl_config cfg;
    mdl_config_opts o = { .data_dir = DATA };
    msg[0] = '\0';
    if (sim_json_doc_parse(&doc, text, "test.json", &err) != SIM_OK) {
        snprintf(msg, n, "parse: %.900s", err.msg);
        return;
    }
    if (mdl_config_from_doc(&cfg, &doc, &o, &err) != SIM_OK) sim_error_format(&err, msg, n);
    else mdl_config_fini(&cfg);
    sim_json_doc_fini(&doc);
}

static double erlang_c(double lambda, double mu, int c)
{
    double a = lambda / mu, b = 1.0, rho = a / c;
    for (int k = 1; k <= c; k++) b = a * b / (k + a * b);   /* Erlang B */
    return b / (1 - rho + rho * b);
}

/* Mean sojourn of M/M/c: the wait (Erlang C) plus the service. */
static double mmc_sojourn(double lambda, double mu, int c)
{
    return erlang_c(lambda, mu, c) / (c * mu - lambda) + 1 / mu;
}

/* ---- 1. Jackson tandem ----------------------------------------------------------- */

static void jackson(void)
{
    const char *t =
        "{ \"duration_s\": 40000, \"warmup_s\": 1000,"
        "  \"workload\": { \"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": 8 } },"
        "  \"entry\": { \"type\": \"queue\", \"target\": \"a\" },"
        "  \"services\": { \"sqs\": { \"send_latency\": { \"dist\": \"deterministic\", \"value_ms\": 0 } } },"
        "  \"queues\": {"
        "    \"a\": { \"visibility_timeout_s\": 43200, \"consumer\": { \"type\": \"workers\", \"count\": 10,"
        "           \"poll\": \"instant\", \"service_time\": { \"dist\": \"exponential\", \"mean_ms\": 1000 },"
        "           \"calls\": [ { \"service\": \"sqs\", \"op\": \"send\", \"queue\": \"b\" } ] } },"
        "    \"b\": { \"visibility_timeout_s\": 43200, \"consumer\": { \"type\": \"workers\", \"count\": 5,"
        "           \"poll\": \"instant\", \"service_time\": { \"dist\": \"exponential\", \"mean_ms\": 500 } } } } }";
    json_object *r = run_text(t, 3);
    double w1 = mmc_sojourn(8, 1, 10), w2 = mmc_sojourn(8, 2, 5);
    CHECK_REL(J(r, "entries.main.latency_ms.mean") / 1e3, w1, 0.03, "queue A's sojourn = M/M/10");
    CHECK_REL(J(r, "entries.main.flow_ms.mean") / 1e3, w1 + w2, 0.03,
              "Jackson tandem: end-to-end sojourn = W(M/M/10) + W(M/M/5)");
    CHECK_REL(J(r, "queues.b.sent"), J(r, "queues.a.deleted"), 0.001, "A's workers send what they take");
    double a = J(r, "entries.main.arrivals"), fl = J(r, "entries.main.flows.in_flight");
    CHECK(a == J(r, "entries.main.flows.completed") + J(r, "entries.main.flows.failed") + fl,
          "tandem flows: arrivals %.0f = completed + failed + in flight", a);
    CHECK(fl < 50, "a few flows in flight at the end (%.0f)", fl);
    json_object_put(r);
}

/* ---- 2. fan-out -------------------------------------------------------------------- */

static void fan_out(void)
{
    /* The upload's event invokes `split` (the 1,500 B event, not the 2.5 MB
     * photo), which invokes f1, f2 and f3 asynchronously: k = 4 invocations
     * per upload.  Deterministic delays and handlers (API latency 0): every
     * flow takes 200 ms + 40 ms + 40 ms (no placement wait: a request that
     * finds no idle environment starts one at once).  A second notification,
     * on .png keys, never fires. */
    const char *t =
        "{ \"duration_s\": 3600,"
        "  \"platform\": { \"placement\": { \"dist\": \"deterministic\", \"value_ms\": 0 } },"
        "  \"entries\": { \"up\": { \"type\": \"s3\", \"bucket\": \"b\", \"key\": \"pending/x.jpg\","
        "     \"workload\": { \"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": 2 }, \"payload_bytes\": 2500000 } } },"
        "  \"buckets\": { \"b\": { \"notifications\": ["
        "     { \"prefix\": \"pending/\", \"suffix\": \".jpg\", \"function\": \"split\", \"delay\": { \"dist\": \"deterministic\", \"value_ms\": 200 } },"
        "     { \"suffix\": \".png\", \"function\": \"f1\" } ] } },"
        "  \"services\": { \"lambda\": { \"invoke_latency\": { \"dist\": \"deterministic\", \"value_ms\": 0 } } },"
        "  \"functions\": {"
        "    \"split\": { \"service_time\": { \"warm\": { \"dist\": \"deterministic\", \"value_ms\": 40 } },"
        "       \"calls\": [ { \"service\": \"lambda\", \"op\": \"invoke\", \"function\": \"f1\", \"invocation\": \"async\" },"
        "                  { \"service\": \"lambda\", \"op\": \"invoke\", \"function\": \"f2\", \"invocation\": \"async\" },"
        "                  { \"service\": \"lambda\", \"op\": \"invoke\", \"function\": \"f3\", \"invocation\": \"async\" } ] },"
        "    \"f1\": { \"service_time\": { \"warm\": { \"dist\": \"deterministic\", \"value_ms\": 40 } } },"
        "    \"f2\": { \"service_time\": { \"warm\": { \"dist\": \"deterministic\", \"value_ms\": 40 } } },"
        "    \"f3\": { \"service_time\": { \"warm\": { \"dist\": \"deterministic\", \"value_ms\": 40 } } } } }";
    json_object *r = run_cfg(t, 5, NULL);
    static const char *const fns[] = { "split", "f1", "f2", "f3" };
    double up = J(r, "entries.up.arrivals"), k = 4, inv = 0, billed = 0;
    for (int i = 0; i < 4; i++) {
        char p[96];
        snprintf(p, sizeof p, "functions.%s.invocations", fns[i]);
        inv += J(r, p);
        snprintf(p, sizeof p, "functions.%s.billed_requests", fns[i]);
        billed += J(r, p);
    }
    CHECK(up > 6000, "uploads arrived (%.0f)", up);
    CHECK(inv == k * up, "k = 4 invocations per upload: %.0f for %.0f uploads", inv, up);
    CHECK(billed == inv, "one request fee per invocation: the event is 1,500 B, not the photo "
          "(%.0f billed for %.0f)", billed, inv);
    CHECK(J(r, "buckets.b.events") == up, "one event per PUT (%.0f)", J(r, "buckets.b.events"));
    /* The bill's request line: k x uploads requests at the catalogue's fee. */
    json_object *lines = sim_json_at(r, "cost.services.lambda.lines");
    double q = NAN, usd = NAN, rate = NAN;
    for (size_t i = 0; lines && i < json_object_array_length(lines); i++) {
        json_object *l = json_object_array_get_idx(lines, i);
        if (strcmp(json_object_get_string(json_object_object_get(l, "item")), "requests") == 0) {
            q = sim_json_number_at(l, "quantity");
            usd = sim_json_number_at(l, "usd");
            rate = sim_json_number_at(l, "rate_usd");
        }
    }
    CHECK(q == k * up, "the bill's Lambda requests: %.0f = 4 x %.0f uploads", q, up);
    CHECK_REL(usd, k * up * rate, 1e-12, "k request fees billed");
    CHECK(up == J(r, "entries.up.flows.completed") + J(r, "entries.up.flows.failed") +
                    J(r, "entries.up.flows.in_flight"), "flow counts add up");
    CHECK(J(r, "entries.up.flows.in_flight") <= 3, "only the last uploads' flows still run");
    CHECK_ABS(J(r, "entries.up.latency_ms.p50"), 240, 240 * 0.01, "the upload's first hop: split");
    CHECK_ABS(J(r, "entries.up.flow_ms.p50"), 280, 280 * 0.01, "a flow ends when all three are done");
    CHECK_ABS(J(r, "entries.up.flow_ms.max"), 280, 280 * 0.01, "no flow ends before its last work");
    json_object_put(r);
}

/* ---- 3. recursion --------------------------------------------------------------------- */

/* The recursive gallery: f writes into the bucket prefix that invokes it,
 * with probability P ("%s"). */
static const char k_loop[] =
    "{ \"duration_s\": 20000,"
    "  \"entries\": { \"up\": { \"type\": \"s3\", \"bucket\": \"b\", \"key\": \"in/a.jpg\","
    "     \"workload\": { \"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": 0.5 }, \"payload_bytes\": 100000 } } },"
    "  \"buckets\": { \"b\": { \"notifications\": [ { \"prefix\": \"in/\", \"function\": \"f\" } ] } },"
    "  \"functions\": { \"f\": { \"service_time\": { \"warm\": { \"dist\": \"exponential\", \"mean_ms\": 50 } },"
    "     \"calls\": [ { \"service\": \"s3\", \"op\": \"put\", \"bucket\": \"b\", \"key\": \"in/b.jpg\","
    "                    \"bytes\": \"object\"%s } ] } } }";

/* Invocations per flow, from the --log (column 11: the flow). */
static int max_per_flow(FILE *log, long *flows_at_16)
{
    static int count[1 << 16];
    memset(count, 0, sizeof count);
    char line[512];
    rewind(log);
    if (!fgets(line, sizeof line, log)) return -1;   /* the header */
    int mx = 0;
    while (fgets(line, sizeof line, log)) {
        const char *p = strrchr(line, ',');
        long id = p ? atol(p + 1) : 0;
        if (id <= 0 || id >= (1 << 16)) continue;
        if (++count[id] > mx) mx = count[id];
    }
    *flows_at_16 = 0;
    for (int i = 0; i < (1 << 16); i++) *flows_at_16 += count[i] == 16;
    return mx;
}

static void recursion(void)
{
    char text[4096], msg[1024];
    snprintf(text, sizeof text, k_loop, "");
    load_error(text, msg, sizeof msg);
    CHECK(strstr(msg, "functions.f.calls[0]") && strstr(msg, "call cycle") && strstr(msg, ":1:"),
          "a static cycle is a load error naming file, line and field: %s", msg);

    double p = 0.9;
    snprintf(text, sizeof text, k_loop, ", \"probability\": 0.9");
    FILE *log = tmpfile();
    json_object *r = run_cfg(text, 7, log);
    double n = J(r, "entries.up.arrivals"), stops = J(r, "functions.f.recursive_loops_stopped");
    /* A chain enters f once per upload, then again with probability p after
     * each entry: the 17th entry happens with probability p^16 and is stopped. */
    double want = n * pow(p, 16), sd = sqrt(n * pow(p, 16) * (1 - pow(p, 16)));
    CHECK_RANGE(stops, want - 4 * sd, want + 4 * sd, "stops at the 17th entry ~ N p^16");
    CHECK(J(r, "entries.up.flows.failures.recursive_loop") == stops,
          "each stop fails its flow as recursive_loop (%.0f)", stops);
    CHECK(J(r, "requests.failures.recursive_loop") == 0, "the uploads themselves were answered");
    double inv = J(r, "functions.f.invocations"), winv = n * (1 - pow(p, 16)) / (1 - p);
    CHECK_REL(inv, winv, 0.03, "invocations ~ N (1 - p^16) / (1 - p)");
    long at16 = 0;
    int mx = max_per_flow(log, &at16);
    CHECK(mx == 16, "no flow runs f more than 16 times (most: %d)", mx);
    CHECK(at16 >= (long)stops, "every stopped flow ran f 16 times (%ld flows with 16, %.0f stops)",
          at16, stops);
    fclose(log);
    json_object_put(r);
}

/* ---- 4. synchronous calls ------------------------------------------------------------- */

static void sync_calls(void)
{
    /* f waits for g (200 ms); k waits for an execution of m, whose one Task
     * runs g (the 18.8 ms Task overhead and g's 200 ms); h only
     * sends an async invoke.  API latencies are fixed: 10 ms an invoke,
     * 20 ms a start; no placement wait. */
    const char *t =
        "{ \"duration_s\": 2000,"
        "  \"platform\": { \"placement\": { \"dist\": \"deterministic\", \"value_ms\": 0 } },"
        "  \"entries\": {"
        "    \"a\": { \"type\": \"direct\", \"target\": \"f\", \"workload\": { \"arrivals\": { \"process\": \"deterministic\", \"rate_per_s\": 0.5 } } },"
        "    \"b\": { \"type\": \"direct\", \"target\": \"h\", \"workload\": { \"arrivals\": { \"process\": \"deterministic\", \"rate_per_s\": 0.5 } } },"
        "    \"c\": { \"type\": \"direct\", \"target\": \"k\", \"workload\": { \"arrivals\": { \"process\": \"deterministic\", \"rate_per_s\": 0.5 } } } },"
        "  \"services\": { \"lambda\": { \"invoke_latency\": { \"dist\": \"deterministic\", \"value_ms\": 10 } },"
        "                \"stepfunctions\": { \"start_latency\": { \"dist\": \"deterministic\", \"value_ms\": 20 } } },"
        "  \"state_machines\": { \"m\": { \"definition\": \"tests/fixtures/gallery_task.asl.json\" } },"
        "  \"functions\": {"
        "    \"f\": { \"service_time\": { \"warm\": { \"dist\": \"deterministic\", \"value_ms\": 30 } },"
        "             \"calls\": [ { \"service\": \"lambda\", \"op\": \"invoke\", \"function\": \"g\" } ] },"
        "    \"h\": { \"service_time\": { \"warm\": { \"dist\": \"deterministic\", \"value_ms\": 30 } },"
        "             \"calls\": [ { \"service\": \"lambda\", \"op\": \"invoke\", \"function\": \"g\", \"invocation\": \"async\" } ] },"
        "    \"k\": { \"service_time\": { \"warm\": { \"dist\": \"deterministic\", \"value_ms\": 30 } },"
        "             \"calls\": [ { \"service\": \"stepfunctions\", \"op\": \"start\", \"state_machine\": \"m\", \"sync\": true } ] },"
        "    \"g\": { \"service_time\": { \"warm\": { \"dist\": \"deterministic\", \"value_ms\": 200 } } } } }";
    json_object *r = run_cfg(t, 1, NULL);
    CHECK_ABS(J(r, "functions.f.duration_ms.mean"), 30 + 10 + 200, 0.5,
              "a sync invoke: the caller's duration = own + API + the callee's");
    CHECK_ABS(J(r, "functions.h.duration_ms.mean"), 30 + 10, 0.5, "an async invoke: own + API only");
    CHECK_ABS(J(r, "functions.k.duration_ms.mean"), 30 + 20 + 18.8 + 200, 0.5,
              "a sync start: the caller waits for the execution");
    CHECK_ABS(J(r, "entries.a.latency_ms.mean"), 240, 1, "the client waits for the chain");
    CHECK_ABS(J(r, "entries.b.latency_ms.mean"), 40, 1, "the async caller answers at once");
    CHECK_ABS(J(r, "entries.b.flow_ms.mean"), 240, 1, "its flow ends when g has run");
    double n = J(r, "entries.a.arrivals") + J(r, "entries.b.arrivals") + J(r, "entries.c.arrivals");
    CHECK_RANGE(J(r, "functions.g.invocations"), n - 3, n, "g ran for every entry (the last may run on)");
    CHECK_RANGE(J(r, "stepfunctions.machines.m.executions"), J(r, "entries.c.arrivals") - 1,
                J(r, "entries.c.arrivals"), "one execution per k");
    json_object_put(r);
}

/* ---- 5. the shorthand ------------------------------------------------------------------ */

/* The config at `path` with `entry` + `workload` moved into entries.main,
 * written next to it (so relative paths resolve alike). */
static bool write_entries_form(const char *path, const char *out)
{
    json_object *root = json_object_from_file(path), *e = NULL, *w = NULL;
    if (!root || !json_object_object_get_ex(root, "entry", &e) ||
        !json_object_object_get_ex(root, "workload", &w))
        return false;
    json_object *entry = json_object_get(e), *wl = json_object_get(w);
    json_object_object_del(root, "entry");
    json_object_object_del(root, "workload");
    json_object_object_add(entry, "workload", wl);
    json_object *es = json_object_new_object();
    json_object_object_add(es, "main", entry);
    json_object_object_add(root, "entries", es);
    bool ok = json_object_to_file_ext(out, root, JSON_C_TO_STRING_PRETTY) == 0;
    json_object_put(root);
    return ok;
}

static void shorthand(void)
{
    static const char *const k_files[] = { "gallery_sync", "gallery_sqs_lambda",
                                           "pipeline_solution2_stepfunctions", "pow_function_url" };
    static const char *const set[] = { "duration_s=7200" };
    for (size_t i = 0; i < sizeof k_files / sizeof k_files[0]; i++) {
        char a[256], b[256];
        snprintf(a, sizeof a, DATA "/architectures/%s.json", k_files[i]);
        snprintf(b, sizeof b, DATA "/architectures/.test-entries-%s.json", k_files[i]);
        CHECK(write_entries_form(a, b), "%s written with entries", k_files[i]);
        mdl_config ca, cb;
        json_object *ra = run_file(a, set, 1, NULL, &ca), *rb = run_file(b, set, 1, NULL, &cb);
        remove(b);
        CHECK(ra && rb, "%s: both forms run", k_files[i]);
        if (!ra || !rb) continue;
        char *sa = sim_json_to_string(ra), *sb = sim_json_to_string(rb);
        CHECK(strcmp(sa, sb) == 0, "%s: `entry` + `workload` and `entries.main` give byte-identical "
              "results (%zu and %zu bytes)", k_files[i], strlen(sa), strlen(sb));
        CHECK(sim_json_at(ra, "entries.main.arrivals") != NULL, "%s: results name the entry", k_files[i]);
        free(sa);
        free(sb);
        json_object_put(ra);
        json_object_put(rb);
        mdl_config_fini(&ca);
        mdl_config_fini(&cb);
    }
}

/* ---- 6. the bill equals `lambdasim cost` ----------------------------------------------- */

/* A usage file of what the run metered: every quantity the meter holds, in
 * the file's units.  Lambda durations are split over two lines of the same
 * function (floor and ceil of the average), so the whole-millisecond
 * averages of the file add up to the billed milliseconds exactly; INIT is
 * already in them when billed (cold_starts 0). */
static json_object *usage_lambda(const mdl_usage *u)
{
    json_object *lam = json_object_new_array();
    for (size_t i = 0; i < u->n_fn; i++) {
        const mdl_usage_fn *f = &u->fn[i];
        double reqs = f->requests, billed = f->billed_ms / u->granularity_ms;   /* in units */
        double lo = reqs > 0 ? floor(billed / reqs) : 0, n_hi = billed - reqs * lo;
        for (int part = 0; part < 2; part++) {
            double n = part ? n_hi : reqs - n_hi;
            if (n <= 0 && !(part == 0 && reqs == 0)) continue;
            json_object *l = json_object_new_object();
            sim_json_add_string(l, "name", f->name);
            sim_json_add_string(l, "arch", f->arch == MDL_ARCH_ARM64 ? "arm64" : "x86_64");
            sim_json_add_double(l, "memory_mb", f->memory_mb);
            sim_json_add_double(l, "requests", n);
            sim_json_add_double(l, "avg_duration_ms", (lo + part) * u->granularity_ms);
            sim_json_add_double(l, "ephemeral_storage_mb", f->ephemeral_mb);
            json_object_array_add(lam, l);
        }
    }
    return lam;
}

static json_object *usage_doc(const mdl_usage *u, const mdl_config *cfg)
{
    json_object *d = json_object_new_object(), *lam = usage_lambda(u);
    sim_json_add_string(d, "region", cfg->region);
    static const char *const tiers[] = { "none", "always_free", "legacy_12mo" };
    sim_json_add_string(d, "free_tier", tiers[u->free_tier]);
    sim_json_add_int(d, "billing_granularity_ms", u->granularity_ms);
    sim_json_add_string(d, "month", u->month);
    json_object_object_add(d, "lambda", lam);
    json_object *fu = json_object_new_object();
    sim_json_add_double(fu, "requests", u->function_url_requests);
    json_object_object_add(d, "function_url", fu);
    json_object *ap = json_object_new_array(), *h = json_object_new_object(), *rs = json_object_new_object();
    sim_json_add_string(h, "type", "http");
    sim_json_add_double(h, "requests", u->apigw_http_requests);   /* already 512 KB units */
    sim_json_add_string(rs, "type", "rest");
    sim_json_add_double(rs, "requests", u->apigw_rest_requests);
    json_object_array_add(ap, h);
    json_object_array_add(ap, rs);
    json_object_object_add(d, "apigw", ap);
    json_object *sq = json_object_new_array(), *std = json_object_new_object(), *ff = json_object_new_object();
    sim_json_add_double(std, "requests", u->sqs_standard_requests);   /* already 64 KB chunks */
    sim_json_add_string(ff, "type", "fifo");
    sim_json_add_double(ff, "requests", u->sqs_fifo_requests);
    json_object_array_add(sq, std);
    json_object_array_add(sq, ff);
    json_object_object_add(d, "sqs", sq);
    json_object *sf = json_object_new_array(), *st = json_object_new_object();
    sim_json_add_string(st, "type", "standard");
    sim_json_add_double(st, "transitions", u->sfn_transitions);
    json_object_array_add(sf, st);
    json_object_object_add(d, "stepfunctions", sf);
    json_object *s3 = json_object_new_object();
    sim_json_add_double(s3, "storage_gb_month", u->s3_storage_gb_month);
    sim_json_add_double(s3, "put_requests", u->s3_put);
    sim_json_add_double(s3, "get_requests", u->s3_get);
    json_object_object_add(d, "s3", s3);
    json_object *dd = json_object_new_object();
    sim_json_add_double(dd, "write_request_units", u->ddb_wru);
    sim_json_add_double(dd, "read_request_units", u->ddb_rru);
    sim_json_add_double(dd, "storage_gb_month", u->ddb_storage_gb_month);
    json_object_object_add(d, "dynamodb", dd);
    json_object *ec2 = json_object_new_array();
    for (size_t i = 0; i < u->n_ec2; i++) {
        json_object *x = json_object_new_object();
        sim_json_add_string(x, "instance_type", u->ec2[i].type);
        sim_json_add_double(x, "count", 1);
        sim_json_add_double(x, "hours", u->ec2[i].hours);
        json_object_array_add(ec2, x);
    }
    json_object_object_add(d, "ec2", ec2);
    sim_json_add_double(d, "data_transfer_out_gb", u->dto_gb);
    return d;
}

static void bill_equals_cost(void)
{
    static const struct { const char *file, *set; } k[] = {
        { "gallery_full", NULL }, { "gallery_full", "entries.views.type=apigw_http" },
        { "gallery_full", "entries.views.type=apigw_rest" }, { "gallery_full_workers", NULL },
        { "gallery_full_one_lambda", NULL } };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, DATA "/architectures/%s.json", k[i].file);
        const char *set[2] = { "duration_s=3600", k[i].set };
        mdl_config cfg;
        mdl_scenario *s = NULL;
        json_object *r = run_file(path, set, k[i].set ? 2 : 1, &s, &cfg);
        CHECK(r != NULL, "%s runs", k[i].file);
        if (!r) continue;
        json_object *ud = usage_doc(mdl_scenario_usage(s), &cfg);
        char *text = sim_json_to_string(ud);
        sim_json_doc doc;
        sim_error err;
        mdl_catalog *cat = NULL;
        mdl_meter *m = NULL;
        mdl_bill *b = NULL;
        bool ok = sim_json_doc_parse(&doc, text, "usage.json", &err) == SIM_OK &&
                  mdl_usage_from_json(&doc, DATA, NULL, &cat, &m, &err) == SIM_OK &&
                  mdl_bill_compute(cat, mdl_meter_usage(m), &b, &err) == SIM_OK;
        CHECK(ok, "%s: the usage file is priced (%s)", k[i].file, ok ? "" : err.msg);
        const mdl_bill *run_bill = mdl_scenario_bill(s);
        for (int svc = 0; ok && svc < MDL_SVC_COUNT; svc++) {
            double a = mdl_bill_service_usd(run_bill, (mdl_service)svc), c = mdl_bill_service_usd(b, (mdl_service)svc);
            CHECK(fabs(a - c) <= 1e-9 * fmax(1, fabs(a)), "%s%s: %s: the run bills %.10f, cost on its "
                  "usage %.10f", k[i].file, k[i].set ? " (set)" : "", mdl_service_name((mdl_service)svc), a, c);
        }
        if (ok)
            CHECK(fabs(mdl_bill_total_usd(run_bill) - mdl_bill_total_usd(b)) <= 1e-9 * mdl_bill_total_usd(b),
                  "%s: totals %.10f and %.10f", k[i].file, mdl_bill_total_usd(run_bill), mdl_bill_total_usd(b));
        mdl_bill_destroy(b);
        mdl_meter_destroy(m);
        mdl_catalog_destroy(cat);
        if (ok) sim_json_doc_fini(&doc);
        free(text);
        json_object_put(ud);
        json_object_put(r);
        mdl_scenario_destroy(s);
        mdl_config_fini(&cfg);
    }
}

/* ---- 7. conservation ------------------------------------------------------------------- */

static void conserve_tally(json_object *o, const char *what)
{
    double a = J(o, "arrivals");
    CHECK(a == J(o, "completed") + J(o, "failed") + J(o, "in_flight"),
          "%s: arrivals %.0f = completed + failed + in flight", what, a);
    CHECK(a == J(o, "flows.completed") + J(o, "flows.failed") + J(o, "flows.in_flight"),
          "%s: flows: arrivals %.0f = completed + failed + in flight", what, a);
}

static void conservation(void)
{
    static const char *const k_files[] = { "gallery_full", "gallery_full_workers",
                                           "gallery_full_one_lambda" };
    static const char *const set[] = { "duration_s=7200" };
    for (size_t i = 0; i < sizeof k_files / sizeof k_files[0]; i++) {
        char path[256], what[160];
        snprintf(path, sizeof path, DATA "/architectures/%s.json", k_files[i]);
        mdl_config cfg;
        json_object *r = run_file(path, set, 1, NULL, &cfg);
        CHECK(r != NULL, "%s runs", k_files[i]);
        if (!r) continue;
        double sum = 0, ops = 0;
        json_object_object_foreach(json_object_object_get(r, "entries"), name, e) {
            snprintf(what, sizeof what, "%s: entries.%s", k_files[i], name);
            conserve_tally(e, what);
            sum += J(e, "arrivals");
        }
        snprintf(what, sizeof what, "%s: requests", k_files[i]);
        conserve_tally(json_object_object_get(r, "requests"), what);
        json_object_object_foreach(sim_json_at(r, "requests.ops"), op, o) {
            (void)op;
            ops += J(o, "count");
        }
        CHECK(sum == J(r, "requests.arrivals") && ops == sum,
              "%s: entries (%.0f) and ops (%.0f) add up to the requests", k_files[i], sum, ops);
        json_object_object_foreach(json_object_object_get(r, "queues"), qn, q) {
            double sent = J(q, "sent"), out = J(q, "deleted") + J(q, "to_dlq") + J(q, "expired") +
                          J(q, "visible_at_end") + J(q, "in_flight_at_end") + J(q, "delayed_at_end");
            CHECK(sent == out, "%s: queue %s: sent %.0f = deleted + to DLQ + expired + left %.0f",
                  k_files[i], qn, sent, out);
        }
        /* The first hop ends when the queue's message is processed: with Step
         * Functions the pipeline runs on after it. */
        double flow = J(r, "entries.uploads.flow_ms.p50"), hop = J(r, "entries.uploads.latency_ms.p50");
        CHECK(J(r, "entries.uploads.flows.completed") > 0 && (i == 0 ? flow > hop + 300 : flow >= hop),
              "%s: an upload's flow (p50 %.1f ms) and its first hop (%.1f ms)", k_files[i], flow, hop);
        json_object_put(r);
        mdl_config_fini(&cfg);
    }
}

int main(void)
{
    jackson();
    fan_out();
    recursion();
    sync_calls();
    shorthand();
    bill_equals_cost();
    conservation();
    return check_report("gallery");
}
