/* mdl_bill.h - one month's AWS bill from metered usage, line by line.
 *
 * mdl_bill_compute applies, at month level and in this order, the free
 * allowances the usage's free-tier mode grants, then the graduated tiers, to
 * the quantities in an mdl_usage, and records every step as a line item with
 * quantity, unit, rate, amount, the rate's source and a "show calculations"
 * text in the style of the AWS Pricing Calculator.  Amounts are never
 * rounded (the text view rounds for display only).
 *
 * Shared allowances are consumed in a fixed, documented order: Lambda's
 * 400,000 GB-s by x86_64 before arm64 (AWS does not publish the order; the
 * Calculator prices one architecture at a time), SQS's 1M by standard before
 * FIFO.  Functions with provisioned concurrency get no free tier.
 */
#ifndef MDL_BILL_H
#define MDL_BILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <json.h>

#include "models/pricing/mdl_meter.h"
#include "models/pricing/mdl_pricing.h"
#include "sim/sim_status.h"

typedef struct mdl_bill_line {
    mdl_service service;
    char item[48];          /* "compute", "requests", "provisioned concurrency", ... */
    char detail[160];       /* "x86_64, tier 1 (0 to 6000000000 GB-s)" */
    double quantity;        /* billable quantity, after the free allowance */
    double free_quantity;   /* allowance consumed by this line */
    char unit[16];
    double rate_usd;        /* USD per unit */
    double usd;             /* quantity x rate_usd */
    char calc[384];         /* how the amount was computed */
    const char *source;     /* the rate's citation (owned by the catalogue) */
} mdl_bill_line;

typedef struct mdl_bill mdl_bill;

/* Price a month.  The catalogue must outlive the bill.  A rate the region
 * lacks but the usage needs is EMISSING naming the rate (never zero). */
sim_status mdl_bill_compute(const mdl_catalog *cat, const mdl_usage *u, mdl_bill **out,
                            sim_error *err);
void mdl_bill_destroy(mdl_bill *b);

double mdl_bill_total_usd(const mdl_bill *b);
double mdl_bill_service_usd(const mdl_bill *b, mdl_service s);
bool mdl_bill_has_service(const mdl_bill *b, mdl_service s);
size_t mdl_bill_line_count(const mdl_bill *b);
const mdl_bill_line *mdl_bill_line_at(const mdl_bill *b, size_t i);
/* Sum of the amounts (or quantities) of a service's lines named `item`
 * whose detail starts with `detail_prefix` (NULL or "" = any). */
double mdl_bill_item_usd(const mdl_bill *b, mdl_service s, const char *item,
                         const char *detail_prefix);
double mdl_bill_item_quantity(const mdl_bill *b, mdl_service s, const char *item,
                              const char *detail_prefix);

/* The bill as `cost --format json` prints it (README "Costing"): region,
 * total_usd, services.<svc>.{total_usd, lines[]}, plus the catalogue, modes
 * and month.  Caller puts the object. */
json_object *mdl_bill_to_json(const mdl_bill *b);

/* A readable table of the same content: `lambdasim cost`'s text. */
void mdl_bill_print_text(const mdl_bill *b, FILE *fp);
/* The same table from a bill's JSON (mdl_bill_to_json's, e.g. a run's
 * cost.monthly), so every command prints a bill the one way. */
void mdl_bill_print_json(json_object *bill, FILE *fp);
/* A number as bills show it: integers plainly, others in fixed notation
 * without trailing zeros (0.0000166667).  Returns buf. */
const char *mdl_bill_fmt_num(double v, char *buf, size_t n);

#endif /* MDL_BILL_H */
