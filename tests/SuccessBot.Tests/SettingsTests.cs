using Microsoft.Extensions.Configuration;

namespace SuccessBot.Tests;

public class SettingsTests
{
    [Fact]
    public void Every_key_of_the_sample_settings_is_read_as_written()
    {
        var config = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoRoot.Path, "appsettings.sample.json")).Build();

        var team = Settings.Team(config);
        var checks = Settings.Checks(config);
        var nps = Settings.Nps(config);

        Assert.Equal(["maria.manager@example.com"], team.Managers);
        Assert.Equal("Europe/Berlin", team.TimeZone.Id);
        Assert.Equal(150, team.Health.PlanSeats["enterprise"]);
        Assert.Equal(0.3, team.Health.FallingShare);
        Assert.Equal([90, 60, 30, 7], checks.RenewalWindows);
        Assert.Equal([14, 30], checks.FirstValueDays);
        Assert.Equal((7, 10, "20:00-08:00"), (checks.GoodHealthRenewalWindow, checks.MaxNudgesPerDay, checks.QuietHours.ToString()));
        Assert.Equal(TimeSpan.FromMinutes(2), nps.CommentGrace);
        Assert.StartsWith("Thank you!", nps.PromoterFollowUp);
        Assert.StartsWith("Vielen Dank!", nps.FollowUpIn(System.Globalization.CultureInfo.GetCultureInfo("de")));
        Assert.Equal(("en", "Acme Analytics"), (team.Language, nps.Product));
        Assert.Equal("data/successbot.db", Settings.StoragePath(config));
        Assert.False(SuccessBot.Ingest.IngestSettings.From(config).IsOn);
        Assert.Equal(("USD", false, "0 0 * * * ?"), (SuccessBot.Sync.StripeSettings.From(config).Currency, SuccessBot.Sync.StripeSettings.From(config).CanSync, SuccessBot.Sync.StripeSettings.From(config).SyncCron));
        Assert.All(SuccessBot.Host.BotHost.LogLevels, level => Assert.Equal(level.Value, config[level.Key]));
    }

    [Theory]
    [InlineData("Team:TimeZone", "Mars/Olympus", "not a time zone")]
    [InlineData("Checks:RenewalWindows:0", "soon", "not a positive whole number")]
    [InlineData("Checks:Health:PlanSeats:Starter", "-1", "not a positive number of seats")]
    [InlineData("Checks:Health:RecencyWeight", "heavy", "not a number")]
    [InlineData("Checks:InactiveDays", "two weeks", "not a whole number of 0 or more")]
    [InlineData("Nps:MaxPerDay", "-3", "not a whole number of 0 or more")]
    [InlineData("Checks:MaxNudgesPerDay", "0", "not a whole number of 1 or more")]
    [InlineData("Checks:QuietHours", "8pm to 8am", "not hours like 20:00-08:00")]
    [InlineData("Checks:GoodHealthRenewalDays", "a week", "not a whole number of 0 or more")]
    [InlineData("Nps:CommentGraceSeconds", "soon", "not a number of 0 or more")]
    [InlineData("Team:Language", "fr", "\"fr\" is not a language SuccessBot is written in")]
    [InlineData("Nps:PromoterFollowUps:xx", "Merci", "\"xx\" is not a language SuccessBot is written in")]
    [InlineData("Ingest:RawEventDays", "0", "not a whole number of 1 or more")]
    [InlineData("Ingest:PublishSeconds", "often", "not a number of 0 or more")]
    [InlineData("Team:Currency", "dollars", "not an ISO 4217 currency code")]
    [InlineData("Stripe:SyncCron", "hourly", "is not a Quartz cron expression")]
    [InlineData("Stripe:ApiBaseUrl", "api.stripe.com", "is not an http(s) URL")]
    [InlineData("Scheduling:Clustered", "yes", "\"yes\" is neither true nor false")]
    [InlineData("Adoption:CoreFeatures", "f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,f12,f13,f14,f15,f16,f17,f18,f19,f20,f21,f22,f23,f24,f25,f26,f27,f28,f29,f30,f31,f32,f33,f34,f35,f36,f37,f38,f39,f40,f41,f42,f43,f44,f45,f46,f47,f48,f49,f50,f51,f52,f53,f54,f55,f56,f57,f58,f59,f60,f61,f62,f63,f64,f65", "65 features; at most 64 are counted")]
    public void A_bad_setting_says_which_key_and_why(string key, string value, string problem)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var error = Assert.Throws<InvalidSettingException>(() => (Settings.Team(config), Settings.Checks(config), Settings.Nps(config), SuccessBot.Ingest.IngestSettings.From(config), SuccessBot.Sync.StripeSettings.From(config), SuccessBot.Scheduling.Scheduler.Clustered(config)));

        Assert.StartsWith(key.Replace(":0", ""), error.Message);
        Assert.Contains(problem, error.Message);

        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData("postgres", null, true)]
    [InlineData("postgres", "False", false)]
    [InlineData("postgres", " true ", true)]
    [InlineData("litedb", "true", false)]
    [InlineData(null, null, false)]
    public void The_schedules_are_clustered_on_PostgreSQL_unless_turned_off(string? provider, string? clustered, bool expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = provider, ["Scheduling:Clustered"] = clustered, ["ConnectionStrings:SuccessBot"] = "Host=db",
        }).Build();

        Assert.Equal(expected, SuccessBot.Scheduling.Scheduler.Clustered(config));
    }
}
