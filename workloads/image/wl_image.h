/* wl_image.h - 8-bit images as stride-aware views, and their file I/O.
 *
 * A wl_image is a view {data, width, height, stride, channels}: kernels read
 * and write through it and never assume rows are packed, so a kernel can work
 * on a sub-rectangle or a caller's buffer (stb_image_resize, libvips regions).
 * Stride is in bytes and must be >= width * channels; stride 0 is invalid.
 *
 * Decoding validates everything a user can get wrong (truncated or corrupt
 * files, absurd dimensions) and reports it as a sim_error naming the file;
 * libjpeg's and libpng's default "print and exit" handlers are replaced.
 *
 * Two fast paths take the common cases first: a JPEG shrunk on load at 1/8
 * is decoded from its DC coefficients alone (wl_jpeg_dc.h), an 8-bit
 * non-interlaced PNG without palette or tRNS through libdeflate and our own
 * filters (wl_png_fast.h).  Either declines anything else or odd, and then
 * libjpeg or libpng decodes and gives the verdict, so errors and their
 * messages are the libraries' whichever path a file takes.
 */
#ifndef WL_IMAGE_H
#define WL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim_status.h"

typedef struct wl_image {
    uint8_t *data;
    int width, height;
    int stride;     /* bytes between rows */
    int channels;   /* 1 (gray), 3 (RGB) or 4 (RGBA) */
} wl_image;

typedef enum { WL_FMT_UNKNOWN, WL_FMT_JPEG, WL_FMT_PNG } wl_format;

/* Largest decoded image we accept, in pixels (a 100 MP photo). */
#define WL_IMAGE_MAX_PIXELS (100LL * 1000 * 1000)

/* Allocate a packed image (stride = width * channels).  Free with
 * wl_image_free.  Sizes are checked against WL_IMAGE_MAX_PIXELS. */
sim_status wl_image_alloc(wl_image *img, int width, int height, int channels,
                          sim_error *err);
void wl_image_free(wl_image *img);

/* Pointer to row y. */
static inline uint8_t *wl_image_row(const wl_image *img, int y)
{
    return img->data + (size_t)y * (size_t)img->stride;
}

/* Sniff the format from the first bytes. */
wl_format wl_image_sniff(const uint8_t *buf, size_t n);

/* Decode a JPEG or PNG from memory into a newly allocated packed image:
 * gray images stay 1 channel, everything else becomes RGB (alpha dropped).
 * `label` names the source in errors. */
sim_status wl_image_decode(const uint8_t *buf, size_t n, const char *label,
                           wl_image *out, sim_error *err);

/* What a header says, without decoding pixels. */
typedef struct wl_image_info {
    wl_format format;
    int width, height;
    int channels;   /* after decoding: 1 (gray) or 3 */
    size_t bytes;   /* encoded size */
} wl_image_info;

/* Read only the header (JPEG markers up to SOS; PNG signature and IHDR,
 * CRC-checked).  Errors name `label`. */
sim_status wl_image_probe(const uint8_t *buf, size_t n, const char *label,
                          wl_image_info *info, sim_error *err);

/* "jpeg", "png" or "unknown". */
const char *wl_format_name(wl_format f);

/* Fit in_w x in_h inside box_w x box_h keeping the aspect ratio: the
 * binding side gets the box size exactly, the other is rounded to the
 * nearest pixel and is at least 1.  Images smaller than the box are
 * enlarged (vipsthumbnail's default). */
void wl_image_fit(int in_w, int in_h, int box_w, int box_h, int *out_w, int *out_h);

/* Decode for a thumbnail that fits inside box_w x box_h ("shrink-on-load",
 * as libvips does).  A JPEG is decoded at the largest DCT scale 1/8, 1/4 or
 * 1/2 whose result is still at least the fitted thumbnail size, so only the
 * remaining factor (< 2, unless 1/8 was not enough) is left to the
 * resampler (at 1/8, chroma is each block's DC replicated: wl_jpeg_dc.h).
 * PNGs decode at full size.  box 0x0 decodes at full size.
 * *shrink (may be NULL) receives the denominator used (1, 2, 4 or 8). */
sim_status wl_image_decode_scaled(const uint8_t *buf, size_t n, const char *label,
                                  int box_w, int box_h, wl_image *out, int *shrink,
                                  sim_error *err);

/* Read and decode a file. */
sim_status wl_image_load(const char *path, wl_image *out, sim_error *err);

/* Encode to a file (written atomically): format from the extension
 * (.png, .jpg/.jpeg).  quality is for JPEG (1..100). */
sim_status wl_image_save(const wl_image *img, const char *path, int quality,
                         sim_error *err);

/* Encode to memory (malloc'd buffer in *out, size in *n). */
sim_status wl_image_encode_jpeg(const wl_image *img, int quality, uint8_t **out,
                                size_t *n, sim_error *err);
sim_status wl_image_encode_png(const wl_image *img, uint8_t **out, size_t *n,
                               sim_error *err);

/* ---- JPEG row by row ----------------------------------------------------
 * For kernels that stream: decode a strip of rows, work on it, encode it,
 * so a 12 MP photo never exists whole in memory (no 36 MB buffer to fault
 * in) and the strip stays in cache.  wl_image_decode_scaled and
 * wl_image_encode_jpeg are these run over the whole image, so both ways
 * give the same bytes.  Readers and writers are heap objects of one
 * thread; after an error only _destroy may be called. */
typedef struct wl_jpeg_reader wl_jpeg_reader;
typedef struct wl_jpeg_writer wl_jpeg_writer;

/* Read the header and start decoding, with shrink-on-load for a box (0x0:
 * full size).  luma: a YCbCr (or gray) JPEG yields its Y plane, 1 channel,
 * without decoding chroma (JFIF's Y is BT.601 luma); other JPEGs yield
 * RGB as without it.  Errors as wl_image_decode, naming `label`. */
sim_status wl_jpeg_reader_open(const uint8_t *buf, size_t n, const char *label, int box_w,
                               int box_h, bool luma, wl_jpeg_reader **out, sim_error *err);
/* Output geometry (any pointer may be NULL). */
void wl_jpeg_reader_geometry(const wl_jpeg_reader *r, int *width, int *height, int *channels,
                             int *shrink);
/* Decode up to strip->height next rows into strip (width and channels as
 * the reader's); *rows gets how many, 0 once the image is done.  The call
 * that returns the last rows also checks the end of the stream. */
sim_status wl_jpeg_reader_rows(wl_jpeg_reader *r, wl_image *strip, int *rows, sim_error *err);
void wl_jpeg_reader_destroy(wl_jpeg_reader *r);

/* Start a baseline JPEG of width x height, 1 or 3 channels, at quality. */
sim_status wl_jpeg_writer_open(int width, int height, int channels, int quality,
                               wl_jpeg_writer **out, sim_error *err);
/* Append strip's rows (width and channels as the writer's). */
sim_status wl_jpeg_writer_rows(wl_jpeg_writer *w, const wl_image *strip, sim_error *err);
/* After all rows: the malloc'd file in *out (caller frees), its size in *n. */
sim_status wl_jpeg_writer_finish(wl_jpeg_writer *w, uint8_t **out, size_t *n, sim_error *err);
void wl_jpeg_writer_destroy(wl_jpeg_writer *w);

#endif /* WL_IMAGE_H */
