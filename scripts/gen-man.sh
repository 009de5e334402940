#!/bin/sh
# gen-man.sh BIN TEMPLATE DATADIR DOCDIR - print the lambdasim(1) man page.
#
# The page's prose is the hand-written TEMPLATE (doc/lambdasim.1.in); its
# COMMANDS section is generated here from the binary itself: the command
# list of `BIN --help` and, for each command, `BIN CMD --help` verbatim in a
# no-fill block.  So a command or an option added to the code is in the man
# page at the next build, with nothing to keep in sync by hand.
# The date is the last commit's (or SOURCE_DATE_EPOCH), so a rebuild of the
# same tree gives the same page.
set -eu
BIN=$1 TEMPLATE=$2 DATADIR=$3 DOCDIR=$4

# roff-safe text: backslashes, then hyphen-minus as \- (so options copy and
# search as ASCII), then a leading . or ' protected by \&.
roff_escape() {
    sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

commands=$("$BIN" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$commands" ] || { echo "gen-man.sh: '$BIN --help' lists no command" >&2; exit 1; }
version=$("$BIN" --version | awk '{ print $2 }')
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
date=$(date -u -d "@$epoch" +%Y-%m-%d 2>/dev/null || date -u +%Y-%m-%d)

sections=$(mktemp)
trap 'rm -f "$sections"' EXIT
for c in $commands; do
    summary=$("$BIN" --help | awk -v c="$c" '$1 == c { $1 = ""; sub(/^ +/, ""); print; exit }')
    {
        printf '.SS "lambdasim %s"\n' "$c"
        printf '%s.\n' "$(printf '%s' "$summary" | sed 's/^\(.\)/\U\1/' | roff_escape)"
        printf '.PP\n.RS 2\n.nf\n'
        "$BIN" "$c" --help | roff_escape
        printf '.fi\n.RE\n'
    } >>"$sections"
done

# Substitute the placeholders literally (awk -v would read backslashes as
# escapes, so the values go through ENVIRON); @COMMANDS@ is a line of its own.
V_VERSION=$version V_DATE=$date V_SECTIONS=$sections \
V_DATADIR=$(printf '%s' "$DATADIR" | roff_escape) V_DOCDIR=$(printf '%s' "$DOCDIR" | roff_escape) \
awk '
function put(key, val,    i) {
    while ((i = index(line, key)) > 0)
        line = substr(line, 1, i - 1) val substr(line, i + length(key))
}
$0 == "@COMMANDS@" { while ((getline l < ENVIRON["V_SECTIONS"]) > 0) print l; next }
{
    line = $0
    put("@VERSION@", ENVIRON["V_VERSION"]); put("@DATE@", ENVIRON["V_DATE"])
    put("@DATADIR@", ENVIRON["V_DATADIR"]); put("@DOCDIR@", ENVIRON["V_DOCDIR"])
    print line
}' "$TEMPLATE"
