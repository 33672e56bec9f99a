// fahras-index: parse the command line, run the indexing, print a summary, map to an exit code.

#include "common/cli/main_wrapper.hpp"
#include "common/index/indexer.hpp"
#include "indexer/options.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace {

std::atomic<bool> g_stop{false};

// Ctrl-C once: stop reading, index what was read, commit, exit 130. Ctrl-C twice: the default
// action (the database keeps its last commit, as after kill -9).
extern "C" void on_interrupt(int signal) {
    g_stop.store(true);
    std::signal(signal, SIG_DFL);
}

} // namespace

int main(int argc, char** argv) {
    return fahras::cli::run_main("fahras-index", [&] {
        auto parsed = fahras::indexer::parse_command_line(argc, argv);
        if (parsed.exit_now) return *parsed.exit_now;

        // Ctrl-C / SIGTERM: finish the batches already read, commit, exit 130.
        std::signal(SIGINT, on_interrupt);
        std::signal(SIGTERM, on_interrupt);
        parsed.config.stop = &g_stop;

        fahras::Diagnostics diagnostics("fahras-index", std::cerr);
        const fahras::IndexReport r = fahras::run_index(parsed.config, diagnostics);
        if (!parsed.quiet) {
            char line[640];
            const double mb = static_cast<double>(r.bytes_read) / 1e6;
            std::snprintf(
                line,
                sizeof line,
                "indexed %zu documents (%zu replaced an earlier version, %zu repeated an id of this run: "
                "the last one kept), %zu rejected, %zu ids generated, %zu repaired UTF-8, %zu cut, %zu skipped "
                "(redirects, other namespaces); database has %zu documents; %.1f MB read in %.1f s (%.2f MB/s)",
                r.indexed,
                r.replaced,
                r.duplicates,
                r.rejected,
                r.generated_ids,
                r.repaired_utf8,
                r.truncated,
                r.skipped,
                r.doc_count,
                mb,
                r.seconds,
                r.seconds > 0 ? mb / r.seconds : 0.0
            );
            diagnostics.note(line);
        }
        if (r.interrupted) {
            diagnostics.note("interrupted: everything indexed so far is committed; run the same command again to finish");
            return fahras::cli::kExitInterrupted;
        }
        if (r.failed_inputs > 0) return fahras::cli::kExitError;
        return r.rejected > 0 ? fahras::cli::kExitNothing : fahras::cli::kExitFound;
    });
}
