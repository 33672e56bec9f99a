#include "common/index/document_builder.hpp"

#include "common/index/schema.hpp"

#include <nlohmann/json.hpp>

#include <cctype>

namespace fahras {

std::string DocumentBuilder::id_term(std::string_view id) {
    std::string term(prefix::id);
    term += id;
    return term;
}

std::string DocumentBuilder::url_host(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    std::string_view rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
    if (const auto colon = rest.rfind(':'); colon != std::string_view::npos && rest.find(']') == std::string_view::npos) {
        rest = rest.substr(0, colon);
    }
    std::string host(rest);
    for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return host;
}

std::string DocumentBuilder::sortable_date(std::string_view date) {
    std::string out;
    for (const char c : date) {
        if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
            out.push_back(c);
        } else if (c != '-' && c != '/') {
            break;
        }
        if (out.size() == 8) break;
    }
    if (out.size() != 4 && out.size() != 6 && out.size() != 8) return {};
    return out;
}

void DocumentBuilder::add_term(Xapian::Document& xdoc, std::string_view prefix, std::string_view term, unsigned wdf) {
    if (prefix.size() + term.size() > kMaxTermBytes) return;
    term_.assign(prefix);
    term_ += term;
    xdoc.add_term(term_, wdf);
}

void DocumentBuilder::add_posting(
    Xapian::Document& xdoc,
    std::string_view prefix,
    std::string_view term,
    unsigned pos,
    unsigned wdf
) {
    if (prefix.size() + term.size() > kMaxTermBytes) return;
    term_.assign(prefix);
    term_ += term;
    xdoc.add_posting(term_, pos, wdf);
}

void DocumentBuilder::index_field(Xapian::Document& xdoc, std::string_view text, bool is_title, unsigned& position) {
    tokens_.clear();
    analyzer_.analyze(text, tokens_, position);
    const unsigned wdf = is_title ? kTitleWdf : 1;
    for (const AnalyzedToken& t : tokens_) {
        add_posting(xdoc, prefix::exact, t.exact, t.token.position, wdf);
        add_term(xdoc, prefix::stem, t.stem, wdf);
        if (!t.alef_stem.empty()) add_term(xdoc, prefix::stem, t.alef_stem, wdf);
        if (!t.recall_stem.empty()) add_term(xdoc, prefix::recall_stem, t.recall_stem, wdf);
        if (!t.skeleton.empty()) add_term(xdoc, prefix::skeleton, t.skeleton, wdf);
        if (is_title) {
            add_posting(xdoc, prefix::title, t.exact, t.token.position, 1);
            add_term(xdoc, prefix::title_stem, t.stem, 1);
        }
    }
    if (!tokens_.empty()) position = tokens_.back().token.position + 1;
}

Xapian::Document DocumentBuilder::build(const Document& doc) {
    Xapian::Document xdoc;
    unsigned position = kTitleFirstPosition;
    if (!doc.title.empty()) {
        index_field(xdoc, doc.title, true, position);
        position += kFieldGap;
    }
    index_field(xdoc, doc.body, false, position);

    xdoc.add_boolean_term(id_term(doc.id));
    auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    if (!doc.source.empty()) add_term(xdoc, prefix::source, lower(doc.source), 0);
    if (!doc.category.empty()) add_term(xdoc, prefix::category, lower(doc.category), 0);
    if (!doc.url.empty()) {
        add_term(xdoc, prefix::url, doc.url, 0); // skipped when too long for a term; still stored
        if (const std::string host = url_host(doc.url); !host.empty()) add_term(xdoc, prefix::host, host, 0);
    }
    if (const std::string date = sortable_date(doc.date); !date.empty()) {
        xdoc.add_value(slot::date, date);
        add_term(xdoc, prefix::year, date.substr(0, 4), 0);
        if (date.size() >= 6) add_term(xdoc, prefix::month, date.substr(0, 6), 0);
        if (date.size() == 8) add_term(xdoc, prefix::day, date, 0);
    }
    xdoc.set_data(encode_stored(doc));
    return xdoc;
}

std::string encode_stored(const Document& doc) {
    nlohmann::json j = nlohmann::json::object();
    j["id"] = doc.id;
    j["title"] = doc.title;
    j["body"] = doc.body;
    if (!doc.date.empty()) j["date"] = doc.date;
    if (!doc.source.empty()) j["source"] = doc.source;
    if (!doc.category.empty()) j["category"] = doc.category;
    if (!doc.url.empty()) j["url"] = doc.url;
    if (!doc.extra.empty()) j["extra"] = doc.extra;
    // Replace, never throw: the text was repaired by the reader, this is a last safety net.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Document decode_stored(std::string_view data) {
    Document doc;
    const auto j = nlohmann::json::parse(data, nullptr, false);
    if (!j.is_object()) return doc;
    auto get = [&](const char* key) {
        const auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    doc.id = get("id");
    doc.title = get("title");
    doc.body = get("body");
    doc.date = get("date");
    doc.source = get("source");
    doc.category = get("category");
    doc.url = get("url");
    if (const auto it = j.find("extra"); it != j.end()) doc.extra = *it;
    return doc;
}

} // namespace fahras
