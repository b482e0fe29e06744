// Where a unit's tensors sit inside a layer-group buffer, laid out so the group can be read with
// O_DIRECT straight into it (io/direct-reader.h).
//
// The tensors read as stored (no load transform) are sorted by file offset and cut into file
// spans: runs of tensors of one file with gaps below kDirectAlignment (GGUF padding) between
// them. Each span is read with one request and sits at a buffer offset congruent to its file
// offset modulo kDirectAlignment, so its aligned middle goes to the device directly; a tensor's
// address keeps its file offset's alignment (GGUF: general.alignment, 32 by default). Tensors
// with a load transform (HF layouts: transposes, F16 widening) follow, 64-byte aligned each, read
// and converted by readTensor; so do tensors whose file offset is not a multiple of their element
// alignment (a SafeTensors tensor behind one of odd length), so that no kernel reads a
// misaligned float. A unit occupies a whole number of kDirectAlignment pages, so units
// stack in a group buffer (page-aligned: pool buffers are mmap'd) without losing the congruence.
// The cost over packing tensors tightly: below 4 KiB per span plus the page rounding per unit.
#pragma once

#include "edgert/model-graph.h"
#include "runtime/run-layout.h"

#include <cstdint>
#include <vector>

namespace edgert {

struct PlacedTensor {
    TensorRole role = TensorRole::AttnNorm;
    const TensorRef* ref = nullptr;
    std::uint64_t offset = 0;  ///< of its canonical bytes from the unit's start in the group buffer
};

/// One read request: `length` bytes from `fileOffset` of `file` to `offset` in the unit.
struct FileSpan {
    const MappedFile* file = nullptr;
    std::uint64_t fileOffset = 0;
    std::uint64_t length = 0;
    std::uint64_t offset = 0;  ///< ≡ fileOffset (mod kDirectAlignment)
};

struct UnitLayout {
    std::vector<PlacedTensor> tensors;     ///< in unitTensorsByRole order
    std::vector<FileSpan> spans;           ///< the tensors read as stored
    std::vector<std::size_t> transformed;  ///< indices into `tensors` read by readTensor
    std::uint64_t bytes = 0;               ///< a multiple of kDirectAlignment
    std::uint64_t tensorFileBytes = 0;     ///< sum of the tensors' fileBytes() (what a load reads)
};

/// The layout of unit `layer` (-1: the output head). unitWeightBytes() is its `bytes`.
UnitLayout unitLayout(const ValidatedModelGraph& graph, int layer);

}  // namespace edgert
