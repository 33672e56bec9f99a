// libFuzzer target: the JSON Lines reader (and the compression sniffing in front of it) on
// arbitrary bytes, through a real file as fahras-index reads it. Every returned document must
// hold valid UTF-8; a bad record is reported, never thrown.

#include "common/util/utf8.hpp"
#include "fuzz_reader.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    constexpr std::size_t kMaxBody = 4096;
    fahras::fuzz::read_as_file("jsonl", bytes, fahras::InputFormat::Jsonl, kMaxBody, [](const fahras::Document& doc) {
        check(fahras::utf8::find_invalid(doc.id) == std::string::npos);
        check(fahras::utf8::find_invalid(doc.title) == std::string::npos);
        check(fahras::utf8::find_invalid(doc.body) == std::string::npos);
        check(doc.body.size() <= kMaxBody);
        check(!doc.id.empty());
    });
    return 0;
}
