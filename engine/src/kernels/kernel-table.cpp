#include "kernels/kernel-table.h"

#include <cstdlib>
#include <cstring>
#include <vector>

namespace edgert::kernels {

QuantRowsKernel KernelTable::blockRows(TensorType type) const
{
    switch (type) {
        case TensorType::Q8_0: return q8_0;
        case TensorType::Q4_0: return q4_0;
        case TensorType::Q4_1: return q4_1;
        case TensorType::Q5_0: return q5_0;
        case TensorType::Q5_1: return q5_1;
        case TensorType::IQ4_NL: return iq4_nl;
        default: return nullptr;
    }
}

SuperRowsKernel KernelTable::superRows(TensorType type) const
{
    switch (type) {
        case TensorType::Q2_K: return q2_k;
        case TensorType::Q3_K: return q3_k;
        case TensorType::Q4_K: return q4_k;
        case TensorType::Q5_K: return q5_k;
        case TensorType::Q6_K: return q6_k;
        case TensorType::IQ4_XS: return iq4_xs;
        default: return nullptr;
    }
}

QuantRowsKernel KernelTable::blockGemm(TensorType type) const
{
    switch (type) {
        case TensorType::Q8_0: return q8_0Gemm;
        case TensorType::Q4_0: return q4_0Gemm;
        default: return nullptr;
    }
}

SuperRowsKernel KernelTable::superGemm(TensorType type) const
{
    return type == TensorType::Q4_K ? q4_kGemm : nullptr;
}

FloatRowsKernel KernelTable::floatRows(TensorType type) const
{
    switch (type) {
        case TensorType::F32: return f32;
        case TensorType::F16: return f16;
        case TensorType::BF16: return bf16;
        default: return nullptr;
    }
}

ActivationFormat activationFormatOf(TensorType type)
{
    const auto& g = genericKernels();
    if (g.floatRows(type)) return ActivationFormat::Float;
    if (g.blockRows(type)) return ActivationFormat::Block32;
    if (g.superRows(type)) return ActivationFormat::Q8K;
    return ActivationFormat::None;
}

KernelTable withGenericFallbacks(KernelTable t)
{
    const KernelTable& g = genericKernels();
    auto fill = [](auto& entry, auto fallback) {
        if (!entry) entry = fallback;
    };
    fill(t.q8_0, g.q8_0);
    fill(t.q4_0, g.q4_0);
    fill(t.q4_1, g.q4_1);
    fill(t.q5_0, g.q5_0);
    fill(t.q5_1, g.q5_1);
    fill(t.iq4_nl, g.iq4_nl);
    fill(t.q2_k, g.q2_k);
    fill(t.q3_k, g.q3_k);
    fill(t.q4_k, g.q4_k);
    fill(t.q5_k, g.q5_k);
    fill(t.q6_k, g.q6_k);
    fill(t.iq4_xs, g.iq4_xs);
    fill(t.f32, g.f32);
    fill(t.f16, g.f16);
    fill(t.bf16, g.bf16);
    fill(t.quantizeActivations, g.quantizeActivations);
    fill(t.quantizeActivationsQ8K, g.quantizeActivationsQ8K);
    fill(t.attentionScores, g.attentionScores);
    fill(t.attentionValues, g.attentionValues);
    fill(t.q4_0x8, g.q4_0x8);
    fill(t.interleaveQ4_0x8, g.interleaveQ4_0x8);
    fill(t.q4_kx8, g.q4_kx8);
    fill(t.interleaveQ4_Kx8, g.interleaveQ4_Kx8);
    fill(t.softmax, g.softmax);
    fill(t.swiglu, g.swiglu);
    return t;
}

std::vector<const KernelTable*> availableKernels()
{
    std::vector<const KernelTable*> out{&genericKernels()};
    for (auto* t :
         {x86Avx2Kernels(), x86Avx2VnniKernels(), x86Avx512VnniKernels(), armNeonKernels(), armNeonDotprodKernels()})
        if (t) out.push_back(t);
    return out;
}

const KernelTable& activeKernels()
{
    static const KernelTable* chosen = [] {
        const char* force = std::getenv("EDGERT_KERNELS");
        const auto all = availableKernels();
        if (force && *force) {
            for (auto* t : all)
                if (std::strcmp(t->name, force) == 0) return t;
        }
        return all.back();
    }();
    return *chosen;
}

}  // namespace edgert::kernels
