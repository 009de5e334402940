/* rpt_cmd_kernel_detect.c - `lambdasim kernel detect`: run the cascade detector on one file.
 *
 * Loads the image (wl_image_load), the cascade (wl_cascade_load), runs one
 * detection and prints {"boxes": [...]} as JSON; with --format json it adds
 * the timings and the image size, as every `kernel` subcommand does
 * (README "Image kernels").  As for the other kernels, cpu_ms and
 * wall_ms cover the per-photo work of the Lambda, decoding included;
 * kernel_wall_ms is the detection alone.  Parsing the cascade is left out:
 * a Lambda does it once per execution environment, at init.
 */
#include "reports/cli/rpt_cmd.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"
#include "workloads/image/wl_detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: lambdasim kernel detect --in FILE [--cascade NAME|PATH] [--threads N]\n"
            "                               [--format text|json] [--scale-factor F]\n"
            "                               [--min-neighbors N] [--min-size N]\n"
            "\n"
            "Detects objects (faces by default) with an OpenCV Haar or LBP cascade and\n"
            "prints {\"boxes\": [{\"x\":..,\"y\":..,\"w\":..,\"h\":..}, ...]}.\n"
            "  --cascade NAME|PATH  frontalface_default (default), frontalface_alt,\n"
            "                       lbpcascade_frontalface_improved, ... from\n"
            "                       /usr/share/opencv4, or a cascade XML file\n"
            "  --threads N          OpenMP threads (default 1)\n"
            "  --format json        also print cpu_ms and wall_ms (decode + detect),\n"
            "                       kernel_wall_ms (detect), width, height, megapixels\n"
            "  --scale-factor F     pyramid step, > 1 (default 1.1)\n"
            "  --min-neighbors N    hits needed to keep a box (default 3)\n"
            "  --min-size N         smallest object side in pixels (default: window size)\n");
}

int rpt_cmd_kernel_detect(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    sim_error err;
    sim_error_clear(&err);
    const char *in = NULL, *cascade = "frontalface_default", *format = "text";
    wl_detect_params p;
    wl_detect_params_default(&p);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int64_t n;
        if (sim_cli_opt(argc, argv, &i, "--in", &v, &err)) {
            in = v;
        } else if (sim_cli_opt(argc, argv, &i, "--cascade", &v, &err)) {
            cascade = v;
        } else if (sim_cli_opt(argc, argv, &i, "--format", &v, &err)) {
            format = v;
        } else if (sim_cli_opt(argc, argv, &i, "--threads", &v, &err)) {
            if (v && sim_cli_parse_int("--threads", v, 1, 256, &n, &err) == SIM_OK)
                p.threads = (int)n;
        } else if (sim_cli_opt(argc, argv, &i, "--min-neighbors", &v, &err)) {
            if (v && sim_cli_parse_int("--min-neighbors", v, 0, 1000, &n, &err) == SIM_OK)
                p.min_neighbors = (int)n;
        } else if (sim_cli_opt(argc, argv, &i, "--min-size", &v, &err)) {
            if (v && sim_cli_parse_int("--min-size", v, 0, 1000000, &n, &err) == SIM_OK)
                p.min_size = (int)n;
        } else if (sim_cli_opt(argc, argv, &i, "--scale-factor", &v, &err)) {
            if (v)
                sim_cli_parse_double("--scale-factor", v, 1.0001, 10.0, &p.scale_factor, &err);
        } else {
            return sim_cli_usage_error("kernel detect", "unknown option '%s'", argv[i]);
        }
        if (err.code != SIM_OK)
            return sim_cli_fail(&err);
    }
    if (!in)
        return sim_cli_usage_error("kernel detect", "--in FILE is required");
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        return sim_cli_usage_error("kernel detect", "--format must be text or json, not '%s'",
                                   format);

    wl_cascade *c = NULL;
    if (wl_cascade_load(cascade, &c, &err) != SIM_OK)
        return sim_cli_fail(&err);
    wl_image img;
    double w0 = sim_wall_seconds(), c0 = sim_cpu_seconds();
    if (wl_image_load(in, &img, &err) != SIM_OK) {
        wl_cascade_destroy(c);
        return sim_cli_fail(&err);
    }
    wl_detector *d = wl_detector_create(c, &p);
    const wl_box *boxes;
    size_t nb;
    double k0 = sim_wall_seconds();
    sim_status st = wl_detect_run(d, &img, &boxes, &nb, &err);
    double now = sim_wall_seconds();
    double kwall = now - k0, wall = now - w0, cpu = sim_cpu_seconds() - c0;
    struct stat sb;
    long long bytes = stat(in, &sb) == 0 ? (long long)sb.st_size : -1;
    int rc = 0;
    if (st != SIM_OK) {
        rc = sim_cli_fail(&err);
    } else {
        json_object *root = json_object_new_object();
        json_object *arr = json_object_new_array();
        for (size_t i = 0; i < nb; i++) {
            json_object *b = json_object_new_object();
            sim_json_add_int(b, "x", boxes[i].x);
            sim_json_add_int(b, "y", boxes[i].y);
            sim_json_add_int(b, "w", boxes[i].w);
            sim_json_add_int(b, "h", boxes[i].h);
            json_object_array_add(arr, b);
        }
        json_object_object_add(root, "boxes", arr);
        if (strcmp(format, "json") == 0) {
            sim_json_add_string(root, "kernel", "detect");
            sim_json_add_string(root, "in", in);
            sim_json_add_int(root, "width", img.width);
            sim_json_add_int(root, "height", img.height);
            sim_json_add_double(root, "megapixels", (double)img.width * img.height / 1e6);
            sim_json_add_int(root, "bytes", bytes);
            sim_json_add_int(root, "threads", p.threads);
            sim_json_add_double(root, "cpu_ms", cpu * 1e3);
            sim_json_add_double(root, "wall_ms", wall * 1e3);
            sim_json_add_double(root, "kernel_wall_ms", kwall * 1e3);
            sim_json_add_string(root, "cascade", cascade);
            sim_json_add_int(root, "detections", (int64_t)nb);
        }
        char *s = sim_json_to_string(root);
        fputs(s, stdout);
        free(s);
        json_object_put(root);
    }
    wl_detector_destroy(d);
    wl_image_free(&img);
    wl_cascade_destroy(c);
    return rc;
}
