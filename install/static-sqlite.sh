#!/bin/sh
# Prints a directory holding a sqlite3.pc that links the system SQLite statically, for the
# release build: `PKG_CONFIG_PATH=$(sh install/static-sqlite.sh DIR) swift build -c release ...`.
# Why: Package.swift names SQLite through pkg-config; the system's sqlite3.pc links the shared
# library, which costs every cachewrap start-up ~1,600 symbol relocations (~0.3 ms of a 2.4 ms
# hit). Debian's libsqlite3-dev ships libsqlite3.a too. Prints nothing (and the build stays
# dynamic) when there is no static library or no pkg-config.
set -eu
dir=${1:?usage: static-sqlite.sh DIR}
command -v pkg-config >/dev/null 2>&1 || exit 0
pkg-config --exists sqlite3 2>/dev/null || exit 0
libdir=$(pkg-config --variable=libdir sqlite3)
[ -f "$libdir/libsqlite3.a" ] || exit 0
mkdir -p "$dir"
cat > "$dir/sqlite3.pc" <<PC
Name: sqlite3
Description: the system SQLite, linked statically into cachewrap's release binary
Version: $(pkg-config --modversion sqlite3)
Libs: -l:libsqlite3.a -lm
Cflags: $(pkg-config --cflags sqlite3)
PC
echo "$dir"
