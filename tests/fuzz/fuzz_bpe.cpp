// Byte-level BPE encode/decode on the real GPT-2, LLaMA-3 (llama-bpe) and Qwen2 vocabularies
// (llama.cpp's ggml-vocab-*.gguf): the first input byte picks the vocabulary, the rest is the text.
#include "tokenizer-target.h"

namespace {
const char* const kVocabularies[] = {"vocab/ggml-vocab-gpt-2.gguf", "vocab/ggml-vocab-llama-bpe.gguf",
                                     "vocab/ggml-vocab-qwen2.gguf"};
}

// Loads the vocabularies before the first input (libFuzzer calls this once): building the merge
// tables of a 128K-token vocabulary under ASan takes seconds, which the per-input timeout must
// not count.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
    for (const char* vocab : kVocabularies) (void)edgert::fuzz::vocabulary(vocab);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    edgert::fuzz::encodeDecode(edgert::fuzz::vocabulary(kVocabularies[data[0] % 3]), data + 1, size - 1);
    return 0;
}
