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
