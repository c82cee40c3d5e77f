using System.Net;
using System.Net.Http.Headers;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// The S3 store against a real local S3 server (s3rver): real HTTP, real S3 requests and answers. s3rver accepts any
/// SigV4 signature from its known access key without recomputing it and has no ACLs, so what it cannot judge (the
/// presigned URL's signature, a bucket policy) is checked here by shape. Like other non-AWS servers, s3rver stores an
/// aws-chunked body verbatim, chunk framing included: every byte-for-byte round trip below fails if the store goes
/// back to the SDK's defaults (chunk encoding, checksums when supported).
/// </summary>
public sealed class S3StoreTests : IAsyncLifetime
{
    private LocalS3Server s3 = null!;

    public async Task InitializeAsync() => s3 = await LocalS3Server.StartAsync();

    public async Task DisposeAsync() => await s3.DisposeAsync();

    [Fact]
    public async Task Seeding_imports_the_media_and_the_store_saves_stats_reads_and_deletes()
    {
        await using var app = new LuffyAppFactory(s3.Settings());
        var files = app.Services.GetRequiredService<IFileStore>();
        var bytes = TestMedia.Png(300_000);

        var seeded = await files.StatAsync("private/videos/go-intro.webm");
        await files.SaveAsync("covers/test/s3.png", new MemoryStream(bytes), "image/png");
        var stat = await files.StatAsync("covers/test/s3.png");
        await using (var read = await files.OpenReadAsync("covers/test/s3.png"))
        {
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
        }

        await files.DeleteAsync("covers/test/s3.png");
        await files.DeleteAsync("covers/test/s3.png");

        Assert.Equal(StorageProvider.S3, files.Provider);
        Assert.Equal(new FileInfo(Path.Combine(RepositoryPaths.Root, "wwwroot-assets/private/videos/go-intro.webm")).Length, seeded!.Length);
        Assert.Equal("video/webm", seeded.ContentType);
        Assert.Equal(300_000, stat!.Length);
        Assert.Equal("image/png", stat.ContentType);
        Assert.Null(await files.StatAsync("covers/test/s3.png"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => files.OpenReadAsync("covers/test/s3.png"));
    }

    [Fact]
    public async Task A_stream_of_unknown_length_is_stored_whole_without_chunked_encoding()
    {
        await using var app = new LuffyAppFactory(s3.Settings());
        var files = app.Services.GetRequiredService<IFileStore>();
        var bytes = TestMedia.Webm(150_000);

        await files.SaveAsync("private/videos/unseekable.webm", new ForwardOnlyStream(bytes), "video/webm");

        await using var read = await files.OpenReadAsync("private/videos/unseekable.webm");
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task A_presigned_url_plays_the_private_video_with_ranges_and_carries_its_lifetime()
    {
        await using var app = new LuffyAppFactory(s3.Settings());
        var files = app.Services.GetRequiredService<IFileStore>();
        using var browser = new HttpClient();
        var whole = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "wwwroot-assets/private/videos/go-intro.webm"));

        var url = files.GetPrivateUrl("private/videos/go-intro.webm", TimeSpan.FromMinutes(10));
        var full = await browser.GetAsync(url);
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(0, 99);
        var part = await browser.SendAsync(request);

        var query = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query);
        Assert.Equal("AWS4-HMAC-SHA256", query["X-Amz-Algorithm"]);
        Assert.Equal("600", query["X-Amz-Expires"]);
        Assert.StartsWith($"{s3.AccessKey}/", query["X-Amz-Credential"]);
        Assert.EndsWith("/us-east-1/s3/aws4_request", query["X-Amz-Credential"]);
        Assert.Equal("host", query["X-Amz-SignedHeaders"]);
        Assert.Matches("^[0-9a-f]{64}$", query["X-Amz-Signature"]);
        Assert.StartsWith(s3.ServiceUrl + "/" + LocalS3Server.Bucket + "/private/videos/go-intro.webm?", url);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal(whole, await full.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(whole[..100], await part.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Covers_use_the_public_base_url_when_there_is_one_and_videos_stay_presigned()
    {
        await using var app = new LuffyAppFactory(s3.Settings(publicBaseUrl: "https://media.luffy.test/"));
        var files = app.Services.GetRequiredService<IFileStore>();
        await using var allPrivate = new LuffyAppFactory(s3.Settings());

        Assert.Equal("https://media.luffy.test/covers/go-basics.svg", files.GetPublicUrl("covers/go-basics.svg"));
        Assert.Contains("X-Amz-Signature=", files.GetPublicUrl("private/videos/go-intro.webm"));
        Assert.Contains("X-Amz-Signature=", allPrivate.Services.GetRequiredService<IFileStore>().GetPublicUrl("covers/go-basics.svg"));
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }
}
