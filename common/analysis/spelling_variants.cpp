#include "common/analysis/spelling_variants.hpp"

#include <algorithm>

namespace fahras {
namespace {

// Arabic letters are two UTF-8 bytes, D8 A1 (ء) … D9 8A (ي).
bool is_arabic_letter(unsigned char lead, unsigned char trail) {
    return (lead == 0xD8 && trail >= 0xA1 && trail <= 0xBF) || (lead == 0xD9 && trail >= 0x80 && trail <= 0x8A);
}

constexpr std::string_view kLongVowels[] = {"\u0627", "\u0648", "\u064A"}; // ا و ي

bool is_long_vowel(std::string_view letter) {
    return std::find(std::begin(kLongVowels), std::end(kLongVowels), letter) != std::end(kLongVowels);
}

} // namespace

std::vector<std::string> long_vowel_variants(std::string_view stem) {
    std::vector<std::string> out;
    if (stem.size() % 2 != 0) return out;
    const std::size_t n = stem.size() / 2; // letters
    if (n < kMinVariantLetters) return out;
    for (std::size_t i = 0; i < stem.size(); i += 2) {
        if (!is_arabic_letter(static_cast<unsigned char>(stem[i]), static_cast<unsigned char>(stem[i + 1]))) return out;
    }
    auto letter = [&](std::size_t k) { return stem.substr(2 * k, 2); };
    auto add = [&](std::string v) {
        if (v != stem && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(std::move(v));
    };
    // Deletions: an inner long vowel dropped, if the rest keeps 4 letters.
    if (n - 1 >= kMinVariantLetters) {
        for (std::size_t k = 1; k + 1 < n; ++k) {
            if (!is_long_vowel(letter(k))) continue;
            std::string v(stem.substr(0, 2 * k));
            v += stem.substr(2 * k + 2);
            add(std::move(v));
        }
    }
    // Insertions: a long vowel between two letters, unless it doubles its neighbour.
    for (std::size_t k = 1; k < n; ++k) {
        for (const std::string_view vowel : kLongVowels) {
            if (letter(k - 1) == vowel || letter(k) == vowel) continue;
            std::string v(stem.substr(0, 2 * k));
            v += vowel;
            v += stem.substr(2 * k);
            add(std::move(v));
        }
    }
    return out;
}

} // namespace fahras
