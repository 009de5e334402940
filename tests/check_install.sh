# check_install.sh - the installed tool works from any folder (issue 14).
#
# `make install` into a fresh temporary prefix (no DESTDIR, so the data
# folder compiled into the binary is the real one), then, from /, with
# LAMBDASIM_DATA unset: the demo (--out and its default ./lambdasim-demo/),
# a bundled config, `size --kernel`, every other command on installed files,
# the man page through MANPATH and the bash completion; then `make uninstall` leaves no file behind, and a DESTDIR
# install stages everything under DESTDIR.  Each failure names its step.
# Run by `make check-install` and, as one suite, by `make test`.  The tree's
# objects are copied (timestamps kept), so only the object that embeds the
# data folder is recompiled.
. tests/lib.sh
unset MAKEFLAGS MAKELEVEL MFLAGS LAMBDASIM_DATA
BUILD=${BUILD:-build}
P=$TMPD/prefix
B=$TMPD/build
L=$P/bin/lambdasim
DATA=$P/share/lambdasim

# step RC DESC -- cmd...: run cmd from /, output in $TMPD/out and $TMPD/err.
step() {
    want=$1; desc=$2; shift 3
    (cd / && "$@") >"$TMPD/out" 2>"$TMPD/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else
        bad "$desc: exit $got, want $want (from /: $*)"; sed 's/^/    stderr: /' "$TMPD/err" | head -5
    fi
    return $(( got != want ))
}

mkdir -p "$B"
[ -d "$BUILD/obj" ] && cp -pR "$BUILD/obj" "$B/"
if make -s BUILD="$B" PREFIX="$P" install >"$TMPD/make.log" 2>&1; then ok; else
    bad "make install PREFIX=$P failed"; tail -20 "$TMPD/make.log"
    report check_install; exit 1
fi
for f in bin/lambdasim share/lambdasim/prices/us-east-1.json share/lambdasim/traces/gallery_day.csv \
         share/lambdasim/statemachines/image_pipeline.asl.json share/lambdasim/profiles/default.json \
         share/man/man1/lambdasim.1 share/bash-completion/completions/lambdasim \
         share/doc/lambdasim/README.md; do
    [ -s "$P/$f" ] && ok || bad "make install: $P/$f missing"
done
[ -x "$L" ] && ok || bad "make install: $L is not executable"
cmp -s "$P/share/lambdasim/prices/us-east-1.json" data/prices/us-east-1.json && ok ||
    bad "make install: the installed catalogue differs from data/"

# The demo (two simulated hours: quicker), from /, into --out, then into
# its default folder.
if step 0 "demo --out" -- "$L" demo --out "$TMPD/d" --hours 2; then
    for f in report.html summary.json timeseries_entries.csv; do
        [ -s "$TMPD/d/$f" ] && ok || bad "demo --out: $f not written"
    done
    expect_grep "^report: $TMPD/d/report.html$" "$TMPD/out" "demo names its report"
fi
mkdir -p "$TMPD/cwd"
(cd "$TMPD/cwd" && "$L" demo --hours 1 >"$TMPD/out" 2>"$TMPD/err") && ok || bad "demo without --out failed"
[ -s "$TMPD/cwd/lambdasim-demo/report.html" ] && ok || bad "demo: no ./lambdasim-demo/report.html"

# A bundled config, by its installed path.
C=$DATA/architectures/pipeline_solution2_stepfunctions.json
(cd / && "$L" run --config "$C" --format json) >"$TMPD/out" 2>"$TMPD/err"
rc=$?
if [ "$rc" -eq 0 ]; then
    ok
    expect_grep '"transitions"' "$TMPD/out" "bundled config: Step Functions results"
else
    bad "run --config $C from /: exit $rc"; sed 's/^/    stderr: /' "$TMPD/err" | head -5
fi

# size --kernel finds its profile and INIT table in the installed data.
if step 0 "size --kernel resize" -- "$L" size --kernel resize; then
    expect_grep '^recommended: [0-9]* MB' "$TMPD/out" "size --kernel resize recommends a size"
fi

# Every other command, from /, on installed files.
A=$DATA/architectures
step 0 "cost" -- "$L" cost --usage "$DATA/usage/photo-gallery.json"
step 0 "compare" -- "$L" compare --config "$A/pow_function_url.json" --config "$A/pow_apigw.json"
step 0 "sweep" -- "$L" sweep --config "$A/pow_function_url.json" --grid functions.pow.memory_mb=128,256 \
    --replications 1 --out "$TMPD/sweep"
step 0 "size --oracle" -- "$L" size --oracle "$DATA/sizing/sebs_411_warm_oracle.csv"
step 0 "trace stats" -- "$L" trace stats "$DATA/traces/gallery_day.csv"
step 0 "kernel resize" -- "$L" kernel resize --in "$DATA/images/rocket.jpg" --out "$TMPD/thumb.jpg"
step 0 "kernel detect" -- "$L" kernel detect --in "$DATA/images/astronaut.png"
mkdir -p "$TMPD/img" && cp "$DATA/images/rocket.jpg" "$TMPD/img/"
step 0 "profile" -- "$L" profile --images "$TMPD/img" --kernels resize --threads 1 --repeat 1 \
    --out "$TMPD/profile.json"
step 0 "stepfn run" -- "$L" stepfn run --definition "$DATA/statemachines/image_pipeline.asl.json"

# The man page: found through MANPATH, rendered, every command in it.
if command -v man >/dev/null 2>&1; then
    step 0 "man lambdasim (MANPATH=$P/share/man)" -- env MANPATH="$P/share/man" MANPAGER=cat PAGER=cat \
        MANWIDTH=100 man lambdasim
    expect_grep "lambdasim sweep" "$TMPD/out" "man lambdasim lists the commands"
    expect_grep "LAMBDASIM_DATA" "$TMPD/out" "man lambdasim has the environment"
    expect_grep "$DATA" "$TMPD/out" "man lambdasim names the installed data folder"
else
    skip "man lambdasim: man is not installed (the page itself is checked by test_docs)"
fi

# The completion, sourced from its installed place.
if command -v bash >/dev/null 2>&1; then
    got=$(cd / && PATH="$P/bin:$PATH" bash -c '. "$1"; COMP_WORDS=(lambdasim ru); COMP_CWORD=1
              _lambdasim; echo "${COMPREPLY[*]}"' sh "$P/share/bash-completion/completions/lambdasim")
    [ "$got" = "run" ] && ok || bad "bash completion of 'lambdasim ru' gave '$got', want 'run'"
else
    skip "bash completion: bash is not installed"
fi

# Uninstall removes every file install put there.
make -s BUILD="$B" PREFIX="$P" uninstall >"$TMPD/make.log" 2>&1 && ok || bad "make uninstall failed"
left=$(find "$P" -type f | head -5)
[ -z "$left" ] && ok || bad "make uninstall left files: $left"

# DESTDIR stages under DESTDIR + PREFIX and nowhere else.
opt_before=$([ -e /opt/lambdasim ] && echo yes)
make -s BUILD="$B" PREFIX=/opt/lambdasim DESTDIR="$TMPD/stage" install >"$TMPD/make.log" 2>&1 && ok ||
    { bad "make install DESTDIR=... failed"; tail -5 "$TMPD/make.log"; }
[ -x "$TMPD/stage/opt/lambdasim/bin/lambdasim" ] && ok || bad "DESTDIR install: no staged binary"
[ -s "$TMPD/stage/opt/lambdasim/share/man/man1/lambdasim.1" ] && ok || bad "DESTDIR install: no staged man page"
grep -q '/opt/lambdasim/share/lambdasim' "$TMPD/stage/opt/lambdasim/share/man/man1/lambdasim.1" && ok ||
    bad "DESTDIR install: the man page does not name the final data folder"
if [ -z "$opt_before" ] && [ -e /opt/lambdasim ]; then bad "DESTDIR install wrote /opt/lambdasim"; else ok; fi
make -s BUILD="$B" PREFIX=/opt/lambdasim DESTDIR="$TMPD/stage" uninstall >/dev/null 2>&1
left=$(find "$TMPD/stage" -type f | head -5)
[ -z "$left" ] && ok || bad "make uninstall DESTDIR=... left files: $left"

report check_install
