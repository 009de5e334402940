/* test_chart.c - rpt_chart: SVG charts are well-formed XML (libxml2) and
 * carry their titles, legends and ticks; PNG output is a PNG; bad paths
 * fail with the file named; nothing is left behind on failure. */
#include "tests/check.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/chart/rpt_chart.h"
#include "sim/sim_dl.h"
#include "sim/sim_io.h"
#include "workloads/image/wl_image.h"

/* Parse with libxml2 (no network, no DTD fetch); count elements by XPath. */
static int xml_count(const char *path, const char *xpath)
{
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) return -1;
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
    int n = r && r->nodesetval ? r->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return n;
}

static bool file_has(const char *path, const char *needle)
{
    char *text = NULL;
    size_t n;
    sim_error err;
    if (sim_read_file(path, &text, &n, &err) != SIM_OK) return false;
    bool found = strstr(text, needle) != NULL;
    free(text);
    return found;
}

/* Charts and cascades load libplot and libxml2 at first use (sim_dl):
 * a library that is missing, or lacks a symbol, is a clean error that names
 * it; a present one fills the table with callable functions. */
static void dl_load(void)
{
    sim_error err;
    double (*cosine)(double) = NULL;
    const sim_dl_sym ok[] = { { "cos", &cosine, sizeof cosine } };
    CHECK(sim_dl_load("libm.so.6", "libc6", "the test needs libm", ok, 1, NULL, &err) == SIM_OK &&
              cosine && cosine(0.0) == 1.0, "libm's cos through sim_dl_load");
    const sim_dl_sym bad[] = { { "cos", &cosine, sizeof cosine },
                               { "no_such_function_here", &cosine, sizeof cosine } };
    sim_error_clear(&err);
    CHECK(sim_dl_load("libm.so.6", "libc6", "the test needs libm", bad, 2, "x.svg", &err) ==
              SIM_EUNSUPPORTED && strstr(err.msg, "no_such_function_here") &&
              strcmp(err.input, "x.svg") == 0,
          "a missing symbol is named: %s", err.msg);
    sim_error_clear(&err);
    CHECK(sim_dl_load("libnot-a-library.so.9", "nothing", "charts need it", ok, 1, "y.svg",
                      &err) == SIM_EUNSUPPORTED && strstr(err.msg, "libnot-a-library.so.9") &&
              strstr(err.msg, "Debian package nothing") && strstr(err.msg, "charts need it"),
          "a missing library is named with its package: %s", err.msg);
}

int main(void)
{
    dl_load();
    char dir[] = "/tmp/lambdasim-chart.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char path[256];
    sim_error err;
    sim_error_clear(&err);

    /* Two series with a band, one without. */
    enum { N = 50 };
    double x[N], y1[N], lo[N], hi[N], y2[N];
    for (int i = 0; i < N; i++) {
        x[i] = i * 0.5;
        y1[i] = 10 + 5 * sin(i * 0.2);
        lo[i] = y1[i] - 1.5;
        hi[i] = y1[i] + 1.5;
        y2[i] = 4 + 0.1 * i;
    }
    rpt_series s[2] = {
        { .name = "function_url", .x = x, .y = y1, .lo = lo, .hi = hi, .n = N },
        { .name = "apigw_http", .x = x, .y = y2, .n = N, .markers = true, .step = true },
    };
    rpt_chart_spec spec = { .title = "Latency & <load>", .xlabel = "time (h)", .ylabel = "latency (ms)",
                            .y_zero = true };
    snprintf(path, sizeof path, "%s/lines.svg", dir);
    CHECK(rpt_chart_draw_lines(path, &spec, s, 2, &err) == SIM_OK, "lines: %s", err.msg);
    CHECK(xml_count(path, "/s:svg") == 1, "lines.svg parses as SVG");
    CHECK(xml_count(path, "//s:text[contains(., 'Latency & <load>')]") == 1, "title escaped and present");
    CHECK(xml_count(path, "//s:text[. = 'function_url']") == 1, "legend entry 1");
    CHECK(xml_count(path, "//s:text[. = 'apigw_http']") == 1, "legend entry 2");
    CHECK(xml_count(path, "//s:text[. = 'latency (ms)']") == 1, "y label");
    CHECK(xml_count(path, "//s:text[. = 'time (h)']") == 1, "x label");
    CHECK(xml_count(path, "//s:text") >= 12, "ticks labelled: %d texts", xml_count(path, "//s:text"));
    CHECK(xml_count(path, "//s:polygon | //s:polyline[@fill != 'none']") >= 1, "band drawn");
    CHECK(xml_count(path, "//s:circle") >= N, "markers drawn");
    /* y includes 0 and covers the band's top (15 + 1.5): a "16" or larger tick exists. */
    CHECK(xml_count(path, "//s:text[. = '0']") >= 1, "y axis from 0");

    /* Log x axis (memory sizes) and an empty chart. */
    double mem[] = { 128, 256, 512, 1024, 2048, 3008 }, dur[] = { 800, 400, 200, 110, 70, 60 };
    rpt_series sm = { .name = "duration", .x = mem, .y = dur, .n = 6, .markers = true };
    rpt_chart_spec sl = { .title = "Duration vs memory", .xlabel = "memory (MB)",
                          .ylabel = "duration (ms)", .xlog = true };
    snprintf(path, sizeof path, "%s/log.svg", dir);
    CHECK(rpt_chart_draw_lines(path, &sl, &sm, 1, &err) == SIM_OK, "log: %s", err.msg);
    CHECK(xml_count(path, "//s:text[. = '1000']") == 1, "decade tick 1000");
    snprintf(path, sizeof path, "%s/empty.svg", dir);
    CHECK(rpt_chart_draw_lines(path, &sl, NULL, 0, &err) == SIM_OK, "empty: %s", err.msg);
    CHECK(xml_count(path, "//s:text[. = 'no data']") == 1, "empty chart says so");

    /* Stacked and grouped bars. */
    const char *cats[] = { "function_url", "apigw_http", "apigw_rest" };
    double lam[] = { 1.5, 1.5, 1.5 }, gw[] = { 0, 0.8, 2.8 }, s3[] = { 0.4, 0.4, 0.4 };
    rpt_bar_set sets[] = { { "lambda", lam }, { "apigw", gw }, { "s3", s3 } };
    rpt_chart_spec sb = { .title = "Cost by service", .ylabel = "cost (USD)" };
    snprintf(path, sizeof path, "%s/stacked.svg", dir);
    CHECK(rpt_chart_draw_bars(path, &sb, cats, 3, sets, 3, true, &err) == SIM_OK, "stacked: %s", err.msg);
    CHECK(xml_count(path, "/s:svg") == 1, "stacked.svg parses");
    CHECK(xml_count(path, "//s:text[. = '4.70']") == 1, "stacked total on top of apigw_rest");
    /* 3 legend boxes + 8 positive segments. */
    CHECK(xml_count(path, "//s:rect[@fill != 'white'] | //s:polygon") >= 11, "segments: %d",
          xml_count(path, "//s:rect[@fill != 'white'] | //s:polygon"));
    snprintf(path, sizeof path, "%s/grouped.svg", dir);
    CHECK(rpt_chart_draw_bars(path, &sb, cats, 3, sets, 3, false, &err) == SIM_OK, "grouped: %s", err.msg);
    CHECK(xml_count(path, "/s:svg") == 1, "grouped.svg parses");

    /* PNG. */
    spec.format = RPT_CHART_PNG;
    snprintf(path, sizeof path, "%s/lines.png", dir);
    CHECK(rpt_chart_draw_lines(path, &spec, s, 2, &err) == SIM_OK, "png: %s", err.msg);
    CHECK(file_has(path, "PNG"), "PNG signature");
    wl_image img;
    CHECK(wl_image_load(path, &img, &err) == SIM_OK, "PNG decodes: %s", err.msg);
    if (img.data) {
        CHECK(img.width == 800 && img.height == 480, "PNG is 800x480: %dx%d", img.width, img.height);
        long colour = 0;  /* the band and lines are coloured, the page white */
        for (int yy = 0; yy < img.height; yy++)
            for (int xx = 0; xx < img.width; xx++) {
                const uint8_t *px = wl_image_row(&img, yy) + xx * img.channels;
                colour += img.channels == 3 && (px[0] != px[1] || px[1] != px[2]);
            }
        CHECK(colour > 5000, "PNG has coloured pixels: %ld", colour);
        wl_image_free(&img);
    }

    /* Edge cases: NaN gaps, one point, a flat series, negative values, more
     * series than colours, long labels, a fixed range narrower than the data. */
    double ex[] = { 1, 2, 3, 4, 5 }, ey[] = { 1, NAN, 3, INFINITY, 5 }, flat[] = { 2, 2, 2, 2, 2 },
           neg[] = { -3, -1, 0, 1, 3 };
    rpt_series many[12];
    for (int k = 0; k < 12; k++)
        many[k] = (rpt_series){ .name = "a rather long series name to force legend wrapping",
                                .x = ex, .y = k % 3 == 0 ? ey : k % 3 == 1 ? flat : neg, .n = 5,
                                .step = k % 2, .dashed = k % 4 == 1 };
    rpt_chart_spec se = { .title = "edge cases", .xlabel = "x", .ylabel = "y", .ymin = -1, .ymax = 2 };
    snprintf(path, sizeof path, "%s/edge.svg", dir);
    CHECK(rpt_chart_draw_lines(path, &se, many, 12, &err) == SIM_OK, "edge lines: %s", err.msg);
    CHECK(xml_count(path, "/s:svg") == 1, "edge.svg parses");
    CHECK(xml_count(path, "//s:text[. = '+6 more']") == 1, "a long legend is cut with a count");
    rpt_series one = { .name = "one", .x = ex, .y = flat, .n = 1, .markers = true };
    snprintf(path, sizeof path, "%s/one.svg", dir);
    CHECK(rpt_chart_draw_lines(path, &sl, &one, 1, &err) == SIM_OK, "one point: %s", err.msg);
    CHECK(xml_count(path, "//s:circle") == 1, "one point, one marker");
    double bneg[] = { -2, NAN, 5 };
    rpt_bar_set bs[] = { { "neg", bneg }, { "flat", flat } };
    snprintf(path, sizeof path, "%s/bars_edge.svg", dir);
    CHECK(rpt_chart_draw_bars(path, &sb, cats, 3, bs, 2, false, &err) == SIM_OK, "edge bars: %s", err.msg);
    CHECK(xml_count(path, "/s:svg") == 1, "bars_edge.svg parses");
    snprintf(path, sizeof path, "%s/bars_none.svg", dir);
    CHECK(rpt_chart_draw_bars(path, &sb, NULL, 0, NULL, 0, true, &err) == SIM_OK, "no bars: %s", err.msg);
    CHECK(xml_count(path, "/s:svg") == 1, "bars_none.svg parses");

    /* An unwritable path fails, naming it. */
    spec.format = RPT_CHART_SVG;
    CHECK(rpt_chart_draw_lines("/nonexistent-dir/x.svg", &spec, s, 2, &err) != SIM_OK, "bad path fails");
    CHECK(strstr(err.input, "/nonexistent-dir/x.svg") != NULL, "error names the file: %s", err.input);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (getenv("KEEP_CHARTS")) printf("charts in %s\n", dir);
    else if (system(cmd) != 0) return 1;
    return check_report("chart");
}
