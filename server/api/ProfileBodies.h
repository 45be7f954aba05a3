#pragma once

#include "http/JsonTemplate.h"
#include "identity/User.h"

#include <QHash>
#include <QString>

namespace cr {

class Envelope;

// The rendered answer of GET /api/auth/profile per account, kept per thread: a busy client's
// unchanged row is turned into JSON once, and each request only fills in the timestamp. An
// entry is reused only while the row is equal in every field and the envelope has the same
// shape; the map is bounded (cleared when full).
class ProfileBodies
{
public:
    // The envelope template of {"user": user.toJson()}, or null when it cannot be one (the
    // caller then answers the ordinary way). Valid until the next call in this thread.
    static const JsonTemplate *of(const User &user, const Envelope &envelope);

private:
    struct Entry
    {
        User user;
        bool topLevelCopy = false;
        JsonTemplate body;
    };
    static constexpr int kCapacity = 1024;
};

} // namespace cr
