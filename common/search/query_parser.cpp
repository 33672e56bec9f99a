#include "common/search/query_parser.hpp"

#include "common/analysis/spelling_variants.hpp"
#include "common/index/schema.hpp"
#include "common/util/utf8.hpp"

#include <algorithm>

namespace fahras {
namespace {

enum class Sign { None, Plus, Minus };

/// How a parsed piece takes part in the sequence around it.
enum class Kind {
    Empty,    ///< nothing to search (punctuation, an empty phrase)
    Ranked,   ///< OR-ed with the other ranked parts: more matches rank higher
    Required, ///< AND-ed: every match must have it
    Excluded, ///< AND_NOT-ed
};

struct Part {
    Xapian::Query query;
    Kind kind = Kind::Empty;
    bool stop = false; ///< a ranked part made only of stop words (dropped if there is more)
    /// A ranked part whose query is exactly OR(SCALE_WEIGHT(factor, term)…) over `terms`.
    bool additive = false;
    std::vector<WeightedTerm> terms;
    /// A part whose query is exactly AND_NOT(AND_MAYBE(required, OR(…terms)), excluded), the
    /// shape ParsedQuery describes (required and excluded may be empty queries).
    bool planned = false;
    Xapian::Query required;
    Xapian::Query excluded;
};

// Control characters (C0 and DEL) are spaces: a tab or a stray \x01 separates words.
bool is_space(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
}

std::string prefixed(std::string_view prefix, std::string_view term) {
    std::string t(prefix);
    t += term;
    return t;
}

std::size_t count_chars(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

// The ranked branch (Sign::None, plain words): how one query word becomes Xapian terms. Its
// weighting (BM25, synonyms, stop words) belongs to the ranking work of the analysis issue;
// this is the one place where a ranked word turns into terms.
// The query is returned, and its terms with their factors are appended to `terms`: the query
// is exactly OR(SCALE_WEIGHT(factor, term)…) over them.
// `variants` are the word's long-vowel spelling variants found in the index (spelling_variants.hpp),
// `persons` its Analyzer::person_variants() (both empty for a title: word).
Xapian::Query ranked_word(
    const AnalyzedToken& t,
    bool title,
    const Analyzer& analyzer,
    const std::vector<std::string>& variants,
    const std::vector<std::string>& persons,
    std::vector<WeightedTerm>& terms
) {
    const auto& synonyms = analyzer.synonyms(t.stem);
    if (title || (t.recall_stem.empty() && t.skeleton.empty() && synonyms.empty() && persons.empty() && variants.empty())) {
        terms.push_back({prefixed(title ? prefix::title_stem : prefix::stem, t.stem), 1.0});
        return Xapian::Query(terms.back().term);
    }
    // The word matches its stem or, weighted lower, a recall stream: the Snowball stem
    // (light10+snowball) and the alef skeleton (light10), and its synonyms' stems.
    terms.push_back({prefixed(prefix::stem, t.stem), 1.0});
    std::vector<Xapian::Query> any{Xapian::Query(terms.back().term)};
    auto add_scaled = [&](std::string_view prefix, const std::string& term, double weight) {
        if (term.empty()) return;
        terms.push_back({prefixed(prefix, term), weight});
        any.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(terms.back().term), weight);
    };
    for (const auto& synonym : synonyms) add_scaled(prefix::stem, synonym, kSynonymWeight);
    for (const auto& variant : variants) add_scaled(prefix::stem, variant, kVariantWeight);
    add_scaled(prefix::recall_stem, t.recall_stem, kRecallStemWeight);
    for (const auto& person : persons) add_scaled(prefix::stem, person, kRecallStemWeight);
    add_scaled(prefix::skeleton, t.skeleton, kSkeletonWeight);
    return Xapian::Query(Xapian::Query::OP_OR, any.begin(), any.end());
}

class Parser {
  public:
    Parser(std::string_view q, const Analyzer& analyzer, const TermExists& exists, HighlightTerms& highlight)
        : q_(q), analyzer_(analyzer), exists_(exists), highlight_(highlight) {}

    Part parse() {
        Part p = sequence(0, false, false);
        // Stop words are highlighted only when the query is made of them (they were searched).
        if (p.stop) highlight_.stems.insert(stop_stems_.begin(), stop_stems_.end());
        return p;
    }

  private:
    void skip_space() {
        while (i_ < q_.size() && is_space(q_[i_])) ++i_;
    }
    [[nodiscard]] bool at_end() {
        skip_space();
        return i_ >= q_.size();
    }
    // OR / AND as a whole word (upper case, Latin): an operator.
    [[nodiscard]] bool at_keyword(std::string_view kw) {
        skip_space();
        if (q_.substr(i_, kw.size()) != kw) return false;
        const std::size_t j = i_ + kw.size();
        return j >= q_.size() || is_space(q_[j]) || q_[j] == '(' || q_[j] == '"';
    }
    [[nodiscard]] bool at_operator() { return at_keyword("OR") || at_keyword("AND"); }
    void skip_operators() {
        while (at_operator()) i_ += q_[i_] == 'O' ? 2 : 3;
    }
    [[nodiscard]] bool at_close() { return at_end() || q_[i_] == ')'; }

    Part sequence(std::size_t depth, bool in_group, bool negated) {
        if (depth > kMaxQueryDepth) {
            throw QueryError("parentheses nested more than " + std::to_string(kMaxQueryDepth) + " deep");
        }
        std::vector<Xapian::Query> ranked;    // OR-ed
        std::vector<Xapian::Query> stop_only; // ranked parts of only stop words (used if nothing else)
        Part ranked_sum;                      // the terms of `ranked`, while all of them are additive
        Part stop_sum;                        // the same for `stop_only`
        ranked_sum.additive = stop_sum.additive = true;
        std::vector<Xapian::Query> required;  // AND-ed
        std::vector<Xapian::Query> excluded;  // AND_NOT-ed
        while (!at_end()) {
            if (q_[i_] == ')') {
                ++i_;
                if (in_group) break;
                continue; // a stray ")" is ignored
            }
            if (at_operator()) { // OR/AND with nothing before it
                skip_operators();
                continue;
            }
            Part p = expr(depth, negated);
            switch (p.kind) {
            case Kind::Empty:
                break;
            case Kind::Ranked: {
                Part& sum = p.stop ? stop_sum : ranked_sum;
                sum.additive = sum.additive && p.additive;
                sum.terms.insert(sum.terms.end(), p.terms.begin(), p.terms.end());
                (p.stop ? stop_only : ranked).push_back(std::move(p.query));
                break;
            }
            case Kind::Required:
                required.push_back(std::move(p.query));
                break;
            case Kind::Excluded:
                excluded.push_back(std::move(p.query));
                break;
            }
        }

        // Stop words only count when the query has nothing else (a query of only في still works).
        const bool only_stop = ranked.empty() && required.empty() && !stop_only.empty();
        if (only_stop) {
            ranked = std::move(stop_only);
            ranked_sum = std::move(stop_sum);
        }
        Part out;
        if (ranked.empty() && required.empty()) {
            if (!excluded.empty()) {
                throw QueryError(
                    depth == 0 ? "query has only exclusions; add a word to search for"
                               : "a group in parentheses has only exclusions"
                );
            }
            return out;
        }
        Xapian::Query ranked_q(Xapian::Query::OP_OR, ranked.begin(), ranked.end());
        if (!required.empty()) {
            Xapian::Query required_q(Xapian::Query::OP_AND, required.begin(), required.end());
            out.query = ranked.empty() ? required_q
                                       : Xapian::Query(Xapian::Query::OP_AND_MAYBE, required_q, ranked_q);
            out.kind = Kind::Required;
        } else {
            out.query = ranked_q;
            out.kind = Kind::Ranked;
            out.stop = only_stop;
            out.additive = ranked_sum.additive && excluded.empty();
        }
        if (!ranked.empty() && ranked_sum.additive) {
            out.planned = true;
            out.terms = std::move(ranked_sum.terms);
            if (!required.empty()) out.required = Xapian::Query(Xapian::Query::OP_AND, required.begin(), required.end());
            if (!excluded.empty()) out.excluded = Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end());
        }
        if (!excluded.empty()) {
            out.query = Xapian::Query(
                Xapian::Query::OP_AND_NOT,
                out.query,
                Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end())
            );
        }
        return out;
    }

    Part expr(std::size_t depth, bool negated) {
        Part left = and_expr(depth, negated);
        while (at_keyword("OR")) {
            skip_operators();
            if (at_close()) break; // a trailing OR is ignored
            left = either(std::move(left), and_expr(depth, negated));
        }
        return left;
    }

    Part and_expr(std::size_t depth, bool negated) {
        Part left = unary(depth, negated);
        while (at_keyword("AND")) {
            i_ += 3;
            if (at_keyword("OR")) break; // "a AND OR b": the AND is ignored
            skip_operators();
            if (at_close()) break;
            left = both(std::move(left), unary(depth, negated));
        }
        return left;
    }

    static Part either(Part a, Part b) {
        if (a.kind == Kind::Empty) return b;
        if (b.kind == Kind::Empty) return a;
        if (a.kind == Kind::Excluded || b.kind == Kind::Excluded) {
            throw QueryError("an excluded word (-word) cannot be a side of OR");
        }
        Part out;
        out.query = Xapian::Query(Xapian::Query::OP_OR, a.query, b.query);
        out.kind = a.kind == Kind::Required || b.kind == Kind::Required ? Kind::Required : Kind::Ranked;
        out.stop = a.stop && b.stop;
        if (out.kind == Kind::Ranked && a.additive && b.additive) {
            out.additive = out.planned = true;
            out.terms = std::move(a.terms);
            out.terms.insert(out.terms.end(), b.terms.begin(), b.terms.end());
        }
        return out;
    }

    static Part both(Part a, Part b) {
        if (a.kind == Kind::Empty) return b;
        if (b.kind == Kind::Empty) return a;
        Part out;
        if (a.kind == Kind::Excluded && b.kind == Kind::Excluded) {
            out.query = Xapian::Query(Xapian::Query::OP_OR, a.query, b.query);
            out.kind = Kind::Excluded;
        } else if (a.kind == Kind::Excluded || b.kind == Kind::Excluded) {
            const bool a_out = a.kind == Kind::Excluded;
            out.query = Xapian::Query(Xapian::Query::OP_AND_NOT, a_out ? b.query : a.query, a_out ? a.query : b.query);
            out.kind = Kind::Required;
        } else {
            out.query = Xapian::Query(Xapian::Query::OP_AND, a.query, b.query);
            out.kind = Kind::Required;
        }
        return out;
    }

    Part unary(std::size_t depth, bool negated) {
        skip_space();
        Sign sign = Sign::None;
        // A sign counts only when something follows it directly ("- word" is not an exclusion).
        if (i_ + 1 < q_.size() && (q_[i_] == '-' || q_[i_] == '+') && !is_space(q_[i_ + 1])) {
            sign = q_[i_] == '-' ? Sign::Minus : Sign::Plus;
            ++i_;
        }
        Part p = primary(depth, negated != (sign == Sign::Minus), sign);
        if (p.kind == Kind::Empty || p.kind == Kind::Excluded) return p;
        if (sign == Sign::Minus) p.kind = Kind::Excluded;
        if (sign == Sign::Plus) p.kind = Kind::Required;
        if (sign != Sign::None) {
            p.stop = false; // an explicit sign keeps even a stop word
            p.additive = p.planned = false;
        }
        return p;
    }

    Part primary(std::size_t depth, bool negated, Sign sign) {
        if (q_[i_] == '(') {
            ++i_;
            return sequence(depth + 1, true, negated);
        }
        bool title = false;
        if (q_.substr(i_, 6) == "title:" && i_ + 6 < q_.size() && !is_space(q_[i_ + 6])) {
            title = true;
            i_ += 6;
        }
        bool exact = false;
        if (i_ < q_.size() && q_[i_] == '=') {
            exact = true;
            ++i_;
        }
        if (i_ < q_.size() && q_[i_] == '"') {
            // A quote that is never closed runs to the end of the query.
            const std::size_t close = q_.find('"', i_ + 1);
            const std::size_t end = close == std::string_view::npos ? q_.size() : close;
            const std::string_view text = q_.substr(i_ + 1, end - i_ - 1);
            i_ = close == std::string_view::npos ? q_.size() : close + 1;
            return atom(text, {.title = title, .exact = true, .phrase = true}, negated, sign);
        }
        const std::size_t start = i_;
        while (i_ < q_.size() && !is_space(q_[i_]) && q_[i_] != '(' && q_[i_] != ')') ++i_;
        std::string_view text = q_.substr(start, i_ - start);
        bool wildcard = false;
        while (!text.empty() && text.back() == '*') {
            wildcard = true;
            text.remove_suffix(1);
        }
        return atom(text, {.title = title, .exact = exact, .wildcard = wildcard}, negated, sign);
    }

    struct AtomFlags {
        bool title = false;
        bool exact = false;
        bool phrase = false;
        bool wildcard = false;
    };

    Part atom(std::string_view text, AtomFlags f, bool negated, Sign sign) {
        tokens_.clear();
        analyzer_.analyze(text, tokens_, 0, AnalysisSide::Query);
        words_ += tokens_.size();
        if (words_ > kMaxQueryWords) {
            throw QueryError("query has more than " + std::to_string(kMaxQueryWords) + " words");
        }
        Part out;
        if (tokens_.empty()) return out;
        const std::string_view exact_prefix = f.title ? prefix::title : prefix::exact;
        const std::string_view stem_prefix = f.title ? prefix::title_stem : prefix::stem;

        if (f.phrase && tokens_.size() > 1) {
            std::vector<Xapian::Query> seq;
            std::vector<std::string> exacts;
            for (const auto& t : tokens_) {
                seq.emplace_back(prefixed(exact_prefix, t.exact));
                exacts.push_back(t.exact);
            }
            out.query = Xapian::Query(
                Xapian::Query::OP_PHRASE, seq.begin(), seq.end(), static_cast<Xapian::termcount>(seq.size())
            );
            out.kind = Kind::Required;
            if (!negated) highlight_.phrases.push_back(std::move(exacts));
            return out;
        }

        std::vector<Xapian::Query> parts;
        bool all_stop = true;
        bool additive = true; // only ranked words so far
        for (std::size_t k = 0; k < tokens_.size(); ++k) {
            const AnalyzedToken& t = tokens_[k];
            if (!t.stop) all_stop = false;
            if (f.wildcard && k + 1 == tokens_.size()) {
                parts.push_back(wildcard(t.exact, exact_prefix, stem_prefix));
                all_stop = false;
                additive = false;
                if (!negated) highlight_.prefixes.insert(t.exact);
            } else if (f.exact || f.phrase) {
                additive = false;
                parts.emplace_back(prefixed(exact_prefix, t.exact));
                if (!negated) highlight_.exacts.insert(t.exact);
            } else {
                const std::vector<std::string> variants = f.title ? std::vector<std::string>{} : variants_in_index(t);
                // Worked out once, for the terms and the highlights.
                std::vector<std::string> persons = f.title ? std::vector<std::string>{} : analyzer_.person_variants(t.exact);
                parts.push_back(ranked_word(t, f.title, analyzer_, variants, persons, out.terms));
                if (negated) continue;
                (t.stop && sign == Sign::None && !f.title ? stop_stems_ : highlight_.stems).insert(t.stem);
                if (!f.title) {
                    for (const auto& synonym : analyzer_.synonyms(t.stem)) highlight_.stems.insert(synonym);
                    highlight_.stems.insert(variants.begin(), variants.end());
                    for (auto& person : persons) highlight_.stems.insert(std::move(person));
                    if (!t.recall_stem.empty()) highlight_.recall_stems.emplace(t.recall_stem, t.stem);
                    if (!t.skeleton.empty()) highlight_.skeletons.emplace(t.skeleton, t.stem);
                }
            }
        }
        // A word that analyzed to several tokens (كوفيد-19) needs all of them when required or
        // excluded, any of them when ranked.
        const bool required = f.exact || f.phrase || f.title;
        if (required || sign != Sign::None) {
            out.query = Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
        } else {
            out.query = Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
        }
        out.kind = required ? Kind::Required : Kind::Ranked;
        out.stop = !required && all_stop;
        out.additive = out.planned = out.kind == Kind::Ranked && sign == Sign::None && additive;
        if (!out.additive) out.terms.clear();
        return out;
    }

    // pre*: terms of the exact and the stem lists that start with the normalized prefix, the
    // most frequent kMaxWildcardExpansion of each, as one synonym (a document is not counted
    // twice for having both a matching form and its stem).
    static Xapian::Query wildcard(const std::string& normalized, std::string_view exact_prefix, std::string_view stem_prefix) {
        if (count_chars(normalized) < 2) {
            throw QueryError("wildcard '" + normalized + "*' needs at least 2 letters before the *");
        }
        auto expand = [&](std::string_view prefix) {
            return Xapian::Query(
                Xapian::Query::OP_WILDCARD,
                prefixed(prefix, normalized),
                kMaxWildcardExpansion,
                Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                Xapian::Query::OP_SYNONYM
            );
        };
        return Xapian::Query(Xapian::Query::OP_SYNONYM, expand(exact_prefix), expand(stem_prefix));
    }

    std::string_view q_;
    std::size_t i_ = 0;
    // The long-vowel variants of a ranked word's stem that the index has (none without `exists_`),
    // less the word's synonyms (already there at their own weight).
    std::vector<std::string> variants_in_index(const AnalyzedToken& t) {
        std::vector<std::string> found;
        if (!exists_ || t.stop) return found;
        const auto& synonyms = analyzer_.synonyms(t.stem);
        auto synonym = [&](const std::string& v) { return std::find(synonyms.begin(), synonyms.end(), v) != synonyms.end(); };
        if (exists_.variants) {
            for (const std::string& v : exists_.variants(t.stem)) {
                if (!synonym(v)) found.push_back(v);
            }
            return found;
        }
        for (auto& v : variants_with_terms(t.stem, exists_.test)) {
            if (!synonym(v)) found.push_back(std::move(v));
        }
        return found;
    }

    const Analyzer& analyzer_;
    const TermExists& exists_;
    HighlightTerms& highlight_;
    std::vector<AnalyzedToken> tokens_;
    std::set<std::string> stop_stems_; ///< stems of ranked stop words (highlighted if searched)
    std::size_t words_ = 0;
};

} // namespace

ParsedQuery parse_query(std::string_view text, const Analyzer& analyzer) {
    return parse_query(text, analyzer, TermExists{});
}

std::vector<std::string> variants_with_terms(std::string_view stem, const std::function<bool(std::string_view term)>& has_term) {
    std::vector<std::string> found;
    std::string term; // one buffer for every candidate's term
    for (std::string& v : long_vowel_variants(stem)) {
        term.assign(prefix::stem);
        term += v;
        if (has_term(term)) found.push_back(std::move(v));
    }
    return found;
}

ParsedQuery parse_query(std::string_view text, const Analyzer& analyzer, const TermExists& exists) {
    if (text.size() > kMaxQueryBytes) {
        throw QueryError("query too long (" + std::to_string(text.size()) + " bytes; the limit is " +
                         std::to_string(kMaxQueryBytes) + ")");
    }
    std::size_t replaced = 0;
    const std::string repaired = utf8::repair(text, replaced); // invalid bytes never reach Xapian

    ParsedQuery parsed;
    Parser parser(repaired, analyzer, exists, parsed.highlight);
    Part part = parser.parse();
    if (part.kind == Kind::Empty) throw QueryError("query has no words to search for");
    parsed.query = std::move(part.query);
    if (part.planned) {
        parsed.disjunction = std::move(part.terms);
        parsed.required = std::move(part.required);
        parsed.excluded = std::move(part.excluded);
    }
    parsed.question = question_kind(repaired);
    return parsed;
}

std::string display_query(std::string_view text, std::size_t max_bytes) {
    std::size_t replaced = 0;
    std::string out = utf8::repair(text.substr(0, std::min(text.size(), max_bytes + 4)), replaced);
    for (char& c : out) {
        if (is_space(c)) c = ' ';
    }
    if (text.size() > max_bytes) {
        std::size_t cut = std::min(max_bytes, out.size());
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out.resize(cut);
        out += "\xE2\x80\xA6";
    }
    return out;
}

} // namespace fahras
