#include "common/document/reader.hpp"

#include "common/util/error.hpp"

#include <array>
#include <utility>

namespace fahras {

std::string_view to_string(InputFormat f) noexcept {
    switch (f) {
    case InputFormat::Auto:
        return "auto";
    case InputFormat::Jsonl:
        return "jsonl";
    case InputFormat::Text:
        return "text";
    case InputFormat::WikiXml:
        return "wikixml";
    }
    return "auto";
}

InputFormat parse_input_format(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, InputFormat>, 4> kTable = {{
        {"auto", InputFormat::Auto},
        {"jsonl", InputFormat::Jsonl},
        {"text", InputFormat::Text},
        {"wikixml", InputFormat::WikiXml},
    }};
    for (const auto& [key, value] : kTable) {
        if (key == name) return value;
    }
    throw UsageError("unknown format '" + std::string(name) + "': expected one of auto|jsonl|text|wikixml");
}

void truncate_utf8(std::string& text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return;
    std::size_t cut = max_bytes;
    // Step back over continuation bytes (10xxxxxx) to the start of a sequence.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
}

std::unique_ptr<DocumentReader>
make_reader(InputFormat format, Input& input, const ReaderOptions& options, Diagnostics& diagnostics) {
    switch (format) {
    case InputFormat::Auto:
    case InputFormat::Jsonl:
        return make_jsonl_reader(input, options, diagnostics);
    case InputFormat::Text:
    case InputFormat::WikiXml:
        break;
    }
    throw Error(input.path + ": format '" + std::string(to_string(format)) + "' is not supported yet");
}

} // namespace fahras
