/// WordForms: the query-independent analysis of the original words that snippets look at,
/// kept from query to query.
#pragma once

#include "common/analysis/analyzer.hpp"
#include "common/util/string_table.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fahras {

/// What snippets need to know of an original word that does not depend on the query: whether
/// the analyzer drops it, its normalized form, its stem and its recall stem (the stems worked
/// out when a query first needs them). One WordForms serves the Snippeters of many queries (the
/// Searcher keeps one beside its Analyzer), so a word that the hits of many queries share, as
/// the words of news do, is analyzed once rather than once a query, as the Analyzer's own cache
/// of Snowball stems is kept. Bound to one Analyzer; not thread-safe; bounded (kMaxEntries).
class WordForms {
  public:
    explicit WordForms(const Analyzer& analyzer) : analyzer_(analyzer) {}
    WordForms(const WordForms&) = delete;
    WordForms& operator=(const WordForms&) = delete;

    [[nodiscard]] const Analyzer& analyzer() const noexcept { return analyzer_; }

    struct Entry {
        std::uint64_t hash = 0;  ///< word_hash(word)
        /// A copy of a word of at most kShortWord bytes (most words), next to its hash: get()
        /// compares it there, in the cache line it reads anyway, rather than at `word`'s bytes
        /// elsewhere in memory (a lookup was three cache misses in a row: slot, entry, bytes).
        static constexpr std::size_t kShortWord = 22;
        std::uint8_t short_size = 0xFF; ///< 0xFF: the word is longer (compared at `word`)
        char short_word[kShortWord] = {};
        std::string_view word;   ///< the original word
        std::string_view exact;  ///< its normalized form (empty: only marks, the analyzer drops it)
        std::string_view stem;   ///< Analyzer::stem(exact), once has_stem
        std::string_view recall; ///< Analyzer::recall_stem(exact), once has_recall
        /// string_hash() of stem and recall, worked out with them: snippets look the stems up
        /// in their tables of query keys (StringTable) query after query.
        std::uint64_t stem_hash = 0;
        std::uint64_t recall_hash = 0;
        /// Free for the Snippeter: the letter set of `exact` (0 until it first needs it).
        std::uint64_t letters = 0;
        bool has_stem = false;
        bool has_recall = false;
    };
    /// The entry of the original word `word`, whose word_hash() is `hash`: made with its
    /// normalized form on first sight. Valid, with the views of every entry, until the next
    /// call of get() (which empties the whole cache when it holds kMaxEntries words).
    Entry& get(std::string_view word, std::uint64_t hash);
    /// Hints that get(·, hash) comes soon: prefetch_slot() starts loading the slot where its
    /// probe begins; prefetch_entry(), called once that has arrived, the entry it finds there.
    /// Callers with several words to look up issue one stage for all of them, then the next, so
    /// that their cache misses overlap instead of following one another.
    void prefetch_slot(std::uint64_t hash) const noexcept {
        if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
    }
    void prefetch_entry(std::uint64_t hash) const noexcept {
        if (slots_.empty()) return;
        // The entry of the slot where the probe begins: almost always the word's own.
        if (const std::uint32_t s = slots_[hash & (slots_.size() - 1)]; s != 0) {
            const Entry& e = entries_[s - 1];
            __builtin_prefetch(&e);
            __builtin_prefetch(reinterpret_cast<const char*>(&e) + 64);
        }
    }
    [[nodiscard]] std::string_view stem(Entry& e);
    [[nodiscard]] std::string_view recall(Entry& e);
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

    /// The hash get() wants (string_hash()).
    [[nodiscard]] static std::uint64_t word_hash(std::string_view word) noexcept { return string_hash(word); }
    static constexpr std::size_t kMaxEntries = 1 << 16;

  private:
    /// A copy of `s` that stays put until clear(): text is kept in blocks never reallocated.
    std::string_view keep(std::string_view s);
    void clear();

    const Analyzer& analyzer_;
    std::vector<Entry> entries_;
    /// Open addressing over entries_: index + 1 (0: free), a power of two long, at most half full.
    std::vector<std::uint32_t> slots_;
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::size_t block_used_ = 0;
    std::size_t block_size_ = 0;
    std::string scratch_;
};

} // namespace fahras
