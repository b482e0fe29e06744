#include "graph/graph-builder.h"

#include "edgert/error.h"

#include <algorithm>

namespace edgert {

void Problems::throwIfAny() const
{
    if (m_list.empty()) return;
    std::string msg = m_file + ": model validation failed: ";
    for (std::size_t i = 0; i < m_list.size(); ++i) {
        if (i == 6) {
            msg += "; and " + std::to_string(m_list.size() - 6) + " more";
            break;
        }
        msg += (i ? "; " : "") + m_list[i];
    }
    throw ValidationError(msg);
}

// ---------------------------------------------------------------------------------------------
TensorTable::TensorTable(const GgufFile& gguf) : m_format(ModelFormat::Gguf)
{
    for (const auto& t : gguf.tensors()) {
        Entry e;
        e.ref = TensorRef{t.name, t.type, t.dims, &gguf.file(), t.fileOffset, t.sizeBytes};
        e.typeName = tensorTypeName(t.type);
        e.storedShape = t.dims;
        m_entries.emplace(t.name, std::move(e));
    }
}

TensorTable::TensorTable(const SafeTensorsCheckpoint& checkpoint) : m_format(ModelFormat::SafeTensors)
{
    for (const auto& [shard, t] : checkpoint.tensors()) {
        Entry e;
        const auto type = tensorTypeOf(t->dtype);
        e.computable = type.has_value();
        e.typeName = safeTensorsDtypeName(t->dtype);
        e.storedShape = t->shape;
        std::vector<std::uint64_t> dims(t->shape.rbegin(), t->shape.rend());  // row-major -> ne0 first
        e.ref = TensorRef{t->name,       type.value_or(TensorType::F32), std::move(dims), &shard->file(), t->fileOffset,
                          t->sizeBytes()};
        m_entries.emplace(t->name, std::move(e));
    }
    // torch's save_model() records removed shared tensors in __metadata__ as {removed: kept}.
    for (const auto& shard : checkpoint.shards())
        for (const auto& [key, value] : shard->metadata())
            if (!m_entries.contains(key) && m_entries.contains(value)) m_aliases.emplace(key, value);
}

const TensorTable::Entry* TensorTable::find(std::string_view name) const
{
    if (auto it = m_entries.find(name); it != m_entries.end()) return &it->second;
    if (auto a = m_aliases.find(name); a != m_aliases.end()) return find(a->second);
    return nullptr;
}

std::string TensorTable::shapeText(const std::vector<std::uint64_t>& dims)
{
    std::string s = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "]";
}

std::string TensorTable::canonicalShapeText(const std::vector<std::uint64_t>& dims) const
{
    if (m_format == ModelFormat::Gguf) return shapeText(dims);
    return shapeText(std::vector<std::uint64_t>(dims.rbegin(), dims.rend()));
}

// ---------------------------------------------------------------------------------------------
const TensorTable::Entry* GraphBuilder::require(const std::string& name, const std::vector<std::uint64_t>& expected)
{
    const auto* e = m_table.find(name);
    if (!e) {
        m_problems.add("missing tensor '" + name + "' (expected shape " + m_table.canonicalShapeText(expected) + ")");
        return nullptr;
    }
    if (e->ref.dims != expected) {
        m_problems.add("tensor '" + name + "' has shape " + TensorTable::shapeText(e->storedShape) + ", expected " +
                       m_table.canonicalShapeText(expected));
        return nullptr;
    }
    if (!e->computable || !traitsOf(e->ref.type).computeSupported) {
        m_problems.add("tensor '" + name + "' has type " + e->typeName +
                       ", which edge-rt cannot compute (supported: " + computableTypeNames() + ")");
        return nullptr;
    }
    return e;
}

std::optional<TensorRef> GraphBuilder::matrix(const std::string& name, std::uint64_t cols, std::uint64_t rows,
                                              LoadTransform transform, std::uint32_t groups)
{
    const bool transposed = transform == LoadTransform::Transpose;
    const auto* e = require(name, transposed ? std::vector<std::uint64_t>{rows, cols} : std::vector{cols, rows});
    if (!e) return std::nullopt;
    TensorRef ref = e->ref;
    if (transform != LoadTransform::None) {
        if (traitsOf(ref.type).blockElements != 1) {
            m_problems.add("tensor '" + name + "' has type " + e->typeName +
                           ", but its layout must be converted at load, which needs F32, F16 or BF16");
            return std::nullopt;
        }
        if (transform == LoadTransform::RopeHalvesToPairs &&
            (groups == 0 || rows % groups != 0 || (rows / groups) % 2 != 0)) {
            m_problems.add("tensor '" + name + "' has " + std::to_string(rows) + " rows, which do not split into " +
                           std::to_string(groups) + " heads of even size for the RoPE row permutation");
            return std::nullopt;
        }
        ref.transform = transform;
        ref.transformGroups = groups;
        ref.dims = {cols, rows};
    }
    return ref;
}

std::optional<TensorRef> GraphBuilder::vector(const std::string& name, std::uint64_t n)
{
    const auto* e = require(name, {n});
    if (!e) return std::nullopt;
    TensorRef ref = e->ref;
    if (ref.type == TensorType::F32) return ref;
    if (m_table.format() == ModelFormat::SafeTensors && (ref.type == TensorType::F16 || ref.type == TensorType::BF16)) {
        ref.transform = LoadTransform::WidenToF32;
        ref.storedType = ref.type;
        ref.type = TensorType::F32;
        ref.sizeBytes = n * sizeof(float);
        return ref;
    }
    m_problems.add("tensor '" + name + "' has type " + e->typeName + ", expected F32 for a norm weight or bias");
    return std::nullopt;
}

std::optional<TensorRef> GraphBuilder::table(const std::string& name, std::uint64_t cols, std::uint64_t rows)
{
    const auto* e = require(name, {cols, rows});
    if (!e) return std::nullopt;
    return e->ref;
}

// ---------------------------------------------------------------------------------------------
namespace {
constexpr std::uint64_t kMaxHyperParam = std::uint64_t{1} << 30;
}

std::uint32_t ggufPositive(const GgufFile& f, Problems& problems, const std::string& key,
                           std::optional<std::uint64_t> fallback)
{
    try {
        const auto v = f.has(key) || !fallback ? f.getUInt(key) : *fallback;
        if (v == 0 || v > kMaxHyperParam) {
            problems.add("hyper-parameter '" + key + "' = " + std::to_string(v) + " is out of range");
            return 0;
        }
        return static_cast<std::uint32_t>(v);
    } catch (const FormatError&) {
        problems.add("missing or non-integer hyper-parameter '" + key + "'");
        return 0;
    }
}

std::uint32_t configPositive(const HfConfig& config, Problems& problems, const std::string& key,
                             std::optional<std::uint64_t> fallback)
{
    try {
        const auto v = config.findUInt(key);
        if (!v && !fallback) {
            problems.add("config.json has no '" + key + "'");
            return 0;
        }
        const auto value = v.value_or(fallback.value_or(0));
        if (value == 0 || value > kMaxHyperParam) {
            problems.add("config.json " + config.describe(key) + " is out of range");
            return 0;
        }
        return static_cast<std::uint32_t>(value);
    } catch (const FormatError& e) {
        problems.add(e.what());
        return 0;
    }
}

}  // namespace edgert
