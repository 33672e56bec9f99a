/// Document: one record read from an input (a JSON line, a text file, a wiki page), before
/// analysis. All text is valid UTF-8 (readers repair invalid bytes and say so).
#pragma once

#include "common/util/diagnostics.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace fahras {

struct Document {
    std::string id;       ///< unique id; re-indexing a document with the same id replaces it
    std::string title;    ///< may be empty
    std::string body;     ///< the text
    std::string date;     ///< "yyyy-mm-dd" (or a prefix: "yyyy", "yyyy-mm"), may be empty
    std::string source;   ///< e.g. "antcorpus/SkyNews", may be empty
    std::string category; ///< e.g. "sport", may be empty
    std::string url;      ///< may be empty
    nlohmann::json extra = nlohmann::json::object(); ///< other input fields, kept as they came
    SourceLocation where; ///< file and line it came from, for messages
};

} // namespace fahras
