/// Running queries end to end: parse → search → snippets → printer, for one query or a batch in
/// one process with one open database. fahras-search is a thin shell over this.
#pragma once

#include "common/output/printer.hpp"
#include "common/search/searcher.hpp"
#include "common/util/diagnostics.hpp"

#include <cstddef>
#include <vector>

namespace fahras {

struct RunOptions {
    SearchOptions search;
    std::size_t snippet_bytes = 240; ///< about this many bytes of body text per hit
};

/// Runs every query; a query that cannot be parsed is reported to `diagnostics` (naming the
/// query) and counted in RunSummary::errors, and the others still run.
RunSummary run_queries(
    Searcher& searcher,
    const std::vector<QueryInfo>& queries,
    const RunOptions& options,
    Printer& printer,
    Diagnostics& diagnostics
);

} // namespace fahras
