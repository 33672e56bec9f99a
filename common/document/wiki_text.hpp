/// Wiki markup → readable text, for indexing MediaWiki dumps. What each construct becomes:
///
///   {{template|…}}            dropped (infoboxes, citations, navigation; nested ones too)
///   <ref>…</ref>, <ref/>      dropped, as are <math>, <gallery>, <timeline>, <score>, comments
///   [[target]]                target            [[target|label]] → label
///   [[ملف:…]] [[File:…]]      dropped (images), as are [[تصنيف:…]] categories and interwiki links
///   [http://x label]          label             [http://x] → dropped
///   == heading ==             heading, on its own line
///   '''bold''', ''italic''    the text
///   {| table |}               the cell texts, one row a line (attributes dropped)
///   * # : ; list markers      dropped; other HTML tags dropped, their text kept
///   &nbsp; &amp; &#1575; …    decoded
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fahras {

/// Readable text of a page's wikitext (see the table above).
[[nodiscard]] std::string wiki_to_text(std::string_view markup);

/// True when the wikitext is a redirect (#REDIRECT [[…]] or the Arabic #تحويل [[…]]).
[[nodiscard]] bool is_wiki_redirect(std::string_view markup) noexcept;

/// The categories named by [[Category:X]] / [[تصنيف:X]] links, in order.
[[nodiscard]] std::vector<std::string> wiki_categories(std::string_view markup);

} // namespace fahras
