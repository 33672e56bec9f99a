/// The query parser: our own small grammar, analyzed by the same Analyzer as the index, turned
/// into a Xapian::Query. Documented for users, with Arabic examples, in docs/query.md.
///
///   word            ranked: stem match (Z terms); documents with more of the words rank higher
///   "two words"     phrase of normalized exact forms (diacritics and hamza forms ignored)
///   =word           exact normalized form only (no stemming)
///   pre*            any word starting with pre (exact forms and stems; at most
///                   kMaxWildcardExpansion of the most frequent terms)
///   title:word      the word in the title (also title:"a phrase", title:=word, title:pre*)
///   -word  -"..."   exclude documents with it          +word  require it
///   a OR b          either (binds tighter than the juxtaposition of words)
///   a AND b         both (binds tighter than OR)
///   ( ... )         grouping; -( ... ) excludes the group, +( ... ) requires it
///
/// Grammar (juxtaposition is the loosest, as in web search engines: كورونا لقاح OR مصل means
/// كورونا and (لقاح or مصل)):
///
///   sequence := expr*
///   expr     := and_expr ( "OR" and_expr )*
///   and_expr := unary ( "AND" unary )*
///   unary    := [ "-" | "+" ] primary
///   primary  := "(" sequence [ ")" ] | [ "title:" ] ( '"' words [ '"' ] | "=" word | word[*] )
///
/// In a sequence, ranked parts are OR-ed (more matched words rank higher), required parts
/// (phrases, =word, title:, +word, AND, a group holding any of these) are AND-ed, and excluded
/// parts are removed. Stop words are dropped from ranked words unless the query has nothing else.
///
/// Documented fallbacks, never errors: a quote or parenthesis that is never closed runs to the
/// end of the query; a stray ")" is ignored; OR/AND with nothing on one side is ignored; a quote
/// inside a word (بـ"أخطاء") is punctuation, not a phrase; control characters are spaces.
#pragma once

#include "common/analysis/analyzer.hpp"
#include "common/search/question.hpp"
#include "common/util/string_table.hpp"

#include <xapian.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fahras {

/// Thrown for a query that cannot be run; the message names the problem (the caller names the
/// query, see display_query()).
class QueryError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// What to highlight for a query: the stems and exact forms it searches, its phrases and the
/// prefixes of its wildcards (all normalized).
struct HighlightTerms {
    std::set<std::string> stems;                   ///< from ranked/required words
    std::set<std::string> exacts;                  ///< from =word
    std::vector<std::vector<std::string>> phrases; ///< exact-form sequences
    std::set<std::string> prefixes;                ///< from pre*
    /// Recall streams (Snowball stem, alef skeleton) → the stem of the query word they came
    /// from, so that a word found only through them (ٱلۡيَتَٰمَىٰ for اليتامى) is highlighted too,
    /// with its query word's weight.
    std::map<std::string, std::string> recall_stems;
    std::map<std::string, std::string> skeletons;
    [[nodiscard]] bool empty() const {
        return stems.empty() && exacts.empty() && phrases.empty() && prefixes.empty();
    }
};

/// The weight (IDF-like) of each stem or exact form to highlight, by its text, for choosing
/// snippet windows (Searcher::highlight_weights, Snippeter).
using HighlightWeights = StringTable<double>;

/// A term of a ranked query and the factor its BM25 weight is scaled by (OP_SCALE_WEIGHT).
/// Each occurrence counts: a term listed twice adds its weight twice, as in a Xapian OR.
struct WeightedTerm {
    std::string term;
    double factor = 1.0;
    bool operator==(const WeightedTerm&) const = default;
};

struct ParsedQuery {
    Xapian::Query query;
    HighlightTerms highlight;
    /// The query's plan for the searcher's own MaxScore (maxscore.hpp), when its ranked words
    /// are a plain sum of weighted terms (no wildcard among them): `query` is exactly
    ///     AND_NOT(AND_MAYBE(required, OR(SCALE_WEIGHT(factor, term)…)), excluded)
    /// with `required` (phrases, +words, =words, title: words… AND-ed) and `excluded` (-words
    /// OR-ed) empty queries when the query has none. `disjunction` is empty when the query has
    /// no ranked words or they are not a plain sum (then only `query` counts).
    std::vector<WeightedTerm> disjunction;
    Xapian::Query required;
    Xapian::Query excluded;
    /// Whether the query is a question that asks when or how many (question.hpp): the searcher
    /// then reranks its top hits by passages (rerank.hpp).
    QuestionKind question = QuestionKind::None;
};

/// Weight of the recall-only Snowball stem next to the light10 stem of a ranked word
/// (light10+snowball databases). Low, so that it mostly finds what light10 misses without
/// reordering what light10 finds: on shared/eval/arcd-dev, 0.3 keeps MRR@10 and lifts R@100.
inline constexpr double kRecallStemWeight = 0.3;
/// Weight of the alef-skeleton stem of a ranked word (light10 databases): lower still, since the
/// skeleton merges real words; it is there to find Uthmani spellings at all.
inline constexpr double kSkeletonWeight = 0.2;

/// Weight of a query-time synonym (synonyms.hpp) next to the word itself.
inline constexpr double kSynonymWeight = 1.0;

/// Weight of a long-vowel spelling variant of a ranked word found in the index
/// (spelling_variants.hpp: ترمب → ترامب), next to the word itself. Below 1, so that the query's
/// own spelling ranks first, and low enough that a real word it merges (مكتب / مكتوب) does not
/// reorder what the word finds; measured in docs/quality.md.
inline constexpr double kVariantWeight = 0.3;

/// Longest query accepted, in bytes; longer ones are refused with a QueryError.
inline constexpr std::size_t kMaxQueryBytes = 64 * 1024;
/// Most words a query may have.
inline constexpr std::size_t kMaxQueryWords = 1024;
/// Deepest nesting of parentheses.
inline constexpr std::size_t kMaxQueryDepth = 32;
/// A wildcard expands to at most this many terms (the most frequent ones) per term list.
inline constexpr Xapian::termcount kMaxWildcardExpansion = 128;
/// Shortest wildcard prefix, in bytes of its normalized form (one Arabic letter is 2 bytes).
inline constexpr std::size_t kMinWildcardPrefixBytes = 2;

/// The searched index's vocabulary, as parse_query() asks it: which long-vowel spelling variants
/// (spelling_variants.hpp) of a ranked word's stem the index has. Either hook will do; empty
/// hooks: no variants.
struct TermExists {
    /// Whether the index has a term (a Z stem): each variant of each word is tested.
    std::function<bool(std::string_view term)> test;
    /// Used instead of `test` when set: the long-vowel variants of a stem that the index has, in
    /// long_vowel_variants() order (Searcher::spelling_variants keeps them per revision, for the
    /// words that many queries share). The reference needs to last only until the next call.
    std::function<const std::vector<std::string>&(std::string_view stem)> variants;

    explicit operator bool() const noexcept { return test || variants; }
};

/// The long-vowel spelling variants of `stem` (long_vowel_variants(), in its order) whose stem
/// term the index has, as `has_term` tells for a Z-prefixed term: what TermExists::variants
/// gives, worked out from TermExists::test.
[[nodiscard]] std::vector<std::string> variants_with_terms(
    std::string_view stem, const std::function<bool(std::string_view term)>& has_term
);

/// Parses `text`. Throws QueryError for a query with nothing to search (empty, only
/// exclusions, only punctuation) or over the limits above. With `exists` (the searched
/// index's vocabulary), ranked words also match their long-vowel spelling variants that the
/// index has (spelling_variants.hpp); without it they do not.
[[nodiscard]] ParsedQuery parse_query(std::string_view text, const Analyzer& analyzer, const TermExists& exists);
[[nodiscard]] ParsedQuery parse_query(std::string_view text, const Analyzer& analyzer);

/// The query as it should appear in a message: control characters shown as spaces and long
/// queries cut (at a character boundary) after about `max_bytes` bytes with "…".
[[nodiscard]] std::string display_query(std::string_view text, std::size_t max_bytes = 120);

} // namespace fahras
