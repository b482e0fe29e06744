#include "edgert/gguf-reader.h"

#include "edgert/error.h"
#include "io/byte-cursor.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace edgert {

namespace {

constexpr std::uint32_t kGgufMagic = 0x46554747;  // "GGUF" little-endian
constexpr std::uint32_t kMaxDims = 4;             // GGML_MAX_DIMS
constexpr std::uint32_t kMaxArrayNesting = 8;

std::uint64_t scalarSize(GgufType t)
{
    switch (t) {
        case GgufType::UInt8:
        case GgufType::Int8:
        case GgufType::Bool: return 1;
        case GgufType::UInt16:
        case GgufType::Int16: return 2;
        case GgufType::UInt32:
        case GgufType::Int32:
        case GgufType::Float32: return 4;
        case GgufType::UInt64:
        case GgufType::Int64:
        case GgufType::Float64: return 8;
        case GgufType::String:
        case GgufType::Array: return 0;
    }
    return 0;
}

// a + b in decimal, exact even when the sum does not fit 64 bits (for error messages).
std::string addText(std::uint64_t a, std::uint64_t b)
{
    if (a <= ~std::uint64_t{0} - b) return std::to_string(a + b);
    return std::to_string(a) + "+" + std::to_string(b);
}

bool validType(std::uint32_t t)
{
    return t <= static_cast<std::uint32_t>(GgufType::Float64);
}

std::string_view readString(ByteCursor& c, const char* what)
{
    const auto length = c.read<std::uint64_t>();
    if (length > c.remaining())
        c.fail(std::string(what) + " length " + std::to_string(length) + " exceeds the " +
               std::to_string(c.remaining()) + " bytes left in the file");
    return c.readView(length);
}

// Skips (validating) an array body of `count` elements of `type`; returns its byte size.
void skipArray(ByteCursor& c, GgufType type, std::uint64_t count, std::uint32_t depth)
{
    if (depth > kMaxArrayNesting) c.fail("arrays nested deeper than " + std::to_string(kMaxArrayNesting));
    if (const auto size = scalarSize(type); size > 0) {
        if (count > c.remaining() / size)
            c.fail("array of " + std::to_string(count) + " " + ggufTypeName(type) + " elements exceeds the " +
                   std::to_string(c.remaining()) + " bytes left in the file");
        c.skip(count * size);
        return;
    }
    // Strings or nested arrays: each element needs at least 8 bytes (a length or header).
    if (count > c.remaining() / 8)
        c.fail("array count " + std::to_string(count) + " is larger than the file could hold");
    for (std::uint64_t i = 0; i < count; ++i) {
        if (type == GgufType::String) {
            readString(c, "array string");
        } else {
            const auto inner = c.read<std::uint32_t>();
            if (!validType(inner)) c.fail("unknown array element type " + std::to_string(inner));
            const auto innerCount = c.read<std::uint64_t>();
            skipArray(c, static_cast<GgufType>(inner), innerCount, depth + 1);
        }
    }
}

GgufValue readValue(ByteCursor& c, GgufType type)
{
    GgufValue v{type, std::uint64_t{0}, c.offset()};
    switch (type) {
        case GgufType::UInt8: v.value = std::uint64_t{c.read<std::uint8_t>()}; break;
        case GgufType::UInt16: v.value = std::uint64_t{c.read<std::uint16_t>()}; break;
        case GgufType::UInt32: v.value = std::uint64_t{c.read<std::uint32_t>()}; break;
        case GgufType::UInt64: v.value = c.read<std::uint64_t>(); break;
        case GgufType::Int8: v.value = std::int64_t{c.read<std::int8_t>()}; break;
        case GgufType::Int16: v.value = std::int64_t{c.read<std::int16_t>()}; break;
        case GgufType::Int32: v.value = std::int64_t{c.read<std::int32_t>()}; break;
        case GgufType::Int64: v.value = c.read<std::int64_t>(); break;
        case GgufType::Float32: v.value = double{c.read<float>()}; break;
        case GgufType::Float64: v.value = c.read<double>(); break;
        case GgufType::Bool: {
            const auto b = c.read<std::uint8_t>();
            if (b > 1) c.fail("bool value " + std::to_string(b) + " is neither 0 nor 1");
            v.value = b != 0;
            break;
        }
        case GgufType::String: v.value = readString(c, "string"); break;
        case GgufType::Array: {
            const auto elementType = c.read<std::uint32_t>();
            if (!validType(elementType)) c.fail("unknown array element type " + std::to_string(elementType));
            const auto count = c.read<std::uint64_t>();
            const auto start = c.offset();
            skipArray(c, static_cast<GgufType>(elementType), count, 1);
            v.value = GgufArrayRef{static_cast<GgufType>(elementType), count, start, c.offset() - start};
            break;
        }
    }
    return v;
}

std::string keyError(const std::string& file, std::string_view key, const std::string& why)
{
    return file + ": metadata key '" + std::string(key) + "' " + why;
}

}  // namespace

const char* ggufTypeName(GgufType type)
{
    switch (type) {
        case GgufType::UInt8: return "uint8";
        case GgufType::Int8: return "int8";
        case GgufType::UInt16: return "uint16";
        case GgufType::Int16: return "int16";
        case GgufType::UInt32: return "uint32";
        case GgufType::Int32: return "int32";
        case GgufType::Float32: return "float32";
        case GgufType::Bool: return "bool";
        case GgufType::String: return "string";
        case GgufType::Array: return "array";
        case GgufType::UInt64: return "uint64";
        case GgufType::Int64: return "int64";
        case GgufType::Float64: return "float64";
    }
    return "?";
}

std::uint64_t GgufTensorInfo::elementCount() const
{
    std::uint64_t n = 1;
    for (auto d : dims) n *= d;
    return n;
}

std::string GgufTensorInfo::shapeString() const
{
    std::string s = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "]";
}

GgufFile::GgufFile(const std::string& path) : m_file(path)
{
    parse();
}

void GgufFile::parse()
{
    ByteCursor c(m_file.bytes(), m_file.path());
    c.setContext("the GGUF header");
    if (c.remaining() < 4) c.fail("file is too small to be GGUF (" + std::to_string(c.size()) + " bytes)");
    const auto magic = c.read<std::uint32_t>();
    if (magic != kGgufMagic) {
        char shown[32];
        std::snprintf(shown, sizeof shown, "0x%08x", magic);
        c.seek(0);
        c.fail(std::string("bad magic ") + shown + ", expected \"GGUF\" — not a GGUF file");
    }
    m_version = c.read<std::uint32_t>();
    if (m_version < 2 || m_version > 3)
        c.fail("unsupported GGUF version " + std::to_string(m_version) + " (edge-rt reads versions 2 and 3)");
    const auto tensorCount = c.read<std::uint64_t>();
    const auto kvCount = c.read<std::uint64_t>();
    // Smallest possible entries: a kv is 8 (key length) + 4 (type) + 1; a tensor info 8 + 4 + 4 + 8.
    if (kvCount > c.remaining() / 13)
        c.fail("metadata count " + std::to_string(kvCount) + " is larger than the file could hold");
    if (tensorCount > c.remaining() / 24)
        c.fail("tensor count " + std::to_string(tensorCount) + " is larger than the file could hold");

    for (std::uint64_t i = 0; i < kvCount; ++i) {
        c.setContext("metadata entry #" + std::to_string(i));
        const std::string key(readString(c, "key"));
        c.setContext("metadata key '" + key + "'");
        const auto type = c.read<std::uint32_t>();
        if (!validType(type)) c.fail("unknown metadata value type " + std::to_string(type));
        GgufValue value = readValue(c, static_cast<GgufType>(type));
        if (!m_metadata.emplace(key, value).second) c.fail("duplicate metadata key");
    }

    if (const auto* a = find("general.alignment")) {
        if (a->type != GgufType::UInt32 && a->type != GgufType::UInt64)
            throw FormatError(keyError(path(), "general.alignment", "must be an unsigned integer"));
        m_alignment = std::get<std::uint64_t>(a->value);
        if (m_alignment == 0 || (m_alignment & (m_alignment - 1)) != 0)
            throw FormatError(
                keyError(path(), "general.alignment", "is " + std::to_string(m_alignment) + ", not a power of two"));
    }

    // tensorCount is so far only bounded by the file size: a corrupt count in a multi-GB file must not
    // reserve gigabytes (std::bad_alloc would escape as a non-FormatError). Grow as infos parse.
    const auto reserved = static_cast<std::size_t>(std::min<std::uint64_t>(tensorCount, 4096));
    m_tensors.reserve(reserved);
    std::vector<std::uint64_t> relativeOffsets;
    relativeOffsets.reserve(reserved);
    for (std::uint64_t i = 0; i < tensorCount; ++i) {
        c.setContext("tensor info #" + std::to_string(i));
        GgufTensorInfo t;
        t.name = std::string(readString(c, "tensor name"));
        c.setContext("tensor info #" + std::to_string(i) + " '" + t.name + "'");
        const auto nDims = c.read<std::uint32_t>();
        if (nDims == 0 || nDims > kMaxDims)
            c.fail("dimension count " + std::to_string(nDims) + " is outside 1.." + std::to_string(kMaxDims));
        std::uint64_t elements = 1;
        for (std::uint32_t d = 0; d < nDims; ++d) {
            const auto dim = c.read<std::uint64_t>();
            if (dim == 0 || dim > (std::uint64_t{1} << 40)) c.fail("dimension " + std::to_string(dim) + " is invalid");
            if (elements > std::numeric_limits<std::uint64_t>::max() / dim) c.fail("element count overflows");
            elements *= dim;
            t.dims.push_back(dim);
        }
        const auto typeId = c.read<std::uint32_t>();
        const auto traits = tensorTypeTraits(typeId);
        if (!traits) c.fail("unknown tensor type id " + std::to_string(typeId));
        t.type = static_cast<TensorType>(typeId);
        if (t.dims[0] % traits->blockElements != 0)
            c.fail("row length " + std::to_string(t.dims[0]) + " is not a multiple of the " + traits->name +
                   " block size " + std::to_string(traits->blockElements));
        if (elements / traits->blockElements > std::numeric_limits<std::uint64_t>::max() / traits->blockBytes)
            c.fail("byte size overflows");
        t.sizeBytes = elements / traits->blockElements * traits->blockBytes;
        const auto offset = c.read<std::uint64_t>();
        if (offset % m_alignment != 0)
            c.fail("data offset " + std::to_string(offset) + " is not a multiple of the alignment " +
                   std::to_string(m_alignment));
        relativeOffsets.push_back(offset);
        if (!m_tensorIndex.emplace(t.name, m_tensors.size()).second) c.fail("duplicate tensor name");
        m_tensors.push_back(std::move(t));
    }

    c.setContext("tensor data");
    const std::uint64_t headerEnd = c.offset();
    m_dataOffset = (headerEnd + m_alignment - 1) / m_alignment * m_alignment;
    if (m_dataOffset > m_file.sizeBytes() && !m_tensors.empty())
        c.fail("data section starts at " + std::to_string(m_dataOffset) + ", past the end of the file (" +
               std::to_string(m_file.sizeBytes()) + " bytes)");

    for (std::size_t i = 0; i < m_tensors.size(); ++i) {
        auto& t = m_tensors[i];
        const auto rel = relativeOffsets[i];
        const auto available = m_file.sizeBytes() - std::min(m_file.sizeBytes(), m_dataOffset);
        if (rel > available || t.sizeBytes > available - rel)
            throw FormatError(path() + ": tensor '" + t.name + "' data [" + addText(m_dataOffset, rel) + ", " +
                              addText(m_dataOffset + std::min(rel, ~std::uint64_t{0} - m_dataOffset), t.sizeBytes) +
                              ") is past the end of the file (" + std::to_string(m_file.sizeBytes()) +
                              " bytes) — file truncated?");
        t.fileOffset = m_dataOffset + rel;
    }

    // A tensor's byte size follows from its type and shape; tensors stored with other sizes (a
    // wrong type id, a patched shape, a writer that disagrees about a block size) overlap the
    // tensor after them. llama.cpp refuses such files too (it requires consecutive offsets).
    std::vector<std::size_t> byOffset(m_tensors.size());
    for (std::size_t i = 0; i < byOffset.size(); ++i) byOffset[i] = i;
    std::sort(byOffset.begin(), byOffset.end(),
              [&](std::size_t a, std::size_t b) { return relativeOffsets[a] < relativeOffsets[b]; });
    for (std::size_t k = 0; k + 1 < byOffset.size(); ++k) {
        const auto& t = m_tensors[byOffset[k]];
        const auto& next = m_tensors[byOffset[k + 1]];
        if (t.sizeBytes > 0 && next.fileOffset - t.fileOffset < t.sizeBytes)
            throw FormatError(path() + ": tensor '" + t.name + "' (" + tensorTypeName(t.type) + " " + t.shapeString() +
                              ", " + std::to_string(t.sizeBytes) + " bytes at byte offset " +
                              std::to_string(t.fileOffset) + ") overlaps tensor '" + next.name + "' at byte offset " +
                              std::to_string(next.fileOffset) + ": its byte size does not match its type and shape");
        const std::uint64_t paddedEnd = (t.fileOffset + t.sizeBytes + m_alignment - 1) / m_alignment * m_alignment;
        if (next.fileOffset > paddedEnd)
            throw FormatError(path() + ": tensor '" + t.name + "' (" + tensorTypeName(t.type) + " " + t.shapeString() +
                              ", " + std::to_string(t.sizeBytes) + " bytes at byte offset " +
                              std::to_string(t.fileOffset) + ") is followed by " +
                              std::to_string(next.fileOffset - paddedEnd) + " unused bytes before tensor '" +
                              next.name + "': its byte size does not match its type and shape");
    }
}

const GgufValue* GgufFile::find(std::string_view key) const
{
    auto it = m_metadata.find(key);
    return it == m_metadata.end() ? nullptr : &it->second;
}

const GgufValue& GgufFile::require(std::string_view key) const
{
    const auto* v = find(key);
    if (!v) throw FormatError(keyError(path(), key, "is missing"));
    return *v;
}

std::uint64_t GgufFile::getUInt(std::string_view key) const
{
    const auto& v = require(key);
    if (const auto* u = std::get_if<std::uint64_t>(&v.value)) return *u;
    if (const auto* s = std::get_if<std::int64_t>(&v.value)) {
        if (*s < 0) throw FormatError(keyError(path(), key, "is negative (" + std::to_string(*s) + ")"));
        return static_cast<std::uint64_t>(*s);
    }
    throw FormatError(keyError(path(), key, std::string("has type ") + ggufTypeName(v.type) + ", expected an integer"));
}

std::int64_t GgufFile::getInt(std::string_view key) const
{
    const auto& v = require(key);
    if (const auto* s = std::get_if<std::int64_t>(&v.value)) return *s;
    if (const auto* u = std::get_if<std::uint64_t>(&v.value)) {
        if (*u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            throw FormatError(keyError(path(), key, "is too large"));
        return static_cast<std::int64_t>(*u);
    }
    throw FormatError(keyError(path(), key, std::string("has type ") + ggufTypeName(v.type) + ", expected an integer"));
}

double GgufFile::getFloat(std::string_view key) const
{
    const auto& v = require(key);
    if (const auto* d = std::get_if<double>(&v.value)) return *d;
    if (const auto* u = std::get_if<std::uint64_t>(&v.value)) return static_cast<double>(*u);
    if (const auto* s = std::get_if<std::int64_t>(&v.value)) return static_cast<double>(*s);
    throw FormatError(keyError(path(), key, std::string("has type ") + ggufTypeName(v.type) + ", expected a number"));
}

bool GgufFile::getBool(std::string_view key) const
{
    const auto& v = require(key);
    if (const auto* b = std::get_if<bool>(&v.value)) return *b;
    throw FormatError(keyError(path(), key, std::string("has type ") + ggufTypeName(v.type) + ", expected bool"));
}

std::string GgufFile::getString(std::string_view key) const
{
    const auto& v = require(key);
    if (const auto* s = std::get_if<std::string_view>(&v.value)) return std::string(*s);
    throw FormatError(keyError(path(), key, std::string("has type ") + ggufTypeName(v.type) + ", expected string"));
}

std::optional<std::uint64_t> GgufFile::findUInt(std::string_view key) const
{
    return has(key) ? std::optional(getUInt(key)) : std::nullopt;
}
std::optional<double> GgufFile::findFloat(std::string_view key) const
{
    return has(key) ? std::optional(getFloat(key)) : std::nullopt;
}
std::optional<bool> GgufFile::findBool(std::string_view key) const
{
    return has(key) ? std::optional(getBool(key)) : std::nullopt;
}
std::optional<std::string> GgufFile::findString(std::string_view key) const
{
    return has(key) ? std::optional(getString(key)) : std::nullopt;
}

namespace {
const GgufArrayRef& requireArray(const std::string& file, std::string_view key, const GgufValue* v)
{
    if (!v) throw FormatError(keyError(file, key, "is missing"));
    const auto* a = std::get_if<GgufArrayRef>(&v->value);
    if (!a)
        throw FormatError(keyError(file, key, std::string("has type ") + ggufTypeName(v->type) + ", expected array"));
    return *a;
}
}  // namespace

std::uint64_t GgufFile::arrayCount(std::string_view key) const
{
    return requireArray(path(), key, find(key)).count;
}

std::vector<std::string> GgufFile::arrayStrings(std::string_view key) const
{
    const auto& a = requireArray(path(), key, find(key));
    if (a.elementType != GgufType::String)
        throw FormatError(
            keyError(path(), key, std::string("is an array of ") + ggufTypeName(a.elementType) + ", expected strings"));
    ByteCursor c(m_file.bytes(), path());
    c.seek(a.fileOffset);
    c.setContext("metadata array '" + std::string(key) + "'");
    std::vector<std::string> out;
    out.reserve(a.count);
    for (std::uint64_t i = 0; i < a.count; ++i) out.emplace_back(readString(c, "array string"));
    return out;
}

std::vector<float> GgufFile::arrayFloats(std::string_view key) const
{
    const auto& a = requireArray(path(), key, find(key));
    ByteCursor c(m_file.bytes(), path());
    c.seek(a.fileOffset);
    std::vector<float> out;
    out.reserve(a.count);
    for (std::uint64_t i = 0; i < a.count; ++i) {
        if (a.elementType == GgufType::Float32)
            out.push_back(c.read<float>());
        else if (a.elementType == GgufType::Float64)
            out.push_back(static_cast<float>(c.read<double>()));
        else
            throw FormatError(keyError(
                path(), key, std::string("is an array of ") + ggufTypeName(a.elementType) + ", expected floats"));
    }
    return out;
}

std::vector<std::int64_t> GgufFile::arrayInts(std::string_view key) const
{
    const auto& a = requireArray(path(), key, find(key));
    ByteCursor c(m_file.bytes(), path());
    c.seek(a.fileOffset);
    std::vector<std::int64_t> out;
    out.reserve(a.count);
    for (std::uint64_t i = 0; i < a.count; ++i) {
        switch (a.elementType) {
            case GgufType::UInt8: out.push_back(c.read<std::uint8_t>()); break;
            case GgufType::Int8: out.push_back(c.read<std::int8_t>()); break;
            case GgufType::UInt16: out.push_back(c.read<std::uint16_t>()); break;
            case GgufType::Int16: out.push_back(c.read<std::int16_t>()); break;
            case GgufType::UInt32: out.push_back(c.read<std::uint32_t>()); break;
            case GgufType::Int32: out.push_back(c.read<std::int32_t>()); break;
            case GgufType::UInt64: out.push_back(static_cast<std::int64_t>(c.read<std::uint64_t>())); break;
            case GgufType::Int64: out.push_back(c.read<std::int64_t>()); break;
            default:
                throw FormatError(keyError(
                    path(), key, std::string("is an array of ") + ggufTypeName(a.elementType) + ", expected integers"));
        }
    }
    return out;
}

std::string GgufFile::valueToString(const GgufValue& v) const
{
    return std::visit(
        [&](const auto& x) -> std::string {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::uint64_t> || std::is_same_v<T, std::int64_t>)
                return std::to_string(x);
            else if constexpr (std::is_same_v<T, double>) {
                char b[64];
                std::snprintf(b, sizeof b, "%g", x);
                return b;
            } else if constexpr (std::is_same_v<T, bool>)
                return x ? "true" : "false";
            else if constexpr (std::is_same_v<T, std::string_view>) {
                std::string s(x.substr(0, 80));
                for (auto& ch : s)
                    if (ch == '\n') ch = ' ';
                return "\"" + s + (x.size() > 80 ? "…" : "") + "\"";
            } else
                return std::string("[") + ggufTypeName(x.elementType) + " × " + std::to_string(x.count) + "]";
        },
        v.value);
}

const GgufTensorInfo* GgufFile::findTensor(std::string_view name) const
{
    const auto it = m_tensorIndex.find(std::string(name));
    return it == m_tensorIndex.end() ? nullptr : &m_tensors[it->second];
}

void GgufFile::readTensor(const GgufTensorInfo& tensor, void* dst) const
{
    m_file.readAt(tensor.fileOffset, dst, tensor.sizeBytes);
}

}  // namespace edgert
