#include "store/Delivery.h"

#include <QMetaObject>
#include <QObject>

#include <mutex>

namespace cr {

struct Delivery::State
{
    std::mutex mutex;
    QObject *target = nullptr;
    QMetaObject::Connection watch; // context destroyed → target cleared
};

Delivery::Delivery(QObject *context)
    : m_state(std::make_shared<State>())
{
    Q_ASSERT(context);
    m_state->target = context;
    std::weak_ptr<State> weak = m_state;
    // Emitted in ~QObject before the context's posted events are discarded; posting below
    // holds the same mutex, so a call is either posted before (and then discarded with the
    // context's other events) or not at all.
    m_state->watch = QObject::connect(context, &QObject::destroyed, [weak] {
        if (std::shared_ptr<State> state = weak.lock()) {
            std::lock_guard<std::mutex> lock(state->mutex);
            state->target = nullptr;
        }
    });
}

Delivery::~Delivery()
{
    std::lock_guard<std::mutex> lock(m_state->mutex);
    if (m_state->target)
        QObject::disconnect(m_state->watch);
}

void Delivery::post(std::function<void()> call)
{
    std::lock_guard<std::mutex> lock(m_state->mutex);
    if (!m_state->target)
        return;
    QMetaObject::invokeMethod(m_state->target, std::move(call), Qt::QueuedConnection);
    QObject::disconnect(m_state->watch);
    m_state->target = nullptr;
}

} // namespace cr
