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
            RawEventDays = Positive(section, "RawEventDays", defaults.RawEventDays),
            AsideDays = Positive(section, "AsideDays", defaults.AsideDays),
            FutureTolerance = TimeSpan.FromMinutes(Positive(section, "FutureToleranceMinutes", (int)defaults.FutureTolerance.TotalMinutes)),
            DedupeWindow = TimeSpan.FromHours(Positive(section, "DedupeHours", (int)defaults.DedupeWindow.TotalHours)),
            DedupeIds = Positive(section, "DedupeIds", defaults.DedupeIds),
            PublishEvery = TimeSpan.FromSeconds(section.GetValue("PublishSeconds", defaults.PublishEvery.TotalSeconds) is var s and >= 0 ? s
                : throw new InvalidOperationException($"Ingest:PublishSeconds: {section["PublishSeconds"]} is negative.")),
        };
    }

    public string FeatureOf(string eventName) => FeatureMap.TryGetValue(eventName, out var feature) ? feature : eventName;

    private static int Positive(IConfigurationSection section, string key, int fallback) =>
        section.GetValue(key, fallback) is var n and > 0 ? n
            : throw new InvalidOperationException($"Ingest:{key}: {section[key]} is not a positive whole number.");
}
