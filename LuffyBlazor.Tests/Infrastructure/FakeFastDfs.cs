using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// A FastDFS tracker and storage server on two free loopback ports, written from FastDFS's protocol description
/// (<c>tracker_proto.h</c> and the storage commands), independently of the app's client: every packet a 10-byte header
/// (8-byte big-endian body length, command, status) and a body; the tracker answers store (101, 104), fetch (102) and
/// update (103) queries; the storage server does upload (11), upload appender (23), append (24), download (14, with
/// offset and length), delete (12), set/get metadata (13/15, overwrite or merge), query file info (22) and active test
/// (111), answering errnos as status (2 no such file, 22 invalid), and connections end with QUIT (82). Files live in a
/// temporary folder, so large ones cost disk, not memory. The app's tests and the Node client (npm <c>fdfs</c>) both
/// talk to it.
/// </summary>
public sealed class FakeFastDfs : IAsyncDisposable
{
    public const string Group = "group1";
    private const int GroupLength = 16;
    private const byte Resp = 100;

    private readonly TcpListener tracker = new(IPAddress.Loopback, 0);
    private readonly TcpListener storage = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "luffy-fastdfs", Guid.NewGuid().ToString("N"));
    private readonly List<Task> loops = [];

    private FakeFastDfs()
    {
        Directory.CreateDirectory(folder);
    }

    /// <summary>Stored files by remote name (<c>M00/00/00/…</c>).</summary>
    public ConcurrentDictionary<string, StoredFile> Files { get; } = new();

    /// <summary>Every request as (server, command), in arrival order.</summary>
    public ConcurrentQueue<(string Server, byte Command)> Requests { get; } = new();

    public int TrackerPort => ((IPEndPoint)tracker.LocalEndpoint).Port;

    public int StoragePort => ((IPEndPoint)storage.LocalEndpoint).Port;

    public string Trackers => $"127.0.0.1:{TrackerPort}";

    public sealed class StoredFile(string path, bool appender, DateTimeOffset createdAt)
    {
        public string Path { get; } = path;
        public bool Appender { get; } = appender;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);
        public System.IO.Hashing.Crc32 Crc { get; } = new();
        public SemaphoreSlim Lock { get; } = new(1, 1);
    }

    public static FakeFastDfs Start()
    {
        var fake = new FakeFastDfs();
        fake.tracker.Start();
        fake.storage.Start();
        fake.loops.Add(fake.AcceptAsync(fake.tracker, fake.ServeTrackerAsync));
        fake.loops.Add(fake.AcceptAsync(fake.storage, fake.ServeStorageAsync));
        return fake;
    }

    /// <summary>Settings that make FastDFS the app's store (or, with <paramref name="asProvider"/> false, a migration target).</summary>
    public Dictionary<string, string?> Settings(bool asProvider = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:FastDfs:Trackers"] = Trackers,
            ["Storage:FastDfs:SigningKey"] = "test-only-fastdfs-signing-key-0123456789abcdef",
        };
        if (asProvider)
        {
            settings["Storage:Provider"] = "FastDfs";
        }

        return settings;
    }

    public byte[] Content(string fileId) => File.ReadAllBytes(Files[fileId[(Group.Length + 1)..]].Path);

    /// <summary>The app's FastDFS client pointed at this server (or at <paramref name="trackers"/>).</summary>
    public LuffyBlazor.Features.Storage.FastDfs.FastDfsClient Client(string? trackers = null) => new(
        Microsoft.Extensions.Options.Options.Create(new LuffyBlazor.Features.Storage.FastDfs.FastDfsOptions
        {
            Trackers = trackers ?? Trackers,
            NetworkTimeout = TimeSpan.FromSeconds(10),
        }),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<LuffyBlazor.Features.Storage.FastDfs.FastDfsClient>.Instance);

    /// <summary>All of a stream (a download), disposed after.</summary>
    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    private async Task AcceptAsync(TcpListener listener, Func<NetworkStream, Task> serve)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await serve(client.GetStream());
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException or OperationCanceledException)
                    {
                        // The client went away; so does this connection.
                    }
                }
            });
        }
    }

    /// <summary>Reads requests until QUIT or the end of the connection; <paramref name="handle"/> answers each.</summary>
    private async Task ServeAsync(NetworkStream stream, string server, Func<NetworkStream, byte, long, Task> handle)
    {
        var header = new byte[10];
        while (true)
        {
            try
            {
                await stream.ReadExactlyAsync(header, stop.Token);
            }
            catch (EndOfStreamException)
            {
                return;
            }

            var length = BinaryPrimitives.ReadInt64BigEndian(header);
            var command = header[8];
            Requests.Enqueue((server, command));
            if (command == 82)
            {
                return; // QUIT: no answer
            }

            if (command == 111)
            {
                await AnswerAsync(stream, 0, []);
                continue;
            }

            await handle(stream, command, length);
        }
    }

    private Task ServeTrackerAsync(NetworkStream stream) => ServeAsync(stream, "tracker", async (s, command, length) =>
    {
        var body = await ReadAsync(s, length);
        switch (command)
        {
            case 101 when length == 0:
            case 104 when length == GroupLength && Text(body.AsSpan(0, GroupLength)) == Group:
                await AnswerAsync(s, 0, [.. StorageAddress(), 0]);
                break;
            case 104 when length == GroupLength:
                await AnswerAsync(s, 2, []); // no such group
                break;
            case 102 or 103 when length > GroupLength && Text(body.AsSpan(0, GroupLength)) == Group:
                // A real tracker reads the storage server out of the file name; whether the file exists is the storage's answer.
                await AnswerAsync(s, 0, StorageAddress());
                break;
            default:
                await AnswerAsync(s, 22, []);
                break;
        }
    });

    private Task ServeStorageAsync(NetworkStream stream) => ServeAsync(stream, "storage", async (s, command, length) =>
    {
        switch (command)
        {
            case 11 or 23:
                await UploadAsync(s, length, appender: command == 23);
                break;
            case 24:
                await AppendAsync(s, length);
                break;
            case 14:
                await DownloadAsync(s, await ReadAsync(s, length));
                break;
            case 12 or 15 or 22:
                await FileCommandAsync(s, command, await ReadAsync(s, length));
                break;
            case 13:
                await SetMetadataAsync(s, await ReadAsync(s, length));
                break;
            default:
                await ReadAsync(s, length);
                await AnswerAsync(s, 22, []);
                break;
        }
    });

    // store path index(1) + file size(8) + ext(6) + content
    private async Task UploadAsync(NetworkStream s, long length, bool appender)
    {
        var head = await ReadAsync(s, 15);
        var size = BinaryPrimitives.ReadInt64BigEndian(head.AsSpan(1));
        if (length != 15 + size || head[0] != 0)
        {
            await AnswerAsync(s, 22, []);
            return;
        }

        var ext = Text(head.AsSpan(9, 6));
        var name = $"M00/00/00/{Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_')}{(ext.Length > 0 ? "." + ext : "")}";
        var file = new StoredFile(Path.Combine(folder, Guid.NewGuid().ToString("N")), appender, DateTimeOffset.UtcNow);
        await using (var target = new FileStream(file.Path, FileMode.CreateNew))
        {
            await CopyAsync(s, target, size, file.Crc);
        }

        Files[name] = file;
        var answer = new byte[GroupLength + Encoding.UTF8.GetByteCount(name)];
        Encoding.UTF8.GetBytes(Group).CopyTo(answer, 0);
        Encoding.UTF8.GetBytes(name).CopyTo(answer, GroupLength);
        await AnswerAsync(s, 0, answer);
    }

    // filename length(8) + file size(8) + filename + content
    private async Task AppendAsync(NetworkStream s, long length)
    {
        var head = await ReadAsync(s, 16);
        var nameLength = BinaryPrimitives.ReadInt64BigEndian(head);
        var size = BinaryPrimitives.ReadInt64BigEndian(head.AsSpan(8));
        var name = Encoding.UTF8.GetString(await ReadAsync(s, nameLength));
        if (length != 16 + nameLength + size || !Files.TryGetValue(name, out var file) || !file.Appender)
        {
            await CopyAsync(s, Stream.Null, length - 16 - nameLength, null);
            await AnswerAsync(s, (byte)(Files.ContainsKey(name) ? 22 : 2), []);
            return;
        }

        await file.Lock.WaitAsync();
        try
        {
            await using var target = new FileStream(file.Path, FileMode.Append);
            await CopyAsync(s, target, size, file.Crc);
        }
        finally
        {
            file.Lock.Release();
        }

        await AnswerAsync(s, 0, []);
    }

    // offset(8) + bytes(8, 0: to the end) + group(16) + filename
    private async Task DownloadAsync(NetworkStream s, byte[] body)
    {
        var offset = BinaryPrimitives.ReadInt64BigEndian(body);
        var bytes = BinaryPrimitives.ReadInt64BigEndian(body.AsSpan(8));
        if (Find(body.AsSpan(16)) is not { } file)
        {
            await AnswerAsync(s, 2, []);
            return;
        }

        await using var source = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (offset < 0 || offset > source.Length || bytes < 0 || offset + bytes > source.Length)
        {
            await AnswerAsync(s, 22, []);
            return;
        }

        var count = bytes == 0 ? source.Length - offset : bytes;
        source.Position = offset;
        await s.WriteAsync(Header(count, 0));
        await CopyAsync(source, s, count, null);
    }

    private async Task FileCommandAsync(NetworkStream s, byte command, byte[] body)
    {
        var name = NameOf(body);
        if (Find(body) is not { } file)
        {
            await AnswerAsync(s, 2, []);
            return;
        }

        switch (command)
        {
            case 12:
                Files.TryRemove(name!, out _);
                File.Delete(file.Path);
                await AnswerAsync(s, 0, []);
                break;
            case 15:
                await AnswerAsync(s, 0, Encoding.UTF8.GetBytes(string.Join('\x01', file.Metadata.Select(m => m.Key + '\x02' + m.Value))));
                break;
            default:
                var info = new byte[40];
                BinaryPrimitives.WriteInt64BigEndian(info, new FileInfo(file.Path).Length);
                BinaryPrimitives.WriteInt64BigEndian(info.AsSpan(8), file.CreatedAt.ToUnixTimeSeconds());
                BinaryPrimitives.WriteInt64BigEndian(info.AsSpan(16), file.Crc.GetCurrentHashAsUInt32());
                Encoding.ASCII.GetBytes("127.0.0.1").CopyTo(info, 24);
                await AnswerAsync(s, 0, info);
                break;
        }
    }

    // filename length(8) + meta length(8) + flag(1: O overwrite, M merge) + group(16) + filename + meta
    private async Task SetMetadataAsync(NetworkStream s, byte[] body)
    {
        var nameLength = (int)BinaryPrimitives.ReadInt64BigEndian(body);
        var metaLength = (int)BinaryPrimitives.ReadInt64BigEndian(body.AsSpan(8));
        var flag = (char)body[16];
        var idPart = body.AsSpan(17, GroupLength + nameLength);
        if (body.Length != 17 + GroupLength + nameLength + metaLength || flag is not ('O' or 'M') || Find(idPart) is not { } file)
        {
            await AnswerAsync(s, (byte)(flag is 'O' or 'M' ? 2 : 22), []);
            return;
        }

        if (flag == 'O')
        {
            file.Metadata.Clear();
        }

        var text = Encoding.UTF8.GetString(body, body.Length - metaLength, metaLength);
        foreach (var record in text.Split('\x01', StringSplitOptions.RemoveEmptyEntries))
        {
            var field = record.Split('\x02', 2);
            file.Metadata[field[0]] = field.Length > 1 ? field[1] : "";
        }

        await AnswerAsync(s, 0, []);
    }

    private StoredFile? Find(ReadOnlySpan<byte> groupAndName) =>
        NameOf(groupAndName) is { } name && Files.TryGetValue(name, out var file) ? file : null;

    private static string? NameOf(ReadOnlySpan<byte> groupAndName) =>
        groupAndName.Length > GroupLength && Text(groupAndName[..GroupLength]) == Group ? Encoding.UTF8.GetString(groupAndName[GroupLength..]) : null;

    // group(16) + ip(15) + port(8)
    private byte[] StorageAddress()
    {
        var answer = new byte[GroupLength + 15 + 8];
        Encoding.UTF8.GetBytes(Group).CopyTo(answer, 0);
        Encoding.ASCII.GetBytes("127.0.0.1").CopyTo(answer, GroupLength);
        BinaryPrimitives.WriteInt64BigEndian(answer.AsSpan(GroupLength + 15), StoragePort);
        return answer;
    }

    private static string Text(ReadOnlySpan<byte> field) => Encoding.UTF8.GetString(field).TrimEnd('\0');

    private static byte[] Header(long length, byte status)
    {
        var header = new byte[10];
        BinaryPrimitives.WriteInt64BigEndian(header, length);
        header[8] = Resp;
        header[9] = status;
        return header;
    }

    private static async Task AnswerAsync(NetworkStream s, byte status, byte[] body)
    {
        await s.WriteAsync(Header(body.Length, status));
        await s.WriteAsync(body);
    }

    private static async Task<byte[]> ReadAsync(Stream s, long length)
    {
        var body = new byte[length];
        await s.ReadExactlyAsync(body);
        return body;
    }

    private static async Task CopyAsync(Stream from, Stream to, long count, System.IO.Hashing.Crc32? crc)
    {
        var buffer = new byte[Math.Min(count, 256 * 1024)];
        while (count > 0)
        {
            var n = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)));
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            crc?.Append(buffer.AsSpan(0, n));
            await to.WriteAsync(buffer.AsMemory(0, n));
            count -= n;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        tracker.Stop();
        storage.Stop();
        await Task.WhenAll(loops);
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
