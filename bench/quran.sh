#!/usr/bin/env bash
# Plain-spelling queries against the fully marked Uthmani Quran: how many queries find no verse,
# fahras beside the peers of shared/bench, in one run-peers.sh run.
#
#   bench/quran.sh [OUT_DIR]
#
# Corpus ../shared/corpus/quran.jsonl (6,236 verses), queries ../shared/bench/queries/quran.tsv
# (30 queries, most without diacritics). Environment: FAHRAS_BIN, BENCH_DIR, PGPORT as in
# quality.sh; PEERS (default "xapian lucene sqlite-fts5 postgres ripgrep").
# Prints, for each engine, zero_hit_queries from run-peers.sh's summary.tsv, and for fahras the
# hit count of every query (fahras-search's --stats).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
out=${1:-$repo/quality-out/quran}
bin=$(readlink -f "${FAHRAS_BIN:-$repo/build/release/bin}")
bench=$(readlink -f "${BENCH_DIR:-$repo/../shared/bench}")
corpus=$(readlink -f "$repo/../shared/corpus/quran.jsonl")
queries=$bench/queries/quran.tsv
mkdir -p "$out/pg"
out=$(readlink -f "$out")
ENGINE_NAME=fahras \
ENGINE_INDEX_CMD="$bin/fahras-index -q --db {INDEX} {CORPUS}" \
ENGINE_SEARCH_CMD="$bin/fahras-search --db {INDEX} --queries {QUERIES} --format trec -n {TOPK} --repeat {REPEAT} --stats {STATS} > {RUN}" \
PEERS=${PEERS:-"xapian lucene sqlite-fts5 postgres ripgrep"} REPEAT=${REPEAT:-2} OP=or \
PGBENCH_DIR="$out/pg" PGPORT=${PGPORT:-55442} \
    "$bench/run-peers.sh" "$corpus" "$queries" "$out/peers" >"$out/peers.log" 2>&1 ||
    { echo "quran.sh: run-peers.sh failed, see $out/peers.log" >&2; exit 2; }
python3 - "$out/peers/summary.tsv" "$out/peers/stats/fahras.json" "$queries" <<'PY'
import json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
head = rows[0]
print("engine\tzero_hit_queries")
for r in rows[1:]:
    print(f"{r[0]}\t{r[head.index('zero_hit_queries')]}")
hits = json.load(open(sys.argv[2]))["hits"]
print("\nfahras hits per query:")
for line in open(sys.argv[3], encoding="utf-8"):
    qid, q = line.rstrip("\n").split("\t", 1)
    print(f"{qid}\t{hits.get(qid, 0)}\t{q}")
PY
