/// Searcher: opens a fahras database, rebuilds the Analyzer it was indexed with (from its
/// metadata) and runs ranked queries with exact top-k.
///
/// Ranking is exact: see exact_topk.hpp for how Xapian 1.4's top-k bug is avoided.
#pragma once

#include "common/analysis/analyzer.hpp"
#include "common/document/document.hpp"
#include "common/search/query_parser.hpp"

#include <xapian.h>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace fahras {

struct Hit {
    std::size_t rank = 0;  ///< 1-based, across pages (offset + 1 for the first hit)
    Xapian::docid docid = 0;
    double score = 0;
    Document doc;          ///< the stored original
};

struct Results {
    Xapian::doccount estimated = 0; ///< matching documents (exact: every candidate is checked)
    std::vector<Hit> hits;
};

struct SearchOptions {
    std::size_t offset = 0;
    std::size_t count = 10;
    /// Boolean filters (source, category, date range) AND-ed with the query, unweighted.
    std::vector<Xapian::Query> filters;
};

class Searcher {
  public:
    /// Opens the database at `path`. Throws Error naming the path when it is missing, not a
    /// fahras database, or built by another schema version or analyzer version.
    explicit Searcher(const std::string& path);

    [[nodiscard]] const Analyzer& analyzer() const noexcept { return analyzer_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] const Xapian::Database& database() const noexcept { return db_; }

    [[nodiscard]] Results search(const Xapian::Query& query, const SearchOptions& options);

    /// IDF-like weights of the terms to highlight, for choosing snippet windows.
    [[nodiscard]] std::map<std::string, double> highlight_weights(const HighlightTerms& terms);

  private:
    [[nodiscard]] std::map<std::string, double> weights_of(const HighlightTerms& terms) const;

    std::string path_;
    Xapian::Database db_;
    Analyzer analyzer_;
    Xapian::Enquire enquire_;
};

} // namespace fahras
