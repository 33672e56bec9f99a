// libFuzzer target: the snippet builder. Unlike fuzz_query (arbitrary query text, where most
// inputs match nothing), the query here is mostly built from words of the document itself, so
// that nearly every run highlights something: plain words, =exact words, prefixes*, "phrases"
// of consecutive words and title: words, under every stemmer and with random term weights.
//
// Input: byte 0 picks the stemmer and the snippet size, byte 1 the query recipe, then a query
// prefix up to the first NUL (arbitrary text, may be empty), then the document (repaired to
// valid UTF-8, as the readers store it).
//
// Invariants: the snippet is valid UTF-8; highlights are in order, non-overlapping, non-empty,
// inside it and on UTF-8 boundaries; each highlighted text occurs in the document (line breaks
// shown as spaces); highlight_all keeps the text byte for byte (line breaks aside); and a lone
// query word of plain Arabic letters taken from the document is highlighted in it.

#include "common/analysis/analyzer.hpp"
#include "common/analysis/tokenizer.hpp"
#include "common/search/query_parser.hpp"
#include "common/search/snippet.hpp"
#include "common/util/utf8.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

void check(bool ok, int line = __builtin_LINE()) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_snippet: invariant at line %d failed\n", line);
        std::abort();
    }
}

bool on_boundary(const std::string& s, std::uint32_t at) {
    return at == s.size() || (static_cast<unsigned char>(s[at]) & 0xC0) != 0x80;
}

std::string one_line(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    return out;
}

void check_snippet(const fahras::Snippet& s, const std::string& flat_body) {
    check(fahras::utf8::find_invalid(s.text) == std::string::npos);
    std::uint32_t last = 0;
    for (const auto& h : s.highlights) {
        check(h.start < h.end && h.end <= s.text.size() && h.start >= last);
        check(on_boundary(s.text, h.start) && on_boundary(s.text, h.end));
        check(flat_body.find(std::string_view(s.text).substr(h.start, h.end - h.start)) != std::string::npos);
        last = h.end;
    }
}

// Only the letters U+0621–U+064A (no marks, digits, tatweel or anything else).
bool plain_arabic(std::string_view w) {
    if (w.size() < 4 || w.size() % 2 != 0) return false;
    for (std::size_t i = 0; i < w.size(); i += 2) {
        const auto b = static_cast<unsigned char>(w[i]);
        const auto t = static_cast<unsigned char>(w[i + 1]);
        if (!((b == 0xD8 && t >= 0xA1 && t <= 0xBA) || (b == 0xD9 && t >= 0x81 && t <= 0x8A))) return false;
    }
    return true;
}

const fahras::Analyzer& analyzer(unsigned which) {
    static const fahras::Analyzer analyzers[] = {
        fahras::Analyzer({.stemmer = fahras::StemmerKind::Light10Snowball}),
        fahras::Analyzer({.stemmer = fahras::StemmerKind::Light10}),
        fahras::Analyzer({.stemmer = fahras::StemmerKind::Snowball}),
        fahras::Analyzer({.stemmer = fahras::StemmerKind::None}),
        fahras::Analyzer({.stemmer = fahras::StemmerKind::Light10Snowball, .stopwords = true}),
    };
    return analyzers[which % 5];
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const unsigned setup = data[0];
    const unsigned recipe = data[1];
    const std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
    const auto nul = rest.find('\0');
    const std::string_view prefix = nul == std::string_view::npos ? std::string_view{} : rest.substr(0, nul);
    std::size_t repaired = 0;
    const std::string body = fahras::utf8::repair(nul == std::string_view::npos ? rest : rest.substr(nul + 1), repaired);
    const std::string flat_body = one_line(body);
    const fahras::Analyzer& az = analyzer(setup & 7);

    // Words of the document, as the tokenizer cuts them.
    std::vector<fahras::Token> spans;
    fahras::tokenize(body, spans);
    std::string query(prefix);
    std::string lone_word; // set when the query is exactly one plain Arabic word of the document
    if (!spans.empty()) {
        const std::size_t at = (recipe >> 3) % spans.size();
        const std::string_view word = spans[at].view(body);
        switch (recipe & 7) {
        case 0:
            if (query.empty() && plain_arabic(word)) lone_word = word;
            query += ' ';
            query += word;
            break;
        case 1:
            query += " =";
            query += word;
            break;
        case 2: { // a prefix of the word (whole characters), as a wildcard
            std::size_t cut = 0;
            for (std::size_t i = 0; i < word.size() && cut < 4;) {
                (void)fahras::utf8::next(word, i);
                cut = i;
            }
            query += ' ';
            query += word.substr(0, cut);
            query += '*';
            break;
        }
        case 3:
        case 4: { // a phrase of two or three consecutive words
            const std::size_t n = (recipe & 7) == 3 ? 2 : 3;
            const std::size_t end = std::min(spans.size(), at + n);
            query += " \"";
            for (std::size_t k = at; k < end; ++k) {
                query += spans[k].view(body);
                query += ' ';
            }
            query += '"';
            break;
        }
        case 5:
            query += " title:";
            query += word;
            break;
        case 6: // two words far apart, so that two windows may be chosen
            query += ' ';
            query += word;
            query += ' ';
            query += spans[spans.size() - 1 - at].view(body);
            break;
        default:
            break; // the prefix alone
        }
    }

    fahras::ParsedQuery parsed;
    try {
        parsed = fahras::parse_query(query, az);
    } catch (const fahras::QueryError&) {
        check(lone_word.empty());
        return 0;
    }
    fahras::HighlightWeights weights;
    if ((setup & 8) != 0) {
        double w = 0.0; // zero, tiny and large weights
        for (const auto& s : parsed.highlight.stems) weights.insert_or_assign(s, (w += 3.7) > 10 ? 1e-9 : w);
    }
    const fahras::Snippeter snippeter(az, parsed.highlight, weights);
    static constexpr std::size_t kSizes[] = {1, 16, 80, 160, 240, 1000};
    const fahras::Snippet s = snippeter.make(body, kSizes[(setup >> 4) % 6]);
    check_snippet(s, flat_body);
    const fahras::Snippet all = snippeter.highlight_all(body);
    check_snippet(all, flat_body);
    check(all.text == flat_body);
    if (!lone_word.empty()) check(!all.highlights.empty());
    return 0;
}
