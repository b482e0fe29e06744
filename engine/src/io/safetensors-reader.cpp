#include "edgert/safetensors-reader.h"

#include "edgert/error.h"
#include "io/json-parser.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <map>
#include <numeric>

namespace edgert {

namespace {

struct DtypeEntry {
    SafeTensorsDtype dtype;
    const char* name;
    std::uint32_t bytes;
};

constexpr std::array kDtypes{
    DtypeEntry{SafeTensorsDtype::Bool, "BOOL", 1},       DtypeEntry{SafeTensorsDtype::U8, "U8", 1},
    DtypeEntry{SafeTensorsDtype::I8, "I8", 1},           DtypeEntry{SafeTensorsDtype::F8_E5M2, "F8_E5M2", 1},
    DtypeEntry{SafeTensorsDtype::F8_E4M3, "F8_E4M3", 1}, DtypeEntry{SafeTensorsDtype::I16, "I16", 2},
    DtypeEntry{SafeTensorsDtype::U16, "U16", 2},         DtypeEntry{SafeTensorsDtype::F16, "F16", 2},
    DtypeEntry{SafeTensorsDtype::BF16, "BF16", 2},       DtypeEntry{SafeTensorsDtype::I32, "I32", 4},
    DtypeEntry{SafeTensorsDtype::U32, "U32", 4},         DtypeEntry{SafeTensorsDtype::F32, "F32", 4},
    DtypeEntry{SafeTensorsDtype::I64, "I64", 8},         DtypeEntry{SafeTensorsDtype::U64, "U64", 8},
    DtypeEntry{SafeTensorsDtype::F64, "F64", 8},
};

const DtypeEntry& entryOf(SafeTensorsDtype dtype)
{
    return kDtypes[static_cast<std::size_t>(dtype)];
}

std::string knownDtypeList()
{
    std::string s;
    for (const auto& e : kDtypes) s += (s.empty() ? "" : ", ") + std::string(e.name);
    return s;
}

std::string shapeText(const std::vector<std::uint64_t>& dims)
{
    std::string s = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "]";
}

// a * b, or nullopt on overflow.
std::optional<std::uint64_t> mulChecked(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
    return r;
}

}  // namespace

const char* safeTensorsDtypeName(SafeTensorsDtype dtype)
{
    return entryOf(dtype).name;
}
std::uint32_t safeTensorsDtypeBytes(SafeTensorsDtype dtype)
{
    return entryOf(dtype).bytes;
}

std::optional<SafeTensorsDtype> parseSafeTensorsDtype(std::string_view name)
{
    for (const auto& e : kDtypes)
        if (name == e.name) return e.dtype;
    return std::nullopt;
}

std::optional<TensorType> tensorTypeOf(SafeTensorsDtype dtype)
{
    switch (dtype) {
        case SafeTensorsDtype::F32: return TensorType::F32;
        case SafeTensorsDtype::F16: return TensorType::F16;
        case SafeTensorsDtype::BF16: return TensorType::BF16;
        case SafeTensorsDtype::I8: return TensorType::I8;
        case SafeTensorsDtype::I16: return TensorType::I16;
        case SafeTensorsDtype::I32: return TensorType::I32;
        case SafeTensorsDtype::I64: return TensorType::I64;
        case SafeTensorsDtype::F64: return TensorType::F64;
        default: return std::nullopt;
    }
}

std::uint64_t SafeTensorsTensor::elementCount() const
{
    std::uint64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

std::string SafeTensorsTensor::shapeString() const
{
    return shapeText(shape);
}

// ---------------------------------------------------------------------------------------------
SafeTensorsFile::SafeTensorsFile(const std::string& path) : m_file(path)
{
    parse();
}

void SafeTensorsFile::parse()
{
    const std::string& file = m_file.path();
    const std::uint64_t size = m_file.sizeBytes();
    const auto bytes = m_file.bytes();
    if (size < 8)
        throw FormatError(file + ": not a SafeTensors file: " + std::to_string(size) +
                          " bytes is too short for the 8-byte header length at byte 0");
    std::uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);  // little-endian (static_assert in byte-cursor.h's spirit)
    if (n > size - 8)
        throw FormatError(file + ": header length " + std::to_string(n) + " at byte 0 runs past the end of the file (" +
                          std::to_string(size) + " bytes, so at most " + std::to_string(size - 8) +
                          " header bytes follow byte 8)");
    if (n > kMaxHeaderBytes)
        throw FormatError(file + ": header length " + std::to_string(n) + " at byte 0 exceeds the " +
                          std::to_string(kMaxHeaderBytes) + "-byte limit");
    if (n < 2)
        throw FormatError(file + ": header length " + std::to_string(n) + " at byte 0 is too small for a JSON object");
    m_headerBytes = n;
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + 8, n);
    if (text.front() != '{')
        throw FormatError(file + ": malformed JSON header at byte 8: the header must start with '{'");
    const json::Value header = json::parse(text, file + " (SafeTensors header)", 8);
    if (!header.isObject())
        throw FormatError(file + ": the header at byte 8 is " + json::kindName(header.kind()) + ", expected an object");

    const std::uint64_t dataStart = 8 + n;
    const std::uint64_t dataSize = size - dataStart;
    const auto tensorError = [&](const std::string& name, std::uint64_t at, const std::string& why) {
        return FormatError(file + ": tensor '" + name + "' (header entry at byte " + std::to_string(at) + "): " + why);
    };

    for (const auto& member : header.members()) {
        const json::Value& v = member.value;
        if (member.key == "__metadata__") {
            if (!v.isObject())
                throw FormatError(file + ": __metadata__ at byte " + std::to_string(v.offset()) + " is " +
                                  json::kindName(v.kind()) + ", expected an object of strings");
            for (const auto& m : v.members()) {
                if (!m.value.isString())
                    throw FormatError(file + ": __metadata__ key '" + m.key + "' at byte " +
                                      std::to_string(m.value.offset()) + " is " + json::kindName(m.value.kind()) +
                                      ", expected a string");
                m_metadata.emplace_back(m.key, m.value.text());
            }
            continue;
        }
        if (member.key.empty()) throw tensorError(member.key, v.offset(), "the tensor name is empty");
        if (!v.isObject())
            throw tensorError(member.key, v.offset(),
                              std::string("the entry is ") + json::kindName(v.kind()) +
                                  ", expected an object with dtype, shape and data_offsets");
        SafeTensorsTensor t;
        t.name = member.key;
        t.headerOffset = v.offset();
        const json::Value* dtype = nullptr;
        const json::Value* shape = nullptr;
        const json::Value* offsets = nullptr;
        for (const auto& m : v.members()) {
            if (m.key == "dtype")
                dtype = &m.value;
            else if (m.key == "shape")
                shape = &m.value;
            else if (m.key == "data_offsets")
                offsets = &m.value;
            else
                throw tensorError(t.name, m.value.offset(),
                                  "unknown key '" + m.key + "' (expected dtype, shape and data_offsets)");
        }
        if (!dtype || !shape || !offsets)
            throw tensorError(t.name, v.offset(),
                              std::string("missing '") +
                                  (!dtype   ? "dtype"
                                   : !shape ? "shape"
                                            : "data_offsets") +
                                  "'");

        if (!dtype->isString())
            throw tensorError(t.name, dtype->offset(),
                              std::string("dtype at byte ") + std::to_string(dtype->offset()) + " is " +
                                  json::kindName(dtype->kind()) + ", expected a string");
        const auto parsed = parseSafeTensorsDtype(dtype->text());
        if (!parsed)
            throw tensorError(t.name, v.offset(),
                              "unknown dtype \"" + dtype->text() + "\" at byte " + std::to_string(dtype->offset()) +
                                  " (known: " + knownDtypeList() + ")");
        t.dtype = *parsed;

        if (!shape->isArray())
            throw tensorError(t.name, v.offset(),
                              std::string("shape at byte ") + std::to_string(shape->offset()) + " is " +
                                  json::kindName(shape->kind()) + ", expected an array");
        for (const auto& d : shape->items()) {
            const auto dim = d.asUInt64();
            if (!dim)
                throw tensorError(t.name, v.offset(),
                                  "shape element " + json::summary(d) + " at byte " + std::to_string(d.offset()) +
                                      " is not a non-negative integer");
            t.shape.push_back(*dim);
        }

        if (!offsets->isArray() || offsets->items().size() != 2)
            throw tensorError(t.name, v.offset(),
                              "data_offsets at byte " + std::to_string(offsets->offset()) +
                                  " must be an array [begin, end], got " + json::summary(*offsets));
        const auto begin = offsets->items()[0].asUInt64();
        const auto end = offsets->items()[1].asUInt64();
        if (!begin || !end)
            throw tensorError(t.name, v.offset(),
                              "data_offsets " + json::summary(*offsets) + " at byte " +
                                  std::to_string(offsets->offset()) + " must be non-negative integers");
        t.dataBegin = *begin;
        t.dataEnd = *end;
        const std::string range = "data_offsets [" + std::to_string(t.dataBegin) + ", " + std::to_string(t.dataEnd) +
                                  "] at byte " + std::to_string(offsets->offset());
        if (t.dataBegin > t.dataEnd) throw tensorError(t.name, v.offset(), range + " are unsorted: begin is past end");
        if (t.dataEnd > dataSize)
            throw tensorError(t.name, v.offset(),
                              range + " are out of range: the data section holds " + std::to_string(dataSize) +
                                  " bytes (file offset " + std::to_string(dataStart + t.dataEnd) +
                                  " is past the end of the " + std::to_string(size) + "-byte file)");
        t.fileOffset = dataStart + t.dataBegin;

        std::optional<std::uint64_t> expected = safeTensorsDtypeBytes(t.dtype);
        for (auto d : t.shape)
            if (expected) expected = mulChecked(*expected, d);
        if (!expected || *expected != t.sizeBytes())
            throw tensorError(t.name, v.offset(),
                              "shape " + t.shapeString() + " × " + safeTensorsDtypeName(t.dtype) + " (" +
                                  std::to_string(safeTensorsDtypeBytes(t.dtype)) +
                                  " bytes) = " + (expected ? std::to_string(*expected) : std::string("overflow")) +
                                  " bytes, but " + range + " cover " + std::to_string(t.sizeBytes()) +
                                  " bytes (file offset " + std::to_string(t.fileOffset) + ")");
        m_tensors.push_back(std::move(t));
    }

    // The tensors must tile [0, dataSize) exactly: sorted by offset, each begins where the
    // previous ended (equal begins order the empty tensor first).
    std::vector<std::size_t> order(m_tensors.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const auto& x = m_tensors[a];
        const auto& y = m_tensors[b];
        return x.dataBegin != y.dataBegin ? x.dataBegin < y.dataBegin : x.dataEnd < y.dataEnd;
    });
    std::uint64_t expectedBegin = 0;
    const SafeTensorsTensor* previous = nullptr;
    for (const std::size_t i : order) {
        const auto& t = m_tensors[i];
        if (t.dataBegin < expectedBegin)
            throw tensorError(t.name, t.headerOffset,
                              "bytes [" + std::to_string(t.dataBegin) + ", " + std::to_string(t.dataEnd) +
                                  ") overlap tensor '" + previous->name + "' [" + std::to_string(previous->dataBegin) +
                                  ", " + std::to_string(previous->dataEnd) + ") at file offset " +
                                  std::to_string(t.fileOffset));
        if (t.dataBegin > expectedBegin)
            throw tensorError(t.name, t.headerOffset,
                              "a gap of " + std::to_string(t.dataBegin - expectedBegin) +
                                  " unused bytes precedes its data at file offset " + std::to_string(t.fileOffset) +
                                  " (tensors must be contiguous)");
        expectedBegin = t.dataEnd;
        previous = &t;
    }
    if (expectedBegin != dataSize)
        throw FormatError(file + ": " + std::to_string(dataSize - expectedBegin) + " bytes at file offset " +
                          std::to_string(dataStart + expectedBegin) +
                          " belong to no tensor (the data section must be covered exactly)");

    m_byName.resize(m_tensors.size());
    std::iota(m_byName.begin(), m_byName.end(), std::size_t{0});
    std::sort(m_byName.begin(), m_byName.end(),
              [&](std::size_t a, std::size_t b) { return m_tensors[a].name < m_tensors[b].name; });
}

const SafeTensorsTensor* SafeTensorsFile::findTensor(std::string_view name) const
{
    const auto it = std::lower_bound(m_byName.begin(), m_byName.end(), name,
                                     [&](std::size_t i, std::string_view n) { return m_tensors[i].name < n; });
    if (it == m_byName.end() || m_tensors[*it].name != name) return nullptr;
    return &m_tensors[*it];
}

std::optional<std::string> SafeTensorsFile::findMetadata(std::string_view key) const
{
    for (const auto& [k, v] : m_metadata)
        if (k == key) return v;
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
SafeTensorsCheckpoint::SafeTensorsCheckpoint(const std::string& path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path p(path);
    if (fs::is_directory(p, ec)) {
        if (fs::exists(p / "model.safetensors.index.json", ec))
            p /= "model.safetensors.index.json";
        else if (fs::exists(p / "model.safetensors", ec))
            p /= "model.safetensors";
        else
            throw IoError("'" + path + "' holds neither model.safetensors nor model.safetensors.index.json");
    }
    m_path = p.string();
    const std::string name = p.filename().string();
    if (!name.ends_with(".index.json")) {
        m_shards.push_back(std::make_unique<SafeTensorsFile>(m_path));
        return;
    }

    m_sharded = true;
    const json::Value index = json::parseFile(m_path);
    if (!index.isObject())
        throw FormatError(m_path + ": the index is " + json::kindName(index.kind()) + ", expected an object");
    const json::Value* map = index.find("weight_map");
    if (!map || !map->isObject())
        throw FormatError(m_path + ": the index has no \"weight_map\" object" +
                          (map ? " (byte " + std::to_string(map->offset()) + ")" : std::string()));
    std::map<std::string, std::size_t> shardIndex;  // file name -> m_shards index
    std::vector<std::vector<const json::Member*>> expected;
    for (const auto& m : map->members()) {
        if (!m.value.isString())
            throw FormatError(m_path + ": weight_map entry for tensor '" + m.key + "' at byte " +
                              std::to_string(m.value.offset()) + " is " + json::kindName(m.value.kind()) +
                              ", expected a shard file name");
        const std::string& shard = m.value.text();
        if (shard.empty() || shard.find('/') != std::string::npos || shard.find('\\') != std::string::npos ||
            shard == "." || shard == "..")
            throw FormatError(m_path + ": weight_map entry for tensor '" + m.key + "' at byte " +
                              std::to_string(m.value.offset()) + " names shard \"" + shard +
                              "\", which is not a plain file name in the index's directory");
        auto [it, inserted] = shardIndex.try_emplace(shard, m_shards.size());
        if (inserted) {
            m_shards.push_back(std::make_unique<SafeTensorsFile>((p.parent_path() / shard).string()));
            expected.emplace_back();
        }
        expected[it->second].push_back(&m);
    }
    if (m_shards.empty())
        throw FormatError(m_path + ": the weight_map at byte " + std::to_string(map->offset()) + " is empty");
    for (std::size_t s = 0; s < m_shards.size(); ++s) {
        const auto& shard = *m_shards[s];
        for (const auto* m : expected[s])
            if (!shard.findTensor(m->key))
                throw FormatError(m_path + ": weight_map (byte " + std::to_string(m->value.offset()) +
                                  ") puts tensor '" + m->key + "' in " + shard.path() + ", which does not hold it");
        if (shard.tensors().size() != expected[s].size())
            for (const auto& t : shard.tensors())
                if (!map->find(t.name) || map->find(t.name)->text() != fs::path(shard.path()).filename().string())
                    throw FormatError(shard.path() + ": tensor '" + t.name + "' (header entry at byte " +
                                      std::to_string(t.headerOffset) + ") is not mapped to this shard by " + m_path);
    }
}

std::uint64_t SafeTensorsCheckpoint::totalSizeBytes() const
{
    std::uint64_t total = 0;
    for (const auto& s : m_shards) total += s->fileSizeBytes();
    return total;
}

std::vector<SafeTensorsCheckpoint::Entry> SafeTensorsCheckpoint::tensors() const
{
    std::vector<Entry> out;
    for (const auto& s : m_shards)
        for (const auto& t : s->tensors()) out.push_back({s.get(), &t});
    return out;
}

SafeTensorsCheckpoint::Entry SafeTensorsCheckpoint::findTensor(std::string_view name) const
{
    for (const auto& s : m_shards)
        if (const auto* t = s->findTensor(name)) return {s.get(), t};
    return {nullptr, nullptr};
}

std::optional<std::string> SafeTensorsCheckpoint::findMetadata(std::string_view key) const
{
    for (const auto& s : m_shards)
        if (auto v = s->findMetadata(key)) return v;
    return std::nullopt;
}

void SafeTensorsCheckpoint::releaseHeaderPages() const
{
    for (const auto& s : m_shards) s->releaseHeaderPages();
}

}  // namespace edgert
