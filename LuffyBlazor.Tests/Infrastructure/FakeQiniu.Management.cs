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

/// <summary>The management host (<c>stat</c>, <c>delete</c>) and the download domains.</summary>
public sealed partial class FakeQiniu
{
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

        // Range requests, as a CDN answers them: a <video> seeks and reads its metadata with them.
        await Results.Bytes(stored.Content, stored.MimeType, enableRangeProcessing: true).ExecuteAsync(context);
    }
}
