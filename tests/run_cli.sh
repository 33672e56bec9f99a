#!/usr/bin/env bash
# bench/fahras-run: a TREC run for a query file, stats JSON, bad lines reported with file:line.
#   run_cli.sh FAHRAS_RUN FAHRAS_INDEX DATA_DIR WORK_DIR
set -u
run=$1 index=$2 data=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
fail=0
check() { local name=$1; shift; if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi; }

"$index" -q --db "$work/db" "$data/mini.jsonl" 2>/dev/null
printf 'q1\tاتفاقية الشراكة\nq2\tالرحمن الرحيم\nno tab here\nq3\tكلمةغيرموجودة\n' > "$work/q.tsv"
"$run" --db "$work/db" --queries "$work/q.tsv" --run "$work/out.run" --topk 3 --repeat 2 \
    --stats "$work/stats.json" --tag t 2>"$work/err"; rc=$?
check "exit 0 although a line is bad" test "$rc" -eq 0
check "bad line named with file:line" grep -q "q.tsv:3: no TAB" "$work/err"
check "TREC line for q1" grep -qE '^q1 Q0 hand-001 1 [0-9.]+ t$' "$work/out.run"
check "q2 finds the Uthmani verse" grep -qE '^q2 Q0 quran-1-1 ' "$work/out.run"
check "at most topk lines a query" test "$(grep -c '^q2 ' "$work/out.run")" -le 3
check "no line for a query without hits" test "$(grep -c '^q3 ' "$work/out.run")" -eq 0
check "stats: hit counts" grep -q '"q3":0' "$work/stats.json"
check "stats: warm pass" grep -q '"warm":{"mean":' "$work/stats.json"
"$run" --db "$work/missing" --queries "$work/q.tsv" --run "$work/x.run" 2>"$work/err"; rc=$?
check "missing db: exit 2, named" bash -c "test $rc -eq 2 && grep -q 'missing: no such database' '$work/err'"
"$run" --db "$work/db" --queries "$work/q.tsv" --run "$work/x.run" --rerank bm25 2>"$work/err"; rc=$?
check "bad --rerank: exit 2, choices named" bash -c "test $rc -eq 2 && grep -q 'passages|none' '$work/err'"
"$run" --db "$work/db" --queries "$work/q.tsv" --run "$work/none.run" --topk 3 --tag t --rerank none 2>/dev/null
check "--rerank none: the same run for queries that are not questions" cmp -s "$work/none.run" "$work/out.run"
exit $fail
