#!/bin/sh
# install/install.sh: the one-line install of cachewrap.
#
# What it does: checks that Swift 6 and the SQLite headers are there (and says exactly what to
# install when they are not), builds the static release binary (`swift build -c release
# --static-swift-stdlib`), and installs under PREFIX (default ~/.local):
#   bin/cachewrap                                   the binary
#   share/man/man1/cachewrap.1                      the man page
#   share/bash-completion/completions/cachewrap     bash completion
#   share/zsh/site-functions/_cachewrap             zsh completion
#   share/fish/vendor_completions.d/cachewrap.fish  fish completion
#   share/cachewrap/uninstall.sh                    install/uninstall.sh, to uninstall without a checkout
#   share/cachewrap/install-manifest                what was installed, for uninstall.sh
# Without Swift it installs the same files the same way from a release archive
# (cachewrap-VERSION-linux-ARCH.tar.gz, made by install/package.sh): CACHEWRAP_ARCHIVE names it
# (a path or a URL, fetched with curl or wget), or, when no swift is on PATH, CACHEWRAP_RELEASE_URL
# names the folder it is in (ARCH from `uname -m`: amd64, arm64; VERSION from CACHEWRAP_VERSION,
# else from the one line of URL/latest). Its SHA-256 is checked before anything is unpacked,
# against ARCHIVE.sha256 beside it or CACHEWRAP_ARCHIVE_SHA256 (with sha256sum, shasum or
# openssl); a missing or different checksum installs nothing. Its binary must run before it is
# installed. An unpacked archive installs itself: sh cachewrap-VERSION-linux-ARCH/install/install.sh.
# Then it prints the line to add to your shell's rc file (`eval "$(cachewrap init bash)"`), or with
# --shell-init adds it there itself, inside a `# >>> cachewrap >>>` ... `# <<< cachewrap <<<` block.
#
# Why a script: one command from a checkout or from a pipe, nothing to learn, and a manifest so
# uninstall.sh removes exactly what was installed and nothing else. It is idempotent: a second run
# with the same sources changes no file (an unchanged build is not even rebuilt: the manifest
# records a fingerprint of the sources and the toolchain, and the installed binary's SHA-256).
#
# Usage:
#   sh install/install.sh [OPTIONS]                       from a checkout (builds in its .build)
#   curl -fsSL URL/install/install.sh | sh -s -- [OPTIONS] no checkout: clones CACHEWRAP_REPO
#                                                         into a temp dir, removed at the end
#   CACHEWRAP_ARCHIVE=PATH-or-URL sh install.sh [OPTIONS] from a release archive, no Swift needed
# Options:
#   --prefix DIR          install under DIR (default: $PREFIX, else ~/.local)
#   --shell-init[=SHELL]  add the init line to the rc file of SHELL (bash, zsh, fish; default:
#                         the one $SHELL names): ~/.bashrc, ${ZDOTDIR:-~}/.zshrc,
#                         ${XDG_CONFIG_HOME:-~/.config}/fish/config.fish; once, however often run
#   --shims               the init line uses `cachewrap init SHELL --shims` (PATH shims, so
#                         scripts, CI and AI agents go through cachewrap too) instead of aliases
#   --force               rebuild and reinstall even when nothing changed
#   -h, --help            this text
# Environment:
#   PREFIX                                install root (default ~/.local); --prefix wins
#   CACHEWRAP_REPO                        repository cloned when not run from a checkout
#                                         (default https://github.com/cachewrap/cachewrap)
#   CACHEWRAP_REF                         branch or tag to clone (default: the default branch)
#   SWIFT                                 the swift driver (default: swift on PATH)
#   CACHEWRAP_INSTALL_SWIFT_BUILD_ARGS    extra `swift build` arguments, split on blanks (e.g.
#                                         "-j 1", or "--scratch-path DIR" to keep builds elsewhere)
#   CACHEWRAP_ARCHIVE                     the release archive to install (path or URL) instead
#                                         of building; wins over a checkout and over swift
#   CACHEWRAP_ARCHIVE_SHA256              its SHA-256, when there is no ARCHIVE.sha256 beside it
#   CACHEWRAP_RELEASE_URL                 where releases are (a folder: path or URL), used when
#                                         swift is not on PATH and CACHEWRAP_ARCHIVE is not set
#   CACHEWRAP_VERSION                     the release to take from there (default: URL/latest)
#
# POSIX sh only (dash, busybox sh, bash --posix). The whole script is one function called on
# the last line, so a truncated download runs nothing, and every command that could read stdin
# gets /dev/null: when piped to sh, stdin is this script.

main() {
  set -eu
  umask 022
  me="cachewrap install"
  default_repo="https://github.com/cachewrap/cachewrap"

  shell_init=""
  shims=""
  force=""
  prefix="${PREFIX:-}"
  while [ $# -gt 0 ]; do
    case $1 in
      --prefix) [ $# -ge 2 ] || usage_error "--prefix needs a directory"; prefix=$2; shift ;;
      --prefix=*) prefix=${1#--prefix=} ;;
      --shell-init) shell_init=$(basename -- "${SHELL:-sh}") ;;
      --shell-init=*) shell_init=${1#--shell-init=} ;;
      --shims) shims=" --shims" ;;
      --force) force=1 ;;
      -h|--help) help; return 0 ;;
      *) usage_error "unknown option '$1'" ;;
    esac
    shift
  done
  if [ -n "$shell_init" ]; then
    case $shell_init in
      bash|zsh|fish) ;;
      *) usage_error "--shell-init: cannot add the init line for shell '$shell_init' (SHELL=${SHELL:-unset}): use --shell-init=bash, --shell-init=zsh or --shell-init=fish" ;;
    esac
  fi

  [ -n "${HOME:-}" ] || fail "HOME is not set"
  [ -n "$prefix" ] || prefix="$HOME/.local"
  case $prefix in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
  while :; do case $prefix in */) [ "$prefix" = / ] && break; prefix=${prefix%/} ;; *) break ;; esac; done
  case $prefix in *"
"*) fail "PREFIX must not contain a newline" ;; esac
  PREFIX=$prefix
  manifest="$PREFIX/share/cachewrap/install-manifest"

  # Where the files come from: this checkout, the unpacked release archive this script is in,
  # a release archive named by CACHEWRAP_ARCHIVE (or picked from CACHEWRAP_RELEASE_URL when there
  # is no Swift), or a fresh clone.
  src=""
  release=""
  tmp=""
  trap 'cleanup' EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  case $0 in
    *install.sh)
      if [ -f "$0" ]; then
        here=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
        if [ -f "$here/Package.swift" ] && [ -d "$here/Sources/cachewrap" ]; then src=$here
        elif [ -f "$here/cachewrap" ] && [ -x "$here/cachewrap" ] && [ -f "$here/install/uninstall.sh" ]; then release=$here; fi
      fi ;;
  esac

  # One private temp dir for everything, removed at the end: the clone or the archive, and what
  # the Swift tools leave in TMPDIR (swift-driver's TemporaryDirectory.*, SwiftPM's lock files).
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/cachewrap-install.XXXXXX") || fail "cannot make a temp dir"
  TMPDIR=$tmp
  export TMPDIR

  SWIFT=${SWIFT:-swift}
  archive=${CACHEWRAP_ARCHIVE:-}
  if [ -z "$archive" ] && [ -z "$release" ] && [ -n "${CACHEWRAP_RELEASE_URL:-}" ] &&
     ! command -v "$SWIFT" >/dev/null 2>&1; then
    pick_release_archive
  fi
  if [ -n "$archive" ]; then unpack_verified; fi
  if [ -n "$release" ]; then
    src=$release
    check_tree
    built="$release/cachewrap"
    said=$("$built" --version </dev/null 2>&1) || fail "the release's binary does not run on this machine ($(uname -m)): $said"
    case $said in "cachewrap "*) ;; *) fail "the release's binary is not cachewrap (--version says: $said)" ;; esac
    fingerprint="release $(sha256_of "$built")"
  else
    build_from_source
  fi

  # Install (the same files from a build and from a release); every file goes through
  # install_file, which records it and the dirs it made.
  files=""
  created=""
  changes=0
  if [ -n "$built" ]; then install_file "$built" "$PREFIX/bin/cachewrap" 755; else files="$PREFIX/bin/cachewrap
"; fi
  install_file "$src/man/cachewrap.1" "$PREFIX/share/man/man1/cachewrap.1" 644
  install_file "$src/completions/cachewrap.bash" "$PREFIX/share/bash-completion/completions/cachewrap" 644
  install_file "$src/completions/_cachewrap" "$PREFIX/share/zsh/site-functions/_cachewrap" 644
  install_file "$src/completions/cachewrap.fish" "$PREFIX/share/fish/vendor_completions.d/cachewrap.fish" 644
  install_file "$src/install/uninstall.sh" "$PREFIX/share/cachewrap/uninstall.sh" 755
  version=$("$PREFIX/bin/cachewrap" --version </dev/null) || fail "$PREFIX/bin/cachewrap does not run"

  rc_entries=""
  if [ -n "$shell_init" ]; then add_shell_init "$shell_init"; fi
  remove_stale_files
  write_manifest

  # Tell the user what happened and what is left to do.
  if [ "$changes" -eq 0 ]; then
    say "$version: already installed in $PREFIX, nothing changed"
  else
    say "$version installed in $PREFIX ($changes files written)"
  fi
  target_shell=$(basename -- "${SHELL:-sh}")
  case $target_shell in bash|zsh|fish) ;; *) target_shell=bash ;; esac
  if [ -n "$shell_init" ]; then
    say "$rc_action $(rc_file "$shell_init"): open a new shell (or source it) to use cachewrap"
  else
    echo "To wrap gh, hf, vastai, claude, ... in $target_shell, add to $(rc_file "$target_shell"):"
    block_body "$target_shell" | sed 's/^/  /'
    echo "(or run the install again with --shell-init to add it there for you)"
  fi
  echo "Uninstall: sh $(shq "$PREFIX/share/cachewrap/uninstall.sh") (add --purge to delete the cache too)"
  found=$(command -v cachewrap 2>/dev/null || true)
  if [ -n "$found" ] && [ "$found" != "$PREFIX/bin/cachewrap" ]; then
    say "note: 'cachewrap' on your PATH is $found, which comes before $PREFIX/bin/cachewrap"
  fi
}

help() {
  cat <<'EOF'
Usage: sh install/install.sh [--prefix DIR] [--shell-init[=bash|zsh|fish]] [--shims] [--force]
       curl -fsSL URL/install/install.sh | sh -s -- [OPTIONS]
       CACHEWRAP_ARCHIVE=cachewrap-VERSION-linux-ARCH.tar.gz sh install.sh [OPTIONS]

Builds cachewrap (swift build -c release --static-swift-stdlib), or takes it from a release
archive whose SHA-256 it checks first, and installs the binary, the man page and the
bash/zsh/fish completions under PREFIX (default ~/.local), recording them in
PREFIX/share/cachewrap/install-manifest for install/uninstall.sh. Idempotent.

  --prefix DIR          install under DIR (default: $PREFIX, else ~/.local)
  --shell-init[=SHELL]  add the init line to your shell's rc file, in a marked block, once
  --shims               make that line `cachewrap init SHELL --shims` (shims first on PATH)
  --force               rebuild and reinstall even when nothing changed

Environment: PREFIX, CACHEWRAP_REPO (clone source when not in a checkout), CACHEWRAP_REF,
SWIFT, CACHEWRAP_INSTALL_SWIFT_BUILD_ARGS (extra swift build arguments).
Without Swift: CACHEWRAP_ARCHIVE (path or URL of the archive; its checksum is ARCHIVE.sha256 or
CACHEWRAP_ARCHIVE_SHA256), or CACHEWRAP_RELEASE_URL (the release folder, used when swift is not
on PATH) with CACHEWRAP_VERSION (default: the version in URL/latest).
EOF
}

say() { printf '%s: %s\n' "$me" "$*" >&2; }
fail() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 1; }
usage_error() { printf '%s: %s (see --help)\n' "${me:-cachewrap install}" "$*" >&2; exit 2; }

cleanup() {
  if [ -n "${tmp:-}" ] && [ -d "$tmp" ]; then rm -rf -- "$tmp"; fi
}

# `sudo ` when not root, for the commands we tell the user to run.
sudo_prefix() { if [ "$(id -u)" -eq 0 ]; then echo ""; else echo "sudo "; fi; }

# The package manager command that installs the Debian package $1 (or its equivalent elsewhere).
install_hint() {
  id_like=""
  if [ -r /etc/os-release ]; then
    # shellcheck disable=SC1091 # a system file, read for ID and ID_LIKE only
    id_like=$(. /etc/os-release >/dev/null 2>&1; echo "${ID:-} ${ID_LIKE:-}")
  fi
  s=$(sudo_prefix)
  case $1 in
    libsqlite3-dev)
      case " $id_like " in
        *" debian "*|*" ubuntu "*) echo "${s}apt-get install libsqlite3-dev" ;;
        *" fedora "*|*" rhel "*|*" centos "*) echo "${s}dnf install sqlite-devel" ;;
        *" suse "*|*" opensuse "*) echo "${s}zypper install sqlite3-devel" ;;
        *" arch "*) echo "${s}pacman -S sqlite" ;;
        *" alpine "*) echo "${s}apk add sqlite-dev" ;;
        *) echo "${s}apt-get install libsqlite3-dev (Debian/Ubuntu) or ${s}dnf install sqlite-devel (Fedora/RHEL)" ;;
      esac ;;
    git|curl)
      case " $id_like " in
        *" fedora "*|*" rhel "*|*" centos "*) echo "${s}dnf install $1" ;;
        *" alpine "*) echo "${s}apk add $1" ;;
        *) echo "${s}apt-get install $1" ;;
      esac ;;
  esac
}

# The files both ways install from, besides the binary.
check_tree() {
  for f in "$@" install/uninstall.sh man/cachewrap.1 completions/cachewrap.bash completions/_cachewrap completions/cachewrap.fish; do
    [ -f "$src/$f" ] || fail "$src has no $f: not a complete cachewrap source tree or release"
  done
}

# Sets src (this checkout, or a clone) and built (the new binary, or "" when the installed one
# was built from exactly these sources with this toolchain), and fingerprint.
build_from_source() {
  check_requirements
  if [ -z "$src" ]; then
    repo=${CACHEWRAP_REPO:-$default_repo}
    say "cloning $repo"
    set -- git clone --quiet --depth 1
    [ -z "${CACHEWRAP_REF:-}" ] || set -- "$@" --branch "$CACHEWRAP_REF"
    "$@" -- "$repo" "$tmp/cachewrap" </dev/null >&2 || fail "git clone $repo failed (set CACHEWRAP_REPO to the repository to install from)"
    src="$tmp/cachewrap"
  fi
  check_tree Package.swift
  # shellcheck disable=SC2086 # the extra arguments are split on blanks on purpose
  set -- -c release --static-swift-stdlib ${CACHEWRAP_INSTALL_SWIFT_BUILD_ARGS:-}
  fingerprint=$(source_fingerprint "$@")
  built=""
  if [ -z "$force" ] && [ -f "$manifest" ] && [ -f "$PREFIX/bin/cachewrap" ] &&
     [ "$(manifest_value source)" = "$fingerprint" ] &&
     [ "$(manifest_value binary-sha256)" = "$(sha256_of "$PREFIX/bin/cachewrap")" ]; then
    say "$PREFIX/bin/cachewrap is up to date (same sources, same toolchain): not rebuilding"
  else
    say "building (swift build $*): this takes a minute or two"
    (cd "$src" && "$SWIFT" build "$@" </dev/null >&2) || fail "swift build failed (see above)"
    bin_dir=$(cd "$src" && "$SWIFT" build "$@" --show-bin-path </dev/null) || fail "swift build --show-bin-path failed"
    built="$bin_dir/cachewrap"
    [ -x "$built" ] || fail "the build made no $built"
  fi
}

# The Debian name of this machine, as in the release file names (install/package.sh says why).
release_arch() {
  case $(uname -m) in
    x86_64|amd64) echo amd64 ;;
    aarch64|arm64) echo arm64 ;;
    *) fail "no release is built for this machine (uname -m: $(uname -m)): build from source with Swift 6" ;;
  esac
}

# Sets archive to this machine's archive under CACHEWRAP_RELEASE_URL, of version CACHEWRAP_VERSION,
# else of the version the one line of CACHEWRAP_RELEASE_URL/latest names (package.sh writes it).
pick_release_archive() {
  base=${CACHEWRAP_RELEASE_URL%/}
  release_version=${CACHEWRAP_VERSION:-}
  if [ -z "$release_version" ]; then
    fetch "$base/latest" "$tmp/latest" ||
      fail "cannot get $base/latest, which names the version to install: set CACHEWRAP_VERSION=X.Y.Z"
    release_version=$(head -n 1 "$tmp/latest" | tr -d ' \t\r')
  fi
  case $release_version in
    ""|*[!0-9A-Za-z.+~-]*) fail "'$release_version' (CACHEWRAP_VERSION, or $base/latest) is not a version" ;;
  esac
  arch=$(release_arch)
  archive="$base/cachewrap-$release_version-linux-$arch.tar.gz"
  say "no Swift toolchain ($SWIFT) on PATH: installing the release $archive"
}

# Copies $1 to $2: a path or file:// URL with cp, any other URL with curl or wget.
fetch() {
  case $1 in
    file://*) [ -f "${1#file://}" ] && cp -- "${1#file://}" "$2" ;;
    *://*)
      if command -v curl >/dev/null 2>&1; then curl -fsSL -o "$2" "$1" </dev/null
      elif command -v wget >/dev/null 2>&1; then wget -q -O "$2" "$1" </dev/null
      else fail "downloading $1 needs curl or wget (install one: $(install_hint curl)), or download it yourself and set CACHEWRAP_ARCHIVE to the file"
      fi ;;
    *) [ -f "$1" ] && cp -- "$1" "$2" ;;
  esac
}

# Gets $archive and its checksum ($archive.sha256 beside it, or CACHEWRAP_ARCHIVE_SHA256), checks
# the SHA-256 before unpacking anything, and sets release to the folder it unpacked. No checksum,
# or another one, and nothing is installed: PREFIX is not touched before this has passed.
unpack_verified() {
  have_sha256 || fail "no sha256sum, shasum or openssl on PATH to check $archive with: install one (coreutils has sha256sum); nothing was installed"
  dl="$tmp/release"
  mkdir -- "$dl" "$dl/unpacked"
  fetch "$archive" "$dl/archive.tar.gz" || fail "cannot get $archive; nothing was installed"
  if [ -n "${CACHEWRAP_ARCHIVE_SHA256:-}" ]; then
    from=CACHEWRAP_ARCHIVE_SHA256
    want=$CACHEWRAP_ARCHIVE_SHA256
  else
    from="$archive.sha256"
    fetch "$from" "$dl/archive.sha256" ||
      fail "no checksum for $archive: cannot get $from. Put the release's .sha256 file beside the archive, or set CACHEWRAP_ARCHIVE_SHA256 to the SHA-256 the release publishes; nothing was installed"
    want=$(sed -n '1s/[[:space:]].*//p' "$dl/archive.sha256")
  fi
  want=$(printf '%s' "$want" | tr 'A-F' 'a-f')
  case $want in *[!0-9a-f]*) want="" ;; esac
  [ ${#want} -eq 64 ] || fail "$from holds no SHA-256 (64 hex digits); nothing was installed"
  have=$(sha256_of "$dl/archive.tar.gz")
  [ "$have" = "$want" ] ||
    fail "checksum mismatch: $archive has SHA-256 $have, but $from says $want. It is damaged or not the file that was published; nothing was installed"
  say "$archive: SHA-256 verified"
  { gzip -dc < "$dl/archive.tar.gz" > "$dl/archive.tar" && (cd "$dl/unpacked" && tar -xf - < "$dl/archive.tar"); } ||
    fail "cannot unpack $archive (needs gzip and tar); nothing was installed"
  rm -f -- "$dl/archive.tar"
  set -- "$dl/unpacked"/*
  [ $# -eq 1 ] && [ -d "$1" ] || fail "$archive is not a cachewrap release (one folder cachewrap-VERSION-linux-ARCH/ in it)"
  [ -f "$1/cachewrap" ] || fail "$archive is not a cachewrap release: no $(basename -- "$1")/cachewrap in it"
  release=$1
}

# Everything the build needs, all reported at once, each with the command that fixes it.
check_requirements() {
  missing=0
  if ! command -v "$SWIFT" >/dev/null 2>&1; then
    printf '%s: missing: Swift 6 (no "%s" on PATH). Install a Swift 6 toolchain from https://www.swift.org/install/linux/ (for example with swiftly) and put its usr/bin on PATH, or set SWIFT=/path/to/swift. Or install a release without Swift: CACHEWRAP_ARCHIVE=PATH-or-URL of cachewrap-VERSION-linux-%s.tar.gz (its .sha256 beside it), or CACHEWRAP_RELEASE_URL=URL of the folder that holds the release files.\n' "$me" "$SWIFT" "$(release_arch 2>/dev/null || uname -m)" >&2
    missing=1
  else
    major=$("$SWIFT" --version </dev/null 2>&1 | sed -n 's/.*Swift version \([0-9][0-9]*\)\..*/\1/p' | head -n 1)
    if [ -z "$major" ] || [ "$major" -lt 6 ]; then
      printf '%s: missing: Swift 6 or newer ("%s --version" says: %s). Install Swift 6 from https://www.swift.org/install/linux/ and put it first on PATH.\n' \
        "$me" "$SWIFT" "$("$SWIFT" --version </dev/null 2>&1 | head -n 1)" >&2
      missing=1
    fi
  fi
  if ! sqlite_headers_present; then
    printf '%s: missing: the SQLite headers (sqlite3.h). Install them: %s\n' "$me" "$(install_hint libsqlite3-dev)" >&2
    missing=1
  fi
  if [ -z "$src" ] && ! command -v git >/dev/null 2>&1; then
    printf '%s: missing: git (needed to fetch the sources when not run from a checkout). Install it: %s\n' "$me" "$(install_hint git)" >&2
    missing=1
  fi
  [ "$missing" -eq 0 ] || fail "install what is missing above, then run this again"
}

sqlite_headers_present() {
  for d in /usr/include /usr/local/include; do [ -f "$d/sqlite3.h" ] && return 0; done
  if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists sqlite3 2>/dev/null; then
    for flag in $(pkg-config --cflags-only-I sqlite3 2>/dev/null); do
      [ -f "${flag#-I}/sqlite3.h" ] && return 0
    done
  fi
  return 1
}

sha256_stdin() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 | cut -d ' ' -f 1
  else openssl dgst -sha256 | sed 's/.*= *//'; fi
}
have_sha256() {
  for tool in sha256sum shasum openssl; do command -v "$tool" >/dev/null 2>&1 && return 0; done
  return 1
}
sha256_of() { sha256_stdin < "$1"; }

# Names the build: the toolchain, the build arguments, and every file the binary is made from,
# by relative path, so the same sources anywhere (a checkout, a fresh clone) give the same value.
source_fingerprint() {
  (
    cd "$src"
    "$SWIFT" --version </dev/null 2>/dev/null
    echo "swift build $*"
    find Package.swift Package.resolved Sources -type f 2>/dev/null | LC_ALL=C sort | while IFS= read -r f; do
      printf '%s %s\n' "$(sha256_of "$f")" "$f"
    done
  ) | sha256_stdin
}

# The value of the first `KEY value` line of the existing manifest ("" when none).
manifest_value() {
  [ -f "$manifest" ] || return 0
  sed -n "s/^$1 //p" "$manifest" | head -n 1
}

# mkdir -p that remembers every directory it made (so uninstall can remove them when empty).
ensure_dir() {
  [ -d "$1" ] && return 0
  ensure_dir "$(dirname -- "$1")"
  mkdir -- "$1" || fail "cannot create $1"
  created="$created$1
"
}

# Copies $1 to $2 with mode $3, atomically, unless $2 already has exactly that content.
install_file() {
  ensure_dir "$(dirname -- "$2")"
  files="$files$2
"
  if [ -f "$2" ] && [ ! -L "$2" ] && cmp -s "$1" "$2"; then
    chmod "$3" "$2"
    return 0
  fi
  part="$(dirname -- "$2")/.cachewrap-install.$$"
  if ! { cp -- "$1" "$part" && chmod "$3" "$part" && mv -f -- "$part" "$2"; }; then
    rm -f -- "$part"
    fail "cannot write $2"
  fi
  changes=$((changes + 1))
}

# Files an earlier install recorded that this one no longer installs (a renamed page, say).
remove_stale_files() {
  [ -f "$manifest" ] || return 0
  sed -n 's/^file //p' "$manifest" | while IFS= read -r old; do
    case $old in "$PREFIX"/*) ;; *) continue ;; esac
    [ "$old" = "$manifest" ] && continue
    if ! printf '%s' "$files" | grep -Fqx -- "$old" && { [ -f "$old" ] || [ -L "$old" ]; }; then
      rm -f -- "$old" && say "removed $old (no longer installed)"
    fi
  done
}

# The manifest: same input, same bytes (no dates), so a second run leaves it untouched.
write_manifest() {
  ensure_dir "$(dirname -- "$manifest")"
  files="$files$manifest
"
  new="$manifest.new.$$"
  {
    echo "# cachewrap install manifest: written by install/install.sh, read by install/uninstall.sh."
    echo "# One entry per line, KIND PATH. uninstall.sh removes each file, each dir when empty,"
    echo "# and the marked block in each rc file. Do not edit."
    echo "prefix $PREFIX"
    echo "source $fingerprint"
    echo "binary-sha256 $(sha256_of "$PREFIX/bin/cachewrap")"
    printf '%s' "$files" | sed 's/^/file /'
    { manifest_lines dir; printf '%s' "$created"; } | LC_ALL=C sort -u | sed '/^$/d; s/^/dir /'
    { manifest_lines rc-block; manifest_lines rc-created; printf '%s' "$rc_entries"; } | LC_ALL=C sort -u | sed '/^$/d'
  } > "$new" || fail "cannot write $manifest"
  if [ -f "$manifest" ] && cmp -s "$new" "$manifest"; then
    rm -f -- "$new"
  else
    mv -f -- "$new" "$manifest"
    changes=$((changes + 1))
  fi
}

# Lines of the existing manifest of kind $1: the path alone for dir, the whole line otherwise.
manifest_lines() {
  [ -f "$manifest" ] || return 0
  case $1 in
    dir) sed -n 's/^dir //p' "$manifest" ;;
    *) grep "^$1 " "$manifest" || true ;;
  esac
}

# $1 in single quotes for sh (bash, zsh): only ' itself needs care.
shq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
# $1 in single quotes for fish: \ and ' are escaped with a backslash.
fishq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/[\\\\']/\\\\&/g")"; }

on_path() { case ":${PATH:-}:" in *":$1:"*) return 0 ;; *) return 1 ;; esac; }

# The rc file of shell $1.
rc_file() {
  case $1 in
    bash) echo "$HOME/.bashrc" ;;
    zsh) echo "${ZDOTDIR:-$HOME}/.zshrc" ;;
    fish)
      case ${XDG_CONFIG_HOME:-} in /*) echo "$XDG_CONFIG_HOME/fish/config.fish" ;; *) echo "$HOME/.config/fish/config.fish" ;; esac ;;
  esac
}

# The lines for shell $1's rc file: the init line, and before it only what this PREFIX needs
# (its bin on PATH; its completions where the shell does not look by itself).
block_body() {
  bin="$PREFIX/bin"
  data_home=${XDG_DATA_HOME:-}
  case $data_home in /*) ;; *) data_home="$HOME/.local/share" ;; esac
  case $1 in
    bash)
      on_path "$bin" || echo "case \":\$PATH:\" in *:$(shq "$bin"):*) ;; *) export PATH=$(shq "$bin")\":\$PATH\" ;; esac"
      comp="$PREFIX/share/bash-completion/completions"
      user_comp="${BASH_COMPLETION_USER_DIR:-$data_home/bash-completion}/completions"
      case $comp in
        "$user_comp"|/usr/share/*|/usr/local/share/*) [ -f /usr/share/bash-completion/bash_completion ] ||
          echo "[ -f $(shq "$comp/cachewrap") ] && . $(shq "$comp/cachewrap")" ;;
        *) echo "[ -f $(shq "$comp/cachewrap") ] && . $(shq "$comp/cachewrap")" ;;
      esac
      echo "eval \"\$(cachewrap init bash$shims)\"" ;;
    zsh)
      on_path "$bin" || echo "case \":\$PATH:\" in *:$(shq "$bin"):*) ;; *) export PATH=$(shq "$bin")\":\$PATH\" ;; esac"
      fdir="$PREFIX/share/zsh/site-functions"
      if ! { command -v zsh >/dev/null 2>&1 && zsh -fc 'print -rl -- $fpath' </dev/null 2>/dev/null | grep -Fqx -- "$fdir"; }; then
        echo "fpath=($(shq "$fdir") \$fpath); autoload -Uz _cachewrap; (( \$+functions[compdef] )) && compdef _cachewrap cachewrap"
      fi
      echo "eval \"\$(cachewrap init zsh$shims)\"" ;;
    fish)
      on_path "$bin" || echo "contains -- $(fishq "$bin") \$PATH; or set -gx PATH $(fishq "$bin") \$PATH"
      fcomp="$PREFIX/share/fish/vendor_completions.d"
      case $fcomp in
        "$data_home/fish/vendor_completions.d"|/usr/share/fish/vendor_completions.d|/usr/local/share/fish/vendor_completions.d) ;;
        *) echo "contains -- $(fishq "$fcomp") \$fish_complete_path; or set -p fish_complete_path $(fishq "$fcomp")" ;;
      esac
      echo "cachewrap init fish$shims | source" ;;
  esac
}

begin_marker="# >>> cachewrap >>>"
end_marker="# <<< cachewrap <<<"

block_text() {
  echo "$begin_marker"
  echo "# added by cachewrap's install.sh; install/uninstall.sh removes this block"
  block_body "$1"
  echo "$end_marker"
}

# Puts the block in the rc file of shell $1: appended once; replaced in place when it differs
# (another PREFIX, --shims); left alone when it is already there as it should be. The file is
# written through (never replaced), so a symlinked rc file and its mode stay as they are.
add_shell_init() {
  rc=$(rc_file "$1")
  want="$tmp/cachewrap-block"
  block_text "$1" > "$want"
  rc_action="the init block is already in"
  if [ ! -e "$rc" ]; then
    ensure_dir "$(dirname -- "$rc")"
    : > "$rc" || fail "cannot create $rc"
    rc_entries="${rc_entries}rc-created $rc
"
  fi
  rc_entries="${rc_entries}rc-block $rc
"
  if grep -Fqx -- "$begin_marker" "$rc"; then
    have="$want.have"
    awk -v b="$begin_marker" -v e="$end_marker" '$0 == b { on = 1 } on { print } $0 == e { on = 0 }' "$rc" > "$have"
    if ! cmp -s "$want" "$have"; then
      out="$want.rc"
      awk -v b="$begin_marker" -v e="$end_marker" -v f="$want" '
        $0 == b { if (!done) { while ((getline line < f) > 0) print line; done = 1 } skip = 1; next }
        skip { if ($0 == e) skip = 0; next }
        { print }' "$rc" > "$out" || fail "cannot update $rc"
      cat "$out" > "$rc" || fail "cannot update $rc"
      rm -f -- "$out"
      rc_action="updated the init block in"
      changes=$((changes + 1))
    fi
    rm -f -- "$have"
  else
    # A last line without its newline would run into the marker.
    if [ -s "$rc" ] && [ -n "$(tail -c 1 "$rc")" ]; then echo >> "$rc"; fi
    cat "$want" >> "$rc" || fail "cannot write $rc"
    rc_action="added the init block to"
    changes=$((changes + 1))
  fi
  rm -f -- "$want"
}

main "$@"
