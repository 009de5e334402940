/* rpt_cmd_cost.c - `lambdasim cost`: usage file -> meter -> bill -> text/JSON,
 * and the Lambda price chart. */
#include "models/pricing/mdl_bill.h"
#include "models/pricing/mdl_usage.h"
#include "reports/chart/rpt_price_chart.h"
#include "reports/cli/rpt_cli_data.h"
#include "reports/cli/rpt_cmd.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void cost_usage(FILE *fp)
{
    fprintf(fp,
            "usage: lambdasim cost --usage FILE.json [--catalog FILE] [--format text|json]\n"
            "       lambdasim cost --plot-lambda-price FILE.svg [--catalog FILE]\n"
            "       (both take --data DIR)\n"
            "\n"
            "One month's AWS bill, line by line, from a usage file (see README, Costing):\n"
            "every line shows quantity, unit, rate, amount, the calculation and the\n"
            "rate's source.  The catalogue is DATA/prices/<region>.json unless --catalog.\n"
            "\n"
            "  --usage FILE               usage file (JSON; keys: README \"Costing\", or\n"
            "                             `lambdasim schema usage`)\n"
            "  --catalog FILE             price catalogue to use instead of the region's\n"
            "  --data DIR                 the data directory DATA (default $LAMBDASIM_DATA,\n"
            "                             else the installed share/lambdasim, else ./data)\n"
            "  --format text|json         output format (default text)\n"
            "  --plot-lambda-price FILE   SVG chart of Lambda's price per 100 ms vs memory\n");
}

int rpt_cmd_cost(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        cost_usage(stdout);
        return 0;
    }
    const char *usage_path = NULL, *catalog = NULL, *format = "text", *plot = NULL, *data = NULL;
    sim_error err;
    sim_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (sim_cli_opt(argc, argv, &i, "--usage", &v, &err))
            usage_path = v;
        else if (sim_cli_opt(argc, argv, &i, "--catalog", &v, &err))
            catalog = v;
        else if (sim_cli_opt(argc, argv, &i, "--format", &v, &err))
            format = v;
        else if (sim_cli_opt(argc, argv, &i, "--plot-lambda-price", &v, &err))
            plot = v;
        else if (sim_cli_opt(argc, argv, &i, "--data", &v, &err))
            data = v;
        else
            return sim_cli_usage_error("cost", "unknown argument '%s'", argv[i]);
        if (err.code != SIM_OK)
            return sim_cli_fail(&err);
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        return sim_cli_usage_error("cost", "--format must be text or json, not '%s'", format);
    if (!usage_path && !plot)
        return sim_cli_usage_error("cost", "--usage FILE (or --plot-lambda-price FILE) is "
                                   "required");
    if (rpt_cli_data_dir(data, &data, &err) != SIM_OK)
        return sim_cli_fail(&err);

    mdl_catalog *cat = NULL;
    mdl_meter *m = NULL;
    mdl_bill *bill = NULL;
    int rc = 0;
    if (usage_path) {
        sim_json_doc doc;
        if (sim_json_doc_load(&doc, usage_path, &err) != SIM_OK)
            return sim_cli_fail(&err);
        sim_status s = mdl_usage_from_json(&doc, data, catalog, &cat, &m, &err);
        sim_json_doc_fini(&doc);
        if (s == SIM_OK)
            s = mdl_bill_compute(cat, mdl_meter_usage(m), &bill, &err);
        if (s != SIM_OK) {
            rc = sim_cli_fail(&err);
            goto done;
        }
    } else {
        sim_status s = catalog ? mdl_catalog_load(catalog, &cat, &err)
                               : mdl_catalog_load_region(data, "us-east-1", NULL, 0, NULL, &cat,
                                                         &err);
        if (s != SIM_OK) {
            rc = sim_cli_fail(&err);
            goto done;
        }
    }
    if (plot && rpt_plot_lambda_price(cat, plot, &err) != SIM_OK) {
        rc = sim_cli_fail(&err);
        goto done;
    }
    if (strcmp(format, "json") == 0) {
        json_object *o = bill ? mdl_bill_to_json(bill) : json_object_new_object();
        if (!bill) {
            sim_json_add_string(o, "region", mdl_catalog_region(cat));
            sim_json_add_string(o, "catalog", mdl_catalog_path(cat));
        }
        if (plot)
            sim_json_add_string(o, "plot", plot);
        char *s = sim_json_to_string(o);
        fputs(s, stdout);
        free(s);
        json_object_put(o);
    } else {
        if (bill)
            mdl_bill_print_text(bill, stdout);
        if (plot)
            printf("%swrote %s\n", bill ? "\n" : "", plot);
    }
done:
    mdl_bill_destroy(bill);
    mdl_meter_destroy(m);
    mdl_catalog_destroy(cat);
    return rc;
}
