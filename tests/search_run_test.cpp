// Running queries end to end: batch files, a bad query among good ones, paging, the stats JSON
// of the peer benchmark, refusing databases of another schema or analyzer version, and
// searching a database while it is being written, and a hit whose stored data is damaged.

#include "common/index/document_builder.hpp"
#include "common/index/schema.hpp"
#include "common/search/hit_pool.hpp"
#include "common/search/search_run.hpp"
#include "support/search_fixture.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace fahras;

namespace {

// Records what reaches a printer, compactly: "begin q1", "hit q1 s03", "end q1", "error q2".
class RecordingPrinter final : public Printer {
  public:
    std::vector<std::string> events;
    void begin(const QueryInfo& q) override { events.push_back("begin " + q.qid); }
    void hit(const QueryInfo& q, const Hit& h, const Snippet&, const Snippet& body) override {
        events.push_back("hit " + q.qid + " " + h.doc.id + " " + std::to_string(h.rank) + (body.text.empty() ? "" : " +snippet"));
    }
    void end(const QueryInfo& q, const Results&, double) override { events.push_back("end " + q.qid); }
    void error(const QueryInfo& q, const std::string&) override { events.push_back("error " + q.qid); }
    void finish(const RunSummary&) override { events.emplace_back("finish"); }
};

// What a batch run of `tsv` (qid<TAB>query lines, file name q.tsv) printed and reported.
struct Batch {
    RunSummary summary;
    std::string messages;
    std::vector<std::string> events;
};
Batch run_batch(Searcher& searcher, const std::string& tsv, std::size_t count, HitPool* pool = nullptr) {
    std::istringstream in(tsv);
    const auto queries = read_queries(in, "q.tsv");
    std::ostringstream messages;
    Diagnostics diagnostics("fahras-search", messages);
    RecordingPrinter printer;
    RunOptions options;
    options.search.count = count;
    Batch out;
    out.summary = run_queries(searcher, queries, options, printer, diagnostics, nullptr, pool);
    out.messages = messages.str();
    out.events = std::move(printer.events);
    return out;
}

} // namespace

TEST_CASE("batch files: qid<TAB>query or bare lines, blank lines skipped, CRLF accepted", "[batch]") {
    std::istringstream in("q1\tقطر الكويت\r\n\nكأس العالم\n  \t \nq 3 \t\"كأس العالم\"\n\tبلا رقم\n");
    const auto queries = read_queries(in, "queries.tsv");
    REQUIRE(queries.size() == 4);
    CHECK(queries[0].qid == "q1");
    CHECK(queries[0].text == "قطر الكويت");
    CHECK(queries[1].qid == "3"); // a bare line: its line number
    CHECK(queries[1].text == "كأس العالم");
    CHECK(queries[2].qid == "q 3");
    CHECK(queries[3].qid == "6"); // an empty qid: the line number
    CHECK(queries[3].where.str() == "queries.tsv:6");
}

TEST_CASE("batch: a bad query is reported with its qid and line, the others still run", "[batch]") {
    const Batch run = run_batch(test::search_fixture(), "a\tقطر\nb\t-قطر\nc\tالكويت\nd\tكلمةغيرموجودة\n", 1);
    CHECK(run.summary.queries == 4);
    CHECK(run.summary.errors == 1);
    CHECK(run.summary.queries_with_hits == 2);
    CHECK(run.messages == "fahras-search: q.tsv:2: query b '-قطر': query has only exclusions; add a word to search for\n");
    const auto& events = run.events;
    REQUIRE(events.size() == 10);
    CHECK(events[0] == "begin a");
    CHECK(events[1].rfind("hit a ", 0) == 0);
    CHECK(events[1].find("+snippet") != std::string::npos);
    CHECK(events[3] == "error b");
    CHECK(events[4] == "begin c");
    CHECK(events[7] == "begin d");
    CHECK(events[8] == "end d");
    CHECK(events[9] == "finish");
}

TEST_CASE("paging: --offset N -n K is the slice of the full ranking, ranks continue", "[batch]") {
    Searcher& searcher = test::search_fixture();
    const std::string query = "قطر OR الكويت OR كأس OR في";
    SearchOptions all;
    all.count = 100;
    const auto full = test::ids(searcher, query, all);
    REQUIRE(full.size() >= 6);
    SearchOptions page;
    page.offset = 2;
    page.count = 3;
    const ParsedQuery parsed = parse_query(query, searcher.analyzer());
    const Results r = searcher.search(parsed.query, page);
    REQUIRE(r.hits.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(r.hits[i].doc.id == full[i + 2]);
        CHECK(r.hits[i].rank == i + 3);
    }
    page.offset = 1000;
    CHECK(searcher.search(parsed.query, page).hits.empty());
    CHECK(searcher.search(parsed.query, page).estimated == full.size());
}

TEST_CASE("stats JSON has the peer benchmark's shape", "[batch][stats]") {
    PassTimings first;
    first.query_ms = {4, 1, 3, 2, 10};
    first.estimated = {{"a", 5}, {"b", 0}};
    first.snippet_ms = 5;
    PassTimings warm;
    warm.query_ms = {1, 1, 2, 2, 3};
    warm.parse_ms = 0.5;
    warm.rank_ms = 4;
    warm.hits_ms = 3;
    const auto j = nlohmann::json::parse(stats_json({first, warm}, 123.5));
    CHECK(j["queries"] == 5);
    CHECK(j["first_pass"]["n"] == 5);
    CHECK(j["first_pass"]["p50"] == 3.0);
    CHECK(j["first_pass"]["p95"] == 10.0);
    CHECK(j["first_pass"]["mean"] == 4.0);
    CHECK(j["warm"]["p50"] == 2.0);
    CHECK(j["hits"]["a"] == 5);
    CHECK(j["hits"]["b"] == 0);
    CHECK(j["batch_wall_ms"] == 123.5);
    CHECK(j["snippet_ms_mean"] == 0.5);
    // Per warm query: 5 queries in the one warm pass.
    CHECK(j["warm_steps_ms_mean"]["parse"] == 0.1);
    CHECK(j["warm_steps_ms_mean"]["rank"] == 0.8);
    CHECK(j["warm_steps_ms_mean"]["hits"] == 0.6);
    CHECK(nlohmann::json::parse(stats_json({first}, 1))["warm"].is_null());
    CHECK(nlohmann::json::parse(stats_json({first}, 1))["warm_steps_ms_mean"].is_null());
}

namespace {

void index_fixture(const std::string& db) { test::index_into(db, {test::data_path("search.jsonl")}); }

} // namespace

TEST_CASE("a database of another schema or analyzer version is refused, naming both versions", "[safety]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    index_fixture(db);
    {
        Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
        w.set_metadata(std::string(metadata::schema_version), "999");
        w.commit();
    }
    CHECK_THROWS_WITH(
        Searcher(db),
        Catch::Contains(db) && Catch::Contains("schema version 999") &&
            Catch::Contains("reads version " + std::to_string(kSchemaVersion))
    );
    {
        Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
        w.set_metadata(std::string(metadata::schema_version), std::to_string(kSchemaVersion));
        w.set_metadata(std::string(metadata::analyzer), "v99;stemmer=light10;stopwords=default");
        w.commit();
    }
    CHECK_THROWS_WITH(
        Searcher(db),
        Catch::Contains("analyzer version 99") &&
            Catch::Contains("analyzes with version " + std::to_string(AnalyzerConfig::kVersion))
    );
    {
        Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
        w.set_metadata(std::string(metadata::analyzer), AnalyzerConfig{}.to_metadata());
        w.commit();
    }
    CHECK_NOTHROW(Searcher(db));
}

TEST_CASE("a database being written can be searched: last commit seen, no crash on modification", "[safety]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    index_fixture(db);
    Xapian::WritableDatabase writer(db, Xapian::DB_OPEN);
    const Analyzer analyzer;
    DocumentBuilder builder(analyzer);
    // Writes 1500 documents w0…w1499 (the first 20 mention قطر) and commits.
    auto write_round = [&](int round) {
        for (int i = 0; i < 1500; ++i) {
            Document doc;
            doc.id = "w" + std::to_string(i);
            doc.body = (i < 20 ? "قطر " : "نص ") + std::to_string(round) + " مكتوب أثناء البحث رقم " + std::to_string(i);
            writer.replace_document(DocumentBuilder::id_term(doc.id), builder.build(doc));
        }
        writer.commit();
    };
    write_round(0);

    Searcher searcher(db);
    Xapian::Database raw(db); // a reader as old as the searcher, to show the modification bites
    const ParsedQuery parsed = parse_query("قطر", searcher.analyzer());
    SearchOptions options;
    options.count = 100;
    REQUIRE(searcher.search(parsed.query, options).hits.size() == 24);

    // Commits that rewrite every document: the blocks of old revisions get reused, so a reader
    // left on an old revision gets DatabaseModifiedError (after two or so such commits).
    bool raw_failed = false;
    for (int round = 1; round < 10 && !raw_failed; ++round) {
        write_round(round);
        try {
            for (auto it = raw.postlist_begin("Zمكتوب"); it != raw.postlist_end("Zمكتوب"); ++it) {
                (void)raw.get_document(*it).get_data();
            }
        } catch (const Xapian::DatabaseModifiedError&) {
            raw_failed = true;
        }
    }
    REQUIRE(raw_failed); // the situation the searcher must survive really happened

    // An uncommitted change is not seen by anyone.
    Document pending;
    pending.id = "pending";
    pending.body = "قطر لم تحفظ بعد";
    writer.replace_document(DocumentBuilder::id_term(pending.id), builder.build(pending));

    const Results r = searcher.search(parsed.query, options);
    CHECK(r.hits.size() == 24);
    for (const Hit& h : r.hits) CHECK(h.doc.id != "pending");
    // The weights for snippets read term statistics too: they survive the same way.
    CHECK_FALSE(searcher.highlight_weights(parsed.highlight).empty());
    CHECK(Searcher(db).search(parsed.query, options).hits.size() == 24);
}

TEST_CASE("a hit whose stored data is damaged fails its query, naming the document, and the others run", "[batch][safety]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    test::index_into(db, {test::data_path("news-60.jsonl.zst")});
    std::string damaged_id;
    {
        Searcher searcher(db);
        const auto results = searcher.search(parse_query("الحكومة", searcher.analyzer()), {});
        REQUIRE(!results.hits.empty());
        damaged_id = results.hits.front().doc.id;
        // A byte in the middle of its LZ4 frame flipped on disk (a bad sector, a bad copy).
        Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
        Xapian::Document d = w.get_document(results.hits.front().docid);
        std::string data = d.get_data();
        REQUIRE(data[0] == '\x02');
        data[data.size() / 2] = static_cast<char>(data[data.size() / 2] ^ 0x10);
        d.set_data(data);
        w.replace_document(results.hits.front().docid, d);
        w.commit();
    }
    const std::size_t threads = GENERATE(1, 2);
    CAPTURE(threads);
    Searcher searcher(db);
    HitPool pool(searcher, threads);
    const Batch run = run_batch(searcher, "a\tالحكومة\nb\tكأس العالم\n", 10, &pool);
    CHECK(run.summary.errors == 1);
    CHECK(run.messages.rfind("fahras-search: q.tsv:1: query a 'الحكومة': stored data of document " + damaged_id + " is damaged: ", 0) == 0);
    REQUIRE(!run.events.empty());
    CHECK(run.events[0] == "error a");
    CHECK(run.events[1] == "begin b");
    CHECK(run.events.back() == "finish");
}
