#!/bin/sh
# deps.sh - install the Debian packages lambdasim needs, only when missing.
#
# Why a script and not a README list: `make demo` and `make test` must work on a
# fresh Debian 12 machine in one command, and cost nothing when all is present.
# Usage: scripts/deps.sh [--bench|--test|--fuzz]   (extra groups add bench/test/fuzz tools)
set -eu

# Open MPI (libopenmpi-dev, openmpi-bin): the sweep's MPI variant, which the
# Makefile builds when mpicc is present, and mpirun for its tests.
PKGS="build-essential pkg-config libgsl-dev libcsv-dev libplot-dev libjson-c-dev \
libjpeg62-turbo-dev libpng-dev libdeflate-dev libxml2-dev opencv-data libopenmpi-dev openmpi-bin"
for arg in "$@"; do
    case "$arg" in
        --bench) PKGS="$PKGS libvips-tools imagemagick" ;;
        --test)  PKGS="$PKGS chromium" ;;   # tests/test_browser.c renders report.html
        # make fuzz: clang's libFuzzer (in libclang-rt-14-dev) with libomp for
        # OpenMP under clang; afl++ is the other engine (scripts/fuzz.sh).
        --fuzz)  PKGS="$PKGS clang libclang-rt-14-dev libomp-14-dev afl++" ;;
        *) echo "deps.sh: unknown option '$arg'" >&2; exit 2 ;;
    esac
done

missing=""
for p in $PKGS; do
    # dpkg-query prints "install ok installed" for a present package.
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in
        *"ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: missing packages:$missing" >&2
    echo "run as root: apt-get update && apt-get install -y --no-install-recommends$missing" >&2
    exit 2
fi

echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
