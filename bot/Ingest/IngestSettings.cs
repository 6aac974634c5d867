namespace SuccessBot.Ingest;

/// <summary>The `Ingest:*` keys: the write key Segment-speaking tools send, the feature names, the windows and limits.</summary>
public sealed record IngestSettings
{
    /// <summary>Segment's own limits (HTTP Tracking API): one call, and one batch request.</summary>
    public const int MaxEventBytes = 32 * 1024, MaxBatchBytes = 500 * 1024;

    public string? WriteKey { get; init; }

    /// <summary>Event name to feature key ("Report Created" to "reports"); a name not listed is its own feature.</summary>
    public IReadOnlyDictionary<string, string> FeatureMap { get; init; } = new Dictionary<string, string>();

    /// <summary>How long raw events (and the messageIds that catch Segment's retries) are kept.</summary>
    public int RawEventDays { get; init; } = 7;

    /// <summary>How long an event of a user or account nobody has grouped yet waits to be counted.</summary>
    public int AsideDays { get; init; } = 90;

    /// <summary>How far ahead of this host's clock a timestamp may be (senders' clocks drift) before it is refused.</summary>
    public TimeSpan FutureTolerance { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>
    /// How far back an event may be (`Storage:UsageHistoryDays`): the read model keeps older usage by the week, where a day
    /// counted again cannot be told from a new one.
    /// </summary>
    public int DailyUsageDays { get; init; } = Host.DailyUsage.DefaultDays;

    /// <summary>
    /// How often the counted events are checkpointed to the store (usage rows, day states, users, accounts), which makes
    /// the host reload its read model: a reload reads the whole book, so under a steady stream of events answers see them
    /// within this span (plus the store poll) rather than on every write. 0: every write, before the sender is answered.
    /// </summary>
    public TimeSpan PublishEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long messageIds are remembered to catch retries (Segment's own window is 24 hours), and at most how many: at
    /// 8 bytes each in fixed tables, so under a heavy stream the window is the last this many ids.
    /// </summary>
    public TimeSpan DedupeWindow { get; init; } = TimeSpan.FromHours(24);

    /// <inheritdoc cref="DedupeWindow"/>
    public int DedupeIds { get; init; } = 3_000_000;

    public bool IsOn => !string.IsNullOrEmpty(WriteKey);

    public static IngestSettings From(IConfiguration config)
    {
        var section = config.GetSection("Ingest");
        var defaults = new IngestSettings();
        return new IngestSettings
        {
            WriteKey = section["WriteKey"],
            FeatureMap = section.GetSection("FeatureMap").GetChildren().Where(c => !string.IsNullOrWhiteSpace(c.Value))
                .ToDictionary(c => c.Key, c => c.Value!.Trim(), StringComparer.Ordinal),
            RawEventDays = Settings.WholeNumber(config, "Ingest:RawEventDays", defaults.RawEventDays, min: 1),
            AsideDays = Settings.WholeNumber(config, "Ingest:AsideDays", defaults.AsideDays, min: 1),
            DailyUsageDays = Host.DailyUsage.From(config).Days,
            FutureTolerance = TimeSpan.FromMinutes(Settings.WholeNumber(config, "Ingest:FutureToleranceMinutes", (int)defaults.FutureTolerance.TotalMinutes, min: 1)),
            DedupeWindow = TimeSpan.FromHours(Settings.WholeNumber(config, "Ingest:DedupeHours", (int)defaults.DedupeWindow.TotalHours, min: 1)),
            DedupeIds = Settings.WholeNumber(config, "Ingest:DedupeIds", defaults.DedupeIds, min: 1),
            PublishEvery = TimeSpan.FromSeconds(Settings.Number(config, "Ingest:PublishSeconds", defaults.PublishEvery.TotalSeconds)),
        };
    }

    public string FeatureOf(string eventName) => FeatureMap.TryGetValue(eventName, out var feature) ? feature : eventName;
}
