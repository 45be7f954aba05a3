#include "telemetry/DatabaseCheck.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QUuid>

namespace cr {

DatabaseCheck::DatabaseCheck(QString databasePath)
    : m_path(std::move(databasePath))
    , m_connection(QStringLiteral("cr-health-") +
                   QUuid::createUuid().toString(QUuid::WithoutBraces))
{}

DatabaseCheck::~DatabaseCheck()
{
    if (QSqlDatabase::contains(m_connection)) {
        QSqlDatabase::database(m_connection, false).close();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

CheckResult DatabaseCheck::run()
{
    CheckResult r;
    r.name = name();
    QElapsedTimer timer;
    timer.start();
    if (!QSqlDatabase::contains(m_connection)) {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
        db.setDatabaseName(m_path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=1000"));
    }
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    bool ok = db.isOpen() || db.open();
    if (ok) {
        QSqlQuery q(db);
        ok = q.exec(QStringLiteral("SELECT 1")) && q.next() && q.value(0).toInt() == 1;
    }
    if (!ok)
        db.close(); // reopened on the next round
    r.latencyMs = double(timer.nsecsElapsed()) / 1e6;
    r.status = ok ? CheckStatus::Ok : CheckStatus::Down;
    r.details.insert(QStringLiteral("backend"), QStringLiteral("sqlite"));
    r.details.insert(QStringLiteral("connected"), ok);
    return r;
}

} // namespace cr
