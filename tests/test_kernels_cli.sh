# test_kernels_cli.sh - `lambdasim kernel` and `lambdasim profile` from the outside.
. tests/lib.sh
IMG=data/images

# resize: default 128x128 box, aspect kept, JSON fields, output file written.
expect_exit 0 "resize json" -- "$LAMBDASIM" kernel resize --in $IMG/chelsea.png \
    --out "$TMPD/t.jpg" --format json
for k in '"cpu_ms"' '"wall_ms"' '"width": 451' '"height": 300' '"megapixels": 0.1353' \
         '"out_width": 128' '"out_height": 85' '"out_bytes"'; do
    expect_grep "$k" "$TMPD/out" "resize json has $k"
done
cp "$TMPD/out" "$TMPD/resize.json"
[ -s "$TMPD/t.jpg" ] && ok || bad "resize wrote no file"
# The written thumbnail decodes back to 128x85.
expect_exit 0 "thumbnail decodes" -- "$LAMBDASIM" kernel grayscale --in "$TMPD/t.jpg" --format json
expect_grep '"width": 128' "$TMPD/out" "thumbnail width"
expect_grep '"height": 85' "$TMPD/out" "thumbnail height"

# --size, JPEG shrink-on-load, bilinear, threads, PNG output.
expect_exit 0 "resize size" -- "$LAMBDASIM" kernel resize --in $IMG/rocket.jpg --size 64x200 \
    --filter bilinear --threads 2 --out "$TMPD/r.png" --format json
expect_grep '"out_width": 64' "$TMPD/out" "size width"
expect_grep '"out_height": 43' "$TMPD/out" "size height (427/640*64 = 42.7)"
expect_grep '"shrink_on_load": 8' "$TMPD/out" "1/8 DCT scale used"
expect_grep '"out_format": "png"' "$TMPD/out" "png output"
expect_exit 0 "resize text" -- "$LAMBDASIM" kernel resize --in $IMG/hubble_deep_field.jpg
expect_grep "shrink-on-load 1/4" "$TMPD/out" "text mentions shrink-on-load"

# grayscale: same size, 1 channel out.
expect_exit 0 "grayscale" -- "$LAMBDASIM" kernel grayscale --in $IMG/coffee.png \
    --luma bt601 --out "$TMPD/g.png" --format json
expect_grep '"out_width": 600' "$TMPD/out" "gray width"
expect_grep '"luma": "bt601"' "$TMPD/out" "gray matrix"

# Bad usage: exit 2 and a message naming the problem.
expect_exit 2 "no kernel" -- "$LAMBDASIM" kernel
expect_grep "missing kernel name" "$TMPD/err" "no kernel message"
expect_exit 2 "unknown kernel" -- "$LAMBDASIM" kernel blur --in $IMG/coffee.png
expect_grep "unknown kernel 'blur'" "$TMPD/err" "unknown kernel message"
expect_exit 2 "no --in" -- "$LAMBDASIM" kernel resize
expect_grep "\-\-in FILE is required" "$TMPD/err" "no --in message"
expect_exit 2 "bad size" -- "$LAMBDASIM" kernel resize --in $IMG/coffee.png --size 0x5
expect_grep "\-\-size" "$TMPD/err" "bad size names the option"
expect_exit 2 "bad threads" -- "$LAMBDASIM" kernel resize --in $IMG/coffee.png --threads x
expect_exit 2 "bad out name" -- "$LAMBDASIM" kernel resize --in $IMG/coffee.png --out "$TMPD/t.gif"
expect_grep "t.gif" "$TMPD/err" "bad out names the file"
expect_exit 2 "unknown option" -- "$LAMBDASIM" kernel resize --in $IMG/coffee.png --bogus
expect_exit 2 "missing file" -- "$LAMBDASIM" kernel resize --in "$TMPD/nope.jpg"
expect_grep "nope.jpg" "$TMPD/err" "missing file named"
expect_exit 0 "kernel --help" -- "$LAMBDASIM" kernel --help
expect_grep "lambdasim kernel" "$TMPD/out" "kernel usage"
expect_exit 0 "kernel detect --help" -- "$LAMBDASIM" kernel detect --help

# Bad input files: exit 2, "lambdasim: FILE: ..." on stderr, no crash.
head -c 20000 $IMG/rocket.jpg >"$TMPD/cut.jpg"
head -c 100000 $IMG/coffee.png >"$TMPD/cut.png"
# Flip 64 bytes in the middle of the PNG (IDAT CRC) and of the JPEG headers.
flip_bytes() {  # file offset count
    dd if=/dev/zero bs=1 count="$3" 2>/dev/null | tr '\0' '\132' >"$TMPD/junk"
    dd if="$TMPD/junk" of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
cp $IMG/coffee.png "$TMPD/flip.png"; flip_bytes "$TMPD/flip.png" 200000 64
cp $IMG/rocket.jpg "$TMPD/flip.jpg"; flip_bytes "$TMPD/flip.jpg" 2 200
printf 'GIF89a not an image' >"$TMPD/fake.jpg"
: >"$TMPD/empty.png"
# Over Lambda's 6 MB payload: a valid JPEG followed by 7 MB of padding.
cp $IMG/rocket.jpg "$TMPD/big.jpg"
dd if=/dev/zero bs=1048576 count=7 2>/dev/null >>"$TMPD/big.jpg"
for f in $IMG/truncated.jpg "$TMPD/cut.jpg" "$TMPD/cut.png" "$TMPD/flip.png" "$TMPD/flip.jpg" \
         "$TMPD/fake.jpg" "$TMPD/empty.png" "$TMPD/big.jpg"; do
    for k in resize grayscale; do
        expect_exit 2 "$k $(basename "$f")" -- "$LAMBDASIM" kernel $k --in "$f" --out "$TMPD/x.jpg"
        expect_grep "^lambdasim: $f: " "$TMPD/err" "$k $(basename "$f") error names the file"
        expect_clean_stderr "$k $(basename "$f")"
    done
done
expect_exit 2 "truncated message" -- "$LAMBDASIM" kernel resize --in $IMG/truncated.jpg
expect_grep "corrupt or truncated JPEG" "$TMPD/err" "truncated.jpg message"
expect_exit 2 "big message" -- "$LAMBDASIM" kernel resize --in "$TMPD/big.jpg"
expect_grep "payload of 7452[0-9]* bytes is over the 6291456-byte limit" "$TMPD/err" "payload message"
expect_exit 2 "cut png message" -- "$LAMBDASIM" kernel resize --in "$TMPD/cut.png"
expect_grep "corrupt or truncated PNG" "$TMPD/err" "cut png message"
[ ! -e "$TMPD/x.jpg" ] && ok || bad "a failed run left an output file"

# profile: per-image runs at 1..2 threads, fit, skipped images listed.
mkdir -p "$TMPD/photos"
cp $IMG/rocket.jpg $IMG/chelsea.png $IMG/camera.png $IMG/truncated.jpg "$TMPD/photos/"
expect_exit 0 "profile" -- "$LAMBDASIM" profile --images "$TMPD/photos" --threads 2 \
    --repeat 1 --out "$TMPD/profile.json"
P="$TMPD/profile.json"
for k in '"resize"' '"grayscale"' '"threads": 2' '"cpu_ms"' '"wall_ms"' '"megapixels"' \
         '"bytes": 112525' '"a_ms"' '"b_ms_per_mp"' '"parallel_fraction"' '"image": "truncated.jpg"'; do
    expect_grep "$k" "$P" "profile has $k"
done
expect_grep "skipping .*truncated.jpg" "$TMPD/err" "profile warns about the skipped image"
[ "$(grep -c '"threads": ' "$P")" -eq 18 ] && ok || bad "profile: want 3 kernels x 3 images x 2 threads runs"
expect_exit 0 "profile one kernel" -- "$LAMBDASIM" profile --images "$TMPD/photos" --threads 1 \
    --repeat 1 --kernels grayscale --out "$TMPD/p1.json"
grep -q '"resize"' "$TMPD/p1.json" && bad "profile ran an unrequested kernel" || ok
expect_grep '"parallel_fraction": null' "$TMPD/p1.json" "no fraction with one thread"
expect_exit 2 "profile no dir" -- "$LAMBDASIM" profile --images "$TMPD/none" --out "$TMPD/p.json"
expect_grep "$TMPD/none" "$TMPD/err" "profile names the folder"
expect_exit 0 "profile detect" -- "$LAMBDASIM" profile --images "$TMPD/photos" --kernels detect \
    --repeat 1 --out "$TMPD/pd.json"
expect_grep '"detect"' "$TMPD/pd.json" "profile times detect"
expect_grep '"b_ms_per_mp"' "$TMPD/pd.json" "detect gets a fitted model"
expect_exit 2 "profile bad kernel" -- "$LAMBDASIM" profile --images "$TMPD/photos" --kernels blur \
    --out "$TMPD/p.json"
expect_exit 2 "profile no out" -- "$LAMBDASIM" profile --images "$TMPD/photos"
expect_exit 0 "profile --help" -- "$LAMBDASIM" profile --help
expect_grep "lambdasim profile" "$TMPD/out" "profile usage"

report kernels_cli
