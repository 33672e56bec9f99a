/// Exact top-k on Xapian 1.4, without paying for a full evaluation of every query.
///
/// The problem: Xapian 1.4's matcher can leave out a document that belongs in the top k.
/// Once the MSet is full, an OR whose one side cannot reach the k-th weight decays to AND_MAYBE,
/// and an AND_MAYBE whose left side cannot reach it decays to AND; AndMaybePostList::next()
/// starts that AND at max(lhead, rhead) + 1, skipping the right-hand side's current document when
/// it is ahead (rhead > lhead). That document is never scored. (Cause, affected queries and
/// costs: docs/ranking.md.)
///
/// The fix, in two passes, both run through Xapian:
///  1. A normal, pruned get_mset(0, k). Every document it returns is real and carries its exact
///     weight, so its k-th weight θ is a lower bound of the true k-th weight (a lost document can
///     only make θ smaller, never wrong). If it returned fewer than k documents, the MSet never
///     filled, nothing was pruned, and it is already exact.
///  2. MaxScore on the ranked OR: with each term's maximum contribution m(t) (the bound Xapian's
///     own matcher uses, MSet::get_termweight), the cheapest terms whose bounds sum to less than θ
///     are "non-essential": a document that has none of the other ("essential") terms cannot reach
///     θ, so it cannot be in the top k. The query is rewritten to
///        AND_MAYBE(OR(essential), OR(non-essential))
///     which gives every document exactly the same weight as the original OR, and is evaluated
///     with check_at_least = every document: min_weight stays 0, no operator ever decays, and the
///     buggy path is never taken. Only documents with an essential (rarer, higher-weight) term are
///     visited, which is what makes this cheaper than checking every candidate of the original.
/// Queries with no operator that can decay (a single term, AND, a phrase) keep the pruned pass.
/// Queries whose shape this does not cover (a required phrase, a synonym group…) are evaluated
/// fully with check_at_least = every document, which is exact too.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <vector>

namespace fahras {

enum class TopKStrategy {
    Safe,       ///< no operator of the query can decay to AND_MAYBE: the pruned pass is exact
    Unfilled,   ///< the pruned pass returned fewer than k documents: exact as it is
    MaxScore,   ///< rewritten with essential / non-essential terms, evaluated fully
    Exhaustive, ///< the original query, evaluated fully
    OwnMaxScore, ///< a ranked disjunction evaluated by fahras itself (maxscore.hpp), in one pass
};

struct RankedDoc {
    Xapian::docid docid = 0;
    double weight = 0;
    Xapian::Document document;
};

struct TopKResult {
    std::vector<RankedDoc> docs;         ///< ranks first … first + count - 1, best first
    Xapian::doccount estimated = 0;      ///< Xapian's estimate of the number of matches
    TopKStrategy strategy = TopKStrategy::Exhaustive;
    std::size_t essential_terms = 0;     ///< MaxScore: terms that drive the second pass
    std::size_t non_essential_terms = 0; ///< MaxScore: terms only checked on those documents
};

struct ExactTopKOptions {
    /// Queries whose terms have at most this many postings in all are evaluated fully: one pass
    /// over the postings is cheaper than a pruned pass plus a MaxScore pass (docs/ranking.md).
    Xapian::doccount full_evaluation_below = 4096;
};

/// The exact ranks [first, first + count) of `query` (set on `enquire` by this call).
[[nodiscard]] TopKResult exact_top_k(
    Xapian::Enquire& enquire,
    const Xapian::Database& db,
    const Xapian::Query& query,
    Xapian::doccount first,
    Xapian::doccount count,
    const ExactTopKOptions& options = {}
);

/// The same ranks by a full evaluation only (check_at_least = every document); the reference
/// the tests and bench/exact-topk compare exact_top_k() with.
[[nodiscard]] TopKResult exhaustive_top_k(
    Xapian::Enquire& enquire,
    const Xapian::Database& db,
    const Xapian::Query& query,
    Xapian::doccount first,
    Xapian::doccount count
);

} // namespace fahras
