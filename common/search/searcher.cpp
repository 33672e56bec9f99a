#include "common/search/searcher.hpp"

#include "common/index/document_builder.hpp"
#include "common/index/schema.hpp"
#include "common/search/exact_topk.hpp"
#include "common/search/maxscore.hpp"
#include "common/search/rerank.hpp"
#include "common/util/error.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace fahras {
namespace {

// A writer that commits while we open (or read the metadata) can discard the revision being
// read: then try again at the newest commit, a few times (each retry follows a new commit).
constexpr int kOpenAttempts = 10;

Xapian::Database open_database(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw Error(path + ": no such database");
    for (int attempt = 1;; ++attempt) {
        try {
            return Xapian::Database(path);
        } catch (const Xapian::DatabaseModifiedError& e) {
            if (attempt == kOpenAttempts) throw Error(path + ": cannot open database: " + e.get_description());
        } catch (const Xapian::Error& e) {
            throw Error(path + ": cannot open database: " + e.get_description());
        }
    }
}

std::string read_metadata(Xapian::Database& db, std::string_view key, const std::string& path) {
    for (int attempt = 1;; ++attempt) {
        try {
            return db.get_metadata(std::string(key));
        } catch (const Xapian::DatabaseModifiedError& e) {
            if (attempt == kOpenAttempts) throw Error(path + ": cannot read metadata: " + e.get_description());
            db.reopen();
        } catch (const Xapian::Error& e) {
            throw Error(path + ": cannot read metadata: " + e.get_description());
        }
    }
}

AnalyzerConfig read_analyzer(Xapian::Database& db, const std::string& path) {
    const std::string schema = read_metadata(db, metadata::schema_version, path);
    const std::string analyzer = read_metadata(db, metadata::analyzer, path);
    if (schema.empty() || analyzer.empty()) {
        throw Error(path + ": not a fahras database (no " + std::string(metadata::schema_version) + " metadata)");
    }
    // An older version is read as it is (docs/schema.md says what changed); a newer or unknown
    // one is refused, naming both.
    bool readable = false;
    for (int v = kOldestReadableSchemaVersion; v <= kSchemaVersion; ++v) readable = readable || schema == std::to_string(v);
    if (!readable) {
        throw Error(
            path + ": database has schema version " + schema + " but this fahras-search reads version " +
            std::to_string(kSchemaVersion) + " (and older ones from " + std::to_string(kOldestReadableSchemaVersion) +
            "); re-index it with this version of fahras-index"
        );
    }
    AnalyzerConfig config;
    try {
        config = AnalyzerConfig::from_metadata(analyzer);
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
    if (config.version != AnalyzerConfig::kVersion) {
        throw Error(
            path + ": database was analyzed with analyzer version " + std::to_string(config.version) +
            " but this fahras-search analyzes with version " + std::to_string(AnalyzerConfig::kVersion) +
            "; re-index it with this version of fahras-index"
        );
    }
    return config;
}

} // namespace

Searcher::Searcher(const std::string& path)
    : path_(path), db_(open_database(path)), analyzer_(read_analyzer(db_, path)), enquire_(db_) {
    // BM25 with k1 = 1.2 (Robertson's usual value, Lucene's) and b = 0.65, between Xapian's
    // 0.5 and Lucene's 0.75. Measured on shared/eval/arcd-dev (short Wikipedia paragraphs),
    // MRR@10 is 0.8318 at b = 0.5, 0.8480 at 0.65, 0.8498 at 0.75 (one question of 420 between
    // the last two). News archives mix 300-word briefs with 2,000-word reports, and at 0.75 a
    // long report on the subject falls behind a brief that names it once: for اتفاقية الشراكة
    // over the bundled news plus shared/seeds, the AP report (seed-001) is 4th at 0.75, 3rd at
    // 0.65. docs/quality.md has the table.
    // The MaxScore rewrite of exact_topk.hpp relies on k2 = 0 (no per-document extra weight).
    enquire_.set_weighting_scheme(bm25_.weight());
}

bool Searcher::reopen() {
    const bool changed = db_.reopen();
    // Everything cached belongs to the old revision; dropped even when reopen() says nothing
    // changed (it may also have recovered from a revision that was overwritten).
    term_stats_.clear();
    rank_cache_.clear();
    variant_index_.clear();
    variant_lists_.clear();
    return changed;
}

const std::vector<std::string>& Searcher::spelling_variants(std::string_view stem) {
    const std::uint64_t hash = string_hash(stem);
    if (const std::uint32_t* at = variant_index_.find(stem, hash)) return variant_lists_[*at];
    // Worked out in full before it is kept: a Xapian error (a writer's commit) on the way
    // leaves no partial list behind.
    std::vector<std::string> found = variants_with_terms(stem, [this](std::string_view term) { return term_exists(term); });
    if (variant_index_.size() >= kMaxVariantStems) {
        variant_index_.clear();
        variant_lists_.clear();
    }
    variant_index_.try_emplace(stem, hash, static_cast<std::uint32_t>(variant_lists_.size()));
    variant_lists_.push_back(std::move(found));
    return variant_lists_.back();
}

Results Searcher::search(const Xapian::Query& query, const SearchOptions& options) {
    ParsedQuery plain;
    plain.query = query;
    return search(plain, options);
}

Results Searcher::search(const ParsedQuery& parsed, const SearchOptions& options) {
    if (!options.passage_rerank || parsed.question == QuestionKind::None || parsed.disjunction.empty()) {
        return search_bm25(parsed, options);
    }
    // The rerank reorders the BM25 top kPassageRerankDepth, whatever page is asked for: rank
    // from the first hit, rerank, then cut the page out.
    SearchOptions top = options;
    top.fetch_documents = true; // the passages are in the documents
    top.offset = 0;
    top.count = std::max(options.offset + options.count, kPassageRerankDepth);
    Results results = search_bm25(parsed, top);
    try {
        const PassageScorer scorer(analyzer_, parsed.disjunction, db_, bm25_);
        rerank_by_passages(results.hits, scorer, kPassageRerankDepth);
    } catch (const Xapian::DatabaseModifiedError&) {
        (void)reopen(); // a writer committed while we read the term statistics: start again
        return search(parsed, options);
    } catch (const Xapian::Error& e) {
        throw Error(path_ + ": search failed: " + e.get_description());
    }
    const std::size_t from = std::min(options.offset, results.hits.size());
    const std::size_t to = std::min(options.offset + options.count, results.hits.size());
    results.hits.erase(results.hits.begin() + static_cast<std::ptrdiff_t>(to), results.hits.end());
    results.hits.erase(results.hits.begin(), results.hits.begin() + static_cast<std::ptrdiff_t>(from));
    return results;
}

Results Searcher::search_bm25(const ParsedQuery& parsed, const SearchOptions& options) {
    const Xapian::Query& query = parsed.query;
    const auto first = static_cast<Xapian::doccount>(options.offset);
    const auto count = static_cast<Xapian::doccount>(options.count);
    Results results;
    try {
        TopKResult top;
        if (!parsed.disjunction.empty() && options.filters.empty() && parsed.disjunction.size() <= kMaxOwnMaxScoreTerms) {
            // Ranked words (with required and excluded parts, if any): fahras's own one-pass
            // MaxScore (maxscore.hpp).
            top = maxscore_top_k(
                db_,
                parsed.disjunction,
                first,
                count,
                bm25_,
                parsed.required,
                parsed.excluded,
                &term_stats_,
                &rank_cache_,
                parallel_.run ? &parallel_ : nullptr
            );
        } else {
            Xapian::Query q = query;
            if (!options.filters.empty()) {
                q = Xapian::Query(
                    Xapian::Query::OP_FILTER,
                    q,
                    Xapian::Query(Xapian::Query::OP_AND, options.filters.begin(), options.filters.end())
                );
            }
            // Exact top-k: Xapian 1.4's pruned matcher can lose a document (see exact_topk.hpp).
            top = exact_top_k(enquire_, db_, q, first, count);
        }
        results.estimated = top.estimated;
        std::size_t rank = options.offset;
        for (const RankedDoc& d : top.docs) {
            Hit hit;
            hit.rank = ++rank;
            hit.docid = d.docid;
            hit.score = d.weight;
            if (options.fetch_documents) {
                hit.doc = decode_stored(d.document.get_data());
                hit.has_document = true;
            }
            results.hits.push_back(std::move(hit));
        }
    } catch (const Xapian::DatabaseModifiedError&) {
        // A writer committed while we read: reopen at the newest commit and try once more.
        (void)reopen();
        return search_bm25(parsed, options);
    } catch (const Xapian::Error& e) {
        throw Error(path_ + ": search failed: " + e.get_description());
    }
    return results;
}

Document Searcher::fetch(const Xapian::Database& db, Xapian::docid docid) {
    Document doc;
    fetch(db, docid, doc);
    return doc;
}

void Searcher::fetch(const Xapian::Database& db, Xapian::docid docid, Document& out) {
    // The docid comes from a ranking of this revision: no need to check that it exists.
    decode_stored(db.get_document(docid, Xapian::DOC_ASSUME_VALID).get_data(), out);
}

HighlightWeights Searcher::highlight_weights(const HighlightTerms& terms) {
    try {
        return weights_of(terms);
    } catch (const Xapian::DatabaseModifiedError&) {
        (void)reopen(); // a writer committed meanwhile (see search())
        return weights_of(terms);
    } catch (const Xapian::Error& e) {
        throw Error(path_ + ": reading term statistics failed: " + e.get_description());
    }
}

HighlightWeights Searcher::weights_of(const HighlightTerms& terms) {
    HighlightWeights weights;
    const double n = static_cast<double>(std::max<Xapian::doccount>(db_.get_doccount(), 1));
    // From the same per-revision cache as ranking (a B-tree lookup a term otherwise: 4% of a
    // batch of headlines, the highlight terms being the query's own). The prefixed term is
    // built in one buffer.
    std::string term;
    auto idf = [&](std::string_view prefix, const std::string& text) {
        term.assign(prefix);
        term += text;
        const double df = static_cast<double>(term_stats_.get(db_, term).termfreq);
        return std::log(1.0 + n / (df + 1.0));
    };
    // An exact form that is also a stem takes the exact form's weight; a phrase word keeps the
    // weight it already has.
    for (const auto& stem : terms.stems) weights.insert_or_assign(stem, idf(prefix::stem, stem));
    for (const auto& exact : terms.exacts) weights.insert_or_assign(exact, idf(prefix::exact, exact));
    for (const auto& phrase : terms.phrases) {
        for (const auto& exact : phrase) {
            if (weights.find(exact) == nullptr) weights.try_emplace(exact, idf(prefix::exact, exact));
        }
    }
    return weights;
}

} // namespace fahras
