/// HitPool: the per-hit work of a query (reading a hit's stored document, making its snippets)
/// spread over more than one core.
///
/// Why: once a query is ranked, each of its hits costs a B-tree read and an inflate (Xapian
/// stores the document compressed) and a scan of its whole text for the snippet window: on the
/// 2,000 news headlines of bench/ that is more than half of a query's time, and the hits are
/// independent of each other. The machines fahras runs on have cores to spare while one query
/// is answered, so the person at a terminal (and a script that sends one query at a time) waits
/// for about half of that part. Output is the same, byte for byte: the hits are worked on in any
/// order, then printed in rank order by the caller.
///
/// How: `threads - 1` helper threads live as long as the pool, each with its own handle on the
/// database (a Xapian::Database is not thread-safe), its own Analyzer (its stem cache is not)
/// and its own WordForms. run() hands out hit indices from one atomic counter, so the calling
/// thread and the helpers share the work whatever each one's speed; a helper that has not woken
/// up yet simply gets fewer hits. A helper reads the revision the Searcher reads: before each
/// run its handle is reopened if the revision differs, and a helper that still cannot reach it
/// (a writer committed twice since the Searcher opened it) sits that run out. A sharded
/// database (a stub over several) has no single revision to compare: there the pool runs
/// everything on the calling thread. On a busy machine, where another process holds the other
/// cores and a helper may not run for milliseconds while it holds a hit, the pool notices the
/// caller waiting for late helpers and leaves them out for a while (run()).
///
/// While it lives, a pool with helpers also lends them to its Searcher's ranking
/// (Searcher::set_parallel()): a query whose terms have many postings is ranked by two walks at
/// once that share out chunks of the docids (maxscore.hpp), with the same result.
#pragma once

#include "common/analysis/analyzer.hpp"
#include "common/search/word_forms.hpp"

#include <xapian.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fahras {

class Searcher;

class HitPool {
  public:
    /// What a task may use: the database, analyzer and word forms of the thread it runs on.
    struct Context {
        std::size_t index = 0; ///< 0: the calling thread (the Searcher's own); 1.. the helpers
        const Xapian::Database* db = nullptr;
        const Analyzer* analyzer = nullptr;
        WordForms* forms = nullptr;
    };
    using Task = std::function<void(Context&, std::size_t)>;

    /// A pool of `threads` threads in all, the caller included (1: no helper, everything runs on
    /// the calling thread). Each helper opens its own handle on `searcher`'s database and builds
    /// its analyzer on its own thread, and joins runs once that is done; one that cannot open the
    /// database never joins (the caller does its share).
    HitPool(Searcher& searcher, std::size_t threads);
    ~HitPool();
    HitPool(const HitPool&) = delete;
    HitPool& operator=(const HitPool&) = delete;

    /// Threads that share a run, the caller included (1 on a sharded database).
    [[nodiscard]] std::size_t threads() const noexcept { return helpers_.size() + 1; }

    /// Runs task(context, i) once for every i in [0, n), on the calling thread (with the
    /// Searcher's database, analyzer and word forms) and on the helpers that read the
    /// Searcher's revision; returns when all are done. The first exception a task throws is
    /// rethrown here, after every task has finished or been skipped.
    void run(std::size_t n, const Task& task);

    /// Helpers that have their database and analyzer and so can join runs.
    [[nodiscard]] std::size_t ready_helpers() const noexcept;

    /// Runs in which the caller waited long for a helper (one that was not running: the
    /// machine was busy), and the times helpers were then left out of the next runs.
    [[nodiscard]] std::size_t late_runs() const noexcept { return late_runs_; }
    [[nodiscard]] std::size_t cooldowns() const noexcept { return cooldowns_; }

    /// The number of hits each thread did in all runs so far (index as Context::index).
    [[nodiscard]] std::vector<std::size_t> done_per_thread() const;

  private:
    struct Helper {
        Xapian::Database db;
        std::unique_ptr<Analyzer> analyzer;
        std::unique_ptr<WordForms> forms;
        /// The generation of the run this helper takes part in: set by run() before the
        /// generation moves, so a helper that sees an older generation never mistakes it for
        /// an invitation.
        std::atomic<std::uint64_t> joins{0};
        std::size_t done = 0;
        std::atomic<bool> ready{false}; ///< db, analyzer and forms built (by the helper's thread)
        std::thread thread;
    };
    void helper_main(Helper& helper, std::size_t index);
    /// Takes indices from next_ until none is left; returns on the first exception (kept).
    void work(Context& context, std::size_t& done);

    Searcher& searcher_;
    std::vector<std::unique_ptr<Helper>> helpers_;
    std::size_t caller_done_ = 0;
    // When the machine is busy a helper may not run for milliseconds while it holds a hit, and
    // the caller waits for it: a query then takes longer than on one thread. Runs where that
    // happened are counted (a leaky bucket, strikes_), and past a threshold the helpers are left
    // out for a while (cooldown_ runs): see run().
    int strikes_ = 0;
    int cooldown_ = 0;
    std::size_t late_runs_ = 0;
    std::size_t cooldowns_ = 0;

    // The current run. Written by run() before generation_ moves, read by the helpers after
    // they see it move.
    const Task* task_ = nullptr;
    std::size_t n_ = 0;
    std::atomic<std::size_t> next_{0};
    std::atomic<std::uint64_t> open_{0};  ///< the generation of the run helpers may come into (0: none)
    std::atomic<std::size_t> active_{0};  ///< helpers inside the current run
    std::mutex error_mutex_;
    std::exception_ptr error_;
    std::atomic<bool> failed_{false}; ///< some task threw: the others stop taking indices

    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<bool> stop_{false}; ///< set (under mutex_) by the destructor
};

} // namespace fahras
