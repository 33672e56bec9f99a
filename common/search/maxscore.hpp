/// Exact top-k for ranked queries, evaluated by fahras over Xapian's postings: MaxScore done
/// right, in one pass.
///
/// Most queries people type are ranked words and nothing else, and the parser turns them into a
/// sum of weighted terms: Σ factor(t) · BM25(t, d) over the terms t a document d has (a word's
/// light10 stem, its synonyms, its Snowball and skeleton recall stems). For those this module
/// replaces Xapian's matcher. It walks the terms' posting lists document at a time, in docid
/// order, keeping the k best in a heap; once the heap is full, its k-th weight θ rises, and the
/// terms whose summed upper bounds cannot lift a document past θ become "non-essential": they
/// no longer drive the walk, and they are looked up (skip_to) only for a document that the
/// essential terms make a contender. That is the pruning Xapian's OR → AND_MAYBE decay aims at
/// (Turtle and Flood's MaxScore), without its bug (exact_topk.hpp): a document is only ever left
/// out when its weight, bounded from above, is below θ. Ties go to the lower docid, as in
/// Xapian, because documents come in docid order and a later one must beat θ strictly.
///
/// Weights are BM25 computed exactly as Xapian::BM25Weight computes them (same formula, same
/// order of operations, same statistics), so the scores match a Xapian evaluation of the same
/// query to the last bits or nearly (the sum's order differs); tests/exact_topk_test.cpp checks
/// ranks and weights against a full Xapian evaluation on real Arabic queries.
#pragma once

#include "common/search/exact_topk.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/rank_cache.hpp"
#include "common/util/string_table.hpp"

#include <xapian.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace fahras {

/// BM25 parameters, as Xapian::BM25Weight takes them.
struct Bm25Params {
    double k1 = 1.2;
    double k2 = 0; ///< must be 0 here: the evaluator has no per-document extra weight
    double k3 = 1;
    double b = 0.65;
    double min_normlen = 0.5;

    [[nodiscard]] Xapian::BM25Weight weight() const { return Xapian::BM25Weight(k1, k2, k3, b, min_normlen); }
};

/// Term statistics a searcher asks for again and again (stop words, frequent words of a batch):
/// the term frequency and wdf bound of a term, each a B-tree lookup in Xapian. Valid for one
/// revision of the database: clear() after a reopen. A query asks for some ninety terms (its
/// words' stems, recall stems, synonyms and every long-vowel spelling variant the parser tries),
/// most of them already asked for by earlier queries: a lookup is a probe of a StringTable by
/// string_view, with no std::string built unless Xapian has to be asked. Bounded: emptied when
/// it holds kMaxEntries terms.
class TermStatsCache {
  public:
    struct Stats {
        Xapian::doccount termfreq = 0;
        Xapian::termcount wdf_upper_bound = 0;
    };
    /// The statistics of `term` in `db`, from Xapian on first sight. A Xapian error (e.g.
    /// DatabaseModifiedError) leaves the cache without the term, never with half its stats.
    [[nodiscard]] Stats get(const Xapian::Database& db, std::string_view term);
    void clear() noexcept { stats_.clear(); }
    [[nodiscard]] std::size_t size() const noexcept { return stats_.size(); }
    static constexpr std::size_t kMaxEntries = 1 << 16;

  private:
    StringTable<Stats> stats_;
};

/// Runs body(i) for every i in [0, n), possibly on several threads at once; returns when all
/// are done (HitPool provides one).
using ParallelFor = std::function<void(std::size_t n, const std::function<void(std::size_t)>& body)>;

/// How a ranking from memory may use several threads: a query whose terms have at least
/// `min_postings` postings in all is ranked by two walks at once, run by `run`, that share out
/// the docids chunk by chunk and prune with the best θ either has reached.
/// As ParallelFor, body(i, db) also given the database handle of the thread it runs on (the
/// caller's, or a helper's own handle on the same database at the same revision: a
/// Xapian::Database must not be used by two threads at once).
using ParallelForDb = std::function<void(std::size_t n, const std::function<void(std::size_t, const Xapian::Database&)>& body)>;

struct ParallelRanking {
    ParallelFor run;
    /// For a required part (phrases, +word…), evaluated by Xapian over every document: two halves
    /// of the docids at once, each through its thread's handle. May be empty.
    ParallelForDb run_with_db;
    /// Below this, handing the work over costs more than it saves (bench/search-latency.md).
    std::size_t min_postings = 16384;
};

/// The exact ranks [first, first + count) of the query
///     AND_NOT(AND_MAYBE(required, OR(SCALE_WEIGHT(factor, term)…)), excluded)
/// (`required` and `excluded` may be empty queries: then that part is left out), by MaxScore
/// over the terms' posting lists. Every term has wqf 1 (as the parser builds them). With a
/// required part, its matches (evaluated fully by Xapian: a phrase, +word, =word…) drive the
/// walk and the terms are looked up for each; excluded documents are skipped. `estimated` is
/// exact when every match was seen, and otherwise Xapian's own estimate for an OR of the terms
/// (raised to the number of matching documents seen).
///
/// With `memory` (enabled), the terms' postings and the documents' lengths are read from it
/// (filled on first use) instead of Xapian's iterators: the same walk, the same doubles, the same
/// ranks. It must hold `db`'s current revision (RankCache::check() drops it otherwise).
///
/// With `parallel` (and memory, and neither a required nor an excluded part), a query with
/// parallel->min_postings postings or more is ranked by two walks at once over chunks of the
/// docids handed out from one counter, sharing θ, merged into the same ranks and weights as one
/// walk.
[[nodiscard]] TopKResult maxscore_top_k(
    const Xapian::Database& db,
    const std::vector<WeightedTerm>& terms,
    Xapian::doccount first,
    Xapian::doccount count,
    const Bm25Params& bm25,
    const Xapian::Query& required = {},
    const Xapian::Query& excluded = {},
    TermStatsCache* cache = nullptr,
    RankCache* memory = nullptr,
    const ParallelRanking* parallel = nullptr
);

} // namespace fahras
