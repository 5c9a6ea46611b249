# Sourced by bench/run.sh (its helpers and $BIN, $WORK are set there).
# --- 7. concurrency ---------------------------------------------------------------------------
export CACHEWRAP_DIR=$WORK/cw-conc
cat >"$WORK/slowtool.sh" <<'EOF'
#!/bin/sh
# A slow fake tool: sleeps 0.3 s, counts its own runs, prints a fixed answer.
sleep 0.3
echo run >>"$1"
echo "slow tool answer for round $2"
EOF
mkdir -p "$WORK/conc"
CONC_ROUNDS=3
for round in $(seq "$CONC_ROUNDS"); do
    say "32 identical concurrent misses, round $round/$CONC_ROUNDS"
    COUNT=$WORK/conc/count.$round; : >"$COUNT"
    pids=()
    for i in $(seq 32); do
        timeout 60 "$BIN" -- sh "$WORK/slowtool.sh" "$COUNT" "$round" >"$WORK/conc/out.$round.$i" 2>"$WORK/conc/err.$round.$i" &
        pids+=($!)
    done
    BG_PIDS=("${pids[@]}")
    bad=0
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || bad=$((bad + 1)); done
    BG_PIDS=()
    differ=0
    for i in $(seq 32); do cmp -s "$WORK/conc/out.$round.1" "$WORK/conc/out.$round.$i" || differ=$((differ + 1)); done
    [[ -s "$WORK/conc/out.$round.1" ]] || differ=32
    fact "conc32_runs_$round" "$(wc -l <"$COUNT")"
    fact "conc32_failed_$round" "$bad"
    fact "conc32_differ_$round" "$differ"
done

say "1,000 hits from 8 parallel workers"
"$BIN" -- cat "$WORK/data/1k" >/dev/null
HITS_BEFORE=$(stat_json hits)
mkdir -p "$WORK/par"
cat >"$WORK/hitcheck.sh" <<EOF
#!/bin/sh
# One checked hit: exit code, bytes and stderr kept for counting.
"$BIN" -- cat "$WORK/data/1k" >"$WORK/par/\$1.out" 2>"$WORK/par/\$1.err"
echo \$? >"$WORK/par/\$1.rc"
EOF
T0=$(date +%s.%N)
seq 1000 | timeout 300 xargs -P 8 -n 1 sh "$WORK/hitcheck.sh" || true
T1=$(date +%s.%N)
HITS_AFTER=$(stat_json hits)
python3 - "$WORK/par" "$WORK/data/1k" "$T0" "$T1" "$HITS_BEFORE" "$HITS_AFTER" >>"$FACTS" <<'PY'
import os, sys
d, ref, t0, t1, hb, ha = sys.argv[1:]
want = open(ref, "rb").read()
rc_bad = out_bad = err_lines = missing = 0
for i in range(1, 1001):
    p = os.path.join(d, str(i))
    if not os.path.exists(p + ".rc"):
        missing += 1; continue
    rc_bad += open(p + ".rc").read().strip() != "0"
    out_bad += open(p + ".out", "rb").read() != want
    err_lines += len(open(p + ".err", "rb").read().splitlines())
print(f"par_missing\t{missing}")
print(f"par_nonzero_exit\t{rc_bad}")
print(f"par_wrong_output\t{out_bad}")
print(f"par_stderr_lines\t{err_lines}")
print(f"par_hits_counted\t{int(ha) - int(hb)}")
print(f"par_wall_s\t{float(t1) - float(t0):.3f}")
PY
