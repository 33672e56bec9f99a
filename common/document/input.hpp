/// Opening inputs: a path (or "-" for standard input) becomes a byte stream, decompressed on the
/// fly when its first bytes are the magic number of gzip, bzip2, xz or zstd (Boost.Iostreams,
/// whose Debian build links zlib, libbz2, liblzma and libzstd). Extensions are not trusted.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

namespace fahras {

enum class Compression { None, Gzip, Bzip2, Xz, Zstd };

[[nodiscard]] std::string_view to_string(Compression c) noexcept;

/// Identifies a compression format by its magic bytes (the first bytes of a stream).
[[nodiscard]] Compression detect_compression(std::string_view head) noexcept;

struct Input {
    std::string path;                     ///< as given ("-" for standard input)
    Compression compression = Compression::None;
    std::uint64_t compressed_size = 0;    ///< size on disk, 0 when unknown (a pipe)
    std::unique_ptr<std::istream> stream; ///< decompressed bytes
    /// Bytes consumed from the underlying file so far (compressed bytes), for progress/ETA.
    [[nodiscard]] std::uint64_t raw_bytes_read() const;

    std::shared_ptr<std::uint64_t> raw_counter; ///< shared with the counting source
};

/// Opens `path` ("-" = standard input). Throws Error naming the path when it cannot be read.
[[nodiscard]] Input open_input(const std::string& path);

} // namespace fahras
