# Sourced by bench/run.sh and bench/archive.sh, after they set HERE (bench/): the checkout (ROOT),
# swift on PATH, the start time, and their helpers for messages, building, installing tools,
# timing and reading the store. These use $WORK, $BIN, $ROWS and $FACTS, set by the script
# before any of them is called.
ROOT=$(dirname "$HERE")
SWIFT_BIN=${SWIFT_BIN:-/opt/swift/usr/bin}
export PATH="$SWIFT_BIN:$PATH"
STARTED=$(date +%s)

say() { printf '[bench %4ss] %s\n' "$(($(date +%s) - STARTED))" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# release_build SRC: the release binary of the package at SRC (`swift build -c release
# --static-swift-stdlib`, scratch path .build-bench: never another build's); prints its path.
release_build() {
    local build=(swift build -c release --static-swift-stdlib --package-path "$1" --scratch-path "$ROOT/.build-bench")
    "${build[@]}" >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "release build failed"; }
    echo "$("${build[@]}" --show-bin-path)/cachewrap"
}

need_deb() { # need_deb COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null || die "$1 missing: apt-get install $2"
    say "installing Debian package $2"
    apt-get install -y -qq "$2" >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$2" >/dev/null 2>&1; } \
        || die "could not install $2"
}

# Background load on a shared machine drifts over seconds, so every comparison that gives a ratio
# is timed in ROUNDS alternating rounds and the runs are pooled: a slow spell hits both sides.
ROUNDS=${BENCH_ROUNDS:-4}
# hf_run TAG HYPERFINE-ARGS...: one hyperfine invocation (-N: no shell), JSON kept as TAG.<n>.json.
hf_run() {
    local tag=$1; shift
    local n=1
    while [[ -e "$WORK/json/$tag.$n.json" ]]; do n=$((n + 1)); done
    hyperfine -N --style none --export-json "$WORK/json/$tag.$n.json" "$@" >>"$WORK/hyperfine.log" 2>&1 \
        || { tail -20 "$WORK/hyperfine.log" >&2; die "hyperfine failed for $tag"; }
}
# hf_rows ID1,ID2,... TAG: one row per command (in order), its timed runs pooled over TAG's rounds;
# median, min and max of the pooled runs.
hf_rows() {
    python3 - "$1" "$WORK/json/$2".*.json >>"$ROWS" <<'PY'
import json, statistics, sys
ids, files = sys.argv[1].split(","), sys.argv[2:]
pooled = [[] for _ in ids]
labels = [None] * len(ids)
for f in files:
    for i, r in enumerate(json.load(open(f))["results"][:len(ids)]):
        pooled[i] += r["times"]
        labels[i] = r["command"]
for rid, label, t in zip(ids, labels, pooled):
    print("\t".join([rid, label, repr(statistics.median(t)), repr(min(t)), repr(max(t)), str(len(t)), ""]))
PY
}
# hf ID1,ID2,... RUNS HYPERFINE-ARGS...: RUNS timed runs per command, split over ROUNDS rounds.
hf() {
    local ids=$1 runs=$2; shift 2
    local tag=${ids//,/_}
    for _ in $(seq "$ROUNDS"); do hf_run "$tag" --runs $(((runs + ROUNDS - 1) / ROUNDS)) "$@"; done
    hf_rows "$ids" "$tag"
}
# row ID LABEL SECONDS [NOTE]: a single timed measurement (not hyperfine).
row() { printf '%s\t%s\t%s\t%s\t%s\t1\t%s\n' "$1" "$2" "$3" "$3" "$3" "${4:-}" >>"$ROWS"; }
# timed OUT_PREFIX CMD...: one run; leaves "WALL_SECONDS PEAK_RSS_KIB" in OUT_PREFIX.time.
timed() {
    local out=$1; shift
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$out.rss" "$@" >/dev/null 2>"$out.err" || { cat "$out.err" >&2; return 1; }
    t1=$(date +%s%N)
    echo "$(python3 -c "print(($t1 - $t0) / 1e9)") $(tail -1 "$out.rss")" >"$out.time"
}
rss_kib() { # rss_kib CMD...: peak RSS of one run, from /usr/bin/time -v, both streams on /dev/null
    # as under hyperfine (see is_stored); a failure runs it again with its stderr shown.
    /usr/bin/time -v -o "$WORK/rss.txt" "$@" >/dev/null 2>&1 || { "$@" >/dev/null; return 1; }
    awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/rss.txt"
}
entries_in() { # entries_in CACHEWRAP_DIR: row count, read-only (a check, not a way to fill)
    if command -v sqlite3 >/dev/null; then sqlite3 -readonly "$1/cache.db" "SELECT COUNT(*) FROM entries" 2>/dev/null || echo "?"
    else echo "?"; fi
}
stat_json() { # stat_json FIELD: a total from `cachewrap stats --json` for the current CACHEWRAP_DIR
    "$BIN" stats --json | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}
