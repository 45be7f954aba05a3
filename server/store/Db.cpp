#include "store/Db.h"

#include "store/Connection.h"
#include "store/StoreLogging.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace cr {
namespace {

// Values as both backends store them alike: booleans as 0/1 (PostgreSQL would send TRUE into
// an INTEGER column), a null QString as '' (SQLite would bind it as NULL, PostgreSQL as '').
// A NULL is a default-constructed QVariant.
QVariant portable(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool() ? 1 : 0;
    case QMetaType::QString:
        return value.toString().isNull() ? QVariant(QStringLiteral("")) : value;
    default:
        return value;
    }
}

} // namespace

Db::Db(std::unique_ptr<Connection> connection)
    : m_connection(std::move(connection))
{}

Db::~Db()
{
    if (m_inTransaction)
        rollback();
}

Backend Db::backend() const
{
    return m_connection->backend();
}

const DatabaseConfig &Db::config() const
{
    return m_connection->config();
}

Status Db::open()
{
    return m_connection->open();
}

Result<Rows> Db::query(Sql sql, const QVariantList &values, Retry retry)
{
    Result<Outcome> r = run(sql, values, Kind::Rows, retry);
    if (!r)
        return r.error();
    return std::move(r.value().rows);
}

Result<QVariant> Db::scalar(Sql sql, const QVariantList &values, Retry retry)
{
    Result<Rows> r = query(sql, values, retry);
    if (!r)
        return r.error();
    return r.value().value(0, 0);
}

Result<int> Db::exec(Sql sql, const QVariantList &values, Retry retry)
{
    Result<Outcome> r = run(sql, values, Kind::Count, retry);
    if (!r)
        return r.error();
    return r.value().rowsAffected;
}

Status Db::execUnprepared(Sql sql)
{
    Result<Outcome> r = run(sql, {}, Kind::Unprepared, Retry::Never);
    if (!r)
        return r.error();
    return {};
}

Db::Activity Db::takeActivity()
{
    const Activity a = m_activity;
    m_activity = Activity();
    return a;
}

Result<Db::Outcome> Db::run(Sql sql, const QVariantList &values, Kind kind, Retry retry)
{
    QElapsedTimer timer;
    if (m_observer)
        timer.start();
    m_outage = false;
    Result<Outcome> r = runStatement(sql, values, kind, retry);
    if (r)
        ++m_activity.succeeded;
    else if (m_outage)
        ++m_activity.outages;
    if (m_observer)
        m_observer(double(timer.nsecsElapsed()) / 1e9, r.ok());
    return r;
}

Result<Db::Outcome> Db::runStatement(Sql sql, const QVariantList &values, Kind kind, Retry retry)
{
    if (m_transactionLost)
        return SqlErrors::transactionLost();
    if (!m_connection->isOpen()) {
        if (m_inTransaction) { // closed under an open transaction: it is gone
            m_transactionLost = true;
            return SqlErrors::transactionLost();
        }
        if (Status st = m_connection->open(); !st) {
            m_outage = true;
            return st.error();
        }
    }
    Outcome outcome = runOnce(sql, values, kind);
    if (outcome.ok)
        return outcome;

    if (backend() == Backend::Postgres && outcome.failure.connectionLost) {
        qCWarning(lcStore).noquote()
            << "database connection" << m_connection->name() << "lost; reopening"
            << QString(u'(' + config().redacted() + u')');
        m_connection->close();
        if (m_inTransaction) {
            m_transactionLost = true;
            m_outage = true;
            return SqlErrors::transactionLost();
        }
        if (Status st = m_connection->open(); !st) {
            m_outage = true;
            return st.error();
        }
        const bool safe = retry == Retry::Idempotent ||
                          (retry == Retry::Auto && sql.isReadOnly()) ||
                          (retry != Retry::Never && outcome.failure.notApplied);
        if (!safe) {
            m_outage = true;
            return outcome.failure.error;
        }
        outcome = runOnce(sql, values, kind);
        if (outcome.ok)
            return outcome;
        if (outcome.failure.connectionLost)
            m_connection->close(); // reopened by the next statement
        m_outage = outcome.failure.outage;
        return outcome.failure.error;
    }
    m_outage = outcome.failure.outage;

    if (m_inTransaction && !m_transactionFailed) {
        m_transactionFailed = true;
        m_transactionError = outcome.failure.error;
    }
    return outcome.failure.error;
}

Db::Outcome Db::runOnce(Sql sql, const QVariantList &values, Kind kind)
{
    if (kind == Kind::Unprepared) {
        QSqlQuery q = m_connection->plainQuery();
        if (!q.exec(sql.toString()))
            return failed(sql, q.lastError());
        Outcome out;
        out.ok = true;
        return out;
    }

    QSqlError prepareError;
    QSqlQuery *q = m_connection->prepared(sql, &prepareError);
    if (!q) {
        Outcome out = failed(sql, prepareError);
        out.failure.notApplied = true; // it never ran: preparing failed
        return out;
    }
    for (int i = 0; i < values.size(); ++i)
        q->bindValue(i, portable(values.at(i)));
    if (!q->exec()) {
        const QSqlError error = q->lastError();
        q->finish();
        return failed(sql, error);
    }
    Outcome out;
    if (kind == Kind::Rows) {
        const QSqlRecord record = q->record();
        QStringList columns;
        columns.reserve(record.count());
        for (int c = 0; c < record.count(); ++c)
            columns << record.fieldName(c);
        QList<QVariantList> rows;
        while (q->next()) {
            QVariantList row;
            row.reserve(columns.size());
            for (int c = 0; c < columns.size(); ++c)
                row << q->value(c);
            rows << std::move(row);
        }
        if (q->lastError().isValid()) { // failed while fetching (e.g. statement_timeout)
            const QSqlError error = q->lastError();
            q->finish();
            return failed(sql, error);
        }
        out.rows = Rows(std::move(columns), std::move(rows));
    }
    out.rowsAffected = q->numRowsAffected();
    q->finish(); // no cursor (or SQLite read transaction) stays open
    out.ok = true;
    return out;
}

Db::Outcome Db::failed(Sql sql, const QSqlError &error)
{
    Outcome out;
    out.failure = SqlErrors::classify(error, backend());
    qCDebug(lcStore).noquote() << "statement failed on" << m_connection->name() << "["
                               << error.nativeErrorCode() << "]" << config().redact(error.text())
                               << "| SQL:" << sql.toString();
    return out;
}

Status Db::begin(bool write)
{
    if (m_inTransaction)
        return Error::make(ErrorCode::Internal,
                           QStringLiteral("a transaction is already open on this connection"));
    // A deferred SQLite transaction that reads first fails at once (SQLITE_BUSY, no busy
    // wait) when it later tries to write while another connection writes: writers take the
    // lock up front and wait for it under the busy timeout instead.
    const Sql statement =
        backend() == Backend::Sqlite && write ? Sql("BEGIN IMMEDIATE") : Sql("BEGIN");
    // Nothing has happened yet: after a lost connection BEGIN is simply tried again.
    Result<Outcome> r = run(statement, {}, Kind::Unprepared, Retry::Idempotent);
    if (!r)
        return r.error();
    m_inTransaction = true;
    m_transactionLost = false;
    m_transactionFailed = false;
    return {};
}

Status Db::commit()
{
    if (!m_inTransaction)
        return Error::make(ErrorCode::Internal, QStringLiteral("no transaction is open"));
    if (m_transactionLost) {
        m_inTransaction = false;
        m_transactionLost = false;
        return SqlErrors::transactionLost();
    }
    if (m_transactionFailed) {
        // PostgreSQL would answer COMMIT with a silent ROLLBACK; SQLite would commit the
        // statements that worked. Both do the same here: nothing of it is saved.
        const Error error = m_transactionError;
        rollback();
        return error;
    }
    Result<Outcome> r = run(Sql("COMMIT"), {}, Kind::Unprepared, Retry::Never);
    if (!r) {
        m_transactionFailed = false; // the caller rolls back
        if (m_transactionLost) {
            m_inTransaction = false;
            m_transactionLost = false;
            return Error::make(ErrorCode::DependencyUnavailable,
                               QStringLiteral("the database connection was lost while "
                                              "committing; the outcome is unknown"));
        }
        return r.error();
    }
    m_inTransaction = false;
    return {};
}

void Db::rollback()
{
    if (!m_inTransaction)
        return;
    if (!m_transactionLost && m_connection->isOpen()) {
        QSqlQuery q = m_connection->plainQuery();
        if (!q.exec(QStringLiteral("ROLLBACK"))) {
            const SqlFailure f = SqlErrors::classify(q.lastError(), backend());
            qCDebug(lcStore).noquote() << "ROLLBACK failed on" << m_connection->name() << ":"
                                       << config().redact(q.lastError().text());
            if (f.connectionLost)
                m_connection->close();
        }
    }
    m_inTransaction = false;
    m_transactionLost = false;
    m_transactionFailed = false;
}

} // namespace cr
