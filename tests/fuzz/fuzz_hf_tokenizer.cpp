// A HuggingFace tokenizer.json (model, normalizer, pre-tokenizer, post-processor, added tokens),
// in a real model directory (tinystories-656k's config.json and model.safetensors): build the
// tokenizer and encode/decode text with it.
#include "fuzz-support.h"

#include "edgert/model-graph.h"
#include "edgert/tokenizer.h"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace edgert;
    namespace fs = std::filesystem;
    static const fs::path dir = [] {
        const fs::path d = fuzz::scratchDir() / "hf-tokenizer";
        fs::create_directories(d);
        for (const char* name : {"model.safetensors", "config.json"})
            fs::create_symlink(fuzz::sharedModel(std::string("tinystories-656k/") + name), d / name);
        return d;
    }();
    static const ValidatedModelGraph* graph = [] {
        return new ValidatedModelGraph(ModelGraph::open(dir.string()).validate());  // lives for the process
    }();
    fuzz::writeFile(dir / "tokenizer.json", {reinterpret_cast<const char*>(data), size});
    fuzz::expectSuccessOrError([&] {
        const auto tokenizer = graph->makeTokenizer();
        for (const char* text : {"Once upon a time", " \xc3\xa9t\xc3\xa9 <s> 123\n\t!", ""}) {
            const auto ids = tokenizer->encode(text, true);
            (void)tokenizer->decode(ids);
        }
    });
    return 0;
}
