/* fuzz_usage.c - the usage file (lambdasim cost --usage): parse, meter,
 * bill with the region's catalogue, print the bill as text and JSON. */
#include "tests/fuzz/fuzz.h"

#include "models/pricing/mdl_bill.h"
#include "models/pricing/mdl_meter.h"
#include "models/pricing/mdl_usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    if (!devnull) devnull = fopen("/dev/null", "w");
    fuzz_file f;
    fuzz_file_open(&f, data, size);
    sim_error err;
    sim_error_clear(&err);
    sim_json_doc doc;
    if (sim_json_doc_load(&doc, f.path, &err) == SIM_OK) {
        mdl_catalog *cat = NULL;
        mdl_meter *m = NULL;
        mdl_bill *bill = NULL;
        if (mdl_usage_from_json(&doc, "data", NULL, &cat, &m, &err) == SIM_OK &&
            mdl_bill_compute(cat, mdl_meter_usage(m), &bill, &err) == SIM_OK) {
            if (devnull) mdl_bill_print_text(bill, devnull);
            json_object_put(mdl_bill_to_json(bill));
        }
        mdl_bill_destroy(bill);
        mdl_meter_destroy(m);
        mdl_catalog_destroy(cat);
        sim_json_doc_fini(&doc);
    }
    fuzz_file_close(&f);
    return 0;
}
