#include "common/output/printer.hpp"

#include <cstdio>
#include <ostream>

namespace fahras {
namespace {

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kMatch = "\x1b[1;31m"; // bold red, as ripgrep's matches
constexpr std::string_view kId = "\x1b[35m";      // magenta, as ripgrep's paths
constexpr std::string_view kTitle = "\x1b[1m";
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kHeading = "\x1b[1;32m"; // bold green, as ripgrep's line numbers

std::string format_score(double score) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", score);
    return buf;
}

class TextPrinter final : public Printer {
  public:
    TextPrinter(std::ostream& out, TextOptions options) : out_(out), color_(options.color), headings_(options.headings) {}

    void begin(const QueryInfo& query) override {
        if (!headings_) return;
        if (color_) {
            out_ << kHeading << query.qid << kReset << ": " << display_query(query.text, 200) << '\n';
        } else {
            out_ << "## " << query.qid << ": " << display_query(query.text, 200) << '\n';
        }
    }

    void hit(const QueryInfo&, const Hit& hit, const Snippet& title, const Snippet& body) override {
        // Metadata after the score: date, then source, when the document has them.
        std::string meta = format_score(hit.score);
        for (const std::string* field : {&hit.doc.date, &hit.doc.source}) {
            if (!field->empty()) (meta += "  ") += *field;
        }
        if (color_) {
            out_ << hit.rank << ". " << kId << hit.doc.id << kReset << "  " << kDim << meta << kReset << '\n';
        } else {
            out_ << hit.rank << ". " << hit.doc.id << "  " << meta << '\n';
        }
        if (!title.text.empty()) {
            out_ << "   ";
            if (color_) {
                out_ << kTitle;
                // Inside the bold title, a match is bold red; reset returns to bold.
                std::string close(kReset);
                close += kTitle;
                write_highlighted(out_, title, kMatch, close);
                out_ << kReset;
            } else {
                write_highlighted(out_, title, "[", "]");
            }
            out_ << '\n';
        }
        if (!body.text.empty()) {
            out_ << "   ";
            if (color_) {
                write_highlighted(out_, body, kMatch, kReset);
            } else {
                write_highlighted(out_, body, "[", "]");
            }
            out_ << '\n';
        }
        out_ << '\n';
    }

    void end(const QueryInfo&, const Results& results, double) override {
        // In a batch, say so when a query found nothing (a single query prints nothing: exit 1).
        if (headings_ && results.hits.empty()) out_ << "   (no results)\n\n";
    }

    void error(const QueryInfo& query, const std::string&) override {
        if (!headings_) return;
        begin(query);
        out_ << "   (error: see stderr)\n\n";
    }

    void finish(const RunSummary&) override { out_.flush(); }

  private:
    std::ostream& out_;
    bool color_;
    bool headings_;
};

} // namespace

void write_highlighted(std::ostream& out, const Snippet& s, std::string_view open, std::string_view close) {
    std::size_t at = 0;
    for (const Highlight& h : s.highlights) {
        if (h.start < at || h.end > s.text.size() || h.start >= h.end) continue;
        out.write(s.text.data() + at, static_cast<std::streamsize>(h.start - at));
        out << open;
        out.write(s.text.data() + h.start, static_cast<std::streamsize>(h.end - h.start));
        out << close;
        at = h.end;
    }
    out.write(s.text.data() + at, static_cast<std::streamsize>(s.text.size() - at));
}

std::unique_ptr<Printer> make_text_printer(std::ostream& out, TextOptions options) {
    return std::make_unique<TextPrinter>(out, options);
}

} // namespace fahras
