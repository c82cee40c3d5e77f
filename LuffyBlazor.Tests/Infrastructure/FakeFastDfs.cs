using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
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
public sealed partial class FakeFastDfs : IAsyncDisposable
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
