using LiteDB;
using SuccessBot.Core.Storage;

namespace SuccessBot.Storage;

/// <summary>Customer contacts' languages as Segment gave them, one document per lower-cased email.</summary>
public sealed class LiteDbContactLanguages(LiteDbStore store) : IContactLanguageStore
{
    private ILiteCollection<BsonDocument> Languages => store.Collection(Collections.ContactLanguages);

    public string? Of(string email) => Languages.FindById(email.Trim().ToLowerInvariant())?["language"].AsString;

    public void Save(IReadOnlyCollection<ContactLanguage> languages) => Languages.Upsert(languages.Select(Doc));

    internal static BsonDocument Doc(ContactLanguage l) => new() { ["_id"] = l.Email.Trim().ToLowerInvariant(), ["language"] = l.Language };
}
