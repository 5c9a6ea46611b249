#!/bin/sh
# install/package.sh: the release artifacts, so cachewrap installs without a Swift toolchain.
#
# What it does: builds the static release binary (`swift build -c release --static-swift-stdlib`,
# as install.sh does; the release configuration links `-static-executable`, see Package.swift),
# checks that it runs, says the version in Sources/CachewrapCore/CLI/Cachewrap.swift and is
# static (`ldd`: "not a dynamic executable"), and writes into DIR (default .build/dist):
#   cachewrap-VERSION-linux-ARCH.tar.gz         a folder cachewrap-VERSION-linux-ARCH/ with the
#                                               binary, man/cachewrap.1, completions/ (bash, zsh,
#                                               fish) and install/install.sh + uninstall.sh, so
#                                               `sh cachewrap-…/install/install.sh` installs it
#   cachewrap_VERSION_ARCH.deb                  /usr/bin/cachewrap, the man page (gzipped) and the
#                                               completions where Debian's shells look for them
#   each of the two with a .sha256 beside it    `HASH  FILENAME`, as sha256sum prints and checks
#   latest                                      VERSION, one line: what install.sh reads from
#                                               CACHEWRAP_RELEASE_URL/latest to pick the archive
# Then it prints the paths it wrote, one a line.
#
# ARCH is the Debian name (amd64, arm64) in both names: the .deb must use it, and one word for
# one machine on a release page is easier than two; install.sh maps `uname -m` the same way.
#
# The version is written in one place, `public static let version = "…"` in
# Sources/CachewrapCore/CLI/Cachewrap.swift; this script reads that line, and refuses a binary
# whose `--version` says anything else.
#
# Reproducible: the same binary and files give byte-identical artifacts. Every file's mtime is
# SOURCE_DATE_EPOCH (default: the last commit's date), the tarball is sorted with owner 0:0 and
# gzip -n (no name, no time), the .deb is built with `dpkg-deb --root-owner-group` (which stamps
# its members with SOURCE_DATE_EPOCH too).
#
# Usage: sh install/package.sh [--out DIR] [--binary PATH]
#   --out DIR       where the artifacts go (default: .build/dist in the checkout); made if missing
#   --binary PATH   package this already built release binary instead of building one
# Environment: SWIFT (default: swift on PATH), CACHEWRAP_PACKAGE_SWIFT_BUILD_ARGS (extra `swift
# build` arguments, split on blanks, e.g. "--scratch-path DIR"), SOURCE_DATE_EPOCH,
# CACHEWRAP_MAINTAINER (the .deb's Maintainer field).
#
# POSIX sh; needs GNU tar (--sort=name), gzip, dpkg-deb (Debian's base package dpkg), and
# sha256sum or shasum. The whole script is one function called on the last line.

main() {
  set -eu
  umask 022
  me="cachewrap package"
  out=""
  binary=""
  while [ $# -gt 0 ]; do
    case $1 in
      --out) [ $# -ge 2 ] || usage_error "--out needs a directory"; out=$2; shift ;;
      --out=*) out=${1#--out=} ;;
      --binary) [ $# -ge 2 ] || usage_error "--binary needs a path"; binary=$2; shift ;;
      --binary=*) binary=${1#--binary=} ;;
      -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; return 0 ;;
      *) usage_error "unknown option '$1'" ;;
    esac
    shift
  done

  src=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
  version_file="$src/Sources/CachewrapCore/CLI/Cachewrap.swift"
  for f in Package.swift Sources/CachewrapCore/CLI/Cachewrap.swift install/install.sh install/uninstall.sh \
      man/cachewrap.1 completions/cachewrap.bash completions/_cachewrap completions/cachewrap.fish; do
    [ -f "$src/$f" ] || fail "$src has no $f: run this script from a cachewrap checkout"
  done
  version=$(sed -n 's/^ *public static let version = "\([^"]*\)"$/\1/p' "$version_file")
  case $version in
    ""|*[!0-9A-Za-z.+~-]*) fail "cannot read the version from $version_file (a line 'public static let version = \"X.Y.Z\"')" ;;
  esac
  arch=$(debian_arch "$(uname -m)") || fail "no Debian architecture name known for this machine (uname -m: $(uname -m))"
  epoch=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || true)}
  case $epoch in ""|*[!0-9]*) fail "set SOURCE_DATE_EPOCH (seconds since 1970): $src is no git checkout to take the last commit's date from" ;; esac
  for tool in tar gzip dpkg-deb; do
    command -v "$tool" >/dev/null 2>&1 || fail "needs $tool on PATH (dpkg-deb is in Debian's dpkg package)"
  done
  tar --version 2>/dev/null | grep -q 'GNU tar' || fail "needs GNU tar (for --sort=name, --mtime, --owner)"
  command -v sha256sum >/dev/null 2>&1 || command -v shasum >/dev/null 2>&1 || fail "needs sha256sum or shasum"
  [ -n "$out" ] || out="$src/.build/dist"
  mkdir -p -- "$out" || fail "cannot create $out"
  out=$(CDPATH='' cd -- "$out" && pwd)

  tmp=$(mktemp -d "${TMPDIR:-/tmp}/cachewrap-package.XXXXXX") || fail "cannot make a temp dir"
  trap 'rm -rf -- "$tmp"' EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM

  if [ -z "$binary" ]; then
    SWIFT=${SWIFT:-swift}
    command -v "$SWIFT" >/dev/null 2>&1 || fail "no $SWIFT on PATH: install Swift 6 (https://www.swift.org/install/linux/), set SWIFT, or give --binary PATH"
    # shellcheck disable=SC2086 # the extra arguments are split on blanks on purpose
    set -- -c release --static-swift-stdlib ${CACHEWRAP_PACKAGE_SWIFT_BUILD_ARGS:-}
    say "building (swift build $*)"
    (cd "$src" && "$SWIFT" build "$@" </dev/null >&2) || fail "swift build failed (see above)"
    binary="$(cd "$src" && "$SWIFT" build "$@" --show-bin-path </dev/null)/cachewrap" || fail "swift build --show-bin-path failed"
  fi
  [ -f "$binary" ] && [ -x "$binary" ] || fail "no executable binary at $binary"
  said=$("$binary" --version </dev/null 2>&1) || fail "$binary --version failed: $said"
  [ "$said" = "cachewrap $version" ] || fail "$binary says '$said', but $version_file says $version: rebuild it"
  check_static "$binary"

  tarball="cachewrap-$version-linux-$arch.tar.gz"
  deb="cachewrap_${version}_$arch.deb"
  make_tarball "cachewrap-$version-linux-$arch"
  make_deb
  for artifact in "$tarball" "$deb"; do
    printf '%s  %s\n' "$(sha256_of "$tmp/$artifact")" "$artifact" > "$tmp/$artifact.sha256"
  done
  echo "$version" > "$tmp/latest"
  for f in "$tarball" "$tarball.sha256" "$deb" "$deb.sha256" latest; do
    mv -f -- "$tmp/$f" "$out/$f" || fail "cannot write $out/$f"
    echo "$out/$f"
  done
  say "cachewrap $version for linux-$arch in $out"
}

say() { printf '%s: %s\n' "$me" "$*" >&2; }
fail() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 1; }
usage_error() { printf '%s: %s (see --help)\n' "$me" "$*" >&2; exit 2; }

# The Debian name of machine `uname -m` $1 (install.sh's release_arch maps the same way).
debian_arch() {
  case $1 in
    x86_64|amd64) echo amd64 ;;
    aarch64|arm64) echo arm64 ;;
    *) return 1 ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum < "$1" | cut -d ' ' -f 1
  else shasum -a 256 < "$1" | cut -d ' ' -f 1; fi
}

# An archive for machines without the build's libraries holds one fully static file.
check_static() {
  if command -v ldd >/dev/null 2>&1; then
    ldd "$1" 2>&1 | grep -q 'not a dynamic executable' || fail "$1 links shared libraries (ldd: $(ldd "$1" 2>&1 | tr '\n' ' ')): a release needs the static build"
  elif command -v file >/dev/null 2>&1; then
    file -L "$1" | grep -q 'statically linked' || fail "$1 is not statically linked ($(file -L "$1"))"
  else
    fail "needs ldd or file to check that $1 is static"
  fi
}

# Copies $1 to $2 (under $tmp) with mode $3, making the directories on the way.
put() {
  mkdir -p -- "$(dirname -- "$2")"
  cp -- "$1" "$2"
  chmod "$3" "$2"
}

# Every file and directory under $1 dated SOURCE_DATE_EPOCH, directories 755.
settle() {
  find "$1" -type d -exec chmod 755 {} +
  find "$1" -exec touch -h -d "@$epoch" {} +
}

# $tmp/$tarball: the folder $1 with what install.sh needs to install from it.
make_tarball() {
  top="$tmp/tar/$1"
  put "$binary" "$top/cachewrap" 755
  put "$src/man/cachewrap.1" "$top/man/cachewrap.1" 644
  for c in cachewrap.bash _cachewrap cachewrap.fish; do put "$src/completions/$c" "$top/completions/$c" 644; done
  put "$src/install/install.sh" "$top/install/install.sh" 755
  put "$src/install/uninstall.sh" "$top/install/uninstall.sh" 755
  if [ -f "$src/LICENSE" ]; then put "$src/LICENSE" "$top/LICENSE" 644; fi
  settle "$tmp/tar"
  (cd "$tmp/tar" && tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu -cf - "$1") |
    gzip -9n > "$tmp/$tarball" || fail "cannot write $tarball"
}

# $tmp/$deb: the binary in /usr/bin, man page and completions where Debian's packages put theirs.
make_deb() {
  root="$tmp/deb"
  put "$binary" "$root/usr/bin/cachewrap" 755
  mkdir -p -- "$root/usr/share/man/man1"
  gzip -9n < "$src/man/cachewrap.1" > "$root/usr/share/man/man1/cachewrap.1.gz"
  chmod 644 "$root/usr/share/man/man1/cachewrap.1.gz"
  put "$src/completions/cachewrap.bash" "$root/usr/share/bash-completion/completions/cachewrap" 644
  put "$src/completions/_cachewrap" "$root/usr/share/zsh/vendor-completions/_cachewrap" 644
  put "$src/completions/cachewrap.fish" "$root/usr/share/fish/vendor_completions.d/cachewrap.fish" 644
  if [ -f "$src/LICENSE" ]; then put "$src/LICENSE" "$root/usr/share/doc/cachewrap/copyright" 644; fi
  size=$(du -sk "$root/usr" | cut -f 1)
  mkdir -p -- "$root/DEBIAN"
  # No Depends: the binary is static, it needs no library from the system.
  cat > "$root/DEBIAN/control" <<EOF
Package: cachewrap
Version: $version
Architecture: $arch
Maintainer: ${CACHEWRAP_MAINTAINER:-cachewrap developers <cachewrap@users.noreply.github.com>}
Installed-Size: $size
Section: utils
Priority: optional
Homepage: https://github.com/cachewrap/cachewrap
Description: cache and retry gh, hf, vastai, claude and friends
 cachewrap runs a command line tool through a local cache: a repeated
 read-only call is answered from the cache in about a millisecond, with
 the same bytes and exit code, while mutating and interactive calls always
 run. One static binary; see cachewrap(1).
EOF
  chmod 644 "$root/DEBIAN/control"
  settle "$root"
  SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$root" "$tmp/$deb" >&2 ||
    fail "dpkg-deb --build failed (see above)"
}

main "$@"
