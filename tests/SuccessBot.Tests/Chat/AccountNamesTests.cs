using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Chat;

/// <summary>The names index a lookup goes through follows the book's versions: added accounts, renames, and a CSM's part of the book.</summary>
public class AccountNamesTests
{
    private const string Ana = "ana@example.com", Ben = "ben@example.com";

    private static readonly BookOfBusiness Book = new([
        An.Account("Acme Capital").Id("acme-cap").OwnedBy(Ana), An.Account("Acme Robotics").Id("acme-rob").OwnedBy(Ben),
        An.Account("Globex").Id("globex").OwnedBy(Ana), An.Account("Initech, Inc.").Id("ini").OwnedBy(Ben)], [], [], []);

    private static string Found(BookOfBusiness book, string query) =>
        Assert.IsType<AccountLookup.Found>(AccountLookup.Find(book, query)).Account.Name;

    [Fact]
    public void An_account_is_found_by_its_id_in_any_case_by_its_name_by_a_prefix_and_by_the_start_of_a_later_word()
    {
        Assert.Equal("Globex", Found(Book, "GLOBEX"));
        Assert.Equal("Acme Robotics", Found(Book, "Acme-Rob"));
        Assert.Equal("Initech, Inc.", Found(Book, "initech inc"));
        Assert.Equal("Acme Capital", Found(Book, "acme c"));
        Assert.Equal("Acme Robotics", Found(Book, "robo"));
        Assert.Equal(["Acme Capital", "Acme Robotics"], Assert.IsType<AccountLookup.Ambiguous>(AccountLookup.Find(Book, "acme")).Candidates.Select(a => a.Name));
    }

    [Fact]
    public void A_version_that_adds_accounts_finds_them_and_the_version_before_still_does_not()
    {
        Assert.Equal("Globex", Found(Book, "globex"));
        var grown = Book.Apply([new AccountsImported([An.Account("Globex Freight").Id("gf").OwnedBy(Ana), An.Account("Umbrella").Id("umb").OwnedBy(Ben)], [])]);

        Assert.Equal("Umbrella", Found(grown, "umbrella"));
        Assert.Equal("Globex Freight", Found(grown, "freight"));
        Assert.Equal(["Globex", "Globex Freight"], Assert.IsType<AccountLookup.Ambiguous>(AccountLookup.Find(grown, "glob")).Candidates.Select(a => a.Name));
        Assert.IsType<AccountLookup.NoMatch>(AccountLookup.Find(Book, "umbrella"));
        Assert.Equal("Globex", Found(Book, "glob"));
    }

    [Fact]
    public void A_renamed_account_is_found_by_its_new_name_and_no_longer_by_the_old()
    {
        Assert.Equal("Initech, Inc.", Found(Book, "initech"));
        var renamed = Book.Apply([new AccountsImported([An.Account("Intertrode").Id("ini").OwnedBy(Ben)], [])]);

        Assert.Equal("Intertrode", Found(renamed, "intertrode"));
        Assert.IsType<AccountLookup.NoMatch>(AccountLookup.Find(renamed, "initech"));
        Assert.Equal("Initech, Inc.", Found(Book, "initech"));
        Assert.Equal("Intertrode", Found(renamed, "INI"));
    }

    [Fact]
    public void A_csm_finds_only_their_own_accounts_and_their_near_misses_are_their_own()
    {
        var ana = Book.OwnedBy(Ana);

        Assert.Equal("Acme Capital", Found(ana, "acme"));
        var others = Assert.IsType<AccountLookup.NoMatch>(AccountLookup.Find(ana, "acme-rob"));
        Assert.Equal(["Acme Capital"], others.NearMisses.Select(a => a.Name));
        Assert.IsType<AccountLookup.NoMatch>(AccountLookup.Find(Book.OwnedBy(Ben), "globex"));
    }
}
