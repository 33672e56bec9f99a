#include "common/index/index_writer.hpp"

#include "common/index/schema.hpp"
#include "common/util/error.hpp"
#include "common/util/version.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace fahras {
namespace {

Xapian::WritableDatabase open_writable(const std::string& path, bool sync) {
    try {
        return Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN | (sync ? 0 : Xapian::DB_NO_SYNC));
    } catch (const Xapian::DatabaseLockError& e) {
        // Xapian says "already locked" when another writer holds the lock; anything else
        // ("Couldn't open lockfile: Permission denied" on a read-only database) is not a lock.
        if (e.get_msg().find("already locked") != std::string::npos) {
            throw Error(path + ": database is locked: another fahras-index is writing to it");
        }
        throw Error(path + ": cannot open database for writing: " + e.get_msg());
    } catch (const Xapian::Error& e) {
        throw Error(path + ": cannot open database for writing: " + e.get_description());
    }
}

} // namespace

IndexWriter::IndexWriter(
    const std::string& path,
    const AnalyzerConfig& analyzer,
    IndexWriterOptions options,
    unsigned shard,
    unsigned shards
)
    : path_(path), db_(open_writable(path, options.sync_every_commit)), options_(options) {
    const std::string want_schema = std::to_string(kSchemaVersion);
    const std::string want_analyzer = analyzer.to_metadata();
    const std::string have_schema = db_.get_metadata(std::string(metadata::schema_version));
    const std::string have_analyzer = db_.get_metadata(std::string(metadata::analyzer));
    started_empty_ = db_.get_doccount() == 0;
    if (have_schema.empty() && have_analyzer.empty()) {
        if (!started_empty_) {
            throw Error(path + ": not a fahras database (a Xapian database without fahras metadata)");
        }
        db_.set_metadata(std::string(metadata::schema_version), want_schema);
        db_.set_metadata(std::string(metadata::analyzer), want_analyzer);
        db_.set_metadata(std::string(metadata::created_by), std::string(kVersionString));
        db_.set_metadata(std::string(metadata::shards), std::to_string(shards));
        db_.set_metadata(std::string(metadata::shard), std::to_string(shard));
        return;
    }
    const std::string have_shards = db_.get_metadata(std::string(metadata::shards));
    const std::string have_shard = db_.get_metadata(std::string(metadata::shard));
    if ((have_shards.empty() ? std::string("1") : have_shards) != std::to_string(shards) ||
        (have_shard.empty() ? std::string("0") : have_shard) != std::to_string(shard)) {
        throw Error(
            path + ": database is shard " + (have_shard.empty() ? "0" : have_shard) + " of " +
            (have_shards.empty() ? "1" : have_shards) + ", expected shard " + std::to_string(shard) + " of " +
            std::to_string(shards) + "; open the database folder, not one of its shards"
        );
    }
    if (have_schema != want_schema) {
        throw Error(
            path + ": database has schema version " + have_schema + ", this fahras-index writes version " +
            want_schema + "; index into a new database"
        );
    }
    if (have_analyzer != want_analyzer) {
        throw Error(
            path + ": database was built with analyzer '" + have_analyzer + "', not '" + want_analyzer +
            "'; use the same --stemmer, or index into a new database"
        );
    }
}

IndexWriter::Added IndexWriter::add(const std::string& id_term, const Xapian::Document& doc) {
    Added how = Added::New;
    try {
        const bool first_time = seen_.insert(std::hash<std::string>{}(id_term)).second;
        if (!first_time) {
            db_.replace_document(id_term, doc);
            how = Added::Duplicate;
            ++duplicates_;
        } else if (started_empty_) {
            db_.add_document(doc);
        } else {
            // replace_document() returns the old document's id when it replaced one.
            const Xapian::docid last = db_.get_lastdocid();
            if (db_.replace_document(id_term, doc) <= last) {
                how = Added::Replaced;
                ++replaced_;
            }
        }
    } catch (const Xapian::Error& e) {
        throw Error(path_ + ": cannot add document: " + e.get_description());
    }
    ++added_;
    if (budget_.add(doc.termlist_count())) commit();
    return how;
}

void IndexWriter::commit() {
    try {
        db_.commit();
    } catch (const Xapian::Error& e) {
        throw Error(path_ + ": commit failed: " + e.get_description());
    }
    ++commits_;
    budget_.committed();
}

void IndexWriter::close() {
    try {
        db_.close();
    } catch (const Xapian::Error& e) {
        throw Error(path_ + ": close failed: " + e.get_description());
    }
    if (!options_.sync_every_commit) sync_folder(path_);
}

void sync_folder(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    auto sync_one = [&](const fs::path& p, int flags) {
        const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
        if (fd < 0) throw Error(p.string() + ": cannot open to sync: " + std::strerror(errno));
        const int rc = ::fsync(fd);
        const int saved = errno;
        ::close(fd);
        if (rc != 0) throw Error(p.string() + ": fsync failed: " + std::strerror(saved));
    };
    for (const auto& entry : fs::directory_iterator(path, ec)) {
        if (entry.is_regular_file(ec)) sync_one(entry.path(), O_RDONLY);
    }
    sync_one(path, O_RDONLY | O_DIRECTORY);
}

void swap_in(const std::string& path, const std::string& tmp, const std::string& old) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::remove_all(old, ec);
    // One atomic exchange where the file system has it (Linux 3.15+: ext4, xfs, btrfs, tmpfs):
    // a search opening `path` meanwhile finds the old database or the new one, never none.
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) == 0) {
        fs::remove_all(tmp, ec);
        return;
    }
    fs::rename(path, old);
    fs::rename(tmp, path);
    fs::remove_all(old, ec);
}

void compact_database(const std::string& path) {
    namespace fs = std::filesystem;
    const std::string tmp = path + ".compacting";
    const std::string old = path + ".before-compact";
    std::error_code ec;
    fs::remove_all(tmp, ec);
    try {
        Xapian::Database db(path);
        db.compact(tmp);
        sync_folder(tmp);
    } catch (const Xapian::Error& e) {
        fs::remove_all(tmp, ec);
        throw Error(path + ": compaction failed: " + e.get_description());
    }
    swap_in(path, tmp, old);
}

void merge_shards(const std::string& path, const std::vector<std::string>& shards) {
    namespace fs = std::filesystem;
    const std::string tmp = path + ".merging";
    const std::string old = path + ".before-merge";
    std::error_code ec;
    fs::remove_all(tmp, ec);
    try {
        Xapian::Database all;
        for (const std::string& shard : shards) all.add_database(Xapian::Database(shard));
        all.compact(tmp); // documents renumbered shard after shard; metadata of the first shard
        {
            Xapian::WritableDatabase merged(tmp, Xapian::DB_OPEN);
            merged.set_metadata(std::string(metadata::shards), "1");
            merged.set_metadata(std::string(metadata::shard), "0");
            merged.commit();
        }
        sync_folder(tmp);
    } catch (const Xapian::Error& e) {
        fs::remove_all(tmp, ec);
        throw Error(path + ": merging the shards failed: " + e.get_description());
    }
    swap_in(path, tmp, old);
}

} // namespace fahras
