/* wl_jpeg_dc.h - a JPEG's 1/8-scale image from its DC coefficients alone.
 *
 * Internal to workloads/image (wl_image.c is its one caller; the tests call
 * it directly to compare it with libjpeg).
 *
 * At DCT scale 1/8 each 8x8 block becomes one pixel, its DC term: libjpeg's
 * jpeg_idct_1x1 computes (DC * q0 + 4) >> 3 + 128, clamped.  libjpeg-turbo
 * gets there through its general machinery (the Huffman decoder storing
 * blocks, a 2x2 IDCT for subsampled chroma, an output pass); for a
 * thumbnail of a 12 MP photo that machinery and its Huffman decoder were
 * ~90% of the time (README "Image kernels").  This path walks the entropy-
 * coded data once, skipping each AC coefficient with one table look-up
 * (code and extra bits together), and writes pixels straight away.
 *
 * Scope: what libjpeg has already parsed (jpeg_read_header) says whether
 * the file is one this path handles: sequential Huffman, 8-bit, one scan
 * holding every component, gray or YCbCr, sampling factors dividing the
 * largest ones.  Anything else, and anything odd in the data (a bad code,
 * data running into a marker, a wrong restart marker, bytes left before
 * EOI, a missing EOI), makes it decline: the caller then decodes with
 * libjpeg, which stays the reference and gives the verdict (and the error
 * message) on every file this path does not finish cleanly.
 *
 * Output: luma is exactly libjpeg's at scale 1/8 (tests/test_image_fast.c
 * checks it byte for byte).  Chroma is the block's DC replicated over the
 * pixels it covers (libjpeg-turbo instead runs a 2x2 IDCT on subsampled
 * chroma), then libjpeg's YCbCr -> RGB fixed-point conversion.
 *
 * Cost: one pass over the compressed bytes; allocates the output image, one
 * plane of DC pixels per component (1/64 of its samples) and the look-up
 * tables (~100 KB, built per call: ~20 us).
 */
#ifndef WL_JPEG_DC_H
#define WL_JPEG_DC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jpeglib.h>

#include "workloads/image/wl_image.h"

/* True when `c` (after jpeg_read_header, before jpeg_start_decompress) is
 * a file this path handles. */
bool wl_jpeg_dc_supported(const struct jpeg_decompress_struct *c);

/* Decode `c`'s scan (its source must be the whole file in memory, as
 * jpeg_mem_src gives) at 1/8 scale into *out, a newly allocated packed
 * image of ceil(w/8) x ceil(h/8): 1 channel for a gray JPEG, or with
 * `luma` for a YCbCr one (its Y plane), else RGB.  Returns false (and
 * leaves *out empty) when the path declines; never reads past the buffer.
 * Does not touch `c`'s state beyond reading it. */
bool wl_jpeg_dc_decode(const struct jpeg_decompress_struct *c, bool luma, wl_image *out);

#endif /* WL_JPEG_DC_H */
