using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using SuccessBot.Web;

namespace SuccessBot.LocalChat;

/// <summary>
/// Sign-in for the local chat with any OpenID Connect provider (Sign in with Slack, Microsoft Entra ID, Google, Okta):
/// ASP.NET Core's OpenIdConnect handler, code flow with PKCE; the person is the token's verified email, kept in a
/// secure, HttpOnly, SameSite=Lax cookie that holds nothing else.
/// </summary>
public static class LocalChatSignIn
{
    public const string CookieName = "SuccessBot.Chat";
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";
    public const string CallbackPath = "/chat/signin-oidc";
    public const string SignedOutCallbackPath = "/chat/signout-oidc";

    public static void AddLocalChatSignIn(this IServiceCollection services, LocalChatSettings settings)
    {
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });
        if (!settings.SignInConfigured) return;
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                // Lax, not Strict: the provider's form post back to us is cross-site, and the page it lands on needs the cookie.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                // The chat's API answers 401 with a reason itself; nothing redirects to a login page.
                o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = 401; return Task.CompletedTask; };
            })
            .AddOpenIdConnect(o =>
            {
                o.Authority = settings.Authority;
                o.ClientId = settings.ClientId;
                o.ClientSecret = settings.ClientSecret;
                o.RequireHttpsMetadata = !settings.AuthorityIsLoopback;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.Scope.Clear();
                o.Scope.Add("openid");
                o.Scope.Add("email");
                o.CallbackPath = CallbackPath;
                o.SignedOutCallbackPath = SignedOutCallbackPath;
                o.MapInboundClaims = false;
                // Providers put the email in the ID token, at the userinfo endpoint, or both.
                o.GetClaimsFromUserInfoEndpoint = true;
                o.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
                o.Events.OnTicketReceived = c =>
                {
                    var (email, refusal) = VerifiedEmail(c.Principal!, settings.TrustEmailClaim);
                    if (email is null) return Refuse(c, 403, refusal!);
                    c.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(LocalChatAccess.EmailClaim, email)], "oidc", LocalChatAccess.EmailClaim, null));
                    return Task.CompletedTask;
                };
                o.Events.OnRemoteFailure = c => Refuse(c, 400, c.Failure?.Message ?? "the provider's answer could not be read");
                // Without an ID token kept in the cookie, the client id tells the provider whose sign-out this is.
                o.Events.OnRedirectToIdentityProviderForSignOut = c => { c.ProtocolMessage.ClientId = settings.ClientId; return Task.CompletedTask; };
            });
    }

    /// <summary>The email a sign-in speaks for, or why it is refused: it must be there and verified by the provider.</summary>
    public static (string? Email, string? Refusal) VerifiedEmail(ClaimsPrincipal principal, bool trustEmailClaim)
    {
        var email = principal.FindFirst(LocalChatAccess.EmailClaim)?.Value.Trim();
        if (string.IsNullOrEmpty(email)) return (null, "the provider sent no email (the chat asks for the \"email\" scope).");
        var verified = principal.FindAll("email_verified").Select(c => c.Value.Trim()).ToArray();
        if (verified.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase))) return (email, null);
        if (trustEmailClaim && verified.Length == 0) return (email, null);
        return (null, $"the provider has not verified {email} (its token says email_verified is not true).");
    }

    public static void MapLocalChatSignIn(this WebApplication app)
    {
        app.MapGet("/chat/signin", async (HttpContext context, LocalChatAccess access) =>
        {
            if (access.Mode == LocalChatMode.Off) return JsonInput.Problem(404, access.OffReasonFor(context.Request));
            if (access.Mode == LocalChatMode.PickWhoYouAre) return Results.Redirect("/");
            if (access.NeedsHttps(context) is { } problem) return problem;
            try
            {
                await context.ChallengeAsync(OpenIdConnectDefaults.AuthenticationScheme, new AuthenticationProperties { RedirectUri = "/" });
                return Results.Empty;
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
            {
                return JsonInput.Problem(502, access.ReaderOf(context.Request)["LocalChat.ProviderUnreachable", ("why", e.Message.Split('.')[0])]);
            }
        });

        app.MapPost("/chat/signout", async (HttpContext context, LocalChatAccess access, IOptionsMonitor<OpenIdConnectOptions> providers) =>
        {
            var (_, problem) = await access.CheckAsync(context);
            if (problem is not null) return problem;
            if (access.Mode == LocalChatMode.PickWhoYouAre) return Results.Redirect("/");
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            // Signed out here in any case; at the provider too when it offers RP-initiated logout (Slack and Google do not).
            try
            {
                var provider = providers.Get(OpenIdConnectDefaults.AuthenticationScheme);
                var metadata = await provider.ConfigurationManager!.GetConfigurationAsync(context.RequestAborted);
                if (string.IsNullOrEmpty(metadata.EndSessionEndpoint)) return Results.Redirect("/");
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
            {
                return Results.Redirect("/");
            }
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIdConnectDefaults.AuthenticationScheme]);
        });
    }

    private static async Task Refuse<T>(HandleRequestContext<T> context, int status, string reason) where T : RemoteAuthenticationOptions
    {
        context.HandleResponse();
        RequestErrors.Refused(context.HttpContext, status, $"sign-in refused: {reason}");
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>SuccessBot · sign-in</title></head>"
            + $"<body><h1>Sign-in refused</h1><p id=\"reason\">{HtmlEncoder.Default.Encode(Upper(reason))}</p><p><a href=\"/\">Back to the chat</a></p></body></html>");
    }

    private static string Upper(string sentence) => sentence.Length == 0 ? sentence : char.ToUpperInvariant(sentence[0]) + sentence[1..];
}
