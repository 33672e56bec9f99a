// MediaWiki XML dump reader, streamed through expat: the dump is fed to the parser in chunks
// and each finished <page> becomes a Document, so memory holds one chunk and the pages it
// completed, whatever the size of the dump.

#include "common/document/reader.hpp"
#include "common/document/wiki_text.hpp"

#include <expat.h>

#include <deque>
#include <string>
#include <vector>

namespace fahras {
namespace {

class WikiXmlReader final : public DocumentReader {
  public:
    WikiXmlReader(Input& input, ReaderOptions options, Diagnostics& diagnostics)
        : input_(input), options_(std::move(options)), diagnostics_(diagnostics), parser_(XML_ParserCreate("UTF-8")),
          chunk_(1u << 16) {
        XML_SetUserData(parser_, this);
        XML_SetElementHandler(parser_, &WikiXmlReader::on_start, &WikiXmlReader::on_end);
        XML_SetCharacterDataHandler(parser_, &WikiXmlReader::on_text);
    }
    ~WikiXmlReader() override { XML_ParserFree(parser_); }
    WikiXmlReader(const WikiXmlReader&) = delete;
    WikiXmlReader& operator=(const WikiXmlReader&) = delete;

    std::optional<Document> next() override {
        while (ready_.empty() && !finished_) feed();
        if (ready_.empty()) return std::nullopt;
        Document doc = std::move(ready_.front());
        ready_.pop_front();
        ++stats_.records;
        return doc;
    }

  private:
    enum class Field { None, Title, Ns, Id, Timestamp, Text, DbName, Base };

    void feed() {
        auto* buf = input_.stream->rdbuf();
        const auto got = buf->sgetn(chunk_.data(), static_cast<std::streamsize>(chunk_.size()));
        const bool last = got <= 0;
        if (XML_Parse(parser_, chunk_.data(), last ? 0 : static_cast<int>(got), last ? 1 : 0) == XML_STATUS_ERROR) {
            const auto line = XML_GetCurrentLineNumber(parser_);
            if (!report_input_error(input_, line, diagnostics_, stats_)) {
                diagnostics_.error(
                    SourceLocation{input_.path, line},
                    std::string("invalid XML: ") + XML_ErrorString(XML_GetErrorCode(parser_)) +
                        "; the rest of the input is skipped"
                );
                ++stats_.rejected;
            }
            finished_ = true;
            return;
        }
        if (last) {
            report_input_error(input_, XML_GetCurrentLineNumber(parser_), diagnostics_, stats_);
            finished_ = true;
        }
    }

    static std::string_view local_name(const XML_Char* name) {
        std::string_view n(name);
        if (const auto colon = n.rfind(':'); colon != std::string_view::npos) n.remove_prefix(colon + 1);
        return n;
    }

    static void XMLCALL on_start(void* self_ptr, const XML_Char* name, const XML_Char** attributes) {
        auto& self = *static_cast<WikiXmlReader*>(self_ptr);
        const std::string_view n = local_name(name);
        self.stack_.emplace_back(n);
        const std::string_view parent = self.stack_.size() >= 2 ? std::string_view(self.stack_[self.stack_.size() - 2]) : "";
        self.field_ = Field::None;
        if (n == "page") {
            self.page_ = Page{};
            self.page_.line = XML_GetCurrentLineNumber(self.parser_);
            self.in_page_ = true;
        } else if (self.in_page_) {
            if (n == "title" && parent == "page") self.field_ = Field::Title;
            else if (n == "ns" && parent == "page") self.field_ = Field::Ns;
            else if (n == "id" && parent == "page") self.field_ = Field::Id;
            else if (n == "redirect" && parent == "page") self.page_.redirect = true;
            else if (n == "timestamp" && parent == "revision") self.field_ = Field::Timestamp;
            else if (n == "text" && parent == "revision") {
                // A dump with several revisions a page: keep the last one.
                self.page_.text.clear();
                self.page_.text_cut = false;
                self.field_ = Field::Text;
            }
        } else if (parent == "siteinfo") {
            if (n == "dbname") self.field_ = Field::DbName, self.dbname_.clear();
            else if (n == "base") self.field_ = Field::Base, self.base_.clear();
        }
        (void)attributes;
    }

    static void XMLCALL on_text(void* self_ptr, const XML_Char* s, int len) {
        auto& self = *static_cast<WikiXmlReader*>(self_ptr);
        const std::string_view text(s, static_cast<std::size_t>(len));
        switch (self.field_) {
        case Field::None:
            break;
        case Field::Title:
            self.page_.title.append(text);
            break;
        case Field::Ns:
            self.page_.ns.append(text);
            break;
        case Field::Id:
            self.page_.id.append(text);
            break;
        case Field::Timestamp:
            self.page_.timestamp.append(text);
            break;
        case Field::Text: {
            // Markup beyond this is never read into memory; the page is said to be cut.
            const std::size_t cap = self.options_.max_body_bytes * 2 + 65536;
            if (self.page_.text.size() + text.size() > cap) {
                self.page_.text_bytes += text.size();
                self.page_.text_cut = true;
                self.page_.text.append(text.substr(0, cap > self.page_.text.size() ? cap - self.page_.text.size() : 0));
            } else {
                self.page_.text.append(text);
                self.page_.text_bytes += text.size();
            }
            break;
        }
        case Field::DbName:
            self.dbname_.append(text);
            break;
        case Field::Base:
            self.base_.append(text);
            break;
        }
    }

    static void XMLCALL on_end(void* self_ptr, const XML_Char* name) {
        auto& self = *static_cast<WikiXmlReader*>(self_ptr);
        const std::string_view n = local_name(name);
        self.field_ = Field::None;
        if (!self.stack_.empty()) self.stack_.pop_back();
        if (n == "page" && self.in_page_) {
            self.in_page_ = false;
            self.finish_page();
        }
    }

    void finish_page() {
        const SourceLocation where{input_.path, page_.line};
        if (page_.ns != "0" || page_.redirect || is_wiki_redirect(page_.text)) {
            ++stats_.skipped; // other namespaces (talk, templates, …) and redirects are not articles
            return;
        }
        if (page_.id.empty()) {
            diagnostics_.error(where, "page '" + page_.title + "' has no <id>; skipped");
            ++stats_.rejected;
            return;
        }
        Document doc;
        doc.where = where;
        doc.id = page_.id;
        doc.title = std::move(page_.title);
        doc.body = wiki_to_text(page_.text);
        if (is_blank(doc.body)) {
            diagnostics_.error(where, "empty document: page '" + doc.title + "' has no text");
            ++stats_.rejected;
            return;
        }
        // <timestamp>2021-05-04T10:20:30Z</timestamp> → 2021-05-04; anything else is no date
        // (cutting it at 10 bytes could split a character: invalid UTF-8 in the stored record).
        if (const std::string_view t = page_.timestamp; t.size() >= 10) {
            bool date = t[4] == '-' && t[7] == '-';
            for (const std::size_t k : {0, 1, 2, 3, 5, 6, 8, 9}) date = date && t[k] >= '0' && t[k] <= '9';
            if (date) doc.date = t.substr(0, 10);
        }
        doc.source = dbname_;
        if (!base_.empty()) {
            // <base>https://ar.wikipedia.org/wiki/الصفحة_الرئيسية</base> → the page's address.
            std::string url = base_.substr(0, base_.rfind('/') + 1);
            for (const char c : doc.title) url.push_back(c == ' ' ? '_' : c);
            doc.url = std::move(url);
        }
        const auto categories = wiki_categories(page_.text);
        if (!categories.empty()) {
            doc.category = categories.front();
            doc.extra["categories"] = categories;
        }
        if (page_.text_cut) {
            diagnostics_.warning(
                where,
                "page of " + std::to_string(page_.text_bytes) + " bytes of markup cut to " +
                    std::to_string(page_.text.size()) + " (--max-body-bytes)"
            );
            ++stats_.truncated;
        }
        cap_body(doc.body, where, options_, diagnostics_, stats_);
        ready_.push_back(std::move(doc));
    }

    struct Page {
        std::string title, ns, id, timestamp, text;
        std::uint64_t line = 0;
        std::size_t text_bytes = 0;
        bool redirect = false;
        bool text_cut = false;
    };

    Input& input_;
    ReaderOptions options_;
    Diagnostics& diagnostics_;
    XML_Parser parser_;
    std::vector<char> chunk_;
    std::vector<std::string> stack_;
    Field field_ = Field::None;
    bool in_page_ = false;
    bool finished_ = false;
    Page page_;
    std::string dbname_, base_;
    std::deque<Document> ready_;
};

} // namespace

std::unique_ptr<DocumentReader>
make_wiki_xml_reader(Input& input, const ReaderOptions& options, Diagnostics& diagnostics) {
    return std::make_unique<WikiXmlReader>(input, options, diagnostics);
}

} // namespace fahras
