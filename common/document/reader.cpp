#include "common/document/reader.hpp"

#include "common/util/error.hpp"
#include "common/util/utf8.hpp"

#include <array>
#include <filesystem>
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

bool is_blank(std::string_view text) noexcept {
    return text.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

void repair_utf8(std::string& text, const SourceLocation& where, std::string_view what, Diagnostics& diagnostics, ReaderStats& stats) {
    if (utf8::find_invalid(text) == std::string::npos) return;
    std::size_t replaced = 0;
    text = utf8::repair(text, replaced);
    diagnostics.warning(
        where,
        "invalid UTF-8" + (what.empty() ? std::string() : " in " + std::string(what)) + ": " +
            std::to_string(replaced) + " byte sequence(s) replaced by U+FFFD"
    );
    ++stats.repaired_utf8;
}

void cap_body(std::string& body, const SourceLocation& where, const ReaderOptions& options, Diagnostics& diagnostics, ReaderStats& stats) {
    if (body.size() <= options.max_body_bytes) return;
    diagnostics.warning(
        where,
        "document of " + std::to_string(body.size()) + " bytes cut to " + std::to_string(options.max_body_bytes) +
            " (--max-body-bytes)"
    );
    truncate_utf8(body, options.max_body_bytes);
    ++stats.truncated;
}

bool report_input_error(Input& input, std::uint64_t line, Diagnostics& diagnostics, ReaderStats& stats) {
    if (stats.damaged) return false;
    const std::string error = input.error();
    if (error.empty()) return false;
    stats.damaged = true;
    ++stats.rejected;
    diagnostics.error(SourceLocation{input.path, line}, error + "; everything before this point was read");
    return true;
}

namespace {

std::string lower_ascii(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

} // namespace

InputFormat detect_format(const Input& input) {
    if (input.path != "-") {
        std::filesystem::path p(input.path);
        std::string ext = lower_ascii(p.extension().string());
        if (ext == ".gz" || ext == ".bz2" || ext == ".xz" || ext == ".zst" || ext == ".zstd") {
            ext = lower_ascii(p.stem().extension().string());
        }
        if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json") return InputFormat::Jsonl;
        if (ext == ".xml") return InputFormat::WikiXml;
        if (ext == ".txt" || ext == ".text") return InputFormat::Text;
    }
    std::string_view head = input.head();
    if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3); // byte order mark
    const auto first = head.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return InputFormat::Text;
    if (head[first] == '{') return InputFormat::Jsonl;
    if (head[first] == '<' && head.find("<mediawiki") != std::string_view::npos) return InputFormat::WikiXml;
    return InputFormat::Text;
}

std::unique_ptr<DocumentReader> make_reader(
    InputFormat format,
    Input& input,
    const ReaderOptions& options,
    Diagnostics& diagnostics,
    const std::string& text_id
) {
    if (format == InputFormat::Auto) format = detect_format(input);
    switch (format) {
    case InputFormat::Jsonl:
        return make_jsonl_reader(input, options, diagnostics);
    case InputFormat::Text:
        return make_text_reader(input, text_id.empty() ? input.path : text_id, options, diagnostics);
    case InputFormat::WikiXml:
        return make_wiki_xml_reader(input, options, diagnostics);
    case InputFormat::Auto:
        break;
    }
    throw Error(input.path + ": cannot tell the input format");
}

} // namespace fahras
