/* test_detect.c - the cascade detector: loading, detection, grouping, errors, CLI.
 *
 * Uses the real opencv-data cascades and the skimage photos in data/images.
 * The CLI part calls rpt_cmd_kernel_detect in-process with stdout/stderr
 * redirected to files, so it does not depend on the `kernel` dispatcher.
 */
#include "tests/check.h"

#include "reports/cli/rpt_cmd.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"
#include "workloads/image/wl_detect_internal.h"
#include "workloads/image/wl_image.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The astronaut's face (Eileen Collins) in data/images/astronaut.png, marked
 * by hand: I viewed the region x 128..384, y 0..256 enlarged 2x with a
 * 64-pixel grid drawn on it, and put the box cheek to cheek (x 178..273)
 * and from the hairline to the chin (y 70..175). */
static const wl_box k_face = {178, 70, 95, 105, 0};

static double iou(const wl_box *a, const wl_box *b)
{
    int x0 = a->x > b->x ? a->x : b->x, y0 = a->y > b->y ? a->y : b->y;
    int x1 = a->x + a->w < b->x + b->w ? a->x + a->w : b->x + b->w;
    int y1 = a->y + a->h < b->y + b->h ? a->y + a->h : b->y + b->h;
    if (x1 <= x0 || y1 <= y0)
        return 0.0;
    double in = (double)(x1 - x0) * (y1 - y0);
    return in / ((double)a->w * a->h + (double)b->w * b->h - in);
}

static double best_iou(const wl_box *bx, size_t n, const wl_box *want)
{
    double best = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = iou(&bx[i], want);
        if (v > best)
            best = v;
    }
    return best;
}

static wl_cascade *load(const char *name)
{
    wl_cascade *c = NULL;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = wl_cascade_load(name, &c, &err);
    CHECK(st == SIM_OK, "load %s: %s", name, err.msg);
    return c;
}

/* Detect with default parameters (and `threads`); returns the box count and
 * copies up to `cap` boxes. */
static size_t detect(const wl_cascade *c, const wl_image *img, int threads, wl_box *out,
                     size_t cap)
{
    wl_detect_params p;
    wl_detect_params_default(&p);
    p.threads = threads;
    wl_detector *d = wl_detector_create(c, &p);
    const wl_box *b;
    size_t n = 0;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = wl_detect_run(d, img, &b, &n, &err);
    CHECK(st == SIM_OK, "detect: %s", err.msg);
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = b[i];
    wl_detector_destroy(d);
    return n;
}

static void test_load(void)
{
    wl_cascade *c = load("frontalface_default");
    if (c) {
        CHECK(!c->lbp && c->win_w == 24 && c->win_h == 24, "haar default geometry");
        CHECK(c->nstages == 25, "stages %d", c->nstages);
        CHECK(c->stumps && !c->any_tilted, "default cascade is stumps, upright");
        /* First stage of the file: 9 weak classifiers, threshold -5.0425500869750977. */
        CHECK(c->stages[0].nweak == 9, "stage 0 weak count %d", c->stages[0].nweak);
        CHECK_ABS(c->stages[0].threshold, -5.0425500869750977 - 1e-5, 1e-5, "stage 0 threshold");
    }
    wl_cascade_destroy(c);
    c = load("lbpcascade_frontalface_improved");
    if (c) {
        CHECK(c->lbp && c->win_w == 45 && c->win_h == 45, "lbp geometry");
        CHECK(c->nstages == 19 && c->subset_size == 8, "lbp stages %d", c->nstages);
    }
    wl_cascade_destroy(c);
    c = load("eye_tree_eyeglasses");
    if (c)
        CHECK(!c->stumps && c->any_tilted, "tree cascade with tilted features");
    wl_cascade_destroy(c);
    c = load("/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml");
    if (c)
        CHECK(c->win_w == 20 && c->nstages == 20, "alt2 by path");
    wl_cascade_destroy(c);
    wl_cascade_destroy(NULL);
    wl_detector_destroy(NULL);
}

static void test_astronaut(void)
{
    wl_image img;
    sim_error err;
    sim_error_clear(&err);
    if (wl_image_load("data/images/astronaut.png", &img, &err) != SIM_OK) {
        CHECK(0, "load astronaut: %s", err.msg);
        return;
    }
    wl_cascade *c = load("frontalface_default");
    if (c) {
        wl_box b[16], b2[16];
        size_t n = detect(c, &img, 1, b, 16);
        CHECK(n >= 1, "astronaut: %zu boxes", n);
        CHECK(best_iou(b, n < 16 ? n : 16, &k_face) >= 0.5, "astronaut face IoU %.3f",
              best_iou(b, n < 16 ? n : 16, &k_face));
        /* Same boxes with 2 threads (hits are sorted before grouping). */
        size_t n2 = detect(c, &img, 2, b2, 16);
        CHECK(n2 == n && memcmp(b, b2, sizeof *b * (n < 16 ? n : 16)) == 0,
              "2 threads: %zu vs %zu boxes", n2, n);

        /* Plan once, run many: a second run on the detector gives the same
         * boxes, and a gray copy of the image works too. */
        wl_detect_params p;
        wl_detect_params_default(&p);
        wl_detector *d = wl_detector_create(c, &p);
        const wl_box *r1, *r2;
        size_t m1, m2;
        CHECK(wl_detect_run(d, &img, &r1, &m1, &err) == SIM_OK, "run 1");
        wl_box first = m1 ? r1[0] : (wl_box){0, 0, 0, 0, 0};
        CHECK(wl_detect_run(d, &img, &r2, &m2, &err) == SIM_OK, "run 2");
        CHECK(m1 == m2 && m1 >= 1 && memcmp(&first, &r2[0], sizeof first) == 0,
              "repeatable runs");
        /* Re-planning for another size: wider but with fewer pixels (the
         * buffers must follow width and height, not just the pixel count),
         * then back to the first size. */
        wl_image wide;
        CHECK(wl_image_alloc(&wide, 600, 400, 3, &err) == SIM_OK, "wide alloc");
        for (int y = 0; y < 400; y++) {
            memcpy(wl_image_row(&wide, y), wl_image_row(&img, y + 50), 512 * 3);
            memset(wl_image_row(&wide, y) + 512 * 3, 90, 88 * 3);
        }
        CHECK(wl_detect_run(d, &wide, &r2, &m2, &err) == SIM_OK, "wide run");
        CHECK(m2 >= 1 && r2[0].y + 50 >= first.y - 4 && r2[0].y + 50 <= first.y + 4,
              "face found in the shifted copy (%zu boxes)", m2);
        CHECK(wl_detect_run(d, &img, &r2, &m2, &err) == SIM_OK && m2 == m1 &&
              memcmp(&first, &r2[0], sizeof first) == 0, "back to the first size");
        wl_image_free(&wide);
        wl_image bad = img;
        bad.stride = 0;
        CHECK(wl_detect_run(d, &bad, &r2, &m2, &err) == SIM_EUSAGE, "stride 0 refused");
        wl_detector_destroy(d);
    }
    /* Size limits and a coarser pyramid: the 95-pixel face is outside
     * [120, inf) and [0, 60], and still found with scale steps of 1.2. */
    if (c) {
        const struct { int min, max; double sf; int want; } k[] = {
            {120, 0, 1.1, 0}, {0, 60, 1.1, 0}, {0, 0, 1.2, 1}, {80, 110, 1.1, 1}};
        for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
            wl_detect_params p;
            wl_detect_params_default(&p);
            p.min_size = k[i].min;
            p.max_size = k[i].max;
            p.scale_factor = k[i].sf;
            wl_detector *d = wl_detector_create(c, &p);
            const wl_box *r;
            size_t m;
            CHECK(wl_detect_run(d, &img, &r, &m, &err) == SIM_OK, "params run %zu", i);
            int found = best_iou(r, m, &k_face) >= 0.5;
            CHECK(found == k[i].want, "min %d max %d sf %.1f: found %d, want %d (%zu boxes)",
                  k[i].min, k[i].max, k[i].sf, found, k[i].want, m);
            for (size_t j = 0; j < m; j++)
                CHECK(r[j].w >= k[i].min && (k[i].max == 0 || r[j].w <= k[i].max + 2),
                      "box %zu width %d outside [%d, %d]", j, r[j].w, k[i].min, k[i].max);
            wl_detector_destroy(d);
        }
    }
    wl_cascade_destroy(c);

    /* The LBP cascade also finds her. */
    c = load("lbpcascade_frontalface_improved");
    if (c) {
        wl_box b[16];
        size_t n = detect(c, &img, 1, b, 16);
        CHECK(best_iou(b, n < 16 ? n : 16, &k_face) >= 0.5, "LBP face IoU %.3f (%zu boxes)",
              best_iou(b, n < 16 ? n : 16, &k_face), n);
    }
    wl_cascade_destroy(c);

    /* A tree cascade with tilted features runs (eyes lie inside the face). */
    c = load("eye_tree_eyeglasses");
    if (c) {
        wl_box b[16];
        size_t n = detect(c, &img, 1, b, 16);
        size_t inside = 0;
        for (size_t i = 0; i < n && i < 16; i++)
            inside += b[i].x >= k_face.x && b[i].y >= k_face.y &&
                      b[i].x + b[i].w <= k_face.x + k_face.w &&
                      b[i].y + b[i].h <= k_face.y + k_face.h;
        CHECK(inside >= 1, "eye cascade: %zu of %zu boxes inside the face", inside, n);
    }
    wl_cascade_destroy(c);
    wl_image_free(&img);
}

/* xorshift32: the test's own noise, independent of the simulator's streams. */
static uint32_t xs(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Paste src (RGB) scaled by `k` (bilinear, written here) at (px, py). */
static void paste(wl_image *dst, const wl_image *src, int sx0, int sy0, int sw, int sh,
                  double k, int px, int py)
{
    int dw = (int)(sw * k + 0.5), dh = (int)(sh * k + 0.5);
    for (int y = 0; y < dh; y++)
        for (int x = 0; x < dw; x++) {
            double fx = (x + 0.5) / k - 0.5, fy = (y + 0.5) / k - 0.5;
            if (fx < 0) fx = 0;
            if (fy < 0) fy = 0;
            int ix = (int)fx, iy = (int)fy;
            if (ix >= sw - 1) { ix = sw - 2; fx = sw - 1; }
            if (iy >= sh - 1) { iy = sh - 2; fy = sh - 1; }
            double ax = fx - ix, ay = fy - iy;
            for (int ch = 0; ch < 3; ch++) {
                const uint8_t *r0 = wl_image_row(src, sy0 + iy) + (size_t)(sx0) * 3;
                const uint8_t *r1 = wl_image_row(src, sy0 + iy + 1) + (size_t)(sx0) * 3;
                double v = (1 - ay) * ((1 - ax) * r0[ix * 3 + ch] + ax * r0[(ix + 1) * 3 + ch]) +
                           ay * ((1 - ax) * r1[ix * 3 + ch] + ax * r1[(ix + 1) * 3 + ch]);
                wl_image_row(dst, py + y)[(size_t)(px + x) * 3 + (size_t)ch] = (uint8_t)(v + 0.5);
            }
        }
}

static void test_pasted(void)
{
    wl_image src, canvas;
    sim_error err;
    sim_error_clear(&err);
    if (wl_image_load("data/images/astronaut.png", &src, &err) != SIM_OK) {
        CHECK(0, "load: %s", err.msg);
        return;
    }
    wl_cascade *c = load("frontalface_default");
    if (!c) {
        wl_image_free(&src);
        return;
    }
    CHECK(wl_image_alloc(&canvas, 1200, 800, 3, &err) == SIM_OK, "canvas");
    /* A flat background with mild noise (sd about 6 gray levels). */
    uint32_t s = 12345;
    for (int y = 0; y < canvas.height; y++) {
        uint8_t *r = wl_image_row(&canvas, y);
        for (int x = 0; x < canvas.width; x++) {
            int n = (int)(xs(&s) % 21) - 10;
            for (int ch = 0; ch < 3; ch++)
                r[x * 3 + ch] = (uint8_t)(140 + n);
        }
    }
    /* The crop: the face box with a margin of 30 pixels each side. */
    const int cx = k_face.x - 30, cy = k_face.y - 30, cw = k_face.w + 60, ch = k_face.h + 60;
    const double scales[3] = {0.6, 1.0, 2.2};
    const int pos[3][2] = {{60, 500}, {420, 80}, {800, 300}};
    wl_box want[3];
    for (int i = 0; i < 3; i++) {
        paste(&canvas, &src, cx, cy, cw, ch, scales[i], pos[i][0], pos[i][1]);
        want[i] = (wl_box){pos[i][0] + (int)(30 * scales[i] + 0.5),
                           pos[i][1] + (int)(30 * scales[i] + 0.5),
                           (int)(k_face.w * scales[i] + 0.5), (int)(k_face.h * scales[i] + 0.5), 0};
    }
    wl_box b[32];
    size_t n = detect(c, &canvas, 1, b, 32);
    for (int i = 0; i < 3; i++)
        CHECK(best_iou(b, n < 32 ? n : 32, &want[i]) >= 0.5,
              "pasted face %d (scale %.1f at %d,%d): best IoU %.3f of %zu boxes", i, scales[i],
              pos[i][0], pos[i][1], best_iou(b, n < 32 ? n : 32, &want[i]), n);
    /* Grouping leaves one box per face, nothing elsewhere. */
    CHECK(n == 3, "pasted: %zu boxes, want 3", n);
    wl_image_free(&canvas);
    wl_image_free(&src);
    wl_cascade_destroy(c);
}

static void test_negatives(void)
{
    wl_cascade *c = load("frontalface_default");
    if (!c)
        return;
    sim_error err;
    sim_error_clear(&err);
    wl_image flat;
    CHECK(wl_image_alloc(&flat, 640, 480, 1, &err) == SIM_OK, "flat alloc");
    memset(flat.data, 128, (size_t)flat.stride * (size_t)flat.height);
    wl_box b[8];
    size_t n = detect(c, &flat, 1, b, 8);
    CHECK(n == 0, "flat image: %zu boxes", n);
    wl_image_free(&flat);

    wl_image coffee;
    if (wl_image_load("data/images/coffee.png", &coffee, &err) == SIM_OK) {
        n = detect(c, &coffee, 1, b, 8);
        CHECK(n == 0, "coffee.png: %zu boxes (first at %d,%d %dx%d)", n, n ? b[0].x : 0,
              n ? b[0].y : 0, n ? b[0].w : 0, n ? b[0].h : 0);
        wl_image_free(&coffee);
    } else {
        CHECK(0, "load coffee: %s", err.msg);
    }
    /* An image smaller than the window: no levels, no boxes, no crash. */
    wl_image tiny;
    CHECK(wl_image_alloc(&tiny, 10, 30, 3, &err) == SIM_OK, "tiny alloc");
    memset(tiny.data, 7, (size_t)tiny.stride * (size_t)tiny.height);
    n = detect(c, &tiny, 1, b, 8);
    CHECK(n == 0, "tiny image: %zu boxes", n);
    wl_image_free(&tiny);
    wl_cascade_destroy(c);
}

static void test_tilted_integral(void)
{
    enum { W = 13, H = 9, ST = W + 3 };
    uint8_t img[W * H];
    uint32_t s = 99;
    for (int i = 0; i < W * H; i++)
        img[i] = (uint8_t)(xs(&s) & 255);
    uint32_t t[(H + 1) * ST], scratch[3 * (W + H + 4)];
    wl__tilted_integral(img, W, H, W, t, ST, scratch);
    int bad = 0;
    for (int Y = 0; Y <= H; Y++)
        for (int X = 0; X <= W; X++) {
            uint32_t want = 0;
            for (int y = 0; y < Y; y++)
                for (int x = 0; x < W; x++)
                    if (abs(x - X + 1) <= Y - y - 1)
                        want += img[y * W + x];
            bad += t[Y * ST + X] != want;
        }
    CHECK(bad == 0, "tilted integral: %d of %d entries differ from the definition", bad,
          (W + 1) * (H + 1));
}

/* ---- bad cascades --------------------------------------------------------- */

static const char *tmpdir(void)
{
    static char dir[256];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/lambdasim-detect.XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(dir))
            dir[0] = '\0';
    }
    return dir;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static const char k_good_head[] =
    "<?xml version=\"1.0\"?>\n<opencv_storage>\n"
    "<cascade type_id=\"opencv-cascade-classifier\"><stageType>BOOST</stageType>\n"
    "  <featureType>HAAR</featureType>\n  <height>24</height>\n  <width>24</width>\n"
    "  <featureParams><maxCatCount>0</maxCatCount></featureParams>\n"
    "  <stageNum>1</stageNum>\n  <stages>\n    <_>\n      <maxWeakCount>1</maxWeakCount>\n";

static void expect_bad(const char *name, const char *text, sim_status code,
                       const char *field, long line, const char *msg_part)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir(), name);
    write_file(path, text);
    wl_cascade *c = NULL;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = wl_cascade_load(path, &c, &err);
    CHECK(st == code, "%s: status %s, want %s (%s)", name, sim_strerror(st),
          sim_strerror(code), err.msg);
    CHECK(c == NULL, "%s: no cascade on error", name);
    CHECK(strcmp(err.input, path) == 0, "%s: error names the file (got '%s')", name, err.input);
    if (field)
        CHECK(strcmp(err.field, field) == 0, "%s: field '%s', want '%s'", name, err.field, field);
    if (line)
        CHECK(err.line == line, "%s: line %ld, want %ld", name, err.line, line);
    CHECK(strstr(err.msg, msg_part) != NULL, "%s: message '%s' lacks '%s'", name, err.msg,
          msg_part);
    wl_cascade_destroy(c);
}

static void test_bad_cascades(void)
{
    sim_error err;
    sim_error_clear(&err);
    wl_cascade *c = NULL;
    CHECK(wl_cascade_load("/nonexistent/dir/face.xml", &c, &err) == SIM_ENOENT && !c,
          "missing file: %s", err.msg);
    CHECK(strcmp(err.input, "/nonexistent/dir/face.xml") == 0, "missing file named: %s",
          err.input);
    sim_error_clear(&err);
    CHECK(wl_cascade_load("no_such_cascade", &c, &err) == SIM_ENOENT && !c, "unknown name");
    CHECK(strstr(err.msg, "no_such_cascade") != NULL, "unknown name in message: %s", err.msg);

    /* Malformed XML: an unclosed element, reported with libxml2's line. */
    expect_bad("malformed.xml", "<?xml version=\"1.0\"?>\n<opencv_storage>\n<cascade>\n"
               "  <height>24</width>\n</opencv_storage>\n",
               SIM_EPARSE, NULL, 4, "malformed XML");
    /* A stage without its stageThreshold. */
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", k_good_head,
             "      <weakClassifiers><_><internalNodes>0 -1 0 0.5</internalNodes>\n"
             "        <leafValues>1 -1</leafValues></_></weakClassifiers></_>\n"
             "  </stages>\n  <features><_><rects><_>0 0 4 4 -1.</_><_>0 0 2 4 2.</_>"
             "</rects></_></features>\n</cascade>\n</opencv_storage>\n");
    expect_bad("nothreshold.xml", buf, SIM_EFORMAT, "stages[0].stageThreshold", 10,
               "missing <stageThreshold>");
    /* A node pointing at a feature that does not exist. */
    snprintf(buf, sizeof buf, "%s%s", k_good_head,
             "      <stageThreshold>-1</stageThreshold>\n"
             "      <weakClassifiers><_><internalNodes>0 -1 7 0.5</internalNodes>\n"
             "        <leafValues>1 -1</leafValues></_></weakClassifiers></_>\n"
             "  </stages>\n  <features><_><rects><_>0 0 4 4 -1.</_><_>0 0 2 4 2.</_>"
             "</rects></_></features>\n</cascade>\n</opencv_storage>\n");
    expect_bad("badfeature.xml", buf, SIM_EFORMAT, "features", 0, "feature 7");
    /* A rectangle outside the window. */
    snprintf(buf, sizeof buf, "%s%s", k_good_head,
             "      <stageThreshold>-1</stageThreshold>\n"
             "      <weakClassifiers><_><internalNodes>0 -1 0 0.5</internalNodes>\n"
             "        <leafValues>1 -1</leafValues></_></weakClassifiers></_>\n"
             "  </stages>\n  <features><_><rects><_>20 0 8 4 -1.</_><_>0 0 2 4 2.</_>"
             "</rects></_></features>\n</cascade>\n</opencv_storage>\n");
    expect_bad("outside.xml", buf, SIM_EFORMAT, "features[0].rects[0]", 0, "does not fit");
    /* A non-number in internalNodes. */
    snprintf(buf, sizeof buf, "%s%s", k_good_head,
             "      <stageThreshold>-1</stageThreshold>\n"
             "      <weakClassifiers><_><internalNodes>0 -1 zero 0.5</internalNodes>\n"
             "        <leafValues>1 -1</leafValues></_></weakClassifiers></_>\n"
             "  </stages>\n  <features/>\n</cascade>\n</opencv_storage>\n");
    expect_bad("nan.xml", buf, SIM_EPARSE, "stages[0].weakClassifiers[0].internalNodes", 13,
               "'zero");
    /* Unsupported feature type. */
    expect_bad("hog.xml", "<opencv_storage><cascade><stageType>BOOST</stageType>"
               "<featureType>HOG</featureType></cascade></opencv_storage>",
               SIM_EUNSUPPORTED, "featureType", 1, "'HOG' is not supported");
    /* The good skeleton itself loads (so the failures above are the edits). */
    snprintf(buf, sizeof buf, "%s%s", k_good_head,
             "      <stageThreshold>-1</stageThreshold>\n"
             "      <weakClassifiers><_><internalNodes>0 -1 0 0.5</internalNodes>\n"
             "        <leafValues>1 -1</leafValues></_></weakClassifiers></_>\n"
             "  </stages>\n  <features><_><rects><_>0 0 4 4 -1.</_><_>0 0 2 4 2.</_>"
             "</rects></_></features>\n</cascade>\n</opencv_storage>\n");
    char path[512];
    snprintf(path, sizeof path, "%s/good.xml", tmpdir());
    write_file(path, buf);
    sim_error_clear(&err);
    CHECK(wl_cascade_load(path, &c, &err) == SIM_OK && c, "skeleton loads: %s", err.msg);
    wl_cascade_destroy(c);
    /* The pre-2.0 format is refused by name. */
    sim_error_clear(&err);
    c = NULL;
    CHECK(wl_cascade_load("licence_plate_rus_16stages", &c, &err) == SIM_EUNSUPPORTED && !c,
          "old format refused: %s", err.msg);
    CHECK(strstr(err.msg, "old-style") != NULL, "old format message: %s", err.msg);
}

/* ---- CLI -------------------------------------------------------------------- */

/* Run the command with stdout/stderr captured into files; returns exit code. */
static int run_cli(int argc, const char **argv, char *out, size_t on, char *errbuf, size_t en)
{
    char po[512], pe[512];
    snprintf(po, sizeof po, "%s/cli.out", tmpdir());
    snprintf(pe, sizeof pe, "%s/cli.err", tmpdir());
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    int fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fo, 1);
    dup2(fe, 2);
    int rc = rpt_cmd_kernel_detect(argc, (char **)argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    close(fo);
    close(fe);
    char *t;
    size_t n;
    out[0] = errbuf[0] = '\0';
    if (sim_read_file(po, &t, &n, NULL) == SIM_OK) {
        snprintf(out, on, "%s", t);
        free(t);
    }
    if (sim_read_file(pe, &t, &n, NULL) == SIM_OK) {
        snprintf(errbuf, en, "%s", t);
        free(t);
    }
    return rc;
}

static void test_cli(void)
{
    char out[8192], err[4096];
    const char *help[] = {"detect", "--help"};
    CHECK(run_cli(2, help, out, sizeof out, err, sizeof err) == 0, "--help exits 0");
    CHECK(strstr(out, "lambdasim kernel detect") != NULL, "usage names the command");

    const char *ok[] = {"detect", "--in", "data/images/astronaut.png", "--format", "json"};
    CHECK(run_cli(5, ok, out, sizeof out, err, sizeof err) == 0, "astronaut exits 0: %s", err);
    CHECK(strstr(out, "\"boxes\"") && strstr(out, "\"x\"") && strstr(out, "\"cpu_ms\"") &&
          strstr(out, "\"wall_ms\"") && strstr(out, "\"width\": 512") &&
          strstr(out, "\"megapixels\"") && strstr(out, "\"kernel_wall_ms\"") &&
          strstr(out, "\"bytes\": 791555") && strstr(out, "\"detections\": 1"),
          "json output: %s", out);

    const char *txt[] = {"detect", "--in", "data/images/coffee.png"};
    CHECK(run_cli(3, txt, out, sizeof out, err, sizeof err) == 0, "coffee exits 0");
    CHECK(strstr(out, "\"boxes\": [") && !strstr(out, "cpu_ms") && !strstr(out, "\"x\""),
          "text output, no boxes: %s", out);

    const char *missing[] = {"detect", "--in", "/nonexistent.png"};
    CHECK(run_cli(3, missing, out, sizeof out, err, sizeof err) == 2, "missing file exits 2");
    CHECK(strstr(err, "lambdasim: /nonexistent.png") != NULL, "missing file named: %s", err);

    const char *trunc[] = {"detect", "--in", "data/images/truncated.jpg"};
    CHECK(run_cli(3, trunc, out, sizeof out, err, sizeof err) == 2, "truncated exits 2");
    CHECK(strstr(err, "truncated.jpg") != NULL, "truncated named: %s", err);

    const char *badc[] = {"detect", "--in", "data/images/astronaut.png", "--cascade", "nope"};
    CHECK(run_cli(5, badc, out, sizeof out, err, sizeof err) == 2, "bad cascade exits 2");
    CHECK(strstr(err, "no cascade named 'nope'") != NULL, "bad cascade message: %s", err);

    const char *noin[] = {"detect"};
    CHECK(run_cli(1, noin, out, sizeof out, err, sizeof err) == 2, "no --in exits 2");
    CHECK(strstr(err, "--in") != NULL, "no --in message: %s", err);

    const char *badsf[] = {"detect", "--in", "x.png", "--scale-factor", "1"};
    CHECK(run_cli(5, badsf, out, sizeof out, err, sizeof err) == 2, "scale factor 1 exits 2");
    CHECK(strstr(err, "--scale-factor") != NULL, "scale factor message: %s", err);

    const char *badopt[] = {"detect", "--frobnicate"};
    CHECK(run_cli(2, badopt, out, sizeof out, err, sizeof err) == 2, "unknown option exits 2");

    const char *lbp[] = {"detect", "--in", "data/images/astronaut.png", "--cascade",
                         "lbpcascade_frontalface_improved", "--threads", "2",
                         "--min-neighbors", "2", "--min-size", "40", "--scale-factor", "1.2"};
    CHECK(run_cli(13, lbp, out, sizeof out, err, sizeof err) == 0, "lbp options: %s", err);
    CHECK(strstr(out, "\"w\"") != NULL, "lbp finds a box: %s", out);
}

int main(void)
{
    test_load();
    test_tilted_integral();
    test_astronaut();
    test_pasted();
    test_negatives();
    test_bad_cascades();
    test_cli();
    char cmd[600];
    if (tmpdir()[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir());
        if (system(cmd) != 0)
            printf("note: could not remove %s\n", tmpdir());
    }
    return check_report("detect");
}
