// Which codec for a hit's stored document (docs/schema.md, "Document data"): the bytes each
// takes and the time each takes to decode, over 4,096 articles drawn at random (fixed seed) from
// a fahras database. Each article's JSON (what the stored frame holds) is compressed once in
// memory, then the benchmark decodes the frames one after another, as the searcher decodes its
// hits. Also: how much glass's deflate would take off each kind of frame (glass keeps the
// deflated form of document data whenever it is smaller, and inflates it on every read).
//
//   cmake --preset bench && cmake --build --preset bench --target fahras_codec_bench
//   FAHRAS_DB=/path/to/index build/bench/bin/fahras_codec_bench [--benchmark_repetitions=3]

#include "common/index/document_builder.hpp"

#include <benchmark/benchmark.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h>
#include <xapian.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

// 4,096 documents drawn at random from the database.
const std::vector<fahras::Document>& documents() {
    static const std::vector<fahras::Document> out = [] {
        const char* path = std::getenv("FAHRAS_DB");
        if (path == nullptr) {
            std::cerr << "codec_bench: set FAHRAS_DB to a fahras database\n";
            std::exit(2);
        }
        Xapian::Database db(path);
        std::mt19937 random(20261203);
        std::uniform_int_distribution<Xapian::docid> pick(1, db.get_lastdocid());
        std::vector<fahras::Document> v;
        while (v.size() < 4096) {
            try {
                v.push_back(fahras::decode_stored(db.get_document(pick(random)).get_data()));
            } catch (const Xapian::DocNotFoundError&) {
                // (a deleted document: draw again)
            }
        }
        return v;
    }();
    return out;
}

// Their JSON, as encode_stored() compresses it.
const std::vector<std::string>& articles() {
    static const std::vector<std::string> out = [] {
        std::vector<std::string> v;
        for (const fahras::Document& doc : documents()) v.push_back(fahras::stored_fields_json(doc));
        return v;
    }();
    return out;
}

// What raw deflate (glass's settings) makes of `data`, if smaller; else its own size.
std::size_t glass_size(const std::string& data) {
    z_stream z{};
    deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, data.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    const std::size_t n = z.total_out;
    deflateEnd(&z);
    return std::min(n, data.size());
}

// Compresses every article with `compress`, then times decoding them one after another with
// `decode` (into a buffer of the article's size, as decode_stored() does).
template <class Compress, class Decode>
void run(benchmark::State& state, Compress compress, Decode decode) {
    const auto& texts = articles();
    std::vector<std::string> frames;
    double bytes = 0;
    double raw = 0;
    double glass = 0;
    for (const std::string& t : texts) {
        frames.push_back(compress(t));
        bytes += static_cast<double>(frames.back().size());
        raw += static_cast<double>(t.size());
        glass += static_cast<double>(glass_size(frames.back()));
    }
    std::string out;
    std::size_t i = 0;
    for (auto _ : state) {
        const std::size_t k = i++ % texts.size();
        out.resize(texts[k].size());
        if (!decode(frames[k], out)) state.SkipWithError("decoding failed");
        benchmark::DoNotOptimize(out.data());
    }
    const auto n = static_cast<double>(texts.size());
    state.counters["bytes"] = bytes / n;
    state.counters["of_json"] = bytes / raw;
    state.counters["glass_bytes"] = glass / n; // what glass would store (deflated if smaller)
}

void BM_zstd(benchmark::State& state) {
    ZSTD_CCtx* c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, static_cast<int>(state.range(0)));
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    ZSTD_DCtx* d = ZSTD_createDCtx();
    run(
        state,
        [&](const std::string& t) {
            std::string f(ZSTD_compressBound(t.size()), '\0');
            f.resize(ZSTD_compress2(c, f.data(), f.size(), t.data(), t.size()));
            return f;
        },
        [&](const std::string& f, std::string& out) {
            return ZSTD_decompressDCtx(d, out.data(), out.size(), f.data(), f.size()) == out.size();
        }
    );
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
}

void BM_lz4_block(benchmark::State& state) {
    const int level = static_cast<int>(state.range(0));
    run(
        state,
        [&](const std::string& t) {
            std::string f(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(t.size()))), '\0');
            const int n = level == 0 ? LZ4_compress_default(t.data(), f.data(), static_cast<int>(t.size()), static_cast<int>(f.size()))
                                     : LZ4_compress_HC(t.data(), f.data(), static_cast<int>(t.size()), static_cast<int>(f.size()), level);
            f.resize(static_cast<std::size_t>(n));
            return f;
        },
        [&](const std::string& f, std::string& out) {
            return LZ4_decompress_safe(f.data(), out.data(), static_cast<int>(f.size()), static_cast<int>(out.size())) ==
                   static_cast<int>(out.size());
        }
    );
}

// The LZ4 frame schema 3 stores (HC 9, content size and checksum), before whitening.
void BM_lz4_frame(benchmark::State& state) {
    LZ4F_dctx* d = nullptr;
    LZ4F_createDecompressionContext(&d, LZ4F_VERSION);
    run(
        state,
        [&](const std::string& t) {
            LZ4F_preferences_t p{};
            p.compressionLevel = LZ4HC_CLEVEL_DEFAULT;
            p.frameInfo.blockSizeID = LZ4F_max4MB;
            p.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
            p.frameInfo.contentSize = t.size();
            std::string f(LZ4F_compressFrameBound(t.size(), &p), '\0');
            f.resize(LZ4F_compressFrame(f.data(), f.size(), t.data(), t.size(), &p));
            return f;
        },
        [&](const std::string& f, std::string& out) {
            std::size_t written = out.size();
            std::size_t read = f.size();
            LZ4F_decompressOptions_t o{};
            o.stableDst = 1;
            return LZ4F_decompress(d, out.data(), &written, f.data(), &read, &o) == 0 && written == out.size();
        }
    );
    LZ4F_freeDecompressionContext(d);
}

// Schema 3's whole record through decode_stored(): whitening undone, frame decoded, JSON read.
void BM_stored_v3(benchmark::State& state) {
    std::vector<std::string> records;
    for (const fahras::Document& doc : documents()) records.push_back(fahras::encode_stored(doc));
    double glass = 0;
    double bytes = 0;
    for (const std::string& r : records) {
        glass += static_cast<double>(glass_size(r));
        bytes += static_cast<double>(r.size());
    }
    std::size_t i = 0;
    for (auto _ : state) {
        const fahras::Document doc = fahras::decode_stored(records[i++ % records.size()]);
        benchmark::DoNotOptimize(doc.body.data());
    }
    state.counters["bytes"] = bytes / static_cast<double>(records.size());
    state.counters["glass_bytes"] = glass / static_cast<double>(records.size());
}

} // namespace

BENCHMARK(BM_zstd)->Arg(1)->Arg(3)->Arg(9)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_lz4_block)->Arg(0)->Arg(4)->Arg(9)->Arg(12)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_lz4_frame)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_stored_v3)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
