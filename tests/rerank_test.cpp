// Questions that ask when or how many, and the passage rerank of their top hits
// (common/search/question.*, common/search/rerank.*).

#include "common/index/document_builder.hpp"
#include "common/search/question.hpp"
#include "common/search/rerank.hpp"
#include "common/search/searcher.hpp"
#include "support/search_fixture.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

using namespace fahras;

TEST_CASE("question kind: when and how-many questions, from their first words", "[question]") {
    struct Row {
        const char* query;
        QuestionKind kind;
    };
    const std::vector<Row> rows = {
        // متى, however it is typed (ى or ي, diacritics, a leading dash of a list, a stray ال)
        {"متى ولد جمال خاشقجي؟", QuestionKind::When},
        {"متي تم اكتشاف موريشيوس؟", QuestionKind::When},
        {"مَتَى فَقَدَ أُمَّهُ؟", QuestionKind::When},
        {"- متى فقد أمه؟ ال", QuestionKind::When},
        {"ومتى عاد إلى مصر؟", QuestionKind::When},
        {"منذ متى يكتب في الصحيفة؟", QuestionKind::When},
        // أي + a unit of time, with or without a preposition
        {"في أي عام استقلت مصر؟", QuestionKind::When},
        {"اي عام استقلت مصر؟", QuestionKind::When},
        {"بأي سنة توفي؟", QuestionKind::When},
        {"في أية فترة حكم؟", QuestionKind::When},
        {"ما تاريخ معركة اليرموك؟", QuestionKind::When},
        {"ما هو تاريخ تأسيس الجامعة؟", QuestionKind::When},
        // كم and ما (هو/هي) + a measure
        {"كم عدد سكان الهند؟", QuestionKind::HowMany},
        {"كم رجلاً كان يحرسون القافلة؟", QuestionKind::HowMany},
        {"في كم دولة تمتد عائلة روتشيلد؟", QuestionKind::HowMany},
        {"على كم من إقليم تتوزع محافظات مصر؟", QuestionKind::HowMany},
        {"من كم محافظة مؤلفة سوريا؟", QuestionKind::HowMany},
        {"ما عدد الترشيحات التي تغلبت عليهم روسيا؟", QuestionKind::HowMany},
        {"ما هي مساحة شبه الجزيرة العربية؟", QuestionKind::HowMany},
        {"ماهي نسبة السكر في الدم؟", QuestionKind::HowMany},
        // other questions: the whole paragraph is the answer, or the answer is not a number
        {"ما هو السل؟", QuestionKind::None},
        {"ماهي الدولة التي تحد سوريا شمالاً؟", QuestionKind::None},
        {"لماذا يعد الشيعة يوم عاشوراء يوم حزن؟", QuestionKind::None},
        {"كيف انتهت حرب أكتوبر؟", QuestionKind::None},
        {"من هو جمال خاشقجي؟", QuestionKind::None},
        {"أين يقع المغرب؟", QuestionKind::None},
        {"أي دولة تحد سوريا؟", QuestionKind::None},
        // headlines and keywords, where the same words appear later or alone
        {"اتفاقية الشراكة بين روسيا وإيران", QuestionKind::None},
        {"الحكومة تعلن كم عدد المصابين", QuestionKind::None},
        {"عدد سكان مصر", QuestionKind::None},
        {"في القاهرة متى", QuestionKind::None},
        {"متى", QuestionKind::When},
        {"في", QuestionKind::None},
        {"", QuestionKind::None},
        {"\"متى\" +الحرب -سوريا", QuestionKind::When},
    };
    for (const Row& row : rows) {
        INFO(row.query);
        CHECK(question_kind(row.query) == row.kind);
    }
    CHECK(to_string(QuestionKind::When) == "when");
    CHECK(to_string(QuestionKind::HowMany) == "how-many");
    CHECK(to_string(QuestionKind::None) == "none");
}

TEST_CASE("question kind: the parser records it", "[question][query]") {
    const Analyzer analyzer;
    CHECK(parse_query("كم عدد ولايات الهند؟", analyzer).question == QuestionKind::HowMany);
    CHECK(parse_query("متى ولد جنكيز خان؟", analyzer).question == QuestionKind::When);
    CHECK(parse_query("ولايات الهند", analyzer).question == QuestionKind::None);
}

namespace {

// Same words, two orders: in the first the question's words are far apart, in the second they
// are one sentence. BM25 cannot tell them apart (same terms, same counts, same length).
const std::string kFiller1 =
    "كانت المدينة في ذلك الزمن مزدحمة بالأسواق والمقاهي والناس الذين يأتون من القرى المجاورة للعمل "
    "والتجارة وطلب العلم في المدارس الكبيرة القديمة";
const std::string kFiller2 =
    "وقد عرفت الحارة القديمة بأزقتها الضيقة وبيوتها المتلاصقة ومساجدها العتيقة وحكاياتها التي يرويها "
    "الكبار للصغار في ليالي الشتاء الطويلة";
const std::string kSpread = "ولد في القاهرة سنة 1911. " + kFiller1 + ". " + kFiller2 + ". نجيب محفوظ.";
const std::string kClustered = "ولد نجيب محفوظ في القاهرة سنة 1911. " + kFiller1 + ". " + kFiller2 + ".";

void write_docs(const std::string& path) {
    std::ofstream out(path);
    auto doc = [&](const std::string& id, const std::string& title, const std::string& body) {
        out << R"({"id":")" << id << R"(","title":")" << title << R"(","body":")" << body << "\"}\n";
    };
    doc("spread", "سيرة", kSpread); // indexed first: it wins the BM25 tie on docid
    doc("clustered", "سيرة", kClustered);
    doc("other-1", "الأسواق", "تشتهر أسواق القاهرة القديمة بالتوابل والعطور والمنسوجات منذ قرون طويلة.");
    doc("other-2", "المدارس", "افتتحت في المدينة مدارس جديدة للبنات والبنين في مطلع القرن العشرين.");
    doc("other-3", "الجامعة", "تأسست جامعة القاهرة سنة 1908 باسم الجامعة المصرية وكانت جامعة أهلية.");
}

// The documents of write_docs(), indexed, and a searcher over them.
struct Biographies {
    test::TempDir dir;
    Searcher searcher{build(dir)};

    static std::string build(const test::TempDir& d) {
        write_docs(d / "docs.jsonl");
        test::index_into(d / "db", {d / "docs.jsonl"});
        return d / "db";
    }
};

// The same, with the passage scorer of one when-question.
struct WhenQuestion : Biographies {
    ParsedQuery parsed = parse_query("متى ولد نجيب محفوظ؟", searcher.analyzer(), searcher.vocabulary());
    PassageScorer scorer{searcher.analyzer(), parsed.disjunction, searcher.database(), searcher.bm25()};
};

std::vector<Hit> hits_of(Searcher& searcher, const std::string& query, const SearchOptions& options) {
    const ParsedQuery parsed = parse_query(query, searcher.analyzer(), searcher.vocabulary());
    return searcher.search(parsed, options).hits;
}

std::vector<std::string> ids_of(const std::vector<Hit>& hits) {
    std::vector<std::string> out;
    for (const Hit& h : hits) out.push_back(h.doc.id);
    return out;
}

} // namespace

TEST_CASE("passage rerank: a question's words in one sentence rank first", "[rerank][search]") {
    Biographies f;
    Searcher& searcher = f.searcher;

    SearchOptions bm25_only;
    bm25_only.passage_rerank = false;
    const std::vector<Hit> plain = hits_of(searcher, "متى ولد نجيب محفوظ؟", bm25_only);
    REQUIRE(plain.size() >= 2);
    // BM25 ties the two orders exactly, and breaks the tie by docid.
    CHECK(ids_of(plain).at(0) == "spread");
    CHECK(ids_of(plain).at(1) == "clustered");
    CHECK(plain[0].score == plain[1].score);

    const std::vector<Hit> reranked = hits_of(searcher, "متى ولد نجيب محفوظ؟", {});
    REQUIRE(reranked.size() == plain.size());
    CHECK(ids_of(reranked).at(0) == "clustered");
    CHECK(ids_of(reranked).at(1) == "spread");
    for (std::size_t i = 0; i < reranked.size(); ++i) {
        CHECK(reranked[i].rank == i + 1);
        if (i > 0) CHECK(reranked[i - 1].score >= reranked[i].score);
    }
    // The same documents, each weighing at least its BM25 weight.
    for (const Hit& h : reranked) {
        const auto it = std::find_if(plain.begin(), plain.end(), [&](const Hit& p) { return p.doc.id == h.doc.id; });
        REQUIRE(it != plain.end());
        CHECK(h.score >= it->score);
    }

    // Pages are cut from the reranked list.
    SearchOptions second;
    second.offset = 1;
    second.count = 1;
    const std::vector<Hit> page = hits_of(searcher, "متى ولد نجيب محفوظ؟", second);
    REQUIRE(page.size() == 1);
    CHECK(page[0].doc.id == "spread");
    CHECK(page[0].rank == 2);

    // Not a question it reranks: the BM25 order, whatever the option says.
    CHECK(ids_of(hits_of(searcher, "ولد نجيب محفوظ", {})) == ids_of(hits_of(searcher, "ولد نجيب محفوظ", bm25_only)));
    CHECK(ids_of(hits_of(searcher, "من هو نجيب محفوظ؟", {})) ==
          ids_of(hits_of(searcher, "من هو نجيب محفوظ؟", bm25_only)));
}

TEST_CASE("passage scorer: the best window, BM25 within it", "[rerank]") {
    const WhenQuestion f;
    const PassageScorer& scorer = f.scorer;
    REQUIRE_FALSE(scorer.empty());

    CHECK(scorer.best_passage(kClustered) > scorer.best_passage(kSpread));
    CHECK(scorer.best_passage(kFiller1) == 0);
    CHECK(scorer.best_passage("") == 0);
    // The words' forms in the text do not matter, their stems do (وُلِد, ونجيبٌ).
    CHECK(scorer.best_passage("وُلِدَ نجيبُ محفوظٍ") == Approx(scorer.best_passage("ولد نجيب محفوظ")));
    // A term counts with BM25's saturation: once in a window weighs w · 1 / (k1 + 1), twice
    // w · 2 / (k1 + 2), that is 2 (k1 + 1) / (k1 + 2) times as much.
    const double k1 = f.searcher.bm25().k1;
    const double once = scorer.best_passage("نجيب");
    REQUIRE(once > 0);
    CHECK(scorer.best_passage("نجيب نجيب") == Approx(once * 2 * (k1 + 1) / (k1 + 2)));
    // Only one window counts: the word 30 words away is in another window.
    std::string far = "نجيب";
    for (int i = 0; i < 30; ++i) far += " والتجارة";
    far += " نجيب";
    CHECK(scorer.best_passage(far) == Approx(once));
}

TEST_CASE("passage rerank of hits: only the top depth moves, ranks renumbered", "[rerank]") {
    const WhenQuestion f;
    const PassageScorer& scorer = f.scorer;

    auto hit = [](const std::string& id, double score, const std::string& body) {
        Hit h;
        h.score = score;
        h.doc.id = id;
        h.doc.body = body;
        return h;
    };
    std::vector<Hit> hits = {
        hit("a", 10.0, kSpread),
        hit("b", 10.0, kClustered),
        hit("c", 9.0, kFiller1),
        hit("d", 1.0, kClustered), // below the depth: stays last whatever its passage
    };
    rerank_by_passages(hits, scorer, 3);
    CHECK(ids_of(hits) == std::vector<std::string>{"b", "a", "c", "d"});
    CHECK(hits[0].score == Approx(10.0 + scorer.best_passage(kClustered)));
    CHECK(hits[2].score == 9.0);
    CHECK(hits[3].score == 1.0);
    for (std::size_t i = 0; i < hits.size(); ++i) CHECK(hits[i].rank == i + 1);
}

TEST_CASE("passage scorer: stemming only the words with a query term's letters changes nothing", "[rerank]") {
    // best_passage() skips the stemmers for words that lack the letters of every query term;
    // best_passage_analyzed() analyzes every word as the indexer does. Over 60 news articles and
    // the Quran verses of mini.jsonl (Uthmani spelling: the full analysis), for questions whose
    // terms come through every stream (light stem, Snowball stem, person variants, synonyms,
    // spelling variants of the index), they must agree on every document.
    test::TempDir dir;
    test::index_into(dir / "db", {test::data_path("news-60.jsonl.zst"), test::data_path("mini.jsonl")});
    Searcher searcher(dir / "db");
    const std::vector<std::string> questions = {
        "متى وقعت اتفاقية الشراكة بين روسيا وإيران؟",
        "كم عدد اللاعبين في المنتخب؟",
        "متى يتزوج؟",
        "كم مرة فاز ترمب في الانتخابات الأمريكية؟",
        "في أي عام استقلت مصر؟",
        "ما عدد السماوات والأرض؟",
        "متى نزلت الرحمن الرحيم؟",
        "كم يبلغ سعر النفط والذهب في الأسواق العالمية؟",
    };
    const Xapian::Database& db = searcher.database();
    std::size_t compared = 0, nonzero = 0;
    for (const std::string& q : questions) {
        INFO(q);
        const ParsedQuery parsed = parse_query(q, searcher.analyzer(), searcher.vocabulary());
        REQUIRE(parsed.question != QuestionKind::None);
        const PassageScorer scorer(searcher.analyzer(), parsed.disjunction, db, searcher.bm25());
        for (Xapian::PostingIterator it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
            const Document doc = decode_stored(db.get_document(*it).get_data());
            INFO(doc.id);
            const double fast = scorer.best_passage(doc.body);
            CHECK(fast == Approx(scorer.best_passage_analyzed(doc.body)).epsilon(1e-12));
            ++compared;
            if (fast > 0) ++nonzero;
        }
    }
    CHECK(compared > 8 * 60);
    CHECK(nonzero > compared / 2); // the comparison is about real matches, not zeros
}
