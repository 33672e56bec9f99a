/// Snippets: the best window of a document's *original* text for a query, with the matched
/// words marked as byte spans. Choosing the window and showing it are separate steps: a Snippet
/// holds spans, and each printer decides how to show them (ANSI colour, brackets, JSON offsets).
///
/// Matching uses the same Analyzer as the index, so a highlight always covers a whole original
/// word, clitics and diacritics included (وَالشَّرَاكَةِ for the query الشراكة), and a phrase is
/// highlighted as one unit.
#pragma once

#include "common/analysis/analyzer.hpp"
#include "common/search/query_parser.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace fahras {

/// A half-open byte range [start, end) into Snippet::text.
struct Highlight {
    std::uint32_t start = 0;
    std::uint32_t end = 0;
    bool operator==(const Highlight&) const = default;
};

struct Snippet {
    std::string text;                  ///< original text (newlines and tabs shown as spaces), "…" where cut
    std::vector<Highlight> highlights; ///< sorted, non-overlapping
};

/// The ellipsis put where text is cut (U+2026).
inline constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

class Snippeter {
  public:
    /// `weights` gives the weight of a matched stem or exact form (e.g. its IDF); missing
    /// terms weigh 1.
    Snippeter(const Analyzer& analyzer, HighlightTerms terms, std::map<std::string, double> weights = {});

    /// The best window of at most about `max_bytes` bytes of `text` (never cutting a word).
    [[nodiscard]] Snippet make(std::string_view text, std::size_t max_bytes) const;
    /// All of `text` (e.g. a title) with its matches marked.
    [[nodiscard]] Snippet highlight_all(std::string_view text) const;

  private:
    struct Match {
        std::size_t token;  ///< index into the analyzed tokens
        int group;          ///< phrase occurrence id (tokens of one phrase share it), -1 if none
        std::string key;    ///< stem or exact form matched (for weights and distinct counting)
    };
    std::vector<Match> find_matches(const std::vector<AnalyzedToken>& tokens) const;
    Snippet render(
        std::string_view text,
        const std::vector<AnalyzedToken>& tokens,
        const std::vector<Match>& matches,
        std::size_t begin,
        std::size_t end,
        bool cut_end
    ) const;

    const Analyzer& analyzer_;
    HighlightTerms terms_;
    std::map<std::string, double> weights_;
};

} // namespace fahras
