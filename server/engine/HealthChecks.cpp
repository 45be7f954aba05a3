#include "engine/HealthChecks.h"

#include "core/KeyWrapper.h"
#include "core/Settings.h"
#include "engine/IdentityHost.h"
#include "secrets/MasterKeyProbe.h"
#include "store/ConnectionFactory.h"
#include "store/StoragePool.h"
#include "telemetry/CpuCheck.h"
#include "telemetry/DatabaseCheck.h"
#include "telemetry/DiskCheck.h"
#include "telemetry/EventLoopLagCheck.h"
#include "telemetry/HealthMonitor.h"
#include "telemetry/MemoryCheck.h"
#include "telemetry/SecretStoreCheck.h"

namespace cr {

void HealthChecks::install(HealthMonitor &monitor, const Settings &s, const Clock &clock,
                           IdentityHost &host, const QString &dataDir)
{
    StoragePool *pool = host.pool();
    monitor.addCheck(std::make_unique<DatabaseCheck>(ConnectionFactory(pool->config()),
                                                     pool->breaker(), s.healthDatabaseDegradedMs));
    monitor.addCheck(std::make_unique<DiskCheck>(
        dataDir,
        HealthThresholds{double(s.healthDiskDegradedMib), double(s.healthDiskUnhealthyMib), true}));
    monitor.addCheck(std::make_unique<MemoryCheck>(HealthThresholds{
        double(s.healthMemoryDegradedPercent), double(s.healthMemoryUnhealthyPercent)}));
    monitor.addCheck(
        std::make_unique<CpuCheck>(clock, HealthThresholds{double(s.healthCpuDegradedPercent),
                                                           double(s.healthCpuUnhealthyPercent)}));
    monitor.addCheck(std::make_unique<EventLoopLagCheck>(
        clock, HealthThresholds{double(s.healthEventLoopDegradedMs),
                                double(s.healthEventLoopUnhealthyMs)}));

    // The master key in memory, and now and then the store it came from (never a keychain
    // prompt storm: at most once a minute). Its answer says only whether it still holds this
    // key. The key may come after listening (the console): the check says "loading" until then.
    auto source = std::make_shared<SecretStoreCheck::KeySource>();
    auto publishKey = [&host, settings = s, source] {
        const std::shared_ptr<const KeyWrapper> key = host.keyWrapper();
        if (!key)
            return;
        const QString kindName = host.secretStoreKind();
        SecretStoreCheck::Probe probe;
        if (const std::optional<SecretStoreKind> kind = parseSecretStoreKind(kindName))
            probe = MasterKeyProbe::make(settings, *kind, key->keyId());
        source->set(key, kindName, std::move(probe));
    };
    publishKey();
    QObject::connect(&host, &IdentityHost::ready, &host, publishKey);
    QObject::connect(&host, &IdentityHost::unavailable, &host, [source] { source->fail(); });
    monitor.addCheck(std::make_unique<SecretStoreCheck>(clock, source));
}

} // namespace cr
