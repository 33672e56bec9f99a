/// DocumentBuilder: Document + Analyzer → Xapian::Document, following schema.hpp. It holds
/// reusable buffers; use one per thread.
#pragma once

#include "common/analysis/analyzer.hpp"
#include "common/document/document.hpp"

#include <xapian.h>

#include <string>
#include <vector>

namespace fahras {

class DocumentBuilder {
  public:
    explicit DocumentBuilder(const Analyzer& analyzer) : analyzer_(analyzer) {}

    /// The Xapian document for `doc`: terms, values and the stored original (document data).
    [[nodiscard]] Xapian::Document build(const Document& doc);

    /// The unique id term of a document id.
    [[nodiscard]] static std::string id_term(std::string_view id);

    /// The host of an absolute URL, lower-cased ("https://www.Example.org:8080/x" → "www.example.org").
    [[nodiscard]] static std::string url_host(std::string_view url);

    /// "yyyymmdd" from "yyyy-mm-dd" (or "yyyy-mm", "yyyy"); empty when `date` is not a date.
    [[nodiscard]] static std::string sortable_date(std::string_view date);

  private:
    void index_field(Xapian::Document& xdoc, std::string_view text, bool is_title, unsigned& position);
    void add_term(Xapian::Document& xdoc, std::string_view prefix, std::string_view term, unsigned wdf);
    void add_posting(Xapian::Document& xdoc, std::string_view prefix, std::string_view term, unsigned pos, unsigned wdf);

    const Analyzer& analyzer_;
    std::vector<AnalyzedToken> tokens_;
    std::string term_; ///< reused to build prefixed terms without a temporary per term
};

/// The stored form of a document (Xapian document data): a JSON object with the original
/// id, title, body and the optional fields. Snippets are built from it.
[[nodiscard]] std::string encode_stored(const Document& doc);
/// The JSON object that encode_stored() compresses: every field but the id (docs/schema.md).
[[nodiscard]] std::string stored_fields_json(const Document& doc);
[[nodiscard]] Document decode_stored(std::string_view data);
/// The same into `doc`, every field of which it replaces: the memory of its strings is reused
/// (the searcher's threads read hit after hit into the same Documents).
void decode_stored(std::string_view data, Document& doc);
/// The same through a general JSON parser (nlohmann): what decode_stored() falls back to for
/// data its direct reader does not take, and the reference its tests compare with.
[[nodiscard]] Document decode_stored_json(std::string_view data);

} // namespace fahras
