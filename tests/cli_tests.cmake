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

# fahras-analyze: --help/--version and its contract (exit codes, JSON spans, --db, --query).
set(FAHRAS_ANALYZE $<TARGET_FILE:fahras-analyze>)
add_test(NAME cli.analyze.help COMMAND ${FAHRAS_ANALYZE} --help)
set_tests_properties(cli.analyze.help PROPERTIES PASS_REGULAR_EXPRESSION "Usage: fahras-analyze")
add_test(NAME cli.analyze.version COMMAND ${FAHRAS_ANALYZE} --version)
set_tests_properties(cli.analyze.version PROPERTIES PASS_REGULAR_EXPRESSION "^fahras [0-9]+\\.[0-9]+")
add_test(NAME cli.analyze.contract
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/analyze_cli.sh ${FAHRAS_ANALYZE} ${FAHRAS_INDEX}
            ${CMAKE_CURRENT_SOURCE_DIR}/data ${CMAKE_CURRENT_BINARY_DIR}/analyze-work)

# bench/fahras-run: the batch runner behind bench/quality.sh.
add_test(NAME cli.run.contract
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/run_cli.sh $<TARGET_FILE:fahras-run> ${FAHRAS_INDEX}
            ${CMAKE_CURRENT_SOURCE_DIR}/data ${CMAKE_CURRENT_BINARY_DIR}/run-work)
