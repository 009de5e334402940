# test_import.sh - `lambdasim import terraform` on the command line: usage,
# the README's mapping table against --mapping, the gallery's plan and state
# to the same bytes, warnings and one hint per placeholder, the bad plans of
# tests/terraform/bad (exit 2, file, line and resource address, nothing
# written), the workload file's errors, and the fixtures through Terraform
# itself when it is installed.  The config's structure, row by row, is
# tests/test_import.c's.
. tests/lib.sh
L=$LAMBDASIM
G=data/terraform/gallery
B=tests/terraform/bad

# ---- usage ------------------------------------------------------------------
expect_exit 0 "import --help" -- "$L" import --help
expect_grep "lambdasim import terraform FILE.json" "$TMPD/out" "help names the command"
expect_exit 2 "import without a source" -- "$L" import
expect_grep "say what to import" "$TMPD/err" "no source explained"
expect_exit 2 "import cloudformation" -- "$L" import cloudformation x.json
expect_grep "unknown source 'cloudformation'" "$TMPD/err" "unknown source named"
expect_exit 2 "import terraform without a plan" -- "$L" import terraform
expect_exit 2 "--format json without --out" -- "$L" import terraform $G/plan_function_url.json --format json
expect_exit 2 "--format xml" -- "$L" import terraform $G/plan_function_url.json --out "$TMPD/x.json" --format xml
expect_exit 2 "unknown option" -- "$L" import terraform $G/plan_function_url.json --bogus
expect_exit 2 "missing plan file" -- "$L" import terraform "$TMPD/nope.json"
expect_grep "nope.json" "$TMPD/err" "missing file named"

# ---- the mapping table, and the README's copy of it ---------------------------
expect_exit 0 "--mapping" -- "$L" import terraform --mapping
cp "$TMPD/out" "$TMPD/mapping.md"
n=$(grep -c '^| `aws_' "$TMPD/mapping.md")
[ "$n" -ge 60 ] && ok || bad "--mapping prints $n rows"
sed -n '/^<!-- mapping table/,/^<!-- end of the mapping table/p' README.md | grep '^|' >"$TMPD/readme.md"
if cmp -s "$TMPD/mapping.md" "$TMPD/readme.md"; then ok; else
    bad "README \"From Terraform\" mapping table differs from lambdasim import terraform --mapping"
    diff "$TMPD/mapping.md" "$TMPD/readme.md" | head -10
fi

# ---- the gallery: plan and state, the same bytes ------------------------------
expect_exit 0 "gallery plan" -- "$L" import terraform $G/plan_function_url.json --workload $G/traffic.json \
    --out "$TMPD/plan.json"
expect_grep "^wrote $TMPD/plan.json from the plan .* entries 2, functions 5, queues 2, buckets 1, state machines 1; not simulated 7 of 20 resources; placeholders 0$" \
    "$TMPD/out" "plan summary"
expect_grep "^lambdasim: warning: not simulated: aws_cloudwatch_log_group.view, aws_iam_role.lambda, aws_iam_role.pipeline, aws_iam_role_policy.lambda, aws_iam_role_policy.pipeline, aws_s3_bucket_public_access_block.photos, aws_sqs_queue_policy.uploads$" \
    "$TMPD/err" "the warning lists the resources not simulated"
expect_exit 0 "gallery state" -- "$L" import terraform $G/state_function_url.json --workload $G/traffic.json \
    --out "$TMPD/state.json"
expect_grep "from the state" "$TMPD/out" "a state is recognised"
cmp -s "$TMPD/plan.json" "$TMPD/state.json" && ok || bad "plan and state import to different configs"
expect_exit 0 "gallery plan to stdout" -- "$L" import terraform $G/plan_function_url.json --workload $G/traffic.json
# The file W.json names is written relative to the config's folder: the
# working directory on stdout, an absolute path for a config in /tmp, a
# relative one for a config under the working directory.
diff "$TMPD/out" "$TMPD/plan.json" >"$TMPD/d"
[ "$(grep -c '^[<>]' "$TMPD/d")" -eq 2 ] && ok || { bad "stdout and --out differ beyond the definition's path"; head "$TMPD/d"; }
expect_grep '^< *"definition": "data/statemachines/image_pipeline.asl.json",$' "$TMPD/d" "stdout: relative to the working directory"
expect_grep "^> *\"definition\": \"$(pwd)/data/statemachines/image_pipeline.asl.json\",\$" "$TMPD/d" "/tmp: absolute"
R=$BUILD/test-import-$$
mkdir -p "$R/sub"
expect_exit 0 "a config in a subfolder" -- "$L" import terraform $G/plan_function_url.json --workload $G/traffic.json \
    --out "$R/sub/gallery.json"
case $R in
    /*) want="$R/../../data/statemachines/image_pipeline.asl.json" ;;   # never relative
    *)  want="$(echo "$R/sub" | sed 's|[^/][^/]*|..|g')/data/statemachines/image_pipeline.asl.json" ;;
esac
case $R in /*) ok ;; *) expect_grep "\"definition\": \"$want\"" "$R/sub/gallery.json" "a subfolder: relative to it" ;; esac
expect_exit 0 "that config runs" -- "$L" run --config "$R/sub/gallery.json" --set duration_s=60
expect_exit 0 "the /tmp config runs" -- "$L" run --config "$TMPD/plan.json" --set duration_s=60
rm -rf "$R"
expect_exit 0 "HTTP API variant" -- "$L" import terraform $G/plan_http_api.json --workload $G/traffic.json \
    --out "$TMPD/api.json"
diff "$TMPD/plan.json" "$TMPD/api.json" >"$TMPD/d"
expect_grep '^> *"type": "apigw_http",$' "$TMPD/d" "the views entry is an HTTP API"
# Both routes go to the view function, the entry's target: no routes (the
# workload's op "view" goes to the target, as through the Function URL).
expect_grep '^> *"throttle": {' "$TMPD/d" "its stage's throttle"
grep -q '"routes"' "$TMPD/api.json" && bad "routes that all name the target are written" || ok
[ "$(grep -c '^[<>]' "$TMPD/d")" -eq 7 ] && ok || { bad "the variants differ by more than the front door"; head "$TMPD/d"; }
expect_exit 0 "json summary" -- "$L" import terraform $G/plan_function_url.json --workload $G/traffic.json \
    --out "$TMPD/plan2.json" --format json
for k in '"kind": "plan"' '"format_version": "1.2"' '"functions": 5' '"entries.views": "aws_lambda_function_url.views\[0\]"' \
         '"queues.uploads.consumer": "aws_lambda_event_source_mapping.uploads"' '"placeholders": \['; do
    expect_grep "$k" "$TMPD/out" "json summary has $k"
done

# ---- placeholders: one hint each ------------------------------------------------
expect_exit 0 "gallery without a workload" -- "$L" import terraform $G/plan_function_url.json
cp "$TMPD/out" "$TMPD/bare.json"
nc=$(grep -c '"<placeholder: ' "$TMPD/bare.json")
nh=$(grep -c '^lambdasim: placeholder: ' "$TMPD/err")
[ "$nc" -eq 10 ] && [ "$nh" -eq "$nc" ] && ok || bad "$nc placeholders in the config, $nh hinted (want 10 each)"
for p in duration_s entries.uploads.workload entries.views.workload functions.CheckImage.service_time \
         functions.view.service_time queues.uploads.max_receive_count \
         state_machines.pipeline.definition; do
    expect_grep "^lambdasim: placeholder: $p: .*(give it in --workload W.json at $p)$" "$TMPD/err" "hint for $p"
done
expect_grep "it refers to functions CheckImage, Resize, Grayscale" "$TMPD/err" \
    "the unknown definition's functions, from its references"
expect_grep '^lambdasim: hint: function start refers to aws_sfn_state_machine.image_pipeline' \
    "$TMPD/err" "the environment hint"

# ---- bad plans: exit 2, the resource address, nothing written -------------------
bad_plan() {  # FILE PATTERN (after "lambdasim: FILE:LINE:")
    rm -f "$TMPD/never.json"
    expect_exit 2 "bad plan $1" -- "$L" import terraform "$B/$1" --out "$TMPD/never.json"
    expect_grep "^lambdasim: $B/$1:[0-9][0-9]*:$2" "$TMPD/err" "bad plan $1: message"
    expect_clean_stderr "bad plan $1"
    [ ! -e "$TMPD/never.json" ] && ok || bad "bad plan $1 wrote its output"
}
bad_plan not_json.json ' malformed JSON'
bad_plan format_major.json 'format_version: major version 2 of'
bad_plan no_values.json 'format_version: neither planned_values'
bad_plan unknown_reference.json 'aws_lambda_event_source_mapping.jobs.function_name: unknown until apply, and its references (local.worker_arn) name no aws_lambda_function'
bad_plan cycle_references.json 'aws_lambda_event_source_mapping.jobs: reference cycle: module.relay.queue_arn -> '
bad_plan cycle_dead_letter.json 'aws_sqs_queue.a.redrive_policy: dead-letter cycle: a -> b -> a'
bad_plan missing_function.json "aws_lambda_event_source_mapping.jobs.function_name: '.*made-elsewhere' names no aws_lambda_function"
bad_plan missing_task_function.json 'aws_sfn_state_machine.pipeline.definition: .*state "Resize": .* names no function'
bad_plan lambda_invoke.json 'aws_sfn_state_machine.pipeline.definition: .*lambda:invoke is not simulated'
bad_plan ambiguous_queue.json 'aws_lambda_event_source_mapping.jobs.event_source_arn: names 2 resources (aws_sqs_queue.blue, aws_sqs_queue.green)'
bad_plan fifo_notification.json 'aws_s3_bucket_notification.in.queue\[0\].queue_arn: S3 cannot notify a FIFO queue'
bad_plan two_consumers.json 'aws_lambda_event_source_mapping.two: queue jobs is consumed by aws_lambda_event_source_mapping.one'
bad_plan same_name.json "aws_lambda_function.b: its config name 'resize' is aws_lambda_function.a's too"

# ---- workload files --------------------------------------------------------------
mkdir -p "$TMPD/w"
TPL="$(pwd)/$G/image_pipeline.asl.json.tftpl"
wfile() {  # NAME JSON: write $TMPD/w/NAME.json
    printf '%s\n' "$2" >"$TMPD/w/$1.json"
}
bad_w() {  # NAME JSON PATTERN [PLAN]
    wfile "$1" "$2"
    expect_exit 2 "workload $1" -- "$L" import terraform "${4:-$G/plan_function_url.json}" --workload "$TMPD/w/$1.json"
    expect_grep "^lambdasim: $TMPD/w/$1.json:$3" "$TMPD/err" "workload $1: message"
    expect_clean_stderr "workload $1"
}
bad_w unknown_function '{"functions": {"veiw": {}}}' \
    "1:functions.veiw: the plan has no functions 'veiw' (it has: CheckImage, Grayscale, Resize, start, view)"
bad_w conflict '{"functions":
  {"view": {"memory_mb": 1024}}}' \
    '2:functions.view.memory_mb: the plan says 512 (from aws_lambda_function.view), W.json otherwise'
bad_w unknown_key '{"functions": {"view": {"memroy_mb": 512}}}' '1:functions.view.memroy_mb: unknown key'
bad_w bad_dist '{"functions": {"view": {"service_time": {"warm": {"dist": "lognormal", "mean_ms": -1, "cv": 0.3}}}}}' \
    '1:functions.view.service_time.warm'
bad_w routes_on_url '{"entries": {"views": {"routes": {"view": "GET /photos"}}}}' \
    '1:entries.views.routes: this entry has no routes'
bad_w unknown_route '{"entries": {"views": {"routes": {"view": "GET /photo"}}}}' \
    "1:entries.views.routes.view: 'GET /photo' is not a route of this entry (routes: GET /photos, GET /photos/{id})" \
    $G/plan_http_api.json
bad_w new_entry_without_type '{"entries": {"admin": {"workload": {}}}}' "1:entries.admin: the plan has no entry 'admin'"
bad_w call_to_nowhere '{"functions": {"view": {"calls": [{"service": "sqs", "op": "send", "queue": "nope"}]}}}' \
    "1:functions.view.calls\[0\].queue: the plan has no queues 'nope'"
bad_w no_template '{"state_machines": {"pipeline": {"definition": "nope.tftpl"}}}' \
    '1:state_machines.pipeline.definition: .*nope.tftpl'
bad_w template_var "{\"state_machines\": {\"pipeline\": {\"definition\": \"$TPL\"}}}" \
    '1:state_machines.pipeline.definition: .*\${check_image_arn} is neither a variable'
bad_w other_definition "{\"state_machines\": {\"pipeline\": {\"definition\": \"$(pwd)/tests/stepfn/pass_dataflow/definition.asl.json\"}}}" \
    '1:state_machines.pipeline.definition: the plan says something else (from aws_sfn_state_machine.image_pipeline)' \
    $G/state_function_url.json
wfile same_value '{"functions": {"view": {"memory_mb": 512}}}'
expect_exit 0 "a key repeated with the plan's value" -- "$L" import terraform $G/plan_function_url.json --workload "$TMPD/w/same_value.json"
wfile new_entry '{"entries": {"pipeline": {"type": "stepfunctions", "state_machine": "pipeline",
  "workload": {"arrivals": {"process": "poisson", "rate_per_s": 1}}}}}'
expect_exit 0 "a new entry" -- "$L" import terraform $G/plan_function_url.json --workload "$TMPD/w/new_entry.json"
expect_grep '"pipeline": {' "$TMPD/out" "the new entry is written"
# Files W.json names are relative to its folder; the config names them from its own.
cp data/profiles/default.json "$TMPD/w/prof.json"
wfile kernel '{"functions": {"Resize": {"kernel": {"name": "resize", "profile": "prof.json", "megapixels": 12}}}}'
expect_exit 0 "a kernel profile next to W.json" -- "$L" import terraform $G/plan_function_url.json --workload "$TMPD/w/kernel.json"
expect_grep "\"profile\": \"$TMPD/w/prof.json\"" "$TMPD/out" "the profile, named from the working directory"
wfile ops '{"entries": {"views": {"routes": {"view": "GET /photos/{id}"}}}}'
expect_exit 0 "ops named for routes" -- "$L" import terraform $G/plan_http_api.json --workload "$TMPD/w/ops.json"
expect_grep '"view": "view"' "$TMPD/out" "the named op"
expect_grep '"GET /photos": "view"' "$TMPD/out" "the unnamed route keeps its key"

# ---- run and compare a plan -------------------------------------------------------
# The gallery's plan (and its state) with traffic.json is gallery_full.json:
# the same run, byte for byte (the effective config included).
GF=data/architectures/gallery_full.json
expect_exit 0 "run gallery_full.json" -- "$L" run --config $GF --set duration_s=900 --format json
cp "$TMPD/out" "$TMPD/full.json"
for f in plan_function_url state_function_url; do
    expect_exit 0 "run --terraform $f" -- "$L" run --terraform $G/$f.json --workload $G/traffic.json \
        --set duration_s=900 --format json
    [ -s "$TMPD/out" ] && cmp -s "$TMPD/out" "$TMPD/full.json" && ok ||
        { bad "run --terraform $f differs from run $GF"; diff "$TMPD/out" "$TMPD/full.json" | head -5; }
done
expect_grep "^lambdasim: warning: not simulated: aws_cloudwatch_log_group.view" "$TMPD/err" "run says what it does not simulate"
expect_exit 0 "run --terraform, text" -- "$L" run --terraform $G/plan_function_url.json --workload $G/traffic.json \
    --set duration_s=60
expect_grep "^lambdasim run: $G/plan_function_url.json (seed 1" "$TMPD/out" "the run is named after the plan"
# Placeholders are refused, each named.
expect_exit 2 "run --terraform without a workload" -- "$L" run --terraform $G/plan_function_url.json
expect_grep "^lambdasim: $G/plan_function_url.json: 10 placeholders the plan cannot fill, to give in --workload W.json: duration_s, entries.uploads.workload, .*state_machines.pipeline.definition$" \
    "$TMPD/err" "the placeholders named"
wfile partial '{"duration_s": 60, "entries": {"views": {"workload": {"arrivals": {"process": "poisson", "rate_per_s": 1}}}}}'
expect_exit 2 "run --terraform with a partial workload" -- "$L" run --terraform $G/plan_function_url.json \
    --workload "$TMPD/w/partial.json"
expect_grep ": 8 placeholders .*: entries.uploads.workload, functions.CheckImage.service_time," "$TMPD/err" \
    "only what the workload leaves out"
expect_exit 2 "--terraform and --config" -- "$L" run --terraform $G/plan_function_url.json --config $GF
expect_exit 2 "--workload without --terraform" -- "$L" run --config $GF --workload $G/traffic.json
# Every bad plan: run refuses it (exit 2) with import's message, naming the address.
for f in "$B"/*.json; do
    "$L" import terraform "$f" >/dev/null 2>"$TMPD/want"
    expect_exit 2 "run --terraform $(basename "$f")" -- "$L" run --terraform "$f" --workload $G/traffic.json
    grep -v '^lambdasim: warning' "$TMPD/err" | head -1 >"$TMPD/got"
    [ -s "$TMPD/got" ] && grep -qF -f "$TMPD/got" "$TMPD/want" && ok ||
        { bad "run --terraform $(basename "$f"): another message than import's"; cat "$TMPD/got"; }
    expect_clean_stderr "run --terraform $(basename "$f")"
done
# compare: the Function URL and the HTTP API plans, one workload.
expect_exit 0 "compare two plans" -- "$L" compare --terraform $G/plan_function_url.json \
    --terraform $G/plan_http_api.json --workload $G/traffic.json --set duration_s=900
expect_grep "^verdict: Cheapest per month: plan_function_url at" "$TMPD/out" "the verdict names the cheaper plan"
expect_grep "^  apigw  *0.00  *[1-9]" "$TMPD/out" "only the HTTP API pays API Gateway"
expect_exit 0 "compare a plan and a config, json" -- "$L" compare --terraform $G/plan_function_url.json \
    --config $GF --workload $G/traffic.json --set duration_s=300 --format json
expect_grep '"plan_function_url"' "$TMPD/out" "the plan's design"
expect_grep '"gallery_full"' "$TMPD/out" "the config's design"
expect_exit 2 "compare --workload without a plan" -- "$L" compare --config $GF --config $GF --workload $G/traffic.json

# ---- the fixtures through Terraform itself ----------------------------------------
if command -v terraform >/dev/null 2>&1; then
    terraform fmt -check -recursive data/terraform tests/terraform >"$TMPD/fmt" 2>&1 && ok ||
        { bad "terraform fmt -check: files not in canonical form"; head -5 "$TMPD/fmt"; }
else
    skip "terraform fmt on the fixtures: terraform is not installed"
fi
# Re-planning needs the AWS provider (a plugin folder given by the caller).
if command -v terraform >/dev/null 2>&1 && [ -n "${LAMBDASIM_TF_PLUGIN_DIR:-}" ]; then
    mkdir -p "$TMPD/tf" && cp $G/*.tf $G/*.tftpl "$TMPD/tf/"
    ( cd "$TMPD/tf" && terraform init -plugin-dir="$LAMBDASIM_TF_PLUGIN_DIR" -input=false >/dev/null 2>&1 &&
      terraform plan -input=false -out p >/dev/null 2>&1 && terraform show -json p >plan.json 2>/dev/null ) &&
        "$L" import terraform "$TMPD/tf/plan.json" --workload $G/traffic.json --out "$TMPD/replan.json" \
            >/dev/null 2>&1 && cmp -s "$TMPD/replan.json" "$TMPD/plan.json" && ok ||
        bad "a fresh terraform plan of $G imports to another config than the committed plan"
else
    skip "re-planning the gallery with Terraform: set LAMBDASIM_TF_PLUGIN_DIR to a folder with the AWS provider"
fi

report import_cli
