#!/bin/sh
# run_tests.sh - run every test program and shell suite; sum their counts.
# Prints one line per suite ("NAME: N passed, M failed[, K skipped]", with
# the reasons of skips and the first lines of failures below it) and ends
# with "N passed, M failed, K skipped".  A suite that crashes or exits
# non-zero without reporting failures counts as one failure, so a crash can
# never pass silently; a skip is a part whose optional tool or input is
# missing here (chromium, npm, ...), said with its reason.
# CHECK_INSTALL=1 (set by `make test`) adds tests/check_install.sh.
BUILD=${BUILD:-build}
LAMBDASIM=${LAMBDASIM:-$BUILD/lambdasim}
export LAMBDASIM BUILD
total_pass=0
total_fail=0
total_skip=0
log=$(mktemp)
COUNTS='^[A-Za-z0-9_./-]+: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$'

# count N LINE: the N-th number of a counts line (1 passed, 2 failed, 3 skipped).
count() {
    echo "$2" | sed -E 's/^[^:]*: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$/\1 \2 \4/' |
        awk -v n="$1" '{ print ($n == "" ? 0 : $n) }'
}

run_suite() {
    name=$1; shift
    "$@" >"$log" 2>&1
    rc=$?
    line=$(grep -E "$COUNTS" "$log" | tail -1)
    if [ -n "$line" ]; then
        p=$(count 1 "$line"); f=$(count 2 "$line"); s=$(count 3 "$line")
    else
        p=0; f=0; s=0
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        line="$name: $p passed, 1 failed (exit $rc without a failure count)"
    fi
    [ -n "$line" ] || line="$name: $p passed, $f failed"
    echo "$line"
    grep -E '^skipped: ' "$log" | sed 's/^/    /'
    if [ "$f" -ne 0 ]; then
        grep -v -E "$COUNTS" "$log" | grep -v -E '^skipped: ' | head -40 | sed 's/^/    /'
    fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    total_skip=$((total_skip + s))
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run_suite "$(basename "$t")" "$t"
done
for t in tests/test_*.sh; do
    [ -f "$t" ] || continue
    run_suite "$(basename "$t" .sh)" sh "$t"
done
if [ "${CHECK_INSTALL:-0}" = 1 ]; then
    run_suite check_install sh tests/check_install.sh
fi
rm -f "$log"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
