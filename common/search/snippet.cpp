#include "common/search/snippet.hpp"

#include "common/util/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace fahras {
namespace {

// A sentence starts after one of these (Latin and Arabic full stop, question and exclamation
// marks, the Urdu full stop, and line breaks).
bool ends_sentence(std::string_view text, std::size_t end_of_gap_search_begin, std::size_t token_begin) {
    const std::string_view gap = text.substr(end_of_gap_search_begin, token_begin - end_of_gap_search_begin);
    for (const std::string_view mark : {".", "!", "?", "\n", "\xD8\x9F" /* ؟ */, "\xDB\x94" /* ۔ */}) {
        if (gap.find(mark) != std::string_view::npos) return true;
    }
    return false;
}

} // namespace

Snippeter::Snippeter(const Analyzer& analyzer, HighlightTerms terms, std::map<std::string, double> weights)
    : analyzer_(analyzer), terms_(std::move(terms)), weights_(std::move(weights)) {}

std::vector<Snippeter::Match> Snippeter::find_matches(const std::vector<AnalyzedToken>& tokens) const {
    std::vector<Match> out;
    std::vector<int> group(tokens.size(), -1);
    std::vector<std::string> phrase_key(tokens.size());
    int next_group = 0;
    for (const auto& phrase : terms_.phrases) {
        if (phrase.empty() || phrase.size() > tokens.size()) continue;
        for (std::size_t i = 0; i + phrase.size() <= tokens.size(); ++i) {
            bool hit = true;
            for (std::size_t k = 0; k < phrase.size() && hit; ++k) hit = tokens[i + k].exact == phrase[k];
            if (!hit) continue;
            for (std::size_t k = 0; k < phrase.size(); ++k) {
                group[i + k] = next_group;
                phrase_key[i + k] = phrase[k];
            }
            ++next_group;
            i += phrase.size() - 1;
        }
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (group[i] >= 0) {
            out.push_back(Match{i, group[i], phrase_key[i]});
        } else if (terms_.stems.count(tokens[i].stem) != 0) {
            out.push_back(Match{i, -1, tokens[i].stem});
        } else if (!tokens[i].alef_stem.empty() && terms_.stems.count(tokens[i].alef_stem) != 0) {
            out.push_back(Match{i, -1, tokens[i].alef_stem});
        } else if (terms_.exacts.count(tokens[i].exact) != 0) {
            out.push_back(Match{i, -1, tokens[i].exact});
        } else if (const auto r = terms_.recall_stems.find(tokens[i].recall_stem);
                   !tokens[i].recall_stem.empty() && r != terms_.recall_stems.end()) {
            out.push_back(Match{i, -1, r->second});
        } else if (const auto k = terms_.skeletons.find(tokens[i].skeleton);
                   !tokens[i].skeleton.empty() && k != terms_.skeletons.end()) {
            out.push_back(Match{i, -1, k->second});
        }
    }
    return out;
}

Snippet Snippeter::render(
    std::string_view text,
    const std::vector<AnalyzedToken>& tokens,
    const std::vector<Match>& matches,
    std::size_t begin,
    std::size_t end,
    bool cut_end
) const {
    Snippet s;
    const bool cut_start = begin > 0;
    if (cut_start) s.text += kEllipsis;
    const std::size_t shift = s.text.size();
    s.text.append(text.substr(begin, end - begin));
    // Line breaks and tabs would break a one-line snippet; each is one byte, so offsets hold.
    for (std::size_t i = shift; i < s.text.size(); ++i) {
        if (s.text[i] == '\n' || s.text[i] == '\r' || s.text[i] == '\t') s.text[i] = ' ';
    }
    if (cut_end) s.text += kEllipsis;

    int last_group = -1;
    for (const Match& m : matches) {
        const Token& t = tokens[m.token].token;
        if (t.begin < begin || t.end > end) continue;
        Highlight h{static_cast<std::uint32_t>(t.begin - begin + shift), static_cast<std::uint32_t>(t.end - begin + shift)};
        // Tokens of one phrase occurrence become one highlight, spaces and all.
        if (m.group >= 0 && m.group == last_group && !s.highlights.empty()) {
            s.highlights.back().end = h.end;
        } else {
            s.highlights.push_back(h);
        }
        last_group = m.group;
    }
    return s;
}

Snippet Snippeter::highlight_all(std::string_view text) const {
    std::vector<AnalyzedToken> tokens;
    analyzer_.analyze(text, tokens);
    return render(text, tokens, find_matches(tokens), 0, text.size(), false);
}

Snippet Snippeter::make(std::string_view text, std::size_t max_bytes) const {
    std::vector<AnalyzedToken> tokens;
    analyzer_.analyze(text, tokens);
    if (tokens.empty()) return Snippet{};
    const std::vector<Match> matches = find_matches(tokens);

    // The window [first token, last token] that fits in max_bytes, starting at token `first`.
    auto window_end = [&](std::size_t first) {
        std::size_t last = first;
        while (last + 1 < tokens.size() && tokens[last + 1].token.end - tokens[first].token.begin <= max_bytes) ++last;
        return last;
    };
    auto weight = [&](const std::string& key) {
        const auto it = weights_.find(key);
        return it == weights_.end() ? 1.0 : it->second;
    };
    auto sentence_start = [&](std::size_t i) {
        return i == 0 || ends_sentence(text, tokens[i - 1].token.end, tokens[i].token.begin);
    };

    // Candidate starts: each match, and up to a third of a window before it (preferring a
    // sentence start there, else a few words of context).
    std::size_t best_first = 0;
    double best_score = -1;
    for (const Match& anchor : matches) {
        const std::size_t a = anchor.token;
        std::size_t first = a;
        std::size_t context_first = a;
        bool found_sentence = false;
        while (first > 0 && tokens[a].token.end - tokens[first - 1].token.begin <= max_bytes / 3) {
            --first;
            if (context_first + 4 > a && !found_sentence) context_first = first;
            if (sentence_start(first)) {
                found_sentence = true;
                break;
            }
        }
        const std::size_t start = found_sentence || first == 0 ? first : context_first;
        const std::size_t last = window_end(start);
        std::set<std::string> seen;
        double score = found_sentence || start == 0 ? 0.25 : 0.0;
        for (std::size_t k = 0; k < matches.size() && matches[k].token <= last; ++k) {
            if (matches[k].token < start) continue;
            const double w = weight(matches[k].key);
            score += seen.insert(matches[k].key).second ? w : 0.1 * w;
            if (matches[k].group >= 0) score += 0.5 * w; // phrase occurrences count more
        }
        if (score > best_score) {
            best_score = score;
            best_first = start;
        }
    }
    const std::size_t last = window_end(best_first);
    const std::size_t begin = best_first == 0 ? 0 : tokens[best_first].token.begin;
    std::size_t end = tokens[last].token.end;
    const bool at_text_end = last + 1 == tokens.size();
    if (at_text_end) {
        // Keep the closing punctuation of the text (a final full stop), not trailing spaces.
        end = text.size();
        while (end > tokens[last].token.end && std::isspace(static_cast<unsigned char>(text[end - 1])) != 0) --end;
        if (end - begin > max_bytes + 16) end = tokens[last].token.end;
    }
    Snippet s = render(text, tokens, matches, begin, end, !at_text_end);
    return s;
}

} // namespace fahras
