/* wl_kernel.h - one image kernel run end to end, the way a Lambda runs it.
 *
 * A pipeline function receives encoded bytes and returns encoded bytes, so
 * that is what is timed: check the header, decode (with shrink-on-load for
 * thumbnails), run the kernel, encode.  `lambdasim kernel` and
 * `lambdasim profile` and the benchmark all go through wl_kernel_run, so
 * the figures they print describe the same work.  Reading the file and
 * writing the result are outside the timed region (S3 I/O is modelled
 * separately).
 *
 * Kernels are named by a static table; adding one (detect) means one
 * enum value, one table row and one case in wl_kernel_run.
 */
#ifndef WL_KERNEL_H
#define WL_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim_status.h"
#include "workloads/image/wl_check.h"
#include "workloads/image/wl_gray.h"
#include "workloads/image/wl_image.h"
#include "workloads/image/wl_resize.h"

typedef enum { WL_KERNEL_RESIZE, WL_KERNEL_GRAYSCALE, WL_KERNEL_DETECT } wl_kernel_kind;

/* "resize", "grayscale", "detect". */
const char *wl_kernel_name(wl_kernel_kind k);
sim_status wl_kernel_parse(const char *s, wl_kernel_kind *out, sim_error *err);
/* True when wl_kernel_run can run it on this build (detect cannot yet). */
bool wl_kernel_available(wl_kernel_kind k);

typedef struct wl_kernel_opts {
    wl_kernel_kind kind;
    int box_w, box_h;          /* resize: fit inside (default 128x128) */
    wl_filter filter;          /* resize (default Lanczos3) */
    bool shrink_on_load;       /* resize of a JPEG (default true) */
    wl_gray_matrix matrix;     /* grayscale (default BT.709) */
    const char *cascade;       /* detect: NAME or PATH (default "frontalface_default") */
    int threads;               /* kernel threads (default 1) */
    wl_format out_format;      /* encoding of the result (default JPEG) */
    int quality;               /* JPEG quality (default 75, libvips's) */
    wl_check_params check;     /* validation before decoding */
} wl_kernel_opts;

void wl_kernel_opts_default(wl_kernel_opts *o, wl_kernel_kind kind);

typedef struct wl_kernel_result {
    wl_image_info in;          /* input format, size, bytes */
    int shrink;                /* JPEG DCT scale denominator used (1 = none) */
    int dec_w, dec_h;          /* decoded size */
    int out_w, out_h, out_channels;
    size_t out_bytes;          /* encoded result (0 for detect: it returns boxes) */
    int detections;            /* detect: boxes found */
    double cpu_ms, wall_ms;    /* decode + kernel + encode */
    double kernel_wall_ms;     /* the kernel alone */
} wl_kernel_result;

/* Run once on encoded bytes.  If `encoded` is not NULL it receives the
 * malloc'd encoded result (caller frees).  Bad input is SIM_EFORMAT or
 * SIM_ERANGE naming `label`. */
sim_status wl_kernel_run(const wl_kernel_opts *o, const uint8_t *buf, size_t n,
                         const char *label, wl_kernel_result *res, uint8_t **encoded,
                         sim_error *err);

#endif /* WL_KERNEL_H */
