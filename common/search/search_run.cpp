#include "common/search/search_run.hpp"

#include "common/util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <istream>
#include <optional>

namespace fahras {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string describe(const QueryInfo& q) {
    std::string out = "query ";
    if (!q.where.file.empty()) out += q.qid + " ";
    out += "'" + display_query(q.text) + "'";
    return out;
}

} // namespace

RunSummary run_queries(
    Searcher& searcher,
    const std::vector<QueryInfo>& queries,
    const RunOptions& options,
    Printer& printer,
    Diagnostics& diagnostics,
    PassTimings* timings,
    HitPool* pool
) {
    const auto run_started = Clock::now();
    const bool snippets = printer.wants_snippets();
    RunSummary summary;
    const TermExists vocabulary = searcher.vocabulary();
    const bool parallel = pool != nullptr && pool->threads() > 1;
    // Per hit (by its place in the page), from query to query: what the thread that takes it
    // makes of it. Each is written over, its memory kept: once they have grown, the threads
    // allocate nothing a hit. (Made afresh for each query, every hit's document, snippets and
    // output were allocated by one thread and freed by the other at the next query, on the
    // other's malloc arena: 5% of a query's time at --threads 2.)
    struct HitSlot {
        Document doc;         ///< its stored document, read by a pool thread
        bool lent = false;    ///< doc is swapped into the Hit while the query is printed
        Snippet title;
        Snippet body;
        std::string prepared; ///< its output (Printer::prepare_hit())
    };
    std::vector<HitSlot> slots;
    // A slot's document larger than this is let go after its query, not kept for the next.
    constexpr std::size_t kKeepDocumentBytes = std::size_t{1} << 20;
    // Per thread of the pool: its Snippeter (a Snippeter keeps buffers and must not be shared;
    // made once, then reset() for each query it serves, which keeps its memory: building one
    // afresh cost 15-20 us a query and thread), whether it is set for the current query yet,
    // and the time it spent making snippets.
    std::vector<std::size_t> order; // the hits in the order the pool's threads take them
    const std::size_t n_contexts = pool != nullptr ? pool->threads() : 1;
    std::vector<std::optional<Snippeter>> snippeters(n_contexts);
    std::vector<char> snippeter_ready(n_contexts, 0);
    std::vector<double> snippet_ms_of(n_contexts);
    double parse_ms = 0;
    double rank_ms = 0;
    double hits_ms = 0;
    for (const QueryInfo& q : queries) {
        ++summary.queries;
        const auto started = Clock::now();
        Clock::time_point step = started;
        // The wall time since the last call (the steps of a query that was answered).
        auto lap = [&step] {
            const auto now = Clock::now();
            const double ms = std::chrono::duration<double, std::milli>(now - step).count();
            step = now;
            return ms;
        };
        Results results;
        ParsedQuery parsed;
        HighlightWeights weights;
        try {
            // Parsing reads term statistics (spelling variants): a writer committing meanwhile
            // is handled as in a search, by reopening at its newest revision and starting again.
            try {
                try {
                    parsed = parse_query(q.text, searcher.analyzer(), vocabulary);
                } catch (const Xapian::DatabaseModifiedError&) {
                    (void)searcher.reopen();
                    parsed = parse_query(q.text, searcher.analyzer(), vocabulary);
                }
            } catch (const Xapian::Error& e) {
                throw Error(searcher.path() + ": reading term statistics failed: " + e.get_description());
            }
            // Ranks the query (the documents read with it unless the pool reads them), and gets
            // the weights and buffers of its snippets ready.
            parse_ms += lap();
            auto rank = [&](bool fetch_documents) {
                SearchOptions search = options.search;
                search.fetch_documents = fetch_documents;
                results = searcher.search(parsed, search);
                rank_ms += lap();
                std::fill(snippet_ms_of.begin(), snippet_ms_of.end(), 0.0);
                if (snippets && !results.hits.empty()) {
                    const auto t = Clock::now();
                    weights = searcher.highlight_weights(parsed.highlight);
                    snippet_ms_of[0] += ms_since(t);
                }
                if (slots.size() < results.hits.size()) slots.resize(results.hits.size());
                for (HitSlot& slot : slots) slot.lent = false; // (a document lent to an earlier Results went with it)
                std::fill(snippeter_ready.begin(), snippeter_ready.end(), 0);
            };
            rank(!parallel);
            // Each hit: its stored document (unless the search read it), then its snippets,
            // the hits shared among the pool's threads.
            auto one_hit = [&](HitPool::Context& context, std::size_t i) {
                Hit& hit = results.hits[i];
                HitSlot& slot = slots[i];
                if (!hit.has_document) {
                    Searcher::fetch(*context.db, hit.docid, slot.doc);
                    std::swap(hit.doc, slot.doc);
                    slot.lent = true;
                    hit.has_document = true;
                }
                if (!snippets) return;
                const auto t = Clock::now();
                auto& snippeter = snippeters[context.index];
                if (!snippeter) {
                    snippeter.emplace(*context.analyzer, parsed.highlight, weights, context.forms);
                } else if (snippeter_ready[context.index] == 0) {
                    snippeter->reset(parsed.highlight, weights);
                }
                snippeter_ready[context.index] = 1;
                snippeter->highlight_all(hit.doc.title, slot.title);
                snippeter->make(hit.doc.body, options.snippet_bytes, slot.body);
                snippet_ms_of[context.index] += ms_since(t);
                printer.prepare_hit(q, hit, slot.title, slot.body, slot.prepared);
            };
            auto on_this_thread = [&] {
                HitPool::Context mine{0, &searcher.database(), &searcher.analyzer(), &searcher.word_forms()};
                for (std::size_t i = 0; i < results.hits.size(); ++i) one_hit(mine, i);
            };
            if (parallel) {
                // The longest documents first (their lengths in words, as ranking holds them):
                // the threads then end on short hits and wait less for each other at the end
                // (handed out in rank order, the calling thread waited 22-26 us a query for the
                // other one's last hit). The order of the output is the hits' own.
                order.resize(results.hits.size());
                for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
                const RankCache& lengths = searcher.rank_cache();
                std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                    return lengths.known_doclength(results.hits[a].docid) > lengths.known_doclength(results.hits[b].docid);
                });
                const HitPool::Task by_length = [&](HitPool::Context& context, std::size_t i) { one_hit(context, order[i]); };
                try {
                    pool->run(results.hits.size(), by_length);
                } catch (const Xapian::DatabaseModifiedError&) {
                    // A writer committed twice while we read: search again at its newest
                    // revision, on this thread alone.
                    (void)searcher.reopen();
                    rank(true);
                    on_this_thread();
                } catch (const Xapian::Error& e) {
                    throw Error(searcher.path() + ": reading documents failed: " + e.get_description());
                }
            } else {
                on_this_thread();
            }
            hits_ms += lap();
        } catch (const QueryError& e) {
            diagnostics.error(q.where, describe(q) + ": " + e.what());
            printer.error(q, e.what());
            ++summary.errors;
            continue;
        } catch (const Error& e) {
            diagnostics.error(q.where, describe(q) + ": " + e.what());
            printer.error(q, e.what());
            ++summary.errors;
            continue;
        }
        printer.begin(q);
        const Snippet no_snippet;
        for (std::size_t i = 0; i < results.hits.size(); ++i) {
            if (snippets) {
                const HitSlot& slot = slots[i];
                printer.hit_prepared(q, results.hits[i], slot.title, slot.body, slot.prepared);
            } else {
                printer.hit(q, results.hits[i], no_snippet, no_snippet);
            }
        }
        // The documents go back to their slots for the next query (an outsize one is let go).
        for (std::size_t i = 0; i < results.hits.size() && i < slots.size(); ++i) {
            HitSlot& slot = slots[i];
            if (!slot.lent) continue;
            std::swap(results.hits[i].doc, slot.doc);
            slot.lent = false;
            if (slot.doc.body.capacity() > kKeepDocumentBytes) slot.doc = Document{};
        }
        double snippet_ms = 0;
        for (const double t : snippet_ms_of) snippet_ms += t;
        const double ms = ms_since(started);
        printer.end(q, results, ms);
        summary.hits += results.hits.size();
        if (!results.hits.empty()) ++summary.queries_with_hits;
        if (timings != nullptr) {
            timings->query_ms.push_back(ms);
            timings->estimated.emplace_back(q.qid, results.estimated);
            timings->snippet_ms += snippet_ms;
        }
    }
    if (timings != nullptr) {
        timings->parse_ms += parse_ms;
        timings->rank_ms += rank_ms;
        timings->hits_ms += hits_ms;
    }
    summary.elapsed_ms = ms_since(run_started);
    printer.finish(summary);
    return summary;
}

std::vector<QueryInfo> read_queries(std::istream& in, const std::string& name) {
    std::vector<QueryInfo> out;
    std::string line;
    std::uint64_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        QueryInfo q;
        q.where = SourceLocation{name, number};
        const auto tab = line.find('\t');
        if (tab == std::string::npos) {
            q.qid = std::to_string(number);
            q.text = line;
        } else {
            q.qid = line.substr(0, tab);
            q.text = line.substr(tab + 1);
            const auto first = q.qid.find_first_not_of(' ');
            q.qid = first == std::string::npos ? std::string() : q.qid.substr(first, q.qid.find_last_not_of(' ') - first + 1);
            if (q.qid.empty()) q.qid = std::to_string(number);
        }
        out.push_back(std::move(q));
    }
    if (in.bad()) throw Error(name + ": read error");
    return out;
}

std::string stats_json(const std::vector<PassTimings>& passes, double batch_wall_ms) {
    using nlohmann::json;
    // Same definitions as shared/bench/peers/common.py write_stats().
    auto summarize = [](std::vector<double> v) -> json {
        if (v.empty()) return nullptr;
        std::sort(v.begin(), v.end());
        double sum = 0;
        for (const double x : v) sum += x;
        const std::size_t n = v.size();
        const auto p95 = static_cast<std::size_t>(std::lround(0.95 * static_cast<double>(n - 1)));
        return {{"n", n}, {"mean", sum / static_cast<double>(n)}, {"p50", v[n / 2]}, {"p95", v[std::min(n - 1, p95)]}, {"max", v.back()}};
    };
    json d;
    d["queries"] = passes.empty() ? 0 : passes.front().query_ms.size();
    d["first_pass"] = passes.empty() ? json(nullptr) : summarize(passes.front().query_ms);
    std::vector<double> warm;
    double snippet_ms = 0;
    std::size_t timed = 0;
    for (std::size_t i = 1; i < passes.size(); ++i) {
        warm.insert(warm.end(), passes[i].query_ms.begin(), passes[i].query_ms.end());
    }
    for (const auto& p : passes) {
        snippet_ms += p.snippet_ms;
        timed += p.query_ms.size();
    }
    d["warm"] = summarize(warm);
    if (passes.size() > 1) {
        // The steps' wall time per query, over the warm passes.
        double parse = 0, rank = 0, hits = 0;
        for (std::size_t i = 1; i < passes.size(); ++i) {
            parse += passes[i].parse_ms;
            rank += passes[i].rank_ms;
            hits += passes[i].hits_ms;
        }
        const double n = warm.empty() ? 1.0 : static_cast<double>(warm.size());
        d["warm_steps_ms_mean"] = {{"parse", parse / n}, {"rank", rank / n}, {"hits", hits / n}};
    } else {
        d["warm_steps_ms_mean"] = nullptr;
    }
    json hits = json::object();
    if (!passes.empty()) {
        for (const auto& [qid, n] : passes.front().estimated) hits[qid] = n;
    }
    d["hits"] = std::move(hits);
    d["passes"] = passes.size();
    d["batch_wall_ms"] = batch_wall_ms;
    d["snippet_ms_mean"] = timed == 0 ? 0.0 : snippet_ms / static_cast<double>(timed);
    return d.dump(1, ' ', false, json::error_handler_t::replace);
}

} // namespace fahras
