# test_trace.sh - `lambdasim trace`: stats, convert, generate, and bad input.
. tests/lib.sh
L=$LAMBDASIM
FX=tests/fixtures/azure
SF=data/traces/azure2019/single_function_d01

expect_exit 0 "trace --help" -- $L trace --help
expect_grep "lambdasim trace stats" "$TMPD/out" "usage names stats"
expect_exit 0 "trace stats --help" -- $L trace stats --help
expect_grep "lambdasim trace" "$TMPD/out" "stats --help"
expect_exit 2 "unknown subcommand" -- $L trace frobnicate
expect_grep "unknown subcommand 'frobnicate'" "$TMPD/err" "unknown subcommand named"
expect_exit 2 "unknown option" -- $L trace stats x.csv --bogus
expect_grep "unknown option '--bogus'" "$TMPD/err" "unknown option named"
expect_exit 2 "bad --from" -- $L trace stats x.csv --from azure2020
expect_exit 2 "missing file" -- $L trace stats "$TMPD/nope.csv"
expect_grep "nope.csv: cannot open" "$TMPD/err" "missing file named"

# Azure 2019: exact totals, per-minute rates.
expect_exit 0 "stats azure2019" -- $L trace stats $SF/invocations.csv --from azure2019 \
    --durations $SF/durations.csv --memory $SF/memory.csv --format json
expect_grep '"invocations": 20820188' "$TMPD/out" "single_function_d01 total"
expect_grep '"functions": 1,' "$TMPD/out" "one function"
expect_grep '"max": 250.01666666666668' "$TMPD/out" "peak 15,001/min"
expect_grep '"rate_per_s"' "$TMPD/out" "rate_per_s present"

# Convert keeps every function's count in every minute: compare the
# per-(function, minute) counts of the CSV with the file's columns.
for spread in poisson uniform; do
    expect_exit 0 "convert azure2019 $spread" -- $L trace convert $FX/azure2019_invocations.csv \
        --from azure2019 --durations $FX/azure2019_durations.csv --memory $FX/azure2019_memory.csv \
        --spread $spread --to csv --out "$TMPD/az.csv"
    awk -F, 'NR > 1 { for (i = 5; i <= NF; i++) if ($i > 0) print $3 "," (i - 4) "," $i }' \
        $FX/azure2019_invocations.csv | sort >"$TMPD/want"
    awk -F, 'NR > 1 { c[$5 "," int($1 / 60) + 1]++ } END { for (k in c) print k "," c[k] }' \
        "$TMPD/az.csv" | sort >"$TMPD/got"
    if [ -s "$TMPD/want" ] && cmp -s "$TMPD/want" "$TMPD/got"; then ok; else
        bad "convert $spread: per-function per-minute counts differ"; fi
done
# Azure expansion is deterministic by seed too.
A19="$FX/azure2019_invocations.csv --from azure2019 --durations $FX/azure2019_durations.csv"
$L trace convert $A19 --seed 5 >"$TMPD/s5a.csv"
$L trace convert $A19 --seed 5 >"$TMPD/s5b.csv"
$L trace convert $A19 --seed 6 >"$TMPD/s6.csv"
[ -s "$TMPD/s5a.csv" ] && cmp -s "$TMPD/s5a.csv" "$TMPD/s5b.csv" && ok || bad "azure2019 convert: same seed, different bytes"
cmp -s "$TMPD/s5a.csv" "$TMPD/s6.csv" && bad "azure2019 convert: seed 6 gave seed 5's trace" || ok
expect_exit 0 "stats of converted" -- $L trace stats "$TMPD/az.csv" --format json
expect_grep '"invocations": 4525' "$TMPD/out" "converted total"
expect_grep '"functions": 4' "$TMPD/out" "converted functions"
ls "$TMPD" | grep -q '\.tmp\.' && bad "temporary file left behind" || ok

expect_exit 0 "convert azure2021" -- $L trace convert $FX/azure2021_30.csv --from azure2021
expect_grep '^1.000000,invoke,,0,aaaaa2c0' "$TMPD/out" "2021 start = end - duration"
expect_exit 2 "convert without --from" -- $L trace convert $FX/azure2021_30.csv
expect_exit 2 "convert --to json" -- $L trace convert $FX/azure2021_30.csv --from azure2021 --to json

# Generate: deterministic by seed; the committed demo trace matches its spec.
expect_exit 0 "generate" -- $L trace generate --spec data/traces/gallery_day.spec.json --out "$TMPD/g1.csv"
if cmp -s "$TMPD/g1.csv" data/traces/gallery_day.csv; then ok; else
    bad "data/traces/gallery_day.csv differs from its spec's output"; fi
$L trace generate --spec data/traces/gallery_day.spec.json --seed 1 >"$TMPD/g2.csv"
cmp -s "$TMPD/g1.csv" "$TMPD/g2.csv" && ok || bad "same seed, different bytes"
$L trace generate --spec data/traces/gallery_day.spec.json --seed 2 >"$TMPD/g3.csv"
cmp -s "$TMPD/g1.csv" "$TMPD/g3.csv" && bad "seed 2 gave seed 1's trace" || ok

printf '{"duration_s": 60, "arrivals": {"process": "poisson", "rate_per_s": 1, "burst": 2}}\n' >"$TMPD/bad.json"
expect_exit 2 "spec unknown key" -- $L trace generate --spec "$TMPD/bad.json"
expect_grep "bad.json:1:arrivals.burst" "$TMPD/err" "spec error names file, line, path"
printf '{\n "duration_s": 60,\n "arrivals": {"process": "diurnal", "mean_rate_per_s": 1,\n   "hourly": [1, 2]}\n}\n' >"$TMPD/bad2.json"
expect_exit 2 "spec short hourly" -- $L trace generate --spec "$TMPD/bad2.json"
expect_grep "bad2.json:4:arrivals.hourly: hourly needs 24 weights" "$TMPD/err" "hourly length"

# Bad CSV traces: exit 2, FILE:LINE[:COLUMN] in the message, no crash.
H='timestamp_s,op,key,bytes'
bad_csv() {   # name, expected message pattern, file content via stdin
    cat >"$TMPD/$1.csv"
    expect_exit 2 "bad csv $1" -- $L trace stats "$TMPD/$1.csv"
    expect_grep "$2" "$TMPD/err" "bad csv $1 message"
    expect_clean_stderr "bad csv $1"
}
printf "$H\n0,view,a,1\n1.5,view,b\n" | bad_csv missing "missing.csv:3:bytes: missing column"
printf "$H\n0,view,a,1\nabc,view,b,2\n" | bad_csv nonnum "nonnum.csv:3:timestamp_s: 'abc' is not a number"
printf "$H\n0,view,a,1\n1,view,b,1e3\n" | bad_csv nonint "nonint.csv:3:bytes: '1e3' is not a non-negative integer"
printf "$H\n0,view,a,1\n5,view,b,2\n4.5,view,c,3\n" | bad_csv unsorted "unsorted.csv:4:timestamp_s: timestamp 4.5 is before"
printf "" | bad_csv empty "empty.csv:1: empty trace"
printf "time,op,key,bytes\n0,view,a,1\n" | bad_csv header "header.csv:1:timestamp_s: header column 1 is 'time'"
printf "$H\n0,fetch,a,1\n" | bad_csv op "op.csv:2:op: unknown op 'fetch'"
printf "$H\n0,view,a,1\n1,view,b,2\n2,vi\000ew,c,3\n" | bad_csv nul "nul.csv:4: NUL byte"
{ printf "$H\n0,view,a,1\n1,view,"; head -c 1048576 /dev/zero | tr '\0' 'k'; printf ",5\n"; } \
    | bad_csv long "long.csv:3: line is longer than 65536 bytes"

# Bad Azure inputs name file, line and column too.
printf "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,x\n" >"$TMPD/inv.csv"
expect_exit 2 "azure2019 bad count" -- $L trace stats "$TMPD/inv.csv" --from azure2019
expect_grep "inv.csv:2: minute 2: 'x' is not a non-negative integer count" "$TMPD/err" "azure count message"
printf "HashOwner,HashApp,Trigger,1,2\no,a,http,1,2\n" >"$TMPD/inv2.csv"
expect_exit 2 "azure2019 missing column" -- $L trace stats "$TMPD/inv2.csv" --from azure2019
expect_grep "inv2.csv:1:HashFunction: missing column" "$TMPD/err" "azure missing column"
printf "app,func,end_timestamp,duration\na,f,10,1\na,f,11\n" >"$TMPD/a21.csv"
expect_exit 2 "azure2021 short row" -- $L trace stats "$TMPD/a21.csv" --from azure2021
expect_grep "a21.csv:3: missing columns" "$TMPD/err" "azure2021 short row"

report trace_cli
