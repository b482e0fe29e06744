// Bounds-checked little-endian reader over a byte span. Every read that would pass the end
// throws FormatError naming the file, what was being read and the byte offset.
#pragma once

#include "edgert/error.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace edgert {

static_assert(std::endian::native == std::endian::little, "edge-rt reads little-endian files in place");

class ByteCursor {
public:
    ByteCursor(std::span<const std::byte> bytes, std::string fileName) : m_bytes(bytes), m_fileName(std::move(fileName))
    {
    }

    std::uint64_t offset() const { return m_offset; }
    std::uint64_t remaining() const { return m_bytes.size() - m_offset; }
    std::uint64_t size() const { return m_bytes.size(); }
    const std::string& fileName() const { return m_fileName; }

    /// Sets what is being read, used in error messages ("tensor info #3 'blk.0.attn_q.weight'").
    void setContext(std::string what) { m_context = std::move(what); }

    template <typename T>
    T read()
    {
        require(sizeof(T));
        T value;
        std::memcpy(&value, m_bytes.data() + m_offset, sizeof(T));
        m_offset += sizeof(T);
        return value;
    }

    /// A view of the next `length` bytes as text, advancing past them.
    std::string_view readView(std::uint64_t length)
    {
        require(length);
        std::string_view v(reinterpret_cast<const char*>(m_bytes.data() + m_offset), length);
        m_offset += length;
        return v;
    }

    void skip(std::uint64_t length)
    {
        require(length);
        m_offset += length;
    }

    void seek(std::uint64_t offset)
    {
        if (offset > m_bytes.size()) fail("seek to " + std::to_string(offset) + " is past the end of the file");
        m_offset = offset;
    }

    [[noreturn]] void fail(const std::string& why) const
    {
        throw FormatError(m_fileName + ": " + why + (m_context.empty() ? "" : " while reading " + m_context) +
                          " (at byte offset " + std::to_string(m_offset) + ")");
    }

    void require(std::uint64_t length) const
    {
        if (length > remaining())
            fail("file is truncated: need " + std::to_string(length) + " bytes, " + std::to_string(remaining()) +
                 " left of " + std::to_string(m_bytes.size()));
    }

private:
    std::span<const std::byte> m_bytes;
    std::string m_fileName;
    std::string m_context;
    std::uint64_t m_offset = 0;
};

}  // namespace edgert
