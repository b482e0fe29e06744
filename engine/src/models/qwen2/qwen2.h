// The qwen2 architecture's entry points, as its line in the architecture table
// (models/architectures.cpp) names them.
#pragma once

#include "edgert/synth.h"
#include "graph/graph-builder.h"
#include "models/common/model-forward.h"

#include <memory>
#include <vector>

namespace edgert {

class SynthWriter;

/// The graph of a qwen2 model (GGUF or HF SafeTensors). Throws ValidationError.
GraphParts buildQwen2Graph(const ModelFiles& files);
/// The forward pass (models/qwen2/qwen2-forward.h).
std::unique_ptr<ModelForward> makeQwen2Forward(const ValidatedModelGraph& graph, const Activations& act,
                                               const KvCacheView& kv);
/// Writes the keys and random tensors of a synthetic qwen2 GGUF. Throws UsageError.
void writeQwen2Synthetic(SynthWriter& writer);
/// The known shapes of this architecture (edge-rt synth --shape).
std::vector<SynthShape> qwen2SynthShapes();

}  // namespace edgert
