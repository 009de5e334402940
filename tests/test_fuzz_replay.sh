# test_fuzz_replay.sh - every fuzz corpus file through its harness, without a
# fuzzer runtime (tests/fuzz/replay.c): a fixed crash stays fixed, and under
# `make asan` the whole corpus runs sanitized.
. tests/lib.sh
# Every harness tests/fuzz/fuzz_<target>.c (the list the Makefile's
# FUZZ_TARGETS builds: a harness missing there fails below).
for h in tests/fuzz/fuzz_*.c; do
    t=${h#tests/fuzz/fuzz_}; t=${t%.c}
    r=$BUILD/fuzz/replay_$t
    if [ ! -x "$r" ]; then bad "$t: no $r (make check-tests builds it)"; continue; fi
    n=$(ls tests/fuzz/$t | wc -l)
    [ "$n" -ge 1 ] && ok || bad "$t: empty corpus tests/fuzz/$t"
    expect_exit 0 "replay $t" -- "$r" tests/fuzz/$t
    expect_grep "^$n inputs$" "$TMPD/out" "replay $t ran every file"
    expect_clean_stderr "replay $t"
done
report fuzz_replay
