#!/bin/sh
# run_tests.sh - run every test program and shell suite; sum their counts.
# Prints one line per suite and ends with "N passed, M failed".  A suite
# that crashes or exits non-zero without reporting failures counts as one
# failure, so a crash can never pass silently.
BUILD=${BUILD:-build}
LAMBDASIM=${LAMBDASIM:-$BUILD/lambdasim}
export LAMBDASIM BUILD
total_pass=0
total_fail=0
log=$(mktemp)

run_suite() {
    name=$1; shift
    "$@" >"$log" 2>&1
    rc=$?
    line=$(grep -E '^[A-Za-z0-9_./-]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
    if [ -n "$line" ]; then
        p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/')
        f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/')
    else
        p=0; f=0
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        line="$name: $p passed, 1 failed (exit $rc without a failure count)"
    fi
    [ -n "$line" ] || line="$name: $p passed, $f failed"
    echo "$line"
    if [ "$f" -ne 0 ]; then
        grep -v -E ': [0-9]+ passed, [0-9]+ failed$' "$log" | head -40 | sed 's/^/    /'
    fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run_suite "$(basename "$t")" "$t"
done
for t in tests/test_*.sh; do
    [ -f "$t" ] || continue
    run_suite "$(basename "$t" .sh)" sh "$t"
done
rm -f "$log"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
