# test_sweep.sh - `lambdasim sweep`: grid expansion, CIs, thread-count independence.
. tests/lib.sh
cat > "$TMPD/sw.json" <<'J'
{ "duration_s": 20000, "workload": { "arrivals": { "process": "poisson", "rate_per_s": 0.9 } },
  "entry": { "type": "direct" },
  "functions": { "f": { "keep_alive_s": 600, "timeout_s": 900, "service_time": {
      "warm": { "dist": "exponential", "mean_ms": 1991 }, "cold": { "dist": "exponential", "mean_ms": 2244 } } } } }
J
expect_exit 0 "sweep 1 thread" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" \
    --grid functions.f.keep_alive_s=60,600 --grid functions.f.memory_mb=128,512 \
    --replications 4 --threads 1 --out "$TMPD/s1"
expect_exit 0 "sweep 2 threads" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" \
    --grid functions.f.keep_alive_s=60,600 --grid functions.f.memory_mb=128,512 \
    --replications 4 --threads 2 --out "$TMPD/s2"
cmp -s "$TMPD/s1/sweep.csv" "$TMPD/s2/sweep.csv" && ok || bad "sweep.csv identical for 1 and 2 threads"
cmp -s "$TMPD/s1/sweep.json" "$TMPD/s2/sweep.json" && ok || bad "sweep.json identical for 1 and 2 threads"
# Charts: headline figures against the first grid key, identical for any thread count.
for c in functions_f_cold_start_probability requests_latency_ms_p95 functions_f_avg_instances; do
    [ -s "$TMPD/s1/charts/$c.svg" ] && grep -q '</svg>' "$TMPD/s1/charts/$c.svg" && ok || bad "chart $c.svg written"
    cmp -s "$TMPD/s1/charts/$c.svg" "$TMPD/s2/charts/$c.svg" && ok || bad "chart $c.svg identical for 1 and 2 threads"
done
grep -q '>memory (MB): 128<' "$TMPD/s1/charts/functions_f_cold_start_probability.svg" \
    && ok || bad "one line per value of the second grid key, named by the label table"
grep -q '>P(cold start) of f against keep-alive (s)<' "$TMPD/s1/charts/functions_f_cold_start_probability.svg" \
    && ok || bad "a readable title: figure against key, with units"
grep -q '>keep-alive (s), log scale<' "$TMPD/s1/charts/functions_f_cold_start_probability.svg" \
    && ok || bad "the x axis named with its unit"
[ -s "$TMPD/s1/charts/tradeoff.svg" ] && ok || bad "the trade-off chart"
grep -q "^verdict: Cheapest per month: " "$TMPD/out" && ok || bad "the verdict on the terminal"
expect_grep "scenario,functions.f.keep_alive_s,functions.f.memory_mb,metric,mean,ci95_low,ci95_high,n" \
    "$TMPD/s1/sweep.csv" "CSV header"
n=$(grep -c ',functions.f.cold_start_probability,' "$TMPD/s1/sweep.csv")
[ "$n" -eq 4 ] && ok || bad "4 scenarios (2 x 2), got $n"
# Shorter keep-alive, more cold starts: the sweep sees the effect.
c60=$(grep '^0,60,128,functions.f.cold_start_probability,' "$TMPD/s1/sweep.csv" | cut -d, -f5)
c600=$(grep '^2,600,128,functions.f.cold_start_probability,' "$TMPD/s1/sweep.csv" | cut -d, -f5)
awk -v a="$c60" -v b="$c600" 'BEGIN { exit !(a > 5 * b) }' && ok || bad "P(cold) at 60 s ($c60) >> at 600 s ($c600)"
# CI brackets the mean and replications differ.
awk -F, 'NR > 1 && $4 == "functions.f.avg_instances" { if (!($6 < $5 && $5 < $7)) exit 1 }' "$TMPD/s1/sweep.csv" \
    && ok || bad "CI brackets the mean"
# report.html / report.md: the headline table and the charts, thread-count independent.
for f in report.html report.md; do
    cmp -s "$TMPD/s1/$f" "$TMPD/s2/$f" && ok || bad "$f identical for 1 and 2 threads"
done
expect_grep '<table id="sweep">' "$TMPD/s1/report.html" "headline table"
expect_grep '<figure class="chart" id="chart-functions_f_cold_start_probability">' "$TMPD/s1/report.html" "chart inlined"
expect_grep '| functions.f.cold_start_probability |' "$TMPD/s1/report.md" "headline row in Markdown"
# --png adds PNG copies of the charts.
expect_exit 0 "sweep --png" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" \
    --grid functions.f.keep_alive_s=60,600 --replications 2 --out "$TMPD/s5" --png
[ -s "$TMPD/s5/charts/functions_f_avg_instances.png" ] && ok || bad "PNG chart with --png"
[ ! -e "$TMPD/s1/charts/functions_f_avg_instances.png" ] && ok || bad "no PNG without --png"
# Bad input.
expect_exit 2 "bad grid key" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" --grid functions.f.memory_mb=64 --out "$TMPD/s3"
expect_grep "memory_mb" "$TMPD/err" "bad grid value named"
[ ! -e "$TMPD/s3/sweep.csv" ] && ok || bad "no output after bad input"
expect_exit 2 "no --out" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" --grid functions.f.memory_mb=256
expect_exit 2 "bad replications" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" --replications 0 --out "$TMPD/s4"
report sweep
