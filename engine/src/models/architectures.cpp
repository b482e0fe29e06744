#include "models/architectures.h"

#include "edgert/error.h"
#include "models/gemma2/gemma2.h"
#include "models/gpt2/gpt2.h"
#include "models/llama/llama.h"
#include "models/phi3/phi3.h"
#include "models/qwen2/qwen2.h"

#include <array>

namespace edgert {

namespace {

// One line per architecture: its names, then its folder's graph builder, forward pass,
// synthetic writer and known shapes.
const std::array kArchitectures{
    ArchitectureEntry{Architecture::Llama, "llama", "LlamaForCausalLM", "llama", buildLlamaGraph, makeLlamaForward,
                      writeLlamaSynthetic, llamaSynthShapes},
    ArchitectureEntry{Architecture::Qwen2, "qwen2", "Qwen2ForCausalLM", "qwen2", buildQwen2Graph, makeQwen2Forward,
                      writeQwen2Synthetic, qwen2SynthShapes},
    ArchitectureEntry{Architecture::Gemma2, "gemma2", nullptr, nullptr, buildGemma2Graph, makeGemma2Forward,
                      writeGemma2Synthetic, gemma2SynthShapes},
    ArchitectureEntry{Architecture::Phi3, "phi3", nullptr, nullptr, buildPhi3Graph, makePhi3Forward, writePhi3Synthetic,
                      phi3SynthShapes},
    ArchitectureEntry{Architecture::Gpt2, "gpt2", "GPT2LMHeadModel", "gpt2", buildGpt2Graph, makeGpt2Forward,
                      writeGpt2Synthetic, gpt2SynthShapes},
};

}  // namespace

std::span<const ArchitectureEntry> architectureTable()
{
    return kArchitectures;
}

const ArchitectureEntry& architectureEntry(Architecture arch)
{
    for (const auto& a : kArchitectures)
        if (a.arch == arch) return a;
    throw UsageError("architecture " + std::to_string(static_cast<int>(arch)) + " has no entry in the table");
}

const ArchitectureEntry* findArchitecture(const std::string& name, bool hf)
{
    for (const auto& a : kArchitectures) {
        if (!hf && name == a.name) return &a;
        if (hf && ((a.hfClass && name == a.hfClass) || (a.hfModelType && name == a.hfModelType))) return &a;
    }
    return nullptr;
}

std::string supportedArchitectureList(bool hf)
{
    std::string s;
    for (const auto& a : kArchitectures) {
        if (hf && !a.hfClass) continue;
        s += (s.empty() ? "" : ", ") + std::string(hf ? a.hfClass : a.name);
    }
    return s;
}

const char* architectureName(Architecture arch)
{
    for (const auto& a : kArchitectures)
        if (a.arch == arch) return a.name;
    return "?";
}

std::vector<Architecture> supportedArchitectures()
{
    std::vector<Architecture> out;
    for (const auto& a : kArchitectures) out.push_back(a.arch);
    return out;
}

std::optional<Architecture> architectureFromName(const std::string& name)
{
    if (const auto* a = findArchitecture(name, false)) return a->arch;
    return std::nullopt;
}

std::unique_ptr<ModelForward> makeForward(const ValidatedModelGraph& graph, const Activations& act,
                                          const KvCacheView& kv)
{
    return architectureEntry(graph.hparams().arch).makeForward(graph, act, kv);
}

}  // namespace edgert
