#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default 60),
# seeded with real Arabic from corpus/. Crashes are written to build/fuzz/crashes/<target>/.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]        (CPU=1 tests/fuzz/run.sh …: SECONDS of CPU time)
# Needs clang, and the zstd and lz4 tools that make seeds (apt-get install clang zstd lz4): not
# part of scripts/install-deps.sh, which is what the build and the test suite need.
set -euo pipefail
for tool in clang++ zstd lz4; do
    command -v "$tool" >/dev/null || { echo "fuzz/run.sh: $tool is missing (apt-get install clang zstd lz4)" >&2; exit 2; }
done
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(fuzz_analyzer fuzz_query fuzz_jsonl fuzz_wikixml fuzz_snippet fuzz_stored)
build=$root/build/fuzz
CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFAHRAS_FUZZ=ON \
    -DFAHRAS_BUILD_TESTS=OFF -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined" >/dev/null
cmake --build "$build" -j2 --target "${targets[@]}" >/dev/null

# Seeds: real lines of the bundled corpus (news, Quran with full marks), queries, wiki pages.
seeds=$build/seeds; rm -rf "$seeds"; mkdir -p "$seeds/text" "$seeds/jsonl" "$seeds/query" "$seeds/wikixml" "$seeds/snippet" "$seeds/stored"
# (head closes the pipe early: zstd's SIGPIPE is expected, hence the || true.)
{ zstd -dc "$root/corpus/news-sample.jsonl.zst" || true; } | head -200 | split -l 1 - "$seeds/jsonl/news-"
{ zstd -dc "$root/corpus/quran.jsonl.zst" || true; } | head -100 | split -l 1 - "$seeds/jsonl/quran-"
for f in "$seeds"/jsonl/*; do python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read())["body"][:2000])' "$f" > "$seeds/text/$(basename "$f")"; done
i=0; while IFS=$'\t' read -r _ q; do i=$((i+1)); printf '%s\0%s' "$q" "$(cat "$seeds/text/$(ls "$seeds/text" | sed -n "$((i % 200 + 1))p")")" > "$seeds/query/q$i"; done < <(head -100 "$root/../shared/bench/queries/news-titles.tsv" 2>/dev/null || true)

# The bad-input corpus (tests/data/bad) seeds the readers too: every kind of damage it has.
cp "$root"/tests/data/bad/*.jsonl* "$root"/tests/data/bad/*.txt "$seeds/jsonl/"
cp "$root"/tests/data/bad/*.xml "$seeds/wikixml/"
# Wiki XML: the hand-written dump, each page of the real arwiki sample (its markup cut into
# slices of about 6 KB, at an entity boundary), and news bodies of the corpus as wiki pages.
cp "$root/tests/data/wiki-mini.xml" "$seeds/wikixml/wiki-mini.xml"
bzcat "$root/tests/data/arwiki-sample.xml.bz2" | python3 -c '
import re, sys, os
dump = sys.stdin.read(); out = sys.argv[1]
head = dump[:dump.index("<page>")]
for n, page in enumerate(re.findall(r"<page>.*?</page>", dump, re.S)):
    m = re.search(r"(<text[^>]*>)(.*?)(</text>)", page, re.S)
    body = m.group(2) if m else ""
    for k in range(0, max(len(body), 1), 6000):
        piece = body[k:k + 6000]
        amp = piece.rfind("&")
        if amp > piece.rfind(";"): piece = piece[:amp]
        one = page[:m.start(2)] + piece + page[m.end(2):] if m else page
        open(os.path.join(out, "arwiki-%d-%d.xml" % (n, k // 6000)), "w").write(head + one + "\n</mediawiki>\n")
' "$seeds/wikixml"
i=0; for f in "$seeds"/text/news-a*; do i=$((i+1)); [ $i -le 40 ] || break
    python3 -c 'import sys, html; print("<mediawiki><siteinfo><dbname>arwiki</dbname><base>https://ar.wikipedia.org/wiki/x</base></siteinfo><page><title>t</title><ns>0</ns><id>%d</id><revision><timestamp>2020-01-01T00:00:00Z</timestamp><text>\x27\x27\x27%s\x27\x27\x27 [[a|b]] {{c|d}}&lt;ref&gt;e&lt;/ref&gt;\n== f ==\n[[تصنيف:g]]</text></revision></page></mediawiki>" % (int(sys.argv[2]), html.escape(open(sys.argv[1]).read())))' "$f" $i > "$seeds/wikixml/news-$i.xml"
done
# Snippets: two setup bytes (stemmer and size, query recipe), an empty query prefix, a NUL and
# the text; the recipes build the query from the text's own words.
i=0; for f in "$seeds"/text/*; do i=$((i+1))
    { printf "\\$(printf %03o $((i * 37 % 256)))\\$(printf %03o $((i * 11 % 256)))\\000"; cat "$f"; } > "$seeds/snippet/s$i"
done

# Stored documents: a mode byte (1-255: damage recipes), then id, title and body split at NULs;
# and mode 0 with records of all three formats as they are.
i=0; for f in "$seeds"/text/*; do i=$((i+1)); [ $i -le 60 ] || break
    { printf "\\$(printf %03o $((i * 53 % 255 + 1)))seed-$i\\000"; head -c 200 "$f"; printf '\\000'; cat "$f"; } > "$seeds/stored/s$i"
done
python3 - "$seeds/stored" <<'PY'
import json, os, subprocess, sys
out = sys.argv[1]
doc = {"title": "عنوان", "body": "قال وزير الدولة إن الاتفاقية النووية للتمدد إقليميا"}
plain = json.dumps(doc, ensure_ascii=False).encode()
def keystream(n):  # docs/schema.md: splitmix64 from state 0, little-endian, 64 KiB period
    out, state, mask = bytearray(), 0, (1 << 64) - 1
    while len(out) < 65536:
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        out += (z ^ (z >> 31)).to_bytes(8, "little")
    return bytes(out[i % 65536] for i in range(n))
open(os.path.join(out, "plain.json"), "wb").write(plain)  # (a file: both tools write its content size)
zstd = subprocess.run(["zstd", "-q", "-c", "--check", os.path.join(out, "plain.json")], capture_output=True, check=True).stdout
lz4 = subprocess.run(["lz4", "-q", "-9", "--content-size", "-c", os.path.join(out, "plain.json")], capture_output=True, check=True).stdout
os.remove(os.path.join(out, "plain.json"))
v3 = bytes(a ^ b for a, b in zip(lz4, keystream(len(lz4))))
v1 = json.dumps(dict(doc, id="a"), ensure_ascii=False).encode()
for name, data in {"v1": v1, "v1-cut": v1[:20], "v2": b"\x01\x01a" + zstd, "v3": b"\x02\x01a" + v3,
                   "v3-not-whitened": b"\x02\x01a" + lz4, "v3-cut": b"\x02\x01a" + v3[:25]}.items():
    open(os.path.join(out, name), "wb").write(b"\0" + data)
PY

logs=$build/logs; mkdir -p "$logs"
for t in "${targets[@]}"; do
    case $t in fuzz_analyzer) s=$seeds/text ;; fuzz_query) s=$seeds/query ;; fuzz_wikixml) s=$seeds/wikixml ;;
               fuzz_snippet) s=$seeds/snippet ;; fuzz_stored) s=$seeds/stored ;; *) s=$seeds/jsonl ;; esac
    work=$build/corpus/$t crashes=$build/crashes/$t; mkdir -p "$work" "$crashes"
    echo "== $t: ${seconds}s"
    # One process at a time; the whole log is kept in build/fuzz/logs/, CPU time from time(1).
    # With CPU=1, SECONDS is CPU time, not wall time: on a shared machine a fuzzer under nice
    # may get a fraction of a core, so it runs until it has used SECONDS of CPU and is then
    # stopped with SIGINT (libFuzzer prints its final stats on SIGINT).
    wall=$seconds; [ "${CPU:-0}" = 1 ] && wall=86400
    log=$logs/$t.$(date +%Y%m%d-%H%M%S).log
    /usr/bin/time -f "cpu_seconds: %U user + %S system, max_rss_kb: %M" \
        "$build/bin/$t" -max_total_time="$wall" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$crashes/" -print_final_stats=1 "$work" "$s" > "$log" 2>&1 &
    timer=$!
    if [ "${CPU:-0}" = 1 ]; then
        fuzzer=""; while [ -z "$fuzzer" ] && kill -0 "$timer" 2>/dev/null; do sleep 1; fuzzer=$(pgrep -P "$timer" || true); done
        tick=$(getconf CLK_TCK)
        while [ -n "$fuzzer" ] && kill -0 "$fuzzer" 2>/dev/null; do
            used=$(awk -v t="$tick" '{print int(($14 + $15) / t)}' "/proc/$fuzzer/stat" 2>/dev/null || echo 0)
            [ "$used" -ge "$seconds" ] && { kill -INT "$fuzzer"; break; }
            sleep 5
        done
    fi
    wait "$timer" || true
    cp "$log" "$logs/$t.log"
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE|cpu_seconds)|ERROR|SUMMARY|interrupted" "$logs/$t.log" || true
    ls "$crashes" | sed "s|^|artifact: $crashes/|"
done
