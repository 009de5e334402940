# bash completion for lambdasim(1)                        -*- shell-script -*-
#
# Installed as $(PREFIX)/share/bash-completion/completions/lambdasim; works
# with or without the bash-completion package (`. lambdasim.bash` is enough).
#
# Nothing here lists commands or options: they are read from the binary being
# completed, `lambdasim --help` for the commands and `lambdasim CMD --help`
# for a command's subcommands and options, so the completion can never lag
# behind the tool.  An option's argument is completed from the placeholder
# its usage gives it:
#   DIR                                  -> directories
#   FILE, F, PATH, a name like x.json    -> files
#   words separated by | (text|json)     -> those words
#   anything else (N, W, KEY=V1,V2, ...) -> nothing to offer
# A command whose usage takes a FILE operand (trace stats FILE) completes
# files where no option is being typed.

# _lambdasim_spec BIN CMD: one line per fact of CMD's --help:
#   sub WORD...          subcommands (lambdasim CMD a|b|c ...)
#   pos                  the usage takes a FILE operand
#   opt --NAME KIND [WORDS]   KIND: none, dir, file, words, value
_lambdasim_spec() {
    "$1" "$2" --help 2>/dev/null | awk -v cmd="$2" '
    function kind(t) {
        if (t ~ /DIR/) return "dir"
        if (t ~ /FILE|PATH/ || t == "F" || t ~ /^[a-z0-9_]+\.(json|csv|svg|png|xml)$/) return "file"
        if (t ~ /\|/ && t ~ /^[a-z0-9_.|-]+$/) { gsub(/\|/, " ", t); return "words " t }
        return "value"
    }
    { for (i = 1; i <= NF; i++) tok[++n] = $i }
    END {
        for (i = 1; i <= n; i++) {
            if (tok[i] == "lambdasim" && tok[i + 1] == cmd && tok[i + 2] ~ /^[a-z][a-z0-9|]*$/) {
                s = tok[i + 2]; gsub(/\|/, " ", s); subs = subs " " s
                if (tok[i + 3] ~ /^FILE/) pos = 1
            }
            t = tok[i]
            sub(/^[[(]+/, "", t)
            closed = (t ~ /[])]$/)
            sub(/[]),]+$/, "", t)
            if (t !~ /^--[a-z][a-z0-9-]*$/ || seen[t]++) continue
            nx = tok[i + 1]
            if (closed || i == n || nx ~ /^[-[(]/ || tok[i] ~ /,$/) { print "opt " t " none"; continue }
            sub(/[]),]+$/, "", nx)
            print "opt " t " " kind(nx)
        }
        if (subs != "") print "sub" subs
        if (pos) print "pos"
    }'
}

_lambdasim() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local bin=${COMP_WORDS[0]} spec line subs
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        local cmds
        cmds=$("$bin" --help 2>/dev/null | awk '/^commands:/ { on = 1; next }
                                              on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
        COMPREPLY=($(compgen -W "$cmds --help --version" -- "$cur"))
        return 0
    fi
    spec=$(_lambdasim_spec "$bin" "${COMP_WORDS[1]}")
    subs=$(printf '%s\n' "$spec" | awk '$1 == "sub" { $1 = ""; print }')
    if [ -n "$subs" ] && [ "$COMP_CWORD" -eq 2 ]; then
        COMPREPLY=($(compgen -W "$subs" -- "$cur"))
        return 0
    fi
    line=$(printf '%s\n' "$spec" | awk -v o="$prev" '$1 == "opt" && $2 == o')
    if [ -n "$line" ]; then
        set -- $line
        case $3 in
            file)  compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
            dir)   compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;
            words) shift 3; COMPREPLY=($(compgen -W "$*" -- "$cur")); return 0 ;;
            value) return 0 ;;
        esac
    fi
    if [[ $cur == -* ]] || ! printf '%s\n' "$spec" | grep -q '^pos$'; then
        COMPREPLY=($(compgen -W "$(printf '%s\n' "$spec" | awk '$1 == "opt" { print $2 }')" -- "$cur"))
    else
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
    return 0
}
complete -F _lambdasim lambdasim
