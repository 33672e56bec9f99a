/// The tokenizer's scanner, for code that needs more of each word than its span as it is found
/// (the snippeter reads each word's letters in the same pass). tokenize() is this scanner with a
/// sink that only keeps the spans; tokenizer.hpp documents what a word is.
///
/// Speed: nearly every character of the text we index is one or two bytes of UTF-8 (ASCII,
/// Arabic), so those are classified by a table built from the classifier itself, and the
/// two-byte Arabic letters and marks inside a word, most of the text, by a tight inner loop.
/// tests/tokenizer_test.cpp holds the result to the plain decoder (tokenize_reference()).
#pragma once

#include "common/analysis/token.hpp"
#include "common/analysis/tokenizer.hpp"
#include "common/util/utf8.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fahras::detail {

enum class CharClass : unsigned char { Separator, Word, Digit, Joiner, NumberSeparator };

/// The class of code point `c` (negative: an ill-formed sequence, a separator).
[[nodiscard]] CharClass classify(int32_t c) noexcept;

/// classify() of every code point below U+0800 (the one- and two-byte sequences).
inline constexpr std::uint32_t kSmallCodePoints = 0x800;
[[nodiscard]] const CharClass* small_classes() noexcept;

/// For two bytes b0 b1 of UTF-8, at index b0 | b1 << 8 (65,536 entries): kRunLetter when they
/// are an Arabic letter (U+0600–U+067F, D8 80 to D9 BF, of class Word), kRunMark when they are
/// a mark there (Joiner), else 0. One load tells the scanner's inner loop both that a pair of
/// bytes is a character of that block and what it is; from small_classes().
inline constexpr std::uint8_t kRunLetter = 1;
inline constexpr std::uint8_t kRunMark = 2;
[[nodiscard]] const std::uint8_t* arabic_pairs() noexcept;

/// Decodes the character at p[i] (of n bytes), advances i past it and returns its class;
/// `cp` is its code point when below U+0800, else kSmallCodePoints (a longer or ill-formed
/// sequence).
inline CharClass next_char(const unsigned char* p, std::size_t n, std::size_t& i, std::uint32_t& cp, const CharClass* table) noexcept {
    const unsigned b = p[i];
    if (b < 0x80) {
        ++i;
        cp = b;
        return table[b];
    }
    // A lead byte C2–DF and a continuation byte are always a well-formed sequence (C0 and C1
    // would be overlong): the code point U8_NEXT would decode.
    if (b >= 0xC2 && b <= 0xDF && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
        cp = ((b & 0x1F) << 6) | (p[i + 1] & 0x3F);
        i += 2;
        return table[cp];
    }
    cp = kSmallCodePoints;
    return classify(utf8::next(std::string_view(reinterpret_cast<const char*>(p), n), i));
}

/// Finds the words of `text`. For each: sink.start(), then sink.add(cp) for every character
/// of it (cp as next_char() gives it), then sink.word(begin, end, position) if it is kept
/// (at most kMaxWordBytes long), so a sink can work out something of every word as it is read.
/// Returns the position after the last word.
template <typename Sink>
std::uint32_t scan_words(std::string_view text, std::uint32_t position, Sink& sink) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    const CharClass* table = small_classes();
    const std::uint8_t* arabic_run = arabic_pairs();
    std::size_t i = 0;
    std::uint32_t cp = 0;
    while (i < n) {
        // Between words: separators, and marks or number separators that follow no word.
        const std::size_t start = i;
        CharClass cls = next_char(p, n, i, cp, table);
        if (cls != CharClass::Word && cls != CharClass::Digit) continue;
        sink.start();
        sink.add(cp);
        bool last_digit = cls == CharClass::Digit;
        std::size_t end = n;
        for (;;) {
            // Arabic letters and marks (D8 or D9, then a continuation byte): most of a word.
            unsigned letters = 0;
            while (i + 1 < n) {
                const unsigned pair = p[i] | (static_cast<unsigned>(p[i + 1]) << 8);
                const unsigned r = arabic_run[pair];
                if (r == 0) break; // not an Arabic letter or mark: below
                letters |= r;
                sink.add(0x600U | ((pair & 1U) << 6) | ((pair >> 8) & 0x3FU));
                i += 2;
            }
            if ((letters & kRunLetter) != 0) last_digit = false;
            if (i >= n) break;
            const std::size_t at = i;
            cls = next_char(p, n, i, cp, table);
            if (cls == CharClass::Word || cls == CharClass::Digit) {
                last_digit = cls == CharClass::Digit;
            } else if (cls == CharClass::NumberSeparator) {
                // Keep 3.5, ٣٫٥ and 3,000 whole: a separator between two digits.
                std::size_t j = i;
                std::uint32_t next_cp = 0;
                if (!last_digit || i >= n || next_char(p, n, j, next_cp, table) != CharClass::Digit) {
                    end = at;
                    break;
                }
            } else if (cls != CharClass::Joiner) {
                end = at;
                break;
            }
            sink.add(cp);
        }
        if (end - start <= kMaxWordBytes) sink.word(static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end), position++);
    }
    return position;
}

} // namespace fahras::detail
