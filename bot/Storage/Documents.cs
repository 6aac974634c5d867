using System.Text.Json;
using LiteDB;
using SuccessBot.Core.Surveys;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;

namespace SuccessBot.Storage;

/// <summary>The collections of the file, named once: the small stores share some (the book reads touchpoints and surveys).</summary>
internal static class Collections
{
    public const string Accounts = "accounts", MrrHistory = "mrr_history", Usage = "usage_by_day", Nps = "nps", Meta = "meta",
        Nudges = "nudges", Signals = "signals", Snoozes = "snoozes", Touchpoints = "touchpoints", ChurnRecords = "churn_records",
        Surveys = "surveys", OptOuts = "optouts", RefusedClicks = "survey_refused_clicks", Changes = "changes", Audit = "audit",
        SlackEventIds = "slack_event_ids", TeamsConversations = "teams_conversations", MemberLanguages = "member_languages",
        ContactLanguages = "contact_languages", IngestUsers = "ingest_users", IngestAnonymous = "ingest_anonymous", IngestDays = "ingest_days_by_day",
        IngestAside = "ingest_aside", IngestCheckpoint = "ingest_checkpoint", SyncedAccounts = "synced_accounts", SyncCursors = "sync_cursors",
        SyncEventIds = "sync_event_ids";

    /// <summary>Where stores written before 2026-12-03 keep usage and day states, keyed account first (moved by <see cref="DayFirstKeys"/>).</summary>
    public const string UsageByAccount = "usage", IngestDaysByAccount = "ingest_days";
}

/// <summary>The core's records as LiteDB documents and back; dates are stored as UTC.</summary>
internal static class Documents
{
    public static BsonDocument ToDoc(NudgeRecord n) => new()
    {
        ["_id"] = n.Key, ["rule"] = n.Rule, ["account"] = n.AccountId, ["recipient"] = n.Recipient,
        ["card"] = System.Text.Json.JsonSerializer.Serialize(NudgeCards.KeepsButtons(n.Rule, n.Card) ? n.Card : n.Card with { Buttons = [] }, JsonSerializerOptions.Web),
        ["created"] = n.CreatedAt.UtcDateTime, ["status"] = n.Status.ToString(), ["attempts"] = n.Attempts, ["next"] = n.NextAttemptAt.UtcDateTime,
        ["error"] = Nullable(n.LastError), ["sent"] = n.SentAt is { } s ? s.UtcDateTime : BsonValue.Null, ["channel"] = Nullable(n.Channel),
        ["ref"] = Nullable(n.MessageRef), ["by"] = Nullable(n.ActedBy), ["action"] = Nullable(n.Action), ["acted"] = n.ActedAt is { } a ? a.UtcDateTime : BsonValue.Null,
        ["through"] = Nullable(n.HandledThrough), ["done"] = n.Done is { } done ? ToDoc(done) : BsonValue.Null,
        ["reason"] = n.Reason is { } r ? new BsonDocument { ["headline"] = r.Headline, ["happened"] = r.Happened } : BsonValue.Null,
    };

    public static BsonDocument ToDoc(AccountSignals s) => new()
    {
        ["_id"] = s.AccountId, ["band"] = s.Band.ToString(), ["inactive"] = s.Inactive, ["falling"] = s.Falling, ["seen"] = FromDay(s.SeenOn),
    };

    public static AccountSignals ToSignals(BsonDocument d) =>
        new(d["_id"].AsString, Enum.Parse<HealthBand>(d["band"].AsString), d["inactive"].AsBoolean, d["falling"].AsBoolean, ToDay(d["seen"]));

    public static NudgeRecord ToNudge(BsonDocument d)
    {
        var card = System.Text.Json.JsonSerializer.Deserialize<Reply>(d["card"].AsString, JsonSerializerOptions.Web)!;
        return new()
        {
            Key = d["_id"].AsString, Rule = d["rule"].AsString, AccountId = d["account"].AsString, Recipient = d["recipient"].AsString,
            Card = card with { Buttons = NudgeCards.ButtonsFor(d["rule"].AsString, d["_id"].AsString, card.Buttons) },
            CreatedAt = At(d["created"]), Status = Enum.Parse<DeliveryStatus>(d["status"].AsString), Attempts = d["attempts"].AsInt32,
            NextAttemptAt = At(d["next"]), LastError = OrNull(d["error"]), SentAt = d["sent"].IsNull ? null : At(d["sent"]),
            Channel = OrNull(d["channel"]), MessageRef = OrNull(d["ref"]), ActedBy = OrNull(d["by"]), Action = OrNull(d["action"]),
            ActedAt = d["acted"].IsNull ? null : At(d["acted"]),
            // Records written before these fields were kept have neither.
            HandledThrough = d.TryGetValue("through", out var through) ? OrNull(through) : null,
            Reason = d.TryGetValue("reason", out var reason) && reason.IsDocument ? new NudgeReason(reason["headline"].AsString, reason["happened"].AsString) : null,
            Done = d.TryGetValue("done", out var done) && done.IsDocument ? ToSaid(done.AsDocument) : null,
        };
    }

    /// <summary>A message kept for later readers: its key, count, and values (words, numbers, or messages of their own).</summary>
    private static BsonDocument ToDoc(Core.Language.Said said)
    {
        var values = new BsonDocument();
        foreach (var (name, value) in said.Values)
            values[name] = value switch
            {
                null => BsonValue.Null,
                Core.Language.Said inner => ToDoc(inner),
                string text => text,
                int number => number,
                _ => throw new ArgumentException($"{said.Key}: a kept message's {name} is a {value.GetType().Name}; only words, whole numbers and messages are kept."),
            };
        return new() { ["key"] = said.Key, ["count"] = said.Count is { } count ? count : BsonValue.Null, ["values"] = values };
    }

    private static Core.Language.Said ToSaid(BsonDocument d) =>
        new(d["key"].AsString, [.. d["values"].AsDocument.Select(v => (v.Key, v.Value switch
        {
            { IsNull: true } => null,
            { IsDocument: true } inner => ToSaid(inner.AsDocument),
            { IsString: true } text => (object?)text.AsString,
            var number => number.AsInt32,
        }))]) { Count = d["count"].IsNull ? null : d["count"].AsDouble };

    public static DateTimeOffset At(BsonValue v) => new(DateTime.SpecifyKind(v.AsDateTime.ToUniversalTime(), DateTimeKind.Utc));

    public static BsonDocument MrrDoc(MrrChange m) => new()
    {
        ["_id"] = $"{m.AccountId}|{m.EffectiveOn:yyyy-MM-dd}",
        ["account"] = m.AccountId,
        ["on"] = FromDay(m.EffectiveOn),
        ["mrr"] = m.Mrr,
    };

    public static MrrChange ToMrrChange(BsonDocument d) => new(d["account"].AsString, ToDay(d["on"]), Rules.BoundedMrr(d["mrr"].AsDecimal));

    public static BsonDocument ToDoc(Account a) => new()
    {
        ["_id"] = a.Id,
        ["name"] = a.Name,
        ["owner"] = a.OwnerEmail,
        ["mrr"] = a.Mrr,
        ["started"] = FromDay(a.StartedOn),
        ["plan"] = Nullable(a.Plan),
        ["renewal"] = a.RenewalOn is { } r ? FromDay(r) : BsonValue.Null,
        ["canceled"] = a.CanceledOn is { } c ? FromDay(c) : BsonValue.Null,
        ["reason"] = Nullable(a.ChurnReason),
        ["contacts"] = new BsonArray(a.ContactEmails.Select(e => new BsonValue(e))),
        ["slack"] = Nullable(a.SlackChannelId),
        ["teams"] = Nullable(a.TeamsConversationId),
        ["segment"] = Nullable(a.Segment),
        ["language"] = Nullable(a.Language),
        ["contactLanguages"] = new BsonArray(a.ContactLanguages.Select(Nullable)),
    };

    public static Account ToAccount(BsonDocument d) => new()
    {
        Id = d["_id"].AsString,
        Name = d["name"].AsString,
        OwnerEmail = d["owner"].AsString,
        Mrr = Rules.BoundedMrr(d["mrr"].AsDecimal),
        StartedOn = ToDay(d["started"]),
        Plan = OrNull(d["plan"]),
        RenewalOn = d["renewal"].IsNull ? null : ToDay(d["renewal"]),
        CanceledOn = d["canceled"].IsNull ? null : ToDay(d["canceled"]),
        ChurnReason = OrNull(d["reason"]),
        ContactEmails = d["contacts"].AsArray.Select(v => v.AsString).ToArray(),
        SlackChannelId = OrNull(d["slack"]),
        TeamsConversationId = OrNull(d["teams"]),
        Segment = OrNull(d["segment"]),
        // Accounts stored before languages were kept have neither field.
        Language = d.TryGetValue("language", out var language) ? OrNull(language) : null,
        ContactLanguages = d.TryGetValue("contactLanguages", out var languages) ? languages.AsArray.Select(OrNull).ToArray() : [],
    };

    public static UsageDay ToUsage(BsonDocument d) => new(d["account"].AsString, ToDay(d["date"]), d["users"].AsInt32, d["sessions"].AsInt32,
        d["minutes"].AsInt32, d["features"].AsArray.Select(v => v.AsString).ToArray());

    public static BsonDocument ToDoc(UsageDay day) => new()
    {
        ["_id"] = DayFirstKeys.Of(day.AccountId, day.Date),
        ["account"] = day.AccountId,
        ["date"] = FromDay(day.Date),
        ["users"] = day.ActiveUsers,
        ["sessions"] = day.Sessions,
        ["minutes"] = day.Minutes,
        ["features"] = new BsonArray(day.Features.Select(f => new BsonValue(f))),
    };

    public static BsonDocument ToDoc(NpsAnswer a) => new()
    {
        // Milliseconds: what LiteDB keeps of a moment, so an answer read back and saved again keeps its key.
        ["_id"] = $"{a.AccountId}|{a.ContactEmail.ToLowerInvariant()}|{a.AnsweredAt.ToUnixTimeMilliseconds()}",
        ["account"] = a.AccountId,
        ["contact"] = a.ContactEmail,
        ["score"] = a.Score,
        ["comment"] = a.Comment is null ? BsonValue.Null : new BsonValue(a.Comment),
        ["at"] = a.AnsweredAt.UtcDateTime,
    };

    public static NpsAnswer ToNps(BsonDocument d) => new(d["account"].AsString, d["contact"].AsString, d["score"].AsInt32, OrNull(d["comment"]), At(d["at"]));

    // A touchpoint kept for the first time gets its key here.
    public static BsonDocument ToDoc(Touchpoint t) => new()
    {
        ["_id"] = t.Id.Length > 0 ? new ObjectId(t.Id) : ObjectId.NewObjectId(),
        ["account"] = t.AccountId, ["kind"] = t.Kind, ["note"] = Nullable(t.Note), ["by"] = t.By, ["at"] = t.At.UtcDateTime,
    };

    public static Touchpoint ToTouchpoint(BsonDocument d) =>
        new(d["account"].AsString, d["kind"].AsString, OrNull(d["note"]), d["by"].AsString, At(d["at"])) { Id = d["_id"].IsObjectId ? d["_id"].AsObjectId.ToString() : d["_id"].AsString };

    /// <summary>A survey's document, the same in every store (a store copied from a LiteDB file reads the same).</summary>
    public static BsonDocument ToDoc(SurveyState s) => new()
    {
        ["_id"] = s.Id, ["account"] = s.AccountId, ["contact"] = s.Contact, ["lower"] = s.Contact.ToLowerInvariant(), ["created"] = s.CreatedAt.UtcDateTime,
        ["score"] = s.Score is { } score ? new BsonValue(score) : BsonValue.Null,
        ["first"] = s.FirstAnsweredAt is { } f ? f.UtcDateTime : BsonValue.Null, ["last"] = s.LastAnsweredAt is { } l ? l.UtcDateTime : BsonValue.Null,
        ["comment"] = Nullable(s.Comment), ["closed"] = s.Closed, ["channel"] = Nullable(s.Channel),
    };

    public static SurveyState ToSurveyState(BsonDocument d) => new()
    {
        Id = d["_id"].AsString, AccountId = d["account"].AsString, Contact = d["contact"].AsString, CreatedAt = At(d["created"]),
        Score = d["score"].IsNull ? null : d["score"].AsInt32, FirstAnsweredAt = d["first"].IsNull ? null : At(d["first"]),
        LastAnsweredAt = d["last"].IsNull ? null : At(d["last"]), Comment = OrNull(d["comment"]), Closed = d["closed"].AsBoolean,
        Channel = d.TryGetValue("channel", out var channel) ? OrNull(channel) : null,
    };

    public static SurveySent ToSurveySent(BsonDocument d) => new(d["account"].AsString, At(d["created"]), !d["score"].IsNull, d["_id"].AsString);

    public static BsonDocument SurveyDoc(SurveySent v) => new()
    {
        ["_id"] = v.Id, ["account"] = v.AccountId, ["created"] = v.SentAt.UtcDateTime, ["score"] = v.Answered ? new BsonValue(1) : BsonValue.Null,
    };

    public static BsonDocument ChurnDoc(ChurnRecord r) => new()
    {
        ["_id"] = r.AccountId, ["on"] = FromDay(r.On), ["reason"] = r.Reason, ["note"] = Nullable(r.Note), ["by"] = r.By,
        ["months"] = r.MonthsAsCustomer, ["mrr"] = r.Mrr, ["trend"] = r.SessionTrend is { } t ? new BsonValue(t) : BsonValue.Null,
    };

    public static ChurnRecord ToChurnRecord(BsonDocument d) => new(
        d["_id"].AsString, ToDay(d["on"]), d["reason"].AsString, OrNull(d["note"]), d["by"].AsString, d["months"].AsInt32, Rules.BoundedMrr(d["mrr"].AsDecimal),
        d["trend"].IsNull ? null : d["trend"].AsDouble);

    public static BsonValue FromDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));

    // LiteDB hands dates back in local time; the day is the UTC one it was stored as.
    public static DateOnly ToDay(BsonValue v) => DateOnly.FromDateTime(v.AsDateTime.ToUniversalTime());

    public static BsonValue Nullable(string? s) => s is null ? BsonValue.Null : new BsonValue(s);

    public static string? OrNull(BsonValue v) => v.IsNull ? null : v.AsString;
}
