/// Searcher: opens a fahras database, rebuilds the Analyzer it was indexed with (from its
/// metadata) and runs ranked queries with exact top-k.
///
/// Ranking is exact: see exact_topk.hpp for how Xapian 1.4's top-k bug is avoided.
#pragma once

#include "common/analysis/analyzer.hpp"
#include "common/document/document.hpp"
#include "common/search/maxscore.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/word_forms.hpp"

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fahras {

struct Hit {
    std::size_t rank = 0;  ///< 1-based, across pages (offset + 1 for the first hit)
    Xapian::docid docid = 0;
    double score = 0;
    Document doc;          ///< the stored original (when has_document)
    bool has_document = false; ///< doc was read (SearchOptions::fetch_documents)
};

struct Results {
    Xapian::doccount estimated = 0; ///< matching documents: exact when every match was seen, else an estimate (docs/output.md)
    std::vector<Hit> hits;
};

struct SearchOptions {
    std::size_t offset = 0;
    std::size_t count = 10;
    /// Boolean filters (source, category, date range) AND-ed with the query, unweighted.
    std::vector<Xapian::Query> filters;
    /// Questions that ask when or how many (ParsedQuery::question): rerank the BM25 top
    /// kPassageRerankDepth by their best passage (rerank.hpp). Other queries are never reranked.
    bool passage_rerank = true;
    /// Read each hit's stored document into Hit::doc. Off, a hit has its docid and score only,
    /// and the caller reads the documents itself (Searcher::fetch(), HitPool: several at once);
    /// a reranked question still reads those it reranks.
    bool fetch_documents = true;
};

class Searcher {
  public:
    /// Opens the database at `path`. Throws Error naming the path when it is missing, not a
    /// fahras database, or built by another schema version or analyzer version.
    explicit Searcher(const std::string& path);

    [[nodiscard]] const Analyzer& analyzer() const noexcept { return analyzer_; }
    /// The analyzed words of earlier hits, for the snippets of the next (word_forms.hpp).
    [[nodiscard]] WordForms& word_forms() noexcept { return word_forms_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] const Xapian::Database& database() const noexcept { return db_; }

    /// Ranks any query through Xapian (with exact top-k, exact_topk.hpp).
    [[nodiscard]] Results search(const Xapian::Query& query, const SearchOptions& options);
    /// Ranks a parsed query: one with ranked words that are a plain sum of terms (the usual
    /// case; ParsedQuery::disjunction) by fahras's own one-pass MaxScore (maxscore.hpp),
    /// anything else as above. Both rank exactly and give the same weights. A question that asks
    /// when or how many is then reranked by passages (SearchOptions::passage_rerank).
    [[nodiscard]] Results search(const ParsedQuery& parsed, const SearchOptions& options);

    /// The budget of the posting-list cache of ranking (rank_cache.hpp), in bytes; 0 turns it off
    /// (ranking then reads Xapian's posting lists, as before). Default
    /// RankCache::kDefaultBudgetBytes.
    void set_rank_cache_bytes(std::size_t bytes) { rank_cache_.set_budget(bytes); }
    [[nodiscard]] const RankCache& rank_cache() const noexcept { return rank_cache_; }

    /// Lets ranking from memory share a large query out to two walks at once
    /// (maxscore_top_k()); an empty function ranks on the calling thread only. HitPool sets it
    /// for as long as it lives.
    void set_parallel(ParallelFor parallel, ParallelForDb with_db = {}) {
        parallel_.run = std::move(parallel);
        parallel_.run_with_db = std::move(with_db);
    }

    /// The stored document `docid` of `db` (the Searcher's database or another handle on it at
    /// the same revision, as HitPool's helpers have). Xapian errors propagate as they are (a
    /// DatabaseModifiedError means: reopen and search again).
    [[nodiscard]] static Document fetch(const Xapian::Database& db, Xapian::docid docid);
    /// The same into `out`, reusing the memory of its strings.
    static void fetch(const Xapian::Database& db, Xapian::docid docid, Document& out);

    /// Moves to the newest committed revision of the database (a writer may have added
    /// documents) and drops what was cached for the old one. True if the revision changed.
    bool reopen();

    /// BM25 as the searcher ranks with it.
    [[nodiscard]] const Bm25Params& bm25() const noexcept { return bm25_; }

    /// Ranked queries with more terms than this go through Xapian: the own MaxScore looks for
    /// the next document among all essential terms linearly.
    static constexpr std::size_t kMaxOwnMaxScoreTerms = 512;

    /// Whether the database has `term` (cached per revision, with the ranking's statistics).
    [[nodiscard]] bool term_exists(std::string_view term) { return term_stats_.get(db_, term).termfreq > 0; }
    /// The long-vowel spelling variants of a stem (spelling_variants.hpp) that the database has
    /// as stems, in long_vowel_variants() order. Kept per revision, with the answer for every
    /// stem asked about (bounded, kMaxVariantStems): a word's fifteen-odd candidates are tested
    /// once, not once a query. Valid until the next call.
    [[nodiscard]] const std::vector<std::string>& spelling_variants(std::string_view stem);
    static constexpr std::size_t kMaxVariantStems = 1 << 14;
    /// term_exists() and spelling_variants() as parse_query() takes them; valid while this
    /// Searcher lives.
    [[nodiscard]] TermExists vocabulary() {
        return TermExists{
            [this](std::string_view term) { return term_exists(term); },
            [this](std::string_view stem) -> const std::vector<std::string>& { return spelling_variants(stem); },
        };
    }

    /// IDF-like weights of the terms to highlight, for choosing snippet windows.
    [[nodiscard]] HighlightWeights highlight_weights(const HighlightTerms& terms);

  private:
    /// search() without the passage rerank: the exact BM25 ranks.
    [[nodiscard]] Results search_bm25(const ParsedQuery& parsed, const SearchOptions& options);
    [[nodiscard]] HighlightWeights weights_of(const HighlightTerms& terms);

    std::string path_;
    Xapian::Database db_;
    Analyzer analyzer_;
    WordForms word_forms_{analyzer_};
    Bm25Params bm25_; ///< k1 1.2, b 0.65: why in searcher.cpp
    TermStatsCache term_stats_; ///< for db_'s current revision
    /// spelling_variants(): a stem → its index in variant_lists_ (for db_'s current revision).
    StringTable<std::uint32_t> variant_index_;
    std::vector<std::vector<std::string>> variant_lists_;
    RankCache rank_cache_;      ///< for db_'s current revision
    ParallelRanking parallel_;  ///< see set_parallel()
    Xapian::Enquire enquire_;
};

} // namespace fahras
