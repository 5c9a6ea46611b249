# Sourced by bench/run.sh (its helpers and $BIN, $WORK are set there).
# --- 6. team cache: a local redis-server, plain and TLS (docs/architecture.md, Team cache) ----
# Every command of a compared group runs under `env` (hyperfine -N has no shell to set variables
# in), the ones without a team cache too, so the extra exec is on both sides of a difference.
TC=$WORK/teamcache
mkdir -p "$TC"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TC/server.key" -out "$TC/server.crt" \
    -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -addext basicConstraints=critical,CA:TRUE \
    >"$TC/openssl.log" 2>&1 || { cat "$TC/openssl.log" >&2; die "cannot make a TLS certificate"; }
REDIS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
REDIS_TLS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --tls-port "$REDIS_TLS_PORT" --tls-cert-file "$TC/server.crt" \
    --tls-key-file "$TC/server.key" --tls-ca-cert-file "$TC/server.crt" --tls-auth-clients no \
    --save '' --appendonly no --dir "$TC" --logfile "$TC/redis.log" --daemonize no &
BG_PIDS+=($!)
REDIS_PID=$!
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || die "redis-server did not start (see $TC/redis.log)"
PLAIN=(CACHEWRAP_REMOTE=redis://127.0.0.1:$REDIS_PORT CACHEWRAP_REMOTE_NAMESPACE=bench)
TLS=(CACHEWRAP_REMOTE=rediss://127.0.0.1:$REDIS_TLS_PORT CACHEWRAP_REMOTE_CA=$TC/server.crt CACHEWRAP_REMOTE_NAMESPACE=bench)
fact redis_version "$(redis-server --version | awk '{print $3}' | sed 's/^v=//')"

# The answer Redis holds: stored once from a populating cache dir, its write-behind waited for.
TOOL="cat $WORK/data/tool1k"
env CACHEWRAP_DIR="$TC/populate" "${PLAIN[@]}" "$BIN" -- $TOOL >/dev/null 2>&1
team_value() { redis-cli -p "$REDIS_PORT" --scan --pattern 'cw:v1:bench:bafk*' | grep -q .; }
for _ in $(seq 100); do team_value && break; sleep 0.1; done
team_value || die "the team cache write did not arrive"
env CACHEWRAP_DIR="$TC/check" "${TLS[@]}" "$BIN" -- $TOOL >/dev/null 2>&1
[[ $(env CACHEWRAP_DIR="$TC/check" "$BIN" stats --json | python3 -c "import json,sys; print(json.load(sys.stdin)['remote_hits'])") == 1 ]] \
    || die "a fresh cache dir was not answered by the team cache over TLS"

say "team cache: remote hit in a fresh cache dir, plain and TLS ($((RUNS / 2)) runs each)"
hf tcfresh,tcremote,tcremotetls $((RUNS / 2)) --warmup 5 \
    --prepare "rm -rf $TC/fresh" --prepare "rm -rf $TC/fresh" --prepare "rm -rf $TC/fresh" \
    -n "no team cache, fresh cache dir: the tool runs (cat 1 KiB)" "env CACHEWRAP_DIR=$TC/fresh $BIN -- $TOOL" \
    -n "team cache hit, redis://, fresh cache dir" "env CACHEWRAP_DIR=$TC/fresh ${PLAIN[*]} $BIN -- $TOOL" \
    -n "team cache hit, rediss://, fresh cache dir" "env CACHEWRAP_DIR=$TC/fresh ${TLS[*]} $BIN -- $TOOL"

# A lookup that misses the team cache: a key Redis never gets (mode ro writes nothing back),
# its local entry removed before each run as in the miss overhead above.
head -c 1024 /dev/urandom >"$WORK/data/teammiss1k"
MISSTOOL="cat $WORK/data/teammiss1k"
for d in local plain tls; do env CACHEWRAP_DIR="$TC/miss-$d" "$BIN" -- $MISSTOOL >/dev/null 2>&1; done
say "team cache: a miss that the team cache misses too, plain and TLS (100 runs each)"
hf tcmisslocal,tcmiss,tcmisstls 100 --warmup 5 \
    --prepare "env CACHEWRAP_DIR=$TC/miss-local $BIN rm --tool cat" \
    --prepare "env CACHEWRAP_DIR=$TC/miss-plain $BIN rm --tool cat" \
    --prepare "env CACHEWRAP_DIR=$TC/miss-tls $BIN rm --tool cat" \
    -n "miss, no team cache" "env CACHEWRAP_DIR=$TC/miss-local $BIN -- $MISSTOOL" \
    -n "miss + team cache miss, redis:// (mode ro)" "env CACHEWRAP_DIR=$TC/miss-plain CACHEWRAP_REMOTE_MODE=ro ${PLAIN[*]} $BIN -- $MISSTOOL" \
    -n "miss + team cache miss, rediss:// (mode ro)" "env CACHEWRAP_DIR=$TC/miss-tls CACHEWRAP_REMOTE_MODE=ro ${TLS[*]} $BIN -- $MISSTOOL"

# A storm: 500 calls over 50 keys from two cache dirs ("machines") sharing the namespace, 8 at
# a time. Each machine runs a key at most once (its flight lock); a key both ran is a race of
# the two machines (both missed before either's write-behind reached Redis).
say "team cache: 500-call storm from two cache dirs"
cat >"$TC/stormtool.sh" <<'EOF'
#!/bin/sh
# Prints the answer of key $1 and records which cache dir ran it.
echo "$1 $CACHEWRAP_DIR" >>"$2"
echo "storm answer $1"
EOF
mkdir -p "$TC/storm"
: >"$TC/storm/runs"
cat >"$TC/stormcall.sh" <<EOF
#!/bin/sh
# Call \$1 of 1..500: key \$1 mod 50, machine 0 or 1 by the hundred, so each key is asked 5
# times by each machine.
m=\$(( \$1 / 50 % 2 )); k=\$(( \$1 % 50 ))
env CACHEWRAP_DIR=$TC/storm-\$m ${PLAIN[*]} "$BIN" -- sh "$TC/stormtool.sh" "\$k" "$TC/storm/runs" \
    >"$TC/storm/\$1.out" 2>"$TC/storm/\$1.err"
echo \$? >"$TC/storm/\$1.rc"
EOF
seq 500 | shuf | timeout 300 xargs -P 8 -n 1 sh "$TC/stormcall.sh" || true  # in random order: both machines at once
for m in 0 1; do env CACHEWRAP_DIR="$TC/storm-$m" "$BIN" stats --json >"$TC/storm/stats-$m.json"; done
python3 - "$TC" "$TC/storm/runs" >>"$FACTS" <<'PY'
import json, os, sys
tc, runs_path = sys.argv[1:]
wrong = failed = 0
for i in range(1, 501):
    p = os.path.join(tc, "storm", str(i))
    failed += open(p + ".rc").read().strip() != "0"
    wrong += open(p + ".out").read() != f"storm answer {i % 50}\n"
runs = [line.split() for line in open(runs_path)]
by_key = {}
for key, cache in runs:
    by_key.setdefault(key, []).append(cache)
twice_same = sum(len(c) != len(set(c)) for c in by_key.values())
both = sum(len(set(c)) == 2 for c in by_key.values())
print(f"storm_calls\t500")
print(f"storm_failed\t{failed}")
print(f"storm_wrong\t{wrong}")
print(f"storm_runs\t{len(runs)}")
print(f"storm_keys_run\t{len(by_key)}")
print(f"storm_keys_run_by_both\t{both}")
print(f"storm_keys_run_twice_by_one\t{twice_same}")
for m in "01":
    doc = json.load(open(os.path.join(tc, "storm", f"stats-{m}.json")))
    ran = sum(1 for _, cache in runs if cache.endswith(f"storm-{m}"))
    for name in ("hits", "misses", "remote_hits", "remote_misses", "remote_stale", "remote_errors", "remote_corrupt"):
        print(f"storm_{m}_{name}\t{doc[name]}")
    print(f"storm_{m}_ran\t{ran}")
PY
kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true
