// Load-time layout conversions (LoadTransform in edgert/model-graph.h), applied by the group
// loader in place in the pool buffer a tensor was read into, so that a converted tensor costs no
// memory beyond its own canonical bytes: no heap copy of weight size is ever made.
//
//   Transpose          (HF Conv1D → y = W·x): an in-place transposition built from chunked
//                      cycle-following. For a (R, C) matrix with g = gcd(R, C) it moves g-element
//                      chunks (memcpy) and transposes g×g blocks by swapping, so its scratch is one
//                      chunk plus a bitset of R·C/g bits (for GPT-2's n×4n: 4n bits and n values).
//   RopeHalvesToPairs  per head, the (2, d/2) matrix of rows becomes (d/2, 2): the same chunked
//                      transposition with one row as the chunk.
//   WidenToF32         F16/BF16 values are read into the upper part of the slot and widened
//                      upwards in place (each 4-byte write lands below every unread 2-byte input).
#pragma once

#include "edgert/model-graph.h"

#include <cstddef>
#include <cstdint>

namespace edgert {

/// Reads `t` from its file into `dst` (t.sizeBytes bytes: the canonical layout) with pread and
/// applies t.transform. Returns the bytes read from the file (t.fileBytes()). Throws IoError.
std::uint64_t readTensor(const TensorRef& t, std::byte* dst);

/// Applies t.transform to bytes already read: for WidenToF32 the file's t.fileBytes() bytes must
/// sit at dst + t.sizeBytes - t.fileBytes().
void applyLoadTransform(const TensorRef& t, std::byte* dst);

/// Transposes a row-major (rows, cols) matrix of `elementBytes`-byte elements in place; the
/// result is the row-major (cols, rows) matrix.
void transposeInPlace(std::byte* data, std::size_t rows, std::size_t cols, std::size_t elementBytes);

/// Transposes a row-major (rows, cols) matrix whose elements are `chunkBytes`-byte chunks in place
/// (cycle-following with a visited bitset of rows·cols bits and one chunk of scratch).
void transposeChunksInPlace(std::byte* data, std::size_t rows, std::size_t cols, std::size_t chunkBytes);

}  // namespace edgert
