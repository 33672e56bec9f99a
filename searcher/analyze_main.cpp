// fahras-analyze: shows how fahras analyzes a text, token by token (byte span, original,
// normalized exact form, stem, recall stem, stop word), and optionally how a query is read.
// The tool to reach for when a search surprises you, as Elasticsearch's _analyze.
//
//   fahras-analyze [--db DB | --stemmer NAME] [--format text|json] [--query] [TEXT...]
//
// TEXT words are joined by spaces; without TEXT, standard input is read. With --db the analyzer
// settings stored in that database are used, so the output is exactly what the index holds.

#include "common/analysis/analyzer.hpp"
#include "common/analysis/normalizer.hpp"
#include "common/cli/command_line.hpp"
#include "common/cli/main_wrapper.hpp"
#include "common/index/schema.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/searcher.hpp"
#include "common/util/error.hpp"
#include "common/util/utf8.hpp"
#include "common/util/version.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

namespace {
namespace po = boost::program_options;

constexpr std::string_view kUsage =
    "Usage: fahras-analyze [OPTIONS] [TEXT...]\n\n"
    "Show how fahras analyzes TEXT (or standard input): for each word its byte span in the\n"
    "original, the normalized exact form (phrases, =word), the stem (ranked search; a second\n"
    "stem after a comma for Quranic spellings with a superscript alef, read as today's), the\n"
    "recall-only Snowball stem (light10+snowball), the recall-only stem of the alef skeleton\n"
    "(light10 stemmers) and whether it is a stop word.\n"
    "With --query, analyze TEXT as a query (words get their alef skeleton) and also show the\n"
    "Xapian query that fahras-search would run for it (with --db, including the long-vowel\n"
    "spelling variants that database has: ترمب also finds ترامب).\n\n"
    "Exit status: 0 some words found, 1 no words, 2 error.\n\n";

struct Options {
    std::optional<std::string> db;
    std::string stemmer;
    std::string stopwords;
    std::string format = "text";
    bool query = false;
    std::vector<std::string> words;
};

// Pads `s` to `width` display columns (code points; Arabic marks take none).
std::string pad(const std::string& s, std::size_t width) {
    std::size_t cols = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        const int32_t c = fahras::utf8::next(s, i);
        if (c >= 0 && !fahras::is_dropped_mark(static_cast<char32_t>(c))) ++cols;
    }
    std::string out = s;
    if (cols < width) out.append(width - cols, ' ');
    return out;
}

} // namespace

int main(int argc, char** argv) {
    return fahras::cli::run_main("fahras-analyze", [&] {
        Options o;
        po::options_description visible("Options");
        fahras::cli::add_help_and_version(visible);
        visible.add_options()
            ("db,d", po::value<std::string>()->value_name("DB"), "use the analyzer settings stored in this database")
            ("stemmer", po::value(&o.stemmer)->value_name("NAME"), "light10|light10+snowball|snowball|none (default light10+snowball; not with --db)")
            ("stopwords", po::value(&o.stopwords)->value_name("LIST"), "default|none (default none; not with --db)")
            ("format,f", po::value(&o.format)->value_name("FMT"), "text|json (default text; json: one JSON object a token)")
            ("query,q", po::bool_switch(&o.query), "also print the query fahras-search builds from TEXT");
        po::variables_map vm;
        if (const auto done = fahras::cli::parse_command_line(argc, argv, kUsage, visible, "text", o.words, vm)) return *done;
        if (vm.count("db") != 0) o.db = vm["db"].as<std::string>();
        if (o.db && (!o.stemmer.empty() || !o.stopwords.empty())) {
            throw fahras::UsageError("--stemmer, --stopwords: not with --db (the database says)");
        }
        if (!o.stopwords.empty() && o.stopwords != "default" && o.stopwords != "none") {
            throw fahras::UsageError("--stopwords: expected one of default|none, got '" + o.stopwords + "'");
        }
        if (o.format != "text" && o.format != "json") {
            throw fahras::UsageError("--format: expected one of text|json, got '" + o.format + "'");
        }

        fahras::AnalyzerConfig config;
        std::optional<fahras::Searcher> searcher;
        if (o.db) {
            searcher.emplace(*o.db);
            config = searcher->analyzer().config();
        } else {
            if (!o.stemmer.empty()) config.stemmer = fahras::parse_stemmer_kind(o.stemmer);
            if (!o.stopwords.empty()) config.stopwords = o.stopwords == "default";
        }
        const fahras::Analyzer analyzer(config);

        std::string text;
        if (o.words.empty()) {
            text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        } else {
            for (const auto& w : o.words) {
                if (!text.empty()) text += ' ';
                text += w;
            }
        }
        std::size_t replaced = 0;
        const std::string repaired = fahras::utf8::repair(text, replaced);
        if (replaced > 0) {
            std::cerr << "fahras-analyze: warning: " << replaced << " invalid UTF-8 sequence(s) replaced by U+FFFD\n";
        }

        std::vector<fahras::AnalyzedToken> tokens;
        // As a document is indexed, or (--query) as a query is read: only the alef skeleton
        // differs (a query word always gets one, a document word only in Uthmani spelling).
        analyzer.analyze(repaired, tokens, 0, o.query ? fahras::AnalysisSide::Query : fahras::AnalysisSide::Document);
        const bool recall = analyzer.has_recall_stems();
        const bool skeletons = analyzer.has_skeletons();
        if (o.format == "json") {
            for (const auto& t : tokens) {
                nlohmann::json j = {
                    {"position", t.token.position},
                    {"start", t.token.begin},
                    {"end", t.token.end},
                    {"text", std::string(t.token.view(repaired))},
                    {"exact", t.exact},
                    {"stem", t.stem},
                    {"stop", t.stop},
                };
                if (recall) j["recall_stem"] = t.recall_stem;
                if (skeletons) j["skeleton"] = t.skeleton;
                if (!t.alef_stem.empty()) j["alef_stem"] = t.alef_stem;
                std::cout << j.dump() << '\n';
            }
        } else {
            std::cout << "analyzer: " << config.to_metadata() << '\n';
            std::cout << "pos  bytes      " << pad("original", 16) << pad("exact", 14) << pad("stem", 12)
                      << (recall ? pad("snowball", 12) : "") << (skeletons ? pad("skeleton", 12) : "") << "stop\n";
            for (const auto& t : tokens) {
                std::ostringstream span;
                span << t.token.begin << '-' << t.token.end;
                std::string pos = std::to_string(t.token.position);
                pos.resize(std::max<std::size_t>(pos.size() + 1, 5), ' ');
                std::string bytes = span.str();
                bytes.resize(std::max<std::size_t>(bytes.size() + 1, 11), ' ');
                std::cout << pos << bytes << pad(std::string(t.token.view(repaired)), 15) << ' ' << pad(t.exact, 13)
                          << ' ' << pad(t.alef_stem.empty() ? t.stem : t.stem + "," + t.alef_stem, 11) << ' ' << (recall ? pad(t.recall_stem, 11) + " " : "")
                          << (skeletons ? pad(t.skeleton, 11) + " " : "")
                          << (t.stop ? "stop" : "") << '\n';
            }
        }
        if (o.query) {
            try {
                const fahras::ParsedQuery parsed = fahras::parse_query(
                    repaired, analyzer, searcher ? searcher->vocabulary() : fahras::TermExists{}
                );
                const std::string description = parsed.query.get_description();
                if (o.format == "json") {
                    std::cout << nlohmann::json{{"query", description}}.dump() << '\n';
                } else {
                    std::cout << "query: " << description << '\n';
                }
            } catch (const fahras::QueryError& e) {
                std::cerr << "fahras-analyze: query: " << e.what() << '\n';
                return fahras::cli::kExitError;
            }
        }
        return tokens.empty() ? fahras::cli::kExitNothing : fahras::cli::kExitFound;
    });
}
