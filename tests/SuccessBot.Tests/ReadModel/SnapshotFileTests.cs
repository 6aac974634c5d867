using SuccessBot.Core.Domain;
using SuccessBot.Demo;
using SuccessBot.Storage;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.ReadModel;

/// <summary>The snapshot file over a book of several segments (8,192 accounts each), read on every core at once.</summary>
public class SnapshotFileTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 12, 2);
    private static readonly DemoBook Demo = DemoGenerator.Generate(seed: 5, Today, accounts: 20_000, usageDays: 14);
    private readonly TempFolder _folder = new();

    private string PathOf() => Path.Combine(_folder.Path, "book.db.book");

    private static BookOfBusiness Book() => new(Demo.Accounts, Demo.MrrChanges, Demo.Usage, Demo.Nps);

    [Fact]
    public void A_book_of_three_segments_reads_back_account_by_account_as_it_was_written()
    {
        var book = Book();
        BookSnapshot.Write(PathOf(), "store-1", 42, book);

        var (read, version) = BookSnapshot.Read(PathOf(), "store-1", out var whyNot) ?? throw new Xunit.Sdk.XunitException(whyNot);

        Assert.Equal(42, version);
        Assert.Equal(20_000, read.Count);
        for (var i = 0; i < book.Count; i++)
        {
            var (expected, actual) = (book.HistoryAt(i), read.HistoryAt(i));
            Assert.Equal(Fields(expected.Account), Fields(actual.Account));
            Assert.Equal(expected.Account.ContactEmails, actual.Account.ContactEmails);
            Assert.Equal(expected.Usage.Select(book.FeaturesOf).Select(f => string.Join(";", f)), actual.Usage.Select(read.FeaturesOf).Select(f => string.Join(";", f)));
            Assert.Equal(expected.Usage.Select(d => (d.Date, d.ActiveUsers, d.Sessions, d.Minutes)), actual.Usage.Select(d => (d.Date, d.ActiveUsers, d.Sessions, d.Minutes)));
            Assert.Equal(expected.Nps, actual.Nps);
            Assert.Equal(expected.Mrr, actual.Mrr);
        }
    }

    private static object Fields(Account a) => (a.Id, a.Name, a.OwnerEmail, a.Mrr, a.StartedOn, a.Plan, a.RenewalOn, a.CanceledOn, a.ChurnReason, a.Segment, a.Language);

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Bytes_overwritten_inside_a_segment_make_the_file_unreadable_rather_than_a_shifted_book(double where)
    {
        BookSnapshot.Write(PathOf(), "store-1", 42, Book());
        using (var file = File.OpenWrite(PathOf()))
        {
            file.Position = (long)(file.Length * where);
            file.Write(new byte[64]);
        }

        Assert.Null(BookSnapshot.Read(PathOf(), "store-1", out var whyNot));
        Assert.StartsWith("it cannot be read", whyNot);
    }

    [Fact]
    public void A_file_cut_before_its_table_of_segments_is_not_used()
    {
        BookSnapshot.Write(PathOf(), "store-1", 42, Book());
        using (var file = File.OpenWrite(PathOf())) file.SetLength(file.Length - 100);

        Assert.Null(BookSnapshot.Read(PathOf(), "store-1", out var whyNot));
        Assert.Equal("it does not end where it should", whyNot);
    }

    public void Dispose() => _folder.Dispose();
}
