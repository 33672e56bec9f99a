/// The index schema: every term prefix, value slot and metadata key, in one place (documented
/// for users in docs/schema.md, after Omega's termprefixes). Conventions follow Omega: a prefix
/// is one capital letter or X + capitals; unprefixed terms are lower case (our normalized terms
/// always are).
#pragma once

#include <string_view>

namespace fahras {

/// Bumped whenever the meaning of a term, slot or the document data changes. The indexer
/// writes this version and adds only to databases of it; the searcher reads it and the older
/// versions from kOldestReadableSchemaVersion on, and refuses any other.
/// 3: the document data is a whitened LZ4 frame (encode_stored); 2 stored a zstd frame, 1 the
/// JSON object itself.
inline constexpr int kSchemaVersion = 3;
/// Versions 1 and 2 differ only in the document data, which decode_stored() reads in all forms.
inline constexpr int kOldestReadableSchemaVersion = 1;

namespace prefix {
/// Normalized exact form of a body or title word, with positions (phrases, `=word`).
inline constexpr std::string_view exact = "";
/// Stem of a body or title word, no positions (ranked search).
inline constexpr std::string_view stem = "Z";
/// Normalized exact form of a title word, with positions (`title:` queries).
inline constexpr std::string_view title = "S";
/// Stem of a title word.
inline constexpr std::string_view title_stem = "ZS";
/// Recall-only Snowball stem of a body or title word, no positions (light10+snowball only).
inline constexpr std::string_view recall_stem = "XZ";
/// Recall-only light10 stem of the alef skeleton of a body or title word, no positions
/// (light10 stemmers): finds Uthmani spellings (ٱلۡيَتَٰمَىٰ) from plain ones (اليتامى).
inline constexpr std::string_view skeleton = "XA";
/// Unique document id (boolean): replace_document() by it makes re-runs idempotent.
inline constexpr std::string_view id = "Q";
/// Source / outlet, lower-cased (boolean filter).
inline constexpr std::string_view source = "XSOURCE";
/// Category, lower-cased (boolean filter).
inline constexpr std::string_view category = "XCAT";
/// URL (boolean), as given, when it fits in a term (Omega's U); the host, lower-cased (Omega's H).
inline constexpr std::string_view url = "U";
inline constexpr std::string_view host = "H";
/// Date terms (boolean): D + yyyymmdd, M + yyyymm, Y + yyyy, as in Omega.
inline constexpr std::string_view day = "D";
inline constexpr std::string_view month = "M";
inline constexpr std::string_view year = "Y";
} // namespace prefix

namespace slot {
/// Publication date as "yyyymmdd" (or "yyyymm"/"yyyy" when the input gave only that):
/// sortable as a string; range filters with OP_VALUE_RANGE (see docs/schema.md).
inline constexpr unsigned date = 0;
} // namespace slot

namespace metadata {
inline constexpr std::string_view schema_version = "fahras:schema_version";
inline constexpr std::string_view analyzer = "fahras:analyzer";
inline constexpr std::string_view created_by = "fahras:created_by";
/// Number of shards of the database this one belongs to (absent in databases from before
/// sharding: 1), and this shard's number (0 … shards-1). See common/index/shards.hpp.
inline constexpr std::string_view shards = "fahras:shards";
inline constexpr std::string_view shard = "fahras:shard";
} // namespace metadata

/// Word positions: the title starts at kTitleFirstPosition; the body starts kFieldGap after the
/// title's last word, so a phrase can never match across the two fields.
inline constexpr unsigned kTitleFirstPosition = 1;
inline constexpr unsigned kFieldGap = 100;

/// Within-document frequency added for each title word to the unprefixed and Z terms, so that
/// a word in the title counts more than one in the body. 5 is Omega's title weight; measured on
/// shared/eval/arcd-dev with BM25 (1.2, 0.75): MRR@10 0.822 at 1, 0.831 at 2, 0.842 at 5, 0.837 at 8.
inline constexpr unsigned kTitleWdf = 5;

/// Xapian's limit on a term's length in bytes (glass backend).
inline constexpr std::size_t kMaxTermBytes = 245;

} // namespace fahras
