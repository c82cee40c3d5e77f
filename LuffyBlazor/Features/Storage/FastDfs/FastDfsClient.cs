using System.Text;
using Microsoft.Extensions.Options;
using static LuffyBlazor.Features.Storage.FastDfs.FastDfsProtocol;

namespace LuffyBlazor.Features.Storage.FastDfs;

/// <summary>A storage server as a tracker names it: where to connect, its group and (for stores) its store path.</summary>
public sealed record FastDfsStorageServer(string Group, string Host, int Port, byte StorePathIndex);

/// <summary>What query file info answers: size, creation time (Unix seconds), CRC32, the IP it was uploaded to.</summary>
public sealed record FastDfsFileInfo(long Size, DateTimeOffset CreatedAt, uint Crc32, string SourceIp);

/// <summary>
/// FastDFS over its binary protocol (<see cref="FastDfsProtocol"/>), written by hand: no .NET client is available. A
/// tracker (the first of <see cref="FastDfsOptions.Trackers"/> that answers) names the storage server; one connection
/// per request. Uploads (plain or appender), appends and downloads stream the content; metadata, file info and
/// delete complete the set the store needs.
/// </summary>
public sealed class FastDfsClient(IOptions<FastDfsOptions> options, ILogger<FastDfsClient> logger)
{
    private FastDfsOptions Options => options.Value;

    /// <summary>A storage server to upload to (in <see cref="FastDfsOptions.Group"/> when set).</summary>
    public Task<FastDfsStorageServer> QueryStoreAsync(CancellationToken ct = default) => AskTrackerAsync(async tracker =>
    {
        var group = Options.Group;
        var request = new byte[string.IsNullOrEmpty(group) ? 0 : GroupNameLength];
        if (request.Length > 0)
        {
            WriteFixed(request, group, GroupNameLength);
        }

        await tracker.SendAsync(request.Length > 0 ? QueryStoreWithGroup : QueryStoreWithoutGroup, request, ct: ct);
        var answer = await tracker.ReceiveAsync(StoreAnswerLength, ct);
        return ReadServer(answer, answer[^1]);
    }, ct);

    /// <summary>The storage server to read (<paramref name="forUpdate"/>: to change) a file from.</summary>
    public Task<FastDfsStorageServer> QueryFileServerAsync(string fileId, bool forUpdate, CancellationToken ct = default) => AskTrackerAsync(async tracker =>
    {
        await tracker.SendAsync(forUpdate ? QueryUpdate : QueryFetchOne, FileIdBody(fileId), ct: ct);
        return ReadServer(await tracker.ReceiveAsync(FetchAnswerLength, ct), 0);
    }, ct);

    /// <summary>Uploads <paramref name="length"/> bytes as a new file (<paramref name="appender"/>: one that can grow); its file id.</summary>
    public async Task<string> UploadAsync(Stream content, long length, string extension, bool appender = false, CancellationToken ct = default)
    {
        var server = await QueryStoreAsync(ct);
        var request = new byte[1 + NumberLength + ExtensionLength];
        request[0] = server.StorePathIndex;
        WriteNumber(request.AsSpan(1), length);
        WriteFixed(request.AsSpan(1 + NumberLength), extension.TrimStart('.'), ExtensionLength);
        await using var storage = await FastDfsConnection.OpenAsync(server.Host, server.Port, Options, ct);
        await storage.SendAsync(appender ? UploadAppenderFile : UploadFile, request, content, length, ct);
        var answer = await storage.ReceiveAsync(null, ct);
        if (answer.Length <= GroupNameLength)
        {
            throw new FastDfsException(0, $"the upload answer of {answer.Length} bytes names no file");
        }

        return ReadFixed(answer.AsSpan(0, GroupNameLength)) + "/" + Encoding.UTF8.GetString(answer, GroupNameLength, answer.Length - GroupNameLength);
    }

    /// <summary>Appends <paramref name="length"/> bytes to an appender file.</summary>
    public async Task AppendAsync(string fileId, Stream content, long length, CancellationToken ct = default)
    {
        var (_, name) = SplitFileId(fileId);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var request = new byte[2 * NumberLength + nameBytes.Length];
        WriteNumber(request, nameBytes.Length);
        WriteNumber(request.AsSpan(NumberLength), length);
        nameBytes.CopyTo(request, 2 * NumberLength);
        await using var storage = await OpenForAsync(fileId, forUpdate: true, ct);
        await storage.SendAsync(AppendFile, request, content, length, ct);
        await storage.ReceiveAsync(0, ct);
    }

    /// <summary>
    /// The file's content from <paramref name="offset"/>, <paramref name="length"/> bytes or to its end, streamed from
    /// the storage server (the connection closes when the stream is disposed).
    /// </summary>
    public async Task<Stream> DownloadAsync(string fileId, long offset = 0, long? length = null, CancellationToken ct = default)
    {
        var id = FileIdBody(fileId);
        var request = new byte[2 * NumberLength + id.Length];
        WriteNumber(request, offset);
        WriteNumber(request.AsSpan(NumberLength), length ?? 0);
        id.CopyTo(request, 2 * NumberLength);
        var storage = await OpenForAsync(fileId, forUpdate: false, ct);
        try
        {
            await storage.SendAsync(DownloadFile, request, ct: ct);
            var bodyLength = await storage.ReceiveHeaderAsync(ct);
            return new DownloadStream(storage, bodyLength);
        }
        catch (FastDfsException ex) when (ex.Status == FastDfsException.NoSuchFile)
        {
            await storage.DisposeAsync();
            throw new FileNotFoundException($"FastDFS has no file {fileId}.", fileId, ex);
        }
        catch
        {
            await storage.DisposeAsync();
            throw;
        }
    }

    /// <summary>Deletes a file; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string fileId, CancellationToken ct = default)
    {
        try
        {
            await using var storage = await OpenForAsync(fileId, forUpdate: true, ct);
            await storage.SendAsync(DeleteFile, FileIdBody(fileId), ct: ct);
            await storage.ReceiveAsync(0, ct);
            return true;
        }
        catch (FastDfsException ex) when (ex.Status == FastDfsException.NoSuchFile)
        {
            return false;
        }
    }

    /// <summary>Size, creation time and CRC32 of a file; null when there is none.</summary>
    public async Task<FastDfsFileInfo?> QueryFileInfoAsync(string fileId, CancellationToken ct = default)
    {
        try
        {
            await using var storage = await OpenForAsync(fileId, forUpdate: false, ct);
            await storage.SendAsync(QueryFileInfo, FileIdBody(fileId), ct: ct);
            var answer = await storage.ReceiveAsync(FileInfoLength, ct);
            return new FastDfsFileInfo(
                ReadNumber(answer),
                DateTimeOffset.FromUnixTimeSeconds(ReadNumber(answer.AsSpan(NumberLength))),
                (uint)ReadNumber(answer.AsSpan(2 * NumberLength)),
                ReadFixed(answer.AsSpan(3 * NumberLength, IpAddressLength)));
        }
        catch (FastDfsException ex) when (ex.Status == FastDfsException.NoSuchFile)
        {
            return null;
        }
    }

    /// <summary>Replaces (<paramref name="merge"/>: merges into) a file's metadata.</summary>
    public async Task SetMetadataAsync(string fileId, IReadOnlyDictionary<string, string> metadata, bool merge = false, CancellationToken ct = default)
    {
        var (group, name) = SplitFileId(fileId);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var meta = EncodeMetadata(metadata);
        var request = new byte[2 * NumberLength + 1 + GroupNameLength + nameBytes.Length + meta.Length];
        WriteNumber(request, nameBytes.Length);
        WriteNumber(request.AsSpan(NumberLength), meta.Length);
        request[2 * NumberLength] = (byte)(merge ? 'M' : 'O');
        WriteFixed(request.AsSpan(2 * NumberLength + 1), group, GroupNameLength);
        nameBytes.CopyTo(request, 2 * NumberLength + 1 + GroupNameLength);
        meta.CopyTo(request, request.Length - meta.Length);
        await using var storage = await OpenForAsync(fileId, forUpdate: true, ct);
        await storage.SendAsync(SetMetadata, request, ct: ct);
        await storage.ReceiveAsync(0, ct);
    }

    public async Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(string fileId, CancellationToken ct = default)
    {
        await using var storage = await OpenForAsync(fileId, forUpdate: false, ct);
        await storage.SendAsync(GetMetadata, FileIdBody(fileId), ct: ct);
        return DecodeMetadata(await storage.ReceiveAsync(null, ct));
    }

    private async Task<FastDfsConnection> OpenForAsync(string fileId, bool forUpdate, CancellationToken ct)
    {
        var server = await QueryFileServerAsync(fileId, forUpdate, ct);
        return await FastDfsConnection.OpenAsync(server.Host, server.Port, Options, ct);
    }

    /// <summary>Asks the trackers in order: the next one when a tracker cannot be reached; its refusals are final.</summary>
    private async Task<T> AskTrackerAsync<T>(Func<FastDfsConnection, Task<T>> ask, CancellationToken ct)
    {
        var trackers = Options.TrackerEndpoints;
        for (var i = 0; ; i++)
        {
            try
            {
                await using var tracker = await FastDfsConnection.OpenAsync(trackers[i].Host, trackers[i].Port, Options, ct);
                return await ask(tracker);
            }
            catch (FastDfsException ex) when (ex.Status == 0 && i + 1 < trackers.Count)
            {
                logger.LogWarning("FastDFS tracker {Host}:{Port} failed, trying the next: {Reason}", trackers[i].Host, trackers[i].Port, ex.Message);
            }
        }
    }

    private static FastDfsStorageServer ReadServer(ReadOnlySpan<byte> answer, byte storePathIndex) => new(
        ReadFixed(answer[..GroupNameLength]),
        ReadFixed(answer.Slice(GroupNameLength, IpAddressLength - 1)),
        (int)ReadNumber(answer.Slice(GroupNameLength + IpAddressLength - 1, NumberLength)),
        storePathIndex);

    /// <summary>A download's body, read from the storage connection as the caller reads; disposing closes the connection.</summary>
    private sealed class DownloadStream(FastDfsConnection connection, long length) : ReadOnlyForwardStream
    {
        private long left = length;

        public override long Length { get; } = length;

        public override int Read(Span<byte> buffer)
        {
            var rented = new byte[buffer.Length];
            var n = ReadAsync(rented).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (left <= 0 || buffer.IsEmpty)
            {
                return 0;
            }

            var n = await connection.ReadAsync(buffer[..(int)Math.Min(buffer.Length, left)], ct);
            if (n == 0)
            {
                throw new FastDfsException(0, $"the download ended {left} bytes early");
            }

            left -= n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await connection.DisposeAsync();
            GC.SuppressFinalize(this);
        }
    }
}
