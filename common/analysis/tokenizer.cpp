#include "common/analysis/tokenizer.hpp"

#include "common/analysis/normalizer.hpp"
#include "common/analysis/word_scan.hpp"
#include "common/util/utf8.hpp"

#include <unicode/uchar.h>

#include <array>
#include <vector>

namespace fahras::detail {

CharClass classify(int32_t c) noexcept {
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

// Built once from classify() itself, so it cannot disagree with it (word_scan.hpp).
const CharClass* small_classes() noexcept {
    static const std::array<CharClass, kSmallCodePoints> table = [] {
        std::array<CharClass, kSmallCodePoints> t{};
        for (std::uint32_t c = 0; c < kSmallCodePoints; ++c) t[c] = classify(static_cast<int32_t>(c));
        return t;
    }();
    return table.data();
}

const std::uint8_t* arabic_pairs() noexcept {
    static const std::vector<std::uint8_t> table = [] {
        std::vector<std::uint8_t> t(0x10000);
        for (std::uint32_t c = 0x600; c < 0x680; ++c) {
            const CharClass k = small_classes()[c];
            const std::uint32_t lead = 0xC0 | (c >> 6);
            const std::uint32_t trail = 0x80 | (c & 0x3F);
            t[lead | (trail << 8)] = k == CharClass::Word ? kRunLetter : k == CharClass::Joiner ? kRunMark : 0;
        }
        return t;
    }();
    return table.data();
}

std::uint32_t tokenize_reference(std::string_view text, std::vector<Token>& out, std::uint32_t first_position) {
    // The scanner as it was written before word_scan.hpp: one state machine, every character
    // decoded by ICU's U8_NEXT and classified on the spot.
    std::uint32_t position = first_position;
    std::size_t i = 0;
    std::size_t start = 0;
    bool in_word = false;
    bool has_base = false; // the word has a letter or digit (not just marks)
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
        const CharClass cls = classify(utf8::next(text, i));
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
                if (classify(utf8::next(text, j)) == CharClass::Digit) break;
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

} // namespace fahras::detail

namespace fahras {
namespace {

// Keeps the spans, nothing else.
struct SpanSink {
    std::vector<Token>& out;
    void start() noexcept {}
    void add(std::uint32_t) noexcept {}
    void word(std::uint32_t begin, std::uint32_t end, std::uint32_t position) { out.push_back(Token{begin, end, position}); }
};

} // namespace

std::uint32_t tokenize(std::string_view text, std::vector<Token>& out, std::uint32_t first_position) {
    SpanSink sink{out};
    return detail::scan_words(text, first_position, sink);
}

} // namespace fahras
