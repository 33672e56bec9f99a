#include "common/search/exact_topk.hpp"

#include <algorithm>
#include <functional>
#include <optional>

namespace fahras {
namespace {

TopKResult collect(const Xapian::MSet& mset, TopKStrategy strategy) {
    TopKResult out;
    out.strategy = strategy;
    out.estimated = mset.get_matches_estimated();
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        out.docs.push_back(RankedDoc{*it, it.get_weight(), it.get_document()});
    }
    return out;
}

// The query with its ranked OR replaced by `replace(or_query)`, looking through the wrappers
// that keep the OR's weights as they are (FILTER and AND_NOT add no weight from their right
// side). nullopt when the query has no such OR of at least two subqueries at its top.
std::optional<Xapian::Query> rewrite_ranked_or(
    const Xapian::Query& q,
    const std::function<std::optional<Xapian::Query>(const Xapian::Query&)>& replace
) {
    switch (q.get_type()) {
    case Xapian::Query::OP_OR:
        if (q.get_num_subqueries() < 2) return std::nullopt;
        return replace(q);
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_AND_NOT: {
        auto left = rewrite_ranked_or(q.get_subquery(0), replace);
        if (!left) return std::nullopt;
        std::vector<Xapian::Query> parts{*left};
        for (std::size_t i = 1; i < q.get_num_subqueries(); ++i) parts.push_back(q.get_subquery(i));
        return Xapian::Query(q.get_type(), parts.begin(), parts.end());
    }
    default:
        return std::nullopt;
    }
}

// Whether the weight `q` gives a document is a sum of its terms' weights (with non-negative
// scale factors), so that summing the terms' bounds bounds it. OP_SYNONYM (weighted as one
// term), OP_MAX, OP_ELITE_SET and the like are not.
bool additive(const Xapian::Query& q) {
    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
    case Xapian::Query::LEAF_MATCH_NOTHING:
        return true;
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_PHRASE:
    case Xapian::Query::OP_NEAR:
    case Xapian::Query::OP_SCALE_WEIGHT:
        for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
            if (!additive(q.get_subquery(i))) return false;
        }
        return true;
    default:
        return false;
    }
}

// Whether the matcher could lose a document for `q`: only operators that can decay to
// AND_MAYBE (OR and its relatives) or are AND_MAYBE can. Anything not known to be safe counts as
// risky.
bool may_lose_documents(const Xapian::Query& q) {
    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
    case Xapian::Query::LEAF_MATCH_ALL:
    case Xapian::Query::LEAF_MATCH_NOTHING:
        return false;
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_PHRASE:
    case Xapian::Query::OP_NEAR:
    case Xapian::Query::OP_SCALE_WEIGHT:
    case Xapian::Query::OP_VALUE_RANGE:
    case Xapian::Query::OP_VALUE_GE:
    case Xapian::Query::OP_VALUE_LE:
        for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
            if (may_lose_documents(q.get_subquery(i))) return true;
        }
        return false;
    default:
        return true;
    }
}

} // namespace

TopKResult exhaustive_top_k(
    Xapian::Enquire& enquire,
    const Xapian::Database& db,
    const Xapian::Query& query,
    Xapian::doccount first,
    Xapian::doccount count
) {
    enquire.set_query(query);
    return collect(enquire.get_mset(first, count, db.get_doccount()), TopKStrategy::Exhaustive);
}

TopKResult exact_top_k(
    Xapian::Enquire& enquire,
    const Xapian::Database& db,
    const Xapian::Query& query,
    Xapian::doccount first,
    Xapian::doccount count,
    const ExactTopKOptions& options
) {
    const Xapian::doccount k = first + count;
    // Small queries: a full evaluation costs about one pass over the terms' postings, less than
    // the two passes below (measured in docs/ranking.md).
    Xapian::doccount postings = 0;
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
        postings += db.get_termfreq(*t);
    }
    if (postings <= options.full_evaluation_below) return exhaustive_top_k(enquire, db, query, first, count);
    enquire.set_query(query);
    const Xapian::MSet pruned = enquire.get_mset(0, k);
    const bool safe = !may_lose_documents(query);
    if (safe || pruned.size() < k) {
        // Either no operator in the query can decay to AND_MAYBE, or the MSet never filled, so
        // min_weight never rose and nothing was pruned: the pruned pass is exact.
        TopKResult out = collect(pruned, safe ? TopKStrategy::Safe : TopKStrategy::Unfilled);
        out.docs.erase(out.docs.begin(), out.docs.begin() + std::min<std::size_t>(first, out.docs.size()));
        return out;
    }
    const double theta = pruned[k - 1].get_weight();

    std::size_t essential_count = 0;
    std::size_t non_essential_count = 0;
    auto split = [&](const Xapian::Query& or_query) -> std::optional<Xapian::Query> {
        struct Part {
            Xapian::Query query;
            double max_weight;
            bool bounded; // a subquery whose weight we can bound
        };
        std::vector<Part> parts;
        for (std::size_t i = 0; i < or_query.get_num_subqueries(); ++i) {
            const Xapian::Query sub = or_query.get_subquery(i);
            if (!additive(sub)) {
                parts.push_back(Part{sub, 0, false}); // unknown bound: always essential
                continue;
            }
            // get_termweight() is the bound the matcher uses for a term (its scale factors
            // included, summed over every place the term occurs in the query), so the sum over
            // a subquery's terms bounds what the subquery adds to any document.
            double bound = 0;
            for (auto t = sub.get_unique_terms_begin(); t != sub.get_unique_terms_end(); ++t) {
                bound += pruned.get_termweight(*t);
            }
            parts.push_back(Part{sub, bound, true});
        }
        std::stable_sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
            if (a.bounded != b.bounded) return a.bounded;
            return a.max_weight < b.max_weight;
        });
        std::vector<Xapian::Query> essential;
        std::vector<Xapian::Query> non_essential;
        double sum = 0;
        for (const Part& p : parts) {
            // Strictly below θ: a document with only non-essential terms weighs less than the
            // k-th document already found.
            if (p.bounded && essential.empty() && sum + p.max_weight < theta) {
                sum += p.max_weight;
                non_essential.push_back(p.query);
            } else {
                essential.push_back(p.query);
            }
        }
        if (non_essential.empty() || essential.empty()) return std::nullopt;
        essential_count = essential.size();
        non_essential_count = non_essential.size();
        return Xapian::Query(
            Xapian::Query::OP_AND_MAYBE,
            Xapian::Query(Xapian::Query::OP_OR, essential.begin(), essential.end()),
            Xapian::Query(Xapian::Query::OP_OR, non_essential.begin(), non_essential.end())
        );
    };

    if (const auto rewritten = rewrite_ranked_or(query, split)) {
        enquire.set_query(*rewritten);
        TopKResult out = collect(enquire.get_mset(first, count, db.get_doccount()), TopKStrategy::MaxScore);
        out.estimated = std::max(out.estimated, pruned.get_matches_estimated());
        out.essential_terms = essential_count;
        out.non_essential_terms = non_essential_count;
        return out;
    }
    return exhaustive_top_k(enquire, db, query, first, count);
}

} // namespace fahras
