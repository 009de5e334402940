/* fuzz_image.c - JPEG and PNG: CheckImage's header check, then a full
 * decode and a shrink-on-load decode for a 128x128 thumbnail, as the
 * kernels and `lambdasim kernel` do, and one for a 4x4 box, which takes
 * the DC-only JPEG path (scale 1/8) on the small seeds too.  The harness admits at most 4
 * megapixels to the decoders (the check's own limit is 100 MP): a 10-byte
 * header may claim 100 MP, and allocating 300 MB per input only slows the
 * fuzzer without reaching more code. */
#include "tests/fuzz/fuzz.h"

#include "workloads/image/wl_check.h"
#include "workloads/image/wl_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wl_check_params p;
    wl_check_params_default(&p);
    p.max_pixels = 4LL * 1000 * 1000;
    sim_error err;
    sim_error_clear(&err);
    wl_image_info info;
    if (wl_check_buffer(&p, data, size, "fuzz", &info, &err) != SIM_OK) return 0;
    wl_image img;
    if (wl_image_decode(data, size, "fuzz", &img, &err) == SIM_OK) wl_image_free(&img);
    int shrink = 0;
    if (wl_image_decode_scaled(data, size, "fuzz", 128, 128, &img, &shrink, &err) == SIM_OK)
        wl_image_free(&img);
    if (wl_image_decode_scaled(data, size, "fuzz", 4, 4, &img, &shrink, &err) == SIM_OK)
        wl_image_free(&img);
    return 0;
}
