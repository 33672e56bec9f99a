/// Stop words: very frequent function words (في، من، على، الذي …). The list is normalized when
/// it is loaded, so it matches normalized tokens whatever spelling it was written in
/// (the order matters: a list of unnormalized words would miss إلى once it is normalized to الي).
///
/// Stop words are still indexed (phrases and exact search need them); they are dropped from
/// ranked queries, where they only add cost and noise.
#pragma once

#include "common/util/string_table.hpp"

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

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
        return normalized.size() <= longest_ && words_.find(normalized) != nullptr;
    }
    [[nodiscard]] std::size_t size() const noexcept { return words_.size(); }

  private:
    // contains() runs for every token (several times for a query word): a flat table looked up
    // by string_view, and no lookup at all for a word longer than the longest stop word.
    StringTable<bool> words_;
    std::size_t longest_ = 0;
};

} // namespace fahras
