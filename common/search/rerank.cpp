#include "common/search/rerank.hpp"

#include "common/analysis/normalizer.hpp"
#include "common/analysis/tokenizer.hpp"
#include "common/index/schema.hpp"
#include "common/search/searcher.hpp"
#include "common/util/utf8.hpp"

#include <algorithm>
#include <cmath>

namespace fahras {
namespace {

// The letters of a normalized word as a bit set, for ruling out words cheaply: a stem is the
// word less some affixes, so its letters are among the word's. Alef and the hamza carriers are
// left out (a stemmer may add, drop or fold them), so are the long vowels' other spellings; any
// other character maps to a bit of its own or shares one, which only lets more words through.
std::uint64_t letter_set(std::string_view word) {
    std::uint64_t set = 0;
    std::size_t i = 0;
    while (i < word.size()) {
        const std::int32_t c = utf8::next(word, i);
        if (c < 0) continue;
        if (c == 0x0627 || (c >= 0x0621 && c <= 0x0626) || c == 0x0649) continue; // ا ء آ أ ؤ إ ئ ى
        if (c >= 0x0628 && c <= 0x064A) set |= std::uint64_t{1} << (c - 0x0628); // ب … ي: bits 0–34
        else set |= std::uint64_t{1} << (35 + static_cast<std::uint32_t>(c) % 29);
    }
    return set;
}

bool holds_any(std::uint64_t word, const std::vector<std::uint64_t>& sets) {
    return std::any_of(sets.begin(), sets.end(), [word](std::uint64_t s) { return (word & s) == s; });
}

// Whether the text has Uthmani (Quranic) spelling: a superscript alef, an alef wasla or a
// Quranic mark (U+0670, U+0671, U+06D6–U+06ED). Such words get a second stem and a skeleton
// (analyzer.hpp), so their text goes through the full analysis.
bool has_uthmani(std::string_view text) {
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        const auto t = static_cast<unsigned char>(text[i + 1]);
        if (b == 0xD9 && (t == 0xB0 || t == 0xB1)) return true;
        if (b == 0xDB && t >= 0x96 && t <= 0xAD) return true;
    }
    return false;
}

} // namespace

PassageScorer::PassageScorer(const Analyzer& analyzer, const std::vector<WeightedTerm>& terms, const Xapian::Database& db,
                             const Bm25Params& bm25, std::size_t window)
    : analyzer_(analyzer), window_(std::max<std::size_t>(window, 1)), k1_(bm25.k1) {
    const double n = db.get_doccount();
    for (const WeightedTerm& wt : terms) {
        if (!(wt.factor > 0)) continue;
        const double tf = db.get_termfreq(wt.term);
        if (tf == 0) continue;
        // BM25Weight's idf, as maxscore.cpp computes it (Xapian's floor for common terms).
        double tw = (n - tf + 0.5) / (tf + 0.5);
        if (tw < 2) tw = tw * 0.5 + 1;
        const double w = std::log(tw) * wt.factor * (bm25.k1 + 1);
        const auto [it, added] = index_.emplace(wt.term, weights_.size());
        if (!added) {
            weights_[it->second] += w; // a term listed twice counts twice, as in the ranking
            continue;
        }
        weights_.push_back(w);
        const std::string_view term = wt.term;
        if (term.starts_with(prefix::recall_stem)) {
            recall_sets_.push_back(letter_set(term.substr(prefix::recall_stem.size())));
        } else if (term.starts_with(prefix::stem)) {
            stem_sets_.push_back(letter_set(term.substr(prefix::stem.size())));
        }
    }
    tf_.assign(weights_.size(), 0);
}

void PassageScorer::look(std::string_view prefix, const std::string& value, std::size_t word) const {
    if (value.empty()) return;
    key_.assign(prefix);
    key_ += value;
    if (const auto it = index_.find(key_); it != index_.end()) hits_.emplace_back(word, it->second);
}

double PassageScorer::best_passage(std::string_view text) const {
    if (weights_.empty() || text.empty()) return 0;
    if (has_uthmani(text)) return best_passage_analyzed(text);
    // Modern text: a word has the terms Z + stem and XZ + Snowball stem (document_builder.cpp),
    // and the stemmers are run only for a word whose letters hold some query term's.
    spans_.clear();
    tokenize(text, spans_);
    hits_.clear();
    std::size_t words = 0;
    for (const Token& span : spans_) {
        exact_.clear();
        normalize_append(span.view(text), exact_);
        if (exact_.empty()) continue; // only marks: not a word of the index either
        const std::size_t word = words++;
        const std::uint64_t letters = letter_set(exact_);
        if (holds_any(letters, stem_sets_)) look(prefix::stem, analyzer_.stem(exact_), word);
        if (holds_any(letters, recall_sets_)) look(prefix::recall_stem, analyzer_.recall_stem(exact_), word);
    }
    return best_window(words);
}

double PassageScorer::best_passage_analyzed(std::string_view text) const {
    if (weights_.empty() || text.empty()) return 0;
    tokens_.clear();
    analyzer_.analyze(text, tokens_, 0, AnalysisSide::Document);
    // A word can carry several query terms (its stem and its Snowball stem), each counted, as
    // in the index.
    hits_.clear();
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
        const AnalyzedToken& t = tokens_[i];
        look(prefix::stem, t.stem, i);
        if (t.alef_stem != t.stem) look(prefix::stem, t.alef_stem, i);
        look(prefix::recall_stem, t.recall_stem, i);
        look(prefix::skeleton, t.skeleton, i);
    }
    return best_window(tokens_.size());
}

double PassageScorer::best_window(std::size_t words) const {
    if (hits_.empty()) return 0;
    const std::size_t step = std::max<std::size_t>(window_ / 2, 1);
    double best = 0;
    std::size_t first_hit = 0; // first entry of hits_ at or after the window's start
    for (std::size_t start = 0;; start += step) {
        while (first_hit < hits_.size() && hits_[first_hit].first < start) ++first_hit;
        if (first_hit == hits_.size()) break;
        if (hits_[first_hit].first >= start + window_) continue; // nothing in this window
        for (std::size_t h = first_hit; h < hits_.size() && hits_[h].first < start + window_; ++h) {
            if (tf_[hits_[h].second]++ == 0) seen_.push_back(hits_[h].second);
        }
        double score = 0;
        for (const std::size_t term : seen_) {
            const double f = tf_[term];
            score += weights_[term] * f / (k1_ + f);
            tf_[term] = 0;
        }
        seen_.clear();
        best = std::max(best, score);
        if (start + window_ >= words) break;
    }
    return best;
}

void rerank_by_passages(std::vector<Hit>& hits, const PassageScorer& scorer, std::size_t depth, std::size_t first_rank) {
    const std::size_t n = std::min(depth, hits.size());
    if (n > 1 && !scorer.empty()) {
        for (std::size_t i = 0; i < n; ++i) hits[i].score += scorer.best_passage(hits[i].doc.body);
        std::stable_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n),
                         [](const Hit& a, const Hit& b) { return a.score > b.score; });
    }
    for (std::size_t i = 0; i < hits.size(); ++i) hits[i].rank = first_rank + i;
}

} // namespace fahras
