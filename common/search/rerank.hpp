/// Passage evidence for questions (Callan, SIGIR 1994): a question that asks when or how many
/// (question.hpp) is answered by one sentence of a document, where its words cluster. Its top
/// hits are reranked by their BM25 weight plus the weight of their best passage: a window of
/// kPassageWindow words of the body, scored with the query's own terms and weights.
///
/// The window's score is BM25 with the window as the document: each query term t found tf
/// times in the window adds  factor(t) · idf(t) · (k1 + 1) · tf / (k1 + tf), with the idf,
/// factor and k1 of the ranking (maxscore.hpp) and no length normalization (every window has
/// the same length). Windows overlap by half (start every kPassageWindow / 2 words), so that a
/// sentence is never cut by every window. Measured in docs/quality.md; described for users in
/// docs/ranking.md.
#pragma once

#include "common/analysis/analyzer.hpp"
#include "common/search/maxscore.hpp"
#include "common/search/query_parser.hpp"

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fahras {

struct Hit;

/// Words in a passage window: about a sentence of encyclopedic or news Arabic.
inline constexpr std::size_t kPassageWindow = 20;
/// How many of the top hits a question's passages rerank. Small, so that it costs little.
inline constexpr std::size_t kPassageRerankDepth = 20;

class PassageScorer {
  public:
    /// The ranked terms of a query (ParsedQuery::disjunction), weighted as BM25 weighs them in
    /// `db` (terms the database lacks are left out).
    PassageScorer(const Analyzer& analyzer, const std::vector<WeightedTerm>& terms, const Xapian::Database& db,
                  const Bm25Params& bm25, std::size_t window = kPassageWindow);

    /// The weight of the best window of `text` (0 when no query term is in it).
    [[nodiscard]] double best_passage(std::string_view text) const;
    /// The same, from the Analyzer's full analysis of every word (slower: best_passage() stems
    /// only the words that have the letters of some query term). For tests.
    [[nodiscard]] double best_passage_analyzed(std::string_view text) const;

    /// Whether any query term has a weight (else every passage weighs 0).
    [[nodiscard]] bool empty() const noexcept { return weights_.empty(); }

  private:
    /// The best window over (word number, term index) pairs in word order.
    [[nodiscard]] double best_window(std::size_t words) const;
    void look(std::string_view prefix, const std::string& value, std::size_t word) const;

    const Analyzer& analyzer_;
    std::size_t window_;
    double k1_;
    /// term (with its prefix: Z, XZ, XA) → its index in weights_
    std::unordered_map<std::string, std::size_t> index_;
    std::vector<double> weights_; ///< factor · idf · (k1 + 1), summed over repeats of a term
    /// Letter sets (letter_set() in rerank.cpp) of the Z and of the XZ values: a word whose
    /// letters hold none of them cannot have such a stem, and is not stemmed.
    std::vector<std::uint64_t> stem_sets_;
    std::vector<std::uint64_t> recall_sets_;
    // Buffers reused from call to call.
    mutable std::vector<AnalyzedToken> tokens_;
    mutable std::vector<Token> spans_;
    mutable std::string exact_;
    mutable std::string key_;
    mutable std::vector<std::pair<std::size_t, std::size_t>> hits_; ///< (word number, term index)
    mutable std::vector<unsigned> tf_;
    mutable std::vector<std::size_t> seen_;
};

/// Reranks hits[0, depth) by score + best passage of the body, best first (ties keep their
/// order); sets each reranked hit's score to that sum and renumbers ranks from `first_rank`.
/// The hits after `depth` keep their order and scores: a reranked weight is never below the
/// BM25 weight it started from, so the list stays in weight order.
void rerank_by_passages(std::vector<Hit>& hits, const PassageScorer& scorer, std::size_t depth, std::size_t first_rank = 1);

} // namespace fahras
