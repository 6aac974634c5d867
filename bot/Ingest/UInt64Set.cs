namespace SuccessBot.Ingest;

/// <summary>
/// A set of 64-bit hashes in one array (open addressing, linear probing): a few bytes per member instead of a string
/// and a hash-set entry each, for the users and sessions of an account's day and the recent messageIds.
/// </summary>
public sealed class UInt64Set
{
    // Zero marks an empty slot; a hash that happens to be zero is stored as one.
    private ulong[] _slots;
    private readonly bool _grows;

    public int Count { get; private set; }

    /// <param name="capacity">Slots to start with (rounded up to a power of two).</param>
    /// <param name="grows">False: a fixed table whose owner keeps it at most half full (the messageId generations).</param>
    public UInt64Set(int capacity = 8, bool grows = true)
    {
        _slots = new ulong[(int)Math.Max(8, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity))];
        _grows = grows;
    }

    public bool Contains(ulong hash)
    {
        hash = hash == 0 ? 1 : hash;
        var mask = _slots.Length - 1;
        for (var i = (int)(hash & (ulong)mask); ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            if (slot == hash) return true;
            if (slot == 0) return false;
        }
    }

    /// <summary>Adds <paramref name="hash"/>; false when it was there already.</summary>
    public bool Add(ulong hash)
    {
        hash = hash == 0 ? 1 : hash;
        if (_grows && (Count + 1) * 4 > _slots.Length * 3) Grow();
        var mask = _slots.Length - 1;
        for (var i = (int)(hash & (ulong)mask); ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            if (slot == hash) return false;
            if (slot != 0) continue;
            _slots[i] = hash;
            Count++;
            return true;
        }
    }

    public void Clear()
    {
        Array.Clear(_slots);
        Count = 0;
    }

    public UInt64Set Clone()
    {
        var copy = new UInt64Set(_slots.Length, _grows) { Count = Count };
        _slots.CopyTo(copy._slots, 0);
        return copy;
    }

    /// <summary>The members, 8 bytes each, for storing.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Count * sizeof(ulong)];
        var at = 0;
        foreach (var slot in _slots)
        {
            if (slot == 0) continue;
            BitConverter.TryWriteBytes(bytes.AsSpan(at), slot);
            at += sizeof(ulong);
        }
        return bytes;
    }

    public static UInt64Set FromBytes(ReadOnlySpan<byte> bytes)
    {
        var set = new UInt64Set(bytes.Length / sizeof(ulong) * 2);
        for (var at = 0; at + sizeof(ulong) <= bytes.Length; at += sizeof(ulong)) set.Add(BitConverter.ToUInt64(bytes[at..]));
        return set;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[old.Length * 2];
        Count = 0;
        foreach (var slot in old)
            if (slot != 0) Add(slot);
    }

    /// <summary>A stable 64-bit hash of a string (FNV-1a, then a finalizer that spreads the bits): the same in every run, so it can be stored.</summary>
    public static ulong Hash(string text, ulong seed = 14695981039346656037)
    {
        var hash = seed;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211;
        }
        return Mix(hash);
    }

    /// <summary>Murmur3's 64-bit finalizer.</summary>
    public static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccd;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53;
        h ^= h >> 33;
        return h;
    }
}
