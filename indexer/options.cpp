#include "indexer/options.hpp"

#include "common/cli/command_line.hpp"
#include "common/util/error.hpp"
#include "common/util/version.hpp"

#include <boost/program_options.hpp>

#include <iostream>

#include <unistd.h>

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
    std::size_t commit_every = fahras::IndexWriterOptions{}.commit_every;
    std::size_t commit_postings = fahras::IndexWriterOptions{}.commit_postings;
    std::size_t max_body_bytes = 16u << 20;
    unsigned threads = 0;
    unsigned shards = 0;
    std::size_t batch = fahras::IndexConfig{}.batch_docs;
};

constexpr std::string_view kUsage = "Usage: fahras-index --db DB [OPTIONS] INPUT...\n\n"
                                    "Index Arabic documents into the Xapian database DB (created if missing).\n"
                                    "INPUT is a JSON Lines file, a MediaWiki XML dump, a plain-text file (one\n"
                                    "document: first line = title), a folder (walked recursively; a text file's\n"
                                    "id is its path in the folder), or - for standard input. Any of them may be\n"
                                    "compressed with gzip, bzip2, xz or zstd (found by content). Re-indexing a\n"
                                    "document with the same id replaces it; within one run the last one wins.\n\n"
                                    "Progress is shown on a terminal (stderr), or anywhere with --progress.\n\n"
                                    "Exit status: 0 all indexed, 1 some records rejected (reported on stderr),\n"
                                    "2 the run could not do its job, 130 interrupted (committed).\n\n";

} // namespace

ParsedCommandLine parse_command_line(int argc, char** argv) {
    RawOptions raw;
    bool quiet = false;
    bool compact = false;
    bool direct = false;
    bool sync_commits = false;
    bool progress = false;
    bool no_progress = false;
    po::options_description visible("Options");
    cli::add_help_and_version(visible);
    visible.add_options()
        ("db,d", po::value(&raw.db)->value_name("DB"), "database directory (required)")
        ("format,f", po::value(&raw.format)->value_name("FMT"), "input format: auto|jsonl|text|wikixml (default auto)")
        ("stemmer", po::value(&raw.stemmer)->value_name("NAME"), "light10|light10+snowball|snowball|none (default light10+snowball); stored in DB")
        ("stopwords", po::value(&raw.stopwords)->value_name("LIST"), "default|none: drop Arabic stop words from ranked queries (default none); stored in DB")
        ("id-field", po::value(&raw.id_field)->value_name("NAME"), "JSON field with the document id (default id)")
        ("title-field", po::value(&raw.title_field)->value_name("NAME"), "JSON field with the title (default title)")
        ("body-field", po::value(&raw.body_field)->value_name("NAME"), "JSON field with the text (default body)")
        ("date-field", po::value(&raw.date_field)->value_name("NAME"), "JSON field with the date yyyy-mm-dd (default date)")
        ("threads,j", po::value(&raw.threads)->value_name("N"), "analysis threads (default: one per core)")
        ("shards", po::value(&raw.shards)->value_name("S"), "shards of a new database, written in parallel and searched as one (default: one per core, at most 4; an existing database keeps its own)")
        ("batch", po::value(&raw.batch)->value_name("N"), "documents per worker batch (default 64)")
        ("commit-every", po::value(&raw.commit_every)->value_name("N"), "commit a writer every N of its documents (default 250; 0 = no limit)")
        ("commit-postings", po::value(&raw.commit_postings)->value_name("N"), "commit a writer every N of its term postings (default 200000)")
        ("sync-commits", po::bool_switch(&sync_commits), "fsync every commit, not only the last (slower)")
        ("max-body-bytes", po::value(&raw.max_body_bytes)->value_name("N"), "cut longer bodies, with a warning (default 16 MiB)")
        ("direct", po::bool_switch(&direct), "write a new database in place, commit by commit, instead of from parts merged at the end (slower)")
        ("compact", po::bool_switch(&compact), "compact the database at the end (smaller, faster to search); shards are merged into one database")
        ("progress", po::bool_switch(&progress), "show progress even when stderr is not a terminal")
        ("no-progress", po::bool_switch(&no_progress), "never show progress")
        ("quiet,q", po::bool_switch(&quiet), "no summary line, no progress");
    po::variables_map vm;
    ParsedCommandLine out;
    out.exit_now = cli::parse_command_line(argc, argv, kUsage, visible, "input", raw.inputs, vm);
    if (out.exit_now) return out;
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
    c.writer.commit_postings = raw.commit_postings;
    c.writer.sync_every_commit = sync_commits;
    c.threads = raw.threads;
    if (vm.count("shards") != 0 && raw.shards == 0) throw UsageError("--shards must be positive");
    c.shards = raw.shards;
    if (raw.batch == 0) throw UsageError("--batch must be positive");
    c.batch_docs = raw.batch;
    c.compact = compact;
    c.direct = direct;
    if (progress && no_progress) throw UsageError("--progress and --no-progress contradict each other");
    c.progress = progress || (!no_progress && !quiet && ::isatty(STDERR_FILENO) != 0);
    out.quiet = quiet;
    return out;
}

} // namespace fahras::indexer
