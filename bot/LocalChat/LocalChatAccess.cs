using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Language;
using SuccessBot.Host;
using SuccessBot.Web;

namespace SuccessBot.LocalChat;

/// <summary>How the local chat knows who is talking: picked on the page (loopback only), signed in, or not served at all.</summary>
public enum LocalChatMode { PickWhoYouAre, SignIn, Off }

/// <summary>
/// Decides, from the addresses the host listens on, whether the person picker may stay (loopback only: the demo) or
/// the chat needs sign-in, and answers every chat request's "who is this?" with an email or a 4xx that says why not.
/// </summary>
public sealed class LocalChatAccess(LocalChatSettings settings, IServer server, IConfiguration config, IBookSource books, TeamSettings team, IAntiforgery antiforgery)
{
    public const string EmailClaim = "email";

    // Decided from the configured addresses when first asked, and again from those Kestrel bound once it starts
    // (SayWhatIsOn): never per request.
    private volatile Decision? _decision;

    /// <summary>The mode and why, said in English in the log and in the browser's language when the chat is off.</summary>
    private sealed record Decision(LocalChatMode Mode, Said Why);

    private Decision Decided => _decision ??= Decide(settings, Configured(config));

    public LocalChatMode Mode => Decided.Mode;

    /// <summary>Who reads what the chat says before it knows who asks: the language picked on the page when the request says it, else the browser's (Accept-Language), else the team's.</summary>
    public Reader ReaderOf(HttpRequest request, string? picked = null) => team.ReaderIn(Languages.First(picked, BrowserLanguage(request), team.Language));

    /// <summary>Why the chat is not served, in the browser's language, else the team's.</summary>
    public string OffReasonFor(HttpRequest request)
    {
        var w = ReaderOf(request);
        return w["LocalChat.Off", ("why", w.Words(Decided.Why))];
    }

    /// <summary>The browser's first language SuccessBot is written in (Accept-Language, by quality), or null.</summary>
    public static string? BrowserLanguage(HttpRequest request) =>
        request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value).FirstOrDefault(tag => Languages.Match(tag) is not null);

    /// <summary>At start: decides from the addresses Kestrel bound (a test server binds none), and says in the log where the chat is and how people say who they are.</summary>
    public void SayWhatIsOn(ILogger log, string url)
    {
        if (server.Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() is { Length: > 0 } bound) _decision = Decide(settings, bound);
        var decision = Decided;
        var why = team.ReaderIn(Languages.English).Words(decision.Why);
        if (decision.Mode == LocalChatMode.Off)
        {
            log.LogWarning("Local chat: off ({Why})", why);
            return;
        }
        log.LogInformation("Local chat: on at {Url}/", url.TrimEnd('/'));
        if (decision.Mode == LocalChatMode.SignIn) log.LogInformation("Local chat: sign-in with {Authority} ({Why})", settings.Authority, why);
        else log.LogInformation("Local chat: people pick who they are ({Why})", why);
    }

    private static Decision Decide(LocalChatSettings settings, string[] addresses)
    {
        var exposed = addresses.Where(a => !IsLoopback(a)).ToArray();
        var required = new Said("LocalChat.SignInRequired");
        return exposed.Length == 0 && !settings.RequireSignIn ? new Decision(LocalChatMode.PickWhoYouAre, new("LocalChat.LoopbackOnly"))
            : settings.SignInConfigured ? new Decision(LocalChatMode.SignIn, exposed.Length > 0 ? new("LocalChat.ListeningOn", ("address", exposed[0])) : required)
            : new Decision(LocalChatMode.Off, new("LocalChat.NoSignIn",
                ("why", exposed.Length > 0 ? new Said("LocalChat.NotLoopbackOnly", ("address", exposed[0])) : required), ("keys", string.Join(", ", settings.MissingSignInKeys))));
    }

    private static string[] Configured(IConfiguration config)
    {
        var endpoints = config.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>().ToArray();
        if (endpoints.Length > 0) return endpoints;
        return (config["urls"] is { Length: > 0 } urls ? urls : BotHost.DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>`localhost` and loopback IPs; `0.0.0.0`, `*`, `[::]`, host names and Unix sockets are not.</summary>
    public static bool IsLoopback(string address)
    {
        var host = BindingAddress.Parse(address).Host;
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>
    /// The first check of every chat request: whether the chat is served here, whether the person has signed in, and
    /// (for a click or a message) the antiforgery token. Returns the signed-in email (null when people pick who they are).
    /// </summary>
    public async Task<(string? SignedIn, IResult? Problem)> CheckAsync(HttpContext context)
    {
        switch (Mode)
        {
            case LocalChatMode.Off:
                return (null, JsonInput.Problem(404, OffReasonFor(context.Request)));
            case LocalChatMode.PickWhoYouAre:
                return (null, null);
        }
        if (NeedsHttps(context) is { } plain) return (null, plain);
        if (SignedInEmail(context) is not { } email) return (null, JsonInput.Problem(401, ReaderOf(context.Request)["LocalChat.SignInFirst"]));
        if (HttpMethods.IsPost(context.Request.Method) && !await antiforgery.IsRequestValidAsync(context))
            return (null, JsonInput.Problem(400, ReaderOf(context.Request)["LocalChat.TokenMissing"]));
        return (email, null);
    }

    /// <summary>
    /// Who the request speaks for: the signed-in person (an `as` that names someone else is refused), or on loopback the
    /// `as` it names. Anyone who is not a manager, a CSM or a customer contact is refused before anything is kept.
    /// </summary>
    public (string? Email, IResult? Problem) Person(HttpRequest request, string? signedIn, string? claimed)
    {
        var wanted = claimed?.Trim();
        if (signedIn is not null && !string.IsNullOrEmpty(wanted) && !string.Equals(wanted, signedIn, StringComparison.OrdinalIgnoreCase))
            return (null, JsonInput.Problem(403, ReaderOf(request)["LocalChat.NotYou", ("email", signedIn), ("other", Shown(wanted))]));
        var email = signedIn ?? wanted;
        if (string.IsNullOrEmpty(email)) return (null, JsonInput.Problem(400, ReaderOf(request)["LocalChat.SayWhoYouAre"]));
        if (Asker.Identify(email, team, books.Current).Role == Role.Unknown)
            return (null, JsonInput.Problem(403, ReaderOf(request)["LocalChat.NotKnown", ("email", Shown(email))]));
        return (email, null);
    }

    /// <summary>Sign-in cookies are secure: over plain http a browser would never send them back.</summary>
    public IResult? NeedsHttps(HttpContext context) => context.Request.IsHttps ? null
        : JsonInput.Problem(400, ReaderOf(context.Request)["LocalChat.NeedsHttps"]);

    public static string? SignedInEmail(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst(EmailClaim)?.Value : null;

    private static string Shown(string email) => email.Length <= 100 ? email : email[..100] + "…";
}
