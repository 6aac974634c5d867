using SuccessBot.Core.Time;

namespace SuccessBot.Core.Chat;

/// <summary>One command of the chat language: the words that start it, how it is used, and how its argument is read.</summary>
public sealed record CommandSpec(string Verb, string[] Aliases, string Usage, string Example, string Description, Func<string, DateOnly, ChatCommand> Read);

/// <summary>The one parser every channel uses: "churn last month", "/renewals next 30 days", "health ACME share".</summary>
public static class CommandLanguage
{
    public static readonly IReadOnlyList<CommandSpec> Commands =
    [
        new("churn", [], "churn [PERIOD]", "churn last month", "logo and MRR churn, who left and why (default: last month)",
            (rest, today) => WithPeriod(rest, today, "last month", p => new ChurnCommand(p), pastOnly: true)),
        new("retention", [], "retention [PERIOD]", "retention last 12 months", "logo, gross and net MRR retention of the accounts active at the start (default: last 12 months)",
            (rest, today) => WithPeriod(rest, today, "last 12 months", p => new RetentionCommand(p), pastOnly: true)),
        new("nps send", [], "nps send ACCOUNT [force]", "nps send ACME", "survey the account's contacts now (the 90-day cooldown holds unless you add `force`)",
            (rest, _) => ReadNpsSend(rest)),
        new("nps", [], "nps [PERIOD]", "nps this quarter", "NPS with promoters, passives, detractors and the change (default: this quarter)",
            (rest, today) => WithPeriod(rest, today, "this quarter", p => new NpsCommand(p), pastOnly: true)),
        new("health", [], "health ACCOUNT", "health ACME", "an account's health band and what drives it",
            (rest, _) => rest.Length == 0 ? new NotUnderstood("`health` needs an account name.", "health ACME") : new HealthCommand(rest)),
        new("renewals", [], "renewals [PERIOD]", "renewals next 30 days", "accounts renewing, their MRR, owner and health (default: next 30 days)",
            (rest, today) => WithPeriod(rest, today, "next 30 days", p => new RenewalsCommand(p), pastOnly: false)),
        new("at-risk", ["atrisk", "at risk", "risk"], "at-risk", "at-risk", "active accounts in poor health or with falling usage",
            (rest, _) => NoArgument(rest, "at-risk", new AtRiskCommand())),
        new("clv", ["ltv"], "clv", "clv", "customer lifetime value, and what churned accounts paid",
            (rest, _) => NoArgument(rest, "clv", new ClvCommand())),
        new("adoption", [], "adoption [PERIOD]", "adoption last 30 days", "share of active accounts using every core feature (default: last 30 days)",
            (rest, today) => WithPeriod(rest, today, "last 30 days", p => new AdoptionCommand(p), pastOnly: true)),
        new("ttv", ["time to value", "time-to-value"], "ttv [PERIOD]", "ttv last 6 months", "median days from start to first use of a core feature (default: last 12 months)",
            (rest, today) => WithPeriod(rest, today, "last 12 months", p => new TimeToValueCommand(p), pastOnly: true)),
        new("stop", ["unsubscribe"], "stop", "stop", "customers: no more surveys",
            (rest, _) => NoArgument(rest, "stop", new StopSurveysCommand())),
        new("help", ["?"], "help", "help", "this list",
            (_, _) => new HelpCommand()),
    ];

    public const string TwoExamples = "Try `churn last month` or `renewals next 30 days`, or `help` for every command.";

    public static ChatCommand Parse(string? message, DateOnly today)
    {
        var text = string.Join(' ', (message ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length == 0) return new NotUnderstood("The message was empty.");
        if (text.Length > 500) return new NotUnderstood($"That message is {Format.Count(text.Length)} characters long; commands are a few words.");

        var share = false;
        if (text.EndsWith(" share", StringComparison.OrdinalIgnoreCase))
        {
            share = true;
            text = text[..^" share".Length].TrimEnd();
        }
        var lowered = text.TrimStart('/').ToLowerInvariant();
        foreach (var spec in Commands)
        {
            foreach (var word in spec.Aliases.Prepend(spec.Verb).OrderByDescending(w => w.Length))
            {
                if (!lowered.StartsWith(word, StringComparison.Ordinal)) continue;
                if (lowered.Length > word.Length && lowered[word.Length] != ' ') continue;
                // The argument keeps the asker's spelling: account names are shown back as typed.
                var rest = text.TrimStart('/')[word.Length..].Trim();
                return spec.Read(rest, today) with { Share = share };
            }
        }
        return new NotUnderstood($"I didn't understand \"{Format.Quote(text)}\".");
    }

    private static ChatCommand WithPeriod(string rest, DateOnly today, string fallback, Func<Period, ChatCommand> make, bool pastOnly)
    {
        var words = rest.Length == 0 ? fallback : rest;
        var period = PeriodParser.TryParse(words, today);
        if (period is null)
            return new NotUnderstood($"I couldn't read \"{Format.Quote(words)}\" as a period.", $"Periods look like {PeriodParser.Examples}.");
        if (pastOnly && period.Start > today)
            return new NotUnderstood($"\"{Format.Quote(words)}\" is in the future; this figure looks back.", "Try `last month` or `this quarter`.");
        return make(period);
    }

    private static ChatCommand ReadNpsSend(string rest)
    {
        var force = rest.EndsWith(" force", StringComparison.OrdinalIgnoreCase) || rest.Equals("force", StringComparison.OrdinalIgnoreCase);
        var account = force ? rest[..^"force".Length].Trim() : rest;
        return account.Length == 0 ? new NotUnderstood("`nps send` needs an account name.", "nps send ACME") : new NpsSendCommand(account, force);
    }

    private static ChatCommand NoArgument(string rest, string verb, ChatCommand command) =>
        rest.Length == 0 ? command : new NotUnderstood($"`{verb}` takes no words after it (got \"{Format.Quote(rest)}\").");
}
