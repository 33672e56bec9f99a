#include "common/analysis/analyzer.hpp"

#include "common/analysis/normalizer.hpp"
#include "common/analysis/tokenizer.hpp"
#include "common/util/error.hpp"

#include <algorithm>
#include <charconv>

namespace fahras {
namespace {

// Uthmani waw + superscript alef (see uthmani_normalize_append()).
constexpr std::string_view kWawSuperscriptAlef = "\xD9\x88\xD9\xB0";
constexpr std::string_view kSuperscriptAlefBytes = "\xD9\xB0";

} // namespace

std::string AnalyzerConfig::to_metadata() const {
    // append(), not "v" + …: GCC 12 -O3 warns (a false -Wrestrict) on the concatenation.
    std::string out = "v";
    out += std::to_string(version);
    out += ";stemmer=";
    out += to_string(stemmer);
    out += ";stopwords=";
    out += stopwords ? "default" : "none";
    return out;
}

AnalyzerConfig AnalyzerConfig::from_metadata(std::string_view text) {
    AnalyzerConfig config;
    bool have_version = false;
    while (!text.empty()) {
        const auto semi = text.find(';');
        const std::string_view field = text.substr(0, semi);
        text = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
        if (!have_version) {
            int v = 0;
            if (field.size() < 2 || field[0] != 'v' ||
                std::from_chars(field.data() + 1, field.data() + field.size(), v).ec != std::errc{}) {
                throw Error("bad analyzer settings '" + std::string(field) + "': expected vN first");
            }
            config.version = v;
            have_version = true;
            continue;
        }
        const auto eq = field.find('=');
        const std::string_view key = field.substr(0, eq);
        const std::string_view value = eq == std::string_view::npos ? std::string_view{} : field.substr(eq + 1);
        if (key == "stemmer") {
            config.stemmer = parse_stemmer_kind(value);
        } else if (key == "stopwords") {
            if (value != "default" && value != "none") {
                throw Error("bad analyzer setting stopwords='" + std::string(value) + "'");
            }
            config.stopwords = value == "default";
        } else {
            throw Error("unknown analyzer setting '" + std::string(field) + "'");
        }
    }
    if (!have_version) throw Error("empty analyzer settings");
    return config;
}

Analyzer::Analyzer(AnalyzerConfig config)
    : config_(config),
      stemmer_(make_stemmer(config.stemmer)),
      recall_stemmer_(make_recall_stemmer(config.stemmer)),
      stopwords_(StopWords::arabic_default()) {
    synonyms_ = Synonyms::arabic_default(*this);
}

namespace {

// Whether an original token is written in Uthmani (Quranic) spelling: it carries a superscript
// alef, an alef wasla or a Quranic annotation mark (U+06D6–U+06ED, which holds the Uthmani
// sukun U+06E1 that nearly every such word has). Modern text never does.
bool is_uthmani(std::string_view original) noexcept {
    for (std::size_t i = 0; i + 1 < original.size(); ++i) {
        const auto b = static_cast<unsigned char>(original[i]);
        const auto t = static_cast<unsigned char>(original[i + 1]);
        if (b == 0xD9 && (t == 0xB0 || t == 0xB1)) return true;  // U+0670, U+0671
        if (b == 0xDB && t >= 0x96 && t <= 0xAD) return true;   // U+06D6–U+06ED
    }
    return false;
}

} // namespace

std::uint32_t Analyzer::analyze(
    std::string_view text,
    std::vector<AnalyzedToken>& out,
    std::uint32_t first_position,
    AnalysisSide side
) const {
    std::vector<Token> tokens;
    const std::uint32_t next = tokenize(text, tokens, first_position);
    const bool skeletons = has_skeletons();
    // Only Snowball is slow enough to be worth a hash lookup and string copies: light10 on
    // bytes is cheaper than the cache (measured with bench/analysis_speed.sh).
    const bool use_cache = recall_stemmer_ != nullptr || config_.stemmer == StemmerKind::Snowball;
    std::string skeleton;
    std::string written;
    out.reserve(out.size() + tokens.size());
    for (const Token& token : tokens) {
        AnalyzedToken analyzed;
        analyzed.token = token;
        normalize_append(token.view(text), analyzed.exact);
        if (analyzed.exact.empty()) continue; // only marks: nothing to index
        const bool function_word = stopwords_.contains(analyzed.exact);
        analyzed.stop = config_.stopwords && function_word;
        const std::string_view original = token.view(text);
        // Quranic superscript alef: also stem the spelling that writes it out (it reads the
        // original; rare outside the Quran).
        if (original.find(kSuperscriptAlefBytes) != std::string_view::npos) {
            written.clear();
            write_out_superscript_alef_append(original, written);
            if (written != analyzed.exact) {
                analyzed.alef_stem = stemmer_->stem(written);
            }
        }
        // The alef skeleton is for finding Uthmani spellings, which leave out alefs
        // (ٱلسَّمَٰوَٰتِ for السماوات): a document word gets one only when it is written in
        // Uthmani spelling, a query word always. Giving every modern word a skeleton merged real
        // words (شراكة and شركة, partnership and company).
        if (skeletons && (side == AnalysisSide::Query || is_uthmani(original))) {
            // Prefixes go before the alefs: dropping the alef of وال would hide the clitic.
            skeleton.clear();
            uthmani_normalize_append(original, skeleton);
            analyzed.skeleton = light_.strip_prefix(skeleton);
            drop_inner_alefs(analyzed.skeleton, 0);
        }
        if (function_word) {
            // Function words are not stemmed (see stem()).
            analyzed.stem = analyzed.exact;
            if (analyzed.alef_stem == analyzed.stem) analyzed.alef_stem.clear();
            out.push_back(std::move(analyzed));
            continue;
        }
        const std::uint64_t hash = use_cache ? string_hash(analyzed.exact) : 0;
        if (use_cache) {
            if (const Stems* hit = cache_.find(analyzed.exact, hash)) {
                analyzed.stem = cache_.text(hit->stem_at, hit->stem_size);
                analyzed.recall_stem = cache_.text(hit->recall_at, hit->recall_size);
                if (analyzed.alef_stem == analyzed.stem) analyzed.alef_stem.clear();
                out.push_back(std::move(analyzed));
                continue;
            }
        }
        analyzed.stem = stemmer_->stem(analyzed.exact);
        if (analyzed.alef_stem == analyzed.stem) analyzed.alef_stem.clear();
        analyzed.recall_stem = uncached_recall_stem(analyzed.exact);
        if (use_cache) cache_stems(analyzed.exact, hash, analyzed.stem, analyzed.recall_stem);
        out.push_back(std::move(analyzed));
    }
    return next;
}

std::string Analyzer::normalize(std::string_view word) const { return fahras::normalize(word); }

std::string Analyzer::stem(std::string_view normalized) const {
    if (stopwords_.contains(normalized)) return std::string(normalized);
    return stemmer_->stem(normalized);
}

std::string Analyzer::recall_stem(std::string_view normalized) const {
    if (!recall_stemmer_ || stopwords_.contains(normalized)) return {};
    // The snippeter asks for the words of every hit: the stem cache analyze() fills serves.
    const std::uint64_t hash = string_hash(normalized);
    if (const Stems* hit = cache_.find(normalized, hash)) return std::string(cache_.text(hit->recall_at, hit->recall_size));
    std::string recall = uncached_recall_stem(normalized);
    cache_stems(normalized, hash, stemmer_->stem(normalized), recall);
    return recall;
}

void Analyzer::cache_stems(std::string_view normalized, std::uint64_t hash, std::string_view stem, std::string_view recall) const {
    if (cache_.size() >= kStemCacheEntries) cache_.clear();
    Stems s;
    s.stem_size = static_cast<std::uint32_t>(stem.size());
    s.stem_at = cache_.keep(stem);
    s.recall_size = static_cast<std::uint32_t>(recall.size());
    s.recall_at = cache_.keep(recall);
    cache_.try_emplace(normalized, hash, s);
}

std::vector<std::string> Analyzer::person_variants(std::string_view normalized) const {
    static constexpr std::string_view kPersonPrefixes[] = {"ي", "ت", "ن"};
    std::vector<std::string> out;
    if (stopwords_.contains(normalized)) return out;
    std::size_t letters = 0;
    for (const char c : normalized) letters += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    if (letters < 4) return out; // the rest must keep three letters
    std::string_view own;
    for (const std::string_view p : kPersonPrefixes) {
        if (normalized.starts_with(p)) own = p;
    }
    if (own.empty()) return out;
    const std::string_view rest = normalized.substr(own.size());
    const std::string own_stem = stem(normalized);
    auto add = [&](const std::string& form) {
        if (stopwords_.contains(form)) return; // توفي → وفي is "and in", not a verb
        std::string s = stem(form);
        if (s != own_stem && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
    };
    for (const std::string_view p : kPersonPrefixes) {
        if (p != own) add(std::string(p) + std::string(rest));
    }
    add(std::string(rest));
    return out;
}

std::string Analyzer::uncached_recall_stem(std::string_view normalized) const {
    // Snowball's Arabic stemmer leaves وال (والمسكين → والمسك, Xapian 1.4.22): light10's
    // prefix step goes first.
    return recall_stemmer_ ? recall_stemmer_->stem(light_.strip_prefix(normalized)) : std::string();
}

} // namespace fahras
