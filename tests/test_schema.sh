# test_schema.sh - `lambdasim schema`: the schemas print, and the README's key
# tables are exactly what the option tables generate (so the docs cannot
# drift from the parser).  The schemas themselves are checked against the
# bundled files and the parsers by tests/test_schema.c.
. tests/lib.sh

for s in config usage dist; do
    expect_exit 0 "schema $s --markdown" -- "$LAMBDASIM" schema "$s" --markdown
    cp "$TMPD/out" "$TMPD/gen.md"
    # The README block between the markers, markers excluded.
    awk -v b="<!-- BEGIN generated: lambdasim schema $s --markdown -->" \
        -v e="<!-- END generated: lambdasim schema $s --markdown -->" \
        '$0 == e { f = 0 } f { print } $0 == b { f = 1; n++ } END { if (n != 1) exit 1 }' \
        README.md > "$TMPD/readme.md" && ok || bad "README has one generated '$s' block"
    if cmp -s "$TMPD/gen.md" "$TMPD/readme.md"; then ok; else
        bad "README's '$s' table differs from 'lambdasim schema $s --markdown' (paste its output between the markers)"
        diff "$TMPD/readme.md" "$TMPD/gen.md" | head -10 | sed 's/^/    /'
    fi
done

for s in config usage profile dist; do
    expect_exit 0 "schema $s" -- "$LAMBDASIM" schema "$s"
    expect_grep '"$schema": "https://json-schema.org/draft/2020-12/schema"' "$TMPD/out" "$s: a 2020-12 schema"
done
expect_exit 0 "schema profile --markdown" -- "$LAMBDASIM" schema profile --markdown
expect_grep '`kernels.<name>.cpu_ms_per_megapixel`' "$TMPD/out" "profile keys listed"
expect_exit 2 "schema of nothing" -- "$LAMBDASIM" schema
expect_exit 2 "unknown schema" -- "$LAMBDASIM" schema nope
expect_grep "unknown schema 'nope'" "$TMPD/err" "unknown schema named"
expect_exit 2 "unknown option" -- "$LAMBDASIM" schema config --html

report schema_cli
