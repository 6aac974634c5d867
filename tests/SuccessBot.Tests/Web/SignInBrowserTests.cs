using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SuccessBot.Demo;
using SuccessBot.LocalChat;

namespace SuccessBot.Tests.Web;

/// <summary>Sign-in to the local chat as a person does it: in Chromium, through a real OpenID provider's pages.</summary>
public class SignInBrowserTests(SignInHost host) : IClassFixture<SignInHost>
{
    private sealed record Answer(int Status, string? Error);

    /// <summary>A call made by the page itself, with its cookies and (when asked) its antiforgery token.</summary>
    private static async Task<Answer> Call(IPage page, string method, string path, object? body = null, bool withToken = true)
    {
        var result = await page.EvaluateAsync<JsonElement>(@"async ([method, path, body, withToken]) => {
            const headers = { 'Content-Type': 'application/json' };
            if (withToken && session.antiforgery) headers['X-CSRF-TOKEN'] = session.antiforgery;
            const r = await fetch(path, { method, headers, body: body === null ? undefined : JSON.stringify(body) });
            const data = await r.json().catch(() => ({}));
            return { status: r.status, error: data.error ?? null };
        }", new object?[] { method, path, body, withToken });
        return new Answer(result.GetProperty("status").GetInt32(), result.GetProperty("error").GetString());
    }

    /// <summary>The provider's own pages: its login form (any password), then its consent page.</summary>
    private static async Task SignInAtTheProvider(IPage page, string email)
    {
        await page.Locator("#signin").ClickAsync();
        await page.Locator("input[name=login]").FillAsync(email);
        await page.Locator("input[name=password]").FillAsync("any password will do");
        await page.Locator("button[type=submit]", new() { HasTextString = "Sign-in" }).ClickAsync();
        await page.Locator("button[type=submit]", new() { HasTextString = "Continue" }).ClickAsync();
    }

    [SkippableFact]
    public async Task A_manager_signs_in_asks_as_herself_cannot_read_someone_else_s_history_and_signs_out()
    {
        SignInHost.Require();
        await using var context = await host.OpenChatAsync();
        var page = context.Pages[0];
        await Assertions.Expect(page.Locator("#signin")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#who")).ToBeHiddenAsync();
        Assert.Equal(new Answer(401, "Sign in first: open the chat's page and choose Sign in."), await Call(page, "GET", "/chat/people"));

        await SignInAtTheProvider(page, DemoGenerator.Manager);

        await Assertions.Expect(page.Locator("#signed-in")).ToHaveTextAsync($"Signed in as {DemoGenerator.Manager}");
        await Assertions.Expect(page.Locator("#role")).ToHaveTextAsync("Manager");
        await page.WaitForFunctionAsync("who => document.body.dataset.listening === who", DemoGenerator.Manager);
        await page.Locator("#message").FillAsync("churn last month");
        await page.Locator("#message").PressAsync("Enter");
        var answer = page.Locator(".msg.bot .card", new() { Has = page.Locator(".card-title", new() { HasTextRegex = new Regex("^Churn · ") }) });
        await Assertions.Expect(answer.Locator(".card-summary")).ToHaveTextAsync(new Regex(@"^\d+\.\d% logo churn: \d+ of \d+ accounts"));
        await Assertions.Expect(page.Locator(".msg.person").Last).ToHaveTextAsync("churn last month");

        // Someone else's conversation, or speaking as them, is refused with the reason; so is a post without the token.
        var csm = DemoGenerator.Csms[0];
        var notYou = $"You are signed in as {DemoGenerator.Manager}; the local chat answers only as you, not as {csm}.";
        Assert.Equal(new Answer(403, notYou), await Call(page, "GET", $"/chat/history?as={csm}"));
        Assert.Equal(new Answer(403, notYou), await Call(page, "POST", "/chat/messages", new { @as = csm, text = "renewals" }));
        Assert.Equal(new Answer(400, "The antiforgery token is missing or wrong; reload the page."),
            await Call(page, "POST", "/chat/messages", new { text = "renewals" }, withToken: false));
        var people = await page.EvaluateAsync<JsonElement>("async () => (await fetch('/chat/people')).json()");
        Assert.Equal([DemoGenerator.Manager], people.GetProperty("managers").EnumerateArray().Select(m => m.GetString()));
        Assert.Empty(people.GetProperty("csms").EnumerateArray());
        Assert.Empty(people.GetProperty("customers").EnumerateArray());

        // The cookies as the browser keeps them.
        var cookies = await context.CookiesAsync([host.Url]);
        var session = Assert.Single(cookies, c => c.Name == LocalChatSignIn.CookieName);
        Assert.True(session.Secure);
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        var antiforgery = Assert.Single(cookies, c => c.Name.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.True(antiforgery.Secure);
        Assert.True(antiforgery.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, antiforgery.SameSite);

        await page.Locator("#signout button").ClickAsync();
        await page.Locator("button", new() { HasTextString = "Yes, sign me out" }).ClickAsync();

        await Assertions.Expect(page.Locator("#signin")).ToBeVisibleAsync();
        Assert.StartsWith(host.Url + "/", page.Url);
        Assert.DoesNotContain(await context.CookiesAsync([host.Url]), c => c.Name == LocalChatSignIn.CookieName);
        Assert.Equal(401, (await Call(page, "GET", $"/chat/history?as={DemoGenerator.Manager}")).Status);
    }

    [SkippableTheory]
    [InlineData("csm")]
    [InlineData("customer")]
    public async Task A_signed_in_csm_or_customer_finds_only_themselves_in_the_people_list(string who)
    {
        SignInHost.Require();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var account = host.Demo.Accounts.First(a => a.IsActiveOn(today) && a.ContactEmails.Count > 0);
        var email = who == "csm" ? DemoGenerator.Csms[0] : account.ContactEmails[0];
        await using var context = await host.OpenChatAsync();
        var page = context.Pages[0];

        await SignInAtTheProvider(page, email);

        await Assertions.Expect(page.Locator("#signed-in")).ToHaveTextAsync($"Signed in as {email}");
        await page.SelectOptionAsync("#language", "de");
        await Assertions.Expect(page.Locator("#signed-in")).ToHaveTextAsync($"Angemeldet als {email}");
        await Assertions.Expect(page.Locator("#role")).ToHaveTextAsync(who == "csm" ? "CSM" : "Kundenkontakt");
        await Assertions.Expect(page.Locator("#signout button")).ToHaveTextAsync("Abmelden");
        var people = await page.EvaluateAsync<JsonElement>("async () => (await fetch('/chat/people')).json()");
        string?[] Listed(string kind) => [.. people.GetProperty(kind).EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetProperty("email").GetString())];
        Assert.Empty(Listed("managers"));
        Assert.Equal(who == "csm" ? [email] : [], Listed("csms"));
        Assert.Equal(who == "customer" ? host.Demo.Accounts.Where(a => a.IsActiveOn(today) && a.ContactEmails.Contains(email)).Select(_ => email).ToArray() : [], Listed("customers"));
        if (who == "customer") Assert.Contains(people.GetProperty("customers").EnumerateArray(), c => c.GetProperty("account").GetString() == account.Name);
    }

    [SkippableFact]
    public async Task An_email_the_provider_has_not_verified_is_refused_at_sign_in()
    {
        SignInHost.Require();
        await using var context = await host.OpenChatAsync();
        var page = context.Pages[0];
        var refusal = page.WaitForResponseAsync(r => r.Url.StartsWith(host.Url + LocalChatSignIn.CallbackPath, StringComparison.Ordinal));

        await SignInAtTheProvider(page, "unverified.ana@successbot.demo");

        Assert.Equal(403, (await refusal).Status);
        await Assertions.Expect(page.Locator("#reason")).ToHaveTextAsync(
            "The provider has not verified unverified.ana@successbot.demo (its token says email_verified is not true).");
        Assert.DoesNotContain(await context.CookiesAsync([host.Url]), c => c.Name == LocalChatSignIn.CookieName);
    }

    [SkippableFact]
    public async Task A_signed_in_person_who_is_not_on_the_team_or_a_customer_is_told_so_and_nothing_is_kept()
    {
        SignInHost.Require();
        await using var context = await host.OpenChatAsync();
        var page = context.Pages[0];

        await SignInAtTheProvider(page, "visitor@elsewhere.example");

        await Assertions.Expect(page.Locator("#signed-in")).ToHaveTextAsync("Signed in as visitor@elsewhere.example");
        await Assertions.Expect(page.Locator("#log .error")).ToHaveTextAsync(
            "visitor@elsewhere.example is not a manager, a CSM or a customer contact here, so the local chat does not talk to them.");
        Assert.Equal(403, (await Call(page, "POST", "/chat/messages", new { text = "help" })).Status);
        Assert.False(host.Services.GetRequiredService<LocalChatHub>().Knows("visitor@elsewhere.example"));
    }
}
