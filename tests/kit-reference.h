// The fidelity kit's reference outputs (../shared/reference/kit/{real,kquant,arch}/MODEL.PROMPT.json,
// made with llama.cpp c392e50; format: ../shared/reference/README.md) and the comparisons every
// fidelity test makes against them:
//   - prompt ids identical;
//   - greedy ids identical up to the first step whose reference top-2 gap is below a tolerance (a
//     near tie, where a runtime with other rounding may legitimately pick the runner-up; after that
//     the sequences are different conversations and are not compared);
//   - at every teacher-forced position (forced_ids decoded as one batch), the same top-1 id unless
//     the reference's own top-1/top-2 gap is within twice the logit tolerance (two logits each off
//     by the tolerance can swap only then), and each of the reference's top-10 logits within the
//     tolerance (absolute, in logit units).
// Why a tolerance at all, even for F32 weights: llama.cpp keeps its KV cache in F16 by default and
// (flash attention on CPU) computes Q·K in F16, so its logits differ from an F32-cache runtime by
// ~1e-3 relative; quantised files add the differences of activation quantisation.
// Tolerances are the caller's named constants: they depend on the weight type (activation
// quantisation, the kernels' summation order).
#pragma once

#include "edgert/inference-engine.h"
#include "edgert/memory-pool.h"
#include "edgert/model-graph.h"
#include "edgert/partition-planner.h"
#include "test-support.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace edgert::test {

/// One teacher-forced position of the reference: logits after reading forced_ids[0..pos].
struct ForcedPosition {
    int pos = 0;
    int inputId = 0;
    int argmax = 0;
    double logSumExp = 0.0;                  ///< natural log over the whole vocabulary
    std::vector<std::pair<int, float>> top;  ///< 10 (id, logit), sorted by logit, ties lower id first
};

/// One reference file.
struct KitReference {
    QString path;
    QString prompt;
    std::vector<int> promptIds;     ///< BOS first when the vocabulary's add_bos is true
    std::vector<int> generatedIds;  ///< greedy, EOG does not stop it
    /// Per generated step: (best id, logit), (runner-up id, logit).
    std::vector<std::pair<std::pair<int, float>, std::pair<int, float>>> greedyTop2;
    std::vector<int> forcedIds;  ///< promptIds + the first generated ids
    std::vector<ForcedPosition> forced;
    int nVocab = 0;
};

/// Absolute path of a reference file: `relative` like "kit/real/stories260K.once-upon.json".
inline QString sharedReference(const QString& relative)
{
    return QStringLiteral(EDGERT_SHARED_DIR "/reference/") + relative;
}

namespace detail {
inline std::vector<int> intArray(const QJsonValue& v)
{
    std::vector<int> out;
    for (const auto& e : v.toArray()) out.push_back(e.toInt());
    return out;
}
inline std::pair<int, float> idLogit(const QJsonValue& v)
{
    const auto a = v.toArray();
    return {a.at(0).toInt(), static_cast<float>(a.at(1).toDouble())};
}
}  // namespace detail

/// Reads a reference file. Returns nullopt and sets `error` (naming the file) when it is missing
/// or not the documented shape.
inline std::optional<KitReference> loadKitReference(const QString& path, QString& error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        error = QStringLiteral("%1: cannot open: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QJsonParseError parseError{};
    const auto doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (doc.isNull() || !doc.isObject()) {
        error = QStringLiteral("%1: not a JSON object: %2 at byte %3")
                    .arg(path, parseError.errorString())
                    .arg(parseError.offset);
        return std::nullopt;
    }
    const auto o = doc.object();
    for (const auto* key : {"prompt_ids", "generated_ids", "greedy_top2", "forced_ids", "forced_positions", "n_vocab"})
        if (!o.contains(QLatin1String(key))) {
            error = QStringLiteral("%1: key \"%2\" is missing").arg(path, QLatin1String(key));
            return std::nullopt;
        }
    KitReference ref;
    ref.path = path;
    ref.prompt = o.value(QLatin1String("prompt")).toString();
    ref.promptIds = detail::intArray(o.value(QLatin1String("prompt_ids")));
    ref.generatedIds = detail::intArray(o.value(QLatin1String("generated_ids")));
    for (const auto& step : o.value(QLatin1String("greedy_top2")).toArray()) {
        const auto a = step.toArray();
        ref.greedyTop2.push_back({detail::idLogit(a.at(0)), detail::idLogit(a.at(1))});
    }
    ref.forcedIds = detail::intArray(o.value(QLatin1String("forced_ids")));
    for (const auto& p : o.value(QLatin1String("forced_positions")).toArray()) {
        const auto po = p.toObject();
        ForcedPosition fp;
        fp.pos = po.value(QLatin1String("pos")).toInt();
        fp.inputId = po.value(QLatin1String("input_id")).toInt();
        fp.argmax = po.value(QLatin1String("argmax")).toInt();
        fp.logSumExp = po.value(QLatin1String("logsumexp")).toDouble();
        for (const auto& t : po.value(QLatin1String("top")).toArray()) fp.top.push_back(detail::idLogit(t));
        ref.forced.push_back(std::move(fp));
    }
    ref.nVocab = o.value(QLatin1String("n_vocab")).toInt();
    if (ref.greedyTop2.size() != ref.generatedIds.size() || ref.forced.size() != ref.forcedIds.size() ||
        ref.nVocab <= 0) {
        error = QStringLiteral("%1: inconsistent sizes (greedy_top2 %2 vs generated %3, forced %4 vs %5)")
                    .arg(path)
                    .arg(ref.greedyTop2.size())
                    .arg(ref.generatedIds.size())
                    .arg(ref.forced.size())
                    .arg(ref.forcedIds.size());
        return std::nullopt;
    }
    return ref;
}

/// Number of leading generated steps whose reference top-2 gap is at least `gapTolerance`
/// (logit units): the steps where any runtime within that tolerance must pick the same id.
inline std::size_t stepsBeforeNearTie(const KitReference& ref, float gapTolerance)
{
    std::size_t n = 0;
    for (const auto& [best, second] : ref.greedyTop2) {
        if (best.second - second.second < gapTolerance) break;
        ++n;
    }
    return n;
}

/// Empty when `ids` (greedy, prompt excluded) equal the reference up to its first near tie
/// (inclusive of that step's predecessor); otherwise what differs and where.
inline QString compareGreedyIds(const KitReference& ref, std::span<const int> ids, float gapTolerance)
{
    const std::size_t n = std::min(stepsBeforeNearTie(ref, gapTolerance), ref.generatedIds.size());
    if (ids.size() < n)
        return QStringLiteral("%1: only %2 ids generated, %3 to compare").arg(ref.path).arg(ids.size()).arg(n);
    for (std::size_t i = 0; i < n; ++i)
        if (ids[i] != ref.generatedIds[i])
            return QStringLiteral("%1: generated id %2 is %3, llama.cpp %4 (its top-2 gap %5)")
                .arg(ref.path)
                .arg(i)
                .arg(ids[i])
                .arg(ref.generatedIds[i])
                .arg(static_cast<double>(ref.greedyTop2[i].first.second - ref.greedyTop2[i].second.second));
    return {};
}

/// What compareForcedLogits measured.
struct ForcedComparison {
    QString failure;                 ///< empty when every position is within tolerance
    double maxTop10AbsDiff = 0.0;    ///< max |ours − llama.cpp| over the reference's top-10 logits
    std::size_t positions = 0;       ///< positions compared
    std::size_t argmaxNearTies = 0;  ///< positions whose argmax differs inside a near tie (accepted)
};

/// Compares `logits` (positions rows of nVocab floats, row p = the logits after forced_ids[0..p],
/// i.e. the teacher-forced batch) with the reference at every position.
inline ForcedComparison compareForcedLogits(const KitReference& ref, std::span<const float> logits, std::size_t nVocab,
                                            float logitTolerance)
{
    ForcedComparison out;
    if (nVocab != static_cast<std::size_t>(ref.nVocab)) {
        out.failure = QStringLiteral("%1: vocabulary %2, llama.cpp %3").arg(ref.path).arg(nVocab).arg(ref.nVocab);
        return out;
    }
    if (logits.size() < ref.forced.size() * nVocab) {
        out.failure = QStringLiteral("%1: %2 logit rows, %3 positions to compare")
                          .arg(ref.path)
                          .arg(logits.size() / nVocab)
                          .arg(ref.forced.size());
        return out;
    }
    for (std::size_t p = 0; p < ref.forced.size(); ++p) {
        const auto& fp = ref.forced[p];
        const auto row = logits.subspan(p * nVocab, nVocab);
        for (const auto& [id, logit] : fp.top) {
            const double diff = std::fabs(static_cast<double>(row[static_cast<std::size_t>(id)]) - logit);
            out.maxTop10AbsDiff = std::max(out.maxTop10AbsDiff, diff);
            if (!(diff <= logitTolerance) && out.failure.isEmpty())
                out.failure = QStringLiteral("%1: position %2, id %3: logit %4, llama.cpp %5 (|diff| %6 > %7)")
                                  .arg(ref.path)
                                  .arg(p)
                                  .arg(id)
                                  .arg(static_cast<double>(row[static_cast<std::size_t>(id)]))
                                  .arg(static_cast<double>(logit))
                                  .arg(diff)
                                  .arg(static_cast<double>(logitTolerance));
        }
        const auto ours = static_cast<int>(std::max_element(row.begin(), row.end()) - row.begin());
        if (ours != fp.argmax) {
            const float gap = fp.top.size() > 1 ? fp.top[0].second - fp.top[1].second : 0.0f;
            if (gap <= 2.0f * logitTolerance)
                ++out.argmaxNearTies;
            else if (out.failure.isEmpty())
                out.failure = QStringLiteral("%1: position %2: argmax %3, llama.cpp %4 (its top-2 gap %5)")
                                  .arg(ref.path)
                                  .arg(p)
                                  .arg(ours)
                                  .arg(fp.argmax)
                                  .arg(static_cast<double>(gap));
        }
        ++out.positions;
    }
    return out;
}

/// Greedy ids `engine` generates from the reference's own prompt ids: as many as the reference
/// generated, an end-of-generation token not stopping it (as llama.cpp's run did not).
inline std::vector<int> greedyIdsFor(ReadyEngine& engine, const KitReference& ref)
{
    GenerationParams params;
    params.maxTokens = static_cast<std::uint32_t>(ref.generatedIds.size());
    params.stopAtEos = false;
    const std::vector<TokenId> prompt(ref.promptIds.begin(), ref.promptIds.end());
    const auto result = engine.generate(prompt, params);
    return {result.tokens.begin(), result.tokens.end()};
}

/// The one summary line of a fidelity comparison (greedy ids before the first near tie at
/// 2 × tolerance, positions, max |top-10 logit diff|, argmax near ties).
inline void logForcedComparison(const QString& name, const KitReference& ref, const ForcedComparison& cmp,
                                float tolerance)
{
    qInfo(
        "%s: %zu greedy ids before the first near tie, %zu positions, max |top-10 logit diff| %.3g "
        "(tolerance %.3g), %zu argmax near ties",
        qPrintable(name), stepsBeforeNearTie(ref, 2.0f * tolerance), cmp.positions, cmp.maxTop10AbsDiff,
        static_cast<double>(tolerance), cmp.argmaxNearTies);
}

/// llama.cpp's own quantisation error on a file: max |logit(quantised) − logit(unquantised)| over
/// the ids both references list in their top 10, at every forced position. A principled
/// tolerance for comparing a quantised file with llama.cpp: two runtimes that round the 8-bit
/// activations differently disagree by about as much as quantisation moves the logits. Returns
/// -1 when the two files were not forced on the same ids.
inline double quantisationSpread(const KitReference& quantised, const KitReference& unquantised)
{
    if (quantised.forcedIds != unquantised.forcedIds) return -1.0;
    double spread = 0.0;
    for (std::size_t p = 0; p < quantised.forced.size(); ++p)
        for (const auto& [id, logit] : quantised.forced[p].top)
            for (const auto& [id2, logit2] : unquantised.forced[p].top)
                if (id == id2) spread = std::max(spread, std::fabs(static_cast<double>(logit) - logit2));
    return spread;
}

/// Opens and validates a model file (kit tests: the file must exist and be valid).
inline std::shared_ptr<const ValidatedModelGraph> openGraph(const QString& model)
{
    return std::make_shared<const ValidatedModelGraph>(ModelGraph::open(model.toStdString()).validate());
}

enum class Budget { Resident, Full, Minimum };

/// Teacher-forced logits of `ids` as one batch (ids.size() rows of nVocab floats), planned by
/// `strategyName` with every group pinned (Resident: 1 TiB), at the strategy's full budget (its
/// planned peak with everything fitting) or at its minimum budget (the most streaming). Aborts
/// the test when the resident run streams or the pool exceeds its budget.
inline std::vector<float> forcedLogits(const std::shared_ptr<const ValidatedModelGraph>& graph,
                                       const std::string& strategyName, Budget which, std::span<const int> ids)
{
    const RunShape shape{static_cast<std::uint32_t>(ids.size() + 1), static_cast<std::uint32_t>(ids.size()), true};
    const auto strategy = makeStrategy(strategyName);
    const auto input = makePlanInput(*graph, shape);
    const std::uint64_t budget = which == Budget::Resident  ? 1ull << 40
                                 : which == Budget::Minimum ? strategy->minimumBudget(input)
                                                            : strategy->plan(input, 1ull << 40).plannedPeakBytes();
    MemoryPool pool(budget);
    auto engine = IdleEngine(graph, EngineOptions{1}).plan(*strategy, budget, shape).prepare(pool);
    if (which == Budget::Resident && engine.plan().streamedGroupCount() != 0) qFatal("the resident run streams");
    const std::vector<TokenId> tokens(ids.begin(), ids.end());
    const auto rows = engine.evaluateAll(tokens);
    if (pool.peakBytes() > budget) qFatal("%s exceeded its budget", strategyName.c_str());
    return {rows.begin(), rows.end()};
}

}  // namespace edgert::test
