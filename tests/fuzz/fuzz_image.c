/* fuzz_image.c - JPEG and PNG: CheckImage's header check, then a full
 * decode and a shrink-on-load decode for a 128x128 thumbnail, as the
 * kernels and `lambdasim kernel` do, and one for a 4x4 box, which takes
 * the DC-only JPEG path (scale 1/8) on the small seeds too; then the fast
 * paths are checked against libpng and libjpeg (differential, below).  The
 * harness admits at most 4 megapixels to the decoders (the check's own
 * limit is 100 MP): a 10-byte header may claim 100 MP, and allocating
 * 300 MB per input only slows the fuzzer without reaching more code. */
#include "tests/fuzz/fuzz.h"

#include "tests/image_ref.h"
#include "workloads/image/wl_check.h"
#include "workloads/image/wl_image.h"
#include "workloads/image/wl_png_fast.h"

/* The fast paths against the libraries: whatever a fast path decodes, the
 * library must decode too, to the same pixels (for JPEGs at 1/8, the same
 * luma); a difference is a finding (abort). */
static void differential(const uint8_t *data, size_t size)
{
    wl_image fast, ref;
    bool sup;
    if (wl_png_fast_decode(data, size, &fast)) {
        bool ok = ref_png(data, size, &ref);
        if (!ok || !same_image(&fast, &ref)) {
            fprintf(stderr, "fuzz_image: PNG fast path %s libpng\n",
                    ok ? "differs from" : "accepts what fails in");
            abort();
        }
        wl_image_free(&ref);
        wl_image_free(&fast);
    }
    if (dc_decode(data, size, true, &fast, &sup)) {
        bool ok = ref_decode(data, size, true, &ref);
        if (!ok || !same_image(&fast, &ref)) {
            fprintf(stderr, "fuzz_image: DC path %s libjpeg\n",
                    ok ? "differs from" : "accepts what fails in");
            abort();
        }
        wl_image_free(&ref);
        wl_image_free(&fast);
    }
}

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
    differential(data, size);
    return 0;
}
