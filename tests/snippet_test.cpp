#include "common/output/printer.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/snippet.hpp"

#include <catch2/catch.hpp>

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
