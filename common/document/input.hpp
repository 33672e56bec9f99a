/// Opening inputs: a path (or "-" for standard input) becomes a byte stream, decompressed on the
/// fly when its first bytes are the magic number of gzip, bzip2, xz or zstd. Extensions are not
/// trusted.
///
/// The decoders are the reference libraries themselves (zlib, libbz2, liblzma, libzstd), driven
/// directly rather than through Boost.Iostreams, because we measured what Boost does with a
/// damaged archive: its gzip, bzip2 and xz filters throw "iostream error" and drop the bytes
/// they had already decoded into their buffer, and its zstd filter ends a truncated stream
/// silently, as if the file were complete. Here every byte decoded before the damage is
/// delivered, then the stream ends and error() says what went wrong. Concatenated streams
/// (pigz, pbzip2, `cat a.gz b.gz`) are read to the end.
#pragma once

#include <atomic>
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

class DecodingBuffer;

struct Input {
    std::string path;                     ///< as given ("-" for standard input)
    Compression compression = Compression::None;
    std::uint64_t compressed_size = 0;    ///< size on disk, 0 when unknown (a pipe)
    std::unique_ptr<std::istream> stream; ///< decompressed bytes

    /// Bytes consumed from the underlying file so far (compressed bytes), for progress/ETA.
    /// Safe to call from another thread than the one reading.
    [[nodiscard]] std::uint64_t raw_bytes_read() const noexcept;
    /// Decompressed bytes delivered so far.
    [[nodiscard]] std::uint64_t bytes_decoded() const noexcept;
    /// Why the stream ended early ("truncated xz stream", "invalid gzip data: …", a read error),
    /// or empty while it is fine. Check it once the stream reports end of file.
    [[nodiscard]] std::string error() const;
    /// The first decoded bytes (up to 4 KiB, fewer for a shorter input), for format sniffing.
    /// Reading the stream does not consume them: the stream starts with these bytes.
    [[nodiscard]] std::string_view head() const noexcept;

    std::shared_ptr<DecodingBuffer> buffer; ///< owns the decoder; `stream` reads from it
};

/// Opens `path` ("-" = standard input). Throws Error naming the path when it cannot be read.
[[nodiscard]] Input open_input(const std::string& path);

} // namespace fahras
