// The one place a loaded unit's matrices get the row layout their kernels read: Q4_0 and Q4_K
// into 8-row groups (kernels/q4_0-interleaved.h, kernels/q4_k-interleaved.h), in place in the
// group buffer, for resident and streamed groups alike, so a result never depends on the strategy
// or the budget.
//
// The group loader reads a unit in chunks (kRepackChunkBytes, through the page cache) and calls
// repackUpTo() after each one, so each 8-row group is repacked while the read has just left its
// bytes in the core's L2: the weights cross the memory bus once (the read) instead of three
// times (the read, then the repack's read and write-back of the whole unit). With O_DIRECT the
// device writes memory, not the cache, so the loader reads each span whole and repacks after it.
// Scratch: one 8-row group of the unit's widest repacked matrix (8 * cols / 32 * 18 bytes: 24.8
// KiB for tinyllama's 5632-column ffn_down), held by the caller for the whole group load.
#pragma once

#include "kernels/q4_0-interleaved.h"
#include "runtime/unit-layout.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace edgert {

/// Unit bytes the loader reads through the page cache before repacking what it read: a multiple
/// of io::kDirectAlignment (chunk boundaries keep the O_DIRECT congruence), below the L2 of a
/// Zen 3 core (512 KiB) and of the Pi 4's Cortex-A72 cluster (1 MiB).
inline constexpr std::uint64_t kRepackChunkBytes = 256 * 1024;

/// Repacks 8-row groups [group0, group1) of a (rows, cols) matrix at `matrix`, from file layout
/// into `layout` (RowLayout::File: nothing to do), with `scratch` of one group's bytes.
void repackRowGroups(kernels::RowLayout layout, std::byte* matrix, std::size_t cols, std::size_t group0,
                     std::size_t group1, std::byte* scratch);

/// Tracks which of a unit's matrices need a repack (kernels::interleavedLayoutOf) and how far
/// each one has been repacked, so the loader can repack as its reads progress.
class UnitRepacker {
public:
    explicit UnitRepacker(const UnitLayout& layout);

    /// Scratch bytes repackUpTo() needs: the largest 8-row group of the unit's repacked matrices
    /// (0 when it has none).
    std::size_t scratchBytes() const { return m_scratchBytes; }
    bool empty() const { return m_matrices.empty(); }

    /// Repacks, in place in the unit buffer at `unit`, every 8-row group not repacked yet that
    /// lies wholly below byte `readEnd` of the unit. Precondition: every tensor byte below
    /// `readEnd` has been read, and `scratch` holds scratchBytes() bytes outside the buffer.
    void repackUpTo(std::byte* unit, std::uint64_t readEnd, std::byte* scratch);

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
};

}  // namespace edgert
