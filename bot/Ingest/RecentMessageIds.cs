namespace SuccessBot.Ingest;

/// <summary>
/// The messageIds seen lately, as 64-bit hashes in four generations of fixed size: a lookup checks all four, and when the
/// newest is full or a third of the window old, the oldest is emptied and takes its place. So the last
/// <see cref="IngestSettings.DedupeIds"/> ids, or the last <see cref="IngestSettings.DedupeWindow"/> (whichever is
/// fewer), are always remembered, and memory stops growing once the four tables exist.
/// </summary>
public sealed class RecentMessageIds(IngestSettings settings)
{
    private const int Generations = 4;
    private readonly UInt64Set?[] _tables = new UInt64Set?[Generations];
    private readonly DateTimeOffset[] _started = new DateTimeOffset[Generations];
    private readonly int _perGeneration = Math.Max(1024, settings.DedupeIds / (Generations - 1));
    private readonly TimeSpan _span = settings.DedupeWindow / (Generations - 1);
    private int _newest;

    public bool Contains(ulong hash)
    {
        foreach (var table in _tables)
            if (table is not null && table.Contains(hash)) return true;
        return false;
    }

    public void Add(ulong hash, DateTimeOffset at)
    {
        var table = _tables[_newest];
        if (table is null || table.Count >= _perGeneration || at - _started[_newest] >= _span)
        {
            if (table is not null) _newest = (_newest + 1) % Generations;
            // Twice the slots of the ids it holds keeps probing short.
            table = _tables[_newest] ??= new UInt64Set(_perGeneration * 2, grows: false);
            table.Clear();
            _started[_newest] = at;
        }
        table.Add(hash);
    }

    public void Clear()
    {
        foreach (var table in _tables) table?.Clear();
        _started.AsSpan().Clear();
    }
}
