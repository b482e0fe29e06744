// The phi3 architecture's entry points, as its line in the architecture table
// (models/architectures.cpp) names them.
#pragma once

#include "edgert/synth.h"
#include "graph/graph-builder.h"
#include "models/common/model-forward.h"

#include <memory>
#include <vector>

namespace edgert {

class SynthWriter;

/// The graph of a phi3 model (GGUF). Throws ValidationError.
GraphParts buildPhi3Graph(const ModelFiles& files);
/// The forward pass (models/phi3/phi3-forward.h).
std::unique_ptr<ModelForward> makePhi3Forward(const ValidatedModelGraph& graph, const Activations& act,
                                              const KvCacheView& kv);
/// Writes the keys and random tensors of a synthetic phi3 GGUF. Throws UsageError.
void writePhi3Synthetic(SynthWriter& writer);
/// The known shapes of this architecture (edge-rt synth --shape).
std::vector<SynthShape> phi3SynthShapes();

}  // namespace edgert
