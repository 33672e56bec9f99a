// The indexing run: bad input reported and counted, duplicates, updates by id, threads, fields
// and values, and — with the real fahras-index binary in a child process — kill -9 and re-run,
// Ctrl-C, and the progress line.

#include "common/analysis/analyzer.hpp"
#include "common/index/document_builder.hpp"
#include "common/index/indexer.hpp"
#include "common/index/parts.hpp"
#include "common/index/schema.hpp"
#include "common/index/shards.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/searcher.hpp"
#include "support/child.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <xapian.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

using namespace fahras;

namespace {

struct Run {
    IndexReport report;
    std::string messages;
};

Run index_paths(const std::string& db, const std::vector<std::string>& inputs, IndexConfig config = {}) {
    config.db_path = db;
    config.inputs = inputs;
    std::ostringstream messages;
    Diagnostics diagnostics("fahras-index", messages);
    Run run;
    run.report = run_index(config, diagnostics);
    run.messages = messages.str();
    return run;
}

Document stored(const Xapian::Database& db, const std::string& id) {
    Xapian::PostingIterator it = db.postlist_begin(DocumentBuilder::id_term(id));
    if (it == db.postlist_end(DocumentBuilder::id_term(id))) return Document{};
    return decode_stored(db.get_document(*it).get_data());
}

/// Number of distinct Q terms and whether each names exactly one document.
std::pair<std::size_t, bool> id_terms(const Xapian::Database& db) {
    std::size_t n = 0;
    bool unique = true;
    for (auto t = db.allterms_begin("Q"); t != db.allterms_end("Q"); ++t) {
        ++n;
        unique = unique && t.get_termfreq() == 1;
    }
    return {n, unique};
}

void write_file(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// `copies` × the records of tests/data/mini.jsonl and news-60, with ids made unique per copy.
std::string generated_corpus(const std::string& path, int copies) {
    std::ifstream in(test::data_path("mini.jsonl"));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::ofstream out(path);
    std::size_t count = 0;
    for (int c = 0; c < copies; ++c) {
        for (const auto& line : lines) {
            // {"id": "quran-1-1", …} → {"id": "c7-quran-1-1", …}
            const std::string key = "{\"id\": \"";
            REQUIRE(line.compare(0, key.size(), key) == 0);
            out << key << 'c' << c << '-' << line.substr(key.size()) << '\n';
            ++count;
        }
    }
    return std::to_string(count);
}

Xapian::doccount doc_count_now(const std::string& db) {
    try {
        return Xapian::Database(db).get_doccount();
    } catch (const Xapian::Error&) {
        return 0; // not created yet
    }
}

} // namespace

TEST_CASE("every kind of bad record is reported as FILE:LINE, the run goes on, counts add up", "[index][bad-input]") {
    test::TempDir dir;
    const std::string path = test::data_path("bad.jsonl");
    IndexConfig config;
    config.reader.max_body_bytes = 300; // the ANT article of line 7 is longer
    const Run run = index_paths(dir / "db", {path}, config);
    INFO(run.messages);
    const std::string at = "fahras-index: " + path + ":";
    // One row per kind of bad input: the line and the message.
    const auto [line, message] = GENERATE(table<int, std::string>({
        {2, "warning: invalid UTF-8: 2 byte sequence(s) replaced by U+FFFD"},
        {3, "invalid JSON: "},
        {4, "no \"body\" text field"},
        {5, "empty document"},
        {7, "warning: document of"},
        {8, "warning: duplicate id 'bad-001': it replaces the earlier record with this id"},
        {9, "expected a JSON object, got array"},
    }));
    CHECK_THAT(run.messages, Catch::Contains(at + std::to_string(line) + ": " + message));

    const IndexReport& r = run.report;
    CHECK(r.rejected == 4);      // lines 3, 4, 5, 9
    CHECK(r.indexed == 6);       // lines 1, 2, 6, 7, 8 (which replaces 1) and 11
    CHECK(r.duplicates == 1);
    CHECK(r.generated_ids == 1); // line 6
    CHECK(r.repaired_utf8 == 1);
    CHECK(r.truncated == 1);
    CHECK(r.doc_count == 5);

    Xapian::Database db(dir / "db");
    CHECK(db.get_doccount() == 5);
    CHECK(stored(db, "bad-001").title == "اتفاقية الشراكة (نسخة معدلة)"); // the last one wins
    CHECK(stored(db, "bad-002").body == "نص عربي \xEF\xBF\xBD\xEF\xBF\xBD فيه بايت تالف");
    CHECK(stored(db, "bad.jsonl:6").title == "خبر بلا معرف");
    CHECK(stored(db, "bad-007").body.size() <= 300);
    CHECK(id_terms(db) == std::pair<std::size_t, bool>{5, true});
}

TEST_CASE("fields: date as a sortable value and date terms, source/category/url as filters and stored", "[index][schema]") {
    test::TempDir dir;
    (void)index_paths(dir / "db", {test::data_path("bad.jsonl")});
    Xapian::Database db(dir / "db");
    const Xapian::docid did = *db.postlist_begin("Qbad-001");
    (void)did;
    // bad-001's first version had the fields; the replacement (line 8) has none of them.
    CHECK(db.get_termfreq("XSOURCEantcorpus/skynews") == 0);
    test::TempDir dir2;
    write_file(
        dir2 / "f.jsonl",
        "{\"id\":\"f1\",\"title\":\"خبر\",\"body\":\"نص الخبر\",\"date\":\"2018-09-11\",\"source\":\"antcorpus/SkyNews\","
        "\"category\":\"internationalNews\",\"url\":\"https://example.org/f1\",\"author\":\"كاتب\"}\n"
        "{\"id\":\"f2\",\"body\":\"نص آخر\",\"date\":\"2017-02\"}\n"
    );
    const Run run = index_paths(dir2 / "db", {dir2 / "f.jsonl"});
    CHECK(run.report.rejected == 0);
    Xapian::Database db2(dir2 / "db");
    const Xapian::Document f1 = db2.get_document(*db2.postlist_begin("Qf1"));
    CHECK(f1.get_value(slot::date) == "20180911");
    CHECK(db2.get_document(*db2.postlist_begin("Qf2")).get_value(slot::date) == "201702");
    for (const char* term : {"XSOURCEantcorpus/skynews", "XCATinternationalnews", "Y2018", "M201809", "D20180911", "Y2017", "M201702",
                             "Uhttps://example.org/f1", "Hexample.org"}) {
        INFO(term);
        CHECK(db2.get_termfreq(term) == 1);
    }
    const Document back = decode_stored(f1.get_data());
    CHECK(back.url == "https://example.org/f1");
    CHECK(back.source == "antcorpus/SkyNews");
    CHECK(back.category == "internationalNews");
    CHECK(back.extra.at("author") == "كاتب");
    // A range filter over the value slot works as the searcher will use it.
    Xapian::Enquire enquire(db2);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot::date, "2018", "20181231"));
    const Xapian::MSet mset = enquire.get_mset(0, 10);
    REQUIRE(mset.size() == 1);
    CHECK(decode_stored(mset.begin().get_document().get_data()).id == "f1");
}

TEST_CASE("updating a database replaces changed documents by id", "[index]") {
    test::TempDir dir;
    write_file(dir / "v1.jsonl", "{\"id\":\"u1\",\"body\":\"النسخة الأولى\"}\n{\"id\":\"u2\",\"body\":\"خبر ثابت\"}\n");
    write_file(dir / "v2.jsonl", "{\"id\":\"u1\",\"body\":\"النسخة الثانية المعدلة\"}\n{\"id\":\"u3\",\"body\":\"خبر جديد\"}\n");
    (void)index_paths(dir / "db", {dir / "v1.jsonl"});
    const Run again = index_paths(dir / "db", {dir / "v2.jsonl"});
    CHECK(again.report.replaced == 1);
    CHECK(again.report.duplicates == 0);
    CHECK(again.report.doc_count == 3);
    Xapian::Database db(dir / "db");
    CHECK(stored(db, "u1").body == "النسخة الثانية المعدلة");
    CHECK(db.get_termfreq("الاولي") == 0); // the old text's terms are gone
    CHECK(db.get_termfreq("المعدله") == 1);
    CHECK(id_terms(db) == std::pair<std::size_t, bool>{3, true});
}

TEST_CASE("threads change nothing: the same documents, ids and order with 1 or 4 workers", "[index][threads]") {
    test::TempDir dir;
    IndexConfig one;
    one.threads = 1;
    IndexConfig four;
    four.threads = 4;
    four.batch_docs = 3;
    const std::vector<std::string> inputs = {test::data_path("news-60.jsonl.zst"), test::data_path("mini.jsonl")};
    const Run a = index_paths(dir / "a", inputs, one);
    const Run b = index_paths(dir / "b", inputs, four);
    CHECK(a.report.indexed == 69);
    CHECK(b.report.indexed == 69);
    Xapian::Database da(dir / "a");
    Xapian::Database db(dir / "b");
    REQUIRE(da.get_doccount() == db.get_doccount());
    for (Xapian::docid d = 1; d <= da.get_lastdocid(); ++d) {
        CHECK(da.get_document(d).get_data() == db.get_document(d).get_data());
        CHECK(da.get_document(d).termlist_count() == db.get_document(d).termlist_count());
    }
}

TEST_CASE("a folder of text files: walked recursively, id = relative path, title = first line", "[index][text]") {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "docs/sub");
    std::filesystem::create_directories(dir / "docs/.hidden");
    write_file(dir / "docs/a.txt", "الشراكة الاستراتيجية\nوقع البلدان اتفاقية شاملة.\n");
    write_file(dir / "docs/sub/b.txt", "زيارة رسمية\nزار الرئيس طهران.\n");
    write_file(dir / "docs/.hidden/c.txt", "مخفي\nلا يفهرس\n");
    write_file(dir / "docs/sub/empty.txt", "");
    const Run run = index_paths(dir / "db", {dir / "docs"});
    INFO(run.messages);
    CHECK(run.report.indexed == 2);
    CHECK(run.report.rejected == 1);
    CHECK_THAT(run.messages, Catch::Contains("empty.txt:1: empty document"));
    Xapian::Database db(dir / "db");
    CHECK(stored(db, "a.txt").title == "الشراكة الاستراتيجية");
    CHECK(stored(db, "sub/b.txt").body == "زار الرئيس طهران.\n");
    CHECK(db.get_termfreq("Sزياره") == 1);
}

TEST_CASE("a wiki dump indexes its articles and is searchable by their words", "[index][wiki]") {
    test::TempDir dir;
    const Run run = index_paths(dir / "db", {test::data_path("wiki-mini.xml"), test::data_path("arwiki-sample.xml.bz2")});
    INFO(run.messages);
    CHECK(run.report.indexed == 5);
    CHECK(run.report.skipped == 3);
    CHECK(run.report.rejected == 0);
    Xapian::Database db(dir / "db");
    CHECK(db.get_termfreq("Qباب") == 0);
    CHECK(db.get_termfreq("الصقلي") == 1);
    CHECK(db.get_termfreq("استشهاد") == 0); // template names are not text
    CHECK(db.get_termfreq("XSOURCEarwiki") == 2);
}

TEST_CASE("kill -9 leaves the last commit, and the same command again ends complete without duplicates", "[index][child]") {
    // One database, and two shards written in parallel (each shard at its own last commit).
    const std::string shards = GENERATE(as<std::string>{}, "1", "2");
    INFO("shards: " << shards);
    test::TempDir dir;
    const std::string input = dir / "big.jsonl";
    const std::string expected = generated_corpus(input, 400); // 3,600 documents
    const std::vector<std::string> command = {
        FAHRAS_INDEX_BIN, "--db", dir / "db", "--shards", shards, "--commit-every", "100", "--commit-postings", "0", "-q", input};

    test::Child child(command, dir / "out", dir / "err");
    REQUIRE(child.started());
    // Wait for a few commits, then kill without warning.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    Xapian::doccount seen = 0;
    while (child.running() && std::chrono::steady_clock::now() < deadline) {
        seen = doc_count_now(dir / "db");
        if (seen >= 300) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(child.running()); // else the input was too small to interrupt: the test would prove nothing
    child.signal(SIGKILL);
    CHECK(child.wait() == 128 + SIGKILL);

    // The database opens, at a commit boundary, with fewer documents than the input.
    Xapian::doccount after_kill = 0;
    {
        Xapian::Database db(dir / "db");
        after_kill = db.get_doccount();
        CHECK(after_kill >= 300);
        CHECK(after_kill % 100 == 0); // each shard commits every 100 of its documents
        CHECK(std::to_string(after_kill) != expected);
        CHECK(id_terms(db).second);
    }
    // The same command again: complete and no duplicates.
    std::string err;
    CHECK(test::run(command, dir.path().string(), err) == 0);
    Xapian::Database db(dir / "db");
    CHECK(std::to_string(db.get_doccount()) == expected);
    const auto [ids, unique] = id_terms(db);
    CHECK(std::to_string(ids) == expected);
    CHECK(unique);
    CHECK(std::filesystem::exists(dir / "db/" + std::string(kStubFile)) == (shards != "1"));
    CHECK_FALSE(std::filesystem::exists(dir / "db.parts")); // the build's parts are gone
}

TEST_CASE("Ctrl-C finishes the batches read, commits and exits 130", "[index][child]") {
    test::TempDir dir;
    const std::string input = dir / "big.jsonl";
    (void)generated_corpus(input, 400);
    const std::vector<std::string> command = {
        FAHRAS_INDEX_BIN, "--db", dir / "db", "--threads", "2", "--shards", "2", "--commit-every", "100", "--commit-postings", "0", input};
    test::Child child(command, dir / "out", dir / "err");
    REQUIRE(child.started());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (child.running() && std::chrono::steady_clock::now() < deadline && doc_count_now(dir / "db") < 200) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(child.running());
    child.signal(SIGINT);
    CHECK(child.wait() == 130);
    const std::string err = child.err();
    INFO(err);
    CHECK_THAT(err, Catch::Contains("fahras-index: interrupted: everything indexed so far is committed"));
    // Everything the summary counts is in the database: nothing indexed was lost.
    const auto at = err.find("database has ");
    REQUIRE(at != std::string::npos);
    const std::string count = err.substr(at + 13, err.find(' ', at + 13) - at - 13);
    Xapian::Database db(dir / "db");
    CHECK(std::to_string(db.get_doccount()) == count);
    CHECK(db.get_doccount() >= 200);
    CHECK(db.get_doccount() < 3600);
    // Both writers committed all they had been given, and no id is there twice.
    CHECK(id_terms(db) == std::pair<std::size_t, bool>{db.get_doccount(), true});
    // A new database stopped before its end stays a build folder (its parts, searchable as
    // one); the same command again finishes it: all documents once, in the final layout.
    CHECK(std::filesystem::exists(parts_folder(dir / "db") + "/" + std::string(kBuildMarker)));
    std::string again;
    CHECK(test::run(command, dir.path().string(), again) == 0);
    Xapian::Database done(dir / "db");
    CHECK(done.get_doccount() == 3600);
    CHECK(id_terms(done) == std::pair<std::size_t, bool>{3600, true});
    CHECK_FALSE(std::filesystem::exists(parts_folder(dir / "db")));
    for (const char* shard : {"shard0", "shard1"}) {
        INFO(shard);
        CHECK(Xapian::Database(dir / "db/" + shard).get_doccount() > 0);
    }
}

TEST_CASE("progress: one updating line when asked, none on a pipe by default", "[index][child]") {
    test::TempDir dir;
    std::string err;
    CHECK(test::run({FAHRAS_INDEX_BIN, "--db", dir / "db1", "--progress", test::data_path("news-60.jsonl.gz")}, dir.path().string(), err) == 0);
    CHECK_THAT(err, Catch::Contains("\r60 documents, "));
    CHECK_THAT(err, Catch::Contains(" MB read, "));
    CHECK_THAT(err, Catch::Contains("ETA"));
    CHECK_THAT(err, Catch::Contains("fahras-index: indexed 60 documents"));
    CHECK(test::run({FAHRAS_INDEX_BIN, "--db", dir / "db2", test::data_path("news-60.jsonl.gz")}, dir.path().string(), err) == 0);
    CHECK(err.find('\r') == std::string::npos);
    CHECK(err.find("\x1b") == std::string::npos);
}

TEST_CASE("compaction leaves a smaller database with the same documents", "[index]") {
    test::TempDir dir;
    IndexConfig plain;
    plain.direct = true; // written in place: not compacted (a parts build is, when merged)
    IndexConfig compact;
    compact.direct = true;
    compact.compact = true;
    (void)index_paths(dir / "a", {test::data_path("news-60.jsonl.xz")}, plain);
    (void)index_paths(dir / "b", {test::data_path("news-60.jsonl.xz")}, compact);
    auto size = [](const std::string& p) {
        std::uintmax_t n = 0;
        for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
            if (e.is_regular_file()) n += e.file_size();
        }
        return n;
    };
    CHECK(size(dir / "b") < size(dir / "a"));
    Xapian::Database db(dir / "b");
    CHECK(db.get_doccount() == 60);
    CHECK(db.get_metadata(std::string(metadata::schema_version)) == std::to_string(kSchemaVersion));
    CHECK_FALSE(std::filesystem::exists(dir / "b.compacting"));

    // A sharded database is merged into one ordinary database, the same documents.
    IndexConfig merge;
    merge.compact = true;
    merge.shards = 3;
    const Run merged = index_paths(dir / "c", {test::data_path("news-60.jsonl.xz")}, merge);
    CHECK(merged.report.doc_count == 60);
    CHECK(read_stub(dir / "c").empty());
    CHECK_FALSE(std::filesystem::exists(dir / "c.merging"));
    CHECK_FALSE(std::filesystem::exists(dir / "c.before-merge"));
    Xapian::Database dc(dir / "c");
    CHECK(dc.get_doccount() == 60);
    CHECK(dc.get_metadata(std::string(metadata::shards)) == "1");
    CHECK(id_terms(dc) == std::pair<std::size_t, bool>{60, true});
    CHECK(size(dir / "c") < size(dir / "a"));
    // It is then updated like any one database.
    IndexConfig keep;
    keep.shards = 0;
    const Run again = index_paths(dir / "c", {test::data_path("news-60.jsonl.xz")}, keep);
    CHECK(again.report.replaced == 60);
    CHECK(Xapian::Database(dir / "c").get_doccount() == 60);
}

namespace {

/// (id, score) of every hit of `query`, sorted: equal whatever the shards (the docids differ,
/// so equal scores may come in another order).
std::vector<std::pair<std::string, long>> hits_of(Searcher& searcher, const std::string& query) {
    const ParsedQuery parsed = parse_query(query, searcher.analyzer());
    SearchOptions options;
    options.count = 100;
    std::vector<std::pair<std::string, long>> out;
    for (const auto& hit : searcher.search(parsed.query, options).hits) {
        out.emplace_back(hit.doc.id, std::lround(hit.score * 1e6));
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("shards: the same documents and the same search results as one database", "[index][shards]") {
    test::TempDir dir;
    const std::vector<std::string> inputs = {test::data_path("news-60.jsonl.zst"), test::data_path("mini.jsonl")};
    IndexConfig one;
    one.shards = 1;
    IndexConfig three;
    three.shards = 3;
    three.batch_docs = 5;
    const Run a = index_paths(dir / "one", inputs, one);
    const Run b = index_paths(dir / "three", inputs, three);
    CHECK(a.report.indexed == 69);
    CHECK(b.report.indexed == 69);
    CHECK(b.report.duplicates == 2); // two mini.jsonl records repeat news-60 ids: the last wins
    CHECK(b.report.doc_count == 67);
    CHECK_FALSE(std::filesystem::exists(dir / "one/" + std::string(kStubFile)));
    REQUIRE(read_stub(dir / "three").size() == 3);

    Xapian::Database da(dir / "one");
    Xapian::Database db(dir / "three"); // the stub: the three shards as one
    REQUIRE(db.get_doccount() == 67);
    CHECK(id_terms(db) == std::pair<std::size_t, bool>{67, true});
    for (auto t = da.allterms_begin("Q"); t != da.allterms_end("Q"); ++t) {
        const std::string id = (*t).substr(1);
        INFO(id);
        CHECK(stored(db, id).body == stored(da, id).body);
    }
    // Every shard got some documents, each the ones its id hashes to, and carries the metadata.
    for (unsigned s = 0; s < 3; ++s) {
        Xapian::Database shard(read_stub(dir / "three")[s]);
        CHECK(shard.get_doccount() > 0);
        CHECK(shard.get_metadata(std::string(metadata::shards)) == "3");
        CHECK(shard.get_metadata(std::string(metadata::shard)) == std::to_string(s));
        CHECK(shard.get_metadata(std::string(metadata::schema_version)) == std::to_string(kSchemaVersion));
        for (auto t = shard.allterms_begin("Q"); t != shard.allterms_end("Q"); ++t) CHECK(shard_of(*t, 3) == s);
    }
    // The same statistics, so the same hits with the same BM25 scores.
    CHECK(db.get_avlength() == Approx(da.get_avlength()));
    Searcher sa(dir / "one");
    Searcher sb(dir / "three");
    for (const char* query : {"اتفاقية الشراكة", "الرحمن الرحيم", "\"الشراكة الاستراتيجية\"", "title:اتفاقية", "أسعار النفط",
                              "إيران -طهران", "=الكتاب"}) {
        INFO(query);
        const auto want = hits_of(sa, query);
        CHECK(hits_of(sb, query) == want);
    }
}

TEST_CASE("shards: a repeated id lands once, the last wins, counted", "[index][shards]") {
    test::TempDir dir;
    IndexConfig config;
    config.shards = 2;
    const Run run = index_paths(dir / "db", {test::data_path("bad.jsonl")}, config);
    INFO(run.messages);
    CHECK(run.report.duplicates == 1);
    CHECK(run.report.doc_count == 5);
    CHECK_THAT(run.messages, Catch::Contains(":8: warning: duplicate id 'bad-001'"));
    Xapian::Database db(dir / "db");
    CHECK(db.get_doccount() == 5);
    CHECK(stored(db, "bad-001").title == "اتفاقية الشراكة (نسخة معدلة)");
    CHECK(id_terms(db) == std::pair<std::size_t, bool>{5, true});
}

TEST_CASE("shards: updating replaces by id, an existing database keeps its layout", "[index][shards]") {
    test::TempDir dir;
    write_file(dir / "v1.jsonl", "{\"id\":\"u1\",\"body\":\"النسخة الأولى\"}\n{\"id\":\"u2\",\"body\":\"خبر ثابت\"}\n");
    write_file(dir / "v2.jsonl", "{\"id\":\"u1\",\"body\":\"النسخة الثانية المعدلة\"}\n{\"id\":\"u3\",\"body\":\"خبر جديد\"}\n");
    IndexConfig two;
    two.shards = 2;
    (void)index_paths(dir / "db", {dir / "v1.jsonl"}, two);
    IndexConfig keep;
    keep.shards = 0; // whatever the database has
    const Run again = index_paths(dir / "db", {dir / "v2.jsonl"}, keep);
    CHECK(again.report.replaced == 1);
    CHECK(again.report.duplicates == 0);
    CHECK(again.report.doc_count == 3);
    Xapian::Database db(dir / "db");
    CHECK(db.get_doccount() == 3);
    CHECK(stored(db, "u1").body == "النسخة الثانية المعدلة");
    CHECK(db.get_termfreq("الاولي") == 0);
    CHECK(db.get_termfreq("المعدله") == 1);
    CHECK(id_terms(db) == std::pair<std::size_t, bool>{3, true});

    // Another shard count, or one shard opened on its own, is refused (nothing re-sharded).
    IndexConfig three;
    three.shards = 3;
    CHECK_THROWS_WITH(index_paths(dir / "db", {dir / "v2.jsonl"}, three), Catch::Contains("has 2 shards, not 3"));
    CHECK_THROWS_WITH(IndexWriter(read_stub(dir / "db")[1], AnalyzerConfig{}), Catch::Contains("shard 1 of 2"));
    IndexConfig single;
    single.shards = 1;
    (void)index_paths(dir / "single", {dir / "v1.jsonl"}, single);
    CHECK_THROWS_WITH(index_paths(dir / "single", {dir / "v2.jsonl"}, two), Catch::Contains("has 1 shard, not 2"));
    CHECK(index_paths(dir / "single", {dir / "v2.jsonl"}, keep).report.doc_count == 3);
}

TEST_CASE("shards: the id hash is stable (it decides where a re-run looks)", "[index][shards]") {
    // Fixed values: changing the hash would scatter the ids of existing databases.
    CHECK(shard_of("Qant-SK-internationalNews-3207-20180911", 1) == 0);
    CHECK(shard_of("", 7) == 14695981039346656037ull % 7);
    CHECK(shard_of("a", 1000) == 0xaf63dc4c8601ec8cull % 1000);
}

TEST_CASE("parts build: a repeated id in an earlier part is replaced, many parts merge into one database", "[index][parts]") {
    test::TempDir dir;
    const std::string input = dir / "rep.jsonl";
    {
        std::ofstream out(input);
        // 40 documents, one part each (commit every document): tiers get merged (16 parts a
        // tier), and d3 comes back at the end with another title.
        for (int i = 0; i < 40; ++i) out << "{\"id\":\"d" << i << "\",\"title\":\"عنوان " << i << "\",\"body\":\"نص الخبر\"}\n";
        out << "{\"id\":\"d3\",\"title\":\"عنوان جديد\",\"body\":\"نص الخبر\"}\n";
    }
    IndexConfig config;
    config.shards = 1;
    config.writer.commit_every = 1;
    const Run run = index_paths(dir / "db", {input}, config);
    INFO(run.messages);
    CHECK(run.report.duplicates == 1);
    CHECK(run.report.doc_count == 40);
    Xapian::Database db(dir / "db");
    CHECK(db.get_doccount() == 40);
    CHECK(id_terms(db) == std::pair<std::size_t, bool>{40, true});
    CHECK(stored(db, "d3").title == "عنوان جديد");
    CHECK(read_stub(dir / "db").empty()); // one ordinary database
    CHECK_FALSE(std::filesystem::exists(parts_folder(dir / "db")));
}

TEST_CASE("parts build: resuming an unfinished build skips what is there and replaces what changed", "[index][parts]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    const AnalyzerConfig analyzer_config;
    {
        // An unfinished build, as a killed run leaves it: two committed parts (a b, then c).
        const PartsBuild build = start_parts_build(db, 1, 1);
        PartsRegistry registry(build);
        IndexWriterOptions options;
        options.commit_every = 2;
        PartsWriter writer(registry, build, 0, analyzer_config, options);
        const Analyzer analyzer(analyzer_config);
        DocumentBuilder builder(analyzer);
        for (const char* id : {"a", "b", "c"}) {
            Document doc;
            doc.id = id;
            doc.title = std::string("قديم ") + id;
            doc.body = "نص";
            CHECK(writer.add(DocumentBuilder::id_term(doc.id), builder.build(doc)) == ShardWriter::Added::New);
        }
        writer.close();
    }
    REQUIRE(Xapian::Database(db).get_doccount() == 3); // searchable as it is
    // The run again, with b changed and d new.
    const std::string input = dir / "v2.jsonl";
    write_file(
        input,
        "{\"id\":\"a\",\"title\":\"قديم a\",\"body\":\"نص\"}\n"
        "{\"id\":\"b\",\"title\":\"جديد b\",\"body\":\"نص\"}\n"
        "{\"id\":\"c\",\"title\":\"قديم c\",\"body\":\"نص\"}\n"
        "{\"id\":\"d\",\"title\":\"جديد d\",\"body\":\"نص\"}\n"
    );
    IndexConfig config;
    config.shards = 0; // whatever the build has
    const Run run = index_paths(db, {input}, config);
    INFO(run.messages);
    CHECK(run.report.replaced == 3);
    CHECK(run.report.doc_count == 4);
    Xapian::Database done(db);
    CHECK(done.get_doccount() == 4);
    CHECK(id_terms(done) == std::pair<std::size_t, bool>{4, true});
    CHECK(stored(done, "b").title == "جديد b");
    CHECK(stored(done, "a").title == "قديم a");
    // The old b is gone from its part, not only shadowed.
    std::size_t old_b = 0;
    for (auto it = done.postlist_begin(""); it != done.postlist_end(""); ++it) {
        old_b += done.get_document(*it).get_data().find("قديم b") != std::string::npos ? 1 : 0;
    }
    CHECK(old_b == 0);
    CHECK_FALSE(std::filesystem::exists(parts_folder(db)));
}

TEST_CASE("parts build: a second fahras-index on a running build is refused as locked", "[index][parts]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    std::optional<PartsBuild> running = start_parts_build(db, 1, 1);
    CHECK_THROWS_WITH(index_paths(db, {test::data_path("mini.jsonl")}), Catch::Contains("database is locked"));
    running.reset(); // the first one ends (as if killed): its lock goes with it
    const Run run = index_paths(db, {test::data_path("mini.jsonl")});
    CHECK(run.report.doc_count == Xapian::Database(db).get_doccount());
    CHECK(run.report.doc_count > 0);
}
