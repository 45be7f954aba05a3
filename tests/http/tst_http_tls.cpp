// TLS through real sockets, with a throwaway self-signed certificate made by the openssl CLI at
// test time: requests over TLS, and the handshake deadline for clients that never handshake.

#include "HttpTestSupport.h"
#include "RawClient.h"
#include "TestServer.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QProcess>
#include <QSslCertificate>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using httptest::request;

namespace {

constexpr int kHandshakeTimeoutMs = 300;

// A TLS client that trusts exactly one self-signed certificate.
class TlsClient
{
public:
    TlsClient(quint16 port, const QSslCertificate &trusted)
    {
        m_socket.ignoreSslErrors({QSslError(QSslError::SelfSignedCertificate, trusted)});
        m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port,
                                        QStringLiteral("localhost"));
        m_encrypted = m_socket.waitForEncrypted(5000);
    }
    bool isEncrypted() const { return m_encrypted && m_socket.isEncrypted(); }
    QString errors() const { return m_socket.errorString(); }
    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }
    std::optional<RawClient::Response> read(int timeoutMs = 5000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (true) {
            if (auto r = RawClient::takeResponse(m_buffer))
                return r;
            if (deadline.hasExpired() ||
                !m_socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
                return std::nullopt;
            m_buffer += m_socket.readAll();
        }
    }
    QSslSocket &socket() { return m_socket; }

private:
    QSslSocket m_socket;
    QByteArray m_buffer;
    bool m_encrypted = false;
};

} // namespace

class TstHttpTls : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QSslCertificate m_cert;
    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend");
        QVERIFY(m_dir.isValid());
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        QVERIFY2(!openssl.isEmpty(),
                 "the openssl command line tool is required to make a test certificate "
                 "(install the 'openssl' package)");
        const QString cert = m_dir.filePath(QStringLiteral("cert.pem"));
        const QString key = m_dir.filePath(QStringLiteral("key.pem"));
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                          QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                          QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                          QStringLiteral("-addext"), QStringLiteral("subjectAltName=DNS:localhost"),
                          QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-keyout"),
                          key, QStringLiteral("-out"), cert});
        QVERIFY2(p.waitForFinished(60000), "openssl did not finish");
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
                 p.readAll().constData());
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(cert);
        QCOMPARE(certs.size(), 1);
        m_cert = certs.first();

        cr::Settings s = TestServer::defaults();
        s.tlsCert = cert;
        s.tlsKey = key;
        s.tlsHandshakeTimeoutMs = kHandshakeTimeoutMs;
        m_server = std::make_unique<TestServer>(s);
        m_server->setExtraRoutes(&httptest::registerRoutes);
        QVERIFY(m_server->start());
        QVERIFY(m_server->engine().url().startsWith(QStringLiteral("https://")));
    }
    void cleanupTestCase() { m_server.reset(); }

    void healthOverTls()
    {
        QVERIFY(m_server->waitForHealth());
        TlsClient c(port(), m_cert);
        QVERIFY2(c.isEncrypted(), qPrintable(c.errors()));
        QCOMPARE(c.socket().peerCertificate(), m_cert);
        c.send(request("GET", "/health"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(r->json().contains(u"status"));
        QCOMPARE(httptest::securityProblems(*r), QString());

        // Keep-alive and pipelining work over TLS too.
        c.send(request("GET", "/t/seq?n=1") + request("GET", "/t/seq?n=2"));
        for (int i = 1; i <= 2; ++i) {
            const auto next = c.read();
            QVERIFY(next);
            QCOMPARE(next->json().value(u"n").toString(), QString::number(i));
        }
    }

    void bodyOverTls()
    {
        TlsClient c(port(), m_cert);
        QVERIFY2(c.isEncrypted(), qPrintable(c.errors()));
        const QByteArray body = "{\"over\":\"tls\"}";
        c.send(request("POST", "/t/echo",
                       "Content-Type: application/json\r\nContent-Length: " +
                           QByteArray::number(body.size()) + "\r\n") +
               body);
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->json().value(u"echo").toObject().value(u"over").toString(),
                 QStringLiteral("tls"));
    }

    void untrustedCertificateIsNotAccepted()
    {
        // Sanity check of the client side: without the exception the handshake fails.
        QSslSocket s;
        s.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port(), QStringLiteral("localhost"));
        QVERIFY(!s.waitForEncrypted(5000));
    }

    void clientThatNeverHandshakesIsDropped()
    {
        QElapsedTimer t; // started before the server can accept the connection
        t.start();
        RawClient c(port());
        QVERIFY(c.isConnected());
        QVERIFY(c.waitForClose(5000));
        QCOMPARE(c.pending(), QByteArray());
        QVERIFY2(t.elapsed() >= kHandshakeTimeoutMs - 10, qPrintable(QString::number(t.elapsed())));
    }

    void plainHttpGetsNoPlainAnswer()
    {
        RawClient c(port());
        c.send(request("GET", "/t/seq?n=1"));
        QVERIFY(c.waitForClose(5000));
        QVERIFY(!c.pending().contains("HTTP/1.1"));
    }

    void tlsStillServesAfterwards()
    {
        TlsClient c(port(), m_cert);
        QVERIFY2(c.isEncrypted(), qPrintable(c.errors()));
        c.send(request("GET", "/t/peer"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->json().value(u"peer").toString(), QStringLiteral("127.0.0.1"));
    }
};

QTEST_GUILESS_MAIN(TstHttpTls)
#include "tst_http_tls.moc"
