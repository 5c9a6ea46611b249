#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ and runs each for SECONDS seconds, then prints one line
# per target: executions and crashes. Exits non-zero when any target crashed (or failed to run).
#
#   bash fuzz/run.sh SECONDS [TARGET...]     e.g. bash fuzz/run.sh 5 (smoke), bash fuzz/run.sh 600 config
#
# Each target is one binary: every CachewrapCore source compiled with the target file into one
# module, so internal APIs are reachable. Binaries, the growing corpus, logs and crash inputs go
# to .build-fuzz/; only the seed corpus (fuzz/corpus/TARGET) is in git. FUZZ_JOBS (default: nproc)
# caps how many targets run at once.
set -euo pipefail

usage() { echo "usage: bash fuzz/run.sh SECONDS [TARGET...]" >&2; exit 64; }
[[ $# -ge 1 && $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
seconds=$1; shift

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/.build-fuzz
all=(config resp envelope hotfile frames duration argv answercost responsehead dnsmessage systemfiles)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")
for t in "${targets[@]}"; do
    [[ -f $root/fuzz/$t.swift ]] || { echo "no fuzz target '$t' (known: ${all[*]})" >&2; exit 64; }
done
jobs=${FUZZ_JOBS:-$(nproc)}
swiftc=${SWIFTC:-swiftc}
mkdir -p "$out/logs"

# --- build -------------------------------------------------------------------------------------
mapfile -t core < <(find "$root/Sources/CachewrapCore" -name '*.swift' | sort)
build() {
    local t=$1 bin=$out/$1
    # Up to date when no source (core, support, target) is newer than the binary.
    if [[ -x $bin && -z $(find "${core[@]}" "$root/fuzz/Support.swift" "$root/fuzz/$t.swift" \
                               -newer "$bin" -print -quit) ]]; then
        return 0
    fi
    echo "building $t" >&2
    # The flags of Package.swift: Swift 6 mode, SQLite, zstd and OpenSSL from their archives; lld keeps
    # the link quiet.
    if ! "$swiftc" -swift-version 6 -sanitize=fuzzer,address -parse-as-library -O -use-ld=lld \
            -module-name Fuzz -I "$root/Sources/CSQLite" -I "$root/Sources/CPTY" -I "$root/Sources/COpenSSL" -I "$root/Sources/CZstd" \
            "${core[@]}" "$root/fuzz/Support.swift" "$root/fuzz/$t.swift" \
            -Xlinker -l:libsqlite3.a -Xlinker -l:libzstd.a -Xlinker -l:libssl.a -Xlinker -l:libcrypto.a -Xlinker -lm \
            -Xlinker --wrap=OPENSSL_cpuid_setup \
            -o "$bin.tmp" >"$out/logs/build-$t.log" 2>&1; then
        tail -40 "$out/logs/build-$t.log" >&2
        echo "build of $t failed: $out/logs/build-$t.log" >&2
        return 1
    fi
    mv "$bin.tmp" "$bin"
}
for t in "${targets[@]}"; do build "$t"; done

# --- run ---------------------------------------------------------------------------------------
run() {
    local t=$1 work=$out/work/$1
    mkdir -p "$out/corpus/$t" "$out/crashes/$t" "$work" "$root/fuzz/corpus/$t"
    touch "$work/started"
    # In a scratch directory with a scratch HOME and no stdin, so nothing a target reads comes
    # from the developer's files (policies read only the invocation a target states). New
    # inputs go to the first corpus directory (.build-fuzz/corpus), so the seeds in git stay
    # as they are.
    # Leak detection is off: LeakSanitizer reports Swift's lazily built globals (rule tables)
    # whose pointers sit in spare bits of enum payloads, which it cannot see. Swift's own
    # backtracer is off too: it reads the crashed stack in a way AddressSanitizer reports as a
    # second error, burying the first; libFuzzer prints the stack instead.
    local dict=()
    [[ -f $root/fuzz/$t.dict ]] && dict=(-dict="$root/fuzz/$t.dict")
    set +e
    (cd "$work" && HOME=$work SWIFT_BACKTRACE=enable=no \
        ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" "$out/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 \
        -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$out/crashes/$t/" "${dict[@]}" \
        "$out/corpus/$t" "$root/fuzz/corpus/$t" </dev/null >"$out/logs/$t.log" 2>&1)
    echo $? >"$out/logs/$t.rc"
}
echo "running ${#targets[@]} target(s) for ${seconds}s each, $jobs at a time" >&2
running=0
for t in "${targets[@]}"; do
    if (( running >= jobs )); then wait -n || true; running=$((running - 1)); fi
    run "$t" &
    running=$((running + 1))
done
wait

# --- report ------------------------------------------------------------------------------------
failed=0
printf '%-10s %8s %14s %8s %8s  %s\n' target seconds executions exec/s crashes status
for t in "${targets[@]}"; do
    log=$out/logs/$t.log
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    crashes=$(find "$out/crashes/$t" -maxdepth 1 -type f -newer "$out/work/$t/started" | wc -l)
    rc=$(cat "$out/logs/$t.rc")
    status=ok
    if (( crashes > 0 )); then
        status="CRASH: $(find "$out/crashes/$t" -maxdepth 1 -type f -newer "$out/work/$t/started" | head -1)"
    elif [[ $rc != 0 ]]; then
        status="exit $rc: see $log"
    fi
    [[ $status == ok ]] || failed=1
    printf '%-10s %8s %14s %8s %8s  %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "$crashes" "$status"
done
exit $failed
