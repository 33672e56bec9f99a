#include "common/search/word_forms.hpp"

#include "common/analysis/normalizer.hpp"

#include <algorithm>
#include <cstring>

namespace fahras {

WordForms::Entry& WordForms::get(std::string_view word, std::uint64_t hash) {
    if (!slots_.empty()) {
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = hash & mask; slots_[i] != 0; i = (i + 1) & mask) {
            Entry& e = entries_[slots_[i] - 1];
            if (e.hash != hash) continue;
            if (word.size() <= Entry::kShortWord) {
                if (e.short_size == word.size() && std::memcmp(e.short_word, word.data(), word.size()) == 0) return e;
            } else if (e.word == word) {
                return e;
            }
        }
    }
    if (entries_.size() >= kMaxEntries) clear();
    if ((entries_.size() + 1) * 2 > slots_.size()) {
        slots_.assign(slots_.empty() ? 1024 : 2 * slots_.size(), 0);
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t k = 0; k < entries_.size(); ++k) {
            std::size_t i = entries_[k].hash & mask;
            while (slots_[i] != 0) i = (i + 1) & mask;
            slots_[i] = static_cast<std::uint32_t>(k + 1);
        }
    }
    Entry e;
    e.hash = hash;
    if (word.size() <= Entry::kShortWord) {
        e.short_size = static_cast<std::uint8_t>(word.size());
        std::memcpy(e.short_word, word.data(), word.size());
    }
    e.word = keep(word);
    scratch_.clear();
    normalize_append(word, scratch_);
    e.exact = keep(scratch_);
    entries_.push_back(e);
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<std::uint32_t>(entries_.size());
    return entries_.back();
}

std::string_view WordForms::stem(Entry& e) {
    if (!e.has_stem) {
        e.stem = keep(analyzer_.stem(e.exact));
        e.stem_hash = string_hash(e.stem);
        e.has_stem = true;
    }
    return e.stem;
}

std::string_view WordForms::recall(Entry& e) {
    if (!e.has_recall) {
        e.recall = keep(analyzer_.recall_stem(e.exact));
        e.recall_hash = string_hash(e.recall);
        e.has_recall = true;
    }
    return e.recall;
}

std::string_view WordForms::keep(std::string_view s) {
    if (s.empty()) return {};
    static constexpr std::size_t kBlock = 1 << 16;
    if (blocks_.empty() || block_size_ - block_used_ < s.size()) {
        // A word longer than a block (a presentation form can expand to a phrase) gets its own.
        block_size_ = std::max(kBlock, s.size());
        blocks_.push_back(std::make_unique<char[]>(block_size_));
        block_used_ = 0;
    }
    char* at = blocks_.back().get() + block_used_;
    std::memcpy(at, s.data(), s.size());
    block_used_ += s.size();
    return {at, s.size()};
}

void WordForms::clear() {
    entries_.clear();
    std::fill(slots_.begin(), slots_.end(), 0);
    blocks_.clear();
    block_used_ = 0;
    block_size_ = 0;
}

} // namespace fahras
