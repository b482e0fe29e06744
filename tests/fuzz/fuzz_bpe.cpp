// Byte-level BPE encode/decode on the real GPT-2, LLaMA-3 (llama-bpe) and Qwen2 vocabularies
// (llama.cpp's ggml-vocab-*.gguf): the first input byte picks the vocabulary, the rest is the text.
#include "tokenizer-target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    static const char* const kVocabularies[] = {"vocab/ggml-vocab-gpt-2.gguf", "vocab/ggml-vocab-llama-bpe.gguf",
                                                "vocab/ggml-vocab-qwen2.gguf"};
    edgert::fuzz::encodeDecode(edgert::fuzz::vocabulary(kVocabularies[data[0] % 3]), data + 1, size - 1);
    return 0;
}
