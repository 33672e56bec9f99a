#include "common/search/rank_cache.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fahras {

// What an entry costs: the lists, the term (twice: map key and LRU node) and the nodes.
std::size_t RankCache::entry_bytes(const std::string& term, const DecodedPostings& list) noexcept {
    return list.bytes() + 2 * (term.size() + sizeof(std::string)) + sizeof(Entry) + 4 * sizeof(void*);
}

void RankCache::set_budget(std::size_t bytes) {
    budget_ = bytes;
    evict_to(budget_);
}

void RankCache::clear() noexcept {
    lists_.clear();
    lru_.clear();
    used_ = 0;
    held_postings_ = 0;
    have_lengths_ = false;
    lengths_.clear();
    lengths_.shrink_to_fit();
    norms_ = DocNorms{};
    have_fingerprint_ = false;
}

RankCache::Fingerprint RankCache::fingerprint(const Xapian::Database& db) {
    Fingerprint f{db.get_doccount(), db.get_lastdocid(), db.get_total_length(), 0};
    if (revision_known_) {
        try {
            f.revision = db.get_revision();
        } catch (const Xapian::LogicError&) {
            revision_known_ = false; // several shards: the other statistics have to do
        }
    }
    return f;
}

void RankCache::check(const Xapian::Database& db) {
    const Fingerprint f = fingerprint(db);
    if (have_fingerprint_ && f == fingerprint_) return;
    clear();
    fingerprint_ = f;
    have_fingerprint_ = true;
}

const std::vector<Xapian::termcount>& RankCache::doclengths(const Xapian::Database& db) {
    if (have_lengths_) return lengths_;
    // The all-documents posting list visits each document once, in docid order, and carries
    // its length (in glass it is the document-length list itself): one sequential read instead
    // of a B-tree lookup per document. Works the same over a sharded database (docids
    // interleaved by Xapian's multi-database iterator).
    std::vector<Xapian::termcount> lengths(static_cast<std::size_t>(db.get_lastdocid()) + 1, 0);
    for (auto it = db.postlist_begin(std::string()), end = db.postlist_end(std::string()); it != end; ++it) {
        const Xapian::docid d = *it;
        if (d < lengths.size()) lengths[d] = it.get_doclength();
    }
    lengths_ = std::move(lengths); // only a complete read is kept (a writer may interrupt it)
    have_lengths_ = true;
    return lengths_;
}

const DocNorms& RankCache::norms(const Xapian::Database& db, double k1, double b, double min_normlen, double len_factor) {
    const auto& lengths = doclengths(db);
    if (norms_.norm.size() == lengths.size() && norms_.k1 == k1 && norms_.b == b && norms_.min_normlen == min_normlen &&
        norms_.len_factor == len_factor) {
        return norms_;
    }
    // The lists held have block-max bounds for the old norms (or none): decode them again.
    lists_.clear();
    lru_.clear();
    used_ = 0;
    held_postings_ = 0;
    DocNorms n{k1, b, min_normlen, len_factor, std::vector<double>(lengths.size(), 0.0)};
    for (std::size_t d = 1; d < lengths.size(); ++d) {
        // BM25Weight::get_sumpart()'s denominator without its "+ wdf", operation for operation.
        const double normlen = std::max(lengths[d] * len_factor, min_normlen);
        n.norm[d] = k1 * (normlen * b + (1 - b));
    }
    norms_ = std::move(n);
    return norms_;
}

std::shared_ptr<const DecodedPostings> RankCache::postings(const Xapian::Database& db, const std::string& term) {
    if (const auto it = lists_.find(term); it != lists_.end()) {
        ++counters_.hits;
        lru_.splice(lru_.begin(), lru_, it->second.lru);
        return it->second.list;
    }
    ++counters_.misses;
    auto list = std::make_shared<DecodedPostings>();
    const Xapian::doccount tf = db.get_termfreq(term);
    list->docids.reserve(tf);
    list->wdfs.reserve(tf);
    for (auto it = db.postlist_begin(term), end = db.postlist_end(term); it != end; ++it) {
        list->docids.push_back(*it);
        list->wdfs.push_back(it.get_wdf());
    }
    list->docids.shrink_to_fit();
    list->wdfs.shrink_to_fit();
    add_bounds(*list);
    const std::size_t bytes = entry_bytes(term, *list);
    if (bytes > budget_) {
        ++counters_.uncached;
        return list;
    }
    evict_to(budget_ - bytes);
    lru_.push_front(term);
    const std::size_t n = list->docids.size();
    lists_.emplace(term, Entry{list, lru_.begin()});
    used_ += bytes;
    held_postings_ += n;
    return list;
}

void RankCache::add_bounds(DecodedPostings& list) const {
    const std::vector<double>& norm = norms_.norm;
    if (norm.empty()) return;
    std::vector<double> ratios(list.docids.size());
    for (std::size_t p = 0; p < list.docids.size(); ++p) {
        const Xapian::docid d = list.docids[p];
        if (d >= norm.size()) return; // not this revision's list: no bounds, the walk looks instead
        // The ratio MemoryScorer computes (maxscore.cpp), the same operations.
        const double wdf_double = list.wdfs[p];
        ratios[p] = wdf_double / (norm[d] + wdf_double);
    }
    constexpr unsigned shift = DecodedPostings::kRangeShift;
    const std::size_t ranges = ((norm.size() - 1) >> shift) + 1;
    if (list.docids.size() >= DecodedPostings::kRangeMinPerRange * ranges) {
        // The largest ratio of each range, as doubles (-1: no posting), then rounded up to floats.
        std::vector<double> largest(ranges, -1.0);
        for (std::size_t p = 0; p < list.docids.size(); ++p) {
            double& slot = largest[list.docids[p] >> shift];
            slot = std::max(slot, ratios[p]);
        }
        std::vector<float> range_max(ranges, 0.0F);
        for (std::size_t r = 0; r < ranges; ++r) {
            if (largest[r] < 0) continue; // no posting: 0
            float up = static_cast<float>(largest[r]);
            if (static_cast<double>(up) < largest[r]) up = std::nextafter(up, std::numeric_limits<float>::infinity());
            if (!(up > 0)) up = std::numeric_limits<float>::denorm_min(); // 0 means "no posting"
            range_max[r] = up;
        }
        list.range_max = std::move(range_max);
    }
    // The best postings: a min-heap of the kBestPostings largest ratios seen so far.
    auto smaller = [](const std::pair<Xapian::docid, double>& a, const std::pair<Xapian::docid, double>& b) { return a.second > b.second; };
    std::vector<std::pair<Xapian::docid, double>> best;
    best.reserve(DecodedPostings::kBestPostings);
    for (std::size_t p = 0; p < list.docids.size(); ++p) {
        if (best.size() < DecodedPostings::kBestPostings) {
            best.emplace_back(list.docids[p], ratios[p]);
            std::push_heap(best.begin(), best.end(), smaller);
        } else if (ratios[p] > best.front().second) {
            std::pop_heap(best.begin(), best.end(), smaller);
            best.back() = {list.docids[p], ratios[p]};
            std::push_heap(best.begin(), best.end(), smaller);
        }
    }
    list.best = std::move(best);
    list.ratios = std::move(ratios);
}

void RankCache::evict_to(std::size_t bytes) {
    while (used_ > bytes && !lru_.empty()) {
        const auto it = lists_.find(lru_.back());
        const std::size_t n = it->second.list->docids.size();
        used_ -= entry_bytes(it->first, *it->second.list);
        held_postings_ -= n;
        lists_.erase(it);
        lru_.pop_back();
        ++counters_.evictions;
    }
}

RankCache::Counters RankCache::counters() const noexcept {
    Counters c = counters_;
    c.bytes = used_;
    c.lists = lists_.size();
    c.postings = held_postings_;
    return c;
}

} // namespace fahras
