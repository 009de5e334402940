/* rpt_cmd_import.c - `lambdasim import terraform`: a plan or a state, as
 * `terraform show -json` prints it, -> a lambdasim config (README "From
 * Terraform").  Reading is models/terraform/mdl_tf.h, the mapping
 * mdl_tf_map.h; this file reads the options, writes the config (a temporary
 * file renamed, or stdout) and says what the import could not do: warnings,
 * placeholders with a hint each, and hints, on stderr. */
#include "reports/cli/rpt_cmd.h"
#include "models/terraform/mdl_tf.h"
#include "models/terraform/mdl_tf_map.h"

#include "sim/sim_cli.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char k_usage[] =
    "usage: lambdasim import terraform FILE.json [--out FILE.json] [--workload FILE.json]\n"
    "                                  [--format text|json]\n"
    "       lambdasim import terraform --mapping (the mapping table, as Markdown)\n"
    "\n"
    "Reads FILE.json, what `terraform show -json` prints for a saved plan (terraform\n"
    "plan -out p; terraform show -json p) or for a state, and writes a lambdasim\n"
    "config: an entry per front door (Function URL, HTTP or REST API, notified\n"
    "bucket), functions, queues and their consumers, buckets, state machines and\n"
    "tables (README \"From Terraform\").  What Terraform cannot say (traffic, handler\n"
    "durations, calls) comes from the workload file; without it the config holds\n"
    "placeholders, each named on stderr with a hint, as are the resources that are\n"
    "not simulated.\n"
    "  --out FILE        write the config there (default: stdout)\n"
    "  --workload FILE   W.json: entries' workloads, functions' service_time, kernel\n"
    "                    and calls, state machine templates (README \"From Terraform\")\n"
    "  --format text|json  the summary printed with --out (default text)\n"
    "  --mapping         print the mapping table (resource, attribute, config key,\n"
    "                    AWS default) as Markdown\n"
    "Exit 0 on success (placeholders included), 2 for a bad plan or workload file\n"
    "(the message names the file, line and resource address).\n";

typedef struct import_opts {
    const char *plan, *out, *workload, *format;
    bool mapping;
} import_opts;

static int parse_args(int argc, char **argv, import_opts *o)
{
    sim_error err;
    sim_error_clear(&err);
    memset(o, 0, sizeof *o);
    o->format = "text";
    if (argc < 2)
        return sim_cli_usage_error("import", "say what to import: lambdasim import terraform "
                                   "FILE.json");
    if (strcmp(argv[1], "terraform") != 0)
        return sim_cli_usage_error("import", "unknown source '%s' (terraform is the one)", argv[1]);
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        if (sim_cli_opt(argc, argv, &i, "--out", &v, &err))
            o->out = v;
        else if (sim_cli_opt(argc, argv, &i, "--workload", &v, &err))
            o->workload = v;
        else if (sim_cli_opt(argc, argv, &i, "--format", &v, &err))
            o->format = v;
        else if (strcmp(argv[i], "--mapping") == 0)
            o->mapping = true;
        else if (argv[i][0] != '-' && !o->plan)
            o->plan = argv[i];
        else
            return sim_cli_usage_error("import", "unknown argument '%s'", argv[i]);
        if (err.code != SIM_OK)
            return sim_cli_fail(&err);
    }
    if (strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0)
        return sim_cli_usage_error("import", "--format must be text or json, not '%s'", o->format);
    if (!o->plan && !o->mapping)
        return sim_cli_usage_error("import", "give the plan: lambdasim import terraform FILE.json");
    if (strcmp(o->format, "json") == 0 && !o->out)
        return sim_cli_usage_error("import", "--format json prints a summary beside --out: the "
                                   "config itself goes to stdout without --out");
    return 0;
}

/* What the import could not do, one line each, on stderr. */
static void report_notes(const mdl_tf_import *im)
{
    size_t n = json_object_array_length(im->not_simulated);
    if (n) {
        fputs("lambdasim: warning: not simulated:", stderr);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%s %s", i ? "," : "",
                    json_object_get_string(json_object_array_get_idx(im->not_simulated, i)));
        fputc('\n', stderr);
    }
    for (size_t i = 0; i < json_object_array_length(im->warnings); i++)
        fprintf(stderr, "lambdasim: warning: %s\n",
                json_object_get_string(json_object_array_get_idx(im->warnings, i)));
    for (size_t i = 0; i < json_object_array_length(im->placeholders); i++) {
        json_object *p = json_object_array_get_idx(im->placeholders, i), *path = NULL, *hint = NULL;
        json_object_object_get_ex(p, "path", &path);
        json_object_object_get_ex(p, "hint", &hint);
        fprintf(stderr, "lambdasim: placeholder: %s: %s (give it in --workload W.json at %s)\n",
                json_object_get_string(path), json_object_get_string(hint),
                json_object_get_string(path));
    }
    for (size_t i = 0; i < json_object_array_length(im->hints); i++)
        fprintf(stderr, "lambdasim: hint: %s\n",
                json_object_get_string(json_object_array_get_idx(im->hints, i)));
}

static int count_of(json_object *config, const char *key)
{
    json_object *o = NULL;
    return json_object_object_get_ex(config, key, &o) ? json_object_object_length(o) : 0;
}

static json_object *summary(const mdl_tf_plan *p, const mdl_tf_import *im, const char *out)
{
    static const char *const sections[] = { "entries", "functions", "queues", "buckets",
                                            "state_machines", "tables", NULL };
    json_object *s = json_object_new_object(), *src = json_object_new_object();
    json_object *counts = json_object_new_object();
    sim_json_add_string(s, "out", out);
    sim_json_add_string(src, "file", mdl_tf_input(p));
    sim_json_add_string(src, "kind", mdl_tf_kind_of(p) == MDL_TF_PLAN ? "plan" : "state");
    sim_json_add_string(src, "format_version", mdl_tf_format_version(p));
    sim_json_add_string(src, "terraform_version", mdl_tf_terraform_version(p));
    sim_json_add_string(src, "region", mdl_tf_region(p));
    sim_json_add_int(src, "resources", (int64_t)mdl_tf_count(p));
    json_object_object_add(s, "source", src);
    for (const char *const *k = sections; *k; k++)
        sim_json_add_int(counts, *k, count_of(im->config, *k));
    json_object_object_add(s, "counts", counts);
    json_object_object_add(s, "resources", json_object_get(im->resources));
    json_object_object_add(s, "not_simulated", json_object_get(im->not_simulated));
    json_object_object_add(s, "warnings", json_object_get(im->warnings));
    json_object_object_add(s, "placeholders", json_object_get(im->placeholders));
    json_object_object_add(s, "hints", json_object_get(im->hints));
    return s;
}

static void print_summary(const mdl_tf_plan *p, const mdl_tf_import *im, const import_opts *o)
{
    if (strcmp(o->format, "json") == 0) {
        json_object *s = summary(p, im, o->out);
        char *t = sim_json_to_string(s);
        fputs(t, stdout);
        free(t);
        json_object_put(s);
        return;
    }
    printf("wrote %s from the %s %s (Terraform %s, format %s, %s): entries %d, functions %d, "
           "queues %d, buckets %d, state machines %d, tables %d; not simulated %zu of %zu "
           "resources; placeholders %zu\n", o->out, mdl_tf_kind_of(p) == MDL_TF_PLAN ? "plan" : "state",
           mdl_tf_input(p), mdl_tf_terraform_version(p)[0] ? mdl_tf_terraform_version(p) : "?",
           mdl_tf_format_version(p), mdl_tf_region(p), count_of(im->config, "entries"),
           count_of(im->config, "functions"), count_of(im->config, "queues"),
           count_of(im->config, "buckets"), count_of(im->config, "state_machines"),
           count_of(im->config, "tables"), json_object_array_length(im->not_simulated),
           mdl_tf_count(p), json_object_array_length(im->placeholders));
}

static int run_import(const import_opts *o)
{
    sim_error err;
    sim_error_clear(&err);
    mdl_tf_plan *p = NULL;
    sim_json_doc w;
    memset(&w, 0, sizeof w);
    mdl_tf_import im;
    memset(&im, 0, sizeof im);
    sim_status s = mdl_tf_load(o->plan, &p, &err);
    if (s == SIM_OK && o->workload)
        s = sim_json_doc_load(&w, o->workload, &err);
    if (s == SIM_OK)
        s = mdl_tf_import_build(p, o->workload ? &w : NULL, &im, &err);
    char *text = s == SIM_OK ? sim_json_to_string(im.config) : NULL;
    if (s == SIM_OK && o->out)
        s = sim_write_file_atomic(o->out, text, strlen(text), &err);
    int rc = 0;
    if (s != SIM_OK) {
        rc = sim_cli_fail(&err);
    } else {
        if (!o->out)
            fputs(text, stdout);
        report_notes(&im);
        if (o->out)
            print_summary(p, &im, o);
    }
    free(text);
    mdl_tf_import_fini(&im);
    sim_json_doc_fini(&w);
    mdl_tf_destroy(p);
    return rc;
}

int rpt_cmd_import(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        return 0;
    }
    import_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc;
    if (o.mapping) {
        mdl_tf_mapping_markdown(stdout);
        return 0;
    }
    return run_import(&o);
}
