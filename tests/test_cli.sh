# test_cli.sh - the command-line contract (README "Commands").
. tests/lib.sh

expect_exit 2 "no command" -- "$LAMBDASIM"
expect_grep "usage: lambdasim" "$TMPD/err" "usage on no command"
expect_exit 2 "unknown command" -- "$LAMBDASIM" frobnicate
expect_grep "unknown command 'frobnicate'" "$TMPD/err" "unknown command named"
expect_grep "usage: lambdasim" "$TMPD/err" "usage on unknown command"
expect_exit 0 "--help" -- "$LAMBDASIM" --help
expect_grep "commands:" "$TMPD/out" "--help lists commands"
expect_exit 0 "--version" -- "$LAMBDASIM" --version

# --help works for every command, landed or not.
for c in cost run compare size trace kernel profile stepfn sweep demo; do
    expect_exit 0 "$c --help" -- "$LAMBDASIM" $c --help
    expect_grep "lambdasim $c" "$TMPD/out" "$c --help names the command"
done

report cli
