// libFuzzer target: the query parser and the snippet builder. The input is split at its first
// NUL byte into a query and a document body: the query is parsed (a QueryError is a fine
// answer, anything else is not), and the body is snippeted and highlighted for it.
// Invariants: the snippet is valid UTF-8; highlights are in order, inside it, on UTF-8
// boundaries.

#include "common/search/query_parser.hpp"
#include "common/search/snippet.hpp"
#include "common/util/utf8.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

void check(bool ok, int line = __builtin_LINE()) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_query: invariant at line %d failed\n", line);
        std::abort();
    }
}

bool on_boundary(const std::string& s, std::uint32_t at) {
    return at == s.size() || (static_cast<unsigned char>(s[at]) & 0xC0) != 0x80;
}

void check_snippet(const fahras::Snippet& s) {
    check(fahras::utf8::find_invalid(s.text) == std::string::npos);
    std::uint32_t last = 0;
    for (const auto& h : s.highlights) {
        check(h.start < h.end && h.end <= s.text.size() && h.start >= last);
        check(on_boundary(s.text, h.start) && on_boundary(s.text, h.end));
        last = h.end;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto nul = input.find('\0');
    const std::string_view query = input.substr(0, nul);
    // Stored bodies are valid UTF-8 (the readers repair them), so the snippet builder gets the same.
    std::size_t repaired = 0;
    const std::string body =
        fahras::utf8::repair(nul == std::string_view::npos ? input : input.substr(nul + 1), repaired);
    static const fahras::Analyzer analyzer;
    fahras::ParsedQuery parsed;
    try {
        parsed = fahras::parse_query(query, analyzer);
    } catch (const fahras::QueryError&) {
        return 0;
    }
    const fahras::Snippeter snippeter(analyzer, parsed.highlight);
    for (const std::size_t bytes : {16u, 80u, 240u, 100000u}) check_snippet(snippeter.make(body, bytes));
    check_snippet(snippeter.highlight_all(body));
    return 0;
}
