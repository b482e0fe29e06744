// The gemma2 architecture's entry points, as its line in the architecture table
// (models/architectures.cpp) names them.
#pragma once

#include "edgert/synth.h"
#include "graph/graph-builder.h"
#include "models/common/model-forward.h"

#include <memory>
#include <vector>

namespace edgert {

class SynthWriter;

/// The graph of a gemma2 model (GGUF). Throws ValidationError.
GraphParts buildGemma2Graph(const ModelFiles& files);
/// The forward pass (models/gemma2/gemma2-forward.h).
std::unique_ptr<ModelForward> makeGemma2Forward(const ValidatedModelGraph& graph, const Activations& act,
                                                const KvCacheView& kv);
/// Writes the keys and random tensors of a synthetic gemma2 GGUF. Throws UsageError.
void writeGemma2Synthetic(SynthWriter& writer);
/// The known shapes of this architecture (edge-rt synth --shape).
std::vector<SynthShape> gemma2SynthShapes();

}  // namespace edgert
