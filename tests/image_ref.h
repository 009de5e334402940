/* image_ref.h - libjpeg and libpng called directly: the references the fast
 * decode paths are checked against (tests/test_image_fast.c, and the fuzz
 * harness tests/fuzz/fuzz_image.c, which asserts they agree on every input).
 * Header-only like check.h; everything static inline.
 */
#ifndef IMAGE_REF_H
#define IMAGE_REF_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "workloads/image/wl_image.h"
#include "workloads/image/wl_jpeg_dc.h"

/* ---- libjpeg, directly ------------------------------------------------ */

typedef struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
} jerr;

static inline void on_error(j_common_ptr c)
{
    longjmp(((jerr *)c->err)->jb, 1);
}

/* Warnings are errors, as in wl_image.c. */
static inline void on_message(j_common_ptr c, int level)
{
    if (level < 0) longjmp(((jerr *)c->err)->jb, 1);
}

static inline void errors_to(struct jpeg_decompress_struct *c, jerr *e)
{
    c->err = jpeg_std_error(&e->pub);
    e->pub.error_exit = on_error;
    e->pub.emit_message = on_message;
}

/* libjpeg's own decode at scale 1/8: gray (the Y plane) or RGB.  False on
 * an error or warning. */
static inline bool ref_decode(const uint8_t *buf, size_t n, bool gray, wl_image *out)
{
    struct jpeg_decompress_struct c;
    jerr e;
    uint8_t *volatile data = NULL;
    memset(out, 0, sizeof *out);
    errors_to(&c, &e);
    if (setjmp(e.jb)) {
        jpeg_destroy_decompress(&c);
        free(data);
        return false;
    }
    jpeg_create_decompress(&c);
    jpeg_mem_src(&c, buf, (unsigned long)n);
    jpeg_read_header(&c, TRUE);
    c.scale_num = 1;
    c.scale_denom = 8;
    c.do_fancy_upsampling = FALSE;
    if (gray) c.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&c);
    int w = (int)c.output_width, h = (int)c.output_height, ch = c.output_components;
    data = malloc((size_t)w * (size_t)h * (size_t)ch);
    while (c.output_scanline < c.output_height) {
        JSAMPROW row = data + (size_t)c.output_scanline * (size_t)w * (size_t)ch;
        jpeg_read_scanlines(&c, &row, 1);
    }
    jpeg_finish_decompress(&c);
    jpeg_destroy_decompress(&c);
    out->data = data;
    out->width = w;
    out->height = h;
    out->channels = ch;
    out->stride = w * ch;
    return true;
}

/* The fast path on a buffer: libjpeg parses the header, wl_jpeg_dc
 * decodes.  *supported says whether it claimed the file. */
static inline bool dc_decode(const uint8_t *buf, size_t n, bool luma, wl_image *out,
                             bool *supported)
{
    struct jpeg_decompress_struct c;
    jerr e;
    memset(out, 0, sizeof *out);
    *supported = false;
    errors_to(&c, &e);
    if (setjmp(e.jb)) {
        jpeg_destroy_decompress(&c);
        return false;
    }
    jpeg_create_decompress(&c);
    jpeg_mem_src(&c, buf, (unsigned long)n);
    jpeg_read_header(&c, TRUE);
    *supported = wl_jpeg_dc_supported(&c);
    bool ok = wl_jpeg_dc_decode(&c, luma, out);
    jpeg_destroy_decompress(&c);
    return ok;
}

static inline bool same_image(const wl_image *a, const wl_image *b)
{
    return a->width == b->width && a->height == b->height && a->channels == b->channels &&
           memcmp(a->data, b->data, (size_t)a->stride * (size_t)a->height) == 0;
}

/* ---- libpng, directly ---------------------------------------------------- */

typedef struct pngsrc {
    const uint8_t *buf;
    size_t n, off;
} pngsrc;

static inline void png_err(png_structp p, png_const_charp msg)
{
    (void)msg;
    longjmp(*(jmp_buf *)png_get_error_ptr(p), 1);
}

static inline void png_warn(png_structp p, png_const_charp msg)
{
    (void)p;
    (void)msg;
}

static inline void png_rd(png_structp p, png_bytep dst, png_size_t len)
{
    pngsrc *s = png_get_io_ptr(p);
    if (len > s->n - s->off) png_error(p, "truncated");
    memcpy(dst, s->buf + s->off, len);
    s->off += len;
}

/* libpng with wl_image.c's transforms (8-bit, no palette, alpha
 * stripped): the reference. */
static inline bool ref_png(const uint8_t *buf, size_t n, wl_image *out)
{
    jmp_buf jb;
    png_structp p = png_create_read_struct(PNG_LIBPNG_VER_STRING, &jb, png_err, png_warn);
    png_infop info = png_create_info_struct(p);
    uint8_t *volatile data = NULL;
    png_bytep *volatile rows = NULL;
    pngsrc src = { buf, n, 0 };
    memset(out, 0, sizeof *out);
    if (setjmp(jb)) {
        png_destroy_read_struct(&p, &info, NULL);
        free(data);
        free(rows);
        return false;
    }
    png_set_read_fn(p, &src, png_rd);
    png_read_info(p, info);
    png_uint_32 w = png_get_image_width(p, info), h = png_get_image_height(p, info);
    if ((long long)w * h > 4000000) png_error(p, "too big for the test");
    int ctype = png_get_color_type(p, info), depth = png_get_bit_depth(p, info);
    if (depth == 16) png_set_strip_16(p);
    if (ctype == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(p);
    if (ctype == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(p);
    if (png_get_valid(p, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(p);
    png_set_strip_alpha(p);
    png_set_interlace_handling(p);
    png_read_update_info(p, info);
    int ch = png_get_channels(p, info);
    data = malloc((size_t)w * h * (size_t)ch);
    rows = malloc(h * sizeof *rows);
    for (png_uint_32 y = 0; y < h; y++) rows[y] = data + (size_t)y * w * (size_t)ch;
    png_read_image(p, rows);
    png_read_end(p, NULL);
    png_destroy_read_struct(&p, &info, NULL);
    free(rows);
    out->data = data;
    out->width = (int)w;
    out->height = (int)h;
    out->channels = ch;
    out->stride = (int)w * ch;
    return true;
}

#endif /* IMAGE_REF_H */
