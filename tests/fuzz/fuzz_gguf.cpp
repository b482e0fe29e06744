// GGUF: read the file, walk every metadata key and tensor, validate the graph, build the tokenizer
// (and encode/decode a line with it), and plan every strategy at its minimum budget.
#include "fuzz-support.h"

#include "edgert/gguf-reader.h"
#include "edgert/model-graph.h"
#include "edgert/partition-planner.h"
#include "edgert/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace edgert;
    const fuzz::MemoryFile file(data, size);
    fuzz::expectSuccessOrError([&] {
        const GgufFile gguf(file.path());
        std::size_t chars = 0;
        for (const auto& [key, value] : gguf.metadata()) chars += key.size() + gguf.valueToString(value).size();
        for (const auto& t : gguf.tensors()) chars += t.name.size() + t.shapeString().size() + t.elementCount() % 7;
        (void)chars;
    });
    fuzz::expectSuccessOrError([&] {
        const ValidatedModelGraph graph = ModelGraph::openGguf(file.path()).validate();
        (void)graph.weightBytes();
        (void)graph.displayName();
        fuzz::expectSuccessOrError([&] {
            const auto tokenizer = graph.makeTokenizer();
            const auto ids = tokenizer->encode("Once upon a time, there was a little dog.", true);
            (void)tokenizer->decode(ids);
        });
        const PlanInput input = makePlanInput(graph, RunShape{16, 1});
        for (const auto& name : strategyNames()) {
            const auto strategy = makeStrategy(name);
            fuzz::expectSuccessOrError([&] {
                const std::uint64_t minimum = strategy->minimumBudget(input);
                (void)strategy->plan(input, minimum);
            });
        }
    });
    return 0;
}
