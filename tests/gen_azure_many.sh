#!/bin/sh
# gen_azure_many.sh N MINUTES OUTDIR [SAMPLE_DIR]
#
# An Azure Functions 2019 trace of N functions over MINUTES minutes (1..1440),
# cloned from the bundled 100-function sample (data/traces/azure2019/sampled/,
# real day-1 rows, "sampled" schema), for the many-functions benchmark
# (tests/bench_manyfn.sh, issue 19).  Writes OUTDIR/inv.csv, OUTDIR/run.csv and
# OUTDIR/mem.csv in the same schema as the sample.
#
# How the clones are made (deterministic: same arguments, same bytes):
#  - Function j (0-based) is clone k = j / 100 of sample row i = j % 100.
#  - Clone k renames every hash of its row (HashFunction, HashApp, HashOwner)
#    by replacing the first 6 hex digits with k in hex (%06x), so names stay
#    64-hex-digit hashes, distinct across clones, and an app's functions stay
#    in one (renamed) app: durations join by app/function, memory by app.
#  - Clone k of row i replays row i's day, rotated to start at one of its
#    active minutes: with a_0 < ... < a_(n-1) the minutes (0-based) where row
#    i has invocations, clone k's minute m (1..MINUTES) is the sample's minute
#    ((a_j + m - 1) mod 1440) + 1 with j = (k * 97) mod n.  So every clone is
#    invoked in its first minute (an hour of 10,000 functions has 10,000
#    active functions, not the half of them a random hour has), and the clones
#    of a row start at different points of its day.  Counts, duration
#    percentiles and memory figures are the sample's, unchanged.
# Cost: one pass of awk over the sample per output file; the files grow with
# N x MINUTES (10,000 functions x 60 minutes: ~2.6 MB of invocations).
set -eu
N=${1:?N functions}
M=${2:?MINUTES}
OUT=${3:?OUTDIR}
SRC=${4:-data/traces/azure2019/sampled}
case $N in ''|*[!0-9]*) echo "gen_azure_many: N must be a positive integer" >&2; exit 2;; esac
case $M in ''|*[!0-9]*) echo "gen_azure_many: MINUTES must be 1..1440" >&2; exit 2;; esac
[ "$N" -ge 1 ] || { echo "gen_azure_many: N must be >= 1" >&2; exit 2; }
[ "$M" -ge 1 ] && [ "$M" -le 1440 ] || { echo "gen_azure_many: MINUTES must be 1..1440" >&2; exit 2; }
for f in 100_inv.csv 100_run.csv 100_mem.csv; do
    [ -f "$SRC/$f" ] || { echo "gen_azure_many: $SRC/$f: no such file" >&2; exit 2; }
done
mkdir -p "$OUT"

# Invocations: header with MINUTES minute columns, then N rotated clones.
awk -F, -v N="$N" -v M="$M" '
function rn(h, k) { return sprintf("%06x", k) substr(h, 7) }
NR == 1 {
    if ($4 != "minute_1") { print "gen_azure_many: unexpected header in " FILENAME > "/dev/stderr"; exit 2 }
    printf "%s,%s,%s", $1, $2, $3
    for (m = 1; m <= M; m++) printf ",minute_%d", m
    printf "\n"
    next
}
{
    rows++
    for (c = 1; c <= NF; c++) v[rows, c] = $c
    na[rows] = 0
    for (c = 4; c <= NF; c++) if ($c + 0 > 0) act[rows, na[rows]++] = c - 4
}
END {
    if (rows == 0) exit 2
    for (j = 0; j < N; j++) {
        k = int(j / rows); i = j % rows + 1
        printf "%s,%s,%s", rn(v[i, 1], k), rn(v[i, 2], k), rn(v[i, 3], k)
        off = na[i] ? act[i, (k * 97) % na[i]] : 0
        for (m = 1; m <= M; m++) printf ",%s", v[i, 3 + (off + m - 1) % 1440 + 1]
        printf "\n"
    }
}' "$SRC/100_inv.csv" > "$OUT/inv.csv"

# Durations (per function) and memory (per app, key columns first): every
# clone that exists gets the sample's row under its new names.
clones=$(( (N + 99) / 100 ))
awk -F, -v OFS=, -v K="$clones" -v KEYS=3 '
function rn(h, k) { return sprintf("%06x", k) substr(h, 7) }
NR == 1 { print; next }
{ line[++rows] = $0 }
END {
    for (k = 0; k < K; k++)
        for (i = 1; i <= rows; i++) {
            n = split(line[i], f, ",")
            for (c = 1; c <= KEYS; c++) f[c] = rn(f[c], k)
            s = f[1]; for (c = 2; c <= n; c++) s = s "," f[c]
            print s
        }
}' "$SRC/100_run.csv" > "$OUT/run.csv"
awk -F, -v K="$clones" '
function rn(h, k) { return sprintf("%06x", k) substr(h, 7) }
NR == 1 { print; next }
{ line[++rows] = $0 }
END {
    for (k = 0; k < K; k++)
        for (i = 1; i <= rows; i++) {
            n = split(line[i], f, ",")
            f[1] = rn(f[1], k); f[2] = rn(f[2], k)
            s = f[1]; for (c = 2; c <= n; c++) s = s "," f[c]
            print s
        }
}' "$SRC/100_mem.csv" > "$OUT/mem.csv"
