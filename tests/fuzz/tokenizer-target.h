// The body of the SPM and BPE fuzz targets: encode arbitrary bytes with a real vocabulary (with
// and without special-token parsing), check every id is in the vocabulary, decode the ids and
// stream them piece by piece.
#pragma once

#include "fuzz-support.h"

#include "edgert/gguf-reader.h"
#include "edgert/tokenizer.h"

#include <map>
#include <memory>
#include <vector>

namespace edgert::fuzz {

/// A tokenizer built once per process from ../shared/models/`vocabRelative`.
inline const Tokenizer& vocabulary(const std::string& vocabRelative)
{
    static std::map<std::string, std::unique_ptr<Tokenizer>> loaded;
    auto& tokenizer = loaded[vocabRelative];
    if (!tokenizer) tokenizer = Tokenizer::fromGguf(GgufFile(sharedModel(vocabRelative)));
    return *tokenizer;
}

inline void encodeDecode(const Tokenizer& tokenizer, const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const bool addSpecial : {false, true}) {
        expectSuccessOrError([&] {
            const std::vector<TokenId> ids = tokenizer.encode(text, addSpecial);
            for (const TokenId id : ids)
                if (id < 0 || static_cast<std::size_t>(id) >= tokenizer.vocabSize()) std::abort();
            (void)tokenizer.decode(ids);
            TextStreamer streamer(tokenizer);
            for (const TokenId id : ids) (void)streamer.push(id);
            (void)streamer.flush();
        });
    }
}

}  // namespace edgert::fuzz
