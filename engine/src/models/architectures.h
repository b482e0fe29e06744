// The one table of the architectures edge-rt runs. Each line names an architecture (GGUF
// general.architecture, HF config.json class and model_type) and the four things its folder
// engine/src/models/<arch>/ provides: the graph builder (tensor names, shapes, hyper-parameters),
// the forward pass, the synthetic-model writer and its known shapes. Adding an architecture =
// its folder + one line in architectures.cpp (+ its Architecture enumerator).
#pragma once

#include "edgert/model-graph.h"
#include "edgert/synth.h"
#include "graph/graph-builder.h"
#include "models/common/model-forward.h"

#include <memory>
#include <span>
#include <vector>

namespace edgert {

class SynthWriter;

struct ArchitectureEntry {
    Architecture arch;
    const char* name;         ///< GGUF general.architecture ("llama")
    const char* hfClass;      ///< config.json architectures[0] ("LlamaForCausalLM"); nullptr = GGUF only
    const char* hfModelType;  ///< config.json model_type ("llama"); nullptr = GGUF only
    GraphParts (*buildGraph)(const ModelFiles& files);
    std::unique_ptr<ModelForward> (*makeForward)(const ValidatedModelGraph& graph, const Activations& act,
                                                 const KvCacheView& kv);
    void (*writeSynthetic)(SynthWriter& writer);
    std::vector<SynthShape> (*synthShapes)();
};

/// Every architecture, in the order they are listed to users.
std::span<const ArchitectureEntry> architectureTable();
/// The entry of `arch` (every enumerator has one).
const ArchitectureEntry& architectureEntry(Architecture arch);
/// The entry a file names: GGUF general.architecture, or (hf) config.json's class or model_type.
const ArchitectureEntry* findArchitecture(const std::string& name, bool hf);
/// "llama, qwen2, ..." (hf: the HF class names) for error messages.
std::string supportedArchitectureList(bool hf);

}  // namespace edgert
