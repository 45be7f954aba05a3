#include "store/Transaction.h"

#include "store/Db.h"

namespace cr {

Transaction::Transaction(Db &db, Mode mode)
    : m_db(db)
    , m_begun(db.begin(mode == Mode::Write))
{}

Transaction::~Transaction()
{
    rollback();
}

Status Transaction::commit()
{
    if (!m_begun)
        return m_begun.error();
    if (m_finished)
        return Error::make(ErrorCode::Internal, QStringLiteral("the transaction is over"));
    Status st = m_db.commit();
    if (st) {
        m_finished = true;
        return st;
    }
    rollback();
    return st;
}

void Transaction::rollback()
{
    if (!m_begun || m_finished)
        return;
    m_finished = true;
    m_db.rollback();
}

} // namespace cr
