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
# t RANKS: "wall cpu" seconds of one sweep on RANKS ranks x 1 thread (cpu:
# user + system of every rank, from the shell's `times` of its children).
# --bind-to none: on a shared machine a rank pinned to a busy core could not
# move to the idle one.
t() {
    rm -rf "$d/o$1"
    s=$(date +%s.%N)
    mpirun --oversubscribe --bind-to none -np "$1" "$LAMBDASIM" sweep --config "$d/sw.json" \
        --grid functions.f.keep_alive_s=60,300,600,1200 --replications 4 --threads 1 \
        --out "$d/o$1" >/dev/null || exit 1
    e=$(date +%s.%N)
    times > "$d/times"   # not in a pipe: a subshell has no children
    c=$(tail -1 "$d/times" | awk '{ split($1, u, "m"); split($2, y, "m"); print 60 * u[1] + u[2] + 60 * y[1] + y[2] }')
    awk -v a="$s" -v b="$e" -v c="$c" 'BEGIN { printf "%.4f %.3f", b - a, c }'
}
# best "W C" W2 C2: the pair with the lower wall time.
best() { awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); print (a == "" || y[1] < x[1]) ? b : a }'; }
r1=; r2=
for k in 1 2 3; do   # side by side: 1 rank, 2 ranks, 1 rank, ...
    r1=$(best "$r1" "$(t 1)")
    r2=$(best "$r2" "$(t 2)")
done
cmp -s "$d/o1/sweep.csv" "$d/o2/sweep.csv" || { echo "bench_sweep_mpi: outputs differ" >&2; exit 1; }
set -- $r1 $r2
echo "sweep_mpi: best of 3 by wall time, 1 rank $1 s (CPU $2 s), 2 ranks $3 s (CPU $4 s), 1 thread each; 16 tasks; load $(cut -d' ' -f1-3 /proc/loadavg) on a shared $(nproc)-core machine" >&2
awk -v a="$1" -v b="$3" 'BEGIN { printf "BENCH sweep_mpi_efficiency_2r %.3f x\n", a / (2 * b) }'
rm -rf "$d"
