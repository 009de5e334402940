#!/bin/sh
# run_bench.sh - run every benchmark; each prints "BENCH <name> <value> <unit>".
BUILD=${BUILD:-build}
export LAMBDASIM=${LAMBDASIM:-$BUILD/lambdasim} BUILD
status=0
for b in "$BUILD"/tests/bench_*; do
    [ -x "$b" ] || continue
    "$b" || status=1
done
for b in tests/bench_*.sh; do
    [ -f "$b" ] || continue
    sh "$b" || status=1
done
exit $status
