// edge-rt perplexity: perplexity of a text scored as llama-perplexity scores it (chunks of -c
// tokens, BOS first, the second half of each chunk scored), a progress line per chunk on stderr,
// the final PPL ± standard error on stdout; with --kl-divergence-base FILE the scored
// log-probabilities are saved, with --kl-divergence FILE another model is compared with them.
#include "cli-common.h"
#include "commands.h"
#include "scoring-engine.h"

#include "edgert/error.h"
#include "edgert/perplexity.h"

#include <QCommandLineParser>
#include <QFile>

#include <cstdio>

namespace edgert::cli {

namespace {

constexpr qint64 kMaxTextBytes = qint64{1} << 30;

std::string readText(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw IoError("cannot open the text file '" + path.toStdString() + "': " + f.errorString().toStdString());
    if (f.size() > kMaxTextBytes)
        throw UsageError("the text file '" + path.toStdString() + "' has " + std::to_string(f.size()) +
                         " bytes; at most 1 GiB is scored");
    const QByteArray bytes = f.readAll();
    if (f.error() != QFileDevice::NoError)
        throw IoError("cannot read '" + path.toStdString() + "': " + f.errorString().toStdString());
    return bytes.toStdString();
}

}  // namespace

int perplexityCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Perplexity of a text, scored as llama-perplexity scores it: the text (BOS first) is cut into "
        "chunks of -c tokens, each evaluated from an empty KV cache with its first token replaced by BOS, "
        "and the second half of every chunk is scored. Prints one line per chunk and PPL +/- its standard "
        "error. --kl-divergence-base FILE saves the scored log-probabilities (llama-perplexity's file "
        "layout); --kl-divergence FILE scores the tokens stored in FILE and compares: mean KL divergence, "
        "top-1 agreement."));
    addHelpOption(parser);
    parser.addOptions(scoringEngineOptions());
    addOptionsShowingDefaults(
        parser,
        {
            {QStringList{QStringLiteral("f"), QStringLiteral("file")}, QStringLiteral("Text file to score."),
             QStringLiteral("path")},
            {QStringList{QStringLiteral("c"), QStringLiteral("ctx-size")},
             QStringLiteral("Tokens per chunk (default 512, at most the model's context)."), QStringLiteral("N")},
            {QStringList{QStringLiteral("b"), QStringLiteral("batch-size")},
             QStringLiteral("Tokens per forward pass (default: the whole chunk)."), QStringLiteral("N")},
            {QStringLiteral("chunks"), QStringLiteral("Score at most N chunks (default: all)."), QStringLiteral("N")},
            {QStringLiteral("kl-divergence-base"),
             QStringLiteral("Save the scored log-probabilities to FILE (written atomically)."), QStringLiteral("FILE")},
            {QStringLiteral("kl-divergence"),
             QStringLiteral("Compare with the log-probabilities in FILE (its tokens are scored; -f is not needed)."),
             QStringLiteral("FILE")},
        });
    if (!parser.parse(arguments)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(commandHelp(parser, arguments)), stdout);
        return 0;
    }
    rejectPositional(parser);
    const bool saving = parser.isSet(QStringLiteral("kl-divergence-base"));
    const bool comparing = parser.isSet(QStringLiteral("kl-divergence"));
    if (saving && comparing) throw UsageError("give --kl-divergence-base FILE or --kl-divergence FILE, not both");
    if (!comparing && !parser.isSet(QStringLiteral("f"))) throw UsageError("-f FILE: the text to score is missing");

    std::optional<eval::LogProbReader> base;
    if (comparing) base.emplace(parser.value(QStringLiteral("kl-divergence")).toStdString());

    const auto model = openScoringModel(parser);
    const auto& hp = model.graph->hparams();
    std::uint32_t nCtx = base ? base->nCtx() : std::min<std::uint32_t>(512, hp.contextLength);
    if (parser.isSet(QStringLiteral("c"))) {
        nCtx = static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("c"), 4, hp.contextLength));
        if (base && nCtx != base->nCtx())
            throw UsageError("-c " + std::to_string(nCtx) + " differs from the " + std::to_string(base->nCtx()) +
                             " tokens per chunk of the base file");
    }
    if (nCtx > hp.contextLength)
        throw UsageError("chunks of " + std::to_string(nCtx) + " tokens exceed the model's context of " +
                         std::to_string(hp.contextLength));
    const auto nBatch = parser.isSet(QStringLiteral("b"))
                            ? static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("b"), 1, 1u << 20))
                            : nCtx;

    std::vector<TokenId> tokens;
    if (base) {
        tokens = base->tokens();
    } else {
        const auto tokenizer = model.graph->makeTokenizer();
        tokens = tokenizer->encode(readText(parser.value(QStringLiteral("f"))), true);
    }
    std::size_t nChunks = tokens.size() / nCtx;
    if (parser.isSet(QStringLiteral("chunks")))
        nChunks = std::min<std::size_t>(nChunks, parseUnsigned(parser, QStringLiteral("chunks"), 1, 1u << 30));
    if (tokens.size() < 2ull * nCtx)
        throw UsageError("perplexity with chunks of " + std::to_string(nCtx) + " tokens needs at least " +
                         std::to_string(2ull * nCtx) + " tokens; the text has " + std::to_string(tokens.size()));

    auto scoring = prepareScoringEngine(model, nCtx, nBatch);
    const auto tokenizer = model.graph->makeTokenizer();
    std::unique_ptr<eval::LogProbWriter> writer;
    if (saving)
        writer = std::make_unique<eval::LogProbWriter>(parser.value(QStringLiteral("kl-divergence-base")).toStdString(),
                                                       nCtx, static_cast<std::int32_t>(hp.vocabSize),
                                                       static_cast<std::int32_t>(nChunks),
                                                       std::span(tokens).first(nChunks * nCtx));
    std::fprintf(
        stderr, "edge-rt perplexity: %s: %zu tokens, %zu chunks of %u scored, batch %u, %d threads, %s at %llu bytes\n",
        model.path.c_str(), tokens.size(), nChunks, nCtx, scoring.engine->shape().nBatch, model.threads,
        scoring.engine->plan().strategy.c_str(), static_cast<unsigned long long>(scoring.budgetBytes));

    eval::PerplexityRun run;
    run.nCtx = nCtx;
    run.maxChunks = nChunks;
    if (tokenizer->addsBos()) run.bos = tokenizer->bos();
    run.save = writer.get();
    run.compare = base ? &*base : nullptr;
    run.onChunk = [](const eval::ChunkProgress& p) {
        std::fprintf(stderr, "[%zu/%zu] PPL %.4f ± %.4f", p.chunk, p.nChunks, p.totals->perplexity(),
                     p.totals->perplexityError());
        if (p.totals->kl)
            std::fprintf(stderr, "  KLD %.6f  same top %.2f%%", p.totals->kl->kld().mean,
                         100.0 * p.totals->kl->topAgreement());
        std::fprintf(stderr, "  (%.0f ms)\n", p.chunkMs);
    };
    const auto totals = eval::scorePerplexity(*scoring.engine, tokens, run);
    if (!totals) throw UsageError("cancelled");
    if (writer) writer->commit();

    std::printf("Final estimate: PPL = %.4f +/- %.5f (%llu tokens scored in %zu chunks of %u)\n", totals->perplexity(),
                totals->perplexityError(), static_cast<unsigned long long>(totals->count), nChunks, nCtx);
    if (totals->kl) {
        const auto& kl = *totals->kl;
        std::printf("Mean PPL(base)  : %.6f\n", kl.basePerplexity());
        std::printf("Mean KLD        : %.6f ± %.6f\n", kl.kld().mean, kl.kld().error);
        std::printf("Same top-1      : %.3f ± %.3f %%\n", 100.0 * kl.topAgreement(), 100.0 * kl.topAgreementError());
    }
    if (writer)
        std::fprintf(stderr, "edge-rt perplexity: log-probabilities saved to %s\n",
                     parser.value(QStringLiteral("kl-divergence-base")).toUtf8().constData());
    std::fprintf(stderr, "edge-rt perplexity: pool peak %llu of %llu bytes\n",
                 static_cast<unsigned long long>(scoring.pool->peakBytes()),
                 static_cast<unsigned long long>(scoring.budgetBytes));
    return 0;
}

}  // namespace edgert::cli
