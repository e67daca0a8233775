#!/bin/sh
# Runs Debian's packaged Sisimai (libsisimai-perl) and bounced over the same folder in
# one run and prints both times and the ratio. Usage: bench/side_by_side.sh DIR [REPEAT]
# The file list is read REPEAT times (default 20) so start-up costs do not dominate.
# (installs libsisimai-perl when missing and root). Each tool reads every *.eml once,
# in one process, and prints its results to /dev/null.
set -e
DIR=${1:?usage: side_by_side.sh DIR [REPEAT]}
REPEAT=${2:-20}
HERE=$(cd "$(dirname "$0")/.." && pwd)
if ! perl -MSisimai -e1 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -q libsisimai-perl >/dev/null
  else echo "libsisimai-perl is not installed"; exit 1; fi
fi
one=$(find "$DIR" -name '*.eml' | sort)
files=$(i=0; while [ "$i" -lt "$REPEAT" ]; do echo "$one"; i=$((i + 1)); done)
n=$(echo "$files" | wc -l)
now() { date +%s.%N; }
t0=$(now)
# Sisimai reads a Maildir or mbox; give it each file (it accepts a file path).
echo "$files" | perl -MSisimai -MJSON::PP -e '
  my $rows = 0;
  while (my $f = <STDIN>) { chomp $f; my $v = Sisimai->make($f) || []; $rows += scalar @$v; }
  print STDERR "sisimai rows: $rows\n";' >/dev/null
t1=$(now)
echo "$files" | xargs -s 2000000 "$HERE/build/bouncectl" parse >/dev/null
t2=$(now)
awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
  s = b - a; o = c - b;
  printf "messages: %d\nsisimai %s (Debian): %.2f s, %.0f msg/s\nbounced: %.3f s, %.0f msg/s (process start and rule loading included)\nratio: %.0fx\n",
    n, "4.x", s, n / s, o, n / o, s / o }'
