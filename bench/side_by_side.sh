#!/bin/sh
# Runs Debian's packaged Sisimai (libsisimai-perl) and bounced over the same folder in
# one run and prints both times and the ratio, with the machine it ran on.
# Usage: bench/side_by_side.sh [--json] DIR [REPEAT]   (--json: one JSON line instead)
# The file list is read REPEAT times (default 20) so start-up costs do not dominate.
# (installs libsisimai-perl when missing and root). Each tool reads every *.eml once,
# in one process, and prints its results to /dev/null.
# Each tool also runs once over the list read a single time: the difference between the
# two runs is what the extra REPEAT-1 passes cost, without start-up and first-pass
# costs (Perl's module loading; bounced's rule compilation and its lazily built
# pattern automaton): the rate a long backlog is read at.
set -e
JSON=0
if [ "$1" = "--json" ]; then JSON=1; shift; fi
DIR=${1:?usage: side_by_side.sh [--json] DIR [REPEAT]}
REPEAT=${2:-20}
HERE=$(cd "$(dirname "$0")/.." && pwd)
if ! perl -MSisimai -e1 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -q libsisimai-perl >/dev/null
  else echo "libsisimai-perl is not installed"; exit 1; fi
fi
one=$(find "$DIR" -name '*.eml' | sort)
files=$(i=0; while [ "$i" -lt "$REPEAT" ]; do echo "$one"; i=$((i + 1)); done)
n=$(echo "$files" | wc -l)
n1=$(echo "$one" | wc -l)
now() { date +%s.%N; }
# Sisimai reads a Maildir or mbox; give it each file (it accepts a file path).
sisimai() {
  perl -MSisimai -e '
    my $rows = 0;
    while (my $f = <STDIN>) { chomp $f; my $v = Sisimai->make($f) || []; $rows += scalar @$v; }
    print STDERR "sisimai rows: $rows\n";' >/dev/null
}
bounced() { xargs -s 2000000 "$HERE/build/bouncectl" parse >/dev/null; }
# The compiled rule patterns are cached between runs (see README, Rules); fill the
# cache first, as any earlier run or `bouncectl rules lint` does on an installed system.
"$HERE/build/bouncectl" rules lint >/dev/null
t0=$(now); echo "$files" | sisimai
t1=$(now); echo "$files" | bounced
t2=$(now); echo "$one" | sisimai
t3=$(now); echo "$one" | bounced
t4=$(now)
cores=$(nproc)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1 | tr -d '"\\')
version=$(dpkg-query -W -f '${Version}' libsisimai-perl 2>/dev/null || echo unknown)
awk -v n="$n" -v n1="$n1" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v json="$JSON" \
    -v cores="$cores" -v cpu="$cpu" -v version="$version" 'BEGIN {
  s = b - a; o = c - b; s1 = d - c; o1 = e - d;
  steady = n > n1 && s > s1 && o > o1;
  if (steady) { ds = (n - n1) / (s - s1); dor = (n - n1) / (o - o1); }
  if (json) {
    printf "{\"bench\":\"side_by_side\",\"cores\":%d,\"cpu\":\"%s\",\"sisimai\":\"%s\",\"messages\":%d,", cores, cpu, version, n
    printf "\"sisimai_s\":%.3f,\"bounced_s\":%.3f,\"sisimai_msgs_per_s\":%.0f,\"bounced_msgs_per_s\":%.0f,\"ratio\":%.1f", s, o, n / s, n / o, s / o
    if (steady) printf ",\"steady_sisimai_msgs_per_s\":%.0f,\"steady_bounced_msgs_per_s\":%.0f,\"steady_ratio\":%.1f", ds, dor, dor / ds
    printf "}\n"
    exit
  }
  printf "machine: %d cores, %s\n", cores, cpu
  printf "messages: %d\nsisimai %s (Debian): %.2f s, %.0f msg/s\nbounced: %.3f s, %.0f msg/s (process start and rule loading included)\nratio: %.0fx\n",
    n, version, s, n / s, o, n / o, s / o
  if (steady)
    printf "after start-up and the first pass (%d more messages): sisimai %.0f msg/s, bounced %.0f msg/s, ratio %.0fx\n",
      n - n1, ds, dor, dor / ds
}'
