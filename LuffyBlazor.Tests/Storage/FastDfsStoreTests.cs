using System.Net;
using System.Net.Http.Headers;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Features.Storage.FastDfs;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LuffyBlazor.Tests.Storage;

/// <summary>The FastDFS client and store against <see cref="FakeFastDfs"/>, a tracker and storage server speaking FastDFS's protocol.</summary>
public sealed class FastDfsStoreTests : IAsyncLifetime
{
    private FakeFastDfs fake = null!;

    public Task InitializeAsync()
    {
        fake = FakeFastDfs.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await fake.DisposeAsync();

    private FastDfsClient Client(string? trackers = null) => fake.Client(trackers);

    [Fact]
    public async Task A_file_is_uploaded_described_read_whole_and_in_part_tagged_and_deleted()
    {
        var client = Client();
        var bytes = TestMedia.Mp4(300_000);

        var fileId = await client.UploadAsync(new MemoryStream(bytes), bytes.Length, ".mp4");
        var info = await client.QueryFileInfoAsync(fileId);
        var whole = await FakeFastDfs.ReadAllAsync(await client.DownloadAsync(fileId));
        var part = await FakeFastDfs.ReadAllAsync(await client.DownloadAsync(fileId, 1000, 500));
        var tail = await FakeFastDfs.ReadAllAsync(await client.DownloadAsync(fileId, 299_990));
        await client.SetMetadataAsync(fileId, new Dictionary<string, string> { ["key"] = "private/videos/a.mp4", ["width"] = "1280" });
        await client.SetMetadataAsync(fileId, new Dictionary<string, string> { ["width"] = "1920" }, merge: true);
        var metadata = await client.GetMetadataAsync(fileId);
        var deleted = await client.DeleteAsync(fileId);

        Assert.Matches(@"^group1/M00/00/00/[A-Za-z0-9_-]+\.mp4$", fileId);
        Assert.Equal(bytes.Length, info!.Size);
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(bytes), info.Crc32);
        Assert.Equal("127.0.0.1", info.SourceIp);
        Assert.Equal(bytes, whole);
        Assert.Equal(bytes[1000..1500], part);
        Assert.Equal(bytes[299_990..], tail);
        Assert.Equal(new Dictionary<string, string> { ["key"] = "private/videos/a.mp4", ["width"] = "1920" }, metadata);
        Assert.True(deleted);
        Assert.Null(await client.QueryFileInfoAsync(fileId));
        Assert.False(await client.DeleteAsync(fileId));
        await Assert.ThrowsAsync<FileNotFoundException>(() => client.DownloadAsync(fileId));
        Assert.Contains(("tracker", (byte)101), fake.Requests);
        Assert.Contains(("storage", (byte)82), fake.Requests);
    }

    [Fact]
    public async Task An_appender_file_grows_with_each_append()
    {
        var client = Client();
        byte[] first = [1, 2, 3], second = [4, 5], third = [6];

        var fileId = await client.UploadAsync(new MemoryStream(first), 3, "webm", appender: true);
        await client.AppendAsync(fileId, new MemoryStream(second), 2);
        await client.AppendAsync(fileId, new MemoryStream(third), 1);

        Assert.Equal([1, 2, 3, 4, 5, 6], await FakeFastDfs.ReadAllAsync(await client.DownloadAsync(fileId)));
        Assert.Equal(6, (await client.QueryFileInfoAsync(fileId))!.Size);
        Assert.Contains(("storage", (byte)23), fake.Requests);
        Assert.Equal(2, fake.Requests.Count(r => r == ("storage", (byte)24)));
    }

    [Fact]
    public async Task A_tracker_that_cannot_be_reached_is_passed_over_and_refusals_are_explained()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var dead = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var fileId = await Client($"127.0.0.1:{dead},{fake.Trackers}").UploadAsync(new MemoryStream([7]), 1, "png");
        var refused = await Assert.ThrowsAsync<FastDfsException>(() => Client().AppendAsync(fileId, new MemoryStream([8]), 1));
        var unreachable = await Assert.ThrowsAsync<FastDfsException>(() => Client($"127.0.0.1:{dead}").QueryStoreAsync());

        Assert.Equal([7], fake.Content(fileId));
        Assert.Equal(22, refused.Status);
        Assert.Contains("EINVAL", refused.Message);
        Assert.Equal(0, unreachable.Status);
        Assert.Contains("Storage:FastDfs:Trackers", unreachable.Message);
    }

    [Fact]
    public async Task As_the_apps_store_seeding_imports_the_media_and_the_app_serves_it_with_ranges_and_signatures()
    {
        await using var app = new LuffyAppFactory(fake.Settings());
        var files = app.Services.GetRequiredService<IFileStore>();
        var http = app.CreateClient();
        var video = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "wwwroot-assets/private/videos/go-intro.webm"));
        var cover = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "wwwroot-assets/covers/go-basics.svg"));

        var stat = await files.StatAsync("private/videos/go-intro.webm");
        var signed = files.GetPrivateUrl("private/videos/go-intro.webm", TimeSpan.FromMinutes(10));
        var ranged = new HttpRequestMessage(HttpMethod.Get, signed);
        ranged.Headers.Range = new RangeHeaderValue(100, 199);
        var part = await http.SendAsync(ranged);
        var whole = await http.GetAsync(signed);
        var unsigned = await http.GetAsync("/media/private/videos/go-intro.webm");
        var publicCover = await http.GetAsync(files.GetPublicUrl("covers/go-basics.svg"));

        Assert.Equal(StorageProvider.FastDfs, files.Provider);
        Assert.Equal(video.Length, stat!.Length);
        Assert.Equal("video/webm", stat.ContentType);
        Assert.StartsWith("/media/private/videos/go-intro.webm?e=", signed);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal($"bytes 100-199/{video.Length}", part.Content.Headers.ContentRange!.ToString());
        Assert.Equal(video[100..200], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal(video, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal("video/webm", whole.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(cover, await publicCover.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", publicCover.Content.Headers.ContentDisposition!.DispositionType);
        Assert.All(fake.Files.Values, f => Assert.True(f.Metadata.ContainsKey("key")));
    }

    [Fact]
    public async Task A_stream_of_unknown_length_grows_an_appender_file_and_replacing_a_key_deletes_the_old_file()
    {
        var settings = fake.Settings();
        settings["Storage:FastDfs:ChunkSize"] = "65536";
        await using var app = new LuffyAppFactory(settings);
        var files = app.Services.GetRequiredService<IFileStore>();
        var index = app.Services.GetRequiredService<IFastDfsFileIndex>();
        var first = TestMedia.Webm(200_000);
        var second = TestMedia.Webm(1000);

        await files.SaveAsync("private/videos/grown.webm", new ForwardOnlyStream(first), "video/webm");
        var firstId = (await index.FindAsync("private/videos/grown.webm"))!.FileId;
        var firstStored = fake.Content(firstId);
        await files.SaveAsync("private/videos/grown.webm", new MemoryStream(second), "video/webm");
        var secondId = (await index.FindAsync("private/videos/grown.webm"))!.FileId;
        await using var read = await files.OpenReadAsync("private/videos/grown.webm");
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);

        Assert.Equal(first, firstStored);
        Assert.Single(fake.Requests, r => r == ("storage", (byte)23));
        Assert.Equal(3, fake.Requests.Count(r => r == ("storage", (byte)24)));
        Assert.NotEqual(firstId, secondId);
        Assert.False(fake.Files.ContainsKey(firstId[(FakeFastDfs.Group.Length + 1)..]));
        Assert.Equal(second, copy.ToArray());
        await files.DeleteAsync("private/videos/grown.webm");
        Assert.Null(await index.FindAsync("private/videos/grown.webm"));
        Assert.False(fake.Files.ContainsKey(secondId[(FakeFastDfs.Group.Length + 1)..]));
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
