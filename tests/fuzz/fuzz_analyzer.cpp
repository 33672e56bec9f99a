// libFuzzer target: the analysis chain (tokenizer, normalizer, every stemmer) on arbitrary bytes.
// Invariants checked: spans lie inside the input, in order, never empty; positions increase;
// normalized forms and stems are valid UTF-8.

#include "common/analysis/analyzer.hpp"
#include "common/analysis/normalizer.hpp"
#include "common/util/utf8.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const fahras::Analyzer analyzers[] = {
        fahras::Analyzer({.stemmer = fahras::StemmerKind::Light10}),
        fahras::Analyzer({.stemmer = fahras::StemmerKind::Snowball}),
        fahras::Analyzer({.stemmer = fahras::StemmerKind::None}),
    };
    for (const auto& analyzer : analyzers) {
        std::vector<fahras::AnalyzedToken> tokens;
        analyzer.analyze(text, tokens);
        std::uint32_t last_end = 0;
        std::uint32_t last_pos = 0;
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            const auto& t = tokens[i];
            check(t.token.begin < t.token.end && t.token.end <= size);
            check(t.token.begin >= last_end);
            check(i == 0 || t.token.position > last_pos);
            check(!t.exact.empty());
            check(fahras::utf8::find_invalid(t.exact) == std::string_view::npos);
            check(fahras::utf8::find_invalid(t.stem) == std::string_view::npos);
            last_end = t.token.end;
            last_pos = t.token.position;
        }
    }
    check(fahras::utf8::find_invalid(fahras::normalize(text)) == std::string_view::npos);
    return 0;
}
