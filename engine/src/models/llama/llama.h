// The llama architecture's entry points, as its line in the architecture table
// (models/architectures.cpp) names them.
#pragma once

#include "edgert/synth.h"
#include "graph/graph-builder.h"
#include "models/common/model-forward.h"

#include <memory>
#include <vector>

namespace edgert {

class SynthWriter;

/// The graph of a llama model (GGUF or HF SafeTensors). Throws ValidationError.
GraphParts buildLlamaGraph(const ModelFiles& files);
/// The forward pass (models/llama/llama-forward.h).
std::unique_ptr<ModelForward> makeLlamaForward(const ValidatedModelGraph& graph, const Activations& act,
                                               const KvCacheView& kv);
/// Writes the keys and random tensors of a synthetic llama GGUF. Throws UsageError.
void writeLlamaSynthetic(SynthWriter& writer);
/// The known shapes of this architecture (edge-rt synth --shape).
std::vector<SynthShape> llamaSynthShapes();

/// rope_freqs.weight (ropeDim/2 F32 divisors of θ_i, Llama 3 RoPE scaling) into hp.ropeFreqFactors
/// when the file has it; a problem when it is malformed.
void readGgufRopeFreqs(const GgufFile& f, GraphBuilder& b, HyperParams& hp);

}  // namespace edgert
