using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace LuffyBlazor.Features.Storage.Qiniu;

/// <summary>A part Qiniu has stored for a resumable upload: its number, its <c>etag</c> and its size.</summary>
public sealed record QiniuPart(int PartNumber, string Etag, long Size);

/// <summary>
/// Qiniu's resumable upload v2 (分片上传 v2), as the official SDKs speak it, all with <c>Authorization: UpToken …</c>:
/// <list type="bullet">
/// <item>init: <c>POST /buckets/{bucket}/objects/{base64(key)}/uploads</c> → <c>{"uploadId","expireAt"}</c>;</item>
/// <item>part: <c>PUT …/uploads/{uploadId}/{partNumber}</c>, octet-stream with a hex <c>Content-MD5</c> →
/// <c>{"etag","md5"}</c> (parts 1 to 10000, 1 MB to 1 GB, the last one smaller);</item>
/// <item>list: <c>GET …/uploads/{uploadId}?part-number-marker=</c> → <c>{"parts":[{"partNumber","etag","size"}],"partNumberMarker"}</c>;</item>
/// <item>complete: <c>POST …/uploads/{uploadId}</c> with <c>{"parts":[{"etag","partNumber"}],"fname","mimeType"}</c>
/// → <c>{"hash","key"}</c>, as a form upload answers;</item>
/// <item>abort: <c>DELETE …/uploads/{uploadId}</c>.</item>
/// </list>
/// The browser speaks the same protocol (<c>wwwroot/js/media-uploader.js</c>); this side is the app's own uploads.
/// </summary>
public sealed partial class QiniuClient
{
    /// <summary>The path of a resumable upload's resource, the key encoded as Qiniu wants it (URL-safe base64).</summary>
    public static string UploadsPath(string bucket, string key) =>
        $"buckets/{bucket}/objects/{QiniuSignature.UrlSafeBase64(key)}/uploads";

    private async Task<QiniuUploadResult> ResumableUploadAsync(
        string bucket, string key, byte[] firstPart, Stream rest, string contentType, CancellationToken ct)
    {
        var path = UploadsPath(bucket, key);
        using var init = await SendToUploadHostsAsync(bucket, "initParts", host => UpTokenRequest(HttpMethod.Post, new Uri(host, path), UploadTokenFor(bucket, key), null), ct);
        var uploadId = init.RootElement.GetProperty("uploadId").GetString()!;
        try
        {
            var parts = new List<QiniuPart>();
            var buffer = firstPart;
            var length = buffer.Length;
            while (length > 0)
            {
                parts.Add(await UploadPartAsync(bucket, key, path, uploadId, parts.Count + 1, buffer.AsMemory(0, length), ct));
                length = await rest.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            }

            var complete = JsonSerializer.Serialize(new
            {
                parts = parts.Select(p => new { etag = p.Etag, partNumber = p.PartNumber }),
                fname = Path.GetFileName(key),
                mimeType = contentType,
            });
            using var answer = await SendToUploadHostsAsync(bucket, "completeParts",
                host => UpTokenRequest(HttpMethod.Post, new Uri(host, $"{path}/{uploadId}"), UploadTokenFor(bucket, key), JsonContent(complete)), ct);
            return ResultOf(answer.RootElement, key);
        }
        catch
        {
            await AbortQuietlyAsync(bucket, key, path, uploadId);
            throw;
        }
    }

    private async Task<QiniuPart> UploadPartAsync(
        string bucket, string key, string path, string uploadId, int partNumber, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var md5 = Convert.ToHexStringLower(MD5.HashData(data.Span));
        using var answer = await SendToUploadHostsAsync(bucket, "uploadPart", host =>
        {
            var body = new ReadOnlyMemoryContent(data);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            var request = UpTokenRequest(HttpMethod.Put, new Uri(host, $"{path}/{uploadId}/{partNumber}"), UploadTokenFor(bucket, key), body);
            request.Headers.TryAddWithoutValidation("Content-MD5", md5);
            return request;
        }, ct);
        var body = answer.RootElement;
        // The official SDKs check the part's MD5 as Qiniu computed it: a part corrupted on the way is not kept.
        if (body.TryGetProperty("md5", out var echoed) && echoed.GetString() is { } stored && stored != md5)
        {
            throw new QiniuException(406, $"part {partNumber} arrived with MD5 {stored}, sent {md5}", null);
        }

        return new QiniuPart(partNumber, body.GetProperty("etag").GetString()!, data.Length);
    }

    private async Task AbortQuietlyAsync(string bucket, string key, string path, string uploadId)
    {
        try
        {
            using var _ = await SendToUploadHostsAsync(bucket, "abort",
                host => UpTokenRequest(HttpMethod.Delete, new Uri(host, $"{path}/{uploadId}"), UploadTokenFor(bucket, key), null), CancellationToken.None);
        }
        catch (QiniuException ex)
        {
            // The parts expire by themselves (Qiniu keeps an unfinished upload for days, not forever).
            logger.LogWarning("Could not abort Qiniu upload {UploadId}: {Reason}", uploadId, ex.Message);
        }
    }

    private static HttpRequestMessage UpTokenRequest(HttpMethod method, Uri url, string token, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.TryAddWithoutValidation("Authorization", "UpToken " + token);
        return request;
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
