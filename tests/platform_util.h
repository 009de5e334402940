/* platform_util.h - helpers shared by the platform test programs: run a
 * config given as text and read figures from the results by dotted path. */
#ifndef PLATFORM_UTIL_H
#define PLATFORM_UTIL_H

#include "models/scenario/mdl_scenario.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Build a scenario from a config text (cfg is the caller's, fini it after
 * destroying the scenario); NULL and a message on a config error. */
static mdl_scenario *build_text(const char *text, uint64_t seed, mdl_config *cfg)
{
    sim_json_doc doc;
    sim_error err;
    if (sim_json_doc_parse(&doc, text, "test.json", &err) != SIM_OK ||
        mdl_config_from_doc(cfg, &doc, NULL, &err) != SIM_OK) {
        char buf[2048];
        sim_error_format(&err, buf, sizeof buf);
        printf("config error: %s\n", buf);
        fflush(stdout);
        sim_json_doc_fini(&doc);
        return NULL;
    }
    sim_json_doc_fini(&doc);
    mdl_scenario *s = NULL;
    if (mdl_scenario_create(cfg, seed, 0, &s, &err) != SIM_OK) {
        printf("scenario error: %s\n", err.msg);
        mdl_config_fini(cfg);
        return NULL;
    }
    return s;
}

/* Run a config text with a seed; the results JSON (caller owns).  A config
 * error is printed and gives an empty object, so checks on it fail. */
static json_object *run_text(const char *text, uint64_t seed)
{
    mdl_config cfg;
    sim_error err;
    mdl_scenario *s = build_text(text, seed, &cfg);
    if (!s) return json_object_new_object();
    mdl_scenario_run(s, &err);
    json_object *r = mdl_scenario_results(s);
    mdl_scenario_destroy(s);
    mdl_config_fini(&cfg);
    return r;
}

/* The number at a dotted path, NaN (and a message) when missing. */
static double J(json_object *o, const char *path)
{
    double v = sim_json_number_at(o, path);
    if (isnan(v)) printf("missing JSON path %s\n", path);
    return v;
}

#endif /* PLATFORM_UTIL_H */
