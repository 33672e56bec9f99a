/// StringTable: a hash table from strings to small values, for the lookups a query makes by the
/// hundred (term statistics, stems, snippet keys, highlight weights).
///
/// std::unordered_map<std::string, V> costs, per lookup, a std::string to look up with (an
/// allocation when the key is longer than 15 bytes, as most Arabic terms are), a hash of its own,
/// and a walk of a bucket's list of nodes scattered over the heap (a cache miss a node). Here the
/// slots are one array, open addressing with linear probing, each slot holding the key's 64-bit
/// hash beside the value; the key bytes are in one arena. A lookup takes a std::string_view (and
/// optionally a hash the caller already has), compares hashes in the slots it probes, and reads
/// key bytes only when a hash matches. No allocation but when the table grows.
///
/// Not a general container: no erase (callers bound their caches by clear()), no iteration
/// order (for_each() visits in slot order), references to values are valid until the next
/// insertion or clear().
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fahras {

/// The hash of StringTable: eight bytes at a time (a word is a few of those), then mixed.
[[nodiscard]] inline std::uint64_t string_hash(std::string_view s) noexcept {
    constexpr std::uint64_t k = 0x9E3779B97F4A7C15ULL;
    std::uint64_t h = (s.size() + 1) * k;
    auto mix = [&](std::uint64_t w) {
        h = (h ^ w) * k;
        h ^= h >> 32;
    };
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w = 0;
        std::memcpy(&w, s.data() + i, 8);
        mix(w);
    }
    if (i < s.size()) {
        std::uint64_t w = 0;
        std::memcpy(&w, s.data() + i, s.size() - i);
        mix(w);
    }
    h *= k;
    return h ^ (h >> 29);
}

template <class V>
class StringTable {
  public:
    /// The value of `key`, or null. `hash` must be string_hash(key).
    [[nodiscard]] const V* find(std::string_view key, std::uint64_t hash) const noexcept {
        const Slot* s = slot_of(key, hash);
        return s != nullptr && s->used != 0 ? &s->value : nullptr;
    }
    [[nodiscard]] V* find(std::string_view key, std::uint64_t hash) noexcept {
        Slot* s = const_cast<Slot*>(std::as_const(*this).slot_of(key, hash));
        return s != nullptr && s->used != 0 ? &s->value : nullptr;
    }
    [[nodiscard]] const V* find(std::string_view key) const noexcept { return find(key, string_hash(key)); }
    [[nodiscard]] V* find(std::string_view key) noexcept { return find(key, string_hash(key)); }

    /// The value of `key`, added as `value` if the table has no such key; and whether it was added.
    std::pair<V*, bool> try_emplace(std::string_view key, std::uint64_t hash, const V& value) {
        if (V* v = find(key, hash)) return {v, false};
        if ((size_ + 1) * 2 > slots_.size()) grow();
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = hash & mask;
        while (slots_[i].used != 0) i = (i + 1) & mask;
        Slot& s = slots_[i];
        s.hash = hash;
        s.at = keep(key);
        s.size = static_cast<std::uint32_t>(key.size());
        s.used = 1;
        s.value = value;
        ++size_;
        return {&s.value, true};
    }
    std::pair<V*, bool> try_emplace(std::string_view key, const V& value) {
        return try_emplace(key, string_hash(key), value);
    }
    /// Sets the value of `key`, adding it if need be.
    V& insert_or_assign(std::string_view key, const V& value) {
        auto [v, added] = try_emplace(key, value);
        if (!added) *v = value;
        return *v;
    }

    /// Keeps a copy of `text` in the arena until clear() (for values that refer to text, e.g. a
    /// stem): its offset, for text().
    [[nodiscard]] std::uint32_t keep(std::string_view text) {
        if (arena_.size() + text.size() > std::numeric_limits<std::uint32_t>::max()) {
            throw std::length_error("StringTable: arena over 4 GiB");
        }
        const auto at = static_cast<std::uint32_t>(arena_.size());
        arena_.append(text);
        return at;
    }
    /// Text of the arena: a key, or what keep() kept. Valid until the next keep(), insertion or clear().
    [[nodiscard]] std::string_view text(std::uint32_t at, std::uint32_t size) const noexcept {
        return std::string_view(arena_).substr(at, size);
    }

    /// Calls f(key, value) for every entry, in no particular order.
    template <class F>
    void for_each(F&& f) const {
        for (const Slot& s : slots_) {
            if (s.used != 0) f(text(s.at, s.size), s.value);
        }
    }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    /// Slots allocated (a power of two, at least twice size(); 0 before the first insertion).
    [[nodiscard]] std::size_t capacity() const noexcept { return slots_.size(); }
    /// Drops every entry and the arena's text; keeps the slots' memory for reuse.
    void clear() noexcept {
        if (size_ != 0) {
            for (Slot& s : slots_) s.used = 0;
        }
        size_ = 0;
        arena_.clear();
    }

  private:
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t at = 0;   ///< the key's offset in arena_
        std::uint32_t size = 0; ///< the key's length (a key may be empty)
        std::uint32_t used = 0; ///< 0: a free slot
        V value{};
    };

    /// The slot of `key` or the free slot where its probe ends (null when there are no slots).
    const Slot* slot_of(std::string_view key, std::uint64_t hash) const noexcept {
        if (slots_.empty()) return nullptr;
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
            const Slot& s = slots_[i];
            if (s.used == 0) return &s;
            if (s.hash == hash && s.size == key.size() &&
                (key.empty() || std::memcmp(arena_.data() + s.at, key.data(), key.size()) == 0)) {
                return &s;
            }
        }
    }

    void grow() {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(old.empty() ? 16 : 2 * old.size(), Slot{});
        const std::size_t mask = slots_.size() - 1;
        for (Slot& s : old) {
            if (s.used == 0) continue;
            std::size_t i = s.hash & mask;
            while (slots_[i].used != 0) i = (i + 1) & mask;
            slots_[i] = std::move(s);
        }
    }

    std::vector<Slot> slots_; ///< a power of two long, at most half full
    std::size_t size_ = 0;
    std::string arena_;
};

} // namespace fahras
