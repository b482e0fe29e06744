// The readers a run loads layer groups with: one io::DirectReader per model file (a GGUF, or
// each shard of a SafeTensors model), opened once per ReadyEngine, in the run's stream I/O mode.
#pragma once

#include "edgert/model-graph.h"
#include "io/direct-reader.h"

#include <memory>
#include <string>
#include <vector>

namespace edgert {

class ModelReaders {
public:
    /// One reader per distinct file of the graph's unit tensors, in `mode` (Direct falls back per
    /// file where the filesystem refuses O_DIRECT; see notes()).
    ModelReaders(const ValidatedModelGraph& graph, io::DirectReader::Mode mode);

    /// The reader of `file` (a file of the graph). Throws UsageError for another file.
    const io::DirectReader& forFile(const MappedFile* file) const;

    /// Direct when every file is read with O_DIRECT (so far), else Buffered.
    io::DirectReader::Mode mode() const;
    /// The fallback notes of the readers that fell back, joined with "; " ("" when none did).
    std::string notes() const;
    std::uint64_t directBytes() const;
    std::uint64_t bufferedBytes() const;

private:
    std::vector<std::unique_ptr<io::DirectReader>> m_readers;
};

}  // namespace edgert
