/* rpt_cmd_schema.c - `lambdasim schema`: the JSON Schema (draft 2020-12) of
 * an input file, or its key table in Markdown, generated from the option
 * tables the readers use (sim/sim_opt.h), so neither can drift from the
 * parser. */
#include "models/config/mdl_config.h"
#include "models/pricing/mdl_usage.h"
#include "models/sizing/mdl_perf.h"
#include "reports/cli/rpt_cmd.h"
#include "sim/sim_cli.h"
#include "sim/sim_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char k_usage[] =
    "usage: lambdasim schema config|usage|profile|dist [--markdown]\n"
    "\n"
    "Prints the JSON Schema (draft 2020-12) of an input file, generated from the\n"
    "same tables as its parser:\n"
    "  config   a run config (run, compare, sweep; README \"Config keys\")\n"
    "  usage    a usage file (cost; README \"Costing\")\n"
    "  profile  a kernel profile (size --profile, a config's kernel.profile; the\n"
    "           output of `lambdasim profile`)\n"
    "  dist     a distribution {\"dist\": ...} (README \"Distributions\")\n"
    "--markdown prints the README's key table instead.  The schema says what each\n"
    "key may be; the parser also checks rules across keys (a target names a\n"
    "function, warmup_s < duration_s, ...).\n";

static json_object *dist_document(void)
{
    json_object *o = json_object_new_object();
    sim_json_add_string(o, "$schema", "https://json-schema.org/draft/2020-12/schema");
    sim_json_add_string(o, "$id", "urn:lambdasim:schema:dist");
    sim_json_add_string(o, "title", "lambdasim distribution");
    json_object *d = sim_dist_schema();
    json_object_object_foreach(d, k, v) json_object_object_add(o, k, json_object_get(v));
    json_object_put(d);
    return o;
}

static const struct {
    const char *name;
    json_object *(*schema)(void);
    void (*markdown)(FILE *fp);
} k_schemas[] = {
    { "config", mdl_config_schema, mdl_config_markdown },
    { "usage", mdl_usage_schema, mdl_usage_markdown },
    { "profile", mdl_perf_profile_schema, mdl_perf_profile_markdown },
    { "dist", dist_document, sim_dist_markdown },
};

int rpt_cmd_schema(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        return 0;
    }
    const char *what = NULL;
    bool markdown = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--markdown") == 0) markdown = true;
        else if (argv[i][0] == '-') return sim_cli_usage_error("schema", "unknown option '%s'", argv[i]);
        else if (what) return sim_cli_usage_error("schema", "one of config, usage, profile, dist");
        else what = argv[i];
    }
    if (!what) return sim_cli_usage_error("schema", "config, usage, profile or dist is required");
    for (size_t i = 0; i < sizeof k_schemas / sizeof k_schemas[0]; i++) {
        if (strcmp(what, k_schemas[i].name) != 0) continue;
        if (markdown) {
            k_schemas[i].markdown(stdout);
            return 0;
        }
        json_object *s = k_schemas[i].schema();
        char *text = sim_json_to_string(s);
        fputs(text, stdout);
        free(text);
        json_object_put(s);
        return 0;
    }
    return sim_cli_usage_error("schema", "unknown schema '%s' (config, usage, profile, dist)", what);
}
