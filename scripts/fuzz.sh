#!/bin/sh
# fuzz.sh - build the fuzz harnesses and run each target for FUZZ_S seconds,
# then report executions, coverage and findings per target (`make fuzz`).
#
# Engine: libFuzzer when clang can link -fsanitize=fuzzer (Debian's clang
# with libclang-rt-14-dev), else afl++ (Debian's afl++, afl-clang-fast with
# its libFuzzer-compatible driver); FUZZ_ENGINE=libfuzzer|afl chooses.  Both
# build with ASan + UBSan.  Each target uses one core (the machine is shared).
#   libFuzzer: fork mode, one job, so a crash, a timeout (10 s) or an
#     out-of-memory (2 GB) is saved to build/fuzz/findings/<target>-... and
#     fuzzing goes on for the whole FUZZ_S; new inputs go to
#     build/fuzz/corpus/<target>; "cov" is libFuzzer's coverage points.
#   afl++: build/fuzz-afl/out/<target>/default/{crashes,hangs,queue};
#     "cov" is afl's edges_found.
# tests/fuzz/<target>/ is the seed corpus, read only: copy a fixed finding
# there so `make test` and `make asan` replay it from then on.
set -u
FUZZ_S=${FUZZ_S:-60}
# Every harness tests/fuzz/fuzz_<target>.c unless FUZZ_TARGETS names some.
FUZZ_TARGETS=${FUZZ_TARGETS:-$(ls tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||' | sort | tr '\n' ' ')}
MAKE=${MAKE:-make}
engine=${FUZZ_ENGINE:-auto}

has_libfuzzer() {
    t=$(mktemp -d)
    printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)\n{ (void)d; (void)n; return 0; }\n' >"$t/t.c"
    clang -fsanitize=fuzzer "$t/t.c" -o "$t/t" >/dev/null 2>&1
    r=$?
    rm -rf "$t"
    return $r
}
if [ "$engine" = auto ]; then
    if command -v clang >/dev/null 2>&1 && has_libfuzzer; then engine=libfuzzer
    elif command -v afl-clang-fast >/dev/null 2>&1; then engine=afl
    else echo "fuzz.sh: neither clang's libFuzzer nor afl++ (scripts/deps.sh --fuzz)" >&2; exit 2
    fi
fi
case $engine in
libfuzzer) B=build/fuzz; CCF=clang; SANF="-fsanitize=fuzzer-no-link,address,undefined" ;;
afl) B=build/fuzz-afl; CCF=afl-clang-fast; SANF="-fsanitize=address,undefined" ;;
*) echo "fuzz.sh: FUZZ_ENGINE must be libfuzzer or afl" >&2; exit 2 ;;
esac
# clang warns about vectorisation hints it cannot honour: not our bug.
AFL_QUIET=1 $MAKE BUILD=$B CC=$CCF WERROR= OPT="-O1 -g -Wno-pass-failed" \
    SAN="$SANF -fno-omit-frame-pointer" FUZZ_LINK="-fsanitize=fuzzer" \
    FUZZ_TARGETS="$FUZZ_TARGETS" fuzz-bins || exit 2
mkdir -p "$B/findings" "$B/logs"
echo "engine: $engine"
printf '%-8s %8s %12s %10s %8s %9s\n' target seconds executions exec/s cov findings
status=0

run_libfuzzer() {  # target bin log dict -> prints "execs rate cov found"
    mkdir -p "$B/corpus/$1"
    before=$(ls "$B/findings" | grep -c "^$1-")
    # shellcheck disable=SC2086
    ASAN_OPTIONS=detect_leaks=1 "$2" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
        -ignore_ooms=1 -max_total_time="$FUZZ_S" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$B/findings/$1-" $4 "$B/corpus/$1" "tests/fuzz/$1" >"$3" 2>&1
    # Fork mode's progress lines: "#EXECS: cov: C ft: F corp: N exec/s E ...".
    last=$(grep -E '^#[0-9]+: cov: ' "$3" | tail -1)
    after=$(ls "$B/findings" | grep -c "^$1-")
    echo "$(echo "$last" | sed -E 's/^#([0-9]+):.*/\1/') $(echo "$last" | sed -E 's/.* exec\/s:? ([0-9]+).*/\1/') $(echo "$last" | sed -E 's/.* cov: ([0-9]+).*/\1/') $((after - before))"
}

run_afl() {  # target bin log dict -> prints "execs rate cov found"
    out=$B/out/$1
    rm -rf "$out"
    mkdir -p "$B/out"
    # shellcheck disable=SC2086
    AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_SKIP_BIN_CHECK=1 ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0 \
        afl-fuzz -V "$FUZZ_S" -t 10000 -m none -i "tests/fuzz/$1" -o "$out" $4 -- "$2" >"$3" 2>&1
    st=$out/default/fuzzer_stats
    execs=$(sed -n 's/^execs_done *: *//p' "$st" 2>/dev/null)
    rate=$(sed -n 's/^execs_per_sec *: *//p' "$st" 2>/dev/null | cut -d. -f1)
    cov=$(sed -n 's/^edges_found *: *//p' "$st" 2>/dev/null)
    found=$(ls "$out/default/crashes" "$out/default/hangs" 2>/dev/null | grep -c '^id:')
    for f in "$out"/default/crashes/id:* "$out"/default/hangs/id:*; do
        [ -f "$f" ] && cp "$f" "$B/findings/$1-$(basename "$(dirname "$f")")-$(basename "$f" | cut -c1-9)"
    done
    echo "${execs:-?} ${rate:-?} ${cov:-?} $found"
}

for t in $FUZZ_TARGETS; do
    bin=$B/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "fuzz.sh: no $bin" >&2; status=2; continue; }
    dict=""
    case $t in csv|az19|az21|image) ;; *) dict="tests/fuzz/json.dict" ;; esac
    [ -f "tests/fuzz/$t.dict" ] && dict="tests/fuzz/$t.dict"   # a format's own tokens
    if [ "$engine" = libfuzzer ]; then
        r=$(run_libfuzzer "$t" "$bin" "$B/logs/$t.log" "${dict:+-dict=$dict}")
    else
        r=$(run_afl "$t" "$bin" "$B/logs/$t.log" "${dict:+-x $dict}")
    fi
    set -- $r
    printf '%-8s %8s %12s %10s %8s %9s\n' "$t" "$FUZZ_S" "$1" "$2" "$3" "$4"
    [ "$4" = 0 ] || status=1
done
[ "$status" -eq 0 ] || echo "fuzz.sh: findings in $B/findings (logs in $B/logs)" >&2
exit "$status"
