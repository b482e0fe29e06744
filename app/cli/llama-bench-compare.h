// `benchmark --compare-llama-bench PATH`: runs a llama-bench binary the user already has on the
// same model file, thread counts, prompt and decode lengths, and reads its JSON results, so the
// benchmark table can show llama.cpp's pp/tg beside edge-rt's prefill/decode and their ratio.
// edge-rt neither ships nor builds llama.cpp.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace edgert::cli {

/// llama-bench's mean and standard deviation, tokens/s.
struct LlamaBenchRate {
    double mean = 0, sd = 0;
};

/// Results for one thread count: prompt processing (pp = -p tokens) and text generation (tg = -n).
struct LlamaBenchResult {
    LlamaBenchRate pp, tg;
};

/// Runs `binary -m model -t T -p nPrompt -n nGen -r reps -o json` once per thread count and returns
/// the results by thread count. Throws IoError when the binary cannot be started, fails, times out
/// (timeoutSeconds per run) or prints no parseable JSON result (the message quotes its stderr tail).
std::map<int, LlamaBenchResult> runLlamaBench(const std::string& binary, const std::string& model,
                                              const std::vector<int>& threads, unsigned nPrompt, unsigned nGen,
                                              int reps, int timeoutSeconds);

}  // namespace edgert::cli
