#!/usr/bin/env bash
# Analysis throughput (MB/s of Arabic news text) of each fahras analyzer, and its ratio to
# Xapian's TermGenerator + Snowball arabic measured in the same run (machines are noisy: compare
# ratios, not MB/s, across runs).
#
#   bench/analysis_speed.sh [TEXT.jsonl[.zst]]      (default: corpus/news-sample.jsonl.zst)
#
# Builds the `bench` preset's fahras_analysis_bench (Google Benchmark, libbenchmark-dev) if
# needed; REPS (default 3) repetitions, the median is reported.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [ ! -x build/bench/bin/fahras_analysis_bench ]; then
    cmake --preset bench >/dev/null && cmake --build --preset bench --target fahras_analysis_bench >/dev/null
fi
[ $# -ge 1 ] && export FAHRAS_BENCH_TEXT=$(readlink -f "$1")
build/bench/bin/fahras_analysis_bench --benchmark_repetitions="${REPS:-3}" \
    --benchmark_report_aggregates_only=true --benchmark_format=json 2>/dev/null | python3 -c '
import json, sys
doc = json.load(sys.stdin)
med = {b["run_name"]: b["bytes_per_second"] / 1e6 for b in doc["benchmarks"] if b.get("aggregate_name") == "median"}
peer = med["BM_xapian_termgenerator"]
print("benchmark\tMB/s\tvs xapian TermGenerator")
for name, v in med.items():
    short = name[3:] if name.startswith("BM_") else name
    print(f"{short}\t{v:.1f}\t{v / peer:.2f}x")
' 
