#include "http/JsonTemplate.h"

#include <QJsonDocument>

namespace cr {
namespace {
const QByteArray kMarker = QByteArrayLiteral("\"\\u0001slot:");
}

QString JsonTemplate::slot(const char *name)
{
    return QStringLiteral("\u0001slot:") + QString::fromLatin1(name);
}

JsonTemplate::JsonTemplate(const QJsonObject &source)
{
    const QByteArray text = QJsonDocument(source).toJson(QJsonDocument::Compact);
    qsizetype pos = 0;
    for (;;) {
        const qsizetype at = text.indexOf(kMarker, pos);
        if (at < 0)
            break;
        const qsizetype nameStart = at + kMarker.size();
        const qsizetype end = text.indexOf('"', nameStart);
        const QByteArray name = text.mid(nameStart, end - nameStart);
        int index = indexOf(name);
        if (index < 0) {
            index = int(m_names.size());
            m_names.push_back(name);
        }
        m_literals.push_back(text.mid(pos, at - pos));
        m_slots.push_back(index);
        pos = end + 1;
    }
    m_literals.push_back(text.mid(pos));
    for (const QByteArray &l : m_literals)
        m_literalBytes += l.size();
}

int JsonTemplate::indexOf(const QByteArray &name) const
{
    for (size_t i = 0; i < m_names.size(); ++i) {
        if (m_names[i] == name)
            return int(i);
    }
    return -1;
}

QByteArray JsonTemplate::render(const std::vector<QByteArray> &values) const
{
    QByteArray out;
    out.reserve(m_literalBytes + 64 * qsizetype(m_slots.size()));
    for (size_t i = 0; i < m_slots.size(); ++i) {
        out += m_literals[i];
        out += values[size_t(m_slots[i])];
    }
    if (!m_literals.empty())
        out += m_literals.back();
    return out;
}

} // namespace cr
