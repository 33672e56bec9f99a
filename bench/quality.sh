#!/usr/bin/env bash
# Retrieval quality of fahras on a judged set, each stemmer side by side, optionally with the
# peers of shared/bench measured in the same run.
#
#   bench/quality.sh [EVAL_DIR] [OUT_DIR]
#
# EVAL_DIR holds docs.jsonl, queries.tsv and qrels.txt (default ../shared/eval/arcd-dev beside
# the repository). For each stemmer (light10+snowball, light10, snowball, none) the script
# indexes docs.jsonl with fahras-index, answers every query in ONE fahras-search process (top 100)
# and scores the run with bench/score.py: MRR@10, P@1, Recall@10, Recall@100, nDCG@10. The
# default analyzer is also run with the stop-word list on (--stopwords default).
#
# Environment:
#   FAHRAS_BIN   folder with fahras-index and fahras-search (default build/release/bin)
#   PEERS        e.g. "xapian lucene sqlite-fts5 postgres": also run these peers with
#                shared/bench/run-peers.sh (TOPK=100, fahras through its ENGINE_* hook) and score
#                their runs the same way. Needs shared/bench/setup.sh to have been run.
#   BENCH_DIR    the peers' bench (default ../shared/bench beside the repository)
#   PGPORT       port of the throwaway postgres cluster (default 55442, not the bench's 55432,
#                so that another run of run-peers.sh on the machine does not collide)
# Writes OUT_DIR (default /work/tmp-$USER/quality or ./quality-out) with the runs and
# OUT_DIR/quality.tsv, and prints that table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
eval_dir=$(readlink -f "${1:-$repo/../shared/eval/arcd-dev}")
out=${2:-$repo/quality-out}
bin=$(readlink -f "${FAHRAS_BIN:-$repo/build/release/bin}")
bench=$(readlink -f "${BENCH_DIR:-$repo/../shared/bench}")
for f in docs.jsonl queries.tsv qrels.txt; do
    [ -r "$eval_dir/$f" ] || { echo "quality.sh: $eval_dir/$f: missing" >&2; exit 2; }
done
for b in fahras-index fahras-search; do
    [ -x "$bin/$b" ] || { echo "quality.sh: $bin/$b: not built (cmake --build --preset release)" >&2; exit 2; }
done
mkdir -p "$out"
out=$(readlink -f "$out")
runs=()

run_fahras() { # NAME INDEX-OPTIONS...
    local name=$1; shift
    rm -rf "$out/db-$name"
    "$bin/fahras-index" -q "$@" --db "$out/db-$name" "$eval_dir/docs.jsonl"
    "$bin/fahras-search" --db "$out/db-$name" --queries "$eval_dir/queries.tsv" --format trec \
        -n 100 > "$out/$name.run" 2>"$out/$name.err" || [ $? -eq 1 ]
    rm -rf "$out/db-$name"
    runs+=("$out/$name.run")
}

echo "quality.sh: $eval_dir ($(grep -c . "$eval_dir/queries.tsv") queries, $(grep -c . "$eval_dir/docs.jsonl") docs)" >&2
run_fahras fahras-light10+snowball --stemmer light10+snowball
run_fahras fahras-light10 --stemmer light10
run_fahras fahras-snowball --stemmer snowball
run_fahras fahras-none --stemmer none
run_fahras fahras-light10+snowball-stopwords --stemmer light10+snowball --stopwords default

if [ -n "${PEERS:-}" ]; then
    [ -x "$bench/run-peers.sh" ] || { echo "quality.sh: $bench/run-peers.sh: missing" >&2; exit 2; }
    mkdir -p "$out/pg"
    # The fahras engine goes through run-peers.sh too, so its timings sit beside the peers'.
    ENGINE_NAME=fahras \
    ENGINE_INDEX_CMD="$bin/fahras-index -q --db {INDEX} {CORPUS}" \
    ENGINE_SEARCH_CMD="$bin/fahras-search --db {INDEX} --queries {QUERIES} --format trec -n {TOPK} --repeat {REPEAT} --stats {STATS} > {RUN}" \
    PEERS="$PEERS" TOPK=100 REPEAT=${REPEAT:-3} OP=or QRELS="$eval_dir/qrels.txt" \
    PGBENCH_DIR="$out/pg" PGPORT=${PGPORT:-55442} \
        "$bench/run-peers.sh" "$eval_dir/docs.jsonl" "$eval_dir/queries.tsv" "$out/peers" >"$out/peers.log" 2>&1 ||
        echo "quality.sh: run-peers.sh failed, see $out/peers.log" >&2
    for p in $PEERS; do
        [ -s "$out/peers/$p.run" ] && runs+=("$out/peers/$p.run")
    done
    [ -s "$out/peers/fahras.run" ] && runs+=("$out/peers/fahras.run")
fi

python3 "$here/score.py" "$eval_dir/qrels.txt" "${runs[@]}" | tee "$out/quality.tsv"
