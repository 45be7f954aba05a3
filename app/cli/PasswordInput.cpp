#include "PasswordInput.h"

#include <cstdio>
#include <optional>
#include <string>

#include <sodium.h>
#include <termios.h>
#include <unistd.h>

namespace {

void wipe(std::string &s)
{
    if (!s.empty())
        sodium_memzero(s.data(), s.size());
    s.clear();
}

// Restores the terminal's echo however the read ends.
class EchoOff
{
public:
    EchoOff()
    {
        if (tcgetattr(STDIN_FILENO, &m_saved) != 0)
            return;
        termios quiet = m_saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        quiet.c_lflag |= ECHONL;
        m_active = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
    }
    ~EchoOff()
    {
        if (m_active)
            tcsetattr(STDIN_FILENO, TCSANOW, &m_saved);
    }
    EchoOff(const EchoOff &) = delete;
    EchoOff &operator=(const EchoOff &) = delete;

private:
    termios m_saved{};
    bool m_active = false;
};

} // namespace

bool PasswordInput::stdinIsTerminal()
{
    return isatty(STDIN_FILENO) == 1;
}

cr::Result<QString> PasswordInput::readLine(bool noEcho, const QString &prompt)
{
    if (!prompt.isEmpty()) {
        std::fputs(qPrintable(prompt), stderr);
        std::fflush(stderr);
    }
    std::string line;
    {
        std::optional<EchoOff> echo;
        if (noEcho)
            echo.emplace();
        int c = 0;
        while ((c = std::fgetc(stdin)) != EOF && c != '\n')
            line.push_back(char(c));
        if (c == EOF && line.empty())
            return cr::Error::make(cr::ErrorCode::ValidationError,
                                   QStringLiteral("no password given on standard input"));
    }
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    QString password = QString::fromUtf8(line.data(), qsizetype(line.size()));
    wipe(line);
    return password;
}

cr::Result<QString> PasswordInput::read(const QString &prompt)
{
    if (!stdinIsTerminal())
        return readLine(false, QString());
    cr::Result<QString> first = readLine(true, prompt);
    if (!first)
        return first;
    cr::Result<QString> second = readLine(true, QStringLiteral("Repeat the password: "));
    if (!second)
        return second;
    if (first.value() != second.value())
        return cr::Error::make(cr::ErrorCode::ValidationError,
                               QStringLiteral("the two passwords differ"));
    return first;
}
