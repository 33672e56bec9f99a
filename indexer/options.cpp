#include "indexer/options.hpp"

#include "common/util/error.hpp"
#include "common/util/version.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace fahras::indexer {
namespace po = boost::program_options;

namespace {

struct RawOptions {
    std::string db;
    std::vector<std::string> inputs;
    std::string format = "auto";
    std::string stemmer = "light10+snowball";
    std::string stopwords = "none";
    std::string id_field = "id";
    std::string title_field = "title";
    std::string body_field = "body";
    std::string date_field = "date";
    std::size_t commit_every = 10000;
    std::size_t max_body_bytes = 16u << 20;
};

constexpr std::string_view kUsage = "Usage: fahras-index --db DB [OPTIONS] INPUT...\n\n"
                                    "Index Arabic documents into the Xapian database DB (created if missing).\n"
                                    "INPUT is a JSON Lines file (plain, .gz, .bz2, .xz or .zst, found by\n"
                                    "content), or - for standard input. Re-indexing a document with the same\n"
                                    "id replaces it.\n\n"
                                    "Exit status: 0 all indexed, 1 some records rejected (reported on stderr),\n"
                                    "2 the run could not do its job, 130 interrupted (committed).\n\n";

} // namespace

ParsedCommandLine parse_command_line(int argc, char** argv) {
    RawOptions raw;
    bool quiet = false;
    po::options_description visible("Options");
    visible.add_options()
        ("help,h", "print this help and exit")
        ("version,V", "print the version and exit")
        ("db,d", po::value(&raw.db)->value_name("DB"), "database directory (required)")
        ("format,f", po::value(&raw.format)->value_name("FMT"), "input format: auto|jsonl|text|wikixml (default auto)")
        ("stemmer", po::value(&raw.stemmer)->value_name("NAME"), "light10|light10+snowball|snowball|none (default light10+snowball); stored in DB")
        ("stopwords", po::value(&raw.stopwords)->value_name("LIST"), "default|none: drop Arabic stop words from ranked queries (default none); stored in DB")
        ("id-field", po::value(&raw.id_field)->value_name("NAME"), "JSON field with the document id (default id)")
        ("title-field", po::value(&raw.title_field)->value_name("NAME"), "JSON field with the title (default title)")
        ("body-field", po::value(&raw.body_field)->value_name("NAME"), "JSON field with the text (default body)")
        ("date-field", po::value(&raw.date_field)->value_name("NAME"), "JSON field with the date yyyy-mm-dd (default date)")
        ("commit-every", po::value(&raw.commit_every)->value_name("N"), "commit every N documents (default 10000)")
        ("max-body-bytes", po::value(&raw.max_body_bytes)->value_name("N"), "cut longer bodies, with a warning (default 16 MiB)")
        ("quiet,q", po::bool_switch(&quiet), "no summary line");
    po::options_description hidden;
    hidden.add_options()("input", po::value(&raw.inputs)->composing());
    po::options_description all;
    all.add(visible).add(hidden);
    po::positional_options_description positional;
    positional.add("input", -1);

    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);

    ParsedCommandLine out;
    if (vm.count("help") != 0) {
        std::cout << kUsage << visible << '\n';
        out.exit_now = 0;
        return out;
    }
    if (vm.count("version") != 0) {
        std::cout << kVersionString << '\n';
        out.exit_now = 0;
        return out;
    }
    if (raw.db.empty()) throw UsageError("--db is required");
    if (raw.inputs.empty()) throw UsageError("no INPUT given (use - for standard input)");
    if (raw.max_body_bytes == 0) throw UsageError("--max-body-bytes must be positive");

    IndexConfig& c = out.config;
    c.db_path = raw.db;
    c.inputs = raw.inputs;
    c.format = parse_input_format(raw.format);
    c.analyzer.stemmer = parse_stemmer_kind(raw.stemmer);
    if (raw.stopwords != "default" && raw.stopwords != "none") {
        throw UsageError("--stopwords: expected one of default|none, got '" + raw.stopwords + "'");
    }
    c.analyzer.stopwords = raw.stopwords == "default";
    c.reader.id_field = raw.id_field;
    c.reader.title_field = raw.title_field;
    c.reader.body_field = raw.body_field;
    c.reader.date_field = raw.date_field;
    c.reader.max_body_bytes = raw.max_body_bytes;
    c.writer.commit_every = raw.commit_every;
    out.quiet = quiet;
    return out;
}

} // namespace fahras::indexer
