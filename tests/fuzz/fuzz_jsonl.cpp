// libFuzzer target: the JSON Lines reader (and the compression sniffing in front of it) on
// arbitrary bytes, through a real file as fahras-index reads it. Every returned document must
// hold valid UTF-8; a bad record is reported, never thrown.

#include "common/document/input.hpp"
#include "common/document/reader.hpp"
#include "common/util/utf8.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // In memory when /dev/shm is there (it is fast); tests/fuzz_regression_test.cpp replays
    // this function too, on machines that may not have it.
    static const std::string path =
        (std::filesystem::is_directory("/dev/shm") ? std::string("/dev/shm") : std::filesystem::temp_directory_path().string()) +
        "/fahras-fuzz-jsonl-" + std::to_string(::getpid());
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    std::ostringstream messages;
    fahras::Diagnostics diagnostics("fuzz", messages);
    fahras::Input input = fahras::open_input(path);
    fahras::ReaderOptions options;
    options.max_body_bytes = 4096;
    auto reader = fahras::make_reader(fahras::InputFormat::Jsonl, input, options, diagnostics);
    try {
        while (auto doc = reader->next()) {
            check(fahras::utf8::find_invalid(doc->id) == std::string::npos);
            check(fahras::utf8::find_invalid(doc->title) == std::string::npos);
            check(fahras::utf8::find_invalid(doc->body) == std::string::npos);
            check(doc->body.size() <= options.max_body_bytes);
            check(!doc->id.empty());
        }
    } catch (const std::exception&) {
        // A damaged compressed stream may throw from the decompressor; fahras-index reports it.
    }
    return 0;
}
