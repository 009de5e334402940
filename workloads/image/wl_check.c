/* wl_check.c - header-only validation for the CheckImage step.
 *
 * Cheap checks first: the payload size needs no parsing at all, so an
 * oversize upload is rejected before its header is even looked at.
 */
#include "workloads/image/wl_check.h"

#include <string.h>

void wl_check_params_default(wl_check_params *p)
{
    memset(p, 0, sizeof *p);
    p->max_payload = WL_CHECK_LAMBDA_SYNC_PAYLOAD;
    p->base64 = false;
    p->min_side = 1;
    p->max_side = 16384;
    p->max_pixels = WL_IMAGE_MAX_PIXELS;
}

size_t wl_check_payload_bytes(const wl_check_params *p, size_t n)
{
    return p->base64 ? (n + 2) / 3 * 4 : n;
}

sim_status wl_check_buffer(const wl_check_params *p, const uint8_t *buf, size_t n,
                           const char *label, wl_image_info *info, sim_error *err)
{
    wl_image_info local;
    if (!info) info = &local;
    memset(info, 0, sizeof *info);
    size_t payload = wl_check_payload_bytes(p, n);
    if (payload > p->max_payload)
        SIM_FAIL(err, SIM_ERANGE, label, 0, NULL,
                 "payload of %zu bytes%s is over the %zu-byte limit (Lambda synchronous "
                 "invocation payload)", payload, p->base64 ? " (base64)" : "", p->max_payload);
    SIM_TRY(wl_image_probe(buf, n, label, info, err));
    if (info->width < p->min_side || info->height < p->min_side)
        SIM_FAIL(err, SIM_ERANGE, label, 0, NULL,
                 "%s of %dx%d pixels is under the %d-pixel minimum side",
                 wl_format_name(info->format), info->width, info->height, p->min_side);
    if (info->width > p->max_side || info->height > p->max_side)
        SIM_FAIL(err, SIM_ERANGE, label, 0, NULL,
                 "%s of %dx%d pixels is over the %d-pixel maximum side",
                 wl_format_name(info->format), info->width, info->height, p->max_side);
    if ((long long)info->width * info->height > p->max_pixels)
        SIM_FAIL(err, SIM_ERANGE, label, 0, NULL,
                 "%s of %dx%d pixels is over the %lld-pixel limit",
                 wl_format_name(info->format), info->width, info->height, p->max_pixels);
    return SIM_OK;
}
