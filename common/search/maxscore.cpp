#include "common/search/maxscore.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <tuple>

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

/// The first place in [p, end) of `docids` (increasing) whose docid is d or more (end if none):
/// by steps doubling from p, then a binary search in the last one.
std::size_t gallop(const Xapian::docid* docids, std::size_t p, std::size_t end, Xapian::docid d) {
    if (p >= end || docids[p] >= d) return p;
    std::size_t lo = p + 1;
    std::size_t hi = lo;
    std::size_t step = 1;
    while (hi < end && docids[hi] < d) {
        lo = hi + 1;
        hi += step;
        step <<= 1;
    }
    hi = std::min(hi, end);
    return static_cast<std::size_t>(std::lower_bound(docids + lo, docids + hi, d) - docids);
}

/// One term's postings from memory (RankCache): the same walk over plain arrays, skip_to() by
/// galloping from the current place (documents come in increasing order, and the next one is
/// usually near).
struct MemoryCursor {
    const Xapian::docid* docids = nullptr;
    const Xapian::termcount* wdfs = nullptr;
    /// DecodedPostings::ratios, or null: then MemoryScorer works them out from wdfs.
    const double* ratios = nullptr;
    /// DecodedPostings::best (with ratios), for initial_theta().
    const std::pair<Xapian::docid, double>* best = nullptr;
    std::size_t n_best = 0;
    std::size_t pos = 0;
    std::size_t size = 0;
    double termweight = 0;
    double max = 0;
    Xapian::docid doc = kEnd;
    /// Block-max bounds (DecodedPostings::range_max), or null: then the term's bound in a range
    /// is `max` if it has a posting there, else 0.
    const float* range_max = nullptr;
    /// DecodedPostings::range_start (with range_max): range r's postings are [range_start[r], range_start[r + 1]).
    const std::uint32_t* range_start = nullptr;
    std::size_t ranges = 0;
    double range_scale = 0; ///< termweight · kBoundSlack: range_max[r] · range_scale bounds a part

    void sync() { doc = pos < size ? docids[pos] : kEnd; }
    void next() {
        ++pos;
        sync();
    }
    void skip_to(Xapian::docid did) {
        if (doc >= did) return;
        pos = gallop(docids, pos + 1, size, did); // (docids[pos] < did)
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
    double part(const MemoryCursor& c) const { return part_at(c, c.pos); }
    /// The part of the posting at `pos` of c's list.
    double part_at(const MemoryCursor& c, std::size_t pos) const {
        if (c.ratios != nullptr) return c.termweight * c.ratios[pos];
        const double wdf_double = c.wdfs[pos];
        const double denom = norm[c.docids[pos]] + wdf_double;
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

/// Offers `e` to the k best so far (a heap whose front is the worst of them): kept, or not.
bool offer(std::vector<Entry>& heap, std::size_t k, const Entry& e) {
    if (heap.size() < k) {
        heap.push_back(e);
        std::push_heap(heap.begin(), heap.end(), better);
        return true;
    }
    if (!better(e, heap.front())) return false;
    std::pop_heap(heap.begin(), heap.end(), better);
    heap.back() = e;
    std::push_heap(heap.begin(), heap.end(), better);
    return true;
}

} // namespace

namespace {

// Takes down every document the matcher checks, with its weight.
class AllMatches final : public Xapian::MatchSpy {
  public:
    explicit AllMatches(std::vector<Entry>& out) : out_(out) {}
    void operator()(const Xapian::Document& doc, double weight) override { out_.push_back({weight, doc.get_docid()}); }

  private:
    std::vector<Entry>& out_;
};

// Every document `q` matches, in docid order, with the weight Xapian gives it. The matcher is
// asked to check as many documents as the database has (so nothing is pruned: exact) and to
// return none; a match spy takes each down as it is checked. Asking for them all in the MSet
// instead (get_mset(0, doccount)) gave the same documents and weights at 1.45 times the time
// (128 vs 88 us a query for the 483 headlines with a phrase): the MSet sorts them all by weight.
// The MSet is kept where a spy cannot serve: over several shards (the document a spy is given
// carries its shard's own docid, not the combined one) and on a remote one (a match spy of our
// own has no serialisation to cross to it).
std::vector<Entry> all_matches(const Xapian::Database& db, const Xapian::Query& q, const Xapian::Weight& weight) {
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(weight);
    enquire.set_query(q);
    std::vector<Entry> out;
    bool spied = false;
    if (db.size() == 1) {
        try {
            AllMatches spy(out);
            enquire.add_matchspy(&spy);
            (void)enquire.get_mset(0, 0, db.get_doccount());
            enquire.clear_matchspies();
            spied = true;
        } catch (const Xapian::UnimplementedError&) {
            enquire.clear_matchspies();
            out.clear();
        }
    }
    if (!spied) {
        const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
        out.reserve(mset.size());
        for (auto it = mset.begin(); it != mset.end(); ++it) out.push_back({it.get_weight(), *it});
    }
    std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.docid < b.docid; });
    return out;
}

/// The documents of [lo, hi), weight 0: a filter that keeps the matcher to one stretch of the
/// docids (each thread of all_matches_split() evaluates its own).
class DocidRange final : public Xapian::PostingSource {
  public:
    DocidRange(Xapian::docid lo, Xapian::docid hi) : lo_(lo), hi_(hi) {}
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override { return (hi_ - lo_) / 2; }
    Xapian::doccount get_termfreq_max() const override { return hi_ - lo_; }
    void init(const Xapian::Database&) override { at_ = 0; }
    void next(double) override { at_ = at_ == 0 ? lo_ : at_ + 1; }
    void skip_to(Xapian::docid did, double) override { at_ = std::max(at_ == 0 ? lo_ : at_, did); }
    bool at_end() const override { return at_ >= hi_; }
    Xapian::docid get_docid() const override { return at_; }

  private:
    Xapian::docid lo_;
    Xapian::docid hi_;
    Xapian::docid at_ = 0; // 0: before the first
};

// all_matches() in two halves of the docids at once, each on its own thread and handle (one
// database only: a spy gives shard docids over several). The halves partition the docids, a
// filter adds no weight, and each weight is the matcher's own: the same list as all_matches().
// A phrase headline's required part took 88 us on one thread (all_matches()).
std::vector<Entry> all_matches_split(
    const Xapian::Database& db,
    const Xapian::Query& q,
    const Xapian::Weight& weight,
    const ParallelForDb& parallel
) {
    const Xapian::docid last = db.get_lastdocid();
    if (!parallel || db.size() != 1 || last < 2) return all_matches(db, q, weight);
    const Xapian::docid mid = last / 2 + 1;
    std::array<std::vector<Entry>, 2> halves;
    // Each thread builds its own copy of the query from its serialised form: copies of one
    // Xapian::Query share a reference count that is not atomic.
    const std::string wire = q.serialise();
    parallel(2, [&](std::size_t half, const Xapian::Database& mine) {
        DocidRange range(half == 0 ? 1 : mid, half == 0 ? mid : last + 1);
        const Xapian::Query own = Xapian::Query::unserialise(wire);
        halves[half] = all_matches(mine, Xapian::Query(Xapian::Query::OP_FILTER, own, Xapian::Query(&range)), weight);
    });
    std::vector<Entry> out = std::move(halves[0]);
    out.insert(out.end(), halves[1].begin(), halves[1].end());
    return out;
}

/// Σ parts[t] in increasing t: a document's weight, summed in one fixed term order so that two
/// documents with the same parts weigh the same to the last bit. parts[] is 0 but at the
/// `n_touched` terms listed in `touched`, and adding +0.0 leaves a sum of non-negative parts as
/// it is, so only the touched terms are added (in term order, through a bit set when there are
/// at most 64 terms): the very double the full loop gives.
double sum_in_term_order(const std::vector<double>& parts, const std::uint16_t* touched, std::size_t n_touched) {
    double score = 0;
    if (parts.size() > 64) {
        for (const double part : parts) score += part;
        return score;
    }
    std::uint64_t terms = 0;
    for (std::size_t i = 0; i < n_touched; ++i) terms |= std::uint64_t{1} << touched[i];
    for (; terms != 0; terms &= terms - 1) score += parts[static_cast<std::size_t>(std::countr_zero(terms))];
    return score;
}

/// Answers "is d excluded?" for increasing d, walking a sorted list once.
class Exclusions {
  public:
    explicit Exclusions(std::vector<Entry> docs) : docs_(std::move(docs)) {}
    [[nodiscard]] bool empty() const noexcept { return docs_.empty(); }
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

/// What a walk found: the k best entries, best first, and what it saw.
struct Ranked {
    std::vector<Entry> best;
    std::size_t matched = 0;  ///< matching documents seen
    bool exhaustive = false;  ///< every match was seen (nothing pruned)
    std::size_t essential_terms = 0;
    std::size_t non_essential_terms = 0;
};

/// MaxScore proper, over cursors positioned on their first postings and sorted by bound,
/// cheapest first: the k best documents.
template <class Cursor, class Scorer>
Ranked rank(
    const Xapian::Database& db,
    std::vector<Cursor>& cursors,
    Scorer& scorer,
    std::size_t k,
    const Bm25Params& bm25,
    const Xapian::Query& required,
    const Xapian::Query& excluded,
    const ParallelForDb* split = nullptr
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
        double score = sum_in_term_order(parts, touched.data(), n_touched);
        score += base;
        reset_parts();
        if (!offer(heap, k, Entry{score, d})) return;
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
        const std::vector<Entry> matches =
            split != nullptr ? all_matches_split(db, required, bm25.weight(), *split) : all_matches(db, required, bm25.weight());
        for (const Entry& r : matches) {
            if (exclusions.contains(r.docid)) continue;
            ++matched;
            scorer.begin_document();
            finish(r.docid, r.weight, r.weight);
        }
        out.exhaustive = true; // every match was seen
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
        out.exhaustive = ne == 0; // nothing was pruned
    }

    std::sort(heap.begin(), heap.end(), better);
    out.essential_terms = n - ne;
    out.non_essential_terms = ne;
    out.matched = matched;
    out.best = std::move(heap);
    return out;
}

/// A first θ for a walk over whole lists: a weight that k documents are known to reach before
/// any is walked. Each term's best postings (DecodedPostings::best) give documents and some of
/// their parts, the very doubles the walk computes. A document's weight is the sum of all its
/// parts in term order; the sum of some of them, in the same order, is at most that (every part
/// is non-negative and rounding to nearest is monotone, so leaving a part out never makes a
/// running sum larger). So the k-th largest of these partial sums is at most the k-th weight of
/// all: pruning with it from the start (a document is left out only when a bound of its weight
/// is below θ) leaves out nothing the k best need, and the walk skips the documents and ranges
/// it would otherwise only learn to skip later. -inf when the best postings name fewer than k
/// documents, or k is more than they hold.
double initial_theta(const std::vector<MemoryCursor>& cursors, std::size_t k) {
    constexpr double none = -std::numeric_limits<double>::infinity();
    if (k == 0 || k > DecodedPostings::kBestPostings) return none;
    std::size_t known = 0;
    for (const MemoryCursor& c : cursors) {
        if (c.best == nullptr || c.pos != 0) return none;
        known += c.n_best;
        // Each list's best postings are a few cache lines of their own, read once a query:
        // their misses overlap rather than follow one another (they were a third of this).
        const auto* at = reinterpret_cast<const char*>(c.best);
        for (std::size_t b = 0; b < c.n_best * sizeof(*c.best); b += 64) __builtin_prefetch(at + b);
    }
    // Per document named: its known parts summed in term order, the terms being taken in
    // order (an open-addressing table by docid; sorting the postings by docid was 3% of a
    // batch ranked without snippets).
    unsigned bits = 6;
    while ((std::size_t{1} << bits) < 2 * known) ++bits;
    const std::size_t slots = std::size_t{1} << bits;
    struct Slot {
        Xapian::docid docid = 0; ///< 0: free (no document has docid 0)
        double sum = 0;
    };
    std::vector<Slot> table(slots);
    const std::size_t mask = slots - 1;
    for (const MemoryCursor& c : cursors) {
        for (std::size_t i = 0; i < c.n_best; ++i) {
            const Xapian::docid d = c.best[i].first;
            auto at = static_cast<std::size_t>((std::uint64_t{d} * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
            while (table[at].docid != 0 && table[at].docid != d) at = (at + 1) & mask;
            table[at].docid = d;
            table[at].sum += c.termweight * c.best[i].second;
        }
    }
    std::vector<double> sums;
    sums.reserve(known);
    for (const Slot& slot : table) {
        if (slot.docid != 0) sums.push_back(slot.sum);
    }
    if (sums.size() < k) return none;
    std::nth_element(sums.begin(), sums.begin() + static_cast<std::ptrdiff_t>(k - 1), sums.end(), std::greater<>());
    return sums[k - 1];
}

/// What the threads of a ranking from memory share (rank_in_parallel()): the docids, handed out
/// chunk by chunk (whole ranges) from one counter, and θ, the best k-th weight any of them has
/// seen, which every one prunes with (a lower bound of the k-th weight of all, so pruning with
/// it leaves out only documents that cannot be in the k best: exact).
struct SharedWalk {
    Xapian::docid chunk_docs = 0; ///< a multiple of the range width
    std::size_t chunks = 0;
    std::atomic<std::size_t> next{0};
    std::atomic<double> theta{-std::numeric_limits<double>::infinity()};

    /// The next chunk [lo, hi) nobody has taken, or false.
    bool claim(Xapian::docid& lo, Xapian::docid& hi) {
        const std::size_t c = next.fetch_add(1, std::memory_order_relaxed);
        if (c >= chunks) return false;
        lo = static_cast<Xapian::docid>(c * chunk_docs);
        hi = c + 1 == chunks ? kEnd : static_cast<Xapian::docid>((c + 1) * chunk_docs);
        return true;
    }
    void raise(double t) {
        double now = theta.load(std::memory_order_relaxed);
        while (t > now && !theta.compare_exchange_weak(now, t, std::memory_order_relaxed)) {
        }
    }
};

/// The number of bits set in x. (std::popcount is a call into libgcc where the target has no
/// POPCNT instruction, as Debian's x86-64 baseline has not: this is a few instructions inline.)
constexpr std::size_t bit_count(std::uint64_t x) noexcept {
#if defined(__POPCNT__)
    return static_cast<std::size_t>(std::popcount(x));
#else
    x -= (x >> 1) & 0x5555555555555555ULL;
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<std::size_t>((x * 0x0101010101010101ULL) >> 56);
#endif
}

/// The postings of c's list in range r, docids [w0, w1): [begin, end) in its arrays. A long
/// list knows where each range starts; a short one is searched (its cursor moves to w0).
std::pair<std::size_t, std::size_t> range_slice(MemoryCursor& c, std::size_t r, Xapian::docid w0, Xapian::docid w1) {
    if (c.range_start != nullptr) {
        if (r >= c.ranges) return {c.size, c.size};
        return {c.range_start[r], c.range_start[r + 1]};
    }
    c.skip_to(w0);
    std::size_t end = c.pos;
    while (end < c.size && c.docids[end] < w1) ++end;
    return {c.pos, end};
}

/// How a non-essential term of a range adds its parts to the candidates: by a pass over all its
/// postings in the range when they are at most this many times the candidates, else by a search
/// for each candidate. (A pass costs a few instructions a posting and no mispredicted branch; a
/// search, a dozen branches. Tuned on the 2,000 news headlines: 4 and 12 were slower, 100 no
/// better; bench/search-latency.md, session 9.)
constexpr std::size_t kMergeFactor = 32;
/// The candidates are pruned again before a non-essential term only when the bound of what that
/// term and the cheaper ones can add has fallen below this fraction of its value at the last
/// pruning (the first non-essential term always prunes): a pruning looks at every candidate, and
/// most of them go at the first. (Tuned as kMergeFactor: 1.0, before every term, and 0.75 were
/// slower.)
constexpr double kPruneEvery = 0.3;

/// MaxScore over postings in memory, with block-max bounds, range by range (docids
/// [w0, w0 + 1024), DecodedPostings::kRangeShift): the same exact top k as rank(), cheaper.
///
/// In each range, a term's bound is its block max there (DecodedPostings::range_max, or its
/// global bound if it has a posting in the range, 0 if none), never more than its global bound.
/// Sorted by those bounds, the longest prefix whose sum stays below θ is non-essential *in this
/// range*: usually many more terms than by global bounds, since most terms have no posting or
/// only weak ones in any one range. The essential terms of the range are then scored term at a
/// time into an accumulator per docid (no per-document loop over every essential term); each
/// document so found is finished as in rank(): the non-essential terms are looked up, dearest
/// first, while the document can still beat θ; a document that gets through has its weight summed
/// in the fixed term order (parts[], as rank()), so it weighs the same to the last bit. A document
/// is left out only when an upper bound of its weight is below θ: exact, as rank().
///
/// Until θ passes the cheapest term's global bound (rank() then prunes nothing), no range prunes
/// either, so that `estimated` counts every match exactly when rank()'s does.
Ranked rank_ranges(
    const Xapian::Database& db,
    std::vector<MemoryCursor>& cursors,
    const MemoryScorer& scorer,
    std::size_t k,
    const Xapian::Query& excluded,
    SharedWalk* shared = nullptr,
    double first_theta = -std::numeric_limits<double>::infinity()
) {
    Ranked out;
    const std::size_t n = cursors.size();
    std::vector<double> bound(n); // global: bound[i] = what terms 0..i together can add
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) bound[i] = sum += cursors[i].max;

    Exclusions exclusions(excluded.empty() ? std::vector<Entry>{} : all_matches(db, excluded, Xapian::BoolWeight()));
    std::vector<double> parts(n); // what each term gives the current document (all 0 between documents)
    std::vector<std::uint16_t> touched(n);
    std::size_t n_touched = 0;
    std::vector<Entry> heap; // the k best so far; heap.front() is the worst of them
    heap.reserve(k);
    double theta = -std::numeric_limits<double>::infinity();
    std::size_t ne = 0; // by global bounds, as rank(): cursors [0, ne) are non-essential
    // Raises θ to t, and with it the terms that no longer need to drive the walk; true when no
    // document can beat θ any more.
    auto raise_theta = [&](double t) {
        theta = t;
        while (ne < n && bound[ne] < theta) ++ne;
        return ne == n;
    };
    (void)raise_theta(first_theta); // (-inf, or a weight k documents are known to reach)
    std::size_t matched = 0;

    constexpr unsigned shift = DecodedPostings::kRangeShift;
    constexpr std::size_t width = std::size_t{1} << shift;
    constexpr std::size_t words = width / 64;
    std::vector<double> acc(width); // the essential terms' sum for each docid of the range
    std::array<std::uint64_t, words> seen{}; // the docids of the range an essential term is on

    struct Slot {
        double bound;
        std::uint16_t term;
    };
    std::vector<Slot> present; // the terms with a posting in the range, cheapest first
    present.reserve(n);
    std::vector<double> lookup_bound(n); // Σ present[0..j].bound for the non-essential prefix
    struct Driver {
        std::uint16_t term;
        std::size_t begin; // its postings in the range: [begin, end)
        std::size_t end;
    };
    std::vector<Driver> drivers; // the range's essential terms, in term order
    drivers.reserve(n);
    std::vector<Driver> nonessential; // the range's non-essential terms, as present[0, nw)
    nonessential.reserve(n);
    std::vector<Driver> contender_terms; // all of the range's terms, in term order
    contender_terms.reserve(n);

    bool done = false;
    Xapian::docid from = 0;
    // With `shared`: the chunk being walked is [from, chunk_end); the walk ends when no chunk is
    // left. Without, one chunk: every docid.
    Xapian::docid chunk_end = shared == nullptr ? kEnd : 0;
    while (!done) {
        if (shared != nullptr && from >= chunk_end && !shared->claim(from, chunk_end)) break;
        if (shared != nullptr) {
            // Another thread's θ may be higher: prune with it (it only rises).
            const double t = shared->theta.load(std::memory_order_relaxed);
            if (t > theta && raise_theta(t)) break; // no document can beat θ any more, in any chunk
        }
        // The next range: where the next document of a (globally) essential term is. Every
        // document that can beat θ has one.
        Xapian::docid low = kEnd;
        for (std::size_t i = ne; i < n; ++i) {
            cursors[i].skip_to(from);
            low = std::min(low, cursors[i].doc);
        }
        if (low == kEnd) break; // (every list's end: no later chunk has anything either)
        if (low >= chunk_end) {
            from = chunk_end; // nothing in this chunk: the next one
            continue;
        }
        const std::size_t r = low >> shift;
        const Xapian::docid w0 = static_cast<Xapian::docid>(r << shift);
        const std::uint64_t w1_wide = std::uint64_t{w0} + width;
        const Xapian::docid w1 = w1_wide >= kEnd ? kEnd : static_cast<Xapian::docid>(w1_wide);
        from = w1; // (w1 = kEnd: the last range; the next skip_to(kEnd) ends the walk)

        present.clear();
        for (std::size_t i = 0; i < n; ++i) {
            MemoryCursor& c = cursors[i];
            double b;
            if (c.range_max != nullptr) {
                const float m = r < c.ranges ? c.range_max[r] : 0.0F;
                if (m == 0) continue;
                b = std::min(c.range_scale * m, c.max);
            } else {
                c.skip_to(w0);
                if (c.doc >= w1) continue;
                b = c.max;
            }
            present.push_back({b, static_cast<std::uint16_t>(i)});
        }
        // Cheapest first (insertion sort: a few dozen terms at most).
        for (std::size_t j = 1; j < present.size(); ++j) {
            const Slot s = present[j];
            std::size_t m = j;
            for (; m > 0 && present[m - 1].bound > s.bound; --m) present[m] = present[m - 1];
            present[m] = s;
        }
        std::size_t nw = 0; // present[0, nw) are non-essential in this range
        if (ne > 0) {
            double s = 0;
            while (nw < present.size() && s + present[nw].bound < theta) {
                lookup_bound[nw] = s += present[nw].bound;
                ++nw;
            }
        }
        if (nw == present.size()) continue; // nothing in the range can beat θ

        // The essential terms, term at a time, in term order.
        drivers.clear();
        for (std::size_t j = nw; j < present.size(); ++j) drivers.push_back({present[j].term, 0, 0});
        std::sort(drivers.begin(), drivers.end(), [](const Driver& a, const Driver& b) { return a.term < b.term; });
        for (Driver& dr : drivers) {
            MemoryCursor& c = cursors[dr.term];
            std::tie(dr.begin, dr.end) = range_slice(c, r, w0, w1);
            for (std::size_t p = dr.begin; p < dr.end; ++p) {
                const std::size_t off = c.docids[p] - w0;
                acc[off] += scorer.part_at(c, p);
                seen[off >> 6] |= std::uint64_t{1} << (off & 63);
            }
            c.pos = dr.end;
            c.sync();
        }

        // The candidates: the documents an essential term is on, less the excluded ones.
        std::size_t candidates = 0;
        for (std::size_t w = 0; w < words; ++w) {
            if (!exclusions.empty()) {
                for (std::uint64_t bits = seen[w]; bits != 0; bits &= bits - 1) {
                    const std::size_t off = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
                    if (exclusions.contains(w0 + static_cast<Xapian::docid>(off))) {
                        seen[w] &= ~(std::uint64_t{1} << (off & 63));
                        acc[off] = 0;
                    }
                }
            }
            candidates += bit_count(seen[w]);
        }
        matched += candidates;

        // The non-essential terms, term at a time, dearest first. Before each, the candidates
        // that cannot beat θ even with it and every cheaper one are dropped (the test rank()
        // makes document by document). Each term adds its parts to the candidates it is on: by
        // a pass over its postings in the range, the candidates picked out by the bitmap without
        // a branch, or, when the candidates are few beside its postings, by a search for each.
        nonessential.resize(nw); // (filled for the terms taken; the loop stops early only when no candidate is left)
        double pruned_at = std::numeric_limits<double>::infinity(); // lookup_bound of the last pruning
        for (std::size_t j = nw; j-- > 0 && candidates > 0;) {
            // A pruning costs a look at every candidate: only when the bound has fallen enough
            // since the last one to drop some.
            if (theta > -std::numeric_limits<double>::infinity() && lookup_bound[j] < kPruneEvery * pruned_at) {
                pruned_at = lookup_bound[j];
                candidates = 0;
                for (std::size_t w = 0; w < words; ++w) {
                    // (Without a branch: which candidates go is not predictable.)
                    std::uint64_t keep = seen[w];
                    for (std::uint64_t bits = keep; bits != 0; bits &= bits - 1) {
                        const std::size_t off = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
                        const bool stays = !(acc[off] + lookup_bound[j] < theta);
                        keep &= ~(std::uint64_t{!stays} << (off & 63));
                        acc[off] *= static_cast<double>(stays); // (0 for one dropped: a sum stays 0 off the candidates)
                        candidates += static_cast<std::size_t>(stays);
                    }
                    seen[w] = keep;
                }
                if (candidates == 0) break;
            }
            const std::uint16_t t = present[j].term;
            MemoryCursor& c = cursors[t];
            const auto [b, e] = range_slice(c, r, w0, w1);
            nonessential[j] = Driver{t, b, e};
            if (e - b <= kMergeFactor * candidates) {
                for (std::size_t p = b; p < e; ++p) {
                    const std::size_t off = c.docids[p] - w0;
                    const auto on = static_cast<double>((seen[off >> 6] >> (off & 63)) & 1U);
                    acc[off] += on * scorer.part_at(c, p); // (+0 off the candidates: their sum stays 0)
                }
            } else {
                std::size_t p = b;
                for (std::size_t w = 0; w < words && p < e; ++w) {
                    for (std::uint64_t bits = seen[w]; bits != 0 && p < e; bits &= bits - 1) {
                        const std::size_t off = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
                        const Xapian::docid d = w0 + static_cast<Xapian::docid>(off);
                        p = gallop(c.docids, p, e, d);
                        if (p < e && c.docids[p] == d) acc[off] += scorer.part_at(c, p);
                    }
                }
            }
        }

        // Each candidate left, in docid order: a contender if the sum of its parts can beat θ.
        bool sorted = false; // contender_terms holds the range's terms in term order
        for (std::size_t w = 0; w < words; ++w) {
            std::uint64_t bits = seen[w];
            seen[w] = 0;
            for (; bits != 0; bits &= bits - 1) {
                const std::size_t off = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
                const double running = acc[off];
                acc[off] = 0;
                // running holds every part of the document, summed in another order than its
                // weight: the two differ by far less than kBoundSlack's margin.
                if (done || running * kBoundSlack < theta) continue;
                if (!sorted) {
                    contender_terms.assign(drivers.begin(), drivers.end());
                    contender_terms.insert(contender_terms.end(), nonessential.begin(), nonessential.end());
                    std::sort(contender_terms.begin(), contender_terms.end(), [](const Driver& a, const Driver& b) { return a.term < b.term; });
                    sorted = true;
                }
                // A contender: its parts again, to sum them in term order.
                const Xapian::docid d = w0 + static_cast<Xapian::docid>(off);
                for (Driver& dr : contender_terms) {
                    const MemoryCursor& c = cursors[dr.term];
                    dr.begin = gallop(c.docids, dr.begin, dr.end, d); // (contenders come in docid order)
                    if (dr.begin < dr.end && c.docids[dr.begin] == d) {
                        parts[dr.term] = scorer.part_at(c, dr.begin);
                        touched[n_touched++] = dr.term;
                    }
                }
                const double score = sum_in_term_order(parts, touched.data(), n_touched);
                if (offer(heap, k, Entry{score, d}) && heap.size() == k && heap.front().weight > theta) {
                    if (raise_theta(heap.front().weight)) done = true; // no document can beat θ any more
                    if (shared != nullptr) shared->raise(theta);
                }
                for (std::size_t i = 0; i < n_touched; ++i) parts[touched[i]] = 0;
                n_touched = 0;
            }
        }
    }
    std::sort(heap.begin(), heap.end(), better);
    out.essential_terms = n - ne;
    out.non_essential_terms = ne;
    out.matched = matched;
    out.exhaustive = ne == 0;
    out.best = std::move(heap);
    return out;
}

/// The result of ranks [first, k) of `ranked`. The number of matches is exact when the walk saw
/// every match, else the larger of those it saw and Xapian's OR estimate for the terms,
/// `estimate`.
TopKResult documents(const Xapian::Database& db, Ranked ranked, std::size_t first, double estimate) {
    TopKResult out;
    out.strategy = TopKStrategy::OwnMaxScore;
    const auto matched = static_cast<Xapian::doccount>(ranked.matched);
    out.estimated = ranked.exhaustive ? matched : std::max(matched, static_cast<Xapian::doccount>(std::lround(estimate)));
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

/// The same ranking as rank_ranges() over all the documents, by `threads` walks at once (run by
/// `parallel`), merged. The docids are handed out in chunks of whole ranges from one counter
/// (SharedWalk), so a thread that is faster, or a helper that wakes up late, simply walks more
/// of them, and every walk prunes with the best θ any has reached. Each walk's k best under the
/// same total order (weight, then lower docid) hold the k best of its documents, and every
/// document's weight is summed in the same fixed term order whichever walk it is in, so the
/// merge gives the same documents, order and weights as one walk. Returns nullopt when the lists
/// span one range only (nothing to share).
std::optional<Ranked> rank_in_parallel(
    const std::vector<MemoryCursor>& cursors,
    const MemoryScorer& scorer,
    std::size_t k,
    std::size_t threads,
    const ParallelFor& parallel,
    double first_theta
) {
    constexpr unsigned shift = DecodedPostings::kRangeShift;
    Xapian::docid last = 0;
    for (const MemoryCursor& c : cursors) {
        if (c.size > 0) last = std::max(last, c.docids[c.size - 1]);
    }
    const std::size_t ranges = (static_cast<std::size_t>(last) >> shift) + 1;
    if (ranges < 2) return std::nullopt;
    // About 8 chunks a thread: enough to even the walks out, few enough that each keeps a
    // stretch of docids to raise its θ on.
    const std::size_t per_chunk = std::max<std::size_t>(1, ranges / (8 * threads));
    SharedWalk shared;
    shared.theta = first_theta;
    shared.chunk_docs = static_cast<Xapian::docid>(per_chunk << shift);
    shared.chunks = (ranges + per_chunk - 1) / per_chunk;
    std::vector<std::vector<MemoryCursor>> own(threads, cursors);
    std::vector<Ranked> ranked(threads);
    const Xapian::Query none;
    const Xapian::Database no_db; // rank_ranges() reads no database without an excluded part
    parallel(threads, [&](std::size_t t) { ranked[t] = rank_ranges(no_db, own[t], scorer, k, none, &shared, first_theta); });
    Ranked out = std::move(ranked[0]);
    for (std::size_t t = 1; t < threads; ++t) {
        out.best.insert(out.best.end(), ranked[t].best.begin(), ranked[t].best.end());
        out.matched += ranked[t].matched;
        out.exhaustive = out.exhaustive && ranked[t].exhaustive;
        out.non_essential_terms = std::max(out.non_essential_terms, ranked[t].non_essential_terms);
    }
    std::sort(out.best.begin(), out.best.end(), better);
    if (out.best.size() > k) out.best.resize(k);
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
    // The norms first: lists decoded from here on get their block-max bounds for them.
    const DocNorms* norms = in_memory ? &memory->norms(db, bm25.k1, bm25.b, bm25.min_normlen, len_factor) : nullptr;

    std::vector<XapianCursor> xapian_cursors;
    std::vector<MemoryCursor> memory_cursors;
    std::vector<std::shared_ptr<const DecodedPostings>> pinned; // the lists memory_cursors read
    // From memory, each term's list and statistics in one lookup, the terms' lookups side by side.
    std::vector<std::shared_ptr<const DecodedPostings>> lists;
    if (in_memory) {
        std::vector<std::string_view> names;
        for (const WeightedTerm& wt : terms) {
            if (wt.factor > 0) names.emplace_back(wt.term);
        }
        memory->postings(db, names, lists);
        // The first lines of each list's arrays, read below (its first docid) and at the walk's
        // start, are usually out of the cache: their misses overlap rather than follow one
        // another (the first docid's was half the time of this function outside the walk).
        for (const auto& list : lists) {
            if (!list) continue;
            __builtin_prefetch(list->docids.data());
            __builtin_prefetch(list->ratios.data());
            __builtin_prefetch(list->range_max.data());
        }
    }
    std::size_t next_list = 0;
    double estimate = 0; // Xapian's OrPostList estimate: independent terms
    for (const WeightedTerm& wt : terms) {
        std::shared_ptr<const DecodedPostings> list;
        if (in_memory && wt.factor > 0) list = std::move(lists[next_list++]);
        const TermStatsCache::Stats stats = list ? TermStatsCache::Stats{list->termfreq, list->wdf_upper_bound}
                                            : cache ? cache->get(db, wt.term)
                                                    : TermStatsCache::Stats{db.get_termfreq(wt.term), 0};
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
        const Xapian::termcount wdf_ub = list || cache ? stats.wdf_upper_bound : db.get_wdf_upper_bound(wt.term);
        double denom = bm25.k1;
        if (bm25.k1 != 0 && bm25.b != 0) {
            const double normlen_lb = std::max(std::max(wdf_ub, doclen_lb) * len_factor, bm25.min_normlen);
            denom *= (normlen_lb * bm25.b + (1 - bm25.b));
        }
        const double wdf_max = wdf_ub;
        denom += wdf_max;
        const double max = termweight * (wdf_max / denom) * kBoundSlack;
        if (in_memory) {
            MemoryCursor c;
            c.docids = list->docids.data();
            c.wdfs = list->wdfs.data();
            if (!list->ratios.empty()) {
                c.ratios = list->ratios.data();
                c.best = list->best.data();
                c.n_best = list->best.size();
            }
            c.size = list->docids.size();
            c.termweight = termweight;
            c.max = max;
            if (!list->range_max.empty()) {
                c.range_max = list->range_max.data();
                c.range_start = list->range_start.data();
                c.ranges = list->range_max.size();
                c.range_scale = termweight * kBoundSlack;
            }
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
        MemoryScorer scorer{norms->norm.data()};
        if (required.empty()) {
            // (An excluded document may be among the best postings: no first θ then.)
            const double first_theta = excluded.empty() ? initial_theta(memory_cursors, k) : -std::numeric_limits<double>::infinity();
            if (parallel != nullptr && parallel->run && excluded.empty() && !memory_cursors.empty()) {
                std::size_t postings = 0;
                for (const MemoryCursor& c : memory_cursors) postings += c.size;
                if (postings >= parallel->min_postings) {
                    if (auto shared = rank_in_parallel(memory_cursors, scorer, k, 2, parallel->run, first_theta)) {
                        return documents(db, std::move(*shared), first, estimate);
                    }
                }
            }
            return documents(db, rank_ranges(db, memory_cursors, scorer, k, excluded, nullptr, first_theta), first, estimate);
        }
        const ParallelForDb* split = parallel != nullptr && parallel->run_with_db ? &parallel->run_with_db : nullptr;
        return documents(db, rank(db, memory_cursors, scorer, k, bm25, required, excluded, split), first, estimate);
    }
    sort_by_bound(xapian_cursors);
    XapianScorer scorer{bm25, len_factor};
    return documents(db, rank(db, xapian_cursors, scorer, k, bm25, required, excluded), first, estimate);
}

} // namespace fahras
