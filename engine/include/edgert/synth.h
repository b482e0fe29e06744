// Synthetic models: GGUF files with the exact shape and hyper-parameters of a known model (any
// architecture edge-rt runs) and random weights, for measuring speed and memory at real sizes
// before downloading gigabytes. The tokenizer is copied from a real vocab GGUF, so prompts
// tokenize as they would; the generated text is meaningless.
#pragma once

#include "edgert/model-graph.h"
#include "edgert/tensor-type.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace edgert {

/// A model's shape and the hyper-parameters its GGUF carries (element counts). Fields an
/// architecture does not use are ignored by its writer.
struct SynthShape {
    std::string name;
    Architecture arch = Architecture::Llama;
    std::uint32_t dim = 0;
    std::uint32_t ffnDim = 0;
    std::uint32_t nLayers = 0;
    std::uint32_t nHeads = 0;
    std::uint32_t nKvHeads = 0;  ///< 0 = nHeads
    std::uint32_t headDim = 0;   ///< 0 = dim / nHeads (Gemma 2 has 256 ≠ 2304 / 8)
    std::uint32_t contextLength = 2048;
    bool tiedEmbeddings = false;  ///< no output.weight; the LM head is token_embd
    float ropeFreqBase = 10000.0f;
    float normEps = 1e-5f;  ///< RMSNorm (LayerNorm for GPT-2) epsilon
    /// Llama 3 RoPE scaling, written as rope_freqs.weight (as convert_hf_to_gguf.py does for
    /// rope_type llama3); factor 0 = none.
    float ropeScalingFactor = 0.0f;
    float ropeLowFreqFactor = 1.0f;
    float ropeHighFreqFactor = 4.0f;
    std::uint32_t ropeOriginalContext = 8192;
    float attnLogitSoftcap = 0.0f;    ///< Gemma 2 (50)
    float finalLogitSoftcap = 0.0f;   ///< Gemma 2 (30)
    std::uint32_t slidingWindow = 0;  ///< Gemma 2 (4096), Phi-3 (its config's sliding_window)
    /// The vocab file in shared/models/vocab/ whose tokenizer the model's files would carry (or
    /// the closest one there): "ggml-vocab-llama-spm.gguf", "ggml-vocab-llama-bpe.gguf", ...
    std::string vocabFile = "ggml-vocab-llama-spm.gguf";

    std::uint32_t kvHeads() const { return nKvHeads ? nKvHeads : nHeads; }
    std::uint32_t headSize() const { return headDim ? headDim : (nHeads ? dim / nHeads : 0); }
};

/// A known shape by name (knownSynthShapeNames() lists them): llama: "smollm2-135m",
/// "smollm2-360m", "smollm2-1.7b", "llama-3.2-1b", "tinyllama-1.1b", "llama2-7b"; qwen2:
/// "qwen2.5-0.5b", "qwen2.5-1.5b"; gemma2: "gemma-2-2b"; phi3: "phi-3.5-mini"; gpt2:
/// "gpt2-124m", "gpt2-355m", "gpt2-774m", "gpt2-1.5b", "distilgpt2". Values are those of the
/// models' config.json on Hugging Face; each architecture's synth file cites its sources.
std::optional<SynthShape> knownSynthShape(const std::string& name);
std::vector<std::string> knownSynthShapeNames();
/// The names of the known shapes of one architecture.
std::vector<std::string> knownSynthShapeNames(Architecture arch);

struct SynthOptions {
    SynthShape shape;
    /// Every matrix's type (any type quant::canQuantise() accepts: F32, F16, BF16, Q8_0, Q4_0,
    /// Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K ... Q6_K, IQ4_XS), as llama-quantize --pure; norms, biases F32.
    TensorType type = TensorType::Q8_0;
    /// Instead of `type`: a quantize --type name ("Q4_K_M", edgert/quantize.h) whose per-tensor
    /// rules choose each matrix's type, as in the files people download. Empty = `type`.
    std::string mixture;
    std::string vocabPath;  ///< GGUF whose tokenizer.* keys are copied
    std::uint64_t seed = 1;
};

/// Writes a GGUF v3 of shape.arch to `outPath` (atomically, through GgufWriter). Matrices are
/// uniform random with the standard deviation of a trained model's (1/sqrt(fan-in)), norms 1,
/// biases small random. Memory use is O(MB) whatever the size. Throws UsageError for an invalid
/// shape or type, or a vocab whose tokenizer the architecture does not use; FormatError /
/// IoError for the vocab file or the output. Returns the file size in bytes.
std::uint64_t writeSynthetic(const SynthOptions& options, const std::string& outPath);

}  // namespace edgert
