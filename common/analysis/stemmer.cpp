#include "common/analysis/stemmer.hpp"

#include "common/util/error.hpp"
#include "common/util/utf8.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace fahras {
namespace {

// Works on code points so that length guards count letters, not bytes.
using Letters = std::u32string;

Letters decode(std::string_view s) {
    Letters out;
    out.reserve(s.size() / 2);
    std::size_t i = 0;
    while (i < s.size()) {
        const int32_t c = utf8::next(s, i);
        if (c >= 0) out.push_back(static_cast<char32_t>(c));
    }
    return out;
}

std::string encode(std::u32string_view letters) {
    std::string out;
    out.reserve(letters.size() * 2);
    for (const char32_t c : letters) utf8::append(out, c);
    return out;
}

// light10 prefixes, longest first so that وال is tried before و. Text is normalized already.
const std::array<std::u32string_view, 7> kPrefixes = {
    U"وال", U"بال", U"كال", U"فال", U"ال", U"لل", U"و",
};

// light10 suffixes, in the order they are tried; each is removed at most once. ة and ية are
// already ه and يه after normalization, so they are not listed twice.
const std::array<std::u32string_view, 8> kSuffixes = {
    U"ها", U"ان", U"ات", U"ون", U"ين", U"يه", U"ه", U"ي",
};

// The name of God with its clitics. light10's rules would cut الله to له (ال + له, Lucene's
// ArabicStemmer does) and لله to لل (ه taken as a suffix), so الله and لله would never meet:
// these forms all stem to الله. Sorted, for binary search.
const std::array<std::u32string_view, 8> kAllahForms = {
    U"الله", U"بالله", U"تالله", U"فالله", U"فلله", U"لله", U"والله", U"ولله",
};

bool starts_with(std::u32string_view word, std::u32string_view affix) {
    return word.size() >= affix.size() && word.substr(0, affix.size()) == affix;
}

bool ends_with(std::u32string_view word, std::u32string_view affix) {
    return word.size() >= affix.size() && word.substr(word.size() - affix.size()) == affix;
}


// Removes the first listed prefix that `word` starts with, if the guards allow.
void remove_prefix(std::u32string_view& word) {
    for (const auto prefix : kPrefixes) {
        if (prefix.empty() || !starts_with(word, prefix)) continue;
        // The conjunction و needs at least 3 letters left: ورد, وقت and وصل are words, not و+2.
        if (prefix.size() == 1 && word.size() < 4) continue;
        // Other prefixes need at least 2 letters left: الى and الف keep their ال.
        if (word.size() < prefix.size() + 2) continue;
        word.remove_prefix(prefix.size());
        return;
    }
}

} // namespace

std::string LightStemmer::strip_prefix(std::string_view normalized) const {
    Letters letters = decode(normalized);
    std::u32string_view word = letters;
    remove_prefix(word);
    return encode(word);
}

std::string LightStemmer::stem(std::string_view normalized) const {
    Letters letters = decode(normalized);
    std::u32string_view word = letters;
    if (std::binary_search(kAllahForms.begin(), kAllahForms.end(), word)) return "الله";

    remove_prefix(word);
    for (const auto suffix : kSuffixes) {
        if (suffix.empty()) continue;
        // Every suffix needs at least 2 letters left: the stem of كتابها is كتاب, but
        // يه (he) and ان (that) are left alone.
        if (word.size() < suffix.size() + 2 || !ends_with(word, suffix)) continue;
        word.remove_suffix(suffix.size());
    }
    return encode(word);
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
