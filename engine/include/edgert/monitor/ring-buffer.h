// A fixed-capacity FIFO that overwrites its oldest element when full: the sampler's history.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <utility>
#include <vector>

namespace edgert {

template <typename T>
class RingBuffer {
public:
    /// `capacity` must be at least 1 (std::invalid_argument otherwise).
    explicit RingBuffer(std::size_t capacity) : m_capacity(capacity)
    {
        if (capacity == 0) throw std::invalid_argument("RingBuffer capacity must be at least 1");
        m_items.reserve(capacity);
    }

    std::size_t capacity() const noexcept { return m_capacity; }
    std::size_t size() const noexcept { return m_items.size(); }
    bool empty() const noexcept { return m_items.empty(); }

    /// Appends `item`; when full, the oldest element is dropped.
    void push(T item)
    {
        if (m_items.size() < m_capacity) {
            m_items.push_back(std::move(item));
        } else {
            m_items[m_head] = std::move(item);
            m_head = (m_head + 1) % m_capacity;
        }
    }

    /// The i-th element, 0 being the oldest. Precondition: i < size().
    const T& operator[](std::size_t i) const { return m_items[(m_head + i) % m_items.size()]; }
    /// The newest element. Precondition: !empty().
    const T& back() const { return (*this)[m_items.size() - 1]; }

    /// Copies the elements, oldest first.
    std::vector<T> toVector() const
    {
        std::vector<T> out;
        out.reserve(m_items.size());
        for (std::size_t i = 0; i < m_items.size(); ++i) out.push_back((*this)[i]);
        return out;
    }

    void clear() noexcept
    {
        m_items.clear();
        m_head = 0;
    }

private:
    std::size_t m_capacity;
    std::size_t m_head = 0;  ///< index of the oldest element once the buffer has wrapped
    std::vector<T> m_items;
};

}  // namespace edgert
