// Internals shared by the per-architecture graph builders (models/<arch>/<arch>-graph.cpp):
// the open files of a model, a format-neutral table of its tensors, and the checks that turn a
// tensor of the file into a canonical TensorRef (shape, type, load transform), collecting every
// problem so that one ValidationError lists them all.
#pragma once

#include "edgert/gguf-reader.h"
#include "edgert/model-graph.h"
#include "edgert/safetensors-reader.h"
#include "graph/hf-config.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgert {

/// The files a model graph reads; shared by ModelGraph and the ValidatedModelGraph made from it,
/// and alive as long as any TensorRef::file points into them.
struct ModelFiles {
    ModelFormat format = ModelFormat::Gguf;
    std::string path;       ///< the GGUF file, or the SafeTensors file / index opened
    std::string directory;  ///< SafeTensors: the HF model directory (config.json, tokenizer files)
    std::string archName;   ///< general.architecture, or config.json's architecture
    std::unique_ptr<GgufFile> gguf;
    std::unique_ptr<SafeTensorsCheckpoint> safetensors;
    std::unique_ptr<HfConfig> config;
};

/// Collects validation problems; throwIfAny() raises one ValidationError listing them.
class Problems {
public:
    explicit Problems(std::string file) : m_file(std::move(file)) {}
    void add(std::string problem) { m_list.push_back(std::move(problem)); }
    bool empty() const { return m_list.empty(); }
    void throwIfAny() const;

private:
    std::string m_file;
    std::vector<std::string> m_list;
};

/// The tensors of a model's files by name, as canonical-orientation TensorRefs (dims ne0-first,
/// no transform yet). SafeTensors names that `__metadata__` declares as aliases of a stored tensor
/// (torch's shared-tensor removal: {"model.embed_tokens.weight": "lm_head.weight"}) resolve to it.
class TensorTable {
public:
    struct Entry {
        TensorRef ref;
        bool computable = true;                  ///< a dtype edge-rt has a TensorType for (SafeTensors U8, BOOL: false)
        std::string typeName;                    ///< "Q8_0", "BF16", "U8", ...
        std::vector<std::uint64_t> storedShape;  ///< as the file writes it (for messages)
    };

    explicit TensorTable(const GgufFile& gguf);
    explicit TensorTable(const SafeTensorsCheckpoint& checkpoint);

    const Entry* find(std::string_view name) const;
    bool has(std::string_view name) const { return find(name) != nullptr; }
    /// A shape in the file's own convention ("[2048, 128]").
    static std::string shapeText(const std::vector<std::uint64_t>& dims);
    /// ne0-first dims rendered in the file's convention (reversed for SafeTensors).
    std::string canonicalShapeText(const std::vector<std::uint64_t>& dims) const;
    ModelFormat format() const { return m_format; }

private:
    ModelFormat m_format;
    std::map<std::string, Entry, std::less<>> m_entries;
    std::map<std::string, std::string, std::less<>> m_aliases;
};

/// Checks expected tensors against the table and builds canonical TensorRefs.
class GraphBuilder {
public:
    GraphBuilder(const TensorTable& table, Problems& problems) : m_table(table), m_problems(problems) {}

    /// A weight matrix W (rows, cols) — canonical dims {cols, rows}. With Transpose the file holds
    /// {rows, cols} ne0-first (a Conv1D weight); with RopeHalvesToPairs `groups` heads are
    /// permuted. Any computable type (F32, F16, BF16, Q8_0, Q4_0); transforms need F32/F16/BF16.
    std::optional<TensorRef> matrix(const std::string& name, std::uint64_t cols, std::uint64_t rows,
                                    LoadTransform transform = LoadTransform::None, std::uint32_t groups = 0);
    /// A vector of n values read as F32 (norm weights, biases): F32 in the file, or for
    /// SafeTensors also F16/BF16, widened at load.
    std::optional<TensorRef> vector(const std::string& name, std::uint64_t n);
    /// The token-embedding-like table: rows read one at a time by the forward pass, {cols, rows}.
    std::optional<TensorRef> table(const std::string& name, std::uint64_t cols, std::uint64_t rows);

    const TensorTable& tensors() const { return m_table; }
    Problems& problems() { return m_problems; }

private:
    const TensorTable::Entry* require(const std::string& name, const std::vector<std::uint64_t>& expected);

    const TensorTable& m_table;
    Problems& m_problems;
};

/// What a per-architecture builder produces.
struct GraphParts {
    HyperParams hparams;
    std::vector<LayerTensors> layers;
    HeadTensors head;
    TensorRef tokenEmbedding;
    std::optional<TensorRef> positionEmbedding;
};

/// Reads an unsigned GGUF hyper-parameter, recording a problem when missing (without fallback),
/// mistyped, zero or above 2^30.
std::uint32_t ggufPositive(const GgufFile& f, Problems& problems, const std::string& key,
                           std::optional<std::uint64_t> fallback = std::nullopt);
/// Reads an unsigned config.json hyper-parameter with the same rules.
std::uint32_t configPositive(const HfConfig& config, Problems& problems, const std::string& key,
                             std::optional<std::uint64_t> fallback = std::nullopt);

}  // namespace edgert
