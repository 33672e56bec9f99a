#include "common/analysis/stopwords.hpp"

#include "common/analysis/normalizer.hpp"

#include <algorithm>
#include <sstream>

namespace fahras {
namespace {

// Function words of Modern Standard Arabic: prepositions, conjunctions, pronouns,
// demonstratives, relatives and particles, with their common clitic forms. Content words
// (even frequent ones such as قال or عام) are deliberately left out.
constexpr std::string_view kArabicStopWords[] = {
    "في", "من", "إلى", "الى", "على", "عن", "مع", "ما", "ماذا", "لا", "لم", "لن", "لما", "إن",
    "أن", "إنه", "أنه", "انها", "أنها", "كان", "كانت", "يكون", "تكون", "هو", "هي", "هم", "هن",
    "هما", "نحن", "أنا", "أنت", "انتم", "هذا", "هذه", "ذلك", "تلك", "هذان", "هاتان", "هؤلاء",
    "أولئك", "الذي", "التي", "الذين", "اللذان", "اللتان", "اللواتي", "اللاتي", "و", "أو", "ثم",
    "بل", "لكن", "حتى", "إذا", "إذ", "كل", "بعض", "غير", "بين", "عند", "عندما", "منذ", "قد",
    "لقد", "كما", "كذلك", "أي", "أيضا", "ايضا", "فيه", "فيها", "منه", "منها", "عليه", "عليها",
    "إليه", "اليه", "به", "بها", "له", "لها", "لهم", "فيما", "بما", "مما", "عما", "ضمن", "خلال",
    "حول", "لدى", "قبل", "بعد", "تحت", "فوق", "أمام", "دون", "هناك", "هنا", "حيث", "كيف", "متى",
    "أين", "لماذا", "هل", "ليس", "ليست", "يا", "إلا", "الا", "أما", "إما", "ذات", "ذو", "التى",
    "وفي", "ومن", "وعلى", "وإلى", "وعن", "ومع", "وما", "ولا", "ولم", "وأن", "وإن", "وهو", "وهي",
    "وهذا", "وهذه", "وذلك", "وكان", "وكانت", "وقد", "ولكن", "فقد", "فإن", "بأن", "لأن", "كأن",
    // Question words and their run-together spellings (ماهي for ما هي), common in typed queries.
    "كم", "بكم", "لمن", "ممن", "بماذا", "لماذا", "ماهي", "ماهو", "ماهى", "مالذي", "أيّ",
    "هى", "أى",
    // The article written apart from its noun (typed queries: "ال كتاب"); with it in the list a
    // stray ال stays ال and matches no content word.
    "ال",
};

} // namespace

void StopWords::add(std::string_view word) {
    const std::string normalized = normalize(word);
    if (normalized.empty()) return;
    words_.try_emplace(normalized, true);
    longest_ = std::max(longest_, normalized.size());
}

StopWords StopWords::arabic_default() {
    StopWords list;
    for (const std::string_view word : kArabicStopWords) list.add(word);
    return list;
}

StopWords StopWords::from_stream(std::istream& in) {
    StopWords list;
    std::string line;
    while (std::getline(in, line)) {
        const auto hash = line.find('#');
        if (hash != std::string::npos) line.resize(hash);
        std::istringstream words(line);
        std::string word;
        while (words >> word) list.add(word);
    }
    return list;
}

} // namespace fahras
