/// The tokenizer: splits original UTF-8 text into word spans (byte offsets into the original),
/// so that snippets and highlights can show the text exactly as it was written.
///
/// A word is a run of letters and digits (any script). Combining marks (harakat, Quranic marks),
/// tatweel and format controls (ZWNJ, ZWJ, bidi marks) stay inside the word they follow: they
/// are never separators, so بِسۡمِ is one word. Everything else separates words, including the
/// Arabic punctuation ، ؛ ؟ ۔ and the Quranic end-of-ayah sign. Inside a number, the separators
/// ٫ ٬ . , are kept when a digit follows them (٣٫٥ and 3,000 are one token each).
/// Ill-formed UTF-8 is a separator. Words longer than kMaxWordBytes are skipped.
///
/// Mixed tokens stay whole: الـCNN, بـ2018 and mp3 are one word each (letters and digits of any
/// script join, tatweel included). URLs and e-mail addresses are split at their punctuation
/// (https://www.aljazeera.net/news → https www aljazeera net news; info@bbc.co.uk → info bbc co
/// uk) into consecutive positions: a search for aljazeera finds the URL, and a quoted URL or
/// address, split the same way at query time, matches as a phrase (Elasticsearch's standard
/// tokenizer makes the same choice; keeping them whole would hide their words).
#pragma once

#include "common/analysis/token.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace fahras {

/// Longest word (in bytes of the original) that is indexed. Xapian terms are limited to 245
/// bytes; longer "words" are base64 blobs, URLs of junk or runs of one letter, not words.
inline constexpr std::size_t kMaxWordBytes = 200;

/// Appends the word spans of `text` to `out`, with positions starting at `first_position`.
/// Returns the position after the last word.
std::uint32_t tokenize(std::string_view text, std::vector<Token>& out, std::uint32_t first_position = 0);

namespace detail {
/// tokenize() without its fast path (every character decoded by ICU's U8_NEXT and classified
/// one by one): the reference the parity test in tests/tokenizer_test.cpp holds tokenize() to.
std::uint32_t tokenize_reference(std::string_view text, std::vector<Token>& out, std::uint32_t first_position = 0);
} // namespace detail

} // namespace fahras
