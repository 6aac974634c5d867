using System.Text.Json;
using System.Text.Json.Nodes;
using SuccessBot.Storage;

namespace SuccessBot.Demo;

/// <summary>Writes a freshly generated demo book into its own LiteDB file, away from the one `serve` uses.</summary>
public static class DemoStore
{
    public const string DefaultPath = "data/demo/successbot-demo.db";

    public static DemoBook Create(string path, int seed, DateOnly today)
    {
        foreach (var file in new[] { path, Path.ChangeExtension(path, null) + "-log.db", BookSnapshot.PathFor(path), Settings.StoreSettingsPath(path) })
            if (File.Exists(file)) File.Delete(file);
        var book = DemoGenerator.Generate(seed, today);
        using var store = new LiteDbStore(path);
        store.Book.UpsertAccounts(book.Accounts, today);
        store.Book.UpsertMrrHistory(book.MrrChanges);
        store.Book.UpsertUsage(book.Usage);
        store.Book.UpsertNps(book.Nps);
        return book;
    }

    /// <summary>
    /// Keeps the demo's own settings (its managers, the plans' seats) with its file, where `ask --store` reads them too, and
    /// returns them as the host's settings: one source for the chat and the command line.
    /// </summary>
    public static Dictionary<string, string?> WriteSettings(string path, IReadOnlyList<string> managers)
    {
        var settings = new JsonObject
        {
            ["Team"] = new JsonObject { ["Managers"] = new JsonArray([.. managers.Select(m => JsonValue.Create(m))]) },
            // The demo's 512 days of usage stay daily, so that `health accuracy` replays 12 whole months (see the README).
            ["Storage"] = new JsonObject { ["UsageHistoryDays"] = DemoGenerator.DefaultUsageDays },
            ["Checks"] = new JsonObject
            {
                ["Health"] = new JsonObject { ["PlanSeats"] = new JsonObject(DemoGenerator.PlanSeats.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))) },
            },
        };
        var file = Path.GetFullPath(Settings.StoreSettingsPath(path));
        File.WriteAllText(file, settings.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new ConfigurationBuilder().AddJsonFile(file).Build().AsEnumerable().Where(kv => kv.Value is not null).ToDictionary();
    }
}
