// JSON Lines reader: one JSON object per line, parsed with nlohmann::json (a well-kept, strict
// parser; hand-written JSON parsing is where data gets silently lost).

#include "common/document/reader.hpp"
#include "common/util/utf8.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace fahras {
namespace {

using nlohmann::json;

// A field as text: strings as they are, numbers as written; anything else is absent.
std::optional<std::string> text_field(const json& object, const std::string& key) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();
    return std::nullopt;
}

class JsonlReader final : public DocumentReader {
  public:
    JsonlReader(Input& input, ReaderOptions options, Diagnostics& diagnostics)
        : input_(input), options_(std::move(options)), diagnostics_(diagnostics),
          id_base_(input.path == "-" ? std::string("stdin") : std::filesystem::path(input.path).filename().string()) {}

    std::optional<Document> next() override {
        std::string line;
        while (std::getline(*input_.stream, line)) {
            ++line_no_;
            const SourceLocation where{input_.path, line_no_};
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue; // blank line
            if (auto doc = parse(line, where)) {
                ++stats_.records;
                return doc;
            }
            ++stats_.rejected;
        }
        if (input_.stream->bad() && !reported_end_) {
            reported_end_ = true;
            diagnostics_.error(
                SourceLocation{input_.path, line_no_ + 1},
                "input ends in a damaged or truncated " + std::string(to_string(input_.compression)) +
                    " stream; everything before this line was read"
            );
            ++stats_.rejected;
        }
        return std::nullopt;
    }

  private:
    std::optional<Document> parse(std::string& line, const SourceLocation& where) {
        if (utf8::find_invalid(line) != std::string::npos) {
            std::size_t replaced = 0;
            line = utf8::repair(line, replaced);
            diagnostics_.warning(where, "invalid UTF-8: " + std::to_string(replaced) + " byte sequence(s) replaced by U+FFFD");
            ++stats_.repaired_utf8;
        }
        json record;
        try {
            record = json::parse(line);
        } catch (const json::parse_error& e) {
            std::string what = e.what();
            // nlohmann's messages start with "[json.exception.parse_error.101] parse error at ..."
            if (const auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
            diagnostics_.error(where, "invalid JSON: " + what);
            return std::nullopt;
        }
        if (!record.is_object()) {
            diagnostics_.error(where, "expected a JSON object, got " + std::string(record.type_name()));
            return std::nullopt;
        }
        Document doc;
        doc.where = where;
        auto body = text_field(record, options_.body_field);
        if (!body) {
            diagnostics_.error(where, "no \"" + options_.body_field + "\" text field");
            return std::nullopt;
        }
        doc.body = std::move(*body);
        if (auto id = text_field(record, options_.id_field); id && !id->empty()) {
            doc.id = std::move(*id);
        } else {
            // Stable across runs: the same file and line always get the same id.
            doc.id = id_base_ + ":" + std::to_string(line_no_);
            ++stats_.generated_ids;
        }
        doc.title = text_field(record, options_.title_field).value_or("");
        doc.date = text_field(record, options_.date_field).value_or("");
        doc.source = text_field(record, "source").value_or("");
        doc.category = text_field(record, "category").value_or("");
        doc.url = text_field(record, "url").value_or("");
        for (const std::string* key :
             {&options_.id_field, &options_.title_field, &options_.body_field, &options_.date_field}) {
            record.erase(*key);
        }
        for (const char* key : {"source", "category", "url"}) record.erase(key);
        doc.extra = std::move(record);
        if (doc.body.size() > options_.max_body_bytes) {
            diagnostics_.warning(
                where,
                "body of " + std::to_string(doc.body.size()) + " bytes cut to " +
                    std::to_string(options_.max_body_bytes)
            );
            truncate_utf8(doc.body, options_.max_body_bytes);
            ++stats_.truncated;
        }
        return doc;
    }

    Input& input_;
    ReaderOptions options_;
    Diagnostics& diagnostics_;
    std::string id_base_;
    std::uint64_t line_no_ = 0;
    bool reported_end_ = false;
};

} // namespace

std::unique_ptr<DocumentReader>
make_jsonl_reader(Input& input, const ReaderOptions& options, Diagnostics& diagnostics) {
    return std::make_unique<JsonlReader>(input, options, diagnostics);
}

} // namespace fahras
