/// Stemmers: the recall stage of analysis. Each works on *normalized* text (see
/// normalizer.hpp): normalizing first is what makes المدرسة and المدرسه stem alike.
///
///  - light10 (default): our light stemmer of the light10 class (Larkey et al.), prefixes
///    ال وال بال كال فال لل و and suffixes ها ان ات ون ين يه ه ي (ة is already ه), with two
///    changes: the pronoun ها/ه goes first, then ات, ت (ة under a pronoun) or ي (مقالاته →
///    مقال, عاصمتها → عاصم), and a suffix must leave three letters (مكان stays مكان).
///  - snowball: Xapian's Snowball "arabic" stemmer.
///  - none: the normalized form is the stem.
///  - light10+snowball: light10 stems (precision) plus a second, recall-only stream of Snowball
///    stems, which also strip verb prefixes and broken-plural patterns that light10 leaves
///    (ينتقده, استقلت). Ranked queries weigh the Snowball stream lower (query_parser.hpp).
#pragma once

#include <xapian.h>

#include <memory>
#include <string>
#include <string_view>

namespace fahras {

enum class StemmerKind { Light10, Snowball, None, Light10Snowball };

class Stemmer {
  public:
    virtual ~Stemmer() = default;
    /// The stem of a normalized word (never empty for a non-empty word).
    [[nodiscard]] virtual std::string stem(std::string_view normalized) const = 0;
};

class LightStemmer final : public Stemmer {
  public:
    [[nodiscard]] std::string stem(std::string_view normalized) const override;
    /// Only the prefix step of stem(): وال، بال، كال، فال، ال، لل، و, with the same guards.
    [[nodiscard]] std::string strip_prefix(std::string_view normalized) const;
};

class SnowballStemmer final : public Stemmer {
  public:
    SnowballStemmer();
    [[nodiscard]] std::string stem(std::string_view normalized) const override;

  private:
    mutable Xapian::Stem stem_;
};

class NoStemmer final : public Stemmer {
  public:
    [[nodiscard]] std::string stem(std::string_view normalized) const override {
        return std::string(normalized);
    }
};

/// The main stemmer of `kind` (light10 for light10+snowball).
[[nodiscard]] std::unique_ptr<Stemmer> make_stemmer(StemmerKind kind);
/// The second, recall-only stemmer of `kind`, or null when it has none.
[[nodiscard]] std::unique_ptr<Stemmer> make_recall_stemmer(StemmerKind kind);
[[nodiscard]] std::string_view to_string(StemmerKind kind) noexcept;
/// Parses "light10", "light10+snowball", "snowball" or "none"; throws UsageError naming the
/// valid values.
[[nodiscard]] StemmerKind parse_stemmer_kind(std::string_view name);

} // namespace fahras
