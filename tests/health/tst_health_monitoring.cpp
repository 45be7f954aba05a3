// packaging/monitoring: the Prometheus alerting rules pass `promtool check rules` (skipped only
// when promtool is absent), and every expression of the rules and of the Grafana dashboard
// uses only the metric names CodeRunner exports.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTest>

namespace {

const QString kDir = QStringLiteral(CR_MONITORING_DIR);

// The exported names (docs/OBSERVABILITY.md); histograms also as _bucket, _sum and _count.
QSet<QString> exportedNames()
{
    const QStringList plain = {
        QStringLiteral("coderunner_http_requests_total"),
        QStringLiteral("coderunner_http_requests_in_flight"),
        QStringLiteral("coderunner_http_response_size_bytes_total"),
        QStringLiteral("coderunner_websocket_connections"),
        QStringLiteral("coderunner_websocket_messages_total"),
        QStringLiteral("coderunner_rate_limit_hits_total"),
        QStringLiteral("coderunner_logins_total"),
        QStringLiteral("coderunner_db_up"),
        QStringLiteral("coderunner_event_loop_lag_seconds"),
        QStringLiteral("coderunner_circuit_breaker_state"),
        QStringLiteral("coderunner_health_check_status"),
        QStringLiteral("coderunner_build_info"),
        QStringLiteral("coderunner_process_threads"),
        QStringLiteral("process_cpu_seconds_total"),
        QStringLiteral("process_resident_memory_bytes"),
        QStringLiteral("process_open_fds"),
        QStringLiteral("process_start_time_seconds"),
    };
    QSet<QString> out(plain.begin(), plain.end());
    for (const char *h :
         {"coderunner_http_request_duration_seconds", "coderunner_db_query_duration_seconds"}) {
        for (const char *suffix : {"_bucket", "_sum", "_count"})
            out.insert(QLatin1String(h) + QLatin1String(suffix));
    }
    return out;
}

// The metric names an expression reads: identifiers that are not functions (followed by "("),
// keywords, label names (inside {...} or the parentheses after by/without/on/ignoring/
// group_left/group_right), strings, ranges or Grafana variables.
QStringList metricNames(QString expr)
{
    expr.remove(QRegularExpression(QStringLiteral("\"(?:[^\"\\\\]|\\\\.)*\"")));
    expr.remove(QRegularExpression(QStringLiteral("\\{[^}]*\\}")));
    expr.remove(QRegularExpression(QStringLiteral("\\[[^\\]]*\\]")));
    expr.remove(QRegularExpression(
        QStringLiteral("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)")));
    expr.remove(QRegularExpression(QStringLiteral("\\$\\w+")));
    static const QSet<QString> keywords = {
        QStringLiteral("by"),         QStringLiteral("without"),     QStringLiteral("on"),
        QStringLiteral("ignoring"),   QStringLiteral("bool"),        QStringLiteral("and"),
        QStringLiteral("or"),         QStringLiteral("unless"),      QStringLiteral("offset"),
        QStringLiteral("group_left"), QStringLiteral("group_right"), QStringLiteral("e"),
        QStringLiteral("inf"),        QStringLiteral("nan")};
    QStringList out;
    const QRegularExpression ident(QStringLiteral("([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?"));
    for (auto it = ident.globalMatch(expr); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedStart(1) > 0) {
            const QChar before = expr.at(m.capturedStart(1) - 1);
            if (before.isDigit() || before == u'.')
                continue; // an exponent: 1e-9
        }
        if (!m.captured(2).isEmpty() || keywords.contains(m.captured(1).toLower()))
            continue;
        out << m.captured(1);
    }
    return out;
}

QByteArray readAll(const QString &name)
{
    QFile f(kDir + u'/' + name);
    if (!f.open(QIODevice::ReadOnly))
        return QByteArray();
    return f.readAll();
}

void collectExprs(const QJsonValue &v, QStringList *out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (it.key() == u"expr" && it.value().isString())
                out->append(it.value().toString());
            else
                collectExprs(it.value(), out);
        }
    } else if (v.isArray()) {
        for (const QJsonValue &x : v.toArray())
            collectExprs(x, out);
    }
}

// The expr values of the rules file: "expr: ..." on one line, or "expr: |" and the indented
// lines below it.
QStringList ruleExprs(const QByteArray &yaml)
{
    QStringList out;
    const QList<QByteArray> lines = yaml.split('\n');
    for (int i = 0; i < lines.size(); ++i) {
        const QByteArray t = lines.at(i).trimmed();
        if (!t.startsWith("expr:"))
            continue;
        const QByteArray rest = t.mid(5).trimmed();
        if (rest != "|" && rest != ">") {
            out << QString::fromUtf8(rest);
            continue;
        }
        const int indent = int(lines.at(i).indexOf("expr:"));
        QString block;
        for (++i; i < lines.size(); ++i) {
            const QByteArray &l = lines.at(i);
            const int lead =
                int(l.size() - l.trimmed().size() == 0 ? l.size() : l.indexOf(l.trimmed()));
            if (!l.trimmed().isEmpty() && lead <= indent) {
                --i;
                break;
            }
            block += QString::fromUtf8(l) + u'\n';
        }
        out << block;
    }
    return out;
}

} // namespace

class TestMonitoring : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void checker()
    {
        QCOMPARE(metricNames(QStringLiteral(
                     "histogram_quantile(0.95, sum by (le, route) (rate(x_bucket{a=\"b\"}[5m])))"
                     " / clamp_min(sum(rate(y_total[$__rate_interval])), 1e-9) > 0.02")),
                 (QStringList{QStringLiteral("x_bucket"), QStringLiteral("y_total")}));
        QCOMPARE(metricNames(QStringLiteral("time() - process_start_time_seconds")),
                 QStringList{QStringLiteral("process_start_time_seconds")});
    }

    void promtoolChecksRules()
    {
        const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        if (promtool.isEmpty())
            QSKIP("promtool is not installed (Debian package prometheus)");
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(promtool, {QStringLiteral("check"), QStringLiteral("rules"),
                           kDir + QStringLiteral("/coderunner-alerts.yml")});
        QVERIFY(p.waitForFinished(60000));
        const QString output = QString::fromUtf8(p.readAll());
        QVERIFY2(p.exitCode() == 0, qPrintable(output));
        QVERIFY2(output.contains(QLatin1String("SUCCESS")), qPrintable(output));
    }

    void rulesUseExportedMetrics()
    {
        const QByteArray yaml = readAll(QStringLiteral("coderunner-alerts.yml"));
        QVERIFY(!yaml.isEmpty());
        const QStringList exprs = ruleExprs(yaml);
        QCOMPARE(exprs.size(), yaml.count("- alert:"));
        const QSet<QString> exported = exportedNames();
        for (const QString &expr : exprs) {
            const QStringList names = metricNames(expr);
            QVERIFY2(!names.isEmpty(), qPrintable(expr));
            for (const QString &n : names)
                QVERIFY2(exported.contains(n), qPrintable(n + QStringLiteral(" in ") + expr));
        }
        // The server's default rules are all there.
        for (const char *name :
             {"CodeRunnerHighLatencyP95", "CodeRunnerHighErrorRate", "CodeRunnerFailedLogins",
              "CodeRunnerHighMemory", "CodeRunnerHighCpu", "CodeRunnerCircuitBreakerOpen",
              "CodeRunnerUnhealthy"})
            QVERIFY2(yaml.contains(QByteArray(QByteArray("- alert: ") + name)), name);
    }

    void dashboardIsValidAndUsesExportedMetrics()
    {
        const QByteArray bytes = readAll(QStringLiteral("coderunner-dashboard.json"));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
        QVERIFY2(doc.isObject(), qPrintable(error.errorString()));
        const QJsonObject dashboard = doc.object();
        QVERIFY(!dashboard.value(QStringLiteral("title")).toString().isEmpty());
        const QJsonArray panels = dashboard.value(QStringLiteral("panels")).toArray();
        QVERIFY(panels.size() >= 10);
        QStringList exprs;
        collectExprs(dashboard, &exprs);
        QVERIFY(exprs.size() >= panels.size());
        const QSet<QString> exported = exportedNames();
        QSet<QString> used;
        for (const QString &expr : std::as_const(exprs)) {
            const QStringList names = metricNames(expr);
            QVERIFY2(!names.isEmpty(), qPrintable(expr));
            for (const QString &n : names) {
                QVERIFY2(exported.contains(n), qPrintable(n + QStringLiteral(" in ") + expr));
                used.insert(n);
            }
        }
        // Every exported family appears somewhere on the dashboard.
        for (const QString &n : exported) {
            if (n.endsWith(QLatin1String("_sum")) || n.endsWith(QLatin1String("_count")))
                continue;
            QVERIFY2(used.contains(n), qPrintable(n + QStringLiteral(" is not on the dashboard")));
        }
        for (const QJsonValue &p : panels) {
            const QJsonObject panel = p.toObject();
            QVERIFY(!panel.value(QStringLiteral("title")).toString().isEmpty());
            QVERIFY(panel.value(QStringLiteral("gridPos")).isObject());
            QVERIFY(!panel.value(QStringLiteral("targets")).toArray().isEmpty());
        }
    }
};

QTEST_GUILESS_MAIN(TestMonitoring)
#include "tst_health_monitoring.moc"
