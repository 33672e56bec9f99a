#include "common/analysis/analyzer.hpp"
#include "common/analysis/normalizer.hpp"
#include "common/analysis/stemmer.hpp"
#include "common/analysis/tokenizer.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

using namespace fahras;

TEST_CASE("normalizer applies each folding rule", "[normalizer]") {
    // One row per rule: original, normalized.
    auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"كَتَبَ", "كتب"},                        // harakat dropped
        {"ٱلرَّحۡمَٰنِ", "الرحمن"},                 // alef wasla, sukun, superscript alef
        {"ٱلۡحَمۡدُ", "الحمد"},                     // Quranic small high sukun U+06E1
        {"كـــتـــاب", "كتاب"},                    // tatweel
        {"إيران", "ايران"},                        // alef with hamza below
        {"أحمد", "احمد"},                          // alef with hamza above
        {"آمن", "امن"},                            // alef madda
        {"مؤتمر", "موتمر"},                        // waw with hamza
        {"رئيس", "رييس"},                          // yeh with hamza
        {"مستشفى", "مستشفي"},                      // alef maksura
        {"اتفاقية", "اتفاقيه"},                    // teh marbuta
        {"٢٠٢٤", "2024"},                          // Arabic-Indic digits
        {"۱۴۰۳", "1403"},                          // Eastern Arabic-Indic digits
        {"Xapian", "xapian"},                      // Latin case folding
        {"\xEF\xBB\xBB", "لا"},                    // lam-alef ligature U+FEFB → two letters
        {"ک\xD9\x8E", "ك"},                        // keheh → kaf, fatha dropped
        {"مر\xE2\x80\x8Cحبا", "مرحبا"},            // ZWNJ inside a word dropped
        {"\xE2\x80\x8Fسلام", "سلام"},             // RLM dropped
        {"رَبِّ", "رب"},                            // shadda before kasra
        {"رِّب", "رب"},                             // marks in either order
    }));
    CAPTURE(input);
    CHECK(normalize(input) == expected);
}

TEST_CASE("normalizer drops invalid UTF-8 instead of crashing", "[normalizer]") {
    CHECK(normalize("\xD8") == "");
    CHECK(normalize("كت\xFF\xFEب") == "كتب");
}

TEST_CASE("tokenizer keeps marks inside words and spans point into the original", "[tokenizer]") {
    const std::string text = "بِسۡمِ ٱللَّهِ، وَالْكِتَابُ؟ 3.5 ٣٫٥";
    std::vector<Token> tokens;
    tokenize(text, tokens);
    std::vector<std::string> words;
    for (const auto& t : tokens) words.emplace_back(t.view(text));
    CHECK(words == std::vector<std::string>{"بِسۡمِ", "ٱللَّهِ", "وَالْكِتَابُ", "3.5", "٣٫٥"});
    CHECK(tokens[2].position == 2);
}

TEST_CASE("tokenizer: a lone combining mark is not a word", "[tokenizer]") {
    std::vector<Token> tokens;
    tokenize("\xD9\x8E \xD9\x91 كتب", tokens);
    REQUIRE(tokens.size() == 1);
    CHECK(tokens[0].position == 0);
}

TEST_CASE("light10 stemmer strips listed prefixes and suffixes with length guards", "[stemmer]") {
    const LightStemmer stemmer;
    auto [word, stem] = GENERATE(table<std::string, std::string>({
        {"الكتاب", "كتاب"},   // ال
        {"والكتاب", "كتاب"},  // وال
        {"بالكتاب", "كتاب"},  // بال
        {"للكتاب", "كتاب"},   // لل
        {"وكتاب", "كتاب"},    // و with enough letters left
        {"ورد", "ورد"},        // و guard: would leave 2 letters
        {"كتابها", "كتاب"},   // ها
        {"مسلمات", "مسلم"},   // ات
        {"مسلمون", "مسلم"},   // ون
        {"اتفاقيه", "اتفاق"}, // يه (ية after normalization)
        {"الف", "الف"},        // ال guard: would leave 1 letter
    }));
    CAPTURE(word);
    CHECK(stemmer.stem(word) == stem);
}

TEST_CASE("analyzer: diacritized, hamza and plain spellings give the same terms", "[analyzer]") {
    const Analyzer analyzer;
    auto terms = [&](const std::string& text) {
        std::vector<AnalyzedToken> out;
        analyzer.analyze(text, out);
        std::vector<std::pair<std::string, std::string>> t;
        for (const auto& a : out) t.emplace_back(a.exact, a.stem);
        return t;
    };
    CHECK(terms("اتِّفاقِيَّةَ الشَّراكَةِ") == terms("اتفاقيه الشراكه"));
    CHECK(terms("الإستراتيجية") == terms("الاستراتيجية"));
    CHECK(terms("ٱللَّهِ") == terms("الله"));
}

TEST_CASE("analyzer settings round-trip through database metadata", "[analyzer]") {
    AnalyzerConfig config;
    config.stemmer = StemmerKind::Snowball;
    CHECK(config.to_metadata() == "v4;stemmer=snowball;stopwords=none");
    config.stopwords = true;
    CHECK(config.to_metadata() == "v4;stemmer=snowball;stopwords=default");
    CHECK(AnalyzerConfig::from_metadata(config.to_metadata()) == config);
    CHECK_THROWS(AnalyzerConfig::from_metadata("stemmer=light10"));
    CHECK_THROWS(AnalyzerConfig::from_metadata("v1;stemmer=porter"));
}

TEST_CASE("synonym groups are stemmed with the analyzer and are symmetric", "[synonyms]") {
    const Analyzer analyzer;
    auto stem = [&](const std::string& word) {
        std::vector<AnalyzedToken> t;
        analyzer.analyze(word, t);
        return t.at(0).stem;
    };
    auto [word, synonym] = GENERATE(table<std::string, std::string>({
        {"اتفاقية", "معاهدة"},
        {"المعاهدة", "الاتفاقية"}, // clitics and teh marbuta do not matter: stems are compared
        {"أمريكا", "أميركا"},
        {"التلفزيون", "التلفاز"},
    }));
    CAPTURE(word, synonym);
    const auto& of_word = analyzer.synonyms(stem(word));
    CHECK(std::find(of_word.begin(), of_word.end(), stem(synonym)) != of_word.end());
    const auto& of_synonym = analyzer.synonyms(stem(synonym));
    CHECK(std::find(of_synonym.begin(), of_synonym.end(), stem(word)) != of_synonym.end());
    CHECK(analyzer.synonyms(stem("الشراكة")).empty());
}
