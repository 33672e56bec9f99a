// Long-vowel spelling variants (common/analysis/spelling_variants.hpp): the candidates and their
// guards, the parser's use of the index's vocabulary, and the seed articles end to end: the two
// outlets' spellings of one name (بزشكيان / بيزشكيان) find each other.

#include "common/analysis/analyzer.hpp"
#include "common/analysis/spelling_variants.hpp"
#include "common/index/schema.hpp"
#include "common/search/query_parser.hpp"
#include "support/search_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using namespace fahras;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

} // namespace

TEST_CASE("long-vowel variants: one row per rule and guard", "[variants]") {
    // stem (normalized, as the index holds it), a variant that must be there or "" for none at
    // all, and one that must not be.
    auto [stem, wanted, unwanted] = GENERATE(table<std::string, std::string, std::string>({
        {"ترمب", "ترامب", ""},          // ا inserted: Trump as Sky News and as CNN write him
        {"ترامب", "ترمب", ""},          // ا deleted
        {"بزشك", "بيزشك", ""},          // ي inserted (light10 stem of بزشكيان / بيزشكيان)
        {"نتنياهو", "نتانياهو", ""},    // ا inserted next to another letter of a long vowel
        {"كالفورنيا", "كاليفورنيا", ""}, // ي inserted
        {"مكتب", "مكتوب", "مكتبب"},     // و inserted (why variants weigh less: a real word)
        {"ترامب", "", "ترااامب"},       // never a doubled letter
        {"ترامب", "", "اترامب"},        // never before the first letter (a conjunction, a hamza seat)
        {"ترامب", "", "ترامبي"},        // never after the last one (a suffix)
        {"بيزشك", "", "يزشك"},          // never the first letter deleted
        {"نتانياهو", "", "نتانياه"},    // never the last letter deleted
        {"شراك", "", "شرك"},            // the variant keeps 4 letters: 3-letter roots stay apart
    }));
    CAPTURE(stem, wanted, unwanted);
    const auto variants = long_vowel_variants(stem);
    if (!wanted.empty()) CHECK(has(variants, wanted));
    if (!unwanted.empty()) CHECK_FALSE(has(variants, unwanted));
    CHECK_FALSE(has(variants, stem));
    CHECK(std::set<std::string>(variants.begin(), variants.end()).size() == variants.size());
}

TEST_CASE("long-vowel variants: words the rule leaves alone", "[variants]") {
    for (const std::string stem : {"كتب", "علم", "عالم" /* 4 letters, but its variant علم has 3 */, "", "trump", "ترمب2", "كوفيد19"}) {
        CAPTURE(stem);
        const auto variants = long_vowel_variants(stem);
        CHECK(std::none_of(variants.begin(), variants.end(), [](const std::string& v) { return v.size() < 8; }));
        if (stem.size() < 8 || stem.find_first_of("abcdefghijklmnopqrstuvwxyz0123456789") != std::string::npos) {
            CHECK(variants.empty());
        }
    }
}

TEST_CASE("query parser: variants only when the index has them, weighted below the word", "[variants]") {
    const Analyzer analyzer;
    const std::string trump_cnn = std::string(prefix::stem) + "ترامب";
    SECTION("without a vocabulary (no database): none") {
        const ParsedQuery p = parse_query("ترمب", analyzer);
        CHECK(std::none_of(p.disjunction.begin(), p.disjunction.end(), [&](const WeightedTerm& t) { return t.term == trump_cnn; }));
    }
    SECTION("with one: the spelling the index has, at kVariantWeight, and highlighted") {
        const TermExists exists{.test = [&](std::string_view term) { return term == trump_cnn; }, .variants = {}};
        const ParsedQuery p = parse_query("ترمب", analyzer, exists);
        CHECK(p.disjunction.front() == WeightedTerm{std::string(prefix::stem) + "ترمب", 1.0});
        CHECK(std::count(p.disjunction.begin(), p.disjunction.end(), WeightedTerm{trump_cnn, kVariantWeight}) == 1);
        CHECK(p.highlight.stems.count("ترامب") == 1);
        CHECK(kVariantWeight < 1.0);
    }
    SECTION("not for title: words, exact forms or phrases") {
        const TermExists exists{.test = [&](std::string_view term) { return term == trump_cnn; }, .variants = {}};
        for (const char* q : {"title:ترمب", "=ترمب", "\"ترمب\""}) {
            CAPTURE(q);
            const std::string description = parse_query(q, analyzer, exists).query.get_description();
            CHECK(description.find("Zترامب") == std::string::npos);
        }
    }
}

TEST_CASE("seed articles: each outlet's spelling of a name finds both, its own first", "[variants][seeds]") {
    test::TempDir dir;
    test::index_into(dir / "db", {test::corpus_path("seeds.jsonl"), test::data_path("news-60.jsonl.zst")});
    Searcher searcher(dir / "db");
    // seed-000 (Al Jazeera style) writes بزشكيان, seed-001 (an AP translation) بيزشكيان.
    CHECK(test::ids(searcher, "بزشكيان") == std::vector<std::string>{"seed-000", "seed-001"});
    CHECK(test::ids(searcher, "بيزشكيان") == std::vector<std::string>{"seed-001", "seed-000"});
    // The sample search of the README: the treaty is اتفاقية in one and معاهدة in the other.
    const auto partnership = test::ids(searcher, "اتفاقية الشراكة");
    REQUIRE(partnership.size() >= 2);
    CHECK(std::set<std::string>(partnership.begin(), partnership.begin() + 2) == std::set<std::string>{"seed-000", "seed-001"});
    // الإستراتيجية / الاستراتيجية: one hamza apart.
    const auto strategic = test::ids(searcher, "الشراكة الاستراتيجية");
    REQUIRE(strategic.size() >= 2);
    CHECK(std::set<std::string>(strategic.begin(), strategic.begin() + 2) == std::set<std::string>{"seed-000", "seed-001"});
}

TEST_CASE("searcher: a stem's variants kept per revision are those the parser would test", "[variants][seeds]") {
    test::TempDir dir;
    test::index_into(dir / "db", {test::corpus_path("seeds.jsonl"), test::data_path("news-60.jsonl.zst")});
    Searcher searcher(dir / "db");
    // Testing each candidate against the index, as without the cache.
    const TermExists uncached{.test = [&](std::string_view term) { return searcher.term_exists(term); }, .variants = {}};
    for (const char* q : {"بزشكيان", "بيزشكيان", "بزشكيان الرئيس", "اتفاقية الشراكة الاستراتيجية", "ترمب"}) {
        CAPTURE(q);
        for (int pass = 0; pass < 2; ++pass) { // the second time from the cache
            const ParsedQuery cached = parse_query(q, searcher.analyzer(), searcher.vocabulary());
            const ParsedQuery tested = parse_query(q, searcher.analyzer(), uncached);
            CHECK(cached.disjunction == tested.disjunction);
            CHECK(cached.highlight.stems == tested.highlight.stems);
        }
    }
    // بزشك (light10's stem of بزشكيان) has the AP's spelling in the index, and only that.
    CHECK(searcher.spelling_variants("بزشك") == std::vector<std::string>{"بيزشك"});
    CHECK(searcher.spelling_variants("بزشك") == std::vector<std::string>{"بيزشك"});
    // Words outside the guards, or with no variant in the index: none.
    CHECK(searcher.spelling_variants("قطر").empty());
    CHECK(searcher.spelling_variants("abcd").empty());
    // After a reopen (another revision may have other terms) it is worked out again, alike.
    (void)searcher.reopen();
    CHECK(searcher.spelling_variants("بزشك") == std::vector<std::string>{"بيزشك"});
}
