// fahras-run: answers a whole query file in one process and writes a TREC run, for the quality
// bench (bench/quality.sh) and for shared/bench/run-peers.sh's ENGINE_* hook.
//
//   fahras-run --db DB --queries FILE --run OUT [--topk N] [--tag NAME] [--repeat N]
//              [--stats FILE] [--stopwords default|none] [--rerank passages|none]
//
// FILE holds `qid<TAB>query` lines. Every query is parsed by the same code as fahras-search
// (analysis read from the database), so the figures describe the real search. --repeat N runs
// the file N times and writes per-query latencies to --stats (pass 1 = first pass, the others
// warm), in the JSON shape run-peers.sh reads.

#include "common/cli/main_wrapper.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/searcher.hpp"
#include "common/util/error.hpp"
#include "common/util/version.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

struct Options {
    std::string db;
    std::string queries;
    std::string run;
    std::string stats;
    std::string tag = "fahras";
    std::size_t topk = 10;
    std::size_t repeat = 1;
    std::string stopwords; // empty: as stored in the database
    bool passage_rerank = true;
};

constexpr const char* kUsage =
    "Usage: fahras-run --db DB --queries FILE --run OUT [OPTIONS]\n\n"
    "Answer every `qid<TAB>query` line of FILE in one process; write a TREC run to OUT.\n\n"
    "Options:\n"
    "  --topk N            results per query (default 10)\n"
    "  --tag NAME          run tag, last TREC column (default fahras)\n"
    "  --repeat N          passes over FILE for latency figures (default 1)\n"
    "  --stats FILE        per-query latency and hit counts as JSON\n"
    "  --stopwords WHICH   default|none: override the stop-word setting stored in DB\n"
    "  --rerank WHICH      passages|none (default passages): questions asking when or how many\n"
    "                      have their top 20 reranked by their best passage (docs/ranking.md)\n"
    "  -h, --help          this help        -V, --version   the version\n";

std::size_t parse_count(const std::string& name, const std::string& value) {
    try {
        std::size_t used = 0;
        const unsigned long v = std::stoul(value, &used);
        if (used == value.size() && v > 0) return v;
    } catch (const std::exception&) {
    }
    throw fahras::UsageError(name + ": expected a positive number, got '" + value + "'");
}

Options parse(int argc, char** argv, int& exit_now) {
    Options o;
    exit_now = -1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::cout << kUsage;
            exit_now = 0;
            return o;
        }
        if (arg == "-V" || arg == "--version") {
            std::cout << fahras::kVersionString << '\n';
            exit_now = 0;
            return o;
        }
        if (i + 1 >= argc) throw fahras::UsageError(arg + ": unknown option or missing value");
        const std::string value = argv[++i];
        if (arg == "--db") o.db = value;
        else if (arg == "--queries") o.queries = value;
        else if (arg == "--run") o.run = value;
        else if (arg == "--stats") o.stats = value;
        else if (arg == "--tag") o.tag = value;
        else if (arg == "--topk") o.topk = parse_count(arg, value);
        else if (arg == "--repeat") o.repeat = parse_count(arg, value);
        else if (arg == "--stopwords") {
            if (value != "default" && value != "none") {
                throw fahras::UsageError("--stopwords: expected one of default|none, got '" + value + "'");
            }
            o.stopwords = value;
        } else if (arg == "--rerank") {
            if (value != "passages" && value != "none") {
                throw fahras::UsageError("--rerank: expected one of passages|none, got '" + value + "'");
            }
            o.passage_rerank = value == "passages";
        } else {
            throw fahras::UsageError("unknown option " + arg);
        }
    }
    if (o.db.empty() || o.queries.empty() || o.run.empty()) {
        throw fahras::UsageError("--db, --queries and --run are required (see --help)");
    }
    return o;
}

struct Query {
    std::string qid;
    std::string text;
};

std::vector<Query> read_queries(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw fahras::Error(path + ": cannot open");
    std::vector<Query> out;
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        const auto tab = line.find('\t');
        if (tab == std::string::npos) {
            std::cerr << "fahras-run: " << path << ":" << n << ": no TAB; expected qid<TAB>query\n";
            continue;
        }
        out.push_back(Query{line.substr(0, tab), line.substr(tab + 1)});
    }
    return out;
}

struct Latency {
    double mean = 0, p50 = 0, p95 = 0;
};

Latency summarize(std::vector<double> ms) {
    Latency l;
    if (ms.empty()) return l;
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : ms) sum += v;
    l.mean = sum / static_cast<double>(ms.size());
    l.p50 = ms[ms.size() / 2];
    l.p95 = ms[std::min(ms.size() - 1, ms.size() * 95 / 100)];
    return l;
}

std::string json_escape(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (c == '"' || c == '\\') out.push_back('\\');
        if (static_cast<unsigned char>(c) < 0x20) continue;
        out.push_back(c);
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    return fahras::cli::run_main("fahras-run", [&] {
        int exit_now = -1;
        const Options o = parse(argc, argv, exit_now);
        if (exit_now >= 0) return exit_now;

        fahras::Searcher searcher(o.db);
        fahras::AnalyzerConfig config = searcher.analyzer().config();
        if (!o.stopwords.empty()) config.stopwords = o.stopwords == "default";
        const fahras::Analyzer analyzer(config);
        const std::vector<Query> queries = read_queries(o.queries);

        std::ofstream run(o.run);
        if (!run) throw fahras::Error(o.run + ": cannot write");
        fahras::SearchOptions search_options;
        search_options.count = o.topk;
        search_options.passage_rerank = o.passage_rerank;

        using Clock = std::chrono::steady_clock;
        std::vector<double> first, warm;
        std::map<std::string, std::size_t> hits;
        std::size_t errors = 0, zero = 0;
        const fahras::TermExists vocabulary = searcher.vocabulary();
        for (std::size_t pass = 0; pass < o.repeat; ++pass) {
            for (const Query& q : queries) {
                const auto started = Clock::now();
                fahras::Results results;
                try {
                    const fahras::ParsedQuery parsed = fahras::parse_query(q.text, analyzer, vocabulary);
                    results = searcher.search(parsed, search_options);
                } catch (const fahras::QueryError& e) {
                    if (pass == 0) {
                        std::cerr << "fahras-run: " << o.queries << ": query " << q.qid << " '" << q.text
                                  << "': " << e.what() << '\n';
                        ++errors;
                    }
                }
                const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
                (pass == 0 ? first : warm).push_back(ms);
                if (pass != 0) continue;
                hits[q.qid] = results.estimated;
                if (results.hits.empty()) ++zero;
                for (const fahras::Hit& hit : results.hits) {
                    run << q.qid << " Q0 " << hit.doc.id << ' ' << hit.rank << ' ' << hit.score << ' ' << o.tag
                        << '\n';
                }
            }
        }
        if (!o.stats.empty()) {
            std::ofstream stats(o.stats);
            if (!stats) throw fahras::Error(o.stats + ": cannot write");
            const Latency f = summarize(first);
            const Latency w = summarize(warm.empty() ? first : warm);
            stats << "{\"queries\":" << queries.size() << ",\"first_pass\":{\"mean\":" << f.mean << ",\"p50\":" << f.p50
                  << ",\"p95\":" << f.p95 << "},\"warm\":{\"mean\":" << w.mean << ",\"p50\":" << w.p50
                  << ",\"p95\":" << w.p95 << "},\"hits\":{";
            bool comma = false;
            for (const auto& [qid, n] : hits) {
                stats << (comma ? "," : "") << '"' << json_escape(qid) << "\":" << n;
                comma = true;
            }
            stats << "}}\n";
        }
        std::cerr << "fahras-run: " << queries.size() << " queries, " << zero << " with no hit, " << errors
                  << " not parsed\n";
        return errors > 0 ? fahras::cli::kExitError : fahras::cli::kExitFound;
    });
}
