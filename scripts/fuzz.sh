#!/bin/sh
# fuzz.sh - run each libFuzzer target for FUZZ_S seconds and report
# executions, coverage (libFuzzer's "cov": edges and other coverage points
# reached) and findings per target.  Called by `make fuzz` after it has built
# build/fuzz/fuzz/fuzz_<target>.
#
# Each target runs in fork mode with one job (one core: the machine is
# shared), so a crash, a timeout (10 s) or an out-of-memory (2 GB) is saved to
# build/fuzz/findings/<target>-... and fuzzing goes on for the whole
# FUZZ_S.  New inputs go to build/fuzz/corpus/<target> (tests/fuzz/<target>/
# is the seed corpus, read only); copy a fixed finding into tests/fuzz/<target>/
# so `make test` and `make asan` replay it from then on.
set -u
FUZZ_S=${FUZZ_S:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-config usage asl csv az19 az21 spec profile catalog image}
B=build/fuzz
mkdir -p "$B/findings" "$B/logs"
printf '%-8s %8s %12s %10s %8s %9s\n' target seconds executions exec/s cov findings
status=0
for t in $FUZZ_TARGETS; do
    bin=$B/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "fuzz.sh: no $bin" >&2; status=2; continue; }
    mkdir -p "$B/corpus/$t"
    dict=""
    case $t in csv|az19|az21|image) ;; *) dict="-dict=tests/fuzz/json.dict" ;; esac
    log=$B/logs/$t.log
    before=$(ls "$B/findings" | grep -c "^$t-")
    # shellcheck disable=SC2086
    ASAN_OPTIONS=detect_leaks=1 "$bin" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
        -ignore_ooms=1 -max_total_time="$FUZZ_S" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$B/findings/$t-" $dict "$B/corpus/$t" "tests/fuzz/$t" >"$log" 2>&1
    # Fork mode's progress lines: "#EXECS: cov: C ft: F corp: N exec/s E ...".
    last=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -1)
    execs=$(echo "$last" | sed -E 's/^#([0-9]+):.*/\1/')
    cov=$(echo "$last" | sed -E 's/.* cov: ([0-9]+).*/\1/')
    rate=$(echo "$last" | sed -E 's/.* exec\/s:? ([0-9]+).*/\1/')
    after=$(ls "$B/findings" | grep -c "^$t-")
    found=$((after - before))
    printf '%-8s %8s %12s %10s %8s %9s\n' "$t" "$FUZZ_S" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$found"
    [ "$found" -eq 0 ] || status=1
done
[ "$status" -eq 0 ] || echo "fuzz.sh: findings in $B/findings (logs in $B/logs)" >&2
exit "$status"
