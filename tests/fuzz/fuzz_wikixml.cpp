// libFuzzer target: the MediaWiki XML dump reader (expat, the page/namespace logic and the
// wiki-markup reducer of wiki_text.cpp) on arbitrary bytes, through a real file as fahras-index
// reads it (so the compression sniffing is in front of it too). The same bytes also go straight
// to the markup reducer, which sees the decoded <text> of a page in real use.
// Invariants: every document has an id, valid UTF-8 everywhere and a body within
// max_body_bytes; a bad dump is reported, never thrown (except by a damaged archive's decoder,
// which fahras-index reports); the reducer's output is valid UTF-8 for valid UTF-8 input.

#include "common/document/wiki_text.hpp"
#include "common/util/utf8.hpp"
#include "fuzz_reader.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

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
    constexpr std::size_t kMaxBody = 4096;
    fahras::fuzz::read_as_file("wikixml", bytes, fahras::InputFormat::WikiXml, kMaxBody, [](const fahras::Document& doc) {
        check(!doc.id.empty());
        check(valid(doc.id) && valid(doc.title) && valid(doc.body) && valid(doc.url));
        check(valid(doc.date) && valid(doc.source) && valid(doc.category));
        check(doc.body.size() <= kMaxBody);
    });

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
