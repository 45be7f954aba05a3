#include "api/TelemetryController.h"

#include "api/RequestInput.h"
#include "core/Clock.h"
#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "http/TimeText.h"
#include "identity/JsonTime.h"
#include "telemetry/Metrics.h"
#include "telemetry/TelemetryService.h"

#include <QJsonArray>

#include <optional>

namespace cr {
namespace {

constexpr qint64 kDefaultSecondsBackMs = 5 * 60 * 1000;
constexpr qint64 kDefaultMinutesBackMs = 24 * 60 * 60 * 1000;

// Milliseconds since the epoch, or an ISO-8601 date-time with Z or an offset.
std::optional<qint64> parseSince(const QString &text)
{
    bool digits = !text.isEmpty() && text.size() <= 15;
    for (const QChar c : text)
        digits = digits && c.isDigit();
    if (digits)
        return text.toLongLong();
    return JsonTime::parse(text);
}

} // namespace

void TelemetryController::registerRoutes(Router &router) const
{
    const TelemetryService *telemetry = &m_telemetry;
    const Clock *clock = &m_clock;
    router.add(Route{
        Method::Get, QStringLiteral("/api/admin/telemetry"), Role::Operator,
        [telemetry, clock](RequestContext &ctx, Reply reply) {
            QList<FieldError> errors;
            const QString resolutionText = ctx.request->queryValue(QStringLiteral("resolution"));
            TelemetryHistory::Resolution resolution = TelemetryHistory::Resolution::Second;
            if (resolutionText == u"1m")
                resolution = TelemetryHistory::Resolution::Minute;
            else if (!resolutionText.isEmpty() && resolutionText != u"1s")
                errors.append({QStringLiteral("resolution"), QStringLiteral("must be 1s or 1m")});
            const QString sinceText = ctx.request->queryValue(QStringLiteral("since"));
            const qint64 now = clock->wallMs();
            qint64 since =
                now - (resolution == TelemetryHistory::Resolution::Second ? kDefaultSecondsBackMs
                                                                          : kDefaultMinutesBackMs);
            if (!sinceText.isEmpty()) {
                if (const std::optional<qint64> parsed = parseSince(sinceText))
                    since = *parsed;
                else
                    errors.append({QStringLiteral("since"),
                                   QStringLiteral("must be an ISO-8601 date-time or "
                                                  "milliseconds since the Unix epoch")});
            }
            if (!errors.isEmpty())
                return reply.fail(RequestInput::invalid(errors));

            const QStringList &labels = telemetry->metrics().routeLabels();
            QJsonArray points;
            for (const TelemetryPoint &p : telemetry->history().since(since, resolution))
                points.append(p.toJson(labels));
            reply.ok(QJsonObject{
                {QStringLiteral("resolution"), resolution == TelemetryHistory::Resolution::Second
                                                   ? QStringLiteral("1s")
                                                   : QStringLiteral("1m")},
                {QStringLiteral("since"), QString::fromLatin1(TimeText::iso(since))},
                {QStringLiteral("intervalMs"), telemetry->intervalMs()},
                {QStringLiteral("points"), points},
                {QStringLiteral("latest"), telemetry->latest()}});
        },
        BodyKind::None, -1, false,
        QStringLiteral("Telemetry history (?since=ISO or epoch ms, ?resolution=1s|1m) and the "
                       "latest snapshot")});
}

} // namespace cr
