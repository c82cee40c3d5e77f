using System.Text.Json;
using LuffyBlazor.Features.Storage.FastDfs;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// Our FastDFS client and an independent one (npm <c>fdfs</c> 1.0.4, run by test-support/node/fdfs-peer.mjs; PyPI,
/// where the Python clients live, cannot be reached here) against the same <see cref="FakeFastDfs"/>: what one writes
/// the other reads byte for byte, metadata included, so the fake, our client and theirs agree on the wire format.
/// </summary>
public sealed class FastDfsInteropTests : IAsyncLifetime
{
    private FakeFastDfs fake = null!;

    public Task InitializeAsync()
    {
        fake = FakeFastDfs.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await fake.DisposeAsync();

    private FastDfsClient Ours => fake.Client();

    private Task<JsonElement> Peer(string cmd, object fields)
    {
        var request = JsonSerializer.SerializeToElement(fields).EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value);
        request["cmd"] = cmd;
        request["trackers"] = new[] { new { host = "127.0.0.1", port = fake.TrackerPort } };
        return NodePeer.RunAsync("fdfs-peer.mjs", request);
    }

    private static byte[] Random(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_file_we_upload_is_read_by_the_node_client_byte_for_byte_with_its_metadata_and_info()
    {
        var bytes = Random(700_000, 1);
        var fileId = await Ours.UploadAsync(new MemoryStream(bytes), bytes.Length, "mp4");
        await Ours.SetMetadataAsync(fileId, new Dictionary<string, string> { ["key"] = "private/videos/课程.mp4", ["content-type"] = "video/mp4" });

        var whole = await Peer("download", new { fileId });
        var part = await Peer("download", new { fileId, offset = 5000, bytes = 1234 });
        var metadata = await Peer("get-metadata", new { fileId });
        var info = await Peer("file-info", new { fileId });

        Assert.Equal("1.0.4", whole.GetProperty("client").GetString());
        Assert.Equal(bytes, Convert.FromBase64String(whole.GetProperty("base64").GetString()!));
        Assert.Equal(bytes[5000..6234], Convert.FromBase64String(part.GetProperty("base64").GetString()!));
        Assert.Equal("private/videos/课程.mp4", metadata.GetProperty("metadata").GetProperty("key").GetString());
        Assert.Equal("video/mp4", metadata.GetProperty("metadata").GetProperty("content-type").GetString());
        Assert.Equal(bytes.Length, info.GetProperty("size").GetInt64());
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(bytes), info.GetProperty("crc32").GetUInt32());
    }

    [Fact]
    public async Task A_file_the_node_client_uploads_and_appends_to_is_read_by_us_byte_for_byte()
    {
        var first = Random(300_000, 2);
        var more = Random(123_457, 3);

        var fileId = (await Peer("upload", new { base64 = Convert.ToBase64String(first), ext = "webm", appender = true })).GetProperty("fileId").GetString()!;
        await Peer("append", new { fileId, base64 = Convert.ToBase64String(more) });
        await Peer("set-metadata", new { fileId, metadata = new Dictionary<string, string> { ["key"] = "private/videos/x.webm" } });
        await Peer("set-metadata", new { fileId, metadata = new Dictionary<string, string> { ["width"] = "1280" }, flag = "M" });

        var read = await FakeFastDfs.ReadAllAsync(await Ours.DownloadAsync(fileId));
        var info = await Ours.QueryFileInfoAsync(fileId);
        var metadata = await Ours.GetMetadataAsync(fileId);

        Assert.Equal([.. first, .. more], read);
        Assert.Equal(first.Length + more.Length, info!.Size);
        Assert.Equal(new Dictionary<string, string> { ["key"] = "private/videos/x.webm", ["width"] = "1280" }, metadata);
    }

    [Fact]
    public async Task An_appender_file_we_grow_is_read_by_the_node_client_and_deleted_by_it_for_us_to_see()
    {
        var parts = new[] { Random(1000, 4), Random(2000, 5), Random(3000, 6) };
        var fileId = await Ours.UploadAsync(new MemoryStream(parts[0]), parts[0].Length, "webm", appender: true);
        await Ours.AppendAsync(fileId, new MemoryStream(parts[1]), parts[1].Length);
        var uploadedByPeer = (await Peer("upload", new { base64 = Convert.ToBase64String(parts[2]), ext = "png" })).GetProperty("fileId").GetString()!;
        await Ours.AppendAsync(fileId, new MemoryStream(parts[2]), parts[2].Length);

        var read = await Peer("download", new { fileId });
        await Peer("delete", new { fileId });

        Assert.Equal(parts.SelectMany(p => p).ToArray(), Convert.FromBase64String(read.GetProperty("base64").GetString()!));
        Assert.Null(await Ours.QueryFileInfoAsync(fileId));
        Assert.EndsWith(".png", uploadedByPeer);
        Assert.Equal(parts[2], await FakeFastDfs.ReadAllAsync(await Ours.DownloadAsync(uploadedByPeer)));
    }
}
