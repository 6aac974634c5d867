using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.LocalChat;

namespace SuccessBot.Tests.Web;

/// <summary>
/// Where the host listens decides how the local chat knows who is talking: loopback keeps the person picker, any
/// other address needs sign-in, and without sign-in settings there the chat is off. Through the real pipeline (the
/// test server reports no bound address, so the configured `urls` decide, as Kestrel's bound ones do for real).
/// </summary>
public class LocalChatModeTests
{
    private const string Exposed = "http://0.0.0.0:5080";

    private static readonly Dictionary<string, string?> SignIn = new()
    {
        ["urls"] = Exposed,
        ["LocalChat:Authority"] = "http://127.0.0.1:9",
        ["LocalChat:ClientId"] = "successbot",
        ["LocalChat:ClientSecret"] = "test-secret",
    };

    private static IChatChannel LocalChannel(BotFactory factory) => factory.Services.GetServices<IChatChannel>().Single(c => c.Name == "local");

    private static async Task<(HttpStatusCode Status, string? Error)> Get(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task On_an_address_other_than_loopback_without_sign_in_settings_the_chat_is_off_and_the_host_says_so()
    {
        using var factory = new BotFactory(new Dictionary<string, string?> { ["urls"] = Exposed });
        var http = factory.CreateClient();
        const string why = "listening on http://0.0.0.0:5080, not on loopback only, and sign-in is not configured: "
            + "LocalChat:Authority, LocalChat:ClientId, LocalChat:ClientSecret not set";

        var page = await http.GetAsync("/");
        var post = await http.PostAsJsonAsync("/chat/messages", new { @as = DemoGenerator.Manager, text = "churn last month" });

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal($"The local chat is off: {why}.", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, $"The local chat is off: {why}."), await Get(http, "/chat/people"));
        Assert.Equal(HttpStatusCode.NotFound, (await Get(http, $"/chat/history?as={DemoGenerator.Manager}")).Status);
        Assert.Equal((HttpStatusCode.NotFound, $"The local chat is off: {why}."), await Get(http, "/chat/signin"));
        Assert.Contains($"Local chat: off ({why})", factory.Log.Lines);
        // Nudges are not left where nobody can read them.
        Assert.False(await LocalChannel(factory).CanReachAsync(DemoGenerator.Manager, CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    /// <summary>Nobody has picked a language before the chat is served: why it is off is in the browser's (Accept-Language), the log staying English.</summary>
    [Theory]
    [InlineData("de-DE,de;q=0.9,en;q=0.8", "Der lokale Chat ist ausgeschaltet: der Server lauscht auf http://0.0.0.0:5080, nicht nur auf Loopback, "
        + "und die Anmeldung ist nicht eingerichtet; setzen Sie LocalChat:Authority, LocalChat:ClientId, LocalChat:ClientSecret.")]
    [InlineData("fr-FR,ru;q=0.5", "Локальный чат выключен: сервер слушает http://0.0.0.0:5080, а не только loopback, а вход не настроен; "
        + "задайте LocalChat:Authority, LocalChat:ClientId, LocalChat:ClientSecret.")]
    [InlineData("fr-FR", "The local chat is off: listening on http://0.0.0.0:5080, not on loopback only, and sign-in is not configured: "
        + "LocalChat:Authority, LocalChat:ClientId, LocalChat:ClientSecret not set.")]
    public async Task Why_the_chat_is_off_is_told_in_the_browsers_language(string acceptLanguage, string off)
    {
        using var factory = new BotFactory(new Dictionary<string, string?> { ["urls"] = Exposed });
        var http = factory.CreateClient();
        http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);

        var page = await http.GetAsync("/");

        Assert.Equal((HttpStatusCode.NotFound, off), (page.StatusCode, await page.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.NotFound, off), await Get(http, "/chat/me"));
        Assert.Equal((HttpStatusCode.NotFound, off), await Get(http, "/chat/people"));
        Assert.Equal((HttpStatusCode.NotFound, off), await Get(http, "/chat/signin"));
        Assert.Contains(factory.Log.Lines, l => l.StartsWith("Local chat: off (listening on http://0.0.0.0:5080, not on loopback only, and sign-in is not configured"));
    }

    [Fact]
    public async Task How_the_chat_knows_who_is_talking_is_decided_at_start_and_a_later_change_of_the_settings_does_not_change_it()
    {
        using var factory = new BotFactory();
        var http = factory.CreateClient();
        Assert.Equal("pick", (await http.GetFromJsonAsync<JsonElement>("/chat/me")).GetProperty("mode").GetString());

        // What a reloaded appsettings.json would do: the host still listens where it started, so the chat stays as it was.
        factory.Services.GetRequiredService<IConfiguration>()["urls"] = Exposed;

        Assert.Equal("pick", (await http.GetFromJsonAsync<JsonElement>("/chat/me")).GetProperty("mode").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/chat/people")).StatusCode);
    }

    [Fact]
    public async Task Require_sign_in_turns_the_picker_off_on_loopback_too()
    {
        using var factory = new BotFactory(new Dictionary<string, string?> { ["LocalChat:RequireSignIn"] = "true" });
        var http = factory.CreateClient();

        var (status, error) = await Get(http, "/chat/people");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.StartsWith("The local chat is off: LocalChat:RequireSignIn is true, and sign-in is not configured", error);
    }

    [Fact]
    public async Task On_loopback_the_picker_stays_and_the_host_says_so()
    {
        using var factory = new BotFactory();
        var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var me = await http.GetFromJsonAsync<JsonElement>("/chat/me");
        var signOut = await http.PostAsync("/chat/signout", null);

        Assert.Equal("pick", me.GetProperty("mode").GetString());
        Assert.True(await LocalChannel(factory).CanReachAsync(DemoGenerator.Manager, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/", signOut.Headers.Location?.OriginalString);
        Assert.Contains("Local chat: people pick who they are (loopback only)", factory.Log.Lines);
        Assert.Contains("Local chat: on at http://localhost:5080/", factory.Log.Lines);
    }

    [Fact]
    public async Task With_sign_in_nothing_is_served_to_someone_who_has_not_signed_in()
    {
        using var factory = new BotFactory(SignIn);
        var http = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        const string signInFirst = "Sign in first: open the chat's page and choose Sign in.";

        var me = await http.GetFromJsonAsync<JsonElement>("/chat/me");
        var post = await http.PostAsJsonAsync("/chat/messages", new { @as = DemoGenerator.Manager, text = "churn last month" });

        Assert.Equal("sign-in", me.GetProperty("mode").GetString());
        Assert.False(me.TryGetProperty("email", out _));
        Assert.Equal((HttpStatusCode.Unauthorized, signInFirst), await Get(http, "/chat/people"));
        Assert.Equal((HttpStatusCode.Unauthorized, signInFirst), await Get(http, $"/chat/history?as={DemoGenerator.Manager}"));
        Assert.Equal((HttpStatusCode.Unauthorized, signInFirst), await Get(http, $"/chat/events?as={DemoGenerator.Manager}"));
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Contains("Local chat: sign-in with http://127.0.0.1:9 (listening on http://0.0.0.0:5080)", factory.Log.Lines);
    }

    [Fact]
    public async Task With_sign_in_plain_http_is_refused_and_an_unreachable_provider_is_a_502_with_a_reason()
    {
        using var factory = new BotFactory(SignIn);
        var plain = factory.CreateClient();
        var secure = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });

        var (status, error) = await Get(plain, "/chat/me");
        var signIn = await Get(secure, "/chat/signin");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Sign-in needs https", error);
        Assert.Equal(HttpStatusCode.BadGateway, signIn.Status);
        Assert.StartsWith("The sign-in provider cannot be reached", signIn.Error);
        secure.DefaultRequestHeaders.AcceptLanguage.ParseAdd("pt-PT,pt;q=0.9");
        Assert.StartsWith("Não é possível contactar o fornecedor de autenticação (", (await Get(secure, "/chat/signin")).Error);
    }

    /// <summary>The sign-in cookie as the host writes it after a sign-in: its ticket, protected with the host's keys.</summary>
    private static string SignedInAs(BotFactory factory, string email)
    {
        var cookies = factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var person = new ClaimsPrincipal(new ClaimsIdentity([new Claim(LocalChatAccess.EmailClaim, email)], "oidc", LocalChatAccess.EmailClaim, null));
        return $"{LocalChatSignIn.CookieName}={cookies.TicketDataFormat.Protect(new AuthenticationTicket(person, CookieAuthenticationDefaults.AuthenticationScheme))}";
    }

    /// <summary>Before the chat knows who asks, nobody has picked a language: its refusals are in the browser's (Accept-Language), else the team's.</summary>
    [Theory]
    [InlineData("de-DE,de;q=0.9", "Bitte melden Sie sich zuerst an: Öffnen Sie die Seite des Chats und wählen Sie „Anmelden“.",
        "Die Anmeldung braucht https: Öffnen Sie diesen Chat unter einer https-Adresse.",
        "Die Anmeldung braucht https: Geben Sie dem Host eine https-URL (--urls https://...) oder stellen Sie ihn hinter einen TLS-Proxy mit ASPNETCORE_FORWARDEDHEADERS_ENABLED=true.",
        "Das Antiforgery-Token fehlt oder ist falsch; laden Sie die Seite neu.",
        "Sie sind als {0} angemeldet; der lokale Chat antwortet nur in Ihrem Namen, nicht im Namen von {1}.",
        "visitor@elsewhere.example ist hier weder Manager noch CSM noch Kundenkontakt, daher spricht der lokale Chat nicht mit dieser Person.")]
    [InlineData("fr-FR,ru;q=0.5", "Сначала войдите: откройте страницу чата и выберите «Войти».",
        "Для входа нужен https: откройте этот чат по адресу https.",
        "Для входа нужен https: укажите хосту адрес https (--urls https://...) или поставьте его за TLS-прокси с ASPNETCORE_FORWARDEDHEADERS_ENABLED=true.",
        "Токен защиты от подделки запросов отсутствует или неверен; перезагрузите страницу.",
        "Вы вошли как {0}; локальный чат отвечает только от вашего имени, а не от имени {1}.",
        "visitor@elsewhere.example здесь не менеджер, не CSM и не контакт клиента, поэтому локальный чат с этим человеком не общается.")]
    [InlineData("fr-FR", "Sign in first: open the chat's page and choose Sign in.",
        "Sign-in needs https: open this chat at an https address.",
        "Sign-in needs https: give the host an https URL (--urls https://...), or put it behind a TLS proxy with ASPNETCORE_FORWARDEDHEADERS_ENABLED=true.",
        "The antiforgery token is missing or wrong; reload the page.",
        "You are signed in as {0}; the local chat answers only as you, not as {1}.",
        "visitor@elsewhere.example is not a manager, a CSM or a customer contact here, so the local chat does not talk to them.")]
    public async Task With_sign_in_the_refusals_before_the_chat_knows_who_asks_are_in_the_browsers_language(
        string acceptLanguage, string signInFirst, string openOverHttps, string needsHttps, string tokenMissing, string notYou, string notKnown)
    {
        using var factory = new BotFactory(SignIn);
        HttpClient Browser(string url, string? cookie = null)
        {
            var http = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(url), AllowAutoRedirect = false, HandleCookies = false });
            http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
            if (cookie is not null) http.DefaultRequestHeaders.Add("Cookie", cookie);
            return http;
        }
        var plain = Browser("http://localhost");
        var stranger = Browser("https://localhost");
        var manager = Browser("https://localhost", SignedInAs(factory, DemoGenerator.Manager));
        var visitor = Browser("https://localhost", SignedInAs(factory, "visitor@elsewhere.example"));
        var csm = DemoGenerator.Csms[0];

        var page = await plain.GetAsync("/");
        var post = await manager.PostAsJsonAsync("/chat/messages", new { text = "renewals" });

        Assert.Equal((HttpStatusCode.BadRequest, openOverHttps), (page.StatusCode, await page.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.BadRequest, needsHttps), await Get(plain, "/chat/me"));
        Assert.Equal((HttpStatusCode.Unauthorized, signInFirst), await Get(stranger, "/chat/people"));
        Assert.Equal((HttpStatusCode.BadRequest, tokenMissing), (post.StatusCode, (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()));
        Assert.Equal((HttpStatusCode.Forbidden, string.Format(notYou, DemoGenerator.Manager, csm)), await Get(manager, $"/chat/history?as={csm}"));
        Assert.Equal((HttpStatusCode.Forbidden, notKnown), await Get(visitor, "/chat/history"));
    }

    /// <summary>On loopback the page says who asks with every call: a call that does not is told so in the browser's language.</summary>
    [Theory]
    [InlineData("de-DE", "Sagen Sie, wer Sie sind: \"as\" ist die E-Mail-Adresse, unter der Sie chatten.")]
    [InlineData("pt-BR,pt;q=0.9", "Diga quem você é: \"as\" é o e-mail com que você conversa.")]
    [InlineData("fr-FR", "Say who you are: \"as\" is the email you chat as.")]
    public async Task A_call_that_does_not_say_who_asks_is_told_so_in_the_browsers_language(string acceptLanguage, string sayWhoYouAre)
    {
        using var factory = new BotFactory();
        var http = factory.CreateClient();
        http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);

        var post = await http.PostAsJsonAsync("/chat/messages", new { text = "churn last month" });

        Assert.Equal((HttpStatusCode.BadRequest, sayWhoYouAre), (post.StatusCode, (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, sayWhoYouAre), await Get(http, "/chat/history"));
    }

    [Theory]
    [InlineData("https://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("https://successbot.example.com", false)]
    [InlineData("http://10.0.0.7:5080", false)]
    public void Only_localhost_and_loopback_addresses_count_as_loopback(string address, bool loopback) =>
        Assert.Equal(loopback, LocalChatAccess.IsLoopback(address));

    [Theory]
    [InlineData("https://login.example.com", null)]
    [InlineData("http://127.0.0.1:4000", null)]
    [InlineData("http://login.example.com", "LocalChat:Authority: \"http://login.example.com\" must be https (http is allowed only for a provider on loopback).")]
    [InlineData("login.example.com", "LocalChat:Authority: \"login.example.com\" is not an http(s) URL.")]
    public void The_authority_is_https_except_on_loopback(string authority, string? problem)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LocalChat:Authority"] = authority }).Build();

        var error = Record.Exception(() => LocalChatSettings.From(config));

        Assert.Equal(problem, error?.Message);
    }

    [Fact]
    public void The_sample_settings_leave_sign_in_off_and_keep_a_thousand_conversations()
    {
        var sample = LocalChatSettings.From(new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoRoot.Path, "appsettings.sample.json")).Build());

        Assert.False(sample.SignInConfigured);
        Assert.Equal(["LocalChat:Authority", "LocalChat:ClientId", "LocalChat:ClientSecret"], sample.MissingSignInKeys);
        Assert.False(sample.TrustEmailClaim);
        Assert.False(sample.RequireSignIn);
        Assert.Equal(1_000, sample.MaxPeople);
    }

    [Fact]
    public void Max_people_is_a_whole_number_of_one_or_more_and_a_thousand_by_default()
    {
        LocalChatSettings Read(string? value) => LocalChatSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LocalChat:MaxPeople"] = value }).Build());

        Assert.Equal(1_000, Read(null).MaxPeople);
        Assert.Equal(25, Read("25").MaxPeople);
        Assert.Equal("LocalChat:MaxPeople: \"0\" is not a whole number of 1 or more.", Assert.Throws<InvalidSettingException>(() => Read("0")).Message);
    }

    private static ClaimsPrincipal Token(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "oidc"));

    [Theory]
    [InlineData("true", false, "ana@x.example", null)]
    [InlineData("True", false, "ana@x.example", null)]
    [InlineData("false", false, null, "the provider has not verified ana@x.example (its token says email_verified is not true).")]
    [InlineData(null, false, null, "the provider has not verified ana@x.example (its token says email_verified is not true).")]
    [InlineData(null, true, "ana@x.example", null)]
    [InlineData("false", true, null, "the provider has not verified ana@x.example (its token says email_verified is not true).")]
    public void The_person_is_the_token_s_email_only_when_the_provider_verified_it(string? verified, bool trust, string? email, string? refusal)
    {
        var claims = new List<(string, string)> { ("email", "ana@x.example") };
        if (verified is not null) claims.Add(("email_verified", verified));

        Assert.Equal((email, refusal), LocalChatSignIn.VerifiedEmail(Token([.. claims]), trust));
    }

    [Fact]
    public void A_token_without_an_email_is_refused() =>
        Assert.Equal((null, "the provider sent no email (the chat asks for the \"email\" scope)."), LocalChatSignIn.VerifiedEmail(Token(("sub", "123")), trustEmailClaim: true));
}
