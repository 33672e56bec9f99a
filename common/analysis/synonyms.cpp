#include "common/analysis/synonyms.hpp"

#include "common/analysis/analyzer.hpp"

#include <algorithm>
#include <initializer_list>

namespace fahras {
namespace {

// Each line one group. Words are written in their usual spelling; the analyzer normalizes and
// stems them when the list is loaded.
const std::initializer_list<std::initializer_list<std::string_view>> kGroups = {
    {"اتفاقية", "معاهدة"},                          // agreement / treaty
    {"أمريكا", "أميركا"},                             // America: both spellings are common
    {"أمريكي", "أميركي"},                             // American
    {"أوروبا", "أوربا"},                              // Europe
    {"تلفزيون", "تلفاز", "تليفزيون"},                 // television
    {"حاسوب", "كمبيوتر"},                             // computer
    {"هاتف", "تليفون", "تلفون"},                      // telephone
    {"مستشفى", "مشفى"},                               // hospital
    {"طائرة", "طيارة"},                               // aeroplane
    {"جامعة", "جامعات"},                              // (plural the stemmer misses)
    {"كورونا", "كوفيد"},                              // the pandemic
    {"برلمان", "البرلمان"},                           // (already one stem: kept as a check)
    {"ديمقراطية", "ديموقراطية"},                      // democracy
    {"تكنولوجيا", "تقنية"},                           // technology
    {"إستراتيجية", "استراتيجية", "استراتيجيا"},       // strategy (hamza and ending variants)
};

} // namespace

Synonyms Synonyms::arabic_default(const Analyzer& analyzer) {
    Synonyms out;
    std::vector<AnalyzedToken> tokens;
    for (const auto& group : kGroups) {
        std::vector<std::string> stems;
        for (const std::string_view word : group) {
            tokens.clear();
            analyzer.analyze(word, tokens);
            if (tokens.size() != 1) continue;
            if (std::find(stems.begin(), stems.end(), tokens[0].stem) == stems.end()) stems.push_back(tokens[0].stem);
        }
        for (const auto& stem : stems) {
            auto& others = out.groups_[stem];
            for (const auto& other : stems) {
                if (other != stem && std::find(others.begin(), others.end(), other) == others.end()) others.push_back(other);
            }
            if (others.empty()) out.groups_.erase(stem);
        }
    }
    return out;
}

const std::vector<std::string>& Synonyms::of(const std::string& stem) const {
    static const std::vector<std::string> kNone;
    const auto it = groups_.find(stem);
    return it == groups_.end() ? kNone : it->second;
}

} // namespace fahras
