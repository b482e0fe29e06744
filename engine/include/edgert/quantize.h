// `edge-rt quantize`: a model rewritten as a GGUF with its matrices in a target file type. The
// input is a GGUF with F32/F16/BF16 matrices (or, with allowRequantize, quantised ones, dequantised
// first; metadata and tokenizer copied), or a HF SafeTensors model — a directory with config.json,
// model.safetensors (or a sharded index) and tokenizer.json / vocab.json + merges.txt, or one of
// its .safetensors files — of an architecture edge-rt reads from HF (LlamaForCausalLM,
// Qwen2ForCausalLM, GPT2LMHeadModel): its tensors get llama.cpp's GGUF names and layout (Llama
// q/k rows permuted to interleaved RoPE pairs, GPT-2 Conv1D weights transposed), config.json
// becomes the <arch>.* keys and the tokenizer the tokenizer.ggml.* keys (hf/hf-model-keys.h,
// hf/hf-tokenizer-keys.h). Tensors are then chosen a type tensor by tensor
// with llama-quantize's rules (llama.cpp src/llama-quant.cpp `llama_tensor_get_type`, c392e50,
// no importance matrix; edge-rt's own code, engine/src/quant/tensor-type-rules.cpp):
//   - quantised: tensors whose name ends in "weight" with 2+ dimensions, except norms
//     ("_norm.weight"), position_embd, token_types and rope_freqs; everything else is copied;
//   - the output matrix (output.weight, or token_embd.weight when the embeddings are tied):
//     Q8_0 when its row length is not a multiple of 256, else Q6_K (unless the target is Q8_0);
//   - the _S/_M mixtures and Q2_K / IQ4_NL / IQ4_XS raise chosen tensors (attn_v, ffn_down,
//     attn_output, attn_qkv) by layer: see tensor-type-rules.cpp, rule by rule as llama.cpp;
//   - a type whose block does not divide the row length falls back as llama-quantize does
//     (Q2_K/Q3_K/IQ4_XS -> IQ4_NL, Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0, then F16 when even
//     that block does not divide); a block-32 target that does not divide is a UsageError naming
//     the tensor (llama-quantize refuses too).
// F16/BF16 targets store every such matrix in F16/BF16 (no per-tensor rules, as llama.cpp).
// Quantisation is the scalar reference of each type (quant/quantize-row.h); the output is written
// atomically (GgufWriter: temp file + rename) and streamed tensor by tensor (O(MiB) of memory).
#pragma once

#include "edgert/tensor-type.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace edgert {

/// A `--type` name and what it means.
struct QuantFileType {
    std::string name;             ///< "Q4_K_M", "Q8_0", ...
    TensorType defaultType;       ///< type of the ordinary matrices
    std::uint32_t llamaFileType;  ///< general.file_type (llama.cpp LLAMA_FTYPE_MOSTLY_*)
};

/// The --type names edge-rt produces: Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K_S,
/// Q3_K_M, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M, Q6_K, IQ4_XS, F16, BF16.
std::vector<QuantFileType> quantFileTypes();
/// Case-insensitive lookup; throws UsageError listing the supported names.
QuantFileType quantFileType(const std::string& name);

/// The tensor types edge-rt's quantisers write, in id order (F32, F16, Q4_0, ..., IQ4_XS, BF16).
std::vector<TensorType> quantisableTypes();
/// The tensor type named `name` (case-insensitive) if edge-rt quantises to it.
std::optional<TensorType> quantisableTypeNamed(const std::string& name);

/// What the rules need to know of the model (from the GGUF's <arch>.* keys).
struct QuantModelInfo {
    std::uint32_t nLayer = 0;
    std::uint32_t nHead = 1;
    std::uint32_t nHeadKv = 1;
    bool hasOutput = true;  ///< false: tied embeddings, token_embd.weight is the output matrix
};

/// What one input tensor becomes.
struct TensorQuantChoice {
    std::string name;
    std::vector<std::uint64_t> dims;  ///< ne0 first
    TensorType from;
    TensorType to;
    std::string reason;  ///< "default type", "output tensor", "fallback: 384 not a multiple of 256 (Q4_K)", ...
};

/// The type llama-quantize's rules give tensor `name` (dims ne0 first, stored as `from`) at
/// `type`. Throws UsageError naming the tensor when its row length fits no type.
TensorQuantChoice chooseTensorType(const QuantFileType& type, const std::string& name,
                                   const std::vector<std::uint64_t>& dims, TensorType from,
                                   const QuantModelInfo& model);

/// The per-tensor plan for `inputPath` (a GGUF, or a HF model: see the file comment) at `type`,
/// without writing anything. Tensor names are the output's (GGUF) names.
/// Throws IoError / FormatError for an unreadable input (for a HF model also a missing or
/// unsupported tokenizer, naming the file), ValidationError for a HF model edge-rt cannot read
/// (unknown architecture, missing or mis-shaped tensors, naming config.json / the tensor),
/// UsageError for an input tensor type
/// edge-rt will not requantise (a quantised matrix without allowRequantize) or a row length no
/// rule can place.
std::vector<TensorQuantChoice> planQuantization(const std::string& inputPath, const QuantFileType& type,
                                                bool allowRequantize = false);

struct QuantizeOptions {
    int threads = 1;
    bool allowRequantize = false;  ///< accept quantised matrices (dequantised first; adds their error)
    /// Called after every tensor: index (0-based), count, the choice, and bytes written so far.
    std::function<void(std::size_t, std::size_t, const TensorQuantChoice&, std::uint64_t)> onTensor;
};

struct QuantizeResult {
    std::vector<TensorQuantChoice> tensors;
    std::uint64_t inputBytes = 0;
    std::uint64_t outputBytes = 0;
};

/// Writes `outputPath` atomically (nothing is left on failure). Throws as planQuantization,
/// FormatError naming the tensor and element of a NaN/Inf value, IoError on read/write failure.
/// Memory: O(MiB) per tensor streamed as stored; a HF tensor that needs a layout change (q/k
/// permutation, Conv1D transpose, F16/BF16 norms) is held whole while it is written.
QuantizeResult quantizeModel(const std::string& inputPath, const std::string& outputPath, const QuantFileType& type,
                             const QuantizeOptions& options);

}  // namespace edgert
