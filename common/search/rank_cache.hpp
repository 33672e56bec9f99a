/// What ranking reads again and again, kept in memory for one revision of the database: the
/// length of every document and the decoded posting lists of the terms queries use.
///
/// Why: fahras's MaxScore (maxscore.hpp) spent about half its time in Xapian, decoding posting
/// chunks, skip_to(), and above all PostingIterator::get_doclength(), a B-tree lookup per
/// candidate document. Lucene keeps its norms (a byte per document) in memory for the same
/// reason. And the words of news queries recur (the same frequent words, query after query), so
/// a term's postings decoded once serve many queries: a posting-list cache (Baeza-Yates et al.,
/// "The impact of caching on search engines", SIGIR 2007). It caches postings only, never
/// rankings or documents: every query is still ranked in full, exactly (docs/ranking.md).
///
/// Valid for one revision: Searcher clears it whenever it reopens the database. Entries are
/// filled completely before they are stored, so a read that fails half way (a writer committed,
/// DatabaseModifiedError) leaves nothing behind.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fahras {

/// One term's postings, decoded: docids in increasing order and the wdf of each; for a long list
/// also its block-max bounds, by docid range.
struct DecodedPostings {
    /// Docid ranges of 2^kRangeShift documents: range r holds docids [r · 1024, (r + 1) · 1024).
    static constexpr unsigned kRangeShift = 10;
    /// Lists with fewer postings than kRangeMinPerRange · (number of ranges) have no range_max
    /// (a short list is cheap to ask "any posting in this range?" directly, and 4 bytes a range
    /// would cost more than a byte a posting).
    static constexpr std::size_t kRangeMinPerRange = 4;

    /// The term, its statistics as Xapian gave them when the list was read (get_termfreq(),
    /// get_wdf_upper_bound()): ranking takes them from here, with the list, in one lookup.
    std::string term;
    Xapian::doccount termfreq = 0;
    Xapian::termcount wdf_upper_bound = 0;

    std::vector<Xapian::docid> docids;
    std::vector<Xapian::termcount> wdfs;
    /// Per docid range r, an upper bound of wdf / (norm[d] + wdf) over the postings in it (the
    /// BM25 part without its term weight, DocNorms below), rounded up to a float; 0 exactly when
    /// the range has no posting (a posting whose ratio is 0 gets the smallest float above 0).
    /// For the DocNorms the list was decoded with; empty for a short list or when no norms were
    /// known then.
    std::vector<float> range_max;
    /// With range_max: per docid range r, the place of its first posting (the first docid at or
    /// above r · 1024), and one more entry, the size of the list: range r's postings are
    /// [range_start[r], range_start[r + 1]).
    std::vector<std::uint32_t> range_start;
    /// Per posting, wdf / (norm[d] + wdf) for the DocNorms the list was decoded with: the BM25
    /// part without its term weight, the very double MemoryScorer would compute (the same
    /// operations), computed once a list rather than once a query. Empty when no norms were
    /// known then.
    std::vector<double> ratios;
    /// The kBestPostings postings with the largest ratios (docid, ratio), for a first θ
    /// (maxscore.cpp, initial_theta()): empty when `ratios` is.
    static constexpr std::size_t kBestPostings = 16;
    std::vector<std::pair<Xapian::docid, double>> best;

    [[nodiscard]] std::size_t bytes() const noexcept {
        return sizeof(DecodedPostings) + (term.size() > 15 ? term.capacity() : 0) + docids.capacity() * sizeof(Xapian::docid) + wdfs.capacity() * sizeof(Xapian::termcount) +
               range_max.capacity() * sizeof(float) + range_start.capacity() * sizeof(std::uint32_t) + ratios.capacity() * sizeof(double) +
               best.capacity() * sizeof(std::pair<Xapian::docid, double>);
    }
};

/// Per-document BM25 length normalisation for one set of parameters:
///     norm[d] = k1 · (max(len(d) / avglen, min_normlen) · b + (1 − b))
/// the part of BM25Weight::get_sumpart()'s denominator that depends on the document only,
/// computed with the same operations in the same order, so that norm[d] + wdf is the same double
/// as Xapian's denominator.
struct DocNorms {
    double k1 = 0;
    double b = 0;
    double min_normlen = 0;
    double len_factor = 0;
    std::vector<double> norm; ///< indexed by docid (0 unused); 0 for a docid with no document
};

class RankCache {
  public:
    /// 128 MiB: enough for the postings of every term the 2,000 news headlines of bench/ use on
    /// the 39,940-article ANT news index (docs/ranking.md has the measurements).
    static constexpr std::size_t kDefaultBudgetBytes = std::size_t{128} << 20;

    explicit RankCache(std::size_t budget_bytes = kDefaultBudgetBytes) : budget_(budget_bytes) {}

    /// Bytes the posting lists may take; 0 turns the cache off (ranking reads Xapian's posting
    /// lists directly, as before). Shrinking it evicts at once.
    void set_budget(std::size_t bytes);
    [[nodiscard]] std::size_t budget() const noexcept { return budget_; }
    [[nodiscard]] bool enabled() const noexcept { return budget_ > 0; }

    /// Forgets everything: the database changed revision.
    void clear() noexcept;

    /// Clears the cache if `db` is not at the revision it was filled from. Searcher clears it
    /// when it reopens the database; this catches a reopen through another handle of the same
    /// database. Cheap: the statistics compared are held in memory by Xapian (document count,
    /// last docid, total length and, for a single database, the revision).
    void check(const Xapian::Database& db);

    /// The document lengths of `db`, indexed by docid, read in one walk over the all-documents
    /// posting list the first time after a clear(). Counted apart from the budget (4 bytes a
    /// docid).
    [[nodiscard]] const std::vector<Xapian::termcount>& doclengths(const Xapian::Database& db);
    /// The length of document `did` if the lengths are held (doclengths() was called for this
    /// revision), else 0: a hint, never a read.
    [[nodiscard]] Xapian::termcount known_doclength(Xapian::docid did) const noexcept {
        return have_lengths_ && did < lengths_.size() ? lengths_[did] : 0;
    }

    /// norm[d] (DocNorms) for these BM25 parameters, computed from doclengths() once per
    /// parameters (8 bytes a docid, counted apart from the budget too). Lists decoded from then
    /// on carry block-max bounds (DecodedPostings::range_max) for these norms; new parameters
    /// drop the lists held, whose bounds were for the old ones.
    [[nodiscard]] const DocNorms& norms(const Xapian::Database& db, double k1, double b, double min_normlen, double len_factor);

    /// `term`'s postings: from the cache, or decoded now and cached, least recently used lists
    /// evicted to stay within the budget. A list larger than the whole budget is decoded for the
    /// caller only (not cached). Never null; empty for a term the database does not have. A long
    /// list decoded after norms() carries range_max for the current norms.
    [[nodiscard]] std::shared_ptr<const DecodedPostings> postings(const Xapian::Database& db, const std::string& term);

    /// postings() of each of `terms`, into `out` (same order). The lookups are made side by
    /// side, stage by stage (the slots, then the entries, then the lists), each stage
    /// prefetching what the next reads: a query's twenty-odd terms wait for memory about as long
    /// as one does, where one lookup after another waited for each (a cached list was about 1.4
    /// µs a term, the cache misses of a hash table, its LRU list and the list in a row).
    void postings(const Xapian::Database& db, const std::vector<std::string_view>& terms, std::vector<std::shared_ptr<const DecodedPostings>>& out);

    struct Counters {
        std::size_t hits = 0;
        std::size_t misses = 0;      ///< lists decoded (cached or not)
        std::size_t evictions = 0;
        std::size_t uncached = 0;    ///< lists larger than the budget, decoded for one query
        std::size_t bytes = 0;       ///< posting lists held now
        std::size_t lists = 0;       ///< posting lists held now
        std::size_t postings = 0;    ///< postings held now
    };
    [[nodiscard]] Counters counters() const noexcept;

  private:
    // The lists held: entries_, with a doubly linked LRU order through them (by index), and an
    // open-addressing table over them by the term's hash (linear probing, at most half full,
    // deletion by shifting back: no tombstones).
    static constexpr std::uint32_t kNone = 0xFFFFFFFF;
    struct Entry {
        std::shared_ptr<const DecodedPostings> list; ///< null: a free entry
        std::uint64_t hash = 0;
        std::size_t bytes = 0; ///< entry_bytes()
        std::uint32_t newer = kNone; ///< toward the most recently used
        std::uint32_t older = kNone;
    };
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t entry = kNone; ///< kNone: a free slot
    };
    /// The slot where `term` (hash `hash`) is, or the free slot where its probe ends.
    [[nodiscard]] std::size_t probe(std::string_view term, std::uint64_t hash) const noexcept;
    /// Moves entry `e` to the most recently used end.
    void touch(std::uint32_t e) noexcept;
    /// Takes entry `e` out of the LRU order / puts it (not in the order) at its newest end.
    void unlink(std::uint32_t e) noexcept;
    void link_newest(std::uint32_t e) noexcept;
    /// Adds `list` (not held yet) as the most recently used entry.
    void insert(std::uint64_t hash, std::shared_ptr<const DecodedPostings> list, std::size_t bytes);
    /// Removes the entry in slot `s`.
    void erase_slot(std::size_t s);
    void rehash(std::size_t slots);
    /// Puts entry `e` (hash `hash`) in the first free slot of its probe.
    void place(std::uint64_t hash, std::uint32_t e) noexcept;
    /// Entry `e`'s list, found by a lookup: counted as a hit, made the most recently used.
    const std::shared_ptr<const DecodedPostings>& found(std::uint32_t e) noexcept;
    /// Reads `term`'s list from `db` (its bounds added), cached unless it exceeds the budget.
    std::shared_ptr<const DecodedPostings> decode(const Xapian::Database& db, const std::string& term, std::uint64_t hash);
    void evict_to(std::size_t bytes);
    /// Forgets every list held (not the lengths or norms).
    void drop_lists() noexcept;
    /// Fills list.ratios and list.range_max from the current norms_ (nothing without norms;
    /// no range_max for a short list).
    void add_bounds(DecodedPostings& list) const;
    [[nodiscard]] static std::size_t entry_bytes(const DecodedPostings& list) noexcept;

    std::size_t budget_;
    std::size_t used_ = 0;
    std::size_t held_postings_ = 0;
    std::vector<Entry> entries_;
    std::vector<std::uint32_t> free_entries_;
    std::vector<Slot> slots_;
    std::size_t held_ = 0; ///< lists held
    std::uint32_t newest_ = kNone;
    std::uint32_t oldest_ = kNone;
    Counters counters_;
    struct Fingerprint {
        Xapian::doccount doccount = 0;
        Xapian::docid lastdocid = 0;
        Xapian::totallength total_length = 0;
        Xapian::rev revision = 0;
        bool operator==(const Fingerprint&) const = default;
    };
    [[nodiscard]] Fingerprint fingerprint(const Xapian::Database& db);
    bool have_fingerprint_ = false;
    bool revision_known_ = true; ///< false for a sharded database (no single revision)
    Fingerprint fingerprint_;
    bool have_lengths_ = false;
    std::vector<Xapian::termcount> lengths_;
    DocNorms norms_;
};

} // namespace fahras
