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
