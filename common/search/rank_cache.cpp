#include "common/search/rank_cache.hpp"

#include "common/util/string_table.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fahras {

// What an entry costs: the list (with its term), the entry and its share of the table.
std::size_t RankCache::entry_bytes(const DecodedPostings& list) noexcept {
    return list.bytes() + sizeof(Entry) + 2 * sizeof(Slot);
}

void RankCache::set_budget(std::size_t bytes) {
    budget_ = bytes;
    evict_to(budget_);
}

void RankCache::drop_lists() noexcept {
    entries_.clear();
    free_entries_.clear();
    slots_.clear();
    held_ = 0;
    newest_ = kNone;
    oldest_ = kNone;
    used_ = 0;
    held_postings_ = 0;
}

void RankCache::clear() noexcept {
    drop_lists();
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
    drop_lists();
    DocNorms n{k1, b, min_normlen, len_factor, std::vector<double>(lengths.size(), 0.0)};
    for (std::size_t d = 1; d < lengths.size(); ++d) {
        // BM25Weight::get_sumpart()'s denominator without its "+ wdf", operation for operation.
        const double normlen = std::max(lengths[d] * len_factor, min_normlen);
        n.norm[d] = k1 * (normlen * b + (1 - b));
    }
    norms_ = std::move(n);
    return norms_;
}

std::size_t RankCache::probe(std::string_view term, std::uint64_t hash) const noexcept {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const Slot& slot = slots_[i];
        if (slot.entry == kNone) return i;
        if (slot.hash == hash && entries_[slot.entry].list->term == term) return i;
    }
}

void RankCache::unlink(std::uint32_t e) noexcept {
    Entry& entry = entries_[e];
    if (entry.newer != kNone) entries_[entry.newer].older = entry.older;
    else newest_ = entry.older;
    if (entry.older != kNone) entries_[entry.older].newer = entry.newer;
    else oldest_ = entry.newer;
    entry.newer = entry.older = kNone;
}

void RankCache::touch(std::uint32_t e) noexcept {
    if (newest_ == e) return;
    unlink(e);
    link_newest(e);
}

void RankCache::link_newest(std::uint32_t e) noexcept {
    Entry& entry = entries_[e];
    entry.newer = kNone;
    entry.older = newest_;
    if (newest_ != kNone) entries_[newest_].newer = e;
    newest_ = e;
    if (oldest_ == kNone) oldest_ = e;
}

void RankCache::place(std::uint64_t hash, std::uint32_t e) noexcept {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    while (slots_[i].entry != kNone) i = (i + 1) & mask;
    slots_[i] = Slot{hash, e};
}

void RankCache::rehash(std::size_t slots) {
    slots_.assign(slots, Slot{});
    for (std::size_t e = 0; e < entries_.size(); ++e) {
        if (entries_[e].list) place(entries_[e].hash, static_cast<std::uint32_t>(e));
    }
}

const std::shared_ptr<const DecodedPostings>& RankCache::found(std::uint32_t e) noexcept {
    ++counters_.hits;
    touch(e);
    return entries_[e].list;
}

void RankCache::insert(std::uint64_t hash, std::shared_ptr<const DecodedPostings> list, std::size_t bytes) {
    if ((held_ + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 1024 : 2 * slots_.size());
    std::uint32_t e;
    if (!free_entries_.empty()) {
        e = free_entries_.back();
        free_entries_.pop_back();
    } else {
        e = static_cast<std::uint32_t>(entries_.size());
        entries_.emplace_back();
    }
    const std::size_t n = list->docids.size();
    entries_[e] = Entry{std::move(list), hash, bytes, kNone, kNone};
    place(hash, e);
    link_newest(e);
    ++held_;
    used_ += bytes;
    held_postings_ += n;
}

void RankCache::erase_slot(std::size_t s) {
    const std::uint32_t e = slots_[s].entry;
    Entry& entry = entries_[e];
    used_ -= entry.bytes;
    held_postings_ -= entry.list->docids.size();
    unlink(e);
    entry.list.reset();
    free_entries_.push_back(e);
    --held_;
    // Backward-shift deletion: each later slot of the run moves into the hole unless its home
    // slot lies cyclically after the hole (then its probe never passes the hole).
    const std::size_t mask = slots_.size() - 1;
    std::size_t hole = s;
    for (std::size_t j = (s + 1) & mask; slots_[j].entry != kNone; j = (j + 1) & mask) {
        const std::size_t home = slots_[j].hash & mask;
        const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (stays) continue;
        slots_[hole] = slots_[j];
        hole = j;
    }
    slots_[hole] = Slot{};
}

std::shared_ptr<const DecodedPostings> RankCache::decode(const Xapian::Database& db, const std::string& term, std::uint64_t hash) {
    ++counters_.misses;
    auto list = std::make_shared<DecodedPostings>();
    list->term = term;
    const Xapian::doccount tf = db.get_termfreq(term);
    list->termfreq = tf;
    list->wdf_upper_bound = tf == 0 ? 0 : db.get_wdf_upper_bound(term);
    list->docids.reserve(tf);
    list->wdfs.reserve(tf);
    for (auto it = db.postlist_begin(term), end = db.postlist_end(term); it != end; ++it) {
        list->docids.push_back(*it);
        list->wdfs.push_back(it.get_wdf());
    }
    list->docids.shrink_to_fit();
    list->wdfs.shrink_to_fit();
    add_bounds(*list);
    const std::size_t bytes = entry_bytes(*list);
    if (bytes > budget_) {
        ++counters_.uncached;
        return list;
    }
    evict_to(budget_ - bytes);
    insert(hash, list, bytes);
    return list;
}

std::shared_ptr<const DecodedPostings> RankCache::postings(const Xapian::Database& db, const std::string& term) {
    const std::uint64_t hash = string_hash(term);
    if (!slots_.empty()) {
        const std::size_t s = probe(term, hash);
        if (slots_[s].entry != kNone) return found(slots_[s].entry);
    }
    return decode(db, term, hash);
}

void RankCache::postings(const Xapian::Database& db, const std::vector<std::string_view>& terms, std::vector<std::shared_ptr<const DecodedPostings>>& out) {
    const std::size_t n = terms.size();
    out.assign(n, nullptr);
    std::vector<std::uint64_t> hashes(n);
    std::vector<std::uint32_t> entry(n, kNone); // the entry whose slot holds each term's hash
    if (!slots_.empty()) {
        const std::size_t mask = slots_.size() - 1;
        // 1. Each term's home slot.
        for (std::size_t t = 0; t < n; ++t) {
            hashes[t] = string_hash(terms[t]);
            __builtin_prefetch(&slots_[hashes[t] & mask]);
        }
        // 2. The entries whose slots hold the term's hash (almost always the term's own).
        for (std::size_t t = 0; t < n; ++t) {
            for (std::size_t i = hashes[t] & mask; slots_[i].entry != kNone; i = (i + 1) & mask) {
                if (slots_[i].hash == hashes[t]) {
                    entry[t] = slots_[i].entry;
                    __builtin_prefetch(&entries_[entry[t]]);
                    break;
                }
            }
        }
        // 3. Their lists (the term is in the list, to be compared).
        for (std::size_t t = 0; t < n; ++t) {
            if (entry[t] != kNone) __builtin_prefetch(entries_[entry[t]].list.get());
        }
        // 4. The lookups proper, from memory now in cache.
        for (std::size_t t = 0; t < n; ++t) {
            if (entry[t] != kNone && entries_[entry[t]].list->term == terms[t]) {
                out[t] = found(entry[t]);
                continue;
            }
            const std::size_t s = probe(terms[t], hashes[t]); // (a hash shared with another term)
            if (slots_[s].entry != kNone) out[t] = found(slots_[s].entry);
        }
    }
    // The others are read from the database (which may evict: the lists found are held by out).
    for (std::size_t t = 0; t < n; ++t) {
        if (!out[t]) out[t] = postings(db, std::string(terms[t]));
    }
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
        std::vector<std::uint32_t> range_start(ranges + 1, static_cast<std::uint32_t>(list.docids.size()));
        for (std::size_t p = list.docids.size(); p-- > 0;) range_start[list.docids[p] >> shift] = static_cast<std::uint32_t>(p);
        // A range with no posting starts where the next one does.
        for (std::size_t r = ranges; r-- > 0;) range_start[r] = std::min(range_start[r], range_start[r + 1]);
        list.range_start = std::move(range_start);
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
    while (used_ > bytes && oldest_ != kNone) {
        const Entry& entry = entries_[oldest_];
        erase_slot(probe(entry.list->term, entry.hash));
        ++counters_.evictions;
    }
}

RankCache::Counters RankCache::counters() const noexcept {
    Counters c = counters_;
    c.bytes = used_;
    c.lists = held_;
    c.postings = held_postings_;
    return c;
}

} // namespace fahras
