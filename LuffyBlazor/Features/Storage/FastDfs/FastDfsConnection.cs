using System.Net.Sockets;

namespace LuffyBlazor.Features.Storage.FastDfs;

/// <summary>
/// One TCP connection to a tracker or storage server, for one request: the header and body out (a file's content
/// streamed from its source, never held whole), the answer's header checked (the response command, the status), then
/// <c>QUIT</c> and close. Every network step has <see cref="FastDfsOptions.NetworkTimeout"/>.
/// </summary>
internal sealed class FastDfsConnection : IAsyncDisposable
{
    private readonly TcpClient tcp;
    private readonly NetworkStream stream;
    private readonly TimeSpan timeout;
    private readonly string endpoint;

    private FastDfsConnection(TcpClient tcp, TimeSpan timeout, string endpoint)
    {
        this.tcp = tcp;
        stream = tcp.GetStream();
        this.timeout = timeout;
        this.endpoint = endpoint;
    }

    public static async Task<FastDfsConnection> OpenAsync(string host, int port, FastDfsOptions options, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct);
        connect.CancelAfter(options.ConnectTimeout);
        try
        {
            await tcp.ConnectAsync(host, port, connect.Token);
            return new FastDfsConnection(tcp, options.NetworkTimeout, $"{host}:{port}");
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            tcp.Dispose();
            throw new FastDfsException(0, $"cannot connect to {host}:{port}: {ex.Message}", ex);
        }
    }

    /// <summary>Sends a request: the header (body length = fixed part + content length), the fixed part, then the content.</summary>
    public async Task SendAsync(byte command, ReadOnlyMemory<byte> fixedPart, Stream? content = null, long contentLength = 0, CancellationToken ct = default)
    {
        await Guard(async token =>
        {
            await stream.WriteAsync(FastDfsProtocol.Header(fixedPart.Length + contentLength, command), token);
            await stream.WriteAsync(fixedPart, token);
        }, ct);
        if (content is null || contentLength == 0)
        {
            return;
        }

        var buffer = new byte[Math.Min(contentLength, 256 * 1024)];
        var left = contentLength;
        while (left > 0)
        {
            var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct);
            if (read == 0)
            {
                throw new FastDfsException(0, $"the content ended {left} bytes before the {contentLength} announced");
            }

            await Guard(token => stream.WriteAsync(buffer.AsMemory(0, read), token).AsTask(), ct);
            left -= read;
        }
    }

    /// <summary>Reads an answer's header; a status other than 0 becomes a <see cref="FastDfsException"/>.</summary>
    public async Task<long> ReceiveHeaderAsync(CancellationToken ct)
    {
        var header = new byte[FastDfsProtocol.HeaderLength];
        await Guard(token => stream.ReadExactlyAsync(header, token).AsTask(), ct);
        var (length, command, status) = FastDfsProtocol.ReadHeader(header);
        if (command != FastDfsProtocol.Response)
        {
            throw new FastDfsException(0, $"{endpoint} answered command {command}, not {FastDfsProtocol.Response}");
        }

        if (status != 0)
        {
            if (length > 0)
            {
                await Guard(token => stream.ReadExactlyAsync(new byte[Math.Min(length, 1024)], token).AsTask(), ct);
            }

            throw new FastDfsException(status, $"from {endpoint}");
        }

        return length;
    }

    /// <summary>A whole (small) answer body; <paramref name="expected"/>, when given, is the only length accepted.</summary>
    public async Task<byte[]> ReceiveAsync(int? expected, CancellationToken ct)
    {
        var length = await ReceiveHeaderAsync(ct);
        if ((expected is { } n && length != n) || length > 16 * 1024 * 1024)
        {
            throw new FastDfsException(0, $"{endpoint} answered a body of {length} bytes, expected {expected?.ToString() ?? "less"}");
        }

        var body = new byte[length];
        await Guard(token => stream.ReadExactlyAsync(body, token).AsTask(), ct);
        return body;
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length of an answer's body (a download, streamed).</summary>
    public Task<int> ReadAsync(Memory<byte> buffer, CancellationToken ct) => Guard(token => stream.ReadAsync(buffer, token).AsTask(), ct);

    /// <summary>Says goodbye (<c>QUIT</c>, which has no answer) and closes; a connection already broken just closes.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await stream.WriteAsync(FastDfsProtocol.Header(0, FastDfsProtocol.Quit), quit.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        tcp.Dispose();
    }

    private async Task Guard(Func<CancellationToken, Task> step, CancellationToken ct) => await Guard(async t =>
    {
        await step(t);
        return 0;
    }, ct);

    private async Task<T> Guard<T>(Func<CancellationToken, Task<T>> step, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            return await step(limit.Token);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new FastDfsException(0, $"{endpoint} did not answer within {timeout}", ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException)
        {
            throw new FastDfsException(0, $"the connection to {endpoint} failed: {ex.Message}", ex);
        }
    }
}
