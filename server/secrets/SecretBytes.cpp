#include "secrets/SecretBytes.h"

#include "secrets/Sodium.h"

#include <sodium.h>

#include <cstring>
#include <new>
#include <utility>

namespace cr {

SecretBytes::SecretBytes(qsizetype size)
{
    ensureSodium();
    if (size <= 0)
        return;
    m_data = static_cast<unsigned char *>(sodium_malloc(size_t(size)));
    if (!m_data)
        throw std::bad_alloc();
    sodium_memzero(m_data, size_t(size));
    m_size = size;
}

SecretBytes::SecretBytes(QByteArrayView bytes)
    : SecretBytes(bytes.size())
{
    if (m_size > 0)
        std::memcpy(m_data, bytes.data(), size_t(m_size));
}

SecretBytes::SecretBytes(SecretBytes &&other) noexcept
    : m_data(std::exchange(other.m_data, nullptr))
    , m_size(std::exchange(other.m_size, 0))
{}

SecretBytes &SecretBytes::operator=(SecretBytes &&other) noexcept
{
    if (this != &other) {
        release();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

SecretBytes::~SecretBytes()
{
    release();
}

void SecretBytes::release()
{
    if (m_data)
        sodium_free(m_data); // wipes before unmapping
    m_data = nullptr;
    m_size = 0;
}

QByteArrayView SecretBytes::view() const
{
    return QByteArrayView(reinterpret_cast<const char *>(m_data), m_size);
}

bool SecretBytes::equals(QByteArrayView other) const
{
    if (other.size() != m_size)
        return false;
    if (m_size == 0)
        return true;
    return sodium_memcmp(m_data, other.data(), size_t(m_size)) == 0;
}

} // namespace cr
