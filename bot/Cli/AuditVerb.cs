using System.CommandLine;
using System.Globalization;
using SuccessBot.Core.Audit;
using SuccessBot.Host;

namespace SuccessBot.Cli;

/// <summary>`audit [--account X] [--since DATE]`: the audit log of the store, oldest first, one line per action.</summary>
public static class AuditVerb
{
    public static Command Build()
    {
        var account = new Option<string?>("--account") { Description = "Only what was done to this account (its account_id)." };
        var since = new Option<string?>("--since") { Description = "Only from this day on (YYYY-MM-DD, in Team:TimeZone)." };
        var language = Verbs.LanguageOption();
        var audit = new Command("audit", $"Prints the audit log: who did what, when, through which channel (kept Audit:Days, default {AuditUpkeep.DefaultDays}). The entries are as recorded; an empty log is said in --language, else Team:Language.") { account, since, language };
        audit.SetAction(parse =>
        {
            var config = Settings.Load();
            var team = Settings.Team(config);
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } day)
            {
                if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
                {
                    Console.Error.WriteLine($"audit: --since \"{TerminalText.Escape(day)}\" is not a date; write it as YYYY-MM-DD (2026-11-01).");
                    return 2;
                }
                var midnight = first.ToDateTime(TimeOnly.MinValue);
                from = new DateTimeOffset(midnight, team.TimeZone.GetUtcOffset(midnight));
            }
            var path = Settings.StoragePath(config);
            if (Settings.StorageProvider(config) == "litedb" && !File.Exists(path))
            {
                Console.Error.WriteLine($"audit: there is no store at {Path.GetFullPath(path)} (Storage:Path).");
                return 1;
            }
            using var services = Composition.ForCommandLine(config, loadBook: false);
            var entries = services.GetRequiredService<IAuditLog>().AuditEntries(parse.GetValue(account), from);
            if (entries.Count == 0) Console.WriteLine(Verbs.ReaderOf(parse, language, team)["Audit.None"]);
            foreach (var entry in entries) Console.WriteLine(TerminalText.Escape(Line(entry)));
            return 0;
        });
        return audit;
    }

    /// <summary>"2026-11-30 14:05 UTC  teams  ana@example.com  nudge.snooze  acme  days=14; reason=waiting for budget".</summary>
    public static string Line(AuditEntry e) =>
        $"{e.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC  {e.Channel}  {e.Who}  {e.Action}  {e.AccountId ?? "-"}  {string.Join("; ", e.Values.Select(v => $"{v.Key}={v.Value}"))}";
}
