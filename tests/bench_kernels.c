/* bench_kernels.c - thumbnail and grayscale speed against libvips and ImageMagick.
 *
 * Photo set: every JPEG/PNG in data/images (except truncated.jpg) plus
 * 12 MP (4000x3000) quality-90 re-encodes of five of them, generated
 * deterministically into build/bench-images/ on first run (the phone-camera
 * end of the size range; multi-MB files are not committed).
 *
 * Comparison (single-threaded everywhere; same files; 128x128 thumbnails;
 * JPEG quality 75, vips's default): file to file.  Each tool reads every
 * photo from disk, decodes it (shrink-on-load for JPEGs where the tool does
 * it), resizes and writes an encoded JPEG.
 *   ours:  this process, wl_kernel_run per file, REPEAT passes over the set.
 *   vips:  one `vipsthumbnail` process given the whole set REPEAT times
 *          (VIPS_CONCURRENCY=1), so its start-up is paid once, as ours is.
 *   IM:    `convert FILE -thumbnail 128x128 OUT` per file (the issue's
 *          command; ImageMagick has no batch thumbnail mode), 1 thread.
 * Each tool's process start-up (timed on a 1x1 PNG) is subtracted, since
 * ours runs in-process.  Times are CPU time (user + sys: ours of this
 * process, the tools' of their processes and threads), steadier than wall
 * time on the shared VM; figures are medians of 3 timings.
 * gray_vs_vips: grayscale of the five 12 MP JPEGs file to file, ours
 * (wl_kernel_run, BT.709) against `vips colourspace IN OUT.jpg[Q=75] b-w`
 * one process per file (VIPS_CONCURRENCY=1); gray601_vs_vips the same
 * with BT.601, which decodes only the JPEG's Y plane.  gray_gbps is the
 * grayscale kernel alone on a decoded 12 MP RGB image, counting input bytes
 * (3 per pixel); resize_kernel_mps is the Lanczos3 resampler alone,
 * 12 MP -> 128x96.
 */
#include "sim/sim_io.h"
#include "workloads/image/wl_gray.h"
#include "workloads/image/wl_kernel.h"
#include "workloads/image/wl_resize.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_FILES 64
#define REPEAT 3
#define TIMINGS 3

static const char *const k_large_src[] = { "astronaut.png", "chelsea.png", "coffee.png",
                                           "motorcycle_left.png", "rocket.jpg" };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median3(double *v)
{
    qsort(v, TIMINGS, sizeof *v, cmp_double);
    return v[TIMINGS / 2];
}

static int make_large(const char *src, const char *dst)
{
    struct stat st;
    if (stat(dst, &st) == 0) return 0;
    sim_error err;
    sim_error_clear(&err);
    wl_image in, out;
    if (wl_image_load(src, &in, &err) != SIM_OK) goto fail;
    wl_resize_params p;
    wl_resize_params_default(&p);
    p.in_w = in.width;
    p.in_h = in.height;
    p.out_w = 4000;
    p.out_h = 3000;
    p.channels = in.channels;
    wl_resize_plan *plan;
    if (wl_resize_plan_create(&p, &plan, &err) != SIM_OK) goto fail;
    if (wl_image_alloc(&out, 4000, 3000, in.channels, &err) != SIM_OK) goto fail;
    wl_resize_run(plan, &in, &out);
    wl_resize_plan_destroy(plan);
    if (wl_image_save(&out, dst, 90, &err) != SIM_OK) goto fail;
    wl_image_free(&in);
    wl_image_free(&out);
    return 0;
fail:
    sim_error_print(&err, stderr);
    return -1;
}

static int is_photo(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcmp(dot, ".png") == 0 || strcmp(dot, ".jpg") == 0) &&
           strcmp(name, "truncated.jpg") != 0;
}

static int list_dir(const char *dir, char files[][512], int n)
{
    DIR *d = opendir(dir);
    if (!d) return n;
    struct dirent *e;
    while ((e = readdir(d)) && n < MAX_FILES)
        if (is_photo(e->d_name)) snprintf(files[n++], 512, "%s/%s", dir, e->d_name);
    closedir(d);
    return n;
}

static double children_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

/* Run a shell command: the CPU seconds it and its children used (user +
 * sys, every thread), or -1 when it failed. */
static double run_cmd(const char *cmd)
{
    double c0 = children_cpu();
    int rc = system(cmd);
    double t = children_cpu() - c0;
    return rc == 0 ? t : -1.0;
}

/* One grayscale file to file: read, wl_kernel_run, write; adds the
 * photo's megapixels to *mp when mp is not NULL. */
static sim_status gray_file(const wl_kernel_opts *o, const char *file, const char *outdir,
                            const char *tag, double *mp, sim_error *err)
{
    char *buf, path[1200];
    size_t n;
    SIM_TRY(sim_read_file(file, &buf, &n, err));
    wl_kernel_result res;
    uint8_t *enc;
    sim_status s = wl_kernel_run(o, (uint8_t *)buf, n, file, &res, &enc, err);
    free(buf);
    if (s != SIM_OK) return s;
    snprintf(path, sizeof path, "%s/ours_gray%s_%s", outdir, tag, strrchr(file, '/') + 1);
    s = sim_write_file_atomic(path, enc, res.out_bytes, err);
    free(enc);
    if (mp) *mp += (double)res.in.width * res.in.height / 1e6;
    return s;
}

int main(void)
{
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    char dir[512], outdir[600], path[1200];
    snprintf(dir, sizeof dir, "%s/bench-images", build);
    snprintf(outdir, sizeof outdir, "%s/bench-out", build);
    sim_error err;
    sim_error_clear(&err);
    if (sim_mkdir_p(dir, &err) != SIM_OK || sim_mkdir_p(outdir, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    for (size_t i = 0; i < sizeof k_large_src / sizeof k_large_src[0]; i++) {
        char src[600], base[256];
        snprintf(src, sizeof src, "data/images/%s", k_large_src[i]);
        snprintf(base, sizeof base, "%s", k_large_src[i]);
        *strrchr(base, '.') = '\0';
        snprintf(path, sizeof path, "%s/%s_12mp.jpg", dir, base);
        if (make_large(src, path) != 0) return 1;
    }
    static char files[MAX_FILES][512];
    int nf = list_dir("data/images", files, 0);
    nf = list_dir(dir, files, nf);

    /* Ours, file to file. */
    wl_kernel_opts o;
    wl_kernel_opts_default(&o, WL_KERNEL_RESIZE);
    double mp = 0, t_ours[TIMINGS];
    for (int t = 0; t < TIMINGS; t++) {
        double t0 = sim_cpu_seconds();
        for (int r = 0; r < REPEAT; r++)
            for (int i = 0; i < nf; i++) {
                char *buf;
                size_t n;
                if (sim_read_file(files[i], &buf, &n, &err) != SIM_OK) goto fail;
                wl_kernel_result res;
                uint8_t *enc;
                if (wl_kernel_run(&o, (uint8_t *)buf, n, files[i], &res, &enc, &err) != SIM_OK)
                    goto fail;
                free(buf);
                const char *slash = strrchr(files[i], '/');
                snprintf(path, sizeof path, "%s/ours_%s.jpg", outdir, slash + 1);
                sim_status s = sim_write_file_atomic(path, enc, res.out_bytes, &err);
                free(enc);
                if (s != SIM_OK) goto fail;
                if (t == 0 && r == 0) mp += (double)res.in.width * res.in.height / 1e6;
            }
        t_ours[t] = sim_cpu_seconds() - t0;
    }
    double ours = median3(t_ours) / REPEAT;
    printf("BENCH thumb_128_mps %.1f MP/s\n", mp / ours);
    fprintf(stderr, "bench_kernels: %d photos, %.1f MP; ours %.1f ms per pass\n", nf, mp,
            1e3 * ours);

    /* Process start-up of each tool, timed on a 1x1 PNG and subtracted
     * from its figures (ours runs in this process and pays none). */
    char tiny[700];
    snprintf(tiny, sizeof tiny, "%s/tiny_1x1.png", outdir);
    wl_image one;
    if (wl_image_alloc(&one, 1, 1, 3, &err) != SIM_OK) goto fail;
    memset(one.data, 128, 3);
    if (wl_image_save(&one, tiny, 90, &err) != SIM_OK) goto fail;
    wl_image_free(&one);

    /* vipsthumbnail: one process over the set, REPEAT times. */
    size_t cap = 64 * 1024;
    char *cmd = sim_xmalloc(cap);
    int len = snprintf(cmd, cap, "VIPS_CONCURRENCY=1 vipsthumbnail");
    for (int r = 0; r < REPEAT; r++)
        for (int i = 0; i < nf; i++)
            len += snprintf(cmd + len, cap - (size_t)len, " %s", files[i]);
    /* vipsthumbnail resolves a relative -o against each input's folder. */
    char cwd[512];
    if (!getcwd(cwd, sizeof cwd)) snprintf(cwd, sizeof cwd, ".");
    snprintf(cmd + len, cap - (size_t)len,
             " -s 128x128 -o '%s%s%s/vips_%%s.jpg[Q=75]' 2>/dev/null",
             outdir[0] == '/' ? "" : cwd, outdir[0] == '/' ? "" : "/", outdir);
    double tv[TIMINGS], sv[TIMINGS];
    for (int t = 0; t < TIMINGS; t++) tv[t] = run_cmd(cmd);
    char *one_cmd = sim_xmalloc(cap);
    snprintf(one_cmd, cap, "VIPS_CONCURRENCY=1 vipsthumbnail %s -s 128x128 -o '%s%s%s/vips_tiny.jpg' "
             "2>/dev/null", tiny, outdir[0] == '/' ? "" : cwd, outdir[0] == '/' ? "" : "/", outdir);
    for (int t = 0; t < TIMINGS; t++) sv[t] = run_cmd(one_cmd);
    double vips_start = median3(sv);
    double vips = (median3(tv) - vips_start) / REPEAT;
    if (tv[0] > 0) {
        printf("BENCH thumb_vs_vips %.3f x\n", ours / vips);
        fprintf(stderr, "bench_kernels: vipsthumbnail %.1f ms per pass (start-up %.1f ms "
                "subtracted)\n", 1e3 * vips, 1e3 * vips_start);
    } else {
        fprintf(stderr, "bench_kernels: vipsthumbnail failed or missing (scripts/deps.sh --bench)\n");
    }

    /* ImageMagick convert, one process per file, one pass per timing. */
    const char *conv = access("/usr/bin/convert-im6.q16", X_OK) == 0 ? "/usr/bin/convert-im6.q16"
                                                                     : "convert";
    double ti[TIMINGS], si[TIMINGS];
    snprintf(one_cmd, cap, "MAGICK_THREAD_LIMIT=1 %s %s -thumbnail 128x128 %s/im_tiny.jpg "
             "2>/dev/null", conv, tiny, outdir);
    for (int t = 0; t < TIMINGS; t++) si[t] = run_cmd(one_cmd);
    double im_start = median3(si);
    free(one_cmd);
    for (int t = 0; t < TIMINGS; t++) {
        double sum = 0;
        for (int i = 0; i < nf && sum >= 0; i++) {
            const char *slash = strrchr(files[i], '/');
            snprintf(cmd, cap, "MAGICK_THREAD_LIMIT=1 %s %s -thumbnail 128x128 -quality 75 "
                     "%s/im_%s.jpg 2>/dev/null", conv, files[i], outdir, slash + 1);
            double d = run_cmd(cmd);
            sum = d < 0 ? -1 : sum + d - im_start;
        }
        ti[t] = sum;
    }
    if (ti[0] > 0) {
        double im = median3(ti);
        printf("BENCH thumb_vs_imagemagick %.3f x\n", ours / im);
        fprintf(stderr, "bench_kernels: ImageMagick %.1f ms per pass (start-up %.1f ms per "
                "file subtracted)\n", 1e3 * im, 1e3 * im_start);
    } else {
        fprintf(stderr, "bench_kernels: convert failed or missing (scripts/deps.sh --bench)\n");
    }

    /* Grayscale end to end on the 12 MP photos: ours (BT.709, the default,
     * and BT.601, which decodes only the Y plane) against `vips colourspace
     * IN OUT b-w` per file, start-up (the 1x1 PNG) subtracted per file. */
    static char big[8][512];
    int nb = list_dir(dir, big, 0);
    double tg709[TIMINGS], tg601[TIMINGS], tgv[TIMINGS], sgv[TIMINGS], gmp = 0;
    for (int t = 0; t < TIMINGS; t++) {
        for (int m = 0; m < 2; m++) {
            wl_kernel_opts go;
            wl_kernel_opts_default(&go, WL_KERNEL_GRAYSCALE);
            go.matrix = m ? WL_GRAY_BT601 : WL_GRAY_BT709;
            double t0 = sim_cpu_seconds();
            for (int i = 0; i < nb; i++)
                if (gray_file(&go, big[i], outdir, m ? "601" : "709", t == 0 && m == 0 ? &gmp : NULL,
                              &err) != SIM_OK)
                    goto fail;
            (m ? tg601 : tg709)[t] = sim_cpu_seconds() - t0;
        }
        snprintf(cmd, cap, "VIPS_CONCURRENCY=1 vips colourspace %s '%s/vips_gray_tiny.jpg[Q=75]' "
                 "b-w 2>/dev/null", tiny, outdir);
        sgv[t] = run_cmd(cmd);
        double sum = 0;
        for (int i = 0; i < nb && sum >= 0; i++) {
            const char *slash = strrchr(big[i], '/');
            snprintf(cmd, cap, "VIPS_CONCURRENCY=1 vips colourspace %s '%s/vips_gray_%s[Q=75]' "
                     "b-w 2>/dev/null", big[i], outdir, slash + 1);
            double d = run_cmd(cmd);
            sum = d < 0 ? -1 : sum + d;
        }
        tgv[t] = sum;
    }
    if (tgv[0] > 0 && nb > 0) {
        double vstart = median3(sgv), vg = median3(tgv) - nb * vstart;
        double o709 = median3(tg709), o601 = median3(tg601);
        printf("BENCH gray_vs_vips %.3f x\n", o709 / vg);
        printf("BENCH gray601_vs_vips %.3f x\n", o601 / vg);
        fprintf(stderr, "bench_kernels: grayscale of %d 12 MP JPEGs (%.1f MP), CPU: ours %.1f ms "
                "(BT.709) / %.1f ms (BT.601), vips %.1f ms (start-up %.1f ms per file "
                "subtracted)\n", nb, gmp, 1e3 * o709, 1e3 * o601, 1e3 * vg, 1e3 * vstart);
    } else {
        fprintf(stderr, "bench_kernels: vips failed or missing (scripts/deps.sh --bench)\n");
    }
    free(cmd);

    /* Grayscale kernel alone, one thread, on a 12 MP RGB image. */
    snprintf(path, sizeof path, "%s/coffee_12mp.jpg", dir);
    wl_image rgb, gray;
    if (wl_image_load(path, &rgb, &err) != SIM_OK) goto fail;
    if (wl_image_alloc(&gray, rgb.width, rgb.height, 1, &err) != SIM_OK) goto fail;
    wl_gray_params gp;
    wl_gray_params_default(&gp);
    double tg[TIMINGS];
    const int reps = 20;
    for (int t = 0; t < TIMINGS; t++) {
        double t0 = sim_cpu_seconds();
        for (int r = 0; r < reps; r++) wl_gray_run(&gp, &rgb, &gray);
        tg[t] = (sim_cpu_seconds() - t0) / reps;
    }
    double bytes = (double)rgb.width * rgb.height * 3;
    printf("BENCH gray_gbps %.2f GB/s\n", bytes / median3(tg) / 1e9);

    /* The resize kernel alone on the full 12 MP image (no shrink-on-load):
     * what a decoder without DCT scaling (PNG) leaves to the resampler. */
    wl_resize_params rp;
    wl_resize_params_default(&rp);
    rp.in_w = rgb.width;
    rp.in_h = rgb.height;
    wl_image_fit(rgb.width, rgb.height, 128, 128, &rp.out_w, &rp.out_h);
    rp.channels = 3;
    wl_resize_plan *plan;
    wl_image thumb;
    if (wl_resize_plan_create(&rp, &plan, &err) != SIM_OK) goto fail;
    if (wl_image_alloc(&thumb, rp.out_w, rp.out_h, 3, &err) != SIM_OK) goto fail;
    double tr[TIMINGS];
    for (int t = 0; t < TIMINGS; t++) {
        double t0 = sim_cpu_seconds();
        for (int r = 0; r < 5; r++) wl_resize_run(plan, &rgb, &thumb);
        tr[t] = (sim_cpu_seconds() - t0) / 5;
    }
    printf("BENCH resize_kernel_mps %.1f MP/s\n", rgb.width * (double)rgb.height / 1e6 / median3(tr));
    wl_resize_plan_destroy(plan);
    wl_image_free(&thumb);
    wl_image_free(&rgb);
    wl_image_free(&gray);
    return 0;
fail:
    sim_error_print(&err, stderr);
    return 1;
}
