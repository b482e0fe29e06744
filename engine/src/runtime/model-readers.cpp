#include "runtime/model-readers.h"

#include "edgert/error.h"
#include "runtime/run-layout.h"

namespace edgert {

ModelReaders::ModelReaders(const ValidatedModelGraph& graph, io::DirectReader::Mode mode)
{
    const auto add = [&](const MappedFile* file) {
        for (const auto& r : m_readers)
            if (&r->file() == file) return;
        m_readers.push_back(std::make_unique<io::DirectReader>(*file, mode));
    };
    for (std::uint32_t l = 0; l <= graph.hparams().nLayers; ++l)
        for (const auto* t : unitTensors(graph, l < graph.hparams().nLayers ? static_cast<int>(l) : -1))
            if (t->file) add(t->file);
}

const io::DirectReader& ModelReaders::forFile(const MappedFile* file) const
{
    for (const auto& r : m_readers)
        if (&r->file() == file) return *r;
    throw UsageError("no reader for model file '" + (file ? file->path() : std::string("(null)")) + "'");
}

io::DirectReader::Mode ModelReaders::mode() const
{
    for (const auto& r : m_readers)
        if (r->mode() != io::DirectReader::Mode::Direct) return io::DirectReader::Mode::Buffered;
    return m_readers.empty() ? io::DirectReader::Mode::Buffered : io::DirectReader::Mode::Direct;
}

std::string ModelReaders::notes() const
{
    std::string out;
    for (const auto& r : m_readers)
        if (const auto n = r->note(); !n.empty()) out += (out.empty() ? "" : "; ") + n;
    return out;
}

std::uint64_t ModelReaders::directBytes() const
{
    std::uint64_t sum = 0;
    for (const auto& r : m_readers) sum += r->directBytes();
    return sum;
}

std::uint64_t ModelReaders::bufferedBytes() const
{
    std::uint64_t sum = 0;
    for (const auto& r : m_readers) sum += r->bufferedBytes();
    return sum;
}

}  // namespace edgert
