// A sharded checkpoint's model.safetensors.index.json, beside a real shard (tinystories-656k's
// model.safetensors, linked into the scratch directory under two shard names).
#include "fuzz-support.h"

#include "edgert/safetensors-reader.h"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace edgert;
    namespace fs = std::filesystem;
    static const fs::path dir = [] {
        const fs::path d = fuzz::scratchDir() / "index";
        fs::create_directories(d);
        const std::string shard = fuzz::sharedModel("tinystories-656k/model.safetensors");
        for (const char* name : {"model.safetensors", "model-00001-of-00002.safetensors"})
            fs::create_symlink(shard, d / name);
        return d;
    }();
    const fs::path index = dir / "model.safetensors.index.json";
    fuzz::writeFile(index, {reinterpret_cast<const char*>(data), size});
    fuzz::expectSuccessOrError([&] {
        const SafeTensorsCheckpoint checkpoint(index.string());
        (void)checkpoint.totalSizeBytes();
    });
    return 0;
}
