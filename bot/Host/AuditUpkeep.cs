using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Storage;

namespace SuccessBot.Host;

/// <summary>
/// What the host does for the audit log: records a change of `Team:Managers` (who may see team-wide figures) at start,
/// and trims entries older than `Audit:Days` at start and every day after.
/// </summary>
public sealed class AuditUpkeep(IAuditLog audit, IChangeFeed feed, TeamSettings team, IConfiguration config, TimeProvider clock, ILogger<AuditUpkeep> log) : BackgroundService
{
    public const string ManagersChanged = "settings: managers";
    public const int DefaultDays = 400;

    public int Days { get; } = Settings.WholeNumber(config, "Audit:Days", DefaultDays, min: 1);

    /// <summary>Records the managers when they differ from the last list the log holds.</summary>
    public void RecordManagers()
    {
        var now = clock.GetUtcNow();
        var managers = string.Join(", ", team.Managers.Select(m => m.Trim().ToLowerInvariant()).Where(m => m.Length > 0).Distinct().Order(StringComparer.Ordinal));
        audit.Recorded<bool>(() =>
        {
            var last = audit.AuditEntries(action: ManagersChanged).LastOrDefault()?.Values.GetValueOrDefault("managers");
            if (last == managers || (last is null && managers.Length == 0)) return (false, null);
            var values = new Dictionary<string, string> { ["managers"] = managers };
            if (last is not null) values["before"] = last;
            return (true, new AuditEntry(now, AuditEntry.Administrator, AuditChannels.Settings, ManagersChanged, null, values));
        });
    }

    public int Trim() => audit.TrimAudit(clock.GetUtcNow().AddDays(-Days));

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            RecordManagers();
            Trim();
        }
        catch (Exception e) when (feed.IsStoreFault(e))
        {
            log.LogWarning(e, "Audit: could not record the managers or trim old entries at start; the next start tries again.");
        }
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var daily = new PeriodicTimer(TimeSpan.FromDays(1), clock);
        while (await daily.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (Trim() is var trimmed and > 0) log.LogInformation("Audit: {Count} entries older than {Days} days trimmed.", trimmed, Days);
            }
            catch (Exception e) when (feed.IsStoreFault(e))
            {
                log.LogWarning(e, "Audit: could not trim old entries; tomorrow tries again.");
            }
        }
    }
}
