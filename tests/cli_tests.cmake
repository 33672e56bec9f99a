# CLI contract tests: run the real binaries on the fixtures and check exit codes and messages.
set(FAHRAS_INDEX $<TARGET_FILE:fahras-index>)
set(FAHRAS_SEARCH $<TARGET_FILE:fahras-search>)



add_test(NAME cli.index.help COMMAND ${FAHRAS_INDEX} --help)
set_tests_properties(cli.index.help PROPERTIES PASS_REGULAR_EXPRESSION "Usage: fahras-index")
add_test(NAME cli.search.help COMMAND ${FAHRAS_SEARCH} --help)
set_tests_properties(cli.search.help PROPERTIES PASS_REGULAR_EXPRESSION "Usage: fahras-search")
add_test(NAME cli.index.version COMMAND ${FAHRAS_INDEX} --version)
set_tests_properties(cli.index.version PROPERTIES PASS_REGULAR_EXPRESSION "^fahras [0-9]+\\.[0-9]+")
add_test(NAME cli.search.version COMMAND ${FAHRAS_SEARCH} --version)
set_tests_properties(cli.search.version PROPERTIES PASS_REGULAR_EXPRESSION "^fahras [0-9]+\\.[0-9]+")

# The full contract (exit 0/1/2, stdout/stderr separation, no colour when piped) in one script.
add_test(NAME cli.contract
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli_contract.sh ${FAHRAS_INDEX} ${FAHRAS_SEARCH}
            ${CMAKE_CURRENT_SOURCE_DIR}/data ${CMAKE_CURRENT_BINARY_DIR}/cli-work)

add_test(NAME readme.commands COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/readme_test.sh ${PROJECT_SOURCE_DIR})

# fahras-search end to end: formats, colour, batch, paging, filters, --stats/--run, exit codes,
# searching during indexing (tests/search_cli.sh).
add_test(NAME cli.search
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/search_cli.sh ${FAHRAS_INDEX} ${FAHRAS_SEARCH}
            ${CMAKE_CURRENT_SOURCE_DIR}/data ${CMAKE_CURRENT_BINARY_DIR}/search-cli-work)

# fahras-index exit statuses: 0 all indexed, 1 some records rejected, 2 could not do its job;
# stdin with "-", a folder, a wiki dump, and a truncated archive named in the message.
add_test(NAME cli.index.inputs
    COMMAND bash -c [=[
        set -u; idx=$1 data=$2 work=$3; rm -rf "$work"; mkdir -p "$work"; fail=0
        "$idx" --db "$work/a" "$data/news-60.jsonl.gz" 2>"$work/err"; [ $? -eq 0 ] || { echo "FAIL: clean input not 0"; fail=1; }
        "$idx" --db "$work/b" "$data/bad.jsonl" 2>"$work/err"; [ $? -eq 1 ] || { echo "FAIL: bad records not 1"; fail=1; }
        grep -q "^fahras-index: $data/bad.jsonl:3: invalid JSON" "$work/err" || { echo "FAIL: no FILE:LINE message"; fail=1; }
        "$idx" --db "$work/c" "$data/truncated/news-60.jsonl.xz" 2>"$work/err"; [ $? -eq 1 ] || { echo "FAIL: truncated archive not 1"; fail=1; }
        grep -q "news-60.jsonl.xz:[0-9]*: truncated xz stream" "$work/err" || { echo "FAIL: truncation not named"; cat "$work/err"; fail=1; }
        "$idx" --db "$work/d" - < "$data/wiki-mini.xml" 2>"$work/err"; [ $? -eq 0 ] || { echo "FAIL: wiki on stdin not 0"; cat "$work/err"; fail=1; }
        grep -q "indexed 2 documents" "$work/err" || { echo "FAIL: wiki on stdin"; cat "$work/err"; fail=1; }
        mkdir -p "$work/txt/sub"; printf 'عنوان\nنص\n' > "$work/txt/sub/a.txt"
        "$idx" --db "$work/e" --format text "$work/txt" 2>"$work/err"; [ $? -eq 0 ] || { echo "FAIL: folder not 0"; fail=1; }
        "$idx" --db "$work/f" --format xml "$work/txt" 2>"$work/err"; [ $? -eq 2 ] || { echo "FAIL: bad --format not 2"; fail=1; }
        grep -q "expected one of auto|jsonl|text|wikixml" "$work/err" || { echo "FAIL: --format values not listed"; fail=1; }
        "$idx" --db "$work/a" --stemmer snowball "$data/news-60.jsonl.gz" 2>"$work/err"; [ $? -eq 2 ] || { echo "FAIL: analyzer mismatch not 2"; fail=1; }
        exit $fail
    ]=] _ ${FAHRAS_INDEX} ${CMAKE_CURRENT_SOURCE_DIR}/data ${CMAKE_CURRENT_BINARY_DIR}/cli-inputs)
# fahras-analyze: --help/--version and its contract (exit codes, JSON spans, --db, --query).
set(FAHRAS_ANALYZE $<TARGET_FILE:fahras-analyze>)
add_test(NAME cli.analyze.help COMMAND ${FAHRAS_ANALYZE} --help)
set_tests_properties(cli.analyze.help PROPERTIES PASS_REGULAR_EXPRESSION "Usage: fahras-analyze")
add_test(NAME cli.analyze.version COMMAND ${FAHRAS_ANALYZE} --version)
set_tests_properties(cli.analyze.version PROPERTIES PASS_REGULAR_EXPRESSION "^fahras [0-9]+\\.[0-9]+")
add_test(NAME cli.analyze.contract
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/analyze_cli.sh ${FAHRAS_ANALYZE} ${FAHRAS_INDEX}
            ${CMAKE_CURRENT_SOURCE_DIR}/data ${CMAKE_CURRENT_BINARY_DIR}/analyze-work)

# The bad-input corpus (tests/data/bad/, expectations in tests/data/bad.expected): every message
# FILE:LINE, the summary's counts, exit 1, every good record searchable; and a generated 50 MB
# document refused unread or cut (tests/bad_input.py).
add_test(NAME cli.index.bad-input
    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/bad_input.py ${FAHRAS_INDEX} ${FAHRAS_SEARCH}
            ${CMAKE_CURRENT_SOURCE_DIR}/data ${CMAKE_CURRENT_BINARY_DIR}/bad-input-work)
