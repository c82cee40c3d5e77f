using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LuffyBlazor.Features.Storage.Qiniu;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// The upload host's resumable upload v2 (分片上传 v2) and the region query, as Qiniu's documentation and the official
/// SDKs describe them: <c>UpToken</c> authorization checked like a form upload's (signature, deadline, bucket, the
/// scope's key against the path's), parts 1–10000 of at most 1 GB with their <c>Content-MD5</c> checked, every part
/// but the last at least 1 MB, a completion that names existing parts in ascending order with their etags, and the
/// token's <c>fsizeLimit</c> and <c>mimeLimit</c> judged at completion.
/// </summary>
public sealed partial class FakeQiniu
{
    private const int MinPartSize = 1024 * 1024;
    private readonly ConcurrentDictionary<string, ResumableUpload> resumable = new();
    private readonly ConcurrentQueue<(int Status, string Error)> scriptedPartFailures = new();

    /// <summary>Every part PUT as received, with what went wrong if anything.</summary>
    public ConcurrentQueue<PartRecord> PartUploads { get; } = new();

    /// <summary>Completion bodies as received (the official SDK's and ours are compared with them).</summary>
    public ConcurrentQueue<string> Completions { get; } = new();

    /// <summary>How many region queries (<c>/v4/query</c>) were answered.</summary>
    public int RegionQueries => regionQueries;

    private int regionQueries;

    /// <summary>The upload domains the region query answers (host:port), in order; this server's own by default.</summary>
    public IReadOnlyList<string>? UploadDomains { get; set; }

    /// <summary>The TTL, in seconds, the region query answers.</summary>
    public int RegionTtl { get; set; } = 86400;

    /// <summary>Resumable uploads not yet completed or aborted.</summary>
    public int OpenUploads => resumable.Count;

    public sealed record PartRecord(string UploadId, int PartNumber, int Size, string? Refusal);

    private sealed record ResumableUpload(string Bucket, string Key, long ExpireAt)
    {
        public ConcurrentDictionary<int, (byte[] Data, string Etag, long PutTime)> Parts { get; } = new();
    }

    /// <summary>The next part uploads fail with these answers, in order.</summary>
    public void FailNextParts(params (int Status, string Error)[] failures)
    {
        foreach (var failure in failures)
        {
            scriptedPartFailures.Enqueue(failure);
        }
    }

    private void MapResumable()
    {
        const string uploads = "/buckets/{bucket}/objects/{encodedKey}/uploads";
        app.MapPost(uploads, InitAsync);
        app.MapPut(uploads + "/{uploadId}/{partNumber:int}", PutPartAsync);
        app.MapGet(uploads + "/{uploadId}", ListPartsAsync);
        app.MapPost(uploads + "/{uploadId}", CompleteAsync);
        app.MapDelete(uploads + "/{uploadId}", AbortAsync);
        app.MapMethods("/buckets/{**rest}", ["OPTIONS"], Preflight);
        app.MapGet("/v4/query", QueryRegion);
    }

    private async Task InitAsync(HttpContext context, string bucket, string encodedKey)
    {
        if (await AuthorizeAsync(context, bucket, encodedKey) is not { } key)
        {
            return;
        }

        var uploadId = "fake-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var expireAt = DateTimeOffset.UtcNow.AddDays(7).ToUnixTimeSeconds();
        resumable[uploadId] = new ResumableUpload(bucket, key, expireAt);
        await context.Response.WriteAsJsonAsync(new { uploadId, expireAt });
    }

    private async Task PutPartAsync(HttpContext context, string bucket, string encodedKey, string uploadId, int partNumber)
    {
        if (await AuthorizeAsync(context, bucket, encodedKey) is not { } key || await UploadOf(context, uploadId, bucket, key) is not { } upload)
        {
            return;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var data = buffer.ToArray();
        var md5 = Convert.ToHexStringLower(MD5.HashData(data));
        var sentMd5 = context.Request.Headers["Content-MD5"].ToString();
        var (status, error) = scriptedPartFailures.TryDequeue(out var scripted) ? scripted
            : partNumber is < 1 or > 10000 ? (400, "invalid partNumber")
            : data.Length > 1024 * 1024 * 1024 ? (413, "part too large")
            : sentMd5.Length > 0 && !string.Equals(sentMd5, md5, StringComparison.OrdinalIgnoreCase) ? (406, "Content-MD5 not match")
            : (200, "");
        PartUploads.Enqueue(new PartRecord(uploadId, partNumber, data.Length, status == 200 ? null : error));
        if (status != 200)
        {
            await Refuse(context, status, error);
            return;
        }

        var etag = "fake-etag-" + md5;
        upload.Parts[partNumber] = (data, etag, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await context.Response.WriteAsJsonAsync(new { etag, md5 });
    }

    private async Task ListPartsAsync(HttpContext context, string bucket, string encodedKey, string uploadId)
    {
        if (await AuthorizeAsync(context, bucket, encodedKey) is not { } key || await UploadOf(context, uploadId, bucket, key) is not { } upload)
        {
            return;
        }

        var marker = int.TryParse(context.Request.Query["part-number-marker"], out var m) ? m : 0;
        var max = int.TryParse(context.Request.Query["max-parts"], out var x) && x is > 0 and <= 1000 ? x : 1000;
        var parts = upload.Parts.Where(p => p.Key > marker).OrderBy(p => p.Key).Take(max).ToList();
        var next = parts.Count == max && upload.Parts.Keys.Any(k => k > parts[^1].Key) ? parts[^1].Key : 0;
        await context.Response.WriteAsJsonAsync(new
        {
            uploadId,
            expireAt = upload.ExpireAt,
            partNumberMarker = next,
            parts = parts.Select(p => new { size = p.Value.Data.Length, etag = p.Value.Etag, partNumber = p.Key, putTime = p.Value.PutTime }),
        });
    }

    private async Task CompleteAsync(HttpContext context, string bucket, string encodedKey, string uploadId)
    {
        if (await AuthorizeAsync(context, bucket, encodedKey) is not { } key || await UploadOf(context, uploadId, bucket, key) is not { } upload)
        {
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync();
        Completions.Enqueue(text);
        var policy = ReadPolicy(context)!;
        List<(int Number, string Etag)> named;
        string? mimeType;
        try
        {
            using var document = JsonDocument.Parse(text);
            named = document.RootElement.GetProperty("parts").EnumerateArray()
                .Select(p => (p.GetProperty("partNumber").GetInt32(), p.GetProperty("etag").GetString() ?? "")).ToList();
            mimeType = document.RootElement.TryGetProperty("mimeType", out var mime) && mime.ValueKind == JsonValueKind.String ? mime.GetString() : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            await Refuse(context, 400, "invalid complete body");
            return;
        }

        var problem = named.Count == 0 ? (400, "no parts")
            : named.Zip(named.Skip(1)).Any(p => p.First.Number >= p.Second.Number) ? (400, "parts must be in ascending order")
            : named.FirstOrDefault(p => !upload.Parts.TryGetValue(p.Number, out var stored) || stored.Etag != p.Etag) is { Etag: not null } bad
                ? (400, $"part {bad.Number} not found or its etag does not match")
            : named.SkipLast(1).Any(p => upload.Parts[p.Number].Data.Length < MinPartSize) ? (400, "every part but the last must be at least 1 MB")
            : ((int, string)?)null;
        if (problem is { } refusal)
        {
            await Refuse(context, refusal.Item1, refusal.Item2);
            return;
        }

        using var assembled = new MemoryStream();
        foreach (var (number, _) in named)
        {
            assembled.Write(upload.Parts[number].Data);
        }

        var content = assembled.ToArray();
        var type = mimeType ?? "application/octet-stream";
        if (policy.FsizeLimit is { } limit && content.Length > limit)
        {
            await Refuse(context, 413, "request entity too large");
            return;
        }

        if (policy.MimeLimit is { } mimes && !mimes.Split(';').Contains(type))
        {
            await Refuse(context, 403, "limited mimeType: this file type is forbidden to upload");
            return;
        }

        resumable.TryRemove(uploadId, out _);
        Put(bucket, key, content, type);
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["hash"] = EtagOf(content), ["key"] = key });
    }

    private async Task AbortAsync(HttpContext context, string bucket, string encodedKey, string uploadId)
    {
        if (await AuthorizeAsync(context, bucket, encodedKey) is not { } key || await UploadOf(context, uploadId, bucket, key) is null)
        {
            return;
        }

        resumable.TryRemove(uploadId, out _);
        await context.Response.WriteAsJsonAsync(new { });
    }

    private IResult QueryRegion(HttpContext context)
    {
        Interlocked.Increment(ref regionQueries);
        context.Response.Headers.AccessControlAllowOrigin = "*";
        if (context.Request.Query["ak"] != AccessKey || context.Request.Query["bucket"].ToString() is not (Bucket or PrivateBucket))
        {
            return Results.Json(new { error = "no such bucket" }, statusCode: 631);
        }

        var self = new Uri(Url).Authority;
        var domains = UploadDomains ?? [self];
        return Results.Json(new
        {
            hosts = new[]
            {
                new
                {
                    region = "z0",
                    ttl = RegionTtl,
                    up = new { domains, old = Array.Empty<string>() },
                    io = new { domains = new[] { self } },
                    uc = new { domains = new[] { self } },
                    rs = new { domains = new[] { self } },
                    rsf = new { domains = new[] { self } },
                    api = new { domains = new[] { self } },
                    s3 = new { domains = Array.Empty<string>(), region_alias = "cn-east-1" },
                },
            },
        });
    }

    /// <summary>The key the path names, when the <c>UpToken</c> may write it; otherwise answers Qiniu's refusal and returns null.</summary>
    private async Task<string?> AuthorizeAsync(HttpContext context, string bucket, string encodedKey)
    {
        context.Response.Headers.AccessControlAllowOrigin = "*";
        var policy = ReadPolicy(context);
        var key = QiniuSignature.UrlSafeBase64Decode(encodedKey) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
        var (status, error) = policy is null ? (401, "bad token")
            : policy.Deadline < DateTimeOffset.UtcNow.ToUnixTimeSeconds() ? (401, "token out of date")
            : policy.Bucket != bucket || bucket is not (Bucket or PrivateBucket) ? (631, "no such bucket")
            : key is null || (policy.Key is { } scoped && scoped != key) ? (403, "key doesn't match with scope")
            : (200, "");
        if (status == 200)
        {
            return key;
        }

        await Refuse(context, status, error);
        return null;
    }

    private static QiniuPutPolicy? ReadPolicy(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("UpToken ", StringComparison.Ordinal)
            ? QiniuSignature.ReadUploadToken(authorization["UpToken ".Length..], AccessKey, SecretKey)
            : null;
    }

    private async Task<ResumableUpload?> UploadOf(HttpContext context, string uploadId, string bucket, string key)
    {
        if (resumable.TryGetValue(uploadId, out var upload) && upload.Bucket == bucket && upload.Key == key)
        {
            return upload;
        }

        await Refuse(context, 612, "no such uploadId");
        return null;
    }

    private static async Task Refuse(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["X-Reqid"] = "fake-" + Guid.NewGuid().ToString("N")[..8];
        await context.Response.WriteAsJsonAsync(new { error });
    }
}
