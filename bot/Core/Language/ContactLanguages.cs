namespace SuccessBot.Core.Language;

/// <summary>
/// Each customer contact's language as Segment's identify calls last gave it (`traits.locale`, else `context.locale`), read
/// from the store at each use once <see cref="ReadFrom"/> is given it: the host that counts usage events writes it, and any
/// host may write to the contact.
/// </summary>
public sealed class ContactLanguages
{
    private Storage.IContactLanguageStore? _store;
    private Storage.IStoreTransactions? _faults;

    /// <param name="faults">Tells the store failing from a bug: with the store down, the contact reads the next language in the order.</param>
    public void ReadFrom(Storage.IContactLanguageStore store, Storage.IStoreTransactions faults)
    {
        _store = store;
        _faults = faults;
    }

    /// <summary>The tag Segment last gave for <paramref name="email"/>, as sent; null when none did or the store cannot be read.</summary>
    public string? Of(string? email)
    {
        if (_store is null || string.IsNullOrWhiteSpace(email)) return null;
        try { return _store.Of(email); }
        catch (Exception e) when (_faults!.IsStoreFault(e)) { return null; }
    }
}
