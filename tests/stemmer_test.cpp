// Stemmers: light10 affix by affix with its length guards, Snowball, none, and the
// light10+snowball pair; and the stemmer chosen at index time is the one the searcher uses.

#include "common/analysis/analyzer.hpp"
#include "common/analysis/stemmer.hpp"
#include "common/analysis/stopwords.hpp"
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

TEST_CASE("light10: one row per prefix and suffix, and each length guard", "[stemmer]") {
    const LightStemmer stemmer;
    // Input is normalized text (ة is already ه).
    auto [word, stem] = GENERATE(table<std::string, std::string>({
        {"الكتاب", "كتاب"},     // ال
        {"والكتاب", "كتاب"},    // وال
        {"بالقلم", "قلم"},      // بال
        {"كالبحر", "بحر"},      // كال
        {"فالعلم", "علم"},      // فال
        {"للطالب", "طالب"},     // لل
        {"وكتاب", "كتاب"},      // و
        {"كتابها", "كتاب"},     // ها
        {"كتابان", "كتاب"},     // ان
        {"مسلمات", "مسلم"},     // ات
        {"مسلمون", "مسلم"},     // ون
        {"مسلمين", "مسلم"},     // ين
        {"اتفاقيه", "اتفاق"},   // يه (and ية, after normalization)
        {"كتابه", "كتاب"},      // ه (and ة, after normalization)
        {"عربي", "عرب"},        // ي
        {"والمسلمات", "مسلم"},  // a prefix and a suffix
        {"ورد", "ورد"},         // guard: و needs 3 letters left
        {"وقت", "وقت"},         // guard: و needs 3 letters left
        {"الف", "الف"},         // guard: other prefixes need 2 letters left
        {"بان", "بان"},         // guard: a suffix needs 2 letters left
        {"يه", "يه"},           // guard: a suffix alone is not removed
        {"مكان", "مكان"},       // guard: a suffix leaves 3 letters (light10's 2 gave مك)
        {"سكان", "سكان"},       // guard: not سك
        {"نبي", "نبي"},         // guard: not نب
        {"مكانه", "مكان"},      // so that مكان and مكانه meet
        {"مقالاته", "مقال"},    // the pronoun first, then ات (light10 left مقالات)
        {"سياراتها", "سيار"},   // ها, then ات
        {"عاصمتها", "عاصم"},    // ة written ت under a pronoun: as عاصمه
        {"مساحته", "مساح"},     // the same with ه
        {"نقلته", "نقل"},       // the perfect's ت under a pronoun
        {"العربيه", "عرب"},     // ه (ة), then the nisba ي
        {"بيته", "بيت"},        // guard: ت stays when it would leave 2 letters
        {"الله", "الله"},       // exception: not ال + له
        {"لله", "الله"},        // exception: لِ + الله, not لل + ه
        {"والله", "الله"},      // exception, with a clitic
    }));
    CAPTURE(word);
    CHECK(stemmer.stem(word) == stem);
}

TEST_CASE("analyzer: function words are their own stem", "[stemmer][analyzer]") {
    const Analyzer analyzer; // stop words kept in queries, and still not stemmed
    auto [word, stem] = GENERATE(table<std::string, std::string>({
        {"متى", "متي"},   // light10 alone: مت, a stem that real words share
        {"ماذا", "ماذا"}, // not ماذ
        {"إلى", "الي"},   // not ال
        {"على", "علي"},   // not عل
        {"ال", "ال"},     // an article typed apart from its noun
        {"الكتب", "كتب"}, // content words are stemmed as before
    }));
    CAPTURE(word);
    std::vector<AnalyzedToken> out;
    analyzer.analyze(word, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].stem == stem);
    CHECK(analyzer.stem(out[0].exact) == stem);
    CHECK(out[0].stop == false); // the list drops nothing unless --stopwords default
}

TEST_CASE("analyzer: person variants of an imperfect verb", "[stemmer][analyzer]") {
    const Analyzer analyzer;
    using V = std::vector<std::string>;
    CHECK(analyzer.person_variants("يتزوج") == V{"تتزوج", "نتزوج", "تزوج"});
    CHECK(analyzer.person_variants("تستخدم") == V{"يستخدم", "نستخدم", "ستخدم"});
    CHECK(analyzer.person_variants("تقع").empty());    // three letters: the rest would have two
    CHECK(analyzer.person_variants("الكتاب").empty()); // no person prefix
    CHECK(analyzer.person_variants("متي").empty());    // a function word
    // توفي: يوفي and نوفي, but not وفي ("and in"), a function word.
    CHECK(analyzer.person_variants("توفي") == V{"يوف", "نوف"});
}

TEST_CASE("snowball and none stemmers", "[stemmer]") {
    const SnowballStemmer snowball;
    CHECK(snowball.stem("الكتاب") == "كتاب");
    CHECK(snowball.stem("ينتقده") == "ينتقد"); // light10 keeps the object pronoun's verb form
    const NoStemmer none;
    CHECK(none.stem("والكتاب") == "والكتاب");
}

TEST_CASE("stemmer names parse and print, unknown names list the valid ones", "[stemmer]") {
    for (const auto kind : {StemmerKind::Light10, StemmerKind::Snowball, StemmerKind::None, StemmerKind::Light10Snowball}) {
        CHECK(parse_stemmer_kind(to_string(kind)) == kind);
    }
    CHECK_THROWS_WITH(parse_stemmer_kind("porter"), Catch::Contains("light10|light10+snowball|none|snowball"));
}

TEST_CASE("analyzer: light10+snowball gives two stems, the others one", "[stemmer][analyzer]") {
    auto first = [](StemmerKind kind, const std::string& text) {
        AnalyzerConfig config;
        config.stemmer = kind;
        const Analyzer analyzer(config);
        std::vector<AnalyzedToken> out;
        analyzer.analyze(text, out);
        REQUIRE(out.size() == 1);
        return out[0];
    };
    const AnalyzedToken both = first(StemmerKind::Light10Snowball, "ينتقدُه");
    CHECK(both.exact == "ينتقده");
    CHECK(both.stem == "ينتقد");        // light10: ه
    CHECK(both.recall_stem == "ينتقد");
    const AnalyzedToken p = first(StemmerKind::Light10Snowball, "استقلت");
    CHECK(p.stem == "استقلت");
    CHECK(p.recall_stem == "استقل");
    CHECK(first(StemmerKind::Light10, "المدرسة").recall_stem.empty());
    // Normalizing first is what makes both spellings stem alike under Snowball.
    CHECK(first(StemmerKind::Snowball, "المدرسة").stem == first(StemmerKind::Snowball, "المدرسه").stem);
}

namespace {

// Indexes `jsonl` with `kind` into a fresh database under `dir`.
std::string index_text(const test::TempDir& dir, const std::string& name, const std::string& jsonl, StemmerKind kind) {
    const std::string input = dir / (name + ".jsonl");
    std::ofstream(input) << jsonl;
    IndexConfig config;
    config.db_path = dir / name;
    config.inputs = {input};
    config.analyzer.stemmer = kind;
    std::ostringstream messages;
    Diagnostics diagnostics("fahras-index", messages);
    const IndexReport report = run_index(config, diagnostics);
    REQUIRE(report.rejected == 0);
    return config.db_path;
}

std::vector<std::string> ids(Searcher& searcher, const std::string& query) {
    std::vector<std::string> out;
    SearchOptions options;
    for (const auto& hit : searcher.search(parse_query(query, searcher.analyzer()).query, options).hits) {
        out.push_back(hit.doc.id);
    }
    std::sort(out.begin(), out.end());
    return out;
}

const std::string kDocs =
    R"({"id": "a", "title": "", "body": "وقّع الطرفان اتّفاقيّة الشّراكة في عمّان"})" "\n"
    R"({"id": "b", "title": "", "body": "بنود اتفاقيه الشراكه الجديدة"})" "\n"
    R"({"id": "c", "title": "", "body": "الشراكة مع الاتفاقيات السابقة"})" "\n"
    R"({"id": "d", "title": "", "body": "أعلنت البلاد استقلالها وقال إنها استقلت عام 1956"})" "\n";

} // namespace

TEST_CASE("the stemmer chosen at index time is stored and used by the searcher", "[stemmer][search]") {
    test::TempDir dir;
    for (const auto kind : {StemmerKind::Light10, StemmerKind::Snowball, StemmerKind::None, StemmerKind::Light10Snowball}) {
        const std::string db = index_text(dir, std::string(to_string(kind)) == "light10+snowball" ? "both" : std::string(to_string(kind)), kDocs, kind);
        Searcher searcher(db);
        CAPTURE(to_string(kind));
        CHECK(searcher.analyzer().config().stemmer == kind);
        // Phrases use exact forms, whatever the stemmer: diacritics and ة/ه ignored, order kept.
        CHECK(ids(searcher, "\"اتفاقية الشراكة\"") == std::vector<std::string>{"a", "b"});
        // =word skips stemming: الاتفاقيات is only in c.
        CHECK(ids(searcher, "=الاتفاقيات") == std::vector<std::string>{"c"});
    }
    // Ranked search goes through the stems: light10 joins اتفاقية and الاتفاقيات…
    Searcher light(dir / "light10");
    CHECK(ids(light, "اتفاقية") == std::vector<std::string>{"a", "b", "c"});
    // …none does not…
    Searcher none(dir / "none");
    CHECK(ids(none, "اتفاقية") == std::vector<std::string>{"a", "b"});
    // …and only the Snowball stream finds استقلت from استقل.
    CHECK(ids(light, "استقل").empty());
    Searcher both(dir / "both");
    CHECK(ids(both, "استقل") == std::vector<std::string>{"d"});
    CHECK(Xapian::Database(dir / "both").term_exists(std::string(prefix::recall_stem) + "استقل"));
}

TEST_CASE("plain spelling finds Uthmani text through the alef skeleton", "[stemmer][search]") {
    test::TempDir dir;
    const std::string verses =
        R"({"id": "2-83", "title": "", "body": "وَذِي ٱلۡقُرۡبَىٰ وَٱلۡيَتَٰمَىٰ وَٱلۡمَسَٰكِينِ"})" "\n"
        R"({"id": "2-43", "title": "", "body": "وَأَقِيمُواْ ٱلصَّلَوٰةَ وَءَاتُواْ ٱلزَّكَوٰةَ"})" "\n"
        R"({"id": "news", "title": "", "body": "رعاية اليتامى في المدينة"})" "\n";
    for (const auto kind : {StemmerKind::Light10, StemmerKind::Light10Snowball}) {
        CAPTURE(to_string(kind));
        Searcher searcher(index_text(dir, kind == StemmerKind::Light10 ? "light" : "both", verses, kind));
        CHECK(ids(searcher, "اليتامى والمساكين") == std::vector<std::string>{"2-83", "news"});
        CHECK(ids(searcher, "الصلاة والزكاة") == std::vector<std::string>{"2-43"});
        // The Uthmani word is highlighted, whole, although only its skeleton matched.
        const ParsedQuery parsed = parse_query("اليتامى", searcher.analyzer());
        const std::string verse = "وَذِي ٱلۡقُرۡبَىٰ وَٱلۡيَتَٰمَىٰ وَٱلۡمَسَٰكِينِ";
        const Snippet snippet = Snippeter(searcher.analyzer(), parsed.highlight).highlight_all(verse);
        REQUIRE(snippet.highlights.size() == 1);
        const Highlight& h = snippet.highlights[0];
        CHECK(snippet.text.substr(h.start, h.end - h.start) == "وَٱلۡيَتَٰمَىٰ");
        // Both spellings are found for the plain word.
        SearchOptions options;
        const auto hits = searcher.search(parse_query("اليتامى", searcher.analyzer()).query, options).hits;
        CHECK(hits.size() == 2);
    }
    // Every stemmer also indexes the stem of the written-out spelling (الصلاه for ٱلصَّلَوٰةَ),
    // at full weight: the verse that has both words ranks first.
    for (const auto kind : {StemmerKind::None, StemmerKind::Snowball, StemmerKind::Light10Snowball}) {
        CAPTURE(to_string(kind));
        Searcher searcher(index_text(dir, std::string("w").append(to_string(kind)), verses, kind));
        CHECK(ids(searcher, "الصلاة") == std::vector<std::string>{"2-43"});
        CHECK(ids(searcher, "=الصلاة").empty()); // the exact form stays the normalized one
    }
    // No written-out stem for words without a superscript alef.
    std::vector<AnalyzedToken> tokens;
    Analyzer().analyze("الصلاة ٱلصَّلَوٰةَ", tokens);
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[0].alef_stem.empty());
    CHECK(tokens[1].alef_stem == tokens[0].stem);
}

TEST_CASE("stop words are normalized when loaded", "[stopwords]") {
    const StopWords list = StopWords::arabic_default();
    CHECK(list.contains("الي"));  // إلى and الى, written with hamza and alef maksura in the list
    CHECK(list.contains("علي"));  // على
    CHECK(list.contains("ماهي")); // run-together question words
    CHECK_FALSE(list.contains("إلى")); // callers pass normalized words
    CHECK_FALSE(list.contains("كتاب"));
    std::istringstream in("# comment\nهٰؤُلاءِ  إلى\n\nمَتى # trailing comment\n");
    const StopWords custom = StopWords::from_stream(in);
    CHECK(custom.size() == 3);
    CHECK(custom.contains("هولاء"));
    CHECK(custom.contains("متي"));
}

TEST_CASE("stop words leave ranked queries only when the database asks", "[stopwords][search]") {
    AnalyzerConfig with;
    with.stopwords = true;
    const AnalyzerConfig without; // the default, measured better on arcd-dev
    CHECK_FALSE(without.stopwords);
    const std::string q = parse_query("متى ولد المتنبي", Analyzer(with)).query.get_description();
    // متى stems to مت (light10: ي), its skeleton is متي.
    CHECK(q.find("XAمتي") == std::string::npos);
    CHECK(q.find("XAولد") != std::string::npos);
    CHECK(parse_query("متى ولد المتنبي", Analyzer(without)).query.get_description().find("XAمتي") != std::string::npos);
    // A query of stop words only still searches them.
    CHECK(parse_query("في", Analyzer(with)).query.get_description().find("Zفي") != std::string::npos);
}

TEST_CASE("the stem cache never changes what the analyzer says", "[analyzer]") {
    const Analyzer analyzer; // light10+snowball: the cache is on
    auto skeletons = [&](const std::string& text) {
        std::vector<AnalyzedToken> out;
        analyzer.analyze(text, out);
        std::vector<std::string> s;
        for (const auto& t : out) s.push_back(std::string(t.stem).append("|").append(t.recall_stem).append("|").append(t.skeleton));
        return s;
    };
    // Same exact form الصلوه, but the Uthmani spelling's وٰ is an alef: its skeleton differs,
    // before and after the plain spelling has filled the cache.
    const auto first = skeletons("الصلوه ٱلصَّلَوٰةَ الصلوه");
    REQUIRE(first.size() == 3);
    CHECK(first[0] == "صلو|صلو|"); // a modern document word gets no skeleton
    CHECK(first[1] == "صلو|صلو|صله");
    CHECK(first[2] == first[0]);
    CHECK(skeletons("ٱلصَّلَوٰةَ الصلوه") == std::vector<std::string>{first[1], first[0]});
    const std::string news = "وقع البلدان اتفاقية الشراكة الاستراتيجية في مؤتمر صحفي والشراكة مستمرة";
    CHECK(skeletons(news) == skeletons(news));
}

TEST_CASE("only Uthmani document words and query words get an alef skeleton", "[analyzer]") {
    const Analyzer analyzer;
    auto skeleton = [&](const std::string& word, AnalysisSide side) {
        std::vector<AnalyzedToken> out;
        analyzer.analyze(word, out, 0, side);
        return out.at(0).skeleton;
    };
    // A modern word indexed with a skeleton would merge real words: الشراكة (partnership) and
    // الشركة (company), الجامعة (university) and الجمعة (Friday).
    CHECK(skeleton("الشراكة", AnalysisSide::Document).empty());
    CHECK(skeleton("الجامعة", AnalysisSide::Document).empty());
    CHECK(skeleton("ٱلسَّمَٰوَٰتِ", AnalysisSide::Document) == skeleton("السماوات", AnalysisSide::Query));
    CHECK(skeleton("ٱلۡيَتَٰمَىٰ", AnalysisSide::Document) == skeleton("اليتامى", AnalysisSide::Query));
}
