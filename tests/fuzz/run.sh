#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default 60),
# seeded with real Arabic from corpus/. Crashes are written to build/fuzz/crashes/<target>/.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(fuzz_analyzer fuzz_query fuzz_jsonl)
build=$root/build/fuzz
CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFAHRAS_FUZZ=ON \
    -DFAHRAS_BUILD_TESTS=OFF -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined" >/dev/null
cmake --build "$build" -j2 --target "${targets[@]}" >/dev/null

# Seeds: real lines of the bundled corpus (news, Quran with full marks), and queries.
seeds=$build/seeds; mkdir -p "$seeds/text" "$seeds/jsonl" "$seeds/query"
# (head closes the pipe early: zstd's SIGPIPE is expected, hence the || true.)
{ zstd -dc "$root/corpus/news-sample.jsonl.zst" || true; } | head -200 | split -l 1 - "$seeds/jsonl/news-"
{ zstd -dc "$root/corpus/quran.jsonl.zst" || true; } | head -100 | split -l 1 - "$seeds/jsonl/quran-"
for f in "$seeds"/jsonl/*; do python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read())["body"][:2000])' "$f" > "$seeds/text/$(basename "$f")"; done
i=0; while IFS=$'\t' read -r _ q; do i=$((i+1)); printf '%s\0%s' "$q" "$(cat "$seeds/text/$(ls "$seeds/text" | sed -n "$((i % 200 + 1))p")")" > "$seeds/query/q$i"; done < <(head -100 "$root/../shared/bench/queries/news-titles.tsv" 2>/dev/null || true)

for t in "${targets[@]}"; do
    case $t in fuzz_analyzer) s=$seeds/text ;; fuzz_query) s=$seeds/query ;; *) s=$seeds/jsonl ;; esac
    work=$build/corpus/$t crashes=$build/crashes/$t; mkdir -p "$work" "$crashes"
    echo "== $t: ${seconds}s"
    "$build/bin/$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$crashes/" -print_final_stats=1 "$work" "$s" 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)|ERROR|SUMMARY" || true
done
