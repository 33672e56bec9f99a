/// The indexing run: inputs → readers → DocumentBuilder → IndexWriter, with per-record problems
/// reported to Diagnostics and the run going on. fahras-index is a thin shell over this.
#pragma once

#include "common/analysis/analyzer.hpp"
#include "common/document/reader.hpp"
#include "common/index/index_writer.hpp"
#include "common/util/diagnostics.hpp"

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

namespace fahras {

struct IndexConfig {
    std::string db_path;
    std::vector<std::string> inputs;        ///< paths, "-" for standard input
    InputFormat format = InputFormat::Auto;
    ReaderOptions reader;
    AnalyzerConfig analyzer;
    IndexWriterOptions writer;
    /// Set (e.g. by a SIGINT handler) to stop after the current document; the run commits what
    /// it has and reports `interrupted`.
    const std::atomic<bool>* stop = nullptr;
};

struct IndexReport {
    std::size_t indexed = 0;        ///< documents added or replaced
    std::size_t replaced = 0;       ///< of which replaced an existing document with the same id
    std::size_t rejected = 0;       ///< records not indexed (reported)
    std::size_t generated_ids = 0;  ///< records that got an id from file:line
    std::size_t repaired_utf8 = 0;
    std::size_t truncated = 0;
    std::size_t failed_inputs = 0;  ///< inputs that could not be opened
    std::size_t doc_count = 0;      ///< documents in the database after the run
    std::uint64_t bytes_read = 0;   ///< raw (compressed) input bytes
    double seconds = 0;
    bool interrupted = false;
};

/// Runs the indexing. Throws Error when the database cannot be opened or written.
[[nodiscard]] IndexReport run_index(const IndexConfig& config, Diagnostics& diagnostics);

} // namespace fahras
