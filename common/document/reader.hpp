/// Document readers: one per input format, each turning an Input's byte stream into Documents.
/// A bad record is reported to Diagnostics ("file:line: why") and skipped; the reader goes on.
#pragma once

#include "common/document/document.hpp"
#include "common/document/input.hpp"
#include "common/util/diagnostics.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace fahras {

enum class InputFormat { Auto, Jsonl, Text, WikiXml };

[[nodiscard]] std::string_view to_string(InputFormat f) noexcept;
/// Parses "auto", "jsonl", "text" or "wikixml"; throws UsageError naming the valid values.
[[nodiscard]] InputFormat parse_input_format(std::string_view name);

struct ReaderOptions {
    std::string id_field = "id";
    std::string title_field = "title";
    std::string body_field = "body";
    std::string date_field = "date";
    /// Longer bodies are cut (at a UTF-8 boundary) and a warning names the record.
    std::size_t max_body_bytes = 16u << 20;
};

/// Counts a reader keeps for the run's summary.
struct ReaderStats {
    std::size_t records = 0;         ///< documents returned
    std::size_t rejected = 0;        ///< records skipped with an error
    std::size_t generated_ids = 0;   ///< records without an id that got one from file:line
    std::size_t repaired_utf8 = 0;   ///< records whose invalid UTF-8 was replaced by U+FFFD
    std::size_t truncated = 0;       ///< bodies cut to max_body_bytes
};

class DocumentReader {
  public:
    virtual ~DocumentReader() = default;
    /// The next document, or nullopt at the end of the input.
    [[nodiscard]] virtual std::optional<Document> next() = 0;
    [[nodiscard]] const ReaderStats& stats() const noexcept { return stats_; }

  protected:
    ReaderStats stats_;
};

/// A JSON Lines reader over `input` (which it keeps open).
[[nodiscard]] std::unique_ptr<DocumentReader>
make_jsonl_reader(Input& input, const ReaderOptions& options, Diagnostics& diagnostics);

/// The reader for `format` (Auto: decided by the file name, then by the first bytes).
[[nodiscard]] std::unique_ptr<DocumentReader>
make_reader(InputFormat format, Input& input, const ReaderOptions& options, Diagnostics& diagnostics);

/// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence.
void truncate_utf8(std::string& text, std::size_t max_bytes);

} // namespace fahras
