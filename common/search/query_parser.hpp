/// The query parser: our own small grammar, analyzed by the same Analyzer as the index, turned
/// into a Xapian::Query. Documented for users in docs/query.md.
///
///   word            ranked: stem match (Z terms); documents with more of the words rank higher
///   "two words"     phrase of normalized exact forms (diacritics and hamza forms ignored)
///   =word           exact normalized form only (no stemming)
///   title:word      the word in the title (also title:"a phrase", title:=word)
///   -word  -"..."   exclude documents with it
///   +word           require it
///
/// Stop words are dropped from ranked words unless the query has nothing else.
#pragma once

#include "common/analysis/analyzer.hpp"

#include <xapian.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fahras {

/// Thrown for a query that cannot be run; the message names the problem (the caller names the
/// query).
class QueryError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// What to highlight for a query: the stems and exact forms it searches, and its phrases.
struct HighlightTerms {
    std::set<std::string> stems;                 ///< from ranked/required words
    std::set<std::string> exacts;                ///< from =word
    std::vector<std::vector<std::string>> phrases; ///< exact-form sequences
    /// Recall streams (Snowball stem, alef skeleton) → the stem of the query word they came
    /// from, so that a word found only through them (ٱلۡيَتَٰمَىٰ for اليتامى) is highlighted too,
    /// with its query word's weight.
    std::map<std::string, std::string> recall_stems;
    std::map<std::string, std::string> skeletons;
    [[nodiscard]] bool empty() const { return stems.empty() && exacts.empty() && phrases.empty(); }
};

struct ParsedQuery {
    Xapian::Query query;
    HighlightTerms highlight;
};

/// Weight of the recall-only Snowball stem next to the light10 stem of a ranked word
/// (light10+snowball databases). Low, so that it mostly finds what light10 misses without
/// reordering what light10 finds: on shared/eval/arcd-dev, 0.3 keeps MRR@10 and lifts R@100.
inline constexpr double kRecallStemWeight = 0.3;
/// Weight of the alef-skeleton stem of a ranked word (light10 databases): lower still, since the
/// skeleton merges real words; it is there to find Uthmani spellings at all.
inline constexpr double kSkeletonWeight = 0.2;

/// Longest query accepted, in bytes; longer ones are refused with a QueryError.
inline constexpr std::size_t kMaxQueryBytes = 64 * 1024;
/// Most words a query may have.
inline constexpr std::size_t kMaxQueryWords = 1024;

/// Parses `text`. Throws QueryError for a query with nothing to search (empty, only
/// exclusions, only punctuation) or over the limits above.
[[nodiscard]] ParsedQuery parse_query(std::string_view text, const Analyzer& analyzer);

} // namespace fahras
