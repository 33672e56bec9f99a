/// Query-time synonyms: a small, curated list of Modern Standard Arabic words that news writers
/// use interchangeably for the same thing (اتفاقية / معاهدة), and spelling variants that no
/// folding rule can merge (أمريكا / أميركا). A ranked query word also matches the stems of its
/// group, each as one more term of the ranked sum at kSynonymWeight (query_parser.hpp), so that
/// an article that says معاهدة الشراكة is found for اتفاقية الشراكة.
///
/// The list is written as plain words and stemmed with the database's own analyzer when loaded,
/// so it follows whatever stemmer the index uses. Groups are for true synonyms and variants
/// only: a broader list (related words) costs precision, and is measured in docs/quality.md.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fahras {

class Analyzer;

class Synonyms {
  public:
    Synonyms() = default;
    /// The built-in groups, stemmed with `analyzer`.
    [[nodiscard]] static Synonyms arabic_default(const Analyzer& analyzer);

    /// The other stems of `stem`'s group (empty when it has none).
    [[nodiscard]] const std::vector<std::string>& of(const std::string& stem) const;
    [[nodiscard]] std::size_t size() const noexcept { return groups_.size(); }

  private:
    std::unordered_map<std::string, std::vector<std::string>> groups_;
};

} // namespace fahras
