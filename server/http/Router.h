#pragma once

#include "http/Route.h"

#include <QHash>

#include <vector>

namespace cr {

// The explicit route table: method + path pattern → route. Matching is structural first; a
// parameter of the wrong type is reported separately, so the pipeline can answer 401/403
// before it answers 404 (CONTRACT §1, order of refusals).
class Router
{
public:
    struct Match
    {
        enum class Kind
        {
            Found,
            NotFound,
            MethodNotAllowed
        } kind = Kind::NotFound;
        const Route *route = nullptr;
        RouteParams params;
        bool badParameter = false; // e.g. a non-UUID where a UUID is expected
        QByteArray allow;          // for 405 and OPTIONS: "GET, HEAD, OPTIONS"
    };

    void add(Route route);
    Match match(Method method, const QByteArray &path) const;
    const std::vector<Route> &routes() const { return m_routes; }

private:
    enum class ParamType
    {
        Text,
        Uuid,
        Int
    };
    struct Segment
    {
        QByteArray literal; // empty for a parameter
        QString name;
        ParamType type = ParamType::Text;
    };
    struct Compiled
    {
        std::vector<Segment> segments;
        bool literalOnly = true;
    };

    static Compiled compile(const QString &pattern);
    bool matches(const Compiled &c, const QList<QByteArray> &parts, RouteParams *params,
                 bool *badParameter) const;
    static QByteArray allowFor(const std::vector<const Route *> &candidates);

    std::vector<Route> m_routes;
    std::vector<Compiled> m_compiled;
    QHash<QByteArray, std::vector<int>> m_literal; // exact path → route indexes
    std::vector<int> m_patterned;
};

} // namespace cr
