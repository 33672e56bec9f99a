#include "common/analysis/stemmer.hpp"

#include "common/util/error.hpp"

#include <algorithm>
#include <array>

namespace fahras {
namespace {

// Works on the UTF-8 bytes: every affix is made of two-byte Arabic letters, so matching is a
// byte comparison, and the length guards count letters (code points) with letter_count().
// No decoding, no allocation but the returned string.

// Code points in `s` (bytes that are not UTF-8 continuation bytes).
std::size_t letter_count(std::string_view s) noexcept {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

// An affix and its length in letters.
struct Affix {
    std::string_view bytes;
    std::size_t letters;
};

// light10 prefixes, longest first so that وال is tried before و. Text is normalized already.
constexpr std::array<Affix, 7> kPrefixes = {{
    {"وال", 3}, {"بال", 3}, {"كال", 3}, {"فال", 3}, {"ال", 2}, {"لل", 2}, {"و", 1},
}};

// light10 suffixes other than the pronoun ه/ها (ة and ية are already ه and يه after
// normalization), in the order they are tried; each is removed at most once.
constexpr std::array<Affix, 5> kSuffixes = {{
    {"ان", 2}, {"ات", 2}, {"ون", 2}, {"ين", 2}, {"ي", 1},
}};

// A suffix is removed only when at least this many letters are left. light10 allows 2, which
// cuts real words to two-letter stems that collide (مكان → مك while مكانه → مكان, سكان → سك,
// اله → ال, نبي → نب); Arabic stems have at least three root letters.
constexpr std::size_t kMinStemLetters = 3;

// The name of God with its clitics. light10's rules would cut الله to له (ال + له, Lucene's
// ArabicStemmer does) and لله to لل (ه taken as a suffix), so الله and لله would never meet:
// these forms all stem to الله. Sorted by bytes, for binary search.
constexpr std::array<std::string_view, 8> kAllahForms = {
    "الله", "بالله", "تالله", "فالله", "فلله", "لله", "والله", "ولله",
};

// Removes the first listed prefix that `word` starts with, if the guards allow.
void remove_prefix(std::string_view& word) {
    const std::size_t letters = letter_count(word);
    for (const Affix& prefix : kPrefixes) {
        if (!word.starts_with(prefix.bytes)) continue;
        // The conjunction و needs at least 3 letters left: ورد, وقت and وصل are words, not و+2.
        if (prefix.letters == 1 && letters < 4) continue;
        // Other prefixes need at least 2 letters left: الى and الف keep their ال.
        if (letters < prefix.letters + 2) continue;
        word.remove_prefix(prefix.bytes.size());
        return;
    }
}

} // namespace

std::string LightStemmer::strip_prefix(std::string_view normalized) const {
    std::string_view word = normalized;
    remove_prefix(word);
    return std::string(word);
}

std::string LightStemmer::stem(std::string_view normalized) const {
    std::string_view word = normalized;
    if (std::binary_search(kAllahForms.begin(), kAllahForms.end(), word)) return "الله";

    remove_prefix(word);
    std::size_t letters = letter_count(word);
    auto cut = [&](std::string_view suffix, std::size_t suffix_letters) {
        if (letters < suffix_letters + kMinStemLetters || !word.ends_with(suffix)) return false;
        word.remove_suffix(suffix.size());
        letters -= suffix_letters;
        return true;
    };
    // The attached pronoun comes last in a word (stem, then number or ة, then pronoun), so it is
    // removed first: light10 tries ات before ه and leaves مقالاته at مقالات. ه is also ة.
    if (cut("ها", 2) || cut("ه", 1)) {
        // Under a pronoun, ة is written ت (عاصمتها, مساحته) and the perfect's ت stays (نقلته):
        // the plural ات, that ت, or the nisba ي (عربيه) goes too.
        if (!cut("ات", 2) && !cut("ت", 1)) cut("ي", 1);
        return std::string(word);
    }
    for (const Affix& suffix : kSuffixes) cut(suffix.bytes, suffix.letters);
    return std::string(word);
}

SnowballStemmer::SnowballStemmer() : stem_("arabic") {}

std::string SnowballStemmer::stem(std::string_view normalized) const {
    std::string out = stem_(std::string(normalized));
    if (out.empty()) return std::string(normalized);
    return out;
}

std::unique_ptr<Stemmer> make_stemmer(StemmerKind kind) {
    switch (kind) {
    case StemmerKind::Light10:
    case StemmerKind::Light10Snowball:
        return std::make_unique<LightStemmer>();
    case StemmerKind::Snowball:
        return std::make_unique<SnowballStemmer>();
    case StemmerKind::None:
        return std::make_unique<NoStemmer>();
    }
    return std::make_unique<NoStemmer>();
}

std::unique_ptr<Stemmer> make_recall_stemmer(StemmerKind kind) {
    if (kind == StemmerKind::Light10Snowball) return std::make_unique<SnowballStemmer>();
    return nullptr;
}

std::string_view to_string(StemmerKind kind) noexcept {
    switch (kind) {
    case StemmerKind::Light10:
        return "light10";
    case StemmerKind::Light10Snowball:
        return "light10+snowball";
    case StemmerKind::Snowball:
        return "snowball";
    case StemmerKind::None:
        return "none";
    }
    return "none";
}

StemmerKind parse_stemmer_kind(std::string_view name) {
    // Sorted table, as xapian-quest decodes its enum options.
    static constexpr std::array<std::pair<std::string_view, StemmerKind>, 4> kTable = {{
        {"light10", StemmerKind::Light10},
        {"light10+snowball", StemmerKind::Light10Snowball},
        {"none", StemmerKind::None},
        {"snowball", StemmerKind::Snowball},
    }};
    for (const auto& [key, value] : kTable) {
        if (key == name) return value;
    }
    throw UsageError("unknown stemmer '" + std::string(name) + "': expected one of light10|light10+snowball|none|snowball");
}

} // namespace fahras
