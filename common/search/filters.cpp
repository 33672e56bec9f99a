#include "common/search/filters.hpp"

#include "common/index/schema.hpp"

#include <cctype>

namespace fahras {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The values of a boolean field present in the database (a handful: sources, categories).
std::vector<std::string> field_values(const Xapian::Database& db, std::string_view prefix) {
    std::vector<std::string> out;
    const std::string p(prefix);
    for (auto it = db.allterms_begin(p); it != db.allterms_end(p); ++it) out.push_back((*it).substr(p.size()));
    return out;
}

// OR of the field's terms for `wanted`; a value without "/" also matches ".../value".
Xapian::Query field_filter(
    const Xapian::Database& db,
    std::string_view prefix,
    std::string_view option,
    const std::vector<std::string>& wanted,
    std::vector<std::string>& warnings
) {
    const std::vector<std::string> present = field_values(db, prefix);
    std::vector<Xapian::Query> terms;
    for (const std::string& value : wanted) {
        const std::string v = lower(value);
        bool found = false;
        for (const std::string& p : present) {
            const bool tail = v.find('/') == std::string::npos && p.size() > v.size() &&
                              p.ends_with(v) && p[p.size() - v.size() - 1] == '/';
            if (p == v || tail) {
                terms.emplace_back(std::string(prefix) + p);
                found = true;
            }
        }
        if (!found) {
            std::string known;
            for (const std::string& p : present) known += (known.empty() ? "" : ", ") + p;
            warnings.push_back(
                std::string(option) + " '" + value + "' matches no document" +
                (known.empty() ? std::string(" (the database has none)") : " (known: " + known + ")")
            );
        }
    }
    // Nothing found: a filter that matches nothing (the run then finds nothing and says why).
    if (terms.empty()) return Xapian::Query::MatchNothing;
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

} // namespace

std::optional<std::string> parse_filter_date(std::string_view text) {
    // Parts separated by "-" or "/": a 4-digit year, then a 1-2 digit month and day; or
    // "yyyymmdd" / "yyyymm" written without separators.
    std::vector<std::string> parts(1);
    for (const char c : text) {
        if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
            parts.back().push_back(c);
        } else if (c == '-' || c == '/') {
            parts.emplace_back();
        } else {
            return std::nullopt;
        }
    }
    if (parts.size() == 1 && (parts[0].size() == 6 || parts[0].size() == 8)) {
        std::string whole = parts[0];
        parts = {whole.substr(0, 4), whole.substr(4, 2)};
        if (whole.size() == 8) parts.push_back(whole.substr(6, 2));
    }
    if (parts.size() > 3 || parts[0].size() != 4) return std::nullopt;
    std::string out = parts[0];
    const int limits[] = {0, 12, 31};
    for (std::size_t k = 1; k < parts.size(); ++k) {
        if (parts[k].empty() || parts[k].size() > 2) return std::nullopt;
        const int v = std::stoi(parts[k]);
        if (v < 1 || v > limits[k]) return std::nullopt;
        if (v < 10) out.push_back('0');
        out += std::to_string(v);
    }
    return out;
}

std::vector<Xapian::Query> make_filters(
    const Xapian::Database& db,
    const FilterSpec& spec,
    std::vector<std::string>& warnings
) {
    std::vector<Xapian::Query> out;
    if (!spec.sources.empty()) out.push_back(field_filter(db, prefix::source, "--source", spec.sources, warnings));
    if (!spec.categories.empty()) {
        out.push_back(field_filter(db, prefix::category, "--category", spec.categories, warnings));
    }
    // Dates are "yyyymmdd" strings (or shorter for a year/month-only date): string order is
    // date order. A partial upper bound covers its whole year or month ("2018" → "2018\xff").
    const std::string to = spec.date_to.empty() ? std::string() : spec.date_to + "\xff";
    if (!spec.date_from.empty() && !to.empty()) {
        out.emplace_back(Xapian::Query::OP_VALUE_RANGE, slot::date, spec.date_from, to);
    } else if (!spec.date_from.empty()) {
        out.emplace_back(Xapian::Query::OP_VALUE_GE, slot::date, spec.date_from);
    } else if (!to.empty()) {
        out.emplace_back(Xapian::Query::OP_VALUE_LE, slot::date, to);
    }
    return out;
}

} // namespace fahras
