#!/usr/bin/env bash
# CLI contract of fahras-analyze: output, exit statuses 0/1/2, messages on stderr, --db.
#   analyze_cli.sh FAHRAS_ANALYZE FAHRAS_INDEX DATA_DIR WORK_DIR
set -u
analyze=$1 index=$2 data=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
fail=0
check() { # check NAME CONDITION...
    local name=$1; shift
    if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi
}

out=$("$analyze" -f json 'وَالْكِتَابُ، الجديد' 2>"$work/err"); rc=$?
check "json exit 0" test "$rc" -eq 0
check "json first token span and forms" grep -qF '{"end":24,"exact":"والكتاب","position":0,"recall_stem":"كتاب","skeleton":"","start":0,"stem":"كتاب","stop":false,"text":"وَالْكِتَابُ"}' <<<"$out"
check "json second token after the Arabic comma" grep -qF '"position":1,"recall_stem":"جديد","skeleton":"","start":27,"stem":"جديد"' <<<"$out"
check "nothing on stderr" test ! -s "$work/err"

out=$(echo 'في بيت' | "$analyze" --stemmer light10 --stopwords default); rc=$?
check "stdin, text table" test "$rc" -eq 0
check "text names the analyzer" grep -q '^analyzer: v[0-9]*;stemmer=light10;stopwords=default' <<<"$out"
check "text marks stop words" grep -qE '^0 .*في.* stop$' <<<"$out"
check "text: a content word is not a stop word" grep -qE '^1 .*بيت.*[^p]$' <<<"$out"
out=$(echo 'في' | "$analyze")
check "default: stop words kept" grep -qE '^analyzer: .*stopwords=none' <<<"$out"
check "default: no word marked stop" test "$(grep -c '^0 .*stop$' <<<"$out")" -eq 0

"$analyze" '،؛؟' >/dev/null 2>&1; rc=$?
check "no words: exit 1" test "$rc" -eq 1

"$analyze" --stemmer porter x >/dev/null 2>"$work/err"; rc=$?
check "bad stemmer: exit 2" test "$rc" -eq 2
check "bad stemmer: message names the tool and the choices" grep -q '^fahras-analyze: .*light10|light10+snowball|none|snowball' "$work/err"

"$index" -q --stemmer snowball --db "$work/db" "$data/mini.jsonl" 2>/dev/null
out=$("$analyze" --db "$work/db" -q 'الكتاب "بسم الله"'); rc=$?
check "--db: exit 0" test "$rc" -eq 0
check "--db: uses the stored stemmer" grep -q 'stemmer=snowball' <<<"$out"
check "--query: shows the phrase" grep -q 'query: .*PHRASE 2' <<<"$out"
"$analyze" --db "$work/missing" x >/dev/null 2>"$work/err"; rc=$?
check "--db missing: exit 2 naming it" bash -c "test $rc -eq 2 && grep -q 'missing: no such database' '$work/err'"
exit $fail
