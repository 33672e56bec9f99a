#!/usr/bin/env bash
# Search latency of fahras-search, with snippets, next to the peers of shared/bench measured in
# the same run (they return ids only).
#
# Runs shared/bench/run-peers.sh on the full ANT news corpus with the 2,000 headline queries
# (shared/bench/queries/news-titles.tsv), fahras added through its ENGINE_* hook:
#   index:  fahras-index --db {INDEX} {CORPUS}
#   search: fahras-search --db {INDEX} --queries {QUERIES} --format json -n {TOPK}
#           --run {RUN} --repeat {REPEAT} --stats {STATS}   (JSON with snippets kept in OUT)
# then prints fahras's per-query p50/p95 (in-process, from --stats), the batch wall time, the
# snippet share, and the same figures of the peers, with ratios.
#
# Usage: bench/search-latency.sh [OUTDIR]
# Environment:
#   FAHRAS_BIN   folder with fahras-index and fahras-search (default build/release/bin)
#   PEERS        peers besides fahras (default "xapian lucene sqlite-fts5": the ranked peers
#                that answer 2,000 queries in minutes; postgres needs ~0.5 s a query here)
#   REPEAT       passes in the latency run (default 3: pass 1 cold, passes 2-3 warm)
#   QUERIES      query file (default shared/bench/queries/news-titles.tsv)
#   CORPUS_ZST   corpus (default shared/corpus/news-ant.jsonl.zst), decompressed into WORK
#   WORK         scratch folder for the decompressed corpus (default /work/tmp-searcher)
#   FAHRAS_DB    an existing fahras index of the same corpus to copy instead of indexing
#                (faster when only latency matters; the index figures are then meaningless)
#   RUNS         run the whole comparison this many times (default 1), each into OUTDIR/run-N,
#                then print every run's ratios and their median: on a shared machine one run's
#                ratio moves by 10-20% with the load, and the peers run one after another
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-/work/shared}
bin=$(readlink -f "${FAHRAS_BIN:-$here/build/release/bin}")
out=$(readlink -f -m "${1:-$here/build/bench/search-latency}")
work=${WORK:-/work/tmp-searcher}
queries=${QUERIES:-$shared/bench/queries/news-titles.tsv}
corpus_zst=${CORPUS_ZST:-$shared/corpus/news-ant.jsonl.zst}
export PEERS=${PEERS:-xapian lucene sqlite-fts5}
export REPEAT=${REPEAT:-3}
export TOPK=${TOPK:-10}

if [ "${RUNS:-1}" -gt 1 ]; then
    for i in $(seq "$RUNS"); do
        echo "== run $i of $RUNS" >&2
        RUNS=1 bash "$0" "$out/run-$i"
    done
    echo
    echo "== $RUNS runs: fahras (with snippets) / the fastest ranked peer (ids only), warm passes"
    /usr/bin/python3 - "$out" "$RUNS" <<'PY'
import json, os, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
r50, r95 = [], []
print(f"{'run':<5} {'fahras p50':>10} {'p95':>7}  {'peer':<8} {'p50':>7} {'p95':>7}  {'p50 ratio':>9} {'p95 ratio':>9}")
for i in range(1, runs + 1):
    d = os.path.join(out, f"run-{i}", "stats")
    stats = {f[:-5]: json.load(open(os.path.join(d, f))) for f in os.listdir(d) if f.endswith(".json")}
    f = (stats.get("fahras") or {}).get("warm")
    peers = [(p, s["warm"]) for p, s in stats.items() if p != "fahras" and s.get("warm")]
    if not f or not peers:
        print(f"{i:<5} (no figures)")
        continue
    p, w = min(peers, key=lambda x: x[1]["p50"])
    r50.append(f["p50"] / w["p50"])
    r95.append(f["p95"] / w["p95"])
    print(f"{i:<5} {f['p50']:10.3f} {f['p95']:7.3f}  {p:<8} {w['p50']:7.3f} {w['p95']:7.3f}  {r50[-1]:8.2f}x {r95[-1]:8.2f}x")
if r50:
    print(f"median ratio over {len(r50)} runs: p50 {statistics.median(r50):.2f}x, p95 {statistics.median(r95):.2f}x "
          f"(p50 {min(r50):.2f}-{max(r50):.2f}x, p95 {min(r95):.2f}-{max(r95):.2f}x)")
PY
    exit 0
fi

for tool in fahras-search ${FAHRAS_DB:+-} fahras-index; do
    [ "$tool" = - ] && break # with FAHRAS_DB, fahras-index is not needed
    [ -x "$bin/$tool" ] || {
        echo "search-latency.sh: no $tool in $bin (cmake --preset release && cmake --build --preset release)" >&2
        exit 2
    }
done
mkdir -p "$work" "$out"
corpus=$work/$(basename "$corpus_zst" .zst)
if [ ! -s "$corpus" ]; then
    echo "decompressing $corpus_zst -> $corpus" >&2
    zstd -q -dc "$corpus_zst" >"$corpus.tmp" && mv "$corpus.tmp" "$corpus"
fi

# The index layout changes search times (a sharded stub database costs 1.2-1.35x a single one,
# a compacted one less): say which one is measured.
if [ -n "${FAHRAS_DB:-}" ]; then
    if [ -f "$FAHRAS_DB/XAPIANDB" ]; then
        layout="stub database over $(grep -c . "$FAHRAS_DB/XAPIANDB") shards ($FAHRAS_DB)"
    else
        layout="single database ($FAHRAS_DB)"
    fi
else
    layout="as fahras-index builds it by default (see its --shards and --compact)"
fi
export ENGINE_NAME=fahras
if [ -n "${FAHRAS_DB:-}" ]; then
    # sync: fahras-index's commits reach the disk (Xapian fsyncs them); a copy left in the page
    # cache as 430 MB of dirty pages is written back during the timed passes instead.
    export ENGINE_INDEX_CMD="cp -r $(readlink -f "$FAHRAS_DB") {INDEX} && sync"
else
    export ENGINE_INDEX_CMD="$bin/fahras-index --quiet --db {INDEX} {CORPUS}"
fi
# Snippets are made and printed (JSON Lines) in every pass; the first pass's output is kept
# next to the run file so that it can be looked at.
export ENGINE_SEARCH_CMD="$bin/fahras-search --db {INDEX} --queries {QUERIES} --format json -n {TOPK} --run {RUN} --repeat {REPEAT} --stats {STATS} > {RUN}.jsonl"

load_before=$(cut -d' ' -f1-3 /proc/loadavg) # the machine may be shared: compare within a run
bash "$shared/bench/run-peers.sh" "$corpus" "$queries" "$out"

echo
echo "== fahras-search with top-$TOPK snippets vs the peers (ids only), same run, $(grep -c . "$queries") queries"
echo "fahras index layout: $layout; load before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$out" "$TOPK" <<'PY'
import csv, json, os, sys
out, topk = sys.argv[1], sys.argv[2]
rows = {r["peer"]: r for r in csv.DictReader(open(os.path.join(out, "summary.tsv")), delimiter="\t")}
def stats(peer):
    p = os.path.join(out, "stats", peer + ".json")
    return json.load(open(p)) if os.path.exists(p) else None
print(f"{'peer':<12} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'1st p50':>8} {'1st p95':>8} {'batch s':>8}  zero-hit  index s")
fastest = None
for peer, r in rows.items():
    s = stats(peer)
    w = (s or {}).get("warm") or {}
    f = (s or {}).get("first_pass") or {}
    def g(d, k):
        return f"{d[k]:8.3f}" if k in d else f"{'NA':>8}"
    print(f"{peer:<12} {g(w,'p50')} {g(w,'p95')} {g(w,'mean')} {g(f,'p50')} {g(f,'p95')} {float(r['query_total_s']):8.2f}  {r.get('zero_hit_queries','NA'):>8}  {r['index_s']}")
    if peer != "fahras" and w and (fastest is None or w["p50"] < fastest[1]["p50"]):
        fastest = (peer, w)
s = stats("fahras")
if s and s.get("warm") and fastest:
    peer, w = fastest
    print(f"\nfahras / fastest ranked peer ({peer}), warm passes: p50 {s['warm']['p50'] / w['p50']:.2f}x, p95 {s['warm']['p95'] / w['p95']:.2f}x")
if s:
    print(f"fahras: snippets take {s['snippet_ms_mean']:.3f} ms of a query on average; "
          f"process wall time {s['batch_wall_ms'] / 1000:.1f} s for {s['passes']} passes "
          f"(one pass, fresh process: {float(rows['fahras']['query_total_s']):.2f} s)")
    print(f"snippets written to {os.path.join(out, 'logs', 'fahras.run.latency.jsonl')} and {os.path.join(out, 'fahras.run.jsonl')}")
PY
