// The model graph: which tensors make up the model, how they map onto the architecture's
// layers, and its hyper-parameters — the same graph whatever file format the weights come from.
//
// Formats: a GGUF file (llama.cpp tensor names), or a HuggingFace model in SafeTensors layout
// (a directory with config.json, model.safetensors or a sharded index, and tokenizer files).
// Architectures: one folder each under engine/src/models/<arch>/, listed in one table
// (engine/src/models/architectures.cpp): "llama" (LlamaForCausalLM, incl. Llama 3 RoPE scaling and
// SmolLM2), "qwen2" (Qwen2ForCausalLM), "gemma2", "phi3" and "gpt2" (GPT2LMHeadModel).
//
// Every tensor is described in one canonical layout, GGUF's: dims ne0-first, a matrix W (rows,
// cols) stored row by row so that y = W·x, RoPE'd q/k rows in interleaved pairs, norm weights and
// biases in F32. Where a file stores a tensor differently (HF Conv1D weights are transposed, HF
// Llama q/k rows are in rotate-half order, HF norm weights may be F16/BF16), the TensorRef says
// so in `transform` and the group loader converts the bytes in place in the pool buffer it read
// them into. Downstream (planner, runtime, forward passes) sees only the canonical layout.
//
// Type-state: ModelGraph is a *loaded* graph — metadata and a tensor table read from the files,
// not yet checked. ModelGraph::validate() && consumes it and returns a ValidatedModelGraph,
// the only type that exposes hyper-parameters and per-layer weights; everything downstream
// (planner, runtime) takes a ValidatedModelGraph, so nothing can run on an unchecked file.
#pragma once

#include "edgert/gguf-reader.h"
#include "edgert/mapped-file.h"
#include "edgert/safetensors-reader.h"
#include "edgert/tensor-type.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace edgert {

class Tokenizer;

enum class Architecture { Llama, Gpt2, Qwen2, Gemma2, Phi3 };

/// "llama", "gpt2", "qwen2", "gemma2", "phi3" (the GGUF general.architecture names).
const char* architectureName(Architecture arch);
/// Every architecture edge-rt runs, in the order they are listed to users.
std::vector<Architecture> supportedArchitectures();
/// The architecture a GGUF general.architecture value names ("qwen2"); nullopt when unsupported.
std::optional<Architecture> architectureFromName(const std::string& name);

enum class ModelFormat { Gguf, SafeTensors };

/// "GGUF", "SafeTensors".
const char* modelFormatName(ModelFormat format);

/// How RoPE pairs the dimensions of a head (llama.cpp's LLAMA_ROPE_TYPE_NORM / _NEOX).
enum class RopeStyle : std::uint8_t {
    Interleaved,  ///< pairs (2i, 2i+1): GGUF llama (the converter permutes HF q/k rows into it)
    NeoX,         ///< pairs (i, i + ropeDim/2), "rotate half": qwen2, gemma2, phi3
};

/// Hyper-parameters of a validated model. Sizes are element counts.
struct HyperParams {
    Architecture arch = Architecture::Llama;
    std::uint32_t dim = 0;          ///< embedding length (d_model)
    std::uint32_t ffnDim = 0;       ///< feed-forward hidden size
    std::uint32_t nLayers = 0;      ///< transformer blocks
    std::uint32_t nHeads = 0;       ///< query heads
    std::uint32_t nKvHeads = 0;     ///< key/value heads (GQA: nHeads % nKvHeads == 0; GPT-2: = nHeads)
    std::uint32_t headDim = 0;      ///< dim / nHeads, except Gemma 2 (attention.key_length)
    std::uint32_t ropeDim = 0;      ///< rotated dimensions per head (rope.dimension_count); 0 for GPT-2
    float ropeFreqBase = 10000.0f;  ///< rope.freq_base
    RopeStyle ropeStyle = RopeStyle::Interleaved;
    /// Llama 3 RoPE scaling: per rotated pair i < ropeDim/2, θ_i is divided by ropeFreqFactors[i]
    /// (GGUF rope_freqs.weight, or computed from HF rope_scaling {rope_type: llama3}); empty = none.
    std::vector<float> ropeFreqFactors;
    float attentionScale = 0.0f;     ///< scores q·k times this; 0 = 1/sqrt(headDim) (Gemma 2 27B: 1/sqrt(dim/nHeads))
    float attnLogitSoftcap = 0.0f;   ///< Gemma 2: scores s -> cap·tanh(s/cap) before softmax; 0 = none
    float finalLogitSoftcap = 0.0f;  ///< Gemma 2: logits z -> cap·tanh(z/cap); 0 = none
    /// Sliding-window attention: a query at position p sees keys p-window+1..p on the layers
    /// slidingWindowLayer() names; 0 = every layer attends to the whole context.
    std::uint32_t slidingWindow = 0;
    /// Layers l with l % slidingWindowPeriod < slidingWindowPeriod - 1 use the window (llama.cpp's
    /// swa pattern: 2 = even layers, Gemma 2); 1 = every layer.
    std::uint32_t slidingWindowPeriod = 1;
    float normEps = 1e-5f;            ///< RMSNorm (Llama) or LayerNorm (GPT-2) epsilon
    std::uint32_t contextLength = 0;  ///< GPT-2: rows of the learned position embedding
    std::uint32_t vocabSize = 0;
    bool tiedEmbeddings = false;  ///< LM head reuses the token embedding

    std::uint32_t qDim() const { return nHeads * headDim; }
    /// The window layer `layer` attends through (0 = the whole context).
    std::uint32_t slidingWindowOf(std::uint32_t layer) const
    {
        if (slidingWindow == 0) return 0;
        if (slidingWindowPeriod <= 1) return slidingWindow;
        return layer % slidingWindowPeriod < slidingWindowPeriod - 1 ? slidingWindow : 0;
    }
    std::uint32_t kvDim() const { return nKvHeads * headDim; }
};

/// How the bytes in the file become the canonical layout a TensorRef describes. The group loader
/// applies it in place in the pool buffer the tensor was read into (model/tensor-transform.h).
enum class LoadTransform : std::uint8_t {
    None,
    /// The file holds the matrix transposed: `cols` rows of `rows` values (HF Conv1D, GPT-2).
    Transpose,
    /// Per head (transformGroups heads of rows()/transformGroups rows), the file's rows are in
    /// rotate-half order [x0..x(d/2-1) | x(d/2)..x(d-1)] (HF Llama q/k) and become interleaved
    /// pairs (x0, x(d/2)), (x1, x(d/2+1)), ... as GGUF's RoPE expects (llama.cpp's converter permute).
    RopeHalvesToPairs,
    /// The file holds `storedType` (F16 or BF16) values; canonical is F32 (norm weights, biases).
    WidenToF32,
};

/// Where a tensor's bytes live and how they are laid out.
struct TensorRef {
    std::string name;  ///< the name in the file
    TensorType type = TensorType::F32;
    std::vector<std::uint64_t> dims;  ///< ne0 first (ne0 = row length)
    const MappedFile* file = nullptr;
    std::uint64_t fileOffset = 0;
    std::uint64_t sizeBytes = 0;  ///< bytes of the canonical layout (what a group buffer holds)
    LoadTransform transform = LoadTransform::None;
    std::uint32_t transformGroups = 0;        ///< RopeHalvesToPairs: the number of heads
    TensorType storedType = TensorType::F32;  ///< WidenToF32: the type in the file

    std::uint64_t rows() const;  ///< product of dims[1..]
    std::uint64_t cols() const { return dims.empty() ? 0 : dims[0]; }
    /// Bytes in the file (differs from sizeBytes only for WidenToF32).
    std::uint64_t fileBytes() const;
};

/// Roles of the tensors in one unit (a transformer block, or the output head). Llama uses
/// AttnNorm, AttnQ/K/V, AttnOutput, FfnNorm, FfnGate/Up/Down; Qwen2 adds AttnQ/K/VBias; Gemma 2 adds
/// AttnPostNorm and FfnPostNorm; Phi-3 has the fused AttnQkv and a fused gate/up in FfnUp; GPT-2
/// uses the norms with biases, the fused AttnQkv (q, k, v rows stacked) and biases on every
/// projection. The head's tensors are OutputNorm(+Bias) and Output.
enum class TensorRole : std::uint8_t {
    AttnNorm,
    AttnNormBias,
    AttnQ,
    AttnQBias,
    AttnK,
    AttnKBias,
    AttnV,
    AttnVBias,
    AttnQkv,
    AttnQkvBias,
    AttnOutput,
    AttnOutputBias,
    AttnPostNorm,
    FfnNorm,
    FfnNormBias,
    FfnGate,
    FfnUp,
    FfnUpBias,
    FfnDown,
    FfnDownBias,
    FfnPostNorm,
    OutputNorm,
    OutputNormBias,
    Output,
    Count
};
inline constexpr std::size_t kTensorRoleCount = static_cast<std::size_t>(TensorRole::Count);
/// The GGUF tensor name within a block: "attn_q.weight", "attn_qkv.bias", "ffn_down.weight", ...;
/// for head roles the full name ("output_norm.weight", "output.weight").
const char* tensorRoleName(TensorRole role);

/// The tensors of one block (absent roles are nullopt; validation guarantees the architecture's).
struct LayerTensors {
    std::array<std::optional<TensorRef>, kTensorRoleCount> byRole;
    const TensorRef& operator[](TensorRole role) const { return *byRole[static_cast<std::size_t>(role)]; }
    bool has(TensorRole role) const { return byRole[static_cast<std::size_t>(role)].has_value(); }
};

/// The LM head: final norm (and its bias for GPT-2) and output projection (the token embedding
/// when embeddings are tied).
struct HeadTensors {
    TensorRef outputNorm;
    TensorRef output;
    std::optional<TensorRef> outputNormBias;
};

/// One entry of a model's metadata, rendered for people (inspect).
struct MetadataEntry {
    std::string key;
    std::string value;
};

/// One tensor as the file stores it (inspect): type and shape in the file's own convention
/// (GGUF: ne0 first; SafeTensors: row-major, outermost first).
struct SourceTensor {
    std::string name;
    std::string type;
    std::string shape;
    std::uint64_t sizeBytes = 0;
    std::uint64_t fileOffset = 0;
    std::string file;
};

class ValidatedModelGraph;
struct ModelFiles;  ///< the open files of a model (model/graph-builder.h)

/// A loaded, unvalidated graph.
class ModelGraph {
public:
    /// Opens a model by what `path` is: a directory (a HF model: config.json + SafeTensors), a
    /// *.safetensors or *.safetensors.index.json file (config.json beside it), or a GGUF file (a
    /// *.gguf name or the GGUF magic). Throws IoError / FormatError saying what was expected.
    static ModelGraph open(const std::string& path);
    /// Opens a GGUF model file. Throws IoError / FormatError.
    static ModelGraph openGguf(const std::string& path);
    /// Opens a HF SafeTensors model: a directory, a .safetensors file or an index (see open()).
    /// Reads config.json from the same directory. Throws IoError / FormatError.
    static ModelGraph openSafeTensors(const std::string& path);

    ModelFormat format() const;
    /// The GGUF file, or the SafeTensors file / index that was opened.
    const std::string& path() const;
    /// GGUF general.architecture ("llama", ...), or config.json's architectures[0]
    /// ("LlamaForCausalLM", ...); "" when absent.
    const std::string& architectureName() const;
    /// Bytes of the weight files (all shards).
    std::uint64_t fileSizeBytes() const;

    /// The GGUF file. Throws UsageError for a SafeTensors model.
    const GgufFile& gguf() const;
    /// The SafeTensors checkpoint. Throws UsageError for a GGUF model.
    const SafeTensorsCheckpoint& safetensors() const;

    /// One line about the container: "GGUF v3, 732.2 KiB, 34 metadata keys, 20 tensors, ..." or
    /// "SafeTensors, 1 file, 2.5 MiB, 20 tensors, header 2160 bytes, config.json LlamaForCausalLM".
    std::string formatDescription() const;
    /// GGUF metadata; or config.json's top-level keys ("config.hidden_size") and SafeTensors
    /// __metadata__ ("safetensors.format").
    std::vector<MetadataEntry> metadata() const;
    /// Every tensor in the files, in file order.
    std::vector<SourceTensor> sourceTensors() const;

    /// Checks the graph against its architecture: known architecture, every required tensor
    /// present with the expected shape and a type edge-rt computes, consistent hyper-parameters.
    /// Throws ValidationError naming the file and every missing or malformed tensor/key.
    ValidatedModelGraph validate() &&;

private:
    ModelGraph() = default;
    std::shared_ptr<ModelFiles> m_files;
};

/// A graph that passed validation: hyper-parameters and weights by layer are available.
class ValidatedModelGraph {
public:
    const HyperParams& hparams() const { return m_hparams; }
    const std::vector<LayerTensors>& layers() const { return m_layers; }
    const HeadTensors& head() const { return m_head; }
    const TensorRef& tokenEmbedding() const { return m_tokenEmbedding; }
    /// GPT-2's learned position embedding (dims [dim, contextLength]); nullptr for Llama.
    const TensorRef* positionEmbedding() const { return m_positionEmbedding ? &*m_positionEmbedding : nullptr; }

    ModelFormat format() const;
    /// The GGUF file. Throws UsageError for a SafeTensors model.
    const GgufFile& gguf() const;
    /// The GGUF file, or the SafeTensors file / index.
    const std::string& path() const;
    std::uint64_t fileSizeBytes() const;
    /// general.name (GGUF), else the model directory's or file's name.
    std::string displayName() const;

    /// Sum of the bytes of every tensor the forward pass reads (token_embd counted once).
    std::uint64_t weightBytes() const;

    /// The tokenizer of the model: from the GGUF metadata, or from the HF directory's
    /// tokenizer.json (else vocab.json + merges.txt). Throws FormatError / IoError.
    std::unique_ptr<Tokenizer> makeTokenizer() const;

    /// Drops the parsed headers' pages from the resident set (accessors stay valid).
    void releaseHeaderPages() const;

private:
    friend class ModelGraph;
    ValidatedModelGraph() = default;
    std::shared_ptr<ModelFiles> m_files;
    HyperParams m_hparams;
    std::vector<LayerTensors> m_layers;
    HeadTensors m_head;
    TensorRef m_tokenEmbedding;
    std::optional<TensorRef> m_positionEmbedding;
};

}  // namespace edgert
