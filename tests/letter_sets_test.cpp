// The snippeter's word filter (common/search/letter_sets.hpp): a word of a hit is analyzed only
// if it has the letters and the letter pairs of some query key. It must never turn away a word
// whose exact form, stem or Snowball stem is the key: checked on rows of known hard cases, on
// every word of the test fixtures, and (FAHRAS_VOCABULARY=file) on every word of a whole corpus.
#include "common/analysis/analyzer.hpp"
#include "common/analysis/word_scan.hpp"
#include "common/search/letter_sets.hpp"

#include <catch2/catch.hpp>

#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace fahras;

namespace {

// A word's letters and pairs, as the snippeter works them out.
struct Sets {
    letter_sets::WordLetters scanned;
    std::uint64_t pairs = 0;
    [[nodiscard]] bool special() const noexcept { return scanned.special(); }
    [[nodiscard]] std::uint64_t letters() const noexcept { return scanned.letters(); }
};
struct Word {
    std::string text;
    Sets sets;
};

// The words of `text` with their sets, as the snippeter's scan finds them.
std::vector<Word> scan(std::string_view text) {
    struct Sink {
        std::string_view text;
        std::vector<Word>& out;
        letter_sets::WordLetters letters{};
        void start() noexcept { letters.start(); }
        void add(std::uint32_t cp) noexcept { letters.add(cp); }
        void word(std::uint32_t begin, std::uint32_t end, std::uint32_t) {
            const std::string_view w = text.substr(begin, end - begin);
            out.push_back({std::string(w), Sets{letters, letters.special() ? 0 : letter_sets::word_pairs(w)}});
        }
    };
    std::vector<Word> out;
    Sink sink{text, out};
    detail::scan_words(text, 0, sink);
    return out;
}

bool within(const Sets& w, std::uint64_t letters, std::uint64_t pairs) {
    return (letters & ~w.letters()) == 0 && (pairs & ~w.pairs) == 0;
}

const std::uint64_t kAlef = letter_sets::letters_of("\u0627");

// What the snippeter requires of a word for each kind of key (snippet.cpp's constructor).
bool passes_as_stem(const Sets& w, std::string_view stem) {
    return within(w, letter_sets::letters_of(stem) & ~kAlef, letter_sets::pairs_of(stem, true));
}
bool passes_as_exact(const Sets& w, std::string_view exact) {
    return within(w, letter_sets::letters_of(exact), letter_sets::pairs_of(exact, false));
}

// Every ordinary (not special) word of `text` passes for its own exact form, stem and Snowball
// stem. Returns the number of distinct words checked.
std::size_t check_words(const Analyzer& analyzer, std::string_view text) {
    std::set<std::string> seen;
    std::size_t failures = 0;
    for (const Word& w : scan(text)) {
        if (w.sets.special() || !seen.insert(w.text).second) continue;
        const std::string exact = analyzer.normalize(w.text);
        if (exact.empty()) continue;
        const std::string stem = analyzer.stem(exact);
        const std::string recall = analyzer.recall_stem(exact);
        const bool ok = passes_as_exact(w.sets, exact) && passes_as_stem(w.sets, stem) &&
                        (recall.empty() || passes_as_stem(w.sets, recall));
        if (!ok && ++failures <= 20) {
            CAPTURE(w.text, exact, stem, recall);
            CHECK(ok);
        }
    }
    CHECK(failures == 0);
    return seen.size();
}

} // namespace

TEST_CASE("letter pairs: a word passes for its own forms, row by row", "[snippet][letter_sets]") {
    const Analyzer analyzer;
    // clang-format off
    const auto word = GENERATE(as<std::string>{},
        "والكويت",      // clitics: stem كويت
        "لله", "بالله", // light10 writes the ا of الله
        "تستعد", "يستعد", // Snowball writes ا for تست/يست: استعد
        "2.5", "3,000", // Snowball drops . and , of a number: 25, 3000
        "الشِّعْرَ",      // marks between letters: the letters around them are neighbours
        "كـــتـــاب",     // tatweel too
        "الأَسْعَارُ",      // hamza forms fold: الاسعار
        "مدرسة", "مستشفى", "مسؤول", "رئيس", // ة ى ؤ ئ fold
        "CNN", "Covid19");
    // clang-format on
    CAPTURE(word);
    CHECK(check_words(analyzer, word) == 1);
}

TEST_CASE("letter pairs turn away words that only share letters", "[snippet][letter_sets]") {
    // Each word has every letter of the stem, in another order or apart.
    // clang-format off
    const auto [stem, word] = GENERATE(table<std::string, std::string>({
        {"قطر",  "طريق"},
        {"قطر",  "قرط"},
        {"حرب",  "بحر"},
        {"علم",  "معل"},
        {"سلام", "مسال"},
    }));
    // clang-format on
    const auto words = scan(word);
    REQUIRE(words.size() == 1);
    CAPTURE(stem, word);
    CHECK(within(words[0].sets, letter_sets::letters_of(stem) & ~kAlef, 0));
    CHECK_FALSE(passes_as_stem(words[0].sets, stem));
}

TEST_CASE("letter pairs: every word of the fixtures passes for its own forms", "[snippet][letter_sets]") {
    const Analyzer analyzer;
    std::size_t words = 0;
    for (const char* file : {"mini.jsonl", "search.jsonl"}) {
        std::ifstream in(test::data_path(file));
        std::string line;
        while (std::getline(in, line)) {
            const auto doc = nlohmann::json::parse(line);
            words += check_words(analyzer, doc.value("title", "") + "\n" + doc.value("body", ""));
        }
    }
    CHECK(words > 200);
}

// Hidden (run by name): FAHRAS_VOCABULARY=<a text file, e.g. the ANT news JSONL or the Quran>.
TEST_CASE("letter pairs: every word of a corpus passes for its own forms", "[.][letter_sets_corpus]") {
    const char* path = std::getenv("FAHRAS_VOCABULARY");
    REQUIRE(path != nullptr);
    std::ifstream in(path);
    REQUIRE(in);
    const Analyzer analyzer;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t words = check_words(analyzer, text);
    WARN("distinct ordinary words checked: " << words);
}
