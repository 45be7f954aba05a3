#pragma once

#include "core/Result.h"

namespace cr {

class Db;

// A transaction on a Db, rolled back when it goes out of scope unless commit() succeeded.
//
//     Transaction tx(db);
//     if (!tx.begun())
//         return tx.begun().error();
//     ... statements on db ...
//     return tx.commit();
//
// Write transactions start with BEGIN IMMEDIATE on SQLite (the write lock is taken at once,
// waiting under the busy timeout) and BEGIN on PostgreSQL. A statement that fails inside the
// transaction spoils it on both backends alike: commit() then rolls back and returns that
// statement's error (use INSERT ... ON CONFLICT DO NOTHING where a conflict is expected).
class Transaction
{
public:
    enum class Mode
    {
        Write,
        Read, // SQLite: a deferred BEGIN
    };

    explicit Transaction(Db &db, Mode mode = Mode::Write);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    // Whether BEGIN succeeded, and why not.
    const Status &begun() const { return m_begun; }
    bool isActive() const { return m_begun.ok() && !m_finished; }

    // Commits; on failure the transaction is rolled back (now or by the destructor).
    Status commit();
    void rollback();

private:
    Db &m_db;
    Status m_begun;
    bool m_finished = false;
};

} // namespace cr
