// Analysis throughput: MB/s of Arabic news text through fahras's analyzer, beside Xapian's own
// TermGenerator with the Snowball "arabic" stemmer (the peer) on the same text in the same run.
//
//   cmake --preset bench && cmake --build --preset bench --target fahras_analysis_bench
//   build/bench/bin/fahras_analysis_bench [--benchmark_repetitions=3]   (or bench/analysis_speed.sh)
//
// The text is the title and body of every article of FAHRAS_BENCH_TEXT (default: the bundled
// corpus/news-sample.jsonl.zst, 1,927 ANT articles, about 5 MB), joined by newlines.

#include "common/analysis/analyzer.hpp"
#include "common/analysis/normalizer.hpp"
#include "common/analysis/tokenizer.hpp"
#include "common/document/input.hpp"
#include "common/index/document_builder.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

#ifndef FAHRAS_SOURCE_DIR
#define FAHRAS_SOURCE_DIR "."
#endif

// The articles' text, one string per article (analysis works on one field at a time).
const std::vector<std::string>& texts() {
    static const std::vector<std::string> out = [] {
        const char* env = std::getenv("FAHRAS_BENCH_TEXT");
        const std::string path = env ? env : FAHRAS_SOURCE_DIR "/corpus/news-sample.jsonl.zst";
        fahras::Input input = fahras::open_input(path);
        std::vector<std::string> v;
        std::string line;
        while (std::getline(*input.stream, line)) {
            const auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_object()) continue;
            // append(), not operator+: GCC 12 -O3 gives a false -Wrestrict on the concatenation.
            std::string text = j.value("title", "");
            text.push_back('\n');
            text.append(j.value("body", ""));
            v.push_back(std::move(text));
        }
        if (v.empty()) {
            std::cerr << "analysis_bench: " << path << ": no articles\n";
            std::exit(2);
        }
        return v;
    }();
    return out;
}

std::int64_t total_bytes() {
    std::int64_t n = 0;
    for (const auto& t : texts()) n += static_cast<std::int64_t>(t.size());
    return n;
}

void run_analyzer(benchmark::State& state, fahras::StemmerKind kind) {
    fahras::AnalyzerConfig config;
    config.stemmer = kind;
    const fahras::Analyzer analyzer(config);
    std::vector<fahras::AnalyzedToken> tokens;
    for (auto _ : state) {
        for (const auto& t : texts()) {
            tokens.clear();
            analyzer.analyze(t, tokens);
            benchmark::DoNotOptimize(tokens.data());
        }
    }
    state.SetBytesProcessed(state.iterations() * total_bytes());
}

// The full analyzer as the indexer runs it, for each stemmer choice.
void BM_fahras_analyzer_light10_snowball(benchmark::State& s) { run_analyzer(s, fahras::StemmerKind::Light10Snowball); }
void BM_fahras_analyzer_light10(benchmark::State& s) { run_analyzer(s, fahras::StemmerKind::Light10); }
void BM_fahras_analyzer_snowball(benchmark::State& s) { run_analyzer(s, fahras::StemmerKind::Snowball); }
void BM_fahras_analyzer_none(benchmark::State& s) { run_analyzer(s, fahras::StemmerKind::None); }

// Like for like with the peer below: the default analyzer and DocumentBuilder make a whole
// Xapian::Document (exact terms with positions, Z, XZ and XA terms, the stored data) per
// article. The text is put in the body; the title field stays empty.
void BM_fahras_document_builder(benchmark::State& state) {
    const fahras::Analyzer analyzer;
    fahras::DocumentBuilder builder(analyzer);
    fahras::Document doc;
    doc.id = "bench";
    for (auto _ : state) {
        for (const auto& t : texts()) {
            doc.body = t;
            const Xapian::Document xdoc = builder.build(doc);
            benchmark::DoNotOptimize(xdoc.termlist_count());
        }
    }
    state.SetBytesProcessed(state.iterations() * total_bytes());
}

// Tokenizer + normalizer only (the part every stream shares).
void BM_fahras_tokenize_normalize(benchmark::State& state) {
    std::vector<fahras::Token> tokens;
    std::string buffer;
    for (auto _ : state) {
        for (const auto& t : texts()) {
            tokens.clear();
            fahras::tokenize(t, tokens);
            for (const auto& token : tokens) {
                buffer.clear();
                fahras::normalize_append(token.view(t), buffer);
                benchmark::DoNotOptimize(buffer.data());
            }
        }
    }
    state.SetBytesProcessed(state.iterations() * total_bytes());
}

// The peer: Xapian's TermGenerator, Snowball arabic, STEM_SOME (exact terms with positions +
// Z stems, as fahras makes), into a fresh Document per article, as xapian_peer.py indexes.
void BM_xapian_termgenerator(benchmark::State& state) {
    Xapian::TermGenerator generator;
    generator.set_stemmer(Xapian::Stem("arabic"));
    generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    for (auto _ : state) {
        for (const auto& t : texts()) {
            Xapian::Document doc;
            generator.set_document(doc);
            generator.index_text(t);
            benchmark::DoNotOptimize(doc.termlist_count());
        }
    }
    state.SetBytesProcessed(state.iterations() * total_bytes());
}

} // namespace

BENCHMARK(BM_fahras_analyzer_light10_snowball)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fahras_analyzer_light10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fahras_analyzer_snowball)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fahras_analyzer_none)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fahras_document_builder)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fahras_tokenize_normalize)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_xapian_termgenerator)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
