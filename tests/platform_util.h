/* platform_util.h - helpers shared by the platform test programs: run a
 * config given as text and read figures from the results by dotted path. */
#ifndef PLATFORM_UTIL_H
#define PLATFORM_UTIL_H

#include "models/mdl_scenario.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Run a config text with a seed; the results JSON (caller owns).  A config
 * error is printed and gives an empty object, so checks on it fail. */
static json_object *run_text(const char *text, uint64_t seed)
{
    sim_json_doc doc;
    sim_error err;
    mdl_config cfg;
    if (sim_json_doc_parse(&doc, text, "test.json", &err) != SIM_OK ||
        mdl_config_from_doc(&cfg, &doc, &err) != SIM_OK) {
        char buf[2048];
        sim_error_format(&err, buf, sizeof buf);
        printf("config error: %s\n", buf);
        sim_json_doc_fini(&doc);
        return json_object_new_object();
    }
    sim_json_doc_fini(&doc);
    mdl_scenario *s;
    mdl_scenario_create(&cfg, seed, 0, &s, &err);
    mdl_scenario_run(s, &err);
    json_object *r = mdl_scenario_results(s);
    mdl_scenario_destroy(s);
    mdl_config_fini(&cfg);
    return r;
}

/* The number at a dotted path, NaN (and a message) when missing. */
static double J(json_object *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_object *cur = o;
    for (char *t = strtok(buf, "."); t; t = strtok(NULL, "."))
        if (!json_object_object_get_ex(cur, t, &cur)) {
            printf("missing JSON path %s\n", path);
            return NAN;
        }
    return json_object_get_double(cur);
}

#endif /* PLATFORM_UTIL_H */
