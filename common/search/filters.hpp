/// Boolean filters of fahras-search (--source, --category, --date-from, --date-to), turned into
/// unweighted Xapian queries over the terms and slots of common/index/schema.hpp.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fahras {

struct FilterSpec {
    std::vector<std::string> sources;    ///< any of them (OR); exact value, case-insensitive
    std::vector<std::string> categories; ///< any of them (OR)
    std::string date_from;               ///< "yyyymmdd" prefix (see parse_filter_date), inclusive
    std::string date_to;                 ///< inclusive
    [[nodiscard]] bool empty() const {
        return sources.empty() && categories.empty() && date_from.empty() && date_to.empty();
    }
};

/// "2018", "2018-03" or "2018-03-05" (also with /) → "2018", "201803", "20180305"; nullopt for
/// anything else (a month 13, letters, a trailing part).
[[nodiscard]] std::optional<std::string> parse_filter_date(std::string_view text);

/// The filters as queries to AND with the query (SearchOptions::filters). A source given
/// without its collection ("skynews-arabia" for "antcorpus/skynews-arabia") matches the
/// sources of `db` that end with "/" + it. Values that match no document are named in
/// `warnings` (with the values that exist), so an empty result is explained.
[[nodiscard]] std::vector<Xapian::Query> make_filters(
    const Xapian::Database& db,
    const FilterSpec& spec,
    std::vector<std::string>& warnings
);

} // namespace fahras
