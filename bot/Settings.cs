using SuccessBot.Core.Chat;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;

namespace SuccessBot;

/// <summary>Reads the configuration keys of CONTRACT.md into the core's settings records.</summary>
public static class Settings
{
    public const string DefaultStoragePath = "data/successbot.db";

    /// <summary>appsettings.json in the working directory, then environment variables (`Slack__BotToken`).</summary>
    public static IConfiguration Load() => new ConfigurationBuilder()
        .SetBasePath(Directory.GetCurrentDirectory())
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    public static string StoragePath(IConfiguration config) => config["Storage:Path"] is { Length: > 0 } p ? p : DefaultStoragePath;

    public static TeamSettings Team(IConfiguration config)
    {
        var defaults = new TeamSettings();
        var health = config.GetSection("Checks:Health");
        var defaultHealth = new HealthOptions();
        return new TeamSettings
        {
            Managers = List(config, "Team:Managers") ?? defaults.Managers,
            TimeZone = config["Team:TimeZone"] is { Length: > 0 } zone ? FindZone(zone) : TimeZoneInfo.Utc,
            CurrencySymbol = config["Team:CurrencySymbol"] ?? defaults.CurrencySymbol,
            CoreFeatures = List(config, "Adoption:CoreFeatures") ?? defaults.CoreFeatures,
            Health = new HealthOptions
            {
                RecencyWeight = health.GetValue("RecencyWeight", defaultHealth.RecencyWeight),
                FrequencyWeight = health.GetValue("FrequencyWeight", defaultHealth.FrequencyWeight),
                BreadthWeight = health.GetValue("BreadthWeight", defaultHealth.BreadthWeight),
                TrendWeight = health.GetValue("TrendWeight", defaultHealth.TrendWeight),
                NpsWeight = health.GetValue("NpsWeight", defaultHealth.NpsWeight),
                GoodFrom = health.GetValue("GoodFrom", defaultHealth.GoodFrom),
                PoorBelow = health.GetValue("PoorBelow", defaultHealth.PoorBelow),
                InactiveDays = config.GetValue("Checks:InactiveDays", defaultHealth.InactiveDays),
                FullFrequencyDays = health.GetValue("FullFrequencyDays", defaultHealth.FullFrequencyDays),
                FallingShare = health.GetValue("FallingShare", defaultHealth.FallingShare),
                UsersWeight = health.GetValue("UsersWeight", defaultHealth.UsersWeight),
                RenewalWeight = health.GetValue("RenewalWeight", defaultHealth.RenewalWeight),
                UsersFullShare = health.GetValue("UsersFullShare", defaultHealth.UsersFullShare),
                RenewalRiskDays = health.GetValue("RenewalRiskDays", defaultHealth.RenewalRiskDays),
                PlanSeats = health.GetSection("PlanSeats").GetChildren().ToDictionary(c => c.Key,
                    c => int.TryParse(c.Value, out var seats) && seats > 0 ? seats
                        : throw new InvalidSettingException($"Checks:Health:PlanSeats:{c.Key}: \"{c.Value}\" is not a positive number of seats."),
                    StringComparer.OrdinalIgnoreCase),
            },
        };
    }

    public static CheckOptions Checks(IConfiguration config)
    {
        var d = new CheckOptions();
        return new CheckOptions
        {
            RenewalWindows = Ints(config, "Checks:RenewalWindows") ?? d.RenewalWindows,
            ManagerRenewalDays = config.GetValue("Checks:ManagerRenewalDays", d.ManagerRenewalDays),
            InactiveDays = config.GetValue("Checks:InactiveDays", d.InactiveDays),
            OnboardingDays = config.GetValue("Checks:OnboardingDays", d.OnboardingDays),
            FirstValueDays = Ints(config, "Checks:FirstValueDays") ?? d.FirstValueDays,
            EscalateAfterDays = config.GetValue("Checks:EscalateAfterDays", d.EscalateAfterDays),
            DetractorManagerRenewalDays = config.GetValue("Checks:DetractorManagerRenewalDays", d.DetractorManagerRenewalDays),
        };
    }

    public static NpsOptions Nps(IConfiguration config)
    {
        var d = new NpsOptions();
        return new NpsOptions
        {
            CooldownDays = config.GetValue("Nps:CooldownDays", d.CooldownDays),
            MinAccountAgeDays = config.GetValue("Nps:MinAccountAgeDays", d.MinAccountAgeDays),
            MaxPerDay = config.GetValue("Nps:MaxPerDay", d.MaxPerDay),
            EditWindowHours = config.GetValue("Nps:EditWindowHours", d.EditWindowHours),
            ExpiryDays = config.GetValue("Nps:ExpiryDays", d.ExpiryDays),
            PromoterFollowUp = config["Nps:PromoterFollowUp"] is { Length: > 0 } text ? text : null,
            Product = config["Nps:Product"] is { Length: > 0 } product ? product : d.Product,
            CommentGrace = TimeSpan.FromSeconds(config.GetValue("Nps:CommentGraceSeconds", d.CommentGrace.TotalSeconds)),
        };
    }

    private static IReadOnlyList<int>? Ints(IConfiguration config, string key) =>
        List(config, key)?.Select(v => int.TryParse(v, out var n) && n > 0 ? n
            : throw new InvalidSettingException($"{key}: \"{v}\" is not a positive whole number of days.")).ToArray();

    /// <summary>A list given as a JSON array (`Team:Managers:0`) or as one comma-separated value.</summary>
    private static IReadOnlyList<string>? List(IConfiguration config, string key)
    {
        var section = config.GetSection(key);
        var items = section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (section.Value is { } single) items.AddRange(single.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        return items.Count == 0 ? null : items;
    }

    private static TimeZoneInfo FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone
        : throw new InvalidSettingException($"Team:TimeZone \"{id}\" is not a time zone this machine knows (use an IANA name such as Europe/Berlin).");
}

/// <summary>A configuration value that cannot be used; the program says which key and why, and stops.</summary>
public sealed class InvalidSettingException(string message) : Exception(message);
