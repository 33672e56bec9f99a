#include "common/search/hit_pool.hpp"

#include "common/search/searcher.hpp"

#include <chrono>

namespace fahras {
namespace {

// How long a helper that has finished a run keeps watching for the next one before it sleeps.
// Waking a sleeping thread takes tens of microseconds on a virtual machine, a good part of what
// the helper would save; a batch of queries starts a run about every half millisecond, so a
// helper that watches a little longer than that is there for the next query at once. Bounded:
// an idle pool (a person reading results) costs no CPU after this.
constexpr auto kWatch = std::chrono::microseconds(1500);

// A helper that keeps the caller waiting this long after the caller ran out of hits was not
// running (another process had its core): the caller would have done the hit sooner itself.
constexpr auto kLate = std::chrono::microseconds(150);
// Late runs add kStrike to a leaky bucket, runs on time take one off; when it reaches kStrikes
// (helpers late in about a fifth of recent runs: the machine is busy), helpers sit out the next
// kCooldown runs, then are tried again.
constexpr int kStrike = 4;
constexpr int kStrikes = 12;
constexpr int kCooldown = 256;

void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
}

// The revision of a single database into `out`; false for a stub over several (Xapian has no
// one revision for it).
bool revision_of(const Xapian::Database& db, Xapian::rev& out) {
    try {
        out = db.get_revision();
        return true;
    } catch (const Xapian::InvalidOperationError&) {
        return false;
    }
}

} // namespace

HitPool::HitPool(Searcher& searcher, std::size_t threads) : searcher_(searcher) {
    Xapian::rev revision = 0;
    if (threads <= 1 || !revision_of(searcher.database(), revision)) return;
    for (std::size_t i = 1; i < threads; ++i) helpers_.push_back(std::make_unique<Helper>());
    // Each helper opens its database and builds its analyzer on its own thread (a few
    // milliseconds of CPU), while this one goes on: a single query is not kept waiting for
    // helpers it may not need; they join the runs once ready.
    for (std::size_t i = 0; i < helpers_.size(); ++i) {
        Helper& h = *helpers_[i];
        h.thread = std::thread([this, &h, i] { helper_main(h, i + 1); });
    }
    // Large rankings from memory use the helpers too (maxscore.hpp: two walks sharing chunks of docids).
    searcher_.set_parallel(
        [this](std::size_t n, const std::function<void(std::size_t)>& body) {
            run(n, [&body](Context&, std::size_t i) { body(i); });
        },
        [this](std::size_t n, const std::function<void(std::size_t, const Xapian::Database&)>& body) {
            run(n, [&body](Context& context, std::size_t i) { body(i, *context.db); });
        }
    );
}

HitPool::~HitPool() {
    if (!helpers_.empty()) searcher_.set_parallel({});
    {
        const std::lock_guard lock(mutex_);
        stop_.store(true, std::memory_order_release);
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& h : helpers_) {
        if (h->thread.joinable()) h->thread.join();
    }
}

std::size_t HitPool::ready_helpers() const noexcept {
    std::size_t n = 0;
    for (const auto& h : helpers_) n += h->ready.load(std::memory_order_acquire) ? 1 : 0;
    return n;
}

std::vector<std::size_t> HitPool::done_per_thread() const {
    std::vector<std::size_t> out{caller_done_};
    for (const auto& h : helpers_) out.push_back(h->done);
    return out;
}

void HitPool::work(Context& context, std::size_t& done) {
    for (;;) {
        if (failed_.load(std::memory_order_relaxed)) return;
        const std::size_t i = next_.fetch_add(1, std::memory_order_relaxed);
        if (i >= n_) return;
        try {
            (*task_)(context, i);
            ++done;
        } catch (...) {
            const std::lock_guard lock(error_mutex_);
            if (!error_) error_ = std::current_exception();
            failed_.store(true, std::memory_order_relaxed);
            return;
        }
    }
}

void HitPool::run(std::size_t n, const Task& task) {
    Context mine{0, &searcher_.database(), &searcher_.analyzer(), &searcher_.word_forms()};
    // Helpers take part only when there is more than one hit and they read the same revision.
    std::size_t joining = 0;
    if (cooldown_ > 0) --cooldown_;
    if (n > 1 && !helpers_.empty() && cooldown_ == 0) {
        Xapian::rev want = 0;
        const bool known = revision_of(searcher_.database(), want);
        const std::uint64_t next_generation = generation_.load(std::memory_order_relaxed) + 1;
        for (auto& h : helpers_) {
            if (!known || !h->ready.load(std::memory_order_acquire)) continue;
            try {
                Xapian::rev have = 0;
                if (!revision_of(h->db, have)) continue;
                if (have != want) {
                    (void)h->db.reopen();
                    if (!revision_of(h->db, have) || have != want) continue;
                }
            } catch (const Xapian::Error&) {
                continue; // this helper cannot read the database now: the others (and we) do its share
            }
            h->joins.store(next_generation, std::memory_order_relaxed);
            ++joining;
        }
    }
    task_ = &task;
    n_ = n;
    next_.store(0, std::memory_order_relaxed);
    failed_.store(false, std::memory_order_relaxed);
    error_ = nullptr;
    if (joining > 0) {
        const std::uint64_t generation = generation_.load(std::memory_order_relaxed) + 1;
        open_.store(generation, std::memory_order_seq_cst);
        {
            // Under the mutex, so that a helper between its check and its sleep cannot miss it.
            const std::lock_guard lock(mutex_);
            generation_.store(generation, std::memory_order_release);
        }
        wake_.notify_all();
    }
    work(mine, caller_done_);
    if (joining > 0) {
        // Close the run, then wait for the helpers inside it to finish the hits they have taken.
        // A helper that has not come in yet (still waking up) finds it closed and stays out: we
        // never wait for a sleeping helper, only for one at work. (Both sides write, then read
        // the other's variable, sequentially consistent: at least one sees the other.)
        open_.store(0, std::memory_order_seq_cst);
        const auto waiting = std::chrono::steady_clock::now();
        for (unsigned spins = 0; active_.load(std::memory_order_seq_cst) != 0; ++spins) {
            if (spins < 4096) {
                cpu_relax();
            } else {
                std::this_thread::yield();
            }
        }
        if (std::chrono::steady_clock::now() - waiting > kLate) {
            ++late_runs_;
            strikes_ += kStrike;
            if (strikes_ >= kStrikes) {
                strikes_ = 0;
                cooldown_ = kCooldown;
                ++cooldowns_;
            }
        } else if (strikes_ > 0) {
            --strikes_;
        }
    }
    task_ = nullptr;
    if (error_) std::rethrow_exception(error_);
}

void HitPool::helper_main(Helper& helper, std::size_t index) {
    try {
        helper.db = Xapian::Database(searcher_.path());
        helper.analyzer = std::make_unique<Analyzer>(searcher_.analyzer().config());
        helper.forms = std::make_unique<WordForms>(*helper.analyzer);
    } catch (...) {
        // This handle cannot be had (the database went away, memory ran out…): the helper never
        // joins a run, and the caller does its share, as with any helper not ready.
        return;
    }
    helper.ready.store(true, std::memory_order_release);
    Context context{index, &helper.db, helper.analyzer.get(), helper.forms.get()};
    std::uint64_t seen = 0;
    for (;;) {
        // Watch for the next run a little while, then sleep until one comes.
        const auto until = std::chrono::steady_clock::now() + kWatch;
        unsigned spins = 0;
        while (generation_.load(std::memory_order_acquire) == seen) {
            cpu_relax();
            if (++spins % 256 == 0 && std::chrono::steady_clock::now() > until) break;
        }
        if (generation_.load(std::memory_order_acquire) == seen) {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        }
        if (stop_.load(std::memory_order_acquire)) return;
        seen = generation_.load(std::memory_order_acquire);
        if (helper.joins.load(std::memory_order_relaxed) != seen) continue;
        // Come in, then check that the run is still open (run() closes it, then waits for those
        // inside).
        active_.fetch_add(1, std::memory_order_seq_cst);
        if (open_.load(std::memory_order_seq_cst) == seen) work(context, helper.done);
        active_.fetch_sub(1, std::memory_order_release);
    }
}

} // namespace fahras
