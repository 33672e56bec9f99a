#include "common/index/parts.hpp"

#include "common/index/schema.hpp"
#include "common/index/shards.hpp"
#include "common/util/error.hpp"
#include "common/util/version.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace fahras {
namespace fs = std::filesystem;

namespace {

std::string part_name(unsigned writer, unsigned tier, std::uint64_t number) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "part-%u-%u-%06llu", writer, tier, static_cast<unsigned long long>(number));
    return buf;
}

/// writer, tier and number of a part's name; false when `name` is not one.
bool parse_part_name(const std::string& name, unsigned& writer, unsigned& tier, std::uint64_t& number) {
    unsigned long long n = 0;
    int used = 0;
    if (std::sscanf(name.c_str(), "part-%u-%u-%llu%n", &writer, &tier, &n, &used) != 3) return false;
    number = n;
    return static_cast<std::size_t>(used) == name.size();
}

/// Writes `text` to `path` atomically: a temporary file, fsynced, renamed over, folder fsynced.
void write_file_atomically(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(tmp.string() + ": cannot write: " + std::strerror(errno));
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string why = std::strerror(errno);
            ::close(fd);
            throw Error(tmp.string() + ": cannot write: " + why);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        throw Error(tmp.string() + ": cannot sync: " + why);
    }
    ::close(fd);
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) throw Error(path.string() + ": cannot write: " + ec.message());
    const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        (void)::fsync(dir);
        ::close(dir);
    }
}

/// Takes the build's lock (flock on the marker file, which is never rewritten once there): a
/// second fahras-index on the same build gets the same message as on a locked database. The
/// lock is held as long as the returned handle (copies of the PartsBuild) lives.
std::shared_ptr<const void> lock_build(const std::string& db) {
    const fs::path marker = fs::path(parts_folder(db)) / kBuildMarker;
    const int fd = ::open(marker.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(db + ": cannot open database for writing: " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        throw Error(db + ": database is locked: another fahras-index is writing to it");
    }
    return std::shared_ptr<const void>(nullptr, [fd](const void*) { ::close(fd); });
}

/// The stub line naming a part, relative to DB (the stub's folder).
std::string stub_line(const std::string& db, const std::string& name) {
    return "glass ../" + fs::path(parts_folder(db)).filename().string() + "/" + name + "\n";
}

} // namespace

std::string parts_folder(const std::string& db) {
    std::string path = fs::path(db).lexically_normal().string();
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path + ".parts";
}

std::optional<PartsBuild> find_parts_build(const std::string& db, unsigned requested_shards) {
    const fs::path marker = fs::path(parts_folder(db)) / kBuildMarker;
    std::error_code ec;
    if (!fs::is_directory(parts_folder(db), ec)) return std::nullopt;
    if (!fs::is_regular_file(marker, ec)) {
        fs::remove_all(parts_folder(db), ec); // a build that never got going
        return std::nullopt;
    }
    std::shared_ptr<const void> lock = lock_build(db);
    // DB is a build while its stub lists parts; any other database there means the build was
    // finished and only the cleanup was cut short.
    std::string first;
    {
        std::ifstream stub(fs::path(db) / kStubFile);
        std::getline(stub, first);
    }
    const bool building = first.rfind("glass ../", 0) == 0 ||
                          (fs::is_directory(db, ec) && fs::is_empty(db, ec)) || !fs::exists(db, ec);
    if (!building) {
        fs::remove_all(parts_folder(db), ec);
        return std::nullopt;
    }
    std::ifstream in(marker);
    PartsBuild build;
    build.db = db;
    build.resumed = true;
    build.lock = std::move(lock);
    std::string key;
    unsigned value = 0;
    bool writers = false;
    bool shards = false;
    while (in >> key >> value) {
        if (key == "writers") build.writers = value, writers = true;
        else if (key == "shards") build.shards = value, shards = true;
    }
    if (!writers || !shards || build.writers == 0 || build.shards == 0 ||
        (build.shards > 1 && build.shards != build.writers)) {
        throw Error(marker.string() + ": not a build marker written by fahras-index");
    }
    if (requested_shards != 0 && requested_shards != build.shards) {
        throw Error(
            db + ": unfinished build of a database with " + std::to_string(build.shards) + " shard(s), not " +
            std::to_string(requested_shards) + "; run the command that started it again to finish it"
        );
    }
    return build;
}

PartsBuild start_parts_build(const std::string& db, unsigned writers, unsigned shards) {
    std::error_code ec;
    fs::create_directories(db, ec);
    if (!ec) fs::create_directories(parts_folder(db), ec);
    if (ec) throw Error(db + ": cannot create the database folder: " + ec.message());
    PartsBuild build{db, std::max(1u, writers), std::max(1u, shards), false, nullptr};
    if (build.shards > 1) build.writers = build.shards; // each final shard is one writer's parts
    write_file_atomically(
        fs::path(parts_folder(db)) / kBuildMarker,
        "writers " + std::to_string(build.writers) + "\nshards " + std::to_string(build.shards) + "\n"
    );
    build.lock = lock_build(db);
    return build;
}

PartsRegistry::PartsRegistry(const PartsBuild& build) : build_(build), names_(build.writers) {
    if (!build.resumed) return;
    const fs::path stub = fs::path(build.db) / kStubFile;
    std::error_code ec;
    if (!fs::is_regular_file(stub, ec)) return; // killed before the first part was listed
    std::ifstream in(stub);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        unsigned writer = 0;
        unsigned tier = 0;
        std::uint64_t number = 0;
        const std::string prefix = stub_line(build.db, "");
        const std::string name = line.rfind(prefix.substr(0, prefix.size() - 1), 0) == 0 ? line.substr(prefix.size() - 1) : std::string();
        if (!parse_part_name(name, writer, tier, number) || writer >= build.writers) {
            throw Error(stub.string() + ": not a stub file of a fahras-index build (line '" + line + "')");
        }
        names_[writer].push_back(name);
    }
}

std::vector<std::string> PartsRegistry::existing(unsigned writer) const {
    const std::lock_guard lock(mutex_);
    return names_.at(writer);
}

std::vector<std::string> PartsRegistry::all() const {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& w : names_) out.insert(out.end(), w.begin(), w.end());
    return out;
}

void PartsRegistry::set(unsigned writer, const std::vector<std::string>& names) {
    const std::lock_guard lock(mutex_);
    names_.at(writer) = names;
    write_locked();
}

void PartsRegistry::write_locked() const {
    std::string text;
    for (const auto& w : names_) {
        for (const auto& name : w) text += stub_line(build_.db, name);
    }
    write_file_atomically(fs::path(build_.db) / kStubFile, text);
}

std::string PartsRegistry::path(const std::string& name) const { return (fs::path(parts_folder(build_.db)) / name).string(); }

void PartsRegistry::remove_unlisted() const {
    std::set<std::string> listed;
    for (const auto& name : all()) listed.insert(name);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(parts_folder(build_.db), ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("part-", 0) == 0 && listed.count(name) == 0) fs::remove_all(entry.path(), ec);
    }
    fs::remove_all(build_.db + ".merging", ec);
}

PartsWriter::PartsWriter(
    PartsRegistry& registry,
    const PartsBuild& build,
    unsigned writer,
    const AnalyzerConfig& analyzer,
    IndexWriterOptions options
)
    : registry_(registry), build_(build), writer_(writer), analyzer_metadata_(analyzer.to_metadata()), options_(options) {
    for (const std::string& name : registry.existing(writer)) {
        unsigned w = 0;
        unsigned tier = 0;
        std::uint64_t number = 0;
        (void)parse_part_name(name, w, tier, number);
        closed_.push_back(Part{name, tier});
        next_number_ = std::max(next_number_, number + 1);
    }
    closed_may_hold_ids_ = !closed_.empty();
    if (closed_may_hold_ids_) {
        // A resumed build must go on with the same analysis (as IndexWriter checks an update).
        Xapian::Database& db = closed_parts();
        const std::string schema = db.get_metadata(std::string(metadata::schema_version));
        const std::string have_analyzer = db.get_metadata(std::string(metadata::analyzer));
        if (schema != std::to_string(kSchemaVersion)) {
            throw Error(build.db + ": unfinished build with schema version " + schema + ", this fahras-index writes version " +
                        std::to_string(kSchemaVersion) + "; remove it and index again");
        }
        if (have_analyzer != analyzer_metadata_) {
            throw Error(build.db + ": unfinished build with analyzer '" + have_analyzer + "', not '" + analyzer_metadata_ +
                        "'; run it again with the same --stemmer, or remove it");
        }
    }
    open_part();
    publish();
}

Xapian::Database& PartsWriter::closed_parts() {
    if (!closed_db_) {
        closed_db_ = std::make_unique<Xapian::Database>();
        for (const Part& p : closed_) closed_db_->add_database(Xapian::Database(registry_.path(p.name)));
    }
    return *closed_db_;
}

void PartsWriter::open_part() {
    open_name_ = part_name(writer_, 0, next_number_++);
    const std::string path = registry_.path(open_name_);
    std::error_code ec;
    fs::remove_all(path, ec);
    try {
        open_ = std::make_unique<Xapian::WritableDatabase>(
            path, Xapian::DB_CREATE | (options_.sync_every_commit ? 0 : Xapian::DB_NO_SYNC)
        );
        open_->set_metadata(std::string(metadata::schema_version), std::to_string(kSchemaVersion));
        open_->set_metadata(std::string(metadata::analyzer), analyzer_metadata_);
        open_->set_metadata(std::string(metadata::created_by), std::string(kVersionString));
        open_->set_metadata(std::string(metadata::shards), std::to_string(build_.shards));
        open_->set_metadata(std::string(metadata::shard), std::to_string(build_.shards > 1 ? writer_ : 0));
        // Committed at once: a search through the stub reads the first part's metadata.
        open_->commit();
    } catch (const Xapian::Error& e) {
        throw Error(path + ": cannot create a part of the database: " + e.get_description());
    }
}

void PartsWriter::publish() {
    std::vector<std::string> names;
    for (const Part& p : closed_) names.push_back(p.name);
    if (open_) names.push_back(open_name_);
    registry_.set(writer_, names);
    const auto now = std::chrono::steady_clock::now();
    std::error_code ec;
    while (!retired_.empty() && now - retired_.front().second >= kRetiredGrace) {
        fs::remove_all(registry_.path(retired_.front().first), ec);
        retired_.erase(retired_.begin());
    }
}

bool PartsWriter::in_closed_parts(const std::string& id_term) {
    return !closed_.empty() && closed_parts().term_exists(id_term);
}

bool PartsWriter::same_as_closed(const std::string& id_term, const std::string& data) {
    Xapian::Database& db = closed_parts();
    auto it = db.postlist_begin(id_term);
    if (it == db.postlist_end(id_term)) return false;
    const Xapian::docid did = *it;
    if (++it != db.postlist_end(id_term)) return false; // twice (a run killed mid-replace): rewrite
    return db.get_document(did).get_data() == data;
}

ShardWriter::Added PartsWriter::add(const std::string& id_term, const Xapian::Document& doc) {
    Added how = Added::New;
    try {
        const bool first_time = seen_.insert(std::hash<std::string>{}(id_term)).second;
        if (!first_time) {
            // Repeated in this run: the earlier one is in the open part (replaced here) or in a
            // closed one (deleted once this part is committed).
            open_->replace_document(id_term, doc);
            pending_deletes_.push_back(id_term);
            how = Added::Duplicate;
            ++duplicates_;
        } else if (closed_may_hold_ids_ && in_closed_parts(id_term)) {
            how = Added::Replaced;
            ++replaced_;
            // The same command again after a kill: the document is there as it is.
            if (same_as_closed(id_term, doc.get_data())) {
                ++added_;
                return how;
            }
            open_->add_document(doc);
            pending_deletes_.push_back(id_term);
        } else {
            open_->add_document(doc);
        }
    } catch (const Xapian::Error& e) {
        throw Error(registry_.path(open_name_) + ": cannot add document: " + e.get_description());
    }
    ++added_;
    if (budget_.add(doc.termlist_count())) commit();
    return how;
}

void PartsWriter::commit_part() {
    const std::string path = registry_.path(open_name_);
    try {
        open_->commit();
        open_->close();
    } catch (const Xapian::Error& e) {
        throw Error(path + ": commit failed: " + e.get_description());
    }
    open_.reset();
    ++commits_;
    budget_.committed();
    delete_earlier_versions();
    closed_.push_back(Part{open_name_, 0});
    closed_db_.reset();
    merge_tiers();
}

void PartsWriter::delete_earlier_versions() {
    if (pending_deletes_.empty()) return;
    for (const Part& part : closed_) {
        const std::string path = registry_.path(part.name);
        try {
            std::vector<const std::string*> here;
            {
                const Xapian::Database db(path);
                for (const std::string& term : pending_deletes_) {
                    if (db.term_exists(term)) here.push_back(&term);
                }
            }
            if (here.empty()) continue;
            Xapian::WritableDatabase db(path, Xapian::DB_OPEN | (options_.sync_every_commit ? 0 : Xapian::DB_NO_SYNC));
            for (const std::string* term : here) db.delete_document(*term);
            db.commit();
        } catch (const Xapian::Error& e) {
            throw Error(path + ": cannot delete replaced documents: " + e.get_description());
        }
    }
    pending_deletes_.clear();
    closed_db_.reset();
}

void PartsWriter::merge_tiers() {
    for (;;) {
        const unsigned tier = closed_.back().tier;
        std::size_t run = 0;
        while (run < closed_.size() && closed_[closed_.size() - 1 - run].tier == tier) ++run;
        if (run < kPartsPerTier) return;
        const std::vector<Part> merged(closed_.end() - static_cast<std::ptrdiff_t>(run), closed_.end());
        const std::string name = part_name(writer_, tier + 1, next_number_++);
        const std::string path = registry_.path(name);
        try {
            Xapian::Database sources;
            for (const Part& p : merged) sources.add_database(Xapian::Database(registry_.path(p.name)));
            sources.compact(path);
        } catch (const Xapian::Error& e) {
            std::error_code ec;
            fs::remove_all(path, ec);
            throw Error(path + ": cannot merge parts of the database: " + e.get_description());
        }
        closed_.resize(closed_.size() - run);
        closed_.push_back(Part{name, tier + 1});
        closed_db_.reset();
        // The stub lists the merged part from now on; the old ones go once no search can be
        // opening them from the previous stub any more.
        const auto now = std::chrono::steady_clock::now();
        for (const Part& p : merged) retired_.emplace_back(p.name, now);
        publish();
    }
}

void PartsWriter::commit() {
    commit_part();
    open_part();
    publish();
}

void PartsWriter::close() {
    if (finished_) return;
    commit_part();
    publish();
    finished_ = true;
}

void PartsWriter::sync() {
    if (options_.sync_every_commit) return;
    for (const Part& p : closed_) sync_folder(registry_.path(p.name));
}

Xapian::doccount PartsWriter::doc_count() const {
    Xapian::doccount n = open_ ? open_->get_doccount() : 0;
    for (const Part& p : closed_) n += Xapian::Database(registry_.path(p.name)).get_doccount();
    return n;
}

void finish_parts_build(const PartsBuild& build, const PartsRegistry& registry, std::chrono::steady_clock::time_point started) {
    const std::string tmp = build.db + ".merging";
    const std::string old = build.db + ".before-merge";
    std::error_code ec;
    fs::remove_all(tmp, ec);
    auto merge = [&](const std::vector<std::string>& names, const std::string& out) {
        Xapian::Database sources;
        for (const std::string& name : names) sources.add_database(Xapian::Database(registry.path(name)));
        sources.compact(out); // metadata from the first part: schema, analyzer, shards, shard
        sync_folder(out);
    };
    try {
        if (build.shards == 1) {
            merge(registry.all(), tmp);
        } else {
            fs::create_directories(tmp);
            std::string stub;
            for (unsigned s = 0; s < build.shards; ++s) {
                const std::string shard = "shard" + std::to_string(s);
                merge(registry.existing(s), (fs::path(tmp) / shard).string());
                stub += "glass " + shard + "\n";
            }
            write_file_atomically(fs::path(tmp) / kStubFile, stub);
        }
    } catch (const Xapian::Error& e) {
        fs::remove_all(tmp, ec);
        throw Error(build.db + ": merging the parts failed: " + e.get_description());
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
    // Atomic where the file system can: a search sees the build's stub or the final database.
    swap_in(build.db, tmp, old);
    // A search that read the build's stub just before may still be opening parts: give it time
    // (only when the build ran long enough for anyone to be searching it).
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(5)) std::this_thread::sleep_for(kRetiredGrace);
    fs::remove_all(parts_folder(build.db), ec);
}

} // namespace fahras
