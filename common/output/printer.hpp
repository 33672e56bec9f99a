/// Printers: how results reach stdout. The printer is chosen once at start-up (text for people,
/// JSON Lines and TREC for scripts; formats documented in docs/output.md) and receives, for each
/// query, begin → hit… → end, then finish once for the whole run.
#pragma once

#include "common/search/searcher.hpp"
#include "common/search/snippet.hpp"
#include "common/util/diagnostics.hpp"

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fahras {

struct QueryInfo {
    std::string qid;      ///< from a batch file (or its line number), or "1" for a single query
    std::string text;     ///< as the user wrote it
    SourceLocation where; ///< batch file and line; empty for a query from the command line
};

struct RunSummary {
    std::size_t queries = 0;
    std::size_t queries_with_hits = 0;
    std::size_t hits = 0;
    std::size_t errors = 0;
    double elapsed_ms = 0;
};

class Printer {
  public:
    virtual ~Printer() = default;
    virtual void begin(const QueryInfo& query) = 0;
    virtual void hit(const QueryInfo& query, const Hit& hit, const Snippet& title, const Snippet& body) = 0;
    /// A hit's output made ahead of hit_prepared(), on any thread: a pure function of its
    /// arguments (no state of the printer changes), so the threads that make a query's snippets
    /// can format its hits too, and the printing thread only writes them in order. Empty when the
    /// printer makes nothing ahead (the default).
    [[nodiscard]] std::string prepare_hit(const QueryInfo& query, const Hit& hit, const Snippet& title, const Snippet& body) const;
    /// The same into `out`, whatever it held, reusing its memory (the pool's threads format hit
    /// after hit into the same strings).
    virtual void prepare_hit(const QueryInfo& query, const Hit& hit, const Snippet& title, const Snippet& body, std::string& out) const;
    /// Prints a hit as hit() does, given what prepare_hit() made for it (maybe empty).
    virtual void hit_prepared(const QueryInfo& query, const Hit& hit, const Snippet& title, const Snippet& body, std::string_view prepared);
    virtual void end(const QueryInfo& query, const Results& results, double elapsed_ms) = 0;
    /// A query that could not be run (already reported on stderr); the others still run.
    virtual void error(const QueryInfo& query, const std::string& message) = 0;
    virtual void finish(const RunSummary& summary) = 0;
    /// Whether this printer shows snippets (TREC does not: no time is spent making them).
    [[nodiscard]] virtual bool wants_snippets() const { return true; }
};

enum class OutputFormat { Text, Json, Trec };

/// Parses "text", "json" or "trec"; throws UsageError naming the valid values.
[[nodiscard]] OutputFormat parse_output_format(std::string_view name);

struct TextOptions {
    bool color = false;
    /// Print a "qid: query" heading before each query's hits (batch runs).
    bool headings = false;
};

/// Human output. With `color`, matches are bold red and escape codes sit only at word
/// boundaries; without, matches are wrapped in [ and ] (see docs/output.md).
[[nodiscard]] std::unique_ptr<Printer> make_text_printer(std::ostream& out, TextOptions options);

/// JSON Lines: begin / hit… / end per query, error for a query that failed, summary at the end.
[[nodiscard]] std::unique_ptr<Printer> make_json_printer(std::ostream& out);

/// TREC run lines: `qid Q0 docid rank score fahras` (docid = the document's own id).
[[nodiscard]] std::unique_ptr<Printer> make_trec_printer(std::ostream& out, std::string tag = "fahras");

/// Sends every call to each of `printers` (e.g. JSON on stdout and a TREC run in a file).
[[nodiscard]] std::unique_ptr<Printer> make_tee_printer(std::vector<std::unique_ptr<Printer>> printers);

/// Writes `s.text` with each highlight wrapped in `open`/`close` (escape codes or brackets).
void write_highlighted(std::ostream& out, const Snippet& s, std::string_view open, std::string_view close);

} // namespace fahras
