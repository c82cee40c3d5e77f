using System.Net;
using System.Net.Http.Headers;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Features.Storage.Local;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Storage;

/// <summary>The local store as browsers see it: <c>/media</c> with types, ranges and caching; private files only signed.</summary>
public sealed class LocalMediaTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    private IFileStore Files => app.Services.GetRequiredService<IFileStore>();

    private LocalFileStore Local => app.Services.GetRequiredService<LocalFileStore>();

    [Fact]
    public async Task Seeded_covers_are_served_with_their_content_type_and_a_day_of_caching()
    {
        var response = await client.GetAsync("/media/covers/python-basics.svg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public,max-age=86400", response.Headers.CacheControl?.ToString().Replace(", ", ","));
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType); // opened alone, an SVG never runs on our origin
    }

    [Fact]
    public async Task A_signed_private_video_plays_with_range_requests_for_seeking()
    {
        var url = Files.GetPrivateUrl("private/videos/python-setup.webm", TimeSpan.FromMinutes(10));
        var whole = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "wwwroot-assets/private/videos/python-setup.webm"));

        var full = await client.GetAsync(url);
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(100, 199);
        var part = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal("video/webm", full.Content.Headers.ContentType?.MediaType);
        Assert.Equal(whole, await full.Content.ReadAsByteArrayAsync());
        Assert.True(full.Headers.CacheControl?.Private, "a signed response must not be kept by shared caches");
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(whole[100..200], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 100-199/{whole.Length}", part.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Public_files_answer_range_requests_too()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/media/covers/go-basics.svg");
        request.Headers.Range = new RangeHeaderValue(0, 9);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(10, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Theory]
    [InlineData("/media//private/videos/python-setup.webm")]
    [InlineData("/media/./private/videos/python-setup.webm")]
    [InlineData("/media/Private/videos/python-setup.webm")]
    [InlineData("/media/covers/../private/videos/python-setup.webm")]
    [InlineData("/media/%70rivate/videos/python-setup.webm")]
    public async Task No_spelling_of_the_private_path_reaches_a_video_without_a_signature(string path)
    {
        var response = await client.GetAsync(path);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual("video/webm", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?e=99999999999")]
    [InlineData("?e=99999999999&token=forged")]
    public async Task A_private_file_is_never_served_without_a_valid_signature(string query)
    {
        var response = await client.GetAsync("/media/private/videos/python-setup.webm" + query);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotEqual("video/webm", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_signature_is_bound_to_its_key_and_deadline()
    {
        var url = new Uri(new Uri("http://localhost"), Files.GetPrivateUrl("private/videos/python-setup.webm", TimeSpan.FromMinutes(10)));
        var query = url.Query;
        var deadline = long.Parse(System.Web.HttpUtility.ParseQueryString(query)["e"]!);

        var otherKey = await client.GetAsync("/media/private/videos/go-intro.webm" + query);
        var laterDeadline = await client.GetAsync(url.AbsolutePath + query.Replace($"e={deadline}", $"e={deadline + 300}"));

        Assert.Equal(HttpStatusCode.Forbidden, otherKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, laterDeadline.StatusCode);
    }

    [Fact]
    public void A_signed_url_expires_and_is_stable_within_five_minutes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T10:00:07Z"));
        var store = new LocalFileStore(Microsoft.Extensions.Options.Options.Create(new LocalStorageOptions
        {
            Root = Path.Combine(app.Root, "clock-media"),
            SigningKey = "another-test-signing-key-0123456789abcdef",
        }), new TestEnvironment(app.Root), clock);

        var first = store.GetPrivateUrl("private/videos/a.webm", TimeSpan.FromMinutes(10));
        clock.Advance(TimeSpan.FromSeconds(50));
        var second = store.GetPrivateUrl("private/videos/a.webm", TimeSpan.FromMinutes(10));
        var query = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + first).Query);

        Assert.Equal(first, second);
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T10:15:00Z").ToUnixTimeSeconds(), long.Parse(query["e"]!));
        Assert.True(store.Urls.IsValid("private/videos/a.webm", query["e"], query["token"]));
        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.False(store.Urls.IsValid("private/videos/a.webm", query["e"], query["token"]));
    }

    [Fact]
    public async Task Saving_stats_opening_and_deleting_a_file_round_trip()
    {
        var bytes = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray();
        await Files.SaveAsync("covers/test/round-trip.svg", new MemoryStream(bytes), "text/plain");

        var stat = await Files.StatAsync("covers/test/round-trip.svg");
        await using (var read = await Files.OpenReadAsync("covers/test/round-trip.svg"))
        {
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
        }

        await Files.DeleteAsync("covers/test/round-trip.svg");
        await Files.DeleteAsync("covers/test/round-trip.svg");

        Assert.Equal(bytes.Length, stat!.Length);
        Assert.Equal("image/svg+xml", stat.ContentType); // from the extension, not what the caller claimed
        Assert.Null(await Files.StatAsync("covers/test/round-trip.svg"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => Files.OpenReadAsync("covers/test/round-trip.svg"));
    }

    [Theory]
    [InlineData("../escape.png")]
    [InlineData("covers/../../escape.png")]
    [InlineData("/etc/passwd.png")]
    [InlineData("covers//a.png")]
    [InlineData("Covers/A.png")]
    [InlineData("covers/a b.png")]
    [InlineData("covers\\..\\a.png")]
    public async Task Keys_that_could_leave_the_media_root_are_refused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Files.SaveAsync(key, new MemoryStream([1]), "image/png"));
        Assert.Throws<ArgumentException>(() => Local.PathOf(key));
        Assert.False(File.Exists(Path.Combine(app.Root, "escape.png")));
    }

    [Fact]
    public async Task A_file_of_a_type_the_school_does_not_store_is_refused_clearly()
    {
        var error = await Assert.ThrowsAsync<MediaRejectedException>(() => Files.SaveAsync("covers/run.exe", new MemoryStream([1]), "image/png"));

        Assert.Contains("不支持的文件类型", error.Message);
        Assert.Contains("png", error.Message);
        Assert.Null(await Files.StatAsync("covers/run.exe"));
    }

    [Fact]
    public async Task A_stream_longer_than_the_limit_is_cut_off_and_leaves_nothing_behind()
    {
        using var limited = new LuffyAppFactory(new Dictionary<string, string?> { ["Storage:MaxImageBytes"] = "1000" });
        var files = limited.Services.GetRequiredService<IFileStore>();

        var known = await Assert.ThrowsAsync<MediaRejectedException>(() => files.SaveAsync("covers/big.png", new MemoryStream(TestMedia.Png(1001)), "image/png"));
        var unknown = await Assert.ThrowsAsync<MediaRejectedException>(() => files.SaveAsync("covers/big.png", new UnseekableStream(TestMedia.Png(5000)), "image/png"));
        await files.SaveAsync("covers/small.png", new UnseekableStream(TestMedia.Png(1000)), "image/png");

        Assert.Contains("文件过大", known.Message);
        Assert.Contains("1000 B", known.Message);
        Assert.Contains("文件过大", unknown.Message);
        Assert.Null(await files.StatAsync("covers/big.png"));
        Assert.Equal(1000, (await files.StatAsync("covers/small.png"))!.Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(limited.Root, "media", "covers"), "*.tmp"));
    }

    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }

    private sealed class TestEnvironment(string root) : Microsoft.Extensions.Hosting.IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "LuffyBlazor";
        public string ContentRootPath { get; set; } = root;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
