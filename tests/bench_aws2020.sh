#!/bin/sh
# bench_aws2020.sh - how close to AWS: the MAPE of P(cold) and of mean instances
# over the eleven runs of data/aws_lambda_2020, for the simfaas and aws-2020
# presets (data/architectures/aws2020/; scripts/aws2020_validate.sh, 5
# replications).  Prints "BENCH aws2020_cold_mape_pct_<config> <value> pct"
# and the _inst_ one.  (aws-now gives the same replay as aws-2020: what it
# adds needs an INIT phase, and these configs give whole cold responses.)
exec sh scripts/aws2020_validate.sh --bench --reps 5 data/architectures/aws2020/simfaas.json \
    data/architectures/aws2020/aws-2020.json
