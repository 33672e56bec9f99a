/// Snippets: the best window of a document's *original* text for a query, with the matched
/// words marked as byte spans. Choosing the window and showing it are separate steps: a Snippet
/// holds spans, and each printer decides how to show them (ANSI colour, brackets, JSON offsets).
///
/// Matching uses the same Analyzer as the index, so a highlight always covers a whole original
/// word, clitics and diacritics included (وَالشَّرَاكَةِ for the query الشراكة), and a phrase is
/// highlighted as one unit.
#pragma once

#include "common/analysis/analyzer.hpp"
#include "common/search/letter_sets.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/word_forms.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fahras {

/// A half-open byte range [start, end) into Snippet::text.
struct Highlight {
    std::uint32_t start = 0;
    std::uint32_t end = 0;
    bool operator==(const Highlight&) const = default;
};

struct Snippet {
    std::string text;                  ///< original text (newlines and tabs shown as spaces), "…" where cut
    std::vector<Highlight> highlights; ///< sorted, non-overlapping
};

/// The ellipsis put where text is cut (U+2026).
inline constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

class Snippeter {
  public:
    /// `weights` gives the weight of a matched stem or exact form (e.g. its IDF); missing
    /// terms weigh 1. `forms`, when given, must outlive the Snippeter and belong to `analyzer`:
    /// words are analyzed through it (else through a WordForms of the Snippeter's own).
    Snippeter(
        const Analyzer& analyzer,
        HighlightTerms terms,
        const HighlightWeights& weights = HighlightWeights(),
        WordForms* forms = nullptr
    );

    /// Makes this Snippeter one for another query (`terms`, `weights`), as a new one would be,
    /// keeping the memory of its buffers and tables: a thread that makes the snippets of query
    /// after query builds its Snippeter once.
    void reset(const HighlightTerms& terms, const HighlightWeights& weights = HighlightWeights());

    /// The best window of at most about `max_bytes` bytes of `text` (never cutting a word).
    [[nodiscard]] Snippet make(std::string_view text, std::size_t max_bytes) const;
    /// All of `text` (e.g. a title) with its matches marked.
    [[nodiscard]] Snippet highlight_all(std::string_view text) const;
    /// The same into `out`, whatever it held, reusing its memory (a thread that makes the
    /// snippets of hit after hit into the same Snippets allocates nothing once they have grown).
    void make(std::string_view text, std::size_t max_bytes, Snippet& out) const;
    void highlight_all(std::string_view text, Snippet& out) const;

  private:
    /// A token of the text being cut: its span, the key it matches and its phrase occurrence.
    struct Tok {
        std::uint32_t begin = 0;
        std::uint32_t end = 0;
        int key = -1;   ///< id of the stem, exact form or prefix it matches; -1: not a match (kPendingKey, kDroppedKey: while analyze() runs)
        int group = -1; ///< phrase occurrence (tokens of one phrase share it), -1 if none
    };
    static constexpr int kPendingKey = -2; ///< what it matches is not worked out yet
    static constexpr int kDroppedKey = -3; ///< only marks: to be taken out of the list
    /// A key and the set of letters it uses (letter_sets.hpp).
    struct Key {
        int id = -1;
        std::uint64_t letters = 0;
    };
    /// What a token matches, worked out once a query per distinct word (see analyze()).
    struct Match {
        int key = -1;         ///< as Tok::key
        bool dropped = false; ///< only marks: no token at all (the analyzer drops it)
        std::string exact;    ///< its normalized form, kept only when the query has phrases
    };
    /// Original word → what it matches, for the words that pass the letter filters: an
    /// open-addressing table over the words' bytes, probed with a hash the scan of a token
    /// computes along with its letter set. (A std::unordered_map<std::string, …> cost a hash
    /// of its own, a node and a string a word: a tenth of the snippet time.)
    class Memo {
      public:
        struct Entry {
            std::uint64_t hash = 0;
            std::uint32_t word = 0;       ///< offset of the original word in the arena
            std::uint32_t word_size = 0;  ///< 0: a free slot (a token is never empty)
            std::uint32_t exact = 0;      ///< offset of its normalized form in the arena (phrases)
            std::uint32_t exact_size = 0;
            int key = -1;
            bool dropped = false;
        };
        /// The entry of `word` (hash `hash`), or null.
        [[nodiscard]] const Entry* find(std::string_view word, std::uint64_t hash) const noexcept;
        /// Adds `word`, which find() did not find, with what it matches.
        const Entry& add(std::string_view word, std::uint64_t hash, const Match& m);
        [[nodiscard]] std::string_view text(std::uint32_t at, std::uint32_t size) const noexcept {
            return std::string_view(arena_).substr(at, size);
        }
        [[nodiscard]] std::size_t size() const noexcept { return entries_; }
        void clear();

      private:
        void grow();
        std::vector<Entry> slots_; ///< a power of two long, at most half full
        std::vector<std::uint32_t> used_; ///< the slots in use
        std::size_t entries_ = 0;
        std::string arena_;
    };
    void build(const HighlightTerms& terms, const HighlightWeights& weights);
    void analyze(std::string_view text, std::vector<Tok>& out) const;
    void add_token(std::string_view text, std::uint32_t begin, std::uint32_t end, const letter_sets::WordLetters& sets, std::vector<Tok>& out) const;
    /// Appends the token [begin, end) matching `key`, and its normalized form (offset and size in
    /// the memo's arena; 0, 0 when not worked out) when the query has phrases.
    void push_token(std::vector<Tok>& out, std::uint32_t begin, std::uint32_t end, int key, std::pair<std::uint32_t, std::uint32_t> exact = {0, 0}) const;
    [[nodiscard]] Match match(std::string_view word, std::uint64_t hash, bool special) const;
    /// The id of `key` in `keys` (a StringTable or the prefix map), new ones with their weight.
    template <class Keys>
    int add_key(Keys& keys, const std::string& key, const HighlightWeights& weights);
    /// Writes text[begin, end) into `out` (all it held replaced), with its highlights.
    void render(std::string_view text, const std::vector<Tok>& toks, std::size_t begin, std::size_t end, bool cut_end, Snippet& out) const;

    const Analyzer& analyzer_;
    std::unique_ptr<WordForms> own_forms_; ///< when the caller gave none
    WordForms* forms_;
    // Looked up with the string_views of WordForms, once a query per distinct word that passes
    // the letter filters (std::maps cost a string compare a level).
    StringTable<Key> stem_keys_;   ///< query stem → key
    StringTable<Key> exact_keys_;  ///< =word → key
    StringTable<Key> phrase_keys_; ///< words of phrases → key (match only in a phrase)
    /// pre* → key; a std::map because match() takes the first prefix in order that a word has.
    std::map<std::string, Key, std::less<>> prefix_keys_;
    /// Recall streams (Snowball stem, alef skeleton) → the key of the query word's stem, so a
    /// word found only through them (ٱلۡيَتَٰمَىٰ for اليتامى) is highlighted with that word's weight.
    StringTable<int> recall_keys_;
    StringTable<int> skeleton_keys_;
    mutable std::vector<AnalyzedToken> one_; ///< full analysis of one token (recall streams)
    std::vector<std::vector<std::string>> phrases_;
    std::vector<double> weights_; ///< per key id
    /// Letters a token must have (some key's letter set) for its stem to be worth computing.
    std::vector<std::uint64_t> stem_filters_;
    /// Letters a token must have (a recall key's letters less ا) for its Snowball stem to be worth computing.
    std::vector<std::uint64_t> recall_filters_;
    /// What a token must have to be normalized at all: the letters and the pairs of letters
    /// of some key (letter_sets.hpp).
    struct Need {
        std::uint64_t letters = 0;
        std::uint64_t pairs = 0;
        auto operator<=>(const Need&) const = default;
    };
    /// The Needs of every key by pivot: each under its rarest letter (by the letter frequencies
    /// of Arabic text), so that a token is tested only against the Needs whose pivot it has, and
    /// a token with no pivot at all (most) against none. `always`: some Need has no letter.
    struct FilterIndex {
        bool always = false;
        std::uint64_t pivots = 0;
        std::array<std::vector<Need>, 64> by_pivot;
        /// Whether some Need is within the letters and the pairs of `word`, whose letters are
        /// `letters` (an ordinary word).
        [[nodiscard]] bool any_within(std::uint64_t letters, std::string_view word) const noexcept;
    };
    FilterIndex token_index_;
    /// The letters (raw: not folded) of which a token must have one to be worth add_token()'s
    /// look (build()); all bits when every token is analyzed.
    std::uint64_t worth_a_look_ = ~std::uint64_t{0};
    bool stem_within_exact_ = false; ///< the stem is the word less affixes, ا aside (light10, none, light10+snowball)
    // Buffers reused from call to call (and from hit to hit).
    mutable std::vector<Tok> toks_;
    mutable std::vector<std::size_t> matches_;
    mutable std::vector<std::uint32_t> seen_; ///< per key, while windows are scored (make())
    mutable std::vector<std::int8_t> sentence_starts_; ///< per token: -1 not known yet, else whether it starts a sentence (make())
    /// Per kept token, when the query has phrases: its normalized form in the memo's arena
    /// (offset, size; size 0 for a token whose form was not worked out).
    mutable std::vector<std::pair<std::uint32_t, std::uint32_t>> exacts_;
    mutable Snippet second_; ///< the second of two windows, while make() joins them
    mutable Memo memo_;
    /// Tokens whose word the memo did not know when the scan reached them: worked out together
    /// once the scan is done (resolve_pending()), the WordForms lookups of all of them side by
    /// side (each is two cache misses, slot then entry; one after another they were a quarter
    /// of the snippet time).
    struct Pending {
        std::uint32_t token = 0; ///< index in the token list
        std::uint64_t hash = 0;
        bool special = false;
    };
    mutable std::vector<Pending> pending_;
    void resolve_pending(std::string_view text, std::vector<Tok>& out) const;
    /// Emptied (before a text, never during one) when it holds this many words.
    static constexpr std::size_t kMemoEntries = 1 << 14;
};

} // namespace fahras
