// TREC run output (`qid Q0 docid rank score tag`, what trec_eval and the peer benchmark read),
// and the tee printer that sends a run to several printers (e.g. JSON on stdout, TREC to a file).

#include "common/output/printer.hpp"

#include <cstdio>
#include <ostream>
#include <utility>

namespace fahras {
namespace {

class TrecPrinter final : public Printer {
  public:
    TrecPrinter(std::ostream& out, std::string tag) : out_(out), tag_(std::move(tag)) {}

    void begin(const QueryInfo&) override {}
    void hit(const QueryInfo& query, const Hit& hit, const Snippet&, const Snippet&) override {
        char score[32];
        std::snprintf(score, sizeof score, "%.6f", hit.score);
        // TREC columns are separated by spaces: a qid or id with a space would shift them.
        out_ << no_space(query.qid) << " Q0 " << no_space(hit.doc.id) << ' ' << hit.rank << ' ' << score << ' '
             << tag_ << '\n';
    }
    void end(const QueryInfo&, const Results&, double) override {}
    void error(const QueryInfo&, const std::string&) override {}
    void finish(const RunSummary&) override { out_.flush(); }
    [[nodiscard]] bool wants_snippets() const override { return false; }

  private:
    static std::string no_space(std::string s) {
        for (char& c : s) {
            if (static_cast<unsigned char>(c) <= 0x20) c = '_';
        }
        return s.empty() ? std::string("_") : s;
    }

    std::ostream& out_;
    std::string tag_;
};

class TeePrinter final : public Printer {
  public:
    explicit TeePrinter(std::vector<std::unique_ptr<Printer>> printers) : printers_(std::move(printers)) {}

    void begin(const QueryInfo& q) override {
        for (auto& p : printers_) p->begin(q);
    }
    void hit(const QueryInfo& q, const Hit& h, const Snippet& t, const Snippet& b) override {
        for (auto& p : printers_) p->hit(q, h, t, b);
    }
    // The first printer's output is made ahead (the others' is cheap or not snippets).
    void prepare_hit(const QueryInfo& q, const Hit& h, const Snippet& t, const Snippet& b, std::string& out) const override {
        if (printers_.empty()) {
            out.clear();
        } else {
            printers_.front()->prepare_hit(q, h, t, b, out);
        }
    }
    void hit_prepared(const QueryInfo& q, const Hit& h, const Snippet& t, const Snippet& b, std::string_view prepared) override {
        if (printers_.empty()) return;
        printers_.front()->hit_prepared(q, h, t, b, prepared);
        for (std::size_t i = 1; i < printers_.size(); ++i) printers_[i]->hit(q, h, t, b);
    }
    void end(const QueryInfo& q, const Results& r, double ms) override {
        for (auto& p : printers_) p->end(q, r, ms);
    }
    void error(const QueryInfo& q, const std::string& m) override {
        for (auto& p : printers_) p->error(q, m);
    }
    void finish(const RunSummary& s) override {
        for (auto& p : printers_) p->finish(s);
    }
    [[nodiscard]] bool wants_snippets() const override {
        for (const auto& p : printers_) {
            if (p->wants_snippets()) return true;
        }
        return false;
    }

  private:
    std::vector<std::unique_ptr<Printer>> printers_;
};

} // namespace

std::unique_ptr<Printer> make_trec_printer(std::ostream& out, std::string tag) {
    return std::make_unique<TrecPrinter>(out, std::move(tag));
}

std::unique_ptr<Printer> make_tee_printer(std::vector<std::unique_ptr<Printer>> printers) {
    return std::make_unique<TeePrinter>(std::move(printers));
}

} // namespace fahras
