#!/usr/bin/env bash
# Generates the fuzz seed corpora from the real files in ../shared (run by the `fuzz-seeds` build
# target): SHARED_DIR SOURCE_DIR OUT_DIR. Nothing here is committed; each target's kept
# regression inputs (tests/fuzz/regressions/<target>/) are added to its seeds too.
set -euo pipefail
shared=$1
source=$2
out=$3
models=$shared/models
rm -rf "$out"
mkdir -p "$out"
seed() { # target, file...
  local target=$1
  shift
  mkdir -p "$out/$target"
  for f in "$@"; do
    [[ -f $f ]] || {
      echo "make-seeds: missing $f" >&2
      exit 1
    }
    cp "$f" "$out/$target/$(basename "$(dirname "$f")")-$(basename "$f")"
  done
}
seed gguf "$models/stories260K.gguf" "$models/tinystories-656k-q8_0.gguf" "$models/vocab/ggml-vocab-llama-spm.gguf"
seed safetensors "$models/tinystories-656k/model.safetensors"
# The index of a checkpoint sharded in two, from the real tensor names (the fuzzer links the same
# real file under both shard names).
mkdir -p "$out/safetensors_index"
python3 - "$models/tinystories-656k/model.safetensors" >"$out/safetensors_index/two-shards.json" <<'PY'
import json, struct, sys
with open(sys.argv[1], 'rb') as f:
    n = struct.unpack('<Q', f.read(8))[0]
    names = sorted(k for k in json.loads(f.read(n)) if k != '__metadata__')
print(json.dumps({"metadata": {"total_size": 1}, "weight_map": {k: "model.safetensors" for k in names}}))
PY
mapfile -t jsons < <(find "$models" "$shared/reference" -name '*.json' -size -200k | sort | head -n 40)
seed json "${jsons[@]}"
mapfile -t tomls < <(find "$source/resources/configs" -name '*.toml' | sort)
seed config "${tomls[@]}"
seed hf_config "$models/tinystories-656k/config.json"
seed hf_tokenizer "$models/tinystories-656k/tokenizer.json"
# Tokenizer targets: the first byte picks the vocabulary, the rest is llama.cpp's tokenizer test text.
mkdir -p "$out/spm" "$out/bpe"
for pick in 0 1; do
  { printf "\\x$pick"; head -c 2048 "$models/vocab/ggml-vocab-llama-spm.gguf.inp"; } >"$out/spm/inp-$pick"
done
for pick in 0 1 2; do
  { printf "\\x$pick"; head -c 2048 "$models/vocab/ggml-vocab-gpt-2.gguf.inp"; } >"$out/bpe/inp-$pick"
done
for target in "$source"/tests/fuzz/regressions/*/; do
  t=$(basename "$target")
  mkdir -p "$out/$t"
  cp "$target"* "$out/$t/" 2>/dev/null || true
done
echo "make-seeds: $(find "$out" -type f | wc -l) seeds in $out"
