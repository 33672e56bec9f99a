#include "common/index/indexer.hpp"

#include "common/index/document_builder.hpp"
#include "common/index/parts.hpp"
#include "common/index/schema.hpp"
#include "common/index/shards.hpp"
#include "common/util/error.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace fahras {

std::vector<InputFile>
expand_inputs(const std::vector<std::string>& paths, Diagnostics& diagnostics, std::size_t& failed) {
    namespace fs = std::filesystem;
    std::vector<InputFile> out;
    for (const std::string& path : paths) {
        std::error_code ec;
        if (path == "-") {
            out.push_back(InputFile{path, "stdin", 0});
            continue;
        }
        if (fs::is_directory(path, ec)) {
            std::vector<InputFile> files;
            fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
            if (ec) {
                diagnostics.error(SourceLocation{path, 0}, "cannot read folder: " + ec.message());
                ++failed;
                continue;
            }
            for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
                if (ec) break;
                const std::string name = it->path().filename().string();
                if (!name.empty() && name[0] == '.') {
                    if (it->is_directory(ec)) it.disable_recursion_pending();
                    continue;
                }
                if (!it->is_regular_file(ec)) continue;
                files.push_back(InputFile{
                    it->path().string(), it->path().lexically_relative(path).generic_string(), it->file_size(ec)});
            }
            if (ec) {
                diagnostics.error(SourceLocation{path, 0}, "cannot read folder: " + ec.message());
                ++failed;
            }
            std::sort(files.begin(), files.end(), [](const InputFile& a, const InputFile& b) {
                return a.text_id < b.text_id;
            });
            out.insert(out.end(), files.begin(), files.end());
            continue;
        }
        const auto size = fs::file_size(path, ec);
        out.push_back(InputFile{path, fs::path(path).lexically_normal().generic_string(), ec ? 0 : size});
    }
    return out;
}

namespace {

struct Batch {
    std::uint64_t seq = 0;
    std::vector<Document> docs;
    std::vector<Xapian::Document> built; ///< filled by a worker
    std::uint64_t bytes_read = 0;        ///< raw input bytes read when the batch was cut (progress)
};

/// A small blocking queue with a capacity (back-pressure keeps memory flat) and a close().
template <typename T>
class BlockingQueue {
  public:
    explicit BlockingQueue(std::size_t capacity) : capacity_(capacity) {}
    /// False when cancelled (the item is dropped).
    bool push(T item) {
        std::unique_lock lock(mutex_);
        not_full_.wait(lock, [&] { return items_.size() < capacity_ || cancelled_; });
        if (cancelled_) return false;
        items_.push_back(std::move(item));
        not_empty_.notify_one();
        return true;
    }
    std::optional<T> pop() {
        std::unique_lock lock(mutex_);
        not_empty_.wait(lock, [&] { return !items_.empty() || closed_ || cancelled_; });
        if (items_.empty() || cancelled_) return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return item;
    }
    void close() {
        const std::lock_guard lock(mutex_);
        closed_ = true;
        not_empty_.notify_all();
    }
    /// Wakes everyone: push() fails and pop() ends from now on (the items left are dropped by
    /// the destructor, in the thread that owns the queue).
    void cancel() {
        const std::lock_guard lock(mutex_);
        cancelled_ = true;
        not_empty_.notify_all();
        not_full_.notify_all();
    }

  private:
    std::size_t capacity_;
    std::deque<T> items_;
    bool closed_ = false;
    bool cancelled_ = false;
    std::mutex mutex_;
    std::condition_variable not_empty_, not_full_;
};

/// Batches in flight between the reader and the writer: the reader takes a slot before it cuts
/// a batch and the writer gives it back once written, so memory stays flat when the writer is
/// the slowest stage (it is: Xapian's single writer).
class Slots {
  public:
    explicit Slots(std::size_t count) : free_(count) {}
    /// False when cancelled.
    bool acquire() {
        std::unique_lock lock(mutex_);
        freed_.wait(lock, [&] { return free_ > 0 || cancelled_; });
        if (cancelled_) return false;
        --free_;
        return true;
    }
    void release() {
        const std::lock_guard lock(mutex_);
        ++free_;
        freed_.notify_one();
    }
    void cancel() {
        const std::lock_guard lock(mutex_);
        cancelled_ = true;
        freed_.notify_all();
    }

  private:
    std::size_t free_;
    bool cancelled_ = false;
    std::mutex mutex_;
    std::condition_variable freed_;
};

/// Finished batches, handed to the writer in sequence order.
class Reorder {
  public:
    void put(Batch batch) {
        const std::lock_guard lock(mutex_);
        const auto seq = batch.seq;
        done_.emplace(seq, std::move(batch));
        ready_.notify_all();
    }
    /// The batch `seq`, or nullopt once `total` is known and reached.
    std::optional<Batch> take(std::uint64_t seq) {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return done_.count(seq) != 0 || (total_ && seq >= *total_); });
        const auto it = done_.find(seq);
        if (it == done_.end()) return std::nullopt;
        Batch batch = std::move(it->second);
        done_.erase(it);
        return batch;
    }
    void set_total(std::uint64_t total) {
        const std::lock_guard lock(mutex_);
        total_ = total;
        ready_.notify_all();
    }

  private:
    std::map<std::uint64_t, Batch> done_;
    std::optional<std::uint64_t> total_;
    std::mutex mutex_;
    std::condition_variable ready_;
};

std::string human_seconds(double s) {
    char buf[32];
    const auto t = static_cast<long>(s + 0.5);
    if (t >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else if (t >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
    else std::snprintf(buf, sizeof buf, "%lds", t);
    return buf;
}

} // namespace

IndexReport run_index(const IndexConfig& config, Diagnostics& diagnostics) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    IndexReport report;
    // A new database is built from parts (common/index/parts.hpp) unless config.direct; an
    // unfinished parts build is resumed; an existing database is updated in place.
    std::optional<PartsBuild> parts = find_parts_build(config.db_path, config.shards);
    if (!parts && !config.direct) {
        namespace fs = std::filesystem;
        std::error_code ec;
        const bool fresh = !fs::exists(config.db_path, ec) ||
                           (fs::is_directory(config.db_path, ec) && fs::is_empty(config.db_path, ec));
        if (fresh) {
            const unsigned writers = config.shards != 0 ? config.shards : default_shards();
            parts = start_parts_build(config.db_path, writers, config.shards != 0 ? config.shards : 1);
        }
    }
    ShardLayout layout;
    std::unique_ptr<PartsRegistry> registry;
    std::vector<std::unique_ptr<ShardWriter>> writers;
    if (parts) {
        registry = std::make_unique<PartsRegistry>(*parts);
        registry->remove_unlisted();
        for (unsigned w = 0; w < parts->writers; ++w) {
            writers.push_back(std::make_unique<PartsWriter>(*registry, *parts, w, config.analyzer, config.writer));
        }
    } else {
        layout = prepare_shards(config.db_path, config.shards);
        const auto count = static_cast<unsigned>(layout.paths.size());
        for (unsigned s = 0; s < count; ++s) {
            writers.push_back(std::make_unique<IndexWriter>(layout.paths[s], config.analyzer, config.writer, s, count));
        }
    }
    const auto shard_count = static_cast<unsigned>(writers.size());

    auto stopped = [&] { return config.stop != nullptr && config.stop->load(std::memory_order_relaxed); };

    const std::vector<InputFile> files = expand_inputs(config.inputs, diagnostics, report.failed_inputs);
    std::uint64_t total_bytes = 0;
    bool size_known = true;
    for (const auto& f : files) {
        total_bytes += f.size;
        size_known = size_known && f.size != 0;
    }

    unsigned threads = config.threads != 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
    const std::size_t batch_docs = std::max<std::size_t>(1, config.batch_docs);
    BlockingQueue<Batch> work(2 * threads + 2);
    Slots slots(2 * threads + 2);
    Reorder finished;
    std::atomic<bool> abort{false};
    std::atomic<std::uint64_t> bytes_read{0};
    std::exception_ptr reader_failure;

    // The reader: inputs → documents → batches, in order.
    std::thread reader_thread([&] {
        std::uint64_t seq = 0;
        try {
            Batch batch;
            std::size_t batch_bytes = 0;
            std::uint64_t finished_bytes = 0;
            auto flush = [&] {
                if (batch.docs.empty()) return;
                if (!slots.acquire()) {
                    abort.store(true);
                    return;
                }
                batch.seq = seq++;
                batch.bytes_read = bytes_read.load();
                work.push(std::move(batch));
                batch = Batch{};
                batch_bytes = 0;
            };
            for (const InputFile& file : files) {
                if (stopped() || abort.load()) break;
                Input input;
                try {
                    input = open_input(file.path);
                } catch (const Error& e) {
                    diagnostics.error(SourceLocation{}, e.what());
                    ++report.failed_inputs;
                    continue;
                }
                std::unique_ptr<DocumentReader> reader;
                try {
                    reader = make_reader(config.format, input, config.reader, diagnostics, file.text_id);
                } catch (const Error& e) {
                    diagnostics.error(SourceLocation{file.path, 0}, e.what());
                    ++report.failed_inputs;
                    continue;
                }
                while (!stopped() && !abort.load()) {
                    std::optional<Document> doc = reader->next();
                    if (!doc) break;
                    // The id becomes a Xapian term, which cannot be longer than kMaxTermBytes:
                    // Xapian would throw at the writer and end the whole run on one record.
                    if (prefix::id.size() + doc->id.size() > kMaxTermBytes) {
                        diagnostics.error(
                            doc->where,
                            "id of " + std::to_string(doc->id.size()) + " bytes is too long (at most " +
                                std::to_string(kMaxTermBytes - prefix::id.size()) + " bytes); skipped"
                        );
                        ++report.rejected;
                        continue;
                    }
                    batch_bytes += doc->body.size() + doc->title.size();
                    batch.docs.push_back(std::move(*doc));
                    bytes_read.store(finished_bytes + input.raw_bytes_read(), std::memory_order_relaxed);
                    // A batch is a number of documents or about 1 MB of text, whichever first,
                    // so that one huge page does not hold a worker while the others wait.
                    if (batch.docs.size() >= batch_docs || batch_bytes >= (1u << 20)) flush();
                }
                const ReaderStats& stats = reader->stats();
                report.rejected += stats.rejected;
                report.generated_ids += stats.generated_ids;
                report.repaired_utf8 += stats.repaired_utf8;
                report.truncated += stats.truncated;
                report.skipped += stats.skipped;
                finished_bytes += input.raw_bytes_read();
                bytes_read.store(finished_bytes, std::memory_order_relaxed);
            }
            flush();
        } catch (...) {
            reader_failure = std::current_exception();
        }
        work.close();
        finished.set_total(seq);
    });

    // The workers: one Analyzer and DocumentBuilder each (neither is thread-safe).
    std::vector<std::thread> workers;
    std::exception_ptr worker_failure;
    std::mutex failure_mutex;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            try {
                const Analyzer analyzer(config.analyzer);
                DocumentBuilder builder(analyzer);
                while (auto batch = work.pop()) {
                    batch->built.reserve(batch->docs.size());
                    try {
                        for (const Document& doc : batch->docs) batch->built.push_back(builder.build(doc));
                    } catch (...) {
                        // Hand the incomplete batch on: the writer stops at it.
                        abort.store(true);
                        const std::lock_guard lock(failure_mutex);
                        if (!worker_failure) worker_failure = std::current_exception();
                    }
                    finished.put(std::move(*batch));
                }
            } catch (...) {
                abort.store(true);
                const std::lock_guard lock(failure_mutex);
                if (!worker_failure) worker_failure = std::current_exception();
            }
        });
    }

    // The shard writers: one thread per shard, each taking its documents in input order.
    struct ShardItem {
        std::string id_term;
        Xapian::Document doc;
        const Document* source; ///< for messages; alive until the batch's slot is released
    };
    struct ShardBatch {
        std::vector<ShardItem> items;
        std::shared_ptr<Batch> batch; ///< keeps the source documents (and the reader's slot)
    };
    std::vector<std::unique_ptr<BlockingQueue<ShardBatch>>> shard_queues;
    for (unsigned s = 0; s < shard_count; ++s) shard_queues.push_back(std::make_unique<BlockingQueue<ShardBatch>>(4));
    std::atomic<std::size_t> added{0};
    std::vector<std::thread> shard_threads;
    std::exception_ptr writer_failure;
    auto fail = [&](std::exception_ptr e) {
        abort.store(true);
        {
            const std::lock_guard lock(failure_mutex);
            if (!writer_failure) writer_failure = std::move(e);
        }
        slots.cancel();
        for (auto& q : shard_queues) q->cancel();
    };
    for (unsigned s = 0; s < shard_count; ++s) {
        shard_threads.emplace_back([&, s] {
            ShardWriter& writer = *writers[s];
            try {
                while (auto sb = shard_queues[s]->pop()) {
                    for (ShardItem& item : sb->items) {
                        if (writer.add(item.id_term, item.doc) == ShardWriter::Added::Duplicate) {
                            diagnostics.warning(
                                item.source->where,
                                "duplicate id '" + item.source->id + "': it replaces the earlier record with this id"
                            );
                        }
                        // Drop the Xapian document here, in the writer thread that used it last.
                        item.doc = Xapian::Document();
                        added.fetch_add(1, std::memory_order_relaxed);
                    }
                    sb->items.clear();
                    sb->batch.reset(); // the last shard done with a batch gives its slot back
                }
                // The last commit of this shard, in parallel with the others.
                if (!abort.load()) writer.commit();
            } catch (...) {
                fail(std::current_exception());
            }
        });
    }

    // The dealer (this thread): batches in input order → each document to its shard.
    auto last_status = Clock::now();
    auto show_status = [&](bool force) {
        if (!config.progress) return;
        const auto now = Clock::now();
        if (!force && now - last_status < std::chrono::milliseconds(500)) return;
        last_status = now;
        const double elapsed = std::chrono::duration<double>(now - started).count();
        const auto read = bytes_read.load(std::memory_order_relaxed);
        const auto done = added.load(std::memory_order_relaxed);
        char line[256];
        int n = std::snprintf(
            line,
            sizeof line,
            "%zu documents, %.1f MB read, %.0f docs/s",
            done,
            static_cast<double>(read) / 1e6,
            elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0
        );
        if (size_known && total_bytes > 0 && read > 0 && n > 0 && static_cast<std::size_t>(n) < sizeof line) {
            const double fraction = std::min(1.0, static_cast<double>(read) / static_cast<double>(total_bytes));
            std::snprintf(
                line + n,
                sizeof line - static_cast<std::size_t>(n),
                ", %.0f%%, ETA %s",
                fraction * 100,
                human_seconds(elapsed / fraction - elapsed).c_str()
            );
        }
        diagnostics.status(line);
    };

    try {
        for (std::uint64_t seq = 0;; ++seq) {
            std::optional<Batch> taken = finished.take(seq);
            if (!taken) break;
            if (taken->built.size() != taken->docs.size()) { // a worker failed mid-batch
                slots.cancel();
                break;
            }
            // Shared by the shards that get some of its documents; freed, and its slot given
            // back to the reader, when the last of them is done with it.
            std::shared_ptr<Batch> batch(new Batch(std::move(*taken)), [&slots](Batch* b) {
                delete b;
                slots.release();
            });
            std::vector<ShardBatch> dealt(shard_count);
            for (std::size_t i = 0; i < batch->docs.size(); ++i) {
                std::string id_term = DocumentBuilder::id_term(batch->docs[i].id);
                const unsigned s = shard_of(id_term, shard_count);
                dealt[s].items.push_back(ShardItem{std::move(id_term), std::move(batch->built[i]), &batch->docs[i]});
            }
            for (auto& d : dealt) {
                if (!d.items.empty()) d.batch = batch;
            }
            batch.reset();
            bool pushed = true;
            for (unsigned s = 0; s < shard_count && pushed; ++s) {
                if (!dealt[s].items.empty()) pushed = shard_queues[s]->push(std::move(dealt[s]));
            }
            if (!pushed) break; // a shard writer failed
            show_status(false);
        }
    } catch (...) {
        fail(std::current_exception());
    }
    for (auto& q : shard_queues) q->close();
    for (auto& t : shard_threads) t.join();
    if (abort.load()) {
        // Stop the others before rethrowing (each shard keeps its last commit).
        slots.cancel();
    }
    reader_thread.join();
    for (auto& w : workers) w.join();
    if (writer_failure) std::rethrow_exception(writer_failure);
    if (reader_failure) std::rethrow_exception(reader_failure);
    if (worker_failure) std::rethrow_exception(worker_failure);

    show_status(true);
    if (config.progress) diagnostics.status("");
    for (const auto& writer : writers) {
        report.indexed += writer->added();
        report.replaced += writer->replaced();
        report.duplicates += writer->duplicates();
        report.doc_count += writer->doc_count();
        report.commits += writer->commits();
    }
    report.bytes_read = bytes_read.load();
    report.interrupted = stopped();
    {
        // Close and sync the shards in parallel (fsync of each shard's files).
        std::vector<std::thread> closers;
        std::vector<std::exception_ptr> close_failures(shard_count);
        for (unsigned s = 0; s < shard_count; ++s) {
            closers.emplace_back([&, s] {
                try {
                    writers[s]->close();
                } catch (...) {
                    close_failures[s] = std::current_exception();
                }
            });
        }
        for (auto& t : closers) t.join();
        for (auto& e : close_failures) {
            if (e) std::rethrow_exception(e);
        }
    }
    if (parts) {
        if (report.interrupted) {
            // Left as a build folder (searchable), synced; the same command again finishes it.
            for (const auto& writer : writers) static_cast<PartsWriter&>(*writer).sync();
        } else {
            finish_parts_build(*parts, *registry, started); // one compacted database (or shard each)
            if (config.compact && parts->shards > 1) merge_shards(config.db_path, read_stub(config.db_path));
        }
        report.doc_count = Xapian::Database(config.db_path).get_doccount();
    } else if (config.compact && !report.interrupted) {
        if (layout.stub) merge_shards(config.db_path, layout.paths);
        else compact_database(config.db_path);
    }
    report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return report;
}

} // namespace fahras
