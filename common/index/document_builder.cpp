#include "common/index/document_builder.hpp"

#include "common/index/schema.hpp"
#include "common/util/error.hpp"
#include "common/util/utf8.hpp"

#include <lz4frame.h>
#include <lz4hc.h>
#include <nlohmann/json.hpp>
#include <zstd.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>

namespace fahras {

std::string DocumentBuilder::id_term(std::string_view id) {
    std::string term(prefix::id);
    term += id;
    return term;
}

std::string DocumentBuilder::url_host(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    std::string_view rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
    if (const auto colon = rest.rfind(':'); colon != std::string_view::npos && rest.find(']') == std::string_view::npos) {
        rest = rest.substr(0, colon);
    }
    std::string host(rest);
    for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return host;
}

std::string DocumentBuilder::sortable_date(std::string_view date) {
    std::string out;
    for (const char c : date) {
        if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
            out.push_back(c);
        } else if (c != '-' && c != '/') {
            break;
        }
        if (out.size() == 8) break;
    }
    if (out.size() != 4 && out.size() != 6 && out.size() != 8) return {};
    return out;
}

void DocumentBuilder::add_term(Xapian::Document& xdoc, std::string_view prefix, std::string_view term, unsigned wdf) {
    if (prefix.size() + term.size() > kMaxTermBytes) return;
    term_.assign(prefix);
    term_ += term;
    xdoc.add_term(term_, wdf);
}

void DocumentBuilder::add_posting(
    Xapian::Document& xdoc,
    std::string_view prefix,
    std::string_view term,
    unsigned pos,
    unsigned wdf
) {
    if (prefix.size() + term.size() > kMaxTermBytes) return;
    term_.assign(prefix);
    term_ += term;
    xdoc.add_posting(term_, pos, wdf);
}

void DocumentBuilder::index_field(Xapian::Document& xdoc, std::string_view text, bool is_title, unsigned& position) {
    tokens_.clear();
    analyzer_.analyze(text, tokens_, position);
    const unsigned wdf = is_title ? kTitleWdf : 1;
    for (const AnalyzedToken& t : tokens_) {
        add_posting(xdoc, prefix::exact, t.exact, t.token.position, wdf);
        add_term(xdoc, prefix::stem, t.stem, wdf);
        if (!t.alef_stem.empty()) add_term(xdoc, prefix::stem, t.alef_stem, wdf);
        if (!t.recall_stem.empty()) add_term(xdoc, prefix::recall_stem, t.recall_stem, wdf);
        if (!t.skeleton.empty()) add_term(xdoc, prefix::skeleton, t.skeleton, wdf);
        if (is_title) {
            add_posting(xdoc, prefix::title, t.exact, t.token.position, 1);
            add_term(xdoc, prefix::title_stem, t.stem, 1);
        }
    }
    if (!tokens_.empty()) position = tokens_.back().token.position + 1;
}

Xapian::Document DocumentBuilder::build(const Document& doc) {
    Xapian::Document xdoc;
    unsigned position = kTitleFirstPosition;
    if (!doc.title.empty()) {
        index_field(xdoc, doc.title, true, position);
        position += kFieldGap;
    }
    index_field(xdoc, doc.body, false, position);

    xdoc.add_boolean_term(id_term(doc.id));
    auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    if (!doc.source.empty()) add_term(xdoc, prefix::source, lower(doc.source), 0);
    if (!doc.category.empty()) add_term(xdoc, prefix::category, lower(doc.category), 0);
    if (!doc.url.empty()) {
        add_term(xdoc, prefix::url, doc.url, 0); // skipped when too long for a term; still stored
        if (const std::string host = url_host(doc.url); !host.empty()) add_term(xdoc, prefix::host, host, 0);
    }
    if (const std::string date = sortable_date(doc.date); !date.empty()) {
        xdoc.add_value(slot::date, date);
        add_term(xdoc, prefix::year, date.substr(0, 4), 0);
        if (date.size() >= 6) add_term(xdoc, prefix::month, date.substr(0, 6), 0);
        if (date.size() == 8) add_term(xdoc, prefix::day, date, 0);
    }
    xdoc.set_data(encode_stored(doc));
    return xdoc;
}

namespace {

// The stored form (docs/schema.md, "Document data"). Schema version 1 stored the JSON object
// itself, and Xapian's glass backend deflated it (zlib): inflating the ten hits of a query was
// a tenth of a search. Version 2 stored a zstd frame, which glass cannot deflate further; but
// zstd builds its entropy tables again for every frame, and a 2.6 KB news article took 6-7 us
// to decode, a sixth of a hit's cost. Version 3 stores an LZ4 frame (LZ4HC, with its content
// size and checksum): it decodes in about 2 us, at 27% more bytes than zstd (1.5 KB an ANT
// article; bench/search-latency.md, "Stored data as LZ4 frames"):
//
//   kStoredLz4 | LEB128 byte count of the id | the id | LZ4 frame of the JSON without "id", whitened
//
// LZ4 has no entropy stage, and glass deflates a record whenever that makes it smaller (Xapian
// has no option against it): raw, 13% of an LZ4 frame of Arabic text would go, and every hit
// would be inflated again. So the frame is XORed with a fixed pseudo-random keystream
// (whiten()), which deflate cannot shrink; undoing it costs a pass over 1.5 KB.
//
// The id stays outside the frame so that damaged data is reported with the document it
// belongs to. The frame carries its content size and a checksum (damage is found, never
// decoded into wrong text). A version-2 record (kStoredZstd: a zstd frame, not whitened) and a
// version-1 record (it starts with '{') read as before.
constexpr char kStoredZstd = '\x01';
constexpr char kStoredLz4 = '\x02';
// LZ4HC's default level: levels 4 and 12 make the articles 0.3% larger and 0.4% smaller; the
// decoder's speed is the same.
constexpr int kStoredLz4Level = LZ4HC_CLEVEL_DEFAULT;
// A frame claiming more than this is damaged (no field of a document comes near it).
constexpr unsigned long long kMaxStoredBytes = 1ULL << 31;
// Nor can a frame hold more than this many bytes for each of its own: a zstd block of at most
// 128 KiB takes at least 4 bytes (a 3-byte header and one repeated byte), and an LZ4 sequence
// writes at most 255 bytes of match a byte of length. A damaged content size is refused before
// the buffer is sized by it.
constexpr unsigned long long kMaxZstdExpansion = (128 * 1024) / 4;
constexpr unsigned long long kMaxLz4Expansion = 256;

struct FreeDCtx {
    void operator()(ZSTD_DCtx* d) const noexcept { ZSTD_freeDCtx(d); }
};
// One LZ4 context of each kind per thread, kept: creating one costs more than compressing a
// small document (LZ4HC's holds 256 KB of match tables).
template <class Context, LZ4F_errorCode_t (*Create)(Context**, unsigned), LZ4F_errorCode_t (*Free)(Context*)>
Context& lz4_context() {
    struct Release {
        void operator()(Context* c) const noexcept { Free(c); }
    };
    thread_local const std::unique_ptr<Context, Release> context = [] {
        Context* c = nullptr;
        if (LZ4F_isError(Create(&c, LZ4F_VERSION))) throw std::bad_alloc();
        return std::unique_ptr<Context, Release>(c);
    }();
    return *context;
}
LZ4F_cctx& lz4_compress_context() {
    return lz4_context<LZ4F_cctx, LZ4F_createCompressionContext, LZ4F_freeCompressionContext>();
}
LZ4F_dctx& lz4_decompress_context() {
    return lz4_context<LZ4F_dctx, LZ4F_createDecompressionContext, LZ4F_freeDecompressionContext>();
}

ZSTD_DCtx& zstd_decompress_context() {
    thread_local const std::unique_ptr<ZSTD_DCtx, FreeDCtx> dctx(ZSTD_createDCtx());
    if (!dctx) throw std::bad_alloc();
    return *dctx;
}

// The keystream of whiten(): 64 KiB, the little-endian bytes of splitmix64's outputs from
// state 0 (docs/schema.md). Its period is twice deflate's 32 KiB window, so deflate never sees
// it repeat.
constexpr std::size_t kKeystreamBytes = 1 << 16;
const std::array<std::uint8_t, kKeystreamBytes>& keystream() {
    static const auto table = [] {
        std::array<std::uint8_t, kKeystreamBytes> k{};
        std::uint64_t state = 0;
        for (std::size_t i = 0; i < kKeystreamBytes; i += 8) {
            state += 0x9E3779B97F4A7C15ULL;
            std::uint64_t z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
            z ^= z >> 31;
            for (std::size_t b = 0; b < 8; ++b) k[i + b] = static_cast<std::uint8_t>(z >> (8 * b));
        }
        return k;
    }();
    return table;
}

// out[i] = in[i] XOR keystream[i mod 64 KiB]: its own inverse. Eight bytes at a time (a 1.5 KB
// frame in some 200 steps); `in` and `out` may be the same.
void whiten(const char* in, char* out, std::size_t n) noexcept {
    const std::uint8_t* k = keystream().data();
    std::size_t i = 0;
    for (std::size_t at = 0; i + 8 <= n; i += 8, at = (at + 8) & (kKeystreamBytes - 1)) {
        std::uint64_t word = 0;
        std::uint64_t key = 0;
        std::memcpy(&word, in + i, 8);
        std::memcpy(&key, k + at, 8);
        word ^= key;
        std::memcpy(out + i, &word, 8);
    }
    for (; i < n; ++i) out[i] = static_cast<char>(static_cast<std::uint8_t>(in[i]) ^ k[i & (kKeystreamBytes - 1)]);
}

std::string stored_json(const nlohmann::json& j) {
    // Replace, never throw: the text was repaired by the reader, this is a last safety net.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

std::string stored_fields_json(const Document& doc) {
    nlohmann::json j = nlohmann::json::object();
    j["title"] = doc.title;
    j["body"] = doc.body;
    if (!doc.date.empty()) j["date"] = doc.date;
    if (!doc.source.empty()) j["source"] = doc.source;
    if (!doc.category.empty()) j["category"] = doc.category;
    if (!doc.url.empty()) j["url"] = doc.url;
    if (!doc.extra.empty()) j["extra"] = doc.extra;
    return stored_json(j);
}

std::string encode_stored(const Document& doc) {
    const std::string json = stored_fields_json(doc);

    // The id as the JSON of version 1 would have read back: ill-formed UTF-8 replaced as
    // nlohmann replaces it (the reader repairs it before; this is the same safety net).
    std::string id = doc.id;
    if (utf8::find_invalid(id) != std::string::npos) id = nlohmann::json::parse(stored_json(id)).get<std::string>();

    std::string out(1, kStoredLz4);
    for (std::size_t n = id.size();; n >>= 7) {
        out += static_cast<char>(n < 0x80 ? n : (n & 0x7F) | 0x80);
        if (n < 0x80) break;
    }
    out += id;
    const std::size_t header = out.size();
    LZ4F_preferences_t prefs{};
    prefs.compressionLevel = kStoredLz4Level;
    // The smallest block size that holds the whole JSON (up to 4 MB blocks, linked): the
    // decoder sizes its buffers by it, and a news article needs no more than 64 KB. Flushed
    // as it goes, so the bound below holds no block held back (4 MB with the largest size).
    const std::size_t size = json.size();
    prefs.frameInfo.blockSizeID = size <= (64U << 10)  ? LZ4F_max64KB
                                : size <= (256U << 10) ? LZ4F_max256KB
                                : size <= (1U << 20)   ? LZ4F_max1MB
                                                       : LZ4F_max4MB;
    prefs.frameInfo.blockMode = LZ4F_blockLinked;
    prefs.autoFlush = 1;
    prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    prefs.frameInfo.contentSize = size;
    out.resize(header + LZ4F_HEADER_SIZE_MAX + LZ4F_compressBound(size, &prefs));
    LZ4F_cctx& cctx = lz4_compress_context();
    auto fail = [&](std::size_t code) {
        return Error("document " + id + ": cannot compress its stored data: " + LZ4F_getErrorName(code));
    };
    std::size_t n = header;
    std::size_t r = LZ4F_compressBegin(&cctx, out.data() + n, out.size() - n, &prefs);
    if (LZ4F_isError(r)) throw fail(r);
    n += r;
    r = LZ4F_compressUpdate(&cctx, out.data() + n, out.size() - n, json.data(), size, nullptr);
    if (LZ4F_isError(r)) throw fail(r);
    n += r;
    r = LZ4F_compressEnd(&cctx, out.data() + n, out.size() - n, nullptr);
    if (LZ4F_isError(r)) throw fail(r);
    n += r;
    whiten(out.data() + header, out.data() + header, n - header);
    out.resize(n);
    return out;
}

namespace {

// The stored data of a document is the JSON object encode_stored() writes: string fields, and
// "extra" (any JSON) when the input had other fields. Reading it is on every search hit's
// path, and nlohmann's DOM parse (a std::map, a copy of each string) was a tenth of a batch
// run's time; this reads the object of strings directly. Anything else (an "extra" field, a
// number, a malformed record from an older writer) returns false and goes through nlohmann.
class StoredReader {
  public:
    explicit StoredReader(std::string_view s) : s_(s) {}

    bool read(Document& doc) {
        if (!consume('{')) return false;
        if (consume('}')) return at_end();
        // Each value is read straight into its field, whose memory is reused when `doc` held
        // another document (a thread that reads hit after hit allocates nothing once its
        // fields have grown).
        std::string key;
        do {
            if (!string(key) || !consume(':')) return false;
            std::string* field = nullptr;
            if (key == "id") field = &doc.id;
            else if (key == "title") field = &doc.title;
            else if (key == "body") field = &doc.body;
            else if (key == "date") field = &doc.date;
            else if (key == "source") field = &doc.source;
            else if (key == "category") field = &doc.category;
            else if (key == "url") field = &doc.url;
            else return false; // "extra" or a field this reader does not know
            if (!string(*field)) return false;
        } while (consume(','));
        return consume('}') && at_end();
    }

  private:
    void skip_space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }
    bool consume(char c) {
        skip_space();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    bool at_end() {
        skip_space();
        return i_ == s_.size();
    }
    bool hex4(unsigned& out) {
        if (s_.size() - i_ < 4) return false;
        out = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s_[i_++];
            out <<= 4;
            if (c >= '0' && c <= '9') out |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') out |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') out |= static_cast<unsigned>(c - 'A' + 10);
            else return false;
        }
        return true;
    }
    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    // A JSON string, unescaped into `out`. The writer's strings are valid UTF-8 (it replaces
    // anything else), so bytes are copied in runs between quotes and backslashes. The runs are
    // found with two memchr scans (the next quote, kept until passed, then a backslash before
    // it): find_first_of("\"\\") calls memchr once a byte, and was 4% of a search batch.
    bool string(std::string& out) {
        out.clear();
        if (!consume('"')) return false;
        std::size_t quote = std::string_view::npos;
        for (;;) {
            if (quote == std::string_view::npos || quote < i_) quote = s_.find('"', i_);
            if (quote == std::string_view::npos) return false;
            const std::size_t backslash = s_.substr(0, quote).find('\\', i_);
            const std::size_t stop = backslash == std::string_view::npos ? quote : backslash;
            out.append(s_.data() + i_, stop - i_);
            i_ = stop + 1;
            if (s_[stop] == '"') return true;
            if (i_ >= s_.size()) return false;
            const char e = s_[i_++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = 0;
                if (!hex4(cp)) return false;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    // A surrogate pair; a lone half is left to the slow path.
                    unsigned low = 0;
                    if (s_.substr(i_, 2) != "\\u" || (i_ += 2, !hex4(low)) || low < 0xDC00 || low > 0xDFFF) return false;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return false;
                }
                append_utf8(out, cp);
                break;
            }
            default:
                return false;
            }
        }
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

} // namespace

Document decode_stored(std::string_view data) {
    Document doc;
    decode_stored(data, doc);
    return doc;
}

namespace {

// Empties every field of `doc`, keeping the memory of its strings.
void clear_fields(Document& doc) {
    for (std::string* field : {&doc.id, &doc.title, &doc.body, &doc.date, &doc.source, &doc.category, &doc.url}) field->clear();
    if (!doc.extra.is_object() || !doc.extra.empty()) doc.extra = nlohmann::json::object();
    doc.where = SourceLocation{};
}

} // namespace

void decode_stored(std::string_view data, Document& doc) {
    clear_fields(doc);
    if (data.empty() || (data[0] != kStoredLz4 && data[0] != kStoredZstd)) {
        // Version 1: the JSON object itself. Anything else below a space is no JSON, and no
        // format this version knows (a newer writer's): say so rather than show an empty hit.
        if (!data.empty() && static_cast<unsigned char>(data[0]) < 0x20 && data[0] != ' ' && data[0] != '\t' &&
            data[0] != '\n' && data[0] != '\r') {
            throw Error(
                "stored data of a document starts with byte " + std::to_string(static_cast<unsigned char>(data[0])) +
                ", a format this fahras does not read; re-index the database with this version of fahras-index"
            );
        }
        if (!StoredReader(data).read(doc)) doc = decode_stored_json(data);
        return;
    }

    std::size_t i = 1;
    std::size_t id_size = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (i == data.size() || shift > 28) throw Error("stored data of a document is damaged: its id is cut short");
        const auto byte = static_cast<unsigned char>(data[i++]);
        id_size |= static_cast<std::size_t>(byte & 0x7F) << shift;
        if (byte < 0x80) break;
    }
    if (id_size > data.size() - i) throw Error("stored data of a document is damaged: its id is cut short");
    const std::string_view id = data.substr(i, id_size);
    const std::string_view frame = data.substr(i + id_size);
    auto damaged = [&](std::string_view why) {
        return Error("stored data of document " + std::string(id) + " is damaged: " + std::string(why));
    };

    thread_local std::string json; // reused: no allocation a hit once it has grown
    if (data[0] == kStoredLz4) {
        thread_local std::string plain; // the frame, no longer whitened
        plain.resize(frame.size());
        whiten(frame.data(), plain.data(), frame.size());
        LZ4F_dctx& dctx = lz4_decompress_context();
        auto lz4_damaged = [&](std::string_view why) {
            LZ4F_resetDecompressionContext(&dctx); // (a frame left half read)
            return damaged(why);
        };
        LZ4F_frameInfo_t info{};
        std::size_t header = plain.size();
        const std::size_t r = LZ4F_getFrameInfo(&dctx, &info, plain.data(), &header);
        if (LZ4F_isError(r)) throw lz4_damaged(std::string("no LZ4 frame header: ") + LZ4F_getErrorName(r));
        const unsigned long long size = info.contentSize;
        if (size == 0) throw lz4_damaged("its LZ4 frame does not say its size");
        if (info.contentChecksumFlag != LZ4F_contentChecksumEnabled) throw lz4_damaged("its LZ4 frame has no checksum");
        if (size > kMaxStoredBytes || size > frame.size() * kMaxLz4Expansion) {
            throw lz4_damaged("its LZ4 frame of " + std::to_string(frame.size()) + " bytes claims " + std::to_string(size));
        }
        json.resize(static_cast<std::size_t>(size));
        std::size_t written = json.size();
        std::size_t read = plain.size() - header;
        LZ4F_decompressOptions_t options{};
        options.stableDst = 1;
        const std::size_t left = LZ4F_decompress(&dctx, json.data(), &written, plain.data() + header, &read, &options);
        if (LZ4F_isError(left)) throw lz4_damaged(std::string("lz4: ") + LZ4F_getErrorName(left));
        if (left != 0) throw lz4_damaged("its LZ4 frame is cut short");
        if (written != size) throw damaged("its LZ4 frame holds fewer bytes than it claims");
        if (header + read != plain.size()) throw damaged("bytes follow its LZ4 frame");
    } else {
        const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
        if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) throw damaged("no zstd frame header");
        if (size > kMaxStoredBytes || size > frame.size() * kMaxZstdExpansion) {
            throw damaged("its zstd frame of " + std::to_string(frame.size()) + " bytes claims " + std::to_string(size));
        }
        json.resize(static_cast<std::size_t>(size));
        const std::size_t n = ZSTD_decompressDCtx(&zstd_decompress_context(), json.data(), json.size(), frame.data(), frame.size());
        if (ZSTD_isError(n)) throw damaged(std::string("zstd: ") + ZSTD_getErrorName(n));
        if (n != size) throw damaged("its zstd frame holds fewer bytes than it claims");
    }

    if (!StoredReader(json).read(doc)) doc = decode_stored_json(json);
    doc.id.assign(id);
}

Document decode_stored_json(std::string_view data) {
    Document doc;
    const auto j = nlohmann::json::parse(data, nullptr, false);
    if (!j.is_object()) return doc;
    auto get = [&](const char* key) {
        const auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    doc.id = get("id");
    doc.title = get("title");
    doc.body = get("body");
    doc.date = get("date");
    doc.source = get("source");
    doc.category = get("category");
    doc.url = get("url");
    if (const auto it = j.find("extra"); it != j.end()) doc.extra = *it;
    return doc;
}

} // namespace fahras
