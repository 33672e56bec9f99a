// HitPool: a query's hits read and cut into snippets on several threads. Every hit once,
// errors brought back to the caller, the same output as one thread, and helpers that keep to the
// Searcher's revision (or stay out) while a writer commits.

#include "common/document/document.hpp"
#include "common/index/document_builder.hpp"
#include "common/output/printer.hpp"
#include "common/search/hit_pool.hpp"
#include "common/search/search_run.hpp"
#include "support/search_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

using namespace fahras;

namespace {

// n tasks that each take `pause`, so that helpers surely wake up and take some.
std::vector<int> run_counting(HitPool& pool, std::size_t n, std::chrono::microseconds pause, std::vector<std::size_t>* by_thread = nullptr) {
    std::vector<std::atomic<int>> calls(n);
    std::vector<std::atomic<std::size_t>> threads(pool.threads());
    std::atomic<int> incomplete{0}; // (Catch2's assertions are not for other threads)
    pool.run(n, [&](HitPool::Context& c, std::size_t i) {
        if (c.db == nullptr || c.analyzer == nullptr || c.forms == nullptr) incomplete.fetch_add(1);
        calls[i].fetch_add(1);
        threads.at(c.index).fetch_add(1);
        if (pause.count() > 0) std::this_thread::sleep_for(pause);
    });
    CHECK(incomplete.load() == 0);
    std::vector<int> out;
    for (auto& c : calls) out.push_back(c.load());
    if (by_thread != nullptr) {
        by_thread->clear();
        for (auto& t : threads) by_thread->push_back(t.load());
    }
    return out;
}

// The stored documents of the fixture's hits for a query, read through each context's own
// database handle: the same as the Searcher's.
std::string json_of_batch(Searcher& searcher, const std::string& batch, HitPool* pool) {
    std::istringstream in(batch);
    const auto queries = read_queries(in, "q.tsv");
    std::ostringstream out;
    auto printer = make_json_printer(out);
    std::ostringstream messages;
    Diagnostics diagnostics("fahras-search", messages);
    RunOptions options;
    options.search.count = 5;
    (void)run_queries(searcher, queries, options, *printer, diagnostics, nullptr, pool);
    // Timings differ from run to run; nothing else may.
    return std::regex_replace(out.str(), std::regex(R"("elapsed_ms":[0-9.e+-]+)"), "");
}

// Helpers build their analyzer on their own threads: wait (a few seconds at most) until they can
// join runs.
void wait_ready(const HitPool& pool) {
    for (int i = 0; i < 5000 && pool.ready_helpers() + 1 < pool.threads(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    REQUIRE(pool.ready_helpers() + 1 == pool.threads());
}

} // namespace

TEST_CASE("hit pool: every index runs exactly once, on the caller and the helpers", "[hitpool]") {
    Searcher& searcher = test::search_fixture();
    HitPool pool(searcher, 3);
    REQUIRE(pool.threads() == 3);
    for (const std::size_t n : {0, 1, 2, 3, 10, 257}) {
        INFO("n = " << n);
        const auto calls = run_counting(pool, n, std::chrono::microseconds(0));
        CHECK(std::count(calls.begin(), calls.end(), 1) == static_cast<std::ptrdiff_t>(n));
    }
    // With tasks that take a while, the helpers wake up and take their share.
    wait_ready(pool);
    std::vector<std::size_t> by_thread;
    const auto calls = run_counting(pool, 60, std::chrono::microseconds(2000), &by_thread);
    CHECK(std::count(calls.begin(), calls.end(), 1) == 60);
    REQUIRE(by_thread.size() == 3);
    CHECK(by_thread[0] > 0);
    CHECK(by_thread[1] + by_thread[2] > 0);
    CHECK(by_thread[0] + by_thread[1] + by_thread[2] == 60);
}

TEST_CASE("hit pool: one thread runs everything on the caller, with the Searcher's own database", "[hitpool]") {
    Searcher& searcher = test::search_fixture();
    HitPool pool(searcher, 1);
    CHECK(pool.threads() == 1);
    std::vector<HitPool::Context> seen;
    pool.run(5, [&](HitPool::Context& c, std::size_t) { seen.push_back(c); });
    REQUIRE(seen.size() == 5);
    for (const auto& c : seen) {
        CHECK(c.index == 0);
        CHECK(c.db == &searcher.database());
        CHECK(c.forms == &searcher.word_forms());
    }
}

TEST_CASE("hit pool: a task's exception reaches the caller, and the pool works on", "[hitpool]") {
    Searcher& searcher = test::search_fixture();
    HitPool pool(searcher, 2);
    std::atomic<int> ran{0};
    auto failing = [&](HitPool::Context&, std::size_t i) {
        ran.fetch_add(1);
        std::this_thread::sleep_for(std::chrono::microseconds(500));
        if (i == 7) throw std::runtime_error("hit 7 is bad");
    };
    CHECK_THROWS_WITH(pool.run(40, failing), "hit 7 is bad");
    CHECK(ran.load() >= 8);
    CHECK(ran.load() <= 40); // the others stop taking hits once one failed
    const auto calls = run_counting(pool, 20, std::chrono::microseconds(100));
    CHECK(std::count(calls.begin(), calls.end(), 1) == 20);
}

TEST_CASE("hit pool: batch output with helpers is byte for byte the output without", "[hitpool]") {
    Searcher& searcher = test::search_fixture();
    const std::string batch =
        "a\tقطر الكويت\nb\t\"كأس العالم\"\nc\tكلمةغيرموجودة\nd\t-قطر\ne\tكأس OR الخليج OR قطر\nf\tمتى فاز منتخب الكويت؟\n"
        // Required parts, which the helpers evaluate half of the docids each (maxscore.cpp,
        // all_matches_split()): a phrase with ranked words, +word, =word, title:.
        "g\t\"منتخب الكويت\" كأس الخليج\nh\t+قطر الكويت\ni\t=الكويت قطر\nj\ttitle:قطر كأس\n";
    const std::string alone = json_of_batch(searcher, batch, nullptr);
    HitPool one(searcher, 1);
    HitPool three(searcher, 3);
    wait_ready(three);
    CHECK(json_of_batch(searcher, batch, &one) == alone);
    for (int round = 0; round < 5; ++round) CHECK(json_of_batch(searcher, batch, &three) == alone);
    CHECK(alone.find("\"type\":\"hit\"") != std::string::npos);
}

TEST_CASE("hit pool: helpers keep to the Searcher's revision while a writer commits", "[hitpool][safety]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    test::index_into(db, {test::data_path("search.jsonl")});
    Searcher searcher(db);
    const ParsedQuery parsed = parse_query("قطر", searcher.analyzer());

    // A commit after the Searcher opened: a helper opened now reads a newer revision than the
    // Searcher, cannot go back to it, and sits the run out; the caller does every hit.
    {
        Xapian::WritableDatabase writer(db, Xapian::DB_OPEN);
        const Analyzer analyzer;
        DocumentBuilder builder(analyzer);
        Document doc;
        doc.id = "late";
        doc.body = "قطر في خبر كتب بعد فتح قاعدة البيانات";
        writer.replace_document(DocumentBuilder::id_term(doc.id), builder.build(doc));
        writer.commit();
    }
    HitPool pool(searcher, 2);
    REQUIRE(pool.threads() == 2);
    wait_ready(pool);
    std::vector<std::size_t> by_thread;
    (void)run_counting(pool, 30, std::chrono::microseconds(1000), &by_thread);
    CHECK(by_thread[0] == 30);
    CHECK(by_thread[1] == 0);

    // The Searcher moves on to the newest commit: the helper reads the same revision and helps.
    (void)searcher.reopen();
    (void)run_counting(pool, 30, std::chrono::microseconds(1000), &by_thread);
    CHECK(by_thread[0] + by_thread[1] == 30);
    CHECK(by_thread[1] > 0);

    // And the documents it reads are the Searcher's.
    SearchOptions options;
    options.count = 20;
    options.fetch_documents = false;
    Results r = searcher.search(parsed, options);
    REQUIRE(r.hits.size() >= 3);
    for (const Hit& h : r.hits) CHECK_FALSE(h.has_document);
    pool.run(r.hits.size(), [&](HitPool::Context& c, std::size_t i) { r.hits[i].doc = Searcher::fetch(*c.db, r.hits[i].docid); });
    options.fetch_documents = true;
    const Results expected = searcher.search(parsed, options);
    REQUIRE(expected.hits.size() == r.hits.size());
    for (std::size_t i = 0; i < r.hits.size(); ++i) {
        CHECK(expected.hits[i].has_document);
        CHECK(r.hits[i].doc.id == expected.hits[i].doc.id);
        CHECK(r.hits[i].doc.body == expected.hits[i].doc.body);
    }
}

TEST_CASE("hit pool: a sharded database has no single revision, so everything runs on the caller", "[hitpool]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    IndexConfig config;
    config.db_path = db;
    config.inputs = {test::data_path("search.jsonl")};
    config.shards = 2;
    std::ostringstream messages;
    Diagnostics diagnostics("fahras-index", messages);
    (void)run_index(config, diagnostics);
    Searcher searcher(db);
    HitPool pool(searcher, 4);
    CHECK(pool.threads() == 1);
    const std::string batch = "a\tقطر الكويت\nb\tكأس العالم\n";
    CHECK(json_of_batch(searcher, batch, &pool) == json_of_batch(searcher, batch, nullptr));
}

TEST_CASE("hit pool: helpers that keep the caller waiting are left out for a while", "[hitpool]") {
    Searcher& searcher = test::search_fixture();
    HitPool pool(searcher, 2);
    wait_ready(pool);
    // A helper that takes 3 ms a hit stands for one that another process keeps off its core. The
    // caller's hit takes 1 ms, so that the helper (watching) surely takes the other one.
    auto slow_helper = [](HitPool::Context& c, std::size_t) {
        std::this_thread::sleep_for(std::chrono::milliseconds(c.index != 0 ? 3 : 1));
    };
    for (int i = 0; i < 100 && pool.cooldowns() == 0; ++i) {
        pool.run(2, slow_helper);
        std::this_thread::sleep_for(std::chrono::microseconds(200)); // the helper is back watching
    }
    CHECK(pool.late_runs() >= 3);
    REQUIRE(pool.cooldowns() == 1);
    // Now the caller does everything, however long the hits take.
    std::vector<std::size_t> by_thread;
    const auto before = pool.done_per_thread();
    (void)run_counting(pool, 20, std::chrono::microseconds(500), &by_thread);
    CHECK(by_thread[0] == 20);
    CHECK(pool.done_per_thread()[1] == before[1]);
}
