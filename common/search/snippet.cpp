#include "common/search/snippet.hpp"

#include "common/analysis/normalizer.hpp"
#include "common/analysis/tokenizer.hpp"
#include "common/analysis/word_scan.hpp"
#include "common/search/letter_sets.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstring>
#include <type_traits>

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

// Whether set a holds set b: every bit of b (of each of its sets, for a Need).
bool holds(std::uint64_t a, std::uint64_t b) noexcept { return (b & ~a) == 0; }
template <class Need>
bool holds(const Need& a, const Need& b) noexcept {
    return holds(a.letters, b.letters) && holds(a.pairs, b.pairs);
}

// Keeps the minimal sets of `sets`: drops duplicates and every set that holds another one.
// "Some set of the list is a subset of the token's" keeps the same answer.
template <class Set>
void drop_redundant(std::vector<Set>& sets) {
    std::sort(sets.begin(), sets.end());
    sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
    std::vector<Set> kept;
    for (const Set& s : sets) {
        const bool holds_another = std::any_of(sets.begin(), sets.end(), [&](const Set& other) {
            return !(other == s) && holds(s, other);
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

} // namespace

// Whether some set of the index is within `have`: only the sets whose pivot `have` holds can be.
// The word's pairs are worked out once some Need's letters are within its letters.
bool Snippeter::FilterIndex::any_within(std::uint64_t letters, std::string_view word) const noexcept {
    if (always) return true;
    std::uint64_t pairs = 0;
    bool have_pairs = false;
    for (std::uint64_t m = letters & pivots; m != 0; m &= m - 1) {
        for (const Need& need : by_pivot[static_cast<std::size_t>(std::countr_zero(m))]) {
            if (!holds(letters, need.letters)) continue;
            if (!have_pairs) {
                pairs = letter_sets::word_pairs(word);
                have_pairs = true;
            }
            if (holds(pairs, need.pairs)) return true;
        }
    }
    return false;
}

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
    used_.push_back(static_cast<std::uint32_t>(i));
    ++entries_;
    return slots_[i];
}

void Snippeter::Memo::grow() {
    std::vector<Entry> old = std::move(slots_);
    // The hits of a query have some 200 distinct words that pass the letter filters: room for
    // 256 from the start spares most queries two rehashes.
    slots_.assign(old.empty() ? 512 : 2 * old.size(), Entry{});
    used_.clear();
    const std::size_t mask = slots_.size() - 1;
    for (const Entry& e : old) {
        if (e.word_size == 0) continue;
        std::size_t i = e.hash & mask;
        while (slots_[i].word_size != 0) i = (i + 1) & mask;
        slots_[i] = e;
        used_.push_back(static_cast<std::uint32_t>(i));
    }
}

void Snippeter::Memo::clear() {
    // The slots stay allocated for the next text or query (a hit's words fill a few hundred);
    // only the used ones are emptied (the table keeps the size of the largest query it served,
    // and emptying all of it was a fifth of reset()).
    for (const std::uint32_t i : used_) slots_[i] = Entry{};
    used_.clear();
    entries_ = 0;
    arena_.clear();
}

Snippeter::Snippeter(const Analyzer& analyzer, HighlightTerms terms, const HighlightWeights& weights, WordForms* forms)
    : analyzer_(analyzer),
      own_forms_(forms != nullptr && &forms->analyzer() == &analyzer ? nullptr : std::make_unique<WordForms>(analyzer)),
      forms_(own_forms_ ? own_forms_.get() : forms),
      stem_within_exact_(
          analyzer.config().stemmer == StemmerKind::Light10 || analyzer.config().stemmer == StemmerKind::None ||
          analyzer.config().stemmer == StemmerKind::Light10Snowball
      ) {
    build(terms, weights);
}

void Snippeter::reset(const HighlightTerms& terms, const HighlightWeights& weights) {
    for (auto* keys : {&stem_keys_, &exact_keys_, &phrase_keys_}) keys->clear();
    prefix_keys_.clear();
    recall_keys_.clear();
    skeleton_keys_.clear();
    weights_.clear();
    stem_filters_.clear();
    recall_filters_.clear();
    for (std::uint64_t m = token_index_.pivots; m != 0; m &= m - 1) token_index_.by_pivot[static_cast<std::size_t>(std::countr_zero(m))].clear();
    token_index_.pivots = 0;
    token_index_.always = false;
    memo_.clear(); // what a word matches is for the old keys
    build(terms, weights);
}

void Snippeter::build(const HighlightTerms& terms, const HighlightWeights& weights) {
    for (const auto& s : terms.stems) add_key(stem_keys_, s, weights);
    for (const auto& e : terms.exacts) add_key(exact_keys_, e, weights);
    for (const auto& phrase : terms.phrases) {
        for (const auto& e : phrase) add_key(phrase_keys_, e, weights);
    }
    for (const auto& p : terms.prefixes) add_key(prefix_keys_, p, weights);
    for (const auto& [recall, stem] : terms.recall_stems) recall_keys_.try_emplace(recall, add_key(stem_keys_, stem, weights));
    for (const auto& [skeleton, stem] : terms.skeletons) skeleton_keys_.try_emplace(skeleton, add_key(stem_keys_, stem, weights));
    phrases_ = terms.phrases;
    // A stem holds only letters of its word, save one: ا. light10 stems the clitic forms of the
    // name of God to الله (لله → الله), and Snowball writes ا where it rewrites a verb's تست/يست
    // (تستعد → استعد; checked on every distinct word of ANT news and the Quran, 489,808 words:
    // ا the only letter it adds). So a word must have a stem key's letters less ا, and its
    // pairs of letters with ا breaking them (letter_sets.hpp); the parity tests in
    // tests/snippet_test.cpp pin both.
    const std::uint64_t alef = letter_sets::letters_of("\u0627");
    auto stem_need = [&](std::string_view key, std::uint64_t letters) {
        return Need{letters & ~alef, letter_sets::pairs_of(key, true)};
    };
    // (The order of the sets does not matter: drop_redundant() sorts them.)
    std::vector<Need> token_needs;
    stem_keys_.for_each([&](std::string_view text, const Key& key) { token_needs.push_back(stem_need(text, key.letters)); });
    for (const auto& [text, key] : prefix_keys_) token_needs.push_back(stem_need(text, key.letters));
    for (const Need& need : token_needs) stem_filters_.push_back(need.letters);
    recall_keys_.for_each([&](std::string_view recall, int) {
        const Need need = stem_need(recall, letter_sets::letters_of(recall));
        recall_filters_.push_back(need.letters);
        token_needs.push_back(need);
    });
    for (const auto* keys : {&exact_keys_, &phrase_keys_}) {
        keys->for_each([&](std::string_view text, const Key& key) { token_needs.push_back(Need{key.letters, letter_sets::pairs_of(text, false)}); });
    }
    // Each filter list is asked "does the token have all letters of *some* set?" for every token
    // of every hit: a set that holds another set of its list never decides, so it goes (a
    // headline's stem and Snowball stem are often the same letters).
    for (auto* filters : {&stem_filters_, &recall_filters_}) drop_redundant(*filters);
    drop_redundant(token_needs);
    worth_a_look_ = ~std::uint64_t{0};
    if (!stem_within_exact_) return; // every token is analyzed
    // Arabic letters, most frequent first (as normalized: no ة أ ى); a set's pivot is its
    // letter latest in this list, or a letter the list lacks (Latin, digits), rarer still.
    static constexpr std::string_view kByFrequency[] = {
        "ا", "ل", "ي", "م", "و", "ن", "ه", "ر", "ب", "ت", "ع", "د", "س", "ف", "ك",
        "ق", "ح", "ج", "ش", "ط", "ص", "ز", "خ", "ث", "ض", "غ", "ذ", "ظ", "ء",
    };
    std::array<int, 64> rank{};
    rank.fill(static_cast<int>(std::size(kByFrequency)));
    for (std::size_t r = 0; r < std::size(kByFrequency); ++r) rank[static_cast<std::size_t>(std::countr_zero(letter_sets::letters_of(kByFrequency[r])))] = static_cast<int>(r);
    for (const Need& need : token_needs) {
        if (need.letters == 0) {
            token_index_.always = true;
            continue;
        }
        int pivot = -1;
        for (std::uint64_t m = need.letters; m != 0; m &= m - 1) {
            const int bit = std::countr_zero(m);
            if (pivot < 0 || rank[static_cast<std::size_t>(bit)] > rank[static_cast<std::size_t>(pivot)]) pivot = bit;
        }
        token_index_.by_pivot[static_cast<std::size_t>(pivot)].push_back(need);
        token_index_.pivots |= std::uint64_t{1} << pivot;
    }
    // A word's raw letters (WordLetters::raw, before folding) with none of these cannot pass
    // token_index_: it has no pivot, and no letter that folds into one. Special words always
    // go on (their bit is in the set).
    if (!token_index_.always) {
        std::uint64_t look = token_index_.pivots | letter_sets::kSpecial;
        for (std::uint64_t f = letter_sets::kChars.folding; f != 0; f &= f - 1) {
            const auto b = static_cast<std::size_t>(std::countr_zero(f));
            if ((letter_sets::kChars.folds_to[b] & token_index_.pivots) != 0) look |= std::uint64_t{1} << b;
        }
        worth_a_look_ = look;
    }
}

template <class Keys>
int Snippeter::add_key(Keys& keys, const std::string& key, const HighlightWeights& weights) {
    const Key k{static_cast<int>(weights_.size()), letter_sets::letters_of(key)};
    int id = k.id;
    bool added = false;
    if constexpr (std::is_same_v<Keys, StringTable<Key>>) {
        const auto [value, is_new] = keys.try_emplace(key, k);
        id = value->id;
        added = is_new;
    } else {
        const auto [it, is_new] = keys.emplace(key, k);
        id = it->second.id;
        added = is_new;
    }
    if (added) {
        const double* w = weights.find(key);
        weights_.push_back(w == nullptr ? 1.0 : *w);
    }
    return id;
}

void Snippeter::push_token(std::vector<Tok>& out, std::uint32_t begin, std::uint32_t end, int key, std::pair<std::uint32_t, std::uint32_t> exact) const {
    out.push_back(Tok{begin, end, key, -1});
    if (!phrases_.empty()) exacts_.push_back(exact);
}

// Appends the token text[begin, end), whose letter sets (Sink::add below) are `sets`, to `out`
// with what it matches.
void Snippeter::add_token(std::string_view text, std::uint32_t begin, std::uint32_t end, const letter_sets::WordLetters& sets, std::vector<Tok>& out) const {
    // A token outside plain Arabic letters and ASCII (Uthmani marks, superscript alef,
    // presentation forms…) skips every letter filter: its skeleton and written-out-alef stem
    // exist only for such tokens.
    bool special = !stem_within_exact_;
    // Most tokens have no letter set of any key: they match nothing, and their normalized
    // form is never needed (not even for a phrase: a phrase word has its own letter set).
    if (stem_within_exact_) {
        special = sets.special();
        if (!special && !token_index_.any_within(sets.letters(), text.substr(begin, end - begin))) {
            // A token with letters has a non-empty normalized form: it is kept (as
            // Analyzer::analyze keeps it), only its form is not worked out.
            push_token(out, begin, end, -1);
            return;
        }
    }
    // What a token matches depends on its bytes alone: the words of a query's hits repeat
    // (its own words first of all), so each distinct word is worked out once a query.
    const std::string_view word = text.substr(begin, end - begin);
    const std::uint64_t hash = WordForms::word_hash(word);
    const Memo::Entry* m = memo_.find(word, hash);
    if (m == nullptr) {
        // Worked out after the scan, with the others the memo does not know yet.
        pending_.push_back(Pending{static_cast<std::uint32_t>(out.size()), hash, special});
        forms_->prefetch_slot(hash);
        push_token(out, begin, end, kPendingKey);
        return;
    }
    if (m->dropped) return; // only marks: the analyzer drops it too
    push_token(out, begin, end, m->key, {m->exact, m->exact_size});
}

void Snippeter::resolve_pending(std::string_view text, std::vector<Tok>& out) const {
    if (pending_.empty()) return;
    for (const Pending& p : pending_) forms_->prefetch_entry(p.hash);
    bool any_dropped = false;
    for (const Pending& p : pending_) {
        Tok& t = out[p.token];
        const std::string_view word = text.substr(t.begin, t.end - t.begin);
        // (An earlier pending token may have been the same word.)
        const Memo::Entry* m = memo_.find(word, p.hash);
        if (m == nullptr) m = &memo_.add(word, p.hash, match(word, p.hash, p.special));
        t.key = m->key;
        if (m->dropped) {
            t.key = kDroppedKey;
            any_dropped = true;
        } else if (!phrases_.empty()) {
            exacts_[p.token] = {m->exact, m->exact_size};
        }
    }
    pending_.clear();
    if (!any_dropped) return;
    // Only marks: the analyzer drops such a token, so the list does not hold it either.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i].key == kDroppedKey) continue;
        out[kept] = out[i];
        if (!phrases_.empty()) exacts_[kept] = exacts_[i];
        ++kept;
    }
    out.resize(kept);
    if (!phrases_.empty()) exacts_.resize(kept);
}

// Tokenizes `text` and analyzes each token with the Analyzer's own stages, as
// Analyzer::analyze does (tests/snippet_test.cpp checks the two agree), then looks up what each
// token matches. Analysis of the hits' stored text is the main cost of a snippet, so the stem
// (the dearest stage) is only computed for a token that has every letter of some query stem or
// prefix: a light10 stem is the word minus affixes, so it cannot hold a letter the word lacks.
void Snippeter::analyze(std::string_view text, std::vector<Tok>& out) const {
    out.clear();
    // Emptied between texts only: exacts_ points into its arena.
    if (memo_.size() >= kMemoEntries) memo_.clear();
    exacts_.clear();
    // Each token is looked at as soon as the scan has read it, with its letters.
    struct Sink {
        const Snippeter& snippeter;
        std::string_view text;
        std::vector<Tok>& out;
        letter_sets::WordLetters sets;
        void start() noexcept { sets.start(); }
        void add(std::uint32_t cp) noexcept { sets.add(cp); }
        void word(std::uint32_t begin, std::uint32_t end, std::uint32_t) {
            if ((sets.raw & snippeter.worth_a_look_) == 0) {
                // No letter of any key's pivot (nor one folding into it), and not special: it
                // matches nothing (as add_token() would find, with more work).
                snippeter.push_token(out, begin, end, -1);
                return;
            }
            snippeter.add_token(text, begin, end, sets, out);
        }
    } sink{*this, text, out, {}};
    pending_.clear();
    detail::scan_words(text, 0, sink);
    resolve_pending(text, out);
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
                out[i + k].key = phrase_keys_.find(phrase[k])->id; // every phrase word has a key
            }
            ++next_group;
            i += phrase.size() - 1;
        }
    }
}

// What the token `word` matches (its key, or -1), and its normalized form. `special`: it has a
// character outside plain Arabic letters and ASCII. Its forms come from forms_, which keeps them
// from query to query.
Snippeter::Match Snippeter::match(std::string_view word, std::uint64_t hash, bool special) const {
    WordForms::Entry& forms = forms_->get(word, hash);
    const std::string_view exact = forms.exact;
    if (exact.empty()) return Match{-1, true, {}};
    int key = -1;
    if (!exact_keys_.empty()) {
        if (const Key* ex = exact_keys_.find(exact)) key = ex->id;
    }
    // The letter set of the normalized form, kept with the word's forms from query to query.
    auto letters = [&] {
        if (forms.letters == 0) forms.letters = letter_sets::letters_of(exact); // never 0 for a non-empty form
        return forms.letters;
    };
    if (key < 0 && !stem_filters_.empty()) {
        const bool worth = !stem_within_exact_ || has_some(stem_filters_, letters());
        if (worth) {
            const std::string_view stem = forms_->stem(forms);
            if (const Key* k = stem_keys_.find(stem, forms.stem_hash)) {
                key = k->id;
            } else {
                for (const auto& [p, prefix] : prefix_keys_) {
                    if (exact.starts_with(p) || stem.starts_with(p)) {
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
        recall_worth = has_some(recall_filters_, letters());
    }
    if (recall_worth && !special) {
        // An ordinary token: its Snowball stem, as the analyzer computes it.
        const std::string_view recall = forms_->recall(forms);
        if (const int* r = recall_keys_.find(recall, forms.recall_hash)) key = *r;
    } else if (recall_worth) {
        // A special token needs the whole analysis (the skeleton and the written-out alef
        // read the original spelling): only for tokens nothing cheaper matched.
        one_.clear();
        analyzer_.analyze(word, one_);
        if (one_.size() == 1) {
            const AnalyzedToken& a = one_.front();
            if (const Key* k = a.alef_stem.empty() ? nullptr : stem_keys_.find(a.alef_stem)) {
                key = k->id;
            } else if (const int* r = a.recall_stem.empty() ? nullptr : recall_keys_.find(a.recall_stem)) {
                key = *r;
            } else if (const int* sk = a.skeleton.empty() ? nullptr : skeleton_keys_.find(a.skeleton)) {
                key = *sk;
            }
        }
    }
    return Match{key, false, phrases_.empty() ? std::string() : std::string(exact)}; // the form: for phrases
}

void Snippeter::render(
    std::string_view text,
    const std::vector<Tok>& toks,
    std::size_t begin,
    std::size_t end,
    bool cut_end,
    Snippet& s
) const {
    s.text.clear();
    s.highlights.clear();
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
    // The tokens inside [begin, end): from the first that starts there, until one ends past it.
    const auto from = std::lower_bound(toks.begin(), toks.end(), begin, [](const Tok& t, std::size_t at) { return t.begin < at; });
    for (auto it = from; it != toks.end() && it->end <= end; ++it) {
        const Tok& t = *it;
        if (t.key < 0) continue;
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
}

Snippet Snippeter::highlight_all(std::string_view text) const {
    Snippet s;
    highlight_all(text, s);
    return s;
}

void Snippeter::highlight_all(std::string_view text, Snippet& out) const {
    analyze(text, toks_);
    render(text, toks_, 0, text.size(), false, out);
}

Snippet Snippeter::make(std::string_view text, std::size_t max_bytes) const {
    Snippet s;
    make(text, max_bytes, s);
    return s;
}

void Snippeter::make(std::string_view text, std::size_t max_bytes, Snippet& snippet) const {
    std::vector<Tok>& toks = toks_;
    analyze(text, toks);
    if (toks.empty()) {
        snippet.text.clear();
        snippet.highlights.clear();
        return;
    }
    std::vector<std::size_t>& matches = matches_; // indices of matching tokens, in order
    matches.clear();
    for (std::size_t i = 0; i < toks.size(); ++i) {
        if (toks[i].key >= 0) matches.push_back(i);
    }

    // The last token of the window that starts at token `first` and fits in `size` bytes,
    // searched for from token `from` (from >= first), which is known to fit.
    auto window_end = [&](std::size_t first, std::size_t from, std::size_t size) {
        std::size_t last = from;
        while (last + 1 < toks.size() && toks[last + 1].end - toks[first].begin <= size) ++last;
        return last;
    };
    // Whether token i starts a sentence, worked out once a token (the windows of nearby
    // matches, and the two half windows, ask again and again about the same tokens).
    std::vector<std::int8_t>& starts = sentence_starts_;
    starts.assign(toks.size(), -1);
    auto sentence_start = [&](std::size_t i) {
        if (starts[i] < 0) starts[i] = i == 0 || ends_sentence(text.substr(toks[i - 1].end, toks[i].begin - toks[i - 1].end)) ? 1 : 0;
        return starts[i] != 0;
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
        bool found = false;
        std::size_t previous_start = toks.size();
        // The keys of the window being scored are those with seen[key] == stamp: no clearing
        // from window to window (that was a third of choosing windows, with a query's many keys).
        std::vector<std::uint32_t>& seen = seen_;
        seen.assign(weights_.size(), 0);
        std::uint32_t stamp = 0;
        // The window's last token: windows mostly start later and later, and a later start ends
        // no earlier, so the last token is searched for from the previous one.
        std::size_t known_start = toks.size();
        std::size_t known_last = 0;
        for (std::size_t j = 0; j < matches.size(); ++j) {
            const std::size_t a = matches[j];
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
            const std::size_t last = window_end(start, known_start <= start ? std::max(known_last, start) : start, size);
            known_start = start;
            known_last = last;
            if (known != nullptr && start <= avoid_last && last >= avoid_first) continue;
            // The window's first match: this one, or one of the few just before it (start <= a).
            std::size_t m0 = j;
            while (m0 > 0 && matches[m0 - 1] >= start) --m0;
            ++stamp;
            double score = found_sentence || start == 0 ? 0.25 : 0.0;
            for (std::size_t k = m0; k < matches.size() && matches[k] <= last; ++k) {
                const Tok& t = toks[matches[k]];
                const auto key = static_cast<std::size_t>(t.key);
                const double w = known != nullptr && (*known)[key] != 0 ? 0.0 : weights_[key];
                score += seen[key] == stamp ? 0.1 * w : w;
                seen[key] = stamp;
                if (t.group >= 0) score += 0.5 * w; // phrase occurrences count more
            }
            if (score > out.score) {
                out = Window{start, last, score, {}};
                found = true;
            }
        }
        if (found) {
            // Which keys the best window holds.
            out.keys.assign(weights_.size(), 0);
            for (const std::size_t m : matches) {
                if (m >= out.first && m <= out.last) out.keys[static_cast<std::size_t>(toks[m].key)] = 1;
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
    if (matches.empty()) one = Window{0, window_end(0, 0, max_bytes), 0, {}};

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
                Snippet& s = snippet;
                render(text, toks, b1, e1, true, s);
                const Snippet& second = second_;
                render(text, toks, b2, e2, w2.last + 1 < toks.size(), second_);
                // "…A… B…": the second window's own leading ellipsis is dropped.
                s.text += ' ';
                const std::size_t shift = s.text.size() - kEllipsis.size();
                s.text.append(second.text, kEllipsis.size());
                for (const Highlight& h : second.highlights) {
                    s.highlights.push_back({static_cast<std::uint32_t>(h.start + shift), static_cast<std::uint32_t>(h.end + shift)});
                }
                return;
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
    render(text, toks, begin, end, last + 1 < toks.size(), snippet);
}

} // namespace fahras
