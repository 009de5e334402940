# test_sweep_cluster.sh - sweeps beyond one process: MPI ranks (mpirun),
# shards merged, a sweep killed halfway and resumed, a rank killed.  Every
# way must give the byte-identical outputs of a one-process --threads 1 run.
. tests/lib.sh
GRID="--grid functions.f.keep_alive_s=60,600 --grid functions.f.memory_mb=128,512 --replications 4"
cat > "$TMPD/sw.json" <<'J'
{ "duration_s": 20000, "workload": { "arrivals": { "process": "poisson", "rate_per_s": 0.9 } },
  "entry": { "type": "direct" },
  "functions": { "f": { "keep_alive_s": 600, "service_time": {
      "warm": { "dist": "exponential", "mean_ms": 1991 }, "cold": { "dist": "exponential", "mean_ms": 2244 } } } } }
J
# Longer tasks (about 0.1 s each) for the runs killed halfway.
sed 's/"duration_s": 20000/"duration_s": 300000/' "$TMPD/sw.json" > "$TMPD/long.json"
LONG="--grid functions.f.keep_alive_s=60,300,600,1200 --replications 4"

# same_outputs REF DIR DESC: every output but run_info.json byte-identical.
same_outputs() {
    for f in sweep.csv sweep.json report.html report.md; do
        cmp -s "$1/$f" "$2/$f" && ok || bad "$3: $f differs from the one-process run"
    done
    n=0
    for c in "$1"/charts/*.svg; do
        n=$((n + 1))
        cmp -s "$c" "$2/charts/$(basename "$c")" && ok || bad "$3: chart $(basename "$c") differs"
    done
    [ "$n" -ge 3 ] && ok || bad "$3: only $n charts in the reference"
}

# json_int FILE KEY: an integer field of run_info.json.
json_int() { sed -n "s/^ *\"$2\": \([0-9]*\),*$/\1/p" "$1"; }

# The reference: one process, one thread.
expect_exit 0 "reference sweep" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" $GRID --threads 1 --out "$TMPD/ref"
[ "$(json_int "$TMPD/ref/run_info.json" tasks)" = 16 ] && ok || bad "run_info.json: 16 tasks"
[ "$(json_int "$TMPD/ref/run_info.json" ranks)" = 1 ] && ok || bad "run_info.json: 1 rank"
[ ! -e "$TMPD/.ref.partial" ] && ok || bad "staging folder gone after the run"

# ---- shards: 4 slices, merged, whatever the order and thread counts ----------
for i in 0 1 2 3; do
    expect_exit 0 "shard $i/4" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" $GRID --threads $((i % 2 + 1)) \
        --shard "$i/4" --out "$TMPD/sh/shard-$i"
done
[ ! -e "$TMPD/sh/shard-0/sweep.csv" ] && ok || bad "a shard writes no sweep.csv"
expect_exit 0 "merge 4 shards" -- "$LAMBDASIM" sweep merge "$TMPD/sh/shard-3" "$TMPD/sh/shard-1" \
    "$TMPD/sh/shard-0" "$TMPD/sh/shard-2" --out "$TMPD/sh"
same_outputs "$TMPD/ref" "$TMPD/sh" "4 shards merged"
[ -d "$TMPD/sh/shard-2/tasks" ] && ok || bad "merge into the shards' parent keeps the shards"
[ "$(json_int "$TMPD/sh/run_info.json" shards)" = 4 ] && ok || bad "merge run_info.json: 4 shards"
# Refusals, each naming the problem and writing nothing.
expect_exit 2 "merge with shards missing" -- "$LAMBDASIM" sweep merge "$TMPD/sh/shard-0" "$TMPD/sh/shard-2" --out "$TMPD/m1"
expect_grep "missing 2 of 4 shards: 1/4, 3/4" "$TMPD/err" "missing shards named"
expect_exit 2 "merge with a shard twice" -- "$LAMBDASIM" sweep merge "$TMPD/sh/shard-0" "$TMPD/sh/shard-0" \
    "$TMPD/sh/shard-1" "$TMPD/sh/shard-2" --out "$TMPD/m1"
expect_grep "is shard 0/4, and so is" "$TMPD/err" "duplicate shard named"
expect_exit 0 "shard of another sweep" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" $GRID --seed 9 \
    --shard 1/4 --out "$TMPD/other/shard-1"
expect_exit 2 "merge shards of two sweeps" -- "$LAMBDASIM" sweep merge "$TMPD/sh/shard-0" "$TMPD/other/shard-1" \
    "$TMPD/sh/shard-2" "$TMPD/sh/shard-3" --out "$TMPD/m1"
expect_grep "other/shard-1: is from another sweep" "$TMPD/err" "foreign shard named"
cp -r "$TMPD/sh/shard-1" "$TMPD/cut-1"
rm "$(ls "$TMPD"/cut-1/tasks/*.txt | head -1)"
expect_exit 2 "merge a shard missing a task" -- "$LAMBDASIM" sweep merge "$TMPD/sh/shard-0" "$TMPD/cut-1" \
    "$TMPD/sh/shard-2" "$TMPD/sh/shard-3" --out "$TMPD/m1"
expect_grep "cut-1: shard 1/4 has no result for task" "$TMPD/err" "unfinished shard named"
expect_exit 2 "merge a folder that is no shard" -- "$LAMBDASIM" sweep merge "$TMPD/ref" --out "$TMPD/m1"
expect_grep "not a sweep store or shard" "$TMPD/err" "non-shard named"
[ ! -e "$TMPD/m1" ] && ok || bad "no output after a refused merge"

# ---- resume: kill -9 halfway, the rerun computes only what is missing --------
expect_exit 0 "long reference" -- "$LAMBDASIM" sweep --config "$TMPD/long.json" $LONG --threads 1 --out "$TMPD/lref"
"$LAMBDASIM" sweep --config "$TMPD/long.json" $LONG --threads 1 --out "$TMPD/r" >/dev/null 2>&1 &
pid=$!
k=0
while [ "$(ls "$TMPD/.r.partial/tasks" 2>/dev/null | grep -c '^[0-9]*\.txt$')" -lt 3 ] && [ $k -lt 3000 ]; do
    sleep 0.01; k=$((k + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
done_before=$(ls "$TMPD/.r.partial/tasks" | grep -c '^[0-9]*\.txt$')
[ "$done_before" -ge 3 ] && [ "$done_before" -lt 16 ] && ok || bad "killed halfway ($done_before of 16 tasks stored)"
[ ! -e "$TMPD/r" ] && ok || bad "a killed sweep writes no output"
expect_exit 2 "rerun without --resume" -- "$LAMBDASIM" sweep --config "$TMPD/long.json" $LONG --threads 1 --out "$TMPD/r"
expect_grep "pass --resume" "$TMPD/err" "interrupted sweep found, --resume suggested"
: > "$TMPD/.r.partial/tasks/15.txt.tmp.99999"   # what a writer killed mid-file leaves
expect_exit 0 "resume" -- "$LAMBDASIM" sweep --config "$TMPD/long.json" $LONG --threads 2 --out "$TMPD/r" --resume
same_outputs "$TMPD/lref" "$TMPD/r" "killed and resumed"
[ "$(json_int "$TMPD/r/run_info.json" tasks_resumed)" = "$done_before" ] && ok || bad "resume reused the $done_before stored tasks"
[ "$(json_int "$TMPD/r/run_info.json" tasks_run)" = $((16 - done_before)) ] && ok || bad "resume ran only the missing tasks"
[ ! -e "$TMPD/.r.partial" ] && ok || bad "staging folder gone after the resume"
# SIGTERM (a batch system's time limit): exit 143, the temporaries removed,
# the finished tasks kept in .DIR.partial for --resume, no output folder.
"$LAMBDASIM" sweep --config "$TMPD/long.json" $LONG --threads 1 --out "$TMPD/rt" >/dev/null 2>"$TMPD/err" &
pid=$!
k=0
while [ "$(ls "$TMPD/.rt.partial/tasks" 2>/dev/null | grep -c '^[0-9]*\.txt$')" -lt 3 ] && [ $k -lt 3000 ]; do
    sleep 0.01; k=$((k + 1))
done
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
[ "$rc" -eq 143 ] && ok || bad "sweep SIGTERM: exit $rc, want 143"
expect_grep "interrupted by SIGTERM; temporary outputs removed" "$TMPD/err" "sweep SIGTERM message"
done_term=$(ls "$TMPD/.rt.partial/tasks" | grep -c '^[0-9]*\.txt$')
[ "$done_term" -ge 3 ] && ok || bad "sweep SIGTERM: finished tasks kept ($done_term)"
left=$(find "$TMPD/.rt.partial" -name '*.tmp.*' | head -3)
[ -z "$left" ] && ok || bad "sweep SIGTERM left temporaries: $left"
[ ! -e "$TMPD/rt" ] && ok || bad "sweep SIGTERM wrote an output folder"
expect_exit 0 "resume after SIGTERM" -- "$LAMBDASIM" sweep --config "$TMPD/long.json" $LONG --threads 2 --out "$TMPD/rt" --resume
same_outputs "$TMPD/lref" "$TMPD/rt" "SIGTERM and resumed"
# A resume refuses another sweep's results, and runs a damaged task again.
mkdir -p "$TMPD/.r2.partial" && cp -r "$TMPD/sh/shard-1/." "$TMPD/.r2.partial/"
expect_exit 2 "resume another sweep" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" $GRID --out "$TMPD/r2" --resume
expect_grep "holds the results of shard 1/4 of sweep .*, not of this sweep" "$TMPD/err" "foreign staging refused"
cp -r "$TMPD/sh/shard-1" "$TMPD/sh1copy"
f=$(ls "$TMPD"/sh1copy/tasks/*.txt | head -1)
head -c 300 "$f" > "$f.cut" && mv "$f.cut" "$f"
cp "$f" "$TMPD/damaged.txt"
mv "$TMPD/sh1copy" "$TMPD/.s1.partial"
expect_exit 0 "resume with a damaged task file" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" $GRID \
    --shard 1/4 --out "$TMPD/s1" --resume
expect_grep "1 damaged task result removed, to run again (.*$(basename "$f"):[0-9]*: " "$TMPD/err" "damaged task file named"
cmp -s "$TMPD/s1/tasks/$(basename "$f")" "$TMPD/sh/shard-1/tasks/$(basename "$f")" && ok || bad "damaged task run again"
[ "$(json_int "$TMPD/s1/run_info.json" tasks_run)" = 1 ] && ok || bad "only the damaged task run again"
cp -r "$TMPD/sh/shard-1" "$TMPD/dmg-1" && cp "$TMPD/damaged.txt" "$TMPD/dmg-1/tasks/$(basename "$f")"
expect_exit 2 "merge a shard with a damaged task file" -- "$LAMBDASIM" sweep merge "$TMPD/sh/shard-0" \
    "$TMPD/dmg-1" "$TMPD/sh/shard-2" "$TMPD/sh/shard-3" --out "$TMPD/m1"
expect_grep "dmg-1/tasks/$(basename "$f"):[0-9]*: .*(a damaged task result)" "$TMPD/err" "merge names a damaged task file"
# The output folder is replaced as a whole; what else it holds is kept.
mkdir -p "$TMPD/keep" && echo mine > "$TMPD/keep/notes.txt" && echo old > "$TMPD/keep/sweep.csv"
expect_exit 0 "sweep into a folder with other files" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" $GRID --out "$TMPD/keep"
[ "$(cat "$TMPD/keep/notes.txt")" = mine ] && ok || bad "other files kept"
cmp -s "$TMPD/ref/sweep.csv" "$TMPD/keep/sweep.csv" && ok || bad "old output replaced"
: > "$TMPD/afile"
expect_exit 2 "--out names a file" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" $GRID --out "$TMPD/afile"
[ ! -e "$TMPD/.afile.partial" ] && ok || bad "nothing run or stored when --out is a file"
expect_exit 2 "--out ." -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" $GRID --out .
expect_exit 2 "bad --shard" -- "$LAMBDASIM" sweep --config "$TMPD/sw.json" $GRID --shard 4/4 --out "$TMPD/x"

# ---- MPI -------------------------------------------------------------------
# make test installs Open MPI (scripts/deps.sh) and builds the MPI variant;
# LAMBDASIM_MPI=0 (make test MPI=0) says the build has none on purpose.
if "$LAMBDASIM" sweep --help | grep -q '^MPI: not built in'; then
    if [ "${LAMBDASIM_MPI:-}" = 1 ]; then bad "LAMBDASIM_MPI=1 but $LAMBDASIM has no MPI"; fi
    echo "note: $LAMBDASIM was built without MPI: the mpirun checks are skipped"
    report sweep_cluster
    exit $?
fi
command -v mpirun >/dev/null && ok || bad "mpirun not found (sh scripts/deps.sh installs openmpi-bin)"
if [ "$(id -u)" -eq 0 ]; then   # Open MPI refuses root without both
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
if [ -n "${LAMBDASIM_SANITIZED:-}" ]; then
    # Open MPI's plugins have no frame pointers: with the fast unwinder the
    # stacks of its leaks stop in "<unknown module>" and escape the
    # suppressions in tests/lsan.supp.
    export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
fi
MPIRUN="mpirun --oversubscribe"
expect_exit 0 "mpirun -np 3" -- $MPIRUN -np 3 "$LAMBDASIM" sweep --config "$TMPD/sw.json" $GRID --threads 2 --out "$TMPD/m3"
same_outputs "$TMPD/ref" "$TMPD/m3" "mpirun -np 3 x 2 threads"
[ "$(json_int "$TMPD/m3/run_info.json" ranks)" = 3 ] && ok || bad "run_info.json: 3 ranks"
[ "$(json_int "$TMPD/m3/run_info.json" threads)" = 2 ] && ok || bad "run_info.json: 2 threads"
sum=$(sed -n '/"tasks_by_rank"/,/\]/p' "$TMPD/m3/run_info.json" | grep -o '^ *[0-9][0-9]*' | awk '{ s += $1; n++ } END { print n ":" s }')
[ "$sum" = "3:16" ] && ok || bad "tasks_by_rank: 3 ranks summing to 16 tasks (got $sum)"
expect_exit 0 "mpirun -np 2, 1 thread" -- $MPIRUN -np 2 "$LAMBDASIM" sweep --config "$TMPD/sw.json" $GRID --threads 1 --out "$TMPD/m2"
same_outputs "$TMPD/ref" "$TMPD/m2" "mpirun -np 2 x 1 thread"
expect_exit 0 "mpirun shard" -- $MPIRUN -np 2 "$LAMBDASIM" sweep --config "$TMPD/sw.json" $GRID --shard 1/4 --out "$TMPD/msh/shard-1"
for i in 0 2 3; do cp -r "$TMPD/sh/shard-$i" "$TMPD/msh/"; done
expect_exit 0 "merge with an MPI shard" -- "$LAMBDASIM" sweep merge "$TMPD"/msh/shard-* --out "$TMPD/msh"
same_outputs "$TMPD/ref" "$TMPD/msh" "MPI shard merged"
expect_exit 2 "bad option under mpirun" -- $MPIRUN -np 3 "$LAMBDASIM" sweep --config "$TMPD/sw.json" --bogus --out "$TMPD/mx"
n=$(grep -c "unknown option '--bogus'" "$TMPD/err")
[ "$n" -eq 1 ] && ok || bad "a usage error is reported once, not once per rank ($n)"
# A rank killed mid-run fails the run (no output); --resume finishes it.
$MPIRUN -np 3 "$LAMBDASIM" sweep --config "$TMPD/long.json" $LONG --threads 1 --out "$TMPD/mk" >/dev/null 2>"$TMPD/mk.err" &
mp=$!
k=0
while [ "$(ls "$TMPD/.mk.partial/tasks" 2>/dev/null | grep -c '^[0-9]*\.txt$')" -lt 2 ] && [ $k -lt 3000 ]; do
    sleep 0.01; k=$((k + 1))
done
killed=
for p in $(ps -o pid= --ppid $mp); do
    if tr '\0' '\n' < /proc/$p/environ 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1'; then
        kill -9 $p && killed=$p
    fi
done
wait $mp
rc=$?
[ -n "$killed" ] && ok || bad "found rank 1 to kill"
[ "$rc" -ne 0 ] && ok || bad "a dead rank fails the run (mpirun exit $rc)"
grep -q "rank 1" "$TMPD/mk.err" && ok || bad "mpirun names the dead rank"
[ ! -e "$TMPD/mk/sweep.csv" ] && ok || bad "no output after a dead rank"
expect_exit 0 "mpirun --resume" -- $MPIRUN -np 3 "$LAMBDASIM" sweep --config "$TMPD/long.json" $LONG --threads 1 --out "$TMPD/mk" --resume
same_outputs "$TMPD/lref" "$TMPD/mk" "rank killed, resumed on MPI"
report sweep_cluster
