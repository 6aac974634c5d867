using System.Text.Json;
using System.Text.Json.Serialization;
using SuccessBot.Core.Backtest;

namespace SuccessBot.Host;

/// <summary>
/// The `backtest` verb's figures beside the store (`STORE.backtest.json`): a host over a book too large to replay in chat
/// quotes them on cards, in `health ACCOUNT` and in `health accuracy`. Written to a temporary file and renamed, so a reader
/// never sees half of one.
/// </summary>
public static class SavedBacktest
{
    private const int Format = 1;

    private sealed record Saved(int Format, DateOnly RanOn, BacktestReport Report);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public static void Write(string path, BacktestReport report, DateOnly ranOn)
    {
        var temporary = path + ".writing";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Saved(Format, ranOn, report), Json));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The saved report and the day it ran, or null with the reason when the file cannot be used.</summary>
    public static (BacktestReport Report, DateOnly RanOn)? Read(string path, out string? whyNot)
    {
        whyNot = null;
        try
        {
            var saved = JsonSerializer.Deserialize<Saved>(File.ReadAllText(path), Json);
            if (saved is not { Format: Format, Report: { Window.Months: not null, Signals: not null } report })
            {
                whyNot = "it is not a backtest of this version";
                return null;
            }
            // Every signal the cards quote must be there: a file from another version may lack one.
            if (Enum.GetValues<Signal>().Any(s => report.Signals.All(f => f.Signal != s)))
            {
                whyNot = "it lacks some of the rules' figures";
                return null;
            }
            return (report, saved.RanOn);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            whyNot = $"it cannot be read ({e.Message})";
            return null;
        }
    }
}

/// <summary>Takes the saved backtest at start and again whenever the verb writes a new one (checked every `Storage:PollSeconds`).</summary>
public sealed class SavedBacktestFollower(StoreFiles files, BacktestMemory memory, IConfiguration config, ILogger<SavedBacktestFollower> log) : BackgroundService
{
    private DateTime _read = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TakeIfNew();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.1, Settings.Number(config, "Storage:PollSeconds", 2.0))));
        while (await timer.WaitForNextTickAsync(stoppingToken)) TakeIfNew();
    }

    private void TakeIfNew()
    {
        var written = File.Exists(files.Backtest) ? File.GetLastWriteTimeUtc(files.Backtest) : DateTime.MinValue;
        if (written == _read) return;
        _read = written;
        if (written == DateTime.MinValue) return;
        if (SavedBacktest.Read(files.Backtest, out var whyNot) is not { } saved)
        {
            log.LogWarning("The saved backtest {Path} is not used: {Reason}.", files.Backtest, whyNot);
            return;
        }
        memory.Keep(saved.Report, saved.RanOn);
        log.LogInformation("Saved backtest of {Day} taken: {Months} months, {Canceled} cancellations.", saved.RanOn, saved.Report.Window.Months.Count, saved.Report.CanceledAccounts);
    }
}
