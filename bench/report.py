"""Writes the benchmark report from the rows and facts bench/run.sh collected."""
import sys, os

rows_path, facts_path, results_path, no_write, runs = sys.argv[1:]
rows, order = {}, []
for line in open(rows_path):
    rid, label, med, lo, hi, n, note = line.rstrip("\n").split("\t")
    rows[rid] = dict(label=label, med=float(med), min=float(lo), max=float(hi), n=int(n), note=note)
    order.append(rid)
facts = {}
for line in open(facts_path):
    k, v = line.rstrip("\n").split("\t", 1)
    facts[k] = v
for rid in rows:
    rows[rid]["note"] = facts.get("note_" + rid, rows[rid]["note"])

def ms(s):
    return f"{s * 1000:.2f} ms" if s < 1 else f"{s:.2f} s"
def med(rid):
    return rows[rid]["med"] if rid in rows else None
def mib(kib):
    return int(kib) / 1024

floor = med("hello")
out = []
out.append(f"## cachewrap benchmark, {facts['date']}")
out.append("")
out.append(f"Machine: {facts['nproc']} x {facts['cpu']}, {facts['mem']} RAM, Linux {facts['kernel']}; "
           f"load average {facts['load_start']} at start, {facts['load_end']} at end; "
           f"{facts['swift']}; {facts['hyperfine']}; commit {facts['commit']}; "
           f"release binary {int(facts['binary_size']) / 1048576:.1f} MiB, links: {facts['binary_libs'].strip()}. "
           f"Whole run: {facts['elapsed_s']} s.")
out.append("")
out.append("| # | benchmark | median | min | max | runs | vs static hello | note |")
out.append("|---|---|---:|---:|---:|---:|---:|---|")
for i, rid in enumerate(order, 1):
    r = rows[rid]
    ratio = f"{r['med'] / floor:.2f}x" if floor and r["med"] < 0.1 and r["n"] > 1 else ""
    out.append(f"| {i} | {r['label']} | {ms(r['med'])} | {ms(r['min'])} | {ms(r['max'])} | {r['n']} | {ratio} | {r['note']} |")
out.append("")

# Derived figures and the targets (docs/architecture.md, Performance targets).
targets = []
def target(name, measured, goal, ok):
    targets.append((name, measured, goal, "yes" if ok is True else ("no" if ok is False else "n/a")))

hit1k = med("hit1k")
target("hit (1 KiB, replay verified) / static hello, medians", f"{hit1k / floor:.2f}x ({ms(hit1k)} / {ms(floor)})", "<= 1.0x", hit1k / floor <= 1.0)
ghc, cwgh = med("ghcache"), med("cwgh")
target("gh api --cache / cachewrap gh hit, medians", f"{ghc / cwgh:.1f}x ({ms(ghc)} / {ms(cwgh)})", ">= 15x", ghc / cwgh >= 15)
over = med("miss") - med("direct")
target("miss overhead: median(miss) - median(direct)", f"{over * 1000:.2f} ms", "<= 3 ms", over <= 0.003)
extra = (f"--refresh {(med('refresh') - med('direct')) * 1000:.2f} ms, "
         f"--no-cache {(med('nocache') - med('direct')) * 1000:.2f} ms over direct")
scale_ns = sorted(int(k[8:]) for k in facts if k.startswith("entries_"))
def scale_ratio(name, rid, goal):
    lo, hi = f"{rid}1000", f"{rid}1000000"
    if lo in rows and hi in rows:
        q = med(hi) / med(lo)
        target(f"{name} at 1M entries / at 1k entries", f"{q:.2f}x ({ms(med(hi))} / {ms(med(lo))})", f"<= {goal}x", q <= goal)
    else:
        target(f"{name} at 1M entries / at 1k entries", f"not measured (scale points: {', '.join(map(str, scale_ns)) or 'none'})", f"<= {goal}x", None)
scale_ratio("hit", "scale", 1.1)
scale_ratio("miss", "smiss", 1.2)
if "sgc1000000" in rows:
    gc_s, gc_mib = med("sgc1000000"), mib(facts["rss_sgc1000000"])
    target("gc --max-size (half the bytes) at 1M entries: time", ms(gc_s), "<= 3 s", gc_s <= 3)
    target("gc --max-size (half the bytes) at 1M entries: peak RSS", f"{gc_mib:.1f} MiB", "<= 32 MiB", gc_mib <= 32)
else:
    target("gc --max-size (half the bytes) at 1M entries", "not measured", "<= 3 s, <= 32 MiB", None)
stored100 = facts.get("stored_100m") == "yes"
target("peak RSS storing a 100 MiB output", f"{mib(facts['rss_store_100m']):.1f} MiB" + ("" if stored100 else " (not stored: over the entry limit)"),
       "<= 64 MiB", mib(facts["rss_store_100m"]) <= 64 and stored100)
target("peak RSS replaying a 100 MiB output", f"{mib(facts['rss_replay_100m']):.1f} MiB" + ("" if stored100 else " (no entry: this was a pass-through run)"),
       "<= 64 MiB", (mib(facts["rss_replay_100m"]) <= 64) if stored100 else None)
if stored100:
    gbs = (100 << 20) / med("hit100m") / 1e9
    target("replay throughput, 100 MiB to /dev/null, verified first", f"{gbs:.2f} GB/s", ">= 2 GB/s", gbs >= 2)
else:
    target("replay throughput, 100 MiB to /dev/null, verified first", "not measured (100 MiB is not stored)", ">= 2 GB/s", None)
if "hit60m" in rows:
    gbs60 = (60 << 20) / med("hit60m") / 1e9
    target("(stand-in) 60 MiB: replay throughput, verified first", f"{gbs60:.2f} GB/s", ">= 2 GB/s", gbs60 >= 2)
    target("(stand-in) 60 MiB: peak RSS store / replay",
           f"{mib(facts['rss_store_60m']):.1f} / {mib(facts['rss_replay_60m']):.1f} MiB", "<= 64 MiB",
           mib(facts["rss_store_60m"]) <= 64 and mib(facts["rss_replay_60m"]) <= 64)
rounds = sorted(k for k in facts if k.startswith("conc32_runs_"))
runs32 = [int(facts[k]) for k in rounds]
fails32 = sum(int(facts[k.replace("runs", "failed")]) for k in rounds)
differ32 = sum(int(facts[k.replace("runs", "differ")]) for k in rounds)
target("32 identical concurrent misses: runs of the tool", f"{runs32} over {len(runs32)} rounds; {fails32} non-zero exits, {differ32} differing outputs",
       "1 per round", all(r == 1 for r in runs32) and fails32 == 0 and differ32 == 0)
perr = int(facts["par_nonzero_exit"]) + int(facts["par_wrong_output"]) + int(facts["par_missing"])
target("1,000 hits from 8 parallel workers: errors",
       f"{perr} (non-zero exits {facts['par_nonzero_exit']}, wrong output {facts['par_wrong_output']}, stderr lines {facts['par_stderr_lines']}, "
       f"hits counted {facts['par_hits_counted']}/1000; {facts['par_wall_s']} s wall)",
       "0", perr == 0 and int(facts["par_stderr_lines"]) == 0)

if "hit2mz" in rows:
    # At 2 MiB a hit's fixed cost (the process, the lookup) is a third of its time, so the
    # replay's own speed is the bytes over what the hit costs beyond a 1 KiB one.
    size2 = int(facts["size_2mjson"])
    gbs2 = size2 / (med("hit2mz") - hit1k) / 1e9
    stored2, stands2 = (int(x) for x in facts["stored_2mjson"].split())
    target("replay throughput, 2 MiB JSON stored packed (unpacked and verified first), beyond a 1 KiB hit",
           f"{gbs2:.2f} GB/s ({ms(med('hit2mz'))} - {ms(hit1k)}; whole hit {size2 / med('hit2mz') / 1e9:.2f} GB/s; "
           f"stored in {stored2:,} bytes for {stands2:,})", ">= 1 GB/s", gbs2 >= 1)
if "tcremote" in rows:
    storm_ok = (int(facts["storm_failed"]) == 0 and int(facts["storm_wrong"]) == 0
                and int(facts["storm_keys_run_twice_by_one"]) == 0
                and all(int(facts[f"storm_{m}_hits"]) + int(facts[f"storm_{m}_misses"]) == 250
                        and int(facts[f"storm_{m}_misses"]) == int(facts[f"storm_{m}_ran"]) for m in "01"))
    target("team cache storm: 500 calls, 50 keys, two cache dirs",
           f"tool ran {facts['storm_runs']} times for {facts['storm_keys_run']} keys ({facts['storm_keys_run_by_both']} run by both machines); "
           f"{facts['storm_failed']} failed, {facts['storm_wrong']} wrong answers",
           "each key run at most once per machine, hits + misses = calls, misses = runs", storm_ok)

out.append("### Targets (docs/architecture.md, Performance targets)")
out.append("")
out.append("| target | measured | goal | met |")
out.append("|---|---|---|---|")
for t in targets:
    out.append("| " + " | ".join(t) + " |")
out.append("")
if scale_ns:
    out.append("### Scale (medians; one run each for ls, stats and gc; peak RSS in brackets)")
    out.append("")
    out.append("| entries | hit | miss | ls | stats | gc (sweep) | gc --max-size half the bytes |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|")
    def cell(rid, rss_key):
        if rid not in rows:
            return "-"
        rss = facts.get(rss_key)
        return ms(med(rid)) + (f" ({mib(rss):.1f} MiB)" if rss else "")
    for n in scale_ns:
        out.append(f"| {n:,} | {cell(f'scale{n}', f'rss_hit_{n}')} | {cell(f'smiss{n}', f'rss_miss_{n}')} "
                   f"| {cell(f'sls{n}', f'rss_sls{n}')} | {cell(f'sstats{n}', f'rss_sstats{n}')} "
                   f"| {cell(f'sgcsweep{n}', f'rss_sgcsweep{n}')} | {cell(f'sgc{n}', f'rss_sgc{n}')} |")
    out.append("")
if "tcremote" in rows:
    out.append(f"### Team cache (local redis-server {facts['redis_version']}, plain and TLS; medians)")
    out.append("")
    out.append("| what | redis:// | rediss:// |")
    out.append("|---|---:|---:|")
    out.append(f"| local miss answered by the team cache, fresh cache dir | {ms(med('tcremote'))} | {ms(med('tcremotetls'))} |")
    out.append(f"| the same, over no team cache (the tool runs: cat 1 KiB) | {ms(med('tcremote') - med('tcfresh'))} | {ms(med('tcremotetls') - med('tcfresh'))} |")
    out.append(f"| added cost of a lookup the team cache misses (miss with - miss without) | {ms(med('tcmiss') - med('tcmisslocal'))} | {ms(med('tcmisstls') - med('tcmisslocal'))} |")
    out.append("")
    storm = [f"machine {m}: {facts[f'storm_{m}_hits']} hits + {facts[f'storm_{m}_misses']} misses, tool ran {facts[f'storm_{m}_ran']}, "
             f"remote hits {facts[f'storm_{m}_remote_hits']}, remote misses {facts[f'storm_{m}_remote_misses']}, "
             f"stale {facts[f'storm_{m}_remote_stale']}, errors {facts[f'storm_{m}_remote_errors']}" for m in "01"]
    out.append(f"Storm (500 calls over 50 keys, 8 at a time, 250 from each of two cache dirs on redis://): " + "; ".join(storm)
               + f". A key both machines ran ({facts['storm_keys_run_by_both']}) is a race: both missed before either's write-behind reached Redis.")
    out.append("")
out.append("### Other figures")
out.append("")
out.append(f"- Miss variants: {extra}.")
out.append(f"- Hit, 1 KiB: {hit1k / med('true'):.2f}x /bin/true; cat of the same 1 KiB: {med('cat1k') * 1000:.2f} ms.")
out.append(f"- gh: response {facts['gh_response_bytes']} bytes; requests to the fake server while timing hits: "
           f"{facts['gh_requests_during_hits']} (populating: {facts['gh_requests_populate']}); "
           f"gh without a cache against the local server: {ms(med('ghnet'))}.")
out.append(f"- Peak RSS: 1 KiB hit {mib(facts['rss_hit_1k']):.1f} MiB; 100 MiB store {mib(facts['rss_store_100m']):.1f} MiB, "
           f"replay {mib(facts['rss_replay_100m']):.1f} MiB" + ("" if stored100 else " (100 MiB not stored)") + ".")
pop = [f"{k[11:]}: {float(facts[k]):.1f} s" for k in facts if k.startswith("populate_s_")]
sizes = [f"{n}: {facts[f'entries_{n}']} rows, {facts.get(f'hotfiles_{n}', '?')} hot files, {facts.get(f'blobs_{n}', '?')} blob files, "
         f"database {int(facts[f'dbsize_{n}']) / 1048576:.1f} MiB, {int(facts.get(f'disk_{n}', 0)) / 1048576:.1f} MiB on disk" for n in scale_ns]
out.append(f"- Scale stores filled by `{'cachewrap bench-populate' if facts['populate'] == 'helper' else 'spawning cachewrap -- echo bench I'}`: "
           + "; ".join(pop) + ". Sizes: " + "; ".join(sizes) + ".")
skipped = [k[8:] for k in facts if k.startswith("skipped_")]
if skipped:
    out.append(f"- Skipped scale points (no `cachewrap bench-populate`): {', '.join(skipped)}.")
out.append("")
report = "\n".join(out)
print(report)

if no_write != "1":
    method = """### Method

- `bash bench/run.sh`: `swift build -c release --static-swift-stdlib --scratch-path .build-bench`
  (a release build links `-static-executable`, see Package.swift); the floor is `/bin/true` and `print("hello world")` built with `swiftc -O -static-stdlib`.
- hyperfine `-N` (no shell), output to /dev/null, stdin /dev/null, warm-up runs first. Every group
  that gives a ratio (floor + 1 KiB hit + `cat`; misses; gh; the scale points) is timed in 4
  alternating rounds and the runs pooled (`--export-json`, median/min/max over all timed runs), so
  a spell of background load hits both sides of a ratio.
- Hit: `cachewrap -- cat FILE` after one populating call. `CACHEWRAP_MAX_ENTRY=256MiB` is exported so
  the 100 MiB output is stored (the default cap is 64 MiB); a build that does not store it gets a
  "NOT STORED" note on that row and a 60 MiB entry stands in for replay speed and RSS.
- Miss: the fake tool is `cat` of a 1 KiB file. A miss is a first call for the key (lookup misses,
  flight lock, run with capture, insert); an untimed `--prepare "cachewrap rm --tool cat"` before
  every timed run of every command makes it so. Overhead = median(miss) - median(direct).
- gh: Debian's gh with `GH_HOST=github.localhost HTTP_PROXY=http://127.0.0.1:PORT GH_TOKEN=x` against
  `bench/fake_github.py`; `gh api --cache 1h` replays from gh's own cache (no request is made while
  timing, checked), `cachewrap --ttl 1h gh api` replays from cachewrap's.
- Scale (bench/scale.sh): one store per N, filled from empty by `cachewrap bench-populate N
  --tool bench`, which saves through `Store.save` (the path a miss takes) 10,000 entries to a
  transaction: every entry has its row and its hot file in the same `hot/` directory, and one in
  10,000 a 4 MiB blob file (so blobs hold most of the bytes). Then the 1 KiB hit is stored fresh
  and timed (4 alternating rounds over the sizes), the miss likewise (`--prepare` removes its
  entry before each run), `ls` and `stats` once each, and `gc` once: the plain sweep, then
  `--max-size` at half the stored bytes (LRU eviction).
- Memory: `/usr/bin/time -v`, "Maximum resident set size".
- Packed: `cachewrap -- cat` of 2 MiB of JSON lines (over the 4 KiB packing threshold, so stored
  zstd-packed), every hit unpacking and checking it before the first byte.
- Team cache (bench/teamcache.sh): a local `redis-server` with a plain and a TLS port (a
  self-signed certificate made with openssl, trusted through `CACHEWRAP_REMOTE_CA`). Remote hit:
  `--prepare` removes the cache dir before every run, so each call is a local miss in a new
  store answered by Redis; the row without a team cache runs the tool in the same fresh dir.
  Team miss: a key Redis never holds (`CACHEWRAP_REMOTE_MODE=ro` writes nothing back), the local
  entry removed before each run as for the miss overhead. Storm: 500 calls of 50 keys in random order via
  `xargs -P 8` from two cache dirs sharing the namespace, each answer checked, the tool's runs
  logged with the cache dir that ran them, and both dirs' counters read after.
- Concurrency: 32 simultaneous `cachewrap -- sh slowtool.sh` (sleeps 0.3 s, appends to a count file),
  3 rounds with distinct keys; 1,000 hits via `xargs -P 8`, each checked for exit code, bytes and
  stderr, and the store's hit counter compared.
"""
    keep = "## What was changed to get there\n\n_(to be filled in)_\n"
    if os.path.exists(results_path):
        old = open(results_path).read()
        at = old.find("## What was changed to get there")
        if at >= 0:
            keep = old[at:]
    with open(results_path, "w") as f:
        f.write("# Benchmark results\n\nProduced by `bash bench/run.sh` (issue 6). The numbers below are from one run.\n\n")
        f.write(report.replace("## cachewrap benchmark,", "## Run of", 1) + "\n" + method + "\n" + keep)
