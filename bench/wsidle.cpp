// cr-bench-wsidle: opens N WebSockets to a CodeRunner /ws endpoint, waits until every one has
// received its `welcome` message, holds them open for a while, then reports and closes them.
//
//   cr-bench-wsidle --url ws://127.0.0.1:PORT/ws --count 1000 --hold-ms 4000 --timeout-ms 20000
//
// Output (stdout, one line each, machine-readable "key value" pairs):
//   welcomed N of M in T ms       every welcome arrived (or the timeout hit)
//   held N                         printed once all are welcomed: the caller samples the server now
//   still-open N of M after T ms   after the hold: how many never closed
// Exit code 0 only when all M were welcomed and all were still open at the end.
// Bounded: connects in batches, gives up after --timeout-ms, and always exits after the hold.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <cstdio>
#include <memory>
#include <vector>

namespace {

struct Options
{
    QUrl url;
    int count = 1000;
    int batch = 100;
    int holdMs = 4000;
    int timeoutMs = 20000;
};

class Holder : public QObject
{
public:
    explicit Holder(Options options)
        : m_opt(std::move(options))
    {}

    void start()
    {
        m_clock.start();
        m_sockets.reserve(size_t(m_opt.count));
        QTimer::singleShot(m_opt.timeoutMs, this, [this] {
            if (!m_allWelcomed)
                finishWelcome();
        });
        openBatch();
    }

private:
    void openBatch()
    {
        // A batch at a time, the next one when this one is welcomed (or after a short pause), so
        // the server's accept queue is never flooded with the whole lot.
        const int end = qMin(m_opt.count, m_opened + m_opt.batch);
        for (; m_opened < end; ++m_opened) {
            auto ws = std::make_unique<QWebSocket>();
            QWebSocket *raw = ws.get();
            connect(raw, &QWebSocket::textMessageReceived, this, [this, raw](const QString &text) {
                if (raw->property("welcomed").toBool())
                    return;
                if (!text.contains(QStringLiteral("\"welcome\"")))
                    return;
                raw->setProperty("welcomed", true);
                ++m_welcomed;
                if (m_welcomed == m_opt.count)
                    finishWelcome();
                else if (m_welcomed == m_opened && m_opened < m_opt.count)
                    openBatch();
            });
            connect(raw, &QWebSocket::disconnected, this, [this] { ++m_closed; });
            raw->open(m_opt.url);
            m_sockets.push_back(std::move(ws));
        }
    }

    void finishWelcome()
    {
        if (m_allWelcomed)
            return;
        m_allWelcomed = true;
        std::printf("welcomed %d of %d in %lld ms\n", m_welcomed, m_opt.count,
                    static_cast<long long>(m_clock.elapsed()));
        if (m_welcomed == m_opt.count)
            std::printf("held %d\n", m_welcomed);
        std::fflush(stdout);
        if (m_welcomed != m_opt.count) {
            closeAll(3);
            return;
        }
        QTimer::singleShot(m_opt.holdMs, this, [this] {
            int open = 0;
            for (const auto &ws : m_sockets) {
                if (ws->state() == QAbstractSocket::ConnectedState)
                    ++open;
            }
            std::printf("still-open %d of %d after %d ms\n", open, m_opt.count, m_opt.holdMs);
            std::fflush(stdout);
            closeAll(open == m_opt.count ? 0 : 4);
        });
    }

    void closeAll(int exitCode)
    {
        for (const auto &ws : m_sockets)
            ws->abort();
        QCoreApplication::exit(exitCode);
    }

    Options m_opt;
    std::vector<std::unique_ptr<QWebSocket>> m_sockets;
    QElapsedTimer m_clock;
    int m_opened = 0;
    int m_welcomed = 0;
    int m_closed = 0;
    bool m_allWelcomed = false;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cr-bench-wsidle"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Holds N idle WebSockets to CodeRunner /ws."));
    parser.addHelpOption();
    const QCommandLineOption urlOpt(QStringLiteral("url"), QStringLiteral("ws:// URL of /ws."),
                                    QStringLiteral("url"));
    const QCommandLineOption countOpt(QStringLiteral("count"), QStringLiteral("Connections."),
                                      QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption batchOpt(QStringLiteral("batch"),
                                      QStringLiteral("Connections opened at a time."),
                                      QStringLiteral("n"), QStringLiteral("100"));
    const QCommandLineOption holdOpt(QStringLiteral("hold-ms"),
                                     QStringLiteral("How long to hold them once all are welcomed."),
                                     QStringLiteral("ms"), QStringLiteral("4000"));
    const QCommandLineOption timeoutOpt(QStringLiteral("timeout-ms"),
                                        QStringLiteral("Give up waiting for welcomes after this."),
                                        QStringLiteral("ms"), QStringLiteral("20000"));
    parser.addOptions({urlOpt, countOpt, batchOpt, holdOpt, timeoutOpt});
    parser.process(app);

    Options opt;
    opt.url = QUrl(parser.value(urlOpt));
    opt.count = parser.value(countOpt).toInt();
    opt.batch = qMax(1, parser.value(batchOpt).toInt());
    opt.holdMs = qBound(0, parser.value(holdOpt).toInt(), 600000);
    opt.timeoutMs = qBound(100, parser.value(timeoutOpt).toInt(), 600000);
    const QString host = opt.url.host();
    if (!opt.url.isValid() || opt.url.scheme() != u"ws" || opt.count < 1 ||
        (host != u"127.0.0.1" && host != u"localhost" && host != u"::1")) {
        std::fprintf(stderr, "cr-bench-wsidle: need --url ws://127.0.0.1:PORT/ws and --count >= 1 "
                             "(loopback only)\n");
        return 2;
    }

    Holder holder(opt);
    QTimer::singleShot(0, &holder, [&holder] { holder.start(); });
    return app.exec();
}
