#include "http/HttpServer.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "core/Settings.h"
#include "http/EpollEventDispatcher.h"
#include "http/Listener.h"
#include "http/RequestIds.h"
#include "http/ResponseWriter.h"

#include <QFile>
#include <QSslKey>
#include <QThread>

#include <memory>

namespace cr {
namespace {

Result<QSslConfiguration> loadTls(const Settings &settings)
{
    if (!QSslSocket::supportsSsl())
        return Error::make(ErrorCode::Internal, QStringLiteral("TLS is not available"));
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(settings.tlsCert);
    if (chain.isEmpty())
        return Error::make(
            ErrorCode::ValidationError,
            QStringLiteral("cannot read a PEM certificate from %1").arg(settings.tlsCert));
    QFile keyFile(settings.tlsKey);
    if (!keyFile.open(QIODevice::ReadOnly))
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("cannot read the TLS key file %1").arg(settings.tlsKey));
    const QByteArray pem = keyFile.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(pem, algorithm, QSsl::Pem);
        if (!key.isNull())
            break;
    }
    if (key.isNull())
        return Error::make(
            ErrorCode::ValidationError,
            QStringLiteral("%1 holds no usable PEM private key").arg(settings.tlsKey));
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setLocalCertificateChain(chain);
    conf.setPrivateKey(key);
    conf.setPeerVerifyMode(QSslSocket::VerifyNone);
    conf.setProtocol(QSsl::TlsV1_2OrLater);
    return conf;
}

} // namespace

HttpServer::HttpServer(const Settings &settings, const Clock &clock,
                       const RequestPipeline &pipeline, const ResponseWriter &writer,
                       UpgradeHandlerFactory upgrades, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_clock(clock)
    , m_pipeline(pipeline)
    , m_writer(writer)
    , m_upgrades(std::move(upgrades))
{}

HttpServer::~HttpServer()
{
    stopThreads();
}

QString HttpServer::url() const
{
    const QString scheme =
        m_settings.tlsCert.isEmpty() ? QStringLiteral("http") : QStringLiteral("https");
    QString host = m_address.toString();
    if (m_address.protocol() == QAbstractSocket::IPv6Protocol)
        host = u'[' + host + u']';
    return scheme + QStringLiteral("://") + host + u':' + QString::number(m_port);
}

Status HttpServer::start()
{
    if (m_running)
        return {};
    std::optional<QSslConfiguration> tls;
    if (!m_settings.tlsCert.isEmpty()) {
        Result<QSslConfiguration> conf = loadTls(m_settings);
        if (!conf)
            return conf.error();
        tls = conf.value();
    }
    QHostAddress address(m_settings.bind);
    // Qt binds QHostAddress("::") with IPV6_V6ONLY set: IPv4 clients would be refused. "::"
    // means every address, IPv4 too (dual stack); the listener maps IPv4-mapped peers back.
    if (address == QHostAddress(QHostAddress::AnyIPv6))
        address = QHostAddress(QHostAddress::Any);
    if (address.isNull())
        return Error::make(
            ErrorCode::ValidationError,
            QStringLiteral("'%1' is not an IP address to bind to").arg(m_settings.bind));

    ConnectionEnv env;
    env.settings = &m_settings;
    env.clock = &m_clock;
    env.pipeline = &m_pipeline;
    env.writer = &m_writer;
    env.openConnections = &m_open;
    env.observer = m_observer;

    const int count = m_settings.effectiveWorkers();
    for (int i = 0; i < count; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("cr-worker-%1").arg(i));
        if (m_settings.workerEventLoop == QLatin1String("epoll")) {
            auto dispatcher = std::make_unique<EpollEventDispatcher>();
            if (dispatcher->isValid())
                thread->setEventDispatcher(dispatcher.release());
        }
        auto *worker = new HttpWorker(i, env, m_upgrades, tls);
        worker->moveToThread(thread);
        connect(worker, &HttpWorker::drained, this, &HttpServer::onWorkerDrained,
                Qt::QueuedConnection);
        thread->start();
        QMetaObject::invokeMethod(worker, &HttpWorker::init, Qt::BlockingQueuedConnection);
        m_threads.push_back(thread);
        m_workers.push_back(worker);
    }

    m_listenerThread = new QThread;
    m_listenerThread->setObjectName(QStringLiteral("cr-listener"));
    std::vector<HttpWorker *> workers = m_workers;
    std::atomic<unsigned> *next = &m_next;
    m_listener =
        new Listener(m_open, m_settings.maxConnections, m_settings.refuseOverLimit,
                     [workers, next](qintptr fd, const QHostAddress &peer, bool overLimit) {
                         HttpWorker *w = workers[next->fetch_add(1) % workers.size()];
                         QMetaObject::invokeMethod(
                             w,
                             [w, fd, peer, overLimit] {
                                 if (overLimit)
                                     w->refuse(fd);
                                 else
                                     w->accept(fd, peer);
                             },
                             Qt::QueuedConnection);
                     });
    m_listener->moveToThread(m_listenerThread);
    m_listenerThread->start();

    bool listening = false;
    QString why;
    const quint16 port = quint16(m_settings.port);
    QMetaObject::invokeMethod(
        m_listener,
        [&] {
            m_listener->setListenBacklogSize(1024);
            listening = m_listener->listen(address, port);
            why = m_listener->errorString();
            m_port = m_listener->serverPort();
            m_address = m_listener->serverAddress();
            if (m_address.protocol() == QAbstractSocket::AnyIPProtocol) // dual stack: "::"
                m_address = QHostAddress(QHostAddress::AnyIPv6);
        },
        Qt::BlockingQueuedConnection);
    if (!listening) {
        stopThreads();
        return Error::make(ErrorCode::Internal, QStringLiteral("cannot listen on %1:%2: %3")
                                                    .arg(m_settings.bind)
                                                    .arg(m_settings.port)
                                                    .arg(why));
    }
    m_running = true;
    m_draining = false;
    qCInfo(lcHttp) << "listening on" << url() << "with" << count << "workers";
    return {};
}

void HttpServer::shutdown()
{
    if (!m_running || m_draining)
        return;
    m_draining = true;
    QMetaObject::invokeMethod(
        m_listener, [this] { m_listener->close(); }, Qt::BlockingQueuedConnection);
    m_drainedWorkers = 0;
    const qint64 deadline = m_clock.monotonicMs() + m_settings.shutdownTimeoutMs;
    for (HttpWorker *w : m_workers)
        QMetaObject::invokeMethod(
            w, [w, deadline] { w->drain(deadline); }, Qt::QueuedConnection);
}

void HttpServer::onWorkerDrained()
{
    if (!m_draining || ++m_drainedWorkers < int(m_workers.size()))
        return;
    stopThreads();
    qCInfo(lcHttp) << "stopped";
    Q_EMIT stopped();
}

void HttpServer::stopThreads()
{
    if (m_listener) {
        Listener *listener = m_listener;
        QMetaObject::invokeMethod(
            listener, [listener] { delete listener; }, Qt::BlockingQueuedConnection);
        m_listener = nullptr;
    }
    if (m_listenerThread) {
        m_listenerThread->quit();
        m_listenerThread->wait();
        delete m_listenerThread;
        m_listenerThread = nullptr;
    }
    for (size_t i = 0; i < m_workers.size(); ++i) {
        HttpWorker *w = m_workers[i];
        QMetaObject::invokeMethod(
            w, [w] { w->stopNow(); }, Qt::BlockingQueuedConnection);
        m_threads[i]->quit();
        m_threads[i]->wait();
        delete w;
        delete m_threads[i];
    }
    m_workers.clear();
    m_threads.clear();
    m_running = false;
}

} // namespace cr
