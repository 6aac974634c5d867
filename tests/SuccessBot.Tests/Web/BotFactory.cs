using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SuccessBot.Demo;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Web;

/// <summary>The real host, through the real ASP.NET pipeline, on a fresh demo store of its own.</summary>
public sealed class BotFactory : WebApplicationFactory<Program>
{
    private readonly TempFolder _folder = new();
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    public DemoBook Demo { get; }

    /// <summary>What the host logged, one line a message ("Local chat: off (...)").</summary>
    public LogLines Log { get; } = new();

    public BotFactory() : this(new Dictionary<string, string?>()) { }

    /// <param name="settings">Settings of the test on top of the demo store and manager (`LocalChat:MaxPeople`, `urls`).</param>
    internal BotFactory(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
        Demo = DemoStore.Create(_folder.Store, seed: 42, Today);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Path", _folder.Store);
        // Deliveries here do not depend on the hour the suite runs at (quiet hours have tests of their own).
        builder.UseSetting("Checks:QuietHours", "off");
        builder.UseSetting("Team:Managers:0", DemoGenerator.Manager);
        builder.UseSetting("Storage:PollSeconds", "0.2");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(l => l.AddProvider(Log));
        builder.StopsAfterItsJobs();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}

public static class TestHosts
{
    /// <summary>
    /// The host's stop waits for the jobs it runs (the checks and surveys at start) however busy the machine is. After the
    /// default 30 seconds it would dispose its store under a job still writing to it, and LiteDB's file lock, released by a
    /// thread that does not hold it, throws (an ApplicationException at the test class's cleanup).
    /// </summary>
    public static IWebHostBuilder StopsAfterItsJobs(this IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10)));
}

/// <summary>One message the host logged: its level, its category, the text and the exception logged with it.</summary>
public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception);

/// <summary>A logger that keeps every message the host logs, for tests that read the start-up lines or count warnings.</summary>
public sealed class LogLines : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<string> Lines => _entries.Select(e => e.Message).ToArray();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Category(this, categoryName);

    public void Dispose() { }

    private sealed class Category(LogLines lines, string name) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) lines._entries.Enqueue(new LogEntry(logLevel, name, formatter(state, exception), exception));
        }
    }
}
