// What a hit's stored document costs: reading it from the database (Xapian's docdata B-tree,
// pread()s of 8 KB blocks from the page cache), then decoding it (LZ4, or zstd in a schema-2
// database, then the JSON fields).
// The searcher does both for each hit it shows, so this is the floor of a hit's cost before
// its snippet is made.
//
//   cmake --preset bench && cmake --build --preset bench --target fahras_fetch_bench
//   FAHRAS_DB=/path/to/index build/bench/bin/fahras_fetch_bench [--benchmark_repetitions=3]
//
// The documents are 4,096 docids drawn at random (fixed seed) from the database, each read
// through one open Database, as the searcher's threads read their hits.

#include "common/index/document_builder.hpp"

#include <benchmark/benchmark.h>
#include <xapian.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

Xapian::Database& database() {
    static Xapian::Database db = [] {
        const char* path = std::getenv("FAHRAS_DB");
        if (path == nullptr) {
            std::cerr << "fetch_bench: set FAHRAS_DB to a fahras database\n";
            std::exit(2);
        }
        return Xapian::Database(path);
    }();
    return db;
}

const std::vector<Xapian::docid>& docids() {
    static const std::vector<Xapian::docid> out = [] {
        const Xapian::docid last = database().get_lastdocid();
        std::mt19937 random(20261203);
        std::uniform_int_distribution<Xapian::docid> pick(1, last);
        std::vector<Xapian::docid> v;
        while (v.size() < 4096) {
            const Xapian::docid d = pick(random);
            try {
                (void)database().get_document(d).get_data();
                v.push_back(d);
            } catch (const Xapian::DocNotFoundError&) {
                // (a deleted document: draw again)
            }
        }
        return v;
    }();
    return out;
}

// The stored bytes only.
void BM_read_stored(benchmark::State& state) {
    Xapian::Database& db = database();
    const auto& ids = docids();
    std::size_t i = 0;
    std::int64_t bytes = 0;
    for (auto _ : state) {
        const std::string data = db.get_document(ids[i++ % ids.size()], Xapian::DOC_ASSUME_VALID).get_data();
        bytes += static_cast<std::int64_t>(data.size());
        benchmark::DoNotOptimize(data.data());
    }
    state.counters["stored_bytes"] = benchmark::Counter(static_cast<double>(bytes) / static_cast<double>(state.iterations()));
}

// The stored bytes, decoded into a Document (what Searcher::fetch() does).
void BM_read_and_decode(benchmark::State& state) {
    Xapian::Database& db = database();
    const auto& ids = docids();
    std::size_t i = 0;
    for (auto _ : state) {
        const fahras::Document doc = fahras::decode_stored(db.get_document(ids[i++ % ids.size()], Xapian::DOC_ASSUME_VALID).get_data());
        benchmark::DoNotOptimize(doc.body.data());
    }
}

// Decoding alone, of stored bytes read beforehand.
void BM_decode(benchmark::State& state) {
    std::vector<std::string> stored;
    for (const Xapian::docid d : docids()) stored.push_back(database().get_document(d).get_data());
    std::size_t i = 0;
    for (auto _ : state) {
        const fahras::Document doc = fahras::decode_stored(stored[i++ % stored.size()]);
        benchmark::DoNotOptimize(doc.body.data());
    }
}

} // namespace

BENCHMARK(BM_read_stored)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_read_and_decode)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_decode)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
