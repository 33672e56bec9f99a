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

std::string format_score(double score) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", score);
    return buf;
}

class TextPrinter final : public Printer {
  public:
    TextPrinter(std::ostream& out, bool color) : out_(out), color_(color) {}

    void begin(const QueryInfo&) override {}

    void hit(const QueryInfo&, const Hit& hit, const Snippet& title, const Snippet& body) override {
        if (color_) {
            out_ << hit.rank << ". " << kId << hit.doc.id << kReset << "  " << kDim << format_score(hit.score) << kReset << '\n';
        } else {
            out_ << hit.rank << ". " << hit.doc.id << "  " << format_score(hit.score) << '\n';
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

    void end(const QueryInfo&, const Results&, double) override {}

    void finish(const RunSummary&) override { out_.flush(); }

  private:
    std::ostream& out_;
    bool color_;
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

std::unique_ptr<Printer> make_text_printer(std::ostream& out, bool color) {
    return std::make_unique<TextPrinter>(out, color);
}

} // namespace fahras
