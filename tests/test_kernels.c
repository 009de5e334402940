/* test_kernels.c - thumbnail geometry and accuracy, grayscale, bad input.
 *
 * The resampler is checked against an independent double-precision
 * reference written here (direct evaluation of the same filters, no fixed
 * point, no 8-bit intermediate, no tap padding): PSNR must be >= 35 dB.
 * Grayscale is checked against values worked out by hand from the BT.709
 * and BT.601 coefficients.  Bad input must give an error naming the file.
 */
#include "check.h"

#include "sim/sim_io.h"
#include "workloads/image/wl_check.h"
#include "workloads/image/wl_gray.h"
#include "workloads/image/wl_image.h"
#include "workloads/image/wl_kernel.h"
#include "workloads/image/wl_resize.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- reference resampler (double precision) --------------------------- */

static double ref_sinc(double x)
{
    if (x == 0) return 1;
    x *= 3.14159265358979323846;
    return sin(x) / x;
}

static double ref_kernel(int lanczos, double x)
{
    x = fabs(x);
    if (lanczos) return x < 3 ? ref_sinc(x) * ref_sinc(x / 3) : 0;
    return x < 1 ? 1 - x : 0;
}

/* One output sample along an axis: taps over all inputs, normalised over
 * the ones inside the image. */
static double ref_sample(const double *src, int stride, int in_len, int out_len, int i,
                         int lanczos)
{
    double scale = (double)in_len / out_len, fs = scale > 1 ? scale : 1;
    double center = (i + 0.5) * scale, sum = 0, wsum = 0;
    /* Outside +-support the kernels are zero; skipping them only saves time. */
    double reach = (lanczos ? 3 : 1) * fs + 1;
    int j0 = (int)floor(center - reach), j1 = (int)ceil(center + reach);
    if (j0 < 0) j0 = 0;
    if (j1 > in_len) j1 = in_len;
    for (int j = j0; j < j1; j++) {
        double w = ref_kernel(lanczos, (j + 0.5 - center) / fs);
        sum += w * src[(size_t)j * (size_t)stride];
        wsum += w;
    }
    return sum / wsum;
}

static void ref_resize(const wl_image *in, wl_image *out, int lanczos)
{
    int ch = in->channels, iw = in->width, ih = in->height, ow = out->width, oh = out->height;
    double *src = malloc(sizeof(double) * (size_t)iw * (size_t)ih * (size_t)ch);
    double *tmp = malloc(sizeof(double) * (size_t)ow * (size_t)ih * (size_t)ch);
    for (int y = 0; y < ih; y++)
        for (int x = 0; x < iw * ch; x++) src[(size_t)y * (size_t)(iw * ch) + (size_t)x] = wl_image_row(in, y)[x];
    for (int y = 0; y < ih; y++)
        for (int x = 0; x < ow; x++)
            for (int c = 0; c < ch; c++)
                tmp[((size_t)y * (size_t)ow + (size_t)x) * (size_t)ch + (size_t)c] =
                    ref_sample(src + (size_t)y * (size_t)(iw * ch) + (size_t)c, ch, iw, ow, x,
                               lanczos);
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            for (int c = 0; c < ch; c++) {
                double v = ref_sample(tmp + (size_t)x * (size_t)ch + (size_t)c, ow * ch, ih, oh,
                                      y, lanczos);
                v = v < 0 ? 0 : v > 255 ? 255 : v;
                wl_image_row(out, y)[x * ch + c] = (uint8_t)lround(v);
            }
    free(src);
    free(tmp);
}

static double psnr(const wl_image *a, const wl_image *b)
{
    double se = 0;
    long n = 0;
    for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width * a->channels; x++) {
            double d = (double)wl_image_row(a, y)[x] - wl_image_row(b, y)[x];
            se += d * d;
            n++;
        }
    return se == 0 ? 99.0 : 10 * log10(255.0 * 255.0 / (se / (double)n));
}

static wl_resize_plan *plan_for(int iw, int ih, int ow, int oh, int ch, wl_filter f, int threads)
{
    wl_resize_params p;
    wl_resize_params_default(&p);
    p.in_w = iw;
    p.in_h = ih;
    p.out_w = ow;
    p.out_h = oh;
    p.channels = ch;
    p.filter = f;
    p.threads = threads;
    wl_resize_plan *plan = NULL;
    sim_error err;
    sim_error_clear(&err);
    CHECK(wl_resize_plan_create(&p, &plan, &err) == SIM_OK, "plan %dx%d->%dx%d: %s", iw, ih, ow,
          oh, err.msg);
    return plan;
}

/* ---- thumbnail geometry ------------------------------------------------- */

static void test_fit(void)
{
    static const struct { int iw, ih, bw, bh, ow, oh; } cases[] = {
        { 1, 1, 128, 128, 128, 128 },       /* enlarged, as vipsthumbnail does */
        { 1, 1000, 128, 128, 1, 128 },      /* 1xN keeps a 1-pixel column */
        { 1000, 1, 128, 128, 128, 1 },
        { 10000, 10, 128, 128, 128, 1 },    /* 0.128 rows rounds up to 1 */
        { 4000, 3000, 128, 128, 128, 96 },
        { 3000, 4000, 128, 128, 96, 128 },
        { 451, 300, 128, 128, 128, 85 },    /* 85.1 */
        { 741, 500, 128, 128, 128, 86 },    /* 86.4 */
        { 20000, 300, 256, 64, 256, 4 },    /* extreme panorama: 3.84 -> 4 */
        { 300, 20000, 256, 64, 1, 64 },     /* extreme tower: 0.96 -> 1 */
        { 512, 512, 200, 100, 100, 100 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int w, h;
        wl_image_fit(cases[i].iw, cases[i].ih, cases[i].bw, cases[i].bh, &w, &h);
        CHECK(w == cases[i].ow && h == cases[i].oh, "fit %dx%d in %dx%d: got %dx%d, want %dx%d",
              cases[i].iw, cases[i].ih, cases[i].bw, cases[i].bh, w, h, cases[i].ow, cases[i].oh);
        /* Aspect kept within the rounding of half a pixel per side, except
         * where the short side is clamped up to 1 pixel. */
        double want = (double)cases[i].iw / cases[i].ih;
        double lo = (w - 0.5) / (h + 0.5), hi = (w + 0.5) / (h - 0.5);
        if (w > 1 && h > 1)
            CHECK(want >= lo && want <= hi, "aspect of %dx%d -> %dx%d", cases[i].iw, cases[i].ih,
                  w, h);
        else
            CHECK((w == 1 && want * h < 1.5) || (h == 1 && w / want < 1.5),
                  "1-pixel side of %dx%d -> %dx%d is a clamp", cases[i].iw, cases[i].ih, w, h);
    }
}

/* Every awkward size runs through a real plan without tripping ASan, and a
 * constant image stays exactly constant. */
static void test_constant(void)
{
    static const int sizes[][4] = {
        { 1, 1, 128, 128 }, { 1, 700, 1, 128 }, { 700, 1, 128, 1 }, { 2, 2, 1, 1 },
        { 1000, 7, 128, 1 }, { 37, 23, 128, 80 }, { 640, 427, 128, 85 }, { 3, 5000, 1, 128 },
        { 513, 511, 511, 513 },
    };
    static const uint8_t values[] = { 0, 1, 77, 128, 254, 255 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int f = 0; f < 2; f++)
            for (int ch = 1; ch <= 4; ch += (ch == 1 ? 2 : 1)) {
                int iw = sizes[s][0], ih = sizes[s][1], ow = sizes[s][2], oh = sizes[s][3];
                wl_resize_plan *plan = plan_for(iw, ih, ow, oh, ch,
                                                f ? WL_FILTER_BILINEAR : WL_FILTER_LANCZOS3, 2);
                if (!plan) continue;
                wl_image in, out;
                sim_error err;
                CHECK(wl_image_alloc(&in, iw, ih, ch, &err) == SIM_OK, "alloc");
                CHECK(wl_image_alloc(&out, ow, oh, ch, &err) == SIM_OK, "alloc");
                for (size_t v = 0; v < sizeof values; v++) {
                    memset(in.data, values[v], (size_t)in.stride * (size_t)ih);
                    memset(out.data, 0xA5, (size_t)out.stride * (size_t)oh);
                    wl_resize_run(plan, &in, &out);
                    long bad = 0;
                    for (int y = 0; y < oh; y++)
                        for (int x = 0; x < ow * ch; x++) bad += wl_image_row(&out, y)[x] != values[v];
                    CHECK(bad == 0, "constant %u, %dx%d->%dx%d ch %d filter %d: %ld pixels changed",
                          values[v], iw, ih, ow, oh, ch, f, bad);
                }
                wl_image_free(&in);
                wl_image_free(&out);
                wl_resize_plan_destroy(plan);
            }
    wl_resize_plan_destroy(NULL);
}

/* ---- accuracy against the reference ------------------------------------ */

static void test_psnr(void)
{
    sim_error err;
    sim_error_clear(&err);
    wl_image photo;
    CHECK(wl_image_load("data/images/astronaut.png", &photo, &err) == SIM_OK, "load: %s", err.msg);
    if (!photo.data) return;
    static const int sizes[][2] = { { 128, 128 }, { 200, 150 }, { 97, 311 }, { 700, 650 } };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int f = 0; f < 2; f++) {
            int ow = sizes[s][0], oh = sizes[s][1];
            wl_resize_plan *plan = plan_for(photo.width, photo.height, ow, oh, 3,
                                            f ? WL_FILTER_BILINEAR : WL_FILTER_LANCZOS3, 2);
            wl_image out, ref;
            CHECK(wl_image_alloc(&out, ow, oh, 3, &err) == SIM_OK, "alloc");
            CHECK(wl_image_alloc(&ref, ow, oh, 3, &err) == SIM_OK, "alloc");
            wl_resize_run(plan, &photo, &out);
            ref_resize(&photo, &ref, !f);
            double p = psnr(&out, &ref);
            if (getenv("KERNELS_VERBOSE")) printf("psnr %s %dx%d %.2f\n", f ? "bilinear" : "lanczos3", ow, oh, p);
            CHECK(p >= 35.0, "PSNR %s 512x512->%dx%d = %.2f dB, want >= 35",
                  f ? "bilinear" : "lanczos3", ow, oh, p);
            wl_image_free(&out);
            wl_image_free(&ref);
            wl_resize_plan_destroy(plan);
        }
    /* Strided views: a sub-rectangle of the photo into a padded buffer
     * gives the same pixels as a packed copy of that rectangle. */
    wl_image sub = photo;
    sub.data = wl_image_row(&photo, 100) + 50 * 3;
    sub.width = 300;
    sub.height = 200;
    wl_image packed;
    CHECK(wl_image_alloc(&packed, 300, 200, 3, &err) == SIM_OK, "alloc");
    for (int y = 0; y < 200; y++) memcpy(wl_image_row(&packed, y), wl_image_row(&sub, y), 900);
    wl_resize_plan *plan = plan_for(300, 200, 64, 43, 3, WL_FILTER_LANCZOS3, 1);
    uint8_t *padbuf = calloc(43, 64 * 3 + 17);
    wl_image a = { padbuf, 64, 43, 64 * 3 + 17, 3 }, b;
    CHECK(wl_image_alloc(&b, 64, 43, 3, &err) == SIM_OK, "alloc");
    wl_resize_run(plan, &sub, &a);
    wl_resize_run(plan, &packed, &b);
    CHECK(psnr(&a, &b) == 99.0, "strided view differs from packed copy");
    free(padbuf);
    wl_image_free(&b);
    wl_image_free(&packed);
    wl_resize_plan_destroy(plan);
    wl_image_free(&photo);
}

/* ---- shrink-on-load ------------------------------------------------------ */

static void test_shrink_on_load(void)
{
    char *buf;
    size_t n;
    sim_error err;
    sim_error_clear(&err);
    CHECK(sim_read_file("data/images/rocket.jpg", &buf, &n, &err) == SIM_OK, "read");
    static const struct { int box, shrink, w, h; } cases[] = {
        { 128, 4, 160, 107 },   /* 1/8 would be 80x54 < 128x85 */
        { 64, 8, 80, 54 },
        { 300, 2, 320, 214 },
        { 400, 1, 640, 427 },
        { 0, 1, 640, 427 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wl_image img;
        int shrink = 0;
        CHECK(wl_image_decode_scaled((uint8_t *)buf, n, "rocket.jpg", cases[i].box, cases[i].box,
                                     &img, &shrink, &err) == SIM_OK, "decode: %s", err.msg);
        CHECK(shrink == cases[i].shrink && img.width == cases[i].w && img.height == cases[i].h,
              "box %d: shrink 1/%d to %dx%d, want 1/%d to %dx%d", cases[i].box, shrink, img.width,
              img.height, cases[i].shrink, cases[i].w, cases[i].h);
        wl_image_free(&img);
    }
    /* End to end, the thumbnail has the fitted size whatever the shrink. */
    wl_kernel_opts o;
    wl_kernel_opts_default(&o, WL_KERNEL_RESIZE);
    wl_kernel_result r;
    CHECK(wl_kernel_run(&o, (uint8_t *)buf, n, "rocket.jpg", &r, NULL, &err) == SIM_OK, "run");
    CHECK(r.out_w == 128 && r.out_h == 85 && r.shrink == 4, "thumb %dx%d shrink %d", r.out_w,
          r.out_h, r.shrink);
    free(buf);
}

/* Bands run by the caller with its own scratch equal the plan's own run,
 * byte for byte, whatever the thread count. */
static void test_run_rows(void)
{
    sim_error err;
    wl_image photo;
    CHECK(wl_image_load("data/images/coffee.png", &photo, &err) == SIM_OK, "load");
    if (!photo.data) return;
    wl_resize_plan *plan = plan_for(photo.width, photo.height, 150, 100, 3, WL_FILTER_LANCZOS3, 2);
    wl_image a, b;
    CHECK(wl_image_alloc(&a, 150, 100, 3, &err) == SIM_OK, "alloc");
    CHECK(wl_image_alloc(&b, 150, 100, 3, &err) == SIM_OK, "alloc");
    wl_resize_run(plan, &photo, &a);
    void *scratch = malloc(wl_resize_scratch_bytes(plan));
    static const int bands[] = { 0, 1, 37, 38, 99, 100 };
    for (size_t i = 0; i + 1 < sizeof bands / sizeof bands[0]; i++)
        wl_resize_run_rows(plan, &photo, &b, bands[i], bands[i + 1], scratch);
    CHECK(memcmp(a.data, b.data, (size_t)a.stride * 100) == 0, "bands differ from run");
    free(scratch);
    wl_image_free(&a);
    wl_image_free(&b);
    wl_resize_plan_destroy(plan);
    wl_image_free(&photo);
}

/* Shrink-on-load must not cost visible quality: a 2048x1536 JPEG's
 * thumbnail via the 1/8 DCT scale is close to the one from a full decode. */
static void test_shrink_quality(void)
{
    sim_error err;
    wl_image photo, big;
    CHECK(wl_image_load("data/images/astronaut.png", &photo, &err) == SIM_OK, "load");
    if (!photo.data) return;
    wl_resize_plan *up = plan_for(512, 512, 2048, 1536, 3, WL_FILTER_LANCZOS3, 2);
    CHECK(wl_image_alloc(&big, 2048, 1536, 3, &err) == SIM_OK, "alloc");
    wl_resize_run(up, &photo, &big);
    uint8_t *jpg;
    size_t n;
    CHECK(wl_image_encode_jpeg(&big, 90, &jpg, &n, &err) == SIM_OK, "encode");
    wl_kernel_opts o;
    wl_kernel_opts_default(&o, WL_KERNEL_RESIZE);
    o.out_format = WL_FMT_PNG;   /* lossless, so only the decode path differs */
    wl_kernel_result r1, r2;
    uint8_t *e1, *e2;
    CHECK(wl_kernel_run(&o, jpg, n, "big.jpg", &r1, &e1, &err) == SIM_OK, "shrunk");
    o.shrink_on_load = false;
    CHECK(wl_kernel_run(&o, jpg, n, "big.jpg", &r2, &e2, &err) == SIM_OK, "full");
    CHECK(r1.shrink == 8 && r2.shrink == 1, "shrink %d / %d", r1.shrink, r2.shrink);
    CHECK(r1.out_w == 128 && r1.out_h == 96 && r2.out_w == 128 && r2.out_h == 96,
          "sizes %dx%d %dx%d", r1.out_w, r1.out_h, r2.out_w, r2.out_h);
    wl_image t1, t2;
    CHECK(wl_image_decode(e1, r1.out_bytes, "t1", &t1, &err) == SIM_OK, "decode t1");
    CHECK(wl_image_decode(e2, r2.out_bytes, "t2", &t2, &err) == SIM_OK, "decode t2");
    double p = psnr(&t1, &t2);
    if (getenv("KERNELS_VERBOSE")) printf("shrink-on-load vs full decode: %.2f dB\n", p);
    CHECK(p >= 35.0, "shrink-on-load thumbnail PSNR %.2f dB vs full decode, want >= 35", p);
    free(jpg);
    free(e1);
    free(e2);
    wl_image_free(&t1);
    wl_image_free(&t2);
    wl_image_free(&big);
    wl_image_free(&photo);
    wl_resize_plan_destroy(up);
}

/* ---- grayscale ------------------------------------------------------------ */

static void test_gray(void)
{
    /* Hand-worked: Y709 = .2126R + .7152G + .0722B, Y601 = .299R + .587G +
     * .114B, rounded to nearest. */
    static const struct { uint8_t r, g, b, y709, y601; } px[] = {
        { 0, 0, 0, 0, 0 },
        { 255, 255, 255, 255, 255 },
        { 128, 128, 128, 128, 128 },
        { 255, 0, 0, 54, 76 },       /* 54.213; 76.245 */
        { 0, 255, 0, 182, 150 },     /* 182.376; 149.685 */
        { 0, 0, 255, 18, 29 },       /* 18.411; 29.07 */
        { 100, 150, 200, 143, 141 }, /* 142.98; 140.75 */
        { 10, 20, 30, 19, 18 },      /* 18.644; 17.15 */
        { 200, 100, 50, 118, 124 },  /* 117.63; 124.2 */
    };
    const int n = (int)(sizeof px / sizeof px[0]);
    /* Two rows, padded strides, the pixels in both. */
    uint8_t in[2][64], out[2][24];
    memset(in, 0, sizeof in);
    for (int y = 0; y < 2; y++)
        for (int i = 0; i < n; i++) {
            in[y][3 * i] = px[i].r;
            in[y][3 * i + 1] = px[i].g;
            in[y][3 * i + 2] = px[i].b;
        }
    wl_image vin = { &in[0][0], n, 2, 64, 3 }, vout = { &out[0][0], n, 2, 24, 1 };
    for (int m = 0; m < 2; m++) {
        wl_gray_params p;
        wl_gray_params_default(&p);
        CHECK(p.matrix == WL_GRAY_BT709, "default matrix is BT.709");
        p.matrix = m ? WL_GRAY_BT601 : WL_GRAY_BT709;
        p.threads = 2;
        memset(out, 0xEE, sizeof out);
        wl_gray_run(&p, &vin, &vout);
        for (int y = 0; y < 2; y++)
            for (int i = 0; i < n; i++) {
                int want = m ? px[i].y601 : px[i].y709;
                CHECK(out[y][i] == want, "%s (%u,%u,%u): got %u want %d", m ? "bt601" : "bt709",
                      px[i].r, px[i].g, px[i].b, out[y][i], want);
            }
        CHECK(out[0][n] == 0xEE, "row padding untouched");
    }
    uint32_t w[3];
    wl_gray_weights(WL_GRAY_BT709, w);
    CHECK(w[0] + w[1] + w[2] == 65536, "BT.709 weights sum to 1");
    wl_gray_weights(WL_GRAY_BT601, w);
    CHECK(w[0] + w[1] + w[2] == 65536, "BT.601 weights sum to 1");
    sim_error err;
    wl_gray_matrix mm;
    CHECK(wl_gray_matrix_parse("bt2020", &mm, &err) == SIM_EUSAGE, "bad matrix rejected");
}

/* ---- bad input ---------------------------------------------------------- */

static void expect_bad(const uint8_t *buf, size_t n, const char *label, sim_status want,
                       const char *needle)
{
    sim_error err;
    sim_error_clear(&err);
    wl_image img;
    wl_kernel_opts o;
    wl_kernel_opts_default(&o, WL_KERNEL_RESIZE);
    wl_kernel_result r;
    sim_status s = wl_kernel_run(&o, buf, n, label, &r, NULL, &err);
    CHECK(s == want, "%s: status %d, want %d (%s)", label, (int)s, (int)want, err.msg);
    CHECK(strcmp(err.input, label) == 0, "%s: error names '%s'", label, err.input);
    CHECK(strstr(err.msg, needle) != NULL, "%s: message '%s' lacks '%s'", label, err.msg, needle);
    /* Plain decode fails the same way and leaves no image behind. */
    sim_status d = wl_image_decode(buf, n, label, &img, &err);
    if (want == SIM_EFORMAT) CHECK(d == SIM_EFORMAT && img.data == NULL, "%s: decode", label);
    else wl_image_free(&img);
}

static void test_bad_input(void)
{
    char *jpg, *png, *trunc;
    size_t nj, np, nt;
    sim_error err;
    sim_error_clear(&err);
    jpg = png = trunc = NULL;
    bool have = sim_read_file("data/images/rocket.jpg", &jpg, &nj, &err) == SIM_OK;
    have = (sim_read_file("data/images/coffee.png", &png, &np, &err) == SIM_OK) && have;
    have = (sim_read_file("data/images/truncated.jpg", &trunc, &nt, &err) == SIM_OK) && have;
    CHECK(have, "read the bad-input photos from data/images: %s", err.msg);
    if (!have) {   /* the cases below slice these buffers */
        free(jpg);
        free(png);
        free(trunc);
        return;
    }
    expect_bad((uint8_t *)trunc, nt, "truncated.jpg", SIM_EFORMAT, "JPEG");
    expect_bad((uint8_t *)jpg, nj / 2, "half.jpg", SIM_EFORMAT, "JPEG");
    expect_bad((uint8_t *)jpg, 200, "head.jpg", SIM_EFORMAT, "JPEG");
    expect_bad((uint8_t *)png, np / 2, "half.png", SIM_EFORMAT, "PNG");
    expect_bad((uint8_t *)png, 20, "head.png", SIM_EFORMAT, "PNG");
    expect_bad((const uint8_t *)"", 0, "empty.png", SIM_EFORMAT, "empty");
    expect_bad((const uint8_t *)"GIF89a....", 10, "x.gif", SIM_EFORMAT, "not a JPEG or PNG");
    /* Flipped bytes: in the PNG's IDAT (CRC mismatch), in the PNG's IHDR,
     * and in the JPEG's quantisation/frame headers. */
    char *bad = malloc(np);
    memcpy(bad, png, np);
    for (size_t i = np / 2; i < np / 2 + 16; i++) bad[i] ^= 0x5A;
    expect_bad((uint8_t *)bad, np, "flipped-idat.png", SIM_EFORMAT, "PNG");
    memcpy(bad, png, np);
    bad[17] ^= 0xFF;   /* width, covered by the IHDR CRC */
    expect_bad((uint8_t *)bad, np, "flipped-ihdr.png", SIM_EFORMAT, "PNG");
    free(bad);
    bad = malloc(nj);
    memcpy(bad, jpg, nj);
    for (size_t i = 2; i < 300 && i < nj; i++) bad[i] ^= 0xFF;
    expect_bad((uint8_t *)bad, nj, "flipped.jpg", SIM_EFORMAT, "JPEG");
    free(bad);
    /* Oversize payload: the photo padded past 6 MB (trailing bytes after
     * EOI are legal JPEG, so only the size check can catch it). */
    size_t big = WL_CHECK_LAMBDA_SYNC_PAYLOAD + 1;
    bad = calloc(big, 1);
    memcpy(bad, jpg, nj);
    expect_bad((uint8_t *)bad, big, "big.jpg", SIM_ERANGE, "payload");
    /* The same photo is fine as a raw payload but too big as base64. */
    wl_check_params cp;
    wl_check_params_default(&cp);
    CHECK(wl_check_buffer(&cp, (uint8_t *)jpg, nj, "rocket.jpg", NULL, &err) == SIM_OK, "check ok");
    cp.max_payload = 140000;
    CHECK(wl_check_buffer(&cp, (uint8_t *)jpg, nj, "rocket.jpg", NULL, &err) == SIM_OK, "raw fits");
    cp.base64 = true;
    CHECK(wl_check_buffer(&cp, (uint8_t *)jpg, nj, "rocket.jpg", NULL, &err) == SIM_ERANGE &&
          strstr(err.msg, "base64"), "base64 payload over: %s", err.msg);
    wl_check_params_default(&cp);
    cp.max_side = 600;
    wl_image_info info;
    CHECK(wl_check_buffer(&cp, (uint8_t *)jpg, nj, "rocket.jpg", &info, &err) == SIM_ERANGE &&
          strstr(err.msg, "640x427"), "side limit: %s", err.msg);
    CHECK(info.format == WL_FMT_JPEG && info.width == 640 && info.height == 427, "probe info");
    free(bad);
    free(jpg);
    free(png);
    free(trunc);
    /* Plans reject nonsense with an error, not a crash. */
    wl_resize_params p;
    wl_resize_params_default(&p);
    p.in_w = 10;
    p.in_h = 10;
    p.out_w = 0;
    p.out_h = 5;
    p.channels = 3;
    wl_resize_plan *plan = (wl_resize_plan *)&p;
    CHECK(wl_resize_plan_create(&p, &plan, &err) == SIM_ERANGE && plan == NULL, "out_w 0");
    p.out_w = 5;
    p.channels = 2;
    CHECK(wl_resize_plan_create(&p, &plan, &err) == SIM_ERANGE, "2 channels");
    p.channels = 3;
    p.threads = 0;
    CHECK(wl_resize_plan_create(&p, &plan, &err) == SIM_ERANGE, "0 threads");
}

/* Grayscale of a JPEG streams in strips (wl_kernel.c): for BT.709 the
 * bytes must be those of decode -> wl_gray_run -> encode of the whole
 * image; for BT.601 the decoder hands over the file's Y plane, which must
 * equal the BT.601 luma of the decoded RGB at every pixel where decoding
 * clipped no channel (elsewhere the Y plane keeps the file's luma). */
static void gray_whole(const uint8_t *jpg, size_t n, wl_gray_matrix m, wl_image *src,
                       wl_image *gray)
{
    sim_error err;
    CHECK(wl_image_decode(jpg, n, "whole", src, &err) == SIM_OK, "decode");
    CHECK(wl_image_alloc(gray, src->width, src->height, 1, &err) == SIM_OK, "alloc");
    wl_gray_params p;
    wl_gray_params_default(&p);
    p.matrix = m;
    wl_gray_run(&p, src, gray);
}

static void test_gray_stream_file(const char *file)
{
    sim_error err;
    char *buf;
    size_t n;
    if (sim_read_file(file, &buf, &n, &err) != SIM_OK) {
        CHECK(0, "read %s", file);
        return;
    }
    wl_kernel_opts o;
    wl_kernel_opts_default(&o, WL_KERNEL_GRAYSCALE);
    for (int m = 0; m < 2; m++) {
        o.matrix = m ? WL_GRAY_BT601 : WL_GRAY_BT709;
        o.threads = m + 1;   /* strips split across threads give the same bytes */
        wl_kernel_result r;
        uint8_t *enc;
        CHECK(wl_kernel_run(&o, (uint8_t *)buf, n, file, &r, &enc, &err) == SIM_OK,
              "%s: stream: %s", file, err.msg);
        wl_image src, gray, back;
        gray_whole((uint8_t *)buf, n, o.matrix, &src, &gray);
        CHECK(r.out_w == gray.width && r.out_h == gray.height && r.out_channels == 1,
              "%s: %dx%dx%d", file, r.out_w, r.out_h, r.out_channels);
        if (m == 0) {
            uint8_t *whole;
            size_t wn;
            CHECK(wl_image_encode_jpeg(&gray, o.quality, &whole, &wn, &err) == SIM_OK, "encode");
            CHECK(wn == r.out_bytes && memcmp(whole, enc, wn) == 0,
                  "%s: BT.709 stream differs from the whole-image path", file);
            CHECK(r.kernel_wall_ms > 0, "%s: the kernel ran", file);
            free(whole);
        } else {
            /* Undo our own encode with the same quality as a reference:
             * compare the Y plane the stream encoded, decoded again. */
            wl_jpeg_reader *rd;
            CHECK(wl_jpeg_reader_open((uint8_t *)buf, n, file, 0, 0, true, &rd, &err) == SIM_OK,
                  "luma reader");
            int ch;
            wl_jpeg_reader_geometry(rd, NULL, NULL, &ch, NULL);
            CHECK(ch == 1, "%s: luma decode gives 1 channel", file);
            CHECK(wl_image_alloc(&back, gray.width, gray.height, 1, &err) == SIM_OK, "alloc");
            int rows;
            CHECK(wl_jpeg_reader_rows(rd, &back, &rows, &err) == SIM_OK && rows == gray.height,
                  "luma rows %d", rows);
            wl_jpeg_reader_destroy(rd);
            long np = (long)gray.width * gray.height, unclipped = 0, off = 0;
            for (long i = 0; i < np; i++) {
                const uint8_t *px = src.data + 3 * i;
                bool clip = false;
                for (int k = 0; k < 3; k++) clip |= px[k] == 0 || px[k] == 255;
                if (clip) continue;
                unclipped++;
                off += back.data[i] != gray.data[i];
            }
            CHECK(unclipped > np / 2 && off == 0,
                  "%s: Y plane differs from BT.601 of the RGB at %ld of %ld unclipped pixels",
                  file, off, unclipped);
            CHECK(r.kernel_wall_ms == 0, "%s: no kernel pass for BT.601", file);
            wl_image_free(&back);
        }
        free(enc);
        wl_image_free(&src);
        wl_image_free(&gray);
    }
    free(buf);
}

/* The row-by-row reader and writer: any strip height gives the bytes of
 * the whole-image decode and encode; a truncated file fails in the strip
 * that reaches the end, naming the file. */
static void test_jpeg_rows(void)
{
    sim_error err;
    char *buf;
    size_t n;
    if (sim_read_file("data/images/rocket.jpg", &buf, &n, &err) != SIM_OK) {
        CHECK(0, "read rocket.jpg");
        return;
    }
    wl_image whole;
    CHECK(wl_image_decode((uint8_t *)buf, n, "rocket", &whole, &err) == SIM_OK, "decode");
    uint8_t *ref;
    size_t refn;
    CHECK(wl_image_encode_jpeg(&whole, 80, &ref, &refn, &err) == SIM_OK, "encode");
    static const int heights[] = { 1, 7, 16, 33, 1000 };
    for (size_t k = 0; k < sizeof heights / sizeof heights[0]; k++) {
        wl_jpeg_reader *r;
        wl_jpeg_writer *w;
        CHECK(wl_jpeg_reader_open((uint8_t *)buf, n, "rocket", 0, 0, false, &r, &err) == SIM_OK,
              "open");
        CHECK(wl_jpeg_writer_open(whole.width, whole.height, 3, 80, &w, &err) == SIM_OK, "wopen");
        wl_image strip;
        CHECK(wl_image_alloc(&strip, whole.width, heights[k], 3, &err) == SIM_OK, "strip");
        int rows, y = 0, same = 1;
        while (wl_jpeg_reader_rows(r, &strip, &rows, &err) == SIM_OK && rows > 0) {
            same &= memcmp(strip.data, wl_image_row(&whole, y), (size_t)strip.stride * rows) == 0;
            wl_image v = strip;
            v.height = rows;
            CHECK(wl_jpeg_writer_rows(w, &v, &err) == SIM_OK, "write rows");
            y += rows;
        }
        uint8_t *out;
        size_t on;
        CHECK(wl_jpeg_writer_finish(w, &out, &on, &err) == SIM_OK, "finish");
        CHECK(same && y == whole.height, "strips of %d rows: decode differs (%d rows)",
              heights[k], y);
        CHECK(on == refn && memcmp(out, ref, on) == 0, "strips of %d rows: encode differs",
              heights[k]);
        free(out);
        wl_image_free(&strip);
        wl_jpeg_writer_destroy(w);
        wl_jpeg_reader_destroy(r);
    }
    /* Truncated: the first half of the file. */
    wl_kernel_opts o;
    wl_kernel_opts_default(&o, WL_KERNEL_GRAYSCALE);
    o.check.min_side = 1;
    wl_kernel_result res;
    uint8_t *enc = NULL;
    sim_error_clear(&err);
    CHECK(wl_kernel_run(&o, (uint8_t *)buf, n / 2, "half.jpg", &res, &enc, &err) == SIM_EFORMAT &&
              enc == NULL && strcmp(err.input, "half.jpg") == 0 && strstr(err.msg, "truncated"),
          "truncated JPEG through the stream: %s", err.msg);
    free(ref);
    wl_image_free(&whole);
    free(buf);
}

int main(void)
{
    test_fit();
    test_constant();
    test_psnr();
    test_shrink_on_load();
    test_run_rows();
    test_shrink_quality();
    test_gray();
    test_gray_stream_file("data/images/rocket.jpg");
    test_gray_stream_file("data/images/hubble_deep_field.jpg");
    test_jpeg_rows();
    test_bad_input();
    return check_report("kernels");
}
