/// Diagnostics: the one sink for per-record problems. A bad record is reported as
/// `prog: file:line: message` on stderr, counted, and the run goes on; the counts decide the
/// exit status (ripgrep's policy: errors do not abort, they change the exit code).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>

namespace fahras {

/// Where a record came from: file path (or "-") and 1-based line, 0 when unknown.
struct SourceLocation {
    std::string file;
    std::uint64_t line = 0;

    [[nodiscard]] std::string str() const;
};

class Diagnostics {
  public:
    /// `prog` prefixes every message (e.g. "fahras-index"); messages go to `out`.
    Diagnostics(std::string prog, std::ostream& out);

    /// A record was rejected (not indexed).
    void error(const SourceLocation& where, std::string_view message);
    /// A problem the run absorbed (the record was still indexed, perhaps repaired).
    void warning(const SourceLocation& where, std::string_view message);
    /// A message not tied to a record (e.g. a summary line).
    void note(std::string_view message);
    /// Shows `line` as the one updating status line of a terminal ("\r…", erased to the end of
    /// the line); the next message first erases it. An empty `line` erases it for good.
    void status(std::string_view line);

    [[nodiscard]] std::size_t errors() const noexcept { return errors_; }
    [[nodiscard]] std::size_t warnings() const noexcept { return warnings_; }
    [[nodiscard]] const std::string& prog() const noexcept { return prog_; }

    /// After this many messages of one kind, further ones are only counted (a million broken
    /// lines must not flood the terminal); the summary still gives the totals.
    void set_message_limit(std::size_t limit) noexcept { limit_ = limit; }

  private:
    void emit(const SourceLocation* where, std::string_view kind, std::string_view message);

    std::string prog_;
    std::ostream& out_;
    std::size_t errors_ = 0;
    std::size_t warnings_ = 0;
    std::size_t limit_ = 1000;
    bool status_shown_ = false;
    std::mutex mutex_;
};

} // namespace fahras
