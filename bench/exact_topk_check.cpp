// fahras-topk-check: checks and times exact top-k on a real index.
//
// For every query of a TSV file (qid<TAB>query) and every k, it compares four rankings:
//   pruned      Xapian's own get_mset(0, k)            (fast, can lose a document)
//   exhaustive  get_mset(0, k, doccount)               (exact reference)
//   two-pass    exact_top_k(): pruned pass + MaxScore  (fahras-search for queries with operators)
//   own         maxscore_top_k(): fahras's one-pass MaxScore over Xapian's postings (fahras-search
//               for queries of ranked words only; the others fall back to two-pass here)
// and prints how many queries differ from the reference (own: also in weight, beyond 1e-9
// relative; "own tie": only the order of documents whose weights are equal within 1e-9, see
// compare()), and the time per query of each. All four rank with the searcher's BM25.
// "own" reads its postings and document lengths from memory (rank_cache.hpp) as fahras-search
// does, with a budget of --cache-mb MiB (default that of fahras-search; 0: from Xapian's
// posting lists, the path without the cache).
//
//   fahras-topk-check [--cache-mb MB] DB QUERIES.tsv [K...]   (default K: 1 2 3 5 10 20 50 100)

#include "common/search/exact_topk.hpp"
#include "common/search/maxscore.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/searcher.hpp"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Timing {
    std::vector<double> us;
    void add(Clock::duration d) { us.push_back(std::chrono::duration<double, std::micro>(d).count()); }
    double pct(double p) {
        if (us.empty()) return 0;
        std::sort(us.begin(), us.end());
        return us[std::min(us.size() - 1, static_cast<std::size_t>(p * static_cast<double>(us.size())))];
    }
    double mean() const {
        double s = 0;
        for (double u : us) s += u;
        return us.empty() ? 0 : s / static_cast<double>(us.size());
    }
};

bool close(double a, double b) { return std::abs(a - b) <= 1e-9 * std::abs(b); }

enum class Match { Same, TieOrder, Differ };

// `a` against the reference `b`. Two weights within 1e-9 (relative) are a tie: documents whose
// BM25 sums are equal but were added in another order can differ in the last bit, and then
// either order is right (and at the k-th rank either member of the tie). Such a ranking is
// TieOrder, counted apart; Differ is a document missing or a weight wrong. Without `weights`,
// docids are compared rank by rank (Xapian's own rankings: same sums, same bits).
Match compare(const fahras::TopKResult& a, const fahras::TopKResult& b, bool weights = false) {
    if (a.docs.size() != b.docs.size()) return Match::Differ;
    bool ties = false;
    for (std::size_t i = 0; i < a.docs.size(); ++i) {
        if (weights && !close(a.docs[i].weight, b.docs[i].weight)) return Match::Differ;
        if (a.docs[i].docid == b.docs[i].docid) continue;
        if (!weights) return Match::Differ;
        // The run of ranks tied with rank i in the reference: the same documents in any order,
        // except for a run cut by the end of the top k (its other members are beyond k).
        std::size_t end = i;
        while (end < b.docs.size() && close(b.docs[end].weight, b.docs[i].weight)) ++end;
        std::size_t begin = i;
        while (begin > 0 && close(b.docs[begin - 1].weight, b.docs[i].weight)) --begin;
        if (end < b.docs.size()) {
            std::vector<Xapian::docid> x, y;
            for (std::size_t j = begin; j < end; ++j) {
                x.push_back(a.docs[j].docid);
                y.push_back(b.docs[j].docid);
            }
            std::sort(x.begin(), x.end());
            std::sort(y.begin(), y.end());
            if (x != y) return Match::Differ;
        }
        ties = true;
    }
    return ties ? Match::TieOrder : Match::Same;
}

bool same(const fahras::TopKResult& a, const fahras::TopKResult& b) { return compare(a, b) == Match::Same; }

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args;
    std::size_t cache_bytes = fahras::RankCache::kDefaultBudgetBytes;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::cout << "usage: fahras-topk-check [--cache-mb MB] DB QUERIES.tsv [K...]\n"
                         "Compares, for every query and k, Xapian's pruned top k, fahras's two-pass and own\n"
                         "MaxScore with a full evaluation, and times them. --cache-mb: the own MaxScore's\n"
                         "posting-list cache (default 128; 0: read Xapian's posting lists).\n";
            return 0;
        }
        if (a == "--cache-mb" && i + 1 < argc) {
            cache_bytes = static_cast<std::size_t>(std::stoul(argv[++i])) << 20;
            continue;
        }
        args.push_back(a);
    }
    if (args.size() < 2) {
        std::cerr << "usage: fahras-topk-check [--cache-mb MB] DB QUERIES.tsv [K...]\n";
        return 2;
    }
    std::vector<Xapian::doccount> ks;
    for (std::size_t i = 2; i < args.size(); ++i) ks.push_back(static_cast<Xapian::doccount>(std::stoul(args[i])));
    if (ks.empty()) ks = {1, 2, 3, 5, 10, 20, 50, 100};

    // FAHRAS_TOPK_FULL_BELOW sets ExactTopKOptions::full_evaluation_below (to tune it).
    fahras::ExactTopKOptions topk_options;
    if (const char* env = std::getenv("FAHRAS_TOPK_FULL_BELOW")) {
        topk_options.full_evaluation_below = static_cast<Xapian::doccount>(std::stoul(env));
    }
    fahras::Searcher searcher(args[0]);
    const Xapian::Database& db = searcher.database();
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(searcher.bm25().weight());

    std::vector<std::pair<std::string, fahras::ParsedQuery>> queries;
    std::ifstream in(args[1]);
    std::string line;
    while (std::getline(in, line)) {
        const auto tab = line.find('\t');
        const std::string qid = tab == std::string::npos ? std::to_string(queries.size() + 1) : line.substr(0, tab);
        const std::string text = tab == std::string::npos ? line : line.substr(tab + 1);
        try {
            queries.emplace_back(qid, fahras::parse_query(text, searcher.analyzer(), searcher.vocabulary()));
        } catch (const std::exception&) {
        }
    }
    std::printf("db %s: %u docs, %zu queries\n", args[0].c_str(), db.get_doccount(), queries.size());
    fahras::TermStatsCache term_stats;
    fahras::RankCache memory(cache_bytes);
    std::size_t own_eligible = 0;
    for (const auto& [qid, parsed] : queries) own_eligible += parsed.disjunction.empty() ? 0 : 1;
    std::printf("%zu of them with a plain sum of ranked words (own MaxScore)\n", own_eligible);
    std::printf("%5s %8s %8s %8s %8s | %10s %10s %10s %10s | %10s %10s %10s %10s | %s\n", "k", "pruned≠", "2pass≠", "own≠", "own tie",
                "pruned µs", "exhaust µs", "2pass µs", "own µs", "p50 prun", "p50 exh", "p50 2pass", "p50 own",
                "two-pass strategies (safe/unfilled/maxscore/exhaustive)");
    for (const Xapian::doccount k : ks) {
        std::size_t pruned_wrong = 0, fahras_wrong = 0, own_wrong = 0, own_ties = 0;
        std::size_t strategies[5] = {0, 0, 0, 0, 0};
        Timing t_pruned, t_exhaustive, t_fahras, t_own;
        for (const auto& [qid, parsed] : queries) {
            const Xapian::Query& q = parsed.query;
            auto t0 = Clock::now();
            enquire.set_query(q);
            const Xapian::MSet m = enquire.get_mset(0, k);
            fahras::TopKResult pruned;
            for (auto it = m.begin(); it != m.end(); ++it) pruned.docs.push_back({*it, it.get_weight(), {}});
            auto t1 = Clock::now();
            const auto exhaustive = fahras::exhaustive_top_k(enquire, db, q, 0, k);
            auto t2 = Clock::now();
            const auto exact = fahras::exact_top_k(enquire, db, q, 0, k, topk_options);
            auto t3 = Clock::now();
            const auto own = parsed.disjunction.empty() ? exact
                                                        : fahras::maxscore_top_k(db, parsed.disjunction, 0, k, searcher.bm25(), parsed.required, parsed.excluded, &term_stats, &memory);
            auto t4 = Clock::now();
            t_pruned.add(t1 - t0);
            t_exhaustive.add(t2 - t1);
            t_fahras.add(t3 - t2);
            t_own.add(parsed.disjunction.empty() ? t3 - t2 : t4 - t3);
            if (const Match match = compare(own, exhaustive, true); match == Match::Differ) {
                ++own_wrong;
                std::fprintf(stderr, "k=%u %s: own MaxScore top-k differs from the exact one\n", k, qid.c_str());
            } else if (match == Match::TieOrder) {
                ++own_ties;
                std::fprintf(stderr, "k=%u %s: own MaxScore orders a tie (weights equal within 1e-9) otherwise\n", k, qid.c_str());
            }
            ++strategies[static_cast<int>(exact.strategy)];
            if (!same(pruned, exhaustive)) {
                ++pruned_wrong;
                if (k <= 10) std::fprintf(stderr, "k=%u %s: Xapian's pruned top-k differs from the exact one\n", k, qid.c_str());
            }
            if (!same(exact, exhaustive)) {
                ++fahras_wrong;
                std::fprintf(stderr, "k=%u %s: fahras top-k differs from the exact one\n", k, qid.c_str());
            }
        }
        std::printf("%5u %8zu %8zu %8zu %8zu | %10.1f %10.1f %10.1f %10.1f | %10.1f %10.1f %10.1f %10.1f | %zu/%zu/%zu/%zu\n", k,
                    pruned_wrong, fahras_wrong, own_wrong, own_ties, t_pruned.mean(), t_exhaustive.mean(), t_fahras.mean(),
                    t_own.mean(), t_pruned.pct(0.5), t_exhaustive.pct(0.5), t_fahras.pct(0.5), t_own.pct(0.5),
                    strategies[0], strategies[1], strategies[2], strategies[3]);
    }
    const auto c = memory.counters();
    std::printf("posting-list cache (%zu MiB): %zu lists, %zu postings, %.1f MiB held; %zu hits, %zu misses, %zu evictions, %zu too large\n",
                memory.budget() >> 20, c.lists, c.postings, static_cast<double>(c.bytes) / (1 << 20), c.hits, c.misses, c.evictions, c.uncached);
    return 0;
}
