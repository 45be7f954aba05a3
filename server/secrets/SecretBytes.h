#pragma once

#include <QByteArrayView>
#include <QtGlobal>

namespace cr {

// A buffer for key material: allocated with sodium_malloc (guard pages, locked against swap
// where the system allows it) and wiped by sodium_free when it goes away. Move-only, so a
// secret is never copied by accident; expose it only as a view for the moment it is needed.
class SecretBytes
{
public:
    SecretBytes() = default;
    explicit SecretBytes(qsizetype size); // zero-filled
    explicit SecretBytes(QByteArrayView bytes);
    SecretBytes(SecretBytes &&other) noexcept;
    SecretBytes &operator=(SecretBytes &&other) noexcept;
    SecretBytes(const SecretBytes &) = delete;
    SecretBytes &operator=(const SecretBytes &) = delete;
    ~SecretBytes();

    unsigned char *data() { return m_data; }
    const unsigned char *data() const { return m_data; }
    qsizetype size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    QByteArrayView view() const;

    // Constant-time comparison (sodium_memcmp); sizes must match.
    bool equals(QByteArrayView other) const;

private:
    void release();

    unsigned char *m_data = nullptr;
    qsizetype m_size = 0;
};

} // namespace cr
