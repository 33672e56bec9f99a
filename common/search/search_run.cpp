#include "common/search/search_run.hpp"

#include <chrono>

namespace fahras {

RunSummary run_queries(
    Searcher& searcher,
    const std::vector<QueryInfo>& queries,
    const RunOptions& options,
    Printer& printer,
    Diagnostics& diagnostics
) {
    using Clock = std::chrono::steady_clock;
    const auto run_started = Clock::now();
    RunSummary summary;
    for (const QueryInfo& q : queries) {
        ++summary.queries;
        const auto started = Clock::now();
        ParsedQuery parsed;
        try {
            parsed = parse_query(q.text, searcher.analyzer());
        } catch (const QueryError& e) {
            diagnostics.error(SourceLocation{}, "query '" + q.text + "': " + e.what());
            ++summary.errors;
            continue;
        }
        const Results results = searcher.search(parsed.query, options.search);
        printer.begin(q);
        const Snippeter snippeter(searcher.analyzer(), parsed.highlight, searcher.highlight_weights(parsed.highlight));
        for (const Hit& hit : results.hits) {
            printer.hit(q, hit, snippeter.highlight_all(hit.doc.title), snippeter.make(hit.doc.body, options.snippet_bytes));
        }
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        printer.end(q, results, ms);
        summary.hits += results.hits.size();
        if (!results.hits.empty()) ++summary.queries_with_hits;
    }
    summary.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - run_started).count();
    printer.finish(summary);
    return summary;
}

} // namespace fahras
