#include "common/search/maxscore.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>

namespace fahras {
namespace {

constexpr Xapian::docid kEnd = std::numeric_limits<Xapian::docid>::max();

// Bounds are compared with some slack: a document's weight is a sum of doubles in another
// order than the bounds' sum, so it may exceed the bound by a few units in the last place.
constexpr double kBoundSlack = 1 + 1e-9;

/// One term's postings read through Xapian, and its BM25 constants as
/// Xapian::BM25Weight::init() sets them.
struct XapianCursor {
    Xapian::PostingIterator it;
    Xapian::PostingIterator end;
    double termweight = 0; ///< BM25Weight's termweight: log(idf) · factor · wqf part · (k1 + 1)
    double max = 0;        ///< BM25Weight::get_maxpart(): no document gets more from this term
    Xapian::docid doc = kEnd;

    void sync() { doc = it == end ? kEnd : *it; }
    void next() {
        ++it;
        sync();
    }
    void skip_to(Xapian::docid did) {
        if (doc >= did) return;
        it.skip_to(did);
        sync();
    }
};

/// One term's postings from memory (RankCache): the same walk over plain arrays, skip_to() by
/// galloping from the current place (documents come in increasing order, and the next one is
/// usually near).
struct MemoryCursor {
    const Xapian::docid* docids = nullptr;
    const Xapian::termcount* wdfs = nullptr;
    std::size_t pos = 0;
    std::size_t size = 0;
    double termweight = 0;
    double max = 0;
    Xapian::docid doc = kEnd;

    void sync() { doc = pos < size ? docids[pos] : kEnd; }
    void next() {
        ++pos;
        sync();
    }
    void skip_to(Xapian::docid did) {
        if (doc >= did) return;
        // docids[pos] < did: find the first place >= did in (pos, size), doubling the step
        // until it is passed, then a binary search in the last step.
        std::size_t lo = pos + 1;
        std::size_t hi = lo;
        std::size_t step = 1;
        while (hi < size && docids[hi] < did) {
            lo = hi + 1;
            hi += step;
            step <<= 1;
        }
        hi = std::min(hi, size);
        pos = static_cast<std::size_t>(std::lower_bound(docids + lo, docids + hi, did) - docids);
        sync();
    }
};

/// BM25Weight::get_sumpart() of a term for the document its cursor is on, operation for
/// operation, with the document's length from the term's posting iterator (a B-tree lookup in
/// glass, once per document).
struct XapianScorer {
    const Bm25Params& bm25;
    double len_factor;
    Xapian::termcount len = 0;
    bool have_len = false;

    void begin_document() { have_len = false; }
    double part(XapianCursor& c) {
        if (!have_len) {
            len = c.it.get_doclength();
            have_len = true;
        }
        const double normlen = std::max(len * len_factor, bm25.min_normlen);
        const double wdf_double = c.it.get_wdf();
        const double denom = bm25.k1 * (normlen * bm25.b + (1 - bm25.b)) + wdf_double;
        return c.termweight * (wdf_double / denom);
    }
};

/// The same from memory: norm[d] is the denominator's document part, computed by RankCache with
/// the same operations (DocNorms), so the result is the same double.
struct MemoryScorer {
    const double* norm;

    void begin_document() {}
    double part(const MemoryCursor& c) const {
        const double wdf_double = c.wdfs[c.pos];
        const double denom = norm[c.doc] + wdf_double;
        return c.termweight * (wdf_double / denom);
    }
};

struct Entry {
    double weight;
    Xapian::docid docid;
};

// Rank order: higher weight first, then lower docid (Xapian's order for equal weights).
bool better(const Entry& a, const Entry& b) {
    return a.weight > b.weight || (a.weight == b.weight && a.docid < b.docid);
}

} // namespace

namespace {

// Every document `q` matches, in docid order, with the weight Xapian gives it: get_mset() for
// as many documents as the database has never fills, so nothing is pruned and it is exact.
std::vector<Entry> all_matches(const Xapian::Database& db, const Xapian::Query& q, const Xapian::Weight& weight) {
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(weight);
    enquire.set_query(q);
    const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
    std::vector<Entry> out;
    out.reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it) out.push_back({it.get_weight(), *it});
    std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.docid < b.docid; });
    return out;
}

/// Answers "is d excluded?" for increasing d, walking a sorted list once.
class Exclusions {
  public:
    explicit Exclusions(std::vector<Entry> docs) : docs_(std::move(docs)) {}
    bool contains(Xapian::docid d) {
        while (next_ < docs_.size() && docs_[next_].docid < d) ++next_;
        return next_ < docs_.size() && docs_[next_].docid == d;
    }

  private:
    std::vector<Entry> docs_;
    std::size_t next_ = 0;
};

} // namespace

TermStatsCache::Stats TermStatsCache::get(const Xapian::Database& db, const std::string& term) {
    if (const auto it = stats_.find(term); it != stats_.end()) return it->second;
    if (stats_.size() >= kMaxEntries) stats_.clear();
    const Xapian::doccount tf = db.get_termfreq(term);
    const Stats s{tf, tf == 0 ? 0 : db.get_wdf_upper_bound(term)};
    stats_.emplace(term, s);
    return s;
}

namespace {

/// What rank() found: the k best entries, best first, and what it saw.
struct Ranked {
    std::vector<Entry> best;
    std::size_t matched = 0;       ///< matching documents seen
    bool exhaustive = false;       ///< every match was seen (nothing pruned)
    Xapian::doccount estimated = 0;
    std::size_t essential_terms = 0;
    std::size_t non_essential_terms = 0;
};

/// MaxScore proper, over cursors positioned on their first postings and sorted by bound,
/// cheapest first: the k best documents. `estimate` is Xapian's OR estimate for the terms.
/// Reads `db` only for the required and excluded parts (with neither, it reads the cursors
/// alone, and may run on any thread).
template <class Cursor, class Scorer>
Ranked rank(
    const Xapian::Database& db,
    std::vector<Cursor>& cursors,
    Scorer& scorer,
    std::size_t k,
    const Bm25Params& bm25,
    const Xapian::Query& required,
    const Xapian::Query& excluded,
    double estimate
) {
    Ranked out;
    // The non-essential terms are a prefix [0, ne) of the cursors (cheapest first), and
    // bound[i] is what terms 0..i together can add to a document.
    std::vector<double> bound(cursors.size());
    double sum = 0;
    for (std::size_t i = 0; i < cursors.size(); ++i) bound[i] = sum += cursors[i].max;

    Exclusions exclusions(excluded.empty() ? std::vector<Entry>{} : all_matches(db, excluded, Xapian::BoolWeight()));
    std::vector<double> parts(cursors.size()); // what each term gives the current document
    std::vector<Entry> heap; // the k best so far; heap.front() is the worst of them
    heap.reserve(k);
    double theta = -std::numeric_limits<double>::infinity();
    std::size_t ne = 0;      // cursors [0, ne) are non-essential
    std::size_t matched = 0; // matching documents seen
    const std::size_t n = cursors.size();

    // parts[] is all zeros between documents; touched[0, n_touched) lists the entries a
    // document set (16-bit: a store to it cannot alias a cursor's fields, which the compiler
    // would otherwise reload; maxscore_top_k() takes at most 65,535 terms).
    std::vector<std::uint16_t> touched(cursors.size());
    std::size_t n_touched = 0;
    auto reset_parts = [&] {
        for (std::size_t t = 0; t < n_touched; ++t) parts[touched[t]] = 0;
        n_touched = 0;
    };

    // Scores document d, whose weight from the essential side is `base` plus parts[ne..n), with
    // the non-essential terms while they can still lift it past θ; keeps it if it is among the
    // k best.
    auto finish = [&](Xapian::docid d, double base, double running) {
        for (std::size_t i = ne; i-- > 0;) {
            if (running + bound[i] < theta) {
                reset_parts();
                return;
            }
            Cursor& c = cursors[i];
            c.skip_to(d);
            if (c.doc == d) {
                running += parts[i] = scorer.part(c);
                touched[n_touched++] = static_cast<std::uint16_t>(i);
            }
        }
        // The weight is summed again in one fixed order (the running sum's order depends on
        // which terms were essential when the document came), so that two documents with the
        // same terms, wdfs and length weigh the same to the last bit, and tie as in Xapian.
        double score = 0;
        for (const double part : parts) score += part;
        score += base;
        reset_parts();
        const Entry e{score, d};
        if (heap.size() < k) {
            heap.push_back(e);
            std::push_heap(heap.begin(), heap.end(), better);
        } else if (better(e, heap.front())) {
            std::pop_heap(heap.begin(), heap.end(), better);
            heap.back() = e;
            std::push_heap(heap.begin(), heap.end(), better);
        } else {
            return;
        }
        if (heap.size() == k) {
            theta = heap.front().weight;
            // A later document must beat θ strictly (it loses a tie on docid), so a term whose
            // cumulated bound stays below θ no longer needs to drive the walk.
            if (required.empty()) {
                while (ne < n && bound[ne] < theta) ++ne;
            }
        }
    };

    if (!required.empty()) {
        // AND_MAYBE(required, OR(terms)): the required part's documents drive the walk, each
        // weighing what Xapian gives it for that part plus its terms; every term is looked up.
        ne = n;
        for (const Entry& r : all_matches(db, required, bm25.weight())) {
            if (exclusions.contains(r.docid)) continue;
            ++matched;
            scorer.begin_document();
            finish(r.docid, r.weight, r.weight);
        }
        out.estimated = static_cast<Xapian::doccount>(matched); // every match was seen
    } else {
        // The next document: the lowest one an essential term is on.
        auto lowest = [&] {
            Xapian::docid low = kEnd;
            for (std::size_t i = ne; i < n; ++i) low = std::min(low, cursors[i].doc);
            return low;
        };
        Xapian::docid d = lowest();
        while (d != kEnd) {
            // One pass over the essential terms per document: each one on d is scored (or not)
            // and moved on, and the lowest of the new positions is the next document.
            Xapian::docid next = kEnd;
            if (exclusions.contains(d)) {
                for (std::size_t i = ne; i < n; ++i) {
                    Cursor& c = cursors[i];
                    if (c.doc == d) c.next();
                    next = std::min(next, c.doc);
                }
                d = next;
                continue;
            }
            ++matched;
            double running = 0;
            scorer.begin_document();
            for (std::size_t i = ne; i < n; ++i) {
                Cursor& c = cursors[i];
                if (c.doc == d) {
                    running += parts[i] = scorer.part(c);
                    touched[n_touched++] = static_cast<std::uint16_t>(i);
                    c.next();
                }
                next = std::min(next, c.doc);
            }
            const std::size_t ne_before = ne;
            finish(d, 0, running);
            if (ne == n) break;
            // Terms that became non-essential no longer bring documents.
            d = ne == ne_before ? next : lowest();
        }
        // Exact when nothing was pruned (every match was seen); else Xapian's estimate for the OR.
        out.estimated = ne == 0
                            ? static_cast<Xapian::doccount>(matched)
                            : std::max<Xapian::doccount>(
                                  static_cast<Xapian::doccount>(matched),
                                  static_cast<Xapian::doccount>(std::lround(estimate))
                              );
    }

    std::sort(heap.begin(), heap.end(), better);
    out.essential_terms = n - ne;
    out.non_essential_terms = ne;
    out.matched = matched;
    out.exhaustive = required.empty() ? ne == 0 : true;
    out.best = std::move(heap);
    return out;
}

/// The result of ranks [first, k) of `ranked`.
TopKResult documents(const Xapian::Database& db, Ranked ranked, std::size_t first) {
    TopKResult out;
    out.strategy = TopKStrategy::OwnMaxScore;
    out.estimated = ranked.estimated;
    out.essential_terms = ranked.essential_terms;
    out.non_essential_terms = ranked.non_essential_terms;
    // The docids come from the posting lists: valid, so get_document() need not look each one
    // up to check that it exists (glass does so by reading its length: a B-tree lookup a hit).
    for (std::size_t r = first; r < ranked.best.size(); ++r) {
        const Entry& e = ranked.best[r];
        out.docs.push_back(RankedDoc{e.docid, e.weight, db.get_document(e.docid, Xapian::DOC_ASSUME_VALID)});
    }
    return out;
}

/// Moves a fresh cursor's range to the postings of documents [lo, hi).
void restrict_to(MemoryCursor& c, Xapian::docid lo, Xapian::docid hi) {
    const Xapian::docid* begin = c.docids + c.pos;
    const Xapian::docid* end = c.docids + c.size;
    const Xapian::docid* from = std::lower_bound(begin, end, lo);
    c.pos = static_cast<std::size_t>(from - c.docids);
    c.size = static_cast<std::size_t>(std::lower_bound(from, end, hi) - c.docids);
    c.sync();
}

/// The same ranking as rank() over all the documents, as two rankings of the documents below
/// and from a split docid, run at once by `parallel`, then merged: each half's k best under the
/// same total order (weight, then lower docid) hold the k best of all, and every document's
/// weight is summed in the same fixed order whichever half it is in, so the merge gives the
/// same documents, order and weights as one walk. (Each half prunes with its own θ, which
/// rises as fast as one walk's would: the halves do about the work of the whole between them.)
Ranked rank_in_halves(
    const std::vector<MemoryCursor>& cursors,
    const DocNorms& norms,
    std::size_t k,
    const Bm25Params& bm25,
    double estimate,
    const ParallelFor& parallel
) {
    // Split where the longest list is halved: the postings of the terms that drive the walk are
    // spread over the docids roughly as the longest's are.
    const MemoryCursor& longest =
        *std::max_element(cursors.begin(), cursors.end(), [](const MemoryCursor& a, const MemoryCursor& b) { return a.size < b.size; });
    const Xapian::docid split = longest.docids[longest.pos + (longest.size - longest.pos) / 2];
    std::array<std::vector<MemoryCursor>, 2> halves{cursors, cursors};
    for (MemoryCursor& c : halves[0]) restrict_to(c, 0, split);
    for (MemoryCursor& c : halves[1]) restrict_to(c, split, kEnd);
    std::array<Ranked, 2> ranked;
    const Xapian::Query none;
    const Xapian::Database no_db; // rank() reads no database without required or excluded parts
    parallel(2, [&](std::size_t h) {
        MemoryScorer scorer{norms.norm.data()};
        ranked[h] = rank(no_db, halves[h], scorer, k, bm25, none, none, estimate);
    });
    Ranked out = std::move(ranked[0]);
    out.best.insert(out.best.end(), ranked[1].best.begin(), ranked[1].best.end());
    std::sort(out.best.begin(), out.best.end(), better);
    if (out.best.size() > k) out.best.resize(k);
    out.matched += ranked[1].matched;
    out.exhaustive = out.exhaustive && ranked[1].exhaustive;
    out.estimated = out.exhaustive ? static_cast<Xapian::doccount>(out.matched)
                                   : std::max<Xapian::doccount>(
                                         static_cast<Xapian::doccount>(out.matched),
                                         static_cast<Xapian::doccount>(std::lround(estimate))
                                     );
    out.non_essential_terms = std::max(out.non_essential_terms, ranked[1].non_essential_terms);
    out.essential_terms = cursors.size() - out.non_essential_terms;
    return out;
}

template <class Cursor>
void sort_by_bound(std::vector<Cursor>& cursors) {
    std::sort(cursors.begin(), cursors.end(), [](const Cursor& a, const Cursor& b) { return a.max < b.max; });
}

} // namespace

TopKResult maxscore_top_k(
    const Xapian::Database& db,
    const std::vector<WeightedTerm>& terms,
    Xapian::doccount first,
    Xapian::doccount count,
    const Bm25Params& bm25,
    const Xapian::Query& required,
    const Xapian::Query& excluded,
    TermStatsCache* cache,
    RankCache* memory,
    const ParallelRanking* parallel
) {
    const Xapian::doccount n_docs = db.get_doccount();
    const std::size_t k = static_cast<std::size_t>(first) + count;
    if (n_docs == 0 || (terms.empty() && required.empty()) || k == 0) {
        TopKResult out;
        out.strategy = TopKStrategy::OwnMaxScore;
        return out;
    }
    if (terms.size() > std::numeric_limits<std::uint16_t>::max()) {
        throw Xapian::InvalidArgumentError("maxscore_top_k: more than 65,535 terms");
    }
    const bool in_memory = memory != nullptr && memory->enabled();
    if (in_memory) memory->check(db);

    // BM25Weight::init(): len_factor = 1 / average length; the average is the statistics'
    // total length over the collection size.
    double len_factor = static_cast<double>(db.get_total_length()) / n_docs;
    if (len_factor != 0) len_factor = 1 / len_factor;
    const Xapian::termcount doclen_lb = db.get_doclength_lower_bound();

    std::vector<XapianCursor> xapian_cursors;
    std::vector<MemoryCursor> memory_cursors;
    std::vector<std::shared_ptr<const DecodedPostings>> pinned; // the lists memory_cursors read
    double estimate = 0; // Xapian's OrPostList estimate: independent terms
    for (const WeightedTerm& wt : terms) {
        const TermStatsCache::Stats stats =
            cache ? cache->get(db, wt.term) : TermStatsCache::Stats{db.get_termfreq(wt.term), 0};
        const Xapian::doccount tf = stats.termfreq;
        if (tf == 0 || !(wt.factor > 0)) continue; // no postings, or no weight and no way to match
        estimate = estimate + tf - estimate * tf / n_docs;
        double tw = (n_docs - tf + 0.5) / (tf + 0.5);
        if (tw < 2) tw = tw * 0.5 + 1;
        double termweight = std::log(tw) * wt.factor;
        if (bm25.k3 != 0) {
            const double wqf = 1;
            termweight *= (bm25.k3 + 1) * wqf / (bm25.k3 + wqf);
        }
        termweight *= (bm25.k1 + 1);
        // BM25Weight::get_maxpart(): at the largest wdf and the shortest length it allows.
        const Xapian::termcount wdf_ub = cache ? stats.wdf_upper_bound : db.get_wdf_upper_bound(wt.term);
        double denom = bm25.k1;
        if (bm25.k1 != 0 && bm25.b != 0) {
            const double normlen_lb = std::max(std::max(wdf_ub, doclen_lb) * len_factor, bm25.min_normlen);
            denom *= (normlen_lb * bm25.b + (1 - bm25.b));
        }
        const double wdf_max = wdf_ub;
        denom += wdf_max;
        const double max = termweight * (wdf_max / denom) * kBoundSlack;
        if (in_memory) {
            auto list = memory->postings(db, wt.term);
            MemoryCursor c;
            c.docids = list->docids.data();
            c.wdfs = list->wdfs.data();
            c.size = list->docids.size();
            c.termweight = termweight;
            c.max = max;
            c.sync();
            memory_cursors.push_back(c);
            pinned.push_back(std::move(list));
        } else {
            XapianCursor c;
            c.termweight = termweight;
            c.max = max;
            c.it = db.postlist_begin(wt.term);
            c.end = db.postlist_end(wt.term);
            c.sync();
            xapian_cursors.push_back(std::move(c));
        }
    }
    if (xapian_cursors.empty() && memory_cursors.empty() && required.empty()) {
        TopKResult out;
        out.strategy = TopKStrategy::OwnMaxScore;
        return out;
    }
    if (in_memory) {
        sort_by_bound(memory_cursors);
        const DocNorms& norms = memory->norms(db, bm25.k1, bm25.b, bm25.min_normlen, len_factor);
        MemoryScorer scorer{norms.norm.data()};
        if (parallel != nullptr && parallel->run && required.empty() && excluded.empty() && !memory_cursors.empty()) {
            std::size_t postings = 0;
            for (const MemoryCursor& c : memory_cursors) postings += c.size;
            if (postings >= parallel->min_postings) {
                return documents(db, rank_in_halves(memory_cursors, norms, k, bm25, estimate, parallel->run), first);
            }
        }
        return documents(db, rank(db, memory_cursors, scorer, k, bm25, required, excluded, estimate), first);
    }
    sort_by_bound(xapian_cursors);
    XapianScorer scorer{bm25, len_factor};
    return documents(db, rank(db, xapian_cursors, scorer, k, bm25, required, excluded, estimate), first);
}

} // namespace fahras
