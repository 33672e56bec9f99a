#include "common/search/maxscore.hpp"

#include <algorithm>
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

TermStatsCache::Stats TermStatsCache::get(const Xapian::Database& db, std::string_view term) {
    const std::uint64_t hash = string_hash(term);
    if (const Stats* s = stats_.find(term, hash)) return *s;
    const std::string t(term); // Xapian takes a std::string
    const Xapian::doccount tf = db.get_termfreq(t);
    const Stats s{tf, tf == 0 ? 0 : db.get_wdf_upper_bound(t)};
    if (stats_.size() >= kMaxEntries) stats_.clear();
    stats_.try_emplace(term, hash, s);
    return s;
}

namespace {

/// MaxScore proper, over cursors positioned on their first postings and sorted by bound,
/// cheapest first. `estimate` is Xapian's OR estimate for the terms.
template <class Cursor, class Scorer>
TopKResult rank(
    const Xapian::Database& db,
    std::vector<Cursor>& cursors,
    Scorer& scorer,
    std::size_t first,
    std::size_t k,
    const Bm25Params& bm25,
    const Xapian::Query& required,
    const Xapian::Query& excluded,
    double estimate
) {
    TopKResult out;
    out.strategy = TopKStrategy::OwnMaxScore;
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
    // The docids come from the posting lists: valid, so get_document() need not look each one
    // up to check that it exists (glass does so by reading its length: a B-tree lookup a hit).
    for (std::size_t r = first; r < heap.size(); ++r) {
        out.docs.push_back(RankedDoc{heap[r].docid, heap[r].weight, db.get_document(heap[r].docid, Xapian::DOC_ASSUME_VALID)});
    }
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
    RankCache* memory
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
        return rank(db, memory_cursors, scorer, first, k, bm25, required, excluded, estimate);
    }
    sort_by_bound(xapian_cursors);
    XapianScorer scorer{bm25, len_factor};
    return rank(db, xapian_cursors, scorer, first, k, bm25, required, excluded, estimate);
}

} // namespace fahras
