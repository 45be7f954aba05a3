<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>StatusPresentation</name>
    <message>
        <source>Stopped</source>
        <translation>Gestoppt</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Wird beendet…</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Healthy</source>
        <translation>Gesund</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Eingeschränkt</translation>
    </message>
    <message>
        <source>Unhealthy</source>
        <translation>Gestört</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Ausgefallen</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Disk space</source>
        <translation>Speicherplatz</translation>
    </message>
    <message>
        <source>%1 d %2</source>
        <comment>uptime: days, then hh:mm:ss</comment>
        <translation>%1 Tg. %2</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Arbeitsspeicher</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Event loop</source>
        <translation>Ereignisschleife</translation>
    </message>
    <message>
        <source>Secret store</source>
        <translation>Schlüsselspeicher</translation>
    </message>
</context>
<context>
    <name>cr::DashboardArea</name>
    <message>
        <source>No dashboards yet</source>
        <translation>Noch keine Dashboards</translation>
    </message>
    <message>
        <source>Dashboards arrive with the observability/console issue: request rates, latency, errors and WebSocket traffic will be charted here.

Until then, the panel on the left shows where the server listens and how healthy it is.</source>
        <translation>Dashboards kommen mit dem Observability-/Konsolen-Issue: Hier werden dann Anfrageraten, Latenzen, Fehler und WebSocket-Verkehr als Diagramme angezeigt.

Bis dahin zeigt der Bereich links, wo der Server lauscht und wie gesund er ist.</translation>
    </message>
    <message>
        <source>Dashboards</source>
        <translation>Dashboards</translation>
    </message>
</context>
<context>
    <name>cr::EmbeddedSource</name>
    <message>
        <source>Embedded server</source>
        <translation>Eingebetteter Server</translation>
    </message>
    <message>
        <source>The server is not running.</source>
        <translation>Der Server läuft nicht.</translation>
    </message>
    <message>
        <source>The server&apos;s accounts are not available yet.</source>
        <translation>Die Konten des Servers sind noch nicht verfügbar.</translation>
    </message>
</context>
<context>
    <name>cr::FirstRunDialog</name>
    <message>
        <source>Create the administrator</source>
        <translation>Administrator anlegen</translation>
    </message>
    <message>
        <source>This server has no administrator yet. Create the first administrator account: it can manage users, roles and the server&apos;s settings.</source>
        <translation>Dieser Server hat noch keinen Administrator. Legen Sie das erste Administratorkonto an: Es verwaltet Benutzer, Rollen und die Einstellungen des Servers.</translation>
    </message>
    <message>
        <source>admin@example.com</source>
        <translation>admin@example.com</translation>
    </message>
    <message>
        <source>at least 12 characters</source>
        <translation>mindestens 12 Zeichen</translation>
    </message>
    <message>
        <source>E-mail:</source>
        <translation>E-Mail:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <source>Confirm password:</source>
        <translation>Passwort bestätigen:</translation>
    </message>
    <message>
        <source>Create administrator</source>
        <translation>Administrator anlegen</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Später</translation>
    </message>
    <message>
        <source>Creating…</source>
        <translation>Wird angelegt…</translation>
    </message>
    <message>
        <source>Enter an e-mail address.</source>
        <translation>Geben Sie eine E-Mail-Adresse ein.</translation>
    </message>
    <message>
        <source>The passwords do not match.</source>
        <translation>Die Passwörter stimmen nicht überein.</translation>
    </message>
</context>
<context>
    <name>cr::HealthPanel</name>
    <message>
        <source>Health</source>
        <translation>Systemzustand</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <source>WebSocket clients:</source>
        <translation>WebSocket-Clients:</translation>
    </message>
    <message>
        <source>Uptime:</source>
        <translation>Laufzeit:</translation>
    </message>
    <message>
        <source>Last check:</source>
        <translation>Letzte Prüfung:</translation>
    </message>
    <message>
        <source>Not running</source>
        <translation>Läuft nicht</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
</context>
<context>
    <name>cr::MainWindow</name>
    <message>
        <source>CodeRunner Console</source>
        <translation>CodeRunner-Konsole</translation>
    </message>
    <message>
        <source>CodeRunner %1</source>
        <translation>CodeRunner %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Stop the server and leave the console</source>
        <translation>Server stoppen und die Konsole verlassen</translation>
    </message>
    <message>
        <source>The server is stopped.</source>
        <translation>Der Server ist gestoppt.</translation>
    </message>
    <message>
        <source>Starting the server…</source>
        <translation>Server wird gestartet…</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>Lauscht auf %1</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Wird beendet…</translation>
    </message>
    <message>
        <source>The server failed: %1</source>
        <translation>Der Server ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Administrator %1 created. Sign in with it to manage the server.</source>
        <translation>Administrator %1 angelegt. Melden Sie sich damit an, um den Server zu verwalten.</translation>
    </message>
</context>
<context>
    <name>cr::ServerPanel</name>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the address to the clipboard</source>
        <translation>Adresse in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>Quelle:</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Listening on:</source>
        <translation>Lauscht auf:</translation>
    </message>
    <message>
        <source>not listening</source>
        <translation>lauscht nicht</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>CodeRunner Console</source>
        <translation>CodeRunner-Konsole</translation>
    </message>
    <message>
        <source>The settings are not valid:
%1</source>
        <translation>Die Einstellungen sind ungültig:
%1</translation>
    </message>
    <message>
        <source>CodeRunner operations console with an embedded API server.</source>
        <translation>CodeRunner-Betriebskonsole mit eingebettetem API-Server.</translation>
    </message>
</context>
</TS>
