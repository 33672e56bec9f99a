// libFuzzer target: the stored form of a document (encode_stored / decode_stored). The first
// byte picks what the rest is:
//   0: stored data as it comes (any bytes, any format tag): decode_stored() gives a document or
//      throws fahras::Error, nothing else;
//   else: the text of a document (split at NUL bytes into id, title, body), which is encoded,
//      must decode to itself, and is then damaged: the byte at each position that the input's
//      first byte picks within the frame is XORed with it, and the damaged record must either
//      fail with fahras::Error or (a checksum collision) decode to the same document. The frame
//      carries a checksum, so damage is never decoded into other text.

#include "common/index/document_builder.hpp"
#include "common/util/error.hpp"
#include "common/util/utf8.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool ok, int line = __builtin_LINE()) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_stored: invariant at line %d failed\n", line);
        std::abort();
    }
}

bool same(const fahras::Document& a, const fahras::Document& b) {
    return a.id == b.id && a.title == b.title && a.body == b.body && a.date == b.date && a.source == b.source &&
           a.category == b.category && a.url == b.url && a.extra == b.extra;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    const auto mode = static_cast<unsigned char>(data[0]);
    if (mode == 0) {
        try {
            const fahras::Document doc = fahras::decode_stored(input);
            (void)doc;
        } catch (const fahras::Error&) {
            // damaged or unknown: a clear error is the right answer
        }
        return 0;
    }

    // Documents the readers give: valid UTF-8 in every field.
    std::size_t repaired = 0;
    const std::string text = fahras::utf8::repair(input, repaired);
    // id NUL title NUL body (an empty id: "x"; the indexer never stores one).
    std::string_view fields[3];
    std::string_view rest = text;
    for (std::size_t f = 0; f < 3; ++f) {
        const std::size_t nul = f == 2 ? std::string_view::npos : rest.find('\0');
        fields[f] = rest.substr(0, nul);
        if (nul == std::string_view::npos) break;
        rest.remove_prefix(nul + 1);
    }
    fahras::Document doc;
    doc.id = fields[0].empty() ? std::string_view("x") : fields[0];
    doc.title = fields[1];
    doc.body = fields[2];

    const std::string stored = fahras::encode_stored(doc);
    check(same(fahras::decode_stored(stored), doc));

    // The frame starts after the tag, the id's length (1-5 bytes) and the id.
    std::size_t frame = 1;
    while (frame < stored.size() && (static_cast<unsigned char>(stored[frame]) & 0x80) != 0) ++frame;
    frame += 1 + doc.id.size();
    check(frame < stored.size());
    std::string bad = stored;
    const std::size_t span = bad.size() - frame;
    bad[frame + (mode * 7919U) % span] = static_cast<char>(bad[frame + (mode * 7919U) % span] ^ mode);
    if (input.size() > 1) {
        const auto second_mode = static_cast<unsigned char>(input[0]);
        if (second_mode != 0) bad[frame + (second_mode * 104729U) % span] ^= static_cast<char>(second_mode);
    }
    if (bad == stored) return 0; // (two flips that cancelled)
    try {
        check(same(fahras::decode_stored(bad), doc));
    } catch (const fahras::Error&) {
        // found damaged
    }
    // Cut short anywhere in the frame: always an error.
    try {
        (void)fahras::decode_stored(std::string_view(stored).substr(0, frame + (mode * 31U) % span));
        check(false);
    } catch (const fahras::Error&) {
    }
    // Decoding still works after the errors (the decoder's context was reset).
    check(same(fahras::decode_stored(stored), doc));
    return 0;
}
