#include "common/analysis/analyzer.hpp"

#include "common/analysis/normalizer.hpp"
#include "common/analysis/tokenizer.hpp"
#include "common/util/error.hpp"

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

std::uint32_t Analyzer::analyze(
    std::string_view text,
    std::vector<AnalyzedToken>& out,
    std::uint32_t first_position
) const {
    std::vector<Token> tokens;
    const std::uint32_t next = tokenize(text, tokens, first_position);
    const bool skeletons = has_skeletons();
    // Only Snowball is slow enough to be worth a hash lookup and three string copies: light10
    // on bytes is cheaper than the cache (measured with bench/analysis_speed.sh).
    const bool use_cache = recall_stemmer_ != nullptr || config_.stemmer == StemmerKind::Snowball;
    std::string skeleton;
    std::string written;
    out.reserve(out.size() + tokens.size());
    for (const Token& token : tokens) {
        AnalyzedToken analyzed;
        analyzed.token = token;
        normalize_append(token.view(text), analyzed.exact);
        if (analyzed.exact.empty()) continue; // only marks: nothing to index
        analyzed.stop = is_stop(analyzed.exact);
        // The stems depend on the exact form only, except the skeleton of a word with an
        // Uthmani وٰ (it reads the original): those are computed every time, never cached.
        const std::string_view original = token.view(text);
        const bool uthmani_waw = skeletons && original.find(kWawSuperscriptAlef) != std::string_view::npos;
        const bool cache = use_cache && !uthmani_waw;
        // Quranic superscript alef: also stem the spelling that writes it out (not cached, it
        // reads the original; rare outside the Quran).
        if (original.find(kSuperscriptAlefBytes) != std::string_view::npos) {
            written.clear();
            write_out_superscript_alef_append(original, written);
            if (written != analyzed.exact) {
                analyzed.alef_stem = stemmer_->stem(written);
            }
        }
        if (cache) {
            if (const auto hit = cache_.find(analyzed.exact); hit != cache_.end()) {
                analyzed.stem = hit->second.stem;
                analyzed.recall_stem = hit->second.recall_stem;
                analyzed.skeleton = hit->second.skeleton;
                if (analyzed.alef_stem == analyzed.stem) analyzed.alef_stem.clear();
                out.push_back(std::move(analyzed));
                continue;
            }
        }
        analyzed.stem = stemmer_->stem(analyzed.exact);
        if (analyzed.alef_stem == analyzed.stem) analyzed.alef_stem.clear();
        // Snowball's Arabic stemmer leaves وال (والمسكين → والمسك, Xapian 1.4.22): light10's
        // prefix step goes first.
        if (recall_stemmer_) analyzed.recall_stem = recall_stemmer_->stem(light_.strip_prefix(analyzed.exact));
        if (skeletons) {
            // Prefixes go before the alefs: dropping the alef of وال would hide the clitic.
            skeleton.clear();
            uthmani_normalize_append(original, skeleton);
            analyzed.skeleton = light_.strip_prefix(skeleton);
            drop_inner_alefs(analyzed.skeleton, 0);
        }
        if (cache) {
            if (cache_.size() >= kStemCacheEntries) cache_.clear();
            cache_.emplace(analyzed.exact, Stems{analyzed.stem, analyzed.recall_stem, analyzed.skeleton});
        }
        out.push_back(std::move(analyzed));
    }
    return next;
}

std::string Analyzer::normalize(std::string_view word) const { return fahras::normalize(word); }

std::string Analyzer::stem(std::string_view normalized) const { return stemmer_->stem(normalized); }

std::string Analyzer::recall_stem(std::string_view normalized) const {
    return recall_stemmer_ ? recall_stemmer_->stem(normalized) : std::string();
}

} // namespace fahras
