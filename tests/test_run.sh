# test_run.sh - `lambdasim run` and `compare` from the command line.
. tests/lib.sh
A=tests/fixtures/simfaas_a.json

# A short run in JSON has the fields of README "What it reports" and the seed.
cat > "$TMPD/small.json" <<'J'
{ "duration_s": 20000, "workload": { "arrivals": { "process": "poisson", "rate_per_s": 0.9 } },
  "entry": { "type": "direct", "target": "f" },
  "functions": { "f": { "timeout_s": 900, "service_time": { "warm": { "dist": "exponential", "mean_ms": 1991 },
                                          "cold": { "dist": "exponential", "mean_ms": 2244 } } } } }
J
expect_exit 0 "run json" -- "$LAMBDASIM" run --config "$TMPD/small.json" --format json
for k in invocations cold_starts cold_start_probability throttles throttle_probability \
         avg_instances avg_running avg_idle latency_ms p50 p95 p99 '"seed": 1'; do
    expect_grep "$k" "$TMPD/out" "run json has $k"
done
cp "$TMPD/out" "$TMPD/run1.json"
expect_exit 0 "run json again" -- "$LAMBDASIM" run --config "$TMPD/small.json" --format json
if cmp -s "$TMPD/out" "$TMPD/run1.json"; then ok; else bad "same seed gives identical JSON"; fi
expect_exit 0 "run --seed 2" -- "$LAMBDASIM" run --config "$TMPD/small.json" --format json --seed 2
expect_grep '"seed": 2' "$TMPD/out" "seed recorded"
if cmp -s "$TMPD/out" "$TMPD/run1.json"; then bad "seed 2 differs from seed 1"; else ok; fi

# `run --format json` alone streams its results (sim_jw, no tree in memory);
# with --out it prints the tree it built for the report: the same bytes on
# architectures with a function, queues, Step Functions and buckets, but for
# the event count (--out samples the time series: events of its own).
for c in data/architectures/gallery_full.json data/architectures/gallery_sqs_workers.json \
         data/architectures/pipeline_solution2_stepfunctions.json "$TMPD/small.json"; do
    expect_exit 0 "run json streamed ($c)" -- "$LAMBDASIM" run --config "$c" --format json
    cp "$TMPD/out" "$TMPD/streamed.json"
    expect_exit 0 "run json with --out ($c)" -- "$LAMBDASIM" run --config "$c" --format json --out "$TMPD/tree"
    grep -v '^  "events": ' "$TMPD/streamed.json" > "$TMPD/s.json"
    grep -v '^  "events": ' "$TMPD/out" > "$TMPD/t.json"
    if cmp -s "$TMPD/s.json" "$TMPD/t.json"; then ok; else bad "streamed JSON differs from the tree's ($c)"; fi
    [ "$(wc -l < "$TMPD/s.json")" -gt 100 ] && ok || bad "the streamed JSON is whole ($c)"
    if cmp -s "$TMPD/tree/summary.json" "$TMPD/out"; then ok; else bad "summary.json differs from stdout ($c)"; fi
    rm -rf "$TMPD/tree"
done

# Text summary, --out and --log.
expect_exit 0 "run text" -- "$LAMBDASIM" run --config "$TMPD/small.json" --out "$TMPD/o" --log "$TMPD/inv.csv"
expect_grep "cold%" "$TMPD/out" "text table"
[ -s "$TMPD/o/summary.json" ] && ok || bad "summary.json written"
expect_grep "request_id,function,start_s,duration_ms,billed_duration_ms,init_duration_ms,memory_size_mb,start,outcome" \
    "$TMPD/inv.csv" "log header"
rows=$(($(wc -l < "$TMPD/inv.csv") - 1))
inv=$(grep -o '"completed": [0-9]*' "$TMPD/o/summary.json" | head -1 | grep -o '[0-9]*$')
[ "$rows" -eq "$inv" ] && ok || bad "one log row per completed invocation ($rows vs $inv)"
ls "$TMPD/o" | grep -q tmp && bad "no temp files left" || ok

# compare --vary over the front doors.
expect_exit 0 "compare --vary" -- "$LAMBDASIM" compare --config data/architectures/pow_function_url.json \
    --vary entry.type=function_url,apigw_http,apigw_rest
expect_grep "apigw_rest" "$TMPD/out" "compare names the designs"
expect_grep "latency p99" "$TMPD/out" "compare shows p99"
expect_exit 0 "compare two configs json" -- "$LAMBDASIM" compare --config data/architectures/pow_function_url.json \
    --config data/architectures/pow_apigw.json --format json
expect_grep '"designs"' "$TMPD/out" "compare json"

# Bad input: exit 2, file, line and field named.
printf '{ "duration_s": 10,\n  "workload": { "arrivals": { "process": "poisson", "rate_per_s": 1 } },\n  "entry": { "type": "direct" },\n  "functions": { "f": { "memory_mb": 64,\n "service_time": { "warm": { "dist": "exponential", "mean_ms": 5 } } } } }\n' > "$TMPD/bad1.json"
expect_exit 2 "memory below 128" -- "$LAMBDASIM" run --config "$TMPD/bad1.json"
expect_grep "bad1.json:4:functions.f.memory_mb: 64 is out of range" "$TMPD/err" "range error names line and field"
sed 's/"memory_mb": 64/"memroy_mb": 256/' "$TMPD/bad1.json" > "$TMPD/bad2.json"
expect_exit 2 "unknown key" -- "$LAMBDASIM" run --config "$TMPD/bad2.json"
expect_grep "bad2.json:4:functions.f.memroy_mb: unknown key" "$TMPD/err" "unknown key named"
sed 's/"target": "f"/"target": "g"/' "$TMPD/small.json" > "$TMPD/bad3.json"
expect_exit 2 "unknown target" -- "$LAMBDASIM" run --config "$TMPD/bad3.json"
expect_grep "no function named 'g'" "$TMPD/err" "unknown target named"
printf '{ "duration_s": 10,\n "workload": ' > "$TMPD/bad4.json"
expect_exit 2 "truncated JSON" -- "$LAMBDASIM" run --config "$TMPD/bad4.json"
expect_grep "bad4.json:2: malformed JSON" "$TMPD/err" "truncated JSON line"
expect_exit 2 "missing file" -- "$LAMBDASIM" run --config "$TMPD/nope.json"
expect_grep "nope.json: cannot open" "$TMPD/err" "missing file named"
sed 's/"duration_s": 20000/"duration_s": -5/' "$TMPD/small.json" > "$TMPD/bad5.json"
expect_exit 2 "negative duration" -- "$LAMBDASIM" run --config "$TMPD/bad5.json"
expect_grep "duration_s" "$TMPD/err" "negative duration named"
expect_exit 2 "no --config" -- "$LAMBDASIM" run
expect_exit 2 "bad --seed" -- "$LAMBDASIM" run --config "$A" --seed x
expect_exit 2 "compare needs two" -- "$LAMBDASIM" compare --config "$A"
# A failed run leaves no half-written output.
expect_exit 2 "bad run with --out" -- "$LAMBDASIM" run --config "$TMPD/bad1.json" --out "$TMPD/o2" --log "$TMPD/o2.csv"
[ ! -e "$TMPD/o2/summary.json" ] && [ ! -e "$TMPD/o2.csv" ] && ok || bad "no output after a failed run"

# Trace-driven runs: every trace row is an arrival; bad rows stop the run
# with the trace's file and line, and nothing is written.
rows=$(($(wc -l < data/traces/gallery_day.csv) - 1))
expect_exit 0 "run --trace" -- "$LAMBDASIM" run --config data/architectures/gallery_sync.json \
    --trace data/traces/gallery_day.csv --format json
expect_grep "\"arrivals\": $rows," "$TMPD/out" "one arrival per trace row ($rows)"
expect_grep '"file": "data/traces/gallery_day.csv"' "$TMPD/out" "effective config names the trace"
{ head -3 data/traces/gallery_day.csv; echo "1.0,view,photos/x.jpg,10,,,"; } > "$TMPD/unsorted.csv"
expect_exit 2 "unsorted trace in a run" -- "$LAMBDASIM" run --config data/architectures/gallery_sync.json \
    --trace "$TMPD/unsorted.csv" --out "$TMPD/o3"
expect_grep "unsorted.csv:4" "$TMPD/err" "trace error names file and line"
[ ! -e "$TMPD/o3/summary.json" ] && ok || bad "no summary after a failed trace run"
expect_exit 2 "missing trace" -- "$LAMBDASIM" run --config data/architectures/gallery_sync.json --trace "$TMPD/none.csv"
expect_grep "none.csv" "$TMPD/err" "missing trace named"

# Queues: S3 cannot notify a FIFO queue; the SQS designs compare.
cat > "$TMPD/s3fifo.json" <<'J'
{ "duration_s": 100, "workload": { "arrivals": { "process": "poisson", "rate_per_s": 1 } },
  "entry": { "type": "s3", "notify": { "queue": "q" } },
  "queues": { "q": { "type": "fifo" } } }
J
expect_exit 2 "S3 to FIFO rejected" -- "$LAMBDASIM" run --config "$TMPD/s3fifo.json"
expect_grep "s3fifo.json:2:entry.notify.queue: S3 event notifications cannot target a FIFO queue" "$TMPD/err" "S3->FIFO message"
sed 's/"fifo"/"standard", "dlq": "nope"/' "$TMPD/s3fifo.json" > "$TMPD/dlq.json"
expect_exit 2 "unknown DLQ" -- "$LAMBDASIM" run --config "$TMPD/dlq.json"
expect_grep "queues.q.dlq: no other queue named 'nope'" "$TMPD/err" "unknown DLQ named"
expect_exit 0 "compare SQS designs" -- "$LAMBDASIM" compare --config data/architectures/gallery_sqs_workers.json \
    --config data/architectures/gallery_sqs_lambda.json --format json
expect_grep '"empty_receives"' "$TMPD/out" "queue stats in compare"
expect_grep '"avg_consumers"' "$TMPD/out" "consumer stats in compare"

# AWS's default timeout is 3 s, and a run that hits it says so, loudly, in any format.
cat > "$TMPD/t3.json" <<'J'
{ "duration_s": 100, "workload": { "arrivals": { "process": "deterministic", "rate_per_s": 0.1 } },
  "entry": { "type": "function_url" },
  "functions": { "slow": { "service_time": { "warm": { "dist": "deterministic", "value_ms": 5000 } } } } }
J
expect_exit 0 "run, 5 s handler, no timeout_s" -- "$LAMBDASIM" run --config "$TMPD/t3.json" --format json
expect_grep "warning: 10 invocations of slow hit its 3 s timeout, AWS's default: set functions.slow.timeout_s" \
    "$TMPD/err" "the 3 s default, said on stderr"
expect_exit 0 "run, text" -- "$LAMBDASIM" run --config "$TMPD/t3.json"
expect_grep "^verdict: What fails: 10 requests (91%) hit their function's timeout: slow after 3 s (AWS's default: set its timeout_s).$" \
    "$TMPD/out" "the verdict names the function and the default"
expect_grep "^monthly bill: month 1 of steady growth (730 h), " "$TMPD/out" "the month comes first"
sed 's/"slow": {/"slow": { "timeout_s": 10,/' "$TMPD/t3.json" > "$TMPD/t10.json"
expect_exit 0 "run, timeout_s 10" -- "$LAMBDASIM" run --config "$TMPD/t10.json"
grep -q "warning" "$TMPD/err" && bad "no warning with an explicit timeout" || ok

# Reuse `newest` (SimFaaS's rule, kept in a heap): every warm invocation
# must take the idle environment created last, and among equal creation
# times the one that went idle first.  Bursts of requests at one instant
# create environments at equal times (the ties).  The invocation log is
# replayed: starts on a 10 ms grid and durations of x5 ms, so no end meets
# a start; ends at one instant in the log's order (the order they went
# idle); no expiry (keep-alive 10^5 s).  The log does not tell in which
# order requests of one instant arrived, so each instant is checked as a
# group: its warm starts took exactly the k newest idle environments, and
# it started cold ones only when none was left idle.  (With mru or lru,
# or the tie broken the other way, about 400-2,000 picks are wrong.)
awk 'BEGIN { print "timestamp_s,op,key,bytes,function,duration_ms"; x = 12345
  for (k = 0; k < 3000; k++) {
    x = (x * 1103515245 + 12345) % 2147483648
    n = (x % 100 < 15) ? 1 + int((x / 100) % 4) : ((x % 100 < 60) ? 1 : 0)
    for (j = 0; j < n; j++) {
      x = (x * 1103515245 + 12345) % 2147483648
      printf "%.2f,invoke,,0,f,%d\n", k * 0.01, 10 * (1 + int((x / 7) % 30)) + 5 } } }' \
    > "$TMPD/newest.csv"
cat > "$TMPD/newest.json" <<'J'
{ "duration_s": 40, "workload": { "trace": { "file": "newest.csv" } },
  "entry": { "type": "direct" }, "platform": { "preset": "simfaas", "reuse": "newest" },
  "functions": { "f": { "keep_alive_s": 100000, "timeout_s": 900,
     "service_time": { "warm": { "dist": "deterministic", "value_ms": 100 } } } } }
J
expect_exit 0 "run reuse newest with a log" -- "$LAMBDASIM" run --config "$TMPD/newest.json" \
    --log "$TMPD/newest_log.csv"
# One line per event: time (ms), 0 for an end 1 for a start, log row, environment, cold/warm.
awk -F, 'NR > 1 { s = int($3 * 1000 + 0.5); e = s + int($4 + $6 + 0.5)
                  printf "%d 0 %d %s %s\n", e, NR, $10, $8
                  printf "%d 1 %d %s %s\n", s, NR, $10, $8 }' "$TMPD/newest_log.csv" |
    sort -n -k1,1 -k2,2 -k3,3 > "$TMPD/newest_events.txt"
cat > "$TMPD/newest_check.awk" <<'AWK'
function flush(   k, i, j, b, nw, want, got, nidle) {
  if (!ng) return
  nidle = 0; for (k in idle) nidle++
  nw = 0; for (i = 1; i <= ng; i++) if (gs[i] == "warm") { nw++; got[ge[i]] = 1 }
  if (nw < ng && nw != nidle) { bad++; print "t=" gt ": " ng - nw " cold starts with " nidle - nw " environments idle" }
  for (j = 1; j <= nw; j++) {       # the j-th newest idle environment
    b = -1
    for (k in idle)
      if (!(k in want) && (b < 0 || created[k] > created[b] || (created[k] == created[b] && seq[k] < seq[b]))) b = k
    want[b] = 1
    for (k in idle) if (k != b && !(k in want) && created[k] == created[b]) { ties++; break }
  }
  for (k in want) if (!(k in got)) { bad++; print "t=" gt ": environment " k " should have served" }
  for (i = 1; i <= ng; i++) if (gs[i] == "warm") { delete idle[ge[i]]; warm++ } else { created[ge[i]] = gt; cold++ }
  ng = 0; delete want; delete got
}
$2 == 0 { flush(); idle[$4] = 1; seq[$4] = n++; next }
{ if (ng && $1 != gt) flush(); gt = $1; ng++; ge[ng] = $4; gs[ng] = $5 }
END { flush(); printf "%d warm, %d cold, %d picked among equal creation times, %d wrong\n", warm, cold, ties, bad + 0 }
AWK
awk -f "$TMPD/newest_check.awk" "$TMPD/newest_events.txt" > "$TMPD/newest_check.txt"
if grep -q ' 0 wrong$' "$TMPD/newest_check.txt" &&
   awk '{ exit !($1 > 2000 && $5 > 100) }' "$TMPD/newest_check.txt"; then ok
else bad "reuse newest: $(tail -3 "$TMPD/newest_check.txt")"; fi

report run
