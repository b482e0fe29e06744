// Synthetic GPT-2 models: a GGUF with the exact shape of a released GPT-2 (llama.cpp's gpt2
// architecture and tensor names) and random weights, with the real GPT-2 vocabulary copied from a
// vocab GGUF (../shared/models/vocab/ggml-vocab-gpt-2.gguf), for speed and memory runs at real
// sizes: no trained GPT-2 weights can be had on these machines. The generated text is meaningless.
//
// CLI: `edge-rt synth --arch gpt2 --shape gpt2-124m -o gpt2.gguf` is meant to call
// writeSyntheticGpt2() (the synth command lives in app/cli/cmd-synth.cpp).
#pragma once

#include "edgert/synth.h"
