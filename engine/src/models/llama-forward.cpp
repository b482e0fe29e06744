#include "models/llama-forward.h"

#include "edgert/error.h"
#include "kernels/matmul.h"
#include "kernels/ops.h"
#include "kernels/quantize.h"

#include <algorithm>
#include <cmath>

namespace edgert {

namespace {
kernels::WeightView weight(const UnitView& w, const LayerTensors& tensors, TensorRole role)
{
    const auto& t = tensors[role];
    return {t.type, w.data[static_cast<std::size_t>(role)], static_cast<std::size_t>(t.rows()),
            static_cast<std::size_t>(t.cols())};
}
const float* normWeight(const UnitView& w, TensorRole role)
{
    return reinterpret_cast<const float*>(w.data[static_cast<std::size_t>(role)]);
}
}  // namespace

void LlamaForward::embed(const std::int32_t* tokens, std::size_t nTokens)
{
    const auto& e = m_graph.tokenEmbedding();
    const std::uint64_t row = rowBytes(e.type, m_hp.dim);
    for (std::size_t t = 0; t < nTokens; ++t) {
        const auto id = tokens[t];
        if (id < 0 || static_cast<std::uint32_t>(id) >= m_hp.vocabSize)
            throw UsageError("token id " + std::to_string(id) + " is outside the vocabulary (" +
                             std::to_string(m_hp.vocabSize) + " tokens)");
        e.file->readAt(e.fileOffset + static_cast<std::uint64_t>(id) * row, m_act.embedRow, row);
        kernels::dequantizeRow(e.type, m_act.embedRow, m_act.x + t * m_hp.dim, m_hp.dim);
    }
}

void LlamaForward::block(const UnitView& w, std::size_t nTokens, std::uint32_t pos0, int threads)
{
    const auto& hp = m_hp;
    const auto& tensors = m_graph.layers()[static_cast<std::size_t>(w.layer)];
    const std::size_t dim = hp.dim, qDim = hp.qDim(), kvDim = hp.kvDim(), hd = hp.headDim, ffn = hp.ffnDim;
    const std::size_t layerOffset = static_cast<std::size_t>(w.layer) * m_kv.nCtx * kvDim;
    float* keyCache = m_kv.keys + layerOffset;
    float* valueCache = m_kv.values + layerOffset;

    // --- attention ---
    for (std::size_t t = 0; t < nTokens; ++t)
        kernels::rmsNorm(m_act.x + t * dim, normWeight(w, TensorRole::AttnNorm), m_act.xb + t * dim, dim, hp.normEps);
    const auto normed = kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq);
    kernels::matmul(weight(w, tensors, TensorRole::AttnQ), normed, m_act.q, threads);
    kernels::matmul(weight(w, tensors, TensorRole::AttnK), normed, m_act.k, threads);
    kernels::matmul(weight(w, tensors, TensorRole::AttnV), normed, m_act.v, threads);
    for (std::size_t t = 0; t < nTokens; ++t) {
        const std::size_t pos = pos0 + t;
        kernels::ropeInterleaved(m_act.q + t * qDim, hp.nHeads, hd, hp.ropeDim, pos, hp.ropeFreqBase);
        kernels::ropeInterleaved(m_act.k + t * kvDim, hp.nKvHeads, hd, hp.ropeDim, pos, hp.ropeFreqBase);
        std::copy_n(m_act.k + t * kvDim, kvDim, keyCache + pos * kvDim);
        std::copy_n(m_act.v + t * kvDim, kvDim, valueCache + pos * kvDim);
    }

    const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
    const std::size_t groupSize = hp.nHeads / hp.nKvHeads;  // query heads per KV head (GQA)
    for (std::size_t t = 0; t < nTokens; ++t) {
        const std::size_t nPos = pos0 + t + 1;  // causal: attend to positions 0..pos
        const auto nHeads = static_cast<std::ptrdiff_t>(hp.nHeads);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && nPos * hd > 4096)
        for (std::ptrdiff_t hh = 0; hh < nHeads; ++hh) {
            const auto h = static_cast<std::size_t>(hh);
            const float* q = m_act.q + t * qDim + h * hd;
            float* att = m_act.att + h * m_kv.nCtx;
            const std::size_t kvHead = h / groupSize;
            for (std::size_t p = 0; p < nPos; ++p) {
                const float* k = keyCache + p * kvDim + kvHead * hd;
                float s = 0.0f;
                for (std::size_t i = 0; i < hd; ++i) s += q[i] * k[i];
                att[p] = s * scale;
            }
            kernels::softmax(att, nPos);
            float* out = m_act.xb2 + t * qDim + h * hd;
            std::fill_n(out, hd, 0.0f);
            for (std::size_t p = 0; p < nPos; ++p) {
                const float* v = valueCache + p * kvDim + kvHead * hd;
                const float a = att[p];
                for (std::size_t i = 0; i < hd; ++i) out[i] += a * v[i];
            }
        }
    }
    kernels::matmul(weight(w, tensors, TensorRole::AttnOutput), kernels::prepareInput(m_act.xb2, nTokens, qDim, m_act.xq),
                    m_act.xb, threads);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);

    // --- feed-forward (SwiGLU) ---
    for (std::size_t t = 0; t < nTokens; ++t)
        kernels::rmsNorm(m_act.x + t * dim, normWeight(w, TensorRole::FfnNorm), m_act.xb + t * dim, dim, hp.normEps);
    const auto ffnIn = kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq);
    kernels::matmul(weight(w, tensors, TensorRole::FfnGate), ffnIn, m_act.hb, threads);
    kernels::matmul(weight(w, tensors, TensorRole::FfnUp), ffnIn, m_act.hb2, threads);
    kernels::swiglu(m_act.hb, m_act.hb2, nTokens * ffn);
    kernels::matmul(weight(w, tensors, TensorRole::FfnDown), kernels::prepareInput(m_act.hb, nTokens, ffn, m_act.xq),
                    m_act.xb, threads);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);
}

void LlamaForward::head(const UnitView& w, std::size_t nTokens, int threads)
{
    const std::size_t dim = m_hp.dim;
    const float* last = m_act.x + (nTokens - 1) * dim;
    kernels::rmsNorm(last, reinterpret_cast<const float*>(w.data[0]), m_act.xb, dim, m_hp.normEps);
    const auto& out = m_graph.head().output;
    kernels::matmul({out.type, w.data[1], static_cast<std::size_t>(out.rows()), static_cast<std::size_t>(out.cols())},
                    kernels::prepareInput(m_act.xb, 1, dim, m_act.xq), m_act.logits, threads);
}

}  // namespace edgert
