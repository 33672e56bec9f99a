#include "common/index/shards.hpp"

#include "common/index/index_writer.hpp"
#include "common/util/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

namespace fahras {
namespace fs = std::filesystem;

namespace {

std::string shard_name(unsigned i) { return "shard" + std::to_string(i); }

/// Writes the stub file atomically: a temporary file, fsynced, renamed over, the folder fsynced.
/// A crash leaves either no stub (the folder then counts as new and empty) or the whole stub.
void write_stub(const std::string& db, unsigned shards) {
    const fs::path stub = fs::path(db) / kStubFile;
    const fs::path tmp = fs::path(db) / (std::string(kStubFile) + ".tmp");
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        for (unsigned i = 0; i < shards; ++i) out << "glass " << shard_name(i) << '\n';
        out.flush();
        if (!out) throw Error(tmp.string() + ": cannot write the stub file");
    }
    const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        const std::string why = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        throw Error(tmp.string() + ": cannot sync the stub file: " + why);
    }
    ::close(fd);
    std::error_code ec;
    fs::rename(tmp, stub, ec);
    if (ec) throw Error(stub.string() + ": cannot write the stub file: " + ec.message());
    sync_folder(db);
}

bool empty_folder(const std::string& db) {
    std::error_code ec;
    return fs::is_directory(db, ec) && fs::is_empty(db, ec) && !ec;
}

} // namespace

unsigned default_shards() {
    return std::clamp(std::thread::hardware_concurrency(), 1u, kMaxDefaultShards);
}

unsigned shard_of(std::string_view id_term, unsigned shards) noexcept {
    if (shards <= 1) return 0;
    std::uint64_t h = 14695981039346656037ull;
    for (const char c : id_term) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return static_cast<unsigned>(h % shards);
}

std::vector<std::string> read_stub(const std::string& db) {
    const fs::path stub = fs::path(db) / kStubFile;
    std::error_code ec;
    if (!fs::is_regular_file(stub, ec)) return {};
    std::ifstream in(stub);
    std::vector<std::string> paths;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.find(' ');
        const std::string name = space == std::string::npos ? std::string() : line.substr(space + 1);
        if (line.compare(0, space, "glass") != 0 || name.empty() || name.find('/') != std::string::npos) {
            throw Error(stub.string() + ": not a stub file written by fahras-index (line '" + line + "')");
        }
        paths.push_back((fs::path(db) / name).string());
    }
    if (paths.empty()) throw Error(stub.string() + ": stub file lists no shard");
    return paths;
}

ShardLayout prepare_shards(const std::string& db, unsigned requested) {
    ShardLayout layout;
    layout.paths = read_stub(db);
    if (!layout.paths.empty()) {
        layout.stub = true;
        if (requested != 0 && requested != layout.paths.size()) {
            throw Error(
                db + ": database has " + std::to_string(layout.paths.size()) + " shards, not " + std::to_string(requested) +
                "; leave out --shards to add to it, or index into a new database"
            );
        }
        return layout;
    }
    std::error_code ec;
    const bool exists = fs::exists(db, ec) && !empty_folder(db);
    if (exists) {
        if (requested > 1) {
            throw Error(
                db + ": database has 1 shard, not " + std::to_string(requested) +
                "; leave out --shards to add to it, or index into a new database"
            );
        }
        layout.paths = {db};
        return layout;
    }
    layout.created = true;
    const unsigned shards = requested != 0 ? requested : default_shards();
    if (shards == 1) {
        layout.paths = {db};
        return layout;
    }
    fs::create_directories(db, ec);
    if (ec) throw Error(db + ": cannot create the database folder: " + ec.message());
    write_stub(db, shards);
    layout.stub = true;
    for (unsigned i = 0; i < shards; ++i) layout.paths.push_back((fs::path(db) / shard_name(i)).string());
    return layout;
}

} // namespace fahras
