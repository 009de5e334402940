/* rpt_cli_tf.c - a Terraform plan and a workload file as a config document
 * for run and compare (rpt_cli_tf.h). */
#include "reports/cli/rpt_cli_tf.h"
#include "models/terraform/mdl_tf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rpt_cli_tf_notes(const mdl_tf_import *im)
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

/* Every placeholder's path, refused: a run needs a value for each. */
static sim_status refuse_placeholders(const char *plan, const mdl_tf_import *im, sim_error *err)
{
    size_t n = json_object_array_length(im->placeholders);
    if (n == 0)
        return SIM_OK;
    char list[900] = "";
    for (size_t i = 0; i < n; i++) {
        json_object *path = NULL;
        json_object_object_get_ex(json_object_array_get_idx(im->placeholders, i), "path", &path);
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", json_object_get_string(path));
    }
    SIM_FAIL(err, SIM_EUSAGE, plan, 0, NULL, "%zu placeholder%s the plan cannot fill, to give in "
             "--workload W.json: %s", n, n == 1 ? "" : "s", list);
}

sim_status rpt_cli_tf_doc(const char *plan, const char *workload, sim_json_doc *doc,
                          sim_error *err)
{
    mdl_tf_plan *p = NULL;
    sim_json_doc w;
    mdl_tf_import im;
    memset(&w, 0, sizeof w);
    memset(&im, 0, sizeof im);
    memset(doc, 0, sizeof *doc);
    sim_status s = mdl_tf_load(plan, &p, err);
    if (s == SIM_OK && workload)
        s = sim_json_doc_load(&w, workload, err);
    if (s == SIM_OK)
        s = mdl_tf_import_build(p, workload ? &w : NULL, ".", &im, err);
    if (s == SIM_OK) {
        rpt_cli_tf_notes(&im);
        s = refuse_placeholders(plan, &im, err);
    }
    if (s == SIM_OK) {
        char label[600];
        char *text = sim_json_to_string(im.config);
        snprintf(label, sizeof label, "%.480s (imported)", plan);
        s = sim_json_doc_parse(doc, text, label, err);
        free(text);
    }
    mdl_tf_import_fini(&im);
    sim_json_doc_fini(&w);
    mdl_tf_destroy(p);
    return s;
}
