# test_badinput.sh - a table of malformed inputs, at least 30 per format
# (run configs, gallery configs with entries, Terraform plans for import,
# usage, ASL, traces, specs, profiles, catalogues, images).
#
# Each format has one small valid base file (written below; the sanity
# check proves it passes) and the table derives every bad case from it by a
# named mutation: generic ones for every JSON format (syntax, top level,
# numbers, strings, files) or every CSV format, plus format-specific edits
# of values.  Every case must: exit 2; print "lambdasim: FILE:LINE..." or
# "lambdasim: FILE:FIELD..." naming the file and a line or a field (an
# image, a folder or a missing file has no line: the file and the problem); trip no sanitizer (under make
# asan); and leave nothing behind: each runs in an empty folder, with its
# outputs (--out, --log) pointed into it.
. tests/lib.sh
LAMBDASIM=$(cd "$(dirname "$LAMBDASIM")" && pwd)/$(basename "$LAMBDASIM")
ROOT=$(pwd)
# The cases run in empty folders: bundled data (price catalogues, the INIT
# table) comes from the checkout, wherever the binary under test was built.
LAMBDASIM_DATA=$ROOT/data
export LAMBDASIM_DATA
B=$TMPD/base
mkdir -p "$B"

# ---- the valid bases ------------------------------------------------------
cat >"$B/config.json" <<'J'
{
  "duration_s": 600,
  "seed": 7,
  "workload": { "arrivals": { "process": "poisson", "rate_per_s": 2 } },
  "entry": { "type": "function_url", "target": "f" },
  "functions": {
    "f": { "memory_mb": 512, "timeout_s": 30,
           "service_time": { "warm": { "dist": "lognormal", "mu": 4.8, "sigma": 0.3 },
                             "cold": { "dist": "exponential", "mean_ms": 400 } } }
  }
}
J
cp data/usage/cli-example.json "$B/usage.json"
# The gallery's config format: entries (a Function URL and an S3 upload), a
# bucket notifying a queue, a state machine started by a call, emitting
# calls.  Its state machine is a file beside it (and beside the cases).
cat >"$B/gallery.json" <<'J'
{
  "duration_s": 120,
  "seed": 3,
  "entries": {
    "views": { "type": "function_url", "target": "view",
               "workload": { "arrivals": { "process": "poisson", "rate_per_s": 2 },
                             "mix": { "view": 1 }, "payload_bytes": 1024 } },
    "uploads": { "type": "s3", "bucket": "photos", "key": "pending/p.jpg",
                 "workload": { "arrivals": { "process": "poisson", "rate_per_s": 1 },
                               "mix": { "upload": 1 }, "payload_bytes": 250000 } }
  },
  "buckets": {
    "photos": { "notifications": [ { "prefix": "pending/", "suffix": ".jpg", "queue": "uploads" } ] }
  },
  "queues": {
    "uploads": { "type": "standard", "visibility_timeout_s": 60, "max_receive_count": 5, "dlq": "dead",
                 "consumer": { "type": "lambda", "function": "start", "batch_size": 1 } },
    "dead": { "type": "standard" }
  },
  "state_machines": {
    "thumbs": { "definition": "thumbs.asl.json", "workflow": "standard", "task_latency_ms": 18.8 }
  },
  "functions": {
    "view": { "memory_mb": 512, "timeout_s": 10,
              "service_time": { "warm": { "dist": "lognormal", "mean_ms": 15, "cv": 0.5 } },
              "calls": [ { "service": "s3", "op": "get", "bytes": 30000 } ] },
    "start": { "memory_mb": 256, "timeout_s": 10,
               "service_time": { "warm": { "dist": "lognormal", "mean_ms": 20, "cv": 0.5 } },
               "calls": [ { "service": "stepfunctions", "op": "start", "state_machine": "thumbs", "bytes": 512 } ] },
    "thumb": { "memory_mb": 1024, "timeout_s": 30,
               "service_time": { "warm": { "dist": "lognormal", "mean_ms": 300, "cv": 0.3 } },
               "calls": [ { "service": "s3", "op": "get", "bytes": "object" },
                          { "service": "s3", "op": "put", "bucket": "photos", "key": "thumbs/p.jpg", "bytes": 20000 } ] }
  }
}
J
printf '%s\n' '{ "StartAt": "Thumb", "States": { "Thumb": { "Type": "Task",' \
    '  "Resource": "arn:aws:lambda:us-east-1:123456789012:function:thumb", "End": true } } }' \
    >"$B/thumbs.asl.json"
cp "$B/thumbs.asl.json" "$TMPD/thumbs.asl.json"
# A saved plan as `terraform show -json` writes it (planned_values,
# resource_changes, configuration), small and with every value known that
# the import checks: a function behind a Function URL, a queue with its
# redrive policy (a JSON string) drained by the function, a state machine
# whose definition (a JSON string) invokes it.
cat >"$B/tfplan.json" <<'J'
{
  "format_version": "1.2",
  "terraform_version": "1.11.4",
  "variables": { "region": { "value": "us-east-1" } },
  "planned_values": {
    "root_module": {
      "resources": [
        { "address": "aws_lambda_function.resize", "mode": "managed", "type": "aws_lambda_function",
          "name": "resize",
          "values": { "function_name": "resize", "memory_size": 1024, "timeout": 30,
                      "runtime": "python3.12", "architectures": ["x86_64"],
                      "ephemeral_storage": [{ "size": 512 }] } },
        { "address": "aws_lambda_function_url.resize", "mode": "managed",
          "type": "aws_lambda_function_url", "name": "resize",
          "values": { "authorization_type": "NONE", "function_name": "resize" } },
        { "address": "aws_sqs_queue.jobs", "mode": "managed", "type": "aws_sqs_queue", "name": "jobs",
          "values": { "name": "jobs", "visibility_timeout_seconds": 60, "delay_seconds": 0,
                      "redrive_policy": "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:jobs-dlq\",\"maxReceiveCount\":5}" } },
        { "address": "aws_sqs_queue.dlq", "mode": "managed", "type": "aws_sqs_queue", "name": "dlq",
          "values": { "name": "jobs-dlq" } },
        { "address": "aws_lambda_event_source_mapping.jobs", "mode": "managed",
          "type": "aws_lambda_event_source_mapping", "name": "jobs",
          "values": { "batch_size": 10, "function_name": "resize", "enabled": true } },
        { "address": "aws_sfn_state_machine.pipeline", "mode": "managed",
          "type": "aws_sfn_state_machine", "name": "pipeline",
          "values": { "name": "pipeline", "type": "STANDARD",
                      "definition": "{\"StartAt\":\"Resize\",\"States\":{\"Resize\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:lambda:us-east-1:123456789012:function:resize\",\"End\":true}}}" } }
      ]
    }
  },
  "resource_changes": [
    { "address": "aws_lambda_function.resize", "mode": "managed", "type": "aws_lambda_function",
      "name": "resize", "change": { "actions": ["create"], "after_unknown": { "arn": true } } },
    { "address": "aws_lambda_event_source_mapping.jobs", "mode": "managed",
      "type": "aws_lambda_event_source_mapping", "name": "jobs",
      "change": { "actions": ["create"], "after_unknown": { "event_source_arn": true } } }
  ],
  "configuration": {
    "provider_config": { "aws": { "name": "aws", "expressions": { "region": { "references": ["var.region"] } } } },
    "root_module": {
      "resources": [
        { "address": "aws_lambda_event_source_mapping.jobs", "mode": "managed",
          "type": "aws_lambda_event_source_mapping", "name": "jobs",
          "expressions": { "event_source_arn": { "references": ["aws_sqs_queue.jobs.arn", "aws_sqs_queue.jobs"] },
                           "function_name": { "references": ["aws_lambda_function.resize.function_name", "aws_lambda_function.resize"] } } }
      ]
    }
  }
}
J
cat >"$B/asl.json" <<'J'
{
  "Comment": "bad-input base: one of each state kind",
  "StartAt": "Check",
  "TimeoutSeconds": 300,
  "States": {
    "Check": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:check",
               "Retry": [ { "ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1,
                            "MaxAttempts": 2, "BackoffRate": 2.0 } ],
               "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Failed" } ],
               "ResultPath": "$.check", "Next": "Valid" },
    "Valid": { "Type": "Choice",
               "Choices": [ { "Variable": "$.check.ok", "BooleanEquals": true, "Next": "Both" } ],
               "Default": "Failed" },
    "Both": { "Type": "Parallel", "Next": "Each",
              "Branches": [ { "StartAt": "A", "States": { "A": { "Type": "Pass", "End": true } } },
                            { "StartAt": "W", "States": { "W": { "Type": "Wait", "Seconds": 1, "End": true } } } ] },
    "Each": { "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "Next": "Done",
              "ItemProcessor": { "StartAt": "P", "States": { "P": { "Type": "Pass", "End": true } } } },
    "Done": { "Type": "Succeed" },
    "Failed": { "Type": "Fail", "Error": "Invalid", "Cause": "check said no" }
  }
}
J
printf '{ "bucket": "b", "key": "k.jpg", "size": 3, "items": [1, 2, 3] }\n' >"$B/input.json"
cat >"$B/mocks.json" <<'J'
{ "arn:aws:lambda:us-east-1:123456789012:function:check": { "result": { "ok": true } } }
J
cat >"$B/trace.csv" <<'C'
timestamp_s,op,key,bytes,function,duration_ms,memory_mb
0.5,view,photos/1.jpg,3000000,,,
1.25,upload,photos/2.jpg,2500000,f,120.5,512
2,invoke,,0,g,80,1024
C
cat >"$B/az19.csv" <<'C'
HashOwner,HashApp,HashFunction,Trigger,1,2,3
o1,a1,f1,http,1,0,2
o1,a1,f2,timer,0,3,1
C
cat >"$B/az19d.csv" <<'C'
HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100
o1,a1,f1,100.0,3.0,99.0,101.0,99.0,99.0,99.0,100.0,101.0,101.0,101.0
C
cat >"$B/az19m.csv" <<'C'
HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,AverageAllocatedMb_pct100
o1,a1,19342.0,120.0,100.0,102.0,114.0,123.0,127.0,136.0,143.0,152.0
C
cat >"$B/az21.csv" <<'C'
app,func,end_timestamp,duration
a1,f1,10.0,9.0
a1,f2,11.5,0.5
a2,f3,30.25,1.125
C
cp data/traces/gallery_day.spec.json "$B/spec.json"
sed -i 's/"duration_s": 86400/"duration_s": 3600/' "$B/spec.json"
cp data/profiles/default.json "$B/profile.json"
cp data/prices/us-east-1.json "$B/catalog.json"
"$LAMBDASIM" kernel resize --in data/images/rocket.jpg --size 96x96 --out "$B/image.jpg" >/dev/null
"$LAMBDASIM" kernel resize --in data/images/coffee.png --size 96x96 --out "$B/image.png" >/dev/null

# ---- running one case --------------------------------------------------------
# run_fmt FMT FILE: the command that reads FILE as FMT, in the current
# folder (an empty one), outputs into it.
run_fmt() {
    f=$2
    case $1 in
    config|gallery) "$LAMBDASIM" run --config "$f" --out out --log log.csv ;;
    tfplan)  "$LAMBDASIM" import terraform "$f" --out out.json ;;
    usage)   "$LAMBDASIM" cost --usage "$f" --format json ;;
    asl)     "$LAMBDASIM" stepfn run --definition "$f" --input @"$B/input.json" --mocks "$B/mocks.json" ;;
    input)   "$LAMBDASIM" stepfn run --definition "$B/asl.json" --input @"$f" --mocks "$B/mocks.json" ;;
    mocks)   "$LAMBDASIM" stepfn run --definition "$B/asl.json" --input @"$B/input.json" --mocks "$f" ;;
    trace)   "$LAMBDASIM" trace convert "$f" --from csv --out out.csv ;;
    az19)    "$LAMBDASIM" trace convert "$f" --from azure2019 --durations "$B/az19d.csv" \
                 --memory "$B/az19m.csv" --out out.csv ;;
    az19d)   "$LAMBDASIM" trace convert "$B/az19.csv" --from azure2019 --durations "$f" \
                 --memory "$B/az19m.csv" --out out.csv ;;
    az19m)   "$LAMBDASIM" trace convert "$B/az19.csv" --from azure2019 --durations "$B/az19d.csv" \
                 --memory "$f" --out out.csv ;;
    az21)    "$LAMBDASIM" trace convert "$f" --from azure2021 --out out.csv ;;
    spec)    "$LAMBDASIM" trace generate --spec "$f" --out out.csv ;;
    profile) "$LAMBDASIM" size --kernel resize --profile "$f" --format json ;;
    catalog) "$LAMBDASIM" cost --usage "$B/usage.json" --catalog "$f" --plot-lambda-price p.svg ;;
    jpg|png) "$LAMBDASIM" kernel resize --in "$f" --out out.png ;;
    esac
}

# The base a format's mutations start from.
base_of() {
    case $1 in
    jpg) echo "$B/image.jpg" ;; png) echo "$B/image.png" ;;
    trace|az19|az19d|az19m|az21) echo "$B/$1.csv" ;;
    *) echo "$B/$1.json" ;;
    esac
}

n_case=0
# Cases per format (ASL counts its input and mocks files, the Azure 2019
# trace its durations and memory files, images JPEG and PNG).
group_of() {
    case $1 in asl|input|mocks) echo asl ;; az19*) echo az19 ;; jpg|png) echo image ;; *) echo "$1" ;; esac
}
# check_case FMT NAME FILE: run it in a fresh folder, assert the four rules.
check_case() {
    fmt=$1; name=$2; file=$3
    n_case=$((n_case + 1))
    echo "$(group_of "$fmt")" >>"$TMPD/groups"
    w=$TMPD/w$n_case
    mkdir -p "$w"
    (cd "$w" && run_fmt "$fmt" "$file") >"$TMPD/out" 2>"$TMPD/err"
    got=$?
    desc="$fmt/$name"
    if [ "$got" -eq 2 ]; then ok; else
        bad "$desc: exit $got, want 2"; sed 's/^/    stderr: /' "$TMPD/err" | head -3
    fi
    # The message names the file, then a line number or a field (images:
    # the file and the problem).
    shown=$(printf '%s' "$file" | sed 's/[][\.*^$]/\\&/g')
    [ -n "$BADINPUT_SHOW" ] && printf '%-9s %-28s %s\n' "$fmt" "$name" "$(head -1 "$TMPD/err")"
    if [ "$fmt" = jpg ] || [ "$fmt" = png ] || [ "$name" = directory ] || [ "$name" = missing ]; then
        pat="^lambdasim: $shown: ."
    else
        pat="^lambdasim: $shown:([0-9]+|[A-Za-z_\"])"
    fi
    if grep -qE "$pat" "$TMPD/err"; then ok; else
        bad "$desc: message does not name file and line/field"; sed 's/^/    stderr: /' "$TMPD/err" | head -3
    fi
    expect_clean_stderr "$desc"
    left=$(ls -A "$w")
    if [ -z "$left" ]; then ok; else bad "$desc: left behind: $left"; fi
    rm -rf "$w"
}

# ---- mutations ---------------------------------------------------------------
# The first number after a colon in a JSON file, replaced by $2.
json_first_number() { sed -E '0,/: *-?[0-9][0-9.eE+-]*/s//: '"$2"'/' "$1"; }
# The first '{' followed by an inserted member $2.
json_insert() { sed '0,/{/s//{ '"$2"'/' "$1"; }
# A byte inserted in the first string value (after the first ': "').
json_in_string() { sed '0,/: "/s//: "'"$2"'/' "$1"; }

# mutate FMT NAME BASE: the mutated file on stdout (NAME from the tables).
mutate() {
    fmt=$1; m=$2; b=$3
    case $m in
    # -- files and the top level (any format)
    empty) : ;;
    blank) printf '  \n\n' ;;
    half) head -c $(($(wc -c <"$b") / 2)) "$b" ;;
    chop1) head -c $(($(wc -c <"$b") - 2)) "$b" ;;
    nul) head -c 40 "$b"; printf '\000'; tail -c +41 "$b" ;;
    garbage) printf '\211\001\376\377\000binary\177\200' ;;
    # -- JSON syntax
    top42) printf '42\n' ;;
    topnull) printf 'null\n' ;;
    toparray) printf '[1, 2]\n' ;;
    topstring) printf '"config"\n' ;;
    toptrue) printf 'true\n' ;;
    comment_block) printf '/* a comment */\n'; cat "$b" ;;
    comment_line) cat "$b"; printf '// trailing comment\n' ;;
    garbage_after) cat "$b"; printf 'x\n' ;;
    extra_brace) cat "$b"; printf '}\n' ;;
    trailing_comma) sed '$ s/}[[:space:]]*$/, }/' "$b" ;;
    nan) json_first_number "$b" NaN ;;
    inf) json_first_number "$b" Infinity ;;
    ninf) json_first_number "$b" -Infinity ;;
    huge_real) json_first_number "$b" 1e999 ;;
    huge_int) json_first_number "$b" 123456789012345678901234567890 ;;
    leading_zero) json_first_number "$b" 007 ;;
    dot_number) json_first_number "$b" .5 ;;
    trailing_dot) json_first_number "$b" 5. ;;
    plus_number) json_first_number "$b" +5 ;;
    hex_number) json_first_number "$b" 0x10 ;;
    number_string) json_first_number "$b" '"5"' ;;
    number_bool) json_first_number "$b" true ;;
    number_object) json_first_number "$b" '{}' ;;
    single_quotes) tr '"' "'" <"$b" ;;
    bad_utf8) json_in_string "$b" "$(printf '\377')" ;;
    raw_tab) json_in_string "$b" "$(printf '\t')" ;;
    bom) printf '\357\273\277'; cat "$b" ;;
    deep) printf '{ "a": '; i=0; while [ $i -lt 1001 ]; do printf '['; i=$((i + 1)); done
          i=0; while [ $i -lt 1001 ]; do printf ']'; i=$((i + 1)); done; printf ' }\n' ;;
    unknown_key) json_insert "$b" '"zz_not_a_key": 1,' ;;
    dup_key) json_insert "$b" "$DUP" ;;
    unclosed) cat "$b"; printf '{ "a": "b\n' ;;
    # -- CSV
    crlf_garbage) printf 'a,b\r\n\r\n\001\002\r\n' ;;
    header_only) head -1 "$b" ;;
    long_line) head -1 "$b"; i=0; while [ $i -lt 1100 ]; do printf '0123456789012345678901234567890123456789012345678901234567890123'; i=$((i + 1)); done; printf '\n' ;;
    quote_open) cat "$b"; printf '1,"unterminated\n' ;;
    # format-specific edits: "sed:EXPR" applies EXPR, "line:TEXT" appends TEXT
    sed:*) sed -E "${m#sed:}" "$b" ;;
    line:*) cat "$b"; printf '%s\n' "${m#line:}" ;;
    esac
}

# ---- the table ----------------------------------------------------------------
JSON_GENERIC="empty blank half chop1 nul garbage top42 topnull toparray topstring toptrue
comment_block comment_line garbage_after extra_brace trailing_comma nan inf ninf huge_real
huge_int leading_zero dot_number trailing_dot plus_number hex_number number_string number_bool
number_object single_quotes bad_utf8 raw_tab bom deep unknown_key dup_key unclosed"
CSV_GENERIC="empty blank half nul garbage crlf_garbage long_line quote_open"

# One case per line: FORMAT<TAB>MUTATION.  Values edited by sed keep the rest
# of the base valid, so each case has one fault.
SPECIFIC=$(cat <<'T'
config	sed:s/"duration_s": 600/"duration_s": -1/
config	sed:s/"duration_s": 600/"duration_s": 0/
config	sed:s/"seed": 7/"seed": 9223372036854775808/
config	sed:s/"seed": 7/"seed": -1/
config	sed:s/"seed": 7/"seed": 1.5/
config	sed:s/"rate_per_s": 2/"rate_per_s": -2/
config	sed:s/"process": "poisson"/"process": "bursty"/
config	sed:s/"type": "function_url"/"type": "carrier_pigeon"/
config	sed:s/"target": "f"/"target": "nobody"/
config	sed:s/"memory_mb": 512/"memory_mb": 64/
config	sed:s/"memory_mb": 512/"memory_mb": 20000/
config	sed:s/"timeout_s": 30/"timeout_s": 0/
config	sed:s/"mu": 4.8/"mu": "high"/
config	sed:s/"dist": "lognormal"/"dist": "cauchy"/
config	sed:s/"sigma": 0.3/"sigma": "wide"/
config	sed:s/"functions": \{/"functions": [/
gallery	sed:s/"type": "s3", "bucket": "photos"/"type": "s3", "bucket": "nope"/
gallery	sed:s/"queue": "uploads"/"queue": "nope"/
gallery	sed:s/"prefix": "pending\/"/"prefix": 5/
gallery	sed:s/"dlq": "dead"/"dlq": "uploads"/
gallery	sed:s/"function": "start"/"function": "nobody"/
gallery	sed:s/"state_machine": "thumbs"/"state_machine": "nope"/
gallery	sed:s/"workflow": "standard"/"workflow": "fast"/
gallery	sed:s/"task_latency_ms": 18.8/"task_latency_ms": -1/
gallery	sed:s/"op": "get", "bytes": 30000/"op": "fetch", "bytes": 30000/
gallery	sed:s/"service": "s3", "op": "get", "bytes": 30000/"service": "ftp", "op": "get", "bytes": 30000/
gallery	sed:s/"bytes": 30000/"bytes": -30000/
gallery	sed:s/"bytes": "object"/"bytes": "everything"/
gallery	sed:s/"bucket": "photos", "key": "thumbs\/p.jpg"/"bucket": "nope", "key": "thumbs\/p.jpg"/
gallery	sed:s/"queue": "uploads" \}/"queue": "uploads", "function": "start" }/
gallery	sed:s/"batch_size": 1 \}/"batch_size": 0 }/
gallery	sed:s/"max_receive_count": 5/"max_receive_count": 0/
gallery	sed:s/"buckets": \{/"buckets": { "photos": {}, /
gallery	sed:s/"mix": \{ "view": 1 \}/"mix": { "view": -1 }/
gallery	sed:s/"payload_bytes": 250000/"payload_bytes": -1/
gallery	sed:s/"views": \{ "type": "function_url"/"views": { "type": "sqs"/
gallery	sed:s/"rate_per_s": 1 \}/"rate_per_s": 1e999 }/
gallery	sed:s/"target": "view",/"target": "view", "workload": {},/
tfplan	sed:s/"format_version": "1.2"/"format_version": "2.0"/
tfplan	sed:s/"format_version": "1.2"/"format_version": "x.1"/
tfplan	sed:s/"format_version": "1.2"/"format_version": " 1.2"/
tfplan	sed:s/"format_version": "1.2"/"format_version": "0x1.2"/
tfplan	sed:s/"format_version": "1.2"/"format_version": "1."/
tfplan	sed:s/"format_version": "1.2"/"format_version": 1.2/
tfplan	sed:s/"format_version": "1.2",//
tfplan	sed:s/"planned_values"/"planned"/
tfplan	sed:s/"address": "aws_sqs_queue.dlq", //
tfplan	sed:s/"type": "aws_sqs_queue", "name": "dlq"/"type": 5, "name": "dlq"/
tfplan	sed:s/"mode": "managed", "type": "aws_sqs_queue", "name": "dlq"/"mode": 7, "type": "aws_sqs_queue", "name": "dlq"/
tfplan	sed:s/"aws_sqs_queue.dlq", "mode"/"aws_sqs_queue.jobs", "mode"/
tfplan	sed:s/"name": "jobs-dlq"/"name": "jobs"/
tfplan	sed:0,/"values": \{ "function_name"/s//"values": 5, "v": { "function_name"/
tfplan	sed:s/"resource_changes": \[/"resource_changes": 5, "x": [/
tfplan	sed:s/"after_unknown": \{ "arn": true \}/"after_unknown": 7/
tfplan	sed:s/"variables": \{ "region"/"variables": 1, "v": { "region"/
tfplan	sed:s/maxReceiveCount\\":5/maxReceiveCount\\":0/
tfplan	sed:s/maxReceiveCount\\":5/maxReceiveCount\\":5000/
tfplan	sed:s/maxReceiveCount\\":5/maxReceiveCount\\":\\"abc\\"/
tfplan	sed:s/maxReceiveCount\\":5/maxReceiveCount\\":\\" 5\\"/
tfplan	sed:s/maxReceiveCount\\":5/maxReceiveCount\\":5.5/
tfplan	sed:s/"\{\\"deadLetterTargetArn/"{\/*c*\/\\"deadLetterTargetArn/
tfplan	sed:s/maxReceiveCount\\":5/maxReceiveCount\\":5,\\"maxReceiveCount\\":6/
tfplan	sed:s/,\\"maxReceiveCount\\":5\}"/,\\"maxReceiveCount\\":"/
tfplan	sed:s/jobs-dlq\\"/jobs-nope\\"/
tfplan	sed:s/"definition": "\{\\"StartAt/"definition": "\/\/c\\n{\\"StartAt/
tfplan	sed:s/"definition": "\{\\"StartAt\\":\\"Resize\\",/"definition": "{\\"StartAt\\":\\"Resize\\",\\"StartAt\\":\\"Resize\\",/
tfplan	sed:s/"definition": "\{.*\}"/"definition": "[1]"/
tfplan	sed:s/\\"StartAt\\":\\"Resize\\"/\\"StartAt\\":\\"Nope\\"/
tfplan	sed:s/(\\"End\\":true\}\}\})"/\\"End\\":true}"/
tfplan	sed:s/function:resize\\"/function:nobody\\"/
tfplan	sed:s/"memory_size": 1024/"memory_size": 64/
tfplan	sed:s/"memory_size": 1024/"memory_size": 1024.5/
tfplan	sed:s/"timeout": 30/"timeout": -1/
tfplan	sed:s/"batch_size": 10/"batch_size": 0/
tfplan	sed:s/"visibility_timeout_seconds": 60/"visibility_timeout_seconds": -60/
tfplan	sed:s/"delay_seconds": 0/"delay_seconds": 9999/
tfplan	sed:s/"type": "STANDARD"/"type": "FAST"/
tfplan	sed:s/"architectures": \["x86_64"\]/"architectures": ["sparc"]/
tfplan	sed:s/"size": 512/"size": 99999999/
tfplan	sed:s/"aws_sqs_queue.jobs.arn", "aws_sqs_queue.jobs"/"aws_sqs_queue.nope.arn"/
tfplan	sed:s/"function_name": "resize", "enabled"/"function_name": "nobody", "enabled"/
usage	sed:s/"region": "us-east-1"/"region": "mars-north-1"/
usage	sed:s/"memory_mb": 512/"memory_mb": 100000/
usage	sed:s/"requests": 3000000/"requests": -3/
usage	sed:s/"arch": "x86_64"/"arch": "riscv"/
usage	sed:s/"free_tier": "none"/"free_tier": 7/
usage	sed:s/"type": "http"/"type": "smtp"/
usage	sed:s/"billing_granularity_ms": 1/"billing_granularity_ms": 7/
usage	sed:s/"mode": "on_demand"/"mode": "free"/
asl	sed:s/"StartAt": "Check"/"StartAt": "Nowhere"/
asl	sed:s/"Next": "Valid"/"Next": "Nowhere"/
asl	sed:s/"Type": "Choice"/"Type": "Decide"/
asl	sed:s/"MaxAttempts": 2/"MaxAttempts": -2/
asl	sed:s/"BackoffRate": 2.0/"BackoffRate": 0.5/
asl	sed:s/"IntervalSeconds": 1/"IntervalSeconds": 0/
asl	sed:s/"Seconds": 1/"Seconds": -1/
asl	sed:s/"ResultPath": "\$.check"/"ResultPath": "check"/
asl	sed:s/"ItemsPath": "\$.items"/"ItemsPath": "items["/
asl	sed:s/"MaxConcurrency": 2/"MaxConcurrency": -1/
asl	sed:s/"Default": "Failed"/"Default": 5/
asl	sed:s/"States": \{/"States": [/
asl	sed:s/"BooleanEquals": true/"BooleanEquals": "yes"/
input	empty
input	half
input	comment_block
input	single_quotes
input	nan
input	dup_key
input	garbage_after
mocks	top42
mocks	half
mocks	dup_key
mocks	sed:s/"result"/"reslt"/
mocks	sed:s/\{ "ok": true \}/{ "ok": NaN }/
trace	sed:1s/timestamp_s/time/
trace	sed:1s/,memory_mb//
trace	sed:2s/^0.5/0x10/
trace	sed:2s/^0.5/" 5"/
trace	sed:2s/^0.5/"5 "/
trace	sed:2s/^0.5/inf/
trace	sed:2s/^0.5/nan/
trace	sed:2s/^0.5/-1/
trace	sed:2s/^0.5/1e999/
trace	sed:2s/^0.5/abc/
trace	sed:2s/^0.5//
trace	sed:2s/view/fly/
trace	sed:2s/3000000/-5/
trace	sed:2s/3000000/1.5/
trace	sed:2s/3000000/0x10/
trace	sed:2s/3000000/99999999999999999999999/
trace	sed:3s/120.5/-1/
trace	sed:3s/120.5/nan/
trace	sed:3s/,512$/,0x80/
trace	sed:3s/,512$/,-128/
trace	sed:3s/,512$/,1e999/
trace	sed:4s/^2,/0.1,/
trace	sed:4s/,1024$/,1024,extra/
trace	sed:4s/,1024$//
az19	sed:1s/HashFunction/Func/
az19	sed:1s/,1,2,3$/,1,x,3/
az19	sed:2s/,1,0,2$/,-1,0,2/
az19	sed:2s/,1,0,2$/,1.5,0,2/
az19	sed:2s/,1,0,2$/,0x10,0,2/
az19	sed:2s/,1,0,2$/,inf,0,2/
az19	sed:2s/,1,0,2$/,nan,0,2/
az19	sed:2s/,1,0,2$/," 1",0,2/
az19	sed:2s/,1,0,2$/,1,0/
az19	sed:2s/,1,0,2$/,1,0,2,9/
az19	sed:2s/,1,0,2$/,abc,0,2/
az19	sed:1s/,1,2,3$//
az19	sed:2s/,1,0,2$/,99999999999999999999999,0,2/
az19d	sed:1s/percentile_Average_50/p50/
az19d	sed:2s/,100.0,101.0,101.0,101.0$/,nan,101.0,101.0,101.0/
az19d	sed:2s/,100.0,101.0,101.0,101.0$/,-100.0,101.0,101.0,101.0/
az19d	sed:2s/,100.0,101.0,101.0,101.0$/,0x10,101.0,101.0,101.0/
az19d	sed:2s/,100.0,101.0,101.0,101.0$/,100.0,101.0/
az19m	sed:1s/AverageAllocatedMb,/Mb,/
az19m	sed:2s/,120.0,100.0/,-120.0,100.0/
az19m	sed:2s/,120.0,100.0/,inf,100.0/
az19m	sed:2s/,120.0,100.0/,0x78,100.0/
az21	sed:1s/end_timestamp/end/
az21	sed:2s/10.0,9.0/0x10,9.0/
az21	sed:2s/10.0,9.0/10.0,-9.0/
az21	sed:2s/10.0,9.0/10.0,nan/
az21	sed:2s/10.0,9.0/inf,9.0/
az21	sed:2s/10.0,9.0/" 10",9.0/
az21	sed:2s/10.0,9.0/10.0,9.0,extra/
az21	sed:2s/10.0,9.0/10.0/
az21	sed:2s/10.0,9.0/abc,9.0/
az21	sed:2s/10.0,9.0/10.0,1e999/
az21	sed:2s/10.0,9.0/,9.0/
az21	sed:3s/11.5,0.5/11.5,/
az21	sed:1s/,duration$//
az21	sed:2s/10.0,9.0/10.0,9.0,,/
az21	line:a3,f4,-5.0,1.0
az21	line:a3,f4,1e400,1.0
az21	sed:2s/10.0,9.0/10.0,9.0e/
az21	sed:2s/10.0,9.0/+-10.0,9.0/
az21	sed:2s/10.0,9.0/10.0.0,9.0/
az21	sed:2s/10.0,9.0/1_0,9.0/
az21	sed:2s/10.0,9.0/10.0,0b1/
az21	sed:2s/10.0,9.0/10.0,Infinity/
spec	sed:s/"process": "diurnal"/"process": "chaos"/
spec	sed:s/"mean_rate_per_s": 0.06/"mean_rate_per_s": -0.06/
spec	sed:s/"peak_hour": 20/"peak_hour": 25/
spec	sed:s/"peak_to_trough": 5/"peak_to_trough": 0.5/
spec	sed:s/"upload": 0.12/"upload": -0.12/
spec	sed:s/"duration_s": 3600/"duration_s": -1/
spec	sed:s/"sigma": 0.35/"sigma": -0.35/
spec	sed:s/"size": "lognormal"/"size": "huge"/
spec	sed:s/"seed": 1/"seed": 9223372036854775808/
spec	sed:s/"initial": 2000/"initial": -1/
profile	sed:s/"cpu_ms_per_megapixel": 490.9/"cpu_ms_per_megapixel": -490.9/
profile	sed:s/"parallel_fraction": 0.99/"parallel_fraction": 1.5/
profile	sed:s/"threads": 2/"threads": 0/
profile	sed:s/"cpu_ms_per_megapixel": 45.8, //
profile	sed:s/"runtime": "python3.13"\}$/"runtime": 3}/
profile	sed:s/"io_ms": 40.0/"io_ms": -40/
profile	sed:s/"megapixels": 1.0, "runtime": "python3.13"\}$/"megapixels": 0, "runtime": "python3.13"}/
profile	sed:s/"kernels": \{/"kernels": [/
catalog	sed:s/"region": "us-east-1"/"region": 1/
catalog	sed:0,/"usd": 0.0000002/s//"usd": -0.0000002/
catalog	sed:0,/"unit": "request"/s//"unit": 5/
catalog	sed:0,/"upto": 6000000000/s//"upto": -1/
catalog	sed:s/"rates": \{/"rates": [/
jpg	half
jpg	chop1
jpg	empty
jpg	nul
jpg	garbage
jpg	head:2
jpg	head:20
jpg	head:200
jpg	head:600
jpg	magic
jpg	gif
jpg	text
jpg	flip:2:64
jpg	flip:20:40
jpg	sof_width0
jpg	sof_height0
jpg	sof_huge
jpg	sof_comps
jpg	no_sos
jpg	bmp
jpg	png_sig_only
jpg	zeros
jpg	ff_run
jpg	big_payload
png	half
png	chop1
png	empty
png	garbage
png	head:8
png	head:16
png	head:33
png	head:60
png	magic
png	ihdr_width0
png	ihdr_height0
png	ihdr_huge
png	ihdr_depth
png	ihdr_color
png	ihdr_crc
png	ihdr_wide
png	ihdr_interlace
png	head:100
png	head:1000
png	flip:40:30
png	flip:8:8
jpg	head:1000
jpg	flip:150:30
png	idat_flip
png	no_iend
png	text
png	zeros
png	gif
png	jpeg_sig_only
png	big_payload
T
)

# Image mutations, by byte surgery on the base.
put_bytes() {  # file offset octal-escaped-bytes
    printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
# Offset of the JPEG SOF0 marker (ff c0) in the base.
sof_offset() {
    od -An -tx1 -v "$1" | tr -s ' \n' '\n\n' | grep -v '^$' |
        awk 'p == "ff" && $0 == "c0" { print NR - 2; exit } { p = $0 }'
}
# Recompute the IHDR chunk's CRC (bytes 12..28: type and data) so a bad
# field reaches the decoder's own checks instead of failing the CRC: gzip's
# trailer holds the same CRC-32 (ISO 3309), little-endian.
png_fix_ihdr_crc() {
    hex=$(dd if="$1" bs=1 skip=12 count=17 2>/dev/null | gzip -c | tail -c 8 | head -c 4 |
          od -An -tx1 | tr -d ' \n')
    esc=""
    for byte in $(echo "$hex" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4 \3 \2 \1/'); do
        esc="$esc\\$(printf '%o' "0x$byte")"
    done
    put_bytes "$1" 29 "$esc"
}
mutate_image() {  # FMT NAME BASE OUT
    fmt=$1; m=$2; b=$3; o=$4
    case $m in
    head:*) head -c "${m#head:}" "$b" >"$o" ;;
    magic) cp "$b" "$o"; put_bytes "$o" 0 '\001\002\003' ;;
    gif) { printf 'GIF89a'; tail -c +7 "$b"; } >"$o" ;;
    bmp) { printf 'BM'; tail -c +3 "$b"; } >"$o" ;;
    text) printf 'this is not an image\n' >"$o" ;;
    zeros) head -c 4096 /dev/zero >"$o" ;;
    ff_run) { printf '\377\330'; head -c 3000 /dev/zero | tr '\0' '\377'; } >"$o" ;;
    png_sig_only) printf '\211PNG\r\n\032\n' >"$o" ;;
    jpeg_sig_only) printf '\377\330\377' >"$o" ;;
    flip:*) cp "$b" "$o"; off=${m#flip:}; cnt=${off#*:}; off=${off%%:*}
            head -c "$cnt" /dev/zero | tr '\0' 'Z' | dd of="$o" bs=1 seek="$off" conv=notrunc 2>/dev/null ;;
    sof_width0|sof_height0|sof_huge|sof_comps)
        cp "$b" "$o"; s=$(sof_offset "$b")
        # SOF0: ff c0, length(2), precision(1), height(2), width(2), components(1)
        case $m in
        sof_height0) put_bytes "$o" $((s + 5)) '\000\000' ;;
        sof_width0) put_bytes "$o" $((s + 7)) '\000\000' ;;
        sof_huge) put_bytes "$o" $((s + 5)) '\377\377\377\377' ;;
        sof_comps) put_bytes "$o" $((s + 9)) '\007' ;;
        esac ;;
    no_sos) s=$(sof_offset "$b"); head -c $((s + 19)) "$b" >"$o"; printf '\377\331' >>"$o" ;;
    # PNG IHDR: signature(8) length(4) "IHDR"(4) width(4) height(4) depth(1) colour(1) ...
    ihdr_width0) cp "$b" "$o"; put_bytes "$o" 16 '\000\000\000\000'; png_fix_ihdr_crc "$o" ;;
    ihdr_height0) cp "$b" "$o"; put_bytes "$o" 20 '\000\000\000\000'; png_fix_ihdr_crc "$o" ;;
    ihdr_huge) cp "$b" "$o"; put_bytes "$o" 16 '\000\001\000\000\000\001\000\000'
               png_fix_ihdr_crc "$o" ;;
    ihdr_wide) cp "$b" "$o"; put_bytes "$o" 16 '\000\100\000\000'; png_fix_ihdr_crc "$o" ;;
    ihdr_depth) cp "$b" "$o"; put_bytes "$o" 24 '\003'; png_fix_ihdr_crc "$o" ;;
    ihdr_color) cp "$b" "$o"; put_bytes "$o" 25 '\007'; png_fix_ihdr_crc "$o" ;;
    ihdr_interlace) cp "$b" "$o"; put_bytes "$o" 28 '\005'; png_fix_ihdr_crc "$o" ;;
    ihdr_crc) cp "$b" "$o"; put_bytes "$o" 29 '\000\000\000\000' ;;
    idat_flip) cp "$b" "$o"; head -c 64 /dev/zero | tr '\0' 'Z' |
               dd of="$o" bs=1 seek=$(($(wc -c <"$b") / 2)) conv=notrunc 2>/dev/null ;;
    no_iend) head -c $(($(wc -c <"$b") - 12)) "$b" >"$o" ;;
    big_payload) { cat "$b"; head -c 6400000 /dev/zero; } >"$o" ;;
    *) mutate "$fmt" "$m" "$b" >"$o" ;;
    esac
}

# ---- sanity: every base is valid ---------------------------------------------
for fmt in config gallery tfplan usage asl input mocks trace az19 az19d az19m az21 spec profile catalog jpg png; do
    w=$TMPD/sane_$fmt; mkdir -p "$w"
    if (cd "$w" && run_fmt $fmt "$(base_of $fmt)") >"$TMPD/out" 2>"$TMPD/err"; then ok; else
        bad "base $fmt is not valid"; sed 's/^/    stderr: /' "$TMPD/err" | head -3
    fi
    rm -rf "$w"
done

# ---- the cases -----------------------------------------------------------------
dup_for() {
    case $1 in
    config|gallery) echo '"duration_s": 60,' ;;
    tfplan) echo '"format_version": "1.2",' ;;
    usage) echo '"region": "us-east-1",' ;;
    asl) echo '"StartAt": "Check",' ;;
    spec) echo '"duration_s": 60,' ;;
    input) echo '"bucket": "c",' ;;
    mocks) echo '"x": { "result": 1 }, "x": { "result": 2 },' ;;
    profile) echo '"units": {},' ;;
    catalog) echo '"region": "us-east-1",' ;;
    esac
}
# Cases whose file is not derived from a base: a folder, a missing file.
for fmt in config gallery tfplan usage asl trace az19 az21 spec profile catalog jpg png; do
    mkdir -p "$TMPD/dir_$fmt.in"
    check_case $fmt directory "$TMPD/dir_$fmt.in"
    check_case $fmt missing "$TMPD/no_such_$fmt.in"
done
c=0
for fmt in config gallery tfplan usage asl spec profile catalog; do
    DUP=$(dup_for $fmt)
    for m in $JSON_GENERIC; do
        # Terraform's JSON output may gain keys (HashiCorp, "JSON Output
        # Format": consumers ignore unknown properties).
        [ "$fmt/$m" = tfplan/unknown_key ] && continue
        c=$((c + 1)); f=$TMPD/c$c.$fmt.json
        mutate $fmt $m "$(base_of $fmt)" >"$f"
        check_case $fmt $m "$f"
    done
done
for fmt in trace az19 az21; do
    for m in $CSV_GENERIC; do
        c=$((c + 1)); f=$TMPD/c$c.$fmt.csv
        mutate $fmt $m "$(base_of $fmt)" >"$f"
        check_case $fmt $m "$f"
    done
done
TAB=$(printf '\t')
printf '%s\n' "$SPECIFIC" >"$TMPD/table"   # echo would read backslashes
while IFS="$TAB" read -r fmt m; do
    [ -n "$fmt" ] || continue
    c=$((c + 1))
    case $fmt in
    jpg|png) f=$TMPD/s$c.$fmt; mutate_image $fmt "$m" "$(base_of $fmt)" "$f" ;;
    trace|az19*|az21) f=$TMPD/s$c.$fmt.csv; DUP=; mutate $fmt "$m" "$(base_of $fmt)" >"$f" ;;
    *) f=$TMPD/s$c.$fmt.json; DUP=$(dup_for $fmt); mutate $fmt "$m" "$(base_of $fmt)" >"$f" ;;
    esac
    if cmp -s "$f" "$(base_of $fmt)"; then bad "$fmt/$m: the mutation changed nothing"; continue; fi
    check_case $fmt "$m" "$f"
done <"$TMPD/table"
# At least 30 cases for every format.
for g in config gallery tfplan usage asl trace az19 az21 spec profile catalog image; do
    n=$(grep -cx "$g" "$TMPD/groups")
    if [ "$n" -ge 30 ]; then ok; else bad "only $n bad-input cases for $g (want 30)"; fi
    [ -n "$BADINPUT_SHOW" ] && echo "cases $g: $n"
done
echo "badinput: $n_case malformed inputs"
report badinput
