using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SuccessBot.Core.Chat;
using SuccessBot.Demo;

namespace SuccessBot.Tests.Web;

/// <summary>The local chat used as a person uses it: in a real browser, by clicking and typing.</summary>
public class LocalChatBrowserTests(Browser browser) : IClassFixture<Browser>
{
    private async Task<IPage> Open(BrowserNewPageOptions? options = null)
    {
        var page = await browser.Chrome!.NewPageAsync(options);
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
    public async Task A_csm_picks_german_asks_in_german_period_words_and_reads_the_answer_in_german_and_the_pick_stays_after_a_reload()
    {
        Browser.Require();
        var page = await Open();
        // A CSM of their own: the manager's conversation, which other tests read, gets no German answer.
        await BecomeAsync(page, DemoGenerator.Csms[2]);
        await page.SelectOptionAsync("#language", "de");

        await SayAsync(page, "churn letzten Monat");

        var answer = page.Locator(".msg.bot .card", new() { Has = page.Locator(".card-title", new() { HasTextRegex = new Regex(@"^Churn · [^ ]+ \d{4} \(01\.\d\d\.\d{4} – \d\d\.\d\d\.\d{4}\) · Ihre Accounts$") }) });
        await Assertions.Expect(answer.Locator(".card-summary").Last).ToHaveTextAsync(new Regex(@"^\d+,\d\s%\sLogo-Churn: \d+ von \d+ am \d\d\.\d\d\.\d{4} aktiven Accounts"));
        await Assertions.Expect(answer.Locator(".facts th").First).ToHaveTextAsync("Logo-Churn");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#language")).ToHaveValueAsync("de");
        await page.EvaluateAsync("() => localStorage.removeItem('successbot.language')");
    }

    [SkippableFact]
    public async Task Picking_deutsch_puts_the_pages_own_labels_and_hint_in_german()
    {
        Browser.Require();
        var page = await Open();
        await BecomeAsync(page, DemoGenerator.Manager);

        await page.SelectOptionAsync("#language", "de");

        await Assertions.Expect(page.Locator("label[for=language]")).ToHaveTextAsync("Sprache");
        await Assertions.Expect(page.Locator("label[for=who]")).ToHaveTextAsync("Sie sind");
        await Assertions.Expect(page.Locator("#send")).ToHaveTextAsync("Senden");
        await Assertions.Expect(page.Locator("#message")).ToHaveAttributeAsync("placeholder", "Versuchen Sie: churn last month · nps this quarter · renewals next 30 days · help");
        await Assertions.Expect(page.Locator("#who optgroup").Last).ToHaveAttributeAsync("label", "Kundenkontakt");
        await Assertions.Expect(page).ToHaveTitleAsync("SuccessBot · lokaler Chat");
        await page.SelectOptionAsync("#language", "");
        await Assertions.Expect(page.Locator("label[for=language]")).ToHaveTextAsync("Language");
        await page.EvaluateAsync("() => localStorage.removeItem('successbot.language')");
    }

    [SkippableFact]
    public async Task A_manager_asks_for_the_churn_trend_and_sees_the_chart_with_its_numbers_under_it_even_on_a_phone()
    {
        Browser.Require();
        var page = await Open(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        await BecomeAsync(page, DemoGenerator.Manager);

        await SayAsync(page, "churn trend");

        var answer = page.Locator(".msg.bot .card", new() { Has = page.Locator(".card-title", new() { HasTextRegex = new Regex("^Churn trend · ") }) });
        var image = answer.Locator("figure.chart img");
        await Assertions.Expect(image).ToHaveCountAsync(1);
        // The browser fetched and decoded the PNG the host drew: its natural size is the chart's.
        await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth === 800 && img.naturalHeight === 400", await image.ElementHandleAsync());
        Assert.StartsWith("Line chart of monthly logo churn", await image.GetAttributeAsync("alt"));
        await Assertions.Expect(answer.Locator("figure.chart table.data caption")).ToHaveTextAsync("Month by month");
        await Assertions.Expect(answer.Locator("figure.chart table.data tbody tr")).ToHaveCountAsync(12);
        // The numbers show once, under the picture, not again as a list.
        await Assertions.Expect(answer.Locator(".section h3", new() { HasTextString = "Month by month" })).ToHaveCountAsync(0);
        var shown = await image.EvaluateAsync<double>("img => img.getBoundingClientRect().right");
        var screen = await page.EvaluateAsync<double>("() => document.documentElement.clientWidth");
        Assert.True(shown <= screen, $"the chart ends at {shown} px on a {screen} px screen");
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
        // The only pictures are the charts the host draws (another test of this page may have asked for one).
        Assert.Equal(0, await page.Locator("#log img:not(figure.chart > img), #log script").CountAsync());
        Assert.False(alerted);
    }

    [SkippableFact]
    public async Task A_customer_answers_a_survey_with_one_click_and_their_csm_sees_the_detractor_nudge_arrive()
    {
        Browser.Require();
        var customer = await Open();
        // The first contact listed whose survey is in English (the demo gives other accounts and contacts other languages).
        var contacts = await customer.EvalOnSelectorAllAsync<string[]>("#who optgroup[label='Customer contact'] option", "os => os.map(o => o.value)");
        var contact = contacts.First(c => browser.Demo.Accounts.Single(a => a.ContactEmails.Contains(c)) is var a && a.Language is null && a.LanguageOf(c) is null);
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

    [SkippableFact]
    public async Task Switching_person_while_the_first_history_is_still_loading_shows_only_the_second_persons_conversation()
    {
        Browser.Require();
        var page = await browser.Chrome!.NewPageAsync();
        // The manager's history is held back until the page has switched to a CSM: a slow answer must not land in the CSM's log.
        var release = new TaskCompletionSource();
        var managersHistory = "/chat/history?as=" + Uri.EscapeDataString(DemoGenerator.Manager);
        await page.RouteAsync(url => url.Contains(managersHistory), async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        await page.GotoAsync(browser.Url + "?as=" + Uri.EscapeDataString(DemoGenerator.Manager));
        await page.Locator("#who option").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var csm = DemoGenerator.Csms[3];
        await BecomeAsync(page, csm);
        using var http = new HttpClient { BaseAddress = new Uri(browser.Url) };
        var managerSays = $"only the manager asked this {Guid.NewGuid():N}";
        await http.PostAsJsonAsync("/chat/messages", new { @as = DemoGenerator.Manager, text = managerSays });

        var held = page.WaitForResponseAsync(r => r.Url.Contains(managersHistory));
        release.SetResult();
        await held;
        await page.EvaluateAsync("() => new Promise(r => setTimeout(r, 300))");

        Assert.Equal(csm, await page.EvaluateAsync<string>("() => document.body.dataset.listening"));
        await Assertions.Expect(page.Locator(".msg.person", new() { HasText = managerSays })).ToHaveCountAsync(0);
        var ids = await page.EvalOnSelectorAllAsync<string[]>("#log .msg", "ms => ms.map(m => m.dataset.id)");
        var history = await http.GetFromJsonAsync<JsonElement[]>("/chat/history?as=" + Uri.EscapeDataString(csm));
        var mine = history!.Select(m => m.GetProperty("id").GetString()).ToHashSet();
        Assert.All(ids, id => Assert.Contains(id, mine));
    }

    private static readonly BrowserNewPageOptions Phone = new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true };

    /// <summary>Nothing on the page is wider than the screen: no sideways scrolling at phone width.</summary>
    private static async Task AssertFitsAsync(IPage page)
    {
        var widest = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(widest <= 390, $"the page is {widest} px wide on a 390 px screen");
    }

    [SkippableFact]
    public async Task At_phone_width_a_manager_clicks_a_help_example_expands_a_long_list_and_an_empty_enter_sends_nothing()
    {
        Browser.Require();
        var failed = new List<string>();
        var posted = new List<string>();
        var page = await Open(Phone);
        page.Response += (_, response) => { if (response.Status >= 400) failed.Add($"{response.Status} {response.Url}"); };
        page.Request += (_, request) => { if (request.Method == "POST" && request.Url.EndsWith("/chat/messages")) posted.Add(request.PostData ?? ""); };
        await BecomeAsync(page, DemoGenerator.Manager);
        await Assertions.Expect(page.Locator("#message")).ToHaveAttributeAsync("placeholder", new Regex("churn last month"));

        await page.PressAsync("#message", "Enter");
        await SayAsync(page, "help");
        var help = page.Locator(".msg.bot .card", new() { Has = page.Locator(".card-title", new() { HasTextString = "SuccessBot commands" }) });
        await Assertions.Expect(help).ToBeVisibleAsync();
        Assert.Equal(["help"], posted.Select(body => JsonDocument.Parse(body).RootElement.GetProperty("text").GetString()));
        await AssertFitsAsync(page);

        var example = CommandLanguage.Commands.Single(c => c.Verb == "renewals").Example;
        await help.Locator("code.example", new() { HasTextRegex = new Regex($"^{Regex.Escape(example)}$") }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".msg.person").Last).ToHaveTextAsync(example);
        await Assertions.Expect(page.Locator(".msg.bot .card-title", new() { HasTextRegex = new Regex("^Renewals · ") })).ToBeVisibleAsync();

        await SayAsync(page, "renewals next 12 months");
        var answers = page.Locator(".msg.bot .card", new() { Has = page.Locator(".card-title", new() { HasTextRegex = new Regex("^Renewals · ") }) });
        await Assertions.Expect(answers).ToHaveCountAsync(2);
        var renewals = answers.Last;
        var toggle = renewals.Locator("button.more-toggle");
        var label = await toggle.TextContentAsync();
        var more = int.Parse(Regex.Match(label!, @"and ([\d,]+) more").Groups[1].Value.Replace(",", ""));
        var list = renewals.Locator(".section", new() { HasTextString = "Renewing" }).Locator("li");
        var before = await list.CountAsync();
        await toggle.ClickAsync();
        // The lines shown, then the hidden ones in place of "… and N more" (and a count of any the reply did not carry).
        await Assertions.Expect(list).ToHaveCountAsync(before - 1 + Math.Min(more, Reply.MaxHidden) + (more > Reply.MaxHidden ? 1 : 0));
        await Assertions.Expect(renewals.Locator("button.more-toggle")).ToHaveCountAsync(0);
        await AssertFitsAsync(page);

        var send = await page.Locator("#send").BoundingBoxAsync();
        Assert.True(send!.X + send.Width <= 390, "the Send button is off the screen");
        Assert.Empty(failed);
        // Without an icon of its own the browser asks the host for /favicon.ico, a 404 (which Playwright does not report).
        var icon = await page.EvaluateAsync<string>("""
            async () => {
              const link = document.querySelector("link[rel~=icon]");
              if (!link) return "no icon: the browser asks for /favicon.ico";
              return (await fetch(link.href)).ok ? link.href.slice(0, 5) : "the icon does not load";
            }
            """);
        Assert.Equal("data:", icon);
    }

    [SkippableFact]
    public async Task The_message_box_hint_fits_the_persons_role()
    {
        Browser.Require();
        var page = await Open(Phone);
        var contact = await page.EvalOnSelectorAsync<string>("#who optgroup[label='Customer contact'] option", "o => o.value");
        var box = page.Locator("#message");

        await BecomeAsync(page, DemoGenerator.Csms[3]);
        await Assertions.Expect(box).ToHaveAttributeAsync("placeholder", new Regex("at-risk .*your accounts"));
        await BecomeAsync(page, contact);
        await Assertions.Expect(box).ToHaveAttributeAsync("placeholder", new Regex("survey"));
        Assert.DoesNotContain("churn", await box.GetAttributeAsync("placeholder"));
    }

    [SkippableFact]
    public async Task A_cards_form_has_a_styled_submit_and_a_cancel_that_closes_it_at_phone_width()
    {
        Browser.Require();
        var page = await Open(Phone);
        await BecomeAsync(page, DemoGenerator.Csms[4]);
        var nudge = page.Locator(".msg.bot .card", new() { Has = page.Locator("button", new() { HasTextString = "Log touchpoint" }) }).First;
        await Assertions.Expect(nudge).ToBeVisibleAsync(new() { Timeout = 15_000 });

        await nudge.Locator("button", new() { HasTextString = "Log touchpoint" }).ClickAsync();
        var form = nudge.Locator("form.inputs");
        var submit = form.Locator("button[type=submit]");
        await Assertions.Expect(submit).ToHaveTextAsync("Log touchpoint");
        await Assertions.Expect(submit).ToHaveCSSAsync("background-color", "rgb(47, 111, 222)");
        await Assertions.Expect(submit).ToHaveCSSAsync("color", "rgb(255, 255, 255)");
        await AssertFitsAsync(page);

        await form.Locator("button", new() { HasTextString = "Cancel" }).ClickAsync();

        await Assertions.Expect(form).ToHaveCountAsync(0);
        await Assertions.Expect(nudge.Locator(".buttons button")).ToHaveTextAsync(["Snooze", "Log touchpoint", "Mark churned"]);
    }

    /// <summary>The form a button opens is in the words its card is written in: its Cancel too.</summary>
    [SkippableTheory]
    [InlineData("de", "Danke! Ihre Antwort: 9", "Kommentar hinzufügen", "Abbrechen")]
    [InlineData("ru", "Спасибо! Ваша оценка: 9", "Добавить комментарий", "Отмена")]
    public async Task A_customer_adding_a_comment_reads_the_forms_cancel_in_their_language(string language, string thanks, string addComment, string cancel)
    {
        Browser.Require();
        var page = await Open();
        var contacts = await page.EvalOnSelectorAllAsync<string[]>("#who optgroup[label='Customer contact'] option", "os => os.map(o => o.value)");
        // A contact's own language, else their account's, is the survey's; the one picked on the page answers the click.
        var contact = contacts.First(c => browser.Demo.Accounts.Single(a => a.ContactEmails.Contains(c)) is var a && (a.LanguageOf(c) ?? a.Language) == language);
        await page.SelectOptionAsync("#language", language);
        await BecomeAsync(page, contact);
        var survey = page.Locator(".msg.bot .card", new() { Has = page.Locator(".buttons button", new() { HasTextString = "10" }) }).Last;
        await Assertions.Expect(survey).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await survey.Locator(".buttons button", new() { HasTextString = "9" }).First.ClickAsync();
        var thanked = page.Locator(".msg.bot .card", new() { Has = page.Locator(".card-title", new() { HasText = thanks }) });

        await thanked.Locator(".buttons button", new() { HasTextString = addComment }).ClickAsync();

        var form = thanked.Locator("form.inputs");
        await Assertions.Expect(form.Locator("button[type=button]")).ToHaveTextAsync(cancel);
        await form.Locator("button", new() { HasTextString = cancel }).ClickAsync();
        await Assertions.Expect(form).ToHaveCountAsync(0);
        await page.EvaluateAsync("() => localStorage.removeItem('successbot.language')");
    }
}
