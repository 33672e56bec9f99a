// JSON Lines output, modelled on ripgrep's --json: one envelope {"type": ..., "data": {...}} a
// line. Every field is documented in docs/output.md and pinned by tests/data/golden/*.jsonl.

#include "common/output/printer.hpp"

#include "common/util/error.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <ostream>
#include <utility>

namespace fahras {
namespace {

using nlohmann::json;

json snippet_json(const Snippet& s) {
    json highlights = json::array();
    for (const Highlight& h : s.highlights) highlights.push_back({{"start", h.start}, {"end", h.end}});
    return {{"text", s.text}, {"highlights", std::move(highlights)}};
}

class JsonPrinter final : public Printer {
  public:
    explicit JsonPrinter(std::ostream& out) : out_(out) {}

    void begin(const QueryInfo& query) override {
        write("begin", {{"qid", query.qid}, {"query", query.text}});
    }

    void hit(const QueryInfo& query, const Hit& hit, const Snippet& title, const Snippet& body) override {
        json data = {
            {"qid", query.qid},
            {"rank", hit.rank},
            {"docid", hit.docid},
            {"id", hit.doc.id},
            {"score", hit.score},
            {"title", snippet_json(title)},
        };
        // Optional fields appear only when the document has them.
        for (const auto& [key, value] : {
                 std::pair<const char*, const std::string*>{"date", &hit.doc.date},
                 {"source", &hit.doc.source},
                 {"category", &hit.doc.category},
                 {"url", &hit.doc.url},
             }) {
            if (!value->empty()) data[key] = *value;
        }
        data["snippet"] = snippet_json(body);
        write("hit", std::move(data));
    }

    void end(const QueryInfo& query, const Results& results, double elapsed_ms) override {
        write(
            "end",
            {{"qid", query.qid},
             {"estimated", results.estimated},
             {"hits", results.hits.size()},
             {"elapsed_ms", elapsed_ms}}
        );
    }

    void error(const QueryInfo& query, const std::string& message) override {
        write("error", {{"qid", query.qid}, {"query", query.text}, {"message", message}});
    }

    void finish(const RunSummary& summary) override {
        write(
            "summary",
            {{"queries", summary.queries},
             {"queries_with_hits", summary.queries_with_hits},
             {"hits", summary.hits},
             {"errors", summary.errors},
             {"elapsed_ms", summary.elapsed_ms}}
        );
        out_.flush();
    }

  private:
    void write(const char* type, json data) {
        const json envelope = {{"type", type}, {"data", std::move(data)}};
        // Text is valid UTF-8 (readers and the query parser repair it); replace, never throw.
        out_ << envelope.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
    }

    std::ostream& out_;
};

} // namespace

OutputFormat parse_output_format(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, OutputFormat>, 3> kTable = {{
        {"json", OutputFormat::Json},
        {"text", OutputFormat::Text},
        {"trec", OutputFormat::Trec},
    }};
    for (const auto& [key, value] : kTable) {
        if (key == name) return value;
    }
    throw UsageError("--format: expected one of json|text|trec, got '" + std::string(name) + "'");
}

std::unique_ptr<Printer> make_json_printer(std::ostream& out) { return std::make_unique<JsonPrinter>(out); }

} // namespace fahras
