# bench_sweep_mpi.sh - parallel efficiency of `lambdasim sweep` on MPI ranks:
# T(1 rank x 1 thread) / (2 x T(2 ranks x 1 thread)), both under mpirun (so
# both pay its start-up), over 16 tasks of SimFaaS set A at 1e6 s.  The
# machine is shared: the two are timed side by side, alternating, best of 3
# each, and the wall-time ratio is what is reported (CPU time cannot show a
# speed-up from a second process).
LAMBDASIM=${LAMBDASIM:-build/lambdasim}
if "$LAMBDASIM" sweep --help | grep -q '^MPI: not built in' || ! command -v mpirun >/dev/null; then
    echo "bench_sweep_mpi: $LAMBDASIM has no MPI or mpirun is missing (sh scripts/deps.sh; make MPI=1)" >&2
    exit 1
fi
[ "$(id -u)" -eq 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
d=$(mktemp -d)
cat > "$d/sw.json" <<'J'
{ "duration_s": 1000000, "workload": { "arrivals": { "process": "poisson", "rate_per_s": 0.9 } },
  "entry": { "type": "direct" },
  "functions": { "f": { "keep_alive_s": 600, "service_time": {
      "warm": { "dist": "exponential", "mean_ms": 1991 }, "cold": { "dist": "exponential", "mean_ms": 2244 } } } } }
J
# t RANKS: wall seconds of one sweep on RANKS ranks x 1 thread.
t() {
    rm -rf "$d/o$1"
    s=$(date +%s.%N)
    mpirun --oversubscribe -np "$1" "$LAMBDASIM" sweep --config "$d/sw.json" \
        --grid functions.f.keep_alive_s=60,300,600,1200 --replications 4 --threads 1 \
        --out "$d/o$1" >/dev/null || exit 1
    e=$(date +%s.%N)
    awk -v a="$s" -v b="$e" 'BEGIN { printf "%.4f", b - a }'
}
min() { awk -v a="$1" -v c="$2" 'BEGIN { print (a == "" || c < a) ? c : a }'; }
t1=; t2=
for k in 1 2 3; do
    t1=$(min "$t1" "$(t 1)")
    t2=$(min "$t2" "$(t 2)")
done
cmp -s "$d/o1/sweep.csv" "$d/o2/sweep.csv" || { echo "bench_sweep_mpi: outputs differ" >&2; exit 1; }
echo "sweep_mpi: best of 3, 1 rank $t1 s, 2 ranks $t2 s (1 thread each; load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
awk -v a="$t1" -v b="$t2" 'BEGIN { printf "BENCH sweep_mpi_efficiency_2r %.3f x\n", a / (2 * b) }'
rm -rf "$d"
