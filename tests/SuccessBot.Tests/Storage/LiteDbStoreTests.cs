using LiteDB;
using SuccessBot.Storage;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Storage;

public class LiteDbStoreTests
{
    [Fact]
    public void LiteDbs_page_cache_grows_ten_pages_at_a_time_so_a_daily_run_leaves_no_large_garbage()
    {
        using var folder = new TempFolder();
        using var store = new LiteDbStore(folder.Store);

        // A LiteDB upgrade that renames the setting fails here, not silently in the memory figures.
        var sizes = typeof(LiteDatabase).Assembly.GetType("LiteDB.Constants")?.GetField("MEMORY_SEGMENT_SIZES")?.GetValue(null);
        Assert.Equal(new[] { 10 }, sizes);
    }
}
