# test_config.sh - what a config file names and how it is read from the
# command line: paths relative to the config's folder, the data directory
# (--data, LAMBDASIM_DATA), --set overrides, compare's configs x --vary.
. tests/lib.sh
L=$LAMBDASIM
case $L in /*) ;; *) L=$(pwd)/$L ;; esac
D=$(pwd)/data
S2=$D/architectures/pipeline_solution2_stepfunctions.json

# Paths follow the config: Solution 2's state machine is found from any
# folder; bundled data comes from --data or LAMBDASIM_DATA.
expect_exit 0 "Solution 2 from another folder" -- sh -c "cd '$TMPD' && '$L' run --config '$S2' --data '$D' --format json"
expect_grep '"transitions"' "$TMPD/out" "Solution 2 ran its state machine"
expect_grep "\"definition\": \"$D/statemachines/image_pipeline.asl.json\"" "$TMPD/out" "effective config: the resolved definition"
expect_exit 0 "LAMBDASIM_DATA" -- sh -c "cd '$TMPD' && LAMBDASIM_DATA='$D' '$L' run --config '$D/architectures/pow_apigw.json' --format json"
expect_grep "\"catalog\": \"$D/prices/us-east-1.json\"" "$TMPD/out" "the catalogue from LAMBDASIM_DATA"
expect_exit 2 "no data directory" -- sh -c "cd '$TMPD' && LAMBDASIM_DATA= '$L' run --config '$D/architectures/pow_apigw.json'"
expect_grep "the data directory 'data' has none (pass --data DIR" "$TMPD/err" "missing data directory explained"
expect_exit 2 "--data not a folder" -- "$L" run --config "$S2" --data "$TMPD/none"
expect_grep "^lambdasim: --data: '$TMPD/none' is not a directory" "$TMPD/err" "--data named"
expect_exit 2 "LAMBDASIM_DATA not a folder" -- env LAMBDASIM_DATA="$TMPD/none" "$L" cost --usage data/usage/cli-example.json
expect_grep "^lambdasim: LAMBDASIM_DATA: '$TMPD/none' is not a directory" "$TMPD/err" "LAMBDASIM_DATA named"
expect_exit 0 "cost --data" -- sh -c "cd '$TMPD' && '$L' cost --usage '$D/usage/cli-example.json' --data '$D' --format json"
expect_exit 0 "size --data" -- sh -c "cd '$TMPD' && '$L' size --kernel resize --method exhaustive --grid 128:1024:128 --data '$D' --format json"

# A config in another folder: its trace and kernel profile are relative to it.
mkdir -p "$TMPD/cfg/in"
cp data/traces/gallery_day.csv "$TMPD/cfg/in/day.csv"
cp data/profiles/default.json "$TMPD/cfg/in/prof.json"
cat > "$TMPD/cfg/c.json" <<'J'
{ "duration_s": 600, "workload": { "trace": { "file": "in/day.csv" } },
  "entry": { "type": "direct", "target": "f" },
  "functions": { "f": { "kernel": { "name": "resize", "profile": "./in/../in/prof.json" } } } }
J
expect_exit 0 "relative trace and profile" -- "$L" run --config "$TMPD/cfg/c.json" --format json
expect_grep "\"file\": \"$TMPD/cfg/in/day.csv\"" "$TMPD/out" "trace resolved against the config"
sed 's#in/day.csv#in/none.csv#' "$TMPD/cfg/c.json" > "$TMPD/cfg/bad.json"
expect_exit 2 "missing relative trace" -- "$L" run --config "$TMPD/cfg/bad.json"
expect_grep "$TMPD/cfg/in/none.csv" "$TMPD/err" "the resolved path is named"

# --set: JSON values, strings, arrays, objects; errors name --set.
P=data/architectures/pow_function_url.json
expect_exit 0 "--set number" -- "$L" run --config "$P" --set functions.pow.memory_mb=1024 --format json
expect_grep '"memory_mb": 1024' "$TMPD/out" "memory set"
expect_exit 0 "--set string and enum" -- "$L" run --config "$P" --set entry.type=apigw_rest --set account.scaling=burst --format json
expect_grep '"type": "apigw_rest"' "$TMPD/out" "entry type set"
expect_grep '"burst_limit"' "$TMPD/out" "burst scaling set"
expect_exit 0 "--set a string that reads as JSON" -- "$L" run --config "$P" --set account.scaling=2023 --format json
expect_exit 0 "--set an object" -- "$L" run --config "$P" \
    --set 'functions.pow.service_time.warm={"dist": "deterministic", "value_ms": 7}' --format json
expect_grep '"value_ms": 7' "$TMPD/out" "distribution set"
expect_exit 0 "--set later wins" -- "$L" run --config "$P" --set seed=3 --set seed=4 --format json
expect_grep '"seed": 4' "$TMPD/out" "the last --set wins"
expect_exit 2 "--set out of range" -- "$L" run --config "$P" --set functions.pow.memory_mb=64
expect_grep "^lambdasim: --set:functions.pow.memory_mb: 64 is out of range" "$TMPD/err" "range error names --set"
expect_exit 2 "--set unknown key" -- "$L" run --config "$P" --set functions.pow.memroy_mb=256
expect_grep "^lambdasim: --set:functions.pow.memroy_mb: unknown key" "$TMPD/err" "unknown key names --set"
expect_exit 2 "--set without =" -- "$L" run --config "$P" --set seed
expect_grep "expected KEY=VALUE" "$TMPD/err" "bad --set named"
expect_exit 2 "--set into a number" -- "$L" run --config "$P" --set seed.x=1
expect_grep "not inside a JSON object" "$TMPD/err" "bad path named"
expect_exit 2 "--set past an array" -- "$L" run --config data/architectures/gallery_sync.json --set 'functions.view.calls[9].bytes=1'
expect_grep "no item \[9\]" "$TMPD/err" "missing item named"
expect_exit 0 "--set an array item" -- "$L" run --config data/architectures/gallery_sync.json --set 'functions.view.calls[0].bytes=request' --format json
expect_exit 0 "sweep --set" -- "$L" sweep --config "$P" --grid functions.pow.memory_mb=256,512 --replications 2 --set duration_s=60 --out "$TMPD/sw"
# 60 s instead of a day: a few hundred invocations, not ~430,000.
inv=$(awk -F, '$3 == "functions.pow.invocations" { print int($4); exit }' "$TMPD/sw/sweep.csv")
[ -n "$inv" ] && [ "$inv" -lt 1000 ] && ok || bad "sweep scenarios carry the override ($inv invocations)"

# compare: several configs x --vary, named CONFIG/VALUE; --set on every design.
expect_exit 0 "configs x vary" -- "$L" compare --config "$P" --config data/architectures/pow_apigw.json \
    --vary functions.pow.memory_mb=512,1024 --set duration_s=600 --format json
n=$(grep -c '"name": "pow_' "$TMPD/out")
[ "$n" -eq 4 ] && ok || bad "4 designs, got $n"
for d in pow_function_url/512 pow_function_url/1024 pow_apigw/512 pow_apigw/1024; do
    expect_grep "\"name\": \"$d\"" "$TMPD/out" "design $d"
done
expect_exit 2 "too many designs" -- "$L" compare --config "$P" --config "$P" --config "$P" \
    --vary seed=1,2,3,4,5,6
expect_grep "at most 16 designs" "$TMPD/err" "design cap named"

report config_cli
