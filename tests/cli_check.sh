#!/bin/sh
# Command-line behaviour of bouncectl that CONTRACT.md fixes: exit statuses, stdin,
# mbox and Maildir paths, rules lint errors with file:line. Args: BOUNCECTL SOURCE_DIR
set -u
B=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
check() { # name, then a command that must succeed
  name=$1; shift
  if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi
}
sample=$(ls "$SRC"/tests/corpus/rfc3464/*.eml | head -n 1)

# An unreadable path: exit 66 after the other paths were processed, a line naming it.
"$B" parse "$T/missing.eml" "$sample" >"$T/out" 2>"$T/err"
rc=$?
check "missing path exits 66" test "$rc" -eq 66
check "missing path is named on stderr" grep -q "missing.eml" "$T/err"
check "other paths still processed" grep -q '"recipient"' "$T/out"

# stdin
"$B" parse - <"$sample" >"$T/stdin.out"
check "stdin gives rows labelled -" grep -q '"file":"-"' "$T/stdin.out"

# mbox with two messages
{ printf 'From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n'; cat "$sample"; printf '\nFrom MAILER-DAEMON Mon Jan  1 00:00:01 2024\n'; cat "$sample"; } >"$T/box.mbox"
"$B" parse "$T/box.mbox" >"$T/mbox.out"
check "mbox message 1" grep -q 'box.mbox#1' "$T/mbox.out"
check "mbox message 2" grep -q 'box.mbox#2' "$T/mbox.out"

# Maildir
mkdir -p "$T/md/cur" "$T/md/new" "$T/md/tmp"
cp "$sample" "$T/md/new/1700000000.1.host"
"$B" parse "$T/md" >"$T/md.out"
check "maildir entry" grep -q '1700000000.1.host' "$T/md.out"

# --explain adds the deciding rule
"$B" parse --explain "$sample" >"$T/explain.out"
check "explain field" grep -q '"explain":\[' "$T/explain.out"

# many paths are parsed on several threads; the output keeps the order of the paths
find "$SRC/tests/corpus" -name '*.eml' | sort >"$T/all.list"
xargs "$B" parse --jobs 1 <"$T/all.list" >"$T/jobs1.out"
xargs "$B" parse --jobs 4 <"$T/all.list" >"$T/jobs4.out"
check "parse output does not depend on --jobs" cmp -s "$T/jobs1.out" "$T/jobs4.out"
check "parse --jobs read every sample" test "$(wc -l <"$T/jobs1.out")" -gt 40
# more paths than the ring of batches holds (16 paths a batch, 16 batches at --jobs 4),
# a missing one among them: every path once, in order, and the exit code says so
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$T/all.list"; echo "$T/missing-$i.eml"; done >"$T/many.list"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$T/jobs1.out"; done >"$T/many.expected"
"$B" parse --jobs 4 $(cat "$T/many.list") >"$T/many.out" 2>"$T/many.err"; many_rc=$?
check "parse over many paths keeps their order" cmp -s "$T/many.out" "$T/many.expected"
check "parse over many paths names each unreadable one" test "$(grep -c 'missing-' "$T/many.err")" -eq 10
check "parse over many paths exits 66 when one is unreadable" test "$many_rc" -eq 66

# The pattern cache: --cache DIR keeps the compiled patterns there when Hyperscan is
# built in (and nothing without it), --no-cache keeps none; the answers never change.
"$B" rules lint "$SRC/rules" >"$T/engine.out"
xargs "$B" parse --cache "$T/cache" <"$T/all.list" >"$T/cache1.out"
xargs "$B" parse --cache "$T/cache" <"$T/all.list" >"$T/cache2.out"
xargs "$B" parse --no-cache <"$T/all.list" >"$T/nocache.out"
check "parse output is the same with a cache written and read" cmp -s "$T/cache1.out" "$T/cache2.out"
check "parse output is the same with --no-cache" cmp -s "$T/cache1.out" "$T/nocache.out"
check "parse output with a cache is the --jobs output" cmp -s "$T/cache1.out" "$T/jobs1.out"
check "rules lint names the pattern engine" grep -q '^text patterns: ' "$T/engine.out"
if grep -q '^text patterns: .*hyperscan' "$T/engine.out"; then
  check "--cache DIR keeps the compiled patterns" sh -c "ls '$T/cache'/patterns-ci-*.bin"
  check "--cache DIR keeps the readers' compiled phrase sets" sh -c "ls '$T/cache'/literals-*.bin"
else
  check "without Hyperscan nothing is cached" test ! -e "$T/cache"
fi

# rules lint: the shipped rules pass; a broken file is reported with file:line
check "shipped rules lint" "$B" rules lint "$SRC/rules"
mkdir -p "$T/rules"
printf '[[rule]]\nid = "a"\nreason = "userunknown"\ntext = "ok"\n\n[[rule]]\nid = "b"\nreason = "nosuchreason"\ntext = "(unclosed"\n' >"$T/rules/10-bad.toml"
"$B" rules lint "$T/rules" 2>"$T/lint.err"
rc=$?
check "broken rules exit non-zero" test "$rc" -ne 0
check "unknown reason names file and line" grep -q "10-bad.toml:8: unknown reason 'nosuchreason'" "$T/lint.err"
check "regex refused by RE2 names file and line" grep -q '10-bad.toml:9: regex .* refused by RE2' "$T/lint.err"
printf '[[rule]\nid = "x"\n' >"$T/rules/20-syntax.toml"
"$B" rules lint "$T/rules" 2>"$T/lint2.err"
check "TOML syntax error names file and line" grep -q '20-syntax.toml:1' "$T/lint2.err"

# rules test prints the decision
"$B" rules test --text '550 5.1.1 <x@example.org>: Recipient address rejected: User unknown' >"$T/rt.out"
check "rules test decides userunknown" grep -q 'reason: userunknown' "$T/rt.out"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
