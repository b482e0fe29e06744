// edge-rt logits: teacher-forced logits of one batch. For every position: the top-K [id, logit]
// pairs, the argmax and the log-sum-exp, as text or as JSON in the shape of llama.cpp's
// `forced_positions` (../shared/reference/README.md), so the two can be diffed directly.
#include "cli-common.h"
#include "commands.h"
#include "scoring-engine.h"

#include "edgert/error.h"
#include "edgert/logit-stats.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <cstdlib>

namespace edgert::cli {

namespace {

// A float logit as the JSON number that prints its %.9g form (round-trips float32 exactly, as the
// reference files print it) rather than the shortest form of the widened double.
double jsonFloat(float v)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", static_cast<double>(v));
    return std::strtod(text, nullptr);
}

std::vector<TokenId> parseTokenList(const QString& text, std::size_t vocab)
{
    std::vector<TokenId> ids;
    for (const auto& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const long long v = part.trimmed().toLongLong(&ok);
        if (!ok || v < 0 || static_cast<unsigned long long>(v) >= vocab)
            throw UsageError("--tokens: '" + part.trimmed().toStdString() + "' is not a token id in [0, " +
                             std::to_string(vocab) + ")");
        ids.push_back(static_cast<TokenId>(v));
    }
    if (ids.empty()) throw UsageError("--tokens: no token ids given (expected e.g. --tokens 1,403,407)");
    return ids;
}

}  // namespace

int logitsCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Teacher-forced logits: runs the tokens as one batch and prints, for every position, the top-K "
        "[id, logit] pairs, the argmax and the log-sum-exp (natural log; log p(id) = logit - logsumexp). "
        "Position p predicts token p+1. --json prints llama.cpp's forced_positions shape."));
    addHelpOption(parser);
    parser.addOptions(scoringEngineOptions());
    addOptionsShowingDefaults(
        parser,
        {
            {QStringLiteral("prompt"), QStringLiteral("Text to tokenise (BOS first when the vocabulary adds one)."),
             QStringLiteral("text")},
            {QStringLiteral("tokens"), QStringLiteral("Comma-separated token ids, used as given (e.g. 1,403,407)."),
             QStringLiteral("ids")},
            {QStringLiteral("top"), QStringLiteral("Pairs per position (default 10)."), QStringLiteral("K"),
             QStringLiteral("10")},
            {QStringLiteral("json"),
             QStringLiteral(
                 "Print one JSON object: forced_ids, forced_positions[] {pos, input_id, argmax, logsumexp, top}.")},
        });
    if (!parser.parse(arguments)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(commandHelp(parser, arguments)), stdout);
        return 0;
    }
    rejectPositional(parser);
    if (parser.isSet(QStringLiteral("prompt")) == parser.isSet(QStringLiteral("tokens")))
        throw UsageError("give exactly one of --prompt TEXT or --tokens 1,2,3");
    const auto topK = static_cast<std::size_t>(parseUnsigned(parser, QStringLiteral("top"), 1, 1u << 20));

    const auto model = openScoringModel(parser);
    const auto& hp = model.graph->hparams();
    const auto tokenizer = model.graph->makeTokenizer();
    const std::vector<TokenId> tokens =
        parser.isSet(QStringLiteral("tokens"))
            ? parseTokenList(parser.value(QStringLiteral("tokens")), hp.vocabSize)
            : tokenizer->encode(parser.value(QStringLiteral("prompt")).toStdString(), true);
    if (tokens.empty()) throw UsageError("--prompt: the text has no tokens");
    if (tokens.size() > hp.contextLength)
        throw UsageError(std::to_string(tokens.size()) + " tokens exceed the model's context of " +
                         std::to_string(hp.contextLength));
    const auto n = static_cast<std::uint32_t>(tokens.size());

    auto scoring = prepareScoringEngine(model, n, n);
    const auto logits = scoring.engine->evaluateAll(tokens);
    const std::size_t vocab = hp.vocabSize;

    std::vector<eval::PositionSummary> positions;
    for (std::size_t p = 0; p < tokens.size(); ++p)
        positions.push_back(eval::summarisePosition(logits.subspan(p * vocab, vocab), p, tokens[p], topK));

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        o[QStringLiteral("model_file")] = QString::fromStdString(model.path);
        o[QStringLiteral("n_vocab")] = static_cast<qint64>(vocab);
        QJsonArray ids;
        for (const auto id : tokens) ids.append(id);
        o[QStringLiteral("forced_ids")] = ids;
        QJsonArray rows;
        for (const auto& s : positions) {
            QJsonObject r;
            r[QStringLiteral("pos")] = static_cast<qint64>(s.pos);
            r[QStringLiteral("input_id")] = s.inputId;
            r[QStringLiteral("argmax")] = s.argmax;
            r[QStringLiteral("logsumexp")] = jsonFloat(static_cast<float>(s.logSumExp));
            QJsonArray top;
            for (const auto& [id, logit] : s.top) top.append(QJsonArray{id, jsonFloat(logit)});
            r[QStringLiteral("top")] = top;
            rows.append(r);
        }
        o[QStringLiteral("forced_positions")] = rows;
        std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        return 0;
    }

    std::printf("%-5s %-8s %-8s %-12s top %zu [id logit]\n", "pos", "input", "argmax", "logsumexp", topK);
    for (const auto& s : positions) {
        std::printf("%-5zu %-8d %-8d %-12.6f", s.pos, s.inputId, s.argmax, s.logSumExp);
        for (const auto& [id, logit] : s.top) std::printf(" %d:%.4f", id, static_cast<double>(logit));
        std::printf("\n");
    }
    std::fprintf(stderr, "edge-rt logits: %zu positions, vocab %zu, budget %llu bytes (%s), pool peak %llu bytes\n",
                 tokens.size(), vocab, static_cast<unsigned long long>(scoring.budgetBytes),
                 scoring.engine->plan().strategy.c_str(), static_cast<unsigned long long>(scoring.pool->peakBytes()));
    return 0;
}

}  // namespace edgert::cli
