#include "common/search/question.hpp"

#include "common/analysis/normalizer.hpp"
#include "common/analysis/tokenizer.hpp"

#include <array>
#include <set>
#include <string>
#include <vector>

namespace fahras {
namespace {

// The lists are written as people type them and normalized once, so that a question typed with
// ى for ي, أ for ا or ة for ه (متي, اي عام, ما هي مساحه) is read alike.
std::set<std::string> normalized(std::initializer_list<std::string_view> words) {
    std::set<std::string> out;
    for (const std::string_view w : words) out.insert(normalize(w));
    return out;
}

struct Words {
    /// A preposition before the question word: في كم دولة, على كم إقليم, منذ متى, من كم محافظة.
    std::set<std::string> prepositions = normalized({"في", "على", "إلى", "من", "منذ", "حتى"});
    /// Question words that ask when or how many by themselves.
    std::set<std::string> when = normalized({"متى", "ومتى"});
    std::set<std::string> how_many = normalized({"كم", "بكم", "وكم"});
    /// أي + a unit of time: في أي عام, بأي سنة, أية فترة.
    std::set<std::string> which = normalized({"أي", "أية", "بأي", "وأي"});
    std::set<std::string> time_units =
        normalized({"عام", "العام", "سنة", "السنة", "تاريخ", "يوم", "شهر", "قرن", "القرن", "وقت", "فترة"});
    /// ما (هو/هي) + a measure: ما عدد, ما هي مساحة, ما تاريخ.
    std::set<std::string> what = normalized({"ما", "وما", "ماهو", "ماهي"});
    std::set<std::string> pronouns = normalized({"هو", "هي"});
    std::set<std::string> measures =
        normalized({"عدد", "مساحة", "طول", "ارتفاع", "عمق", "نسبة", "عمر", "مدة", "سعر", "وزن"});
    std::set<std::string> dates = normalized({"تاريخ"});
};

const Words& words() {
    static const Words w;
    return w;
}

} // namespace

QuestionKind question_kind(std::string_view query) {
    // The first four words are all a question word can be preceded by (a preposition) or
    // followed by (هو/هي and the measure); the rest of the query is never tokenized.
    constexpr std::size_t kLead = 4;
    std::vector<Token> spans;
    const std::size_t cut = std::min<std::size_t>(query.size(), 256);
    std::string_view head = query.substr(0, cut);
    tokenize(head, spans);
    std::vector<std::string> w;
    for (std::size_t i = 0; i < spans.size() && w.size() < kLead; ++i) {
        // A word cut by the 256-byte head is not read (it is never one of the short words above).
        if (cut < query.size() && spans[i].end == cut) break;
        w.push_back(normalize(spans[i].view(head)));
    }
    const Words& t = words();
    std::size_t i = 0;
    if (w.size() > 1 && t.prepositions.contains(w[0])) i = 1;
    if (i >= w.size()) return QuestionKind::None;
    const std::string& first = w[i];
    const std::string* next = i + 1 < w.size() ? &w[i + 1] : nullptr;
    if (t.when.contains(first)) return QuestionKind::When;
    if (t.how_many.contains(first)) return QuestionKind::HowMany;
    if (t.which.contains(first) && next != nullptr && t.time_units.contains(*next)) return QuestionKind::When;
    if (t.what.contains(first) && next != nullptr) {
        std::size_t j = i + 1;
        if (t.pronouns.contains(w[j]) && j + 1 < w.size()) ++j;
        if (t.dates.contains(w[j])) return QuestionKind::When;
        if (t.measures.contains(w[j])) return QuestionKind::HowMany;
    }
    return QuestionKind::None;
}

std::string_view to_string(QuestionKind kind) {
    switch (kind) {
        case QuestionKind::When: return "when";
        case QuestionKind::HowMany: return "how-many";
        case QuestionKind::None: break;
    }
    return "none";
}

} // namespace fahras
