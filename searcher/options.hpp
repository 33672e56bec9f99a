/// fahras-search's command line: Boost.Program_options fills RawOptions; validate() turns it
/// into a SearchConfig of ready objects or throws UsageError.
#pragma once

#include "common/output/style.hpp"
#include "common/search/search_run.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fahras::searcher {

struct SearchConfig {
    std::string db_path;
    std::vector<QueryInfo> queries;
    RunOptions run;
    ColorChoice color = ColorChoice::Auto;
    std::optional<int> exit_now; ///< --help / --version were handled
};

[[nodiscard]] SearchConfig parse_command_line(int argc, char** argv);

} // namespace fahras::searcher
