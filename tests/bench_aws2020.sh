#!/bin/sh
# bench_aws2020.sh - how close to AWS: the MAPE of P(cold) and of mean instances
# over the eleven runs of data/aws_lambda_2020, per lifecycle config in
# data/architectures/aws2020/ (scripts/aws2020_validate.sh, 5 replications).
# Prints "BENCH aws2020_cold_mape_pct_<config> <value> pct" and the _inst_ one.
exec sh scripts/aws2020_validate.sh --bench --reps 5
