#!/bin/sh
# Builds cachewrap as one static binary and installs it under PREFIX (default ~/.local).
# Usage: sh install/install.sh            (from a checkout)
set -eu

PREFIX="${PREFIX:-$HOME/.local}"
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)

fail() { echo "cachewrap install: $*" >&2; exit 1; }

command -v swift >/dev/null 2>&1 || fail "swift not found: install Swift 6 (https://swift.org/install) and put it on PATH"
if ! { [ -f /usr/include/sqlite3.h ] || pkg-config --exists sqlite3 2>/dev/null; }; then
  fail "SQLite headers not found: apt-get install libsqlite3-dev"
fi
[ -f "$here/Package.swift" ] || fail "run this from a cachewrap checkout ($here has no Package.swift)"

echo "cachewrap install: building (release, static Swift stdlib)..." >&2
(cd "$here" && swift build -c release --static-swift-stdlib >&2)

mkdir -p "$PREFIX/bin"
tmp="$PREFIX/bin/.cachewrap.tmp.$$"
cp "$here/.build/release/cachewrap" "$tmp"
chmod 755 "$tmp"
mv -f "$tmp" "$PREFIX/bin/cachewrap"
echo "cachewrap install: installed $PREFIX/bin/cachewrap" >&2

case ":$PATH:" in
  *":$PREFIX/bin:"*) ;;
  *) echo "cachewrap install: add it to PATH: export PATH=\"$PREFIX/bin:\$PATH\"" >&2 ;;
esac
