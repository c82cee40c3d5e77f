using System.Net;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Features.Storage.S3;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// Multipart uploads against the local S3 server: the app's own large saves part by part, and what a browser does
/// with the app's presigned part URLs (PUT each part across origins, read its ETag), list after a reload, complete,
/// abort.
/// </summary>
public sealed class S3MultipartTests : IAsyncLifetime
{
    private const int MB = 1024 * 1024;
    private LocalS3Server s3 = null!;
    private LuffyAppFactory app = null!;

    public async Task InitializeAsync()
    {
        s3 = await LocalS3Server.StartAsync();
        var settings = s3.Settings();
        settings["Storage:S3:PartSize"] = (5 * MB).ToString();
        app = new LuffyAppFactory(settings);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await s3.DisposeAsync();
    }

    private S3FileStore Store => app.Services.GetRequiredService<S3FileStore>();

    private static async Task<byte[]> ReadAsync(IFileStore store, string key)
    {
        await using var read = await store.OpenReadAsync(key);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task A_large_stream_of_unknown_length_is_saved_part_by_part_and_read_back_whole()
    {
        var bytes = TestMedia.Webm(11 * MB + 17);

        await app.Services.GetRequiredService<IFileStore>().SaveAsync("private/videos/large.webm", new ForwardOnlyStream(bytes), "video/webm");

        Assert.Equal(bytes, await ReadAsync(Store, "private/videos/large.webm"));
        Assert.Equal("video/webm", (await Store.StatAsync("private/videos/large.webm"))!.ContentType);
    }

    [Fact]
    public async Task A_browser_puts_parts_to_presigned_urls_reads_their_etags_and_the_app_lists_and_completes_them()
    {
        const string key = "private/videos/browser.mp4";
        var bytes = TestMedia.Mp4(11 * MB);
        var uploadId = await Store.StartMultipartAsync(key, "video/mp4");
        using var browser = new HttpClient();
        var etags = new List<S3Part>();

        // Preflight as Chromium sends it for a cross-origin PUT.
        var preflight = new HttpRequestMessage(HttpMethod.Options, Store.PartUrl(key, uploadId, 1, TimeSpan.FromMinutes(10)));
        preflight.Headers.Add("Origin", "http://127.0.0.1:5080");
        preflight.Headers.Add("Access-Control-Request-Method", "PUT");
        var allowed = await browser.SendAsync(preflight);
        foreach (var (number, from, to) in new[] { (1, 0, 5 * MB), (2, 5 * MB, 10 * MB) })
        {
            var put = new HttpRequestMessage(HttpMethod.Put, Store.PartUrl(key, uploadId, number, TimeSpan.FromMinutes(10))) { Content = new ByteArrayContent(bytes[from..to]) };
            put.Headers.Add("Origin", "http://127.0.0.1:5080");
            var answer = await browser.SendAsync(put);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("ETag", answer.Headers.GetValues("Access-Control-Expose-Headers").Single());
            etags.Add(new S3Part(number, answer.Headers.ETag!.Tag, to - from));
        }

        var listed = await Store.ListPartsAsync(key, uploadId);
        var last = new HttpRequestMessage(HttpMethod.Put, Store.PartUrl(key, uploadId, 3, TimeSpan.FromMinutes(10))) { Content = new ByteArrayContent(bytes[(10 * MB)..]) };
        etags.Add(new S3Part(3, (await browser.SendAsync(last)).Headers.ETag!.Tag, bytes.Length - 10 * MB));
        await Store.CompleteMultipartAsync(key, uploadId, etags);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal([(1, 5 * MB), (2, 5 * MB)], listed!.Select(p => (p.PartNumber, (int)p.Size)));
        Assert.Equal(etags.Take(2).Select(p => p.ETag), listed!.Select(p => p.ETag));
        Assert.Contains("uploadId=" + uploadId, Store.PartUrl(key, uploadId, 3, TimeSpan.FromMinutes(10)));
        Assert.Contains("partNumber=3", Store.PartUrl(key, uploadId, 3, TimeSpan.FromMinutes(10)));
        Assert.Equal(bytes, await ReadAsync(Store, key));
        Assert.Null(await Store.ListPartsAsync(key, uploadId));
    }

    [Fact]
    public async Task An_aborted_upload_keeps_no_parts_and_stores_nothing()
    {
        const string key = "private/videos/cancelled.mp4";
        var uploadId = await Store.StartMultipartAsync(key, "video/mp4");
        using var browser = new HttpClient();
        await browser.PutAsync(Store.PartUrl(key, uploadId, 1, TimeSpan.FromMinutes(10)), new ByteArrayContent(TestMedia.Mp4(MB)));

        await Store.AbortMultipartAsync(key, uploadId);
        await Store.AbortMultipartAsync(key, uploadId);

        Assert.Null(await Store.ListPartsAsync(key, uploadId));
        Assert.Null(await Store.StatAsync(key));
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
