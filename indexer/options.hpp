/// fahras-index's command line: Boost.Program_options fills RawOptions with what the user typed;
/// validate() turns it into an IndexConfig of ready objects or throws UsageError.
#pragma once

#include "common/index/indexer.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fahras::indexer {

struct ParsedCommandLine {
    IndexConfig config;
    bool quiet = false;
    std::optional<int> exit_now; ///< --help / --version were handled
};

[[nodiscard]] ParsedCommandLine parse_command_line(int argc, char** argv);

} // namespace fahras::indexer
