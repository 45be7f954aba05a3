#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace cr {

// Wraps secrets for storage under a key the database never holds (the master key: AEAD with
// associated data binding each wrapped value to its purpose). The secrets module implements
// it; whatever persists secrets (signing keys, configuration data keys) depends only on this.
class KeyWrapper
{
public:
    virtual ~KeyWrapper() = default;
    // An identifier of the wrapping key, recorded next to what it wrapped.
    virtual QString keyId() const = 0;
    virtual Result<QByteArray> wrap(QByteArrayView plaintext,
                                    QByteArrayView associatedData) const = 0;
    virtual Result<QByteArray> unwrap(QByteArrayView wrapped,
                                      QByteArrayView associatedData) const = 0;
};

} // namespace cr
