using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using LuffyBlazor.Features.Storage.Qiniu;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on a free loopback port playing Qiniu Kodo as its documentation describes it: the upload host
/// (<c>POST /</c>, multipart, and the resumable upload v2 in <c>FakeQiniu.Resumable.cs</c>), the region query
/// (<c>/v4/query</c>), the management host (<c>/stat/</c>, <c>/delete/</c>, QBox or Qiniu authorization) and
/// the download domains (<c>GET /key</c>, signed URLs for private buckets). It checks what the real service checks —
/// the token's signature, deadline and scope, the size and type limits, the CRC32, the multipart shape (file last) —
/// and answers with Qiniu's codes, so the client is tested against the protocol, not against itself. Requests to
/// <c>127.0.0.1</c> reach the public bucket's domain, to <c>localhost</c> the private bucket's.
/// </summary>
public sealed partial class FakeQiniu : IAsyncDisposable
{
    public const string AccessKey = "test-fake-qiniu-access-key";
    public const string SecretKey = "test-fake-qiniu-secret-key-not-real";
    public const string Bucket = "luffy";
    public const string PrivateBucket = "luffy-private";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<(int Status, string Error)> scriptedFailures = new();
    private int uploadsToHang;

    private FakeQiniu(WebApplication app)
    {
        this.app = app;
        app.MapPost("/", UploadAsync);
        app.MapMethods("/", ["OPTIONS"], Preflight);
        app.MapGet("/stat/{entry}", context => ManageAsync(context, isDelete: false));
        app.MapPost("/delete/{entry}", context => ManageAsync(context, isDelete: true));
        MapResumable();
        app.MapGet("/{**key}", DownloadAsync);
    }

    /// <summary>Stored objects by (bucket, key).</summary>
    public ConcurrentDictionary<(string Bucket, string Key), StoredObject> Objects { get; } = new();

    /// <summary>Every upload request as received: the part names in order, and what went wrong if anything.</summary>
    public ConcurrentQueue<UploadRecord> Uploads { get; } = new();

    public ConcurrentQueue<string> ManagementAuthorizations { get; } = new();

    public int UploadAttempts => Uploads.Count;

    /// <summary>Whether the public bucket is private too (then its downloads need signatures).</summary>
    public bool BucketIsPrivate { get; set; }

    /// <summary>Whether multipart fields may come after the file (the official Node SDK sends crc32 last).</summary>
    public bool AllowFieldsAfterFile { get; set; }

    public string Url { get; private set; } = "";

    /// <summary><see cref="Url"/> with the host that reaches the private bucket's domain.</summary>
    public string PrivateUrl => Url.Replace("127.0.0.1", "localhost");

    public sealed record StoredObject(byte[] Content, string MimeType, long PutTime);

    public sealed record UploadRecord(IReadOnlyList<string> PartNames, string? FileName, string? FileContentType, string? Refusal);

    public static async Task<FakeQiniu> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Logging.ClearProviders();
        var fake = new FakeQiniu(builder.Build());
        await fake.app.StartAsync();
        fake.Url = fake.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    /// <summary>Settings that point the app's Qiniu store at this server.</summary>
    public Dictionary<string, string?> Settings(bool privateBucket = false) => new()
    {
        ["Storage:Provider"] = "Qiniu",
        ["Storage:Qiniu:AccessKey"] = AccessKey,
        ["Storage:Qiniu:SecretKey"] = SecretKey,
        ["Storage:Qiniu:Bucket"] = Bucket,
        ["Storage:Qiniu:Domain"] = Url,
        ["Storage:Qiniu:Private"] = privateBucket ? "true" : "false",
        ["Storage:Qiniu:PrivateBucket"] = privateBucket ? "" : PrivateBucket,
        ["Storage:Qiniu:PrivateDomain"] = privateBucket ? "" : PrivateUrl,
        ["Storage:Qiniu:UploadHost"] = Url,
        ["Storage:Qiniu:ManagementHost"] = Url,
        ["Storage:Qiniu:UseHttps"] = "false",
    };

    /// <summary>The next uploads fail with these answers, in order (then uploads succeed again).</summary>
    public void FailNextUploads(params (int Status, string Error)[] failures)
    {
        foreach (var failure in failures)
        {
            scriptedFailures.Enqueue(failure);
        }
    }

    /// <summary>The next uploads get no answer at all (until the client gives up), like a stalled connection.</summary>
    public void HangNextUploads(int count) => Interlocked.Exchange(ref uploadsToHang, count);

    public void Put(string bucket, string key, byte[] content, string mimeType) =>
        Objects[(bucket, key)] = new StoredObject(content, mimeType, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 10_000);

    public static string EtagOf(byte[] content) => QiniuSignature.UrlSafeBase64(SHA1.HashData(content));

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>The app's Qiniu client pointed at a <see cref="FakeQiniu"/>, wired as the app wires it (its resilience pipeline, the region lookup).</summary>
public static class FakeQiniuClients
{
    public static ServiceProvider ClientServices(this FakeQiniu fake, Action<QiniuOptions>? tweak = null, TimeProvider? clock = null)
    {
        var options = new QiniuOptions
        {
            AccessKey = FakeQiniu.AccessKey,
            SecretKey = FakeQiniu.SecretKey,
            Bucket = FakeQiniu.Bucket,
            Domain = fake.Url,
            Private = true,
            UploadHost = fake.Url,
            ManagementHost = fake.Url,
            UseHttps = false,
        };
        tweak?.Invoke(options);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(clock ?? TimeProvider.System)
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(options))
            .AddSingleton<QiniuRegions>()
            .AddSingleton<QiniuClient>();
        QiniuClient.AddQiniuHttpClient(services);
        return services.BuildServiceProvider();
    }
}
