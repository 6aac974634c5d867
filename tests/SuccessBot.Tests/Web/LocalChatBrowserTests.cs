using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SuccessBot.Demo;

namespace SuccessBot.Tests.Web;

/// <summary>The local chat used as a person uses it: in a real browser, by clicking and typing.</summary>
public class LocalChatBrowserTests(Browser browser) : IClassFixture<Browser>
{
    private async Task<IPage> Open()
    {
        var page = await browser.Chrome!.NewPageAsync();
        await page.GotoAsync(browser.Url);
        await page.Locator("#who option").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return page;
    }

    private static async Task BecomeAsync(IPage page, string email)
    {
        await page.SelectOptionAsync("#who", email);
        await page.WaitForFunctionAsync("who => document.body.dataset.listening === who", email);
    }

    private static async Task SayAsync(IPage page, string text)
    {
        await page.FillAsync("#message", text);
        await page.PressAsync("#message", "Enter");
    }

    [SkippableFact]
    public async Task A_manager_types_churn_last_month_and_sees_a_percentage()
    {
        Browser.Require();
        var page = await Open();
        await BecomeAsync(page, DemoGenerator.Manager);

        await SayAsync(page, "churn last month");

        // Nudges arrive in the same conversation at any moment: find the answer by its title.
        var answer = page.Locator(".msg.bot .card", new() { Has = page.Locator(".card-title", new() { HasTextRegex = new Regex("^Churn · ") }) });
        await Assertions.Expect(answer.Locator(".card-summary")).ToHaveTextAsync(new Regex(@"^\d+\.\d% logo churn: \d+ of \d+ accounts"));
        await Assertions.Expect(answer.Locator(".facts th").First).ToHaveTextAsync("Logo churn");
    }

    [SkippableFact]
    public async Task Markup_in_a_message_is_shown_as_text_and_never_run()
    {
        Browser.Require();
        var page = await Open();
        await BecomeAsync(page, DemoGenerator.Manager);
        var alerted = false;
        page.Dialog += (_, dialog) => { alerted = true; dialog.DismissAsync(); };

        await SayAsync(page, "<img src=x onerror=alert(1)><script>alert(2)</script>");

        await Assertions.Expect(page.Locator(".msg.person").Last).ToHaveTextAsync("<img src=x onerror=alert(1)><script>alert(2)</script>");
        await Assertions.Expect(page.Locator(".msg.bot .card.refusal", new() { HasText = "didn't understand" })).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("#log img, #log script").CountAsync());
        Assert.False(alerted);
    }

    [SkippableFact]
    public async Task A_customer_answers_a_survey_with_one_click_and_their_csm_sees_the_detractor_nudge_arrive()
    {
        Browser.Require();
        var customer = await Open();
        var contact = await customer.EvalOnSelectorAsync<string>("#who optgroup[label='Customer contact'] option", "o => o.value");
        var account = browser.Demo.Accounts.Single(a => a.ContactEmails.Contains(contact));
        var csm = await Open();
        await BecomeAsync(csm, account.OwnerEmail);

        await BecomeAsync(customer, contact);
        var survey = customer.Locator(".msg.bot .card", new() { HasText = "How likely are you to recommend" }).Last;
        await Assertions.Expect(survey.Locator(".buttons button")).ToHaveCountAsync(12, new() { Timeout = 15_000 });
        await Assertions.Expect(survey.Locator(".note")).ToHaveTextAsync("0 = Not likely · 10 = Very likely");
        await survey.Locator(".buttons button", new() { HasTextString = "2" }).First.ClickAsync();

        // The card changes in place, so it cannot be clicked twice.
        await Assertions.Expect(customer.Locator(".card-title", new() { HasText = "Thanks, you answered 2" })).ToBeVisibleAsync();
        await Assertions.Expect(customer.Locator(".buttons button", new() { HasTextString = "10" })).ToHaveCountAsync(0);

        // The CSM's page was open all along: the nudge arrives without a reload.
        var nudge = csm.Locator(".msg.bot .card", new() { Has = csm.Locator(".card-title", new() { HasText = $"Detractor (2) · {account.Name}" }) });
        await Assertions.Expect(nudge).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(nudge.Locator(".card-summary")).ToContainTextAsync($"{contact} answered 2");
        await Assertions.Expect(nudge.Locator(".buttons button")).ToHaveTextAsync(["Snooze", "Log touchpoint", "Mark churned"]);
    }

    [SkippableFact]
    public async Task A_csm_snoozes_a_nudge_with_a_reason_and_the_card_shows_who_did_it()
    {
        Browser.Require();
        var page = await Open();
        var csm = DemoGenerator.Csms[1];
        await BecomeAsync(page, csm);
        var nudge = page.Locator(".msg.bot .card", new() { Has = page.Locator("button", new() { HasTextString = "Snooze" }) }).First;
        await Assertions.Expect(nudge).ToBeVisibleAsync(new() { Timeout = 15_000 });

        await nudge.Locator("button", new() { HasTextString = "Snooze" }).ClickAsync();
        await nudge.Locator("select[name=days]").SelectOptionAsync("14");
        await nudge.Locator("textarea[name=reason]").FillAsync("Waiting for their budget round");
        await nudge.Locator("form.inputs button[type=submit]").ClickAsync();

        var done = page.Locator(".msg.bot .card .note", new() { HasText = $"{csm} snoozed" });
        await Assertions.Expect(done).ToContainTextAsync("for 14 days (Waiting for their budget round)");
        // The card itself shows the snooze; no separate "Done" message follows.
        var snoozed = page.Locator(".msg.bot .card", new() { Has = page.Locator(".note", new() { HasText = $"{csm} snoozed" }) });
        await Assertions.Expect(snoozed).ToContainTextAsync("Snoozed");
        await Assertions.Expect(page.Locator(".msg.bot .card-title", new() { HasText = "Done · " })).ToHaveCountAsync(0);
    }
}
