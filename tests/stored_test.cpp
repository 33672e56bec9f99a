// The stored form of a document (document_builder.hpp): what the searcher reads back for every
// hit must be what the indexer stored, whatever the text holds.
#include "common/index/document_builder.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <vector>

using namespace fahras;

namespace {

void check_same(const Document& a, const Document& b) {
    CHECK(a.id == b.id);
    CHECK(a.title == b.title);
    CHECK(a.body == b.body);
    CHECK(a.date == b.date);
    CHECK(a.source == b.source);
    CHECK(a.category == b.category);
    CHECK(a.url == b.url);
    CHECK(a.extra == b.extra);
}

} // namespace

TEST_CASE("stored documents read back exactly as written", "[stored]") {
    const std::vector<std::string> texts{
        "",
        "اتّفاقيّة الشّراكة الاستراتيجيّة بين إيران وروسيا",
        "ٱلْحَمْدُ لِلَّهِ رَبِّ ٱلْعَٰلَمِينَ",
        "quotes \" and backslashes \\ and /slashes/",
        std::string("controls \x01\x02\x1f\t\n\r\b\f and NUL ") + '\0' + " inside",
        "emoji 😀 and CJK 漢字 and bidi \u200f\u202b marks",
        "\\u0627 written out, not an escape",
    };
    for (const std::string& text : texts) {
        CAPTURE(text);
        Document doc;
        doc.id = "id-" + text;
        doc.title = text;
        doc.body = text + text;
        doc.date = "2018-05-19";
        doc.source = "antcorpus/SkyNews";
        doc.category = text;
        doc.url = "https://example.org/" + text;
        const std::string stored = encode_stored(doc);
        check_same(decode_stored(stored), doc);
        check_same(decode_stored(stored), decode_stored_json(stored));
        doc.extra = {{"author", text}, {"tags", {"a", text}}, {"n", 3}};
        check_same(decode_stored(encode_stored(doc)), doc);
    }
}

TEST_CASE("stored data in other shapes reads as nlohmann reads it", "[stored]") {
    for (const char* data : {
             R"({"id":"a","body":"\u0627\u0644\u0644\u0647"})",             // \u escapes
             R"({"id":"a","body":"\ud83d\ude00 pair"})",                  // a surrogate pair
             R"({"id":"a","body":"\ud83d lone"})",                        // a lone surrogate: the slow path
             R"( { "id" : "a" , "title" : "t" } )",                         // spaces
             R"({"id":"a","id":"b"})",                                      // a repeated key: the last wins
             R"({"id":"a","extra":{"k":[1,2]},"body":"x"})",                // extra in the middle
             R"({"id":"a","n":1})",                                         // a number
             R"({})",
             R"({"id":"a")",                                                // truncated
             R"(["id"])",                                                   // not an object
             R"({"id":"a\x"})",                                             // a bad escape
             "",
         }) {
        CAPTURE(data);
        check_same(decode_stored(data), decode_stored_json(data));
    }
}
