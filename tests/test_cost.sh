# test_cost.sh - `lambdasim cost`: the README "Costing" contract, bad input, the chart.
. tests/lib.sh

U=$TMPD/usage.json
cat >"$U" <<'J'
{ "region": "us-east-1", "free_tier": "always_free",
  "lambda": [ { "name": "resize", "arch": "x86_64", "memory_mb": 512,
                "requests": 3000000, "avg_duration_ms": 1000 } ] }
J

expect_exit 0 "cost --help" -- "$LAMBDASIM" cost --help
expect_grep "lambdasim cost" "$TMPD/out" "help names the command"
expect_exit 2 "cost without --usage" -- "$LAMBDASIM" cost
expect_grep "usage" "$TMPD/err" "missing --usage explained"
expect_exit 2 "bad --format" -- "$LAMBDASIM" cost --usage "$U" --format xml
expect_grep "text or json" "$TMPD/err" "bad format named"

# Text: the Lambda Example 1 at the exact rate ($18.73, see test_pricing.c).
expect_exit 0 "text bill" -- "$LAMBDASIM" cost --usage "$U"
expect_grep "TOTAL (USD) .* 18.73$" "$TMPD/out" "text total"
expect_grep "1500000 GB-s - 400000 free tier GB-s = 1100000 GB-s" "$TMPD/out" "show calculations"
expect_grep "0.0000166667" "$TMPD/out" "rate shown"

# JSON: one document with the keys of README "Costing".
expect_exit 0 "json bill" -- "$LAMBDASIM" cost --usage "$U" --format json
expect_grep '"region": "us-east-1"' "$TMPD/out" "json region"
expect_grep '"total_usd": 18.73337' "$TMPD/out" "json total, unrounded"
expect_grep '"lambda": {' "$TMPD/out" "json services.lambda"
expect_grep '"item": "compute"' "$TMPD/out" "json line item"
expect_grep '"quantity": 1.1e+06' "$TMPD/out" "json line quantity"
expect_grep '"rate_usd": 1.66667e-05' "$TMPD/out" "json line rate"
expect_grep '"source": "aws-pricing.md' "$TMPD/out" "json line cites its source"
n=$(grep -c '^{' "$TMPD/out")
[ "$n" -eq 1 ] && ok || bad "json: $n documents on stdout"
if command -v python3 >/dev/null 2>&1; then
    python3 -m json.tool "$TMPD/out" >/dev/null 2>&1 && ok || bad "json output does not parse"
else
    skip "json output parsed by an independent parser: python3 not installed"
fi

# Legacy 100 ms billing shows in the bill.
sed 's/"free_tier": "always_free",/"free_tier": "none", "billing_granularity_ms": 100,/;
     s/"avg_duration_ms": 1000/"avg_duration_ms": 1001/' "$U" >"$TMPD/g100.json"
expect_exit 0 "100 ms billing" -- "$LAMBDASIM" cost --usage "$TMPD/g100.json" --format json
expect_grep '"billing_granularity_ms": 100' "$TMPD/out" "granularity recorded"
# 3M x 1.1 s x 0.5 GB: 1001 ms is billed as 1100 ms.
expect_grep '"quantity": 1.65e+06,' "$TMPD/out" "1001 ms billed as 1100 ms"

# ---- bad usage files: exit 2, file + line + field in the message ----
bad_usage() {  # NAME JSON PATTERN
    printf '%s\n' "$2" >"$TMPD/$1.json"
    expect_exit 2 "$1" -- "$LAMBDASIM" cost --usage "$TMPD/$1.json"
    expect_grep "^lambdasim: $TMPD/$1.json:$3" "$TMPD/err" "$1 message"
    expect_clean_stderr "$1"
}
bad_usage unknown_key '{"lambda": [ {"memory_mb": 128,
  "requets": 5} ]}' '2:lambda\[0\]\.requets: unknown key'
bad_usage negative '{"lambda": [ {"memory_mb": 128, "requests": -3} ]}' \
    '1:lambda\[0\]\.requests: must not be negative'
bad_usage region '{
  "region": "mars-1" }' "2:region: unknown region 'mars-1'"
bad_usage malformed '{"lambda": [ {"memory_mb": 128,
  ' '[0-9]*: malformed JSON'
bad_usage free_tier '{"free_tier": "sometimes"}' "1:free_tier: unknown value 'sometimes'"
# A region lacking a rate: the error is about the catalogue's field.
printf '%s\n' '{"region": "eu-central-1",
 "lambda": [ {"arch": "arm64", "memory_mb": 128, "requests": 5000000} ]}' >"$TMPD/partial.json"
expect_exit 2 "partial region" -- "$LAMBDASIM" cost --usage "$TMPD/partial.json"
expect_grep "eu-central-1.json:rates.lambda.requests: the eu-central-1 catalogue has no rate" \
    "$TMPD/err" "region lacking a rate names it"

# ---- bad catalogues (--catalog): exit 2, file + field ----
CAT=data/prices/us-east-1.json
bad_catalog() {  # NAME PATTERN  (catalogue already written to $TMPD/NAME.cat.json)
    expect_exit 2 "catalog $1" -- "$LAMBDASIM" cost --usage "$U" --catalog "$TMPD/$1.cat.json"
    expect_grep "^lambdasim: $TMPD/$1.cat.json:$2" "$TMPD/err" "catalog $1 message"
}
sed 's/"duration_x86_64": {/"duration_x86": {/' "$CAT" >"$TMPD/unknown.cat.json"
bad_catalog unknown "[0-9]*:rates.lambda.duration_x86: unknown key 'duration_x86'"
sed 's/"usd": 0.0000002, "confidence"/"usd": -0.0000002, "confidence"/' "$CAT" >"$TMPD/negative.cat.json"
bad_catalog negative "[0-9]*:rates.lambda.requests.usd: must not be negative"
sed 's/"unit": "GB-s", "usd": 0.0000000309/"unit": "GB-h", "usd": 0.0000000309/' "$CAT" >"$TMPD/unit.cat.json"
bad_catalog unit "[0-9]*:rates.lambda.ephemeral_storage.unit: unit 'GB-h' is not the expected 'GB-s'"
head -c 600 "$CAT" >"$TMPD/malformed.cat.json"
bad_catalog malformed "[0-9]*: malformed JSON"
# A catalogue missing a rate: drop Lambda's request price (two lines).
awk '/"requests": \{ "unit": "request", "usd": 0.0000002,/ { getline; next } { print }' \
    "$CAT" >"$TMPD/missing.cat.json"
bad_catalog missing "rates.lambda.requests: the us-east-1 catalogue has no rate 'rates.lambda.requests'"
expect_grep "never taken as zero" "$TMPD/err" "missing rate is never zero"
# A catalogue for another region than the usage file's.
expect_exit 2 "catalog region mismatch" -- "$LAMBDASIM" cost --usage "$U" \
    --catalog data/prices/eu-central-1.json
expect_grep "region: region 'us-east-1' does not match" "$TMPD/err" "region mismatch named"

# ---- the bundled examples ----
# The command-line specification's example usage file (data/usage/
# cli-example.json), verbatim without its comments: every service it
# names is billed (25.00005 + 0.6 + 1 + 3.5 + 14.6 + 0.4 + 10 + 0.1 + 0.125025
# + 0.23 + 0.5 + 0.4 + 0.40625 + 1 = 57.861325 USD).
expect_exit 0 "cli-example.json" -- "$LAMBDASIM" cost --usage data/usage/cli-example.json
expect_grep "TOTAL (USD) .* 57.86$" "$TMPD/out" "cli-example.json total"
expect_grep "rest cache: 0.5 GB .* 730 hour" "$TMPD/out" "REST cache hours"
expect_exit 0 "photo gallery" -- "$LAMBDASIM" cost --usage data/usage/photo-gallery.json \
    --format json
for svc in lambda function_url apigw sqs stepfunctions s3 dynamodb rekognition efs ec2 \
           data_transfer; do
    expect_grep "\"$svc\": {" "$TMPD/out" "photo gallery bills $svc"
done
# 600 KB HTTP API requests are 2 units each.
expect_grep '"quantity": 2e+06,' "$TMPD/out" "600 KB requests metered as 2"

# ---- the chart ----
expect_exit 0 "plot" -- "$LAMBDASIM" cost --plot-lambda-price "$TMPD/price.svg"
expect_grep "<svg" "$TMPD/price.svg" "svg written"
expect_grep "memory (MB)" "$TMPD/price.svg" "x axis label"
expect_grep "price per 100 ms" "$TMPD/price.svg" "y axis label"
expect_grep "arm64" "$TMPD/price.svg" "legend"
left=$(ls "$TMPD" | grep -c '\.tmp\.')
[ "$left" -eq 0 ] && ok || bad "temporary files left behind"
expect_exit 0 "plot with a bill" -- "$LAMBDASIM" cost --usage "$U" --plot-lambda-price \
    "$TMPD/p2.svg" --format json
expect_grep '"plot":' "$TMPD/out" "json names the plot"
expect_exit 2 "plot into a missing directory" -- "$LAMBDASIM" cost --plot-lambda-price \
    "$TMPD/no/such/dir/p.svg"
expect_grep "lambdasim: $TMPD/no/such/dir/p.svg: cannot write" "$TMPD/err" "plot failure reported"

report cost
