/// A small database of tests/data/search.jsonl, built once per test binary run, for the query
/// language, filter and batch tests.
#pragma once

#include "common/index/indexer.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/searcher.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace fahras::test {

/// Indexes `inputs` into the database `db` with the default settings (messages discarded).
inline void index_into(const std::string& db, const std::vector<std::string>& inputs) {
    IndexConfig config;
    config.db_path = db;
    config.inputs = inputs;
    std::ostringstream messages;
    Diagnostics diagnostics("fahras-index", messages);
    (void)run_index(config, diagnostics);
}

/// The searcher over the fixture database (built on first use, removed at exit).
inline Searcher& search_fixture() {
    static TempDir dir;
    static std::unique_ptr<Searcher> searcher = [] {
        index_into(dir / "db", {data_path("search.jsonl")});
        return std::make_unique<Searcher>(dir / "db");
    }();
    return *searcher;
}

/// Ids of the hits of `query` in rank order, parsed and ranked as fahras-search does (the
/// index's vocabulary for spelling variants, the own MaxScore).
inline std::vector<std::string> ids(Searcher& searcher, const std::string& query, const SearchOptions& options = {}) {
    const ParsedQuery parsed = parse_query(query, searcher.analyzer(), searcher.vocabulary());
    std::vector<std::string> out;
    for (const auto& hit : searcher.search(parsed, options).hits) out.push_back(hit.doc.id);
    return out;
}

/// The same ids, sorted (for queries whose order is not the point).
inline std::vector<std::string> id_set(Searcher& searcher, const std::string& query, const SearchOptions& options = {}) {
    auto out = ids(searcher, query, options);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace fahras::test
