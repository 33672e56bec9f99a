// The stored form of a document (document_builder.hpp): what the searcher reads back for every
// hit must be what the indexer stored, whatever the text holds; damaged data is an error that
// names the document, never a crash; and databases of schema versions 1 (the JSON object
// stored as it is) and 2 (a zstd frame) still read.
#include "common/index/document_builder.hpp"
#include "common/index/schema.hpp"
#include "common/util/error.hpp"
#include "support/search_fixture.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <xapian.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <string>
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

// What schema version 1 stored: the JSON object itself (encode_stored before version 2).
std::string encode_v1(const Document& doc) {
    nlohmann::json j = nlohmann::json::object();
    j["id"] = doc.id;
    j["title"] = doc.title;
    j["body"] = doc.body;
    if (!doc.date.empty()) j["date"] = doc.date;
    if (!doc.source.empty()) j["source"] = doc.source;
    if (!doc.category.empty()) j["category"] = doc.category;
    if (!doc.url.empty()) j["url"] = doc.url;
    if (!doc.extra.empty()) j["extra"] = doc.extra;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What schema version 2 stored: tag 1, the id's LEB128 length, the id, then a zstd frame (level 3,
// content size and checksum) of the JSON without "id".
std::string encode_v2(const Document& doc) {
    nlohmann::json j = nlohmann::json::parse(encode_v1(doc));
    j.erase("id");
    const std::string json = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const std::string id = nlohmann::json::parse(encode_v1(doc))["id"].get<std::string>();
    std::string out(1, '\x01');
    for (std::size_t n = id.size();; n >>= 7) {
        out += static_cast<char>(n < 0x80 ? n : (n & 0x7F) | 0x80);
        if (n < 0x80) break;
    }
    out += id;
    ZSTD_CCtx* c = ZSTD_createCCtx();
    REQUIRE(c != nullptr);
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    const std::size_t header = out.size();
    out.resize(header + ZSTD_compressBound(json.size()));
    const std::size_t n = ZSTD_compress2(c, out.data() + header, out.size() - header, json.data(), json.size());
    ZSTD_freeCCtx(c);
    REQUIRE(!ZSTD_isError(n));
    out.resize(header + n);
    return out;
}

Document article() {
    Document doc;
    doc.id = "ant-SK-middleEast-1813-20180519";
    doc.title = "قرقاش: إيران استخدمت الاتفاق النووي للتمدد إقليميا";
    doc.body = "قال وزير الدولة الإماراتي للشؤون الخارجية، أنور قرقاش، إن إيران استخدمت الاتفاقية النووية "
               "للتمدد إقليميا، مطالبا الدول العربية بتعزيز قدراتها الذاتية وبلورة شراكات إقليمية وعربية.";
    doc.date = "2018-05-19";
    doc.source = "antcorpus/skynews-arabia";
    doc.category = "middleEast";
    doc.url = "https://www.skynewsarabia.com/middle-east/1813";
    return doc;
}

// The size of `data` deflated as Xapian's glass backend deflates document data (raw deflate,
// default level, 9 memory levels); glass keeps the deflated form only when it is smaller.
std::size_t glass_deflated_size(const std::string& data) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&z, data.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    const std::size_t size = z.total_out;
    deflateEnd(&z);
    return size;
}

} // namespace

TEST_CASE("stored documents read back exactly as written", "[stored]") {
    const std::vector<std::string> texts{
        "",
        "اتّفاقيّة الشّراكة الاستراتيجيّة بين إيران وروسيا",
        "ٱلْحَمْدُ لِلَّهِ رَبِّ ٱلْعَٰلَمِينَ",
        "بِسۡمِ ٱللَّهِ ٱلرَّحۡمَٰنِ ٱلرَّحِيمِ ـــ تطويل ﷲ ﻻ ٠١٢٣٤٥٦٧٨٩",
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
        REQUIRE(!stored.empty());
        CHECK(stored[0] == '\x02'); // the format tag of schema version 3
        check_same(decode_stored(stored), doc);
        // The same document stored by schema versions 1 and 2 reads the same.
        check_same(decode_stored(encode_v1(doc)), doc);
        check_same(decode_stored(encode_v2(doc)), doc);
        doc.extra = {{"author", text}, {"tags", {"a", text}}, {"n", 3}};
        check_same(decode_stored(encode_stored(doc)), doc);
        check_same(decode_stored(encode_v1(doc)), doc);
        check_same(decode_stored(encode_v2(doc)), doc);
    }
}

TEST_CASE("a schema-3 record is what docs/schema.md says: an LZ4 frame XORed with splitmix64's bytes", "[stored]") {
    // The keystream as another program would write it from the documentation.
    auto keystream_byte = [](std::size_t i) {
        std::uint64_t state = 0;
        std::uint64_t z = 0;
        for (std::size_t k = 0; k <= (i % 65536) / 8; ++k) {
            state += 0x9E3779B97F4A7C15ULL;
            z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
            z ^= z >> 31;
        }
        return static_cast<char>(z >> (8 * (i % 8)));
    };
    const Document doc = article();
    const std::string stored = encode_stored(doc);
    REQUIRE(stored[0] == '\x02');
    REQUIRE(static_cast<std::size_t>(stored[1]) == doc.id.size());
    REQUIRE(stored.substr(2, doc.id.size()) == doc.id);
    std::string frame = stored.substr(2 + doc.id.size());
    for (std::size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<char>(frame[i] ^ keystream_byte(i));
    // What `lz4 -d` reads: the JSON without "id".
    LZ4F_dctx* d = nullptr;
    REQUIRE(!LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)));
    std::string json(4096, '\0');
    std::size_t written = json.size();
    std::size_t read = frame.size();
    const std::size_t left = LZ4F_decompress(d, json.data(), &written, frame.data(), &read, nullptr);
    LZ4F_freeDecompressionContext(d);
    REQUIRE(left == 0);
    CHECK(read == frame.size());
    json.resize(written);
    const auto j = nlohmann::json::parse(json);
    CHECK(!j.contains("id"));
    CHECK(j.at("title") == doc.title);
    CHECK(j.at("body") == doc.body);
    CHECK(j.at("url") == doc.url);

    // And the other way: a record another program built from the documentation reads back.
    LZ4F_preferences_t prefs{};
    prefs.frameInfo.contentSize = json.size();
    prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    std::string theirs(LZ4F_compressFrameBound(json.size(), &prefs), '\0');
    theirs.resize(LZ4F_compressFrame(theirs.data(), theirs.size(), json.data(), json.size(), &prefs));
    for (std::size_t i = 0; i < theirs.size(); ++i) theirs[i] = static_cast<char>(theirs[i] ^ keystream_byte(i));
    check_same(decode_stored(std::string("\x02") + static_cast<char>(doc.id.size()) + doc.id + theirs), doc);
}

TEST_CASE("stored documents: optional fields absent, empty body, one field at a time", "[stored]") {
    Document doc;
    doc.id = "quran-1-1";
    doc.title = "الفاتحة";
    check_same(decode_stored(encode_stored(doc)), doc); // empty body, no optional field
    doc.id.clear();
    doc.title.clear();
    check_same(decode_stored(encode_stored(doc)), doc); // nothing at all
    Document full = article();
    check_same(decode_stored(encode_stored(full)), full);
    full.id = std::string(300, 'x') + "-long-id"; // a length that takes two LEB128 bytes
    check_same(decode_stored(encode_stored(full)), full);
}

// The searcher's threads read hit after hit into the same Documents (decode_stored(data, doc)):
// what a document did not have must not be left over from the one read before it.
TEST_CASE("a document read into one that held another keeps nothing of it", "[stored]") {
    Document full = article();
    full.extra = nlohmann::json{{"author", "سكاي نيوز"}, {"tags", {"إيران", "الإمارات"}}};
    Document bare;
    bare.id = "quran-1-1";
    bare.title = "الفاتحة";
    bare.body = "بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ";
    Document into;
    for (const Document* doc : {&full, &bare, &full, &bare}) {
        // Each form the searcher reads: schema 3 (LZ4), 2 (zstd) and 1 (the JSON object, with
        // `extra` through the general parser).
        for (const std::string& data : {encode_stored(*doc), encode_v2(*doc), encode_v1(*doc)}) {
            CAPTURE(doc->id, static_cast<int>(data[0]));
            decode_stored(data, into);
            check_same(into, decode_stored(data));
            check_same(into, *doc);
        }
    }
}

TEST_CASE("stored documents with ill-formed UTF-8 read back as version 1 repaired them", "[stored]") {
    Document doc = article();
    doc.id = "bad-\xff-id";
    doc.title = "عنوان \xd8 مقطوع";
    doc.body = std::string("نص \xc3\x28 فيه \xed\xa0\x80 بايتات ") + "\xf0\x9f\x98" + " خاطئة";
    doc.url = "https://example.org/\xfe";
    const Document v3 = decode_stored(encode_stored(doc));
    const Document v1 = decode_stored(encode_v1(doc));
    check_same(v3, v1);
    check_same(decode_stored(encode_v2(doc)), v1);
    CHECK(v3.id.find("\xef\xbf\xbd") != std::string::npos); // U+FFFD
    CHECK(v3.title.find("\xef\xbf\xbd") != std::string::npos);
    CHECK(v3.body.find("نص ") == 0);
}

TEST_CASE("stored documents: a body of several megabytes", "[stored]") {
    Document doc = article();
    std::string body;
    for (int i = 0; body.size() < 6'000'000; ++i) {
        body += doc.body;
        body += " (" + std::to_string(i * 7919 % 100003) + ")\n";
    }
    doc.body = body;
    const std::string stored = encode_stored(doc);
    CHECK(stored.size() < body.size() / 4);
    check_same(decode_stored(stored), doc);
    // Larger than the 64 KiB of the whitening keystream: it wraps around, and still shields
    // the frame from glass's deflate.
    CHECK(glass_deflated_size(stored) >= stored.size());
    const std::string v2 = encode_v2(doc);
    check_same(decode_stored(v2), doc);
    // Damage in the frame header (its content size among it) is found, and the buffer is
    // never sized by a damaged content size beyond what the frame can hold.
    const std::size_t frame = 2 + doc.id.size();
    for (const std::string* record : {&stored, &v2}) {
        for (std::size_t i = frame; i < frame + 15; ++i) {
            CAPTURE(i);
            std::string bad = *record;
            bad[i] = static_cast<char>(bad[i] ^ 0x40);
            CHECK_THROWS_WITH(decode_stored(bad), Catch::Contains("document " + doc.id + " is damaged"));
        }
    }
}

TEST_CASE("damaged stored data is an error naming the document, never a crash", "[stored]") {
    const Document doc = article();
    // Schema version 3's record and version 2's: the tag, the id length, the id, then the frame.
    const bool lz4 = GENERATE(true, false);
    CAPTURE(lz4);
    const std::string stored = lz4 ? encode_stored(doc) : encode_v2(doc);
    const std::size_t frame = 2 + doc.id.size();
    REQUIRE(stored.size() > frame + 8);

    SECTION("every truncation of the frame") {
        for (std::size_t n = frame; n < stored.size(); ++n) {
            CAPTURE(n);
            CHECK_THROWS_WITH(decode_stored(stored.substr(0, n)), Catch::Contains("document " + doc.id + " is damaged"));
        }
        check_same(decode_stored(stored), doc);
    }
    SECTION("every byte of the frame flipped") {
        // The frame's checksum finds what the decoder itself does not.
        for (std::size_t i = frame; i < stored.size(); ++i) {
            CAPTURE(i);
            std::string bad = stored;
            bad[i] = static_cast<char>(bad[i] ^ 0x5a);
            CHECK_THROWS_AS(decode_stored(bad), Error);
        }
        // The decoder's context is reset after each error: the record itself still reads.
        check_same(decode_stored(stored), doc);
    }
    SECTION("garbage after the frame") {
        CHECK_THROWS_WITH(decode_stored(stored + "xyz"), Catch::Contains("document " + doc.id));
    }
    SECTION("an id cut short") {
        CHECK_THROWS_WITH(decode_stored(stored.substr(0, 10)), Catch::Contains("damaged"));
        CHECK_THROWS_WITH(decode_stored(std::string("\x01")), Catch::Contains("damaged"));
        CHECK_THROWS_WITH(decode_stored(std::string("\x01\xff\xff\xff\xff\xff\x01", 7)), Catch::Contains("damaged"));
    }
    SECTION("a format this version does not know") {
        CHECK_THROWS_WITH(decode_stored(std::string("\x03") + stored.substr(1)), Catch::Contains("format"));
    }
    SECTION("one format's frame under the other's tag") {
        CHECK_THROWS_WITH(decode_stored(std::string(lz4 ? "\x01" : "\x02") + stored.substr(1)), Catch::Contains("document " + doc.id + " is damaged"));
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

TEST_CASE("a database stores LZ4 frames that glass cannot deflate, and ones of versions 1 and 2 still read", "[stored]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    test::index_into(db, {test::data_path("news-60.jsonl.zst")});

    std::vector<std::string> before;
    {
        Xapian::Database r(db);
        REQUIRE(r.get_doccount() == 60);
        std::size_t stored_bytes = 0;
        std::size_t json_bytes = 0;
        REQUIRE(r.get_metadata(std::string(metadata::schema_version)) == std::to_string(kSchemaVersion));
        for (auto it = r.postlist_begin(""); it != r.postlist_end(""); ++it) {
            const std::string data = r.get_document(*it).get_data();
            REQUIRE(!data.empty());
            CHECK(data[0] == '\x02');
            // Glass would store the deflated form if it were smaller, and inflate it on every
            // read: the whitened frame never is (a plain LZ4 frame of Arabic text would be).
            const Document doc = decode_stored(data);
            CAPTURE(doc.id);
            CHECK(glass_deflated_size(data) >= data.size());
            CHECK(data.size() < encode_v1(doc).size());
            stored_bytes += data.size();
            json_bytes += encode_v1(doc).size();
        }
        // 1.8 times smaller over the whole ANT corpus; short articles gain less.
        CHECK(stored_bytes * 3 < json_bytes * 2);
    }
    Searcher searcher(db);
    before = test::ids(searcher, "الحكومة");
    REQUIRE(!before.empty());
    auto titles_of = [](Searcher& s) {
        std::vector<std::string> t;
        for (const auto& hit : s.search(parse_query("الحكومة", s.analyzer()), {}).hits) t.push_back(hit.doc.title);
        return t;
    };
    const std::vector<std::string> before_titles = titles_of(searcher);
    REQUIRE(!before_titles.front().empty());

    // Rewrite it as fahras-index of schema version 2, then 1, wrote it: the same terms, the
    // data as zstd frames, then as JSON.
    for (const int version : {2, 1}) {
        CAPTURE(version);
        {
            Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
            for (auto it = w.postlist_begin(""); it != w.postlist_end(""); ++it) {
                Xapian::Document d = w.get_document(*it);
                const Document doc = decode_stored(d.get_data());
                d.set_data(version == 2 ? encode_v2(doc) : encode_v1(doc));
                w.replace_document(*it, d);
            }
            w.set_metadata(std::string(metadata::schema_version), std::to_string(version));
            w.commit();
        }
        Searcher old(db);
        CHECK(test::ids(old, "الحكومة") == before);
        CHECK(titles_of(old) == before_titles);
    }
}
