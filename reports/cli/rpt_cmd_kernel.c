/* rpt_cmd_kernel.c - `lambdasim kernel resize|grayscale|detect`.
 *
 * Runs one kernel once on one file through wl_kernel_run (check, decode,
 * kernel, encode) and reports the result and its CPU and wall time.
 * `detect` is handed whole to rpt_cmd_kernel_detect, which lives with the
 * detector (wl_detect.h), so the two can land independently.
 */
#include "reports/cli/rpt_cmd.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"
#include "workloads/image/wl_kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char k_usage[] =
    "usage: lambdasim kernel resize|grayscale|detect --in FILE [--out FILE] [--size WxH]\n"
    "                        [--cascade NAME|PATH] [--threads N] [--format text|json]\n"
    "                        [--filter lanczos3|bilinear] [--luma bt709|bt601]\n"
    "\n"
    "Runs one image kernel once, for real, on one JPEG or PNG file: checks it\n"
    "(format, 6 MB Lambda payload, dimensions), decodes it, runs the kernel and\n"
    "encodes the result (JPEG quality 75, or PNG for a .png --out).\n"
    "  resize     fit inside --size (default 128x128), aspect kept; Lanczos3 with\n"
    "             antialiasing (or --filter bilinear); JPEGs shrink on load\n"
    "  grayscale  8-bit luma, BT.709 (or --luma bt601)\n"
    "  detect     Viola-Jones objects; --cascade defaults to the frontal face\n"
    "--threads N  OpenMP threads for the kernel (default 1)\n"
    "--format json also prints cpu_ms, wall_ms, width, height, megapixels (of the\n"
    "input) and the output's size.  Times cover decode + kernel + encode.\n";

/* "WxH" with both sides in 1..16384. */
static sim_status parse_size(const char *opt, const char *s, int *w, int *h, sim_error *err)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X'))
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "option %s: '%s' is not WxH", opt, s);
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (end == p || *end != '\0')
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "option %s: '%s' is not WxH", opt, s);
    if (a < 1 || a > 16384 || b < 1 || b > 16384)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL,
                 "option %s: %ldx%ld is out of range (1..16384 each side)", opt, a, b);
    *w = (int)a;
    *h = (int)b;
    return SIM_OK;
}

static sim_status out_format(const char *path, wl_format *f, sim_error *err)
{
    const char *dot = strrchr(path, '.');
    if (dot && (strcmp(dot, ".png") == 0 || strcmp(dot, ".PNG") == 0)) *f = WL_FMT_PNG;
    else if (dot && (strcmp(dot, ".jpg") == 0 || strcmp(dot, ".jpeg") == 0 ||
                     strcmp(dot, ".JPG") == 0 || strcmp(dot, ".JPEG") == 0))
        *f = WL_FMT_JPEG;
    else
        SIM_FAIL(err, SIM_EUSAGE, path, 0, NULL,
                 "cannot tell the output format: use a .png, .jpg or .jpeg name");
    return SIM_OK;
}

static void print_result(const wl_kernel_opts *o, const char *in, const char *out,
                         const wl_kernel_result *r, bool json)
{
    double mp = (double)r->in.width * r->in.height / 1e6;
    if (!json) {
        printf("%s %s: %s %dx%d (%zu bytes, %.3f MP)", wl_kernel_name(o->kind), in,
               wl_format_name(r->in.format), r->in.width, r->in.height, r->in.bytes, mp);
        if (r->shrink > 1) printf(", shrink-on-load 1/%d to %dx%d", r->shrink, r->dec_w, r->dec_h);
        printf(" -> %dx%d %s (%zu bytes)%s%s\n", r->out_w, r->out_h,
               o->out_format == WL_FMT_PNG ? "png" : "jpeg", r->out_bytes,
               out ? " in " : "", out ? out : "");
        printf("time: %.3f ms wall, %.3f ms cpu (%d thread%s)\n", r->wall_ms, r->cpu_ms,
               o->threads, o->threads == 1 ? "" : "s");
        return;
    }
    json_object *j = json_object_new_object();
    sim_json_add_string(j, "kernel", wl_kernel_name(o->kind));
    sim_json_add_string(j, "in", in);
    sim_json_add_string(j, "format", wl_format_name(r->in.format));
    sim_json_add_int(j, "width", r->in.width);
    sim_json_add_int(j, "height", r->in.height);
    sim_json_add_double(j, "megapixels", mp);
    sim_json_add_int(j, "bytes", (int64_t)r->in.bytes);
    sim_json_add_int(j, "threads", o->threads);
    sim_json_add_double(j, "cpu_ms", r->cpu_ms);
    sim_json_add_double(j, "wall_ms", r->wall_ms);
    sim_json_add_double(j, "kernel_wall_ms", r->kernel_wall_ms);
    if (o->kind == WL_KERNEL_RESIZE) {
        sim_json_add_string(j, "filter", wl_filter_name(o->filter));
        sim_json_add_int(j, "shrink_on_load", r->shrink);
    } else {
        sim_json_add_string(j, "luma", o->matrix == WL_GRAY_BT601 ? "bt601" : "bt709");
    }
    sim_json_add_int(j, "out_width", r->out_w);
    sim_json_add_int(j, "out_height", r->out_h);
    sim_json_add_string(j, "out_format", o->out_format == WL_FMT_PNG ? "png" : "jpeg");
    sim_json_add_int(j, "out_bytes", (int64_t)r->out_bytes);
    if (out) sim_json_add_string(j, "out", out);
    char *s = sim_json_to_string(j);
    fputs(s, stdout);
    free(s);
    json_object_put(j);
}

int rpt_cmd_kernel(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "detect") == 0)
        return rpt_cmd_kernel_detect(argc - 1, argv + 1);
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        return 0;
    }
    if (argc < 2 || argv[1][0] == '-')
        return sim_cli_usage_error("kernel", "missing kernel name (resize, grayscale or detect)");
    sim_error err;
    sim_error_clear(&err);
    wl_kernel_kind kind;
    if (wl_kernel_parse(argv[1], &kind, &err) != SIM_OK) return sim_cli_fail(&err);
    wl_kernel_opts o;
    wl_kernel_opts_default(&o, kind);
    const char *in = NULL, *out = NULL, *v = NULL;
    bool json = false, have_size = false;
    for (int i = 2; i < argc; i++) {
        if (sim_cli_opt(argc, argv, &i, "--in", &v, &err)) {
            in = v;
        } else if (sim_cli_opt(argc, argv, &i, "--out", &v, &err)) {
            out = v;
        } else if (sim_cli_opt(argc, argv, &i, "--size", &v, &err)) {
            if (v && parse_size("--size", v, &o.box_w, &o.box_h, &err) != SIM_OK)
                return sim_cli_fail(&err);
            have_size = true;
        } else if (sim_cli_opt(argc, argv, &i, "--cascade", &v, &err)) {
            if (v)
                return sim_cli_usage_error("kernel", "--cascade applies to 'kernel detect' only");
        } else if (sim_cli_opt(argc, argv, &i, "--threads", &v, &err)) {
            int64_t t;
            if (v && sim_cli_parse_int("--threads", v, 1, 256, &t, &err) != SIM_OK)
                return sim_cli_fail(&err);
            if (v) o.threads = (int)t;
        } else if (sim_cli_opt(argc, argv, &i, "--format", &v, &err)) {
            if (v && strcmp(v, "json") == 0) json = true;
            else if (v && strcmp(v, "text") == 0) json = false;
            else if (v)
                return sim_cli_usage_error("kernel", "--format must be text or json, not '%s'", v);
        } else if (sim_cli_opt(argc, argv, &i, "--filter", &v, &err)) {
            if (v && wl_filter_parse(v, &o.filter, &err) != SIM_OK) return sim_cli_fail(&err);
        } else if (sim_cli_opt(argc, argv, &i, "--luma", &v, &err)) {
            if (v && wl_gray_matrix_parse(v, &o.matrix, &err) != SIM_OK)
                return sim_cli_fail(&err);
        } else {
            return sim_cli_usage_error("kernel", "unknown option '%s'", argv[i]);
        }
        if (err.code != SIM_OK) return sim_cli_fail(&err);
    }
    if (!in) return sim_cli_usage_error("kernel", "--in FILE is required");
    if (have_size && kind != WL_KERNEL_RESIZE)
        return sim_cli_usage_error("kernel", "--size applies to 'kernel resize' only");
    if (out && out_format(out, &o.out_format, &err) != SIM_OK) return sim_cli_fail(&err);

    char *buf = NULL;
    size_t n = 0;
    if (sim_read_file(in, &buf, &n, &err) != SIM_OK) return sim_cli_fail(&err);
    wl_kernel_result r;
    uint8_t *enc = NULL;
    sim_status s = wl_kernel_run(&o, (const uint8_t *)buf, n, in, &r, out ? &enc : NULL, &err);
    free(buf);
    if (s == SIM_OK && out) s = sim_write_file_atomic(out, enc, r.out_bytes, &err);
    free(enc);
    if (s != SIM_OK) return sim_cli_fail(&err);
    print_result(&o, in, out, &r, json);
    return 0;
}
