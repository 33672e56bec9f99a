// JSON Lines output, modelled on ripgrep's --json: one envelope {"type": ..., "data": {...}} a
// line. Every field is documented in docs/output.md and pinned by tests/data/golden/*.jsonl.
//
// The lines are written directly, not through a JSON DOM: building nlohmann objects (a std::map
// a level, a copy of every snippet) and serializing them was 7% of a batch of headline queries.
// The writer reproduces nlohmann's dump() byte for byte (tests/printer_test.cpp compares the two
// on every kind of value): keys in byte order (nlohmann's std::map), no spaces, strings escaped
// as dump(-1, ' ', false, replace) escapes them, and numbers formatted by nlohmann itself.

#include "common/output/printer.hpp"

#include "common/util/error.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <ostream>
#include <utility>

namespace fahras {
namespace {

// The length of the well-formed UTF-8 sequence at s[i] (a lead byte >= 0x80), or 0 when it is
// ill-formed (overlong, surrogate, above U+10FFFF, truncated): Unicode's table 3-7, which is
// what nlohmann's decoder accepts.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
    const unsigned c0 = b(i);
    const auto in = [](unsigned c, unsigned lo, unsigned hi) { return c >= lo && c <= hi; };
    if (in(c0, 0xC2, 0xDF)) return in(b(i + 1), 0x80, 0xBF) ? 2 : 0;
    if (c0 == 0xE0) return in(b(i + 1), 0xA0, 0xBF) && in(b(i + 2), 0x80, 0xBF) ? 3 : 0;
    if (in(c0, 0xE1, 0xEC) || c0 == 0xEE || c0 == 0xEF) return in(b(i + 1), 0x80, 0xBF) && in(b(i + 2), 0x80, 0xBF) ? 3 : 0;
    if (c0 == 0xED) return in(b(i + 1), 0x80, 0x9F) && in(b(i + 2), 0x80, 0xBF) ? 3 : 0;
    if (c0 == 0xF0) return in(b(i + 1), 0x90, 0xBF) && in(b(i + 2), 0x80, 0xBF) && in(b(i + 3), 0x80, 0xBF) ? 4 : 0;
    if (in(c0, 0xF1, 0xF3)) return in(b(i + 1), 0x80, 0xBF) && in(b(i + 2), 0x80, 0xBF) && in(b(i + 3), 0x80, 0xBF) ? 4 : 0;
    if (c0 == 0xF4) return in(b(i + 1), 0x80, 0x8F) && in(b(i + 2), 0x80, 0xBF) && in(b(i + 3), 0x80, 0xBF) ? 4 : 0;
    return 0;
}

/// Builds one JSON line in a reused buffer.
class LineWriter {
  public:
    void clear() { s_.clear(); }
    [[nodiscard]] const std::string& str() const noexcept { return s_; }

    void raw(std::string_view text) { s_.append(text); }
    /// `"key":` (keys are plain ASCII literals).
    void key(std::string_view k) {
        s_ += '"';
        s_.append(k);
        s_ += "\":";
    }
    void string(std::string_view v) {
        const std::size_t mark = s_.size();
        s_ += '"';
        std::size_t run = 0; // start of the bytes not yet copied
        for (std::size_t i = 0; i < v.size();) {
            const auto c = static_cast<unsigned char>(v[i]);
            if (c >= 0x80) {
                const std::size_t n = utf8_sequence(v, i);
                if (n == 0) {
                    // Ill-formed UTF-8 (readers repair it, so never in practice): nlohmann's
                    // own replacement rules, for the same bytes as before.
                    s_.resize(mark);
                    s_ += nlohmann::json(std::string(v)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                    return;
                }
                i += n;
                continue;
            }
            if (c >= 0x20 && c != '"' && c != '\\') {
                ++i;
                continue;
            }
            s_.append(v.data() + run, i - run);
            switch (c) {
            case '"': s_ += "\\\""; break;
            case '\\': s_ += "\\\\"; break;
            case '\b': s_ += "\\b"; break;
            case '\f': s_ += "\\f"; break;
            case '\n': s_ += "\\n"; break;
            case '\r': s_ += "\\r"; break;
            case '\t': s_ += "\\t"; break;
            default: {
                static constexpr char kHex[] = "0123456789abcdef";
                s_ += "\\u00";
                s_ += kHex[c >> 4];
                s_ += kHex[c & 0xF];
            }
            }
            run = ++i;
        }
        s_.append(v.data() + run, v.size() - run);
        s_ += '"';
    }
    void integer(std::uint64_t v) {
        std::array<char, 24> buf{};
        const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
        s_.append(buf.data(), static_cast<std::size_t>(end - buf.data()));
    }
    /// A double exactly as nlohmann prints it (its shortest round-trip form, "2.0" for 2, null
    /// for NaN and infinities).
    void number(double v) { s_ += nlohmann::json(v).dump(); }

    void snippet(const Snippet& s) {
        raw("{\"highlights\":[");
        bool first = true;
        for (const Highlight& h : s.highlights) {
            if (!first) s_ += ',';
            first = false;
            raw("{\"end\":");
            integer(h.end);
            raw(",\"start\":");
            integer(h.start);
            s_ += '}';
        }
        raw("],\"text\":");
        string(s.text);
        s_ += '}';
    }

  private:
    std::string s_;
};

class JsonPrinter final : public Printer {
  public:
    explicit JsonPrinter(std::ostream& out) : out_(out) {}

    void begin(const QueryInfo& query) override {
        open();
        field("qid").string(query.qid);
        field("query").string(query.text);
        close("begin");
    }

    void hit(const QueryInfo& query, const Hit& hit, const Snippet& title, const Snippet& body) override {
        w_.clear();
        hit_line(w_, query, hit, title, body);
        out_.write(w_.str().data(), static_cast<std::streamsize>(w_.str().size()));
    }

    void prepare_hit(const QueryInfo& query, const Hit& hit, const Snippet& title, const Snippet& body, std::string& out) const override {
        thread_local LineWriter w; // (its buffer is reused from hit to hit)
        w.clear();
        hit_line(w, query, hit, title, body);
        out.assign(w.str());
    }

    void hit_prepared(const QueryInfo& query, const Hit& hit, const Snippet& title, const Snippet& body, std::string_view prepared) override {
        if (prepared.empty()) {
            this->hit(query, hit, title, body);
            return;
        }
        out_.write(prepared.data(), static_cast<std::streamsize>(prepared.size()));
    }

    void end(const QueryInfo& query, const Results& results, double elapsed_ms) override {
        open();
        field("elapsed_ms").number(elapsed_ms);
        field("estimated").integer(results.estimated);
        field("hits").integer(results.hits.size());
        field("qid").string(query.qid);
        close("end");
    }

    void error(const QueryInfo& query, const std::string& message) override {
        open();
        field("message").string(message);
        field("qid").string(query.qid);
        field("query").string(query.text);
        close("error");
    }

    void finish(const RunSummary& summary) override {
        open();
        field("elapsed_ms").number(summary.elapsed_ms);
        field("errors").integer(summary.errors);
        field("hits").integer(summary.hits);
        field("queries").integer(summary.queries);
        field("queries_with_hits").integer(summary.queries_with_hits);
        close("summary");
        out_.flush();
    }

  private:
    // A hit's line, into `w` (empty).
    static void hit_line(LineWriter& w, const QueryInfo& query, const Hit& hit, const Snippet& title, const Snippet& body) {
        // Keys in byte order; the optional ones appear only when the document has them.
        bool first = true;
        auto field = [&](std::string_view key) -> LineWriter& {
            if (!first) w.raw(",");
            first = false;
            w.key(key);
            return w;
        };
        auto optional = [&](std::string_view key, const std::string& value) {
            if (!value.empty()) field(key).string(value);
        };
        w.raw("{\"data\":{");
        optional("category", hit.doc.category);
        optional("date", hit.doc.date);
        field("docid").integer(hit.docid);
        field("id").string(hit.doc.id);
        field("qid").string(query.qid);
        field("rank").integer(hit.rank);
        field("score").number(hit.score);
        field("snippet").snippet(body);
        optional("source", hit.doc.source);
        field("title").snippet(title);
        optional("url", hit.doc.url);
        w.raw("},\"type\":\"hit\"}\n");
    }

    // {"data":{ … },"type":TYPE}: "data" sorts before "type".
    void open() {
        w_.clear();
        w_.raw("{\"data\":{");
        first_ = true;
    }
    void close(const char* type) {
        w_.raw("},\"type\":\"");
        w_.raw(type);
        w_.raw("\"}\n");
        out_.write(w_.str().data(), static_cast<std::streamsize>(w_.str().size()));
    }
    /// Starts the next field of "data": its key, after a comma unless it is the first.
    LineWriter& field(std::string_view key) {
        if (!first_) w_.raw(",");
        first_ = false;
        w_.key(key);
        return w_;
    }
    void optional(std::string_view key, const std::string& value) {
        if (!value.empty()) field(key).string(value);
    }

    std::ostream& out_;
    LineWriter w_;
    bool first_ = true;
};

} // namespace

std::string Printer::prepare_hit(const QueryInfo& query, const Hit& hit, const Snippet& title, const Snippet& body) const {
    std::string out;
    prepare_hit(query, hit, title, body, out);
    return out;
}

void Printer::prepare_hit(const QueryInfo&, const Hit&, const Snippet&, const Snippet&, std::string& out) const { out.clear(); }

void Printer::hit_prepared(const QueryInfo& query, const Hit& hit, const Snippet& title, const Snippet& body, std::string_view) {
    this->hit(query, hit, title, body);
}

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
