#include "searcher/options.hpp"

#include "common/util/error.hpp"
#include "common/util/version.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace fahras::searcher {
namespace po = boost::program_options;

namespace {

struct RawOptions {
    std::string db;
    std::vector<std::string> words;
    std::size_t count = 10;
    std::size_t offset = 0;
    std::size_t snippet_bytes = 240;
    std::string color = "auto";
};

constexpr std::string_view kUsage =
    "Usage: fahras-search --db DB [OPTIONS] QUERY...\n\n"
    "Search the fahras database DB and print the best matches with a snippet of the\n"
    "original text, matched words highlighted. QUERY words are joined by spaces:\n"
    "  word          ranked (light stem); more matched words rank higher\n"
    "  \"a phrase\"    exact words in order (diacritics and hamza forms ignored)\n"
    "  =word         exact normalized form, no stemming\n"
    "  title:word    in the title       -word  exclude       +word  require\n\n"
    "Exit status: 0 hits found, 1 no hits, 2 error.\n\n";

} // namespace

SearchConfig parse_command_line(int argc, char** argv) {
    RawOptions raw;
    po::options_description visible("Options");
    visible.add_options()
        ("help,h", "print this help and exit")
        ("version,V", "print the version and exit")
        ("db,d", po::value(&raw.db)->value_name("DB"), "database directory (required)")
        ("count,n", po::value(&raw.count)->value_name("N"), "number of results (default 10)")
        ("offset", po::value(&raw.offset)->value_name("N"), "skip the first N results (default 0)")
        ("snippet-size", po::value(&raw.snippet_bytes)->value_name("BYTES"), "snippet length in bytes of text (default 240)")
        ("color", po::value(&raw.color)->value_name("WHEN"), "auto|always|never (default auto: only on a terminal, not with NO_COLOR)");
    po::options_description hidden;
    hidden.add_options()("query", po::value(&raw.words)->composing());
    po::options_description all;
    all.add(visible).add(hidden);
    po::positional_options_description positional;
    positional.add("query", -1);

    po::variables_map vm;
    // Allow queries that start with '-' after the options (e.g. `-- -word`).
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);

    SearchConfig c;
    if (vm.count("help") != 0) {
        std::cout << kUsage << visible << '\n';
        c.exit_now = 0;
        return c;
    }
    if (vm.count("version") != 0) {
        std::cout << kVersionString << '\n';
        c.exit_now = 0;
        return c;
    }
    if (raw.db.empty()) throw UsageError("--db is required");
    if (raw.words.empty()) throw UsageError("no QUERY given");
    if (raw.count == 0) throw UsageError("-n must be at least 1");
    if (raw.snippet_bytes < 16) throw UsageError("--snippet-size must be at least 16");

    std::string text;
    for (const auto& w : raw.words) {
        if (!text.empty()) text += ' ';
        text += w;
    }
    c.db_path = raw.db;
    c.queries.push_back(QueryInfo{"1", std::move(text)});
    c.run.search.count = raw.count;
    c.run.search.offset = raw.offset;
    c.run.snippet_bytes = raw.snippet_bytes;
    c.color = parse_color_choice(raw.color);
    return c;
}

} // namespace fahras::searcher
