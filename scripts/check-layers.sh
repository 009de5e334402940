#!/bin/sh
# check-layers.sh - includes point one way, from the top layer down:
#
#   sim (0) <- workloads (1) <- models (2) <- reports/chart, reports/page (3)
#           <- reports/cli (4)
#
# A file may include headers of its own layer or of a lower one, never of a
# higher one: the engine knows no service, a service knows no report, and
# only the command layer knows every command.
#
# Inside models/, the simulated services wire through the scenario core by
# an interface, not by each other's insides:
#   - a service folder (models/lambda, models/sqs, models/stepfn, models/s3) may include
#     from models/scenario/ only the service interface, mdl_service.h (never
#     the core's private mdl_internal.h, nor mdl_scenario.h: that is the
#     core's face to reports); services call each other through the narrow
#     public headers of the callee (mdl_lambda.h, mdl_sqs.h, mdl_sfn_sim.h, mdl_s3.h);
#   - the interface mdl_service.h is for models/ only (reports use
#     mdl_scenario.h);
#   - a private header, *_internal.h, may be included only from its own
#     folder (models/lambda/mdl_lambda_internal.h from models/lambda/, ...).
#
# The environment is read only by the command layer (explicit context, no
# hidden inputs): getenv/secure_getenv/environ appear only in reports/cli/.
#
# The repository is self-contained: no file refers to the reference folder
# outside it (the reference folder beside the development checkout), which a
# user's clone does not have.
#
# Prints every violation as FILE:LINE: ... and exits 1 if there is one.
set -eu
cd "$(dirname "$0")/.."

SERVICE_DIRS="models/lambda models/sqs models/stepfn models/s3"

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

is_service_file() {
    for d in $SERVICE_DIRS; do
        case "$1" in "$d"/*) return 0 ;; esac
    done
    return 1
}

# check_include FILE INCLUDE: prints why the include is not allowed, if so.
check_include() {
    f=$1; inc=$2
    lf=$(layer "$f"); li=$(layer "$inc")
    if [ "$li" -gt "$lf" ]; then
        echo "includes \"$inc\" (layer $li) from layer $lf: an include may not point upward"
        return
    fi
    case "$inc" in
        models/scenario/mdl_service.h)
            case "$f" in models/*) ;; *) echo "includes the service interface \"$inc\" from outside models/ (use mdl_scenario.h)" ;; esac
            return ;;
        models/scenario/*)
            if is_service_file "$f"; then
                echo "a service includes \"$inc\": from models/scenario/ a service may include only mdl_service.h"
                return
            fi ;;
    esac
    case "$inc" in
        *_internal.h)
            if [ "$(dirname "$inc")" != "$(dirname "$f")" ]; then
                echo "includes the private header \"$inc\" of another folder"
            fi ;;
    esac
}

bad=0
files=$(find sim workloads models reports -name '*.[ch]' | sort)
for f in $files; do
    [ "$(layer "$f")" -eq 9 ] && { echo "$f: not in any layer (sim, workloads, models, reports/{chart,page,cli})"; bad=1; continue; }
    # Only quoted project includes; system headers are <...>.
    hits=$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" || true)
    [ -n "$hits" ] || continue
    while IFS= read -r hit; do
        line=${hit%%:*}
        inc=$(printf '%s\n' "$hit" | sed 's/.*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/')
        why=$(check_include "$f" "$inc")
        if [ -n "$why" ]; then
            echo "$f:$line: $why"
            bad=1
        fi
    done <<EOF
$hits
EOF
done
# Hidden inputs: the environment, below the command layer.
for f in $files; do
    case "$f" in reports/cli/*) continue ;; esac
    hits=$(grep -nE '\b(secure_)?getenv[[:space:]]*\(|\benviron\b' "$f" || true)
    [ -n "$hits" ] || continue
    printf '%s\n' "$hits" | while IFS= read -r hit; do
        echo "$f:${hit%%:*}: reads the environment: only reports/cli/ may (pass the value down)"
    done
    bad=1
done
# Self-contained: the pattern is split so this file does not match itself.
outside='\.\./shar''ed'
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    refs=$(git ls-files -z | xargs -0 grep -lE "$outside" -- 2>/dev/null || true)
else
    refs=$(grep -rlE "$outside" --exclude-dir=build --exclude-dir=node_modules . 2>/dev/null || true)
fi
for f in $refs; do
    echo "$f: refers to the folder outside the repository (copy what it needs into data/)"
    bad=1
done
if [ "$bad" -ne 0 ]; then
    echo "check-layers: failed" >&2
    exit 1
fi
echo "check-layers: ok ($(echo "$files" | wc -l) files)"
