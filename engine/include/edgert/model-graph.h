// The model graph: which tensors make up the model, how they map onto the architecture's
// layers, and its hyper-parameters.
//
// Type-state: ModelGraph is a *loaded* graph — metadata and a tensor table read from a file,
// not yet checked. ModelGraph::validate() && consumes it and returns a ValidatedModelGraph,
// the only type that exposes hyper-parameters and per-layer weights; everything downstream
// (planner, runtime) takes a ValidatedModelGraph, so nothing can run on an unchecked file.
#pragma once

#include "edgert/gguf-reader.h"
#include "edgert/mapped-file.h"
#include "edgert/tensor-type.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace edgert {

class Tokenizer;

enum class Architecture { Llama };

const char* architectureName(Architecture arch);

/// Hyper-parameters of a validated model. Sizes are element counts.
struct HyperParams {
    Architecture arch = Architecture::Llama;
    std::uint32_t dim = 0;          ///< embedding length (d_model)
    std::uint32_t ffnDim = 0;       ///< feed-forward hidden size
    std::uint32_t nLayers = 0;      ///< transformer blocks
    std::uint32_t nHeads = 0;       ///< query heads
    std::uint32_t nKvHeads = 0;     ///< key/value heads (GQA: nHeads % nKvHeads == 0)
    std::uint32_t headDim = 0;      ///< dim / nHeads
    std::uint32_t ropeDim = 0;      ///< rotated dimensions per head (rope.dimension_count)
    float ropeFreqBase = 10000.0f;  ///< rope.freq_base
    float normEps = 1e-5f;          ///< RMSNorm epsilon
    std::uint32_t contextLength = 0;
    std::uint32_t vocabSize = 0;
    bool tiedEmbeddings = false;    ///< LM head reuses token_embd.weight

    std::uint32_t qDim() const { return nHeads * headDim; }
    std::uint32_t kvDim() const { return nKvHeads * headDim; }
};

/// Where a tensor's bytes live and how they are laid out.
struct TensorRef {
    std::string name;
    TensorType type = TensorType::F32;
    std::vector<std::uint64_t> dims;  ///< ne0 first (ne0 = row length)
    const MappedFile* file = nullptr;
    std::uint64_t fileOffset = 0;
    std::uint64_t sizeBytes = 0;

    std::uint64_t rows() const;  ///< product of dims[1..]
    std::uint64_t cols() const { return dims.empty() ? 0 : dims[0]; }
};

/// Roles of the tensors in one transformer block.
enum class TensorRole : std::uint8_t {
    AttnNorm,
    AttnQ,
    AttnK,
    AttnV,
    AttnOutput,
    FfnNorm,
    FfnGate,
    FfnUp,
    FfnDown,
    Count
};
inline constexpr std::size_t kTensorRoleCount = static_cast<std::size_t>(TensorRole::Count);
const char* tensorRoleName(TensorRole role);  ///< GGUF name part: "attn_q", "ffn_down", ...

/// The tensors of one block (absent roles are nullopt; validation guarantees the architecture's).
struct LayerTensors {
    std::array<std::optional<TensorRef>, kTensorRoleCount> byRole;
    const TensorRef& operator[](TensorRole role) const { return *byRole[static_cast<std::size_t>(role)]; }
    bool has(TensorRole role) const { return byRole[static_cast<std::size_t>(role)].has_value(); }
};

/// The LM head: final norm and output projection (token_embd.weight when embeddings are tied).
struct HeadTensors {
    TensorRef outputNorm;
    TensorRef output;
};

class ValidatedModelGraph;

/// A loaded, unvalidated graph.
class ModelGraph {
public:
    /// Opens a GGUF model file. Throws IoError / FormatError.
    static ModelGraph openGguf(const std::string& path);

    const GgufFile& gguf() const { return *m_gguf; }
    const std::string& path() const { return m_gguf->path(); }
    /// general.architecture ("llama", ...), or "" when absent.
    const std::string& architectureName() const { return m_archName; }
    std::uint64_t fileSizeBytes() const { return m_gguf->fileSizeBytes(); }

    /// Checks the graph against its architecture: known architecture, every required tensor
    /// present with the expected shape and a type edge-rt computes, consistent hyper-parameters.
    /// Throws ValidationError naming the file and every missing or malformed tensor/key.
    ValidatedModelGraph validate() &&;

private:
    ModelGraph() = default;
    std::unique_ptr<GgufFile> m_gguf;
    std::string m_archName;
};

/// A graph that passed validation: hyper-parameters and weights by layer are available.
class ValidatedModelGraph {
public:
    const HyperParams& hparams() const { return m_hparams; }
    const std::vector<LayerTensors>& layers() const { return m_layers; }
    const HeadTensors& head() const { return m_head; }
    const TensorRef& tokenEmbedding() const { return m_tokenEmbedding; }
    const GgufFile& gguf() const { return *m_gguf; }
    const std::string& path() const { return m_gguf->path(); }
    std::uint64_t fileSizeBytes() const { return m_gguf->fileSizeBytes(); }
    /// general.name, or the file name.
    std::string displayName() const;

    /// Sum of the bytes of every tensor the forward pass reads (token_embd counted once).
    std::uint64_t weightBytes() const;

    /// The tokenizer described by the file's metadata. Throws FormatError.
    std::unique_ptr<Tokenizer> makeTokenizer() const;

private:
    friend class ModelGraph;
    ValidatedModelGraph() = default;
    std::unique_ptr<GgufFile> m_gguf;
    HyperParams m_hparams;
    std::vector<LayerTensors> m_layers;
    HeadTensors m_head;
    TensorRef m_tokenEmbedding;
};

}  // namespace edgert
