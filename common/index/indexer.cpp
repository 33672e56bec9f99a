#include "common/index/indexer.hpp"

#include "common/index/document_builder.hpp"
#include "common/util/error.hpp"

#include <chrono>

namespace fahras {

IndexReport run_index(const IndexConfig& config, Diagnostics& diagnostics) {
    const auto started = std::chrono::steady_clock::now();
    IndexReport report;
    IndexWriter writer(config.db_path, config.analyzer, config.writer);
    const Analyzer analyzer(config.analyzer);
    DocumentBuilder builder(analyzer);

    auto stopped = [&] { return config.stop != nullptr && config.stop->load(std::memory_order_relaxed); };

    for (const std::string& path : config.inputs) {
        if (stopped()) break;
        Input input;
        try {
            input = open_input(path);
        } catch (const Error& e) {
            diagnostics.error(SourceLocation{path, 0}, e.what());
            ++report.failed_inputs;
            continue;
        }
        auto reader = make_reader(config.format, input, config.reader, diagnostics);
        while (!stopped()) {
            std::optional<Document> doc;
            try {
                doc = reader->next();
            } catch (const std::exception& e) {
                // A decompressor that throws: report, keep what was indexed, go to the next input.
                diagnostics.error(SourceLocation{path, 0}, std::string("read failed: ") + e.what());
                ++report.rejected;
                break;
            }
            if (!doc) break;
            writer.add(DocumentBuilder::id_term(doc->id), builder.build(*doc));
        }
        const ReaderStats& stats = reader->stats();
        report.rejected += stats.rejected;
        report.generated_ids += stats.generated_ids;
        report.repaired_utf8 += stats.repaired_utf8;
        report.truncated += stats.truncated;
        report.bytes_read += input.raw_bytes_read();
    }
    writer.commit();
    report.indexed = writer.added();
    report.replaced = writer.replaced();
    report.doc_count = writer.doc_count();
    report.interrupted = stopped();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

} // namespace fahras
