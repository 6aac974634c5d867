using System.Net.Sockets;
using System.Text;

namespace SuccessBot.Tests.Web;

/// <summary>Requests no HTTP client sends (broken chunks, URLs and headers over the limits, a body that stops), over a raw socket.</summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> as it is and reads the whole answer: its status and its text, headers included.</summary>
    public static async Task<(int Status, string Answer)> AnswerAsync(Uri server, byte[] request)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(server.Host, server.Port);
        var stream = socket.GetStream();
        try
        {
            await stream.WriteAsync(request);
        }
        catch (IOException)
        {
            // Kestrel may answer and close before it has read all of an oversized request; the answer is still there to read.
        }
        var buffer = new byte[16 * 1024];
        var read = 0;
        string answer;
        // Until the answer is whole: the last chunk of a JSON answer, or the end of Kestrel's own empty one.
        do
        {
            var more = await stream.ReadAsync(buffer.AsMemory(read));
            if (more == 0) break;
            read += more;
            answer = Encoding.UTF8.GetString(buffer, 0, read);
        }
        while (!answer.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal) && !(answer.Contains("Content-Length: 0\r\n") && answer.EndsWith("\r\n\r\n", StringComparison.Ordinal)));
        answer = Encoding.UTF8.GetString(buffer, 0, read);
        return (int.Parse(answer.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture), answer);
    }

    /// <summary>The body of an answer (de-chunked when it came in chunks: chunk sizes count bytes, not characters).</summary>
    public static string Body(string answer)
    {
        var bytes = Encoding.UTF8.GetBytes(answer);
        var start = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0 ? Encoding.UTF8.GetByteCount(answer.AsSpan(0, end + 4)) : bytes.Length;
        var body = bytes.AsSpan(start);
        if (!answer.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) return Encoding.UTF8.GetString(body);
        var text = new List<byte>();
        while (body.IndexOf("\r\n"u8) is var line and > 0 && Convert.ToInt32(Encoding.ASCII.GetString(body[..line]), 16) is var size and > 0)
        {
            text.AddRange(body.Slice(line + 2, size));
            body = body[(line + 2 + size + 2)..];
        }
        return Encoding.UTF8.GetString([.. text]);
    }
}
