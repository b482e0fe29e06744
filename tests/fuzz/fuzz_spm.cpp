// SentencePiece (SPM) encode/decode on the real LLaMA vocabulary (llama.cpp's ggml-vocab-llama-spm)
// and on stories260K's 512-token vocabulary.
#include "tokenizer-target.h"

// Loads both vocabularies before the first input, outside the per-input timeout.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
    (void)edgert::fuzz::vocabulary("vocab/ggml-vocab-llama-spm.gguf");
    (void)edgert::fuzz::vocabulary("stories260K.gguf");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    const char* vocab = data[0] % 2 ? "vocab/ggml-vocab-llama-spm.gguf" : "stories260K.gguf";
    edgert::fuzz::encodeDecode(edgert::fuzz::vocabulary(vocab), data + 1, size - 1);
    return 0;
}
