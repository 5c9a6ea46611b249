# Sourced by bench/run.sh (its helpers, $BIN, $WORK, $TOOL and the knobs are set there).
#
# Scale: the hit, the miss, `ls`, `stats` and `gc --max-size` at each size of BENCH_SCALE, with
# their peak RSS. Each size has its own store, filled from empty by `cachewrap bench-populate N
# --tool bench`: `Store.save` in batches of 10,000, the path a miss takes, so every entry has its
# row, its hot file in the same hot/ directory the measured hit reads, and one entry in 10,000 a
# 4 MiB blob file. (Filling from empty is quicker here than copying a smaller store: a copy of
# 100,000 hot files took about as long as writing them.) Without bench-populate, stores up to
# BENCH_LOOP_MAX entries are filled by spawning `cachewrap -- echo bench I`; larger ones are
# skipped. Hits and misses are timed in alternating rounds over the sizes, so drift hits all.
MISS_RUNS=${BENCH_MISS_RUNS:-100}
PROBE=$WORK/cw-probe
if CACHEWRAP_DIR=$PROBE "$BIN" bench-populate 1 --tool bench >/dev/null 2>"$WORK/populate.err"; then
    POPULATE=helper
else
    POPULATE=loop
fi
rm -rf "$PROBE"
fact populate "$POPULATE"
SIZES=()
for N in $SCALE; do
    if [[ $POPULATE == loop ]] && ((N > LOOP_MAX)); then
        say "skipping $N entries: needs 'cachewrap bench-populate' (or BENCH_LOOP_MAX >= $N)"
        fact "skipped_$N" 1
        continue
    fi
    export CACHEWRAP_DIR=$WORK/cw-scale-$N
    if [[ $POPULATE == helper ]]; then
        say "populating $N entries (cachewrap bench-populate)"
        timed "$WORK/pop.$N" "$BIN" bench-populate "$N" --tool bench || die "bench-populate $N failed"
        fact "populate_s_$N" "$(cut -d' ' -f1 "$WORK/pop.$N.time")"
    else
        say "populating $N entries by spawning cachewrap (no bench-populate yet)"
        T0=$(date +%s%N)
        seq 0 $((N - 1)) | xargs -P 2 -I{} "$BIN" -- echo "bench {}" >/dev/null
        fact "populate_s_$N" "$(python3 -c "print(($(date +%s%N) - $T0) / 1e9)")"
    fi
    # The measured entry, stored fresh after the fill so it is never near expiry.
    "$BIN" --refresh -- cat "$WORK/data/1k" >/dev/null 2>&1
    is_stored "$WORK/data/1k" || die "scale: measured entry not stored at $N"
    fact "entries_$N" "$(entries_in "$CACHEWRAP_DIR")"
    fact "dbsize_$N" "$(cat "$CACHEWRAP_DIR"/cache.db* | wc -c)"
    # Blocks in use, not bytes: each small hot file takes a whole block.
    fact "disk_$N" "$(du -sB1 "$CACHEWRAP_DIR" | cut -f1)"
    fact "hotfiles_$N" "$(find "$CACHEWRAP_DIR/hot" -type f | wc -l)"
    fact "blobs_$N" "$( (find "$CACHEWRAP_DIR/blobs" -type f 2>/dev/null || true) | wc -l)"
    SIZES+=("$N")
done
((${#SIZES[@]})) || return 0

# The fills leave gigabytes of dirty pages; written back during the timing, they slowed
# whichever size was being timed (1M once measured 1.25x for that alone).
say "sync: writing back the filled stores before timing"
sync
say "hit at ${SIZES[*]} entries ($RUNS runs each, $ROUNDS alternating rounds)"
for _ in $(seq "$ROUNDS"); do
    for N in "${SIZES[@]}"; do
        CACHEWRAP_DIR=$WORK/cw-scale-$N hf_run "scale$N" --warmup 10 --runs $(((RUNS + ROUNDS - 1) / ROUNDS)) \
            -n "cachewrap hit, 1 KiB, store of $N entries" "$BIN -- cat $WORK/data/1k"
    done
done
for N in "${SIZES[@]}"; do
    hf_rows "scale$N" "scale$N"
    fact "rss_hit_$N" "$(CACHEWRAP_DIR=$WORK/cw-scale-$N rss_kib "$BIN" -- cat "$WORK/data/1k")"
done

# A miss is a first call for a key: `--prepare` removes the key's entry (the tool `cat`; the
# measured hit entry above goes with it, its timing done) before every timed run.
say "miss at ${SIZES[*]} entries ($MISS_RUNS runs each, $ROUNDS alternating rounds)"
for _ in $(seq "$ROUNDS"); do
    for N in "${SIZES[@]}"; do
        CACHEWRAP_DIR=$WORK/cw-scale-$N hf_run "smiss$N" --warmup 3 --runs $(((MISS_RUNS + ROUNDS - 1) / ROUNDS)) \
            --prepare "$BIN rm --tool cat" -n "cachewrap miss (run + insert), store of $N entries" "$BIN -- $TOOL"
    done
done
for N in "${SIZES[@]}"; do
    hf_rows "smiss$N" "smiss$N"
    CACHEWRAP_DIR=$WORK/cw-scale-$N "$BIN" rm --tool cat >/dev/null 2>&1
    fact "rss_miss_$N" "$(CACHEWRAP_DIR=$WORK/cw-scale-$N rss_kib "$BIN" -- $TOOL)"
done

# timed_row ID LABEL N CMD...: one timed run in the store of N entries, as a row; its peak RSS
# becomes the fact rss_ID.
timed_row() {
    local id=$1 label=$2 n=$3; shift 3
    CACHEWRAP_DIR=$WORK/cw-scale-$n timed "$WORK/$id" "$@" || die "$label failed"
    local rss
    rss=$(cut -d' ' -f2 "$WORK/$id.time")
    fact "rss_$id" "$rss"
    row "$id" "$label" "$(cut -d' ' -f1 "$WORK/$id.time")" "peak RSS $((rss / 1024)) MiB"
}
for N in "${SIZES[@]}"; do
    say "ls and stats at $N entries (one run each)"
    timed_row "sls$N" "cachewrap ls, store of $N entries" "$N" "$BIN" ls
    timed_row "sstats$N" "cachewrap stats, store of $N entries" "$N" "$BIN" stats
done
# gc last, as it changes the stores: first the routine pass (expired sweep; nothing is over the
# 1 GiB default, so no eviction), then an eviction of about half the output bytes (LRU).
for N in "${SIZES[@]}"; do
    export CACHEWRAP_DIR=$WORK/cw-scale-$N
    say "gc at $N entries: expired sweep, then --max-size half the bytes"
    timed_row "sgcsweep$N" "cachewrap gc (expired sweep, no eviction), $N entries" "$N" "$BIN" gc
    HALF=$(($(stat_json bytes) / 2))
    before=$(entries_in "$CACHEWRAP_DIR")
    CACHEWRAP_DIR=$WORK/cw-scale-$N timed "$WORK/sgc$N" "$BIN" gc --max-size "$HALF" || die "gc --max-size failed"
    rss=$(cut -d' ' -f2 "$WORK/sgc$N.time")
    fact "rss_sgc$N" "$rss"
    row "sgc$N" "cachewrap gc --max-size $HALF (half the bytes), $N entries" "$(cut -d' ' -f1 "$WORK/sgc$N.time")" \
        "entries $before -> $(entries_in "$CACHEWRAP_DIR"); hot files left $(find "$CACHEWRAP_DIR/hot" -type f | wc -l); peak RSS $((rss / 1024)) MiB"
done
