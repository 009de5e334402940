#!/bin/sh
# check-layers.sh - includes point one way, from the top layer down:
#
#   sim (0) <- workloads (1) <- models (2) <- reports/chart, reports/page (3)
#           <- reports/cli (4)
#
# A file may include headers of its own layer or of a lower one, never of a
# higher one: the engine knows no service, a service knows no report, and
# only the command layer knows every command.  Prints every
# upward include as FILE:LINE: ... and exits 1 if there is one.
set -eu
cd "$(dirname "$0")/.."

layer() {
    case "$1" in
        sim/*)                          echo 0 ;;
        workloads/*)                    echo 1 ;;
        models/*)                       echo 2 ;;
        reports/chart/*|reports/page/*) echo 3 ;;
        reports/cli/*)                  echo 4 ;;
        *)                              echo 9 ;;
    esac
}

bad=0
files=$(find sim workloads models reports -name '*.[ch]' | sort)
for f in $files; do
    lf=$(layer "$f")
    [ "$lf" -eq 9 ] && { echo "$f: not in any layer (sim, workloads, models, reports/{chart,page,cli})"; bad=1; continue; }
    # Only quoted project includes; system headers are <...>.
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r hit; do
        line=${hit%%:*}
        inc=$(printf '%s\n' "$hit" | sed 's/.*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/')
        li=$(layer "$inc")
        if [ "$li" -gt "$lf" ]; then
            echo "$f:$line: includes \"$inc\" (layer $li) from layer $lf: an include may not point upward"
            exit 1
        fi
    done || bad=1
done
if [ "$bad" -ne 0 ]; then
    echo "check-layers: failed" >&2
    exit 1
fi
echo "check-layers: ok ($(echo "$files" | wc -l) files)"
