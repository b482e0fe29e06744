// Graph-building steps shared by the decoder-only architectures (llama, qwen2, gemma2, phi3):
// their common GGUF hyper-parameters, the token embedding, the output head, and the HF
// SafeTensors layout of the Llama family (model.layers.N.self_attn.q_proj, ...). Each
// architecture's graph builder (models/<arch>/<arch>-graph.cpp) adds what is its own.
#pragma once

#include "graph/graph-builder.h"

#include <optional>
#include <string>

namespace edgert {

/// Puts `ref` into the block's slot for `role`.
inline void setRole(LayerTensors& layer, TensorRole role, std::optional<TensorRef> ref)
{
    layer.byRole[static_cast<std::size_t>(role)] = std::move(ref);
}

/// The hyper-parameters every GGUF decoder writes under "<arch>.": embedding_length,
/// feed_forward_length, block_count, attention.head_count(_kv), context_length,
/// attention.key_length (the head size; default dim / heads), rope.dimension_count (default the
/// head size), rope.freq_base (default 10000), attention.layer_norm_rms_epsilon (default 1e-5).
/// Records problems; throws ValidationError when the sizes themselves are unusable.
void readGgufDecoderHparams(const GgufFile& f, const std::string& arch, Problems& problems, HyperParams& hp);

/// token_embd.weight (dim, n_vocab): sets hp.vocabSize and g.tokenEmbedding; checks the tokenizer
/// has as many tokens. Throws ValidationError when the tensor is missing or malformed.
void readGgufTokenEmbedding(const GgufFile& f, GraphBuilder& b, GraphParts& g);

/// output_norm.weight and output.weight; without output.weight the head is tied to token_embd
/// (a problem instead when `outputRequired`).
void readGgufHead(const GgufFile& f, GraphBuilder& b, GraphParts& g, bool outputRequired = false);

/// What distinguishes the HF checkpoints of the Llama family.
struct HfDecoderOptions {
    Architecture arch = Architecture::Llama;
    /// q/k rows in HF's rotate-half order are permuted into GGUF's interleaved pairs (Llama); an
    /// architecture with NeoX RoPE (Qwen2) keeps them as they are.
    bool permuteRope = true;
    bool qkvBias = false;          ///< q_proj/k_proj/v_proj have biases (Qwen2)
    bool tieDefault = false;       ///< tie_word_embeddings when config.json does not say
    double normEpsDefault = 1e-6;  ///< rms_norm_eps when config.json does not say
};

/// A LlamaForCausalLM-shaped HF checkpoint (model.embed_tokens, model.layers.N.{input_layernorm,
/// self_attn.{q,k,v,o}_proj, post_attention_layernorm, mlp.{gate,up,down}_proj}, model.norm,
/// lm_head): hyper-parameters from config.json (with rope_scaling {rope_type: llama3} turned into
/// per-frequency factors as convert_hf_to_gguf.py does), tensors checked against them.
GraphParts buildHfDecoderGraph(const ModelFiles& files, const HfDecoderOptions& options);

/// True when both refer to the same bytes (a tied head).
bool sameTensor(const TensorRef& a, const TensorRef& b);

}  // namespace edgert
