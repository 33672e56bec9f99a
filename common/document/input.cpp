#include "common/document/input.hpp"

#include "common/util/error.hpp"

#include <boost/iostreams/categories.hpp>
#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filter/zstd.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace fahras {
namespace io = boost::iostreams;

namespace {

// A Boost.Iostreams source over an istream that first replays the bytes already read to sniff
// the compression (standard input cannot seek back), and counts the raw bytes read.
class SniffedSource {
  public:
    using char_type = char;
    using category = io::source_tag;

    SniffedSource(std::shared_ptr<std::istream> in, std::string head, std::shared_ptr<std::uint64_t> counter)
        : in_(std::move(in)), head_(std::move(head)), counter_(std::move(counter)) {}

    std::streamsize read(char* s, std::streamsize n) {
        std::streamsize done = 0;
        if (head_pos_ < head_.size()) {
            const auto take = std::min<std::streamsize>(n, static_cast<std::streamsize>(head_.size() - head_pos_));
            std::memcpy(s, head_.data() + head_pos_, static_cast<std::size_t>(take));
            head_pos_ += static_cast<std::size_t>(take);
            done = take;
        }
        if (done < n && *in_) {
            in_->read(s + done, n - done);
            done += in_->gcount();
        }
        if (in_->bad()) throw Error(std::string("read error: ") + std::strerror(errno));
        *counter_ += static_cast<std::uint64_t>(done);
        return done == 0 ? -1 : done;
    }

  private:
    std::shared_ptr<std::istream> in_;
    std::string head_;
    std::size_t head_pos_ = 0;
    std::shared_ptr<std::uint64_t> counter_;
};

} // namespace

std::string_view to_string(Compression c) noexcept {
    switch (c) {
    case Compression::None:
        return "none";
    case Compression::Gzip:
        return "gzip";
    case Compression::Bzip2:
        return "bzip2";
    case Compression::Xz:
        return "xz";
    case Compression::Zstd:
        return "zstd";
    }
    return "none";
}

Compression detect_compression(std::string_view head) noexcept {
    auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
    if (starts("\x1F\x8B")) return Compression::Gzip;
    if (starts("BZh")) return Compression::Bzip2;
    if (starts(std::string_view("\xFD" "7zXZ\x00", 6))) return Compression::Xz;
    if (starts("\x28\xB5\x2F\xFD")) return Compression::Zstd;
    return Compression::None;
}

std::uint64_t Input::raw_bytes_read() const { return raw_counter ? *raw_counter : 0; }

Input open_input(const std::string& path) {
    Input input;
    input.path = path;
    std::shared_ptr<std::istream> raw;
    if (path == "-") {
        raw = std::shared_ptr<std::istream>(&std::cin, [](std::istream*) {});
    } else {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) throw Error(path + ": is a directory");
        auto file = std::make_shared<std::ifstream>(path, std::ios::binary);
        if (!*file) throw Error(path + ": cannot open: " + std::strerror(errno));
        input.compressed_size = std::filesystem::file_size(path, ec);
        if (ec) input.compressed_size = 0;
        raw = std::move(file);
    }
    std::string head(6, '\0');
    raw->read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(raw->gcount()));
    input.compression = detect_compression(head);
    input.raw_counter = std::make_shared<std::uint64_t>(0);

    auto stream = std::make_unique<io::filtering_istream>();
    switch (input.compression) {
    case Compression::Gzip:
        stream->push(io::gzip_decompressor());
        break;
    case Compression::Bzip2:
        stream->push(io::bzip2_decompressor());
        break;
    case Compression::Xz:
        stream->push(io::lzma_decompressor());
        break;
    case Compression::Zstd:
        stream->push(io::zstd_decompressor());
        break;
    case Compression::None:
        break;
    }
    stream->push(SniffedSource(raw, std::move(head), input.raw_counter));
    input.stream = std::move(stream);
    return input;
}

} // namespace fahras
