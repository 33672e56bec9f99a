#include "common/search/query_parser.hpp"

#include "common/index/schema.hpp"
#include "common/util/utf8.hpp"

namespace fahras {
namespace {

enum class Sign { None, Plus, Minus };

struct Clause {
    Sign sign = Sign::None;
    bool title = false;
    bool exact = false;
    bool phrase = false;
    std::string text;
};

// Splits the query into clauses. A quote that is never closed runs to the end of the query
// (the documented fallback for unbalanced quotes).
std::vector<Clause> split(std::string_view q) {
    std::vector<Clause> out;
    std::size_t i = 0;
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    while (i < q.size()) {
        while (i < q.size() && is_space(q[i])) ++i;
        if (i >= q.size()) break;
        Clause c;
        if (q[i] == '-' || q[i] == '+') {
            c.sign = q[i] == '-' ? Sign::Minus : Sign::Plus;
            ++i;
        }
        if (q.substr(i, 6) == "title:") {
            c.title = true;
            i += 6;
        }
        if (i < q.size() && q[i] == '=') {
            c.exact = true;
            ++i;
        }
        if (i < q.size() && q[i] == '"') {
            c.phrase = true;
            const std::size_t close = q.find('"', i + 1);
            const std::size_t end = close == std::string_view::npos ? q.size() : close;
            c.text = q.substr(i + 1, end - i - 1);
            i = close == std::string_view::npos ? q.size() : close + 1;
        } else {
            const std::size_t start = i;
            while (i < q.size() && !is_space(q[i])) ++i;
            c.text = q.substr(start, i - start);
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::string prefixed(std::string_view prefix, std::string_view term) {
    std::string t(prefix);
    t += term;
    return t;
}

} // namespace

ParsedQuery parse_query(std::string_view text, const Analyzer& analyzer) {
    if (text.size() > kMaxQueryBytes) {
        throw QueryError("query too long (" + std::to_string(text.size()) + " bytes; the limit is " +
                         std::to_string(kMaxQueryBytes) + ")");
    }
    std::size_t replaced = 0;
    const std::string repaired = utf8::repair(text, replaced); // invalid bytes never reach Xapian

    ParsedQuery parsed;
    std::vector<Xapian::Query> ranked;   // OR-ed
    std::vector<Xapian::Query> stop_only; // ranked words that are stop words (used if nothing else)
    std::vector<Xapian::Query> required; // AND-ed
    std::vector<Xapian::Query> excluded; // AND_NOT-ed
    std::vector<AnalyzedToken> tokens;
    std::size_t words = 0;

    for (const Clause& clause : split(repaired)) {
        tokens.clear();
        analyzer.analyze(clause.text, tokens);
        words += tokens.size();
        if (words > kMaxQueryWords) {
            throw QueryError("query has more than " + std::to_string(kMaxQueryWords) + " words");
        }
        if (tokens.empty()) continue;
        const bool positive = clause.sign != Sign::Minus;

        std::vector<Xapian::Query> parts;
        bool all_stop = true;
        if (clause.phrase && tokens.size() > 1) {
            std::vector<Xapian::Query> seq;
            std::vector<std::string> exacts;
            for (const auto& t : tokens) {
                seq.emplace_back(prefixed(clause.title ? prefix::title : prefix::exact, t.exact));
                exacts.push_back(t.exact);
            }
            parts.emplace_back(Xapian::Query::OP_PHRASE, seq.begin(), seq.end(), static_cast<Xapian::termcount>(seq.size()));
            all_stop = false;
            if (positive) parsed.highlight.phrases.push_back(std::move(exacts));
        } else {
            for (const auto& t : tokens) {
                if (!t.stop) all_stop = false;
                if (clause.exact || clause.phrase) {
                    parts.emplace_back(prefixed(clause.title ? prefix::title : prefix::exact, t.exact));
                    if (positive) parsed.highlight.exacts.insert(t.exact);
                } else if (!clause.title && (!t.recall_stem.empty() || !t.skeleton.empty())) {
                    // The word matches its stem or, weighted lower, a recall stream: the
                    // Snowball stem (light10+snowball) and the alef skeleton (light10).
                    std::vector<Xapian::Query> any{Xapian::Query(prefixed(prefix::stem, t.stem))};
                    auto add_recall = [&](std::string_view prefix, const std::string& term, double weight) {
                        if (term.empty()) return;
                        any.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(prefixed(prefix, term)), weight);
                    };
                    add_recall(prefix::recall_stem, t.recall_stem, kRecallStemWeight);
                    add_recall(prefix::skeleton, t.skeleton, kSkeletonWeight);
                    parts.emplace_back(Xapian::Query::OP_OR, any.begin(), any.end());
                    if (positive) {
                        parsed.highlight.stems.insert(t.stem);
                        if (!t.recall_stem.empty()) parsed.highlight.recall_stems.emplace(t.recall_stem, t.stem);
                        if (!t.skeleton.empty()) parsed.highlight.skeletons.emplace(t.skeleton, t.stem);
                    }
                } else {
                    parts.emplace_back(prefixed(clause.title ? prefix::title_stem : prefix::stem, t.stem));
                    if (positive) parsed.highlight.stems.insert(t.stem);
                }
            }
        }
        // A clause that analyzed to several words (e.g. "co-operation") needs all of them when
        // required or excluded, any of them when ranked.
        switch (clause.sign) {
        case Sign::Minus:
            excluded.emplace_back(Xapian::Query::OP_AND, parts.begin(), parts.end());
            break;
        case Sign::Plus:
            required.emplace_back(Xapian::Query::OP_AND, parts.begin(), parts.end());
            break;
        case Sign::None:
            if (clause.phrase || clause.exact || clause.title) {
                required.emplace_back(Xapian::Query::OP_AND, parts.begin(), parts.end());
            } else {
                for (auto& p : parts) {
                    (all_stop ? stop_only : ranked).push_back(std::move(p));
                }
            }
            break;
        }
    }

    // Stop words only count when the query has nothing else (a query of only في still works).
    if (ranked.empty() && required.empty()) ranked = std::move(stop_only);

    Xapian::Query query;
    Xapian::Query ranked_q(Xapian::Query::OP_OR, ranked.begin(), ranked.end());
    if (!required.empty()) {
        Xapian::Query required_q(Xapian::Query::OP_AND, required.begin(), required.end());
        query = ranked.empty() ? required_q : Xapian::Query(Xapian::Query::OP_AND_MAYBE, required_q, ranked_q);
    } else if (!ranked.empty()) {
        query = ranked_q;
    } else if (!excluded.empty()) {
        throw QueryError("query has only exclusions; add a word to search for");
    } else {
        throw QueryError("query has no words to search for");
    }
    if (!excluded.empty()) {
        query = Xapian::Query(
            Xapian::Query::OP_AND_NOT,
            query,
            Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end())
        );
    }
    parsed.query = std::move(query);
    return parsed;
}

} // namespace fahras
