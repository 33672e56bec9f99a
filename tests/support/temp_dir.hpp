/// TempDir: an RAII temporary folder for tests (removed with everything in it).
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace fahras::test {

class TempDir {
  public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("fahras-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] std::string operator/(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

/// The folder of test fixtures (tests/data), set by CMake.
inline std::string data_path(const std::string& name) { return std::string(FAHRAS_TEST_DATA) + "/" + name; }
/// A file of the bundled corpus (corpus/).
inline std::string corpus_path(const std::string& name) { return std::string(FAHRAS_TEST_DATA) + "/../../corpus/" + name; }

} // namespace fahras::test
