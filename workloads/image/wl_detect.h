/* wl_detect.h - Viola-Jones object detection with OpenCV Haar and LBP cascades.
 *
 * The CheckImage step of the photo pipeline detects objects (faces) for
 * moderation.  This is a real trained detector: OpenCV's cascade XML files
 * (Debian's opencv-data, /usr/share/opencv4/) are parsed with libxml2 and
 * evaluated with integral images over a sliding window and a scale pyramid;
 * overlapping hits are grouped as OpenCV's groupRectangles does.
 *
 * Plan once, run many: a wl_detector owns every buffer the scan needs
 * (integral images, the pyramid level, hit lists), sized on first use and
 * reused, so repeated runs on same-sized images do not allocate.
 */
#ifndef WL_DETECT_H
#define WL_DETECT_H

#include <stddef.h>

#include "sim/sim_status.h"
#include "workloads/image/wl_image.h"

typedef struct wl_cascade wl_cascade;

/* Load a cascade by path, or by name: "frontalface_default" (the default
 * used by `kernel detect`), "haarcascade_frontalface_alt",
 * "lbpcascade_frontalface_improved", ... resolved in
 * /usr/share/opencv4/{haarcascades,lbpcascades}/.  Errors name the file and
 * the XML element that is wrong. */
sim_status wl_cascade_load(const char *name_or_path, wl_cascade **out, sim_error *err);
void wl_cascade_destroy(wl_cascade *c);

typedef struct wl_detect_params {
    double scale_factor;  /* pyramid step, > 1 (default 1.1) */
    int min_neighbors;    /* hits needed to keep a group (default 3) */
    int min_size;         /* smallest object side in pixels (0 = window size) */
    int max_size;         /* largest (0 = no limit) */
    int threads;          /* OpenMP threads for the scan (default 1) */
} wl_detect_params;

void wl_detect_params_default(wl_detect_params *p);

typedef struct wl_box {
    int x, y, w, h;
    int neighbors;        /* raw hits grouped into this box */
} wl_box;

typedef struct wl_detector wl_detector;

wl_detector *wl_detector_create(const wl_cascade *c, const wl_detect_params *p);
void wl_detector_destroy(wl_detector *d);

/* Detect in a gray or RGB image.  *boxes points into the detector and stays
 * valid until the next run or destroy. */
sim_status wl_detect_run(wl_detector *d, const wl_image *img, const wl_box **boxes,
                         size_t *nboxes, sim_error *err);

#endif /* WL_DETECT_H */
