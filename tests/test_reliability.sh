# test_reliability.sh - faults and limits from the command line (issue 15):
# signals leave nothing behind and exit 130/143; a lost stdout is exit 1;
# report folders appear whole or not at all (a full 64 KB tmpfs, a read-only
# folder, a replaced report); the large-run guard; deep ASL; seeds of 2^63.
. tests/lib.sh
LAMBDASIM=$(cd "$(dirname "$LAMBDASIM")" && pwd)/$(basename "$LAMBDASIM")
ROOT=$(pwd)

cat >"$TMPD/small.json" <<'J'
{ "duration_s": 3600, "workload": { "arrivals": { "process": "poisson", "rate_per_s": 1 } },
  "entry": { "type": "function_url", "target": "f" },
  "functions": { "f": { "service_time": { "warm": { "dist": "exponential", "mean_ms": 100 },
                                          "cold": { "dist": "exponential", "mean_ms": 300 } } } } }
J
# A run long enough to be interrupted (about 20 s, 200 s under ASan).
sed 's/"duration_s": 86400/"duration_s": 1000000/' data/architectures/gallery_sync.json >"$TMPD/long.json"
# A run the guard calls large (5e10 arrivals).
sed 's/"duration_s": 3600/"duration_s": 1e10/; s/"rate_per_s": 1/"rate_per_s": 5/' \
    "$TMPD/small.json" >"$TMPD/huge.json"

# nothing_left DESC DIR: DIR is empty.
nothing_left() {  # DESC DIR
    left=$(ls -A "$2")
    if [ -z "$left" ]; then ok; else bad "$1: left behind in $(basename "$2"): $left"; fi
}

# ---- signals: kill a run with --out and --log mid-way --------------------------
# wait_for GLOB: up to 20 s for a file matching GLOB with data in it.
wait_for() {
    i=0
    while [ $i -lt 200 ]; do
        for f in $1; do [ -s "$f" ] && return 0; done
        sleep 0.1; i=$((i + 1))
    done
    return 1
}
for sig in TERM INT; do
    w=$TMPD/sig_$sig; mkdir -p "$w"
    # A background job of a script has SIGINT ignored; give it back the
    # default so the run sees the ^C a user would send.
    env --default-signal=INT "$LAMBDASIM" run --config "$TMPD/long.json" --out "$w/rep" \
        --log "$w/inv.csv" >"$TMPD/out" 2>"$TMPD/err" &
    pid=$!
    if wait_for "$w/inv.csv.tmp.*"; then ok; else bad "SIG$sig: the log never started"; fi
    [ -d "$w/rep.tmp.$pid" ] && ok || bad "SIG$sig: the report folder is not being written beside the target"
    kill -$sig $pid
    wait $pid
    rc=$?
    want=$([ $sig = INT ] && echo 130 || echo 143)
    [ "$rc" -eq "$want" ] && ok || bad "SIG$sig: exit $rc, want $want"
    expect_grep "interrupted by SIG$sig; temporary outputs removed" "$TMPD/err" "SIG$sig message"
    nothing_left "SIG$sig" "$w"
done
# trace generate and convert to --out: the temporary file goes too.
w=$TMPD/sig_gen; mkdir -p "$w"
sed 's/"duration_s": 86400/"duration_s": 1e9/' data/traces/gallery_day.spec.json >"$TMPD/bigspec.json"
"$LAMBDASIM" trace generate --spec "$TMPD/bigspec.json" --yes --out "$w/t.csv" 2>"$TMPD/err" &
pid=$!
if wait_for "$w/t.csv.tmp.*"; then ok; else bad "trace generate never started writing"; fi
kill -TERM $pid; wait $pid; rc=$?
[ "$rc" -eq 143 ] && ok || bad "trace generate SIGTERM: exit $rc, want 143"
nothing_left "trace generate SIGTERM" "$w"

# ---- stdout: a lost write is an error ----------------------------------------------
IMG=data/images
# Every command that prints, stdout on /dev/full and then closed.
n_full=0
for cmd in "cost --usage data/usage/cli-example.json" \
           "cost --usage data/usage/cli-example.json --format json" \
           "trace stats data/traces/gallery_day.csv" \
           "trace stats data/traces/gallery_day.csv --format json" \
           "trace convert data/traces/gallery_day.csv --from csv" \
           "trace generate --spec data/traces/gallery_day.spec.json" \
           "run --config $TMPD/small.json" \
           "run --config $TMPD/small.json --format json" \
           "compare --config $TMPD/small.json --vary functions.f.memory_mb=128,256" \
           "stepfn run --definition data/statemachines/image_pipeline.asl.json --input {}" \
           "stepfn run --definition data/statemachines/image_pipeline.asl.json --input {} --format json" \
           "size --kernel resize" \
           "size --kernel resize --format json" \
           "kernel resize --in $IMG/camera.png --format json" \
           "--help" "--version" "run --help"; do
    n_full=$((n_full + 1))
    # shellcheck disable=SC2086
    "$LAMBDASIM" $cmd >/dev/full 2>"$TMPD/err"
    rc=$?
    [ "$rc" -eq 1 ] && ok || bad "$cmd > /dev/full: exit $rc, want 1"
    expect_grep "stdout: write failed" "$TMPD/err" "$cmd > /dev/full message"
    # shellcheck disable=SC2086
    "$LAMBDASIM" $cmd >&- 2>"$TMPD/err"
    rc=$?
    [ "$rc" -eq 1 ] && ok || bad "$cmd >&-: exit $rc, want 1"
done
[ "$n_full" -ge 17 ] && ok || bad "stdout cases ran: $n_full"

# ---- report folders: whole or nothing ---------------------------------------------
w=$TMPD/rep; mkdir -p "$w"
expect_exit 0 "run --out" -- "$LAMBDASIM" run --config "$TMPD/small.json" --out "$w/r"
[ -f "$w/r/summary.json" ] && [ -f "$w/r/report.html" ] && ok || bad "run --out wrote the report"
# Replacing a report: a stray file of the old one is gone, no temporaries.
echo stray >"$w/r/stray.txt"
expect_exit 0 "run --out again" -- "$LAMBDASIM" run --config "$TMPD/small.json" --out "$w/r"
[ ! -e "$w/r/stray.txt" ] && [ -f "$w/r/summary.json" ] && ok || bad "the old report was not replaced whole"
[ "$(ls -A "$w")" = r ] && ok || bad "replace left: $(ls -A "$w")"
# A folder that is not a report is never replaced.
mkdir -p "$w/mine"; echo precious >"$w/mine/notes.txt"
expect_exit 2 "run --out a user's folder" -- "$LAMBDASIM" run --config "$TMPD/small.json" --out "$w/mine"
expect_grep "not a lambdasim report" "$TMPD/err" "refusal says why"
[ "$(cat "$w/mine/notes.txt")" = precious ] && [ "$(ls -A "$w/mine")" = notes.txt ] && ok ||
    bad "a user's folder was touched"
echo x >"$w/file"
expect_exit 2 "run --out a file" -- "$LAMBDASIM" run --config "$TMPD/small.json" --out "$w/file"
expect_grep "exists and is not a directory" "$TMPD/err" "--out a file message"
# A bad config with --out and --log leaves nothing.
w=$TMPD/badrun; mkdir -p "$w"
printf '{ "duration_s": -1 }\n' >"$TMPD/bad.json"
expect_exit 2 "bad config with --out" -- "$LAMBDASIM" run --config "$TMPD/bad.json" --out "$w/r" --log "$w/l.csv"
nothing_left "bad config with --out --log" "$w"

# A 64 KB tmpfs: the report (~400 KB) cannot fit; nothing partial remains.
small=$TMPD/tmpfs64k; mkdir -p "$small"
if mount -t tmpfs -o size=64k lambdasim-test "$small" 2>/dev/null; then
    for c in "run --config $TMPD/small.json --out $small/r" \
             "compare --config $TMPD/small.json --vary functions.f.memory_mb=128,256 --out $small/c" \
             "demo --out $small/d" \
             "run --config data/architectures/gallery_sync.json --log $small/l.csv" \
             "trace generate --spec data/traces/gallery_day.spec.json --out $small/t.csv"; do
        # shellcheck disable=SC2086
        "$LAMBDASIM" $c >"$TMPD/out" 2>"$TMPD/err"
        rc=$?
        [ "$rc" -ne 0 ] && ok || bad "64k tmpfs: $c: exit 0"
        expect_grep "no space left on device" "$TMPD/err" "64k tmpfs: $c: says why"
        nothing_left "64k tmpfs: $c" "$small"
    done
    umount "$small"
    # A read-only folder: a clear error, before any simulation.
    if mount -t tmpfs -o ro,size=64k lambdasim-test "$small" 2>/dev/null; then
        expect_exit 2 "read-only --out" -- "$LAMBDASIM" run --config "$TMPD/long.json" --out "$small/r"
        expect_grep "read-only file system" "$TMPD/err" "read-only --out says why"
        expect_exit 2 "read-only --log" -- "$LAMBDASIM" run --config "$TMPD/long.json" --log "$small/l.csv"
        expect_grep "read-only file system" "$TMPD/err" "read-only --log says why"
        umount "$small"
    else
        echo "skipped: read-only tmpfs: mount not permitted"
    fi
else
    echo "skipped: 64 KB tmpfs and read-only folder: mount not permitted here"
fi

# ---- the large-run guard ------------------------------------------------------------
expect_exit 0 "small run: no guard" -- "$LAMBDASIM" run --config "$TMPD/small.json" </dev/null
if grep -q "large run" "$TMPD/err"; then bad "small run: the guard spoke"; else ok; fi
# Not a terminal: the estimate is printed and the run starts (stopped here).
timeout 3 "$LAMBDASIM" run --config "$TMPD/huge.json" </dev/null >/dev/null 2>"$TMPD/err"
rc=$?
[ "$rc" -eq 124 ] && ok || bad "huge run without a terminal: exit $rc, want 124 (started, then timed out)"
expect_grep "a large run: about 5e+10 arrivals, 5e+11 simulated events" "$TMPD/err" "estimate printed"
expect_grep "expected time about" "$TMPD/err" "expected time printed"
sed 's/"duration_s": 86400/"duration_s": 1e10/' data/traces/gallery_day.spec.json >"$TMPD/hugespec.json"
timeout 3 "$LAMBDASIM" trace generate --spec "$TMPD/hugespec.json" </dev/null >/dev/null 2>"$TMPD/err"
expect_grep "trace generate: a large run: about .* GB of output" "$TMPD/err" "trace generate estimate"
# A flash crowd whose thinning bound (1e6/s) is far above its mean: few
# arrivals, 1e12 candidate draws; the guard counts the draws.
printf '{ "duration_s": 1e6, "arrivals": { "process": "flash_crowd", "base_rate_per_s": 0.001,
  "peak_rate_per_s": 1e6, "start_s": 100, "ramp_s": 1, "hold_s": 1, "decay_s": 1 } }\n' >"$TMPD/flash.json"
timeout 3 "$LAMBDASIM" trace generate --spec "$TMPD/flash.json" </dev/null >/dev/null 2>"$TMPD/err"
expect_grep "about 2.5e+06 arrivals, 1e+12 generator draws" "$TMPD/err" "flash crowd: draws counted"
# Azure 2019 counts that expand into 800 GB of CSV.
printf 'HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,4000000000,4000000000\n' >"$TMPD/bigaz.csv"
timeout 3 "$LAMBDASIM" trace convert "$TMPD/bigaz.csv" --from azure2019 --out "$TMPD/bigaz.out" \
    </dev/null >/dev/null 2>"$TMPD/err"
expect_grep "trace convert: a large run: about 8e+09 arrivals, 800 GB of output" "$TMPD/err" \
    "trace convert estimate"
[ ! -e "$TMPD/bigaz.out" ] && ok || bad "trace convert stopped by timeout left its output"
# On a terminal: asked; "n" cancels with exit 1 and nothing written.
if command -v script >/dev/null 2>&1; then
    w=$TMPD/ask; mkdir -p "$w"
    printf 'n\n' | script -qec "$LAMBDASIM run --config $TMPD/huge.json --out $w/r" /dev/null \
        >"$TMPD/out" 2>&1
    rc=$?
    [ "$rc" -eq 1 ] && ok || bad "terminal, answer n: exit $rc, want 1"
    expect_grep "continue? \[y/N\]" "$TMPD/out" "terminal: asked"
    expect_grep "not started" "$TMPD/out" "terminal: not started"
    nothing_left "terminal, answer n" "$w"
    # --yes: no question.
    timeout 3 script -qec "$LAMBDASIM run --config $TMPD/huge.json --yes" /dev/null </dev/null \
        >"$TMPD/out" 2>&1
    if grep -q "continue?" "$TMPD/out"; then bad "--yes still asked"; else ok; fi
    expect_grep "a large run" "$TMPD/out" "--yes still prints the estimate"
else
    echo "skipped: the terminal question: no script(1) to make a terminal"
fi

# ---- deep ASL: nested Parallel states AWS runs -----------------------------------
nested() {  # N: N Parallel states, each the only state of its parent's branch
    i=0; s=''; e=''
    while [ $i -lt "$1" ]; do
        s="$s{\"StartAt\":\"N\",\"States\":{\"N\":{\"Type\":\"Parallel\",\"End\":true,\"Branches\":["
        e="]}}}$e"; i=$((i + 1))
    done
    printf '%s{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}%s\n' "$s" "$e"
}
# json-c's default depth (32 levels) refused 8; the interpreter bounds its
# recursion at 100 nested Parallel/Map scopes (SFN_MAX_NESTING,
# models/stepfn/mdl_sfn_internal.h), which the JSON depth limit admits.
for n in 8 40 100; do
    nested $n >"$TMPD/nest$n.json"
    expect_exit 0 "$n nested Parallel states" -- "$LAMBDASIM" stepfn run --definition "$TMPD/nest$n.json" --input '{"a":1}'
    expect_grep "status: SUCCEEDED" "$TMPD/out" "$n nested Parallel states succeed"
done
nested 101 >"$TMPD/nest101.json"
expect_exit 2 "101 nested Parallel states" -- "$LAMBDASIM" stepfn run --definition "$TMPD/nest101.json" --input '{}'
expect_grep "nested deeper than 100" "$TMPD/err" "scope limit message"
expect_clean_stderr "scope limit"
# Beyond the documented limit (1000 JSON levels): refused with a message.
nested 251 >"$TMPD/nest251.json"
expect_exit 2 "251 nested Parallel states" -- "$LAMBDASIM" stepfn run --definition "$TMPD/nest251.json" --input '{}'
expect_grep "nesting too deep (more than 1000 levels)" "$TMPD/err" "depth limit message"
expect_clean_stderr "depth limit"

# ---- seeds of 2^63 and more are refused everywhere -------------------------------
BIG=9223372036854775808
for c in "run --config $TMPD/small.json" "compare --config $TMPD/small.json --vary functions.f.memory_mb=128,256" \
         "demo --out $TMPD/never" "trace generate --spec data/traces/gallery_day.spec.json" \
         "trace convert data/traces/gallery_day.csv --from csv" \
         "stepfn run --definition data/statemachines/image_pipeline.asl.json --input {}"; do
    # shellcheck disable=SC2086
    expect_exit 2 "$c --seed 2^63" -- "$LAMBDASIM" $c --seed $BIG
    expect_grep "option --seed: $BIG is out of range \[0, 9223372036854775807\]" "$TMPD/err" "$c --seed 2^63 message"
done
[ ! -e "$TMPD/never" ] && ok || bad "demo --seed 2^63 wrote a report"
sed 's/"duration_s": 3600,/"duration_s": 3600, "seed": 9223372036854775807,/' "$TMPD/small.json" >"$TMPD/seedmax.json"
expect_exit 0 "config seed 2^63-1" -- "$LAMBDASIM" run --config "$TMPD/seedmax.json" --format json
expect_grep '"seed": 9223372036854775807' "$TMPD/out" "seed 2^63-1 kept exactly"
sed 's/"duration_s": 3600,/"duration_s": 3600, "seed": 9223372036854775808,/' "$TMPD/small.json" >"$TMPD/seedbig.json"
expect_exit 2 "config seed 2^63" -- "$LAMBDASIM" run --config "$TMPD/seedbig.json"
expect_grep "seedbig.json:1:seed: $BIG is out of range" "$TMPD/err" "config seed 2^63 message"

# ---- inputs: the messages of item 9 ----------------------------------------------------
printf '42\n' >"$TMPD/n42.json"
expect_exit 2 "a JSON 42" -- "$LAMBDASIM" cost --usage "$TMPD/n42.json"
expect_grep "n42.json:1: expected a JSON object at the top level, got a number" "$TMPD/err" "42 message"
expect_exit 2 "a folder as a file" -- "$LAMBDASIM" run --config "$TMPD"
expect_grep "is a directory" "$TMPD/err" "folder message"
printf '{"region": "us-east-1",\n "region": "eu-central-1"}\n' >"$TMPD/dup.json"
expect_exit 2 "duplicate keys" -- "$LAMBDASIM" cost --usage "$TMPD/dup.json"
expect_grep "dup.json:2:region: malformed JSON: duplicate key 'region' (first on line 1, again on line 2)" \
    "$TMPD/err" "duplicate key message names both lines"
# Any kernel's section is checked: a bad detect fails sizing resize.
sed 's/"cpu_ms_per_megapixel": 490.9/"cpu_ms_per_megapixel": -1/' data/profiles/default.json >"$TMPD/prof.json"
expect_exit 2 "bad detect section, resize sized" -- "$LAMBDASIM" size --kernel resize --profile "$TMPD/prof.json"
expect_grep "kernels.detect.cpu_ms_per_megapixel" "$TMPD/err" "the bad section is named"
# Command-line values follow the strict reader and numbers too (--set is JSON
# when it parses; text opening an object or array must be valid JSON).
CFG=data/architectures/gallery_sync.json
expect_exit 2 "--set with a duplicate key" -- "$LAMBDASIM" run --config $CFG \
    --set 'functions.resize.service_time={"warm": {"dist": "deterministic", "value_ms": 5, "value_ms": 6}}'
expect_grep "^lambdasim: --set:1:.*duplicate key 'value_ms'" "$TMPD/err" "--set duplicate key named"
expect_exit 2 "--set with a comment" -- "$LAMBDASIM" run --config $CFG --set 'functions.resize.memory_mb=[/*x*/1]'
expect_grep "^lambdasim: --set:1: malformed JSON: comments are not JSON" "$TMPD/err" "--set comment named"
expect_exit 2 "--set 0x400 is no number" -- "$LAMBDASIM" run --config $CFG --set functions.resize.memory_mb=0x400
expect_grep "functions.resize.memory_mb: expected a number, got string" "$TMPD/err" "--set 0x400 message"
expect_exit 2 "--vary 0x400 is no number" -- "$LAMBDASIM" compare --config $CFG \
    --vary functions.resize.memory_mb=0x400,1024
expect_grep "functions.resize.memory_mb: expected a number, got string" "$TMPD/err" "--vary 0x400 message"
for g in ' 128:1024:64' '0x80:1024:64' '128:1024:64x' '128:inf:64'; do
    expect_exit 2 "size --grid '$g'" -- "$LAMBDASIM" size --oracle data/sizing/sebs_411_warm_oracle.csv --grid "$g"
    expect_grep "is not MIN:MAX:STEP" "$TMPD/err" "size --grid '$g' message"
done
report reliability
