// Tensor data for synthetic models, produced on demand for any byte range the GGUF writer asks
// for (counter-based randomness: element i of tensor `key` does not depend on the chunking).
#pragma once

#include "edgert/gguf-writer.h"
#include "edgert/tensor-type.h"

#include <cstdint>

namespace edgert::synth {

/// Values mean + uniform noise of standard deviation `stddev` (uniform in ±sqrt(3)·stddev),
/// quantised to `type` block by block; the generator is splitmix64 (Steele et al. 2014).
GgufWriter::Fill randomFill(TensorType type, std::uint64_t key, float mean, float stddev);

/// F32 values all equal to `value` (norm weights = 1).
GgufWriter::Fill constantFill(float value);

/// general.file_type (llama.cpp's LLAMA_FTYPE_*) for a model whose matrices are `type`.
/// Throws UsageError for types edge-rt cannot quantise to (quant::canQuantise).
std::uint32_t fileTypeOf(TensorType type);

}  // namespace edgert::synth
