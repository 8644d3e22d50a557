#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs, from Debian's packages, whatever Jalon needs to build and test that the
# machine lacks. Idempotent: a machine that has everything is left untouched.
set -eu

packages="build-essential cmake pkg-config git ca-certificates
liblua5.4-dev libsqlite3-dev libgit2-dev libjansson-dev libcmocka-dev libical-dev
libcurl4-openssl-dev libzip-dev
sqlite3 valgrind clang python3-aiosmtpd openssl lua-check
chromium libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-dejavu-core"

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
