// libFuzzer target: the MediaWiki XML dump reader (expat, the page/namespace logic and the
// wiki-markup reducer of wiki_text.cpp) on arbitrary bytes, through a real file as fahras-index
// reads it (so the compression sniffing is in front of it too). The same bytes also go straight
// to the markup reducer, which sees the decoded <text> of a page in real use.
// Invariants: every document has an id, valid UTF-8 everywhere and a body within
// max_body_bytes; a bad dump is reported, never thrown (except by a damaged archive's decoder,
// which fahras-index reports); the reducer's output is valid UTF-8 for valid UTF-8 input.

#include "common/document/input.hpp"
#include "common/document/reader.hpp"
#include "common/document/wiki_text.hpp"
#include "common/util/utf8.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace {

void check(bool ok, int line = __builtin_LINE()) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_wikixml: invariant at line %d failed\n", line);
        std::abort();
    }
}

bool valid(std::string_view s) { return fahras::utf8::find_invalid(s) == std::string_view::npos; }

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // In memory when /dev/shm is there (it is fast); tests/fuzz_regression_test.cpp replays
    // this function too, on machines that may not have it.
    static const std::string path =
        (std::filesystem::is_directory("/dev/shm") ? std::string("/dev/shm") : std::filesystem::temp_directory_path().string()) +
        "/fahras-fuzz-wikixml-" + std::to_string(::getpid());
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    std::ostringstream messages;
    fahras::Diagnostics diagnostics("fuzz", messages);
    fahras::Input input = fahras::open_input(path);
    fahras::ReaderOptions options;
    options.max_body_bytes = 4096;
    auto reader = fahras::make_reader(fahras::InputFormat::WikiXml, input, options, diagnostics);
    try {
        while (auto doc = reader->next()) {
            check(!doc->id.empty());
            check(valid(doc->id) && valid(doc->title) && valid(doc->body) && valid(doc->url));
            check(valid(doc->date) && valid(doc->source) && valid(doc->category));
            check(doc->body.size() <= options.max_body_bytes);
        }
    } catch (const std::exception&) {
        // A damaged compressed stream may throw from the decompressor; fahras-index reports it.
    }

    // The reducer alone, on the raw bytes as a page's markup.
    const std::string text = fahras::wiki_to_text(bytes);
    (void)fahras::is_wiki_redirect(bytes);
    const auto categories = fahras::wiki_categories(bytes);
    if (valid(bytes)) {
        check(valid(text));
        for (const auto& c : categories) check(valid(c));
    }
    return 0;
}
