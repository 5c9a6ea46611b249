#!/usr/bin/env bash
# Archive-installed against source-built cachewrap (issue 18): is the binary a user gets from the
# release tarball, installed with no Swift on PATH, as fast on a hit as one built from source?
#
#   bash bench/archive.sh        # ~1 minute with both builds up to date; prints a markdown report
#                                # and writes its section at the end of bench/RESULTS.md
#
# The archive: `sh install/package.sh` (its release build in .build), installed by
# `CACHEWRAP_ARCHIVE=… sh install/install.sh` with PATH=/usr/bin:/bin into a temporary PREFIX.
# The source build: `swift build -c release --static-swift-stdlib` with the scratch path
# .build-bench, as bench/run.sh builds, timed twice: where the linker wrote it, and copied with cp
# as install.sh's install_file puts it in PREFIX/bin (a file written in one sequential pass is
# mapped with about half the page faults of the linker's output, so the copy starts faster). All
# three time `cachewrap -- cat` of the same 1 KiB in the same cache dir, in one hyperfine run
# (-N), reported as archive / source medians; the minor page faults of one hit are given too.
# Everything runs in a temporary directory that is removed on exit.
#
# Knobs (environment): BENCH_RUNS (timed runs per command, default 400), BENCH_ARCHIVE (install
# this tarball, its .sha256 beside it, instead of running package.sh), BENCH_BIN (time this
# source-built binary instead of building one), BENCH_NO_WRITE=1 (do not touch bench/RESULTS.md),
# SWIFT_BIN (default /opt/swift/usr/bin).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# ROOT, SWIFT_BIN on PATH, STARTED; say, die, release_build, need_deb, hf_run.
source "$HERE/lib.sh"
RUNS=${BENCH_RUNS:-400}
need_deb hyperfine hyperfine
need_deb python3 python3

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cachewrap-bench-archive.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
exec </dev/null
mkdir -p "$WORK/json" "$WORK/home" "$WORK/dist"
ROWS=$WORK/rows.tsv FACTS=$WORK/facts.tsv
: >"$ROWS"; : >"$FACTS"

# --- the two binaries -------------------------------------------------------------------------
if [[ -n "${BENCH_BIN:-}" ]]; then
    SOURCE_BIN=$BENCH_BIN
else
    say "source build (swift build -c release --static-swift-stdlib, scratch path .build-bench)"
    SOURCE_BIN=$(release_build "$ROOT")
fi
if [[ -n "${BENCH_ARCHIVE:-}" ]]; then
    ARCHIVE=$BENCH_ARCHIVE
else
    say "release artifacts (install/package.sh)"
    sh "$ROOT/install/package.sh" --out "$WORK/dist" >"$WORK/package.log" 2>&1 || { tail -30 "$WORK/package.log" >&2; die "package.sh failed"; }
    ARCHIVE=$(ls "$WORK"/dist/cachewrap-*-linux-*.tar.gz)
fi
say "installing $(basename "$ARCHIVE") with no swift on PATH"
env -i HOME="$WORK/home" PATH=/usr/bin:/bin PREFIX="$WORK/prefix" TMPDIR="$WORK" CACHEWRAP_ARCHIVE="$ARCHIVE" \
    sh "$ROOT/install/install.sh" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log" >&2; die "install from the archive failed"; }
ARCHIVE_BIN=$WORK/prefix/bin/cachewrap
COPIED_BIN=$WORK/source-prefix/bin/cachewrap
mkdir -p "$(dirname "$COPIED_BIN")"
cp "$SOURCE_BIN" "$COPIED_BIN"
cmp -s "$SOURCE_BIN" "$ARCHIVE_BIN" && same="yes" || same="no (two builds, each with its own scratch path)"

# --- one hyperfine run, both commands on the same 1 KiB hit ------------------------------------
unset CACHEWRAP_TTL CACHEWRAP_DISABLE CACHEWRAP_QUIET CACHEWRAP_REMOTE CACHEWRAP_RETRIES XDG_CACHE_HOME
export CACHEWRAP_CONFIG=$WORK/no-config.toml CACHEWRAP_DIR=$WORK/cw HOME=$WORK/home
head -c 1024 /dev/urandom >"$WORK/1k"
cd "$WORK"
faults=()
for bin in "$SOURCE_BIN" "$COPIED_BIN" "$ARCHIVE_BIN"; do
    "$bin" -- cat "$WORK/1k" >/dev/null 2>&1
    "$bin" --offline -- cat "$WORK/1k" >/dev/null 2>&1 || die "$bin does not hit the stored 1 KiB"
    faults+=("$(/usr/bin/time -f %R "$bin" -- cat "$WORK/1k" 2>&1 >/dev/null | tail -n 1)")
done
say "1 KiB hit, source-built (as linked, as installed) and archive-installed ($RUNS runs each, one hyperfine run)"
hf_run archive --runs "$RUNS" --warmup 20 \
    -n "source-built, where the linker wrote it (.build-bench)" "$SOURCE_BIN -- cat $WORK/1k" \
    -n "source-built, copied into PREFIX/bin as install.sh does" "$COPIED_BIN -- cat $WORK/1k" \
    -n "archive-installed (CACHEWRAP_ARCHIVE=… install.sh, no swift)" "$ARCHIVE_BIN -- cat $WORK/1k"

python3 - "$WORK/json/archive.1.json" "$ROOT/bench/RESULTS.md" "${BENCH_NO_WRITE:-0}" "${faults[*]}" \
    "$(basename "$ARCHIVE")" "$same" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" "$(hyperfine --version)" <<'PY'
import json, statistics, sys
path, results, no_write, faults, archive, same, date, load, commit, hyperfine = sys.argv[1:]
rows = json.load(open(path))["results"]
faults = faults.split()
ms = lambda s: f"{s * 1000:.2f} ms"
lines = ["## Archive-installed against source-built binary (bench/archive.sh)", "",
         f"Run of {date}; load average {load} at the end; commit {commit}; {hyperfine}. The archive "
         f"{archive}, made by install/package.sh and installed by install.sh from CACHEWRAP_ARCHIVE with "
         f"PATH=/usr/bin:/bin; the source build as bench/run.sh makes it. Same bytes: {same}.", "",
         "| binary, 1 KiB hit | median | min | max | runs | minor page faults |", "|---|---:|---:|---:|---:|---:|"]
medians = []
for r, f in zip(rows, faults):
    t = r["times"]
    medians.append(statistics.median(t))
    lines.append(f"| {r['command']} | {ms(statistics.median(t))} | {ms(min(t))} | {ms(max(t))} | {len(t)} | {f} |")
linked, copied, archived = medians
lines += ["", f"Archive / source as installed, medians: **{archived / copied:.2f}x** ({ms(archived)} / {ms(copied)}); "
          f"archive / source where the linker wrote it: {archived / linked:.2f}x ({ms(archived)} / {ms(linked)}).", ""]
section = "\n".join(lines)
print(section)
if no_write != "1":
    text = open(results).read()
    at = text.find(lines[0])
    if at >= 0:
        end = text.find("\n## ", at + len(lines[0]))
        text = text[:at] + text[end + 1:] if end >= 0 else text[:at]
    open(results, "w").write(text.rstrip("\n") + "\n\n" + section)
PY
say "done in $(($(date +%s) - STARTED)) s"
