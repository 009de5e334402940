/* bench_detect.c - detection throughput over the photo set, one thread.
 *
 * Every decodable .png/.jpg in data/images (or the folder in argv[1]) is
 * run through one reused detector with the default cascade
 * (frontalface_default, scale 1.1, min_neighbors 3).  Per image: one warm-up
 * run, then the median wall time of 5 runs.  The figure is total megapixels
 * over the sum of medians:
 *   BENCH detect_mps <MP/s> MP/s
 * Decoding is not timed: this is the detector's own throughput, the part
 * `kernel detect --format json` reports as kernel_wall_ms.
 */
#include "sim/sim_io.h"
#include "workloads/image/wl_detect.h"
#include "workloads/image/wl_image.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPS 5

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int is_image(const char *n)
{
    size_t l = strlen(n);
    return (l > 4 && (strcmp(n + l - 4, ".png") == 0 || strcmp(n + l - 4, ".jpg") == 0)) ||
           (l > 5 && strcmp(n + l - 5, ".jpeg") == 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "data/images";
    sim_error err;
    sim_error_clear(&err);
    wl_cascade *c;
    if (wl_cascade_load("frontalface_default", &c, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    DIR *dp = opendir(dir);
    if (!dp) {
        fprintf(stderr, "bench_detect: cannot open %s\n", dir);
        wl_cascade_destroy(c);
        return 1;
    }
    char *names[256];
    int nn = 0;
    struct dirent *de;
    while ((de = readdir(dp)) && nn < 256)
        if (is_image(de->d_name))
            names[nn++] = sim_xstrdup(de->d_name);
    closedir(dp);
    qsort(names, (size_t)nn, sizeof *names, cmp_str);

    wl_detect_params p;
    wl_detect_params_default(&p);
    wl_detector *d = wl_detector_create(c, &p);
    double total_mp = 0, total_s = 0;
    int used = 0;
    for (int i = 0; i < nn; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        wl_image img;
        sim_error_clear(&err);
        if (wl_image_load(path, &img, &err) != SIM_OK)
            continue; /* truncated.jpg and friends are for the error tests */
        const wl_box *b;
        size_t nb;
        double t[REPS];
        wl_detect_run(d, &img, &b, &nb, &err);
        for (int r = 0; r < REPS; r++) {
            double t0 = sim_wall_seconds();
            wl_detect_run(d, &img, &b, &nb, &err);
            t[r] = sim_wall_seconds() - t0;
        }
        qsort(t, REPS, sizeof *t, cmp_double);
        double mp = (double)img.width * img.height / 1e6;
        fprintf(stderr, "bench_detect: %-24s %5dx%-5d %6.2f MP %8.1f ms %6.2f MP/s %zu boxes\n",
                names[i], img.width, img.height, mp, t[REPS / 2] * 1e3, mp / t[REPS / 2], nb);
        total_mp += mp;
        total_s += t[REPS / 2];
        used++;
        wl_image_free(&img);
    }
    for (int i = 0; i < nn; i++)
        free(names[i]);
    wl_detector_destroy(d);
    wl_cascade_destroy(c);
    if (!used) {
        fprintf(stderr, "bench_detect: no images in %s\n", dir);
        return 1;
    }
    printf("BENCH detect_mps %.3f MP/s\n", total_mp / total_s);
    return 0;
}
