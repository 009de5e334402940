# test_gallery.sh - entries, buckets, state machines and emitting calls from
# the command line: names that do not resolve, static call cycles and the
# shorthand's rules are errors naming file, line and field (exit 2); --log
# names each invocation's entry and flow; the bundled gallery runs.
. tests/lib.sh

G=data/architectures/gallery_full.json
# A config with one thing wrong, from the gallery: KEY=VALUE through --set.
bad_set() {   # bad_set DESC FIELD MESSAGE KEY=VALUE...
    desc=$1; field=$2; msg=$3; shift 3
    args=""
    for s in "$@"; do args="$args --set $s"; done
    # shellcheck disable=SC2086
    expect_exit 2 "$desc" -- "$LAMBDASIM" run --config "$G" $args --set duration_s=60
    expect_grep "$field" "$TMPD/err" "$desc: names $field"
    expect_grep "$msg" "$TMPD/err" "$desc: says why"
}
bad_set "unknown bucket of an entry" "entries.uploads.bucket" "no bucket named 'nope'" \
    entries.uploads.bucket=nope
bad_set "unknown queue of a notification" "buckets.photos.notifications\[0\].queue" \
    "no queue named 'nope'" 'buckets.photos.notifications[0].queue=nope'
bad_set "unknown state machine of a call" "functions.start.calls\[0\].state_machine" \
    "no state machine named 'nope'" 'functions.start.calls[0].state_machine=nope'
bad_set "unknown bucket of a call" "functions.Resize.calls\[1\].bucket" "no bucket named 'nope'" \
    'functions.Resize.calls[1].bucket=nope'
bad_set "a key a call does not take" "functions.start.calls\[0\].queue" \
    "stepfunctions calls take no queue" 'functions.start.calls[0].queue=uploads'
bad_set "overlapping notifications" "buckets.photos.notifications\[1\]" \
    "overlap those of notifications\[0\]" \
    'buckets.photos.notifications=[{"prefix":"pending/","queue":"uploads"},{"prefix":"pending/2024/","function":"view"}]'
# Resize writing under pending/ and consuming the queue itself: every
# upload would loop.  The error names the key that closes the cycle.
bad_set "a static cycle" "queues.uploads.consumer.function" "a call cycle every request would follow" \
    'functions.Resize.calls[1].key=pending/again.jpg' queues.uploads.consumer.function=Resize
sed -e 's#"key": "thumbs/photo.jpg"#"key": "pending/thumb.jpg"#' \
    -e 's#"function": "start"#"function": "Resize"#' "$G" > data/architectures/.test-cycle.json
expect_exit 2 "a static cycle in a file" -- "$LAMBDASIM" run --config data/architectures/.test-cycle.json
expect_grep "\.test-cycle\.json:[0-9][0-9]*:queues\.uploads\.consumer\.function: a call cycle every request would follow: function Resize -> queue uploads -> function Resize" \
    "$TMPD/err" "the cycle, its file, line and field"
rm -f data/architectures/.test-cycle.json
# Through a state machine a loop is not static (a Choice may skip a Task):
# it loads, and the run guards it; so does a conditional call.
expect_exit 0 "a loop through a state machine" -- "$LAMBDASIM" run --config "$G" --set duration_s=600 \
    --set 'functions.Resize.calls[1].key=pending/again.jpg' --format json
expect_grep '"recursive_loop": [1-9]' "$TMPD/out" "the chain is stopped at its 17th entry"
expect_exit 0 "a conditional loop" -- "$LAMBDASIM" run --config "$G" --set duration_s=600 \
    --set 'functions.Resize.calls[1].key=pending/again.jpg' --set 'functions.Resize.calls[1].probability=0.5' \
    --format json
expect_grep '"recursive_loops_stopped"' "$TMPD/out" "the guarded function reports its stops"
# Both forms at once; neither.
printf '{ "duration_s": 10, "workload": { "arrivals": { "process": "poisson", "rate_per_s": 1 } },\n  "entry": { "type": "direct" },\n  "entries": { "a": { "type": "direct", "workload": { "arrivals": { "process": "poisson", "rate_per_s": 1 } } } },\n  "functions": { "f": { "service_time": { "warm": { "dist": "exponential", "mean_ms": 5 } } } } }\n' > "$TMPD/both.json"
expect_exit 2 "entry and entries" -- "$LAMBDASIM" run --config "$TMPD/both.json"
expect_grep "both.json:3:entries: give either entries or the one-entry shorthand" "$TMPD/err" "both forms named"
printf '{ "duration_s": 10, "entries": { "a": { "type": "direct" } },\n  "functions": { "f": { "service_time": { "warm": { "dist": "exponential", "mean_ms": 5 } } } } }\n' > "$TMPD/nowl.json"
expect_exit 2 "an entry without a workload" -- "$LAMBDASIM" run --config "$TMPD/nowl.json"
expect_grep "entries.a.workload: required key 'workload' is missing" "$TMPD/err" "missing workload named"
# --trace feeds a one-entry config only.
expect_exit 2 "--trace on two entries" -- "$LAMBDASIM" run --config "$G" --trace data/traces/gallery_day.csv
expect_grep "one-entry config" "$TMPD/err" "--trace refuses several entries"
# --log: each invocation's entry and flow.
expect_exit 0 "gallery with --log" -- "$LAMBDASIM" run --config "$G" --set duration_s=120 --log "$TMPD/inv.csv"
expect_grep "^request_id,function,start_s,duration_ms,billed_duration_ms,init_duration_ms,memory_size_mb,start,outcome,environment,entry,flow$" \
    "$TMPD/inv.csv" "--log header"
expect_grep ",view,.*,views,[0-9][0-9]*$" "$TMPD/inv.csv" "a view's invocation names its entry and flow"
expect_grep ",Resize,.*,uploads,[0-9][0-9]*$" "$TMPD/inv.csv" "a pipeline Task names the upload's flow"
# The text summary and the results name both entries.
expect_grep "requests: " "$TMPD/out" "text summary"
expect_exit 0 "gallery json" -- "$LAMBDASIM" run --config "$G" --set duration_s=120 --format json
expect_grep '"views": {' "$TMPD/out" "entries.views"
expect_grep '"uploads": {' "$TMPD/out" "entries.uploads"
expect_grep '"flow_ms": {' "$TMPD/out" "flow latency"
expect_grep '"view": {' "$TMPD/out" "requests.ops.view"
# compare --vary over an entry's key.
expect_exit 0 "compare --vary entries.views.type" -- "$LAMBDASIM" compare --config "$G" \
    --vary entries.views.type=function_url,apigw_http --set duration_s=120
expect_grep "apigw_http" "$TMPD/out" "the varied design"
report gallery_cli
