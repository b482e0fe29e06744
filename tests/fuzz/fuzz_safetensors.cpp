// One .safetensors file: header (JSON at byte 8), dtypes, shapes, data offsets, __metadata__.
#include "fuzz-support.h"

#include "edgert/safetensors-reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace edgert;
    const fuzz::MemoryFile file(data, size);
    fuzz::expectSuccessOrError([&] {
        const SafeTensorsFile st(file.path());
        std::uint64_t total = 0;
        for (const auto& t : st.tensors()) {
            total += t.sizeBytes() + t.elementCount() + t.shapeString().size();
            if (st.findTensor(t.name) == nullptr) std::abort();  // every listed tensor is found by name
        }
        for (const auto& [key, value] : st.metadata())
            if (!st.findMetadata(key)) std::abort();
        (void)total;
    });
    return 0;
}
