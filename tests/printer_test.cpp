// Printers: exact bytes pinned by golden files (tests/data/golden/), JSON parsed back field by
// field, and the terminal rules for right-to-left text (escape codes only between words).
//
// To regenerate the golden files after an intended change of format:
//   FAHRAS_UPDATE_GOLDEN=1 build/release/bin/fahras_tests '[printer]'   (then review the diff)

#include "common/output/printer.hpp"
#include "common/output/style.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/snippet.hpp"
#include "common/util/utf8.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

using namespace fahras;

namespace {

struct Sample {
    QueryInfo query{"q1", "قطر الكويت", {}};
    QueryInfo bad{"q2", "-قطر", {}};
    std::vector<Hit> hits;
    std::vector<std::pair<Snippet, Snippet>> snippets; // title, body
    Results results;
};

// Two hits of the query قطر الكويت: one with every optional field, one with none (no title,
// date, source, category or url).
Sample sample() {
    Sample s;
    const Analyzer analyzer;
    const Snippeter snippeter(analyzer, parse_query(s.query.text, analyzer).highlight);
    Hit a;
    a.rank = 1;
    a.docid = 3;
    a.score = 12.5;
    a.doc.id = "s03";
    a.doc.title = "اتفاقية تجارية بين قطر والكويت";
    a.doc.body = "وَقَّعَتْ قطر والكويت اتفاقية تجارية لتعزيز الاستثمار المشترك في قطاع الطاقة، وقال مسؤولون إن الاتفاقية تفتح الباب أمام مشاريع جديدة.";
    a.doc.date = "2018-03-02";
    a.doc.source = "test/alpha";
    a.doc.category = "economy";
    a.doc.url = "https://example.org/s03";
    Hit b;
    b.rank = 2;
    b.docid = 9;
    b.score = 3.25;
    b.doc.id = "s09";
    b.doc.body = "مباراة ودية بين منتخبي الكويت وقطر";
    for (const Hit* h : {&a, &b}) {
        s.snippets.emplace_back(snippeter.highlight_all(h->doc.title), snippeter.make(h->doc.body, 80));
    }
    s.hits = {a, b};
    s.results.estimated = 2;
    s.results.hits = s.hits;
    return s;
}

std::string print(Printer& printer, std::ostringstream& out) {
    const Sample s = sample();
    printer.begin(s.query);
    for (std::size_t i = 0; i < s.hits.size(); ++i) printer.hit(s.query, s.hits[i], s.snippets[i].first, s.snippets[i].second);
    printer.end(s.query, s.results, 1.5);
    printer.error(s.bad, "query has only exclusions; add a word to search for");
    printer.finish(RunSummary{.queries = 2, .queries_with_hits = 1, .hits = 2, .errors = 1, .elapsed_ms = 2.25});
    return out.str();
}

// As print(), the hits made ahead (Printer::prepare_hit(), on another thread, as the pool's
// threads make them) and printed by hit_prepared().
std::string print_prepared(Printer& printer, std::ostringstream& out) {
    const Sample s = sample();
    std::vector<std::string> prepared(s.hits.size());
    std::thread other([&] {
        for (std::size_t i = 0; i < s.hits.size(); ++i) prepared[i] = printer.prepare_hit(s.query, s.hits[i], s.snippets[i].first, s.snippets[i].second);
    });
    other.join();
    CHECK(out.str().empty()); // making a hit ahead prints nothing
    printer.begin(s.query);
    for (std::size_t i = 0; i < s.hits.size(); ++i) printer.hit_prepared(s.query, s.hits[i], s.snippets[i].first, s.snippets[i].second, prepared[i]);
    printer.end(s.query, s.results, 1.5);
    printer.error(s.bad, "query has only exclusions; add a word to search for");
    printer.finish(RunSummary{.queries = 2, .queries_with_hits = 1, .hits = 2, .errors = 1, .elapsed_ms = 2.25});
    return out.str();
}

void check_golden(const std::string& name, const std::string& actual) {
    const std::string path = test::data_path("golden/" + name);
    if (const char* update = std::getenv("FAHRAS_UPDATE_GOLDEN"); update != nullptr && *update == '1') {
        std::ofstream(path, std::ios::binary) << actual;
    }
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    const std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CAPTURE(path);
    CHECK(actual == expected);
}

} // namespace

TEST_CASE("printer golden files: text, text with colour, batch headings, JSON Lines, TREC", "[printer]") {
    {
        std::ostringstream out;
        auto p = make_text_printer(out, {.color = false, .headings = false});
        check_golden("text.txt", print(*p, out));
    }
    {
        std::ostringstream out;
        auto p = make_text_printer(out, {.color = true, .headings = false});
        check_golden("text-color.txt", print(*p, out));
    }
    {
        std::ostringstream out;
        auto p = make_text_printer(out, {.color = false, .headings = true});
        check_golden("text-batch.txt", print(*p, out));
    }
    {
        std::ostringstream out;
        auto p = make_json_printer(out);
        check_golden("json.jsonl", print(*p, out));
    }
    {
        std::ostringstream out;
        auto p = make_trec_printer(out);
        check_golden("trec.txt", print(*p, out));
    }
}

TEST_CASE("hits made ahead on another thread print the same bytes as hits printed in place", "[printer]") {
    auto same = [](auto make) {
        std::ostringstream a;
        std::ostringstream b;
        auto pa = make(a);
        auto pb = make(b);
        const std::string in_place = print(*pa, a);
        CHECK(print_prepared(*pb, b) == in_place);
        return in_place;
    };
    // JSON makes its hit lines ahead; text and TREC print in place (prepare_hit() is empty).
    const Sample s = sample();
    std::ostringstream sink;
    CHECK_FALSE(make_json_printer(sink)->prepare_hit(s.query, s.hits[0], s.snippets[0].first, s.snippets[0].second).empty());
    CHECK(make_trec_printer(sink)->prepare_hit(s.query, s.hits[0], s.snippets[0].first, s.snippets[0].second).empty());
    {
        // Made into the string that held another hit's line (the pool's threads reuse theirs):
        // the same line as made afresh; a printer that makes nothing ahead empties it.
        const auto json = make_json_printer(sink);
        std::string into = json->prepare_hit(s.query, s.hits[1], s.snippets[1].first, s.snippets[1].second);
        json->prepare_hit(s.query, s.hits[0], s.snippets[0].first, s.snippets[0].second, into);
        CHECK(into == json->prepare_hit(s.query, s.hits[0], s.snippets[0].first, s.snippets[0].second));
        make_trec_printer(sink)->prepare_hit(s.query, s.hits[0], s.snippets[0].first, s.snippets[0].second, into);
        CHECK(into.empty());
    }
    check_golden("json.jsonl", same([](std::ostringstream& o) { return make_json_printer(o); }));
    check_golden("text-color.txt", same([](std::ostringstream& o) { return make_text_printer(o, {.color = true, .headings = false}); }));
    check_golden("trec.txt", same([](std::ostringstream& o) { return make_trec_printer(o); }));
    // JSON with a TREC run beside it (--run): the JSON made ahead, the TREC lines in place.
    auto tee = [](std::ostringstream& json, std::ostringstream& run) {
        std::vector<std::unique_ptr<Printer>> both;
        both.push_back(make_json_printer(json));
        both.push_back(make_trec_printer(run));
        return make_tee_printer(std::move(both));
    };
    std::ostringstream json_a;
    std::ostringstream run_a;
    std::ostringstream json_b;
    std::ostringstream run_b;
    auto ta = tee(json_a, run_a);
    auto tb = tee(json_b, run_b);
    CHECK_FALSE(tb->prepare_hit(s.query, s.hits[0], s.snippets[0].first, s.snippets[0].second).empty());
    check_golden("json.jsonl", print(*ta, json_a));
    check_golden("json.jsonl", print_prepared(*tb, json_b));
    check_golden("trec.txt", run_a.str());
    check_golden("trec.txt", run_b.str());
}

TEST_CASE("JSON Lines: every line is an envelope, highlights are byte offsets of whole words", "[printer][json]") {
    std::ostringstream out;
    auto p = make_json_printer(out);
    std::istringstream lines(print(*p, out));
    std::string line;
    std::vector<std::string> types;
    while (std::getline(lines, line)) {
        const auto j = nlohmann::json::parse(line);
        REQUIRE(j.contains("type"));
        REQUIRE(j.contains("data"));
        types.push_back(j["type"]);
        if (j["type"] != "hit") continue;
        const auto& d = j["data"];
        for (const char* key : {"qid", "rank", "docid", "id", "score", "title", "snippet"}) CHECK(d.contains(key));
        for (const char* key : {"title", "snippet"}) {
            const std::string text = d[key]["text"];
            for (const auto& h : d[key]["highlights"]) {
                const std::size_t start = h["start"], end = h["end"];
                REQUIRE(end <= text.size());
                const std::string word = text.substr(start, end - start);
                CAPTURE(word);
                CHECK((word.find("قطر") != std::string::npos || word.find("الكويت") != std::string::npos ||
                       word.find("لكويت") != std::string::npos));
                // whole words: nothing word-like right before or after
                CHECK((start == 0 || text[start - 1] == ' '));
                CHECK((end == text.size() || text[end] == ' ' || text[end] == ',' || text.compare(end, 2, "\xD8\x8C") == 0));
            }
        }
        if (d["id"] == "s09") {
            for (const char* key : {"date", "source", "category", "url"}) CHECK_FALSE(d.contains(key));
        }
    }
    CHECK(types == std::vector<std::string>{"begin", "hit", "hit", "end", "error", "summary"});
}

namespace {

bool is_word_char(int32_t c) {
    return (c >= 0x0600 && c <= 0x06FF) || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

} // namespace

TEST_CASE("terminal output: escape codes never split an Arabic word, and the text stays in order", "[printer][rtl]") {
    std::ostringstream out;
    auto p = make_text_printer(out, {.color = true, .headings = false});
    const std::string printed = print(*p, out);
    // Remove the escape codes, noting the characters on each side of every one.
    std::string plain;
    std::size_t i = 0;
    while (i < printed.size()) {
        if (printed[i] != '\x1b') {
            plain += printed[i++];
            continue;
        }
        const std::size_t m = printed.find('m', i);
        REQUIRE(m != std::string::npos);
        // the code point before (in the plain text so far) and after (skipping other codes)
        std::size_t back = plain.size();
        while (back > 0 && (static_cast<unsigned char>(plain[back - 1]) & 0xC0) == 0x80) --back;
        std::size_t k = back > 0 ? back - 1 : 0;
        while (k > 0 && (static_cast<unsigned char>(plain[k]) & 0xC0) == 0x80) --k;
        std::size_t bk = k;
        const int32_t before = plain.empty() ? ' ' : utf8::next(plain, bk);
        std::size_t after_at = m + 1;
        while (after_at < printed.size() && printed[after_at] == '\x1b') after_at = printed.find('m', after_at) + 1;
        const int32_t after = after_at < printed.size() ? utf8::next(printed, after_at) : ' ';
        CAPTURE(i);
        CHECK_FALSE((is_word_char(before) && is_word_char(after)));
        i = m + 1;
    }
    // Without its escape codes, every snippet line is the snippet text, byte for byte: the
    // highlighted word is where it was (no reordering, no inserted marks).
    const Sample s = sample();
    for (const auto& [title, body] : s.snippets) {
        if (!title.text.empty()) CHECK(plain.find("   " + title.text + "\n") != std::string::npos);
        CHECK(plain.find("   " + body.text + "\n") != std::string::npos);
    }
}

TEST_CASE("output formats and colour choices are parsed from sorted tables", "[printer]") {
    CHECK(parse_output_format("json") == OutputFormat::Json);
    CHECK(parse_output_format("trec") == OutputFormat::Trec);
    CHECK(parse_output_format("text") == OutputFormat::Text);
    CHECK_THROWS_WITH(parse_output_format("xml"), Catch::Contains("expected one of json|text|trec, got 'xml'"));
    CHECK(use_color(ColorChoice::Always, -1));
    CHECK_FALSE(use_color(ColorChoice::Never, -1));
    CHECK_FALSE(use_color(ColorChoice::Auto, -1)); // not a terminal
}

namespace {

// What the JSON printer wrote when it built nlohmann objects and dumped them: the reference its
// direct writer must match byte for byte.
nlohmann::json reference_snippet(const Snippet& s) {
    nlohmann::json highlights = nlohmann::json::array();
    for (const Highlight& h : s.highlights) highlights.push_back({{"start", h.start}, {"end", h.end}});
    return {{"text", s.text}, {"highlights", std::move(highlights)}};
}

std::string reference_line(const char* type, nlohmann::json data) {
    const nlohmann::json envelope = {{"type", type}, {"data", std::move(data)}};
    return envelope.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string reference_hit(const QueryInfo& q, const Hit& hit, const Snippet& title, const Snippet& body) {
    nlohmann::json data = {
        {"qid", q.qid}, {"rank", hit.rank}, {"docid", hit.docid}, {"id", hit.doc.id}, {"score", hit.score},
        {"title", reference_snippet(title)},
    };
    if (!hit.doc.date.empty()) data["date"] = hit.doc.date;
    if (!hit.doc.source.empty()) data["source"] = hit.doc.source;
    if (!hit.doc.category.empty()) data["category"] = hit.doc.category;
    if (!hit.doc.url.empty()) data["url"] = hit.doc.url;
    data["snippet"] = reference_snippet(body);
    return reference_line("hit", std::move(data));
}

} // namespace

TEST_CASE("JSON Lines: the direct writer prints what nlohmann's dump() prints, byte for byte", "[printer][json]") {
    // Strings that need escaping (quotes, backslashes, every control character, DEL), every
    // UTF-8 length, ill-formed UTF-8 (overlong, surrogate, truncated, stray continuation bytes),
    // and numbers of every shape.
    std::string controls;
    for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
    const std::vector<std::string> strings = {
        "",
        "plain",
        "قطر \"الكويت\" \\ / \x7f",
        controls,
        "a\xF0\x9F\x98\x80z \xE2\x80\xA6 \xC3\xA9",
        "bad \xC0\xAF overlong",
        "bad \xED\xA0\x80 surrogate",
        "bad \xF4\x90\x80\x80 above U+10FFFF",
        "truncated \xE2\x80",
        "stray \x80\xBF continuation",
        "\xFF\xFE",
    };
    const std::vector<double> numbers = {0.0, 1.5, 2.0, 12.5, 0.1, 1.0 / 3, 1e-7, 123456789.125, 1e21, 7.0e300, -4.25, 3.999999999999999};
    std::ostringstream out;
    auto printer = make_json_printer(out);
    std::string expected;
    std::size_t n = 0;
    for (const std::string& s : strings) {
        const QueryInfo q{s, s + "!", {}};
        printer->begin(q);
        expected += reference_line("begin", {{"qid", q.qid}, {"query", q.text}});
        for (std::size_t variant = 0; variant < 4; ++variant) {
            Hit hit;
            hit.rank = ++n;
            hit.docid = static_cast<Xapian::docid>(n * 7919);
            hit.score = numbers[n % numbers.size()];
            hit.doc.id = s;
            // Optional fields: none, all, and two mixes.
            if (variant == 1 || variant == 2) hit.doc.date = "2018-03-02" + s;
            if (variant == 1 || variant == 3) hit.doc.source = s + "src";
            if (variant == 1 || variant == 2) hit.doc.category = s;
            if (variant == 1 || variant == 3) hit.doc.url = "https://example.org/" + s;
            const Snippet title{s, variant == 0 ? std::vector<Highlight>{} : std::vector<Highlight>{{0, 1}}};
            const Snippet body{s + s, variant < 2 ? std::vector<Highlight>{{1, 2}, {3, 40}} : std::vector<Highlight>{}};
            printer->hit(q, hit, title, body);
            expected += reference_hit(q, hit, title, body);
        }
        Results results;
        results.estimated = static_cast<Xapian::doccount>(n);
        const double ms = numbers[(n + 5) % numbers.size()];
        printer->end(q, results, ms);
        expected += reference_line("end", {{"qid", q.qid}, {"estimated", results.estimated}, {"hits", results.hits.size()}, {"elapsed_ms", ms}});
        printer->error(q, "message " + s);
        expected += reference_line("error", {{"qid", q.qid}, {"query", q.text}, {"message", "message " + s}});
    }
    const RunSummary summary{.queries = 11, .queries_with_hits = 10, .hits = n, .errors = 11, .elapsed_ms = 1234.5678};
    printer->finish(summary);
    expected += reference_line(
        "summary",
        {{"queries", summary.queries}, {"queries_with_hits", summary.queries_with_hits}, {"hits", summary.hits}, {"errors", summary.errors}, {"elapsed_ms", summary.elapsed_ms}}
    );
    // Line by line, so that a failure shows the line that differs.
    std::istringstream got(out.str());
    std::istringstream want(expected);
    std::string a;
    std::string b;
    std::size_t lines = 0;
    while (std::getline(want, b)) {
        REQUIRE(std::getline(got, a));
        CHECK(a == b);
        ++lines;
    }
    CHECK_FALSE(std::getline(got, a));
    CHECK(lines == strings.size() * 7 + 1);
}
