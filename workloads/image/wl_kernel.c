/* wl_kernel.c - decode, kernel, encode, timed as one Lambda invocation.
 *
 * Every run plans afresh (a Lambda sees a new photo size each time); the
 * plan's taps cost microseconds next to the decode.  CPU time is the
 * process's (all threads), wall time is monotonic.
 */
#include "workloads/image/wl_kernel.h"
#include "sim/sim_io.h"

#include <stdlib.h>
#include <string.h>

#include "workloads/image/wl_detect.h"

static const char *const k_kernel_names[] = { "resize", "grayscale", "detect" };

const char *wl_kernel_name(wl_kernel_kind k)
{
    return (unsigned)k < 3 ? k_kernel_names[k] : "unknown";
}

sim_status wl_kernel_parse(const char *s, wl_kernel_kind *out, sim_error *err)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, k_kernel_names[i]) == 0) {
            *out = (wl_kernel_kind)i;
            return SIM_OK;
        }
    SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL,
             "unknown kernel '%s' (want resize, grayscale or detect)", s);
}

bool wl_kernel_available(wl_kernel_kind k)
{
    return k == WL_KERNEL_RESIZE || k == WL_KERNEL_GRAYSCALE || k == WL_KERNEL_DETECT;
}

void wl_kernel_opts_default(wl_kernel_opts *o, wl_kernel_kind kind)
{
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->box_w = o->box_h = 128;
    o->filter = WL_FILTER_LANCZOS3;
    o->shrink_on_load = true;
    o->matrix = WL_GRAY_BT709;
    o->cascade = "frontalface_default";
    o->threads = 1;
    o->out_format = WL_FMT_JPEG;
    o->quality = 75;
    wl_check_params_default(&o->check);
}

static sim_status encode(const wl_kernel_opts *o, const wl_image *img, uint8_t **buf,
                         size_t *n, sim_error *err)
{
    if (o->out_format == WL_FMT_PNG) return wl_image_encode_png(img, buf, n, err);
    return wl_image_encode_jpeg(img, o->quality, buf, n, err);
}

/* The kernel proper, on a decoded image.  Image-producing kernels fill
 * *dst (allocated here) and are then encoded; detect leaves it empty. */
static sim_status run_kernel(const wl_kernel_opts *o, const wl_image *src, wl_image *dst,
                             wl_kernel_result *res, sim_error *err)
{
    switch (o->kind) {
    case WL_KERNEL_RESIZE: {
        wl_resize_params rp;
        wl_resize_params_default(&rp);
        rp.in_w = src->width;
        rp.in_h = src->height;
        /* Fit against the original size, so shrink-on-load's rounding never
         * changes the thumbnail's dimensions. */
        wl_image_fit(res->in.width, res->in.height, o->box_w, o->box_h, &rp.out_w, &rp.out_h);
        rp.channels = src->channels;
        rp.filter = o->filter;
        rp.threads = o->threads;
        wl_resize_plan *plan = NULL;
        sim_status s = wl_resize_plan_create(&rp, &plan, err);
        if (s == SIM_OK) s = wl_image_alloc(dst, rp.out_w, rp.out_h, src->channels, err);
        if (s == SIM_OK) wl_resize_run(plan, src, dst);
        wl_resize_plan_destroy(plan);
        return s;
    }
    case WL_KERNEL_GRAYSCALE: {
        wl_gray_params gp;
        gp.matrix = o->matrix;
        gp.threads = o->threads;
        SIM_TRY(wl_image_alloc(dst, src->width, src->height, 1, err));
        wl_gray_run(&gp, src, dst);
        return SIM_OK;
    }
    case WL_KERNEL_DETECT: {
        /* CheckImage's moderation: Viola-Jones with an OpenCV cascade.  The
         * cascade is loaded per run, as a cold Lambda would; a profile of
         * warm runs pays it each time too (a few ms for the default). */
        wl_cascade *c = NULL;
        SIM_TRY(wl_cascade_load(o->cascade, &c, err));
        wl_detect_params dp;
        wl_detect_params_default(&dp);
        dp.threads = o->threads;
        wl_detector *d = wl_detector_create(c, &dp);
        const wl_box *boxes = NULL;
        size_t nb = 0;
        sim_status s = wl_detect_run(d, src, &boxes, &nb, err);
        res->detections = (int)nb;
        wl_detector_destroy(d);
        wl_cascade_destroy(c);
        return s;
    }
    }
    SIM_FAIL(err, SIM_EUNSUPPORTED, NULL, 0, NULL, "kernel '%s' is not available in this build",
             wl_kernel_name(o->kind));
}

/* Grayscale of a JPEG into a JPEG, streamed in strips of GRAY_STRIP rows:
 * decode a strip (RGB, or straight to the Y plane for BT.601), convert it,
 * encode it.  The strips (~250 KB at 4000 px) stay in cache and no
 * full-size buffer is ever faulted in; the encoded bytes are those of the
 * whole-image path.  64 rows: a few libjpeg iMCU rows per call and enough
 * rows per strip for the kernel's threads. */
#define GRAY_STRIP 64

static sim_status gray_stream_rows(const wl_kernel_opts *o, wl_jpeg_reader *r, wl_jpeg_writer *w,
                                   wl_image *in, wl_image *gray, wl_kernel_result *res,
                                   sim_error *err)
{
    wl_gray_params gp;
    gp.matrix = o->matrix;
    gp.threads = o->threads;
    double kernel_s = 0;
    for (;;) {
        int rows;
        SIM_TRY(wl_jpeg_reader_rows(r, in, &rows, err));
        if (rows == 0) break;
        wl_image vin = *in, vgray = *gray;
        vin.height = vgray.height = rows;
        if (in->channels != 1) {   /* a luma-only decode needs no kernel */
            double k0 = sim_wall_seconds();
            wl_gray_run(&gp, &vin, &vgray);
            kernel_s += sim_wall_seconds() - k0;
        }
        SIM_TRY(wl_jpeg_writer_rows(w, in->channels == 1 ? &vin : &vgray, err));
    }
    res->kernel_wall_ms = 1e3 * kernel_s;
    return SIM_OK;
}

static sim_status gray_stream(const wl_kernel_opts *o, const uint8_t *buf, size_t n,
                              const char *label, wl_kernel_result *res, uint8_t **out,
                              sim_error *err)
{
    /* JFIF's Y is BT.601 luma of the encoder's RGB: for BT.601 the decoder
     * hands it over without decoding chroma (README "Image kernels"). */
    bool luma = o->matrix == WL_GRAY_BT601;
    wl_jpeg_reader *r;
    SIM_TRY(wl_jpeg_reader_open(buf, n, label, 0, 0, luma, &r, err));
    int w, h, ch;
    wl_jpeg_reader_geometry(r, &w, &h, &ch, &res->shrink);
    res->dec_w = res->out_w = w;
    res->dec_h = res->out_h = h;
    res->out_channels = 1;
    wl_jpeg_writer *jw = NULL;
    wl_image in = { 0 }, gray = { 0 };
    sim_status s = wl_jpeg_writer_open(w, h, 1, o->quality, &jw, err);
    if (s == SIM_OK) s = wl_image_alloc(&in, w, h < GRAY_STRIP ? h : GRAY_STRIP, ch, err);
    if (s == SIM_OK && ch != 1) s = wl_image_alloc(&gray, w, in.height, 1, err);
    if (s == SIM_OK) s = gray_stream_rows(o, r, jw, &in, &gray, res, err);
    if (s == SIM_OK) s = wl_jpeg_writer_finish(jw, out, &res->out_bytes, err);
    wl_jpeg_writer_destroy(jw);
    wl_jpeg_reader_destroy(r);
    wl_image_free(&in);
    wl_image_free(&gray);
    return s;
}

sim_status wl_kernel_run(const wl_kernel_opts *o, const uint8_t *buf, size_t n,
                         const char *label, wl_kernel_result *res, uint8_t **encoded,
                         sim_error *err)
{
    memset(res, 0, sizeof *res);
    if (encoded) *encoded = NULL;
    if (!wl_kernel_available(o->kind))
        SIM_FAIL(err, SIM_EUNSUPPORTED, label, 0, NULL,
                 "kernel '%s' is not available in wl_kernel_run on this build",
                 wl_kernel_name(o->kind));
    double w0 = sim_wall_seconds(), c0 = sim_cpu_seconds();
    SIM_TRY(wl_check_buffer(&o->check, buf, n, label, &res->in, err));
    if (o->kind == WL_KERNEL_GRAYSCALE && res->in.format == WL_FMT_JPEG &&
        o->out_format == WL_FMT_JPEG) {
        uint8_t *out = NULL;
        sim_status s = gray_stream(o, buf, n, label, res, &out, err);
        res->cpu_ms = 1e3 * (sim_cpu_seconds() - c0);
        res->wall_ms = 1e3 * (sim_wall_seconds() - w0);
        if (s == SIM_OK && encoded) *encoded = out;
        else free(out);
        if (s != SIM_OK && err && !err->input[0] && label)
            snprintf(err->input, sizeof err->input, "%s", label);
        return s;
    }
    wl_image src, dst;
    memset(&dst, 0, sizeof dst);
    bool shrink = o->kind == WL_KERNEL_RESIZE && o->shrink_on_load;
    SIM_TRY(wl_image_decode_scaled(buf, n, label, shrink ? o->box_w : 0,
                                   shrink ? o->box_h : 0, &src, &res->shrink, err));
    res->dec_w = src.width;
    res->dec_h = src.height;
    double k0 = sim_wall_seconds();
    sim_status s = run_kernel(o, &src, &dst, res, err);
    res->kernel_wall_ms = 1e3 * (sim_wall_seconds() - k0);
    uint8_t *out = NULL;
    if (s == SIM_OK && dst.data) s = encode(o, &dst, &out, &res->out_bytes, err);
    res->cpu_ms = 1e3 * (sim_cpu_seconds() - c0);
    res->wall_ms = 1e3 * (sim_wall_seconds() - w0);
    res->out_w = dst.width;
    res->out_h = dst.height;
    res->out_channels = dst.channels;
    wl_image_free(&src);
    wl_image_free(&dst);
    if (s == SIM_OK && encoded) *encoded = out;
    else free(out);
    if (s != SIM_OK && err && !err->input[0] && label)
        snprintf(err->input, sizeof err->input, "%s", label);
    return s;
}
