/// Stop words: very frequent function words (في، من، على، الذي …). The list is normalized when
/// it is loaded, so it matches normalized tokens whatever spelling it was written in
/// (the order matters: a list of unnormalized words would miss إلى once it is normalized to الي).
///
/// Stop words are still indexed (phrases and exact search need them); they are dropped from
/// ranked queries, where they only add cost and noise.
#pragma once

#include <istream>
#include <string>
#include <string_view>
#include <functional>
#include <unordered_set>

namespace fahras {

class StopWords {
  public:
    /// An empty list.
    StopWords() = default;
    /// The built-in Arabic list.
    [[nodiscard]] static StopWords arabic_default();
    /// One word per line; `#` starts a comment.
    [[nodiscard]] static StopWords from_stream(std::istream& in);

    void add(std::string_view word);
    [[nodiscard]] bool contains(std::string_view normalized) const {
        return words_.find(normalized) != words_.end();
    }
    [[nodiscard]] std::size_t size() const noexcept { return words_.size(); }

  private:
    // Transparent hash: contains() runs for every token and looks up a string_view without
    // building a std::string.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_set<std::string, Hash, std::equal_to<>> words_;
};

} // namespace fahras
