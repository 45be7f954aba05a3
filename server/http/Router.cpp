#include "http/Router.h"

#include <QUuid>

namespace cr {

QString RouteParams::value(const QString &name) const
{
    for (const auto &p : values) {
        if (p.first == name)
            return p.second;
    }
    return {};
}

namespace {

// An optional minus and 1 to 18 digits: no sign, spaces, hex or overflow that toLongLong()
// would accept or silently wrap.
bool isInteger(const QString &value)
{
    const qsizetype start = value.startsWith(u'-') ? 1 : 0;
    const qsizetype digits = value.size() - start;
    if (digits < 1 || digits > 18)
        return false;
    for (qsizetype i = start; i < value.size(); ++i) {
        if (value.at(i) < u'0' || value.at(i) > u'9')
            return false;
    }
    return true;
}

bool hasControl(const QString &value)
{
    for (const QChar c : value) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return true;
    }
    return false;
}

} // namespace

Router::Compiled Router::compile(const QString &pattern)
{
    Compiled c;
    const QStringList parts = pattern.split(u'/', Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        Segment s;
        if (part.startsWith(u':')) {
            c.literalOnly = false;
            QString name = part.mid(1);
            const qsizetype lt = name.indexOf(u'<');
            if (lt >= 0) {
                const QString type = name.mid(lt + 1).chopped(1);
                name = name.left(lt);
                if (type == u"uuid")
                    s.type = ParamType::Uuid;
                else if (type == u"int")
                    s.type = ParamType::Int;
                else
                    Q_ASSERT_X(type == u"text", "Router", "unknown parameter type");
            }
            s.name = name;
        } else {
            s.literal = part.toUtf8();
        }
        c.segments.push_back(std::move(s));
    }
    return c;
}

void Router::add(Route route)
{
    const int index = int(m_routes.size());
    Compiled c = compile(route.pattern);
    if (c.literalOnly) {
        QByteArray key;
        for (const Segment &s : c.segments)
            key += '/' + s.literal;
        // A trailing slash is part of the path ("/socket.io/" is what v2 clients send).
        if (key.isEmpty() || route.pattern.endsWith(u'/'))
            key += '/';
        m_literal[key].push_back(index);
    } else {
        m_patterned.push_back(index);
    }
    m_routes.push_back(std::move(route));
    m_compiled.push_back(std::move(c));
}

bool Router::matches(const Compiled &c, const QList<QByteArray> &parts, RouteParams *params,
                     bool *badParameter) const
{
    if (qsizetype(c.segments.size()) != parts.size())
        return false;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const Segment &s = c.segments[size_t(i)];
        if (s.name.isEmpty()) {
            if (s.literal != parts[i])
                return false;
        }
    }
    // Structure matches: now decode and type-check the parameters.
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const Segment &s = c.segments[size_t(i)];
        if (s.name.isEmpty())
            continue;
        const QByteArray raw = QByteArray::fromPercentEncoding(parts[i]);
        const QString value = QString::fromUtf8(raw);
        // Not UTF-8 (it would reach the handler as U+FFFD) or a control character: no such id.
        bool ok = !value.isEmpty() && value.toUtf8() == raw && !hasControl(value);
        if (s.type == ParamType::Uuid)
            ok = ok && value.size() == 36 && !QUuid::fromString(value).isNull();
        else if (s.type == ParamType::Int)
            ok = ok && isInteger(value);
        if (!ok)
            *badParameter = true;
        params->values.append({s.name, value});
    }
    return true;
}

QByteArray Router::allowFor(const std::vector<const Route *> &candidates)
{
    bool seen[8] = {};
    for (const Route *r : candidates) {
        seen[int(r->method)] = true;
        if (r->method == Method::Get)
            seen[int(Method::Head)] = true;
    }
    seen[int(Method::Options)] = true;
    QByteArray allow;
    for (Method m : {Method::Get, Method::Head, Method::Post, Method::Put, Method::Patch,
                     Method::Delete, Method::Options}) {
        if (seen[int(m)]) {
            if (!allow.isEmpty())
                allow += ", ";
            allow += methodName(m);
        }
    }
    return allow;
}

Router::Match Router::match(Method method, const QByteArray &path) const
{
    Match result;
    const Method wanted = method == Method::Head ? Method::Get : method;

    const auto it = m_literal.constFind(path);
    // The common case first, without allocating: a literal path with a route for the method.
    if (it != m_literal.constEnd()) {
        for (int index : it.value()) {
            const Route &r = m_routes[size_t(index)];
            if (r.method == wanted) {
                result.kind = Match::Kind::Found;
                result.route = &r;
                return result;
            }
        }
    }

    std::vector<const Route *> samePath;

    auto consider = [&](int index, RouteParams params, bool bad) {
        const Route &r = m_routes[size_t(index)];
        samePath.push_back(&r);
        if (r.method == wanted && !result.route) {
            result.route = &r;
            result.params = std::move(params);
            result.badParameter = bad;
        }
    };

    if (it != m_literal.constEnd()) {
        for (int index : it.value())
            consider(index, {}, false);
    }
    if (!result.route && !m_patterned.empty()) {
        const QList<QByteArray> parts = path.split('/');
        QList<QByteArray> segments;
        segments.reserve(parts.size());
        bool emptyInside = false;
        for (qsizetype i = 1; i < parts.size(); ++i) {
            if (parts[i].isEmpty())
                emptyInside = true;
            segments.append(parts[i]);
        }
        if (!emptyInside) {
            for (int index : m_patterned) {
                RouteParams params;
                bool bad = false;
                if (matches(m_compiled[size_t(index)], segments, &params, &bad))
                    consider(index, std::move(params), bad);
            }
        }
    }
    if (result.route) {
        result.kind = Match::Kind::Found;
    } else if (!samePath.empty()) {
        result.kind = Match::Kind::MethodNotAllowed;
        result.allow = allowFor(samePath);
    }
    return result;
}

} // namespace cr
