namespace SuccessBot.Core.Nudges;

/// <summary>When the checks speak up (bound from `Checks:*`).</summary>
public sealed record CheckOptions
{
    /// <summary>Days before a renewal at which the owner is nudged, once each.</summary>
    public IReadOnlyList<int> RenewalWindows { get; init; } = [90, 60, 30, 7];

    /// <summary>A poor-health account renewing within this many days is also brought to the managers.</summary>
    public int ManagerRenewalDays { get; init; } = 30;

    /// <summary>Days without any use after which an account counts as inactive.</summary>
    public int InactiveDays { get; init; } = 14;

    /// <summary>Length of onboarding, from the start day.</summary>
    public int OnboardingDays { get; init; } = 90;

    /// <summary>Days after the start by which an account should have used a core feature.</summary>
    public IReadOnlyList<int> FirstValueDays { get; init; } = [14, 30];

    /// <summary>A nudge nobody acted on for this many days is listed in the manager digest.</summary>
    public int EscalateAfterDays { get; init; } = 3;

    /// <summary>A detractor renewing within this many days also reaches the managers.</summary>
    public int DetractorManagerRenewalDays { get; init; } = 60;

    /// <summary>
    /// A renewal in good health gets a card only in a window of this many days or fewer (null: the nearest window); the
    /// others are listed in the owner's weekly digest.
    /// </summary>
    public int? GoodHealthRenewalDays { get; init; }

    /// <summary>Cards a person gets in a day, the most urgent first; the rest wait in one roll-up message.</summary>
    public int MaxNudgesPerDay { get; init; } = 10;

    /// <summary>Hours in the recipient's own time zone when nothing is delivered; it waits until they end.</summary>
    public QuietHours QuietHours { get; init; } = QuietHours.Default;

    /// <summary>The window from which a renewal in good health gets a card.</summary>
    public int GoodHealthRenewalWindow => GoodHealthRenewalDays ?? (RenewalWindows.Count == 0 ? 0 : RenewalWindows.Min());
}
