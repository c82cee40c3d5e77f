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
/// (<c>POST /</c>, multipart), the management host (<c>/stat/</c>, <c>/delete/</c>, QBox or Qiniu authorization) and
/// the download domains (<c>GET /key</c>, signed URLs for private buckets). It checks what the real service checks —
/// the token's signature, deadline and scope, the size and type limits, the CRC32, the multipart shape (file last) —
/// and answers with Qiniu's codes, so the client is tested against the protocol, not against itself. Requests to
/// <c>127.0.0.1</c> reach the public bucket's domain, to <c>localhost</c> the private bucket's.
/// </summary>
public sealed class FakeQiniu : IAsyncDisposable
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

    private async Task UploadAsync(HttpContext context)
    {
        // Qiniu's upload hosts answer browsers from any origin.
        context.Response.Headers.AccessControlAllowOrigin = "*";
        var names = new List<string>();
        var fields = new Dictionary<string, string>();
        byte[]? file = null;
        string? fileName = null, fileType = null, refusal = null;
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(context.Request.ContentType ?? "").Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            await AnswerUpload(context, names, null, null, 400, "multipart/form-data expected");
            return;
        }

        var reader = new MultipartReader(boundary, context.Request.Body);
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            names.Add(name);
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer);
            if (name == "file")
            {
                file = buffer.ToArray();
                fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                fileType = section.ContentType;
            }
            else
            {
                if (file is not null && !AllowFieldsAfterFile)
                {
                    refusal ??= $"field '{name}' after the file: the file must be the last part";
                }

                fields[name] = Encoding.UTF8.GetString(buffer.ToArray());
            }
        }

        if (Interlocked.Decrement(ref uploadsToHang) >= 0)
        {
            Uploads.Enqueue(new UploadRecord(names, fileName, fileType, "no answer"));
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        if (scriptedFailures.TryDequeue(out var scripted))
        {
            await AnswerUpload(context, names, fileName, fileType, scripted.Status, scripted.Error);
            return;
        }

        var (status, error) = refusal is not null ? (400, refusal) : Judge(fields, file, fileType);
        if (status != 200)
        {
            await AnswerUpload(context, names, fileName, fileType, status, error);
            return;
        }

        var policy = QiniuSignature.ReadUploadToken(fields["token"], AccessKey, SecretKey)!;
        Put(policy.Bucket, fields["key"], file!, fileType!);
        Uploads.Enqueue(new UploadRecord(names, fileName, fileType, null));
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["hash"] = EtagOf(file!), ["key"] = fields["key"] });
    }

    /// <summary>
    /// Browsers ask first when the page listens to upload progress (that makes the request non-simple); Qiniu's upload
    /// hosts allow any origin to POST.
    /// </summary>
    private static void Preflight(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowMethods = "POST, OPTIONS";
        headers.AccessControlAllowHeaders = context.Request.Headers.AccessControlRequestHeaders.ToString();
        headers.AccessControlMaxAge = "86400";
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private (int Status, string Error) Judge(Dictionary<string, string> fields, byte[]? file, string? fileType)
    {
        if (file is null || !fields.TryGetValue("token", out var token))
        {
            return (400, "file and token are required");
        }

        var policy = QiniuSignature.ReadUploadToken(token, AccessKey, SecretKey);
        if (policy is null)
        {
            return (401, "bad token");
        }

        if (policy.Deadline < DateTimeOffset.UtcNow.ToUnixTimeSeconds())
        {
            return (401, "token out of date");
        }

        if (policy.Bucket is not (Bucket or PrivateBucket))
        {
            return (631, "no such bucket");
        }

        if (!fields.TryGetValue("key", out var key) || (policy.Key is { } scoped && scoped != key))
        {
            return (403, "key doesn't match with scope");
        }

        if (policy.FsizeLimit is { } limit && file.Length > limit)
        {
            return (413, "request entity too large");
        }

        if (policy.MimeLimit is { } mimes && !mimes.Split(';').Contains(fileType))
        {
            return (403, "limited mimeType: this file type is forbidden to upload");
        }

        if (fields.TryGetValue("crc32", out var crc) && crc != Crc32.Compute(file).ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return (406, "crc32 not match");
        }

        if ((policy.Key is null || policy.InsertOnly == 1) && Objects.ContainsKey((policy.Bucket, key)))
        {
            return (614, "file exists");
        }

        return (200, "");
    }

    private async Task AnswerUpload(HttpContext context, List<string> names, string? fileName, string? fileType, int status, string error)
    {
        Uploads.Enqueue(new UploadRecord(names, fileName, fileType, error));
        context.Response.StatusCode = status;
        context.Response.Headers["X-Reqid"] = "fake-" + Guid.NewGuid().ToString("N")[..8];
        await context.Response.WriteAsJsonAsync(new { error });
    }

    private async Task ManageAsync(HttpContext context, bool isDelete)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        ManagementAuthorizations.Enqueue(authorization);
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var contentType = request.ContentType;
        var pathAndQuery = request.Path.Value + request.QueryString.Value;
        var url = new Uri($"{request.Scheme}://{request.Host}{pathAndQuery}");
        var formBody = contentType == QiniuSignature.FormContentType ? body : null;
        var expected = authorization.StartsWith("QBox ", StringComparison.Ordinal)
            ? QiniuSignature.QBoxAuthorization(AccessKey, SecretKey, url, formBody)
            : QiniuSignature.QiniuAuthorization(AccessKey, SecretKey, request.Method, url, contentType,
                request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())), body);
        if (authorization != expected || !FreshDate(request.Headers["X-Qiniu-Date"]))
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsJsonAsync(new { error = "bad token" });
            return;
        }

        var entry = Encoding.UTF8.GetString(QiniuSignature.UrlSafeBase64Decode((string)context.Request.RouteValues["entry"]!) ?? []).Split(':', 2);
        if (entry is not [var bucket, var key] || bucket is not (Bucket or PrivateBucket))
        {
            context.Response.StatusCode = 631;
            await context.Response.WriteAsJsonAsync(new { error = "no such bucket" });
            return;
        }

        if (!Objects.TryGetValue((bucket, key), out var stored))
        {
            context.Response.StatusCode = 612;
            await context.Response.WriteAsJsonAsync(new { error = "no such file or directory" });
            return;
        }

        if (isDelete)
        {
            Objects.TryRemove((bucket, key), out _);
            await context.Response.WriteAsJsonAsync(new { });
            return;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            fsize = stored.Content.LongLength,
            hash = EtagOf(stored.Content),
            mimeType = stored.MimeType,
            putTime = stored.PutTime,
            type = 0,
        });
    }

    /// <summary>A signed <c>X-Qiniu-Date</c>, when present, must be within 15 minutes of now (replay protection).</summary>
    private static bool FreshDate(string? date) =>
        string.IsNullOrEmpty(date)
        || (DateTimeOffset.TryParseExact(date, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            && (DateTimeOffset.UtcNow - at).Duration() < TimeSpan.FromMinutes(15));

    private async Task DownloadAsync(HttpContext context)
    {
        var request = context.Request;
        var isPrivateDomain = request.Host.Host == "localhost";
        var bucket = isPrivateDomain ? PrivateBucket : Bucket;
        var key = request.Path.Value!.TrimStart('/');
        if (isPrivateDomain || BucketIsPrivate)
        {
            var full = $"{request.Scheme}://{request.Host}{request.Path}{request.QueryString}";
            var tokenAt = full.LastIndexOf("&token=", StringComparison.Ordinal);
            var signed = tokenAt < 0 ? "" : full[..tokenAt];
            var token = tokenAt < 0 ? "" : Uri.UnescapeDataString(full[(tokenAt + 7)..]);
            var deadline = long.TryParse(request.Query["e"], out var e) ? e : 0;
            if (tokenAt < 0 || token != QiniuSignature.Sign(AccessKey, SecretKey, signed) || deadline < DateTimeOffset.UtcNow.ToUnixTimeSeconds())
            {
                context.Response.StatusCode = 401;
                await context.Response.WriteAsJsonAsync(new { error = "download token not specified or invalid" });
                return;
            }
        }

        if (!Objects.TryGetValue((bucket, key), out var stored))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsJsonAsync(new { error = "Document not found" });
            return;
        }

        context.Response.ContentType = stored.MimeType;
        await context.Response.Body.WriteAsync(stored.Content);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
