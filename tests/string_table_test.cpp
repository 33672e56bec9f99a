// StringTable (common/util/string_table.hpp): the flat string-keyed table of the per-query
// lookups (term statistics, stems, snippet keys, highlight weights), and the caches built on it.

#include "common/search/maxscore.hpp"
#include "common/util/string_table.hpp"
#include "support/search_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace fahras;

namespace {

// Words of a headline, and words that differ from them by one letter or only in length.
const std::vector<std::string> kWords = {
    "التحالف", "بقيادة", "السعودية", "يقر", "بأخطاء", "في", "غارة", "جوية", "قتلت", "أطفالا", "اليمن",
    "التحالفات", "السعودي", "ف", "", "ترمب", "ترامب", "نتنياهو", "نتانياهو",
};

} // namespace

TEST_CASE("string table: finds what it holds by string_view, and nothing else", "[string_table]") {
    StringTable<int> table;
    CHECK(table.find("اليمن") == nullptr); // no slots yet
    for (std::size_t i = 0; i < kWords.size(); ++i) {
        const auto [value, added] = table.try_emplace(kWords[i], static_cast<int>(i));
        CHECK(added);
        CHECK(*value == static_cast<int>(i));
    }
    CHECK(table.size() == kWords.size());
    for (std::size_t i = 0; i < kWords.size(); ++i) {
        CAPTURE(kWords[i]);
        REQUIRE(table.find(kWords[i]) != nullptr);
        CHECK(*table.find(kWords[i]) == static_cast<int>(i));
    }
    // A view into a longer text (not NUL-terminated) finds the word it spells.
    const std::string headline = "غارة جوية قتلت أطفالا في اليمن";
    const std::string_view jawiya = std::string_view(headline).substr(headline.find("جوية"), std::string_view("جوية").size());
    REQUIRE(table.find(jawiya) != nullptr);
    CHECK(*table.find(jawiya) == 7);
    // Prefixes, extensions and near misses of held words are not found.
    for (const char* absent : {"التحال", "اليمني", "قتلة", "يقرر", "السعوديه"}) {
        CAPTURE(absent);
        CHECK(table.find(absent) == nullptr);
    }
    // A second insertion keeps the first value; insert_or_assign replaces it.
    const auto [kept, added] = table.try_emplace("اليمن", 99);
    CHECK_FALSE(added);
    CHECK(*kept == 10);
    table.insert_or_assign("اليمن", 99);
    CHECK(*table.find("اليمن") == 99);
    CHECK(table.size() == kWords.size());
}

TEST_CASE("string table: keys whose hashes collide stay apart", "[string_table]") {
    // Every key with the same hash: one probe sequence, told apart by length and bytes.
    StringTable<int> table;
    constexpr std::uint64_t kSame = 0x5a5a5a5a5a5a5a5aULL;
    for (std::size_t i = 0; i < kWords.size(); ++i) table.try_emplace(kWords[i], kSame, static_cast<int>(i));
    CHECK(table.size() == kWords.size());
    for (std::size_t i = 0; i < kWords.size(); ++i) {
        CAPTURE(kWords[i]);
        REQUIRE(table.find(kWords[i], kSame) != nullptr);
        CHECK(*table.find(kWords[i], kSame) == static_cast<int>(i));
    }
    CHECK(table.find("قطر", kSame) == nullptr);
    // Hashes that differ only in the high bits land in the same slot too.
    StringTable<int> high;
    high.try_emplace("قطر", 1, 1);
    high.try_emplace("الكويت", 1 | (std::uint64_t{1} << 63), 2);
    CHECK(*high.find("قطر", 1) == 1);
    CHECK(*high.find("الكويت", 1 | (std::uint64_t{1} << 63)) == 2);
    CHECK(high.find("الكويت", 1) == nullptr); // the hash is part of the key's identity
}

TEST_CASE("string table: grows, keeping every entry, and stays at most half full", "[string_table]") {
    StringTable<std::uint32_t> table;
    std::vector<std::string> keys;
    for (std::uint32_t i = 0; i < 5000; ++i) keys.push_back("كلمة" + std::to_string(i));
    std::size_t capacity = 0;
    for (std::uint32_t i = 0; i < keys.size(); ++i) {
        table.try_emplace(keys[i], i);
        CHECK(table.capacity() >= 2 * table.size());
        CHECK((table.capacity() & (table.capacity() - 1)) == 0);
        capacity = table.capacity();
    }
    CHECK(capacity >= 10000);
    for (std::uint32_t i = 0; i < keys.size(); ++i) {
        const std::uint32_t* v = table.find(keys[i]);
        REQUIRE(v != nullptr);
        CHECK(*v == i);
    }
    std::set<std::string> seen;
    table.for_each([&](std::string_view key, std::uint32_t value) {
        CHECK(keys[value] == key);
        seen.emplace(key);
    });
    CHECK(seen.size() == keys.size());
}

TEST_CASE("string table: clear() forgets entries and text, keeps its slots", "[string_table]") {
    StringTable<std::uint32_t> table;
    for (const auto& w : kWords) table.try_emplace(w, 1);
    const std::uint32_t at = table.keep("قتل");
    CHECK(table.text(at, 6) == "قتل");
    const std::size_t capacity = table.capacity();
    table.clear();
    CHECK(table.empty());
    CHECK(table.capacity() == capacity);
    for (const auto& w : kWords) CHECK(table.find(w) == nullptr);
    int visited = 0;
    table.for_each([&](std::string_view, std::uint32_t) { ++visited; });
    CHECK(visited == 0);
    // And fills again as new.
    table.try_emplace("اليمن", 7);
    CHECK(*table.find("اليمن") == 7);
    CHECK(table.size() == 1);
}

TEST_CASE("string table: text kept beside the keys (the analyzer's stems)", "[string_table]") {
    struct Stems {
        std::uint32_t at = 0, size = 0;
    };
    StringTable<Stems> table;
    const std::vector<std::pair<std::string, std::string>> stems = {{"والكتاب", "كتاب"}, {"المدرسة", "مدرس"}, {"بالكتاب", "كتاب"}};
    for (const auto& [word, stem] : stems) {
        Stems s;
        s.size = static_cast<std::uint32_t>(stem.size());
        s.at = table.keep(stem);
        table.try_emplace(word, s);
    }
    for (const auto& [word, stem] : stems) {
        const Stems* s = table.find(word);
        REQUIRE(s != nullptr);
        CHECK(table.text(s->at, s->size) == stem);
    }
}

TEST_CASE("term statistics cache: Xapian's answers, bounded", "[string_table][maxscore]") {
    Searcher& searcher = test::search_fixture();
    const Xapian::Database& db = searcher.database();
    TermStatsCache cache;
    const std::string stem = "Zكويت";
    const TermStatsCache::Stats s = cache.get(db, stem);
    CHECK(s.termfreq == db.get_termfreq(stem));
    CHECK(s.termfreq > 0);
    CHECK(s.wdf_upper_bound == db.get_wdf_upper_bound(stem));
    // From the cache the second time, looked up by a view of a longer buffer.
    const std::string text = stem + "ية";
    CHECK(cache.get(db, std::string_view(text).substr(0, stem.size())).termfreq == s.termfreq);
    CHECK(cache.get(db, "Zلاوجود").termfreq == 0);
    // Never more than kMaxEntries terms: emptied when full.
    for (std::size_t i = 0; i < TermStatsCache::kMaxEntries + 10; ++i) {
        (void)cache.get(db, "Zغائب" + std::to_string(i));
        REQUIRE(cache.size() <= TermStatsCache::kMaxEntries);
    }
    CHECK(cache.get(db, stem).termfreq == s.termfreq);
    cache.clear();
    CHECK(cache.size() == 0);
}
