#include "common/index/document_builder.hpp"
#include "common/index/indexer.hpp"
#include "common/index/schema.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/searcher.hpp"
#include "common/search/snippet.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace fahras;

namespace {

std::vector<std::string> search_ids(Searcher& searcher, const std::string& query, std::size_t n = 10) {
    const ParsedQuery parsed = parse_query(query, searcher.analyzer());
    SearchOptions options;
    options.count = n;
    std::vector<std::string> ids;
    for (const auto& hit : searcher.search(parsed.query, options).hits) ids.push_back(hit.doc.id);
    return ids;
}

IndexReport index_mini(const std::string& db, std::ostream& messages) {
    IndexConfig config;
    config.db_path = db;
    config.inputs = {test::data_path("mini.jsonl")};
    Diagnostics diagnostics("fahras-index", messages);
    return run_index(config, diagnostics);
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

} // namespace

TEST_CASE("index then search: spelling variants find each other", "[index][search]") {
    test::TempDir dir;
    std::ostringstream messages;
    const IndexReport report = index_mini(dir / "db", messages);
    CHECK(report.indexed == 9);
    CHECK(report.rejected == 0);
    Searcher searcher(dir / "db");

    // Plain spelling finds the fully diacritized Uthmani text…
    CHECK(contains(search_ids(searcher, "الرحمن الرحيم"), "quran-1-1"));
    CHECK(contains(search_ids(searcher, "السماوات والأرض"), "quran-3-190"));
    // …and a diacritized query finds plain text.
    CHECK(contains(search_ids(searcher, "زِيارَةٌ رَسْمِيَّةٌ"), "hand-002"));
    // Hamza forms: إيران in the query, ايران in the text, and the reverse.
    CHECK(contains(search_ids(searcher, "إيران"), "hand-002"));
    CHECK(contains(search_ids(searcher, "الإستراتيجية"), "hand-002"));
    CHECK(contains(search_ids(searcher, "الاستراتيجية"), "hand-001"));
    // Teh marbuta: اتفاقيه in the title, اتفاقية in the query.
    CHECK(search_ids(searcher, "اتفاقية الشراكة").at(0) == "hand-001");
}

TEST_CASE("phrases match across diacritics and respect word order", "[index][search]") {
    test::TempDir dir;
    std::ostringstream messages;
    (void)index_mini(dir / "db", messages);
    Searcher searcher(dir / "db");
    CHECK(search_ids(searcher, "\"اتفاقية الشراكة\"") == std::vector<std::string>{"hand-001"});
    CHECK(search_ids(searcher, "\"الشراكة اتفاقية\"").empty());
    CHECK(search_ids(searcher, "\"بسم الله\"") == std::vector<std::string>{"quran-1-1"});
}

TEST_CASE("exclusions and exact forms", "[search]") {
    test::TempDir dir;
    std::ostringstream messages;
    (void)index_mini(dir / "db", messages);
    Searcher searcher(dir / "db");
    const auto with = search_ids(searcher, "الاستراتيجية");
    const auto without = search_ids(searcher, "الاستراتيجية -ايران");
    CHECK(contains(with, "hand-002"));
    CHECK_FALSE(contains(without, "hand-002"));
    CHECK_THROWS_AS(parse_query("-ايران", searcher.analyzer()), QueryError);
    CHECK_THROWS_AS(parse_query("   ", searcher.analyzer()), QueryError);
}

TEST_CASE("re-indexing the same input adds no duplicates", "[index]") {
    test::TempDir dir;
    std::ostringstream messages;
    (void)index_mini(dir / "db", messages);
    const IndexReport again = index_mini(dir / "db", messages);
    CHECK(again.replaced == 9);
    CHECK(again.doc_count == 9);
    Xapian::Database db(dir / "db");
    CHECK(db.get_doccount() == 9);
    CHECK(db.get_termfreq(DocumentBuilder::id_term("hand-001")) == 1);
}

TEST_CASE("the database describes itself: schema and analyzer in metadata", "[index]") {
    test::TempDir dir;
    std::ostringstream messages;
    (void)index_mini(dir / "db", messages);
    Xapian::Database db(dir / "db");
    CHECK(db.get_metadata(std::string(metadata::schema_version)) == std::to_string(kSchemaVersion));
    CHECK(db.get_metadata(std::string(metadata::analyzer)) == "v4;stemmer=light10+snowball;stopwords=none");
    // Terms follow the schema: exact with positions, Z stems, XZ Snowball stems, S title, Q id.
    CHECK(db.term_exists("اتفاقيه"));
    CHECK(db.term_exists("Zاتفاق"));
    CHECK(db.term_exists("XZاتفاق"));
    CHECK(db.term_exists("Sاتفاقيه"));
    CHECK(db.term_exists("Qhand-001"));
    CHECK(db.positionlist_begin(db.postlist_begin("Qhand-001").operator*(), "الشراكه") != db.positionlist_end(1, "الشراكه"));
}

TEST_CASE("a database analyzed differently is refused by the writer", "[index]") {
    test::TempDir dir;
    std::ostringstream messages;
    (void)index_mini(dir / "db", messages);
    AnalyzerConfig other;
    other.stemmer = StemmerKind::Snowball;
    CHECK_THROWS_WITH(IndexWriter(dir / "db", other), Catch::Contains("stemmer=light10+snowball"));
}

TEST_CASE("searcher refuses a missing or foreign database, naming the path", "[search]") {
    test::TempDir dir;
    CHECK_THROWS_WITH(Searcher(dir / "missing"), Catch::Contains("missing: no such database"));
    { Xapian::WritableDatabase foreign(dir / "foreign", Xapian::DB_CREATE); foreign.commit(); }
    CHECK_THROWS_WITH(Searcher(dir / "foreign"), Catch::Contains("not a fahras database"));
}

TEST_CASE("a ranked word finds its synonyms, which are highlighted", "[search][synonyms]") {
    test::TempDir dir;
    {
        std::ofstream out(dir / "syn.jsonl");
        out << R"({"id":"treaty","title":"","body":"وقع الرئيسان معاهدة الشراكة الشاملة في موسكو."})" << '\n'
            << R"({"id":"other","title":"","body":"افتتح الرئيسان معرضا للكتاب في موسكو."})" << '\n';
    }
    IndexConfig config;
    config.db_path = dir / "db";
    config.inputs = {dir / "syn.jsonl"};
    std::ostringstream messages;
    Diagnostics diagnostics("fahras-index", messages);
    (void)run_index(config, diagnostics);
    Searcher searcher(dir / "db");
    CHECK(search_ids(searcher, "اتفاقية") == std::vector<std::string>{"treaty"});
    const ParsedQuery parsed = parse_query("اتفاقية", searcher.analyzer());
    const Snippeter snippeter(searcher.analyzer(), parsed.highlight);
    const Snippet s = snippeter.make("وقع الرئيسان معاهدة الشراكة الشاملة في موسكو.", 200);
    REQUIRE(s.highlights.size() == 1);
    CHECK(s.text.substr(s.highlights[0].start, s.highlights[0].end - s.highlights[0].start) == "معاهدة");
}
