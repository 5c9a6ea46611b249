#!/bin/sh
# install/uninstall.sh: removes what install/install.sh installed, and nothing else.
#
# What it does: reads PREFIX/share/cachewrap/install-manifest (written by install.sh) and removes
# every file it lists (only files under PREFIX, only regular files and symlinks), then every
# directory it lists that install.sh created and that is now empty, and the
# `# >>> cachewrap >>>` ... `# <<< cachewrap <<<` block from each rc file it lists (and from
# ~/.bashrc, ~/.zshrc and fish's config.fish if they have one). An rc file that install.sh
# created and that is empty without the block is removed too. Shims that point at the removed
# binary (in the default shim directory of `cachewrap init --shims`) are removed as well, since
# they would be dangling links.
#
# With --purge it also deletes the cache: $CACHEWRAP_DIR, else $XDG_CACHE_HOME/cachewrap, else
# ~/.cache/cachewrap. Carefully: never a symlink, /, $HOME, PREFIX or a directory that holds
# them; only a directory that holds a cachewrap database (cache.db) or is empty. The default
# location is cachewrap's own and goes whole; in a directory named by CACHEWRAP_DIR only what
# cachewrap makes goes (cache.db and its -wal/-shm/-journal/.corrupt-* files, locks/), and
# whatever else is there is left alone and named.
#
# Why a manifest: "remove exactly what was installed" must not guess from file names, and must
# never take a user's own file that happens to sit next to ours.
#
# Usage: sh install/uninstall.sh [--prefix DIR] [--purge]
#        (PREFIX in the environment works too; default ~/.local, as for install.sh; the copy that
#        install.sh leaves in PREFIX/share/cachewrap/uninstall.sh defaults to its own PREFIX)
# POSIX sh only.

main() {
  set -eu
  me="cachewrap uninstall"
  purge=""
  prefix="${PREFIX:-}"
  while [ $# -gt 0 ]; do
    case $1 in
      --prefix) [ $# -ge 2 ] || usage_error "--prefix needs a directory"; prefix=$2; shift ;;
      --prefix=*) prefix=${1#--prefix=} ;;
      --purge) purge=1 ;;
      -h|--help) help; return 0 ;;
      *) usage_error "unknown option '$1'" ;;
    esac
    shift
  done
  [ -n "${HOME:-}" ] || fail "HOME is not set"
  # The copy install.sh puts in PREFIX/share/cachewrap knows its PREFIX: it sits by the manifest.
  if [ -z "$prefix" ]; then
    case $0 in
      */share/cachewrap/uninstall.sh)
        if [ -f "$(dirname -- "$0")/install-manifest" ]; then
          prefix=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
        fi ;;
    esac
  fi
  [ -n "$prefix" ] || prefix="$HOME/.local"
  case $prefix in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
  while :; do case $prefix in */) [ "$prefix" = / ] && break; prefix=${prefix%/} ;; *) break ;; esac; done
  PREFIX=$prefix
  manifest="$PREFIX/share/cachewrap/install-manifest"
  binary="$PREFIX/bin/cachewrap"

  if [ -f "$manifest" ]; then
    head -n 1 "$manifest" | grep -q '^# cachewrap install manifest' ||
      fail "$manifest is not a cachewrap install manifest: not touching anything"
    # Where the binary really is, for the shim links, before it goes.
    real_binary=""
    if [ -e "$binary" ]; then real_binary="$(CDPATH='' cd -P -- "$(dirname -- "$binary")" && pwd)/cachewrap"; fi

    sed -n 's/^file //p' "$manifest" | while IFS= read -r path; do
      case $path in
        "$PREFIX"/*) ;;
        *) say "skipped $path: not under $PREFIX"; continue ;;
      esac
      [ "$path" = "$manifest" ] && continue
      if [ -L "$path" ] || [ -f "$path" ]; then
        rm -f -- "$path" && say "removed $path"
      fi
    done
    remove_blocks "$(sed -n 's/^rc-block //p' "$manifest")"
    remove_created_rc_files
    remove_shims
    dirs=$(sed -n 's/^dir //p' "$manifest")
    rm -f -- "$manifest"
    say "removed $manifest"
    # Deepest first, and only when empty: a directory that has anything else in it stays.
    printf '%s\n' "$dirs" | awk '{ print length($0) "\t" $0 }' | LC_ALL=C sort -rn | cut -f 2- |
      while IFS= read -r dir; do
        if [ -n "$dir" ] && [ -d "$dir" ] && rmdir -- "$dir" 2>/dev/null; then say "removed $dir/"; fi
      done
  else
    say "no install manifest at $manifest: nothing installed under $PREFIX by install.sh"
    remove_blocks ""
  fi

  if [ -n "$purge" ]; then purge_cache; fi
  say "done"
}

help() {
  cat <<'EOF'
Usage: sh install/uninstall.sh [--prefix DIR] [--purge]

Removes what install/install.sh installed under PREFIX (default ~/.local), as listed in
PREFIX/share/cachewrap/install-manifest, the directories it created (when empty), and the
"# >>> cachewrap >>>" block it added to your shell's rc file.

  --prefix DIR   the PREFIX given to install.sh (default: $PREFIX, else the PREFIX this copy
                 was installed in, else ~/.local)
  --purge        also delete the cache directory ($CACHEWRAP_DIR, else
                 $XDG_CACHE_HOME/cachewrap, else ~/.cache/cachewrap), and only what cachewrap
                 put there
EOF
}

say() { printf '%s: %s\n' "$me" "$*" >&2; }
fail() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 1; }
usage_error() { printf '%s: %s (see --help)\n' "${me:-cachewrap uninstall}" "$*" >&2; exit 2; }

begin_marker="# >>> cachewrap >>>"
end_marker="# <<< cachewrap <<<"

# The rc files install.sh may have written, for every shell it knows.
standard_rc_files() {
  echo "$HOME/.bashrc"
  echo "${ZDOTDIR:-$HOME}/.zshrc"
  case ${XDG_CONFIG_HOME:-} in
    /*) echo "$XDG_CONFIG_HOME/fish/config.fish" ;;
    *) echo "$HOME/.config/fish/config.fish" ;;
  esac
}

# Removes the marked block (markers included) from each listed rc file and the standard ones.
# The file is written through, so a symlinked rc file and its mode stay as they are.
remove_blocks() {
  { printf '%s\n' "$1"; standard_rc_files; } | awk 'NF && !seen[$0]++' | while IFS= read -r rc; do
    [ -f "$rc" ] || continue
    grep -Fqx -- "$begin_marker" "$rc" || continue
    stripped="${TMPDIR:-/tmp}/cachewrap-uninstall.$$"
    awk -v b="$begin_marker" -v e="$end_marker" '
      $0 == b { skip = 1; next }
      skip { if ($0 == e) skip = 0; next }
      { print }' "$rc" > "$stripped" || { rm -f -- "$stripped"; fail "cannot read $rc"; }
    cat "$stripped" > "$rc" || { rm -f -- "$stripped"; fail "cannot write $rc"; }
    rm -f -- "$stripped"
    say "removed the cachewrap block from $rc"
  done
}

# An rc file that install.sh created is removed when nothing but the block was in it.
remove_created_rc_files() {
  sed -n 's/^rc-created //p' "$manifest" | while IFS= read -r rc; do
    if [ -f "$rc" ] && [ ! -L "$rc" ] && [ ! -s "$rc" ]; then
      rm -f -- "$rc" && say "removed $rc (created by install.sh, now empty)"
    fi
  done
}

# Shims (`cachewrap init --shims`, `cachewrap shims`) in the default shim directory that point
# at the binary being removed would be dangling links: they go too, and the directory when empty.
remove_shims() {
  case ${XDG_DATA_HOME:-} in
    /*) shim_dir="$XDG_DATA_HOME/cachewrap/shims" ;;
    *) shim_dir="$HOME/.local/share/cachewrap/shims" ;;
  esac
  [ -d "$shim_dir" ] || return 0
  for link in "$shim_dir"/*; do
    [ -L "$link" ] || continue
    target=$(readlink -- "$link") || continue
    if [ "$target" = "$binary" ] || { [ -n "$real_binary" ] && [ "$target" = "$real_binary" ]; }; then
      rm -f -- "$link" && say "removed shim $link"
    fi
  done
  if rmdir -- "$shim_dir" 2>/dev/null; then say "removed $shim_dir/"; fi
  rmdir -- "$(dirname -- "$shim_dir")" 2>/dev/null || true
}

# The absolute, symlink-free form of directory $1 (empty when it does not exist).
resolved() { (CDPATH='' cd -P -- "$1" 2>/dev/null && pwd) || true; }

purge_cache() {
  dedicated=""
  if [ -n "${CACHEWRAP_DIR:-}" ]; then
    cache=$CACHEWRAP_DIR
  else
    dedicated=1
    case ${XDG_CACHE_HOME:-} in
      /*) cache="$XDG_CACHE_HOME/cachewrap" ;;
      *) cache="$HOME/.cache/cachewrap" ;;
    esac
  fi
  case $cache in /*) ;; *) say "--purge: cache dir '$cache' is not an absolute path: left alone"; return 0 ;; esac
  if [ -L "$cache" ]; then say "--purge: $cache is a symbolic link: left alone (remove it yourself)"; return 0; fi
  if [ ! -d "$cache" ]; then say "--purge: no cache at $cache"; return 0; fi
  real=$(resolved "$cache")
  # Never a directory that is, or holds, /, HOME or PREFIX.
  for precious in / "$HOME" "$PREFIX"; do
    p=$(resolved "$precious")
    [ -n "$p" ] || continue
    case "$p/" in
      "$real"/*|"$real/") say "--purge: $cache holds $precious: left alone"; return 0 ;;
    esac
  done
  if [ ! -f "$cache/cache.db" ] && [ -n "$(ls -A -- "$cache")" ]; then
    say "--purge: $cache has no cache.db, so it does not look like a cachewrap cache: left alone"
    return 0
  fi
  if [ -n "$dedicated" ] && [ -f "$cache/cache.db" ]; then
    # The default location is cachewrap's own directory, named after it: all of it goes.
    rm -rf -- "$cache" && say "removed the cache $cache"
    return 0
  fi
  # A directory named by CACHEWRAP_DIR may be shared: only what cachewrap makes goes.
  for entry in "$cache"/cache.db "$cache"/cache.db-wal "$cache"/cache.db-shm "$cache"/cache.db-journal \
      "$cache"/cache.db.corrupt-*; do
    if [ -f "$entry" ] && [ ! -L "$entry" ]; then rm -f -- "$entry"; fi
  done
  if [ -d "$cache/locks" ] && [ ! -L "$cache/locks" ]; then
    # Lock files only: regular files directly in locks/.
    find "$cache/locks" -mindepth 1 -maxdepth 1 -type f -exec rm -f -- {} + 2>/dev/null || true
    rmdir -- "$cache/locks" 2>/dev/null || say "--purge: left $cache/locks (it holds more than lock files)"
  fi
  if rmdir -- "$cache" 2>/dev/null; then
    say "removed the cache $cache"
  else
    say "--purge: removed cachewrap's files from $cache; left what else is there:"
    find "$cache" -mindepth 1 -maxdepth 1 | sed 's/^/  /' >&2
  fi
}

main "$@"
