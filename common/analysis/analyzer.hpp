/// The Analyzer: the single source of truth for index terms, query terms and highlights.
/// It composes the fixed Arabic chain, in this order:
///
///   original UTF-8 ─tokenize─▶ spans ─normalize─▶ exact form ─stop?─▶ ─stem─▶ stem
///                                    └─Uthmani normalize ─light10 prefixes─▶ ─drop inner alefs─▶ skeleton
///
/// The skeleton is taken from the original token, not the exact form, because the exact form
/// has lost the superscript alef that tells an Uthmani وٰ (an alef) from a consonant waw.
///
/// Normalization comes before the stop list and the stemmer, because both are written for
/// normalized text (Xapian's Snowball stemmer gives مدرس for المدرسة but keeps المدرسه).
/// An Analyzer is cheap to copy settings from but not thread-safe (the Snowball stemmer keeps
/// state, and a cache of stems fills as it analyzes): use one per thread.
#pragma once

#include "common/analysis/stemmer.hpp"
#include "common/analysis/stopwords.hpp"
#include "common/analysis/synonyms.hpp"
#include "common/analysis/token.hpp"
#include "common/util/string_table.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fahras {

/// Analysis settings. Stored in the database metadata (`fahras:analyzer`) by the indexer and
/// read back by the searcher, so both sides always analyze alike.
struct AnalyzerConfig {
    /// Bumped whenever a change to the normalizer or tokenizer changes the terms of some text.
    static constexpr int kVersion = 4;

    int version = kVersion;
    StemmerKind stemmer = StemmerKind::Light10Snowball;
    /// Drop the built-in Arabic stop words from ranked queries. Off by default: measured on
    /// shared/eval/arcd-dev (light10+snowball), ranking every word scores better (MRR@10 0.850
    /// vs 0.847, R@100 0.993 vs 0.990, nDCG@10 0.880 vs 0.878): BM25's IDF already makes في and
    /// من nearly weightless, and question words such as متى or كم carry meaning. The list costs
    /// less query time (news queries: 5.2 vs 6.1 ms warm), so `--stopwords default` keeps it.
    bool stopwords = false;

    /// "v4;stemmer=light10+snowball;stopwords=none"
    [[nodiscard]] std::string to_metadata() const;
    /// Parses to_metadata()'s form; throws Error on anything else.
    [[nodiscard]] static AnalyzerConfig from_metadata(std::string_view text);

    bool operator==(const AnalyzerConfig&) const = default;
};

/// Documents (index terms, highlights) or queries: a query word gets an alef skeleton to find
/// Uthmani spellings; a document word only when it is written in Uthmani spelling.
enum class AnalysisSide { Document, Query };

class Analyzer {
  public:
    explicit Analyzer(AnalyzerConfig config = {});

    [[nodiscard]] const AnalyzerConfig& config() const noexcept { return config_; }

    /// Tokenizes `text` and analyzes every token; appends to `out`. Returns the next position.
    /// The side only decides which words get an alef skeleton (see analyze()).
    std::uint32_t analyze(
        std::string_view text,
        std::vector<AnalyzedToken>& out,
        std::uint32_t first_position = 0,
        AnalysisSide side = AnalysisSide::Document
    ) const;

    /// The normalized exact form of one word.
    [[nodiscard]] std::string normalize(std::string_view word) const;
    /// The stem of a normalized word. A function word (a word of the built-in stop list, whether
    /// or not queries drop stop words) is its own stem: the suffix rules are for content words,
    /// and they cut متى to مت, ماذا to ماذ and الى to ال, stems that collide with rare content
    /// words and so weigh a question word as if it were a rare term.
    [[nodiscard]] std::string stem(std::string_view normalized) const;
    /// The recall-only stem of a normalized word, as analyze() gives it; empty when the stemmer
    /// has no second stream and for function words.
    [[nodiscard]] std::string recall_stem(std::string_view normalized) const;
    [[nodiscard]] bool has_recall_stems() const noexcept { return recall_stemmer_ != nullptr; }
    /// Query side: the stems of the other persons of an imperfect verb. A content word of at
    /// least four letters written with a person prefix يـ تـ or نـ (يتزوج) gives the stems of the
    /// same word with the other two prefixes and with none (تتزوج, نتزوج, تزوج: the perfect of
    /// the derived forms), as questions ask يقع or يتزوج of a text that says تقع or تزوج. Neither
    /// stemmer relates these forms. Stems equal to the word's own stem are left out.
    [[nodiscard]] std::vector<std::string> person_variants(std::string_view normalized) const;
    /// Whether tokens get a skeleton stem (light10 and light10+snowball).
    [[nodiscard]] bool has_skeletons() const noexcept {
        return config_.stemmer == StemmerKind::Light10 || config_.stemmer == StemmerKind::Light10Snowball;
    }
    /// Query-time synonyms of a stem (synonyms.hpp), stemmed with this analyzer.
    [[nodiscard]] const std::vector<std::string>& synonyms(const std::string& stem) const {
        return synonyms_.of(stem);
    }
    [[nodiscard]] bool is_stop(std::string_view normalized) const {
        return config_.stopwords && stopwords_.contains(normalized);
    }

  private:
    [[nodiscard]] std::string uncached_recall_stem(std::string_view normalized) const;
    AnalyzerConfig config_;
    std::unique_ptr<Stemmer> stemmer_;
    std::unique_ptr<Stemmer> recall_stemmer_; ///< null unless light10+snowball
    LightStemmer light_;                      ///< prefix step of the skeleton

    /// Stems by exact form, when a Snowball stemmer runs. Word frequencies are Zipfian, so most tokens of a text are words
    /// seen before; the Snowball stemmer costs more than the rest of the analysis together.
    /// Emptied when full (bounded memory, no LRU bookkeeping). Looked up by string_view (no
    /// std::string a lookup); the stems are kept in the table's arena.
    struct Stems {
        std::uint32_t stem_at = 0, stem_size = 0;
        std::uint32_t recall_at = 0, recall_size = 0;
    };
    static constexpr std::size_t kStemCacheEntries = 1 << 16;
    /// Adds the stems of `normalized` to cache_ (emptied first when full).
    void cache_stems(std::string_view normalized, std::uint64_t hash, std::string_view stem, std::string_view recall) const;
    mutable StringTable<Stems> cache_;
    StopWords stopwords_;
    Synonyms synonyms_; ///< built last: it analyzes its word list with this analyzer
};

} // namespace fahras
