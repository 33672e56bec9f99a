// fahras-search: parse the command line, open the database once, run the query or the batch,
// print, exit 0 (some query found hits), 1 (none did) or 2 (an error), as ripgrep does.

#include "common/cli/main_wrapper.hpp"
#include "common/output/printer.hpp"
#include "common/search/search_run.hpp"
#include "common/util/error.hpp"
#include "searcher/options.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace {

std::unique_ptr<fahras::Printer> make_printer(const fahras::searcher::SearchConfig& config, std::ostream& out, bool batch) {
    switch (config.format) {
    case fahras::OutputFormat::Json:
        return fahras::make_json_printer(out);
    case fahras::OutputFormat::Trec:
        return fahras::make_trec_printer(out);
    case fahras::OutputFormat::Text:
        break;
    }
    // Colour is decided for stdout only: a warm pass writes nowhere.
    const bool color = &out == &std::cout && fahras::use_color(config.color, STDOUT_FILENO);
    return fahras::make_text_printer(out, {.color = color, .headings = batch});
}

// Discards what is written (the timed passes after the first print nothing).
class NullBuffer final : public std::streambuf {
  protected:
    int overflow(int c) override { return c; }
    std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

} // namespace

int main(int argc, char** argv) {
    return fahras::cli::run_main("fahras-search", [&] {
        using Clock = std::chrono::steady_clock;
        const auto started = Clock::now();
        auto config = fahras::searcher::parse_command_line(argc, argv);
        if (config.exit_now) return *config.exit_now;

        fahras::Searcher searcher(config.db_path);
        searcher.set_rank_cache_bytes(config.cache_bytes);
        fahras::HitPool pool(searcher, config.threads);
        fahras::Diagnostics diagnostics("fahras-search", std::cerr);
        std::vector<std::string> warnings;
        config.run.search.filters = fahras::make_filters(searcher.database(), config.filters, warnings);
        for (const auto& w : warnings) diagnostics.warning({}, w);

        const bool batch = !config.queries_file.empty();
        if (batch) {
            if (config.queries_file == "-") {
                config.queries = fahras::read_queries(std::cin, "-");
            } else {
                std::ifstream in(config.queries_file);
                if (!in) throw fahras::Error(config.queries_file + ": cannot open query file");
                config.queries = fahras::read_queries(in, config.queries_file);
            }
        }

        std::ofstream run_out;
        std::vector<std::unique_ptr<fahras::Printer>> printers;
        printers.push_back(make_printer(config, std::cout, batch));
        if (!config.run_file.empty()) {
            run_out.open(config.run_file);
            if (!run_out) throw fahras::Error(config.run_file + ": cannot write the run file");
            printers.push_back(fahras::make_trec_printer(run_out));
        }
        auto printer = printers.size() == 1 ? std::move(printers.front()) : fahras::make_tee_printer(std::move(printers));

        std::vector<fahras::PassTimings> passes(1);
        const fahras::RunSummary summary =
            fahras::run_queries(searcher, config.queries, config.run, *printer, diagnostics, &passes.back(), &pool);
        if (config.repeat > 1) {
            // Timing passes: same work (snippets and formatting included), output discarded.
            NullBuffer null_buffer;
            std::ostream null_out(&null_buffer);
            auto warm_printer = make_printer(config, null_out, batch);
            std::ostringstream silent;
            fahras::Diagnostics quiet("fahras-search", silent);
            for (std::size_t pass = 1; pass < config.repeat; ++pass) {
                passes.emplace_back();
                (void)fahras::run_queries(searcher, config.queries, config.run, *warm_printer, quiet, &passes.back(), &pool);
            }
        }
        if (!config.stats_file.empty()) {
            std::ofstream stats(config.stats_file);
            const double wall = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
            stats << fahras::stats_json(passes, wall) << '\n';
            if (!stats) throw fahras::Error(config.stats_file + ": cannot write the stats file");
        }
        if (run_out.is_open()) {
            run_out.close();
            if (!run_out) throw fahras::Error(config.run_file + ": write failed");
        }
        if (!std::cout) return fahras::cli::kExitFound; // a closed pipe (| head) is not an error
        if (summary.errors > 0) return fahras::cli::kExitError;
        return summary.queries_with_hits > 0 ? fahras::cli::kExitFound : fahras::cli::kExitNothing;
    });
}
