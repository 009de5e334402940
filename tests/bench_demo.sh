# bench_demo.sh - wall time of the whole `lambdasim demo` (three designs on
# the bundled day trace, report.html, summary.json, timeseries.csv, charts)
# after the build.  Goal (issue 10): under 10 s.
LAMBDASIM=${LAMBDASIM:-build/lambdasim}
d=$(mktemp -d)
s=$(date +%s.%N)
"$LAMBDASIM" demo --out "$d/demo" >/dev/null || { echo "bench_demo: demo failed" >&2; rm -rf "$d"; exit 1; }
e=$(date +%s.%N)
awk -v a="$s" -v b="$e" 'BEGIN { printf "BENCH demo_s %.3f s\n", b - a }'
rm -rf "$d"
