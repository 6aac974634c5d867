using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace SuccessBot.Import;

/// <summary>A problem in an import file, named by file, line and column, as an admin fixes it in an editor; a file that cannot be opened has no line.</summary>
public sealed record ImportError(string File, int? Line, int? Column, string? ColumnName, string Problem)
{
    public override string ToString() =>
        File + (Line is { } at ? $", line {at}" : "") + (Column is { } c ? $", column {c}" + (ColumnName is { } n ? $" ({n})" : "") : "") + $": {Problem}";
}

/// <summary>Thrown when a file cannot be imported; carries every problem found, and nothing has been stored.</summary>
public sealed class ImportFailed(IReadOnlyList<ImportError> errors) : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ImportError> Errors { get; } = errors;
}

/// <summary>One data row, read by column name, that records a problem for every field it cannot read.</summary>
public sealed class CsvRow(string file, int line, IReadOnlyDictionary<string, int> columns, string[] fields, List<ImportError> errors)
{
    public int Line => line;

    public bool Has(string column) => columns.ContainsKey(column);

    public string? Text(string column)
    {
        if (!columns.TryGetValue(column, out var i) || i >= fields.Length) return null;
        var value = fields[i].Trim();
        return value.Length == 0 ? null : value;
    }

    public string Required(string column)
    {
        var value = Text(column);
        if (value is null) Fail(column, "is empty; a value is required");
        return value ?? "";
    }

    public DateOnly? Date(string column, bool required)
    {
        var value = required ? Required(column) : Text(column);
        if (string.IsNullOrEmpty(value)) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        Fail(column, $"\"{value}\" is not an ISO 8601 date (YYYY-MM-DD, e.g. 2026-10-31)");
        return null;
    }

    /// <summary>An ISO 8601 moment; a plain date or a time without an offset is taken as UTC.</summary>
    public DateTimeOffset? Moment(string column)
    {
        var value = Required(column);
        if (value.Length == 0) return null;
        if (Core.Time.IsoMoment.TryParse(value, out var at)) return at;
        Fail(column, $"\"{value}\" is not an ISO 8601 date or time (e.g. 2026-10-31 or 2026-10-31T14:05:00Z)");
        return null;
    }

    public decimal Decimal(string column)
    {
        var value = Required(column);
        if (value.Length == 0) return 0;
        const NumberStyles plain = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;
        if (decimal.TryParse(value, plain, CultureInfo.InvariantCulture, out var d)) return d;
        // Digits beyond decimal's 7.9 x 10^28 are a number, only far too large for any rule.
        if (double.TryParse(value, plain, CultureInfo.InvariantCulture, out _)) Fail(column, $"{CsvTable.Short(value)} is too large a number");
        else Fail(column, $"\"{CsvTable.Short(value)}\" is not a number (use . as the decimal separator and no thousands separator, e.g. 1200.50)");
        return 0;
    }

    public int Int(string column, int min, int max)
    {
        var value = Required(column);
        if (value.Length == 0) return 0;
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            Fail(column, $"\"{value}\" is not a whole number");
            return 0;
        }
        if (n < min || n > max) Fail(column, $"{n} is outside {min} to {max}");
        return n;
    }

    public IReadOnlyList<string> List(string column) =>
        (Text(column) ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A list whose places matter (`contact_languages` beside `contact_emails`): an empty place is null.</summary>
    public IReadOnlyList<string?> Aligned(string column) => Text(column) is { } text
        ? text.Split(';', StringSplitOptions.TrimEntries).Select(v => v.Length == 0 ? null : v).ToArray()
        : [];

    public void Fail(string column, string problem) =>
        errors.Add(new ImportError(file, line, columns.TryGetValue(column, out var i) ? i + 1 : null, column, problem));

    /// <summary>Whether this row already has a problem in <paramref name="column"/> (an empty value is not also a bad email).</summary>
    public bool HasProblem(string column) => errors.Any(e => e.Line == line && e.ColumnName == column);
}

/// <summary>Reads a CSV file with a header row (any column order, extra columns ignored) into rows, or says why it can't.</summary>
public static class CsvTable
{
    public const int MaxErrors = 50;

    /// <summary>Calls <paramref name="read"/> for every row; throws <see cref="ImportFailed"/> with every problem found.</summary>
    public static List<T> Read<T>(string path, IReadOnlyList<string> required, Func<CsvRow, T> read)
    {
        var file = System.IO.Path.GetFileName(path);
        var errors = new List<ImportError>();
        var text = Load(path, file);
        // A quote that never closes swallows the rest of the file into one field: report it where it opens, read the rows before it.
        var unclosed = UnclosedQuote(file, text);
        if (unclosed is { Line: 1 }) throw new ImportFailed([unclosed]);
        if (unclosed is not null) text = text[..LineStart(text, unclosed.Line!.Value)];
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = true,
            DetectDelimiter = false,
            MissingFieldFound = null,
            IgnoreBlankLines = true,
        };
        using var csv = new CsvReader(new StringReader(text), config);
        var result = new List<T>();
        try
        {
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } header)
                throw Failed(file, 1, "the file is empty: it needs a header row and at least one data row");
            var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < header.Length; i++)
            {
                var name = header[i].Trim().ToLowerInvariant();
                if (name.Length > 0 && !columns.TryAdd(name, i))
                    errors.Add(new ImportError(file, 1, i + 1, name, "this column appears twice in the header"));
            }
            var missing = required.Where(c => !columns.ContainsKey(c)).ToArray();
            if (missing.Length > 0)
                errors.Add(new ImportError(file, 1, null, null,
                    $"missing required column{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing)} (the header has: {string.Join(", ", header.Select(h => Short(h)))})"
                    + (header.Length == 1 ? "; is this a comma-separated file?" : "")));
            if (errors.Count > 0) throw new ImportFailed(errors);

            while (csv.Read())
            {
                var line = csv.Parser.RawRow;
                var fields = csv.Parser.Record ?? [];
                if (fields.Length != header.Length)
                {
                    errors.Add(new ImportError(file, line, null, null, $"has {fields.Length} fields where the header has {header.Length}"));
                }
                else
                {
                    var row = new CsvRow(file, line, columns, fields, errors);
                    var before = errors.Count;
                    var value = read(row);
                    if (errors.Count == before) result.Add(value);
                }
                if (errors.Count >= MaxErrors) break;
            }
        }
        catch (BadDataException e)
        {
            errors.Add(new ImportError(file, e.Context?.Parser?.RawRow, null, null, "is not valid CSV: a quote (\") inside a field that is not quoted"));
        }
        catch (CsvHelperException e)
        {
            errors.Add(new ImportError(file, e.Context?.Parser?.RawRow, null, null, $"is not valid CSV ({FirstLine(e.Message)})"));
        }
        if (unclosed is not null && errors.Count < MaxErrors) errors.Add(unclosed);
        if (errors.Count == 0 && result.Count == 0) errors.Add(new ImportError(file, 2, null, null, "the file has a header but no data rows"));
        if (errors.Count > 0) throw new ImportFailed(errors);
        return result;
    }

    /// <summary>
    /// The quote that opens a field and never closes, if the file has one, at its physical line: CsvHelper would give up
    /// where the file ends, or read the rest of the file as one field. Doubled quotes ("") toggle twice and cancel out.
    /// </summary>
    private static ImportError? UnclosedQuote(string file, string text)
    {
        var open = false;
        var opened = 0;
        for (var i = text.IndexOf('"'); i >= 0; i = text.IndexOf('"', i + 1))
        {
            open = !open;
            if (open) opened = i;
        }
        if (!open) return null;
        var line = text.AsSpan(0, opened).Count('\n') + 1;
        return new ImportError(file, line, null, null, opened == 0 || text[opened - 1] is ',' or '\n' or '\r'
            ? "is not valid CSV: a quoted field starts on this line and never ends (its closing \" is missing)"
            : "is not valid CSV: a quote (\") inside a field that is not quoted (quote the whole field and double the quote: \"5\"\" screen\")");
    }

    /// <summary>Where physical line <paramref name="line"/> (from 1) starts in <paramref name="text"/>.</summary>
    private static int LineStart(string text, int line)
    {
        var at = 0;
        for (var n = 1; n < line; n++) at = text.IndexOf('\n', at) + 1;
        return at;
    }

    private static string Load(string path, string file)
    {
        if (Directory.Exists(path)) throw Failed(file, null, $"{path} is a folder, not a file");
        if (!File.Exists(path)) throw Failed(file, null, $"the file does not exist ({System.IO.Path.GetFullPath(path)})");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw Failed(file, null, $"the file cannot be read ({e.Message})"); }
        if (bytes.All(b => b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t')) throw Failed(file, 1, "the file is empty: it needs a header row and at least one data row");
        if (Array.IndexOf(bytes, (byte)0) >= 0) throw Failed(file, 1, "this is not a CSV text file (it contains binary data)");
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw Failed(file, 1, "this is not a CSV text file (it is not UTF-8 text)");
        }
    }

    private static ImportFailed Failed(string file, int? line, string problem) => new([new ImportError(file, line, null, null, problem)]);

    /// <summary>A value quoted in a message, cut to what a reader takes in.</summary>
    internal static string Short(string s) => s.Length > 30 ? s[..30] + "…" : s;

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
