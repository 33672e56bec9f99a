// For the reader targets (fuzz_jsonl, fuzz_wikixml): the fuzzer's bytes read back as
// fahras-index reads a file, through open_input (compression sniffing) and a reader.
#pragma once

#include "common/document/input.hpp"
#include "common/document/reader.hpp"
#include "common/util/diagnostics.hpp"

#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace fahras::fuzz {

/// Writes `bytes` to a file of this process (in memory when /dev/shm is there: it is fast;
/// tests/fuzz_regression_test.cpp replays the targets on machines that may not have it), reads
/// it with a `format` reader whose bodies are capped at `max_body_bytes`, and hands each
/// document to `check`. A damaged compressed stream may throw from the decompressor (fahras-index
/// reports it): that ends the reading, as it ends a file there.
inline void read_as_file(
    std::string_view target,
    std::string_view bytes,
    InputFormat format,
    std::size_t max_body_bytes,
    const std::function<void(const Document&)>& check
) {
    static const std::string dir =
        std::filesystem::is_directory("/dev/shm") ? std::string("/dev/shm") : std::filesystem::temp_directory_path().string();
    const std::string path = dir + "/fahras-fuzz-" + std::string(target) + "-" + std::to_string(::getpid());
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    std::ostringstream messages;
    Diagnostics diagnostics("fuzz", messages);
    Input input = open_input(path);
    ReaderOptions options;
    options.max_body_bytes = max_body_bytes;
    auto reader = make_reader(format, input, options, diagnostics);
    try {
        while (auto doc = reader->next()) check(*doc);
    } catch (const std::exception&) {
    }
}

} // namespace fahras::fuzz
