/// Spelling variants of a word that differ by one long-vowel letter (ا و ي) inside it.
///
/// Arabic writes foreign names by ear, and outlets do not agree on the long vowels: ترمب /
/// ترامب (534 and 3,586 articles of ANT news), نتنياهو / نتانياهو (301 / 221), بزشكيان /
/// بيزشكيان (the two seed articles). No folding rule merges them (ا و ي are letters, not marks),
/// and a curated list (synonyms.hpp) can never keep up with the news. So a ranked query word also
/// matches the stems that differ from its own by one ا, و or ي inserted or deleted inside the
/// word, *when the index has them* (the caller checks), weighted lower than the word itself
/// (query_parser.hpp, kVariantWeight): a document with the query's own spelling still ranks first.
///
/// Guards, each for a reason:
///   - only words of Arabic letters (U+0621–U+064A): the rule is about Arabic script;
///   - both the word and the variant at least 4 letters: Arabic's 3-letter roots take long
///     vowels to make other words (علم / عالم / علوم, كتب / كتاب), so short stems would merge
///     real words;
///   - inside the word only (never the first or last letter): a leading و or ا is a conjunction
///     or a hamza seat, a trailing ي / و / ا a suffix (كتبي, كتبوا);
///   - no letter doubled by the insertion (ترامب → ترااامب is no spelling).
/// The rule still merges some 4+ letter words (مكتب / مكتوب); that is why variants weigh less.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fahras {

/// Shortest word, and shortest variant, in letters.
inline constexpr std::size_t kMinVariantLetters = 4;

/// The candidate variants of a normalized stem (UTF-8), in a fixed order (deletions first, then
/// insertions left to right; ا و ي in that order), without duplicates and without `stem` itself.
/// Empty when a guard rules the word out.
[[nodiscard]] std::vector<std::string> long_vowel_variants(std::string_view stem);

} // namespace fahras
