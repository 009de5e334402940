/* test_browser.c - the demo's report.html in headless Chromium.
 *
 * One Chromium launch per page both dumps the DOM and takes a screenshot
 * (about a second each).  The report must log nothing to the console,
 * every chart file in charts/ must be an <svg> inside its
 * <figure id="chart-NAME"> in the rendered DOM, and the screenshot must
 * not be blank (luma spread and share of non-white pixels).  A negative
 * control page (a console error, nothing drawn) must trip both detectors,
 * so the checks cannot pass vacuously.  Chromium comes from Debian via
 * scripts/deps.sh --test; where it cannot be installed the suite says
 * "skipped: why" and counts one skip.
 */
#include "tests/check.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/page/rpt_report.h"
#include "reports/cli/rpt_cmd.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"
#include "workloads/image/wl_image.h"

static char *slurp(const char *path)
{
    char *t = NULL;
    size_t n;
    sim_error err;
    if (sim_read_file(path, &t, &n, &err) != SIM_OK) return NULL;
    return t;
}

/* Render `page` (absolute path): DOM to dom, screenshot to png, log to log. */
static int render(const char *tmp, const char *page, const char *tag)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "timeout 90 chromium --headless --no-sandbox --disable-gpu --no-first-run "
             "--disable-extensions --user-data-dir='%s/profile' --enable-logging=stderr --v=0 "
             "--hide-scrollbars --window-size=1200,2600 --dump-dom --screenshot='%s/%s.png' "
             "'file://%s' >'%s/%s.dom' 2>'%s/%s.log'",
             tmp, tmp, tag, page, tmp, tag, tmp, tag);
    return system(cmd);
}

/* Console lines Chromium logged for the page. */
static int console_lines(const char *log_path)
{
    char *t = slurp(log_path);
    int n = 0;
    for (char *p = t; p && (p = strstr(p, ":CONSOLE")); p++) n++;
    free(t);
    return n;
}

/* Luma standard deviation and share of non-white pixels. */
static bool shot_stats(const char *png, double *sd, double *ink)
{
    wl_image img;
    sim_error err;
    if (wl_image_load(png, &img, &err) != SIM_OK) {
        printf("cannot load %s: %s\n", png, err.msg);
        return false;
    }
    double s = 0, s2 = 0, dark = 0, n = (double)img.width * img.height;
    for (int y = 0; y < img.height; y++) {
        const uint8_t *r = wl_image_row(&img, y);
        for (int x = 0; x < img.width; x++) {
            const uint8_t *px = r + x * img.channels;
            double l = img.channels >= 3 ? 0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2] : px[0];
            s += l;
            s2 += l * l;
            dark += l < 240;
        }
    }
    wl_image_free(&img);
    double mean = s / n;
    *sd = sqrt(fmax(0, s2 / n - mean * mean));
    *ink = dark / n;
    return true;
}

int main(void)
{
    /* Chromium is optional: deps.sh --test installs it when run as root
     * with a package mirror; without it the whole suite is one skip. */
    if (system("sh scripts/deps.sh --test >/dev/null 2>&1") != 0 &&
        system("command -v chromium >/dev/null 2>&1") != 0) {
        SKIP("chromium is not installed (scripts/deps.sh --test installs it, as root)");
        return check_report("browser");
    }
    char tmpl[] = "/tmp/lambdasim-browser.XXXXXX";
    char *tmp = mkdtemp(tmpl);
    if (!tmp) return 1;
    char dir[600], page[PATH_MAX + 32], p[PATH_MAX + 64];
    snprintf(dir, sizeof dir, "%s/demo", tmp);
    /* Two simulated hours: the report is the same kind, the suite quicker. */
    char a0[] = "demo", a1[] = "--out", a2[600], a3[] = "--hours", a4[] = "2";
    snprintf(a2, sizeof a2, "%s", dir);
    char *av[] = { a0, a1, a2, a3, a4, NULL };
    fflush(stdout);
    CHECK(rpt_cmd_demo(5, av) == 0, "demo runs");

    snprintf(page, sizeof page, "%s/report.html", dir);
    CHECK(render(tmp, page, "report") == 0, "chromium renders report.html");
    snprintf(p, sizeof p, "%s/report.log", tmp);
    int nc = console_lines(p);
    CHECK(nc == 0, "report.html logs nothing to the console (%d lines; see %s)", nc, p);
    if (nc) {
        char *log = slurp(p);
        printf("%s\n", log ? log : "");
        free(log);
    }
    snprintf(p, sizeof p, "%s/report.dom", tmp);
    char *dom = slurp(p);
    CHECK(dom && strstr(dom, "<table id=\"summary\">"), "summary table in the DOM");
    /* Every chart file is an <svg> inside its figure. */
    snprintf(p, sizeof p, "%s/charts", dir);
    DIR *dp = opendir(p);
    int ncharts = 0;
    for (struct dirent *e; dp && (e = readdir(dp));) {
        char *dot = strstr(e->d_name, ".svg");
        if (!dot) continue;
        ncharts++;
        char fig[300], svg[300];
        snprintf(fig, sizeof fig, "<figure class=\"chart\" id=\"chart-%.*s\">", (int)(dot - e->d_name), e->d_name);
        snprintf(svg, sizeof svg, "data-chart=\"%.*s\"", (int)(dot - e->d_name), e->d_name);
        const char *f = dom ? strstr(dom, fig) : NULL;
        const char *s = f ? strstr(f, "<svg") : NULL;
        const char *end = f ? strstr(f, "</figure>") : NULL;
        CHECK(f && s && end && s < end && strstr(s, svg) && strstr(s, svg) < end && strstr(s, "<text") < end,
              "chart %s rendered as <svg> with text in its figure", e->d_name);
    }
    if (dp) closedir(dp);
    CHECK(ncharts >= 4, "the demo has at least 4 charts (%d)", ncharts);
    free(dom);
    double sd = 0, ink = 0;
    snprintf(p, sizeof p, "%s/report.png", tmp);
    CHECK(shot_stats(p, &sd, &ink), "screenshot decodes");
    CHECK(sd > 20 && ink > 0.02, "screenshot not blank: luma sd %.1f, %.1f%% ink", sd, 100 * ink);

    /* Negative control: a console error on an empty page. */
    snprintf(page, sizeof page, "%s/control.html", tmp);
    static const char ctl[] = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>c</title></head>"
                              "<body><script>console.error('control');</script></body></html>\n";
    sim_error err;
    CHECK(sim_write_file_atomic(page, ctl, strlen(ctl), &err) == SIM_OK, "control page written");
    CHECK(render(tmp, page, "control") == 0, "chromium renders the control page");
    snprintf(p, sizeof p, "%s/control.log", tmp);
    CHECK(console_lines(p) >= 1, "console detector sees the control's error");
    snprintf(p, sizeof p, "%s/control.png", tmp);
    CHECK(shot_stats(p, &sd, &ink) && !(sd > 20 && ink > 0.02),
          "blank detector flags the control: luma sd %.1f, %.1f%% ink", sd, 100 * ink);

    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) return 1;
    return check_report("browser");
}
