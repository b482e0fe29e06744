// The one place a loaded unit's matrices get the row layout their kernels read: Q4_0 and Q4_K
// into 8-row groups (kernels/q4_0-interleaved.h, kernels/q4_k-interleaved.h), for resident and
// streamed groups alike, so a result never depends on the strategy or the budget.
//
// Through the page cache (readSpanStaged) the group loader reads a repacked matrix a few 8-row
// groups at a time into a small staging buffer, which stays in the core's L2, and repacks from
// there into the group buffer: the weights are copied once (page cache -> staging, in cache) and
// written once (staging -> group buffer, interleaved), where reading them in place and repacking
// afterwards wrote the buffer, read it back and wrote it again. With O_DIRECT the device writes
// the group buffer itself and the staging reads would need the page cache for every unaligned
// group boundary, so the loader reads each span whole and repacks in place (repackUpTo, through a
// one-group scratch).
//
// Memory outside the pool, per loading thread (the prefetch worker, the compute thread): the
// staging buffer, stagingBytes() <= max(kRepackStagingBytes, one group) (256 KiB for tinyllama),
// and a one-group scratch for the in-place path (24.8 KiB for its 5632-column ffn_down).
#pragma once

#include "io/direct-reader.h"
#include "kernels/q4_0-interleaved.h"
#include "runtime/unit-layout.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace edgert {

/// Bytes of file rows the staged read takes per request (whole 8-row groups, at least one): below
/// the L2 of a Zen 3 core (512 KiB) and of the Pi 4's Cortex-A72 cluster (1 MiB).
inline constexpr std::size_t kRepackStagingBytes = 256 * 1024;

/// Repacks nGroups consecutive 8-row groups of a matrix of `cols` columns from file layout at
/// `fileGroups` into `layout` at `out` (out of place; RowLayout::File copies). Each group is
/// 8 file rows' bytes in either layout.
void repackRowGroups(kernels::RowLayout layout, const std::byte* fileGroups, std::size_t nGroups, std::size_t cols,
                     std::size_t groupBytes, std::byte* out);

/// A unit's matrices that need a repack (kernels::interleavedLayoutOf) and how far each one has
/// been repacked. Use one per unit load: readSpanStaged for page-cache spans, or read a span into
/// the unit and call repackUpTo.
class UnitRepacker {
public:
    explicit UnitRepacker(const UnitLayout& layout);

    bool empty() const { return m_matrices.empty(); }
    /// Scratch bytes repackUpTo() needs: the largest 8-row group (0 when none).
    std::size_t scratchBytes() const { return m_scratchBytes; }
    /// Staging bytes readSpanStaged() needs (0 when none).
    std::size_t stagingBytes() const { return m_stagingBytes; }

    /// Repacks, in place in the unit buffer at `unit`, every 8-row group not repacked yet that
    /// lies wholly below byte `readEnd` of the unit. Precondition: every tensor byte below
    /// `readEnd` has been read, and `scratch` holds scratchBytes() bytes outside the buffer.
    void repackUpTo(std::byte* unit, std::uint64_t readEnd, std::byte* scratch);

    /// Reads `span` of the unit at `unit` with `reader`: the bytes of the repacked matrices in
    /// the span through `staging` (stagingBytes() bytes, outside the buffer), written repacked;
    /// every other byte straight into the unit. IoError as io::DirectReader::read.
    void readSpanStaged(const FileSpan& span, const io::DirectReader& reader, std::byte* unit,
                        std::span<std::byte> staging);

private:
    struct Matrix {
        kernels::RowLayout layout;
        std::uint64_t offset;  ///< from the unit's start
        std::size_t cols;
        std::size_t groupBytes;  ///< 8 rows' bytes
        std::size_t groups;      ///< rows / 8
        std::size_t done = 0;    ///< groups repacked so far
    };
    std::vector<Matrix> m_matrices;  ///< by offset
    std::size_t m_scratchBytes = 0;
    std::size_t m_stagingBytes = 0;
};

}  // namespace edgert
