#!/bin/sh
# aws2020_validate.sh - replay the eleven AWS Lambda runs of data/aws_lambda_2020
# through lambdasim and compare P(cold) and mean instances with the data
# (issue 22, README "How close to AWS").
#
# Usage: sh scripts/aws2020_validate.sh [--reps N] [--bench] [CONFIG.json...]
#   CONFIG  lifecycle variants to replay (default: data/architectures/aws2020/*.json;
#           a config this build rejects is reported and skipped)
#   --reps  replications (seeds 1..N) averaged per run and config (default 5)
#   --bench print only "BENCH aws2020_{cold,inst,inst_measured}_mape_pct_<config>
#           <value> pct"
#
# P(cold) is the data's: the share of invocations that were the first use of
# an environment (is_cold), whether it had waited for an INIT or had been
# pre-warmed; the simulator's is functions.f.first_use_probability (equal
# to cold_start_probability when nothing is pre-warmed).
#
# Per run: the trace is the run's arrivals (client send times) after a
# 600 s warm-up that repeats the experiment's own (deployment/01-fixed-rate-
# experiment.py: the rate ramped up over 10 minutes, rate * i/10 in minute i;
# arrivals placed deterministically where the expected count crosses k + 1/2),
# and the config's duration_s is 600 s + the run's span.  Statistics start
# after the warm-up (warmup_s 600), so the simulator, like AWS, starts the
# measured part with warm environments.  Service times come from the config
# (the measured client times; data/architectures/aws2020/README.md).
#
# Data side: P(cold) is is_cold over all invocations; mean instances is the
# time average of lives [first use, min(last use + 640 s, next cold start,
# end)] (tests/aws2020_analyze; models/lambda/mdl_lifecycle_data.h), an
# estimate: the data does not show when an idle environment died (the upper
# variant uses 1560 s).  MAPE is the mean over runs of |sim - data| / data.
#
# Instances are compared two ways: the simulator's own time average
# (avg_instances: every live environment, from its creation to its death),
# and "as measured": the same estimator applied to the simulated
# invocations (the --log's environment column turned into the data's
# compact form and read by aws2020_analyze), so both sides see
# environments only from their first use and guess their death alike.
#
# Needs build/lambdasim and build/tests/aws2020_analyze (make check-tests).
set -eu
BUILD=${BUILD:-build}
L=${LAMBDASIM:-$BUILD/lambdasim}
A=$BUILD/tests/aws2020_analyze
D=data/aws_lambda_2020
WARMUP=600
REPS=5
BENCH=0
while [ $# -gt 0 ]; do
    case $1 in
        --reps) REPS=$2; shift 2 ;;
        --bench) BENCH=1; shift ;;
        --*) echo "usage: aws2020_validate.sh [--reps N] [--bench] [CONFIG...]" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || set -- data/architectures/aws2020/*.json
for x in "$L" "$A"; do
    [ -x "$x" ] || { echo "aws2020_validate: $x missing (make check-tests)" >&2; exit 2; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/aws2020.XXXXXX")
trap 'rm -rf "$T"' EXIT

# The data: name requests cold P(cold) inst inst_hi span rate, one line per run.
"$A" --tsv "$D"/run-*.csv >"$T/data.tsv"

# One trace per run: the warm-up, then the arrivals shifted by it.
while IFS='	' read -r name n cold p inst hi span rate; do
    awk -F, -v rate="$rate" -v w="$WARMUP" -v name="$name" '
        BEGIN {
            print "timestamp_s,op,key,bytes,function"
            acc = 0.5
            for (i = 1; i <= 10; i++) {
                r = rate * i / 10; m = r * 60
                while (acc < m) { printf "%.3f,invoke,,0,f\n", (i - 1) * 60 + acc / r; acc += 1 }
                acc -= m
            }
        }
        NR > 1 { printf "%.3f,invoke,,0,f\n", $1 + w }
    ' "$D/$name.csv" >"$T/$name.trace.csv"
done <"$T/data.tsv"

# The simulated invocations of a --log (after the warm-up) in the data's
# compact form: environments renumbered by first use, cold = the first use
# of an environment, client time = INIT + Duration.
log_to_compact() {
    awk -F, -v w="$WARMUP" 'NR > 1 && $9 != "" { print $3 "," $4 "," $6 "," $10 }' "$1" \
        | sort -t, -k1,1g | awk -F, -v w="$WARMUP" '
        BEGIN { print "arrival_s,env,cold,start_ms,handler_ms,client_ms,aws_ms,uptime_s" }
        { first = !($4 in seen); seen[$4] = 1
          if ($1 < w) next
          if (!($4 in num)) num[$4] = n++
          printf "%.3f,%d,%d,0,%s,%.3f,%s,0\n", $1 - w, num[$4], first, $2, $2 + $3, $2 }'
}

# Replay one config: per run the mean over reps of P(cold), instances, and
# instances as measured (and their upper variant).
replay() {
    cfg=$1; out=$2
    : >"$out"
    while IFS='	' read -r name n cold p inst hi span rate; do
        dur=$(awk -v s="$span" -v w="$WARMUP" 'BEGIN { printf "%d", s + w + 1 }')
        sed "s/\"duration_s\": *[0-9.]*/\"duration_s\": $dur/" "$cfg" >"$T/cfg.json"
        r=1
        : >"$T/reps"
        while [ "$r" -le "$REPS" ]; do
            # f's first_use_probability and avg_instances (the first of each
            # key in the JSON: "functions" comes first and has only f).
            "$L" run --config "$T/cfg.json" --trace "$T/$name.trace.csv" --seed "$r" --format json \
                --log "$T/log.csv" | awk -F': *' '
                    /"first_use_probability":/ && p == "" { p = $2; sub(/,.*/, "", p) }
                    /"avg_instances":/ && i == "" { i = $2; sub(/,.*/, "", i) }
                    END { if (p != "" && i != "") printf "%s %s", p, i }' >>"$T/reps"
            log_to_compact "$T/log.csv" >"$T/$name.csv"
            "$A" --tsv "$T/$name.csv" | awk -F'\t' '{ printf " %s %s\n", $5, $6 }' >>"$T/reps"
            r=$((r + 1))
        done
        # Means of P(cold) (first uses per invocation), instances, as measured.
        awk -v n="$name" -v k="$REPS" 'NF == 4 { p += $1; i += $2; e += $3; h += $4; m++ }
            END { if (m != k) exit 1; printf "%s\t%.6f\t%.4f\t%.4f\t%.4f\n", n, p / m, i / m, e / m, h / m }' \
            "$T/reps" >>"$out" || { echo "aws2020_validate: $cfg: replay of $name failed" >&2; exit 1; }
    done <"$T/data.tsv"
}

# SimFaaS's published simulation of the five lowest rates (published.csv).
simfaas_vs() {
    awk -F'\t' -v pub="$D/simfaas_published.csv" '
        BEGIN { while ((getline l < pub) > 0) if (l !~ /^rate/) { split(l, f, ","); pr[++np] = f[1]; pp[np] = f[2]; pi[np] = f[3] } }
        { for (k = 1; k <= np; k++) if ($8 > pr[k] * 0.999 && $8 < pr[k] * 1.001) print $1, $4, $5, pp[k], pi[k] }
    ' "$T/data.tsv"
}

for cfg in "$@"; do
    base=$(basename "$cfg" .json)
    if ! "$L" run --config "$cfg" --format json >/dev/null 2>"$T/err"; then
        echo "# $base: not supported by this build: $(head -1 "$T/err")"
        continue
    fi
    replay "$cfg" "$T/$base.sim"
    join -t '	' "$T/data.tsv" "$T/$base.sim" >"$T/$base.both"
    if [ "$BENCH" -eq 1 ]; then
        awk -F'\t' -v b="$base" '
            function ape(x, y) { return (x > y ? x - y : y - x) / y }
            { c += ape($9, $4); i += ape($10, $5); e += ape($11, $5); n++ }
            END { printf "BENCH aws2020_cold_mape_pct_%s %.2f pct\n", b, 100 * c / n
                  printf "BENCH aws2020_inst_mape_pct_%s %.2f pct\n", b, 100 * i / n
                  printf "BENCH aws2020_inst_measured_mape_pct_%s %.2f pct\n", b, 100 * e / n }
        ' "$T/$base.both"
        continue
    fi
    echo "## $base ($REPS replications per run)"
    echo
    echo "| run | rate (req/s) | P(cold) AWS | P(cold) sim | error | instances AWS (upper) | instances sim | error | as measured (upper) | error |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    awk -F'\t' '
        function abs(x) { return x < 0 ? -x : x }
        { ec = 100 * ($9 - $4) / $4; ei = 100 * ($10 - $5) / $5; ee = 100 * ($11 - $5) / $5
          printf "| %s | %.5f | %.4f | %.4f | %+.1f%% | %.3f (%.3f) | %.3f | %+.1f%% | %.3f (%.3f) | %+.1f%% |\n", \
              $1, $8, $4, $9, ec, $5, $6, $10, ei, $11, $12, ee
          c += abs(ec); i += abs(ei); e += abs(ee)
          h += abs(100 * ($10 - $6) / $6); eh += abs(100 * ($12 - $6) / $6); n++ }
        END { printf "\nMAPE over %d runs: P(cold) %.1f%%, mean instances %.1f%% (%.1f%% against the upper estimate), as measured %.1f%% (upper against upper %.1f%%)\n\n", n, c / n, i / n, h / n, e / n, eh / n }
    ' "$T/$base.both"
done

[ "$BENCH" -eq 1 ] && exit 0
echo "## SimFaaS's published simulations of the five lowest rates, against the same data"
echo
echo "| run | P(cold) AWS | SimFaaS | error | instances AWS | SimFaaS | error |"
echo "|---|---|---|---|---|---|---|"
simfaas_vs | awk '
    { ec = 100 * ($4 - $2) / $2; ei = 100 * ($5 - $3) / $3
      printf "| %s | %.4f | %.3f | %+.1f%% | %.3f | %.3f | %+.1f%% |\n", $1, $2, $4, ec, $3, $5, ei
      c += ec < 0 ? -ec : ec; i += ei < 0 ? -ei : ei; n++ }
    END { if (n) printf "\nMAPE over these %d runs: P(cold) %.1f%%, mean instances %.1f%%\n", n, c / n, i / n }'
for cfg in "$@"; do
    base=$(basename "$cfg" .json)
    [ -f "$T/$base.both" ] || continue
    simfaas_vs | awk '{ print $1 }' | sort >"$T/five"
    join -t '	' "$T/five" "$T/$base.both" | awk -F'\t' -v b="$base" '
        function abs(x) { return x < 0 ? -x : x }
        { c += abs(($9 - $4) / $4); i += abs(($10 - $5) / $5); e += abs(($11 - $5) / $5); n++ }
        END { if (n) printf "%s on the same %d runs: P(cold) %.1f%%, mean instances %.1f%% (as measured %.1f%%)\n", b, n, 100 * c / n, 100 * i / n, 100 * e / n }'
done
