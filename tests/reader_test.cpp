// Readers and inputs: compression by magic bytes, damaged archives, format detection, the
// JSON Lines / plain text / MediaWiki XML readers, and wiki markup → text.

#include "common/document/input.hpp"
#include "common/document/reader.hpp"
#include "common/document/wiki_text.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace fahras;

namespace {

struct ReadAll {
    std::vector<Document> docs;
    ReaderStats stats;
    std::string messages;
};

ReadAll read_all(const std::string& path, InputFormat format = InputFormat::Auto, ReaderOptions options = {}) {
    std::ostringstream messages;
    Diagnostics diagnostics("fahras-index", messages);
    Input input = open_input(path);
    auto reader = make_reader(format, input, options, diagnostics, "doc-id");
    ReadAll out;
    while (auto doc = reader->next()) out.docs.push_back(std::move(*doc));
    out.stats = reader->stats();
    out.messages = messages.str();
    return out;
}

void write_file(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

} // namespace

TEST_CASE("compression is found by magic bytes, not by name", "[input]") {
    const auto [head, expected] = GENERATE(table<std::string, Compression>({
        {std::string("\x1F\x8B\x08\x00", 4), Compression::Gzip},
        {"BZh91AY&SY", Compression::Bzip2},
        {std::string("\xFD" "7zXZ\x00\x00", 7), Compression::Xz},
        {std::string("\x28\xB5\x2F\xFD\x04", 5), Compression::Zstd},
        {"{\"id\": \"ant-1\"}", Compression::None},
        {"", Compression::None},
    }));
    CHECK(detect_compression(head) == expected);
}

TEST_CASE("every compressed format reads the same 60 Arabic news records", "[input][reader]") {
    const std::string ext = GENERATE(as<std::string>{}, "gz", "bz2", "xz", "zst");
    const ReadAll got = read_all(test::data_path("news-60.jsonl." + ext));
    CHECK(got.docs.size() == 60);
    CHECK(got.stats.rejected == 0);
    CHECK(got.messages.empty());
    REQUIRE(got.docs.size() == 60);
    CHECK(got.docs.front().id == "ant-SK-internationalNews-3207-20180911");
    CHECK(got.docs.front().title == "بالفيديو.. كيف تلقى جورج بوش نبأ هجمات 11 سبتمبر؟");
    // A misleading name does not matter: the same bytes under a .txt name still decode.
    test::TempDir dir;
    std::ifstream in(test::data_path("news-60.jsonl." + ext), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    write_file(dir / "misnamed.jsonl", bytes.str());
    CHECK(read_all(dir / "misnamed.jsonl").docs.size() == 60);
}

TEST_CASE("a truncated archive: a clear error naming the file, everything before it read", "[input][reader]") {
    const std::string ext = GENERATE(as<std::string>{}, "gz", "bz2", "xz", "zst");
    const std::string path = test::data_path("truncated/news-60.jsonl." + ext);
    const ReadAll whole = read_all(test::data_path("news-60.jsonl." + ext));
    const ReadAll cut = read_all(path);
    INFO(cut.messages);
    // Some records come through, not all, and each is complete and identical to the original.
    CHECK(cut.docs.size() > 0);
    CHECK(cut.docs.size() < 60);
    for (std::size_t i = 0; i < cut.docs.size(); ++i) {
        CHECK(cut.docs[i].id == whole.docs[i].id);
        CHECK(cut.docs[i].body == whole.docs[i].body);
    }
    CHECK(cut.stats.damaged);
    CHECK(cut.stats.rejected == 1);
    // One message, naming the file and the line where the damage starts, and the format.
    CHECK_THAT(cut.messages, Catch::StartsWith("fahras-index: " + path + ":" + std::to_string(cut.docs.size() + 1) + ": truncated "));
    CHECK_THAT(cut.messages, Catch::Contains("everything before this point was read"));
    CHECK(std::count(cut.messages.begin(), cut.messages.end(), '\n') == 1);
}

TEST_CASE("damaged compressed data is an error, not a silent end", "[input]") {
    test::TempDir dir;
    std::ifstream in(test::data_path("news-60.jsonl.gz"), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string bytes = ss.str();
    for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) bytes[i] = static_cast<char>(~bytes[i]);
    write_file(dir / "damaged.jsonl.gz", bytes);
    const ReadAll got = read_all(dir / "damaged.jsonl.gz");
    CHECK(got.stats.damaged);
    CHECK(got.docs.size() < 60);
    CHECK_THAT(got.messages, Catch::Contains("damaged.jsonl.gz:") && Catch::Contains("gzip"));
}

TEST_CASE("the format is decided by the name, then by the content", "[reader]") {
    test::TempDir dir;
    const auto [name, content, expected] = GENERATE(table<std::string, std::string, InputFormat>({
        {"a.jsonl", "{\"id\":\"1\",\"body\":\"نص\"}\n", InputFormat::Jsonl},
        {"a.ndjson", "{}", InputFormat::Jsonl},
        {"dump.xml", "<mediawiki>", InputFormat::WikiXml},
        {"notes.txt", "{ not json }", InputFormat::Text},
        {"noext", "  {\"id\":\"1\"}", InputFormat::Jsonl},
        {"noext2", "<?xml version=\"1.0\"?>\n<mediawiki xmlns=\"x\">", InputFormat::WikiXml},
        {"noext3", "القاهرة\nعاصمة مصر", InputFormat::Text},
    }));
    write_file(dir / name, content);
    const Input input = open_input(dir / name);
    CHECK(detect_format(input) == expected);
}

TEST_CASE("a compressed file's format is found under its compression suffix", "[reader]") {
    const Input input = open_input(test::data_path("arwiki-sample.xml.bz2"));
    CHECK(input.compression == Compression::Bzip2);
    CHECK(detect_format(input) == InputFormat::WikiXml);
}

TEST_CASE("plain text: first line is the title, the rest the body", "[reader][text]") {
    test::TempDir dir;
    write_file(dir / "a.txt", "\xEF\xBB\xBF\n  اتفاقية الشراكة الاستراتيجية  \nوقع البلدان اليوم على الاتفاقية.\nسطر ثان.\n");
    const ReadAll got = read_all(dir / "a.txt", InputFormat::Text);
    REQUIRE(got.docs.size() == 1);
    CHECK(got.docs[0].id == "doc-id");
    CHECK(got.docs[0].title == "اتفاقية الشراكة الاستراتيجية");
    CHECK(got.docs[0].body == "وقع البلدان اليوم على الاتفاقية.\nسطر ثان.\n");
    CHECK(got.messages.empty());
}

TEST_CASE("plain text: an empty file is rejected, a huge one is cut and said", "[reader][text]") {
    test::TempDir dir;
    write_file(dir / "empty.txt", " \n\n");
    const ReadAll empty = read_all(dir / "empty.txt", InputFormat::Text);
    CHECK(empty.docs.empty());
    CHECK(empty.stats.rejected == 1);
    CHECK_THAT(empty.messages, Catch::Contains("empty.txt:1: empty document"));

    std::string big = "عنوان طويل\n";
    while (big.size() < 300000) big += "كلمة عربية ";
    write_file(dir / "big.txt", big);
    ReaderOptions options;
    options.max_body_bytes = 100000;
    const ReadAll cut = read_all(dir / "big.txt", InputFormat::Text, options);
    REQUIRE(cut.docs.size() == 1);
    CHECK(cut.docs[0].body.size() <= 100000);
    CHECK(cut.docs[0].body.size() > 99000);
    CHECK(cut.stats.truncated == 1);
    CHECK_THAT(cut.messages, Catch::Contains("big.txt:1: warning: document of") && Catch::Contains("cut to 100000"));
    CHECK(cut.stats.repaired_utf8 == 0); // cut on a character boundary
}

TEST_CASE("wiki markup becomes readable text", "[wiki]") {
    const auto [markup, expected] = GENERATE(table<std::string, std::string>({
        {"'''القاهرة''' هي ''عاصمة'' مصر", "القاهرة هي عاصمة مصر"},
        {"عاصمة [[مصر]] و[[جمهورية مصر العربية|مصر]]", "عاصمة مصر ومصر"},
        {"{{صندوق معلومات|الاسم={{لغة|ar|القاهرة}}}}المدينة", "المدينة"},
        {"نص<ref>{{استشهاد ويب|عنوان=مصدر}}</ref> متصل<ref name=\"a\" />.", "نص متصل."},
        {"== التاريخ ==\nأسست عام 969", "التاريخ\nأسست عام 969"},
        {"[[ملف:Cairo.jpg|تصغير|صورة [[القاهرة]]]]منظر", "منظر"},
        {"مدينة\n[[تصنيف:عواصم]]\n[[en:Cairo]]", "مدينة"},
        {"[https://example.org الموقع الرسمي] و[https://example.org]", "الموقع الرسمي و"},
        {"{| class=\"wikitable\"\n! السنة !! السكان\n|-\n| style=\"x\" | 1950 || مليونان\n|}", "السنة السكان\n1950 مليونان"},
        {"* أول\n# ثان\n: ثالث", "أول\nثان\nثالث"},
        {"أ&nbsp;ب &amp; &#1580;", "أ ب & ج"},
        {"نص<!-- مخفي -->ظاهر __TOC__", "نصظاهر"},
        {"<math>x^2</math>معادلة<br/>سطر", "معادلة\nسطر"},
    }));
    CHECK(wiki_to_text(markup) == expected);
}

TEST_CASE("wiki redirects and categories", "[wiki]") {
    CHECK(is_wiki_redirect("#تحويل [[القاهرة]]"));
    CHECK(is_wiki_redirect("  #REDIRECT [[Cairo]]"));
    CHECK(is_wiki_redirect("#redirect[[Cairo]]"));
    CHECK_FALSE(is_wiki_redirect("القاهرة #تحويل"));
    CHECK(wiki_categories("x [[تصنيف:عواصم أفريقية]] [[Category:Cities|C]] [[مصر]]") ==
          std::vector<std::string>{"عواصم أفريقية", "Cities"});
}

TEST_CASE("MediaWiki XML: main-namespace articles only, redirects skipped", "[wiki][reader]") {
    const std::string path = test::data_path("wiki-mini.xml");
    const ReadAll got = read_all(path);
    INFO(got.messages);
    REQUIRE(got.docs.size() == 2);
    CHECK(got.stats.skipped == 3); // a <redirect/>, a talk page, a #REDIRECT text
    CHECK(got.messages.empty());
    const Document& cairo = got.docs[0];
    CHECK(cairo.id == "101");
    CHECK(cairo.title == "القاهرة");
    CHECK(cairo.date == "2021-05-04");
    CHECK(cairo.source == "arwiki");
    CHECK(cairo.category == "عواصم أفريقية");
    CHECK(cairo.url == "https://ar.wikipedia.org/wiki/القاهرة");
    CHECK(cairo.where.str() == path + ":7");
    CHECK_THAT(cairo.body, Catch::StartsWith("القاهرة هي عاصمة جمهورية مصر العربية وأكبر مدنها. تقع على ضفاف نهر النيل."));
    CHECK_THAT(cairo.body, Catch::Contains("التاريخ\nأسسها جوهر الصقلي عام 969م."));
    CHECK_THAT(cairo.body, Catch::Contains("1950 مليونان"));
    CHECK_THAT(cairo.body, Catch::Contains("الموقع الرسمي للمحافظة"));
    for (const char* gone : {"{{", "}}", "[[", "]]", "<ref", "استشهاد", "تصنيف", "Cairo", "'''", "wikitable", "تعليق", "منظر عام"}) {
        INFO(gone);
        CHECK(cairo.body.find(gone) == std::string::npos);
    }
    CHECK(got.docs[1].id == "105");
    CHECK(got.docs[1].body == "الإسكندرية مدينة على البحر الأبيض المتوسط أسسها الإسكندر الأكبر .\nالمكتبة\nمكتبتها من أشهر مكتبات العالم القديم.");
}

TEST_CASE("MediaWiki XML: the real arwiki sample, streamed from bzip2", "[wiki][reader]") {
    const ReadAll got = read_all(test::data_path("arwiki-sample.xml.bz2"));
    INFO(got.messages);
    REQUIRE(got.docs.size() == 3);
    const Document& berlin = got.docs[0];
    CHECK(berlin.id == "1343");
    CHECK(berlin.title == "برلين");
    CHECK(berlin.date == "2021-08-30");
    CHECK(berlin.url == "https://en.wikipedia.org/wiki/برلين");
    CHECK(berlin.body.size() > 20000);
    CHECK(berlin.body.find("{{") == std::string::npos);
    CHECK(berlin.body.find("[[") == std::string::npos);
    CHECK(berlin.body.find("<ref") == std::string::npos);
    CHECK_THAT(berlin.body, Catch::Contains("برلين"));
    CHECK(got.docs[1].id == "57");
    CHECK(got.docs[2].id == "8387");
}

TEST_CASE("MediaWiki XML: broken XML is reported with its line, pages before it kept", "[wiki][reader]") {
    test::TempDir dir;
    write_file(
        dir / "broken.xml",
        "<mediawiki>\n<page><title>أ</title><ns>0</ns><id>1</id><revision><text>نص أول</text></revision></page>\n"
        "<page><title>ب</title><ns>0</ns><id>2</id><revision><text>نص</wrong></revision></page>\n</mediawiki>\n"
    );
    const ReadAll got = read_all(dir / "broken.xml");
    REQUIRE(got.docs.size() == 1);
    CHECK(got.docs[0].body == "نص أول");
    CHECK(got.stats.rejected == 1);
    CHECK_THAT(got.messages, Catch::Contains("broken.xml:3: invalid XML: mismatched tag"));
}
