#include "common/search/snippet.hpp"

#include "common/analysis/normalizer.hpp"
#include "common/analysis/tokenizer.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

namespace fahras {
namespace {

// A sentence starts after one of these (Latin and Arabic full stop, question and exclamation
// marks, the Urdu full stop, and line breaks) in the gap before a token.
bool ends_sentence(std::string_view gap) {
    // One pass over the bytes (the gap is most often a single space).
    for (std::size_t i = 0; i < gap.size(); ++i) {
        const auto c = static_cast<unsigned char>(gap[i]);
        if (c == '.' || c == '!' || c == '?' || c == '\n') return true;
        if (i + 1 < gap.size()) {
            const auto next = static_cast<unsigned char>(gap[i + 1]);
            if ((c == 0xD8 && next == 0x9F) /* ؟ */ || (c == 0xDB && next == 0x94) /* ۔ */) return true;
        }
    }
    return false;
}

// The set of "letters" of a UTF-8 string as 64 bits: bit (b & 63) for every ASCII byte and
// every continuation byte b. The Arabic letters U+0621–U+064A all get distinct bits (their
// second bytes are A1–BF and 80–8A), so a word lacking a letter of a stem shows it cheaply;
// elsewhere bits collide, which only lets more tokens through to the exact test.
std::uint64_t letter_mask(std::string_view s) {
    std::uint64_t m = 0;
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x80 || (b & 0xC0) == 0x80) m |= std::uint64_t{1} << (b & 63);
    }
    return m;
}

// The letter set of an *original* token, folded the way the normalizer folds (أ إ آ → ا,
// ؤ → و, ئ ى → ي, ة → ه, A–Z → a–z), so that it holds the letter set of the token's normalized
// form. Marks and tatweel only add bits (a superset is safe: it lets a token through to the
// exact test). Returns nullopt for a token with a character outside ASCII and U+0621–U+065F:
// such a token (presentation forms, Persian letters, other scripts) is always normalized.
std::optional<std::uint64_t> raw_letter_mask(std::string_view s) {
    constexpr auto bit = [](unsigned b) { return std::uint64_t{1} << (b & 63); };
    std::uint64_t m = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            m |= bit(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b); // as the normalizer folds case
            continue;
        }
        if (i + 1 >= s.size()) return std::nullopt;
        const auto t = static_cast<unsigned char>(s[++i]);
        if (!((b == 0xD8 && t >= 0xA1 && t <= 0xBF) || (b == 0xD9 && t >= 0x80 && t <= 0x9F))) return std::nullopt;
        m |= bit(t);
    }
    // The normalizer's folds within that range: the folded letter's bit joins the set.
    if ((m & (bit(0xA2) | bit(0xA3) | bit(0xA5))) != 0) m |= bit(0xA7); // آ أ إ → ا
    if ((m & bit(0xA4)) != 0) m |= bit(0x88);                           // ؤ → و
    if ((m & (bit(0xA6) | bit(0x89))) != 0) m |= bit(0x8A);             // ئ ى → ي
    if ((m & bit(0xA9)) != 0) m |= bit(0x87);                           // ة → ه
    return m;
}

// Keeps the minimal sets of `sets`: drops duplicates and every set that holds another one.
// "Some set of the list is a subset of the token's letters" keeps the same answer.
void drop_redundant(std::vector<std::uint64_t>& sets) {
    std::sort(sets.begin(), sets.end());
    sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
    std::vector<std::uint64_t> kept;
    for (const std::uint64_t s : sets) {
        const bool holds_another = std::any_of(sets.begin(), sets.end(), [&](std::uint64_t other) {
            return other != s && (other & ~s) == 0;
        });
        if (!holds_another) kept.push_back(s);
    }
    sets = std::move(kept);
}

// Whether `have` holds every letter of some set of `sets`.
bool has_some(const std::vector<std::uint64_t>& sets, std::uint64_t have) noexcept {
    for (const std::uint64_t need : sets) {
        if ((need & ~have) == 0) return true;
    }
    return false;
}

// A hash of a word's bytes for the memo, eight bytes at a time (a word is a few of those).
std::uint64_t word_hash(std::string_view s) noexcept {
    constexpr std::uint64_t k = 0x9E3779B97F4A7C15ULL;
    std::uint64_t h = (s.size() + 1) * k;
    auto mix = [&](std::uint64_t w) {
        h = (h ^ w) * k;
        h ^= h >> 32;
    };
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w = 0;
        std::memcpy(&w, s.data() + i, 8);
        mix(w);
    }
    if (i < s.size()) {
        std::uint64_t w = 0;
        std::memcpy(&w, s.data() + i, s.size() - i);
        mix(w);
    }
    h *= k;
    return h ^ (h >> 29);
}

} // namespace

const Snippeter::Memo::Entry* Snippeter::Memo::find(std::string_view word, std::uint64_t hash) const noexcept {
    if (slots_.empty()) return nullptr;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const Entry& e = slots_[i];
        if (e.word_size == 0) return nullptr;
        if (e.hash == hash && e.word_size == word.size() && std::memcmp(arena_.data() + e.word, word.data(), word.size()) == 0) {
            return &e;
        }
    }
}

const Snippeter::Memo::Entry& Snippeter::Memo::add(std::string_view word, std::uint64_t hash, const Match& m) {
    if ((entries_ + 1) * 2 > slots_.size()) grow();
    Entry e;
    e.hash = hash;
    e.word = static_cast<std::uint32_t>(arena_.size());
    e.word_size = static_cast<std::uint32_t>(word.size());
    arena_.append(word);
    e.exact = static_cast<std::uint32_t>(arena_.size());
    e.exact_size = static_cast<std::uint32_t>(m.exact.size());
    arena_.append(m.exact);
    e.key = m.key;
    e.dropped = m.dropped;
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    while (slots_[i].word_size != 0) i = (i + 1) & mask;
    slots_[i] = e;
    ++entries_;
    return slots_[i];
}

void Snippeter::Memo::grow() {
    std::vector<Entry> old = std::move(slots_);
    slots_.assign(old.empty() ? 256 : 2 * old.size(), Entry{});
    const std::size_t mask = slots_.size() - 1;
    for (const Entry& e : old) {
        if (e.word_size == 0) continue;
        std::size_t i = e.hash & mask;
        while (slots_[i].word_size != 0) i = (i + 1) & mask;
        slots_[i] = e;
    }
}

void Snippeter::Memo::clear() {
    slots_.clear();
    entries_ = 0;
    arena_.clear();
}

Snippeter::Snippeter(const Analyzer& analyzer, HighlightTerms terms, std::map<std::string, double> weights)
    : analyzer_(analyzer),
      stem_within_exact_(
          analyzer.config().stemmer == StemmerKind::Light10 || analyzer.config().stemmer == StemmerKind::None ||
          analyzer.config().stemmer == StemmerKind::Light10Snowball
      ) {
    for (const auto& s : terms.stems) add_key(stem_keys_, s, weights);
    for (const auto& e : terms.exacts) add_key(exact_keys_, e, weights);
    for (const auto& phrase : terms.phrases) {
        for (const auto& e : phrase) add_key(phrase_keys_, e, weights);
    }
    for (const auto& p : terms.prefixes) add_key(prefix_keys_, p, weights);
    for (const auto& [recall, stem] : terms.recall_stems) recall_keys_.emplace(recall, add_key(stem_keys_, stem, weights));
    for (const auto& [skeleton, stem] : terms.skeletons) skeleton_keys_.emplace(skeleton, add_key(stem_keys_, stem, weights));
    phrases_ = std::move(terms.phrases);
    // A stem holds only letters of its word, save one: ا. light10 stems the clitic forms of the
    // name of God to الله (لله → الله), and Snowball writes ا where it rewrites a verb's تست/يست
    // (تستعد → استعد; checked on every distinct word of ANT news and the Quran, 489,808 words:
    // ا the only letter it adds). So a word must have a stem key's letters less ا; the parity
    // test in tests/snippet_test.cpp pins it.
    const std::uint64_t alef = letter_mask("\u0627");
    for (const auto* keys : {&stem_keys_, &prefix_keys_}) {
        for (const auto& [text, key] : *keys) stem_filters_.push_back(key.letters & ~alef);
    }
    for (const auto& [recall, id] : recall_keys_) recall_filters_.push_back(letter_mask(recall) & ~alef);
    if (stem_within_exact_) {
        token_filters_ = stem_filters_;
        for (const auto* keys : {&exact_keys_, &phrase_keys_}) {
            for (const auto& [text, key] : *keys) token_filters_.push_back(key.letters);
        }
        token_filters_.insert(token_filters_.end(), recall_filters_.begin(), recall_filters_.end());
    }
    // Each filter list is asked "does the token have all letters of *some* set?" for every token
    // of every hit: a set that holds another set of its list never decides, so it goes (a
    // headline's stem and Snowball stem are often the same letters).
    for (auto* filters : {&stem_filters_, &recall_filters_, &token_filters_}) drop_redundant(*filters);
}

int Snippeter::add_key(std::map<std::string, Key>& keys, const std::string& key, const std::map<std::string, double>& weights) {
    const auto [it, added] = keys.emplace(key, Key{static_cast<int>(weights_.size()), letter_mask(key)});
    if (added) {
        const auto w = weights.find(key);
        weights_.push_back(w == weights.end() ? 1.0 : w->second);
    }
    return it->second.id;
}

// Tokenizes `text` and analyzes each token with the Analyzer's own stages, as
// Analyzer::analyze does (tests/snippet_test.cpp checks the two agree), then looks up what each
// token matches. Analysis of the hits' stored text is the main cost of a snippet, so the stem
// (the dearest stage) is only computed for a token that has every letter of some query stem or
// prefix: a light10 stem is the word minus affixes, so it cannot hold a letter the word lacks.
void Snippeter::analyze(std::string_view text, std::vector<Tok>& out) const {
    spans_.clear();
    tokenize(text, spans_);
    out.clear();
    out.reserve(spans_.size());
    // Emptied between texts only: exacts_ points into its arena.
    if (memo_.size() >= kMemoEntries) memo_.clear();
    const bool keep_exacts = !phrases_.empty();
    exacts_.clear();
    for (const Token& span : spans_) {
        const std::string_view word = span.view(text);
        Tok t{span.begin, span.end, -1, -1};
        // A token outside plain Arabic letters and ASCII (Uthmani marks, superscript alef,
        // presentation forms…) skips every letter filter: its skeleton and written-out-alef stem
        // exist only for such tokens.
        bool special = !stem_within_exact_;
        // Most tokens have no letter set of any key: they match nothing, and their normalized
        // form is never needed (not even for a phrase: a phrase word has its own letter set).
        if (stem_within_exact_) {
            const auto raw = raw_letter_mask(word);
            special = !raw;
            if (raw && !has_some(token_filters_, *raw)) {
                // A token with letters has a non-empty normalized form: it is kept (as
                // Analyzer::analyze keeps it), only its form is not worked out.
                out.push_back(t);
                if (keep_exacts) exacts_.emplace_back(0, 0);
                continue;
            }
        }
        // What a token matches depends on its bytes alone: the words of a query's hits repeat
        // (its own words first of all), so each distinct word is worked out once a query.
        const std::uint64_t hash = word_hash(word);
        const Memo::Entry* m = memo_.find(word, hash);
        if (m == nullptr) m = &memo_.add(word, hash, match(word, special));
        if (m->dropped) continue; // only marks: the analyzer drops it too
        t.key = m->key;
        out.push_back(t);
        if (keep_exacts) exacts_.emplace_back(m->exact, m->exact_size);
    }
    // Phrases: runs of tokens whose exact forms are the phrase's words, in order. Each
    // occurrence is one group, highlighted as one unit.
    int next_group = 0;
    for (const auto& phrase : phrases_) {
        if (phrase.empty() || phrase.size() > out.size()) continue;
        for (std::size_t i = 0; i + phrase.size() <= out.size(); ++i) {
            bool hit = true;
            for (std::size_t k = 0; k < phrase.size() && hit; ++k) {
                hit = memo_.text(exacts_[i + k].first, exacts_[i + k].second) == phrase[k];
            }
            if (!hit) continue;
            for (std::size_t k = 0; k < phrase.size(); ++k) {
                out[i + k].group = next_group;
                out[i + k].key = phrase_keys_.at(phrase[k]).id;
            }
            ++next_group;
            i += phrase.size() - 1;
        }
    }
}

// What the token `word` matches (its key, or -1), and its normalized form. `special`: it has a
// character outside plain Arabic letters and ASCII.
Snippeter::Match Snippeter::match(std::string_view word, bool special) const {
    exact_.clear();
    normalize_append(word, exact_);
    if (exact_.empty()) return Match{-1, true, {}};
    int key = -1;
    if (const auto ex = exact_keys_.find(exact_); ex != exact_keys_.end()) key = ex->second.id;
    if (key < 0 && !stem_filters_.empty()) {
        bool worth = !stem_within_exact_;
        if (!worth) {
            const std::uint64_t have = letter_mask(exact_);
            for (const std::uint64_t need : stem_filters_) {
                if ((need & ~have) == 0) {
                    worth = true;
                    break;
                }
            }
        }
        if (worth) {
            const std::string stem = analyzer_.stem(exact_);
            if (const auto it = stem_keys_.find(stem); it != stem_keys_.end()) {
                key = it->second.id;
            } else {
                for (const auto& [p, prefix] : prefix_keys_) {
                    if (exact_.starts_with(p) || stem.starts_with(p)) {
                        key = prefix.id;
                        break;
                    }
                }
            }
        }
    }
    bool recall_worth = key < 0 && (!recall_keys_.empty() || !skeleton_keys_.empty());
    if (recall_worth && !special) {
        // An ordinary token can match only through its Snowball stem (skeletons and
        // written-out alefs are for special tokens): worth it if it has a recall key's letters.
        const std::uint64_t have = letter_mask(exact_);
        recall_worth = std::any_of(recall_filters_.begin(), recall_filters_.end(), [&](std::uint64_t need) {
            return (need & ~have) == 0;
        });
    }
    if (recall_worth && !special) {
        // An ordinary token: its Snowball stem, as the analyzer computes it.
        if (const auto r = recall_keys_.find(analyzer_.recall_stem(exact_)); r != recall_keys_.end()) key = r->second;
    } else if (recall_worth) {
        // A special token needs the whole analysis (the skeleton and the written-out alef
        // read the original spelling): only for tokens nothing cheaper matched.
        one_.clear();
        analyzer_.analyze(word, one_);
        if (one_.size() == 1) {
            const AnalyzedToken& a = one_.front();
            if (const auto it = stem_keys_.find(a.alef_stem); !a.alef_stem.empty() && it != stem_keys_.end()) {
                key = it->second.id;
            } else if (const auto r = recall_keys_.find(a.recall_stem); !a.recall_stem.empty() && r != recall_keys_.end()) {
                key = r->second;
            } else if (const auto k = skeleton_keys_.find(a.skeleton); !a.skeleton.empty() && k != skeleton_keys_.end()) {
                key = k->second;
            }
        }
    }
    return Match{key, false, phrases_.empty() ? std::string() : exact_}; // the form: for phrases
}

Snippet Snippeter::render(
    std::string_view text,
    const std::vector<Tok>& toks,
    std::size_t begin,
    std::size_t end,
    bool cut_end
) const {
    Snippet s;
    const bool cut_start = begin > 0;
    if (cut_start) s.text += kEllipsis;
    const std::size_t shift = s.text.size();
    s.text.append(text.substr(begin, end - begin));
    // Line breaks and tabs would break a one-line snippet; each is one byte, so offsets hold.
    for (std::size_t i = shift; i < s.text.size(); ++i) {
        if (s.text[i] == '\n' || s.text[i] == '\r' || s.text[i] == '\t') s.text[i] = ' ';
    }
    if (cut_end) s.text += kEllipsis;

    int last_group = -1;
    for (const Tok& t : toks) {
        if (t.key < 0 || t.begin < begin || t.end > end) continue;
        const Highlight h{
            static_cast<std::uint32_t>(t.begin - begin + shift), static_cast<std::uint32_t>(t.end - begin + shift)
        };
        // Tokens of one phrase occurrence become one highlight, spaces and all.
        if (t.group >= 0 && t.group == last_group && !s.highlights.empty()) {
            s.highlights.back().end = h.end;
        } else {
            s.highlights.push_back(h);
        }
        last_group = t.group;
    }
    return s;
}

Snippet Snippeter::highlight_all(std::string_view text) const {
    analyze(text, toks_);
    return render(text, toks_, 0, text.size(), false);
}

Snippet Snippeter::make(std::string_view text, std::size_t max_bytes) const {
    std::vector<Tok>& toks = toks_;
    analyze(text, toks);
    if (toks.empty()) return Snippet{};
    std::vector<std::size_t>& matches = matches_; // indices of matching tokens, in order
    matches.clear();
    for (std::size_t i = 0; i < toks.size(); ++i) {
        if (toks[i].key >= 0) matches.push_back(i);
    }

    // The last token of the window that starts at token `first` and fits in `size` bytes.
    auto window_end = [&](std::size_t first, std::size_t size) {
        std::size_t last = first;
        while (last + 1 < toks.size() && toks[last + 1].end - toks[first].begin <= size) ++last;
        return last;
    };
    auto sentence_start = [&](std::size_t i) {
        return i == 0 || ends_sentence(text.substr(toks[i - 1].end, toks[i].begin - toks[i - 1].end));
    };

    struct Window {
        std::size_t first = 0;
        std::size_t last = 0;
        double score = -1;
        std::vector<char> keys; ///< which keys it holds
    };
    // The best window of `size` bytes. Candidates start at each match, moved back by up to a
    // third of a window to a sentence start if there is one (else by a few words of context).
    // A window scores the weight of each distinct key it holds, a tenth for repeats, half more
    // for phrase words, and a bonus for starting a sentence. Keys in `known` score nothing and
    // windows that overlap tokens [avoid_first, avoid_last] are skipped (for a second window).
    auto best = [&](std::size_t size, const std::vector<char>* known, std::size_t avoid_first, std::size_t avoid_last) {
        Window out;
        std::size_t previous_start = toks.size();
        std::vector<char> seen(weights_.size());
        for (const std::size_t a : matches) {
            std::size_t first = a;
            std::size_t context_first = a;
            bool found_sentence = sentence_start(a);
            while (!found_sentence && first > 0 && toks[a].end - toks[first - 1].begin <= size / 3) {
                --first;
                if (context_first + 4 > a) context_first = first;
                found_sentence = sentence_start(first);
            }
            const std::size_t start = found_sentence || first == 0 ? first : context_first;
            if (start == previous_start) continue;
            previous_start = start;
            const std::size_t last = window_end(start, size);
            if (known != nullptr && start <= avoid_last && last >= avoid_first) continue;
            const auto m0 = static_cast<std::size_t>(std::lower_bound(matches.begin(), matches.end(), start) - matches.begin());
            std::fill(seen.begin(), seen.end(), 0);
            double score = found_sentence || start == 0 ? 0.25 : 0.0;
            for (std::size_t k = m0; k < matches.size() && matches[k] <= last; ++k) {
                const Tok& t = toks[matches[k]];
                const auto key = static_cast<std::size_t>(t.key);
                const double w = known != nullptr && (*known)[key] != 0 ? 0.0 : weights_[key];
                score += seen[key] != 0 ? 0.1 * w : w;
                seen[key] = 1;
                if (t.group >= 0) score += 0.5 * w; // phrase occurrences count more
            }
            if (score > out.score) {
                out = Window{start, last, score, seen};
            }
        }
        return out;
    };
    auto count_keys = [](const std::vector<char>& keys) {
        return static_cast<std::size_t>(std::count(keys.begin(), keys.end(), 1));
    };
    // [begin, end) of a window in bytes; at the end of the text, its closing punctuation too.
    auto bytes = [&](std::size_t first, std::size_t last, std::size_t size) {
        const std::size_t begin = first == 0 ? 0 : toks[first].begin;
        std::size_t end = toks[last].end;
        if (last + 1 == toks.size()) {
            // Keep the final full stop of the text, not trailing spaces.
            end = text.size();
            while (end > toks[last].end && std::isspace(static_cast<unsigned char>(text[end - 1])) != 0) --end;
            if (end - begin > size + 16) end = toks[last].end;
        }
        return std::pair{begin, end};
    };

    Window one = best(max_bytes, nullptr, 0, 0);
    if (matches.empty()) one = Window{0, window_end(0, max_bytes), 0, {}};

    // Two windows of half the size, when the best single window misses query words that the
    // text has elsewhere and the pair shows more of them ("…first part… second part…").
    std::vector<char> all(weights_.size());
    for (const std::size_t m : matches) all[static_cast<std::size_t>(toks[m].key)] = 1;
    if (max_bytes >= 80 && count_keys(one.keys) < count_keys(all)) {
        const Window a = best(max_bytes / 2, nullptr, 0, 0);
        const Window b = best(max_bytes / 2, &a.keys, a.first, a.last);
        // (two windows that touch would show an ellipsis where nothing is cut)
        if (b.score > 0 && (b.first > a.last + 1 || a.first > b.last + 1)) {
            std::vector<char> both = a.keys;
            for (std::size_t k = 0; k < both.size(); ++k) both[k] = static_cast<char>(both[k] | b.keys[k]);
            if (count_keys(both) > count_keys(one.keys)) {
                const Window& w1 = a.first < b.first ? a : b;
                const Window& w2 = a.first < b.first ? b : a;
                const auto [b1, e1] = bytes(w1.first, w1.last, max_bytes / 2);
                const auto [b2, e2] = bytes(w2.first, w2.last, max_bytes / 2);
                Snippet s = render(text, toks, b1, e1, true);
                const Snippet second = render(text, toks, b2, e2, w2.last + 1 < toks.size());
                // "…A… B…": the second window's own leading ellipsis is dropped.
                s.text += ' ';
                const std::size_t shift = s.text.size() - kEllipsis.size();
                s.text.append(second.text, kEllipsis.size());
                for (const Highlight& h : second.highlights) {
                    s.highlights.push_back({static_cast<std::uint32_t>(h.start + shift), static_cast<std::uint32_t>(h.end + shift)});
                }
                return s;
            }
        }
    }

    std::size_t first = one.first;
    const std::size_t last = one.last;
    if (last + 1 == toks.size() && first > 0) {
        // The window reaches the end of the text with room to spare: fill it with the text
        // before, from the earliest sentence start that fits (else the earliest word that fits,
        // unless the window already starts a sentence).
        std::size_t k = first;
        std::size_t sentence = sentence_start(first) ? first : toks.size();
        while (k > 0 && toks[last].end - toks[k - 1].begin <= max_bytes) {
            --k;
            if (sentence_start(k)) sentence = k;
        }
        first = sentence < toks.size() ? sentence : k;
    }
    const auto [begin, end] = bytes(first, last, max_bytes);
    return render(text, toks, begin, end, last + 1 < toks.size());
}

} // namespace fahras
