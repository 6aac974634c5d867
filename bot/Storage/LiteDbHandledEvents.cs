using LiteDB;
using SuccessBot.Core.Storage;

namespace SuccessBot.Storage;

/// <summary>Event ids a channel has handled, in their own collection of the file, pruned of old ones at most hourly.</summary>
public sealed class LiteDbHandledEvents(LiteDbStore store, string collection) : IHandledEvents
{
    private readonly Lock _gate = new();
    private DateTimeOffset _pruned;

    public bool FirstTime(string eventId, DateTimeOffset now, TimeSpan keptFor)
    {
        lock (_gate)
        {
            var ids = store.Collection(collection);
            if (ids.FindById(eventId) is not null) return false;
            ids.Insert(new BsonDocument { ["_id"] = eventId, ["at"] = now.UtcDateTime });
            if (now - _pruned > TimeSpan.FromHours(1))
            {
                ids.DeleteMany(Query.LT("at", (now - keptFor).UtcDateTime));
                _pruned = now;
            }
            return true;
        }
    }
}
