// The normalizer, rule by rule: one row per rule listed in common/analysis/normalizer.hpp, with
// real Arabic words (Quranic text, news, Persian and Urdu spellings).

#include "common/analysis/normalizer.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace fahras;

TEST_CASE("normalizer: presentation forms become base letters", "[normalizer]") {
    auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"\xEF\xBB\xBB", "لا"},                                 // U+FEFB lam-alef ligature → two letters
        {"\xEF\xBB\xB5\xD9\x85", "لام"},                        // U+FEF5 lam-alef madda ligature
        {"\xEF\xB7\xB2", "الله"},                               // U+FDF2 ligature allah
        {"\xEF\xBB\xA3\xEF\xBA\xA4\xEF\xBA\xAE", "محر"},        // U+FEE3 U+FEA4 U+FEAE: initial/medial/final forms
        {"\xEF\xBA\x94", "ه"},                                  // U+FE94 teh marbuta final → ه
        {"\xEF\xAE\x8E", "ك"},                                  // U+FB8E keheh isolated → ك
        {"\xD9\x83\xEF\xB9\xB6\xD8\xAA\xD8\xA8", "كتب"},        // U+FE76 isolated fatha: dropped, not a space
    }));
    CAPTURE(input);
    CHECK(normalize(input) == expected);
}

TEST_CASE("normalizer: marks are dropped inside the word", "[normalizer]") {
    auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"كَتَبَ", "كتب"},                      // fatha U+064E
        {"كِتَابٌ", "كتاب"},                    // kasra, dammatan U+064C
        {"شُكْرًا", "شكرا"},                    // damma, sukun, fathatan U+064B
        {"مُدَرِّسٍ", "مدرس"},                  // shadda U+0651, kasratan U+064D
        {"\xD8\xB3\xD9\x9F\xD9\x84", "سل"},     // U+065F wavy hamza below (end of the range)
        {"هٰذَا", "هذا"},                       // superscript alef U+0670
        {"ٱلرَّحۡمَٰنِ", "الرحمن"},               // U+06E1 small high dotless head of khah (Quranic sukun)
        {"محمد\xD8\x90", "محمد"},               // U+0610 sallallahou sign
        {"\xD8\xB9\xD9\x84\xD9\x8A\xD9\x87\xD8\x9A", "عليه"}, // U+061A small kasra (end of U+0610–U+061A)
        {"قَرِيبٌۖ", "قريب"},                   // U+06D6 small high ligature sad with lam with alef maksura
        {"لَهُۥ", "له"},                        // U+06E5 small waw
        {"\xD9\x86\xDB\xAD\xD8\xB1", "نر"},     // U+06ED small low meem (end of U+06D6–U+06ED)
        {"كـــتـــاب", "كتاب"},                 // tatweel U+0640
        {"مر\xE2\x80\x8Cحبا", "مرحبا"},         // ZWNJ U+200C
        {"مر\xE2\x80\x8Dحبا", "مرحبا"},         // ZWJ U+200D
        {"\xE2\x80\x8Eسلام", "سلام"},           // LRM U+200E
        {"\xE2\x80\x8Fسلام", "سلام"},           // RLM U+200F
        {"\xD8\x9Cسلام", "سلام"},               // Arabic letter mark U+061C
        {"\xE2\x80\xABسلام\xE2\x80\xAC", "سلام"}, // RLE U+202B … PDF U+202C
        {"\xE2\x80\xAEسلام", "سلام"},           // RLO U+202E
        {"\xE2\x81\xA7سلام\xE2\x81\xA9", "سلام"}, // RLI U+2067 … PDI U+2069
        {"\xE2\x81\xA6" "abc", "abc"},             // LRI U+2066
    }));
    CAPTURE(input);
    CHECK(normalize(input) == expected);
}

TEST_CASE("normalizer: letter forms are folded", "[normalizer]") {
    auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"آمن", "امن"},                     // alef madda
        {"أحمد", "احمد"},                   // alef hamza above
        {"إيران", "ايران"},                 // alef hamza below
        {"ٱللَّه", "الله"},                  // alef wasla U+0671
        {"\xD9\xB2\xD8\xAD\xD9\x85\xD8\xAF", "احمد"}, // alef wavy hamza above U+0672
        {"\xD9\xB3\xD8\xB3\xD9\x85", "اسم"},  // alef wavy hamza below U+0673
        {"مؤتمر", "موتمر"},                 // waw hamza → و
        {"رئيس", "رييس"},                   // yeh hamza → ي
        {"مستشفى", "مستشفي"},               // alef maksura → ي
        {"اتفاقية", "اتفاقيه"},             // teh marbuta → ه
        {"فارسی", "فارسي"},                 // Farsi yeh U+06CC → ي
        {"\xD8\xA8\xDB\x92", "بي"},         // yeh barree U+06D2 → ي
        {"کتاب", "كتاب"},                   // keheh U+06A9 → ك
        {"\xD8\xAE\xD8\xA7\xD9\x86\xDB\x80", "خانه"}, // heh with yeh above U+06C0 → ه
        {"\xDB\x81\xD9\x85", "هم"},         // heh goal U+06C1 → ه
    }));
    CAPTURE(input);
    CHECK(normalize(input) == expected);
}

TEST_CASE("normalizer: digits, number separators and case", "[normalizer]") {
    auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"٢٠٢٤", "2024"},          // Arabic-Indic digits
        {"۱۴۰۳", "1403"},          // Eastern Arabic-Indic digits
        {"٣٫٥", "3.5"},            // Arabic decimal separator U+066B
        {"١٬٠٠٠", "1,000"},        // Arabic thousands separator U+066C
        {"Xapian", "xapian"},      // ASCII case folding
        {"ÉCOLE", "école"},        // Latin beyond ASCII
        {"ΣΟΦΙΑ", "σοφια"},        // other cased scripts
        {"الـCNN", "الcnn"},       // mixed token: tatweel dropped, Latin folded
    }));
    CAPTURE(input);
    CHECK(normalize(input) == expected);
}

TEST_CASE("normalizer: mark order does not matter", "[normalizer]") {
    // The bundled Quran (quran-json) writes shadda before the vowel; Unicode's canonical order
    // puts the vowel (fatha U+064E, class 30) before shadda (U+0651, class 33).
    const std::string shadda_first = "\xD8\xB1\xD9\x91\xD9\x8E\xD8\xA8"; // ر ّ َ ب
    const std::string fatha_first = "\xD8\xB1\xD9\x8E\xD9\x91\xD8\xA8";  // ر َ ّ ب
    CHECK(normalize(shadda_first) == "رب");
    CHECK(normalize(fatha_first) == "رب");
    CHECK(normalize("ٱلۡحَمۡدُ لِلَّهِ") == normalize("الحمد لله"));
}

TEST_CASE("normalizer fast path: clean tokens are copied, others are not", "[normalizer]") {
    CHECK(is_clean("كتاب"));
    CHECK(is_clean("xapian2024"));
    CHECK(is_clean("مدرسه"));
    CHECK_FALSE(is_clean("مدرسة"));  // teh marbuta
    CHECK_FALSE(is_clean("كَتب"));    // a haraka
    CHECK_FALSE(is_clean("Xapian"));  // upper case
    CHECK_FALSE(is_clean("إيران"));   // hamza below
    CHECK_FALSE(is_clean("کتاب"));    // keheh (not in U+0621–U+064A)
    CHECK_FALSE(is_clean("\xD8"));    // truncated sequence
    // The fast path and the slow path agree on clean words.
    for (const std::string word : {"كتاب", "الرحمن", "abc123"}) {
        std::string slow;
        normalize_append(word + "\xD9\x8E", slow); // a trailing fatha forces the slow path
        CHECK(slow == normalize(word));
    }
}

TEST_CASE("normalizer: invalid UTF-8 and mark-only input", "[normalizer]") {
    CHECK(normalize("\xD8") == "");
    CHECK(normalize("كت\xFF\xFEب") == "كتب");
    CHECK(normalize("\xD9\x8E\xD9\x8E") == ""); // only marks
}

TEST_CASE("alef skeleton: Uthmani and plain spellings meet", "[normalizer]") {
    auto skeleton = [](const std::string& word) {
        std::string out;
        skeleton_append(word, out);
        return out;
    };
    auto [uthmani, plain, expected] = GENERATE(table<std::string, std::string, std::string>({
        {"ٱلۡيَتَٰمَىٰ", "اليتامى", "اليتمي"},        // superscript alef where plain text has ا
        {"ٱلۡمَسَٰكِينِ", "المساكين", "المسكين"},
        {"ٱلسَّمَٰوَٰتِ", "السماوات", "السموت"},       // a waw with its own vowel is a consonant
        {"ٱلصَّلَوٰةَ", "الصلاة", "الصله"},           // وٰ spells an alef
        {"ٱلرِّبَوٰاْ", "الربا", "الرب"},
        {"ٱلرَّحۡمَٰنِ", "الرحمن", "الرحمن"},         // plain text has no alef either
        {"هٰذَا", "هذا", "هذ"},
    }));
    CAPTURE(uthmani, plain);
    CHECK(skeleton(uthmani) == expected);
    CHECK(skeleton(plain) == expected);
}

TEST_CASE("superscript alef written out, as today's spelling writes it", "[normalizer]") {
    auto written = [](const std::string& word) {
        std::string out;
        write_out_superscript_alef_append(word, out);
        return out;
    };
    auto [uthmani, expected] = GENERATE(table<std::string, std::string>({
        {"ٱلۡعَٰلَمِينَ", "العالمين"},   // ٰ after a consonant → ا
        {"ٱلصَّلَوٰةَ", "الصلاه"},       // وٰ: the waw only seats the alef
        {"ٱلۡحَيَوٰةِ", "الحياه"},
        {"ٱلۡيَتَٰمَىٰ", "اليتامي"},      // ىٰ stays ى (then ي)
        {"ٱلسَّمَٰوَٰتِ", "السماوات"},    // a waw with its own vowel is a consonant
        {"ٱلرِّبَوٰاْ", "الربا"},        // no double alef
        {"كِتَٰبٌ", "كتاب"},
        {"كتاب", "كتاب"},               // no superscript alef: as normalize()
    }));
    CAPTURE(uthmani);
    CHECK(written(uthmani) == expected);
}
