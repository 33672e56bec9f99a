#include "common/search/rerank.hpp"

#include "common/index/schema.hpp"
#include "common/search/searcher.hpp"

#include <algorithm>
#include <cmath>

namespace fahras {

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
        if (added) weights_.push_back(w);
        else weights_[it->second] += w; // a term listed twice counts twice, as in the ranking
    }
}

double PassageScorer::best_passage(std::string_view text) const {
    if (weights_.empty() || text.empty()) return 0;
    tokens_.clear();
    analyzer_.analyze(text, tokens_, 0, AnalysisSide::Document);
    // The query terms each word of the text carries, in word order: (position, term index).
    // A word can carry several (its stem and its Snowball stem), each counted, as in the index.
    std::vector<std::pair<std::size_t, std::size_t>> hits;
    auto look = [&](std::string_view prefix, const std::string& value, std::size_t position) {
        if (value.empty()) return;
        key_.assign(prefix);
        key_ += value;
        if (const auto it = index_.find(key_); it != index_.end()) hits.emplace_back(position, it->second);
    };
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
        const AnalyzedToken& t = tokens_[i];
        look(prefix::stem, t.stem, i);
        if (t.alef_stem != t.stem) look(prefix::stem, t.alef_stem, i);
        look(prefix::recall_stem, t.recall_stem, i);
        look(prefix::skeleton, t.skeleton, i);
    }
    if (hits.empty()) return 0;
    std::vector<unsigned> tf(weights_.size(), 0);
    std::vector<std::size_t> seen; // term indices counted in the current window
    const std::size_t step = std::max<std::size_t>(window_ / 2, 1);
    double best = 0;
    std::size_t first_hit = 0; // first entry of `hits` at or after the window's start
    for (std::size_t start = 0;; start += step) {
        while (first_hit < hits.size() && hits[first_hit].first < start) ++first_hit;
        if (first_hit == hits.size()) break;
        if (hits[first_hit].first >= start + window_) continue; // nothing in this window
        for (std::size_t h = first_hit; h < hits.size() && hits[h].first < start + window_; ++h) {
            if (tf[hits[h].second]++ == 0) seen.push_back(hits[h].second);
        }
        double score = 0;
        for (const std::size_t term : seen) {
            const double f = tf[term];
            score += weights_[term] * f / (k1_ + f);
            tf[term] = 0;
        }
        seen.clear();
        best = std::max(best, score);
        if (start + window_ >= tokens_.size()) break;
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
