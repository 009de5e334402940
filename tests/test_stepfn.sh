#!/bin/sh
# test_stepfn.sh - `lambdasim stepfn run` from the command line: output
# format, bad input (exit 2 and a message naming file and field), and the
# cross-checks against two npm packages:
#  - asl-validator validates data/statemachines/ and the suite definitions;
#  - aws-local-stepfunctions (a JavaScript ASL interpreter) runs the suite
#    with the same mocks: statuses, outputs, errors and billable transition
#    counts must be identical (documented divergences of the JS side are
#    listed in xcheck.skip / xcheck.transitions.skip files of a case).
# The packages are installed once into tools/node_modules (ignored by git)
# and reused; the cross-checks skip, saying so, only when npm is absent or
# cannot install them (no registry).
. tests/lib.sh

L="$LAMBDASIM"
P=data/statemachines/image_pipeline.asl.json
CASE=tests/stepfn/pipeline_happy

# ---- help and output -----------------------------------------------------------
expect_exit 0 "help" -- "$L" stepfn --help
expect_grep "lambdasim stepfn run" "$TMPD/out" "usage names the command"
expect_exit 0 "pipeline json" -- "$L" stepfn run --definition "$P" --input @"$CASE/input.json" \
    --mocks "$CASE/mocks.json" --format json
expect_grep '"status": "SUCCEEDED"' "$TMPD/out" "status"
expect_grep '"transitions": 8' "$TMPD/out" "transitions (hand-worked: 7 states entered + 1 retry)"
expect_grep '"duration_s": 2.0782' "$TMPD/out" "simulated duration (README of tests/stepfn)"
expect_grep '"express_billed_duration_ms": 2100' "$TMPD/out" "Express 100 ms units"
expect_grep '"thumbnail": "thumbs/cat.png"' "$TMPD/out" "output"
cp "$TMPD/out" "$TMPD/first.json"
"$L" stepfn run --definition "$P" --input @"$CASE/input.json" --mocks "$CASE/mocks.json" \
    --format json >"$TMPD/second.json" 2>/dev/null
if cmp -s "$TMPD/first.json" "$TMPD/second.json"; then ok; else bad "two runs differ"; fi
expect_exit 0 "text format" -- "$L" stepfn run --definition "$P" --input @"$CASE/input.json" \
    --mocks "$CASE/mocks.json"
expect_grep "^status: SUCCEEDED" "$TMPD/out" "text status"
expect_grep "^transitions: 8" "$TMPD/out" "text transitions"
# A FAILED execution is a successful run: exit 0, status FAILED.
expect_exit 0 "failed execution" -- "$L" stepfn run --definition "$P" \
    --input '{"bucket": "b", "key": "k"}' --mocks tests/stepfn/pipeline_rejected/mocks.json --format json
expect_grep '"error": "ImageRejected"' "$TMPD/out" "failed execution error"
expect_grep '"output": null' "$TMPD/out" "no output when failed"
# Without --mocks a Task returns its input.
expect_exit 0 "no mocks" -- "$L" stepfn run --definition tests/stepfn/task_uncaught_error/definition.asl.json \
    --input '{"a": 1}' --format json
expect_grep '"a": 1' "$TMPD/out" "echo task"

# Express runs at most 5 minutes; Standard waits 400 s happily.
printf '{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 400, "End": true}}}\n' >"$TMPD/wait.json"
expect_exit 0 "express limit" -- "$L" stepfn run --definition "$TMPD/wait.json" --type express --format json
expect_grep '"error": "States.Timeout"' "$TMPD/out" "express 5-minute limit"
expect_grep '"express_billed_duration_ms": 300000' "$TMPD/out" "express stops at 300 s"
expect_exit 0 "standard long wait" -- "$L" stepfn run --definition "$TMPD/wait.json" --format json
expect_grep '"status": "SUCCEEDED"' "$TMPD/out" "standard waits 400 s"
expect_grep '"seed": 1' "$TMPD/out" "the seed is recorded"
# The per-task overhead is configurable down to the 1 ms every state takes: then the
# pipeline takes the 2 s back-off plus 7 ms on its longest path (CheckImage, IsImageValid,
# ProcessImage, Resize twice, StoreMetadata, Done; Grayscale runs beside Resize).
expect_exit 0 "task latency" -- "$L" stepfn run --definition "$P" --input @"$CASE/input.json" \
    --mocks "$CASE/mocks.json" --format json --task-latency-ms 0
d=$(sed -n 's/.*"duration_s": \([0-9.e+-]*\).*/\1/p' "$TMPD/out")
if awk -v d="$d" 'BEGIN { exit !(d - 2.007 < 1e-9 && 2.007 - d < 1e-9) }'; then ok; else
    bad "duration with the per-task overhead at its 1 ms floor: $d, want 2.007"; fi
expect_grep '"task_latency_s": 0.001,' "$TMPD/out" "the floor is what is reported"
expect_exit 2 "bad type" -- "$L" stepfn run --definition "$P" --type slow
expect_grep "type must be standard or express" "$TMPD/err" "bad type message"
expect_exit 2 "bad latency" -- "$L" stepfn run --definition "$P" --task-latency-ms -1
expect_grep "task-latency-ms" "$TMPD/err" "bad latency message"

# ---- bad input --------------------------------------------------------------------
printf '{"StartAt": "A",\n "States": {\n  "A": {"Type": "Pass", "Next": "B"}\n }}\n' >"$TMPD/next.json"
expect_exit 2 "unknown Next" -- "$L" stepfn run --definition "$TMPD/next.json" --input '{}'
expect_grep "next.json:3:States.A.Next: state \"A\": unknown state \"B\"" "$TMPD/err" "unknown Next message"
printf '{"StartAt": "A", "States": {\n "A": {"Type": "Sleep", "End": true}}}\n' >"$TMPD/type.json"
expect_exit 2 "unknown type" -- "$L" stepfn run --definition "$TMPD/type.json" --input '{}'
expect_grep "type.json:2:States.A.Type: .*unknown state type \"Sleep\"" "$TMPD/err" "unknown type message"
printf '{"StartAt": "A", "States": {\n "A": {"Type": "Pass",\n "OutputPath": "$.a[?(@.x)]", "End": true}}}\n' >"$TMPD/path.json"
expect_exit 2 "bad path" -- "$L" stepfn run --definition "$TMPD/path.json" --input '{}'
expect_grep "path.json:3:States.A.OutputPath: .*bad path OutputPath" "$TMPD/err" "bad path message"
printf '{"StartAt": "A", "States": {\n "A": {"Type": "Pass", "Parameters": {\n "x.$": "States.Array($.a,"}, "End": true}}}\n' >"$TMPD/intr.json"
expect_exit 2 "bad intrinsic" -- "$L" stepfn run --definition "$TMPD/intr.json" --input '{}'
expect_grep "intr.json:[23]:States.A.Parameters.x.\\$: .*unexpected argument" "$TMPD/err" "bad intrinsic names the field"
printf '{"StartAt": "A", "States": {\n "A": {"Type": "Pass", "End": true},\n "Lost": {"Type": "Succeed"}}}\n' >"$TMPD/unreach.json"
expect_exit 2 "unreachable" -- "$L" stepfn run --definition "$TMPD/unreach.json" --input '{}'
expect_grep "unreach.json:3:States.Lost: state \"Lost\" is unreachable" "$TMPD/err" "unreachable message"
printf '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}' >"$TMPD/trunc.json"
expect_exit 2 "malformed JSON" -- "$L" stepfn run --definition "$TMPD/trunc.json" --input '{}'
expect_grep "trunc.json:1" "$TMPD/err" "malformed JSON names file and line"
expect_exit 2 "bad --input" -- "$L" stepfn run --definition "$P" --input '{"a":'
expect_grep "lambdasim: --input" "$TMPD/err" "bad --input message"
printf '{"arn:aws:lambda:us-east-1:123456789012:function:CheckImage": {"result": 1, "error": "E"}}\n' >"$TMPD/m1.json"
expect_exit 2 "bad mock" -- "$L" stepfn run --definition "$P" --input '{}' --mocks "$TMPD/m1.json"
expect_grep "m1.json:1:.*exactly one of result and error" "$TMPD/err" "bad mock message"
printf '{"nothing": {"result": 1}}\n' >"$TMPD/m2.json"
expect_exit 2 "missing mock" -- "$L" stepfn run --definition "$P" --input '{}' --mocks "$TMPD/m2.json"
expect_grep "no mock for Resource .*CheckImage.* (Task state \"CheckImage\")" "$TMPD/err" "missing mock message"
expect_exit 2 "no definition" -- "$L" stepfn run --input '{}'
expect_exit 2 "bad format" -- "$L" stepfn run --definition "$P" --format xml
expect_exit 2 "unknown subcommand" -- "$L" stepfn walk
expect_exit 2 "missing file" -- "$L" stepfn run --definition "$TMPD/none.json"
expect_clean_stderr "missing file"

# ---- npm cross-checks ----------------------------------------------------------------
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    skip "asl-validator and aws-local-stepfunctions cross-checks: npm/node not installed"
    report stepfn_cli
    exit $?
fi
TOOLS=tools
if [ ! -f "$TOOLS/node_modules/asl-validator/package.json" ] ||
   [ ! -f "$TOOLS/node_modules/aws-local-stepfunctions/package.json" ]; then
    # Pinned versions; --no-save keeps package files out of the tree.
    if ! npm install --prefix "$TOOLS" --no-save --no-package-lock --no-audit --no-fund \
            asl-validator@4.0.0 aws-local-stepfunctions@3.0.0 >"$TMPD/npm.log" 2>&1; then
        # No registry here (offline machine): the cross-checks cannot run.
        skip "asl-validator and aws-local-stepfunctions cross-checks: npm install failed ($(tail -1 "$TMPD/npm.log"))"
        report stepfn_cli
        exit $?
    fi
fi

V="$TOOLS/node_modules/.bin/asl-validator"
# One node process for every definition (node starts in ~0.5 s each).
set --
n=0
for f in data/statemachines/*.asl.json tests/stepfn/*/definition.asl.json; do
    set -- "$@" --json-path "$f"
    n=$((n + 1))
done
if "$V" "$@" >"$TMPD/v.out" 2>&1; then ok; else
    bad "asl-validator rejects a definition"; grep -v '✓' "$TMPD/v.out" | head -10
fi
valid=$(grep -c 'is valid' "$TMPD/v.out")
[ "$n" -ge 20 ] && [ "$valid" -eq "$n" ] && ok || bad "asl-validator: $valid of $n definitions valid"
echo "stepfn_cli: asl-validator accepted $valid of $n definitions"
# Both validators reject the broken definitions of "bad input" above (one
# node process, through asl-validator's API).
printf '{"StartAt": "A", "States": {"A": {"Type": "Pass"}}}\n' >"$TMPD/noend.json"
printf '{"States": {"A": {"Type": "Succeed"}}}\n' >"$TMPD/nostart.json"
printf '{"StartAt": "A", "States": {"A": {"Type": "Succeed", "End": true}}}\n' >"$TMPD/succend.json"
printf '{"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "a.b", "End": true}}}\n' >"$TMPD/inpath.json"
nbad=0
for f in next type intr unreach noend nostart succend inpath; do
    expect_exit 2 "we reject $f" -- "$L" stepfn run --definition "$TMPD/$f.json"
    nbad=$((nbad + 1))
done
node -e '
const v = require(process.argv[1] + "/node_modules/asl-validator");
const validate = v.default ?? v;
const fs = require("fs");
for (const f of process.argv.slice(2))
  console.log(validate(JSON.parse(fs.readFileSync(f, "utf8"))).isValid ? "valid" : "invalid", f);
' "$(pwd)/$TOOLS" "$TMPD"/next.json "$TMPD"/type.json "$TMPD"/intr.json "$TMPD"/unreach.json \
    "$TMPD"/noend.json "$TMPD"/nostart.json "$TMPD"/succend.json "$TMPD"/inpath.json >"$TMPD/neg.out" 2>&1
rej=$(grep -c '^invalid ' "$TMPD/neg.out")
if [ "$rej" -eq "$nbad" ]; then ok; else
    bad "asl-validator rejected $rej of our $nbad invalid definitions"; head -10 "$TMPD/neg.out"; fi

node tests/stepfn_xcheck.mjs "$TOOLS" "$L" tests/stepfn/*/ >"$TMPD/x.out" 2>&1
rc=$?
okc=$(grep -c '^XCHECK ok ' "$TMPD/x.out")
failc=$(grep -c '^XCHECK FAIL ' "$TMPD/x.out")
grep -E '^XCHECK (skip|note) ' "$TMPD/x.out" | sed 's/^/    /'
if [ "$rc" -eq 0 ] && [ "$failc" -eq 0 ] && [ "$okc" -ge 20 ]; then ok; else
    bad "aws-local-stepfunctions cross-check: $okc ok, $failc failed (exit $rc)"
    grep -v '^XCHECK ok ' "$TMPD/x.out" | head -20
fi
echo "stepfn_cli: aws-local-stepfunctions agreed on $okc cases"

report stepfn_cli
