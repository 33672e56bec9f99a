#!/usr/bin/env bash
# Indexing throughput of fahras-index beside the Xapian and Lucene peers, in the same run, on
# the full ANT news corpus; then fahras alone on 1×, 2× and 4× that corpus (ids made unique per
# copy) to show how time and memory grow with the input.
#
#   bench/index-throughput.sh [OUTDIR]        (default OUTDIR: $WORK/out)
#
# Environment:
#   FAHRAS_BIN  folder with fahras-index/fahras-search (default: build/release/bin of this tree)
#   CORPUS_ZST  the corpus (default /work/shared/corpus/news-ant.jsonl.zst)
#   WORK        scratch folder for the decompressed corpora and indexes (default /work/tmp-indexer)
#   BENCH_DIR   the peers' benchmark (default /work/shared/bench)
#   PEERS       peers run beside fahras (default "xapian lucene"; empty = skip part 1)
#   SCALES      corpus multiples for the growth run (default "1 2 4"; empty = skip)
#   INDEX_ARGS  extra fahras-index options (e.g. "--threads 2", "--shards 1" for one writer,
#               "--compact" to merge the shards at the end)
# Figures: MB = 10^6 bytes of uncompressed JSONL; MB/s = corpus MB / wall seconds of the index
# command; peak RSS = max RSS from /usr/bin/time; index size = du -sb of the database; cpu_s =
# user + system seconds of the index command (less sensitive than wall time to other jobs on
# the machine, so the better measure of growth on a shared machine).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FAHRAS_BIN=${FAHRAS_BIN:-$ROOT/build/release/bin}
CORPUS_ZST=${CORPUS_ZST:-/work/shared/corpus/news-ant.jsonl.zst}
WORK=${WORK:-/work/tmp-indexer}
BENCH_DIR=${BENCH_DIR:-/work/shared/bench}
PEERS=${PEERS-"xapian lucene"}
SCALES=${SCALES-"1 2 4"}
INDEX_ARGS=${INDEX_ARGS:-}
OUT=${1:-$WORK/out}
[ -x "$FAHRAS_BIN/fahras-index" ] || { echo "index-throughput: no $FAHRAS_BIN/fahras-index (cmake --build --preset release)" >&2; exit 2; }
mkdir -p "$WORK" "$OUT"
OUT=$(readlink -f "$OUT")

corpus=$WORK/news-ant.jsonl
[ -s "$corpus" ] || zstd -q -dc "$CORPUS_ZST" > "$corpus"

# A tiny query file: the peers' run needs one; this benchmark is about indexing.
queries=$OUT/queries.tsv
printf 'q1\tاتفاقية الشراكة\nq2\tأسعار النفط\nq3\tكأس العالم\n' > "$queries"

# The search side of the ENGINE hook: one fahras-search a query, its ranked list as a TREC run.
search_cmd=$OUT/fahras-trec.sh
cat > "$search_cmd" <<SH
#!/usr/bin/env bash
# fahras-trec.sh DB QUERIES RUN
while IFS=\$'\t' read -r qid q; do
  "$FAHRAS_BIN/fahras-search" --db "\$1" -n 10 --color never "\$q" 2>/dev/null |
    awk -v qid="\$qid" '/^[0-9]+\\. /{ sub(/\\.\$/, "", \$1); print qid, "Q0", \$2, \$1, \$NF, "fahras" }'
done < "\$2" > "\$3"
SH
chmod +x "$search_cmd"

if [ -n "$PEERS" ]; then
echo "== 1. fahras beside the peers ($PEERS), same run: $(date -u +%FT%TZ)"
ENGINE_NAME=fahras \
ENGINE_INDEX_CMD="$FAHRAS_BIN/fahras-index -q --no-progress $INDEX_ARGS --db {INDEX} {CORPUS}" \
ENGINE_SEARCH_CMD="$search_cmd {INDEX} {QUERIES} {RUN}" \
PEERS="$PEERS" REPEAT=1 \
  "$BENCH_DIR/run-peers.sh" "$corpus" "$queries" "$OUT/peers" > "$OUT/peers.log" 2>&1 ||
  { echo "run-peers.sh failed, see $OUT/peers.log" >&2; tail -20 "$OUT/peers.log" >&2; exit 2; }

awk -F'\t' '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { peer[NR] = $col["peer"]; mbs[NR] = $col["index_MB_per_s"]; s[NR] = $col["index_s"];
    rss[NR] = $col["peak_rss_MB"]; size[NR] = $col["index_size_MB"]; cpu[NR] = $col["index_cpu_s"];
    if ($col["peer"] == "xapian") x = $col["index_MB_per_s"]; if ($col["peer"] == "lucene") l = $col["index_MB_per_s"] }
  END {
    printf "%-8s %9s %8s %8s %13s %14s %10s %10s\n", "peer", "index_s", "cpu_s", "MB/s", "peak_RSS_MB", "index_size_MB", "x_xapian", "x_lucene"
    for (i = 2; i <= NR; i++)
      printf "%-8s %9.2f %8.2f %8.2f %13.1f %14.1f %10s %10s\n", peer[i], s[i], cpu[i], mbs[i], rss[i], size[i],
        (x > 0 ? sprintf("%.2f", mbs[i] / x) : "NA"), (l > 0 ? sprintf("%.2f", mbs[i] / l) : "NA")
  }' "$OUT/peers/summary.tsv" | tee "$OUT/throughput.txt"
fi

[ -n "$SCALES" ] || exit 0
echo
echo "== 2. growth: fahras on ${SCALES// /×, }× the corpus (ids unique per copy)"
printf "%-6s %10s %9s %9s %8s %13s %14s %10s %8s %14s\n" "scale" "MB" "docs" "index_s" "MB/s" "peak_RSS_MB" "index_size_MB" "s_per_100MB" "cpu_s" "cpu_s_per_100MB" | tee "$OUT/growth.txt"
for k in $SCALES; do
  input=$WORK/news-ant-x$k.jsonl
  if [ ! -s "$input" ]; then
    for ((c = 0; c < k; c++)); do sed "s/^{\"id\": \"/{\"id\": \"c$c-/" "$corpus"; done > "$input"
  fi
  db=$WORK/growth-db-x$k
  rm -rf "$db"
  /usr/bin/time -f '%e %M %U %S' -o "$OUT/growth-x$k.time" \
    "$FAHRAS_BIN/fahras-index" -q --no-progress $INDEX_ARGS --db "$db" "$input" 2> "$OUT/growth-x$k.err" || true
  read -r wall rss_kb user_s sys_s < "$OUT/growth-x$k.time"
  bytes=$(stat -c %s "$input")
  docs=$(grep -c . "$input")
  size=$(du -sb "$db" | cut -f1)
  awk -v k="$k" -v b="$bytes" -v d="$docs" -v w="$wall" -v r="$rss_kb" -v z="$size" -v c="$(awk -v u="$user_s" -v s="$sys_s" 'BEGIN { print u + s }')" 'BEGIN {
    printf "%-6s %10.1f %9d %9.2f %8.2f %13.1f %14.1f %10.2f %8.1f %14.2f\n", k "x", b / 1e6, d, w, b / 1e6 / w, r / 1024, z / 1e6, w / (b / 1e8), c, c / (b / 1e8) }' |
    tee -a "$OUT/growth.txt"
  rm -rf "$db"
done
