/* wl_gray.h - RGB to 8-bit luma (BT.709 by default, BT.601 on request).
 *
 * The grayscale kernel of the photo pipeline.  Luma is computed on the
 * 8-bit gamma-encoded values, as every thumbnailer and ImageMagick's
 * "-colorspace Rec709Luma" do: Y = round(kr*R + kg*G + kb*B), with the
 * coefficients held as 16-bit fixed-point weights that sum to exactly
 * 65536 (so white stays 255 and gray stays gray).  The weights:
 *   BT.709: 0.2126, 0.7152, 0.0722 -> 13933, 46871, 4732
 *   BT.601: 0.299,  0.587,  0.114  -> 19595, 38470, 7471
 * The per-row loop is plain integer arithmetic that the compiler
 * vectorises; rows are split across OpenMP threads.
 */
#ifndef WL_GRAY_H
#define WL_GRAY_H

#include "sim/sim_status.h"
#include "workloads/image/wl_image.h"

typedef enum { WL_GRAY_BT709, WL_GRAY_BT601 } wl_gray_matrix;

typedef struct wl_gray_params {
    wl_gray_matrix matrix;   /* default BT.709 */
    int threads;             /* >= 1 */
} wl_gray_params;

void wl_gray_params_default(wl_gray_params *p);

/* Fixed-point weights of a matrix (sum 65536). */
void wl_gray_weights(wl_gray_matrix m, uint32_t w[3]);

/* in: 1 (copied) or 3/4 channels (alpha ignored); out: 1 channel, same
 * size, any strides.  Does not allocate.  Mismatched views are bugs. */
void wl_gray_run(const wl_gray_params *p, const wl_image *in, wl_image *out);

/* "bt709" or "bt601". */
sim_status wl_gray_matrix_parse(const char *s, wl_gray_matrix *out, sim_error *err);

#endif /* WL_GRAY_H */
