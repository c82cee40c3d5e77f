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

/// <summary>The upload host: <c>POST /</c> multipart forms, judged as Qiniu judges them.</summary>
public sealed partial class FakeQiniu
{
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
        headers.AccessControlAllowMethods = "GET, POST, PUT, DELETE, OPTIONS";
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

        if (fields.TryGetValue("crc32", out var crc) && crc != System.IO.Hashing.Crc32.HashToUInt32(file).ToString(System.Globalization.CultureInfo.InvariantCulture))
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
}
