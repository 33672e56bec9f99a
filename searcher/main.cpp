// fahras-search: parse the command line, open the database, run the queries, print, exit
// 0 (hits), 1 (none) or 2 (error).

#include "common/cli/main_wrapper.hpp"
#include "common/output/printer.hpp"
#include "common/search/search_run.hpp"
#include "searcher/options.hpp"

#include <iostream>
#include <unistd.h>

int main(int argc, char** argv) {
    return fahras::cli::run_main("fahras-search", [&] {
        auto config = fahras::searcher::parse_command_line(argc, argv);
        if (config.exit_now) return *config.exit_now;

        fahras::Searcher searcher(config.db_path);
        fahras::Diagnostics diagnostics("fahras-search", std::cerr);
        auto printer = fahras::make_text_printer(std::cout, fahras::use_color(config.color, STDOUT_FILENO));
        const fahras::RunSummary summary =
            fahras::run_queries(searcher, config.queries, config.run, *printer, diagnostics);
        if (summary.errors > 0) return fahras::cli::kExitError;
        return summary.queries_with_hits > 0 ? fahras::cli::kExitFound : fahras::cli::kExitNothing;
    });
}
