/* wl_detect_internal.h - the parsed cascade, shared by wl_cascade.c and wl_detect.c.
 *
 * The cascade is stored as flat arrays (stages -> weak classifiers -> tree
 * nodes, leaves, features) in the order of the XML file, exactly as OpenCV's
 * CascadeClassifierImpl::Data keeps it, so a stage is a contiguous run of
 * weak classifiers and a tree a contiguous run of nodes.  Only the detector
 * and the tests read these fields; everybody else sees the opaque type.
 */
#ifndef WL_DETECT_INTERNAL_H
#define WL_DETECT_INTERNAL_H

#include <stdint.h>

#include "workloads/image/wl_detect.h"

/* Where Debian's opencv-data puts the trained cascades. */
#define WL_CASCADE_DIR "/usr/share/opencv4"

/* A Haar rectangle (x, y, w, h in window pixels, weight), or for LBP the
 * cell size of the 3x3 block grid whose top-left corner is (x, y). */
typedef struct wl__rect {
    int x, y, w, h;
    float weight;
} wl__rect;

typedef struct wl__feature {
    wl__rect r[3];
    int nrect;      /* Haar: 2 or 3; LBP: 1 */
    int tilted;     /* Haar only: rectangles rotated by 45 degrees */
} wl__feature;

/* A tree node.  left/right > 0 index another node of the same tree (always
 * a later one: trees are stored in pre-order), <= 0 is leaf number -v. */
typedef struct wl__node {
    int left, right;
    int feature;
    float threshold;  /* Haar only (LBP nodes test a category subset) */
} wl__node;

typedef struct wl__weak {
    int node0, nnodes;  /* into nodes[] (and subsets[] for LBP) */
    int leaf0, nleaves; /* into leaves[] */
} wl__weak;

typedef struct wl__stage {
    float threshold;    /* already lowered by OpenCV's THRESHOLD_EPS */
    int weak0, nweak;
} wl__stage;

struct wl_cascade {
    char path[512];
    int lbp;            /* featureType LBP (else HAAR) */
    int win_w, win_h;
    int subset_size;    /* LBP: 32-bit words per node subset (256 categories -> 8) */
    int stumps;         /* every tree is a single node */
    int any_tilted;     /* some Haar feature is tilted: needs the rotated integral */
    int nstages, nweak, nnodes, nleaves, nfeatures;
    wl__stage *stages;
    wl__weak *weaks;
    wl__node *nodes;
    int32_t *subsets;   /* nnodes * subset_size */
    float *leaves;
    wl__feature *features;
};

/* Rotated (45 degree) integral image of a w x h 8-bit image into t, which has
 * (h + 1) rows of `stride` >= w + 1 entries: t[Y*stride + X] is the sum of
 * pixels (x, y) with y < Y and |x - X + 1| <= Y - y - 1 (OpenCV's definition,
 * sums modulo 2^32).  scratch holds 3 * (w + h + 4) entries.
 * Exposed for the test that checks it against the definition. */
void wl__tilted_integral(const uint8_t *img, int w, int h, int img_stride,
                         uint32_t *t, int stride, uint32_t *scratch);

#endif /* WL_DETECT_INTERNAL_H */
