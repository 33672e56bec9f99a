/// IndexWriter: RAII over Xapian::WritableDatabase. Documents are replaced by their unique id
/// term, so a re-run adds no duplicates; commits are explicit, every `commit_every` documents
/// and at the end, because WritableDatabase's destructor swallows commit errors. A run killed
/// between commits leaves the database at its last commit.
#pragma once

#include "common/analysis/analyzer.hpp"

#include <xapian.h>

#include <cstddef>
#include <string>

namespace fahras {

struct IndexWriterOptions {
    std::size_t commit_every = 10000; ///< documents per commit (0: only at the end)
};

class IndexWriter {
  public:
    /// Opens or creates the database at `path`. An existing database built with another schema
    /// version or other analyzer settings is refused (Error naming both), because mixing two
    /// analyses in one index silently breaks search.
    IndexWriter(const std::string& path, const AnalyzerConfig& analyzer, IndexWriterOptions options = {});

    /// Adds or replaces the document whose id term is `id_term`.
    void add(const std::string& id_term, const Xapian::Document& doc);
    /// Commits now. Throws Error with Xapian's message on failure (disk full, …).
    void commit();

    [[nodiscard]] std::size_t added() const noexcept { return added_; }
    [[nodiscard]] std::size_t replaced() const noexcept { return replaced_; }
    [[nodiscard]] Xapian::doccount doc_count() const { return db_.get_doccount(); }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

  private:
    std::string path_;
    Xapian::WritableDatabase db_;
    IndexWriterOptions options_;
    std::size_t added_ = 0;
    std::size_t replaced_ = 0;
    std::size_t since_commit_ = 0;
};

} // namespace fahras
