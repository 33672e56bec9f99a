/// Sharded databases: S Xapian databases written in parallel, one writer thread each, searched
/// as one through a Xapian stub database (docs/schema.md, "Layout").
///
/// A database with one shard is an ordinary glass database at DB. A database with S > 1 shards
/// is a folder DB holding the glass databases DB/shard0 … DB/shard{S-1} and the stub file
/// DB/XAPIANDB that lists them ("glass shard0" a line); Xapian::Database(DB) opens the folder as
/// the union of the shards, so the searcher needs no change. Each document goes to the shard
/// chosen by a stable hash of its id term, so a re-run, an update or a repeated id always meets
/// the earlier version in the same shard and replace_document() keeps one document per id.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fahras {

/// The stub file's name inside a sharded database's folder (Xapian's convention).
inline constexpr std::string_view kStubFile = "XAPIANDB";
/// Default number of shards of a new database: one per core, at most this many (every shard
/// adds a little to each search: see docs/schema.md).
inline constexpr unsigned kMaxDefaultShards = 4;

struct ShardLayout {
    /// The glass database of each shard, in stub order (one element, DB itself, when unsharded).
    std::vector<std::string> paths;
    /// True when DB is a stub folder (S > 1).
    bool stub = false;
    /// True when the database did not exist before (or was an empty folder).
    bool created = false;
};

/// The layout of the database at `db`, creating the folder and stub file of a new sharded
/// database. `requested` = 0: an existing database keeps its layout, a new one gets
/// default_shards(); otherwise a new database gets `requested` shards and an existing one must
/// have that many (Error otherwise: a database cannot be re-sharded in place).
[[nodiscard]] ShardLayout prepare_shards(const std::string& db, unsigned requested);

/// The shards of an existing database (empty when `db` is not a sharded database's folder).
[[nodiscard]] std::vector<std::string> read_stub(const std::string& db);

/// One per core, between 1 and kMaxDefaultShards.
[[nodiscard]] unsigned default_shards();

/// The shard of a document: FNV-1a (64-bit) of its id term, modulo `shards`. Stable across
/// runs, builds and machines (it decides where a re-run looks for the earlier version).
[[nodiscard]] unsigned shard_of(std::string_view id_term, unsigned shards) noexcept;

} // namespace fahras
