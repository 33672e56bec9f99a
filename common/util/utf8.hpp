/// UTF-8 helpers over ICU's U8_NEXT: decoding never reads past the end and never crashes on
/// invalid bytes; invalid sequences are reported (as a negative code point) or replaced.
#pragma once

#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fahras::utf8 {

/// Decodes the code point at byte offset `i` and advances `i` past it. Returns a negative value
/// for an ill-formed sequence (then `i` has advanced past the maximal ill-formed subpart).
inline int32_t next(std::string_view s, std::size_t& i) noexcept {
    int32_t c = 0;
    auto pos = static_cast<int32_t>(i);
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), pos, static_cast<int32_t>(s.size()), c);
    i = static_cast<std::size_t>(pos);
    return c;
}

/// Appends the UTF-8 encoding of a valid code point.
inline void append(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

/// Byte offset of the first ill-formed sequence, or npos when `s` is valid UTF-8.
inline std::size_t find_invalid(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        // ASCII fast path: most of the bytes of a JSON line.
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t at = i;
        if (next(s, i) < 0) return at;
    }
    return std::string_view::npos;
}

/// Returns `s` with every ill-formed sequence replaced by U+FFFD; `replaced` counts them.
inline std::string repair(std::string_view s, std::size_t& replaced) {
    std::string out;
    out.reserve(s.size() + 8);
    replaced = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t at = i;
        const int32_t c = next(s, i);
        if (c < 0) {
            out += "\xEF\xBF\xBD";
            ++replaced;
        } else {
            out.append(s.substr(at, i - at));
        }
    }
    return out;
}

} // namespace fahras::utf8
