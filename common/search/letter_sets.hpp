/// Letter sets and letter-pair sets: the snippeter's cheap test of whether a word of a hit can
/// match a query key at all, before it is normalized and stemmed (snippet.cpp).
///
/// A word's *letters* are a 64-bit set: bit (b & 63) for every ASCII byte and every
/// continuation byte b of its UTF-8. The Arabic letters U+0621–U+064A all get distinct bits.
/// Its *pairs* are a 64-bit set too: one hashed bit for every two letters that follow each other
/// in it, marks and tatweel skipped. A light10 stem is the normalized word less a prefix and a
/// suffix, so the stem's letters are among the word's, and so are the pairs it has, save where
/// the stemmer writes an ا (لله → الله, Snowball's تستعد → استعد): a key's pairs are taken with
/// ا breaking them (pairs_of()). Bits collide, which only lets more words through to the exact
/// test.
///
/// Both sets of an *original* word are worked out from its characters (WordLetters as the
/// tokenizer's scan reads it, then word_pairs()), folded as the normalizer folds (fold_letter():
/// أ إ آ → ا, ؤ → و, ئ ى → ي, ة → ه; A–Z → a–z) so that they are the sets of its normalized form. A word with a character outside ASCII and
/// U+0621–U+065F (presentation forms, Persian letters, other scripts) is *special*: its
/// normalized form is not its folded characters, so it skips these tests.
#pragma once

#include "common/analysis/normalizer.hpp"
#include "common/analysis/word_scan.hpp"
#include "common/util/utf8.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <string_view>

namespace fahras::letter_sets {

constexpr std::uint64_t bit(unsigned b) { return std::uint64_t{1} << (b & 63); }

/// The bit of a special word (see above). No character of an ordinary word has bit 32
/// otherwise: it would be a space, a backtick, U+0620 or U+0660, none of which is in a word of
/// that range.
inline constexpr std::uint64_t kSpecial = bit(32);

/// Per code point below U+0800 (detail::kSmallCodePoints): its letter bits and, for an Arabic
/// letter, its letter as folded (0–63); kSkip for a mark or tatweel (the normalizer drops them:
/// the letters around them are neighbours) and for ASCII (Snowball drops the . and , of a
/// number: 2.5 → 25), kBreak for a character of a special word.
inline constexpr std::uint8_t kSkip = 0xFF;
inline constexpr std::uint8_t kBreak = 0xFE;
struct CharTable {
    std::array<std::uint64_t, detail::kSmallCodePoints> letters{};
    std::array<std::uint8_t, detail::kSmallCodePoints> letter{};
    /// Per letter bit of U+0621–U+065F: the bit of the letter it folds into (0: none); and the
    /// bits that fold.
    std::array<std::uint64_t, 64> folds_to{};
    std::uint64_t folding = 0;
    constexpr CharTable() {
        for (std::uint32_t c = 0; c < detail::kSmallCodePoints; ++c) {
            if (c < 0x80) {
                const std::uint32_t folded = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
                letters[c] = bit(folded);
                letter[c] = kSkip; // pairs are of Arabic letters only (see pairs_of())
            } else if (c >= 0x0621 && c <= 0x065F) {
                letters[c] = bit(0x80 | (c & 0x3F));
                letter[c] = c == 0x0640 || c >= 0x064B ? kSkip : static_cast<std::uint8_t>(fold_letter(c) & 0x3F);
                // The letter it folds into joins the set of a word that has it (fold_letters()).
                if (fold_letter(c) != c) folds_to[c & 0x3F] |= bit(static_cast<unsigned>(fold_letter(c) & 0x3F));
            } else {
                letters[c] = kSpecial;
                letter[c] = kBreak;
            }
        }
        for (std::size_t b = 0; b < 64; ++b) {
            if (folds_to[b] != 0) folding |= bit(static_cast<unsigned>(b));
        }
    }
};
inline constexpr CharTable kChars;

/// The bit of the pair of letters a then b (each 0–63).
constexpr std::uint64_t pair_bit(std::uint8_t a, std::uint8_t b) {
    return std::uint64_t{1} << (((static_cast<std::uint32_t>(a) << 6 | b) * 0x9E3779B1U) >> 26);
}

/// The letters of an original word, with the folded letters of what it has (a superset of
/// its normalized form's letters: marks and tatweel only add bits, and so does an ASCII byte
/// whose bit is that of a folding letter, which only lets more words through).
constexpr std::uint64_t fold_letters(std::uint64_t m) {
    for (std::uint64_t f = m & kChars.folding; f != 0; f &= f - 1) m |= kChars.folds_to[static_cast<std::size_t>(std::countr_zero(f))];
    return m;
}

/// Pairs of letters, one letter at a time (CharTable::letter values): kSkip is stepped over,
/// kBreak ends a run.
struct PairScan {
    std::uint64_t pairs = 0;
    std::uint8_t last = kBreak;
    constexpr void add(std::uint8_t l) noexcept {
        if (l == kSkip) return;
        if (l != kBreak && last != kBreak) pairs |= pair_bit(last, l);
        last = l;
    }
};

/// The letters of a word, worked out character by character as detail::scan_words() reads it
/// (start(), then add(cp) for each character). letters() are folded (fold_letters()).
struct WordLetters {
    std::uint64_t raw = 0;
    void start() noexcept { raw = 0; }
    void add(std::uint32_t cp) noexcept { raw |= cp < detail::kSmallCodePoints ? kChars.letters[cp] : kSpecial; }
    [[nodiscard]] bool special() const noexcept { return (raw & kSpecial) != 0; }
    [[nodiscard]] std::uint64_t letters() const noexcept { return fold_letters(raw); }
};

/// The pair set of an original word that is not special (ASCII and U+0621–U+065F only, as
/// WordLetters tells): its pairs of Arabic letters as folded, marks, tatweel and ASCII stepped
/// over. Worked out only for the words whose letters pass (a second look at a few bytes just
/// read costs less than pairs for every word of the text).
inline std::uint64_t word_pairs(std::string_view word) noexcept {
    PairScan scan;
    const auto* p = reinterpret_cast<const unsigned char*>(word.data());
    const std::size_t n = word.size();
    for (std::size_t i = 0; i < n;) {
        std::uint32_t cp = p[i];
        if (cp >= 0x80 && i + 1 < n) {
            cp = ((cp & 0x1F) << 6) | (p[i + 1] & 0x3F);
            i += 2;
        } else {
            ++i;
        }
        scan.add(cp < detail::kSmallCodePoints ? kChars.letter[cp] : kBreak);
    }
    return scan.pairs;
}

/// The letter set of a normalized string (a key).
inline std::uint64_t letters_of(std::string_view s) {
    std::uint64_t m = 0;
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x80 || (b & 0xC0) == 0x80) m |= bit(b);
    }
    return m;
}

/// The pair set of a normalized string (a key): its pairs of Arabic letters, ASCII stepped over
/// as in a word's pairs, with ا breaking pairs when `alef_breaks` (the key is a stem or prefix,
/// which the stemmer may have written an ا into). A character no ordinary word has breaks pairs
/// too (only a special word can match there).
inline std::uint64_t pairs_of(std::string_view s, bool alef_breaks) {
    PairScan scan;
    for (std::size_t i = 0; i < s.size();) {
        const std::int32_t c = utf8::next(s, i);
        std::uint8_t l = kBreak;
        if (c >= 0 && c < static_cast<std::int32_t>(detail::kSmallCodePoints)) l = kChars.letter[static_cast<std::size_t>(c)];
        if (alef_breaks && c == 0x0627) l = kBreak;
        scan.add(l);
    }
    return scan.pairs;
}

} // namespace fahras::letter_sets
