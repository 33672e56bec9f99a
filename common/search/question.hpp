/// Questions that ask for a date or a number ("factoid" questions in question answering):
/// متى ولد؟, في أي عام استقلت؟, كم عدد سكانها؟, ما هي مساحة…؟ Their answer is one short fact,
/// written in one sentence of the document, so the searcher reranks their top hits by the best
/// passage (rerank.hpp). Detected from the first words of the query only, so that news search
/// (headlines, keywords) is never affected.
#pragma once

#include <string_view>

namespace fahras {

enum class QuestionKind {
    None,    ///< not a question this module knows (keywords, headlines, ما هو…, لماذا…, كيف…)
    When,    ///< متى…, في أي عام/سنة/تاريخ…, ما تاريخ…
    HowMany, ///< كم…, بكم…, ما عدد/مساحة/طول/نسبة…
};

/// The kind of question `query` is, from its first words (after normalization, so متى, متي and
/// مَتَى are alike): an optional preposition (في كم دولة, على كم, منذ متى), then a question
/// word. Query syntax (quotes, +, -) is read as punctuation.
[[nodiscard]] QuestionKind question_kind(std::string_view query);

[[nodiscard]] std::string_view to_string(QuestionKind kind);

} // namespace fahras
