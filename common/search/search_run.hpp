/// Running queries end to end: parse → search → snippets → printer, for one query or a batch in
/// one process with one open database. fahras-search is a thin shell over this.
#pragma once

#include "common/output/printer.hpp"
#include "common/search/hit_pool.hpp"
#include "common/search/searcher.hpp"
#include "common/util/diagnostics.hpp"

#include <cstddef>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace fahras {

struct RunOptions {
    SearchOptions search;
    std::size_t snippet_bytes = 240; ///< about this many bytes of body text per hit
};

/// What one pass over the queries measured, for --stats (bench/search-latency.sh).
struct PassTimings {
    std::vector<double> query_ms; ///< per query that ran: parse + search + snippets + printing
    std::vector<std::pair<std::string, Xapian::doccount>> estimated; ///< qid → matches
    double snippet_ms = 0;        ///< of which making snippets (title and body; summed over the threads of a HitPool)
    // Wall time of each step, summed over the pass: parsing, ranking (Searcher::search), and the
    // hits (reading their documents and making their snippets, on every thread of a HitPool).
    double parse_ms = 0;
    double rank_ms = 0;
    double hits_ms = 0;
};

/// Runs every query; a query that cannot be parsed or run is reported to `diagnostics`
/// (naming its qid, its line in the batch file and the query) and to the printer's error(),
/// counted in RunSummary::errors, and the others still run. `timings` may be null. With a
/// `pool` (made for `searcher`) of more than one thread, each query's hits are read and cut
/// into snippets on all of its threads; the output is the same.
RunSummary run_queries(
    Searcher& searcher,
    const std::vector<QueryInfo>& queries,
    const RunOptions& options,
    Printer& printer,
    Diagnostics& diagnostics,
    PassTimings* timings = nullptr,
    HitPool* pool = nullptr
);

/// Reads a batch of queries, one a line: `qid<TAB>query`, or a bare query (its qid is then its
/// line number). Blank lines are skipped; a trailing CR is dropped. `name` is the file name
/// used in messages ("-" for stdin).
[[nodiscard]] std::vector<QueryInfo> read_queries(std::istream& in, const std::string& name);

/// The --stats JSON of the peer benchmark (shared/bench/README.md): {"queries":N,
/// "first_pass":{n,mean,p50,p95,max},"warm":{...}|null,"hits":{qid:n}, ...} plus our extras.
[[nodiscard]] std::string stats_json(const std::vector<PassTimings>& passes, double batch_wall_ms);

} // namespace fahras
