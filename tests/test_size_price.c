/* test_size_price.c - sizing prices with the catalogue: the sizing pricer
 * (mdl_size_price, rates read once by mdl_size_pricer_init) must agree with
 * the catalogue's mdl_price_lambda_invocation for every architecture and
 * billing granularity. */
#include "models/pricing/mdl_pricing.h"
#include "models/sizing/mdl_size.h"
#include "tests/check.h"

int main(void)
{
    mdl_catalog *cat = NULL;
    sim_error err;
    sim_status s = mdl_catalog_load("data/prices/us-east-1.json", &cat, &err);
    CHECK(s == SIM_OK, "us-east-1 catalogue loads");
    if (s != SIM_OK) return check_report("size_price");
    int worst_mem = 0;
    double worst = 0;
    for (int arm = 0; arm < 2; arm++) {
        for (int g = 1; g <= 100; g += 99) {
            mdl_arch arch = arm ? MDL_ARCH_ARM64 : MDL_ARCH_X86_64;
            mdl_size_pricer p;
            CHECK(mdl_size_pricer_init(&p, cat, arch, g, &err) == SIM_OK, "pricer init");
            for (int m = 128; m <= 10240; m += 61) {
                for (double d = 0.4; d < 30000; d *= 3.7) {
                    double a = mdl_size_price(&p, m, d), b = NAN;
                    mdl_price_lambda_invocation(cat, arch, m, d, g, &b, &err);
                    double rel = fabs(a - b) / b;
                    if (!(rel <= worst)) { worst = rel; worst_mem = m; }
                }
            }
        }
    }
    CHECK(worst <= 1e-9, "sizing pricer = catalogue pricer (worst rel diff %.3g at %d MB)",
          worst, worst_mem);
    /* A known value: 1024 MB, 100 ms x86 = 0.1 GB-s x 0.0000166667 + $0.2e-6. */
    double usd = 0;
    mdl_price_lambda_invocation(cat, MDL_ARCH_X86_64, 1024, 100, 1, &usd, &err);
    CHECK_ABS(usd, 0.1 * 0.0000166667 + 0.2e-6, 1e-15, "1024 MB x 100 ms");
    mdl_catalog_destroy(cat);
    return check_report("size_price");
}
