#!/usr/bin/env bash
# CLI contract of fahras-index and fahras-search, on the real binaries.
# Usage: cli_contract.sh FAHRAS_INDEX FAHRAS_SEARCH DATA_DIR WORK_DIR
set -u
index=$1 search=$2 data=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
failures=0 checks=0
check() { # check NAME EXPECTED_STATUS ACTUAL_STATUS
    checks=$((checks + 1))
    if [ "$2" != "$3" ]; then echo "FAIL: $1: exit $3, expected $2"; failures=$((failures + 1)); fi
}
expect() { # expect NAME FILE GREP_PATTERN
    checks=$((checks + 1))
    if ! grep -q -e "$3" "$2"; then echo "FAIL: $1: '$3' not in $2:"; cat "$2"; failures=$((failures + 1)); fi
}
expect_empty() {
    checks=$((checks + 1))
    if [ -s "$2" ]; then echo "FAIL: $1: $2 should be empty:"; cat "$2"; failures=$((failures + 1)); fi
}

db=$work/db
"$index" --db "$db" "$data/mini.jsonl" >"$work/out" 2>"$work/err"; check "index mini" 0 $?
expect_empty "index writes nothing to stdout" "$work/out"
expect "index summary on stderr" "$work/err" "^fahras-index: indexed 9 documents"

"$search" --db "$db" 'اتفاقية الشراكة' >"$work/out" 2>"$work/err"; check "search with hits" 0 $?
expect "first hit" "$work/out" "^1\. hand-001"
expect "piped output marks matches with brackets" "$work/out" "\[الشَّراكَةِ\]"
checks=$((checks + 1))
if grep -q $'\x1b' "$work/out"; then echo "FAIL: escape codes when piped"; failures=$((failures + 1)); fi
"$search" --db "$db" --color always 'الشراكة' >"$work/out" 2>"$work/err"; check "search --color always" 0 $?
expect "colour on request" "$work/out" $'\x1b\[1;31mالشَّراكَةِ\x1b\[0m'

"$search" --db "$db" 'كلمةغيرموجودةأبدا' >"$work/out" 2>"$work/err"; check "no hits exits 1" 1 $?
expect_empty "no hits: nothing on stdout" "$work/out"
"$search" --db "$work/missing.db" 'الشراكة' >"$work/out" 2>"$work/err"; check "missing db exits 2" 2 $?
expect "missing db named on stderr" "$work/err" "^fahras-search: .*missing.db: no such database"
expect_empty "missing db: nothing on stdout" "$work/out"
"$search" --db "$db" -- '-الشراكة' >"$work/out" 2>"$work/err"; check "only exclusions exits 2" 2 $?
expect "bad query named" "$work/err" "query '-الشراكة'"
"$search" --db "$db" --color sometimes 'x' >"$work/out" 2>"$work/err"; check "bad option value exits 2" 2 $?
expect "bad option explained" "$work/err" "expected one of always|auto|never"
"$index" --db "$db" "$work/nope.jsonl" >"$work/out" 2>"$work/err"; check "missing input exits 2" 2 $?
expect "missing input named" "$work/err" "nope.jsonl"

printf '{"id":"a","body":"نص سليم"}\n{"id":"b","body":\n{"id":"c","body":"نص آخر"}\n' >"$work/broken.jsonl"
"$index" --db "$work/db2" "$work/broken.jsonl" >"$work/out" 2>"$work/err"; check "bad record exits 1" 1 $?
expect "bad line named" "$work/err" "broken.jsonl:2: invalid JSON"
expect "good records still indexed" "$work/err" "indexed 2 documents"

echo "cli contract: $((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
