/* test_image_fast.c - the fast decode paths against libjpeg, the reference.
 *
 * wl_jpeg_dc (DC-only JPEG at scale 1/8): on every JPEG of data/images and
 * the fuzz seeds, and on JPEGs encoded here with libjpeg in every layout
 * the path claims (gray, 4:4:4, 4:2:2, 4:2:0, 4:4:0, odd sizes, restart
 * intervals), its luma must equal libjpeg's scale-1/8 luma byte for byte
 * and its RGB be within 30 dB PSNR of libjpeg's RGB (chroma is the block
 * DC replicated, where libjpeg-turbo runs a 2x2 IDCT).  Truncated and
 * corrupted files: the path must decline or agree with libjpeg, and
 * wl_image_decode_scaled must give libjpeg's verdict.
 *
 * wl_png_fast (8-bit non-interlaced PNGs): on every PNG of data/images and
 * the fuzz seeds, and on PNGs written here with libpng (gray, gray+alpha,
 * RGB, RGBA; each of the five filters forced in turn; odd widths; the image
 * data split over many IDAT chunks), its pixels must equal libpng's.
 * Truncations must fail; bit flips must get libpng's verdict and, when
 * decoded, libpng's pixels.
 */
#include "check.h"

#include "sim/sim_io.h"
#include "workloads/image/wl_image.h"
#include "workloads/image/wl_jpeg_dc.h"
#include "workloads/image/wl_resize.h"

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>
#include <zlib.h>

#include "workloads/image/wl_png_fast.h"

#include "image_ref.h"

typedef struct layout {
    int w, h, comps;
    int h0, v0;        /* luma sampling factors (chroma 1x1) */
    int restart;       /* MCUs per restart interval, 0: none */
    int quality;
} layout;

/* Deterministic photo-like content: gradients, edges and noise, so blocks
 * have many AC coefficients and every Huffman code length occurs. */
static uint8_t *make_pixels(int w, int h, int comps, unsigned seed)
{
    uint8_t *p = malloc((size_t)w * (size_t)h * (size_t)comps);
    uint32_t s = seed * 2654435761u + 1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < comps; c++) {
                s = s * 1664525u + 1013904223u;
                int v = (x * (c + 1) * 3 + y * (3 - c) * 2) % 256;
                if (((x / 13) ^ (y / 7)) & 1) v = 255 - v;
                v += (int)(s >> 28) - 8;
                p[((size_t)y * (size_t)w + (size_t)x) * (size_t)comps + (size_t)c] =
                    (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
    return p;
}

static uint8_t *encode(const layout *l, unsigned seed, size_t *n)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    unsigned char *mem = NULL;
    unsigned long size = 0;
    c.err = jpeg_std_error(&e);   /* our own parameters: an error is a test bug */
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &mem, &size);
    c.image_width = (JDIMENSION)l->w;
    c.image_height = (JDIMENSION)l->h;
    c.input_components = l->comps;
    c.in_color_space = l->comps == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, l->quality, TRUE);
    c.comp_info[0].h_samp_factor = l->h0;
    c.comp_info[0].v_samp_factor = l->v0;
    c.restart_interval = (unsigned)l->restart;
    jpeg_start_compress(&c, TRUE);
    uint8_t *px = make_pixels(l->w, l->h, l->comps, seed);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = px + (size_t)c.next_scanline * (size_t)l->w * (size_t)l->comps;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(px);
    *n = size;
    return mem;
}

static double psnr(const wl_image *a, const wl_image *b)
{
    double se = 0;
    size_t n = (size_t)a->width * (size_t)a->height * (size_t)a->channels;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a->data[i] - b->data[i];
        se += d * d;
    }
    return se == 0 ? 99.0 : 10 * log10(255.0 * 255.0 * (double)n / se);
}

/* ---- the checks --------------------------------------------------------- */

/* a and b resized (Lanczos3) to 1/4 of their size, compared: what a
 * thumbnail made from a 1/8-scale decode keeps of the difference. */
static double psnr_quarter(const wl_image *a, const wl_image *b)
{
    wl_resize_params p;
    wl_resize_params_default(&p);
    p.in_w = a->width;
    p.in_h = a->height;
    p.out_w = (a->width + 3) / 4;
    p.out_h = (a->height + 3) / 4;
    p.channels = a->channels;
    wl_resize_plan *plan;
    wl_image qa, qb;
    sim_error err;
    if (wl_resize_plan_create(&p, &plan, &err) != SIM_OK) return 0;
    wl_image_alloc(&qa, p.out_w, p.out_h, p.channels, &err);
    wl_image_alloc(&qb, p.out_w, p.out_h, p.channels, &err);
    wl_resize_run(plan, a, &qa);
    wl_resize_run(plan, b, &qb);
    double r = psnr(&qa, &qb);
    wl_resize_plan_destroy(plan);
    wl_image_free(&qa);
    wl_image_free(&qb);
    return r;
}

/* How check_jpeg compares RGB with libjpeg's: at scale 1/8 (photos); at a
 * thumbnail's scale (synthetic sharp-edged chroma, where libjpeg-turbo's
 * 2x2 chroma IDCT and the replicated DC differ most); not at all (the fuzz
 * seeds, a few pixels at 1/8 and some made to be odd). */
typedef enum { RGB_AT_EIGHTH, RGB_AT_THUMBNAIL, RGB_GEOMETRY_ONLY } rgb_check;

/* A JPEG the path claims: luma exact, RGB close as `rgb` says.  Returns
 * whether it was claimed (a file it does not claim is only checked to
 * decline). */
static bool check_jpeg(const uint8_t *buf, size_t n, const char *what, rgb_check rgb_mode)
{
    wl_image ref_y, ref_rgb, y, rgb;
    bool sup;
    bool ok = dc_decode(buf, n, true, &y, &sup);
    if (!sup) {
        CHECK(!ok && y.data == NULL, "%s: not claimed but decoded", what);
        return false;
    }
    CHECK(ok, "%s: the DC path declined a clean file", what);
    bool ref = ref_decode(buf, n, true, &ref_y);
    CHECK(ref, "%s: libjpeg failed", what);
    if (ok && ref)
        CHECK(same_image(&y, &ref_y), "%s: luma %dx%d differs from libjpeg's %dx%d", what,
              y.width, y.height, ref_y.width, ref_y.height);
    bool ok3 = dc_decode(buf, n, false, &rgb, &sup);
    bool ref3 = ref_decode(buf, n, false, &ref_rgb);
    bool same_geom = ok3 && ref3 && rgb.channels == ref_rgb.channels &&
                     rgb.width == ref_rgb.width && rgb.height == ref_rgb.height;
    CHECK(same_geom, "%s: RGB decode (dc %d, libjpeg %d) or geometry", what, ok3, ref3);
    if (same_geom && rgb_mode != RGB_GEOMETRY_ONLY) {
        double p = rgb_mode == RGB_AT_EIGHTH ? psnr(&rgb, &ref_rgb) : psnr_quarter(&rgb, &ref_rgb);
        if (getenv("FAST_VERBOSE")) printf("%s: RGB PSNR %.1f dB\n", what, p);
        CHECK(p >= 30.0, "%s: RGB PSNR %.1f dB vs libjpeg", what, p);
    }
    wl_image_free(&y);
    wl_image_free(&ref_y);
    wl_image_free(&rgb);
    wl_image_free(&ref_rgb);
    return true;
}

/* Call fn on every file of dir named *ext (but truncated.jpg, the bad
 * input of test_kernels.c); returns how many fn claimed and, in *seen, how
 * many it saw. */
static int each_file(const char *dir, const char *ext, bool (*fn)(const uint8_t *, size_t,
                                                                   const char *, void *),
                     void *ctx, int *seen)
{
    DIR *d = opendir(dir);
    CHECK(d != NULL, "open %s", dir);
    *seen = 0;
    if (!d) return 0;
    struct dirent *e;
    int claimed = 0;
    while ((e = readdir(d))) {
        const char *dot = strrchr(e->d_name, '.');
        if (!dot || strcmp(dot, ext) != 0 || strcmp(e->d_name, "truncated.jpg") == 0) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *buf;
        size_t n;
        sim_error err;
        if (sim_read_file(path, &buf, &n, &err) != SIM_OK) continue;
        (*seen)++;
        claimed += fn((uint8_t *)buf, n, path, ctx);
        free(buf);
    }
    closedir(d);
    return claimed;
}

static bool jpeg_file(const uint8_t *buf, size_t n, const char *path, void *ctx)
{
    return check_jpeg(buf, n, path, *(const rgb_check *)ctx);
}

static void test_files(const char *dir, rgb_check rgb_mode)
{
    int seen, claimed = each_file(dir, ".jpg", jpeg_file, &rgb_mode, &seen);
    CHECK(seen > 0 && claimed > 0, "%s: %d JPEGs, %d claimed by the DC path", dir, seen, claimed);
}

static const layout k_layouts[] = {
    { 640, 480, 3, 2, 2, 0, 75 },    /* 4:2:0, libjpeg's default */
    { 203, 117, 3, 2, 2, 0, 90 },    /* partial MCUs on both sides */
    { 203, 117, 3, 1, 1, 0, 95 },    /* 4:4:4 */
    { 333, 250, 3, 2, 1, 0, 85 },    /* 4:2:2 */
    { 250, 333, 3, 1, 2, 0, 85 },    /* 4:4:0 */
    { 301, 199, 1, 1, 1, 0, 90 },    /* gray */
    { 301, 199, 1, 2, 2, 0, 90 },    /* gray with (meaningless) 2x2 sampling */
    { 400, 300, 3, 2, 2, 1, 80 },    /* a restart marker after every MCU */
    { 400, 300, 3, 2, 2, 7, 100 },   /* ... every 7 MCUs, quality 100 */
    { 257, 129, 1, 1, 1, 5, 50 },    /* gray with restarts */
    { 9, 7, 3, 2, 2, 0, 75 },        /* smaller than one MCU */
};

static void test_layouts(void)
{
    for (size_t i = 0; i < sizeof k_layouts / sizeof k_layouts[0]; i++) {
        size_t n;
        uint8_t *buf = encode(&k_layouts[i], (unsigned)i, &n);
        char what[64];
        snprintf(what, sizeof what, "layout %zu", i);
        CHECK(check_jpeg(buf, n, what, RGB_AT_THUMBNAIL), "%s: not claimed", what);
        free(buf);
    }
}

/* The verdict of the whole decoder (fast path first) must be libjpeg's:
 * every truncation fails, and a corrupted byte either fails in both or
 * decodes to libjpeg's luma. */
static void test_damage(void)
{
    layout l = { 320, 240, 3, 2, 2, 4, 85 };   /* a 32x32 box: scale 1/8 */
    size_t n;
    uint8_t *good = encode(&l, 99, &n);
    uint8_t *buf = malloc(n);
    int cuts = 0;
    for (size_t cut = 0; cut < n; cut += 1 + cut / 40) {
        sim_error err;
        sim_error_clear(&err);
        wl_image img;
        sim_status s = wl_image_decode_scaled(good, cut, "cut.jpg", 32, 32, &img, NULL, &err);
        CHECK(s == SIM_EFORMAT && img.data == NULL, "truncated at %zu of %zu: status %d", cut, n,
              (int)s);
        if (s == SIM_OK) wl_image_free(&img);
        cuts++;
    }
    CHECK(cuts > 50, "%d truncations", cuts);
    uint32_t r = 12345;
    int agree = 0;
    for (int t = 0; t < 400; t++) {
        memcpy(buf, good, n);
        r = r * 1664525u + 1013904223u;
        size_t at = 700 + (size_t)(r >> 8) % (n - 702);   /* in the scan data */
        r = r * 1664525u + 1013904223u;
        buf[at] ^= (uint8_t)(1u << (r >> 29));
        wl_image y, ref_y;
        bool sup;
        bool ok = dc_decode(buf, n, true, &y, &sup);
        bool ref = ref_decode(buf, n, true, &ref_y);
        if (ok) {
            CHECK(ref && same_image(&y, &ref_y), "flip at %zu: the DC path decoded, libjpeg %s",
                  at, ref ? "differs" : "failed");
            agree++;
        }
        wl_image_free(&y);
        wl_image_free(&ref_y);
        sim_error err;
        wl_image img;
        sim_status s = wl_image_decode_scaled(buf, n, "flip.jpg", 32, 32, &img, NULL, &err);
        wl_image rgb;
        bool ref3 = ref_decode(buf, n, false, &rgb);
        CHECK((s == SIM_OK) == ref3, "flip at %zu: decode %d, libjpeg %d", at, (int)s, ref3);
        wl_image_free(&img);
        wl_image_free(&rgb);
    }
    CHECK(agree > 0, "no flipped file decoded by the DC path");
    /* A DC table using the reserved all-ones code (libjpeg's standard luma
     * DC table with its 9-bit code moved to 8 bits: two 8-bit codes, the
     * second 11111111): libjpeg rejects it, so must the whole decoder. */
    memcpy(buf, good, n);
    bool patched = false;
    for (size_t i = 0; i + 21 < n && !patched; i++)
        if (buf[i] == 0xFF && buf[i + 1] == 0xC4 && buf[i + 4] == 0x00 && buf[i + 12] == 1 &&
            buf[i + 13] == 1) {
            buf[i + 12] = 2;   /* counts of lengths 8 and 9 */
            buf[i + 13] = 0;
            patched = true;
        }
    CHECK(patched, "found the luma DC table");
    wl_image img;
    sim_error err;
    bool sup;
    CHECK(!dc_decode(buf, n, true, &img, &sup), "the DC path decoded a bogus Huffman table");
    sim_status s = wl_image_decode_scaled(buf, n, "bogus.jpg", 32, 32, &img, NULL, &err);
    CHECK(s == SIM_EFORMAT && strstr(err.msg, "Huffman"), "bogus Huffman table: %d %s", (int)s,
          err.msg);
    free(buf);
    free(good);
}

/* ---- PNG ---------------------------------------------------------------- */

/* Check a PNG: if the fast path decodes it, libpng must agree byte for
 * byte.  Returns whether the fast path decoded it. */
static bool check_png(const uint8_t *buf, size_t n, const char *what)
{
    wl_image fast, ref;
    bool ok = wl_png_fast_decode(buf, n, &fast);
    bool rok = ref_png(buf, n, &ref);
    if (ok) CHECK(rok && same_image(&fast, &ref), "%s: fast path %s libpng", what,
                  rok ? "differs from" : "decoded a file rejected by");
    else CHECK(fast.data == NULL, "%s: declined but left an image", what);
    wl_image_free(&fast);
    wl_image_free(&ref);
    return ok;
}

typedef struct dynbuf {
    uint8_t *p;
    size_t n;
} dynbuf;

static void png_wr(png_structp p, png_bytep src, png_size_t len)
{
    dynbuf *d = png_get_io_ptr(p);
    d->p = realloc(d->p, d->n + len);
    memcpy(d->p + d->n, src, len);
    d->n += len;
}

static void png_fl(png_structp p) { (void)p; }

/* A PNG of w x h, colour type ctype, every row with `filter` (a
 * PNG_FILTER_* mask), IDAT chunks of at most idat bytes. */
static uint8_t *encode_png(int w, int h, int ctype, int filter, int idat, unsigned seed,
                           size_t *n)
{
    int ch = ctype == 0 ? 1 : ctype == 2 ? 3 : ctype == 4 ? 2 : 4;
    uint8_t *px = make_pixels(w, h, ch, seed);
    dynbuf d = { NULL, 0 };
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(p);
    png_set_write_fn(p, &d, png_wr, png_fl);
    png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, ctype, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(p, 0, filter);
    png_set_compression_buffer_size(p, (size_t)idat);
    png_write_info(p, info);
    for (int y = 0; y < h; y++) png_write_row(p, px + (size_t)y * (size_t)w * (size_t)ch);
    png_write_end(p, NULL);
    png_destroy_write_struct(&p, &info);
    free(px);
    *n = d.n;
    return d.p;
}

static bool png_file(const uint8_t *buf, size_t n, const char *path, void *ctx)
{
    (void)ctx;
    return check_png(buf, n, path);
}

/* Every PNG of dir: the fast path agrees with libpng; at least `min_fast`
 * of them take it. */
static void test_png_files(const char *dir, int min_fast)
{
    int seen, fast = each_file(dir, ".png", png_file, NULL, &seen);
    CHECK(seen > 0 && fast >= min_fast, "%s: %d PNGs, %d by the fast path", dir, seen, fast);
}

/* Whether the first IDAT's zlib header declares a 32 KB window (CINFO 7,
 * RFC 1950). */
static bool zlib_window_32k(const uint8_t *buf, size_t n)
{
    for (size_t pos = 8; pos + 12 <= n;) {
        uint32_t len = (uint32_t)buf[pos] << 24 | (uint32_t)buf[pos + 1] << 16 |
                       (uint32_t)buf[pos + 2] << 8 | buf[pos + 3];
        if (memcmp(buf + pos + 4, "IDAT", 4) == 0) return len > 0 && buf[pos + 8] >> 4 == 7;
        pos += 12 + (size_t)len;
    }
    return false;
}

static void test_png_layouts(void)
{
    static const int ctypes[] = { 0, 2, 4, 6 };
    static const int filters[] = { PNG_FILTER_NONE, PNG_FILTER_SUB, PNG_FILTER_UP,
                                   PNG_FILTER_AVG, PNG_FILTER_PAETH, PNG_ALL_FILTERS };
    /* Large enough for libpng's writer to declare a 32 KB window even in
     * gray: a square, a column, a wide strip. */
    static const int sizes[][2] = { { 200, 100 }, { 1, 20000 }, { 9000, 2 } };
    int n_ok = 0, n_all = 0;
    for (size_t c = 0; c < 4; c++)
        for (size_t f = 0; f < 6; f++)
            for (size_t z = 0; z < 3; z++) {
                size_t n;
                int idat = z == 0 && f == 5 ? 100 : 8192;   /* many IDATs once per type */
                uint8_t *buf = encode_png(sizes[z][0], sizes[z][1], ctypes[c], filters[f], idat,
                                          (unsigned)(c * 100 + f * 10 + z), &n);
                char what[80];
                snprintf(what, sizeof what, "PNG type %d filter %zu size %dx%d", ctypes[c], f,
                         sizes[z][0], sizes[z][1]);
                /* The scope: a stream declaring a 32 KB window (libpng's
                 * writer declares less for small images). */
                bool want = zlib_window_32k(buf, n);
                bool ok = check_png(buf, n, what);
                CHECK(ok == want, "%s: fast path %d, want %d", what, ok, want);
                n_ok += ok;
                n_all++;
                free(buf);
            }
    CHECK(n_ok == n_all, "fast path took %d of %d generated PNGs", n_ok, n_all);
}

/* Recompute every chunk's CRC, so damage reaches zlib and the filters
 * instead of stopping at a CRC check. */
static void fix_crcs(uint8_t *buf, size_t n)
{
    size_t pos = 8;
    while (pos + 12 <= n) {
        uint32_t len = (uint32_t)buf[pos] << 24 | (uint32_t)buf[pos + 1] << 16 |
                       (uint32_t)buf[pos + 2] << 8 | buf[pos + 3];
        if (len > n - pos - 12) return;
        uint32_t crc = (uint32_t)crc32(0L, buf + pos + 4, len + 4);
        for (int i = 0; i < 4; i++) buf[pos + 8 + len + (size_t)i] = (uint8_t)(crc >> (24 - 8 * i));
        pos += 12 + len;
    }
}

static void test_png_damage(void)
{
    size_t n;
    uint8_t *good = encode_png(120, 80, 2, PNG_ALL_FILTERS, 1000, 7, &n);
    uint8_t *buf = malloc(n);
    for (size_t cut = 0; cut < n; cut += 1 + cut / 60) {
        sim_error err;
        wl_image img;
        sim_status s = wl_image_decode(good, cut, "cut.png", &img, &err);
        CHECK(s == SIM_EFORMAT && img.data == NULL, "PNG truncated at %zu of %zu: status %d",
              cut, n, (int)s);
        if (s == SIM_OK) wl_image_free(&img);
    }
    uint32_t r = 777;
    int agree = 0;
    for (int t = 0; t < 400; t++) {
        memcpy(buf, good, n);
        r = r * 1664525u + 1013904223u;
        size_t at = 8 + (size_t)(r >> 8) % (n - 8);
        r = r * 1664525u + 1013904223u;
        buf[at] ^= (uint8_t)(1u << (r >> 29));
        if (t % 2) fix_crcs(buf, n);
        agree += check_png(buf, n, "flipped PNG");
        sim_error err;
        wl_image img, ref;
        sim_status s = wl_image_decode(buf, n, "flip.png", &img, &err);
        bool rok = ref_png(buf, n, &ref);
        CHECK((s == SIM_OK) == rok, "PNG flip at %zu: decode %d, libpng %d", at, (int)s, rok);
        if (s == SIM_OK && rok) CHECK(same_image(&img, &ref), "PNG flip at %zu: pixels", at);
        wl_image_free(&img);
        wl_image_free(&ref);
    }
    CHECK(agree > 0, "no damaged PNG decoded by the fast path");
    free(buf);
    free(good);
}

int main(void)
{
    test_png_files("data/images", 5);
    test_png_files("tests/fuzz/image", 2);   /* the synthetic_filters seeds */
    test_png_layouts();
    test_png_damage();
    test_files("data/images", RGB_AT_EIGHTH);
    test_files("tests/fuzz/image", RGB_GEOMETRY_ONLY);
    test_layouts();
    test_damage();
    return check_report("image_fast");
}
