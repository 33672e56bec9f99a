#include "common/document/input.hpp"

#include "common/util/error.hpp"

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <streambuf>
#include <vector>

namespace fahras {

namespace {

constexpr std::size_t kRawChunk = 256u << 10;    // compressed bytes read at a time
constexpr std::size_t kDecodedChunk = 256u << 10; // decoded bytes handed to the reader at a time
constexpr std::size_t kHeadBytes = 4096;

/// One decompression library behind one interface. decode() consumes from `in` and produces
/// into `out`; at_end says there is no more input. It returns Done when the stream ended
/// cleanly (and all output has been produced), Fail with `error` set on damaged data.
class Decoder {
  public:
    enum class Status { More, Done, Fail };
    virtual ~Decoder() = default;
    Decoder() = default;
    Decoder(const Decoder&) = delete;
    Decoder& operator=(const Decoder&) = delete;
    virtual Status decode(
        const char*& in,
        std::size_t& in_len,
        char*& out,
        std::size_t& out_len,
        bool at_end,
        std::string& error
    ) = 0;
};

class GzipDecoder final : public Decoder {
  public:
    GzipDecoder() {
        // 15 + 32: zlib or gzip header, detected automatically.
        if (inflateInit2(&z_, 15 + 32) != Z_OK) throw Error("zlib: cannot initialise");
    }
    ~GzipDecoder() override { inflateEnd(&z_); }

    Status decode(const char*& in, std::size_t& in_len, char*& out, std::size_t& out_len, bool at_end, std::string& error)
        override {
        while (out_len > 0) {
            if (member_ended_) {
                if (in_len == 0) return at_end ? Status::Done : Status::More;
                inflateReset(&z_); // another gzip member follows (pigz, cat a.gz b.gz)
                member_ended_ = false;
            }
            if (in_len == 0 && !at_end) return Status::More;
            z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
            z_.avail_in = static_cast<uInt>(std::min<std::size_t>(in_len, 1u << 30));
            z_.next_out = reinterpret_cast<Bytef*>(out);
            z_.avail_out = static_cast<uInt>(std::min<std::size_t>(out_len, 1u << 30));
            const uInt before_in = z_.avail_in;
            const uInt before_out = z_.avail_out;
            const int rc = inflate(&z_, Z_NO_FLUSH);
            const std::size_t used = before_in - z_.avail_in;
            const std::size_t made = before_out - z_.avail_out;
            in += used;
            in_len -= used;
            out += made;
            out_len -= made;
            if (rc == Z_STREAM_END) {
                member_ended_ = true;
                continue;
            }
            if (rc == Z_OK) continue;
            if (rc == Z_BUF_ERROR) { // no progress possible: needs more input
                if (at_end && in_len == 0) {
                    error = "truncated gzip stream (the file ends in the middle of compressed data)";
                    return Status::Fail;
                }
                return Status::More;
            }
            error = std::string("invalid gzip data: ") + (z_.msg != nullptr ? z_.msg : "zlib error");
            return Status::Fail;
        }
        return Status::More;
    }

  private:
    z_stream z_{};
    bool member_ended_ = false;
};

class Bzip2Decoder final : public Decoder {
  public:
    Bzip2Decoder() { init(); }
    ~Bzip2Decoder() override { BZ2_bzDecompressEnd(&b_); }

    Status decode(const char*& in, std::size_t& in_len, char*& out, std::size_t& out_len, bool at_end, std::string& error)
        override {
        while (out_len > 0) {
            if (stream_ended_) {
                if (in_len == 0) return at_end ? Status::Done : Status::More;
                BZ2_bzDecompressEnd(&b_); // another bzip2 stream follows (pbzip2)
                init();
                stream_ended_ = false;
            }
            if (in_len == 0) {
                if (!at_end) return Status::More;
                error = "truncated bzip2 stream (the file ends in the middle of compressed data)";
                return Status::Fail;
            }
            b_.next_in = const_cast<char*>(in);
            b_.avail_in = static_cast<unsigned>(std::min<std::size_t>(in_len, 1u << 30));
            b_.next_out = out;
            b_.avail_out = static_cast<unsigned>(std::min<std::size_t>(out_len, 1u << 30));
            const unsigned before_in = b_.avail_in;
            const unsigned before_out = b_.avail_out;
            const int rc = BZ2_bzDecompress(&b_);
            const std::size_t used = before_in - b_.avail_in;
            const std::size_t made = before_out - b_.avail_out;
            in += used;
            in_len -= used;
            out += made;
            out_len -= made;
            if (rc == BZ_STREAM_END) {
                stream_ended_ = true;
                continue;
            }
            if (rc != BZ_OK) {
                error = "invalid bzip2 data (libbz2 error " + std::to_string(rc) + ")";
                return Status::Fail;
            }
            if (used == 0 && made == 0) return Status::More;
        }
        return Status::More;
    }

  private:
    void init() {
        b_ = bz_stream{};
        if (BZ2_bzDecompressInit(&b_, 0, 0) != BZ_OK) throw Error("libbz2: cannot initialise");
    }
    bz_stream b_{};
    bool stream_ended_ = false;
};

class XzDecoder final : public Decoder {
  public:
    XzDecoder() {
        if (lzma_stream_decoder(&s_, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
            throw Error("liblzma: cannot initialise");
        }
    }
    ~XzDecoder() override { lzma_end(&s_); }

    Status decode(const char*& in, std::size_t& in_len, char*& out, std::size_t& out_len, bool at_end, std::string& error)
        override {
        while (out_len > 0) {
            if (in_len == 0 && !at_end) return Status::More;
            s_.next_in = reinterpret_cast<const uint8_t*>(in);
            s_.avail_in = in_len;
            s_.next_out = reinterpret_cast<uint8_t*>(out);
            s_.avail_out = out_len;
            const lzma_ret rc = lzma_code(&s_, at_end ? LZMA_FINISH : LZMA_RUN);
            const std::size_t used = in_len - s_.avail_in;
            const std::size_t made = out_len - s_.avail_out;
            in += used;
            in_len -= used;
            out += made;
            out_len -= made;
            if (rc == LZMA_STREAM_END) return Status::Done;
            if (rc == LZMA_OK) {
                if (used == 0 && made == 0 && !at_end) return Status::More;
                continue;
            }
            if (rc == LZMA_BUF_ERROR && at_end) {
                error = "truncated xz stream (the file ends in the middle of compressed data)";
            } else if (rc == LZMA_BUF_ERROR) {
                return Status::More;
            } else {
                error = "invalid xz data (liblzma error " + std::to_string(static_cast<int>(rc)) + ")";
            }
            return Status::Fail;
        }
        return Status::More;
    }

  private:
    lzma_stream s_ = LZMA_STREAM_INIT;
};

class ZstdDecoder final : public Decoder {
  public:
    ZstdDecoder() : d_(ZSTD_createDCtx()) {
        if (d_ == nullptr) throw Error("libzstd: cannot initialise");
    }
    ~ZstdDecoder() override { ZSTD_freeDCtx(d_); }

    Status decode(const char*& in, std::size_t& in_len, char*& out, std::size_t& out_len, bool at_end, std::string& error)
        override {
        while (out_len > 0) {
            ZSTD_inBuffer ib{in, in_len, 0};
            ZSTD_outBuffer ob{out, out_len, 0};
            const std::size_t rc = ZSTD_decompressStream(d_, &ob, &ib);
            in += ib.pos;
            in_len -= ib.pos;
            out += ob.pos;
            out_len -= ob.pos;
            if (ZSTD_isError(rc) != 0U) {
                error = std::string("invalid zstd data: ") + ZSTD_getErrorName(rc);
                return Status::Fail;
            }
            // rc == 0: a frame ended and is flushed. A call that moved nothing says nothing
            // (after a frame it returns the size of the next frame's header).
            if (ib.pos > 0 || ob.pos > 0) frame_open_ = rc != 0;
            if (ob.pos == 0 && in_len == 0) {
                if (!at_end) return Status::More;
                // Unlike Boost's filter, notice a frame that the file cuts short.
                if (frame_open_) {
                    error = "truncated zstd stream (the file ends in the middle of a frame)";
                    return Status::Fail;
                }
                return Status::Done;
            }
        }
        return Status::More;
    }

  private:
    ZSTD_DCtx* d_;
    bool frame_open_ = false;
};

std::unique_ptr<Decoder> make_decoder(Compression c) {
    switch (c) {
    case Compression::Gzip:
        return std::make_unique<GzipDecoder>();
    case Compression::Bzip2:
        return std::make_unique<Bzip2Decoder>();
    case Compression::Xz:
        return std::make_unique<XzDecoder>();
    case Compression::Zstd:
        return std::make_unique<ZstdDecoder>();
    case Compression::None:
        break;
    }
    return nullptr;
}

} // namespace

/// The stream buffer behind Input::stream: raw bytes → decoder → get area. It never throws
/// into the istream (which would turn it into a silent badbit); it ends the stream and keeps
/// the reason in error().
class DecodingBuffer final : public std::streambuf {
  public:
    DecodingBuffer(std::shared_ptr<std::istream> raw, Compression c)
        : raw_(std::move(raw)), decoder_(make_decoder(c)), out_(kDecodedChunk) {
        if (decoder_) in_.resize(kRawChunk);
        fill();
        head_ = std::string_view(out_.data(), std::min<std::size_t>(kHeadBytes, out_filled_));
    }

    std::uint64_t raw_bytes() const noexcept { return raw_bytes_.load(std::memory_order_relaxed); }
    std::uint64_t decoded_bytes() const noexcept { return decoded_.load(std::memory_order_relaxed); }
    std::string error() const {
        const std::lock_guard lock(error_mutex_);
        return error_;
    }
    std::string_view head() const noexcept { return head_; }

  protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        fill(); // the constructor's fill() was consumed already
        if (out_filled_ == 0) return traits_type::eof();
        return traits_type::to_int_type(*gptr());
    }

  private:
    // Reads up to `n` raw bytes; returns the count (0 at end of input or on a read error).
    std::size_t read_raw(char* s, std::size_t n) {
        if (raw_eof_) return 0;
        raw_->read(s, static_cast<std::streamsize>(n));
        const auto got = static_cast<std::size_t>(raw_->gcount());
        if (raw_->bad()) {
            set_error(std::string("read error: ") + std::strerror(errno));
            raw_eof_ = true;
        } else if (got < n) {
            raw_eof_ = true;
        }
        raw_bytes_.fetch_add(got, std::memory_order_relaxed);
        return got;
    }

    void set_error(std::string message) {
        const std::lock_guard lock(error_mutex_);
        if (error_.empty()) error_ = std::move(message);
    }

    // Refills the get area with as many decoded bytes as fit (0 at the end of the stream).
    void fill() {
        out_filled_ = 0;
        if (!decoder_) {
            while (out_filled_ < out_.size() && !raw_eof_) {
                out_filled_ += read_raw(out_.data() + out_filled_, out_.size() - out_filled_);
            }
        } else {
            char* out = out_.data();
            std::size_t out_len = out_.size();
            while (out_len > 0 && !done_) {
                if (in_len_ == 0 && !raw_eof_) {
                    in_pos_ = in_.data();
                    in_len_ = read_raw(in_.data(), in_.size());
                }
                std::string message;
                const auto status = decoder_->decode(in_pos_, in_len_, out, out_len, raw_eof_ && in_len_ == 0, message);
                if (status == Decoder::Status::Fail) {
                    set_error(std::move(message));
                    done_ = true;
                } else if (status == Decoder::Status::Done) {
                    done_ = true;
                } else if (raw_eof_ && in_len_ == 0 && out_len == out_.size() - out_filled_) {
                    // The decoder wants more input that will never come and produced nothing.
                    const auto status2 = decoder_->decode(in_pos_, in_len_, out, out_len, true, message);
                    if (status2 == Decoder::Status::Fail) set_error(std::move(message));
                    done_ = true;
                }
                out_filled_ = static_cast<std::size_t>(out - out_.data());
            }
        }
        decoded_.fetch_add(out_filled_, std::memory_order_relaxed);
        setg(out_.data(), out_.data(), out_.data() + out_filled_);
    }

    std::shared_ptr<std::istream> raw_;
    std::unique_ptr<Decoder> decoder_;
    std::vector<char> in_;
    const char* in_pos_ = nullptr;
    std::size_t in_len_ = 0;
    std::vector<char> out_;
    std::size_t out_filled_ = 0;
    bool raw_eof_ = false;
    bool done_ = false;
    std::string_view head_;
    std::atomic<std::uint64_t> raw_bytes_{0};
    std::atomic<std::uint64_t> decoded_{0};
    mutable std::mutex error_mutex_;
    std::string error_;
};

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

std::uint64_t Input::raw_bytes_read() const noexcept { return buffer ? buffer->raw_bytes() : 0; }
std::uint64_t Input::bytes_decoded() const noexcept { return buffer ? buffer->decoded_bytes() : 0; }
std::string Input::error() const { return buffer ? buffer->error() : std::string(); }
std::string_view Input::head() const noexcept { return buffer ? buffer->head() : std::string_view(); }

namespace {

// Replays the bytes read to sniff the compression (standard input cannot seek back).
class ReplayBuffer final : public std::streambuf {
  public:
    ReplayBuffer(std::shared_ptr<std::istream> in, std::string head) : in_(std::move(in)), head_(std::move(head)) {
        setg(head_.data(), head_.data(), head_.data() + head_.size());
    }

  protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        return in_->rdbuf()->sgetc() == traits_type::eof() ? traits_type::eof() : pass_through();
    }
    std::streamsize xsgetn(char* s, std::streamsize n) override {
        std::streamsize done = 0;
        const std::streamsize buffered = egptr() - gptr();
        if (buffered > 0) {
            done = std::min(n, buffered);
            std::memcpy(s, gptr(), static_cast<std::size_t>(done));
            gbump(static_cast<int>(done));
        }
        if (done < n) done += in_->rdbuf()->sgetn(s + done, n - done);
        return done;
    }

  private:
    int_type pass_through() {
        one_ = static_cast<char>(in_->rdbuf()->sbumpc());
        setg(&one_, &one_, &one_ + 1);
        return traits_type::to_int_type(one_);
    }
    std::shared_ptr<std::istream> in_;
    std::string head_;
    char one_ = 0;
};

struct ReplayStream {
    ReplayBuffer buffer;
    std::istream stream;
    ReplayStream(std::shared_ptr<std::istream> in, std::string head)
        : buffer(std::move(in), std::move(head)), stream(&buffer) {}
};

} // namespace

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
    std::string magic(6, '\0');
    raw->read(magic.data(), static_cast<std::streamsize>(magic.size()));
    magic.resize(static_cast<std::size_t>(raw->gcount()));
    if (raw->bad()) throw Error(path + ": read error: " + std::strerror(errno));
    raw->clear();
    input.compression = detect_compression(magic);

    // The sniffed bytes go back in front of the rest through a small replaying stream.
    auto replay = std::make_shared<ReplayStream>(raw, std::move(magic));
    std::shared_ptr<std::istream> source(replay, &replay->stream);
    input.buffer = std::make_shared<DecodingBuffer>(std::move(source), input.compression);
    input.stream = std::make_unique<std::istream>(input.buffer.get());
    return input;
}

} // namespace fahras
