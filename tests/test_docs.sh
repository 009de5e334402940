# test_docs.sh - the man page and the bash completion of the build tree.
#
# The man page ($BUILD/lambdasim.1, generated from every command's --help):
# roff without warnings, every command and every option of every command in
# the rendered page, the sections a man page owes its reader, every README
# section it points to exists, and every example in it runs.  The completion
# (doc/lambdasim.bash): commands, subcommands, options, and arguments by
# kind (files, folders, word lists), read from the binary's help texts.
. tests/lib.sh
L=$LAMBDASIM
MANPAGE=$BUILD/lambdasim.1
ROOT=$(pwd)

[ -s "$MANPAGE" ] && ok || { bad "$MANPAGE is missing (make builds it)"; report docs; exit 1; }

# ---- the man page ----------------------------------------------------------
if command -v groff >/dev/null 2>&1; then
    groff -man -ww -z "$MANPAGE" 2>"$TMPD/warn"
    [ ! -s "$TMPD/warn" ] && ok || { bad "groff warns about $MANPAGE"; head -5 "$TMPD/warn"; }
    # Plain UTF-8 text (no overstrikes); \- stays an ASCII hyphen.
    groff -man -Tutf8 -P-cbou "$MANPAGE" >"$TMPD/man.txt" 2>/dev/null
elif command -v man >/dev/null 2>&1; then
    LC_ALL=C.UTF-8 MANWIDTH=100 MANPAGER=cat man -l "$MANPAGE" 2>/dev/null |
        sed 's/.\x08//g' >"$TMPD/man.txt"
else
    skip "man page rendering: neither groff nor man is installed"
    : >"$TMPD/man.txt"
fi
if [ -s "$TMPD/man.txt" ]; then
    for sec in NAME SYNOPSIS DESCRIPTION COMMANDS "FILE FORMATS" "EXIT STATUS" ENVIRONMENT FILES \
               EXAMPLES "SEE ALSO"; do
        grep -q "^$sec\$" "$TMPD/man.txt" && ok || bad "man page: no $sec section"
    done
    expect_grep "LAMBDASIM_DATA" "$TMPD/man.txt" "man page: the environment variable"
    expect_grep "lambdasim-demo" "$TMPD/man.txt" "man page: the demo's default folder"
    # Every command, and every option its --help names.
    cmds=$("$L" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
    [ "$(echo "$cmds" | wc -l)" -ge 10 ] && ok || bad "lambdasim --help lists $(echo "$cmds" | wc -l) commands"
    missing=""
    for c in $cmds; do
        grep -q "^ *lambdasim $c\$" "$TMPD/man.txt" || missing="$missing $c"
        for o in $("$L" "$c" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
            grep -q -- "$o" "$TMPD/man.txt" || missing="$missing $c:$o"
        done
    done
    [ -z "$missing" ] && ok || bad "man page lacks:$missing"
    # Every README section the page points to exists (quoted \(lqName\(rq in
    # the source, possibly across a line break).
    tr '\n' ' ' <"$MANPAGE" | grep -o '\\(lq[^\\]*\\(rq' | sed 's/^\\(lq//; s/\\(rq$//' |
        sort -u >"$TMPD/refs"
    sed -n 's/^##* //p' README.md | tr -d '`' >"$TMPD/headings"
    nref=0
    while read -r r; do
        nref=$((nref + 1))
        grep -qF -- "$r" "$TMPD/headings" && ok || bad "man page points to README \"$r\", which has no such section"
    done <"$TMPD/refs"
    [ "$nref" -ge 8 ] && ok || bad "man page: only $nref README pointers found"
    # Every example runs (from a scratch folder, on the tree's data; a line
    # needing a file of the reader's own, mocks.json, is only parsed).
    DATADIR=$(grep -o '[^ ]*/usage/photo-gallery\.json' "$TMPD/man.txt" | head -1 |
              sed 's|/usage/photo-gallery\.json$||')
    [ -n "$DATADIR" ] && ok || bad "man page: no example names the data folder"
    awk '/^EXAMPLES$/ { on = 1; next } /^[A-Z]/ { on = 0 } on' "$TMPD/man.txt" |
        sed 's/^ *//' | awk '/\\$/ { sub(/\\$/, ""); printf "%s", $0; next } { print }' |
        grep '^lambdasim ' >"$TMPD/examples"
    n=0
    mkdir -p "$TMPD/ex"
    while read -r cmd; do
        n=$((n + 1))
        case $cmd in *mocks.json*) continue ;; esac
        # The example's own words, with the tree's data folder and binary.
        ex=$(printf '%s' "$cmd" | sed "s|$DATADIR|$ROOT/data|g; s|^lambdasim |$ROOT/$L |")
        (cd "$TMPD/ex" && export LAMBDASIM_DATA="$ROOT/data" && eval "$ex") >"$TMPD/ex.out" 2>&1 && ok ||
            { bad "man page example fails: $cmd"; tail -3 "$TMPD/ex.out"; }
    done <"$TMPD/examples"
    [ "$n" -ge 8 ] && ok || bad "man page: only $n examples found"
fi

# ---- citations of README "Reference facts" ---------------------------------
# Code, tests and the README cite a subsection by the first words of its
# title ("Reference facts", Lambda: prices); each must name one.  Comments
# may break a citation across lines, so each file is read as one line.
awk '/^## Reference facts/ { on = 1; next } /^## / { on = 0 } on && /^### / { sub(/^### /, ""); print }' \
    README.md >"$TMPD/facts"
[ "$(wc -l <"$TMPD/facts")" -ge 8 ] && ok || bad "README \"Reference facts\" has too few subsections"
ncite=0
files=$(git ls-files 2>/dev/null)   # outside a git checkout (a tarball): every file
[ -n "$files" ] || files=$(find sim workloads models reports tests doc scripts README.md -type f)
for f in $(printf '%s\n' "$files" | grep -E '\.(c|h|sh|md)$'); do
    tr '\n' ' ' <"$f" | sed 's|[[:space:]]*\*[[:space:]]| |g; s|[[:space:]][[:space:]]*| |g' |
        grep -o '"Reference facts", [A-Z][A-Za-z]*\(: [a-z][a-z]*\)\{0,1\}' | sed 's/^"Reference facts", //' |
        while read -r c; do
            if grep -q "^$c" "$TMPD/facts"; then echo ok; else echo "bad $f: \"Reference facts\", $c"; fi
        done
done >"$TMPD/cites"
ncite=$(grep -c '^ok$' "$TMPD/cites")
[ "$ncite" -ge 40 ] && ok || bad "only $ncite citations of README \"Reference facts\" found"
if grep -q '^bad ' "$TMPD/cites"; then
    bad "citations of no README \"Reference facts\" subsection:"; grep '^bad ' "$TMPD/cites" | head -5
else ok; fi

# ---- the bash completion -----------------------------------------------------
if command -v bash >/dev/null 2>&1; then
    cat >"$TMPD/comp.bash" <<'EOF'
. doc/lambdasim.bash
comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _lambdasim; echo "${COMPREPLY[*]}"; }
EOF
    # expect_comp WANT WORDS...: the completion of the last word is WANT.
    expect_comp() {
        want=$1; shift
        got=$(PATH="$(dirname "$ROOT/$L"):$PATH" bash -c '. "$1"; shift; comp "$@"' sh "$TMPD/comp.bash" "$@")
        [ "$got" = "$want" ] && ok || bad "completion of '$*': got '$got', want '$want'"
    }
    cmds_line=$(echo $cmds)
    expect_comp "$cmds_line --help --version" lambdasim ""
    expect_comp "run" lambdasim ru
    expect_comp "--config" lambdasim run --con
    expect_comp "data/architectures/pow_apigw.json data/architectures/pow_function_url.json" \
        lambdasim run --config data/architectures/pow_
    expect_comp "text json" lambdasim run --format ""
    expect_comp "stats convert generate" lambdasim trace ""
    expect_comp "csv azure2019 azure2021" lambdasim trace stats x --from ""
    expect_comp "data/traces/gallery_day.csv" lambdasim trace stats data/traces/gallery_day.c
    expect_comp "resize grayscale detect" lambdasim kernel ""
    expect_comp "data/images/rocket.jpg" lambdasim kernel resize --in data/images/roc
    expect_comp "exhaustive bo parametric" lambdasim size --method ""
    expect_comp "" lambdasim size --budget ""
    expect_comp "standard express" lambdasim stepfn run --type ""
    expect_comp "data" lambdasim demo --out dat
    # Every option of every command is offered after its command (and a
    # subcommand or operand, x).
    for c in $cmds; do
        opts=$(PATH="$(dirname "$ROOT/$L"):$PATH" bash -c '. "$1"; shift; comp "$@"' sh "$TMPD/comp.bash" \
               lambdasim "$c" x --)
        for o in $("$L" "$c" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
            case " $opts " in *" $o "*) ok ;; *) bad "completion of 'lambdasim $c --' lacks $o" ;; esac
        done
    done
else
    skip "bash completion: bash is not installed"
fi

report docs
