#include "edgert/gguf-writer.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <utility>

#include "edgert/error.h"
#include "io/atomic-file.h"

namespace edgert {

static_assert(std::endian::native == std::endian::little, "edge-rt writes little-endian GGUF in place");

namespace {

constexpr std::uint32_t kGgufMagic = 0x46554747;  // "GGUF" little-endian
constexpr std::uint32_t kGgufVersion = 3;
constexpr std::uint32_t kMaxDims = 4;  // GGML_MAX_DIMS
constexpr std::string_view kAlignmentKey = "general.alignment";

// resize + memcpy rather than vector::insert: GCC 12 reports a false -Wstringop-overflow for
// single-byte inserts.
void appendBytes(std::vector<std::byte>& out, const void* data, std::size_t length)
{
    if (length == 0) return;
    const auto at = out.size();
    out.resize(at + length);
    std::memcpy(out.data() + at, data, length);
}

template <typename T>
void append(std::vector<std::byte>& out, T value)
{
    appendBytes(out, &value, sizeof(T));
}

void appendString(std::vector<std::byte>& out, std::string_view s)
{
    append<std::uint64_t>(out, s.size());
    appendBytes(out, s.data(), s.size());
}

std::uint64_t alignUp(std::uint64_t offset, std::uint64_t alignment)
{
    return (offset + alignment - 1) / alignment * alignment;
}

std::string quoted(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

std::string shapeOf(const std::vector<std::uint64_t>& dims)
{
    std::string s = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "]";
}

}  // namespace

// ---- metadata --------------------------------------------------------------------------------

void GgufWriter::put(std::string_view key, GgufType type, std::vector<std::byte> payload)
{
    if (key.empty()) throw UsageError("GGUF writer: metadata key is empty");
    if (key.size() > kMaxKeyBytes)
        throw UsageError("GGUF writer: metadata key of " + std::to_string(key.size()) + " bytes is longer than " +
                         std::to_string(kMaxKeyBytes));
    if (std::any_of(key.begin(), key.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; }))
        throw UsageError("GGUF writer: metadata key " + quoted(key) + " is not ASCII");
    if (key == kAlignmentKey) {
        std::uint64_t value = 0;
        if (type == GgufType::UInt32) {
            std::uint32_t v32 = 0;
            std::memcpy(&v32, payload.data(), sizeof v32);
            value = v32;
        } else if (type == GgufType::UInt64) {
            std::memcpy(&value, payload.data(), sizeof value);
        } else {
            throw UsageError(std::string("GGUF writer: general.alignment must be uint32, not ") + ggufTypeName(type));
        }
        if (value < 8 || !std::has_single_bit(value))
            throw UsageError("GGUF writer: general.alignment " + std::to_string(value) +
                             " is not a power of two of at least 8");
    }
    for (auto& e : m_metadata) {
        if (e.key == key) {
            e.type = type;
            e.payload = std::move(payload);
            return;
        }
    }
    m_metadata.push_back(Entry{std::string(key), type, std::move(payload)});
}

namespace {
template <typename T>
std::vector<std::byte> scalar(T value)
{
    std::vector<std::byte> out;
    append(out, value);
    return out;
}

std::vector<std::byte> arrayHeader(GgufType elementType, std::uint64_t count)
{
    std::vector<std::byte> out;
    append(out, static_cast<std::uint32_t>(elementType));
    append(out, count);
    return out;
}
}  // namespace

void GgufWriter::setUInt8(std::string_view key, std::uint8_t v)
{
    put(key, GgufType::UInt8, scalar(v));
}
void GgufWriter::setInt8(std::string_view key, std::int8_t v)
{
    put(key, GgufType::Int8, scalar(v));
}
void GgufWriter::setUInt16(std::string_view key, std::uint16_t v)
{
    put(key, GgufType::UInt16, scalar(v));
}
void GgufWriter::setInt16(std::string_view key, std::int16_t v)
{
    put(key, GgufType::Int16, scalar(v));
}
void GgufWriter::setUInt32(std::string_view key, std::uint32_t v)
{
    put(key, GgufType::UInt32, scalar(v));
}
void GgufWriter::setInt32(std::string_view key, std::int32_t v)
{
    put(key, GgufType::Int32, scalar(v));
}
void GgufWriter::setUInt64(std::string_view key, std::uint64_t v)
{
    put(key, GgufType::UInt64, scalar(v));
}
void GgufWriter::setInt64(std::string_view key, std::int64_t v)
{
    put(key, GgufType::Int64, scalar(v));
}
void GgufWriter::setFloat32(std::string_view key, float v)
{
    put(key, GgufType::Float32, scalar(v));
}
void GgufWriter::setFloat64(std::string_view key, double v)
{
    put(key, GgufType::Float64, scalar(v));
}
void GgufWriter::setBool(std::string_view key, bool v)
{
    put(key, GgufType::Bool, scalar(static_cast<std::uint8_t>(v ? 1 : 0)));
}
void GgufWriter::setString(std::string_view key, std::string_view v)
{
    std::vector<std::byte> payload;
    appendString(payload, v);
    put(key, GgufType::String, std::move(payload));
}

void GgufWriter::setStringArray(std::string_view key, std::span<const std::string> values)
{
    auto payload = arrayHeader(GgufType::String, values.size());
    for (const auto& s : values) appendString(payload, s);
    put(key, GgufType::Array, std::move(payload));
}

template <typename T>
void GgufWriter::putScalarArray(std::string_view key, GgufType elementType, std::span<const T> values)
{
    auto payload = arrayHeader(elementType, values.size());
    payload.reserve(payload.size() + values.size_bytes());
    for (const T v : values) append(payload, v);
    put(key, GgufType::Array, std::move(payload));
}

void GgufWriter::setFloat32Array(std::string_view key, std::span<const float> v)
{
    putScalarArray(key, GgufType::Float32, v);
}
void GgufWriter::setInt32Array(std::string_view key, std::span<const std::int32_t> v)
{
    putScalarArray(key, GgufType::Int32, v);
}
void GgufWriter::setUInt8Array(std::string_view key, std::span<const std::uint8_t> v)
{
    putScalarArray(key, GgufType::UInt8, v);
}
void GgufWriter::setInt8Array(std::string_view key, std::span<const std::int8_t> v)
{
    putScalarArray(key, GgufType::Int8, v);
}
void GgufWriter::setUInt16Array(std::string_view key, std::span<const std::uint16_t> v)
{
    putScalarArray(key, GgufType::UInt16, v);
}
void GgufWriter::setInt16Array(std::string_view key, std::span<const std::int16_t> v)
{
    putScalarArray(key, GgufType::Int16, v);
}
void GgufWriter::setUInt32Array(std::string_view key, std::span<const std::uint32_t> v)
{
    putScalarArray(key, GgufType::UInt32, v);
}
void GgufWriter::setUInt64Array(std::string_view key, std::span<const std::uint64_t> v)
{
    putScalarArray(key, GgufType::UInt64, v);
}
void GgufWriter::setInt64Array(std::string_view key, std::span<const std::int64_t> v)
{
    putScalarArray(key, GgufType::Int64, v);
}
void GgufWriter::setFloat64Array(std::string_view key, std::span<const double> v)
{
    putScalarArray(key, GgufType::Float64, v);
}
void GgufWriter::setBoolArray(std::string_view key, std::span<const bool> values)
{
    auto payload = arrayHeader(GgufType::Bool, values.size());
    for (const bool b : values) append<std::uint8_t>(payload, b ? 1 : 0);
    put(key, GgufType::Array, std::move(payload));
}

void GgufWriter::setAlignment(std::uint32_t alignmentBytes)
{
    setUInt32(kAlignmentKey, alignmentBytes);
}

std::uint64_t GgufWriter::alignment() const
{
    for (const auto& e : m_metadata) {
        if (e.key != kAlignmentKey) continue;
        // put() accepted only a uint32 or uint64 power of two.
        if (e.type == GgufType::UInt32) {
            std::uint32_t v = 0;
            std::memcpy(&v, e.payload.data(), sizeof v);
            return v;
        }
        std::uint64_t v = 0;
        std::memcpy(&v, e.payload.data(), sizeof v);
        return v;
    }
    return kDefaultAlignment;
}

bool GgufWriter::hasKey(std::string_view key) const
{
    return std::any_of(m_metadata.begin(), m_metadata.end(), [&](const Entry& e) { return e.key == key; });
}

bool GgufWriter::removeKey(std::string_view key)
{
    const auto it = std::find_if(m_metadata.begin(), m_metadata.end(), [&](const Entry& e) { return e.key == key; });
    if (it == m_metadata.end()) return false;
    m_metadata.erase(it);
    return true;
}

void GgufWriter::copyMetadata(const GgufFile& from, const KeyPredicate& predicate)
{
    // GgufFile keeps its metadata in a map; the value offsets give back the file order.
    std::vector<std::pair<const std::string*, const GgufValue*>> entries;
    entries.reserve(from.metadata().size());
    for (const auto& [key, value] : from.metadata())
        if (!predicate || predicate(key)) entries.emplace_back(&key, &value);
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.second->fileOffset < b.second->fileOffset; });

    const auto bytes = from.file().bytes();
    for (const auto& [key, value] : entries) {
        const auto& v = value->value;
        std::vector<std::byte> payload;
        switch (value->type) {
            case GgufType::UInt8: payload = scalar(static_cast<std::uint8_t>(std::get<std::uint64_t>(v))); break;
            case GgufType::UInt16: payload = scalar(static_cast<std::uint16_t>(std::get<std::uint64_t>(v))); break;
            case GgufType::UInt32: payload = scalar(static_cast<std::uint32_t>(std::get<std::uint64_t>(v))); break;
            case GgufType::UInt64: payload = scalar(std::get<std::uint64_t>(v)); break;
            case GgufType::Int8: payload = scalar(static_cast<std::int8_t>(std::get<std::int64_t>(v))); break;
            case GgufType::Int16: payload = scalar(static_cast<std::int16_t>(std::get<std::int64_t>(v))); break;
            case GgufType::Int32: payload = scalar(static_cast<std::int32_t>(std::get<std::int64_t>(v))); break;
            case GgufType::Int64: payload = scalar(std::get<std::int64_t>(v)); break;
            // The reader widened the float32 to double; narrowing it back is exact.
            case GgufType::Float32: payload = scalar(static_cast<float>(std::get<double>(v))); break;
            case GgufType::Float64: payload = scalar(std::get<double>(v)); break;
            case GgufType::Bool: payload = scalar(static_cast<std::uint8_t>(std::get<bool>(v) ? 1 : 0)); break;
            case GgufType::String: appendString(payload, std::get<std::string_view>(v)); break;
            case GgufType::Array: {
                // The reader validated the array in place; its element bytes are copied unchanged.
                const auto& a = std::get<GgufArrayRef>(v);
                payload = arrayHeader(a.elementType, a.count);
                appendBytes(payload, bytes.data() + a.fileOffset, a.byteSize);
                break;
            }
        }
        put(*key, value->type, std::move(payload));
    }
}

// ---- tensors ---------------------------------------------------------------------------------

GgufWriter::Tensor& GgufWriter::addTensorInfo(std::string name, std::vector<std::uint64_t> dims, TensorType type)
{
    const std::string what = "GGUF writer: tensor " + quoted(name);
    if (name.empty()) throw UsageError("GGUF writer: tensor name is empty");
    if (name.size() > kMaxTensorNameBytes)
        throw UsageError(what + ": name of " + std::to_string(name.size()) + " bytes is longer than " +
                         std::to_string(kMaxTensorNameBytes));
    for (const auto& t : m_tensors)
        if (t.name == name) throw UsageError(what + " was already added");
    if (dims.empty() || dims.size() > kMaxDims)
        throw UsageError(what + ": " + std::to_string(dims.size()) + " dimensions, expected 1.." +
                         std::to_string(kMaxDims));
    const auto traits = tensorTypeTraits(static_cast<std::uint32_t>(type));
    if (!traits)
        throw UsageError(what + ": unknown tensor type id " + std::to_string(static_cast<std::uint32_t>(type)));
    std::uint64_t elements = 1;
    for (const auto d : dims) {
        if (d == 0) throw UsageError(what + ": shape " + shapeOf(dims) + " has a zero dimension");
        if (elements > std::numeric_limits<std::uint64_t>::max() / d)
            throw UsageError(what + ": shape " + shapeOf(dims) + " overflows the element count");
        elements *= d;
    }
    if (dims[0] % traits->blockElements != 0)
        throw UsageError(what + ": row length " + std::to_string(dims[0]) + " is not a multiple of the " +
                         traits->name + " block size " + std::to_string(traits->blockElements));
    const std::uint64_t blocks = elements / traits->blockElements;
    if (blocks > std::numeric_limits<std::uint64_t>::max() / 2 / traits->blockBytes)
        throw UsageError(what + ": shape " + shapeOf(dims) + " overflows the byte size");
    m_tensors.push_back(Tensor{std::move(name), std::move(dims), type, blocks * traits->blockBytes, {}, {}});
    return m_tensors.back();
}

void GgufWriter::addTensor(std::string name, std::vector<std::uint64_t> dims, TensorType type,
                           std::span<const std::byte> data)
{
    auto& t = addTensorInfo(std::move(name), std::move(dims), type);
    if (data.size() != t.sizeBytes) {
        const std::string why = "GGUF writer: tensor " + quoted(t.name) + ": data is " + std::to_string(data.size()) +
                                " bytes, but " + shapeOf(t.dims) + " " + tensorTypeName(type) + " needs " +
                                std::to_string(t.sizeBytes);
        m_tensors.pop_back();
        throw UsageError(why);
    }
    t.data.assign(data.begin(), data.end());
}

void GgufWriter::addTensor(std::string name, std::vector<std::uint64_t> dims, TensorType type, Fill fill)
{
    if (!fill) throw UsageError("GGUF writer: tensor " + quoted(name) + " has no fill function");
    addTensorInfo(std::move(name), std::move(dims), type).fill = std::move(fill);
}

// ---- layout and writing ----------------------------------------------------------------------

std::vector<std::uint64_t> GgufWriter::relativeOffsets() const
{
    const auto align = alignment();
    std::vector<std::uint64_t> offsets;
    offsets.reserve(m_tensors.size());
    std::uint64_t next = 0;
    for (const auto& t : m_tensors) {
        offsets.push_back(next);
        next += alignUp(t.sizeBytes, align);
    }
    return offsets;
}

std::uint64_t GgufWriter::headerSizeBytes() const
{
    std::uint64_t size = 4 + 4 + 8 + 8;
    for (const auto& e : m_metadata) size += 8 + e.key.size() + 4 + e.payload.size();
    for (const auto& t : m_tensors) size += 8 + t.name.size() + 4 + 8 * t.dims.size() + 4 + 8;
    return size;
}

std::uint64_t GgufWriter::fileSizeBytes() const
{
    if (m_tensors.empty()) return headerSizeBytes();
    const auto align = alignment();
    std::uint64_t size = alignUp(headerSizeBytes(), align);
    for (const auto& t : m_tensors) size += alignUp(t.sizeBytes, align);
    return size;
}

std::vector<std::byte> GgufWriter::encodeHeader(const std::vector<std::uint64_t>& offsets) const
{
    std::vector<std::byte> out;
    out.reserve(headerSizeBytes());
    append(out, kGgufMagic);
    append(out, kGgufVersion);
    append<std::uint64_t>(out, m_tensors.size());
    append<std::uint64_t>(out, m_metadata.size());
    for (const auto& e : m_metadata) {
        appendString(out, e.key);
        append(out, static_cast<std::uint32_t>(e.type));
        appendBytes(out, e.payload.data(), e.payload.size());
    }
    for (std::size_t i = 0; i < m_tensors.size(); ++i) {
        const auto& t = m_tensors[i];
        appendString(out, t.name);
        append(out, static_cast<std::uint32_t>(t.dims.size()));
        for (const auto d : t.dims) append(out, d);
        append(out, static_cast<std::uint32_t>(t.type));
        append(out, offsets[i]);
    }
    return out;
}

void GgufWriter::write(const std::string& path) const
{
    const auto align = alignment();
    const auto offsets = relativeOffsets();
    const auto header = encodeHeader(offsets);

    AtomicFile file(path);
    file.write(header.data(), header.size());
    if (!m_tensors.empty()) file.writeZeros(alignUp(header.size(), align) - header.size());

    std::vector<std::byte> chunk;
    for (const auto& t : m_tensors) {
        if (t.fill) {
            const auto blockBytes = traitsOf(t.type).blockBytes;
            const auto chunkBytes = std::min<std::uint64_t>(kMaxChunkBytes / blockBytes * blockBytes, t.sizeBytes);
            if (chunk.size() < chunkBytes) chunk.resize(static_cast<std::size_t>(chunkBytes));
            for (std::uint64_t done = 0; done < t.sizeBytes;) {
                const auto n = static_cast<std::size_t>(std::min(chunkBytes, t.sizeBytes - done));
                const std::span<std::byte> span(chunk.data(), n);
                std::fill(span.begin(), span.end(), std::byte{0});
                t.fill(done, span);
                file.write(span.data(), span.size());
                done += n;
            }
        } else {
            file.write(t.data.data(), t.data.size());
        }
        file.writeZeros(alignUp(t.sizeBytes, align) - t.sizeBytes);
    }
    file.commit();
}

}  // namespace edgert
