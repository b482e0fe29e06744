// A validated HF SafeTensors model as GGUF: the tensor names and order llama.cpp's converter
// (convert_hf_to_gguf.py) gives it, and the <arch>.* hyper-parameter keys edge-rt's GGUF graph
// builders read back (the GGUF specification, ggml docs/gguf.md, "LLM" keys). Only the
// architectures edge-rt reads from HF checkpoints (llama incl. SmolLM2 and Llama 3 RoPE
// scaling, qwen2, gpt2) are covered; the tensors keep the canonical layout the HF graph builder
// already converts them to (q/k rows in interleaved pairs for llama, Conv1D transposed for gpt2).
#pragma once

#include "edgert/gguf-writer.h"
#include "edgert/model-graph.h"

#include <cstdint>
#include <string>
#include <vector>

namespace edgert::hf {

/// One tensor of the GGUF a HF model becomes.
struct GgufTensorOf {
    std::string name;         ///< the GGUF name: "token_embd.weight", "blk.0.attn_q.weight", ...
    const TensorRef* source;  ///< the HF tensor (canonical dims and type, with its load transform)
};

/// token_embd, position_embd (gpt2), then every block's tensors in role order (blk.N.attn_norm,
/// attn_q, ...), output_norm(.bias), and output when the embeddings are not tied. The pointers
/// are into `graph`. Llama 3 RoPE factors are not a tensor of the HF file: see ropeFreqs().
std::vector<GgufTensorOf> ggufTensors(const ValidatedModelGraph& graph);

/// rope_freqs.weight: the Llama 3 RoPE divisors config.json's rope_scaling gives (ropeDim/2 F32
/// values), empty when the model has none.
const std::vector<float>& ropeFreqs(const ValidatedModelGraph& graph);

/// Sets general.architecture, general.name (`name`) and the hyper-parameters under "<arch>.":
/// context_length, embedding_length, feed_forward_length, block_count, attention.head_count,
/// and for the decoders attention.head_count_kv, rope.dimension_count, rope.freq_base,
/// attention.layer_norm_rms_epsilon, vocab_size; for gpt2 attention.layer_norm_epsilon.
/// Throws UsageError for an architecture edge-rt does not read from HF checkpoints.
void setModelKeys(GgufWriter& writer, const ValidatedModelGraph& graph, const std::string& name);

}  // namespace edgert::hf
