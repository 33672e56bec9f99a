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

// tokenize() decodes and classifies one- and two-byte characters from a table built from the
// classifier; the reference decodes every character with ICU and classifies it on the spot.
// Every such character, and every byte pair a two-byte lead could start (ill-formed ones
// included), in the contexts that decide a token's bounds: after a letter, after a digit (the
// number separators look ahead), before a letter and a digit, and at the end of the text.
TEST_CASE("tokenizer: the fast path gives the tokens of the reference decoder", "[tokenizer][parity]") {
    auto same = [](const std::string& text) {
        std::vector<Token> fast;
        std::vector<Token> reference;
        const auto next_fast = tokenize(text, fast, 3);
        const auto next_reference = detail::tokenize_reference(text, reference, 3);
        bool ok = next_fast == next_reference && fast.size() == reference.size();
        for (std::size_t i = 0; ok && i < fast.size(); ++i) {
            ok = fast[i].begin == reference[i].begin && fast[i].end == reference[i].end &&
                 fast[i].position == reference[i].position;
        }
        return ok;
    };
    std::size_t checked = 0;
    std::size_t differ = 0;
    auto check = [&](const std::string& middle) {
        for (const char* before : {"", "كتب", "٣", "3", "ب٣"}) {
            for (const char* after : {"", "ب", "٥", "5", " ", ".5"}) {
                const std::string text = before + middle + after;
                ++checked;
                if (!same(text)) {
                    ++differ;
                    UNSCOPED_INFO("differs: " << text);
                }
            }
        }
    };
    for (char32_t c = 0; c < 0x800; ++c) {
        std::string s;
        if (c < 0x80) {
            s += static_cast<char>(c);
        } else {
            s += static_cast<char>(0xC0 | (c >> 6));
            s += static_cast<char>(0x80 | (c & 0x3F));
        }
        check(s);
        check(s + s);
    }
    for (int lead = 0x80; lead <= 0xFF; ++lead) {
        check(std::string(1, static_cast<char>(lead)));
        for (int second = 0; second <= 0xFF; ++second) {
            check(std::string{static_cast<char>(lead), static_cast<char>(second)});
        }
    }
    // Real text: diacritized Quran, news with numbers, Latin and URLs, the fixtures.
    check("بِسۡمِ ٱللَّهِ ٱلرَّحۡمَٰنِ ٱلرَّحِيمِ ۝ ٱلۡحَمۡدُ لِلَّهِ رَبِّ ٱلۡعَٰلَمِينَ");
    check("ارتفعت الأسعار ٣٫٥ في المئة (3,000 دينار) حسب https://www.aljazeera.net/news و«الـCNN».");
    check("Ελληνικά Русский עברית Ünïcödé ﻻ ﷲ ｆｕｌｌ 😀 ۱۴۰۳");
    CHECK(differ == 0);
    CHECK(checked > 1'000'000);
}
