#pragma once

#include <functional>
#include <memory>

class QObject;

namespace cr {

// Hands one call to a context object's thread (queued), from any thread, safely even when the
// context is destroyed meanwhile: then the call is dropped. Create it in the context's thread
// (or while the context is known to live); post() at most once.
class Delivery
{
public:
    explicit Delivery(QObject *context);
    ~Delivery();
    Delivery(const Delivery &) = delete;
    Delivery &operator=(const Delivery &) = delete;

    void post(std::function<void()> call);

private:
    struct State;
    std::shared_ptr<State> m_state;
};

} // namespace cr
