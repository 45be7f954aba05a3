#include "ui/Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace cr {

QTranslator *installTranslations(const QLocale &locale)
{
    QCoreApplication *app = QCoreApplication::instance();
    auto *qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;

    auto *own = new QTranslator(app);
    if (!own->load(locale, QStringLiteral("coderunner"), QStringLiteral("_"),
                   QStringLiteral(":/i18n"))) {
        delete own;
        return nullptr;
    }
    QCoreApplication::installTranslator(own);
    return own;
}

} // namespace cr
