#include "common/output/printer.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/snippet.hpp"

#include <catch2/catch.hpp>

#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

using namespace fahras;

namespace {

std::string marked(const Snippet& s) {
    std::ostringstream out;
    write_highlighted(out, s, "[", "]");
    return out.str();
}

} // namespace

TEST_CASE("snippets highlight whole original words, diacritics and clitics included", "[snippet]") {
    const Analyzer analyzer;
    const Snippeter snippeter(analyzer, parse_query("الشراكة", analyzer).highlight);
    const std::string body = "وَقَّعَ البَلَدانِ اليَوْمَ اتِّفاقِيَّةَ الشَّراكَةِ الإِسْتِراتِيجِيَّةِ.";
    CHECK(marked(snippeter.make(body, 500)) == "وَقَّعَ البَلَدانِ اليَوْمَ اتِّفاقِيَّةَ [الشَّراكَةِ] الإِسْتِراتِيجِيَّةِ.");
}

TEST_CASE("a phrase is highlighted as one unit", "[snippet]") {
    const Analyzer analyzer;
    const Snippeter snippeter(analyzer, parse_query("\"اتفاقية الشراكة\"", analyzer).highlight);
    CHECK(marked(snippeter.make("وقع البلدان اتفاقية الشراكة اليوم", 500)) == "وقع البلدان [اتفاقية الشراكة] اليوم");
}

TEST_CASE("long text is cut at word boundaries with an ellipsis", "[snippet]") {
    const Analyzer analyzer;
    const Snippeter snippeter(analyzer, parse_query("الطاقة", analyzer).highlight);
    std::string body;
    for (int i = 0; i < 40; ++i) body += "كلام عام عن الأخبار. ";
    body += "ومنها مجال الطاقة الذرية وغيرها. ";
    for (int i = 0; i < 40; ++i) body += "كلام عام عن الأخبار. ";
    const Snippet s = snippeter.make(body, 120);
    CHECK(s.text.rfind(kEllipsis, 0) == 0);                               // cut at the start
    CHECK(s.text.size() <= 120 + 2 * kEllipsis.size() + 4);
    REQUIRE(s.highlights.size() == 1);
    CHECK(s.text.substr(s.highlights[0].start, s.highlights[0].end - s.highlights[0].start) == "الطاقة");
    // The window starts at the sentence that holds the match.
    CHECK(s.text.find("ومنها") == kEllipsis.size());
}

namespace {

std::string snippet_for(const std::string& query, const std::string& body, std::size_t size = 500) {
    const Analyzer analyzer;
    const Snippeter snippeter(analyzer, parse_query(query, analyzer).highlight);
    return marked(snippeter.make(body, size));
}

} // namespace

TEST_CASE("snippet highlights: one row per rule", "[snippet]") {
    // clang-format off
    const auto [query, body, expected] = GENERATE(table<std::string, std::string, std::string>({
        // clitics: و + ال, ب + ال, ل + ل, attached pronoun suffix
        {"الكويت",   "وقعت قطر والكويت اتفاقية",                  "وقعت قطر [والكويت] اتفاقية"},
        {"الطاقة",   "يعمل بالطاقة الشمسية",                      "يعمل [بالطاقة] الشمسية"},
        {"الاستثمار", "جهاز قطر للاستثمار في الخارج",              "جهاز قطر [للاستثمار] في الخارج"},
        // diacritics and hamza forms in the original, plain query
        {"الشعر",    "إِنَّ الشِّعْرَ العَرَبِيَّ بَاقٍ",               "إِنَّ [الشِّعْرَ] العَرَبِيَّ بَاقٍ"},
        {"الاسعار",  "ارتفعت الأَسْعَارُ اليوم",                    "ارتفعت [الأَسْعَارُ] اليوم"},
        {"ايران",    "زيارة إلى إيران",                            "زيارة إلى [إيران]"},
        // tatweel inside the word stays inside the highlight
        {"كتاب",     "هذا كـــتـــاب جديد",                        "هذا [كـــتـــاب] جديد"},
        // a diacritized query, plain text
        {"الشِّعْرُ", "الشعر العربي",                              "[الشعر] العربي"},
        // a phrase is one unit; its words alone are not highlighted
        {"\"كأس العالم\"", "كأس الخليج ثم كأس العالم في العالم", "كأس الخليج ثم [كأس العالم] في العالم"},
        // =word: only that exact form
        {"=الكويت",  "الكويت والكويت",                             "[الكويت] والكويت"},
        // prefix*: every word starting with it (exact form or stem)
        {"برمج*",    "البرمجيات الحرة وبرمجيات أخرى",               "[البرمجيات] الحرة [وبرمجيات] أخرى"},
        // excluded words are not highlighted
        {"قطر -الكويت", "قطر والكويت",                             "[قطر] والكويت"},
        // the default analyzer keeps stop words: في is searched, so it is highlighted
        {"الحرة في الجامعات", "البرمجيات الحرة في الجامعات",       "البرمجيات [الحرة] [في] [الجامعات]"},
        // Latin words and digits, any case
        {"cnn 2022", "المنامة (CNN) حتى العام 2022",               "المنامة ([CNN]) حتى العام [2022]"},
        // a stem with no letter but ا: its letter set less ا is empty, so every token is looked at
        {"ا",        "حرف ا ثم ب ثم آ",                            "حرف [ا] ثم ب ثم [آ]"},
        // a query of rare and of common letters (the filter index keys each set by its rarest)
        {"ظل الامل", "في ظل الأمل والآمال والظلال",                "في [ظل] [الأمل] والآمال والظلال"},
    }));
    // clang-format on
    CAPTURE(query);
    CHECK(snippet_for(query, body) == expected);
}

TEST_CASE("snippets at the start and at the end of a body", "[snippet]") {
    std::string filler;
    for (int i = 0; i < 30; ++i) filler += " كلام عام عن الأخبار";
    // A match in the first word: no leading ellipsis, cut at the end.
    const std::string start = snippet_for("قطر", "قطر تفوز" + filler + ".", 60);
    CHECK(start.rfind("[قطر] تفوز", 0) == 0);
    CHECK(start.size() > kEllipsis.size());
    CHECK(start.substr(start.size() - kEllipsis.size()) == kEllipsis);
    // A match in the last word: leading ellipsis, the final full stop kept, no trailing one.
    const std::string end = snippet_for("الكويت", "بداية" + filler + ". وفازت الكويت.", 60);
    CHECK(end.rfind(kEllipsis, 0) == 0);
    CHECK(end.substr(end.size() - std::string("[الكويت].").size()) == "[الكويت].");
    // The window starts at the sentence of the match ("وفازت"), not in the middle of the filler.
    CHECK(end.find("وفازت") == kEllipsis.size());
}

TEST_CASE("snippets prefer the window with more distinct query words", "[snippet]") {
    std::string filler;
    for (int i = 0; i < 20; ++i) filler += " كلام عام عن الأخبار.";
    const std::string body = "قطر وحدها" + filler + " قطر والكويت معا." + filler;
    const std::string s = snippet_for("قطر الكويت", body, 80);
    CHECK(s.find("[قطر] [والكويت]") != std::string::npos);
}

TEST_CASE("snippet size: --snippet-size bounds the text, lines become one", "[snippet]") {
    std::string body;
    for (int i = 0; i < 50; ++i) body += "سطر فيه كلام\nعن قطر\tوغيرها ";
    const Analyzer analyzer;
    const Snippeter snippeter(analyzer, parse_query("قطر", analyzer).highlight);
    for (const std::size_t size : {16, 40, 100, 240, 1000}) {
        const Snippet s = snippeter.make(body, size);
        CAPTURE(size);
        CHECK(s.text.size() <= size + 2 * kEllipsis.size());
        CHECK(s.text.find_first_of("\n\t\r") == std::string::npos);
        for (const Highlight& h : s.highlights) CHECK(s.text.substr(h.start, h.end - h.start) == "قطر");
    }
}

TEST_CASE("snippets of empty or match-less text", "[snippet]") {
    CHECK(snippet_for("قطر", "") == "");
    CHECK(snippet_for("قطر", "...!!") == "");
    CHECK(snippet_for("قطر", "لا شيء هنا") == "لا شيء هنا");
}

TEST_CASE("title highlighting covers the whole title", "[snippet]") {
    const Analyzer analyzer;
    const Snippeter snippeter(analyzer, parse_query("اتفاقية الكويت", analyzer).highlight);
    CHECK(marked(snippeter.highlight_all("اتفاقية تجارية بين قطر والكويت")) == "[اتفاقية] تجارية بين قطر [والكويت]");
}

// Parity: the snippeter's fast path (tokens filtered by letter sets before normalizing) must
// mark exactly the tokens whose analyzed stem is the query's, for every word of the fixtures.
TEST_CASE("snippet matching agrees with Analyzer::analyze on every fixture word", "[snippet][parity]") {
    const Analyzer analyzer;
    for (const char* file : {"mini.jsonl", "search.jsonl"}) {
        std::ifstream in(test::data_path(file));
        std::string line;
        while (std::getline(in, line)) {
            const auto doc = nlohmann::json::parse(line);
            const std::string text = doc.value("title", "") + "\n" + doc.value("body", "");
            std::vector<AnalyzedToken> tokens;
            analyzer.analyze(text, tokens);
            std::set<std::string> stems;
            for (const auto& t : tokens) stems.insert(t.stem);
            for (const std::string& stem : stems) {
                HighlightTerms terms;
                terms.stems.insert(stem);
                const Snippet s = Snippeter(analyzer, terms).highlight_all(text);
                std::vector<Highlight> expected;
                for (const auto& t : tokens) {
                    if (t.stem == stem) expected.push_back({t.token.begin, t.token.end});
                }
                CAPTURE(file, stem);
                CHECK(s.highlights == expected);
            }
        }
    }
}

// The same for the Snowball recall stream: a word found only through its Snowball stem is
// marked exactly where the analyzer gives that stem, although the snippeter skips the stemmer
// for words lacking the stem's letters (less ا, which Snowball writes in تستعد → استعد).
TEST_CASE("recall-stem matching agrees with Analyzer::analyze on every fixture word", "[snippet][parity]") {
    const Analyzer analyzer;
    REQUIRE(analyzer.has_recall_stems());
    std::string text = "تستعد يستعد استعدادا";
    for (const char* file : {"mini.jsonl", "search.jsonl"}) {
        std::ifstream in(test::data_path(file));
        std::string line;
        while (std::getline(in, line)) {
            const auto doc = nlohmann::json::parse(line);
            text += "\n" + doc.value("title", "") + "\n" + doc.value("body", "");
        }
    }
    std::vector<AnalyzedToken> tokens;
    analyzer.analyze(text, tokens);
    std::set<std::string> recalls;
    for (const auto& t : tokens) recalls.insert(t.recall_stem);
    recalls.erase("");
    REQUIRE(recalls.size() > 100);
    for (const std::string& recall : recalls) {
        HighlightTerms terms;
        terms.recall_stems.emplace(recall, "\x01"); // a stem no word has: only the recall stream matches
        const Snippet s = Snippeter(analyzer, terms).highlight_all(text);
        std::vector<Highlight> expected;
        for (const auto& t : tokens) {
            if (t.recall_stem == recall) expected.push_back({t.token.begin, t.token.end});
        }
        CAPTURE(recall);
        CHECK(s.highlights == expected);
    }
}

TEST_CASE("two windows when one cannot show every query word", "[snippet]") {
    std::string filler;
    for (int i = 0; i < 20; ++i) filler += " كلام عام عن الأخبار.";
    const std::string body = "فازت الكويت أمس." + filler + " وخسرت قطر اليوم.";
    const std::string s = snippet_for("قطر الكويت", body, 120);
    CAPTURE(s);
    CHECK(s.find("[الكويت] أمس.") != std::string::npos);
    CHECK(s.find("[الكويت]") < s.find("[قطر]")); // in text order
    CHECK(s.find(std::string(kEllipsis) + " ") != std::string::npos);
    CHECK(s.find("وخسرت [قطر] اليوم.") != std::string::npos);
    CHECK(s.size() <= 120 + 2 * kEllipsis.size() + 2 + 8); // (8: the two brackets of each highlight)
    // With one query word, one window.
    const std::string one = snippet_for("قطر", body, 120);
    CHECK(one.find(std::string(kEllipsis) + " ") == std::string::npos);
}

// One Snippeter serves every hit of a query, and remembers what each distinct original word
// matched (snippet.hpp, Snippeter::Memo). What it shows for a text must not depend on the texts
// it saw before: the same snippets, hit after hit, as a fresh Snippeter gives for each.
TEST_CASE("a snippeter gives each hit the snippet a fresh one gives", "[snippet]") {
    const Analyzer analyzer;
    std::string filler;
    for (int i = 0; i < 25; ++i) filler += " كلام عام عن الأخبار.";
    const std::vector<std::string> bodies = {
        // diacritized originals, clitics, the match in the first and in the last word
        "وَالشَّرَاكَةُ بَيْنَ قَطَرَ وَالْكُوَيْتِ" + filler,
        "بداية" + filler + " ووقعت قطر اتفاقية الشراكة مع الكويت.",
        "اتفاقية الشراكة" + filler + " ثم اتفاقية أخرى وشراكة ثالثة بالشراكة.",
        // the same words in other spellings: each a word of its own for the memo
        "الشراكة الشراكه الشَّراكة الشـراكة والشراكة للشراكة اتفاقيه اتفاقيّة",
        "",
        "قطر",
        "نص بلا أي كلمة من كلمات السؤال" + filler,
    };
    for (const std::string query : {"الشراكة قطر الكويت", "\"اتفاقية الشراكة\" قطر", "شراك* =قطر"}) {
        const auto terms = parse_query(query, analyzer).highlight;
        const Snippeter shared(analyzer, terms);
        // As the searcher's threads make them: into the Snippets that held the last hit's.
        Snippet into;
        Snippet title_into;
        for (int pass = 0; pass < 2; ++pass) {
            for (const std::string& body : bodies) {
                CAPTURE(query, body);
                const Snippeter fresh(analyzer, terms);
                const Snippet expected = fresh.make(body, 120);
                const Snippet got = shared.make(body, 120);
                CHECK(got.text == expected.text);
                CHECK(got.highlights == expected.highlights);
                CHECK(marked(shared.highlight_all(body)) == marked(Snippeter(analyzer, terms).highlight_all(body)));
                shared.make(body, 120, into);
                CHECK(into.text == expected.text);
                CHECK(into.highlights == expected.highlights);
                shared.highlight_all(body, title_into);
                CHECK(marked(title_into) == marked(fresh.highlight_all(body)));
            }
        }
    }
    // The phrase, in a diacritized original, at the start and at the end of a body.
    const Snippeter phrase(analyzer, parse_query("\"اتفاقية الشراكة\"", analyzer).highlight);
    CHECK(marked(phrase.highlight_all("اتِّفَاقِيَّةُ الشَّرَاكَةِ وَقَّعَهَا البَلَدَانِ")) == "[اتِّفَاقِيَّةُ الشَّرَاكَةِ] وَقَّعَهَا البَلَدَانِ");
    CHECK(marked(phrase.highlight_all("وقع البلدان اتفاقية الشراكة")) == "وقع البلدان [اتفاقية الشراكة]");
    CHECK(marked(phrase.highlight_all("الشراكة اتفاقية")) == "الشراكة اتفاقية");
}

// The memo is emptied when it has held many words, between two texts: a text with more
// distinct candidate words than it keeps, then others, still match and find their phrases.
TEST_CASE("snippets after the word memo fills", "[snippet]") {
    const Analyzer analyzer;
    const Snippeter snippeter(analyzer, parse_query("\"كأس العالم\" قطر", analyzer).highlight);
    // 20,000 distinct words that hold the letters of قطر (so each one is looked up).
    static constexpr std::string_view kLetters[] = {"ب", "ت", "ث", "ج", "ح", "خ", "د", "ذ", "ز", "س"};
    std::string many;
    for (int i = 0; i < 20000; ++i) {
        many += " قطر";
        for (int n = i; n > 0; n /= 10) many += kLetters[n % 10];
        many += kLetters[0];
    }
    many += " كأس العالم في قطر";
    const std::string last = marked(snippeter.highlight_all(many));
    CHECK(last.substr(last.size() - std::string("[كأس العالم] في [قطر]").size()) == "[كأس العالم] في [قطر]");
    for (int round = 0; round < 3; ++round) {
        CHECK(marked(snippeter.highlight_all("فازت قَطَر بكأس العالم ثم كأس العالم")) == "فازت [قَطَر] بكأس العالم ثم [كأس العالم]");
    }
}

// WordForms (word_forms.hpp) keeps what it learnt of each original word from query to query:
// Snippeters of different queries that share one give what each gives with a WordForms of its
// own, before and after it fills and empties itself (kMaxEntries words).
TEST_CASE("snippeters sharing one WordForms agree with snippeters that do not", "[snippet]") {
    const Analyzer analyzer;
    WordForms shared(analyzer);
    const std::string body =
        "وَقَّعَتْ قَطَرُ وَالْكُوَيْتُ اتِّفَاقِيَّةَ الشَّرَاكَةِ، وقال وزير الطاقة إن الاتفاقية تفتح الباب أمام "
        "الاستثمار المشترك في قطاع الطاقة. واستعدت الشركات للمشاريع الجديدة بالطاقة الشمسية.";
    const std::vector<std::string> queries = {
        "الشراكة قطر الكويت", "الطاقة الشمسية", "\"قطاع الطاقة\" الاستثمار", "يستعد الشركات", "طاق*", "=الطاقة",
    };
    auto check_all = [&] {
        for (const std::string& query : queries) {
            const auto terms = parse_query(query, analyzer).highlight;
            const Snippeter with_shared(analyzer, terms, {}, &shared);
            const Snippeter alone(analyzer, terms);
            CAPTURE(query);
            CHECK(marked(with_shared.make(body, 100)) == marked(alone.make(body, 100)));
            CHECK(marked(with_shared.highlight_all(body)) == marked(alone.highlight_all(body)));
        }
    };
    check_all();
    // More distinct words than it keeps, each with the letters of قطر (so each one is analyzed).
    static constexpr std::string_view kLetters[] = {"ب", "ت", "ث", "ج", "ح", "خ", "د", "ذ", "ز", "س"};
    std::string many;
    for (std::size_t i = 0; i < WordForms::kMaxEntries + 5000; ++i) {
        many += " قطر";
        for (std::size_t n = i; n > 0; n /= 10) many += kLetters[n % 10];
        many += kLetters[0];
    }
    many += " وقطر";
    const Snippeter filler(analyzer, parse_query("قطر", analyzer).highlight, {}, &shared);
    const std::string all = marked(filler.highlight_all(many));
    CHECK(all.substr(all.size() - std::string("[وقطر]").size()) == "[وقطر]");
    CHECK(shared.size() < WordForms::kMaxEntries);
    check_all();
    // A WordForms of another Analyzer is not used (the Snippeter makes its own).
    const Analyzer light(AnalyzerConfig{.stemmer = StemmerKind::Light10});
    const auto terms = parse_query("الطاقة", light).highlight;
    CHECK(marked(Snippeter(light, terms, {}, &shared).make(body, 100)) == marked(Snippeter(light, terms).make(body, 100)));
}

// One Snippeter per thread serves query after query (run_queries keeps it and reset()s it):
// after a reset it must give what a new one gives, whatever the queries before it had (phrases,
// exact forms, prefixes, other words), its memo of what each word matched included.
TEST_CASE("a reset snippeter gives what a new one gives, query after query", "[snippet]") {
    const Analyzer analyzer;
    const std::vector<std::string> bodies = {
        "وَقَّعَ البَلَدانِ اليَوْمَ اتِّفاقِيَّةَ الشَّراكَةِ الإِسْتِراتِيجِيَّةِ. وقالت قطر إن الاتفاقية تشمل الطاقة.",
        "كأس الخليج ثم كأس العالم في العالم، والكويت والبرمجيات الحرة وبرمجيات أخرى في الجامعات.",
        "المنامة (CNN) حتى العام 2022 ارتفعت الأَسْعَارُ في الكويت وقطر.",
    };
    const std::vector<std::string> queries = {
        "اتفاقية الشراكة", "\"كأس العالم\"", "=الكويت", "برمج*", "قطر -الكويت", "cnn 2022", "الاسعار", "اتفاقية الشراكة",
    };
    WordForms forms(analyzer);
    std::optional<Snippeter> reused;
    for (const std::string& query : queries) {
        const ParsedQuery parsed = parse_query(query, analyzer);
        if (!reused) {
            reused.emplace(analyzer, parsed.highlight, HighlightWeights(), &forms);
        } else {
            reused->reset(parsed.highlight);
        }
        const Snippeter fresh(analyzer, parsed.highlight, HighlightWeights(), &forms);
        for (const std::string& body : bodies) {
            CAPTURE(query, body);
            CHECK(marked(reused->make(body, 80)) == marked(fresh.make(body, 80)));
            CHECK(marked(reused->highlight_all(body)) == marked(fresh.highlight_all(body)));
        }
    }
}

// WordForms compares a word of up to Entry::kShortWord bytes in its entry, a longer one at its
// bytes: words of both kinds, words that are prefixes of each other, each found again as itself.
TEST_CASE("word forms: short and long words, each found again as itself", "[snippet]") {
    const Analyzer analyzer;
    WordForms forms(analyzer);
    // clang-format off
    const std::vector<std::string> words = {
        "قطر", "قطري", "قطريين", "وَالشَّرَاكَةِ", "والاستراتيجيات", "والاستراتيجياتوالاستراتيجيات",
        "بالإستراتيجيةِ", "CNN", "cnn", "abcdefghijklmnopqrstuv", "abcdefghijklmnopqrstuvw",
    };
    // clang-format on
    REQUIRE(std::any_of(words.begin(), words.end(), [](const std::string& w) { return w.size() > WordForms::Entry::kShortWord; }));
    for (int round = 0; round < 2; ++round) {
        for (const std::string& w : words) {
            const WordForms::Entry& e = forms.get(w, WordForms::word_hash(w));
            CAPTURE(w);
            CHECK(e.word == w);
            CHECK(e.exact == analyzer.normalize(w));
        }
    }
    CHECK(forms.size() == words.size());
}
