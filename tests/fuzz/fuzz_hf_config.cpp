// A HuggingFace model directory's config.json, beside a real model.safetensors and tokenizer.json
// (tinystories-656k): open the model, validate the graph against the fuzzed hyper-parameters,
// build the tokenizer and plan.
#include "fuzz-support.h"

#include "edgert/model-graph.h"
#include "edgert/partition-planner.h"
#include "edgert/tokenizer.h"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace edgert;
    namespace fs = std::filesystem;
    static const fs::path dir = [] {
        const fs::path d = fuzz::scratchDir() / "hf-config";
        fs::create_directories(d);
        for (const char* name : {"model.safetensors", "tokenizer.json"})
            fs::create_symlink(fuzz::sharedModel(std::string("tinystories-656k/") + name), d / name);
        return d;
    }();
    fuzz::writeFile(dir / "config.json", {reinterpret_cast<const char*>(data), size});
    fuzz::expectSuccessOrError([&] {
        const ValidatedModelGraph graph = ModelGraph::open(dir.string()).validate();
        const auto tokenizer = graph.makeTokenizer();
        (void)tokenizer->decode(tokenizer->encode("Tom and Sue", true));
        const PlanInput input = makePlanInput(graph, RunShape{16, 1});
        const auto strategy = makeStrategy("sequential");
        (void)strategy->plan(input, strategy->minimumBudget(input));
    });
    return 0;
}
