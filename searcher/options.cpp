#include "searcher/options.hpp"

#include "common/cli/command_line.hpp"
#include "common/util/error.hpp"
#include "common/util/version.hpp"

#include <boost/program_options.hpp>

#include <charconv>
#include <iostream>
#include <optional>
#include <thread>

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
    std::string format = "text";
    std::string queries;
    std::string run;
    std::string stats;
    std::size_t repeat = 1;
    std::string rerank = "passages";
    std::size_t cache_mb = RankCache::kDefaultBudgetBytes >> 20;
    std::string threads = "auto";
    std::vector<std::string> sources;
    std::vector<std::string> categories;
    std::string date_from;
    std::string date_to;
};

constexpr std::string_view kUsage =
    "Usage: fahras-search --db DB [OPTIONS] QUERY...\n"
    "       fahras-search --db DB [OPTIONS] --queries FILE|-\n\n"
    "Search the fahras database DB and print the best matches with a snippet of the\n"
    "original text, matched words highlighted. QUERY words are joined by spaces\n"
    "(docs/query.md has the full language, with examples):\n"
    "  word          ranked (light stem); more matched words rank higher\n"
    "  \"a phrase\"    exact words in order (diacritics and hamza forms ignored)\n"
    "  =word         exact normalized form, no stemming        pre*   words starting with pre\n"
    "  title:word    in the title     -word  exclude     +word  require\n"
    "  a OR b        either           a AND b  both      ( ... )  grouping\n"
    "A query that starts with '-' goes after '--': fahras-search --db DB -- -word other\n\n"
    "--queries reads one query a line, 'qid<TAB>query' or a bare query (qid = line number),\n"
    "and answers them all in one process.\n\n"
    "Exit status: 0 some query found hits, 1 none did, 2 an error (bad query, bad option,\n"
    "unreadable database).\n\n";

// A decimal count, or nothing if `s` is not one.
std::optional<std::size_t> parse_count(const std::string& s) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return n;
}

std::string filter_date(const std::string& value, const char* option) {
    if (value.empty()) return {};
    const auto d = parse_filter_date(value);
    if (!d) throw UsageError(std::string(option) + ": expected yyyy, yyyy-mm or yyyy-mm-dd, got '" + value + "'");
    return *d;
}

} // namespace

SearchConfig parse_command_line(int argc, char** argv) {
    RawOptions raw;
    po::options_description visible("Options");
    cli::add_help_and_version(visible);
    visible.add_options()
        ("db,d", po::value(&raw.db)->value_name("DB"), "database directory (required)")
        ("queries,q", po::value(&raw.queries)->value_name("FILE"), "run every query of FILE ('-': stdin), one a line")
        ("count,n", po::value(&raw.count)->value_name("N"), "results per query (default 10)")
        ("offset", po::value(&raw.offset)->value_name("N"), "skip the first N results (default 0): paging")
        ("format,f", po::value(&raw.format)->value_name("FMT"), "text|json|trec (default text); docs/output.md")
        ("color", po::value(&raw.color)->value_name("WHEN"), "auto|always|never (default auto: only on a terminal, not with NO_COLOR)")
        ("snippet-size", po::value(&raw.snippet_bytes)->value_name("BYTES"), "snippet length in bytes of text (default 240)")
        ("source", po::value(&raw.sources)->value_name("NAME")->composing(), "only documents from this source (repeatable: any of them)")
        ("category", po::value(&raw.categories)->value_name("NAME")->composing(), "only documents of this category (repeatable)")
        ("date-from", po::value(&raw.date_from)->value_name("DATE"), "only documents dated DATE or later (yyyy[-mm[-dd]])")
        ("date-to", po::value(&raw.date_to)->value_name("DATE"), "only documents dated DATE or earlier (a year or month: all of it)")
        ("run", po::value(&raw.run)->value_name("FILE"), "also write a TREC run to FILE")
        ("stats", po::value(&raw.stats)->value_name("FILE"), "write per-query timings (p50/p95) as JSON to FILE")
        ("repeat", po::value(&raw.repeat)->value_name("N"), "run the queries N times, print the first pass (timing)")
        ("rerank", po::value(&raw.rerank)->value_name("WHICH"), "passages|none (default passages: a question asking when or how many has its top 20 reranked by its best passage; docs/ranking.md)")
        ("cache-mb", po::value(&raw.cache_mb)->value_name("MB"), "memory for decoded posting lists of ranking, in MiB (default 128; 0: off, read the index each time)")
        ("threads", po::value(&raw.threads)->value_name("N"), "threads a query uses (its ranking in two halves, its hits' documents and snippets): auto (default: 2 when the machine has 2 cores or more) or 1-64; output is the same");
    po::variables_map vm;
    SearchConfig c;
    // Queries that start with '-' go after "--" (fahras-search --db DB -- -word).
    c.exit_now = cli::parse_command_line(argc, argv, kUsage, visible, "query", raw.words, vm);
    if (c.exit_now) return c;
    if (raw.db.empty()) throw UsageError("--db is required");
    if (raw.words.empty() && raw.queries.empty()) throw UsageError("no QUERY given (or --queries FILE)");
    if (!raw.words.empty() && !raw.queries.empty()) throw UsageError("give a QUERY or --queries, not both");
    if (raw.count == 0) throw UsageError("-n must be at least 1");
    if (raw.count > 10000) throw UsageError("-n must be at most 10000");
    if (raw.offset > 1000000) throw UsageError("--offset must be at most 1000000");
    if (raw.snippet_bytes < 16) throw UsageError("--snippet-size must be at least 16");
    if (raw.repeat == 0 || raw.repeat > 1000) throw UsageError("--repeat must be between 1 and 1000");
    if (raw.rerank != "passages" && raw.rerank != "none") {
        throw UsageError("--rerank: expected passages or none, got '" + raw.rerank + "'");
    }
    if (raw.cache_mb > (std::size_t{1} << 20)) throw UsageError("--cache-mb must be at most 1048576");
    std::size_t threads = 0;
    if (raw.threads == "auto") {
        // Two: a query has ten hits, and a third thread saves little more than it costs to
        // hand out (bench/search-latency.md).
        threads = std::thread::hardware_concurrency() >= 2 ? 2 : 1;
    } else {
        const auto n = parse_count(raw.threads);
        if (!n || *n < 1 || *n > 64) throw UsageError("--threads: expected auto or a number from 1 to 64, got '" + raw.threads + "'");
        threads = *n;
    }

    std::string text;
    for (const auto& w : raw.words) {
        if (!text.empty()) text += ' ';
        text += w;
    }
    c.db_path = raw.db;
    if (!raw.words.empty()) c.queries.push_back(QueryInfo{"1", std::move(text), {}});
    c.queries_file = raw.queries;
    c.run.search.count = raw.count;
    c.run.search.offset = raw.offset;
    c.run.search.passage_rerank = raw.rerank == "passages";
    c.run.snippet_bytes = raw.snippet_bytes;
    c.format = parse_output_format(raw.format);
    c.color = parse_color_choice(raw.color);
    c.run_file = raw.run;
    c.stats_file = raw.stats;
    c.repeat = raw.repeat;
    c.cache_bytes = raw.cache_mb << 20;
    c.threads = threads;
    c.filters.sources = raw.sources;
    c.filters.categories = raw.categories;
    c.filters.date_from = filter_date(raw.date_from, "--date-from");
    c.filters.date_to = filter_date(raw.date_to, "--date-to");
    if (!c.filters.date_from.empty() && !c.filters.date_to.empty() && c.filters.date_to < c.filters.date_from.substr(0, c.filters.date_to.size())) {
        throw UsageError("--date-to " + raw.date_to + " is before --date-from " + raw.date_from);
    }
    return c;
}

} // namespace fahras::searcher
