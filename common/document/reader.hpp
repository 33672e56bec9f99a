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
    std::size_t skipped = 0;         ///< records deliberately left out (wiki redirects, other namespaces)
    bool damaged = false;            ///< the input ended early (truncated/damaged archive, read error)
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

/// A JSON Lines reader over `input` (which it keeps open). A line longer than
/// 6 × max_body_bytes + 1 MiB (JSON escapes can take 6 bytes a character) is rejected unread.
[[nodiscard]] std::unique_ptr<DocumentReader>
make_jsonl_reader(Input& input, const ReaderOptions& options, Diagnostics& diagnostics);

/// A plain-text reader: the whole input is one document with id `id`, its first non-blank line
/// the title and the rest the body.
[[nodiscard]] std::unique_ptr<DocumentReader>
make_text_reader(Input& input, std::string id, const ReaderOptions& options, Diagnostics& diagnostics);

/// A MediaWiki XML dump reader (streamed with expat, never held in memory): one document per
/// page of the main namespace (ns 0), redirects skipped, wiki markup reduced to plain text.
/// id = page id, title = page title, date = revision date, url from the dump's <base>,
/// source = the dump's <dbname>.
[[nodiscard]] std::unique_ptr<DocumentReader>
make_wiki_xml_reader(Input& input, const ReaderOptions& options, Diagnostics& diagnostics);

/// The format of an opened input: by the file name (.jsonl/.ndjson/.json, .xml, .txt, after
/// dropping .gz/.bz2/.xz/.zst), else by its first decoded bytes ('{' → JSON Lines, a
/// <mediawiki> element → wiki XML, anything else → text).
[[nodiscard]] InputFormat detect_format(const Input& input);

/// The reader for `format` (Auto: detect_format). `text_id` is the id a text document gets
/// (the path relative to the folder given on the command line).
[[nodiscard]] std::unique_ptr<DocumentReader> make_reader(
    InputFormat format,
    Input& input,
    const ReaderOptions& options,
    Diagnostics& diagnostics,
    const std::string& text_id = {}
);

/// Reports, once, the error that ended `input` early (a truncated archive): "FILE:LINE: …;
/// everything before this line was read". Returns true when there was one.
bool report_input_error(Input& input, std::uint64_t line, Diagnostics& diagnostics, ReaderStats& stats);

/// Repairs invalid UTF-8 in `text` (U+FFFD), with a warning naming `where` and `what`.
void repair_utf8(std::string& text, const SourceLocation& where, std::string_view what, Diagnostics& diagnostics, ReaderStats& stats);

/// Cuts a too-long body to options.max_body_bytes with a warning.
void cap_body(std::string& body, const SourceLocation& where, const ReaderOptions& options, Diagnostics& diagnostics, ReaderStats& stats);

/// True when `text` holds nothing but white space.
[[nodiscard]] bool is_blank(std::string_view text) noexcept;

/// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence.
void truncate_utf8(std::string& text, std::size_t max_bytes);

} // namespace fahras
