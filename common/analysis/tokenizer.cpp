#include "common/analysis/tokenizer.hpp"

#include "common/analysis/normalizer.hpp"
#include "common/util/utf8.hpp"

#include <unicode/uchar.h>

#include <array>

namespace fahras {
namespace {

enum class CharClass : unsigned char { Separator, Word, Digit, Joiner, NumberSeparator };

[[nodiscard]] CharClass classify(int32_t c) noexcept {
    if (c < 0) return CharClass::Separator;
    if (c < 0x80) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return CharClass::Word;
        if (c >= '0' && c <= '9') return CharClass::Digit;
        if (c == '.' || c == ',') return CharClass::NumberSeparator;
        return CharClass::Separator;
    }
    // Arabic block fast path: letters U+0621–U+064A, tatweel handled as joiner below.
    if (c >= 0x0621 && c <= 0x063A) return CharClass::Word;
    if (c >= 0x0641 && c <= 0x064A) return CharClass::Word;
    if (c == 0x066B || c == 0x066C) return CharClass::NumberSeparator; // ٫ ٬
    // Quranic signs that stand between words (end of ayah ۝, rub el hizb ۞, place of sajdah ۩):
    // separators, although they sit in the Quranic-mark range the normalizer drops.
    if (c == 0x06DD || c == 0x06DE || c == 0x06E9) return CharClass::Separator;
    if (is_dropped_mark(static_cast<char32_t>(c))) {
        // Marks, tatweel and format controls continue a word but never start one on their own:
        // they are dropped by the normalizer.
        return CharClass::Joiner;
    }
    switch (u_charType(c)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
        return CharClass::Word;
    case U_DECIMAL_DIGIT_NUMBER:
        return CharClass::Digit;
    case U_NON_SPACING_MARK:
    case U_COMBINING_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_FORMAT_CHAR:
        return CharClass::Joiner;
    default:
        return CharClass::Separator;
    }
}

// The class of every code point below U+0800: the one- and two-byte UTF-8 sequences (ASCII,
// Arabic, Latin, Greek, Cyrillic, Hebrew), nearly every character of the text we index. Built
// once from classify() itself, so it cannot disagree with it; tokenize() then decodes and
// classifies those characters with a load instead of U8_NEXT and classify()'s branches and
// ICU call (tokenizing was a tenth of the snippet time of a batch of headlines).
struct SmallClasses {
    std::array<CharClass, 0x800> of{};
    SmallClasses() {
        for (int32_t c = 0; c < 0x800; ++c) of[static_cast<std::size_t>(c)] = classify(c);
    }
};

// Decodes the character at s[i], advances i past it, and returns its class.
struct FastNext {
    const SmallClasses& table;
    CharClass operator()(std::string_view s, std::size_t& i) const noexcept {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            ++i;
            return table.of[b];
        }
        // A lead byte C2–DF and a continuation byte are always a well-formed sequence (C0 and
        // C1 would be overlong): the code point U8_NEXT would decode.
        if (b >= 0xC2 && b <= 0xDF && i + 1 < s.size()) {
            const auto t = static_cast<unsigned char>(s[i + 1]);
            if ((t & 0xC0) == 0x80) {
                i += 2;
                return table.of[(static_cast<std::size_t>(b & 0x1F) << 6) | (t & 0x3F)];
            }
        }
        return classify(utf8::next(s, i));
    }
};

// The same, decoding everything with ICU's U8_NEXT and classifying with classify().
struct PlainNext {
    CharClass operator()(std::string_view s, std::size_t& i) const noexcept { return classify(utf8::next(s, i)); }
};

template <typename Next>
std::uint32_t tokenize_with(std::string_view text, std::vector<Token>& out, std::uint32_t first_position, Next next) {
    std::uint32_t position = first_position;
    std::size_t i = 0;
    std::size_t start = 0;
    bool in_word = false;
    bool has_base = false;  // the word has a letter or digit (not just marks)
    bool last_digit = false;

    auto finish = [&](std::size_t end) {
        if (in_word && has_base && end - start <= kMaxWordBytes) {
            out.push_back(Token{static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end), position++});
        }
        in_word = false;
        has_base = false;
        last_digit = false;
    };

    while (i < text.size()) {
        const std::size_t at = i;
        const CharClass cls = next(text, i);
        switch (cls) {
        case CharClass::Word:
        case CharClass::Digit:
            if (!in_word) {
                in_word = true;
                start = at;
            }
            has_base = true;
            last_digit = cls == CharClass::Digit;
            break;
        case CharClass::Joiner:
            // A mark after a separator (a lone combining mark) starts nothing.
            break;
        case CharClass::NumberSeparator: {
            // Keep 3.5, ٣٫٥ and 3,000 whole: a separator between two digits.
            if (in_word && last_digit && i < text.size()) {
                std::size_t j = i;
                if (next(text, j) == CharClass::Digit) break;
            }
            finish(at);
            break;
        }
        case CharClass::Separator:
            finish(at);
            break;
        }
    }
    finish(text.size());
    return position;
}

} // namespace

std::uint32_t tokenize(std::string_view text, std::vector<Token>& out, std::uint32_t first_position) {
    static const SmallClasses table;
    return tokenize_with(text, out, first_position, FastNext{table});
}

namespace detail {

std::uint32_t tokenize_reference(std::string_view text, std::vector<Token>& out, std::uint32_t first_position) {
    return tokenize_with(text, out, first_position, PlainNext{});
}

} // namespace detail

} // namespace fahras
