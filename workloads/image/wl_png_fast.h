/* wl_png_fast.h - the common PNG layouts decoded without libpng's row machinery.
 *
 * Internal to workloads/image (wl_image.c is its one caller; the tests call
 * it directly to compare it with libpng).
 *
 * Thumbnailing a PNG photo was a third libpng's Paeth filter (Debian's
 * libpng is built without its SIMD filters; its C Paeth branches on every
 * byte) and a quarter zlib's inflate (README "Image kernels").  This path
 * walks the chunks itself, inflates the IDAT stream in one call with
 * libdeflate (2.4x zlib here), and undoes the filters with branch-free code
 * (Paeth chooses by conditional moves, not branches), writing each row into
 * the output image.
 *
 * Scope: 8-bit gray, gray+alpha, RGB and RGBA, not interlaced, without
 * PLTE or tRNS chunks, the zlib stream declaring a 32 KB window (smaller
 * images may declare less), within libpng's default limits (sides up to a
 * million pixels, chunks up to 8 MB).  Alpha is dropped, as wl_image_decode does.  Anything
 * else, and anything odd (a bad CRC on a critical chunk, an unknown critical
 * chunk, a bad filter type, too little or too much image data, a zlib error,
 * no IEND), makes it decline: the caller then decodes with libpng, which
 * stays the reference and gives the verdict (and the error message) on
 * every file this path does not finish cleanly.  Ancillary chunks are
 * skipped unread, as libpng does without transforms that use them.
 *
 * Output: libpng's pixels byte for byte (tests/test_image_fast.c checks).
 * Cost: one pass; allocates the output image, the filtered rows (the
 * image's size plus a byte per row), the IDATs joined when there are
 * several (the compressed size), and two rows.
 */
#ifndef WL_PNG_FAST_H
#define WL_PNG_FAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workloads/image/wl_image.h"

/* Decode buf (a whole PNG file) into *out, a newly allocated packed image
 * of 1 (gray) or 3 (RGB) channels.  Returns false (and leaves *out empty)
 * when the path declines; never reads past the buffer. */
bool wl_png_fast_decode(const uint8_t *buf, size_t n, wl_image *out);

#endif /* WL_PNG_FAST_H */
