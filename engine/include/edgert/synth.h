// Synthetic models (Llama family and GPT-2): GGUF files with the exact shape of a known model and random weights, for
// measuring speed and memory at real sizes before downloading gigabytes. The tokenizer is copied
// from a real vocab GGUF, so prompts tokenize as they would; the generated text is meaningless.
#pragma once

#include "edgert/tensor-type.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace edgert {

/// A Llama-family shape (element counts).
struct SynthShape {
    std::string name;
    std::uint32_t dim = 0;
    std::uint32_t ffnDim = 0;
    std::uint32_t nLayers = 0;
    std::uint32_t nHeads = 0;
    std::uint32_t nKvHeads = 0;
    std::uint32_t contextLength = 2048;
    bool tiedEmbeddings = false;  ///< no output.weight; the LM head is token_embd
};

/// "smollm2-135m" (576, 1536, 30 layers, 9 heads, 3 KV heads, tied), "tinyllama-1.1b"
/// (2048, 5632, 22, 32, 4), "llama2-7b" (4096, 11008, 32, 32, 32). Sources: the models'
/// config.json on Hugging Face (HuggingFaceTB/SmolLM2-135M, TinyLlama/TinyLlama-1.1B, meta-llama/Llama-2-7b).
std::optional<SynthShape> knownSynthShape(const std::string& name);
std::vector<std::string> knownSynthShapeNames();

struct SynthOptions {
    SynthShape shape;
    TensorType type = TensorType::Q8_0;  ///< matrices (F32, F16, Q8_0, Q4_0); norms are F32
    std::string vocabPath;               ///< GGUF whose tokenizer.* keys are copied
    std::uint64_t seed = 1;
};

/// Writes a llama-architecture GGUF v3 to `outPath` (atomically). Weights are uniform random with
/// the standard deviation of a trained model's (1/sqrt(fan-in)), norms are 1. Memory use is
/// O(MB) whatever the size. Throws UsageError for an invalid shape or type, FormatError /
/// IoError for the vocab file or the output.
/// Returns the file size in bytes.
std::uint64_t writeSyntheticLlama(const SynthOptions& options, const std::string& outPath);

// ---- GPT-2 (gpt2 architecture, llama.cpp tensor names, real GPT-2 vocabulary) ----------------

/// A GPT-2 shape (element counts). The LM head is tied to the token embedding, as in GPT-2.
struct Gpt2SynthShape {
    std::string name;
    std::uint32_t dim = 0;     ///< n_embd
    std::uint32_t ffnDim = 0;  ///< n_inner (4 · n_embd in every released GPT-2)
    std::uint32_t nLayers = 0;
    std::uint32_t nHeads = 0;
    std::uint32_t contextLength = 1024;  ///< n_positions
};

/// "gpt2-124m" (768, 3072, 12 layers, 12 heads), "gpt2-355m" (1024, 4096, 24, 16), "gpt2-774m"
/// (1280, 5120, 36, 20), "gpt2-1.5b" (1600, 6400, 48, 25), "distilgpt2" (768, 3072, 6, 12); all
/// with 1024 positions. Source: the models' config.json on Hugging Face (openai-community/gpt2,
/// gpt2-medium, gpt2-large, gpt2-xl; distilbert/distilgpt2).
std::optional<Gpt2SynthShape> knownGpt2SynthShape(const std::string& name);
std::vector<std::string> knownGpt2SynthShapeNames();

struct Gpt2SynthOptions {
    Gpt2SynthShape shape;
    TensorType type = TensorType::Q8_0;  ///< matrices and token_embd (F32, F16, Q8_0, Q4_0)
    std::string vocabPath;               ///< a GGUF with tokenizer.ggml.model = "gpt2"
    std::uint64_t seed = 1;
};

/// Writes a gpt2-architecture GGUF v3 to `outPath` (atomically, through GgufWriter). Matrices are
/// uniform random with standard deviation 1/sqrt(fan-in), biases small random, LayerNorm weights 1
/// and biases 0; position_embd and all vectors are F32. Memory use is O(MB) whatever the size.
/// Throws UsageError for an invalid shape, type or a vocab that is not GPT-2's BPE, FormatError /
/// IoError for the vocab file or the output. Returns the file size in bytes.
std::uint64_t writeSyntheticGpt2(const Gpt2SynthOptions& options, const std::string& outPath);

}  // namespace edgert
