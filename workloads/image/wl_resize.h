/* wl_resize.h - separable image resampling (Lanczos3 with antialiasing, bilinear).
 *
 * The thumbnail kernel.  Plan once, run many: wl_resize_plan_create
 * validates the geometry and precomputes, per output column and per output
 * row, a fixed number of 14-bit fixed-point filter taps (Pillow's
 * ImagingResample layout), plus every scratch buffer the run needs, one
 * per thread.  wl_resize_run then never allocates; its inner loops are
 * integer multiply-adds over contiguous bytes that the compiler vectorises.
 *
 * Downscaling widens the filter by the reduction factor (support 3*s for
 * Lanczos3, s for bilinear), so every input pixel contributes and there is
 * no aliasing; upscaling uses the plain kernel.  Taps falling outside the
 * image are dropped and the rest renormalised, and the fixed-point taps of
 * each output pixel sum to exactly 1 << 14, so a constant image stays
 * exactly constant.
 *
 * Two passes, vertical first: each output row combines K input rows into a
 * full-width 8-bit row (the vectorised pass, doing most of the work) and
 * then resamples that row horizontally (the strided pass, on the small
 * output only).  Output rows are split across OpenMP threads.
 */
#ifndef WL_RESIZE_H
#define WL_RESIZE_H

#include <stddef.h>

#include "sim/sim_status.h"
#include "workloads/image/wl_image.h"

typedef enum { WL_FILTER_LANCZOS3, WL_FILTER_BILINEAR } wl_filter;

typedef struct wl_resize_params {
    int in_w, in_h;     /* source size */
    int out_w, out_h;   /* exact destination size (see wl_image_fit) */
    int channels;       /* 1, 3 or 4 */
    wl_filter filter;
    int threads;        /* OpenMP threads for a run, >= 1 */
} wl_resize_params;

/* Defaults: Lanczos3, one thread; sizes and channels left 0 (must be set). */
void wl_resize_params_default(wl_resize_params *p);

typedef struct wl_resize_plan wl_resize_plan;

/* Validate and precompute.  Bad sizes, channels or thread counts are
 * SIM_ERANGE errors (they come from user options). */
sim_status wl_resize_plan_create(const wl_resize_params *p, wl_resize_plan **out,
                                 sim_error *err);
void wl_resize_plan_destroy(wl_resize_plan *plan);

/* Largest filter length (taps) of the plan along x and y, for reports. */
void wl_resize_plan_taps(const wl_resize_plan *plan, int *taps_x, int *taps_y);

/* Resample in (in_w x in_h) into out (out_w x out_h), both with the plan's
 * channel count; any strides.  Does not allocate.  The plan's scratch
 * buffers make a run non-reentrant: one run per plan at a time.  A view that
 * does not match the plan is a bug (SIM_ASSERT). */
void wl_resize_run(wl_resize_plan *plan, const wl_image *in, wl_image *out);

/* For callers that schedule the work themselves (their own threads, or a
 * pipeline that produces rows in bands, as libvips regions do): output
 * rows [y0, y1) only, on the calling thread, using a caller-owned scratch
 * buffer of wl_resize_scratch_bytes(plan) bytes, aligned for int32_t (as
 * malloc's is).
 * The plan is only read, so any number of these may run at once. */
size_t wl_resize_scratch_bytes(const wl_resize_plan *plan);
void wl_resize_run_rows(const wl_resize_plan *plan, const wl_image *in, wl_image *out,
                        int y0, int y1, void *scratch);

/* "lanczos3" or "bilinear". */
sim_status wl_filter_parse(const char *s, wl_filter *out, sim_error *err);
const char *wl_filter_name(wl_filter f);

#endif /* WL_RESIZE_H */
