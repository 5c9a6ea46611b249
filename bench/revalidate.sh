#!/usr/bin/env bash
# bench/revalidate.sh [POLLS] [INTERVAL]: an agent polling one unchanged GitHub endpoint with a
# 1 s TTL (docs/architecture.md, Revalidation). The real gh against bench/fake_github.py (which
# sends an ETag and answers a matching If-None-Match with 304), POLLS times (default 100), one
# poll every INTERVAL seconds (default 1.2, so every poll finds the answer expired: ~2 minutes),
# each poll made twice, into two cache dirs: with revalidation and with --no-revalidate. Prints
# how many requests GitHub would count against the rate limit (200s) and how many it would not
# (304s), the bytes of body sent, and the median time of a poll each way. Needs gh and python3.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
POLLS=${1:-100}
INTERVAL=${2:-1.2}
BIN=${BIN:-$HERE/../.build/release/cachewrap}
[[ -x $BIN ]] || { echo "revalidate.sh: no $BIN: swift build -c release --static-swift-stdlib first" >&2; exit 1; }
command -v gh >/dev/null || { echo "revalidate.sh: gh is needed" >&2; exit 1; }
WORK=$(mktemp -d /tmp/cachewrap-revalidate.XXXXXX)
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
python3 "$HERE/fake_github.py" "$WORK/port" "$WORK/requests.log" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 50); do [[ -s "$WORK/port" ]] && break; sleep 0.1; done
[[ -s "$WORK/port" ]] || { cat "$WORK/server.err" >&2; exit 1; }
PORT=$(cat "$WORK/port")
mkdir -p "$WORK/ghconfig"
: >"$WORK/requests.log"
export GH_HOST=github.localhost GH_TOKEN=x GH_CONFIG_DIR=$WORK/ghconfig GH_NO_UPDATE_NOTIFIER=1 GH_PROMPT_DISABLED=1
export HTTP_PROXY=http://127.0.0.1:$PORT http_proxy=http://127.0.0.1:$PORT NO_PROXY= no_proxy=
unset HTTPS_PROXY https_proxy GITHUB_TOKEN GH_ENTERPRISE_TOKEN GH_REPO

# poll MODE: one call into MODE's cache dir; its status and time (ms) appended to MODE's files.
poll() {
    local mode=$1 flags=() start end
    [[ $mode == full ]] && flags=(--no-revalidate)
    local before
    before=$(wc -l <"$WORK/requests.log")
    start=$(date +%s%N)
    CACHEWRAP_DIR=$WORK/cw-$mode "$BIN" "${flags[@]}" --ttl 1s gh api repos/o/r/pulls >"$WORK/out-$mode" 2>>"$WORK/err-$mode"
    end=$(date +%s%N)
    echo $(((end - start) / 1000)) >>"$WORK/us-$mode"
    tail -n +"$((before + 1))" "$WORK/requests.log" | awk '{print $3}' >>"$WORK/status-$mode"
    cmp -s "$WORK/out-$mode" "$WORK/out-full" 2>/dev/null || [[ ! -s $WORK/out-full ]] || { echo "revalidate.sh: the answers differ" >&2; exit 1; }
}
started=$(date +%s)
for i in $(seq "$POLLS"); do
    poll full
    poll revalidate
    [[ $i == "$POLLS" ]] || sleep "$INTERVAL"
done
elapsed=$(($(date +%s) - started))
body=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import fake_github; print(len(fake_github.BODY))' "$HERE")
count() { grep -c "^$2\$" "$WORK/status-$1" || true; }
median() { sort -n "$WORK/us-$1" | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'; }
revalidated=$(CACHEWRAP_DIR=$WORK/cw-revalidate "$BIN" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["revalidated"])')
echo "$POLLS polls of one unchanged endpoint, --ttl 1s, one every ${INTERVAL}s ($elapsed s in all; gh $(gh --version | awk 'NR==1{print $3}'))"
echo
echo "| | 200s (count against the limit) | 304s (free) | body bytes sent | median poll (ms) |"
echo "|---|---|---|---|---|"
for mode in full revalidate; do
    ok=$(count "$mode" 200) nm=$(count "$mode" 304)
    label=$([[ $mode == full ]] && echo "--no-revalidate (re-fetch)" || echo "revalidation (default)")
    echo "| $label | $ok | $nm | $((ok * body)) | $(median "$mode") |"
done
echo
echo "stats --json revalidated: $revalidated"
