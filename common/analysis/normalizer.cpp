#include "common/analysis/normalizer.hpp"

#include "common/util/utf8.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace fahras {
namespace {

// Named code points (the rules in normalizer.hpp refer to these).
constexpr char32_t kHamzaAbove = 0x0654;
constexpr char32_t kAlefMadda = 0x0622;
constexpr char32_t kAlefHamzaAbove = 0x0623;
constexpr char32_t kWawHamza = 0x0624;
constexpr char32_t kAlefHamzaBelow = 0x0625;
constexpr char32_t kYehHamza = 0x0626;
constexpr char32_t kTehMarbuta = 0x0629;
constexpr char32_t kTatweel = 0x0640;
constexpr char32_t kAlefMaksura = 0x0649;
constexpr char32_t kSuperscriptAlef = 0x0670;
constexpr char32_t kArabicLetterMark = 0x061C;
constexpr char32_t kSoftHyphen = 0x00AD;
constexpr char32_t kZwnj = 0x200C;
constexpr char32_t kZwj = 0x200D;
constexpr char32_t kLrm = 0x200E;
constexpr char32_t kRlm = 0x200F;
constexpr char32_t kBom = 0xFEFF;
constexpr char32_t kArabicDecimalSeparator = 0x066B;
constexpr char32_t kArabicThousandsSeparator = 0x066C;

[[nodiscard]] bool is_presentation_form(char32_t c) noexcept {
    return (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFE);
}

void fold_code_point(char32_t c, std::string& out);

// NFKC of one presentation-form code point, each resulting code point folded in turn. The
// isolated forms of harakat (U+FE70…) decompose to SPACE + mark: the space is dropped too, so a
// mark never splits a word.
void fold_presentation_form(char32_t c, std::string& out) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) return;
    const icu::UnicodeString decomposed =
        nfkc->normalize(icu::UnicodeString(static_cast<UChar32>(c)), status);
    if (U_FAILURE(status)) return;
    for (int32_t i = 0; i < decomposed.length();) {
        const UChar32 d = decomposed.char32At(i);
        i += U16_LENGTH(d);
        if (d == ' ') continue;
        fold_code_point(static_cast<char32_t>(d), out);
    }
}

void fold_code_point(char32_t c, std::string& out) {
    if (c < 0x80) {
        // ASCII: fold case.
        out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
        return;
    }
    if (is_dropped_mark(c)) return;
    if (const char32_t folded = fold_letter(c); folded != c) {
        utf8::append(out, folded);
        return;
    }
    switch (c) {
    case kArabicDecimalSeparator:
        out.push_back('.');
        return;
    case kArabicThousandsSeparator:
        out.push_back(',');
        return;
    default:
        if (c >= 0x0660 && c <= 0x0669) { // Arabic-Indic digits
            out.push_back(static_cast<char>('0' + (c - 0x0660)));
            return;
        }
        if (c >= 0x06F0 && c <= 0x06F9) { // Eastern Arabic-Indic (Persian/Urdu) digits
            out.push_back(static_cast<char>('0' + (c - 0x06F0)));
            return;
        }
        if (is_presentation_form(c)) {
            fold_presentation_form(c, out);
            return;
        }
        if (c < 0x0600 || c > 0x06FF) {
            // Other scripts: full case folding (Latin, Greek, Cyrillic…).
            c = static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
        }
        break;
    }
    utf8::append(out, c);
}

} // namespace

bool is_dropped_mark(char32_t c) noexcept {
    if (c >= 0x064B && c <= 0x065F) return true; // harakat, shadda, sukun, hamza above/below…
    if (c >= 0x0610 && c <= 0x061A) return true; // Quranic honorifics and small marks
    if (c >= 0x06D6 && c <= 0x06ED) return true; // Quranic annotation marks
    if (c >= 0x202A && c <= 0x202E) return true; // bidi embeddings and overrides
    if (c >= 0x2066 && c <= 0x2069) return true; // bidi isolates
    switch (c) {
    case kSuperscriptAlef:
    case kTatweel:
    case kZwnj:
    case kZwj:
    case kLrm:
    case kRlm:
    case kArabicLetterMark:
    case kSoftHyphen:
    case kBom:
        return true;
    default:
        return false;
    }
}

bool is_clean(std::string_view word) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(word.data());
    const std::size_t n = word.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char b = p[i];
        if (b < 0x80) {
            if (b >= 'A' && b <= 'Z') return false;
            ++i;
            continue;
        }
        // Arabic letters U+0621–U+064A are two bytes, D8 A1 … D9 8A; anything else takes the
        // slow path.
        if ((b != 0xD8 && b != 0xD9) || i + 1 >= n) return false;
        const unsigned char t = p[i + 1];
        if ((t & 0xC0) != 0x80) return false;
        const char32_t c = (static_cast<char32_t>(b & 0x1F) << 6) | (t & 0x3F);
        if (c < 0x0621 || c > 0x064A || (c >= 0x063B && c <= 0x0640)) return false;
        switch (c) {
        case kAlefMadda:
        case kAlefHamzaAbove:
        case kWawHamza:
        case kAlefHamzaBelow:
        case kYehHamza:
        case kTehMarbuta:
        case kAlefMaksura:
            return false;
        default:
            break;
        }
        i += 2;
    }
    return true;
}

void normalize_append(std::string_view word, std::string& out) {
    static_assert(kHamzaAbove == 0x0654); // dropped as a mark: U+064B–U+065F
    if (is_clean(word)) {
        out.append(word);
        return;
    }
    std::size_t i = 0;
    while (i < word.size()) {
        const auto byte = static_cast<unsigned char>(word[i]);
        if (byte < 0x80) {
            out.push_back(static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + ('a' - 'A') : byte));
            ++i;
            continue;
        }
        const int32_t c = utf8::next(word, i);
        if (c < 0) continue; // invalid bytes are dropped; the readers have reported them
        fold_code_point(static_cast<char32_t>(c), out);
    }
}

void uthmani_normalize_append(std::string_view word, std::string& out) {
    // Uthmani وٰ (waw directly followed by superscript alef, as in ٱلصَّلَوٰةَ) spells a long a:
    // drop the pair. A waw with its own vowel before the superscript alef (ٱلسَّمَٰوَٰتِ) is a
    // consonant and stays.
    static constexpr std::string_view kWawSuperscriptAlef = "\xD9\x88\xD9\xB0";
    std::size_t at = word.find(kWawSuperscriptAlef);
    if (at == std::string_view::npos) {
        normalize_append(word, out);
        return;
    }
    std::string without;
    without.reserve(word.size());
    std::size_t from = 0;
    for (; at != std::string_view::npos; at = word.find(kWawSuperscriptAlef, from)) {
        without.append(word.substr(from, at - from));
        from = at + kWawSuperscriptAlef.size();
    }
    without.append(word.substr(from));
    normalize_append(without, out);
}

void write_out_superscript_alef_append(std::string_view word, std::string& out) {
    static constexpr std::string_view kSuperscriptAlefBytes = "\xD9\xB0";
    if (word.find(kSuperscriptAlefBytes) == std::string_view::npos) {
        normalize_append(word, out);
        return;
    }
    // Rewrite the original, then normalize it: every rule of normalize_append() still applies.
    std::string spelled;
    spelled.reserve(word.size() + 8);
    std::size_t i = 0;
    std::size_t last_letter = std::string::npos; // offset in `spelled` of the last base letter
    bool mark_since_letter = false;
    while (i < word.size()) {
        const std::size_t at = i;
        const int32_t c = utf8::next(word, i);
        if (c < 0) continue;
        const auto cp = static_cast<char32_t>(c);
        if (cp != kSuperscriptAlef) {
            spelled.append(word.substr(at, i - at));
            if (is_dropped_mark(cp)) {
                mark_since_letter = true;
            } else {
                last_letter = spelled.size() - (i - at);
                mark_since_letter = false;
            }
            continue;
        }
        const bool after_waw = last_letter != std::string::npos && !mark_since_letter &&
                               spelled.compare(last_letter, 2, "\xD9\x88") == 0;
        const bool after_maksura = last_letter != std::string::npos &&
                                   spelled.compare(last_letter, 2, "\xD9\x89") == 0;
        if (after_waw) {
            spelled.replace(last_letter, 2, "\xD8\xA7"); // وٰ: the waw only seats the alef
        } else if (!after_maksura) {                      // ىٰ: the maksura is the long a already
            spelled.append("\xD8\xA7");
        }
        mark_since_letter = true;
    }
    const std::size_t start = out.size();
    normalize_append(spelled, out);
    // ٱلرِّبَوٰاْ: the written-out alef meets a written alef; keep one.
    std::size_t write = start;
    std::size_t read = start;
    while (read < out.size()) {
        if (out.compare(read, 4, "\xD8\xA7\xD8\xA7") == 0) {
            read += 2; // drop the first of the two
            continue;
        }
        out[write++] = out[read++];
    }
    out.resize(write);
}

void drop_inner_alefs(std::string& s, std::size_t from) noexcept {
    // Alef is D8 A7; D8 is never a continuation byte, so a match is always a whole letter.
    std::size_t write = from;
    std::size_t read = from;
    while (read < s.size()) {
        if (read > from && read + 1 < s.size() && s[read] == '\xD8' && s[read + 1] == '\xA7') {
            read += 2;
            continue;
        }
        s[write++] = s[read++];
    }
    s.resize(write);
}

void skeleton_append(std::string_view word, std::string& out) {
    const std::size_t start = out.size();
    uthmani_normalize_append(word, out);
    drop_inner_alefs(out, start);
}

std::string normalize(std::string_view word) {
    std::string out;
    out.reserve(word.size());
    normalize_append(word, out);
    return out;
}

} // namespace fahras
