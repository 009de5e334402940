/* fuzz_catalog.c - a price catalogue (cost --catalog F): load it, then bill
 * the bundled example usage with it, as `cost` does. */
#include "tests/fuzz/fuzz.h"

#include "models/pricing/mdl_bill.h"
#include "models/pricing/mdl_meter.h"
#include "models/pricing/mdl_usage.h"

/* data/usage/cli-example.json, abridged: every service once. */
static const char k_usage[] =
    "{\"region\": \"us-east-1\", \"free_tier\": \"none\", \"billing_granularity_ms\": 1,"
    " \"lambda\": [{\"name\": \"resize\", \"arch\": \"x86_64\", \"memory_mb\": 512,"
    " \"requests\": 3000000, \"avg_duration_ms\": 1000, \"ephemeral_storage_mb\": 512,"
    " \"provisioned_concurrency\": 0, \"provisioned_hours\": 0}],"
    " \"apigw\": [{\"type\": \"http\", \"requests\": 1000000, \"avg_request_kb\": 1},"
    " {\"type\": \"rest\", \"requests\": 1000000, \"cache_gb\": 0.5, \"cache_hours\": 730}],"
    " \"sqs\": [{\"type\": \"standard\", \"requests\": 1000000, \"avg_payload_kb\": 1}],"
    " \"stepfunctions\": [{\"type\": \"standard\", \"executions\": 100000,"
    " \"transitions_per_execution\": 4}, {\"type\": \"express\", \"requests\": 100000,"
    " \"avg_duration_ms\": 1200, \"memory_mb\": 64}],"
    " \"s3\": {\"storage_gb_month\": 10, \"put_requests\": 100000, \"get_requests\": 1000000},"
    " \"dynamodb\": {\"mode\": \"on_demand\", \"write_request_units\": 650000,"
    " \"read_request_units\": 0, \"storage_gb_month\": 0}, \"rekognition\": {\"images\": 1000},"
    " \"data_transfer_out_gb\": 0}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file f;
    fuzz_file_open(&f, data, size);
    sim_error err;
    sim_error_clear(&err);
    mdl_catalog *cat = NULL;
    if (mdl_catalog_load(f.path, &cat, &err) == SIM_OK) mdl_catalog_destroy(cat);
    sim_json_doc doc;
    if (sim_json_doc_parse(&doc, k_usage, "usage", &err) == SIM_OK) {
        mdl_catalog *c2 = NULL;
        mdl_meter *m = NULL;
        mdl_bill *bill = NULL;
        if (mdl_usage_from_json(&doc, "data", f.path, &c2, &m, &err) == SIM_OK &&
            mdl_bill_compute(c2, mdl_meter_usage(m), &bill, &err) == SIM_OK)
            json_object_put(mdl_bill_to_json(bill));
        mdl_bill_destroy(bill);
        mdl_meter_destroy(m);
        mdl_catalog_destroy(c2);
        sim_json_doc_fini(&doc);
    }
    fuzz_file_close(&f);
    return 0;
}
