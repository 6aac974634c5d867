using SuccessBot.Storage;

namespace SuccessBot.Demo;

/// <summary>Writes a freshly generated demo book into its own LiteDB file, away from the one `serve` uses.</summary>
public static class DemoStore
{
    public const string DefaultPath = "data/demo/successbot-demo.db";

    public static DemoBook Create(string path, int seed, DateOnly today)
    {
        foreach (var file in new[] { path, Path.ChangeExtension(path, null) + "-log.db", BookSnapshot.PathFor(path) })
            if (File.Exists(file)) File.Delete(file);
        var book = DemoGenerator.Generate(seed, today);
        using var store = new LiteDbStore(path);
        store.UpsertAccounts(book.Accounts, today);
        store.UpsertMrrHistory(book.MrrChanges);
        store.UpsertUsage(book.Usage);
        store.UpsertNps(book.Nps);
        return book;
    }
}
