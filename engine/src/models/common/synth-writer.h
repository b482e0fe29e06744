// What every architecture's synthetic writer (models/<arch>/<arch>-synth.cpp) uses: the GGUF
// writer with the general.* and tokenizer.* keys already set, and random tensors by role.
#pragma once

#include "edgert/gguf-reader.h"
#include "edgert/gguf-writer.h"
#include "edgert/quantize.h"
#include "edgert/synth.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace edgert {

class SynthWriter {
public:
    SynthWriter(GgufWriter& writer, const SynthOptions& options, const GgufFile& vocab);

    GgufWriter& gguf() { return m_writer; }
    const SynthShape& shape() const { return m_options.shape; }
    const GgufFile& vocab() const { return m_vocab; }
    /// Rows of token_embd (the vocab's token count).
    std::uint64_t vocabSize() const { return m_vocabSize; }

    /// Copies the vocab's tokenizer.* keys.
    void copyTokenizer();
    /// The hyper-parameters every decoder writes under "<arch>.": context_length,
    /// embedding_length, feed_forward_length, block_count, attention.head_count(_kv),
    /// rope.dimension_count (the head size), rope.freq_base, attention.layer_norm_rms_epsilon.
    void decoderKeys(const std::string& arch);

    /// A (rows, cols) matrix of the options' type (or the mixture's type for `name`), uniform
    /// with standard deviation 1/sqrt(cols). Throws UsageError when cols fits no type.
    void matrix(const std::string& name, std::uint64_t cols, std::uint64_t rows);
    /// n F32 values mean ± uniform noise of `stddev` (biases; stddev 0 for constant norms).
    void randomVector(const std::string& name, std::uint64_t n, float mean, float stddev);
    /// The same for an F32 tensor of any dims (ne0 first): GPT-2's position_embd.
    void randomF32(const std::string& name, std::vector<std::uint64_t> dims, float mean, float stddev);
    /// n F32 values all `value` (norm weights), without consuming a random stream.
    void constantVector(const std::string& name, std::uint64_t n, float value);
    /// An F32 vector with the given values (rope_freqs.weight).
    void valuesVector(const std::string& name, std::vector<float> values);

private:
    GgufWriter& m_writer;
    const SynthOptions& m_options;
    const GgufFile& m_vocab;
    std::uint64_t m_vocabSize;
    std::uint64_t m_key;
    std::optional<QuantFileType> m_mixture;
    QuantModelInfo m_model;
};

}  // namespace edgert
