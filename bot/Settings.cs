using System.Globalization;
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

    /// <summary>`Storage:Provider`: litedb (the file at Storage:Path, the default) or postgres (ConnectionStrings:SuccessBot).</summary>
    public static string StorageProvider(IConfiguration config) => (config["Storage:Provider"] is { Length: > 0 } p ? p.Trim().ToLowerInvariant() : "litedb") switch
    {
        "litedb" => "litedb",
        "postgres" or "postgresql" => "postgres",
        var other => throw new InvalidSettingException($"Storage:Provider: \"{other}\" is not litedb or postgres."),
    };

    /// <summary>The Npgsql connection string of `Storage:Provider` postgres.</summary>
    public static string PostgresConnection(IConfiguration config) => config.GetConnectionString("SuccessBot") is { Length: > 0 } c ? c
        : throw new InvalidSettingException("Storage:Provider is postgres but ConnectionStrings:SuccessBot (an Npgsql connection string, e.g. \"Host=db;Database=successbot;Username=bot;Password=...\") is not set.");

    /// <summary>
    /// The settings of a verb that works on a store (`--store PATH`, else `Storage:Path`): those of <see cref="Load()"/>, then the
    /// ones kept beside the store in <see cref="StoreSettingsPath"/> (the demo's managers and plan seats), so that `ask --store`
    /// answers as the host on that store does.
    /// </summary>
    public static IConfiguration Load(string? store)
    {
        var config = Load();
        var path = store is { Length: > 0 } ? store : StoragePath(config);
        var beside = StoreSettingsPath(path);
        var builder = new ConfigurationBuilder().AddConfiguration(config);
        if (File.Exists(beside)) builder.AddJsonFile(Path.GetFullPath(beside), optional: false);
        builder.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Path"] = path });
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException bad)
        {
            throw new InvalidSettingException($"{Path.GetFullPath(beside)} is not a JSON settings file ({bad.InnerException?.Message ?? bad.Message}).");
        }
    }

    /// <summary>Settings that belong to one store, beside it: `data/demo/successbot-demo.db.settings.json`.</summary>
    public static string StoreSettingsPath(string store) => store + ".settings.json";

    /// <summary>The message texts of every language, read once.</summary>
    public static Language.ResxTexts Texts { get; } = Language.ResxTexts.Create();

    public static TeamSettings Team(IConfiguration config)
    {
        var defaults = new TeamSettings { Texts = Texts };
        var health = config.GetSection("Checks:Health");
        var defaultHealth = new HealthOptions();
        return new TeamSettings
        {
            Managers = List(config, "Team:Managers") ?? defaults.Managers,
            TimeZone = config["Team:TimeZone"] is { Length: > 0 } zone ? FindZone(zone) : TimeZoneInfo.Utc,
            CurrencySymbol = config["Team:CurrencySymbol"] ?? defaults.CurrencySymbol,
            Language = config["Team:Language"] is { Length: > 0 } language
                ? Core.Domain.Rules.LanguageProblem(language) is { } problem ? throw new InvalidSettingException($"Team:Language: {problem}.") : language
                : defaults.Language,
            Texts = Texts,
            CoreFeatures = List(config, "Adoption:CoreFeatures") is { } core
                ? core.Count <= Health.MaxCoreFeatures ? core : throw new InvalidSettingException($"Adoption:CoreFeatures: {core.Count} features; at most {Health.MaxCoreFeatures} are counted.")
                : defaults.CoreFeatures,
            Health = new HealthOptions
            {
                RecencyWeight = Value(config, "Checks:Health:RecencyWeight", defaultHealth.RecencyWeight),
                FrequencyWeight = Value(config, "Checks:Health:FrequencyWeight", defaultHealth.FrequencyWeight),
                BreadthWeight = Value(config, "Checks:Health:BreadthWeight", defaultHealth.BreadthWeight),
                TrendWeight = Value(config, "Checks:Health:TrendWeight", defaultHealth.TrendWeight),
                NpsWeight = Value(config, "Checks:Health:NpsWeight", defaultHealth.NpsWeight),
                GoodFrom = Value(config, "Checks:Health:GoodFrom", defaultHealth.GoodFrom),
                PoorBelow = Value(config, "Checks:Health:PoorBelow", defaultHealth.PoorBelow),
                InactiveDays = WholeNumber(config, "Checks:InactiveDays", defaultHealth.InactiveDays),
                FullFrequencyDays = Value(config, "Checks:Health:FullFrequencyDays", defaultHealth.FullFrequencyDays),
                FallingShare = Value(config, "Checks:Health:FallingShare", defaultHealth.FallingShare),
                UsersWeight = Value(config, "Checks:Health:UsersWeight", defaultHealth.UsersWeight),
                RenewalWeight = Value(config, "Checks:Health:RenewalWeight", defaultHealth.RenewalWeight),
                UsersFullShare = Value(config, "Checks:Health:UsersFullShare", defaultHealth.UsersFullShare),
                RenewalRiskDays = Value(config, "Checks:Health:RenewalRiskDays", defaultHealth.RenewalRiskDays),
                PlanSeats = health.GetSection("PlanSeats").GetChildren().ToDictionary(c => c.Key,
                    c => int.TryParse(c.Value, out var seats) && seats > 0 ? seats
                        : throw new InvalidSettingException($"Checks:Health:PlanSeats:{c.Key}: \"{c.Value}\" is not a positive number of seats."),
                    StringComparer.OrdinalIgnoreCase),
            },
        };
    }

    /// <summary>`Team:Currency`: the ISO 4217 code MRR is kept in (USD by default); a sync refuses amounts in another.</summary>
    public static string Currency(IConfiguration config) => config["Team:Currency"] is not { Length: > 0 } code ? "USD"
        : code.Trim() is { Length: 3 } c && c.All(char.IsAsciiLetter) ? c.ToUpperInvariant()
        : throw new InvalidSettingException($"Team:Currency: \"{code}\" is not an ISO 4217 currency code (three letters, e.g. USD, EUR).");

    /// <summary>An http(s) URL setting (an API's base address); the default when it is not set.</summary>
    public static Uri HttpUrl(IConfiguration config, string key, string fallback)
    {
        var text = config[key] is { Length: > 0 } value ? value : fallback;
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" ? url
            : throw new InvalidSettingException($"{key}: \"{text}\" is not an http(s) URL (the default is {fallback}).");
    }

    public static CheckOptions Checks(IConfiguration config)
    {
        var d = new CheckOptions();
        return new CheckOptions
        {
            RenewalWindows = Ints(config, "Checks:RenewalWindows") ?? d.RenewalWindows,
            ManagerRenewalDays = WholeNumber(config, "Checks:ManagerRenewalDays", d.ManagerRenewalDays),
            InactiveDays = WholeNumber(config, "Checks:InactiveDays", d.InactiveDays),
            OnboardingDays = WholeNumber(config, "Checks:OnboardingDays", d.OnboardingDays),
            FirstValueDays = Ints(config, "Checks:FirstValueDays") ?? d.FirstValueDays,
            EscalateAfterDays = WholeNumber(config, "Checks:EscalateAfterDays", d.EscalateAfterDays),
            DetractorManagerRenewalDays = WholeNumber(config, "Checks:DetractorManagerRenewalDays", d.DetractorManagerRenewalDays),
            GoodHealthRenewalDays = config["Checks:GoodHealthRenewalDays"] is { Length: > 0 } ? WholeNumber(config, "Checks:GoodHealthRenewalDays", 0) : null,
            MaxNudgesPerDay = WholeNumber(config, "Checks:MaxNudgesPerDay", d.MaxNudgesPerDay, min: 1),
            QuietHours = config["Checks:QuietHours"] is not { } quiet ? d.QuietHours
                : QuietHours.Parse(quiet) ?? throw new InvalidSettingException($"Checks:QuietHours: \"{quiet}\" is not hours like 20:00-08:00 (or \"off\")."),
        };
    }

    public static NpsOptions Nps(IConfiguration config)
    {
        var d = new NpsOptions();
        return new NpsOptions
        {
            CooldownDays = WholeNumber(config, "Nps:CooldownDays", d.CooldownDays),
            MinAccountAgeDays = WholeNumber(config, "Nps:MinAccountAgeDays", d.MinAccountAgeDays),
            MaxPerDay = WholeNumber(config, "Nps:MaxPerDay", d.MaxPerDay),
            EditWindowHours = WholeNumber(config, "Nps:EditWindowHours", d.EditWindowHours),
            ExpiryDays = WholeNumber(config, "Nps:ExpiryDays", d.ExpiryDays),
            PromoterFollowUp = config["Nps:PromoterFollowUp"] is { Length: > 0 } text ? text : null,
            PromoterFollowUps = config.GetSection("Nps:PromoterFollowUps").GetChildren().Where(c => c.Value is { Length: > 0 }).ToDictionary(
                c => Core.Domain.Rules.LanguageProblem(c.Key) is { } problem ? throw new InvalidSettingException($"Nps:PromoterFollowUps:{c.Key}: {problem}.") : c.Key, c => c.Value!),
            // "us", the old default, is the word for "us" in each reader's language.
            Product = config["Nps:Product"] is { Length: > 0 } product && product != "us" ? product : d.Product,
            CommentGrace = TimeSpan.FromSeconds(Number(config, "Nps:CommentGraceSeconds", d.CommentGrace.TotalSeconds)),
        };
    }

    /// <summary>A typed setting; one that does not convert stops the program with its key, not with a stack trace.</summary>
    public static T Value<T>(IConfiguration config, string key, T fallback)
    {
        try
        {
            return config.GetValue(key, fallback)!;
        }
        catch (InvalidOperationException)
        {
            throw new InvalidSettingException($"{key}: \"{config[key]}\" is not a {(typeof(T) == typeof(int) ? "whole number" : "number")}.");
        }
    }

    /// <summary>A whole-number setting of at least <paramref name="min"/>; the default when it is not set.</summary>
    public static int WholeNumber(IConfiguration config, string key, int fallback, int min = 0) =>
        config[key] is not { Length: > 0 } text ? fallback
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min ? n
        : throw new InvalidSettingException($"{key}: \"{text}\" is not a whole number of {min} or more.");

    /// <summary>A true/false setting; the default when it is not set.</summary>
    public static bool Switch(IConfiguration config, string key, bool fallback) =>
        config[key] is not { Length: > 0 } text ? fallback
        : bool.TryParse(text.Trim(), out var on) ? on
        : throw new InvalidSettingException($"{key}: \"{text}\" is neither true nor false.");

    /// <summary>A number setting of 0 or more (seconds, say); the default when it is not set.</summary>
    public static double Number(IConfiguration config, string key, double fallback) =>
        config[key] is not { Length: > 0 } text ? fallback
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0 && double.IsFinite(n) ? n
        : throw new InvalidSettingException($"{key}: \"{text}\" is not a number of 0 or more.");

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
