#!/bin/sh
# Fuzzes one target (message, readers, rules, protocol) for SECONDS with the fuzz
# preset's build (cmake --preset fuzz && cmake --build build-fuzz). New inputs go to a
# scratch folder; a crash is saved under tests/fuzz/crashes/ to be kept as a regression
# input (copy it into tests/fuzz/corpus/TARGET/ once fixed).
# Usage: tests/fuzz/run.sh TARGET SECONDS [SCRATCH]
set -e
T=${1:?target}; S=${2:-60}; W=${3:-/tmp/bounced-fuzz/$T}
cd "$(dirname "$0")/../.."
mkdir -p "$W" tests/fuzz/crashes
exec build-fuzz/fuzz_"$T" -max_total_time="$S" -timeout=10 -rss_limit_mb=4096 -max_len=262144 \
  -print_final_stats=1 -artifact_prefix=tests/fuzz/crashes/"$T"- "$W" tests/fuzz/corpus/"$T"
