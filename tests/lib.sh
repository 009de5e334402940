# lib.sh - helpers for shell test suites (tests/test_*.sh).
# Each suite sources this, calls check_* helpers, and ends with `report NAME`.
# `skip WHY` counts a part whose optional tool or input is missing (never a
# required one: that is `bad`) and prints "skipped: WHY".
# $LAMBDASIM is the binary under test; the working directory is the repo root.
PASS=0
FAIL=0
SKIP=0
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/lambdasim-test.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT

ok()   { PASS=$((PASS + 1)); }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
skip() { SKIP=$((SKIP + 1)); echo "skipped: $*"; }

# expect_exit CODE DESC -- cmd args...   (stdout/stderr saved to $TMPD/out, err)
expect_exit() {
    want=$1; desc=$2; shift 3
    "$@" >"$TMPD/out" 2>"$TMPD/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else
        bad "$desc: exit $got, want $want"; sed 's/^/    stderr: /' "$TMPD/err" | head -5
    fi
}

# expect_grep PATTERN FILE DESC
expect_grep() {
    if grep -q -- "$1" "$2"; then ok; else
        bad "$3: '$1' not found in $(basename "$2")"; sed 's/^/    /' "$2" | head -5
    fi
}

# expect_no_crash DESC: last command's stderr has no sanitizer report / abort
expect_clean_stderr() {
    if grep -qE 'AddressSanitizer|runtime error|Segmentation|Aborted|assertion failed' "$TMPD/err"; then
        bad "$1: crash or sanitizer report"; head -5 "$TMPD/err"
    else ok; fi
}

report() {
    if [ "$SKIP" -gt 0 ]; then
        echo "$1: $PASS passed, $FAIL failed, $SKIP skipped"
    else
        echo "$1: $PASS passed, $FAIL failed"
    fi
    [ "$FAIL" -eq 0 ]
}
