// The small text builders of the response layer: JsonTemplate slots, TimeText formats,
// RequestIds acceptance and generation, and the Envelope on its own.

#include "http/Envelope.h"
#include "http/JsonTemplate.h"
#include "http/RequestIds.h"
#include "http/TimeText.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QThread>

using namespace cr;

class tst_ResponseText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void templateWithoutSlots()
    {
        const QJsonObject source{{QStringLiteral("a"), 1},
                                 {QStringLiteral("b"), QStringLiteral("x")}};
        const JsonTemplate t(source);
        QVERIFY(t.names().empty());
        QCOMPARE(t.render({}), QJsonDocument(source).toJson(QJsonDocument::Compact));
    }

    void templateSlots()
    {
        const QJsonObject source{
            {QStringLiteral("status"), QStringLiteral("ok")},
            {QStringLiteral("timestamp"), JsonTemplate::slot("ts")},
            {QStringLiteral("nested"),
             QJsonObject{{QStringLiteral("count"), JsonTemplate::slot("count")},
                         {QStringLiteral("again"), JsonTemplate::slot("ts")}}},
            {QStringLiteral("list"),
             QJsonArray{1, JsonTemplate::slot("count"), QStringLiteral("z")}}};
        const JsonTemplate t(source);
        QCOMPARE(t.names().size(), size_t(2));
        const int ts = t.indexOf("ts");
        const int count = t.indexOf("count");
        QVERIFY(ts >= 0);
        QVERIFY(count >= 0);
        QVERIFY(ts != count);
        QCOMPARE(t.indexOf("missing"), -1);

        std::vector<QByteArray> values(2);
        values[size_t(ts)] = "\"2026-01-01T00:00:00.000Z\"";
        values[size_t(count)] = "42";
        const QByteArray out = t.render(values);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(out, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject o = doc.object();
        QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(o.value(QStringLiteral("timestamp")).toString(),
                 QStringLiteral("2026-01-01T00:00:00.000Z"));
        const QJsonObject nested = o.value(QStringLiteral("nested")).toObject();
        QCOMPARE(nested.value(QStringLiteral("count")).toInt(), 42);
        QCOMPARE(nested.value(QStringLiteral("again")).toString(),
                 QStringLiteral("2026-01-01T00:00:00.000Z"));
        const QJsonArray list = o.value(QStringLiteral("list")).toArray();
        QCOMPARE(list.size(), 3);
        QCOMPARE(list.at(1).toInt(), 42);
        QVERIFY(!out.contains("slot:"));
        QVERIFY(!out.contains("\\u0001"));

        // Rendering again with other values gives other text, same shape.
        values[size_t(count)] = "7";
        const QJsonObject again = QJsonDocument::fromJson(t.render(values)).object();
        QCOMPARE(again.value(QStringLiteral("nested")).toObject().value(QStringLiteral("count")),
                 QJsonValue(7));
    }

    void templateSlotValueCanBeAnyJson()
    {
        const JsonTemplate t(QJsonObject{{QStringLiteral("v"), JsonTemplate::slot("v")}});
        for (const QByteArray &v : {QByteArray("null"), QByteArray("true"), QByteArray("[1,2]"),
                                    QByteArray("{\"k\":\"v\"}"), QByteArray("\"q\\\"uote\"")}) {
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(t.render({v}), &error);
            QCOMPARE(error.error, QJsonParseError::NoError);
            QCOMPARE(QJsonDocument(doc.object()).toJson(QJsonDocument::Compact),
                     "{\"v\":" + v + '}');
        }
    }

    void emptyTemplate()
    {
        const JsonTemplate t;
        QVERIFY(t.render({}).isEmpty());
        QCOMPARE(t.indexOf("x"), -1);
    }

    void isoFormat_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("epoch") << qint64(0) << QByteArray("1970-01-01T00:00:00.000Z");
        QTest::newRow("ms") << qint64(1767225600007) << QByteArray("2026-01-01T00:00:00.007Z");
        QTest::newRow("tens") << qint64(1767225600050) << QByteArray("2026-01-01T00:00:00.050Z");
        QTest::newRow("hundreds") << qint64(1767225600999)
                                  << QByteArray("2026-01-01T00:00:00.999Z");
        QTest::newRow("afternoon")
            << qint64(1796315349123) << QByteArray("2026-12-03T16:29:09.123Z");
        QTest::newRow("before epoch") << qint64(-1) << QByteArray("1969-12-31T23:59:59.999Z");
        QTest::newRow("leap day") << qint64(951782400000) << QByteArray("2000-02-29T00:00:00.000Z");
    }
    void isoFormat()
    {
        QFETCH(qint64, ms);
        QFETCH(QByteArray, text);
        QCOMPARE(TimeText::iso(ms), text);
        QCOMPARE(TimeText::iso(ms), text); // cached
        QCOMPARE(
            QDateTime::fromString(QString::fromLatin1(text), Qt::ISODateWithMs).toMSecsSinceEpoch(),
            ms);
    }

    void isoCacheFollowsTheClock()
    {
        // Same second, other milliseconds; then back; then another second.
        const qint64 base = 1767225600000;
        QCOMPARE(TimeText::iso(base + 1), QByteArray("2026-01-01T00:00:00.001Z"));
        QCOMPARE(TimeText::iso(base + 2), QByteArray("2026-01-01T00:00:00.002Z"));
        QCOMPARE(TimeText::iso(base + 1), QByteArray("2026-01-01T00:00:00.001Z"));
        QCOMPARE(TimeText::iso(base + 1001), QByteArray("2026-01-01T00:00:01.001Z"));
        QCOMPARE(TimeText::iso(base - 1), QByteArray("2025-12-31T23:59:59.999Z"));
        QCOMPARE(TimeText::iso(base + 1), QByteArray("2026-01-01T00:00:00.001Z"));
        const QByteArray copy = TimeText::iso(base);
        TimeText::iso(base + 5);
        QCOMPARE(copy, QByteArray("2026-01-01T00:00:00.000Z"));
    }

    void httpDate_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("epoch") << qint64(0) << QByteArray("Thu, 01 Jan 1970 00:00:00 GMT");
        QTest::newRow("2026") << qint64(1767225600999)
                              << QByteArray("Thu, 01 Jan 2026 00:00:00 GMT");
        QTest::newRow("december") << qint64(1796315349123)
                                  << QByteArray("Thu, 03 Dec 2026 16:29:09 GMT");
        QTest::newRow("sunday") << qint64(1767484800000)
                                << QByteArray("Sun, 04 Jan 2026 00:00:00 GMT");
        QTest::newRow("before epoch") << qint64(-1) << QByteArray("Wed, 31 Dec 1969 23:59:59 GMT");
    }
    void httpDate()
    {
        QFETCH(qint64, ms);
        QFETCH(QByteArray, text);
        QCOMPARE(TimeText::httpDate(ms), text);
        QCOMPARE(TimeText::httpDate(ms), text);
        QVERIFY(
            QRegularExpression(
                QStringLiteral(R"(^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$)"))
                .match(QString::fromLatin1(text))
                .hasMatch());
    }

    void timeTextIsPerThread()
    {
        const QByteArray here = TimeText::iso(1767225600000);
        QByteArray there;
        QThread *t = QThread::create([&there] { there = TimeText::iso(0); });
        t->start();
        t->wait();
        delete t;
        QCOMPARE(there, QByteArray("1970-01-01T00:00:00.000Z"));
        QCOMPARE(TimeText::iso(1767225600000), here);
    }

    void requestIdAcceptance_data()
    {
        QTest::addColumn<QByteArray>("id");
        QTest::addColumn<bool>("ok");
        QTest::newRow("simple") << QByteArray("abc") << true;
        QTest::newRow("all classes") << QByteArray("AZaz09._-") << true;
        QTest::newRow("one") << QByteArray("x") << true;
        QTest::newRow("64") << QByteArray(64, 'z') << true;
        QTest::newRow("65") << QByteArray(65, 'z') << false;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("space") << QByteArray("a b") << false;
        QTest::newRow("colon") << QByteArray("a:b") << false;
        QTest::newRow("cr lf") << QByteArray("a\r\nb") << false;
        QTest::newRow("nul") << QByteArray("a\0b", 3) << false;
        QTest::newRow("high byte") << QByteArray("a\xff") << false;
        QTest::newRow("plus") << QByteArray("a+b") << false;
        QTest::newRow("slash") << QByteArray("a/b") << false;
        QTest::newRow("quote") << QByteArray("a\"b") << false;
    }
    void requestIdAcceptance()
    {
        QFETCH(QByteArray, id);
        QFETCH(bool, ok);
        QCOMPARE(RequestIds::isAcceptable(id), ok);
    }

    void generatedRequestIds()
    {
        QSet<QByteArray> seen;
        for (int i = 0; i < 1000; ++i) {
            const QByteArray id = RequestIds::next();
            QVERIFY(RequestIds::isAcceptable(id));
            QVERIFY(!seen.contains(id));
            seen.insert(id);
        }
        // Another thread has its own prefix: no collisions across threads either.
        QList<QByteArray> other;
        QThread *t = QThread::create([&other] {
            for (int i = 0; i < 1000; ++i)
                other.append(RequestIds::next());
        });
        t->start();
        t->wait();
        delete t;
        for (const QByteArray &id : std::as_const(other)) {
            QVERIFY(RequestIds::isAcceptable(id));
            QVERIFY(!seen.contains(id));
        }
    }

    void envelopeSuccess()
    {
        const QJsonObject data{{QStringLiteral("x"), 1},
                               {QStringLiteral("success"), false},
                               {QStringLiteral("timestamp"), 5}};
        const QJsonObject copy =
            QJsonDocument::fromJson(Envelope(true).success(data, "2026-01-01T00:00:00.000Z"))
                .object();
        QCOMPARE(copy.value(QStringLiteral("success")), QJsonValue(true));
        QCOMPARE(copy.value(QStringLiteral("timestamp")).toString(),
                 QStringLiteral("2026-01-01T00:00:00.000Z"));
        QCOMPARE(copy.value(QStringLiteral("x")).toInt(), 1);
        QCOMPARE(copy.value(QStringLiteral("data")).toObject(), data);

        const QJsonObject plain = Envelope(false).successObject(data, "t");
        QCOMPARE(plain.size(), 3);
        QVERIFY(!plain.contains(QStringLiteral("x")));
        QVERIFY(!Envelope(false).topLevelCopy());
    }

    // A pre-rendered envelope gives the same bytes as rendering it each time.
    void envelopeSuccessTemplate()
    {
        const QJsonObject data{
            {QStringLiteral("user"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Ann")},
                                                 {QStringLiteral("id"), QStringLiteral("u1")}}}};
        const QByteArray ts = "2026-01-01T00:00:00.000Z";
        for (const bool copy : {true, false}) {
            const Envelope envelope(copy);
            const std::optional<JsonTemplate> t = envelope.successTemplate(data);
            QVERIFY(t);
            QCOMPARE(t->slotCount(), 1);
            QCOMPARE(t->render({'"' + ts + '"'}), envelope.success(data, ts));
        }
        // Data whose own text holds a slot marker is not made a template (a name like that
        // would otherwise be replaced by the timestamp).
        const QJsonObject marked{{QStringLiteral("name"), JsonTemplate::slot("ts")}};
        QVERIFY(!Envelope(true).successTemplate(marked));
        QVERIFY(!Envelope(false).successTemplate(marked));
    }

    void envelopeError()
    {
        Error e = Error::make(ErrorCode::NotFound, QStringLiteral("Not here"));
        const QJsonObject o =
            QJsonDocument::fromJson(Envelope().error(e, "rid-1", "2026-01-01T00:00:00.000Z"))
                .object();
        QCOMPARE(o.value(QStringLiteral("success")), QJsonValue(false));
        QCOMPARE(o.value(QStringLiteral("code")).toString(), QStringLiteral("NOT_FOUND"));
        QCOMPARE(o.value(QStringLiteral("message")).toString(), QStringLiteral("Not here"));
        QCOMPARE(o.value(QStringLiteral("requestId")).toString(), QStringLiteral("rid-1"));
        QCOMPARE(o.value(QStringLiteral("timestamp")).toString(),
                 QStringLiteral("2026-01-01T00:00:00.000Z"));
        const QJsonObject inner = o.value(QStringLiteral("error")).toObject();
        QCOMPARE(inner.value(QStringLiteral("code")).toString(), QStringLiteral("NOT_FOUND"));
        QCOMPARE(inner.value(QStringLiteral("message")).toString(), QStringLiteral("Not here"));
        QVERIFY(!inner.contains(QStringLiteral("fields")));
    }
};

QTEST_GUILESS_MAIN(tst_ResponseText)
#include "tst_response_text.moc"
