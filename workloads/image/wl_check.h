/* wl_check.h - CheckImage validation: format, payload size, dimensions.
 *
 * The first step of the photo pipeline rejects what the later steps
 * cannot or must not process, before any pixel is decoded: a file that is
 * not a JPEG or PNG (or whose header is corrupt), a payload over Lambda's
 * 6 MB synchronous invocation limit, and dimensions outside the limits.
 * Only the header is read (wl_image_probe), so the check costs
 * microseconds whatever the photo size.  Object detection, the other half
 * of CheckImage, is wl_detect.h.
 */
#ifndef WL_CHECK_H
#define WL_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/sim_status.h"
#include "workloads/image/wl_image.h"

/* Lambda's synchronous (RequestResponse) payload quota: 6 MB, i.e.
 * 6,291,456 bytes, for the request and for the response (AWS Lambda
 * quotas page, "Invocation payload (request and response)"). */
#define WL_CHECK_LAMBDA_SYNC_PAYLOAD ((size_t)6 * 1024 * 1024)

typedef struct wl_check_params {
    size_t max_payload;    /* bytes; default WL_CHECK_LAMBDA_SYNC_PAYLOAD */
    bool base64;           /* payload travels base64-encoded (API Gateway/
                            * Function URL binary bodies): 4/3 larger */
    int min_side;          /* default 1 */
    int max_side;          /* default 16384 (libvips/libjpeg-friendly) */
    long long max_pixels;  /* default WL_IMAGE_MAX_PIXELS */
} wl_check_params;

void wl_check_params_default(wl_check_params *p);

/* Validate an encoded image in memory; `label` (the file name) is named in
 * every error.  On success *info (may be NULL) holds format and size.
 * Errors: SIM_EFORMAT (not JPEG/PNG, corrupt header), SIM_ERANGE (size). */
sim_status wl_check_buffer(const wl_check_params *p, const uint8_t *buf, size_t n,
                           const char *label, wl_image_info *info, sim_error *err);

/* Payload size of n bytes as sent (base64 adds 4/3, rounded up to 4). */
size_t wl_check_payload_bytes(const wl_check_params *p, size_t n);

#endif /* WL_CHECK_H */
