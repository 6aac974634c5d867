using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using SuccessBot.Core.Domain;

namespace SuccessBot.Storage;

/// <summary>
/// The read model in a compact file beside the store (`STORE.book`), so that a host over a large book starts in seconds
/// instead of reading every row: it names the store it was taken of and the version it is at; a start reads it, then
/// applies the change log after that version. Written to a temporary file and renamed, so a crash leaves the old one whole;
/// a file that is cut, of another store, or ahead of the store is not used. The accounts are written in segments of 8,192,
/// each with its checksum, listed at the end of the file: a start reads them on every core at once, and a damaged byte makes
/// the file unused rather than a book that is silently wrong.
/// </summary>
public static class BookSnapshot
{
    private const string Magic = "SuccessBot book snapshot", End = "end of snapshot";
    private const int Format = 6, AccountsPerSegment = 8_192;

    public static string PathFor(string storePath) => storePath + ".book";

    public static void Write(string path, string storeId, long version, BookOfBusiness book)
    {
        var temporary = path + ".writing";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        using (var w = new BinaryWriter(file, Encoding.UTF8))
        {
            w.Write(Magic);
            w.Write(Format);
            w.Write(storeId);
            w.Write(version);
            w.Write(book.DailyFrom?.DayNumber ?? -1);
            var sets = book.FeatureSetTable;
            w.Write(sets.Count);
            foreach (var set in sets)
            {
                w.Write(set.Count);
                foreach (var feature in set) w.Write(feature);
            }
            w.Write(book.Count);
            // Each segment is made in memory first, so that its length and checksum go in the table at the end.
            var segments = new List<(long Offset, int Count, int Length, ulong Checksum)>();
            using var segment = new MemoryStream();
            using var sw = new BinaryWriter(segment, Encoding.UTF8);
            w.Flush();
            for (var first = 0; first < book.Count; first += AccountsPerSegment)
            {
                segment.SetLength(0);
                var count = Math.Min(AccountsPerSegment, book.Count - first);
                for (var i = first; i < first + count; i++) WriteHistory(sw, book.HistoryAt(i));
                sw.Flush();
                var bytes = segment.GetBuffer().AsSpan(0, (int)segment.Length);
                segments.Add((file.Position, count, bytes.Length, XxHash3.HashToUInt64(bytes)));
                file.Write(bytes);
            }
            var table = file.Position;
            w.Write(segments.Count);
            foreach (var (offset, count, length, checksum) in segments)
            {
                w.Write(offset);
                w.Write(count);
                w.Write(length);
                w.Write(checksum);
            }
            w.Write(End);
            w.Write(table);
            w.Flush();
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The book and its version, or null with the reason when the file cannot serve this store.</summary>
    // Compiled optimised at once: a start reads millions of rows while the host's own start keeps the tiered JIT busy.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (BookOfBusiness Book, long Version)? Read(string path, string storeId, out string? whyNot)
    {
        whyNot = null;
        if (!File.Exists(path)) { whyNot = "there is none"; return null; }
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var r = new BinaryReader(file, Encoding.UTF8);
            if (r.ReadString() != Magic || r.ReadInt32() != Format) { whyNot = "it is not a snapshot of this version"; return null; }
            if (r.ReadString() != storeId) { whyNot = "it was taken of another store"; return null; }
            var version = r.ReadInt64();
            var dailyFrom = Day(r);
            var sets = new IReadOnlyList<string>[r.ReadInt32()];
            for (var s = 0; s < sets.Length; s++)
            {
                var set = new string[r.ReadInt32()];
                for (var f = 0; f < set.Length; f++) set[f] = r.ReadString();
                sets[s] = set;
            }
            var histories = new AccountHistory[Count(r, file.Length)];
            var segments = Segments(r, file, histories.Length);
            if (segments is null) { whyNot = "it does not end where it should"; return null; }
            try
            {
                using var handle = File.OpenHandle(path);
                Parallel.For(0, segments.Length, s =>
                {
                    var (offset, first, count, length, checksum) = segments[s];
                    var bytes = new byte[length];
                    if (RandomAccess.Read(handle, bytes, offset) != length) throw new EndOfStreamException($"Segment {s} is cut.");
                    if (XxHash3.HashToUInt64(bytes) != checksum) throw new InvalidDataException($"Segment {s} does not match its checksum.");
                    using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
                    var pool = new Strings();
                    for (var i = first; i < first + count; i++) histories[i] = ReadHistory(reader, sets.Length, length, pool);
                    if (reader.BaseStream.Position != length) throw new InvalidDataException($"Segment {s} ends at byte {reader.BaseStream.Position} of {length}.");
                });
            }
            catch (AggregateException all) when (all.InnerExceptions.All(Unreadable))
            {
                whyNot = $"it cannot be read ({all.InnerExceptions[0].Message})";
                return null;
            }
            return (BookOfBusiness.FromHistories(sets, histories, dailyFrom), version);
        }
        catch (Exception e) when (Unreadable(e))
        {
            whyNot = $"it cannot be read ({e.Message})";
            return null;
        }
    }

    private static bool Unreadable(Exception e) => e is EndOfStreamException or IOException or FormatException or ArgumentException or InvalidDataException;

    /// <summary>
    /// The segments the table at the end of the file lists (where each starts, its first account, how many, its length and
    /// checksum), when they cover the <paramref name="accounts"/> from where the reader stands to the table without a gap; null when not.
    /// </summary>
    private static (long Offset, int First, int Count, int Length, ulong Checksum)[]? Segments(BinaryReader r, FileStream file, int accounts)
    {
        var start = file.Position;
        if (file.Length - start < sizeof(long)) return null;
        file.Position = file.Length - sizeof(long);
        var table = r.ReadInt64();
        if (table < start || table > file.Length - sizeof(long)) return null;
        file.Position = table;
        var segments = new (long Offset, int First, int Count, int Length, ulong Checksum)[Count(r, file.Length)];
        var (first, next) = (0, start);
        for (var s = 0; s < segments.Length; s++)
        {
            segments[s] = (r.ReadInt64(), first, Count(r, file.Length), Count(r, file.Length), r.ReadUInt64());
            if (segments[s].Offset != next) return null;
            (first, next) = (first + segments[s].Count, next + segments[s].Length);
        }
        if (first != accounts || next != table || r.ReadString() != End || file.Position != file.Length - sizeof(long)) return null;
        return segments;
    }

    private static void WriteHistory(BinaryWriter w, AccountHistory h)
    {
        var a = h.Account;
        w.Write(a.Id);
        w.Write(a.Name);
        w.Write(a.OwnerEmail);
        w.Write(a.Mrr);
        w.Write(a.StartedOn.DayNumber);
        Text(w, a.Plan);
        Day(w, a.RenewalOn);
        Day(w, a.CanceledOn);
        Text(w, a.ChurnReason);
        w.Write(a.ContactEmails.Count);
        foreach (var contact in a.ContactEmails) w.Write(contact);
        Text(w, a.SlackChannelId);
        Text(w, a.TeamsConversationId);
        Text(w, a.Segment);
        Text(w, a.Language);
        w.Write(a.ContactLanguages.Count);
        foreach (var language in a.ContactLanguages) Text(w, language);
        // Usage days (most of the file) as their 20 bytes each, in one write: a start reads them back in one copy per account.
        w.Write(h.Usage.Length);
        w.Write(MemoryMarshal.AsBytes(h.Usage.AsSpan()));
        w.Write(h.Weeks.Length);
        w.Write(MemoryMarshal.AsBytes(h.Weeks.AsSpan()));
        w.Write(h.Mrr.Length);
        foreach (var m in h.Mrr)
        {
            w.Write(m.EffectiveOn.DayNumber);
            w.Write(m.Mrr);
        }
        w.Write(h.Nps.Length);
        foreach (var n in h.Nps)
        {
            w.Write(n.ContactEmail);
            w.Write(n.Score);
            Text(w, n.Comment);
            Moment(w, n.AnsweredAt);
        }
        w.Write(h.Touchpoints.Length);
        foreach (var t in h.Touchpoints)
        {
            w.Write(t.Kind);
            Text(w, t.Note);
            w.Write(t.By);
            Moment(w, t.At);
            w.Write(t.Id);
        }
        w.Write(h.Surveys.Length);
        foreach (var v in h.Surveys)
        {
            Moment(w, v.SentAt);
            w.Write(v.Answered);
            w.Write(v.Id);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static AccountHistory ReadHistory(BinaryReader r, int featureSets, long length, Strings pool)
    {
        var account = new Account
        {
            Id = r.ReadString(),
            Name = r.ReadString(),
            OwnerEmail = pool.Read(r),
            Mrr = Rules.BoundedMrr(r.ReadDecimal()),
            StartedOn = DateOnly.FromDayNumber(r.ReadInt32()),
            Plan = pool.ReadOrNull(r),
            RenewalOn = Day(r),
            CanceledOn = Day(r),
            ChurnReason = pool.ReadOrNull(r),
            ContactEmails = ReadContacts(r, length, pool),
            SlackChannelId = Text(r),
            TeamsConversationId = Text(r),
            Segment = pool.ReadOrNull(r),
            Language = pool.ReadOrNull(r),
            ContactLanguages = ReadLanguages(r, length, pool),
        };
        var id = account.Id;
        var usage = Days(r, length, featureSets, id);
        var weeks = Days(r, length, featureSets, id);
        var mrr = new MrrChange[Count(r, length)];
        for (var i = 0; i < mrr.Length; i++) mrr[i] = new MrrChange(id, DateOnly.FromDayNumber(r.ReadInt32()), Rules.BoundedMrr(r.ReadDecimal()));
        var nps = new NpsAnswer[Count(r, length)];
        for (var i = 0; i < nps.Length; i++) nps[i] = new NpsAnswer(id, pool.Read(r), r.ReadInt32(), pool.ReadOrNull(r), Moment(r));
        var touchpoints = new Touchpoint[Count(r, length)];
        for (var i = 0; i < touchpoints.Length; i++) touchpoints[i] = new Touchpoint(id, pool.Read(r), Text(r), pool.Read(r), Moment(r)) { Id = r.ReadString() };
        var surveys = new SurveySent[Count(r, length)];
        for (var i = 0; i < surveys.Length; i++) surveys[i] = new SurveySent(id, Moment(r), r.ReadBoolean(), r.ReadString());
        return new AccountHistory(account, usage, mrr, nps, touchpoints, surveys) { Weeks = weeks };
    }

    private static DayOfUse[] Days(BinaryReader r, long length, int featureSets, string id)
    {
        var days = new DayOfUse[Count(r, length)];
        r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(days.AsSpan()));
        foreach (var day in days)
            if ((uint)day.FeatureSet >= (uint)featureSets || day.Date.DayNumber < 0) throw new InvalidDataException($"A usage day of {id} names feature set {day.FeatureSet}.");
        return days;
    }

    private static string[] ReadContacts(BinaryReader r, long length, Strings pool)
    {
        var contacts = new string[Count(r, length)];
        for (var i = 0; i < contacts.Length; i++) contacts[i] = pool.Read(r);
        return contacts;
    }

    private static string?[] ReadLanguages(BinaryReader r, long length, Strings pool)
    {
        var count = Count(r, length);
        if (count == 0) return [];
        var languages = new string?[count];
        for (var i = 0; i < count; i++) languages[i] = pool.ReadOrNull(r);
        return languages;
    }

    /// <summary>
    /// One string per distinct value of the fields that repeat across accounts and rows (owners, contacts, plans, comments,
    /// touchpoint kinds): the book holds hundreds of thousands of them, and a repeat is looked up without allocating.
    /// </summary>
    private sealed class Strings
    {
        // Past this many distinct values the rest are read as they come: the pool only lives during the read.
        private const int MaxPooled = 1_000_000;
        private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private byte[] _bytes = new byte[256];
        private char[] _chars = new char[256];

        public Strings() => _lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();

        public string? ReadOrNull(BinaryReader r) => r.ReadBoolean() ? Read(r) : null;

        /// <summary>Reads a string as BinaryWriter wrote it (its UTF-8 length, then the bytes).</summary>
        public string Read(BinaryReader r)
        {
            var length = r.Read7BitEncodedInt();
            if (length < 0) throw new InvalidDataException($"A string of {length} bytes.");
            if (length > _bytes.Length) _bytes = new byte[Math.Max(length, _bytes.Length * 2)];
            r.BaseStream.ReadExactly(_bytes.AsSpan(0, length));
            var bytes = _bytes.AsSpan(0, length);
            if (_chars.Length < length) _chars = new char[Math.Max(length, _chars.Length * 2)];
            var chars = _chars.AsSpan(0, Encoding.UTF8.GetChars(bytes, _chars));
            if (_lookup.TryGetValue(chars, out var known)) return known;
            var text = new string(chars);
            if (_pool.Count < MaxPooled) _pool[text] = text;
            return text;
        }
    }

    // A count no file of this length could hold is a cut or damaged file, not a reason to allocate it.
    private static int Count(BinaryReader r, long length) =>
        r.ReadInt32() is var count && count >= 0 && count <= length ? count : throw new InvalidDataException($"A list of {count} items.");

    private static void Text(BinaryWriter w, string? text)
    {
        w.Write(text is not null);
        if (text is not null) w.Write(text);
    }

    private static string? Text(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void Day(BinaryWriter w, DateOnly? day) => w.Write(day?.DayNumber ?? -1);

    private static DateOnly? Day(BinaryReader r) => r.ReadInt32() is var n and >= 0 ? DateOnly.FromDayNumber(n) : null;

    private static void Moment(BinaryWriter w, DateTimeOffset at) => w.Write(at.UtcTicks);

    private static DateTimeOffset Moment(BinaryReader r) => new(r.ReadInt64(), TimeSpan.Zero);
}
