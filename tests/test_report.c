/* test_report.c - report writers and golden files.
 *
 * 1. A hand-made results document with the priced "cost" section
 *    (tests/fixtures/results_cost.json) gives a cost-by-service chart, cost
 *    rows, and a cost_accrued_usd column that ends at the priced total; the
 *    same results without "cost" degrade: no cost chart, a list-price column
 *    named as such.
 * 2. Golden files (tests/golden/): the CSV headers must match exactly; the
 *    JSON key paths of golden files must all still be present (new keys are
 *    allowed: README "Commands", fields may be added, never renamed or
 *    removed); the
 *    demo's golden charts must all be drawn.  LAMBDASIM_UPDATE_GOLDEN=1 (make golden)
 *    rewrites them instead of checking.
 * 3. The demo's SVG charts parse as XML (libxml2).
 */
#include "tests/check.h"

#include <dirent.h>
#include <libxml/parser.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/page/rpt_report.h"
#include "reports/page/rpt_verdict.h"
#include "reports/cli/rpt_cmd.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"

static char *slurp(const char *path)
{
    char *t = NULL;
    size_t n;
    sim_error err;
    if (sim_read_file(path, &t, &n, &err) != SIM_OK) return NULL;
    return t;
}

static bool has(const char *path, const char *needle)
{
    char *t = slurp(path);
    bool f = t && strstr(t, needle);
    free(t);
    return f;
}

static bool exists(const char *path) { return access(path, F_OK) == 0; }

/* ---- key paths ---------------------------------------------------------- */

typedef struct strs {
    char **v;
    int n, cap;
} strs;

static void strs_add(strs *s, const char *x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->v = realloc(s->v, (size_t)s->cap * sizeof *s->v);
    }
    s->v[s->n++] = strdup(x);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strs_sort_unique(strs *s)
{
    qsort(s->v, (size_t)s->n, sizeof *s->v, cmp_str);
    int k = 0;
    for (int i = 0; i < s->n; i++) {
        if (k > 0 && strcmp(s->v[k - 1], s->v[i]) == 0) free(s->v[i]);
        else s->v[k++] = s->v[i];
    }
    s->n = k;
}

static void strs_free(strs *s)
{
    for (int i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
}

/* Every key path; arrays as "[]"; the effective config is one key (its
 * contents belong to the models, not to the report format). */
static void key_paths(strs *out, json_object *o, const char *prefix)
{
    if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, k, v) {
            char p[1024];
            snprintf(p, sizeof p, "%s%s%s", prefix, prefix[0] ? "." : "", k);
            strs_add(out, p);
            if (strcmp(k, "config") != 0) key_paths(out, v, p);
        }
    } else if (json_object_is_type(o, json_type_array)) {
        char p[1024];
        snprintf(p, sizeof p, "%s[]", prefix);
        for (size_t i = 0; i < json_object_array_length(o); i++)
            key_paths(out, json_object_array_get_idx(o, i), p);
    }
}

static void write_lines(const char *path, const strs *s)
{
    FILE *fp = fopen(path, "w");
    if (!fp) return;
    for (int i = 0; i < s->n; i++) fprintf(fp, "%s\n", s->v[i]);
    fclose(fp);
}

/* Golden JSON keys: every golden key must be present. */
static void golden_keys(const char *json_path, const char *golden, bool update)
{
    json_object *doc = json_object_from_file(json_path);
    CHECK(doc != NULL, "%s parses", json_path);
    if (!doc) return;
    strs k = { 0 };
    key_paths(&k, doc, "");
    strs_sort_unique(&k);
    json_object_put(doc);
    if (update) {
        write_lines(golden, &k);
        printf("wrote %s (%d keys)\n", golden, k.n);
        strs_free(&k);
        return;
    }
    char *g = slurp(golden);
    CHECK(g != NULL, "golden %s readable (make golden writes it)", golden);
    int missing = 0;
    for (char *save = NULL, *line = g ? strtok_r(g, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        if (!bsearch(&line, k.v, (size_t)k.n, sizeof *k.v, cmp_str)) {
            printf("missing key (renamed or removed?): %s\n", line);
            missing++;
        }
    }
    CHECK(missing == 0, "%s: %d golden keys missing from %s", golden, missing, json_path);
    free(g);
    strs_free(&k);
}

/* Golden first line (CSV header): exact. */
static void golden_header(const char *csv_path, const char *golden, bool update)
{
    char *t = slurp(csv_path);
    CHECK(t != NULL, "%s readable", csv_path);
    if (!t) return;
    char *nl = strchr(t, '\n');
    if (nl) nl[1] = '\0';
    if (update) {
        sim_error err;
        sim_write_file_atomic(golden, t, strlen(t), &err);
        printf("wrote %s\n", golden);
    } else {
        char *g = slurp(golden);
        CHECK(g && strcmp(g, t) == 0, "%s header: got %s want %s", csv_path, t, g ? g : "(none)");
        free(g);
    }
    free(t);
}

/* Golden list of chart files in a report's charts/. */
static void golden_charts(const char *dir, const char *golden, bool update)
{
    char path[800];
    snprintf(path, sizeof path, "%s/charts", dir);
    strs s = { 0 };
    DIR *dp = opendir(path);
    CHECK(dp != NULL, "%s exists", path);
    for (struct dirent *e; dp && (e = readdir(dp));)
        if (strstr(e->d_name, ".svg")) strs_add(&s, e->d_name);
    if (dp) closedir(dp);
    strs_sort_unique(&s);
    if (update) {
        write_lines(golden, &s);
    } else {
        /* Charts may be added (e.g. cost once results are priced), never lost. */
        char *g = slurp(golden);
        CHECK(g != NULL, "golden %s readable", golden);
        for (char *save = NULL, *line = g ? strtok_r(g, "\n", &save) : NULL; line;
             line = strtok_r(NULL, "\n", &save))
            CHECK(bsearch(&line, s.v, (size_t)s.n, sizeof *s.v, cmp_str) != NULL,
                  "chart %s missing from %s", line, dir);
        free(g);
    }
    /* Every chart is well-formed XML. */
    for (int i = 0; i < s.n; i++) {
        char p[900];
        snprintf(p, sizeof p, "%s/charts/%s", dir, s.v[i]);
        xmlDocPtr x = xmlReadFile(p, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        CHECK(x != NULL, "%s is well-formed XML", p);
        xmlFreeDoc(x);
    }
    strs_free(&s);
}

/* ---- writers on hand-made results --------------------------------------- */

static double last_field(const char *csv_path)
{
    char *t = slurp(csv_path);
    if (!t) return NAN;
    size_t n = strlen(t);
    while (n > 0 && t[n - 1] == '\n') t[--n] = '\0';
    char *comma = strrchr(t, ',');
    double v = comma ? atof(comma + 1) : NAN;
    free(t);
    return v;
}

static void test_cost(const char *tmp)
{
    json_object *priced = json_object_from_file("tests/fixtures/results_cost.json");
    CHECK(priced != NULL, "fixture loads");
    if (!priced) return;
    json_object *unpriced = NULL;
    json_object_deep_copy(priced, &unpriced, NULL);
    json_object_object_del(unpriced, "cost");
    /* Ten minutes: 100 arrivals a minute, usage growing linearly. */
    mdl_ts_row ts[10];
    memset(ts, 0, sizeof ts);
    for (int k = 0; k < 10; k++) {
        ts[k].t_s = 60.0 * (k + 1);
        ts[k].arrivals = 100;
        ts[k].instances = 1 + k % 3;
        ts[k].running = k % 2;
        ts[k].gb_s = 10.0 * (k + 1);
        ts[k].requests_billed = 100.0 * (k + 1);
    }
    sim_error err;
    char dir[600], p[800];
    rpt_design d = { "priced", priced, ts, 10 };
    rpt_report_opts o = { .title = "priced <fixture>" };
    snprintf(dir, sizeof dir, "%s/priced", tmp);
    CHECK(rpt_report_write(dir, &o, &d, 1, &err) == SIM_OK, "priced report: %s", err.msg);
    snprintf(p, sizeof p, "%s/charts/cost_by_service.svg", dir);
    CHECK(exists(p), "cost_by_service chart written");
    CHECK(has(p, ">lambda<") && has(p, ">apigw<") && has(p, ">s3<"), "every service in the legend");
    snprintf(p, sizeof p, "%s/timeseries.csv", dir);
    CHECK(has(p, ",lambda_requests_billed,cost_accrued_usd\n"), "priced cost column");
    CHECK_REL(last_field(p), 0.00566667, 1e-6, "cost accrued ends at the priced total");
    snprintf(p, sizeof p, "%s/report.html", dir);
    CHECK(has(p, "id=\"chart-cost_by_service\""), "cost chart inlined");
    CHECK(has(p, "cost of the simulated span (USD)") && has(p, "<td>0.0057</td>"),
          "the span's cost, labelled so");
    CHECK(has(p, "<td>24.80</td>"), "the month in the summary");
    /* The month's bill, line by line, before the summary. */
    CHECK(has(p, "<h2>Monthly bill</h2>") && has(p, "priced: $24.80 a month"), "the monthly bill");
    CHECK(has(p, "tier 1: 438000 GB-s x 0.0000166667 USD = 7.3000146 USD") &&
          has(p, "aws-pricing.md §1.5 Storage") && has(p, "<td>0.0000166667</td>"),
          "every line with its calculation, source and rate, as lambdasim cost prints it");
    CHECK(has(p, "s3 from 0 GB, +100 GB a month: 50 GB on average"), "the stock, explained");
    char *html = slurp(p);
    char *mb = html ? strstr(html, "<h2>Monthly bill</h2>") : NULL, *sm = html ? strstr(html, "<h2>Summary</h2>") : NULL;
    char *vd = html ? strstr(html, "<h2>Verdict</h2>") : NULL;
    CHECK(vd && mb && sm && vd < mb && mb < sm, "the verdict, then the month, then the summary");
    CHECK(has(p, "10 requests (1%) over a payload limit") || has(p, "10 requests (1%) over the"),
          "the verdict says what fails and why");
    free(html);
    CHECK(has(p, "priced &lt;fixture&gt;"), "title escaped");
    CHECK(!has(p, "no priced"), "no missing-cost note when priced");
    snprintf(p, sizeof p, "%s/report.md", dir);
    CHECK(has(p, "| cost of the simulated span (USD) | 0.0057 |"), "cost row in Markdown");
    CHECK(has(p, "| - compute: x86_64, tier 1 (0 to 6000000000 GB-s) | 438000 | GB-s | 0.0000166667 | 7.3000 |"),
          "a bill line in Markdown");
    snprintf(p, sizeof p, "%s/summary.json", dir);
    CHECK(has(p, "\"total_usd\"") && has(p, "\"seed\": 7"), "summary.json carries cost and seed");

    rpt_design u = { "unpriced", unpriced, ts, 10 };
    snprintf(dir, sizeof dir, "%s/unpriced", tmp);
    CHECK(rpt_report_write(dir, &o, &u, 1, &err) == SIM_OK, "unpriced report: %s", err.msg);
    snprintf(p, sizeof p, "%s/charts/cost_by_service.svg", dir);
    CHECK(!exists(p), "no cost chart without pricing");
    snprintf(p, sizeof p, "%s/timeseries.csv", dir);
    CHECK(has(p, ",lambda_requests_billed,lambda_cost_list_price_usd\n"), "list-price column named so");
    CHECK_REL(last_field(p), 100 * 0.0000166667 + 1000 * 0.0000002, 1e-9, "list-price Lambda estimate");
    snprintf(p, sizeof p, "%s/report.html", dir);
    CHECK(has(p, "no priced"), "the report says cost is missing");
    CHECK(!has(p, "cost of the simulated span (USD)") && !has(p, "Monthly bill"), "no invented cost row");

    /* No time series: the latency charts only, still a full report. */
    rpt_design nts = { "no-ts", unpriced, NULL, 0 };
    snprintf(dir, sizeof dir, "%s/nots", tmp);
    CHECK(rpt_report_write(dir, &o, &nts, 1, &err) == SIM_OK, "report without time series: %s", err.msg);
    snprintf(p, sizeof p, "%s/charts/latency_cdf.svg", dir);
    CHECK(exists(p), "latency CDF without time series");
    snprintf(p, sizeof p, "%s/charts/instances.svg", dir);
    CHECK(!exists(p), "no time-series chart without rows");

    /* An unwritable folder fails and names it. */
    CHECK(rpt_report_write("/proc/lambdasim-no", &o, &d, 1, &err) != SIM_OK, "bad dir fails");
    CHECK(strstr(err.input, "/proc/lambdasim-no") != NULL, "error names the folder: %s", err.input);
    json_object_put(priced);
    json_object_put(unpriced);
}

/* The queue rule (README "Reports"): steady, growing and cycling depths. */
static void test_queue_rule(void)
{
    enum { N = 1440 };   /* a day of minutes */
    double *d = calloc(N, sizeof *d);
    rpt_queue_check c;
    for (int k = 0; k < N; k++) d[k] = 5 + (k * 7919 % 13);   /* noisy but small */
    CHECK(rpt_queue_check_depth(d, N, &c) == RPT_QUEUE_STEADY, "a small queue is steady (peak %g)", c.peak);
    for (int k = 0; k < N; k++) d[k] = 40 + 10 * sin(k / 30.0);   /* busy, never drained, flat */
    CHECK(rpt_queue_check_depth(d, N, &c) == RPT_QUEUE_STEADY, "a steady backlog is steady (%d rises)", c.rises);
    for (int k = 0; k < N; k++) d[k] = 0.5 * k;   /* never catches up */
    CHECK(rpt_queue_check_depth(d, N, &c) == RPT_QUEUE_GROWS, "a linear backlog grows (q2 %g, q4 %g)",
          c.q2_mean, c.q4_mean);
    for (int k = 0; k < N; k++) d[k] = (k % 10) < 5 ? 120 * (k % 5) / 4.0 : 0;   /* 8 -> 1 -> 8 */
    CHECK(rpt_queue_check_depth(d, N, &c) == RPT_QUEUE_OSCILLATES && c.rises >= 100,
          "a cycling pool oscillates (%d rises, peak %g)", c.rises, c.peak);
    for (int k = 0; k < N; k++) d[k] = k < N / 2 ? 100 * (k % 2) : 0;   /* cycles, then drains */
    CHECK(rpt_queue_check_depth(d, N, &c) == RPT_QUEUE_OSCILLATES, "half a day of cycling still counts");
    CHECK(rpt_queue_check_depth(d, 7, &c) == RPT_QUEUE_STEADY, "too short to judge");
    free(d);
}

/* The verdict of two hand-made designs: the cheaper by how much, the faster
 * by how much, and why the failures happen. */
static void test_verdict(void)
{
    json_object *a = json_object_from_file("tests/fixtures/results_cost.json"), *b = NULL;
    CHECK(a != NULL, "fixture loads");
    if (!a) return;
    json_object_deep_copy(a, &b, NULL);
    sim_error err;
    sim_json_set_at(b, "cost.monthly.total_usd", json_object_new_double(31.05), "t", &err);
    sim_json_set_at(b, "requests.latency_ms.p95", json_object_new_double(80), "t", &err);
    sim_json_set_at(a, "config.entry.max_payload_mb", json_object_new_double(10), "t", &err);
    rpt_design d[2] = { { "http", a, NULL, 0 }, { "rest", b, NULL, 0 } };
    rpt_verdict v;
    rpt_verdict_build(d, 2, &v);
    char all[4096] = "";
    for (int i = 0; i < v.n; i++) {
        strcat(all, v.line[i]);
        strcat(all, "\n");
    }
    CHECK(strstr(all, "Cheapest per month: http at $24.80, $6.25 (20.1%) less than rest ($31.05).") != NULL,
          "cheapest and by how much:\n%s", all);
    CHECK(strstr(all, "Lowest p95: rest at 80.0 ms, 20.0 ms (20%) faster than http (100.0 ms).") != NULL,
          "fastest and by how much");
    CHECK(strstr(all, "What fails in http: 10 requests (1%) over Lambda's 6 MB synchronous payload limit.") != NULL,
          "why http fails: Lambda's limit binds before the door's 10 MB");
    CHECK(strstr(all, "What fails in rest: 10 requests (1%) over a payload limit.") != NULL,
          "without its config, the cause is said plainly");
    json_object_put(a);
    json_object_put(b);
}

int main(void)
{
    bool update = getenv("LAMBDASIM_UPDATE_GOLDEN") && atoi(getenv("LAMBDASIM_UPDATE_GOLDEN"));
    char tmp[] = "/tmp/lambdasim-report.XXXXXX";
    if (!mkdtemp(tmp)) return 1;
    test_cost(tmp);
    test_queue_rule();
    test_verdict();

    /* The demo, in process, and its goldens. */
    char dir[600], p[800];
    snprintf(dir, sizeof dir, "%s/demo", tmp);
    /* Two simulated hours: the report is the same kind, the suite quicker. */
    char a0[] = "demo", a1[] = "--out", a2[600], a3[] = "--hours", a4[] = "2";
    snprintf(a2, sizeof a2, "%s", dir);
    char *av[] = { a0, a1, a2, a3, a4, NULL };
    fflush(stdout);
    CHECK(rpt_cmd_demo(5, av) == 0, "demo runs");
    snprintf(p, sizeof p, "%s/summary.json", dir);
    golden_keys(p, "tests/golden/demo_summary_keys.txt", update);
    snprintf(p, sizeof p, "%s/timeseries.csv", dir);
    golden_header(p, "tests/golden/timeseries_header.csv", update);
    golden_charts(dir, "tests/golden/demo_charts.txt", update);
    snprintf(p, sizeof p, "%s/report.html", dir);
    CHECK(has(p, "id=\"chart-latency_cdf\"") && has(p, "id=\"chart-instances\""), "demo charts inlined");
    /* The demo's report opens with the verdict and the monthly bill. */
    char *html = slurp(p);
    char *h1 = html ? strstr(html, "</h1>") : NULL, *h2 = h1 ? strstr(h1, "<h2>") : NULL;
    CHECK(h2 && strncmp(h2, "<h2>Verdict</h2>", 16) == 0, "the demo's report opens with the verdict");
    CHECK(h2 && strstr(h2, "Cheapest per month: ") && strstr(h2, "<h2>Monthly bill</h2>") &&
          strstr(h2, "<h2>Monthly bill</h2>") < strstr(h2, "<h2>Summary</h2>"),
          "then the monthly bill, before the summary");
    CHECK(has(p, "No request fails in any design."), "the demo's verdict on failures");
    free(html);
    CHECK(has(p, "id=\"chart-cost_difference\"") && has(p, "id=\"chart-tradeoff\""),
          "the difference-to-the-cheapest and trade-off charts");
    /* Self-contained: nothing to fetch (the only link is the data: icon). */
    CHECK(!has(p, "src=") && !has(p, "href=\"http") && !has(p, "url(") && !has(p, "@import") &&
          !has(p, "<script"), "report.html has no external asset");
    CHECK(!has(p, "<?xml") && !has(p, "<!DOCTYPE svg"), "SVG prologues stripped when inlined");
    CHECK(has(p, "data-chart=\"latency_cdf\" version=\"1.1\" baseProfile=\"full\" id=\"latency_cdf-body\" "
                 "width=\"800\" height=\"480\""), "inlined chart: unique ids, size in CSS pixels");

    /* A small sweep: its CSV header and JSON keys. */
    snprintf(p, sizeof p, "%s/sw.json", tmp);
    static const char cfg[] =
        "{ \"duration_s\": 3000, \"workload\": { \"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": 0.5 } },\n"
        "  \"entry\": { \"type\": \"direct\" },\n"
        "  \"functions\": { \"f\": { \"keep_alive_s\": 600, \"service_time\": {\n"
        "   \"warm\": { \"dist\": \"exponential\", \"mean_ms\": 500 }, \"cold\": { \"dist\": \"exponential\", \"mean_ms\": 900 } } } } }\n";
    sim_error err;
    CHECK(sim_write_file_atomic(p, cfg, strlen(cfg), &err) == SIM_OK, "sweep config written");
    char s0[] = "sweep", s1[] = "--config", s3[] = "--grid", s4[] = "functions.f.memory_mb=128,256",
         s5[] = "--replications", s6[] = "2", s7[] = "--threads", s8[] = "1", s9[] = "--out", s10[600];
    snprintf(s10, sizeof s10, "%s/sweep", tmp);
    char *sv[] = { s0, s1, p, s3, s4, s5, s6, s7, s8, s9, s10, NULL };
    fflush(stdout);
    CHECK(rpt_cmd_sweep(11, sv) == 0, "sweep runs");
    snprintf(p, sizeof p, "%s/sweep/sweep.csv", tmp);
    golden_header(p, "tests/golden/sweep_header.csv", update);
    snprintf(p, sizeof p, "%s/sweep/sweep.json", tmp);
    golden_keys(p, "tests/golden/sweep_keys.txt", update);

    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) return 1;
    return check_report("report");
}
