/* wl_image.c - JPEG (libjpeg-turbo) and PNG (libpng) decode and encode.
 *
 * Both libraries report fatal errors through callbacks that must not return;
 * we longjmp back to the decode call, turn the library's message into a
 * sim_error and free everything.  Nothing here prints or exits.
 */
#include "workloads/image/wl_image.h"
#include "sim/sim_io.h"
#include "workloads/image/wl_jpeg_dc.h"
#include "workloads/image/wl_png_fast.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

sim_status wl_image_alloc(wl_image *img, int width, int height, int channels,
                          sim_error *err)
{
    memset(img, 0, sizeof *img);
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3 && channels != 4))
        SIM_FAIL(err, SIM_ERANGE, NULL, 0, NULL, "bad image geometry %dx%dx%d",
                 width, height, channels);
    if ((long long)width * height > WL_IMAGE_MAX_PIXELS)
        SIM_FAIL(err, SIM_ERANGE, NULL, 0, NULL,
                 "image of %dx%d pixels is over the %lld-pixel limit", width, height,
                 WL_IMAGE_MAX_PIXELS);
    img->width = width;
    img->height = height;
    img->channels = channels;
    img->stride = width * channels;
    img->data = sim_xmalloc((size_t)img->stride * (size_t)height);
    return SIM_OK;
}

void wl_image_free(wl_image *img)
{
    if (!img) return;
    free(img->data);
    img->data = NULL;
}

wl_format wl_image_sniff(const uint8_t *buf, size_t n)
{
    if (n >= 3 && buf[0] == 0xFF && buf[1] == 0xD8 && buf[2] == 0xFF)
        return WL_FMT_JPEG;
    if (n >= 8 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0)
        return WL_FMT_PNG;
    return WL_FMT_UNKNOWN;
}

/* ---- JPEG --------------------------------------------------------------- */

typedef struct jpeg_err {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
    char msg[JMSG_LENGTH_MAX];
    int warnings;
} jpeg_err;

static void jpeg_on_error(j_common_ptr cinfo)
{
    jpeg_err *e = (jpeg_err *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->msg);
    longjmp(e->jb, 1);
}

/* libjpeg treats a truncated stream as a warning ("Premature end of JPEG
 * file") and pads with grey.  A photo pipeline must reject it, so the
 * first corrupt-data warning becomes an error. */
static void jpeg_on_message(j_common_ptr cinfo, int level)
{
    jpeg_err *e = (jpeg_err *)cinfo->err;
    if (level < 0) {
        (*cinfo->err->format_message)(cinfo, e->msg);
        longjmp(e->jb, 1);
    }
}

/* Route a decompressor's errors and warnings to e (longjmp to e->jb). */
static void jpeg_errors_to(struct jpeg_decompress_struct *c, jpeg_err *e)
{
    c->err = jpeg_std_error(&e->pub);
    e->pub.error_exit = jpeg_on_error;
    e->pub.emit_message = jpeg_on_message;
}

void wl_image_fit(int in_w, int in_h, int box_w, int box_h, int *out_w, int *out_h)
{
    SIM_ASSERT(in_w > 0 && in_h > 0 && box_w > 0 && box_h > 0);
    /* The binding axis gets exactly the box size; the other is rounded and
     * kept >= 1 so a 1xN strip still has a pixel across. */
    double sx = (double)box_w / in_w, sy = (double)box_h / in_h;
    double s = sx < sy ? sx : sy;
    long w = sx <= sy ? box_w : lround(in_w * s);
    long h = sx <= sy ? lround(in_h * s) : box_h;
    *out_w = (int)(w < 1 ? 1 : w > box_w ? box_w : w);
    *out_h = (int)(h < 1 ? 1 : h > box_h ? box_h : h);
}

/* ---- JPEG, row by row ------------------------------------------------------ */

struct wl_jpeg_reader {
    struct jpeg_decompress_struct cinfo;
    jpeg_err jerr;
    const char *label;
    int width, height, channels, shrink;
};

/* The largest DCT scale 1/8, 1/4, 1/2 whose output still covers the image
 * fitted in box_w x box_h (libvips's jpegload "shrink", as vips_thumbnail
 * picks it); 1 without a box. */
static int shrink_for_box(struct jpeg_decompress_struct *c, int box_w, int box_h)
{
    if (box_w <= 0 || box_h <= 0) return 1;
    int tw, th;
    wl_image_fit((int)c->image_width, (int)c->image_height, box_w, box_h, &tw, &th);
    for (int d = 8; d > 1; d /= 2) {
        c->scale_num = 1;
        c->scale_denom = (unsigned)d;
        jpeg_calc_output_dimensions(c);
        if ((int)c->output_width >= tw && (int)c->output_height >= th) return d;
    }
    return 1;
}

/* Decode with libjpeg's DCT-domain scaling (scale_denom 1, 2, 4 or 8).
 * Scaled IDCTs skip most of the dequantise/IDCT/upsample work, which
 * dominates thumbnailing a photo.  `luma` asks a YCbCr (or gray) JPEG for
 * its Y plane only: libjpeg then decodes no chroma at all. */
sim_status wl_jpeg_reader_open(const uint8_t *buf, size_t n, const char *label, int box_w,
                               int box_h, bool luma, wl_jpeg_reader **out, sim_error *err)
{
    *out = NULL;
    wl_jpeg_reader *r = sim_xcalloc(1, sizeof *r);
    r->label = label;
    jpeg_errors_to(&r->cinfo, &r->jerr);
    if (setjmp(r->jerr.jb)) {
        jpeg_destroy_decompress(&r->cinfo);
        sim_status st = SIM_ERR(err, SIM_EFORMAT, label, 0, NULL, "corrupt or truncated JPEG: %s",
                                r->jerr.msg);
        free(r);
        return st;
    }
    jpeg_create_decompress(&r->cinfo);
    jpeg_mem_src(&r->cinfo, buf, (unsigned long)n);
    jpeg_read_header(&r->cinfo, TRUE);
    struct jpeg_decompress_struct *c = &r->cinfo;
    bool gray = c->num_components == 1 ||
                (luma && c->jpeg_color_space == JCS_YCbCr && c->num_components == 3);
    c->out_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
    if ((long long)c->image_width * c->image_height > WL_IMAGE_MAX_PIXELS) {
        sim_status st = SIM_ERR(err, SIM_ERANGE, label, 0, NULL,
                                "JPEG of %ux%u pixels is over the %lld-pixel limit",
                                c->image_width, c->image_height, WL_IMAGE_MAX_PIXELS);
        wl_jpeg_reader_destroy(r);
        return st;
    }
    int denom = shrink_for_box(c, box_w, box_h);
    c->scale_num = 1;
    c->scale_denom = (unsigned)denom;
    /* When shrinking, the chroma planes are resampled again anyway, so
     * libjpeg's smooth ("fancy") chroma upsampling buys nothing visible;
     * plain replication is cheaper.  At full scale keep it for quality. */
    if (denom > 1) c->do_fancy_upsampling = FALSE;
    jpeg_start_decompress(c);
    r->width = (int)c->output_width;
    r->height = (int)c->output_height;
    r->channels = gray ? 1 : 3;
    r->shrink = denom;
    *out = r;
    return SIM_OK;
}

void wl_jpeg_reader_geometry(const wl_jpeg_reader *r, int *width, int *height, int *channels,
                             int *shrink)
{
    if (width) *width = r->width;
    if (height) *height = r->height;
    if (channels) *channels = r->channels;
    if (shrink) *shrink = r->shrink;
}

sim_status wl_jpeg_reader_rows(wl_jpeg_reader *r, wl_image *strip, int *rows, sim_error *err)
{
    SIM_ASSERT(strip->width == r->width && strip->channels == r->channels && strip->height >= 1);
    struct jpeg_decompress_struct *c = &r->cinfo;
    *rows = 0;
    if (setjmp(r->jerr.jb))
        SIM_FAIL(err, SIM_EFORMAT, r->label, 0, NULL, "corrupt or truncated JPEG: %s",
                 r->jerr.msg);
    int got = 0;
    while (got < strip->height && c->output_scanline < c->output_height) {
        JSAMPROW rowp[16];
        int k = 0;
        for (; k < 16 && got + k < strip->height &&
               c->output_scanline + (unsigned)k < c->output_height; k++)
            rowp[k] = wl_image_row(strip, got + k);
        got += (int)jpeg_read_scanlines(c, rowp, (JDIMENSION)k);
    }
    /* The last rows read: check the rest of the stream (a truncation
     * after the last scanline still warns, hence fails, here). */
    if (c->output_scanline == c->output_height && got > 0) jpeg_finish_decompress(c);
    *rows = got;
    return SIM_OK;
}

void wl_jpeg_reader_destroy(wl_jpeg_reader *r)
{
    if (!r) return;
    jpeg_destroy_decompress(&r->cinfo);
    free(r);
}

/* Shrink-on-load at 1/8 through the DC-only path (wl_jpeg_dc.h), when the
 * box asks for 1/8 and the file is one the path handles.  False: decode
 * with libjpeg, which also reports any error (this never does). */
static bool decode_jpeg_dc(const uint8_t *buf, size_t n, int box_w, int box_h, wl_image *out)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_err jerr;
    jpeg_errors_to(&cinfo, &jerr);
    if (setjmp(jerr.jb)) {
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, buf, (unsigned long)n);
    jpeg_read_header(&cinfo, TRUE);
    bool ok = (long long)cinfo.image_width * cinfo.image_height <= WL_IMAGE_MAX_PIXELS &&
              shrink_for_box(&cinfo, box_w, box_h) == 8 &&
              wl_jpeg_dc_decode(&cinfo, false, out);
    jpeg_destroy_decompress(&cinfo);
    return ok;
}

static sim_status decode_jpeg(const uint8_t *buf, size_t n, const char *label,
                              int box_w, int box_h, wl_image *out, int *shrink,
                              sim_error *err)
{
    memset(out, 0, sizeof *out);
    if (box_w > 0 && box_h > 0 && decode_jpeg_dc(buf, n, box_w, box_h, out)) {
        if (shrink) *shrink = 8;
        return SIM_OK;
    }
    wl_jpeg_reader *r;
    SIM_TRY(wl_jpeg_reader_open(buf, n, label, box_w, box_h, false, &r, err));
    if (shrink) *shrink = r->shrink;
    out->data = sim_xmalloc((size_t)r->width * (size_t)r->channels * (size_t)r->height);
    out->width = r->width;
    out->height = r->height;
    out->channels = r->channels;
    out->stride = r->width * r->channels;
    int rows;
    sim_status st = wl_jpeg_reader_rows(r, out, &rows, err);
    wl_jpeg_reader_destroy(r);
    if (st != SIM_OK) wl_image_free(out);
    return st;
}

/* ---- PNG ---------------------------------------------------------------- */

typedef struct png_src {
    const uint8_t *buf;
    size_t n, off;
} png_src;

typedef struct png_errctx {
    jmp_buf jb;
    char msg[256];
} png_errctx;

static void png_on_error(png_structp png, png_const_charp msg)
{
    png_errctx *e = png_get_error_ptr(png);
    snprintf(e->msg, sizeof e->msg, "%s", msg);
    longjmp(e->jb, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void png_read_mem(png_structp png, png_bytep dst, png_size_t len)
{
    png_src *s = png_get_io_ptr(png);
    if (len > s->n - s->off)
        png_error(png, "unexpected end of file (truncated PNG)");
    memcpy(dst, s->buf + s->off, len);
    s->off += len;
}

static sim_status decode_png(const uint8_t *buf, size_t n, const char *label,
                             wl_image *out, int *shrink, sim_error *err)
{
    /* The common layouts through the fast path (wl_png_fast.h); libpng for
     * the rest, and for the verdict on anything the fast path declines. */
    if (shrink) *shrink = 1;
    if (wl_png_fast_decode(buf, n, out)) return SIM_OK;
    png_errctx ectx;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ectx,
                                             png_on_error, png_on_warning);
    if (!png)
        SIM_FAIL(err, SIM_ENOMEM, label, 0, NULL, "cannot create PNG reader");
    png_infop info = png_create_info_struct(png);
    uint8_t *volatile data = NULL;
    png_bytep *volatile rows = NULL;
    png_src src = { buf, n, 0 };
    memset(out, 0, sizeof *out);
    if (shrink) *shrink = 1;
    if (setjmp(ectx.jb)) {
        png_destroy_read_struct(&png, &info, NULL);
        free(data);
        free(rows);
        SIM_FAIL(err, SIM_EFORMAT, label, 0, NULL, "corrupt or truncated PNG: %s", ectx.msg);
    }
    png_set_read_fn(png, &src, png_read_mem);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if ((long long)w * h > WL_IMAGE_MAX_PIXELS) {
        snprintf(ectx.msg, sizeof ectx.msg, "%ux%u pixels is over the %lld-pixel limit",
                 (unsigned)w, (unsigned)h, WL_IMAGE_MAX_PIXELS);
        longjmp(ectx.jb, 1);
    }
    int ctype = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    /* Normalise to 8-bit gray or RGB. */
    if (depth == 16) png_set_strip_16(png);
    if (ctype == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (ctype == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int ch = png_get_channels(png, info);
    if (ch != 1 && ch != 3) {
        snprintf(ectx.msg, sizeof ectx.msg, "unsupported channel count %d", ch);
        longjmp(ectx.jb, 1);
    }
    size_t stride = (size_t)w * (size_t)ch;
    data = sim_xmalloc(stride * h);
    rows = sim_xmalloc(h * sizeof(png_bytep));
    for (png_uint_32 y = 0; y < h; y++)
        rows[y] = data + y * stride;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    out->data = data;
    out->width = (int)w;
    out->height = (int)h;
    out->channels = ch;
    out->stride = (int)stride;
    return SIM_OK;
}

sim_status wl_image_decode(const uint8_t *buf, size_t n, const char *label,
                           wl_image *out, sim_error *err)
{
    return wl_image_decode_scaled(buf, n, label, 0, 0, out, NULL, err);
}

sim_status wl_image_decode_scaled(const uint8_t *buf, size_t n, const char *label,
                                  int box_w, int box_h, wl_image *out, int *shrink,
                                  sim_error *err)
{
    memset(out, 0, sizeof *out);
    switch (wl_image_sniff(buf, n)) {
    case WL_FMT_JPEG: return decode_jpeg(buf, n, label, box_w, box_h, out, shrink, err);
    case WL_FMT_PNG: return decode_png(buf, n, label, out, shrink, err);
    case WL_FMT_UNKNOWN: break;
    }
    SIM_FAIL(err, SIM_EFORMAT, label, 0, NULL,
             n ? "not a JPEG or PNG file" : "empty file");
}

/* Header-only read: libjpeg's jpeg_read_header and libpng's png_read_info
 * validate the markers/IHDR (and the PNG CRCs) without decoding pixels. */
static sim_status probe_jpeg(const uint8_t *buf, size_t n, const char *label,
                             wl_image_info *info, sim_error *err)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_err jerr;
    jpeg_errors_to(&cinfo, &jerr);
    if (setjmp(jerr.jb)) {
        jpeg_destroy_decompress(&cinfo);
        SIM_FAIL(err, SIM_EFORMAT, label, 0, NULL, "corrupt or truncated JPEG: %s", jerr.msg);
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, buf, (unsigned long)n);
    jpeg_read_header(&cinfo, TRUE);
    info->format = WL_FMT_JPEG;
    info->width = (int)cinfo.image_width;
    info->height = (int)cinfo.image_height;
    info->channels = cinfo.num_components == 1 ? 1 : 3;
    jpeg_destroy_decompress(&cinfo);
    return SIM_OK;
}

static sim_status probe_png(const uint8_t *buf, size_t n, const char *label,
                            wl_image_info *info, sim_error *err)
{
    png_errctx ectx;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ectx,
                                             png_on_error, png_on_warning);
    if (!png)
        SIM_FAIL(err, SIM_ENOMEM, label, 0, NULL, "cannot create PNG reader");
    png_infop pinfo = png_create_info_struct(png);
    png_src src = { buf, n, 0 };
    if (setjmp(ectx.jb)) {
        png_destroy_read_struct(&png, &pinfo, NULL);
        SIM_FAIL(err, SIM_EFORMAT, label, 0, NULL, "corrupt or truncated PNG: %s", ectx.msg);
    }
    png_set_read_fn(png, &src, png_read_mem);
    png_read_info(png, pinfo);
    int ctype = png_get_color_type(png, pinfo);
    info->format = WL_FMT_PNG;
    info->width = (int)png_get_image_width(png, pinfo);
    info->height = (int)png_get_image_height(png, pinfo);
    info->channels = (ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_GRAY_ALPHA) ? 1 : 3;
    png_destroy_read_struct(&png, &pinfo, NULL);
    return SIM_OK;
}

sim_status wl_image_probe(const uint8_t *buf, size_t n, const char *label,
                          wl_image_info *info, sim_error *err)
{
    memset(info, 0, sizeof *info);
    info->bytes = n;
    switch (wl_image_sniff(buf, n)) {
    case WL_FMT_JPEG: return probe_jpeg(buf, n, label, info, err);
    case WL_FMT_PNG: return probe_png(buf, n, label, info, err);
    case WL_FMT_UNKNOWN: break;
    }
    SIM_FAIL(err, SIM_EFORMAT, label, 0, NULL,
             n ? "not a JPEG or PNG file" : "empty file");
}

const char *wl_format_name(wl_format f)
{
    return f == WL_FMT_JPEG ? "jpeg" : f == WL_FMT_PNG ? "png" : "unknown";
}

sim_status wl_image_load(const char *path, wl_image *out, sim_error *err)
{
    char *buf = NULL;
    size_t n = 0;
    memset(out, 0, sizeof *out);
    SIM_TRY(sim_read_file(path, &buf, &n, err));
    sim_status s = wl_image_decode((const uint8_t *)buf, n, path, out, err);
    free(buf);
    return s;
}

/* ---- encode --------------------------------------------------------------- */

struct wl_jpeg_writer {
    struct jpeg_compress_struct cinfo;
    jpeg_err jerr;
    struct jpeg_destination_mgr dest;   /* first: the callbacks find the writer */
    uint8_t *mem;            /* our output buffer, grown by doubling */
    size_t cap, size;
    int width, channels;
};

/* A destination of our own (not jpeg_mem_dest), so the buffer is ours on
 * every path: freed by _destroy after an error, handed over by _finish. */
static wl_jpeg_writer *dest_writer(j_compress_ptr c)
{
    return (wl_jpeg_writer *)((char *)c->dest - offsetof(wl_jpeg_writer, dest));
}

static void dest_init(j_compress_ptr c)
{
    wl_jpeg_writer *w = dest_writer(c);
    w->dest.next_output_byte = w->mem;
    w->dest.free_in_buffer = w->cap;
}

static boolean dest_grow(j_compress_ptr c)
{
    wl_jpeg_writer *w = dest_writer(c);
    size_t used = w->cap;   /* libjpeg calls this with the buffer full */
    w->cap *= 2;
    w->mem = sim_xrealloc(w->mem, w->cap);
    w->dest.next_output_byte = w->mem + used;
    w->dest.free_in_buffer = w->cap - used;
    return TRUE;
}

static void dest_term(j_compress_ptr c)
{
    wl_jpeg_writer *w = dest_writer(c);
    w->size = w->cap - w->dest.free_in_buffer;
}

/* Baseline JPEG, libjpeg's defaults (4:2:0 chroma for RGB, Huffman tables
 * from the standard, islow DCT) at `quality`: what libvips's jpegsave
 * writes at its default Q 75. */
sim_status wl_jpeg_writer_open(int width, int height, int channels, int quality,
                               wl_jpeg_writer **out, sim_error *err)
{
    *out = NULL;
    if (channels != 1 && channels != 3)
        SIM_FAIL(err, SIM_EUNSUPPORTED, NULL, 0, NULL, "JPEG needs 1 or 3 channels");
    wl_jpeg_writer *w = sim_xcalloc(1, sizeof *w);
    w->width = width;
    w->channels = channels;
    w->cinfo.err = jpeg_std_error(&w->jerr.pub);
    w->jerr.pub.error_exit = jpeg_on_error;
    if (setjmp(w->jerr.jb)) {
        sim_status st = SIM_ERR(err, SIM_EIO, NULL, 0, NULL, "JPEG encode failed: %s",
                                w->jerr.msg);
        wl_jpeg_writer_destroy(w);
        return st;
    }
    jpeg_create_compress(&w->cinfo);
    /* A start of 1/8 of the raw size holds most quality-75 photos. */
    w->cap = (size_t)width * (size_t)height * (size_t)channels / 8 + 4096;
    w->mem = sim_xmalloc(w->cap);
    w->dest.init_destination = dest_init;
    w->dest.empty_output_buffer = dest_grow;
    w->dest.term_destination = dest_term;
    w->cinfo.dest = &w->dest;
    w->cinfo.image_width = (JDIMENSION)width;
    w->cinfo.image_height = (JDIMENSION)height;
    w->cinfo.input_components = channels;
    w->cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&w->cinfo);
    jpeg_set_quality(&w->cinfo, quality < 1 ? 1 : quality > 100 ? 100 : quality, TRUE);
    jpeg_start_compress(&w->cinfo, TRUE);
    *out = w;
    return SIM_OK;
}

sim_status wl_jpeg_writer_rows(wl_jpeg_writer *w, const wl_image *strip, sim_error *err)
{
    SIM_ASSERT(strip->width == w->width && strip->channels == w->channels);
    if (setjmp(w->jerr.jb))
        SIM_FAIL(err, SIM_EIO, NULL, 0, NULL, "JPEG encode failed: %s", w->jerr.msg);
    for (int y = 0; y < strip->height;) {
        JSAMPROW rowp[16];
        int k = 0;
        for (; k < 16 && y + k < strip->height; k++) rowp[k] = wl_image_row(strip, y + k);
        y += (int)jpeg_write_scanlines(&w->cinfo, rowp, (JDIMENSION)k);
    }
    return SIM_OK;
}

sim_status wl_jpeg_writer_finish(wl_jpeg_writer *w, uint8_t **out, size_t *n, sim_error *err)
{
    *out = NULL;
    *n = 0;
    if (setjmp(w->jerr.jb))
        SIM_FAIL(err, SIM_EIO, NULL, 0, NULL, "JPEG encode failed: %s", w->jerr.msg);
    jpeg_finish_compress(&w->cinfo);
    *out = w->mem;
    *n = w->size;
    w->mem = NULL;   /* the caller's now */
    return SIM_OK;
}

void wl_jpeg_writer_destroy(wl_jpeg_writer *w)
{
    if (!w) return;
    jpeg_destroy_compress(&w->cinfo);
    free(w->mem);
    free(w);
}

sim_status wl_image_encode_jpeg(const wl_image *img, int quality, uint8_t **out,
                                size_t *n, sim_error *err)
{
    wl_jpeg_writer *w;
    SIM_TRY(wl_jpeg_writer_open(img->width, img->height, img->channels, quality, &w, err));
    sim_status st = wl_jpeg_writer_rows(w, img, err);
    if (st == SIM_OK) st = wl_jpeg_writer_finish(w, out, n, err);
    wl_jpeg_writer_destroy(w);
    return st;
}

typedef struct png_dst {
    uint8_t *buf;
    size_t n, cap;
} png_dst;

static void png_write_mem(png_structp png, png_bytep src, png_size_t len)
{
    png_dst *d = png_get_io_ptr(png);
    if (d->n + len > d->cap) {
        while (d->n + len > d->cap)
            d->cap = d->cap ? 2 * d->cap : 65536;
        d->buf = sim_xrealloc(d->buf, d->cap);
    }
    memcpy(d->buf + d->n, src, len);
    d->n += len;
}

static void png_flush_mem(png_structp png) { (void)png; }

sim_status wl_image_encode_png(const wl_image *img, uint8_t **out, size_t *n,
                               sim_error *err)
{
    png_errctx ectx;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ectx,
                                              png_on_error, png_on_warning);
    if (!png)
        SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "cannot create PNG writer");
    png_infop info = png_create_info_struct(png);
    png_dst dst = { NULL, 0, 0 };
    if (setjmp(ectx.jb)) {
        png_destroy_write_struct(&png, &info);
        free(dst.buf);
        SIM_FAIL(err, SIM_EIO, NULL, 0, NULL, "PNG encode failed: %s", ectx.msg);
    }
    int ctype = img->channels == 1 ? PNG_COLOR_TYPE_GRAY
              : img->channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA;
    png_set_write_fn(png, &dst, png_write_mem, png_flush_mem);
    png_set_IHDR(png, info, (png_uint_32)img->width, (png_uint_32)img->height, 8, ctype,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < img->height; y++)
        png_write_row(png, wl_image_row(img, y));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = dst.buf;
    *n = dst.n;
    return SIM_OK;
}

sim_status wl_image_save(const wl_image *img, const char *path, int quality,
                         sim_error *err)
{
    const char *dot = strrchr(path, '.');
    uint8_t *buf = NULL;
    size_t n = 0;
    sim_status s;
    if (dot && (strcmp(dot, ".png") == 0 || strcmp(dot, ".PNG") == 0))
        s = wl_image_encode_png(img, &buf, &n, err);
    else if (dot && (strcmp(dot, ".jpg") == 0 || strcmp(dot, ".jpeg") == 0 ||
                     strcmp(dot, ".JPG") == 0 || strcmp(dot, ".JPEG") == 0))
        s = wl_image_encode_jpeg(img, quality, &buf, &n, err);
    else
        SIM_FAIL(err, SIM_EUSAGE, path, 0, NULL,
                 "cannot tell the output format: use a .png, .jpg or .jpeg name");
    if (s != SIM_OK) {
        if (err) snprintf(err->input, sizeof err->input, "%s", path);
        return s;
    }
    s = sim_write_file_atomic(path, buf, n, err);
    free(buf);
    return s;
}
