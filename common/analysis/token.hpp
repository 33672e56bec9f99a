/// Token: a word found in the original text, kept as a byte span so that highlights and
/// snippets can show the original (diacritics and all).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fahras {

struct Token {
    std::uint32_t begin = 0;    ///< byte offset of the first byte in the original text
    std::uint32_t end = 0;      ///< byte offset one past the last byte (half-open)
    std::uint32_t position = 0; ///< 0-based word position in the text

    [[nodiscard]] std::string_view view(std::string_view text) const {
        return text.substr(begin, end - begin);
    }
};

/// A token after analysis: the normalized exact form and its stem.
struct AnalyzedToken {
    Token token;
    std::string exact; ///< normalized form (diacritics dropped, letters folded)
    std::string stem;  ///< stem of `exact` under the configured stemmer
    std::string recall_stem; ///< second, recall-only stem (light10+snowball), else empty
    std::string skeleton;    ///< alef skeleton without clitic prefix (light10 stemmers), else empty
    /// Stem of the word with its superscript alefs written out (ٱلصَّلَوٰةَ → صلا, as الصلاة),
    /// when it has one and that stem differs from `stem`; else empty. Indexed as a second Z term.
    std::string alef_stem;
    bool stop = false; ///< `exact` is a stop word
};

} // namespace fahras
