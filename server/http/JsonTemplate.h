#pragma once

#include <QByteArray>
#include <QJsonObject>

#include <vector>

namespace cr {

// A JSON document rendered once with named slots, filled per request by concatenation: for
// hot endpoints whose body changes only in a timestamp or a counter. A slot is written in the
// source object as the string "\u0001slot:NAME" and replaced, quotes included, by raw JSON.
class JsonTemplate
{
public:
    static QString slot(const char *name);

    JsonTemplate() = default;
    explicit JsonTemplate(const QJsonObject &source);

    // values[i] is raw JSON text for the i-th slot name in `names` order.
    QByteArray render(const std::vector<QByteArray> &values) const;
    // Slot names in the order render() expects their values.
    const std::vector<QByteArray> &names() const { return m_names; }
    int indexOf(const QByteArray &name) const;
    // How many places render() fills (a name may stand in several).
    int slotCount() const { return int(m_slots.size()); }

private:
    std::vector<QByteArray> m_literals; // one more than m_slots
    std::vector<int> m_slots;           // index into m_names, per gap
    std::vector<QByteArray> m_names;
    qsizetype m_literalBytes = 0;
};

} // namespace cr
