// The tokenizer: word spans into the original text, on real Arabic text.

#include "common/analysis/tokenizer.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace fahras;

namespace {

std::vector<std::string> words(const std::string& text) {
    std::vector<Token> tokens;
    tokenize(text, tokens);
    std::vector<std::string> out;
    for (const auto& t : tokens) out.emplace_back(t.view(text));
    return out;
}

using Words = std::vector<std::string>;

} // namespace

TEST_CASE("tokenizer: separators and what stays inside a word", "[tokenizer]") {
    auto [text, expected] = GENERATE(table<std::string, Words>({
        {"قال، ثم مضى؛ لماذا؟ انتهى۔ حسنا", {"قال", "ثم", "مضى", "لماذا", "انتهى", "حسنا"}}, // ، ؛ ؟ ۔
        {"بِسۡمِ ٱللَّهِ", {"بِسۡمِ", "ٱللَّهِ"}},                                 // marks never split
        {"كـــتـــاب جميل", {"كـــتـــاب", "جميل"}},                                // tatweel joins
        {"مر\xE2\x80\x8Cحبا", {"مر\xE2\x80\x8Cحبا"}},                             // ZWNJ joins
        {"نسبة ٣٫٥ في المئة و١٬٠٠٠ دينار", {"نسبة", "٣٫٥", "في", "المئة", "و١٬٠٠٠", "دينار"}}, // ٫ ٬
        {"3.5 و 3,000.", {"3.5", "و", "3,000"}},                                  // ASCII separators
        {"ربح ٫ خسارة", {"ربح", "خسارة"}},                                        // ٫ outside a number
        {"الـCNN وبـ2018 وmp3", {"الـCNN", "وبـ2018", "وmp3"}},                   // mixed tokens
        {"https://www.aljazeera.net/news?id=5", {"https", "www", "aljazeera", "net", "news", "id", "5"}},
        {"info@bbc.co.uk", {"info", "bbc", "co", "uk"}},                         // e-mail
        {"رَبِّ ٱلۡعَٰلَمِينَ ۝ ٱلرَّحۡمَٰنِ", {"رَبِّ", "ٱلۡعَٰلَمِينَ", "ٱلرَّحۡمَٰنِ"}},  // end-of-ayah sign
        {"\xD9\x8E \xD9\x91 كتب", {"كتب"}},                                     // lone marks are not words
        {"كتب\xFFقرأ", {"كتب", "قرأ"}},                                           // invalid byte separates
    }));
    CAPTURE(text);
    CHECK(words(text) == expected);
}

TEST_CASE("tokenizer: byte spans point into the original and positions count words", "[tokenizer]") {
    const std::string text = "وَالْكِتَابُ، الجديد";
    std::vector<Token> tokens;
    const std::uint32_t next = tokenize(text, tokens, 7);
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[0].begin == 0);
    CHECK(tokens[0].end == std::string("وَالْكِتَابُ").size());
    CHECK(tokens[1].begin == text.find("الجديد"));
    CHECK(tokens[1].end == text.size());
    CHECK(tokens[0].position == 7);
    CHECK(tokens[1].position == 8);
    CHECK(next == 9);
}

TEST_CASE("tokenizer: words longer than kMaxWordBytes are skipped", "[tokenizer]") {
    std::string longest;
    while (longest.size() < kMaxWordBytes) longest += "ب"; // 2 bytes a letter: exactly 200
    const std::string too_long = longest + "ب";
    CHECK(words(longest + " كتب") == Words{longest, "كتب"});
    std::vector<Token> tokens;
    tokenize(too_long + " كتب", tokens);
    REQUIRE(tokens.size() == 1);
    CHECK(tokens[0].position == 0);
}
