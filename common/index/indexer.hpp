/// The indexing run: inputs → readers → DocumentBuilder → IndexWriter, with per-record problems
/// reported to Diagnostics and the run going on. fahras-index is a thin shell over this.
///
/// Threads: one reader thread parses the inputs and cuts the documents into batches; `threads`
/// workers each own an Analyzer and a DocumentBuilder and turn a batch into Xapian::Documents;
/// the calling thread takes the batches back in input order and deals each document to the
/// shard of its id (common/index/shards.hpp); each shard has its own Xapian writer thread,
/// fed in input order, so "the last of two equal ids wins" means the last in the input, and
/// shards write in parallel. A Xapian::Document is built by one worker and then handed over
/// whole: no Xapian object is ever used by two threads at once.
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
    std::vector<std::string> inputs;        ///< files, folders (walked recursively), "-" for standard input
    InputFormat format = InputFormat::Auto;
    ReaderOptions reader;
    AnalyzerConfig analyzer;
    IndexWriterOptions writer;
    unsigned threads = 0;                   ///< analysis workers; 0 = one per core
    /// Shards of a new database (0 = default_shards(): one per core, at most 4); an existing
    /// database must have this many (0: whatever it has). 1 keeps the single-database layout.
    unsigned shards = 1;
    std::size_t batch_docs = 64;            ///< documents handed to a worker at a time
    bool progress = false;                  ///< show the updating status line (Diagnostics::status)
    /// Compact the database at the end of a complete run; a sharded one is merged into one
    /// ordinary database (merge_shards), which later runs update with a single writer.
    bool compact = false;
    /// Write a new database directly, as an update does, instead of building it from parts
    /// merged at the end (common/index/parts.hpp): slower, but every commit lands in the final
    /// layout.
    bool direct = false;
    /// Set (e.g. by a SIGINT handler) to stop reading; the batches already read are indexed and
    /// committed, and the run reports `interrupted`.
    const std::atomic<bool>* stop = nullptr;
};

struct IndexReport {
    std::size_t indexed = 0;        ///< documents added or replaced
    std::size_t replaced = 0;       ///< of which replaced a document that was in the database before the run
    std::size_t duplicates = 0;     ///< of which repeated an id seen earlier in this run (the last wins)
    std::size_t rejected = 0;       ///< records not indexed (reported)
    std::size_t generated_ids = 0;  ///< records that got an id from file:line
    std::size_t repaired_utf8 = 0;
    std::size_t truncated = 0;
    std::size_t skipped = 0;        ///< records left out on purpose (wiki redirects, other namespaces)
    std::size_t failed_inputs = 0;  ///< inputs that could not be opened
    std::size_t doc_count = 0;      ///< documents in the database after the run
    std::size_t commits = 0;
    std::uint64_t bytes_read = 0;   ///< raw (compressed) input bytes
    double seconds = 0;
    bool interrupted = false;
};

/// Runs the indexing. Throws Error when the database cannot be opened or written.
[[nodiscard]] IndexReport run_index(const IndexConfig& config, Diagnostics& diagnostics);

/// One input to read: `path` to open and the id a plain-text document gets (its path relative
/// to the folder named on the command line, or the path as given).
struct InputFile {
    std::string path;
    std::string text_id;
    std::uint64_t size = 0; ///< bytes on disk, 0 when unknown
};

/// Expands folders (recursively, in name order, hidden files skipped) into files.
/// Unreadable paths are reported to Diagnostics and counted in `failed`.
[[nodiscard]] std::vector<InputFile>
expand_inputs(const std::vector<std::string>& paths, Diagnostics& diagnostics, std::size_t& failed);

} // namespace fahras
