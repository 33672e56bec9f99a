// Faults around the database, with the real fahras-index and fahras-search binaries in child
// processes: the disk filling up while indexing (a file-size limit, RLIMIT_FSIZE, on the
// child), a read-only database, a second writer, searching while a writer commits, a corrupted
// database and a Xapian database that fahras did not write.

#include "common/index/document_builder.hpp"
#include "common/index/indexer.hpp"
#include "common/index/schema.hpp"
#include "support/child.hpp"
#include "support/search_fixture.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <grp.h>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace fahras;
namespace fs = std::filesystem;

namespace {

/// What to change in the child before it runs the binary.
struct ChildSetup {
    rlim_t max_file_bytes = RLIM_INFINITY; ///< RLIMIT_FSIZE, with SIGXFSZ ignored: writes fail with EFBIG
    uid_t uid = 0;                         ///< when not 0 (and we are root): run as this user and group
};

/// Runs `argv` to the end with `setup` applied in the child (fork, then only async-signal-safe
/// calls before exec); returns the exit status (128 + signal when killed) and stderr in `err`.
int run_with(const std::vector<std::string>& argv, const std::string& dir, std::string& err, const ChildSetup& setup) {
    const std::string err_path = dir + "/child.err";
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || ::dup2(fd, 2) < 0) ::_exit(126);
        const int null = ::open("/dev/null", O_WRONLY);
        if (null >= 0) ::dup2(null, 1);
        if (setup.max_file_bytes != RLIM_INFINITY) {
            ::signal(SIGXFSZ, SIG_IGN); // an ignored signal stays ignored across exec
            const rlimit limit{setup.max_file_bytes, setup.max_file_bytes};
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(126);
        }
        if (setup.uid != 0) {
            const gid_t group = static_cast<gid_t>(setup.uid);
            if (::setgroups(0, nullptr) != 0 || ::setgid(group) != 0 || ::setuid(setup.uid) != 0) ::_exit(125);
        }
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::ifstream in(err_path);
    std::stringstream ss;
    ss << in.rdbuf();
    err = ss.str();
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

int run_plain(const std::vector<std::string>& argv, const std::string& dir, std::string& err) {
    return run_with(argv, dir, err, ChildSetup{});
}

/// `count` records whose bodies all hold قطر (ids f0…), written as JSON Lines.
void write_corpus(const std::string& path, int count) {
    std::ofstream out(path);
    for (int i = 0; i < count; ++i) {
        out << "{\"id\":\"f" << i << "\",\"title\":\"خبر رقم " << i
            << "\",\"body\":\"قطر والكويت تبحثان التعاون الاقتصادي والرياضي في خبر رقم " << i
            << " عن الاستثمار والطاقة والنقل والموانئ والتعليم والصحة في المنطقة العربية خلال العام المقبل\"}\n";
    }
}

Xapian::doccount doc_count_now(const std::string& db) {
    try {
        return Xapian::Database(db).get_doccount();
    } catch (const Xapian::Error&) {
        return 0; // not created yet, or caught between revisions
    }
}

/// Every Q term names exactly one document and there are as many as documents.
bool ids_consistent(const Xapian::Database& db) {
    Xapian::doccount ids = 0;
    for (auto t = db.allterms_begin("Q"); t != db.allterms_end("Q"); ++t) {
        if (t.get_termfreq() != 1) return false;
        ++ids;
    }
    return ids == db.get_doccount();
}

/// The bytes of every file of a folder, to show that a run changed nothing.
std::map<std::string, std::string> snapshot(const std::string& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::directory_iterator(dir)) {
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        files[e.path().filename().string()] = ss.str();
    }
    return files;
}

void index_fixture(const std::string& db, const std::string& input) { test::index_into(db, {input}); }

} // namespace

TEST_CASE("disk full while indexing: exit 2 naming the database, the last commit intact, a re-run completes", "[fault][child]") {
    test::TempDir dir;
    const std::string input = dir / "corpus.jsonl";
    write_corpus(input, 1200);
    const std::string db = dir / "db";
    const std::vector<std::string> command = {
        FAHRAS_INDEX_BIN, "--db", db, "--threads", "1", "--shards", "1", "--commit-every", "50", "--commit-postings", "0", input};
    // One writer, so that "a whole number of batches" below is exact (with shards each shard
    // stops at its own last commit; tests/indexer_test.cpp kills sharded builds).

    // No table file may grow past 256 KiB: the 1,200 documents need about 1.3 MB in the largest.
    std::string err;
    ChildSetup full;
    full.max_file_bytes = 256 * 1024;
    CHECK(run_with(command, dir.path().string(), err, full) == 2);
    INFO(err);
    // One clear line naming the database and the cause (EFBIG: "File too large").
    // The database, or the shard or part of it that hit the limit (DB/shardN, DB.parts/part-…).
    CHECK_THAT(
        err,
        Catch::StartsWith("fahras-index: " + db + ": ") || Catch::StartsWith("fahras-index: " + db + "/shard") ||
            Catch::StartsWith("fahras-index: " + db + ".parts/part-")
    );
    CHECK_THAT(err, Catch::Contains("File too large"));
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);

    // The database opens at its last commit: a whole number of batches, each id once, metadata there.
    {
        Xapian::Database opened(db);
        const auto count = opened.get_doccount();
        CHECK(count >= 50);
        CHECK(count < 1200);
        CHECK(count % 50 == 0);
        CHECK(ids_consistent(opened));
        CHECK(opened.get_metadata(std::string(metadata::schema_version)) == std::to_string(kSchemaVersion));
    }
    // fahras-search reads it as it is.
    CHECK(run_plain({FAHRAS_SEARCH_BIN, "--db", db, "-n", "1", "قطر"}, dir.path().string(), err) == 0);

    // The same command without the limit: complete, no duplicates.
    CHECK(run_plain(command, dir.path().string(), err) == 0);
    Xapian::Database done(db);
    CHECK(done.get_doccount() == 1200);
    CHECK(ids_consistent(done));
}

TEST_CASE("a read-only database: fahras-index says so (not locked) and changes nothing, fahras-search reads it", "[fault][child]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    index_fixture(db, test::data_path("mini.jsonl"));
    const auto before = snapshot(db);
    // chmod a-w on the folder and its files. Root ignores permission bits, so when the tests run
    // as root (CI containers) the children run as the unprivileged user 65534 ("nobody"), for
    // whom the bits hold (the files stay root's: not writable by others either way).
    for (const auto& e : fs::directory_iterator(db)) fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::remove);
    fs::permissions(db, fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write, fs::perm_options::remove);
    ChildSetup setup;
    if (::geteuid() == 0) {
        setup.uid = 65534;
        // nobody must be able to reach the binaries, the fixtures and the temporary folder.
        for (const std::string& path : {std::string(FAHRAS_INDEX_BIN), test::data_path("search.jsonl"), db}) {
            std::string err;
            const int rc = run_with({"/bin/sh", "-c", "test -r \"$0\"", path}, dir.path().string(), err, setup);
            if (rc != 0) {
                WARN("cannot run as user 65534 here (" << path << " unreadable, or no setuid): read-only case not tested");
                return;
            }
        }
    }
    std::string err;
    CHECK(run_with({FAHRAS_INDEX_BIN, "--db", db, test::data_path("search.jsonl")}, dir.path().string(), err, setup) == 2);
    INFO(err);
    CHECK_THAT(err, Catch::StartsWith("fahras-index: " + db + ": cannot open database for writing: "));
    CHECK_THAT(err, Catch::Contains("Permission denied"));
    CHECK_THAT(err, !Catch::Contains("locked"));
    CHECK(snapshot(db) == before);
    CHECK(run_with({FAHRAS_SEARCH_BIN, "--db", db, "-n", "1", "الشراكة"}, dir.path().string(), err, setup) == 0);
    fs::permissions(db, fs::perms::owner_write, fs::perm_options::add); // so that TempDir can remove it
}

TEST_CASE("a second writer on a locked database gets exit 2 naming the database, the first is unharmed", "[fault][child]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    index_fixture(db, test::data_path("mini.jsonl"));
    std::string err;
    {
        // The lock held by this process: deterministic.
        Xapian::WritableDatabase holder(db, Xapian::DB_OPEN);
        CHECK(run_plain({FAHRAS_INDEX_BIN, "--db", db, test::data_path("search.jsonl")}, dir.path().string(), err) == 2);
        CHECK(err == "fahras-index: " + db + ": database is locked: another fahras-index is writing to it\n");
    }
    // The lock held by a running fahras-index.
    const std::string input = dir / "corpus.jsonl";
    write_corpus(input, 1500);
    test::Child first({FAHRAS_INDEX_BIN, "--db", db, "--commit-every", "100", "-q", input}, dir / "first.out", dir / "first.err");
    REQUIRE(first.started());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (first.running() && doc_count_now(db) < 100 + 9 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const int second = run_plain({FAHRAS_INDEX_BIN, "--db", db, test::data_path("search.jsonl")}, dir.path().string(), err);
    const bool overlapped = first.running(); // else the first was done too soon: the check proves nothing
    CHECK(first.wait() == 0);
    REQUIRE(overlapped);
    CHECK(second == 2);
    CHECK(err == "fahras-index: " + db + ": database is locked: another fahras-index is writing to it\n");
    Xapian::Database done(db);
    CHECK(done.get_doccount() == 1500 + 9);
    CHECK(ids_consistent(done));
}

TEST_CASE("searching while fahras-index commits never fails and sees only committed documents", "[fault][child]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    const std::string input = dir / "corpus.jsonl";
    write_corpus(input, 3000);
    test::Child writer(
        {FAHRAS_INDEX_BIN, "--db", db, "--threads", "1", "--commit-every", "100", "--commit-postings", "0", "-q", input},
        dir / "w.out",
        dir / "w.err"
    );
    REQUIRE(writer.started());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (writer.running() && doc_count_now(db) == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // fahras-search as a user runs it, again and again while the writer commits: exit 0, and
    // the count of =قطر (in every document) is always a whole number of commits, never less
    // than the one before.
    const std::regex estimated("\"estimated\":([0-9]+)");
    int searches_during = 0;
    long last = 0;
    std::vector<std::string> failures;
    while (writer.running()) {
        test::Child search({FAHRAS_SEARCH_BIN, "--db", db, "--format", "json", "-n", "3", "=قطر"}, dir / "s.out", dir / "s.err");
        const int rc = search.wait();
        const bool during = writer.running();
        std::ifstream in(dir / "s.out");
        std::stringstream out;
        out << in.rdbuf();
        std::smatch m;
        const std::string text = out.str();
        if (rc != 0 || !std::regex_search(text, m, estimated)) {
            failures.push_back("exit " + std::to_string(rc) + ": " + search.err() + text);
            continue;
        }
        const long n = std::stol(m[1]);
        if (n % 100 != 0 || n < last) failures.push_back("saw " + std::to_string(n) + " documents after " + std::to_string(last));
        last = n;
        if (during) ++searches_during;
    }
    CHECK(writer.wait() == 0);
    INFO(searches_during << " searches while indexing");
    for (const auto& f : failures) FAIL_CHECK(f);
    CHECK(searches_during >= 2);
    std::string err;
    CHECK(run_plain({FAHRAS_SEARCH_BIN, "--db", db, "--format", "json", "-n", "1", "=قطر"}, dir.path().string(), err) == 0);
    CHECK(Xapian::Database(db).get_doccount() == 3000);
}

TEST_CASE("a corrupted database: fahras-search exits 2 naming it, fahras-index refuses it untouched", "[fault][child]") {
    test::TempDir dir;
    const std::string clean = dir / "clean";
    index_fixture(clean, test::data_path("mini.jsonl"));
    const auto [damage, file] = GENERATE(table<std::string, std::string>({
        {"truncate", "postlist.glass"},
        {"truncate", "docdata.glass"},
        {"garbage", "iamglass"},
        {"remove", "iamglass"},
        {"empty", "position.glass"},
    }));
    INFO(damage << " " << file);
    const std::string db = dir / (damage + "-" + file);
    fs::copy(clean, db);
    const std::string target = db + "/" + file;
    if (damage == "truncate") fs::resize_file(target, fs::file_size(target) / 2); // cut inside a block
    if (damage == "empty") fs::resize_file(target, 0);
    if (damage == "remove") fs::remove(target);
    if (damage == "garbage") {
        std::ofstream out(target, std::ios::binary | std::ios::trunc);
        for (int i = 0; i < 107; ++i) out.put(static_cast<char>(i * 37 + 11));
    }
    const auto before = snapshot(db);
    std::string err;
    CHECK(run_plain({FAHRAS_SEARCH_BIN, "--db", db, "-n", "5", "\"الشراكة الاستراتيجية\" OR إيران"}, dir.path().string(), err) == 2);
    CHECK_THAT(err, Catch::StartsWith("fahras-search: " + db + ": cannot open database: "));
    CHECK(run_plain({FAHRAS_INDEX_BIN, "--db", db, test::data_path("mini.jsonl")}, dir.path().string(), err) == 2);
    CHECK_THAT(err, Catch::StartsWith("fahras-index: " + db + ": cannot open database for writing: "));
    CHECK(snapshot(db) == before);
}

TEST_CASE("a Xapian database fahras did not write: fahras-search exits 2, fahras-index leaves it alone", "[fault][child]") {
    test::TempDir dir;
    const std::string db = dir / "foreign";
    {
        Xapian::WritableDatabase w(db, Xapian::DB_CREATE);
        for (const char* text : {"alpha beta", "beta gamma", "قطر"}) {
            Xapian::Document doc;
            doc.set_data(text);
            Xapian::TermGenerator tg;
            tg.set_document(doc);
            tg.index_text(text);
            w.add_document(doc);
        }
        w.set_metadata("owner", "someone else");
        w.commit();
    }
    const auto before = snapshot(db);
    std::string err;
    CHECK(run_plain({FAHRAS_SEARCH_BIN, "--db", db, "قطر"}, dir.path().string(), err) == 2);
    CHECK(err == "fahras-search: " + db + ": not a fahras database (no fahras:schema_version metadata)\n");
    CHECK(run_plain({FAHRAS_INDEX_BIN, "--db", db, test::data_path("mini.jsonl")}, dir.path().string(), err) == 2);
    CHECK(err == "fahras-index: " + db + ": not a fahras database (a Xapian database without fahras metadata)\n");
    CHECK(snapshot(db) == before);
    Xapian::Database after(db);
    CHECK(after.get_doccount() == 3);
    CHECK(after.get_metadata("owner") == "someone else");
    CHECK(after.get_metadata(std::string(metadata::schema_version)).empty());

    // An empty Xapian database holds nothing to lose: fahras-index makes it a fahras database.
    const std::string empty = dir / "empty";
    { Xapian::WritableDatabase w(empty, Xapian::DB_CREATE); w.commit(); }
    CHECK(run_plain({FAHRAS_INDEX_BIN, "--db", empty, test::data_path("mini.jsonl")}, dir.path().string(), err) == 0);
    CHECK(Xapian::Database(empty).get_doccount() == 9);
}
