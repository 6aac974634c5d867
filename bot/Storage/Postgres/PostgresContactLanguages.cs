using SuccessBot.Core.Storage;

namespace SuccessBot.Storage.Postgres;

/// <summary>Customer contacts' languages as Segment gave them, a row per lower-cased email, its document as the LiteDB store keeps it.</summary>
public sealed class PostgresContactLanguages(PostgresStore store) : IContactLanguageStore
{
    public string? Of(string email) => Tables.ContactLanguages.Find(store, email.Trim().ToLowerInvariant())?["language"].AsString;

    public void Save(IReadOnlyCollection<ContactLanguage> languages) =>
        store.With(c => Tables.ContactLanguages.Write(c, languages.Select(LiteDbContactLanguages.Doc)));
}
