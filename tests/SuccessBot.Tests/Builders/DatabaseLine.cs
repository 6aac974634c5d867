using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SuccessBot.Tests.Builders;

/// <summary>
/// The network between a host and its PostgreSQL, which a test can cut and mend: a loopback TCP relay to the server. Cut, it
/// closes every connection through it and refuses new ones (as a lost database server or network does); mended, it relays again.
/// </summary>
public sealed class DatabaseLine : IDisposable
{
    private readonly int _server;
    private readonly Lock _lock = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;

    /// <summary>The connection string, unchanged but for the relay's port (and a pool of its own).</summary>
    public string Connection { get; }

    public DatabaseLine(string connection)
    {
        var parsed = new NpgsqlConnectionStringBuilder(connection);
        _server = parsed.Port;
        parsed.Port = Ports.Free();
        Connection = parsed.ConnectionString;
        Mend();
    }

    public void Mend()
    {
        lock (_lock)
        {
            if (_listener is not null) return;
            _listener = new TcpListener(IPAddress.Loopback, new NpgsqlConnectionStringBuilder(Connection).Port);
            _listener.Start();
            _ = AcceptAsync(_listener);
        }
    }

    public void Cut()
    {
        lock (_lock)
        {
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open) client.Dispose();
            _open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient host, server = new();
            try { host = await listener.AcceptTcpClientAsync(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException) { return; }
            try { await server.ConnectAsync(IPAddress.Loopback, _server); }
            catch (SocketException) { host.Dispose(); server.Dispose(); continue; }
            lock (_lock)
            {
                if (!ReferenceEquals(listener, _listener)) { host.Dispose(); server.Dispose(); return; }
                _open.Add(host);
                _open.Add(server);
            }
            _ = RelayAsync(host, server);
            _ = RelayAsync(server, host);
        }
    }

    private static async Task RelayAsync(TcpClient from, TcpClient to)
    {
        try { await from.GetStream().CopyToAsync(to.GetStream()); }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or SocketException) { }
        from.Dispose();
        to.Dispose();
    }

    public void Dispose() => Cut();
}
