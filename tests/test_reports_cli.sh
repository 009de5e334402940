# test_reports_cli.sh - demo, run --out and compare --out from the command line.
. tests/lib.sh
# demo: about fifteen lines (the verdicts on top), the report path, the files.
expect_exit 0 "demo --help" -- "$LAMBDASIM" demo --help
expect_grep "lambdasim demo" "$TMPD/out" "demo usage"
# Two simulated hours keep the suite quick (the default is the configs' day).
expect_exit 0 "demo" -- "$LAMBDASIM" demo --out "$TMPD/demo" --hours 2
n=$(wc -l < "$TMPD/out")
[ "$n" -ge 12 ] && [ "$n" -le 20 ] && ok || bad "demo prints about fifteen lines, got $n"
head -2 "$TMPD/out" | tail -1 | grep -q "^verdict: Cheapest per month: " && ok || bad "the demo's verdict comes first"
expect_grep "^verdict: No request fails in any design.$" "$TMPD/out" "the demo says nothing fails"
expect_grep "^report: $TMPD/demo/report.html$" "$TMPD/out" "demo names report.html"
for d in url+lambda+sfn http+lambda+sfn rest+lambda+sfn url+ec2 url+one_lambda; do
    grep -q "^$d " "$TMPD/out" && ok || bad "demo row $d"
done
for f in report.html report.md summary.json timeseries.csv timeseries_entries.csv \
         charts/latency_cdf.svg charts/instances.svg; do
    [ -s "$TMPD/demo/$f" ] && ok || bad "demo wrote $f"
done
# A design that fails: the synchronous gallery sends 6 MB photos through the door.
expect_exit 0 "compare the synchronous gallery" -- "$LAMBDASIM" compare \
    --config data/architectures/gallery_sync.json --vary entry.type=function_url,apigw_http \
    --trace data/traces/gallery_day.csv
expect_grep "^verdict: What fails, in every design: 144 requests (2.8%) over Lambda's 6 MB synchronous payload limit.$" \
    "$TMPD/out" "the verdict says what fails and why"
# Two hours at one row a minute, per design (5 designs + header); per entry too.
rows=$(wc -l < "$TMPD/demo/timeseries.csv")
[ "$rows" -eq $((5 * 120 + 1)) ] && ok || bad "timeseries.csv: 5 x 120 rows + header, got $rows"
rows=$(wc -l < "$TMPD/demo/timeseries_entries.csv")
[ "$rows" -eq $((5 * 2 * 120 + 1)) ] && ok || bad "timeseries_entries.csv: 5 x 2 x 120 rows + header, got $rows"
# Arrivals in the time series add up to the requests of the results, and
# the entries' to the total.
a=$(awk -F, '$1 == "url+lambda+sfn" { s += $3 } END { print s }' "$TMPD/demo/timeseries.csv")
expect_grep "\"arrivals\": $a," "$TMPD/demo/summary.json" "time-series arrivals sum to requests.arrivals ($a)"
e=$(awk -F, '$1 == "url+lambda+sfn" { s += $4 } END { print s }' "$TMPD/demo/timeseries_entries.csv")
[ "$a" = "$e" ] && ok || bad "entries' time series add up to the total ($e vs $a)"
v=$(awk -F, '$1 == "url+lambda+sfn" && $2 == "views" { s += $4 } END { print s }' "$TMPD/demo/timeseries_entries.csv")
expect_grep "\"arrivals\": $v," "$TMPD/demo/summary.json" "views' time-series arrivals ($v) in the results"
# Same seed, same bytes, whatever the thread count.
expect_exit 0 "demo again, one thread" -- env OMP_NUM_THREADS=1 "$LAMBDASIM" demo --out "$TMPD/demo2" --hours 2
for f in summary.json timeseries.csv timeseries_entries.csv report.html charts/latency_cdf.svg; do
    cmp -s "$TMPD/demo/$f" "$TMPD/demo2/$f" && ok || bad "$f identical across runs"
done
expect_exit 2 "demo, bad data folder" -- "$LAMBDASIM" demo --data "$TMPD/nope" --out "$TMPD/demo3"
expect_grep "--data: '$TMPD/nope' is not a directory" "$TMPD/err" "missing data folder named"
mkdir -p "$TMPD/empty"
expect_exit 2 "demo, empty data folder" -- "$LAMBDASIM" demo --data "$TMPD/empty" --out "$TMPD/demo3"
expect_grep "$TMPD/empty/architectures/gallery_full.json" "$TMPD/err" "missing config named"
[ ! -e "$TMPD/demo3/report.html" ] && ok || bad "no report after bad input"
expect_exit 2 "demo, unknown option" -- "$LAMBDASIM" demo --bogus
expect_grep "unknown option '--bogus'" "$TMPD/err" "unknown option named"
# run --out --png.
cat > "$TMPD/small.json" <<'J'
{ "duration_s": 3600, "workload": { "arrivals": { "process": "poisson", "rate_per_s": 0.5 } },
  "entry": { "type": "direct" },
  "functions": { "f": { "keep_alive_s": 600, "service_time": {
      "warm": { "dist": "exponential", "mean_ms": 500 }, "cold": { "dist": "exponential", "mean_ms": 900 } } } } }
J
expect_exit 0 "run --out --png" -- "$LAMBDASIM" run --config "$TMPD/small.json" --out "$TMPD/r" --png
expect_grep "^report: $TMPD/r/report.html$" "$TMPD/out" "run names report.html"
for f in report.html report.md summary.json timeseries.csv charts/latency_cdf.svg charts/latency_cdf.png charts/instances.png; do
    [ -s "$TMPD/r/$f" ] && ok || bad "run wrote $f"
done
rows=$(wc -l < "$TMPD/r/timeseries.csv")
[ "$rows" -eq 61 ] && ok || bad "an hour is 60 rows + header, got $rows"
expect_grep '"seed": 1' "$TMPD/r/summary.json" "summary.json records the seed"
expect_grep '"config"' "$TMPD/r/summary.json" "summary.json carries the config"
# --format json still prints exactly the results with --out.
expect_exit 0 "run json --out" -- "$LAMBDASIM" run --config "$TMPD/small.json" --out "$TMPD/r2" --format json
cmp -s "$TMPD/out" "$TMPD/r2/summary.json" && ok || bad "stdout JSON equals summary.json"
# compare --out.
expect_exit 0 "compare --out" -- "$LAMBDASIM" compare --config "$TMPD/small.json" \
    --vary functions.f.memory_mb=128,1024 --out "$TMPD/c"
expect_grep "^report: $TMPD/c/report.html$" "$TMPD/out" "compare names report.html"
for f in compare.json summary.json report.html charts/latency_bars.svg; do
    [ -s "$TMPD/c/$f" ] && ok || bad "compare wrote $f"
done
grep -c '<figure class="chart"' "$TMPD/c/report.html" | grep -q '^[4-9]' && ok || bad "compare report has its charts"
expect_grep '<th>128</th><th>1024</th>' "$TMPD/c/report.html" "designs as columns"
# A design with a queue: the queue chart and table; none without queues.
expect_exit 0 "run sqs --out" -- "$LAMBDASIM" run --config data/architectures/gallery_sqs_workers.json --out "$TMPD/q"
[ -s "$TMPD/q/charts/queue_depth.svg" ] && ok || bad "queue_depth chart for an SQS design"
expect_grep '<table id="queues-0">' "$TMPD/q/report.html" "queues table"
awk -F, 'NR > 1 && $9 > 0 { found = 1 } END { exit !found }' "$TMPD/q/timeseries.csv" \
    && ok || bad "queue depth recorded in timeseries.csv"
[ ! -e "$TMPD/r/charts/queue_depth.svg" ] && ok || bad "no queue chart without queues"
# The bundled SQS workers keep up; with the old minimum of 1 worker (below the
# 1.15 erlangs of load) the pool cycles and the report says the queue oscillates.
W=data/architectures/gallery_sqs_workers.json
expect_exit 0 "workers" -- "$LAMBDASIM" run --config "$W" --out "$TMPD/wk"
if grep -q "oscillates\|grows" "$TMPD/out"; then bad "the bundled workers' queue is steady"; else ok; fi
expect_grep "c5.large" "$TMPD/wk/summary.json" "the README's c5.large, priced from the catalogue"
expect_exit 0 "workers, min 1" -- "$LAMBDASIM" run --config "$W" --set queues.uploads.consumer.autoscale.min=1 --out "$TMPD/wk1"
expect_grep "^verdict: Queue depth oscillates in this design" "$TMPD/out" "min 1: the terminal flags the queue"
expect_grep "Queue depth oscillates" "$TMPD/wk1/report.html" "min 1: the report flags the queue"
report reports_cli
