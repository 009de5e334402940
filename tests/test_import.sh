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
expect_grep "^wrote $TMPD/plan.json from the plan .* entries 2, functions 5, queues 2, buckets 1, state machines 1, tables 1; not simulated 7 of 20 resources; placeholders 0$" \
    "$TMPD/out" "plan summary"
expect_grep "^lambdasim: warning: not simulated: aws_cloudwatch_log_group.view, aws_iam_role.lambda, aws_iam_role.pipeline, aws_iam_role_policy.lambda, aws_iam_role_policy.pipeline, aws_s3_bucket_public_access_block.photos, aws_sqs_queue_policy.uploads$" \
    "$TMPD/err" "the warning lists the resources not simulated"
expect_exit 0 "gallery state" -- "$L" import terraform $G/state_function_url.json --workload $G/traffic.json \
    --out "$TMPD/state.json"
expect_grep "from the state" "$TMPD/out" "a state is recognised"
cmp -s "$TMPD/plan.json" "$TMPD/state.json" && ok || bad "plan and state import to different configs"
expect_exit 0 "gallery plan to stdout" -- "$L" import terraform $G/plan_function_url.json --workload $G/traffic.json
cmp -s "$TMPD/out" "$TMPD/plan.json" && ok || bad "stdout and --out differ"
expect_exit 0 "HTTP API variant" -- "$L" import terraform $G/plan_http_api.json --workload $G/traffic.json \
    --out "$TMPD/api.json"
diff "$TMPD/plan.json" "$TMPD/api.json" >"$TMPD/d"
expect_grep '^> *"type": "apigw_http",$' "$TMPD/d" "the views entry is an HTTP API"
expect_grep '^> *"GET /photos/{id}": "gallery-view"' "$TMPD/d" "its routes"
[ "$(grep -c '^[<>]' "$TMPD/d")" -eq 11 ] && ok || { bad "the variants differ by more than the front door"; head "$TMPD/d"; }
expect_exit 0 "json summary" -- "$L" import terraform $G/plan_function_url.json --workload $G/traffic.json \
    --out "$TMPD/plan2.json" --format json
for k in '"kind": "plan"' '"format_version": "1.2"' '"functions": 5' '"entries.views": "aws_lambda_function_url.views\[0\]"' \
         '"queues.gallery-uploads.consumer": "aws_lambda_event_source_mapping.uploads"' '"placeholders": \['; do
    expect_grep "$k" "$TMPD/out" "json summary has $k"
done

# ---- placeholders: one hint each ------------------------------------------------
expect_exit 0 "gallery without a workload" -- "$L" import terraform $G/plan_function_url.json
cp "$TMPD/out" "$TMPD/bare.json"
nc=$(grep -c '"<placeholder: ' "$TMPD/bare.json")
nh=$(grep -c '^lambdasim: placeholder: ' "$TMPD/err")
[ "$nc" -eq 10 ] && [ "$nh" -eq "$nc" ] && ok || bad "$nc placeholders in the config, $nh hinted (want 10 each)"
for p in duration_s entries.uploads.workload entries.views.workload functions.CheckImage.service_time \
         functions.gallery-view.service_time queues.gallery-uploads.max_receive_count \
         state_machines.gallery-image-pipeline.definition; do
    expect_grep "^lambdasim: placeholder: $p: .*(give it in --workload W.json at $p)$" "$TMPD/err" "hint for $p"
done
expect_grep "it refers to functions CheckImage, Resize, Grayscale" "$TMPD/err" \
    "the unknown definition's functions, from its references"
expect_grep '^lambdasim: hint: function gallery-process refers to aws_sfn_state_machine.image_pipeline' \
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
bad_w unknown_function '{"functions": {"gallery-veiw": {}}}' \
    "1:functions.gallery-veiw: the plan has no functions 'gallery-veiw' (it has: CheckImage, Grayscale, Resize, gallery-process, gallery-view)"
bad_w conflict '{"functions":
  {"gallery-view": {"memory_mb": 1024}}}' \
    '2:functions.gallery-view.memory_mb: the plan says 512 (from aws_lambda_function.view), W.json otherwise'
bad_w unknown_key '{"functions": {"gallery-view": {"memroy_mb": 512}}}' '1:functions.gallery-view.memroy_mb: unknown key'
bad_w bad_dist '{"functions": {"gallery-view": {"service_time": {"warm": {"dist": "lognormal", "mean_ms": -1, "cv": 0.3}}}}}' \
    '1:functions.gallery-view.service_time.warm'
bad_w routes_on_url '{"entries": {"views": {"routes": {"view": "GET /photos"}}}}' \
    '1:entries.views.routes: this entry has no routes'
bad_w unknown_route '{"entries": {"views": {"routes": {"view": "GET /photo"}}}}' \
    "1:entries.views.routes.view: 'GET /photo' is not a route of this entry (routes: GET /photos, GET /photos/{id})" \
    $G/plan_http_api.json
bad_w new_entry_without_type '{"entries": {"admin": {"workload": {}}}}' "1:entries.admin: the plan has no entry 'admin'"
bad_w call_to_nowhere '{"functions": {"gallery-view": {"calls": [{"service": "sqs", "op": "send", "queue": "nope"}]}}}' \
    "1:functions.gallery-view.calls\[0\].queue: the plan has no queues 'nope'"
bad_w no_template '{"state_machines": {"gallery-image-pipeline": {"definition": "nope.tftpl"}}}' \
    '1:state_machines.gallery-image-pipeline.definition: .*nope.tftpl'
bad_w template_var "{\"state_machines\": {\"gallery-image-pipeline\": {\"definition\": \"$TPL\"}}}" \
    '1:state_machines.gallery-image-pipeline.definition: .*\${check_image_arn} is neither a variable'
bad_w other_definition "{\"state_machines\": {\"gallery-image-pipeline\": {\"definition\": \"$(pwd)/tests/stepfn/pass_dataflow/definition.asl.json\"}}}" \
    '1:state_machines.gallery-image-pipeline.definition: the plan says something else (from aws_sfn_state_machine.image_pipeline)' \
    $G/state_function_url.json
wfile same_value '{"functions": {"gallery-view": {"memory_mb": 512}}}'
expect_exit 0 "a key repeated with the plan's value" -- "$L" import terraform $G/plan_function_url.json --workload "$TMPD/w/same_value.json"
wfile new_entry '{"entries": {"pipeline": {"type": "stepfunctions", "state_machine": "gallery-image-pipeline",
  "workload": {"arrivals": {"process": "poisson", "rate_per_s": 1}}}}}'
expect_exit 0 "a new entry" -- "$L" import terraform $G/plan_function_url.json --workload "$TMPD/w/new_entry.json"
expect_grep '"pipeline": {' "$TMPD/out" "the new entry is written"
wfile ops '{"entries": {"views": {"routes": {"view": "GET /photos/{id}"}}}}'
expect_exit 0 "ops named for routes" -- "$L" import terraform $G/plan_http_api.json --workload "$TMPD/w/ops.json"
expect_grep '"view": "gallery-view"' "$TMPD/out" "the named op"
expect_grep '"GET /photos": "gallery-view"' "$TMPD/out" "the unnamed route keeps its key"

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
