/// The Arabic normalizer: one pure function from a token's original UTF-8 to the form that is
/// indexed and searched. Index terms, query terms and highlights all go through it.
///
/// Rules, in the order they apply to each code point:
///  - Presentation forms U+FB50–U+FDFF and U+FE70–U+FEFF are decomposed (NFKC) to base letters
///    first, so every rule below also applies to them: ﻻ → لا, ﷲ → الله, ﺔ → ه.
///  - Dropped inside the word (never separators):
///      harakat U+064B–U+065F        كَتَبَ → كتب
///      superscript alef U+0670      ٱلرَّحۡمَٰنِ → الرحمن
///      Quranic marks U+0610–U+061A, U+06D6–U+06ED      ٱلۡحَمۡدُ → الحمد
///      tatweel U+0640               كـــتـــاب → كتاب
///      ZWNJ/ZWJ U+200C/U+200D, bidi controls U+200E, U+200F, U+061C, U+202A–U+202E,
///      U+2066–U+2069, soft hyphen U+00AD, BOM U+FEFF
///  - Alef forms to bare alef:   آ أ إ ٱ ٲ ٳ → ا      إيران → ايران, ٱللَّه → الله
///  - Hamza seats:               ؤ → و (مؤتمر → موتمر), ئ → ي (رئيس → رييس)
///  - Yeh forms:                 ى → ي (مستشفى → مستشفي), ی ے → ي (Farsi yeh, yeh barree:
///                               فارسی → فارسي)
///  - Teh marbuta:               ة → ه (اتفاقية → اتفاقيه)
///  - Keheh:                     ک → ك (کتاب → كتاب)
///  - Heh forms:                 ۀ ہ → ه (heh with yeh above, heh goal: خانۀ → خانه)
///  - Digits:                    ٠–٩ and ۰–۹ → 0–9 (٢٠٢٤ → 2024, ۱۴۰۳ → 1403)
///  - Number separators:         ٫ → . and ٬ → , (٣٫٥ → 3.5, ١٬٠٠٠ → 1,000), so Arabic-Indic
///                               and ASCII numbers meet
///  - Latin and other cased scripts are case-folded (Xapian → xapian).
///
/// Mark order does not matter (the bundled Quran puts shadda before fatha, Unicode's canonical
/// order puts fatha first): every mark is dropped wherever it is, so رَبِّ, رَبِّ and رِّب all give
/// رب without an NFC pass. Invalid UTF-8 bytes are dropped.
///
/// Two recall-only readings for Quranic spelling sit beside normalize() (used by the analyzer
/// for extra index terms, never as the exact form): write_out_superscript_alef_append()
/// (ٱلصَّلَوٰةَ → الصلاه) and skeleton_append() (every inner alef dropped).
///
/// Fast path: a token that is already clean (ASCII lower case and digits, and Arabic letters
/// that no rule changes) is copied as it is, without decoding; most tokens of news text are.
#pragma once

#include <string>
#include <string_view>

namespace fahras {

/// Appends the normalized form of `word` to `out` (a caller-owned buffer, reused per token).
void normalize_append(std::string_view word, std::string& out);

/// True when `word` is already in normalized form and can be copied as it is (the fast path).
/// False does not mean that normalization changes it, only that the slow path must look.
[[nodiscard]] bool is_clean(std::string_view word) noexcept;

/// The normalized form of `word`.
[[nodiscard]] std::string normalize(std::string_view word);

/// Appends the alef skeleton of `word`: its normalized form without any alef after the first
/// letter, where a waw that only carries a superscript alef (Uthmani وٰ) counts as an alef.
/// A recall-only form that bridges the Quran's Uthmani spelling and today's:
///      ٱلۡيَتَٰمَىٰ and اليتامى → اليتمي        ٱلسَّمَٰوَٰتِ and السماوات → السموت
///      ٱلصَّلَوٰةَ and الصلاة → الصله           ٱلرَّحۡمَٰنِ and الرحمن → الرحمن
/// It also merges real words (كاتب, كتب), so it is only ever searched with a low weight.
/// Equal to uthmani_normalize_append() then drop_inner_alefs(); the analyzer strips clitic
/// prefixes (وال…) between the two, since dropping their alef would hide them.
void skeleton_append(std::string_view word, std::string& out);

/// normalize_append(), except that a waw directly followed by a superscript alef (Uthmani وٰ,
/// an alef seat: ٱلصَّلَوٰةَ) is dropped with it instead of becoming و.
void uthmani_normalize_append(std::string_view word, std::string& out);

/// normalize_append() of `word` with its superscript alefs written out, as today's spelling
/// writes them (Uthmani ٰ read as ا): ٱلصَّلَوٰةَ → الصلاه (وٰ is an alef seat), ٱلۡيَتَٰمَىٰ →
/// اليتامي (ىٰ stays ى), ٱلۡعَٰلَمِينَ → العالمين, ٱلرِّبَوٰاْ → الربا (no double alef). Words
/// without U+0670 come out as normalize() gives them. For the index only: the normalized
/// form (ٰ dropped) stays the exact form, since modern text drops it too (هٰذا → هذا).
void write_out_superscript_alef_append(std::string_view word, std::string& out);

/// Removes every alef (ا) of `s` that comes after byte offset `from`.
void drop_inner_alefs(std::string& s, std::size_t from) noexcept;

/// The letter normalization folds `c` into, one code point for one, or `c` itself: alef forms
/// (آ أ إ ٱ ٲ ٳ) → ا, ؤ → و, ئ ى ی ے → ي, ة ۀ ہ → ه, ک → ك. normalize_append() folds with it,
/// and the snippeter's letter sets (common/search/letter_sets.hpp) are built from it.
constexpr char32_t fold_letter(char32_t c) noexcept {
    switch (c) {
    case 0x0622: // آ
    case 0x0623: // أ
    case 0x0625: // إ
    case 0x0671: // ٱ alef wasla
    case 0x0672: // ٲ alef with wavy hamza above
    case 0x0673: // ٳ alef with wavy hamza below
        return 0x0627;
    case 0x0624: // ؤ
        return 0x0648;
    case 0x0626: // ئ
    case 0x0649: // ى
    case 0x06CC: // ی Farsi yeh
    case 0x06D2: // ے yeh barree
        return 0x064A;
    case 0x0629: // ة
    case 0x06C0: // ۀ heh with yeh above
    case 0x06C1: // ہ heh goal
        return 0x0647;
    case 0x06A9: // ک keheh
        return 0x0643;
    default:
        return c;
    }
}

/// True when `c` is dropped inside a word (a diacritic, Quranic mark, tatweel or format
/// control). The tokenizer uses it to keep such marks inside the word they belong to.
[[nodiscard]] bool is_dropped_mark(char32_t c) noexcept;

} // namespace fahras
