#!/bin/sh
# Installs the Debian 12 packages that bounced builds and runs with, and Postfix, which
# the end-to-end test drives (it runs its own instance on 127.0.0.1:2525).
# Skips the package manager when everything is already there.
set -e
PKGS="cmake g++ make pkg-config libmimetic-dev libboost-program-options-dev libboost-dev \
libsqlite3-dev libspdlog-dev doctest-dev libre2-dev libtomlplusplus-dev libmimalloc-dev python3 ninja-build \
postfix"
# Hyperscan (Debian ships it for amd64 only) proposes the rules' text matches; without
# it RE2 alone matches, with the same results.
[ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] && PKGS="$PKGS libhyperscan-dev"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
