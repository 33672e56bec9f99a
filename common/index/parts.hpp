/// The parts build of a new database (docs/schema.md, "Building a new database"): each writer
/// puts every batch of documents into a small fresh glass database of its own (a *part*), and
/// at the end one Xapian compaction merges all the parts into the final database, which is
/// swapped in for the build folder.
///
/// Why: Xapian 1.4 flushes a commit into a fresh B-tree as cheap appends, whereas a commit into
/// a growing database re-reads and rewrites postlist chunks and position blocks all over it; and
/// with flushes that cheap, batches can be small, which keeps the inverter's in-memory maps small
/// (its map walks were the largest cost of indexing: bench/index-throughput.md).
///
/// While it runs, the database folder DB holds the parts, the stub file DB/XAPIANDB listing them
/// (so that DB can be searched: it sees each part's last commit) and the marker file DB/BUILDING.
/// Parts are merged in tiers (kPartsPerTier parts of one tier into one of the next) so that their
/// number, and the files a search opens, stay small. A run that is interrupted (Ctrl-C) or killed
/// leaves this folder at its last commit; the same command again resumes it: a document already
/// there with the same stored data is skipped, one with other data replaces it (its earlier
/// version is deleted from the part holding it), and the parts are merged at the end.
#pragma once

#include "common/analysis/analyzer.hpp"
#include "common/index/index_writer.hpp"

#include <xapian.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace fahras {

/// The marker file of an unfinished parts build, inside DB.
inline constexpr std::string_view kBuildMarker = "BUILDING";
/// How long a part merged away (or all parts, once the final database is in place) stays on
/// disk: a search that read the stub just before may still be opening it.
inline constexpr std::chrono::milliseconds kRetiredGrace{1000};
/// Parts of one tier merged into one part of the next tier.
inline constexpr std::size_t kPartsPerTier = 16;

/// The plan of a parts build, kept in DB/BUILDING so that a re-run resumes it the same way.
struct PartsBuild {
    std::string db;
    unsigned writers = 1; ///< parallel writers; a document goes to writer shard_of(id, writers)
    unsigned shards = 1;  ///< shards of the final database (1: one ordinary database)
    bool resumed = false; ///< the build folder was there before this run
    std::shared_ptr<const void> lock; ///< the flock on the marker, released with the last copy
};

/// The parts build at `db` to resume, or nullopt when `db` is not an unfinished parts build.
/// `requested_shards` (0: any) must match the build's final shard count.
[[nodiscard]] std::optional<PartsBuild> find_parts_build(const std::string& db, unsigned requested_shards);

/// Starts the parts build of a new database at `db` (which must not exist, or be an empty folder).
[[nodiscard]] PartsBuild start_parts_build(const std::string& db, unsigned writers, unsigned shards);

/// The stub file of a parts build: the parts of every writer, rewritten atomically on each change.
class PartsRegistry {
  public:
    explicit PartsRegistry(const PartsBuild& build);
    /// The parts of `writer` listed by the stub before this run (committed), in order.
    [[nodiscard]] std::vector<std::string> existing(unsigned writer) const;
    /// Replaces the list of `writer`'s parts and rewrites the stub file.
    void set(unsigned writer, const std::vector<std::string>& names);
    /// Removes the folders of parts no stub lists (left by a run killed between two steps).
    void remove_unlisted() const;
    /// The path of part `name`.
    [[nodiscard]] std::string path(const std::string& name) const;
    /// Every part, writer after writer, in order.
    [[nodiscard]] std::vector<std::string> all() const;

  private:
    void write_locked() const;
    PartsBuild build_;
    mutable std::mutex mutex_;
    std::vector<std::vector<std::string>> names_;
};

/// One writer of a parts build.
class PartsWriter final : public ShardWriter {
  public:
    PartsWriter(PartsRegistry& registry, const PartsBuild& build, unsigned writer, const AnalyzerConfig& analyzer, IndexWriterOptions options);

    Added add(const std::string& id_term, const Xapian::Document& doc) override;
    /// Commits the open part and starts the next one.
    void commit() override;
    /// Commits the open part (no sync: the parts of a finished build are merged, and the merged
    /// database is synced; call sync() when the build stops unfinished).
    void close() override;
    /// fsyncs every part of this writer (after close()).
    void sync();
    [[nodiscard]] Xapian::doccount doc_count() const override;

  private:
    struct Part {
        std::string name;
        unsigned tier = 0;
    };
    void open_part();
    void commit_part();
    void delete_earlier_versions();
    void merge_tiers();
    void publish();
    [[nodiscard]] bool in_closed_parts(const std::string& id_term);
    [[nodiscard]] bool same_as_closed(const std::string& id_term, const std::string& data);
    [[nodiscard]] Xapian::Database& closed_parts();

    PartsRegistry& registry_;
    PartsBuild build_;
    unsigned writer_;
    std::string analyzer_metadata_;
    IndexWriterOptions options_;
    std::vector<Part> closed_;          ///< committed parts, in order
    std::unique_ptr<Xapian::Database> closed_db_; ///< the union of closed_, opened on demand
    std::string open_name_;
    std::unique_ptr<Xapian::WritableDatabase> open_;
    std::uint64_t next_number_ = 0;
    bool closed_may_hold_ids_ = false;  ///< closed parts from an earlier run
    std::unordered_set<std::uint64_t> seen_;
    std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> retired_; ///< merged away, to delete
    std::vector<std::string> pending_deletes_; ///< id terms whose earlier version is in a closed part
    CommitBudget budget_{options_};
    bool finished_ = false;
};

/// Merges the parts of a finished build into its final database (one Xapian compaction per
/// final shard: DB itself, or DB/shard0 … under a stub), written next to DB and swapped in for
/// the build's stub folder; then removes the parts folder. `started`: when the run began.
/// Throws Error on failure (the build is then left as it was, and a re-run resumes it).
void finish_parts_build(const PartsBuild& build, const PartsRegistry& registry, std::chrono::steady_clock::time_point started);

/// The folder of a build's parts and marker, beside DB: "DB.parts".
[[nodiscard]] std::string parts_folder(const std::string& db);

} // namespace fahras
