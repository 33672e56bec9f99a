#include "common/index/indexer.hpp"
#include "common/index/document_builder.hpp"
#include "common/search/exact_topk.hpp"
#include "common/search/maxscore.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/searcher.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <thread>
#include <cmath>
#include <cstdint>
#include <functional>
#include <fstream>

#include <nlohmann/json.hpp>
#include <sstream>

using namespace fahras;

namespace {

std::vector<Xapian::docid> docids(const TopKResult& r) {
    std::vector<Xapian::docid> out;
    for (const auto& d : r.docs) out.push_back(d.docid);
    return out;
}

std::vector<Xapian::docid> pruned_docids(Xapian::Enquire& enquire, const Xapian::Query& q, Xapian::doccount k) {
    enquire.set_query(q);
    std::vector<Xapian::docid> out;
    for (const Xapian::docid d : enquire.get_mset(0, k)) out.push_back(d);
    return out;
}

// 41 documents found by a randomised search for Xapian 1.4's AND_MAYBE top-k bug: the wdf of
// terms a, b, c and of a filler term that sets the document length. For OR(a, b, c) at k = 3,
// get_mset(0, 3) returns docids 12, 7, 6 (weight 2.401) and loses docid 40 (weight 3.015).
constexpr std::array<std::array<unsigned, 4>, 41> kBugDocs = {{
    {0, 0, 0, 21}, {2, 0, 0, 20}, {0, 0, 0, 9},  {0, 0, 3, 26}, {0, 0, 0, 8},  {4, 0, 0, 33}, {3, 0, 5, 27},
    {0, 4, 0, 30}, {3, 0, 0, 19}, {0, 5, 0, 23}, {0, 0, 0, 15}, {1, 2, 3, 58}, {0, 0, 5, 48}, {0, 0, 4, 29},
    {0, 0, 0, 37}, {0, 0, 5, 48}, {0, 0, 1, 19}, {0, 0, 3, 30}, {0, 0, 3, 42}, {0, 3, 0, 59}, {0, 0, 0, 50},
    {0, 0, 0, 33}, {0, 4, 0, 45}, {0, 0, 0, 45}, {1, 0, 0, 2},  {0, 0, 0, 9},  {0, 0, 0, 48}, {0, 0, 0, 18},
    {0, 1, 0, 21}, {0, 1, 0, 48}, {0, 0, 3, 46}, {0, 0, 3, 10}, {0, 0, 0, 1},  {0, 0, 0, 22}, {0, 0, 0, 11},
    {1, 0, 0, 13}, {0, 0, 2, 4},  {0, 0, 0, 39}, {0, 1, 0, 31}, {0, 5, 5, 57}, {0, 0, 0, 59},
}};

Xapian::Database build_bug_index(const std::string& path) {
    {
        Xapian::WritableDatabase db(path, Xapian::DB_CREATE);
        for (const auto& row : kBugDocs) {
            Xapian::Document doc;
            const char* names[] = {"a", "b", "c", "filler"};
            for (std::size_t i = 0; i < 4; ++i) {
                if (row[i] != 0) doc.add_term(names[i], row[i]);
            }
            db.add_document(doc);
        }
        db.commit();
    }
    return Xapian::Database(path);
}

} // namespace

TEST_CASE("exact top-k recovers the document Xapian 1.4's pruned matcher loses", "[topk]") {
    test::TempDir dir;
    const Xapian::Database db = build_bug_index(dir / "db");
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    const std::vector<std::string> terms{"a", "b", "c"};
    const Xapian::Query q(Xapian::Query::OP_OR, terms.begin(), terms.end());

    // The bug is there: the pruned top 3 misses docid 40.
    CHECK(pruned_docids(enquire, q, 3) == std::vector<Xapian::docid>{12, 7, 6});
    const TopKResult reference = exhaustive_top_k(enquire, db, q, 0, 3);
    CHECK(docids(reference) == std::vector<Xapian::docid>{12, 7, 40});

    // Force the two-pass path: this index is small enough to be evaluated fully otherwise.
    const ExactTopKOptions two_pass{.full_evaluation_below = 0};
    // exact_top_k finds it, for every k and for pages that start after the first rank.
    for (Xapian::doccount k = 1; k <= 12; ++k) {
        CAPTURE(k);
        CHECK(docids(exact_top_k(enquire, db, q, 0, k, two_pass)) == docids(exhaustive_top_k(enquire, db, q, 0, k)));
        CHECK(docids(exact_top_k(enquire, db, q, 2, k, two_pass)) == docids(exhaustive_top_k(enquire, db, q, 2, k)));
    }
    // At k = 3 it takes the MaxScore path and still matches the reference's weights exactly.
    const TopKResult exact = exact_top_k(enquire, db, q, 0, 3, two_pass);
    CHECK(exact.strategy == TopKStrategy::MaxScore);
    for (std::size_t i = 0; i < exact.docs.size(); ++i) CHECK(exact.docs[i].weight == reference.docs[i].weight);
    // Filters and exclusions keep the rewrite exact.
    const Xapian::Query filtered(Xapian::Query::OP_AND_NOT, q, Xapian::Query("filler"));
    CHECK(docids(exact_top_k(enquire, db, filtered, 0, 3, two_pass)) == docids(exhaustive_top_k(enquire, db, filtered, 0, 3)));
}

TEST_CASE("exact top-k equals a full evaluation on real Arabic queries", "[topk]") {
    test::TempDir dir;
    IndexConfig config;
    config.db_path = dir / "db";
    config.inputs = {test::data_path("mini.jsonl")};
    std::ostringstream messages;
    Diagnostics diagnostics("fahras-index", messages);
    (void)run_index(config, diagnostics);
    Searcher searcher(dir / "db");
    Xapian::Enquire enquire(searcher.database());
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    for (const char* text : {"اتفاقية الشراكة الاستراتيجية", "السماوات والأرض الليل والنهار", "ايران وزير الخارجية زيارة",
                             "الله الرحمن الرحيم رب العالمين", "الصندوق السيادي القطري استثمارات"}) {
        const Xapian::Query q = parse_query(text, searcher.analyzer()).query;
        for (Xapian::doccount k = 1; k <= 5; ++k) {
            CAPTURE(text, k);
            for (const Xapian::doccount below : {0u, 4096u}) {
                CHECK(docids(exact_top_k(enquire, searcher.database(), q, 0, k, {.full_evaluation_below = below})) ==
                      docids(exhaustive_top_k(enquire, searcher.database(), q, 0, k)));
            }
        }
    }
}

namespace {

// Ranks and weights of the own MaxScore against a full Xapian evaluation of the same query with
// the same BM25: the same documents in the same order, weights equal to 1e-12 relative.
std::size_t check_own_maxscore(const Xapian::Database& db, Xapian::Enquire& enquire, const ParsedQuery& parsed,
                               const Bm25Params& bm25, Xapian::doccount first, Xapian::doccount k, std::size_t& pruned) {
    const TopKResult reference = exhaustive_top_k(enquire, db, parsed.query, first, k);
    const TopKResult own = maxscore_top_k(db, parsed.disjunction, first, k, bm25, parsed.required, parsed.excluded);
    CHECK(own.strategy == TopKStrategy::OwnMaxScore);
    REQUIRE(docids(own) == docids(reference));
    for (std::size_t i = 0; i < own.docs.size(); ++i) {
        CHECK(std::abs(own.docs[i].weight - reference.docs[i].weight) <= 1e-12 * reference.docs[i].weight);
    }
    if (own.non_essential_terms > 0) ++pruned;
    return own.docs.size();
}

} // namespace

TEST_CASE("own MaxScore recovers the document Xapian 1.4's pruned matcher loses", "[topk][maxscore]") {
    test::TempDir dir;
    const Xapian::Database db = build_bug_index(dir / "db");
    // Xapian's default BM25 parameters: the ones the bug was found with.
    const Bm25Params bm25{.k1 = 1, .k2 = 0, .k3 = 1, .b = 0.5, .min_normlen = 0.5};
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(bm25.weight());
    ParsedQuery parsed;
    parsed.disjunction = {{"a", 1.0}, {"b", 1.0}, {"c", 1.0}};
    const std::vector<std::string> terms{"a", "b", "c"};
    parsed.query = Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    CHECK(pruned_docids(enquire, parsed.query, 3) == std::vector<Xapian::docid>{12, 7, 6}); // the bug
    CHECK(docids(maxscore_top_k(db, parsed.disjunction, 0, 3, bm25)) == std::vector<Xapian::docid>{12, 7, 40});
    std::size_t pruned = 0;
    for (Xapian::doccount k = 1; k <= 12; ++k) {
        CAPTURE(k);
        check_own_maxscore(db, enquire, parsed, bm25, 0, k, pruned);
        check_own_maxscore(db, enquire, parsed, bm25, 2, k, pruned);
    }
    CHECK(pruned > 0);
    // Scale factors and a term listed twice weigh as in Xapian's OR of OP_SCALE_WEIGHT.
    parsed.disjunction = {{"a", 1.0}, {"b", 0.3}, {"c", 1.0}, {"a", 0.2}};
    parsed.query = Xapian::Query(
        Xapian::Query::OP_OR,
        Xapian::Query(Xapian::Query::OP_OR, Xapian::Query("a"), Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query("b"), 0.3)),
        Xapian::Query(Xapian::Query::OP_OR, Xapian::Query("c"), Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query("a"), 0.2))
    );
    for (Xapian::doccount k = 1; k <= 12; ++k) {
        CAPTURE(k);
        check_own_maxscore(db, enquire, parsed, bm25, 0, k, pruned);
    }
}

TEST_CASE("own MaxScore equals a full evaluation on real Arabic news, ties included", "[topk][maxscore]") {
    test::TempDir dir;
    // 60 real news articles, and three copies of one under other ids: equal weights, which must
    // rank by docid as in Xapian.
    std::string copies;
    {
        std::ifstream in(test::data_path("mini.jsonl"));
        std::string first;
        std::getline(in, first);
        auto doc = nlohmann::json::parse(first);
        for (int i = 0; i < 3; ++i) {
            doc["id"] = "copy-" + std::to_string(i);
            copies += doc.dump() + "\n";
        }
    }
    {
        std::ofstream(dir / "copies.jsonl") << copies;
    }
    IndexConfig config;
    config.db_path = dir / "db";
    config.inputs = {test::data_path("news-60.jsonl.zst"), dir / "copies.jsonl", test::data_path("mini.jsonl")};
    std::ostringstream messages;
    Diagnostics diagnostics("fahras-index", messages);
    (void)run_index(config, diagnostics);
    Searcher searcher(dir / "db");
    const Xapian::Database& db = searcher.database();
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(searcher.bm25().weight());

    // The titles of the articles as queries (as bench/ does with 2,000 headlines), and the words
    // of the copied article.
    // With a required phrase, +word, =word or title: word, and with exclusions.
    std::vector<std::string> queries{"اتفاقية الشراكة الاستراتيجية", "الله الرحمن الرحيم رب العالمين",
                                     "\"وزير الخارجية\" ايران زيارة", "+قطر الصندوق السيادي", "=الرياض السعودية الملك",
                                     "title:قطر الاستثمار", "الرئيس الحكومة -ترامب", "\"الأمم المتحدة\" مجلس الأمن -سوريا"};
    for (Xapian::docid did = 1; did <= db.get_lastdocid(); ++did) {
        const Document doc = decode_stored(db.get_document(did).get_data());
        if (!doc.title.empty()) queries.push_back(doc.title);
    }
    queries.push_back(nlohmann::json::parse(copies.substr(0, copies.find('\n'))).value("title", ""));
    std::size_t ranked_only = 0;
    std::size_t pruned = 0;
    std::size_t with_required = 0; // queries with a required part that found something
    std::size_t with_excluded = 0;
    for (const std::string& text : queries) {
        ParsedQuery parsed;
        try {
            parsed = parse_query(text, searcher.analyzer());
        } catch (const QueryError&) {
            continue;
        }
        if (parsed.disjunction.empty()) continue; // no ranked word
        ++ranked_only;
        for (const Xapian::doccount k : {1u, 2u, 3u, 5u, 10u, 20u}) {
            CAPTURE(text, k);
            const std::size_t found = check_own_maxscore(db, enquire, parsed, searcher.bm25(), 0, k, pruned);
            check_own_maxscore(db, enquire, parsed, searcher.bm25(), 3, k, pruned);
            if (k == 1 && found > 0 && !parsed.required.empty()) ++with_required;
            if (k == 1 && found > 0 && !parsed.excluded.empty()) ++with_excluded;
        }
    }
    CHECK(with_required >= 4);
    CHECK(with_excluded >= 2);
    CHECK(ranked_only >= 50);
    CHECK(pruned > 100); // the pruning was exercised, not only full walks
}

TEST_CASE("the parser gives the plan of a query whose ranked words are a plain sum", "[topk][maxscore][query]") {
    const Analyzer analyzer;
    struct Row {
        const char* text;
        bool ranked;   // a plain sum of ranked words
        bool required; // and a required part
        bool excluded; // and an excluded part
    };
    for (const Row& row : std::initializer_list<Row>{
             {"اتفاقية الشراكة", true, false, false},
             {"اتفاقية OR الشراكة", true, false, false},
             {"(اتفاقية الشراكة) ايران", true, false, false},
             {"في", true, false, false},
             {"\"اتفاقية الشراكة\" ايران", true, true, false},
             {"+اتفاقية الشراكة", true, true, false},
             {"title:قطر الشراكة", true, true, false},
             {"اتفاقية -الشراكة", true, false, true},
             {"\"اتفاقية الشراكة\" ايران -قطر", true, true, true},
             // No ranked word, a wildcard among them, or an explicit AND: Xapian's path.
             {"\"اتفاقية الشراكة\"", false, false, false},
             {"=اتفاقية", false, false, false},
             {"title:اتفاقية", false, false, false},
             {"اتفاق* الشراكة", false, false, false},
             {"اتفاقية AND الشراكة", false, false, false},
             {"(اتفاقية -قطر) الشراكة", false, false, false},
         }) {
        CAPTURE(row.text);
        const ParsedQuery p = parse_query(row.text, analyzer);
        CHECK(p.disjunction.empty() == !row.ranked);
        CHECK(p.required.empty() == !row.required);
        CHECK(p.excluded.empty() == !row.excluded);
    }
    // A word gives its stem (weight 1), its synonyms' stems (1) and its recall stems (lower).
    const ParsedQuery p = parse_query("اتفاقية", analyzer);
    REQUIRE(p.disjunction.size() >= 3);
    CHECK(p.disjunction.front() == WeightedTerm{"Zاتفاق", 1.0});
    bool recall = false;
    for (const auto& t : p.disjunction) recall = recall || (t.term.starts_with("XZ") && t.factor == kRecallStemWeight);
    CHECK(recall);
}

namespace {

// The own MaxScore with its postings from `memory` gives what it gives reading Xapian's posting
// lists: the same documents, in the same order, with the same weights to the last bit (the same
// doubles summed in the same order), and the same estimate.
void check_cached_equals_uncached(const Xapian::Database& db, const ParsedQuery& parsed, const Bm25Params& bm25,
                                  Xapian::doccount first, Xapian::doccount k, RankCache& memory) {
    const TopKResult direct = maxscore_top_k(db, parsed.disjunction, first, k, bm25, parsed.required, parsed.excluded);
    TermStatsCache stats;
    const TopKResult cached =
        maxscore_top_k(db, parsed.disjunction, first, k, bm25, parsed.required, parsed.excluded, &stats, &memory);
    REQUIRE(docids(cached) == docids(direct));
    for (std::size_t i = 0; i < cached.docs.size(); ++i) CHECK(cached.docs[i].weight == direct.docs[i].weight);
    CHECK(cached.estimated == direct.estimated);
    CHECK(cached.non_essential_terms == direct.non_essential_terms);
}

// Indexes `inputs` into `db_path` (a new database, or more documents into an existing one).
void index_into(const std::string& db_path, const std::vector<std::string>& inputs, unsigned shards = 1) {
    IndexConfig config;
    config.db_path = db_path;
    config.inputs = inputs;
    config.shards = shards;
    std::ostringstream messages;
    Diagnostics diagnostics("fahras-index", messages);
    (void)run_index(config, diagnostics);
}

// Titles of the documents of `db` and a few queries with operators, parsed for the own MaxScore.
std::vector<ParsedQuery> news_queries(Searcher& searcher, std::size_t max_titles) {
    std::vector<std::string> texts{"اتفاقية الشراكة الاستراتيجية", "\"وزير الخارجية\" ايران زيارة", "+قطر الصندوق السيادي",
                                   "title:قطر الاستثمار", "الرئيس الحكومة -ترامب", "\"الأمم المتحدة\" مجلس الأمن -سوريا"};
    const Xapian::Database& db = searcher.database();
    for (auto it = db.postlist_begin(""); it != db.postlist_end("") && texts.size() < max_titles + 6; ++it) {
        const Document doc = decode_stored(db.get_document(*it).get_data());
        if (!doc.title.empty()) texts.push_back(doc.title);
    }
    std::vector<ParsedQuery> out;
    for (const std::string& text : texts) {
        try {
            ParsedQuery parsed = parse_query(text, searcher.analyzer());
            if (!parsed.disjunction.empty()) out.push_back(std::move(parsed));
        } catch (const QueryError&) {
        }
    }
    return out;
}

} // namespace

TEST_CASE("own MaxScore from memory recovers the document Xapian 1.4's pruned matcher loses", "[topk][maxscore][cache]") {
    {
        test::TempDir dir;
        const Xapian::Database db = build_bug_index(dir / "db");
        const Bm25Params bm25{.k1 = 1, .k2 = 0, .k3 = 1, .b = 0.5, .min_normlen = 0.5};
        ParsedQuery parsed;
        parsed.disjunction = {{"a", 1.0}, {"b", 0.3}, {"c", 1.0}, {"a", 0.2}};
        RankCache memory;
        CHECK(docids(maxscore_top_k(db, {{"a", 1.0}, {"b", 1.0}, {"c", 1.0}}, 0, 3, bm25, {}, {}, nullptr, &memory)) ==
              std::vector<Xapian::docid>{12, 7, 40}); // the document Xapian's pruned matcher loses
        for (Xapian::doccount k = 1; k <= 12; ++k) {
            CAPTURE(k);
            check_cached_equals_uncached(db, parsed, bm25, 0, k, memory);
            check_cached_equals_uncached(db, parsed, bm25, 2, k, memory);
        }
        // Each of a, b, c decoded once, then served from memory; "a" twice in one query too.
        CHECK(memory.counters().misses == 3);
        CHECK(memory.counters().lists == 3);
        CHECK(memory.doclengths(db).size() == 42);
        CHECK(memory.doclengths(db)[40] == 67); // docid 40: b 5 times, c 5, the filler 57
    }
}

TEST_CASE("own MaxScore from memory ranks as from Xapian's posting lists", "[topk][maxscore][cache]") {

    test::TempDir dir;
    index_into(dir / "db", {test::data_path("news-60.jsonl.zst")});
    Searcher searcher(dir / "db");
    const Bm25Params& bm25 = searcher.bm25();

    SECTION("real news, a budget that holds everything and one that keeps evicting") {
        const std::vector<ParsedQuery> queries = news_queries(searcher, 40);
        REQUIRE(queries.size() >= 40);
        RankCache roomy;
        RankCache tiny(4 << 10);  // a few lists at a time: most queries evict
        RankCache too_small(64);  // no list fits: each is decoded for its query only
        for (const ParsedQuery& parsed : queries) {
            for (const Xapian::doccount k : {1u, 3u, 10u}) {
                CAPTURE(k);
                check_cached_equals_uncached(searcher.database(), parsed, bm25, 0, k, roomy);
                check_cached_equals_uncached(searcher.database(), parsed, bm25, 2, k, tiny);
            }
            check_cached_equals_uncached(searcher.database(), parsed, bm25, 0, 5, too_small);
        }
        CHECK(roomy.counters().evictions == 0);
        CHECK(roomy.counters().hits > roomy.counters().misses);
        CHECK(tiny.counters().evictions > 0);
        CHECK(too_small.counters().uncached > 0);
        CHECK(too_small.counters().lists == 0);
        CHECK(tiny.counters().bytes <= tiny.budget());
        // Shrinking the budget evicts at once; 0 turns the cache off (Xapian's lists are read).
        roomy.set_budget(tiny.budget());
        CHECK(roomy.counters().bytes <= tiny.budget());
        roomy.set_budget(0);
        CHECK(roomy.counters().lists == 0);
        CHECK(!roomy.enabled());
        check_cached_equals_uncached(searcher.database(), queries.front(), bm25, 0, 10, roomy);
    }

    SECTION("the database grows while the searcher has it open") {
        const std::vector<ParsedQuery> queries = news_queries(searcher, 20);
        RankCache memory;
        for (const ParsedQuery& parsed : queries) check_cached_equals_uncached(searcher.database(), parsed, bm25, 0, 10, memory);
        const Xapian::doccount before = searcher.database().get_doccount();
        std::vector<Results> old_results;
        for (const ParsedQuery& parsed : queries) old_results.push_back(searcher.search(parsed, {}));

        // More documents (a writer commits), then the searcher moves to the new revision.
        index_into(dir / "db", {test::data_path("mini.jsonl")});
        CHECK(searcher.reopen());
        REQUIRE(searcher.database().get_doccount() > before);
        // The Searcher's own cache was dropped: its results are those of the new revision.
        std::size_t changed = 0;
        for (std::size_t i = 0; i < queries.size(); ++i) {
            const ParsedQuery& parsed = queries[i];
            const Results now = searcher.search(parsed, {});
            const TopKResult direct = maxscore_top_k(searcher.database(), parsed.disjunction, 0, 10, bm25, parsed.required, parsed.excluded);
            REQUIRE(now.hits.size() == direct.docs.size());
            for (std::size_t r = 0; r < now.hits.size(); ++r) {
                CHECK(now.hits[r].docid == direct.docs[r].docid);
                CHECK(now.hits[r].score == direct.docs[r].weight);
            }
            if (now.hits.empty() || old_results[i].hits.empty() || now.hits[0].score != old_results[i].hits[0].score) ++changed;
        }
        CHECK(changed > 0); // the statistics moved: every weight did
        // A cache filled at the old revision and used with the new one notices and starts again.
        for (const ParsedQuery& parsed : queries) check_cached_equals_uncached(searcher.database(), parsed, bm25, 0, 10, memory);
        CHECK(memory.doclengths(searcher.database()).size() == searcher.database().get_lastdocid() + 1);
    }
}

TEST_CASE("own MaxScore from memory on a sharded database", "[topk][maxscore][cache]") {
    test::TempDir dir;
    index_into(dir / "db", {test::data_path("news-60.jsonl.zst"), test::data_path("mini.jsonl")}, 3);
    Searcher searcher(dir / "db");
    const Xapian::Database& db = searcher.database();
    REQUIRE(db.size() == 3); // a stub database over three shards: docids interleave
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(searcher.bm25().weight());
    RankCache memory;
    std::size_t pruned = 0;
    for (const ParsedQuery& parsed : news_queries(searcher, 40)) {
        for (const Xapian::doccount k : {1u, 5u, 10u}) {
            CAPTURE(k);
            check_cached_equals_uncached(db, parsed, searcher.bm25(), 0, k, memory);
            // And against a full evaluation by Xapian.
            const TopKResult reference = exhaustive_top_k(enquire, db, parsed.query, 0, k);
            TermStatsCache stats;
            const TopKResult cached =
                maxscore_top_k(db, parsed.disjunction, 0, k, searcher.bm25(), parsed.required, parsed.excluded, &stats, &memory);
            REQUIRE(docids(cached) == docids(reference));
            for (std::size_t i = 0; i < cached.docs.size(); ++i) {
                CHECK(std::abs(cached.docs[i].weight - reference.docs[i].weight) <= 1e-12 * reference.docs[i].weight);
            }
            if (cached.non_essential_terms > 0) ++pruned;
        }
    }
    CHECK(pruned > 0);
    // Every document's length, by its interleaved docid.
    const auto& lengths = memory.doclengths(db);
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) CHECK(lengths[*it] == db.get_doclength(*it));
}

namespace {

// 3,300 documents over four docid ranges of the block-max bounds (DecodedPostings::kRangeShift),
// made of real Arabic stems: قال in most documents, وزير and خارج in some, اتفاق rare and on both
// sides of each range boundary, شراك once (a list shorter than a range), XZشراك only in the
// third range, قطر dense in the first range only. Documents 1023, 1024, 2048 and 3072 are
// identical (ties across range boundaries); the others get a pseudo-random length.
constexpr Xapian::docid kRangeDocs = 3300;

Xapian::Database build_range_index(const std::string& path) {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE);
    std::uint32_t h = 12345;
    auto next = [&] { return h = h * 1103515245u + 12345u, (h >> 8) & 0xffff; };
    for (Xapian::docid d = 1; d <= kRangeDocs; ++d) {
        Xapian::Document doc;
        if (d == 1023 || d == 1024 || d == 2048 || d == 3072) {
            doc.add_term("Zاتفاق", 2);
            doc.add_term("Zقال", 1);
            doc.add_term("filler", 40);
        } else {
            doc.add_term("filler", 5 + next() % 200);
            if (next() % 10 < 6) doc.add_term("Zقال", 1 + next() % 3);
            if (next() % 9 == 0) doc.add_term("Zوزير", 1 + next() % 2);
            if (next() % 13 == 0) doc.add_term("Zخارج", 1 + next() % 6);
            if (d == 3 || d == 1025 || d == 2047 || d == 2049 || d == 3071 || d % 97 == 0) doc.add_term("Zاتفاق", 1 + d % 4);
            if (d == 2050) doc.add_term("Zشراك", 3);
            if (d >= 2048 && d < 3072 && d % 5 == 0) doc.add_term("XZشراك", 1 + d % 3);
            if ((d < 1024 && d % 3 == 0) || d == kRangeDocs) doc.add_term("Zقطر", 1 + d % 5);
        }
        db.add_document(doc);
    }
    db.commit();
    return Xapian::Database(path);
}

// OR(SCALE_WEIGHT(factor, term)…): the query the parser's plan stands for.
Xapian::Query or_of(const std::vector<WeightedTerm>& terms) {
    std::vector<Xapian::Query> parts;
    for (const WeightedTerm& t : terms) parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(t.term), t.factor);
    return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

const std::vector<std::vector<WeightedTerm>>& range_queries() {
    static const std::vector<std::vector<WeightedTerm>> queries{
        {{"Zاتفاق", 1.0}, {"Zقال", 1.0}, {"Zوزير", 1.0}, {"Zخارج", 0.3}},
        {{"Zشراك", 1.0}, {"XZشراك", 0.3}, {"Zقطر", 1.0}, {"Zقال", 0.2}},
        {{"Zاتفاق", 1.0}, {"Zقال", 0.2}},
        {{"Zقال", 1.0}},
        {{"Zاتفاق", 1.0}, {"XZاتفاق", 0.3}, {"Zقال", 1.0}, {"Zوزير", 0.3}, {"Zخارج", 1.0}, {"Zشراك", 1.0},
         {"XZشراك", 0.2}, {"Zقطر", 0.3}, {"Zقال", 0.2}},
    };
    return queries;
}

} // namespace

TEST_CASE("block-max bounds: every posting under its range's bound, none where there is none", "[topk][maxscore][cache]") {
    test::TempDir dir;
    const Xapian::Database db = build_range_index(dir / "db");
    const Bm25Params bm25;
    const double len_factor = 1 / (static_cast<double>(db.get_total_length()) / db.get_doccount());
    RankCache memory;
    // Decoded before any norms are known: no bounds (the walk looks at the postings instead).
    CHECK(memory.postings(db, "Zقال")->range_max.empty());
    CHECK(memory.postings(db, "Zقال")->ratios.empty());
    const DocNorms& norms = memory.norms(db, bm25.k1, bm25.b, bm25.min_normlen, len_factor);
    CHECK(memory.counters().lists == 0); // dropped: decoded for other (no) norms
    constexpr unsigned shift = DecodedPostings::kRangeShift;
    const std::size_t ranges = (kRangeDocs >> shift) + 1;
    REQUIRE(ranges == 4);
    for (const char* term : {"Zقال", "Zوزير", "Zخارج", "Zاتفاق", "XZشراك", "Zقطر", "Zشراك"}) {
        CAPTURE(term);
        const auto list = memory.postings(db, term);
        REQUIRE(list->ratios.size() == list->docids.size()); // every list, short ones too
        if (list->docids.size() < DecodedPostings::kRangeMinPerRange * ranges) {
            CHECK(list->range_max.empty()); // شراك: one posting, shorter than a range's worth
            continue;
        }
        REQUIRE(list->range_max.size() == ranges);
        std::vector<bool> has(ranges, false);
        for (std::size_t p = 0; p < list->docids.size(); ++p) {
            const Xapian::docid d = list->docids[p];
            const double wdf = list->wdfs[p];
            CHECK(wdf / (norms.norm[d] + wdf) <= list->range_max[d >> shift]);
            CHECK(list->ratios[p] == wdf / (norms.norm[d] + wdf)); // the very double, kept
            has[d >> shift] = true;
        }
        for (std::size_t r = 0; r < ranges; ++r) CHECK((list->range_max[r] > 0) == has[r]);
        // Where each range's postings start: every posting inside its range's slice, an empty
        // slice where the range has none, the last one ending at the list's end.
        REQUIRE(list->range_start.size() == ranges + 1);
        CHECK(list->range_start.front() == 0);
        CHECK(list->range_start.back() == list->docids.size());
        for (std::size_t r = 0; r < ranges; ++r) {
            CAPTURE(r);
            CHECK(list->range_start[r] <= list->range_start[r + 1]);
            CHECK((list->range_start[r] < list->range_start[r + 1]) == has[r]);
            for (std::size_t p = list->range_start[r]; p < list->range_start[r + 1]; ++p) CHECK(list->docids[p] >> shift == r);
        }
    }
    CHECK(memory.postings(db, "XZشراك")->range_max[1] == 0); // only in the third range
    CHECK(memory.postings(db, "XZشراك")->range_max[2] > 0);
    CHECK(memory.postings(db, "Zقطر")->range_max[1] == 0);
    CHECK(memory.postings(db, "Zشراك")->range_max.empty());
    // New BM25 parameters: the lists held had bounds for the old norms, and are dropped.
    (void)memory.norms(db, 1.0, 0.5, bm25.min_normlen, len_factor);
    CHECK(memory.counters().lists == 0);
}

TEST_CASE("rank cache: lists and statistics by one lookup, side by side, least recently used evicted first", "[topk][cache]") {
    test::TempDir dir;
    const Xapian::Database db = build_range_index(dir / "db");
    const std::vector<std::string> terms{"Zقال", "Zوزير", "Zخارج", "Zاتفاق", "XZشراك", "Zقطر", "Zشراك"};

    SECTION("a batch gives what one lookup at a time gives, with Xapian's statistics") {
        RankCache memory;
        std::vector<std::string_view> names(terms.begin(), terms.end());
        names.emplace_back("Zقال");       // twice in one batch
        names.emplace_back("Zلا_يوجد"); // no such term: an empty list
        std::vector<std::shared_ptr<const DecodedPostings>> batch;
        memory.postings(db, names, batch); // all read from the database
        REQUIRE(batch.size() == names.size());
        CHECK(memory.counters().misses == terms.size() + 1);
        CHECK(batch[0] == batch[terms.size()]); // the same list, read once
        CHECK(batch.back()->docids.empty());
        CHECK(batch.back()->termfreq == 0);
        std::vector<std::shared_ptr<const DecodedPostings>> again;
        memory.postings(db, names, again); // all from memory now
        CHECK(memory.counters().misses == terms.size() + 1);
        for (std::size_t t = 0; t < names.size(); ++t) {
            CAPTURE(names[t]);
            CHECK(again[t] == batch[t]);
            CHECK(memory.postings(db, std::string(names[t])) == batch[t]);
            CHECK(batch[t]->term == names[t]);
            CHECK(batch[t]->termfreq == db.get_termfreq(std::string(names[t])));
            CHECK(batch[t]->docids.size() == batch[t]->termfreq);
            if (batch[t]->termfreq > 0) CHECK(batch[t]->wdf_upper_bound == db.get_wdf_upper_bound(std::string(names[t])));
        }
    }

    SECTION("eviction follows use, batch or not") {
        // The four shortest lists, a to d.
        RankCache probe;
        std::vector<std::pair<std::size_t, std::string>> by_size;
        for (const std::string& t : terms) by_size.emplace_back(probe.postings(db, t)->bytes(), t);
        std::sort(by_size.begin(), by_size.end());
        const std::string a = by_size[0].second, b = by_size[1].second, c = by_size[2].second, d = by_size[3].second;
        RankCache three;
        (void)three.postings(db, a);
        (void)three.postings(db, b);
        (void)three.postings(db, c);
        auto alone = [&](const std::string& t) {
            RankCache one;
            (void)one.postings(db, t);
            return one.counters().bytes;
        };
        // d fits in place of b, not beside a, b and c.
        RankCache memory(three.counters().bytes + alone(d) - alone(b));
        // (a, b, c in) then a used again (batch), so d evicts b, the least recently used.
        (void)memory.postings(db, a);
        (void)memory.postings(db, b);
        (void)memory.postings(db, c);
        REQUIRE(memory.counters().lists == 3);
        std::vector<std::shared_ptr<const DecodedPostings>> out;
        memory.postings(db, std::vector<std::string_view>{a}, out);
        const std::size_t misses = memory.counters().misses;
        (void)memory.postings(db, d);
        CHECK(memory.counters().evictions == 1);
        CHECK(memory.counters().bytes <= memory.budget());
        // a and c are still held (hits); b is not (a miss).
        (void)memory.postings(db, a);
        (void)memory.postings(db, c);
        CHECK(memory.counters().misses == misses + 1);
        (void)memory.postings(db, b);
        CHECK(memory.counters().misses == misses + 2);
    }

    SECTION("many lists in and out: every one held is found, no other") {
        // Terms in and out of a table of a few slots' worth, so that runs of probes are removed
        // from (deletion shifts them back) and found again.
        RankCache memory(120 << 10); // some 440 of them: the table is near half full
        std::vector<std::string> many;
        for (int i = 0; i < 1500; ++i) many.push_back("Zلا" + std::to_string(i)); // none in the database: small lists
        for (int round = 0; round < 3; ++round) {
            for (const std::string& t : many) {
                const auto list = memory.postings(db, t);
                CHECK(list->term == t);
                CHECK(memory.counters().bytes <= memory.budget());
            }
        }
        CHECK(memory.counters().evictions > 0);
        const std::size_t held = memory.counters().lists;
        REQUIRE(held > 300);
        // The last `held` terms are the ones held: each is a hit, in order from the oldest.
        const std::size_t misses = memory.counters().misses;
        for (std::size_t i = many.size() - held; i < many.size(); ++i) (void)memory.postings(db, many[i]);
        CHECK(memory.counters().misses == misses);
        (void)memory.postings(db, many.front());
        CHECK(memory.counters().misses == misses + 1);
    }
}

TEST_CASE("block-max MaxScore from memory: exact across range boundaries, ties, eviction, revisions", "[topk][maxscore][cache]") {
    test::TempDir dir;
    const std::string path = dir / "db";
    Xapian::Database db = build_range_index(path);
    for (const Bm25Params& bm25 : {Bm25Params{}, Bm25Params{.k1 = 1, .k2 = 0, .k3 = 1, .b = 0.5, .min_normlen = 0.5}}) {
        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(bm25.weight());
        RankCache roomy;
        RankCache tiny(16 << 10); // a list or two at a time: evicts all along
        std::size_t pruned = 0;
        for (const auto& terms : range_queries()) {
            ParsedQuery parsed;
            parsed.disjunction = terms;
            for (const Xapian::doccount k : {1u, 2u, 3u, 4u, 5u, 10u, 20u, 100u}) {
                CAPTURE(terms.size(), k);
                // Bit for bit as the walk over Xapian's posting lists (rank()), same estimate.
                check_cached_equals_uncached(db, parsed, bm25, 0, k, roomy);
                check_cached_equals_uncached(db, parsed, bm25, 2, k, tiny);
                // And the same ranks as a full evaluation by Xapian.
                const TopKResult reference = exhaustive_top_k(enquire, db, or_of(terms), 0, k);
                TermStatsCache stats;
                const TopKResult cached = maxscore_top_k(db, terms, 0, k, bm25, {}, {}, &stats, &roomy);
                REQUIRE(docids(cached) == docids(reference));
                for (std::size_t i = 0; i < cached.docs.size(); ++i) {
                    CHECK(std::abs(cached.docs[i].weight - reference.docs[i].weight) <= 1e-12 * reference.docs[i].weight);
                }
                if (cached.non_essential_terms > 0) ++pruned;
            }
            // An exclusion among the candidates the ranges bring.
            parsed.excluded = Xapian::Query("Zوزير");
            for (const Xapian::doccount k : {1u, 3u, 10u}) check_cached_equals_uncached(db, parsed, bm25, 0, k, roomy);
        }
        CHECK(pruned > 0);
        CHECK(tiny.counters().evictions > 0);
        // The four identical documents tie; the lower docid comes first, across range boundaries.
        const TopKResult ties = maxscore_top_k(db, {{"Zاتفاق", 1.0}, {"Zقال", 0.2}}, 0, 100, bm25, {}, {}, nullptr, &roomy);
        std::vector<Xapian::docid> twins;
        std::vector<double> weights;
        for (const RankedDoc& doc : ties.docs) {
            if (doc.docid == 1023 || doc.docid == 1024 || doc.docid == 2048 || doc.docid == 3072) {
                twins.push_back(doc.docid);
                weights.push_back(doc.weight);
            }
        }
        CHECK(twins == std::vector<Xapian::docid>{1023, 1024, 2048, 3072});
        CHECK(std::adjacent_find(weights.begin(), weights.end(), std::not_equal_to<>()) == weights.end());
    }

    // A new revision (documents added to the last range and a fifth one): the cache notices.
    RankCache memory;
    const Bm25Params bm25;
    ParsedQuery parsed;
    parsed.disjunction = range_queries().back();
    check_cached_equals_uncached(db, parsed, bm25, 0, 10, memory);
    {
        Xapian::WritableDatabase w(path);
        for (Xapian::docid d = 0; d < 1200; ++d) {
            Xapian::Document doc;
            doc.add_term("filler", 3 + d % 17);
            doc.add_term("Zاتفاق", 1 + d % 7);
            if (d % 2 == 0) doc.add_term("Zقال", 2);
            w.add_document(doc);
        }
        w.commit();
    }
    db.reopen();
    REQUIRE(db.get_lastdocid() == kRangeDocs + 1200);
    for (const Xapian::doccount k : {1u, 10u, 50u}) check_cached_equals_uncached(db, parsed, bm25, 0, k, memory);
    CHECK(memory.postings(db, "Zقال")->range_max.size() == ((kRangeDocs + 1200) >> DecodedPostings::kRangeShift) + 1);
}

namespace {

// A ParallelFor on real threads that counts the rankings it was given.
ParallelRanking counting_parallel(std::atomic<int>& splits) {
    ParallelRanking parallel;
    parallel.min_postings = 0; // every query, however small
    parallel.run = [&splits](std::size_t n, const std::function<void(std::size_t)>& body) {
        splits.fetch_add(1);
        std::vector<std::thread> threads;
        for (std::size_t i = 1; i < n; ++i) threads.emplace_back([&body, i] { body(i); });
        body(0);
        for (auto& t : threads) t.join();
    };
    return parallel;
}

// Two walks sharing the docids give what one walk gives: documents, order, weights to the last
// bit; and the count of matches when neither pruned.
void check_shared(const Xapian::Database& db, const std::vector<WeightedTerm>& terms, const Bm25Params& bm25,
                  Xapian::doccount first, Xapian::doccount k, const Xapian::Query& excluded, RankCache& one_walk,
                  RankCache& shared, const ParallelRanking& parallel) {
    TermStatsCache stats;
    const TopKResult a = maxscore_top_k(db, terms, first, k, bm25, {}, excluded, &stats, &one_walk);
    const TopKResult b = maxscore_top_k(db, terms, first, k, bm25, {}, excluded, &stats, &shared, &parallel);
    REQUIRE(docids(b) == docids(a));
    for (std::size_t i = 0; i < a.docs.size(); ++i) CHECK(b.docs[i].weight == a.docs[i].weight);
    if (a.non_essential_terms == 0 && b.non_essential_terms == 0) CHECK(b.estimated == a.estimated);
}

} // namespace

TEST_CASE("own MaxScore from memory by two walks at once, sharing chunks and θ, ranks as one walk", "[topk][maxscore][cache][parallel]") {
    std::atomic<int> splits{0};
    const ParallelRanking parallel = counting_parallel(splits);

    SECTION("four ranges of docids, ties across their boundaries (1023, 1024, 2048, 3072)") {
        test::TempDir dir;
        const Xapian::Database db = build_range_index(dir / "db");
        for (const Bm25Params& bm25 : {Bm25Params{}, Bm25Params{.k1 = 2.0, .k2 = 0, .k3 = 1, .b = 0.9, .min_normlen = 0.5}}) {
            RankCache one_walk;
            RankCache shared;
            for (const auto& terms : range_queries()) {
                for (const Xapian::doccount first : {0u, 1u, 3u}) {
                    for (const Xapian::doccount k : {1u, 2u, 3u, 4u, 5u, 10u, 50u, 200u}) {
                        CAPTURE(k, first);
                        const int before = splits.load();
                        check_shared(db, terms, bm25, first, k, {}, one_walk, shared, parallel);
                        CHECK(splits.load() == before + 1); // split, and only once
                    }
                }
                // With an excluded part: one walk, not split.
                const int before = splits.load();
                check_shared(db, terms, bm25, 0, 10, Xapian::Query("Zقطر"), one_walk, shared, parallel);
                CHECK(splits.load() == before);
            }
        }
    }

    SECTION("a walk that starts late (a helper still waking up) finds the chunks walked") {
        ParallelRanking in_turn;
        in_turn.min_postings = 0;
        in_turn.run = [](std::size_t n, const std::function<void(std::size_t)>& body) {
            for (std::size_t i = n; i-- > 0;) body(i); // the second walk first, alone, then the first
        };
        test::TempDir dir;
        const Xapian::Database db = build_range_index(dir / "db");
        RankCache one_walk;
        RankCache shared;
        for (const auto& terms : range_queries()) {
            for (const Xapian::doccount k : {1u, 3u, 10u, 200u}) {
                CAPTURE(k);
                check_shared(db, terms, Bm25Params{}, 0, k, {}, one_walk, shared, in_turn);
            }
        }
    }

    SECTION("real news in one range of docids: nothing to split, the same ranking") {
        test::TempDir dir;
        index_into(dir / "db", {test::data_path("news-60.jsonl.zst"), test::data_path("mini.jsonl")});
        Searcher searcher(dir / "db");
        RankCache one_walk;
        RankCache shared;
        for (const ParsedQuery& parsed : news_queries(searcher, 30)) {
            if (!parsed.required.empty()) continue;
            check_shared(searcher.database(), parsed.disjunction, searcher.bm25(), 0, 10, parsed.excluded, one_walk, shared, parallel);
        }
        CHECK(splits.load() == 0);
    }
}
