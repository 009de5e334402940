# test_size.sh - `lambdasim size` from the command line: outputs, kernel
# mode, and bad input (exit 2 with file, line and field in the message).
. tests/lib.sh

expect_exit 0 "size --help" -- "$LAMBDASIM" size --help
expect_grep "lambdasim size" "$TMPD/out" "usage names the command"

# An oracle in Power Tuning's README shape (1/m to ~1769 MB, then flat), 5 rows a size.
O="$TMPD/oracle.csv"
echo "memory_mb,duration_ms" > "$O"
for m in 128 256 512 1024 1536 2048 3008; do
    for r in 1 2 3 4 5; do
        awk -v m="$m" -v r="$r" 'BEGIN { c = m < 1769 ? m : 1769; printf "%d,%.3f\n", m, 37002 * 128 / c * (1 + 0.01 * r) }' >> "$O"
    done
done

expect_exit 0 "exhaustive json" -- "$LAMBDASIM" size --oracle "$O" --method exhaustive --format json
for k in '"power": ' '"cost": ' '"duration": ' '"strategy": "cost"' '"method": "exhaustive"' \
         '"samples_used": 7' '"sampled": ' '"stats": ' '"averageDuration": ' '"averagePrice": ' \
         '"measured": true' '"durationLow": ' '"durationHigh": ' '"stateMachine": ' \
         '"lambdaCost": ' '"visualization": "https://lambda-power-tuning.show/#gAAAAQACAAQABgAIwAs=;'; do
    expect_grep "$k" "$TMPD/out" "exhaustive json has $k"
done
# 3008 MB costs ~1.7x the flat region: never the cheapest.
if grep -q '"power": 3008' "$TMPD/out"; then bad "3008 MB is not the cheapest"; else ok; fi

expect_exit 0 "bo samples fewer" -- "$LAMBDASIM" size --oracle "$O" --method bo --format json --budget 5
n=$(grep -o '"samples_used": [0-9]*' "$TMPD/out" | grep -o '[0-9]*$')
[ "$n" -le 5 ] && ok || bad "bo respects --budget 5 (used $n)"
expect_grep '"measured": false' "$TMPD/out" "unsampled sizes are predicted"

expect_exit 0 "bo with the parametric prior mean" -- "$LAMBDASIM" size --oracle "$O" --bo-mean parametric --format json
expect_grep '"method": "bo"' "$TMPD/out" "--bo-mean parametric runs bo"
expect_exit 2 "bad --bo-mean" -- "$LAMBDASIM" size --oracle "$O" --bo-mean linear
expect_grep "'linear' must be constant or parametric" "$TMPD/err" "--bo-mean message"
expect_exit 0 "speed strategy" -- "$LAMBDASIM" size --oracle "$O" --method exhaustive --strategy speed --format json
expect_grep '"power": 2048' "$TMPD/out" "speed picks the fastest (2048, flat ties go to the cheaper)"
expect_exit 0 "balanced" -- "$LAMBDASIM" size --oracle "$O" --method parametric --strategy balanced --balanced-weight 0.3 --format json
expect_grep '"balancedWeight": 0.3' "$TMPD/out" "balanced weight recorded"

# Text and --out files (atomic writes leave no temporaries).
expect_exit 0 "text + out" -- "$LAMBDASIM" size --oracle "$O" --out "$TMPD/o" --arch arm64 --billing-granularity-ms 100
expect_grep "recommended: " "$TMPD/out" "text recommendation"
expect_grep "arm64, 100-ms billing" "$TMPD/out" "text pricing line"
expect_grep "<- recommended" "$TMPD/out" "table marks the pick"
for f in size.json size.txt duration.svg cost.svg; do
    [ -s "$TMPD/o/$f" ] && ok || bad "--out wrote $f"
done
expect_grep "<svg" "$TMPD/o/cost.svg" "cost chart is SVG"
expect_grep "memory (MB)" "$TMPD/o/duration.svg" "x axis label"
expect_grep "95% band" "$TMPD/o/duration.svg" "legend"
if ls "$TMPD/o" | grep -q tmp; then bad "temporary files left"; else ok; fi

# Kernel mode with the placeholder profile.
expect_exit 0 "kernel resize" -- "$LAMBDASIM" size --kernel resize --format json
expect_grep '"init": ' "$TMPD/out" "kernel mode reports INIT"
expect_grep '"runtime": "python3.13"' "$TMPD/out" "INIT runtime"
expect_exit 0 "kernel detect exhaustive" -- "$LAMBDASIM" size --kernel detect --method exhaustive --format json
expect_grep '"failed": true' "$TMPD/out" "sizes below the working set fail"
expect_grep '"power": 512' "$TMPD/out" "detect: smallest size that fits (working set 512 MB)"
mkdir -p "$TMPD/img"
cp data/images/camera.png data/images/rocket.jpg "$TMPD/img/"
expect_exit 0 "kernel --images" -- "$LAMBDASIM" size --kernel resize --images "$TMPD/img" --threads 2
expect_grep "(2 inputs)" "$TMPD/out" "one invocation per image"
cp data/images/truncated.jpg "$TMPD/img/"
expect_exit 2 "broken image" -- "$LAMBDASIM" size --kernel resize --images "$TMPD/img"
expect_grep "truncated.jpg" "$TMPD/err" "names the broken image"
expect_exit 2 "unknown kernel" -- "$LAMBDASIM" size --kernel nope
expect_grep "default.json:[0-9]*:kernels: no kernel 'nope'" "$TMPD/err" "unknown kernel named with file/line"
printf '{"kernels": {"k": {"cpu_ms_per_megapixel": 10, "threds": 2}}}\n' > "$TMPD/p.json"
expect_exit 2 "bad profile key" -- "$LAMBDASIM" size --kernel k --profile "$TMPD/p.json"
expect_grep "p.json:1:kernels.k.threds" "$TMPD/err" "unknown profile key named"

# Power Tuning's README example (100-ms era): 1024 MB x 3900 ms and 1536 MB x 2600 ms
# bill the same GB-s, so the cost strategy's tie goes to the faster, 1536 MB.
printf 'memory_mb,duration_ms\n128,37002\n256,18648\n512,8489\n1024,3891\n1536,2512\n3008,2010\n' > "$TMPD/pt.csv"
expect_exit 0 "README example" -- "$LAMBDASIM" size --oracle "$TMPD/pt.csv" --method exhaustive --billing-granularity-ms 100 --format json
expect_grep '"power": 1536,' "$TMPD/out" "equal cost -> the faster size"
expect_grep '"visualization": "https://lambda-power-tuning.show/#gAAAAQACAAQABsAL;' "$TMPD/out" "README example powers"
expect_exit 0 "README example, 1 ms" -- "$LAMBDASIM" size --oracle "$TMPD/pt.csv" --method exhaustive --format json
# 1-ms billing: 1536 x 2512 MB-ms < 1024 x 3891, so 1536 MB wins outright:
# 1.5 GB x 2.512 s x 1.66667e-5 + 2e-7 = 6.30001e-5 USD.
expect_grep '"power": 1536,' "$TMPD/out" "1-ms billing: 1536 MB is cheaper"
expect_grep '"cost": 6.30001' "$TMPD/out" "1-ms price of 1536 MB"

# Real SeBS measurements (thumbnailer, 6 sizes, all ~245 rows of a size at
# once): every method agrees with exhaustive search (128 MB) and parametric
# samples fewer sizes.
S=data/sizing/sebs_210_python_warm_oracle.csv
for m in exhaustive bo parametric; do
    expect_exit 0 "SeBS 210 $m" -- "$LAMBDASIM" size --oracle "$S" --method $m --format json
    expect_grep '"power": 128,' "$TMPD/out" "SeBS 210 $m recommends 128 MB"
done
# The visualization URL carries exactly the sizes that were measured.
n=$(grep -o '"samples_used": [0-9]*' "$TMPD/out" | grep -o '[0-9]*$')
url=$(grep -o '"visualization": "[^"]*"' "$TMPD/out" | sed 's/.*#//; s/;.*//')
nb=$(printf '%s' "$url" | base64 -d 2>/dev/null | wc -c)
[ "$nb" -eq $((2 * n)) ] && ok || bad "URL encodes the $n measured sizes ($nb bytes of powers)"

# The recommendation comes with its interval (text and JSON).
expect_exit 0 "interval" -- "$LAMBDASIM" size --oracle "$S" --method exhaustive
expect_grep "recommended: 128 MB, .*MB is within 1%\|recommended: 128 MB, .*no other size is within 1%" "$TMPD/out" "text interval"
expect_exit 0 "interval json" -- "$LAMBDASIM" size --oracle "$S" --format json
expect_grep '"within": {' "$TMPD/out" "json interval"
expect_grep '"min_mb": 128' "$TMPD/out" "interval starts at the pick"
# An oracle served 10 rows a batch (Power Tuning's num): batches and the
# reason sampling stopped are reported.
S2=data/sizing/sebs_411_warm_oracle.csv
expect_exit 0 "batches of 10" -- "$LAMBDASIM" size --oracle "$S2" --invocations 10 --format json
expect_grep '"batches_used": ' "$TMPD/out" "batches reported"
expect_grep '"stopped": ' "$TMPD/out" "stop reason reported"
expect_exit 2 "--invocations with --kernel" -- "$LAMBDASIM" size --kernel resize --invocations 5
expect_grep "goes with --oracle or --config" "$TMPD/err" "--invocations message"

# Kernel mode says which profile it uses; the placeholder warns, naming
# `lambdasim profile`; --megapixels sizes a 12 MP input.
expect_exit 0 "resize 1 MP" -- "$LAMBDASIM" size --kernel resize --format json
p1=$(grep -o '"power": [0-9]*' "$TMPD/out" | grep -o '[0-9]*$')
expect_grep '"placeholder": true' "$TMPD/out" "json names the placeholder"
expect_grep "placeholder parameters for kernel resize.*lambdasim profile" "$TMPD/err" "placeholder warning"
expect_exit 0 "resize 12 MP" -- "$LAMBDASIM" size --kernel resize --megapixels 12
expect_grep "kernel resize (1 input, 12 MP)" "$TMPD/out" "12 MP input"
expect_grep "^profile: .*default.json (kernel resize, placeholder" "$TMPD/out" "text names the profile"
p12=$(grep -o 'recommended: [0-9]*' "$TMPD/out" | grep -o '[0-9]*$')
[ "$p12" -gt "$p1" ] && ok || bad "12 MP needs more memory than 1 MP ($p12 vs $p1 MB)"
expect_exit 0 "measured profile" -- "$LAMBDASIM" size --kernel resize --profile data/profiles/measured_2026-11-23.json --megapixels 12
expect_grep "R^2 0.73 < 0.8" "$TMPD/err" "poor fit flagged when used"
if grep -q "placeholder" "$TMPD/err"; then bad "a measured profile is no placeholder"; else ok; fi
expect_exit 2 "--megapixels with --images" -- "$LAMBDASIM" size --kernel resize --images data/images --megapixels 3
expect_grep "megapixels goes with" "$TMPD/err" "--megapixels message"

# Config mode: a function of a run config, over the requests routed to it,
# priced as the config prices it; written back and re-priced by run.
C=tests/fixtures/size_config.json
expect_exit 0 "config" -- "$LAMBDASIM" size --config "$C" --function resize --write-config "$TMPD/c2.json"
expect_grep "function resize of $C (kernel resize)" "$TMPD/out" "config source named"
expect_grep "inputs: the mix's upload (weight 0.2, 3e+06 bytes)" "$TMPD/out" "only the routed op"
expect_grep "wrote $TMPD/c2.json: functions.resize.memory_mb" "$TMPD/out" "write-config reported"
rec=$(grep -o 'recommended: [0-9]*' "$TMPD/out" | grep -o '[0-9]*$')
m2=$(grep -o '"memory_mb": [0-9]*' "$TMPD/c2.json" | sed -n 2p | grep -o '[0-9]*$')
[ "$m2" = "$rec" ] && ok || bad "written config has the recommended memory ($m2 vs $rec)"
expect_grep '"memory_mb": 256' "$TMPD/c2.json" "other functions untouched"
expect_exit 0 "run original" -- "$LAMBDASIM" run --config "$C" --format json
c1=$(grep -o '"total_usd": [0-9.e+-]*' "$TMPD/out" | head -1 | grep -o '[0-9.e+-]*$')
expect_grep "kernel profile .*default.json (kernels: resize), placeholder" "$TMPD/err" "run names its profile"
expect_grep "lambdasim run: warning: .*lambdasim profile" "$TMPD/err" "run warns about the placeholder"
expect_exit 0 "run re-priced" -- "$LAMBDASIM" run --config "$TMPD/c2.json" --format json
c2=$(grep -o '"total_usd": [0-9.e+-]*' "$TMPD/out" | head -1 | grep -o '[0-9.e+-]*$')
awk -v a="$c1" -v b="$c2" 'BEGIN { exit !(b < a) }' && ok || bad "re-priced run is cheaper ($c2 vs $c1)"
expect_exit 0 "config megapixels" -- "$LAMBDASIM" size --config "$C" --function resize --megapixels 1 --method exhaustive --grid 128:1024:64 --format json
expect_grep '"inputs": "one input of 1 megapixels (--megapixels)"' "$TMPD/out" "--megapixels replaces the mix"
expect_exit 0 "config bytes" -- "$LAMBDASIM" size --config "$C" --function view --bytes 2000
expect_grep "no kernel: duration does not depend on memory" "$TMPD/out" "kernel-less function said so"
expect_exit 2 "unknown function" -- "$LAMBDASIM" size --config "$C" --function nope
expect_grep "size_config.json:.*no function 'nope' in the config (it has: view, resize)" "$TMPD/err" "functions listed"
expect_exit 2 "--config without --function" -- "$LAMBDASIM" size --config "$C"
expect_grep "needs --function" "$TMPD/err" "--function message"
expect_exit 2 "--config with --arch" -- "$LAMBDASIM" size --config "$C" --function resize --arch arm64
expect_grep "prices with the config's region" "$TMPD/err" "config pricing message"
expect_exit 2 "--write-config without --config" -- "$LAMBDASIM" size --kernel resize --write-config "$TMPD/x.json"
expect_grep "go with --config" "$TMPD/err" "write-config message"

# Bad input: exit 2, message names file, line and field.
: > "$TMPD/empty.csv"
expect_exit 2 "empty oracle" -- "$LAMBDASIM" size --oracle "$TMPD/empty.csv"
expect_grep "lambdasim: .*empty.csv:1: empty file" "$TMPD/err" "empty oracle message"
echo "memory_mb,duration_ms" > "$TMPD/hdr.csv"
expect_exit 2 "header only" -- "$LAMBDASIM" size --oracle "$TMPD/hdr.csv"
expect_grep "hdr.csv:1: no data rows" "$TMPD/err" "header-only message"
printf 'memory_mb,duration_ms\n512,100\n512,110\n' > "$TMPD/one.csv"
expect_exit 2 "single memory size" -- "$LAMBDASIM" size --oracle "$TMPD/one.csv"
expect_grep "one.csv:.*memory_mb: .*2 or more memory sizes (only 512 MB" "$TMPD/err" "single size message"
printf 'memory_mb,duration_ms\n128,100\n256,abc\n' > "$TMPD/nan.csv"
expect_exit 2 "non-numeric duration" -- "$LAMBDASIM" size --oracle "$TMPD/nan.csv"
expect_grep "nan.csv:3:duration_ms: 'abc' is not a number" "$TMPD/err" "non-numeric message"
printf 'memory_mb,duration_ms\nlots,100\n256,50\n' > "$TMPD/nanm.csv"
expect_exit 2 "non-numeric memory" -- "$LAMBDASIM" size --oracle "$TMPD/nanm.csv"
expect_grep "nanm.csv:2:memory_mb" "$TMPD/err" "non-numeric memory message"
printf 'memory_mb,duration_ms\n128,100\n256,50\n512,-3\n' > "$TMPD/neg.csv"
expect_exit 2 "negative duration" -- "$LAMBDASIM" size --oracle "$TMPD/neg.csv"
expect_grep "neg.csv:4:duration_ms: a duration must be positive" "$TMPD/err" "negative message"
printf 'memory_mb,duration_ms\n64,100\n256,50\n' > "$TMPD/low.csv"
expect_exit 2 "oracle size below 128" -- "$LAMBDASIM" size --oracle "$TMPD/low.csv"
expect_grep "low.csv:2:memory_mb: 64 MB is outside" "$TMPD/err" "oracle range message"
printf 'mem,dur\n128,100\n' > "$TMPD/hdrbad.csv"
expect_exit 2 "wrong header" -- "$LAMBDASIM" size --oracle "$TMPD/hdrbad.csv"
expect_grep "hdrbad.csv:1: the header must be" "$TMPD/err" "header message"
expect_exit 2 "missing oracle file" -- "$LAMBDASIM" size --oracle "$TMPD/none.csv"
expect_grep "none.csv" "$TMPD/err" "missing file named"
expect_exit 2 "grid below 128" -- "$LAMBDASIM" size --oracle "$O" --grid 64:10240:64
expect_grep "lambdasim: .*--grid.*outside Lambda's memory range 128-10240" "$TMPD/err" "grid range message"
expect_exit 2 "grid above 10240" -- "$LAMBDASIM" size --kernel resize --grid 128:20480:64
expect_grep "outside Lambda's memory range" "$TMPD/err" "grid max message"
expect_exit 2 "grid syntax" -- "$LAMBDASIM" size --oracle "$O" --grid 128-3008
expect_grep "is not MIN:MAX:STEP" "$TMPD/err" "grid syntax message"
expect_exit 2 "grid keeps one size" -- "$LAMBDASIM" size --oracle "$O" --grid 128:200:64
expect_grep "only 1 of the oracle's memory sizes" "$TMPD/err" "grid filter message"
expect_exit 2 "no source" -- "$LAMBDASIM" size --method bo
expect_grep "exactly one of --oracle" "$TMPD/err" "source message"
expect_exit 2 "unknown method" -- "$LAMBDASIM" size --oracle "$O" --method guess
expect_grep "unknown method 'guess'" "$TMPD/err" "method message"
expect_exit 2 "bad granularity" -- "$LAMBDASIM" size --oracle "$O" --billing-granularity-ms 10
expect_grep "must be 1" "$TMPD/err" "granularity message"
expect_exit 2 "unknown option" -- "$LAMBDASIM" size --oracle "$O" --speed
expect_grep "unknown option '--speed'" "$TMPD/err" "unknown option message"
expect_clean_stderr "no crash on bad input"

report size_cli
