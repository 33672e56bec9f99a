// Plain-text reader: one document per input. The first non-blank line is the title, the rest
// the body. Reading stops at the body cap (with a warning), so an enormous file is never held
// in memory whole.

#include "common/document/reader.hpp"

#include <string>

namespace fahras {
namespace {

class TextReader final : public DocumentReader {
  public:
    TextReader(Input& input, std::string id, ReaderOptions options, Diagnostics& diagnostics)
        : input_(input), id_(std::move(id)), options_(std::move(options)), diagnostics_(diagnostics) {}

    std::optional<Document> next() override {
        if (done_) return std::nullopt;
        done_ = true;
        const SourceLocation where{input_.path, 1};
        // Read at most the cap plus a little (a title line), then note whether there was more.
        const std::size_t limit = options_.max_body_bytes + 4096;
        std::string text;
        text.resize(std::min<std::size_t>(limit, 1u << 16));
        std::size_t filled = 0;
        auto* buf = input_.stream->rdbuf();
        for (;;) {
            if (filled == text.size()) {
                if (text.size() >= limit) break;
                text.resize(std::min(limit, text.size() * 2));
            }
            const auto got = buf->sgetn(text.data() + filled, static_cast<std::streamsize>(text.size() - filled));
            if (got <= 0) break;
            filled += static_cast<std::size_t>(got);
        }
        text.resize(filled);
        std::uint64_t more = 0;
        if (filled == limit) {
            truncate_utf8(text, limit - 4); // not in the middle of a character
            char sink[1u << 16];
            for (std::streamsize got = 0; (got = buf->sgetn(sink, sizeof sink)) > 0;) more += static_cast<std::uint64_t>(got);
        }
        const bool damaged = report_input_error(input_, 1, diagnostics_, stats_);
        if (damaged && is_blank(text)) return std::nullopt;

        repair_utf8(text, where, "", diagnostics_, stats_);
        Document doc;
        doc.where = where;
        doc.id = id_;
        std::size_t start = 0;
        // The title: the first line with text (a byte order mark is dropped).
        if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) start = 3;
        while (start < text.size()) {
            auto eol = text.find('\n', start);
            if (eol == std::string::npos) eol = text.size();
            std::string_view line(text.data() + start, eol - start);
            start = eol + 1;
            if (!is_blank(line)) {
                const auto b = line.find_first_not_of(" \t\r");
                const auto e = line.find_last_not_of(" \t\r");
                doc.title.assign(line.substr(b, e - b + 1));
                break;
            }
        }
        if (doc.title.empty()) {
            diagnostics_.error(where, "empty document: the file has no text");
            ++stats_.rejected;
            return std::nullopt;
        }
        if (start < text.size()) doc.body.assign(text, start);
        if (more > 0 || doc.body.size() > options_.max_body_bytes) {
            const std::uint64_t total = filled + more;
            diagnostics_.warning(
                where,
                "document of " + std::to_string(total) + " bytes cut to " + std::to_string(options_.max_body_bytes) +
                    " (--max-body-bytes)"
            );
            truncate_utf8(doc.body, options_.max_body_bytes);
            ++stats_.truncated;
        }
        ++stats_.records;
        return doc;
    }

  private:
    Input& input_;
    std::string id_;
    ReaderOptions options_;
    Diagnostics& diagnostics_;
    bool done_ = false;
};

} // namespace

std::unique_ptr<DocumentReader>
make_text_reader(Input& input, std::string id, const ReaderOptions& options, Diagnostics& diagnostics) {
    return std::make_unique<TextReader>(input, std::move(id), options, diagnostics);
}

} // namespace fahras
