// The gpt2 architecture's entry points, as its line in the architecture table
// (models/architectures.cpp) names them.
#pragma once

#include "edgert/synth.h"
#include "graph/graph-builder.h"
#include "models/common/model-forward.h"

#include <memory>
#include <vector>

namespace edgert {

class SynthWriter;

/// The graph of a gpt2 model (GGUF or HF SafeTensors). Throws ValidationError.
GraphParts buildGpt2Graph(const ModelFiles& files);
/// The forward pass (models/gpt2/gpt2-forward.h).
std::unique_ptr<ModelForward> makeGpt2Forward(const ValidatedModelGraph& graph, const Activations& act,
                                              const KvCacheView& kv);
/// Writes the keys and random tensors of a synthetic gpt2 GGUF. Throws UsageError.
void writeGpt2Synthetic(SynthWriter& writer);
/// The known shapes of this architecture (edge-rt synth --shape).
std::vector<SynthShape> gpt2SynthShapes();

}  // namespace edgert
