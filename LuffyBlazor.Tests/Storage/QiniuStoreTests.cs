using System.Net;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Features.Storage.Qiniu;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Storage;

/// <summary>The Qiniu client and store against <see cref="FakeQiniu"/>, a server that checks the protocol as Qiniu does.</summary>
public sealed class QiniuStoreTests : IAsyncLifetime
{
    private FakeQiniu fake = null!;
    private ServiceProvider http = null!;

    public async Task InitializeAsync()
    {
        fake = await FakeQiniu.StartAsync();
        http = new ServiceCollection().AddHttpClient().BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }

        await http.DisposeAsync();
        await fake.DisposeAsync();
    }

    [Fact]
    public async Task Seeding_uploads_the_media_as_forms_with_the_file_last_into_the_right_buckets()
    {
        await using var app = new LuffyAppFactory(fake.Settings());
        _ = app.Services; // starts the app, which imports wwwroot-assets through the store

        Assert.True(fake.Objects.ContainsKey((FakeQiniu.Bucket, "covers/python-basics.svg")));
        Assert.True(fake.Objects.ContainsKey((FakeQiniu.PrivateBucket, "private/videos/go-intro.webm")));
        Assert.False(fake.Objects.ContainsKey((FakeQiniu.Bucket, "private/videos/go-intro.webm")));
        Assert.All(fake.Uploads, upload =>
        {
            Assert.Null(upload.Refusal);
            Assert.Equal(["key", "token", "crc32", "file"], upload.PartNames);
        });
        Assert.Equal("video/webm", fake.Objects[(FakeQiniu.PrivateBucket, "private/videos/go-intro.webm")].MimeType);
    }

    [Fact]
    public async Task Seeding_is_idempotent_a_second_start_uploads_nothing()
    {
        await using (var first = new LuffyAppFactory(fake.Settings()))
        {
            _ = first.Services;
        }

        var uploads = fake.UploadAttempts;
        await using var second = new LuffyAppFactory(fake.Settings());
        _ = second.Services;

        Assert.True(uploads > 20);
        Assert.Equal(uploads, fake.UploadAttempts);
    }

    [Fact]
    public async Task A_store_that_refuses_the_credentials_does_not_keep_the_shop_from_starting()
    {
        var settings = fake.Settings();
        settings["Storage:Qiniu:SecretKey"] = "test-wrong-secret";
        await using var app = new LuffyAppFactory(settings);

        var home = await app.CreateClient().GetAsync("/");

        Assert.Equal(System.Net.HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(15, await app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Courses)));
        Assert.Empty(fake.Objects);
    }

    [Fact]
    public async Task The_store_saves_stats_downloads_and_deletes_through_the_real_protocol()
    {
        await using var app = new LuffyAppFactory(fake.Settings());
        var files = app.Services.GetRequiredService<IFileStore>();
        var bytes = TestMedia.Png(70_000);

        await files.SaveAsync("covers/test/photo.png", new MemoryStream(bytes), "image/png");
        var stat = await files.StatAsync("covers/test/photo.png");
        await using var read = await files.OpenReadAsync("covers/test/photo.png");
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        await files.DeleteAsync("covers/test/photo.png");
        await files.DeleteAsync("covers/test/photo.png");

        Assert.Equal(StorageProvider.Qiniu, files.Provider);
        Assert.Equal(70_000, stat!.Length);
        Assert.Equal("image/png", stat.ContentType);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Null(await files.StatAsync("covers/test/photo.png"));
        Assert.Contains(fake.ManagementAuthorizations, a => a.StartsWith("Qiniu " + FakeQiniu.AccessKey + ":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Covers_get_plain_urls_and_videos_signed_urls_that_the_private_domain_honours()
    {
        await using var app = new LuffyAppFactory(fake.Settings());
        var files = app.Services.GetRequiredService<IFileStore>();
        using var browser = new HttpClient();

        var cover = files.GetPublicUrl("covers/go-basics.svg");
        var video = files.GetPrivateUrl("private/videos/go-intro.webm", TimeSpan.FromMinutes(10));

        Assert.Equal($"{fake.Url}/covers/go-basics.svg", cover);
        Assert.StartsWith($"{fake.PrivateUrl}/private/videos/go-intro.webm?e=", video);
        Assert.Contains($"&token={FakeQiniu.AccessKey}:", video);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(cover)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(video)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync($"{fake.PrivateUrl}/private/videos/go-intro.webm")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(video.Replace("go-intro", "linux-distros"))).StatusCode);
    }

    [Fact]
    public async Task In_a_private_bucket_every_url_is_signed()
    {
        fake.BucketIsPrivate = true;
        await using var app = new LuffyAppFactory(fake.Settings(privateBucket: true));
        var files = app.Services.GetRequiredService<IFileStore>();
        using var browser = new HttpClient();

        var cover = files.GetPublicUrl("covers/go-basics.svg");
        var video = files.GetPrivateUrl("private/videos/go-intro.webm", TimeSpan.FromMinutes(10));

        Assert.Contains("?e=", cover);
        Assert.StartsWith(fake.Url + "/private/videos/go-intro.webm?e=", video);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(cover)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(video)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync($"{fake.Url}/covers/go-basics.svg")).StatusCode);
    }

    [Fact]
    public async Task Uploads_are_retried_after_5xx_answers_and_succeed()
    {
        fake.FailNextUploads((503, "service unavailable"), (599, "server error"));

        var result = await Client().UploadAsync(FakeQiniu.Bucket, "covers/retried.png", new MemoryStream([1, 2, 3]), "image/png");

        Assert.Equal("covers/retried.png", result.Key);
        Assert.Equal(FakeQiniu.EtagOf([1, 2, 3]), result.Hash);
        Assert.Equal(3, fake.UploadAttempts);
    }

    [Fact]
    public async Task A_small_stream_that_cannot_seek_is_buffered_so_a_retry_sends_it_whole()
    {
        fake.FailNextUploads((502, "bad gateway"));
        var bytes = new byte[200_000];
        Random.Shared.NextBytes(bytes);

        await Client().UploadAsync(FakeQiniu.Bucket, "covers/unseekable.png", new ForwardOnlyStream(bytes), "image/png");

        Assert.Equal(bytes, fake.Objects[(FakeQiniu.Bucket, "covers/unseekable.png")].Content);
        Assert.Equal(2, fake.UploadAttempts);
    }

    [Theory]
    [InlineData(401, "bad token", "token or authorization is invalid")]
    [InlineData(413, "request entity too large", "larger than the upload token allows")]
    [InlineData(579, "callback failed", "stored but Qiniu's callback")]
    [InlineData(614, "file exists", "already exists")]
    [InlineData(631, "no such bucket", "bucket does not exist")]
    [InlineData(400, "incorrect region", "Storage:Qiniu:Region")]
    public async Task Qiniu_refusals_become_clear_errors_and_are_not_retried(int status, string error, string explanation)
    {
        fake.FailNextUploads((status, error));

        var ex = await Assert.ThrowsAsync<QiniuException>(() =>
            Client().UploadAsync(FakeQiniu.Bucket, "covers/refused.png", new MemoryStream([1]), "image/png"));

        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(error, ex.Error);
        Assert.Contains(explanation, ex.Message);
        Assert.Contains($"Qiniu {status}", ex.Message);
        Assert.StartsWith("fake-", ex.RequestId);
        Assert.Equal(1, fake.UploadAttempts);
    }

    [Fact]
    public async Task An_upload_that_gets_no_answer_times_out_and_is_retried()
    {
        fake.HangNextUploads(1);

        await Client(o => o.Timeout = TimeSpan.FromSeconds(1)).UploadAsync(FakeQiniu.Bucket, "covers/stalled.png", new MemoryStream([4, 5]), "image/png");

        Assert.Equal(2, fake.UploadAttempts);
        Assert.Equal([4, 5], fake.Objects[(FakeQiniu.Bucket, "covers/stalled.png")].Content);
    }

    [Fact]
    public async Task Persistent_5xx_gives_up_after_the_configured_attempts()
    {
        fake.FailNextUploads((503, "a"), (503, "b"), (503, "c"), (503, "d"));

        var ex = await Assert.ThrowsAsync<QiniuException>(() =>
            Client().UploadAsync(FakeQiniu.Bucket, "covers/down.png", new MemoryStream([1]), "image/png"));

        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(3, fake.UploadAttempts);
    }

    [Fact]
    public async Task The_fake_itself_refuses_expired_tokens_other_buckets_and_bad_secrets()
    {
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-1));

        var expired = await Assert.ThrowsAsync<QiniuException>(() =>
            Client(clock: past).UploadAsync(FakeQiniu.Bucket, "covers/a.png", new MemoryStream([1]), "image/png"));
        var bucket = await Assert.ThrowsAsync<QiniuException>(() =>
            Client().UploadAsync("no-such-bucket", "covers/a.png", new MemoryStream([1]), "image/png"));
        var secret = await Assert.ThrowsAsync<QiniuException>(() =>
            Client(o => o.SecretKey = "wrong-secret").UploadAsync(FakeQiniu.Bucket, "covers/a.png", new MemoryStream([1]), "image/png"));
        var stat = await Assert.ThrowsAsync<QiniuException>(() => Client(o => o.SecretKey = "wrong-secret").StatAsync(FakeQiniu.Bucket, "covers/a.png"));

        Assert.Equal((401, "token out of date"), (expired.StatusCode, expired.Error));
        Assert.Equal(631, bucket.StatusCode);
        Assert.Equal((401, "bad token"), (secret.StatusCode, secret.Error));
        Assert.Equal(401, stat.StatusCode);
        Assert.Empty(fake.Objects);
    }

    [Fact]
    public async Task Legacy_QBox_management_authorization_is_accepted_too()
    {
        fake.Put(FakeQiniu.Bucket, "covers/qbox.png", [1, 2], "image/png");
        var client = Client(o => o.Authorization = "QBox");

        var stat = await client.StatAsync(FakeQiniu.Bucket, "covers/qbox.png");
        await client.DeleteAsync(FakeQiniu.Bucket, "covers/qbox.png");

        Assert.Equal(2, stat!.Size);
        Assert.All(fake.ManagementAuthorizations, a => Assert.StartsWith("QBox ", a));
        Assert.Empty(fake.Objects);
    }

    private QiniuClient Client(Action<QiniuOptions>? tweak = null, TimeProvider? clock = null) => Services(tweak, clock).GetRequiredService<QiniuClient>();

    private ServiceProvider Services(Action<QiniuOptions>? tweak = null, TimeProvider? clock = null)
    {
        var provider = fake.ClientServices(tweak, clock);
        providers.Add(provider);
        return provider;
    }

    private readonly List<ServiceProvider> providers = [];

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
