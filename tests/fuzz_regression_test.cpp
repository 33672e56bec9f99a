// Every input a libFuzzer target (tests/fuzz) once failed on is kept in
// tests/data/fuzz-regressions/<target>/ and replayed here through the target's own code: the
// fuzz_*.cpp sources are compiled into this binary with LLVMFuzzerTestOneInput renamed (see
// tests/CMakeLists.txt), so a regression fails the same invariant (an abort) it failed then.

#include "common/document/input.hpp"
#include "common/document/reader.hpp"
#include "common/document/wiki_text.hpp"
#include "common/util/utf8.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

extern "C" int fahras_fuzz_analyzer(const std::uint8_t* data, std::size_t size);
extern "C" int fahras_fuzz_query(const std::uint8_t* data, std::size_t size);
extern "C" int fahras_fuzz_jsonl(const std::uint8_t* data, std::size_t size);
extern "C" int fahras_fuzz_wikixml(const std::uint8_t* data, std::size_t size);
extern "C" int fahras_fuzz_snippet(const std::uint8_t* data, std::size_t size);
extern "C" int fahras_fuzz_stored(const std::uint8_t* data, std::size_t size);

namespace {

using Target = int (*)(const std::uint8_t*, std::size_t);

const std::map<std::string, Target>& targets() {
    static const std::map<std::string, Target> all = {
        {"fuzz_analyzer", &fahras_fuzz_analyzer},
        {"fuzz_query", &fahras_fuzz_query},
        {"fuzz_jsonl", &fahras_fuzz_jsonl},
        {"fuzz_wikixml", &fahras_fuzz_wikixml},
        {"fuzz_snippet", &fahras_fuzz_snippet},
        {"fuzz_stored", &fahras_fuzz_stored},
    };
    return all;
}

} // namespace

TEST_CASE("fuzz regressions: every saved input passes its target again", "[fuzz]") {
    namespace fs = std::filesystem;
    const fs::path root = fahras::test::data_path("fuzz-regressions");
    std::size_t replayed = 0;
    for (const auto& dir : fs::directory_iterator(root)) {
        if (!dir.is_directory()) continue;
        const auto target = targets().find(dir.path().filename().string());
        INFO("folder " << dir.path());
        REQUIRE(target != targets().end()); // a folder per target, named as the target
        for (const auto& file : fs::directory_iterator(dir.path())) {
            std::ifstream in(file.path(), std::ios::binary);
            std::stringstream ss;
            ss << in.rdbuf();
            const std::string bytes = ss.str();
            INFO("input " << file.path());
            CHECK(target->second(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
            ++replayed;
        }
    }
    CHECK(replayed >= 3);
}

TEST_CASE("fuzz regression: an unclosed wiki link keeps its last characters whole", "[fuzz][wiki]") {
    // fuzz_wikixml: wiki_to_text dropped the last two bytes of a link that is never closed, as
    // if they were its "]]", cutting the Arabic letter م in half (invalid UTF-8 in the body).
    CHECK(fahras::wiki_to_text("[[\xd9\x85.") == "\xd9\x85.");
    CHECK(fahras::wiki_to_text("نص [[مصر|جمهورية مصر") == "نص جمهورية مصر");
    CHECK(fahras::wiki_to_text("[[مصر]] و[[قطر") == "مصر وقطر");
    CHECK(fahras::wiki_to_text("[[a [[b]]") == "a b");
    for (const std::string s : {"[[", "[[]", "[[|", "[[a|]]", "[[ملف:x"}) {
        CHECK(fahras::utf8::find_invalid(fahras::wiki_to_text(s)) == std::string::npos);
    }
}

TEST_CASE("fuzz regression: a wiki timestamp that is not a date gives no date", "[fuzz][wiki]") {
    // fuzz_wikixml: the date was the first 10 bytes of <timestamp>, whatever they were; with
    // "2020-0 وقت" that cut و in half (invalid UTF-8 in the document's date).
    fahras::test::TempDir dir;
    const std::string path = dir / "dump.xml";
    {
        std::ofstream out(path, std::ios::binary);
        for (const std::string stamp : {"2020-0 وقت", "2021-05-04T10:20:30Z", "غدا", "2021-05-0x"}) {
            out << (stamp == "2020-0 وقت" ? "<mediawiki>" : "") << "<page><title>ص</title><ns>0</ns><id>" << stamp.size()
                << "</id><revision><timestamp>" << stamp << "</timestamp><text>نص</text></revision></page>";
        }
        out << "</mediawiki>";
    }
    std::ostringstream messages;
    fahras::Diagnostics diagnostics("test", messages);
    fahras::Input input = fahras::open_input(path);
    auto reader = fahras::make_reader(fahras::InputFormat::WikiXml, input, fahras::ReaderOptions{}, diagnostics);
    std::vector<std::string> dates;
    while (auto doc = reader->next()) dates.push_back(doc->date);
    INFO(messages.str());
    CHECK(dates == std::vector<std::string>{"", "2021-05-04", "", ""});
}
