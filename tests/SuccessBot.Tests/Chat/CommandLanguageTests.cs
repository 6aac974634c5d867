using SuccessBot.Core.Chat;

namespace SuccessBot.Tests.Chat;

public class CommandLanguageTests
{
    private static readonly SuccessBot.Core.Language.Reader English = new(SuccessBot.Settings.Texts, SuccessBot.Core.Language.Languages.English);

    private static readonly DateOnly Today = new(2026, 11, 25);

    [Theory]
    [InlineData("churn last month", typeof(ChurnCommand))]
    [InlineData("/churn last month", typeof(ChurnCommand))]
    [InlineData("Churn", typeof(ChurnCommand))]
    [InlineData("retention", typeof(RetentionCommand))]
    [InlineData("nps this quarter", typeof(NpsCommand))]
    [InlineData("health ACME", typeof(HealthCommand))]
    [InlineData("renewals next 30 days", typeof(RenewalsCommand))]
    [InlineData("renewals", typeof(RenewalsCommand))]
    [InlineData("at-risk", typeof(AtRiskCommand))]
    [InlineData("at risk", typeof(AtRiskCommand))]
    [InlineData("atrisk", typeof(AtRiskCommand))]
    [InlineData("clv", typeof(ClvCommand))]
    [InlineData("adoption last 30 days", typeof(AdoptionCommand))]
    [InlineData("time to value last 6 months", typeof(TimeToValueCommand))]
    [InlineData("ttv", typeof(TimeToValueCommand))]
    [InlineData("help", typeof(HelpCommand))]
    public void Reads_every_command(string text, Type expected) => Assert.IsType(expected, CommandLanguage.Parse(text, Today));

    [Fact]
    public void Defaults_are_the_periods_people_mean()
    {
        Assert.Equal(new DateOnly(2026, 10, 1), ((ChurnCommand)CommandLanguage.Parse("churn", Today)).Period.Start);
        Assert.Equal(new DateOnly(2026, 12, 25), ((RenewalsCommand)CommandLanguage.Parse("renewals", Today)).Period.LastDay);
    }

    [Fact]
    public void Share_at_the_end_asks_for_the_answer_in_the_channel()
    {
        var command = CommandLanguage.Parse("/churn last month share", Today);

        Assert.True(Assert.IsType<ChurnCommand>(command).Share);
        Assert.Equal("October 2026", ((ChurnCommand)command).Period.Label);
    }

    [Fact]
    public void Account_names_keep_their_spelling() =>
        Assert.Equal("Acme Corp", Assert.IsType<HealthCommand>(CommandLanguage.Parse("health Acme Corp", Today)).AccountQuery);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("churn last fortnight", "couldn't read \"last fortnight\" as a period")]
    [InlineData("churn next month", "December 2026 has not started yet")]
    [InlineData("health", "needs an account name")]
    [InlineData("clv next month", "takes no period")]
    [InlineData("what is our weather", "didn't understand")]
    [InlineData("churny", "didn't understand")]
    public void Says_what_it_did_not_understand(string text, string expected)
    {
        var problem = Assert.IsType<NotUnderstood>(CommandLanguage.Parse(text, Today));
        Assert.Contains(expected, English.Say(problem.Problem));
    }

    [Fact]
    public void Ten_thousand_characters_are_refused_without_being_echoed()
    {
        var problem = Assert.IsType<NotUnderstood>(CommandLanguage.Parse(new string('x', 10_000), Today));

        var said = English.Say(problem.Problem);
        Assert.Contains("10,000 characters", said);
        Assert.True(said.Length < 200);
    }
}
