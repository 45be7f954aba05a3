#pragma once

class QLocale;
class QTranslator;

namespace cr {

// Installs the console's translation for locale (compiled into the program under :/i18n) and,
// when the system has it, Qt's own. Returns the console's translator (owned by the
// application), or nullptr when there is none for that locale (English needs none).
QTranslator *installTranslations(const QLocale &locale);

} // namespace cr
