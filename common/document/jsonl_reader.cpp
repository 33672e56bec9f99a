// JSON Lines reader: one JSON object per line, parsed with nlohmann::json (a well-kept, strict
// parser; hand-written JSON parsing is where data gets silently lost).

#include "common/document/reader.hpp"
#include "common/util/utf8.hpp"

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace fahras {
namespace {

using nlohmann::json;

// A field as text: strings as they are, numbers as written; anything else is absent.
std::optional<std::string> text_field(json& object, const std::string& key) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (it->is_string()) return std::move(it->get_ref<std::string&>());
    if (it->is_number()) return it->dump();
    return std::nullopt;
}

/// Lines from a stream buffer, read in large chunks and split with memchr (much faster than
/// std::getline's character-at-a-time loop). A line longer than `limit` is skipped to its end
/// and reported by its length only, so an enormous line never has to fit in memory.
class LineSplitter {
  public:
    LineSplitter(std::streambuf& in, std::size_t limit) : in_(in), limit_(limit), buf_(1u << 20) {}

    enum class Result { Line, TooLong, End };

    Result next(std::string& line, std::size_t& too_long_bytes) {
        line.clear();
        std::size_t dropped = 0;
        bool dropping = false;
        for (;;) {
            if (pos_ == end_ && !refill()) {
                if (dropping) {
                    too_long_bytes = dropped;
                    return Result::TooLong;
                }
                terminated_ = false;
                return line.empty() ? Result::End : Result::Line;
            }
            const char* start = buf_.data() + pos_;
            const auto* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
            const std::size_t n = nl != nullptr ? static_cast<std::size_t>(nl - start) : end_ - pos_;
            if (!dropping && line.size() + n > limit_) {
                dropping = true;
                dropped = line.size();
                line.clear();
                line.shrink_to_fit();
            }
            if (dropping) {
                dropped += n;
            } else {
                line.append(start, n);
            }
            pos_ += n;
            if (nl != nullptr) {
                ++pos_;
                terminated_ = true;
                if (dropping) {
                    too_long_bytes = dropped;
                    return Result::TooLong;
                }
                return Result::Line;
            }
        }
    }

    /// False when the last line returned had no final newline (the input ended inside it).
    [[nodiscard]] bool terminated() const noexcept { return terminated_; }

  private:
    bool refill() {
        const auto got = in_.sgetn(buf_.data(), static_cast<std::streamsize>(buf_.size()));
        pos_ = 0;
        end_ = got > 0 ? static_cast<std::size_t>(got) : 0;
        return end_ > 0;
    }
    std::streambuf& in_;
    std::size_t limit_;
    std::vector<char> buf_;
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
    bool terminated_ = true;
};

class JsonlReader final : public DocumentReader {
  public:
    JsonlReader(Input& input, ReaderOptions options, Diagnostics& diagnostics)
        : input_(input), options_(std::move(options)), diagnostics_(diagnostics),
          id_base_(input.path == "-" ? std::string("stdin") : std::filesystem::path(input.path).filename().string()),
          lines_(*input.stream->rdbuf(), options_.max_body_bytes * 6 + (1u << 20)) {}

    std::optional<Document> next() override {
        std::size_t too_long = 0;
        for (;;) {
            const auto result = lines_.next(line_, too_long);
            if (result == LineSplitter::Result::End) break;
            ++line_no_;
            const SourceLocation where{input_.path, line_no_};
            if (result == LineSplitter::Result::TooLong) {
                diagnostics_.error(where, "line of " + std::to_string(too_long) + " bytes is too long to be a record (--max-body-bytes); skipped");
                ++stats_.rejected;
                continue;
            }
            if (is_blank(line_)) continue;
            // A damaged archive cuts its last line short: that is the archive's error, not a
            // JSON one, and it is reported once, below.
            if (!lines_.terminated() && !input_.error().empty()) {
                report_input_error(input_, line_no_, diagnostics_, stats_);
                return std::nullopt;
            }
            if (auto doc = parse(line_, where)) {
                ++stats_.records;
                return doc;
            }
            ++stats_.rejected;
        }
        report_input_error(input_, line_no_ + 1, diagnostics_, stats_);
        return std::nullopt;
    }

  private:
    std::optional<Document> parse(std::string& line, const SourceLocation& where) {
        repair_utf8(line, where, "", diagnostics_, stats_);
        json record = json::parse(line, nullptr, false);
        if (record.is_discarded()) {
            // Parse again with exceptions for the message (rare path: only bad lines).
            try {
                [[maybe_unused]] const json again = json::parse(line);
            } catch (const json::parse_error& e) {
                std::string what = e.what();
                // nlohmann's messages start with "[json.exception.parse_error.101] parse error at ..."
                if (const auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
                diagnostics_.error(where, "invalid JSON: " + what);
                return std::nullopt;
            }
            diagnostics_.error(where, "invalid JSON");
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
        if (is_blank(doc.body) && is_blank(doc.title)) {
            diagnostics_.error(where, "empty document: no text in \"" + options_.body_field + "\" or \"" + options_.title_field + "\"");
            return std::nullopt;
        }
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
        cap_body(doc.body, where, options_, diagnostics_, stats_);
        return doc;
    }

    Input& input_;
    ReaderOptions options_;
    Diagnostics& diagnostics_;
    std::string id_base_;
    LineSplitter lines_;
    std::string line_;
    std::uint64_t line_no_ = 0;
};

} // namespace

std::unique_ptr<DocumentReader>
make_jsonl_reader(Input& input, const ReaderOptions& options, Diagnostics& diagnostics) {
    return std::make_unique<JsonlReader>(input, options, diagnostics);
}

} // namespace fahras
