// Wiki markup → text: one left-to-right scan; nested constructs (links inside templates,
// templates inside links, tables) are found by counting their brackets, and the content we keep
// (link labels, table cells) is converted recursively.

#include "common/document/wiki_text.hpp"

#include "common/util/utf8.hpp"

#include <array>
#include <cstring>

namespace fahras {
namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char a = s[i];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
        if (a != prefix[i]) return false; // prefix is lower case
    }
    return true;
}

std::string_view trim(std::string_view s) noexcept {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// The end (one past) of a construct opened by `open` at `i` and closed by `close`, counting
// nested openings; the end of the text when it is never closed.
std::size_t matching(std::string_view s, std::size_t i, std::string_view open, std::string_view close) noexcept {
    std::size_t depth = 0;
    while (i < s.size()) {
        if (s.compare(i, open.size(), open) == 0) {
            ++depth;
            i += open.size();
        } else if (s.compare(i, close.size(), close) == 0) {
            i += close.size();
            if (--depth == 0) return i;
        } else {
            ++i;
        }
    }
    return s.size();
}

// Namespaces whose links are not text: files and images, categories (English and Arabic names).
bool is_non_text_namespace(std::string_view ns) noexcept {
    static constexpr std::array<std::string_view, 10> kNames = {
        "file", "image", "category", "media", "ملف", "صورة", "تصنيف", "ميديا", "وسائط", "تصويرة"};
    for (const auto name : kNames) {
        if (name.size() == ns.size() && starts_with_ci(ns, name)) return true;
    }
    // Interwiki / interlanguage links: a short lower-case code such as en, fr, arz, zh-yue.
    if (ns.size() >= 2 && ns.size() <= 12) {
        bool code = true;
        for (const char c : ns) code = code && ((c >= 'a' && c <= 'z') || c == '-');
        if (code) return true;
    }
    return false;
}

bool is_category_namespace(std::string_view ns) noexcept {
    return (ns.size() == 8 && starts_with_ci(ns, "category")) || ns == "تصنيف";
}

// Tags whose content is not article text.
bool is_dropped_element(std::string_view name) noexcept {
    static constexpr std::array<std::string_view, 9> kNames = {
        "ref", "math", "gallery", "timeline", "score", "syntaxhighlight", "source", "templatedata", "graph"};
    for (const auto n : kNames) {
        if (n.size() == name.size() && starts_with_ci(name, n)) return true;
    }
    return false;
}

void append_entity(std::string& out, std::string_view s, std::size_t& i) {
    // s[i] == '&'
    const auto semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
        out.push_back('&');
        ++i;
        return;
    }
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    char32_t c = 0;
    if (!name.empty() && name[0] == '#') {
        const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
        for (std::size_t k = hex ? 2 : 1; k < name.size(); ++k) {
            const char d = name[k];
            int v = -1;
            if (d >= '0' && d <= '9') v = d - '0';
            else if (hex && d >= 'a' && d <= 'f') v = d - 'a' + 10;
            else if (hex && d >= 'A' && d <= 'F') v = d - 'A' + 10;
            if (v < 0 || c > 0x10FFFF) {
                c = 0;
                break;
            }
            c = c * (hex ? 16 : 10) + static_cast<char32_t>(v);
        }
        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = 0;
    } else if (name == "nbsp" || name == "ensp" || name == "emsp" || name == "thinsp") {
        c = ' ';
    } else if (name == "amp") {
        c = '&';
    } else if (name == "lt") {
        c = '<';
    } else if (name == "gt") {
        c = '>';
    } else if (name == "quot") {
        c = '"';
    } else if (name == "apos") {
        c = '\'';
    } else if (name == "ndash") {
        c = 0x2013;
    } else if (name == "mdash") {
        c = 0x2014;
    } else if (name == "lrm" || name == "rlm" || name == "zwnj" || name == "zwj") {
        i = semi + 1; // direction and joiner marks: nothing to index
        return;
    }
    if (c == 0) {
        out.push_back('&');
        ++i;
        return;
    }
    utf8::append(out, c);
    i = semi + 1;
}

void convert(std::string_view s, std::string& out, int depth);

// A table ({| … |}) as text: one line a row, the cells separated by " | " dropped to spaces.
void convert_table(std::string_view table, std::string& out, int depth) {
    std::string text;
    std::size_t i = 0;
    while (i < table.size()) {
        auto eol = table.find('\n', i);
        if (eol == std::string_view::npos) eol = table.size();
        std::string_view line = trim(table.substr(i, eol - i));
        i = eol + 1;
        if (line.empty() || line.substr(0, 2) == "{|" || line.substr(0, 2) == "|}" || line.substr(0, 2) == "|-") continue;
        if (line.substr(0, 2) == "|+") line.remove_prefix(2);
        else if (line[0] == '|' || line[0] == '!') line.remove_prefix(1);
        // Cells: "a || b" or "a !! b"; a cell "attrs | text" keeps the text.
        std::size_t start = 0;
        while (start <= line.size()) {
            std::size_t sep = line.find("||", start);
            const std::size_t sep2 = line.find("!!", start);
            if (sep2 < sep) sep = sep2;
            std::string_view cell = line.substr(start, sep == std::string_view::npos ? std::string_view::npos : sep - start);
            // An attribute part ends at a single '|' outside links and templates.
            std::size_t bar = std::string_view::npos;
            int nest = 0;
            for (std::size_t k = 0; k < cell.size(); ++k) {
                if (cell.compare(k, 2, "[[") == 0 || cell.compare(k, 2, "{{") == 0) ++nest, ++k;
                else if (cell.compare(k, 2, "]]") == 0 || cell.compare(k, 2, "}}") == 0) --nest, ++k;
                else if (cell[k] == '|' && nest == 0) {
                    bar = k;
                    break;
                }
            }
            if (bar != std::string_view::npos && cell.substr(0, bar).find('=') != std::string_view::npos) {
                cell.remove_prefix(bar + 1);
            }
            text.append(trim(cell));
            text.push_back(' ');
            if (sep == std::string_view::npos) break;
            start = sep + 2;
        }
        text.push_back('\n');
    }
    convert(text, out, depth + 1);
}

void convert(std::string_view s, std::string& out, int depth) {
    if (depth > 20) return; // pathological nesting: give up on this part rather than recurse on
    bool line_start = true;
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (line_start) {
            line_start = false;
            // Headings, list markers, rules, tables: only at the start of a line.
            if (c == '=') {
                auto eol = s.find('\n', i);
                if (eol == std::string_view::npos) eol = s.size();
                std::string_view line = trim(s.substr(i, eol - i));
                const auto b = line.find_first_not_of('=');
                const auto e = line.find_last_not_of('=');
                if (b != std::string_view::npos && e >= b) {
                    if (!out.empty() && out.back() != '\n') out.push_back('\n');
                    convert(trim(line.substr(b, e - b + 1)), out, depth + 1);
                }
                i = eol;
                continue;
            }
            if (s.compare(i, 2, "{|") == 0) {
                const std::size_t end = matching(s, i, "{|", "|}");
                convert_table(s.substr(i, end - i), out, depth);
                i = end;
                continue;
            }
            if (s.compare(i, 4, "----") == 0) {
                i = s.find_first_not_of('-', i);
                if (i == std::string_view::npos) break;
                continue;
            }
            while (i < s.size() && (s[i] == '*' || s[i] == '#' || s[i] == ':' || s[i] == ';')) ++i;
            continue;
        }
        if (c == '\n') {
            out.push_back('\n');
            line_start = true;
            ++i;
            continue;
        }
        if (c == '<') {
            if (s.compare(i, 4, "<!--") == 0) {
                const auto end = s.find("-->", i + 4);
                i = end == std::string_view::npos ? s.size() : end + 3;
                continue;
            }
            const auto close = s.find('>', i);
            std::size_t n = i + 1;
            const bool end_tag = n < s.size() && s[n] == '/';
            if (end_tag) ++n;
            std::size_t name_end = n;
            while (name_end < s.size() && ((s[name_end] >= 'a' && s[name_end] <= 'z') || (s[name_end] >= 'A' && s[name_end] <= 'Z'))) ++name_end;
            if (close == std::string_view::npos || name_end == n) { // a lone '<'
                out.push_back('<');
                ++i;
                continue;
            }
            const std::string_view name = s.substr(n, name_end - n);
            const bool self_closing = close > 0 && s[close - 1] == '/';
            if (!end_tag && !self_closing && is_dropped_element(name)) {
                // Skip to the matching end tag (an unclosed one drops the rest of the page,
                // as MediaWiki shows nothing of it either).
                std::string lower(name);
                for (char& ch : lower) {
                    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
                }
                std::size_t k = close + 1;
                for (;;) {
                    const auto lt = s.find("</", k);
                    const auto gt = lt == std::string_view::npos ? lt : s.find('>', lt);
                    if (gt == std::string_view::npos) {
                        k = s.size();
                        break;
                    }
                    k = gt + 1;
                    if (starts_with_ci(s.substr(lt + 2), lower)) break;
                }
                i = k;
                continue;
            }
            if (starts_with_ci(name, "br") && name.size() == 2) out.push_back('\n');
            else if (starts_with_ci(name, "p") && name.size() == 1) out.push_back('\n');
            i = close + 1;
            continue;
        }
        if (c == '{' && s.compare(i, 2, "{{") == 0) {
            i = matching(s, i, "{{", "}}");
            continue;
        }
        if (c == '[' && s.compare(i, 2, "[[") == 0) {
            const std::size_t end = matching(s, i, "[[", "]]");
            // A link never closed runs to the end of the text: only a closed one loses its "]]"
            // (dropping two bytes of an unclosed one could cut a character in half).
            const bool closed = end >= i + 4 && s.compare(end - 2, 2, "]]") == 0;
            std::string_view inner = s.substr(i + 2, (closed ? end - 2 : end) - (i + 2));
            i = end;
            const bool leading_colon = !inner.empty() && inner[0] == ':';
            if (leading_colon) inner.remove_prefix(1);
            const auto bar = inner.find('|');
            const std::string_view target = inner.substr(0, bar);
            if (!leading_colon) {
                if (const auto colon = target.find(':'); colon != std::string_view::npos) {
                    if (is_non_text_namespace(trim(target.substr(0, colon)))) continue;
                }
            }
            const std::string_view label = bar == std::string_view::npos ? target : inner.substr(inner.rfind('|') + 1);
            convert(label.empty() ? target : label, out, depth + 1);
            continue;
        }
        if (c == '[') {
            const std::string_view rest = s.substr(i + 1);
            if (starts_with_ci(rest, "http://") || starts_with_ci(rest, "https://") || starts_with_ci(rest, "ftp://") ||
                rest.substr(0, 2) == "//") {
                const auto close = s.find(']', i);
                const auto eol = s.find('\n', i);
                if (close != std::string_view::npos && close < eol) {
                    const std::string_view inner = s.substr(i + 1, close - i - 1);
                    if (const auto space = inner.find(' '); space != std::string_view::npos) {
                        convert(inner.substr(space + 1), out, depth + 1);
                    }
                    i = close + 1;
                    continue;
                }
            }
        }
        if (c == '\'' && s.compare(i, 2, "''") == 0) {
            while (i < s.size() && s[i] == '\'') ++i;
            continue;
        }
        if (c == '&') {
            append_entity(out, s, i);
            continue;
        }
        if (c == '_' && s.compare(i, 2, "__") == 0) {
            // Magic words: __TOC__, __NOTOC__, __بدون_فهرس__ …
            const auto end = s.find("__", i + 2);
            if (end != std::string_view::npos && end - i < 40 && s.substr(i + 2, end - i - 2).find_first_of(" \n") == std::string_view::npos) {
                i = end + 2;
                continue;
            }
        }
        out.push_back(c);
        ++i;
    }
}

} // namespace

std::string wiki_to_text(std::string_view markup) {
    std::string raw;
    raw.reserve(markup.size());
    convert(markup, raw, 0);
    // Tidy: trim each line, at most one blank line in a row.
    std::string out;
    out.reserve(raw.size());
    std::size_t i = 0;
    int blank_run = 0;
    while (i < raw.size()) {
        auto eol = raw.find('\n', i);
        if (eol == std::string::npos) eol = raw.size();
        const std::string_view line = trim(std::string_view(raw).substr(i, eol - i));
        i = eol + 1;
        if (line.empty()) {
            ++blank_run;
            continue;
        }
        if (!out.empty()) out.append(blank_run > 0 ? "\n\n" : "\n");
        blank_run = 0;
        out.append(line);
    }
    return out;
}

bool is_wiki_redirect(std::string_view markup) noexcept {
    const std::string_view t = trim(markup);
    return starts_with_ci(t, "#redirect") || t.substr(0, std::strlen("#تحويل")) == "#تحويل";
}

std::vector<std::string> wiki_categories(std::string_view markup) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while ((i = markup.find("[[", i)) != std::string_view::npos) {
        const auto end = markup.find("]]", i);
        if (end == std::string_view::npos) break;
        const std::string_view inner = markup.substr(i + 2, end - i - 2);
        i = end + 2;
        const auto colon = inner.find(':');
        if (colon == std::string_view::npos || !is_category_namespace(trim(inner.substr(0, colon)))) continue;
        const std::string_view name = trim(inner.substr(colon + 1, inner.find('|') == std::string_view::npos ? std::string_view::npos : inner.find('|') - colon - 1));
        if (!name.empty()) out.emplace_back(name);
    }
    return out;
}

} // namespace fahras
