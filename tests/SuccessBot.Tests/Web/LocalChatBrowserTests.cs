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
}
