#!/usr/bin/env bash
# cachewrap benchmark (issue 6; targets in docs/architecture.md, Performance targets).
#
#   bash bench/run.sh            # ~10-15 minutes; prints a markdown report, writes bench/RESULTS.md
#
# Builds a release binary in its own scratch path (.build-bench, never another build), then measures
# in one run on this machine: the start-up floor, hits of 1 KiB / 1 MiB / 2 MiB of JSON (stored
# packed) / 100 MiB against `cat`, the miss overhead, `gh api --cache` against a cachewrap hit
# (same local fake GitHub), peak RSS on a 100 MiB output, the team cache against a local
# redis-server, plain and TLS (bench/teamcache.sh), concurrency, and at 1k / 100k / 1M entries the hit, the miss, `ls`, `stats`
# and `gc --max-size` with their peak RSS (bench/scale.sh; the report is bench/report.py).
# Everything runs in a temporary directory that is removed on exit, with the fake server stopped.
#
# Knobs (environment): BENCH_RUNS (hit/floor runs, default 200; lower only to try the script),
# BENCH_SCALE (default "1000 100000 1000000"), BENCH_LOOP_MAX (largest store filled by spawning
# cachewrap when `cachewrap bench-populate` is missing, default 1000), BENCH_MISS_RUNS (misses
# timed per scale point, default 100), BENCH_NO_WRITE=1 (do not
# touch bench/RESULTS.md), BENCH_REV (build that git revision, exported to the temp dir, instead of
# the working tree: for when the tree is mid-edit), BENCH_BIN (time this prebuilt cachewrap instead
# of building one), SWIFT_BIN (default /opt/swift/usr/bin).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# ROOT, SWIFT_BIN on PATH, STARTED; say, die, release_build, need_deb, and the timing helpers:
# hf_run, hf_rows, hf, row, timed, rss_kib, entries_in, stat_json.
source "$HERE/lib.sh"
RUNS=${BENCH_RUNS:-200}
SCALE=${BENCH_SCALE:-"1000 100000 1000000"}
LOOP_MAX=${BENCH_LOOP_MAX:-1000}

# --- tools (Debian packages only) -------------------------------------------------------------
need_deb hyperfine hyperfine
need_deb python3 python3
[[ -x /usr/bin/time ]] || need_deb /usr/bin/time time
need_deb gh gh
need_deb redis-server redis-server
need_deb openssl openssl
command -v swift >/dev/null || die "swift not found (SWIFT_BIN=$SWIFT_BIN)"

# --- temp dir, fake server, cleanup -----------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cachewrap-bench.XXXXXX")
SERVER_PID=""
declare -a BG_PIDS=()
cleanup() {
    local rc=$?
    set +e  # cleanup must run to the end whatever fails
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
    for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Every benchmarked process reads /dev/null: a generic `cachewrap -- CMD` keys on stdin data.
exec </dev/null
mkdir -p "$WORK/json" "$WORK/data" "$WORK/tmp"
ROWS=$WORK/rows.tsv     # id, label, median s, min s, max s, runs, note
FACTS=$WORK/facts.tsv   # key, value
: >"$ROWS"; : >"$FACTS"
fact() { printf '%s\t%s\n' "$1" "$2" >>"$FACTS"; }

# A clean cachewrap environment: nothing from the user's config or shell leaks in.
unset CACHEWRAP_TTL CACHEWRAP_DISABLE CACHEWRAP_QUIET CACHEWRAP_REMOTE CACHEWRAP_RETRIES XDG_CACHE_HOME
export CACHEWRAP_CONFIG=$WORK/no-config.toml
# 100 MiB is over the default 64 MiB entry limit: raised so the 100 MiB output is stored.
export CACHEWRAP_MAX_ENTRY=256MiB

# --- machine ----------------------------------------------------------------------------------
fact date "$(date -u '+%Y-%m-%d %H:%M UTC')"
fact nproc "$(nproc)"
fact cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
fact mem "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
fact kernel "$(uname -r)"
fact load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
fact swift "$(swift --version 2>/dev/null | head -1)"
fact commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" status --porcelain -- Sources Package.swift 2>/dev/null | grep -q . && echo ' (+ uncommitted changes in Sources/)' || true)"
fact hyperfine "$(hyperfine --version)"

# --- build ------------------------------------------------------------------------------------
SRC=$ROOT
if [[ -n "${BENCH_REV:-}" ]]; then
    SRC=$WORK/src
    mkdir -p "$SRC"
    git -C "$ROOT" archive "$BENCH_REV" | tar -x -C "$SRC" || die "cannot export $BENCH_REV"
    fact commit "$BENCH_REV = $(git -C "$ROOT" rev-parse --short "$BENCH_REV") (exported; the working tree was not built)"
fi
if [[ -n "${BENCH_BIN:-}" ]]; then
    BIN=$BENCH_BIN
    fact commit "prebuilt binary $BENCH_BIN (BENCH_BIN; nothing was built)"
else
    say "building release binary from $SRC (--static-swift-stdlib, scratch path .build-bench)"
    BIN=$(release_build "$SRC")
fi
[[ -x "$BIN" ]] || die "no binary at $BIN"
fact binary_size "$(stat -c %s "$BIN")"
# A release build is fully static (Package.swift), so ldd finds nothing to list.
libs=$(ldd "$BIN" 2>/dev/null | awk '{print $1}' | grep -v vdso | tr '\n' ' ' || true)
fact binary_libs "${libs:-no shared libraries (fully static)}"
say "building static hello world (swiftc -O -static-stdlib)"
echo 'print("hello world")' >"$WORK/hello.swift"
swiftc -O -static-stdlib "$WORK/hello.swift" -o "$WORK/hello" >"$WORK/hello.log" 2>&1 || { cat "$WORK/hello.log" >&2; die "hello build failed"; }

# From here on, HOME and TMPDIR are private (gh's own cache lives in $TMPDIR/gh-cli-cache); the
# builds above kept the real ones so SwiftPM's caches are reused.
export HOME=$WORK/home TMPDIR=$WORK/tmp
mkdir -p "$HOME"
say "making test data"
head -c 1024 /dev/urandom >"$WORK/data/1k"
head -c $((1 << 20)) /dev/urandom >"$WORK/data/1m"
head -c $((100 << 20)) /dev/urandom >"$WORK/data/100m"
head -c 1024 /dev/urandom >"$WORK/data/tool1k"
cd "$WORK"  # not a git repository: gh keys on the directory, not on remotes

# hyperfine gives each command /dev/null as stdout and stderr: one file, which cachewrap keys as
# merged output (its stderr bytes come back on the same channel). Every run that stores or checks
# an entry that hyperfine then times has both streams on one file too (`>X 2>&1`), or the timed
# runs would be misses of another key.
# is_stored FILE: whether `cachewrap -- cat FILE` is in the current store (an --offline replay).
is_stored() { "$BIN" --offline -- cat "$1" >/dev/null 2>&1; }

# --- 1+2. floor and hits ----------------------------------------------------------------------
export CACHEWRAP_DIR=$WORK/cw-hits
"$BIN" -- cat "$WORK/data/1k" >/dev/null 2>&1
is_stored "$WORK/data/1k" || die "1 KiB output was not stored"
say "floor and 1 KiB hit ($RUNS runs each, $ROUNDS alternating rounds)"
hf true,hello,hit1k,cat1k "$RUNS" --warmup 10 \
    -n "/bin/true" /bin/true \
    -n "static Swift hello world" "$WORK/hello" \
    -n "cachewrap hit, 1 KiB" "$BIN -- cat $WORK/data/1k" \
    -n "cat, 1 KiB" "cat $WORK/data/1k"

"$BIN" -- cat "$WORK/data/1m" >/dev/null 2>&1
is_stored "$WORK/data/1m" || die "1 MiB output was not stored"
say "1 MiB hit"
hf hit1m,cat1m "$RUNS" --warmup 10 \
    -n "cachewrap hit, 1 MiB" "$BIN -- cat $WORK/data/1m" \
    -n "cat, 1 MiB" "cat $WORK/data/1m"

# 2 MiB of JSON lines (a `gh api --paginate` listing): over the packing threshold and
# compressible, so its entry is stored packed (zstd) and every hit unpacks it before replaying.
python3 -c '
import json, sys
for i in range(17500):
    print(json.dumps({"number": i, "title": "Fix issue %d in module %d" % (i * 7919 % 10007, i % 97), "state": "open",
                      "user": {"login": "user%d" % (i % 13)}, "labels": [{"name": "bug"}]}))' >"$WORK/data/2mjson"
fact size_2mjson "$(stat -c %s "$WORK/data/2mjson")"
export CACHEWRAP_DIR=$WORK/cw-packed
"$BIN" -- cat "$WORK/data/2mjson" >/dev/null 2>&1
is_stored "$WORK/data/2mjson" || die "2 MiB JSON output was not stored"
fact stored_2mjson "$("$BIN" stats --json | python3 -c "import json,sys; d=json.load(sys.stdin)['tools']['cat']; print(d['stored_bytes'], d['bytes'])")"  # stored, stands for
say "2 MiB JSON hit (stored packed)"
hf hit2mz,cat2mz "$RUNS" --warmup 10 \
    -n "cachewrap hit, 2 MiB JSON (stored packed)" "$BIN -- cat $WORK/data/2mjson" \
    -n "cat, 2 MiB JSON" "cat $WORK/data/2mjson"
export CACHEWRAP_DIR=$WORK/cw-hits

say "100 MiB: store (with /usr/bin/time -v), then replay"
STORE100_RSS=$(rss_kib "$BIN" -- cat "$WORK/data/100m")
fact rss_store_100m "$STORE100_RSS"
if is_stored "$WORK/data/100m"; then
    fact stored_100m yes
    NOTE100=""
else
    fact stored_100m no
    NOTE100="NOT STORED (over the max entry size): this is a pass-through run, not a hit"
fi
REPLAY100_RSS=$(rss_kib "$BIN" -- cat "$WORK/data/100m")
fact rss_replay_100m "$REPLAY100_RSS"
hf hit100m,cat100m 20 --warmup 2 \
    -n "cachewrap hit, 100 MiB" "$BIN -- cat $WORK/data/100m" \
    -n "cat, 100 MiB" "cat $WORK/data/100m"
[[ -n $NOTE100 ]] && fact note_hit100m "$NOTE100"
if [[ $NOTE100 != "" ]]; then
    # The largest output that can be stored today, so replay speed and RSS are still measured.
    say "60 MiB (largest storable under the default limit): store, replay"
    head -c $((60 << 20)) /dev/urandom >"$WORK/data/60m"
    fact rss_store_60m "$(rss_kib "$BIN" -- cat "$WORK/data/60m")"
    is_stored "$WORK/data/60m" && fact stored_60m yes || fact stored_60m no
    fact rss_replay_60m "$(rss_kib "$BIN" -- cat "$WORK/data/60m")"
    hf hit60m,cat60m 20 --warmup 2 \
        -n "cachewrap hit, 60 MiB" "$BIN -- cat $WORK/data/60m" \
        -n "cat, 60 MiB" "cat $WORK/data/60m"
fi
fact rss_hit_1k "$(rss_kib "$BIN" -- cat "$WORK/data/1k")"

# --- 3. miss overhead -------------------------------------------------------------------------
# The fake tool is `cat` of a 1 KiB file (a real binary, no shell start-up to hide behind).
# A fair miss is the first call for a key: the lookup misses, the flight lock is taken, the tool
# runs with its output captured, and the entry is inserted. `--prepare` (untimed) removes the
# entry before every timed run, for every command alike, so each timed `cachewrap -- cat` is
# such a first call. `--refresh` (skips the lookup, replaces the row) and `--no-cache` (no store)
# are shown too.
export CACHEWRAP_DIR=$WORK/cw-miss
TOOL="cat $WORK/data/tool1k"
"$BIN" -- $TOOL >/dev/null 2>&1
PREP="$BIN rm --tool cat"
say "miss overhead (100 runs each)"
hf direct,nocache,refresh,miss 100 --warmup 5 --prepare "$PREP" \
    -n "fake tool direct (cat 1 KiB)" "$TOOL" \
    -n "cachewrap --no-cache" "$BIN --no-cache -- $TOOL" \
    -n "cachewrap --refresh (run + replace)" "$BIN --refresh -- $TOOL" \
    -n "cachewrap miss (run + insert)" "$BIN -- $TOOL"

# --- 4. gh api --cache vs cachewrap gh, same fake GitHub --------------------------------------
say "starting fake GitHub"
python3 "$HERE/fake_github.py" "$WORK/port" "$WORK/requests.log" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 50); do [[ -s "$WORK/port" ]] && break; sleep 0.1; done
[[ -s "$WORK/port" ]] || { cat "$WORK/server.err" >&2; die "fake GitHub did not start"; }
PORT=$(cat "$WORK/port")
mkdir -p "$WORK/ghconfig"
export CACHEWRAP_DIR=$WORK/cw-gh
(
    export GH_HOST=github.localhost GH_TOKEN=x GH_CONFIG_DIR=$WORK/ghconfig
    export HTTP_PROXY=http://127.0.0.1:$PORT http_proxy=http://127.0.0.1:$PORT NO_PROXY= no_proxy=
    export GH_NO_UPDATE_NOTIFIER=1 GH_PROMPT_DISABLED=1 NO_COLOR=1
    unset HTTPS_PROXY https_proxy GITHUB_TOKEN GH_ENTERPRISE_TOKEN GH_REPO
    gh api --cache 1h repos/o/r >"$WORK/gh.out"
    "$BIN" --ttl 1h gh api repos/o/r >"$WORK/cw.out" 2>&1
    cmp -s "$WORK/gh.out" "$WORK/cw.out" || die "gh and cachewrap gh printed different bytes"
    BEFORE=$(wc -l <"$WORK/requests.log")
    say "gh api --cache vs cachewrap gh hit ($RUNS runs each)"
    hf ghcache,cwgh "$RUNS" --warmup 5 \
        -n "gh api --cache 1h repos/o/r (gh's own cache hit)" "gh api --cache 1h repos/o/r" \
        -n "cachewrap --ttl 1h gh api repos/o/r (hit)" "$BIN --ttl 1h gh api repos/o/r"
    AFTER=$(wc -l <"$WORK/requests.log")
    fact gh_requests_populate "$BEFORE"
    fact gh_requests_during_hits "$((AFTER - BEFORE))"
    fact gh_response_bytes "$(stat -c %s "$WORK/gh.out")"
    hf ghnet 30 --warmup 2 -n "gh api repos/o/r (no cache, local fake server)" "gh api repos/o/r"
)
kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""

# --- 6. team cache: remote hits, team misses, a storm (bench/teamcache.sh) --------------------
source "$HERE/teamcache.sh"

# --- 7. concurrency: 32 identical misses, 1,000 parallel hits (bench/concurrency.sh) -----------
source "$HERE/concurrency.sh"

# --- 5. scale: hit, miss, ls, stats and gc at each size (bench/scale.sh) ---------------------
source "$HERE/scale.sh"
fact load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
fact elapsed_s "$(($(date +%s) - STARTED))"

# --- report -----------------------------------------------------------------------------------
say "writing report"
python3 "$HERE/report.py" "$ROWS" "$FACTS" "$HERE/RESULTS.md" "${BENCH_NO_WRITE:-0}" "$RUNS"
say "done in $(($(date +%s) - STARTED)) s"
