/// fahras-search's command line: Boost.Program_options fills RawOptions; validation turns it
/// into a SearchConfig of ready values or throws UsageError (exit 2).
#pragma once

#include "common/output/printer.hpp"
#include "common/output/style.hpp"
#include "common/search/filters.hpp"
#include "common/search/rank_cache.hpp"
#include "common/search/search_run.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fahras::searcher {

struct SearchConfig {
    std::string db_path;
    std::vector<QueryInfo> queries; ///< the command-line query (empty with --queries)
    std::string queries_file;       ///< --queries FILE, "-" for stdin
    RunOptions run;
    FilterSpec filters;
    OutputFormat format = OutputFormat::Text;
    ColorChoice color = ColorChoice::Auto;
    std::string run_file;   ///< --run FILE: also write a TREC run there
    std::string stats_file; ///< --stats FILE: per-query timings as JSON
    std::size_t repeat = 1; ///< passes over the queries (output from the first only)
    std::size_t cache_bytes = RankCache::kDefaultBudgetBytes; ///< --cache-mb: posting-list cache of ranking
    std::size_t threads = 1; ///< --threads: threads reading and cutting hits (HitPool)
    std::optional<int> exit_now; ///< --help / --version were handled
};

[[nodiscard]] SearchConfig parse_command_line(int argc, char** argv);

} // namespace fahras::searcher
