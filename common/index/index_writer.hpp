/// IndexWriter: RAII over Xapian::WritableDatabase. Documents are replaced by their unique id
/// term, so a re-run adds no duplicates; commits are explicit, every `commit_every` documents or
/// `commit_postings` term postings (whichever comes first) and at the end, because
/// WritableDatabase's destructor swallows commit errors. A run killed between commits leaves
/// the database at its last commit.
#pragma once

#include "common/analysis/analyzer.hpp"

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

namespace fahras {

struct IndexWriterOptions {
    /// Documents per commit (0: no limit). Small batches are faster with Xapian 1.4: its
    /// in-memory inverter is a std::map per term whose lookups miss the cache once it holds
    /// hundreds of thousands of terms. With the parts build (a fresh database per commit) the
    /// commits themselves are cheap; on the full news corpus 250 documents or 200,000 postings a
    /// commit took 12% less CPU than 1,000 / 400,000, at 86 MB peak RSS instead of 147 MB
    /// (bench/index-throughput.md, 2026-11-25 evening).
    std::size_t commit_every = 250;
    /// Term postings (sum of distinct terms of the documents) per commit (0: no limit); bounds
    /// memory whatever the document sizes. 200,000 is about 250 news articles.
    std::size_t commit_postings = 200'000;
    /// Make every commit durable (fsync) as it happens. By default the commits during the run
    /// are not synced (Xapian's DB_NO_SYNC): a killed process loses nothing that was committed,
    /// since the data is in the operating system's cache; only a power cut during the run could.
    /// The final commit is always synced, file by file, before the run reports success.
    bool sync_every_commit = false;
};

/// What the indexing run needs of a shard's writer: IndexWriter writes straight into one
/// database; PartsWriter (common/index/parts.hpp) builds a new one from small parts.
class ShardWriter {
  public:
    /// How add() placed a document.
    enum class Added { New, Replaced, Duplicate };

    ShardWriter() = default;
    ShardWriter(const ShardWriter&) = delete;
    ShardWriter& operator=(const ShardWriter&) = delete;
    virtual ~ShardWriter() = default;

    /// Adds or replaces the document whose id term is `id_term` (which `doc` must contain).
    /// Duplicate: the id was already added in this run (the last one wins).
    virtual Added add(const std::string& id_term, const Xapian::Document& doc) = 0;
    /// Commits now. Throws Error with Xapian's message on failure (disk full, …).
    virtual void commit() = 0;
    /// Closes the database (after a commit) and syncs its files to disk; the writer must not
    /// be used afterwards.
    virtual void close() = 0;
    [[nodiscard]] virtual Xapian::doccount doc_count() const = 0;

    [[nodiscard]] std::size_t added() const noexcept { return added_; }
    [[nodiscard]] std::size_t replaced() const noexcept { return replaced_; }
    [[nodiscard]] std::size_t duplicates() const noexcept { return duplicates_; }
    [[nodiscard]] std::size_t commits() const noexcept { return commits_; }

  protected:
    std::size_t added_ = 0;
    std::size_t replaced_ = 0;
    std::size_t duplicates_ = 0;
    std::size_t commits_ = 0;
};

/// When a writer commits: after `commit_every` documents or `commit_postings` postings since its
/// last commit, whichever comes first (0 turns a limit off). IndexWriter and PartsWriter share it.
class CommitBudget {
  public:
    explicit CommitBudget(const IndexWriterOptions& options) : every_(options.commit_every), postings_(options.commit_postings) {}
    /// Counts one document of `postings` postings; true when a commit is due.
    [[nodiscard]] bool add(std::size_t postings) {
        ++docs_;
        postings_seen_ += postings;
        return (every_ != 0 && docs_ >= every_) || (postings_ != 0 && postings_seen_ >= postings_);
    }
    void committed() noexcept { docs_ = postings_seen_ = 0; }

  private:
    std::size_t every_, postings_;
    std::size_t docs_ = 0, postings_seen_ = 0;
};

class IndexWriter final : public ShardWriter {
  public:
    /// Opens or creates the database at `path`. An existing database built with another schema
    /// version or other analyzer settings is refused (Error naming both), because mixing two
    /// analyses in one index silently breaks search.
    ///
    /// `shard` of `shards`: which shard of a sharded database this is (common/index/shards.hpp);
    /// recorded in a new database's metadata and checked against an existing one's.
    IndexWriter(
        const std::string& path,
        const AnalyzerConfig& analyzer,
        IndexWriterOptions options = {},
        unsigned shard = 0,
        unsigned shards = 1
    );

    Added add(const std::string& id_term, const Xapian::Document& doc) override;
    void commit() override;
    void close() override;
    [[nodiscard]] Xapian::doccount doc_count() const override { return db_.get_doccount(); }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

  private:
    std::string path_;
    Xapian::WritableDatabase db_;
    IndexWriterOptions options_;
    bool started_empty_ = false;
    /// 64-bit hashes of the id terms added in this run. A hash not in the set is an id this
    /// run has not seen, so in a database that started empty it can be added without the
    /// unique-term lookup of replace_document(); a hash in the set (a real duplicate, or a
    /// collision, about 1 in 10^7 for a million ids) takes the exact replace_document() path.
    std::unordered_set<std::uint64_t> seen_;
    CommitBudget budget_{options_};
};

/// Puts the finished folder `tmp` in the place of `path`: an atomic exchange where the file
/// system can (then `tmp` holds the previous database and is removed), else two renames, with
/// the previous database moved to `old` in between (a crash there leaves both, named for what
/// they are).
void swap_in(const std::string& path, const std::string& tmp, const std::string& old);

/// fsyncs every file of the folder `path` and the folder itself. Throws Error on failure.
void sync_folder(const std::string& path);

/// Compacts the database at `path` in place with Xapian's compactor (smaller and faster to
/// search): it is written next to it, then swapped in. Throws Error on failure (the original is
/// then left as it was).
void compact_database(const std::string& path);

/// Merges the shards of the sharded database `path` (common/index/shards.hpp) into one ordinary
/// database with Xapian's compactor (one pass over the shards, the result compacted), written
/// next to it and swapped in: afterwards `path` is a single-shard database. Throws Error on
/// failure (the sharded database is then left as it was).
void merge_shards(const std::string& path, const std::vector<std::string>& shards);

} // namespace fahras
