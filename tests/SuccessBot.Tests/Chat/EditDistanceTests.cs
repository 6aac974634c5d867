using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SuccessBot.Core.Chat;

namespace SuccessBot.Tests.Chat;

public class EditDistanceTests
{
    [Theory]
    [InlineData("acme", "acme", 0)]
    [InlineData("acme", "acne", 1)]
    [InlineData("acme", "amce", 1)]
    [InlineData("churn", "chrun", 1)]
    [InlineData("", "globex", 6)]
    [InlineData("initech", "", 7)]
    [InlineData("kitten", "sitting", 3)]
    public void Distance_counts_inserts_deletes_changes_and_swaps_of_neighbours(string a, string b, int edits) =>
        Assert.Equal(edits, CommandLanguage.Distance(a, b));

    /// <summary>The three-row distance the lookup runs over every account gives what the whole table gives, long names included.</summary>
    [Property(MaxTest = 500)]
    public Property Distance_in_three_rows_is_the_whole_tables(NonNegativeInt seed) =>
        Prop.ToProperty(Agrees(seed.Get));

    private static bool Agrees(int seed)
    {
        var random = new Random(seed);
        string Word() => new(Enumerable.Range(0, random.Next(0, random.Next(2) == 0 ? 8 : 300)).Select(_ => "abcd "[random.Next(5)]).ToArray());
        var (a, b) = (Word(), Word());
        return CommandLanguage.Distance(a, b) == WholeTable(a, b);
    }

    /// <summary>Bounded, as the near-miss pass counts it: the exact distance within the bound, one more than the bound beyond it.</summary>
    [Property(MaxTest = 500)]
    public Property Distance_within_a_bound_is_exact_and_beyond_it_is_the_bound_plus_one(NonNegativeInt seed) =>
        Prop.ToProperty(AgreesWithin(seed.Get));

    private static bool AgreesWithin(int seed)
    {
        var random = new Random(seed);
        string Word() => new(Enumerable.Range(0, random.Next(0, 14)).Select(_ => "abc "[random.Next(4)]).ToArray());
        var (a, b, bound) = (Word(), Word(), random.Next(0, 6));
        var whole = WholeTable(a, b);
        return CommandLanguage.Distance(a, b, bound) == (whole <= bound ? whole : bound + 1);
    }

    private static int WholeTable(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
