using Amazon.S3;
using Amazon.S3.Model;

namespace LuffyBlazor.Features.Storage.S3;

/// <summary>A part S3 holds for a multipart upload: its number, ETag and size.</summary>
public sealed record S3Part(int PartNumber, string ETag, long Size);

/// <summary>
/// Multipart uploads (S3's resumable upload), for the app's own large saves and for browsers uploading straight to the
/// bucket: the app starts the upload, signs a PUT URL for each part (the browser sends the bytes, never the keys),
/// lists the parts a reloaded page already sent, completes with the parts' ETags, or aborts. Browsers need the bucket's
/// CORS to allow PUT from the site and to expose <c>ETag</c> (see docs/storage.md).
/// </summary>
public sealed partial class S3FileStore
{
    public int PartSize => options.PartSize;

    /// <summary>Where browsers PUT parts: the origin of the presigned URLs (the endpoint, or the bucket's virtual host).</summary>
    public IReadOnlyList<string> BrowserUploadOrigins =>
        [new Uri(PartUrl("origin", "origin", 1, TimeSpan.FromMinutes(1))).GetLeftPart(UriPartial.Authority)];

    public async Task<string> StartMultipartAsync(string key, string contentType, CancellationToken ct = default)
    {
        var started = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = options.Bucket,
            Key = StorageKeys.Require(key),
            ContentType = contentType,
        }, ct);
        return started.UploadId;
    }

    /// <summary>A presigned PUT of one part, valid for <paramref name="lifetime"/>.</summary>
    public string PartUrl(string key, string uploadId, int partNumber, TimeSpan lifetime)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = options.Bucket,
            Key = StorageKeys.Require(key),
            Verb = HttpVerb.PUT,
            UploadId = uploadId,
            PartNumber = partNumber,
            Expires = clock.GetUtcNow().UtcDateTime.Add(lifetime),
        };
        if (options.ServiceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            request.Protocol = Protocol.HTTP;
        }

        return client.GetPreSignedURL(request);
    }

    /// <summary>The parts already uploaded, in order; null when there is no such upload (completed, aborted or expired).</summary>
    public async Task<IReadOnlyList<S3Part>?> ListPartsAsync(string key, string uploadId, CancellationToken ct = default)
    {
        var parts = new List<S3Part>();
        int? marker = null;
        try
        {
            while (true)
            {
                var page = await client.ListPartsAsync(new ListPartsRequest
                {
                    BucketName = options.Bucket,
                    Key = StorageKeys.Require(key),
                    UploadId = uploadId,
                    PartNumberMarker = marker?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                }, ct);
                parts.AddRange((page.Parts ?? []).Select(p => new S3Part(p.PartNumber ?? 0, p.ETag, p.Size ?? 0)));
                if (page.IsTruncated != true)
                {
                    return parts;
                }

                marker = page.NextPartNumberMarker;
            }
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task CompleteMultipartAsync(string key, string uploadId, IEnumerable<S3Part> parts, CancellationToken ct = default) =>
        await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = options.Bucket,
            Key = StorageKeys.Require(key),
            UploadId = uploadId,
            PartETags = parts.OrderBy(p => p.PartNumber).Select(p => new PartETag(p.PartNumber, p.ETag)).ToList(),
        }, ct);

    public async Task AbortMultipartAsync(string key, string uploadId, CancellationToken ct = default)
    {
        try
        {
            await client.AbortMultipartUploadAsync(options.Bucket, StorageKeys.Require(key), uploadId, ct);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Already completed, aborted or expired: nothing left to free.
        }
    }

    private async Task MultipartUploadAsync(string key, byte[] firstPart, Stream rest, string contentType, CancellationToken ct)
    {
        var uploadId = await StartMultipartAsync(key, contentType, ct);
        try
        {
            var parts = new List<S3Part>();
            var buffer = firstPart;
            var length = buffer.Length;
            while (length > 0)
            {
                var number = parts.Count + 1;
                using var body = new MemoryStream(buffer, 0, length, writable: false);
                var sent = await client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = options.Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = number,
                    InputStream = body,
                    PartSize = length,
                    UseChunkEncoding = false,
                }, ct);
                parts.Add(new S3Part(number, sent.ETag, length));
                length = await rest.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            }

            await CompleteMultipartAsync(key, uploadId, parts, ct);
        }
        catch
        {
            await AbortMultipartAsync(key, uploadId, CancellationToken.None);
            throw;
        }
    }
}
