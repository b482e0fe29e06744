#include "models/common/model-forward.h"

#include "kernels/quantize.h"

namespace edgert {

void readEmbeddingRow(const TensorRef& table, std::uint64_t row, std::size_t dim, std::byte* staging, float* out)
{
    const std::uint64_t bytes = rowBytes(table.type, dim);
    table.file->readAt(table.fileOffset + row * bytes, staging, static_cast<std::size_t>(bytes));
    kernels::dequantizeRow(table.type, staging, out, dim);
}

}  // namespace edgert
