# test_aws2020.sh - the AWS 2020 tools (issue 22): the derivation of the compact
# form, the analysis's command line, and the replay script's plumbing.
. tests/lib.sh
B=${BUILD:-build}/tests

# Derivation: sorted by send time, environments numbered by first use, times
# relative (worked by hand from tests/fixtures/aws2020_raw_mini.csv).
expect_exit 0 "derive" -- "$B/aws2020_derive" tests/fixtures/aws2020_raw_mini.csv "$TMPD/d.csv"
cat >"$TMPD/want.csv" <<'X'
arrival_s,env,cold,start_ms,handler_ms,client_ms,aws_ms,uptime_s
0.000,0,1,60.0,1940.0,2500.0,1940.00,100.00
10.000,0,0,50.0,1900.0,2000.0,1900.00,101.50
10.500,1,1,50.0,1900.0,2050.0,1950.00,300.25
X
cmp -s "$TMPD/want.csv" "$TMPD/d.csv" && ok || { bad "derived rows differ"; diff "$TMPD/want.csv" "$TMPD/d.csv" | head -5; }
expect_grep "3 invocations, 2 cold, 2 environments, environment:microVM one to one: yes" "$TMPD/out" "derive summary"
sed 's/bbbb-2,"300.25,1.00",vm-B/aaaa-1,"300.25,1.00",vm-C/' tests/fixtures/aws2020_raw_mini.csv >"$TMPD/raw2.csv"
expect_exit 0 "derive, one environment in two VMs" -- "$B/aws2020_derive" "$TMPD/raw2.csv" "$TMPD/d2.csv"
expect_grep "one to one: no" "$TMPD/out" "VM change noticed"
sed 's/False/Maybe/' tests/fixtures/aws2020_raw_mini.csv >"$TMPD/raw3.csv"
expect_exit 2 "derive, bad is_cold" -- "$B/aws2020_derive" "$TMPD/raw3.csv" "$TMPD/d3.csv"
expect_grep "raw3.csv:2:is_cold" "$TMPD/err" "error names file, line, column"
[ -e "$TMPD/d3.csv" ] && bad "half-written output left" || ok

# Analysis: the fixture's figures (hand-worked in tests/test_lifecycle.c).
expect_exit 0 "analyze --tsv" -- "$B/aws2020_analyze" --tsv tests/fixtures/aws2020_mini.csv
printf 'aws2020_mini\t16\t5\t0.312500\t1.411380\t1.529516\t2812.000\t0.005694\n' >"$TMPD/want.tsv"
cmp -s "$TMPD/want.tsv" "$TMPD/out" && ok || { bad "tsv line differs"; cat "$TMPD/out"; }
expect_exit 0 "analyze" -- "$B/aws2020_analyze" tests/fixtures/aws2020_mini.csv
expect_grep "| aws2020_mini | 0.00569 | 16 | 5 | 0.3125 | 1 | 1.411 | 1.530 | 0.012 |" "$TMPD/out" "load table"
expect_grep "3 of 4 warm requests with a choice" "$TMPD/out" "routing line"
expect_grep "1 of 5 colds pre-warmed" "$TMPD/out" "pre-warmed line"
expect_exit 2 "analyze, no file" -- "$B/aws2020_analyze"
expect_exit 2 "analyze, missing file" -- "$B/aws2020_analyze" "$TMPD/none.csv"
expect_grep "none.csv" "$TMPD/err" "missing file named"
expect_exit 2 "analyze, derived raw" -- "$B/aws2020_analyze" tests/fixtures/aws2020_raw_mini.csv
expect_grep "aws2020_raw_mini.csv:1:arrival_s: missing column" "$TMPD/err" "raw file rejected"

# The replay script runs end to end (one replication, one config).
expect_exit 0 "validate" -- sh scripts/aws2020_validate.sh --reps 1 data/architectures/aws2020/simfaas.json
[ "$(grep -c '^| run-2020' "$TMPD/out")" -eq 16 ] && ok || bad "validate: want 11 + 5 run rows"
expect_grep "MAPE over 11 runs: P(cold)" "$TMPD/out" "validate MAPE line"
expect_grep "simfaas on the same 5 runs" "$TMPD/out" "validate SimFaaS comparison"
# The aws-2020 preset replays too, with the same estimator on the simulated
# invocations ("as measured": the --log's environments in the data's form).
expect_exit 0 "validate aws-2020" -- sh scripts/aws2020_validate.sh --reps 1 data/architectures/aws2020/aws-2020.json
expect_grep "aws-2020 (1 replications per run)" "$TMPD/out" "aws-2020 replayed"
expect_grep "as measured [0-9.]*%" "$TMPD/out" "instances as measured"
report aws2020
