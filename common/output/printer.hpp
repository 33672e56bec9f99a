/// Printers: how results reach stdout. The printer is chosen once at start-up (text for people,
/// JSON Lines and TREC for scripts; formats documented in docs/output.md) and receives, for each
/// query, begin → hit… → end, then finish once for the whole run.
#pragma once

#include "common/search/searcher.hpp"
#include "common/search/snippet.hpp"

#include <iosfwd>
#include <memory>
#include <string>

namespace fahras {

struct QueryInfo {
    std::string qid;  ///< from a batch file, or "1" for a single query
    std::string text; ///< as the user wrote it
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
    virtual void end(const QueryInfo& query, const Results& results, double elapsed_ms) = 0;
    virtual void finish(const RunSummary& summary) = 0;
};

/// Human output. With `color`, matches are bold red and escape codes sit only at word
/// boundaries; without, matches are wrapped in [ and ] (see docs/output.md).
[[nodiscard]] std::unique_ptr<Printer> make_text_printer(std::ostream& out, bool color);

/// Writes `s.text` with each highlight wrapped in `open`/`close` (escape codes or brackets).
void write_highlighted(std::ostream& out, const Snippet& s, std::string_view open, std::string_view close);

} // namespace fahras
