/* wl_image.c - JPEG (libjpeg-turbo) and PNG (libpng) decode and encode.
 *
 * Both libraries report fatal errors through callbacks that must not return;
 * we longjmp back to the decode call, turn the library's message into a
 * sim_error and free everything.  Nothing here prints or exits.
 */
#include "workloads/image/wl_image.h"
#include "sim/sim_io.h"

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

/* Decode with libjpeg's DCT-domain scaling (scale_denom 1, 2, 4 or 8).
 * box_w/box_h > 0 ask for shrink-on-load: the largest reduction whose
 * output is still at least as large as the image fitted inside the box,
 * so the resampler only ever shrinks the rest (libvips's jpegload
 * "shrink", chosen by vips_thumbnail).  Scaled IDCTs skip most of the
 * dequantise/IDCT/upsample work, which dominates thumbnailing a photo. */
static sim_status decode_jpeg(const uint8_t *buf, size_t n, const char *label,
                              int box_w, int box_h, wl_image *out, int *shrink,
                              sim_error *err)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_err jerr;
    /* volatile: modified between setjmp and longjmp. */
    uint8_t *volatile data = NULL;
    memset(out, 0, sizeof *out);
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = jpeg_on_error;
    jerr.pub.emit_message = jpeg_on_message;
    if (setjmp(jerr.jb)) {
        jpeg_destroy_decompress(&cinfo);
        free(data);
        SIM_FAIL(err, SIM_EFORMAT, label, 0, NULL, "corrupt or truncated JPEG: %s", jerr.msg);
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, buf, (unsigned long)n);
    jpeg_read_header(&cinfo, TRUE);
    int ch = cinfo.num_components == 1 ? 1 : 3;
    cinfo.out_color_space = ch == 1 ? JCS_GRAYSCALE : JCS_RGB;
    if ((long long)cinfo.image_width * cinfo.image_height > WL_IMAGE_MAX_PIXELS) {
        jpeg_destroy_decompress(&cinfo);
        SIM_FAIL(err, SIM_ERANGE, label, 0, NULL,
                 "JPEG of %ux%u pixels is over the %lld-pixel limit", cinfo.image_width,
                 cinfo.image_height, WL_IMAGE_MAX_PIXELS);
    }
    int denom = 1;
    if (box_w > 0 && box_h > 0) {
        int tw, th;
        wl_image_fit((int)cinfo.image_width, (int)cinfo.image_height, box_w, box_h, &tw, &th);
        for (int d = 8; d > 1; d /= 2) {
            cinfo.scale_num = 1;
            cinfo.scale_denom = (unsigned)d;
            jpeg_calc_output_dimensions(&cinfo);
            if ((int)cinfo.output_width >= tw && (int)cinfo.output_height >= th) {
                denom = d;
                break;
            }
        }
    }
    cinfo.scale_num = 1;
    cinfo.scale_denom = (unsigned)denom;
    /* When shrinking, the chroma planes are resampled again anyway, so
     * libjpeg's smooth ("fancy") chroma upsampling buys nothing visible;
     * plain replication is cheaper.  At full scale keep it for quality. */
    if (denom > 1) cinfo.do_fancy_upsampling = FALSE;
    if (shrink) *shrink = denom;
    jpeg_start_decompress(&cinfo);
    int w = (int)cinfo.output_width, h = (int)cinfo.output_height;
    int stride = w * ch;
    data = sim_xmalloc((size_t)stride * (size_t)h);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[16];
        int k = 0;
        for (; k < 16 && cinfo.output_scanline + (unsigned)k < cinfo.output_height; k++)
            rows[k] = data + (size_t)(cinfo.output_scanline + (unsigned)k) * (size_t)stride;
        jpeg_read_scanlines(&cinfo, rows, (JDIMENSION)k);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    out->data = data;
    out->width = w;
    out->height = h;
    out->channels = ch;
    out->stride = stride;
    return SIM_OK;
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
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = jpeg_on_error;
    jerr.pub.emit_message = jpeg_on_message;
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

sim_status wl_image_encode_jpeg(const wl_image *img, int quality, uint8_t **out,
                                size_t *n, sim_error *err)
{
    if (img->channels != 1 && img->channels != 3)
        SIM_FAIL(err, SIM_EUNSUPPORTED, NULL, 0, NULL, "JPEG needs 1 or 3 channels");
    struct jpeg_compress_struct cinfo;
    jpeg_err jerr;
    unsigned char *volatile mem = NULL;
    unsigned long size = 0;
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = jpeg_on_error;
    if (setjmp(jerr.jb)) {
        jpeg_destroy_compress(&cinfo);
        free(mem);
        SIM_FAIL(err, SIM_EIO, NULL, 0, NULL, "JPEG encode failed: %s", jerr.msg);
    }
    jpeg_create_compress(&cinfo);
    unsigned char *m = NULL;
    jpeg_mem_dest(&cinfo, &m, &size);
    cinfo.image_width = (JDIMENSION)img->width;
    cinfo.image_height = (JDIMENSION)img->height;
    cinfo.input_components = img->channels;
    cinfo.in_color_space = img->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : quality > 100 ? 100 : quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = wl_image_row(img, (int)cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    mem = m;
    jpeg_destroy_compress(&cinfo);
    *out = mem;
    *n = size;
    return SIM_OK;
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
