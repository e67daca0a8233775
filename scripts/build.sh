#!/bin/sh
# Installs the Debian packages bounced needs (when missing) and builds the release
# preset into build/ (build/bouncectl, build/bounced). Safe to run again.
set -e
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
GEN=""
command -v ninja >/dev/null 2>&1 && GEN="-G Ninja"
if [ ! -f build/CMakeCache.txt ]; then
  cmake --preset release $GEN >/dev/null
fi
cmake --build build -j "$(nproc)"
