#!/usr/bin/env bash
# fahras-search on the real binary: formats, colour, batch mode, paging, filters, --stats/--run,
# exit codes, and searching while fahras-index writes the same database.
# Usage: search_cli.sh FAHRAS_INDEX FAHRAS_SEARCH DATA_DIR WORK_DIR
set -u
index=$1 search=$2 data=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { # check NAME EXPECTED_STATUS ACTUAL_STATUS
    checks=$((checks + 1)); [ "$2" = "$3" ] || fail "$1: exit $3, expected $2"
}
expect() { # expect NAME FILE GREP_PATTERN
    checks=$((checks + 1))
    grep -q -e "$3" "$2" || { fail "$1: '$3' not in $2:"; cat "$2"; }
}
expect_not() {
    checks=$((checks + 1))
    if grep -q -e "$3" "$2"; then fail "$1: '$3' in $2:"; cat "$2"; fi
}
same() { # same NAME FILE1 FILE2
    checks=$((checks + 1))
    cmp -s "$2" "$3" || { fail "$1: $2 and $3 differ:"; diff "$2" "$3" | head -20; }
}

db=$work/db
"$index" --quiet --db "$db" "$data/search.jsonl"; check "index fixture" 0 $?
s() { "$search" --db "$db" "$@" >"$work/out" 2>"$work/err"; }

# --- exit codes: 0 found, 1 none, 2 error (ripgrep's)
s 'قطر'; check "hits" 0 $?
s 'كلمةغيرموجودة'; check "no hits" 1 $?
s -- '-قطر'; check "bad query" 2 $?
expect "bad query named" "$work/err" "^fahras-search: query '-قطر': query has only exclusions"
s --format xml 'قطر'; check "bad format" 2 $?
expect "formats listed" "$work/err" "expected one of json|text|trec, got 'xml'"
s --date-from 2018-13 'قطر'; check "bad date" 2 $?
expect "date explained" "$work/err" "--date-from: expected yyyy, yyyy-mm or yyyy-mm-dd, got '2018-13'"
s -n 0 'قطر'; check "-n 0" 2 $?
s --date-from 2018-06 --date-to 2018-01 'قطر'; check "dates reversed" 2 $?
expect "dates reversed explained" "$work/err" "is before --date-from"
s --queries "$work/q.tsv" 'قطر'; check "query and --queries" 2 $?
s; check "no query" 2 $?
expect "no query explained" "$work/err" "no QUERY given"
s --queries "$work/none.tsv"; check "missing query file" 2 $?
expect "query file named" "$work/err" "none.tsv: cannot open query file"
s --rerank bm25 'قطر'; check "bad --rerank" 2 $?
expect "--rerank choices" "$work/err" "expected passages or none, got 'bm25'"

# --- text: colour only on request or on a terminal; NO_COLOR wins over auto
s 'قطر'; expect_not "no escapes when piped" "$work/out" $'\x1b'
expect "brackets when piped" "$work/out" "\[قطر\]"
s --color always 'قطر'; expect "escapes with --color always" "$work/out" $'\x1b\[1;31mقطر\x1b\[0m'
NO_COLOR=1 "$search" --db "$db" --color always 'قطر' >"$work/out" 2>&1
expect "always beats NO_COLOR" "$work/out" $'\x1b'
# A real terminal (util-linux script): auto colours, NO_COLOR turns it off. Skipped, and said,
# where no pseudo-terminal can be opened (a chroot without /dev/pts).
if command -v script >/dev/null && ! script -qec true /dev/null >/dev/null 2>&1; then
    echo "search cli: no pseudo-terminal here; the terminal colour checks are skipped"
elif command -v script >/dev/null; then
    script -qec "$search --db $db 'قطر'" /dev/null >"$work/tty" 2>&1
    expect "auto colours on a terminal" "$work/tty" $'\x1b\[1;31m'
    NO_COLOR=1 script -qec "$search --db $db 'قطر'" /dev/null >"$work/tty" 2>&1
    expect_not "NO_COLOR on a terminal" "$work/tty" $'\x1b\[1;31m'
fi

# --- JSON Lines and TREC
s --format json 'قطر الكويت'; check "json" 0 $?
python3 - "$work/out" <<'PY' || fail "json lines"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
types = [l["type"] for l in lines]
assert types[0] == "begin" and types[-2] == "end" and types[-1] == "summary", types
hits = [l["data"] for l in lines if l["type"] == "hit"]
assert hits[0]["id"] == "s03" and hits[0]["rank"] == 1, hits[0]
for h in hits:
    for hl in h["snippet"]["highlights"]:
        word = h["snippet"]["text"].encode()[hl["start"]:hl["end"]].decode()
        assert "قطر" in word or "كويت" in word, word
assert lines[-2]["data"]["estimated"] >= len(hits)
PY
checks=$((checks + 1))
s --format trec -n 3 'قطر'; check "trec" 0 $?
expect "trec line" "$work/out" "^1 Q0 s0[0-9] 1 [0-9.]* fahras$"
checks=$((checks + 1)); [ "$(wc -l <"$work/out")" = 3 ] || fail "trec -n 3 gives 3 lines"

# --- paging: --offset 1 -n 2 is lines 2-3 of -n 3
s --format trec -n 3 'قطر'; sed -n 2,3p "$work/out" >"$work/expected"
s --format trec -n 2 --offset 1 'قطر'; same "paging" "$work/out" "$work/expected"
# A question reranked by passages pages the same way; a query that is not one is ranked alike
# with --rerank none.
s --format trec -n 3 'متى تستضيف قطر كأس العالم؟'; sed -n 2,3p "$work/out" >"$work/expected"
s --format trec -n 2 --offset 1 'متى تستضيف قطر كأس العالم؟'; same "paging a reranked question" "$work/out" "$work/expected"
s --format trec 'قطر كأس العالم'; cp "$work/out" "$work/expected"
s --format trec --rerank none 'قطر كأس العالم'; same "--rerank none: not a question" "$work/out" "$work/expected"

# --- filters
s --format trec --source alpha 'قطر OR الكويت'
expect_not "source filter" "$work/out" "s02\|s05"
s --format trec --category sport --date-from 2018 'قطر OR الكويت'
expect "category+date" "$work/out" "s01"; expect_not "category+date excludes" "$work/out" "s02\|s03"
s --source nowhere 'قطر'; check "unknown source: no hits" 1 $?
expect "unknown source explained" "$work/err" "warning: --source 'nowhere' matches no document (known: test/alpha"

# --- batch: one process, every format; a bad query is reported and the others run
printf 'a\tقطر\nb\t-قطر\n\nكأس العالم\nc\tكلمةغيرموجودة\n' >"$work/q.tsv"
for fmt in text json trec; do
    s --format "$fmt" --queries "$work/q.tsv"; check "batch $fmt with a bad query" 2 $?
    expect "batch $fmt: bad query named with file, line and qid" "$work/err" "^fahras-search: .*q.tsv:2: query b '-قطر': query has only exclusions"
done
s --format trec --queries "$work/q.tsv"
expect "batch trec: first query" "$work/out" "^a Q0 "
expect "batch trec: bare line's qid is its line number" "$work/out" "^4 Q0 s01 \|^4 Q0 s09 "
s --format json --queries "$work/q.tsv"
expect "batch json: error record" "$work/out" '"type":"error"'
expect "batch json: summary" "$work/out" '"errors":1,"hits":[0-9]*,"queries":4,"queries_with_hits":2'
s --queries "$work/q.tsv"
expect "batch text: headings" "$work/out" "^## a: قطر"
expect "batch text: no results said" "$work/out" "(no results)"
printf 'x\tقطر\n' | "$search" --db "$db" --format trec --queries - >"$work/out" 2>"$work/err"; check "batch from stdin" 0 $?
expect "stdin qid" "$work/out" "^x Q0 "
printf 'y\tكلمةغيرموجودة\n' | "$search" --db "$db" --queries - >"$work/out" 2>"$work/err"; check "batch, no hits at all" 1 $?

# --- --run and --stats (bench/search-latency.sh uses them)
s --format json --queries "$work/q.tsv" --run "$work/run.trec" --stats "$work/stats.json" --repeat 3
"$search" --db "$db" --format trec --queries "$work/q.tsv" >"$work/expected" 2>/dev/null
same "--run equals --format trec" "$work/run.trec" "$work/expected"
python3 - "$work/stats.json" <<'PY' || fail "stats json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["queries"] == 3 and d["first_pass"]["n"] == 3 and d["warm"]["n"] == 6, d
assert d["hits"]["a"] >= 1 and d["hits"]["c"] == 0 and d["passes"] == 3, d
PY
checks=$((checks + 1))

# --- --cache-mb: ranking from memory (the default), from the index (0) or with a budget that
# keeps evicting ranks the same documents with the same scores
"$search" --db "$db" --format trec --queries "$work/q.tsv" --cache-mb 0 >"$work/uncached" 2>/dev/null
same "--cache-mb 0 ranks as the cache" "$work/uncached" "$work/expected"
"$search" --db "$db" --format trec --queries "$work/q.tsv" --cache-mb 1 --repeat 2 >"$work/small" 2>/dev/null
same "--cache-mb 1 ranks as the cache" "$work/small" "$work/expected"
s --cache-mb -1 'قطر'; check "negative --cache-mb" 2 $?
s --cache-mb 2000000 'قطر'; check "huge --cache-mb" 2 $?
expect "--cache-mb bound said" "$work/err" "--cache-mb must be at most 1048576"

# --- --threads: hits read and cut into snippets on several threads print the same bytes
for fmt in json text trec; do
    "$search" --db "$db" --format $fmt --color never --queries "$work/q.tsv" --threads 1 2>/dev/null | sed -E 's/"elapsed_ms":[0-9.e+-]+//' >"$work/t1"
    "$search" --db "$db" --format $fmt --color never --queries "$work/q.tsv" --threads 4 --repeat 3 2>/dev/null | sed -E 's/"elapsed_ms":[0-9.e+-]+//' >"$work/t4"
    same "--threads 4 prints what --threads 1 prints ($fmt)" "$work/t4" "$work/t1"
done
s --threads 0 'قطر'; check "--threads 0" 2 $?
expect "--threads bound said" "$work/err" "--threads: expected auto or a number from 1 to 64, got '0'"
s --threads two 'قطر'; check "--threads two" 2 $?
s --threads auto 'قطر'; check "--threads auto" 0 $?

# --- searching while fahras-index writes: every search sees a committed state (exit 0 or 1,
# never 2), and the last commit once the writer is done.
big=$work/big.jsonl
for i in $(seq 1 4000); do
    printf '{"id":"b%d","title":"خبر %d","body":"قطر والكويت في خبر رقم %d عن الاقتصاد والرياضة والسياسة في المنطقة"}\n' "$i" "$i" "$i"
done >"$big"
"$index" --quiet --db "$work/live" --commit-every 200 "$data/search.jsonl" >/dev/null 2>&1
"$index" --quiet --db "$work/live" --commit-every 200 "$big" 2>"$work/index.err" &
writer=$!
bad=0 runs=0
while kill -0 "$writer" 2>/dev/null; do
    "$search" --db "$work/live" --format trec -n 1 'قطر' >/dev/null 2>>"$work/live.err"
    rc=$?; runs=$((runs + 1))
    [ "$rc" -le 1 ] || bad=$((bad + 1))
done
wait "$writer"; check "writer finished" 0 $?
checks=$((checks + 1)); [ "$bad" = 0 ] || { fail "$bad of $runs searches during indexing failed:"; cat "$work/live.err"; }
# The exact form (=قطر): its count is the term's document frequency, whatever the recall streams
# of a ranked word add: the 4,000 written by the writer plus the fixture's 4.
"$search" --db "$work/live" --format json -n 1 '=قطر' >"$work/out" 2>/dev/null
expect "last commit seen" "$work/out" '"estimated":4004'

echo "search cli: $((checks - failures)) passed, $failures failed ($runs searches ran while indexing)"
[ "$failures" -eq 0 ]
