using SuccessBot.Core.Chat;

namespace SuccessBot.Tests.Chat;

/// <summary>The one privacy rule every channel carries out: where an answer goes, by who can read the conversation and whether the asker shares.</summary>
public class PrivacyTests
{
    private static readonly Reply Figures = new("Churn · October 2026") { Summary = "2.0% logo churn: 6 of 300 accounts." };
    private static readonly Reply Refusal = Reply.Refusal("Not for you", "Team-wide figures are for managers.");

    [Theory]
    [InlineData(ConversationKind.Personal, false, Visibility.Conversation)]
    [InlineData(ConversationKind.Personal, true, Visibility.Conversation)]
    [InlineData(ConversationKind.Team, false, Visibility.AskerOnly)]
    [InlineData(ConversationKind.Team, true, Visibility.Conversation)]
    [InlineData(ConversationKind.WithOutsiders, false, Visibility.AskerOnly)]
    [InlineData(ConversationKind.WithOutsiders, true, Visibility.AskerOnly)]
    public void Team_figures_go_to_the_asker_privately_in_a_group_unless_shared_and_never_to_outsiders(ConversationKind where, bool share, Visibility expected)
    {
        var placed = ChannelPrivacy.Place(Figures, where, share);

        Assert.Equal(expected, placed.Visibility);
        Assert.Equal(expected == Visibility.AskerOnly, placed.Notice is not null);
        Assert.Equal(where == ConversationKind.WithOutsiders && share, placed.Reply.Note?.Contains(ChannelPrivacy.KeptFromOutsiders) == true);
    }

    [Fact]
    public void A_refusal_is_never_posted_for_a_group_even_when_shared()
    {
        Assert.Equal(Visibility.AskerOnly, ChannelPrivacy.Place(Refusal, ConversationKind.Team, share: true).Visibility);
    }

    [Fact]
    public async Task Whether_outsiders_are_there_is_asked_only_when_the_answer_could_be_posted()
    {
        var asked = 0;
        Task<bool> Outsiders() { asked++; return Task.FromResult(true); }
        var today = new DateOnly(2026, 11, 15);

        var kept = await ChannelPrivacy.PlaceAsync(Figures, CommandLanguage.Parse("churn last month", today).Share, personal: false, Outsiders);
        Assert.Equal(0, asked);
        var shared = await ChannelPrivacy.PlaceAsync(Figures, CommandLanguage.Parse("churn last month share", today).Share, personal: false, Outsiders);

        Assert.Equal(1, asked);
        Assert.Equal((Visibility.AskerOnly, Visibility.AskerOnly), (kept.Visibility, shared.Visibility));
        Assert.Equal(ChannelPrivacy.NotSharedWithOutsiders, shared.Notice);
    }
}
