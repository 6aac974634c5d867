using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SuccessBot.Core.Chat;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Storage;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.ReadModel;

/// <summary>A host killed (-9) at any moment while it follows an import and rewrites its snapshot leaves files the next start answers from exactly as a whole load does.</summary>
public class CrashTests
{
    [Theory]
    [InlineData(150)]
    [InlineData(600)]
    [InlineData(1200)]
    public async Task A_host_killed_while_following_an_import_and_writing_its_snapshot_restarts_into_the_same_answers(int killAfterMs)
    {
        using var folder = new TempFolder();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        DemoStore.Create(folder.Store, seed: 3, today);
        var snapshot = BookSnapshot.PathFor(folder.Store);
        using var host = Process.Start(Program(folder.Store, "serve", "--urls", "http://127.0.0.1:0"))!;
        var watch = Stopwatch.StartNew();
        while (!File.Exists(snapshot) && watch.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
        Assert.True(File.Exists(snapshot), "the host wrote no snapshot within a minute");

        var csv = folder.File("more.csv", "account_id,name,owner_email,mrr,started_on\n" +
            string.Join('\n', Enumerable.Range(0, 300).Select(i => $"crash-{i},Crash Co {i},{DemoGenerator.Csms[i % DemoGenerator.Csms.Length]},{100 + i},2026-02-0{1 + i % 9}")));
        using var import = Process.Start(Program(folder.Store, "import", "accounts", csv))!;
        await Task.Delay(killAfterMs);
        host.Kill();
        await host.WaitForExitAsync();
        await import.WaitForExitAsync();

        using var store = new LiteDbStore(folder.Store);
        var restarted = store.ReadModel(NullLogger<BookReadModel>.Instance);
        restarted.Load();
        var whole = store.Book.LoadBook();
        var team = new TeamSettings { Texts = SuccessBot.Settings.Texts, Managers = [DemoGenerator.Manager] };
        foreach (var question in new[] { "churn last month", "retention", "nps this quarter", "renewals next 90 days", "at-risk", "health crash-299", "health crash-0" })
        foreach (var asker in new[] { DemoGenerator.Manager, DemoGenerator.Csms[0] })
            Assert.Equal(Answer(whole, question, asker, team), Answer(restarted.Current, question, asker, team));
        Assert.Equal(store.DataVersion, restarted.Version);
    }

    private static string Answer(Core.Domain.BookOfBusiness book, string question, string asker, TeamSettings team) =>
        PlainText.Render(new ChatBot(new Fixed(book), team, TimeProvider.System).Answer(new IncomingMessage(question, asker)));

    private static ProcessStartInfo Program(string store, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(SuccessBot.Cli.Verbs).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["Storage__Path"] = store;
        start.Environment["Storage__PollSeconds"] = "0.05";
        start.Environment["Storage__SnapshotSeconds"] = "0";
        start.Environment["Team__Managers__0"] = DemoGenerator.Manager;
        return start;
    }

    private sealed class Fixed(Core.Domain.BookOfBusiness book) : IBookSource
    {
        public Core.Domain.BookOfBusiness Current => book;
    }
}
